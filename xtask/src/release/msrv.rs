//! `cargo xtask msrv`: the workspace's declared `rust-version` holds for what users build.
//!
//! This machine has one toolchain, so the check is made from what the crates declare: every
//! crate a publishable workspace crate pulls in (normal and build dependencies, resolved as in
//! `Cargo.lock`) must declare a `rust-version` no newer than the workspace's. The standard
//! library APIs the workspace itself uses are checked by clippy's `incompatible_msrv` lint, which
//! reads the same `rust-version` and which CI runs with warnings denied.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use serde_json::Value;

use crate::Error;

/// A dependency that needs a newer Rust than the workspace declares.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TooNew {
    /// The dependency, as `name@version`.
    pub package: String,
    /// The `rust-version` it declares.
    pub needs: String,
}

/// The workspace's declared `rust-version` and the dependencies of its publishable crates that
/// declare a newer one.
pub fn check(root: &Path) -> Result<(String, Vec<TooNew>), Error> {
    let metadata =
        crate::support::process::run(root, "cargo", &["metadata", "--format-version", "1"], &[])?;
    let metadata: Value =
        serde_json::from_str(&metadata.stdout).map_err(|error| Error::Command {
            command: "cargo metadata".into(),
            message: error.to_string(),
        })?;
    Ok(too_new(&metadata))
}

/// What [`check`] answers, from a `cargo metadata` document.
fn too_new(metadata: &Value) -> (String, Vec<TooNew>) {
    let packages: BTreeMap<&str, &Value> = metadata["packages"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|package| Some((package["id"].as_str()?, package)))
        .collect();
    let members: BTreeSet<&str> = metadata["workspace_members"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    let publishable = |id: &str| {
        packages
            .get(id)
            .is_some_and(|package| package["publish"].as_array().is_none_or(|r| !r.is_empty()))
    };
    let declared = members
        .iter()
        .filter_map(|id| packages.get(id)?["rust_version"].as_str())
        .min_by(|a, b| version(a).cmp(&version(b)))
        .unwrap_or("0")
        .to_string();
    let nodes: BTreeMap<&str, &Value> = metadata["resolve"]["nodes"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|node| Some((node["id"].as_str()?, node)))
        .collect();
    let mut seen = BTreeSet::new();
    let mut stack: Vec<&str> = members
        .iter()
        .copied()
        .filter(|id| publishable(id))
        .collect();
    while let Some(id) = stack.pop() {
        if !seen.insert(id) {
            continue;
        }
        let deps = nodes.get(id).and_then(|node| node["deps"].as_array());
        for dep in deps.into_iter().flatten() {
            let used = dep["dep_kinds"]
                .as_array()
                .into_iter()
                .flatten()
                .any(|kind| kind["kind"].as_str() != Some("dev"));
            if let (true, Some(dep_id)) = (used, dep["pkg"].as_str()) {
                stack.push(dep_id);
            }
        }
    }
    let too_new = seen
        .iter()
        .filter_map(|id| {
            let package = packages.get(id)?;
            let needs = package["rust_version"].as_str()?;
            (version(needs) > version(&declared)).then(|| TooNew {
                package: format!(
                    "{}@{}",
                    package["name"].as_str().unwrap_or_default(),
                    package["version"].as_str().unwrap_or_default()
                ),
                needs: needs.to_string(),
            })
        })
        .collect();
    (declared, too_new)
}

/// `1.88` or `1.88.0` as numbers, for comparing.
fn version(text: &str) -> Vec<u64> {
    let mut parts: Vec<u64> = text.split('.').map(|p| p.parse().unwrap_or(0)).collect();
    parts.resize(3, 0);
    parts
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    #[test]
    fn a_dependency_newer_than_the_declared_version_is_found_and_dev_ones_ignored() {
        let metadata = json!({
            "workspace_members": ["app"],
            "packages": [
                { "id": "app", "name": "app", "version": "0.1.0", "rust_version": "1.88", "publish": null },
                { "id": "old", "name": "old", "version": "1.0.0", "rust_version": "1.70" },
                { "id": "new", "name": "new", "version": "2.0.0", "rust_version": "1.90" },
                { "id": "test", "name": "test", "version": "3.0.0", "rust_version": "1.95" }
            ],
            "resolve": { "nodes": [
                { "id": "app", "deps": [
                    { "pkg": "old", "dep_kinds": [{ "kind": null }] },
                    { "pkg": "test", "dep_kinds": [{ "kind": "dev" }] }
                ]},
                { "id": "old", "deps": [{ "pkg": "new", "dep_kinds": [{ "kind": "build" }] }] }
            ]}
        });
        let (declared, too_new) = super::too_new(&metadata);
        assert_eq!(declared, "1.88");
        assert_eq!(
            too_new,
            [super::TooNew {
                package: "new@2.0.0".into(),
                needs: "1.90".into()
            }]
        );
    }
}
