//! The `ops-tool` binary, configured only by the variables the sandbox hands out: a default
//! `#[tokio::test]` (one thread) waits on it with `std::process::Command`, so the sandbox runs
//! on a thread of its own.

use std::process::Command;

use telauth_sandbox::Sandbox;

fn ops_tool(sandbox: &Sandbox, changes: &[(&str, &str)]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_ops-tool"))
        .env_clear()
        .envs(sandbox.info().env_vars())
        .envs(changes.iter().copied())
        .output()
        .unwrap()
}

#[tokio::test]
async fn the_binary_runs_against_the_sandbox_from_its_variables_alone() {
    let sandbox = Sandbox::start_on_own_thread("127.0.0.1:0".parse().unwrap()).unwrap();
    let output = ops_tool(&sandbox, &[]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stdout}\n{stderr}");
    assert!(stdout.contains("voipbin: created ci-"), "{stdout}");
    assert!(stdout.contains("deleted 0 older ci-* key(s)"), "{stdout}");
    assert!(stdout.contains("with [Messaging]"), "{stdout}");
    // A second run deletes the first run's key.
    let output = ops_tool(&sandbox, &[]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("deleted 1 older ci-* key(s)"), "{stdout}");
    sandbox.stop().await;
}

#[tokio::test]
async fn a_wrong_password_exits_2_saying_the_credentials_were_refused() {
    let sandbox = Sandbox::start_on_own_thread("127.0.0.1:0".parse().unwrap()).unwrap();
    let output = ops_tool(&sandbox, &[("VOIPBIN_PASSWORD", "not-the-password")]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("the credentials were refused"), "{stderr}");
    assert!(stderr.contains("username or password is wrong"), "{stderr}");
    assert!(!stderr.contains("not-the-password"), "{stderr}");
    sandbox.stop().await;
}
