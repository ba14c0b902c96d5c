//! Carrying out a parsed command line with the telauth facade.

use std::io::{BufRead, IsTerminal};
use std::time::Duration;

use serde::Serialize;
use serde_json::{Value, json};
use telauth::mobivate::{Mobivate, MobivateAccount, MobivateAuth};
use telauth::signalwire::{SignalWire, SignalWireAuth};
use telauth::smsbeta::{self, SmsBeta, SmsBetaAccount};
use telauth::voipbin::{VoipBin, VoipBinAccount, VoipBinAuth};
use telauth::{Config, Error, ErrorKind, Provider, RetryPolicy, Secret, Vars};

use crate::args::{
    AccesskeysCommand, Cli, MobivateCommand, PasswordSource, ProviderCommand, SignalWireCommand,
    SmsBetaCommand, TokensCommand, VoipBinCommand,
};
use crate::secrets::Secrets;

/// Runs `cli`, adding to `secrets` every secret it sends; answers the JSON document to print.
pub async fn run(cli: &Cli, secrets: &Secrets) -> Result<Value, Error> {
    let config = |provider: Provider| {
        let config = match &cli.origin {
            Some(origin) => Config::new().origin(origin.as_str()),
            None => match Vars::process().get(provider.origin_variable()) {
                Some(origin) => Config::new().origin(origin),
                None => Config::new(),
            },
        };
        let config = config.timeout(Duration::from_secs(cli.timeout));
        if cli.retries > 0 {
            config.retry(RetryPolicy::new(cli.retries))
        } else {
            config
        }
    };
    match &cli.provider {
        ProviderCommand::Smsbeta { command } => {
            smsbeta(&config(Provider::SmsBeta), command, secrets).await
        }
        ProviderCommand::Voipbin { command } => {
            voipbin(&config(Provider::VoipBin), command, secrets).await
        }
        ProviderCommand::Mobivate { command } => {
            mobivate(&config(Provider::Mobivate), command, secrets).await
        }
        ProviderCommand::Signalwire { command } => {
            signalwire(&config(Provider::SignalWire), command, secrets).await
        }
        // Answered before anything runs (see main).
        ProviderCommand::Completions { .. } | ProviderCommand::Man => Ok(Value::Null),
    }
}

/// The answer as JSON, its secrets included: printing the obtained secret is the point of the
/// command, so it is exposed here, deliberately.
fn to_json(value: impl Serialize) -> Result<Value, Error> {
    // Serializing the answers cannot fail: they are plain data.
    Ok(telauth::expose_secrets(|| serde_json::to_value(value)).unwrap_or(Value::Null))
}

/// A username from its option, or else from its environment variable; a password from
/// standard input or its environment variable, added to `secrets`.
fn login_pair(
    secrets: &Secrets,
    provider: Provider,
    username: &Option<String>,
    username_variable: &'static str,
    password: &PasswordSource,
    password_variable: &'static str,
) -> Result<(String, Secret), Error> {
    let missing = |variable| {
        let variables = vec![variable];
        Error::new(provider, "env", ErrorKind::MissingEnv { variables })
    };
    let username = match username {
        Some(username) => username.clone(),
        None => std::env::var(username_variable)
            .ok()
            .filter(|value| !value.is_empty())
            .ok_or_else(|| missing(username_variable))?,
    };
    let password = if password.password_stdin {
        // The line is wiped when dropped, once its text is copied into the Secret; room for a long
        // password up front, so that reading does not reallocate and leave a copy behind.
        let mut line = zeroize::Zeroizing::new(String::with_capacity(1024));
        std::io::stdin()
            .lock()
            .read_line(&mut line)
            .map_err(|error| {
                Error::new(
                    provider,
                    "stdin",
                    ErrorKind::InvalidInput {
                        reason: format!("cannot read the password from standard input: {error}"),
                    },
                )
            })?;
        let password = line.trim_end_matches(['\r', '\n']);
        if password.is_empty() {
            return Err(Error::new(
                provider,
                "stdin",
                ErrorKind::InvalidInput {
                    reason: "standard input holds no password".into(),
                },
            ));
        }
        Secret::from(password)
    } else if let Some(password) = std::env::var(password_variable)
        .ok()
        .filter(|value| !value.is_empty())
    {
        Secret::from(password)
    } else if std::io::stdin().is_terminal() {
        // Asked on the terminal, without echo; the answer is wiped once copied.
        let typed =
            rpassword::prompt_password(format!("{password_variable} is not set; password: "))
                .map(zeroize::Zeroizing::new)
                .map_err(|error| {
                    Error::new(
                        provider,
                        "terminal",
                        ErrorKind::InvalidInput {
                            reason: format!("cannot read the password from the terminal: {error}"),
                        },
                    )
                })?;
        if typed.is_empty() {
            return Err(missing(password_variable));
        }
        Secret::from(typed.as_str())
    } else {
        return Err(missing(password_variable));
    };
    secrets.add(password.expose());
    Ok((username, password))
}

async fn smsbeta(
    config: &Config,
    command: &SmsBetaCommand,
    secrets: &Secrets,
) -> Result<Value, Error> {
    let SmsBetaCommand::Login { mail, password } = command;
    let (mail, password) = login_pair(
        secrets,
        Provider::SmsBeta,
        mail,
        "SMSBETA_MAIL",
        password,
        "SMSBETA_PASSWORD",
    )?;
    // What is sent is the password's digest.
    secrets.add(smsbeta::password_digest(&password).expose());
    let credentials = SmsBetaAccount { mail, password };
    to_json(SmsBeta::new(config)?.login(&credentials).await?)
}

async fn voipbin(
    config: &Config,
    command: &VoipBinCommand,
    secrets: &Secrets,
) -> Result<Value, Error> {
    let command = match command {
        VoipBinCommand::Login { username, password } => {
            let (username, password) = login_pair(
                secrets,
                Provider::VoipBin,
                username,
                "VOIPBIN_USERNAME",
                password,
                "VOIPBIN_PASSWORD",
            )?;
            let credentials = VoipBinAccount { username, password };
            return to_json(VoipBin::login_only(config)?.login(&credentials).await?);
        }
        VoipBinCommand::Accesskeys { command } => command,
        // Answered before anything runs (see main).
        VoipBinCommand::WebhookVerify { .. } => return Ok(Value::Null),
    };
    let auth = VoipBinAuth::from_vars(&Vars::process())?;
    match &auth {
        VoipBinAuth::Jwt(secret) | VoipBinAuth::AccessKey(secret) => secrets.add(secret.expose()),
    }
    let api = VoipBin::new(config, &auth)?;
    match command {
        AccesskeysCommand::List {
            page_size,
            page_token,
            all: false,
        } => to_json(
            api.list_access_keys(*page_size, page_token.as_deref())
                .await?,
        ),
        AccesskeysCommand::List {
            page_size,
            all: true,
            ..
        } => to_json(json!({ "result": api.all_access_keys(*page_size).await? })),
        AccesskeysCommand::Create {
            expire,
            name,
            detail,
        } => {
            let created = api
                .create_access_key(
                    Duration::from_secs(*expire),
                    name.as_deref(),
                    detail.as_deref(),
                )
                .await?;
            // Printed as VoIPBIN answered it, the token in its place.
            let mut key = created.key;
            key.token = Some(created.token);
            to_json(key)
        }
        AccesskeysCommand::Get { id } => to_json(api.get_access_key(*id).await?),
        AccesskeysCommand::Update { id, name, detail } => to_json(
            api.update_access_key(*id, name.as_deref(), detail.as_deref())
                .await?,
        ),
        AccesskeysCommand::Delete { id } => to_json(api.delete_access_key(*id).await?),
    }
}

async fn mobivate(
    config: &Config,
    command: &MobivateCommand,
    secrets: &Secrets,
) -> Result<Value, Error> {
    let mobivate = Mobivate::new(config)?;
    let credentials = |username: &Option<String>, password: &PasswordSource| {
        login_pair(
            secrets,
            Provider::Mobivate,
            username,
            "MOBIVATE_USERNAME",
            password,
            "MOBIVATE_PASSWORD",
        )
        .map(|(username, password)| MobivateAccount { username, password })
    };
    match command {
        MobivateCommand::Getkey { username, password } => {
            let key = mobivate.get_key(&credentials(username, password)?).await?;
            to_json(json!({ "apiKey": key.expose() }))
        }
        MobivateCommand::Createkey { username, password } => {
            let key = mobivate
                .create_key(&credentials(username, password)?)
                .await?;
            to_json(json!({ "apiKey": key.expose() }))
        }
        MobivateCommand::Test => {
            let key = MobivateAuth::from_vars(&Vars::process())?.api_key;
            secrets.add(key.expose());
            let message = mobivate.test_key(&key).await?;
            to_json(json!({ "message": message }))
        }
    }
}

async fn signalwire(
    config: &Config,
    command: &SignalWireCommand,
    secrets: &Secrets,
) -> Result<Value, Error> {
    let command = match command {
        SignalWireCommand::Tokens { command } => command,
        // Answered before anything runs (see main).
        SignalWireCommand::WebhookVerify { .. } => return Ok(Value::Null),
    };
    let auth = SignalWireAuth::from_vars(&Vars::process())?;
    let token = auth.api_token.expose();
    secrets.add(token);
    secrets.add_basic(&auth.project_id.to_string(), token);
    let signalwire = SignalWire::new(config, &auth)?;
    match command {
        TokensCommand::Create {
            name,
            permissions,
            subproject_id,
        } => to_json(
            signalwire
                .create_token(name, permissions, *subproject_id)
                .await?,
        ),
        TokensCommand::Update {
            token_id,
            name,
            permissions,
        } => {
            let permissions = (!permissions.is_empty()).then_some(permissions.as_slice());
            to_json(
                signalwire
                    .update_token(*token_id, name.as_deref(), permissions)
                    .await?,
            )
        }
        TokensCommand::Delete { token_id } => {
            signalwire.delete_token(*token_id).await?;
            to_json(json!({ "id": token_id, "deleted": true }))
        }
    }
}
