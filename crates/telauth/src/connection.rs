//! The one way the facade builds and calls a generated provider client: a [`Connection`] per
//! provider (its provider, base URL, one HTTP client and its connection pool, the plain-http
//! rule, the retry policy), which ends every request.
// With no provider feature on, nothing here is used.
#![cfg_attr(
    not(any(
        feature = "smsbeta",
        feature = "voipbin",
        feature = "mobivate",
        feature = "signalwire"
    )),
    allow(dead_code, unused_macros, unused_imports)
)]

use std::future::Future;

use progenitor_client::ResponseValue;

use crate::config::without_userinfo;
use crate::error::{ErrorBody, from_client};
use crate::retry::retrying;
use crate::{Config, Error, ErrorKind, Provider, RetryPolicy};

/// A generated provider client: built from a base URL, a shared HTTP client and credentials.
pub(crate) trait Generated {
    /// The generated crate's `Credentials`.
    type Credentials;

    /// The client at `base_url` over `http`, presenting `credentials`, with plain `http` to
    /// remote hosts allowed when `allow_insecure_http`.
    fn build(
        base_url: &str,
        http: reqwest::Client,
        credentials: Self::Credentials,
        allow_insecure_http: bool,
    ) -> Self;
}

/// Implements [`Generated`] for the `Client` of the generated crate `$krate`.
macro_rules! generated_client {
    ($krate:ident) => {
        impl $crate::connection::Generated for $krate::Client {
            type Credentials = $krate::Credentials;

            fn build(
                base_url: &str,
                http: reqwest::Client,
                credentials: Self::Credentials,
                allow_insecure_http: bool,
            ) -> Self {
                let credentials = if allow_insecure_http {
                    credentials.allow_insecure_http()
                } else {
                    credentials
                };
                Self::new_with_client(base_url, http, credentials)
            }
        }
    };
}
pub(crate) use generated_client;

/// Where and how one provider's calls go, and the one way the facade ends a request:
/// [`Connection::call`] for a call tried once, [`Connection::idempotent`] for one the retry
/// policy may repeat.
#[derive(Clone, Debug)]
pub(crate) struct Connection {
    provider: Provider,
    base_url: String,
    http: reqwest::Client,
    allow_insecure_http: bool,
    deadline: Option<std::time::Duration>,
    // SMSBeta alone has no idempotent call to retry.
    #[cfg_attr(
        not(any(feature = "voipbin", feature = "mobivate", feature = "signalwire")),
        allow(dead_code)
    )]
    retry: Option<RetryPolicy>,
}

impl Connection {
    /// The connection `config` gives for `provider`: its origin followed by `api_path`, or else
    /// the provider's `production` base URL. An origin that is not an http(s) URL with a host,
    /// or plain `http` to a host that is not loopback without
    /// [`Config::allow_insecure_http`], is refused here, before any call.
    pub(crate) fn new(
        config: &Config,
        provider: Provider,
        production: impl FnOnce() -> String,
        api_path: &str,
    ) -> Result<Self, Error> {
        let allow_insecure_http = config.allow_insecure_http_setting();
        let base_url = match config.origin_setting() {
            Some(origin) => {
                check_origin(provider, origin, allow_insecure_http)?;
                format!("{origin}{api_path}")
            }
            None => production(),
        };
        Ok(Self {
            provider,
            base_url,
            http: http_client(config, provider)?,
            deadline: config.deadline_setting(),
            allow_insecure_http,
            retry: config.retry_setting().cloned(),
        })
    }

    /// The provider this connection is for.
    pub(crate) fn provider(&self) -> Provider {
        self.provider
    }

    /// The base URL its calls go to (its origin was checked when the connection was made).
    pub(crate) fn base_url(&self) -> Option<reqwest::Url> {
        reqwest::Url::parse(&self.base_url).ok()
    }

    /// Whether [`Config::allow_insecure_http`] was set.
    pub(crate) fn allows_insecure_http(&self) -> bool {
        self.allow_insecure_http
    }

    /// A generated client presenting `credentials`; every client of this connection shares its
    /// connection pool.
    pub(crate) fn client<C: Generated>(&self, credentials: C::Credentials) -> C {
        C::build(
            &self.base_url,
            self.http.clone(),
            credentials,
            self.allow_insecure_http,
        )
    }

    /// Ends a generated request of `operation`, tried once, from what its `send()` answered:
    /// the whole response (its headers too) or the call's [`Error`]. It takes the answer, not
    /// the request's future, so that the caller's future holds that one directly instead of
    /// moving it into another.
    pub(crate) fn response<T, E: ErrorBody>(
        &self,
        operation: &'static str,
        answer: Result<ResponseValue<T>, progenitor_client::Error<E>>,
    ) -> Result<ResponseValue<T>, Error> {
        answer.map_err(|error| from_client(self.provider, operation, error))
    }

    /// Ends a generated request of `operation`, tried once, from what its `send()` answered:
    /// its body or the call's [`Error`].
    pub(crate) fn call<T, E: ErrorBody>(
        &self,
        operation: &'static str,
        answer: Result<ResponseValue<T>, progenitor_client::Error<E>>,
    ) -> Result<T, Error> {
        self.response(operation, answer)
            .map(ResponseValue::into_inner)
    }

    /// Sends the request `send` makes for `operation`, an idempotent one, and again as the
    /// retry policy allows when it fails retryably; all within the deadline, when the config
    /// set one. Answers its body or the call's [`Error`].
    // SMSBeta alone has no idempotent call to retry.
    #[cfg_attr(
        not(any(feature = "voipbin", feature = "mobivate", feature = "signalwire")),
        allow(dead_code)
    )]
    pub(crate) async fn idempotent<T, E: ErrorBody, Fut>(
        &self,
        operation: &'static str,
        mut send: impl FnMut() -> Fut,
    ) -> Result<T, Error>
    where
        Fut: Future<Output = Result<ResponseValue<T>, progenitor_client::Error<E>>>,
    {
        let attempts = retrying(self.retry.as_ref(), || {
            let sent = Box::pin(send());
            async move { self.call(operation, sent.await) }
        });
        self.within_deadline(operation, attempts).await
    }

    /// Runs `calls`, one call of `operation` made of any number of requests, within the
    /// deadline, when the config set one.
    // SMSBeta alone has no call to bound this way.
    #[cfg_attr(
        not(any(feature = "voipbin", feature = "mobivate", feature = "signalwire")),
        allow(dead_code)
    )]
    pub(crate) async fn within_deadline<T>(
        &self,
        operation: &'static str,
        calls: impl Future<Output = Result<T, Error>>,
    ) -> Result<T, Error> {
        match self.deadline {
            None => calls.await,
            Some(deadline) => tokio::time::timeout(deadline, calls)
                .await
                .unwrap_or_else(|_| Err(Error::new(self.provider, operation, ErrorKind::Timeout))),
        }
    }
}

/// Refuses, when the client is built, an origin with a user name or password (never shown), an
/// origin that is not an `http` or `https` URL with a
/// host (as a request it would only fail later, looking like a network error), and one over
/// plain `http` to a host that is not loopback unless `allow_insecure_http` (the credential
/// layer would refuse every call to it).
fn check_origin(provider: Provider, origin: &str, allow_insecure_http: bool) -> Result<(), Error> {
    let shown = without_userinfo(origin);
    if shown != origin {
        return Err(Error::invalid_input(
            provider,
            "config",
            format!(
                "the origin `{shown}` holds a user name or password, which would be sent as an \
                 Authorization header beside the provider's credentials; give the origin \
                 without them"
            ),
        ));
    }
    let url = reqwest::Url::parse(origin).ok();
    let usable = url
        .as_ref()
        .is_some_and(|url| matches!(url.scheme(), "http" | "https") && url.host().is_some());
    if !usable {
        return Err(Error::invalid_input(
            provider,
            "config",
            format!(
                "the origin `{origin}` is not an http or https URL with a host (such as \
                 `https://api.example.com` or `http://127.0.0.1:8080/prefix`)"
            ),
        ));
    }
    let remote_http = url.as_ref().is_some_and(|url| {
        url.scheme() == "http" && !is_loopback(url.host_str().unwrap_or_default())
    });
    if remote_http && !allow_insecure_http {
        return Err(Error::invalid_input(
            provider,
            "config",
            format!(
                "the origin `{origin}` is plain http to a host that is not loopback, and would \
                 send credentials unencrypted; use https, or call \
                 `Config::allow_insecure_http()` for a test server on a trusted network"
            ),
        ));
    }
    Ok(())
}

/// Whether `host` (as in a URL, IPv6 in brackets) names the loopback interface: the rule of
/// `telauth_runtime`'s credential layer.
fn is_loopback(host: &str) -> bool {
    host.eq_ignore_ascii_case("localhost")
        || host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// An HTTP client with `config`'s settings, finished with [`telauth_runtime::secure_client`].
/// For an origin over plain `http`, the proxies of the caller's builder are dropped too:
/// `secure_client` keeps them, and one for `http` would see the credentials in clear text.
fn http_client(config: &Config, provider: Provider) -> Result<reqwest::Client, Error> {
    let builder = config.http_builder();
    let plain_http = config
        .origin_setting()
        .and_then(|origin| reqwest::Url::parse(origin).ok())
        .is_some_and(|url| url.scheme() == "http");
    let builder = if plain_http {
        builder.no_proxy()
    } else {
        builder
    };
    telauth_runtime::secure_client(builder)
        .build()
        .map_err(|error| {
            let reason = format!("cannot build the HTTP client: {}", error.without_url());
            Error::invalid_input(provider, "config", reason)
        })
}
