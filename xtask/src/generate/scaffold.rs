//! `cargo xtask new-provider NAME --spec FILE`: a fifth provider is data. The spec is copied to
//! `specs/NAME.yaml`, the crate `crates/telauth-NAME` scaffolded (manifest with the same TLS
//! features as the others and the `[package.metadata.telauth]` that makes it a provider,
//! README, `lib.rs`), the crate added to the workspace's members and `[workspace.dependencies]`,
//! and its sources generated, with the dependencies the generated code needs, and the crate
//! checked to compile. All or nothing: a spec that is refused, a generation that fails or
//! panics, and a crate that does not compile leave the workspace exactly as it was.

use std::fs;
use std::path::Path;

use toml_edit::DocumentMut;

use super::selection::{self, Selector};
use crate::Error;

/// What `new-provider` wrote, relative to the workspace root.
#[derive(Debug)]
pub struct NewProvider {
    /// The files created or changed.
    pub files: Vec<String>,
}

/// Adds the provider `name`, whose spec is the file `spec` (its main file, when split), to the
/// workspace at `root`; `only` selects part of the document (all of it when empty), and
/// `compile_check`, when given, keeps the crate only once `cargo check` passes on it.
pub fn new_provider(
    root: &Path,
    name: &str,
    spec: &Path,
    only: &[Selector],
    compile_check: Option<CompileCheck>,
) -> Result<NewProvider, Error> {
    let layout = Layout::of(name);
    check_name(name, spec)?;
    refuse_taken(root, &layout, spec)?;
    // Read (bundled when split, the selection taken) and checked before anything is written.
    let text = selection::spec_text(spec, only)?;
    crate::openapi::check_document(spec, &text)?;
    let before = Before::read(root)?;
    let workspace = before.workspace_with(root, &layout)?;
    let files = [
        (layout.spec.clone(), text),
        (
            format!("{}/Cargo.toml", layout.crate_dir),
            manifest(name, &layout.spec, &workspace.version),
        ),
        (
            format!("{}/README.md", layout.crate_dir),
            readme(name, &layout.spec),
        ),
        (
            format!("{}/src/lib.rs", layout.crate_dir),
            lib(name, &layout.spec),
        ),
    ];
    let written = write_and_generate(root, &layout, spec, &files, &workspace.text, compile_check);
    match written {
        Ok(generation) => {
            let mut paths: Vec<String> = files.into_iter().map(|(path, _)| path).collect();
            paths.push("Cargo.toml".into());
            for file in generation.reports.iter().flat_map(|report| &report.files) {
                if !paths.contains(&file.path) {
                    paths.push(file.path.clone());
                }
            }
            Ok(NewProvider { files: paths })
        }
        Err(error) => {
            before.restore(root, &layout);
            Err(error)
        }
    }
}

/// Where a new provider's files go, relative to the workspace root.
struct Layout {
    /// The provider's short name, as given to `new-provider`.
    name: String,
    /// Its spec: `specs/NAME.yaml`.
    spec: String,
    /// Its crate's folder: `crates/telauth-NAME`.
    crate_dir: String,
    /// Its crate: `telauth-NAME`.
    package: String,
}

impl Layout {
    fn of(name: &str) -> Self {
        Self {
            name: name.to_string(),
            spec: format!("specs/{name}.yaml"),
            crate_dir: format!("crates/telauth-{name}"),
            package: format!("telauth-{name}"),
        }
    }
}

/// The refusal of `new-provider` for the spec `spec`.
fn refused(spec: &Path, message: String) -> Error {
    Error::invalid(spec, "(new-provider)", message)
}

/// Refuses a `name` that cannot name a provider: lowercase letters, digits and `-`, starting
/// with a letter, not ending with `-`.
fn check_name(name: &str, spec: &Path) -> Result<(), Error> {
    let valid_name = name.chars().next().is_some_and(|c| c.is_ascii_lowercase())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !name.ends_with('-');
    if valid_name {
        return Ok(());
    }
    Err(refused(
        spec,
        format!(
            "`{name}` cannot name a provider: use lowercase letters, digits and `-`, starting \
             with a letter"
        ),
    ))
}

/// Refuses a provider whose name, spec, folder or package the workspace at `root` has already.
fn refuse_taken(root: &Path, layout: &Layout, spec: &Path) -> Result<(), Error> {
    let name = layout.name.as_str();
    if crate::providers::load(root)?.iter().any(|p| p.name == name)
        || root.join(&layout.spec).exists()
        || root.join(&layout.crate_dir).exists()
    {
        return Err(refused(
            spec,
            format!(
                "the provider `{name}` exists already ({} or {})",
                layout.spec, layout.crate_dir
            ),
        ));
    }
    if let Some((package, member)) = crate::support::manifest::workspace_packages(root)?
        .into_iter()
        .find(|(package, _)| *package == layout.package)
    {
        return Err(refused(
            spec,
            format!(
                "`{package}` is the name of the workspace package in `{member}`; choose another \
                 name"
            ),
        ));
    }
    Ok(())
}

/// The workspace's files that `new-provider` edits, as they were before, to restore on failure.
struct Before {
    /// The root manifest's text.
    workspace: String,
    /// `Cargo.lock`, when there is one.
    lock: Option<Vec<u8>>,
}

/// The root manifest with the new provider in it.
struct EditedWorkspace {
    /// The root manifest's new text.
    text: String,
    /// The workspace's version, which the new crate starts at.
    version: String,
}

impl Before {
    fn read(root: &Path) -> Result<Self, Error> {
        Ok(Self {
            workspace: crate::support::fs::read(&root.join("Cargo.toml"))?,
            lock: fs::read(root.join("Cargo.lock")).ok(),
        })
    }

    /// The root manifest with the crate of `layout` among its members and dependencies.
    fn workspace_with(&self, root: &Path, layout: &Layout) -> Result<EditedWorkspace, Error> {
        let path = root.join("Cargo.toml");
        let workspace: DocumentMut = self
            .workspace
            .parse()
            .map_err(|error: toml_edit::TomlError| Error::parse(&path, error.to_string()))?;
        let version = workspace["workspace"]["package"]["version"]
            .as_str()
            .unwrap_or("0.1.0")
            .to_string();
        let name = layout.name.as_str();
        let text = add_to_workspace(&self.workspace, name, &layout.crate_dir, &version)
            .filter(|edited| edited.parse::<DocumentMut>().is_ok())
            .ok_or_else(|| {
                Error::invalid(
                    path,
                    "workspace",
                    "no provider crate among the members and [workspace.dependencies] to \
                          add the new one after",
                )
            })?;
        Ok(EditedWorkspace { text, version })
    }

    /// Puts the workspace back as it was: the new crate and spec removed, the manifest and the
    /// lock file restored.
    fn restore(&self, root: &Path, layout: &Layout) {
        let _ = fs::remove_dir_all(root.join(&layout.crate_dir));
        let _ = fs::remove_file(root.join(&layout.spec));
        let _ = fs::write(root.join("Cargo.toml"), &self.workspace);
        let lock_path = root.join("Cargo.lock");
        match &self.lock {
            Some(lock) => drop(fs::write(&lock_path, lock)),
            None => drop(fs::remove_file(&lock_path)),
        }
    }
}

/// Writes `files` and the root manifest `workspace`, generates the new crate and checks it
/// compiles when asked; a panic of the generator is an error naming `spec`.
fn write_and_generate(
    root: &Path,
    layout: &Layout,
    spec: &Path,
    files: &[(String, String)],
    workspace: &str,
    compile_check: Option<CompileCheck>,
) -> Result<super::Generation, Error> {
    let name = layout.name.as_str();
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        for (path, contents) in files {
            crate::support::fs::write(&root.join(path), contents)?;
        }
        crate::support::fs::write_atomically(&root.join("Cargo.toml"), workspace)?;
        let generation = crate::generate(root, Some(name), crate::Mode::Write)?;
        if let Some(check) = &compile_check {
            check.compiles(root, &layout.package, spec)?;
        }
        Ok(generation)
    }))
    .unwrap_or_else(|panic| {
        let message = panic
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| panic.downcast_ref::<&str>().copied())
            .unwrap_or("a panic without a message");
        Err(Error::Generate {
            path: spec.to_path_buf(),
            message: format!("the generator panicked: {message}"),
        })
    })
}

/// How `new-provider` checks that the new crate compiles before it keeps it.
#[derive(Clone, Debug, Default)]
pub struct CompileCheck {
    /// cargo's `--target-dir` for the check; cargo's own default when `None`.
    pub target_dir: Option<std::path::PathBuf>,
}

impl CompileCheck {
    /// Checks that `package` compiles (`cargo check`), naming the first error when it does not.
    /// Every generated module is checked (the client and, with the `httpmock` feature, the typed
    /// mocks); no TLS feature is, since none selects generated code, so no C crypto is built.
    fn compiles(&self, root: &Path, package: &str, spec: &Path) -> Result<(), Error> {
        let mut command =
            std::process::Command::new(std::env::var_os("CARGO").unwrap_or("cargo".into()));
        command
            .args([
                "check",
                "--quiet",
                "--package",
                package,
                "--no-default-features",
                "--features",
                "httpmock",
                "--message-format",
                "short",
            ])
            .current_dir(root);
        if let Some(dir) = &self.target_dir {
            command.arg("--target-dir").arg(dir);
        }
        let output = command
            .output()
            .map_err(|error| Error::command("cargo check", error))?;
        if output.status.success() {
            return Ok(());
        }
        let stderr = String::from_utf8_lossy(&output.stderr);
        let errors: Vec<&str> = stderr
            .lines()
            .filter(|line| line.contains("error"))
            .collect();
        Err(Error::Generate {
            path: spec.to_path_buf(),
            message: format!(
                "the generated crate `{package}` does not compile ({} error line(s)); the first: {}",
                errors.len(),
                crate::openapi::pointer::escape_text(
                    errors.first().copied().unwrap_or("(none shown)")
                )
            ),
        })
    }
}

/// The root manifest `text` with `dir` among `[workspace] members` and `telauth-NAME` in
/// `[workspace.dependencies]`, each on a line of its own after the last provider crate's
/// (edited as text, so that its comments and layout stay).
fn add_to_workspace(text: &str, name: &str, dir: &str, version: &str) -> Option<String> {
    let is_provider = |line: &str, prefix: &str| {
        let line = line.trim_start();
        line.starts_with(prefix)
            && !["runtime", "sandbox", "cli"]
                .iter()
                .any(|other| line.starts_with(&format!("{prefix}{other}")))
    };
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    let member = lines
        .iter()
        .rposition(|line| is_provider(line, "\"crates/telauth-"))?;
    lines.insert(member + 1, format!("    \"{dir}\","));
    let dependency = lines
        .iter()
        .rposition(|line| is_provider(line, "telauth-"))?;
    lines.insert(
        dependency + 1,
        format!(
            "telauth-{name} = {{ path = \"{dir}\", version = \"{version}\", default-features = false }}"
        ),
    );
    let mut edited = lines.join("\n");
    edited.push('\n');
    Some(edited)
}

/// The new crate's manifest: its own `version` (the workspace's, to start with), which the audit
/// and the release move as its spec changes.
fn manifest(name: &str, spec: &str, version: &str) -> String {
    format!(
        r#"[package]
name = "telauth-{name}"
description = "Client for the {name} credential API, with each credential placed where the API expects it. Generated from an OpenAPI spec."
version = "{version}"
edition.workspace = true
rust-version.workspace = true
license.workspace = true
repository.workspace = true
homepage.workspace = true
authors.workspace = true
readme = "README.md"
keywords = ["telauth", "{name}", "auth"]
categories = ["api-bindings", "authentication", "web-programming::http-client"]

[package.metadata.docs.rs]
all-features = true

# The spec `cargo xtask generate` generates this crate from (what makes it a provider).
[package.metadata.telauth]
spec = "{spec}"

[features]
default = ["rustls"]
## TLS with rustls and its aws-lc crypto provider (the default).
rustls = ["reqwest/rustls", "telauth-runtime/rustls"]
## TLS with rustls and the ring crypto provider: no aws-lc build (turn default features off).
rustls-ring = ["reqwest/rustls-no-provider", "telauth-runtime/rustls-ring"]
## TLS with the platform's native library instead of rustls.
native-tls = ["reqwest/native-tls", "telauth-runtime/native-tls"]
## A tracing span per request (provider, operation, status, elapsed); never a secret.
tracing = ["telauth-runtime/tracing"]

# Kept in step with the generated code by `cargo xtask generate`.
[dependencies]
progenitor-client.workspace = true
reqwest.workspace = true
serde.workspace = true
telauth-runtime.workspace = true
"#
    )
}

fn readme(name: &str, spec: &str) -> String {
    format!(
        "# telauth-{name}\n\n\
         A Rust client for the {name} credential API. Part of [telauth](../../README.md); \
         generated by progenitor from `{spec}`, with a credential layer that sends each \
         credential exactly where the API expects it, and none on calls that take none.\n\n\
         - Secrets are `telauth_runtime::Secret`: plain on the wire, never in `Debug`.\n\
         - No request goes over plain `http` except to a loopback address, unless you call \
         `Credentials::allow_insecure_http()`; `Client::new` follows no redirect.\n\
         - TLS: `rustls` (with aws-lc) by default; `rustls-ring` or `native-tls` with \
         `default-features = false`.\n\n\
         The code under `src/generated/` is generated: change the spec and run \
         `cargo xtask generate` in the workspace instead of editing it.\n\n\
         Licensed under MIT or Apache-2.0, at your option.\n"
    )
}

fn lib(name: &str, spec: &str) -> String {
    format!(
        "//! A client for the {name} credential API, generated from `{spec}`: the operations \
         are\n//! methods of [`Client`], each credential a constructor of [`Credentials`].\n//!\n//! \
         Native targets only: the credential rules cannot hold on wasm32.\n\n\
         // Everything under `src/generated/` is written by `cargo xtask generate`.\n\
         #[rustfmt::skip]\nmod generated;\n\n\
         pub use generated::*;\npub use telauth_runtime::Secret;\n"
    )
}
