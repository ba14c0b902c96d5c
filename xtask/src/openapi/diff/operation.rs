//! The comparison of two matched operations: parameters, request body, answers, and as types
//! the body types and credentials of the generated method.

use super::doc::{Node, field, text};
use super::operations::{Operation, parameters};
use super::{Differ, Direction, Kind, View};

impl<'a> Differ<'a> {
    /// Compares each operation of the old document with the new one's of the same key, and
    /// lists the new one's others as added.
    pub(super) fn operations(&mut self) {
        let old_ops = super::operations::operations(self.old, self.view);
        let new_ops = super::operations::operations(self.new, self.view);
        for op in &old_ops {
            match new_ops.iter().find(|other| other.key == op.key) {
                None => {
                    let kind = Kind::OperationRemoved {
                        operation: op.name.clone(),
                    };
                    self.push(kind, Some(&op.node), None, op.node.reason());
                }
                Some(other) => self.operation(op, other),
            }
        }
        for op in &new_ops {
            if !old_ops.iter().any(|other| other.key == op.key) {
                let kind = Kind::OperationAdded {
                    operation: op.name.clone(),
                    key: op.key.clone(),
                };
                self.push(kind, None, Some(&op.node), None);
            }
        }
    }

    fn operation(&mut self, old: &Operation<'a>, new: &Operation<'a>) {
        if self.view == View::Types && old.route != new.route {
            let kind = Kind::OperationMoved {
                operation: old.name.clone(),
                route: new.route.clone(),
            };
            self.push(kind, Some(&old.node), Some(&new.node), None);
        }
        self.parameters(old, new);
        self.request_body(old, new);
        self.responses(old, new);
        if self.view == View::Types {
            self.body_types(old, new);
            self.credentials(old, new);
        }
    }

    fn parameters(&mut self, old: &Operation<'a>, new: &Operation<'a>) {
        let operation = &old.name;
        let was = parameters(self.old, old, self.view);
        let is = parameters(self.new, new, self.view);
        for parameter in is.iter().filter(|p| !was.iter().any(|w| w.key == p.key)) {
            let kind = Kind::ParameterAdded {
                operation: operation.clone(),
                parameter: parameter.label.clone(),
                required: is_required(&parameter.node),
            };
            let recorded = old.node.omitted(&parameter.name);
            self.push(kind, Some(&old.node), Some(&parameter.node), recorded);
        }
        for parameter in &was {
            let (here, recorded) = (&parameter.node, parameter.node.reason());
            let Some(now) = is.iter().find(|p| p.key == parameter.key) else {
                let kind = Kind::ParameterRemoved {
                    operation: operation.clone(),
                    parameter: parameter.label.clone(),
                };
                self.push(kind, Some(here), Some(&new.node), recorded);
                continue;
            };
            if parameter.name != now.name && text(here.value, "in") == Some("path") {
                let kind = Kind::ParameterRenamed {
                    operation: operation.clone(),
                    was: parameter.label.clone(),
                    is: now.label.clone(),
                };
                self.push(kind, Some(here), Some(&now.node), recorded.clone());
            }
            let (required_was, required) = (is_required(here), is_required(&now.node));
            if required_was != required {
                let kind = Kind::ParameterRequired {
                    operation: operation.clone(),
                    parameter: parameter.label.clone(),
                    was: required_was,
                    is: required,
                };
                self.push(kind, Some(here), Some(&now.node), recorded);
            }
            let schemas = (
                self.old.child(here, "schema"),
                self.new.child(&now.node, "schema"),
            );
            if let (Some(mut was), Some(is)) = schemas {
                was.marks.extend(here.marks.iter().copied());
                let what = format!("{} of {operation}", parameter.label);
                self.schema(&what, &was, &is, Direction::Request);
            }
        }
    }

    fn request_body(&mut self, old: &Operation<'a>, new: &Operation<'a>) {
        let operation = old.name.clone();
        let bodies = (
            self.old.child(&old.node, "requestBody"),
            self.new.child(&new.node, "requestBody"),
        );
        match bodies {
            (None, None) => {}
            (Some(was), None) => {
                let recorded = was.reason();
                let kind = Kind::BodyRemoved { operation };
                self.push(kind, Some(&was), Some(&new.node), recorded);
            }
            (None, Some(is)) => {
                let recorded = old.node.omitted("requestBody");
                let kind = Kind::BodyAdded { operation };
                self.push(kind, Some(&old.node), Some(&is), recorded);
            }
            (Some(was), Some(is)) => {
                let (required_was, required) = (is_required(&was), is_required(&is));
                if required_was != required {
                    let kind = Kind::BodyRequired {
                        operation: operation.clone(),
                        was: required_was,
                        is: required,
                    };
                    self.push(kind, Some(&was), Some(&is), was.reason());
                }
                self.content(&operation, None, &was, &is);
            }
        }
    }

    /// Compares the `content` of two bodies, the request body of `operation` or its answer of
    /// `status`: their media types, then the schemas of the media types they pair.
    fn content(&mut self, operation: &str, status: Option<&str>, old: &Node<'a>, new: &Node<'a>) {
        let (what, direction) = match status {
            None => (format!("the body of {operation}"), Direction::Request),
            Some(status) => (
                format!("the {status} answer of {operation}"),
                Direction::Response,
            ),
        };
        let media = |doc: &'a super::Doc, node: &Node<'a>| -> Vec<(String, Node<'a>)> {
            doc.child(node, "content")
                .map(|content| doc.entries(&content))
                .unwrap_or_default()
        };
        let (was, is) = (media(self.old, old), media(self.new, new));
        let names = |list: &[(String, Node<'a>)]| -> Vec<String> {
            list.iter().map(|(name, _)| name.clone()).collect()
        };
        if names(&was) != names(&is) {
            let recorded = old.reason().or_else(|| omitted_media(old, &was, &is));
            let kind = Kind::MediaTypes {
                operation: operation.to_string(),
                status: status.map(str::to_string),
                was: names(&was),
                is: names(&is),
            };
            self.push(kind, Some(old), Some(new), recorded);
        }
        // As types, an answer's body is its first media type's (the one the generated method
        // decodes), whatever it is named; elsewhere media types are matched by name.
        let pairs: Vec<(&Node<'a>, &Node<'a>)> = match (self.view, status) {
            (View::Types, Some(_)) => was
                .first()
                .zip(is.first())
                .map(|(a, b)| (&a.1, &b.1))
                .into_iter()
                .collect(),
            _ => was
                .iter()
                .filter_map(|(name, here)| {
                    let (_, there) = is.iter().find(|(known, _)| known == name)?;
                    Some((here, there))
                })
                .collect(),
        };
        for (here, there) in pairs {
            let schemas = (
                self.old.child(here, "schema"),
                self.new.child(there, "schema"),
            );
            if let (Some(was), Some(is)) = schemas {
                self.schema(&what, &was, &is, direction);
            }
        }
    }

    fn responses(&mut self, old: &Operation<'a>, new: &Operation<'a>) {
        let operation = &old.name;
        let (was, is) = (answers(self.old, old), answers(self.new, new));
        for (status, there) in is.iter().filter(|(s, _)| !was.iter().any(|(w, _)| w == s)) {
            let kind = Kind::StatusAdded {
                operation: operation.clone(),
                status: status.clone(),
            };
            let recorded = old.node.omitted(status);
            self.push(kind, Some(&old.node), Some(there), recorded);
        }
        for (status, here) in &was {
            let Some((_, there)) = is.iter().find(|(known, _)| known == status) else {
                let kind = Kind::StatusRemoved {
                    operation: operation.clone(),
                    status: status.clone(),
                };
                self.push(kind, Some(here), Some(&new.node), here.reason());
                continue;
            };
            let has_body = |node: &Node<'_>| field(node.value, "content").is_some();
            if has_body(here) != has_body(there) {
                let kind = Kind::AnswerBody {
                    operation: operation.clone(),
                    status: status.clone(),
                    was: has_body(here),
                    is: has_body(there),
                };
                self.push(kind, Some(here), Some(there), here.reason());
                continue;
            }
            self.content(operation, Some(status), here, there);
        }
    }
}

/// Whether the parameter or body `node` is required.
fn is_required(node: &Node<'_>) -> bool {
    super::doc::is_true(node.value, "required")
}

/// The answers of `op`, by status, in the document's order.
pub(super) fn answers<'a>(doc: &'a super::Doc, op: &Operation<'a>) -> Vec<(String, Node<'a>)> {
    doc.child(&op.node, "responses")
        .map(|responses| doc.entries(&responses))
        .unwrap_or_default()
}

/// When the old document leaves out only media types the new one has, and lists each in an
/// `omits`, the reason it gives.
fn omitted_media(
    old: &Node<'_>,
    was: &[(String, Node<'_>)],
    is: &[(String, Node<'_>)],
) -> Option<String> {
    let removed = was
        .iter()
        .any(|(name, _)| !is.iter().any(|(n, _)| n == name));
    let added: Vec<&String> = is
        .iter()
        .map(|(name, _)| name)
        .filter(|name| !was.iter().any(|(n, _)| n == *name))
        .collect();
    if removed || added.is_empty() {
        return None;
    }
    let reasons: Vec<Option<String>> = added.iter().map(|name| old.omitted(name)).collect();
    if reasons.iter().all(Option::is_some) {
        reasons.into_iter().next().flatten()
    } else {
        None
    }
}
