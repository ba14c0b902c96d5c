//! A large OpenAPI document, built at bench time from one of ours: its paths and the
//! components they use copied under distinct names until it has the operations asked for.

use std::path::Path;

use serde_yaml_ng::{Mapping, Value};

use crate::Error;

/// The kinds of components each copy gets its own of; security schemes are shared, as the
/// operations of one API share them.
const COPIED: [&str; 6] = [
    "schemas",
    "responses",
    "parameters",
    "requestBodies",
    "headers",
    "examples",
];

/// The methods a path item may hold an operation under.
const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// The document `text` (the spec at `path`, one file) grown to at least `operations`
/// operations: copy `n` of each path is `/c<n><path>`, each `operationId` ends in `_c<n>`,
/// each component it refers to ends in `C<n>`. Answers the YAML and its number of operations.
pub(super) fn document(
    path: &Path,
    text: &str,
    operations: usize,
) -> Result<(String, usize), Error> {
    let invalid = |message: &str| {
        Error::invalid(
            path,
            "bench",
            format!("cannot grow the spec into a large document: {message}"),
        )
    };
    let mut doc: Value =
        serde_yaml_ng::from_str(text).map_err(|error| Error::parse(path, error.to_string()))?;
    let paths = doc
        .get("paths")
        .and_then(Value::as_mapping)
        .cloned()
        .ok_or_else(|| invalid("it has no paths"))?;
    let per_copy = paths.values().map(count).sum::<usize>();
    if per_copy == 0 {
        return Err(invalid("it has no operation"));
    }
    let copies = operations.div_ceil(per_copy);
    let components = doc.get("components").cloned().unwrap_or_default();
    let mut grown_components = components.clone();
    let mut grown_paths = Mapping::new();
    for copy in 1..=copies {
        for (key, item) in &paths {
            let key = format!("/c{copy}{}", key.as_str().unwrap_or_default());
            grown_paths.insert(key.into(), renamed(item, copy));
        }
    }
    for kind in COPIED {
        let Some(entries) = components.get(kind).and_then(Value::as_mapping) else {
            continue;
        };
        let mut grown = Mapping::new();
        for copy in 1..=copies {
            for (name, value) in entries {
                let name = format!("{}C{copy}", name.as_str().unwrap_or_default());
                grown.insert(name.into(), renamed(value, copy));
            }
        }
        grown_components[kind] = Value::Mapping(grown);
    }
    doc["paths"] = Value::Mapping(grown_paths);
    if !components.is_null() {
        doc["components"] = grown_components;
    }
    let yaml = serde_yaml_ng::to_string(&doc).map_err(|error| invalid(&error.to_string()))?;
    Ok((yaml, copies * per_copy))
}

/// How many operations the path item `item` holds.
fn count(item: &Value) -> usize {
    METHODS
        .iter()
        .filter(|method| item.get(**method).is_some())
        .count()
}

/// `value` as copy `copy` has it: its `operationId`s and its references to copied components
/// renamed.
fn renamed(value: &Value, copy: usize) -> Value {
    let mut value = value.clone();
    rename(&mut value, copy);
    value
}

fn rename(value: &mut Value, copy: usize) {
    match value {
        Value::Mapping(map) => {
            for (key, value) in map.iter_mut() {
                match (key.as_str(), &mut *value) {
                    (Some("operationId"), Value::String(id)) => id.push_str(&format!("_c{copy}")),
                    (Some("$ref"), Value::String(target)) => {
                        let copied = target.strip_prefix("#/components/").is_some_and(|rest| {
                            COPIED.iter().any(|kind| {
                                rest.strip_prefix(kind).is_some_and(|r| r.starts_with('/'))
                            })
                        });
                        if copied {
                            target.push_str(&format!("C{copy}"));
                        }
                    }
                    _ => rename(value, copy),
                }
            }
        }
        Value::Sequence(items) => items.iter_mut().for_each(|item| rename(item, copy)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    const SPEC: &str = "\
openapi: 3.0.3
info: {title: t, version: '1'}
paths:
  /things/{id}:
    get:
      operationId: thing_get
      parameters: [{$ref: '#/components/parameters/Id'}]
      security: [{Key: []}]
      responses:
        '200':
          description: a thing
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Thing'}
    delete:
      operationId: thing_delete
      responses: {'204': {description: gone}}
components:
  securitySchemes:
    Key: {type: apiKey, in: header, name: key}
  parameters:
    Id: {name: id, in: path, required: true, schema: {type: string}}
  schemas:
    Thing: {type: object, properties: {id: {type: string}}}
";

    #[test]
    fn copies_paths_operations_and_components_under_distinct_names() {
        let (yaml, operations) = super::document(Path::new("t.yaml"), SPEC, 5).unwrap();
        assert_eq!(operations, 6);
        let doc: serde_yaml_ng::Value = serde_yaml_ng::from_str(&yaml).unwrap();
        let paths = doc["paths"].as_mapping().unwrap();
        assert_eq!(paths.len(), 3);
        let third = &doc["paths"]["/c3/things/{id}"];
        assert_eq!(third["get"]["operationId"].as_str(), Some("thing_get_c3"));
        assert_eq!(
            third["get"]["parameters"][0]["$ref"].as_str(),
            Some("#/components/parameters/IdC3")
        );
        let schema = &third["get"]["responses"]["200"]["content"]["application/json"]["schema"];
        assert_eq!(
            schema["$ref"].as_str(),
            Some("#/components/schemas/ThingC3")
        );
        assert_eq!(doc["components"]["schemas"].as_mapping().unwrap().len(), 3);
        assert!(doc["components"]["schemas"]["ThingC1"].is_mapping());
        // Security schemes are shared, and the security requirement still names them.
        assert!(doc["components"]["securitySchemes"]["Key"].is_mapping());
        assert!(doc["components"]["securitySchemes"]["KeyC1"].is_null());
    }

    #[test]
    fn a_spec_without_operations_is_an_error() {
        let spec = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\n";
        let error = super::document(Path::new("t.yaml"), spec, 500).unwrap_err();
        assert!(error.to_string().contains("no operation"), "{error}");
    }
}
