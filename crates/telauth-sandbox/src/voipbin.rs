//! VoIPBIN: JWT login, and access keys under `/v1.0`, authenticated by a JWT (Bearer header or
//! `?token=`) or an access key (`?accesskey=` only).

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
use crate::reply::{empty, json, object, text};
use crate::state::{AccessKey, State, demo, timestamp};

/// How long a JWT lives: 7 days.
pub const JWT_LIFETIME_SECS: u64 = 7 * 86_400;
/// The shortest access key lifetime accepted.
const MIN_EXPIRE: i64 = 86_400;
/// What `tm_delete` holds while a key is not deleted.
const NEVER: &str = "9999-01-01T00:00:00.000000Z";

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
    json(
        status,
        json!({ "error": {
            "status": code,
            "reason": code.to_lowercase().replace('_', " "),
            "message": message,
            "request_id": Uuid::new_v4().to_string(),
        }}),
    )
}

fn invalid(message: &str) -> Response {
    error(400, "INVALID_ARGUMENT", message)
}

async fn login(Shared(state): Shared<Arc<State>>, body: Bytes) -> Response {
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

/// Accepts a live access key as `?accesskey=`, or a valid JWT as `?token=` or Bearer header.
fn authenticate(
    state: &State,
    headers: &HeaderMap,
    params: &HashMap<String, String>,
) -> Result<(), Response> {
    let now = state.now();
    let unauthenticated = || {
        error(
            401,
            "UNAUTHENTICATED",
            "The credential is missing, invalid or expired.",
        )
    };
    if let Some(key) = params.get("accesskey") {
        let data = state.data();
        let live = data
            .access_keys
            .iter()
            .any(|k| &k.token == key && k.deleted.is_none() && now < k.expires);
        return if live { Ok(()) } else { Err(unauthenticated()) };
    }
    let bearer = headers
        .get("authorization")
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.strip_prefix("Bearer "));
    let token = params.get("token").map(String::as_str).or(bearer);
    match token.and_then(|token| jwt::verify(&state.jwt_key, token, now)) {
        Some(_) => Ok(()),
        None => Err(unauthenticated()),
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
        "tm_delete": key.deleted.map_or_else(|| NEVER.to_string(), timestamp),
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
    let size = match params.get("page_size").map(|size| size.parse::<usize>()) {
        None => 10,
        Some(Ok(size)) if size >= 1 => size.min(100),
        Some(_) => return invalid("page_size must be a positive integer."),
    };
    let start = match params.get("page_token").map(|token| token.parse::<usize>()) {
        None => 0,
        Some(Ok(start)) => start,
        Some(Err(_)) => return invalid("page_token is not a token this server issued."),
    };
    let data = state.data();
    let live: Vec<&AccessKey> = data
        .access_keys
        .iter()
        .filter(|k| k.deleted.is_none())
        .collect();
    let page: Vec<Value> = live
        .iter()
        .skip(start)
        .take(size)
        .map(|k| key_json(k, false))
        .collect();
    let next = if start + size < live.len() {
        (start + size).to_string()
    } else {
        String::new()
    };
    json(200, json!({ "result": page, "next_page_token": next }))
}

/// An optional string field, or a refusal when it is there but not a string.
fn optional_text(request: &Map<String, Value>, field: &str) -> Result<Option<String>, Response> {
    match request.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(value)) => Ok(Some(value.clone())),
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
    let expire = match request.get("expire").and_then(Value::as_i64) {
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

/// Runs `change` on the live key `id`, after authentication; answers the key.
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
    let Some(key) = data
        .access_keys
        .iter_mut()
        .find(|k| k.id == id && k.deleted.is_none())
    else {
        return error(404, "NOT_FOUND", "The access key does not exist.");
    };
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
        let name = optional_text(&request, "name")?;
        let detail = optional_text(&request, "detail")?;
        key.name = name.or(key.name.take());
        key.detail = detail.or(key.detail.take());
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
