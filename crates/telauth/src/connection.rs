//! The one way the facade builds and calls a generated provider client: a [`Connection`] per
//! provider (base URL, one HTTP client and its connection pool, the plain-http rule, the retry
//! policy), and [`call`] for the end of every request.
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

/// Where and how one provider's calls go.
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
    /// the provider's `production` base URL.
    pub(crate) fn new(
        config: &Config,
        provider: Provider,
        production: impl FnOnce() -> String,
        api_path: &str,
    ) -> Result<Self, Error> {
        if let Some(origin) = config.origin_set() {
            check_origin(provider, origin)?;
        }
        Ok(Self {
            provider,
            base_url: config.base_url(production, api_path),
            http: http_client(config, provider)?,
            deadline: config.call_deadline(),
            allow_insecure_http: config.insecure_http_allowed(),
            retry: config.retry_policy().cloned(),
        })
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

    /// Runs `call` for `operation`, and again as the retry policy allows when it is
    /// `idempotent` and fails retryably; all within the deadline, when the config set one.
    // SMSBeta alone has no idempotent call to retry.
    #[cfg_attr(
        not(any(feature = "voipbin", feature = "mobivate", feature = "signalwire")),
        allow(dead_code)
    )]
    pub(crate) async fn retrying<T, Fut>(
        &self,
        operation: &'static str,
        idempotent: bool,
        call: impl FnMut() -> Fut,
    ) -> Result<T, Error>
    where
        Fut: Future<Output = Result<T, Error>>,
    {
        self.within_deadline(operation, retrying(self.retry.as_ref(), idempotent, call))
            .await
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

/// Waits for a generated request that was sent, and answers its body or the call's [`Error`].
pub(crate) async fn call<T, E: ErrorBody>(
    provider: Provider,
    operation: &'static str,
    sent: impl Future<Output = Result<ResponseValue<T>, progenitor_client::Error<E>>>,
) -> Result<T, Error> {
    sent.await
        .map(ResponseValue::into_inner)
        .map_err(|error| from_client(provider, operation, error))
}

/// Refuses an origin that is not an `http` or `https` URL with a host, when the client is built:
/// as a request it would only fail later, looking like a network error.
fn check_origin(provider: Provider, origin: &str) -> Result<(), Error> {
    let url = reqwest::Url::parse(origin).ok();
    let usable = url
        .as_ref()
        .is_some_and(|url| matches!(url.scheme(), "http" | "https") && url.host().is_some());
    if usable {
        return Ok(());
    }
    Err(Error::new(
        provider,
        "config",
        ErrorKind::InvalidInput {
            reason: format!(
                "the origin `{origin}` is not an http or https URL with a host (such as \
                 `https://api.example.com` or `http://127.0.0.1:8080/prefix`)"
            ),
        },
    ))
}

/// An HTTP client with `config`'s settings, finished with [`telauth_runtime::secure_client`].
/// For an origin over plain `http`, the proxies of the caller's builder are dropped too:
/// `secure_client` keeps them, and one for `http` would see the credentials in clear text.
fn http_client(config: &Config, provider: Provider) -> Result<reqwest::Client, Error> {
    let builder = config.client_builder_with_settings();
    let plain_http = config
        .origin_set()
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
            Error::new(
                provider,
                "config",
                ErrorKind::InvalidInput {
                    reason: format!("cannot build the HTTP client: {}", error.without_url()),
                },
            )
        })
}
