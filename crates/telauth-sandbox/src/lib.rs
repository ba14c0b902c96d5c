//! An offline server that answers like the credential APIs of SMSBeta, VoIPBIN, Mobivate and
//! SignalWire, for tests, examples and development without accounts or network.
//!
//! One server serves the four providers, each under its own prefix (`/smsbeta`, `/voipbin`,
//! `/mobivate`, `/signalwire`) followed by the provider's own API path, at each provider's
//! `origin`. Each provider is also served at the root of a port of its own, its `host`
//! (`127.0.0.1:PORT`), for code that takes a host rather than an origin: the providers' own SDKs
//! run against it unchanged (SignalWire's Python SDK speaks plain `http` to a loopback
//! `SIGNALWIRE_SPACE=127.0.0.1:PORT`). Both ways reach the same state, the same record
//! ([`Sandbox::exchanges`]) and the same limits. It keeps its state in memory and accepts the
//! demo credentials in [`SandboxInfo`]:
//! - SMSBeta checks the md5 digest of the password (a wrong one is a 401);
//! - VoIPBIN issues signed JWTs valid 7 days (see [`Sandbox::advance_clock`]) and looks for a
//!   credential where its server does: cookie `token` or `accesskey`, then `?token=` or
//!   `?accesskey=`, then a Bearer JWT (an access key is never read from the header); it refuses
//!   an `expire` under 86400 after wrapping it to 32 bits as the server does, shows a key's
//!   `token` only on create, replaces both `name` and `detail` on update, deletes softly (`409`
//!   afterwards), pages lists with a `next_page_token` that is empty only on an empty page, and
//!   answers `429` with `Retry-After` while [`Sandbox::limit_voipbin_rate`] says so;
//! - Mobivate's `createkey` rotates the key, so the old one fails `test`;
//! - SignalWire checks Basic auth and the `management` permission, validates permission names
//!   (422, code 10003) and the subproject (422, 10004), keeps a repeated permission once,
//!   refuses an empty name or permission list, updates only the fields a `PATCH` gives, and a
//!   token it created authenticates later calls.
//!
//! A body that is not JSON, or lacks a required field, gets the provider's documented error.
//! Slow or idle clients are closed and the connections served at once capped ([`Limits`]), so
//! that a stalled client does not keep others waiting for long.
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> std::io::Result<()> {
//! let sandbox = telauth_sandbox::Sandbox::start("127.0.0.1:0".parse().unwrap()).await?;
//! let voipbin = &sandbox.info().voipbin;
//! assert!(voipbin.origin.ends_with("/voipbin"));
//! // The same API at the root of VoIPBIN's own port: `http://{host}/auth/login`.
//! assert!(voipbin.host.starts_with("127.0.0.1:"));
//! sandbox.stop().await;
//! # Ok(()) }
//! ```
// Handlers refuse by returning the answer itself; it is built once per request, so its size does
// not matter.
#![allow(clippy::result_large_err)]

mod idle;
mod jwt;
mod mobivate;
mod reply;
mod serve;
mod signalwire;
mod smsbeta;
mod state;
mod voipbin;

use std::io::{self, Write as _};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::{Request, State as Shared};
use axum::middleware::{self, Next};
use axum::response::Response;
use serde::Serialize;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use state::State;
pub use state::{Exchange, demo};

/// How many of the latest exchanges [`Sandbox::exchanges`] keeps at most.
pub const EXCHANGES_KEPT: usize = 10_000;

/// How many bytes [`Sandbox::exchanges`] keeps at most, counting each exchange's method, path
/// and answer body ([`Exchange::held_bytes`]): the oldest exchanges go first, and an exchange
/// larger than this alone is recorded without its body.
pub const EXCHANGE_BYTES_KEPT: usize = 4 * 1024 * 1024;

/// The largest request body the sandbox reads; a larger one is answered `413`.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

/// The longest name or detail the sandbox keeps; a longer one is refused (`400`).
pub const MAX_FIELD_BYTES: usize = 1024;

/// How many access keys, and how many SignalWire tokens, the sandbox keeps; creating more is
/// refused.
pub const MAX_ITEMS: usize = 1000;

/// How long a request's head may take to arrive, from the moment the sandbox waits for it (on
/// a kept-alive connection, from the previous answer); then the connection is closed.
pub const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);

/// How long a connection may move no byte in either direction (kept alive between requests, or
/// stalled in a request body or an answer) before the sandbox closes it.
pub const IDLE_TIMEOUT: Duration = Duration::from_secs(5);

/// How many connections the sandbox serves at once, over all its ports; a connection beyond
/// them waits, unanswered, until one closes (each port accepts one such and leaves the others
/// in the system's queue).
pub const MAX_CONNECTIONS: usize = 128;

/// How long the sandbox waits on its clients and how many it serves at once. The default is
/// [`HEADER_READ_TIMEOUT`], [`IDLE_TIMEOUT`] and [`MAX_CONNECTIONS`]; change a field of it to
/// test a client against a slow or busy server, or to shorten a test.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Limits {
    /// How long a request's head may take to arrive ([`HEADER_READ_TIMEOUT`]).
    pub header_read_timeout: Duration,
    /// How long a connection may move no byte ([`IDLE_TIMEOUT`]).
    pub idle_timeout: Duration,
    /// How many connections are served at once, at least one ([`MAX_CONNECTIONS`]).
    pub max_connections: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            header_read_timeout: HEADER_READ_TIMEOUT,
            idle_timeout: IDLE_TIMEOUT,
            max_connections: MAX_CONNECTIONS,
        }
    }
}

/// Where each provider is served and the demo credentials it accepts.
#[derive(Clone, Debug, Serialize)]
pub struct SandboxInfo {
    /// SMSBeta.
    pub smsbeta: SmsBetaInfo,
    /// VoIPBIN.
    pub voipbin: AccountInfo,
    /// Mobivate.
    pub mobivate: AccountInfo,
    /// SignalWire.
    pub signalwire: SignalWireInfo,
}

/// SMSBeta's base URL and demo account.
#[derive(Clone, Debug, Serialize)]
pub struct SmsBetaInfo {
    /// The origin to give a client (the API's paths follow it).
    pub origin: String,
    /// `ADDRESS:PORT` of SMSBeta's own port, where the API's paths start at the root:
    /// `http://{host}` is an origin too, for code that takes a host.
    pub host: String,
    /// The account mail.
    pub mail: String,
    /// The account password (send its md5 digest).
    pub password: String,
}

/// A provider's base URL and demo username and password.
#[derive(Clone, Debug, Serialize)]
pub struct AccountInfo {
    /// The origin to give a client (the API's paths follow it).
    pub origin: String,
    /// `ADDRESS:PORT` of the provider's own port, where the API's paths start at the root:
    /// `http://{host}` is an origin too, for code that takes a host.
    pub host: String,
    /// The username.
    pub username: String,
    /// The password.
    pub password: String,
}

/// SignalWire's base URL and demo project.
#[derive(Clone, Debug, Serialize)]
pub struct SignalWireInfo {
    /// The origin to give a client; `/api/laml/2010-04-01` follows it.
    pub origin: String,
    /// `ADDRESS:PORT` of SignalWire's own port, where `/api/laml/2010-04-01` starts at the root:
    /// give it where a SignalWire SDK takes a space's host (`SIGNALWIRE_SPACE`).
    pub host: String,
    /// The space name.
    pub space: String,
    /// The project id.
    pub project_id: String,
    /// An API token with every permission.
    pub api_token: String,
    /// A subproject of the project, for tokens created for it.
    pub subproject_id: String,
}

/// A running sandbox: its shared port and each provider's own port. It stops when
/// [`Sandbox::stop`] is called or when it is dropped.
#[derive(Debug)]
pub struct Sandbox {
    info: SandboxInfo,
    state: Arc<State>,
    shutdown: Option<watch::Sender<bool>>,
    tasks: Vec<JoinHandle<()>>,
}

/// What the logging and recording layer needs.
struct Context {
    state: Arc<State>,
    log: bool,
    /// Put before the paths recorded and logged: empty on the shared port, where the provider
    /// prefix is already in the path; the provider's prefix on its own port.
    prefix: &'static str,
}

/// What builds a provider's routes.
type Routes = fn() -> Router<Arc<State>>;

/// Each provider's prefix on the shared port, and its routes.
const PROVIDERS: [(&str, Routes); 4] = [
    ("/smsbeta", smsbeta::routes),
    ("/voipbin", voipbin::routes),
    ("/mobivate", mobivate::routes),
    ("/signalwire", signalwire::routes),
];

impl Sandbox {
    /// Starts a sandbox on `addr` (port 0 picks a free port) that logs nothing.
    pub async fn start(addr: SocketAddr) -> io::Result<Self> {
        Self::serve(addr, false, Limits::default()).await
    }

    /// Starts a sandbox on `addr` that logs nothing and waits on clients as `limits` says.
    pub async fn start_with_limits(addr: SocketAddr, limits: Limits) -> io::Result<Self> {
        Self::serve(addr, false, limits).await
    }

    /// Starts a sandbox on `addr` that prints one line per request on stdout: method, path
    /// (never the query, where keys travel) and status. A line that cannot be written (nobody
    /// reads stdout any more) is dropped; the request is answered all the same.
    pub async fn start_logging(addr: SocketAddr) -> io::Result<Self> {
        Self::serve(addr, true, Limits::default()).await
    }

    async fn serve(addr: SocketAddr, log: bool, limits: Limits) -> io::Result<Self> {
        let listener = serve::listen(addr)?;
        let local = listener.local_addr()?;
        // Each provider's own port, on the same address.
        let mut own = Vec::with_capacity(PROVIDERS.len());
        for _ in PROVIDERS {
            own.push(serve::listen(SocketAddr::new(local.ip(), 0))?);
        }
        let hosts = PROVIDERS
            .iter()
            .zip(&own)
            .map(|((prefix, _), listener)| Ok((*prefix, listener.local_addr()?.to_string())))
            .collect::<io::Result<Vec<_>>>()?;
        let state = Arc::new(State::new());
        let shared = PROVIDERS
            .iter()
            .fold(Router::new(), |app, (prefix, routes)| {
                app.nest(prefix, routes())
            });
        let (shutdown, stopped) = watch::channel(false);
        let permits = serve::permits(&limits);
        let spawn = |listener, app| {
            serve::spawn(listener, app, limits, Arc::clone(&permits), stopped.clone())
        };
        let mut tasks = vec![spawn(listener, finish(shared, &state, log, ""))];
        for ((prefix, routes), listener) in PROVIDERS.iter().zip(own) {
            tasks.push(spawn(listener, finish(routes(), &state, log, prefix)));
        }
        Ok(Self {
            info: info(&format!("http://{local}"), &hosts),
            state,
            shutdown: Some(shutdown),
            tasks,
        })
    }

    /// The base URLs and demo credentials.
    pub fn info(&self) -> &SandboxInfo {
        &self.info
    }

    /// Moves the sandbox's clock forward, to expire JWTs and access keys without waiting.
    pub fn advance_clock(&self, by: Duration) {
        let by = i64::try_from(by.as_secs()).unwrap_or(i64::MAX);
        let mut data = self.state.data();
        data.clock_offset = data.clock_offset.saturating_add(by);
    }

    /// Sets the sandbox's clock to `now`, in the past or the future: JWTs and keys it issues
    /// then expire relative to that time.
    pub fn set_clock(&self, now: std::time::SystemTime) {
        let target = now
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or_default();
        let real = state::real_now();
        let offset = if target >= real {
            i64::try_from(target - real).unwrap_or(i64::MAX)
        } else {
            -i64::try_from(real - target).unwrap_or(i64::MAX)
        };
        self.state.data().clock_offset = offset;
    }

    /// Simulates VoIPBIN's rate limiter: the next `requests` VoIPBIN requests (login included)
    /// are answered `429` with `RESOURCE_EXHAUSTED`, `details: [{"limited_by": ...}]` and
    /// `Retry-After: <retry_after in seconds>`, as VoIPBIN's server does.
    pub fn limit_voipbin_rate(&self, requests: u32, retry_after: Duration) {
        self.state.data().voipbin_rate_limit = Some(state::RateLimit {
            requests,
            retry_after_secs: retry_after.as_secs(),
        });
    }

    /// The exchanges answered so far, in order: the last [`EXCHANGES_KEPT`] of them, holding at
    /// most [`EXCHANGE_BYTES_KEPT`] bytes of methods, paths and answer bodies, so that a
    /// long-running sandbox keeps flat memory.
    pub fn exchanges(&self) -> Vec<Exchange> {
        self.state.data().exchanges.iter().cloned().collect()
    }

    /// Stops accepting requests on every port, lets those under way finish, and waits for the
    /// servers to end.
    pub async fn stop(mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(true);
        }
        for task in std::mem::take(&mut self.tasks) {
            let _ = task.await;
        }
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(true);
        }
    }
}

/// `routes` with the state, the body limit, and the recording and logging layer.
fn finish(
    routes: Router<Arc<State>>,
    state: &Arc<State>,
    log: bool,
    prefix: &'static str,
) -> Router {
    let context = Arc::new(Context {
        state: Arc::clone(state),
        log,
        prefix,
    });
    routes
        .with_state(Arc::clone(state))
        .layer(axum::extract::DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(middleware::from_fn_with_state(context, record))
}

/// The info for the shared port's `origin` and the providers' own `hosts`, by prefix.
fn info(origin: &str, hosts: &[(&str, String)]) -> SandboxInfo {
    let host = |provider: &str| {
        hosts
            .iter()
            .find(|(prefix, _)| prefix.strip_prefix('/') == Some(provider))
            .map(|(_, host)| host.clone())
            .unwrap_or_default()
    };
    let account = |provider: &str, username: &str, password: &str| AccountInfo {
        origin: format!("{origin}/{provider}"),
        host: host(provider),
        username: username.into(),
        password: password.into(),
    };
    SandboxInfo {
        smsbeta: SmsBetaInfo {
            origin: format!("{origin}/smsbeta"),
            host: host("smsbeta"),
            mail: demo::SMSBETA_MAIL.into(),
            password: demo::SMSBETA_PASSWORD.into(),
        },
        voipbin: account("voipbin", demo::VOIPBIN_USERNAME, demo::VOIPBIN_PASSWORD),
        mobivate: account("mobivate", demo::MOBIVATE_USERNAME, demo::MOBIVATE_PASSWORD),
        signalwire: SignalWireInfo {
            origin: format!("{origin}/signalwire"),
            host: host("signalwire"),
            space: demo::SIGNALWIRE_SPACE.into(),
            project_id: demo::SIGNALWIRE_PROJECT_ID.into(),
            api_token: demo::SIGNALWIRE_API_TOKEN.into(),
            subproject_id: demo::SIGNALWIRE_SUBPROJECT_ID.into(),
        },
    }
}

/// Records each exchange (and logs it when asked), without the query or any body in the log. A
/// path that reached a provider's own port is recorded and logged with the provider's prefix, as
/// the shared port would see it.
async fn record(Shared(context): Shared<Arc<Context>>, request: Request, next: Next) -> Response {
    let method = request.method().to_string();
    let path = format!("{}{}", context.prefix, request.uri().path());
    let response = next.run(request).await;
    let (mut parts, body) = response.into_parts();
    // `Date` by the sandbox's clock, which `set_clock` may have moved: a server whose clock
    // differs from the client's, as a real one can.
    if let Ok(date) = axum::http::HeaderValue::from_str(&state::http_date(context.state.now())) {
        parts.headers.insert(axum::http::header::DATE, date);
    }
    let bytes = axum::body::to_bytes(body, usize::MAX)
        .await
        .unwrap_or_default();
    let status = parts.status.as_u16();
    if context.log {
        // The state has changed already: a log line nobody reads (EPIPE) must not lose the
        // answer, so it is dropped.
        let _ = writeln!(io::stdout().lock(), "{method} {path} {status}");
    }
    // The method and path alone stay far below the bound: hyper reads heads of at most ~400 KiB.
    let body = (method.len() + path.len() + bytes.len() <= EXCHANGE_BYTES_KEPT)
        .then(|| serde_json::from_slice(&bytes).ok())
        .flatten();
    let size = if body.is_some() { bytes.len() } else { 0 };
    let exchange = Exchange {
        method,
        path,
        status,
        body,
        size,
    };
    {
        let held = exchange.held_bytes();
        let mut data = context.state.data();
        while data.exchanges.len() >= EXCHANGES_KEPT
            || (data.exchange_bytes + held > EXCHANGE_BYTES_KEPT && !data.exchanges.is_empty())
        {
            if let Some(oldest) = data.exchanges.pop_front() {
                data.exchange_bytes -= oldest.held_bytes();
            }
        }
        data.exchange_bytes += held;
        data.exchanges.push_back(exchange);
    }
    Response::from_parts(parts, Body::from(bytes))
}

// The README's examples are compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
