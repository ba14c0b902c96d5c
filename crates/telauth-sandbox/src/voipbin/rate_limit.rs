//! VoIPBIN's rate limiter, simulated while `Sandbox::limit_voipbin_rate` asks for it
//! (`lib/middleware/ratelimit.go`, `customer_ratelimit.go`).

use axum::response::Response;
use serde_json::json;

use super::State;
use super::errors::error_with;
use crate::reply::with_header;

/// A rate limit the sandbox simulates for VoIPBIN.
#[derive(Clone, Copy, Debug)]
pub struct RateLimit {
    /// How many more requests are answered `429`.
    pub requests: u32,
    /// The `Retry-After` they carry, in seconds.
    pub retry_after_secs: u64,
}

/// Answers `429` as VoIPBIN's rate limiter does while the sandbox simulates one, counting this
/// request against it: `limited_by` is `ip` for `/auth/*` and `customer` for `/v1.0`.
pub fn rate_limited(state: &State, limited_by: &str) -> Option<Response> {
    let mut data = state.data();
    let limit = data.rate_limit.as_mut()?;
    if limit.requests == 0 {
        data.rate_limit = None;
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
