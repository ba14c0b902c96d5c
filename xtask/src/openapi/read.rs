//! Reading one file of a document within bounds: a regular file of at most [`MAX_FILE_BYTES`],
//! YAML or JSON, whose tree (YAML aliases expanded) holds at most [`Budget`]'s nodes and bytes
//! and nests at most [`MAX_DEPTH`] levels. Anything past a bound is refused with the file, so
//! a hostile document costs bounded time and memory, never a hang or an exhausted machine.

use std::cell::Cell;
use std::fmt;
use std::io::Read;
use std::path::Path;

use serde::de::{DeserializeSeed, Deserializer, Error as _, MapAccess, SeqAccess, Visitor};
use serde_yaml_ng::{Mapping, Value};

use crate::Error;

/// The largest file the front end reads: the largest published document we know of is a few
/// MiB.
pub const MAX_FILE_BYTES: u64 = 16 << 20;

/// How deep a document's maps and lists may nest (OpenAPI documents nest a few dozen levels).
pub const MAX_DEPTH: usize = 100;

/// The most nodes a document may expand to, whatever its size: about 10 times the largest
/// published document we know of.
const MAX_NODES: usize = 5_000_000;

/// What a file's tree may hold once YAML aliases are expanded: nodes and bytes of text, each a
/// few times the file's own size. A document without aliases always fits; one whose aliases
/// multiply it (an "alias bomb") does not.
#[derive(Clone, Copy, Debug)]
pub struct Budget {
    nodes: usize,
    bytes: usize,
}

impl Budget {
    /// The budget of a file of `len` bytes.
    pub fn for_len(len: usize) -> Self {
        Self {
            nodes: (4 * len + 4096).min(MAX_NODES),
            bytes: 4 * len + 4096,
        }
    }
}

/// Reads the file at `path` (named `shown` in errors) as a YAML or JSON tree, within the
/// bounds above.
pub fn file(path: &Path, shown: &Path) -> Result<(Value, String), Error> {
    let refuse = |message: String| Error::invalid(shown, "#", message);
    let read_error = |source| Error::read(shown, source);
    // A FIFO would block the open, a device never end: only a regular file is opened.
    let metadata = std::fs::metadata(path).map_err(read_error)?;
    if !metadata.is_file() {
        return Err(refuse(
            "not a regular file (a device, a FIFO or a folder); a document is read from \
             regular files only"
                .into(),
        ));
    }
    let file = std::fs::File::open(path).map_err(read_error)?;
    let mut bytes = Vec::new();
    file.take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(read_error)?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(refuse(format!(
            "the file holds more than {MAX_FILE_BYTES} bytes, the most the generator reads"
        )));
    }
    let text = String::from_utf8(bytes).map_err(|error| {
        refuse(format!(
            "the file is not UTF-8 (invalid byte at offset {})",
            error.utf8_error().valid_up_to()
        ))
    })?;
    let tree = text_tree(&text).map_err(|message| Error::parse(shown, message))?;
    Ok((tree, text))
}

/// Parses `text` (JSON when it starts with `{`, else YAML) within the budget of its length.
pub fn text_tree(text: &str) -> Result<Value, String> {
    let budget = Budget::for_len(text.len());
    let state = State {
        nodes: Cell::new(budget.nodes),
        bytes: Cell::new(budget.bytes),
    };
    let seed = Node {
        state: &state,
        depth: 0,
    };
    let value = if text.trim_start().starts_with('{') {
        let mut de = serde_json::Deserializer::from_str(text);
        let value = seed.deserialize(&mut de).map_err(|e| e.to_string())?;
        de.end().map_err(|e| e.to_string())?;
        value
    } else {
        // libyaml's parser takes time quadratic in the nesting of flow collections (`[[[...`):
        // the nesting is bounded before it parses.
        if flow_depth(text) > MAX_DEPTH {
            return Err(format!(
                "the document nests more than {MAX_DEPTH} levels deep (`[` or `{{`)"
            ));
        }
        // An empty file is an empty document: the checks after reading say what it lacks.
        let de = serde_yaml_ng::Deserializer::from_str(text);
        seed.deserialize(de).map_err(|e| e.to_string())?
    };
    Ok(value)
}

/// The deepest nesting of YAML flow collections in `text`, in one linear pass: a `[` or `{`
/// counts where a flow collection can open (at the start of a line's content, or after `:`,
/// `-`, `?`, `,`, `[` or `{` and a space), never inside quotes or comments.
fn flow_depth(text: &str) -> usize {
    let (mut depth, mut deepest) = (0usize, 0usize);
    let mut quote: Option<char> = None;
    let mut previous = '\n';
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match quote {
            Some('"') if c == '\\' => {
                chars.next();
                continue;
            }
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None => match c {
                '"' | '\'' if matches!(previous, ' ' | '\n' | '[' | '{' | ',' | ':') => {
                    quote = Some(c)
                }
                '#' if matches!(previous, ' ' | '\n' | '\t') => {
                    for c in chars.by_ref() {
                        if c == '\n' {
                            break;
                        }
                    }
                    previous = '\n';
                    continue;
                }
                '[' | '{' if matches!(previous, '\n' | ':' | '-' | '?' | ',' | '[' | '{') => {
                    depth += 1;
                    deepest = deepest.max(depth);
                }
                ']' | '}' => depth = depth.saturating_sub(1),
                _ => {}
            },
        }
        // What counts as "before" skips spaces, except that a line starts anew.
        if c == '\n' || !c.is_whitespace() || quote.is_some() {
            previous = c;
        }
    }
    deepest
}

/// What is left of the budget while one tree is read.
struct State {
    nodes: Cell<usize>,
    bytes: Cell<usize>,
}

impl State {
    fn take<E: serde::de::Error>(&self, bytes: usize) -> Result<(), E> {
        let nodes = self.nodes.get().checked_sub(1);
        let bytes = self.bytes.get().checked_sub(bytes);
        match (nodes, bytes) {
            (Some(nodes), Some(bytes)) => {
                self.nodes.set(nodes);
                self.bytes.set(bytes);
                Ok(())
            }
            _ => Err(E::custom(
                "the document expands (through YAML aliases) to far more than its own size; \
                 refused as an alias bomb",
            )),
        }
    }
}

/// One node of the tree being read, at `depth`.
#[derive(Clone, Copy)]
struct Node<'s> {
    state: &'s State,
    depth: usize,
}

impl<'de> DeserializeSeed<'de> for Node<'_> {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        if self.depth > MAX_DEPTH {
            return Err(D::Error::custom(format!(
                "the document nests more than {MAX_DEPTH} levels deep"
            )));
        }
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Node<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a YAML or JSON value")
    }

    fn visit_bool<E: serde::de::Error>(self, v: bool) -> Result<Value, E> {
        self.state.take(1)?;
        Ok(Value::Bool(v))
    }

    fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Value, E> {
        self.state.take(8)?;
        Ok(Value::Number(v.into()))
    }

    fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Value, E> {
        self.state.take(8)?;
        Ok(Value::Number(v.into()))
    }

    fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Value, E> {
        self.state.take(8)?;
        Ok(Value::Number(v.into()))
    }

    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Value, E> {
        self.state.take(v.len())?;
        Ok(Value::String(v.to_string()))
    }

    fn visit_string<E: serde::de::Error>(self, v: String) -> Result<Value, E> {
        self.state.take(v.len())?;
        Ok(Value::String(v))
    }

    fn visit_unit<E: serde::de::Error>(self) -> Result<Value, E> {
        self.state.take(1)?;
        Ok(Value::Null)
    }

    fn visit_none<E: serde::de::Error>(self) -> Result<Value, E> {
        self.visit_unit()
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        self.deserialize(deserializer)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        self.state.take(1)?;
        let inner = Node {
            depth: self.depth + 1,
            ..self
        };
        let mut items = Vec::new();
        while let Some(item) = seq.next_element_seed(inner)? {
            items.push(item);
        }
        Ok(Value::Sequence(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        self.state.take(1)?;
        let inner = Node {
            depth: self.depth + 1,
            ..self
        };
        let mut mapping = Mapping::new();
        while let Some(key) = map.next_key_seed(inner)? {
            let value = map.next_value_seed(inner)?;
            mapping.insert(key, value);
        }
        Ok(Value::Mapping(mapping))
    }

    fn visit_enum<A: serde::de::EnumAccess<'de>>(self, data: A) -> Result<Value, A::Error> {
        // A YAML tag (`!Thing value`): the tag is dropped, its value kept.
        use serde::de::VariantAccess;
        let (_tag, variant): (Value, _) = data.variant_seed(self)?;
        variant.newtype_variant_seed(self)
    }
}

#[cfg(test)]
mod tests {
    use super::text_tree;

    #[test]
    fn yaml_and_json_read_into_one_tree_in_order() {
        let yaml = text_tree("b: 1\na: [x, {c: true}]\n").unwrap();
        let json = text_tree(r#"{"b": 1, "a": ["x", {"c": true}]}"#).unwrap();
        assert_eq!(yaml, json);
        let keys: Vec<_> = yaml.as_mapping().unwrap().keys().cloned().collect();
        assert_eq!(keys, ["b", "a"].map(serde_yaml_ng::Value::from));
    }

    #[test]
    fn an_alias_bomb_is_refused_not_expanded() {
        let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for level in 1..12 {
            let previous = level - 1;
            let items = vec![format!("*a{previous}"); 10].join(", ");
            text.push_str(&format!("a{level}: &a{level} [{items}]\n"));
        }
        let error = text_tree(&text).unwrap_err();
        assert!(error.contains("alias bomb"), "{error}");
    }

    #[test]
    fn brackets_in_text_are_no_nesting() {
        let text =
            "a: see [this] and [that\nb: '[[[[['\nc: \"{{{{\"\n# [[[[[\nd: [1, [2, {e: 3}]]\n";
        assert_eq!(super::flow_depth(text), 3);
    }

    #[test]
    fn deep_nesting_is_refused() {
        let deep = format!("{}{}", "[".repeat(5000), "]".repeat(5000));
        let error = text_tree(&deep).unwrap_err();
        assert!(
            error.contains("nests more than") || error.contains("recursion"),
            "{error}"
        );
        let deep = format!(
            "{}{}",
            "{\"a\":".repeat(5000),
            "1".to_string() + &"}".repeat(5000)
        );
        assert!(text_tree(&deep).is_err());
        // A million levels of YAML flow collections are refused before libyaml parses them.
        let deep = format!("a: {}{}", "{a: ".repeat(1 << 20), "}".repeat(1 << 20));
        let started = std::time::Instant::now();
        assert!(text_tree(&deep).unwrap_err().contains("nests more than"));
        assert!(started.elapsed() < std::time::Duration::from_secs(10));
    }
}
