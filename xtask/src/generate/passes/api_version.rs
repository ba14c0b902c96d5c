//! The pass that removes the `api-version` header progenitor sends with every request.

use syn::visit_mut::{self, VisitMut};

use super::Context;
use crate::Error;

/// Removes the `api-version` header progenitor adds to every request (from `info.version`): no
/// provider documents it, and nothing goes on the wire that the API does not describe.
///
/// Each operation's `header_map.append(HeaderName::from_static("api-version"), ..)` statement is
/// removed from the syntax tree. An operation with no header of its own is then left with an
/// empty map: its `let mut header_map` and `.headers(header_map)` go too, as reqwest would
/// only move its request builder to merge nothing. Otherwise the map stays, allowed to be
/// unmutated, and the capacity it is made with counts one header fewer. Every operation must
/// have had one, so a change in progenitor's output fails generation instead of letting the
/// header through.
pub(crate) fn without_api_version(file: &mut syn::File, cx: &Context) -> Result<(), Error> {
    let operations = crate::openapi::operations(cx.api).len();
    let removed = remove_api_version(file);
    if removed != operations {
        return Err(cx.failed(format!(
            "progenitor no longer adds the `api-version` header once per operation (found \
                 {removed} for {operations} operations); update `without_api_version` in \
                 xtask/src/generate/passes/api_version.rs to the new shape"
        )));
    }
    Ok(())
}

/// Removes every `api-version` header of `file`, and each header map that leaves empty;
/// answers how many headers it removed.
fn remove_api_version(file: &mut syn::File) -> usize {
    struct Header(usize);
    impl VisitMut for Header {
        fn visit_block_mut(&mut self, block: &mut syn::Block) {
            let before = block.stmts.len();
            block.stmts.retain(|stmt| !is_api_version_header(stmt));
            let removed = before - block.stmts.len();
            self.0 += removed;
            // A map left empty goes with the `.headers(header_map)` that hands it over; one that
            // still holds headers stays, with room for one fewer.
            let dropped = removed > 0 && header_map_uses(block) == 2 && without_header_map(block);
            if removed > 0 && !dropped {
                for stmt in &mut block.stmts {
                    if let syn::Stmt::Local(local) = stmt
                        && is_header_map(&local.pat)
                    {
                        local.attrs.push(syn::parse_quote! { #[allow(unused_mut)] });
                        if let Some(init) = &mut local.init {
                            fewer_headers(&mut init.expr, removed);
                        }
                    }
                }
            }
            visit_mut::visit_block_mut(self, block);
        }
    }
    let mut header = Header(0);
    header.visit_file_mut(file);
    header.0
}

/// Whether `pat` binds `header_map`.
fn is_header_map(pat: &syn::Pat) -> bool {
    matches!(pat, syn::Pat::Ident(ident) if ident.ident == "header_map")
}

/// How many times `block` names `header_map`: 2 when it only makes the map (`let mut
/// header_map = ..`) and hands it to the request (`.headers(header_map)`).
fn header_map_uses(block: &mut syn::Block) -> usize {
    struct Uses(usize);
    impl VisitMut for Uses {
        fn visit_ident_mut(&mut self, ident: &mut proc_macro2::Ident) {
            if ident == "header_map" {
                self.0 += 1;
            }
        }
    }
    let mut uses = Uses(0);
    uses.visit_block_mut(block);
    uses.0
}

/// Removes from `block` the `let` of an empty `header_map` and the `.headers(header_map)` that
/// hands it to the request, when the block has both; answers whether it did.
fn without_header_map(block: &mut syn::Block) -> bool {
    struct Headers(bool);
    impl VisitMut for Headers {
        fn visit_expr_mut(&mut self, expr: &mut syn::Expr) {
            if let syn::Expr::MethodCall(call) = expr
                && call.method == "headers"
                && matches!(call.args.first(), Some(syn::Expr::Path(path)) if path.path.is_ident("header_map"))
            {
                *expr = (*call.receiver).clone();
                self.0 = true;
            }
            visit_mut::visit_expr_mut(self, expr);
        }
    }
    let mut headers = Headers(false);
    for stmt in &mut block.stmts {
        if !matches!(stmt, syn::Stmt::Local(local) if is_header_map(&local.pat)) {
            headers.visit_stmt_mut(stmt);
        }
    }
    if headers.0 {
        block
            .stmts
            .retain(|stmt| !matches!(stmt, syn::Stmt::Local(local) if is_header_map(&local.pat)));
    }
    headers.0
}

/// Lowers by `removed` the capacity of `expr` when it is `HeaderMap::with_capacity(<n>usize)`.
fn fewer_headers(expr: &mut syn::Expr, removed: usize) {
    if let syn::Expr::Call(call) = expr
        && matches!(call.func.as_ref(), syn::Expr::Path(path)
            if path.path.segments.last().is_some_and(|last| last.ident == "with_capacity"))
        && let Some(syn::Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Int(capacity),
            ..
        })) = call.args.first_mut()
        && let Ok(n) = capacity.base10_parse::<usize>()
    {
        let fewer = n.saturating_sub(removed);
        *capacity = syn::LitInt::new(&format!("{fewer}usize"), capacity.span());
    }
}

/// Whether `stmt` is `header_map.append(::reqwest::header::HeaderName::from_static("api-version"), ..);`.
fn is_api_version_header(stmt: &syn::Stmt) -> bool {
    let syn::Stmt::Expr(syn::Expr::MethodCall(call), _) = stmt else {
        return false;
    };
    let Some(syn::Expr::Call(name)) = call.args.first() else {
        return false;
    };
    let Some(syn::Expr::Lit(syn::ExprLit {
        lit: syn::Lit::Str(literal),
        ..
    })) = name.args.first()
    else {
        return false;
    };
    call.method == "append"
        && matches!(call.receiver.as_ref(), syn::Expr::Path(path) if path.path.is_ident("header_map"))
        && literal.value() == "api-version"
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An operation's `send` as progenitor writes it, with `own` statements of its own headers.
    fn send(own: &str) -> String {
        format!(
            r#"async fn send(self) {{
                let url = format!("{{}}/things", client.baseurl,);
                let mut header_map = ::reqwest::header::HeaderMap::with_capacity(2usize);
                header_map.append(
                    ::reqwest::header::HeaderName::from_static("api-version"),
                    ::reqwest::header::HeaderValue::from_static(super::Client::api_version()),
                );
                {own}
                let mut request = client.client.get(url).headers(header_map).build()?;
            }}"#
        )
    }

    fn without(own: &str) -> (usize, String) {
        let mut file: syn::File = syn::parse_str(&send(own)).unwrap();
        let removed = remove_api_version(&mut file);
        (removed, prettyplease::unparse(&file))
    }

    #[test]
    fn an_operation_without_headers_of_its_own_loses_the_map_too() {
        let (removed, code) = without("");
        assert_eq!(removed, 1);
        assert!(
            !code.contains("api-version") && !code.contains("header_map"),
            "{code}"
        );
        assert!(code.contains("client.client.get(url).build()?"), "{code}");
    }

    #[test]
    fn an_operation_with_headers_of_its_own_keeps_them() {
        let (removed, code) =
            without(r#"header_map.append("x-trace", trace.to_string().try_into()?);"#);
        assert_eq!(removed, 1);
        assert!(!code.contains("api-version"), "{code}");
        assert!(code.contains("HeaderMap::with_capacity(1usize)"), "{code}");
        assert!(code.contains(r#"header_map.append("x-trace""#), "{code}");
        assert!(code.contains(".headers(header_map)"), "{code}");
    }
}
