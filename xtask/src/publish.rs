//! `cargo xtask publish`: the publishable crates in dependency order, packaged and verified
//! together (a dry run by default), or published one by one with `--execute`.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::Error;

/// A crate the workspace publishes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Crate {
    /// Its name.
    pub name: String,
    /// Its version.
    pub version: String,
    /// The publishable workspace crates it depends on (normal and build dependencies).
    pub depends_on: Vec<String>,
}

/// Runs `program` with `args` in `dir`; answers its stdout, or an error naming the command.
fn run(dir: &Path, program: &str, args: &[&str]) -> Result<String, Error> {
    crate::process::run(dir, program, args, &[]).map(|ran| ran.stdout)
}

/// The publishable crates of the workspace at `root`, from `cargo metadata`.
pub fn publishable(root: &Path) -> Result<Vec<Crate>, Error> {
    let metadata = run(
        root,
        "cargo",
        &["metadata", "--format-version", "1", "--no-deps"],
    )?;
    let metadata: Value = serde_json::from_str(&metadata).map_err(|error| Error::Command {
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

/// Packages and verifies every crate together, as crates.io would build them.
pub fn dry_run(root: &Path, crates: &[Crate], allow_dirty: bool) -> Result<(), Error> {
    let mut args = vec!["publish", "--dry-run"];
    for krate in crates {
        args.extend(["--package", krate.name.as_str()]);
    }
    if allow_dirty {
        args.push("--allow-dirty");
    }
    run(root, "cargo", &args).map(|_| ())
}

/// Whether crates.io has `name` at `version` (asked from outside the workspace, so that cargo
/// does not answer with the local package).
fn published(name: &str, version: &str) -> bool {
    run(
        &std::env::temp_dir(),
        "cargo",
        &[
            "info",
            &format!("{name}@{version}"),
            "--registry",
            "crates-io",
        ],
    )
    .is_ok()
}

/// Publishes `crates` in order: skips a version crates.io already has, and waits until each
/// published crate is visible before the next. Answers one line per crate.
pub fn execute(root: &Path, crates: &[Crate], allow_dirty: bool) -> Result<Vec<String>, Error> {
    let mut lines = Vec::new();
    for krate in crates {
        if published(&krate.name, &krate.version) {
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
        run(root, "cargo", &args)?;
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
