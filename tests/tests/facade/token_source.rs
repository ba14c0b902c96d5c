//! `telauth::voipbin::TokenSource`: a JWT served from its cache and renewed inside its margin,
//! one login for any number of callers or any clock skew, a rejected token renewed once, and a
//! failed login not tried again on every call.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use httpmock::Method::{GET, POST};
use httpmock::{Mock, MockServer};
use serde_json::json;
use telauth::voipbin::{TokenSource, VoipBin};
use telauth_tests::{Reply, answer, assert_no_sentinel, jwt_expiring_in};

use crate::{checked, config, login_answers, voipbin_credentials};

#[tokio::test]
async fn token_source_serves_a_fresh_token_from_its_cache() {
    let server = MockServer::start_async().await;
    let short = jwt_expiring_in(30);
    let mock = login_answers(&server, &short).await;
    // A 30 s token with the default 60 s margin: the margin is capped at half the lifetime, so
    // the token is served, not renewed on every call.
    let source = TokenSource::new(
        &VoipBin::login_only(&config(&server)).unwrap(),
        &voipbin_credentials(),
    );
    for _ in 0..3 {
        assert_eq!(source.token().await.unwrap().token.expose(), short);
    }
    assert_eq!(mock.calls_async().await, 1);
    assert_no_sentinel(&format!("{source:?}"));
}

#[tokio::test]
async fn token_source_renews_a_token_inside_its_margin() {
    let server = MockServer::start_async().await;
    let mock = login_answers(&server, jwt_expiring_in(-1)).await;
    let source = TokenSource::new(
        &VoipBin::login_only(&config(&server)).unwrap(),
        &voipbin_credentials(),
    )
    .reuse_at_least(Duration::ZERO);
    source.token().await.unwrap();
    source.token().await.unwrap();
    assert_eq!(
        mock.calls_async().await,
        2,
        "an expired token was served from the cache"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn clock_skew_cannot_make_every_caller_log_in() {
    // This host's clock is ahead of the provider's: a fresh token's `exp` is already past here.
    // Without `iat`, the lifetime comes from the answer's `Date`, else the minimum reuse window.
    let server = MockServer::start_async().await;
    let skewed = jwt_expiring_in(-3600);
    let provider_clock = SystemTime::now() - Duration::from_secs(7200);
    let with_date = server
        .mock_async(|when, then| {
            when.method(POST).path("/auth/login");
            then.status(200)
                .header("date", httpdate::fmt_http_date(provider_clock))
                .delay(Duration::from_millis(100))
                .json_body(json!({ "username": "alice", "token": skewed }));
        })
        .await;
    let source = Arc::new(TokenSource::new(
        &VoipBin::login_only(&config(&server)).unwrap(),
        &voipbin_credentials(),
    ));
    let callers: Vec<_> = (0..1000)
        .map(|_| {
            let source = Arc::clone(&source);
            tokio::spawn(async move { source.token().await.map(|_| ()) })
        })
        .collect();
    for caller in callers {
        caller.await.unwrap().unwrap();
    }
    assert_eq!(with_date.calls_async().await, 1, "skew caused more logins");
}

#[tokio::test]
async fn a_wrong_password_is_tried_once_per_backoff_not_once_per_call() {
    let server = MockServer::start_async().await;
    let login = answer(&server, POST, "/auth/login", Reply::Empty(400)).await;
    let source = TokenSource::new(
        &VoipBin::login_only(&config(&server)).unwrap(),
        &voipbin_credentials(),
    );
    for _ in 0..100 {
        let error = checked(source.token().await.unwrap_err());
        assert_eq!(error.status(), Some(400));
    }
    assert_eq!(login.calls_async().await, 1, "each call logged in again");
}

#[tokio::test]
async fn a_rejected_token_is_renewed_once_for_an_idempotent_call() {
    let server = MockServer::start_async().await;
    let (first, second) = (jwt_expiring_in(86_400), jwt_expiring_in(2 * 86_400));
    let logins = server
        .mock_async(|when, then| {
            when.method(POST).path("/auth/login");
            then.status(200)
                .json_body(json!({ "username": "alice", "token": first }));
        })
        .await;
    let rejected = refused(&server, &first, "req_3").await;
    let source = TokenSource::new(
        &VoipBin::login_only(&config(&server)).unwrap(),
        &voipbin_credentials(),
    );
    source.token().await.unwrap();
    logins.delete_async().await;
    let relogin = server
        .mock_async(|when, then| {
            when.method(POST).path("/auth/login");
            then.status(200)
                .json_body(json!({ "username": "alice", "token": second }));
        })
        .await;
    let accepted = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/v1.0/accesskeys")
                .header("authorization", format!("Bearer {second}"));
            then.status(200).json_body(json!({ "result": [] }));
        })
        .await;
    let page = source
        .renewing_on_401(|api| async move { api.list_access_keys(None, None).await })
        .await
        .unwrap();
    assert!(page.result.is_empty());
    rejected.assert_calls_async(1).await;
    relogin.assert_calls_async(1).await;
    accepted.assert_calls_async(1).await;

    // Without the opt-in, the cached token stays until `invalidate` names it: another token
    // leaves it cached.
    source.invalidate(&telauth::Secret::from(first.as_str()));
    source.token().await.unwrap();
    relogin.assert_calls_async(1).await;
    source.invalidate(&telauth::Secret::from(second.as_str()));
    source.token().await.unwrap();
    relogin.assert_calls_async(2).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn callers_waiting_on_a_failed_login_share_its_error() {
    let server = MockServer::start_async().await;
    let login = server
        .mock_async(|when, then| {
            when.method(POST).path("/auth/login");
            then.status(400).delay(Duration::from_millis(200));
        })
        .await;
    let source = Arc::new(TokenSource::new(
        &VoipBin::login_only(&config(&server)).unwrap(),
        &voipbin_credentials(),
    ));
    let callers: Vec<_> = (0..50)
        .map(|_| {
            let source = Arc::clone(&source);
            tokio::spawn(async move { source.token().await })
        })
        .collect();
    for caller in callers {
        let error = checked(caller.await.unwrap().unwrap_err());
        assert_eq!(error.status(), Some(400));
    }
    assert_eq!(
        login.calls_async().await,
        1,
        "waiters retried a login that had just failed"
    );
    // A later call within the backoff gets the same error without a login.
    source.token().await.unwrap_err();
    assert_eq!(login.calls_async().await, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_callers_on_an_expired_token_cause_one_login() {
    let server = MockServer::start_async().await;
    let expired = login_answers(&server, jwt_expiring_in(-10)).await;
    let source = Arc::new(
        TokenSource::new(
            &VoipBin::login_only(&config(&server)).unwrap(),
            &voipbin_credentials(),
        )
        .reuse_at_least(Duration::ZERO),
    );
    source.token().await.unwrap(); // caches a token that has already expired
    expired.delete_async().await;

    let fresh = jwt_expiring_in(7 * 86_400);
    let login = server
        .mock_async(|when, then| {
            when.method(POST).path("/auth/login");
            then.status(200)
                .delay(Duration::from_millis(200))
                .json_body(json!({ "username": "alice", "token": fresh }));
        })
        .await;
    let callers: Vec<_> = (0..1000)
        .map(|_| {
            let source = Arc::clone(&source);
            tokio::spawn(async move {
                source
                    .token()
                    .await
                    .map(|jwt| jwt.token.expose().to_string())
            })
        })
        .collect();
    for caller in callers {
        assert_eq!(caller.await.unwrap().unwrap(), fresh);
    }
    assert_eq!(
        login.calls_async().await,
        1,
        "1,000 concurrent callers renewed more than once"
    );
}

#[tokio::test]
async fn a_reuse_window_too_long_for_the_clock_is_served_not_a_panic() {
    let server = MockServer::start_async().await;
    let token = jwt_expiring_in(3600);
    let mock = login_answers(&server, &token).await;
    let source = TokenSource::new(
        &VoipBin::login_only(&config(&server)).unwrap(),
        &voipbin_credentials(),
    )
    .reuse_at_least(Duration::MAX);
    for _ in 0..2 {
        assert_eq!(source.token().await.unwrap().token.expose(), token);
    }
    assert_eq!(mock.calls_async().await, 1);
}

/// Server-side expiry with many concurrent callers: the token `first` is rejected by the
/// provider while the source still finds it fresh. Fifty callers take a client holding `first`
/// and hold on to it until fifty others have seen `401`, logged in again and got through with
/// `second`; only then do they send, and their `401` for `first` (a late one) must not throw
/// `second` away. The mock, not the clock, orders the calls: two logins, whatever the timing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_late_401_for_an_old_token_keeps_the_fresh_one() {
    use std::sync::atomic::{AtomicBool, Ordering};

    let server = MockServer::start_async().await;
    let (first, second) = (jwt_expiring_in(86_400), jwt_expiring_in(2 * 86_400));
    let first_login = login_answers(&server, &first).await;
    let rejected = refused(&server, &first, "req_4").await;
    let accepted = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/v1.0/accesskeys")
                .header("authorization", format!("Bearer {second}"));
            then.status(200).json_body(json!({ "result": [] }));
        })
        .await;
    let source = Arc::new(TokenSource::new(
        &VoipBin::login_only(&config(&server)).unwrap(),
        &voipbin_credentials(),
    ));
    source.token().await.unwrap();
    first_login.delete_async().await;
    let relogin = login_answers(&server, &second).await;

    // The late callers: each takes its client (holding `first`), says so, and waits for `go`
    // before its first attempt.
    let (holding, mut held) = tokio::sync::mpsc::unbounded_channel::<()>();
    let (go, wait) = tokio::sync::watch::channel(false);
    let late: Vec<_> = (0..50)
        .map(|_| {
            let source = Arc::clone(&source);
            let (holding, wait) = (holding.clone(), wait.clone());
            let first_attempt = Arc::new(AtomicBool::new(true));
            tokio::spawn(async move {
                source
                    .renewing_on_401(|api| {
                        let (holding, mut wait) = (holding.clone(), wait.clone());
                        let first_attempt = first_attempt.swap(false, Ordering::SeqCst);
                        async move {
                            if first_attempt {
                                holding.send(()).unwrap();
                                wait.wait_for(|go| *go).await.unwrap();
                            }
                            api.list_access_keys(None, None).await
                        }
                    })
                    .await
            })
        })
        .collect();
    for _ in 0..50 {
        held.recv().await.unwrap();
    }
    // The early callers: 401 with `first`, one login, through with `second`.
    let early: Vec<_> = (0..50)
        .map(|_| {
            let source = Arc::clone(&source);
            tokio::spawn(async move {
                source
                    .renewing_on_401(|api| async move { api.list_access_keys(None, None).await })
                    .await
            })
        })
        .collect();
    for caller in early {
        caller.await.unwrap().unwrap();
    }
    assert_eq!(
        relogin.calls_async().await,
        1,
        "a 401 for the old token threw the fresh one away"
    );
    go.send(true).unwrap();
    for caller in late {
        caller.await.unwrap().unwrap();
    }
    // Every late caller, and at least the first early one, sent `first`; each caller got through
    // once with `second`.
    let rejections = rejected.calls_async().await;
    assert!((51..=100).contains(&rejections), "{rejections}");
    accepted.assert_calls_async(100).await;
    assert_eq!(
        relogin.calls_async().await,
        1,
        "a late 401 for the old token threw the fresh one away"
    );
}

/// VoIPBIN's 401 to the access-key list for every request that carries the JWT `jwt`.
async fn refused<'a>(server: &'a MockServer, jwt: &str, request_id: &str) -> Mock<'a> {
    server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/v1.0/accesskeys")
                .header("authorization", format!("Bearer {jwt}"));
            then.status(401).json_body(json!({ "error": {
                "status": "UNAUTHENTICATED", "reason": "INVALID_CREDENTIALS",
                "message": "The provided credentials are invalid.", "request_id": request_id
            }}));
        })
        .await
}
