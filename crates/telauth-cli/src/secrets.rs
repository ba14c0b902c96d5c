//! The secrets the command sent, and scrubbing them from whatever the provider says back.

use std::sync::{Arc, Mutex, PoisonError};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde_json::{Map, Value};
use zeroize::Zeroizing;

/// What replaces a secret in provider text.
pub const MARKER: &str = "[REDACTED]";

/// The length (in characters) from which a secret is scrubbed wherever it occurs in provider
/// text; a shorter one only as a word of its own (see [`Secrets::scrub`]).
pub const SCRUBBED_ANYWHERE: usize = 8;

/// Every secret the command sent (passwords, SMSBeta's md5 digest, keys, tokens), each in the
/// spellings a provider may echo it in. Clones share the list, wiped when the last one drops.
#[derive(Clone, Default)]
pub struct Secrets(Arc<Mutex<Vec<Zeroizing<String>>>>);

impl Secrets {
    /// Adds `value`, as it is, as a JSON string's content and form-urlencoded (`+` or `%20` for
    /// a space): the spellings of a request body or query a provider may echo.
    pub fn add(&self, value: &str) {
        let quoted = Zeroizing::new(serde_json::to_string(value).unwrap_or_default());
        let json = quoted
            .strip_prefix('"')
            .and_then(|json| json.strip_suffix('"'))
            .unwrap_or_default();
        let form = Zeroizing::new(form_urlencoded(value));
        let percent = Zeroizing::new(form.replace('+', "%20"));
        let mut list = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        for spelling in [value, json, form.as_str(), percent.as_str()] {
            if !spelling.is_empty() && !list.iter().any(|known| known.as_str() == spelling) {
                list.push(Zeroizing::new(spelling.to_string()));
            }
        }
        // Longest first, so that a spelling is replaced whole rather than a shorter one in it.
        list.sort_by_key(|known| std::cmp::Reverse(known.len()));
    }

    /// Adds HTTP Basic's `base64(user:password)`, as an `Authorization` header carries it.
    pub fn add_basic(&self, user: &str, password: &str) {
        let pair = Zeroizing::new(format!("{user}:{password}"));
        self.add(&STANDARD.encode(pair.as_bytes()));
    }

    /// `text` with every secret replaced by [`MARKER`]: one of [`SCRUBBED_ANYWHERE`] characters
    /// or more wherever it occurs; a shorter one only as a word of its own (with no letter or
    /// digit right before or after it), since inside words it is most likely a coincidence, and
    /// scrubbing it there would spell it out (the password `e` made "invalid response" read
    /// `invalid r[REDACTED]spons[REDACTED]`).
    pub fn scrub(&self, text: &str) -> String {
        let list = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        let mut out = String::with_capacity(text.len());
        let mut rest = text;
        let mut before: Option<char> = None;
        while let Some(c) = rest.chars().next() {
            let found = list.iter().find(|known| {
                rest.starts_with(known.as_str())
                    && (known.chars().count() >= SCRUBBED_ANYWHERE
                        || (!before.is_some_and(char::is_alphanumeric)
                            && !rest[known.len()..]
                                .chars()
                                .next()
                                .is_some_and(char::is_alphanumeric)))
            });
            match found {
                Some(known) => {
                    out.push_str(MARKER);
                    before = known.chars().next_back();
                    rest = &rest[known.len()..];
                }
                None => {
                    out.push(c);
                    before = Some(c);
                    rest = &rest[c.len_utf8()..];
                }
            }
        }
        out
    }

    /// `answer` with every secret scrubbed from its strings and keys, but the top-level field
    /// `kept`: the credential the command obtained, which is printed as issued.
    pub fn scrub_answer(&self, answer: &Value, kept: Option<&str>) -> Value {
        match answer {
            Value::Object(fields) => Value::Object(
                fields
                    .iter()
                    .map(|(key, value)| match kept {
                        Some(kept) if key == kept => (key.clone(), value.clone()),
                        _ => (self.scrub(key), self.scrub_answer(value, None)),
                    })
                    .collect::<Map<_, _>>(),
            ),
            Value::Array(items) => Value::Array(
                items
                    .iter()
                    .map(|item| self.scrub_answer(item, None))
                    .collect(),
            ),
            Value::String(text) => Value::String(self.scrub(text)),
            other => other.clone(),
        }
    }
}

/// `value` as `application/x-www-form-urlencoded` writes it (a query or form body): ASCII
/// letters, digits and `*-._` as they are, a space as `+`, every other byte as `%XX`.
fn form_urlencoded(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        match byte {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'*' | b'-' | b'.' | b'_' => {
                out.push(char::from(byte));
            }
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn every_spelling_of_a_secret_is_scrubbed() {
        let secrets = Secrets::default();
        secrets.add("p\"w d+");
        secrets.add_basic("user", "pw");
        assert_eq!(
            secrets.scrub(r#"a p"w d+ b p\"w d+ c p%22w+d%2B d p%22w%20d%2B e dXNlcjpwdw== f"#),
            "a [REDACTED] b [REDACTED] c [REDACTED] d [REDACTED] e [REDACTED] f"
        );
        assert_eq!(secrets.scrub("é p\"w d"), "é p\"w d");
        let answer = json!({ "token": "p\"w d+", "name": ["p\"w d+"], "p\"w d+": 1 });
        assert_eq!(
            secrets.scrub_answer(&answer, Some("token")),
            json!({ "token": "p\"w d+", "name": [MARKER], MARKER: 1 })
        );
    }

    #[test]
    fn a_short_secret_is_scrubbed_only_as_a_word_of_its_own() {
        let secrets = Secrets::default();
        secrets.add("e");
        secrets.add("hunter");
        secrets.add("longer-secret");
        let message = "invalid response from the account service";
        assert_eq!(secrets.scrub(message), message);
        assert_eq!(
            secrets.scrub("password 'e' refused; e, hunter=hunter; hunter2 xlonger-secretx"),
            "password '[REDACTED]' refused; [REDACTED], [REDACTED]=[REDACTED]; hunter2 \
             x[REDACTED]x"
        );
        assert_eq!(secrets.scrub("e"), MARKER);
    }
}
