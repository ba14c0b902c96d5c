//! `cargo xtask publish`: the publishable crates in dependency order, packaged and verified
//! together (a dry run by default), or published with `--execute`, to crates.io or to a registry
//! configured the usual cargo way.

use std::collections::BTreeMap;
use std::ffi::{OsStr, OsString};
use std::fs;
use std::path::{Path, PathBuf};
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

/// A registry other than crates.io, as cargo knows it: by a name configured in
/// `.cargo/config.toml` or by `CARGO_REGISTRIES_<NAME>_INDEX`, plus the environment the cargo
/// commands run with (which can carry that configuration and a token).
#[derive(Clone)]
pub struct Registry {
    /// The registry's name, as given to `--registry`.
    pub name: String,
    /// Variables added to every cargo command's environment.
    pub env: Vec<(String, OsString)>,
}

impl std::fmt::Debug for Registry {
    /// The variables' names only: a value can be a registry token.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let names: Vec<&str> = self.env.iter().map(|(name, _)| name.as_str()).collect();
        f.debug_struct("Registry")
            .field("name", &self.name)
            .field("env", &names)
            .finish()
    }
}

impl Registry {
    /// The registry named `name`, configured the usual cargo way.
    pub fn named(name: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            env: Vec::new(),
        }
    }

    /// Runs cargo in `dir` with this registry's environment and `target` as its target
    /// directory; answers its stdout.
    pub(crate) fn run(&self, dir: &Path, args: &[&str], target: &Path) -> Result<String, Error> {
        let mut env: Vec<(&str, &OsStr)> = self
            .env
            .iter()
            .map(|(name, value)| (name.as_str(), value.as_os_str()))
            .collect();
        env.push(("CARGO_TARGET_DIR", target.as_os_str()));
        crate::process::run(dir, "cargo", args, &env).map(|ran| ran.stdout)
    }

    /// Whether the registry has `name` at `version` (asked from outside any workspace, so that
    /// cargo does not answer with the local package).
    fn has(&self, name: &str, version: &str, target: &Path) -> bool {
        let spec = format!("{name}@{version}");
        self.run(
            &std::env::temp_dir(),
            &["info", &spec, "--registry", &self.name],
            target,
        )
        .is_ok()
    }
}

/// A copy of the workspace at `root` in `stage` (its tracked and unignored files), with
/// `registry = "<name>"` added to each internal dependency in `[workspace.dependencies]`: a path
/// dependency with a version otherwise resolves on crates.io once published. The tree itself
/// stays crates.io-ready.
pub fn stage(root: &Path, stage: &Path, registry: &str) -> Result<(), Error> {
    let files = source_files(root)?;
    let _ = fs::remove_dir_all(stage);
    for file in &files {
        let (from, to) = (root.join(file), stage.join(file));
        if !from.is_file() {
            continue; // deleted in the work tree
        }
        let copied = to
            .parent()
            .map_or(Ok(()), fs::create_dir_all)
            .and_then(|()| fs::copy(&from, &to).map(|_| ()));
        copied.map_err(|source| Error::Write { path: to, source })?;
    }
    let manifest_path = stage.join("Cargo.toml");
    let mut manifest = crate::manifest::read(&manifest_path)?;
    let dependencies = manifest
        .get_mut("workspace")
        .and_then(|workspace| workspace.get_mut("dependencies"))
        .and_then(|dependencies| dependencies.as_table_like_mut())
        .ok_or_else(|| Error::Invalid {
            path: manifest_path.clone(),
            place: "workspace.dependencies".into(),
            message: "the workspace manifest has no [workspace.dependencies] table".into(),
        })?;
    for (_, dependency) in dependencies.iter_mut() {
        if let Some(table) = dependency.as_table_like_mut()
            && table.contains_key("path")
        {
            table.insert("registry", toml_edit::value(registry));
            table.fmt();
        }
    }
    crate::output::write_atomically(&manifest_path, &manifest.to_string())
}

/// Publishes `crates` (of the workspace at `root`) to `registry`: the versions it lacks, staged
/// in a copy of the workspace and published in dependency order by cargo itself (which waits
/// for each to be visible); the versions it has are skipped, so that a run stopped halfway is
/// finished by the next. Answers one line per crate.
pub fn execute_to(
    root: &Path,
    crates: &[Crate],
    registry: &Registry,
) -> Result<Vec<String>, Error> {
    let target = root.join("target");
    let mut lines = Vec::new();
    let mut missing = Vec::new();
    for krate in crates {
        if registry.has(&krate.name, &krate.version, &target) {
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
    publish_staged(root, &missing, registry, false)?;
    for krate in missing {
        lines.push(format!(
            "{} {}: published to {}",
            krate.name, krate.version, registry.name
        ));
    }
    Ok(lines)
}

/// Packages and verifies every crate together against `registry`, staged as for publishing.
pub fn dry_run_to(root: &Path, crates: &[Crate], registry: &Registry) -> Result<(), Error> {
    let crates: Vec<&Crate> = crates.iter().collect();
    publish_staged(root, &crates, registry, true)
}

/// Stages the workspace at `root` for `registry` and runs cargo's own multi-package publish of
/// `crates` from the copy (in dependency order, each waited for), or only packages and verifies
/// them when `dry_run`.
fn publish_staged(
    root: &Path,
    crates: &[&Crate],
    registry: &Registry,
    dry_run: bool,
) -> Result<(), Error> {
    forget_unpacked(crates.iter().copied());
    let staged = staging_dir(root, &registry.name);
    stage(root, &staged, &registry.name)?;
    let mut args = vec![
        "publish",
        "--registry",
        registry.name.as_str(),
        "--allow-dirty",
    ];
    if dry_run {
        args.push("--dry-run");
    }
    for krate in crates {
        args.extend(["--package", krate.name.as_str()]);
    }
    registry.run(&staged, &args, &root.join("target"))?;
    Ok(())
}

/// The workspace's files, relative to `root`: those git tracks or would track, or, outside a git
/// checkout (a staged copy), every file but the `target` folders.
fn source_files(root: &Path) -> Result<Vec<String>, Error> {
    if let Ok(listed) = run(
        root,
        "git",
        &[
            "ls-files",
            "--cached",
            "--others",
            "--exclude-standard",
            "-z",
        ],
    ) {
        return Ok(listed
            .split('\0')
            .filter(|file| !file.is_empty())
            .map(str::to_string)
            .collect());
    }
    let mut files = Vec::new();
    let mut folders = vec![PathBuf::new()];
    while let Some(folder) = folders.pop() {
        let entries = fs::read_dir(root.join(&folder)).map_err(|source| Error::Read {
            path: root.join(&folder),
            source,
        })?;
        for entry in entries.flatten() {
            let relative = folder.join(entry.file_name());
            match entry.file_type() {
                Ok(kind) if kind.is_dir() && entry.file_name() != "target" => {
                    folders.push(relative)
                }
                Ok(kind) if kind.is_file() => files.push(relative.to_string_lossy().into_owned()),
                _ => {}
            }
        }
    }
    Ok(files)
}

/// Where the workspace is staged for `registry`: under the target directory, which git ignores.
fn staging_dir(root: &Path, registry: &str) -> PathBuf {
    root.join("target").join("xtask-stage").join(registry)
}

/// The publishable crates of the workspace at `root`, from `cargo metadata`.
pub fn publishable(root: &Path) -> Result<Vec<Crate>, Error> {
    parse_metadata(&run(
        root,
        "cargo",
        &["metadata", "--format-version", "1", "--no-deps"],
    )?)
}

/// The publishable crates of a workspace staged for `registry` (its manifests name the
/// registry, so cargo needs the registry's environment to read them).
pub fn publishable_for(root: &Path, registry: &Registry) -> Result<Vec<Crate>, Error> {
    parse_metadata(&registry.run(
        root,
        &["metadata", "--format-version", "1", "--no-deps"],
        &root.join("target"),
    )?)
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

/// Packages and verifies every crate together, as crates.io would build them.
pub fn dry_run(root: &Path, crates: &[Crate], allow_dirty: bool) -> Result<(), Error> {
    forget_unpacked(crates);
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
    Registry::named("crates-io").has(name, version, &std::env::temp_dir())
}

/// Publishes `crates` in order: skips a version crates.io already has, and waits until each
/// published crate is visible before the next. Calls `done` with each crate once it is on
/// crates.io (and whether it was already), before going on. Answers one line per crate.
pub fn execute(
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
    fn staging_names_the_registry_on_internal_dependencies_only() {
        let root = std::env::temp_dir().join(format!("xtask-stage-test-{}", std::process::id()));
        let staged = root.join("staged");
        let source = root.join("source");
        fs::create_dir_all(source.join("crates/a/src")).unwrap();
        fs::create_dir_all(source.join("target/debug")).unwrap();
        fs::write(
            source.join("Cargo.toml"),
            "[workspace]\nmembers = [\"crates/a\"]\n\n[workspace.dependencies]\n\
             a = { path = \"crates/a\", version = \"0.2.0\" } # ours\nserde = \"1\"\n",
        )
        .unwrap();
        fs::write(source.join("crates/a/src/lib.rs"), "").unwrap();
        fs::write(source.join("target/debug/big"), "not copied").unwrap();
        stage(&source, &staged, "rehearsal").unwrap();
        let manifest = fs::read_to_string(staged.join("Cargo.toml")).unwrap();
        assert!(
            manifest.contains(
                "a = { path = \"crates/a\", version = \"0.2.0\", registry = \"rehearsal\" } # ours"
            ),
            "{manifest}"
        );
        assert!(manifest.contains("serde = \"1\"\n"), "{manifest}");
        assert!(staged.join("crates/a/src/lib.rs").is_file());
        assert!(!staged.join("target").exists());
        let _ = fs::remove_dir_all(&root);
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
