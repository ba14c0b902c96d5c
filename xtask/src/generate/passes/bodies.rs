//! The pass that serializes request bodies through the runtime.

use syn::visit_mut::{self, VisitMut};

/// Serializes request bodies through the runtime, inside `telauth_runtime::expose_secrets`
/// (a `Secret` serializes nowhere else): `<builder>.json(&body)` becomes
/// `telauth_runtime::json_body(<builder>, &body).map_err(Error::InvalidRequest)?`, and
/// `<builder>.form_urlencoded(&body)?` becomes `telauth_runtime::form_urlencoded(..)`, which
/// also encodes an array as repeated keys (progenitor's `serde_urlencoded` refuses arrays).
pub(crate) fn with_runtime_bodies(file: &mut syn::File) {
    /// The two calls to the runtime (JSON, form), built once and cloned: parsing them anew for
    /// each body costs more than the rest of the pass.
    struct Bodies([syn::Expr; 2]);
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
            let mut runtime = self.0[usize::from(call.method != "json")].clone();
            if let syn::Expr::Try(attempt) = &mut runtime
                && let syn::Expr::MethodCall(map_err) = attempt.expr.as_mut()
                && let syn::Expr::Call(function) = map_err.receiver.as_mut()
            {
                function.args[0] = call.receiver.as_ref().clone();
                function.args[1] = call.args[0].clone();
            }
            *expr = runtime;
        }
    }
    Bodies([
        syn::parse_quote! { telauth_runtime::json_body((), ()).map_err(Error::InvalidRequest)? },
        syn::parse_quote! {
            telauth_runtime::form_urlencoded((), ()).map_err(Error::InvalidRequest)?
        },
    ])
    .visit_file_mut(file);
}
