//! The ops tool's webhook receiver: SignalWire call status callbacks (JSON and Compatibility
//! form) and VoIPBIN events, each verified with telauth before it is kept; anything unsigned,
//! changed or signed with another key is refused with 403.
//!
//! Configured by variables, like the rest of the tool: `SIGNALWIRE_SIGNING_KEY`,
//! `VOIPBIN_WEBHOOK_SECRET`, and `OPS_TOOL_PUBLIC_ORIGIN`, the origin the providers call (behind
//! a proxy, the public one; the signed URL is rebuilt from it and the request's path and query).

use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::routing::post;
use telauth::webhook::{SignalWireVerifier, VoipBinVerifier, public_url};
use telauth::{Error, Vars};

/// What the receiver kept: `(path, body)` of each webhook it accepted.
pub type Accepted = Arc<Mutex<Vec<(String, String)>>>;

struct Receiver {
    origin: String,
    signalwire: SignalWireVerifier,
    voipbin: VoipBinVerifier,
    accepted: Accepted,
}

/// The receiver's routes, reading its keys and public origin from `vars`, and where it keeps
/// what it accepts.
pub fn router(vars: &Vars) -> Result<(Router, Accepted), Error> {
    let origin = vars
        .get("OPS_TOOL_PUBLIC_ORIGIN")
        .unwrap_or_else(|| "https://ops.example.com".into());
    let accepted = Accepted::default();
    let receiver = Arc::new(Receiver {
        origin,
        signalwire: SignalWireVerifier::from_vars(vars)?,
        voipbin: VoipBinVerifier::from_vars(vars)?,
        accepted: Arc::clone(&accepted),
    });
    let router = Router::new()
        .route("/signalwire/{callback}", post(signalwire))
        .route("/voipbin/events", post(voipbin))
        .with_state(receiver);
    Ok((router, accepted))
}

async fn signalwire(
    State(receiver): State<Arc<Receiver>>,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> StatusCode {
    let url = public_url(&receiver.origin, &uri);
    match receiver.signalwire.verify(&url, &headers, &body) {
        Ok(()) => receiver.keep(&uri, &body),
        Err(rejection) => {
            eprintln!("refused a SignalWire webhook: {rejection}");
            StatusCode::FORBIDDEN
        }
    }
}

async fn voipbin(
    State(receiver): State<Arc<Receiver>>,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> StatusCode {
    match receiver.voipbin.verify(&headers, &body) {
        Ok(()) => receiver.keep(&uri, &body),
        Err(rejection) => {
            eprintln!("refused a VoIPBIN webhook: {rejection}");
            StatusCode::FORBIDDEN
        }
    }
}

impl Receiver {
    fn keep(&self, uri: &Uri, body: &[u8]) -> StatusCode {
        let body = String::from_utf8_lossy(body).into_owned();
        match self.accepted.lock() {
            Ok(mut accepted) => {
                accepted.push((uri.path().to_string(), body));
                StatusCode::NO_CONTENT
            }
            Err(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}
