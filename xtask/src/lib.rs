//! The maintainer tasks of the telauth workspace, as a library so that tests can run them on a
//! copy of the workspace. `cargo xtask generate` is the command line over [`generate`].

pub mod audit;
pub mod bench;
pub mod cli;
mod codegen;
pub mod compat;
mod error;
mod examples;
mod manifest;
pub mod msrv;
mod normalize;
mod open_types;
mod output;
mod process;
mod providers;
pub mod publish;
pub mod rehearse;
mod security;
mod spec;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

pub use error::Error;
pub use output::{FileState, GENERATED, GeneratedFile};
pub use providers::{PROVIDERS, Provider};

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

/// The workspace root this xtask was built in.
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default()
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
        let spec = spec::load(root, provider.spec)?;
        let spec_path = root.join(provider.spec);
        let sources =
            codegen::generate(provider.name, &spec).map_err(|failure| match failure.place {
                Some(place) => Error::Invalid {
                    path: spec_path.clone(),
                    place,
                    message: failure.message,
                },
                None => Error::Generate {
                    path: spec_path.clone(),
                    message: failure.message,
                },
            })?;
        output::check_dependencies(root, &provider, &sources.extra_dependencies)?;
        let files = output::plan(root, &provider, &spec, &sources)?;
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
        output::write(root, &mut files)?;
    }
    Ok(Generation { reports })
}
