//! Copies of the workspace that tests change and build without touching the real tree, and
//! cargo run on them in a target folder of their own.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The workspace root.
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// A copy of the workspace's files (tracked or new, not ignored) in a new temporary folder,
/// so that a test can regenerate and build it without touching the real tree.
pub fn workspace_copy() -> tempfile::TempDir {
    let root = workspace_root();
    let listed = Command::new("git")
        .args([
            "ls-files",
            "--cached",
            "--others",
            "--exclude-standard",
            "-z",
        ])
        .current_dir(&root)
        .output()
        .expect("git lists the workspace's files");
    assert!(listed.status.success(), "git ls-files failed");
    let copy = tempfile::tempdir().unwrap();
    for file in listed
        .stdout
        .split(|byte| *byte == 0)
        .filter(|f| !f.is_empty())
    {
        let file = std::str::from_utf8(file).unwrap();
        let (from, to) = (root.join(file), copy.path().join(file));
        if !from.is_file() {
            continue; // deleted in the work tree, not yet in the index
        }
        fs::create_dir_all(to.parent().unwrap()).unwrap();
        fs::copy(&from, &to).unwrap();
    }
    copy
}

/// The target folder the evolution tests build copies in: beside the workspace's own (which
/// the running `cargo test` holds locked), and shared by every copy and run.
pub fn copies_target() -> PathBuf {
    // A relative CARGO_TARGET_DIR is relative to the workspace, not to the copies.
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .filter(|dir| !dir.is_empty())
        .map(|dir| workspace_root().join(dir))
        .unwrap_or_else(|| workspace_root().join("target"));
    target.join("evolution")
}

/// Runs cargo with `args` in the workspace at `root`, building in [`copies_target`]; answers
/// whether it succeeded, and what it printed.
pub fn cargo(root: &Path, args: &[&str]) -> (bool, String) {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let output = Command::new(cargo)
        .args(args)
        .current_dir(root)
        .env("CARGO_TARGET_DIR", copies_target())
        .env_remove("RUSTFLAGS")
        .output()
        .expect("cargo runs");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    (output.status.success(), text)
}
