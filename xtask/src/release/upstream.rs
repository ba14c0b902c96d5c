//! `cargo xtask upstream PROVIDER FILE`: a provider's published OpenAPI document (3.0 or 3.1,
//! JSON or YAML, split over files by relative `$ref`s or not) against our spec, in our terms.
//!
//! Operations are matched by method and full path (the server URL's path joined with the
//! operation's, path parameters by position), since our specs name operations and group
//! servers differently. For each operation our spec covers, every difference is one line with
//! the place in both documents: an added or removed field, a new status, a changed media type,
//! a removed operation, a new required request field, a changed type, format, bound, enum,
//! `required` or nullability. Descriptions, summaries and examples are not compared.
//!
//! A difference is deliberate when our spec records it at its place: an `x-telauth-differs`
//! object (`reason`, `source`, and for what the provider has and we leave out, `omits`: the
//! names of fields, statuses, parameters or media types) on the node the difference is found
//! at, or on the node its `$ref` leads to. Operations the provider publishes and our spec does
//! not cover are listed apart.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::Error;

/// The extension that records a deliberate difference.
pub const DIFFERS: &str = "x-telauth-differs";

const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "patch", "options", "head", "trace",
];

/// One difference.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Difference {
    /// What kind, such as `added answer field`.
    pub kind: &'static str,
    /// What, in a few words.
    pub what: String,
    /// The place in our spec.
    pub ours: String,
    /// The place in the provider's document.
    pub theirs: String,
    /// The reason our spec records, when it is deliberate.
    pub deliberate: Option<String>,
}

impl fmt::Display for Difference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // A provider's names reach a terminal inert.
        use crate::openapi::pointer::escape_text;
        write!(
            f,
            "{}: {}: ours {} | provider {}",
            self.kind,
            escape_text(&self.what),
            escape_text(&self.ours),
            escape_text(&self.theirs)
        )
    }
}

/// What the comparison found.
#[derive(Debug, Default)]
pub struct Report {
    /// The differences, deliberate ones among them, each once, in the order found.
    pub differences: Vec<Difference>,
    /// The provider's operations our spec does not cover: `METHOD /path` and their place.
    pub uncovered: Vec<String>,
    /// The provider document's `openapi` version.
    pub version: String,
}

impl Report {
    /// The differences not recorded as deliberate.
    pub fn unrecorded(&self) -> impl Iterator<Item = &Difference> {
        self.differences.iter().filter(|d| d.deliberate.is_none())
    }
}

/// A document, with the files its `$ref`s reach.
struct Doc {
    main: PathBuf,
    files: BTreeMap<PathBuf, Value>,
}

/// A node of a document: its file, its path of keys and its value.
#[derive(Clone)]
struct At<'a> {
    file: &'a Path,
    path: Vec<String>,
    value: &'a Value,
    /// The `x-telauth-differs` met on the way here: on a `$ref` and on what it led to.
    differs: Vec<&'a Value>,
}

/// Reads a document's main file through the spec front end, as JSON values.
pub(crate) fn read_tree(path: &Path) -> Result<Value, Error> {
    Ok(to_json(
        crate::openapi::Source::read(path)?.main_tree().clone(),
    ))
}

fn to_json(value: serde_yaml_ng::Value) -> Value {
    use serde_yaml_ng::Value as Y;
    match value {
        Y::Null => Value::Null,
        Y::Bool(b) => Value::Bool(b),
        Y::Number(n) => serde_json::to_value(&n).unwrap_or(Value::Null),
        Y::String(s) => Value::String(s),
        Y::Sequence(items) => Value::Array(items.into_iter().map(to_json).collect()),
        Y::Mapping(map) => Value::Object(
            map.into_iter()
                .map(|(key, value)| {
                    let key = match key {
                        Y::String(s) => s,
                        other => serde_yaml_ng::to_string(&other)
                            .unwrap_or_default()
                            .trim()
                            .to_string(),
                    };
                    (key, to_json(value))
                })
                .collect(),
        ),
        Y::Tagged(tagged) => to_json(tagged.value),
    }
}

impl Doc {
    /// Reads `main` and every file its relative `$ref`s reach, through the spec front end:
    /// within bounds, and confined to `main`'s folder.
    fn load(main: &Path) -> Result<Self, Error> {
        let source = crate::openapi::Source::read(main)?;
        let files = source
            .files()
            .iter()
            .map(|(file, tree)| (source.folder().join(file), to_json(tree.clone())))
            .collect();
        Ok(Self {
            main: source.folder().join(source.main_path()),
            files,
        })
    }

    fn root(&self) -> At<'_> {
        At {
            file: &self.main,
            path: Vec::new(),
            value: &self.files[&self.main],
            differs: Vec::new(),
        }
    }

    /// Where `at` is, for a line: `components.schemas.X` in the main file,
    /// `paths/accesskeys/main.yaml#get.responses` in another.
    fn place(&self, at: &At<'_>) -> String {
        let keys = if at.path.is_empty() {
            "(top level)".to_string()
        } else {
            at.path.join(".")
        };
        if at.file == self.main {
            return keys;
        }
        let dir = self.main.parent().unwrap_or(Path::new("/"));
        let file = at.file.strip_prefix(dir).unwrap_or(at.file);
        format!("{}#{keys}", file.display())
    }

    /// `at` with its `$ref`s followed (a few steps at most).
    fn deref<'a>(&'a self, mut at: At<'a>) -> At<'a> {
        for _ in 0..16 {
            if let Some(differs) = at.value.get(DIFFERS) {
                at.differs.push(differs);
            }
            let Some(reference) = at.value.get("$ref").and_then(Value::as_str) else {
                return at;
            };
            let (target, pointer) = reference.split_once('#').unwrap_or((reference, ""));
            let file: &Path = if target.is_empty() {
                at.file
            } else {
                let dir = at.file.parent().unwrap_or(Path::new("/"));
                match dir
                    .join(target)
                    .canonicalize()
                    .ok()
                    .and_then(|path| self.files.get_key_value(&path))
                {
                    Some((path, _)) => path,
                    None => return at,
                }
            };
            let path: Vec<String> = pointer
                .trim_start_matches('/')
                .split('/')
                .filter(|token| !token.is_empty())
                .map(|token| token.replace("~1", "/").replace("~0", "~"))
                .collect();
            let find = |file: &Path| {
                path.iter()
                    .try_fold(&self.files[file], |node, key| node.get(key))
            };
            // A local `#/components/...` in a file the main one refers to means the main
            // file's, as the bundlers of split documents (VoIPBIN's among them) read it.
            let (file, value) = match find(file) {
                Some(value) => (file, value),
                None if target.is_empty() => match find(&self.main) {
                    Some(value) => (self.main.as_path(), value),
                    None => return at,
                },
                None => return at,
            };
            at = At {
                file,
                path,
                value,
                differs: at.differs,
            };
        }
        at
    }

    /// The child `key` of `at`, its `$ref`s followed.
    fn child<'a>(&'a self, at: &At<'a>, key: &str) -> Option<At<'a>> {
        let value = at.value.get(key)?;
        let mut path = at.path.clone();
        path.push(key.to_string());
        Some(self.deref(At {
            file: at.file,
            path,
            value,
            differs: Vec::new(),
        }))
    }

    /// The entries of the map `at`, extensions left out, each with its `$ref`s followed.
    fn entries<'a>(&'a self, at: &At<'a>) -> Vec<(String, At<'a>)> {
        let Some(map) = at.value.as_object() else {
            return Vec::new();
        };
        map.keys()
            .filter(|key| !key.starts_with("x-"))
            .filter_map(|key| Some((key.clone(), self.child(at, key)?)))
            .collect()
    }

    /// The items of the array `at`, each with its `$ref`s followed.
    fn items<'a>(&'a self, at: &At<'a>) -> Vec<At<'a>> {
        let Some(items) = at.value.as_array() else {
            return Vec::new();
        };
        (0..items.len())
            .filter_map(|index| self.child_index(at, index))
            .collect()
    }

    fn child_index<'a>(&'a self, at: &At<'a>, index: usize) -> Option<At<'a>> {
        let value = at.value.get(index)?;
        let mut path = at.path.clone();
        path.push(index.to_string());
        Some(self.deref(At {
            file: at.file,
            path,
            value,
            differs: Vec::new(),
        }))
    }
}

/// The reason an `x-telauth-differs` met at `at` gives, if any.
fn reason(at: &At<'_>) -> Option<String> {
    at.differs.first().map(|differs| {
        differs
            .get("reason")
            .and_then(Value::as_str)
            .unwrap_or("recorded as deliberate")
            .to_string()
    })
}

/// The reason an `x-telauth-differs` at `at` gives for leaving out `name`, if it lists it.
fn omitted(at: &At<'_>, name: &str) -> Option<String> {
    at.differs
        .iter()
        .find(|differs| {
            differs
                .get("omits")
                .and_then(Value::as_array)
                .is_some_and(|omits| omits.iter().any(|o| o.as_str() == Some(name)))
        })
        .map(|differs| {
            differs
                .get("reason")
                .and_then(Value::as_str)
                .unwrap_or("recorded as deliberate")
                .to_string()
        })
}

/// An operation: its key (`METHOD /path` with `{}` for each parameter), its id for lines, and
/// its node.
struct Operation<'a> {
    key: String,
    name: String,
    path_names: Vec<String>,
    at: At<'a>,
    item: At<'a>,
}

/// The path part of the first server URL, with `{}` for each variable, no trailing `/`.
fn server_prefix(doc: &Doc) -> String {
    let url = doc
        .root()
        .value
        .pointer("/servers/0/url")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    let rest = url.split_once("://").map_or(url.as_str(), |(_, rest)| rest);
    let path = rest.find('/').map_or("", |index| &rest[index..]);
    normalize_path(path).trim_end_matches('/').to_string()
}

fn normalize_path(path: &str) -> String {
    let mut out = String::new();
    let mut inside = false;
    for c in path.chars() {
        match c {
            '{' => {
                inside = true;
                out.push_str("{}");
            }
            '}' => inside = false,
            _ if inside => {}
            _ => out.push(c),
        }
    }
    out
}

fn path_names(path: &str) -> Vec<String> {
    path.split('{')
        .skip(1)
        .filter_map(|part| part.split_once('}').map(|(name, _)| name.to_string()))
        .collect()
}

fn operations(doc: &Doc) -> Vec<Operation<'_>> {
    let prefix = server_prefix(doc);
    let root = doc.root();
    let Some(paths) = doc.child(&root, "paths") else {
        return Vec::new();
    };
    let mut found = Vec::new();
    for (path, item) in doc.entries(&paths) {
        for method in METHODS {
            let Some(at) = doc.child(&item, method) else {
                continue;
            };
            let key = format!(
                "{} {prefix}{}",
                method.to_uppercase(),
                normalize_path(&path)
            );
            let id = at
                .value
                .get("operationId")
                .and_then(Value::as_str)
                .map(|id| format!("{id} "))
                .unwrap_or_default();
            found.push(Operation {
                name: format!("{id}{} {path}", method.to_uppercase()),
                key,
                path_names: path_names(&path),
                at,
                item: item.clone(),
            });
        }
    }
    found
}

/// Compares the provider's document at `file` with our spec at `spec` (both paths on disk).
pub fn compare(spec: &Path, file: &Path) -> Result<Report, Error> {
    let ours = Doc::load(spec)?;
    let theirs = Doc::load(file)?;
    let version = theirs
        .root()
        .value
        .get("openapi")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    if !version.starts_with("3.0") && !version.starts_with("3.1") {
        return Err(Error::invalid(
            file,
            "openapi",
            format!("`{version}`: an OpenAPI 3.0 or 3.1 document is needed"),
        ));
    }
    let mut cx = Cx {
        ours: &ours,
        theirs: &theirs,
        report: Report {
            version,
            ..Report::default()
        },
        seen: BTreeSet::new(),
    };
    let (our_ops, their_ops) = (operations(&ours), operations(&theirs));
    for op in &our_ops {
        match their_ops.iter().find(|other| other.key == op.key) {
            None => {
                let deliberate = reason(&op.at);
                cx.push(Difference {
                    kind: "removed operation",
                    what: format!("{} is not in the provider's document", op.name),
                    ours: ours.place(&op.at),
                    theirs: "(none)".into(),
                    deliberate,
                });
            }
            Some(other) => cx.operation(op, other),
        }
    }
    for op in &their_ops {
        if !our_ops.iter().any(|other| other.key == op.key) {
            cx.report
                .uncovered
                .push(format!("{}: provider {}", op.key, theirs.place(&op.at)));
        }
    }
    Ok(cx.report)
}

/// Which way a schema travels.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Direction {
    Request,
    Response,
}

struct Cx<'a> {
    ours: &'a Doc,
    theirs: &'a Doc,
    report: Report,
    /// The schema pairs already compared, by place.
    seen: BTreeSet<(String, String)>,
}

/// A schema's shape: its own keywords and its children, `allOf` merged.
#[derive(Default)]
struct Shape<'a> {
    types: BTreeSet<String>,
    nullable: bool,
    keywords: BTreeMap<&'static str, String>,
    enumeration: Option<BTreeSet<String>>,
    required: BTreeSet<String>,
    properties: Vec<(String, At<'a>)>,
    items: Option<At<'a>>,
    members: Vec<At<'a>>,
    /// The `x-telauth-differs` of the schema and of its `allOf` members.
    differs: Vec<&'a Value>,
}

const KEYWORDS: [&str; 9] = [
    "format",
    "pattern",
    "minLength",
    "maxLength",
    "minimum",
    "maximum",
    "minItems",
    "maxItems",
    "uniqueItems",
];

fn shape<'a>(doc: &'a Doc, at: &At<'a>) -> Shape<'a> {
    let mut shape = Shape {
        differs: at.differs.clone(),
        ..Shape::default()
    };
    merge(doc, at, &mut shape, 0, &mut BTreeSet::new());
    shape
}

/// Merges the schema `at` into `shape`, each node once (`visited`): a schema whose `allOf`
/// names itself many times costs one visit, not one per path to it.
fn merge<'a>(
    doc: &'a Doc,
    at: &At<'a>,
    shape: &mut Shape<'a>,
    depth: usize,
    visited: &mut BTreeSet<String>,
) {
    if !visited.insert(doc.place(at)) {
        return;
    }
    let value = at.value;
    match value.get("type") {
        Some(Value::String(kind)) => {
            shape.types.insert(kind.clone());
        }
        Some(Value::Array(kinds)) => {
            for kind in kinds.iter().filter_map(Value::as_str) {
                if kind == "null" {
                    shape.nullable = true;
                } else {
                    shape.types.insert(kind.to_string());
                }
            }
        }
        _ => {}
    }
    if value.get("nullable") == Some(&Value::Bool(true)) {
        shape.nullable = true;
    }
    for keyword in KEYWORDS {
        if let Some(found) = value.get(keyword)
            && found != &Value::Bool(false)
        {
            shape.keywords.insert(keyword, found.to_string());
        }
    }
    if let Some(values) = value.get("enum").and_then(Value::as_array) {
        let mut set = BTreeSet::new();
        for item in values {
            match item {
                Value::Null => shape.nullable = true,
                Value::String(text) => {
                    set.insert(text.clone());
                }
                other => {
                    set.insert(other.to_string());
                }
            }
        }
        shape.enumeration = Some(set);
    }
    if let Some(required) = value.get("required").and_then(Value::as_array) {
        shape.required.extend(
            required
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_string),
        );
    }
    if let Some(properties) = doc.child(at, "properties") {
        for (name, property) in doc.entries(&properties) {
            if !shape.properties.iter().any(|(known, _)| *known == name) {
                shape.properties.push((name, property));
            }
        }
        if !shape.properties.is_empty() {
            shape.types.insert("object".into());
        }
    }
    if let Some(items) = doc.child(at, "items") {
        shape.items = Some(items);
    }
    for key in ["oneOf", "anyOf"] {
        if let Some(members) = doc.child(at, key) {
            let members = doc.items(&members);
            // `oneOf: [X, {type: null}]` is a nullable X, as 3.1 writes it.
            let (null, others): (Vec<_>, Vec<_>) = members
                .into_iter()
                .partition(|m| m.value.get("type").and_then(Value::as_str) == Some("null"));
            if !null.is_empty() {
                shape.nullable = true;
            }
            if others.len() == 1 && depth < 16 {
                shape.differs.extend(others[0].differs.iter().copied());
                merge(doc, &others[0], shape, depth + 1, visited);
            } else {
                shape.members.extend(others);
            }
        }
    }
    if let Some(members) = doc.child(at, "allOf")
        && depth < 16
    {
        for member in doc.items(&members) {
            shape.differs.extend(member.differs.iter().copied());
            merge(doc, &member, shape, depth + 1, visited);
        }
    }
}

fn deliberate_of(differs: &[&Value]) -> Option<String> {
    reason(&At {
        file: Path::new(""),
        path: Vec::new(),
        value: &Value::Null,
        differs: differs.to_vec(),
    })
}

fn omitted_of(differs: &[&Value], name: &str) -> Option<String> {
    omitted(
        &At {
            file: Path::new(""),
            path: Vec::new(),
            value: &Value::Null,
            differs: differs.to_vec(),
        },
        name,
    )
}

fn set_text(set: &BTreeSet<String>) -> String {
    if set.is_empty() {
        "none".into()
    } else {
        set.iter().cloned().collect::<Vec<_>>().join(", ")
    }
}

impl<'a> Cx<'a> {
    fn push(&mut self, difference: Difference) {
        let duplicate = self.report.differences.iter().any(|known| {
            known.kind == difference.kind
                && known.ours == difference.ours
                && known.theirs == difference.theirs
                && known.what == difference.what
        });
        if !duplicate {
            self.report.differences.push(difference);
        }
    }

    fn line(
        &mut self,
        kind: &'static str,
        what: String,
        ours: &At<'a>,
        theirs: &At<'a>,
        deliberate: Option<String>,
    ) {
        let difference = Difference {
            kind,
            what,
            ours: self.ours.place(ours),
            theirs: self.theirs.place(theirs),
            deliberate,
        };
        self.push(difference);
    }

    fn operation(&mut self, ours: &Operation<'a>, theirs: &Operation<'a>) {
        let name = ours.name.clone();
        self.parameters(&name, ours, theirs);
        self.request_body(&name, ours, theirs);
        self.responses(&name, ours, theirs);
    }

    /// Parameters keyed `in name`, path parameters by position.
    fn parameter_list(doc: &'a Doc, op: &Operation<'a>) -> Vec<(String, At<'a>)> {
        let mut list: Vec<(String, At<'a>)> = Vec::new();
        for owner in [&op.item, &op.at] {
            let Some(parameters) = doc.child(owner, "parameters") else {
                continue;
            };
            for parameter in doc.items(&parameters) {
                let name = parameter
                    .value
                    .get("name")
                    .and_then(Value::as_str)
                    .unwrap_or_default();
                let place = parameter
                    .value
                    .get("in")
                    .and_then(Value::as_str)
                    .unwrap_or_default();
                let key = if place == "path" {
                    match op.path_names.iter().position(|n| n == name) {
                        Some(index) => format!("path parameter #{}", index + 1),
                        None => format!("path parameter {name}"),
                    }
                } else if place == "header" {
                    format!("header {}", name.to_ascii_lowercase())
                } else {
                    format!("{place} parameter {name}")
                };
                list.retain(|(known, _)| *known != key);
                list.push((key, parameter));
            }
        }
        list
    }

    fn parameters(&mut self, name: &str, ours: &Operation<'a>, theirs: &Operation<'a>) {
        let (mine, other) = (
            Self::parameter_list(self.ours, ours),
            Self::parameter_list(self.theirs, theirs),
        );
        for (key, parameter) in &other {
            let required = parameter.value.get("required") == Some(&Value::Bool(true));
            if mine.iter().any(|(known, _)| known == key) {
                continue;
            }
            let pname = parameter
                .value
                .get("name")
                .and_then(Value::as_str)
                .unwrap_or_default();
            let deliberate = omitted(&ours.at, pname);
            let kind = if required {
                "new required parameter"
            } else {
                "added parameter"
            };
            self.line(
                kind,
                format!("{key} of {name}"),
                &ours.at,
                parameter,
                deliberate,
            );
        }
        for (key, parameter) in &mine {
            let Some((_, there)) = other.iter().find(|(known, _)| known == key) else {
                self.line(
                    "parameter not published",
                    format!("{key} of {name}"),
                    parameter,
                    &theirs.at,
                    reason(parameter),
                );
                continue;
            };
            let required = |at: &At<'_>| at.value.get("required") == Some(&Value::Bool(true));
            if required(parameter) != required(there) {
                self.line(
                    "changed required",
                    format!(
                        "{key} of {name}: ours {}, provider {}",
                        required(parameter),
                        required(there)
                    ),
                    parameter,
                    there,
                    reason(parameter),
                );
            }
            if let (Some(mine), Some(other)) = (
                self.ours.child(parameter, "schema"),
                self.theirs.child(there, "schema"),
            ) {
                let mut mine = mine;
                mine.differs.extend(parameter.differs.iter().copied());
                self.schema(
                    &format!("{key} of {name}"),
                    &mine,
                    &other,
                    Direction::Request,
                );
            }
        }
    }

    fn request_body(&mut self, name: &str, ours: &Operation<'a>, theirs: &Operation<'a>) {
        let (mine, other) = (
            self.ours.child(&ours.at, "requestBody"),
            self.theirs.child(&theirs.at, "requestBody"),
        );
        match (mine, other) {
            (None, None) => {}
            (Some(mine), None) => self.line(
                "body not published",
                format!("the body of {name}"),
                &mine,
                &theirs.at,
                reason(&mine),
            ),
            (None, Some(other)) => {
                let deliberate = omitted(&ours.at, "requestBody");
                self.line(
                    "added body",
                    format!("the body of {name}"),
                    &ours.at,
                    &other,
                    deliberate,
                );
            }
            (Some(mine), Some(other)) => {
                let required = |at: &At<'_>| at.value.get("required") == Some(&Value::Bool(true));
                if required(&mine) != required(&other) {
                    self.line(
                        "changed required",
                        format!(
                            "the body of {name}: ours {}, provider {}",
                            required(&mine),
                            required(&other)
                        ),
                        &mine,
                        &other,
                        reason(&mine),
                    );
                }
                self.content(
                    &format!("the body of {name}"),
                    &mine,
                    &other,
                    Direction::Request,
                );
            }
        }
    }

    /// Compares the `content` of two bodies (a request body or a response).
    fn content(&mut self, what: &str, mine: &At<'a>, other: &At<'a>, direction: Direction) {
        let media = |doc: &'a Doc, at: &At<'a>| -> Vec<(String, At<'a>)> {
            doc.child(at, "content")
                .map(|content| doc.entries(&content))
                .unwrap_or_default()
        };
        let (ours, theirs) = (media(self.ours, mine), media(self.theirs, other));
        let names = |list: &[(String, At<'a>)]| -> BTreeSet<String> {
            list.iter().map(|(name, _)| name.clone()).collect()
        };
        if names(&ours) != names(&theirs) {
            let added: Vec<String> = names(&theirs).difference(&names(&ours)).cloned().collect();
            let removed = names(&ours).difference(&names(&theirs)).count();
            // Media types the provider has and we leave out can be listed in `omits`.
            let deliberate = reason(mine).or_else(|| {
                let mut reasons = added.iter().map(|media| omitted(mine, media));
                if removed == 0 && !added.is_empty() {
                    reasons
                        .next()
                        .flatten()
                        .filter(|_| reasons.all(|r| r.is_some()))
                } else {
                    None
                }
            });
            self.line(
                "changed media type",
                format!(
                    "{what}: ours {}, provider {}",
                    set_text(&names(&ours)),
                    set_text(&names(&theirs))
                ),
                mine,
                other,
                deliberate,
            );
        }
        for (media, at) in &ours {
            let Some((_, there)) = theirs.iter().find(|(name, _)| name == media) else {
                continue;
            };
            if let (Some(mine), Some(other)) = (
                self.ours.child(at, "schema"),
                self.theirs.child(there, "schema"),
            ) {
                self.schema(what, &mine, &other, direction);
            }
        }
    }

    fn responses(&mut self, name: &str, ours: &Operation<'a>, theirs: &Operation<'a>) {
        let list = |doc: &'a Doc, op: &Operation<'a>| -> Vec<(String, At<'a>)> {
            doc.child(&op.at, "responses")
                .map(|responses| doc.entries(&responses))
                .unwrap_or_default()
        };
        let (mine, other) = (list(self.ours, ours), list(self.theirs, theirs));
        for (status, there) in &other {
            if mine.iter().any(|(known, _)| known == status) {
                continue;
            }
            let deliberate = omitted(&ours.at, status);
            self.line(
                "new status",
                format!("{status} of {name}"),
                &ours.at,
                there,
                deliberate,
            );
        }
        for (status, at) in &mine {
            let Some((_, there)) = other.iter().find(|(known, _)| known == status) else {
                self.line(
                    "status not published",
                    format!("{status} of {name}"),
                    at,
                    &theirs.at,
                    reason(at),
                );
                continue;
            };
            let direction = Direction::Response;
            let (has_mine, has_theirs) = (
                at.value.get("content").is_some(),
                there.value.get("content").is_some(),
            );
            if has_mine != has_theirs {
                let (a, b) = (
                    if has_mine { "a body" } else { "no body" },
                    if has_theirs { "a body" } else { "no body" },
                );
                self.line(
                    "changed media type",
                    format!("the {status} answer of {name}: ours {a}, provider {b}"),
                    at,
                    there,
                    reason(at),
                );
                continue;
            }
            self.content(
                &format!("the {status} answer of {name}"),
                at,
                there,
                direction,
            );
        }
    }

    fn schema(&mut self, what: &str, mine: &At<'a>, other: &At<'a>, direction: Direction) {
        let key = (self.ours.place(mine), self.theirs.place(other));
        if !self.seen.insert(key) {
            return;
        }
        let (ours, theirs) = (shape(self.ours, mine), shape(self.theirs, other));
        let deliberate = deliberate_of(&ours.differs);
        let types = |shape: &Shape<'_>| {
            let mut types = shape.types.clone();
            // An integer is a number.
            if types.contains("integer") && types.contains("number") {
                types.remove("integer");
            }
            types
        };
        if types(&ours) != types(&theirs) && !types(&theirs).is_empty() && !types(&ours).is_empty()
        {
            self.line(
                "changed type",
                format!(
                    "{what}: ours {}, provider {}",
                    set_text(&types(&ours)),
                    set_text(&types(&theirs))
                ),
                mine,
                other,
                deliberate.clone(),
            );
            return;
        }
        if ours.nullable != theirs.nullable {
            self.line(
                "changed nullable",
                format!(
                    "{what}: ours {}, provider {}",
                    nullable(ours.nullable),
                    nullable(theirs.nullable)
                ),
                mine,
                other,
                deliberate.clone(),
            );
        }
        for keyword in KEYWORDS {
            let (a, b) = (ours.keywords.get(keyword), theirs.keywords.get(keyword));
            if a != b {
                let text = |v: Option<&String>| v.cloned().unwrap_or_else(|| "none".into());
                self.line(
                    "changed constraint",
                    format!("{what}: {keyword} ours {}, provider {}", text(a), text(b)),
                    mine,
                    other,
                    deliberate.clone(),
                );
            }
        }
        if ours.enumeration != theirs.enumeration {
            let text = |e: &Option<BTreeSet<String>>| match e {
                None => "no enum".to_string(),
                Some(values) => format!("enum [{}]", set_text(values)),
            };
            self.line(
                "changed enum",
                format!(
                    "{what}: ours {}, provider {}",
                    text(&ours.enumeration),
                    text(&theirs.enumeration)
                ),
                mine,
                other,
                deliberate.clone(),
            );
        }
        for (field, there) in &theirs.properties {
            let required = theirs.required.contains(field);
            if let Some((_, here)) = ours.properties.iter().find(|(known, _)| known == field) {
                if required != ours.required.contains(field) {
                    let here = here.clone();
                    let field_reason = reason(&here);
                    self.line(
                        "changed required",
                        format!(
                            "{what}.{field}: ours {}, provider {}",
                            if ours.required.contains(field) {
                                "required"
                            } else {
                                "optional"
                            },
                            if required { "required" } else { "optional" }
                        ),
                        &here,
                        there,
                        field_reason,
                    );
                }
                self.schema(&format!("{what}.{field}"), here, there, direction);
                continue;
            }
            let kind = match (direction, required) {
                (Direction::Request, true) => "new required request field",
                (Direction::Request, false) => "added request field",
                (Direction::Response, _) => "added answer field",
            };
            let deliberate = omitted_of(&ours.differs, field);
            self.line(kind, format!("{what}.{field}"), mine, there, deliberate);
        }
        for (field, here) in &ours.properties {
            if !theirs.properties.iter().any(|(known, _)| known == field)
                && !theirs.properties.is_empty()
            {
                self.line(
                    "field not published",
                    format!("{what}.{field}"),
                    here,
                    other,
                    reason(here),
                );
            }
        }
        if let (Some(mine), Some(other)) = (&ours.items, &theirs.items) {
            self.schema(&format!("{what}[]"), mine, other, direction);
        }
        if ours.members.len() != theirs.members.len() {
            self.line(
                "changed members",
                format!(
                    "{what}: ours {} oneOf/anyOf members, provider {}",
                    ours.members.len(),
                    theirs.members.len()
                ),
                mine,
                other,
                deliberate,
            );
        } else {
            for (index, (a, b)) in ours.members.iter().zip(&theirs.members).enumerate() {
                self.schema(&format!("{what}#{index}"), a, b, direction);
            }
        }
    }
}

fn nullable(nullable: bool) -> &'static str {
    if nullable { "nullable" } else { "not nullable" }
}

/// `cargo xtask upstream PROVIDER FILE`: prints each difference not recorded as deliberate,
/// then the operations not covered; answers whether there was none.
pub fn run(
    root: &Path,
    provider: &str,
    file: &Path,
    out: &mut dyn std::io::Write,
) -> Result<bool, Error> {
    let provider = crate::providers::select(root, Some(provider))?.remove(0);
    let report = compare(&root.join(&provider.spec), file)?;
    let _ = writeln!(
        out,
        "upstream {}: {} against {} (OpenAPI {})",
        provider.name,
        provider.spec,
        file.display(),
        crate::openapi::pointer::escape_text(&report.version)
    );
    let mut unrecorded = 0;
    for difference in report.unrecorded() {
        unrecorded += 1;
        let _ = writeln!(out, "{difference}");
    }
    for operation in &report.uncovered {
        let _ = writeln!(
            out,
            "not covered: {}",
            crate::openapi::pointer::escape_text(operation)
        );
    }
    let deliberate = report.differences.len() - unrecorded;
    let _ = writeln!(
        out,
        "upstream: {unrecorded} difference(s) not recorded as deliberate, {deliberate} recorded \
         ({DIFFERS}), {} operation(s) of the provider not covered",
        report.uncovered.len()
    );
    Ok(unrecorded == 0)
}
