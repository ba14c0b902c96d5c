//! The providers whose clients are generated: data, not code. A provider is a member of the
//! workspace (root `Cargo.toml`, `[workspace] members`) whose manifest names its spec:
//!
//! ```toml
//! [package.metadata.telauth]
//! spec = "specs/voipbin.yaml"
//! ```
//!
//! Its name is the package name without `telauth-`. `cargo xtask new-provider` writes both.

use std::collections::BTreeSet;
use std::ops::Deref;
use std::path::Path;
use std::sync::{Mutex, OnceLock};

use crate::Error;

/// The table of a provider crate's manifest that names its spec.
pub const METADATA: &str = "telauth";

/// One provider: a spec under `specs/` and the crate generated from it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Provider {
    /// The short name, as given to `--provider`.
    pub name: &'static str,
    /// The spec, relative to the workspace root.
    pub spec: &'static str,
    /// The generated crate's folder, relative to the workspace root.
    pub crate_dir: &'static str,
}

/// The providers of the workspace at `root`, in the order of its members.
pub fn load(root: &Path) -> Result<Vec<Provider>, Error> {
    let path = root.join("Cargo.toml");
    let workspace = crate::support::manifest::read(&path)?;
    let members = workspace
        .get("workspace")
        .and_then(|workspace| workspace.get("members"))
        .and_then(|members| members.as_array())
        .ok_or_else(|| Error::Invalid {
            path: path.clone(),
            place: "workspace.members".into(),
            message: "no list of members".into(),
        })?;
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
        let short = name
            .strip_prefix("telauth-")
            .ok_or_else(|| Error::Invalid {
                path: manifest_path.clone(),
                place: "package.name".into(),
                message: format!("a provider crate is named `telauth-<provider>`, not `{name}`"),
            })?;
        providers.push(Provider {
            name: intern(short),
            spec: intern(spec),
            crate_dir: intern(member.trim_end_matches('/')),
        });
    }
    Ok(providers)
}

/// The providers of the workspace this xtask was built in; see [`load`].
pub const PROVIDERS: Providers = Providers;

/// The providers of the workspace this xtask was built in, read once from its manifests.
#[derive(Clone, Copy, Debug)]
pub struct Providers;

impl Providers {
    fn loaded() -> &'static [Provider] {
        static LOADED: OnceLock<&'static [Provider]> = OnceLock::new();
        LOADED.get_or_init(|| {
            let providers = load(&crate::workspace_root())
                .unwrap_or_else(|error| panic!("cannot read the workspace's providers: {error}"));
            Vec::leak(providers)
        })
    }
}

impl Deref for Providers {
    type Target = [Provider];

    fn deref(&self) -> &[Provider] {
        Self::loaded()
    }
}

impl IntoIterator for Providers {
    type Item = &'static Provider;
    type IntoIter = std::slice::Iter<'static, Provider>;

    fn into_iter(self) -> Self::IntoIter {
        Self::loaded().iter()
    }
}

/// `text` as a `&'static str`, each distinct text leaked once.
fn intern(text: &str) -> &'static str {
    static TEXTS: Mutex<BTreeSet<&'static str>> = Mutex::new(BTreeSet::new());
    let mut texts = TEXTS
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    if let Some(found) = texts.get(text) {
        return found;
    }
    let leaked: &'static str = String::leak(text.to_string());
    texts.insert(leaked);
    leaked
}

/// The providers of the workspace at `root` that `--provider` selects: all of them, or the one
/// named.
pub fn select(root: &Path, name: Option<&str>) -> Result<Vec<Provider>, Error> {
    let providers = load(root)?;
    match name {
        None => Ok(providers),
        Some(name) => providers
            .iter()
            .find(|provider| provider.name == name)
            .map(|provider| vec![*provider])
            .ok_or_else(|| Error::UnknownProvider {
                name: name.to_string(),
                known: providers
                    .iter()
                    .map(|provider| provider.name)
                    .collect::<Vec<_>>()
                    .join(", "),
            }),
    }
}
