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
