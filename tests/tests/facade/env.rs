//! `from_vars`: the variables come from a `Vars` map, never from the process environment (that
//! is `Vars::process()`, in `tests/from_env.rs`), and an origin set in code wins over theirs.

use httpmock::Method::POST;
use httpmock::MockServer;
use serde_json::json;
use telauth::mobivate::Mobivate;
use telauth::voipbin::{TokenSource, VoipBin};
use telauth::{Config, ErrorKind};
use telauth_tests::{SENTINEL, assert_no_sentinel, jwt_expiring_in};

#[tokio::test]
async fn from_vars_reads_the_given_variables_and_a_config_origin_wins() {
    let server = MockServer::start_async().await;
    let login = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/prefix/auth/login")
                .header_includes("user-agent", "ops/1")
                .json_body(json!({ "username": "alice", "password": SENTINEL }));
            then.status(200)
                .json_body(json!({ "username": "alice", "token": jwt_expiring_in(3600) }));
        })
        .await;
    let vars = telauth::Vars::from_iter([
        (
            "TELAUTH_VOIPBIN_ORIGIN",
            format!("{}/prefix", server.base_url()),
        ),
        ("VOIPBIN_USERNAME", "alice".to_string()),
        ("VOIPBIN_PASSWORD", SENTINEL.to_string()),
    ]);
    assert_no_sentinel(&format!("{vars:?}"));
    let tokens = TokenSource::from_vars(&vars, &Config::new().user_agent_suffix("ops/1")).unwrap();
    tokens.token().await.unwrap();
    login.assert_async().await;
    // VoipBin::from_vars needs an access key or a JWT, and says where a password goes instead.
    let error = VoipBin::from_vars(&vars, &Config::new()).unwrap_err();
    assert_eq!(
        error.kind(),
        &ErrorKind::MissingEnv {
            variables: vec!["VOIPBIN_ACCESSKEY or VOIPBIN_TOKEN"]
        }
    );
    assert!(
        error.to_string().contains("TokenSource::from_vars"),
        "{error}"
    );
    // An origin set in code is not replaced by the variable.
    let elsewhere = Config::new().origin("http://127.0.0.1:9");
    let vars_with_key =
        telauth::Vars::from_lookup(|name| (name == "VOIPBIN_ACCESSKEY").then(|| "ak".to_string()));
    let api = VoipBin::from_vars(&vars_with_key, &elsewhere).unwrap();
    assert!(format!("{api:?}").contains("http://127.0.0.1:9"));
    // A malformed origin in the variables is refused when the client is built.
    let bad = telauth::Vars::from_iter([("TELAUTH_MOBIVATE_ORIGIN", "not a url")]);
    assert!(
        Mobivate::from_vars(&bad, &Config::new())
            .unwrap_err()
            .is_local()
    );
}
