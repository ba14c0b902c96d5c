//! The providers whose clients are generated: data, not code. A provider is a member of the
//! workspace (root `Cargo.toml`, `[workspace] members`) whose manifest names its spec:
//!
//! ```toml
//! [package.metadata.telauth]
//! spec = "specs/voipbin.yaml"
//! ```
//!
//! Its name is the package name without `telauth-`. `cargo xtask new-provider` writes both.

use std::path::Path;

use crate::Error;

/// The table of a provider crate's manifest that names its spec.
pub const METADATA: &str = "telauth";

/// One provider: a spec under `specs/` and the crate generated from it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Provider {
    /// The short name, as given to `--provider`.
    pub name: String,
    /// The spec, relative to the workspace root.
    pub spec: String,
    /// The generated crate's folder, relative to the workspace root.
    pub crate_dir: String,
}

impl Provider {
    /// The crate generated for the provider: `telauth-<name>`.
    pub fn package(&self) -> String {
        format!("telauth-{}", self.name)
    }
}

/// The providers of the workspace at `root`, in the order of its members.
pub fn load(root: &Path) -> Result<Vec<Provider>, Error> {
    let path = root.join("Cargo.toml");
    let workspace = crate::support::manifest::read(&path)?;
    let members = workspace
        .get("workspace")
        .and_then(|workspace| workspace.get("members"))
        .and_then(|members| members.as_array())
        .ok_or_else(|| Error::invalid(&path, "workspace.members", "no list of members"))?;
    let mut providers = Vec::new();
    for member in members.iter().filter_map(|member| member.as_str()) {
        let manifest_path = root.join(member).join("Cargo.toml");
        if !manifest_path.is_file() {
            continue;
        }
        let manifest = crate::support::manifest::read(&manifest_path)?;
        let package = manifest.get("package");
        let Some(spec) = package
            .and_then(|package| package.get("metadata"))
            .and_then(|metadata| metadata.get(METADATA))
            .and_then(|table| table.get("spec"))
            .and_then(|spec| spec.as_str())
        else {
            continue;
        };
        let name = package
            .and_then(|package| package.get("name"))
            .and_then(|name| name.as_str())
            .unwrap_or_default();
        let short = name.strip_prefix("telauth-").ok_or_else(|| {
            Error::invalid(
                &manifest_path,
                "package.name",
                format!("a provider crate is named `telauth-<provider>`, not `{name}`"),
            )
        })?;
        providers.push(Provider {
            name: short.to_string(),
            spec: spec.to_string(),
            crate_dir: member.trim_end_matches('/').to_string(),
        });
    }
    Ok(providers)
}

/// The providers of the workspace at `root` that `--provider` selects: all of them, or the one
/// named.
pub fn select(root: &Path, name: Option<&str>) -> Result<Vec<Provider>, Error> {
    let mut providers = load(root)?;
    match name {
        None => Ok(providers),
        Some(name) => match providers.iter().position(|provider| provider.name == name) {
            Some(found) => Ok(vec![providers.swap_remove(found)]),
            None => Err(Error::unknown_provider(
                name.to_string(),
                providers
                    .iter()
                    .map(|provider| provider.name.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
            )),
        },
    }
}
