//! Checks what the sandbox answered against the specs: every status must be documented for its
//! operation, and every body must validate (with a real JSON Schema validator) against that
//! status's schema, with no field the schema does not name.

use std::path::Path;

use serde_json::{Map, Value, json};
use telauth_sandbox::Exchange;

/// One provider's spec, as JSON, and the path the spec's server URL puts before its paths.
struct Spec {
    prefix: &'static str,
    server_path: &'static str,
    document: Value,
}

fn load_specs() -> Vec<Spec> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../specs");
    [
        ("/smsbeta", "", "smsbeta.yaml"),
        ("/voipbin", "", "voipbin.yaml"),
        ("/mobivate", "", "mobivate.yaml"),
        ("/signalwire", "/api/laml/2010-04-01", "signalwire.yaml"),
    ]
    .into_iter()
    .map(|(prefix, server_path, file)| {
        let text = std::fs::read_to_string(root.join(file)).expect("the specs are readable");
        let yaml: serde_yaml_ng::Value = serde_yaml_ng::from_str(&text).expect("the specs parse");
        Spec {
            prefix,
            server_path,
            document: serde_json::to_value(yaml).expect("the specs are JSON-compatible"),
        }
    })
    .collect()
}

/// Whether `path` fits the spec's `template` (`{name}` matches one segment).
fn fits(template: &str, path: &str) -> bool {
    let (template, path): (Vec<_>, Vec<_>) =
        (template.split('/').collect(), path.split('/').collect());
    template.len() == path.len()
        && template
            .iter()
            .zip(&path)
            .all(|(t, p)| t == p || (t.starts_with('{') && t.ends_with('}') && !p.is_empty()))
}

/// Follows a local `$ref`.
fn resolve<'a>(document: &'a Value, node: &'a Value) -> &'a Value {
    match node.get("$ref").and_then(Value::as_str) {
        Some(pointer) => document
            .pointer(pointer.trim_start_matches('#'))
            .map(|target| resolve(document, target))
            .unwrap_or(&Value::Null),
        None => node,
    }
}

/// OpenAPI 3.0 schemas as strict JSON Schema: `nullable: true` becomes a `null` type, and
/// objects with `properties` allow no other field unless they say so.
fn strict(node: &mut Value) {
    match node {
        Value::Object(map) => {
            if map.remove("nullable") == Some(Value::Bool(true))
                && let Some(kind) = map.get("type").cloned()
            {
                map.insert("type".into(), json!([kind, "null"]));
            }
            if map.contains_key("properties") && !map.contains_key("additionalProperties") {
                map.insert("additionalProperties".into(), Value::Bool(false));
            }
            map.values_mut().for_each(strict);
        }
        Value::Array(items) => items.iter_mut().for_each(strict),
        _ => {}
    }
}

/// The problems with `exchanges`, one line each; empty when every answer is what the specs allow.
pub fn violations(exchanges: &[Exchange]) -> Vec<String> {
    let specs = load_specs();
    let mut problems = Vec::new();
    for exchange in exchanges {
        let place = format!(
            "{} {} -> {}",
            exchange.method, exchange.path, exchange.status
        );
        let found = specs.iter().find_map(|spec| {
            let rest = exchange
                .path
                .strip_prefix(spec.prefix)?
                .strip_prefix(spec.server_path)?;
            let paths = spec.document.get("paths")?.as_object()?;
            let (_, item) = paths.iter().find(|(template, _)| fits(template, rest))?;
            Some((spec, item.get(exchange.method.to_lowercase())))
        });
        let Some((spec, Some(operation))) = found else {
            problems.push(format!(
                "{place}: no operation of the specs has this method and path"
            ));
            continue;
        };
        let Some(response) = operation
            .pointer(&format!("/responses/{}", exchange.status))
            .map(|response| resolve(&spec.document, response))
        else {
            problems.push(format!("{place}: the spec does not document this status"));
            continue;
        };
        match (
            response.pointer("/content/application~1json/schema"),
            &exchange.body,
        ) {
            (None, None) => {}
            (None, Some(body)) => problems.push(format!(
                "{place}: documented without a body, answered {body}"
            )),
            (Some(_), None) => problems.push(format!(
                "{place}: documented with a JSON body, answered none"
            )),
            (Some(schema), Some(body)) => {
                let mut document = Map::new();
                document.insert("components".into(), spec.document["components"].clone());
                if let Value::Object(schema) = schema {
                    document.extend(schema.clone());
                }
                let mut document = Value::Object(document);
                strict(&mut document);
                match jsonschema::options()
                    .should_validate_formats(true)
                    .build(&document)
                {
                    Ok(validator) => {
                        problems.extend(validator.iter_errors(body).map(|error| {
                            format!("{place}: {error} at `{}`", error.instance_path())
                        }))
                    }
                    Err(error) => problems.push(format!(
                        "{place}: the spec's schema does not compile: {error}"
                    )),
                }
            }
        }
    }
    problems
}

/// The `(method, path template)` of every operation in the specs that no exchange answered with
/// a 2xx status: what a contract run has not yet exercised.
pub fn unexercised(exchanges: &[Exchange]) -> Vec<String> {
    let mut missing = Vec::new();
    for spec in load_specs() {
        let Some(paths) = spec.document.get("paths").and_then(Value::as_object) else {
            continue;
        };
        for (template, item) in paths {
            for method in ["get", "put", "post", "delete", "patch"] {
                if item.get(method).is_none() {
                    continue;
                }
                let exercised = exchanges.iter().any(|exchange| {
                    exchange.method.eq_ignore_ascii_case(method)
                        && (200..300).contains(&exchange.status)
                        && exchange
                            .path
                            .strip_prefix(spec.prefix)
                            .and_then(|rest| rest.strip_prefix(spec.server_path))
                            .is_some_and(|rest| fits(template, rest))
                });
                if !exercised {
                    missing.push(format!(
                        "{} {}{template}",
                        method.to_uppercase(),
                        spec.prefix
                    ));
                }
            }
        }
    }
    missing
}
