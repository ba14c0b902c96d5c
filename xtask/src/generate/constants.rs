//! The constants emitted beside the client: the provider's base URL and `API_PATH` from the
//! spec's `servers`, `VALUES` for each string enum, and the `operations` module of operation
//! ids.

use heck::ToSnakeCase;
use openapiv3::OpenAPI;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::Error;
use crate::openapi::{self, Spec, names};

/// `pub mod operations`: one constant per operation, in the spec's order, holding the name
/// progenitor gives the operation (its method, and the `operation_id` its hooks and the
/// credential layer are keyed by: the `operationId` as progenitor derives a method name from
/// it), so that code outside the crate (an error naming the call that failed) never retypes
/// one.
pub(crate) fn operation_ids(spec: &Spec, api: &OpenAPI) -> Result<TokenStream, Error> {
    let mut constants = Vec::new();
    for (id, op) in openapi::operations(api) {
        let method = names::method_name(&id);
        let constant = crate::generate::passes::constant_name(&method);
        let ident = names::ident(&constant).ok_or_else(|| {
            Error::invalid(
                &spec.path,
                format!("paths.{}.{}.operationId", op.path, op.method),
                format!("`{constant}` cannot name a constant"),
            )
        })?;
        let doc = if method == id {
            format!(" `{}`.", op.route)
        } else {
            format!(" `{}` (operationId {id:?}).", op.route)
        };
        constants.push(quote! {
            #[doc = #doc]
            pub const #ident: &str = #method;
        });
    }
    Ok(quote! {
        /// The spec's operation ids, one constant per operation.
        pub mod operations {
            #(#constants)*
        }
    })
}

/// The provider's production base URL from `servers[0]`: a constant, or a function of the
/// server variables when the URL has any; and `API_PATH`, the path it ends with, which follows
/// any origin a caller puts in its place. A spec without `servers` gets neither (the caller
/// gives the origin); one whose server is a path (`/v1`) gets `API_PATH` alone.
pub(crate) fn base_url(_spec: &Spec, api: &OpenAPI) -> Result<TokenStream, Error> {
    let Some(server) = api.servers.first() else {
        return Ok(TokenStream::new());
    };
    let absolute = server.url.contains("://");
    let api_path = if absolute {
        server
            .url
            .split_once("://")
            .and_then(|(_, rest)| rest.find('/').map(|slash| &rest[slash..]))
            .unwrap_or_default()
    } else {
        server.url.as_str()
    }
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
    if !absolute {
        return Ok(api_path);
    }
    if variables.is_empty() {
        let url = &server.url;
        return Ok(quote! {
            /// The provider's production base URL, from the spec's `servers`.
            pub const BASE_URL: &str = #url;
            #api_path
        });
    }
    // The URL as a `format!` string: its own braces escaped, each variable an argument.
    let mut template = server.url.replace('{', "{{").replace('}', "}}");
    let mut doc = vec![
        " The provider's production base URL, from the spec's `servers`.".to_string(),
        String::new(),
    ];
    let mut checks = Vec::new();
    let params = variables.iter().map(|(name, description)| {
        let ident = format_ident!("{}", name.to_snake_case());
        template = template.replace(&format!("{{{{{name}}}}}"), &format!("{{{ident}}}"));
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
