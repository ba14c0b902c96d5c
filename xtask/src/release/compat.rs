//! What changed between two versions of a spec, each change classed as compatible or breaking
//! for the crate generated from it under the house rules (see README, "Evolution"):
//! - answers can gain fields and enum values (decoded types are `#[non_exhaustive]` and enums
//!   keep an unknown value), operations, types and documented statuses that reuse an error body;
//! - requests can gain optional fields (they are built through builders);
//! - anything removed or renamed, a changed type, format or constraint, a field that becomes
//!   required or optional, a required request field, or a changed error or success body type
//!   is breaking.
//!
//! Only the spec is read, through the `openapiv3` types: this is what a maintainer sees before
//! anything is compiled. `cargo xtask semver` checks the compiled API with cargo-semver-checks.

use std::collections::BTreeSet;
use std::fmt;

use openapiv3::{OpenAPI, ReferenceOr, RequestBody, Schema, SchemaKind, Type};

use crate::openapi::{
    Answer, AsSchema, Op, answers, component, operations, parameters, reference_name, resolve_body,
    resolve_schema,
};

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

/// Which way a schema travels, which decides what a change to it breaks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Direction {
    /// Built by callers and sent.
    Request,
    /// Decoded from answers.
    Response,
}

/// The changes from `old` to `new`, in the order found, each once. Empty when the two describe
/// the same API (a change of descriptions or examples only).
pub fn compare(old: &OpenAPI, new: &OpenAPI) -> Vec<Change> {
    let mut diff = Diff {
        old,
        new,
        changes: Vec::new(),
        compared: BTreeSet::new(),
    };
    diff.servers();
    diff.security_schemes();
    diff.operations();
    diff.components();
    diff.changes
}

struct Diff<'a> {
    old: &'a OpenAPI,
    new: &'a OpenAPI,
    changes: Vec<Change>,
    /// The named schemas already compared, with their direction.
    compared: BTreeSet<(String, Direction)>,
}

impl<'a> Diff<'a> {
    fn push(&mut self, class: Class, phrase: String) {
        if !self.changes.iter().any(|change| change.phrase == phrase) {
            self.changes.push(Change { class, phrase });
        }
    }

    fn servers(&mut self) {
        let (old, new) = (self.old.servers.first(), self.new.servers.first());
        let variables = |server: Option<&openapiv3::Server>| -> Vec<String> {
            server
                .and_then(|server| server.variables.as_ref())
                .map(|variables| variables.keys().cloned().collect())
                .unwrap_or_default()
        };
        if variables(old) != variables(new) {
            self.push(
                Class::Breaking,
                format!(
                    "changes the server variables from {:?} to {:?}",
                    variables(old),
                    variables(new)
                ),
            );
        } else if old.map(|s| &s.url) != new.map(|s| &s.url) {
            let url = new.map(|s| s.url.clone()).unwrap_or_default();
            self.push(
                Class::Compatible,
                format!("changes the server URL to {url}"),
            );
        }
    }

    fn security_schemes(&mut self) {
        let names = |api: &OpenAPI| -> BTreeSet<String> {
            api.components
                .iter()
                .flat_map(|c| c.security_schemes.keys().cloned())
                .collect()
        };
        let (old, new) = (names(self.old), names(self.new));
        for name in old.difference(&new) {
            self.push(
                Class::Breaking,
                format!("removes the credential scheme {name}"),
            );
        }
        for name in new.difference(&old) {
            self.push(
                Class::Compatible,
                format!("adds the credential scheme {name}"),
            );
        }
    }

    fn operations(&mut self) {
        let (old, new) = (operations(self.old), operations(self.new));
        for (id, _) in &old {
            if !new.iter().any(|(other, _)| other == id) {
                self.push(Class::Breaking, format!("removes operation {id}"));
            }
        }
        for (id, op) in &new {
            let Some((_, before)) = old.iter().find(|(other, _)| other == id) else {
                self.push(Class::Compatible, format!("adds operation {id}"));
                continue;
            };
            if before.route != op.route {
                self.push(
                    Class::Compatible,
                    format!("moves operation {id} to {}", op.route),
                );
            }
            self.parameters(id, before, op);
            self.request_body(
                id,
                before.operation.request_body.as_ref(),
                op.operation.request_body.as_ref(),
            );
            self.responses(id, before, op);
        }
    }

    fn parameters(&mut self, id: &str, old: &Op<'a>, new: &Op<'a>) {
        let (old, new) = (parameters(self.old, old), parameters(self.new, new));
        for (key, parameter) in &old {
            let Some((_, now)) = new.iter().find(|(other, _)| other == key) else {
                self.push(Class::Breaking, format!("removes parameter {key} of {id}"));
                continue;
            };
            let (was, is) = (parameter.parameter_data_ref(), now.parameter_data_ref());
            if was.required != is.required {
                let what = if is.required { "required" } else { "optional" };
                self.push(
                    Class::Breaking,
                    format!("makes parameter {key} of {id} {what}"),
                );
            }
            if let (
                openapiv3::ParameterSchemaOrContent::Schema(was),
                openapiv3::ParameterSchemaOrContent::Schema(is),
            ) = (&was.format, &is.format)
            {
                self.schema(
                    &format!("parameter {key} of {id}"),
                    was,
                    is,
                    Direction::Request,
                );
            }
        }
        for (key, parameter) in &new {
            if old.iter().any(|(other, _)| other == key) {
                continue;
            }
            if parameter.parameter_data_ref().required {
                self.push(
                    Class::Breaking,
                    format!("adds required parameter {key} to {id}"),
                );
            } else {
                self.push(
                    Class::Compatible,
                    format!("adds optional parameter {key} to {id}"),
                );
            }
        }
    }

    fn request_body(
        &mut self,
        id: &str,
        old: Option<&'a ReferenceOr<RequestBody>>,
        new: Option<&'a ReferenceOr<RequestBody>>,
    ) {
        let old = old.and_then(|body| resolve_body(self.old, body));
        let new = new.and_then(|body| resolve_body(self.new, body));
        match (old, new) {
            (None, None) => {}
            (Some(_), None) => self.push(Class::Breaking, format!("removes the body of {id}")),
            (None, Some(_)) => self.push(Class::Breaking, format!("adds a body to {id}")),
            (Some(old), Some(new)) => {
                if old.required != new.required {
                    self.push(
                        Class::Breaking,
                        format!("makes the body of {id} optional or required"),
                    );
                }
                let media = |body: &RequestBody| body.content.keys().cloned().collect::<Vec<_>>();
                if media(old) != media(new) {
                    self.push(
                        Class::Breaking,
                        format!(
                            "changes the media type of {id}'s body from {} to {}",
                            media(old).join(", "),
                            media(new).join(", ")
                        ),
                    );
                    return;
                }
                for (media, was) in &old.content {
                    if let (Some(was), Some(is)) = (
                        was.schema.as_ref(),
                        new.content.get(media).and_then(|m| m.schema.as_ref()),
                    ) {
                        self.schema(&format!("the body of {id}"), was, is, Direction::Request);
                    }
                }
            }
        }
    }

    fn responses(&mut self, id: &str, old_op: &Op<'a>, new_op: &Op<'a>) {
        let (old, new) = (
            answers(self.old, old_op.operation),
            answers(self.new, new_op.operation),
        );
        for (success, what) in [(true, "success"), (false, "error")] {
            // In the order the statuses are listed, which is the order a union of error
            // bodies tries them in; an error status without a body beside ones with a body is
            // left out of the error type.
            let bodies = |answers: &[Answer<'a>]| {
                let mut names: Vec<String> = Vec::new();
                let with_body = answers
                    .iter()
                    .any(|answer| answer.success == success && answer.schema.is_some());
                for answer in answers {
                    if answer.success != success
                        || (!success && with_body && answer.schema.is_none())
                    {
                        continue;
                    }
                    let name = body_name(answer.schema);
                    if !names.contains(&name) {
                        names.push(name);
                    }
                }
                names
            };
            let (was, is) = (bodies(&old), bodies(&new));
            if was != is {
                self.push(
                    Class::Breaking,
                    format!(
                        "changes the {what} body type of {id} from {} to {}",
                        names(&was),
                        names(&is)
                    ),
                );
            }
        }
        let schemes = |api: &'a OpenAPI, op: &Op<'a>| -> BTreeSet<String> {
            op.security(api)
                .iter()
                .flat_map(|requirement| requirement.keys().cloned())
                .collect()
        };
        let (was, is) = (schemes(self.old, old_op), schemes(self.new, new_op));
        for scheme in was.difference(&is) {
            self.push(
                Class::Breaking,
                format!("no longer accepts the credential {scheme} on {id}"),
            );
        }
        for scheme in is.difference(&was) {
            self.push(
                Class::Compatible,
                format!("accepts the credential {scheme} on {id}"),
            );
        }
        for Answer { status, .. } in &old {
            if !new.iter().any(|other| other.status == *status) {
                self.push(
                    Class::Compatible,
                    format!("no longer documents status {status} of {id}"),
                );
            }
        }
        for Answer { status, schema, .. } in &new {
            match old.iter().find(|other| other.status == *status) {
                None => self.push(
                    Class::Compatible,
                    format!("documents status {status} of {id}"),
                ),
                Some(Answer { schema: was, .. }) => {
                    if let (Some(was), Some(is)) = (was, schema) {
                        self.schema(
                            &format!("the {status} answer of {id}"),
                            was,
                            is,
                            Direction::Response,
                        );
                    }
                }
            }
        }
    }

    /// Component schemas added or removed, and those no operation reaches (each is still a
    /// generated type) compared both ways: as built by callers and as decoded.
    fn components(&mut self) {
        let names = |api: &OpenAPI| -> BTreeSet<String> {
            api.components
                .iter()
                .flat_map(|c| c.schemas.keys().cloned())
                .collect()
        };
        let (old, new) = (names(self.old), names(self.new));
        for name in old.difference(&new) {
            self.push(Class::Breaking, format!("removes type {name}"));
        }
        for name in new.difference(&old) {
            self.push(Class::Compatible, format!("adds type {name}"));
        }
        for name in old.intersection(&new) {
            let reached = self.compared.iter().any(|(was, _)| was == name);
            if reached {
                continue;
            }
            for direction in [Direction::Request, Direction::Response] {
                self.component(name, direction);
            }
        }
    }

    /// Compares the component schema `name` of both specs, travelling in `direction`.
    fn component(&mut self, name: &str, direction: Direction) {
        let (Some(old), Some(new)) = (component(self.old, name), component(self.new, name)) else {
            return;
        };
        let key = (name.to_string(), direction);
        if !self.compared.insert(key) {
            return;
        }
        self.shapes(name, old, new, direction);
    }

    /// Compares two schemas found at `place`, travelling in `direction`.
    fn schema<S: AsSchema>(
        &mut self,
        place: &str,
        old: &'a ReferenceOr<S>,
        new: &'a ReferenceOr<S>,
        direction: Direction,
    ) {
        let (old_name, new_name) = (reference_name(old), reference_name(new));
        let place = match (&old_name, &new_name) {
            (Some(was), Some(is)) if was != is => {
                self.push(
                    Class::Breaking,
                    format!("changes the type of {place} from {was} to {is}"),
                );
                return;
            }
            (Some(name), Some(_)) => {
                let key = (name.clone(), direction);
                if !self.compared.insert(key) {
                    return;
                }
                name.clone()
            }
            // A named schema is its own Rust type, an inline one a type named after its place.
            (Some(was), None) => {
                self.push(
                    Class::Breaking,
                    format!("changes the type of {place} from {was} to an inline schema"),
                );
                return;
            }
            (None, Some(is)) => {
                self.push(
                    Class::Breaking,
                    format!("changes the type of {place} from an inline schema to {is}"),
                );
                return;
            }
            (None, None) => place.to_string(),
        };
        let (Some(old), Some(new)) = (resolve_schema(self.old, old), resolve_schema(self.new, new))
        else {
            return;
        };
        self.shapes(&place, old, new, direction);
    }

    /// Compares two resolved schemas found at `place`, travelling in `direction`.
    fn shapes(&mut self, place: &str, old: &'a Schema, new: &'a Schema, direction: Direction) {
        let (was, is) = (kind(old), kind(new));
        if was != is {
            self.push(
                Class::Breaking,
                format!("changes the type of {place} from {was} to {is}"),
            );
            return;
        }
        if old.schema_data.nullable != new.schema_data.nullable {
            let what = if new.schema_data.nullable {
                "nullable"
            } else {
                "not nullable"
            };
            self.push(Class::Breaking, format!("makes {place} {what}"));
        }
        let (was, is) = (constraints(old), constraints(new));
        if was != is {
            self.push(
                Class::Breaking,
                format!("changes the format or constraints of {place} from {was} to {is}"),
            );
        }
        match (&old.schema_kind, &new.schema_kind) {
            (SchemaKind::Type(Type::String(was)), SchemaKind::Type(Type::String(is)))
                if was.enumeration.is_empty() != is.enumeration.is_empty() =>
            {
                let (was, is) = if is.enumeration.is_empty() {
                    ("enum", "string")
                } else {
                    ("string", "enum")
                };
                self.push(
                    Class::Breaking,
                    format!("changes the type of {place} from {was} to {is}"),
                );
            }
            (SchemaKind::Type(Type::String(was)), SchemaKind::Type(Type::String(is))) => {
                let values = |values: &[Option<String>]| -> Vec<String> {
                    values.iter().flatten().cloned().collect()
                };
                let (was, is) = (values(&was.enumeration), values(&is.enumeration));
                for value in was.iter().filter(|value| !is.contains(value)) {
                    let sent = if direction == Direction::Request {
                        " that callers send"
                    } else {
                        ""
                    };
                    self.push(
                        Class::Breaking,
                        format!("removes value {value}{sent} from {place}"),
                    );
                }
                for value in is.iter().filter(|value| !was.contains(value)) {
                    self.push(Class::Compatible, format!("adds value {value} to {place}"));
                }
            }
            (SchemaKind::Type(Type::Array(was)), SchemaKind::Type(Type::Array(is))) => {
                if let (Some(was), Some(is)) = (&was.items, &is.items) {
                    self.schema(&format!("{place}[]"), was, is, direction);
                }
            }
            (SchemaKind::Type(Type::Object(was)), SchemaKind::Type(Type::Object(is))) => {
                for (field, schema) in &was.properties {
                    let Some(now) = is.properties.get(field) else {
                        self.push(Class::Breaking, format!("removes field {place}.{field}"));
                        continue;
                    };
                    let (required_was, required_is) =
                        (was.required.contains(field), is.required.contains(field));
                    if required_was != required_is {
                        let what = if required_is { "required" } else { "optional" };
                        self.push(Class::Breaking, format!("makes {place}.{field} {what}"));
                    }
                    self.schema(&format!("{place}.{field}"), schema, now, direction);
                }
                for field in is.properties.keys() {
                    if was.properties.contains_key(field) {
                        continue;
                    }
                    let required = is.required.contains(field);
                    match (direction, required) {
                        (Direction::Request, true) => self.push(
                            Class::Breaking,
                            format!("adds required request field {place}.{field}"),
                        ),
                        (Direction::Request, false) => self.push(
                            Class::Compatible,
                            format!("adds optional request field {place}.{field}"),
                        ),
                        (Direction::Response, true) => self.push(
                            Class::Compatible,
                            format!("adds response field {place}.{field}"),
                        ),
                        (Direction::Response, false) => self.push(
                            Class::Compatible,
                            format!("adds optional response field {place}.{field}"),
                        ),
                    }
                }
            }
            (SchemaKind::OneOf { one_of: was }, SchemaKind::OneOf { one_of: is })
            | (SchemaKind::AnyOf { any_of: was }, SchemaKind::AnyOf { any_of: is })
            | (SchemaKind::AllOf { all_of: was }, SchemaKind::AllOf { all_of: is }) => {
                if was.len() != is.len() {
                    self.push(Class::Breaking, format!("changes the members of {place}"));
                    return;
                }
                for (index, (was, is)) in was.iter().zip(is).enumerate() {
                    self.schema(&format!("{place}#{index}"), was, is, direction);
                }
            }
            _ => {}
        }
    }
}

/// How a body type is named in a phrase: its schema's name, `inline` or `none`.
fn body_name(schema: Option<&ReferenceOr<Schema>>) -> String {
    match schema {
        None => "none".into(),
        Some(schema) => reference_name(schema).unwrap_or_else(|| "inline".into()),
    }
}

fn names(names: &[String]) -> String {
    if names.is_empty() {
        "none".into()
    } else {
        names.join(" | ")
    }
}

/// The kind of a schema, in a word.
fn kind(schema: &Schema) -> &'static str {
    match &schema.schema_kind {
        SchemaKind::Type(Type::String(_)) => "string",
        SchemaKind::Type(Type::Number(_)) => "number",
        SchemaKind::Type(Type::Integer(_)) => "integer",
        SchemaKind::Type(Type::Object(_)) => "object",
        SchemaKind::Type(Type::Array(_)) => "array",
        SchemaKind::Type(Type::Boolean(_)) => "boolean",
        SchemaKind::OneOf { .. } => "oneOf",
        SchemaKind::AllOf { .. } => "allOf",
        SchemaKind::AnyOf { .. } => "anyOf",
        SchemaKind::Not { .. } => "not",
        SchemaKind::Any(_) => "any",
    }
}

/// The keywords of a schema that shape its generated type, besides its kind, properties, items
/// and enum values: `format`, bounds, lengths, `pattern`, `additionalProperties`.
fn constraints(schema: &Schema) -> String {
    const KEYWORDS: [&str; 13] = [
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
    let value = serde_json::to_value(&schema.schema_kind).unwrap_or_default();
    let kept: serde_json::Map<String, serde_json::Value> = KEYWORDS
        .iter()
        .filter_map(|key| {
            let found = value.get(*key)?;
            // `additionalProperties: false` shapes the type (unknown fields refused); other
            // keywords at `false` say nothing.
            let kept = !found.is_null()
                && (*key == "additionalProperties" || found != &serde_json::Value::Bool(false));
            kept.then(|| (key.to_string(), found.clone()))
        })
        .collect();
    if kept.is_empty() {
        "none".into()
    } else {
        serde_json::Value::Object(kept).to_string()
    }
}

#[cfg(test)]
mod tests {
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
