//! VoIPBIN: JWT login, and access keys under `/v1.0`, authenticated as VoIPBIN's server does
//! (`bin-api-manager` `lib/middleware/authenticate.go`): a cookie first (`token` or `accesskey`),
//! then the query (`?token=` or `?accesskey=`), then an `Authorization: Bearer` JWT.

use std::collections::HashMap;
use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, Query, State as Shared};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::{get, post};
use serde_json::{Map, Value, json};
use uuid::Uuid;

use crate::jwt;
use crate::reply::{empty, json, object, text, with_header};
use crate::state::{AccessKey, State, demo, timestamp};

/// How long a JWT lives: 7 days.
pub const JWT_LIFETIME_SECS: u64 = 7 * 86_400;
/// The shortest access key lifetime accepted.
const MIN_EXPIRE: i32 = 86_400;

type Params = Query<HashMap<String, String>>;

pub fn routes() -> Router<Arc<State>> {
    Router::new()
        .route("/auth/login", post(login))
        .route("/v1.0/accesskeys", get(list).post(create))
        .route(
            "/v1.0/accesskeys/{id}",
            get(read).put(update).delete(delete),
        )
}

fn error(status: u16, code: &str, message: &str) -> Response {
    error_with(status, code, code, message, None)
}

/// VoIPBIN's error body; `details`, when given, is an array of free-form objects.
fn error_with(
    status: u16,
    code: &str,
    reason: &str,
    message: &str,
    details: Option<Value>,
) -> Response {
    let mut error = json!({
        "status": code,
        "reason": reason,
        "message": message,
        "request_id": Uuid::new_v4().to_string(),
    });
    if let Some(details) = details {
        error["details"] = details;
    }
    json(status, json!({ "error": error }))
}

/// A deleted key: VoIPBIN deletes softly and answers `409`, not `404`.
fn deleted() -> Response {
    error_with(
        409,
        "FAILED_PRECONDITION",
        "STATE_INVALID",
        "The access key was deleted.",
        None,
    )
}

/// Answers `429` as VoIPBIN's rate limiter does while the sandbox simulates one (see
/// `Sandbox::limit_voipbin_rate`), counting this request against it: `limited_by` is `ip` for
/// `/auth/*` and `customer` for `/v1.0`.
fn rate_limited(state: &State, limited_by: &str) -> Option<Response> {
    let mut data = state.data();
    let limit = data.voipbin_rate_limit.as_mut()?;
    if limit.requests == 0 {
        data.voipbin_rate_limit = None;
        return None;
    }
    limit.requests -= 1;
    let retry_after = limit.retry_after_secs;
    drop(data);
    let answer = error_with(
        429,
        "RESOURCE_EXHAUSTED",
        "RATE_LIMIT_EXCEEDED",
        "Too many requests. Please try again later.",
        Some(json!([{ "limited_by": limited_by }])),
    );
    Some(with_header(answer, "retry-after", &retry_after.to_string()))
}

fn invalid(message: &str) -> Response {
    error(400, "INVALID_ARGUMENT", message)
}

async fn login(Shared(state): Shared<Arc<State>>, body: Bytes) -> Response {
    if let Some(limited) = rate_limited(&state, "ip") {
        return limited;
    }
    let Some(request) = object(&body) else {
        return empty(400);
    };
    let matches = text(&request, "username") == Some(demo::VOIPBIN_USERNAME)
        && text(&request, "password") == Some(demo::VOIPBIN_PASSWORD);
    if !matches {
        return empty(400);
    }
    let token = jwt::sign(
        &state.jwt_key,
        demo::VOIPBIN_USERNAME,
        state.now() + JWT_LIFETIME_SECS,
    );
    json(
        200,
        json!({ "username": demo::VOIPBIN_USERNAME, "token": token }),
    )
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
fn authenticate(
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

fn key_json(key: &AccessKey, with_token: bool) -> Value {
    let mut value = json!({
        "id": key.id,
        "customer_id": demo::VOIPBIN_CUSTOMER_ID,
        "token_prefix": &key.token[..7],
        "tm_expire": timestamp(key.expires),
        "tm_create": timestamp(key.created),
        "tm_update": key.updated.map(timestamp),
        "tm_delete": key.deleted.map(timestamp),
    });
    if let Some(name) = &key.name {
        value["name"] = json!(name);
    }
    if let Some(detail) = &key.detail {
        value["detail"] = json!(detail);
    }
    if with_token {
        value["token"] = json!(key.token);
    }
    value
}

async fn list(
    Shared(state): Shared<Arc<State>>,
    headers: HeaderMap,
    Query(params): Params,
) -> Response {
    if let Err(refusal) = authenticate(&state, &headers, &params) {
        return refusal;
    }
    // Like the server: 100 by default, and a size out of 1..=100 is taken as 100.
    let size = match params.get("page_size").map(|size| size.parse::<i64>()) {
        None => 100,
        Some(Ok(size)) if (1..=100).contains(&size) => size as usize,
        Some(Ok(_)) => 100,
        Some(Err(_)) => return invalid("page_size must be an integer."),
    };
    // The token is the position after the previous page's last key. Like VoIPBIN's cursor, it
    // is empty only when a page comes back empty.
    let start = match params.get("page_token").map(|token| token.parse::<usize>()) {
        None => 0,
        Some(Ok(start)) => start,
        Some(Err(_)) => return invalid("page_token is not a token this server issued."),
    };
    // Only the page's keys are copied under the lock; their answer is built after it.
    let keys: Vec<AccessKey> = state
        .data()
        .access_keys
        .iter()
        .filter(|k| k.deleted.is_none())
        .skip(start)
        .take(size)
        .cloned()
        .collect();
    let page: Vec<Value> = keys.iter().map(|k| key_json(k, false)).collect();
    let next = if page.is_empty() {
        String::new()
    } else {
        start.saturating_add(page.len()).to_string()
    };
    json(200, json!({ "result": page, "next_page_token": next }))
}

/// An optional string field, or a refusal when it is there but not a string, or longer than
/// the sandbox keeps.
fn optional_text(request: &Map<String, Value>, field: &str) -> Result<Option<String>, Response> {
    match request.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(value)) if value.len() <= crate::MAX_FIELD_BYTES => {
            Ok(Some(value.clone()))
        }
        Some(Value::String(_)) => Err(invalid(&format!(
            "{field} is longer than the sandbox keeps (1024 bytes)."
        ))),
        Some(_) => Err(invalid(&format!("{field} must be a string."))),
    }
}

async fn create(
    Shared(state): Shared<Arc<State>>,
    headers: HeaderMap,
    Query(params): Params,
    body: Bytes,
) -> Response {
    if let Err(refusal) = authenticate(&state, &headers, &params) {
        return refusal;
    }
    let Some(request) = object(&body) else {
        return invalid("The request body is not a JSON object.");
    };
    // The server converts `expire` to a 32-bit integer, wrapping what does not fit: 4295053696
    // becomes 86400, a one-day key.
    let expire = match request
        .get("expire")
        .and_then(Value::as_i64)
        .map(|e| e as i32)
    {
        Some(expire) if expire >= MIN_EXPIRE => expire as u64,
        _ => return invalid("expire must be an integer of at least 86400 seconds."),
    };
    let (name, detail) = match (
        optional_text(&request, "name"),
        optional_text(&request, "detail"),
    ) {
        (Ok(name), Ok(detail)) => (name, detail),
        (Err(refusal), _) | (_, Err(refusal)) => return refusal,
    };
    if state.data().access_keys.len() >= crate::MAX_ITEMS {
        return error(
            429,
            "RESOURCE_EXHAUSTED",
            "The sandbox keeps at most 1000 access keys.",
        );
    }
    let now = state.now();
    let key = AccessKey {
        id: Uuid::new_v4(),
        name,
        detail,
        token: format!("vb_{}", Uuid::new_v4().simple()),
        created: now,
        updated: None,
        expires: now.saturating_add(expire),
        deleted: None,
    };
    let answer = key_json(&key, true);
    state.data().access_keys.push(key);
    json(200, answer)
}

/// Runs `change` on the live key `id`, after authentication; answers the key. A deleted key is
/// a `409`, an id that never existed a `404`.
fn with_key(
    state: &State,
    headers: &HeaderMap,
    params: &HashMap<String, String>,
    id: &str,
    change: impl FnOnce(&mut AccessKey, u64) -> Result<(), Response>,
) -> Response {
    if let Err(refusal) = authenticate(state, headers, params) {
        return refusal;
    }
    let Ok(id) = id.parse::<Uuid>() else {
        return invalid("The id is not a uuid.");
    };
    let now = state.now();
    let mut data = state.data();
    // VoIPBIN's backend answers a bare 400 for an id it does not know, which the API turns
    // into INVALID_ARGUMENT; 404 is for a key of another customer, which the sandbox has none of.
    let Some(key) = data.access_keys.iter_mut().find(|k| k.id == id) else {
        return invalid("The request contains invalid data.");
    };
    if key.deleted.is_some() {
        return deleted();
    }
    match change(key, now) {
        Ok(()) => json(200, key_json(key, false)),
        Err(refusal) => refusal,
    }
}

async fn read(
    Shared(state): Shared<Arc<State>>,
    headers: HeaderMap,
    Query(params): Params,
    Path(id): Path<String>,
) -> Response {
    with_key(&state, &headers, &params, &id, |_, _| Ok(()))
}

async fn update(
    Shared(state): Shared<Arc<State>>,
    headers: HeaderMap,
    Query(params): Params,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let request = object(&body);
    with_key(&state, &headers, &params, &id, |key, now| {
        let request = request.ok_or_else(|| invalid("The request body is not a JSON object."))?;
        // Like VoIPBIN's server, both columns are written: a field left out is cleared.
        key.name = optional_text(&request, "name")?;
        key.detail = optional_text(&request, "detail")?;
        key.updated = Some(now);
        Ok(())
    })
}

async fn delete(
    Shared(state): Shared<Arc<State>>,
    headers: HeaderMap,
    Query(params): Params,
    Path(id): Path<String>,
) -> Response {
    with_key(&state, &headers, &params, &id, |key, now| {
        key.deleted = Some(now);
        Ok(())
    })
}
