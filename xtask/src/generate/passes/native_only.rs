//! The pass that removes the wasm32 branch of `Client::new`: the crates are native only.
//!
//! progenitor's `Client::new` builds its reqwest client twice, one `let client` per target: a
//! native one (which `secure_client` wraps) and, for wasm32, a bare `reqwest::ClientBuilder`
//! with no redirect rule. reqwest's wasm32 `ClientBuilder` has no redirect policy, `Referer`
//! switch, proxy or TLS setting (only `user_agent` and `default_headers`), and a browser's
//! fetch refuses to set a `Cookie` header, where VoIPBIN's access key goes: the credential rules
//! cannot hold there, so the branch is removed rather than kept unsafe and uncompiled.

use super::Context;
use crate::Error;

/// The attribute progenitor puts on the native branch.
const NATIVE: &str = r#"cfg(not(target_arch = "wasm32"))"#;
/// The attribute progenitor puts on the wasm32 branch.
const WASM: &str = r#"cfg(target_arch = "wasm32")"#;

/// In `Client::new`, drops the `let` statement under `#[cfg(target_arch = "wasm32")]` and the
/// `#[cfg(not(target_arch = "wasm32"))]` of the other; each must be found exactly once, so a
/// change in progenitor's output fails generation.
pub(crate) fn without_wasm_branch(file: &mut syn::File, cx: &Context) -> Result<(), Error> {
    let (mut native, mut wasm) = (0, 0);
    for item in &mut file.items {
        let syn::Item::Impl(block) = item else {
            continue;
        };
        for item in &mut block.items {
            let syn::ImplItem::Fn(function) = item else {
                continue;
            };
            if function.sig.ident != "new" {
                continue;
            }
            function.block.stmts.retain_mut(|stmt| {
                let syn::Stmt::Local(local) = stmt else {
                    return true;
                };
                let before = local.attrs.len();
                local.attrs.retain(|attr| !is(attr, NATIVE));
                native += before - local.attrs.len();
                if local.attrs.iter().any(|attr| is(attr, WASM)) {
                    wasm += 1;
                    return false;
                }
                true
            });
        }
    }
    if (native, wasm) != (1, 1) {
        return Err(cx.failed(format!(
            "progenitor's `Client::new` no longer has one native and one wasm32 `let client` \
             (found {native} and {wasm}); update `without_wasm_branch` in \
             xtask/src/generate/passes/native_only.rs to the new shape"
        )));
    }
    Ok(())
}

/// Whether `attr` is `#[<text>]`, compared without spaces.
fn is(attr: &syn::Attribute, text: &str) -> bool {
    let meta = quote::ToTokens::to_token_stream(&attr.meta).to_string();
    meta.replace(' ', "") == text.replace(' ', "")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_wasm_branch_goes_and_a_changed_shape_fails() {
        let mut file: syn::File = syn::parse_quote! {
            impl Client {
                pub fn new(baseurl: &str) -> Self {
                    #[cfg(not(target_arch = "wasm32"))]
                    let client = native();
                    #[cfg(target_arch = "wasm32")]
                    let client = reqwest::ClientBuilder::new();
                    Self::new_with_client(baseurl, client.build().unwrap())
                }
            }
        };
        without_wasm_branch(&mut file, &Context::for_tests()).unwrap();
        let text = quote::ToTokens::to_token_stream(&file).to_string();
        assert!(!text.contains("wasm32"), "{text}");
        assert!(text.contains("let client = native ()"), "{text}");
        let error = without_wasm_branch(&mut file, &Context::for_tests()).unwrap_err();
        assert!(error.to_string().contains("native_only.rs"), "{error}");
    }
}
