use httpmock::{Method::POST, MockServer};
use serde_json::json;
use telauth_smsbeta::{Client, Credentials, Error, types::LoginRequest};
use telauth_tests::{Reply, SENTINEL, answer, assert_no_sentinel};

/// md5("password"), the digest the facade would compute.
const DIGEST: &str = "5f4dcc3b5aa765d61d8327deb882cf99";

fn request() -> telauth_smsbeta::types::builder::LoginRequest {
    LoginRequest::builder()
        .mail("user@example.com")
        .password(DIGEST)
}

#[tokio::test]
async fn login_sends_mail_and_digest_as_json_with_no_credential() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/login")
                .query_param_count(".*", ".*", 0)
                .header_missing("api-version")
                .header("content-type", "application/json")
                .header("accept", "application/json")
                .header_missing("authorization")
                .json_body(json!({ "mail": "user@example.com", "password": DIGEST }));
            then.status(200).json_body(json!({
                "code": 200, "Msg": "success!",
                "data": { "token": SENTINEL, "mail": "user@example.com" }
            }));
        })
        .await;
    let envelope = Client::new(&server.base_url(), Credentials::none())
        .login()
        .body(request())
        .send()
        .await
        .unwrap()
        .into_inner();
    mock.assert_async().await;
    assert_eq!((envelope.code, envelope.msg.as_str()), (200, "success!"));
    let data = envelope.data.clone().unwrap();
    assert_eq!(data.token.expose(), SENTINEL);
    assert_eq!(data.mail, "user@example.com");
    assert_no_sentinel(&format!("{envelope:?} {envelope:#?}"));
}

#[tokio::test]
async fn login_decodes_a_refusing_envelope_and_a_401() {
    let server = MockServer::start_async().await;
    let client = Client::new(&server.base_url(), Credentials::none());

    let mut mock = answer(
        &server,
        POST,
        "/login",
        Reply::Json(200, json!({ "code": 10001, "Msg": "password error" })),
    )
    .await;
    let envelope = client.login().body(request()).send().await.unwrap();
    assert_eq!(envelope.code, 10001);
    assert_eq!(envelope.msg, "password error");
    assert!(envelope.data.is_none());
    mock.delete_async().await;

    mock = answer(&server, POST, "/login", Reply::Empty(401)).await;
    match client.login().body(request()).send().await {
        Err(Error::ErrorResponse(response)) => assert_eq!(response.status(), 401),
        other => panic!("expected the documented 401, got {other:?}"),
    }
    mock.delete_async().await;
}
