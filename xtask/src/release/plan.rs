//! `cargo xtask release`: what the audit computed, applied. Each provider crate whose spec
//! changed since its last version in the registry takes the version its change needs, `telauth`
//! too when it re-exports a changed crate (in its own manifest, so that the hand-written crates
//! that share the workspace version are not republished), their requirements in
//! `[workspace.dependencies]` follow, and `CHANGELOG.md` gets a section per crate from the
//! audit's change lines and the maintainer's notes under Unreleased ([`super::changelog`]).

use std::fmt;
use std::io::Write;
use std::path::Path;

use semver::Version;

use super::audit::{Verdict, audit};
use super::baseline::Baseline;
use super::changelog::{self, CHANGELOG, Entry};
use super::compat::Class;
use super::crates::{FACADE, FACADE_MANIFEST, HAND_WRITTEN, workspace_version};
use crate::Error;
use crate::providers::{self, Provider};

/// One crate the release writes.
#[derive(Clone, Debug)]
pub struct Step {
    /// The crate's package name.
    pub krate: String,
    /// Its manifest, relative to the workspace root (`None` for a crate whose version is the
    /// workspace's, which the release leaves as it is).
    pub manifest: Option<String>,
    /// Its version in the work tree.
    pub from: String,
    /// The version it is released at.
    pub to: String,
    /// Its last version in the registry.
    pub released: Option<String>,
    /// Its class, when the audit classed a change.
    pub class: Option<Class>,
    /// The changelog lines from the audit, by category.
    pub lines: Vec<(&'static str, String)>,
}

impl fmt::Display for Step {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let since = match &self.released {
            Some(released) => format!("since {released}"),
            None => "first release".into(),
        };
        let class = self.class.map(|c| format!("{c}, ")).unwrap_or_default();
        if self.from == self.to {
            write!(f, "{} {} ({class}{since})", self.krate, self.to)
        } else {
            write!(
                f,
                "{} {} -> {} ({class}{since})",
                self.krate, self.from, self.to
            )
        }
    }
}

/// What `cargo xtask release` writes.
#[derive(Clone, Debug)]
pub struct Plan {
    /// The crates released, providers first, then `telauth`, then the hand-written ones.
    pub steps: Vec<Step>,
    /// Notes under Unreleased that wait for a crate the release does not release.
    pub waiting: Vec<String>,
    /// The date the changelog sections carry.
    pub date: String,
    /// The registry the baseline came from.
    pub registry: String,
}

/// The release of the workspace at `root` against `baseline`'s registry.
pub fn plan(root: &Path, baseline: &Baseline) -> Result<Plan, Error> {
    let providers = providers::load(root)?;
    let verdicts = audit(root, baseline)?;
    let log = crate::support::fs::read(&root.join(CHANGELOG)).unwrap_or_default();
    let known = known_crates(&providers);
    let mut steps = Vec::new();
    for verdict in &verdicts {
        let manifest = if verdict.krate == FACADE {
            FACADE_MANIFEST.to_string()
        } else {
            let provider = providers.iter().find(|p| p.package() == verdict.krate);
            match provider {
                Some(provider) => format!("{}/Cargo.toml", provider.crate_dir),
                None => continue,
            }
        };
        if let Some(step) = step(verdict, Some(manifest), &log)? {
            steps.push(step);
        }
    }
    let version = workspace_version(root)?;
    for krate in HAND_WRITTEN {
        let mut released = baseline.latest(root, krate)?.map(|p| p.version);
        // A command (no library) cannot be fetched as a dependency: asked by its version.
        if let (None, Baseline::Registry(registry)) = (&released, baseline)
            && registry.has_under(root, krate, &version)?
        {
            released = Some(version.clone());
        }
        let verdict = Verdict {
            krate: krate.to_string(),
            version: version.clone(),
            released,
            changes: Vec::new(),
            next: None,
        };
        if let Some(step) = step(&verdict, None, &log)? {
            steps.push(step);
        }
    }
    let released: Vec<&str> = steps.iter().map(|s| s.krate.as_str()).collect();
    let waiting = unreleased_crates(&log, &known)
        .into_iter()
        .filter(|krate| !released.contains(&krate.as_str()))
        .collect();
    Ok(Plan {
        steps,
        waiting,
        date: changelog::today(),
        registry: baseline.name(),
    })
}

/// The step of one audited crate, if it has one: a version to take, or a version the registry
/// does not have yet whose changelog section is not written.
fn step(verdict: &Verdict, manifest: Option<String>, log: &str) -> Result<Option<Step>, Error> {
    let parse = |text: &str| {
        Version::parse(text).map_err(|error| {
            Error::command(
                "cargo xtask release",
                format!("{}: {text}: {error}", verdict.krate),
            )
        })
    };
    let current = parse(&verdict.version)?;
    let to = match &verdict.next {
        Some(next) if parse(next)? > current => next.clone(),
        _ => verdict.version.clone(),
    };
    if verdict.released.as_deref() == Some(to.as_str())
        || changelog::has_release(log, &verdict.krate, &to)
    {
        return Ok(None);
    }
    let lines = verdict
        .changes
        .iter()
        .map(|change| {
            let mut phrase = change.phrase.clone();
            if let Some(first) = phrase.get(..1) {
                phrase = first.to_uppercase() + &phrase[1..];
            }
            let breaking = if change.class == Class::Breaking {
                "**Breaking:** "
            } else {
                ""
            };
            (
                changelog::category(&change.phrase),
                format!("- {breaking}{phrase}."),
            )
        })
        .collect();
    Ok(Some(Step {
        krate: verdict.krate.clone(),
        manifest: manifest.filter(|_| to != verdict.version),
        from: verdict.version.clone(),
        to,
        released: verdict.released.clone(),
        class: verdict.class(),
        lines,
    }))
}

/// The crates among `known` named by a subsection heading under Unreleased.
fn unreleased_crates(log: &str, known: &[String]) -> Vec<String> {
    let mut crates = Vec::new();
    let mut inside = false;
    for line in log.lines() {
        if line.starts_with("## ") {
            inside = line.starts_with("## [Unreleased]");
        } else if inside && let Some(heading) = line.strip_prefix("### ") {
            for word in heading.split(|c: char| !(c.is_ascii_alphanumeric() || c == '-')) {
                if known.iter().any(|k| k == word) && !crates.iter().any(|c| c == word) {
                    crates.push(word.to_string());
                }
            }
        }
    }
    crates
}

/// The crate names a changelog heading can name: those of `providers`, the facade and the
/// hand-written crates.
fn known_crates(providers: &[Provider]) -> Vec<String> {
    let mut known: Vec<String> = providers.iter().map(Provider::package).collect();
    known.push(FACADE.into());
    known.extend(HAND_WRITTEN.map(String::from));
    known
}

/// Writes `plan` under `root`: the versions, the requirements, the changelog, and the
/// workspace's `Cargo.lock` (updated with `baseline`'s registry configured, which a workspace
/// staged for it needs).
pub fn apply(root: &Path, plan: &Plan, baseline: &Baseline) -> Result<(), Error> {
    for step in &plan.steps {
        if let Some(manifest) = &step.manifest {
            crate::support::manifest::set_version(root, &step.krate, manifest, &step.to)?;
        }
    }
    let path = root.join(CHANGELOG);
    let log = crate::support::fs::read(&path).unwrap_or_else(|_| "# Changelog\n\n".into());
    let entries: Vec<Entry> = plan
        .steps
        .iter()
        .map(|step| Entry {
            krate: step.krate.clone(),
            version: step.to.clone(),
            lines: step.lines.clone(),
        })
        .collect();
    let known = known_crates(&providers::load(root)?);
    let written = changelog::write(&log, &entries, &plan.date, &known);
    crate::support::fs::write_atomically(&path, &written)?;
    if plan.steps.iter().any(|step| step.manifest.is_some()) {
        // The lock file names the workspace's versions.
        let args = ["update", "--workspace", "--quiet"];
        match baseline {
            Baseline::Registry(registry) => {
                registry.run(root, &args, &root.join("target"))?;
            }
            Baseline::Workspace(_) => {
                crate::support::process::run(root, "cargo", &args, &[])?;
            }
        }
    }
    Ok(())
}

/// `cargo xtask release`: prints the plan, and writes it when `write`.
pub fn run(
    root: &Path,
    baseline: &Baseline,
    write: bool,
    out: &mut dyn Write,
) -> Result<Plan, Error> {
    let plan = plan(root, baseline)?;
    if plan.steps.is_empty() {
        let _ = writeln!(
            out,
            "release: nothing to release: every crate is at its last version in `{}` or has its \
             changelog section written",
            plan.registry
        );
    } else {
        let _ = writeln!(out, "release against `{}`:", plan.registry);
        for step in &plan.steps {
            let _ = writeln!(out, "  {step}");
            if let Some(manifest) = &step.manifest {
                let _ = writeln!(
                    out,
                    "    {manifest}: version {}; [workspace.dependencies] {} = {}",
                    step.to, step.krate, step.to
                );
            }
            let _ = writeln!(
                out,
                "    {CHANGELOG}: {} - {}",
                changelog::heading(&step.krate, &step.to),
                plan.date
            );
            for (_, line) in &step.lines {
                let _ = writeln!(out, "      {line}");
            }
        }
    }
    for krate in &plan.waiting {
        let _ = writeln!(
            out,
            "  {krate}: notes under Unreleased wait for its next version (a hand-written crate: \
             bump [workspace.package] version)"
        );
    }
    if write {
        apply(root, &plan, baseline)?;
        let _ = writeln!(
            out,
            "release: written; `cargo xtask audit` passes, `cargo xtask publish` sends them"
        );
    } else if !plan.steps.is_empty() {
        let _ = writeln!(out, "release: dry run; write it with --write");
    }
    Ok(plan)
}
