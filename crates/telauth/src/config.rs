//! How a provider client connects: where to, how long it waits, and whether plain `http` to a
//! remote host is allowed.

use std::time::Duration;

use crate::{Error, ErrorKind, Provider, RetryPolicy};

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
    #[cfg_attr(
        not(any(feature = "voipbin", feature = "mobivate", feature = "signalwire")),
        allow(dead_code)
    )]
    pub(crate) fn retry_policy(&self) -> Option<&RetryPolicy> {
        self.retry.as_ref()
    }

    /// Whether plain `http` to remote hosts is allowed.
    pub(crate) fn insecure_http_allowed(&self) -> bool {
        self.allow_insecure_http
    }

    /// The base URL: the origin set here followed by `api_path`, or `default`.
    pub(crate) fn base_url(&self, default: impl FnOnce() -> String, api_path: &str) -> String {
        match &self.origin {
            Some(origin) => format!("{origin}{api_path}"),
            None => default(),
        }
    }

    /// An HTTP client with these settings.
    pub(crate) fn http_client(&self, provider: Provider) -> Result<reqwest::Client, Error> {
        reqwest::Client::builder()
            .timeout(self.timeout)
            .connect_timeout(self.timeout)
            // A redirect would carry the request, and a login body's password, to another host.
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|error| {
                Error::new(
                    provider,
                    "config",
                    ErrorKind::InvalidInput {
                        reason: format!("cannot build the HTTP client: {}", error.without_url()),
                    },
                )
            })
    }
}
