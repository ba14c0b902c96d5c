//! Running other programs: one runner, whose errors name the command and end with its stderr.

use std::ffi::OsStr;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::Error;

/// What a finished command printed on stdout, and how long it ran.
#[derive(Debug)]
pub(crate) struct Ran {
    /// What the command printed on stdout.
    pub(crate) stdout: String,
    /// How long it ran, start to exit.
    pub(crate) elapsed: Duration,
}

/// Runs `program args` in `dir` with `envs` added to the environment. Answers its stdout and wall
/// time; a command that cannot start or exits unsuccessfully is an error naming it, with the last
/// lines of its stderr.
pub(crate) fn run(
    dir: &Path,
    program: impl AsRef<OsStr>,
    args: &[&str],
    envs: &[(&str, &OsStr)],
) -> Result<Ran, Error> {
    let program = program.as_ref();
    let command = describe(program, args);
    let started = Instant::now();
    let output = Command::new(program)
        .args(args)
        .current_dir(dir)
        .envs(envs.iter().copied())
        .stdin(Stdio::null())
        .output()
        .map_err(|error| Error::Command {
            command: command.clone(),
            message: error.to_string(),
        })?;
    let elapsed = started.elapsed();
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let tail: Vec<&str> = stderr.lines().rev().take(15).collect();
        return Err(Error::Command {
            command,
            message: tail.into_iter().rev().collect::<Vec<_>>().join("\n"),
        });
    }
    Ok(Ran {
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        elapsed,
    })
}

/// Runs `program args` in `dir` with its output shown as it comes; answers whether it succeeded.
pub(crate) fn run_shown(dir: &Path, program: &str, args: &[&str]) -> Result<bool, Error> {
    Command::new(program)
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .status()
        .map(|status| status.success())
        .map_err(|error| Error::Command {
            command: describe(OsStr::new(program), args),
            message: error.to_string(),
        })
}

fn describe(program: &OsStr, args: &[&str]) -> String {
    format!("{} {}", program.to_string_lossy(), args.join(" "))
        .trim_end()
        .to_string()
}

/// The distinct crate names in the output of `cargo tree --prefix none`, sorted.
pub(crate) fn distinct_crates(tree: &str) -> Vec<&str> {
    let mut crates: Vec<&str> = tree
        .lines()
        .filter_map(|line| line.split(" v").next())
        .filter(|name| !name.is_empty())
        .collect();
    crates.sort();
    crates.dedup();
    crates
}
