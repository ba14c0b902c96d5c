use std::future::Future;

use httpmock::Method::{DELETE, GET, POST, PUT};
use httpmock::MockServer;
use serde_json::{Value, json};
use telauth_tests::{Reply, SENTINEL, answer, assert_no_sentinel};
use telauth_voipbin::types::{AccesskeyCreate, AccesskeyUpdate, ErrorResponse, LoginRequest};
use telauth_voipbin::{Client, Credentials, Error, ResponseValue};

const KEY_ID: &str = "2f1f4d8e-3c1a-4b7e-9a51-6c0f2a9d7e11";
const JWT: &str = "eyJhbGciOiJIUzI1NiJ9.eyJleHAiOjE3MDAwMDAwMDB9.c2ln";

fn key_id() -> uuid::Uuid {
    KEY_ID.parse().unwrap()
}

fn accesskey(token: Option<&str>) -> Value {
    let mut key = json!({
        "id": KEY_ID,
        "customer_id": "5e4a0680-804e-11ec-8477-2fea5968d85b",
        "name": "ci",
        "detail": "key for CI",
        "token_prefix": "vb_AuTK",
        "tm_expire": "2027-01-01T00:00:00.000000Z",
        "tm_create": "2026-01-01T00:00:00.000000Z",
        "tm_update": null,
        "tm_delete": "9999-01-01T00:00:00.000000Z"
    });
    if let Some(token) = token {
        key["token"] = json!(token);
    }
    key
}

fn error_body(status: &str) -> Value {
    json!({ "error": {
        "status": status, "reason": "some reason", "message": "some message",
        "request_id": "0d5a2c1e-7f43-4f5e-8a9b-1c2d3e4f5a6b", "details": [{ "limited_by": "customer" }]
    }})
}

/// The documented error statuses of `/v1.0` calls and the `error.status` each carries.
const ERRORS: &[(u16, &str)] = &[
    (400, "INVALID_ARGUMENT"),
    (401, "UNAUTHENTICATED"),
    (403, "PERMISSION_DENIED"),
    (404, "NOT_FOUND"),
    (409, "FAILED_PRECONDITION"),
    (429, "RESOURCE_EXHAUSTED"),
    (500, "INTERNAL"),
    (503, "UNAVAILABLE"),
];

/// Answers each of `statuses` in turn and checks that `call` decodes it as the documented error.
async fn assert_documented_errors<T, Fut>(
    server: &MockServer,
    method: &str,
    path: &str,
    statuses: &[u16],
    call: impl Fn() -> Fut,
) where
    T: std::fmt::Debug,
    Fut: Future<Output = Result<ResponseValue<T>, Error<ErrorResponse>>>,
{
    for (code, name) in ERRORS.iter().filter(|(code, _)| statuses.contains(code)) {
        let mock = answer(
            server,
            method.into(),
            path,
            Reply::Json(*code, error_body(name)),
        )
        .await;
        match call().await {
            Err(Error::ErrorResponse(response)) => {
                assert_eq!(response.status(), *code);
                assert_eq!(response.error.status.to_string(), *name);
                assert_eq!(response.error.message, "some message");
                assert_eq!(response.error.details[0]["limited_by"], "customer");
            }
            other => panic!(
                "{method} {path} answering {code}: expected the documented error, got {other:?}"
            ),
        }
        mock.delete_async().await;
    }
}

fn bearer(server: &MockServer) -> Client {
    Client::new(&server.base_url(), Credentials::bearer_auth(JWT))
}

#[tokio::test]
async fn auth_login_sends_username_and_password_and_no_credential() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/auth/login")
                .query_param_count(".*", ".*", 0)
                .header("content-type", "application/json")
                .header_missing("authorization")
                .header_missing("cookie")
                .header_missing("api-version")
                .json_body(json!({ "username": "alice", "password": SENTINEL }));
            then.status(200)
                .json_body(json!({ "username": "alice", "token": SENTINEL }));
        })
        .await;
    // Even a client holding a credential sends none on login.
    let login = bearer(&server)
        .auth_login()
        .body(LoginRequest::builder().username("alice").password(SENTINEL))
        .send()
        .await
        .unwrap()
        .into_inner();
    mock.assert_async().await;
    assert_eq!(login.username, "alice");
    assert_eq!(login.token.expose(), SENTINEL);
    assert_no_sentinel(&format!("{login:?}"));
}

#[tokio::test]
async fn auth_login_failure_is_a_bare_400_and_the_rate_limit_a_429() {
    let server = MockServer::start_async().await;
    let client = Client::new(&server.base_url(), Credentials::none());
    let login = || {
        client
            .auth_login()
            .body(LoginRequest::builder().username("alice").password("wrong"))
            .send()
    };
    // A bodiless status beside a JSON one is left to `UnexpectedResponse`, with its status.
    let mock = answer(&server, POST, "/auth/login", Reply::Empty(400)).await;
    match login().await {
        Err(Error::UnexpectedResponse(response)) => assert_eq!(response.status(), 400),
        other => panic!("expected the documented bare 400, got {other:?}"),
    }
    mock.delete_async().await;

    let limited = server
        .mock_async(|when, then| {
            when.method(POST).path("/auth/login");
            then.status(429)
                .header("retry-after", "7")
                .json_body(error_body("RESOURCE_EXHAUSTED"));
        })
        .await;
    match login().await {
        Err(Error::ErrorResponse(response)) => {
            assert_eq!(response.status(), 429);
            assert_eq!(response.headers()["retry-after"], "7");
            assert_eq!(
                response.error.status,
                telauth_voipbin::types::ErrorDetailStatus::ResourceExhausted
            );
            assert_eq!(response.error.details[0]["limited_by"], "customer");
        }
        other => panic!("expected the documented 429, got {other:?}"),
    }
    limited.delete_async().await;
}

#[tokio::test]
async fn credentials_go_in_the_cookie_the_scheme_names() {
    let server = MockServer::start_async().await;
    for (credentials, cookie) in [
        (
            Credentials::accesskey_cookie("vb_sentinel"),
            "accesskey=vb_sentinel",
        ),
        (Credentials::token_cookie(JWT), &*format!("token={JWT}")),
    ] {
        let mock = server
            .mock_async(|when, then| {
                when.method(GET)
                    .path("/v1.0/accesskeys")
                    .header("cookie", cookie)
                    .header_missing("authorization")
                    .header_missing("api-version")
                    .query_param_count(".*", ".*", 0);
                then.status(200)
                    .json_body(json!({ "result": [], "next_page_token": "" }));
            })
            .await;
        let client = Client::new(&server.base_url(), credentials);
        client.accesskeys_list().send().await.unwrap();
        mock.assert_async().await;
        mock.delete_async().await;
    }
}

#[tokio::test]
async fn accesskeys_list_presents_a_jwt_as_bearer_header() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/v1.0/accesskeys")
                .header("authorization", format!("Bearer {JWT}"))
                .query_param("page_size", "50")
                .query_param("page_token", "2026-01-01T00:00:00.000000Z")
                .query_param_count(".*", ".*", 2);
            then.status(200)
                .json_body(json!({ "result": [accesskey(None)], "next_page_token": "" }));
        })
        .await;
    let page = bearer(&server)
        .accesskeys_list()
        .page_size(50)
        .page_token("2026-01-01T00:00:00.000000Z")
        .send()
        .await
        .unwrap()
        .into_inner();
    mock.assert_async().await;
    assert_eq!(page.result.len(), 1);
    assert_eq!(page.result[0].id, key_id());
    assert!(page.result[0].token.is_none());
    assert_eq!(page.result[0].tm_update, None);
    assert_eq!(page.next_page_token.as_deref(), Some(""));
}

#[tokio::test]
async fn accesskeys_list_presents_a_jwt_as_token_query() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/v1.0/accesskeys")
                .header_missing("authorization")
                .query_param("token", JWT)
                .query_param_count(".*", ".*", 1);
            then.status(200)
                .json_body(json!({ "result": [], "next_page_token": null }));
        })
        .await;
    let client = Client::new(&server.base_url(), Credentials::token_query(JWT));
    let page = client.accesskeys_list().send().await.unwrap().into_inner();
    mock.assert_async().await;
    assert!(page.result.is_empty());
    assert_eq!(page.next_page_token, None);
}

#[tokio::test]
async fn accesskeys_list_presents_an_access_key_only_as_accesskey_query() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/v1.0/accesskeys")
                .header_missing("authorization")
                .query_param("accesskey", "vb_key with/odd+chars")
                .query_param("page_size", "100")
                .query_param_count(".*", ".*", 2);
            then.status(200).json_body(json!({ "result": [] }));
        })
        .await;
    let client = Client::new(
        &server.base_url(),
        Credentials::accesskey_query("vb_key with/odd+chars"),
    );
    client
        .accesskeys_list()
        .page_size(100)
        .send()
        .await
        .unwrap();
    mock.assert_async().await;
}

#[tokio::test]
async fn accesskeys_list_decodes_each_documented_error() {
    let server = MockServer::start_async().await;
    let client = bearer(&server);
    let path = "/v1.0/accesskeys";
    assert_documented_errors(
        &server,
        "GET",
        path,
        &[400, 401, 403, 429, 500, 503],
        || client.accesskeys_list().send(),
    )
    .await;
}

#[tokio::test]
async fn accesskeys_create_sends_expire_name_detail_and_gets_the_token_once() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/v1.0/accesskeys")
                .header("authorization", format!("Bearer {JWT}"))
                .header("content-type", "application/json")
                .query_param_count(".*", ".*", 0)
                .json_body(json!({ "name": "ci", "detail": "key for CI", "expire": 86400 }));
            then.status(200).json_body(accesskey(Some(SENTINEL)));
        })
        .await;
    let key = bearer(&server)
        .accesskeys_create()
        .body(
            AccesskeyCreate::builder()
                .name(Some("ci".into()))
                .detail(Some("key for CI".into()))
                .expire(86400),
        )
        .send()
        .await
        .unwrap()
        .into_inner();
    mock.assert_async().await;
    assert_eq!(key.token.as_ref().map(|t| t.expose()), Some(SENTINEL));
    assert_eq!(
        key.tm_delete.as_deref(),
        Some("9999-01-01T00:00:00.000000Z")
    );
    assert_no_sentinel(&format!("{key:?}"));
}

#[tokio::test]
async fn accesskeys_create_leaves_out_absent_fields_and_decodes_each_documented_error() {
    let server = MockServer::start_async().await;
    let client = bearer(&server);
    let mock = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/v1.0/accesskeys")
                .json_body(json!({ "expire": 172800 }));
            then.status(200).json_body(accesskey(Some("vb_x")));
        })
        .await;
    let body = || AccesskeyCreate::builder().expire(172800);
    client
        .accesskeys_create()
        .body(body())
        .send()
        .await
        .unwrap();
    mock.assert_async().await;
    mock.delete_async().await;
    assert_documented_errors(
        &server,
        "POST",
        "/v1.0/accesskeys",
        &[400, 401, 403, 429, 500, 503],
        || client.accesskeys_create().body(body()).send(),
    )
    .await;
}

#[tokio::test]
async fn accesskeys_get_addresses_the_key_by_id() {
    let server = MockServer::start_async().await;
    let path = format!("/v1.0/accesskeys/{KEY_ID}");
    let mock = server
        .mock_async(|when, then| {
            when.method(GET)
                .path(path.clone())
                .query_param("accesskey", "vb_admin")
                .query_param_count(".*", ".*", 1)
                .header_missing("authorization");
            then.status(200).json_body(accesskey(None));
        })
        .await;
    let client = Client::new(&server.base_url(), Credentials::accesskey_query("vb_admin"));
    let key = client.accesskeys_get().id(key_id()).send().await.unwrap();
    mock.assert_async().await;
    assert_eq!(key.name.as_deref(), Some("ci"));
    mock.delete_async().await;
    assert_documented_errors(
        &server,
        "GET",
        &path,
        &[400, 401, 403, 404, 409, 429, 500, 503],
        || client.accesskeys_get().id(key_id()).send(),
    )
    .await;
}

#[tokio::test]
async fn accesskeys_update_puts_name_and_detail() {
    let server = MockServer::start_async().await;
    let path = format!("/v1.0/accesskeys/{KEY_ID}");
    let mock = server
        .mock_async(|when, then| {
            when.method(PUT)
                .path(path.clone())
                .header("authorization", format!("Bearer {JWT}"))
                .header("content-type", "application/json")
                .json_body(json!({ "name": "renamed", "detail": "new detail" }));
            then.status(200).json_body(accesskey(None));
        })
        .await;
    let client = bearer(&server);
    let body = || {
        AccesskeyUpdate::builder()
            .name(Some("renamed".into()))
            .detail(Some("new detail".into()))
    };
    client
        .accesskeys_update()
        .id(key_id())
        .body(body())
        .send()
        .await
        .unwrap();
    mock.assert_async().await;
    mock.delete_async().await;
    assert_documented_errors(
        &server,
        "PUT",
        &path,
        &[400, 401, 403, 404, 409, 429, 500, 503],
        || client.accesskeys_update().id(key_id()).body(body()).send(),
    )
    .await;
}

#[tokio::test]
async fn accesskeys_delete_answers_the_deleted_key() {
    let server = MockServer::start_async().await;
    let path = format!("/v1.0/accesskeys/{KEY_ID}");
    let mut deleted = accesskey(None);
    deleted["tm_delete"] = json!("2026-11-22T00:00:00.000000Z");
    let mock = server
        .mock_async(|when, then| {
            when.method(DELETE)
                .path(path.clone())
                .header("authorization", format!("Bearer {JWT}"))
                .query_param_count(".*", ".*", 0);
            then.status(200).json_body(deleted);
        })
        .await;
    let client = bearer(&server);
    let key = client
        .accesskeys_delete()
        .id(key_id())
        .send()
        .await
        .unwrap();
    mock.assert_async().await;
    assert_eq!(
        key.tm_delete.as_deref(),
        Some("2026-11-22T00:00:00.000000Z")
    );
    mock.delete_async().await;
    assert_documented_errors(
        &server,
        "DELETE",
        &path,
        &[400, 401, 403, 404, 409, 429, 500, 503],
        || client.accesskeys_delete().id(key_id()).send(),
    )
    .await;
}

#[tokio::test]
async fn v1_calls_without_a_credential_fail_before_sending() {
    let server = MockServer::start_async().await;
    let mock = answer(
        &server,
        GET,
        "/v1.0/accesskeys",
        Reply::Json(200, json!({ "result": [] })),
    )
    .await;
    let client = Client::new(&server.base_url(), Credentials::none());
    match client.accesskeys_list().send().await {
        Err(Error::InvalidRequest(message)) => assert!(
            message
                .contains("BearerAuth, TokenCookie, TokenQuery, AccesskeyCookie, AccesskeyQuery"),
            "{message}"
        ),
        other => panic!("expected a local error, got {other:?}"),
    }
    mock.assert_calls_async(0).await;
}
