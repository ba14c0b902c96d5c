//! SMSBeta: `POST /login` with the mail and the md5 digest of the password.

use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State as Shared;
use axum::response::Response;
use axum::routing::post;
use md5::{Digest, Md5};
use serde::Serialize;
use serde_json::json;
use uuid::Uuid;

use crate::reply::{empty, json, object, text};

/// SMSBeta's account mail.
pub const DEMO_MAIL: &str = "demo@smsbeta.example";
/// SMSBeta's account password (the client sends its md5 digest).
pub const DEMO_PASSWORD: &str = "smsbeta-demo-password";

/// SMSBeta's base URL and demo account.
#[derive(Clone, Debug, Serialize)]
pub struct SmsBetaInfo {
    /// The origin to give a client (the API's paths follow it).
    pub origin: String,
    /// `ADDRESS:PORT` of SMSBeta's own port, where the API's paths start at the root:
    /// `http://{host}` is an origin too, for code that takes a host.
    pub host: String,
    /// The account mail.
    pub mail: String,
    /// The account password (send its md5 digest).
    pub password: String,
}

/// Where SMSBeta is served under the shared port: its prefix.
pub const PREFIX: &str = "/smsbeta";

/// The info for SMSBeta under the shared port's `origin`, and on its own port's `host`.
pub fn info(origin: &str, host: String) -> SmsBetaInfo {
    SmsBetaInfo {
        origin: format!("{origin}{PREFIX}"),
        host,
        mail: DEMO_MAIL.into(),
        password: DEMO_PASSWORD.into(),
    }
}

/// The variables the `telauth` SDK and command read for SMSBeta.
pub fn env_vars(info: &SmsBetaInfo) -> [(&'static str, String); 3] {
    [
        ("TELAUTH_SMSBETA_ORIGIN", info.origin.clone()),
        ("SMSBETA_MAIL", info.mail.clone()),
        ("SMSBETA_PASSWORD", info.password.clone()),
    ]
}

/// The demo account's token: stable for the sandbox's lifetime, like SMSBeta's long-lived one.
#[derive(Debug)]
pub struct State {
    token: String,
}

impl State {
    /// An account with a token of its own.
    pub fn new() -> Self {
        Self {
            token: format!("sb_{}", Uuid::new_v4().simple()),
        }
    }
}

/// SMSBeta's routes, on `state`.
pub fn routes(state: &Arc<State>) -> Router {
    Router::new()
        .route("/login", post(login))
        .with_state(Arc::clone(state))
}

fn digest(password: &str) -> String {
    Md5::digest(password.as_bytes())
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

async fn login(Shared(state): Shared<Arc<State>>, body: Bytes) -> Response {
    let Some(request) = object(&body) else {
        return empty(401);
    };
    let matches = text(&request, "mail") == Some(DEMO_MAIL)
        && text(&request, "password") == Some(digest(DEMO_PASSWORD).as_str());
    if !matches {
        return empty(401);
    }
    json(
        200,
        json!({
            "code": 200,
            "Msg": "success!",
            "data": { "token": state.token, "mail": DEMO_MAIL }
        }),
    )
}
