//! `--format env` through the real shells the command has completions for: each line `telauth`
//! prints for a hostile Mobivate key is `eval`ed, in a directory of its own, by sh, bash, zsh,
//! fish and elvish. It sets the variable to exactly the key (elvish has no `export`, so there it
//! only fails) and runs nothing else; a key the command refuses prints nothing to `eval`.
//!
//! sh and bash are always there; zsh, fish and elvish are installed by `.ci/run`, so their tests
//! are ignored by a plain `cargo test` (the reason names the command that installs them) and
//! fail, saying so, when run with `--ignored` without the shell. PowerShell is not packaged for
//! the distributions CI runs on: its single-quoted strings end only at `'` and U+2018–U+201B,
//! which the command refuses (see the crate's README).

use std::path::Path;
use std::process::{Command, Stdio};

use httpmock::Method::POST;
use httpmock::MockServer;
use serde_json::json;
use telauth_tests::SENTINEL;

/// Pieces of the hostile keys: quotes and escapes of each shell, substitutions, separators.
const PIECES: [&str; 20] = [
    "'",
    "\"",
    "$",
    "`",
    "\\",
    "$(touch pwned)",
    "(touch pwned)",
    "{touch pwned}",
    "'; touch pwned; '",
    "!",
    ";",
    "|",
    "&",
    "*",
    " ",
    "~",
    "é✓",
    "%s",
    "''",
    "\u{2019}",
];

/// The key of the report (`\';touch …;#`, which fish ran), then 60 keys of 6 pieces each, from
/// a fixed xorshift sequence.
fn hostile_keys() -> Vec<String> {
    let mut keys = vec![r"\';touch pwned;#".to_string()];
    let mut state: u64 = 0x2545_f491_4f6c_dd1d;
    for _ in 0..60 {
        let mut key = String::new();
        for _ in 0..6 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            key.push_str(PIECES[(state % PIECES.len() as u64) as usize]);
        }
        keys.push(key);
    }
    keys
}

/// Each hostile key, and what `telauth mobivate getkey --format env` printed on stdout for it
/// (nothing when it refused the key, exit 1).
fn env_lines() -> Vec<(String, String)> {
    let server = MockServer::start();
    let origin = server.base_url();
    hostile_keys()
        .into_iter()
        .map(|key| {
            let mut mock = server.mock(|when, then| {
                when.method(POST).path("/auth/getkey");
                then.status(200).json_body(json!({ "apiKey": key }));
            });
            let output = Command::new(env!("CARGO_BIN_EXE_telauth"))
                .args(["--origin", &origin, "--format", "env", "mobivate", "getkey"])
                .env_clear()
                .envs([
                    ("MOBIVATE_USERNAME", "alice"),
                    ("MOBIVATE_PASSWORD", SENTINEL),
                ])
                .stdin(Stdio::null())
                .output()
                .unwrap();
            mock.delete();
            let stdout = String::from_utf8(output.stdout).unwrap();
            match output.status.code() {
                Some(0) => assert!(!stdout.is_empty(), "{key}"),
                Some(1) => assert!(stdout.is_empty(), "{key}: {stdout}"),
                other => panic!("{key}: exit {other:?}"),
            }
            (key, stdout)
        })
        .collect()
}

/// `shell` (a program on the PATH) with `args` evaluates each line of [`env_lines`], given in
/// `LINE`, in an empty directory of its own: the directory stays empty (nothing ran), and when
/// `prints_the_value`, the line's output is the key exactly. Panics, naming `install`, when
/// the shell is not there.
fn each_line_evaluated(shell: &str, args: &[&str], prints_the_value: bool, install: &str) {
    let found = Command::new(shell)
        .args(args)
        .env("LINE", "")
        .output()
        .is_ok();
    assert!(found, "{shell} is not installed; {install}");
    let mut exported = 0;
    for (key, line) in env_lines() {
        let dir = tempfile::tempdir().unwrap();
        let output = Command::new(shell)
            .args(args)
            .env("LINE", &line)
            .current_dir(dir.path())
            .stdin(Stdio::null())
            .output()
            .unwrap();
        assert!(
            is_empty(dir.path()),
            "{shell} ran code the provider chose: key {key:?}, line {line:?}"
        );
        if prints_the_value && !line.is_empty() {
            assert_eq!(
                String::from_utf8_lossy(&output.stdout),
                key,
                "{shell}: line {line:?} ({})",
                String::from_utf8_lossy(&output.stderr)
            );
            exported += 1;
        }
    }
    // Not every key is refused: the lines that are printed are evaluated.
    assert!(!prints_the_value || exported >= 5, "{shell}: {exported}");
}

fn is_empty(dir: &Path) -> bool {
    std::fs::read_dir(dir).unwrap().next().is_none()
}

/// The POSIX shells: `eval "$LINE"`, then the variable.
const POSIX: [&str; 2] = ["-c", r#"eval "$LINE" && printf %s "$MOBIVATE_API_KEY""#];

#[test]
fn env_lines_set_the_key_and_run_nothing_in_sh() {
    each_line_evaluated("sh", &POSIX, true, "it is POSIX");
}

#[test]
fn env_lines_set_the_key_and_run_nothing_in_bash() {
    each_line_evaluated("bash", &POSIX, true, "install bash");
}

#[test]
#[ignore = "needs zsh, which .ci/run installs (apt-get install -y zsh); then cargo test -p \
            telauth-cli --test cli -- --ignored shells::"]
fn env_lines_set_the_key_and_run_nothing_in_zsh() {
    each_line_evaluated("zsh", &POSIX, true, "apt-get install -y zsh");
}

#[test]
#[ignore = "needs fish, which .ci/run installs (apt-get install -y fish); then cargo test -p \
            telauth-cli --test cli -- --ignored shells::"]
fn env_lines_set_the_key_and_run_nothing_in_fish() {
    each_line_evaluated(
        "fish",
        &[
            "--no-config",
            "-c",
            r#"eval $LINE; and printf %s "$MOBIVATE_API_KEY""#,
        ],
        true,
        "apt-get install -y fish",
    );
}

#[test]
#[ignore = "needs elvish, which .ci/run installs (apt-get install -y elvish); then cargo test \
            -p telauth-cli --test cli -- --ignored shells::"]
fn env_lines_run_nothing_in_elvish() {
    // elvish has no `export`: the line fails there, before or without running anything else.
    each_line_evaluated(
        "elvish",
        &["-norc", "-c", "eval $E:LINE"],
        false,
        "apt-get install -y elvish",
    );
}
