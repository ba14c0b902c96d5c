//! Cold builds of throwaway crates: a user crate of `telauth-voipbin` against a baseline of
//! reqwest, serde and serde_json, alternating, and the same user crate with each TLS choice.

use std::fs;
use std::path::Path;

use super::{Build, children_cpu_s, median_spread, timed};
use crate::Error;

/// How many times each of the two cold builds runs, alternating.
pub(super) const BUILD_ROUNDS: usize = 3;

/// The TLS features besides the default whose cold build is measured.
const TLS_CHOICES: [&str; 2] = ["rustls-ring", "native-tls"];

/// What the baseline crate depends on: what a hand-written client would.
const BASELINE: &str = "reqwest = { version = \"0.13.4\", default-features = false, features = [\"rustls\", \"json\"] }\n\
                        serde = { version = \"1\", features = [\"derive\"] }\nserde_json = \"1\"";

/// Cold builds of a scratch crate, and the number of distinct crates it builds.
pub(super) struct Builds {
    pub(super) runs: Vec<Build>,
    pub(super) crates: usize,
}

impl Builds {
    /// The median and spread of one measure of the runs.
    pub(super) fn figure(&self, pick: fn(&Build) -> f64) -> (f64, f64) {
        median_spread(self.runs.iter().map(pick).collect())
    }
}

/// Everything this module measures.
pub(super) struct BuildCost {
    /// The baseline's builds and the user crate's, alternating.
    pub(super) baseline: Builds,
    pub(super) user: Builds,
    /// One build of the user crate per other TLS choice: the feature, the build, the crates.
    pub(super) tls: Vec<(&'static str, Build, usize)>,
}

impl BuildCost {
    /// The median of the pairs' wall-time ratios (user / baseline), and its spread.
    pub(super) fn ratio(&self) -> (f64, f64) {
        median_spread(
            self.baseline
                .runs
                .iter()
                .zip(&self.user.runs)
                .map(|(b, u)| u.wall_s / b.wall_s)
                .collect(),
        )
    }
}

/// A throwaway crate at `dir` with these `[dependencies]` lines.
pub(super) fn scratch_crate(dir: &Path, dependencies: &str) -> Result<(), Error> {
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

/// `cargo <command> --quiet` in `dir`, in the target directory `dir/target`, timed: wall and
/// CPU seconds (of the children this process waited for).
pub(super) fn cargo_timed(dir: &Path, command: &str) -> Result<Build, Error> {
    let target = dir.join("target");
    let cpu_before = children_cpu_s();
    let (_, seconds) = timed(
        dir,
        Path::new("cargo"),
        &[command, "--quiet"],
        &[("CARGO_TARGET_DIR", &target)],
    )?;
    Ok(Build {
        wall_s: seconds,
        cpu_s: children_cpu_s() - cpu_before,
    })
}

/// The cold build (wall and CPU time) of a scratch crate, in a target directory of its own
/// that is removed afterwards, and the number of distinct crates built.
fn cold_build(dir: &Path, dependencies: &str) -> Result<(Build, usize), Error> {
    scratch_crate(dir, dependencies)?;
    let _ = fs::remove_dir_all(dir.join("target"));
    let (tree, _) = timed(
        dir,
        Path::new("cargo"),
        &["tree", "--prefix", "none", "--edges", "normal,build"],
        &[],
    )?;
    let crates = crate::support::process::distinct_crates(&tree);
    let build = cargo_timed(dir, "build")?;
    let _ = fs::remove_dir_all(dir.join("target"));
    Ok((build, crates.len()))
}

/// The cold builds under `scratch`: the baseline's and the user crate's, alternating,
/// [`BUILD_ROUNDS`] times each, so that a change in the machine's load reaches both alike;
/// then the user crate once with each other TLS choice.
pub(super) fn measure(
    root: &Path,
    scratch: &Path,
    out: &mut dyn std::io::Write,
) -> Result<BuildCost, Error> {
    let voipbin = root.join("crates/telauth-voipbin").display().to_string();
    let user = format!("telauth-voipbin = {{ path = {voipbin:?} }}");
    let mut cost = BuildCost {
        baseline: Builds {
            runs: Vec::new(),
            crates: 0,
        },
        user: Builds {
            runs: Vec::new(),
            crates: 0,
        },
        tls: Vec::new(),
    };
    for round in 1..=BUILD_ROUNDS {
        let _ = writeln!(out, "  cold builds, round {round} of {BUILD_ROUNDS}...");
        for (builds, dependencies, name) in [
            (&mut cost.baseline, BASELINE, "baseline"),
            (&mut cost.user, user.as_str(), "user"),
        ] {
            let (build, crates) = cold_build(&scratch.join(name), dependencies)?;
            builds.runs.push(build);
            builds.crates = crates;
        }
    }
    let _ = writeln!(out, "cold builds with the other TLS choices...");
    for feature in TLS_CHOICES {
        let dependency = format!(
            "telauth-voipbin = {{ path = {voipbin:?}, default-features = false, features = [\"{feature}\"] }}"
        );
        let (build, crates) = cold_build(&scratch.join(feature), &dependency)?;
        cost.tls.push((feature, build, crates));
    }
    Ok(cost)
}
