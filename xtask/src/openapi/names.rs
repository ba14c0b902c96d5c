//! The names progenitor and typify give the items they generate, derived here the same way, so
//! that what the xtask adds (the credential layer, the constants, the examples) is keyed like
//! progenitor's output; and the one check that a name is a Rust identifier.

use heck::{ToPascalCase, ToSnakeCase};

/// The method progenitor generates for the operation `operation_id`, which is also the
/// `operation_id` its hooks are given (`OperationInfo`): progenitor-impl's `sanitize(id,
/// Case::Snake)` (`util.rs`), reproduced.
pub(crate) fn method_name(operation_id: &str) -> String {
    sanitize(operation_id, Case::Snake, "_")
}

/// The type typify generates for the component schema `name`: typify-impl's `sanitize(name,
/// Case::Pascal)`, reproduced.
pub(crate) fn type_name(name: &str) -> String {
    sanitize(name, Case::Pascal, "X")
}

/// The builder method typify or progenitor generates for the property or parameter `name`.
pub(crate) fn field_name(name: &str) -> String {
    sanitize(name, Case::Snake, "x")
}

/// `name` as an identifier, when it is one (not a keyword, not empty, no other character).
pub(crate) fn ident(name: &str) -> Option<syn::Ident> {
    syn::parse_str::<syn::Ident>(name).ok()
}

enum Case {
    Snake,
    Pascal,
}

fn sanitize(input: &str, case: Case, prefix: &str) -> String {
    let to_case = |text: &str| match case {
        Case::Snake => text.to_snake_case(),
        Case::Pascal => text.to_pascal_case(),
    };
    let out = match input {
        "+1" => "plus1".to_string(),
        "-1" => "minus1".to_string(),
        _ => to_case(
            &input
                .replace('\'', "")
                .replace(|c: char| !unicode_ident::is_xid_continue(c), "-"),
        ),
    };
    let out = match out.chars().next() {
        None => to_case("x"),
        Some(c) if unicode_ident::is_xid_start(c) => out,
        Some(_) => format!("{prefix}{out}"),
    };
    if accept_as_ident(&out) {
        out
    } else {
        format!("{out}_")
    }
}

/// typify's `accept_as_ident`: false for the keywords (and `_`), to which a `_` is appended.
fn accept_as_ident(ident: &str) -> bool {
    !matches!(
        ident,
        "_" | "abstract"
            | "as"
            | "async"
            | "await"
            | "become"
            | "box"
            | "break"
            | "const"
            | "continue"
            | "crate"
            | "do"
            | "dyn"
            | "else"
            | "enum"
            | "extern"
            | "false"
            | "final"
            | "fn"
            | "for"
            | "gen"
            | "if"
            | "impl"
            | "in"
            | "let"
            | "loop"
            | "macro"
            | "match"
            | "mod"
            | "move"
            | "mut"
            | "override"
            | "priv"
            | "pub"
            | "ref"
            | "return"
            | "Self"
            | "self"
            | "static"
            | "struct"
            | "super"
            | "trait"
            | "true"
            | "try"
            | "type"
            | "typeof"
            | "unsafe"
            | "unsized"
            | "use"
            | "virtual"
            | "where"
            | "while"
            | "yield"
    )
}

#[cfg(test)]
mod tests {
    use super::{method_name, type_name};

    #[test]
    fn names_follow_progenitor() {
        assert_eq!(method_name("FetchKey"), "fetch_key");
        assert_eq!(method_name("key.get"), "key_get");
        assert_eq!(method_name("accesskeys_list"), "accesskeys_list");
        assert_eq!(method_name("1st"), "_1st");
        assert_eq!(method_name("type"), "type_");
        assert_eq!(method_name(""), "x");
        assert_eq!(type_name("key.Status"), "KeyStatus");
        assert_eq!(type_name("1Status"), "X1status");
    }
}
