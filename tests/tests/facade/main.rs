//! The telauth facade (`crates/telauth`) against loopback servers, in a module for each of the
//! crate's: the exact bytes on the wire (md5 digest, Basic header, credential placement), the
//! flows, the renewing token source, the rules every connection keeps, retries, spans, every way
//! a server can fail, and errors that carry the provider's words but never a secret; properties
//! over generated credentials (`credential_properties`), and the webhook verifiers against our
//! vectors (`webhook`) and SignalWire's own SDK (`webhook_sdk`, ignored: `.ci/run` installs it).
//!
//! Three things have binaries of their own, because they use state of the whole process that
//! other tests' threads share: `Vars::process()` (`tests/from_env.rs`) and proxies named in the
//! environment (`tests/proxy_from_env.rs`) set process variables other threads may be reading,
//! and spans (`tests/tracing.rs`) depend on `tracing`'s per-callsite interest cache.

mod authorize;
mod connection;
mod credential_properties;
mod env;
mod error;
mod faults;
mod mobivate;
mod retry;
mod signalwire;
mod smsbeta;
mod token_source;
mod voipbin;
mod webhook;
mod webhook_sdk;

use httpmock::Method::{GET, POST};
use httpmock::MockServer;
use serde_json::json;
use telauth::voipbin::VoipBinAccount;
use telauth::{Config, Error};
use telauth_tests::{Reply, SENTINEL, answer, assert_no_sentinel};

fn config(server: &MockServer) -> Config {
    Config::new().origin(server.base_url())
}

/// Checks that neither form of `error` shows the sentinel, and answers it.
fn checked(error: Error) -> Error {
    assert_no_sentinel(&format!("{error} {error:?}"));
    error
}

fn voipbin_credentials() -> VoipBinAccount {
    VoipBinAccount {
        username: "alice".into(),
        password: SENTINEL.into(),
    }
}

/// Mounts VoIPBIN's login on `server`: alice, with `token` as her JWT.
async fn login_answers(server: &MockServer, token: impl AsRef<str>) -> httpmock::Mock<'_> {
    answer(
        server,
        POST,
        "/auth/login",
        Reply::Json(200, json!({ "username": "alice", "token": token.as_ref() })),
    )
    .await
}

/// Mounts VoIPBIN's answer for a deleted key `id`: 409 with the server's words and `request_id`.
async fn answer_deleted_key(server: &MockServer, id: uuid::Uuid, request_id: &str) {
    answer(
        server,
        GET,
        &format!("/v1.0/accesskeys/{id}"),
        Reply::Json(
            409,
            json!({ "error": {
                "status": "FAILED_PRECONDITION", "reason": "STATE_INVALID",
                "message": "The operation is invalid for the current resource state.",
                "request_id": request_id
            }}),
        ),
    )
    .await;
}
