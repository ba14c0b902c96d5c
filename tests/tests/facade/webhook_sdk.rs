//! telauth's SignalWire verifier and the sandbox's signing agree with SignalWire's own SDK
//! (`signalwire-sdk`, pinned in `crates/telauth-sandbox/tests/sdks/requirements.txt`), both ways:
//! the SDK judges webhooks the sandbox signs (and the same changed in body, URL and key), and
//! telauth judges requests signed with the SDK's own construction, which
//! `crates/telauth-sandbox/tests/sdks/webhooks.py` makes — JSON, form with repeated names,
//! default-port variants, `bodySHA256`, SHA-256, each changed in body, URL and key — giving the
//! same verdict as the SDK on every one.
//!
//! The SDK lives in the venv the sandbox's `sdks` test uses, `target/python-sdks`, which
//! `.ci/run` makes before it runs this test with `--ignored`.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use http::{HeaderMap, HeaderName, HeaderValue};
use serde_json::{Value, json};
use telauth::Vars;
use telauth::webhook::SignalWireVerifier;
use telauth_sandbox::{Webhook, WebhookInfo};

/// The workspace's root (this package sits in `tests`).
fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// The venv's python, under `CARGO_TARGET_DIR` when set.
fn python() -> PathBuf {
    let target = match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) if !dir.is_empty() => workspace().join(dir),
        _ => workspace().join("target"),
    };
    target.join("python-sdks/bin/python")
}

/// What telauth says of a case: `{url, body, headers, key}`.
fn telauth_verdict(case: &Value) -> bool {
    let key = case["key"].as_str().unwrap();
    let verifier =
        SignalWireVerifier::from_vars(&Vars::from_iter([("SIGNALWIRE_SIGNING_KEY", key)])).unwrap();
    let mut headers = HeaderMap::new();
    for (name, value) in case["headers"].as_object().unwrap() {
        headers.insert(
            HeaderName::try_from(name.as_str()).unwrap(),
            HeaderValue::from_str(value.as_str().unwrap()).unwrap(),
        );
    }
    let url = case["url"].as_str().unwrap();
    let body = case["body"].as_str().unwrap();
    verifier.verify(url, &headers, body.as_bytes()).is_ok()
}

/// The sandbox's webhooks, signed with its key, and each changed in body, URL and key; with
/// whether it should be valid.
fn sandbox_cases(keys: &WebhookInfo) -> Vec<(Value, bool)> {
    let webhooks = [
        (
            "http://127.0.0.1:8080/status?leg=1",
            Webhook::SignalWireJson(r#"{"event_type":"calling.call.state"}"#.into()),
        ),
        (
            "https://hooks.example.com/voice",
            Webhook::SignalWireForm(vec![
                ("To".into(), "+15550001111".into()),
                ("Digits".into(), "2".into()),
                ("CallSid".into(), "CA1".into()),
                ("Digits".into(), "1".into()),
                ("Note".into(), "a b&c=d é".into()),
                ("Empty".into(), String::new()),
            ]),
        ),
    ];
    let mut cases = Vec::new();
    for (url, webhook) in webhooks {
        let signed = webhook.sign(url, keys);
        let body = String::from_utf8(signed.body).unwrap();
        let headers: serde_json::Map<String, Value> = signed
            .headers
            .into_iter()
            .map(|(name, value)| (name.to_string(), Value::String(value)))
            .collect();
        let case = json!({
            "url": url, "body": body, "headers": headers, "key": keys.signalwire_signing_key,
        });
        cases.push((case.clone(), true));
        let mut changed = case.clone();
        changed["body"] = json!(format!("{body}&x=1"));
        cases.push((changed, false));
        let mut changed = case.clone();
        changed["url"] = json!(format!("{url}/other"));
        cases.push((changed, false));
        let mut changed = case;
        changed["key"] = json!("PSK_another_project");
        cases.push((changed, false));
    }
    cases
}

#[test]
#[ignore = "needs signalwire-sdk, which .ci/run installs; from the workspace's root: python3 -m \
            venv target/python-sdks && target/python-sdks/bin/pip install --quiet \
            --disable-pip-version-check -r crates/telauth-sandbox/tests/sdks/requirements.txt, \
            then cargo test -p telauth-tests --test facade -- --ignored webhook_sdk::"]
fn telauth_the_sandbox_and_signalwires_sdk_agree_on_every_signature() {
    let python = python();
    assert!(
        python.exists(),
        "signalwire-sdk is not installed ({} is missing); from the workspace's root: python3 -m \
         venv target/python-sdks && target/python-sdks/bin/pip install -r \
         crates/telauth-sandbox/tests/sdks/requirements.txt",
        python.display()
    );
    let keys = WebhookInfo {
        signalwire_signing_key: telauth_sandbox::demo::SIGNALWIRE_SIGNING_KEY.into(),
        voipbin_webhook_secret: telauth_sandbox::demo::VOIPBIN_WEBHOOK_SECRET.into(),
    };
    let sandbox = sandbox_cases(&keys);
    let request = json!({
        "key": keys.signalwire_signing_key,
        "sandbox": sandbox.iter().map(|(case, _)| case).collect::<Vec<_>>(),
    });
    let driver = workspace().join("crates/telauth-sandbox/tests/sdks/webhooks.py");
    let mut child = Command::new(&python)
        .arg(&driver)
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(request.to_string().as_bytes())
        .unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(
        output.status.success(),
        "{} failed: {}",
        driver.display(),
        String::from_utf8_lossy(&output.stderr)
    );
    let answer: Value = serde_json::from_slice(&output.stdout).unwrap();

    // The SDK accepts what the sandbox signs, refuses it changed; telauth says the same.
    let sdk_verdicts = answer["sandbox"].as_array().unwrap();
    assert_eq!(sdk_verdicts.len(), sandbox.len());
    for ((case, expected), sdk) in sandbox.iter().zip(sdk_verdicts) {
        assert_eq!(
            sdk.as_bool(),
            Some(*expected),
            "the SDK on the sandbox's {case}"
        );
        assert_eq!(
            telauth_verdict(case),
            *expected,
            "telauth on the sandbox's {case}"
        );
    }

    // telauth gives the SDK's verdict on what the SDK signs, valid and not.
    let sdk_cases = answer["sdk"].as_array().unwrap();
    let mut valid = Vec::new();
    for case in sdk_cases {
        let sdk = case["valid"].as_bool().unwrap();
        assert_eq!(telauth_verdict(case), sdk, "telauth and the SDK on {case}");
        if sdk {
            valid.push(case["name"].as_str().unwrap());
        }
    }
    // Not a vacuous agreement: what should hold holds, the rest does not.
    assert_eq!(
        valid,
        [
            "json sha1",
            "json sha256",
            "json both",
            "form",
            "form twilio alias",
            "form, called with :443",
            "form signed with :443",
            "form over http, signed with :80",
            "bodySHA256",
            "sha256 bad, sha1 good",
        ]
    );
    assert!(
        sdk_cases.len() > 4 * valid.len(),
        "{} cases",
        sdk_cases.len()
    );
}
