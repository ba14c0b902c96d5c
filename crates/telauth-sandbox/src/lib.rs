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
//! [`SandboxInfo::env_vars`] points a program that reads the `telauth` SDK's variables at the
//! sandbox. A test that waits on such a program without `.await` (`std::process::Command`)
//! starts the sandbox with [`Sandbox::start_on_own_thread`], which a blocked runtime does not
//! stop from answering.
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

mod clock;
pub mod demo;
mod idle;
mod info;
mod limits;
mod lock;
mod log;
mod mobivate;
mod own_thread;
mod record;
mod reply;
mod serve;
mod signalwire;
mod smsbeta;
mod voipbin;
mod webhook;

use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::middleware;
use tokio::sync::{oneshot, watch};

use clock::Clock;
pub use info::{AccountInfo, SandboxInfo};
pub use limits::{
    HEADER_READ_TIMEOUT, IDLE_TIMEOUT, Limits, MAX_BODY_BYTES, MAX_CONNECTIONS, MAX_FIELD_BYTES,
    MAX_ITEMS,
};
use log::Log;
use record::Record;
pub use record::{EXCHANGE_BYTES_KEPT, EXCHANGES_KEPT, Exchange};
pub use signalwire::SignalWireInfo;
pub use smsbeta::SmsBetaInfo;
pub use webhook::{DeliveryError, SignedWebhook, Webhook, WebhookInfo};

/// A running sandbox: its shared port and each provider's own port. It stops when
/// [`Sandbox::stop`] is called or when it is dropped.
#[derive(Debug)]
pub struct Sandbox {
    info: SandboxInfo,
    clock: Arc<Clock>,
    voipbin: Arc<voipbin::State>,
    record: Arc<Record>,
    shutdown: Option<watch::Sender<bool>>,
    /// Resolves once every port has stopped (and the log is written, when there is one).
    ended: oneshot::Receiver<()>,
}

impl Sandbox {
    /// Starts a sandbox on `addr` (port 0 picks a free port) that logs nothing. It is served by
    /// the runtime that calls this: a test that blocks that runtime (waiting on a child process
    /// with `std::process::Command`, say) starts it with [`Sandbox::start_on_own_thread`].
    pub async fn start(addr: SocketAddr) -> io::Result<Self> {
        Self::serve(addr, false, Limits::default()).await
    }

    /// Starts a sandbox on `addr` that logs nothing and waits on clients as `limits` says.
    pub async fn start_with_limits(addr: SocketAddr, limits: Limits) -> io::Result<Self> {
        Self::serve(addr, false, limits).await
    }

    /// Starts a sandbox on `addr` that prints one line per request on stdout: method, path
    /// (never the query, where keys travel) and status. The lines are written by a thread of
    /// their own, so that no answer waits for stdout: a line that finds the queue full (nobody
    /// reads stdout fast enough) is dropped, and `N log lines dropped` written in its place; once
    /// stdout is closed nothing more is written. The request is answered all the same.
    pub async fn start_logging(addr: SocketAddr) -> io::Result<Self> {
        Self::serve(addr, true, Limits::default()).await
    }

    /// Binds the ports and serves them on the calling runtime.
    async fn serve(addr: SocketAddr, log: bool, limits: Limits) -> io::Result<Self> {
        let listener = serve::listen(addr)?;
        let local = listener.local_addr()?;
        // Each provider's own port, on the same address.
        let own = || serve::listen(SocketAddr::new(local.ip(), 0));
        let ports = [own()?, own()?, own()?, own()?];
        let [smsbeta_host, voipbin_host, mobivate_host, signalwire_host] = ports
            .each_ref()
            .map(|port| port.local_addr().map(|host| host.to_string()));
        let origin = format!("http://{local}");
        let info = SandboxInfo {
            smsbeta: smsbeta::info(&origin, smsbeta_host?),
            voipbin: voipbin::info(&origin, voipbin_host?),
            mobivate: mobivate::info(&origin, mobivate_host?),
            signalwire: signalwire::info(&origin, signalwire_host?),
            webhooks: WebhookInfo::demo(),
        };

        let clock = Arc::new(Clock::default());
        let record = Arc::new(Record::default());
        let voipbin = Arc::new(voipbin::State::new(Arc::clone(&clock)));
        let providers = [
            (
                smsbeta::PREFIX,
                smsbeta::routes(&Arc::new(smsbeta::State::new())),
            ),
            (voipbin::PREFIX, voipbin::routes(&voipbin)),
            (
                mobivate::PREFIX,
                mobivate::routes(&Arc::new(mobivate::State::new())),
            ),
            (signalwire::PREFIX, signalwire::routes(&Arc::default())),
        ];
        let (log, written) = if log {
            let (log, written) = Log::to_stdout()?;
            (Some(log), Some(written))
        } else {
            (None, None)
        };
        let finish = |routes, prefix| finish(routes, &clock, &record, log.clone(), prefix);
        let shared = providers
            .iter()
            .fold(Router::new(), |app, (prefix, routes)| {
                app.nest(prefix, routes.clone())
            });

        let (shutdown, stopped) = watch::channel(false);
        let permits = serve::permits(&limits);
        let spawn = |listener, app| {
            serve::spawn(listener, app, limits, Arc::clone(&permits), stopped.clone())
        };
        let mut tasks = vec![spawn(listener, finish(shared, ""))];
        for ((prefix, routes), port) in providers.into_iter().zip(ports) {
            tasks.push(spawn(port, finish(routes, prefix)));
        }
        // The ports hold the log now: once they have stopped, its thread writes what is queued
        // and ends.
        drop(log);
        let (stopping, ended) = oneshot::channel();
        tokio::spawn(async move {
            for task in tasks {
                let _ = task.await;
            }
            if let Some(written) = written {
                let _ = tokio::time::timeout(log::DRAIN_TIMEOUT, written).await;
            }
            drop(stopping);
        });
        Ok(Self {
            info,
            clock,
            voipbin,
            record,
            shutdown: Some(shutdown),
            ended,
        })
    }

    /// The base URLs and demo credentials.
    pub fn info(&self) -> &SandboxInfo {
        &self.info
    }

    /// Moves the sandbox's clock forward, to expire JWTs and access keys without waiting.
    pub fn advance_clock(&self, by: Duration) {
        self.clock.advance(by);
    }

    /// Sets the sandbox's clock to `now`, in the past or the future: JWTs and keys it issues
    /// then expire relative to that time.
    pub fn set_clock(&self, now: SystemTime) {
        self.clock.set(now);
    }

    /// Simulates VoIPBIN's rate limiter: the next `requests` VoIPBIN requests (login included)
    /// are answered `429` with `RESOURCE_EXHAUSTED`, `details: [{"limited_by": ...}]` and
    /// `Retry-After: <retry_after in seconds>`, as VoIPBIN's server does.
    pub fn limit_voipbin_rate(&self, requests: u32, retry_after: Duration) {
        self.voipbin.limit_rate(voipbin::RateLimit {
            requests,
            retry_after_secs: retry_after.as_secs(),
        });
    }

    /// The exchanges answered so far, in order: the last [`EXCHANGES_KEPT`] of them, holding at
    /// most [`EXCHANGE_BYTES_KEPT`] bytes of methods, paths and answer bodies, so that a
    /// long-running sandbox keeps flat memory.
    pub fn exchanges(&self) -> Vec<Exchange> {
        self.record.exchanges()
    }

    /// POSTs `webhook` to `url`, signed as its provider signs it with the keys in
    /// [`SandboxInfo::webhooks`], and answers the status the receiver gave: an application's
    /// webhook handler, tested end to end offline. `url` must be `http` on a loopback address
    /// (`127.0.0.0/8`, `[::1]`, `localhost`); no proxy and no redirect is followed. The signed
    /// URL is `url` exactly as given.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// use telauth_sandbox::{DeliveryError, Sandbox, Webhook};
    ///
    /// let sandbox = Sandbox::start("127.0.0.1:0".parse()?).await?;
    /// let event = Webhook::VoipBin(r#"{"type":"call_updated","data":{}}"#.into());
    /// let refused = sandbox.deliver_webhook("http://example.com/hook", &event).await;
    /// assert!(matches!(refused, Err(DeliveryError::NotLoopback(_))));
    /// # sandbox.stop().await;
    /// # Ok(()) }
    /// ```
    pub async fn deliver_webhook(
        &self,
        url: &str,
        webhook: &Webhook,
    ) -> Result<u16, DeliveryError> {
        webhook::deliver(webhook, url, &self.info.webhooks).await
    }

    /// Stops accepting requests on every port, lets those under way finish, and waits for the
    /// servers to end.
    pub async fn stop(mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(true);
        }
        let _ = (&mut self.ended).await;
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(true);
        }
    }
}

/// `routes` with the body limit, the `Date` by the sandbox's clock, and the recording and
/// logging layer, which puts `prefix` before the paths it records.
fn finish(
    routes: Router,
    clock: &Arc<Clock>,
    record: &Arc<Record>,
    log: Option<Log>,
    prefix: &'static str,
) -> Router {
    let context = Arc::new(record::Context {
        record: Arc::clone(record),
        log,
        prefix,
    });
    routes
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(middleware::from_fn_with_state(
            Arc::clone(clock),
            clock::stamp_date,
        ))
        .layer(middleware::from_fn_with_state(context, record::record))
}

// The README's examples are compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
