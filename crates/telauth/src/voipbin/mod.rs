//! VoIPBIN: log in for a JWT valid 7 days, keep one fresh with [`TokenSource`], and manage
//! access keys.
//!
//! Calls under `/v1.0` present a JWT as `Authorization: Bearer`, or an access key as the cookie
//! `accesskey` — a cookie, unlike `?accesskey=`, stays out of proxy and server logs, and VoIPBIN
//! never accepts an access key as a Bearer header.

mod jwt;
mod paging;
mod token_source;

use std::time::{Duration, SystemTime};

use telauth_runtime::Secret;
use telauth_voipbin::types::{
    Accesskey, AccesskeyCreate, AccesskeyList, AccesskeyUpdate, ErrorResponse, LoginRequest,
};
use telauth_voipbin::{Client, Credentials};
use uuid::Uuid;

use crate::connection::{Connection, call, generated_client};
use crate::env;
use crate::error::{ErrorBody, from_client};
use crate::{Config, Error, ErrorKind, Provider};

pub use jwt::{Jwt, jwt_expiry};
pub use paging::{EndlessList, MAX_ACCESS_KEY_PAGES};
pub use telauth_voipbin::types;
pub use token_source::{
    DEFAULT_RENEW_MARGIN, FAILED_LOGIN_BACKOFF, MAX_LOGIN_BACKOFF, MIN_REUSE,
    REFUSED_LOGIN_BACKOFF, TokenSource,
};

const PROVIDER: Provider = Provider::VoipBin;

generated_client!(telauth_voipbin);

/// The shortest lifetime VoIPBIN accepts for an access key: one day.
pub const MIN_ACCESS_KEY_LIFETIME: Duration = Duration::from_secs(86_400);

/// The longest lifetime VoIPBIN can take for an access key: 2147483647 seconds (about 68 years).
/// The server converts `expire` to a 32-bit integer, so a longer one would silently wrap into a
/// short key; it is refused here instead.
pub const MAX_ACCESS_KEY_LIFETIME: Duration = Duration::from_secs(i32::MAX as u64);

impl ErrorBody for ErrorResponse {
    fn code(&self) -> Option<String> {
        Some(self.error.status.to_string())
    }
    fn message(&self) -> Option<String> {
        Some(self.error.message.clone())
    }
    fn request_id(&self) -> Option<String> {
        Some(self.error.request_id.clone())
    }
    fn reason(&self) -> Option<String> {
        Some(self.error.reason.clone())
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
    ///
    /// # Examples
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), telauth::Error> {
    /// use telauth::Config;
    /// use telauth::voipbin::{VoipBin, VoipBinCredentials};
    ///
    /// // VOIPBIN_USERNAME and VOIPBIN_PASSWORD.
    /// let credentials = VoipBinCredentials::from_env()?;
    /// let jwt = VoipBin::new(&Config::new(), None)?.login(&credentials).await?;
    /// println!("logged in as {}", jwt.username);
    /// # Ok(()) }
    /// ```
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
    ///
    /// # Examples
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), telauth::Error> {
    /// use telauth::Config;
    /// use telauth::voipbin::{VoipBin, VoipBinAuth};
    ///
    /// // An access key from VOIPBIN_ACCESSKEY, or else a JWT from VOIPBIN_TOKEN.
    /// let api = VoipBin::new(&Config::new(), Some(VoipBinAuth::from_env()?))?;
    /// println!("{} access keys", api.all_access_keys(Some(100)).await?.len());
    /// # Ok(()) }
    /// ```
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

/// A failed login as an [`Error`]. The spec documents a bare `400` for wrong credentials beside
/// the JSON `429` of the rate limiter; the generator leaves a bodiless status beside JSON ones to
/// `UnexpectedResponse`, so that `400` is put back as the documented error it is.
fn login_error(error: Error) -> Error {
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
    connection: Connection,
    public: Client,
    authorized: Option<Client>,
}

impl VoipBin {
    /// A client with `config` (by default, `https://api.voipbin.net`) that authenticates
    /// `/v1.0` calls with `auth`. Without `auth` it can only log in.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[tokio::main]
    /// # async fn main() -> Result<(), telauth::Error> {
    /// use telauth::voipbin::{VoipBin, VoipBinAuth};
    /// use telauth::{Config, Secret};
    ///
    /// let api = VoipBin::new(&Config::new(), Some(VoipBinAuth::AccessKey(Secret::from("…"))))?;
    /// // Without auth it can only log in: other calls are refused before anything is sent.
    /// let login_only = VoipBin::new(&Config::new(), None)?;
    /// let error = login_only.list_access_keys(None, None).await.unwrap_err();
    /// assert!(error.is_local());
    /// # Ok(()) }
    /// ```
    pub fn new(config: &Config, auth: Option<VoipBinAuth>) -> Result<Self, Error> {
        let connection = Connection::new(
            config,
            PROVIDER,
            || telauth_voipbin::BASE_URL.into(),
            telauth_voipbin::API_PATH,
        )?;
        let voipbin = Self {
            public: connection.client(Credentials::none()),
            authorized: None,
            connection,
        };
        Ok(match auth {
            Some(auth) => voipbin.with_auth(auth),
            None => voipbin,
        })
    }

    /// A client from the environment: the origin in `TELAUTH_VOIPBIN_ORIGIN` when set (see
    /// [`Config::from_env`]), authenticated with `VOIPBIN_ACCESSKEY` or else `VOIPBIN_TOKEN`
    /// ([`VoipBinAuth::from_env`]), or only able to log in when neither is set.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), telauth::Error> {
    /// use telauth::voipbin::VoipBin;
    ///
    /// // TELAUTH_VOIPBIN_ORIGIN when set; VOIPBIN_ACCESSKEY or VOIPBIN_TOKEN to authenticate.
    /// let api = VoipBin::from_env()?;
    /// for key in api.all_access_keys(Some(100)).await? {
    ///     println!("{} {:?} expires {:?}", key.id, key.name, key.tm_expire);
    /// }
    /// # Ok(()) }
    /// ```
    pub fn from_env() -> Result<Self, Error> {
        Self::new(&Config::from_env(PROVIDER), VoipBinAuth::from_env().ok())
    }

    /// The same client, authenticating with `auth` instead; the connection pool is shared.
    ///
    /// # Examples
    ///
    /// ```
    /// use telauth::voipbin::{VoipBin, VoipBinAuth};
    /// use telauth::{Config, Secret};
    ///
    /// let voipbin = VoipBin::new(&Config::new(), None)?;
    /// let with_key = voipbin.with_auth(VoipBinAuth::AccessKey(Secret::from("ak-s3cr3t")));
    /// // Its `Debug` never shows the key.
    /// assert!(!format!("{with_key:?}").contains("ak-s3cr3t"));
    /// # Ok::<(), telauth::Error>(())
    /// ```
    pub fn with_auth(&self, auth: VoipBinAuth) -> Self {
        let credentials = match auth {
            VoipBinAuth::Jwt(jwt) => Credentials::bearer_auth(jwt),
            VoipBinAuth::AccessKey(key) => Credentials::accesskey_cookie(key),
        };
        Self {
            authorized: Some(self.connection.client(credentials)),
            ..self.clone()
        }
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
    ///
    /// # Examples
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), telauth::Error> {
    /// use std::time::SystemTime;
    /// use telauth::Config;
    /// use telauth::voipbin::{VoipBin, VoipBinAuth, VoipBinCredentials};
    ///
    /// let voipbin = VoipBin::new(&Config::new(), None)?;
    /// let jwt = voipbin.login(&VoipBinCredentials::from_env()?).await?;
    /// let left = jwt.expires_at.duration_since(SystemTime::now()).unwrap_or_default();
    /// println!("{} for {} hours", jwt.username, left.as_secs() / 3600);
    /// // `TokenSource` logs in again before the JWT expires; this client keeps it as it is.
    /// let api = voipbin.with_auth(VoipBinAuth::Jwt(jwt.token));
    /// # Ok(()) }
    /// ```
    pub async fn login(&self, credentials: &VoipBinCredentials) -> Result<Jwt, Error> {
        self.login_timed(credentials).await.map(|(jwt, _)| jwt)
    }

    /// Logs in; answers the JWT and its lifetime: `exp - iat`, else `exp` minus the answer's
    /// `Date`, else `exp` by this host's clock (zero when that is past). The first two do not
    /// depend on this host's clock agreeing with the provider's.
    pub(crate) async fn login_timed(
        &self,
        credentials: &VoipBinCredentials,
    ) -> Result<(Jwt, Duration), Error> {
        let request = self.public.auth_login().body(
            LoginRequest::builder()
                .username(credentials.username.clone())
                .password(credentials.password.clone()),
        );
        let response = request
            .send()
            .await
            .map_err(|error| login_error(from_client(PROVIDER, "auth_login", error)))?;
        let date = response
            .headers()
            .get(reqwest::header::DATE)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| httpdate::parse_http_date(value).ok());
        let login = response.into_inner();
        let times = jwt::times(&login.token)
            .map_err(|error| Error::new(PROVIDER, "auth_login", error.kind().clone()))?;
        let lifetime = times
            .expires_at
            .duration_since(times.issued_at.or(date).unwrap_or_else(SystemTime::now))
            .unwrap_or_default();
        let jwt = Jwt {
            username: login.username,
            token: login.token,
            expires_at: times.expires_at,
        };
        Ok((jwt, lifetime))
    }

    /// One page of access keys: `page_size` (the server caps it at 100) from `page_token` (the
    /// previous page's `next_page_token`). Retried as the [`Config::retry`] policy says.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), telauth::Error> {
    /// use telauth::voipbin::VoipBin;
    ///
    /// let api = VoipBin::from_env()?;
    /// let page = api.list_access_keys(Some(50), None).await?;
    /// for key in &page.result {
    ///     println!("{} {:?}", key.id, key.name);
    /// }
    /// // The next page, when there is one; `all_access_keys` follows every page for you.
    /// if let Some(next) = page.next_page_token.as_deref().filter(|next| !next.is_empty()) {
    ///     let second = api.list_access_keys(Some(50), Some(next)).await?;
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn list_access_keys(
        &self,
        page_size: Option<u32>,
        page_token: Option<&str>,
    ) -> Result<AccesskeyList, Error> {
        const OPERATION: &str = "accesskeys_list";
        let client = self.authorized(OPERATION)?;
        self.connection
            .retrying(OPERATION, true, || async {
                let mut request = client.accesskeys_list();
                if let Some(size) = page_size {
                    request = request.page_size(i64::from(size));
                }
                if let Some(token) = page_token {
                    request = request.page_token(token);
                }
                call(PROVIDER, OPERATION, request.send()).await
            })
            .await
    }

    /// Every access key, following `next_page_token` until a page ends the list: an empty or
    /// absent token, or a page with no key.
    ///
    /// A list that does not end is an [`ErrorKind::InvalidResponse`] whose source is an
    /// [`EndlessList`]: a page token seen before (following it would loop), or more pages than
    /// [`MAX_ACCESS_KEY_PAGES`]. The [`Config::deadline`] bounds the whole walk, and the
    /// [`Config::retry`] policy each page.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), telauth::Error> {
    /// use telauth::voipbin::VoipBin;
    ///
    /// let api = VoipBin::from_env()?;
    /// let keys = api.all_access_keys(Some(100)).await?;
    /// // Listed keys carry no token.
    /// for key in keys.iter().filter(|key| key.name.as_deref() == Some("ci")) {
    ///     println!("{} expires {:?}", key.id, key.tm_expire);
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn all_access_keys(&self, page_size: Option<u32>) -> Result<Vec<Accesskey>, Error> {
        const OPERATION: &str = "accesskeys_list";
        let endless = |why: EndlessList| {
            Error::new(
                PROVIDER,
                OPERATION,
                ErrorKind::InvalidResponse {
                    reason: why.to_string(),
                },
            )
            .with_source(why)
        };
        let walk = async {
            let mut keys = Vec::new();
            let mut seen = std::collections::HashSet::new();
            let mut token: Option<String> = None;
            for page in 1..=MAX_ACCESS_KEY_PAGES {
                let answer = self.list_access_keys(page_size, token.as_deref()).await?;
                if answer.result.is_empty() {
                    return Ok(keys);
                }
                keys.extend(answer.result);
                match answer.next_page_token.filter(|next| !next.is_empty()) {
                    None => return Ok(keys),
                    Some(next) if !seen.insert(next.clone()) => {
                        return Err(endless(EndlessList::RepeatedPageToken { page }));
                    }
                    Some(next) => token = Some(next),
                }
            }
            Err(endless(EndlessList::TooManyPages {
                limit: MAX_ACCESS_KEY_PAGES,
            }))
        };
        self.connection.within_deadline(OPERATION, walk).await
    }

    /// Creates an access key that lives `lifetime`, from [`MIN_ACCESS_KEY_LIFETIME`] to
    /// [`MAX_ACCESS_KEY_LIFETIME`] (outside that range it is refused here, before anything is
    /// sent). The answer is the only one that carries the key's `token`.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), telauth::Error> {
    /// use std::time::Duration;
    /// use telauth::voipbin::{VoipBin, VoipBinAuth};
    ///
    /// let api = VoipBin::from_env()?;
    /// let lifetime = Duration::from_secs(90 * 86_400);
    /// let key = api.create_access_key(lifetime, Some("ci"), Some("deploys")).await?;
    /// // Only this answer carries the key's token: keep it now, no later call shows it.
    /// if let Some(token) = key.token {
    ///     let ci = api.with_auth(VoipBinAuth::AccessKey(token));
    /// }
    /// # Ok(()) }
    /// ```
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
        let request = self.authorized(OPERATION)?.accesskeys_create().body(
            AccesskeyCreate::builder()
                .name(name.map(str::to_string))
                .detail(detail.map(str::to_string))
                .expire(expire),
        );
        call(PROVIDER, OPERATION, request.send()).await
    }

    /// One access key (without its token). Retried as the [`Config::retry`] policy says.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
    /// use telauth::voipbin::VoipBin;
    ///
    /// let api = VoipBin::from_env()?;
    /// let key = api.get_access_key("5e0ed5b0-8d2c-4b8f-a5d3-1c6f0e9a7b21".parse()?).await?;
    /// println!("{:?} expires {:?}", key.name, key.tm_expire); // `key.token` is `None`
    /// # Ok(()) }
    /// ```
    pub async fn get_access_key(&self, id: Uuid) -> Result<Accesskey, Error> {
        const OPERATION: &str = "accesskeys_get";
        let client = self.authorized(OPERATION)?;
        self.connection
            .retrying(OPERATION, true, || {
                call(PROVIDER, OPERATION, client.accesskeys_get().id(id).send())
            })
            .await
    }

    /// Changes an access key's name or detail; `None` keeps it as it is (`Some("")` clears it).
    ///
    /// VoIPBIN's `PUT` replaces both fields, so when one is `None` the key is read first and
    /// its current value sent along: nothing is cleared that was not asked to be. Giving
    /// neither is refused here, before anything is sent. Each request is retried as the
    /// [`Config::retry`] policy says (a PUT is idempotent).
    ///
    /// # Examples
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
    /// use telauth::voipbin::VoipBin;
    ///
    /// let api = VoipBin::from_env()?;
    /// let id = "5e0ed5b0-8d2c-4b8f-a5d3-1c6f0e9a7b21".parse()?;
    /// // Renames the key; its detail is read first and kept.
    /// let key = api.update_access_key(id, Some("ci-old"), None).await?;
    /// println!("{:?} {:?}", key.name, key.detail); // Some("ci-old") and the detail as it was
    /// // Clears the detail; the name is kept.
    /// api.update_access_key(id, None, Some("")).await?;
    /// # Ok(()) }
    /// ```
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
        self.connection
            .retrying(OPERATION, true, || {
                let request = client.accesskeys_update().id(id).body(
                    AccesskeyUpdate::builder()
                        .name(name.clone())
                        .detail(detail.clone()),
                );
                call(PROVIDER, OPERATION, request.send())
            })
            .await
    }

    /// Deletes an access key; answers it as deleted. Retried as the [`Config::retry`] policy
    /// says.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
    /// use telauth::voipbin::VoipBin;
    ///
    /// let api = VoipBin::from_env()?;
    /// let id = "5e0ed5b0-8d2c-4b8f-a5d3-1c6f0e9a7b21".parse()?;
    /// // Whatever still presents this key's token is refused from now on.
    /// let deleted = api.delete_access_key(id).await?;
    /// println!("deleted {} at {:?}", deleted.id, deleted.tm_delete);
    /// # Ok(()) }
    /// ```
    pub async fn delete_access_key(&self, id: Uuid) -> Result<Accesskey, Error> {
        const OPERATION: &str = "accesskeys_delete";
        let client = self.authorized(OPERATION)?;
        self.connection
            .retrying(OPERATION, true, || {
                call(
                    PROVIDER,
                    OPERATION,
                    client.accesskeys_delete().id(id).send(),
                )
            })
            .await
    }
}
