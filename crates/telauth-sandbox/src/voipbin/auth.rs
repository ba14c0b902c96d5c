//! VoIPBIN's login, and where its server looks for a credential (`getAuthString` in
//! `authenticate.go`).

use std::collections::HashMap;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State as Shared;
use axum::http::HeaderMap;
use axum::response::Response;
use serde_json::json;

use super::errors::error_with;
use super::rate_limit::rate_limited;
use super::{DEMO_PASSWORD, DEMO_USERNAME, State, jwt};
use crate::reply::{empty, json, object, text};

/// How long a JWT lives: 7 days.
const JWT_LIFETIME_SECS: u64 = 7 * 86_400;

pub async fn login(Shared(state): Shared<Arc<State>>, body: Bytes) -> Response {
    if let Some(limited) = rate_limited(&state, "ip") {
        return limited;
    }
    let Some(request) = object(&body) else {
        return empty(400);
    };
    let matches = text(&request, "username") == Some(DEMO_USERNAME)
        && text(&request, "password") == Some(DEMO_PASSWORD);
    if !matches {
        return empty(400);
    }
    let token = jwt::sign(
        &state.jwt_key,
        DEMO_USERNAME,
        state.now() + JWT_LIFETIME_SECS,
    );
    json(200, json!({ "username": DEMO_USERNAME, "token": token }))
}

/// Where a credential was found, in the order the server looks.
enum Presented<'a> {
    Jwt(&'a str),
    AccessKey(&'a str),
}

/// The value of cookie `name` in the request's `Cookie` headers.
fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all("cookie")
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find_map(|(key, value)| (key == name).then_some(value))
}

/// The credential the server uses (`getAuthString`): a JWT from cookie `token`, `?token=` or
/// `Authorization: Bearer`, else an access key from cookie `accesskey` or `?accesskey=`. Any
/// JWT source wins over any access key, and a Bearer value is always taken for a JWT.
fn presented<'a>(
    headers: &'a HeaderMap,
    params: &'a HashMap<String, String>,
) -> Option<Presented<'a>> {
    let bearer = || {
        headers
            .get("authorization")
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.strip_prefix("Bearer "))
    };
    let jwt = cookie(headers, "token")
        .or_else(|| params.get("token").map(String::as_str))
        .or_else(bearer)
        .filter(|token| !token.is_empty());
    let key = cookie(headers, "accesskey")
        .or_else(|| params.get("accesskey").map(String::as_str))
        .filter(|key| !key.is_empty());
    jwt.map(Presented::Jwt).or(key.map(Presented::AccessKey))
}

/// Accepts a valid JWT or a live access key, wherever the server looks for one.
pub fn authenticate(
    state: &State,
    headers: &HeaderMap,
    params: &HashMap<String, String>,
) -> Result<(), Response> {
    if let Some(limited) = rate_limited(state, "customer") {
        return Err(limited);
    }
    let now = state.now();
    let presented = presented(headers, params);
    let accepted = match presented {
        Some(Presented::AccessKey(key)) => state
            .data()
            .access_keys
            .iter()
            .any(|k| k.token == key && k.deleted.is_none() && now < k.expires),
        Some(Presented::Jwt(token)) => jwt::verify(&state.jwt_key, token, now).is_some(),
        None => false,
    };
    match (accepted, presented.is_some()) {
        (true, _) => Ok(()),
        (false, true) => Err(error_with(
            401,
            "UNAUTHENTICATED",
            "INVALID_CREDENTIALS",
            "The provided credentials are invalid.",
            None,
        )),
        (false, false) => Err(error_with(
            401,
            "UNAUTHENTICATED",
            "AUTHENTICATION_REQUIRED",
            "Authentication is required.",
            None,
        )),
    }
}
