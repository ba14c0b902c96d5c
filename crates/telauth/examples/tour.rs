//! A tour of telauth against the offline sandbox: each provider's login, a credential created,
//! used, rotated or revoked, and one deliberate failure.
//!
//! ```sh
//! cargo run -p telauth --example tour
//! ```

use std::time::{Duration, SystemTime};

use telauth::mobivate::{Mobivate, MobivateAccount};
use telauth::signalwire::{Permission, SignalWire, TokenPermissions};
use telauth::smsbeta::{SmsBeta, SmsBetaAccount, password_digest};
use telauth::voipbin::{AccessKeyTimes, TokenSource, VoipBinAccount, VoipBinAuth};
use telauth::{Config, Error, Secret, Vars};
use telauth_sandbox::Sandbox;

/// The first characters of a secret, enough to tell two apart; the rest stays hidden.
fn glimpse(secret: &Secret) -> String {
    let shown: String = secret.expose().chars().take(8).collect();
    format!("{shown}… ({} characters)", secret.expose().len())
}

fn step(text: &str) {
    println!("\n== {text}");
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let sandbox = Sandbox::start("127.0.0.1:0".parse()?).await?;
    let info = sandbox.info().clone();
    println!("The sandbox answers like the four providers, offline, on one loopback port:");
    for (provider, url) in [
        ("SMSBeta", &info.smsbeta.origin),
        ("VoIPBIN", &info.voipbin.origin),
        ("Mobivate", &info.mobivate.origin),
        ("SignalWire", &info.signalwire.origin),
    ] {
        println!("  {provider:<10} {url}");
    }

    // The variables that point a program at the sandbox, as a program reads them: every
    // client and credential below comes from them, with no string re-parsed by hand.
    let vars = Vars::from_iter(info.env_vars());
    let config = Config::new().user_agent_suffix("telauth-tour");

    step("SMSBeta: log in with mail and password; only the md5 digest leaves this program");
    let smsbeta = SmsBeta::from_vars(&vars, &config)?;
    let credentials = SmsBetaAccount::from_vars(&vars)?;
    println!(
        "digest sent: {}",
        password_digest(&credentials.password).expose()
    );
    let login = smsbeta.login(&credentials).await?;
    println!("as Debug, secrets stay hidden: {login:?}");
    println!("API token: {}", glimpse(&login.token));

    step("VoIPBIN: log in for a JWT and read its expiry from the `exp` claim");
    let tokens = TokenSource::from_vars(&vars, &config)?;
    let jwt = tokens.token().await?;
    let left = jwt
        .expires_at
        .duration_since(SystemTime::now())
        .unwrap_or_default();
    println!(
        "JWT {} for {}, expires in {:.1} days; the token source renews it shortly before",
        glimpse(&jwt.token),
        jwt.username,
        left.as_secs_f64() / 86_400.0
    );

    step(
        "VoIPBIN: create an access key with the JWT, then use the key (as the cookie `accesskey`)",
    );
    let with_jwt = tokens.client().await?;
    let created = with_jwt
        .create_access_key(
            Duration::from_secs(30 * 86_400),
            Some("tour"),
            Some("made by the tour"),
        )
        .await?;
    let key = &created.key;
    println!(
        "created key {} named {:?}: {}, expires {:?}",
        key.id,
        key.name,
        glimpse(&created.token),
        key.expires_at()
    );
    let with_key = with_jwt.with_auth(&VoipBinAuth::AccessKey(created.token.clone()));
    let all = with_key.all_access_keys(Some(100)).await?;
    println!(
        "listed with the key itself: {} key(s); tokens are never listed, deleted keys neither",
        all.len()
    );
    let renamed = with_key
        .update_access_key(key.id, Some("tour-renamed"), None)
        .await?;
    println!(
        "renamed to {:?}; its detail {:?} is kept (VoIPBIN's PUT replaces both, so the key is read first)",
        renamed.name, renamed.detail
    );
    let deleted = with_jwt.delete_access_key(key.id).await?;
    println!("deleted at {:?}", deleted.deleted_at());
    match with_key.all_access_keys(None).await {
        Err(error) => println!(
            "after deleting it, the key is refused ({}): {error}",
            if error.is_credentials_refused() {
                "credentials refused"
            } else {
                "another error"
            }
        ),
        Ok(_) => println!("unexpected: the deleted key still works"),
    }

    step("Mobivate: get the API key, check it, rotate it");
    let mobivate = Mobivate::from_vars(&vars, &config)?;
    let account = MobivateAccount::from_vars(&vars)?;
    let old = mobivate.get_key(&account).await?;
    println!(
        "current key {}: {}",
        glimpse(&old),
        mobivate.test_key(&old).await?
    );
    let new = mobivate.create_key(&account).await?;
    println!(
        "rotated to {}: {}",
        glimpse(&new),
        mobivate.test_key(&new).await?
    );
    if let Err(error) = mobivate.test_key(&old).await {
        println!("the old key no longer works: {error}");
    }

    step("SignalWire: create a scoped project token, rename it, revoke it");
    let signalwire = SignalWire::from_vars(&vars, &config)?;
    let token = signalwire
        .create_token("tour", &[Permission::Messaging, Permission::Numbers], None)
        .await?;
    println!(
        "token {} with {:?}: {:?}",
        token.id,
        token.typed_permissions(),
        token.token
    );
    let renamed = signalwire
        .update_token(token.id, Some("tour-renamed"), None)
        .await?;
    println!(
        "renamed to {:?}, permissions kept: {:?}",
        renamed.name,
        renamed.typed_permissions()
    );
    signalwire.delete_token(token.id).await?;
    if let Err(error) = signalwire.update_token(token.id, Some("gone"), None).await {
        println!("after the delete: {error}");
    }

    step("A deliberate failure: VoIPBIN login with a wrong password");
    let wrong = VoipBinAccount {
        password: Secret::from("not-the-password"),
        ..VoipBinAccount::from_vars(&vars)?
    };
    // Any VoIPBIN client can log in; the one above, say.
    let error: Error = with_jwt
        .login(&wrong)
        .await
        .expect_err("a wrong password is refused");
    println!("the error a user sees: {error}");
    println!(
        "provider {}, operation {}, status {:?}, credentials refused: {}, retryable: {}",
        error.provider(),
        error.operation(),
        error.status(),
        error.is_credentials_refused(),
        error.is_retryable()
    );

    sandbox.stop().await;
    println!("\nDone: every call above went to the offline sandbox.");
    Ok(())
}
