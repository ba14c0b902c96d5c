//! `telauth::signalwire`: the space as a host label or host name (anything else refused, never a
//! panic), the API path after the origin, Basic auth, token create, update and delete, and
//! SignalWire's validation errors.

use httpmock::Method::{DELETE, PATCH, POST};
use httpmock::MockServer;
use serde_json::json;
use telauth::signalwire::{Permission, SignalWire, SignalWireAuth};
use telauth::{Config, ErrorKind};
use telauth_tests::{Reply, SENTINEL, answer, assert_no_sentinel, basic_header};

use crate::checked;

const PROJECT: &str = "6f1e3c2a-9d4f-4e8b-a1c7-3f5d2e9b8a10";

fn signalwire(server: &MockServer, prefix: &str) -> SignalWire {
    let credentials = SignalWireAuth {
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
        let credentials = SignalWireAuth {
            space: space.into(),
            project_id: uuid::Uuid::nil(),
            api_token: SENTINEL.into(),
        };
        let error = checked(SignalWire::new(&Config::new(), &credentials).unwrap_err());
        assert!(error.is_local(), "{space}: {error}");
    }
}

#[test]
fn a_signalwire_space_may_be_given_by_its_host_name() {
    for space in [
        "example",
        "example.signalwire.com",
        "Example.SignalWire.com.",
    ] {
        let credentials = SignalWireAuth {
            space: space.into(),
            project_id: PROJECT.parse().unwrap(),
            api_token: SENTINEL.into(),
        };
        SignalWire::new(&Config::new(), &credentials).unwrap();
    }
    let credentials = SignalWireAuth {
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
        let credentials = SignalWireAuth {
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
