//! `new-provider --only SELECTOR`: part of a published document, self-contained. The
//! operations a selector names (`tag:NAME`, `op:OPERATION_ID`, `path:GLOB`) are kept with
//! everything they reach (schemas, parameters, answers, security schemes); the rest is left
//! out, and the document records where it came from and what was taken
//! (`x-telauth-source`), so `cargo xtask upstream` can compare it with the whole document.

use std::collections::BTreeSet;
use std::path::Path;
use std::str::FromStr;

use serde_yaml_ng::{Mapping, Value};

use crate::Error;
use crate::openapi::pointer::{self, key_text};
use crate::openapi::shape::METHODS;
use crate::openapi::{Source, sha256};

/// The extension that records a spec's source and selection.
pub const SOURCE: &str = "x-telauth-source";

/// Which operations of a document to take.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Selector {
    /// The operations with this tag.
    Tag(String),
    /// The operation with this `operationId`.
    Operation(String),
    /// The operations whose path matches this glob (`*` any run of characters, `?` one).
    Path(String),
}

impl FromStr for Selector {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        let (kind, value) = text.split_once(':').unwrap_or(("", text));
        let value = value.to_string();
        match kind {
            _ if value.is_empty() => Err(format!("`{text}` selects nothing")),
            "tag" => Ok(Self::Tag(value)),
            "op" => Ok(Self::Operation(value)),
            "path" => Ok(Self::Path(value)),
            _ => Err(format!(
                "`{text}` is no selector: use tag:NAME, op:OPERATION_ID or path:GLOB"
            )),
        }
    }
}

impl std::fmt::Display for Selector {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Tag(tag) => write!(f, "tag:{tag}"),
            Self::Operation(id) => write!(f, "op:{id}"),
            Self::Path(glob) => write!(f, "path:{glob}"),
        }
    }
}

impl Selector {
    fn selects(&self, path: &str, operation: &Value) -> bool {
        match self {
            Self::Tag(tag) => operation
                .get("tags")
                .and_then(Value::as_sequence)
                .is_some_and(|tags| tags.iter().any(|t| t.as_str() == Some(tag))),
            Self::Operation(id) => operation.get("operationId").and_then(Value::as_str) == Some(id),
            Self::Path(glob) => glob_matches(glob, path),
        }
    }
}

/// The text `new-provider` writes as `specs/NAME.yaml` for the document whose main file is
/// `spec`: the file as it is when it stands alone and nothing is selected; else the document
/// bundled into one, with only what `only` selects, as YAML that records its source.
pub fn spec_text(spec: &Path, only: &[Selector]) -> Result<String, Error> {
    let source = Source::read(spec)?;
    if !source.is_split() && only.is_empty() {
        return Ok(source.text);
    }
    let mut tree = source.bundle()?;
    if !only.is_empty() {
        select(spec, &mut tree, only)?;
    }
    if let Value::Mapping(root) = &mut tree {
        let mut record = Mapping::new();
        let file = spec.file_name().map(|f| f.to_string_lossy().into_owned());
        record.insert("file".into(), file.unwrap_or_default().into());
        record.insert("sha256".into(), sha256(source.text.as_bytes()).into());
        record.insert("files".into(), (source.files().len() as u64).into());
        let only: Vec<Value> = only.iter().map(|s| Value::from(s.to_string())).collect();
        record.insert("only".into(), Value::Sequence(only));
        root.insert(SOURCE.into(), Value::Mapping(record));
    }
    serde_yaml_ng::to_string(&tree).map_err(|error| Error::Generate {
        path: spec.to_path_buf(),
        message: format!("the bundled document cannot be written as YAML: {error}"),
    })
}

/// Keeps in `tree` the operations `only` selects and what they reach.
fn select(spec: &Path, tree: &mut Value, only: &[Selector]) -> Result<(), Error> {
    let Some(Value::Mapping(paths)) = tree.get_mut("paths") else {
        return Err(nothing(spec, only));
    };
    let mut kept = 0;
    paths.retain(|path, item| {
        let path = key_text(path);
        let Value::Mapping(item) = item else {
            return false;
        };
        item.retain(|method, operation| {
            let method = key_text(method);
            if !METHODS.contains(&method.as_str()) {
                return true;
            }
            let selected = only.iter().any(|s| s.selects(&path, operation));
            kept += usize::from(selected);
            selected
        });
        item.keys()
            .any(|method| METHODS.contains(&key_text(method).as_str()))
    });
    if kept == 0 {
        return Err(nothing(spec, only));
    }
    prune(tree);
    Ok(())
}

fn nothing(spec: &Path, only: &[Selector]) -> Error {
    let only: Vec<String> = only.iter().map(ToString::to_string).collect();
    Error::invalid(
        spec,
        "#/paths",
        format!(
            "no operation is selected by {}",
            pointer::escape_text(&only.join(", "))
        ),
    )
}

/// Drops every component nothing outside `components` reaches, and the tags no operation has.
fn prune(tree: &mut Value) {
    let mut reached: BTreeSet<(String, String)> = BTreeSet::new();
    let mut pending: Vec<Value> = Vec::new();
    let mut used_tags = BTreeSet::new();
    if let Value::Mapping(root) = &*tree {
        let mut outside = root.clone();
        outside.remove("components");
        pending.push(Value::Mapping(outside));
        if let Some(Value::Mapping(paths)) = root.get("paths") {
            for item in paths.values().filter_map(Value::as_mapping) {
                for operation in item.values() {
                    for tag in operation
                        .get("tags")
                        .and_then(Value::as_sequence)
                        .into_iter()
                        .flatten()
                    {
                        used_tags.insert(key_text(tag));
                    }
                }
            }
        }
    }
    let components = tree.get("components").cloned().unwrap_or_default();
    while let Some(node) = pending.pop() {
        let mut found = Vec::new();
        references(&node, &mut found);
        for (section, name) in found {
            if reached.insert((section.clone(), name.clone()))
                && let Some(target) = pointer::find(&components, &[section, name])
            {
                pending.push(target.clone());
            }
        }
    }
    let Value::Mapping(root) = tree else {
        return;
    };
    if let Some(Value::Mapping(components)) = root.get_mut("components") {
        for (section, entries) in components.iter_mut() {
            let section = key_text(section);
            if let Value::Mapping(entries) = entries {
                entries.retain(|name, _| reached.contains(&(section.clone(), key_text(name))));
            }
        }
        components.retain(|_, entries| entries.as_mapping().is_none_or(|e| !e.is_empty()));
    }
    if let Some(Value::Sequence(tags)) = root.get_mut("tags") {
        tags.retain(|tag| {
            tag.get("name")
                .and_then(Value::as_str)
                .is_some_and(|name| used_tags.contains(name))
        });
    }
}

/// Every component `node` names: by `$ref`, and security schemes by a security requirement.
fn references(node: &Value, found: &mut Vec<(String, String)>) {
    match node {
        Value::Mapping(map) => {
            for (key, value) in map {
                match (key.as_str(), value) {
                    (Some("$ref"), Value::String(reference)) => {
                        if let [components, section, name] = pointer::parse(reference).as_slice()
                            && components == "components"
                        {
                            found.push((section.clone(), name.clone()));
                        }
                    }
                    (Some("security"), Value::Sequence(requirements)) => {
                        for requirement in requirements.iter().filter_map(Value::as_mapping) {
                            for scheme in requirement.keys() {
                                found.push(("securitySchemes".into(), key_text(scheme)));
                            }
                        }
                    }
                    _ => references(value, found),
                }
            }
        }
        Value::Sequence(items) => items.iter().for_each(|item| references(item, found)),
        _ => {}
    }
}

/// Whether `text` matches `glob`, where `*` stands for any run of characters and `?` for one.
fn glob_matches(glob: &str, text: &str) -> bool {
    let glob: Vec<char> = glob.chars().collect();
    let text: Vec<char> = text.chars().collect();
    // The classic two-pointer match with one backtrack point: linear for each `*`.
    let (mut g, mut t) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while t < text.len() {
        match glob.get(g) {
            Some('*') => {
                star = Some((g, t));
                g += 1;
            }
            Some(&c) if c == '?' || c == text[t] => {
                g += 1;
                t += 1;
            }
            _ => match star {
                Some((star_g, star_t)) => {
                    g = star_g + 1;
                    t = star_t + 1;
                    star = Some((star_g, star_t + 1));
                }
                None => return false,
            },
        }
    }
    glob[g..].iter().all(|&c| c == '*')
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::{Selector, glob_matches, select};

    #[test]
    fn globs_and_selectors() {
        assert!(glob_matches("/accesskeys*", "/accesskeys/{id}"));
        assert!(glob_matches("/v1/*/keys", "/v1/a/b/keys"));
        assert!(!glob_matches("/v1/*/keys", "/v1/a/b/keys/x"));
        assert!(glob_matches("/k?ys", "/keys"));
        assert_eq!("tag:Auth".parse(), Ok(Selector::Tag("Auth".into())));
        assert!("nope:x".parse::<Selector>().is_err());
        assert!("op:".parse::<Selector>().is_err());
    }

    #[test]
    fn a_selection_keeps_what_its_operations_reach_and_nothing_else() {
        let mut tree: serde_yaml_ng::Value = serde_yaml_ng::from_str(
            r##"
openapi: 3.0.3
security: [{key: []}]
tags: [{name: keys}, {name: calls}]
paths:
  /keys:
    parameters: [{$ref: '#/components/parameters/Page'}]
    get:
      tags: [keys]
      operationId: listKeys
      responses: {'200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/Keys'}}}}}
    post:
      tags: [calls]
      operationId: other
      responses: {'200': {description: ok}}
  /calls:
    get:
      operationId: calls
      responses: {'200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/Call'}}}}}
components:
  parameters:
    Page: {name: page, in: query, schema: {type: integer}}
  schemas:
    Keys: {type: array, items: {$ref: '#/components/schemas/Key'}}
    Key: {type: object}
    Call: {type: object}
  securitySchemes:
    key: {type: apiKey, in: header, name: X-Key}
    unused: {type: http, scheme: basic}
"##,
        )
        .unwrap();
        select(
            Path::new("x.yaml"),
            &mut tree,
            &[Selector::Tag("keys".into())],
        )
        .unwrap();
        let text = serde_yaml_ng::to_string(&tree).unwrap();
        for kept in ["listKeys", "Page:", "Keys:", "Key:", "key:", "name: keys"] {
            assert!(text.contains(kept), "{kept} missing in {text}");
        }
        for dropped in [
            "operationId: other",
            "/calls",
            "Call:",
            "unused:",
            "name: calls",
        ] {
            assert!(!text.contains(dropped), "{dropped} kept in {text}");
        }
        let error = select(
            Path::new("x.yaml"),
            &mut tree,
            &[Selector::Operation("no".into())],
        );
        assert!(
            error
                .unwrap_err()
                .to_string()
                .contains("no operation is selected by op:no")
        );
    }
}
