//! The providers' own Python clients, unchanged, against the sandbox: `signalwire-sdk`'s HTTP
//! client (given `SIGNALWIRE_SPACE=<host>`) and `voipbin-mcp`'s client (given
//! `VOIPBIN_API_BASE_URL=http://<host>/v1.0`) run each provider's main flow through
//! `tests/sdks/drive.py` against each provider's own port.
//!
//! They live in a venv under the target directory, `target/python-sdks`, which `.ci/run` makes
//! before it runs this test with `--ignored`. A plain `cargo test` reports the test ignored, with
//! the command that makes the venv; run with `--ignored` without the venv, it fails saying so.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use serde_json::Value;
use telauth_sandbox::{Sandbox, demo};

/// How long the driver may take before it is killed.
const DRIVER_TIMEOUT: Duration = Duration::from_secs(60);

/// The workspace's root (this crate sits in `crates/telauth-sandbox`).
fn workspace() -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest
        .ancestors()
        .nth(2)
        .unwrap_or(manifest)
        .to_path_buf()
}

/// The venv's python: `CARGO_TARGET_DIR` (relative to the workspace's root when relative), else
/// the workspace's `target`, then `python-sdks/bin/python`.
fn python() -> PathBuf {
    let target = match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) if !dir.is_empty() => workspace().join(dir),
        _ => workspace().join("target"),
    };
    target.join("python-sdks/bin/python")
}

/// The command that makes the venv, from the workspace's root (the test's `#[ignore]` reason
/// gives it too: an attribute takes no constant).
const INSTALL: &str = "python3 -m venv target/python-sdks && target/python-sdks/bin/pip install \
                       --quiet --disable-pip-version-check -r \
                       crates/telauth-sandbox/tests/sdks/requirements.txt";

/// A path with the demo project and the ids the sandbox made replaced, to compare with a flow.
fn shape(path: &str) -> String {
    path.split('/')
        .map(|segment| {
            if segment == demo::SIGNALWIRE_PROJECT_ID {
                "{project}"
            } else if segment.parse::<uuid::Uuid>().is_ok() {
                "{id}"
            } else {
                segment
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// What each flow of `drive.py` should leave in the record, in order.
fn expected() -> Vec<(&'static str, String, u16)> {
    let tokens = "/signalwire/api/laml/2010-04-01/Accounts/{project}/tokens";
    let token = format!("{tokens}/{{id}}");
    let mut flow = vec![
        // signalwire-sdk: create, rename, widen with the new token, a wrong permission, a wrong
        // API token, delete, delete again.
        ("POST", tokens.to_string(), 200),
        ("PATCH", token.clone(), 200),
        ("PATCH", token.clone(), 200),
        ("PATCH", token.clone(), 422),
        ("POST", tokens.to_string(), 401),
        ("DELETE", token.clone(), 204),
        ("DELETE", token, 404),
        // The driver's own login and first key, in plain HTTP.
        ("POST", "/voipbin/auth/login".to_string(), 200),
        ("POST", "/voipbin/v1.0/accesskeys".to_string(), 200),
    ];
    let keys = "/voipbin/v1.0/accesskeys";
    let key = format!("{keys}/{{id}}");
    // voipbin-mcp, by cookie then by query.
    for _ in ["cookie", "query"] {
        flow.extend([
            ("POST", keys.to_string(), 200),
            ("GET", keys.to_string(), 200),
            ("GET", key.clone(), 200),
            ("PUT", key.clone(), 200),
            ("DELETE", key.clone(), 200),
            ("GET", key.clone(), 409),
            ("GET", keys.to_string(), 401),
        ]);
    }
    flow
}

#[tokio::test]
#[ignore = "needs the providers' Python SDKs, which .ci/run installs; from the workspace's root: \
            python3 -m venv target/python-sdks && target/python-sdks/bin/pip install --quiet \
            --disable-pip-version-check -r crates/telauth-sandbox/tests/sdks/requirements.txt, \
            then cargo test -p telauth-sandbox --test sandbox -- --ignored sdks::"]
async fn the_providers_python_sdks_run_their_main_flows_against_each_providers_host() {
    let python = python();
    assert!(
        python.exists(),
        "the providers' Python SDKs are not installed ({} is missing); from the workspace's \
         root: {INSTALL}",
        python.display()
    );

    let sandbox = Sandbox::start("127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    // The driver gets the first line without the shared port's origins: the SDKs can only
    // reach the sandbox at each provider's own host.
    let mut info = serde_json::to_value(sandbox.info()).unwrap();
    for provider in ["smsbeta", "voipbin", "mobivate", "signalwire"] {
        if let Some(Value::Object(fields)) = info.get_mut(provider) {
            fields.remove("origin");
        }
    }
    let driver = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/sdks/drive.py");
    let child = tokio::process::Command::new(&python)
        .arg(&driver)
        .arg(info.to_string())
        .env("PYTHONDONTWRITEBYTECODE", "1")
        // No proxy of the environment between the SDKs and the loopback sandbox.
        .env("NO_PROXY", "127.0.0.1,localhost")
        .env("no_proxy", "127.0.0.1,localhost")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap_or_else(|error| panic!("cannot run {}: {error}", python.display()));
    let started = Instant::now();
    // On timeout the child is dropped, which kills it.
    let output = tokio::time::timeout(DRIVER_TIMEOUT, child.wait_with_output())
        .await
        .unwrap_or_else(|_| panic!("{} took over {DRIVER_TIMEOUT:?}: killed", driver.display()))
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "{} failed ({}) after {:?}\n--- stdout\n{stdout}\n--- stderr\n{stderr}",
        driver.display(),
        output.status,
        started.elapsed()
    );
    assert!(stdout.contains("signalwire-sdk: "), "{stdout}");
    assert!(stdout.contains("voipbin-mcp: "), "{stdout}");

    let record: Vec<(String, String, u16)> = sandbox
        .exchanges()
        .into_iter()
        .map(|exchange| (exchange.method, shape(&exchange.path), exchange.status))
        .collect();
    let expected: Vec<(String, String, u16)> = expected()
        .into_iter()
        .map(|(method, path, status)| (method.to_string(), path, status))
        .collect();
    assert_eq!(record, expected, "the exchanges the sandbox recorded");
    sandbox.stop().await;
}
