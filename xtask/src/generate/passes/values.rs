//! The pass that adds `VALUES` to each string enum, and the check that progenitor's hooks are
//! given the operation names the credential layer is keyed by.

use std::collections::BTreeSet;

use syn::visit_mut::{self, VisitMut};

use super::Context;
use crate::Error;
use crate::openapi::names;

/// For each string enum among the spec's schemas, `VALUES`: every value the spec lists, in its
/// order, so that code outside the crate (a command's help, an error message) never restates
/// them. The enum is the one typify generated for the schema, found in `mod types`.
pub(crate) fn with_enum_values(file: &mut syn::File, cx: &Context) -> Result<(), Error> {
    let declared: BTreeSet<String> = super::inline_module(&mut file.items, "types")
        .into_iter()
        .flatten()
        .filter_map(|item| match item {
            syn::Item::Enum(item) => Some(item.ident.to_string()),
            _ => None,
        })
        .collect();
    let schemas = cx
        .api
        .components
        .iter()
        .flat_map(|components| components.schemas.iter());
    // Where the constants go: before the `operations` module, after `BASE_URL`.
    let mut at = file
        .items
        .iter()
        .position(|item| matches!(item, syn::Item::Mod(module) if module.ident == "operations"))
        .unwrap_or(file.items.len());
    for (name, schema) in schemas {
        let Some(schema) = schema.as_item() else {
            continue;
        };
        let openapiv3::SchemaKind::Type(openapiv3::Type::String(string)) = &schema.schema_kind
        else {
            continue;
        };
        let values: Vec<&String> = string.enumeration.iter().flatten().collect();
        if values.is_empty() || schema.schema_data.nullable {
            continue;
        }
        let type_name = names::type_name(name);
        if !declared.contains(&type_name) {
            return Err(cx.failed(format!(
                "progenitor no longer generates the enum `types::{type_name}` for the schema \
                 at `{}`; update xtask/src/openapi/names.rs to its new naming",
                crate::openapi::pointer::render(&["components", "schemas", name])
            )));
        }
        let ident = names::ident(&type_name)
            .ok_or_else(|| cx.failed(format!("`{type_name}` is not an identifier")))?;
        let values: syn::Item = syn::parse_quote! {
            impl types::#ident {
                /// Every value the spec lists, in its order.
                pub const VALUES: &'static [&'static str] = &[#(#values),*];
            }
        };
        file.items.insert(at, values);
        at += 1;
    }
    Ok(())
}

/// The operation names progenitor's client gives its hooks (`OperationInfo { operation_id }`)
/// must be exactly the names the credential layer and the `operations` constants are keyed by.
pub(crate) fn check_operation_names(file: &mut syn::File, cx: &Context) -> Result<(), Error> {
    struct Infos(BTreeSet<String>);
    impl VisitMut for Infos {
        fn visit_expr_struct_mut(&mut self, expr: &mut syn::ExprStruct) {
            if expr.path.is_ident("OperationInfo") {
                for field in &expr.fields {
                    if let (
                        syn::Member::Named(member),
                        syn::Expr::Lit(syn::ExprLit {
                            lit: syn::Lit::Str(id),
                            ..
                        }),
                    ) = (&field.member, &field.expr)
                        && member == "operation_id"
                    {
                        self.0.insert(id.value());
                    }
                }
            }
            visit_mut::visit_expr_struct_mut(self, expr);
        }
    }
    let mut infos = Infos(BTreeSet::new());
    infos.visit_file_mut(file);
    let expected: BTreeSet<String> = crate::openapi::operations(cx.api)
        .iter()
        .filter_map(|(_, op)| op.operation.operation_id.as_deref())
        .map(names::method_name)
        .collect();
    if infos.0 != expected {
        return Err(cx.failed(format!(
            "progenitor's hooks are no longer given the operation names the credential layer is \
             keyed by (found {:?}, expected {expected:?}); update xtask/src/openapi/names.rs",
            infos.0
        )));
    }
    Ok(())
}

/// The constant naming the operation whose method is `method` (unique as the method is).
pub(crate) fn constant_name(method: &str) -> String {
    method.to_uppercase()
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::{Context, with_enum_values};

    #[test]
    fn a_missing_enum_is_named_by_its_schemas_json_pointer() {
        let api: openapiv3::OpenAPI = serde_yaml_ng::from_str(
            "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    api.v1/Kind: {type: string, enum: [a, b]}\n",
        )
        .unwrap();
        let cx = Context {
            path: Path::new("specs/t.yaml"),
            api: &api,
            krate: "telauth-t",
        };
        let mut file: syn::File = syn::parse_quote! { pub mod types {} };
        let error = with_enum_values(&mut file, &cx).unwrap_err().to_string();
        assert!(
            error.contains("the schema at `#/components/schemas/api.v1~1Kind`"),
            "{error}"
        );
    }
}
