//! Helpers shared by telauth's cross-crate tests: canned answers from a loopback mock server,
//! checks that a secret never shows in text, recorded answers checked against the specs
//! ([`spec_conformance`]), the evolution corpus, copies of the workspace and cargo run on them
//! ([`copies`]), and the xtask's jobs run in-process ([`jobs`]).

pub mod copies;
pub mod evolution;
#[cfg(feature = "xtask")]
pub mod jobs;
pub mod spec_conformance;

use std::time::{SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use httpmock::{Method, Mock, MockServer};
use serde_json::{Value, json};

/// A value no real credential contains: any text that shows it has leaked a secret.
pub const SENTINEL: &str = "sentinel-9c1f-do-not-print";

/// What the mock answers.
pub enum Reply {
    /// A status with a JSON body.
    Json(u16, Value),
    /// A status with no body.
    Empty(u16),
    /// A status with this exact body, sent as `application/json`.
    Raw(u16, &'static str),
}

/// Mounts a mock that answers any `method` request to `path` with `reply`.
pub async fn answer<'a>(
    server: &'a MockServer,
    method: Method,
    path: &str,
    reply: Reply,
) -> Mock<'a> {
    server
        .mock_async(|when, then| {
            when.method(method).path(path);
            match reply {
                Reply::Json(status, body) => {
                    then.status(status)
                        .header("content-type", "application/json")
                        .json_body(body);
                }
                Reply::Empty(status) => {
                    then.status(status);
                }
                Reply::Raw(status, body) => {
                    then.status(status)
                        .header("content-type", "application/json")
                        .body(body);
                }
            }
        })
        .await
}

/// Fails the test when `text` shows the [`SENTINEL`].
pub fn assert_no_sentinel(text: &str) {
    assert!(
        !text.contains(SENTINEL),
        "a secret leaked into printed text: {text}"
    );
}

/// The base64 of `user:password`, computed by hand (RFC 4648 alphabet, with padding) so that the
/// tests do not trust the encoder they check.
pub fn basic_header(user: &str, password: &str) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let bytes = format!("{user}:{password}").into_bytes();
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, byte)| n | (u32::from(*byte) << (16 - 8 * i)));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    format!("Basic {out}")
}

/// A JWT (unsigned, as far as these tests care) whose `exp` claim is `seconds` from now; negative
/// for one that has expired.
pub fn jwt_expiring_in(seconds: i64) -> String {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or_default();
    let payload = json!({ "sub": "alice", "exp": now + seconds });
    format!(
        "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.{}.c2lnbmF0dXJl",
        URL_SAFE_NO_PAD.encode(payload.to_string())
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn basic_header_matches_rfc_7617_example() {
        assert_eq!(
            super::basic_header("Aladdin", "open sesame"),
            "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ=="
        );
        assert_eq!(super::basic_header("a", "b"), "Basic YTpi");
    }
}

// The workspace README's examples are compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
struct ReadmeDoctests;
