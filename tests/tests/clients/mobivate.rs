use httpmock::Method::{GET, POST};
use httpmock::MockServer;
use serde_json::json;
use telauth_mobivate::types::{ErrorResponse, KeyRequest};
use telauth_mobivate::{Client, Credentials, Error, ResponseValue};
use telauth_tests::{Reply, SENTINEL, answer, assert_no_sentinel};

fn key_request() -> telauth_mobivate::types::builder::KeyRequest {
    KeyRequest::builder().username("alice").password(SENTINEL)
}

/// Checks that `result` is the documented `{ code, message }` error with this status.
fn assert_error<T: std::fmt::Debug>(
    result: Result<ResponseValue<T>, Error<ErrorResponse>>,
    status: u16,
) {
    match result {
        Err(Error::ErrorResponse(response)) => {
            assert_eq!(response.status(), status);
            assert_eq!(response.code, i64::from(status));
            assert_eq!(response.message, format!("error {status}"));
        }
        other => panic!("expected the documented {status}, got {other:?}"),
    }
}

fn error_reply(status: u16) -> Reply {
    Reply::Json(
        status,
        json!({ "code": status, "message": format!("error {status}") }),
    )
}

#[tokio::test]
async fn getkey_and_createkey_send_username_and_password_and_no_credential() {
    for (path, operation) in [("/auth/getkey", "getkey"), ("/auth/createkey", "createkey")] {
        let server = MockServer::start_async().await;
        let mock = server
            .mock_async(|when, then| {
                when.method(POST)
                    .path(path)
                    .query_param_count(".*", ".*", 0)
                    .header_missing("api-version")
                    .header("content-type", "application/json")
                    .header_missing("authorization")
                    .json_body(json!({ "username": "alice", "password": SENTINEL }));
                then.status(200).json_body(json!({ "apiKey": SENTINEL }));
            })
            .await;
        // A client holding a key still sends none on these calls.
        let client = Client::new(&server.base_url(), Credentials::bearer_auth("old-key"));
        let response = match operation {
            "getkey" => client.getkey().body(key_request()).send().await,
            _ => client.createkey().body(key_request()).send().await,
        };
        mock.assert_async().await;
        let key = response.unwrap().into_inner();
        assert_eq!(key.api_key.expose(), SENTINEL);
        assert_no_sentinel(&format!("{key:?}"));
    }
}

#[tokio::test]
async fn getkey_and_createkey_decode_each_documented_error() {
    let server = MockServer::start_async().await;
    let client = Client::new(&server.base_url(), Credentials::none());
    for status in [400, 401, 402, 403, 429, 500] {
        let get = answer(&server, POST, "/auth/getkey", error_reply(status)).await;
        let create = answer(&server, POST, "/auth/createkey", error_reply(status)).await;
        assert_error(client.getkey().body(key_request()).send().await, status);
        assert_error(client.createkey().body(key_request()).send().await, status);
        get.delete_async().await;
        create.delete_async().await;
    }
}

#[tokio::test]
async fn test_presents_the_key_as_bearer() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/auth/test")
                .query_param_count(".*", ".*", 0)
                .header_missing("api-version")
                .header("authorization", format!("Bearer {SENTINEL}"));
            then.status(200)
                .json_body(json!({ "message": "API Key is valid" }));
        })
        .await;
    let client = Client::new(&server.base_url(), Credentials::bearer_auth(SENTINEL));
    let checked = client.test().send().await.unwrap();
    mock.assert_async().await;
    assert_eq!(checked.message, "API Key is valid");
    assert_no_sentinel(&format!("{client:?}"));
}

#[tokio::test]
async fn test_decodes_each_documented_error() {
    let server = MockServer::start_async().await;
    let client = Client::new(&server.base_url(), Credentials::bearer_auth("expired"));
    for status in [400, 401, 402, 403, 429, 500] {
        let mock = answer(&server, GET, "/auth/test", error_reply(status)).await;
        assert_error(client.test().send().await, status);
        mock.delete_async().await;
    }
}
