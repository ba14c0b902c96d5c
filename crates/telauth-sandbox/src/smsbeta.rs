//! SMSBeta: `POST /login` with the mail and the md5 digest of the password.

use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State as Shared;
use axum::response::Response;
use axum::routing::post;
use md5::{Digest, Md5};
use serde_json::json;

use crate::reply::{empty, json, object, text};
use crate::state::{State, demo};

pub fn routes() -> Router<Arc<State>> {
    Router::new().route("/login", post(login))
}

fn digest(password: &str) -> String {
    Md5::digest(password.as_bytes())
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

/// The account token: stable for the sandbox's lifetime, like SMSBeta's long-lived token.
fn token(state: &State) -> String {
    format!("sb_{}", digest(&format!("{:?}", state.jwt_key)))
}

async fn login(Shared(state): Shared<Arc<State>>, body: Bytes) -> Response {
    let Some(request) = object(&body) else {
        return empty(401);
    };
    let matches = text(&request, "mail") == Some(demo::SMSBETA_MAIL)
        && text(&request, "password") == Some(digest(demo::SMSBETA_PASSWORD).as_str());
    if !matches {
        return empty(401);
    }
    json(
        200,
        json!({
            "code": 200,
            "Msg": "success!",
            "data": { "token": token(&state), "mail": demo::SMSBETA_MAIL }
        }),
    )
}
