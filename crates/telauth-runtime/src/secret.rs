//! [`Secret`]: a string that never prints.

use std::fmt;

use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A password, token or key.
///
/// It serializes as the plain string (it has to reach the provider), but its `Debug` shows
/// `Secret([REDACTED])`, it has no `Display`, and its memory is zeroed on drop. Read it with
/// [`Secret::expose`], only where the value must leave the process.
///
/// ```
/// use telauth_runtime::Secret;
///
/// let token = Secret::from("s3cr3t");
/// assert_eq!(format!("{token:?}"), "Secret([REDACTED])");
/// assert_eq!(token.expose(), "s3cr3t");
/// ```
#[derive(Clone)]
pub struct Secret(SecretString);

impl Secret {
    /// Wraps a value.
    pub fn new(value: impl Into<String>) -> Self {
        Self(SecretString::from(value.into()))
    }

    /// The plain value, for the one place that must send or store it.
    pub fn expose(&self) -> &str {
        self.0.expose_secret()
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret([REDACTED])")
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Self::new(value)
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Self::new(value)
    }
}

impl Serialize for Secret {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.expose())
    }
}

impl<'de> Deserialize<'de> for Secret {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(Self::new)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn travels_as_plain_string_and_never_prints() {
        let secret: Secret = serde_json::from_str("\"sentinel-7f3a\"").unwrap();
        assert_eq!(serde_json::to_string(&secret).unwrap(), "\"sentinel-7f3a\"");
        assert!(!format!("{secret:?} {secret:#?}").contains("sentinel-7f3a"));
    }
}
