//! Mobivate: get the account's API key, rotate it, and check a key.
//!
//! Later calls present the key as `Authorization: Bearer <apiKey>`.

use telauth_mobivate::types::{ErrorResponse, KeyRequest};
use telauth_mobivate::{Client, Credentials};
use telauth_runtime::Secret;

use crate::env;
use crate::error::{ErrorBody, from_client};
use crate::retry::retrying;
use crate::{Config, Error, Provider, RetryPolicy};

pub use telauth_mobivate::types;

const PROVIDER: Provider = Provider::Mobivate;

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
    retry: Option<RetryPolicy>,
    base_url: String,
    http: reqwest::Client,
    allow_insecure_http: bool,
}

impl Mobivate {
    /// A client with `config` (by default, `https://api.mobivatebulksms.com`).
    pub fn new(config: &Config) -> Result<Self, Error> {
        Ok(Self {
            retry: config.retry_policy().cloned(),
            base_url: config.base_url(|| telauth_mobivate::BASE_URL.to_string(), ""),
            http: config.http_client(PROVIDER)?,
            allow_insecure_http: config.insecure_http_allowed(),
        })
    }

    fn client(&self, credentials: Credentials) -> Client {
        let credentials = if self.allow_insecure_http {
            credentials.allow_insecure_http()
        } else {
            credentials
        };
        Client::new_with_client(&self.base_url, self.http.clone(), credentials)
    }

    fn key_request(credentials: &MobivateCredentials) -> KeyRequest {
        KeyRequest {
            username: credentials.username.clone(),
            password: credentials.password.clone(),
        }
    }

    /// The account's current API key.
    pub async fn get_key(&self, credentials: &MobivateCredentials) -> Result<Secret, Error> {
        self.client(Credentials::none())
            .getkey()
            .body(Self::key_request(credentials))
            .send()
            .await
            .map(|key| key.into_inner().api_key)
            .map_err(|error| from_client(PROVIDER, "getkey", error))
    }

    /// Issues a new API key and revokes the old one.
    pub async fn create_key(&self, credentials: &MobivateCredentials) -> Result<Secret, Error> {
        self.client(Credentials::none())
            .createkey()
            .body(Self::key_request(credentials))
            .send()
            .await
            .map(|key| key.into_inner().api_key)
            .map_err(|error| from_client(PROVIDER, "createkey", error))
    }

    /// Checks `key`; answers Mobivate's message (`API Key is valid`). An invalid or expired key
    /// is an error with status 401. Retried as the [`Config::retry`] policy says.
    pub async fn test_key(&self, key: &Secret) -> Result<String, Error> {
        let client = self.client(Credentials::bearer_auth(key.clone()));
        retrying(self.retry.as_ref(), true, || async {
            client
                .test()
                .send()
                .await
                .map(|checked| checked.into_inner().message)
                .map_err(|error| from_client(PROVIDER, "test", error))
        })
        .await
    }
}
