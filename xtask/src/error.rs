//! The xtask's one error type. A variant is kept only where code tells one failure from another
//! (`generate::outcome` on [`Error::Write`], the generator on [`Error::Generate`], the audit's
//! baseline on [`Error::Command`]); every other failure is an [`Error::Context`]: a sentence
//! that names the file, and the place in it, that is wrong.

use std::fmt::Display;
use std::io;
use std::path::{Path, PathBuf};

/// Why a task of the xtask stopped.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// progenitor refused a spec (or panicked on it).
    #[error("{}: the generator failed: {message}", path.display())]
    Generate {
        /// The spec progenitor was given.
        path: PathBuf,
        /// progenitor's message.
        message: String,
    },
    /// A command the xtask runs (cargo metadata, cargo publish, ...) failed.
    #[error("`{command}` failed: {message}")]
    Command {
        /// The command line that failed, program first.
        command: String,
        /// What it said (the end of its stderr).
        message: String,
    },
    /// A file could not be written.
    #[error("{}: cannot write: {source}", path.display())]
    Write {
        /// The file the xtask was writing.
        path: PathBuf,
        /// What the system said.
        source: io::Error,
    },
    /// Any other failure: what went wrong, naming the file and the place, and the system's
    /// error under it when there is one.
    #[error("{what}{}", source.as_ref().map(|source| format!(": {source}")).unwrap_or_default())]
    Context {
        /// What went wrong, and where.
        what: String,
        /// The error under it, if any.
        source: Option<io::Error>,
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

    /// The file at `path` could not be read.
    pub(crate) fn read(path: impl AsRef<Path>, source: io::Error) -> Self {
        Self::Context {
            what: format!("{}: cannot read", path.as_ref().display()),
            source: Some(source),
        }
    }

    /// The file at `path` is not YAML, TOML or Rust, or not shaped as it must be: `message` says
    /// where and what.
    pub(crate) fn parse(path: impl AsRef<Path>, message: impl Display) -> Self {
        Self::Context {
            what: format!("{}: does not parse: {message}", path.as_ref().display()),
            source: None,
        }
    }

    /// The file at `path` parses but breaks a rule at `place` (a path of keys): `message`.
    pub(crate) fn invalid(
        path: impl AsRef<Path>,
        place: impl Display,
        message: impl Display,
    ) -> Self {
        Self::Context {
            what: format!("{}: at `{place}`: {message}", path.as_ref().display()),
            source: None,
        }
    }

    /// `--provider` (or a job's provider argument) named `name`, which is none of `known`.
    pub(crate) fn unknown_provider(name: impl Display, known: impl Display) -> Self {
        Self::Context {
            what: format!("unknown provider `{name}`; the providers are: {known}"),
            source: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Error;

    #[test]
    fn a_failure_names_its_file_place_and_cause() {
        let missing = std::io::Error::new(std::io::ErrorKind::NotFound, "no such file");
        assert_eq!(
            Error::read("specs/x.yaml", missing).to_string(),
            "specs/x.yaml: cannot read: no such file"
        );
        assert_eq!(
            Error::invalid("specs/x.yaml", "paths./a", "no operation").to_string(),
            "specs/x.yaml: at `paths./a`: no operation"
        );
        assert_eq!(
            Error::parse("Cargo.toml", "line 3").to_string(),
            "Cargo.toml: does not parse: line 3"
        );
    }
}
