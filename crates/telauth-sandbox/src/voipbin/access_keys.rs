//! VoIPBIN's access keys under `/v1.0/accesskeys`: listed by pages, created with an `expire`,
//! read, replaced and deleted softly.

use std::collections::HashMap;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, Query, State as Shared};
use axum::http::HeaderMap;
use axum::response::Response;
use serde_json::{Map, Value, json};
use uuid::Uuid;

use super::auth::authenticate;
use super::errors::{deleted, error, invalid};
use super::{DEMO_CUSTOMER_ID, State};
use crate::limits::{MAX_FIELD_BYTES, MAX_ITEMS};
use crate::reply::{json, object};

/// The shortest access key lifetime accepted.
const MIN_EXPIRE: i32 = 86_400;

type Params = Query<HashMap<String, String>>;

/// A VoIPBIN access key as the sandbox keeps it.
#[derive(Clone, Debug)]
pub struct AccessKey {
    id: Uuid,
    name: Option<String>,
    detail: Option<String>,
    /// The key itself, which authenticates.
    pub token: String,
    created: u64,
    updated: Option<u64>,
    /// When it stops authenticating, in Unix seconds.
    pub expires: u64,
    /// When it was deleted, in Unix seconds; a deleted key authenticates no more.
    pub deleted: Option<u64>,
}

/// Unix seconds as VoIPBIN writes timestamps: `2026-01-01T00:00:00.000000Z`.
fn timestamp(seconds: u64) -> String {
    i64::try_from(seconds)
        .ok()
        .and_then(|seconds| chrono::DateTime::from_timestamp(seconds, 0))
        .unwrap_or_default()
        .format("%Y-%m-%dT%H:%M:%S%.6fZ")
        .to_string()
}

fn key_json(key: &AccessKey, with_token: bool) -> Value {
    let mut value = json!({
        "id": key.id,
        "customer_id": DEMO_CUSTOMER_ID,
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

pub async fn list(
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
        Some(Value::String(value)) if value.len() <= MAX_FIELD_BYTES => Ok(Some(value.clone())),
        Some(Value::String(_)) => Err(invalid(&format!(
            "{field} is longer than the sandbox keeps (1024 bytes)."
        ))),
        Some(_) => Err(invalid(&format!("{field} must be a string."))),
    }
}

pub async fn create(
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
    if state.data().access_keys.len() >= MAX_ITEMS {
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

pub async fn read(
    Shared(state): Shared<Arc<State>>,
    headers: HeaderMap,
    Query(params): Params,
    Path(id): Path<String>,
) -> Response {
    with_key(&state, &headers, &params, &id, |_, _| Ok(()))
}

pub async fn update(
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

pub async fn delete(
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

#[cfg(test)]
mod tests {
    #[test]
    fn timestamps_are_rfc3339_utc() {
        assert_eq!(super::timestamp(0), "1970-01-01T00:00:00.000000Z");
        assert_eq!(
            super::timestamp(1_700_000_000),
            "2023-11-14T22:13:20.000000Z"
        );
        assert_eq!(
            super::timestamp(253_370_764_800),
            "9999-01-01T00:00:00.000000Z"
        );
    }
}
