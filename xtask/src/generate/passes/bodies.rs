//! The pass that serializes request bodies through the runtime.

use quote::quote;
use syn::visit_mut::{self, VisitMut};

/// Serializes request bodies through the runtime, inside `telauth_runtime::expose_secrets`
/// (a `Secret` serializes nowhere else): `<builder>.json(&body)` becomes
/// `telauth_runtime::json_body(<builder>, &body).map_err(Error::InvalidRequest)?`, and
/// `<builder>.form_urlencoded(&body)?` becomes `telauth_runtime::form_urlencoded(..)`, which
/// also encodes an array as repeated keys (progenitor's `serde_urlencoded` refuses arrays).
pub(crate) fn with_runtime_bodies(file: &mut syn::File) {
    struct Bodies;
    impl VisitMut for Bodies {
        fn visit_expr_mut(&mut self, expr: &mut syn::Expr) {
            visit_mut::visit_expr_mut(self, expr);
            let call = match expr {
                syn::Expr::Try(attempt) => match attempt.expr.as_ref() {
                    syn::Expr::MethodCall(call) if call.method == "form_urlencoded" => call,
                    _ => return,
                },
                syn::Expr::MethodCall(call) if call.method == "json" => call,
                _ => return,
            };
            if call.args.len() != 1 {
                return;
            }
            let (builder, body) = (&call.receiver, &call.args[0]);
            let function = if call.method == "json" {
                quote! { telauth_runtime::json_body }
            } else {
                quote! { telauth_runtime::form_urlencoded }
            };
            *expr = syn::parse_quote! {
                #function(#builder, #body).map_err(Error::InvalidRequest)?
            };
        }
    }
    Bodies.visit_file_mut(file);
}
