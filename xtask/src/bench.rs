//! `cargo xtask bench`: the figures of BENCHMARKS.md, each against a baseline measured in the
//! same run, and one summary line a script can read.

use std::fmt::Write as _;
use std::fs;
use std::path::Path;

use serde_json::Value;

use crate::{Error, PROVIDERS};

/// Where the report is written, relative to the workspace root.
pub const REPORT: &str = "BENCHMARKS.md";

/// How many times each of the two cold builds runs, alternating.
const BUILD_ROUNDS: usize = 3;

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

/// The CPU time (user + system, seconds) of the children this process has waited for, from
/// `/proc/self/stat` (in clock ticks of 1/100 s, as on every Linux this runs on).
fn children_cpu_s() -> f64 {
    let ticks = fs::read_to_string("/proc/self/stat")
        .ok()
        .and_then(|stat| {
            // Fields after the command name, which is in parentheses and may hold spaces:
            // cutime and cstime are the 14th and 15th of them.
            let fields: Vec<u64> = stat
                .rsplit_once(')')?
                .1
                .split_whitespace()
                .map(|field| field.parse().unwrap_or(0))
                .collect();
            Some(fields.get(13)? + fields.get(14)?)
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

/// Cold builds of a scratch crate, and the number of distinct crates it builds.
struct Builds {
    runs: Vec<Build>,
    crates: usize,
}

/// The median of `values` and their spread (largest minus smallest).
fn median_spread(mut values: Vec<f64>) -> (f64, f64) {
    values.sort_by(f64::total_cmp);
    let spread = values.last().copied().unwrap_or(0.0) - values.first().copied().unwrap_or(0.0);
    (values[values.len() / 2], spread)
}

/// The cold build (wall and CPU time) of a scratch crate, in a target directory of its own
/// that is removed afterwards, and the number of distinct crates built.
fn cold_build(dir: &Path, dependencies: &str) -> Result<(Build, usize), Error> {
    scratch_crate(dir, dependencies)?;
    let cargo = Path::new("cargo");
    let target = dir.join("target");
    let _ = fs::remove_dir_all(&target);
    let (tree, _) = timed(
        dir,
        cargo,
        &["tree", "--prefix", "none", "--edges", "normal,build"],
        &[],
    )?;
    let crates = crate::support::process::distinct_crates(&tree);
    let cpu_before = children_cpu_s();
    let (_, seconds) = timed(
        dir,
        cargo,
        &["build", "--quiet"],
        &[("CARGO_TARGET_DIR", &target)],
    )?;
    let build = Build {
        wall_s: seconds,
        cpu_s: children_cpu_s() - cpu_before,
    };
    let _ = fs::remove_dir_all(&target);
    Ok((build, crates.len()))
}

/// Cold builds of the baseline and of the user crate, alternating, `rounds` times each, so
/// that a change in the machine's load reaches both alike.
fn alternating_builds(
    scratch: &Path,
    baseline: &str,
    user: &str,
    rounds: usize,
    out: &mut dyn std::io::Write,
) -> Result<(Builds, Builds), Error> {
    let mut base = Builds {
        runs: Vec::new(),
        crates: 0,
    };
    let mut ours = Builds {
        runs: Vec::new(),
        crates: 0,
    };
    for round in 1..=rounds {
        let _ = writeln!(out, "  cold builds, round {round} of {rounds}...");
        for (builds, dependencies, name) in
            [(&mut base, baseline, "baseline"), (&mut ours, user, "user")]
        {
            let (build, crates) = cold_build(&scratch.join(name), dependencies)?;
            builds.runs.push(build);
            builds.crates = crates;
        }
    }
    Ok((base, ours))
}

/// How many pairs of cold checks (our crate, progenitor's) run, alternating.
const SPEC_ROUNDS: usize = 3;

/// How many times each generation (ours, progenitor's) is timed, alternating.
const GENERATION_ROUNDS: usize = 5;

/// The specs of the corpus besides the providers': the largest of all is measured.
const CORPUS: [&str; 3] = [
    "tests/fixtures/specs/shapes.yaml",
    "tests/fixtures/specs/hostile.yaml",
    "tests/fixtures/fifth-provider/vonage.yaml",
];

/// What our generation costs against progenitor's own, for the largest spec of the corpus.
#[derive(Debug)]
pub struct SpecCost {
    /// The spec, relative to the workspace root, and its size in bytes.
    pub spec: String,
    /// Its size in bytes.
    pub bytes: u64,
    /// Median seconds of our whole generation (load, normalize, progenitor for the client and
    /// the mocks, the passes, the credential layer, formatting) and of progenitor's
    /// (`generate_tokens` on the same document, formatted).
    pub generate_s: (f64, f64),
    /// The ratio of the medians, ours / progenitor's.
    pub generate_ratio: f64,
    /// Cold `cargo check` of a crate of our output and of one of progenitor's: each pair's
    /// seconds.
    pub checks: Vec<(Build, Build)>,
    /// Lines of each crate's sources.
    pub lines: (usize, usize),
}

impl SpecCost {
    /// The median of the pairs' ratios (ours / progenitor's), and its spread.
    pub fn check_ratio(&self) -> (f64, f64) {
        median_spread(
            self.checks
                .iter()
                .map(|(ours, plain)| ours.wall_s / plain.wall_s)
                .collect(),
        )
    }

    /// The median wall seconds of our check and of progenitor's.
    pub fn check_s(&self) -> (f64, f64) {
        (
            median_spread(self.checks.iter().map(|(ours, _)| ours.wall_s).collect()).0,
            median_spread(self.checks.iter().map(|(_, plain)| plain.wall_s).collect()).0,
        )
    }
}

/// The largest spec (in bytes) among the providers' and [`CORPUS`].
fn largest_spec(root: &Path) -> Result<(String, u64), Error> {
    let providers = crate::providers::load(root)?;
    providers
        .iter()
        .map(|provider| provider.spec.to_string())
        .chain(CORPUS.iter().map(|spec| spec.to_string()))
        .filter_map(|spec| Some((fs::metadata(root.join(&spec)).ok()?.len(), spec)))
        .max()
        .map(|(bytes, spec)| (spec, bytes))
        .ok_or_else(|| Error::Invalid {
            path: root.to_path_buf(),
            place: "bench".into(),
            message: "no spec to measure".into(),
        })
}

/// A scratch crate at `dir` holding `crate_`, checked cold in a target directory of its own.
fn cold_check(dir: &Path, crate_: &crate::generate::Standalone) -> Result<Build, Error> {
    let _ = fs::remove_dir_all(dir);
    scratch_crate(dir, &crate_.dependencies)?;
    for (path, text) in &crate_.files {
        let path = dir.join(path);
        let written = path
            .parent()
            .map_or(Ok(()), fs::create_dir_all)
            .and_then(|()| fs::write(&path, text));
        written.map_err(|source| Error::Write { path, source })?;
    }
    let target = dir.join("target");
    let cpu_before = children_cpu_s();
    let (_, seconds) = timed(
        dir,
        Path::new("cargo"),
        &["check", "--quiet"],
        &[("CARGO_TARGET_DIR", &target)],
    )?;
    let build = Build {
        wall_s: seconds,
        cpu_s: children_cpu_s() - cpu_before,
    };
    let _ = fs::remove_dir_all(dir);
    Ok(build)
}

/// Measures [`SpecCost`]: both generations timed in this process, alternating, then
/// `rounds` pairs of cold checks, alternating, under `scratch`.
pub fn spec_cost(
    root: &Path,
    scratch: &Path,
    rounds: usize,
    out: &mut dyn std::io::Write,
) -> Result<SpecCost, Error> {
    let (spec, bytes) = largest_spec(root)?;
    let runtime = root.join("crates/telauth-runtime");
    let _ = writeln!(
        out,
        "timing our generation of {spec} against progenitor's..."
    );
    let (mut ours_s, mut plain_s) = (Vec::new(), Vec::new());
    let (mut ours, mut plain) = (None, None);
    for _ in 0..GENERATION_ROUNDS {
        let started = std::time::Instant::now();
        ours = Some(crate::generate::ours(root, &spec, &runtime)?);
        ours_s.push(started.elapsed().as_secs_f64());
        let started = std::time::Instant::now();
        plain = Some(crate::generate::progenitor_plain(root, &spec)?);
        plain_s.push(started.elapsed().as_secs_f64());
    }
    let (ours, plain) = (
        ours.unwrap_or_else(|| unreachable!()),
        plain.unwrap_or_else(|| unreachable!()),
    );
    let generate_s = (median_spread(ours_s).0, median_spread(plain_s).0);
    let lines = |crate_: &crate::generate::Standalone| {
        crate_
            .files
            .iter()
            .filter(|(path, _)| !path.ends_with("httpmock.rs"))
            .map(|(_, text)| text.lines().count())
            .sum()
    };
    let mut checks = Vec::new();
    for round in 1..=rounds {
        let _ = writeln!(
            out,
            "  cold checks of both crates, round {round} of {rounds}..."
        );
        let ours_check = cold_check(&scratch.join("ours"), &ours)?;
        let plain_check = cold_check(&scratch.join("progenitor"), &plain)?;
        checks.push((ours_check, plain_check));
    }
    Ok(SpecCost {
        spec,
        bytes,
        generate_ratio: generate_s.0 / generate_s.1,
        generate_s,
        checks,
        lines: (lines(&ours), lines(&plain)),
    })
}

/// The TLS features besides the default whose cold build is measured.
const TLS_CHOICES: [&str; 2] = ["rustls-ring", "native-tls"];

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
    let runtime: Value = serde_json::from_str(json.trim())
        .map_err(|error| Error::command("telauth-bench", error))?;

    let _ = writeln!(out, "timing `cargo xtask generate --check`...");
    let xtask = std::env::current_exe().map_err(|error| Error::command("current_exe", error))?;
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
    let built = alternating_builds(&scratch, baseline, &user, BUILD_ROUNDS, out);
    let _ = writeln!(out, "cold builds with the other TLS choices...");
    let tls_choices: Result<Vec<(&str, Build, usize)>, Error> = TLS_CHOICES
        .iter()
        .map(|feature| {
            let dependency = format!(
                "telauth-voipbin = {{ path = {:?}, default-features = false, features = [\"{feature}\"] }}",
                voipbin.display().to_string()
            );
            let (build, crates) = cold_build(&scratch.join(feature), &dependency)?;
            Ok((*feature, build, crates))
        })
        .collect();
    let cost = spec_cost(root, &scratch.join("spec-cost"), SPEC_ROUNDS, out);
    let _ = fs::remove_dir_all(&scratch);
    let cost = cost?;
    let (check_ratio, check_ratio_spread) = cost.check_ratio();
    let (ours_check_s, plain_check_s) = cost.check_s();
    let (base, ours) = built?;
    let tls_choices = tls_choices?;
    let (base_crates, user_crates) = (base.crates, ours.crates);
    let figures = |builds: &Builds, pick: fn(&Build) -> f64| {
        median_spread(builds.runs.iter().map(pick).collect())
    };
    let (base_s, base_spread) = figures(&base, |b| b.wall_s);
    let (user_s, user_spread) = figures(&ours, |b| b.wall_s);
    let (base_cpu, _) = figures(&base, |b| b.cpu_s);
    let (user_cpu, _) = figures(&ours, |b| b.cpu_s);
    let (build_ratio, build_ratio_spread) = median_spread(
        base.runs
            .iter()
            .zip(&ours.runs)
            .map(|(b, u)| u.wall_s / b.wall_s)
            .collect(),
    );
    let build_cpu_ratio = user_cpu / base_cpu;

    let f = |pointer: &str| {
        runtime
            .pointer(pointer)
            .and_then(Value::as_f64)
            .unwrap_or(f64::NAN)
    };
    let overhead_ratio = f("/overhead/ratio");
    let client_cpu_us =
        f("/overhead/login/client_cpu_us").max(f("/overhead/authenticated_get/client_cpu_us"));
    let cache_hit_ns = f("/cache_hit_ns");
    let logins_for_1000 = f("/logins_for_1000");
    let sandbox_rps = f("/sandbox/login_rps").min(f("/sandbox/get_rps"));
    let summary = format!(
        "summary: overhead_ratio={overhead_ratio:.3} cache_hit_ns={cache_hit_ns:.0} \
         logins_for_1000={logins_for_1000} generate_check_s={generate_check_s:.3} \
         build_ratio={build_ratio:.3} build_cpu_ratio={build_cpu_ratio:.3} \
         client_cpu_us={client_cpu_us:.1} sandbox_rps={sandbox_rps:.0} \
         spec_generate_ratio={:.3} spec_check_ratio={check_ratio:.3}",
        cost.generate_ratio
    );

    let met = |ok: bool| if ok { "met" } else { "MISSED" };
    let mut report = String::new();
    let machine = machine();
    let _ = write!(
        report,
        "<!-- Written by `cargo xtask bench`; edit that, not this file. -->\n# Benchmarks\n\n\
         Measured by `cargo xtask bench` on {machine}. Every comparison is a ratio against a \
         baseline measured in the same run, since absolute times on shared machines drift.\n\n\
         | figure | value | baseline | target |\n|---|---|---|---|\n\
         | JSON login, requests/s: facade (generated client) / hand-written reqwest | {:.3} ({:.0} / {:.0}) | same request, same loopback sandbox | >= 0.97: {} |\n\
         | authenticated GET (cookie `accesskey`), requests/s, same comparison | {:.3} ({:.0} / {:.0}) | same | >= 0.97: {} |\n\
         | token source, cached-token hit | {cache_hit_ns:.0} ns | | well under 1 µs: {} |\n\
         | logins caused by 1,000 concurrent callers on an expired token | {logins_for_1000} | | exactly 1: {} |\n\
         | `cargo xtask generate --check`, 4 specs, xtask built (median of 5) | {generate_check_s:.3} s | | < 1 s: {} |\n\
         | cold debug build of a crate depending on `telauth-voipbin` / on reqwest+serde+serde_json, wall time, median of {BUILD_ROUNDS} alternating pairs | {build_ratio:.3} (spread {build_ratio_spread:.3}; {user_s:.1} s ± {user_spread:.1} / {base_s:.1} s ± {base_spread:.1}) | reqwest with rustls, serde, serde_json | <= 1.15: {} |\n\
         | the same builds, CPU time (user + system), medians | {build_cpu_ratio:.3} ({user_cpu:.1} s / {base_cpu:.1} s) | same | |\n\
         | client CPU per call (JSON login / authenticated GET): facade / hand-written reqwest | {:.1} / {:.1} µs and {:.1} / {:.1} µs | same calls | |\n\
         | crates built (normal and build dependencies) | {user_crates} / {base_crates} | | |\n\
         | sandbox, 64 connections for 4 s: VoIPBIN login | {:.0} req/s, {} errors | | zero errors: {} |\n\
         | sandbox, 64 connections for 4 s: access-key GET | {:.0} req/s, {} errors | | zero errors: {} |\n\
         | process memory (RSS) before / after the load | {} / {} KiB | | flat |\n\n",
        f("/overhead/login/ratio"),
        f("/overhead/login/client_rps"),
        f("/overhead/login/baseline_rps"),
        met(f("/overhead/login/ratio") >= 0.97),
        f("/overhead/authenticated_get/ratio"),
        f("/overhead/authenticated_get/client_rps"),
        f("/overhead/authenticated_get/baseline_rps"),
        met(f("/overhead/authenticated_get/ratio") >= 0.97),
        met(cache_hit_ns < 1000.0),
        met(logins_for_1000 == 1.0),
        met(generate_check_s < 1.0),
        met(build_ratio <= 1.15),
        f("/overhead/login/client_cpu_us"),
        f("/overhead/login/baseline_cpu_us"),
        f("/overhead/authenticated_get/client_cpu_us"),
        f("/overhead/authenticated_get/baseline_cpu_us"),
        f("/sandbox/login_rps"),
        f("/sandbox/login_errors"),
        met(f("/sandbox/login_errors") == 0.0),
        f("/sandbox/get_rps"),
        f("/sandbox/get_errors"),
        met(f("/sandbox/get_errors") == 0.0),
        f("/sandbox/rss_kib_before"),
        f("/sandbox/rss_kib_after"),
    );
    let _ = writeln!(
        report,
        "Cold debug build of a crate depending on `telauth-voipbin`, by TLS choice (wall and \
         CPU time; one build each, against the median of the default's builds above):\n\n\
         | TLS feature | wall | CPU (user + system) | wall / default's | crates built |\n\
         |---|---|---|---|---|\n\
         | `rustls` (aws-lc; the default) | {user_s:.1} s | {user_cpu:.1} s | 1.000 | {user_crates} |"
    );
    for (feature, build, crates) in &tls_choices {
        let _ = writeln!(
            report,
            "| `{feature}` | {:.1} s | {:.1} s | {:.3} | {crates} |",
            build.wall_s,
            build.cpu_s,
            build.wall_s / user_s
        );
    }
    let _ = writeln!(report);
    let _ = writeln!(
        report,
        "Cost as specs grow: the largest spec of the corpus (`{}`, {} bytes), generated by \
         `cargo xtask generate` (load, normalize, progenitor for the client and the mocks, the \
         passes, the credential layer, formatting) and by progenitor alone (`generate_tokens` \
         with the same interface, none of ours, on the same document, formatted), in this \
         process; then a crate of each output checked cold (`cargo check`, each in a fresh \
         target directory, alternating):\n\n\
         | figure | ours | progenitor's | ours / progenitor's |\n|---|---|---|---|\n\
         | generation, median of {GENERATION_ROUNDS} | {:.1} ms | {:.1} ms | {:.3} |\n\
         | cold `cargo check` of the crate (with its dependencies), median of {} pairs | {ours_check_s:.1} s | {plain_check_s:.1} s | {check_ratio:.3} (spread {check_ratio_spread:.3}) |\n\
         | lines of source (our httpmock.rs, behind its feature, left out) | {} | {} | {:.3} |\n",
        cost.spec,
        cost.bytes,
        cost.generate_s.0 * 1000.0,
        cost.generate_s.1 * 1000.0,
        cost.generate_ratio,
        cost.checks.len(),
        cost.lines.0,
        cost.lines.1,
        cost.lines.0 as f64 / cost.lines.1.max(1) as f64,
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
    let rustc = crate::support::process::run(Path::new("."), "rustc", &["--version"], &[])
        .map(|ran| ran.stdout.trim().to_string())
        .unwrap_or_default();
    format!("{cores} cores, {memory}, {rustc}")
}

#[cfg(test)]
mod tests {
    /// The spec-cost part of the bench alone (a few minutes of cold checks):
    /// `cargo test -p xtask spec_cost -- --ignored --nocapture`.
    #[test]
    #[ignore = "cold builds: minutes"]
    fn spec_cost() {
        let root = crate::workspace_root();
        let scratch =
            std::env::temp_dir().join(format!("telauth-spec-cost-{}", std::process::id()));
        let cost = super::spec_cost(&root, &scratch, 2, &mut std::io::stderr()).unwrap();
        let _ = std::fs::remove_dir_all(&scratch);
        eprintln!("{cost:#?}\ncheck ratio {:?}", cost.check_ratio());
        assert!(cost.generate_ratio > 0.0);
    }
}
