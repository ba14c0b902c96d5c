//! The pass that removes the `api-version` header progenitor sends with every request.

use syn::visit_mut::{self, VisitMut};

use super::Context;
use crate::Error;

/// Removes the `api-version` header progenitor adds to every request (from `info.version`): no
/// provider documents it, and nothing goes on the wire that the API does not describe.
///
/// Each operation's `header_map.append(HeaderName::from_static("api-version"), ..)` statement is
/// removed from the syntax tree, and the then possibly unmutated `let mut header_map` is allowed
/// to stay `mut`. Every operation must have had one, so a change in progenitor's output fails
/// generation instead of letting the header through.
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
