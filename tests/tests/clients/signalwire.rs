use httpmock::Method::{DELETE, PATCH, POST};
use httpmock::MockServer;
use serde_json::{Value, json};
use telauth_signalwire::types::{
    CreateTokenError, CreateTokenRequest, Permission, UpdateTokenError, UpdateTokenRequest,
};
use telauth_signalwire::{Client, Credentials, Error};
use telauth_tests::{Reply, SENTINEL, answer, assert_no_sentinel, basic_header};

const PROJECT: &str = "6f1e3c2a-9d4f-4e8b-a1c7-3f5d2e9b8a10";
const TOKEN_ID: &str = "6b1e3c2a-9d4f-4e8b-a1c7-3f5d2e9b8a10";
const SUBPROJECT: &str = "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";
const PREFIX: &str = "/api/laml/2010-04-01";

fn project() -> uuid::Uuid {
    PROJECT.parse().unwrap()
}

fn token_id() -> uuid::Uuid {
    TOKEN_ID.parse().unwrap()
}

/// A client whose base URL, like the real one, ends in the Compatibility API's prefix.
fn client(server: &MockServer) -> Client {
    Client::new(
        &server.url(PREFIX),
        Credentials::signal_wire_basic_auth(PROJECT, SENTINEL),
    )
}

fn token_response() -> Value {
    json!({ "id": TOKEN_ID, "name": "ci", "permissions": ["messaging", "numbers"], "token": SENTINEL })
}

fn compatibility_error(status: u16) -> Reply {
    Reply::Json(
        status,
        json!({
            "code": 20000 + status, "message": format!("error {status}"),
            "more_info": "https://developer.signalwire.com/compatibility-api/reference/error-codes",
            "status": status
        }),
    )
}

fn validation_error(code: &str) -> Reply {
    Reply::Json(
        422,
        json!({
            "type": "validation_error", "code": code, "message": "Permissions are invalid",
            "attribute": "permissions",
            "url": format!("https://developer.signalwire.com/rest/overview/error-codes#{code}")
        }),
    )
}

#[tokio::test]
async fn create_token_sends_basic_auth_and_the_form_body() {
    let server = MockServer::start_async().await;
    let path = format!("{PREFIX}/Accounts/{PROJECT}/tokens");
    let mock = server
        .mock_async(|when, then| {
            when.method(POST)
                .path(path.clone())
                .query_param_count(".*", ".*", 0)
                .header_missing("api-version")
                .header("authorization", basic_header(PROJECT, SENTINEL))
                .header("content-type", "application/x-www-form-urlencoded")
                .body(format!(
                    "name=ci&permissions=messaging&permissions=numbers&permissions=management\
                     &subproject_id={SUBPROJECT}"
                ));
            then.status(200).json_body(token_response());
        })
        .await;
    let token = client(&server)
        .create_token()
        .account_sid(project())
        .body(
            CreateTokenRequest::builder()
                .name("ci")
                .permissions(vec![
                    Permission::Messaging,
                    Permission::Numbers,
                    Permission::Management,
                ])
                .subproject_id(Some(SUBPROJECT.parse().unwrap())),
        )
        .send()
        .await
        .unwrap()
        .into_inner();
    mock.assert_async().await;
    assert_eq!(token.id, token_id());
    assert_eq!(token.permissions, ["messaging", "numbers"]);
    assert_eq!(token.token.expose(), SENTINEL);
    assert_no_sentinel(&format!("{token:?} {:?}", client(&server)));
}

#[tokio::test]
async fn create_token_decodes_each_status_to_its_own_variant() {
    let server = MockServer::start_async().await;
    let path = format!("{PREFIX}/Accounts/{PROJECT}/tokens");
    let client = client(&server);
    let send = || {
        client
            .create_token()
            .account_sid(project())
            .body(
                CreateTokenRequest::builder()
                    .name("ci")
                    .permissions(vec![Permission::Video]),
            )
            .send()
    };
    for status in [400, 401] {
        let mock = answer(&server, POST, &path, compatibility_error(status)).await;
        match send().await {
            Err(Error::ErrorResponse(response)) => {
                assert_eq!(response.status(), status);
                match response.into_inner() {
                    CreateTokenError::ErrorResponse(error) => {
                        assert_eq!(error.status, i64::from(status));
                        assert_eq!(error.code, 20000 + i64::from(status));
                    }
                    other => panic!("{status} decoded as {other:?}"),
                }
            }
            other => panic!("expected the documented {status}, got {other:?}"),
        }
        mock.delete_async().await;
    }
    for code in ["10003", "10004"] {
        let mock = answer(&server, POST, &path, validation_error(code)).await;
        match send().await {
            Err(Error::ErrorResponse(response)) => {
                assert_eq!(response.status(), 422);
                match response.into_inner() {
                    CreateTokenError::TokenValidationError(error) => {
                        assert_eq!(error.code.as_deref(), Some(code));
                        assert_eq!(error.attribute.as_deref(), Some("permissions"));
                    }
                    other => panic!("422 decoded as {other:?}"),
                }
            }
            other => panic!("expected the documented 422, got {other:?}"),
        }
        mock.delete_async().await;
    }
}

#[tokio::test]
async fn update_token_patches_name_and_keeps_permissions_left_out() {
    let server = MockServer::start_async().await;
    let path = format!("{PREFIX}/Accounts/{PROJECT}/tokens/{TOKEN_ID}");
    let mock = server
        .mock_async(|when, then| {
            when.method(PATCH)
                .path(path.clone())
                .header("authorization", basic_header(PROJECT, SENTINEL))
                .json_body(json!({ "name": "renamed" }));
            then.status(200).json_body(token_response());
        })
        .await;
    let client = client(&server);
    let send = |permissions: Option<Vec<Permission>>| {
        client
            .update_token()
            .account_sid(project())
            .token_id(token_id())
            .body(
                UpdateTokenRequest::builder()
                    .name(Some("renamed".parse().unwrap()))
                    .permissions(permissions.unwrap_or_default()),
            )
            .send()
    };
    let token = send(None).await.unwrap();
    mock.assert_async().await;
    assert_eq!(token.name, "ci");
    mock.delete_async().await;

    let with_permissions = server
        .mock_async(|when, then| {
            when.method(PATCH)
                .path(path.clone())
                .json_body(json!({ "name": "renamed", "permissions": ["fax", "chat"] }));
            then.status(200).json_body(token_response());
        })
        .await;
    send(Some(vec![Permission::Fax, Permission::Chat]))
        .await
        .unwrap();
    with_permissions.assert_async().await;
    with_permissions.delete_async().await;

    for status in [400, 401, 404] {
        let mock = answer(&server, PATCH, &path, compatibility_error(status)).await;
        match send(None).await {
            Err(Error::ErrorResponse(response)) if response.status() == status => {
                assert!(matches!(
                    response.into_inner(),
                    UpdateTokenError::ErrorResponse(_)
                ));
            }
            other => panic!("expected the documented {status}, got {other:?}"),
        }
        mock.delete_async().await;
    }
    let mock = answer(&server, PATCH, &path, validation_error("10003")).await;
    match send(None).await {
        Err(Error::ErrorResponse(response)) if response.status() == 422 => {
            assert!(matches!(
                response.into_inner(),
                UpdateTokenError::TokenValidationError(_)
            ));
        }
        other => panic!("expected the documented 422, got {other:?}"),
    }
    mock.delete_async().await;
}

#[tokio::test]
async fn delete_token_answers_204_and_decodes_each_documented_error() {
    let server = MockServer::start_async().await;
    let path = format!("{PREFIX}/Accounts/{PROJECT}/tokens/{TOKEN_ID}");
    let mock = server
        .mock_async(|when, then| {
            when.method(DELETE)
                .path(path.clone())
                .query_param_count(".*", ".*", 0)
                .header_missing("api-version")
                .header("authorization", basic_header(PROJECT, SENTINEL));
            then.status(204);
        })
        .await;
    let client = client(&server);
    let send = || {
        client
            .delete_token()
            .account_sid(project())
            .token_id(token_id())
            .send()
    };
    let deleted = send().await.unwrap();
    mock.assert_async().await;
    assert_eq!(deleted.status(), 204);
    mock.delete_async().await;
    for status in [400, 401, 404] {
        let mock = answer(&server, DELETE, &path, compatibility_error(status)).await;
        match send().await {
            Err(Error::ErrorResponse(response)) => {
                assert_eq!(response.status(), status);
                assert_eq!(response.message, format!("error {status}"));
            }
            other => panic!("expected the documented {status}, got {other:?}"),
        }
        mock.delete_async().await;
    }
}

#[test]
fn base_url_puts_the_space_in_the_host_and_refuses_anything_else() {
    assert_eq!(
        telauth_signalwire::base_url("acme").unwrap(),
        "https://acme.signalwire.com/api/laml/2010-04-01"
    );
    for other_host in [
        "evil.example/#",
        "evil.example?",
        "x@evil.example",
        "a.b",
        "",
    ] {
        let error = telauth_signalwire::base_url(other_host).unwrap_err();
        assert!(error.to_string().contains("DNS label"), "{error}");
    }
}
