//! placeholder
#[rustfmt::skip]
mod generated;
#[rustfmt::skip]
mod auth;
pub use auth::Credentials;
pub use generated::*;
pub use telauth_runtime::Secret;
