//! The maintainer tasks of the telauth workspace, as a library so that tests can run them on a
//! copy of the workspace. `cargo xtask generate` is the command line over [`generate()`].
//!
//! By concern: [`openapi`] loads a spec and walks it; [`mod@generate`] turns it into a provider
//! crate's `src/generated/`; [`release`] audits, checks, publishes and rehearses the release;
//! [`upkeep`] keeps the specs true to the providers' published documents;
//! [`mod@bench`] measures; `support` runs programs and edits manifests and files; [`cli`] only
//! parses the command line and dispatches. Dependencies go one way: [`generated_files`] (what a
//! generated file is) and [`providers`] (the providers of the root a job is given) are leaves
//! that `generate` and `release` share, and `generate` uses nothing of `release`.

pub mod bench;
pub mod cli;
mod error;
pub mod generate;
pub mod generated_files;
pub mod openapi;
pub mod providers;
pub mod release;
mod support;
pub mod upkeep;

use std::path::{Path, PathBuf};

pub use error::Error;
pub use generate::{FileState, GeneratedFile, Generation, Mode, ProviderReport, generate};
pub use generated_files::GENERATED;
pub use providers::Provider;
pub use release::{audit, compat, msrv, publish, rehearse};

/// The workspace root this xtask was built in.
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default()
}
