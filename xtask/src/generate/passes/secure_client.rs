//! The pass that builds `Client::new` with telauth's rules and documents what a client given
//! to `Client::new_with_client` must not do.

use syn::visit_mut::{self, VisitMut};

use super::Context;
use crate::Error;

/// Makes the `Client::new` that progenitor writes finish its reqwest builder with
/// `telauth_runtime::secure_client` (no redirects, no `Referer`, no proxy from the environment
/// for plain `http`, TLS 1.2 at least), and makes the doc of `Client::new_with_client`, which takes any reqwest client
/// as it is, say what that client must not do.
///
/// The edits are made on the syntax tree: the builder chain
/// `reqwest::ClientBuilder::new().connect_timeout(..).timeout(..)` is wrapped, and it and
/// `new_with_client` must each be found exactly once, so a change in progenitor's output fails
/// generation instead of silently dropping the rules.
pub(crate) fn with_secure_client(file: &mut syn::File, cx: &Context) -> Result<(), Error> {
    struct Secure {
        builders: usize,
        escape_hatches: usize,
    }
    impl VisitMut for Secure {
        fn visit_expr_mut(&mut self, expr: &mut syn::Expr) {
            if is_client_builder(expr) {
                self.builders += 1;
                *expr = syn::parse_quote! { telauth_runtime::secure_client(#expr) };
                return;
            }
            visit_mut::visit_expr_mut(self, expr);
        }
        fn visit_impl_item_fn_mut(&mut self, function: &mut syn::ImplItemFn) {
            if function.sig.ident == "new_with_client" {
                self.escape_hatches += 1;
                function.attrs.retain(|attr| !attr.path().is_ident("doc"));
                let doc = [
                    " A client over `client`, used as it is: prefer [`Client::new`] or",
                    " [`Client::with_builder`], which apply telauth's rules.",
                    "",
                    " `client` must follow no redirect (a default reqwest client does, carrying",
                    " a password or a Basic header to whatever host the redirect names), send no",
                    " `Referer` (which would repeat a URL whose query may hold a key) and send no",
                    " plain-`http` request through a proxy; build it from",
                    " [`telauth_runtime::secure_client`] to get all three (with the `rustls-ring`",
                    " feature, it also installs the ring crypto provider, without which reqwest",
                    " panics when it builds a client).",
                ];
                function.attrs.splice(
                    0..0,
                    doc.iter().map(|line| syn::parse_quote! { #[doc = #line] }),
                );
            }
            visit_mut::visit_impl_item_fn_mut(self, function);
        }
    }
    let mut secure = Secure {
        builders: 0,
        escape_hatches: 0,
    };
    secure.visit_file_mut(file);
    if (secure.builders, secure.escape_hatches) != (1, 1) {
        return Err(cx.failed(format!(
            "progenitor's client no longer builds `Client::new` with \
                 `reqwest::ClientBuilder::new().connect_timeout(..).timeout(..)` and has \
                 `new_with_client` exactly once each (found {} and {}); update \
                 `with_secure_client` in xtask/src/generate/passes/secure_client.rs to the new \
                 shape",
            secure.builders, secure.escape_hatches
        )));
    }
    Ok(())
}

/// Whether `expr` is `reqwest::ClientBuilder::new().connect_timeout(..).timeout(..)`.
fn is_client_builder(expr: &syn::Expr) -> bool {
    let syn::Expr::MethodCall(timeout) = expr else {
        return false;
    };
    let syn::Expr::MethodCall(connect) = timeout.receiver.as_ref() else {
        return false;
    };
    let syn::Expr::Call(new) = connect.receiver.as_ref() else {
        return false;
    };
    let syn::Expr::Path(path) = new.func.as_ref() else {
        return false;
    };
    let segments: Vec<String> = path
        .path
        .segments
        .iter()
        .map(|segment| segment.ident.to_string())
        .collect();
    timeout.method == "timeout"
        && connect.method == "connect_timeout"
        && segments == ["reqwest", "ClientBuilder", "new"]
}
