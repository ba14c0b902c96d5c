//! The ops tool's flows in-process against the sandbox, configured by the sandbox's variables
//! through `Vars`: no process environment changed, no `unsafe`, no hand-written mapping.

use std::time::{Duration, SystemTime};

use telauth::mobivate::{Mobivate, MobivateAccount};
use telauth::signalwire::{Permission, SignalWire};
use telauth::voipbin::{AccessKeyTimes, TokenSource, VoipBin};
use telauth::{Config, ErrorKind, Vars};
use telauth_ops_tool::{CI_KEY_LIFETIME, exit_code, run};
use telauth_sandbox::Sandbox;

async fn sandbox() -> Sandbox {
    Sandbox::start("127.0.0.1:0".parse().unwrap())
        .await
        .unwrap()
}

/// The sandbox's variables, with `changes` applied (an empty value unsets).
fn vars_with(sandbox: &Sandbox, changes: &[(&'static str, &str)]) -> Vars {
    let mut vars = sandbox.info().env_vars();
    for (name, value) in changes {
        vars.retain(|(set, _)| set != name);
        vars.push((name, value.to_string()));
    }
    Vars::from_iter(vars)
}

#[tokio::test]
async fn the_flows_run_from_the_sandboxs_variables_and_delete_only_older_ci_keys() {
    let sandbox = sandbox().await;
    let vars = Vars::from_iter(sandbox.info().env_vars());
    let config = Config::new();
    // Keys made earlier: two CI keys and one that is not.
    let api = TokenSource::from_vars(&vars, &config)
        .unwrap()
        .client()
        .await
        .unwrap();
    for name in ["ci-old-1", "ci-old-2", "deploy"] {
        api.create_access_key(CI_KEY_LIFETIME, Some(name), None)
            .await
            .unwrap();
    }

    let report = run(&vars, &config).await.unwrap();

    assert_eq!(report.deleted_keys.len(), 2);
    let mut left: Vec<_> = api
        .all_access_keys(None)
        .await
        .unwrap()
        .into_iter()
        .filter_map(|key| key.name)
        .collect();
    left.sort();
    assert_eq!(left, vec![report.ci_key.0.clone(), "deploy".to_string()]);
    // The create answer's token is a Secret, no `Option` to re-check; it works.
    let with_key = api.with_auth(&telauth::voipbin::VoipBinAuth::AccessKey(
        report.ci_key_token.clone(),
    ));
    assert_eq!(with_key.all_access_keys(None).await.unwrap().len(), 2);
    // The typed expiry: 30 days after now, by the sandbox's clock (which is this host's).
    let expires = report.ci_key_expires_at.expect("an expiry");
    let lifetime = expires.duration_since(SystemTime::now()).unwrap();
    assert!(
        lifetime > CI_KEY_LIFETIME - Duration::from_secs(60),
        "{lifetime:?}"
    );
    assert!(lifetime <= CI_KEY_LIFETIME, "{lifetime:?}");
    // Mobivate's new key is the current one; SignalWire's token is messaging-only, typed.
    let mobivate = Mobivate::from_vars(&vars, &config).unwrap();
    let current = mobivate
        .get_key(&MobivateAccount::from_vars(&vars).unwrap())
        .await
        .unwrap();
    assert_eq!(current.expose(), report.mobivate_key.expose());
    assert_eq!(report.signalwire_token.1, vec![Permission::Messaging]);
    sandbox.stop().await;
}

#[tokio::test]
async fn a_deleted_key_is_not_listed_and_keeps_its_time_of_deletion() {
    let sandbox = sandbox().await;
    let vars = Vars::from_iter(sandbox.info().env_vars());
    let api = TokenSource::from_vars(&vars, &Config::new())
        .unwrap()
        .client()
        .await
        .unwrap();
    let created = api
        .create_access_key(CI_KEY_LIFETIME, Some("ci-gone"), None)
        .await
        .unwrap();
    assert_eq!(created.key.deleted_at(), None);
    let deleted = api.delete_access_key(created.key.id).await.unwrap();
    assert!(deleted.deleted_at().is_some());
    assert!(api.all_access_keys(None).await.unwrap().is_empty());
    sandbox.stop().await;
}

#[tokio::test]
async fn wrong_credentials_are_one_question_for_every_provider() {
    let sandbox = sandbox().await;
    let config = Config::new();
    for wrong in [
        ("VOIPBIN_PASSWORD", "not-the-password"),
        ("MOBIVATE_PASSWORD", "not-the-password"),
        ("SIGNALWIRE_API_TOKEN", "PT-not-the-token"),
    ] {
        let vars = vars_with(&sandbox, &[wrong]);
        let error = run(&vars, &config).await.unwrap_err();
        assert!(error.is_credentials_refused(), "{wrong:?}: {error}");
        assert_eq!(exit_code(&error), 2, "{error}");
        assert!(!error.to_string().contains("not-the"), "{error}");
    }
    // VoIPBIN's bare 400 says what it means.
    let vars = vars_with(&sandbox, &[("VOIPBIN_PASSWORD", "not-the-password")]);
    let error = run(&vars, &config).await.unwrap_err();
    assert_eq!(
        error.to_string(),
        "voipbin auth_login: HTTP 400; VoIPBIN answers a bare 400, with no code or message, \
         when the username or password is wrong"
    );
    sandbox.stop().await;
}

#[tokio::test]
async fn every_missing_variable_is_named_at_once() {
    let sandbox = sandbox().await;
    let vars = vars_with(
        &sandbox,
        &[("VOIPBIN_USERNAME", ""), ("VOIPBIN_PASSWORD", "")],
    );
    let error = run(&vars, &Config::new()).await.unwrap_err();
    assert_eq!(
        error.kind(),
        &ErrorKind::MissingEnv {
            variables: vec!["VOIPBIN_USERNAME", "VOIPBIN_PASSWORD"]
        }
    );
    assert_eq!(exit_code(&error), 3);
    let vars = Vars::from_iter([("SIGNALWIRE_SPACE", "example")]);
    let error = SignalWire::from_vars(&vars, &Config::new()).unwrap_err();
    assert!(
        error
            .to_string()
            .ends_with("SIGNALWIRE_PROJECT_ID, SIGNALWIRE_API_TOKEN are not set"),
        "{error}"
    );
    sandbox.stop().await;
}

#[tokio::test]
async fn a_config_joins_every_from_vars_and_an_origin_in_code_wins() {
    let sandbox = sandbox().await;
    let vars = Vars::from_iter(sandbox.info().env_vars());
    // One config with a suffix for all four clients: the origin comes from the variables.
    let config = Config::new().user_agent_suffix("ops-tool/test");
    run(&vars, &config).await.unwrap();
    let exchanges = sandbox.exchanges();
    assert!(!exchanges.is_empty());
    // An origin set in code is used instead of TELAUTH_VOIPBIN_ORIGIN.
    let config = Config::new().origin("http://127.0.0.1:9");
    let error = TokenSource::from_vars(&vars, &config)
        .unwrap()
        .token()
        .await
        .unwrap_err();
    assert!(error.is_network(), "{error}");
    sandbox.stop().await;
}

#[test]
fn plain_http_to_a_remote_host_is_refused_when_the_client_is_built_and_says_how_to_allow_it() {
    let remote = Config::new().origin("http://10.0.0.5:8080");
    let error = VoipBin::login_only(&remote).unwrap_err();
    assert!(error.is_local(), "{error}");
    assert!(
        error.to_string().contains("Config::allow_insecure_http()"),
        "{error}"
    );
    VoipBin::login_only(&remote.allow_insecure_http()).unwrap();
    // Loopback is plain http's exception.
    VoipBin::login_only(&Config::new().origin("http://localhost:8080")).unwrap();
}
