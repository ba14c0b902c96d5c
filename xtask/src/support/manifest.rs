//! Reading `Cargo.toml` files with a TOML parser, and setting a crate's version in them.

use std::fs;
use std::path::Path;

use toml_edit::DocumentMut;

use crate::Error;

/// The manifest at `path`, parsed.
pub(crate) fn read(path: &Path) -> Result<DocumentMut, Error> {
    let text = fs::read_to_string(path).map_err(|source| Error::Read {
        path: path.to_path_buf(),
        source,
    })?;
    text.parse()
        .map_err(|error: toml_edit::TomlError| Error::Parse {
            path: path.to_path_buf(),
            message: error.to_string(),
        })
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
