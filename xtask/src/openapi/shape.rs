//! What each node of an OpenAPI document is, by its position: a property named `default` is a
//! name in a schema's `properties`, not a keyword, and a schema named `enum` is a schema. Every
//! job that rewrites the raw tree (text made inert, 3.1 read as 3.0) walks it through
//! [`visit`], so none of them decides by a key's text alone.

use serde_yaml_ng::{Mapping, Value};

use super::pointer::key_text;

/// What a map in the document is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// The document itself.
    Document,
    /// `info`, a tag, external docs, a server variable, a security scheme, a contact: an
    /// object whose `description` (and `title`, `summary`) are documentation.
    Described,
    /// A path item.
    PathItem,
    /// An operation.
    Operation,
    /// A parameter or a header.
    Parameter,
    /// A request body.
    RequestBody,
    /// A media type.
    MediaType,
    /// A response.
    Response,
    /// A schema.
    Schema,
    /// An example object (its `value` is data).
    Example,
    /// A link, an encoding: described, the rest data.
    Other,
    /// A map of names or expressions, each to a node of the kind it holds.
    Names(Holds),
    /// Data: examples, defaults, enum values, extensions. Nothing in it is documentation.
    Data,
}

/// What a [`Kind::Names`] map holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Holds {
    /// Paths to path items.
    PathItems,
    /// Names to schemas.
    Schemas,
    /// Names to parameters or headers.
    Parameters,
    /// Media types to media type objects.
    MediaTypes,
    /// Statuses or names to responses.
    Responses,
    /// Names to request bodies.
    RequestBodies,
    /// Names to examples.
    Examples,
    /// Names to callbacks (each a map of expressions to path items).
    Callbacks,
    /// Names to described objects (security schemes, server variables, links, encodings).
    Described,
}

impl Holds {
    fn kind(self) -> Kind {
        match self {
            Holds::PathItems => Kind::PathItem,
            Holds::Schemas => Kind::Schema,
            Holds::Parameters => Kind::Parameter,
            Holds::MediaTypes => Kind::MediaType,
            Holds::Responses => Kind::Response,
            Holds::RequestBodies => Kind::RequestBody,
            Holds::Examples => Kind::Example,
            Holds::Callbacks => Kind::Names(Holds::PathItems),
            Holds::Described => Kind::Other,
        }
    }
}

/// The methods of a path item.
pub const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// Whether `key` holds documentation text in a node of kind `kind`.
pub fn is_doc_key(kind: Kind, key: &str) -> bool {
    match kind {
        Kind::Data | Kind::Names(_) => false,
        Kind::Schema => matches!(key, "description" | "title"),
        _ => matches!(key, "description" | "summary" | "title"),
    }
}

/// What the value under `key` of a node of kind `kind` is; a list's items are of that kind.
pub fn child(kind: Kind, key: &str) -> Kind {
    // An extension is data, except in a map of names, where `x-y` can be a property's name.
    let names = matches!(
        kind,
        Kind::Names(Holds::Schemas | Holds::Parameters | Holds::MediaTypes | Holds::Examples)
            | Kind::Names(Holds::RequestBodies | Holds::Callbacks | Holds::Described)
    );
    if key.starts_with("x-") && !names {
        return Kind::Data;
    }
    match kind {
        Kind::Data => Kind::Data,
        Kind::Names(holds) => holds.kind(),
        Kind::Document => match key {
            "paths" | "webhooks" => Kind::Names(Holds::PathItems),
            "components" => Kind::Other,
            "info" | "tags" | "externalDocs" | "servers" => Kind::Described,
            _ => Kind::Data,
        },
        Kind::Described => match key {
            "externalDocs" | "contact" | "license" => Kind::Described,
            "variables" => Kind::Names(Holds::Described),
            _ => Kind::Data,
        },
        Kind::PathItem => match key {
            method if METHODS.contains(&method) => Kind::Operation,
            "parameters" => Kind::Parameter,
            "servers" => Kind::Described,
            _ => Kind::Data,
        },
        Kind::Operation => match key {
            "parameters" => Kind::Parameter,
            "requestBody" => Kind::RequestBody,
            "responses" => Kind::Names(Holds::Responses),
            "callbacks" => Kind::Names(Holds::Callbacks),
            "externalDocs" | "servers" => Kind::Described,
            _ => Kind::Data,
        },
        Kind::Parameter => match key {
            "schema" => Kind::Schema,
            "content" => Kind::Names(Holds::MediaTypes),
            "examples" => Kind::Names(Holds::Examples),
            _ => Kind::Data,
        },
        Kind::RequestBody => match key {
            "content" => Kind::Names(Holds::MediaTypes),
            _ => Kind::Data,
        },
        Kind::MediaType => match key {
            "schema" => Kind::Schema,
            "examples" => Kind::Names(Holds::Examples),
            "encoding" => Kind::Names(Holds::Described),
            _ => Kind::Data,
        },
        Kind::Response => match key {
            "headers" => Kind::Names(Holds::Parameters),
            "content" => Kind::Names(Holds::MediaTypes),
            "links" => Kind::Names(Holds::Described),
            _ => Kind::Data,
        },
        Kind::Schema => schema_child(key),
        Kind::Example => Kind::Data,
        Kind::Other => components_child(key),
    }
}

/// What the value under `key` of a schema is.
fn schema_child(key: &str) -> Kind {
    match key {
        "properties" | "patternProperties" | "$defs" | "definitions" | "dependentSchemas" => {
            Kind::Names(Holds::Schemas)
        }
        "items"
        | "additionalProperties"
        | "not"
        | "allOf"
        | "oneOf"
        | "anyOf"
        | "prefixItems"
        | "if"
        | "then"
        | "else"
        | "contains"
        | "propertyNames"
        | "unevaluatedProperties"
        | "unevaluatedItems"
        | "additionalItems" => Kind::Schema,
        "externalDocs" => Kind::Described,
        _ => Kind::Data,
    }
}

/// What the value under `key` of `components` (or another node of kind [`Kind::Other`]) is.
fn components_child(key: &str) -> Kind {
    match key {
        // `components`' sections.
        "schemas" => Kind::Names(Holds::Schemas),
        "responses" => Kind::Names(Holds::Responses),
        "parameters" | "headers" => Kind::Names(Holds::Parameters),
        "examples" => Kind::Names(Holds::Examples),
        "requestBodies" => Kind::Names(Holds::RequestBodies),
        "securitySchemes" | "links" => Kind::Names(Holds::Described),
        "callbacks" => Kind::Names(Holds::Callbacks),
        "pathItems" => Kind::Names(Holds::PathItems),
        _ => Kind::Data,
    }
}

/// Calls `f` on every map of `tree` (a document) that is not data, outermost first, with its
/// kind and its place (the keys to it).
pub fn visit(tree: &mut Value, f: &mut impl FnMut(Kind, &mut Mapping, &[String])) {
    walk(tree, Kind::Document, &mut Vec::new(), f);
}

fn walk(
    node: &mut Value,
    kind: Kind,
    place: &mut Vec<String>,
    f: &mut impl FnMut(Kind, &mut Mapping, &[String]),
) {
    if kind == Kind::Data {
        return;
    }
    match node {
        Value::Mapping(map) => {
            f(kind, map, place);
            for (key, value) in map.iter_mut() {
                let key = key_text(key);
                let inner = child(kind, &key);
                place.push(key);
                walk(value, inner, place, f);
                place.pop();
            }
        }
        Value::Sequence(items) => {
            for (index, item) in items.iter_mut().enumerate() {
                place.push(index.to_string());
                walk(item, kind, place, f);
                place.pop();
            }
        }
        Value::Tagged(tagged) => walk(&mut tagged.value, kind, place, f),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::{Kind, visit};

    #[test]
    fn a_property_named_like_a_keyword_is_a_schema() {
        let mut tree: serde_yaml_ng::Value = serde_yaml_ng::from_str(
            "components:\n  schemas:\n    enum:\n      properties:\n        default: {description: d}\n        example: {description: e}\n        x-y: {description: x}\n      example: {description: data}\n",
        )
        .unwrap();
        let mut schemas = Vec::new();
        visit(&mut tree, &mut |kind, _, place| {
            if kind == Kind::Schema {
                schemas.push(place.join("/"));
            }
        });
        assert_eq!(
            schemas,
            [
                "components/schemas/enum",
                "components/schemas/enum/properties/default",
                "components/schemas/enum/properties/example",
                "components/schemas/enum/properties/x-y",
            ]
        );
    }
}
