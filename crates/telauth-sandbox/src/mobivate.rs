//! Mobivate: `getkey` answers the current key, `createkey` rotates it, `test` checks one.

use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::Bytes;
use axum::extract::State as Shared;
use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::{get, post};
use serde_json::json;
use uuid::Uuid;

use crate::info::AccountInfo;
use crate::lock::lock;
use crate::reply::{json, object, text};

/// Mobivate's username.
pub const DEMO_USERNAME: &str = "demo";
/// Mobivate's password.
pub const DEMO_PASSWORD: &str = "mobivate-demo-password";

/// Where Mobivate is served under the shared port: its prefix.
pub const PREFIX: &str = "/mobivate";

/// The info for Mobivate under the shared port's `origin`, and on its own port's `host`.
pub fn info(origin: &str, host: String) -> AccountInfo {
    AccountInfo::demo(origin, PREFIX, host, DEMO_USERNAME, DEMO_PASSWORD)
}

/// The variables the `telauth` SDK and command read for Mobivate.
pub fn env_vars(info: &AccountInfo) -> [(&'static str, String); 3] {
    info.env_vars([
        "TELAUTH_MOBIVATE_ORIGIN",
        "MOBIVATE_USERNAME",
        "MOBIVATE_PASSWORD",
    ])
}

/// The demo account's current API key.
#[derive(Debug)]
pub struct State {
    key: Mutex<String>,
}

impl State {
    /// An account with a fresh key.
    pub fn new() -> Self {
        Self {
            key: Mutex::new(Uuid::new_v4().to_string()),
        }
    }
}

/// Mobivate's routes, on `state`.
pub fn routes(state: &Arc<State>) -> Router {
    Router::new()
        .route("/auth/getkey", post(getkey))
        .route("/auth/createkey", post(createkey))
        .route("/auth/test", get(test))
        .with_state(Arc::clone(state))
}

fn error(status: u16, message: &str) -> Response {
    json(status, json!({ "code": status, "message": message }))
}

/// Checks the username and password of a key request.
fn check(body: &[u8]) -> Result<(), Response> {
    let request = object(body).ok_or_else(|| error(400, "The request body is not valid JSON"))?;
    let (Some(username), Some(password)) = (text(&request, "username"), text(&request, "password"))
    else {
        return Err(error(400, "username and password are required"));
    };
    if username == DEMO_USERNAME && password == DEMO_PASSWORD {
        Ok(())
    } else {
        Err(error(401, "Invalid Credentials"))
    }
}

async fn getkey(Shared(state): Shared<Arc<State>>, body: Bytes) -> Response {
    if let Err(refusal) = check(&body) {
        return refusal;
    }
    json(200, json!({ "apiKey": *lock(&state.key) }))
}

async fn createkey(Shared(state): Shared<Arc<State>>, body: Bytes) -> Response {
    if let Err(refusal) = check(&body) {
        return refusal;
    }
    let key = Uuid::new_v4().to_string();
    *lock(&state.key) = key.clone();
    json(200, json!({ "apiKey": key }))
}

async fn test(Shared(state): Shared<Arc<State>>, headers: HeaderMap) -> Response {
    let presented = headers
        .get("authorization")
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.strip_prefix("Bearer "));
    if presented == Some(lock(&state.key).as_str()) {
        json(200, json!({ "message": "API Key is valid" }))
    } else {
        error(401, "API Key is invalid or expired")
    }
}
