//! `cargo xtask publish`: the publishable crates in dependency order, packaged and verified
//! together (a dry run by default), or published with `--execute`, to a [`Target`]: crates.io,
//! or a registry configured the usual cargo way.

use std::collections::BTreeMap;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde_json::Value;

pub use super::registry::Registry;
use crate::Error;

/// A crate the workspace publishes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Crate {
    /// The package name, as `cargo publish --package` takes it.
    pub name: String,
    /// The version its manifest gives, which the publish sends.
    pub version: String,
    /// The publishable workspace crates it depends on (normal and build dependencies).
    pub depends_on: Vec<String>,
}

/// Where crates are published.
#[derive(Clone, Debug)]
pub enum Target {
    /// crates.io, from the work tree.
    CratesIo {
        /// Whether uncommitted changes in the work tree are allowed.
        allow_dirty: bool,
    },
    /// Another registry, from a copy of the workspace staged for it (see [`super::registry`]).
    Registry(Registry),
}

impl Target {
    /// The publishable crates of the workspace at `root`, from `cargo metadata` (run with a
    /// registry's environment, which a workspace staged for it needs to be read).
    pub fn publishable(&self, root: &Path) -> Result<Vec<Crate>, Error> {
        let args = ["metadata", "--format-version", "1", "--no-deps"];
        parse_metadata(&match self {
            Self::CratesIo { .. } => cargo(root, &args)?,
            Self::Registry(registry) => registry.run(root, &args, &root.join("target"))?,
        })
    }

    /// Packages and verifies every crate together, as the target would build them.
    pub fn dry_run(&self, root: &Path, crates: &[Crate]) -> Result<(), Error> {
        forget_unpacked(crates);
        match self {
            Self::CratesIo { allow_dirty } => {
                let mut args = vec!["publish", "--dry-run"];
                for krate in crates {
                    args.extend(["--package", krate.name.as_str()]);
                }
                if *allow_dirty {
                    args.push("--allow-dirty");
                }
                cargo(root, &args).map(|_| ())
            }
            Self::Registry(registry) => {
                let names: Vec<&str> = crates.iter().map(|krate| krate.name.as_str()).collect();
                registry.publish_staged(root, &names, true)
            }
        }
    }

    /// Publishes `crates` (of the workspace at `root`) in dependency order: the versions the
    /// target has are skipped, so that a run stopped halfway is finished by the next. Calls
    /// `done` with each crate once the target has it (and whether it had it already). Answers
    /// one line per crate.
    ///
    /// To crates.io, each crate is published on its own, waited for until it is visible, and
    /// `done` called before the next. To another registry, the missing versions are published
    /// together by cargo itself (which waits for each), from the staged copy.
    pub fn execute(
        &self,
        root: &Path,
        crates: &[Crate],
        done: &mut dyn FnMut(&Crate, bool) -> Result<(), Error>,
    ) -> Result<Vec<String>, Error> {
        match self {
            Self::CratesIo { allow_dirty } => to_crates_io(root, crates, *allow_dirty, done),
            Self::Registry(registry) => to_registry(root, crates, registry, done),
        }
    }
}

impl Target {
    /// Where the audit before a publish to this target takes its baseline: the target itself.
    pub fn baseline(&self) -> super::baseline::Baseline {
        match self {
            Self::CratesIo { .. } => super::baseline::Baseline::crates_io(),
            Self::Registry(registry) => super::baseline::Baseline::of(registry.clone()),
        }
    }
}

/// `cargo xtask publish`: refuses while the audit against `target` fails; prints the crates in
/// dependency order; then packages and verifies them all together, or, when `execute`,
/// publishes to `target` the versions it does not have. Nothing is recorded in the work tree:
/// the next audit reads what was published from the registry.
pub fn run(root: &Path, target: &Target, execute: bool, out: &mut dyn Write) -> Result<(), Error> {
    // Nothing is sent while a version is behind what its changes need.
    let verdicts = super::audit::audit(root, &target.baseline())?;
    if let Some(verdict) = verdicts.iter().find(|verdict| verdict.behind()) {
        return Err(Error::Command {
            command: "cargo xtask audit".into(),
            message: format!("{verdict}; nothing was published"),
        });
    }
    let crates = order(&target.publishable(root)?)?;
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
    if !execute {
        let started = Instant::now();
        target.dry_run(root, &crates)?;
        let _ = writeln!(
            out,
            "Dry run: all {} crates packaged and verified together in {} s; nothing was published \
             (publish with --execute).",
            crates.len(),
            started.elapsed().as_secs()
        );
        return Ok(());
    }
    let lines = target.execute(root, &crates, &mut |_, _| Ok(()))?;
    for line in lines {
        let _ = writeln!(out, "{line}");
    }
    Ok(())
}

/// Runs cargo with `args` in `dir`; answers its stdout, or an error naming the command.
fn cargo(dir: &Path, args: &[&str]) -> Result<String, Error> {
    crate::support::process::run(dir, "cargo", args, &[]).map(|ran| ran.stdout)
}

fn parse_metadata(metadata: &str) -> Result<Vec<Crate>, Error> {
    let metadata: Value = serde_json::from_str(metadata).map_err(|error| Error::Command {
        command: "cargo metadata".into(),
        message: error.to_string(),
    })?;
    Ok(from_metadata(&metadata))
}

/// The publishable packages of a `cargo metadata` document (`publish` absent, or naming a
/// registry), with their dependencies on each other.
fn from_metadata(metadata: &Value) -> Vec<Crate> {
    let packages = metadata["packages"].as_array().cloned().unwrap_or_default();
    let is_publishable = |package: &Value| match &package["publish"] {
        Value::Array(registries) => !registries.is_empty(),
        _ => true,
    };
    let names: Vec<String> = packages
        .iter()
        .filter(|package| is_publishable(package))
        .filter_map(|package| package["name"].as_str().map(str::to_string))
        .collect();
    packages
        .iter()
        .filter(|package| is_publishable(package))
        .map(|package| {
            let mut depends_on: Vec<String> = package["dependencies"]
                .as_array()
                .into_iter()
                .flatten()
                .filter(|dependency| dependency["kind"].as_str() != Some("dev"))
                .filter_map(|dependency| dependency["name"].as_str())
                .filter(|name| names.iter().any(|known| known == name))
                .map(str::to_string)
                .collect();
            depends_on.sort();
            depends_on.dedup();
            Crate {
                name: package["name"].as_str().unwrap_or_default().to_string(),
                version: package["version"].as_str().unwrap_or_default().to_string(),
                depends_on,
            }
        })
        .collect()
}

/// `crates` ordered so that each comes after the crates it depends on (ties by name).
pub fn order(crates: &[Crate]) -> Result<Vec<Crate>, Error> {
    let mut pending: BTreeMap<&str, &Crate> = crates.iter().map(|c| (c.name.as_str(), c)).collect();
    let mut ordered: Vec<Crate> = Vec::new();
    while !pending.is_empty() {
        let ready: Vec<&str> = pending
            .values()
            .filter(|c| {
                c.depends_on
                    .iter()
                    .all(|d| !pending.contains_key(d.as_str()))
            })
            .map(|c| c.name.as_str())
            .collect();
        if ready.is_empty() {
            return Err(Error::Command {
                command: "cargo xtask publish".into(),
                message: format!(
                    "the crates {} depend on each other in a cycle",
                    pending.keys().copied().collect::<Vec<_>>().join(", ")
                ),
            });
        }
        for name in ready {
            if let Some(krate) = pending.remove(name) {
                ordered.push(krate.clone());
            }
        }
    }
    Ok(ordered)
}

/// Removes cargo's unpacked copies of `crates` from the unnamed registries it unpacks local
/// packages into (`$CARGO_HOME/registry/src/-<hash>/<name>-<version>`). cargo verifies a
/// package against its packaged siblings there, and reuses a folder whose name and version it
/// has seen, even when the content changed since: an unreleased version packaged twice would be
/// verified against the first packaging.
fn forget_unpacked<'a>(crates: impl IntoIterator<Item = &'a Crate> + Clone) {
    let home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".cargo")));
    let Some(sources) = home.map(|home| home.join("registry").join("src")) else {
        return;
    };
    let Ok(registries) = fs::read_dir(&sources) else {
        return;
    };
    for registry in registries.flatten() {
        if !registry.file_name().to_string_lossy().starts_with('-') {
            continue; // a named registry, such as crates.io's
        }
        for krate in crates.clone() {
            let _ = fs::remove_dir_all(
                registry
                    .path()
                    .join(format!("{}-{}", krate.name, krate.version)),
            );
        }
    }
}

/// Whether crates.io has `name` at `version` (asked from outside the workspace, so that cargo
/// does not answer with the local package).
fn published(name: &str, version: &str) -> bool {
    Registry::named("crates-io").has(name, version, &std::env::temp_dir())
}

/// [`Target::execute`] to `registry`.
fn to_registry(
    root: &Path,
    crates: &[Crate],
    registry: &Registry,
    done: &mut dyn FnMut(&Crate, bool) -> Result<(), Error>,
) -> Result<Vec<String>, Error> {
    // Asked as a dependency is fetched, from under the workspace, so that a registry
    // configured in its `.cargo/config.toml` is found; a registry that cannot be read is an
    // error, not "missing".
    let baseline = super::baseline::Baseline::of(registry.clone());
    let mut lines = Vec::new();
    let mut missing = Vec::new();
    for krate in crates {
        let has = match baseline.exact(root, &krate.name, &krate.version)? {
            Some(_) => true,
            None => registry.has_under(root, &krate.name, &krate.version)?,
        };
        if has {
            done(krate, true)?;
            lines.push(format!(
                "{} {}: already in {}, skipped",
                krate.name, krate.version, registry.name
            ));
        } else {
            missing.push(krate);
        }
    }
    if missing.is_empty() {
        return Ok(lines);
    }
    forget_unpacked(missing.iter().copied());
    let names: Vec<&str> = missing.iter().map(|krate| krate.name.as_str()).collect();
    registry.publish_staged(root, &names, false)?;
    for krate in missing {
        done(krate, false)?;
        lines.push(format!(
            "{} {}: published to {}",
            krate.name, krate.version, registry.name
        ));
    }
    Ok(lines)
}

/// [`Target::execute`] to crates.io.
fn to_crates_io(
    root: &Path,
    crates: &[Crate],
    allow_dirty: bool,
    done: &mut dyn FnMut(&Crate, bool) -> Result<(), Error>,
) -> Result<Vec<String>, Error> {
    let mut lines = Vec::new();
    for krate in crates {
        if published(&krate.name, &krate.version) {
            done(krate, true)?;
            lines.push(format!(
                "{} {}: already on crates.io, skipped",
                krate.name, krate.version
            ));
            continue;
        }
        let mut args = vec!["publish", "--package", krate.name.as_str()];
        if allow_dirty {
            args.push("--allow-dirty");
        }
        cargo(root, &args)?;
        let started = Instant::now();
        while !published(&krate.name, &krate.version) {
            if started.elapsed() > Duration::from_secs(600) {
                return Err(Error::Command {
                    command: format!("cargo publish --package {}", krate.name),
                    message: "published, but not visible in the index after 10 minutes".into(),
                });
            }
            std::thread::sleep(Duration::from_secs(5));
        }
        done(krate, false)?;
        lines.push(format!("{} {}: published", krate.name, krate.version));
    }
    Ok(lines)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn dependencies_come_first_and_unpublishable_crates_are_left_out() {
        let dep = |name: &str, kind: Value| json!({ "name": name, "kind": kind });
        let metadata = json!({ "packages": [
            { "name": "facade", "version": "0.1.0", "publish": null,
              "dependencies": [dep("client-b", Value::Null), dep("runtime", Value::Null), dep("tests", json!("dev"))] },
            { "name": "client-b", "version": "0.2.0", "publish": null, "dependencies": [dep("runtime", Value::Null)] },
            { "name": "client-a", "version": "0.1.0", "publish": null, "dependencies": [dep("runtime", json!("build"))] },
            { "name": "runtime", "version": "0.1.0", "publish": null, "dependencies": [dep("serde", Value::Null)] },
            { "name": "tests", "version": "0.0.0", "publish": [], "dependencies": [dep("facade", Value::Null)] },
        ]});
        let ordered = order(&from_metadata(&metadata)).unwrap();
        let names: Vec<&str> = ordered.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["runtime", "client-a", "client-b", "facade"]);
        assert_eq!(ordered[0].depends_on, Vec::<String>::new());
        assert_eq!(ordered[3].depends_on, ["client-b", "runtime"]);
    }

    #[test]
    fn a_cycle_is_an_error() {
        let krate = |name: &str, on: &str| Crate {
            name: name.into(),
            version: "1.0.0".into(),
            depends_on: vec![on.into()],
        };
        let error = order(&[krate("a", "b"), krate("b", "a")]).unwrap_err();
        assert!(
            error.to_string().contains("a, b depend on each other"),
            "{error}"
        );
    }
}
