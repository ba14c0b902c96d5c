//! The typed mocks of the `httpmock` feature, used as an application developer uses them: code
//! of their own that calls a provider crate, tested against an `httpmock::MockServer` set up
//! through the crate's `MockServerExt`, with the crate's own types on both sides.

use httpmock::MockServer;
use telauth_signalwire::httpmock::MockServerExt as _;
use telauth_signalwire::types::{CreateTokenRequest, Permission, TokenResponse};
use telauth_voipbin::httpmock::MockServerExt as _;
use telauth_voipbin::types::{Accesskey, AccesskeyCreate, LoginRequest, LoginResponse};

const JWT: &str = "eyJhbGciOiJIUzI1NiJ9.mock.jwt";
const KEY_ID: &str = "5e4a0680-804e-11ec-8477-2fea5968d85b";
const PROJECT: &str = "6f1e3c2a-9d4f-4e8b-a1c7-3f5d2e9b8a10";

/// The application's code under test: log in to VoIPBIN and create a key for CI with the JWT,
/// answering the key's token.
async fn ci_key(origin: &str, username: &str, password: &str) -> Result<String, String> {
    use telauth_voipbin::{Client, Credentials};
    let login = Client::new(origin, Credentials::none())
        .auth_login()
        .body(
            LoginRequest::builder()
                .username(username)
                .password(password),
        )
        .send()
        .await
        .map_err(|error| error.to_string())?
        .into_inner();
    let key = Client::new(origin, Credentials::bearer_auth(login.token))
        .accesskeys_create()
        .body(
            AccesskeyCreate::builder()
                .name(Some("ci".to_string()))
                .expire(86400),
        )
        .send()
        .await
        .map_err(|error| error.to_string())?
        .into_inner();
    key.token
        .map(|token| token.expose().to_string())
        .ok_or_else(|| "no token".to_string())
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

fn login_request() -> LoginRequest {
    LoginRequest::builder()
        .username("me")
        .password("pw-7f3a")
        .try_into()
        .unwrap()
}

/// VoIPBIN's login of `me`, answering [`JWT`]. The password, a `Secret`, is matched as the
/// client sends it: in plain.
fn mock_login(server: &MockServer) -> httpmock::Mock<'_> {
    server.auth_login(|when, then| {
        when.body(&login_request());
        then.ok(&LoginResponse::builder()
            .token(JWT)
            .username("me")
            .try_into()
            .unwrap());
    })
}

/// A key as VoIPBIN answers it, with its token only in the answer to its creation.
fn accesskey(token: Option<&str>) -> Accesskey {
    telauth_voipbin::types::builder::Accesskey::default()
        .id(KEY_ID.parse::<uuid::Uuid>().unwrap())
        .name(Some("ci".to_string()))
        .token(token.map(Into::into))
        .try_into()
        .unwrap()
}

#[test]
fn voipbin_login_then_a_key_against_typed_mocks() {
    let server = MockServer::start();
    let login = mock_login(&server);
    let create = server.accesskeys_create(|when, then| {
        when.bearer_auth(JWT).body(
            &AccesskeyCreate::builder()
                .name(Some("ci".to_string()))
                .expire(86400)
                .try_into()
                .unwrap(),
        );
        then.ok(&accesskey(Some("vb_mock_key")));
    });
    let token = runtime().block_on(ci_key(&server.base_url(), "me", "pw-7f3a"));
    assert_eq!(token.as_deref(), Ok("vb_mock_key"));
    login.assert();
    create.assert();
}

#[test]
fn voipbin_a_credential_matcher_rejects_another_credential() {
    let server = MockServer::start();
    mock_login(&server);
    // The code under test presents the JWT as a Bearer header, not as `?accesskey=`.
    let create = server.accesskeys_create(|when, then| {
        when.accesskey_query(JWT);
        then.ok(&accesskey(Some("vb_mock_key")));
    });
    let outcome = runtime().block_on(ci_key(&server.base_url(), "me", "pw-7f3a"));
    assert!(outcome.is_err(), "{outcome:?}");
    create.assert_calls(0);
}

#[test]
fn voipbin_a_path_parameter_and_any_other_header() {
    let server = MockServer::start();
    let get = server.accesskeys_get(|when, then| {
        when.id(&KEY_ID.parse().unwrap())
            .bearer_auth(JWT)
            .and(|when| when.header_exists("host").query_param_count(".*", ".*", 0));
        then.ok(&accesskey(None));
    });
    let client = telauth_voipbin::Client::new(
        &server.base_url(),
        telauth_voipbin::Credentials::bearer_auth(JWT),
    );
    let key = runtime()
        .block_on(
            client
                .accesskeys_get()
                .id(KEY_ID.parse::<uuid::Uuid>().unwrap())
                .send(),
        )
        .unwrap()
        .into_inner();
    assert_eq!(key.id.to_string(), KEY_ID);
    get.assert();
}

#[test]
fn signalwire_basic_auth_and_a_form_body_with_an_array() {
    use telauth_signalwire::{Client, Credentials};
    let prefix = "/api/laml/2010-04-01";
    let server = MockServer::start();
    let request = || {
        CreateTokenRequest::builder()
            .name("ci")
            .permissions(vec![Permission::Messaging, Permission::Numbers])
    };
    let create = server.create_token(|when, then| {
        when.account_sid(&PROJECT.parse().unwrap())
            .signal_wire_basic_auth(PROJECT, "pt_secret")
            .body(&request().try_into().unwrap());
        then.ok(&TokenResponse::builder()
            .id(PROJECT.parse::<uuid::Uuid>().unwrap())
            .name("ci")
            .permissions(vec!["messaging".to_string(), "numbers".to_string()])
            .token("sw_new_token")
            .try_into()
            .unwrap());
    });
    let client = Client::new(
        &server.url(prefix),
        Credentials::signal_wire_basic_auth(PROJECT, "pt_secret"),
    );
    let token = runtime()
        .block_on(
            client
                .create_token()
                .account_sid(PROJECT.parse::<uuid::Uuid>().unwrap())
                .body(request())
                .send(),
        )
        .unwrap()
        .into_inner();
    assert_eq!(token.token.expose(), "sw_new_token");
    create.assert();
}

#[test]
fn voipbin_a_cookie_matcher_matches_the_cookie_exactly() {
    let server = MockServer::start();
    let get = server.accesskeys_get(|when, then| {
        when.id(&KEY_ID.parse().unwrap()).accesskey_cookie("abc");
        then.ok(&accesskey(None));
    });
    let url = server.url(format!("/v1.0/accesskeys/{KEY_ID}"));
    let status = |cookie: &str| {
        runtime()
            .block_on(
                reqwest::Client::new()
                    .get(&url)
                    .header("cookie", cookie)
                    .send(),
            )
            .unwrap()
            .status()
            .as_u16()
    };
    // Another key that starts with it, another cookie that ends with its name, the key as a
    // prefix of another cookie's value: none is the credential.
    for wrong in [
        "accesskey=abcdef",
        "xaccesskey=abc",
        "accesskey=ab",
        "other=accesskey=abc",
        "accesskey=abc=",
    ] {
        assert_ne!(status(wrong), 200, "{wrong}");
    }
    get.assert_calls(0);
    for right in [
        "accesskey=abc",
        "lang=en; accesskey=abc",
        "accesskey=abc;theme=dark",
    ] {
        assert_eq!(status(right), 200, "{right}");
    }
    get.assert_calls(3);
    // As the credential layer sends it.
    let client = telauth_voipbin::Client::new(
        &server.base_url(),
        telauth_voipbin::Credentials::accesskey_cookie("abc"),
    );
    runtime()
        .block_on(
            client
                .accesskeys_get()
                .id(KEY_ID.parse::<uuid::Uuid>().unwrap())
                .send(),
        )
        .unwrap();
    get.assert_calls(4);
}
