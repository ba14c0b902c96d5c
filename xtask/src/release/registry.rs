//! Publishing to a registry other than crates.io: the registry as cargo knows it, and the copy
//! of the workspace staged for it, whose internal dependencies name it.

use std::ffi::{OsStr, OsString};
use std::fs;
use std::path::{Path, PathBuf};

use crate::Error;

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
        // A target folder in the registry's environment (a test sharing one) wins.
        if !env.iter().any(|(name, _)| *name == "CARGO_TARGET_DIR") {
            env.push(("CARGO_TARGET_DIR", target.as_os_str()));
        }
        crate::support::process::run(dir, "cargo", args, &env).map(|ran| ran.stdout)
    }

    /// Whether the registry has `name` at `version` (asked from outside any workspace, so that
    /// cargo does not answer with the local package).
    pub(crate) fn has(&self, name: &str, version: &str, target: &Path) -> bool {
        self.has_from(&std::env::temp_dir(), name, version, target)
    }

    /// [`Self::has`], asked from a throwaway crate under `root`'s target folder, so that a
    /// registry configured in the workspace's `.cargo/config.toml` is found (a dependency on a
    /// crate without a library, such as a command, cannot be fetched to find out).
    pub(crate) fn has_under(&self, root: &Path, name: &str, version: &str) -> Result<bool, Error> {
        let probe = root.join("target").join("xtask-baseline").join("probe");
        crate::support::fs::write(
            &probe.join("Cargo.toml"),
            "[package]\nname = \"xtask-probe\"\nversion = \"0.0.0\"\nedition = \"2021\"\n\
             publish = false\n\n[workspace]\n",
        )?;
        crate::support::fs::write(&probe.join("src/lib.rs"), "")?;
        Ok(self.has_from(&probe, name, version, &root.join("target")))
    }

    fn has_from(&self, dir: &Path, name: &str, version: &str, target: &Path) -> bool {
        let spec = format!("{name}@{version}");
        self.run(dir, &["info", &spec, "--registry", &self.name], target)
            .is_ok()
    }

    /// Stages the workspace at `root` for this registry and runs cargo's own multi-package
    /// publish of the packages named `crates` from the copy (in dependency order, each waited
    /// for), or only packages and verifies them when `dry_run`.
    pub(crate) fn publish_staged(
        &self,
        root: &Path,
        crates: &[&str],
        dry_run: bool,
    ) -> Result<(), Error> {
        let staged = staging_dir(root, &self.name);
        stage(root, &staged, &self.name)?;
        let mut args = vec!["publish", "--registry", self.name.as_str(), "--allow-dirty"];
        if dry_run {
            args.push("--dry-run");
        }
        for krate in crates {
            args.extend(["--package", krate]);
        }
        self.run(&staged, &args, &root.join("target"))?;
        Ok(())
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
    let mut manifest = crate::support::manifest::read(&manifest_path)?;
    let dependencies = manifest
        .get_mut("workspace")
        .and_then(|workspace| workspace.get_mut("dependencies"))
        .and_then(|dependencies| dependencies.as_table_like_mut())
        .ok_or_else(|| {
            Error::invalid(
                &manifest_path,
                "workspace.dependencies",
                "the workspace manifest has no [workspace.dependencies] table",
            )
        })?;
    for (_, dependency) in dependencies.iter_mut() {
        if let Some(table) = dependency.as_table_like_mut()
            && table.contains_key("path")
        {
            table.insert("registry", toml_edit::value(registry));
            table.fmt();
        }
    }
    crate::support::fs::write_atomically(&manifest_path, &manifest.to_string())
}

/// The workspace's files, relative to `root`: those git tracks or would track, or, outside a git
/// checkout (a staged copy), every file but the `target` folders.
fn source_files(root: &Path) -> Result<Vec<String>, Error> {
    if let Ok(listed) = run_git(
        root,
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
        let entries = fs::read_dir(root.join(&folder))
            .map_err(|source| Error::read(root.join(&folder), source))?;
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

/// Runs git with `args` in `dir`; answers its stdout.
fn run_git(dir: &Path, args: &[&str]) -> Result<String, Error> {
    crate::support::process::run(dir, "git", args, &[]).map(|ran| ran.stdout)
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
