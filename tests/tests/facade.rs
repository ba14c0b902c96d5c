//! The telauth facade against loopback mock servers: the exact bytes on the wire (md5 digest,
//! Basic header, credential placement), the flows, the renewing token source, and errors that
//! carry the provider's words but never a secret.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use httpmock::Method::{DELETE, GET, PATCH, POST, PUT};
use httpmock::MockServer;
use serde_json::json;
use telauth::mobivate::{Mobivate, MobivateCredentials};
use telauth::signalwire::{Permission, SignalWire, SignalWireCredentials};
use telauth::smsbeta::{SmsBeta, SmsBetaCredentials};
use telauth::voipbin::{TokenSource, VoipBin, VoipBinAuth, VoipBinCredentials};
use telauth::{Config, Error, ErrorKind, Provider};
use telauth_tests::{Reply, SENTINEL, answer, assert_no_sentinel, basic_header, jwt_expiring_in};

fn config(server: &MockServer) -> Config {
    Config::new().origin(server.base_url())
}

/// Checks that neither form of `error` shows the sentinel, and answers it.
fn checked(error: Error) -> Error {
    assert_no_sentinel(&format!("{error} {error:?}"));
    error
}

// SMSBeta ------------------------------------------------------------------------------------

/// md5 of the sentinel password, computed independently (`printf %s "$SENTINEL" | md5sum`).
const SENTINEL_MD5: &str = "299cf39ea226820d8422119f4634743d";

fn smsbeta_credentials() -> SmsBetaCredentials {
    SmsBetaCredentials {
        mail: "user@example.com".into(),
        password: SENTINEL.into(),
    }
}

#[tokio::test]
async fn smsbeta_login_sends_the_md5_digest_never_the_password() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/login")
                .header("content-type", "application/json")
                .header_missing("authorization")
                .body_excludes(SENTINEL)
                .json_body(json!({ "mail": "user@example.com", "password": SENTINEL_MD5 }));
            then.status(200).json_body(json!({
                "code": 200, "Msg": "success!",
                "data": { "token": "token-from-smsbeta", "mail": "user@example.com" }
            }));
        })
        .await;
    let login = SmsBeta::new(&config(&server))
        .unwrap()
        .login(&smsbeta_credentials())
        .await
        .unwrap();
    mock.assert_async().await;
    assert_eq!(login.token.expose(), "token-from-smsbeta");
    assert_eq!(login.mail, "user@example.com");
    assert!(!format!("{login:?}").contains("token-from-smsbeta"));
    // An answer holding a secret serializes only when asked to, deliberately.
    let refused = serde_json::to_string(&login).unwrap_err().to_string();
    assert!(!refused.contains("token-from-smsbeta"), "{refused}");
    let stored = telauth::expose_secrets(|| serde_json::to_string(&login)).unwrap();
    assert!(
        stored.contains("\"token\":\"token-from-smsbeta\""),
        "{stored}"
    );
}

#[tokio::test]
async fn smsbeta_refusals_in_a_200_envelope_and_401_are_errors() {
    let server = MockServer::start_async().await;
    let smsbeta = SmsBeta::new(&config(&server)).unwrap();
    for body in [
        json!({ "code": 10001, "Msg": "password error" }),
        json!({ "code": 200, "Msg": "no data" }),
        json!({ "code": 500, "Msg": "password error", "data": { "token": "t", "mail": "m" } }),
    ] {
        let mock = answer(&server, POST, "/login", Reply::Json(200, body.clone())).await;
        let error = checked(smsbeta.login(&smsbeta_credentials()).await.unwrap_err());
        assert!(
            matches!(error.kind(), ErrorKind::Refused { .. }),
            "{body}: {error}"
        );
        assert_eq!(error.message(), body["Msg"].as_str());
        assert_eq!(error.code(), Some(body["code"].to_string().as_str()));
        mock.delete_async().await;
    }
    let mock = answer(&server, POST, "/login", Reply::Empty(401)).await;
    let error = checked(smsbeta.login(&smsbeta_credentials()).await.unwrap_err());
    assert_eq!(
        (error.provider(), error.operation()),
        (Provider::SmsBeta, "login")
    );
    assert_eq!(error.status(), Some(401));
    assert_eq!(error.to_string(), "smsbeta login: HTTP 401");
    mock.delete_async().await;
}

// VoIPBIN ------------------------------------------------------------------------------------

fn voipbin_credentials() -> VoipBinCredentials {
    VoipBinCredentials {
        username: "alice".into(),
        password: SENTINEL.into(),
    }
}

fn key_json(id: u128, token: Option<&str>) -> serde_json::Value {
    let mut key = json!({ "id": uuid::Uuid::from_u128(id), "name": format!("key {id}") });
    if let Some(token) = token {
        key["token"] = json!(token);
    }
    key
}

#[tokio::test]
async fn voipbin_login_reads_the_expiry_from_the_exp_claim() {
    let server = MockServer::start_async().await;
    let token = jwt_expiring_in(7 * 86_400);
    let mock = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/auth/login")
                .header_missing("authorization")
                .json_body(json!({ "username": "alice", "password": SENTINEL }));
            then.status(200)
                .json_body(json!({ "username": "alice", "token": token }));
        })
        .await;
    let jwt = VoipBin::login_only(&config(&server))
        .unwrap()
        .login(&voipbin_credentials())
        .await
        .unwrap();
    mock.assert_async().await;
    assert_eq!(jwt.token.expose(), token);
    let left = jwt.expires_at.duration_since(SystemTime::now()).unwrap();
    assert!(left > Duration::from_secs(7 * 86_400 - 60) && left <= Duration::from_secs(7 * 86_400));
}

#[tokio::test]
async fn voipbin_login_with_a_malformed_jwt_is_an_error() {
    let server = MockServer::start_async().await;
    answer(
        &server,
        POST,
        "/auth/login",
        Reply::Json(
            200,
            json!({ "username": "alice", "token": format!("{SENTINEL}.not-base64!.x") }),
        ),
    )
    .await;
    let error = VoipBin::login_only(&config(&server))
        .unwrap()
        .login(&voipbin_credentials())
        .await
        .unwrap_err();
    let error = checked(error);
    assert_eq!(error.operation(), "auth_login");
    assert!(
        matches!(error.kind(), ErrorKind::InvalidToken { .. }),
        "{error}"
    );
}

#[tokio::test]
async fn voipbin_access_key_goes_only_in_the_cookie_and_jwt_only_in_the_header() {
    let server = MockServer::start_async().await;
    let by_key = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/v1.0/accesskeys")
                .header("cookie", format!("accesskey={SENTINEL}"))
                .query_param_count(".*", ".*", 0)
                .header_missing("authorization");
            then.status(200)
                .json_body(json!({ "result": [key_json(1, None)] }));
        })
        .await;
    let api = VoipBin::new(&config(&server), VoipBinAuth::AccessKey(SENTINEL.into())).unwrap();
    assert_eq!(
        api.list_access_keys(None, None).await.unwrap().result.len(),
        1
    );
    by_key.assert_async().await;
    assert_no_sentinel(&format!("{api:?}"));

    let by_jwt = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/v1.0/accesskeys")
                .query_param_count(".*", ".*", 0)
                .header_missing("cookie")
                .header("authorization", "Bearer a.jwt.here");
            then.status(200).json_body(json!({ "result": [] }));
        })
        .await;
    let api = api.with_auth(VoipBinAuth::Jwt("a.jwt.here".into()));
    api.list_access_keys(None, None).await.unwrap();
    by_jwt.assert_async().await;
}

#[tokio::test]
async fn voipbin_all_access_keys_follows_next_page_token_to_the_end() {
    let server = MockServer::start_async().await;
    let pages = [
        (
            None,
            json!({ "result": [key_json(1, None), key_json(2, None)], "next_page_token": "t2" }),
        ),
        (
            Some("t2"),
            json!({ "result": [key_json(3, None)], "next_page_token": "t3" }),
        ),
        // Like VoIPBIN's server: a short last page still carries a cursor, and only the empty
        // page after it has an empty token.
        (
            Some("t3"),
            json!({ "result": [key_json(4, None)], "next_page_token": "t4" }),
        ),
        (Some("t4"), json!({ "result": [], "next_page_token": "" })),
    ];
    let mut mocks = Vec::new();
    for (token, body) in pages {
        mocks.push(
            server
                .mock_async(|when, then| {
                    let when = when
                        .method(GET)
                        .path("/v1.0/accesskeys")
                        .query_param("page_size", "2");
                    match token {
                        Some(token) => when.query_param("page_token", token),
                        None => when.query_param_missing("page_token"),
                    };
                    then.status(200).json_body(body);
                })
                .await,
        );
    }
    let api = VoipBin::new(&config(&server), VoipBinAuth::Jwt("jwt".into())).unwrap();
    let keys = api.all_access_keys(Some(2)).await.unwrap();
    let ids: Vec<u128> = keys.iter().map(|key| key.id.as_u128()).collect();
    assert_eq!(ids, [1, 2, 3, 4]);
    for mock in mocks {
        mock.assert_async().await;
    }
}

#[tokio::test]
async fn a_full_page_of_access_keys_with_long_names_fits_the_body_limit() {
    let server = MockServer::start_async().await;
    // VoIPBIN's largest page, 100 keys, each with every field and a 1 KiB name and detail.
    let key = |id: u128| {
        json!({
            "id": uuid::Uuid::from_u128(id), "customer_id": uuid::Uuid::from_u128(u128::MAX),
            "name": "n".repeat(1024), "detail": "d".repeat(1024), "token_prefix": "vb_AuTK",
            "tm_expire": "2027-01-01T00:00:00.000000Z", "tm_create": "2026-01-01T00:00:00.000000Z",
            "tm_update": "2026-01-01T00:00:00.000000Z", "tm_delete": null
        })
    };
    let page = json!({ "result": (1..=100).map(key).collect::<Vec<_>>(), "next_page_token": "" });
    assert!(page.to_string().len() < telauth::MAX_BODY_BYTES / 4);
    answer(&server, GET, "/v1.0/accesskeys", Reply::Json(200, page)).await;
    let api = VoipBin::new(&config(&server), VoipBinAuth::Jwt("jwt".into())).unwrap();
    assert_eq!(api.all_access_keys(Some(100)).await.unwrap().len(), 100);
}

#[tokio::test]
async fn an_answer_over_the_body_limit_is_refused_though_it_would_decode() {
    let server = MockServer::start_async().await;
    // A well-formed answer to `getkey` whose key is 2 MiB long.
    let huge = format!(r#"{{"apiKey":"{}"}}"#, "k".repeat(2 * 1024 * 1024));
    server
        .mock_async(|when, then| {
            when.method(POST).path("/auth/getkey");
            then.status(200)
                .header("content-type", "application/json")
                .body(huge);
        })
        .await;
    let credentials = MobivateCredentials {
        username: "alice".into(),
        password: SENTINEL.into(),
    };
    let mobivate = Mobivate::new(&config(&server)).unwrap();
    let error = checked(mobivate.get_key(&credentials).await.unwrap_err());
    assert_eq!(
        error.to_string(),
        "mobivate getkey: invalid response: the body is larger than the limit of 1048576 bytes; \
         it was not read further"
    );
    let source = std::error::Error::source(&error).and_then(|s| s.downcast_ref());
    assert_eq!(
        source,
        Some(&telauth::BodyTooLarge {
            limit: telauth::MAX_BODY_BYTES
        })
    );
}

#[tokio::test]
async fn voipbin_create_refuses_under_a_day_locally_and_sends_seconds() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/v1.0/accesskeys")
                .header("authorization", "Bearer jwt")
                .json_body(json!({ "expire": 86400, "name": "ci" }));
            then.status(200).json_body(key_json(7, Some(SENTINEL)));
        })
        .await;
    let api = VoipBin::new(&config(&server), VoipBinAuth::Jwt("jwt".into())).unwrap();
    for seconds in [86_399, 2_147_483_648, 4_295_053_696] {
        let error = api
            .create_access_key(Duration::from_secs(seconds), Some("ci"), None)
            .await
            .unwrap_err();
        assert!(error.is_local(), "{error}");
    }
    assert_eq!(mock.calls_async().await, 0);
    let key = api
        .create_access_key(Duration::from_secs(86_400), Some("ci"), None)
        .await
        .unwrap();
    mock.assert_async().await;
    assert_eq!(key.token.expose(), SENTINEL);
    assert!(key.key.token.is_none());
    assert_no_sentinel(&format!("{key:?}"));
}

#[tokio::test]
async fn voipbin_errors_carry_the_providers_status_code_and_message() {
    let server = MockServer::start_async().await;
    let id = uuid::Uuid::from_u128(9);
    answer(
        &server,
        DELETE,
        &format!("/v1.0/accesskeys/{id}"),
        Reply::Json(
            404,
            json!({ "error": {
                "status": "NOT_FOUND", "reason": "not found",
                "message": "The access key does not exist.", "request_id": "r1"
            }}),
        ),
    )
    .await;
    let api = VoipBin::new(&config(&server), VoipBinAuth::AccessKey(SENTINEL.into())).unwrap();
    let error = checked(api.delete_access_key(id).await.unwrap_err());
    assert_eq!(
        error.to_string(),
        "voipbin accesskeys_delete: HTTP 404: The access key does not exist. (code NOT_FOUND)"
    );
    assert!(!error.is_retryable());
}

#[tokio::test]
async fn voipbin_rename_keeps_the_detail_because_put_replaces_both() {
    let server = MockServer::start_async().await;
    let id = uuid::Uuid::from_u128(3);
    let path = format!("/v1.0/accesskeys/{id}");
    let mut current = key_json(3, None);
    current["name"] = json!("old");
    current["detail"] = json!("key for the CI pipeline");
    let read = server
        .mock_async(|when, then| {
            when.method(GET).path(path.clone());
            then.status(200).json_body(current.clone());
        })
        .await;
    let put = server
        .mock_async(|when, then| {
            when.method(PUT)
                .path(path.clone())
                .json_body(json!({ "name": "new", "detail": "key for the CI pipeline" }));
            then.status(200).json_body(current.clone());
        })
        .await;
    let api = VoipBin::new(&config(&server), VoipBinAuth::Jwt("jwt".into())).unwrap();
    api.update_access_key(id, Some("new"), None).await.unwrap();
    read.assert_async().await;
    put.assert_async().await;

    // Both given: nothing to read. Neither given: refused before anything is sent.
    let both = server
        .mock_async(|when, then| {
            when.method(PUT)
                .path(path.clone())
                .json_body(json!({ "name": "n", "detail": "" }));
            then.status(200).json_body(current.clone());
        })
        .await;
    api.update_access_key(id, Some("n"), Some(""))
        .await
        .unwrap();
    both.assert_async().await;
    read.assert_calls_async(1).await;
    let error = api.update_access_key(id, None, None).await.unwrap_err();
    assert!(error.is_local(), "{error}");
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

#[tokio::test]
async fn voipbin_deleted_key_is_a_409_with_the_providers_words() {
    let server = MockServer::start_async().await;
    let id = uuid::Uuid::from_u128(4);
    answer_deleted_key(&server, id, "req_1").await;
    let api = VoipBin::new(&config(&server), VoipBinAuth::Jwt("jwt".into())).unwrap();
    let error = checked(api.get_access_key(id).await.unwrap_err());
    assert_eq!(error.status(), Some(409));
    assert_eq!(error.code(), Some("FAILED_PRECONDITION"));
}

#[tokio::test]
async fn voipbin_rate_limit_keeps_details_and_retry_after() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(POST).path("/auth/login");
            then.status(429)
                .header("retry-after", "3")
                .json_body(json!({ "error": {
                    "status": "RESOURCE_EXHAUSTED", "reason": "RATE_LIMIT_EXCEEDED",
                    "message": "Too many requests. Please try again later.",
                    "request_id": "req_2", "details": [{ "limited_by": "ip" }]
                }}));
        })
        .await;
    let api = VoipBin::login_only(&config(&server)).unwrap();
    let error = checked(api.login(&voipbin_credentials()).await.unwrap_err());
    assert_eq!(error.status(), Some(429));
    assert_eq!(error.retry_after(), Some(Duration::from_secs(3)));
    assert_eq!(
        error.message(),
        Some("Too many requests. Please try again later.")
    );
}

#[tokio::test]
async fn mobivate_rotation_with_an_unreadable_answer_says_the_old_key_is_revoked() {
    let server = MockServer::start_async().await;
    answer(
        &server,
        POST,
        "/auth/createkey",
        Reply::Raw(200, "{\"apiKey\": \"sentinel-9c1f-do-not-print\""),
    )
    .await;
    let mobivate = Mobivate::new(&config(&server)).unwrap();
    let credentials = MobivateCredentials {
        username: "alice".into(),
        password: SENTINEL.into(),
    };
    let error = checked(mobivate.create_key(&credentials).await.unwrap_err());
    let text = error.to_string();
    assert!(
        matches!(error.kind(), ErrorKind::InvalidResponse { .. }),
        "{text}"
    );
    assert!(
        text.contains("revoked the previous key") && text.contains("get_key"),
        "{text}"
    );
}

#[tokio::test]
async fn voipbin_calls_without_a_credential_fail_locally() {
    let api = VoipBin::login_only(&Config::new().origin("http://127.0.0.1:9")).unwrap();
    let error = api.list_access_keys(None, None).await.unwrap_err();
    assert!(error.is_local(), "{error}");
}

#[tokio::test]
async fn token_source_serves_a_fresh_token_from_its_cache() {
    let server = MockServer::start_async().await;
    let short = jwt_expiring_in(30);
    let mock = answer(
        &server,
        POST,
        "/auth/login",
        Reply::Json(200, json!({ "username": "alice", "token": short })),
    )
    .await;
    // A 30 s token with the default 60 s margin: the margin is capped at half the lifetime, so
    // the token is served, not renewed on every call.
    let source = TokenSource::new(
        VoipBin::login_only(&config(&server)).unwrap(),
        voipbin_credentials(),
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
    let mock = answer(
        &server,
        POST,
        "/auth/login",
        Reply::Json(
            200,
            json!({ "username": "alice", "token": jwt_expiring_in(-1) }),
        ),
    )
    .await;
    let source = TokenSource::new(
        VoipBin::login_only(&config(&server)).unwrap(),
        voipbin_credentials(),
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
        VoipBin::login_only(&config(&server)).unwrap(),
        voipbin_credentials(),
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
        VoipBin::login_only(&config(&server)).unwrap(),
        voipbin_credentials(),
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
    let rejected = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/v1.0/accesskeys")
                .header("authorization", format!("Bearer {first}"));
            then.status(401).json_body(json!({ "error": {
                "status": "UNAUTHENTICATED", "reason": "INVALID_CREDENTIALS",
                "message": "The provided credentials are invalid.", "request_id": "req_3"
            }}));
        })
        .await;
    let source = TokenSource::new(
        VoipBin::login_only(&config(&server)).unwrap(),
        voipbin_credentials(),
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

    // Without the opt-in, the cached token stays until `invalidate`.
    source.invalidate();
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
        VoipBin::login_only(&config(&server)).unwrap(),
        voipbin_credentials(),
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
    let expired = answer(
        &server,
        POST,
        "/auth/login",
        Reply::Json(
            200,
            json!({ "username": "alice", "token": jwt_expiring_in(-10) }),
        ),
    )
    .await;
    let source = Arc::new(
        TokenSource::new(
            VoipBin::login_only(&config(&server)).unwrap(),
            voipbin_credentials(),
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

// Config, errors ------------------------------------------------------------------------------

#[tokio::test]
async fn every_request_says_telauth_in_its_user_agent_and_an_own_builder_keeps_the_rules() {
    let server = MockServer::start_async().await;
    let test = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/auth/test")
                .header("user-agent", format!("{} my-app/1.2", telauth::USER_AGENT))
                .header("x-team", "payments");
            then.status(200)
                .json_body(json!({ "message": "API Key is valid" }));
        })
        .await;
    let config = config(&server)
        .user_agent_suffix("my-app/1.2")
        .client_builder(|| {
            let mut headers = reqwest::header::HeaderMap::new();
            headers.insert(
                "x-team",
                reqwest::header::HeaderValue::from_static("payments"),
            );
            reqwest::Client::builder().default_headers(headers)
        });
    let mobivate = Mobivate::new(&config).unwrap();
    mobivate.test_key(&SENTINEL.into()).await.unwrap();
    test.assert_async().await;
    assert!(telauth::USER_AGENT.starts_with("telauth/0."));

    // The caller's builder does not bring redirects back.
    let moved = answer(&server, GET, "/auth/test", Reply::Empty(302)).await;
    test.delete_async().await;
    let error = mobivate.test_key(&SENTINEL.into()).await.unwrap_err();
    assert_eq!(error.status(), Some(302), "{error}");
    moved.assert_calls_async(1).await;
}

/// The origin of a server that accepts connections and never answers.
async fn silent_origin() -> String {
    let silent = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let origin = format!("http://{}", silent.local_addr().unwrap());
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((stream, _)) = silent.accept().await {
            held.push(stream);
        }
    });
    origin
}

#[tokio::test]
async fn a_deadline_bounds_retries() {
    let origin = silent_origin().await;
    let config = Config::new()
        .origin(origin)
        .timeout(Duration::from_secs(30))
        .retry(telauth::RetryPolicy::new(3))
        .deadline(Duration::from_millis(800));
    let api = VoipBin::new(&config, VoipBinAuth::Jwt("jwt".into())).unwrap();
    let started = std::time::Instant::now();
    let error = checked(api.list_access_keys(None, None).await.unwrap_err());
    assert!(matches!(error.kind(), ErrorKind::Timeout), "{error}");
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "the deadline did not bound the call: {:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn a_deadline_bounds_a_call_that_is_not_retried_and_a_lost_rotation_says_how_to_recover() {
    let origin = silent_origin().await;
    let config = Config::new()
        .origin(origin)
        .timeout(Duration::from_secs(30))
        .deadline(Duration::from_millis(500));
    let credentials = MobivateCredentials {
        username: "alice".into(),
        password: SENTINEL.into(),
    };
    let started = std::time::Instant::now();
    let error = checked(
        Mobivate::new(&config)
            .unwrap()
            .create_key(&credentials)
            .await
            .unwrap_err(),
    );
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "the deadline did not bound the rotation: {:?}",
        started.elapsed()
    );
    let text = error.to_string();
    assert!(
        text.contains("may have revoked the previous key") && text.contains("get_key"),
        "{text}"
    );
    assert!(matches!(error.kind(), ErrorKind::Timeout), "{error:?}");
    assert!(error.hint().is_some_and(|hint| hint.contains("get_key")));
}

#[tokio::test]
async fn errors_keep_the_providers_request_id_and_reason_and_their_cause() {
    let server = MockServer::start_async().await;
    let id = uuid::Uuid::from_u128(11);
    answer_deleted_key(&server, id, "req_01HZX3N5W8K2M4P6R8T0V2X4Z6").await;
    let api = VoipBin::new(&config(&server), VoipBinAuth::Jwt("jwt".into())).unwrap();
    let error = checked(api.get_access_key(id).await.unwrap_err());
    assert_eq!(error.request_id(), Some("req_01HZX3N5W8K2M4P6R8T0V2X4Z6"));
    assert_eq!(error.reason(), Some("STATE_INVALID"));

    // A refused connection keeps the HTTP client's error as its source.
    let api = VoipBin::new(
        &Config::new().origin("http://127.0.0.1:9"),
        VoipBinAuth::Jwt("jwt".into()),
    )
    .unwrap();
    let error = checked(api.list_access_keys(None, None).await.unwrap_err());
    assert!(error.is_network(), "{error}");
    let source = std::error::Error::source(&error).expect("a cause");
    assert!(!source.to_string().contains("jwt"), "{source}");
}

#[test]
fn an_origin_that_is_not_a_url_is_refused_when_the_client_is_built() {
    for origin in [
        "api.voipbin.net",
        "not a url",
        "ftp://example.com",
        "http://",
    ] {
        let error = checked(VoipBin::login_only(&Config::new().origin(origin)).unwrap_err());
        assert!(error.is_local(), "{origin}: {error}");
        assert!(
            error.to_string().contains("is not an http or https URL"),
            "{error}"
        );
    }
}

#[test]
fn a_signalwire_space_may_be_given_by_its_host_name() {
    for space in [
        "example",
        "example.signalwire.com",
        "Example.SignalWire.com.",
    ] {
        let credentials = SignalWireCredentials {
            space: space.into(),
            project_id: PROJECT.parse().unwrap(),
            api_token: SENTINEL.into(),
        };
        SignalWire::new(&Config::new(), &credentials).unwrap();
    }
    let credentials = SignalWireCredentials {
        space: "example.evil.com".into(),
        project_id: PROJECT.parse().unwrap(),
        api_token: SENTINEL.into(),
    };
    assert!(
        SignalWire::new(&Config::new(), &credentials)
            .unwrap_err()
            .is_local()
    );
}

#[test]
fn a_signalwire_space_with_multibyte_characters_is_refused_not_a_panic() {
    for space in [
        "ü.signalwire.com",
        "ü",
        // `.signalwire.com` would start inside the `ü`.
        "aüsignalwire.com",
        "üüüüüüüü",
        "exampleü.signalwire.com.",
        "例え.signalwire.com",
    ] {
        let credentials = SignalWireCredentials {
            space: space.into(),
            project_id: PROJECT.parse().unwrap(),
            api_token: SENTINEL.into(),
        };
        let outcome = std::panic::catch_unwind(|| SignalWire::new(&Config::new(), &credentials));
        let error = outcome
            .unwrap_or_else(|_| panic!("{space:?} panicked"))
            .unwrap_err();
        assert!(
            matches!(error.kind(), ErrorKind::InvalidInput { .. }),
            "{space:?}: {error}"
        );
        assert_eq!(error.operation(), "config");
        assert!(error.to_string().contains("must be a DNS label"), "{error}");
        assert_no_sentinel(&format!("{error} {error:?}"));
    }
}

// Mobivate -----------------------------------------------------------------------------------

#[tokio::test]
async fn mobivate_rotates_and_checks_the_key_as_bearer() {
    let server = MockServer::start_async().await;
    let create = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/auth/createkey")
                .header_missing("authorization")
                .json_body(json!({ "username": "alice", "password": SENTINEL }));
            then.status(200).json_body(json!({ "apiKey": "new-key" }));
        })
        .await;
    let test = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/auth/test")
                .header("authorization", "Bearer new-key");
            then.status(200)
                .json_body(json!({ "message": "API Key is valid" }));
        })
        .await;
    let mobivate = Mobivate::new(&config(&server)).unwrap();
    let credentials = MobivateCredentials {
        username: "alice".into(),
        password: SENTINEL.into(),
    };
    let key = mobivate.create_key(&credentials).await.unwrap();
    assert_eq!(mobivate.test_key(&key).await.unwrap(), "API Key is valid");
    create.assert_async().await;
    test.assert_async().await;

    answer(
        &server,
        POST,
        "/auth/getkey",
        Reply::Json(
            401,
            json!({ "code": 401, "message": "Invalid Credentials" }),
        ),
    )
    .await;
    let error = checked(mobivate.get_key(&credentials).await.unwrap_err());
    assert_eq!(
        error.to_string(),
        "mobivate getkey: HTTP 401: Invalid Credentials"
    );
}

// SignalWire ---------------------------------------------------------------------------------

const PROJECT: &str = "6f1e3c2a-9d4f-4e8b-a1c7-3f5d2e9b8a10";

fn signalwire(server: &MockServer, prefix: &str) -> SignalWire {
    let credentials = SignalWireCredentials {
        space: "example".into(),
        project_id: PROJECT.parse().unwrap(),
        api_token: SENTINEL.into(),
    };
    SignalWire::new(&Config::new().origin(server.url(prefix)), &credentials).unwrap()
}

#[tokio::test]
async fn signalwire_appends_the_api_path_to_the_origin_and_sends_basic_auth() {
    let server = MockServer::start_async().await;
    let token_id = uuid::Uuid::from_u128(5);
    let create = server
        .mock_async(|when, then| {
            when.method(POST)
                .path(format!("/sw/api/laml/2010-04-01/Accounts/{PROJECT}/tokens"))
                .header("authorization", basic_header(PROJECT, SENTINEL))
                .header("content-type", "application/x-www-form-urlencoded")
                .body("name=ci&permissions=messaging&permissions=video");
            then.status(200).json_body(json!({
                "id": token_id, "name": "ci", "permissions": ["messaging", "video"], "token": "new"
            }));
        })
        .await;
    let update = server
        .mock_async(|when, then| {
            when.method(PATCH)
                .path(format!(
                    "/sw/api/laml/2010-04-01/Accounts/{PROJECT}/tokens/{token_id}"
                ))
                .header("authorization", basic_header(PROJECT, SENTINEL))
                .json_body(json!({ "name": "renamed" }));
            then.status(200).json_body(json!({
                "id": token_id, "name": "renamed", "permissions": ["messaging"], "token": "new"
            }));
        })
        .await;
    let delete = server
        .mock_async(|when, then| {
            when.method(DELETE)
                .path(format!(
                    "/sw/api/laml/2010-04-01/Accounts/{PROJECT}/tokens/{token_id}"
                ))
                .header("authorization", basic_header(PROJECT, SENTINEL));
            then.status(204);
        })
        .await;
    let signalwire = signalwire(&server, "/sw/");
    let token = signalwire
        .create_token("ci", &[Permission::Messaging, Permission::Video], None)
        .await
        .unwrap();
    assert_eq!(token.id, token_id);
    signalwire
        .update_token(token_id, Some("renamed"), None)
        .await
        .unwrap();
    signalwire.delete_token(token_id).await.unwrap();
    create.assert_async().await;
    update.assert_async().await;
    delete.assert_async().await;
    assert_no_sentinel(&format!("{signalwire:?}"));
}

#[tokio::test]
async fn signalwire_update_changes_permissions_without_a_name_and_refuses_empty_values() {
    let server = MockServer::start_async().await;
    let token_id = uuid::Uuid::from_u128(6);
    let path = format!("/api/laml/2010-04-01/Accounts/{PROJECT}/tokens/{token_id}");
    let update = server
        .mock_async(|when, then| {
            when.method(PATCH)
                .path(path.clone())
                .json_body(json!({ "permissions": ["fax"] }));
            then.status(200).json_body(json!({
                "id": token_id, "name": "kept", "permissions": ["fax"], "token": "t"
            }));
        })
        .await;
    let signalwire = signalwire(&server, "");
    let token = signalwire
        .update_token(token_id, None, Some(&[Permission::Fax]))
        .await
        .unwrap();
    assert_eq!(token.name, "kept");
    update.assert_async().await;
    let refusals = [
        signalwire.update_token(token_id, None, None).await,
        signalwire.update_token(token_id, Some(""), None).await,
        signalwire.update_token(token_id, None, Some(&[])).await,
        signalwire.create_token("", &[Permission::Fax], None).await,
        signalwire.create_token("ci", &[], None).await,
    ];
    for refusal in refusals {
        let error = refusal.unwrap_err();
        assert!(error.is_local(), "{error}");
    }
    update.assert_calls_async(1).await;
}

#[tokio::test]
async fn signalwire_validation_errors_carry_code_and_message() {
    let server = MockServer::start_async().await;
    answer(
        &server,
        POST,
        &format!("/api/laml/2010-04-01/Accounts/{PROJECT}/tokens"),
        Reply::Json(422, json!({
            "type": "validation_error", "code": "10004",
            "message": "Subproject does not belong to the project", "attribute": "subproject_id",
            "url": "https://developer.signalwire.com/rest/overview/error-codes#10004"
        })),
    )
    .await;
    let error = signalwire(&server, "")
        .create_token("ci", &[Permission::Chat], Some(uuid::Uuid::from_u128(3)))
        .await
        .unwrap_err();
    let error = checked(error);
    assert_eq!(error.status(), Some(422));
    assert_eq!(error.code(), Some("10004"));
    assert_eq!(
        error.message(),
        Some("Subproject does not belong to the project")
    );
}

#[test]
fn signalwire_refuses_a_space_that_is_not_a_host_label() {
    for space in ["", "evil.com/x", "a b", "-x"] {
        let credentials = SignalWireCredentials {
            space: space.into(),
            project_id: uuid::Uuid::nil(),
            api_token: SENTINEL.into(),
        };
        let error = checked(SignalWire::new(&Config::new(), &credentials).unwrap_err());
        assert!(error.is_local(), "{space}: {error}");
    }
}

// Transport ----------------------------------------------------------------------------------

#[tokio::test]
async fn a_server_that_does_not_answer_in_time_is_a_retryable_timeout() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.any_request();
            then.status(200).delay(Duration::from_secs(5));
        })
        .await;
    let config = config(&server).timeout(Duration::from_millis(300));
    let started = std::time::Instant::now();
    let error = Mobivate::new(&config)
        .unwrap()
        .test_key(&SENTINEL.into())
        .await
        .unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(3));
    assert_eq!(error.kind(), &ErrorKind::Timeout);
    assert!(error.is_retryable() && error.is_network());
    checked(error);
}

#[tokio::test]
async fn nothing_goes_over_plain_http_to_a_remote_host_unless_allowed() {
    // Refused before connecting: the host need not exist.
    let remote = Config::new().origin("http://api.mobivatebulksms.invalid");
    let credentials = MobivateCredentials {
        username: "alice".into(),
        password: SENTINEL.into(),
    };
    // Refused when the client is built, not at the first call.
    let error = checked(Mobivate::new(&remote).unwrap_err());
    assert!(error.is_local(), "{error}");
    assert!(error.to_string().contains("plain http"), "{error}");

    let allowed = remote.allow_insecure_http();
    let error = checked(
        Mobivate::new(&allowed)
            .unwrap()
            .get_key(&credentials)
            .await
            .unwrap_err(),
    );
    assert!(
        error.is_network(),
        "opting in lets the request go out: {error}"
    );
}

#[tokio::test]
async fn redirects_are_not_followed() {
    let server = MockServer::start_async().await;
    let elsewhere = server
        .mock_async(|when, then| {
            when.path("/elsewhere");
            then.status(200).json_body(json!({ "apiKey": "k" }));
        })
        .await;
    answer(&server, POST, "/auth/getkey", Reply::Empty(308)).await;
    server
        .mock_async(|when, then| {
            when.method(POST).path("/auth/createkey");
            then.status(308).header("location", "/elsewhere");
        })
        .await;
    let credentials = MobivateCredentials {
        username: "alice".into(),
        password: SENTINEL.into(),
    };
    let error = Mobivate::new(&config(&server))
        .unwrap()
        .create_key(&credentials)
        .await
        .unwrap_err();
    assert_eq!(
        checked(error).kind(),
        &ErrorKind::UnexpectedStatus { status: 308 }
    );
    assert_eq!(elsewhere.calls_async().await, 0);
}

// Variables, credentials refused, typed answers ---------------------------------------------

#[tokio::test]
async fn a_voipbin_login_refused_with_a_bare_400_says_so_and_counts_as_credentials_refused() {
    let server = MockServer::start_async().await;
    answer(&server, POST, "/auth/login", Reply::Empty(400)).await;
    let error = checked(
        VoipBin::login_only(&config(&server))
            .unwrap()
            .login(&voipbin_credentials())
            .await
            .unwrap_err(),
    );
    assert!(error.is_credentials_refused());
    assert!(
        error
            .to_string()
            .starts_with("voipbin auth_login: HTTP 400; ")
            && error.to_string().contains("username or password is wrong"),
        "{error}"
    );
    assert!(error.hint().is_some());
}

#[tokio::test]
async fn every_from_vars_reads_the_given_variables_and_a_config_origin_wins() {
    let server = MockServer::start_async().await;
    let login = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/prefix/auth/login")
                .header_includes("user-agent", "ops/1")
                .json_body(json!({ "username": "alice", "password": SENTINEL }));
            then.status(200)
                .json_body(json!({ "username": "alice", "token": jwt_expiring_in(3600) }));
        })
        .await;
    let vars = telauth::Vars::from_iter([
        (
            "TELAUTH_VOIPBIN_ORIGIN",
            format!("{}/prefix", server.base_url()),
        ),
        ("VOIPBIN_USERNAME", "alice".to_string()),
        ("VOIPBIN_PASSWORD", SENTINEL.to_string()),
    ]);
    assert_no_sentinel(&format!("{vars:?}"));
    let tokens = TokenSource::from_vars(&vars, &Config::new().user_agent_suffix("ops/1")).unwrap();
    tokens.token().await.unwrap();
    login.assert_async().await;
    // VoipBin::from_vars needs an access key or a JWT, and says where a password goes instead.
    let error = VoipBin::from_vars(&vars, &Config::new()).unwrap_err();
    assert_eq!(
        error.kind(),
        &ErrorKind::MissingEnv {
            variables: vec!["VOIPBIN_ACCESSKEY or VOIPBIN_TOKEN"]
        }
    );
    assert!(
        error.to_string().contains("TokenSource::from_vars"),
        "{error}"
    );
    // An origin set in code is not replaced by the variable.
    let elsewhere = Config::new().origin("http://127.0.0.1:9");
    let vars_with_key =
        telauth::Vars::from_lookup(|name| (name == "VOIPBIN_ACCESSKEY").then(|| "ak".to_string()));
    let api = VoipBin::from_vars(&vars_with_key, &elsewhere).unwrap();
    assert!(format!("{api:?}").contains("http://127.0.0.1:9"));
    // A malformed origin in the variables is refused when the client is built.
    let bad = telauth::Vars::from_iter([("TELAUTH_MOBIVATE_ORIGIN", "not a url")]);
    assert!(
        Mobivate::from_vars(&bad, &Config::new())
            .unwrap_err()
            .is_local()
    );
}

#[test]
fn plain_http_to_a_remote_origin_is_refused_when_built_naming_allow_insecure_http() {
    let remote = Config::new().origin("http://10.0.0.5:8080");
    let error = checked(SmsBeta::new(&remote).unwrap_err());
    assert_eq!((error.operation(), error.is_local()), ("config", true));
    assert!(
        error.to_string().contains("Config::allow_insecure_http()"),
        "{error}"
    );
    SmsBeta::new(&remote.allow_insecure_http()).unwrap();
    SmsBeta::new(&Config::new().origin("http://[::1]:8080")).unwrap();
}
