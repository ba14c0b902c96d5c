//! What the command's test files share: running the `telauth` binary.

use std::io::Write;
use std::process::{Command, Output, Stdio};

/// Runs `telauth ARGS` with only `env` set and `stdin` on its standard input.
pub fn run(args: &[&str], env: &[(&str, &str)], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_telauth"))
        .args(args)
        .env_clear()
        .envs(env.iter().copied())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // A command refused before it reads its input closes its standard input first: a broken
    // pipe here is not the test's failure.
    let _ = child.stdin.take().unwrap().write_all(stdin.as_bytes());
    child.wait_with_output().unwrap()
}
