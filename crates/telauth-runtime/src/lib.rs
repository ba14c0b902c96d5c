//! The runtime shared by the telauth provider clients (`telauth-smsbeta`, `telauth-voipbin`,
//! `telauth-mobivate`, `telauth-signalwire`).
//!
//! It holds what the generated clients need and OpenAPI generation does not give:
//! - [`Secret`], the type of every `format: password` field: it travels as the plain string on
//!   the wire, never prints, and is wiped from memory on drop;
//! - the credential layer ([`CredentialSet`], [`Scheme`]): the spec's `securitySchemes`, applied
//!   to each request as the operation's `security` says, over TLS unless the host is loopback;
//! - [`execute`], which sends a request so that no URL query (where keys travel) survives into
//!   an error or a response;
//! - [`form_urlencoded`], form bodies with arrays as repeated keys;
//! - [`decode`], JSON answers decoded without keeping a body that failed to decode, nor reading
//!   one past [`MAX_BODY_BYTES`] ([`BodyTooLarge`]);
//! - [`UnknownValue`], the text of an enum value added to a spec after the client was generated;
//! - [`secure_client`], the rules of every HTTP client that carries credentials: no redirects,
//!   no `Referer`, no proxy from the environment for plain `http` (a proxy the caller set is
//!   kept), TLS 1.2 at least.
//!
//! Users rarely name this crate: each provider crate re-exports what it needs.

mod client;
mod credentials;
mod decode;
mod form;
mod scope;
mod secret;
mod transport;
mod unknown;

pub use client::{InvalidServerVariable, dns_label, secure_client};
pub use credentials::{AuthError, Credential, CredentialSet, Location, Scheme};
pub use decode::{BodyTooLarge, MAX_BODY_BYTES, decode};
pub use form::{form_urlencoded, json_body};
pub use secret::{Secret, expose_secrets};
pub use transport::execute;
pub use unknown::UnknownValue;

// The README's examples are compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
