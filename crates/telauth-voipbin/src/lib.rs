//! A client for VoIPBIN authentication and access keys, generated from `specs/voipbin.yaml`.
//!
//! `auth_login` answers a JWT valid for 7 days. Calls under `/v1.0` then present one of three
//! credentials, each where VoIPBIN expects it: [`Credentials::bearer_auth`] sends the JWT as
//! `Authorization: Bearer`, [`Credentials::token_query`] as `?token=`, and
//! [`Credentials::accesskey_query`] sends an access key as `?accesskey=` — never as a Bearer
//! header, which VoIPBIN would reject.
//!
//! Tokens and keys are [`Secret`]s: they never show in `Debug` output. An access key's `token`
//! is only in the answer to `accesskeys_create`; keep it then.
//!
//! ```
//! use telauth_voipbin::{BASE_URL, Client, Credentials, types::LoginRequest};
//!
//! async fn list_keys() -> Result<(), Box<dyn std::error::Error>> {
//!     let login = Client::new(BASE_URL, Credentials::none())
//!         .auth_login()
//!         .body(
//!             LoginRequest::builder()
//!                 .username("your-voipbin-username")
//!                 .password("your-voipbin-password"),
//!         )
//!         .send()
//!         .await?
//!         .into_inner();
//!     let client = Client::new(BASE_URL, Credentials::bearer_auth(login.token));
//!     let page = client.accesskeys_list().page_size(100).send().await?.into_inner();
//!     for key in page.result {
//!         println!("{} {:?}", key.id, key.name);
//!     }
//!     Ok(())
//! }
//! # let _ = list_keys;
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
