//! `telauth signalwire webhook-verify` and `telauth voipbin webhook-verify`: the raw body on
//! standard input, the key from the environment (the sentinel here, which must never show),
//! exit 0 valid, 1 not valid with the reason on stderr, 2 bad usage or no key.

use std::process::Output;

use crate::common;

use telauth_tests::SENTINEL;

const URL: &str = "http://127.0.0.1:9/hook";
const BODY: &str = r#"{"a":1}"#;
/// hex(HMAC-SHA1(SENTINEL, URL + BODY)), as SignalWire signs a JSON callback.
const SHA1: &str = "8f247983c445fa3e51e56928980999a06bbe59fc";
/// hex(HMAC-SHA256(SENTINEL, URL + BODY)).
const SHA256: &str = "8b0df0cb3fbc11a47c44e6969e060b612a2f1b50f2d55a639fa84386eb2c4480";
/// "sha256=" + hex(HMAC-SHA256(SENTINEL, BODY)), as VoIPBIN signs.
const VOIPBIN: &str = "sha256=b0bfc2d27651059cd83df11fdbab7ca641a95f9c726cb2d34efe8cb46ce0aed8";

/// Runs `telauth ARGS` with only `env` set and `body` on standard input; the key shows nowhere.
fn telauth(args: &[&str], env: &[(&str, &str)], body: &str) -> Output {
    let output = common::run(args, env, body);
    for stream in [&output.stdout, &output.stderr] {
        let text = String::from_utf8_lossy(stream);
        assert!(!text.contains(SENTINEL), "the key was printed: {text}");
    }
    output
}

fn signalwire(extra: &[&str], body: &str) -> Output {
    let mut args = vec!["signalwire", "webhook-verify", "--url", URL];
    args.extend(extra);
    telauth(&args, &[("SIGNALWIRE_SIGNING_KEY", SENTINEL)], body)
}

fn voipbin(signature: &str, body: &str) -> Output {
    telauth(
        &["voipbin", "webhook-verify", "--signature", signature],
        &[("VOIPBIN_WEBHOOK_SECRET", SENTINEL)],
        body,
    )
}

fn status(output: &Output) -> i32 {
    output.status.code().unwrap()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn signalwire_exits_0_for_a_valid_signature_and_1_with_the_reason_for_a_changed_one() {
    for args in [
        ["--signature", SHA1].as_slice(),
        &["--sha256-signature", SHA256],
        &["--signature", SHA1, "--sha256-signature", SHA256],
    ] {
        let valid = signalwire(args, BODY);
        assert_eq!(status(&valid), 0, "{args:?}: {}", stderr(&valid));
        assert_eq!(String::from_utf8_lossy(&valid.stdout), "{\"valid\":true}\n");
        assert_eq!(stderr(&valid), "");
    }
    let changed = signalwire(&["--signature", SHA1], r#"{"a":2}"#);
    assert_eq!(status(&changed), 1);
    assert_eq!(
        stderr(&changed),
        "telauth: signalwire webhook-verify: not valid: the X-SignalWire-Signature signature \
         does not match this URL and body with this key\n"
    );
    assert!(changed.stdout.is_empty());
    let other_url = telauth(
        &[
            "signalwire",
            "webhook-verify",
            "--url",
            "http://127.0.0.1:9/other",
            "--sha256-signature",
            SHA256,
        ],
        &[("SIGNALWIRE_SIGNING_KEY", SENTINEL)],
        BODY,
    );
    assert_eq!(status(&other_url), 1);
    assert!(stderr(&other_url).contains("X-SignalWire-Sha256-Signature"));
    let other_key = telauth(
        &[
            "signalwire",
            "webhook-verify",
            "--url",
            URL,
            "--signature",
            SHA1,
        ],
        &[("SIGNALWIRE_SIGNING_KEY", "PSK_other")],
        BODY,
    );
    assert_eq!(status(&other_key), 1);
    let malformed = signalwire(&["--signature", "sha1=nope"], BODY);
    assert_eq!(status(&malformed), 1);
    assert!(
        stderr(&malformed).contains("malformed"),
        "{}",
        stderr(&malformed)
    );
}

#[test]
fn voipbin_exits_0_for_its_servers_signature_and_1_for_a_changed_body_or_bare_hex() {
    let valid = voipbin(VOIPBIN, BODY);
    assert_eq!(status(&valid), 0, "{}", stderr(&valid));
    let changed = voipbin(VOIPBIN, r#"{"a":2}"#);
    assert_eq!(status(&changed), 1);
    assert!(
        stderr(&changed).contains("does not match"),
        "{}",
        stderr(&changed)
    );
    let bare = voipbin(VOIPBIN.trim_start_matches("sha256="), BODY);
    assert_eq!(status(&bare), 1);
    assert!(stderr(&bare).contains("malformed"), "{}", stderr(&bare));
    let control = voipbin("sha256=\u{7}", BODY);
    assert_eq!(status(&control), 1);
    assert_eq!(stderr(&control).lines().count(), 1);
}

#[test]
fn no_key_or_no_signature_is_bad_usage() {
    let no_key = telauth(
        &[
            "signalwire",
            "webhook-verify",
            "--url",
            URL,
            "--signature",
            SHA1,
        ],
        &[],
        BODY,
    );
    assert_eq!(status(&no_key), 2);
    assert!(
        stderr(&no_key).contains("SIGNALWIRE_SIGNING_KEY"),
        "{}",
        stderr(&no_key)
    );
    let no_secret = telauth(
        &["voipbin", "webhook-verify", "--signature", VOIPBIN],
        &[],
        BODY,
    );
    assert_eq!(status(&no_secret), 2);
    assert!(stderr(&no_secret).contains("VOIPBIN_WEBHOOK_SECRET"));
    let no_signature = signalwire(&[], BODY);
    assert_eq!(status(&no_signature), 2, "{}", stderr(&no_signature));
    let no_url = telauth(
        &["signalwire", "webhook-verify", "--signature", SHA1],
        &[("SIGNALWIRE_SIGNING_KEY", SENTINEL)],
        BODY,
    );
    assert_eq!(status(&no_url), 2);
    let format = telauth(
        &[
            "--format",
            "raw",
            "voipbin",
            "webhook-verify",
            "--signature",
            VOIPBIN,
        ],
        &[("VOIPBIN_WEBHOOK_SECRET", SENTINEL)],
        BODY,
    );
    assert_eq!(status(&format), 2);
}
