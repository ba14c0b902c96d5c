//! `telauth::voipbin::VoipBin`: the login and its JWT's expiry, where an access key or a JWT
//! goes, the walk over every page of access keys, create, rename and delete, and VoIPBIN's
//! errors with the provider's words.

use std::time::{Duration, SystemTime};

use httpmock::Method::{DELETE, GET, POST, PUT};
use httpmock::MockServer;
use serde_json::json;
use telauth::voipbin::{VoipBin, VoipBinAuth};
use telauth::{Config, ErrorKind};
use telauth_tests::{Reply, SENTINEL, answer, assert_no_sentinel, jwt_expiring_in};

use crate::{answer_deleted_key, checked, config, login_answers, voipbin_credentials};

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
    login_answers(&server, format!("{SENTINEL}.not-base64!.x")).await;
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
    let api = VoipBin::new(&config(&server), &VoipBinAuth::AccessKey(SENTINEL.into())).unwrap();
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
    let api = api.with_auth(&VoipBinAuth::Jwt("a.jwt.here".into()));
    api.list_access_keys(None, None).await.unwrap();
    by_jwt.assert_async().await;
}

#[tokio::test]
async fn voipbin_calls_without_a_credential_fail_locally() {
    let api = VoipBin::login_only(&Config::new().origin("http://127.0.0.1:9")).unwrap();
    let error = api.list_access_keys(None, None).await.unwrap_err();
    assert!(error.is_local(), "{error}");
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
    let api = VoipBin::new(&config(&server), &VoipBinAuth::Jwt("jwt".into())).unwrap();
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
    let api = VoipBin::new(&config(&server), &VoipBinAuth::Jwt("jwt".into())).unwrap();
    assert_eq!(api.all_access_keys(Some(100)).await.unwrap().len(), 100);
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
    let api = VoipBin::new(&config(&server), &VoipBinAuth::Jwt("jwt".into())).unwrap();
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
    let api = VoipBin::new(&config(&server), &VoipBinAuth::Jwt("jwt".into())).unwrap();
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
    let api = VoipBin::new(&config(&server), &VoipBinAuth::AccessKey(SENTINEL.into())).unwrap();
    let error = checked(api.delete_access_key(id).await.unwrap_err());
    assert_eq!(
        error.to_string(),
        "voipbin accesskeys_delete: HTTP 404: The access key does not exist. (code NOT_FOUND)"
    );
    assert!(!error.is_retryable());
}

#[tokio::test]
async fn voipbin_deleted_key_is_a_409_with_the_providers_words() {
    let server = MockServer::start_async().await;
    let id = uuid::Uuid::from_u128(4);
    answer_deleted_key(&server, id, "req_1").await;
    let api = VoipBin::new(&config(&server), &VoipBinAuth::Jwt("jwt".into())).unwrap();
    let error = checked(api.get_access_key(id).await.unwrap_err());
    assert_eq!(error.status(), Some(409));
    assert_eq!(error.code(), Some("FAILED_PRECONDITION"));
}
