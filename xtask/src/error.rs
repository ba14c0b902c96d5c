//! The xtask's one error type: each variant names the file, and the place in it, that is wrong.

use std::io;
use std::path::PathBuf;

/// Why a task of the xtask stopped.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// `--provider` named no known provider.
    #[error("unknown provider `{name}`; the providers are: {known}")]
    UnknownProvider {
        /// What was asked for.
        name: String,
        /// The known names, comma-separated.
        known: String,
    },
    /// A file could not be read.
    #[error("{}: cannot read: {source}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// What the system said.
        source: io::Error,
    },
    /// A spec is not YAML, or not shaped like an OpenAPI document.
    #[error("{}: does not parse: {message}", path.display())]
    Parse {
        /// The spec.
        path: PathBuf,
        /// The place (YAML path, line and column) and what is wrong there.
        message: String,
    },
    /// A spec parses but breaks a rule the generator needs.
    #[error("{}: at `{place}`: {message}", path.display())]
    Invalid {
        /// The spec.
        path: PathBuf,
        /// The place in it, as a path of keys.
        place: String,
        /// What is wrong there.
        message: String,
    },
    /// progenitor refused the spec (or panicked on it).
    #[error("{}: the generator failed: {message}", path.display())]
    Generate {
        /// The spec.
        path: PathBuf,
        /// progenitor's message.
        message: String,
    },
    /// A command the xtask runs (cargo metadata, cargo publish, ...) failed.
    #[error("`{command}` failed: {message}")]
    Command {
        /// The command line.
        command: String,
        /// What it said (the end of its stderr).
        message: String,
    },
    /// A generated file could not be written.
    #[error("{}: cannot write: {source}", path.display())]
    Write {
        /// The file.
        path: PathBuf,
        /// What the system said.
        source: io::Error,
    },
}

impl Error {
    /// A command that failed, with what went wrong.
    pub(crate) fn command(command: &str, message: impl ToString) -> Self {
        Self::Command {
            command: command.to_string(),
            message: message.to_string(),
        }
    }
}
