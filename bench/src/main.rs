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

/// The system allocator, counting allocations, so that each client's allocations per call can be
/// reported beside its CPU time: where a client's cost is, not a guess.
struct Counting;

static ALLOCATIONS: AtomicU64 = AtomicU64::new(0);

// SAFETY: every call is passed on unchanged to the system allocator.
unsafe impl std::alloc::GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: std::alloc::Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        // SAFETY: the caller's contract is the system allocator's.
        unsafe { std::alloc::System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: std::alloc::Layout) {
        // SAFETY: the caller's contract is the system allocator's.
        unsafe { std::alloc::System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: std::alloc::Layout, size: usize) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        // SAFETY: the caller's contract is the system allocator's.
        unsafe { std::alloc::System.realloc(ptr, layout, size) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// Requests per timed run; the runs of the two clients alternate, A B then B A, so that a drift
/// of the machine's load, or a warming cache, reaches both alike.
const REQUESTS: u32 = 200;
/// Pairs of runs (one of each client) per comparison; even, for the A B / B A alternation.
const ROUNDS: usize = 160;

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

/// The value at fraction `q` (0 to 1) of `values` sorted: `quantile(v, 0.5)` is the median.
fn quantile(values: &[f64], q: f64) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let index = (q * (sorted.len() - 1) as f64).round() as usize;
    sorted[index]
}

fn median(values: &[f64]) -> f64 {
    quantile(values, 0.5)
}

/// CPU time (user + system) in microseconds that `getrusage(who)` reports: `RUSAGE_THREAD`
/// for the calling thread, `RUSAGE_SELF` for the whole process.
fn cpu_us(who: libc::c_int) -> f64 {
    // SAFETY: `rusage` is plain data, for which all zeroes is a valid value.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: `getrusage` writes one `rusage` through the valid pointer it is given.
    if unsafe { libc::getrusage(who, &mut usage) } != 0 {
        return f64::NAN;
    }
    let us = |time: libc::timeval| time.tv_sec as f64 * 1e6 + time.tv_usec as f64;
    us(usage.ru_utime) + us(usage.ru_stime)
}

/// One timed run of a client: `REQUESTS` calls in a row.
struct Run {
    /// Requests per second.
    rps: f64,
    /// CPU microseconds per call of the thread that made the calls (`getrusage(RUSAGE_THREAD)`).
    thread_cpu_us: f64,
    /// CPU microseconds per call of the whole process, the sandbox serving included
    /// (`getrusage(RUSAGE_SELF)`).
    process_cpu_us: f64,
    /// Allocations (and reallocations) per call in the whole process, the sandbox's included.
    allocations: f64,
}

/// `call` run `REQUESTS` times in a row.
async fn throughput<F, Fut>(call: F) -> Run
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let (thread, process) = (cpu_us(libc::RUSAGE_THREAD), cpu_us(libc::RUSAGE_SELF));
    let allocations = ALLOCATIONS.load(Ordering::Relaxed);
    let started = Instant::now();
    for _ in 0..REQUESTS {
        call().await;
    }
    let seconds = started.elapsed().as_secs_f64();
    let per_call = |before: f64, now: f64| (now - before) / f64::from(REQUESTS);
    Run {
        rps: f64::from(REQUESTS) / seconds,
        thread_cpu_us: per_call(thread, cpu_us(libc::RUSAGE_THREAD)),
        process_cpu_us: per_call(process, cpu_us(libc::RUSAGE_SELF)),
        allocations: per_call(
            allocations as f64,
            ALLOCATIONS.load(Ordering::Relaxed) as f64,
        ),
    }
}

/// One comparison of a client with its hand-written baseline, over `ROUNDS` pairs of runs.
struct Comparison {
    /// Each pair's ratio of the client's throughput to the baseline's.
    ratios: Vec<f64>,
    /// The client's runs and the baseline's.
    client: Vec<Run>,
    baseline: Vec<Run>,
}

impl Comparison {
    /// The median ratio.
    fn ratio(&self) -> f64 {
        median(&self.ratios)
    }

    fn json(&self) -> serde_json::Value {
        let of = |runs: &[Run], pick: fn(&Run) -> f64| {
            median(&runs.iter().map(pick).collect::<Vec<_>>())
        };
        json!({
            "ratio": self.ratio(),
            "ratio_min": quantile(&self.ratios, 0.0),
            "ratio_q1": quantile(&self.ratios, 0.25),
            "ratio_q3": quantile(&self.ratios, 0.75),
            "ratio_max": quantile(&self.ratios, 1.0),
            "rounds": self.ratios.len(),
            "requests_per_run": REQUESTS,
            "client_rps": of(&self.client, |r| r.rps),
            "baseline_rps": of(&self.baseline, |r| r.rps),
            "client_cpu_us": of(&self.client, |r| r.thread_cpu_us),
            "baseline_cpu_us": of(&self.baseline, |r| r.thread_cpu_us),
            "client_process_cpu_us": of(&self.client, |r| r.process_cpu_us),
            "baseline_process_cpu_us": of(&self.baseline, |r| r.process_cpu_us),
            "client_allocations": of(&self.client, |r| r.allocations),
            "baseline_allocations": of(&self.baseline, |r| r.allocations),
        })
    }
}

/// The client against its baseline over `ROUNDS` pairs of runs, A B then B A. Run on a
/// single-threaded runtime of its own (see [`on_own_thread`]), so that the thread's CPU time is
/// the client's alone.
async fn ratio<C, CF, B, BF>(client: C, baseline: B) -> Comparison
where
    C: Fn() -> CF,
    CF: std::future::Future<Output = ()>,
    B: Fn() -> BF,
    BF: std::future::Future<Output = ()>,
{
    throughput(&client).await; // warm both connection pools
    throughput(&baseline).await;
    let mut comparison = Comparison {
        ratios: Vec::new(),
        client: Vec::new(),
        baseline: Vec::new(),
    };
    for round in 0..ROUNDS {
        let (ours, theirs) = if round % 2 == 0 {
            let ours = throughput(&client).await;
            (ours, throughput(&baseline).await)
        } else {
            let theirs = throughput(&baseline).await;
            (throughput(&client).await, theirs)
        };
        comparison.ratios.push(ours.rps / theirs.rps);
        comparison.client.push(ours);
        comparison.baseline.push(theirs);
    }
    comparison
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
async fn overhead(info: SandboxInfo) -> (Comparison, Comparison, Vec<Layer>) {
    let clients = clients(&info);
    let Clients {
        base,
        credentials,
        voipbin,
        http,
        login_body,
    } = &clients;

    // A JSON login: the facade (generated client, credential layer, exp decoding) against reqwest.
    let login = ratio(
        || async {
            voipbin.login(credentials).await.unwrap();
        },
        || hand_written_login(http, base, login_body),
    )
    .await;

    // An authenticated GET with an access key in the `accesskey` cookie.
    let gets = AccessKeyGets::new(&clients).await;
    let authenticated_get = ratio(|| gets.facade(), || gets.hand_written()).await;

    let layers = login_layers(&clients).await;
    (login, authenticated_get, layers)
}

/// The authenticated GET both ways: a page of access keys, with an access key in the
/// `accesskey` cookie.
struct AccessKeyGets<'a> {
    clients: &'a Clients,
    /// The facade's client, holding the key.
    with_key: VoipBin,
    /// The key's text, for the hand-written call.
    key_text: String,
}

impl<'a> AccessKeyGets<'a> {
    /// Logs in and creates the key both calls present.
    async fn new(clients: &'a Clients) -> Self {
        let jwt = clients.voipbin.login(&clients.credentials).await.unwrap();
        let key = clients
            .voipbin
            .with_auth(&VoipBinAuth::Jwt(jwt.token))
            .create_access_key(Duration::from_secs(86_400), Some("bench"), None)
            .await
            .unwrap();
        Self {
            clients,
            with_key: clients
                .voipbin
                .with_auth(&VoipBinAuth::AccessKey(key.token.clone())),
            key_text: key.token.expose().to_string(),
        }
    }

    async fn facade(&self) {
        std::hint::black_box(self.with_key.list_access_keys(None, None).await.unwrap());
    }

    async fn hand_written(&self) {
        let response = self
            .clients
            .http
            .get(format!("{}/v1.0/accesskeys", self.clients.base))
            .header("cookie", format!("accesskey={}", self.key_text))
            .send()
            .await
            .unwrap();
        let _: Page = response.json().await.unwrap();
    }
}

/// The baseline login: hand-written reqwest, to the sandbox's VoIPBIN at `base`.
async fn hand_written_login(http: &reqwest::Client, base: &str, body: &serde_json::Value) {
    let response = http
        .post(format!("{base}/auth/login"))
        .json(body)
        .send()
        .await
        .unwrap();
    let _: Login = response.json().await.unwrap();
}

/// One step of the login's path from the hand-written call to the facade's, with the calling
/// thread's CPU per call: the median over the rounds of [`login_layers`].
struct Layer {
    name: &'static str,
    cpu_us: f64,
}

/// How many rounds [`login_layers`] runs: in each, one run of `REQUESTS` calls per layer, in
/// order, the order reversed every other round.
const LAYER_ROUNDS: usize = 60;

/// The login's path from the hand-written call to the facade's, layer by layer: each adds one
/// piece to the layer before it.
struct LoginLayers<'a> {
    clients: &'a Clients,
    /// The generated client on the hand-written call's reqwest client.
    generated: telauth_voipbin::Client,
    /// The generated client again, on a reqwest client with the facade's settings.
    generated_as_facade: telauth_voipbin::Client,
}

impl<'a> LoginLayers<'a> {
    const NAMES: [&'static str; 6] = [
        "hand-written reqwest (the baseline)",
        "+ `Accept`, the typed body with its `Secret` through `telauth_runtime::json_body`",
        "+ the answer through `telauth_runtime::decode` into the generated type",
        "the generated client (`telauth-voipbin`, same reqwest client): + its builder, hooks, credential layer, transport",
        "+ the facade's reqwest settings (user agent, timeouts, no redirect, no proxy)",
        "the facade (`VoipBin::login`): + the JWT's `exp`, its errors",
    ];

    fn new(clients: &'a Clients) -> Self {
        let base = clients.base.as_str();
        let settings = reqwest::Client::builder()
            .timeout(Duration::from_secs(30))
            .connect_timeout(Duration::from_secs(10))
            .user_agent(telauth::USER_AGENT)
            .no_proxy();
        Self {
            clients,
            generated: telauth_voipbin::Client::new_with_client(
                base,
                clients.http.clone(),
                telauth_voipbin::Credentials::none(),
            ),
            generated_as_facade: telauth_voipbin::Client::with_builder(
                base,
                settings,
                telauth_voipbin::Credentials::none(),
            )
            .unwrap(),
        }
    }

    /// One login through `layer` (an index of [`LoginLayers::NAMES`]).
    async fn login(&self, layer: usize) {
        use telauth_voipbin::types::{LoginRequest, LoginResponse};
        let Clients {
            base,
            credentials,
            voipbin,
            http,
            login_body,
        } = self.clients;
        let typed_body = || {
            LoginRequest::builder()
                .username(credentials.username.clone())
                .password(credentials.password.clone())
        };
        match layer {
            0 => hand_written_login(http, base, login_body).await,
            1 | 2 => {
                let body = LoginRequest::try_from(typed_body()).unwrap();
                let request = http.post(format!("{base}/auth/login")).header(
                    reqwest::header::ACCEPT,
                    reqwest::header::HeaderValue::from_static("application/json"),
                );
                let response = telauth_runtime::json_body(request, &body)
                    .unwrap()
                    .send()
                    .await
                    .unwrap();
                if layer == 1 {
                    let _: Login = response.json().await.unwrap();
                } else {
                    let answer = telauth_runtime::decode::<LoginResponse, ()>(response);
                    std::hint::black_box(answer.await.unwrap().into_inner());
                }
            }
            3 | 4 => {
                let client = if layer == 3 {
                    &self.generated
                } else {
                    &self.generated_as_facade
                };
                let answer = client
                    .auth_login()
                    .body_map(|body| {
                        body.username(credentials.username.clone())
                            .password(credentials.password.clone())
                    })
                    .send()
                    .await;
                std::hint::black_box(answer.unwrap().into_inner());
            }
            _ => {
                std::hint::black_box(voipbin.login(credentials).await.unwrap());
            }
        }
    }
}

/// Where the facade's login costs more than the hand-written call: the calling thread's CPU per
/// call of each layer of the facade's path, each adding one piece to the layer before it, all
/// measured in the same interleaved rounds.
async fn login_layers(clients: &Clients) -> Vec<Layer> {
    let layers = LoginLayers::new(clients);
    let count = LoginLayers::NAMES.len();
    let mut cpu: Vec<Vec<f64>> = vec![Vec::new(); count];
    for round in 0..LAYER_ROUNDS {
        for step in 0..count {
            let layer = if round % 2 == 0 {
                step
            } else {
                count - 1 - step
            };
            let before = cpu_us(libc::RUSAGE_THREAD);
            for _ in 0..REQUESTS {
                layers.login(layer).await;
            }
            cpu[layer].push((cpu_us(libc::RUSAGE_THREAD) - before) / f64::from(REQUESTS));
        }
    }
    LoginLayers::NAMES
        .into_iter()
        .zip(cpu)
        .map(|(name, runs)| Layer {
            name,
            cpu_us: median(&runs),
        })
        .collect()
}

/// What [`instructions`] counts, one call at a time: the login's layers (indexes of
/// [`LoginLayers::NAMES`]), then the authenticated GET both ways.
const COUNTED: [&str; 8] = [
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
fn counted_calls(subject: usize, calls: u32) {
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
fn instructions_json() -> serde_json::Value {
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
