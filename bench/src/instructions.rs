//! Instructions per call, counted by callgrind: the same in every run of the same binary.

use serde_json::json;
use telauth_sandbox::Sandbox;

use crate::calls::{AccessKeyGets, LoginLayers, clients};

/// What [`instructions`] counts, one call at a time: the login's layers (indexes of
/// [`LoginLayers::NAMES`]), then the authenticated GET both ways.
pub(crate) const COUNTED: [&str; 8] = [
    LoginLayers::NAMES[0],
    LoginLayers::NAMES[1],
    LoginLayers::NAMES[2],
    LoginLayers::NAMES[3],
    LoginLayers::NAMES[4],
    LoginLayers::NAMES[5],
    "authenticated GET: hand-written reqwest (the baseline)",
    "authenticated GET: the facade (`list_access_keys`)",
];

/// The calls [`instructions`] counts for each subject: the count of the second run less that of
/// the first, so that starting, connecting and ending cancel out.
const COUNTED_CALLS: [u32; 2] = [200, 1200];

/// `calls` calls of subject `subject` (an index of [`COUNTED`]) on this thread, against a
/// sandbox served by a thread of its own: what [`instructions`] runs under callgrind.
pub(crate) fn counted_calls(subject: usize, calls: u32) {
    let sandbox =
        Sandbox::start_on_own_thread("127.0.0.1:0".parse().unwrap()).expect("the sandbox starts");
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime for the client");
    runtime.block_on(async {
        let clients = clients(sandbox.info());
        let layers = LoginLayers::new(&clients);
        let gets = if subject >= LoginLayers::NAMES.len() {
            Some(AccessKeyGets::new(&clients).await)
        } else {
            None
        };
        for _ in 0..calls {
            match (subject, &gets) {
                (6, Some(gets)) => gets.hand_written().await,
                (_, Some(gets)) => gets.facade().await,
                (layer, None) => layers.login(layer).await,
            }
        }
    });
}

/// Instructions per call of each of [`COUNTED`], on the calling thread, in user space, as
/// callgrind counts them: the same for the same binary whatever else the machine does, where
/// timings move from run to run. Each subject runs [`COUNTED_CALLS`] under `valgrind`; the
/// answer says why when valgrind could not run.
fn instructions() -> Result<Vec<(&'static str, f64)>, String> {
    let exe = std::env::current_exe().map_err(|error| format!("no path to this bench: {error}"))?;
    let dir = std::env::temp_dir().join(format!("telauth-callgrind-{}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|error| format!("{}: {error}", dir.display()))?;
    let count = |subject: usize, calls: u32| -> Result<u64, String> {
        let name = format!("{subject}-{calls}");
        let ran = std::process::Command::new("valgrind")
            .arg("--tool=callgrind")
            .arg("--separate-threads=yes")
            .arg(format!(
                "--callgrind-out-file={}",
                dir.join(&name).display()
            ))
            .arg(&exe)
            .args(["--count", &subject.to_string(), &calls.to_string()])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .status()
            .map_err(|error| format!("valgrind could not be run: {error}"))?;
        if !ran.success() {
            return Err(format!(
                "valgrind ended with {ran} counting subject {subject}"
            ));
        }
        // One file per thread; the calling thread is the process's first.
        let path = dir.join(format!("{name}-01"));
        let text = std::fs::read_to_string(&path)
            .map_err(|error| format!("{}: {error}", path.display()))?;
        text.lines()
            .find_map(|line| line.strip_prefix("summary: ")?.trim().parse().ok())
            .ok_or_else(|| format!("{}: no `summary:` line", path.display()))
    };
    let counted = (0..COUNTED.len())
        .map(|subject| {
            let [few, many] = COUNTED_CALLS.map(|calls| count(subject, calls));
            let extra = f64::from(COUNTED_CALLS[1] - COUNTED_CALLS[0]);
            Ok((COUNTED[subject], (many? as f64 - few? as f64) / extra))
        })
        .collect();
    let _ = std::fs::remove_dir_all(&dir);
    counted
}

/// The JSON of [`instructions`]: each subject's instructions per call, or why none were counted.
pub(crate) fn instructions_json() -> serde_json::Value {
    match instructions() {
        Ok(counted) => json!(
            counted
                .iter()
                .enumerate()
                .map(|(index, (name, per_call))| {
                    let call = if index < LoginLayers::NAMES.len() {
                        "login"
                    } else {
                        "authenticated GET"
                    };
                    json!({ "call": call, "subject": name, "per_call": per_call })
                })
                .collect::<Vec<_>>()
        ),
        Err(reason) => json!({ "skipped": reason }),
    }
}
