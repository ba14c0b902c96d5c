//! A client for the SMSBeta login API, generated from `specs/smsbeta.yaml`.
//!
//! `POST /login` takes the account's mail and the **md5 digest of its password** (32 lowercase
//! hex characters; the plain password never leaves your program) and answers an envelope with
//! the account's long-lived API token. An HTTP 200 whose envelope `code` is not 200, or that has
//! no `data`, is a failed login described by `Msg`: check both (the `telauth` crate does).
//!
//! The token is a [`Secret`]: it never shows in `Debug` output.
//!
//! ```
//! use telauth_smsbeta::{BASE_URL, Client, Credentials, types::LoginRequest};
//!
//! async fn log_in(password_md5: &str) -> Result<(), Box<dyn std::error::Error>> {
//!     let client = Client::new(BASE_URL, Credentials::none());
//!     let envelope = client
//!         .login()
//!         .body(
//!             LoginRequest::builder()
//!                 .mail("user@example.com")
//!                 .password(password_md5),
//!         )
//!         .send()
//!         .await?
//!         .into_inner();
//!     match envelope.data {
//!         Some(data) if envelope.code == 200 => println!("token for {}: {:?}", data.mail, data.token),
//!         _ => println!("login refused: {}", envelope.msg),
//!     }
//!     Ok(())
//! }
//! # let _ = log_in;
//! ```
//!
//! TLS comes from rustls by default; turn off default features and enable `native-tls` for the
//! platform's library instead.
//!
//! Native targets only: reqwest's wasm32 client cannot refuse a redirect or drop `Referer`, and
//! a browser will not send a `Cookie` header it is given, so the credential rules could not hold
//! there; the generated `Client::new` has no wasm32 branch.

// Everything under `src/generated/` is written by `cargo xtask generate`.
#[rustfmt::skip]
mod generated;

pub use generated::*;
pub use telauth_runtime::Secret;

// The README's examples are compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
