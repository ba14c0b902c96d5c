//! The one walk over a loaded spec's operations (as `openapiv3` types), their parameters and
//! security, and the resolution of the `$ref`s met on the way; the credential layer, the
//! normalizer, the examples and the checks of a loaded spec all go through it. Comparing two
//! documents is the differ's (`diff`), which reads the same documents as trees.

use openapiv3::{
    OpenAPI, Operation, Parameter, PathItem, ReferenceOr, RequestBody, Response, Schema,
    SecurityRequirement,
};

/// An operation, with where it sits and the parameters of its path item.
pub(crate) struct Op<'a> {
    /// Its path, as the spec writes it.
    pub(crate) path: &'a str,
    /// Its method, in lowercase (`get`, `post`, ...).
    pub(crate) method: &'a str,
    /// `METHOD /path`.
    pub(crate) route: String,
    /// The operation.
    pub(crate) operation: &'a Operation,
    /// Its path item's parameters.
    pub(crate) path_parameters: &'a [ReferenceOr<Parameter>],
}

impl<'a> Op<'a> {
    /// Its `operationId`, or `METHOD path` without one.
    pub(crate) fn id(&self) -> String {
        self.operation
            .operation_id
            .clone()
            .unwrap_or_else(|| self.route.clone())
    }

    /// Its effective security requirements: its own `security`, else the document's.
    pub(crate) fn security(&self, api: &'a OpenAPI) -> &'a [SecurityRequirement] {
        self.operation
            .security
            .as_ref()
            .or(api.security.as_ref())
            .map(Vec::as_slice)
            .unwrap_or_default()
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

/// Every operation, in the spec's order, keyed by its `operationId` (or `METHOD path` without
/// one). A path item given by `$ref` is passed over (a loaded spec has none).
pub(crate) fn operations(api: &OpenAPI) -> Vec<(String, Op<'_>)> {
    api.paths
        .iter()
        .filter_map(|(path, item)| Some((path, item.as_item()?)))
        .flat_map(|(path, item)| path_operations(path, item))
        .map(|op| (op.id(), op))
        .collect()
}

/// The operations of the path item `item` at `path`, in the order of [`PathItem::iter`].
pub(crate) fn path_operations<'a>(
    path: &'a str,
    item: &'a PathItem,
) -> impl Iterator<Item = Op<'a>> + 'a {
    item.iter().map(move |(method, operation)| Op {
        path,
        method,
        route: format!("{} {path}", method.to_uppercase()),
        operation,
        path_parameters: &item.parameters,
    })
}

/// Every operation, mutable, in the order of [`operations`].
pub(crate) fn operations_mut(api: &mut OpenAPI) -> Vec<&mut Operation> {
    api.paths
        .paths
        .values_mut()
        .filter_map(|item| match item {
            ReferenceOr::Item(item) => Some(item),
            ReferenceOr::Reference { .. } => None,
        })
        .flat_map(item_operations_mut)
        .collect()
}

/// The operations of the path item `item`, in the order of [`PathItem::iter`].
pub(crate) fn item_operations_mut(item: &mut PathItem) -> impl Iterator<Item = &mut Operation> {
    [
        &mut item.get,
        &mut item.put,
        &mut item.post,
        &mut item.delete,
        &mut item.options,
        &mut item.head,
        &mut item.patch,
        &mut item.trace,
    ]
    .into_iter()
    .flatten()
}

/// The parameters of `op`, its path item's among them, keyed `name (in)`; an operation's own
/// parameter overrides its path item's of the same name and place.
pub(crate) fn parameters<'a>(api: &'a OpenAPI, op: &Op<'a>) -> Vec<(String, &'a Parameter)> {
    let mut params: Vec<(String, &'a Parameter)> = Vec::new();
    for parameter in op
        .path_parameters
        .iter()
        .chain(&op.operation.parameters)
        .filter_map(|parameter| resolve_parameter(api, parameter))
    {
        let data = parameter.parameter_data_ref();
        let place = match parameter {
            Parameter::Query { .. } => "query",
            Parameter::Header { .. } => "header",
            Parameter::Path { .. } => "path",
            Parameter::Cookie { .. } => "cookie",
        };
        let key = format!("{} ({place})", data.name);
        params.retain(|(other, _)| *other != key);
        params.push((key, parameter));
    }
    params
}

/// The name a `$ref` ends with, such as `Accesskey` for `#/components/schemas/Accesskey`.
fn reference_name<S>(schema: &ReferenceOr<S>) -> Option<String> {
    match schema {
        ReferenceOr::Reference { reference } => reference.rsplit('/').next().map(str::to_string),
        ReferenceOr::Item(_) => None,
    }
}

/// The schema behind `schema`, following component references.
pub(crate) fn resolve_schema<'a, S: AsSchema>(
    api: &'a OpenAPI,
    schema: &'a ReferenceOr<S>,
) -> Option<&'a Schema> {
    match schema {
        ReferenceOr::Item(schema) => Some(schema.as_schema()),
        ReferenceOr::Reference { .. } => component(api, &reference_name(schema)?),
    }
}

/// The component schema `name`, following references between components; `None` for a
/// reference that leads nowhere or, past a few steps, in a circle.
pub(crate) fn component<'a>(api: &'a OpenAPI, name: &str) -> Option<&'a Schema> {
    followed(api, name, 0)
}

fn followed<'a>(api: &'a OpenAPI, name: &str, steps: usize) -> Option<&'a Schema> {
    const MOST_STEPS: usize = 32;
    match api.components.as_ref()?.schemas.get(name)? {
        ReferenceOr::Item(schema) => Some(schema),
        found @ ReferenceOr::Reference { .. } if steps < MOST_STEPS => {
            followed(api, &reference_name(found)?, steps + 1)
        }
        ReferenceOr::Reference { .. } => None,
    }
}

/// The parameter behind `parameter`, following a component reference.
pub(crate) fn resolve_parameter<'a>(
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

/// The request body behind `body`, following a component reference.
pub(crate) fn resolve_body<'a>(
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

/// The response behind `response`, following a component reference.
pub(crate) fn resolve_response<'a>(
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
