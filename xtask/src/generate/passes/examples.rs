//! A compiled example for every operation: the ```` ```ignore ```` block progenitor writes in the
//! doc of each `Client` method (which names variables it never defines) becomes a ```` ```no_run ````
//! doctest that calls the operation with values taken from the spec: each path parameter,
//! each query parameter that has an `example`, and a body built through `body_map` with every
//! required field and every optional text field of the body's `example`.

use heck::{ToSnakeCase, ToUpperCamelCase};
use openapiv3::{OpenAPI, Parameter, ReferenceOr, Schema, SchemaKind, Type};
use serde_json::Value;

use super::Context;
use crate::Error;
use crate::openapi::{Op, operations, parameters, resolve_body, resolve_schema};

/// Replaces the example in the doc of every operation method of `file`.
pub(crate) fn with_examples(file: &mut syn::File, cx: &Context) -> Result<(), Error> {
    let operations = methods(cx.api);
    let mut written = 0;
    for item in &mut file.items {
        let syn::Item::Impl(block) = item else {
            continue;
        };
        if block.trait_.is_some()
            || !matches!(block.self_ty.as_ref(), syn::Type::Path(path) if path.path.is_ident("Client"))
        {
            continue;
        }
        for item in &mut block.items {
            let syn::ImplItem::Fn(function) = item else {
                continue;
            };
            let name = function.sig.ident.to_string();
            let Some((_, operation)) = operations.iter().find(|(id, _)| *id == name) else {
                continue;
            };
            let example = example(cx, &name, operation)?;
            for attr in &mut function.attrs {
                let syn::Meta::NameValue(meta) = &mut attr.meta else {
                    continue;
                };
                let syn::Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Str(doc),
                    ..
                }) = &mut meta.value
                else {
                    continue;
                };
                let text = doc.value();
                let Some(start) = text.find("```ignore") else {
                    continue;
                };
                let end = text[start + 3..]
                    .find("```")
                    .map(|end| start + 3 + end + 3)
                    .ok_or_else(|| {
                        cx.failed(format!("`{name}`: an unclosed example in its doc"))
                    })?;
                let text = format!("{}{example}{}", &text[..start], &text[end..]);
                *doc = syn::LitStr::new(&text, doc.span());
                written += 1;
            }
        }
    }
    if written != operations.len() {
        return Err(cx.failed(format!(
            "progenitor no longer writes one ```ignore example per operation (found {written} for \
             {} operations); update xtask/src/generate/passes/examples.rs to the new shape",
            operations.len()
        )));
    }
    Ok(())
}

/// Each operation by the name of its method.
fn methods(api: &OpenAPI) -> Vec<(String, Op<'_>)> {
    operations(api)
        .into_iter()
        .filter_map(|(_, op)| Some((op.operation.operation_id.as_ref()?.to_snake_case(), op)))
        .collect()
}

/// The doctest of one operation.
fn example(cx: &Context, name: &str, op: &Op<'_>) -> Result<String, Error> {
    let (api, krate) = (cx.api, cx.krate);
    let operation = op.operation;
    let krate = krate.replace('-', "_");
    let mut lines = vec![
        "```no_run".to_string(),
        format!(
            "# async fn example(client: &{krate}::Client) -> Result<(), Box<dyn std::error::Error>> {{"
        ),
        "let answer = client".to_string(),
        format!("    .{name}()"),
    ];
    for (_, parameter) in parameters(api, op) {
        let data = parameter.parameter_data_ref();
        let openapiv3::ParameterSchemaOrContent::Schema(schema) = &data.format else {
            continue;
        };
        let schema =
            resolve_schema(api, schema).ok_or_else(|| cx.failed("unresolved parameter schema"))?;
        let example = data
            .example
            .clone()
            .or_else(|| schema.schema_data.example.clone());
        let required = matches!(parameter, Parameter::Path { .. }) || data.required;
        if !required && example.is_none() {
            continue;
        }
        let value = literal(api, schema, example.as_ref()).ok_or_else(|| {
            cx.failed(format!(
                "`{name}`: no example value for parameter `{}`",
                data.name
            ))
        })?;
        lines.push(format!("    .{}({value})", data.name.to_snake_case()));
    }
    if let Some(body) = &operation.request_body {
        let body = resolve_body(api, body)
            .ok_or_else(|| cx.failed(format!("`{name}`: unresolved request body")))?;
        let schema = body
            .content
            .values()
            .next()
            .and_then(|media| media.schema.as_ref())
            .and_then(|schema| resolve_schema(api, schema))
            .ok_or_else(|| cx.failed(format!("`{name}`: a request body without a schema")))?;
        let calls = fields(cx, name, schema)?;
        if calls.iter().map(String::len).sum::<usize>() <= 60 {
            lines.push(format!("    .body_map(|body| body{})", calls.concat()));
        } else {
            lines.push("    .body_map(|body| {".into());
            lines.push("        body".into());
            lines.extend(calls.iter().map(|call| format!("            {call}")));
            lines.push("    })".into());
        }
    }
    lines.extend([
        "    .send()".to_string(),
        "    .await?".to_string(),
        "    .into_inner();".to_string(),
        "println!(\"{answer:?}\");".to_string(),
        "# Ok(())".to_string(),
        "# }".to_string(),
        "```".to_string(),
    ]);
    Ok(lines
        .join("\n")
        .replace("types::", &format!("{krate}::types::")))
}

/// The builder calls that set a body's required fields and the optional text fields of its
/// example.
fn fields(cx: &Context, name: &str, schema: &Schema) -> Result<Vec<String>, Error> {
    let api = cx.api;
    let SchemaKind::Type(Type::Object(object)) = &schema.schema_kind else {
        return Err(cx.failed(format!("`{name}`: a request body that is not an object")));
    };
    let mut calls = Vec::new();
    for (field, property) in &object.properties {
        let property = resolve_schema(api, property)
            .ok_or_else(|| cx.failed(format!("`{name}`: unresolved property schema")))?;
        let example = schema
            .schema_data
            .example
            .as_ref()
            .and_then(|example| example.get(field))
            .or(property.schema_data.example.as_ref());
        let required = object.required.contains(field);
        let value = if required {
            literal(api, property, example)
        } else if is_array(property) {
            example.and_then(|example| literal(api, property, Some(example)))
        } else if is_plain_string(property) {
            example
                .and_then(Value::as_str)
                .map(|text| format!("Some({text:?}.to_string())"))
        } else {
            None
        };
        match value {
            Some(value) => calls.push(format!(".{}({value})", field.to_snake_case())),
            None if required => {
                return Err(cx.failed(format!("`{name}`: no example value for field `{field}`")));
            }
            None => {}
        }
    }
    Ok(calls)
}

/// A Rust expression for `example` (or a value of the schema's kind), that converts into the
/// field's type through the builder's `TryInto`.
fn literal(api: &OpenAPI, schema: &Schema, example: Option<&Value>) -> Option<String> {
    match &schema.schema_kind {
        SchemaKind::Type(Type::String(string)) => {
            let text = example
                .and_then(Value::as_str)
                .map(str::to_string)
                .or_else(|| string.enumeration.iter().flatten().next().cloned())
                .unwrap_or_else(|| match &string.format {
                    openapiv3::VariantOrUnknownOrEmpty::Unknown(format) if format == "uuid" => {
                        "2f1f4d8e-3c1a-4b7e-9a51-6c0f2a9d7e11".into()
                    }
                    _ => "example".into(),
                });
            Some(format!("{text:?}"))
        }
        SchemaKind::Type(Type::Integer(integer)) => Some(
            example
                .and_then(Value::as_i64)
                .or(integer.minimum)
                .unwrap_or(1)
                .to_string(),
        ),
        SchemaKind::Type(Type::Boolean(_)) => {
            Some(example.and_then(Value::as_bool).unwrap_or(true).to_string())
        }
        SchemaKind::Type(Type::Array(array)) => {
            let items = array.items.as_ref()?;
            let enum_type = match items {
                ReferenceOr::Reference { reference } => reference.rsplit('/').next(),
                ReferenceOr::Item(_) => None,
            };
            let item = resolve_schema(api, items)?;
            let values: Vec<Value> = match example.and_then(Value::as_array) {
                Some(values) => values.clone(),
                None => vec![Value::Null],
            };
            let items: Option<Vec<String>> = values
                .iter()
                .map(|value| match (enum_type, &item.schema_kind) {
                    (Some(name), SchemaKind::Type(Type::String(string)))
                        if !string.enumeration.is_empty() =>
                    {
                        let text = value
                            .as_str()
                            .map(str::to_string)
                            .or_else(|| string.enumeration.iter().flatten().next().cloned())?;
                        Some(format!("types::{name}::{}", text.to_upper_camel_case()))
                    }
                    _ => literal(api, item, Some(value)).map(|text| match item.schema_kind {
                        SchemaKind::Type(Type::String(_)) => format!("{text}.to_string()"),
                        _ => text,
                    }),
                })
                .collect();
            Some(format!("vec![{}]", items?.join(", ")))
        }
        _ => None,
    }
}

fn is_array(schema: &Schema) -> bool {
    matches!(schema.schema_kind, SchemaKind::Type(Type::Array(_)))
}

/// A string without format, enum or constraint: an `Option<String>` field when optional.
fn is_plain_string(schema: &Schema) -> bool {
    matches!(&schema.schema_kind, SchemaKind::Type(Type::String(string))
        if string.enumeration.is_empty()
            && matches!(string.format, openapiv3::VariantOrUnknownOrEmpty::Empty)
            && string.min_length.is_none()
            && string.max_length.is_none()
            && string.pattern.is_none())
}
