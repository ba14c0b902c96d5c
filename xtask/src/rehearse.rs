//! `cargo xtask rehearse`: the release round trip on a local registry, as a release manager and
//! a user meet it. Everything happens in a temporary folder and on loopback: a
//! `cargo-http-registry`, a staged copy of the workspace, the sandbox installed from the
//! registry, and one consumer crate per provider crate that depends on that crate alone.

use std::ffi::OsString;
use std::fs;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::Error;
use crate::publish::{self, Registry};

/// The registry's name in the rehearsal.
const REGISTRY: &str = "rehearsal";

/// A child process that is killed when this is dropped.
struct Running(Child);

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

fn rehearse(root: &Path, work: &Path, out: &mut dyn Write) -> Result<(), Error> {
    let index = work.join("registry");
    let _registry = start_registry(&index)?;
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
    // The rehearsal's own copy of the workspace, so that it can bump a version.
    let copy = work.join("workspace");
    publish::stage(root, &copy, REGISTRY)?;
    let target = root.join("target").join("rehearsal");

    let _ = writeln!(out, "1. publish every publishable crate to `{REGISTRY}`");
    let crates = publish::order(&publish::publishable_for(&copy, &registry)?)?;
    for line in publish::execute_to(&copy, &crates, &registry)? {
        let _ = writeln!(out, "   {line}");
    }

    let _ = writeln!(out, "2. install the sandbox from the registry and start it");
    let bin = work.join("bin");
    cargo(
        work,
        &registry,
        &target,
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
    let (_sandbox, info) = start_sandbox(&bin.join("bin").join("telauth-sandbox"))?;

    let _ = writeln!(
        out,
        "3. one consumer per provider crate, depending on it alone, against the sandbox"
    );
    for consumer in CONSUMERS {
        let dir = work.join(format!("consumer-{}", consumer.provider));
        write_consumer(&dir, consumer)?;
        let tree = cargo(
            &dir,
            &registry,
            &target,
            &["tree", "--prefix", "none", "--edges", "normal,build"],
        )?;
        let crates = crate::process::distinct_crates(&tree);
        if crates.contains(&"progenitor") {
            return Err(Error::command(
                "cargo tree",
                format!("consumer-{} pulls in progenitor", consumer.provider),
            ));
        }
        cargo(&dir, &registry, &target, &["build", "--quiet"])?;
        let said = run_consumer(&target, consumer, &info)?;
        let _ = writeln!(
            out,
            "   telauth-{}: {} crates, no progenitor; {said}",
            consumer.provider,
            crates.len()
        );
    }

    let _ = writeln!(out, "4. publish again: every version is there already");
    for line in publish::execute_to(&copy, &crates, &registry)? {
        let _ = writeln!(out, "   {line}");
    }

    let _ = writeln!(
        out,
        "5. bump telauth-mobivate and publish: only it goes out"
    );
    bump(
        &copy,
        "telauth-mobivate",
        "crates/telauth-mobivate/Cargo.toml",
    )?;
    crate::generate(&copy, Some("mobivate"), crate::Mode::Write)?;
    let crates = publish::order(&publish::publishable_for(&copy, &registry)?)?;
    let lines = publish::execute_to(&copy, &crates, &registry)?;
    for line in &lines {
        let _ = writeln!(out, "   {line}");
    }
    let published: Vec<&String> = lines.iter().filter(|l| l.contains("published")).collect();
    if published.len() != 1 || !published[0].starts_with("telauth-mobivate ") {
        return Err(Error::command(
            "cargo xtask publish",
            format!("after one bump, expected telauth-mobivate alone published: {published:?}"),
        ));
    }
    Ok(())
}

/// Runs cargo in `dir` with the registry's environment and `target` as its target directory.
fn cargo(dir: &Path, registry: &Registry, target: &Path, args: &[&str]) -> Result<String, Error> {
    registry.run(dir, args, target)
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

/// Sets the package version of `krate` (in `manifest`, relative to `root`) and of its entry in
/// `[workspace.dependencies]` to the next patch version.
fn bump(root: &Path, krate: &str, manifest: &str) -> Result<(), Error> {
    let path = root.join(manifest);
    let mut package = crate::manifest::read(&path)?;
    let version = package["package"]["version"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let mut next = semver::Version::parse(&version)
        .map_err(|error| Error::command("bump", format!("{krate} {version}: {error}")))?;
    next.patch += 1;
    let next = next.to_string();
    package["package"]["version"] = toml_edit::value(next.as_str());
    crate::output::write_atomically(&path, &package.to_string())?;
    let path = root.join("Cargo.toml");
    let mut workspace = crate::manifest::read(&path)?;
    if let Some(entry) = workspace["workspace"]["dependencies"][krate].as_table_like_mut() {
        entry.insert("version", toml_edit::value(next.as_str()));
    }
    crate::output::write_atomically(&path, &workspace.to_string())
}

/// One consumer: the provider crate it depends on, its extra dependencies, and its main.
struct Consumer {
    provider: &'static str,
    dependencies: &'static str,
    main: &'static str,
}

fn write_consumer(dir: &Path, consumer: &Consumer) -> Result<(), Error> {
    let write = |path: PathBuf, text: String| {
        fs::create_dir_all(path.parent().unwrap_or(dir))
            .and_then(|()| fs::write(&path, text))
            .map_err(|source| Error::Write { path, source })
    };
    let provider = consumer.provider;
    write(
        dir.join("Cargo.toml"),
        format!(
            "[package]\nname = \"consumer-{provider}\"\nversion = \"0.0.0\"\nedition = \"2024\"\n\
             publish = false\n\n[workspace]\n\n[dependencies]\n\
             telauth-{provider} = {{ version = \"0.2\", registry = \"{REGISTRY}\" }}\n\
             tokio = {{ version = \"1\", features = [\"macros\", \"rt\"] }}\n{}",
            consumer.dependencies
        ),
    )?;
    write(dir.join("src/main.rs"), consumer.main.to_string())
}

/// Runs the consumer built in `target` with the sandbox's origin and demo credentials in its
/// environment; answers the line it printed.
fn run_consumer(target: &Path, consumer: &Consumer, info: &Value) -> Result<String, Error> {
    let provider = &info[consumer.provider];
    let text = |key: &str| provider[key].as_str().unwrap_or_default().to_string();
    let binary = target
        .join("debug")
        .join(format!("consumer-{}", consumer.provider));
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
    let ran = crate::process::run(target, &binary, &[], &envs)?;
    Ok(ran.stdout.trim().to_string())
}

/// The consumers: each its provider's main flow, with the provider crate alone.
const CONSUMERS: &[Consumer] = &[
    Consumer {
        provider: "smsbeta",
        dependencies: "md-5 = \"0.11\"\n",
        main: r#"use md5::{Digest, Md5};
use telauth_smsbeta::{API_PATH, Client, Credentials, types::LoginRequest};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let var = |name| std::env::var(name);
    let digest: String = Md5::digest(var("SANDBOX_PASSWORD")?.as_bytes())
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect();
    let client = Client::new(&format!("{}{API_PATH}", var("SANDBOX_ORIGIN")?), Credentials::none());
    let login = client
        .login()
        .body(LoginRequest::builder().mail(var("SANDBOX_USER")?).password(digest))
        .send()
        .await?
        .into_inner();
    let data = login.data.ok_or("the envelope has no data")?;
    println!("logged in as {} (a token of {} characters)", data.mail, data.token.expose().len());
    Ok(())
}
"#,
    },
    Consumer {
        provider: "voipbin",
        dependencies: "",
        main: r#"use telauth_voipbin::types::{AccesskeyCreate, LoginRequest};
use telauth_voipbin::{API_PATH, Client, Credentials};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let var = |name| std::env::var(name);
    let base = format!("{}{API_PATH}", var("SANDBOX_ORIGIN")?);
    let login = Client::new(&base, Credentials::none())
        .auth_login()
        .body(LoginRequest::builder().username(var("SANDBOX_USER")?).password(var("SANDBOX_PASSWORD")?))
        .send()
        .await?
        .into_inner();
    let admin = Client::new(&base, Credentials::bearer_auth(login.token));
    let key = admin
        .accesskeys_create()
        .body(AccesskeyCreate::builder().name(Some("rehearsal".to_string())).expire(86_400))
        .send()
        .await?
        .into_inner();
    let by_key = Client::new(&base, Credentials::accesskey_cookie(key.token.ok_or("no token")?));
    let page = by_key.accesskeys_list().send().await?.into_inner();
    admin.accesskeys_delete().id(key.id).send().await?;
    println!("logged in, created an access key, listed {} key(s) with it, deleted it", page.result.len());
    Ok(())
}
"#,
    },
    Consumer {
        provider: "mobivate",
        dependencies: "",
        main: r#"use telauth_mobivate::types::KeyRequest;
use telauth_mobivate::{API_PATH, Client, Credentials};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let var = |name| std::env::var(name);
    let base = format!("{}{API_PATH}", var("SANDBOX_ORIGIN")?);
    let request = || -> Result<_, std::env::VarError> {
        Ok(KeyRequest::builder().username(var("SANDBOX_USER")?).password(var("SANDBOX_PASSWORD")?))
    };
    let client = Client::new(&base, Credentials::none());
    let key = client.getkey().body(request()?).send().await?.into_inner().api_key;
    Client::new(&base, Credentials::bearer_auth(key)).test().send().await?;
    let rotated = client.createkey().body(request()?).send().await?.into_inner().api_key;
    let checked = Client::new(&base, Credentials::bearer_auth(rotated)).test().send().await?;
    println!("got the key, rotated it: {}", checked.into_inner().message);
    Ok(())
}
"#,
    },
    Consumer {
        provider: "signalwire",
        dependencies: "uuid = \"1\"\n",
        main: r#"use telauth_signalwire::types::{CreateTokenRequest, Permission, UpdateTokenRequest};
use telauth_signalwire::{API_PATH, Client, Credentials};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let var = |name| std::env::var(name);
    let base = format!("{}{API_PATH}", var("SANDBOX_ORIGIN")?);
    let project_id = var("SANDBOX_PROJECT_ID")?;
    let project: uuid::Uuid = project_id.parse()?;
    let client = Client::new(
        &base,
        Credentials::signal_wire_basic_auth(project_id, var("SANDBOX_API_TOKEN")?),
    );
    let token = client
        .create_token()
        .account_sid(project)
        .body(CreateTokenRequest::builder().name("rehearsal").permissions(vec![Permission::Messaging]))
        .send()
        .await?
        .into_inner();
    let updated = client
        .update_token()
        .account_sid(project)
        .token_id(token.id)
        .body(UpdateTokenRequest::builder().permissions(vec![Permission::Video]))
        .send()
        .await?
        .into_inner();
    client.delete_token().account_sid(project).token_id(token.id).send().await?;
    println!("created a token, changed its permissions to {:?}, deleted it", updated.permissions);
    Ok(())
}
"#,
    },
];
