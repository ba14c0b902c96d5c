//! VoIPBIN: log in for a JWT valid 7 days, keep one fresh with [`TokenSource`], and manage
//! access keys.
//!
//! Calls under `/v1.0` present a JWT as `Authorization: Bearer`, or an access key as the cookie
//! `accesskey` — a cookie, unlike `?accesskey=`, stays out of proxy and server logs, and VoIPBIN
//! never accepts an access key as a Bearer header.

use std::sync::RwLock;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Serialize, Serializer};
use telauth_runtime::Secret;
use telauth_voipbin::types::{
    Accesskey, AccesskeyCreate, AccesskeyList, AccesskeyUpdate, ErrorResponse, LoginRequest,
};
use telauth_voipbin::{Client, Credentials};
use uuid::Uuid;

use crate::env;
use crate::error::{ErrorBody, from_client};
use crate::retry::retrying;
use crate::{Config, Error, ErrorKind, Provider, RetryPolicy};

pub use telauth_voipbin::types;

const PROVIDER: Provider = Provider::VoipBin;

/// The shortest lifetime VoIPBIN accepts for an access key: one day.
pub const MIN_ACCESS_KEY_LIFETIME: Duration = Duration::from_secs(86_400);

/// The longest lifetime VoIPBIN can take for an access key: 2147483647 seconds (about 68 years).
/// The server converts `expire` to a 32-bit integer, so a longer one would silently wrap into a
/// short key; it is refused here instead.
pub const MAX_ACCESS_KEY_LIFETIME: Duration = Duration::from_secs(i32::MAX as u64);

/// How long before a JWT's expiry [`TokenSource`] logs in again, unless told otherwise.
pub const DEFAULT_RENEW_MARGIN: Duration = Duration::from_secs(60);

impl ErrorBody for ErrorResponse {
    fn code(&self) -> Option<String> {
        Some(self.error.status.clone())
    }
    fn message(&self) -> Option<String> {
        Some(self.error.message.clone())
    }
}

/// A VoIPBIN account's username and password, for [`VoipBin::login`].
#[derive(Clone, Debug)]
pub struct VoipBinCredentials {
    /// The username.
    pub username: String,
    /// The password.
    pub password: Secret,
}

impl VoipBinCredentials {
    /// Reads `VOIPBIN_USERNAME` and `VOIPBIN_PASSWORD`.
    pub fn from_env() -> Result<Self, Error> {
        Ok(Self {
            username: env::var(PROVIDER, "VOIPBIN_USERNAME")?,
            password: env::secret(PROVIDER, "VOIPBIN_PASSWORD")?,
        })
    }
}

/// How calls under `/v1.0` authenticate.
#[derive(Clone, Debug)]
pub enum VoipBinAuth {
    /// A JWT from [`VoipBin::login`], sent as `Authorization: Bearer <jwt>`.
    Jwt(Secret),
    /// An access key, sent as the cookie `accesskey=<key>`, which stays out of URL logs (never
    /// as a Bearer header, which VoIPBIN would parse as a JWT and reject). The generated
    /// [`telauth_voipbin::Credentials::accesskey_query`] sends it as `?accesskey=` instead.
    AccessKey(Secret),
}

impl VoipBinAuth {
    /// Reads `VOIPBIN_ACCESSKEY`, or else `VOIPBIN_TOKEN` (a JWT).
    pub fn from_env() -> Result<Self, Error> {
        env::secret(PROVIDER, "VOIPBIN_ACCESSKEY")
            .map(Self::AccessKey)
            .or_else(|_| env::secret(PROVIDER, "VOIPBIN_TOKEN").map(Self::Jwt))
            .map_err(|_| {
                Error::new(
                    PROVIDER,
                    "env",
                    ErrorKind::MissingEnv {
                        variable: "VOIPBIN_ACCESSKEY (or VOIPBIN_TOKEN)",
                    },
                )
            })
    }
}

/// A JWT and when it expires.
#[derive(Clone, Debug, Serialize)]
pub struct Jwt {
    /// The account's username.
    pub username: String,
    /// The token.
    pub token: Secret,
    /// When the token expires: its `exp` claim (serialized as Unix seconds).
    #[serde(serialize_with = "unix_seconds")]
    pub expires_at: SystemTime,
}

fn unix_seconds<S: Serializer>(time: &SystemTime, serializer: S) -> Result<S::Ok, S::Error> {
    let seconds = time
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or_default();
    serializer.serialize_u64(seconds)
}

/// The last `exp` accepted: 9999-12-31T23:59:59Z.
const LAST_EXP: f64 = 253_402_300_799.0;

/// When `token` (a JWT) expires, from its `exp` claim. A token that is not three base64url parts
/// with a JSON payload holding a numeric `exp` is an [`ErrorKind::InvalidToken`] error, which
/// never shows the token.
pub fn jwt_expiry(token: &Secret) -> Result<SystemTime, Error> {
    let invalid = |reason: &str| {
        Error::new(
            PROVIDER,
            "jwt",
            ErrorKind::InvalidToken {
                reason: reason.to_string(),
            },
        )
    };
    let parts: Vec<&str> = token.expose().split('.').collect();
    let [_, payload, _] = parts.as_slice() else {
        return Err(invalid("a JWT has three parts separated by dots"));
    };
    let payload = URL_SAFE_NO_PAD
        .decode(payload.trim_end_matches('='))
        .map_err(|_| invalid("its payload is not base64url"))?;
    let claims: serde_json::Value =
        serde_json::from_slice(&payload).map_err(|_| invalid("its payload is not JSON"))?;
    let exp = claims
        .get("exp")
        .and_then(serde_json::Value::as_f64)
        .filter(|exp| exp.is_finite() && *exp >= 0.0)
        .ok_or_else(|| invalid("its payload has no numeric `exp` claim"))?;
    if exp > LAST_EXP {
        return Err(invalid("its `exp` claim is after the year 9999"));
    }
    UNIX_EPOCH
        .checked_add(Duration::from_secs_f64(exp))
        .ok_or_else(|| invalid("its `exp` claim is out of range"))
}

/// A failed login as an [`Error`]. The spec documents a bare `400` for wrong credentials beside
/// the JSON `429` of the rate limiter; the generator leaves a bodiless status beside JSON ones to
/// `UnexpectedResponse`, so that `400` is put back as the documented error it is.
fn login_error(error: progenitor_client::Error<ErrorResponse>) -> Error {
    let error = from_client(PROVIDER, "auth_login", error);
    match error.kind() {
        ErrorKind::UnexpectedStatus { status: 400 } => Error::new(
            PROVIDER,
            "auth_login",
            ErrorKind::Api {
                status: 400,
                code: None,
                message: None,
            },
        ),
        _ => error,
    }
}

/// A VoIPBIN client.
#[derive(Clone, Debug)]
pub struct VoipBin {
    retry: Option<RetryPolicy>,
    base_url: String,
    http: reqwest::Client,
    allow_insecure_http: bool,
    public: Client,
    authorized: Option<Client>,
}

impl VoipBin {
    /// A client with `config` (by default, `https://api.voipbin.net`) that authenticates
    /// `/v1.0` calls with `auth`. Without `auth` it can only log in.
    pub fn new(config: &Config, auth: Option<VoipBinAuth>) -> Result<Self, Error> {
        let base_url = config.base_url(|| telauth_voipbin::BASE_URL.to_string(), "");
        let mut voipbin = Self {
            retry: config.retry_policy().cloned(),
            http: config.http_client(PROVIDER)?,
            allow_insecure_http: config.insecure_http_allowed(),
            public: Client::new(&base_url, Credentials::none()),
            authorized: None,
            base_url,
        };
        voipbin.public = voipbin.client(Credentials::none());
        Ok(match auth {
            Some(auth) => voipbin.with_auth(auth),
            None => voipbin,
        })
    }

    /// The same client, authenticating with `auth` instead; the connection pool is shared.
    pub fn with_auth(&self, auth: VoipBinAuth) -> Self {
        let credentials = match auth {
            VoipBinAuth::Jwt(jwt) => Credentials::bearer_auth(jwt),
            VoipBinAuth::AccessKey(key) => Credentials::accesskey_cookie(key),
        };
        Self {
            authorized: Some(self.client(credentials)),
            ..self.clone()
        }
    }

    fn client(&self, credentials: Credentials) -> Client {
        let credentials = if self.allow_insecure_http {
            credentials.allow_insecure_http()
        } else {
            credentials
        };
        Client::new_with_client(&self.base_url, self.http.clone(), credentials)
    }

    fn authorized(&self, operation: &'static str) -> Result<&Client, Error> {
        self.authorized.as_ref().ok_or_else(|| {
            Error::new(
                PROVIDER,
                operation,
                ErrorKind::InvalidInput {
                    reason: "this call needs a JWT or an access key; create the client with a \
                             VoipBinAuth"
                        .into(),
                },
            )
        })
    }

    /// Logs in for a JWT, and reads its expiry from the `exp` claim.
    pub async fn login(&self, credentials: &VoipBinCredentials) -> Result<Jwt, Error> {
        let login = self
            .public
            .auth_login()
            .body(LoginRequest {
                username: credentials.username.clone(),
                password: credentials.password.clone(),
            })
            .send()
            .await
            .map_err(login_error)?
            .into_inner();
        let expires_at = jwt_expiry(&login.token)
            .map_err(|error| Error::new(PROVIDER, "auth_login", error.kind().clone()))?;
        Ok(Jwt {
            username: login.username,
            token: login.token,
            expires_at,
        })
    }

    /// One page of access keys: `page_size` (the server caps it at 100) from `page_token` (the
    /// previous page's `next_page_token`). Retried as the [`Config::retry`] policy says.
    pub async fn list_access_keys(
        &self,
        page_size: Option<u32>,
        page_token: Option<&str>,
    ) -> Result<AccesskeyList, Error> {
        const OPERATION: &str = "accesskeys_list";
        let client = self.authorized(OPERATION)?;
        retrying(self.retry.as_ref(), true, || async {
            let mut request = client.accesskeys_list();
            if let Some(size) = page_size {
                request = request.page_size(i64::from(size));
            }
            if let Some(token) = page_token {
                request = request.page_token(token);
            }
            request
                .send()
                .await
                .map(|page| page.into_inner())
                .map_err(|error| from_client(PROVIDER, OPERATION, error))
        })
        .await
    }

    /// Every access key, following `next_page_token` until a page ends the list (an empty or
    /// absent token, a token seen before, or a page with no key).
    pub async fn all_access_keys(&self, page_size: Option<u32>) -> Result<Vec<Accesskey>, Error> {
        let mut keys = Vec::new();
        let mut seen = Vec::new();
        let mut token: Option<String> = None;
        loop {
            let page = self.list_access_keys(page_size, token.as_deref()).await?;
            if page.result.is_empty() {
                return Ok(keys);
            }
            keys.extend(page.result);
            match page.next_page_token.filter(|next| !next.is_empty()) {
                Some(next) if !seen.contains(&next) => {
                    seen.push(next.clone());
                    token = Some(next);
                }
                _ => return Ok(keys),
            }
        }
    }

    /// Creates an access key that lives `lifetime`, from [`MIN_ACCESS_KEY_LIFETIME`] to
    /// [`MAX_ACCESS_KEY_LIFETIME`] (outside that range it is refused here, before anything is
    /// sent). The answer is the only one that carries the key's `token`.
    pub async fn create_access_key(
        &self,
        lifetime: Duration,
        name: Option<&str>,
        detail: Option<&str>,
    ) -> Result<Accesskey, Error> {
        const OPERATION: &str = "accesskeys_create";
        let refuse = |reason: String| {
            Err(Error::new(
                PROVIDER,
                OPERATION,
                ErrorKind::InvalidInput { reason },
            ))
        };
        if lifetime < MIN_ACCESS_KEY_LIFETIME {
            return refuse(format!(
                "an access key must live at least 86400 seconds (one day), not {}",
                lifetime.as_secs()
            ));
        }
        if lifetime > MAX_ACCESS_KEY_LIFETIME {
            return refuse(format!(
                "an access key can live at most 2147483647 seconds (VoIPBIN stores the lifetime \
                 as a 32-bit integer and would wrap a larger one into a short key), not {}",
                lifetime.as_secs()
            ));
        }
        let expire = lifetime.as_secs() as i64;
        self.authorized(OPERATION)?
            .accesskeys_create()
            .body(AccesskeyCreate {
                name: name.map(str::to_string),
                detail: detail.map(str::to_string),
                expire,
            })
            .send()
            .await
            .map(|key| key.into_inner())
            .map_err(|error| from_client(PROVIDER, OPERATION, error))
    }

    /// One access key (without its token). Retried as the [`Config::retry`] policy says.
    pub async fn get_access_key(&self, id: Uuid) -> Result<Accesskey, Error> {
        const OPERATION: &str = "accesskeys_get";
        let client = self.authorized(OPERATION)?;
        retrying(self.retry.as_ref(), true, || async {
            client
                .accesskeys_get()
                .id(id)
                .send()
                .await
                .map(|key| key.into_inner())
                .map_err(|error| from_client(PROVIDER, OPERATION, error))
        })
        .await
    }

    /// Changes an access key's name or detail; `None` keeps it as it is (`Some("")` clears it).
    ///
    /// VoIPBIN's `PUT` replaces both fields, so when one is `None` the key is read first and
    /// its current value sent along: nothing is cleared that was not asked to be. Giving
    /// neither is refused here, before anything is sent. Each request is retried as the
    /// [`Config::retry`] policy says (a PUT is idempotent).
    pub async fn update_access_key(
        &self,
        id: Uuid,
        name: Option<&str>,
        detail: Option<&str>,
    ) -> Result<Accesskey, Error> {
        const OPERATION: &str = "accesskeys_update";
        let client = self.authorized(OPERATION)?;
        let (name, detail) = match (name, detail) {
            (None, None) => {
                return Err(Error::new(
                    PROVIDER,
                    OPERATION,
                    ErrorKind::InvalidInput {
                        reason: "give a new name or a new detail (or both)".into(),
                    },
                ));
            }
            (Some(name), Some(detail)) => (Some(name.to_string()), Some(detail.to_string())),
            (name, detail) => {
                let current = self.get_access_key(id).await?;
                (
                    name.map(str::to_string).or(current.name),
                    detail.map(str::to_string).or(current.detail),
                )
            }
        };
        retrying(self.retry.as_ref(), true, || async {
            client
                .accesskeys_update()
                .id(id)
                .body(AccesskeyUpdate {
                    name: name.clone(),
                    detail: detail.clone(),
                })
                .send()
                .await
                .map(|key| key.into_inner())
                .map_err(|error| from_client(PROVIDER, OPERATION, error))
        })
        .await
    }

    /// Deletes an access key; answers it as deleted. Retried as the [`Config::retry`] policy
    /// says.
    pub async fn delete_access_key(&self, id: Uuid) -> Result<Accesskey, Error> {
        const OPERATION: &str = "accesskeys_delete";
        let client = self.authorized(OPERATION)?;
        retrying(self.retry.as_ref(), true, || async {
            client
                .accesskeys_delete()
                .id(id)
                .send()
                .await
                .map(|key| key.into_inner())
                .map_err(|error| from_client(PROVIDER, OPERATION, error))
        })
        .await
    }
}

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

#[cfg(test)]
mod tests {
    use super::*;

    fn jwt(payload: &str) -> Secret {
        Secret::new(format!(
            "eyJhbGciOiJIUzI1NiJ9.{}.c2ln",
            URL_SAFE_NO_PAD.encode(payload)
        ))
    }

    #[test]
    fn expiry_comes_from_the_exp_claim() {
        let expiry = jwt_expiry(&jwt(r#"{"sub":"me","exp":1700000000}"#)).unwrap();
        assert_eq!(expiry, UNIX_EPOCH + Duration::from_secs(1_700_000_000));
    }

    #[test]
    fn malformed_tokens_are_errors_that_do_not_show_the_token() {
        let cases = [
            Secret::from("sentinel-no-dots"),
            Secret::from("a.sentinel!!!.c"),
            Secret::new(format!(
                "a.{}.c",
                URL_SAFE_NO_PAD.encode("sentinel not json")
            )),
            jwt(r#"{"sentinel":1}"#),
            jwt(r#"{"exp":"sentinel"}"#),
            jwt(r#"{"exp":-5}"#),
        ];
        for token in cases {
            let error = jwt_expiry(&token).unwrap_err();
            assert!(matches!(error.kind(), ErrorKind::InvalidToken { .. }));
            assert!(
                !format!("{error} {error:?}").contains("sentinel"),
                "{error}"
            );
        }
    }
}
