//! Secrets in a query (Vonage's Verify API takes `api_secret` there): progenitor serializes a
//! query parameter with serde and matches it in the typed mocks with `to_string`, neither of
//! which a `Secret` allows. The client adds such a parameter inside
//! `telauth_runtime::expose_secrets`, and the mock matches its exposed text.

use std::collections::{BTreeMap, BTreeSet};

use openapiv3::{
    Parameter, ParameterSchemaOrContent, ReferenceOr, Schema, SchemaKind, StringFormat, Type,
    VariantOrUnknownOrEmpty,
};
use quote::{ToTokens, quote};
use syn::visit_mut::{self, VisitMut};

use super::Context;
use crate::openapi as walk;
use crate::openapi::names::{method_name, type_name};

/// The wire names of each operation's secret query parameters, by the operation's method name.
fn secret_queries(cx: &Context) -> BTreeMap<String, BTreeSet<String>> {
    let mut found: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (id, op) in walk::operations(cx.api) {
        for (_, parameter) in walk::parameters(cx.api, &op) {
            if let Parameter::Query { parameter_data, .. } = parameter
                && let ParameterSchemaOrContent::Schema(schema) = &parameter_data.format
                && is_secret(cx, schema)
            {
                found
                    .entry(method_name(&id))
                    .or_default()
                    .insert(parameter_data.name.clone());
            }
        }
    }
    found
}

/// Whether `schema` is a secret: a string of `format: password`.
fn is_secret(cx: &Context, schema: &ReferenceOr<Schema>) -> bool {
    matches!(
        walk::resolve_schema(cx.api, schema).map(|schema| &schema.schema_kind),
        Some(SchemaKind::Type(Type::String(string)))
            if string.format == VariantOrUnknownOrEmpty::Item(StringFormat::Password)
    )
}

/// The types a secret parameter has in generated code: `crate::Secret`, and each secret
/// component schema's type (a newtype that derefs to `Secret`), as `quote!` writes them.
fn secret_types(cx: &Context) -> Vec<String> {
    let components = cx.api.components.iter().flat_map(|c| &c.schemas);
    std::iter::once("crate :: Secret".to_string())
        .chain(
            components
                .filter(|(_, schema)| is_secret(cx, schema))
                .map(|(name, _)| format!("types :: {}", type_name(name))),
        )
        .collect()
}

/// In the client `file`, each `<request>.query(&QueryParam::new("<name>", ..))` of a secret
/// query parameter becomes `{ let request = <request>; expose_secrets(|| request.query(..)) }`.
pub(crate) fn with_exposed_query_secrets(file: &mut syn::File, cx: &Context) {
    struct Queries<'a> {
        secret: &'a BTreeMap<String, BTreeSet<String>>,
        operation: Option<&'a BTreeSet<String>>,
    }
    impl VisitMut for Queries<'_> {
        fn visit_impl_item_fn_mut(&mut self, function: &mut syn::ImplItemFn) {
            let body = function.block.to_token_stream().to_string();
            self.operation = self.secret.iter().find_map(|(operation, names)| {
                body.contains(&format!("operation_id : \"{operation}\""))
                    .then_some(names)
            });
            if self.operation.is_some() {
                visit_mut::visit_impl_item_fn_mut(self, function);
            }
        }
        fn visit_expr_mut(&mut self, expr: &mut syn::Expr) {
            visit_mut::visit_expr_mut(self, expr);
            let (Some(names), syn::Expr::MethodCall(call)) = (self.operation, &*expr) else {
                return;
            };
            let argument = call.args.to_token_stream().to_string();
            let secret = call.method == "query"
                && names
                    .iter()
                    .any(|name| argument.contains(&format!("QueryParam :: new ({name:?} ,")));
            if secret {
                let (request, args) = (&call.receiver, &call.args);
                *expr = syn::parse_quote! {
                    {
                        let request = #request;
                        telauth_runtime::expose_secrets(|| request.query(#args))
                    }
                };
            }
        }
    }
    let secret = secret_queries(cx);
    if !secret.is_empty() {
        Queries {
            secret: &secret,
            operation: None,
        }
        .visit_file_mut(file);
    }
}

/// In the mocks' `file`, a query matcher whose value is a secret matches its exposed text:
/// `value.to_string()` becomes `value.expose()`.
pub(crate) fn with_exposed_query_matchers(file: &mut syn::File, cx: &Context) {
    struct Matchers(Vec<String>);
    impl VisitMut for Matchers {
        fn visit_impl_item_fn_mut(&mut self, function: &mut syn::ImplItemFn) {
            let signature = function.sig.to_token_stream().to_string();
            if self.0.iter().any(|secret| names_type(&signature, secret)) {
                visit_mut::visit_impl_item_fn_mut(self, function);
            }
        }
        fn visit_expr_method_call_mut(&mut self, call: &mut syn::ExprMethodCall) {
            visit_mut::visit_expr_method_call_mut(self, call);
            if call.method == "query_param"
                && let Some(value) = call.args.iter_mut().nth(1)
                && quote!(#value).to_string() == "value . to_string ()"
            {
                *value = syn::parse_quote! { value.expose() };
            }
        }
    }
    Matchers(secret_types(cx)).visit_file_mut(file);
}

/// Whether `signature` (as `quote!` writes it) names the type `path` itself, not one whose
/// name merely starts or ends with it (`types :: ApiSecretHash`).
fn names_type(signature: &str, path: &str) -> bool {
    let ident = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_');
    signature.match_indices(path).any(|(at, _)| {
        !ident(signature[..at].chars().next_back())
            && !ident(signature[at + path.len()..].chars().next())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const SPEC: &str = r#"
openapi: 3.0.3
info: {title: t, version: '1'}
paths:
  /search:
    get:
      operationId: search
      parameters:
        - {name: api_secret, in: query, required: true, schema: {$ref: '#/components/schemas/api_secret'}}
        - {name: request_id, in: query, required: true, schema: {type: string}}
      responses:
        '200': {description: ok}
components:
  schemas:
    api_secret: {type: string, format: password}
"#;

    fn context(api: &openapiv3::OpenAPI) -> Context<'_> {
        Context {
            api,
            ..Context::for_tests()
        }
    }

    #[test]
    fn a_secret_query_parameter_is_added_and_matched_exposed() {
        let api: openapiv3::OpenAPI = serde_yaml_ng::from_str(SPEC).unwrap();
        let mut client: syn::File = syn::parse_quote! {
            impl<'a> Search<'a> {
                pub async fn send(self) {
                    let request = client.client.get(url)
                        .query(&progenitor_client::QueryParam::new("api_secret", &api_secret))
                        .query(&progenitor_client::QueryParam::new("request_id", &request_id))
                        .build()?;
                    let info = OperationInfo { operation_id: "search" };
                }
            }
        };
        with_exposed_query_secrets(&mut client, &context(&api));
        let text = quote!(#client).to_string();
        assert_eq!(text.matches("expose_secrets").count(), 1, "{text}");
        assert!(
            text.contains(
                "telauth_runtime :: expose_secrets (| | request . query (& progenitor_client :: \
                 QueryParam :: new (\"api_secret\""
            ),
            "{text}"
        );

        let mut mocks: syn::File = syn::parse_quote! {
            impl SearchWhen {
                pub fn api_secret(self, value: &types::ApiSecret) -> Self {
                    Self(self.0.query_param("api_secret", value.to_string()))
                }
                pub fn request_id(self, value: &str) -> Self {
                    Self(self.0.query_param("request_id", value.to_string()))
                }
                pub fn hint(self, value: &types::ApiSecretHint) -> Self {
                    Self(self.0.query_param("hint", value.to_string()))
                }
            }
        };
        with_exposed_query_matchers(&mut mocks, &context(&api));
        let text = quote!(#mocks).to_string();
        assert!(
            text.contains("query_param (\"api_secret\" , value . expose ())"),
            "{text}"
        );
        assert!(
            text.contains("query_param (\"request_id\" , value . to_string ())"),
            "{text}"
        );
        assert!(
            text.contains("query_param (\"hint\" , value . to_string ())"),
            "{text}"
        );
    }
}
