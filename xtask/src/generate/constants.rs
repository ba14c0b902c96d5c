//! The constants emitted beside the client: the provider's base URL and `API_PATH` from the
//! spec's `servers`, `VALUES` for each string enum, and the `operations` module of operation
//! ids.

use heck::{ToSnakeCase, ToUpperCamelCase};
use openapiv3::OpenAPI;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::Error;
use crate::openapi::{self, Spec};

/// `pub mod operations`: one constant per operation, its `operationId`, in the spec's order, so
/// that code outside the crate (an error naming the call that failed) never retypes one.
pub(crate) fn operation_ids(api: &OpenAPI) -> TokenStream {
    let constants = openapi::operations(api).into_iter().map(|(id, op)| {
        let ident = format_ident!("{}", id.to_snake_case().to_uppercase());
        let doc = format!(" `{}`.", op.route);
        quote! {
            #[doc = #doc]
            pub const #ident: &str = #id;
        }
    });
    quote! {
        /// The spec's operation ids, one constant per operation.
        pub mod operations {
            #(#constants)*
        }
    }
}

/// For each string enum among the spec's schemas, `VALUES`: every value the spec lists, in its
/// order, so that code outside the crate (a command's help, an error message) never restates
/// them.
pub(crate) fn enum_values(api: &OpenAPI) -> TokenStream {
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
pub(crate) fn base_url(spec: &Spec, api: &OpenAPI) -> Result<TokenStream, Error> {
    let server = api.servers.first().ok_or_else(|| Error::Invalid {
        path: spec.path.clone(),
        place: "servers".into(),
        message: "the spec names no server; give the provider's production URL".into(),
    })?;
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
