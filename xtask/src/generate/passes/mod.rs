//! The edits made on progenitor's syntax tree, each a pass of its own; a pass whose shape it
//! edits is no longer in progenitor's output fails generation loudly, naming its file here.

mod api_version;
mod bodies;
mod builder_imports;
mod builder_messages;
mod decoding;
pub(crate) mod examples;
pub(crate) mod mock;
mod native_only;
mod open_types;
pub(crate) mod query_secrets;
mod secure_client;
mod values;
pub(crate) mod wire_names;

pub(crate) use values::constant_name;

use std::collections::BTreeSet;
use std::path::Path;

use openapiv3::OpenAPI;

use super::Stages;
use crate::Error;

/// What the passes read besides the syntax tree.
pub(crate) struct Context<'a> {
    /// The spec's path, which an error names.
    pub(crate) path: &'a Path,
    /// The document progenitor generated from (normalized).
    pub(crate) api: &'a OpenAPI,
    /// The crate's package name, such as `telauth-voipbin`.
    pub(crate) krate: &'a str,
}

impl Context<'_> {
    /// The crate's name in Rust paths, such as `telauth_voipbin`.
    pub(crate) fn lib_name(&self) -> String {
        self.krate.replace('-', "_")
    }

    /// Generation failed, for the reason `message`.
    pub(crate) fn failed(&self, message: impl Into<String>) -> Error {
        Error::Generate {
            path: self.path.to_path_buf(),
            message: message.into(),
        }
    }

    /// A context over an empty document, for the passes' own tests.
    #[cfg(test)]
    pub(crate) fn for_tests() -> Self {
        static API: std::sync::OnceLock<OpenAPI> = std::sync::OnceLock::new();
        Context {
            path: Path::new("specs/test.yaml"),
            api: API.get_or_init(OpenAPI::default),
            krate: "telauth-test",
        }
    }
}

/// The items of the inline module `name` among `items` (progenitor's `types`, `builder`, or
/// typify's `error` inside `types`).
pub(crate) fn inline_module<'a>(
    items: &'a mut [syn::Item],
    name: &str,
) -> Option<&'a mut Vec<syn::Item>> {
    items.iter_mut().find_map(|item| match item {
        syn::Item::Mod(module) if module.ident == name => {
            module.content.as_mut().map(|(_, items)| items)
        }
        _ => None,
    })
}

/// What [`apply`] answers besides the edited tree.
pub(crate) struct Applied {
    /// The string enums that [`open_types::open_types`] opened.
    pub(crate) string_enums: BTreeSet<String>,
    /// The examples written, still to be parsed ([`examples::Written::check`]).
    pub(crate) examples: examples::Written,
}

/// Runs every pass over `file`, progenitor's client, in order, each timed in `stages`.
pub(crate) fn apply(
    file: &mut syn::File,
    cx: &Context,
    stages: &mut Stages,
) -> Result<Applied, Error> {
    stages.time("passes: values", || {
        values::check_operation_names(file, cx)?;
        values::with_enum_values(file, cx)
    })?;
    stages.time("passes: secure client", || {
        secure_client::with_secure_client(file, cx)
    })?;
    stages.time("passes: native only", || {
        native_only::without_wasm_branch(file, cx)
    })?;
    stages.time("passes: api-version", || {
        api_version::without_api_version(file, cx)
    })?;
    stages.time("passes: bodies", || bodies::with_runtime_bodies(file, cx))?;
    stages.time("passes: query secrets", || {
        query_secrets::with_exposed_query_secrets(file, cx)
    });
    stages.time("passes: decoding", || {
        decoding::with_runtime_decoding(file, cx)
    })?;
    let string_enums = stages.time("passes: open types", || open_types::open_types(file, cx))?;
    stages.time("passes: builder messages", || {
        builder_messages::with_borrowed_messages(file, cx)
    })?;
    let examples = stages.time("passes: examples", || examples::with_examples(file, cx))?;
    stages.time("passes: imports", || {
        builder_imports::without_unused_types_import(file)
    });
    Ok(Applied {
        string_enums,
        examples,
    })
}
