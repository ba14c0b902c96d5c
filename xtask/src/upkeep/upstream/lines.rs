//! The comparison's changes as `upstream`'s lines: a kind, what in a few words, and the place
//! in our spec and in the provider's document (keys joined by dots, after the file when it is
//! not the main one). Changes the wire does not show (a path parameter's name, the media types
//! of a body listed in another order) give no line.

use std::collections::BTreeSet;

use crate::openapi::diff::{CONSTRAINTS, Change, Direction, Kind, Place};

use super::Difference;

/// What one change gives.
pub enum Line {
    /// A difference.
    Difference(Difference),
    /// An operation of the provider our spec does not cover: `METHOD /path: provider PLACE`.
    Uncovered(String),
}

/// The lines of `change`.
pub fn lines(change: &Change) -> Vec<Line> {
    if let Kind::OperationAdded { key, .. } = &change.kind {
        return vec![Line::Uncovered(format!(
            "{key}: provider {}",
            dotted(&change.new)
        ))];
    }
    let line = |kind: &'static str, what: String| {
        Line::Difference(Difference {
            kind,
            what,
            ours: dotted(&change.old),
            theirs: dotted(&change.new),
            deliberate: change.recorded.clone(),
        })
    };
    if let Kind::Constraints { schema, was, is } = &change.kind {
        return constraint_lines(schema, was, is)
            .into_iter()
            .map(|what| line("changed constraint", what))
            .collect();
    }
    operation_line(&change.kind)
        .or_else(|| schema_line(&change.kind))
        .map(|(kind, what)| line(kind, what))
        .into_iter()
        .collect()
}

/// A place as the lines show it; `(none)` where a document has nothing.
fn dotted(place: &Option<Place>) -> String {
    place
        .as_ref()
        .map_or_else(|| "(none)".to_string(), Place::dotted)
}

/// The line of a change of an operation, its parameters, bodies or answers.
fn operation_line(kind: &Kind) -> Option<(&'static str, String)> {
    Some(match kind {
        Kind::OperationRemoved { operation } => (
            "removed operation",
            format!("{operation} is not in the provider's document"),
        ),
        Kind::ParameterRemoved {
            operation,
            parameter,
        } => (
            "parameter not published",
            format!("{parameter} of {operation}"),
        ),
        Kind::ParameterAdded {
            operation,
            parameter,
            required,
        } => (
            if *required {
                "new required parameter"
            } else {
                "added parameter"
            },
            format!("{parameter} of {operation}"),
        ),
        Kind::ParameterRequired {
            operation,
            parameter,
            was,
            is,
        } => (
            "changed required",
            format!("{parameter} of {operation}: ours {was}, provider {is}"),
        ),
        Kind::BodyRemoved { operation } => {
            ("body not published", format!("the body of {operation}"))
        }
        Kind::BodyAdded { operation } => ("added body", format!("the body of {operation}")),
        Kind::BodyRequired { operation, was, is } => (
            "changed required",
            format!("the body of {operation}: ours {was}, provider {is}"),
        ),
        _ => return body_line(kind),
    })
}

/// The line of a change of a body's media types, or of an answer.
fn body_line(kind: &Kind) -> Option<(&'static str, String)> {
    Some(match kind {
        Kind::MediaTypes {
            operation,
            status,
            was,
            is,
        } => {
            let (was, is): (BTreeSet<String>, BTreeSet<String>) =
                (was.iter().cloned().collect(), is.iter().cloned().collect());
            if was == is {
                return None;
            }
            let what = match status {
                None => format!("the body of {operation}"),
                Some(status) => format!("the {status} answer of {operation}"),
            };
            (
                "changed media type",
                format!(
                    "{what}: ours {}, provider {}",
                    set_text(&was),
                    set_text(&is)
                ),
            )
        }
        Kind::StatusAdded { operation, status } => {
            ("new status", format!("{status} of {operation}"))
        }
        Kind::StatusRemoved { operation, status } => {
            ("status not published", format!("{status} of {operation}"))
        }
        Kind::AnswerBody {
            operation,
            status,
            was,
            is,
        } => {
            let body = |has: bool| if has { "a body" } else { "no body" };
            (
                "changed media type",
                format!(
                    "the {status} answer of {operation}: ours {}, provider {}",
                    body(*was),
                    body(*is)
                ),
            )
        }
        _ => return None,
    })
}

/// The line of a change of a schema.
fn schema_line(kind: &Kind) -> Option<(&'static str, String)> {
    Some(match kind {
        Kind::TypeChanged { schema, was, is } => (
            "changed type",
            format!("{schema}: ours {was}, provider {is}"),
        ),
        Kind::NullableChanged { schema, was, is } => (
            "changed nullable",
            format!(
                "{schema}: ours {}, provider {}",
                nullable(*was),
                nullable(*is)
            ),
        ),
        Kind::Enum {
            schema, was, is, ..
        } => (
            "changed enum",
            format!(
                "{schema}: ours {}, provider {}",
                enum_text(was),
                enum_text(is)
            ),
        ),
        _ => return field_line(kind),
    })
}

/// The line of a change of a schema's fields or members.
fn field_line(kind: &Kind) -> Option<(&'static str, String)> {
    Some(match kind {
        Kind::FieldAdded {
            schema,
            field,
            required,
            direction,
        } => (
            match (direction, required) {
                (Direction::Request, true) => "new required request field",
                (Direction::Request, false) => "added request field",
                (Direction::Response, _) => "added answer field",
            },
            format!("{schema}.{field}"),
        ),
        Kind::FieldRemoved {
            schema,
            field,
            listed: true,
        } => ("field not published", format!("{schema}.{field}")),
        Kind::FieldRequired {
            schema,
            field,
            was,
            is,
        } => (
            "changed required",
            format!(
                "{schema}.{field}: ours {}, provider {}",
                required(*was),
                required(*is)
            ),
        ),
        Kind::MembersChanged { schema, was, is } => (
            "changed members",
            format!("{schema}: ours {was} oneOf/anyOf members, provider {is}"),
        ),
        _ => return None,
    })
}

/// One line's words per constraint that differs, in [`CONSTRAINTS`]' order.
fn constraint_lines(
    schema: &str,
    was: &[(&'static str, serde_json::Value)],
    is: &[(&'static str, serde_json::Value)],
) -> Vec<String> {
    let value = |list: &[(&'static str, serde_json::Value)], keyword: &str| {
        list.iter()
            .find(|(known, _)| *known == keyword)
            .map(|(_, value)| value.to_string())
    };
    CONSTRAINTS
        .iter()
        .filter_map(|keyword| {
            let (a, b) = (value(was, keyword), value(is, keyword));
            let text = |v: Option<String>| v.unwrap_or_else(|| "none".into());
            (a != b).then(|| format!("{schema}: {keyword} ours {}, provider {}", text(a), text(b)))
        })
        .collect()
}

fn nullable(nullable: bool) -> &'static str {
    if nullable { "nullable" } else { "not nullable" }
}

fn required(required: bool) -> &'static str {
    if required { "required" } else { "optional" }
}

fn enum_text(values: &Option<Vec<String>>) -> String {
    match values {
        None => "no enum".to_string(),
        Some(values) => format!("enum [{}]", set_text(&values.iter().cloned().collect())),
    }
}

fn set_text(set: &BTreeSet<String>) -> String {
    crate::openapi::diff::set_text(set)
}
