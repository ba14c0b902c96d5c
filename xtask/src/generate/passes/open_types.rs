//! Makes the generated types open to the providers' next changes, so that a spec gaining a field,
//! an enum value or an error body is a compatible release:
//! - every struct with public fields and every enum in `mod types` is `#[non_exhaustive]`: code
//!   outside the crate reads fields and matches with a wildcard arm, and builds values through
//!   the builders typify writes (`Type::builder()`);
//! - every string enum gains a last variant `Unknown(telauth_runtime::UnknownValue)` (named
//!   `Unlisted` instead when the spec lists a value `Unknown`), into which a value the spec did
//!   not list decodes (serde's `untagged` variant) instead of failing. Its
//!   `Display` writes the text back; `FromStr` still refuses it, so a caller cannot send a value
//!   the spec does not describe. The variant holds a `String`, so the enum loses `Copy`.
//!
//! The edits are made on the syntax tree and fail loudly when typify's output changes shape.

use std::collections::BTreeSet;

use syn::punctuated::Punctuated;

use super::Context;
use crate::Error;

/// The name of the variant that keeps an unlisted value, and the names it takes, in order, when
/// the spec lists a value of that name.
pub(crate) const UNKNOWN: [&str; 3] = ["Unknown", "Unlisted", "UnlistedValue"];

/// Opens the types of `file` (progenitor's output); answers the string enums it opened.
pub(crate) fn open_types(file: &mut syn::File, cx: &Context) -> Result<BTreeSet<String>, Error> {
    let items = super::inline_module(&mut file.items, "types")
        .ok_or_else(|| cx.failed("progenitor's output has no `mod types`"))?;
    let mut string_enums = std::collections::BTreeMap::new();
    for item in items.iter_mut() {
        match item {
            syn::Item::Struct(item) if matches!(item.fields, syn::Fields::Named(_)) => {
                item.attrs.push(syn::parse_quote! { #[non_exhaustive] });
                allow_unknown_fields(&mut item.attrs, &item.ident, cx)?;
            }
            syn::Item::Enum(item) => {
                item.attrs.push(syn::parse_quote! { #[non_exhaustive] });
                if is_string_enum(item) {
                    let unknown = open_string_enum(item, cx)?;
                    string_enums.insert(item.ident.to_string(), unknown);
                }
            }
            _ => {}
        }
    }
    let mut displays = BTreeSet::new();
    for item in items.iter_mut() {
        let syn::Item::Impl(block) = item else {
            continue;
        };
        let Some((name, unknown)) = implemented_for(block, "Display")
            .and_then(|name| Some((name.clone(), string_enums.get(&name)?.clone())))
        else {
            continue;
        };
        display_unknown(block, &name, &unknown, cx)?;
        displays.insert(name);
    }
    let string_enums: BTreeSet<String> = string_enums.into_keys().collect();
    if displays != string_enums {
        return Err(cx.failed(format!(
            "typify no longer writes `impl Display` for every string enum (found it for {displays:?} \
             of {string_enums:?}); update xtask/src/generate/passes/open_types.rs to the new shape"
        )));
    }
    Ok(string_enums)
}

/// Whether `item` is a string enum: unit variants only (typify renames a variant to its value
/// only when the two differ).
fn is_string_enum(item: &syn::ItemEnum) -> bool {
    !item.variants.is_empty()
        && item
            .variants
            .iter()
            .all(|variant| matches!(variant.fields, syn::Fields::Unit))
}

/// Drops `deny_unknown_fields` (what typify writes for `additionalProperties: false`) from a
/// struct's `#[serde(..)]`: an answer that gains a field must still decode.
fn allow_unknown_fields(
    attrs: &mut Vec<syn::Attribute>,
    ident: &syn::Ident,
    cx: &Context,
) -> Result<(), Error> {
    for attr in attrs.iter_mut() {
        if !attr.path().is_ident("serde") {
            continue;
        }
        let metas = attr
            .parse_args_with(Punctuated::<syn::Meta, syn::Token![,]>::parse_terminated)
            .map_err(|error| {
                cx.failed(format!(
                    "struct `{ident}`: unreadable serde attribute: {error}"
                ))
            })?;
        let kept: Vec<syn::Meta> = metas
            .into_iter()
            .filter(|meta| !meta.path().is_ident("deny_unknown_fields"))
            .collect();
        *attr = syn::parse_quote! { #[serde(#(#kept),*)] };
    }
    attrs.retain(|attr| {
        !attr.path().is_ident("serde")
            || !matches!(&attr.meta, syn::Meta::List(list) if list.tokens.is_empty())
    });
    Ok(())
}

/// Drops `Copy` from the derives and adds the variant that keeps unlisted values; answers its
/// name.
fn open_string_enum(item: &mut syn::ItemEnum, cx: &Context) -> Result<syn::Ident, Error> {
    let mut derives = 0;
    for attr in &mut item.attrs {
        if !attr.path().is_ident("derive") {
            continue;
        }
        derives += 1;
        let paths = attr
            .parse_args_with(Punctuated::<syn::Path, syn::Token![,]>::parse_terminated)
            .map_err(|error| {
                cx.failed(format!("enum `{}`: unreadable derive: {error}", item.ident))
            })?;
        let kept = paths.into_iter().filter(|path| !path.is_ident("Copy"));
        *attr = syn::parse_quote! { #[derive(#(#kept),*)] };
    }
    if derives != 1 {
        return Err(cx.failed(format!(
            "enum `{}` has {derives} derive attributes, not one; update \
             xtask/src/generate/passes/open_types.rs to typify's new shape",
            item.ident
        )));
    }
    let Some(unknown) = UNKNOWN
        .iter()
        .map(|name| quote::format_ident!("{name}"))
        .find(|name| item.variants.iter().all(|variant| variant.ident != *name))
    else {
        return Err(cx.failed(format!(
            "enum `{}` lists values named {}: none is left for the variant that keeps unlisted \
             values",
            item.ident,
            UNKNOWN.join(", ")
        )));
    };
    item.variants.push(syn::parse_quote! {
        /// A value the spec did not list when this crate was generated, as the server sent it.
        #[serde(untagged)]
        #unknown(telauth_runtime::UnknownValue)
    });
    Ok(unknown)
}

/// The name of the type `block` implements `trait_name` for, when it does.
fn implemented_for(block: &syn::ItemImpl, trait_name: &str) -> Option<String> {
    let (path, _) = block.trait_.as_ref()?;
    if path.segments.last()?.ident != trait_name {
        return None;
    }
    match block.self_ty.as_ref() {
        syn::Type::Path(ty) => Some(ty.path.segments.last()?.ident.to_string()),
        _ => None,
    }
}

/// Adds `Self::Unknown(ref value) => f.write_str(value.as_str())` to the `match` in `fmt`.
fn display_unknown(
    block: &mut syn::ItemImpl,
    name: &str,
    unknown: &syn::Ident,
    cx: &Context,
) -> Result<(), Error> {
    for item in &mut block.items {
        let syn::ImplItem::Fn(function) = item else {
            continue;
        };
        if let Some(syn::Stmt::Expr(syn::Expr::Match(matched), _)) = function.block.stmts.last_mut()
        {
            matched.arms.push(syn::parse_quote! {
                Self::#unknown(ref value) => f.write_str(value.as_str()),
            });
            return Ok(());
        }
    }
    Err(cx.failed(format!(
        "`impl Display for {name}`: no `fmt` ending in a `match`"
    )))
}

#[cfg(test)]
mod tests {
    use quote::ToTokens;

    use super::open_types;
    use crate::generate::passes::Context;

    fn opened(types: &str) -> Result<String, String> {
        let mut file: syn::File = syn::parse_str(&format!("pub mod types {{ {types} }}")).unwrap();
        open_types(&mut file, &Context::for_tests()).map_err(|error| error.to_string())?;
        Ok(file.into_token_stream().to_string())
    }

    #[test]
    fn closed_structs_open_and_plain_enums_keep_unknown_values() {
        let code = opened(
            "#[derive(Deserialize)] #[serde(deny_unknown_fields)] pub struct Tag { pub name: String }
             #[derive(Clone, Copy, Deserialize)] pub enum State { Active, Suspended }
             impl ::std::fmt::Display for State {
                 fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                     match *self { Self::Active => f.write_str(\"Active\"), Self::Suspended => f.write_str(\"Suspended\") }
                 }
             }",
        )
        .unwrap();
        assert!(!code.contains("deny_unknown_fields"), "{code}");
        assert_eq!(code.matches("non_exhaustive").count(), 2, "{code}");
        assert!(
            code.contains("Unknown (telauth_runtime :: UnknownValue)"),
            "{code}"
        );
        assert!(!code.contains("Copy"), "{code}");
    }

    #[test]
    fn an_enum_with_an_unknown_value_keeps_unlisted_values_in_unlisted() {
        let code = opened(
            "#[derive(Clone, Deserialize)] pub enum State { Known, Unknown }
             impl ::std::fmt::Display for State {
                 fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                     match *self { Self::Known => f.write_str(\"known\"), Self::Unknown => f.write_str(\"unknown\") }
                 }
             }",
        )
        .unwrap();
        assert!(
            code.contains("Unlisted (telauth_runtime :: UnknownValue)"),
            "{code}"
        );
        assert!(code.contains("Self :: Unlisted (ref value)"), "{code}");
    }
}
