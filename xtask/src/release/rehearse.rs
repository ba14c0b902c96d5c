//! `cargo xtask rehearse`: the release round trip on a local registry, as a release manager and
//! a user meet it. Everything happens in a temporary folder and on loopback: a
//! `cargo-http-registry`, a staged copy of the workspace, the sandbox installed from the
//! registry, and one consumer crate per provider crate that depends on that crate alone (the
//! crates in `xtask/rehearsal/`, checked with rustfmt and clippy and built from the registry).

use std::ffi::OsString;
use std::fs;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

use super::baseline::Baseline;
use super::compat::Class;
use super::publish::{Crate, Registry, Target};
use super::registry;
use crate::Error;

/// The registry's name in the rehearsal.
const REGISTRY: &str = "rehearsal";

/// A child process that is killed when this is dropped.
pub struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Runs the rehearsal on a copy of the workspace at `root`, reporting each step on `out`.
pub fn run(root: &Path, out: &mut dyn Write) -> Result<(), Error> {
    let started = Instant::now();
    let work = std::env::temp_dir().join(format!("telauth-rehearsal-{}", std::process::id()));
    let _ = fs::remove_dir_all(&work);
    let outcome = rehearse(root, &work, out);
    let _ = fs::remove_dir_all(&work);
    outcome?;
    let _ = writeln!(
        out,
        "rehearsal passed in {:.0} s",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// A `cargo-http-registry` on loopback with its index under `work`, named `rehearsal`, and the
/// registry as cargo reaches it (its index and token in the environment); it stops when the
/// answered [`Running`] is dropped.
pub fn local_registry(work: &Path) -> Result<(Running, Registry), Error> {
    let index = work.join("registry");
    let running = start_registry(&index)?;
    let registry = Registry {
        name: REGISTRY.into(),
        env: vec![
            (
                "CARGO_REGISTRIES_REHEARSAL_INDEX".into(),
                OsString::from(format!("file://{}", index.display())),
            ),
            (
                "CARGO_REGISTRIES_REHEARSAL_TOKEN".into(),
                "rehearsal".into(),
            ),
        ],
    };
    Ok((running, registry))
}

/// The rehearsal's steps, in order; the registry and the sandbox stop when it returns.
fn rehearse(root: &Path, work: &Path, out: &mut dyn Write) -> Result<(), Error> {
    let (_registry, registry) = local_registry(work)?;
    let rehearsal = Rehearsal::stage(root, work, registry)?;
    let crates = rehearsal.release_and_publish_all(out)?;
    let (_sandbox, sandbox) = rehearsal.install_sandbox(out)?;
    rehearsal.build_and_run_consumers(&sandbox, out)?;
    rehearsal.publish_again(&crates, out)?;
    rehearsal.release_a_compatible_change(out)?;
    rehearsal.publish_halfway_then_the_rest(out)?;
    rehearsal.consumer_takes_the_new_version(&sandbox, out)?;
    rehearsal.audit_a_breaking_change(out)
}

/// What the rehearsal's steps share: the workspace rehearsed, its staged copy (which the steps
/// change and release), the local registry, and the target folder the consumers build in.
struct Rehearsal<'a> {
    /// The workspace rehearsed (its consumers are read from it).
    root: &'a Path,
    /// The rehearsal's temporary folder.
    work: &'a Path,
    /// The rehearsal's own copy of the workspace, staged for the registry.
    copy: PathBuf,
    /// The local registry, as cargo reaches it.
    registry: Registry,
    /// The registry as a publish target.
    to_registry: Target,
    /// The registry as the audit's baseline.
    baseline: Baseline,
    /// The target folder of the sandbox's install and the consumers' builds.
    target: PathBuf,
}

impl<'a> Rehearsal<'a> {
    /// Stages a copy of the workspace at `root` under `work` for `registry`.
    fn stage(root: &'a Path, work: &'a Path, registry: Registry) -> Result<Self, Error> {
        // The rehearsal's own copy of the workspace, so that it can bump a version.
        let copy = work.join("workspace");
        registry::stage(root, &copy, REGISTRY)?;
        Ok(Self {
            root,
            work,
            copy,
            to_registry: Target::Registry(registry.clone()),
            baseline: Baseline::of(registry.clone()),
            registry,
            target: root.join("target").join("rehearsal"),
        })
    }

    /// Runs cargo in `dir` with the registry's environment and the rehearsal's target folder.
    fn cargo(&self, dir: &Path, args: &[&str]) -> Result<String, Error> {
        self.registry.run(dir, args, &self.target)
    }

    /// Publishes `crates` from the copy; answers one line per crate.
    fn publish(&self, crates: &[Crate]) -> Result<Vec<String>, Error> {
        self.to_registry
            .execute(&self.copy, crates, &mut |_, _| Ok(()))
    }

    /// The copy's publishable crates, in dependency order.
    fn publishable(&self) -> Result<Vec<Crate>, Error> {
        super::publish::order(&self.to_registry.publishable(&self.copy)?)
    }

    /// Step 1: the first `release --write` and a publish of every crate; answers the crates.
    fn release_and_publish_all(&self, out: &mut dyn Write) -> Result<Vec<Crate>, Error> {
        let _ = writeln!(
            out,
            "1. `release --write` (the first: a changelog section per crate) and publish every \
             publishable crate to `{REGISTRY}`"
        );
        let first = super::plan::run(&self.copy, &self.baseline, true, &mut Vec::new())?;
        let _ = writeln!(out, "   {} changelog sections written", first.steps.len());
        let crates = self.publishable()?;
        for line in self.publish(&crates)? {
            let _ = writeln!(out, "   {line}");
        }
        Ok(crates)
    }

    /// Step 2: the sandbox installed from the registry, started; answers it and what it said.
    fn install_sandbox(&self, out: &mut dyn Write) -> Result<(Running, Value), Error> {
        let _ = writeln!(out, "2. install the sandbox from the registry and start it");
        let bin = self.work.join("bin");
        self.cargo(
            self.work,
            &[
                "install",
                "--quiet",
                "telauth-sandbox",
                "--registry",
                REGISTRY,
                "--root",
                &bin.display().to_string(),
            ],
        )?;
        start_sandbox(&bin.join("bin").join("telauth-sandbox"))
    }

    /// Step 3: each provider's consumer, built from the registry and run against the sandbox.
    fn build_and_run_consumers(&self, sandbox: &Value, out: &mut dyn Write) -> Result<(), Error> {
        let _ = writeln!(
            out,
            "3. one consumer per provider crate, depending on it alone, against the sandbox"
        );
        for provider in crate::providers::load(self.root)? {
            let provider = provider.name.as_str();
            if !self.root.join(consumer_dir(provider)).is_dir() {
                // A provider added by `new-provider` is published and installed like the
                // others; a consumer of its own is the maintainer's to write.
                let _ = writeln!(
                    out,
                    "   no consumer for telauth-{provider} in {CONSUMERS}: skipped"
                );
                continue;
            }
            let line = self.build_and_run_consumer(provider, sandbox)?;
            let _ = writeln!(out, "   telauth-{provider}: {line}");
        }
        Ok(())
    }

    /// The consumer of `provider`: formatted, free of progenitor, clean under clippy, built and
    /// run against the sandbox; answers what to print of it.
    fn build_and_run_consumer(&self, provider: &str, sandbox: &Value) -> Result<String, Error> {
        let dir = self.work.join(format!("consumer-{provider}"));
        copy_consumer(&self.root.join(consumer_dir(provider)), &dir)?;
        crate::support::process::run(
            &dir,
            "rustfmt",
            &["--check", "--edition", "2024", "src/main.rs"],
            &[],
        )?;
        let tree = self.cargo(
            &dir,
            &["tree", "--prefix", "none", "--edges", "normal,build"],
        )?;
        let crates = crate::support::process::distinct_crates(&tree);
        if crates.contains(&"progenitor") {
            return Err(Error::command(
                "cargo tree",
                format!("consumer-{provider} pulls in progenitor"),
            ));
        }
        self.cargo(&dir, &["clippy", "--quiet", "--", "-D", "warnings"])?;
        self.cargo(&dir, &["build", "--quiet"])?;
        let said = run_consumer(&self.target, provider, sandbox)?;
        Ok(format!("{} crates, no progenitor; {said}", crates.len()))
    }

    /// Step 4: a second publish of `crates`, which finds every version there.
    fn publish_again(&self, crates: &[Crate], out: &mut dyn Write) -> Result<(), Error> {
        let _ = writeln!(out, "4. publish again: every version is there already");
        for line in self.publish(crates)? {
            let _ = writeln!(out, "   {line}");
        }
        Ok(())
    }

    /// Step 5: an optional answer field added to VoIPBIN's spec, generated and released.
    fn release_a_compatible_change(&self, out: &mut dyn Write) -> Result<(), Error> {
        let _ = writeln!(
            out,
            "5. a provider change, released: an optional answer field in VoIPBIN's spec, \
             generate, `release --write` against the registry, `audit` passes"
        );
        add_answer_field(&self.copy)?;
        crate::generate(&self.copy, Some("voipbin"), crate::Mode::Write)?;
        let plan = super::plan::run(&self.copy, &self.baseline, true, &mut Vec::new())?;
        for step in &plan.steps {
            let _ = writeln!(out, "   {step}");
        }
        expect_audit_passes(&self.copy, &self.baseline, out)
    }

    /// Steps 6 and 7: a publish stopped after its first crate, which the audit reads from the
    /// registry, then a publish of what is missing.
    fn publish_halfway_then_the_rest(&self, out: &mut dyn Write) -> Result<(), Error> {
        let _ = writeln!(
            out,
            "6. publish, stopped after the first crate: the registry tells the audit what went out"
        );
        let crates = self.publishable()?;
        let first: Vec<Crate> = crates
            .iter()
            .filter(|krate| krate.name == "telauth-voipbin")
            .cloned()
            .collect();
        expect_published(&self.publish(&first)?, &["telauth-voipbin"])?;
        expect_audit_passes(&self.copy, &self.baseline, out)?;

        let _ = writeln!(
            out,
            "7. publish again: only what is missing goes out (telauth)"
        );
        let lines = self.publish(&crates)?;
        for line in &lines {
            let _ = writeln!(out, "   {line}");
        }
        expect_published(&lines, &["telauth"])?;
        let verdicts = super::audit::audit(&self.copy, &self.baseline)?;
        if let Some(changed) = verdicts.iter().find(|verdict| !verdict.changes.is_empty()) {
            return Err(Error::command(
                "cargo xtask audit",
                format!("after the publish, a crate still differs from the registry: {changed}"),
            ));
        }
        Ok(())
    }

    /// Step 8: VoIPBIN's consumer, updated, builds with the new version and runs.
    fn consumer_takes_the_new_version(
        &self,
        sandbox: &Value,
        out: &mut dyn Write,
    ) -> Result<(), Error> {
        let _ = writeln!(
            out,
            "8. the consumer of the changed crate builds from the registry, with the new version"
        );
        let dir = self.work.join("consumer-voipbin");
        self.cargo(&dir, &["update", "--quiet"])?;
        self.cargo(&dir, &["build", "--quiet"])?;
        let tree = self.cargo(&dir, &["tree", "--prefix", "none", "--depth", "1"])?;
        if !tree.contains("telauth-voipbin v0.2.1") {
            return Err(Error::command(
                "cargo tree",
                format!("consumer-voipbin does not build with telauth-voipbin 0.2.1:\n{tree}"),
            ));
        }
        let said = run_consumer(&self.target, "voipbin", sandbox)?;
        let _ = writeln!(out, "   telauth-voipbin 0.2.1: {said}");
        Ok(())
    }

    /// Step 9: a field removed from VoIPBIN's spec, which the audit classes breaking.
    fn audit_a_breaking_change(&self, out: &mut dyn Write) -> Result<(), Error> {
        let _ = writeln!(
            out,
            "9. a second change, a field removed: the audit says breaking, and its version"
        );
        remove_field(&self.copy)?;
        crate::generate(&self.copy, Some("voipbin"), crate::Mode::Write)?;
        let verdicts = super::audit::audit(&self.copy, &self.baseline)?;
        let voipbin = verdicts
            .iter()
            .find(|verdict| verdict.krate == "telauth-voipbin")
            .ok_or_else(|| Error::command("cargo xtask audit", "no verdict for telauth-voipbin"))?;
        let _ = writeln!(out, "   {voipbin}");
        if voipbin.class() != Some(Class::Breaking) || voipbin.next.as_deref() != Some("0.3.0") {
            return Err(Error::command(
                "cargo xtask audit",
                format!("a removed field must be breaking with 0.3.0: {voipbin}"),
            ));
        }
        Ok(())
    }
}

/// The optional answer field step 5 adds to VoIPBIN's spec in the copy at `root`.
pub const ADDED_FIELD: &str = "        scopes:\n          type: array\n          description: What \
                               the key may do.\n          items:\n            type: string\n";

/// Adds [`ADDED_FIELD`] to `Accesskey` in VoIPBIN's spec under `root`.
pub fn add_answer_field(root: &Path) -> Result<(), Error> {
    edit_spec(
        root,
        "        tm_expire:\n",
        &format!("{ADDED_FIELD}        tm_expire:\n"),
    )
}

/// Removes `Accesskey.detail` from VoIPBIN's spec under `root`.
pub fn remove_field(root: &Path) -> Result<(), Error> {
    edit_spec(
        root,
        "        detail:\n          type: string\n          description: A free-text detail.\n        token:\n",
        "        token:\n",
    )
}

fn edit_spec(root: &Path, find: &str, with: &str) -> Result<(), Error> {
    let path = root.join("specs/voipbin.yaml");
    let text = crate::support::fs::read(&path)?;
    if text.matches(find).count() != 1 {
        return Err(Error::invalid(
            path,
            "components.schemas.Accesskey",
            format!("the rehearsal's edit expects `{find}` once"),
        ));
    }
    crate::support::fs::write(&path, &text.replacen(find, with, 1))
}

/// Fails unless the audit of `root` against `baseline` passes.
fn expect_audit_passes(root: &Path, baseline: &Baseline, out: &mut dyn Write) -> Result<(), Error> {
    for verdict in super::audit::audit(root, baseline)? {
        let _ = writeln!(out, "   audit: {verdict}");
        if verdict.behind() {
            return Err(Error::command("cargo xtask audit", format!("{verdict}")));
        }
    }
    Ok(())
}

/// Fails unless `lines` say exactly `crates` were published.
fn expect_published(lines: &[String], crates: &[&str]) -> Result<(), Error> {
    let mut published: Vec<&str> = lines
        .iter()
        .filter(|line| line.contains(": published"))
        .filter_map(|line| line.split(' ').next())
        .collect();
    published.sort();
    let mut expected = crates.to_vec();
    expected.sort();
    if published != expected {
        return Err(Error::command(
            "cargo xtask publish",
            format!("expected {expected:?} published, got {published:?}: {lines:?}"),
        ));
    }
    Ok(())
}

/// Starts `cargo-http-registry` on a loopback port with its root at `index`, and waits until it
/// has written its `config.json`.
fn start_registry(index: &Path) -> Result<Running, Error> {
    let child = Command::new("cargo-http-registry")
        .arg(index)
        .args(["--addr", "127.0.0.1:0"])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|error| {
            Error::command(
                "cargo-http-registry",
                format!("{error}; install it with `cargo install cargo-http-registry --locked`"),
            )
        })?;
    let running = Running(child);
    let deadline = Instant::now() + Duration::from_secs(30);
    while !index.join("config.json").is_file() {
        if Instant::now() > deadline {
            return Err(Error::command(
                "cargo-http-registry",
                "it wrote no config.json within 30 s",
            ));
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    Ok(running)
}

/// Starts the sandbox binary on a loopback port; answers it and its first line (the origins
/// and demo credentials). Its log lines are read and dropped, so that it never blocks on a full
/// pipe.
fn start_sandbox(binary: &Path) -> Result<(Running, Value), Error> {
    let mut child = Command::new(binary)
        .args(["--listen", "127.0.0.1:0"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|error| Error::command("telauth-sandbox", error))?;
    let stdout = child.stdout.take();
    let running = Running(child);
    let mut lines =
        BufReader::new(stdout.ok_or_else(|| Error::command("telauth-sandbox", "no stdout"))?)
            .lines();
    let first = lines
        .next()
        .and_then(Result::ok)
        .ok_or_else(|| Error::command("telauth-sandbox", "it printed no first line"))?;
    std::thread::spawn(move || lines.for_each(drop));
    let info =
        serde_json::from_str(&first).map_err(|error| Error::command("telauth-sandbox", error))?;
    Ok((running, info))
}

/// The folder of the consumer crates, relative to the workspace root: one
/// `consumer-<provider>` crate per provider crate, a workspace of its own that depends on that
/// crate alone, from the rehearsal's registry.
pub const CONSUMERS: &str = "xtask/rehearsal";

/// The consumer crate of `provider`, relative to the workspace root.
fn consumer_dir(provider: &str) -> String {
    format!("{CONSUMERS}/consumer-{provider}")
}

/// Copies the consumer crate `from` (its manifest and sources; nothing built) to `to`.
fn copy_consumer(from: &Path, to: &Path) -> Result<(), Error> {
    let _ = fs::remove_dir_all(to);
    let mut folders = vec![PathBuf::new()];
    while let Some(folder) = folders.pop() {
        let entries = fs::read_dir(from.join(&folder))
            .map_err(|source| Error::read(from.join(&folder), source))?;
        for entry in entries.flatten() {
            let (name, relative) = (entry.file_name(), folder.join(entry.file_name()));
            match entry.file_type() {
                Ok(kind) if kind.is_dir() && name != "target" => folders.push(relative),
                Ok(kind) if kind.is_file() && name != "Cargo.lock" => {
                    let text = crate::support::fs::read(&from.join(&relative))?;
                    crate::support::fs::write(&to.join(&relative), &text)?;
                }
                _ => {}
            }
        }
    }
    Ok(())
}

/// Runs the consumer built in `target` with the sandbox's origin and demo credentials in its
/// environment; answers the line it printed.
fn run_consumer(target: &Path, provider: &str, info: &Value) -> Result<String, Error> {
    let binary = target.join("debug").join(format!("consumer-{provider}"));
    let provider = &info[provider];
    let text = |key: &str| provider[key].as_str().unwrap_or_default().to_string();
    let envs = [
        ("SANDBOX_ORIGIN", text("origin")),
        ("SANDBOX_USER", text("username") + &text("mail")),
        ("SANDBOX_PASSWORD", text("password")),
        ("SANDBOX_PROJECT_ID", text("project_id")),
        ("SANDBOX_API_TOKEN", text("api_token")),
    ];
    let envs: Vec<(&str, &std::ffi::OsStr)> = envs
        .iter()
        .map(|(name, value)| (*name, std::ffi::OsStr::new(value.as_str())))
        .collect();
    let ran = crate::support::process::run(target, &binary, &[], &envs)?;
    Ok(ran.stdout.trim().to_string())
}

#[cfg(test)]
mod tests {
    use super::{CONSUMERS, consumer_dir};

    /// rustfmt sees the consumers here (they are no member of the workspace, which
    /// `cargo fmt --all` formats); clippy sees them in the rehearsal, which builds them.
    #[test]
    fn every_provider_has_a_formatted_consumer() {
        let root = crate::workspace_root();
        let mut mains = Vec::new();
        for provider in crate::providers::load(&root).unwrap() {
            let main = root.join(consumer_dir(&provider.name)).join("src/main.rs");
            assert!(main.is_file(), "{} is missing", main.display());
            mains.push(main.display().to_string());
        }
        let mut args = vec!["--check", "--edition", "2024"];
        args.extend(mains.iter().map(String::as_str));
        if let Err(error) = crate::support::process::run(&root, "rustfmt", &args, &[]) {
            panic!("the consumers in {CONSUMERS} are not formatted (run rustfmt on them): {error}");
        }
    }
}
