//! VoIPBIN: log in for a JWT valid 7 days, keep one fresh with [`TokenSource`], and manage
//! access keys.
//!
//! Calls under `/v1.0` present a JWT as `Authorization: Bearer`, or an access key as the cookie
//! `accesskey` — a cookie, unlike `?accesskey=`, stays out of proxy and server logs, and VoIPBIN
//! never accepts an access key as a Bearer header.

mod authorize;
mod jwt;
mod paging;
mod times;
mod token_source;

use std::time::{Duration, SystemTime};

use telauth_runtime::Secret;
use telauth_voipbin::types::ErrorResponse;
use telauth_voipbin::{Client, Credentials, operations};
use uuid::Uuid;

use crate::connection::{Connection, generated_client};
use crate::env::Reader;
use crate::error::ErrorBody;
use crate::{Config, Error, ErrorKind, Provider, Vars};

use jwt::Issued;
pub use jwt::Jwt;
pub use paging::{EndlessList, MAX_ACCESS_KEY_PAGES};
/// The API's path below the origin, from the spec's `servers`.
pub use telauth_voipbin::API_PATH;
pub use telauth_voipbin::types;
pub use times::AccessKeyTimes;
pub use token_source::{
    DEFAULT_RENEW_MARGIN, FAILED_LOGIN_BACKOFF, MAX_LOGIN_BACKOFF, MIN_REUSE,
    REFUSED_LOGIN_BACKOFF, TokenSource,
};

/// An access key as VoIPBIN answers it: the generated [`types::Accesskey`], named as the
/// facade's methods name it. Its times are text; [`AccessKeyTimes`] reads them.
pub type AccessKey = types::Accesskey;

/// A page of access keys: the generated [`types::AccesskeyList`].
pub type AccessKeyList = types::AccesskeyList;

const PROVIDER: Provider = Provider::VoipBin;

generated_client!(telauth_voipbin);

/// The shortest lifetime VoIPBIN accepts for an access key: one day.
pub const MIN_ACCESS_KEY_LIFETIME: Duration = Duration::from_secs(86_400);

/// The longest lifetime VoIPBIN can take for an access key: 2147483647 seconds (about 68 years).
/// The server converts `expire` to a 32-bit integer, so a longer one would silently wrap into a
/// short key; it is refused here instead.
pub const MAX_ACCESS_KEY_LIFETIME: Duration = Duration::from_secs(i32::MAX as u64);

/// What the error of a login refused by VoIPBIN says: VoIPBIN answers a bare `400`, with no
/// code or message, for a wrong username or password.
pub(crate) const REFUSED_LOGIN_HINT: &str = "VoIPBIN answers a bare 400, with no code or \
                                             message, when the username or password is wrong";

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

/// A VoIPBIN account's username and password, for [`VoipBin::login`] and [`TokenSource`].
#[derive(Clone, Debug)]
pub struct VoipBinAccount {
    /// The username.
    pub username: String,
    /// The password.
    pub password: Secret,
}

impl VoipBinAccount {
    /// Reads `VOIPBIN_USERNAME` and `VOIPBIN_PASSWORD` from `vars`, both required; an error
    /// names every one that is missing.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// use telauth::Vars;
    /// use telauth::voipbin::VoipBinAccount;
    ///
    /// // The sandbox's demo account, as the SDK's own type.
    /// let sandbox = telauth_sandbox::Sandbox::start("127.0.0.1:0".parse()?).await?;
    /// let account = VoipBinAccount::from_vars(&Vars::from_iter(sandbox.info().env_vars()))?;
    /// assert_eq!(account.username, sandbox.info().voipbin.username);
    /// # sandbox.stop().await;
    /// # Ok(()) }
    /// ```
    pub fn from_vars(vars: &Vars) -> Result<Self, Error> {
        let mut read = Reader::new(vars, PROVIDER);
        let username = read.required("VOIPBIN_USERNAME");
        let password = read.secret("VOIPBIN_PASSWORD");
        read.finish()?;
        Ok(Self { username, password })
    }
}

/// What authorizes a VoIPBIN client's calls under `/v1.0`.
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
    /// Reads `VOIPBIN_ACCESSKEY`, or else `VOIPBIN_TOKEN` (a JWT); one of them is required.
    ///
    /// # Examples
    ///
    /// ```
    /// use telauth::Vars;
    /// use telauth::voipbin::VoipBinAuth;
    ///
    /// let auth = VoipBinAuth::from_vars(&Vars::from_iter([("VOIPBIN_TOKEN", "eyJ…")]))?;
    /// assert!(matches!(auth, VoipBinAuth::Jwt(_)));
    /// let error = VoipBinAuth::from_vars(&Vars::from_iter([("HOME", "/root")])).unwrap_err();
    /// assert!(error.to_string().ends_with("VOIPBIN_ACCESSKEY or VOIPBIN_TOKEN is not set"));
    /// # Ok::<(), telauth::Error>(())
    /// ```
    pub fn from_vars(vars: &Vars) -> Result<Self, Error> {
        match (vars.get("VOIPBIN_ACCESSKEY"), vars.get("VOIPBIN_TOKEN")) {
            (Some(key), _) => Ok(Self::AccessKey(Secret::from(key))),
            (None, Some(jwt)) => Ok(Self::Jwt(Secret::from(jwt))),
            (None, None) => Err(Error::missing_env(
                PROVIDER,
                vec!["VOIPBIN_ACCESSKEY or VOIPBIN_TOKEN"],
            )),
        }
    }

    /// When the credential expires, when it says: a JWT's `exp` claim (the same time as the
    /// [`Jwt::expires_at`] of the login that gave it); `None` for an access key, whose expiry
    /// only VoIPBIN knows ([`AccessKeyTimes::expires_at`] of the key it answers).
    ///
    /// # Errors
    ///
    /// A JWT that is not three base64url parts with a JSON payload holding a numeric `exp` is an
    /// [`ErrorKind::InvalidToken`] error, which never shows the token.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::{Duration, UNIX_EPOCH};
    /// use telauth::voipbin::VoipBinAuth;
    /// use telauth::{ErrorKind, Secret};
    ///
    /// // An unsigned JWT: {"alg":"none"} . {"sub":"ops","exp":1700000000} . no signature.
    /// let jwt = Secret::from("eyJhbGciOiJub25lIn0.eyJzdWIiOiJvcHMiLCJleHAiOjE3MDAwMDAwMDB9.");
    /// let expected = UNIX_EPOCH + Duration::from_secs(1_700_000_000);
    /// assert_eq!(VoipBinAuth::Jwt(jwt).expires_at()?, Some(expected));
    /// assert_eq!(VoipBinAuth::AccessKey(Secret::from("vb_s3cr3t")).expires_at()?, None);
    /// let error = VoipBinAuth::Jwt(Secret::from("not-a-jwt")).expires_at().unwrap_err();
    /// assert!(matches!(error.kind(), ErrorKind::InvalidToken { .. }));
    /// assert!(!error.to_string().contains("not-a-jwt"));
    /// # Ok::<(), telauth::Error>(())
    /// ```
    pub fn expires_at(&self) -> Result<Option<SystemTime>, Error> {
        match self {
            Self::Jwt(token) => jwt::times(token).map(|times| Some(times.expires_at)),
            Self::AccessKey(_) => Ok(None),
        }
    }
}

/// A failed login as an [`Error`]. VoIPBIN answers a bare `400` for wrong credentials
/// (`lib/service/auth.go`), beside the JSON `429` of the rate limiter; the generator leaves a
/// bodiless status beside JSON ones to `UnexpectedResponse`, so that `400` is put back as the
/// documented error it is, counted as refused credentials and with a hint that says so.
fn login_error(error: Error) -> Error {
    match error.kind() {
        ErrorKind::UnexpectedStatus { status: 400 } | ErrorKind::Api { status: 400, .. } => {
            Error::new(
                PROVIDER,
                operations::AUTH_LOGIN,
                ErrorKind::Api {
                    status: 400,
                    code: None,
                    message: None,
                },
            )
            .with_credentials_refused()
            .with_hint(REFUSED_LOGIN_HINT)
        }
        _ => error,
    }
}

/// A new access key: what [`VoipBin::create_access_key`] answers, the only answer that carries
/// the key's token.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct NewAccessKey {
    /// The key as VoIPBIN answered it, its `token` taken out into [`NewAccessKey::token`].
    pub key: AccessKey,
    /// The key's secret (`vb_...`), to present as [`VoipBinAuth::AccessKey`].
    pub token: Secret,
}

/// A VoIPBIN client.
///
/// It holds the credential its `/v1.0` calls present, given when it is built
/// ([`VoipBin::new`], [`VoipBin::from_vars`], [`VoipBin::with_auth`], or
/// [`TokenSource::client`] for a JWT that renews itself); the username and password go to
/// [`VoipBin::login`] alone, which any client can make.
#[derive(Clone, Debug)]
pub struct VoipBin {
    connection: Connection,
    public: Client,
    authorized: Option<Client>,
    auth: Option<VoipBinAuth>,
}

impl VoipBin {
    /// A client with `config` (by default, `https://api.voipbin.net`) that authenticates
    /// `/v1.0` calls with `auth`.
    ///
    /// # Examples
    ///
    /// ```
    /// use telauth::voipbin::{VoipBin, VoipBinAuth};
    /// use telauth::{Config, Secret};
    ///
    /// let api = VoipBin::new(&Config::new(), &VoipBinAuth::AccessKey(Secret::from("ak-s3cr3t")))?;
    /// // Its `Debug` never shows the key.
    /// assert!(!format!("{api:?}").contains("ak-s3cr3t"));
    /// # Ok::<(), telauth::Error>(())
    /// ```
    pub fn new(config: &Config, auth: &VoipBinAuth) -> Result<Self, Error> {
        Ok(Self::login_only(config)?.with_auth(auth))
    }

    /// A client with `config` that holds no credential: it can [`VoipBin::login`], and serve a
    /// [`TokenSource`]; its other calls are refused before anything is sent.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[tokio::main]
    /// # async fn main() -> Result<(), telauth::Error> {
    /// use telauth::Config;
    /// use telauth::voipbin::VoipBin;
    ///
    /// let login_only = VoipBin::login_only(&Config::new())?;
    /// let error = login_only.list_access_keys(None, None).await.unwrap_err();
    /// assert!(error.is_local());
    /// # Ok(()) }
    /// ```
    pub fn login_only(config: &Config) -> Result<Self, Error> {
        let connection = Connection::new(
            config,
            PROVIDER,
            || telauth_voipbin::BASE_URL.into(),
            telauth_voipbin::API_PATH,
        )?;
        Ok(Self {
            public: connection.client(Credentials::none()),
            authorized: None,
            auth: None,
            connection,
        })
    }

    /// A client with `config`, its origin from `TELAUTH_VOIPBIN_ORIGIN` in `vars` when `config`
    /// sets none, authenticated with `VOIPBIN_ACCESSKEY` or else `VOIPBIN_TOKEN`
    /// ([`VoipBinAuth::from_vars`]), one of which is required. With a username and password
    /// instead, [`TokenSource::from_vars`] logs in and renews the JWT.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), telauth::Error> {
    /// use telauth::voipbin::{AccessKeyTimes, VoipBin};
    /// use telauth::{Config, Vars};
    ///
    /// let api = VoipBin::from_vars(&Vars::process(), &Config::new().user_agent_suffix("ops/1"))?;
    /// for key in api.all_access_keys(Some(100)).await? {
    ///     println!("{} {:?} expires {:?}", key.id, key.name, key.expires_at());
    /// }
    /// # Ok(()) }
    /// ```
    pub fn from_vars(vars: &Vars, config: &Config) -> Result<Self, Error> {
        let auth = VoipBinAuth::from_vars(vars).map_err(|error| {
            error.with_hint(
                "with VOIPBIN_USERNAME and VOIPBIN_PASSWORD instead, TokenSource::from_vars logs in",
            )
        })?;
        Self::new(&config.or_origin_from(PROVIDER, vars), &auth)
    }

    /// The same client, authenticating with `auth` instead; the connection pool is shared.
    pub fn with_auth(&self, auth: &VoipBinAuth) -> Self {
        let credentials = match auth.clone() {
            VoipBinAuth::Jwt(jwt) => Credentials::bearer_auth(jwt),
            VoipBinAuth::AccessKey(key) => Credentials::accesskey_cookie(key),
        };
        Self {
            authorized: Some(self.connection.client(credentials)),
            auth: Some(auth.clone()),
            ..self.clone()
        }
    }

    fn authorized(&self, operation: &'static str) -> Result<&Client, Error> {
        self.authorized.as_ref().ok_or_else(|| {
            Error::invalid_input(
                PROVIDER,
                operation,
                "this call needs a JWT or an access key; build the client with VoipBin::new \
                 (or TokenSource::client), not VoipBin::login_only",
            )
        })
    }

    /// Logs in for a JWT, and reads its expiry from the `exp` claim.
    ///
    /// # Errors
    ///
    /// A wrong username or password is VoIPBIN's bare `400`, with no code or message: the
    /// error is [`ErrorKind::Api`] with status 400, [`Error::is_credentials_refused`] is true,
    /// and its [`Error::hint`] (the end of its `Display`) says what the `400` means. A `429`
    /// keeps its `Retry-After`.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), telauth::Error> {
    /// use std::time::SystemTime;
    /// use telauth::{Config, Vars};
    /// use telauth::voipbin::{VoipBin, VoipBinAuth, VoipBinAccount};
    ///
    /// let voipbin = VoipBin::login_only(&Config::new())?;
    /// let jwt = voipbin.login(&VoipBinAccount::from_vars(&Vars::process())?).await?;
    /// let left = jwt.expires_at.duration_since(SystemTime::now()).unwrap_or_default();
    /// println!("{} for {} hours", jwt.username, left.as_secs() / 3600);
    /// // `TokenSource` logs in again before the JWT expires; this client keeps it as it is.
    /// let api = voipbin.with_auth(&VoipBinAuth::Jwt(jwt.token));
    /// # Ok(()) }
    /// ```
    pub async fn login(&self, account: &VoipBinAccount) -> Result<Jwt, Error> {
        let answer = self.login_request(account).send().await;
        let login = self
            .connection
            .call(operations::AUTH_LOGIN, answer)
            .map_err(login_error)?;
        jwt::read(login).map(|(jwt, _)| jwt)
    }

    /// Logs in; answers the JWT and when it was issued, from which [`Issued::lifetime`] tells
    /// how long it lasts. [`VoipBin::login`] does not look up the `Date`.
    pub(crate) async fn login_timed(
        &self,
        account: &VoipBinAccount,
    ) -> Result<(Jwt, Issued), Error> {
        let answer = self.login_request(account).send().await;
        let response = self
            .connection
            .response(operations::AUTH_LOGIN, answer)
            .map_err(login_error)?;
        // Kept as it came (a reference count, not a copy), and parsed only when needed.
        let date = response.headers().get(reqwest::header::DATE).cloned();
        let (jwt, iat) = jwt::read(response.into_inner())?;
        Ok((jwt, Issued { iat, date }))
    }

    /// The login request for `account`, its body filled in the builder the operation holds.
    fn login_request(&self, account: &VoipBinAccount) -> telauth_voipbin::builder::AuthLogin<'_> {
        self.public.auth_login().body_map(|body| {
            body.username(account.username.clone())
                .password(account.password.clone())
        })
    }

    /// One page of access keys: `page_size` (the server caps it at 100) from `page_token` (the
    /// previous page's `next_page_token`). Retried as the [`Config::retry`] policy says.
    ///
    /// Deleted keys are never listed: VoIPBIN deletes softly (a deleted key keeps its
    /// `tm_delete`, and [`VoipBin::get_access_key`] answers `409` for it), but its list asks
    /// for undeleted keys only (`deleted: false` in `bin-api-manager`'s
    /// `pkg/servicehandler/accesskeys.go`, `AccesskeyGets`). Expired keys are listed until they
    /// are deleted: compare [`AccessKeyTimes::expires_at`] with the time.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), telauth::Error> {
    /// use telauth::{Config, Vars};
    /// use telauth::voipbin::VoipBin;
    ///
    /// let api = VoipBin::from_vars(&Vars::process(), &Config::new())?;
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
    ) -> Result<AccessKeyList, Error> {
        const OPERATION: &str = operations::ACCESSKEYS_LIST;
        let client = self.authorized(OPERATION)?;
        self.connection
            .idempotent(OPERATION, || {
                let mut request = client.accesskeys_list();
                if let Some(size) = page_size {
                    request = request.page_size(i64::from(size));
                }
                if let Some(token) = page_token {
                    request = request.page_token(token);
                }
                request.send()
            })
            .await
    }

    /// Every access key that is not deleted (expired ones included, as for
    /// [`VoipBin::list_access_keys`]), following `next_page_token` until a page ends the list:
    /// an empty or absent token, or a page with no key.
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
    /// use telauth::{Config, Vars};
    /// use telauth::voipbin::{AccessKeyTimes, VoipBin};
    ///
    /// let api = VoipBin::from_vars(&Vars::process(), &Config::new())?;
    /// let keys = api.all_access_keys(Some(100)).await?;
    /// // Listed keys carry no token.
    /// for key in keys.iter().filter(|key| key.name.as_deref() == Some("ci")) {
    ///     println!("{} expires {:?}", key.id, key.expires_at());
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn all_access_keys(&self, page_size: Option<u32>) -> Result<Vec<AccessKey>, Error> {
        const OPERATION: &str = operations::ACCESSKEYS_LIST;
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
    /// sent). The answer is the only one that carries the key's token: [`NewAccessKey::token`]
    /// (an answer without one is an [`ErrorKind::InvalidResponse`]).
    ///
    /// # Examples
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), telauth::Error> {
    /// use std::time::Duration;
    /// use telauth::{Config, Vars};
    /// use telauth::voipbin::{VoipBin, VoipBinAuth};
    ///
    /// let api = VoipBin::from_vars(&Vars::process(), &Config::new())?;
    /// let lifetime = Duration::from_secs(90 * 86_400);
    /// let created = api.create_access_key(lifetime, Some("ci"), Some("deploys")).await?;
    /// // Keep the token now: no later call shows it.
    /// let ci = api.with_auth(&VoipBinAuth::AccessKey(created.token));
    /// println!("created {}", created.key.id);
    /// # Ok(()) }
    /// ```
    pub async fn create_access_key(
        &self,
        lifetime: Duration,
        name: Option<&str>,
        detail: Option<&str>,
    ) -> Result<NewAccessKey, Error> {
        const OPERATION: &str = operations::ACCESSKEYS_CREATE;
        let refuse = |reason: String| Err(Error::invalid_input(PROVIDER, OPERATION, reason));
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
        let request = self
            .authorized(OPERATION)?
            .accesskeys_create()
            .body_map(|body| {
                body.name(name.map(str::to_string))
                    .detail(detail.map(str::to_string))
                    .expire(expire)
            });
        let mut key = self.connection.call(OPERATION, request.send().await)?;
        match key.token.take() {
            Some(token) => Ok(NewAccessKey { key, token }),
            None => Err(Error::new(
                PROVIDER,
                OPERATION,
                ErrorKind::InvalidResponse {
                    reason: "the answer to a create carries no token".into(),
                },
            )),
        }
    }

    /// One access key (without its token). Retried as the [`Config::retry`] policy says.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
    /// use telauth::{Config, Vars};
    /// use telauth::voipbin::VoipBin;
    ///
    /// let api = VoipBin::from_vars(&Vars::process(), &Config::new())?;
    /// let key = api.get_access_key("5e0ed5b0-8d2c-4b8f-a5d3-1c6f0e9a7b21".parse()?).await?;
    /// println!("{:?} expires {:?}", key.name, key.tm_expire); // `key.token` is `None`
    /// # Ok(()) }
    /// ```
    pub async fn get_access_key(&self, id: Uuid) -> Result<AccessKey, Error> {
        const OPERATION: &str = operations::ACCESSKEYS_GET;
        let client = self.authorized(OPERATION)?;
        self.connection
            .idempotent(OPERATION, || client.accesskeys_get().id(id).send())
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
    /// use telauth::{Config, Vars};
    /// use telauth::voipbin::VoipBin;
    ///
    /// let api = VoipBin::from_vars(&Vars::process(), &Config::new())?;
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
    ) -> Result<AccessKey, Error> {
        const OPERATION: &str = operations::ACCESSKEYS_UPDATE;
        let client = self.authorized(OPERATION)?;
        let (name, detail) = match (name, detail) {
            (None, None) => {
                return Err(Error::invalid_input(
                    PROVIDER,
                    OPERATION,
                    "give a new name or a new detail (or both)",
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
            .idempotent(OPERATION, || {
                let request = client
                    .accesskeys_update()
                    .id(id)
                    .body_map(|body| body.name(name.clone()).detail(detail.clone()));
                request.send()
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
    /// use telauth::{Config, Vars};
    /// use telauth::voipbin::VoipBin;
    ///
    /// let api = VoipBin::from_vars(&Vars::process(), &Config::new())?;
    /// let id = "5e0ed5b0-8d2c-4b8f-a5d3-1c6f0e9a7b21".parse()?;
    /// // Whatever still presents this key's token is refused from now on.
    /// let deleted = api.delete_access_key(id).await?;
    /// println!("deleted {} at {:?}", deleted.id, deleted.tm_delete);
    /// # Ok(()) }
    /// ```
    pub async fn delete_access_key(&self, id: Uuid) -> Result<AccessKey, Error> {
        const OPERATION: &str = operations::ACCESSKEYS_DELETE;
        let client = self.authorized(OPERATION)?;
        self.connection
            .idempotent(OPERATION, || client.accesskeys_delete().id(id).send())
            .await
    }
}
