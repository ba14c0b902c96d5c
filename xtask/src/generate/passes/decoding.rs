//! The pass that decodes every answer through the runtime.

use syn::visit_mut::{self, VisitMut};

use super::Context;
use crate::Error;

/// Decodes every answer through `telauth_runtime::decode`, which keeps no byte of a body that
/// fails to decode: each `ResponseValue::from_response(response)` becomes
/// `telauth_runtime::decode(response)`. progenitor decodes a body this way for each answer
/// whose media type is `application/json`: a spec with such an answer where none is found means
/// progenitor's output changed shape, and generation fails; a spec with none (every answer
/// empty, or text, or binary) has nothing to decode.
pub(crate) fn with_runtime_decoding(file: &mut syn::File, cx: &Context) -> Result<(), Error> {
    /// The count, and the call to the runtime, built once and cloned: parsing it anew for
    /// each answer costs more than the rest of the pass.
    struct Decode(usize, syn::ExprCall);
    impl VisitMut for Decode {
        fn visit_expr_mut(&mut self, expr: &mut syn::Expr) {
            visit_mut::visit_expr_mut(self, expr);
            let syn::Expr::Call(call) = expr else {
                return;
            };
            let syn::Expr::Path(path) = call.func.as_ref() else {
                return;
            };
            let segments = &path.path.segments;
            if segments.len() == 2
                && segments[0].ident == "ResponseValue"
                && segments[1].ident == "from_response"
                && call.args.len() == 1
            {
                let mut decode = self.1.clone();
                decode.args[0] = call.args[0].clone();
                self.0 += 1;
                *expr = syn::Expr::Call(decode);
            }
        }
    }
    let mut decode = Decode(0, syn::parse_quote! { telauth_runtime::decode(()) });
    decode.visit_file_mut(file);
    if decode.0 == 0 && answers_json(cx.api) {
        return Err(cx.failed(
            "progenitor's client no longer decodes answers with \
             `ResponseValue::from_response`; update `with_runtime_decoding` in \
             xtask/src/generate/passes/decoding.rs to the new shape",
        ));
    }
    Ok(())
}

/// Whether some operation of `api` has an answer progenitor decodes as JSON.
pub(super) fn answers_json(api: &openapiv3::OpenAPI) -> bool {
    crate::openapi::operations(api).iter().any(|(_, op)| {
        let responses = &op.operation.responses;
        responses
            .responses
            .values()
            .chain(&responses.default)
            .filter_map(|response| crate::openapi::resolve_response(api, response))
            .any(|response| {
                response.content.keys().any(|media| {
                    media == "application/json" || media.starts_with("application/json;")
                })
            })
    })
}
