//! Runtime measurements for `cargo xtask bench`, printed as one JSON object. Each figure that
//! compares is a ratio against a baseline measured in the same run, on the same loopback server.

mod calls;
mod instructions;
mod measure;

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use serde_json::json;
use telauth::Config;
use telauth::voipbin::{TokenSource, VoipBin, VoipBinAuth};
use telauth_sandbox::{Sandbox, SandboxInfo};

use calls::{AccessKeyGets, Clients, Layer, clients, login_layers};
use instructions::{COUNTED, counted_calls, instructions_json};
use measure::{Comparison, on_own_thread, ratio};

fn rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find(|line| line.starts_with("VmRSS:"))
                .and_then(|line| line.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

/// Requests per second and errors of `connections` tasks sending `request` for `duration`.
async fn load(
    http: &reqwest::Client,
    connections: usize,
    duration: Duration,
    request: impl Fn(&reqwest::Client) -> reqwest::RequestBuilder + Send + Sync + 'static,
) -> (f64, u64) {
    let request = Arc::new(request);
    let (done, failed) = (Arc::new(AtomicU64::new(0)), Arc::new(AtomicU64::new(0)));
    let deadline = Instant::now() + duration;
    let tasks: Vec<_> = (0..connections)
        .map(|_| {
            let (http, request) = (http.clone(), Arc::clone(&request));
            let (done, failed) = (Arc::clone(&done), Arc::clone(&failed));
            tokio::spawn(async move {
                while Instant::now() < deadline {
                    let ok = match request(&http).send().await {
                        Ok(response) => {
                            response.status().is_success() && response.bytes().await.is_ok()
                        }
                        Err(_) => false,
                    };
                    if ok { &done } else { &failed }.fetch_add(1, Ordering::Relaxed);
                }
            })
        })
        .collect();
    let started = Instant::now();
    for task in tasks {
        let _ = task.await;
    }
    let requests = done.load(Ordering::Relaxed) as f64;
    (
        requests / started.elapsed().as_secs_f64(),
        failed.load(Ordering::Relaxed),
    )
}

/// The facade against hand-written reqwest on the same calls and the same sandbox: a JSON login,
/// then an authenticated GET. Builds its own clients, so that their connections live on the
/// runtime that measures them.
async fn overhead(info: SandboxInfo) -> (Comparison, Comparison, Vec<Layer>) {
    let clients = clients(&info);

    // A JSON login: the facade (generated client, credential layer, exp decoding) against reqwest.
    let login = ratio(|| clients.facade_login(), || clients.hand_written_login()).await;

    // An authenticated GET with an access key in the `accesskey` cookie.
    let gets = AccessKeyGets::new(&clients).await;
    let authenticated_get = ratio(|| gets.facade(), || gets.hand_written()).await;

    let layers = login_layers(&clients).await;
    (login, authenticated_get, layers)
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if let [flag, subject, calls] = args.as_slice()
        && flag == "--count"
    {
        let subject = subject.parse().ok().filter(|s| *s < COUNTED.len());
        let calls = calls.parse().ok();
        let (Some(subject), Some(calls)) = (subject, calls) else {
            eprintln!(
                "usage: telauth-bench [--count <subject 0-{}> <calls>]",
                COUNTED.len() - 1
            );
            std::process::exit(2);
        };
        return counted_calls(subject, calls);
    }
    let mut report = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("the bench's runtime")
        .block_on(timed());
    report["overhead"]["instructions"] = instructions_json();
    println!("{report}");
}

/// The timed measurements, on the runtime that serves the sandbox.
async fn timed() -> serde_json::Value {
    let sandbox = Sandbox::start("127.0.0.1:0".parse().unwrap())
        .await
        .expect("the sandbox starts");
    let info = sandbox.info().clone();
    let Clients {
        base,
        credentials,
        voipbin,
        http,
        login_body,
    } = clients(&info);

    let (login, authenticated_get, layers) = {
        let info = info.clone();
        on_own_thread(move || Box::pin(overhead(info))).await
    };

    // The token cache: a hit, then 1,000 concurrent callers on an expired token.
    let source = Arc::new(TokenSource::new(&voipbin, &credentials));
    source.token().await.unwrap();
    let hits = 200_000u32;
    let started = Instant::now();
    for _ in 0..hits {
        std::hint::black_box(source.token().await.unwrap());
    }
    let cache_hit_ns = started.elapsed().as_nanos() as f64 / f64::from(hits);
    // 1,000 concurrent callers on a token that must be renewed, against a sandbox of their own
    // so that every login it records is theirs.
    let own = Sandbox::start("127.0.0.1:0".parse().unwrap())
        .await
        .expect("the sandbox starts");
    let own_config = Config::new().origin(own.info().voipbin.origin.clone());
    let source = Arc::new(TokenSource::new(
        &VoipBin::login_only(&own_config).unwrap(),
        &credentials,
    ));
    let jwt = source.token().await.unwrap();
    source.invalidate(&jwt.token);
    let callers: Vec<_> = (0..1000)
        .map(|_| {
            let source = Arc::clone(&source);
            tokio::spawn(async move { source.token().await.map(|_| ()) })
        })
        .collect();
    for caller in callers {
        caller.await.unwrap().unwrap();
    }
    let logins_for_1000 = own
        .exchanges()
        .iter()
        .filter(|e| e.path.ends_with("/auth/login"))
        .count()
        - 1;
    own.stop().await;

    // The sandbox under 64 connections: logins, then access-key GETs.
    let rss_before = rss_kib();
    let login_load = load(&http, 64, Duration::from_secs(4), {
        let (base, body) = (base.clone(), login_body.clone());
        move |http| http.post(format!("{base}/auth/login")).json(&body)
    })
    .await;
    let fresh = voipbin.login(&credentials).await.unwrap();
    let key = voipbin
        .with_auth(&VoipBinAuth::Jwt(fresh.token))
        .create_access_key(Duration::from_secs(86_400), None, None)
        .await
        .unwrap();
    let key_text = key.token.expose().to_string();
    let get_load = load(&http, 64, Duration::from_secs(4), {
        let base = base.clone();
        move |http| {
            http.get(format!("{base}/v1.0/accesskeys/{}", key.key.id))
                .header("cookie", format!("accesskey={key_text}"))
        }
    })
    .await;
    let rss_after = rss_kib();

    let report = json!({
        "overhead": {
            "login": login.json(),
            "authenticated_get": authenticated_get.json(),
            "ratio": login.ratio().min(authenticated_get.ratio()),
            "login_layers": layers
                .iter()
                .map(|layer| json!({ "layer": layer.name, "cpu_us": layer.cpu_us }))
                .collect::<Vec<_>>(),
        },
        "cache_hit_ns": cache_hit_ns,
        "logins_for_1000": logins_for_1000,
        "sandbox": {
            "login_rps": login_load.0, "login_errors": login_load.1,
            "get_rps": get_load.0, "get_errors": get_load.1,
            "rss_kib_before": rss_before, "rss_kib_after": rss_after,
        },
    });
    sandbox.stop().await;
    report
}
