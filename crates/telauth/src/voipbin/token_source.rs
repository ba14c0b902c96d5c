//! [`TokenSource`]: a VoIPBIN JWT that renews itself, one login for any number of callers.

use std::future::Future;
use std::sync::RwLock;
use std::time::{Duration, Instant};

use super::{Jwt, PROVIDER, VoipBin, VoipBinAccount, VoipBinAuth};
use crate::{Config, Error, Secret, Vars};

/// How long before a JWT's expiry [`TokenSource`] logs in again, unless told otherwise.
pub const DEFAULT_RENEW_MARGIN: Duration = Duration::from_secs(60);

/// The shortest time a new token is used before the next login, whatever its claims and the
/// clocks say: a token that looks expired on arrival (this host's clock ahead of the
/// provider's) is still shared by every caller for this long instead of causing one login each.
pub const MIN_REUSE: Duration = Duration::from_secs(30);

/// How long a login the provider refused (400 or 401: wrong credentials) is answered from
/// memory before trying again, unless the provider said otherwise with `Retry-After`.
pub const REFUSED_LOGIN_BACKOFF: Duration = Duration::from_secs(60);

/// The longest a failed login's error is answered from memory: a provider's `Retry-After` is
/// honoured up to this, 5 minutes, so that an answer such as `Retry-After: 18446744073709551615`
/// cannot lock logins out for longer (the error itself still carries the provider's value).
pub const MAX_LOGIN_BACKOFF: Duration = Duration::from_secs(300);

/// The first wait after any other failed login (a network error, a 5xx); it doubles with each
/// failure in a row, up to [`REFUSED_LOGIN_BACKOFF`].
pub const FAILED_LOGIN_BACKOFF: Duration = Duration::from_secs(1);

/// A JWT that renews itself: it logs in on first use, hands out the cached token until
/// [`DEFAULT_RENEW_MARGIN`] (or the margin set, but never more than half the token's lifetime)
/// before its end, then logs in again.
///
/// A token's end is measured on this host's monotonic clock from the moment it arrived, plus
/// its lifetime: `exp - iat` when the token has `iat`, else `exp` minus the answer's `Date`, else
/// `exp` by this host's clock; never less than [`MIN_REUSE`] (see
/// [`TokenSource::reuse_at_least`]). So clock skew between this host and
/// the provider's cannot make every caller log in.
///
/// Concurrent callers share one renewal: while one logs in, the others wait for its token, or
/// for its error when that login failed. A failed login is remembered: until its backoff ends
/// ([`REFUSED_LOGIN_BACKOFF`] for wrong credentials, growing from [`FAILED_LOGIN_BACKOFF`]
/// otherwise, or the provider's `Retry-After` up to [`MAX_LOGIN_BACKOFF`]), callers get its
/// error without a new login, so that a wrong password cannot lock the account out.
#[derive(Debug)]
pub struct TokenSource {
    voipbin: VoipBin,
    account: VoipBinAccount,
    margin: Duration,
    min_reuse: Duration,
    cached: RwLock<Option<Cached>>,
    renewing: tokio::sync::Mutex<Failures>,
}

/// A token and when to renew it.
#[derive(Debug)]
struct Cached {
    jwt: Jwt,
    renew_at: Instant,
}

/// The last failed login, how many failed in a row, and until when its error is answered.
#[derive(Debug, Default)]
struct Failures {
    last: Option<(Error, Instant)>,
    in_a_row: u32,
}

impl TokenSource {
    /// A source that logs in to `voipbin` with `account` (both are cloned: the clone of a
    /// [`VoipBin`] shares its connection pool).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    /// use telauth::voipbin::{TokenSource, VoipBin, VoipBinAccount};
    /// use telauth::{Config, Secret};
    ///
    /// let voipbin = VoipBin::login_only(&Config::new())?;
    /// let account = VoipBinAccount {
    ///     username: "ops".into(),
    ///     password: Secret::from("hunter2"),
    /// };
    /// // Nothing is sent yet: the first `token()` logs in. Tasks share one source.
    /// let tokens = Arc::new(TokenSource::new(&voipbin, &account));
    /// assert!(!format!("{tokens:?}").contains("hunter2"));
    /// # Ok::<(), telauth::Error>(())
    /// ```
    pub fn new(voipbin: &VoipBin, account: &VoipBinAccount) -> Self {
        Self {
            voipbin: voipbin.clone(),
            account: account.clone(),
            margin: DEFAULT_RENEW_MARGIN,
            min_reuse: MIN_REUSE,
            cached: RwLock::new(None),
            renewing: tokio::sync::Mutex::new(Failures::default()),
        }
    }

    /// A source with `config`, its origin from `TELAUTH_VOIPBIN_ORIGIN` in `vars` when `config`
    /// sets none, that logs in with `VOIPBIN_USERNAME` and `VOIPBIN_PASSWORD`
    /// ([`VoipBinAccount::from_vars`]), both required. Nothing is sent until a token is
    /// asked for.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), telauth::Error> {
    /// use telauth::voipbin::TokenSource;
    /// use telauth::{Config, Vars};
    ///
    /// let tokens = TokenSource::from_vars(&Vars::process(), &Config::new())?;
    /// let api = tokens.client().await?; // logs in once, renews before `exp`
    /// println!("{} keys", api.all_access_keys(None).await?.len());
    /// # Ok(()) }
    /// ```
    pub fn from_vars(vars: &Vars, config: &Config) -> Result<Self, Error> {
        let account = VoipBinAccount::from_vars(vars)?;
        let voipbin = VoipBin::login_only(&config.or_origin_from(PROVIDER, vars))?;
        Ok(Self::new(&voipbin, &account))
    }

    /// Renews this long before expiry instead of [`DEFAULT_RENEW_MARGIN`].
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// use telauth::Config;
    /// use telauth::voipbin::{TokenSource, VoipBin, VoipBinAccount};
    ///
    /// # let account = VoipBinAccount {
    /// #     username: "ops".into(),
    /// #     password: "hunter2".into(),
    /// # };
    /// let voipbin = VoipBin::login_only(&Config::new())?;
    /// // Log in again 10 minutes before `exp` (at most half the JWT's lifetime before it).
    /// let tokens = TokenSource::new(&voipbin, &account).renew_before(Duration::from_secs(600));
    /// assert!(format!("{tokens:?}").contains("margin: 600s"));
    /// # Ok::<(), telauth::Error>(())
    /// ```
    pub fn renew_before(mut self, margin: Duration) -> Self {
        self.margin = margin;
        self
    }

    /// Uses each new token for at least `window` instead of [`MIN_REUSE`], whatever its
    /// lifetime looks like.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// use telauth::Config;
    /// use telauth::voipbin::{TokenSource, VoipBin, VoipBinAccount};
    ///
    /// # let account = VoipBinAccount {
    /// #     username: "ops".into(),
    /// #     password: "hunter2".into(),
    /// # };
    /// let voipbin = VoipBin::login_only(&Config::new())?;
    /// // Share each new JWT for at least 5 minutes, even should this host's clock find it expired.
    /// let tokens = TokenSource::new(&voipbin, &account)
    ///     .reuse_at_least(Duration::from_secs(300));
    /// assert!(format!("{tokens:?}").contains("min_reuse: 300s"));
    /// # Ok::<(), telauth::Error>(())
    /// ```
    pub fn reuse_at_least(mut self, window: Duration) -> Self {
        self.min_reuse = window;
        self
    }

    /// A valid JWT: the cached one, or a new one when it is missing or about to expire. While a
    /// failed login's backoff lasts, its error.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
    /// use telauth::{Config, Vars};
    /// use telauth::voipbin::{TokenSource, VoipBin, VoipBinAccount};
    ///
    /// let voipbin = VoipBin::login_only(&Config::new())?;
    /// let tokens = TokenSource::new(&voipbin, &VoipBinAccount::from_vars(&Vars::process())?);
    /// // The JWT for a client of your own, such as the generated one.
    /// let jwt = tokens.token().await?;
    /// let client = telauth_voipbin::Client::new(
    ///     telauth_voipbin::BASE_URL,
    ///     telauth_voipbin::Credentials::bearer_auth(jwt.token),
    /// );
    /// let page = client.accesskeys_list().send().await?.into_inner();
    /// println!("{} keys", page.result.len());
    /// # Ok(()) }
    /// ```
    pub async fn token(&self) -> Result<Jwt, Error> {
        if let Some(jwt) = self.fresh() {
            return Ok(jwt);
        }
        let mut failures = self.renewing.lock().await;
        // Another caller may have renewed, or failed to, while this one waited.
        if let Some(jwt) = self.fresh() {
            return Ok(jwt);
        }
        if let Some((error, until)) = &failures.last
            && Instant::now() < *until
        {
            return Err(error.clone());
        }
        match self.voipbin.login_timed(&self.account).await {
            Ok((jwt, issued)) => {
                *failures = Failures::default();
                let lifetime = issued.lifetime(jwt.expires_at);
                let margin = self.margin.min(lifetime / 2);
                let reuse = lifetime.saturating_sub(margin).max(self.min_reuse);
                let now = Instant::now();
                // A window past what the clock can hold (`reuse_at_least(Duration::MAX)`) is as
                // good as forever: 136 years.
                let renew_at = now
                    .checked_add(reuse)
                    .unwrap_or_else(|| now + Duration::from_secs(u64::from(u32::MAX)));
                let cached = Cached {
                    jwt: jwt.clone(),
                    renew_at,
                };
                *self.cached.write().unwrap_or_else(|e| e.into_inner()) = Some(cached);
                Ok(jwt)
            }
            Err(error) => {
                failures.in_a_row = failures.in_a_row.saturating_add(1);
                let backoff = backoff(error.retry_after(), error.status(), failures.in_a_row);
                let now = Instant::now();
                failures.last = Some((error.clone(), now.checked_add(backoff).unwrap_or(now)));
                Err(error)
            }
        }
    }

    /// Forgets the cached token when it is `rejected`, the token a call the provider answered
    /// `401` was made with (revoked, or expired by its clock), so that the next call logs in. A
    /// token cached since, by another caller's new login, is kept: under server-side expiry,
    /// the late `401`s of calls made with the old token cost no login each. A failed login's
    /// backoff still holds.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
    /// use telauth::{Config, Vars};
    /// use telauth::voipbin::{TokenSource, VoipBin, VoipBinAccount};
    ///
    /// let voipbin = VoipBin::login_only(&Config::new())?;
    /// let tokens = TokenSource::new(&voipbin, &VoipBinAccount::from_vars(&Vars::process())?);
    /// let jwt = tokens.token().await?;
    /// let client = telauth_voipbin::Client::new(
    ///     telauth_voipbin::BASE_URL,
    ///     telauth_voipbin::Credentials::bearer_auth(jwt.token.clone()),
    /// );
    /// match client.accesskeys_list().send().await {
    ///     // Revoked, or expired by VoIPBIN's clock: the next call logs in again.
    ///     Err(error) if error.status().map(|status| status.as_u16()) == Some(401) => {
    ///         tokens.invalidate(&jwt.token)
    ///     }
    ///     page => println!("{} keys", page?.into_inner().result.len()),
    /// }
    /// # Ok(()) }
    /// ```
    pub fn invalidate(&self, rejected: &Secret) {
        let mut cached = self.cached.write().unwrap_or_else(|e| e.into_inner());
        if cached
            .as_ref()
            .is_some_and(|cached| cached.jwt.token.expose() == rejected.expose())
        {
            *cached = None;
        }
    }

    /// A client authenticated with a valid JWT.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), telauth::Error> {
    /// use std::time::Duration;
    /// use telauth::{Config, Vars};
    /// use telauth::voipbin::{TokenSource, VoipBin, VoipBinAccount};
    ///
    /// let voipbin = VoipBin::login_only(&Config::new())?;
    /// let tokens = TokenSource::new(&voipbin, &VoipBinAccount::from_vars(&Vars::process())?);
    /// // The client keeps this JWT as it is: ask for a new one for later work.
    /// let api = tokens.client().await?;
    /// let key = api.create_access_key(Duration::from_secs(86_400), Some("nightly"), None).await?;
    /// # Ok(()) }
    /// ```
    pub async fn client(&self) -> Result<VoipBin, Error> {
        let jwt = self.token().await?;
        Ok(self.authenticated(&jwt))
    }

    /// A client authenticated with `jwt`.
    fn authenticated(&self, jwt: &Jwt) -> VoipBin {
        self.voipbin.with_auth(&VoipBinAuth::Jwt(jwt.token.clone()))
    }

    /// Runs `call` with a client holding a valid JWT; when the provider answers `401` (a token
    /// it revoked, or that its clock finds expired), forgets that token ([`TokenSource::invalidate`]:
    /// not a newer one another caller got meanwhile), logs in once more unless another caller
    /// already has, and runs `call` again, once. Only for idempotent calls (reads, updates, deletes): the first
    /// attempt reached the provider.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), telauth::Error> {
    /// use telauth::{Config, Vars};
    /// use telauth::voipbin::{TokenSource, VoipBin, VoipBinAccount};
    ///
    /// let voipbin = VoipBin::login_only(&Config::new())?;
    /// let tokens = TokenSource::new(&voipbin, &VoipBinAccount::from_vars(&Vars::process())?);
    /// // A read, so it may run twice: again after a new login should VoIPBIN answer 401.
    /// let keys = tokens
    ///     .renewing_on_401(|api| async move { api.all_access_keys(Some(100)).await })
    ///     .await?;
    /// # Ok(()) }
    /// ```
    pub async fn renewing_on_401<T, Fut>(&self, call: impl Fn(VoipBin) -> Fut) -> Result<T, Error>
    where
        Fut: Future<Output = Result<T, Error>>,
    {
        let jwt = self.token().await?;
        match call(self.authenticated(&jwt)).await {
            Err(error) if error.status() == Some(401) => {
                self.invalidate(&jwt.token);
                call(self.client().await?).await
            }
            outcome => outcome,
        }
    }

    fn fresh(&self) -> Option<Jwt> {
        let cached = self.cached.read().unwrap_or_else(|e| e.into_inner());
        let Cached { jwt, renew_at } = cached.as_ref()?;
        (Instant::now() < *renew_at).then(|| jwt.clone())
    }
}

/// How long a failed login's error is answered without a new login: the provider's
/// `retry_after` up to [`MAX_LOGIN_BACKOFF`], else as its `status` and the failures `in_a_row`
/// say.
fn backoff(retry_after: Option<Duration>, status: Option<u16>, in_a_row: u32) -> Duration {
    if let Some(after) = retry_after {
        return after.min(MAX_LOGIN_BACKOFF);
    }
    match status {
        Some(400 | 401) => REFUSED_LOGIN_BACKOFF,
        _ => FAILED_LOGIN_BACKOFF
            .saturating_mul(2u32.saturating_pow(in_a_row.saturating_sub(1)))
            .min(REFUSED_LOGIN_BACKOFF),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_is_honoured_up_to_the_maximum() {
        let huge = Duration::from_secs(u64::MAX);
        assert_eq!(backoff(Some(huge), Some(503), 1), MAX_LOGIN_BACKOFF);
        let short = Duration::from_secs(7);
        assert_eq!(backoff(Some(short), Some(429), 1), short);
        assert_eq!(backoff(None, Some(401), 1), REFUSED_LOGIN_BACKOFF);
        assert_eq!(backoff(None, None, 3), FAILED_LOGIN_BACKOFF * 4);
        assert_eq!(backoff(None, None, u32::MAX), REFUSED_LOGIN_BACKOFF);
    }
}
