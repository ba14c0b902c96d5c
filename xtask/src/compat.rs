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

use openapiv3::{
    OpenAPI, Operation, Parameter, ReferenceOr, RequestBody, Response, Schema, SchemaKind,
    StatusCode, Type,
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
    /// The pairs of named schemas already compared, with their direction.
    compared: BTreeSet<(String, String, Direction)>,
}

/// An operation, under the name the generated method takes.
struct Op<'a> {
    route: String,
    operation: &'a Operation,
    parameters: &'a [ReferenceOr<Parameter>],
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
            self.responses(id, before.operation, op.operation);
        }
    }

    fn parameters(&mut self, id: &str, old: &Op<'a>, new: &Op<'a>) {
        let (old, new) = (self.params(self.old, old), self.params(self.new, new));
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

    /// The parameters of an operation with their path item's, keyed `name` (`in`).
    fn params(&self, api: &'a OpenAPI, op: &Op<'a>) -> Vec<(String, &'a Parameter)> {
        op.parameters
            .iter()
            .chain(&op.operation.parameters)
            .filter_map(|parameter| resolve_parameter(api, parameter))
            .map(|parameter| {
                let data = parameter.parameter_data_ref();
                let place = match parameter {
                    Parameter::Query { .. } => "query",
                    Parameter::Header { .. } => "header",
                    Parameter::Path { .. } => "path",
                    Parameter::Cookie { .. } => "cookie",
                };
                (format!("{} ({place})", data.name), parameter)
            })
            .collect()
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

    fn responses(&mut self, id: &str, old: &'a Operation, new: &'a Operation) {
        let (old, new) = (responses(self.old, old), responses(self.new, new));
        for (success, what) in [(true, "success"), (false, "error")] {
            let bodies = |answers: &[(String, bool, Option<&'a ReferenceOr<Schema>>)]| {
                answers
                    .iter()
                    .filter(|(_, ok, _)| *ok == success)
                    .map(|(_, _, schema)| body_name(*schema))
                    .collect::<BTreeSet<String>>()
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
        for (status, _, _) in &old {
            if !new.iter().any(|(other, _, _)| other == status) {
                self.push(
                    Class::Compatible,
                    format!("no longer documents status {status} of {id}"),
                );
            }
        }
        for (status, _, schema) in &new {
            match old.iter().find(|(other, _, _)| other == status) {
                None => self.push(
                    Class::Compatible,
                    format!("documents status {status} of {id}"),
                ),
                Some((_, _, was)) => {
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

    /// Component schemas added or removed (those reached from an operation are compared there).
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
                let key = (name.clone(), name.clone(), direction);
                if !self.compared.insert(key) {
                    return;
                }
                name.clone()
            }
            _ => place.to_string(),
        };
        let (Some(old), Some(new)) = (resolve_schema(self.old, old), resolve_schema(self.new, new))
        else {
            return;
        };
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

/// A schema behind a `ReferenceOr`, boxed or not.
pub(crate) trait AsSchema {
    /// The schema.
    fn as_schema(&self) -> &Schema;
}

impl AsSchema for Schema {
    fn as_schema(&self) -> &Schema {
        self
    }
}

impl AsSchema for Box<Schema> {
    fn as_schema(&self) -> &Schema {
        self
    }
}

/// Every operation, keyed by its `operationId` (or `METHOD path` without one).
fn operations(api: &OpenAPI) -> Vec<(String, Op<'_>)> {
    api.paths
        .iter()
        .filter_map(|(path, item)| Some((path, item.as_item()?)))
        .flat_map(|(path, item)| {
            item.iter().map(move |(method, operation)| {
                let route = format!("{} {path}", method.to_uppercase());
                let id = operation
                    .operation_id
                    .clone()
                    .unwrap_or_else(|| route.clone());
                (
                    id,
                    Op {
                        route,
                        operation,
                        parameters: &item.parameters,
                    },
                )
            })
        })
        .collect()
}

/// Each documented status with whether it is a success and its JSON body's schema.
fn responses<'a>(
    api: &'a OpenAPI,
    operation: &'a Operation,
) -> Vec<(String, bool, Option<&'a ReferenceOr<Schema>>)> {
    let schema = |response: &'a ReferenceOr<Response>| {
        resolve_response(api, response)
            .and_then(|response| response.content.values().next())
            .and_then(|media| media.schema.as_ref())
    };
    let mut answers: Vec<_> = operation
        .responses
        .responses
        .iter()
        .map(|(status, response)| {
            let (name, success) = match status {
                StatusCode::Code(code) => (code.to_string(), (200..300).contains(code)),
                StatusCode::Range(range) => (format!("{range}XX"), *range == 2),
            };
            (name, success, schema(response))
        })
        .collect();
    if let Some(default) = &operation.responses.default {
        answers.push(("default".into(), false, schema(default)));
    }
    answers
}

/// How a body type is named in a phrase: its schema's name, `inline` or `none`.
fn body_name(schema: Option<&ReferenceOr<Schema>>) -> String {
    match schema {
        None => "none".into(),
        Some(schema) => reference_name(schema).unwrap_or_else(|| "inline".into()),
    }
}

fn names(set: &BTreeSet<String>) -> String {
    if set.is_empty() {
        "none".into()
    } else {
        set.iter().cloned().collect::<Vec<_>>().join(" | ")
    }
}

fn reference_name<S>(schema: &ReferenceOr<S>) -> Option<String> {
    match schema {
        ReferenceOr::Reference { reference } => reference.rsplit('/').next().map(str::to_string),
        ReferenceOr::Item(_) => None,
    }
}

fn resolve_schema<'a, S: AsSchema>(
    api: &'a OpenAPI,
    schema: &'a ReferenceOr<S>,
) -> Option<&'a Schema> {
    match schema {
        ReferenceOr::Item(schema) => Some(schema.as_schema()),
        ReferenceOr::Reference { .. } => {
            let name = reference_name(schema)?;
            let found = api.components.as_ref()?.schemas.get(&name)?;
            match found {
                ReferenceOr::Item(schema) => Some(schema),
                ReferenceOr::Reference { .. } => resolve_schema(api, found),
            }
        }
    }
}

fn resolve_parameter<'a>(
    api: &'a OpenAPI,
    parameter: &'a ReferenceOr<Parameter>,
) -> Option<&'a Parameter> {
    match parameter {
        ReferenceOr::Item(parameter) => Some(parameter),
        ReferenceOr::Reference { .. } => {
            let name = reference_name(parameter)?;
            api.components.as_ref()?.parameters.get(&name)?.as_item()
        }
    }
}

fn resolve_body<'a>(
    api: &'a OpenAPI,
    body: &'a ReferenceOr<RequestBody>,
) -> Option<&'a RequestBody> {
    match body {
        ReferenceOr::Item(body) => Some(body),
        ReferenceOr::Reference { .. } => {
            let name = reference_name(body)?;
            api.components
                .as_ref()?
                .request_bodies
                .get(&name)?
                .as_item()
        }
    }
}

fn resolve_response<'a>(
    api: &'a OpenAPI,
    response: &'a ReferenceOr<Response>,
) -> Option<&'a Response> {
    match response {
        ReferenceOr::Item(response) => Some(response),
        ReferenceOr::Reference { .. } => {
            let name = reference_name(response)?;
            api.components.as_ref()?.responses.get(&name)?.as_item()
        }
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
            (!found.is_null() && found != &serde_json::Value::Bool(false))
                .then(|| (key.to_string(), found.clone()))
        })
        .collect();
    if kept.is_empty() {
        "none".into()
    } else {
        serde_json::Value::Object(kept).to_string()
    }
}
