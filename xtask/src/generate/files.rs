//! The generated files of a crate (their names and headers are [`crate::generated_files`]'s):
//! their text, the module that holds them, how they compare with what is on disk, and how they
//! are written (atomically, and only when they changed).

use std::fs;
use std::path::Path;

use similar::TextDiff;

use proc_macro2::TokenStream;
use quote::quote;

use super::Sources;
use crate::Error;
use crate::generated_files::{GENERATED, MOCK, SPEC_COPY, header, spec_copy_header};
use crate::openapi::Spec;
use crate::providers::Provider;

/// One generated file.
#[derive(Debug)]
pub struct GeneratedFile {
    /// Its path relative to the workspace root, with `/` separators.
    pub path: String,
    /// What the specs give.
    pub contents: String,
    /// How it compares with the file on disk.
    pub state: FileState,
}

/// How a generated file compares with the file on disk.
#[derive(Debug, PartialEq, Eq)]
pub enum FileState {
    /// The file on disk is what the spec gives.
    UpToDate,
    /// The file on disk differs (or is missing): a unified diff from it to what the spec gives.
    Stale {
        /// The diff from the file on disk to what the spec gives, three lines of context.
        diff: String,
    },
    /// The file was stale and has been written.
    Written,
}

/// The files generated for `provider`, compared with the disk.
pub fn plan(
    root: &Path,
    provider: &Provider,
    spec: &Spec,
    sources: &Sources,
) -> Result<Vec<GeneratedFile>, Error> {
    let header = header(&spec.rel_path, &spec.sha256);
    let spec_text = crate::support::fs::read(&spec.path)?;
    let copy = format!(
        "{}{spec_text}",
        spec_copy_header(&spec.rel_path, &spec.sha256)
    );
    GENERATED
        .into_iter()
        .chain([MOCK])
        .zip([
            &sources.module,
            &sources.client,
            &sources.auth,
            &sources.mock,
        ])
        .map(|(name, source)| (name, format!("{header}{source}")))
        .chain([(SPEC_COPY, copy)])
        .map(|(name, contents)| {
            let path = format!("{}/{name}", provider.crate_dir);
            let current = match fs::read_to_string(root.join(&path)) {
                Ok(text) => text,
                Err(error) if error.kind() == std::io::ErrorKind::NotFound => String::new(),
                Err(source) => {
                    return Err(Error::read(root.join(&path), source));
                }
            };
            let state = if current == contents {
                FileState::UpToDate
            } else {
                FileState::Stale {
                    diff: TextDiff::from_lines(&current, &contents)
                        .unified_diff()
                        .context_radius(3)
                        .header(&format!("a/{path}"), &format!("b/{path}"))
                        .to_string(),
                }
            };
            Ok(GeneratedFile {
                path,
                contents,
                state,
            })
        })
        .collect()
}

/// Writes the stale files: all of them to temporary files beside them first, then each renamed
/// over its file, so that a failure to write leaves every file as it was.
pub fn write(root: &Path, files: &mut [&mut GeneratedFile]) -> Result<(), Error> {
    let mut staged = Vec::new();
    for file in files
        .iter()
        .filter(|file| file.state != FileState::UpToDate)
    {
        let path = root.join(&file.path);
        let temp = path.with_extension(format!("tmp{}", std::process::id()));
        let written = path
            .parent()
            .map_or(Ok(()), fs::create_dir_all)
            .and_then(|()| fs::write(&temp, &file.contents));
        if let Err(source) = written {
            for (temp, _) in staged.iter().chain([&(temp, path.clone())]) {
                let _ = fs::remove_file(temp);
            }
            return Err(Error::Write { path, source });
        }
        staged.push((temp, path));
    }
    for (index, (temp, path)) in staged.iter().enumerate() {
        if let Err(source) = fs::rename(temp, path) {
            for (temp, _) in &staged[index..] {
                let _ = fs::remove_file(temp);
            }
            return Err(Error::Write {
                path: path.clone(),
                source,
            });
        }
    }
    for file in files.iter_mut() {
        if file.state != FileState::UpToDate {
            file.state = FileState::Written;
        }
    }
    Ok(())
}

/// `src/generated/mod.rs`: the client and the credential layer, re-exported at the crate root by
/// the crate's hand-written `lib.rs`, with `UnknownValue` when an enum's `Unknown` variant holds
/// one, and the `httpmock` module behind the feature of that name.
pub(crate) fn module(spec: &str, has_enums: bool) -> TokenStream {
    let unknown = has_enums.then(|| quote! { pub use telauth_runtime::UnknownValue; });
    let doc = format!(
        " Everything in this folder is generated from `{spec}` by `cargo xtask generate`: the \
         client and its types (`client.rs`), the credential layer (`auth.rs`) and, with the \
         `httpmock` feature, typed mocks of each operation (`httpmock.rs`)."
    );
    quote! {
        #![doc = #doc]
        #[rustfmt::skip]
        mod auth;
        #[rustfmt::skip]
        mod client;
        #[cfg(feature = "httpmock")]
        #[rustfmt::skip]
        pub mod httpmock;

        pub use auth::Credentials;
        pub use client::*;
        #unknown
    }
}
