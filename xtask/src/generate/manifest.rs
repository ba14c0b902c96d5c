//! The dependencies of each generated crate, kept in step with what its generated code uses:
//! progenitor tells which crates its output needs (`uuid`, `chrono`, `regress`, `serde_json`,
//! `futures`); the crate's `[dependencies]` gain the ones it needs and lose the ones it no longer
//! does, and the workspace's `[workspace.dependencies]` gain any it lacks. Every crate also has
//! the `httpmock` feature, over an optional `httpmock` dependency, for its typed mocks. Both manifests are
//! planned like the generated files: `--check` fails with a diff when one is behind.

use std::path::Path;

use similar::TextDiff;
use toml_edit::{DocumentMut, InlineTable, Item, Table, Value};

use super::{FileState, GeneratedFile};
use crate::Error;
use crate::providers::Provider;

/// A crate generated code may use, and how a workspace and a crate declare it.
pub(crate) struct Dependency {
    /// The crate's package name, as a manifest's dependency key.
    pub(crate) name: &'static str,
    /// Its entry in `[workspace.dependencies]`, for a workspace without one.
    pub(crate) workspace: &'static str,
    /// The features the generated code needs, added in the crate's own entry.
    pub(crate) features: &'static [&'static str],
}

/// What every generated crate depends on.
pub(crate) const ALWAYS: [Dependency; 4] = [
    Dependency {
        name: "progenitor-client",
        workspace: "\"0.15.1\"",
        features: &[],
    },
    Dependency {
        name: "reqwest",
        workspace: "{ version = \"0.13.4\", default-features = false, features = [\"json\", \"query\"] }",
        features: &[],
    },
    Dependency {
        name: "serde",
        workspace: "{ version = \"1.0.226\", features = [\"derive\"] }",
        features: &[],
    },
    Dependency {
        name: "telauth-runtime",
        workspace: "{ path = \"crates/telauth-runtime\", version = \"0.2.0\", default-features = false }",
        features: &[],
    },
];

/// What generated code uses when its types or operations need it.
pub(crate) const WHEN_USED: [Dependency; 7] = [
    Dependency {
        name: "uuid",
        workspace: "{ version = \"1.23.2\", features = [\"serde\"] }",
        features: &[],
    },
    Dependency {
        name: "chrono",
        workspace: "{ version = \"0.4.44\", default-features = false, features = [\"alloc\"] }",
        features: &["serde"],
    },
    Dependency {
        name: "regress",
        workspace: "\"0.12.0\"",
        features: &[],
    },
    Dependency {
        name: "serde_json",
        workspace: "\"1.0.150\"",
        features: &[],
    },
    Dependency {
        name: "futures",
        workspace: "\"0.3.31\"",
        features: &[],
    },
    // A websocket operation's `Sec-WebSocket-Key`: 16 random bytes, in base64.
    Dependency {
        name: "base64",
        workspace: "\"0.23.1\"",
        features: &[],
    },
    Dependency {
        name: "rand",
        workspace: "\"0.10.3\"",
        features: &[],
    },
];

/// The optional dependency of every generated crate's `httpmock` feature, which compiles the
/// typed mocks of `src/generated/httpmock.rs`.
pub(crate) const MOCK: Dependency = Dependency {
    name: "httpmock",
    workspace: "{ version = \"0.9.0\", default-features = false }",
    features: &[],
};

/// The feature that compiles the typed mocks, and the comment above it.
const MOCK_FEATURE: (&str, &str) = (
    "httpmock",
    "## Typed httpmock mocks of every operation (the `httpmock` module), to test code that uses\n\
     ## this crate against an `httpmock::MockServer`.\n",
);

/// The workspace's root manifest, as read and as the generated crates need it.
pub(crate) struct Workspace {
    path: std::path::PathBuf,
    before: String,
    document: DocumentMut,
}

impl Workspace {
    /// Reads the root manifest of `root`.
    pub(crate) fn read(root: &Path) -> Result<Self, Error> {
        let path = root.join("Cargo.toml");
        let before = crate::support::fs::read(&path)?;
        let document = before
            .parse()
            .map_err(|error: toml_edit::TomlError| Error::parse(&path, error.to_string()))?;
        Ok(Self {
            path,
            before,
            document,
        })
    }

    /// Adds `dependency` to `[workspace.dependencies]` when it is not there.
    fn ensure(&mut self, dependency: &Dependency) -> Result<(), Error> {
        let table = self.document["workspace"]
            .as_table_mut()
            .and_then(|workspace| {
                workspace
                    .entry("dependencies")
                    .or_insert_with(|| Item::Table(Table::new()))
                    .as_table_mut()
            })
            .ok_or_else(|| Error::invalid(&self.path, "workspace.dependencies", "not a table"))?;
        if !table.contains_key(dependency.name) {
            let value: Value = dependency.workspace.parse().map_err(|_| {
                Error::invalid(
                    &self.path,
                    format!("workspace.dependencies.{}", dependency.name),
                    "the xtask's entry does not parse",
                )
            })?;
            table.insert(dependency.name, Item::Value(value));
        }
        Ok(())
    }

    /// The root manifest as a planned file, when the crates need it changed.
    pub(crate) fn plan(&self) -> Option<GeneratedFile> {
        let after = self.document.to_string();
        (after != self.before).then(|| planned("Cargo.toml", &self.before, after))
    }
}

/// The manifest of `provider`'s crate as its generated code needs it: `extra` are the crates
/// of [`WHEN_USED`] the code uses.
pub(crate) fn plan(
    root: &Path,
    provider: &Provider,
    extra: &[&str],
    workspace: &mut Workspace,
) -> Result<GeneratedFile, Error> {
    let rel = format!("{}/Cargo.toml", provider.crate_dir);
    let path = root.join(&rel);
    let before = crate::support::fs::read(&path)?;
    let mut document: DocumentMut = before
        .parse()
        .map_err(|error: toml_edit::TomlError| Error::parse(&path, error.to_string()))?;
    let dependencies = document
        .entry("dependencies")
        .or_insert_with(|| Item::Table(Table::new()))
        .as_table_mut()
        .ok_or_else(|| Error::invalid(&path, "dependencies", "not a table"))?;
    for dependency in &ALWAYS {
        if !dependencies.contains_key(dependency.name) {
            workspace.ensure(dependency)?;
            dependencies.insert(dependency.name, entry(dependency));
        }
    }
    for dependency in &WHEN_USED {
        let used = extra.contains(&dependency.name);
        let declared = dependencies.contains_key(dependency.name);
        if used && !declared {
            workspace.ensure(dependency)?;
            dependencies.insert(dependency.name, entry(dependency));
        } else if !used && declared {
            dependencies.remove(dependency.name);
        }
    }
    if !dependencies.contains_key(MOCK.name) {
        workspace.ensure(&MOCK)?;
        let mut table = InlineTable::new();
        table.insert("workspace", true.into());
        table.insert("optional", true.into());
        dependencies.insert(MOCK.name, Item::Value(Value::InlineTable(table)));
    }
    let features = document
        .entry("features")
        .or_insert_with(|| Item::Table(Table::new()))
        .as_table_mut()
        .ok_or_else(|| Error::invalid(&path, "features", "not a table"))?;
    let (feature, comment) = MOCK_FEATURE;
    if !features.contains_key(feature) {
        let enables: toml_edit::Array = [format!("dep:{}", MOCK.name)].into_iter().collect();
        features.insert(feature, Item::Value(Value::Array(enables)));
        if let Some(mut key) = features.key_mut(feature) {
            key.leaf_decor_mut().set_prefix(comment);
        }
    }
    Ok(planned(&rel, &before, document.to_string()))
}

/// `[dependencies]` lines for the crates `names` (of [`ALWAYS`] and [`WHEN_USED`]) as a crate
/// outside the workspace declares them, `telauth-runtime` by its folder `runtime`.
pub(crate) fn dependency_lines(names: &[&str], runtime: &Path) -> String {
    let mut lines = String::new();
    for dependency in ALWAYS.iter().chain(&WHEN_USED) {
        if !names.contains(&dependency.name) {
            continue;
        }
        let mut value: Value = if dependency.name == "telauth-runtime" {
            let mut table = InlineTable::new();
            table.insert("path", runtime.display().to_string().into());
            table.insert("default-features", false.into());
            Value::InlineTable(table)
        } else {
            dependency
                .workspace
                .parse()
                .unwrap_or_else(|_| dependency.workspace.into())
        };
        if !dependency.features.is_empty() {
            let features: toml_edit::Array = dependency.features.iter().copied().collect();
            match &mut value {
                Value::InlineTable(table) => {
                    let mut all: toml_edit::Array = table
                        .get("features")
                        .and_then(Value::as_array)
                        .cloned()
                        .unwrap_or_default();
                    all.extend(features.iter().cloned());
                    table.insert("features", Value::Array(all));
                }
                other => {
                    let mut table = InlineTable::new();
                    table.insert("version", other.clone());
                    table.insert("features", Value::Array(features));
                    *other = Value::InlineTable(table);
                }
            }
        }
        lines.push_str(&format!(
            "{} = {}\n",
            dependency.name,
            value.to_string().trim()
        ));
    }
    lines
}

/// `name.workspace = true`, or `name = { workspace = true, features = [..] }`.
fn entry(dependency: &Dependency) -> Item {
    let mut table = InlineTable::new();
    table.insert("workspace", true.into());
    if dependency.features.is_empty() {
        table.set_dotted(true);
    } else {
        let features: toml_edit::Array = dependency.features.iter().copied().collect();
        table.insert("features", Value::Array(features));
    }
    Item::Value(Value::InlineTable(table))
}

fn planned(path: &str, before: &str, after: String) -> GeneratedFile {
    let state = if before == after {
        FileState::UpToDate
    } else {
        FileState::Stale {
            diff: TextDiff::from_lines(before, &after)
                .unified_diff()
                .context_radius(3)
                .header(&format!("a/{path}"), &format!("b/{path}"))
                .to_string(),
        }
    };
    GeneratedFile {
        path: path.to_string(),
        contents: after,
        state,
    }
}
