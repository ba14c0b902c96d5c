//! The ops tool's flows, configured only by variables: VoIPBIN (log in, create a 30-day `ci-*`
//! access key, delete the older `ci-*` keys), Mobivate (rotate the API key), SignalWire (a
//! messaging-only project token).
//!
//! `run` takes the variables and the config, so that the tests give it the sandbox's variables
//! while the binary gives it the process environment.

#![forbid(unsafe_code)]

pub mod activity;
pub mod webhooks;

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use telauth::mobivate::{Mobivate, MobivateAccount};
use telauth::signalwire::{Permission, SignalWire, TokenPermissions};
use telauth::voipbin::{AccessKeyTimes, TokenSource};
use telauth::{Config, Error, Secret, Vars};

/// The lifetime of the CI access key.
pub const CI_KEY_LIFETIME: Duration = Duration::from_secs(30 * 86_400);

/// What a run did.
#[derive(Debug)]
pub struct Report {
    /// The new VoIPBIN access key's name and id.
    pub ci_key: (String, String),
    /// Its token, for the CI.
    pub ci_key_token: Secret,
    /// When it expires.
    pub ci_key_expires_at: Option<SystemTime>,
    /// The older `ci-*` keys deleted.
    pub deleted_keys: Vec<String>,
    /// Mobivate's new API key.
    pub mobivate_key: Secret,
    /// The SignalWire token's id and its permissions.
    pub signalwire_token: (String, Vec<Permission>),
}

/// Runs every flow with `vars` and `config`.
pub async fn run(vars: &Vars, config: &Config) -> Result<Report, Error> {
    // VoIPBIN: log in with VOIPBIN_USERNAME and VOIPBIN_PASSWORD.
    let api = TokenSource::from_vars(vars, config)?.client().await?;
    let stamp = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default()
        .as_millis();
    let name = format!("ci-{stamp}");
    let created = api
        .create_access_key(CI_KEY_LIFETIME, Some(&name), Some("made by ops-tool"))
        .await?;
    let mut deleted_keys = Vec::new();
    // Deleted keys are never listed; expired ones are, until deleted.
    for key in api.all_access_keys(Some(100)).await? {
        let is_ci = key
            .name
            .as_deref()
            .is_some_and(|name| name.starts_with("ci-"));
        if is_ci && key.id != created.key.id {
            api.delete_access_key(key.id).await?;
            deleted_keys.push(key.id.to_string());
        }
    }

    // Mobivate: rotate the key with MOBIVATE_USERNAME and MOBIVATE_PASSWORD, then check it.
    let mobivate = Mobivate::from_vars(vars, config)?;
    let mobivate_key = mobivate
        .create_key(&MobivateAccount::from_vars(vars)?)
        .await?;
    mobivate.test_key(&mobivate_key).await?;

    // SignalWire: a token that can only send messages.
    let signalwire = SignalWire::from_vars(vars, config)?;
    let token = signalwire
        .create_token("ops-messaging", &[Permission::Messaging], None)
        .await?;

    Ok(Report {
        ci_key: (name, created.key.id.to_string()),
        ci_key_expires_at: created.key.expires_at(),
        ci_key_token: created.token,
        deleted_keys,
        mobivate_key,
        signalwire_token: (token.id.to_string(), token.typed_permissions()),
    })
}

/// The exit status for `error`: 2 when the provider refused the credentials, 3 for what is
/// missing or wrong locally, 1 otherwise.
pub fn exit_code(error: &Error) -> u8 {
    if error.is_credentials_refused() {
        2
    } else if error.is_local() {
        3
    } else {
        1
    }
}
