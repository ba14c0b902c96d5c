//! SignalWire's webhook signatures, as its own SDK (`signalwire-sdk`,
//! `signalwire/core/security/webhook_validator.py` and `webhook_middleware.py`) checks them.

use std::borrow::Cow;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use hmac::{EagerHash, Hmac, KeyInit, Mac};
use http::HeaderMap;
use sha1::Sha1;
use sha2::{Digest as _, Sha256};
use telauth_runtime::Secret;

use super::{Rejection, header_value, lower_hex};
use crate::env::Reader;
use crate::{Error, Provider, Vars};

/// The SHA-1 signature header.
const SIGNATURE: &str = "X-SignalWire-Signature";
/// Its alias on Compatibility (cXML) callbacks.
const TWILIO_SIGNATURE: &str = "X-Twilio-Signature";
/// The SHA-256 signature header (JSON callbacks only).
const SHA256_SIGNATURE: &str = "X-SignalWire-Sha256-Signature";

/// What the SHA-1 header holds.
const SHA1_FORMAT: &str = "expected the lowercase hex (JSON callbacks) or the base64 (form \
                           callbacks) HMAC-SHA1 that SignalWire sends";
/// What the SHA-256 header holds.
const SHA256_FORMAT: &str = "expected the lowercase hex HMAC-SHA256 that SignalWire sends";

/// Checks that a webhook was signed with a SignalWire project's Signing Key.
///
/// [`verify`](Self::verify) tries `X-SignalWire-Sha256-Signature` first when the request has
/// it, then `X-SignalWire-Signature` (or `X-Twilio-Signature`), as SignalWire's SDK does: a
/// request is accepted when either matches. See the [module](crate::webhook) for the
/// constructions and for rebuilding the URL behind a proxy.
///
/// ```
/// use telauth::Vars;
/// use telauth::webhook::{Rejection, SignalWireVerifier};
///
/// let verifier = SignalWireVerifier::from_vars(&Vars::from_iter([
///     ("SIGNALWIRE_SIGNING_KEY", "PSK_example"),
/// ]))?;
/// let mut headers = http::HeaderMap::new();
/// // The hex HMAC-SHA1 of the URL followed by the body, with the key `PSK_example`.
/// headers.insert(
///     "x-signalwire-signature",
///     "0d57526b7f8c2e3106dd7fc743796ecdc5523e4d".parse()?,
/// );
/// let url = "https://hooks.example.com/status";
/// let body = br#"{"event_type":"calling.call.state"}"#;
/// assert_eq!(verifier.verify(url, &headers, body), Ok(()));
/// let tampered = br#"{"event_type":"calling.call.ended"}"#;
/// assert_eq!(
///     verifier.verify(url, &headers, tampered),
///     Err(Rejection::Mismatch { header: "X-SignalWire-Signature" })
/// );
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug)]
pub struct SignalWireVerifier {
    signing_key: Secret,
}

impl SignalWireVerifier {
    /// Reads the project's Signing Key from `SIGNALWIRE_SIGNING_KEY` in `vars` (required).
    pub fn from_vars(vars: &Vars) -> Result<Self, Error> {
        let mut read = Reader::new(vars, Provider::SignalWire);
        let signing_key = read.secret("SIGNALWIRE_SIGNING_KEY");
        read.finish()?;
        Ok(Self { signing_key })
    }

    /// Whether SignalWire signed a request to `url` (the public URL it called, query included:
    /// see [`super::public_url`]) with these `headers` and this raw `body`.
    pub fn verify(&self, url: &str, headers: &HeaderMap, body: &[u8]) -> Result<(), Rejection> {
        let sha256 = match header_value(headers, SHA256_SIGNATURE, SHA256_FORMAT) {
            Ok(Some(signature)) => match self.sha256(signature, url, body) {
                Ok(()) => return Ok(()),
                Err(rejection) => Some(rejection),
            },
            Ok(None) => None,
            Err(rejection) => Some(rejection),
        };
        // The alias only when SignalWire's own header is absent, as the SDK reads them.
        let (header, signature) = match headers.get(SIGNATURE) {
            Some(_) => (SIGNATURE, header_value(headers, SIGNATURE, SHA1_FORMAT)?),
            None => (
                TWILIO_SIGNATURE,
                header_value(headers, TWILIO_SIGNATURE, SHA1_FORMAT)?,
            ),
        };
        match signature {
            Some(signature) => self.sha1(header, signature, url, body),
            None => Err(sha256.unwrap_or(Rejection::MissingSignature { header: SIGNATURE })),
        }
    }

    /// The SHA-256 header: hex HMAC-SHA256 of URL + body.
    fn sha256(&self, signature: &str, url: &str, body: &[u8]) -> Result<(), Rejection> {
        let header = SHA256_SIGNATURE;
        let tag =
            lower_hex(signature)
                .filter(|tag| tag.len() == 32)
                .ok_or(Rejection::Malformed {
                    header,
                    reason: SHA256_FORMAT,
                })?;
        let mut mac = self.mac::<Sha256>(header)?;
        mac.update(url.as_bytes());
        mac.update(body);
        mac.verify_slice(&tag)
            .map_err(|_| Rejection::Mismatch { header })
    }

    /// The SHA-1 header: hex of URL + body (scheme A), or base64 of URL + sorted form
    /// parameters (scheme B).
    fn sha1(
        &self,
        header: &'static str,
        signature: &str,
        url: &str,
        body: &[u8],
    ) -> Result<(), Rejection> {
        let mismatch = Rejection::Mismatch { header };
        let keyed = self.mac::<Sha1>(header)?;
        if let Some(tag) = lower_hex(signature).filter(|tag| tag.len() == 20) {
            let mut mac = keyed;
            mac.update(url.as_bytes());
            mac.update(body);
            return mac.verify_slice(&tag).map_err(|_| mismatch);
        }
        let tag = STANDARD
            .decode(signature)
            .ok()
            .filter(|tag| tag.len() == 20)
            .ok_or(Rejection::Malformed {
                header,
                reason: SHA1_FORMAT,
            })?;
        let mut params: Vec<(Cow<'_, str>, Cow<'_, str>)> = form_urlencoded::parse(body).collect();
        // Stable: repeated names keep the order they were sent in.
        params.sort_by(|a, b| a.0.cmp(&b.0));
        for candidate in port_variants(url) {
            // The form's parameters, then none (JSON sent to a Compatibility URL).
            for params in [params.as_slice(), &[]] {
                let mut mac = keyed.clone();
                mac.update(candidate.as_bytes());
                for (name, value) in params {
                    mac.update(name.as_bytes());
                    mac.update(value.as_bytes());
                }
                if mac.verify_slice(&tag).is_ok() && body_sha256_holds(&candidate, body) {
                    return Ok(());
                }
            }
        }
        Err(mismatch)
    }

    /// A MAC keyed with the signing key.
    fn mac<D: EagerHash>(&self, header: &'static str) -> Result<Hmac<D>, Rejection>
    where
        Hmac<D>: KeyInit,
    {
        // HMAC takes a key of any length: this cannot fail.
        Hmac::<D>::new_from_slice(self.signing_key.expose().as_bytes())
            .map_err(|_| Rejection::Mismatch { header })
    }
}

/// `url`, then `url` with the scheme's default port added (when it has no port) or removed
/// (when it has the default one), as the SDK's `_candidate_urls` tries them: the variant has
/// the scheme and host lowercased and no user info.
fn port_variants(url: &str) -> Vec<Cow<'_, str>> {
    let mut variants = vec![Cow::Borrowed(url)];
    let Some((scheme, rest)) = url.split_once("://") else {
        return variants;
    };
    let scheme = scheme.to_ascii_lowercase();
    let default = match scheme.as_str() {
        "http" => 80,
        "https" => 443,
        _ => return variants,
    };
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(end);
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, hp)| hp);
    let (host, port) = match host_port.strip_prefix('[') {
        Some(inner) => match inner.split_once(']') {
            Some((ipv6, port)) => (&host_port[..ipv6.len() + 2], port),
            None => return variants,
        },
        None => match host_port.split_once(':') {
            Some((host, port)) => (host, port),
            None => (host_port, ""),
        },
    };
    if host.is_empty() {
        return variants;
    }
    let host = host.to_ascii_lowercase();
    let port = port.strip_prefix(':').unwrap_or(port);
    let variant = if port.is_empty() {
        format!("{scheme}://{host}:{default}{tail}")
    } else if port.parse::<u16>() == Ok(default) {
        format!("{scheme}://{host}{tail}")
    } else {
        return variants;
    };
    if variant != url {
        variants.push(Cow::Owned(variant));
    }
    variants
}

/// Whether the `bodySHA256` query parameter of `url` (the last one, when repeated) is the hex
/// SHA-256 of `body`; `true` when the URL has none.
fn body_sha256_holds(url: &str, body: &[u8]) -> bool {
    let query = url.split_once('?').map_or("", |(_, query)| query);
    let query = query.split_once('#').map_or(query, |(query, _)| query);
    let expected = form_urlencoded::parse(query.as_bytes())
        .filter(|(name, _)| name == "bodySHA256")
        .last();
    match expected {
        None => true,
        Some((_, expected)) => {
            let actual = Sha256::digest(body);
            lower_hex(&expected).is_some_and(|expected| expected == actual.as_slice())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn port_variants_add_or_remove_the_default_port_only() {
        let variants = |url| {
            port_variants(url)
                .into_iter()
                .map(Cow::into_owned)
                .collect::<Vec<_>>()
        };
        assert_eq!(
            variants("https://Example.com/a?b=c"),
            ["https://Example.com/a?b=c", "https://example.com:443/a?b=c"]
        );
        assert_eq!(
            variants("http://u:p@h.example:80"),
            ["http://u:p@h.example:80", "http://h.example"]
        );
        assert_eq!(
            variants("https://[::1]:443/x"),
            ["https://[::1]:443/x", "https://[::1]/x"]
        );
        assert_eq!(variants("https://h:8443/x"), ["https://h:8443/x"]);
        assert_eq!(variants("ftp://h/x"), ["ftp://h/x"]);
        assert_eq!(variants("not a url"), ["not a url"]);
        assert_eq!(variants("https://h:x/"), ["https://h:x/"]);
    }

    #[test]
    fn body_sha256_is_checked_only_when_present() {
        let body = b"{}";
        // sha256("{}")
        let hash = "44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a";
        assert!(body_sha256_holds("https://h/x", body));
        assert!(body_sha256_holds(
            &format!("https://h/x?bodySHA256={hash}"),
            body
        ));
        assert!(!body_sha256_holds(
            &format!("https://h/x?bodySHA256={hash}"),
            b"{ }"
        ));
        assert!(!body_sha256_holds("https://h/x?bodySHA256=", body));
    }
}
