//! `cargo xtask generate`: each spec run through progenitor, its output edited by the passes and
//! completed with the credential layer and the constants, then written as the crate's
//! `src/generated/` files, all or none.

mod constants;
mod credentials;
mod doc_blocks;
mod files;
mod manifest;
mod normalize;
pub(crate) mod parameter_names;
mod passes;
mod progenitor;
mod scaffold;
pub mod selection;
mod stages;

use std::path::Path;
use std::time::{Duration, Instant};

use proc_macro2::TokenStream;
use quote::quote;

pub use files::{FileState, GeneratedFile};

pub use scaffold::{CompileCheck, NewProvider, new_provider};
pub use selection::Selector;
pub use stages::Stages;

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
    let mut workspace = manifest::Workspace::read(root)?;
    for provider in providers::select(root, provider)? {
        let started = Instant::now();
        let spec = openapi::load(root, &provider.spec)?;
        let sources = sources(&provider.name, &spec, &mut Stages::off())?;
        let mut files = files::plan(root, &provider, &spec, &sources)?;
        files.push(manifest::plan(
            root,
            &provider,
            &sources.extra_dependencies,
            &mut workspace,
        )?);
        let mut notes = spec.notes;
        notes.extend(sources.notes);
        reports.push(ProviderReport {
            provider,
            sha256: spec.sha256,
            elapsed: started.elapsed(),
            files,
            notes,
        });
    }
    if let (Some(file), Some(report)) = (workspace.plan(), reports.last_mut()) {
        report.files.push(file);
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

/// A crate's sources, generated from one spec in memory, for `cargo xtask bench`: its files
/// (relative to the crate) and the crates they need.
#[derive(Debug)]
pub struct Standalone {
    /// `src/lib.rs` and the files it includes.
    pub files: Vec<(String, String)>,
    /// The `[dependencies]` lines of its manifest; `runtime` names the `telauth-runtime` folder.
    pub dependencies: String,
}

/// What `cargo xtask generate` makes of the spec `spec` (relative to `root`): every file of
/// `src/generated/`, under a `lib.rs` like a provider crate's; each stage timed in `stages`.
pub fn ours(
    root: &Path,
    spec: &str,
    runtime: &Path,
    stages: &mut Stages,
) -> Result<Standalone, Error> {
    let loaded = stages.time("load", || openapi::load(root, spec))?;
    let name = Path::new(spec)
        .file_stem()
        .and_then(|stem| stem.to_str())
        .unwrap_or("bench");
    let sources = sources(name, &loaded, stages)?;
    let mut names: Vec<&str> = manifest::ALWAYS.iter().map(|d| d.name).collect();
    names.extend(sources.extra_dependencies.iter().copied());
    Ok(Standalone {
        files: vec![
            (
                "src/lib.rs".into(),
                "#[rustfmt::skip]\nmod generated;\npub use generated::*;\npub use telauth_runtime::Secret;\n"
                    .into(),
            ),
            ("src/generated/mod.rs".into(), sources.module),
            ("src/generated/client.rs".into(), sources.client),
            ("src/generated/auth.rs".into(), sources.auth),
            ("src/generated/httpmock.rs".into(), sources.mock),
        ],
        dependencies: manifest::dependency_lines(&names, runtime),
    })
}

/// progenitor's own output for the spec `spec`, given the document ours is generated from (the
/// spec normalized, without our extensions: progenitor cannot take every spec as written), as
/// the `lib.rs` of a crate, and with `mocks` its `httpmock` extension too, formatted the same
/// way as `src/httpmock.rs` (a file `lib.rs` does not include); see `progenitor::plain`.
pub fn progenitor_plain(
    root: &Path,
    spec: &str,
    mocks: bool,
    stages: &mut Stages,
) -> Result<Standalone, Error> {
    let loaded = stages.time("load", || openapi::load(root, spec))?;
    let api = stages.time("normalize", || {
        let mut api = without_our_extensions(&loaded.path, &loaded.api)?;
        normalize::error_responses(&mut api);
        Ok::<_, Error>(api)
    })?;
    let generated = stages.time("progenitor", || {
        progenitor::plain(&api, &loaded.path, mocks)
    })?;
    let unparse = |what: &str, tokens: TokenStream| {
        syn::parse2::<syn::File>(tokens)
            .map(|file| prettyplease::unparse(&file))
            .map_err(|error| Error::Generate {
                path: loaded.path.clone(),
                message: format!("progenitor's {what} does not parse: {error}"),
            })
    };
    let mut files = vec![(
        "src/lib.rs".into(),
        stages.time("format client", || unparse("output", generated.client))?,
    )];
    if mocks {
        files.push((
            "src/httpmock.rs".into(),
            stages.time("format mocks", || {
                unparse("httpmock extension", generated.mock)
            })?,
        ));
    }
    let mut names = vec!["progenitor-client", "reqwest", "serde"];
    names.extend(generated.extra_dependencies.iter().copied());
    Ok(Standalone {
        files,
        dependencies: manifest::dependency_lines(&names, Path::new("")),
    })
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
    /// `src/generated/httpmock.rs`: the typed `httpmock` extension.
    pub(crate) mock: String,
    /// The crates the generated types need besides the always-present ones.
    pub(crate) extra_dependencies: Vec<&'static str>,
    /// One line per operation the normalizer rewrote.
    pub(crate) notes: Vec<String>,
}

/// Generates the sources of the crate of `provider` from `spec`: the spec normalized, run
/// through progenitor, the constants added, every pass applied, and the credential layer; each
/// stage timed in `stages`. The mocks (progenitor's `httpmock` extension and its passes) are
/// made on a thread of their own while the client is.
fn sources(provider: &str, spec: &Spec, stages: &mut Stages) -> Result<Sources, Error> {
    let (api, notes, renames) = stages.time("normalize", || prepared(spec))?;
    let krate = format!("telauth-{provider}");
    let cx = passes::Context {
        path: &spec.path,
        api: &api,
        krate: &krate,
    };
    let (client, mock) = side_by_side(
        stages,
        |stages| client_module(&cx, provider, spec, &renames, stages),
        |stages| mock_module(&cx, spec, &renames, stages),
    );
    let (client, (mock, mock_stray)) = Failed::first(client, mock)?;
    let mut extra_dependencies = client.extra_dependencies;
    // An operation without a typed body is mocked with `serde_json::Value`.
    if mock.contains("serde_json") && !extra_dependencies.contains(&"serde_json") {
        extra_dependencies.push("serde_json");
    }
    // The examples are parsed, to be sure, while the client is formatted.
    let (sources, examples) = side_by_side(
        stages,
        |stages| {
            stages.time("format", || {
                Ok::<_, Error>(Sources {
                    module: format(&cx, files::module(&spec.rel_path, client.string_enums))?,
                    client: prettyplease::unparse(&client.file),
                    auth: format(&cx, client.auth)?,
                    mock,
                    extra_dependencies,
                    notes,
                })
            })
        },
        |stages| stages.time("examples check", || client.examples.check(&cx)),
    );
    examples?;
    let sources = sources?;
    stages.time("doctest check", || {
        only_our_doctests(&cx, &sources, mock_stray)
    })?;
    Ok(sources)
}

/// Runs `here` on this thread and `beside` on a thread of its own, at once; each times its
/// stages, `beside`'s added after `here`'s. A panic in `beside` goes on here.
fn side_by_side<H, B: Send>(
    stages: &mut Stages,
    here: impl FnOnce(&mut Stages) -> H,
    beside: impl FnOnce(&mut Stages) -> B + Send,
) -> (H, B) {
    let mut other = stages.like();
    let both = std::thread::scope(|scope| {
        let beside = scope.spawn(|| beside(&mut other));
        let here = here(stages);
        let beside = beside
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (here, beside)
    });
    stages.extend(other);
    both
}

/// Why one of generation's two pipelines (the client's, the mocks') failed: in progenitor, or
/// later. Of two failures, generation reports the one it met first when the pipelines ran one
/// after the other (progenitor for the client, then for the mocks, then the client's passes,
/// then the mocks').
enum Failed {
    /// progenitor refused the spec.
    Progenitor(Error),
    /// A later stage failed.
    Later(Error),
}

impl Failed {
    /// Both pipelines' outputs, or the failure to report.
    fn first<C, M>(client: Result<C, Failed>, mock: Result<M, Failed>) -> Result<(C, M), Error> {
        match (client, mock) {
            (Ok(client), Ok(mock)) => Ok((client, mock)),
            (Err(Failed::Progenitor(error)), _) | (_, Err(Failed::Progenitor(error))) => Err(error),
            (Err(Failed::Later(error)), _) | (_, Err(Failed::Later(error))) => Err(error),
        }
    }
}

/// The client's pipeline, before formatting: what it made.
struct ClientModule {
    /// `client.rs`, every pass applied.
    file: syn::File,
    /// The credential layer.
    auth: TokenStream,
    /// Whether a string enum was opened ([`passes::apply`]).
    string_enums: bool,
    /// The examples written, still to be parsed.
    examples: passes::examples::Written,
    /// The crates the generated types need besides the always-present ones.
    extra_dependencies: Vec<&'static str>,
}

/// progenitor's client for `cx.api`, the constants and the credential layer added and every
/// pass applied.
fn client_module(
    cx: &passes::Context,
    provider: &str,
    spec: &Spec,
    renames: &[parameter_names::Renamed],
    stages: &mut Stages,
) -> Result<ClientModule, Failed> {
    let generated = stages
        .time("progenitor client", || progenitor::client(cx.api, cx.path))
        .map_err(Failed::Progenitor)?;
    client_passes(cx, provider, spec, generated, renames, stages).map_err(Failed::Later)
}

/// The client's pipeline after progenitor: the constants and the credential layer added, the
/// whole parsed, every pass applied.
fn client_passes(
    cx: &passes::Context,
    provider: &str,
    spec: &Spec,
    generated: progenitor::Generated,
    renames: &[parameter_names::Renamed],
    stages: &mut Stages,
) -> Result<ClientModule, Error> {
    let client = generated.client;
    let (base_url, auth, operations) = stages.time("constants and credentials", || {
        Ok::<_, Error>((
            constants::base_url(spec, cx.api)?,
            credentials::credential_layer(provider, spec)?,
            constants::operation_ids(spec, cx.api)?,
        ))
    })?;
    let mut file = stages.time("parse client", || {
        parse(cx, quote! { #client #base_url #operations })
    })?;
    let applied = passes::apply(&mut file, cx, stages)?;
    stages.time("wire names", || {
        passes::wire_names::with_wire_names(&mut file, renames)
    });
    Ok(ClientModule {
        file,
        auth,
        string_enums: !applied.string_enums.is_empty(),
        examples: applied.examples,
        extra_dependencies: generated.extra_dependencies,
    })
}

/// `src/generated/httpmock.rs`: progenitor's `httpmock` extension for `cx.api`, its doc, the
/// passes of `passes::mock`, the wire names, formatted; with the first doctest in it the
/// generator did not write ([`only_our_doctests`] refuses it).
fn mock_module(
    cx: &passes::Context,
    spec: &Spec,
    renames: &[parameter_names::Renamed],
    stages: &mut Stages,
) -> Result<(String, Option<doc_blocks::Stray>), Failed> {
    let mock = stages
        .time("mocks: progenitor", || progenitor::mocks(cx.api, cx.path))
        .map_err(Failed::Progenitor)?;
    let mock = mock_passes(cx, spec, mock, renames, stages).map_err(Failed::Later)?;
    let stray = stages.time("mocks: doctest check", || {
        doc_blocks::strays(&mock).into_iter().next()
    });
    Ok((mock, stray))
}

/// The mocks' pipeline after progenitor: the module's doc added, the passes of `passes::mock`
/// and the wire names applied, formatted.
fn mock_passes(
    cx: &passes::Context,
    spec: &Spec,
    mock: TokenStream,
    renames: &[parameter_names::Renamed],
    stages: &mut Stages,
) -> Result<String, Error> {
    let doc = format!(
        " Typed [`httpmock`](::httpmock) mocks of each operation of `{}`, for testing code that \
         calls this crate's [`Client`](crate::Client): `use {}::httpmock::MockServerExt`, then \
         `server.<operation>(|when, then| ..)` on an `httpmock::MockServer`, where `when` matches \
         the operation's parameters, body and credential and `then` answers one of its \
         documented statuses with its type.",
        spec.rel_path,
        cx.lib_name(),
    );
    let mut mock = stages.time("mocks: parse", || {
        parse(cx, quote! { #![doc = #doc] #mock })
    })?;
    let schemes = credentials::accepted_schemes(spec)?;
    stages.time("mocks: passes", || {
        passes::mock::apply(&mut mock, cx, &schemes)
    })?;
    stages.time("mocks: wire names", || {
        passes::wire_names::with_wire_names(&mut mock, renames)
    });
    Ok(stages.time("mocks: format", || prettyplease::unparse(&mock)))
}

/// The document progenitor generates from: `spec` without our extensions, its error responses
/// normalized and its colliding parameter names renamed; with the notes and the renames.
fn prepared(
    spec: &Spec,
) -> Result<
    (
        openapiv3::OpenAPI,
        Vec<String>,
        Vec<parameter_names::Renamed>,
    ),
    Error,
> {
    let mut api = without_our_extensions(&spec.path, &spec.api)?;
    let mut notes = normalize::error_responses(&mut api);
    let (renamed, renames) = parameter_names::rename_colliding(&mut api);
    notes.extend(renamed);
    Ok((api, notes, renames))
}

/// Refuses a generated file whose doc comments hold a code block rustdoc would compile that
/// the generator did not write ([`doc_blocks`]); `mock_stray` is the first of `httpmock.rs`,
/// found on the mocks' thread.
fn only_our_doctests(
    cx: &passes::Context,
    sources: &Sources,
    mock_stray: Option<doc_blocks::Stray>,
) -> Result<(), Error> {
    let files = [
        ("mod.rs", &sources.module),
        ("client.rs", &sources.client),
        ("auth.rs", &sources.auth),
    ];
    let strays = files
        .into_iter()
        .map(|(name, code)| (name, doc_blocks::strays(code).into_iter().next()))
        .chain([("httpmock.rs", mock_stray)]);
    for (name, stray) in strays {
        if let Some(stray) = stray {
            return Err(cx.failed(format!(
                "the generated {name} would hold a doctest the generator did not write (a doc \
                 comment at its line {}, a block starting `{}`); spec text must reach doc \
                 comments inert: report this as a bug of the xtask",
                stray.line, stray.first_line
            )));
        }
    }
    Ok(())
}

fn parse(cx: &passes::Context, tokens: TokenStream) -> Result<syn::File, Error> {
    syn::parse2::<syn::File>(tokens)
        .map_err(|error| cx.failed(format!("the generated code does not parse: {error}")))
}

fn format(cx: &passes::Context, tokens: TokenStream) -> Result<String, Error> {
    parse(cx, tokens).map(|file| prettyplease::unparse(&file))
}

/// `api` without the `x-telauth-*` extensions (our decisions and notes, for the xtask and
/// FIDELITY.md): typify keeps a schema's extensions, and a `format: password` schema that
/// carries one would no longer match the conversion to `crate::Secret`. (A YAML value keeps
/// the order of every map, which progenitor's output follows.)
fn without_our_extensions(
    path: &Path,
    api: &openapiv3::OpenAPI,
) -> Result<openapiv3::OpenAPI, Error> {
    use serde_yaml_ng::Value;
    fn strip(value: &mut Value) {
        match value {
            Value::Mapping(map) => {
                map.retain(|key, _| {
                    !key.as_str()
                        .is_some_and(|key| key.starts_with("x-telauth-"))
                });
                map.values_mut().for_each(strip);
            }
            Value::Sequence(items) => items.iter_mut().for_each(strip),
            _ => {}
        }
    }
    let failed = |error: serde_yaml_ng::Error| Error::Generate {
        path: path.to_path_buf(),
        message: format!("the spec does not round-trip: {error}"),
    };
    let mut value = serde_yaml_ng::to_value(api).map_err(failed)?;
    strip(&mut value);
    serde_yaml_ng::from_value(value).map_err(failed)
}

#[cfg(test)]
mod tests {
    use super::Failed;
    use crate::Error;

    fn failed(what: &str) -> Error {
        Error::command(what, "failed")
    }

    /// Of the two pipelines' failures, the one reported is the one met first when they ran one
    /// after the other: progenitor's for the client, for the mocks, then the client's later
    /// stages, then the mocks'.
    #[test]
    fn the_failure_reported_is_the_first_of_the_sequential_order() {
        let first = |client: Result<(), Failed>, mock: Result<(), Failed>| {
            Failed::first(client, mock).unwrap_err().to_string()
        };
        let client = || Err(Failed::Progenitor(failed("client progenitor")));
        let mock = || Err(Failed::Progenitor(failed("mock progenitor")));
        let client_later = || Err(Failed::Later(failed("client passes")));
        let mock_later = || Err(Failed::Later(failed("mock passes")));
        assert!(first(client(), mock()).contains("client progenitor"));
        assert!(first(client_later(), mock()).contains("mock progenitor"));
        assert!(first(client_later(), mock_later()).contains("client passes"));
        assert!(first(Ok(()), mock_later()).contains("mock passes"));
        assert!(Failed::first(Ok(1), Ok(2)).is_ok_and(|both| both == (1, 2)));
    }
}
