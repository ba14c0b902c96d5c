//! SMSBeta: log in with the account's mail and password for its long-lived API token.
//!
//! The password is sent as its md5 digest (32 lowercase hex characters), computed here; the
//! plain password is neither sent nor kept.

use std::fmt::Write as _;

use md5::{Digest, Md5};
use serde::Serialize;
use telauth_runtime::Secret;
use telauth_smsbeta::{Client, Credentials, operations};
use zeroize::{Zeroize, Zeroizing};

use crate::connection::{Connection, generated_client};
use crate::env::Reader;
use crate::{Config, Error, ErrorKind, Provider, Vars};

/// The API's path below the origin, from the spec's `servers`.
pub use telauth_smsbeta::API_PATH;
pub use telauth_smsbeta::types;

const PROVIDER: Provider = Provider::SmsBeta;

generated_client!(telauth_smsbeta);

/// The account's mail and password, for [`SmsBeta::login`].
#[derive(Clone, Debug)]
pub struct SmsBetaAccount {
    /// The account's email address.
    pub mail: String,
    /// The account's plain password; only its md5 digest is sent.
    pub password: Secret,
}

impl SmsBetaAccount {
    /// Reads `SMSBETA_MAIL` and `SMSBETA_PASSWORD` from `vars`, both required; an error names
    /// every one that is missing.
    ///
    /// # Examples
    ///
    /// ```
    /// use telauth::Vars;
    /// use telauth::smsbeta::SmsBetaAccount;
    ///
    /// let error = SmsBetaAccount::from_vars(&Vars::from_iter([("SMSBETA_MAIL", "a@b.c")]))
    ///     .unwrap_err();
    /// assert_eq!(error.to_string(), "smsbeta env: the environment variable SMSBETA_PASSWORD is not set");
    /// ```
    pub fn from_vars(vars: &Vars) -> Result<Self, Error> {
        let mut read = Reader::new(vars, PROVIDER);
        let mail = read.required("SMSBETA_MAIL");
        let password = read.secret("SMSBETA_PASSWORD");
        read.finish()?;
        Ok(Self { mail, password })
    }
}

/// A successful login.
#[derive(Clone, Debug, Serialize)]
#[non_exhaustive]
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
    connection: Connection,
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
            connection,
        })
    }

    /// A client with `config`, its origin from `TELAUTH_SMSBETA_ORIGIN` in `vars` when
    /// `config` sets none. It holds no credential: the mail and password go to
    /// [`SmsBeta::login`] ([`SmsBetaAccount::from_vars`] reads them).
    ///
    /// # Examples
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), telauth::Error> {
    /// use telauth::smsbeta::{SmsBeta, SmsBetaAccount};
    /// use telauth::{Config, Vars};
    ///
    /// let vars = Vars::process();
    /// let smsbeta = SmsBeta::from_vars(&vars, &Config::new().user_agent_suffix("ops/1"))?;
    /// let login = smsbeta.login(&SmsBetaAccount::from_vars(&vars)?).await?;
    /// println!("logged in as {}", login.mail);
    /// # Ok(()) }
    /// ```
    pub fn from_vars(vars: &Vars, config: &Config) -> Result<Self, Error> {
        Self::new(&config.or_origin_from(PROVIDER, vars))
    }

    /// Logs in. An HTTP 200 whose envelope `code` is not 200, or that has no `data`, is an
    /// [`ErrorKind::Refused`] error carrying the envelope's `Msg`.
    ///
    /// # Errors
    ///
    /// A wrong mail or password is SMSBeta's `401` ([`Error::is_credentials_refused`]); a
    /// refusing envelope gives no reason, and is not counted as one.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), telauth::Error> {
    /// use telauth::smsbeta::{SmsBeta, SmsBetaAccount};
    /// use telauth::{Config, ErrorKind, Vars};
    ///
    /// let smsbeta = SmsBeta::new(&Config::new())?;
    /// match smsbeta.login(&SmsBetaAccount::from_vars(&Vars::process())?).await {
    ///     // A long-lived, full-access token: keep it where secrets belong.
    ///     Ok(login) => println!("{login:?}"), // SmsBetaLogin { …, token: Secret([REDACTED]) }
    ///     Err(error) if matches!(error.kind(), ErrorKind::Refused { .. }) => {
    ///         eprintln!("SMSBeta refused: {}", error.message().unwrap_or("no reason given"));
    ///     }
    ///     Err(error) => return Err(error),
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn login(&self, account: &SmsBetaAccount) -> Result<SmsBetaLogin, Error> {
        const OPERATION: &str = operations::LOGIN;
        let request = self.client.login().body_map(|body| {
            body.mail(account.mail.clone())
                .password(password_digest(&account.password))
        });
        let envelope = self.connection.call(OPERATION, request.send().await)?;
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
