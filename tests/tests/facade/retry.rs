//! The opt-in retry policy: idempotent calls are tried again after retryable errors, with
//! `Retry-After` honoured; other calls never are.

use std::time::{Duration, Instant};

use httpmock::Method::{GET, POST};
use httpmock::MockServer;
use serde_json::json;
use telauth::voipbin::{VoipBin, VoipBinAuth};
use telauth::{Config, RetryPolicy};
use uuid::Uuid;

fn key(id: Uuid) -> serde_json::Value {
    json!({ "id": id, "name": "ci" })
}

fn client(server: &MockServer, retry: Option<RetryPolicy>) -> VoipBin {
    let mut config = Config::new().origin(server.base_url());
    if let Some(policy) = retry {
        config = config.retry(policy);
    }
    VoipBin::new(&config, &VoipBinAuth::Jwt("jwt".into())).unwrap()
}

/// VoIPBIN's documented 503 body.
fn unavailable() -> serde_json::Value {
    json!({ "error": { "status": "UNAVAILABLE", "reason": "r", "message": "try later", "request_id": "q" }})
}

fn fast() -> RetryPolicy {
    RetryPolicy::new(3).base_delay(Duration::from_millis(20))
}

#[tokio::test]
async fn an_idempotent_call_is_retried_until_it_succeeds() {
    let server = MockServer::start_async().await;
    let id = Uuid::from_u128(1);
    let path = format!("/v1.0/accesskeys/{id}");
    let failing = server
        .mock_async(|when, then| {
            when.method(GET).path(path.clone());
            then.status(503).json_body(unavailable()).up_to_n_times(2);
        })
        .await;
    let healthy = server
        .mock_async(|when, then| {
            when.method(GET).path(path.clone());
            then.status(200).json_body(key(id));
        })
        .await;
    let key = client(&server, Some(fast()))
        .get_access_key(id)
        .await
        .unwrap();
    assert_eq!(key.id, id);
    failing.assert_calls_async(2).await;
    healthy.assert_calls_async(1).await;
}

#[tokio::test]
async fn without_a_policy_or_past_its_retries_the_error_is_returned() {
    let server = MockServer::start_async().await;
    let id = Uuid::from_u128(2);
    let failing = server
        .mock_async(|when, then| {
            when.method(GET).path(format!("/v1.0/accesskeys/{id}"));
            then.status(503).json_body(unavailable());
        })
        .await;
    let error = client(&server, None).get_access_key(id).await.unwrap_err();
    assert_eq!(error.status(), Some(503));
    failing.assert_calls_async(1).await;
    client(&server, Some(fast()))
        .get_access_key(id)
        .await
        .unwrap_err();
    failing.assert_calls_async(1 + 4).await;
}

#[tokio::test]
async fn a_create_is_never_retried_and_a_404_is_not_retryable() {
    let server = MockServer::start_async().await;
    let create = server
        .mock_async(|when, then| {
            when.method(POST).path("/v1.0/accesskeys");
            then.status(503).json_body(unavailable());
        })
        .await;
    let voipbin = client(&server, Some(fast()));
    voipbin
        .create_access_key(Duration::from_secs(86_400), None, None)
        .await
        .unwrap_err();
    create.assert_calls_async(1).await;

    let id = Uuid::from_u128(3);
    let missing = server
        .mock_async(|when, then| {
            when.method(GET).path(format!("/v1.0/accesskeys/{id}"));
            then.status(404).json_body(json!({ "error": {
                "status": "NOT_FOUND", "reason": "r", "message": "m", "request_id": "q" }}));
        })
        .await;
    voipbin.get_access_key(id).await.unwrap_err();
    missing.assert_calls_async(1).await;
}

#[tokio::test]
async fn retry_after_on_429_is_honoured() {
    let server = MockServer::start_async().await;
    let limited = server
        .mock_async(|when, then| {
            when.method(GET).path("/v1.0/accesskeys");
            then.status(429)
                .header("retry-after", "1")
                .json_body(json!({ "error": {
                    "status": "RESOURCE_EXHAUSTED", "reason": "r", "message": "slow down", "request_id": "q" }}))
                .up_to_n_times(1);
        })
        .await;
    let page = server
        .mock_async(|when, then| {
            when.method(GET).path("/v1.0/accesskeys");
            then.status(200).json_body(json!({ "result": [] }));
        })
        .await;
    let started = Instant::now();
    client(&server, Some(fast()))
        .list_access_keys(None, None)
        .await
        .unwrap();
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "{:?}",
        started.elapsed()
    );
    limited.assert_calls_async(1).await;
    page.assert_calls_async(1).await;

    // A Retry-After longer than the policy's longest wait ends the retries.
    let too_long = server
        .mock_async(|when, then| {
            when.method(GET).path("/v1.0/accesskeys/00000000-0000-0000-0000-000000000004");
            then.status(429).header("retry-after", "3600").json_body(json!({ "error": {
                "status": "RESOURCE_EXHAUSTED", "reason": "r", "message": "m", "request_id": "q" }}));
        })
        .await;
    let error = client(&server, Some(fast()))
        .get_access_key(Uuid::from_u128(4))
        .await
        .unwrap_err();
    assert_eq!(error.retry_after(), Some(Duration::from_secs(3600)));
    too_long.assert_calls_async(1).await;
}
