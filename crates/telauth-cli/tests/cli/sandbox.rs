//! Every `telauth` command against the sandbox, success and documented failures; then every
//! answer the sandbox gave is checked against the specs.

use std::process::{Command, Output};

use serde_json::Value;
use telauth_sandbox::Sandbox;
use telauth_tests::spec_conformance::violations;

/// Runs `telauth` with only `env` set.
fn telauth(args: &[&str], env: &[(&str, &str)]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_telauth"))
        .args(args)
        .env_clear()
        .envs(env.iter().copied())
        .output()
        .unwrap()
}

/// The exit code, and stdout as JSON when the command succeeded.
fn run(args: &[&str], env: &[(&str, &str)]) -> (i32, Value) {
    let output = telauth(args, env);
    let code = output.status.code().unwrap_or(-1);
    let document = serde_json::from_slice(&output.stdout).unwrap_or(Value::Null);
    if code == 0 {
        assert!(
            document.is_object(),
            "{args:?}: stdout is not one JSON document"
        );
    } else {
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            stderr.starts_with("telauth: ") || code == 2,
            "{args:?}: {stderr}"
        );
    }
    (code, document)
}

/// `--origin <base> signalwire tokens` followed by `rest`.
fn tokens_args<'a>(base: &'a str, rest: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec!["--origin", base, "signalwire", "tokens"];
    args.extend_from_slice(rest);
    args
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_command_against_the_sandbox() {
    let sandbox = Sandbox::start("127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    let info = sandbox.info().clone();

    let (sms, voip, mob, sw) = (
        &info.smsbeta,
        &info.voipbin,
        &info.mobivate,
        &info.signalwire,
    );
    let smsbeta = [
        ("TELAUTH_SMSBETA_ORIGIN", sms.origin.as_str()),
        ("SMSBETA_MAIL", sms.mail.as_str()),
    ];
    let (code, login) = run(
        &["smsbeta", "login"],
        &[smsbeta[0], smsbeta[1], ("SMSBETA_PASSWORD", &sms.password)],
    );
    assert_eq!(code, 0);
    assert!(login["token"].as_str().unwrap().starts_with("sb_"));
    assert_eq!(
        run(
            &["smsbeta", "login"],
            &[smsbeta[0], smsbeta[1], ("SMSBETA_PASSWORD", "wrong")]
        )
        .0,
        1
    );

    let voipbin_url = ("TELAUTH_VOIPBIN_ORIGIN", voip.origin.as_str());
    let user = ("VOIPBIN_USERNAME", voip.username.as_str());
    let (code, jwt) = run(
        &["voipbin", "login"],
        &[voipbin_url, user, ("VOIPBIN_PASSWORD", &voip.password)],
    );
    assert_eq!(code, 0);
    let jwt = jwt["token"].as_str().unwrap().to_string();
    assert_eq!(
        run(
            &["voipbin", "login"],
            &[voipbin_url, user, ("VOIPBIN_PASSWORD", "wrong")]
        )
        .0,
        1
    );

    let with_jwt = [voipbin_url, ("VOIPBIN_TOKEN", jwt.as_str())];
    let (code, key) = run(
        &[
            "voipbin",
            "accesskeys",
            "create",
            "--expire",
            "86400",
            "--name",
            "ci",
        ],
        &with_jwt,
    );
    assert_eq!(code, 0);
    let (id, token) = (
        key["id"].as_str().unwrap().to_string(),
        key["token"].as_str().unwrap().to_string(),
    );
    assert_eq!(
        run(
            &["voipbin", "accesskeys", "create", "--expire", "60"],
            &with_jwt
        )
        .0,
        2
    );
    let with_key = [voipbin_url, ("VOIPBIN_ACCESSKEY", token.as_str())];
    let (code, page) = run(
        &["voipbin", "accesskeys", "list", "--page-size", "1"],
        &with_key,
    );
    assert_eq!(
        (code, page["result"].as_array().map(Vec::len)),
        (0, Some(1))
    );
    let (code, all) = run(&["voipbin", "accesskeys", "list", "--all"], &with_key);
    assert_eq!((code, all["result"].as_array().map(Vec::len)), (0, Some(1)));
    assert_eq!(run(&["voipbin", "accesskeys", "get", &id], &with_key).0, 0);
    let (code, updated) = run(
        &["voipbin", "accesskeys", "update", &id, "--detail", "d"],
        &with_jwt,
    );
    assert_eq!((code, updated["detail"].as_str()), (0, Some("d")));
    assert_eq!(
        run(
            &["voipbin", "accesskeys", "delete", &id, "--yes"],
            &with_jwt
        )
        .0,
        0
    );
    assert_eq!(run(&["voipbin", "accesskeys", "get", &id], &with_jwt).0, 1);
    assert_eq!(
        run(&["voipbin", "accesskeys", "list"], &with_key).0,
        1,
        "a deleted key"
    );

    let mobivate = [
        ("TELAUTH_MOBIVATE_ORIGIN", mob.origin.as_str()),
        ("MOBIVATE_USERNAME", mob.username.as_str()),
        ("MOBIVATE_PASSWORD", mob.password.as_str()),
    ];
    let (code, old) = run(&["mobivate", "getkey"], &mobivate);
    assert_eq!(code, 0);
    let old = old["apiKey"].as_str().unwrap().to_string();
    let (code, new) = run(&["mobivate", "createkey", "--yes"], &mobivate);
    assert_eq!(code, 0);
    let new = new["apiKey"].as_str().unwrap().to_string();
    let test = |key: &str| {
        run(
            &["mobivate", "test"],
            &[mobivate[0], ("MOBIVATE_API_KEY", key)],
        )
        .0
    };
    assert_eq!((test(&old), test(&new)), (1, 0));
    assert_eq!(
        run(
            &["mobivate", "getkey"],
            &[mobivate[0], mobivate[1], ("MOBIVATE_PASSWORD", "x")]
        )
        .0,
        1
    );

    let signalwire = [
        ("SIGNALWIRE_SPACE", sw.space.as_str()),
        ("SIGNALWIRE_PROJECT_ID", sw.project_id.as_str()),
        ("SIGNALWIRE_API_TOKEN", sw.api_token.as_str()),
    ];
    let base = sw.origin.as_str();
    let with = |rest: &[&'static str]| tokens_args(base, rest);
    let (code, token) = run(
        &with(&["create", "--name", "ci", "--permission", "numbers"]),
        &signalwire,
    );
    assert_eq!(code, 0);
    let token_id = token["id"].as_str().unwrap().to_string();
    assert_eq!(
        run(
            &with(&["create", "--name", "ci", "--permission", "root"]),
            &signalwire
        )
        .0,
        2
    );
    let bad_sub = [
        "create",
        "--name",
        "ci",
        "--permission",
        "chat",
        "--subproject-id",
        "00000000-0000-0000-0000-000000000000",
    ];
    assert_eq!(run(&with(&bad_sub), &signalwire).0, 1);
    let update = [
        "--origin",
        base,
        "signalwire",
        "tokens",
        "update",
        &token_id,
        "--name",
        "renamed",
    ];
    let (code, renamed) = run(&update, &signalwire);
    assert_eq!((code, renamed["name"].as_str()), (0, Some("renamed")));
    let delete = [
        "--origin",
        base,
        "signalwire",
        "tokens",
        "delete",
        &token_id,
        "--yes",
    ];
    assert_eq!(run(&delete, &signalwire).0, 0);
    assert_eq!(run(&delete, &signalwire).0, 1);

    let exchanges = sandbox.exchanges();
    let problems = violations(&exchanges);
    assert!(
        problems.is_empty(),
        "answers the specs do not allow:\n{}",
        problems.join("\n")
    );
    sandbox.stop().await;
}
