//! Building answers and reading JSON bodies the way the providers do.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::Value;

/// A status with a JSON body.
pub fn json(status: u16, body: Value) -> Response {
    (status_code(status), axum::Json(body)).into_response()
}

/// `response` with the header `name: value` added.
pub fn with_header(mut response: Response, name: &'static str, value: &str) -> Response {
    if let Ok(value) = axum::http::HeaderValue::from_str(value) {
        response.headers_mut().insert(name, value);
    }
    response
}

/// A status with no body.
pub fn empty(status: u16) -> Response {
    status_code(status).into_response()
}

fn status_code(status: u16) -> StatusCode {
    StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
}

/// The body as a JSON object, or `None` when it is not one.
pub fn object(body: &[u8]) -> Option<serde_json::Map<String, Value>> {
    match serde_json::from_slice(body) {
        Ok(Value::Object(map)) => Some(map),
        _ => None,
    }
}

/// A string field of `object`.
pub fn text<'a>(object: &'a serde_json::Map<String, Value>, field: &str) -> Option<&'a str> {
    object.get(field).and_then(Value::as_str)
}
