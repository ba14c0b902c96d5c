//! The command line of `cargo xtask`, writing to the streams it is given so tests can read them.

use std::ffi::OsString;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use clap::{Parser, Subcommand};

use crate::{FileState, Mode, ProviderReport};

#[derive(Parser)]
#[command(
    name = "cargo xtask",
    about = "Maintainer tasks of the telauth workspace"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Generate the provider crates' sources from specs/.
    Generate {
        /// Write nothing; print a diff of every stale file and fail if there is one.
        #[arg(long)]
        check: bool,
        /// Only this provider (smsbeta, voipbin, mobivate, signalwire).
        #[arg(long)]
        provider: Option<String>,
        /// The workspace root (by default, the one this tool was built in).
        #[arg(long, hide = true)]
        root: Option<PathBuf>,
    },
    /// Compare each spec with its last release: one line per crate, `compatible` or
    /// `breaking` with each change and the next version; fail while a version is behind it.
    Audit {
        /// The workspace root (by default, the one this tool was built in).
        #[arg(long, hide = true)]
        root: Option<PathBuf>,
    },
    /// Measure overhead, token cache, generation, build cost and the sandbox; write
    /// BENCHMARKS.md and print a summary line.
    Bench,
    /// Check that no dependency of a published crate needs a newer Rust than the workspace's
    /// declared `rust-version`.
    Msrv,
    /// Run cargo-semver-checks on each crate changed since its last release, against it.
    Semver {
        /// Check this crate instead of the changed ones.
        #[arg(long)]
        package: Option<String>,
    },
    /// Package and verify every publishable crate in dependency order (a dry run unless
    /// --execute).
    Publish {
        /// Publish for real, in order, skipping versions the registry already has.
        #[arg(long)]
        execute: bool,
        /// Allow uncommitted changes in the work tree.
        #[arg(long)]
        allow_dirty: bool,
        /// Publish to this registry (configured in .cargo/config.toml or by
        /// CARGO_REGISTRIES_<NAME>_INDEX) instead of crates.io, from a staged copy of the
        /// workspace whose internal dependencies name it.
        #[arg(long, value_name = "NAME")]
        registry: Option<String>,
    },
    /// The whole release round trip on a local registry: publish every crate, build and run one
    /// consumer per provider crate from it against the sandbox, publish again (all skipped),
    /// then bump one crate and see only it published. Needs `cargo-http-registry` on the PATH.
    Rehearse,
}

/// Runs the command line `args` (the program name first). Exit status: 0 on success, 1 when a
/// spec fails or a generated file is stale, 2 on a usage error.
pub fn run(
    args: impl IntoIterator<Item = impl Into<OsString> + Clone>,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> ExitCode {
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(error) => {
            let usage = error.use_stderr();
            let text = error.render().to_string();
            let _ = if usage {
                err.write_all(text.as_bytes())
            } else {
                out.write_all(text.as_bytes())
            };
            return ExitCode::from(if usage { 2 } else { 0 });
        }
    };
    match cli.command {
        Command::Generate {
            check,
            provider,
            root,
        } => {
            let root = root.unwrap_or_else(crate::workspace_root);
            let mode = if check { Mode::Check } else { Mode::Write };
            let started = Instant::now();
            match crate::generate(&root, provider.as_deref(), mode) {
                Ok(generation) => report(&generation.reports, started, out, err),
                Err(error) => {
                    let outcome = match error {
                        crate::Error::Write { .. } => {
                            "Files renamed into place before this one keep their new content; \
                             run `cargo xtask generate` again once the cause is fixed."
                        }
                        _ => "No file was written.",
                    };
                    let _ = writeln!(err, "error: {error}\n{outcome}");
                    ExitCode::FAILURE
                }
            }
        }
        Command::Audit { root } => audit(&root.unwrap_or_else(crate::workspace_root), out, err),
        Command::Msrv => match crate::msrv::check(&crate::workspace_root()) {
            Ok((declared, too_new)) if too_new.is_empty() => {
                let _ = writeln!(
                    out,
                    "msrv: every dependency of the published crates builds with Rust {declared}, \
                     the declared rust-version"
                );
                ExitCode::SUCCESS
            }
            Ok((declared, too_new)) => {
                for dependency in too_new {
                    let _ = writeln!(
                        err,
                        "error: {} needs Rust {}, newer than the declared rust-version {declared}",
                        dependency.package, dependency.needs
                    );
                }
                ExitCode::FAILURE
            }
            Err(error) => {
                let _ = writeln!(err, "error: {error}");
                ExitCode::FAILURE
            }
        },
        Command::Bench => match crate::bench::run(&crate::workspace_root(), out) {
            Ok(summary) => {
                let _ = writeln!(out, "wrote {}\n{summary}", crate::bench::REPORT);
                ExitCode::SUCCESS
            }
            Err(error) => {
                let _ = writeln!(err, "error: {error}");
                ExitCode::FAILURE
            }
        },
        Command::Semver { package } => match semver(package, out) {
            Ok(code) => code,
            Err(error) => {
                let _ = writeln!(err, "error: {error}");
                ExitCode::FAILURE
            }
        },
        Command::Rehearse => match crate::rehearse::run(&crate::workspace_root(), out) {
            Ok(()) => ExitCode::SUCCESS,
            Err(error) => {
                let _ = writeln!(err, "error: {error}");
                ExitCode::FAILURE
            }
        },
        Command::Publish {
            execute,
            allow_dirty,
            registry,
        } => match publish(execute, allow_dirty, registry, out) {
            Ok(()) => ExitCode::SUCCESS,
            Err(error) => {
                let _ = writeln!(err, "error: {error}");
                ExitCode::FAILURE
            }
        },
    }
}

/// Prints one line per crate; those behind their next version as errors, which fail.
fn audit(root: &std::path::Path, out: &mut dyn Write, err: &mut dyn Write) -> ExitCode {
    let verdicts = match crate::audit::audit(root) {
        Ok(verdicts) => verdicts,
        Err(error) => {
            let _ = writeln!(err, "error: {error}");
            return ExitCode::FAILURE;
        }
    };
    let mut code = ExitCode::SUCCESS;
    for verdict in &verdicts {
        if verdict.behind() {
            let _ = writeln!(err, "error: {verdict}");
            code = ExitCode::FAILURE;
        } else {
            let _ = writeln!(out, "{verdict}");
        }
    }
    if code == ExitCode::SUCCESS {
        let _ = writeln!(
            out,
            "audit: every crate's version is at least what its changes since its release need \
             ({})",
            crate::audit::RECORD
        );
    }
    code
}

fn semver(package: Option<String>, out: &mut dyn Write) -> Result<ExitCode, crate::Error> {
    let root = crate::workspace_root();
    let installed =
        crate::process::run(&root, "cargo", &["semver-checks", "--version"], &[]).is_ok();
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
        None => crate::audit::audit(&root)?
            .into_iter()
            .filter(|verdict| !verdict.changes.is_empty())
            .map(|verdict| (verdict.krate, verdict.released))
            .collect(),
    };
    if checks.is_empty() {
        let _ = writeln!(
            out,
            "No crate changed since its last release ({}); a crate never released has nothing \
             to compare with.",
            crate::audit::RECORD
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
        if !crate::process::run_shown(&root, "cargo", &args)? {
            code = ExitCode::FAILURE;
        }
    }
    Ok(code)
}

fn publish(
    execute: bool,
    allow_dirty: bool,
    registry: Option<String>,
    out: &mut dyn Write,
) -> Result<(), crate::Error> {
    let root = crate::workspace_root();
    // Nothing is sent while a version is behind what its changes need.
    let verdicts = crate::audit::audit(&root)?;
    if let Some(verdict) = verdicts.iter().find(|verdict| verdict.behind()) {
        return Err(crate::Error::Command {
            command: "cargo xtask audit".into(),
            message: format!("{verdict}; nothing was published"),
        });
    }
    let crates = crate::publish::order(&crate::publish::publishable(&root)?)?;
    let _ = writeln!(out, "Publishable crates, in dependency order:");
    for (index, krate) in crates.iter().enumerate() {
        let after = if krate.depends_on.is_empty() {
            String::new()
        } else {
            format!("  (after {})", krate.depends_on.join(", "))
        };
        let _ = writeln!(
            out,
            "  {}. {} {}{after}",
            index + 1,
            krate.name,
            krate.version
        );
    }
    let registry = registry.map(crate::publish::Registry::named);
    if execute {
        let lines = match &registry {
            Some(registry) => crate::publish::execute_to(&root, &crates, registry)?,
            None => {
                // Each crate is recorded as released as soon as crates.io has it: the audit
                // compares with it from then on.
                let lines =
                    crate::publish::execute(&root, &crates, allow_dirty, &mut |krate, already| {
                        crate::audit::record_published(&root, &krate.name, already)
                    })?;
                let _ = writeln!(
                    out,
                    "recorded the release in {}; commit it with {}/",
                    crate::audit::RECORD,
                    crate::audit::RELEASED_SPECS
                );
                lines
            }
        };
        for line in lines {
            let _ = writeln!(out, "{line}");
        }
    } else {
        let started = Instant::now();
        match &registry {
            Some(registry) => crate::publish::dry_run_to(&root, &crates, registry)?,
            None => crate::publish::dry_run(&root, &crates, allow_dirty)?,
        }
        let _ = writeln!(
            out,
            "Dry run: all {} crates packaged and verified together in {} s; nothing was published \
             (publish with --execute).",
            crates.len(),
            started.elapsed().as_secs()
        );
    }
    Ok(())
}

fn report(
    reports: &[ProviderReport],
    started: Instant,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> ExitCode {
    let mut stale = Vec::new();
    for report in reports {
        let _ = writeln!(
            out,
            "{:<10} {} (sha256 {}) in {} ms",
            report.provider.name,
            report.provider.spec,
            &report.sha256[..12],
            report.elapsed.as_millis()
        );
        for note in &report.notes {
            let _ = writeln!(out, "           normalized {note}");
        }
        for file in &report.files {
            let state = match &file.state {
                FileState::UpToDate => "up to date",
                FileState::Written => "written",
                FileState::Stale { diff } => {
                    let _ = write!(out, "{diff}");
                    stale.push(file.path.as_str());
                    "STALE"
                }
            };
            let _ = writeln!(out, "           {:<44} {state}", file.path);
        }
    }
    let _ = writeln!(
        out,
        "{} spec(s) in {} ms",
        reports.len(),
        started.elapsed().as_millis()
    );
    if stale.is_empty() {
        return ExitCode::SUCCESS;
    }
    let _ = writeln!(
        err,
        "error: {} generated file(s) differ from what the specs give: {}.\n\
         Generated files are not edited by hand: change the spec, then run \
         `cargo xtask generate` and commit the result.",
        stale.len(),
        stale.join(", ")
    );
    ExitCode::FAILURE
}
