//! `cargo xtask semver`: cargo-semver-checks on each crate changed since its release, against
//! that release on crates.io.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use crate::Error;
use crate::support::process;

/// Checks `package`, or each crate the audit finds changed since its release; answers failure
/// when cargo-semver-checks is missing or finds a break.
pub fn run(root: &Path, package: Option<String>, out: &mut dyn Write) -> Result<ExitCode, Error> {
    let installed = process::run(root, "cargo", &["semver-checks", "--version"], &[]).is_ok();
    if !installed {
        let _ = writeln!(
            out,
            "cargo-semver-checks is not installed. Install it with\n  \
             cargo install cargo-semver-checks --locked\nthen run `cargo xtask semver` again."
        );
        return Ok(ExitCode::FAILURE);
    }
    // Each crate changed since its release, against that release on crates.io.
    let checks: Vec<(String, Option<String>)> = match package {
        Some(package) => vec![(package, None)],
        None => super::audit::audit(root, &super::baseline::Baseline::crates_io())?
            .into_iter()
            .filter(|verdict| !verdict.changes.is_empty())
            .map(|verdict| (verdict.krate, verdict.released))
            .collect(),
    };
    if checks.is_empty() {
        let _ = writeln!(
            out,
            "No crate changed since its last version on crates.io; a crate never released has \
             nothing to compare with."
        );
        return Ok(ExitCode::SUCCESS);
    }
    let mut code = ExitCode::SUCCESS;
    for (package, released) in checks {
        let mut args = vec!["semver-checks", "--package", package.as_str()];
        if let Some(released) = &released {
            args.extend(["--baseline-version", released.as_str()]);
        }
        let _ = writeln!(out, "cargo {}", args.join(" "));
        if !process::run_shown(root, "cargo", &args)? {
            code = ExitCode::FAILURE;
        }
    }
    Ok(code)
}
