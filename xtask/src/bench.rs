//! `cargo xtask bench`: the figures of BENCHMARKS.md, each against a baseline measured in the
//! same run, and one summary line a script can read.

use std::fmt::Write as _;
use std::fs;
use std::path::Path;

use serde_json::Value;

use crate::{Error, PROVIDERS};

/// Where the report is written, relative to the workspace root.
pub const REPORT: &str = "BENCHMARKS.md";

fn failed(command: &str, message: impl ToString) -> Error {
    Error::Command {
        command: command.to_string(),
        message: message.to_string(),
    }
}

/// Runs `program args` in `dir` with `envs`; answers stdout and the wall time in seconds.
fn timed(
    dir: &Path,
    program: &Path,
    args: &[&str],
    envs: &[(&str, &Path)],
) -> Result<(String, f64), Error> {
    let envs: Vec<(&str, &std::ffi::OsStr)> =
        envs.iter().map(|(k, v)| (*k, v.as_os_str())).collect();
    crate::process::run(dir, program, args, &envs)
        .map(|ran| (ran.stdout, ran.elapsed.as_secs_f64()))
}

/// A throwaway crate at `dir` with these `[dependencies]` lines.
fn scratch_crate(dir: &Path, dependencies: &str) -> Result<(), Error> {
    let write = |path: &Path, text: &str| {
        fs::write(path, text).map_err(|source| Error::Write {
            path: path.to_path_buf(),
            source,
        })
    };
    fs::create_dir_all(dir.join("src")).map_err(|source| Error::Write {
        path: dir.to_path_buf(),
        source,
    })?;
    write(
        &dir.join("Cargo.toml"),
        &format!(
            "[package]\nname = \"scratch\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n\
             [workspace]\n\n[dependencies]\n{dependencies}\n"
        ),
    )?;
    write(&dir.join("src/lib.rs"), "")
}

/// The cold build time (seconds) and the number of distinct crates built, of a scratch crate.
fn cold_build(dir: &Path, dependencies: &str) -> Result<(f64, usize), Error> {
    scratch_crate(dir, dependencies)?;
    let cargo = Path::new("cargo");
    let target = dir.join("target");
    let (tree, _) = timed(
        dir,
        cargo,
        &["tree", "--prefix", "none", "--edges", "normal,build"],
        &[],
    )?;
    let mut crates: Vec<&str> = tree
        .lines()
        .filter_map(|line| line.split(" v").next())
        .collect();
    crates.sort();
    crates.dedup();
    let (_, seconds) = timed(
        dir,
        cargo,
        &["build", "--quiet"],
        &[("CARGO_TARGET_DIR", &target)],
    )?;
    Ok((seconds, crates.len()))
}

/// Runs every measurement, writes BENCHMARKS.md, and answers the summary line.
pub fn run(root: &Path, out: &mut dyn std::io::Write) -> Result<String, Error> {
    let cargo = Path::new("cargo");
    let _ = writeln!(out, "building and running telauth-bench (release)...");
    // `cargo run` finds the binary wherever CARGO_TARGET_DIR puts it.
    let (json, _) = timed(
        root,
        cargo,
        &["run", "--release", "--quiet", "--package", "telauth-bench"],
        &[],
    )?;
    let runtime: Value =
        serde_json::from_str(json.trim()).map_err(|error| failed("telauth-bench", error))?;

    let _ = writeln!(out, "timing `cargo xtask generate --check`...");
    let xtask = std::env::current_exe().map_err(|error| failed("current_exe", error))?;
    let mut checks = Vec::new();
    for _ in 0..5 {
        checks.push(timed(root, &xtask, &["generate", "--check"], &[])?.1);
    }
    checks.sort_by(f64::total_cmp);
    let generate_check_s = checks[checks.len() / 2];
    let sizes: Vec<(String, u64)> = PROVIDERS
        .iter()
        .map(|provider| {
            let path = format!("{}/{}", provider.crate_dir, crate::GENERATED[1]);
            let size = fs::metadata(root.join(&path)).map(|m| m.len()).unwrap_or(0);
            (path, size)
        })
        .collect();

    let _ = writeln!(
        out,
        "cold builds of a user crate and of the baseline (a few minutes)..."
    );
    let scratch = std::env::temp_dir().join(format!("telauth-bench-{}", std::process::id()));
    let voipbin = root.join("crates/telauth-voipbin");
    let user = format!(
        "telauth-voipbin = {{ path = {:?} }}",
        voipbin.display().to_string()
    );
    let baseline = "reqwest = { version = \"0.13.4\", default-features = false, features = [\"rustls\", \"json\"] }\n\
                    serde = { version = \"1\", features = [\"derive\"] }\nserde_json = \"1\"";
    let built = cold_build(&scratch.join("baseline"), baseline)
        .and_then(|base| Ok((base, cold_build(&scratch.join("user"), &user)?)));
    let _ = fs::remove_dir_all(&scratch);
    let ((base_s, base_crates), (user_s, user_crates)) = built?;
    let build_ratio = user_s / base_s;

    let f = |pointer: &str| {
        runtime
            .pointer(pointer)
            .and_then(Value::as_f64)
            .unwrap_or(f64::NAN)
    };
    let overhead_ratio = f("/overhead/ratio");
    let cache_hit_ns = f("/cache_hit_ns");
    let logins_for_1000 = f("/logins_for_1000");
    let sandbox_rps = f("/sandbox/login_rps").min(f("/sandbox/get_rps"));
    let summary = format!(
        "summary: overhead_ratio={overhead_ratio:.3} cache_hit_ns={cache_hit_ns:.0} \
         logins_for_1000={logins_for_1000} generate_check_s={generate_check_s:.3} \
         build_ratio={build_ratio:.3} sandbox_rps={sandbox_rps:.0}"
    );

    let met = |ok: bool| if ok { "met" } else { "MISSED" };
    let mut report = String::new();
    let machine = machine();
    let _ = write!(
        report,
        "# Benchmarks\n\n\
         Measured by `cargo xtask bench` on {machine}. Every comparison is a ratio against a \
         baseline measured in the same run, since absolute times on shared machines drift.\n\n\
         | figure | value | baseline | target |\n|---|---|---|---|\n\
         | JSON login, requests/s: facade (generated client) / hand-written reqwest | {:.3} ({:.0} / {:.0}) | same request, same loopback sandbox | >= 0.95: {} |\n\
         | authenticated GET (cookie `accesskey`), requests/s, same comparison | {:.3} ({:.0} / {:.0}) | same | >= 0.95: {} |\n\
         | token source, cached-token hit | {cache_hit_ns:.0} ns | | well under 1 µs: {} |\n\
         | logins caused by 1,000 concurrent callers on an expired token | {logins_for_1000} | | exactly 1: {} |\n\
         | `cargo xtask generate --check`, 4 specs, xtask built (median of 5) | {generate_check_s:.3} s | | < 1 s: {} |\n\
         | cold debug build of a crate depending on `telauth-voipbin` / on reqwest+serde+serde_json | {build_ratio:.3} ({user_s:.1} s / {base_s:.1} s) | reqwest with rustls, serde, serde_json | <= 1.15: {} |\n\
         | crates built (normal and build dependencies) | {user_crates} / {base_crates} | | |\n\
         | sandbox, 64 connections for 4 s: VoIPBIN login | {:.0} req/s, {} errors | | zero errors: {} |\n\
         | sandbox, 64 connections for 4 s: access-key GET | {:.0} req/s, {} errors | | zero errors: {} |\n\
         | process memory (RSS) before / after the load | {} / {} KiB | | flat |\n\n",
        f("/overhead/login/ratio"),
        f("/overhead/login/client_rps"),
        f("/overhead/login/baseline_rps"),
        met(f("/overhead/login/ratio") >= 0.95),
        f("/overhead/authenticated_get/ratio"),
        f("/overhead/authenticated_get/client_rps"),
        f("/overhead/authenticated_get/baseline_rps"),
        met(f("/overhead/authenticated_get/ratio") >= 0.95),
        met(cache_hit_ns < 1000.0),
        met(logins_for_1000 == 1.0),
        met(generate_check_s < 1.0),
        met(build_ratio <= 1.15),
        f("/sandbox/login_rps"),
        f("/sandbox/login_errors"),
        met(f("/sandbox/login_errors") == 0.0),
        f("/sandbox/get_rps"),
        f("/sandbox/get_errors"),
        met(f("/sandbox/get_errors") == 0.0),
        f("/sandbox/rss_kib_before"),
        f("/sandbox/rss_kib_after"),
    );
    let _ = writeln!(report, "Generated file sizes:\n");
    for (path, size) in &sizes {
        let _ = writeln!(report, "- `{path}`: {size} bytes");
    }
    let _ = writeln!(report, "\n```\n{summary}\n```");
    let path = root.join(REPORT);
    fs::write(&path, report).map_err(|source| Error::Write { path, source })?;
    Ok(summary)
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
    let rustc = crate::process::run(Path::new("."), "rustc", &["--version"], &[])
        .map(|ran| ran.stdout.trim().to_string())
        .unwrap_or_default();
    format!("{cores} cores, {memory}, {rustc}")
}
