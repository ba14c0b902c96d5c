//! [`TokenSource`]: a VoIPBIN JWT that renews itself, one login for any number of callers.

use std::sync::RwLock;
use std::time::{Duration, Instant, SystemTime};

use super::{Jwt, VoipBin, VoipBinAuth, VoipBinCredentials};
use crate::Error;

/// How long before a JWT's expiry [`TokenSource`] logs in again, unless told otherwise.
pub const DEFAULT_RENEW_MARGIN: Duration = Duration::from_secs(60);

/// A JWT that renews itself: it logs in on first use, hands out the cached token until
/// [`DEFAULT_RENEW_MARGIN`] (or the margin set, but never more than half the token's lifetime)
/// before its expiry, then logs in again.
///
/// Concurrent callers share one renewal: while one logs in, the others wait for its token, or
/// for its error when that login failed.
#[derive(Debug)]
pub struct TokenSource {
    voipbin: VoipBin,
    credentials: VoipBinCredentials,
    margin: Duration,
    cached: RwLock<Option<Cached>>,
    renewing: tokio::sync::Mutex<Option<Failure>>,
}

/// A token and when it was obtained.
#[derive(Debug)]
struct Cached {
    jwt: Jwt,
    obtained_at: SystemTime,
}

/// The last failed login and when it ended.
#[derive(Debug)]
struct Failure {
    error: Error,
    at: Instant,
}

impl TokenSource {
    /// A source that logs in to `voipbin` with `credentials`.
    pub fn new(voipbin: VoipBin, credentials: VoipBinCredentials) -> Self {
        Self {
            voipbin,
            credentials,
            margin: DEFAULT_RENEW_MARGIN,
            cached: RwLock::new(None),
            renewing: tokio::sync::Mutex::new(None),
        }
    }

    /// Renews this long before expiry instead of [`DEFAULT_RENEW_MARGIN`].
    pub fn renew_before(mut self, margin: Duration) -> Self {
        self.margin = margin;
        self
    }

    /// A valid JWT: the cached one, or a new one when it is missing or about to expire.
    pub async fn token(&self) -> Result<Jwt, Error> {
        if let Some(jwt) = self.fresh() {
            return Ok(jwt);
        }
        let waiting_since = Instant::now();
        let mut last_failure = self.renewing.lock().await;
        // Another caller may have renewed, or failed to, while this one waited.
        if let Some(jwt) = self.fresh() {
            return Ok(jwt);
        }
        if let Some(failure) = last_failure.as_ref().filter(|f| f.at >= waiting_since) {
            return Err(failure.error.clone());
        }
        match self.voipbin.login(&self.credentials).await {
            Ok(jwt) => {
                *last_failure = None;
                let cached = Cached {
                    jwt: jwt.clone(),
                    obtained_at: SystemTime::now(),
                };
                *self.cached.write().unwrap_or_else(|e| e.into_inner()) = Some(cached);
                Ok(jwt)
            }
            Err(error) => {
                *last_failure = Some(Failure {
                    error: error.clone(),
                    at: Instant::now(),
                });
                Err(error)
            }
        }
    }

    /// A client authenticated with a valid JWT.
    pub async fn client(&self) -> Result<VoipBin, Error> {
        let jwt = self.token().await?;
        Ok(self.voipbin.with_auth(VoipBinAuth::Jwt(jwt.token)))
    }

    fn fresh(&self) -> Option<Jwt> {
        let cached = self.cached.read().unwrap_or_else(|e| e.into_inner());
        let Cached { jwt, obtained_at } = cached.as_ref()?;
        let lifetime = jwt
            .expires_at
            .duration_since(*obtained_at)
            .unwrap_or_default();
        let margin = self.margin.min(lifetime / 2);
        let renew_at = jwt.expires_at.checked_sub(margin)?;
        (SystemTime::now() < renew_at).then(|| jwt.clone())
    }
}
