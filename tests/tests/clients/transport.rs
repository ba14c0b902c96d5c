//! What the runtime's client (`telauth_runtime::secure_client`) does for every generated client,
//! shown with VoIPBIN's: a refused connection is an error that does not show the URL, a redirect
//! is not followed, and no credential goes over plain `http` to a remote host.

use httpmock::Method::POST;
use httpmock::MockServer;
use serde_json::json;
use telauth_tests::{SENTINEL, assert_no_sentinel};
use telauth_voipbin::Error;

#[tokio::test]
async fn a_refused_connection_is_a_communication_error_without_the_url() {
    use telauth_voipbin::{Client, Credentials};
    // Port 9 on loopback: nothing listens there on these machines. The key travels in the query.
    let client = Client::new("http://127.0.0.1:9", Credentials::accesskey_query(SENTINEL));
    match client.accesskeys_list().send().await {
        Err(error @ Error::CommunicationError(_)) => {
            assert_no_sentinel(&format!("{error} {error:?}"));
        }
        other => panic!("expected a communication error, got {other:?}"),
    }
}

#[tokio::test]
async fn redirects_are_not_followed() {
    use telauth_voipbin::{Client, Credentials, types::LoginRequest};
    let server = MockServer::start_async().await;
    let elsewhere = server
        .mock_async(|when, then| {
            when.path("/elsewhere");
            then.status(200)
                .json_body(json!({ "username": "alice", "token": "t" }));
        })
        .await;
    server
        .mock_async(|when, then| {
            when.method(POST).path("/auth/login");
            then.status(307).header("location", "/elsewhere");
        })
        .await;
    let client = Client::new(&server.base_url(), Credentials::none());
    let result = client
        .auth_login()
        .body(LoginRequest::builder().username("alice").password(SENTINEL))
        .send()
        .await;
    match result {
        Err(Error::UnexpectedResponse(response)) => assert_eq!(response.status(), 307),
        other => panic!("expected the 307 itself, got {other:?}"),
    }
    assert_eq!(
        elsewhere.calls_async().await,
        0,
        "the password was carried to the redirect"
    );
}

#[tokio::test]
async fn no_credential_goes_over_plain_http_to_a_remote_host() {
    use telauth_voipbin::{Client, Credentials};
    // Refused before any connection is attempted, so the host need not exist.
    let client = Client::new(
        "http://api.voipbin.invalid",
        Credentials::bearer_auth(SENTINEL),
    );
    match client.accesskeys_list().send().await {
        Err(Error::InvalidRequest(message)) => {
            assert!(message.contains("plain http"), "{message}");
            assert_no_sentinel(&message);
        }
        other => panic!("expected a local refusal, got {other:?}"),
    }
    // Logins carry a password in their body: they are refused too.
    let result = client
        .auth_login()
        .body(
            telauth_voipbin::types::LoginRequest::builder()
                .username("alice")
                .password(SENTINEL),
        )
        .send()
        .await;
    assert!(
        matches!(result, Err(Error::InvalidRequest(_))),
        "{result:?}"
    );
}
