//! The version audit: `xtask/versions.json`, written by `cargo xtask generate` beside the tool
//! that writes it, records per provider crate the version that was last generated and the
//! sha256 of its spec and of its generated code. A crate whose generated code changed while its
//! version did not fails the audit, which says what to bump.

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::Error;
use crate::output::{GENERATED, body};
use crate::providers::{PROVIDERS, Provider};
use crate::spec::sha256;

/// Where the record lives, relative to the workspace root.
pub const RECORD: &str = "xtask/versions.json";

/// What is recorded for one crate.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    /// The crate's version.
    pub version: String,
    /// The sha256 of its spec.
    pub spec_sha256: String,
    /// The sha256 of its generated files, headers left out.
    pub generated_sha256: String,
}

/// A problem the audit found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Finding {
    /// The generated code changed and the version did not.
    NeedsBump {
        /// The crate.
        krate: String,
        /// Its unchanged version.
        version: String,
    },
    /// The record does not match the crate (new, or bumped without regenerating).
    Unrecorded {
        /// The crate.
        krate: String,
    },
}

impl std::fmt::Display for Finding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::NeedsBump { krate, version } => {
                let (compatible, breaking) = bumps(version);
                write!(
                    f,
                    "{krate}: its generated code changed but its version is still {version}; bump \
                     `version` in its Cargo.toml to {compatible} (compatible) or {breaking} \
                     (breaking; `cargo xtask semver` tells which), then run `cargo xtask generate`"
                )
            }
            Self::Unrecorded { krate } => write!(
                f,
                "{krate}: {RECORD} does not record its current version and code; run `cargo xtask generate`"
            ),
        }
    }
}

/// The next compatible and breaking versions after `version` (semver, `0.x` counting the minor
/// as breaking).
fn bumps(version: &str) -> (String, String) {
    let parts: Vec<u64> = version.split('.').map(|p| p.parse().unwrap_or(0)).collect();
    let (major, minor, patch) = (
        parts[0],
        parts.get(1).copied().unwrap_or(0),
        parts.get(2).copied().unwrap_or(0),
    );
    if major == 0 {
        (
            format!("0.{minor}.{}", patch + 1),
            format!("0.{}.0", minor + 1),
        )
    } else {
        (
            format!("{major}.{}.0", minor + 1),
            format!("{}.0.0", major + 1),
        )
    }
}

fn read(path: &Path) -> Result<String, Error> {
    fs::read_to_string(path).map_err(|source| Error::Read {
        path: path.to_path_buf(),
        source,
    })
}

/// The crate's package name and version, from its manifest's `[package]` table.
fn package(root: &Path, provider: &Provider) -> Result<(String, String), Error> {
    let path = root.join(provider.crate_dir).join("Cargo.toml");
    crate::manifest::package(&path)?.ok_or_else(|| Error::Invalid {
        path,
        place: "package".into(),
        message: "a provider crate needs its own `name` and `version = \"x.y.z\"`, so that its \
                  version can follow its spec"
            .into(),
    })
}

/// What the record would say for each provider crate now.
fn current(root: &Path) -> Result<BTreeMap<String, Entry>, Error> {
    PROVIDERS
        .iter()
        .map(|provider| {
            let (name, version) = package(root, provider)?;
            let mut code = String::new();
            for file in GENERATED {
                let path = root.join(provider.crate_dir).join(file);
                let text = read(&path)?;
                // The header names the spec's sha256, which is recorded on its own.
                code.push_str(body(&text).ok_or_else(|| {
                    Error::Invalid {
                        path,
                        place: "header".into(),
                        message: "a generated file must start with the header `cargo xtask \
                              generate` writes; run it"
                            .into(),
                    }
                })?);
            }
            let entry = Entry {
                version,
                spec_sha256: sha256(read(&root.join(provider.spec))?.as_bytes()),
                generated_sha256: sha256(code.as_bytes()),
            };
            Ok((name, entry))
        })
        .collect()
}

fn recorded(root: &Path) -> Result<BTreeMap<String, Entry>, Error> {
    let path = root.join(RECORD);
    match fs::read_to_string(&path) {
        Ok(text) => serde_json::from_str(&text).map_err(|error| Error::Parse {
            path,
            message: error.to_string(),
        }),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(BTreeMap::new()),
        Err(source) => Err(Error::Read { path, source }),
    }
}

/// The problems with the record; none when every crate's version follows its generated code.
pub fn audit(root: &Path) -> Result<Vec<Finding>, Error> {
    let recorded = recorded(root)?;
    Ok(current(root)?
        .into_iter()
        .filter_map(|(krate, now)| match recorded.get(&krate) {
            Some(then) if then == &now => None,
            Some(then)
                if then.version == now.version && then.generated_sha256 != now.generated_sha256 =>
            {
                Some(Finding::NeedsBump {
                    krate,
                    version: now.version,
                })
            }
            _ => Some(Finding::Unrecorded { krate }),
        })
        .collect())
}

/// Records the crates that are new or whose version changed, and the spec of those whose code
/// did not change; leaves a crate whose code changed without a bump for the audit to report.
/// Answers the crates it recorded.
pub fn update(root: &Path) -> Result<Vec<String>, Error> {
    let mut record = recorded(root)?;
    let mut changed = Vec::new();
    for (krate, now) in current(root)? {
        let keep = record.get(&krate).is_some_and(|then| {
            then == &now
                || (then.version == now.version && then.generated_sha256 != now.generated_sha256)
        });
        if !keep {
            record.insert(krate.clone(), now);
            changed.push(krate);
        }
    }
    if !changed.is_empty() {
        let text = serde_json::to_string_pretty(&record).unwrap_or_default() + "\n";
        crate::output::write_atomically(&root.join(RECORD), &text)?;
    }
    Ok(changed)
}

/// The provider crates whose version or generated code differs from the record: the changed ones.
pub fn changed(root: &Path) -> Result<Vec<String>, Error> {
    Ok(audit(root)?
        .into_iter()
        .map(|finding| match finding {
            Finding::NeedsBump { krate, .. } | Finding::Unrecorded { krate } => krate,
        })
        .collect())
}

#[cfg(test)]
mod tests {
    #[test]
    fn bumps_follow_semver() {
        assert_eq!(super::bumps("0.1.0"), ("0.1.1".into(), "0.2.0".into()));
        assert_eq!(super::bumps("1.4.2"), ("1.5.0".into(), "2.0.0".into()));
    }
}
