//! Loading a spec: YAML, OpenAPI 3.0.x, every `$ref` resolving, every operation named, every
//! security requirement declared. Each failure names the file and the place in it.

use std::collections::BTreeSet;
use std::fmt::Display;
use std::path::{Path, PathBuf};

use openapiv3::{OpenAPI, ReferenceOr};
use serde_yaml_ng::Value;
use sha2::{Digest, Sha256};

use super::pointer::{self, render};
use super::source::Source;
use crate::Error;
use crate::openapi::{dialect, inert, names, path_operations, secrets};

/// A spec that was read and passed the checks: every job that reads a spec reads it through
/// [`load`].
pub struct Spec {
    /// The spec's path: the workspace root joined with `rel_path`.
    pub path: PathBuf,
    /// The spec's path relative to the workspace root, with `/` separators.
    pub rel_path: String,
    /// The sha256 of the main file's bytes, in lowercase hex.
    pub sha256: String,
    /// The parsed document: bundled into one, in OpenAPI 3.0, its text made inert.
    pub api: OpenAPI,
    /// What was changed to make it that, one line each (3.1 read as 3.0, files bundled).
    pub notes: Vec<String>,
}

/// Reads and checks the spec at `rel_path` under `root`.
pub fn load(root: &Path, rel_path: &str) -> Result<Spec, Error> {
    let path = root.join(rel_path);
    let source = Source::read(&path)?;
    let mut notes = Vec::new();
    if source.is_split() {
        notes.push(format!(
            "bundled: {} files into one document, every `$ref` local",
            source.files().len()
        ));
    }
    let tree = source.bundle()?;
    let sha256 = sha256(source.text.as_bytes());
    check_tree(&path, tree, &mut notes).map(|api| Spec {
        path,
        rel_path: rel_path.to_string(),
        sha256,
        api,
        notes,
    })
}

/// Checks the document `text` (one file, or a bundle), shown as `path` in errors, as [`load`]
/// would.
pub fn check_document(path: &Path, text: &str) -> Result<(), Error> {
    let tree = super::read::text_tree(text).map_err(|message| Error::parse(path, message))?;
    check_tree(path, tree, &mut Vec::new()).map(drop)
}

/// Gives each operation without an `operationId` one, by a stated rule: its method and its
/// path's segments in snake_case, a parameter `{id}` as `by_id` (`GET /accesskeys/{id}` is
/// `get_accesskeys_by_id`), with `_2`, `_3`, ... where that is taken. One note says how many.
fn name_operations(tree: &mut Value) -> Vec<String> {
    use heck::ToSnakeCase;
    let Some(Value::Mapping(paths)) = tree.get_mut("paths") else {
        return Vec::new();
    };
    let mut taken: BTreeSet<String> = paths
        .values()
        .filter_map(Value::as_mapping)
        .flat_map(|item| item.values())
        .filter_map(|operation| operation.get("operationId")?.as_str())
        .map(str::to_string)
        .collect();
    let (mut named, mut first) = (0, None);
    for (route, item) in paths.iter_mut() {
        let route = key_text(route);
        let Value::Mapping(item) = item else { continue };
        for (method, operation) in item.iter_mut() {
            let method = key_text(method);
            let Value::Mapping(operation) = operation else {
                continue;
            };
            if !super::shape::METHODS.contains(&method.as_str())
                || operation.contains_key("operationId")
            {
                continue;
            }
            let mut words = vec![method.clone()];
            for segment in route.split('/').filter(|s| !s.is_empty()) {
                match segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
                    Some(parameter) => words.push(format!("by_{parameter}")),
                    None => words.push(segment.to_string()),
                }
            }
            let wanted = words.join("_").to_snake_case();
            let id = std::iter::once(wanted.clone())
                .chain((2..).map(|n| format!("{wanted}_{n}")))
                .find(|id| !taken.contains(id))
                .unwrap_or(wanted);
            taken.insert(id.clone());
            first.get_or_insert_with(|| format!("{} {route} as `{id}`", method.to_uppercase()));
            operation.insert(Value::from("operationId"), Value::from(id));
            named += 1;
        }
    }
    match first {
        Some(first) => vec![format!(
            "named {named} operation(s) without an operationId by method and path (first: {})",
            pointer::escape_text(&first)
        )],
        None => Vec::new(),
    }
}

/// Checks a document's tree (one file, or a bundle) and reads it as OpenAPI 3.0.
pub(crate) fn check_tree(
    path: &Path,
    mut tree: Value,
    notes: &mut Vec<String>,
) -> Result<OpenAPI, Error> {
    check_version(path, &tree)?;
    check_text(path, &tree, &mut Vec::new())?;
    notes.extend(dialect::to_30(path, &mut tree)?);
    notes.extend(name_operations(&mut tree));
    notes.extend(super::takeable::apply(&mut tree));
    check_refs(path, &tree, &tree, &mut Vec::new())?;

    // What the generator reads: the document with its text made inert (its shape unchanged),
    // read once.
    inert::make_inert(&mut tree);
    let api: OpenAPI =
        serde_path_to_error::deserialize(&tree).map_err(|e| match locate_shape_error(&tree) {
            Some((place, message)) => invalid(path, place, message),
            None => Error::parse(path, format!("at `{}`: {}", e.path(), e.inner())),
        })?;
    check_names(path, &api)?;
    check_servers(path, &api)?;
    check_operations(path, &api)?;
    secrets::check(path, &api)?;
    Ok(api)
}

/// The sha256 of `bytes`, in lowercase hex.
pub fn sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

/// What is wrong at `place` in the spec at `path`.
fn invalid(path: &Path, place: impl Display, message: impl Display) -> Error {
    Error::invalid(path, place, message)
}

fn check_version(path: &Path, tree: &Value) -> Result<(), Error> {
    match tree.get("openapi").and_then(Value::as_str) {
        Some(version) if version.starts_with("3.0.") || version.starts_with("3.1.") => Ok(()),
        Some(version) => Err(invalid(
            path,
            "#/openapi",
            format!(
                "OpenAPI {} is not supported: the generator reads OpenAPI 3.0.x and 3.1.x \
                 (Swagger 2.0 converts to 3.0 with a converter such as swagger2openapi)",
                pointer::escape_text(version)
            ),
        )),
        None => Err(invalid(
            path,
            "#/openapi",
            "missing `openapi: 3.0.3` (a string) at the top of the document",
        )),
    }
}

/// Every `$ref` must be local (`#/...`) and point at something in the document.
fn check_refs(
    path: &Path,
    root: &Value,
    node: &Value,
    place: &mut Vec<String>,
) -> Result<(), Error> {
    match node {
        Value::Mapping(map) => {
            for (key, value) in map {
                let key = key_text(key);
                place.push(key.clone());
                if key == "$ref" {
                    let target = value.as_str().unwrap_or_default();
                    if resolve(root, target).is_none() {
                        return Err(invalid(
                            path,
                            render(place),
                            format!(
                                "`$ref: {}` points at nothing in this document",
                                pointer::escape_text(target)
                            ),
                        ));
                    }
                } else {
                    check_refs(path, root, value, place)?;
                }
                place.pop();
            }
        }
        Value::Sequence(items) => {
            for (index, value) in items.iter().enumerate() {
                place.push(index.to_string());
                check_refs(path, root, value, place)?;
                place.pop();
            }
        }
        _ => {}
    }
    Ok(())
}

/// Whether `c` may not reach generated code: a control character other than line feed and tab
/// (a bare CR does not compile in a doc comment), or one that reorders text on screen (which
/// rustc refuses in comments and literals).
fn is_forbidden(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t')
        || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}')
}

/// No text, and no key, holds a character that generated code cannot carry.
fn check_text(path: &Path, node: &Value, place: &mut Vec<String>) -> Result<(), Error> {
    let here = |place: &[String]| {
        if place.is_empty() {
            "#".to_string()
        } else {
            render(place)
        }
    };
    let refuse = |place: String, text: &str| {
        let c = text.chars().find(|c| is_forbidden(*c)).unwrap_or_default();
        let message = if c == '\r' {
            "the text holds a carriage return (\\r), which generated doc comments cannot carry; \
             use line feeds only"
                .to_string()
        } else {
            format!(
                "the text holds the character U+{:04X}, a control or text-direction character \
                 that generated code cannot carry; remove it",
                c as u32
            )
        };
        Err(invalid(path, place, message))
    };
    match node {
        Value::String(text) if text.chars().any(is_forbidden) => refuse(here(place), text),
        Value::Mapping(map) => {
            for (key, value) in map {
                let key = key_text(key);
                place.push(key.clone());
                // A key (a path, a property name) is one line: it reaches doc comments too.
                if let Some(c) = key.chars().find(|c| is_forbidden(*c) || c.is_control()) {
                    return Err(invalid(
                        path,
                        here(place),
                        format!(
                            "the key holds the character U+{:04X}, which a name cannot carry \
                             into generated code; remove it",
                            c as u32
                        ),
                    ));
                }
                check_text(path, value, place)?;
                place.pop();
            }
            Ok(())
        }
        Value::Sequence(items) => {
            for (index, value) in items.iter().enumerate() {
                place.push(index.to_string());
                check_text(path, value, place)?;
                place.pop();
            }
            Ok(())
        }
        _ => Ok(()),
    }
}

/// Whether `name`, in snake_case and SHOUTY_SNAKE_CASE, is a Rust identifier: the generated
/// code names a constant and a function after each security scheme and server variable.
fn is_identifier(name: &str) -> bool {
    use heck::{ToShoutySnakeCase, ToSnakeCase};
    [name.to_snake_case(), name.to_shouty_snake_case()]
        .iter()
        .all(|ident| syn::parse_str::<syn::Ident>(ident).is_ok())
}

/// Every security scheme has a name the generated code can use.
fn check_names(path: &Path, api: &OpenAPI) -> Result<(), Error> {
    let schemes = api
        .components
        .iter()
        .flat_map(|components| components.security_schemes.keys());
    for name in schemes {
        if !is_identifier(name) {
            return Err(invalid(
                path,
                render(&["components", "securitySchemes", name]),
                format!(
                    "the scheme name `{name}` cannot name generated code (a constant and a \
                     constructor); start it with a letter and use letters, digits and `_`"
                ),
            ));
        }
    }
    Ok(())
}

/// The first server's URL uses only the variables it declares, each named so that the
/// generated `base_url` can take it as an argument.
fn check_servers(path: &Path, api: &OpenAPI) -> Result<(), Error> {
    let Some(server) = api.servers.first() else {
        return Ok(());
    };
    let declared = server.variables.as_ref();
    // Every declared variable names an argument of `base_url`, used in the URL or not.
    for name in declared.into_iter().flat_map(|variables| variables.keys()) {
        if !is_identifier(name) {
            return Err(invalid(
                path,
                render(&["servers", "0", "variables", name]),
                format!(
                    "the variable name `{}` cannot name an argument of `base_url`",
                    pointer::escape_text(name)
                ),
            ));
        }
    }
    let mut rest = server.url.as_str();
    while let Some(start) = rest.find('{') {
        let Some(end) = rest[start..].find('}') else {
            return Err(invalid(
                path,
                "#/servers/0/url",
                "a `{` opens a server variable that no `}` closes",
            ));
        };
        let name = &rest[start + 1..start + end];
        if !declared.is_some_and(|variables| variables.contains_key(name)) {
            return Err(invalid(
                path,
                "#/servers/0/url",
                format!("the URL uses `{{{name}}}`, which `servers.0.variables` does not declare"),
            ));
        }
        if !is_identifier(name) {
            return Err(invalid(
                path,
                render(&["servers", "0", "variables", name]),
                format!("the variable name `{name}` cannot name an argument of `base_url`"),
            ));
        }
        rest = &rest[start + end + 1..];
    }
    Ok(())
}

use pointer::key_text;

/// Follows a local JSON pointer such as `#/components/schemas/Accesskey`.
fn resolve<'a>(root: &'a Value, reference: &str) -> Option<&'a Value> {
    reference.strip_prefix('#')?;
    pointer::find(root, &pointer::parse(reference))
}

/// Finds the innermost part of the document that is not shaped as OpenAPI says.
///
/// openapiv3's own deserializers (flattened maps, untagged references) hide the path of an
/// error below `paths` or `components`, so each part is tried on its own.
fn locate_shape_error(tree: &Value) -> Option<(String, String)> {
    use openapiv3::{Operation, Parameter, RequestBody, Response, Schema, SecurityScheme};

    fn attempt<T: serde::de::DeserializeOwned>(
        place: String,
        value: &Value,
    ) -> Option<(String, String)> {
        serde_path_to_error::deserialize::<_, T>(value.clone())
            .err()
            .map(|e| {
                let inner = e.path().to_string();
                let place = if inner == "." {
                    place
                } else {
                    let inner: Vec<&str> = inner.split('.').collect();
                    format!("{place}{}", &render(&inner)[1..])
                };
                (place, e.inner().to_string())
            })
    }
    fn entries(value: Option<&Value>) -> Vec<(String, &Value)> {
        value
            .and_then(Value::as_mapping)
            .map(|map| map.iter().map(|(k, v)| (key_text(k), v)).collect())
            .unwrap_or_default()
    }

    let mut found = None;
    for (path, item) in entries(tree.get("paths")) {
        for (method, operation) in entries(Some(item)) {
            if !super::shape::METHODS.contains(&method.as_str()) {
                continue;
            }
            let place = render(&["paths", &path, &method]);
            for (status, response) in entries(operation.get("responses")) {
                found = found.or_else(|| {
                    attempt::<ReferenceOr<Response>>(
                        render(&["paths", &path, &method, "responses", &status]),
                        response,
                    )
                });
            }
            if let Some(body) = operation.get("requestBody") {
                found = found.or_else(|| {
                    attempt::<ReferenceOr<RequestBody>>(pointer::child(&place, "requestBody"), body)
                });
            }
            found = found.or_else(|| attempt::<Operation>(place, operation));
        }
    }
    let components = tree.get("components");
    let part = |name: &str| entries(components.and_then(|c| c.get(name)));
    for (name, value) in part("schemas") {
        found = found.or_else(|| {
            attempt::<ReferenceOr<Schema>>(render(&["components", "schemas", &name]), value)
        });
    }
    for (name, value) in part("responses") {
        found = found.or_else(|| {
            attempt::<ReferenceOr<Response>>(render(&["components", "responses", &name]), value)
        });
    }
    for (name, value) in part("parameters") {
        found = found.or_else(|| {
            attempt::<ReferenceOr<Parameter>>(render(&["components", "parameters", &name]), value)
        });
    }
    for (name, value) in part("securitySchemes") {
        found = found.or_else(|| {
            attempt::<ReferenceOr<SecurityScheme>>(
                render(&["components", "securitySchemes", &name]),
                value,
            )
        });
    }
    found
}

/// No header parameter of `op` (at `place`) is an array.
fn check_header_parameters(
    path: &Path,
    api: &OpenAPI,
    op: &crate::openapi::Op,
    place: &str,
) -> Result<(), Error> {
    for (key, parameter) in crate::openapi::parameters(api, op) {
        let openapiv3::Parameter::Header { parameter_data, .. } = parameter else {
            continue;
        };
        let openapiv3::ParameterSchemaOrContent::Schema(schema) = &parameter_data.format else {
            continue;
        };
        let array = crate::openapi::resolve_schema(api, schema).is_some_and(|schema| {
            matches!(
                schema.schema_kind,
                openapiv3::SchemaKind::Type(openapiv3::Type::Array(_))
            )
        });
        if array {
            return Err(invalid(
                path,
                pointer::child(&pointer::child(place, "parameters"), &key),
                "a header parameter that is an array: progenitor 0.15 writes a client that does \
                 not compile for it (it formats the list with `Display`); declare it \
                 `type: string` holding the comma-separated values",
            ));
        }
    }
    Ok(())
}

/// Every operation has a unique `operationId`, and a method name (as progenitor derives it)
/// of its own, and every security requirement names a declared scheme.
fn check_operations(path: &Path, api: &OpenAPI) -> Result<(), Error> {
    let declared: BTreeSet<&str> = api
        .components
        .iter()
        .flat_map(|components| components.security_schemes.keys())
        .map(String::as_str)
        .collect();
    let check_security = |place: String, security: &[openapiv3::SecurityRequirement]| {
        for requirement in security {
            for name in requirement.keys() {
                if !declared.contains(name.as_str()) {
                    return Err(invalid(
                        path,
                        pointer::child(&place, "security"),
                        format!(
                            "security scheme `{name}` is not declared in components.securitySchemes"
                        ),
                    ));
                }
            }
        }
        Ok(())
    };
    check_security("#".into(), api.security.as_deref().unwrap_or_default())?;

    let mut seen = BTreeSet::new();
    let mut methods = std::collections::BTreeMap::new();
    for (at, item) in &api.paths.paths {
        let ReferenceOr::Item(item) = item else {
            return Err(invalid(
                path,
                render(&["paths", at]),
                "a path item given by `$ref` is not supported",
            ));
        };
        for op in path_operations(at, item) {
            let place = render(&["paths", op.path, op.method]);
            let Some(id) = &op.operation.operation_id else {
                return Err(invalid(path, place, "the operation has no `operationId`"));
            };
            if !seen.insert(id.clone()) {
                return Err(invalid(
                    path,
                    pointer::child(&place, "operationId"),
                    format!("`{id}` is the operationId of another operation too"),
                ));
            }
            let method = names::method_name(id);
            if let Some(other) = methods.insert(method.clone(), id.clone()) {
                return Err(invalid(
                    path,
                    pointer::child(&place, "operationId"),
                    format!(
                        "`{id}` and `{other}` both become the method `{method}` (and the \
                         credential layer's key); rename one"
                    ),
                ));
            }
            check_header_parameters(path, api, &op, &place)?;
            check_security(place, op.operation.security.as_deref().unwrap_or_default())?;
        }
    }
    Ok(())
}
