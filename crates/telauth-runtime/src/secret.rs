//! [`Secret`]: a string that never prints, and serializes only when asked to.

use std::cell::Cell;
use std::fmt;

use secrecy::zeroize::Zeroize;
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A password, token or key.
///
/// Its `Debug` shows `Secret([REDACTED])`, it has no `Display`, and the buffer it owns is
/// wiped when it is dropped. That is what it can promise: copies made before it was built (the
/// `String` it was made from, a response buffer inside the HTTP stack) are not its to wipe.
/// Read it with [`Secret::expose`], only where the value must leave the process.
///
/// It serializes as the plain string, since requests must carry it, but only inside
/// [`expose_secrets`]: the generated clients serialize request bodies there, and serializing an
/// answer that holds a secret (to store or print it) has to be asked for the same way.
/// Elsewhere serializing it is an error, never a silent copy of the secret.
///
/// ```
/// use telauth_runtime::{Secret, expose_secrets};
///
/// let token = Secret::from("s3cr3t");
/// assert_eq!(format!("{token:?}"), "Secret([REDACTED])");
/// assert_eq!(token.expose(), "s3cr3t");
/// assert!(serde_json::to_string(&token).is_err());
/// assert_eq!(expose_secrets(|| serde_json::to_string(&token)).unwrap(), "\"s3cr3t\"");
/// ```
#[derive(Clone)]
pub struct Secret(SecretString);

thread_local! {
    /// How many [`expose_secrets`] calls this thread is inside.
    static EXPOSED: Cell<u32> = const { Cell::new(0) };
}

/// Runs `serialize` with every [`Secret`] serializing as its plain value, on this thread, and
/// answers what it answers. Outside it, serializing a `Secret` fails.
///
/// Use it around the one serialization that must carry secrets: a request body (the generated
/// clients do), or an answer written to where secrets belong.
pub fn expose_secrets<T>(serialize: impl FnOnce() -> T) -> T {
    crate::scope::within(&EXPOSED, serialize)
}

impl Secret {
    /// Wraps a value. A `String` with no spare capacity becomes the secret's own buffer as it is;
    /// any other is wiped once its text is copied into an exactly sized buffer of the secret's
    /// own, so that no copy is left behind either way.
    pub fn new(value: impl Into<String>) -> Self {
        let mut value = value.into();
        if value.len() == value.capacity() {
            // Nothing to shrink: the buffer is kept, not copied.
            return Self(SecretString::from(value.into_boxed_str()));
        }
        let owned: Box<str> = value.as_str().into();
        value.zeroize();
        Self(SecretString::from(owned))
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
        if EXPOSED.get() == 0 {
            return Err(serde::ser::Error::custom(
                "a Secret serializes only inside `expose_secrets`: wrap the serialization of \
                 anything holding one in it, deliberately",
            ));
        }
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
    fn travels_as_plain_string_only_when_exposed_and_never_prints() {
        let secret: Secret = serde_json::from_str("\"sentinel-7f3a\"").unwrap();
        let refused = serde_json::to_string(&secret).unwrap_err().to_string();
        assert!(refused.contains("expose_secrets") && !refused.contains("sentinel-7f3a"));
        let exposed = expose_secrets(|| serde_json::to_string(&secret)).unwrap();
        assert_eq!(exposed, "\"sentinel-7f3a\"");
        assert!(serde_json::to_string(&secret).is_err(), "the scope ended");
        assert!(!format!("{secret:?} {secret:#?}").contains("sentinel-7f3a"));
    }

    #[test]
    fn keeps_the_value_whatever_the_capacity_of_the_string_it_is_made_from() {
        let exact = String::from("sentinel-exact");
        assert_eq!(exact.len(), exact.capacity());
        let mut spare = String::with_capacity(64);
        spare.push_str("sentinel-spare");
        assert_eq!(Secret::new(exact).expose(), "sentinel-exact");
        assert_eq!(Secret::new(spare).expose(), "sentinel-spare");
        assert_eq!(Secret::new(String::new()).expose(), "");
    }
}
