//! Parameters whose names collide once progenitor names them (`DateCreated`, `DateCreated<`
//! and `DateCreated>` all become `date_created`), renamed by a stated rule before generation,
//! and their wire names put back after it by the `wire_names` pass, so what goes over the wire
//! is the provider's name.
//!
//! The rule: in each group of an operation's parameters that share a generated name, the first
//! keeps its name; each other takes its name with a trailing `<=`, `>=`, `<` or `>` spelled
//! `OrBefore`, `OrAfter`, `Before` or `After` (`DateCreated<` → `DateCreatedBefore`, builder
//! method `date_created_before`), then `_2`, `_3`, ... while that is still taken. A renamed
//! parameter given by `$ref` is copied into the operation; when any operation of a path item
//! renames, the path item's own parameters are copied into each of its operations.

use std::collections::{BTreeMap, BTreeSet};

use openapiv3::{OpenAPI, Parameter, ReferenceOr};

use crate::openapi::names::field_name;
use crate::openapi::{item_operations_mut, resolve_parameter};

/// A parameter renamed for generation: the name progenitor saw, and the provider's.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Renamed {
    /// The name given for generation, unique in the document.
    pub(crate) generated: String,
    /// The name on the wire.
    pub(crate) wire: String,
}

/// Renames the colliding parameters of `api`; answers one note per operation and the renames.
pub(crate) fn rename_colliding(api: &mut OpenAPI) -> (Vec<String>, Vec<Renamed>) {
    let mut taken: BTreeSet<String> = BTreeSet::new();
    let resolver = api.clone();
    for item in api.paths.paths.values().filter_map(ReferenceOr::as_item) {
        for parameter in item
            .parameters
            .iter()
            .chain(item.iter().flat_map(|(_, op)| &op.parameters))
            .filter_map(|p| resolve_parameter(&resolver, p))
        {
            taken.insert(parameter.parameter_data_ref().name.clone());
        }
    }
    let (mut notes, mut renames) = (Vec::new(), Vec::new());
    for (path, item) in api.paths.paths.iter_mut() {
        let ReferenceOr::Item(item) = item else {
            continue;
        };
        let effective: Vec<(String, Vec<Parameter>)> = item
            .iter()
            .map(|(method, op)| {
                let params = item
                    .parameters
                    .iter()
                    .chain(&op.parameters)
                    .filter_map(|p| resolve_parameter(&resolver, p).cloned())
                    .fold(Vec::<Parameter>::new(), |mut all, p| {
                        let same = |q: &Parameter| {
                            q.parameter_data_ref().name == p.parameter_data_ref().name
                                && std::mem::discriminant(q) == std::mem::discriminant(&p)
                        };
                        all.retain(|q| !same(q));
                        all.push(p);
                        all
                    });
                (method.to_string(), params)
            })
            .collect();
        if !effective.iter().any(|(_, params)| collides(params)) {
            continue;
        }
        // Every operation of this path item holds its parameters itself from here on.
        item.parameters.clear();
        for ((method, mut params), op) in effective.into_iter().zip(item_operations_mut(item)) {
            let mut changed = Vec::new();
            let mut groups: BTreeMap<String, usize> = BTreeMap::new();
            for parameter in &mut params {
                let data = parameter_data_mut(parameter);
                let seen = groups.entry(field_name(&data.name)).or_default();
                *seen += 1;
                if *seen == 1 {
                    continue;
                }
                let wire = data.name.clone();
                let generated = free_name(&wire, &mut taken);
                data.name = generated.clone();
                changed.push(format!("`{wire}` as `{}`", field_name(&generated)));
                renames.push(Renamed { generated, wire });
            }
            op.parameters = params.into_iter().map(ReferenceOr::Item).collect();
            if !changed.is_empty() {
                notes.push(format!(
                    "parameters renamed for generation in {} {path} (the wire keeps their names): {}",
                    method.to_uppercase(),
                    changed.join(", ")
                ));
            }
        }
    }
    (notes, renames)
}

fn collides(params: &[Parameter]) -> bool {
    let mut names = BTreeSet::new();
    params
        .iter()
        .any(|p| !names.insert(field_name(&p.parameter_data_ref().name)))
}

/// `wire` spelled by the rule, made unique in `taken` (and added to it).
fn free_name(wire: &str, taken: &mut BTreeSet<String>) -> String {
    let spelled = [
        ("<=", "OrBefore"),
        (">=", "OrAfter"),
        ("<", "Before"),
        (">", "After"),
    ]
    .iter()
    .find_map(|(suffix, word)| {
        wire.strip_suffix(suffix)
            .map(|stem| format!("{stem}{word}"))
    })
    .unwrap_or_else(|| wire.to_string());
    let fields: BTreeSet<String> = taken.iter().map(|name| field_name(name)).collect();
    let name = std::iter::once(spelled.clone())
        .chain((2..).map(|n| format!("{spelled}_{n}")))
        .find(|name| !taken.contains(name) && !fields.contains(&field_name(name)))
        .unwrap_or(spelled);
    taken.insert(name.clone());
    name
}

fn parameter_data_mut(parameter: &mut Parameter) -> &mut openapiv3::ParameterData {
    match parameter {
        Parameter::Query { parameter_data, .. }
        | Parameter::Header { parameter_data, .. }
        | Parameter::Path { parameter_data, .. }
        | Parameter::Cookie { parameter_data, .. } => parameter_data,
    }
}

#[cfg(test)]
mod tests {
    use super::{Renamed, rename_colliding};

    #[test]
    fn colliding_names_are_renamed_by_the_rule_and_the_wire_names_kept() {
        let mut api: openapiv3::OpenAPI = serde_yaml_ng::from_str(
            r##"
openapi: 3.0.3
info: {title: t, version: '1'}
paths:
  /calls:
    parameters: [{name: To, in: query, schema: {type: string}}]
    get:
      operationId: list
      parameters:
        - {name: DateCreated, in: query, schema: {type: string}}
        - {name: DateCreated<, in: query, schema: {type: string}}
        - {name: DateCreated>, in: query, schema: {type: string}}
        - {$ref: '#/components/parameters/Before'}
      responses: {'200': {description: ok}}
components:
  parameters:
    Before: {name: date_created_before, in: query, schema: {type: string}}
"##,
        )
        .unwrap();
        let (notes, renames) = rename_colliding(&mut api);
        assert_eq!(
            renames,
            [
                Renamed {
                    generated: "DateCreatedBefore_2".into(),
                    wire: "DateCreated<".into()
                },
                Renamed {
                    generated: "DateCreatedAfter".into(),
                    wire: "DateCreated>".into()
                },
            ]
        );
        assert_eq!(notes.len(), 1, "{notes:?}");
        let op = api.paths.paths["/calls"]
            .as_item()
            .unwrap()
            .get
            .as_ref()
            .unwrap();
        let names: Vec<String> = op
            .parameters
            .iter()
            .map(|p| p.as_item().unwrap().parameter_data_ref().name.clone())
            .collect();
        assert_eq!(
            names,
            [
                "To",
                "DateCreated",
                "DateCreatedBefore_2",
                "DateCreatedAfter",
                "date_created_before"
            ]
        );
    }
}
