//! A document's operations as the comparison matches them, and their parameters under the one
//! parameter key ([`parameter_key`]).

use super::View;
use super::doc::{Doc, Node, field, text};
use crate::openapi::shape::METHODS;

/// An operation of a document.
pub struct Operation<'a> {
    /// What matches it with the other document's: `METHOD /full/path` with `{}` for each
    /// parameter on the wire, its `operationId` as types.
    pub key: String,
    /// Its name in phrases: `id METHOD /path` on the wire, its `operationId` as types.
    pub name: String,
    /// `METHOD /path`, the path as the document writes it.
    pub route: String,
    /// The names of its path's parameters, in order.
    pub path_names: Vec<String>,
    /// The operation object (`paths./x.get`), `$ref`s followed.
    pub node: Node<'a>,
    /// The path item that holds it, whose `parameters` it shares.
    pub item: Node<'a>,
}

/// A parameter of an operation.
pub struct Parameter<'a> {
    /// What matches it with the other document's: its [`parameter_key`].
    pub key: String,
    /// Its name in phrases: its key on the wire, `name (in)` as types.
    pub label: String,
    /// Its `name` as written, which an `omits` lists.
    pub name: String,
    /// The parameter object, `$ref`s followed.
    pub node: Node<'a>,
}

/// What matches a parameter `name` in `place` (`query`, `header`, `path`, `cookie`) with the
/// other document's, `path_names` being its path's parameters in order: a path parameter by
/// its position (documents name them differently, the URL does not carry names), a header by
/// its name in lowercase (HTTP does not tell cases apart), any other by its place and name.
pub fn parameter_key(place: &str, name: &str, path_names: &[String]) -> String {
    match place {
        "path" => match path_names.iter().position(|known| known == name) {
            Some(index) => format!("path parameter #{}", index + 1),
            None => format!("path parameter {name}"),
        },
        "header" => format!("header {}", name.to_ascii_lowercase()),
        _ => format!("{place} parameter {name}"),
    }
}

/// Every operation of `doc`, in the document's order, keyed as `view` matches them.
pub fn operations(doc: &Doc, view: View) -> Vec<Operation<'_>> {
    let prefix = server_prefix(doc);
    let root = doc.root();
    let Some(paths) = doc.child(&root, "paths") else {
        return Vec::new();
    };
    let mut found = Vec::new();
    for (path, item) in doc.entries(&paths) {
        for method in METHODS {
            let Some(node) = doc.child(&item, method) else {
                continue;
            };
            let route = format!("{} {path}", method.to_uppercase());
            let id = text(node.value, "operationId").map(str::to_string);
            let (key, name) = match view {
                View::Wire => (
                    format!(
                        "{} {prefix}{}",
                        method.to_uppercase(),
                        normalize_path(&path)
                    ),
                    id.map_or_else(|| route.clone(), |id| format!("{id} {route}")),
                ),
                View::Types => {
                    let id = id.unwrap_or_else(|| route.clone());
                    (id.clone(), id)
                }
            };
            found.push(Operation {
                key,
                name,
                route,
                path_names: path_names(&path),
                node,
                item: item.clone(),
            });
        }
    }
    found
}

/// The parameters of `op`, its path item's among them; an operation's own parameter overrides
/// its path item's of the same key.
pub fn parameters<'a>(doc: &'a Doc, op: &Operation<'a>, view: View) -> Vec<Parameter<'a>> {
    let mut list: Vec<Parameter<'a>> = Vec::new();
    for owner in [&op.item, &op.node] {
        let Some(parameters) = doc.child(owner, "parameters") else {
            continue;
        };
        for node in doc.items(&parameters) {
            let name = text(node.value, "name").unwrap_or_default().to_string();
            let place = text(node.value, "in").unwrap_or_default();
            let key = parameter_key(place, &name, &op.path_names);
            let label = match view {
                View::Wire => key.clone(),
                View::Types => format!("parameter {name} ({place})"),
            };
            list.retain(|known| known.key != key);
            list.push(Parameter {
                key,
                label,
                name,
                node,
            });
        }
    }
    list
}

/// The path part of the first server URL, with `{}` for each variable, no trailing `/`.
fn server_prefix(doc: &Doc) -> String {
    let url = field(doc.main_tree(), "servers")
        .and_then(|servers| servers.get(0))
        .and_then(|server| text(server, "url"))
        .unwrap_or_default();
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    let path = rest.find('/').map_or("", |index| &rest[index..]);
    normalize_path(path).trim_end_matches('/').to_string()
}

/// `path` with `{}` for each parameter.
fn normalize_path(path: &str) -> String {
    let mut out = String::new();
    let mut inside = false;
    for c in path.chars() {
        match c {
            '{' => {
                inside = true;
                out.push_str("{}");
            }
            '}' => inside = false,
            _ if inside => {}
            _ => out.push(c),
        }
    }
    out
}

/// The names of `path`'s parameters, in order.
fn path_names(path: &str) -> Vec<String> {
    path.split('{')
        .skip(1)
        .filter_map(|part| part.split_once('}').map(|(name, _)| name.to_string()))
        .collect()
}
