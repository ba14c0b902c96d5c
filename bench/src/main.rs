//! Runtime measurements for `cargo xtask bench`, printed as one JSON object. Each figure that
//! compares is a ratio against a baseline measured in the same run, on the same loopback server.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use serde::Deserialize;
use serde_json::json;
use telauth::voipbin::{TokenSource, VoipBin, VoipBinAccount, VoipBinAuth};
use telauth::{Config, Secret};
use telauth_sandbox::{Sandbox, SandboxInfo};

/// Requests per timed round; rounds alternate between the two clients.
const REQUESTS: u32 = 300;
const ROUNDS: usize = 15;

/// What the hand-written baseline decodes, as the generated client does.
#[derive(Deserialize)]
#[allow(dead_code)]
struct Login {
    username: String,
    token: String,
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct Page {
    result: Vec<serde_json::Value>,
    next_page_token: Option<String>,
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

/// The CPU time this thread has used, in microseconds.
fn thread_cpu_us() -> f64 {
    let mut time = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `clock_gettime` writes one `timespec` through the valid pointer it is given.
    let status = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut time) };
    if status != 0 {
        return f64::NAN;
    }
    time.tv_sec as f64 * 1e6 + time.tv_nsec as f64 / 1e3
}

/// Requests per second of `call`, run `REQUESTS` times in a row, and this thread's CPU time per
/// call in microseconds.
async fn throughput<F, Fut>(call: F) -> (f64, f64)
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let (started, cpu) = (Instant::now(), thread_cpu_us());
    for _ in 0..REQUESTS {
        call().await;
    }
    let cpu_per_call = (thread_cpu_us() - cpu) / f64::from(REQUESTS);
    (
        f64::from(REQUESTS) / started.elapsed().as_secs_f64(),
        cpu_per_call,
    )
}

/// One comparison of a client with its hand-written baseline.
struct Comparison {
    /// The median ratio of the client's throughput to the baseline's.
    ratio: f64,
    /// Their median throughputs.
    client_rps: f64,
    baseline_rps: f64,
    /// Their median CPU time per call, on the client's thread.
    client_cpu_us: f64,
    baseline_cpu_us: f64,
}

impl Comparison {
    fn json(&self) -> serde_json::Value {
        json!({
            "ratio": self.ratio,
            "client_rps": self.client_rps, "baseline_rps": self.baseline_rps,
            "client_cpu_us": self.client_cpu_us, "baseline_cpu_us": self.baseline_cpu_us,
        })
    }
}

/// The client against its baseline over alternating rounds. Run on a single-threaded runtime
/// of its own (see [`on_own_thread`]), so that the CPU time measured is the client's alone.
async fn ratio<C, CF, B, BF>(client: C, baseline: B) -> Comparison
where
    C: Fn() -> CF,
    CF: std::future::Future<Output = ()>,
    B: Fn() -> BF,
    BF: std::future::Future<Output = ()>,
{
    throughput(&client).await; // warm both connection pools
    throughput(&baseline).await;
    let (mut ours, mut theirs, mut ratios) = (Vec::new(), Vec::new(), Vec::new());
    let (mut our_cpu, mut their_cpu) = (Vec::new(), Vec::new());
    for _ in 0..ROUNDS {
        let (a, a_cpu) = throughput(&client).await;
        let (b, b_cpu) = throughput(&baseline).await;
        ours.push(a);
        theirs.push(b);
        ratios.push(a / b);
        our_cpu.push(a_cpu);
        their_cpu.push(b_cpu);
    }
    Comparison {
        ratio: median(ratios),
        client_rps: median(ours),
        baseline_rps: median(theirs),
        client_cpu_us: median(our_cpu),
        baseline_cpu_us: median(their_cpu),
    }
}

/// Runs `work` on a thread of its own with a single-threaded runtime, while the sandbox keeps
/// serving on the main runtime's threads.
async fn on_own_thread<T: Send + 'static>(
    work: impl FnOnce() -> std::pin::Pin<Box<dyn std::future::Future<Output = T>>> + Send + 'static,
) -> T {
    tokio::task::spawn_blocking(move || {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a runtime for the client")
            .block_on(work())
    })
    .await
    .expect("the client thread")
}

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

/// The two clients compared, for the sandbox's VoIPBIN: the facade and hand-written reqwest.
struct Clients {
    /// The sandbox's VoIPBIN origin.
    base: String,
    credentials: VoipBinAccount,
    voipbin: VoipBin,
    http: reqwest::Client,
    /// The login body the hand-written client sends.
    login_body: serde_json::Value,
}

/// Both clients for the sandbox `info` describes, built on the runtime that calls this.
fn clients(info: &SandboxInfo) -> Clients {
    let base = info.voipbin.origin.clone();
    Clients {
        credentials: VoipBinAccount {
            username: info.voipbin.username.clone(),
            password: Secret::from(info.voipbin.password.as_str()),
        },
        voipbin: VoipBin::login_only(&Config::new().origin(base.clone())).unwrap(),
        http: reqwest::Client::builder()
            .timeout(Duration::from_secs(30))
            .build()
            .unwrap(),
        login_body: json!({ "username": info.voipbin.username, "password": info.voipbin.password }),
        base,
    }
}

/// The facade against hand-written reqwest on the same calls and the same sandbox: a JSON login,
/// then an authenticated GET. Builds its own clients, so that their connections live on the
/// runtime that measures them.
async fn overhead(info: SandboxInfo) -> (Comparison, Comparison) {
    let Clients {
        base,
        credentials,
        voipbin,
        http,
        login_body,
    } = clients(&info);

    // A JSON login: the facade (generated client, credential layer, exp decoding) against reqwest.
    let login = ratio(
        || async {
            voipbin.login(&credentials).await.unwrap();
        },
        || async {
            let response = http
                .post(format!("{base}/auth/login"))
                .json(&login_body)
                .send()
                .await
                .unwrap();
            let _: Login = response.json().await.unwrap();
        },
    )
    .await;

    // An authenticated GET with an access key in the `accesskey` cookie.
    let jwt = voipbin.login(&credentials).await.unwrap();
    let key = voipbin
        .with_auth(&VoipBinAuth::Jwt(jwt.token))
        .create_access_key(Duration::from_secs(86_400), Some("bench"), None)
        .await
        .unwrap();
    let key_token = key.token.clone();
    let with_key = voipbin.with_auth(&VoipBinAuth::AccessKey(key_token.clone()));
    let key_text = key_token.expose().to_string();
    let authenticated_get = ratio(
        || async {
            with_key.list_access_keys(None, None).await.unwrap();
        },
        || async {
            let response = http
                .get(format!("{base}/v1.0/accesskeys"))
                .header("cookie", format!("accesskey={key_text}"))
                .send()
                .await
                .unwrap();
            let _: Page = response.json().await.unwrap();
        },
    )
    .await;

    (login, authenticated_get)
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
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

    let (login, authenticated_get) = {
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
            "ratio": login.ratio.min(authenticated_get.ratio),
        },
        "cache_hit_ns": cache_hit_ns,
        "logins_for_1000": logins_for_1000,
        "sandbox": {
            "login_rps": login_load.0, "login_errors": login_load.1,
            "get_rps": get_load.0, "get_errors": get_load.1,
            "rss_kib_before": rss_before, "rss_kib_after": rss_after,
        },
    });
    println!("{report}");
    sandbox.stop().await;
}
