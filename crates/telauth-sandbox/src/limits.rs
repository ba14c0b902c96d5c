//! What the sandbox lets a client make it hold or wait for.

use std::time::Duration;

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
