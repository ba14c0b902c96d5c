//! A user of every telauth crate, written once against the 0.2 API the way the docs recommend:
//! requests built through builders, answers read through their fields, errors and enums matched
//! with a wildcard arm. It is never changed to follow a spec: the evolution tests
//! (`tests/tests/xtask_jobs/evolution.rs`) check that it still compiles after each compatible
//! spec change.

use telauth::signalwire::Permission;
use telauth::{Config, ErrorKind};
use telauth_mobivate::types as mobivate;
use telauth_signalwire::types as signalwire;
use telauth_smsbeta::types as smsbeta;
use telauth_voipbin::types as voipbin;

/// A boxed error, as an application would carry it.
pub type Failure = Box<dyn std::error::Error + Send + Sync>;

/// SMSBeta through its crate: logs in and reads the envelope.
pub async fn smsbeta_login(client: &telauth_smsbeta::Client) -> Result<Option<String>, Failure> {
    let envelope = client
        .login()
        .body(
            smsbeta::LoginRequest::builder()
                .mail("user@example.com")
                .password("5f4dcc3b5aa765d61d8327deb882cf99"),
        )
        .send()
        .await?
        .into_inner();
    let code = envelope.code;
    let message = envelope.msg.clone();
    Ok(envelope
        .data
        .filter(|_| code == 200)
        .map(|data| format!("{} ({message})", data.mail)))
}

/// VoIPBIN through its crate: logs in, creates, lists, renames, gets and deletes a key.
pub async fn voipbin_keys(client: &telauth_voipbin::Client) -> Result<Vec<String>, Failure> {
    let login = client
        .auth_login()
        .body(
            voipbin::LoginRequest::builder()
                .username("alice")
                .password("secret"),
        )
        .send()
        .await?
        .into_inner();
    let _jwt: &telauth_voipbin::Secret = &login.token;
    let created = client
        .accesskeys_create()
        .body(
            voipbin::AccesskeyCreate::builder()
                .name(Some("ci".to_string()))
                .expire(86_400),
        )
        .send()
        .await?
        .into_inner();
    let page = client
        .accesskeys_list()
        .page_size(10)
        .send()
        .await?
        .into_inner();
    let mut names: Vec<String> = page
        .result
        .iter()
        .map(|key| format!("{} {:?} {:?}", key.id, key.name, key.tm_expire))
        .collect();
    names.extend(page.next_page_token.clone());
    client
        .accesskeys_update()
        .id(created.id)
        .body_map(|body| {
            body.name(Some("renamed".to_string()))
                .detail(created.detail.clone())
        })
        .send()
        .await?;
    let key = client
        .accesskeys_get()
        .id(created.id)
        .send()
        .await?
        .into_inner();
    names.push(key.token_prefix.unwrap_or_default());
    client.accesskeys_delete().id(created.id).send().await?;
    Ok(names)
}

/// What a VoIPBIN error body says, matched as the docs recommend.
pub fn voipbin_error(error: &telauth_voipbin::Error<voipbin::ErrorResponse>) -> String {
    match error {
        telauth_voipbin::Error::ErrorResponse(body) => {
            let status = match &body.error.status {
                voipbin::ErrorDetailStatus::NotFound => "not found".to_string(),
                voipbin::ErrorDetailStatus::ResourceExhausted => "slow down".to_string(),
                voipbin::ErrorDetailStatus::Unknown(value) => format!("new: {}", value.as_str()),
                other => other.to_string(),
            };
            format!(
                "{status}: {} ({})",
                body.error.message, body.error.request_id
            )
        }
        telauth_voipbin::Error::UnexpectedResponse(response) => response.status().to_string(),
        other => other.to_string(),
    }
}

/// Mobivate through its crate: reads the current key and checks it.
pub async fn mobivate_key(client: &telauth_mobivate::Client) -> Result<String, Failure> {
    let key = client
        .getkey()
        .body(
            mobivate::KeyRequest::builder()
                .username("alice")
                .password("secret"),
        )
        .send()
        .await?
        .into_inner();
    let _key: &telauth_mobivate::Secret = &key.api_key;
    let test = client.test().send().await?.into_inner();
    Ok(format!("{test:?}"))
}

/// SignalWire through its crate: creates, updates and deletes a token; reads its errors.
pub async fn signalwire_token(
    client: &telauth_signalwire::Client,
    project: uuid::Uuid,
) -> Result<String, Failure> {
    let created = client
        .create_token()
        .account_sid(project)
        .body(
            signalwire::CreateTokenRequest::builder()
                .name("ci")
                .permissions(vec![signalwire::Permission::Messaging]),
        )
        .send()
        .await;
    let token = match created {
        Ok(token) => token.into_inner(),
        Err(telauth_signalwire::Error::ErrorResponse(body)) => {
            return Ok(match body.into_inner() {
                signalwire::CreateTokenError::TokenValidationError(error) => {
                    format!("invalid {:?}", error.attribute)
                }
                signalwire::CreateTokenError::ErrorResponse(error) => error.message,
                _ => "another error body".into(),
            });
        }
        Err(error) => return Err(error.into()),
    };
    client
        .update_token()
        .account_sid(project)
        .token_id(token.id)
        .body(signalwire::UpdateTokenRequest::builder().permissions(vec![
            signalwire::Permission::Messaging,
            signalwire::Permission::Numbers,
        ]))
        .send()
        .await?;
    client
        .delete_token()
        .account_sid(project)
        .token_id(token.id)
        .send()
        .await?;
    Ok(format!("{} {:?}", token.name, token.permissions))
}

/// A permission's meaning, matched as the docs recommend.
pub fn permission(permission: &Permission) -> &'static str {
    match permission {
        Permission::Messaging => "send messages",
        Permission::Management => "manage the project",
        Permission::Unknown(_) => "a permission added later",
        _ => "another permission",
    }
}

/// The facade: every provider's flow, and its errors matched with a wildcard arm.
pub async fn facade(config: &Config) -> Result<String, telauth::Error> {
    let voipbin = telauth::voipbin::VoipBin::login_only(config)?;
    let jwt = voipbin
        .login(&telauth::voipbin::VoipBinAccount {
            username: "alice".into(),
            password: "secret".into(),
        })
        .await?;
    let _expires = jwt.expires_at;
    let voipbin = voipbin.with_auth(&telauth::voipbin::VoipBinAuth::Jwt(jwt.token));
    let key = voipbin
        .create_access_key(telauth::voipbin::MIN_ACCESS_KEY_LIFETIME, Some("ci"), None)
        .await?;
    let keys = voipbin.all_access_keys(None).await?;
    voipbin.delete_access_key(key.key.id).await?;

    let mobivate = telauth::mobivate::Mobivate::new(config)?;
    let credentials = telauth::mobivate::MobivateAccount {
        username: "alice".into(),
        password: "secret".into(),
    };
    let api_key = mobivate.get_key(&credentials).await?;
    let checked = mobivate.test_key(&api_key).await?;

    let login = telauth::smsbeta::SmsBeta::new(config)?
        .login(&telauth::smsbeta::SmsBetaAccount {
            mail: "user@example.com".into(),
            password: "secret".into(),
        })
        .await?;

    let signalwire = telauth::signalwire::SignalWire::new(
        config,
        &telauth::signalwire::SignalWireAuth {
            space: "example".into(),
            project_id: uuid::Uuid::nil(),
            api_token: "secret".into(),
        },
    )?;
    let token = signalwire
        .create_token("ci", &[Permission::Messaging], None)
        .await?;
    signalwire.delete_token(token.id).await?;
    Ok(format!("{} {checked} {login:?} {}", keys.len(), token.name))
}

/// What went wrong, as an application reports a facade error.
pub fn explain(error: &telauth::Error) -> String {
    match error.kind() {
        ErrorKind::Api { status, .. } | ErrorKind::UnexpectedStatus { status } => {
            format!("{status} {:?}", error.request_id())
        }
        ErrorKind::Timeout => "timed out".into(),
        _ => error.to_string(),
    }
}
