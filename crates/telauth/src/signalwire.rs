//! SignalWire: create, update and delete a project's API tokens, with HTTP Basic auth (the
//! project id and an API token that has the `management` permission).

mod authorize;

use telauth_runtime::Secret;
use telauth_signalwire::types::{
    CompatibilityErrorResponse, CompatibilityTokenValidationError, CreateTokenError,
    CreateTokenRequestName, TokenResponse, UpdateTokenError,
};
use telauth_signalwire::{Client, Credentials, operations};
use uuid::Uuid;

use crate::connection::{Connection, generated_client};
use crate::env::Reader;
use crate::error::ErrorBody;
use crate::{Config, Error, Provider, Vars};

pub use telauth_signalwire::types;
/// A permission of a project API token: exactly those SignalWire documents, listed in
/// [`Permission::VALUES`]; `FromStr` and `Display` use those names.
pub use telauth_signalwire::types::Permission;

/// The API's path below the origin (a space's), from the spec's `servers`.
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

/// What authorizes a SignalWire client's calls: the space, the project and an API token.
#[derive(Clone, Debug)]
pub struct SignalWireAuth {
    /// The space: its name (`example`) or its host name (`example.signalwire.com`).
    pub space: String,
    /// The project id (the `AccountSid`, and the Basic auth username).
    pub project_id: Uuid,
    /// An API token with the `management` permission (the Basic auth password).
    pub api_token: Secret,
}

impl SignalWireAuth {
    /// Reads `SIGNALWIRE_SPACE`, `SIGNALWIRE_PROJECT_ID` (a uuid) and `SIGNALWIRE_API_TOKEN`
    /// from `vars`, all required; an error names every one that is missing.
    ///
    /// # Examples
    ///
    /// ```
    /// use telauth::Vars;
    /// use telauth::signalwire::SignalWireAuth;
    ///
    /// let vars = Vars::from_iter([("SIGNALWIRE_SPACE", "example")]);
    /// let error = SignalWireAuth::from_vars(&vars).unwrap_err();
    /// assert!(error.to_string().ends_with(
    ///     "the environment variables SIGNALWIRE_PROJECT_ID, SIGNALWIRE_API_TOKEN are not set"
    /// ));
    /// ```
    pub fn from_vars(vars: &Vars) -> Result<Self, Error> {
        let mut read = Reader::new(vars, PROVIDER);
        let space = read.required("SIGNALWIRE_SPACE");
        let project_id = read.required("SIGNALWIRE_PROJECT_ID");
        let api_token = read.secret("SIGNALWIRE_API_TOKEN");
        read.finish()?;
        let project_id = project_id.parse().map_err(|_| {
            Error::invalid_input(PROVIDER, "env", "SIGNALWIRE_PROJECT_ID is not a uuid")
        })?;
        Ok(Self {
            space,
            project_id,
            api_token,
        })
    }
}

/// The permissions of a token, as [`Permission`]s: what [`SignalWire::create_token`] and
/// [`SignalWire::update_token`] take. SignalWire's answer lists them as text
/// ([`TokenResponse::permissions`]); one this crate does not know reads as
/// `Permission::Unknown`, keeping its name.
///
/// # Examples
///
/// ```
/// use telauth::signalwire::{Permission, TokenPermissions, types::TokenResponse};
///
/// let token: TokenResponse = serde_json::from_value(serde_json::json!({
///     "id": "0c7e7a2e-5d0b-4f0e-9a51-3f8d2b6c1e47", "name": "sms-sender",
///     "permissions": ["messaging", "holograms"], "token": "PT…",
/// }))?;
/// let permissions = token.typed_permissions();
/// assert_eq!(permissions[0], Permission::Messaging);
/// assert_eq!(permissions[1].to_string(), "holograms"); // Permission::Unknown
/// assert!(token.has_permission(&Permission::Messaging));
/// # Ok::<(), serde_json::Error>(())
/// ```
pub trait TokenPermissions: sealed::Sealed {
    /// The token's permissions, in the order SignalWire answered them.
    fn typed_permissions(&self) -> Vec<Permission>;
    /// Whether the token has `permission`.
    fn has_permission(&self, permission: &Permission) -> bool {
        self.typed_permissions().contains(permission)
    }
}

mod sealed {
    pub trait Sealed {}
    impl Sealed for super::TokenResponse {}
}

impl TokenPermissions for TokenResponse {
    fn typed_permissions(&self) -> Vec<Permission> {
        use serde::Deserialize as _;
        use serde::de::IntoDeserializer as _;
        self.permissions
            .iter()
            .filter_map(|name| {
                let name: serde::de::value::StrDeserializer<'_, serde::de::value::Error> =
                    name.as_str().into_deserializer();
                // A string always decodes: a listed name, or `Unknown` keeping the text.
                Permission::deserialize(name).ok()
            })
            .collect()
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
        .map_err(|_| Error::invalid_input(PROVIDER, operation, "a token's name cannot be empty"))
}

/// A SignalWire client for one project.
#[derive(Clone, Debug)]
pub struct SignalWire {
    connection: Connection,
    client: Client,
    project_id: Uuid,
    api_token: Secret,
}

impl SignalWire {
    /// A client for `auth`'s project, at `https://<space>.signalwire.com` unless `config`
    /// sets another origin. The space is its name (`example`) or its host name
    /// (`example.signalwire.com`, as SignalWire's own SDK takes it); anything else is refused.
    ///
    /// # Examples
    ///
    /// ```
    /// use telauth::signalwire::{SignalWire, SignalWireAuth};
    /// use telauth::{Config, Secret};
    ///
    /// let mut auth = SignalWireAuth {
    ///     space: "example".into(), // or "example.signalwire.com"
    ///     project_id: "b3877c40-da60-4998-90ad-b792e98472af".parse().expect("a uuid"),
    ///     api_token: Secret::from("PT…"),
    /// };
    /// let signalwire = SignalWire::new(&Config::new(), &auth)?;
    /// // A URL is not a space.
    /// auth.space = "https://example.signalwire.com".into();
    /// assert!(SignalWire::new(&Config::new(), &auth).unwrap_err().is_local());
    /// # Ok::<(), telauth::Error>(())
    /// ```
    pub fn new(config: &Config, auth: &SignalWireAuth) -> Result<Self, Error> {
        let production = telauth_signalwire::base_url(space_label(&auth.space))
            .map_err(|error| Error::invalid_input(PROVIDER, "config", error.to_string()))?;
        let connection = Connection::new(config, PROVIDER, || production, API_PATH)?;
        Ok(Self {
            client: connection.client(Credentials::signal_wire_basic_auth(
                auth.project_id.to_string(),
                auth.api_token.clone(),
            )),
            connection,
            project_id: auth.project_id,
            api_token: auth.api_token.clone(),
        })
    }

    /// A client with `config`, its origin from `TELAUTH_SIGNALWIRE_ORIGIN` in `vars` when
    /// `config` sets none (else the space's), holding the space, project and token of
    /// [`SignalWireAuth::from_vars`], all required.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), telauth::Error> {
    /// use telauth::signalwire::{Permission, SignalWire};
    /// use telauth::{Config, Vars};
    ///
    /// let signalwire = SignalWire::from_vars(&Vars::process(), &Config::new())?;
    /// let token = signalwire.create_token("ci", &[Permission::Messaging], None).await?;
    /// println!("created {}", token.id);
    /// # Ok(()) }
    /// ```
    pub fn from_vars(vars: &Vars, config: &Config) -> Result<Self, Error> {
        let auth = SignalWireAuth::from_vars(vars)?;
        Self::new(&config.or_origin_from(PROVIDER, vars), &auth)
    }

    /// Creates a token named `name` with `permissions`, for the project or one of its
    /// subprojects. The answer carries the new token's secret. An empty name or no permission
    /// is refused here, before anything is sent.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), telauth::Error> {
    /// use telauth::{Config, Vars};
    /// use telauth::signalwire::{Permission, SignalWire};
    ///
    /// let signalwire = SignalWire::from_vars(&Vars::process(), &Config::new())?;
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
        const OPERATION: &str = operations::CREATE_TOKEN;
        if permissions.is_empty() {
            return Err(Error::invalid_input(
                PROVIDER,
                OPERATION,
                "a token needs at least one permission",
            ));
        }
        let name = token_name::<CreateTokenRequestName>(OPERATION, name)?;
        let request = self
            .client
            .create_token()
            .account_sid(self.project_id)
            .body_map(|body| {
                body.name(name)
                    .permissions(permissions.to_vec())
                    .subproject_id(subproject_id)
            });
        self.connection.call(OPERATION, request.send().await)
    }

    /// Changes a token's name, its permissions, or both; what is `None` is kept. Giving neither,
    /// an empty name or an empty permission list is refused here, before anything is sent.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
    /// use telauth::{Config, Vars};
    /// use telauth::signalwire::{Permission, SignalWire};
    ///
    /// let signalwire = SignalWire::from_vars(&Vars::process(), &Config::new())?;
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
        const OPERATION: &str = operations::UPDATE_TOKEN;
        let (name, permissions) = match (name, permissions) {
            (None, None) => {
                return Err(Error::invalid_input(
                    PROVIDER,
                    OPERATION,
                    "give a new name or new permissions (or both)",
                ));
            }
            (_, Some([])) => {
                return Err(Error::invalid_input(
                    PROVIDER,
                    OPERATION,
                    "a token needs at least one permission; leave permissions out to keep them",
                ));
            }
            (name, permissions) => (
                name.map(|name| token_name(OPERATION, name)).transpose()?,
                permissions.map(<[Permission]>::to_vec).unwrap_or_default(),
            ),
        };
        let request = self
            .client
            .update_token()
            .account_sid(self.project_id)
            .token_id(token_id)
            .body_map(|body| body.name(name).permissions(permissions));
        self.connection.call(OPERATION, request.send().await)
    }

    /// Deletes a token. Retried as the [`Config::retry`] policy says.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
    /// use telauth::{Config, Vars};
    /// use telauth::signalwire::SignalWire;
    ///
    /// let signalwire = SignalWire::from_vars(&Vars::process(), &Config::new())?;
    /// let token_id = "0c7e7a2e-5d0b-4f0e-9a51-3f8d2b6c1e47".parse()?; // a token made earlier
    /// // Revoked: whatever still presents this token is refused from now on.
    /// signalwire.delete_token(token_id).await?;
    /// # Ok(()) }
    /// ```
    pub async fn delete_token(&self, token_id: Uuid) -> Result<(), Error> {
        self.connection
            .idempotent(operations::DELETE_TOKEN, || {
                self.client
                    .delete_token()
                    .account_sid(self.project_id)
                    .token_id(token_id)
                    .send()
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
