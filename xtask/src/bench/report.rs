//! BENCHMARKS.md and the summary line, from the figures `cargo xtask bench` measured.

use std::fmt::Write as _;

use serde_json::Value;

use super::builds::{BUILD_ROUNDS, BuildCost};
use super::spec_cost::SpecCost;

/// Every figure of one run of the bench.
pub(super) struct Figures {
    /// What `telauth-bench` printed.
    pub(super) runtime: Value,
    /// The median seconds of `cargo xtask generate --check`.
    pub(super) generate_check_s: f64,
    /// Each provider's generated `client.rs` and its size in bytes.
    pub(super) sizes: Vec<(String, u64)>,
    pub(super) builds: BuildCost,
    pub(super) cost: SpecCost,
}

impl Figures {
    /// The number at `pointer` in the runtime figures, NaN when absent.
    fn runtime(&self, pointer: &str) -> f64 {
        self.runtime
            .pointer(pointer)
            .and_then(Value::as_f64)
            .unwrap_or(f64::NAN)
    }
}

/// The facade's instructions per call over the baseline's for `call` (`login` or
/// `authenticated GET`) in `telauth-bench`'s figures: the last counted row of that call over its
/// first. NaN when none were counted.
fn instruction_ratio(runtime: &Value, call: &str) -> f64 {
    let per_call: Vec<f64> = runtime
        .pointer("/overhead/instructions")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter(|subject| subject["call"] == call)
        .filter_map(|subject| subject["per_call"].as_f64())
        .collect();
    match (per_call.first(), per_call.last()) {
        (Some(baseline), Some(facade)) => facade / baseline,
        _ => f64::NAN,
    }
}

fn met(ok: bool) -> &'static str {
    if ok { "met" } else { "MISSED" }
}

/// The one line a script reads.
pub(super) fn summary(figures: &Figures) -> String {
    let f = |pointer: &str| figures.runtime(pointer);
    let client_cpu_us =
        f("/overhead/login/client_cpu_us").max(f("/overhead/authenticated_get/client_cpu_us"));
    let sandbox_rps = f("/sandbox/login_rps").min(f("/sandbox/get_rps"));
    let (build_ratio, _) = figures.builds.ratio();
    let build_cpu_ratio =
        figures.builds.user.figure(|b| b.cpu_s).0 / figures.builds.baseline.figure(|b| b.cpu_s).0;
    format!(
        "summary: overhead_ratio={:.3} login_ratio={:.3} get_ratio={:.3} cache_hit_ns={:.0} \
         logins_for_1000={} generate_check_s={:.3} build_ratio={build_ratio:.3} \
         build_cpu_ratio={build_cpu_ratio:.3} client_cpu_us={client_cpu_us:.1} \
         sandbox_rps={sandbox_rps:.0} spec_generate_ratio={:.3} spec_check_ratio={:.3} \
         login_instructions_ratio={:.3} get_instructions_ratio={:.3}",
        f("/overhead/ratio"),
        f("/overhead/login/ratio"),
        f("/overhead/authenticated_get/ratio"),
        f("/cache_hit_ns"),
        f("/logins_for_1000"),
        figures.generate_check_s,
        figures.cost.generate_ratio().0,
        figures.cost.check_ratio().0,
        instruction_ratio(&figures.runtime, "login"),
        instruction_ratio(&figures.runtime, "authenticated GET"),
    )
}

/// The line after which BENCHMARKS.md holds notes written by hand (methods, findings, runs of
/// parts of the bench), which [`with_notes`] keeps when the bench rewrites the file.
pub(super) const NOTES: &str =
    "<!-- Notes written by hand below: `cargo xtask bench` keeps them. -->";

/// `generated`, then the notes `existing` holds from its [`NOTES`] line on, if it has one.
pub(super) fn with_notes(generated: &str, existing: Option<&str>) -> String {
    match existing.and_then(|text| Some(&text[text.find(NOTES)?..])) {
        Some(notes) => format!("{}\n\n{notes}", generated.trim_end()),
        None => generated.to_string(),
    }
}

/// BENCHMARKS.md, measured on `machine`.
pub(super) fn render(figures: &Figures, machine: &str) -> String {
    let mut report = format!(
        "<!-- Written by `cargo xtask bench` down to the notes; edit that, not this part. -->\n\
         # Benchmarks\n\n\
         Measured by `cargo xtask bench` on {machine}. Every comparison is a ratio against a \
         baseline measured in the same run, since absolute times on shared machines drift.\n\n"
    );
    calls(&mut report, figures);
    runtime(&mut report, figures);
    builds(&mut report, &figures.builds);
    spec_cost(&mut report, &figures.cost);
    let _ = writeln!(report, "Generated file sizes:\n");
    for (path, size) in &figures.sizes {
        let _ = writeln!(report, "- `{path}`: {size} bytes");
    }
    let _ = writeln!(report, "\n```\n{}\n```", summary(figures));
    report
}

/// The per-call comparison of the facade with hand-written reqwest.
fn calls(report: &mut String, figures: &Figures) {
    let rounds = figures.runtime("/overhead/login/rounds");
    let requests = figures.runtime("/overhead/login/requests_per_run");
    let _ = writeln!(
        report,
        "Per call, the facade (generated client, credential layer, transport) against the same \
         request written by hand with reqwest, on one loopback sandbox: {rounds} rounds, each a \
         run of {requests} calls of one client then one of the other (A B, then B A), on a \
         thread of their own; the ratio is of requests per second, per round. CPU per call is \
         `getrusage(RUSAGE_THREAD)` of the calling thread (the client's work), and \
         `getrusage(RUSAGE_SELF)` of the whole process (the sandbox's serving included).\n\n\
         | call | requests/s ratio, median | IQR / min–max over rounds | requests/s | CPU per call, calling thread | CPU per call, process | target |\n\
         |---|---|---|---|---|---|---|"
    );
    for (name, key) in [
        ("JSON login", "login"),
        (
            "authenticated GET (cookie `accesskey`)",
            "authenticated_get",
        ),
    ] {
        let f = |field: &str| figures.runtime(&format!("/overhead/{key}/{field}"));
        let _ = writeln!(
            report,
            "| {name} | {:.3} | {:.3}–{:.3} / {:.3}–{:.3} | {:.0} / {:.0} | {:.1} / {:.1} µs | {:.1} / {:.1} µs | >= 0.97: {} |",
            f("ratio"),
            f("ratio_q1"),
            f("ratio_q3"),
            f("ratio_min"),
            f("ratio_max"),
            f("client_rps"),
            f("baseline_rps"),
            f("client_cpu_us"),
            f("baseline_cpu_us"),
            f("client_process_cpu_us"),
            f("baseline_process_cpu_us"),
            met(f("ratio") >= 0.97),
        );
    }
    let _ = writeln!(report);
    login_layers(report, figures);
    instructions(report, figures);
}

/// Where the login's cost is: the calling thread's CPU per call of each layer of the facade's
/// path, each adding one piece to the layer before it.
fn login_layers(report: &mut String, figures: &Figures) {
    let Some(layers) = figures
        .runtime
        .pointer("/overhead/login_layers")
        .and_then(Value::as_array)
    else {
        return;
    };
    let _ = writeln!(
        report,
        "Where the login's cost is: the calling thread's CPU per call of each layer of the \
         facade's path, each adding one piece to the one before (medians of the same \
         interleaved rounds, the order reversed every other round):\n\n\
         | layer | CPU per call | more than the layer before |\n|---|---|---|"
    );
    let mut before: Option<f64> = None;
    for layer in layers {
        let name = layer["layer"].as_str().unwrap_or_default();
        let cpu_us = layer["cpu_us"].as_f64().unwrap_or(f64::NAN);
        let more = before.map_or_else(String::new, |before| format!("{:+.1} µs", cpu_us - before));
        let _ = writeln!(report, "| {name} | {cpu_us:.1} µs | {more} |");
        before = Some(cpu_us);
    }
    let _ = writeln!(report);
}

/// The instructions per call that callgrind counted for each login layer and for the GET both
/// ways: the same in every run of the same binary, where the timings above move.
fn instructions(report: &mut String, figures: &Figures) {
    let counted = figures.runtime.pointer("/overhead/instructions");
    if let Some(reason) = counted
        .and_then(|c| c.pointer("/skipped"))
        .and_then(Value::as_str)
    {
        let _ = writeln!(
            report,
            "Instructions per call: not counted ({reason}).
"
        );
        return;
    }
    let Some(counted) = counted.and_then(Value::as_array) else {
        return;
    };
    let _ = writeln!(
        report,
        "Instructions per call, as callgrind counts them on the calling thread (user space \
         only: the kernel's share of a call and cache misses are not in them), each the count \
         of 1,200 calls less that of 200, divided by 1,000. They are the same in every run of the \
         same binary, whatever else the machine does:\n\n\
         | what is called | instructions per call | against the row before, same call |\n|---|---|---|"
    );
    let mut before: Option<(&str, f64)> = None;
    for subject in counted {
        let call = subject["call"].as_str().unwrap_or_default();
        let name = subject["subject"].as_str().unwrap_or_default();
        let per_call = subject["per_call"].as_f64().unwrap_or(f64::NAN);
        let against = match before {
            Some((same, before)) if same == call => {
                format!("{:+.0} ({:.3}×)", per_call - before, per_call / before)
            }
            _ => String::new(),
        };
        let _ = writeln!(report, "| {name} | {per_call:.0} | {against} |");
        before = Some((call, per_call));
    }
    let _ = writeln!(
        report,
        "\nThe facade's instructions per call over the hand-written call's: login {:.3}, \
         authenticated GET {:.3}.\n",
        instruction_ratio(&figures.runtime, "login"),
        instruction_ratio(&figures.runtime, "authenticated GET"),
    );
}

/// The token cache, the sandbox under load, `generate --check`.
fn runtime(report: &mut String, figures: &Figures) {
    let f = |pointer: &str| figures.runtime(pointer);
    let _ = writeln!(
        report,
        "| figure | value | target |\n|---|---|---|\n\
         | token source, cached-token hit | {:.0} ns | well under 1 µs: {} |\n\
         | logins caused by 1,000 concurrent callers on an expired token | {} | exactly 1: {} |\n\
         | `cargo xtask generate --check`, the providers' specs, xtask built (median of 5) | {:.3} s | < 1 s: {} |\n\
         | sandbox, 64 connections for 4 s: VoIPBIN login | {:.0} req/s, {} errors | zero errors: {} |\n\
         | sandbox, 64 connections for 4 s: access-key GET | {:.0} req/s, {} errors | zero errors: {} |\n\
         | process memory (RSS) before / after the load | {} / {} KiB | flat |\n",
        f("/cache_hit_ns"),
        met(f("/cache_hit_ns") < 1000.0),
        f("/logins_for_1000"),
        met(f("/logins_for_1000") == 1.0),
        figures.generate_check_s,
        met(figures.generate_check_s < 1.0),
        f("/sandbox/login_rps"),
        f("/sandbox/login_errors"),
        met(f("/sandbox/login_errors") == 0.0),
        f("/sandbox/get_rps"),
        f("/sandbox/get_errors"),
        met(f("/sandbox/get_errors") == 0.0),
        f("/sandbox/rss_kib_before"),
        f("/sandbox/rss_kib_after"),
    );
}

/// The cold builds: user crate against baseline, then by TLS choice.
fn builds(report: &mut String, cost: &BuildCost) {
    let (ratio, ratio_spread) = cost.ratio();
    let (user_s, user_spread) = cost.user.figure(|b| b.wall_s);
    let (base_s, base_spread) = cost.baseline.figure(|b| b.wall_s);
    let (user_cpu, base_cpu) = (
        cost.user.figure(|b| b.cpu_s).0,
        cost.baseline.figure(|b| b.cpu_s).0,
    );
    let _ = writeln!(
        report,
        "Cold debug build of a crate depending on `telauth-voipbin` against one depending on \
         reqwest (rustls), serde and serde_json, median of {BUILD_ROUNDS} alternating pairs:\n\n\
         | figure | value | target |\n|---|---|---|\n\
         | wall time, user / baseline | {ratio:.3} (spread {ratio_spread:.3}; {user_s:.1} s ± {user_spread:.1} / {base_s:.1} s ± {base_spread:.1}) | <= 1.15: {} |\n\
         | CPU time (user + system), medians | {:.3} ({user_cpu:.1} s / {base_cpu:.1} s) | |\n\
         | crates built (normal and build dependencies) | {} / {} | |\n\n\
         By TLS choice (one build each, against the median of the default's builds above):\n\n\
         | TLS feature | wall | CPU (user + system) | wall / default's | crates built |\n\
         |---|---|---|---|---|\n\
         | `rustls` (aws-lc; the default) | {user_s:.1} s | {user_cpu:.1} s | 1.000 | {} |",
        met(ratio <= 1.15),
        user_cpu / base_cpu,
        cost.user.crates,
        cost.baseline.crates,
        cost.user.crates,
    );
    for (feature, build, crates) in &cost.tls {
        let _ = writeln!(
            report,
            "| `{feature}` | {:.1} s | {:.1} s | {:.3} | {crates} |",
            build.wall_s,
            build.cpu_s,
            build.wall_s / user_s
        );
    }
    let _ = writeln!(report);
}

/// Our generation against progenitor's, on the large document.
fn spec_cost(report: &mut String, cost: &SpecCost) {
    let (ratio, ratio_spread) = cost.generate_ratio();
    let (mocks_ratio, mocks_spread) = cost.generate_mocks_ratio();
    let (ours_s, plain_s, load_s) = cost.generate_s();
    let plain_mocks_s = cost.generate_mocks_s();
    let (cpu_ratio, cpu_mocks_ratio) = cost.cpu_ratios();
    let (check_ratio, check_spread) = cost.check_ratio();
    let (ours_check_s, plain_check_s) = cost.check_s();
    let _ = writeln!(
        report,
        "Cost as specs grow: a document of {} operations ({} bytes) grown at bench time from \
         `{}` (its paths and components copied under distinct names), generated by `cargo \
         xtask generate` (read, check, normalize, progenitor for the client and the mocks, the \
         passes, the credential layer, formatting) and by progenitor alone (`generate_tokens` \
         with the same interface, none of ours, on the same normalized document, formatted; \
         then also its `httpmock` extension, formatted, which gives the same outputs as ours), \
         in this process, interleaved; then a crate of each client checked cold (`cargo \
         check`, each in a fresh target directory, alternating):\n\n\
         | figure | ours | progenitor's | ours / progenitor's | target |\n|---|---|---|---|---|\n\
         | generation against the client alone, median of {} rounds | {:.0} ms | {:.0} ms | {ratio:.3} (spread {ratio_spread:.3}) | <= 1.2: {} |\n\
         | generation against the client and its mocks (the same outputs) | {:.0} ms | {:.0} ms | {mocks_ratio:.3} (spread {mocks_spread:.3}) | |\n\
         | CPU time of the generation (both threads of ours), median ratios against the client alone / against the client and mocks | | | {cpu_ratio:.3} / {cpu_mocks_ratio:.3} | |\n\
         | of which reading and checking the document (`openapi::load`, in both) | {:.0} ms | {:.0} ms | | |\n\
         | cold `cargo check` of the crate (with its dependencies), median of {} pairs | {ours_check_s:.1} s | {plain_check_s:.1} s | {check_ratio:.3} (spread {check_spread:.3}) | |\n\
         | lines of source (our httpmock.rs, behind its feature, left out) | {} | {} | {:.3} | |\n",
        cost.operations,
        cost.bytes,
        cost.template,
        cost.generations.len(),
        ours_s * 1000.0,
        plain_s * 1000.0,
        met(ratio <= 1.2),
        ours_s * 1000.0,
        plain_mocks_s * 1000.0,
        load_s * 1000.0,
        load_s * 1000.0,
        cost.checks.len(),
        cost.lines.0,
        cost.lines.1,
        cost.lines.0 as f64 / cost.lines.1.max(1) as f64,
    );
    let _ = writeln!(
        report,
        "Where our generation's time goes (the generation rounds):\n\n{}",
        cost.generation_table()
    );
}

#[cfg(test)]
mod tests {
    use super::{NOTES, instruction_ratio, with_notes};

    #[test]
    fn the_instruction_ratio_is_the_facade_over_the_baseline_of_the_same_call() {
        let runtime = serde_json::json!({ "overhead": { "instructions": [
            { "call": "login", "subject": "baseline", "per_call": 1000.0 },
            { "call": "login", "subject": "a layer", "per_call": 1500.0 },
            { "call": "login", "subject": "the facade", "per_call": 1100.0 },
            { "call": "authenticated GET", "subject": "baseline", "per_call": 2000.0 },
            { "call": "authenticated GET", "subject": "the facade", "per_call": 1900.0 },
        ]}});
        assert_eq!(instruction_ratio(&runtime, "login"), 1.1);
        assert_eq!(instruction_ratio(&runtime, "authenticated GET"), 0.95);
        let skipped =
            serde_json::json!({ "overhead": { "instructions": { "skipped": "no valgrind" } } });
        assert!(instruction_ratio(&skipped, "login").is_nan());
    }

    #[test]
    fn a_rewrite_keeps_the_notes_written_by_hand() {
        let old = format!("# Benchmarks\n\nold table\n\n{NOTES}\n\n## A method\n\nfindings\n");
        let new = with_notes("# Benchmarks\n\nnew table\n", Some(&old));
        assert_eq!(
            new,
            format!("# Benchmarks\n\nnew table\n\n{NOTES}\n\n## A method\n\nfindings\n")
        );
        assert_eq!(with_notes("new\n", Some("no notes")), "new\n");
        assert_eq!(with_notes("new\n", None), "new\n");
    }
}
