//! The baseline of the audit: each crate's last version in a registry, fetched the way cargo
//! fetches a dependency.
//!
//! A provider crate's package carries the spec it was generated from
//! ([`SPEC_COPY`](crate::generated_files::SPEC_COPY), written by
//! `cargo xtask generate`) beside its generated code, so the published package alone says what
//! was released: nothing is recorded in the work tree after a publish, a publish that stopped
//! halfway leaves the registry (and so the audit) telling exactly what went out, and a
//! registry that cannot be read is an error, never "not released".

use std::fs;
use std::path::{Path, PathBuf};

use serde_json::Value;

use super::crates::{FACADE, workspace_version};
use super::registry::Registry;
use crate::Error;

/// The name cargo gives crates.io.
pub const CRATES_IO: &str = "crates-io";

/// One version of a crate as a registry has it, unpacked by cargo.
#[derive(Clone, Debug)]
pub struct Published {
    /// The crate's package name.
    pub krate: String,
    /// The version the registry has (the one asked for, or the last).
    pub version: String,
    /// The folder cargo unpacked it into (its `Cargo.toml` is the normalized one).
    pub dir: PathBuf,
}

impl Published {
    /// The requirement its normalized manifest gives for `dependency`, if it depends on it.
    pub fn requirement(&self, dependency: &str) -> Result<Option<String>, Error> {
        let manifest = crate::support::manifest::read(&self.dir.join("Cargo.toml"))?;
        let Some(entry) = manifest
            .get("dependencies")
            .and_then(|dependencies| dependencies.get(dependency))
        else {
            return Ok(None);
        };
        if let Some(version) = entry.get("version").and_then(|v| v.as_str()) {
            return Ok(Some(version.to_string()));
        }
        // A workspace's own manifest (a [`Baseline::Workspace`]) inherits the requirement.
        let Some(root) = self.dir.parent().and_then(Path::parent) else {
            return Ok(None);
        };
        let workspace = crate::support::manifest::read(&root.join("Cargo.toml"))?;
        Ok(workspace
            .get("workspace")
            .and_then(|w| w.get("dependencies"))
            .and_then(|d| d.get(dependency))
            .and_then(|entry| entry.get("version"))
            .and_then(|v| v.as_str())
            .map(str::to_string))
    }
}

/// Where the audit's baseline comes from: a registry, asked from a throwaway crate under the
/// workspace's target folder (so that the workspace's `.cargo/config.toml` configures it); or,
/// for tests, a copy of the workspace taken as released.
#[derive(Clone, Debug)]
pub enum Baseline {
    /// The last versions in a registry.
    Registry(Registry),
    /// The crates of the workspace at this root, as if each were published at its version.
    Workspace(PathBuf),
}

impl Baseline {
    /// crates.io.
    pub fn crates_io() -> Self {
        Self::of(Registry::named(CRATES_IO))
    }

    /// The registry `registry`.
    pub fn of(registry: Registry) -> Self {
        Self::Registry(registry)
    }

    /// The registry's name, as cargo knows it (or the released copy's folder).
    pub fn name(&self) -> String {
        match self {
            Self::Registry(registry) => registry.name.clone(),
            Self::Workspace(root) => root.display().to_string(),
        }
    }

    /// The last version of `krate` in the registry (the highest one cargo would pick for `*`:
    /// no pre-release, no yanked version), or `None` when the registry has none.
    pub fn latest(&self, root: &Path, krate: &str) -> Result<Option<Published>, Error> {
        match self {
            Self::Registry(registry) => fetch(registry, root, krate, "*"),
            Self::Workspace(released) => in_workspace(released, krate, None),
        }
    }

    /// `krate` at exactly `version`, or `None` when the registry does not have it.
    pub fn exact(
        &self,
        root: &Path,
        krate: &str,
        version: &str,
    ) -> Result<Option<Published>, Error> {
        let version = version.trim_start_matches(['^', '=', '~', ' ']);
        match self {
            Self::Registry(registry) => fetch(registry, root, krate, &format!("={version}")),
            Self::Workspace(released) => in_workspace(released, krate, Some(version)),
        }
    }
}

/// `krate` in the workspace at `released` (at `version` only, when given).
fn in_workspace(
    released: &Path,
    krate: &str,
    version: Option<&str>,
) -> Result<Option<Published>, Error> {
    let dir = if krate == FACADE {
        released.join("crates/telauth")
    } else {
        released.join("crates").join(krate)
    };
    if !dir.join("Cargo.toml").is_file() {
        return Ok(None);
    }
    let manifest = crate::support::manifest::read(&dir.join("Cargo.toml"))?;
    let own = manifest
        .get("package")
        .and_then(|package| package.get("version"))
        .and_then(|version| version.as_str())
        .map(str::to_string);
    let found = match own {
        Some(own) => own,
        None => workspace_version(released)?,
    };
    if version.is_some_and(|version| version != found) {
        return Ok(None);
    }
    Ok(Some(Published {
        krate: krate.to_string(),
        version: found,
        dir,
    }))
}

/// `krate` as `registry` has it for `requirement`, unpacked by cargo.
fn fetch(
    registry: &Registry,
    root: &Path,
    krate: &str,
    requirement: &str,
) -> Result<Option<Published>, Error> {
    let dir = dependent_crate(registry, root, krate, requirement)?;
    let Some(metadata) = resolve(registry, root, &dir, krate)? else {
        return Ok(None);
    };
    let metadata: Value =
        serde_json::from_str(&metadata).map_err(|error| Error::command("cargo metadata", error))?;
    Ok(unpacked(&metadata, krate))
}

/// Writes a throwaway crate under `root`'s target folder that depends on `krate` at
/// `requirement` from `registry`; answers its folder.
fn dependent_crate(
    registry: &Registry,
    root: &Path,
    krate: &str,
    requirement: &str,
) -> Result<PathBuf, Error> {
    let slug: String = format!("{}-{krate}-{requirement}", registry.name)
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let dir = root.join("target").join("xtask-baseline").join(slug);
    let _ = fs::remove_dir_all(&dir);
    let named = if registry.name == CRATES_IO {
        String::new()
    } else {
        format!(", registry = \"{}\"", registry.name)
    };
    let manifest = format!(
        "[package]\nname = \"xtask-baseline\"\nversion = \"0.0.0\"\nedition = \"2021\"\n\
         publish = false\n\n[workspace]\n\n[dependencies]\n\
         {krate} = {{ version = \"{requirement}\"{named}, default-features = false }}\n"
    );
    crate::support::fs::write(&dir.join("Cargo.toml"), &manifest)?;
    crate::support::fs::write(&dir.join("src/lib.rs"), "")?;
    Ok(dir)
}

/// `cargo metadata` of the throwaway crate in `dir`, which resolves its dependency on `krate`;
/// `None` when the registry has no version of `krate` that fits.
fn resolve(
    registry: &Registry,
    root: &Path,
    dir: &Path,
    krate: &str,
) -> Result<Option<String>, Error> {
    let metadata = registry.run(
        dir,
        &["metadata", "--format-version", "1"],
        &root.join("target"),
    );
    match metadata {
        Ok(metadata) => Ok(Some(metadata)),
        Err(Error::Command { message, .. })
            if message.contains(&format!("no matching package named `{krate}` found"))
                || message.contains(&format!(
                    "failed to select a version for the requirement `{krate}"
                )) =>
        {
            Ok(None)
        }
        Err(Error::Command { command, message }) => Err(Error::Command {
            command,
            message: format!(
                "cannot read registry `{}` for {krate}: {message}",
                registry.name
            ),
        }),
        Err(other) => Err(other),
    }
}

/// `krate` as cargo unpacked it from a registry, found in `metadata`.
fn unpacked(metadata: &Value, krate: &str) -> Option<Published> {
    let package = metadata["packages"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|package| package["name"] == krate && !package["source"].is_null())?;
    let manifest = PathBuf::from(package["manifest_path"].as_str().unwrap_or_default());
    Some(Published {
        krate: krate.to_string(),
        version: package["version"].as_str().unwrap_or_default().to_string(),
        dir: manifest.parent().map(Path::to_path_buf).unwrap_or_default(),
    })
}
