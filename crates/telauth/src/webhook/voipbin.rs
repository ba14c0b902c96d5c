//! VoIPBIN's webhook signature, as its webhook manager makes it
//! (`bin-webhook-manager/pkg/webhookhandler` in `voipbin/monorepo`: `computeSignature`).

use hmac::{Hmac, KeyInit, Mac};
use http::HeaderMap;
use sha2::Sha256;
use telauth_runtime::Secret;

use super::{Rejection, header_value, lower_hex};
use crate::env::Reader;
use crate::{Error, Provider, Vars};

/// The signature header.
const SIGNATURE: &str = "X-VoIPBIN-Signature";
/// What it holds.
const FORMAT: &str = "expected sha256=<lowercase hex HMAC-SHA256>, as VoIPBIN's server sends it";

/// Checks that a webhook was signed with a VoIPBIN customer's webhook secret:
/// `X-VoIPBIN-Signature: sha256=<hex HMAC-SHA256 of the raw body>`. VoIPBIN signs the body
/// only, so no URL is needed; it sends no signature when the customer has no secret set.
///
/// ```
/// use telauth::Vars;
/// use telauth::webhook::{Rejection, VoipBinVerifier};
///
/// let verifier = VoipBinVerifier::from_vars(&Vars::from_iter([
///     ("VOIPBIN_WEBHOOK_SECRET", "whsec_example"),
/// ]))?;
/// let body = br#"{"type":"call_updated","data":{}}"#;
/// let mut headers = http::HeaderMap::new();
/// headers.insert(
///     "x-voipbin-signature",
///     "sha256=4ecf1d8188a2639636045a49ff086f4ff975b56c47bf535fb9f7dadbb756867b".parse()?,
/// );
/// assert_eq!(verifier.verify(&headers, body), Ok(()));
/// assert_eq!(
///     verifier.verify(&headers, br#"{"type":"call_hangup","data":{}}"#),
///     Err(Rejection::Mismatch { header: "X-VoIPBIN-Signature" })
/// );
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug)]
pub struct VoipBinVerifier {
    secret: Secret,
}

impl VoipBinVerifier {
    /// Reads the customer's webhook secret from `VOIPBIN_WEBHOOK_SECRET` in `vars` (required).
    pub fn from_vars(vars: &Vars) -> Result<Self, Error> {
        let mut read = Reader::new(vars, Provider::VoipBin);
        let secret = read.secret("VOIPBIN_WEBHOOK_SECRET");
        read.finish()?;
        Ok(Self { secret })
    }

    /// Whether VoIPBIN signed this raw `body`, by the `X-VoIPBIN-Signature` of `headers`.
    pub fn verify(&self, headers: &HeaderMap, body: &[u8]) -> Result<(), Rejection> {
        let header = SIGNATURE;
        let signature =
            header_value(headers, header, FORMAT)?.ok_or(Rejection::MissingSignature { header })?;
        let tag = signature
            .strip_prefix("sha256=")
            .and_then(lower_hex)
            .filter(|tag| tag.len() == 32)
            .ok_or(Rejection::Malformed {
                header,
                reason: FORMAT,
            })?;
        // HMAC takes a key of any length: this cannot fail.
        let mut mac = Hmac::<Sha256>::new_from_slice(self.secret.expose().as_bytes())
            .map_err(|_| Rejection::Mismatch { header })?;
        mac.update(body);
        mac.verify_slice(&tag)
            .map_err(|_| Rejection::Mismatch { header })
    }
}
