//! The pass that removes the `api-version` header progenitor sends with every request.

use syn::visit_mut::{self, VisitMut};

use super::Context;
use crate::Error;

/// Removes the `api-version` header progenitor adds to every request (from `info.version`): no
/// provider documents it, and nothing goes on the wire that the API does not describe.
///
/// Each operation's `header_map.append(HeaderName::from_static("api-version"), ..)` statement is
/// removed from the syntax tree; the `let mut header_map`, then possibly unmutated, is allowed
/// to stay `mut`, and the capacity it is made with counts one header fewer (a map made with no
/// capacity allocates nothing). Every operation must have had one, so a change in progenitor's
/// output fails generation instead of letting the header through.
pub(crate) fn without_api_version(file: &mut syn::File, cx: &Context) -> Result<(), Error> {
    let operations = crate::openapi::operations(cx.api).len();
    struct Header(usize);
    impl VisitMut for Header {
        fn visit_block_mut(&mut self, block: &mut syn::Block) {
            let before = block.stmts.len();
            block.stmts.retain(|stmt| !is_api_version_header(stmt));
            let removed = before - block.stmts.len();
            self.0 += removed;
            if removed > 0 {
                for stmt in &mut block.stmts {
                    if let syn::Stmt::Local(local) = stmt
                        && matches!(&local.pat, syn::Pat::Ident(ident) if ident.ident == "header_map")
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
    if header.0 != operations {
        return Err(cx.failed(format!(
            "progenitor no longer adds the `api-version` header once per operation (found {} \
                 for {operations} operations); update `without_api_version` in \
                 xtask/src/generate/passes/api_version.rs to the new shape",
            header.0
        )));
    }
    Ok(())
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
