//! The version audit: what changed in each published crate since its last version in a
//! registry, and the version that change needs.
//!
//! The baseline is the registry itself ([`super::baseline`]): each provider crate's last
//! published package, fetched as cargo fetches a dependency, carries the spec it was generated
//! from and its generated code. The audit compares each spec with that one
//! ([`super::compat`]) and prints one line per changed crate,
//! `<crate>: compatible|breaking: <changes> -> next version <x.y.z>`; it fails while a crate's
//! version is behind that next version. `telauth` re-exports the provider types, so it takes the
//! largest change of each provider since the version its own last release depends on. A crate
//! the registry does not have is not released yet and takes any change; a registry that cannot
//! be read is an error.

use std::fmt;
use std::path::Path;

use semver::Version;

use super::baseline::{Baseline, Published};
use super::compat::{Change, Class};
use super::crates::{FACADE, facade_version};
use super::version;
use crate::Error;
use crate::generated_files::{GENERATED, SPEC_COPY, body, spec_copy_body};
use crate::openapi::sha256;
use crate::providers::Provider;
use crate::support::fs::read;

/// The audit of one crate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Verdict {
    /// The crate's package name (`telauth-<provider>`, or the facade).
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

    /// Whether the crate's version is below the one its changes need, or below its release.
    pub fn behind(&self) -> bool {
        let Ok(version) = Version::parse(&self.version) else {
            return false;
        };
        let below = |other: &Option<String>| {
            other
                .as_deref()
                .and_then(|other| Version::parse(other).ok())
                .is_some_and(|other| version < other)
        };
        below(&self.next) || below(&self.released)
    }
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Some(class) = self.class() else {
            return match &self.released {
                Some(released) if self.behind() => write!(
                    f,
                    "{}: Cargo.toml says {}, below {released}, its last release",
                    self.krate, self.version
                ),
                Some(released) => write!(f, "{}: unchanged since {released}", self.krate),
                None => write!(f, "{}: {} not released yet", self.krate, self.version),
            };
        };
        let phrases: Vec<&str> = self.changes.iter().map(|c| c.phrase.as_str()).collect();
        write!(f, "{}: {class}: {}", self.krate, phrases.join("; "))?;
        match &self.next {
            Some(next) if self.behind() => write!(
                f,
                " -> next version {next} (Cargo.toml still says {}; `cargo xtask release --write` \
                 sets it)",
                self.version
            ),
            Some(next) => write!(f, " -> next version {next}"),
            None => write!(f, " -> next version {} (not released yet)", self.version),
        }
    }
}

/// A provider crate's package name and version, from its manifest's `[package]` table.
fn package(root: &Path, provider: &Provider) -> Result<(String, String), Error> {
    let path = root.join(&provider.crate_dir).join("Cargo.toml");
    crate::support::manifest::package(&path)?.ok_or_else(|| {
        Error::invalid(
            path,
            "package",
            "a provider crate needs its own `name` and `version = \"x.y.z\"`, so that its \
                  version can follow its spec",
        )
    })
}

/// The sha256 of a provider crate's generated files (in the crate folder `dir`), headers left
/// out.
fn generated_sha256(dir: &Path) -> Result<String, Error> {
    Ok(sha256(generated_files(dir)?.concat().as_bytes()))
}

/// The sha256 of a provider crate's generated code (in the crate folder `dir`) without its doc
/// comments.
fn api_sha256(dir: &Path) -> Result<String, Error> {
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
    for (file, text) in GENERATED.iter().zip(generated_files(dir)?) {
        // A released file is a registry's text: syn parses by recursion, so its nesting is
        // bounded before it is parsed (generated code nests a few dozen levels).
        if let Some(depth) = nesting_beyond(&text, MAX_CODE_NESTING) {
            return Err(Error::invalid(
                dir.join(file),
                "#",
                format!(
                    "the code nests brackets {depth} deep, more than the {MAX_CODE_NESTING} \
                     that generated code ever needs; refused unparsed"
                ),
            ));
        }
        let mut parsed = syn::parse_file(&text).map_err(|error| {
            Error::parse(
                dir.join(file),
                format!("the generated code does not parse: {error}"),
            )
        })?;
        syn::visit_mut::VisitMut::visit_file_mut(&mut Undocumented, &mut parsed);
        code.push_str(&quote::quote!(#parsed).to_string());
    }
    Ok(sha256(code.as_bytes()))
}

/// The deepest bracket nesting a released generated file may have.
const MAX_CODE_NESTING: usize = 256;

/// The depth `text`'s brackets reach, when it is more than `limit` (string contents counted
/// too: generated code's strings hold balanced braces at most).
fn nesting_beyond(text: &str, limit: usize) -> Option<usize> {
    let (mut depth, mut deepest) = (0usize, 0usize);
    for c in text.chars() {
        match c {
            '(' | '[' | '{' => {
                depth += 1;
                deepest = deepest.max(depth);
            }
            ')' | ']' | '}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    (deepest > limit).then_some(deepest)
}

/// A provider crate's generated files (in the crate folder `dir`), headers left out, in
/// [`GENERATED`]'s order.
fn generated_files(dir: &Path) -> Result<Vec<String>, Error> {
    GENERATED
        .iter()
        .map(|file| {
            let path = dir.join(file);
            let text = read(&path)?;
            // The header names the spec's sha256, which is compared on its own.
            body(&text).map(str::to_string).ok_or_else(|| {
                Error::invalid(
                    path,
                    "header",
                    "a generated file must start with the header `cargo xtask generate` \
                          writes; run it",
                )
            })
        })
        .collect()
}

/// The spec a published provider crate was generated from: the text of its [`SPEC_COPY`].
fn published_spec(published: &Published) -> Result<String, Error> {
    let path = published.dir.join(SPEC_COPY);
    let text = read(&path).map_err(|_| Error::invalid(&path, "package", format!(
            "{} {} as published has no {SPEC_COPY}: it was not published from a workspace whose \
             `cargo xtask generate` puts the spec in the package",
            published.krate, published.version
        )))?;
    spec_copy_body(&text).map(str::to_string).ok_or_else(|| {
        Error::invalid(
            path,
            "header",
            "the published spec copy lacks the header `cargo xtask generate` writes",
        )
    })
}

/// What changed in a provider crate since `published`.
fn provider_changes(
    root: &Path,
    provider: &Provider,
    published: &Published,
) -> Result<Vec<Change>, Error> {
    let spec_text = read(&root.join(&provider.spec))?;
    let released_text = published_spec(published)?;
    let here = root.join(&provider.crate_dir);
    let spec_changed = sha256(released_text.as_bytes()) != sha256(spec_text.as_bytes());
    let code_changed = generated_sha256(&published.dir)? != generated_sha256(&here)?;
    if !spec_changed && !code_changed {
        return Ok(Vec::new());
    }
    // Whether the code the compiler sees changed, doc comments left out.
    let api_changed = api_sha256(&published.dir)? != api_sha256(&here)?;
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
    // The released spec is loaded from a scratch copy, with the checks every spec passes.
    let scratch = root.join("target").join("xtask-baseline").join("specs");
    let released = format!("{}-{}.yaml", provider.name, published.version);
    crate::support::fs::write(&scratch.join(&released), &released_text)?;
    let then = crate::openapi::load(&scratch, &released)?;
    let now = crate::openapi::load(root, &provider.spec)?;
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

/// One verdict per provider crate, then one for the facade, against the crates' last versions
/// in `baseline`'s registry.
pub fn audit(root: &Path, baseline: &Baseline) -> Result<Vec<Verdict>, Error> {
    let providers = crate::providers::load(root)?;
    let mut verdicts = Vec::new();
    let mut releases = Vec::new();
    for provider in &providers {
        let (krate, version) = package(root, provider)?;
        let published = baseline.latest(root, &krate)?;
        let changes = match &published {
            Some(published) => provider_changes(root, provider, published)?,
            None => Vec::new(),
        };
        verdicts.push(verdict(krate, version, published.as_ref(), changes)?);
        releases.push(published);
    }
    let facade = baseline.latest(root, FACADE)?;
    let mut changes = Vec::new();
    if let Some(facade) = &facade {
        for ((provider, verdict), published) in providers.iter().zip(&verdicts).zip(&releases) {
            // The provider version the facade's release re-exports, which may be older than the
            // provider's last release (a publish that stopped between the two).
            let Some(requirement) = facade.requirement(&verdict.krate)? else {
                continue;
            };
            let requirement = requirement
                .trim_start_matches(['^', '=', '~', ' '])
                .to_string();
            let class = match published {
                Some(published) if published.version == requirement => verdict.class(),
                _ => match baseline.exact(root, &verdict.krate, &requirement)? {
                    Some(then) => provider_changes(root, provider, &then)?
                        .iter()
                        .map(|change| change.class)
                        .max(),
                    None => Some(Class::Breaking),
                },
            };
            if let Some(class) = class {
                changes.push(Change {
                    class,
                    phrase: format!("re-exports {} ({class})", verdict.krate),
                });
            }
        }
    }
    verdicts.push(verdict(
        FACADE.into(),
        facade_version(root)?,
        facade.as_ref(),
        changes,
    )?);
    Ok(verdicts)
}

fn verdict(
    krate: String,
    version: String,
    published: Option<&Published>,
    changes: Vec<Change>,
) -> Result<Verdict, Error> {
    let class = changes.iter().map(|change| change.class).max();
    let next = match (published, class) {
        (Some(published), Some(class)) => {
            let released = Version::parse(&published.version).map_err(|error| {
                Error::invalid(
                    published.dir.join("Cargo.toml"),
                    "package.version",
                    format!("`{}` is not a version: {error}", published.version),
                )
            })?;
            Some(version::next(&released, class).to_string())
        }
        _ => None,
    };
    Ok(Verdict {
        krate,
        version,
        released: published.map(|published| published.version.clone()),
        changes,
        next,
    })
}

#[cfg(test)]
mod tests {
    use super::{GENERATED, api_sha256};

    #[test]
    fn a_released_file_nested_beyond_any_generated_code_is_refused_unparsed() {
        let dir =
            std::env::temp_dir().join(format!("telauth-audit-nesting-{}", std::process::id()));
        let deep = format!(
            "fn f() {{ let x = {}1{}; }}\n",
            "(".repeat(200_000),
            ")".repeat(200_000)
        );
        for file in GENERATED {
            let path = dir.join(file);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            let header = "// @generated by `cargo xtask generate` from specs/x.yaml (sha256 0).\n\
                          // Do not edit: change the spec and run `cargo xtask generate`.\n\n";
            std::fs::write(&path, format!("{header}{deep}")).unwrap();
        }
        let error = api_sha256(&dir).unwrap_err().to_string();
        std::fs::remove_dir_all(&dir).unwrap();
        assert!(error.contains("nests brackets"), "{error}");
    }
}
