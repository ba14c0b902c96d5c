//! The pass that serializes request bodies through the runtime.

use syn::visit_mut::{self, VisitMut};

use super::Context;
use crate::Error;

/// Serializes request bodies through the runtime, inside `telauth_runtime::expose_secrets`
/// (a `Secret` serializes nowhere else), on the request once it is built:
/// `let mut request = <builder>.json(&body)...build()?;` becomes
/// `let mut request = <builder>...build()?;` followed by
/// `telauth_runtime::json_body(&mut request, &body).map_err(Error::InvalidRequest)?;`, and
/// `.form_urlencoded(&body)?` becomes `telauth_runtime::form_urlencoded(..)` the same way, which
/// also encodes an array as repeated keys (progenitor's `serde_urlencoded` refuses arrays).
/// Putting the body on the built request spares moving reqwest's request builder twice more.
/// A body left anywhere else in the chain fails generation: reqwest's own serializer would
/// refuse its secrets.
pub(crate) fn with_runtime_bodies(file: &mut syn::File, cx: &Context) -> Result<(), Error> {
    struct Bodies;
    impl VisitMut for Bodies {
        fn visit_block_mut(&mut self, block: &mut syn::Block) {
            visit_mut::visit_block_mut(self, block);
            let mut at = 0;
            while at < block.stmts.len() {
                if let syn::Stmt::Local(local) = &mut block.stmts[at]
                    && let syn::Pat::Ident(request) = &local.pat
                    && let Some(init) = &mut local.init
                    && let Some((runtime, body)) = take_body(&mut init.expr)
                {
                    let request = request.ident.clone();
                    block.stmts.insert(
                        at + 1,
                        syn::parse_quote! {
                            telauth_runtime::#runtime(&mut #request, #body)
                                .map_err(Error::InvalidRequest)?;
                        },
                    );
                    at += 1;
                }
                at += 1;
            }
        }
    }
    Bodies.visit_file_mut(file);
    let mut left = Left(0);
    left.visit_file_mut(file);
    if left.0 > 0 {
        return Err(cx.failed(format!(
            "{} request bodies are no longer in `let request = <builder>.json(..)...build()?;`; \
             update `with_runtime_bodies` in xtask/src/generate/passes/bodies.rs to the new shape",
            left.0
        )));
    }
    Ok(())
}

/// Counts the bodies [`with_runtime_bodies`] left on a builder.
struct Left(usize);

impl VisitMut for Left {
    fn visit_expr_method_call_mut(&mut self, call: &mut syn::ExprMethodCall) {
        self.0 += usize::from(runtime_for(call).is_some());
        visit_mut::visit_expr_method_call_mut(self, call);
    }
}

/// The runtime function that puts the body of `call` when it is `.json(<body>)` or
/// `.form_urlencoded(<body>)`.
fn runtime_for(call: &syn::ExprMethodCall) -> Option<&'static str> {
    match call.method.to_string().as_str() {
        _ if call.args.len() != 1 => None,
        "json" => Some("json_body"),
        "form_urlencoded" => Some("form_urlencoded"),
        _ => None,
    }
}

/// Takes out of `expr`, a request's builder chain, its `.json(<body>)` or
/// `.form_urlencoded(<body>)?`: answers the runtime function that puts the body instead, and
/// `<body>`.
fn take_body(expr: &mut syn::Expr) -> Option<(syn::Ident, syn::Expr)> {
    struct Take(Option<(syn::Ident, syn::Expr)>);
    impl VisitMut for Take {
        fn visit_expr_mut(&mut self, expr: &mut syn::Expr) {
            visit_mut::visit_expr_mut(self, expr);
            // `.json(<body>)`, or `.form_urlencoded(<body>)?` (progenitor's fallible form).
            let call = match expr {
                syn::Expr::Try(attempt) => match attempt.expr.as_ref() {
                    syn::Expr::MethodCall(call) if call.method == "form_urlencoded" => call,
                    _ => return,
                },
                syn::Expr::MethodCall(call) if call.method == "json" => &*call,
                _ => return,
            };
            let Some(runtime) = runtime_for(call).filter(|_| self.0.is_none()) else {
                return;
            };
            let runtime = syn::Ident::new(runtime, proc_macro2::Span::call_site());
            let (receiver, body) = (call.receiver.as_ref().clone(), call.args[0].clone());
            self.0 = Some((runtime, body));
            *expr = receiver;
        }
    }
    let mut take = Take(None);
    take.visit_expr_mut(expr);
    take.0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_bodies(code: &str) -> String {
        let mut file: syn::File = syn::parse_str(code).unwrap();
        with_runtime_bodies(&mut file, &Context::for_tests()).unwrap();
        prettyplease::unparse(&file)
    }

    #[test]
    fn a_body_is_put_on_the_built_request_by_the_runtime() {
        let json = with_bodies(
            "async fn send() { let mut request = client.client.post(url).json(&body).build()?; \
             let info = 1; }",
        );
        let expected = with_bodies(
            "async fn send() { let mut request = client.client.post(url).build()?; \
             telauth_runtime::json_body(&mut request, &body).map_err(Error::InvalidRequest)?; \
             let info = 1; }",
        );
        assert_eq!(json, expected);
        let form = with_bodies(
            "async fn send() { let mut request = client.client.post(url) \
             .form_urlencoded(&body)?.headers(header_map).build()?; }",
        );
        assert!(
            form.contains("client.client.post(url).headers(header_map).build()?;")
                && form.contains(
                    "telauth_runtime::form_urlencoded(&mut request, &body)\n        \
                     .map_err(Error::InvalidRequest)?;"
                ),
            "{form}"
        );
    }

    #[test]
    fn a_body_outside_the_request_s_let_fails_generation() {
        let mut file: syn::File = syn::parse_str(
            "async fn send() { client.exec(client.client.post(url).json(&body).build()?).await; }",
        )
        .unwrap();
        let error = with_runtime_bodies(&mut file, &Context::for_tests()).unwrap_err();
        assert!(error.to_string().contains("bodies.rs"), "{error}");
    }

    #[test]
    fn a_response_read_as_json_is_left_alone() {
        let code = "async fn send() { let value = response.json().await?; }";
        assert_eq!(
            with_bodies(code),
            prettyplease::unparse(&syn::parse_str(code).unwrap())
        );
    }
}
