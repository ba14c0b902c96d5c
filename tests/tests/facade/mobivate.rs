//! `telauth::mobivate`: a key rotated and checked as a bearer token, and a rotation whose answer
//! is unreadable saying that the old key is revoked.

use httpmock::Method::{GET, POST};
use httpmock::MockServer;
use serde_json::json;
use telauth::ErrorKind;
use telauth::mobivate::{Mobivate, MobivateAccount};
use telauth_tests::{Reply, SENTINEL, answer};

use crate::{checked, config};

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
    let credentials = MobivateAccount {
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
    let credentials = MobivateAccount {
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
