//! A client for SignalWire project API tokens, generated from `specs/signalwire.yaml`.
//!
//! Every call uses HTTP Basic auth with the project id and an API token that has the
//! `management` permission ([`Credentials::signal_wire_basic_auth`]). The base URL depends on
//! your space: [`base_url`]`("your-space")`. Token values are [`Secret`]s: they never show in
//! `Debug` output.
//!
//! Create sends a form body (`permissions` as repeated keys), as SignalWire's published spec
//! declares; update sends JSON, and changes only the fields it is given. A token's name cannot
//! be empty: [`types::CreateTokenRequestName`] refuses it when parsed.
//!
//! A failed create or update answers either a [`types::CompatibilityErrorResponse`] (400, 401,
//! 404) or a [`types::CompatibilityTokenValidationError`] (422); both arrive as a variant of
//! [`types::CreateTokenError`] (or [`types::UpdateTokenError`]).
//!
//! ```
//! use telauth_signalwire::{Client, Credentials, base_url, types};
//!
//! async fn create_token(project: uuid::Uuid, api_token: &str) -> Result<(), Box<dyn std::error::Error>> {
//!     let client = Client::new(
//!         &base_url("your-space")?,
//!         Credentials::signal_wire_basic_auth(project.to_string(), api_token),
//!     );
//!     let token = client
//!         .create_token()
//!         .account_sid(project)
//!         .body(
//!             types::CreateTokenRequest::builder()
//!                 .name("ci")
//!                 .permissions(vec![types::Permission::Messaging]),
//!         )
//!         .send()
//!         .await?
//!         .into_inner();
//!     println!("created {} ({:?})", token.id, token.token);
//!     Ok(())
//! }
//! # let _ = create_token;
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
