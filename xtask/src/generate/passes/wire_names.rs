//! The provider's names put back on the wire for the parameters renamed for generation
//! ([`parameter_names`](crate::generate::parameter_names)): every string literal that is a
//! generated name (unique in the document by construction) becomes the wire name, in the
//! client's requests and in the typed mocks' matchers alike.

use syn::visit_mut::VisitMut;

use crate::generate::parameter_names::Renamed;

/// Replaces each generated name in `file`'s string literals by its wire name; answers how many
/// literals changed.
pub(crate) fn with_wire_names(file: &mut syn::File, renames: &[Renamed]) -> usize {
    struct Names<'a> {
        renames: &'a [Renamed],
        changed: usize,
    }
    impl VisitMut for Names<'_> {
        fn visit_lit_str_mut(&mut self, literal: &mut syn::LitStr) {
            let value = literal.value();
            if let Some(renamed) = self.renames.iter().find(|r| r.generated == value) {
                *literal = syn::LitStr::new(&renamed.wire, literal.span());
                self.changed += 1;
            }
        }
    }
    if renames.is_empty() {
        return 0;
    }
    let mut names = Names {
        renames,
        changed: 0,
    };
    names.visit_file_mut(file);
    names.changed
}

#[cfg(test)]
mod tests {
    use super::with_wire_names;
    use crate::generate::parameter_names::Renamed;

    #[test]
    fn generated_names_become_wire_names_in_literals_only() {
        let mut file: syn::File = syn::parse_quote! {
            fn send() {
                let q = QueryParam::new("DateCreatedBefore", &date_created_before);
                let other = "DateCreated";
            }
        };
        let renames = [Renamed {
            generated: "DateCreatedBefore".into(),
            wire: "DateCreated<".into(),
        }];
        assert_eq!(with_wire_names(&mut file, &renames), 1);
        let text = quote::quote!(#file).to_string();
        assert!(text.contains("\"DateCreated<\""), "{text}");
        assert!(text.contains("date_created_before"), "{text}");
        assert!(text.contains("\"DateCreated\""), "{text}");
    }
}
