//! The xtask's jobs run in-process, as the tests of its command line and of the release loop
//! use them: the command line with its output, and a copy of a workspace laid out as its
//! published packages are (the audit's baseline without a registry).

use std::fs;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Runs `cargo xtask` with `args` (the job first, `--root` included where the job needs it);
/// answers its exit code, stdout and stderr.
pub fn xtask(args: &[&str]) -> (ExitCode, String, String) {
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let argv = std::iter::once("xtask").chain(args.iter().copied());
    let code = xtask::cli::run(argv, &mut out, &mut err);
    (
        code,
        String::from_utf8(out).unwrap(),
        String::from_utf8(err).unwrap(),
    )
}

/// Runs `cargo xtask ARGS --root ROOT`: the job and its arguments on the workspace at `root`.
pub fn xtask_at(root: &Path, args: &[&str]) -> (ExitCode, String, String) {
    let mut argv = args.to_vec();
    argv.extend(["--root", root.to_str().unwrap()]);
    xtask(&argv)
}

/// A copy of what generation reads and writes, in a new temporary folder: the root manifest
/// (its members name the providers), and each provider's spec, manifest and generated files.
/// No workspace cargo can build: [`crate::copies::workspace_copy`] is that.
pub fn generation_copy() -> tempfile::TempDir {
    let root = xtask::workspace_root();
    let copy = tempfile::tempdir().unwrap();
    let mut files = vec!["Cargo.toml".to_string()];
    for provider in xtask::providers::load(&root).unwrap() {
        files.push(provider.spec.clone());
        let generated = xtask::GENERATED.into_iter().chain([
            xtask::generated_files::SPEC_COPY,
            xtask::generated_files::MOCK,
            "Cargo.toml",
        ]);
        files.extend(generated.map(|file| format!("{}/{file}", provider.crate_dir)));
    }
    for file in files {
        let target = copy.path().join(&file);
        fs::create_dir_all(target.parent().unwrap()).unwrap();
        fs::copy(root.join(&file), target).unwrap();
    }
    copy
}

/// Where [`release_copy`] keeps the workspace at `root` as released.
pub fn released(root: &Path) -> PathBuf {
    root.join("target/released")
}

/// Takes every crate of `root` (its providers read from it) as released at its current version, as a publish would: a copy
/// of the manifests and the generated files (the spec among them) at [`released`], laid out as
/// the published packages are. Answers where.
pub fn release_copy(root: &Path) -> PathBuf {
    let copy = released(root);
    let _ = fs::remove_dir_all(&copy);
    let mut files = vec!["Cargo.toml".to_string()];
    for krate in [
        "telauth",
        "telauth-runtime",
        "telauth-cli",
        "telauth-sandbox",
    ] {
        files.push(format!("crates/{krate}/Cargo.toml"));
    }
    for provider in xtask::providers::load(root).unwrap() {
        files.push(format!("{}/Cargo.toml", provider.crate_dir));
        for file in xtask::GENERATED
            .iter()
            .chain([&xtask::generated_files::SPEC_COPY])
        {
            files.push(format!("{}/{file}", provider.crate_dir));
        }
    }
    for file in files {
        let to = copy.join(&file);
        fs::create_dir_all(to.parent().unwrap()).unwrap();
        fs::copy(root.join(&file), to).unwrap();
    }
    copy
}
