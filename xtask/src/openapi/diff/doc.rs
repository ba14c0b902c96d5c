//! A document as the comparison reads it: the files of a [`Source`] (each place then names the
//! provider's own file), or the one tree of a loaded spec; and [`Node`], a node of it reached
//! with every `$ref` followed, through [`Source::target`] for a `$ref` to another file.

use std::path::{Path, PathBuf};

use serde_yaml_ng::Value;

use super::Place;
use crate::Error;
use crate::openapi::Source;
use crate::openapi::pointer::{self, key_text};
use openapiv3::OpenAPI;

/// The extension by which our spec records a deliberate difference from the provider's
/// document: `{reason, source}`, and `omits` for what the provider has that we leave out.
pub const DIFFERS: &str = "x-telauth-differs";

/// The most `$ref`s followed from one node: more is a circle.
const MOST_STEPS: usize = 16;

/// A document's files.
enum Files {
    /// A document read from its files, `$ref`s between them kept.
    Source(Source),
    /// A loaded spec's one tree, every `$ref` local.
    Tree { main: PathBuf, tree: Value },
}

/// A document to compare.
pub struct Doc {
    files: Files,
}

/// A node of a document: its file, the keys to it there, its value, the `x-telauth-differs`
/// met on the way (on a `$ref` and on what it led to), and the name its first `$ref` gives it.
#[derive(Clone)]
pub struct Node<'a> {
    /// Its file, relative to the main file's folder.
    pub file: &'a Path,
    /// The keys to it in its file.
    pub keys: Vec<String>,
    /// The YAML value there, `$ref`s followed.
    pub value: &'a Value,
    /// The `x-telauth-differs` met on the way here.
    pub marks: Vec<&'a Value>,
    /// The last part of the first `$ref` followed to reach it (`Tag` for
    /// `#/components/schemas/Tag`), when one was.
    pub name: Option<String>,
}

impl Doc {
    /// Reads the document whose main file is `path`, and every file its `$ref`s reach, within
    /// bounds and confined to its folder ([`Source::read`]).
    pub fn read(path: &Path) -> Result<Self, Error> {
        Ok(Self {
            files: Files::Source(Source::read(path)?),
        })
    }

    /// A loaded spec's document ([`crate::openapi::Spec::api`]), as the generator reads it.
    pub fn api(api: &OpenAPI) -> Self {
        Self {
            files: Files::Tree {
                main: PathBuf::new(),
                tree: serde_yaml_ng::to_value(api).unwrap_or(Value::Null),
            },
        }
    }

    /// The main file, relative to its folder.
    fn main(&self) -> &Path {
        match &self.files {
            Files::Source(source) => source.main_path(),
            Files::Tree { main, .. } => main,
        }
    }

    /// The tree of `file`.
    fn file(&self, file: &Path) -> Option<&Value> {
        match &self.files {
            Files::Source(source) => source.files().get(file),
            Files::Tree { main, tree } => (file == main).then_some(tree),
        }
    }

    /// The main file's tree.
    pub fn main_tree(&self) -> &Value {
        self.file(self.main()).unwrap_or(&Value::Null)
    }

    /// The node of the main file's top, where `paths` and `components` are.
    pub fn root(&self) -> Node<'_> {
        Node {
            file: self.main(),
            keys: Vec::new(),
            value: self.main_tree(),
            marks: Vec::new(),
            name: None,
        }
    }

    /// Where `node` is.
    pub fn place(&self, node: &Node<'_>) -> Place {
        Place {
            file: (node.file != self.main()).then(|| node.file.to_path_buf()),
            keys: node.keys.clone(),
        }
    }

    /// The file a `$ref` in `file` names (`None` for a local one), confined to the folder.
    fn target(&self, file: &Path, reference: &str) -> Option<Option<PathBuf>> {
        match &self.files {
            Files::Source(source) => source.target(file, &[], reference).ok(),
            Files::Tree { .. } => reference.starts_with('#').then_some(None),
        }
    }

    /// `node` with its `$ref`s followed (a few steps at most).
    fn follow<'a>(&'a self, mut node: Node<'a>) -> Node<'a> {
        for _ in 0..MOST_STEPS {
            if let Some(mark) = field(node.value, DIFFERS) {
                node.marks.push(mark);
            }
            let Some(reference) = field(node.value, "$ref").and_then(Value::as_str) else {
                return node;
            };
            match self.step(&node, reference) {
                Some(next) => node = next,
                None => return node,
            }
        }
        node
    }

    /// The node the `$ref` `reference` of `node` leads to, if it leads somewhere.
    fn step<'a>(&'a self, node: &Node<'a>, reference: &str) -> Option<Node<'a>> {
        let (_, fragment) = reference.split_once('#').unwrap_or((reference, ""));
        let keys = pointer::parse(fragment);
        let target = self.target(node.file, reference)?;
        let find = |file: &'a Path| -> Option<(&'a Path, &'a Value)> {
            Some((file, pointer::find(self.file(file)?, &keys)?))
        };
        let (file, value) = match &target {
            Some(target) => {
                let (file, _) = self.files_key(target)?;
                find(file)?
            }
            // A local `#/components/...` in a file the main one refers to means the main
            // file's when that file lacks it, as the bundlers of split documents read it.
            None => find(node.file).or_else(|| find(self.main()))?,
        };
        Some(Node {
            file,
            keys,
            value,
            marks: node.marks.clone(),
            name: node
                .name
                .clone()
                .or_else(|| reference.rsplit('/').next().map(str::to_string)),
        })
    }

    /// The stored path and tree of `file`, so that a node can borrow its path from the
    /// document.
    fn files_key(&self, file: &Path) -> Option<(&Path, &Value)> {
        match &self.files {
            Files::Source(source) => source
                .files()
                .get_key_value(file)
                .map(|(path, tree)| (path.as_path(), tree)),
            Files::Tree { main, tree } => (file == main).then_some((main.as_path(), tree)),
        }
    }

    /// The child `key` of `node`, its `$ref`s followed.
    pub fn child<'a>(&'a self, node: &Node<'a>, key: &str) -> Option<Node<'a>> {
        let value = field(node.value, key)?;
        Some(self.descend(node, key.to_string(), value))
    }

    /// The entries of the map `node`, extensions left out, each with its `$ref`s followed: in
    /// the order of their keys for a document read from files (so that `upstream`'s lines come
    /// in one order whatever the order of the provider's files), in the document's order for a
    /// loaded spec (the order of its statuses is the order its error bodies are tried in).
    pub fn entries<'a>(&'a self, node: &Node<'a>) -> Vec<(String, Node<'a>)> {
        let Some(map) = untagged(node.value).as_mapping() else {
            return Vec::new();
        };
        let mut entries: Vec<(String, &Value)> = map
            .iter()
            .map(|(key, value)| (key_text(key), value))
            .filter(|(key, _)| !key.starts_with("x-"))
            .collect();
        if let Files::Source(_) = self.files {
            entries.sort_by(|(a, _), (b, _)| a.cmp(b));
        }
        entries
            .into_iter()
            .map(|(key, value)| (key.clone(), self.descend(node, key, value)))
            .collect()
    }

    /// The items of the list `node`, each with its `$ref`s followed.
    pub fn items<'a>(&'a self, node: &Node<'a>) -> Vec<Node<'a>> {
        let Some(items) = untagged(node.value).as_sequence() else {
            return Vec::new();
        };
        items
            .iter()
            .enumerate()
            .map(|(index, value)| self.descend(node, index.to_string(), value))
            .collect()
    }

    fn descend<'a>(&'a self, node: &Node<'a>, key: String, value: &'a Value) -> Node<'a> {
        let mut keys = node.keys.clone();
        keys.push(key);
        self.follow(Node {
            file: node.file,
            keys,
            value,
            marks: Vec::new(),
            name: None,
        })
    }
}

/// `value` without its YAML tag.
fn untagged(value: &Value) -> &Value {
    match value {
        Value::Tagged(tagged) => untagged(&tagged.value),
        other => other,
    }
}

/// The value under `key` in the map `value` (a key that is a number, such as a status, as
/// YAML writes it).
pub fn field<'v>(value: &'v Value, key: &str) -> Option<&'v Value> {
    let map = untagged(value).as_mapping()?;
    map.get(key)
        .or_else(|| {
            map.iter()
                .find(|(known, _)| !known.is_string() && key_text(known) == key)
                .map(|(_, value)| value)
        })
        .map(untagged)
}

/// The text `field(value, key)` holds, if it is text.
pub fn text<'v>(value: &'v Value, key: &str) -> Option<&'v str> {
    field(value, key).and_then(Value::as_str)
}

/// Whether `field(value, key)` is `true`.
pub fn is_true(value: &Value, key: &str) -> bool {
    field(value, key).and_then(Value::as_bool) == Some(true)
}

impl Node<'_> {
    /// The reason the first `x-telauth-differs` met on the way here gives, if any.
    pub fn reason(&self) -> Option<String> {
        reason_of(&self.marks)
    }

    /// The reason an `x-telauth-differs` met on the way here gives for leaving out `name`, if
    /// it lists it in `omits`.
    pub fn omitted(&self, name: &str) -> Option<String> {
        omitted_of(&self.marks, name)
    }
}

/// The reason the first of `marks` gives, if any.
pub fn reason_of(marks: &[&Value]) -> Option<String> {
    marks.first().map(|mark| mark_reason(mark))
}

/// The reason the first of `marks` that lists `name` in its `omits` gives, if any.
pub fn omitted_of(marks: &[&Value], name: &str) -> Option<String> {
    marks
        .iter()
        .find(|mark| {
            field(mark, "omits")
                .and_then(Value::as_sequence)
                .is_some_and(|omits| omits.iter().any(|o| o.as_str() == Some(name)))
        })
        .map(|mark| mark_reason(mark))
}

fn mark_reason(mark: &Value) -> String {
    text(mark, "reason")
        .unwrap_or("recorded as deliberate")
        .to_string()
}
