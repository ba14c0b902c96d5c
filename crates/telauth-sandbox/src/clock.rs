//! The sandbox's clock, which tests may move (`Sandbox::set_clock`, `Sandbox::advance_clock`),
//! and the `Date` header it stamps on every answer.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::extract::{Request, State as Shared};
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;

/// The real time plus an offset.
#[derive(Debug, Default)]
pub struct Clock {
    /// Seconds added to the real time (negative: the sandbox lives in the past).
    offset: AtomicI64,
}

impl Clock {
    /// The sandbox's time, in Unix seconds.
    pub fn now(&self) -> u64 {
        real_now().saturating_add_signed(self.offset.load(Ordering::Relaxed))
    }

    /// Moves the clock forward by `by`.
    pub fn advance(&self, by: Duration) {
        let by = i64::try_from(by.as_secs()).unwrap_or(i64::MAX);
        let _ = self
            .offset
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |offset| {
                Some(offset.saturating_add(by))
            });
    }

    /// Sets the clock to `now`, in the past or the future.
    pub fn set(&self, now: SystemTime) {
        let target = now
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or_default();
        let real = real_now();
        let offset = if target >= real {
            i64::try_from(target - real).unwrap_or(i64::MAX)
        } else {
            -i64::try_from(real - target).unwrap_or(i64::MAX)
        };
        self.offset.store(offset, Ordering::Relaxed);
    }
}

/// The real time, in Unix seconds.
fn real_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or_default()
}

/// Unix seconds as an HTTP `Date` (IMF-fixdate): `Sun, 06 Nov 1994 08:49:37 GMT`.
fn http_date(seconds: u64) -> String {
    i64::try_from(seconds)
        .ok()
        .and_then(|seconds| chrono::DateTime::from_timestamp(seconds, 0))
        .unwrap_or_default()
        .format("%a, %d %b %Y %H:%M:%S GMT")
        .to_string()
}

/// Stamps the answer's `Date` by the sandbox's clock: a server whose clock differs from the
/// client's, as a real one can.
pub async fn stamp_date(
    Shared(clock): Shared<Arc<Clock>>,
    request: Request,
    next: Next,
) -> Response {
    let mut response = next.run(request).await;
    if let Ok(date) = HeaderValue::from_str(&http_date(clock.now())) {
        response.headers_mut().insert(header::DATE, date);
    }
    response
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
}
