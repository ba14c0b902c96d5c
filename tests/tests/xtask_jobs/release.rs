//! `cargo xtask release` and the audit's baseline, on scratch copies of the workspace: against
//! a copy taken as released (fast), and against a local `cargo-http-registry` the way a
//! company's private registry is used (publish, change, release, publish only what changed,
//! a publish stopped after its first crate, a breaking change).

use std::fs;
use std::path::Path;
use std::process::ExitCode;

use telauth_tests::copies::{copies_target, workspace_copy};
use telauth_tests::jobs;
use xtask::Mode;
use xtask::publish::Target;
use xtask::release::baseline::Baseline;

/// The audit's line for the optional answer field `xtask::rehearse::add_answer_field` adds.
const ANSWER_FIELD_ADDED: &str = "telauth-voipbin: compatible: adds optional response field Accesskey.scopes -> next version 0.2.1";

fn read(root: &Path, file: &str) -> String {
    fs::read_to_string(root.join(file)).unwrap()
}

fn add_note(root: &Path) {
    let log = read(root, "CHANGELOG.md");
    let log = log.replacen(
        "## [Unreleased]\n\n",
        "## [Unreleased]\n\n### telauth-voipbin\n#### Fixed\n- A maintainer's note.\n\n",
        1,
    );
    fs::write(root.join("CHANGELOG.md"), log).unwrap();
}

#[test]
fn release_writes_the_versions_requirements_and_changelog_the_audit_computed() {
    let copy = workspace_copy();
    let root = copy.path();
    let released = jobs::release_copy(root);
    let baseline = ["--baseline-root", released.to_str().unwrap()];
    // The first release's notes become its sections, as `release --write` did before 0.2.0
    // went out; then a change.
    let versions = |root: &Path| {
        (
            read(root, "Cargo.toml"),
            read(root, "crates/telauth/Cargo.toml"),
        )
    };
    xtask::rehearse::add_answer_field(root).unwrap();
    xtask::generate(root, Some("voipbin"), Mode::Write).unwrap();
    add_note(root);

    let mut args = vec!["audit"];
    args.extend(baseline);
    let (code, _, err) = jobs::xtask_at(root, &args);
    assert_eq!(code, ExitCode::FAILURE);
    assert!(err.contains(ANSWER_FIELD_ADDED), "{err}");

    // The dry run prints the plan and writes nothing.
    let before = versions(root);
    let mut args = vec!["release"];
    args.extend(baseline);
    let (code, out, err) = jobs::xtask_at(root, &args);
    assert_eq!(code, ExitCode::SUCCESS, "{err}");
    assert!(
        out.contains("telauth-voipbin 0.2.0 -> 0.2.1 (compatible, since 0.2.0)"),
        "{out}"
    );
    assert!(
        out.contains("telauth 0.2.0 -> 0.2.1 (compatible, since 0.2.0)"),
        "{out}"
    );
    assert!(
        out.contains("release: dry run; write it with --write"),
        "{out}"
    );
    assert_eq!(versions(root), before, "a dry run wrote");

    args.push("--write");
    let (code, out, err) = jobs::xtask_at(root, &args);
    assert_eq!(code, ExitCode::SUCCESS, "{out}{err}");
    let workspace = read(root, "Cargo.toml");
    assert!(
        workspace
            .contains("telauth-voipbin = { path = \"crates/telauth-voipbin\", version = \"0.2.1\"")
            && workspace.contains("telauth = { path = \"crates/telauth\", version = \"0.2.1\""),
        "{workspace}"
    );
    // The hand-written crates keep the workspace version: they are not republished.
    assert!(
        workspace.contains("[workspace.package]\nversion = \"0.2.0\""),
        "{workspace}"
    );
    assert!(
        workspace
            .contains("telauth-runtime = { path = \"crates/telauth-runtime\", version = \"0.2.0\""),
        "{workspace}"
    );
    assert!(read(root, "crates/telauth-voipbin/Cargo.toml").contains("version = \"0.2.1\""));
    assert!(read(root, "crates/telauth/Cargo.toml").contains("version = \"0.2.1\""));
    let log = read(root, "CHANGELOG.md");
    let section = log
        .split("\n## [telauth-voipbin 0.2.1] - ")
        .nth(1)
        .expect("a section for telauth-voipbin 0.2.1");
    let section = section.split("\n## ").next().unwrap();
    assert!(
        section.contains("### Added\n- Adds optional response field Accesskey.scopes.\n"),
        "{section}"
    );
    assert!(
        section.contains("### Fixed\n- A maintainer's note.\n"),
        "{section}"
    );
    assert!(log.contains("## [telauth 0.2.1] - "), "{log}");
    assert!(
        log.contains("- Re-exports telauth-voipbin (compatible)."),
        "{log}"
    );
    let unreleased = log.split("## [Unreleased]").nth(1).unwrap();
    let unreleased = unreleased.split("\n## [").next().unwrap();
    assert!(!unreleased.contains("A maintainer's note"), "{unreleased}");

    let mut args = vec!["audit"];
    args.extend(baseline);
    let (code, out, err) = jobs::xtask_at(root, &args);
    assert_eq!(code, ExitCode::SUCCESS, "{out}{err}");
    assert!(out.contains("-> next version 0.2.1"), "{out}");

    // Written once: a second run has nothing to do.
    let mut args = vec!["release", "--write"];
    args.extend(baseline);
    let (code, out, _) = jobs::xtask_at(root, &args);
    assert_eq!(code, ExitCode::SUCCESS);
    assert!(out.contains("release: nothing to release"), "{out}");
    assert_eq!(
        read(root, "CHANGELOG.md")
            .matches("## [telauth-voipbin 0.2.1]")
            .count(),
        1
    );
}

/// A provider added under `--root` (not in the workspace this xtask was built in) is released
/// with the others: the plan reads the providers of the root it is given.
#[test]
fn the_release_plan_under_root_includes_a_provider_added_there() {
    let copy = workspace_copy();
    let root = copy.path();
    let released = jobs::release_copy(root);
    let spec = xtask::workspace_root().join("tests/fixtures/fifth-provider/vonage.yaml");
    let (code, out, err) = jobs::xtask_at(
        root,
        &[
            "new-provider",
            "vonage",
            "--spec",
            spec.to_str().unwrap(),
            "--no-compile-check",
        ],
    );
    assert_eq!(code, ExitCode::SUCCESS, "{out}{err}");

    let mut args = vec!["release", "--baseline-root", released.to_str().unwrap()];
    let (code, out, err) = jobs::xtask_at(root, &args);
    assert_eq!(code, ExitCode::SUCCESS, "{out}{err}");
    assert!(
        out.contains("  telauth-vonage 0.2.0 (first release)\n"),
        "the plan leaves the added provider out:\n{out}"
    );

    args.push("--write");
    let (code, out, err) = jobs::xtask_at(root, &args);
    assert_eq!(code, ExitCode::SUCCESS, "{out}{err}");
    assert!(
        read(root, "CHANGELOG.md").contains("\n## [telauth-vonage 0.2.0] - "),
        "{out}"
    );
}

/// A local registry for the tests, configured in the copy's `.cargo/config.toml` as a
/// company configures its own, and the registry as the library reaches it.
fn registry_for(root: &Path, work: &Path) -> (xtask::rehearse::Running, xtask::publish::Registry) {
    let (running, mut registry) = xtask::rehearse::local_registry(work).unwrap();
    let index = registry
        .env
        .iter()
        .find(|(name, _)| name.ends_with("_INDEX"))
        .map(|(_, value)| value.to_string_lossy().into_owned())
        .unwrap();
    let config = root.join(".cargo/config.toml");
    let mut text = fs::read_to_string(&config).unwrap_or_default();
    text.push_str(&format!(
        "\n[registries.rehearsal]\nindex = \"{index}\"\ntoken = \"rehearsal\"\n"
    ));
    fs::write(&config, text).unwrap();
    // Builds share one target folder across runs.
    registry.env.push((
        "CARGO_TARGET_DIR".into(),
        copies_target().join("registry").into(),
    ));
    (running, registry)
}

fn published(lines: &[String]) -> Vec<String> {
    let mut names: Vec<String> = lines
        .iter()
        .filter(|line| line.contains(": published"))
        .map(|line| line.split(' ').next().unwrap().to_string())
        .collect();
    names.sort();
    names
}

#[test]
#[ignore = "needs cargo-http-registry: cargo install --locked cargo-http-registry@0.1.8"]
fn against_a_registry_the_baseline_is_what_was_published_even_halfway() {
    let copy = workspace_copy();
    let root = copy.path();
    let work = tempfile::tempdir().unwrap();
    let (_running, registry) = registry_for(root, work.path());
    let target = Target::Registry(registry.clone());
    let baseline = Baseline::of(registry.clone());
    let mut done = |_: &xtask::publish::Crate, _: bool| Ok(());

    // An empty registry: nothing released.
    let (code, out, err) = jobs::xtask_at(root, &["audit", "--registry", "rehearsal"]);
    assert_eq!(code, ExitCode::SUCCESS, "{err}");
    assert!(
        out.contains("telauth-voipbin: 0.2.0 not released yet"),
        "{out}"
    );

    // 0.2.0 of every crate, published.
    let crates = xtask::publish::order(&target.publishable(root).unwrap()).unwrap();
    let lines = target.execute(root, &crates, &mut done).unwrap();
    assert_eq!(published(&lines).len(), crates.len(), "{lines:?}");
    let (code, out, err) = jobs::xtask_at(root, &["audit", "--registry", "rehearsal"]);
    assert_eq!(code, ExitCode::SUCCESS, "{err}");
    assert!(
        out.contains("telauth-voipbin: unchanged since 0.2.0"),
        "{out}"
    );

    // An optional answer field: compatible, 0.2.1.
    xtask::rehearse::add_answer_field(root).unwrap();
    xtask::generate(root, Some("voipbin"), Mode::Write).unwrap();
    let (code, _, err) = jobs::xtask_at(root, &["audit", "--registry", "rehearsal"]);
    assert_eq!(code, ExitCode::FAILURE);
    assert!(err.contains(ANSWER_FIELD_ADDED), "{err}");
    let (code, out, err) = jobs::xtask_at(root, &["release", "--registry", "rehearsal", "--write"]);
    assert_eq!(code, ExitCode::SUCCESS, "{out}{err}");
    let (code, out, err) = jobs::xtask_at(root, &["audit", "--registry", "rehearsal"]);
    assert_eq!(code, ExitCode::SUCCESS, "{out}{err}");

    // A publish stopped after its first crate: the audit still reads what went out.
    let crates = xtask::publish::order(&target.publishable(root).unwrap()).unwrap();
    let first: Vec<_> = crates
        .iter()
        .filter(|krate| krate.name == "telauth-voipbin")
        .cloned()
        .collect();
    let lines = target.execute(root, &first, &mut done).unwrap();
    assert_eq!(published(&lines), ["telauth-voipbin"]);
    let verdicts = xtask::audit::audit(root, &baseline).unwrap();
    let facade = verdicts.iter().find(|v| v.krate == "telauth").unwrap();
    assert_eq!(facade.released.as_deref(), Some("0.2.0"), "{facade}");
    assert_eq!(facade.next.as_deref(), Some("0.2.1"), "{facade}");
    assert!(!facade.behind(), "{facade}");
    let voipbin = verdicts
        .iter()
        .find(|v| v.krate == "telauth-voipbin")
        .unwrap();
    assert_eq!(
        voipbin.to_string(),
        "telauth-voipbin: unchanged since 0.2.1"
    );

    // The next publish sends what is missing: telauth. Before the stop, the two changed ones.
    let (code, out, err) =
        jobs::xtask_at(root, &["publish", "--registry", "rehearsal", "--execute"]);
    assert_eq!(code, ExitCode::SUCCESS, "{out}{err}");
    let lines: Vec<String> = out.lines().map(str::to_string).collect();
    assert_eq!(published(&lines), ["telauth"], "{out}");

    // A field removed: breaking, 0.3.0.
    xtask::rehearse::remove_field(root).unwrap();
    xtask::generate(root, Some("voipbin"), Mode::Write).unwrap();
    let (code, _, err) = jobs::xtask_at(root, &["audit", "--registry", "rehearsal"]);
    assert_eq!(code, ExitCode::FAILURE);
    assert!(
        err.contains("telauth-voipbin: breaking: removes field Accesskey.detail")
            && err.contains("-> next version 0.3.0"),
        "{err}"
    );
    assert!(
        err.contains(
            "telauth: breaking: re-exports telauth-voipbin (breaking) -> next version 0.3.0"
        ),
        "{err}"
    );

    // A registry that cannot be read is an error, never "not released".
    let (code, _, err) = jobs::xtask_at(root, &["audit", "--registry", "nowhere"]);
    assert_eq!(code, ExitCode::FAILURE);
    assert!(err.contains("cannot read registry `nowhere`"), "{err}");
}
