//! OpenAPI 3.1 read as the 3.0 that progenitor and openapiv3 take: each change a rule, each
//! rule applied by position ([`shape`](super::shape)) and reported once with how often it
//! applied. A 3.0 document is left as it is.

use std::collections::BTreeMap;
use std::path::Path;

use serde_yaml_ng::{Mapping, Value};

use super::pointer;
use super::shape::{self, Kind};
use crate::Error;

/// Rewrites the 3.1 document `tree` as 3.0, in place; returns one note per rule applied.
/// A 3.0 document gets no change and no note.
pub fn to_30(path: &Path, tree: &mut Value) -> Result<Vec<String>, Error> {
    let version = tree
        .get("openapi")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    if !version.starts_with("3.1.") {
        return Ok(Vec::new());
    }
    let mut counts: BTreeMap<&'static str, (usize, String)> = BTreeMap::new();
    let mut note = |rule: &'static str, place: &[String]| {
        let entry = counts
            .entry(rule)
            .or_insert_with(|| (0, pointer::render(place)));
        entry.0 += 1;
    };
    let Value::Mapping(root) = tree else {
        return Err(Error::invalid(path, "#", "the document is not a map"));
    };
    root.insert(Value::from("openapi"), Value::from("3.0.3"));
    for key in ["webhooks", "jsonSchemaDialect"] {
        if root.remove(key).is_some() {
            note(
                "top-level `webhooks` and `jsonSchemaDialect` set aside (3.0 has neither)",
                &[key.to_string()],
            );
        }
    }
    if let Some(Value::Mapping(info)) = root.get_mut("info") {
        if info.remove("summary").is_some() {
            note(
                "`info.summary` set aside",
                &["info".into(), "summary".into()],
            );
        }
        if let Some(Value::Mapping(license)) = info.get_mut("license")
            && license.remove("identifier").is_some()
        {
            note(
                "`info.license.identifier` set aside",
                &["info".into(), "license".into()],
            );
        }
    }
    if let Some(Value::Mapping(components)) = root.get_mut("components")
        && components.remove("pathItems").is_some()
    {
        note(
            "`components.pathItems` set aside (3.0 has none; a path given by `$ref` to one is refused)",
            &["components".into(), "pathItems".into()],
        );
    }
    shape::visit(tree, &mut |kind, map, place| {
        if kind == Kind::Schema {
            schema(map, place, &mut note);
        }
    });
    let mut notes = vec![format!("read OpenAPI {version} as 3.0.3:")];
    notes.extend(
        counts
            .into_iter()
            .map(|(rule, (count, first))| format!("  {rule}: {count}× (first at {first})")),
    );
    Ok(notes)
}

/// Rewrites one schema.
fn schema(map: &mut Mapping, place: &[String], note: &mut impl FnMut(&'static str, &[String])) {
    type_list(map, place, note);
    null_members(map, place, note);
    if let Some(value) = map.remove("const") {
        map.insert(Value::from("enum"), Value::Sequence(vec![value]));
        note("`const` read as a one-value `enum`", place);
    }
    if let Some(Value::Sequence(examples)) = map.get("examples").cloned() {
        map.remove("examples");
        if let Some(first) = examples.into_iter().next()
            && !map.contains_key("example")
        {
            map.insert(Value::from("example"), first);
        }
        note(
            "a schema's `examples` list read as its first `example`",
            place,
        );
    }
    bounds_and_content(map, place, note);
    for key in JSON_SCHEMA_ONLY {
        if map.remove(key).is_some() {
            note(
                "JSON Schema keywords 3.0 lacks (`$defs`, `prefixItems`, `if`, ...) set aside",
                place,
            );
        }
    }
}

/// The JSON Schema keywords of 3.1 that 3.0 lacks, set aside.
const JSON_SCHEMA_ONLY: [&str; 18] = [
    "$schema",
    "$id",
    "$anchor",
    "$comment",
    "$defs",
    "prefixItems",
    "patternProperties",
    "dependentSchemas",
    "dependentRequired",
    "propertyNames",
    "unevaluatedProperties",
    "unevaluatedItems",
    "if",
    "then",
    "else",
    "contains",
    "minContains",
    "maxContains",
];

/// `type: [T, "null"]` → `type: T, nullable: true`; more than one other type → any type;
/// `type: null` → a nullable schema whose only value is null.
fn type_list(map: &mut Mapping, place: &[String], note: &mut impl FnMut(&'static str, &[String])) {
    if let Some(Value::Sequence(types)) = map.get("type").cloned() {
        let null = types.iter().any(|t| t.as_str() == Some("null"));
        let others: Vec<Value> = types
            .into_iter()
            .filter(|t| t.as_str() != Some("null"))
            .collect();
        match others.as_slice() {
            [one] => {
                map.insert(Value::from("type"), one.clone());
                note(
                    "a list of types with `null` read as the type and `nullable: true`",
                    place,
                );
            }
            _ => {
                map.remove("type");
                note("a list of several types read as any type", place);
            }
        }
        if null {
            map.insert(Value::from("nullable"), Value::from(true));
        }
    } else if map.get("type").and_then(Value::as_str) == Some("null") {
        map.remove("type");
        map.insert(Value::from("nullable"), Value::from(true));
        map.insert(Value::from("enum"), Value::Sequence(vec![Value::Null]));
        note(
            "`type: null` read as a nullable schema whose only value is null",
            place,
        );
    }
}

/// `anyOf`/`oneOf` with a `{type: null}` member → the others, `nullable: true`.
fn null_members(
    map: &mut Mapping,
    place: &[String],
    note: &mut impl FnMut(&'static str, &[String]),
) {
    let is_null = |m: &Value| {
        m.get("type").and_then(Value::as_str) == Some("null")
            || m.get("type")
                .and_then(Value::as_sequence)
                .is_some_and(|t| t.len() == 1 && t[0].as_str() == Some("null"))
    };
    for key in ["anyOf", "oneOf"] {
        let Some(Value::Sequence(members)) = map.get(key).cloned() else {
            continue;
        };
        if !members.iter().any(is_null) {
            continue;
        }
        let rest: Vec<Value> = members.into_iter().filter(|m| !is_null(m)).collect();
        map.insert(Value::from("nullable"), Value::from(true));
        if rest.len() == 1 {
            map.remove(key);
            map.insert(Value::from("allOf"), Value::Sequence(rest));
        } else {
            map.insert(Value::from(key), Value::Sequence(rest));
        }
        note(
            "a `null` member of `anyOf`/`oneOf` read as `nullable: true`",
            place,
        );
    }
}

/// Numeric exclusive bounds → a bound and `exclusive…: true`; `contentMediaType` and
/// `contentEncoding` → `format: binary`.
fn bounds_and_content(
    map: &mut Mapping,
    place: &[String],
    note: &mut impl FnMut(&'static str, &[String]),
) {
    for (exclusive, bound) in [
        ("exclusiveMinimum", "minimum"),
        ("exclusiveMaximum", "maximum"),
    ] {
        if let Some(value @ Value::Number(_)) = map.get(exclusive).cloned() {
            map.insert(Value::from(bound), value);
            map.insert(Value::from(exclusive), Value::from(true));
            note(
                "a numeric exclusive bound read as a bound and `exclusive…: true`",
                place,
            );
        }
    }
    for key in ["contentMediaType", "contentEncoding"] {
        if map.remove(key).is_some() {
            if map.get("type").and_then(Value::as_str) == Some("string")
                && !map.contains_key("format")
            {
                map.insert(Value::from("format"), Value::from("binary"));
            }
            note(
                "`contentMediaType`/`contentEncoding` read as `format: binary`",
                place,
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::to_30;

    #[test]
    fn a_31_schema_reads_as_30() {
        let mut tree: serde_yaml_ng::Value = serde_yaml_ng::from_str(
            "openapi: 3.1.0\ncomponents:\n  schemas:\n    A:\n      type: [string, 'null']\n      const: x\n      examples: [x, y]\n    B:\n      anyOf: [{$ref: '#/components/schemas/A'}, {type: 'null'}]\n    C:\n      type: integer\n      exclusiveMinimum: 0\n",
        )
        .unwrap();
        let notes = to_30(Path::new("x.yaml"), &mut tree).unwrap();
        let expected: serde_yaml_ng::Value = serde_yaml_ng::from_str(
            "openapi: 3.0.3\ncomponents:\n  schemas:\n    A:\n      type: string\n      nullable: true\n      enum: [x]\n      example: x\n    B:\n      nullable: true\n      allOf: [{$ref: '#/components/schemas/A'}]\n    C:\n      type: integer\n      exclusiveMinimum: true\n      minimum: 0\n",
        )
        .unwrap();
        assert_eq!(tree, expected);
        assert!(notes[0].contains("3.1.0"), "{notes:?}");
        assert!(
            notes.iter().any(|n| n.contains("#/components/schemas/A")),
            "{notes:?}"
        );
    }
}
