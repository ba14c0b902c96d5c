//! Authenticate with SMSBeta, VoIPBIN, Mobivate and SignalWire.
//!
//! telauth wraps the generated provider clients (`telauth-smsbeta`, `telauth-voipbin`,
//! `telauth-mobivate`, `telauth-signalwire`) with the flows a program actually runs, one
//! [`Error`] type, and secrets kept out of output: every password, token and key is a
//! [`Secret`], which prints as `Secret([REDACTED])`, serializes only inside [`expose_secrets`],
//! and wipes the buffer it owns when dropped.
//!
//! Each provider is a cargo feature (all on by default); with
//! `default-features = false, features = ["voipbin", "rustls"]` only VoIPBIN's client is built.
//!
//! Every client takes a [`Config`]: the provider's production origin unless you set another
//! (a sandbox, a mock), a request timeout ([`DEFAULT_TIMEOUT`] unless set), TLS verification
//! always on, and no request over plain `http` except to a loopback address unless you call
//! [`Config::allow_insecure_http`] (a malformed origin, or plain `http` to another host, is
//! refused when the client is built).
//!
//! # Accounts and auths
//!
//! Two words, the same for the four providers: an **account** is what logs in (a username or
//! mail and a password: [`smsbeta::SmsBetaAccount`], [`voipbin::VoipBinAccount`],
//! [`mobivate::MobivateAccount`]), an **auth** is what authorizes a client's calls
//! ([`voipbin::VoipBinAuth`], [`signalwire::SignalWireAuth`], [`mobivate::MobivateAuth`]). An
//! account is only ever the argument of the call that exchanges it ([`smsbeta::SmsBeta::login`],
//! [`voipbin::VoipBin::login`], [`mobivate::Mobivate::get_key`] and
//! [`mobivate::Mobivate::create_key`]), and a key being checked the argument of
//! [`mobivate::Mobivate::test_key`]; an auth is given when a client is built
//! ([`signalwire::SignalWire::new`], [`voipbin::VoipBin::new`], or [`voipbin::TokenSource`] for
//! a JWT that renews itself) and held by it. SMSBeta and Mobivate clients hold none. Every
//! argument is borrowed: what a client or a [`voipbin::TokenSource`] keeps, it clones.
//!
//! # From variables
//!
//! One loader per type, `from_vars`, with the variables injected: [`Vars::process`] in
//! production, a map (`Vars::from_iter`, such as the sandbox's `SandboxInfo::env_vars()`) or a
//! lookup of your own in a test, which never has to change the process environment. What each
//! reads:
//!
//! - a client's `from_vars(&vars, &config)` takes `config` as it is, its origin from
//!   `TELAUTH_<PROVIDER>_ORIGIN` ([`Provider::origin_variable`]) when `config` sets none (an
//!   origin set in code wins), and reads the auth the client holds, all required: none for
//!   [`smsbeta::SmsBeta`] and [`mobivate::Mobivate`]; `SIGNALWIRE_SPACE`,
//!   `SIGNALWIRE_PROJECT_ID` and `SIGNALWIRE_API_TOKEN` for [`signalwire::SignalWire`];
//!   `VOIPBIN_ACCESSKEY` or else `VOIPBIN_TOKEN` for [`voipbin::VoipBin`]; `VOIPBIN_USERNAME` and
//!   `VOIPBIN_PASSWORD` for [`voipbin::TokenSource`], which logs in with them;
//! - an account's or an auth's `from_vars(&vars)` reads its fields, all required:
//!   `SMSBETA_MAIL`/`SMSBETA_PASSWORD`, `VOIPBIN_USERNAME`/`VOIPBIN_PASSWORD`,
//!   `MOBIVATE_USERNAME`/`MOBIVATE_PASSWORD`, `MOBIVATE_API_KEY`, the VoIPBIN and SignalWire
//!   ones above; a webhook verifier's its key.
//!
//! An empty variable counts as unset, and a missing one is an [`ErrorKind::MissingEnv`] that
//! names every variable missing, not only the first.
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use telauth::mobivate::{Mobivate, MobivateAccount};
//! use telauth::{Config, Vars};
//!
//! // A test points the program's own code at the in-process sandbox; `Vars::process()` in
//! // production.
//! let sandbox = telauth_sandbox::Sandbox::start("127.0.0.1:0".parse()?).await?;
//! let vars = Vars::from_iter(sandbox.info().env_vars());
//! let config = Config::new().user_agent_suffix("ops-tool/1.0");
//! let mobivate = Mobivate::from_vars(&vars, &config)?;
//! let key = mobivate.get_key(&MobivateAccount::from_vars(&vars)?).await?;
//! assert_eq!(mobivate.test_key(&key).await?, "API Key is valid");
//! # sandbox.stop().await;
//! # Ok(()) }
//! ```
//!
//! # SMSBeta
//!
//! ```no_run
//! # async fn run() -> Result<(), telauth::Error> {
//! use telauth::{Config, Vars};
//! use telauth::smsbeta::{SmsBeta, SmsBetaAccount};
//!
//! // SMSBETA_MAIL and SMSBETA_PASSWORD; only the password's md5 digest is sent.
//! let credentials = SmsBetaAccount::from_vars(&Vars::process())?;
//! let login = SmsBeta::new(&Config::new())?.login(&credentials).await?;
//! println!("{login:?}"); // SmsBetaLogin { mail: "…", token: Secret([REDACTED]) }
//! # Ok(()) }
//! ```
//!
//! # VoIPBIN
//!
//! ```no_run
//! # async fn run() -> Result<(), telauth::Error> {
//! use std::time::Duration;
//! use telauth::{Config, Vars};
//! use telauth::voipbin::{TokenSource, VoipBin, VoipBinAccount};
//!
//! let voipbin = VoipBin::login_only(&Config::new())?;
//! // Logs in on first use and again shortly before the JWT's `exp`; concurrent callers share
//! // one login.
//! let tokens = TokenSource::new(&voipbin, &VoipBinAccount::from_vars(&Vars::process())?);
//! let api = tokens.client().await?;
//! let created = api
//!     .create_access_key(Duration::from_secs(30 * 86_400), Some("ci"), None)
//!     .await?;
//! println!("created {} (its token is only in this answer)", created.key.id);
//! for key in api.all_access_keys(Some(100)).await? {
//!     println!("{} {:?}", key.id, key.name);
//! }
//! # Ok(()) }
//! ```
//!
//! # Mobivate
//!
//! ```no_run
//! # async fn run() -> Result<(), telauth::Error> {
//! use telauth::{Config, Vars};
//! use telauth::mobivate::{Mobivate, MobivateAccount};
//!
//! let mobivate = Mobivate::new(&Config::new())?;
//! let credentials = MobivateAccount::from_vars(&Vars::process())?;
//! let new_key = mobivate.create_key(&credentials).await?; // the old key stops working
//! println!("{}", mobivate.test_key(&new_key).await?); // "API Key is valid"
//! # Ok(()) }
//! ```
//!
//! # SignalWire
//!
//! ```no_run
//! # async fn run() -> Result<(), telauth::Error> {
//! use telauth::{Config, Vars};
//! use telauth::signalwire::{Permission, SignalWire, SignalWireAuth};
//!
//! let signalwire = SignalWire::new(&Config::new(), &SignalWireAuth::from_vars(&Vars::process())?)?;
//! let token = signalwire
//!     .create_token("ci", &[Permission::Messaging, Permission::Numbers], None)
//!     .await?;
//! signalwire.delete_token(token.id).await?;
//! # Ok(()) }
//! ```
//!
//! # Webhooks
//!
//! [`webhook`] checks that a webhook your server received was signed by the provider:
//! [`webhook::SignalWireVerifier`] (`SIGNALWIRE_SIGNING_KEY`) and [`webhook::VoipBinVerifier`]
//! (`VOIPBIN_WEBHOOK_SECRET`), read from [`Vars`] like every auth. Mobivate and SMSBeta
//! document no webhook signature.
//!
//! # Auth for the rest of an API
//!
//! For a call this crate does not wrap, made with another HTTP client (your own, or one
//! generated from the provider's full document), a client lends its auth:
//! `authorize(reqwest::RequestBuilder)` and `authorize_request(&mut reqwest::Request)` on
//! [`voipbin::VoipBin`] (the access key as the `accesskey` cookie, a JWT as Bearer),
//! [`voipbin::TokenSource`] (a JWT renewed before its expiry) and [`signalwire::SignalWire`]
//! (HTTP Basic). They put it where the provider reads it, for the client's origin only, and
//! refuse plain `http` to a host that is not loopback as the client's own calls do. The client
//! that sends the request must follow no redirect and send no plain-`http` request through a
//! proxy: [`secure_client`] makes one. With the `reqwest-middleware` feature, the three are
//! middlewares of `reqwest_middleware::ClientWithMiddleware`.
//!
//! # Errors
//!
//! Every failure is an [`Error`] naming the provider, the operation, and what happened: the
//! HTTP status with the provider's own code and message, a status the API does not document,
//! an answer that does not decode, a timeout or a connection failure, or a local refusal before
//! anything was sent. [`Error::is_credentials_refused`] asks every provider's error alike
//! whether the credentials were refused. An answer body larger than [`MAX_BODY_BYTES`] is not read past that
//! limit: it is an [`ErrorKind::InvalidResponse`] naming the limit. [`Error::is_retryable`]
//! tells which may succeed if tried again, and [`Config::retry`] with a [`RetryPolicy`] retries
//! the idempotent calls for you.
//!
//! With the `tracing` feature, each request is a `telauth.request` span (provider, operation,
//! method, path, status, elapsed milliseconds); no query, header or body is recorded.

#![cfg_attr(docsrs, feature(doc_cfg))]

mod authorize;
mod config;
mod connection;
mod env;
mod error;
#[cfg(all(
    feature = "reqwest-middleware",
    any(feature = "voipbin", feature = "signalwire")
))]
mod middleware;
mod provider;
mod retry;

#[cfg(feature = "mobivate")]
pub mod mobivate;
#[cfg(feature = "signalwire")]
pub mod signalwire;
#[cfg(feature = "smsbeta")]
pub mod smsbeta;
#[cfg(feature = "voipbin")]
pub mod voipbin;
#[cfg(any(feature = "signalwire", feature = "voipbin"))]
pub mod webhook;

pub use config::{Config, DEFAULT_CONNECT_TIMEOUT, DEFAULT_TIMEOUT, USER_AGENT};
pub use env::Vars;
pub use error::{Error, ErrorKind};
pub use provider::Provider;
pub use retry::RetryPolicy;
pub use telauth_runtime::{BodyTooLarge, MAX_BODY_BYTES, Secret, expose_secrets, secure_client};

// The README's examples are compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
