//! What our generation costs against progenitor's own, on a large document built at bench time:
//! both generations timed in this process, interleaved, and a crate of each output checked
//! cold.

use std::fs;
use std::path::Path;
use std::time::Instant;

use super::builds::{cargo_timed, scratch_crate};
use super::{Build, median_spread};
use crate::Error;
use crate::generate::{Stages, Standalone};

/// How many operations the large document has at least.
pub const OPERATIONS: usize = 500;

/// How many times each generation (ours, progenitor's) is timed, interleaved A B, B A.
const GENERATION_ROUNDS: usize = 6;

/// The specs of the corpus besides the providers': the largest of all is the template of the
/// large document.
const CORPUS: [&str; 3] = [
    "tests/fixtures/specs/shapes.yaml",
    "tests/fixtures/specs/hostile.yaml",
    "tests/fixtures/fifth-provider/vonage.yaml",
];

/// Where the large document is written, relative to its scratch root.
const LARGE: &str = "specs/large.yaml";

/// What our generation costs against progenitor's own, on the large document.
#[derive(Debug)]
pub struct SpecCost {
    /// The spec the large document was grown from, relative to the workspace root.
    pub template: String,
    /// The large document's operations and size in bytes.
    pub operations: usize,
    /// Its size in bytes.
    pub bytes: usize,
    /// Each round's seconds: our whole generation (read, check, normalize, progenitor for the
    /// client and the mocks, the passes, the credential layer, formatting), progenitor's
    /// (`generate_tokens` on the same normalized document, formatted), and reading and
    /// checking the document alone (`openapi::load`, the first stage of both).
    pub generations: Vec<Generation>,
    /// Cold `cargo check` of a crate of our output and of one of progenitor's: each pair.
    pub checks: Vec<(Build, Build)>,
    /// Lines of each crate's sources.
    pub lines: (usize, usize),
}

/// One round of [`SpecCost::generations`], in seconds.
#[derive(Clone, Debug)]
pub struct Generation {
    /// Our whole generation.
    pub ours_s: f64,
    /// progenitor's client alone.
    pub plain_s: f64,
    /// progenitor's client and its `httpmock` extension, both formatted: the same outputs as
    /// ours.
    pub plain_mocks_s: f64,
    /// The CPU seconds (user + system, of every thread of this process) of each of the three,
    /// in the same order: the work done, which other programs on the machine change less than
    /// the wall time.
    pub cpu_s: [f64; 3],
    /// Reading and checking the document.
    pub load_s: f64,
    /// Our generation's stages, with their seconds, in the order they ended.
    pub stages: Vec<(&'static str, f64)>,
    /// The stages of progenitor's client and mocks, likewise.
    pub plain_stages: Vec<(&'static str, f64)>,
}

impl SpecCost {
    /// The median of the rounds' generation ratios (ours / progenitor's client alone), and its
    /// spread.
    pub fn generate_ratio(&self) -> (f64, f64) {
        median_spread(
            self.generations
                .iter()
                .map(|g| g.ours_s / g.plain_s)
                .collect(),
        )
    }

    /// The median of the rounds' ratios of ours to progenitor's client with its `httpmock`
    /// extension (the same outputs), and its spread.
    pub fn generate_mocks_ratio(&self) -> (f64, f64) {
        median_spread(
            self.generations
                .iter()
                .map(|g| g.ours_s / g.plain_mocks_s)
                .collect(),
        )
    }

    /// The median seconds of our generation, progenitor's client alone, and the load alone.
    pub fn generate_s(&self) -> (f64, f64, f64) {
        let median = |pick: fn(&Generation) -> f64| {
            median_spread(self.generations.iter().map(pick).collect()).0
        };
        (
            median(|g| g.ours_s),
            median(|g| g.plain_s),
            median(|g| g.load_s),
        )
    }

    /// The median seconds of progenitor's client with its `httpmock` extension.
    pub fn generate_mocks_s(&self) -> f64 {
        median_spread(self.generations.iter().map(|g| g.plain_mocks_s).collect()).0
    }

    /// Each stage of our generation (`plain`: of progenitor's client and mocks), by name in
    /// the order of the first round, with the median of its seconds over the rounds and their
    /// spread.
    pub fn stages(&self, plain: bool) -> Vec<(&'static str, f64, f64)> {
        let of = |g: &Generation| -> Vec<(&'static str, f64)> {
            if plain {
                g.plain_stages.clone()
            } else {
                g.stages.clone()
            }
        };
        let names: Vec<&'static str> = self
            .generations
            .first()
            .map(|g| of(g).iter().map(|(name, _)| *name).collect())
            .unwrap_or_default();
        names
            .into_iter()
            .map(|name| {
                let seconds = self.generations.iter().map(|g| {
                    of(g)
                        .iter()
                        .filter(|(stage, _)| *stage == name)
                        .map(|(_, s)| s)
                        .sum::<f64>()
                });
                let (median, spread) = median_spread(seconds.collect());
                (name, median, spread)
            })
            .collect()
    }

    /// The medians over the rounds of our CPU seconds over progenitor's client's and over its
    /// client and mocks'.
    pub fn cpu_ratios(&self) -> (f64, f64) {
        let ratio = |of: usize| {
            median_spread(
                self.generations
                    .iter()
                    .map(|g| g.cpu_s[0] / g.cpu_s[of])
                    .collect(),
            )
            .0
        };
        (ratio(1), ratio(2))
    }

    /// The generation figures as Markdown: each round's seconds and ratios, wall and CPU, then
    /// our stages (medians over the rounds, in milliseconds; the mocks' stages run on their own
    /// thread, beside the client's).
    pub fn generation_table(&self) -> String {
        let mut table = format!(
            "{} operations ({} bytes) grown from `{}`, {} rounds; wall (CPU) milliseconds:\n\n\
             | round | ours | progenitor's client | its client and mocks | ours / client, wall (CPU) | ours / client and mocks, wall (CPU) | load |\n\
             |---|---|---|---|---|---|---|\n",
            self.operations,
            self.bytes,
            self.template,
            self.generations.len()
        );
        for (round, g) in self.generations.iter().enumerate() {
            let [ours_cpu, plain_cpu, mocks_cpu] = g.cpu_s;
            table.push_str(&format!(
                "| {} | {:.0} ({:.0}) | {:.0} ({:.0}) | {:.0} ({:.0}) | {:.3} ({:.3}) | {:.3} ({:.3}) | {:.0} |\n",
                round + 1,
                g.ours_s * 1000.0,
                ours_cpu * 1000.0,
                g.plain_s * 1000.0,
                plain_cpu * 1000.0,
                g.plain_mocks_s * 1000.0,
                mocks_cpu * 1000.0,
                g.ours_s / g.plain_s,
                ours_cpu / plain_cpu,
                g.ours_s / g.plain_mocks_s,
                ours_cpu / mocks_cpu,
                g.load_s * 1000.0,
            ));
        }
        let (ratio, spread) = self.generate_ratio();
        let (mocks_ratio, mocks_spread) = self.generate_mocks_ratio();
        let (cpu_ratio, cpu_mocks_ratio) = self.cpu_ratios();
        table.push_str(&format!(
            "\nMedian wall ratio against the client alone {ratio:.3} (spread {spread:.3}), against \
             the client and mocks {mocks_ratio:.3} (spread {mocks_spread:.3}); median CPU ratio \
             against the client alone {cpu_ratio:.3}, against the client and mocks \
             {cpu_mocks_ratio:.3}.\n\n\
             | our stage | median | spread |\n|---|---|---|\n"
        ));
        for (name, median, spread) in self.stages(false) {
            table.push_str(&format!(
                "| {name} | {:.0} ms | {:.0} ms |\n",
                median * 1000.0,
                spread * 1000.0
            ));
        }
        table.push_str(
            "\n| progenitor's stage (client and mocks) | median | spread |\n|---|---|---|\n",
        );
        for (name, median, spread) in self.stages(true) {
            table.push_str(&format!(
                "| {name} | {:.0} ms | {:.0} ms |\n",
                median * 1000.0,
                spread * 1000.0
            ));
        }
        table
    }

    /// The median of the pairs' cold-check ratios (ours / progenitor's), and its spread.
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
fn largest_spec(root: &Path) -> Result<String, Error> {
    let providers = crate::providers::load(root)?;
    providers
        .iter()
        .map(|provider| provider.spec.to_string())
        .chain(CORPUS.iter().map(|spec| spec.to_string()))
        .filter_map(|spec| Some((fs::metadata(root.join(&spec)).ok()?.len(), spec)))
        .max()
        .map(|(_, spec)| spec)
        .ok_or_else(|| Error::invalid(root, "bench", "no spec to measure"))
}

/// Writes the large document under `scratch` (its root for the generators), grown from the
/// largest spec under `root`; answers the template, the operations and the bytes.
fn write_large(root: &Path, scratch: &Path) -> Result<(String, usize, usize), Error> {
    let template = largest_spec(root)?;
    let path = root.join(&template);
    let text = fs::read_to_string(&path).map_err(|source| Error::read(&path, source))?;
    let (yaml, operations) = super::large::document(&path, &text, OPERATIONS)?;
    let large = scratch.join(LARGE);
    let written = large
        .parent()
        .map_or(Ok(()), fs::create_dir_all)
        .and_then(|()| fs::write(&large, &yaml));
    written.map_err(|source| Error::Write {
        path: large,
        source,
    })?;
    Ok((template, operations, yaml.len()))
}

/// `work` timed, in wall seconds, with what it answered.
fn seconds<T>(work: impl FnOnce() -> Result<T, Error>) -> Result<(T, f64), Error> {
    let started = Instant::now();
    work().map(|value| (value, started.elapsed().as_secs_f64()))
}

/// The stages of `stages`, in seconds.
fn seconds_of(stages: &Stages) -> Vec<(&'static str, f64)> {
    stages
        .times()
        .iter()
        .map(|(name, time)| (*name, time.as_secs_f64()))
        .collect()
}

/// `work` timed, in wall seconds and in CPU seconds of this process, with what it answered.
fn work_seconds<T>(work: impl FnOnce() -> Result<T, Error>) -> Result<(T, f64, f64), Error> {
    let cpu = process_cpu_s();
    let (value, wall) = seconds(work)?;
    Ok((value, wall, process_cpu_s() - cpu))
}

/// The CPU time (user + system, seconds) of this process so far, every thread.
fn process_cpu_s() -> f64 {
    // utime and stime.
    super::stat_cpu_s(11)
}

/// The generations of the document at `scratch/LARGE`, `rounds` times, interleaved (in even
/// rounds ours, progenitor's client, progenitor's client and mocks; in odd ones the reverse),
/// each round with the load alone and our stages; answers the rounds and the last outputs of
/// ours and of progenitor's client.
pub fn generations(
    scratch: &Path,
    runtime: &Path,
    rounds: usize,
) -> Result<(Vec<Generation>, Standalone, Standalone), Error> {
    let ours = |stages: &mut Stages| crate::generate::ours(scratch, LARGE, runtime, stages);
    let plain = |mocks, stages: &mut Stages| {
        crate::generate::progenitor_plain(scratch, LARGE, mocks, stages)
    };
    let (mut outputs, mut timings) = (None, Vec::new());
    for round in 0..rounds {
        let (mut stages, mut plain_stages) = (Stages::on(), Stages::on());
        let (ours_out, plain_out, plain_mocks);
        if round % 2 == 0 {
            ours_out = work_seconds(|| ours(&mut stages))?;
            plain_out = work_seconds(|| plain(false, &mut Stages::off()))?;
            plain_mocks = work_seconds(|| plain(true, &mut plain_stages))?;
        } else {
            plain_mocks = work_seconds(|| plain(true, &mut plain_stages))?;
            plain_out = work_seconds(|| plain(false, &mut Stages::off()))?;
            ours_out = work_seconds(|| ours(&mut stages))?;
        }
        let (_, load_s) = seconds(|| crate::openapi::load(scratch, LARGE))?;
        let ((our_crate, ours_s, ours_cpu), (plain_crate, plain_s, plain_cpu)) =
            (ours_out, plain_out);
        timings.push(Generation {
            ours_s,
            plain_s,
            plain_mocks_s: plain_mocks.1,
            cpu_s: [ours_cpu, plain_cpu, plain_mocks.2],
            load_s,
            stages: seconds_of(&stages),
            plain_stages: seconds_of(&plain_stages),
        });
        outputs = Some((our_crate, plain_crate));
    }
    let (ours, plain) = outputs.ok_or_else(|| Error::command("bench", "no generation round"))?;
    Ok((timings, ours, plain))
}

/// A scratch crate at `dir` holding `crate_`, checked cold in a target directory of its own.
fn cold_check(dir: &Path, crate_: &Standalone) -> Result<Build, Error> {
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
    let build = cargo_timed(dir, "check");
    let _ = fs::remove_dir_all(dir);
    build
}

/// Lines of a crate's sources, our `httpmock.rs` (behind its feature) left out.
fn lines(crate_: &Standalone) -> usize {
    crate_
        .files
        .iter()
        .filter(|(path, _)| !path.ends_with("httpmock.rs"))
        .map(|(_, text)| text.lines().count())
        .sum()
}

/// Measures [`SpecCost`] under `scratch`: the large document written, both generations timed
/// in this process ([`generations`]), then `rounds` pairs of cold checks, alternating.
pub fn spec_cost(
    root: &Path,
    scratch: &Path,
    rounds: usize,
    out: &mut dyn std::io::Write,
) -> Result<SpecCost, Error> {
    let (template, operations, bytes) = write_large(root, scratch)?;
    let _ = writeln!(
        out,
        "timing our generation of {operations} operations (grown from {template}) against \
         progenitor's..."
    );
    let runtime = root.join("crates/telauth-runtime");
    let (generations, ours, plain) = generations(scratch, &runtime, GENERATION_ROUNDS)?;
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
        template,
        operations,
        bytes,
        generations,
        checks,
        lines: (lines(&ours), lines(&plain)),
    })
}

#[cfg(test)]
mod tests {
    use super::{GENERATION_ROUNDS, OPERATIONS, SpecCost, generations, write_large};

    /// The generation half of the spec-cost part alone (no cold checks: seconds, not
    /// minutes), with our stages: `cargo test -p xtask generation_stages -- --ignored
    /// --nocapture` (add `--release` to time an optimized xtask; `cargo xtask bench` runs a
    /// debug one).
    #[test]
    #[ignore = "times generation: tens of seconds"]
    fn generation_stages() {
        let root = crate::workspace_root();
        let scratch =
            std::env::temp_dir().join(format!("telauth-generation-{}", std::process::id()));
        let (template, operations, bytes) = write_large(&root, &scratch).unwrap();
        let runtime = root.join("crates/telauth-runtime");
        let timed = generations(&scratch, &runtime, GENERATION_ROUNDS);
        let _ = std::fs::remove_dir_all(&scratch);
        let cost = SpecCost {
            template,
            operations,
            bytes,
            generations: timed.unwrap().0,
            checks: Vec::new(),
            lines: (0, 0),
        };
        eprintln!("{}", cost.generation_table());
        assert!(cost.operations >= OPERATIONS);
    }
}
