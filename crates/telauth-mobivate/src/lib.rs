//! A client for the Mobivate API key calls, generated from `specs/mobivate.yaml`.
//!
//! `getkey` answers the account's current API key, `createkey` issues a new one and revokes the
//! old, and `test` checks a key presented as `Authorization: Bearer <apiKey>`
//! ([`Credentials::bearer_auth`]). Keys are [`Secret`]s: they never show in `Debug` output.
//!
//! ```
//! use telauth_mobivate::{BASE_URL, Client, Credentials, types::KeyRequest};
//!
//! async fn check_current_key() -> Result<(), Box<dyn std::error::Error>> {
//!     let key = Client::new(BASE_URL, Credentials::none())
//!         .getkey()
//!         .body(
//!             KeyRequest::builder()
//!                 .username("your-username")
//!                 .password("your-password"),
//!         )
//!         .send()
//!         .await?
//!         .into_inner()
//!         .api_key;
//!     let checked = Client::new(BASE_URL, Credentials::bearer_auth(key)).test().send().await?;
//!     println!("{}", checked.message);
//!     Ok(())
//! }
//! # let _ = check_current_key;
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
