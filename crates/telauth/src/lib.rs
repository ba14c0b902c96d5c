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
//! [`Config::allow_insecure_http`].
//!
//! # SMSBeta
//!
//! ```no_run
//! # async fn run() -> Result<(), telauth::Error> {
//! use telauth::Config;
//! use telauth::smsbeta::{SmsBeta, SmsBetaCredentials};
//!
//! // SMSBETA_MAIL and SMSBETA_PASSWORD; only the password's md5 digest is sent.
//! let credentials = SmsBetaCredentials::from_env()?;
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
//! use telauth::Config;
//! use telauth::voipbin::{TokenSource, VoipBin, VoipBinCredentials};
//!
//! let voipbin = VoipBin::new(&Config::new(), None)?;
//! // Logs in on first use and again shortly before the JWT's `exp`; concurrent callers share
//! // one login.
//! let tokens = TokenSource::new(voipbin, VoipBinCredentials::from_env()?);
//! let api = tokens.client().await?;
//! let key = api
//!     .create_access_key(Duration::from_secs(30 * 86_400), Some("ci"), None)
//!     .await?;
//! println!("created {} (its token is only in this answer)", key.id);
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
//! use telauth::Config;
//! use telauth::mobivate::{Mobivate, MobivateCredentials};
//!
//! let mobivate = Mobivate::new(&Config::new())?;
//! let credentials = MobivateCredentials::from_env()?;
//! let new_key = mobivate.create_key(&credentials).await?; // the old key stops working
//! println!("{}", mobivate.test_key(&new_key).await?); // "API Key is valid"
//! # Ok(()) }
//! ```
//!
//! # SignalWire
//!
//! ```no_run
//! # async fn run() -> Result<(), telauth::Error> {
//! use telauth::Config;
//! use telauth::signalwire::{Permission, SignalWire, SignalWireCredentials};
//!
//! let signalwire = SignalWire::new(&Config::new(), &SignalWireCredentials::from_env()?)?;
//! let token = signalwire
//!     .create_token("ci", &[Permission::Messaging, Permission::Numbers], None)
//!     .await?;
//! signalwire.delete_token(token.id).await?;
//! # Ok(()) }
//! ```
//!
//! # Errors
//!
//! Every failure is an [`Error`] naming the provider, the operation, and what happened: the
//! HTTP status with the provider's own code and message, a status the API does not document,
//! an answer that does not decode, a timeout or a connection failure, or a local refusal before
//! anything was sent. An answer body larger than [`MAX_BODY_BYTES`] is not read past that
//! limit: it is an [`ErrorKind::InvalidResponse`] naming the limit. [`Error::is_retryable`]
//! tells which may succeed if tried again, and [`Config::retry`] with a [`RetryPolicy`] retries
//! the idempotent calls for you.
//!
//! With the `tracing` feature, each request is a `telauth.request` span (provider, operation,
//! method, path, status, elapsed milliseconds); no query, header or body is recorded.

#![cfg_attr(docsrs, feature(doc_cfg))]

mod config;
mod connection;
mod env;
mod error;
mod retry;

#[cfg(feature = "mobivate")]
pub mod mobivate;
#[cfg(feature = "signalwire")]
pub mod signalwire;
#[cfg(feature = "smsbeta")]
pub mod smsbeta;
#[cfg(feature = "voipbin")]
pub mod voipbin;

pub use config::{Config, DEFAULT_CONNECT_TIMEOUT, DEFAULT_TIMEOUT, USER_AGENT};
pub use error::{Error, ErrorKind, Provider};
pub use retry::RetryPolicy;
pub use telauth_runtime::{BodyTooLarge, MAX_BODY_BYTES, Secret, expose_secrets};

// The README's examples are compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
