//! The workspace's crates as the release sees them: the facade, which re-exports the provider
//! crates' types, the hand-written crates, and the versions the manifests give them.

use std::path::Path;

use crate::Error;

/// The facade, which re-exports the provider crates' types.
pub const FACADE: &str = "telauth";

/// The facade's manifest, relative to the workspace root.
pub const FACADE_MANIFEST: &str = "crates/telauth/Cargo.toml";

/// The hand-written crates that take the workspace version; the audit does not class their
/// changes, so the maintainer bumps `[workspace.package] version` for them.
pub const HAND_WRITTEN: [&str; 3] = ["telauth-runtime", "telauth-cli", "telauth-sandbox"];

/// The facade's version: its own `version`, or the workspace's when it inherits it.
pub(crate) fn facade_version(root: &Path) -> Result<String, Error> {
    let own = crate::support::manifest::read(&root.join(FACADE_MANIFEST))?;
    if let Some(version) = own
        .get("package")
        .and_then(|package| package.get("version"))
        .and_then(|version| version.as_str())
    {
        return Ok(version.to_string());
    }
    workspace_version(root)
}

/// The workspace's `[workspace.package]` version, which the hand-written crates inherit.
pub(crate) fn workspace_version(root: &Path) -> Result<String, Error> {
    let path = root.join("Cargo.toml");
    crate::support::manifest::read(&path)?
        .get("workspace")
        .and_then(|workspace| workspace.get("package"))
        .and_then(|package| package.get("version"))
        .and_then(|version| version.as_str())
        .map(str::to_string)
        .ok_or(Error::invalid(
            path,
            "workspace.package.version",
            "the workspace needs a version, which telauth and its siblings take",
        ))
}
