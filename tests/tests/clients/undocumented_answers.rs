//! Answers no spec documents: each is an error value, never a panic.

use httpmock::Method::{GET, POST};
use httpmock::MockServer;
use serde_json::json;
use telauth_tests::{Reply, SENTINEL, answer, assert_no_sentinel};
use telauth_voipbin::{Error, ResponseValue};

/// The ways an answer can be wrong, and whether the client must see it as an unexpected
/// response (an undocumented status) or as a payload that did not decode.
fn bad_replies() -> Vec<(&'static str, Reply, bool)> {
    vec![
        (
            "undocumented 418",
            Reply::Json(418, json!({ "teapot": true })),
            true,
        ),
        (
            "undocumented 502",
            Reply::Raw(502, "<html>Bad Gateway</html>"),
            true,
        ),
        ("empty 200", Reply::Empty(200), false),
        ("malformed 200", Reply::Raw(200, "{\"token\": "), false),
        (
            "wrong shape 200",
            Reply::Json(200, json!(["not", "an", "object"])),
            false,
        ),
        // A secret the provider just issued, inside an answer that does not decode: neither the
        // body nor serde's message (which can quote a value) may reach the error.
        (
            "malformed 200 holding a secret",
            Reply::Raw(
                200,
                "{\"token\": \"sentinel-9c1f-do-not-print\", \"apiKey\": \"sentinel-9c1f-do-not-print\", ",
            ),
            false,
        ),
        (
            "wrongly typed 200 holding a secret",
            Reply::Json(
                200,
                json!({
                    "token": SENTINEL, "apiKey": SENTINEL, "username": SENTINEL.len(),
                    "code": SENTINEL, "id": SENTINEL, "result": SENTINEL, "message": 7,
                    "name": 7, "permissions": SENTINEL
                }),
            ),
            false,
        ),
    ]
}

/// Checks that a bad answer became the right error, and that printing it shows no credential
/// (the clients hold the sentinel as theirs). The four crates share progenitor's error type, so
/// one check serves them all.
fn assert_fault<T: std::fmt::Debug, E: std::fmt::Debug>(
    case: &str,
    unexpected: bool,
    result: Result<ResponseValue<T>, Error<E>>,
) {
    if let Err(error) = &result {
        assert_no_sentinel(&format!("{error} {error:?}"));
    }
    match result {
        Err(Error::UnexpectedResponse(response)) if unexpected => {
            assert!(response.status().as_u16() >= 400, "{case}");
        }
        Err(Error::InvalidResponsePayload(..)) if !unexpected => {}
        other => panic!("{case}: unexpected outcome {other:?}"),
    }
}

#[tokio::test]
async fn smsbeta_login_survives_every_bad_answer() {
    use telauth_smsbeta::{Client, Credentials, types::LoginRequest};
    let server = MockServer::start_async().await;
    let client = Client::new(&server.base_url(), Credentials::none());
    for (case, reply, unexpected) in bad_replies() {
        let mock = answer(&server, POST, "/login", reply).await;
        let result = client
            .login()
            .body(LoginRequest::builder().mail("a@b.c").password(SENTINEL))
            .send()
            .await;
        assert_fault(case, unexpected, result);
        mock.delete_async().await;
    }
}

#[tokio::test]
async fn voipbin_calls_survive_every_bad_answer() {
    use telauth_voipbin::{Client, Credentials};
    let server = MockServer::start_async().await;
    let client = Client::new(&server.base_url(), Credentials::accesskey_query(SENTINEL));
    for (case, reply, unexpected) in bad_replies() {
        let mock = answer(&server, GET, "/v1.0/accesskeys", reply).await;
        let result = client.accesskeys_list().send().await;
        assert_fault(case, unexpected, result);
        mock.delete_async().await;
    }
    // A documented error status whose body is not the documented JSON.
    let mock = answer(&server, GET, "/v1.0/accesskeys", Reply::Empty(401)).await;
    let result = client.accesskeys_list().send().await;
    assert!(matches!(result, Err(Error::InvalidResponsePayload(..))));
    mock.delete_async().await;
}

#[tokio::test]
async fn mobivate_calls_survive_every_bad_answer() {
    use telauth_mobivate::{Client, Credentials};
    let server = MockServer::start_async().await;
    let client = Client::new(&server.base_url(), Credentials::bearer_auth(SENTINEL));
    for (case, reply, unexpected) in bad_replies() {
        let mock = answer(&server, GET, "/auth/test", reply).await;
        let result = client.test().send().await;
        assert_fault(case, unexpected, result);
        mock.delete_async().await;
    }
}

#[tokio::test]
async fn signalwire_calls_survive_every_bad_answer() {
    use telauth_signalwire::{Client, Credentials, types};
    let server = MockServer::start_async().await;
    let project = uuid::Uuid::nil();
    let client = Client::new(
        &server.base_url(),
        Credentials::signal_wire_basic_auth(project.to_string(), SENTINEL),
    );
    for (case, reply, unexpected) in bad_replies() {
        let mock = answer(&server, POST, &format!("/Accounts/{project}/tokens"), reply).await;
        let result = client
            .create_token()
            .account_sid(project)
            .body(
                types::CreateTokenRequest::builder()
                    .name("ci")
                    .permissions(vec![types::Permission::Chat]),
            )
            .send()
            .await;
        assert_fault(case, unexpected, result);
        mock.delete_async().await;
    }
}
