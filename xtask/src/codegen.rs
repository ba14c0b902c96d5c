//! Running progenitor over a spec and shaping its output into the crate's generated files.

use std::cell::Cell;
use std::panic::{self, AssertUnwindSafe};
use std::sync::Once;

use heck::ToSnakeCase;
use openapiv3::OpenAPI;
use proc_macro2::TokenStream;
use progenitor::{GenerationSettings, Generator, HooksMode, InterfaceStyle, TagStyle};
use quote::{format_ident, quote};
use schemars::schema::{InstanceType, SchemaObject};

use crate::spec::Spec;
use crate::{normalize, security};

/// The generated sources of one crate, before the header is added.
pub struct Sources {
    /// `src/generated.rs`: the client, its types and the provider's base URL.
    pub client: String,
    /// `src/auth.rs`: the credential layer.
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
    Ok(Sources {
        client: without_redirects(format(quote! { #client #base_url })?)?,
        auth: format(auth)?,
        extra_dependencies,
        notes,
    })
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
    let failure = |message: String| Failure {
        place: None,
        message,
    };
    match outcome {
        Ok(Ok(tokens)) => Ok(tokens),
        Ok(Err(error)) => Err(failure(error.to_string())),
        Err(payload) => {
            let reason = payload
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown reason".into());
            Err(failure(format!("progenitor panicked: {reason}")))
        }
    }
}

/// The provider's production base URL from `servers[0]`: a constant, or a function of the
/// server variables when the URL has any.
fn base_url(api: &OpenAPI) -> Result<TokenStream, String> {
    let server = api
        .servers
        .first()
        .ok_or("the spec names no server; give the provider's production URL")?;
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
        });
    }
    let mut template = server.url.clone();
    let mut doc = vec![
        " The provider's production base URL, from the spec's `servers`.".to_string(),
        String::new(),
    ];
    let params = variables.iter().map(|(name, description)| {
        let ident = format_ident!("{}", name.to_snake_case());
        template = template.replace(&format!("{{{name}}}"), &format!("{{{ident}}}"));
        doc.push(format!(" - `{ident}`: {description}"));
        quote! { #ident: &str }
    });
    let params: Vec<TokenStream> = params.collect();
    Ok(quote! {
        #(#[doc = #doc])*
        pub fn base_url(#(#params),*) -> String {
            format!(#template)
        }
    })
}

/// Makes the `Client::new` that progenitor writes build a reqwest client that follows no
/// redirect: a redirect would carry the request (a login body holds a password) to another host,
/// past the credential layer's checks. The caller sees the 3xx as an unexpected response.
fn without_redirects(client: String) -> Result<String, Failure> {
    const BUILDER: &str = "reqwest::ClientBuilder::new().connect_timeout(dur).timeout(dur)";
    if client.matches(BUILDER).count() != 1 {
        return Err(Failure {
            place: None,
            message: format!(
                "progenitor's `Client::new` no longer contains `{BUILDER}` once; update \
                 `without_redirects` in xtask/src/codegen.rs to the new shape"
            ),
        });
    }
    Ok(client.replacen(
        BUILDER,
        &format!("{BUILDER}.redirect(reqwest::redirect::Policy::none())"),
        1,
    ))
}

fn format(tokens: TokenStream) -> Result<String, Failure> {
    syn::parse2::<syn::File>(tokens)
        .map(|file| prettyplease::unparse(&file))
        .map_err(|error| Failure {
            place: None,
            message: format!("the generated code does not parse: {error}"),
        })
}
