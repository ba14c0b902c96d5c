//! What the command prints, whatever the provider answers: a provider's words inert on a
//! terminal, no secret the command sent in them, a closed stdout no panic, and a credential the
//! provider just issued never lost.

use super::*;

/// The characters that act on a terminal instead of showing: C0 (but the final newline), DEL,
/// C1, and the bidi controls.
fn acts_on_a_terminal(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{061c}' | '\u{200e}' | '\u{200f}' | '\u{2028}' | '\u{2029}'
        )
        || ('\u{202a}'..='\u{202e}').contains(&c)
        || ('\u{2066}'..='\u{2069}').contains(&c)
}

/// Fails the test when `bytes` hold a character that acts on a terminal, but newlines (JSON's
/// indentation; stderr counts its lines).
fn assert_inert(bytes: &[u8]) {
    let text = String::from_utf8_lossy(bytes);
    assert!(
        !text.chars().any(|c| c != '\n' && acts_on_a_terminal(c)),
        "a control character reached the terminal: {text:?}"
    );
}

/// What a hostile provider puts in its words: an OSC title, a screen clear, a carriage return,
/// a forged second line, a C1 CSI and a right-to-left override.
const HOSTILE: &str = "nope\u{1b}]0;owned\u{7}\u{1b}[2J\rhidden\ntelauth: mobivate test: ok\u{9b}31m\u{202e}txt\u{7f}";

#[test]
fn a_provider_message_with_control_characters_stays_one_visible_line() {
    let server = MockServer::start();
    let test = server.mock(|when, then| {
        when.method(GET).path("/auth/test");
        then.status(401)
            .json_body(json!({ "code": 401, "message": HOSTILE }));
    });
    let output = telauth(
        &["--origin", &server.base_url(), "mobivate", "test"],
        &[("MOBIVATE_API_KEY", SENTINEL)],
        "",
    );
    test.assert();
    assert_eq!(output.status.code(), Some(1));
    assert_inert(&output.stderr);
    let line = stderr_line(&output);
    assert!(
        line.starts_with("telauth: mobivate test: HTTP 401: nope\\u{1b}]0;owned\\u{7}"),
        "{line}"
    );
    assert!(
        line.contains("\\n") && line.contains("\\u{9b}31m\\u{202e}txt\\u{7f}"),
        "{line}"
    );
}

#[test]
fn json_output_escapes_del_c1_and_bidi_controls_and_decodes_to_the_answer() {
    let server = MockServer::start();
    let name = "a\u{9b}31mb\u{7f}c\u{202e}d\u{1b}e\u{85}f";
    server.mock(|when, then| {
        when.method(GET).path(format!("/v1.0/accesskeys/{KEY_ID}"));
        then.status(200)
            .json_body(json!({ "id": KEY_ID, "name": name }));
    });
    let output = telauth(
        &[
            "--origin",
            &server.base_url(),
            "voipbin",
            "accesskeys",
            "get",
            KEY_ID,
        ],
        &[("VOIPBIN_TOKEN", SENTINEL)],
        "",
    );
    assert_inert(&output.stdout);
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(
        text.contains(r"a\u009b31mb\u007fc\u202ed\u001be\u0085f"),
        "{text}"
    );
    assert_eq!(stdout_json(&output)["name"], name);
}

#[test]
fn raw_and_field_refuse_a_value_with_control_characters_rather_than_change_it() {
    let server = MockServer::start();
    server.mock(|when, then| {
        when.method(POST).path("/auth/getkey");
        then.status(200)
            .json_body(json!({ "apiKey": "key\u{1b}]0;owned\u{7}" }));
    });
    server.mock(|when, then| {
        when.method(GET).path(format!("/v1.0/accesskeys/{KEY_ID}"));
        then.status(200)
            .json_body(json!({ "id": KEY_ID, "name": "ci\u{9b}2J" }));
    });
    let base = server.base_url();
    let getkey = telauth(
        &["--origin", &base, "--format", "raw", "mobivate", "getkey"],
        &[
            ("MOBIVATE_USERNAME", "alice"),
            ("MOBIVATE_PASSWORD", SENTINEL),
        ],
        "",
    );
    let field = telauth(
        &[
            "--origin",
            &base,
            "--field",
            "name",
            "voipbin",
            "accesskeys",
            "get",
            KEY_ID,
        ],
        &[("VOIPBIN_TOKEN", SENTINEL)],
        "",
    );
    for output in [getkey, field] {
        assert_eq!(output.status.code(), Some(1));
        assert_inert(&output.stderr);
        let line = stderr_line(&output);
        assert!(line.contains("control character"), "{line}");
        assert!(line.contains("--format json"), "{line}");
    }
}

#[test]
fn env_refuses_a_credential_with_a_nul_instead_of_exporting_another_value() {
    let server = MockServer::start();
    server.mock(|when, then| {
        when.method(POST).path("/login");
        then.status(200).json_body(json!({
            "code": 200, "Msg": "success!", "data": { "token": "tok\u{0}en", "mail": "a@example.com" }
        }));
    });
    let output = smsbeta_login(&server.base_url(), &["--format", "env"], SENTINEL);
    assert_eq!(output.status.code(), Some(1));
    let line = stderr_line(&output);
    assert!(
        line.contains("SMSBETA_TOKEN") && line.contains("control character"),
        "{line}"
    );
}

#[test]
fn a_multibyte_signalwire_space_is_bad_input_not_a_panic() {
    let server = MockServer::start();
    let create = server.mock(|when, then| {
        when.method(POST);
        then.status(200)
            .json_body(json!({ "id": KEY_ID, "token": "PT1" }));
    });
    let base = server.base_url();
    // `space_label` cuts ".signalwire.com" (15 bytes) off the end: in "üsignalwire.com" that cut
    // falls inside the two bytes of the ü.
    for space in ["ü.signalwire.com", "üsignalwire.com", "éxample", "ü"] {
        let output = signalwire_create(&base, space, SENTINEL);
        assert_eq!(
            output.status.code(),
            Some(2),
            "{space}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        assert!(
            stderr_line(&output).starts_with("telauth: signalwire "),
            "{space}"
        );
    }
    assert_eq!(create.calls(), 0);
}

/// A password that shows wherever it leaks, with a `"` that JSON escapes.
const PASSWORD: &str = "S3NTINEL-pw-\"7f3a";

/// Fails the test when stdout or stderr of `output` shows any of `secrets`; answers stderr.
fn assert_scrubbed(output: &Output, secrets: &[&str]) -> String {
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    for secret in secrets {
        assert!(
            !stdout.contains(secret) && !stderr.contains(secret),
            "{secret} leaked: stdout {stdout:?}, stderr {stderr:?}"
        );
    }
    assert!(stderr.contains("[REDACTED]"), "{stderr}");
    stderr
}

#[test]
fn no_secret_the_command_sent_shows_in_the_providers_words() {
    let server = MockServer::start();
    let escaped = PASSWORD.replace('"', "\\\"");
    let echo = format!("bad password {{\"password\":\"{escaped}\"}} or {PASSWORD}");
    server.mock(|when, then| {
        when.method(POST).path("/auth/getkey");
        then.status(401)
            .header("x-request-id", PASSWORD)
            .json_body(json!({ "code": 401, "message": echo }));
    });
    let base = server.base_url();
    let mobivate = [
        ("MOBIVATE_USERNAME", "alice"),
        ("MOBIVATE_PASSWORD", PASSWORD),
    ];
    let output = telauth(
        &["--origin", &base, "--debug", "mobivate", "getkey"],
        &mobivate,
        "",
    );
    assert_eq!(output.status.code(), Some(1));
    let stderr = assert_scrubbed(&output, &["S3NTINEL"]);
    assert_eq!(
        stderr.lines().count(),
        2,
        "a debug line and the error: {stderr}"
    );

    // The password from standard input, JSON-escaped in the echo.
    let output = telauth(
        &[
            "--origin",
            &base,
            "mobivate",
            "getkey",
            "--username",
            "alice",
            "--password-stdin",
        ],
        &[],
        &format!("{PASSWORD}\n"),
    );
    assert_eq!(output.status.code(), Some(1));
    assert_scrubbed(&output, &["S3NTINEL", &escaped]);

    // SMSBeta is sent the md5 digest, and echoes it.
    let digest = telauth::smsbeta::password_digest(&telauth::Secret::from(PASSWORD));
    let digest = digest.expose();
    server.mock(|when, then| {
        when.method(POST).path("/login");
        then.status(200).json_body(
            json!({ "code": 401, "Msg": format!("wrong password {digest}"), "data": null }),
        );
    });
    let output = smsbeta_login(&base, &[], PASSWORD);
    assert_eq!(output.status.code(), Some(1));
    assert_scrubbed(&output, &["S3NTINEL", digest]);

    // SignalWire echoes the Basic header it was sent; VoIPBIN the access key, in its request id.
    let basic = basic_header(PROJECT, "S3NTINEL-tok");
    server.mock(|when, then| {
        when.method(POST)
            .path(format!("/api/laml/2010-04-01/Accounts/{PROJECT}/tokens"));
        then.status(401).json_body(json!({
            "code": 20003, "message": format!("Authorization: {basic} refused"),
            "more_info": "https://signalwire.com", "status": 401
        }));
    });
    let output = signalwire_create(&base, "example", "S3NTINEL-tok");
    assert_eq!(output.status.code(), Some(1));
    assert_scrubbed(&output, &["S3NTINEL", basic.trim_start_matches("Basic ")]);
    server.mock(|when, then| {
        when.method(GET).path("/v1.0/accesskeys");
        then.status(200)
            .header("x-request-id", "S3NTINEL-key")
            .json_body(json!({ "result": [{ "id": KEY_ID, "name": "S3NTINEL-key" }] }));
    });
    let output = telauth(
        &[
            "--origin",
            &base,
            "--debug",
            "voipbin",
            "accesskeys",
            "list",
        ],
        &[("VOIPBIN_ACCESSKEY", "S3NTINEL-key")],
        "",
    );
    assert_eq!(output.status.code(), Some(0));
    assert_scrubbed(&output, &["S3NTINEL"]);
}

/// Runs `telauth` with only `env` set and its stdout a pipe whose reading end is already closed.
fn telauth_into_a_closed_pipe(args: &[&str], env: &[(&str, &str)]) -> Output {
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    let output = Command::new(env!("CARGO_BIN_EXE_telauth"))
        .args(args)
        .env_clear()
        .envs(env.iter().copied())
        .stdin(Stdio::null())
        .stdout(writer)
        .stderr(Stdio::piped())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!stderr.contains(SENTINEL), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    output
}

#[test]
fn a_closed_stdout_is_one_line_and_exit_1_not_a_panic() {
    let server = MockServer::start();
    server.mock(|when, then| {
        when.method(POST).path("/auth/login");
        then.status(200)
            .json_body(json!({ "username": "alice", "token": jwt_expiring_in(3600) }));
    });
    let base = server.base_url();
    let login = telauth_into_a_closed_pipe(
        &["--origin", &base, "voipbin", "login"],
        &[
            ("VOIPBIN_USERNAME", "alice"),
            ("VOIPBIN_PASSWORD", SENTINEL),
        ],
    );
    let completions = telauth_into_a_closed_pipe(&["completions", "bash"], &[]);
    let man = telauth_into_a_closed_pipe(&["man"], &[]);
    for output in [login, completions, man] {
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(1), "{stderr}");
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
        assert!(stderr.contains("cannot write"), "{stderr}");
    }
}

/// The first line of `output`'s stderr, and the JSON document that follows it.
fn refusal_and_answer(output: &Output) -> (String, Value) {
    let stderr = String::from_utf8(output.stderr.clone()).unwrap();
    assert_inert(stderr.replace('\n', "").as_bytes());
    let (line, answer) = stderr.split_once('\n').unwrap();
    (line.to_string(), serde_json::from_str(answer).unwrap())
}

#[test]
fn a_rotated_key_that_cannot_be_printed_as_asked_is_on_stderr_with_exit_4() {
    let env = [
        ("MOBIVATE_USERNAME", "alice"),
        ("MOBIVATE_PASSWORD", SENTINEL),
    ];
    for key in ["key\u{1b}]0;owned\u{7}", r"\';touch pwned;#"] {
        let server = MockServer::start();
        let createkey = server.mock(|when, then| {
            when.method(POST).path("/auth/createkey");
            then.status(200).json_body(json!({ "apiKey": key }));
        });
        let base = server.base_url();
        let createkey_with = |extra: &[&str]| {
            let args = [
                &["--origin", base.as_str(), "--yes"][..],
                extra,
                &["mobivate", "createkey"],
            ]
            .concat();
            telauth(&args, &env, "")
        };
        let mut outputs = vec![
            createkey_with(&["--format", "env"]),
            createkey_with(&["--field", "nope"]),
        ];
        if key.contains('\u{1b}') {
            outputs.push(createkey_with(&["--format", "raw"]));
        }
        for output in outputs {
            let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
            assert_eq!(output.status.code(), Some(4), "{key:?}: {stderr}");
            assert!(output.stdout.is_empty(), "{key:?}");
            let (line, answer) = refusal_and_answer(&output);
            assert!(
                line.starts_with("telauth: ") && line.contains("exit 4"),
                "{line}"
            );
            assert_eq!(answer, json!({ "apiKey": key }), "{stderr}");
        }
        // Stdout closed: the key is not lost either.
        let closed = telauth_into_a_closed_pipe(
            &["--origin", &base, "--yes", "mobivate", "createkey"],
            &env,
        );
        assert_eq!(closed.status.code(), Some(4));
        assert_eq!(refusal_and_answer(&closed).1, json!({ "apiKey": key }));
        assert_eq!(
            createkey.calls(),
            if key.contains('\u{1b}') { 4 } else { 3 }
        );
    }
}
