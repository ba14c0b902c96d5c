//! What a generated crate has besides its operations' parameters and schemas, compared as
//! types: its server's variables, its credential schemes, its component types, and each
//! method's body types and credentials.

use std::collections::BTreeSet;

use serde_yaml_ng::Value;

use super::doc::{Doc, Node, field, text};
use super::operation::answers;
use super::operations::Operation;
use super::{Differ, Direction, Kind};
use crate::openapi::pointer::{self, key_text};

impl<'a> Differ<'a> {
    /// The first server's variables, else its URL.
    pub(super) fn servers(&mut self) {
        let server = |doc: &'a Doc| field(doc.main_tree(), "servers").and_then(|s| s.get(0));
        let variables = |server: Option<&Value>| -> Vec<String> {
            server
                .and_then(|server| field(server, "variables"))
                .and_then(Value::as_mapping)
                .map(|variables| variables.keys().map(key_text).collect())
                .unwrap_or_default()
        };
        fn url(server: Option<&Value>) -> &str {
            server.and_then(|s| text(s, "url")).unwrap_or_default()
        }
        let (old, new) = (server(self.old), server(self.new));
        let (old_root, new_root) = (self.old.root(), self.new.root());
        let kind = if variables(old) != variables(new) {
            Kind::ServerVariables {
                was: variables(old),
                is: variables(new),
            }
        } else if url(old) != url(new) {
            Kind::ServerUrl {
                is: url(new).to_string(),
            }
        } else {
            return;
        };
        self.push(kind, Some(&old_root), Some(&new_root), None);
    }

    /// The credential schemes removed and added.
    pub(super) fn security_schemes(&mut self) {
        let (old, new) = (
            names(self.old, "securitySchemes"),
            names(self.new, "securitySchemes"),
        );
        let (old_root, new_root) = (self.old.root(), self.new.root());
        for scheme in old.difference(&new) {
            let kind = Kind::SchemeRemoved {
                scheme: scheme.clone(),
            };
            self.push(kind, Some(&old_root), Some(&new_root), None);
        }
        for scheme in new.difference(&old) {
            let kind = Kind::SchemeAdded {
                scheme: scheme.clone(),
            };
            self.push(kind, Some(&old_root), Some(&new_root), None);
        }
    }

    /// Component schemas removed and added, and those no operation reached (each is still a
    /// generated type) compared both ways: as built by callers and as decoded.
    pub(super) fn components(&mut self) {
        let (old, new) = (names(self.old, "schemas"), names(self.new, "schemas"));
        let (old_root, new_root) = (self.old.root(), self.new.root());
        for name in old.difference(&new) {
            let kind = Kind::TypeRemoved { name: name.clone() };
            self.push(kind, Some(&old_root), Some(&new_root), None);
        }
        for name in new.difference(&old) {
            let kind = Kind::TypeAdded { name: name.clone() };
            self.push(kind, Some(&old_root), Some(&new_root), None);
        }
        for name in old.intersection(&new) {
            let place = pointer::render(&["components", "schemas", name]);
            if self.seen.iter().any(|(reached, _, _)| *reached == place) {
                continue;
            }
            let (Some(was), Some(is)) = (component(self.old, name), component(self.new, name))
            else {
                continue;
            };
            for direction in [Direction::Request, Direction::Response] {
                self.schema(name, &was, &is, direction);
            }
        }
    }

    /// The body types of the success answers, then of the error ones.
    pub(super) fn body_types(&mut self, old: &Operation<'a>, new: &Operation<'a>) {
        for success in [true, false] {
            let (was, is) = (
                bodies(self.old, old, success),
                bodies(self.new, new, success),
            );
            if was != is {
                let kind = Kind::BodyTypes {
                    operation: old.name.clone(),
                    success,
                    was,
                    is,
                };
                self.push(kind, Some(&old.node), Some(&new.node), None);
            }
        }
    }

    /// The credential schemes the operation takes, removed and added.
    pub(super) fn credentials(&mut self, old: &Operation<'a>, new: &Operation<'a>) {
        let (was, is) = (schemes(self.old, old), schemes(self.new, new));
        for scheme in was.difference(&is) {
            let kind = Kind::CredentialRemoved {
                operation: old.name.clone(),
                scheme: scheme.clone(),
            };
            self.push(kind, Some(&old.node), Some(&new.node), None);
        }
        for scheme in is.difference(&was) {
            let kind = Kind::CredentialAdded {
                operation: old.name.clone(),
                scheme: scheme.clone(),
            };
            self.push(kind, Some(&old.node), Some(&new.node), None);
        }
    }
}

/// The names in `components.<section>` of `doc`.
fn names(doc: &Doc, section: &str) -> BTreeSet<String> {
    field(doc.main_tree(), "components")
        .and_then(|components| field(components, section))
        .and_then(Value::as_mapping)
        .map(|entries| entries.keys().map(key_text).collect())
        .unwrap_or_default()
}

/// The component schema `name` of `doc`, its `$ref`s followed.
fn component<'a>(doc: &'a Doc, name: &str) -> Option<Node<'a>> {
    let components = doc.child(&doc.root(), "components")?;
    let schemas = doc.child(&components, "schemas")?;
    doc.child(&schemas, name)
}

/// The names of the body types of `op`'s success (2xx) or error answers, in the order the
/// statuses are listed (`default` last), which is the order a union of error bodies tries
/// them in: a schema's name, `inline`, or `none`. An error status without a body beside ones
/// with a body is left out of the error type.
fn bodies<'a>(doc: &'a Doc, op: &Operation<'a>, success: bool) -> Vec<String> {
    let mut answers: Vec<(String, Option<Node<'a>>)> = answers(doc, op)
        .into_iter()
        .map(|(status, node)| (status, first_schema(doc, &node)))
        .collect();
    answers.sort_by_key(|(status, _)| status == "default");
    let is_success = |status: &str| status.starts_with('2');
    let mine = answers
        .iter()
        .filter(|(status, _)| is_success(status) == success);
    let with_body = mine.clone().any(|(_, schema)| schema.is_some());
    let mut names: Vec<String> = Vec::new();
    for (_, schema) in mine {
        if !success && with_body && schema.is_none() {
            continue;
        }
        let name = match schema {
            None => "none".to_string(),
            Some(schema) => schema.name.clone().unwrap_or_else(|| "inline".into()),
        };
        if !names.contains(&name) {
            names.push(name);
        }
    }
    names
}

/// The schema of the first media type of the answer `node`.
fn first_schema<'a>(doc: &'a Doc, node: &Node<'a>) -> Option<Node<'a>> {
    let content = doc.child(node, "content")?;
    let (_, media) = doc.entries(&content).into_iter().next()?;
    doc.child(&media, "schema")
}

/// The credential schemes `op` takes: its own `security`, else the document's.
fn schemes(doc: &Doc, op: &Operation<'_>) -> BTreeSet<String> {
    let security = field(op.node.value, "security")
        .or_else(|| field(doc.main_tree(), "security"))
        .and_then(Value::as_sequence);
    security
        .into_iter()
        .flatten()
        .filter_map(Value::as_mapping)
        .flat_map(|requirement| requirement.keys().map(key_text))
        .collect()
}
