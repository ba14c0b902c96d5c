//! A program pointed at the sandbox by `SandboxInfo::env_vars` alone, spawned and waited on
//! without `.await` from a default (single-threaded) `#[tokio::test]`: the sandbox, on a thread
//! of its own, answers it all the same.

use std::path::Path;
use std::process::Command;

use telauth_sandbox::Sandbox;

#[test]
fn env_vars_name_what_the_telauth_sdk_and_command_read_in_a_fixed_order() {
    let sandbox = Sandbox::start_on_own_thread("127.0.0.1:0".parse().unwrap()).unwrap();
    let info = sandbox.info();
    let vars = info.env_vars();
    let names: Vec<&str> = vars.iter().map(|(name, _)| *name).collect();
    assert_eq!(
        names,
        [
            "TELAUTH_SMSBETA_ORIGIN",
            "SMSBETA_MAIL",
            "SMSBETA_PASSWORD",
            "TELAUTH_VOIPBIN_ORIGIN",
            "VOIPBIN_USERNAME",
            "VOIPBIN_PASSWORD",
            "TELAUTH_MOBIVATE_ORIGIN",
            "MOBIVATE_USERNAME",
            "MOBIVATE_PASSWORD",
            "TELAUTH_SIGNALWIRE_ORIGIN",
            "SIGNALWIRE_SPACE",
            "SIGNALWIRE_PROJECT_ID",
            "SIGNALWIRE_API_TOKEN",
            "SIGNALWIRE_SIGNING_KEY",
            "VOIPBIN_WEBHOOK_SECRET",
        ]
    );
    let value = |name: &str| {
        vars.iter()
            .find(|(var, _)| *var == name)
            .map(|(_, value)| value.as_str())
    };
    assert_eq!(value("TELAUTH_SMSBETA_ORIGIN"), Some(&*info.smsbeta.origin));
    assert_eq!(value("TELAUTH_VOIPBIN_ORIGIN"), Some(&*info.voipbin.origin));
    assert_eq!(
        value("TELAUTH_MOBIVATE_ORIGIN"),
        Some(&*info.mobivate.origin)
    );
    assert_eq!(
        value("TELAUTH_SIGNALWIRE_ORIGIN"),
        Some(&*info.signalwire.origin)
    );
    assert_eq!(value("SIGNALWIRE_SPACE"), Some(&*info.signalwire.space));
    assert_eq!(info.env_vars(), vars, "the same every time");
}

#[tokio::test]
async fn a_program_spawned_from_a_default_tokio_test_reaches_the_sandbox_by_env_vars_alone() {
    let sandbox = Sandbox::start_on_own_thread("127.0.0.1:0".parse().unwrap()).unwrap();
    let client = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/env_vars/client.py");
    // Blocks this test's only runtime thread until the program ends.
    let output = Command::new("python3")
        .arg(&client)
        .env_clear()
        .envs(sandbox.info().env_vars())
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .output()
        .unwrap_or_else(|error| panic!("cannot run python3 {}: {error}", client.display()));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{} failed ({})\n--- stdout\n{stdout}\n--- stderr\n{}",
        client.display(),
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(
        stdout.lines().collect::<Vec<_>>(),
        [
            "smsbeta 200",
            "voipbin 200",
            "mobivate 200",
            "signalwire 200"
        ]
    );
    let record: Vec<(String, String, u16)> = sandbox
        .exchanges()
        .into_iter()
        .map(|exchange| (exchange.method, exchange.path, exchange.status))
        .collect();
    let project = &sandbox.info().signalwire.project_id;
    let expected = [
        "/smsbeta/login".to_string(),
        "/voipbin/auth/login".to_string(),
        "/mobivate/auth/getkey".to_string(),
        format!("/signalwire/api/laml/2010-04-01/Accounts/{project}/tokens"),
    ]
    .map(|path| ("POST".to_string(), path, 200));
    assert_eq!(record, expected);
    sandbox.stop().await;
}
