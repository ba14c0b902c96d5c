//! SMSBeta: log in with the account's mail and password for its long-lived API token.
//!
//! The password is sent as its md5 digest (32 lowercase hex characters), computed here; the
//! plain password is neither sent nor kept.

use std::fmt::Write as _;

use md5::{Digest, Md5};
use serde::Serialize;
use telauth_runtime::Secret;
use telauth_smsbeta::types::LoginRequest;
use telauth_smsbeta::{Client, Credentials};
use zeroize::{Zeroize, Zeroizing};

use crate::connection::{Connection, call, generated_client};
use crate::env;
use crate::{Config, Error, ErrorKind, Provider};

pub use telauth_smsbeta::types;

const PROVIDER: Provider = Provider::SmsBeta;

generated_client!(telauth_smsbeta);

/// The account's mail and password, for [`SmsBeta::login`].
#[derive(Clone, Debug)]
pub struct SmsBetaCredentials {
    /// The account's email address.
    pub mail: String,
    /// The account's plain password; only its md5 digest is sent.
    pub password: Secret,
}

impl SmsBetaCredentials {
    /// Reads `SMSBETA_MAIL` and `SMSBETA_PASSWORD`.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), telauth::Error> {
    /// use telauth::Config;
    /// use telauth::smsbeta::{SmsBeta, SmsBetaCredentials};
    ///
    /// // An error naming the variable when one is unset or empty.
    /// let credentials = SmsBetaCredentials::from_env()?;
    /// let login = SmsBeta::new(&Config::new())?.login(&credentials).await?;
    /// println!("logged in as {}", login.mail);
    /// # Ok(()) }
    /// ```
    pub fn from_env() -> Result<Self, Error> {
        Ok(Self {
            mail: env::var(PROVIDER, "SMSBETA_MAIL")?,
            password: env::secret(PROVIDER, "SMSBETA_PASSWORD")?,
        })
    }
}

/// A successful login.
#[derive(Clone, Debug, Serialize)]
pub struct SmsBetaLogin {
    /// The account's email address, as SMSBeta answered it.
    pub mail: String,
    /// The account's API token: long-lived, full access.
    pub token: Secret,
}

/// The md5 digest of `password` as 32 lowercase hex characters: what SMSBeta's `/login` takes.
///
/// # Examples
///
/// ```
/// use telauth::Secret;
/// use telauth::smsbeta::password_digest;
///
/// let digest = password_digest(&Secret::from("password"));
/// assert_eq!(digest.expose(), "5f4dcc3b5aa765d61d8327deb882cf99");
/// ```
pub fn password_digest(password: &Secret) -> Secret {
    let mut digest: [u8; 16] = Md5::digest(password.expose().as_bytes()).into();
    let mut hex = Zeroizing::new(String::with_capacity(32));
    for byte in digest {
        // Writing to a String cannot fail.
        let _ = write!(hex, "{byte:02x}");
    }
    digest.zeroize();
    Secret::new(hex.as_str())
}

/// An SMSBeta client.
#[derive(Clone, Debug)]
pub struct SmsBeta {
    client: Client,
}

impl SmsBeta {
    /// A client with `config` (by default, `https://api.smsbeta.com`).
    ///
    /// # Examples
    ///
    /// ```
    /// use telauth::Config;
    /// use telauth::smsbeta::SmsBeta;
    ///
    /// let smsbeta = SmsBeta::new(&Config::new())?; // https://api.smsbeta.com
    /// // An origin that is not an http(s) URL with a host is refused here, not at the first call.
    /// let error = SmsBeta::new(&Config::new().origin("api.smsbeta.com")).unwrap_err();
    /// assert!(error.is_local());
    /// assert_eq!(error.operation(), "config");
    /// # Ok::<(), telauth::Error>(())
    /// ```
    pub fn new(config: &Config) -> Result<Self, Error> {
        let connection = Connection::new(
            config,
            PROVIDER,
            || telauth_smsbeta::BASE_URL.into(),
            telauth_smsbeta::API_PATH,
        )?;
        Ok(Self {
            client: connection.client(Credentials::none()),
        })
    }

    /// A client from the environment: the origin in `TELAUTH_SMSBETA_ORIGIN` when set (see
    /// [`Config::from_env`]). The credentials are read by [`SmsBetaCredentials::from_env`].
    ///
    /// # Examples
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), telauth::Error> {
    /// use telauth::smsbeta::{SmsBeta, SmsBetaCredentials};
    ///
    /// // TELAUTH_SMSBETA_ORIGIN, when set, sends the login to a sandbox instead.
    /// let smsbeta = SmsBeta::from_env()?;
    /// let login = smsbeta.login(&SmsBetaCredentials::from_env()?).await?;
    /// println!("logged in as {}", login.mail);
    /// # Ok(()) }
    /// ```
    pub fn from_env() -> Result<Self, Error> {
        Self::new(&Config::from_env(PROVIDER))
    }

    /// Logs in. An HTTP 200 whose envelope `code` is not 200, or that has no `data`, is an
    /// [`ErrorKind::Refused`] error carrying the envelope's `Msg`.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), telauth::Error> {
    /// use telauth::smsbeta::{SmsBeta, SmsBetaCredentials};
    /// use telauth::{Config, ErrorKind};
    ///
    /// let smsbeta = SmsBeta::new(&Config::new())?;
    /// match smsbeta.login(&SmsBetaCredentials::from_env()?).await {
    ///     // A long-lived, full-access token: keep it where secrets belong.
    ///     Ok(login) => println!("{login:?}"), // SmsBetaLogin { …, token: Secret([REDACTED]) }
    ///     Err(error) if matches!(error.kind(), ErrorKind::Refused { .. }) => {
    ///         eprintln!("SMSBeta refused: {}", error.message().unwrap_or("no reason given"));
    ///     }
    ///     Err(error) => return Err(error),
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn login(&self, credentials: &SmsBetaCredentials) -> Result<SmsBetaLogin, Error> {
        const OPERATION: &str = "login";
        let request = self.client.login().body(
            LoginRequest::builder()
                .mail(credentials.mail.clone())
                .password(password_digest(&credentials.password)),
        );
        let envelope = call(PROVIDER, OPERATION, request.send()).await?;
        match envelope.data {
            Some(data) if envelope.code == 200 => Ok(SmsBetaLogin {
                mail: data.mail,
                token: data.token,
            }),
            _ => Err(Error::new(
                PROVIDER,
                OPERATION,
                ErrorKind::Refused {
                    code: Some(envelope.code.to_string()),
                    message: Some(envelope.msg).filter(|msg| !msg.is_empty()),
                },
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digest_is_lowercase_hex_md5() {
        for (plain, digest) in [
            ("", "d41d8cd98f00b204e9800998ecf8427e"),
            ("password", "5f4dcc3b5aa765d61d8327deb882cf99"),
            ("pässwörd ✓", "424f0acb4def3f5d2db59084752ce66d"),
        ] {
            assert_eq!(
                password_digest(&Secret::from(plain)).expose(),
                digest,
                "{plain}"
            );
        }
    }
}
