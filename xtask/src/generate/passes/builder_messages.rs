//! The pass that keeps typify's builders from allocating the messages of fields not yet
//! supplied.

use syn::visit_mut::{self, VisitMut};

use super::{Context, inline_module};
use crate::Error;

/// typify's builder of a type holds each field as `Result<T, String>`, made as
/// `Err("no value supplied for <field>".to_string())`: every request with a body allocated a
/// message per field, then dropped it when the field was set. The error becomes
/// `Cow<'static, str>`: a field not yet supplied borrows its message, a setter whose conversion
/// fails still formats its own, and typify's `ConversionError` (a `Cow<'static, str>` itself)
/// takes either. A file with builders must have typify's `error` module beside them, or
/// generation fails.
pub(crate) fn with_borrowed_messages(file: &mut syn::File, cx: &Context) -> Result<(), Error> {
    let Some(types) = inline_module(&mut file.items, "types") else {
        return Ok(());
    };
    let Some(builder) = inline_module(types, "builder") else {
        return Ok(());
    };
    let mut borrowed = 0;
    for item in builder.iter_mut() {
        match item {
            syn::Item::Struct(builder) => {
                for field in &mut builder.fields {
                    borrowed += usize::from(with_cow_error(&mut field.ty));
                }
            }
            syn::Item::Impl(block) if is_default(block) => {
                BorrowedLiterals.visit_item_impl_mut(block)
            }
            syn::Item::Impl(block) if block.trait_.is_none() => {
                OwnedFormats.visit_item_impl_mut(block)
            }
            _ => {}
        }
    }
    if borrowed == 0 {
        return Ok(());
    }
    let Some(error) = inline_module(types, "error") else {
        return Err(cx.failed(
            "typify's builders no longer sit beside its `error` module; update \
             `with_borrowed_messages` in xtask/src/generate/passes/builder_messages.rs to the \
             new shape",
        ));
    };
    error.push(syn::parse_quote! {
        impl From<::std::borrow::Cow<'static, str>> for ConversionError {
            fn from(value: ::std::borrow::Cow<'static, str>) -> Self {
                Self(value)
            }
        }
    });
    Ok(())
}

/// Whether `block` implements `Default`.
fn is_default(block: &syn::ItemImpl) -> bool {
    block
        .trait_
        .as_ref()
        .and_then(|(path, _)| path.segments.last())
        .is_some_and(|last| last.ident == "Default")
}

/// Turns `ty`, when it is `Result<T, String>`, into `Result<T, Cow<'static, str>>`; answers
/// whether it did.
fn with_cow_error(ty: &mut syn::Type) -> bool {
    let syn::Type::Path(path) = ty else {
        return false;
    };
    let Some(last) = path.path.segments.last_mut() else {
        return false;
    };
    let syn::PathArguments::AngleBracketed(arguments) = &mut last.arguments else {
        return false;
    };
    if last.ident != "Result" || arguments.args.len() != 2 {
        return false;
    }
    let Some(syn::GenericArgument::Type(syn::Type::Path(error))) = arguments.args.last_mut() else {
        return false;
    };
    if error
        .path
        .segments
        .last()
        .is_none_or(|last| last.ident != "String")
    {
        return false;
    }
    *error = syn::parse_quote!(::std::borrow::Cow<'static, str>);
    true
}

/// `"text".to_string()` becomes `Cow::Borrowed("text")`.
struct BorrowedLiterals;

impl VisitMut for BorrowedLiterals {
    fn visit_expr_mut(&mut self, expr: &mut syn::Expr) {
        if let syn::Expr::MethodCall(call) = expr
            && call.method == "to_string"
            && call.args.is_empty()
            && let syn::Expr::Lit(literal) = call.receiver.as_ref()
            && matches!(literal.lit, syn::Lit::Str(_))
        {
            let literal = literal.clone();
            *expr = syn::parse_quote!(::std::borrow::Cow::Borrowed(#literal));
            return;
        }
        visit_mut::visit_expr_mut(self, expr);
    }
}

/// `format!(..)` becomes `Cow::Owned(format!(..))`.
struct OwnedFormats;

impl VisitMut for OwnedFormats {
    fn visit_expr_mut(&mut self, expr: &mut syn::Expr) {
        if let syn::Expr::Macro(call) = expr
            && call.mac.path.is_ident("format")
        {
            let call = call.clone();
            *expr = syn::parse_quote!(::std::borrow::Cow::Owned(#call));
            return;
        }
        visit_mut::visit_expr_mut(self, expr);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_field_not_yet_supplied_borrows_its_message() {
        let mut file: syn::File = syn::parse_quote! {
            pub mod types {
                pub mod builder {
                    pub struct Login {
                        username: ::std::result::Result<::std::string::String, ::std::string::String>,
                        remember: ::std::result::Result<Option<bool>, ::std::string::String>,
                    }
                    impl ::std::default::Default for Login {
                        fn default() -> Self {
                            Self {
                                username: Err("no value supplied for username".to_string()),
                                remember: Ok(Default::default()),
                            }
                        }
                    }
                    impl Login {
                        pub fn username<T>(mut self, value: T) -> Self {
                            self.username = value.try_into().map_err(|e| format!("bad: {e}"));
                            self
                        }
                    }
                }
                pub mod error {
                    pub struct ConversionError(::std::borrow::Cow<'static, str>);
                }
            }
        };
        with_borrowed_messages(&mut file, &Context::for_tests()).unwrap();
        let code = prettyplease::unparse(&file);
        // Compared without whitespace, which the layout of long lines moves.
        let flat: String = code.split_whitespace().collect();
        let login = flat.split("impl").next().unwrap_or_default();
        assert_eq!(
            login.matches("::std::borrow::Cow<'static,str>,").count(),
            2,
            "{code}"
        );
        assert_eq!(login.matches("::std::string::String").count(), 1, "{code}");
        assert!(
            flat.contains(r#"Err(::std::borrow::Cow::Borrowed("novaluesuppliedforusername"),)"#),
            "{code}"
        );
        assert!(
            flat.contains(r#"::std::borrow::Cow::Owned(format!("bad:{e}"))"#),
            "{code}"
        );
        assert!(code.contains("for ConversionError"), "{code}");
    }

    #[test]
    fn builders_without_the_error_module_fail_generation() {
        let mut file: syn::File = syn::parse_quote! {
            pub mod types {
                pub mod builder {
                    pub struct Login {
                        username: ::std::result::Result<::std::string::String, ::std::string::String>,
                    }
                }
            }
        };
        let error = with_borrowed_messages(&mut file, &Context::for_tests()).unwrap_err();
        assert!(error.to_string().contains("builder_messages.rs"), "{error}");
    }
}
