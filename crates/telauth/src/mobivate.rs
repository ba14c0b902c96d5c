//! Mobivate: get the account's API key, rotate it, and check a key.
//!
//! Later calls present the key as `Authorization: Bearer <apiKey>`.

use telauth_mobivate::types::ErrorResponse;
use telauth_mobivate::{Client, Credentials, operations};
use telauth_runtime::Secret;

use crate::connection::{Connection, generated_client};
use crate::env::Reader;
use crate::error::ErrorBody;
use crate::{Config, Error, ErrorKind, Provider, Vars};

/// The API's path below the origin, from the spec's `servers`.
pub use telauth_mobivate::API_PATH;
pub use telauth_mobivate::types;

const PROVIDER: Provider = Provider::Mobivate;

generated_client!(telauth_mobivate);

impl ErrorBody for ErrorResponse {
    fn code(&self) -> Option<String> {
        Some(self.code.to_string())
    }
    fn message(&self) -> Option<String> {
        Some(self.message.clone())
    }
}

/// What a failed `createkey` that may have reached Mobivate adds to its error.
const ROTATION_HINT: &str = "Mobivate may have revoked the previous key all the same: `get_key` \
                             (`telauth mobivate getkey`) answers the current one";

/// A Mobivate account's username and password, for [`Mobivate::get_key`] and
/// [`Mobivate::create_key`].
#[derive(Clone, Debug)]
pub struct MobivateAccount {
    /// The username.
    pub username: String,
    /// The password.
    pub password: Secret,
}

impl MobivateAccount {
    /// Reads `MOBIVATE_USERNAME` and `MOBIVATE_PASSWORD` from `vars`, both required; an error
    /// names every one that is missing.
    ///
    /// # Examples
    ///
    /// ```
    /// use telauth::Vars;
    /// use telauth::mobivate::MobivateAccount;
    ///
    /// let error = MobivateAccount::from_vars(&Vars::from_iter([("MOBIVATE_USERNAME", "")]))
    ///     .unwrap_err(); // empty counts as unset
    /// assert_eq!(
    ///     error.to_string(),
    ///     "mobivate env: the environment variables MOBIVATE_USERNAME, MOBIVATE_PASSWORD are not set"
    /// );
    /// ```
    pub fn from_vars(vars: &Vars) -> Result<Self, Error> {
        let mut read = Reader::new(vars, PROVIDER);
        let username = read.required("MOBIVATE_USERNAME");
        let password = read.secret("MOBIVATE_PASSWORD");
        read.finish()?;
        Ok(Self { username, password })
    }
}

/// What authorizes Mobivate's calls: the account's API key, sent as `Authorization: Bearer`.
/// [`Mobivate::get_key`] and [`Mobivate::create_key`] answer it; [`Mobivate::test_key`] checks
/// it.
#[derive(Clone, Debug)]
pub struct MobivateAuth {
    /// The API key.
    pub api_key: Secret,
}

impl MobivateAuth {
    /// Reads `MOBIVATE_API_KEY` from `vars` (required).
    ///
    /// # Examples
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), telauth::Error> {
    /// use telauth::mobivate::{Mobivate, MobivateAuth};
    /// use telauth::{Config, Vars};
    ///
    /// let vars = Vars::process();
    /// let mobivate = Mobivate::from_vars(&vars, &Config::new())?;
    /// let auth = MobivateAuth::from_vars(&vars)?;
    /// println!("{}", mobivate.test_key(&auth.api_key).await?); // API Key is valid
    /// # Ok(()) }
    /// ```
    pub fn from_vars(vars: &Vars) -> Result<Self, Error> {
        let mut read = Reader::new(vars, PROVIDER);
        let api_key = read.secret("MOBIVATE_API_KEY");
        read.finish()?;
        Ok(Self { api_key })
    }
}

/// A Mobivate client.
#[derive(Clone, Debug)]
pub struct Mobivate {
    connection: Connection,
    public: Client,
}

impl Mobivate {
    /// A client with `config` (by default, `https://api.mobivatebulksms.com`).
    ///
    /// # Examples
    ///
    /// ```
    /// use telauth::mobivate::Mobivate;
    /// use telauth::{Config, RetryPolicy};
    ///
    /// // `test_key` is tried up to twice more when it fails retryably (a timeout, a 429, a 503).
    /// let mobivate = Mobivate::new(&Config::new().retry(RetryPolicy::new(2)))?;
    /// // An origin that is not an http(s) URL with a host is refused here, not at the first call.
    /// let ftp = Config::new().origin("ftp://api.mobivatebulksms.com");
    /// let error = Mobivate::new(&ftp).unwrap_err();
    /// assert!(error.is_local());
    /// # Ok::<(), telauth::Error>(())
    /// ```
    pub fn new(config: &Config) -> Result<Self, Error> {
        let connection = Connection::new(
            config,
            PROVIDER,
            || telauth_mobivate::BASE_URL.into(),
            telauth_mobivate::API_PATH,
        )?;
        Ok(Self {
            public: connection.client(Credentials::none()),
            connection,
        })
    }

    /// A client with `config`, its origin from `TELAUTH_MOBIVATE_ORIGIN` in `vars` when
    /// `config` sets none. It holds no credential: the username and password go to
    /// [`Mobivate::get_key`] and [`Mobivate::create_key`] ([`MobivateAccount::from_vars`]
    /// reads them), the key to check to [`Mobivate::test_key`] ([`MobivateAuth::from_vars`]).
    pub fn from_vars(vars: &Vars, config: &Config) -> Result<Self, Error> {
        Self::new(&config.or_origin_from(PROVIDER, vars))
    }

    fn key_request(
        body: types::builder::KeyRequest,
        account: &MobivateAccount,
    ) -> types::builder::KeyRequest {
        body.username(account.username.clone())
            .password(account.password.clone())
    }

    /// The account's current API key. A wrong username or password is a `401`
    /// ([`Error::is_credentials_refused`]).
    ///
    /// # Examples
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), telauth::Error> {
    /// use telauth::{Config, Vars};
    /// use telauth::mobivate::{Mobivate, MobivateAccount};
    ///
    /// let mobivate = Mobivate::new(&Config::new())?;
    /// // The key in use now, left as it is (`create_key` replaces it).
    /// let key = mobivate.get_key(&MobivateAccount::from_vars(&Vars::process())?).await?;
    /// println!("{}", mobivate.test_key(&key).await?); // API Key is valid
    /// # Ok(()) }
    /// ```
    pub async fn get_key(&self, account: &MobivateAccount) -> Result<Secret, Error> {
        let request = self
            .public
            .getkey()
            .body_map(|body| Self::key_request(body, account));
        let key = self
            .connection
            .call(operations::GETKEY, request.send().await)?;
        Ok(key.api_key)
    }

    /// Issues a new API key and revokes the old one.
    ///
    /// Should the answer not be readable, the old key is gone all the same: the error says so,
    /// and [`Mobivate::get_key`] answers the new key.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), telauth::Error> {
    /// use telauth::{Config, Vars};
    /// use telauth::mobivate::{Mobivate, MobivateAccount};
    ///
    /// let mobivate = Mobivate::new(&Config::new())?;
    /// let account = MobivateAccount::from_vars(&Vars::process())?;
    /// // From here on the old key stops working: whatever used it needs the new one.
    /// let new_key = mobivate.create_key(&account).await?;
    /// println!("{}", mobivate.test_key(&new_key).await?); // API Key is valid
    /// # Ok(()) }
    /// ```
    pub async fn create_key(&self, account: &MobivateAccount) -> Result<Secret, Error> {
        let request = self
            .public
            .createkey()
            .body_map(|body| Self::key_request(body, account));
        self.connection
            .call(operations::CREATEKEY, request.send().await)
            .map(|key| key.api_key)
            .map_err(|error| {
                // The request may have reached Mobivate, which then rotated the key: no answer,
                // an unreadable one, or a gateway's 5xx.
                let may_have_rotated = match error.kind() {
                    ErrorKind::InvalidResponse { .. }
                    | ErrorKind::Timeout
                    | ErrorKind::Transport { .. } => true,
                    ErrorKind::Api { status, .. } | ErrorKind::UnexpectedStatus { status } => {
                        *status >= 500
                    }
                    _ => false,
                };
                if may_have_rotated {
                    error.with_hint(ROTATION_HINT)
                } else {
                    error
                }
            })
    }

    /// Checks `key`; answers Mobivate's message (`API Key is valid`). An invalid or expired key
    /// is an error with status 401 ([`Error::is_credentials_refused`]). Retried as the
    /// [`Config::retry`] policy says.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), telauth::Error> {
    /// use telauth::mobivate::{Mobivate, MobivateAuth};
    /// use telauth::{Config, Vars};
    ///
    /// let mobivate = Mobivate::new(&Config::new())?;
    /// let auth = MobivateAuth::from_vars(&Vars::process())?;
    /// match mobivate.test_key(&auth.api_key).await {
    ///     Ok(message) => println!("{message}"), // API Key is valid
    ///     Err(error) if error.is_credentials_refused() => eprintln!("the key is invalid or expired"),
    ///     Err(error) => return Err(error),
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn test_key(&self, key: &Secret) -> Result<String, Error> {
        let client: Client = self
            .connection
            .client(Credentials::bearer_auth(key.clone()));
        let checked = self
            .connection
            .idempotent(operations::TEST, || client.test().send())
            .await?;
        Ok(checked.message)
    }
}
