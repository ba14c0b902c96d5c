//! Mobivate: get the account's API key, rotate it, and check a key.
//!
//! Later calls present the key as `Authorization: Bearer <apiKey>`.

use telauth_mobivate::types::{ErrorResponse, KeyRequest};
use telauth_mobivate::{Client, Credentials};
use telauth_runtime::Secret;

use crate::connection::{Connection, call, generated_client};
use crate::env;
use crate::error::ErrorBody;
use crate::{Config, Error, ErrorKind, Provider};

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

/// A Mobivate account's username and password, for [`Mobivate::get_key`] and
/// [`Mobivate::create_key`].
#[derive(Clone, Debug)]
pub struct MobivateCredentials {
    /// The username.
    pub username: String,
    /// The password.
    pub password: Secret,
}

impl MobivateCredentials {
    /// Reads `MOBIVATE_USERNAME` and `MOBIVATE_PASSWORD`.
    pub fn from_env() -> Result<Self, Error> {
        Ok(Self {
            username: env::var(PROVIDER, "MOBIVATE_USERNAME")?,
            password: env::secret(PROVIDER, "MOBIVATE_PASSWORD")?,
        })
    }
}

/// Reads `MOBIVATE_API_KEY`, for [`Mobivate::test_key`].
pub fn api_key_from_env() -> Result<Secret, Error> {
    env::secret(PROVIDER, "MOBIVATE_API_KEY")
}

/// A Mobivate client.
#[derive(Clone, Debug)]
pub struct Mobivate {
    connection: Connection,
    public: Client,
}

impl Mobivate {
    /// A client with `config` (by default, `https://api.mobivatebulksms.com`).
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

    /// A client from the environment: the origin in `TELAUTH_MOBIVATE_ORIGIN` when set (see
    /// [`Config::from_env`]). The credentials are read by [`MobivateCredentials::from_env`] and
    /// [`api_key_from_env`].
    pub fn from_env() -> Result<Self, Error> {
        Self::new(&Config::from_env(PROVIDER))
    }

    fn key_request(credentials: &MobivateCredentials) -> types::builder::KeyRequest {
        KeyRequest::builder()
            .username(credentials.username.clone())
            .password(credentials.password.clone())
    }

    /// The account's current API key.
    pub async fn get_key(&self, credentials: &MobivateCredentials) -> Result<Secret, Error> {
        let request = self.public.getkey().body(Self::key_request(credentials));
        let key = call(PROVIDER, "getkey", request.send()).await?;
        Ok(key.api_key)
    }

    /// Issues a new API key and revokes the old one.
    ///
    /// Should the answer not be readable, the old key is gone all the same: the error says so,
    /// and [`Mobivate::get_key`] answers the new key.
    pub async fn create_key(&self, credentials: &MobivateCredentials) -> Result<Secret, Error> {
        let request = self.public.createkey().body(Self::key_request(credentials));
        match call(PROVIDER, "createkey", request.send()).await {
            Ok(key) => Ok(key.api_key),
            Err(error) => Err(match error.kind() {
                ErrorKind::InvalidResponse { reason } => Error::new(
                    PROVIDER,
                    "createkey",
                    ErrorKind::InvalidResponse {
                        reason: format!(
                            "{reason}; Mobivate has revoked the previous key all the same: \
                             `get_key` (`telauth mobivate getkey`) answers the new one"
                        ),
                    },
                ),
                _ => error,
            }),
        }
    }

    /// Checks `key`; answers Mobivate's message (`API Key is valid`). An invalid or expired key
    /// is an error with status 401. Retried as the [`Config::retry`] policy says.
    pub async fn test_key(&self, key: &Secret) -> Result<String, Error> {
        let client: Client = self
            .connection
            .client(Credentials::bearer_auth(key.clone()));
        self.connection
            .retrying("test", true, || async {
                let checked = call(PROVIDER, "test", client.test().send()).await?;
                Ok(checked.message)
            })
            .await
    }
}
