//! The command line of `cargo xtask`: it parses the arguments, dispatches to the job, and prints
//! the error that stops one, in one place; it writes to the streams it is given so tests can
//! read them.

use std::ffi::OsString;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use clap::{Parser, Subcommand};

use crate::publish::{Registry, Target};
use crate::{Error, FileState, Mode, ProviderReport};

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
        /// Only this provider (its short name: smsbeta, voipbin, ... as its crate telauth-NAME).
        #[arg(long)]
        provider: Option<String>,
        /// The workspace root (by default, the one this tool was built in).
        #[arg(long, hide = true)]
        root: Option<PathBuf>,
    },
    /// Compare each spec with its last release: one line per crate, `compatible` or
    /// `breaking` with each change and the next version; fail while a version is behind it.
    Audit {
        #[command(flatten)]
        baseline: BaselineArgs,
        /// The workspace root (by default, the one this tool was built in).
        #[arg(long, hide = true)]
        root: Option<PathBuf>,
    },
    /// Apply what the audit computed: each changed crate's version, telauth's when it
    /// re-exports one, their requirements in [workspace.dependencies], and a CHANGELOG.md
    /// section per crate (a dry run that prints the plan unless --write).
    Release {
        /// Write the plan.
        #[arg(long)]
        write: bool,
        #[command(flatten)]
        baseline: BaselineArgs,
        /// The workspace root (by default, the one this tool was built in).
        #[arg(long, hide = true)]
        root: Option<PathBuf>,
    },
    /// Compare a provider's published OpenAPI document (3.0 or 3.1, JSON or YAML) with our
    /// spec: one line per difference not recorded as deliberate (x-telauth-differs), then the
    /// provider's operations we do not cover; fail when there is a difference.
    Upstream {
        /// The provider (smsbeta, voipbin, mobivate, signalwire).
        provider: String,
        /// The provider's published document.
        file: PathBuf,
        /// The workspace root (by default, the one this tool was built in).
        #[arg(long, hide = true)]
        root: Option<PathBuf>,
    },
    /// Write the tables of specs/FIDELITY.md from the specs' x-telauth-differs and
    /// x-telauth-secret records.
    Fidelity {
        /// Write nothing; print a diff and fail if the document differs from what the specs
        /// give.
        #[arg(long)]
        check: bool,
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
        /// The workspace root (by default, the one this tool was built in).
        #[arg(long, hide = true)]
        root: Option<PathBuf>,
    },
    /// The whole release round trip on a local registry: publish every crate, build and run one
    /// consumer per provider crate from it against the sandbox, publish again (all skipped),
    /// then bump one crate and see only it published. Needs `cargo-http-registry` on the PATH.
    Rehearse,
    /// Add a provider: copy its spec to specs/NAME.yaml, scaffold crates/telauth-NAME, add it
    /// to the workspace and generate it. generate, audit, publish and bench then include it.
    NewProvider {
        /// The provider's short name (the crate is telauth-NAME).
        name: String,
        /// The provider's OpenAPI 3.0 or 3.1 document (its main file, when it is split over
        /// files by relative `$ref`s).
        #[arg(long, value_name = "FILE")]
        spec: PathBuf,
        /// Take only these operations and what they reach: `tag:NAME`, `op:OPERATION_ID` or
        /// `path:GLOB` (repeatable; an operation any of them selects is taken).
        #[arg(long, value_name = "SELECTOR")]
        only: Vec<crate::generate::Selector>,
        /// Keep the crate without `cargo check`ing it: for scratch copies of the workspace
        /// that cargo cannot build, whose tests check the crate themselves.
        #[arg(long, hide = true)]
        no_compile_check: bool,
        /// The target directory of the compile check (cargo's `--target-dir`).
        #[arg(long, value_name = "DIR")]
        target_dir: Option<PathBuf>,
        /// The workspace root (by default, the one this tool was built in).
        #[arg(long, hide = true)]
        root: Option<PathBuf>,
    },
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
    let generating = matches!(
        cli.command,
        Command::Generate { .. } | Command::NewProvider { .. }
    );
    match dispatch(cli.command, out, err) {
        Ok(code) => code,
        // The one place an error is printed.
        Err(error) => {
            let _ = writeln!(err, "error: {error}");
            if generating {
                let _ = writeln!(err, "{}", crate::generate::outcome(&error));
            }
            ExitCode::FAILURE
        }
    }
}

/// The workspace a job runs on: the `--root` given, or the one this tool was built in.
fn given(root: Option<PathBuf>) -> PathBuf {
    root.unwrap_or_else(crate::workspace_root)
}

/// Runs `command`; answers its exit status, or the error that stopped it.
fn dispatch(command: Command, out: &mut dyn Write, err: &mut dyn Write) -> Result<ExitCode, Error> {
    match command {
        Command::Generate {
            check,
            provider,
            root,
        } => generate(&given(root), provider.as_deref(), check, out, err),
        Command::Audit { baseline, root } => audit(&given(root), &baseline.baseline(), out, err),
        Command::Release {
            write,
            baseline,
            root,
        } => {
            crate::release::plan::run(&given(root), &baseline.baseline(), write, out)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Upstream {
            provider,
            file,
            root,
        } => {
            let clean = crate::upkeep::upstream::run(&given(root), &provider, &file, out)?;
            Ok(success_if(clean))
        }
        Command::Fidelity { check, root } => fidelity(&given(root), check, out, err),
        Command::Msrv => msrv(out, err),
        Command::Bench => {
            let summary = crate::bench::run(&crate::workspace_root(), out)?;
            let _ = writeln!(out, "wrote {}\n{summary}", crate::bench::REPORT);
            Ok(ExitCode::SUCCESS)
        }
        Command::Semver { package } => {
            crate::release::semver::run(&crate::workspace_root(), package, out)
        }
        Command::NewProvider {
            name,
            spec,
            only,
            no_compile_check,
            target_dir,
            root,
        } => {
            let check = (!no_compile_check).then_some(crate::generate::CompileCheck { target_dir });
            new_provider(&given(root), &name, &spec, &only, check, out)
        }
        Command::Rehearse => {
            crate::rehearse::run(&crate::workspace_root(), out)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Publish {
            execute,
            allow_dirty,
            registry,
            root,
        } => {
            let target = match registry {
                Some(name) => Target::Registry(Registry::named(name)),
                None => Target::CratesIo { allow_dirty },
            };
            crate::publish::run(&given(root), &target, execute, out)?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// Success when `ok`, failure otherwise.
fn success_if(ok: bool) -> ExitCode {
    if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// Generates (or, when `check`, compares) the selected providers' files and prints the report.
fn generate(
    root: &Path,
    provider: Option<&str>,
    check: bool,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<ExitCode, Error> {
    let mode = if check { Mode::Check } else { Mode::Write };
    let started = Instant::now();
    let generation = crate::generate(root, provider, mode)?;
    Ok(report(&generation.reports, started, out, err))
}

/// Writes (or, when `check`, compares) `specs/FIDELITY.md`; a difference fails, with its diff.
fn fidelity(
    root: &Path,
    check: bool,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<ExitCode, Error> {
    let fidelity = crate::upkeep::fidelity::FIDELITY;
    match crate::upkeep::fidelity::run(root, check)? {
        None if check => {
            let _ = writeln!(out, "fidelity: {fidelity} is what the specs give");
            Ok(ExitCode::SUCCESS)
        }
        None => {
            let _ = writeln!(out, "fidelity: {fidelity} written from the specs");
            Ok(ExitCode::SUCCESS)
        }
        Some(diff) => {
            let _ = write!(out, "{diff}");
            let _ = writeln!(
                err,
                "error: {fidelity} differs from what the specs' x-telauth-differs and \
                 x-telauth-secret give; run `cargo xtask fidelity`"
            );
            Ok(ExitCode::FAILURE)
        }
    }
}

/// Adds the provider `name` from `spec` and prints the files written.
fn new_provider(
    root: &Path,
    name: &str,
    spec: &Path,
    only: &[crate::generate::Selector],
    check: Option<crate::generate::CompileCheck>,
    out: &mut dyn Write,
) -> Result<ExitCode, Error> {
    let added = crate::generate::new_provider(root, name, spec, only, check)?;
    for file in &added.files {
        let _ = writeln!(out, "wrote {file}");
    }
    let _ = writeln!(
        out,
        "provider `{name}` added; hand-written layers (facade, command, sandbox) are optional \
         and per provider"
    );
    Ok(ExitCode::SUCCESS)
}

/// Where `audit` and `release` read the last released versions.
#[derive(clap::Args)]
struct BaselineArgs {
    /// Compare with the last versions in this registry (configured in .cargo/config.toml or
    /// by CARGO_REGISTRIES_<NAME>_INDEX) instead of crates.io.
    #[arg(long, value_name = "NAME")]
    registry: Option<String>,
    /// Take a copy of the workspace at this root as released, instead of a registry (for
    /// tests).
    #[arg(long, hide = true, conflicts_with = "registry")]
    baseline_root: Option<PathBuf>,
}

impl BaselineArgs {
    /// The baseline in the registry `--registry` names, crates.io without one (or the
    /// released copy `--baseline-root` names).
    fn baseline(self) -> crate::release::baseline::Baseline {
        use crate::release::baseline::Baseline;
        match (self.registry, self.baseline_root) {
            (_, Some(released)) => Baseline::Workspace(released),
            (Some(name), None) => Baseline::of(Registry::named(name)),
            (None, None) => Baseline::crates_io(),
        }
    }
}

/// Prints one line per crate; those behind their next version as errors, which fail.
fn audit(
    root: &Path,
    baseline: &crate::release::baseline::Baseline,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<ExitCode, Error> {
    let verdicts = crate::audit::audit(root, baseline)?;
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
            "audit: every crate's version is at least what its changes since its last version \
             in `{}` need",
            baseline.name()
        );
    }
    Ok(code)
}

/// Prints the declared rust-version, or each dependency that needs a newer one, which fails.
fn msrv(out: &mut dyn Write, err: &mut dyn Write) -> Result<ExitCode, Error> {
    let (declared, too_new) = crate::msrv::check(&crate::workspace_root())?;
    if too_new.is_empty() {
        let _ = writeln!(
            out,
            "msrv: every dependency of the published crates builds with Rust {declared}, \
             the declared rust-version"
        );
        return Ok(ExitCode::SUCCESS);
    }
    for dependency in too_new {
        let _ = writeln!(
            err,
            "error: {} needs Rust {}, newer than the declared rust-version {declared}",
            dependency.package, dependency.needs
        );
    }
    Ok(ExitCode::FAILURE)
}

/// Prints each provider's generation report; a stale file fails, with its diff.
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
