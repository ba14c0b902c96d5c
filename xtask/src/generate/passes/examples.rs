//! A compiled example for every operation: the ```` ```ignore ```` block progenitor writes in the
//! doc of each `Client` method (which names variables it never defines) becomes a ```` ```no_run ````
//! doctest that calls the operation with values taken from the spec: each path parameter,
//! each query parameter that has an `example`, and a body built through `body_map` with every
//! required field and every optional text field of the body's `example`.
//!
//! A spec is untrusted input, and an example never blocks generation: every name in an example
//! is one found in progenitor's syntax tree (the builder's methods, the enum's variants), every
//! value a literal of a type known to convert (a string, an integer, a boolean, a list of them);
//! a field without a safe value is left out (the example then fails at run time, never at
//! compile time, and it is `no_run`).

use std::collections::{BTreeMap, BTreeSet};

use openapiv3::{
    OpenAPI, Parameter, ReferenceOr, Schema, SchemaKind, StringFormat, Type,
    VariantOrUnknownOrEmpty,
};
use serde_json::Value;

use super::Context;
use crate::Error;
use crate::openapi::{Op, names, operations, parameters, resolve_body, resolve_schema};

/// What the syntax tree declares, which an example may name: names only, read once, so that
/// the tree is neither cloned nor stringified.
#[derive(Default)]
struct Tree {
    /// The method names of each inherent `impl`, by module path (`builder`, `types::builder`)
    /// and type name.
    methods: BTreeMap<(String, String), BTreeSet<String>>,
    /// The type each request builder's `body_map` closure takes, by builder (in `builder`).
    body_inputs: BTreeMap<String, String>,
    /// The variants of each enum in `types`, with the value each (de)serializes as.
    enums: BTreeMap<String, Vec<(String, String)>>,
}

impl Tree {
    fn index(file: &syn::File) -> Self {
        let mut tree = Tree::default();
        tree.items(&file.items, &mut Vec::new());
        tree
    }

    fn items(&mut self, items: &[syn::Item], path: &mut Vec<String>) {
        for item in items {
            match item {
                syn::Item::Mod(module) => {
                    if let Some((_, items)) = &module.content {
                        path.push(module.ident.to_string());
                        self.items(items, path);
                        path.pop();
                    }
                }
                syn::Item::Impl(block) if block.trait_.is_none() => self.methods(block, path),
                syn::Item::Enum(item) if path.as_slice() == ["types"] => {
                    let variants = item.variants.iter().map(|variant| {
                        let value =
                            rename(&variant.attrs).unwrap_or_else(|| variant.ident.to_string());
                        (variant.ident.to_string(), value)
                    });
                    self.enums
                        .insert(item.ident.to_string(), variants.collect());
                }
                _ => {}
            }
        }
    }

    /// The methods of the inherent `impl` `block` in the module `path`.
    fn methods(&mut self, block: &syn::ItemImpl, path: &[String]) {
        let syn::Type::Path(ty) = block.self_ty.as_ref() else {
            return;
        };
        let Some(name) = ty.path.segments.last() else {
            return;
        };
        let (module, ty) = (path.join("::"), name.ident.to_string());
        for item in &block.items {
            let syn::ImplItem::Fn(function) = item else {
                continue;
            };
            if module == "builder"
                && function.sig.ident == "body_map"
                && !self.has_method(&module, &ty, "body_map")
                && let Some(input) = closure_input(function)
            {
                self.body_inputs.insert(ty.clone(), input);
            }
            self.methods
                .entry((module.clone(), ty.clone()))
                .or_default()
                .insert(function.sig.ident.to_string());
        }
    }

    /// Whether `module::ty` has the method `name`.
    fn has_method(&self, module: &str, ty: &str, name: &str) -> bool {
        self.methods
            .get(&(module.to_string(), ty.to_string()))
            .is_some_and(|methods| methods.contains(name))
    }
}

/// The `rename` of a `#[serde(rename = "..")]` attribute.
fn rename(attrs: &[syn::Attribute]) -> Option<String> {
    attrs
        .iter()
        .filter(|attr| attr.path().is_ident("serde"))
        .find_map(|attr| {
            let mut found = None;
            let _ = attr.parse_nested_meta(|meta| {
                if meta.path.is_ident("rename") {
                    let value: syn::LitStr = meta.value()?.parse()?;
                    found = Some(value.value());
                } else if meta.input.peek(syn::Token![=]) {
                    let _: syn::Expr = meta.value()?.parse()?;
                }
                Ok(())
            });
            found
        })
}

/// The last segment of a type path, as text.
fn last_segment(ty: &syn::Type) -> Option<String> {
    match ty {
        syn::Type::Path(path) => Some(path.path.segments.last()?.ident.to_string()),
        _ => None,
    }
}

/// The examples [`with_examples`] wrote: each operation's method name and its example's code,
/// which [`Written::check`] parses.
#[derive(Debug, Default)]
pub(crate) struct Written(Vec<(String, String)>);

impl Written {
    /// Fails unless every example parses: each is built only of names from the tree and
    /// escaped literals, and parsed to be sure (`generate` does it while the client is
    /// formatted).
    pub(crate) fn check(&self, cx: &Context) -> Result<(), Error> {
        for (name, code) in &self.0 {
            syn::parse_str::<syn::ItemFn>(code).map_err(|error| {
                cx.failed(format!(
                    "`{name}`: the example the xtask wrote does not parse ({error}); this is a \
                     bug in xtask/src/generate/passes/examples.rs"
                ))
            })?;
        }
        Ok(())
    }
}

/// Replaces the example in the doc of every operation method of `file`; answers the examples
/// written, for [`Written::check`].
pub(crate) fn with_examples(file: &mut syn::File, cx: &Context) -> Result<Written, Error> {
    let tree = Tree::index(file);
    let operations = methods(cx.api);
    let mut examples = Written::default();
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
            let builder = match &function.sig.output {
                syn::ReturnType::Type(_, ty) => last_segment(ty),
                syn::ReturnType::Default => None,
            }
            .ok_or_else(|| {
                cx.failed(format!(
                    "`Client::{name}` no longer returns a builder; update \
                     xtask/src/generate/passes/examples.rs to progenitor's new shape"
                ))
            })?;
            let example = Example {
                cx,
                tree: &tree,
                builder: &builder,
            }
            .write(&name, operation)?;
            examples.0.push((name.clone(), code(&example)));
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
    Ok(examples)
}

/// The code of the example `text`, as rustdoc compiles it: without its fences and with its
/// hidden lines shown.
fn code(text: &str) -> String {
    text.lines()
        .filter(|line| !line.starts_with("```"))
        .map(|line| line.strip_prefix("# ").unwrap_or(line))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Each operation by the name of its method, as progenitor derives it.
fn methods(api: &OpenAPI) -> Vec<(String, Op<'_>)> {
    operations(api)
        .into_iter()
        .filter_map(|(_, op)| Some((names::method_name(op.operation.operation_id.as_ref()?), op)))
        .collect()
}

struct Example<'a> {
    cx: &'a Context<'a>,
    tree: &'a Tree,
    /// The request builder's type, in `builder`.
    builder: &'a str,
}

impl Example<'_> {
    /// The doctest of one operation.
    fn write(&self, name: &str, op: &Op<'_>) -> Result<String, Error> {
        let krate = self.cx.lib_name();
        let mut lines = vec![
            "```no_run".to_string(),
            format!(
                "# async fn example(client: &{krate}::Client) -> Result<(), Box<dyn std::error::Error>> {{"
            ),
            "let answer = client".to_string(),
            format!("    .{name}()"),
        ];
        lines.extend(self.parameter_calls(op));
        if let Some(calls) = self.body(op)? {
            lines.extend(body_map_lines(&calls));
        }
        let show = if answers_raw(self.cx.api, op) {
            "let _body = answer;"
        } else {
            "println!(\"{answer:?}\");"
        };
        lines.extend([
            "    .send()".to_string(),
            "    .await?".to_string(),
            "    .into_inner();".to_string(),
            show.to_string(),
            "# Ok(())".to_string(),
            "# }".to_string(),
            "```".to_string(),
        ]);
        Ok(lines
            .join("\n")
            .replace("types::", &format!("{krate}::types::")))
    }

    /// One builder call per parameter of `op` that is required (a path parameter always is)
    /// or has an example, when the builder has its method and a safe value exists.
    fn parameter_calls(&self, op: &Op<'_>) -> Vec<String> {
        let api = self.cx.api;
        let mut calls = Vec::new();
        for (_, parameter) in parameters(api, op) {
            let data = parameter.parameter_data_ref();
            let openapiv3::ParameterSchemaOrContent::Schema(schema) = &data.format else {
                continue;
            };
            let Some(resolved) = resolve_schema(api, schema) else {
                continue;
            };
            let example = data
                .example
                .clone()
                .or_else(|| resolved.schema_data.example.clone());
            let required = matches!(parameter, Parameter::Path { .. }) || data.required;
            if !required && example.is_none() {
                continue;
            }
            let method = names::field_name(&data.name);
            if !self.tree.has_method("builder", self.builder, &method) {
                continue;
            }
            if let Some(value) = self.literal(schema, example.as_ref()) {
                calls.push(format!("    .{method}({value})"));
            }
        }
        calls
    }

    /// The builder calls that set a body's required fields and the optional text fields of its
    /// example, when the request builder has `body_map` and the body is an object.
    fn body(&self, op: &Op<'_>) -> Result<Option<Vec<String>>, Error> {
        let api = self.cx.api;
        let Some(body) = op.operation.request_body.as_ref() else {
            return Ok(None);
        };
        let Some(body_type) = self.tree.body_inputs.get(self.builder) else {
            return Ok(None);
        };
        let Some(schema) = resolve_body(api, body)
            .and_then(|body| body.content.values().next())
            .and_then(|media| media.schema.as_ref())
            .and_then(|schema| resolve_schema(api, schema))
        else {
            return Ok(None);
        };
        let mut properties = Vec::new();
        let mut required = Vec::new();
        collect_properties(api, schema, &mut properties, &mut required, 0);
        let mut calls = Vec::new();
        for (field, property) in properties {
            let method = names::field_name(field);
            if !self.tree.has_method("types::builder", body_type, &method) {
                continue;
            }
            let Some(resolved) = resolve_schema(api, property) else {
                continue;
            };
            let example = schema
                .schema_data
                .example
                .as_ref()
                .and_then(|example| example.get(field))
                .or(resolved.schema_data.example.as_ref());
            let value = if required.contains(&field) {
                self.literal(property, example)
            } else if matches!(resolved.schema_kind, SchemaKind::Type(Type::Array(_))) {
                example.and_then(|example| self.literal(property, Some(example)))
            } else if matches!(property, ReferenceOr::Item(_)) && is_plain_string(resolved) {
                // Inline only: a named string schema is a type of its own.
                // typify gives an optional field with a `default` its plain type.
                let optional = resolved.schema_data.default.is_none();
                example.and_then(Value::as_str).map(|text| match optional {
                    true => format!("Some({text:?}.to_string())"),
                    false => format!("{text:?}.to_string()"),
                })
            } else {
                None
            };
            if let Some(value) = value {
                calls.push(format!(".{method}({value})"));
            }
        }
        Ok(Some(calls))
    }

    /// A Rust expression for `example` (or a placeholder of the schema's kind) that converts
    /// into the field's type through the builder's `TryInto`, when one surely does.
    fn literal(
        &self,
        schema: &ReferenceOr<impl AsSchemaRef>,
        example: Option<&Value>,
    ) -> Option<String> {
        match &schema.resolve(self.cx.api)?.schema_kind {
            SchemaKind::Type(Type::String(string)) => {
                let text = string_literal(string, example)?;
                // A component secret is a newtype of `Secret`, made from one.
                let secret_newtype = matches!(schema, ReferenceOr::Reference { .. })
                    && string.format == VariantOrUnknownOrEmpty::Item(StringFormat::Password);
                Some(if secret_newtype {
                    format!("{}::Secret::from({text})", self.cx.lib_name())
                } else {
                    text
                })
            }
            SchemaKind::Type(Type::Integer(integer)) => {
                let value = example
                    .and_then(Value::as_i64)
                    .or(integer.minimum)
                    .unwrap_or(1);
                Some(if i32::try_from(value).is_ok() {
                    value.to_string()
                } else {
                    format!("{value}_i64")
                })
            }
            SchemaKind::Type(Type::Boolean(_)) => {
                Some(example.and_then(Value::as_bool).unwrap_or(true).to_string())
            }
            SchemaKind::Type(Type::Array(array)) => self.array_literal(array, example),
            _ => None,
        }
    }

    /// A `vec![..]` of the array `example`'s first three items (or of one placeholder), each
    /// an enum's variant when the items are a named string enum of the tree, else a literal.
    fn array_literal(
        &self,
        array: &openapiv3::ArrayType,
        example: Option<&Value>,
    ) -> Option<String> {
        let api = self.cx.api;
        let items = array.items.as_ref()?;
        let item = resolve_schema(api, items)?;
        let values: Vec<Value> = match example.and_then(Value::as_array) {
            Some(values) => values.iter().take(3).cloned().collect(),
            None => vec![Value::Null],
        };
        let enum_type = match items {
            ReferenceOr::Reference { reference } => reference
                .rsplit('/')
                .next()
                .map(names::type_name)
                .filter(|name| self.tree.enums.contains_key(name)),
            ReferenceOr::Item(_) => None,
        };
        let items: Option<Vec<String>> = values
            .iter()
            .map(|value| match (&enum_type, &item.schema_kind) {
                (Some(name), SchemaKind::Type(Type::String(string))) => {
                    self.variant(name, string, value)
                }
                (Some(_), _) => None,
                // A named item type: no `Vec` of it converts from a `Vec` of literals.
                (None, _) if matches!(items, ReferenceOr::Reference { .. }) => None,
                (None, _) => {
                    let text = self.literal(&ReferenceOr::Item(item.clone()), Some(value))?;
                    Some(match item.schema_kind {
                        SchemaKind::Type(Type::String(_)) => format!("{text}.to_string()"),
                        _ => text,
                    })
                }
            })
            .collect();
        Some(format!("vec![{}]", items?.join(", ")))
    }

    /// The variant of the enum `name` (of the tree) that `value` (or the schema's first listed
    /// value) deserializes as, as a path.
    fn variant(&self, name: &str, string: &openapiv3::StringType, value: &Value) -> Option<String> {
        let text = value
            .as_str()
            .map(str::to_string)
            .or_else(|| string.enumeration.iter().flatten().next().cloned())?;
        let (variant, _) = self.tree.enums[name]
            .iter()
            .find(|(_, value)| *value == text)?;
        Some(format!("types::{name}::{variant}"))
    }
}

/// A string literal for `example` (or the first listed value, or a placeholder) when the
/// string's format converts from any text.
fn string_literal(string: &openapiv3::StringType, example: Option<&Value>) -> Option<String> {
    let text_like = match &string.format {
        VariantOrUnknownOrEmpty::Empty => true,
        VariantOrUnknownOrEmpty::Item(StringFormat::Password) => true,
        VariantOrUnknownOrEmpty::Item(_) => false,
        VariantOrUnknownOrEmpty::Unknown(format) => {
            matches!(format.as_str(), "uuid" | "email" | "uri" | "hostname")
        }
    };
    if !text_like {
        return None;
    }
    let text = example
        .and_then(Value::as_str)
        .map(str::to_string)
        .or_else(|| string.enumeration.iter().flatten().next().cloned())
        .unwrap_or_else(|| match &string.format {
            VariantOrUnknownOrEmpty::Unknown(format) if format == "uuid" => {
                "2f1f4d8e-3c1a-4b7e-9a51-6c0f2a9d7e11".into()
            }
            _ => "example".into(),
        });
    Some(format!("{text:?}"))
}

/// The `body_map` call of an example with the body's builder `calls`: on one line when short.
fn body_map_lines(calls: &[String]) -> Vec<String> {
    if calls.iter().map(String::len).sum::<usize>() <= 60 {
        return vec![format!("    .body_map(|body| body{})", calls.concat())];
    }
    let mut lines = vec![
        "    .body_map(|body| {".to_string(),
        "        body".to_string(),
    ];
    lines.extend(calls.iter().map(|call| format!("            {call}")));
    lines.push("    })".into());
    lines
}

/// Whether the answer of `op` is a `ByteStream`, which has no `Debug`: a body progenitor does
/// not decode (text, binary), or an operation that documents no success.
fn answers_raw(api: &OpenAPI, op: &Op<'_>) -> bool {
    let successes: Vec<_> = op
        .operation
        .responses
        .responses
        .iter()
        .filter(|(status, _)| status.to_string().starts_with('2'))
        .filter_map(|(_, response)| crate::openapi::resolve_response(api, response))
        .collect();
    successes.is_empty()
        || successes.iter().any(|response| {
            !response.content.is_empty()
                && !response.content.keys().any(|media| {
                    media == "application/json" || media.starts_with("application/json;")
                })
        })
}

/// A schema behind a `ReferenceOr`, boxed or not, resolved against the document.
trait AsSchemaRef {
    fn schema(&self) -> &Schema;
}

impl AsSchemaRef for Schema {
    fn schema(&self) -> &Schema {
        self
    }
}

impl AsSchemaRef for Box<Schema> {
    fn schema(&self) -> &Schema {
        self
    }
}

trait Resolve {
    fn resolve<'a>(&'a self, api: &'a OpenAPI) -> Option<&'a Schema>;
}

impl<S: AsSchemaRef> Resolve for ReferenceOr<S> {
    fn resolve<'a>(&'a self, api: &'a OpenAPI) -> Option<&'a Schema> {
        match self {
            ReferenceOr::Item(schema) => Some(schema.schema()),
            ReferenceOr::Reference { reference } => {
                crate::openapi::component(api, reference.rsplit('/').next()?)
            }
        }
    }
}

/// The type a `body_map` closure takes: `F: FnOnce(types::builder::X) -> ..` gives `X`.
fn closure_input(body_map: &syn::ImplItemFn) -> Option<String> {
    let clause = body_map.sig.generics.where_clause.as_ref()?;
    clause.predicates.iter().find_map(|predicate| {
        let syn::WherePredicate::Type(predicate) = predicate else {
            return None;
        };
        predicate.bounds.iter().find_map(|bound| {
            let syn::TypeParamBound::Trait(bound) = bound else {
                return None;
            };
            let segment = bound.path.segments.last()?;
            let syn::PathArguments::Parenthesized(arguments) = &segment.arguments else {
                return None;
            };
            last_segment(&arguments.inputs.first()?.ty)
        })
    })
}

/// The properties of an object schema, and of the parts of an `allOf`, with the required ones.
fn collect_properties<'a>(
    api: &'a OpenAPI,
    schema: &'a Schema,
    properties: &mut Vec<(&'a String, &'a ReferenceOr<Box<Schema>>)>,
    required: &mut Vec<&'a String>,
    depth: usize,
) {
    if depth > 8 {
        return;
    }
    match &schema.schema_kind {
        SchemaKind::Type(Type::Object(object)) => {
            properties.extend(&object.properties);
            required.extend(&object.required);
        }
        SchemaKind::AllOf { all_of } => {
            for part in all_of {
                if let Some(part) = resolve_schema(api, part) {
                    collect_properties(api, part, properties, required, depth + 1);
                }
            }
        }
        _ => {}
    }
}

/// A string without format, enum or constraint: an `Option<String>` field when optional.
fn is_plain_string(schema: &Schema) -> bool {
    matches!(&schema.schema_kind, SchemaKind::Type(Type::String(string))
        if string.enumeration.is_empty()
            && matches!(string.format, VariantOrUnknownOrEmpty::Empty)
            && string.min_length.is_none()
            && string.max_length.is_none()
            && string.pattern.is_none())
}
