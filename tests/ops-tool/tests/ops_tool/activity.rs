//! The ops tool's `activity` against two mocks standing for VoIPBIN and SignalWire: the calls
//! and messages telauth does not wrap, read with the tool's own client and the facade's
//! credentials, each where its provider reads it and nowhere else; no secret in any output.

use httpmock::Method::{GET, POST};
use httpmock::MockServer;
use serde_json::json;
use telauth::{Config, Vars};
use telauth_ops_tool::activity::{http_client, recent_activity};

const PROJECT: &str = "6f1e3c2a-9d4f-4e8b-a1c7-3f5d2e9b8a10";
const PASSWORD: &str = "vb-ops-sentinel-71c0";
const API_TOKEN: &str = "PT-ops-sentinel-4d1e";
/// `base64("<PROJECT>:<API_TOKEN>")`, worked out by hand.
const BASIC: &str =
    "Basic NmYxZTNjMmEtOWQ0Zi00ZThiLWExYzctM2Y1ZDJlOWI4YTEwOlBULW9wcy1zZW50aW5lbC00ZDFl";
/// A JWT whose `exp` is in 2100.
const JWT: &str = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.\
                   eyJzdWIiOiJvcHMiLCJpYXQiOjE3NjcyMjU2MDAsImV4cCI6NDEwMjQ0NDgwMH0.c2lnbmF0dXJl";

fn vars(voipbin: &MockServer, signalwire: &MockServer) -> Vars {
    Vars::from_iter([
        ("TELAUTH_VOIPBIN_ORIGIN", voipbin.base_url()),
        ("VOIPBIN_USERNAME", "ops".into()),
        ("VOIPBIN_PASSWORD", PASSWORD.into()),
        ("TELAUTH_SIGNALWIRE_ORIGIN", signalwire.base_url()),
        ("SIGNALWIRE_SPACE", "example".into()),
        ("SIGNALWIRE_PROJECT_ID", PROJECT.into()),
        ("SIGNALWIRE_API_TOKEN", API_TOKEN.into()),
    ])
}

fn assert_no_secret(text: &str) {
    for secret in [PASSWORD, API_TOKEN, JWT, &BASIC[6..]] {
        assert!(!text.contains(secret), "a secret leaked: {text}");
    }
}

async fn voipbin() -> MockServer {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/auth/login")
                .json_body(json!({ "username": "ops", "password": PASSWORD }));
            then.status(200)
                .json_body(json!({ "username": "ops", "token": JWT }));
        })
        .await;
    server
}

#[tokio::test]
async fn activity_reads_calls_and_messages_with_the_facades_credentials() {
    let (voipbin, signalwire) = (voipbin().await, MockServer::start_async().await);
    let calls = voipbin
        .mock_async(|when, then| {
            when.method(GET)
                .path("/v1.0/calls")
                .query_param("page_size", "5")
                .header("authorization", format!("Bearer {JWT}"))
                .header_missing("cookie")
                .query_param_missing("token");
            then.status(200).json_body(json!({
                "next_page_token": "2026-08-20T10:00:00.000000Z",
                "result": [
                    { "id": "a0c1f4a2-6c1e-4a55-9c57-0c9f1d2b3e4f", "status": "hangup",
                      "direction": "outgoing", "type": "flow" },
                    { "id": "b1d2e5b3-7d2f-4b66-8d68-1d0e2e3c4f50", "status": "ringing",
                      "direction": "incoming", "type": "sip" }
                ]
            }));
        })
        .await;
    let messages = signalwire
        .mock_async(|when, then| {
            when.method(GET)
                .path(format!("/api/laml/2010-04-01/Accounts/{PROJECT}/Messages"))
                .query_param("PageSize", "5")
                .header("authorization", BASIC)
                .header_missing("cookie");
            then.status(200).json_body(json!({
                "uri": format!("/api/laml/2010-04-01/Accounts/{PROJECT}/Messages?Page=0&PageSize=5"),
                "first_page_uri": format!("/api/laml/2010-04-01/Accounts/{PROJECT}/Messages?Page=0&PageSize=5"),
                "next_page_uri": null, "previous_page_uri": null, "page": 0, "page_size": 5,
                "messages": [{ "sid": "c2e3f6c4-8e30-4c77-9e79-2e1f3f4d5061", "status": "delivered" }]
            }));
        })
        .await;

    let activity = recent_activity(
        &vars(&voipbin, &signalwire),
        &Config::new(),
        &http_client().unwrap(),
        5,
    )
    .await
    .unwrap();

    let statuses: Vec<_> = activity
        .calls
        .iter()
        .map(|call| call.status.as_str())
        .collect();
    assert_eq!(statuses, ["hangup", "ringing"]);
    assert_eq!(activity.calls[1].direction.as_deref(), Some("incoming"));
    assert_eq!(activity.messages[0].status, "delivered");
    calls.assert_async().await;
    messages.assert_async().await;
    assert_no_secret(&format!("{activity:?}"));
}

#[tokio::test]
async fn a_refused_token_is_an_error_that_shows_no_secret() {
    let (voipbin, signalwire) = (voipbin().await, MockServer::start_async().await);
    voipbin
        .mock_async(|when, then| {
            when.method(GET).path("/v1.0/calls");
            then.status(200).json_body(json!({ "result": [] }));
        })
        .await;
    let refused = signalwire
        .mock_async(|when, then| {
            when.method(GET).header("authorization", BASIC);
            then.status(401).json_body(json!({
                "code": 20003, "message": "Authenticate", "more_info": "", "status": 401
            }));
        })
        .await;
    let error = recent_activity(
        &vars(&voipbin, &signalwire),
        &Config::new(),
        &http_client().unwrap(),
        5,
    )
    .await
    .unwrap_err();
    assert!(error.to_string().contains("401"), "{error}");
    assert_no_secret(&format!("{error} {error:?}"));
    refused.assert_async().await;
}
