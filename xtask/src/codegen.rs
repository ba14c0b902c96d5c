//! Running progenitor over a spec and shaping its output into the crate's generated files.

use std::cell::Cell;
use std::panic::{self, AssertUnwindSafe};
use std::sync::Once;

use heck::{ToSnakeCase, ToUpperCamelCase};
use openapiv3::OpenAPI;
use proc_macro2::TokenStream;
use progenitor::{GenerationSettings, Generator, HooksMode, InterfaceStyle, TagStyle};
use quote::{format_ident, quote};
use schemars::schema::{InstanceType, SchemaObject};
use syn::visit_mut::{self, VisitMut};

use crate::spec::Spec;
use crate::{normalize, security};

/// The generated sources of one crate, before the header is added.
pub struct Sources {
    /// `src/generated/mod.rs`: the module that holds the other two and re-exports them.
    pub module: String,
    /// `src/generated/client.rs`: the client, its types and the provider's base URL.
    pub client: String,
    /// `src/generated/auth.rs`: the credential layer.
    pub auth: String,
    /// The crates the generated types need besides the always-present ones.
    pub extra_dependencies: Vec<&'static str>,
    /// One line per operation the normalizer rewrote.
    pub notes: Vec<String>,
}

/// Why generation failed: a message, and the place in the spec when there is one.
pub struct Failure {
    /// The place in the spec, as a path of keys, when known.
    pub place: Option<String>,
    /// What went wrong.
    pub message: String,
}

impl From<String> for Failure {
    /// A failure with no place in the spec.
    fn from(message: String) -> Self {
        Self {
            place: None,
            message,
        }
    }
}

/// Generates both sources of `spec`.
pub fn generate(provider: &str, spec: &Spec) -> Result<Sources, Failure> {
    let mut api = spec.api.clone();
    let notes = normalize::error_responses(&mut api);

    let mut generator = Generator::new(&settings());
    let client = catch_panic(|| generator.generate_tokens(&api))?;
    let types = generator.get_type_space();
    let extra_dependencies = [
        (types.uses_uuid(), "uuid"),
        (types.uses_chrono(), "chrono"),
        (types.uses_regress(), "regress"),
        (types.uses_serde_json(), "serde_json"),
    ]
    .into_iter()
    .filter_map(|(used, name)| used.then_some(name))
    .collect();

    let base_url = base_url(&api).map_err(|message| Failure {
        place: Some("servers".into()),
        message,
    })?;
    let auth = security::credential_layer(provider, spec).map_err(|(place, message)| Failure {
        place: Some(place),
        message,
    })?;
    let values = enum_values(&api);
    let mut client = parse(quote! { #client #base_url #values })?;
    with_secure_client(&mut client)?;
    without_api_version(&mut client, crate::compat::operations(&api).len())?;
    with_runtime_bodies(&mut client);
    with_runtime_decoding(&mut client)?;
    let string_enums = crate::open_types::open_types(&mut client)?;
    crate::examples::with_examples(&mut client, &api, &format!("telauth-{provider}"))?;
    Ok(Sources {
        module: format(module(&spec.rel_path, !string_enums.is_empty()))?,
        client: prettyplease::unparse(&client),
        auth: format(auth)?,
        extra_dependencies,
        notes,
    })
}

/// `src/generated/mod.rs`: the client and the credential layer, re-exported at the crate root by
/// the crate's hand-written `lib.rs`, with `UnknownValue` when an enum's `Unknown` variant holds
/// one.
fn module(spec: &str, has_enums: bool) -> TokenStream {
    let unknown = has_enums.then(|| quote! { pub use telauth_runtime::UnknownValue; });
    let doc = format!(
        " Everything in this folder is generated from `{spec}` by `cargo xtask generate`: the \
         client and its types (`client.rs`) and the credential layer (`auth.rs`)."
    );
    quote! {
        #![doc = #doc]
        #[rustfmt::skip]
        mod auth;
        #[rustfmt::skip]
        mod client;

        pub use auth::Credentials;
        pub use client::*;
        #unknown
    }
}

fn settings() -> GenerationSettings {
    let mut settings = GenerationSettings::new();
    settings
        .with_interface(InterfaceStyle::Builder)
        .with_tag(TagStyle::Merged)
        .with_inner_type(quote! { crate::Credentials })
        .with_hooks(HooksMode::Expected)
        .with_conversion(
            SchemaObject {
                instance_type: Some(InstanceType::String.into()),
                format: Some("password".to_string()),
                ..Default::default()
            },
            "crate::Secret",
            std::iter::empty(),
        );
    settings
}

thread_local! {
    /// Whether this thread is running progenitor, whose panics are reported as errors instead.
    static QUIET: Cell<bool> = const { Cell::new(false) };
}

/// Runs progenitor, turning its panics (it asserts on shapes it does not support) into errors.
fn catch_panic(
    run: impl FnOnce() -> Result<TokenStream, progenitor::Error>,
) -> Result<TokenStream, Failure> {
    static QUIET_HOOK: Once = Once::new();
    QUIET_HOOK.call_once(|| {
        let report = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            if !QUIET.get() {
                report(info);
            }
        }));
    });
    QUIET.set(true);
    let outcome = panic::catch_unwind(AssertUnwindSafe(run));
    QUIET.set(false);
    match outcome {
        Ok(Ok(tokens)) => Ok(tokens),
        Ok(Err(error)) => Err(Failure::from(error.to_string())),
        Err(payload) => {
            let reason = payload
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown reason".into());
            Err(Failure::from(format!("progenitor panicked: {reason}")))
        }
    }
}

/// For each string enum among the spec's schemas, `VALUES`: every value the spec lists, in its
/// order, so that code outside the crate (a command's help, an error message) never restates
/// them.
fn enum_values(api: &OpenAPI) -> TokenStream {
    let schemas = api
        .components
        .iter()
        .flat_map(|components| components.schemas.iter());
    let impls = schemas.filter_map(|(name, schema)| {
        let schema = schema.as_item()?;
        let openapiv3::SchemaKind::Type(openapiv3::Type::String(string)) = &schema.schema_kind
        else {
            return None;
        };
        let values: Vec<&String> = string.enumeration.iter().flatten().collect();
        if values.is_empty() || schema.schema_data.nullable {
            return None;
        }
        let ident = format_ident!("{}", name.to_upper_camel_case());
        Some(quote! {
            impl types::#ident {
                /// Every value the spec lists, in its order.
                pub const VALUES: &'static [&'static str] = &[#(#values),*];
            }
        })
    });
    quote! { #(#impls)* }
}

/// The provider's production base URL from `servers[0]`: a constant, or a function of the
/// server variables when the URL has any; and `API_PATH`, the path it ends with, which follows
/// any origin a caller puts in its place.
fn base_url(api: &OpenAPI) -> Result<TokenStream, String> {
    let server = api
        .servers
        .first()
        .ok_or("the spec names no server; give the provider's production URL")?;
    let api_path = server
        .url
        .split_once("://")
        .and_then(|(_, rest)| rest.find('/').map(|slash| &rest[slash..]))
        .unwrap_or_default()
        .trim_end_matches('/');
    let api_path = quote! {
        /// The API's own path below the provider's origin, from the spec's `servers` (empty
        /// when the API sits at the origin's root): what follows an origin of your own.
        pub const API_PATH: &str = #api_path;
    };
    let variables: Vec<(String, String)> = server
        .variables
        .iter()
        .flatten()
        .map(|(name, variable)| {
            (
                name.clone(),
                variable.description.clone().unwrap_or_default(),
            )
        })
        .collect();
    if variables.is_empty() {
        let url = &server.url;
        return Ok(quote! {
            /// The provider's production base URL, from the spec's `servers`.
            pub const BASE_URL: &str = #url;
            #api_path
        });
    }
    let mut template = server.url.clone();
    let mut doc = vec![
        " The provider's production base URL, from the spec's `servers`.".to_string(),
        String::new(),
    ];
    let mut checks = Vec::new();
    let params = variables.iter().map(|(name, description)| {
        let ident = format_ident!("{}", name.to_snake_case());
        template = template.replace(&format!("{{{name}}}"), &format!("{{{ident}}}"));
        doc.push(format!(" - `{ident}`: {description}"));
        checks.push(quote! { telauth_runtime::dns_label(#name, #ident)?; });
        quote! { #ident: &str }
    });
    let params: Vec<TokenStream> = params.collect();
    doc.extend([
        String::new(),
        " Each variable must be a DNS label, so that no value can point the URL, and the"
            .to_string(),
        " credentials sent to it, at another host.".to_string(),
    ]);
    Ok(quote! {
        #(#[doc = #doc])*
        pub fn base_url(#(#params),*) -> Result<String, telauth_runtime::InvalidServerVariable> {
            #(#checks)*
            Ok(format!(#template))
        }
        #api_path
    })
}

/// Makes the `Client::new` that progenitor writes finish its reqwest builder with
/// `telauth_runtime::secure_client` (no redirects, no `Referer`, no proxy for plain `http`, TLS
/// 1.2 at least), and makes the doc of `Client::new_with_client`, which takes any reqwest client
/// as it is, say what that client must not do.
///
/// The edits are made on the syntax tree: the builder chain
/// `reqwest::ClientBuilder::new().connect_timeout(..).timeout(..)` is wrapped, and it and
/// `new_with_client` must each be found exactly once, so a change in progenitor's output fails
/// generation instead of silently dropping the rules.
fn with_secure_client(file: &mut syn::File) -> Result<(), Failure> {
    struct Secure {
        builders: usize,
        escape_hatches: usize,
    }
    impl VisitMut for Secure {
        fn visit_expr_mut(&mut self, expr: &mut syn::Expr) {
            if is_client_builder(expr) {
                self.builders += 1;
                *expr = syn::parse_quote! { telauth_runtime::secure_client(#expr) };
                return;
            }
            visit_mut::visit_expr_mut(self, expr);
        }
        fn visit_impl_item_fn_mut(&mut self, function: &mut syn::ImplItemFn) {
            if function.sig.ident == "new_with_client" {
                self.escape_hatches += 1;
                function.attrs.retain(|attr| !attr.path().is_ident("doc"));
                let doc = [
                    " A client over `client`, used as it is: prefer [`Client::new`] or",
                    " [`Client::with_builder`], which apply telauth's rules.",
                    "",
                    " `client` must follow no redirect (a default reqwest client does, carrying",
                    " a password or a Basic header to whatever host the redirect names), send no",
                    " `Referer` (which would repeat a URL whose query may hold a key) and send no",
                    " plain-`http` request through a proxy; build it from",
                    " [`telauth_runtime::secure_client`] to get all three (with the `rustls-ring`",
                    " feature, it also installs the ring crypto provider, without which reqwest",
                    " panics when it builds a client).",
                ];
                function.attrs.splice(
                    0..0,
                    doc.iter().map(|line| syn::parse_quote! { #[doc = #line] }),
                );
            }
            visit_mut::visit_impl_item_fn_mut(self, function);
        }
    }
    let mut secure = Secure {
        builders: 0,
        escape_hatches: 0,
    };
    secure.visit_file_mut(file);
    if (secure.builders, secure.escape_hatches) != (1, 1) {
        return Err(Failure::from(format!(
            "progenitor's client no longer builds `Client::new` with \
                 `reqwest::ClientBuilder::new().connect_timeout(..).timeout(..)` and has \
                 `new_with_client` exactly once each (found {} and {}); update \
                 `with_secure_client` in xtask/src/codegen.rs to the new shape",
            secure.builders, secure.escape_hatches
        )));
    }
    Ok(())
}

/// Whether `expr` is `reqwest::ClientBuilder::new().connect_timeout(..).timeout(..)`.
fn is_client_builder(expr: &syn::Expr) -> bool {
    let syn::Expr::MethodCall(timeout) = expr else {
        return false;
    };
    let syn::Expr::MethodCall(connect) = timeout.receiver.as_ref() else {
        return false;
    };
    let syn::Expr::Call(new) = connect.receiver.as_ref() else {
        return false;
    };
    let syn::Expr::Path(path) = new.func.as_ref() else {
        return false;
    };
    let segments: Vec<String> = path
        .path
        .segments
        .iter()
        .map(|segment| segment.ident.to_string())
        .collect();
    timeout.method == "timeout"
        && connect.method == "connect_timeout"
        && segments == ["reqwest", "ClientBuilder", "new"]
}

/// Removes the `api-version` header progenitor adds to every request (from `info.version`): no
/// provider documents it, and nothing goes on the wire that the API does not describe.
///
/// Each operation's `header_map.append(HeaderName::from_static("api-version"), ..)` statement is
/// removed from the syntax tree, and the then possibly unmutated `let mut header_map` is allowed
/// to stay `mut`. Every operation must have had one, so a change in progenitor's output fails
/// generation instead of letting the header through.
fn without_api_version(file: &mut syn::File, operations: usize) -> Result<(), Failure> {
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
        return Err(Failure::from(format!(
            "progenitor no longer adds the `api-version` header once per operation (found {} \
                 for {operations} operations); update `without_api_version` in \
                 xtask/src/codegen.rs to the new shape",
            header.0
        )));
    }
    Ok(())
}

/// Serializes request bodies through the runtime, inside `telauth_runtime::expose_secrets`
/// (a `Secret` serializes nowhere else): `<builder>.json(&body)` becomes
/// `telauth_runtime::json_body(<builder>, &body).map_err(Error::InvalidRequest)?`, and
/// `<builder>.form_urlencoded(&body)?` becomes `telauth_runtime::form_urlencoded(..)`, which
/// also encodes an array as repeated keys (progenitor's `serde_urlencoded` refuses arrays).
fn with_runtime_bodies(file: &mut syn::File) {
    struct Bodies;
    impl VisitMut for Bodies {
        fn visit_expr_mut(&mut self, expr: &mut syn::Expr) {
            visit_mut::visit_expr_mut(self, expr);
            let call = match expr {
                syn::Expr::Try(attempt) => match attempt.expr.as_ref() {
                    syn::Expr::MethodCall(call) if call.method == "form_urlencoded" => call,
                    _ => return,
                },
                syn::Expr::MethodCall(call) if call.method == "json" => call,
                _ => return,
            };
            if call.args.len() != 1 {
                return;
            }
            let (builder, body) = (&call.receiver, &call.args[0]);
            let function = if call.method == "json" {
                quote! { telauth_runtime::json_body }
            } else {
                quote! { telauth_runtime::form_urlencoded }
            };
            *expr = syn::parse_quote! {
                #function(#builder, #body).map_err(Error::InvalidRequest)?
            };
        }
    }
    Bodies.visit_file_mut(file);
}

/// Decodes every answer through `telauth_runtime::decode`, which keeps no byte of a body that
/// fails to decode: each `ResponseValue::from_response(response)` becomes
/// `telauth_runtime::decode(response)`. Every operation answers JSON somewhere, so finding none
/// means progenitor's output changed shape, and generation fails.
fn with_runtime_decoding(file: &mut syn::File) -> Result<(), Failure> {
    struct Decode(usize);
    impl VisitMut for Decode {
        fn visit_expr_mut(&mut self, expr: &mut syn::Expr) {
            visit_mut::visit_expr_mut(self, expr);
            let syn::Expr::Call(call) = expr else {
                return;
            };
            let syn::Expr::Path(path) = call.func.as_ref() else {
                return;
            };
            let names: Vec<String> = path
                .path
                .segments
                .iter()
                .map(|segment| segment.ident.to_string())
                .collect();
            if names == ["ResponseValue", "from_response"] && call.args.len() == 1 {
                let response = &call.args[0];
                self.0 += 1;
                *expr = syn::parse_quote! { telauth_runtime::decode(#response) };
            }
        }
    }
    let mut decode = Decode(0);
    decode.visit_file_mut(file);
    if decode.0 == 0 {
        return Err(Failure::from(
            "progenitor's client no longer decodes answers with \
             `ResponseValue::from_response`; update `with_runtime_decoding` in \
             xtask/src/codegen.rs to the new shape"
                .to_string(),
        ));
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

fn parse(tokens: TokenStream) -> Result<syn::File, Failure> {
    syn::parse2::<syn::File>(tokens)
        .map_err(|error| Failure::from(format!("the generated code does not parse: {error}")))
}

fn format(tokens: TokenStream) -> Result<String, Failure> {
    parse(tokens).map(|file| prettyplease::unparse(&file))
}
