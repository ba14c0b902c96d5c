//! `cargo xtask bench`: the figures of BENCHMARKS.md, each against a baseline measured in the
//! same run, and one summary line a script can read. By part: the runtime figures come from the
//! `telauth-bench` binary; `builds` times cold builds of a user crate; [`spec_cost`](mod@spec_cost) compares
//! our generation with progenitor's on a large document (`large` builds it); `report`
//! writes BENCHMARKS.md.

mod builds;
mod large;
mod report;
pub mod spec_cost;

use std::fs;
use std::path::Path;

use serde_json::Value;

use crate::Error;

pub use spec_cost::{SpecCost, spec_cost};

/// Where the report is written, relative to the workspace root.
pub const REPORT: &str = "BENCHMARKS.md";

/// How many pairs of cold checks (our crate, progenitor's) run, alternating.
const SPEC_ROUNDS: usize = 3;

/// Runs `program args` in `dir` with `envs`; answers stdout and the wall time in seconds.
fn timed(
    dir: &Path,
    program: &Path,
    args: &[&str],
    envs: &[(&str, &Path)],
) -> Result<(String, f64), Error> {
    let envs: Vec<(&str, &std::ffi::OsStr)> =
        envs.iter().map(|(k, v)| (*k, v.as_os_str())).collect();
    crate::support::process::run(dir, program, args, &envs)
        .map(|ran| (ran.stdout, ran.elapsed.as_secs_f64()))
}

/// The CPU time (user + system, seconds) of the children this process has waited for.
fn children_cpu_s() -> f64 {
    // cutime and cstime.
    stat_cpu_s(13)
}

/// The sum of the two CPU-time fields at `first` and `first + 1` (counted after the command
/// name) of `/proc/self/stat`, in seconds (clock ticks of 1/100 s, as on every Linux this runs
/// on); 0 elsewhere.
fn stat_cpu_s(first: usize) -> f64 {
    let ticks = fs::read_to_string("/proc/self/stat")
        .ok()
        .and_then(|stat| {
            // The command name is in parentheses and may hold spaces.
            let fields: Vec<u64> = stat
                .rsplit_once(')')?
                .1
                .split_whitespace()
                .map(|field| field.parse().unwrap_or(0))
                .collect();
            Some(fields.get(first)? + fields.get(first + 1)?)
        })
        .unwrap_or(0);
    ticks as f64 / 100.0
}

/// One cold build: wall seconds and CPU seconds (user + system).
#[derive(Clone, Copy, Debug)]
pub struct Build {
    /// Wall seconds.
    pub wall_s: f64,
    /// CPU seconds of the children (user + system).
    pub cpu_s: f64,
}

/// The median of `values` and their spread (largest minus smallest).
fn median_spread(mut values: Vec<f64>) -> (f64, f64) {
    values.sort_by(f64::total_cmp);
    let spread = values.last().copied().unwrap_or(0.0) - values.first().copied().unwrap_or(0.0);
    (values[values.len() / 2], spread)
}

/// The runtime figures: `telauth-bench` built in release and run, its JSON answer.
fn runtime_figures(root: &Path) -> Result<Value, Error> {
    // `cargo run` finds the binary wherever CARGO_TARGET_DIR puts it.
    let (json, _) = timed(
        root,
        Path::new("cargo"),
        &["run", "--release", "--quiet", "--package", "telauth-bench"],
        &[],
    )?;
    serde_json::from_str(json.trim()).map_err(|error| Error::command("telauth-bench", error))
}

/// The median seconds of `cargo xtask generate --check` (this xtask, already built), of 5.
fn generate_check_s(root: &Path) -> Result<f64, Error> {
    let xtask = std::env::current_exe().map_err(|error| Error::command("current_exe", error))?;
    let mut checks = Vec::new();
    for _ in 0..5 {
        checks.push(timed(root, &xtask, &["generate", "--check"], &[])?.1);
    }
    Ok(median_spread(checks).0)
}

/// Each provider's generated `client.rs` under `root`, and its size in bytes.
fn generated_sizes(root: &Path) -> Result<Vec<(String, u64)>, Error> {
    Ok(crate::providers::load(root)?
        .iter()
        .map(|provider| {
            let path = format!("{}/{}", provider.crate_dir, crate::GENERATED[1]);
            let size = fs::metadata(root.join(&path)).map_or(0, |m| m.len());
            (path, size)
        })
        .collect())
}

/// Runs every measurement, writes BENCHMARKS.md (keeping its notes written by hand), and
/// answers the summary line.
pub fn run(root: &Path, out: &mut dyn std::io::Write) -> Result<String, Error> {
    let _ = writeln!(out, "building and running telauth-bench (release)...");
    let runtime = runtime_figures(root)?;
    let _ = writeln!(out, "timing `cargo xtask generate --check`...");
    let generate_check_s = generate_check_s(root)?;
    let sizes = generated_sizes(root)?;
    let _ = writeln!(
        out,
        "cold builds of a user crate and of the baseline (a few minutes)..."
    );
    let scratch = std::env::temp_dir().join(format!("telauth-bench-{}", std::process::id()));
    let builds = builds::measure(root, &scratch.join("builds"), out);
    let cost = builds
        .is_ok()
        .then(|| spec_cost(root, &scratch.join("spec-cost"), SPEC_ROUNDS, out));
    let _ = fs::remove_dir_all(&scratch);
    let figures = report::Figures {
        runtime,
        generate_check_s,
        sizes,
        builds: builds?,
        cost: cost.unwrap_or_else(|| Err(Error::command("bench", "no spec cost")))?,
    };
    let path = root.join(REPORT);
    let existing = fs::read_to_string(&path).ok();
    let text = report::with_notes(&report::render(&figures, &machine()), existing.as_deref());
    fs::write(&path, text).map_err(|source| Error::Write { path, source })?;
    Ok(report::summary(&figures))
}

/// Cores, memory and toolchain, for the report.
fn machine() -> String {
    let cores = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(0);
    let memory = fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|info| {
            info.lines()
                .next()?
                .split_whitespace()
                .nth(1)?
                .parse::<u64>()
                .ok()
        })
        .map_or_else(
            || "unknown memory".into(),
            |kib| format!("{} GiB", kib / 1024 / 1024),
        );
    let rustc = crate::support::process::run(Path::new("."), "rustc", &["--version"], &[])
        .map(|ran| ran.stdout.trim().to_string())
        .unwrap_or_default();
    format!("{cores} cores, {memory}, {rustc}")
}

#[cfg(test)]
mod tests {
    /// The spec-cost part of the bench alone (the generations, then minutes of cold checks):
    /// `cargo test -p xtask --release spec_cost -- --ignored --nocapture`.
    #[test]
    #[ignore = "cold builds: minutes"]
    fn spec_cost() {
        let root = crate::workspace_root();
        let scratch =
            std::env::temp_dir().join(format!("telauth-spec-cost-{}", std::process::id()));
        let cost = super::spec_cost(&root, &scratch, 2, &mut std::io::stderr());
        let _ = std::fs::remove_dir_all(&scratch);
        let cost = cost.unwrap();
        eprintln!(
            "{cost:#?}\ngeneration {:?} (ours, progenitor's, load: s)\ngeneration ratio {:?}\n\
             check ratio {:?}",
            cost.generate_s(),
            cost.generate_ratio(),
            cost.check_ratio()
        );
        assert!(cost.operations >= super::spec_cost::OPERATIONS);
    }
}
