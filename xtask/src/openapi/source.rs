//! A document as a provider publishes it: its main file and every file its relative `$ref`s
//! reach, each read within bounds (`read`) and confined to the main file's
//! folder, and [`Source::bundle`]: the same document as one tree whose every `$ref` is local.
//!
//! Confined means: a `$ref` names a file by a relative path that stays inside the main file's
//! folder once `..` and symbolic links are resolved, and that file is a regular file. A URL, an
//! absolute path, a path out of the folder, a link out of it or a special file is refused with
//! the file and the place of the `$ref`; nothing outside the folder is opened, and nothing read
//! is printed.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Component, Path, PathBuf};

use serde_yaml_ng::{Mapping, Value};

use super::pointer;
use super::read;
use crate::Error;

/// The most files one document may span.
const MAX_FILES: usize = 2000;

/// The most bytes one document may span, all its files together.
const MAX_TOTAL_BYTES: u64 = 4 * read::MAX_FILE_BYTES;

/// The most nodes a bundled document may hold once the files it inlines are copied in.
const MAX_BUNDLED_NODES: usize = 5_000_000;

/// The `components` sections a `$ref` to another file's component is hoisted into.
const SECTIONS: [&str; 10] = [
    "schemas",
    "responses",
    "parameters",
    "examples",
    "requestBodies",
    "headers",
    "securitySchemes",
    "links",
    "callbacks",
    "pathItems",
];

/// A document read from its files.
pub struct Source {
    /// The folder every file of the document is in (canonical).
    folder: PathBuf,
    /// That folder as the main file's path was given, for errors.
    given: PathBuf,
    /// The main file, relative to `folder`.
    main: PathBuf,
    /// The main file's text, exactly as read.
    pub text: String,
    /// Every file's tree, by its path relative to `folder`.
    files: BTreeMap<PathBuf, Value>,
}

impl Source {
    /// Reads the document whose main file is `path`, and every file its `$ref`s reach.
    pub fn read(path: &Path) -> Result<Self, Error> {
        let canonical = path
            .canonicalize()
            .map_err(|source| Error::read(path, source))?;
        let folder = canonical.parent().unwrap_or(Path::new("/")).to_path_buf();
        let main = PathBuf::from(canonical.file_name().unwrap_or_default());
        let (tree, text) = read::file(&canonical, path)?;
        let mut source = Self {
            folder,
            given: path.parent().unwrap_or(Path::new("")).to_path_buf(),
            main: main.clone(),
            text,
            files: BTreeMap::new(),
        };
        let mut total = source.text.len() as u64;
        let mut pending = vec![(main, tree)];
        while let Some((file, tree)) = pending.pop() {
            let mut refs = Vec::new();
            collect_refs(&tree, &mut Vec::new(), &mut refs);
            source.files.insert(file.clone(), tree);
            for (place, reference) in refs {
                let Some(target) = source.target(&file, &place, &reference)? else {
                    continue;
                };
                if source.files.contains_key(&target)
                    || pending.iter().any(|(queued, _)| *queued == target)
                {
                    continue;
                }
                if source.files.len() + pending.len() >= MAX_FILES {
                    return Err(source.refuse(
                        &file,
                        &place,
                        format!("the document spans more than {MAX_FILES} files"),
                    ));
                }
                let (tree, text) =
                    read::file(&source.folder.join(&target), &source.shown(&target))?;
                total += text.len() as u64;
                if total > MAX_TOTAL_BYTES {
                    return Err(source.refuse(
                        &file,
                        &place,
                        format!("the document's files hold more than {MAX_TOTAL_BYTES} bytes"),
                    ));
                }
                pending.push((target, tree));
            }
        }
        Ok(source)
    }

    /// The main file's tree.
    pub fn main_tree(&self) -> &Value {
        &self.files[&self.main]
    }

    /// Every file's tree, by its path relative to the main file's folder; the main file's is
    /// [`Source::main_path`].
    pub fn files(&self) -> &BTreeMap<PathBuf, Value> {
        &self.files
    }

    /// The folder of the main file (canonical); every file of the document is in it.
    pub fn folder(&self) -> &Path {
        &self.folder
    }

    /// The main file, relative to its folder.
    pub fn main_path(&self) -> &Path {
        &self.main
    }

    /// Whether the document spans more than its main file.
    pub fn is_split(&self) -> bool {
        self.files.len() > 1
    }

    /// The file a `$ref` in `file` names, relative to the folder, or `None` for a local one.
    /// Refuses what is not confined to the folder.
    pub fn target(
        &self,
        file: &Path,
        place: &[String],
        reference: &str,
    ) -> Result<Option<PathBuf>, Error> {
        let (target, _) = reference.split_once('#').unwrap_or((reference, ""));
        if target.is_empty() {
            return Ok(None);
        }
        let refuse = |message: &str| Err(self.refuse(file, place, message.to_string()));
        if target.contains("://") || target.starts_with("//") {
            return refuse(
                "a `$ref` to a URL: the generator reads no network; save the document and the \
                 files it refers to in one folder, and refer to them by relative paths",
            );
        }
        let relative = Path::new(target);
        if relative.has_root() || target.starts_with('\\') || target.contains(':') {
            return refuse(
                "a `$ref` to an absolute path: a document refers to its other files by paths \
                 relative to its own",
            );
        }
        // Lexically first: no `..` may lead out of the folder, whatever exists there.
        let mut joined = file.parent().unwrap_or(Path::new("")).to_path_buf();
        for component in relative.components() {
            match component {
                Component::Normal(part) => joined.push(part),
                Component::CurDir => {}
                Component::ParentDir if joined.pop() => {}
                _ => {
                    return refuse(
                        "a `$ref` that leads out of the document's folder: every file of a \
                         document must be in its main file's folder or below it",
                    );
                }
            }
        }
        // Then as the file system has it: no symbolic link may lead out either.
        let canonical = self.folder.join(&joined).canonicalize().map_err(|source| {
            self.refuse(
                file,
                place,
                format!(
                    "the file the `$ref` names cannot be opened: {}",
                    source.kind()
                ),
            )
        })?;
        match canonical.strip_prefix(&self.folder) {
            Ok(inside) => Ok(Some(inside.to_path_buf())),
            Err(_) => refuse(
                "a `$ref` to a file that a symbolic link places outside the document's folder",
            ),
        }
    }

    /// `file` as errors show it: relative to the folder the main file was given in.
    pub fn shown(&self, file: &Path) -> PathBuf {
        self.given.join(file)
    }

    fn refuse(&self, file: &Path, place: &[String], message: String) -> Error {
        Error::invalid(self.shown(file), pointer::render(place), message)
    }

    /// The document as one tree, every `$ref` local.
    ///
    /// A `$ref` to another file's `#/components/<section>/<name>`, or to a whole file or part
    /// of one where a schema stands, is hoisted into the main tree's `components` under that
    /// name (the file's stem for a whole file; a name taken by something else gets a `_2`,
    /// `_3`, ...); any other (a path item, a parameter, a response given by a file) is copied
    /// in where it is used. A local `$ref` in another file means that file's node when it has
    /// it, else the main file's (as the bundlers of split documents read it).
    pub fn bundle(&self) -> Result<Value, Error> {
        let mut bundler = Bundler {
            source: self,
            root: self.main_tree().clone(),
            hoisted: BTreeMap::new(),
            inlining: Vec::new(),
            nodes: 0,
        };
        if !self.is_split() {
            return Ok(bundler.root);
        }
        let mut root = bundler.root.clone();
        bundler.walk(&mut root, &self.main, &mut Vec::new(), false)?;
        // What was hoisted while walking was put into `bundler.root`'s components.
        let components = bundler
            .root
            .get("components")
            .cloned()
            .unwrap_or(Value::Mapping(Mapping::new()));
        if let Value::Mapping(map) = &mut root {
            merge_components(map, components);
        }
        Ok(root)
    }
}

/// Every `$ref` string in `tree`, with its place (the keys to the map that holds it).
fn collect_refs(tree: &Value, place: &mut Vec<String>, refs: &mut Vec<(Vec<String>, String)>) {
    match tree {
        Value::Mapping(map) => {
            for (key, value) in map {
                let key = pointer::key_text(key);
                if key == "$ref"
                    && let Some(reference) = value.as_str()
                {
                    refs.push((place.clone(), reference.to_string()));
                    continue;
                }
                place.push(key);
                collect_refs(value, place, refs);
                place.pop();
            }
        }
        Value::Sequence(items) => {
            for (index, value) in items.iter().enumerate() {
                place.push(index.to_string());
                collect_refs(value, place, refs);
                place.pop();
            }
        }
        Value::Tagged(tagged) => collect_refs(&tagged.value, place, refs),
        _ => {}
    }
}

/// Adds the hoisted `components` to the bundled root's own.
fn merge_components(root: &mut Mapping, hoisted: Value) {
    let Value::Mapping(hoisted) = hoisted else {
        return;
    };
    let components = root
        .entry(Value::from("components"))
        .or_insert_with(|| Value::Mapping(Mapping::new()));
    let Value::Mapping(components) = components else {
        return;
    };
    for (section, entries) in hoisted {
        let Value::Mapping(entries) = entries else {
            continue;
        };
        let into = components
            .entry(section)
            .or_insert_with(|| Value::Mapping(Mapping::new()));
        if let Value::Mapping(into) = into {
            for (name, value) in entries {
                into.entry(name).or_insert(value);
            }
        }
    }
}

/// The state of one [`Source::bundle`].
struct Bundler<'s> {
    source: &'s Source,
    /// The main tree, into whose `components` targets are hoisted.
    root: Value,
    /// Each target hoisted: (file, pointer) to its local `$ref`.
    hoisted: BTreeMap<(PathBuf, String), String>,
    /// The targets being copied in, outermost first: a cycle among them is refused.
    inlining: Vec<(PathBuf, String)>,
    /// The nodes copied in so far.
    nodes: usize,
}

impl Bundler<'_> {
    /// Makes every `$ref` under `node` (which sits in `file`) local. `schema` tells whether
    /// `node` is a schema.
    fn walk(
        &mut self,
        node: &mut Value,
        file: &Path,
        place: &mut Vec<String>,
        schema: bool,
    ) -> Result<(), Error> {
        match node {
            Value::Mapping(map) => {
                if let Some(reference) = map.get("$ref").and_then(Value::as_str) {
                    let reference = reference.to_string();
                    if let Some(replacement) = self.reference(file, place, &reference, schema)? {
                        *node = replacement;
                    }
                    return Ok(());
                }
                for (key, value) in map.iter_mut() {
                    let key = pointer::key_text(key);
                    let child_schema = holds_schema(place, &key, schema);
                    place.push(key);
                    self.walk(value, file, place, child_schema)?;
                    place.pop();
                }
                Ok(())
            }
            Value::Sequence(items) => {
                let parent = place.last().cloned().unwrap_or_default();
                let items_schema = schema && matches!(parent.as_str(), "allOf" | "oneOf" | "anyOf");
                for (index, value) in items.iter_mut().enumerate() {
                    place.push(index.to_string());
                    self.walk(value, file, place, items_schema)?;
                    place.pop();
                }
                Ok(())
            }
            _ => Ok(()),
        }
    }

    /// What the `$ref` `reference` at `place` in `file` becomes: a local `$ref`, the node it
    /// names copied in, or `None` to keep it as it is.
    fn reference(
        &mut self,
        file: &Path,
        place: &[String],
        reference: &str,
        schema: bool,
    ) -> Result<Option<Value>, Error> {
        let (_, fragment) = reference.split_once('#').unwrap_or((reference, ""));
        let target = match self.source.target(file, place, reference)? {
            Some(target) => target,
            // A local `$ref` in another file: that file's node, else the main file's.
            None if file != self.source.main => {
                let tokens = pointer::parse(fragment);
                if pointer::find(&self.source.files[file], &tokens).is_some() {
                    file.to_path_buf()
                } else {
                    return Ok(Some(local_ref(fragment)));
                }
            }
            None => return Ok(None),
        };
        if target == self.source.main {
            return Ok(Some(local_ref(fragment)));
        }
        let key = (target.clone(), fragment.to_string());
        if let Some(local) = self.hoisted.get(&key) {
            return Ok(Some(local_ref(local)));
        }
        let tokens = pointer::parse(fragment);
        let Some(found) = pointer::find(&self.source.files[&target], &tokens) else {
            return Err(self.source.refuse(
                file,
                place,
                format!(
                    "`$ref: {}` points at nothing in that file",
                    pointer::escape_text(reference)
                ),
            ));
        };
        let mut found = found.clone();
        let section = match tokens.as_slice() {
            [components, section, _] if components == "components" => SECTIONS
                .contains(&section.as_str())
                .then(|| section.clone()),
            _ if schema => Some("schemas".to_string()),
            _ => None,
        };
        let here: Vec<String> = tokens.clone();
        let Some(section) = section else {
            // Copied in where it is used.
            if self.inlining.contains(&key) {
                return Err(self.source.refuse(
                    file,
                    place,
                    "the `$ref` leads back to itself through nodes that cannot be named \
                     (only schemas and components can refer to themselves)"
                        .into(),
                ));
            }
            self.count(&found, file, place)?;
            self.inlining.push(key);
            self.walk(&mut found, &target, &mut here.clone(), schema)?;
            self.inlining.pop();
            return Ok(Some(found));
        };
        let wanted = match tokens.last() {
            Some(name) if !name.is_empty() => name.clone(),
            _ => target
                .file_stem()
                .map(|stem| stem.to_string_lossy().into_owned())
                .unwrap_or_else(|| "Document".into()),
        };
        let name = self.free_name(&section, &wanted, &found);
        let local = format!("#/components/{section}/{}", pointer::escape_token(&name));
        self.hoisted.insert(key, local.clone());
        self.count(&found, file, place)?;
        self.walk(&mut found, &target, &mut here.clone(), section == "schemas")?;
        self.components(&section).insert(Value::from(name), found);
        Ok(Some(local_ref(&local)))
    }

    /// A name in `components.<section>` for `value`: `wanted` when free, else `wanted_2`, ...
    fn free_name(&mut self, section: &str, wanted: &str, _value: &Value) -> String {
        let taken: BTreeSet<String> = self
            .components(section)
            .keys()
            .map(pointer::key_text)
            .collect();
        if !taken.contains(wanted) {
            return wanted.to_string();
        }
        (2..)
            .map(|n| format!("{wanted}_{n}"))
            .find(|name| !taken.contains(name))
            .unwrap_or_default()
    }

    /// The main tree's `components.<section>`, made when missing.
    fn components(&mut self, section: &str) -> &mut Mapping {
        if !self.root.is_mapping() {
            self.root = Value::Mapping(Mapping::new());
        }
        let Value::Mapping(root) = &mut self.root else {
            unreachable!("made a mapping above")
        };
        let components = root
            .entry(Value::from("components"))
            .or_insert_with(|| Value::Mapping(Mapping::new()));
        if !components.is_mapping() {
            *components = Value::Mapping(Mapping::new());
        }
        let Value::Mapping(components) = components else {
            unreachable!("made a mapping above")
        };
        let entries = components
            .entry(Value::from(section))
            .or_insert_with(|| Value::Mapping(Mapping::new()));
        if !entries.is_mapping() {
            *entries = Value::Mapping(Mapping::new());
        }
        match entries {
            Value::Mapping(entries) => entries,
            _ => unreachable!("made a mapping above"),
        }
    }

    /// Counts the nodes of `value` against the bundle's bound.
    fn count(&mut self, value: &Value, file: &Path, place: &[String]) -> Result<(), Error> {
        self.nodes += node_count(value);
        if self.nodes > MAX_BUNDLED_NODES {
            return Err(self.source.refuse(
                file,
                place,
                format!(
                    "the files the document's `$ref`s copy in add up to more than \
                     {MAX_BUNDLED_NODES} nodes"
                ),
            ));
        }
        Ok(())
    }
}

/// Whether the value under `key`, in a node at `place` that is a schema when `schema`, is a
/// schema.
fn holds_schema(place: &[String], key: &str, schema: bool) -> bool {
    let parent = place.last().map(String::as_str).unwrap_or_default();
    let grandparent = place
        .len()
        .checked_sub(2)
        .map(|index| place[index].as_str())
        .unwrap_or_default();
    if schema {
        // In a schema: its subschemas; `properties` holds names, whose values are schemas.
        return matches!(key, "items" | "additionalProperties" | "not")
            || (parent == "properties" && !key.is_empty())
            || matches!(key, "allOf" | "oneOf" | "anyOf" | "properties");
    }
    key == "schema"
        || (parent == "schemas" && grandparent == "components")
        || (key == "schemas" && parent == "components")
}

fn local_ref(fragment: &str) -> Value {
    let fragment = if fragment.starts_with('#') {
        fragment.to_string()
    } else {
        format!("#{fragment}")
    };
    let mut map = Mapping::new();
    map.insert(Value::from("$ref"), Value::from(fragment));
    Value::Mapping(map)
}

fn node_count(value: &Value) -> usize {
    match value {
        Value::Mapping(map) => 1 + map.values().map(node_count).sum::<usize>(),
        Value::Sequence(items) => 1 + items.iter().map(node_count).sum::<usize>(),
        Value::Tagged(tagged) => node_count(&tagged.value),
        _ => 1,
    }
}
