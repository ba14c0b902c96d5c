//! What changed between two versions of a spec, each change classed as compatible or breaking
//! for the crate generated from it under the house rules (see README, "Evolution"):
//! - answers can gain fields and enum values (decoded types are `#[non_exhaustive]` and enums
//!   keep an unknown value), operations, types and documented statuses that reuse an error body;
//! - requests can gain optional fields (they are built through builders);
//! - anything removed or renamed, a changed type, format or constraint, a field that becomes
//!   required or optional, a required request field, or a changed error or success body type
//!   is breaking.
//!
//! The changes are those of the one comparison of two documents (`openapi::diff`),
//! read as the generated crate's types; this module only classes each and puts it in words.
//! Only the spec is read: this is what a maintainer sees before anything is compiled.
//! `cargo xtask semver` checks the compiled API with cargo-semver-checks.

use std::fmt;

use openapiv3::OpenAPI;

use crate::openapi::diff::{self, Direction, Doc, Kind, View};

/// How a change affects the crates' users.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Class {
    /// Code written against the previous version keeps compiling and working.
    Compatible,
    /// Some code written against the previous version stops compiling or working.
    Breaking,
}

impl fmt::Display for Class {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Compatible => "compatible",
            Self::Breaking => "breaking",
        })
    }
}

/// One change, in one phrase.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Change {
    /// Its class.
    pub class: Class,
    /// What changed, such as `adds optional field Accesskey.scopes`.
    pub phrase: String,
}

/// The changes from `old` to `new`, in the order found, each once. Empty when the two describe
/// the same API (a change of descriptions or examples only).
pub fn compare(old: &OpenAPI, new: &OpenAPI) -> Vec<Change> {
    let mut changes: Vec<Change> = Vec::new();
    let found = diff::compare(&Doc::api(old), &Doc::api(new), View::Types);
    for (class, phrase) in found.iter().flat_map(|change| classify(&change.kind)) {
        if !changes.iter().any(|change| change.phrase == phrase) {
            changes.push(Change { class, phrase });
        }
    }
    changes
}

use Class::{Breaking, Compatible};

/// The class and phrase of each part of `kind` (none for what the generated crate does not
/// show).
fn classify(kind: &Kind) -> Vec<(Class, String)> {
    match kind {
        Kind::ServerVariables { .. }
        | Kind::ServerUrl { .. }
        | Kind::SchemeRemoved { .. }
        | Kind::SchemeAdded { .. }
        | Kind::TypeRemoved { .. }
        | Kind::TypeAdded { .. } => document(kind),
        Kind::Enum { .. } => enumeration(kind),
        Kind::TypeChanged { .. }
        | Kind::NullableChanged { .. }
        | Kind::Constraints { .. }
        | Kind::FieldAdded { .. }
        | Kind::FieldRemoved { .. }
        | Kind::FieldRequired { .. }
        | Kind::MembersChanged { .. } => schema(kind).into_iter().collect(),
        _ => operation(kind),
    }
}

/// A change of the server, the credential schemes or the component types.
fn document(kind: &Kind) -> Vec<(Class, String)> {
    let one = match kind {
        Kind::ServerVariables { was, is } => (
            Breaking,
            format!("changes the server variables from {was:?} to {is:?}"),
        ),
        Kind::ServerUrl { is } => (Compatible, format!("changes the server URL to {is}")),
        Kind::SchemeRemoved { scheme } => {
            (Breaking, format!("removes the credential scheme {scheme}"))
        }
        Kind::SchemeAdded { scheme } => {
            (Compatible, format!("adds the credential scheme {scheme}"))
        }
        Kind::TypeRemoved { name } => (Breaking, format!("removes type {name}")),
        Kind::TypeAdded { name } => (Compatible, format!("adds type {name}")),
        _ => return Vec::new(),
    };
    vec![one]
}

/// A change of an operation, its parameters, bodies, answers or credentials.
fn operation(kind: &Kind) -> Vec<(Class, String)> {
    let one = match kind {
        Kind::OperationRemoved { operation } => {
            (Breaking, format!("removes operation {operation}"))
        }
        Kind::OperationAdded { operation, .. } => {
            (Compatible, format!("adds operation {operation}"))
        }
        Kind::OperationMoved { operation, route } => (
            Compatible,
            format!("moves operation {operation} to {route}"),
        ),
        Kind::ParameterRenamed { operation, was, is } => {
            return vec![
                (Breaking, format!("removes {was} of {operation}")),
                (Breaking, format!("adds required {is} to {operation}")),
            ];
        }
        Kind::BodyTypes {
            operation,
            success,
            was,
            is,
        } => (
            Breaking,
            format!(
                "changes the {} body type of {operation} from {} to {}",
                if *success { "success" } else { "error" },
                names(was),
                names(is)
            ),
        ),
        _ => return parameter_or_body(kind).into_iter().collect(),
    };
    vec![one]
}

/// A change of a parameter, a body, a status or a credential of an operation.
fn parameter_or_body(kind: &Kind) -> Option<(Class, String)> {
    Some(match kind {
        Kind::ParameterRemoved {
            operation,
            parameter,
        } => (Breaking, format!("removes {parameter} of {operation}")),
        Kind::ParameterAdded {
            operation,
            parameter,
            required,
        } => match required {
            true => (
                Breaking,
                format!("adds required {parameter} to {operation}"),
            ),
            false => (
                Compatible,
                format!("adds optional {parameter} to {operation}"),
            ),
        },
        Kind::ParameterRequired {
            operation,
            parameter,
            is,
            ..
        } => (
            Breaking,
            format!("makes {parameter} of {operation} {}", required(*is)),
        ),
        Kind::BodyRemoved { operation } => (Breaking, format!("removes the body of {operation}")),
        Kind::BodyAdded { operation } => (Breaking, format!("adds a body to {operation}")),
        Kind::BodyRequired { operation, .. } => (
            Breaking,
            format!("makes the body of {operation} optional or required"),
        ),
        Kind::MediaTypes {
            operation,
            status: None,
            was,
            is,
        } => (
            Breaking,
            format!(
                "changes the media type of {operation}'s body from {} to {}",
                was.join(", "),
                is.join(", ")
            ),
        ),
        Kind::StatusRemoved { operation, status } => (
            Compatible,
            format!("no longer documents status {status} of {operation}"),
        ),
        Kind::StatusAdded { operation, status } => (
            Compatible,
            format!("documents status {status} of {operation}"),
        ),
        Kind::CredentialRemoved { operation, scheme } => (
            Breaking,
            format!("no longer accepts the credential {scheme} on {operation}"),
        ),
        Kind::CredentialAdded { operation, scheme } => (
            Compatible,
            format!("accepts the credential {scheme} on {operation}"),
        ),
        // An answer's media types and body are its body type, classed on their own.
        _ => return None,
    })
}

/// A change of a schema: breaking, but for a field added where it does not break.
fn schema(kind: &Kind) -> Option<(Class, String)> {
    Some(match kind {
        Kind::TypeChanged { schema, was, is } => (
            Breaking,
            format!("changes the type of {schema} from {was} to {is}"),
        ),
        Kind::NullableChanged { schema, is, .. } => {
            let what = if *is { "nullable" } else { "not nullable" };
            (Breaking, format!("makes {schema} {what}"))
        }
        Kind::Constraints { schema, was, is } => (
            Breaking,
            format!(
                "changes the format or constraints of {schema} from {} to {}",
                constraints(was),
                constraints(is)
            ),
        ),
        Kind::FieldAdded {
            schema,
            field,
            required,
            direction,
        } => added_field(&format!("{schema}.{field}"), *required, *direction),
        Kind::FieldRemoved { schema, field, .. } => {
            (Breaking, format!("removes field {schema}.{field}"))
        }
        Kind::FieldRequired {
            schema, field, is, ..
        } => (
            Breaking,
            format!("makes {schema}.{field} {}", required(*is)),
        ),
        Kind::MembersChanged { schema, .. } => {
            (Breaking, format!("changes the members of {schema}"))
        }
        _ => return None,
    })
}

/// A field added at `place`: breaking only when callers must now send it.
fn added_field(place: &str, required: bool, direction: Direction) -> (Class, String) {
    match (direction, required) {
        (Direction::Request, true) => (Breaking, format!("adds required request field {place}")),
        (Direction::Request, false) => (Compatible, format!("adds optional request field {place}")),
        (Direction::Response, true) => (Compatible, format!("adds response field {place}")),
        (Direction::Response, false) => {
            (Compatible, format!("adds optional response field {place}"))
        }
    }
}

/// A string's enum values: made an enum or a string (a new type), a value removed (breaking),
/// a value added (an enum of answers keeps an unknown value; builders take any).
fn enumeration(kind: &Kind) -> Vec<(Class, String)> {
    let Kind::Enum {
        schema,
        was,
        is,
        direction,
    } = kind
    else {
        return Vec::new();
    };
    let (was, is) = match (was, is) {
        (Some(was), Some(is)) => (was, is),
        (None, _) => {
            return vec![(
                Breaking,
                format!("changes the type of {schema} from string to enum"),
            )];
        }
        (_, None) => {
            return vec![(
                Breaking,
                format!("changes the type of {schema} from enum to string"),
            )];
        }
    };
    let sent = match direction {
        Direction::Request => " that callers send",
        Direction::Response => "",
    };
    let removed = was.iter().filter(|value| !is.contains(value));
    let added = is.iter().filter(|value| !was.contains(value));
    removed
        .map(|value| {
            (
                Breaking,
                format!("removes value {value}{sent} from {schema}"),
            )
        })
        .chain(added.map(|value| (Compatible, format!("adds value {value} to {schema}"))))
        .collect()
}

fn required(required: bool) -> &'static str {
    if required { "required" } else { "optional" }
}

/// Body type names in a phrase: joined by ` | `, or `none`.
fn names(names: &[String]) -> String {
    if names.is_empty() {
        "none".into()
    } else {
        names.join(" | ")
    }
}

/// Constraints in a phrase: a JSON object of them, or `none`.
fn constraints(constraints: &[(&'static str, serde_json::Value)]) -> String {
    if constraints.is_empty() {
        return "none".into();
    }
    let object: serde_json::Map<String, serde_json::Value> = constraints
        .iter()
        .map(|(keyword, value)| (keyword.to_string(), value.clone()))
        .collect();
    serde_json::Value::Object(object).to_string()
}

#[cfg(test)]
mod tests {
    use openapiv3::OpenAPI;

    use super::{Class, compare};

    const BASE: &str = r##"
openapi: 3.0.3
info: {title: t, version: "1"}
servers: [{url: "https://api.example.com"}]
paths:
  /items/{id}:
    parameters:
      - {name: id, in: path, required: true, schema: {type: string}}
    get:
      operationId: get_item
      security: [{Bearer: []}, {Query: []}]
      responses:
        "200": {description: ok, content: {application/json: {schema: {$ref: "#/components/schemas/Item"}}}}
        "400": {description: bad, content: {application/json: {schema: {$ref: "#/components/schemas/Problem"}}}}
        "422": {description: invalid, content: {application/json: {schema: {$ref: "#/components/schemas/Invalid"}}}}
components:
  securitySchemes:
    Bearer: {type: http, scheme: bearer}
    Query: {type: apiKey, in: query, name: key}
  schemas:
    Item:
      type: object
      required: [id]
      properties:
        id: {type: string}
        note: {type: string}
        tag: {$ref: "#/components/schemas/Tag"}
        shape: {oneOf: [{$ref: "#/components/schemas/Tag"}, {type: string}]}
    Tag: {type: object, properties: {name: {type: string}}}
    Problem: {type: object, properties: {message: {type: string}}}
    Invalid: {type: object, properties: {code: {type: string}}}
    Balance: {type: object, properties: {credit: {type: number}}}
"##;

    /// The changes from [`BASE`] to `BASE` with `find` replaced by `with` (once, and present).
    fn changes(find: &str, with: &str) -> Vec<(Class, String)> {
        assert_eq!(BASE.matches(find).count(), 1, "{find}");
        let parse = |text: &str| serde_yaml_ng::from_str(text).unwrap();
        compare(&parse(BASE), &parse(&BASE.replacen(find, with, 1)))
            .into_iter()
            .map(|change| (change.class, change.phrase))
            .collect()
    }

    fn breaking(find: &str, with: &str, phrase: &str) {
        let changes = changes(find, with);
        assert!(
            changes.contains(&(Class::Breaking, phrase.to_string())),
            "`{phrase}` not in {changes:?}"
        );
    }

    #[test]
    fn descriptions_and_examples_are_no_change() {
        assert_eq!(
            changes("description: bad", "description: a bad request"),
            []
        );
    }

    #[test]
    fn a_named_schema_made_inline_is_a_new_type() {
        breaking(
            r##"tag: {$ref: "#/components/schemas/Tag"}"##,
            "tag: {type: object, properties: {name: {type: string}}}",
            "changes the type of Item.tag from Tag to an inline schema",
        );
    }

    #[test]
    fn a_schema_no_operation_reaches_is_compared_too() {
        breaking(
            "Balance: {type: object, properties: {credit: {type: number}}}",
            "Balance: {type: object, properties: {}}",
            "removes field Balance.credit",
        );
    }

    #[test]
    fn an_operation_parameter_overrides_its_path_items() {
        let changes = changes(
            "    get:\n      operationId: get_item\n",
            "    get:\n      operationId: get_item\n      parameters:\n        - {name: id, in: path, \
             required: true, schema: {type: integer}}\n",
        );
        assert!(
            changes.contains(&(
                Class::Breaking,
                "changes the type of parameter id (path) of get_item from string to integer".into()
            )),
            "{changes:?}"
        );
    }

    #[test]
    fn nullable_one_of_and_closed_objects_are_breaking() {
        breaking(
            "note: {type: string}",
            "note: {type: string, nullable: true}",
            "makes Item.note nullable",
        );
        breaking(
            "[{$ref: \"#/components/schemas/Tag\"}, {type: string}]",
            "[{$ref: \"#/components/schemas/Tag\"}, {type: string}, {type: integer}]",
            "changes the members of Item.shape",
        );
        breaking(
            "Tag: {type: object, properties",
            "Tag: {type: object, additionalProperties: false, properties",
            "changes the format or constraints of Tag from none to {\"additionalProperties\":false}",
        );
    }

    #[test]
    fn a_credential_an_operation_no_longer_takes_is_breaking() {
        breaking(
            "security: [{Bearer: []}, {Query: []}]",
            "security: [{Bearer: []}]",
            "no longer accepts the credential Query on get_item",
        );
    }

    #[test]
    fn error_bodies_keep_their_order_and_a_bodyless_status_is_no_new_body() {
        breaking(
            "        \"400\": {description: bad, content: {application/json: {schema: {$ref: \"#/components/schemas/Problem\"}}}}\n        \"422\": {description: invalid, content: {application/json: {schema: {$ref: \"#/components/schemas/Invalid\"}}}}\n",
            "        \"422\": {description: invalid, content: {application/json: {schema: {$ref: \"#/components/schemas/Invalid\"}}}}\n        \"400\": {description: bad, content: {application/json: {schema: {$ref: \"#/components/schemas/Problem\"}}}}\n",
            "changes the error body type of get_item from Problem | Invalid to Invalid | Problem",
        );
        assert_eq!(
            changes(
                "        \"422\": {description: invalid,",
                "        \"409\": {description: gone}\n        \"422\": {description: invalid,"
            ),
            [(
                Class::Compatible,
                "documents status 409 of get_item".to_string()
            )]
        );
    }

    /// `BASE` with a header parameter `name` on `get_item`.
    fn with_header(name: &str) -> OpenAPI {
        let text = BASE.replacen(
            "      operationId: get_item\n",
            &format!(
                "      operationId: get_item\n      parameters:\n        - {{name: {name}, in: \
                 header, schema: {{type: string}}}}\n"
            ),
            1,
        );
        serde_yaml_ng::from_str(&text).unwrap()
    }

    #[test]
    fn a_header_named_in_other_cases_is_the_same_parameter() {
        // HTTP does not tell a header's cases apart, and the generated argument's name is the
        // same (`x_trace`): one parameter key for the wire and for the crate.
        assert_eq!(
            compare(&with_header("X-Trace"), &with_header("x-trace")),
            []
        );
        let changes = compare(&with_header("X-Trace"), &with_header("X-Span"));
        assert_eq!(
            changes.iter().map(|c| c.class).max(),
            Some(Class::Breaking),
            "{changes:?}"
        );
    }

    #[test]
    fn a_path_parameter_renamed_is_removed_and_added() {
        let changes = changes(
            "  /items/{id}:\n    parameters:\n      - {name: id,",
            "  /items/{key}:\n    parameters:\n      - {name: key,",
        );
        for phrase in [
            "removes parameter id (path) of get_item",
            "adds required parameter key (path) to get_item",
        ] {
            assert!(
                changes.contains(&(Class::Breaking, phrase.to_string())),
                "{changes:?}"
            );
        }
    }

    #[test]
    fn references_in_a_circle_end() {
        let circle = "Balance: {$ref: \"#/components/schemas/Loop\"}\n    Loop: {$ref: \"#/components/schemas/Balance\"}";
        let changes = changes(
            "Balance: {type: object, properties: {credit: {type: number}}}",
            circle,
        );
        assert!(
            changes.contains(&(Class::Compatible, "adds type Loop".into())),
            "{changes:?}"
        );
    }
}
