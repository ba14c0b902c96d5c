//! Mobivate: `getkey` answers the current key, `createkey` rotates it, `test` checks one.

use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State as Shared;
use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::{get, post};
use serde_json::json;
use uuid::Uuid;

use crate::reply::{json, object, text};
use crate::state::{State, demo};

pub fn routes() -> Router<Arc<State>> {
    Router::new()
        .route("/auth/getkey", post(getkey))
        .route("/auth/createkey", post(createkey))
        .route("/auth/test", get(test))
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
    if username == demo::MOBIVATE_USERNAME && password == demo::MOBIVATE_PASSWORD {
        Ok(())
    } else {
        Err(error(401, "Invalid Credentials"))
    }
}

async fn getkey(Shared(state): Shared<Arc<State>>, body: Bytes) -> Response {
    if let Err(refusal) = check(&body) {
        return refusal;
    }
    json(200, json!({ "apiKey": state.data().mobivate_key }))
}

async fn createkey(Shared(state): Shared<Arc<State>>, body: Bytes) -> Response {
    if let Err(refusal) = check(&body) {
        return refusal;
    }
    let key = Uuid::new_v4().to_string();
    state.data().mobivate_key = key.clone();
    json(200, json!({ "apiKey": key }))
}

async fn test(Shared(state): Shared<Arc<State>>, headers: HeaderMap) -> Response {
    let presented = headers
        .get("authorization")
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.strip_prefix("Bearer "));
    if presented == Some(state.data().mobivate_key.as_str()) {
        json(200, json!({ "message": "API Key is valid" }))
    } else {
        error(401, "API Key is invalid or expired")
    }
}
