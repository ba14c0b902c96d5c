//! SignalWire: create, update and delete a project's API tokens, with HTTP Basic auth (the
//! project id and an API token that has the `management` permission).

use telauth_runtime::Secret;
use telauth_signalwire::types::{
    CompatibilityErrorResponse, CompatibilityTokenValidationError, CreateTokenError,
    CreateTokenRequest, CreateTokenRequestName, TokenResponse, UpdateTokenError,
    UpdateTokenRequest,
};
use telauth_signalwire::{Client, Credentials};
use uuid::Uuid;

use crate::connection::{Connection, call, generated_client};
use crate::env;
use crate::error::ErrorBody;
use crate::{Config, Error, ErrorKind, Provider};

pub use telauth_signalwire::types;
/// A permission of a project API token: exactly those SignalWire documents, listed in
/// [`Permission::VALUES`]; `FromStr` and `Display` use those names.
pub use telauth_signalwire::types::Permission;

/// The Compatibility API's path below a space's origin, from the spec's `servers`.
pub use telauth_signalwire::API_PATH;

const PROVIDER: Provider = Provider::SignalWire;

generated_client!(telauth_signalwire);

impl ErrorBody for CompatibilityErrorResponse {
    fn code(&self) -> Option<String> {
        Some(self.code.to_string())
    }
    fn message(&self) -> Option<String> {
        Some(self.message.clone())
    }
}

impl ErrorBody for CompatibilityTokenValidationError {
    fn code(&self) -> Option<String> {
        self.code.clone()
    }
    fn message(&self) -> Option<String> {
        self.message.clone()
    }
}

macro_rules! union_error_body {
    ($($union:ident),*) => {$(
        impl ErrorBody for $union {
            fn code(&self) -> Option<String> {
                match self {
                    Self::ErrorResponse(error) => error.code(),
                    Self::TokenValidationError(error) => error.code(),
                    _ => None,
                }
            }
            fn message(&self) -> Option<String> {
                match self {
                    Self::ErrorResponse(error) => error.message(),
                    Self::TokenValidationError(error) => error.message(),
                    _ => None,
                }
            }
        }
    )*};
}
union_error_body!(CreateTokenError, UpdateTokenError);

/// A SignalWire space, project and API token.
#[derive(Clone, Debug)]
pub struct SignalWireCredentials {
    /// The space: its name (`example`) or its host name (`example.signalwire.com`).
    pub space: String,
    /// The project id (the `AccountSid`, and the Basic auth username).
    pub project_id: Uuid,
    /// An API token with the `management` permission (the Basic auth password).
    pub api_token: Secret,
}

impl SignalWireCredentials {
    /// Reads `SIGNALWIRE_SPACE`, `SIGNALWIRE_PROJECT_ID` (a uuid) and `SIGNALWIRE_API_TOKEN`.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// # fn run() -> Result<(), telauth::Error> {
    /// use telauth::Config;
    /// use telauth::signalwire::{SignalWire, SignalWireCredentials};
    ///
    /// // SIGNALWIRE_SPACE, SIGNALWIRE_PROJECT_ID and SIGNALWIRE_API_TOKEN.
    /// let credentials = SignalWireCredentials::from_env()?;
    /// let signalwire = SignalWire::new(&Config::new(), &credentials)?;
    /// println!("the tokens of project {}", credentials.project_id);
    /// # Ok(()) }
    /// ```
    pub fn from_env() -> Result<Self, Error> {
        let project_id = env::var(PROVIDER, "SIGNALWIRE_PROJECT_ID")?;
        Ok(Self {
            space: env::var(PROVIDER, "SIGNALWIRE_SPACE")?,
            project_id: project_id
                .parse()
                .map_err(|_| invalid("env", "SIGNALWIRE_PROJECT_ID is not a uuid".to_string()))?,
            api_token: env::secret(PROVIDER, "SIGNALWIRE_API_TOKEN")?,
        })
    }
}

/// The space's name from `space`: its name, or its host name `<name>.signalwire.com`. Any text
/// is taken, multibyte characters included; what is not a DNS label is refused later, when the
/// base URL is made.
fn space_label(space: &str) -> &str {
    const DOMAIN: &str = ".signalwire.com";
    let host = space.trim_end_matches('.');
    let end = host.len().saturating_sub(DOMAIN.len());
    // `get` is `None` when `end` falls inside a multibyte character: then no domain to strip.
    match (host.get(..end), host.get(end..)) {
        (Some(label), Some(domain)) if domain.eq_ignore_ascii_case(DOMAIN) => label,
        _ => host,
    }
}

/// `name` as a token name: not empty.
fn token_name<T: std::str::FromStr>(operation: &'static str, name: &str) -> Result<T, Error> {
    name.parse()
        .map_err(|_| invalid(operation, "a token's name cannot be empty".into()))
}

fn invalid(operation: &'static str, reason: String) -> Error {
    Error::new(PROVIDER, operation, ErrorKind::InvalidInput { reason })
}

/// A SignalWire client for one project.
#[derive(Clone, Debug)]
pub struct SignalWire {
    connection: Connection,
    client: Client,
    project_id: Uuid,
}

impl SignalWire {
    /// A client for `credentials`' project, at `https://<space>.signalwire.com` unless `config`
    /// sets another origin. The space is its name (`example`) or its host name
    /// (`example.signalwire.com`, as SignalWire's own SDK takes it); anything else is refused.
    ///
    /// # Examples
    ///
    /// ```
    /// use telauth::signalwire::{SignalWire, SignalWireCredentials};
    /// use telauth::{Config, Secret};
    ///
    /// let mut credentials = SignalWireCredentials {
    ///     space: "example".into(), // or "example.signalwire.com"
    ///     project_id: "b3877c40-da60-4998-90ad-b792e98472af".parse().expect("a uuid"),
    ///     api_token: Secret::from("PT…"),
    /// };
    /// let signalwire = SignalWire::new(&Config::new(), &credentials)?;
    /// // A URL is not a space.
    /// credentials.space = "https://example.signalwire.com".into();
    /// assert!(SignalWire::new(&Config::new(), &credentials).unwrap_err().is_local());
    /// # Ok::<(), telauth::Error>(())
    /// ```
    pub fn new(config: &Config, credentials: &SignalWireCredentials) -> Result<Self, Error> {
        let production = telauth_signalwire::base_url(space_label(&credentials.space))
            .map_err(|error| invalid("config", error.to_string()))?;
        let connection = Connection::new(config, PROVIDER, || production, API_PATH)?;
        Ok(Self {
            client: connection.client(Credentials::signal_wire_basic_auth(
                credentials.project_id.to_string(),
                credentials.api_token.clone(),
            )),
            connection,
            project_id: credentials.project_id,
        })
    }

    /// A client from the environment: the space, project and token of
    /// [`SignalWireCredentials::from_env`], and the origin in `TELAUTH_SIGNALWIRE_ORIGIN` when
    /// set (see [`Config::from_env`]).
    ///
    /// # Examples
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), telauth::Error> {
    /// use telauth::signalwire::{Permission, SignalWire};
    ///
    /// // TELAUTH_SIGNALWIRE_ORIGIN, when set, sends the calls to a sandbox instead.
    /// let signalwire = SignalWire::from_env()?;
    /// let token = signalwire.create_token("ci", &[Permission::Messaging], None).await?;
    /// println!("created {}", token.id);
    /// # Ok(()) }
    /// ```
    pub fn from_env() -> Result<Self, Error> {
        Self::new(
            &Config::from_env(PROVIDER),
            &SignalWireCredentials::from_env()?,
        )
    }

    /// Creates a token named `name` with `permissions`, for the project or one of its
    /// subprojects. The answer carries the new token's secret. An empty name or no permission
    /// is refused here, before anything is sent.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), telauth::Error> {
    /// use telauth::signalwire::{Permission, SignalWire};
    ///
    /// let signalwire = SignalWire::from_env()?;
    /// let token = signalwire
    ///     .create_token("sms-sender", &[Permission::Messaging], None)
    ///     .await?;
    /// // `token.token` is the new token's secret, for the program that sends the messages.
    /// println!("created {} with {:?}: {:?}", token.id, token.permissions, token.token);
    /// # Ok(()) }
    /// ```
    pub async fn create_token(
        &self,
        name: &str,
        permissions: &[Permission],
        subproject_id: Option<Uuid>,
    ) -> Result<TokenResponse, Error> {
        const OPERATION: &str = "create_token";
        if permissions.is_empty() {
            return Err(invalid(
                OPERATION,
                "a token needs at least one permission".into(),
            ));
        }
        let request = self
            .client
            .create_token()
            .account_sid(self.project_id)
            .body(
                CreateTokenRequest::builder()
                    .name(token_name::<CreateTokenRequestName>(OPERATION, name)?)
                    .permissions(permissions.to_vec())
                    .subproject_id(subproject_id),
            );
        call(PROVIDER, OPERATION, request.send()).await
    }

    /// Changes a token's name, its permissions, or both; what is `None` is kept. Giving neither,
    /// an empty name or an empty permission list is refused here, before anything is sent.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
    /// use telauth::signalwire::{Permission, SignalWire};
    ///
    /// let signalwire = SignalWire::from_env()?;
    /// let token_id = "0c7e7a2e-5d0b-4f0e-9a51-3f8d2b6c1e47".parse()?; // a token made earlier
    /// // Narrow it to messaging; its name is kept.
    /// let token = signalwire
    ///     .update_token(token_id, None, Some(&[Permission::Messaging]))
    ///     .await?;
    /// println!("{} now has {:?}", token.name, token.permissions);
    /// # Ok(()) }
    /// ```
    pub async fn update_token(
        &self,
        token_id: Uuid,
        name: Option<&str>,
        permissions: Option<&[Permission]>,
    ) -> Result<TokenResponse, Error> {
        const OPERATION: &str = "update_token";
        let body = match (name, permissions) {
            (None, None) => {
                return Err(invalid(
                    OPERATION,
                    "give a new name or new permissions (or both)".into(),
                ));
            }
            (_, Some([])) => {
                return Err(invalid(
                    OPERATION,
                    "a token needs at least one permission; leave permissions out to keep them"
                        .into(),
                ));
            }
            (name, permissions) => UpdateTokenRequest::builder()
                .name(name.map(|name| token_name(OPERATION, name)).transpose()?)
                .permissions(permissions.map(<[Permission]>::to_vec).unwrap_or_default()),
        };
        let request = self
            .client
            .update_token()
            .account_sid(self.project_id)
            .token_id(token_id)
            .body(body);
        call(PROVIDER, OPERATION, request.send()).await
    }

    /// Deletes a token. Retried as the [`Config::retry`] policy says.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
    /// use telauth::signalwire::SignalWire;
    ///
    /// let signalwire = SignalWire::from_env()?;
    /// let token_id = "0c7e7a2e-5d0b-4f0e-9a51-3f8d2b6c1e47".parse()?; // a token made earlier
    /// // Revoked: whatever still presents this token is refused from now on.
    /// signalwire.delete_token(token_id).await?;
    /// # Ok(()) }
    /// ```
    pub async fn delete_token(&self, token_id: Uuid) -> Result<(), Error> {
        self.connection
            .retrying("delete_token", true, || async {
                let request = self
                    .client
                    .delete_token()
                    .account_sid(self.project_id)
                    .token_id(token_id);
                call(PROVIDER, "delete_token", request.send()).await
            })
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_space_label_is_cut_at_character_boundaries_only() {
        assert_eq!(space_label("acme.SignalWire.com."), "acme");
        assert_eq!(space_label("ü.signalwire.com"), "ü");
        // The domain's first byte would fall inside `ü`.
        assert_eq!(space_label("aüsignalwire.com"), "aüsignalwire.com");
        assert_eq!(space_label("üüüüüüüü"), "üüüüüüüü");
        assert_eq!(space_label(""), "");
    }

    #[test]
    fn api_path_is_what_the_spec_gives() {
        assert_eq!(
            telauth_signalwire::base_url("acme").unwrap(),
            format!("https://acme.signalwire.com{API_PATH}")
        );
    }

    #[test]
    fn every_listed_permission_round_trips_and_others_are_refused() {
        assert_eq!(Permission::VALUES.len(), 11);
        for name in Permission::VALUES {
            assert_eq!(name.parse::<Permission>().unwrap().to_string(), *name);
        }
        assert!("admin".parse::<Permission>().is_err());
        assert!("Messaging".parse::<Permission>().is_err());
    }
}
