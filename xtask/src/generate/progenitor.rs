//! progenitor itself: the settings it generates with, and a run of it over a spec (the client,
//! then its `httpmock` extension) whose panics become errors.

use std::cell::Cell;
use std::panic::{self, AssertUnwindSafe};
use std::path::Path;
use std::sync::Once;

use openapiv3::OpenAPI;
use proc_macro2::TokenStream;
use progenitor::{GenerationSettings, Generator, HooksMode, InterfaceStyle, TagStyle};
use quote::quote;
use schemars::schema::{InstanceType, SchemaObject};

use crate::Error;

/// What progenitor generated from a spec.
pub(crate) struct Generated {
    /// The client and its types.
    pub(crate) client: TokenStream,
    /// progenitor's typed `httpmock` extension (`Generator::httpmock`) for that client, whose
    /// types it names through `crate::`; empty unless asked for.
    pub(crate) mock: TokenStream,
    /// The crates the generated types need besides the always-present ones.
    pub(crate) extra_dependencies: Vec<&'static str>,
}

/// Runs progenitor over `api`, the spec at `path`, for the client (its `mock` left empty:
/// [`mocks`] makes it).
pub(crate) fn client(api: &OpenAPI, path: &Path) -> Result<Generated, Error> {
    let mut generator = Generator::new(&settings());
    let client = catch_panic(path, || generator.generate_tokens(api)).map_err(|error| {
        match (error, culprit(api)) {
            (Error::Generate { path, message }, Some(operation)) => Error::Generate {
                path,
                message: format!("{message} (at {operation}, generated alone)"),
            },
            (error, _) => error,
        }
    })?;
    Ok(Generated {
        client,
        mock: TokenStream::new(),
        extra_dependencies: extra_dependencies(&generator),
    })
}

/// progenitor's `httpmock` extension of the client [`client`] generates from `api`, by a
/// generator of its own with the same settings (the extension names the client's types as the
/// client's generator does, having read the same schemas and operations in the same order), so
/// that it can run on another thread than the client's.
pub(crate) fn mocks(api: &OpenAPI, path: &Path) -> Result<TokenStream, Error> {
    let mut generator = Generator::new(&settings());
    catch_panic(path, || generator.httpmock(api, "crate"))
}

/// progenitor's own output for `api`, for `cargo xtask bench` to compare ours with: the same
/// interface (builders, merged tags) but nothing of ours (no credential layer, no hooks, no
/// `Secret`), as a crate of its own would hold it, with its `httpmock` extension when `mocks`
/// (else none); and the crates it needs.
pub(crate) fn plain(api: &OpenAPI, path: &Path, mocks: bool) -> Result<Generated, Error> {
    let mut settings = GenerationSettings::new();
    settings
        .with_interface(InterfaceStyle::Builder)
        .with_tag(TagStyle::Merged);
    let mut generator = Generator::new(&settings);
    let client = catch_panic(path, || generator.generate_tokens(api))?;
    let mock = if mocks {
        catch_panic(path, || generator.httpmock(api, "crate"))?
    } else {
        TokenStream::new()
    };
    let extra_dependencies = extra_dependencies(&generator);
    Ok(Generated {
        client,
        mock,
        extra_dependencies,
    })
}

/// The crates besides the always-present ones that `generator`'s output uses.
fn extra_dependencies(generator: &Generator) -> Vec<&'static str> {
    let types = generator.get_type_space();
    [
        (types.uses_uuid(), "uuid"),
        (types.uses_chrono(), "chrono"),
        (types.uses_regress(), "regress"),
        (types.uses_serde_json(), "serde_json"),
        (generator.uses_futures(), "futures"),
        (generator.uses_websockets(), "base64"),
        (generator.uses_websockets(), "rand"),
    ]
    .into_iter()
    .filter_map(|(used, name)| used.then_some(name))
    .collect()
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

/// The first operation of `api` that progenitor fails on when it generates it alone, as
/// `METHOD /path (operationId)`: the place a panic names, which progenitor's message does not.
fn culprit(api: &OpenAPI) -> Option<String> {
    let routes: Vec<(String, String, String)> = crate::openapi::operations(api)
        .into_iter()
        .map(|(id, op)| (op.path.to_string(), op.method.to_string(), id))
        .collect();
    routes.into_iter().find_map(|(path, method, id)| {
        let mut alone = api.clone();
        alone.paths.paths.retain(|p, _| *p == path);
        for item in alone.paths.paths.values_mut() {
            if let openapiv3::ReferenceOr::Item(item) = item {
                let keep = item
                    .iter()
                    .find(|(m, _)| *m == method)
                    .map(|(_, op)| op.clone());
                let parameters = std::mem::take(&mut item.parameters);
                *item = openapiv3::PathItem {
                    parameters,
                    ..Default::default()
                };
                match method.as_str() {
                    "get" => item.get = keep,
                    "put" => item.put = keep,
                    "post" => item.post = keep,
                    "delete" => item.delete = keep,
                    "options" => item.options = keep,
                    "head" => item.head = keep,
                    "patch" => item.patch = keep,
                    _ => item.trace = keep,
                }
            }
        }
        let mut generator = Generator::new(&settings());
        catch_panic(Path::new(""), || generator.generate_tokens(&alone))
            .is_err()
            .then(|| {
                crate::openapi::pointer::escape_text(&format!(
                    "{} {path} ({id})",
                    method.to_uppercase()
                ))
            })
    })
}

/// Runs progenitor, turning its panics (it asserts on shapes it does not support) into errors.
fn catch_panic(
    path: &Path,
    run: impl FnOnce() -> Result<TokenStream, progenitor::Error>,
) -> Result<TokenStream, Error> {
    let failed = |message: String| Error::Generate {
        path: path.to_path_buf(),
        message,
    };
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
    match outcome {
        Ok(Ok(tokens)) => Ok(tokens),
        Ok(Err(error)) => Err(failed(error.to_string())),
        Err(payload) => {
            let reason = payload
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown reason".into());
            Err(failed(format!("progenitor panicked: {reason}")))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::culprit;

    #[test]
    fn a_failure_names_the_operation_that_fails_alone() {
        let api: openapiv3::OpenAPI = serde_yaml_ng::from_str(
            "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /ok:\n    get:\n      operationId: ok\n      responses: {'200': {description: ok}}\n  /bad:\n    parameters: [{name: session, in: cookie, schema: {type: string}}]\n    get:\n      operationId: bad\n      responses: {'200': {description: ok}}\n",
        )
        .unwrap();
        assert_eq!(culprit(&api).as_deref(), Some("GET /bad (bad)"));
    }
}
