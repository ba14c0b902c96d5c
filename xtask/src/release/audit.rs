//! The version audit: what changed in each published crate since its last release, and the
//! version that change needs.
//!
//! A release is recorded by `cargo xtask publish --execute` (crates.io): `xtask/releases.json`
//! gets each crate's released version, with, for a provider crate, the sha256 of its spec and of
//! its generated code; and `xtask/released/<provider>.yaml` keeps the released spec's text. The
//! audit compares each spec with its released text ([`super::compat`]) and prints one line per
//! changed crate, `<crate>: compatible|breaking: <changes> -> next version <x.y.z>`; it fails
//! while a crate's version is behind that next version. `telauth` re-exports the provider
//! types, so it takes the largest change of the providers. A crate never released has nothing
//! to compare with and takes any change.

use std::collections::BTreeMap;
use std::fmt;
use std::fs;
use std::path::Path;

use semver::Version;
use serde::{Deserialize, Serialize};

use super::compat::{Change, Class};
use super::version;
use crate::Error;
use crate::generate::{GENERATED, body};
use crate::openapi::sha256;
use crate::providers::{PROVIDERS, Provider};
use crate::support::fs::{read, write_atomically};

/// Where the releases are recorded, relative to the workspace root.
pub const RECORD: &str = "xtask/releases.json";

/// The folder holding each provider's spec as last released, relative to the workspace root.
pub const RELEASED_SPECS: &str = "xtask/released";

/// The facade, which re-exports the provider crates' types.
pub const FACADE: &str = "telauth";

/// What is recorded of one crate's last release.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Release {
    /// The version released.
    pub version: String,
    /// The sha256 of its spec (provider crates).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub spec_sha256: Option<String>,
    /// The sha256 of its generated files, headers left out (provider crates).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub generated_sha256: Option<String>,
    /// The sha256 of its generated code without doc comments: what the compiler sees
    /// (provider crates).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_sha256: Option<String>,
}

/// The audit of one crate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Verdict {
    /// The crate.
    pub krate: String,
    /// Its version in the work tree.
    pub version: String,
    /// Its last released version, if any.
    pub released: Option<String>,
    /// What changed since that release, each once; empty when nothing did.
    pub changes: Vec<Change>,
    /// The version the changes need: the release bumped by the largest change.
    pub next: Option<String>,
}

impl Verdict {
    /// The largest change, if any.
    pub fn class(&self) -> Option<Class> {
        self.changes.iter().map(|change| change.class).max()
    }

    /// Whether the crate's version is below the one its changes need.
    pub fn behind(&self) -> bool {
        match (&self.next, Version::parse(&self.version)) {
            (Some(next), Ok(version)) => Version::parse(next).is_ok_and(|next| version < next),
            _ => false,
        }
    }
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Some(class) = self.class() else {
            return match &self.released {
                Some(released) => write!(f, "{}: unchanged since {released}", self.krate),
                None => write!(f, "{}: {} not released yet", self.krate, self.version),
            };
        };
        let phrases: Vec<&str> = self.changes.iter().map(|c| c.phrase.as_str()).collect();
        write!(f, "{}: {class}: {}", self.krate, phrases.join("; "))?;
        match &self.next {
            Some(next) if self.behind() => write!(
                f,
                " -> next version {next} (Cargo.toml still says {}; bump it, its requirement in \
                 [workspace.dependencies] and CHANGELOG.md)",
                self.version
            ),
            Some(next) => write!(f, " -> next version {next}"),
            None => write!(f, " -> next version {} (not released yet)", self.version),
        }
    }
}

/// A provider crate's package name and version, from its manifest's `[package]` table.
fn package(root: &Path, provider: &Provider) -> Result<(String, String), Error> {
    let path = root.join(provider.crate_dir).join("Cargo.toml");
    crate::support::manifest::package(&path)?.ok_or_else(|| Error::Invalid {
        path,
        place: "package".into(),
        message: "a provider crate needs its own `name` and `version = \"x.y.z\"`, so that its \
                  version can follow its spec"
            .into(),
    })
}

/// The facade's version: the workspace's `[workspace.package]` version.
fn facade_version(root: &Path) -> Result<String, Error> {
    let path = root.join("Cargo.toml");
    crate::support::manifest::read(&path)?
        .get("workspace")
        .and_then(|workspace| workspace.get("package"))
        .and_then(|package| package.get("version"))
        .and_then(|version| version.as_str())
        .map(str::to_string)
        .ok_or(Error::Invalid {
            path,
            place: "workspace.package.version".into(),
            message: "the workspace needs a version, which telauth and its siblings take".into(),
        })
}

/// The sha256 of a provider crate's generated files, headers left out.
fn generated_sha256(root: &Path, provider: &Provider) -> Result<String, Error> {
    Ok(sha256(generated_files(root, provider)?.concat().as_bytes()))
}

/// The sha256 of a provider crate's generated code without its doc comments.
fn api_sha256(root: &Path, provider: &Provider) -> Result<String, Error> {
    struct Undocumented;
    impl syn::visit_mut::VisitMut for Undocumented {
        fn visit_attributes_mut(&mut self, attrs: &mut Vec<syn::Attribute>) {
            attrs.retain(|attr| !attr.path().is_ident("doc"));
            for attr in attrs {
                self.visit_attribute_mut(attr);
            }
        }
    }
    let mut code = String::new();
    for (file, text) in GENERATED.iter().zip(generated_files(root, provider)?) {
        let mut parsed = syn::parse_file(&text).map_err(|error| Error::Parse {
            path: root.join(provider.crate_dir).join(file),
            message: format!("the generated code does not parse: {error}"),
        })?;
        syn::visit_mut::VisitMut::visit_file_mut(&mut Undocumented, &mut parsed);
        code.push_str(&quote::quote!(#parsed).to_string());
    }
    Ok(sha256(code.as_bytes()))
}

/// A provider crate's generated files, headers left out, in [`GENERATED`]'s order.
fn generated_files(root: &Path, provider: &Provider) -> Result<Vec<String>, Error> {
    GENERATED
        .iter()
        .map(|file| {
            let path = root.join(provider.crate_dir).join(file);
            let text = read(&path)?;
            // The header names the spec's sha256, which is compared on its own.
            body(&text)
                .map(str::to_string)
                .ok_or_else(|| Error::Invalid {
                    path,
                    place: "header".into(),
                    message: "a generated file must start with the header `cargo xtask generate` \
                          writes; run it"
                        .into(),
                })
        })
        .collect()
}

fn released_spec(provider: &Provider) -> String {
    format!("{RELEASED_SPECS}/{}.yaml", provider.name)
}

/// The recorded releases (none when the record does not exist).
pub fn releases(root: &Path) -> Result<BTreeMap<String, Release>, Error> {
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

/// What changed in a provider crate since `release`.
fn provider_changes(
    root: &Path,
    provider: &Provider,
    release: &Release,
) -> Result<Vec<Change>, Error> {
    let spec_text = read(&root.join(provider.spec))?;
    let spec_changed = release.spec_sha256.as_deref() != Some(&sha256(spec_text.as_bytes()));
    let code_changed =
        release.generated_sha256.as_deref() != Some(&generated_sha256(root, provider)?);
    if !spec_changed && !code_changed {
        return Ok(Vec::new());
    }
    // Whether the code the compiler sees changed, doc comments left out.
    let api_changed = release.api_sha256.as_deref() != Some(&api_sha256(root, provider)?);
    let unclassified = Change {
        class: Class::Breaking,
        phrase: "the generated code changed beyond what the spec comparison classifies \
                 (`cargo xtask semver` tells what it breaks)"
            .into(),
    };
    if !spec_changed {
        return Ok(vec![if api_changed {
            unclassified
        } else {
            Change {
                class: Class::Compatible,
                phrase: "changes generated doc comments only".into(),
            }
        }]);
    }
    let path = root.join(released_spec(provider));
    let released_text = read(&path)?;
    if release.spec_sha256.as_deref() != Some(&sha256(released_text.as_bytes())) {
        return Err(Error::Invalid {
            path,
            place: "sha256".into(),
            message: format!(
                "this is not the spec {RECORD} records as released: restore both from the \
                 release's commit"
            ),
        });
    }
    let then = crate::openapi::load(root, &released_spec(provider))?;
    let now = crate::openapi::load(root, provider.spec)?;
    let mut changes = super::compat::compare(&then.api, &now.api);
    if changes.is_empty() {
        changes.push(if api_changed {
            unclassified
        } else {
            Change {
                class: Class::Compatible,
                phrase: "changes descriptions or examples only".into(),
            }
        });
    }
    Ok(changes)
}

/// One verdict per provider crate, then one for the facade.
pub fn audit(root: &Path) -> Result<Vec<Verdict>, Error> {
    let releases = releases(root)?;
    let mut verdicts = Vec::new();
    for provider in PROVIDERS {
        let (krate, version) = package(root, provider)?;
        let release = releases.get(&krate);
        let changes = match release {
            Some(release) => provider_changes(root, provider, release)?,
            None => Vec::new(),
        };
        verdicts.push(verdict(krate, version, release, changes)?);
    }
    let changes = verdicts
        .iter()
        .filter_map(|verdict| {
            Some(Change {
                class: verdict.class()?,
                phrase: format!("re-exports {} ({})", verdict.krate, verdict.class()?),
            })
        })
        .collect();
    let facade = verdict(
        FACADE.into(),
        facade_version(root)?,
        releases.get(FACADE),
        changes,
    )?;
    verdicts.push(facade);
    Ok(verdicts)
}

fn verdict(
    krate: String,
    version: String,
    release: Option<&Release>,
    changes: Vec<Change>,
) -> Result<Verdict, Error> {
    let class = changes.iter().map(|change| change.class).max();
    let next = match (release, class) {
        (Some(release), Some(class)) => {
            let released = Version::parse(&release.version).map_err(|error| Error::Invalid {
                path: RECORD.into(),
                place: krate.clone(),
                message: format!("`{}` is not a version: {error}", release.version),
            })?;
            Some(version::next(&released, class).to_string())
        }
        _ => None,
    };
    Ok(Verdict {
        krate,
        version,
        released: release.map(|release| release.version.clone()),
        changes,
        next,
    })
}

/// Records `krate`, now on crates.io at its current version, as released. When it was there
/// already (`already_published`, a run finishing one that stopped) and is recorded at that
/// version, it must not have changed since: the version on crates.io is what was recorded.
pub fn record_published(root: &Path, krate: &str, already_published: bool) -> Result<(), Error> {
    if already_published {
        let verdicts = audit(root)?;
        let recorded = verdicts
            .iter()
            .find(|verdict| verdict.krate == krate)
            .filter(|verdict| verdict.released.as_deref() == Some(verdict.version.as_str()));
        if let Some(verdict) = recorded {
            if verdict.changes.is_empty() {
                return Ok(());
            }
            return Err(Error::Command {
                command: "cargo xtask publish --execute".into(),
                message: format!(
                    "{krate} {} is on crates.io, but changed since that release ({verdict}); \
                     bump its version",
                    verdict.version
                ),
            });
        }
    }
    record_release(root, &[krate.to_string()])
}

/// Records `crates` as released at their current versions: each provider crate with its spec's
/// text and the sha256 of its spec and generated code. Other crates are left as they are.
pub fn record_release(root: &Path, crates: &[String]) -> Result<(), Error> {
    let mut record = releases(root)?;
    // Everything is read and computed before anything is written.
    let mut specs = Vec::new();
    for provider in PROVIDERS {
        let (krate, version) = package(root, provider)?;
        if !crates.contains(&krate) {
            continue;
        }
        let text = read(&root.join(provider.spec))?;
        let release = Release {
            version,
            spec_sha256: Some(sha256(text.as_bytes())),
            generated_sha256: Some(generated_sha256(root, provider)?),
            api_sha256: Some(api_sha256(root, provider)?),
        };
        record.insert(krate, release);
        specs.push((root.join(released_spec(provider)), text));
    }
    if crates.iter().any(|krate| krate == FACADE) {
        let release = Release {
            version: facade_version(root)?,
            spec_sha256: None,
            generated_sha256: None,
            api_sha256: None,
        };
        record.insert(FACADE.into(), release);
    }
    let folder = root.join(RELEASED_SPECS);
    fs::create_dir_all(&folder).map_err(|source| Error::Write {
        path: folder,
        source,
    })?;
    for (path, text) in &specs {
        write_atomically(path, text)?;
    }
    let text = serde_json::to_string_pretty(&record).unwrap_or_default() + "\n";
    write_atomically(&root.join(RECORD), &text)
}
