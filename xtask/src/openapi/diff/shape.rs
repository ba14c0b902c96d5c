//! A schema's [`Shape`]: what the comparison compares of it, read once from its node. On the
//! wire its `allOf` members and a lone `oneOf`/`anyOf` member are merged into it; as types they
//! are its members.

use std::collections::BTreeSet;

use serde_yaml_ng::Value;

use super::View;
use super::doc::{Doc, Node, field, text};

/// The keywords of a schema that constrain its values or shape its type, besides its type,
/// properties, items and enum values.
pub const CONSTRAINTS: [&str; 13] = [
    "format",
    "pattern",
    "minLength",
    "maxLength",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "multipleOf",
    "minItems",
    "maxItems",
    "uniqueItems",
    "additionalProperties",
];

/// How deep merged members may nest.
const MOST_DEPTH: usize = 16;

/// What the comparison reads of a schema.
#[derive(Default)]
pub struct Shape<'a> {
    /// Its `type`s, `null` left out (an object's when it lists properties).
    pub types: BTreeSet<String>,
    /// Its kind in a word: its type, or `oneOf`, `allOf`, `anyOf`, `not`, `any`.
    pub kind: String,
    /// Whether `null` is one of its values.
    pub nullable: bool,
    /// Its [`CONSTRAINTS`] that say something, with their values.
    pub constraints: Vec<(&'static str, serde_json::Value)>,
    /// Its enum values, `null` left out, in order; `None` without `enum`.
    pub enumeration: Option<Vec<String>>,
    /// The names its `required` lists (its merged members' too).
    pub required: BTreeSet<String>,
    /// Its `properties`, each by name, in the document's order.
    pub properties: Vec<(String, Node<'a>)>,
    /// The schema of its `items`, for an array.
    pub items: Option<Node<'a>>,
    /// Its members, when they are not merged into it.
    pub members: Vec<Node<'a>>,
    /// The `x-telauth-differs` of the schema and of its merged members.
    pub marks: Vec<&'a Value>,
}

impl<'a> Shape<'a> {
    /// The shape of the schema `node` of `doc`, read in `view`.
    pub fn of(doc: &'a Doc, node: &Node<'a>, view: View) -> Self {
        let mut shape = Shape {
            marks: node.marks.clone(),
            kind: kind(node.value).to_string(),
            ..Shape::default()
        };
        let mut reader = Reader {
            doc,
            view,
            visited: BTreeSet::new(),
        };
        reader.merge(node, &mut shape, 0);
        shape
    }

    /// Its types, an integer counted as a number when both are there.
    pub fn types(&self) -> BTreeSet<String> {
        let mut types = self.types.clone();
        if types.contains("integer") && types.contains("number") {
            types.remove("integer");
        }
        types
    }
}

/// A schema's kind in a word, as the generated type sees it.
fn kind(value: &Value) -> &'static str {
    let kinds = ["string", "number", "integer", "object", "array", "boolean"];
    if let Some(found) = text(value, "type") {
        return kinds.into_iter().find(|k| *k == found).unwrap_or("any");
    }
    ["oneOf", "allOf", "anyOf", "not"]
        .into_iter()
        .find(|key| field(value, key).is_some())
        .unwrap_or("any")
}

/// Reads schemas into one shape, each node once.
struct Reader<'a> {
    doc: &'a Doc,
    view: View,
    /// The places merged so far: a schema whose `allOf` names itself many times costs one
    /// visit, not one per path to it.
    visited: BTreeSet<String>,
}

impl<'a> Reader<'a> {
    /// Merges the schema `node` into `shape`.
    fn merge(&mut self, node: &Node<'a>, shape: &mut Shape<'a>, depth: usize) {
        if !self.visited.insert(self.doc.place(node).pointer()) {
            return;
        }
        let value = node.value;
        types(value, shape);
        if field(value, "nullable").and_then(Value::as_bool) == Some(true) {
            shape.nullable = true;
        }
        constraints(value, shape);
        enumeration(value, shape);
        if let Some(required) = field(value, "required").and_then(Value::as_sequence) {
            let names = required.iter().filter_map(Value::as_str);
            shape.required.extend(names.map(str::to_string));
        }
        self.properties(node, shape);
        if let Some(items) = self.doc.child(node, "items") {
            shape.items = Some(items);
        }
        self.members(node, shape, depth);
    }

    /// Adds the fields of `node` that `shape` does not have yet.
    fn properties(&mut self, node: &Node<'a>, shape: &mut Shape<'a>) {
        let Some(properties) = self.doc.child(node, "properties") else {
            return;
        };
        for (name, property) in self.doc.entries(&properties) {
            if !shape.properties.iter().any(|(known, _)| *known == name) {
                shape.properties.push((name, property));
            }
        }
        if !shape.properties.is_empty() {
            shape.types.insert("object".into());
        }
    }

    /// On the wire: `oneOf`/`anyOf` members, a `{type: null}` one making it nullable and a
    /// lone other merged, and `allOf` members merged. As types: every member kept.
    fn members(&mut self, node: &Node<'a>, shape: &mut Shape<'a>, depth: usize) {
        for key in ["oneOf", "anyOf", "allOf"] {
            let Some(members) = self.doc.child(node, key) else {
                continue;
            };
            let members = self.doc.items(&members);
            if self.view == View::Types {
                shape.members.extend(members);
                continue;
            }
            let (null, others): (Vec<_>, Vec<_>) = members
                .into_iter()
                .partition(|member| text(member.value, "type") == Some("null"));
            if !null.is_empty() {
                shape.nullable = true;
            }
            let merged = key == "allOf" || others.len() == 1;
            if !merged || depth >= MOST_DEPTH {
                shape.members.extend(others);
                continue;
            }
            for member in others {
                shape.marks.extend(member.marks.iter().copied());
                self.merge(&member, shape, depth + 1);
            }
        }
    }
}

/// Adds the `type`s of `value` to `shape`, `null` as nullable.
fn types(value: &Value, shape: &mut Shape<'_>) {
    match field(value, "type") {
        Some(Value::String(kind)) => {
            shape.types.insert(kind.clone());
        }
        Some(Value::Sequence(kinds)) => {
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
}

/// Adds the [`CONSTRAINTS`] of `value` that say something: not null, and not `false` but for
/// `additionalProperties: false` (unknown fields refused).
fn constraints(value: &Value, shape: &mut Shape<'_>) {
    for keyword in CONSTRAINTS {
        let Some(found) = field(value, keyword) else {
            continue;
        };
        let kept = !found.is_null()
            && (keyword == "additionalProperties" || found.as_bool() != Some(false));
        if !kept {
            continue;
        }
        let json = serde_json::to_value(found).unwrap_or_default();
        shape.constraints.retain(|(known, _)| *known != keyword);
        shape.constraints.push((keyword, json));
    }
    shape
        .constraints
        .sort_by_key(|(keyword, _)| CONSTRAINTS.iter().position(|k| k == keyword));
}

/// Sets the enum values of `value`, a `null` one making `shape` nullable.
fn enumeration(value: &Value, shape: &mut Shape<'_>) {
    // An empty list is no enum (openapiv3 writes one for every string).
    let Some(values) = field(value, "enum")
        .and_then(Value::as_sequence)
        .filter(|values| !values.is_empty())
    else {
        return;
    };
    let mut list = Vec::new();
    for item in values {
        let text = match item {
            Value::Null => {
                shape.nullable = true;
                continue;
            }
            Value::String(text) => text.clone(),
            other => serde_json::to_value(other)
                .map(|json| json.to_string())
                .unwrap_or_default(),
        };
        if !list.contains(&text) {
            list.push(text);
        }
    }
    shape.enumeration = Some(list);
}
