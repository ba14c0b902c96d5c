//! The `telauth` command against loopback mock servers: the bytes on the wire, the JSON on
//! stdout, one line on stderr for a failure, the exit status, and no input secret on stderr;
//! then against the sandbox, through every shell (`shells`), and verifying webhooks.

use std::io::Write;
use std::process::{Command, Output, Stdio};

use httpmock::Method::{DELETE, GET, PATCH, POST, PUT};
use httpmock::MockServer;
use serde_json::{Value, json};
use telauth_tests::{SENTINEL, basic_header, jwt_expiring_in};

const PROJECT: &str = "6f1e3c2a-9d4f-4e8b-a1c7-3f5d2e9b8a10";
const KEY_ID: &str = "2f1f4d8e-3c1a-4b7e-9a51-6c0f2a9d7e11";

#[path = "../common/mod.rs"]
mod common;
mod output;
mod sandbox;
mod shells;
mod webhook_verify;

/// Runs `telauth` with only `env` set and `stdin` on its standard input; no input secret may
/// reach its stderr.
fn telauth(args: &[&str], env: &[(&str, &str)], stdin: &str) -> Output {
    let output = common::run(args, env, stdin);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        !stderr.contains(SENTINEL),
        "an input secret reached stderr: {stderr}"
    );
    output
}

/// `telauth [ARGS] --origin ORIGIN smsbeta login --mail a@example.com`, with `password` in
/// `SMSBETA_PASSWORD`.
fn smsbeta_login(origin: &str, args: &[&str], password: &str) -> Output {
    let mut argv = args.to_vec();
    argv.extend([
        "--origin",
        origin,
        "smsbeta",
        "login",
        "--mail",
        "a@example.com",
    ]);
    telauth(&argv, &[("SMSBETA_PASSWORD", password)], "")
}

/// `telauth --origin ORIGIN signalwire tokens create --name ci --permission fax` in the space
/// `space` of the project `PROJECT`, with `token` as its API token.
fn signalwire_create(origin: &str, space: &str, token: &str) -> Output {
    telauth(
        &[
            "--origin",
            origin,
            "signalwire",
            "tokens",
            "create",
            "--name",
            "ci",
            "--permission",
            "fax",
        ],
        &[
            ("SIGNALWIRE_SPACE", space),
            ("SIGNALWIRE_PROJECT_ID", PROJECT),
            ("SIGNALWIRE_API_TOKEN", token),
        ],
        "",
    )
}

fn stdout_json(output: &Output) -> Value {
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap()
}

fn stderr_line(output: &Output) -> String {
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(output.stdout.is_empty());
    stderr.trim_end().to_string()
}

/// `telauth voipbin accesskeys create --expire <expire>` against `server`: its output, and how
/// many creates reached the server.
fn create_with_expire(server: &MockServer, env: &[(&str, &str)], expire: &str) -> (Output, usize) {
    let create = server.mock(|when, then| {
        when.method(POST).path("/v1.0/accesskeys");
        then.status(200).json_body(json!({ "id": KEY_ID }));
    });
    let base = server.base_url();
    let output = telauth(
        &[
            "--origin",
            &base,
            "voipbin",
            "accesskeys",
            "create",
            "--expire",
            expire,
        ],
        env,
        "",
    );
    (output, create.calls())
}

#[test]
fn smsbeta_login_sends_the_md5_digest_and_prints_the_token() {
    let server = MockServer::start();
    let mock = server.mock(|when, then| {
        when.method(POST)
            .path("/login")
            .body_excludes(SENTINEL)
            .json_body(
                json!({ "mail": "a@example.com", "password": "299cf39ea226820d8422119f4634743d" }),
            );
        then.status(200).json_body(json!({
            "code": 200, "Msg": "success!", "data": { "token": "tok", "mail": "a@example.com" }
        }));
    });
    let output = smsbeta_login(&server.base_url(), &[], SENTINEL);
    mock.assert();
    assert_eq!(
        stdout_json(&output),
        json!({ "mail": "a@example.com", "token": "tok" })
    );
}

#[test]
fn voipbin_login_reads_the_password_from_stdin_and_prints_the_expiry() {
    let server = MockServer::start();
    let token = jwt_expiring_in(3600);
    let mock = server.mock(|when, then| {
        when.method(POST)
            .path("/auth/login")
            .json_body(json!({ "username": "alice", "password": SENTINEL }));
        then.status(200)
            .json_body(json!({ "username": "alice", "token": token }));
    });
    let base = server.base_url();
    let env = [
        ("TELAUTH_VOIPBIN_ORIGIN", base.as_str()),
        ("VOIPBIN_USERNAME", "alice"),
    ];
    let output = telauth(
        &["voipbin", "login", "--password-stdin"],
        &env,
        &format!("{SENTINEL}\n"),
    );
    mock.assert();
    let document = stdout_json(&output);
    assert_eq!(document["token"], token.as_str());
    assert!(document["expires_at"].as_u64().unwrap() > 1_700_000_000);
}

#[test]
fn voipbin_accesskeys_use_the_access_key_as_a_cookie_or_else_the_token_as_bearer() {
    let server = MockServer::start();
    let by_key = server.mock(|when, then| {
        when.method(GET)
            .path("/v1.0/accesskeys")
            .header("cookie", format!("accesskey={SENTINEL}"))
            .query_param("page_size", "10")
            .query_param_count(".*", ".*", 1)
            .header_missing("authorization");
        then.status(200)
            .json_body(json!({ "result": [{ "id": KEY_ID }], "next_page_token": "" }));
    });
    let base = server.base_url();
    let output = telauth(
        &[
            "--origin",
            &base,
            "voipbin",
            "accesskeys",
            "list",
            "--page-size",
            "10",
        ],
        &[
            ("VOIPBIN_ACCESSKEY", SENTINEL),
            ("VOIPBIN_TOKEN", "ignored"),
        ],
        "",
    );
    by_key.assert();
    assert_eq!(stdout_json(&output)["result"][0]["id"], KEY_ID);

    let by_token = server.mock(|when, then| {
        when.method(GET)
            .path(format!("/v1.0/accesskeys/{KEY_ID}"))
            .query_param_count(".*", ".*", 0)
            .header("authorization", format!("Bearer {SENTINEL}"));
        then.status(200)
            .json_body(json!({ "id": KEY_ID, "name": "ci" }));
    });
    let output = telauth(
        &["--origin", &base, "voipbin", "accesskeys", "get", KEY_ID],
        &[("VOIPBIN_TOKEN", SENTINEL)],
        "",
    );
    by_token.assert();
    assert_eq!(stdout_json(&output)["name"], "ci");
}

#[test]
fn voipbin_errors_are_one_line_and_exit_1_and_local_refusals_exit_2() {
    let server = MockServer::start();
    let mock = server.mock(|when, then| {
        when.method(DELETE)
            .path(format!("/v1.0/accesskeys/{KEY_ID}"));
        then.status(404).json_body(json!({ "error": {
            "status": "NOT_FOUND", "reason": "r", "message": "The access key does not exist.",
            "request_id": "q"
        }}));
    });
    let base = server.base_url();
    let env = [("VOIPBIN_ACCESSKEY", SENTINEL)];
    let output = telauth(
        &[
            "--origin",
            &base,
            "--yes",
            "voipbin",
            "accesskeys",
            "delete",
            KEY_ID,
        ],
        &env,
        "",
    );
    mock.assert();
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        stderr_line(&output),
        "telauth: voipbin accesskeys_delete: HTTP 404: The access key does not exist. (code NOT_FOUND)"
    );

    let (output, created) = create_with_expire(&server, &env, "3600");
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr_line(&output).contains("at least 86400 seconds"));
    let output = telauth(
        &["--origin", &base, "voipbin", "accesskeys", "list"],
        &[],
        "",
    );
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr_line(&output).contains("VOIPBIN_ACCESSKEY or VOIPBIN_TOKEN is not set"));
    assert_eq!(created, 0);
}

#[test]
fn mobivate_getkey_and_test() {
    let server = MockServer::start();
    let getkey = server.mock(|when, then| {
        when.method(POST)
            .path("/auth/getkey")
            .header_missing("authorization")
            .json_body(json!({ "username": "alice", "password": SENTINEL }));
        then.status(200).json_body(json!({ "apiKey": "the-key" }));
    });
    let test = server.mock(|when, then| {
        when.method(GET)
            .path("/auth/test")
            .header("authorization", format!("Bearer {SENTINEL}"));
        then.status(401)
            .json_body(json!({ "code": 401, "message": "API Key is invalid or expired" }));
    });
    let base = server.base_url();
    let env = [
        ("TELAUTH_MOBIVATE_ORIGIN", base.as_str()),
        ("MOBIVATE_PASSWORD", SENTINEL),
        ("MOBIVATE_API_KEY", SENTINEL),
    ];
    let output = telauth(&["mobivate", "getkey", "--username", "alice"], &env, "");
    getkey.assert();
    assert_eq!(stdout_json(&output), json!({ "apiKey": "the-key" }));
    let output = telauth(&["mobivate", "test"], &env, "");
    test.assert();
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        stderr_line(&output),
        "telauth: mobivate test: HTTP 401: API Key is invalid or expired"
    );
}

#[test]
fn signalwire_base_url_keeps_its_prefix_and_the_api_path_is_appended() {
    let server = MockServer::start();
    let create = server.mock(|when, then| {
        when.method(POST)
            .path(format!("/sw/api/laml/2010-04-01/Accounts/{PROJECT}/tokens"))
            .header("authorization", basic_header(PROJECT, SENTINEL))
            .header("content-type", "application/x-www-form-urlencoded")
            .body("name=ci&permissions=messaging&permissions=numbers");
        then.status(200).json_body(json!({
            "id": KEY_ID, "name": "ci", "permissions": ["messaging", "numbers"], "token": "PT1"
        }));
    });
    let base = server.url("/sw");
    let env = [
        ("SIGNALWIRE_SPACE", "example"),
        ("SIGNALWIRE_PROJECT_ID", PROJECT),
        ("SIGNALWIRE_API_TOKEN", SENTINEL),
    ];
    let args = [
        "--origin",
        &base,
        "signalwire",
        "tokens",
        "create",
        "--name",
        "ci",
        "--permission",
        "messaging",
        "--permission",
        "numbers",
    ];
    let output = telauth(&args, &env, "");
    create.assert();
    assert_eq!(stdout_json(&output)["token"], "PT1");

    let output = telauth(
        &[
            "--origin",
            &base,
            "signalwire",
            "tokens",
            "create",
            "--name",
            "ci",
            "--permission",
            "root",
        ],
        &env,
        "",
    );
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("invalid value 'root'") && stderr.contains("tasking, video"),
        "{stderr}"
    );
    assert_eq!(create.calls(), 1);
}

#[test]
fn voipbin_rename_reads_the_key_and_sends_its_detail_along() {
    let server = MockServer::start();
    let read = server.mock(|when, then| {
        when.method(GET).path(format!("/v1.0/accesskeys/{KEY_ID}"));
        then.status(200)
            .json_body(json!({ "id": KEY_ID, "name": "old", "detail": "kept" }));
    });
    let put = server.mock(|when, then| {
        when.method(PUT)
            .path(format!("/v1.0/accesskeys/{KEY_ID}"))
            .json_body(json!({ "name": "new", "detail": "kept" }));
        then.status(200)
            .json_body(json!({ "id": KEY_ID, "name": "new", "detail": "kept" }));
    });
    let base = server.base_url();
    let env = [("VOIPBIN_TOKEN", SENTINEL)];
    let update = ["--origin", &base, "voipbin", "accesskeys", "update", KEY_ID];
    let output = telauth(&[&update[..], &["--name", "new"]].concat(), &env, "");
    assert_eq!(stdout_json(&output)["detail"], "kept");
    read.assert();
    put.assert();

    // Nothing to change, or a lifetime VoIPBIN would wrap: exit 2, nothing sent.
    let output = telauth(&update, &env, "");
    assert_eq!(output.status.code(), Some(2));
    let (output, created) = create_with_expire(&server, &env, "4295053696");
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr_line(&output).contains("at most 2147483647 seconds"));
    assert_eq!(created + read.calls(), 1);
}

#[test]
fn signalwire_update_without_a_name_keeps_it_and_empty_values_exit_2() {
    let server = MockServer::start();
    let token_id = KEY_ID;
    let patch = server.mock(|when, then| {
        when.method(PATCH)
            .path(format!(
                "/api/laml/2010-04-01/Accounts/{PROJECT}/tokens/{token_id}"
            ))
            .json_body(json!({ "permissions": ["fax"] }));
        then.status(200).json_body(json!({
            "id": token_id, "name": "kept", "permissions": ["fax"], "token": "PT1"
        }));
    });
    let base = server.base_url();
    let env = [
        ("SIGNALWIRE_SPACE", "example"),
        ("SIGNALWIRE_PROJECT_ID", PROJECT),
        ("SIGNALWIRE_API_TOKEN", SENTINEL),
    ];
    let tokens = ["--origin", &base, "signalwire", "tokens"];
    let output = telauth(
        &[&tokens[..], &["update", token_id, "--permission", "fax"]].concat(),
        &env,
        "",
    );
    assert_eq!(stdout_json(&output)["name"], "kept");
    patch.assert();
    for refused in [
        &["update", token_id][..],
        &["update", token_id, "--name", ""],
        &["create", "--name", "", "--permission", "fax"],
    ] {
        let output = telauth(&[&tokens[..], refused].concat(), &env, "");
        assert_eq!(output.status.code(), Some(2), "{refused:?}");
    }
    assert_eq!(patch.calls(), 1);
}

#[test]
fn formats_print_the_credential_for_the_next_command_or_one_field() {
    let server = MockServer::start();
    let jwt = jwt_expiring_in(3600);
    server.mock(|when, then| {
        when.method(POST).path("/auth/login");
        then.status(200)
            .json_body(json!({ "username": "alice", "token": jwt }));
    });
    let base = server.base_url();
    let env = [
        ("VOIPBIN_USERNAME", "alice"),
        ("VOIPBIN_PASSWORD", SENTINEL),
    ];
    let login = |extra: &[&str]| {
        let args = [
            &["--origin", base.as_str()][..],
            extra,
            &["voipbin", "login"],
        ]
        .concat();
        telauth(&args, &env, "")
    };
    let stdout = |output: &Output| {
        assert_eq!(
            output.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8(output.stdout.clone()).unwrap()
    };
    assert_eq!(
        stdout(&login(&["--format", "env"])),
        format!("export VOIPBIN_TOKEN='{jwt}'\n")
    );
    assert_eq!(stdout(&login(&["--format", "raw"])), format!("{jwt}\n"));
    assert_eq!(stdout(&login(&["--field", "username"])), "alice\n");

    // A command that obtains no credential has nothing for env or raw: exit 2, nothing sent.
    let list = server.mock(|when, then| {
        when.method(GET).path("/v1.0/accesskeys");
        then.status(200).json_body(json!({ "result": [] }));
    });
    let output = telauth(
        &[
            "--origin",
            &base,
            "--format",
            "env",
            "voipbin",
            "accesskeys",
            "list",
        ],
        &[("VOIPBIN_TOKEN", SENTINEL)],
        "",
    );
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(list.calls(), 0);
}

#[test]
fn destructive_calls_need_yes_without_a_terminal_and_retries_repeat_idempotent_calls() {
    let server = MockServer::start();
    let delete = server.mock(|when, then| {
        when.method(DELETE)
            .path(format!("/v1.0/accesskeys/{KEY_ID}"));
        then.status(200).json_body(json!({ "id": KEY_ID }));
    });
    let createkey = server.mock(|when, then| {
        when.method(POST).path("/auth/createkey");
        then.status(200).json_body(json!({ "apiKey": "new" }));
    });
    let base = server.base_url();
    let voipbin = [("VOIPBIN_TOKEN", SENTINEL)];
    let mobivate = [
        ("MOBIVATE_USERNAME", "alice"),
        ("MOBIVATE_PASSWORD", SENTINEL),
    ];
    for (args, env) in [
        (
            &["voipbin", "accesskeys", "delete", KEY_ID][..],
            &voipbin[..],
        ),
        (&["mobivate", "createkey"][..], &mobivate[..]),
    ] {
        let output = telauth(&[&["--origin", base.as_str()][..], args].concat(), env, "");
        assert_eq!(output.status.code(), Some(2));
        assert!(stderr_line(&output).contains("--yes"));
    }
    assert_eq!(
        delete.calls() + createkey.calls(),
        0,
        "sent without confirmation"
    );
    let output = telauth(
        &[
            "--origin",
            &base,
            "--yes",
            "voipbin",
            "accesskeys",
            "delete",
            KEY_ID,
        ],
        &voipbin,
        "",
    );
    assert_eq!(stdout_json(&output)["id"], KEY_ID);
    delete.assert();

    // --retries: a 503 is tried again.
    let unavailable = server.mock(|when, then| {
        when.method(GET).path(format!("/v1.0/accesskeys/{KEY_ID}"));
        then.status(503).json_body(json!({ "error": {
            "status": "UNAVAILABLE", "reason": "SERVICE_UNAVAILABLE",
            "message": "The service is unavailable.", "request_id": "q"
        }}));
    });
    let output = telauth(
        &[
            "--origin",
            &base,
            "--retries",
            "2",
            "voipbin",
            "accesskeys",
            "get",
            KEY_ID,
        ],
        &voipbin,
        "",
    );
    assert_eq!(output.status.code(), Some(1));
    unavailable.assert_calls(3);
}

#[test]
fn debug_prints_one_line_per_request_without_query_header_or_body() {
    let server = MockServer::start();
    server.mock(|when, then| {
        when.method(GET).path("/v1.0/accesskeys");
        then.status(200)
            .header("x-request-id", "req_42")
            .json_body(json!({ "result": [] }));
    });
    let output = telauth(
        &[
            "--origin",
            &server.base_url(),
            "--debug",
            "voipbin",
            "accesskeys",
            "list",
        ],
        &[("VOIPBIN_TOKEN", SENTINEL)],
        "",
    );
    assert_eq!(output.status.code(), Some(0));
    let stderr = String::from_utf8_lossy(&output.stderr);
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 1, "{stderr}");
    for part in ["GET", "/v1.0/accesskeys", "status=200", "req_42"] {
        assert!(lines[0].contains(part), "{part} missing: {stderr}");
    }
}

#[test]
fn completions_and_a_manual_page() {
    for shell in ["bash", "zsh", "fish", "powershell"] {
        let output = telauth(&["completions", shell], &[], "");
        let script = String::from_utf8(output.stdout).unwrap();
        assert_eq!(output.status.code(), Some(0), "{shell}");
        assert!(
            script.contains("telauth") && script.contains("accesskeys"),
            "{shell}"
        );
    }
    let output = telauth(&["man"], &[], "");
    assert_eq!(output.status.code(), Some(0));
    let page = String::from_utf8(output.stdout).unwrap();
    assert!(
        page.starts_with(".ie") || page.contains(".TH telauth"),
        "{page}"
    );
}

#[test]
fn a_password_is_asked_on_a_terminal_without_echo() {
    use std::io::Read;
    let server = MockServer::start();
    let login = server.mock(|when, then| {
        when.method(POST)
            .path("/auth/login")
            .json_body(json!({ "username": "alice", "password": SENTINEL }));
        then.status(200)
            .json_body(json!({ "username": "alice", "token": jwt_expiring_in(3600) }));
    });
    // `script` gives the command a terminal; the password is typed once the prompt shows.
    let command = format!(
        "{} --origin {} voipbin login --username alice",
        env!("CARGO_BIN_EXE_telauth"),
        server.base_url()
    );
    let mut child = Command::new("script")
        .args(["-qec", &command, "/dev/null"])
        .env_clear()
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("script(1) from util-linux");
    let mut stdout = child.stdout.take().unwrap();
    let mut seen = Vec::new();
    let mut buffer = [0u8; 256];
    while !String::from_utf8_lossy(&seen).contains("password: ") {
        let read = stdout.read(&mut buffer).unwrap();
        assert!(read > 0, "no prompt: {}", String::from_utf8_lossy(&seen));
        seen.extend_from_slice(&buffer[..read]);
    }
    // The prompt is written just before echo is turned off: give the command time to get
    // there, as a person would, before typing.
    std::thread::sleep(std::time::Duration::from_millis(500));
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(format!("{SENTINEL}\r").as_bytes()).unwrap();
    stdout.read_to_end(&mut seen).unwrap();
    drop(stdin);
    assert!(child.wait().unwrap().success());
    let terminal = String::from_utf8_lossy(&seen);
    assert!(
        terminal.contains("VOIPBIN_PASSWORD is not set; password: "),
        "{terminal}"
    );
    assert!(
        !terminal.contains(SENTINEL),
        "the password was echoed: {terminal}"
    );
    assert!(terminal.contains("\"username\": \"alice\""), "{terminal}");
    login.assert();
}

#[test]
fn an_origin_that_is_not_a_url_exits_2() {
    let output = telauth(
        &[
            "--origin",
            "api.voipbin.net",
            "voipbin",
            "accesskeys",
            "list",
        ],
        &[("VOIPBIN_TOKEN", SENTINEL)],
        "",
    );
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr_line(&output).contains("is not an http or https URL"));
}

#[test]
fn a_network_failure_exits_3() {
    let output = telauth(
        &[
            "--origin",
            "http://127.0.0.1:9",
            "--timeout",
            "2",
            "mobivate",
            "test",
        ],
        &[("MOBIVATE_API_KEY", SENTINEL)],
        "",
    );
    assert_eq!(output.status.code(), Some(3));
    assert!(stderr_line(&output).starts_with("telauth: mobivate test: cannot connect"));
}
