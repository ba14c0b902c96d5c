//! [`UnknownValue`]: an enum value a server sent that the spec did not list when the crate was
//! generated.

use std::cell::Cell;
use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The text of an enum value that the spec did not list when the client was generated, kept by
/// the `Unknown` variant of every generated enum so that an answer with a value added later
/// still decodes.
///
/// It has no public constructor, and a request body that holds one is refused before it is
/// sent (the generated clients answer `Error::InvalidRequest`): nothing goes out that the spec
/// does not describe. Elsewhere, such as an answer printed as JSON, it serializes as its text.
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
        if SENDING.get() > 0 {
            return Err(serde::ser::Error::custom(UNSENDABLE));
        }
        serializer.serialize_str(&self.0)
    }
}

/// Why a request body holding an [`UnknownValue`] is refused.
pub(crate) const UNSENDABLE: &str = "the request holds an enum value the spec does not list (read from an answer), which is \
     not sent";

thread_local! {
    /// How many request bodies this thread is serializing.
    static SENDING: Cell<u32> = const { Cell::new(0) };
}

/// Runs `serialize`, the serialization of a request body, with every [`UnknownValue`] refusing
/// to serialize.
pub(crate) fn sending<T>(serialize: impl FnOnce() -> T) -> T {
    crate::scope::within(&SENDING, serialize)
}

impl<'de> Deserialize<'de> for UnknownValue {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(Self)
    }
}
