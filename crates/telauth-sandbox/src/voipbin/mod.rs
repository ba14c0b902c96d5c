//! VoIPBIN: JWT login, and access keys under `/v1.0`, authenticated as VoIPBIN's server does
//! (`bin-api-manager` `lib/middleware/authenticate.go`): a cookie first (`token` or `accesskey`),
//! then the query (`?token=` or `?accesskey=`), then an `Authorization: Bearer` JWT.

mod access_keys;
mod auth;
mod errors;
mod jwt;
mod rate_limit;

use std::sync::{Arc, Mutex, MutexGuard};

use axum::Router;
use axum::routing::{get, post};
use uuid::Uuid;

use crate::clock::Clock;
use crate::info::AccountInfo;
use crate::lock::lock;
use access_keys::AccessKey;
pub use rate_limit::RateLimit;

/// VoIPBIN's username.
pub const DEMO_USERNAME: &str = "demo";
/// VoIPBIN's password.
pub const DEMO_PASSWORD: &str = "voipbin-demo-password";
/// The customer id VoIPBIN's demo keys belong to.
pub const DEMO_CUSTOMER_ID: &str = "5e4a0680-804e-11ec-8477-2fea5968d85b";

/// Where VoIPBIN is served under the shared port: its prefix.
pub const PREFIX: &str = "/voipbin";

/// The info for VoIPBIN under the shared port's `origin`, and on its own port's `host`.
pub fn info(origin: &str, host: String) -> AccountInfo {
    AccountInfo::demo(origin, PREFIX, host, DEMO_USERNAME, DEMO_PASSWORD)
}

/// The variables the `telauth` SDK and command read for VoIPBIN's login.
pub fn env_vars(info: &AccountInfo) -> [(&'static str, String); 3] {
    info.env_vars([
        "TELAUTH_VOIPBIN_ORIGIN",
        "VOIPBIN_USERNAME",
        "VOIPBIN_PASSWORD",
    ])
}

/// VoIPBIN's state: the key its JWTs are signed with, the sandbox's clock they expire by, and
/// what callers created.
#[derive(Debug)]
pub struct State {
    clock: Arc<Clock>,
    jwt_key: Vec<u8>,
    data: Mutex<Data>,
}

/// What changes, behind one lock.
#[derive(Debug, Default)]
struct Data {
    access_keys: Vec<AccessKey>,
    rate_limit: Option<RateLimit>,
}

impl State {
    /// A server with a fresh signing key and no access key, on `clock`.
    pub fn new(clock: Arc<Clock>) -> Self {
        Self {
            clock,
            jwt_key: Uuid::new_v4().as_bytes().to_vec(),
            data: Mutex::default(),
        }
    }

    /// Answers the next `limit.requests` requests `429` (see `Sandbox::limit_voipbin_rate`).
    pub fn limit_rate(&self, limit: RateLimit) {
        self.data().rate_limit = Some(limit);
    }

    fn data(&self) -> MutexGuard<'_, Data> {
        lock(&self.data)
    }

    fn now(&self) -> u64 {
        self.clock.now()
    }
}

/// VoIPBIN's routes, on `state`.
pub fn routes(state: &Arc<State>) -> Router {
    Router::new()
        .route("/auth/login", post(auth::login))
        .route(
            "/v1.0/accesskeys",
            get(access_keys::list).post(access_keys::create),
        )
        .route(
            "/v1.0/accesskeys/{id}",
            get(access_keys::read)
                .put(access_keys::update)
                .delete(access_keys::delete),
        )
        .with_state(Arc::clone(state))
}
