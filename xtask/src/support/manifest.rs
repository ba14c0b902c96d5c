//! Reading `Cargo.toml` files with a TOML parser, and setting a crate's version in them.

use std::fs;
use std::path::Path;

use toml_edit::DocumentMut;

use crate::Error;

/// The manifest at `path`, parsed.
pub(crate) fn read(path: &Path) -> Result<DocumentMut, Error> {
    let text = fs::read_to_string(path).map_err(|source| Error::read(path, source))?;
    text.parse()
        .map_err(|error: toml_edit::TomlError| Error::parse(path, error.to_string()))
}

/// The `[package]` `name` and `version` of the manifest at `path`, when both are plain strings
/// (not inherited from the workspace).
pub(crate) fn package(path: &Path) -> Result<Option<(String, String)>, Error> {
    let manifest = read(path)?;
    let field = |name: &str| {
        manifest
            .get("package")
            .and_then(|package| package.get(name))
            .and_then(|value| value.as_str())
            .map(str::to_string)
    };
    Ok(field("name").zip(field("version")))
}

/// Every package of the workspace at `root`: its name and its member folder, from the root
/// manifest's `[workspace] members` (paths, as this workspace writes them, no globs).
pub(crate) fn workspace_packages(root: &Path) -> Result<Vec<(String, String)>, Error> {
    let workspace = read(&root.join("Cargo.toml"))?;
    let members = workspace
        .get("workspace")
        .and_then(|w| w.get("members"))
        .and_then(|m| m.as_array())
        .map(|members| {
            members
                .iter()
                .filter_map(|m| m.as_str())
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_else(Vec::<String>::new);
    let mut packages = Vec::new();
    for member in members {
        // A scratch copy of the workspace may leave members out.
        let path = root.join(&member).join("Cargo.toml");
        if !path.is_file() {
            continue;
        }
        let manifest = read(&path)?;
        if let Some(name) = manifest
            .get("package")
            .and_then(|package| package.get("name"))
            .and_then(|name| name.as_str())
        {
            packages.push((name.to_string(), member));
        }
    }
    Ok(packages)
}

/// Sets the `[package]` version in the manifest at `manifest` (relative to the workspace `root`)
/// and the version of the crate's entry in the workspace's `[workspace.dependencies]`, when it
/// has one, to `version`.
pub(crate) fn set_version(
    root: &Path,
    krate: &str,
    manifest: &str,
    version: &str,
) -> Result<(), Error> {
    let path = root.join(manifest);
    let mut package = read(&path)?;
    package["package"]["version"] = toml_edit::value(version);
    crate::support::fs::write_atomically(&path, &package.to_string())?;
    let path = root.join("Cargo.toml");
    let mut workspace = read(&path)?;
    if let Some(entry) = workspace["workspace"]["dependencies"][krate].as_table_like_mut() {
        entry.insert("version", toml_edit::value(version));
    }
    crate::support::fs::write_atomically(&path, &workspace.to_string())
}
