//! `telauth::smsbeta`: the login sends the md5 digest of the password, never the password, and
//! a refusal, in a 200 envelope or as a 401, is an error.

use httpmock::Method::POST;
use httpmock::MockServer;
use serde_json::json;
use telauth::smsbeta::{SmsBeta, SmsBetaAccount};
use telauth::{ErrorKind, Provider};
use telauth_tests::{Reply, SENTINEL, answer};

use crate::{checked, config};

/// md5 of the sentinel password, computed independently (`printf %s "$SENTINEL" | md5sum`).
const SENTINEL_MD5: &str = "299cf39ea226820d8422119f4634743d";

fn smsbeta_credentials() -> SmsBetaAccount {
    SmsBetaAccount {
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
