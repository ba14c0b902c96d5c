//! Releasing the crates: what changed since the last version in a registry ([`baseline`]) and
//! the version it needs ([`compat`], [`audit`], [`version`]), the release that applies it
//! ([`plan`], [`changelog`]), the compiled API's check ([`semver`]), the declared Rust version
//! ([`msrv`]), publishing to crates.io or a registry ([`publish`], [`registry`]), and the whole
//! round trip on a local registry ([`rehearse`]).

pub mod audit;
pub mod baseline;
pub mod changelog;
pub mod compat;
pub mod crates;
pub mod msrv;
pub mod plan;
pub mod publish;
pub mod registry;
pub mod rehearse;
pub mod semver;
pub mod version;
