//! The pass that drops progenitor's `use super::types;` from its `builder` module when nothing
//! there names a type: a spec whose operations take and answer no schema (progenitor's own
//! `param-overrides` sample) would otherwise fail the crate's lints on an unused import.

use quote::ToTokens;

/// Removes `use super::types;` from `mod builder` when no other item of the module mentions
/// `types`. A spec without a `builder` module, or whose module has no such import, is left as
/// it is: both are legitimate shapes, not a change in progenitor.
pub(crate) fn without_unused_types_import(file: &mut syn::File) {
    let Some(items) = super::inline_module(&mut file.items, "builder") else {
        return;
    };
    let is_types_import = |item: &syn::Item| {
        matches!(item, syn::Item::Use(import)
            if import.tree.to_token_stream().to_string() == "super :: types")
    };
    let names_types = items
        .iter()
        .filter(|item| !is_types_import(item))
        .any(|item| {
            item.to_token_stream()
                .into_iter()
                .any(|token| mentions_types(&token))
        });
    if !names_types {
        items.retain(|item| !is_types_import(item));
    }
}

/// Whether `token`, or a token inside it, is the identifier `types`.
fn mentions_types(token: &proc_macro2::TokenTree) -> bool {
    match token {
        proc_macro2::TokenTree::Ident(ident) => ident == "types",
        proc_macro2::TokenTree::Group(group) => {
            group.stream().into_iter().any(|t| mentions_types(&t))
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_import_goes_only_when_nothing_names_a_type() {
        let mut unused: syn::File = syn::parse_quote! {
            pub mod builder { use super::types; pub struct Op; }
        };
        super::without_unused_types_import(&mut unused);
        assert!(
            !quote::quote!(#unused)
                .to_string()
                .contains("use super :: types")
        );

        let mut used: syn::File = syn::parse_quote! {
            pub mod builder { use super::types; pub struct Op(types::Body); }
        };
        super::without_unused_types_import(&mut used);
        assert!(
            quote::quote!(#used)
                .to_string()
                .contains("use super :: types")
        );
    }
}
