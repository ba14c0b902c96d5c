//! The record of the exchanges answered ([`Sandbox::exchanges`](crate::Sandbox::exchanges)),
//! and the layer that records each one and hands its log line on.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

use axum::body::Body;
use axum::extract::{Request, State as Shared};
use axum::middleware::Next;
use axum::response::Response;
use serde_json::Value;

use crate::lock::lock;
use crate::log::Log;

/// How many of the latest exchanges [`Sandbox::exchanges`](crate::Sandbox::exchanges) keeps at
/// most.
pub const EXCHANGES_KEPT: usize = 10_000;

/// How many bytes [`Sandbox::exchanges`](crate::Sandbox::exchanges) keeps at most, counting
/// each exchange's method, path and answer body ([`Exchange::held_bytes`]): the oldest
/// exchanges go first, and an exchange larger than this alone is recorded without its body.
pub const EXCHANGE_BYTES_KEPT: usize = 4 * 1024 * 1024;

/// One exchange the sandbox answered, for contract tests.
#[derive(Clone, Debug)]
pub struct Exchange {
    /// The request's method.
    pub method: String,
    /// The request's path without the query, with the provider prefix: a request to a
    /// provider's own port (its `host`) is recorded as the shared port would see it, the
    /// provider's prefix before its path.
    pub path: String,
    /// The status answered.
    pub status: u16,
    /// The body answered, when it was JSON (and not larger than the record keeps).
    pub body: Option<Value>,
    /// How many bytes the body took on the wire (0 when it is not kept).
    pub size: usize,
}

impl Exchange {
    /// The bytes it counts against [`EXCHANGE_BYTES_KEPT`]: its method, its path and its body
    /// as sent.
    pub fn held_bytes(&self) -> usize {
        self.method.len() + self.path.len() + self.size
    }
}

/// The latest exchanges, within [`EXCHANGES_KEPT`] and [`EXCHANGE_BYTES_KEPT`].
#[derive(Debug, Default)]
pub struct Record {
    kept: Mutex<Kept>,
}

#[derive(Debug, Default)]
struct Kept {
    exchanges: VecDeque<Exchange>,
    /// The bytes `exchanges` holds: their methods, paths and bodies.
    bytes: usize,
}

impl Record {
    /// The exchanges kept, oldest first.
    pub fn exchanges(&self) -> Vec<Exchange> {
        lock(&self.kept).exchanges.iter().cloned().collect()
    }

    /// Keeps `exchange`, letting the oldest go until it fits.
    fn push(&self, exchange: Exchange) {
        let held = exchange.held_bytes();
        let mut kept = lock(&self.kept);
        while kept.exchanges.len() >= EXCHANGES_KEPT
            || (kept.bytes + held > EXCHANGE_BYTES_KEPT && !kept.exchanges.is_empty())
        {
            if let Some(oldest) = kept.exchanges.pop_front() {
                kept.bytes -= oldest.held_bytes();
            }
        }
        kept.bytes += held;
        kept.exchanges.push_back(exchange);
    }
}

/// What the recording layer of one port needs.
pub struct Context {
    /// Where exchanges go.
    pub record: Arc<Record>,
    /// Where log lines go, when the sandbox logs.
    pub log: Option<Log>,
    /// Put before the paths recorded and logged: empty on the shared port, where the provider
    /// prefix is already in the path; the provider's prefix on its own port.
    pub prefix: &'static str,
}

/// Records each exchange (and logs it when asked), without the query or any body in the log. A
/// path that reached a provider's own port is recorded and logged with the provider's prefix, as
/// the shared port would see it.
pub async fn record(
    Shared(context): Shared<Arc<Context>>,
    request: Request,
    next: Next,
) -> Response {
    let method = request.method().to_string();
    let path = format!("{}{}", context.prefix, request.uri().path());
    let response = next.run(request).await;
    let (parts, body) = response.into_parts();
    let bytes = axum::body::to_bytes(body, usize::MAX)
        .await
        .unwrap_or_default();
    let status = parts.status.as_u16();
    if let Some(log) = &context.log {
        log.line(format!("{method} {path} {status}"));
    }
    // The method and path alone stay far below the bound: hyper reads heads of at most ~400 KiB.
    let body = (method.len() + path.len() + bytes.len() <= EXCHANGE_BYTES_KEPT)
        .then(|| serde_json::from_slice(&bytes).ok())
        .flatten();
    let size = if body.is_some() { bytes.len() } else { 0 };
    context.record.push(Exchange {
        method,
        path,
        status,
        body,
        size,
    });
    Response::from_parts(parts, Body::from(bytes))
}
