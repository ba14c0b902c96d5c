//! `cargo xtask generate`: each spec run through progenitor, its output edited by the passes and
//! completed with the credential layer and the constants, then written as the crate's
//! `src/generated/` files, all or none.

mod constants;
mod credentials;
mod files;
mod normalize;
mod passes;
mod progenitor;

use std::path::Path;
use std::time::{Duration, Instant};

use proc_macro2::TokenStream;
use quote::quote;

pub(crate) use files::body;
pub use files::{FileState, GENERATED, GeneratedFile};

use crate::Error;
use crate::openapi::{self, Spec};
use crate::providers::{self, Provider};

/// Whether [`generate`] writes the files or only compares them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Write every file whose content changed.
    Write,
    /// Write nothing; report the files that differ from what the specs give.
    Check,
}

/// What [`generate`] did for one provider.
#[derive(Debug)]
pub struct ProviderReport {
    /// The provider.
    pub provider: Provider,
    /// The spec's sha256.
    pub sha256: String,
    /// How long parsing and generating took.
    pub elapsed: Duration,
    /// The files, with their state.
    pub files: Vec<GeneratedFile>,
    /// The operations the normalizer rewrote, one line each.
    pub notes: Vec<String>,
}

impl ProviderReport {
    /// The files that were stale (in check mode, they still are).
    pub fn stale(&self) -> impl Iterator<Item = &GeneratedFile> {
        self.files
            .iter()
            .filter(|file| !matches!(file.state, FileState::UpToDate))
    }
}

/// What [`generate`] did.
#[derive(Debug)]
pub struct Generation {
    /// One report per provider, in the order generated.
    pub reports: Vec<ProviderReport>,
}

/// Generates the crates of the providers selected by `provider` (all when `None`) under `root`.
///
/// Every spec is parsed and generated, and every changed file written to a temporary file,
/// before any file is replaced (by renaming), so an error in a spec leaves every file as it
/// was. Should a rename itself fail midway, the files renamed before it keep their new content
/// and the error says so; running generate again completes the set.
pub fn generate(root: &Path, provider: Option<&str>, mode: Mode) -> Result<Generation, Error> {
    let mut reports = Vec::new();
    for provider in providers::select(provider)? {
        let started = Instant::now();
        let spec = openapi::load(root, provider.spec)?;
        let sources = sources(provider.name, &spec)?;
        files::check_dependencies(root, &provider, &sources.extra_dependencies)?;
        let files = files::plan(root, &provider, &spec, &sources)?;
        reports.push(ProviderReport {
            provider,
            sha256: spec.sha256,
            elapsed: started.elapsed(),
            files,
            notes: sources.notes,
        });
    }
    if mode == Mode::Write {
        let mut files: Vec<&mut GeneratedFile> = reports
            .iter_mut()
            .flat_map(|report| &mut report.files)
            .collect();
        files::write(root, &mut files)?;
    }
    Ok(Generation { reports })
}

/// What became of the generated files when [`generate`] failed with `error`, in a sentence.
pub fn outcome(error: &Error) -> &'static str {
    match error {
        Error::Write { .. } => {
            "Files renamed into place before this one keep their new content; \
             run `cargo xtask generate` again once the cause is fixed."
        }
        _ => "No file was written.",
    }
}

/// The generated sources of one crate, before the header is added.
pub(crate) struct Sources {
    /// `src/generated/mod.rs`: the module that holds the other two and re-exports them.
    pub(crate) module: String,
    /// `src/generated/client.rs`: the client, its types and the provider's base URL.
    pub(crate) client: String,
    /// `src/generated/auth.rs`: the credential layer.
    pub(crate) auth: String,
    /// The crates the generated types need besides the always-present ones.
    pub(crate) extra_dependencies: Vec<&'static str>,
    /// One line per operation the normalizer rewrote.
    pub(crate) notes: Vec<String>,
}

/// Generates the sources of the crate of `provider` from `spec`: the spec normalized, run
/// through progenitor, the constants added, every pass applied, and the credential layer.
fn sources(provider: &str, spec: &Spec) -> Result<Sources, Error> {
    let mut api = spec.api.clone();
    let notes = normalize::error_responses(&mut api);
    let generated = progenitor::run(&api, &spec.path)?;
    let client = generated.client;
    let base_url = constants::base_url(spec, &api)?;
    let auth = credentials::credential_layer(provider, spec)?;
    let values = constants::enum_values(&api);
    let operations = constants::operation_ids(&api);
    let krate = format!("telauth-{provider}");
    let cx = passes::Context {
        path: &spec.path,
        api: &api,
        krate: &krate,
    };
    let mut client = parse(&cx, quote! { #client #base_url #values #operations })?;
    let string_enums = passes::apply(&mut client, &cx)?;
    Ok(Sources {
        module: format(&cx, files::module(&spec.rel_path, !string_enums.is_empty()))?,
        client: prettyplease::unparse(&client),
        auth: format(&cx, auth)?,
        extra_dependencies: generated.extra_dependencies,
        notes,
    })
}

fn parse(cx: &passes::Context, tokens: TokenStream) -> Result<syn::File, Error> {
    syn::parse2::<syn::File>(tokens)
        .map_err(|error| cx.failed(format!("the generated code does not parse: {error}")))
}

fn format(cx: &passes::Context, tokens: TokenStream) -> Result<String, Error> {
    parse(cx, tokens).map(|file| prettyplease::unparse(&file))
}
