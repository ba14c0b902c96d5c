//! [`UnknownValue`]: an enum value a server sent that the spec did not list when the crate was
//! generated.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The text of an enum value that the spec did not list when the client was generated, kept by
/// the `Unknown` variant of every generated enum so that an answer with a value added later
/// still decodes.
///
/// It has no public constructor: a caller cannot send a value the spec does not describe, but
/// a value read from an answer can be sent back as it came.
///
/// ```
/// let value: telauth_runtime::UnknownValue = serde_json::from_str(r#""transcription""#)?;
/// assert_eq!(value.as_str(), "transcription");
/// assert_eq!(serde_json::to_string(&value)?, r#""transcription""#);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct UnknownValue(String);

impl UnknownValue {
    /// The value as the server sent it.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for UnknownValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Serialize for UnknownValue {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for UnknownValue {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(Self)
    }
}
