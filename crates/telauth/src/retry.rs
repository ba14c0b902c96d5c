//! An opt-in retry policy for idempotent calls: exponential backoff with full jitter, and the
//! provider's `Retry-After` honoured on 429 and 503.
// SMSBeta alone has no idempotent call, so with only its feature nothing here runs.
#![cfg_attr(
    not(any(feature = "voipbin", feature = "mobivate", feature = "signalwire")),
    allow(dead_code)
)]

use std::future::Future;
use std::hash::{BuildHasher, RandomState};
use std::time::{Duration, Instant};

use crate::Error;

/// How often and how patiently an idempotent call is tried again after a retryable error
/// ([`Error::is_retryable`]). Calls that are not idempotent (logins, creates, key rotation) are
/// never retried.
///
/// The wait before retry `n` (from 0) is a random duration up to
/// `min(max_delay, base_delay × 2ⁿ)`; when the provider says `Retry-After`, that is the wait,
/// and a `Retry-After` longer than `max_delay` ends the retries.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    max_retries: u32,
    base_delay: Duration,
    max_delay: Duration,
}

impl Default for RetryPolicy {
    /// 3 retries, from 200 ms up to 10 s.
    fn default() -> Self {
        Self {
            max_retries: 3,
            base_delay: Duration::from_millis(200),
            max_delay: Duration::from_secs(10),
        }
    }
}

impl RetryPolicy {
    /// The default policy with `max_retries` retries.
    ///
    /// # Examples
    ///
    /// ```
    /// use telauth::{Config, RetryPolicy};
    ///
    /// assert_eq!(RetryPolicy::new(3), RetryPolicy::default());
    /// // Up to 5 retries, waiting up to 200 ms, 400 ms, 800 ms, 1.6 s and 3.2 s.
    /// let config = Config::new().retry(RetryPolicy::new(5));
    /// ```
    pub fn new(max_retries: u32) -> Self {
        Self {
            max_retries,
            ..Self::default()
        }
    }

    /// The wait before the first retry, doubled for each next one.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// use telauth::RetryPolicy;
    ///
    /// // Waits of up to 0.5 s, 1 s, 2 s and 4 s.
    /// let policy = RetryPolicy::new(4).base_delay(Duration::from_millis(500));
    /// let shown = format!("{policy:?}");
    /// assert_eq!(shown, "RetryPolicy { max_retries: 4, base_delay: 500ms, max_delay: 10s }");
    /// ```
    pub fn base_delay(mut self, delay: Duration) -> Self {
        self.base_delay = delay;
        self
    }

    /// The longest wait before a retry.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// use telauth::RetryPolicy;
    ///
    /// // Never wait more than 2 s; a `Retry-After` longer than that ends the retries.
    /// let policy = RetryPolicy::default().max_delay(Duration::from_secs(2));
    /// let shown = format!("{policy:?}");
    /// assert_eq!(shown, "RetryPolicy { max_retries: 3, base_delay: 200ms, max_delay: 2s }");
    /// ```
    pub fn max_delay(mut self, delay: Duration) -> Self {
        self.max_delay = delay;
        self
    }

    /// The wait before retry `attempt` after `error`, or `None` to stop.
    fn delay(&self, attempt: u32, error: &Error) -> Option<Duration> {
        if attempt >= self.max_retries || !error.is_retryable() {
            return None;
        }
        if let Some(after) = error.retry_after() {
            return (after <= self.max_delay).then_some(after);
        }
        let ceiling = self
            .base_delay
            .saturating_mul(2u32.saturating_pow(attempt))
            .min(self.max_delay);
        Some(jitter(ceiling))
    }
}

/// A random duration from zero to `ceiling`.
fn jitter(ceiling: Duration) -> Duration {
    let random = RandomState::new().hash_one(Instant::now());
    ceiling.mul_f64((random % 1_000_001) as f64 / 1_000_000.0)
}

/// Runs `call`, an idempotent one, and again as `policy` allows when it fails retryably.
pub(crate) async fn retrying<T, Fut>(
    policy: Option<&RetryPolicy>,
    mut call: impl FnMut() -> Fut,
) -> Result<T, Error>
where
    Fut: Future<Output = Result<T, Error>>,
{
    let mut attempt = 0;
    loop {
        let error = match call().await {
            Ok(value) => return Ok(value),
            Err(error) => error,
        };
        let delay = policy.and_then(|policy| policy.delay(attempt, &error));
        match delay {
            Some(delay) => tokio::time::sleep(delay).await,
            None => return Err(error),
        }
        attempt += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{ErrorKind, Provider};

    fn unavailable() -> Error {
        Error::new(
            Provider::VoipBin,
            "accesskeys_get",
            ErrorKind::UnexpectedStatus { status: 503 },
        )
    }

    #[test]
    fn backoff_grows_to_the_ceiling_and_stops_after_max_retries() {
        let policy = RetryPolicy::new(4)
            .base_delay(Duration::from_millis(100))
            .max_delay(Duration::from_millis(300));
        for (attempt, ceiling) in [(0, 100), (1, 200), (2, 300), (3, 300)] {
            for _ in 0..50 {
                let delay = policy.delay(attempt, &unavailable()).unwrap();
                assert!(
                    delay <= Duration::from_millis(ceiling),
                    "{attempt}: {delay:?}"
                );
            }
        }
        assert_eq!(policy.delay(4, &unavailable()), None);
        let not_found = Error::new(
            Provider::VoipBin,
            "accesskeys_get",
            ErrorKind::UnexpectedStatus { status: 404 },
        );
        assert_eq!(policy.delay(0, &not_found), None);
    }
}
