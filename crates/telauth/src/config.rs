//! How a provider client connects: where to, how long it waits, and whether plain `http` to a
//! remote host is allowed.

use std::time::Duration;

use crate::RetryPolicy;

/// The request timeout when none is set.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// Connection settings shared by the provider clients.
///
/// The defaults: the provider's production origin, a [`DEFAULT_TIMEOUT`] per request, TLS
/// verification on (it is never turned off), no request over plain `http` except to a loopback
/// address, no redirect followed (a 3xx is an unexpected status), and no retry unless
/// [`Config::retry`] sets a policy.
#[derive(Clone, Debug)]
pub struct Config {
    origin: Option<String>,
    timeout: Duration,
    allow_insecure_http: bool,
    retry: Option<RetryPolicy>,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            origin: None,
            timeout: DEFAULT_TIMEOUT,
            allow_insecure_http: false,
            retry: None,
        }
    }
}

impl Config {
    /// The defaults.
    pub fn new() -> Self {
        Self::default()
    }

    /// Replaces the provider's origin — scheme, host, port and an optional path prefix, such as
    /// `http://127.0.0.1:8080/voipbin` — for a sandbox, a mock or a proxy. The API's own path
    /// (SignalWire's `/api/laml/2010-04-01`) is appended to it.
    pub fn origin(mut self, origin: impl Into<String>) -> Self {
        self.origin = Some(origin.into().trim_end_matches('/').to_string());
        self
    }

    /// The longest a request may take, connecting included.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Allows credentials over plain `http` to hosts that are not loopback. For tests on a
    /// trusted network only.
    pub fn allow_insecure_http(mut self) -> Self {
        self.allow_insecure_http = true;
        self
    }

    /// Retries idempotent calls that fail retryably, as `policy` says. Off by default.
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = Some(policy);
        self
    }

    /// The retry policy, when one is set.
    pub(crate) fn retry_policy(&self) -> Option<&RetryPolicy> {
        self.retry.as_ref()
    }

    /// The timeout of each request.
    pub(crate) fn request_timeout(&self) -> Duration {
        self.timeout
    }

    /// Whether plain `http` to remote hosts is allowed.
    pub(crate) fn insecure_http_allowed(&self) -> bool {
        self.allow_insecure_http
    }

    /// The base URL: the origin set here followed by `api_path`, or `production`.
    pub(crate) fn base_url(&self, production: impl FnOnce() -> String, api_path: &str) -> String {
        match &self.origin {
            Some(origin) => format!("{origin}{api_path}"),
            None => production(),
        }
    }
}
