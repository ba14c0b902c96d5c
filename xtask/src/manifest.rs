//! Reading `Cargo.toml` files with a TOML parser.

use std::fs;
use std::path::Path;

use toml_edit::DocumentMut;

use crate::Error;

/// The manifest at `path`, parsed.
pub fn read(path: &Path) -> Result<DocumentMut, Error> {
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
pub fn package(path: &Path) -> Result<Option<(String, String)>, Error> {
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
