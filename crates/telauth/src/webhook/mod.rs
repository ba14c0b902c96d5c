//! Verifying the webhooks a provider sends: that a request your server received was signed with
//! your key, by the provider's own construction.
//!
//! Framework-neutral: a verifier takes the URL the provider called, the request's headers and
//! its raw body, exactly as received (before any JSON or form parsing), and answers `Ok(())` or
//! a [`Rejection`] that says why (no signature header, a malformed one, or one that does not
//! match). A rejection never holds the key, the signature or the body.
//!
//! - SignalWire ([`SignalWireVerifier`], key in `SIGNALWIRE_SIGNING_KEY`): the construction of its
//!   own SDK (`signalwire-sdk`'s `webhook_validator`): `X-SignalWire-Sha256-Signature`, the hex
//!   HMAC-SHA256 of URL + raw body, is tried first when present; then `X-SignalWire-Signature`
//!   (or its alias `X-Twilio-Signature`), either the hex HMAC-SHA1 of URL + raw body (JSON
//!   callbacks) or the base64 HMAC-SHA1 of URL + the form parameters sorted by name (repeated
//!   names in the order sent; Compatibility/cXML callbacks), tried with and without the
//!   scheme's default port, and with the body's SHA-256 checked against a `bodySHA256` query
//!   parameter when the URL has one.
//! - VoIPBIN ([`VoipBinVerifier`], secret in `VOIPBIN_WEBHOOK_SECRET`): `X-VoIPBIN-Signature:
//!   sha256=<hex HMAC-SHA256 of the raw body>`, as its webhook manager sends it (the URL is not
//!   signed). A bare hex value without `sha256=` is malformed: VoIPBIN's server always sends
//!   the prefix.
//! - Mobivate and SMSBeta document no webhook signature: there is nothing to verify, so nothing
//!   here for them. Protect those endpoints another way (a secret path, an allow-list).
//!
//! Comparisons are constant-time.
//!
//! # The URL behind a proxy
//!
//! SignalWire signs the URL it called: the public one, `https://hooks.example.com/sw/status?x=1`,
//! not the `http://10.0.0.5:8080/status?x=1` your server sees behind a load balancer or a
//! reverse proxy that strips a prefix. Rebuild it from the public origin you configured
//! (scheme, host, port and any prefix the proxy strips) and the request's path and query, with
//! [`public_url`]. Do not trust `X-Forwarded-Host`/`X-Forwarded-Proto` unless your own proxy sets
//! them (and overwrites what the client sent): anyone can send those headers.
//!
//! ```
//! use telauth::Vars;
//! use telauth::webhook::{Rejection, SignalWireVerifier, public_url};
//!
//! let vars = Vars::from_iter([("SIGNALWIRE_SIGNING_KEY", "PSK_example")]);
//! let verifier = SignalWireVerifier::from_vars(&vars)?;
//! // What your server received, behind a proxy that strips `/sw`.
//! let request = http::Request::post("/status?x=1").body(b"{\"event\":1}".to_vec())?;
//! let url = public_url("https://hooks.example.com/sw", request.uri());
//! assert_eq!(url, "https://hooks.example.com/sw/status?x=1");
//! let answer = verifier.verify(&url, request.headers(), request.body());
//! assert_eq!(answer, Err(Rejection::MissingSignature { header: "X-SignalWire-Signature" }));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

#[cfg(feature = "signalwire")]
mod signalwire;
#[cfg(feature = "voipbin")]
mod voipbin;

use std::fmt;

use http::{HeaderMap, Uri};

#[cfg(feature = "signalwire")]
pub use signalwire::SignalWireVerifier;
#[cfg(feature = "voipbin")]
pub use voipbin::VoipBinVerifier;

/// Why a webhook is not accepted as the provider's. It names the header and what is wrong, and
/// never holds the key, the signature or the body.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Rejection {
    /// The request has no signature header (or an empty one).
    MissingSignature {
        /// The header the provider signs in.
        header: &'static str,
    },
    /// The header's value does not have the provider's format.
    Malformed {
        /// The header.
        header: &'static str,
        /// What its value should look like.
        reason: &'static str,
    },
    /// The signature does not match the URL and body with this key: a changed body or URL, a
    /// wrong key, or a sender that does not have it.
    Mismatch {
        /// The header.
        header: &'static str,
    },
}

impl Rejection {
    /// The header the rejection is about.
    pub fn header(&self) -> &'static str {
        match self {
            Self::MissingSignature { header }
            | Self::Malformed { header, .. }
            | Self::Mismatch { header } => header,
        }
    }
}

impl fmt::Display for Rejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::MissingSignature { header } => write!(f, "no {header} header"),
            Self::Malformed { header, reason } => {
                write!(f, "the {header} header is malformed: {reason}")
            }
            Self::Mismatch { header } => write!(
                f,
                "the {header} signature does not match this URL and body with this key"
            ),
        }
    }
}

impl std::error::Error for Rejection {}

/// The URL a provider called, rebuilt from the public `origin` your server is reached at
/// (scheme, host, optional port and any path prefix a proxy strips, such as
/// `https://hooks.example.com/sw`) and the path and query of the request your server received.
///
/// ```
/// let uri: http::Uri = "/status?CallSid=CA1&x=%20".parse()?;
/// assert_eq!(
///     telauth::webhook::public_url("https://hooks.example.com/", &uri),
///     "https://hooks.example.com/status?CallSid=CA1&x=%20"
/// );
/// # Ok::<(), http::uri::InvalidUri>(())
/// ```
pub fn public_url(origin: &str, uri: &Uri) -> String {
    let path_and_query = uri.path_and_query().map_or("/", |pq| pq.as_str());
    format!("{}{path_and_query}", origin.trim_end_matches('/'))
}

/// The value of `name` in `headers` when present and not empty; a value that is not visible
/// ASCII is malformed.
fn header_value<'h>(
    headers: &'h HeaderMap,
    name: &'static str,
    format: &'static str,
) -> Result<Option<&'h str>, Rejection> {
    match headers.get(name) {
        None => Ok(None),
        Some(value) if value.is_empty() => Ok(None),
        Some(value) => value.to_str().map(Some).map_err(|_| Rejection::Malformed {
            header: name,
            reason: format,
        }),
    }
}

/// The bytes of lowercase hex `text`, `None` when it is not lowercase hex of even length (the
/// providers send lowercase).
fn lower_hex(text: &str) -> Option<Vec<u8>> {
    let digit = |c: u8| match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        _ => None,
    };
    let bytes = text.as_bytes();
    if !bytes.len().is_multiple_of(2) {
        return None;
    }
    bytes
        .chunks(2)
        .map(|pair| Some(digit(pair[0])? << 4 | digit(pair[1])?))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lower_hex_reads_only_lowercase_pairs() {
        assert_eq!(lower_hex("00ff1a"), Some(vec![0, 255, 26]));
        assert_eq!(lower_hex("00FF"), None);
        assert_eq!(lower_hex("abc"), None);
        assert_eq!(lower_hex("zz"), None);
        assert_eq!(lower_hex(""), Some(vec![]));
    }

    #[test]
    fn public_url_joins_origin_and_path_and_query() {
        let uri: Uri = "http://10.0.0.5:8080/a/b?c=d".parse().unwrap();
        assert_eq!(
            public_url("https://h.example.com/prefix/", &uri),
            "https://h.example.com/prefix/a/b?c=d"
        );
        let uri: Uri = "/".parse().unwrap();
        assert_eq!(public_url("https://h", &uri), "https://h/");
    }
}
