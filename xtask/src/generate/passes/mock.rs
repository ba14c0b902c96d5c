//! The passes over progenitor's `httpmock` extension (`Generator::httpmock`), the crate's
//! `src/generated/httpmock.rs` behind its `httpmock` feature.
//!
//! progenitor's extension only matches requests and builds answers, so the passes over the
//! client do not touch it; these make it fit the client as we edit it and httpmock 0.9:
//! - `regex::Regex::new(pattern).unwrap()` becomes `pattern`: httpmock 0.9's `path_matches`
//!   takes a `&str` or `String` and compiles it, so the crate needs no `regex` of its own; the
//!   pattern loses its leading `^` (a base URL such as SignalWire's ends in the API's own path,
//!   before the operation's), and a path parameter's value is escaped, matched as itself;
//! - every `json_body_obj(..)` (a request matched, an answer given) serializes inside
//!   `telauth_runtime::expose_secrets`: a `Secret` serializes nowhere else, and a mock is the
//!   wire, where secrets are plain;
//! - an operation with a form body matches the body the client sends (encoded by the same
//!   `telauth_runtime::form_urlencoded`, arrays as repeated keys) instead of JSON;
//! - each operation's `When` gains one matcher per security scheme the operation accepts, named
//!   as the scheme's `Credentials` constructor (`bearer_auth(token)`, `basic_auth(username,
//!   password)`, ...), which matches the credential where the credential layer puts it (a cookie
//!   exactly, by name and value); and `and`,
//!   which hands the inner `httpmock::When` to a closure and keeps the typed wrapper, so that any
//!   other header, cookie or query parameter can be matched. Nothing in the extension asserts the
//!   absence of a credential.

use std::collections::BTreeMap;

use proc_macro2::{TokenStream, TokenTree};
use quote::{ToTokens, format_ident, quote};
use syn::visit_mut::{self, VisitMut};

use super::Context;
use crate::Error;

use crate::generate::credentials::AcceptedScheme;
use crate::openapi::names::{method_name, type_name};
use crate::openapi::operations;
use crate::openapi::schemes::Place;

/// Applies every edit to `file`, progenitor's extension; `schemes` are each operation's
/// accepted schemes (by method name).
pub(crate) fn apply(
    file: &mut syn::File,
    cx: &Context,
    schemes: &[(String, Vec<AcceptedScheme>)],
) -> Result<(), Error> {
    let literals = without_regex(file, cx)?;
    with_exposed_secrets(file, cx)?;
    let forms = with_form_bodies(file, cx)?;
    let (basic, cookie) = with_credential_matchers(file, cx, schemes)?;
    sealed(file, cx)?;
    glob_import_allowed(file);
    with_array_query_params(file);
    super::query_secrets::with_exposed_query_matchers(file, cx);
    let helpers = [
        (literals, literal_helper as fn() -> TokenStream),
        (forms, form_body_helper),
        (cookie, has_cookie_helper),
        (basic, basic_authorization_helper),
    ];
    for (_, helper) in helpers.into_iter().filter(|(needed, _)| *needed) {
        file.items
            .push(syn::parse2(helper()).map_err(|error| {
                cx.failed(format!("the mock's helper does not parse: {error}"))
            })?);
    }
    Ok(())
}

/// The helper `literal`, which the paths' patterns call on each value ([`without_regex`]).
fn literal_helper() -> TokenStream {
    quote! {
        /// `text` as a pattern that matches exactly it (as the regex crate's `escape` does).
        fn literal(text: &dyn std::fmt::Display) -> String {
            let text = text.to_string();
            let mut escaped = String::with_capacity(text.len());
            for c in text.chars() {
                if "\\.+*?()|[]{}^$#&-~".contains(c) {
                    escaped.push('\\');
                }
                escaped.push(c);
            }
            escaped
        }
    }
}

/// The helper `form_body`, which a form body's matcher calls ([`with_form_bodies`]).
fn form_body_helper() -> TokenStream {
    quote! {
        /// `value` as the client sends it: `telauth_runtime::form_urlencoded`'s encoding.
        fn form_body<T: serde::Serialize + ?Sized>(value: &T) -> String {
            let mut request = reqwest::Request::new(
                reqwest::Method::POST,
                reqwest::Url::parse("http://localhost/").expect("a literal URL"),
            );
            telauth_runtime::form_urlencoded(&mut request, value)
                .unwrap_or_else(|error| panic!("the mock's form body cannot be encoded: {error}"));
            request
                .body()
                .and_then(reqwest::Body::as_bytes)
                .map(|bytes| String::from_utf8_lossy(bytes).into_owned())
                .unwrap_or_default()
        }
    }
}

/// The helper `has_cookie`, which a cookie scheme's matcher calls ([`matcher`]).
fn has_cookie_helper() -> TokenStream {
    quote! {
        /// Whether `request` sends the cookie `name` with exactly `value`: a
        /// `name=value` pair of a `Cookie` header, whole, not a substring of one.
        fn has_cookie(request: &::httpmock::HttpMockRequest, name: &str, value: &str) -> bool {
            request
                .headers_vec()
                .iter()
                .filter(|(header, _)| header.eq_ignore_ascii_case("cookie"))
                .flat_map(|(_, cookies)| cookies.split(';'))
                .any(|pair| pair.trim_matches(' ').split_once('=') == Some((name, value)))
        }
    }
}

/// The helper `basic_authorization`, which a Basic scheme's matcher calls ([`matcher`]).
fn basic_authorization_helper() -> TokenStream {
    quote! {
        /// The `Authorization` header of HTTP Basic with `username` and `password`, as
        /// the client sends it.
        fn basic_authorization(username: &str, password: &str) -> String {
            reqwest::Client::new()
                .get("http://localhost/")
                .basic_auth(username, Some(password))
                .build()
                .ok()
                .and_then(|request| {
                    request
                        .headers()
                        .get(reqwest::header::AUTHORIZATION)
                        .and_then(|value| value.to_str().ok())
                        .map(str::to_string)
                })
                .unwrap_or_default()
        }
    }
}

/// Seals `MockServerExt` (a supertrait no one outside the crate can name), so that an
/// operation added to the spec, which adds a method to the trait, is a compatible release:
/// only `httpmock::MockServer` can implement it.
fn sealed(file: &mut syn::File, cx: &Context) -> Result<(), Error> {
    let mut found = 0;
    for item in &mut file.items {
        if let syn::Item::Trait(item) = item
            && item.ident == "MockServerExt"
        {
            found += 1;
            item.supertraits.push(syn::parse_quote! { sealed::Sealed });
        }
    }
    if found != 1 {
        return Err(cx.failed(format!(
            "progenitor's httpmock output has {found} `MockServerExt` traits, not one; update \
             `sealed` in xtask/src/generate/passes/mock.rs"
        )));
    }
    file.items.push(syn::parse_quote! {
        /// Keeps [`MockServerExt`] to `httpmock::MockServer`, so that it can gain a method per
        /// new operation in a compatible release.
        mod sealed {
            pub trait Sealed {}
            impl Sealed for ::httpmock::MockServer {}
        }
    });
    Ok(())
}

/// A query parameter that is an array matches each of its values, as the client sends it
/// (`name=a&name=b`): progenitor would call `to_string` on the `Vec`, which has none.
fn with_array_query_params(file: &mut syn::File) {
    struct Arrays;
    impl VisitMut for Arrays {
        fn visit_impl_item_fn_mut(&mut self, function: &mut syn::ImplItemFn) {
            if takes_vec(&mut function.sig) {
                struct Each;
                impl VisitMut for Each {
                    fn visit_expr_mut(&mut self, expr: &mut syn::Expr) {
                        visit_mut::visit_expr_mut(self, expr);
                        let syn::Expr::MethodCall(call) = expr else {
                            return;
                        };
                        let receiver = &call.receiver;
                        if call.method != "query_param"
                            || call.args.len() != 2
                            || quote!(#receiver).to_string() != "self . 0"
                        {
                            return;
                        }
                        let name = &call.args[0];
                        *expr = syn::parse_quote! {
                            value.iter().fold(self.0, |when, value| {
                                when.query_param(#name, value.to_string())
                            })
                        };
                    }
                }
                Each.visit_block_mut(&mut function.block);
            }
            visit_mut::visit_impl_item_fn_mut(self, function);
        }
    }
    Arrays.visit_file_mut(file);
}

/// Whether `sig` names `<path>::vec::Vec<..>` (as `::std::vec::Vec<T>`), read on the tree.
fn takes_vec(sig: &mut syn::Signature) -> bool {
    // A `VisitMut` that changes nothing: the workspace's syn has no `visit` feature.
    struct Vecs(bool);
    impl VisitMut for Vecs {
        fn visit_path_mut(&mut self, path: &mut syn::Path) {
            let segments: Vec<&syn::PathSegment> = path.segments.iter().collect();
            self.0 |= segments.windows(2).enumerate().any(|(at, pair)| {
                (at > 0 || path.leading_colon.is_some())
                    && pair[0].ident == "vec"
                    && pair[1].ident == "Vec"
                    && matches!(pair[1].arguments, syn::PathArguments::AngleBracketed(_))
            });
            visit_mut::visit_path_mut(self, path);
        }
    }
    let mut vecs = Vecs(false);
    vecs.visit_signature_mut(sig);
    vecs.0
}

/// Allows the `use crate::*;` progenitor puts in `mod operations` to go unused: a spec whose
/// operations take and answer no schema names nothing from the crate there.
fn glob_import_allowed(file: &mut syn::File) {
    for item in &mut file.items {
        let syn::Item::Mod(module) = item else {
            continue;
        };
        let Some((_, items)) = &mut module.content else {
            continue;
        };
        for item in items {
            if let syn::Item::Use(import) = item
                && import.tree.to_token_stream().to_string() == "crate :: *"
            {
                import
                    .attrs
                    .push(syn::parse_quote! { #[allow(unused_imports)] });
            }
        }
    }
}

/// `regex::Regex::new(pattern).unwrap()` becomes `pattern` (a `&format!(..)` its `String`, each
/// value in it escaped by the helper `literal`); answers whether a value is.
fn without_regex(file: &mut syn::File, cx: &Context) -> Result<bool, Error> {
    struct Regexes(usize, bool);
    impl VisitMut for Regexes {
        fn visit_expr_mut(&mut self, expr: &mut syn::Expr) {
            visit_mut::visit_expr_mut(self, expr);
            let syn::Expr::MethodCall(unwrap) = expr else {
                return;
            };
            if unwrap.method != "unwrap" || !unwrap.args.is_empty() {
                return;
            }
            let syn::Expr::Call(new) = unwrap.receiver.as_ref() else {
                return;
            };
            let syn::Expr::Path(function) = new.func.as_ref() else {
                return;
            };
            let names: Vec<String> = function
                .path
                .segments
                .iter()
                .map(|segment| segment.ident.to_string())
                .collect();
            if names != ["regex", "Regex", "new"] || new.args.len() != 1 {
                return;
            }
            let mut pattern = match &new.args[0] {
                syn::Expr::Reference(reference) => reference.expr.as_ref().clone(),
                other => other.clone(),
            };
            unanchored(&mut pattern);
            if let syn::Expr::Macro(format) = &mut pattern {
                // A path parameter's value is matched as itself, not as a pattern.
                type Args = syn::punctuated::Punctuated<syn::Expr, syn::Token![,]>;
                let Ok(mut args) = format.mac.parse_body_with(Args::parse_terminated) else {
                    return;
                };
                for arg in args.iter_mut().skip(1) {
                    // progenitor writes `value.to_string()`, as the client does: kept, since a
                    // constrained string type has it only through `Deref<Target = String>`.
                    let value = arg.clone();
                    *arg = syn::parse_quote! { super::literal(&#value) };
                    self.1 = true;
                }
                format.mac.tokens = quote!(#args);
            }
            *expr = pattern;
            self.0 += 1;
        }
    }
    let mut regexes = Regexes(0, false);
    regexes.visit_file_mut(file);
    if (regexes.0 == 0 && !operations(cx.api).is_empty()) || names_regex(file) {
        return Err(cx.failed(
            "progenitor's httpmock extension no longer matches paths with \
             `regex::Regex::new(..).unwrap()` (xtask/src/generate/passes/mock.rs)",
        ));
    }
    Ok(regexes.1)
}

/// Whether `file` still names the `regex` crate: a path through `regex` (`regex::Regex`), in
/// code or in a macro's tokens. Read on the tree, not on the file's text, which would cost a
/// stringification of the whole extension.
fn names_regex(file: &mut syn::File) -> bool {
    // A `VisitMut` that changes nothing: the workspace's syn has no `visit` feature.
    struct Names(bool);
    impl VisitMut for Names {
        fn visit_path_mut(&mut self, path: &mut syn::Path) {
            let segments = path.segments.len();
            self.0 |= path
                .segments
                .iter()
                .take(segments.saturating_sub(1))
                .any(|segment| segment.ident == "regex");
            visit_mut::visit_path_mut(self, path);
        }
        fn visit_macro_mut(&mut self, mac: &mut syn::Macro) {
            self.0 |= tokens_name_regex(mac.tokens.clone());
            visit_mut::visit_macro_mut(self, mac);
        }
    }
    let mut names = Names(false);
    names.visit_file_mut(file);
    names.0
}

/// Whether `tokens` hold `regex ::` (the ident, then a path separator), at any depth.
fn tokens_name_regex(tokens: TokenStream) -> bool {
    let mut after_regex = false;
    for token in tokens {
        match token {
            TokenTree::Ident(ident) => after_regex = ident == "regex",
            TokenTree::Punct(punct) if after_regex && punct.as_char() == ':' => return true,
            TokenTree::Group(group) => {
                if tokens_name_regex(group.stream()) {
                    return true;
                }
                after_regex = false;
            }
            _ => after_regex = false,
        }
    }
    false
}

/// A path pattern (a literal, or the first argument of `format!`) without its leading `^`: the
/// client's base URL may end in a path of its own (the API's, from the spec's `servers`, or a
/// proxy's), which comes before the operation's path.
fn unanchored(pattern: &mut syn::Expr) {
    let unanchor = |literal: &mut syn::LitStr| {
        if let Some(rest) = literal.value().strip_prefix('^') {
            *literal = syn::LitStr::new(rest, literal.span());
        }
    };
    match pattern {
        syn::Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Str(literal),
            ..
        }) => unanchor(literal),
        syn::Expr::Macro(format) => {
            let mut tokens: Vec<proc_macro2::TokenTree> =
                format.mac.tokens.clone().into_iter().collect();
            if let Some(proc_macro2::TokenTree::Literal(first)) = tokens.first_mut()
                && let Ok(mut literal) = syn::parse2::<syn::LitStr>(quote!(#first))
            {
                unanchor(&mut literal);
                tokens[0] = proc_macro2::TokenTree::Literal(literal.token());
                format.mac.tokens = tokens.into_iter().collect();
            }
        }
        _ => {}
    }
}

/// Every `<x>.json_body_obj(value)` becomes `telauth_runtime::expose_secrets(|| <x>.json_body_obj(value))`.
fn with_exposed_secrets(file: &mut syn::File, cx: &Context) -> Result<(), Error> {
    /// The call, built once and cloned: parsing it anew for each body costs more than the
    /// rest of the pass.
    struct Exposed(usize, syn::ExprCall);
    impl VisitMut for Exposed {
        fn visit_expr_mut(&mut self, expr: &mut syn::Expr) {
            visit_mut::visit_expr_mut(self, expr);
            if matches!(expr, syn::Expr::MethodCall(call) if call.method == "json_body_obj") {
                let mut exposed = self.1.clone();
                if let Some(syn::Expr::Closure(closure)) = exposed.args.first_mut() {
                    *closure.body = expr.clone();
                }
                *expr = syn::Expr::Call(exposed);
                self.0 += 1;
            }
        }
    }
    let mut exposed = Exposed(
        0,
        syn::parse_quote! { telauth_runtime::expose_secrets(|| ()) },
    );
    exposed.visit_file_mut(file);
    // A spec with no JSON body, asked or answered, has no typed body to expose.
    if exposed.0 == 0 && (super::decoding::answers_json(cx.api) || takes_json(cx.api)) {
        return Err(cx.failed(
            "progenitor's httpmock extension no longer serializes bodies with `json_body_obj` \
             (xtask/src/generate/passes/mock.rs)",
        ));
    }
    Ok(())
}

/// Whether an operation of `api` takes a JSON request body.
fn takes_json(api: &openapiv3::OpenAPI) -> bool {
    operations(api).iter().any(|(_, op)| {
        op.operation
            .request_body
            .as_ref()
            .and_then(|body| crate::openapi::resolve_body(api, body))
            .is_some_and(|body| {
                body.content.keys().any(|media| {
                    media == "application/json" || media.starts_with("application/json;")
                })
            })
    })
}

/// The `When` of each operation whose request body is a form matches that body as the client
/// encodes it; answers whether one does.
fn with_form_bodies(file: &mut syn::File, cx: &Context) -> Result<bool, Error> {
    let forms: Vec<String> = operations(cx.api)
        .iter()
        .filter(|(_, op)| {
            let body = op
                .operation
                .request_body
                .as_ref()
                .and_then(|body| body.as_item());
            body.is_some_and(|body| {
                body.content.len() == 1
                    && body
                        .content
                        .contains_key("application/x-www-form-urlencoded")
            })
        })
        .map(|(id, _)| when_name(id))
        .collect();
    for when in &forms {
        let method = when_impl(file, when)
            .and_then(|block| {
                block.items.iter_mut().find_map(|item| match item {
                    syn::ImplItem::Fn(method) if method.sig.ident == "body" => Some(method),
                    _ => None,
                })
            })
            .ok_or_else(|| {
                cx.failed(format!(
                    "progenitor's httpmock extension has no `{when}::body` to match a form body \
                     with (xtask/src/generate/passes/mock.rs)"
                ))
            })?;
        method.block = syn::parse_quote! {{
            Self(
                self.0
                    .header("content-type", "application/x-www-form-urlencoded")
                    .body(super::form_body(value)),
            )
        }};
    }
    Ok(!forms.is_empty())
}

/// Each operation's `When` gains a matcher per scheme it accepts, and `and`; answers whether a
/// Basic matcher and whether a cookie matcher were added.
fn with_credential_matchers(
    file: &mut syn::File,
    cx: &Context,
    schemes: &[(String, Vec<AcceptedScheme>)],
) -> Result<(bool, bool), Error> {
    let by_when: BTreeMap<String, &Vec<AcceptedScheme>> = schemes
        .iter()
        .map(|(operation, accepted)| (when_name(operation), accepted))
        .collect();
    let mut blocks = when_impls(file);
    // Each scheme's matcher, and `and`, the same in every `When`: parsed once, then cloned.
    let mut parsed: BTreeMap<&str, syn::ImplItemFn> = BTreeMap::new();
    let parse = |tokens: TokenStream| -> Result<syn::ImplItemFn, Error> {
        syn::parse2(tokens)
            .map_err(|error| cx.failed(format!("a mock matcher does not parse: {error}")))
    };
    let and = parse(quote! {
        /// Hands the inner [`When`](::httpmock::When) to `matcher` and keeps this wrapper:
        /// for anything the methods here do not match, such as another header.
        pub fn and(self, matcher: impl FnOnce(::httpmock::When) -> ::httpmock::When) -> Self {
            Self(matcher(self.0))
        }
    })?;
    let (mut basic, mut cookie) = (false, false);
    for (when, accepted) in by_when {
        let block = blocks.get_mut(when.as_str()).ok_or_else(|| {
            cx.failed(format!(
                "progenitor's httpmock extension has no `{when}` (xtask/src/generate/passes/mock.rs)"
            ))
        })?;
        let mut added = Vec::new();
        for scheme in accepted {
            basic |= scheme.place == Place::Basic;
            cookie |= matches!(scheme.place, Place::Cookie(_));
            if !parsed.contains_key(scheme.name.as_str()) {
                parsed.insert(&scheme.name, parse(matcher(scheme))?);
            }
            added.push(parsed[scheme.name.as_str()].clone());
        }
        added.push(and.clone());
        for method in added {
            let taken = block.items.iter().any(
                |item| matches!(item, syn::ImplItem::Fn(other) if other.sig.ident == method.sig.ident),
            );
            if taken {
                return Err(cx.failed(format!(
                    "the mock matcher `{when}::{}` is also a parameter's; rename the scheme",
                    method.sig.ident
                )));
            }
            block.items.push(syn::ImplItem::Fn(method));
        }
    }
    Ok((basic, cookie))
}

/// The matcher of one scheme, named as its `Credentials` constructor.
fn matcher(scheme: &AcceptedScheme) -> TokenStream {
    let function = format_ident!("{}", method_name(&scheme.name));
    let doc = |place: &str| {
        let summary = if scheme.summary.is_empty() {
            String::new()
        } else {
            format!(" ({})", scheme.summary)
        };
        format!(
            " Matches the credential of the `{}` scheme{summary}: {place}.",
            scheme.name
        )
    };
    match &scheme.place {
        Place::Basic => {
            let doc = doc("an `Authorization: Basic` header with `username` and `password`");
            quote! {
                #[doc = #doc]
                pub fn #function(self, username: &str, password: &str) -> Self {
                    Self(self.0.header("authorization", super::basic_authorization(username, password)))
                }
            }
        }
        Place::Bearer => {
            let doc = doc("an `Authorization: Bearer` header with `token`");
            quote! {
                #[doc = #doc]
                pub fn #function(self, token: &str) -> Self {
                    Self(self.0.header("authorization", format!("Bearer {token}")))
                }
            }
        }
        Place::Header(name) => {
            let doc = doc(&format!("the header `{name}` with `secret`"));
            quote! {
                #[doc = #doc]
                pub fn #function(self, secret: &str) -> Self {
                    Self(self.0.header(#name, secret))
                }
            }
        }
        Place::Query(name) => {
            let doc = doc(&format!("the query parameter `{name}` with `secret`"));
            quote! {
                #[doc = #doc]
                pub fn #function(self, secret: &str) -> Self {
                    Self(self.0.query_param(#name, secret))
                }
            }
        }
        Place::Cookie(name) => {
            let doc = doc(&format!("the cookie `{name}` with `secret`"));
            quote! {
                #[doc = #doc]
                pub fn #function(self, secret: &str) -> Self {
                    let secret = secret.to_string();
                    Self(self.0.is_true(move |request| super::has_cookie(request, #name, &secret)))
                }
            }
        }
    }
}

/// progenitor's name for the `When` of the operation `operation_id` (`<operation>-when` in
/// Pascal case).
fn when_name(operation_id: &str) -> String {
    type_name(&format!("{}-when", method_name(operation_id)))
}

/// The `impl` block of the struct `name` in the extension's `operations` module.
fn when_impl<'f>(file: &'f mut syn::File, name: &str) -> Option<&'f mut syn::ItemImpl> {
    when_impls(file).remove(name)
}

/// Every inherent `impl` block of the extension's `operations` module, by the struct it is of
/// (the first, should a struct have two): one walk for all the operations.
fn when_impls(file: &mut syn::File) -> BTreeMap<String, &mut syn::ItemImpl> {
    let mut blocks = BTreeMap::new();
    for item in &mut file.items {
        let syn::Item::Mod(module) = item else {
            continue;
        };
        let Some((_, items)) = module
            .content
            .as_mut()
            .filter(|_| module.ident == "operations")
        else {
            continue;
        };
        for item in items {
            if let syn::Item::Impl(block) = item
                && block.trait_.is_none()
                && let syn::Type::Path(path) = block.self_ty.as_ref()
                && let Some(name) = path.path.get_ident()
            {
                blocks.entry(name.to_string()).or_insert(block);
            }
        }
    }
    blocks
}

#[cfg(test)]
mod tests {
    /// Every spec of the corpus gets its mocks, with no `regex` left, every path unanchored
    /// and the secrets exposed.
    #[test]
    fn every_spec_of_the_corpus_gets_its_mocks() {
        let root = crate::workspace_root();
        let runtime = root.join("crates/telauth-runtime");
        let providers = crate::providers::load(&root).unwrap();
        let specs = providers
            .iter()
            .map(|provider| provider.spec.as_str())
            .chain([
                "tests/fixtures/specs/shapes.yaml",
                "tests/fixtures/specs/hostile.yaml",
                "tests/fixtures/fifth-provider/vonage.yaml",
            ]);
        for spec in specs {
            let generated =
                crate::generate::ours(&root, spec, &runtime, &mut crate::generate::Stages::off())
                    .unwrap_or_else(|error| panic!("{spec}: {error}"));
            let (_, mock) = generated
                .files
                .iter()
                .find(|(path, _)| path.ends_with("httpmock.rs"))
                .unwrap();
            assert!(mock.contains("pub trait MockServerExt"), "{spec}");
            assert!(!mock.contains("regex::"), "{spec}");
            assert!(!mock.contains("path_matches(\"^"), "{spec}");
            assert!(
                !mock.contains("json_body_obj") || mock.contains("expose_secrets"),
                "{spec}"
            );
        }
    }
}
