//! Webhooks signed as the providers sign them, delivered to a loopback URL of the user's test:
//! SignalWire's JSON callbacks (`X-SignalWire-Signature`, hex HMAC-SHA1 of URL + body, and
//! `X-SignalWire-Sha256-Signature`, its SHA-256 twin), its Compatibility form callbacks
//! (`X-SignalWire-Signature` and `X-Twilio-Signature`, base64 HMAC-SHA1 of URL + the form
//! parameters sorted by name), and VoIPBIN's events (`X-VoIPBIN-Signature: sha256=<hex
//! HMAC-SHA256 of the body>`, as its webhook manager's `computeSignature`).

use std::fmt;
use std::net::IpAddr;
use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use hmac::{EagerHash, Hmac, KeyInit, Mac};
use serde::Serialize;
use sha1::Sha1;
use sha2::Sha256;

/// The Signing Key of the demo SignalWire project (`SIGNALWIRE_SIGNING_KEY`).
pub const DEMO_SIGNALWIRE_SIGNING_KEY: &str = "PSKsandbox0demo0signing0key";
/// The webhook secret of the demo VoIPBIN customer (`VOIPBIN_WEBHOOK_SECRET`).
pub const DEMO_VOIPBIN_WEBHOOK_SECRET: &str = "sandbox0demo0voipbin0webhook0secret";

/// How long a delivery may take.
const DELIVERY_TIMEOUT: Duration = Duration::from_secs(10);

/// The keys the sandbox signs its webhooks with.
#[derive(Clone, Debug, Serialize)]
pub struct WebhookInfo {
    /// SignalWire's project Signing Key.
    pub signalwire_signing_key: String,
    /// VoIPBIN's customer webhook secret.
    pub voipbin_webhook_secret: String,
}

impl WebhookInfo {
    /// The demo keys.
    pub(crate) fn demo() -> Self {
        Self {
            signalwire_signing_key: DEMO_SIGNALWIRE_SIGNING_KEY.into(),
            voipbin_webhook_secret: DEMO_VOIPBIN_WEBHOOK_SECRET.into(),
        }
    }

    /// `SIGNALWIRE_SIGNING_KEY` and `VOIPBIN_WEBHOOK_SECRET`.
    pub(crate) fn env_vars(&self) -> [(&'static str, String); 2] {
        [
            (
                "SIGNALWIRE_SIGNING_KEY",
                self.signalwire_signing_key.clone(),
            ),
            (
                "VOIPBIN_WEBHOOK_SECRET",
                self.voipbin_webhook_secret.clone(),
            ),
        ]
    }
}

/// A webhook the sandbox can deliver ([`crate::Sandbox::deliver_webhook`]), posted and signed as
/// its provider does.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Webhook {
    /// A SignalWire JSON callback (RELAY, SWML): this body as `application/json`, with
    /// `X-SignalWire-Signature` and `X-SignalWire-Sha256-Signature`.
    SignalWireJson(String),
    /// A SignalWire Compatibility (cXML) callback: these parameters, in this order, as
    /// `application/x-www-form-urlencoded`, with `X-SignalWire-Signature` and
    /// `X-Twilio-Signature`.
    SignalWireForm(Vec<(String, String)>),
    /// A VoIPBIN event: this body as `application/json`, with `X-VoIPBIN-Signature`.
    VoipBin(String),
}

/// A webhook that was not delivered.
#[derive(Debug)]
#[non_exhaustive]
pub enum DeliveryError {
    /// The URL is not an `http` URL on a loopback address (`127.0.0.0/8`, `[::1]`,
    /// `localhost`): the sandbox delivers to the machine it runs on only.
    NotLoopback(String),
    /// The request failed: no connection, a timeout.
    Failed(String),
}

impl fmt::Display for DeliveryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NotLoopback(url) => write!(
                f,
                "{url} is not an http URL on a loopback address: the sandbox delivers webhooks \
                 to this machine only"
            ),
            Self::Failed(reason) => write!(f, "the webhook was not delivered: {reason}"),
        }
    }
}

impl std::error::Error for DeliveryError {}

/// A webhook signed for one URL: what [`crate::Sandbox::deliver_webhook`] sends, for a test that
/// hands it to a handler without a server.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignedWebhook {
    /// The raw body.
    pub body: Vec<u8>,
    /// Its `Content-Type`.
    pub content_type: &'static str,
    /// The signature headers, `(name, value)`.
    pub headers: Vec<(&'static str, String)>,
}

impl Webhook {
    /// This webhook signed as its provider signs it for `url` (the URL exactly as given) with
    /// `keys` ([`crate::SandboxInfo::webhooks`]).
    pub fn sign(&self, url: &str, keys: &WebhookInfo) -> SignedWebhook {
        let (body, content_type, headers) = sign(self, url, keys);
        SignedWebhook {
            body,
            content_type,
            headers,
        }
    }
}

/// The body, its content type and its signature headers, for `url` with `keys`.
fn sign(
    webhook: &Webhook,
    url: &str,
    keys: &WebhookInfo,
) -> (Vec<u8>, &'static str, Vec<(&'static str, String)>) {
    let signalwire = keys.signalwire_signing_key.as_bytes();
    match webhook {
        Webhook::SignalWireJson(body) => {
            let sha1 = hex(&mac::<Sha1>(signalwire, &[url.as_bytes(), body.as_bytes()]));
            let sha256 = hex(&mac::<Sha256>(
                signalwire,
                &[url.as_bytes(), body.as_bytes()],
            ));
            let headers = vec![
                ("X-SignalWire-Signature", sha1),
                ("X-SignalWire-Sha256-Signature", sha256),
            ];
            (body.clone().into_bytes(), "application/json", headers)
        }
        Webhook::SignalWireForm(params) => {
            let mut sorted: Vec<&(String, String)> = params.iter().collect();
            // Stable: repeated names keep their order.
            sorted.sort_by(|a, b| a.0.cmp(&b.0));
            let mut message = vec![url.as_bytes()];
            for (name, value) in sorted {
                message.extend([name.as_bytes(), value.as_bytes()]);
            }
            let signature = STANDARD.encode(mac::<Sha1>(signalwire, &message));
            let body = form_urlencoded::Serializer::new(String::new())
                .extend_pairs(params)
                .finish();
            let headers = vec![
                ("X-SignalWire-Signature", signature.clone()),
                ("X-Twilio-Signature", signature),
            ];
            (
                body.into_bytes(),
                "application/x-www-form-urlencoded",
                headers,
            )
        }
        Webhook::VoipBin(body) => {
            let secret = keys.voipbin_webhook_secret.as_bytes();
            let signature = format!("sha256={}", hex(&mac::<Sha256>(secret, &[body.as_bytes()])));
            let headers = vec![("X-VoIPBIN-Signature", signature)];
            (body.clone().into_bytes(), "application/json", headers)
        }
    }
}

/// POSTs `webhook`, signed with `keys`, to the loopback `url`; answers the status.
pub(crate) async fn deliver(
    webhook: &Webhook,
    url: &str,
    keys: &WebhookInfo,
) -> Result<u16, DeliveryError> {
    let not_loopback = || DeliveryError::NotLoopback(url.to_string());
    let parsed = reqwest::Url::parse(url).map_err(|_| not_loopback())?;
    let host = parsed.host_str().unwrap_or_default();
    let host = host.trim_start_matches('[').trim_end_matches(']');
    let loopback = host.eq_ignore_ascii_case("localhost")
        || host.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback());
    if parsed.scheme() != "http" || !loopback {
        return Err(not_loopback());
    }
    let failed = |error: reqwest::Error| DeliveryError::Failed(error.without_url().to_string());
    // No proxy of the environment and no redirect: the request stays on loopback.
    let client = reqwest::Client::builder()
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(DELIVERY_TIMEOUT)
        .build()
        .map_err(failed)?;
    let signed = webhook.sign(url, keys);
    let mut request = client
        .post(parsed)
        .header("Content-Type", signed.content_type)
        .body(signed.body);
    for (name, value) in signed.headers {
        request = request.header(name, value);
    }
    let response = request.send().await.map_err(failed)?;
    Ok(response.status().as_u16())
}

/// HMAC of the parts of `message`, one after the other, with `key`.
fn mac<D: EagerHash>(key: &[u8], message: &[&[u8]]) -> Vec<u8>
where
    Hmac<D>: KeyInit,
{
    let mut mac = Hmac::<D>::new_from_slice(key).expect("HMAC takes keys of any length");
    for part in message {
        mac.update(part);
    }
    mac.finalize().into_bytes().to_vec()
}

/// Lowercase hex.
fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}
