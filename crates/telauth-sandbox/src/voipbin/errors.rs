//! VoIPBIN's error answers: `{"error": {"status", "reason", "message", "request_id"}}`.

use axum::response::Response;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::reply::json;

/// An error whose reason is its status code.
pub fn error(status: u16, code: &str, message: &str) -> Response {
    error_with(status, code, code, message, None)
}

/// VoIPBIN's error body; `details`, when given, is an array of free-form objects.
pub fn error_with(
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

/// A `400` for a request the server cannot take.
pub fn invalid(message: &str) -> Response {
    error(400, "INVALID_ARGUMENT", message)
}

/// A deleted key: VoIPBIN deletes softly and answers `409`, not `404`.
pub fn deleted() -> Response {
    error_with(
        409,
        "FAILED_PRECONDITION",
        "STATE_INVALID",
        "The access key was deleted.",
        None,
    )
}
