//! Rewrites the parts of a faithful spec that progenitor 0.15 cannot generate, without changing
//! what goes over the wire.
//!
//! progenitor panics when an operation's error responses have more than one body type
//! (upstream issues #344 and #950). Here such an operation gets one error type:
//! - distinct JSON schemas become one `oneOf` union, `<OperationId>Error`, in the order the
//!   statuses are listed, so each status decodes to the variant of its own schema;
//! - error statuses without a body, beside ones with JSON, are left out, so they surface as
//!   `Error::UnexpectedResponse` with their status instead of failing to decode.

use heck::ToUpperCamelCase;
use openapiv3::{
    OpenAPI, Operation, ReferenceOr, Response, Schema, SchemaData, SchemaKind, StatusCode,
};

use crate::openapi::{operations, operations_mut, resolve_response};

const JSON: &str = "application/json";

/// Normalizes every operation of `api`; answers one line per change, for the report.
pub(crate) fn error_responses(api: &mut OpenAPI) -> Vec<String> {
    // Planned on the document as it is, then applied to each operation in the same order.
    let planned: Vec<Option<Change>> = operations(api)
        .iter()
        .map(|(_, op)| normalize_operation(api, op.operation))
        .collect();
    let mut unions = Vec::new();
    let mut notes = Vec::new();
    for (operation, change) in operations_mut(api).into_iter().zip(planned) {
        let Some(change) = change else {
            continue;
        };
        for status in &change.removed {
            operation.responses.responses.shift_remove(status);
        }
        for (status, response) in change.replaced {
            operation
                .responses
                .responses
                .insert(status, ReferenceOr::Item(response));
        }
        unions.extend(change.union);
        notes.push(change.note);
    }
    let components = api.components.get_or_insert_with(Default::default);
    for (name, schema) in unions {
        components.schemas.insert(name, ReferenceOr::Item(schema));
    }
    notes
}

/// What normalizing one operation does.
struct Change {
    /// The error statuses without a body, removed from the operation.
    removed: Vec<StatusCode>,
    /// The error answers whose body becomes the union, in the order listed.
    replaced: Vec<(StatusCode, Response)>,
    /// The union schema to add to `components.schemas`, by name.
    union: Option<(String, Schema)>,
    /// One line for the report.
    note: String,
}

fn is_error(status: &StatusCode) -> bool {
    match status {
        StatusCode::Code(code) => *code >= 400,
        StatusCode::Range(range) => *range >= 4,
    }
}

fn json_schema(response: &Response) -> Option<&ReferenceOr<Schema>> {
    response
        .content
        .get(JSON)
        .and_then(|media| media.schema.as_ref())
}

/// What normalizing `operation` of `api` does, or `None` when it needs nothing.
fn normalize_operation(api: &OpenAPI, operation: &Operation) -> Option<Change> {
    let id = operation.operation_id.clone().unwrap_or_default();
    let resolve = |response: &ReferenceOr<Response>| -> Response {
        resolve_response(api, response)
            .cloned()
            .unwrap_or_else(|| Response {
                description: String::new(),
                ..Default::default()
            })
    };
    let errors: Vec<(StatusCode, Response)> = operation
        .responses
        .responses
        .iter()
        .filter(|(status, _)| is_error(status))
        .map(|(status, response)| (status.clone(), resolve(response)))
        .collect();

    let mut schemas: Vec<ReferenceOr<Schema>> = Vec::new();
    for (_, response) in &errors {
        if let Some(schema) = json_schema(response)
            && !schemas.contains(schema)
        {
            schemas.push(schema.clone());
        }
    }
    let empty: Vec<StatusCode> = errors
        .iter()
        .filter(|(_, response)| json_schema(response).is_none())
        .map(|(status, _)| status.clone())
        .collect();
    if schemas.is_empty() || (schemas.len() == 1 && empty.is_empty()) {
        return None;
    }

    let mut notes = Vec::new();
    for status in &empty {
        notes.push(format!(
            "status {status} (no body) is left to Error::UnexpectedResponse"
        ));
    }
    let mut union = None;
    let mut replaced = Vec::new();
    if schemas.len() > 1 {
        let name = format!("{}Error", id.to_upper_camel_case());
        let reference = format!("#/components/schemas/{name}");
        for (status, response) in errors
            .into_iter()
            .filter(|(status, _)| !empty.contains(status))
        {
            let mut response = response;
            if let Some(media) = response.content.get_mut(JSON) {
                media.schema = Some(ReferenceOr::Reference {
                    reference: reference.clone(),
                });
            }
            replaced.push((status, response));
        }
        let variants: Vec<String> = schemas.iter().map(schema_label).collect();
        let schema = Schema {
            schema_data: SchemaData {
                description: Some(format!(
                    "Any error body of `{id}`: one of {}, told apart by their shape.",
                    variants.join(", ")
                )),
                ..Default::default()
            },
            schema_kind: SchemaKind::OneOf { one_of: schemas },
        };
        notes.push(format!(
            "error bodies {} become the union {name}",
            variants.join(" | ")
        ));
        union = Some((name, schema));
    }
    Some(Change {
        removed: empty,
        replaced,
        union,
        note: format!("{id}: {}", notes.join("; ")),
    })
}

fn schema_label(schema: &ReferenceOr<Schema>) -> String {
    match schema {
        ReferenceOr::Reference { reference } => reference
            .rsplit('/')
            .next()
            .unwrap_or(reference)
            .to_string(),
        ReferenceOr::Item(_) => "an inline schema".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An operation with a JSON 400, a differently shaped JSON 422 and a bodiless 401.
    const SPEC: &str = r##"
openapi: 3.0.3
info: { title: t, version: "1" }
paths:
  /things:
    post:
      operationId: make_thing
      responses:
        "200": { description: ok }
        "400":
          description: bad
          content: { application/json: { schema: { $ref: "#/components/schemas/Plain" } } }
        "401": { description: no body }
        "422":
          $ref: "#/components/responses/Invalid"
components:
  responses:
    Invalid:
      description: invalid
      content: { application/json: { schema: { $ref: "#/components/schemas/Detailed" } } }
  schemas:
    Plain: { type: object, required: [code], properties: { code: { type: integer } } }
    Detailed: { type: object, properties: { code: { type: string } } }
"##;

    #[test]
    fn mixed_error_bodies_become_one_union_and_bodiless_errors_are_left_out() {
        let mut api: OpenAPI = serde_yaml_ng::from_str(SPEC).unwrap();
        let notes = error_responses(&mut api);
        assert_eq!(
            notes,
            [
                "make_thing: status 401 (no body) is left to Error::UnexpectedResponse; \
              error bodies Plain | Detailed become the union MakeThingError"
            ]
        );
        let union = &api.components.as_ref().unwrap().schemas["MakeThingError"];
        let json = serde_json::to_value(union).unwrap();
        assert_eq!(
            json["oneOf"],
            serde_json::json!([
                { "$ref": "#/components/schemas/Plain" },
                { "$ref": "#/components/schemas/Detailed" }
            ])
        );
        let operation = api.paths.paths["/things"]
            .as_item()
            .unwrap()
            .post
            .as_ref()
            .unwrap();
        let statuses: Vec<String> = operation
            .responses
            .responses
            .keys()
            .map(|s| s.to_string())
            .collect();
        assert_eq!(statuses, ["200", "400", "422"]);

        // progenitor, which panics on the original, generates the normalized document.
        let mut generator = progenitor::Generator::default();
        let code = generator.generate_tokens(&api).unwrap().to_string();
        assert!(code.contains("MakeThingError"));
    }

    #[test]
    fn uniform_error_bodies_are_left_alone() {
        let uniform = SPEC
            .replace("        \"401\": { description: no body }\n", "")
            .replace(
                "schema: { $ref: \"#/components/schemas/Detailed\" }",
                "schema: { $ref: \"#/components/schemas/Plain\" }",
            );
        let mut api: OpenAPI = serde_yaml_ng::from_str(&uniform).unwrap();
        let before = serde_json::to_value(&api).unwrap();
        assert!(error_responses(&mut api).is_empty());
        assert_eq!(serde_json::to_value(&api).unwrap(), before);
    }
}
