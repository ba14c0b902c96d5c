//! How a provider client connects: where to, how long it waits, and whether plain `http` to a
//! remote host is allowed.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use crate::{Provider, RetryPolicy, Vars};

/// The request timeout when none is set: each attempt, from connecting to the last byte.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// The connect timeout when none is set.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// What every request's `User-Agent` starts with: `telauth/<version>`.
pub const USER_AGENT: &str = concat!("telauth/", env!("CARGO_PKG_VERSION"));

/// Makes the reqwest builder telauth finishes with its own rules.
type BuilderFactory = Arc<dyn Fn() -> reqwest::ClientBuilder + Send + Sync>;

/// Connection settings shared by the provider clients.
///
/// The defaults: the provider's production origin, a [`DEFAULT_CONNECT_TIMEOUT`] to connect and a
/// [`DEFAULT_TIMEOUT`] per attempt, no overall deadline, `User-Agent: telauth/<version>`, TLS
/// verification on (it is never turned off), no request over plain `http` except to a loopback
/// address, no redirect followed (a 3xx is an unexpected status), no plain-`http` request
/// through a proxy (an `https` one goes through the proxy of [`Config::client_builder`], else
/// `HTTPS_PROXY`), and no retry unless [`Config::retry`] sets a policy.
#[derive(Clone)]
pub struct Config {
    origin: Option<String>,
    timeout: Duration,
    connect_timeout: Duration,
    deadline: Option<Duration>,
    user_agent: String,
    builder: Option<BuilderFactory>,
    allow_insecure_http: bool,
    retry: Option<RetryPolicy>,
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config")
            .field("origin", &self.origin.as_deref().map(without_userinfo))
            .field("timeout", &self.timeout)
            .field("connect_timeout", &self.connect_timeout)
            .field("deadline", &self.deadline)
            .field("user_agent", &self.user_agent)
            .field("own_client_builder", &self.builder.is_some())
            .field("allow_insecure_http", &self.allow_insecure_http)
            .field("retry", &self.retry)
            .finish()
    }
}

/// `origin` with the user name and password of its authority, if any, replaced by
/// `[REDACTED]`: `http://user:pw@host` shows as `http://[REDACTED]@host`. Works on any text, a
/// URL or not, so that an origin is never shown with them.
pub(crate) fn without_userinfo(origin: &str) -> String {
    let start = origin.find("://").map_or(0, |scheme| scheme + 3);
    let authority_end = origin[start..]
        .find(['/', '?', '#'])
        .map_or(origin.len(), |end| start + end);
    match origin[start..authority_end].rfind('@') {
        Some(at) => format!("{}[REDACTED]{}", &origin[..start], &origin[start + at..]),
        None => origin.to_string(),
    }
}

impl Default for Config {
    fn default() -> Self {
        Self {
            origin: None,
            timeout: DEFAULT_TIMEOUT,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            deadline: None,
            user_agent: USER_AGENT.to_string(),
            builder: None,
            allow_insecure_http: false,
            retry: None,
        }
    }
}

impl Config {
    /// The defaults.
    ///
    /// # Examples
    ///
    /// ```
    /// use telauth::Config;
    ///
    /// let config = Config::new();
    /// let shown = format!("{config:?}");
    /// assert!(shown.contains("origin: None")); // each provider's production origin
    /// assert!(shown.contains("timeout: 30s, connect_timeout: 10s, deadline: None"));
    /// assert!(shown.contains("retry: None"));
    /// ```
    pub fn new() -> Self {
        Self::default()
    }

    /// Replaces the provider's origin — scheme, host, port and an optional path prefix, such as
    /// `http://127.0.0.1:8080/voipbin` — for a sandbox, a mock or a proxy. The API's own path
    /// (SignalWire's `/api/laml/2010-04-01`) is appended to it. An origin with a user name or
    /// password (`https://user:pw@host`) is refused when a client is built, and never shown.
    ///
    /// # Examples
    ///
    /// ```
    /// use telauth::Config;
    ///
    /// // A sandbox's VoIPBIN behind a path prefix; the trailing `/` is dropped.
    /// let config = Config::new().origin("http://127.0.0.1:8080/voipbin/");
    /// let shown = format!("{config:?}");
    /// assert!(shown.contains(r#"origin: Some("http://127.0.0.1:8080/voipbin")"#));
    /// ```
    pub fn origin(mut self, origin: impl Into<String>) -> Self {
        self.origin = Some(origin.into().trim_end_matches('/').to_string());
        self
    }

    /// This config, or when it sets no origin, this config with `provider`'s origin from
    /// `TELAUTH_<PROVIDER>_ORIGIN` in `vars` (when set): what every client's `from_vars` uses.
    pub(crate) fn or_origin_from(&self, provider: Provider, vars: &Vars) -> Self {
        match (&self.origin, vars.get(provider.origin_variable())) {
            (None, Some(origin)) => self.clone().origin(origin),
            _ => self.clone(),
        }
    }

    /// The longest one attempt of a request may take, connecting included.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// use telauth::Config;
    ///
    /// let config = Config::new().timeout(Duration::from_secs(5));
    /// assert!(format!("{config:?}").contains("timeout: 5s, connect_timeout: 10s"));
    /// ```
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The longest connecting may take (a dead host fails this fast).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// use telauth::Config;
    ///
    /// // A dead host fails after 2 s; a slow answer still has the whole `timeout`.
    /// let config = Config::new().connect_timeout(Duration::from_secs(2));
    /// assert!(format!("{config:?}").contains("connect_timeout: 2s"));
    /// ```
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// The longest a call may take in all, its retries and waits included: past it, the call
    /// ends with [`crate::ErrorKind::Timeout`]. Reading every page of a list has it for the
    /// whole walk; a rename that reads the key first has it for each of its two requests.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// use telauth::{Config, RetryPolicy};
    ///
    /// // Attempts of up to 10 s, retried up to 3 times, but never more than 20 s in all.
    /// let config = Config::new()
    ///     .timeout(Duration::from_secs(10))
    ///     .retry(RetryPolicy::new(3))
    ///     .deadline(Duration::from_secs(20));
    /// assert!(format!("{config:?}").contains("deadline: Some(20s)"));
    /// ```
    pub fn deadline(mut self, deadline: Duration) -> Self {
        self.deadline = Some(deadline);
        self
    }

    /// Adds `suffix` (such as `my-app/1.2`) to the `User-Agent`: `telauth/<version> my-app/1.2`.
    ///
    /// # Examples
    ///
    /// ```
    /// use telauth::{Config, USER_AGENT};
    ///
    /// let config = Config::new().user_agent_suffix("my-app/1.2");
    /// let expected = format!("user_agent: \"{USER_AGENT} my-app/1.2\"");
    /// assert!(format!("{config:?}").contains(&expected));
    /// assert!(USER_AGENT.starts_with("telauth/"));
    /// ```
    pub fn user_agent_suffix(mut self, suffix: &str) -> Self {
        self.user_agent = format!("{} {suffix}", self.user_agent);
        self
    }

    /// Sends `user_agent` as the `User-Agent`, instead of `telauth/<version>`.
    ///
    /// # Examples
    ///
    /// ```
    /// use telauth::Config;
    ///
    /// let config = Config::new().user_agent("my-app/1.2 (ops@example.com)");
    /// let shown = format!("{config:?}");
    /// assert!(shown.contains(r#"user_agent: "my-app/1.2 (ops@example.com)""#));
    /// ```
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = user_agent.into();
        self
    }

    /// Builds the HTTP client from the builder `builder` makes (a proxy for `https`, a custom
    /// root certificate, a resolver), which telauth then finishes with its own rules: its
    /// timeouts and `User-Agent`, no redirect, no `Referer`, TLS 1.2 at least
    /// ([`telauth_runtime::secure_client`]). Called once per provider client.
    ///
    /// A proxy set on the builder is used, ahead of `HTTPS_PROXY` from the environment, for an
    /// `https` origin (the production one included): every request then goes to the proxy as a
    /// `CONNECT` tunnel it cannot read, whether the proxy was set with `reqwest::Proxy::https`
    /// or `reqwest::Proxy::all` (no redirect is followed, so no request leaves that origin).
    /// For an origin over plain `http` (loopback, or [`Config::allow_insecure_http`]) no proxy
    /// is used at all, the builder's included: a credential never goes to a proxy in clear
    /// text.
    ///
    /// The builder's HTTP versions and retry policy are kept too. Without a builder of your own,
    /// telauth's client speaks HTTP/1.1 only (even where another crate turns on reqwest's
    /// `http2`) and has no reqwest retry policy: reqwest retries only what HTTP/2 and HTTP/3
    /// connections refuse or close gracefully, yet its policy copies every request in case.
    /// Idempotent calls are retried by [`Config::retry`].
    ///
    /// # Examples
    ///
    /// ```
    /// use telauth::Config;
    ///
    /// // HTTPS through a company egress proxy, as a tunnel; telauth still sets its timeouts,
    /// // `User-Agent` and TLS rules.
    /// let proxy = reqwest::Proxy::https("http://proxy.internal:3128")?;
    /// let config =
    ///     Config::new().client_builder(move || reqwest::Client::builder().proxy(proxy.clone()));
    /// assert!(format!("{config:?}").contains("own_client_builder: true"));
    /// # Ok::<(), reqwest::Error>(())
    /// ```
    pub fn client_builder(
        mut self,
        builder: impl Fn() -> reqwest::ClientBuilder + Send + Sync + 'static,
    ) -> Self {
        self.builder = Some(Arc::new(builder));
        self
    }

    /// Allows credentials over plain `http` to hosts that are not loopback. For tests on a
    /// trusted network only.
    ///
    /// # Examples
    ///
    /// ```
    /// use telauth::Config;
    ///
    /// // A test server on the lab network, without TLS.
    /// let config = Config::new()
    ///     .origin("http://10.0.0.5:8080")
    ///     .allow_insecure_http();
    /// assert!(format!("{config:?}").contains("allow_insecure_http: true"));
    /// ```
    pub fn allow_insecure_http(mut self) -> Self {
        self.allow_insecure_http = true;
        self
    }

    /// Retries idempotent calls that fail retryably, as `policy` says. Off by default.
    ///
    /// # Examples
    ///
    /// ```
    /// use telauth::{Config, RetryPolicy};
    ///
    /// // Idempotent calls are tried up to 3 more times; logins, creates and key rotations never.
    /// let config = Config::new().retry(RetryPolicy::default());
    /// assert!(format!("{config:?}").contains("retry: Some(RetryPolicy { max_retries: 3,"));
    /// ```
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = Some(policy);
        self
    }

    // What the connection reads back; each getter is named after its setting: `<setting>_setting`.

    /// The origin set with [`Config::origin`], when one is.
    pub(crate) fn origin_setting(&self) -> Option<&str> {
        self.origin.as_deref()
    }

    /// The policy set with [`Config::retry`], when one is.
    pub(crate) fn retry_setting(&self) -> Option<&RetryPolicy> {
        self.retry.as_ref()
    }

    /// The deadline set with [`Config::deadline`], when one is.
    pub(crate) fn deadline_setting(&self) -> Option<Duration> {
        self.deadline
    }

    /// Whether [`Config::allow_insecure_http`] was called.
    pub(crate) fn allow_insecure_http_setting(&self) -> bool {
        self.allow_insecure_http
    }

    /// A reqwest builder made by [`Config::client_builder`]'s factory (or reqwest's default,
    /// HTTP/1.1 only and without its retry policy), with the timeouts and `User-Agent` set here, before
    /// telauth's rules.
    pub(crate) fn http_builder(&self) -> reqwest::ClientBuilder {
        let builder = match &self.builder {
            Some(make) => make(),
            // HTTP/1.1, which has nothing for reqwest's retry policy to retry, and so no policy
            // copying every request (see `client_builder`).
            None => reqwest::Client::builder()
                .http1_only()
                .retry(reqwest::retry::never().max_retries_per_request(0)),
        };
        // A call that is not retried is one request: the deadline bounds it there.
        let timeout = self
            .deadline
            .map_or(self.timeout, |deadline| deadline.min(self.timeout));
        builder
            .timeout(timeout)
            .connect_timeout(self.connect_timeout)
            .user_agent(self.user_agent.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::{Config, without_userinfo};

    #[test]
    fn only_the_builder_telauth_makes_is_http1_only() {
        // reqwest's builder shows its HTTP version in `Debug`; its retry policy, set beside it,
        // it does not.
        let own = format!("{:?}", Config::new().http_builder());
        assert!(own.contains("http1_only: true"), "{own}");
        let yours = Config::new().client_builder(reqwest::Client::builder);
        let yours = format!("{:?}", yours.http_builder());
        assert!(!yours.contains("http1_only"), "{yours}");
    }

    #[test]
    fn userinfo_is_redacted_from_the_authority_only() {
        for (origin, shown) in [
            ("http://u:p@h:1/x", "http://[REDACTED]@h:1/x"),
            ("https://a@b:c@h", "https://[REDACTED]@h"),
            ("u:p@h", "[REDACTED]@h"),
            ("https://h/a@b", "https://h/a@b"),
            ("https://h?q=a@b", "https://h?q=a@b"),
            ("https://h", "https://h"),
        ] {
            assert_eq!(without_userinfo(origin), shown, "{origin}");
        }
    }
}
