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
    struct Decode(usize);
    impl VisitMut for Decode {
        fn visit_expr_mut(&mut self, expr: &mut syn::Expr) {
            visit_mut::visit_expr_mut(self, expr);
            let syn::Expr::Call(call) = expr else {
                return;
            };
            let syn::Expr::Path(path) = call.func.as_ref() else {
                return;
            };
            let names: Vec<String> = path
                .path
                .segments
                .iter()
                .map(|segment| segment.ident.to_string())
                .collect();
            if names == ["ResponseValue", "from_response"] && call.args.len() == 1 {
                let response = &call.args[0];
                self.0 += 1;
                *expr = syn::parse_quote! { telauth_runtime::decode(#response) };
            }
        }
    }
    let mut decode = Decode(0);
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
