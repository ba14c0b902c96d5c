//! What the sandbox remembers: its clock, the demo accounts, and what callers created.

use std::collections::{BTreeMap, VecDeque};
use std::sync::Mutex;
use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::Value;
use uuid::Uuid;

/// The demo credentials every sandbox accepts.
pub mod demo {
    /// SMSBeta's account mail.
    pub const SMSBETA_MAIL: &str = "demo@smsbeta.example";
    /// SMSBeta's account password (the client sends its md5 digest).
    pub const SMSBETA_PASSWORD: &str = "smsbeta-demo-password";
    /// VoIPBIN's username.
    pub const VOIPBIN_USERNAME: &str = "demo";
    /// VoIPBIN's password.
    pub const VOIPBIN_PASSWORD: &str = "voipbin-demo-password";
    /// Mobivate's username.
    pub const MOBIVATE_USERNAME: &str = "demo";
    /// Mobivate's password.
    pub const MOBIVATE_PASSWORD: &str = "mobivate-demo-password";
    /// SignalWire's space name.
    pub const SIGNALWIRE_SPACE: &str = "demo";
    /// SignalWire's project id.
    pub const SIGNALWIRE_PROJECT_ID: &str = "9b2b0f0e-6a2c-4f57-9d1b-4c3e8a7f5d21";
    /// SignalWire's API token, which has every permission.
    pub const SIGNALWIRE_API_TOKEN: &str = "PTsandbox0demo0management0token";
    /// A subproject of the demo project.
    pub const SIGNALWIRE_SUBPROJECT_ID: &str = "1c7d2e3f-4a5b-4c6d-8e9f-0a1b2c3d4e5f";
    /// The customer id VoIPBIN's demo keys belong to.
    pub const VOIPBIN_CUSTOMER_ID: &str = "5e4a0680-804e-11ec-8477-2fea5968d85b";
}

/// A VoIPBIN access key as the sandbox keeps it.
#[derive(Clone, Debug)]
pub struct AccessKey {
    pub id: Uuid,
    pub name: Option<String>,
    pub detail: Option<String>,
    pub token: String,
    pub created: u64,
    pub updated: Option<u64>,
    pub expires: u64,
    pub deleted: Option<u64>,
}

/// A SignalWire project token as the sandbox keeps it.
#[derive(Clone, Debug)]
pub struct ProjectToken {
    pub name: String,
    pub permissions: Vec<String>,
    pub token: String,
}

/// One exchange the sandbox answered, for contract tests.
#[derive(Clone, Debug)]
pub struct Exchange {
    /// The request's method.
    pub method: String,
    /// The request's path without the query, with the provider prefix: a request to a
    /// provider's own port (its `host`) is recorded as the shared port would see it, the
    /// provider's prefix before its path.
    pub path: String,
    /// The status answered.
    pub status: u16,
    /// The body answered, when it was JSON (and not larger than the record keeps).
    pub body: Option<Value>,
    /// How many bytes the body took on the wire (0 when it is not kept).
    pub size: usize,
}

impl Exchange {
    /// The bytes it counts against [`EXCHANGE_BYTES_KEPT`](crate::EXCHANGE_BYTES_KEPT): its
    /// method, its path and its body as sent.
    pub fn held_bytes(&self) -> usize {
        self.method.len() + self.path.len() + self.size
    }
}

/// A rate limit the sandbox simulates for VoIPBIN.
#[derive(Clone, Copy, Debug)]
pub struct RateLimit {
    /// How many more requests are answered `429`.
    pub requests: u32,
    /// The `Retry-After` they carry, in seconds.
    pub retry_after_secs: u64,
}

/// Everything mutable, behind one lock: the sandbox serves tests, not traffic.
#[derive(Debug, Default)]
pub struct Data {
    /// Seconds added to the real time (negative: the sandbox lives in the past).
    pub clock_offset: i64,
    pub access_keys: Vec<AccessKey>,
    pub mobivate_key: String,
    pub signalwire_tokens: BTreeMap<Uuid, ProjectToken>,
    pub voipbin_rate_limit: Option<RateLimit>,
    pub exchanges: VecDeque<Exchange>,
    /// The bytes `exchanges` holds: their methods, paths and bodies.
    pub exchange_bytes: usize,
}

/// The sandbox's state.
#[derive(Debug)]
pub struct State {
    pub jwt_key: Vec<u8>,
    pub data: Mutex<Data>,
}

impl State {
    pub fn new() -> Self {
        Self {
            jwt_key: Uuid::new_v4().as_bytes().to_vec(),
            data: Mutex::new(Data {
                mobivate_key: Uuid::new_v4().to_string(),
                ..Data::default()
            }),
        }
    }

    /// Locks the data; a panicked handler does not make it unusable.
    pub fn data(&self) -> std::sync::MutexGuard<'_, Data> {
        self.data
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The sandbox's time, in Unix seconds.
    pub fn now(&self) -> u64 {
        let offset = self.data().clock_offset;
        real_now().saturating_add_signed(offset)
    }
}

/// The real time, in Unix seconds.
pub fn real_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or_default()
}

/// Unix seconds as VoIPBIN writes timestamps: `2026-01-01T00:00:00.000000Z`.
pub fn timestamp(seconds: u64) -> String {
    i64::try_from(seconds)
        .ok()
        .and_then(|seconds| chrono::DateTime::from_timestamp(seconds, 0))
        .unwrap_or_default()
        .format("%Y-%m-%dT%H:%M:%S%.6fZ")
        .to_string()
}

/// Unix seconds as an HTTP `Date` (IMF-fixdate): `Sun, 06 Nov 1994 08:49:37 GMT`.
pub fn http_date(seconds: u64) -> String {
    i64::try_from(seconds)
        .ok()
        .and_then(|seconds| chrono::DateTime::from_timestamp(seconds, 0))
        .unwrap_or_default()
        .format("%a, %d %b %Y %H:%M:%S GMT")
        .to_string()
}

#[cfg(test)]
mod tests {
    #[test]
    fn http_dates_are_imf_fixdate() {
        assert_eq!(
            super::http_date(784_111_777),
            "Sun, 06 Nov 1994 08:49:37 GMT"
        );
    }

    #[test]
    fn timestamps_are_rfc3339_utc() {
        assert_eq!(super::timestamp(0), "1970-01-01T00:00:00.000000Z");
        assert_eq!(
            super::timestamp(1_700_000_000),
            "2023-11-14T22:13:20.000000Z"
        );
        assert_eq!(
            super::timestamp(253_370_764_800),
            "9999-01-01T00:00:00.000000Z"
        );
    }
}
