//! Recent activity, read from calls telauth does not wrap, with the tool's own HTTP client and
//! the facade's credentials: VoIPBIN's calls (`GET /v1.0/calls`, from VoIPBIN's published
//! OpenAPI) with a renewing JWT, and SignalWire's messages (the Compatibility API's
//! `GET /api/laml/2010-04-01/Accounts/{AccountSid}/Messages`) with the project's Basic pair.

use serde::Deserialize;
use telauth::signalwire::SignalWire;
use telauth::voipbin::TokenSource;
use telauth::{Config, Vars};

/// Any failure of a run: telauth's, the HTTP client's, or a variable this module reads.
pub type Failure = Box<dyn std::error::Error + Send + Sync>;

/// A call, as `GET /v1.0/calls` lists it (the fields this tool shows).
#[derive(Debug, Deserialize)]
pub struct Call {
    /// The call's id.
    pub id: String,
    /// `dialing`, `ringing`, `progressing`, `terminating`, `canceling` or `hangup`.
    pub status: String,
    /// `incoming` or `outgoing`.
    #[serde(default)]
    pub direction: Option<String>,
}

#[derive(Deserialize)]
struct CallPage {
    #[serde(default)]
    result: Vec<Call>,
}

/// A message, as the Compatibility API lists it (the fields this tool shows).
#[derive(Debug, Deserialize)]
pub struct Message {
    /// The message's id.
    pub sid: String,
    /// Its status (`queued`, `sent`, `delivered`, `received`, ...).
    pub status: String,
}

#[derive(Deserialize)]
struct MessagePage {
    #[serde(default)]
    messages: Vec<Message>,
}

/// What a run read.
#[derive(Debug)]
pub struct Activity {
    /// VoIPBIN's most recent calls.
    pub calls: Vec<Call>,
    /// SignalWire's most recent messages.
    pub messages: Vec<Message>,
}

/// The tool's HTTP client: telauth's rules (no redirect, no plain-`http` proxy) on its own
/// builder.
pub fn http_client() -> Result<reqwest::Client, Failure> {
    let builder = reqwest::Client::builder().user_agent("ops-tool/0.0");
    Ok(telauth::secure_client(builder).build()?)
}

/// Reads the last `count` calls and messages. VoIPBIN logs in with `VOIPBIN_USERNAME` and
/// `VOIPBIN_PASSWORD`; SignalWire uses `SIGNALWIRE_SPACE`, `SIGNALWIRE_PROJECT_ID` and
/// `SIGNALWIRE_API_TOKEN`; each origin is `TELAUTH_<PROVIDER>_ORIGIN` when set, as the facade
/// reads it (a `config` origin would make the facade refuse these URLs).
pub async fn recent_activity(
    vars: &Vars,
    config: &Config,
    http: &reqwest::Client,
    count: u32,
) -> Result<Activity, Failure> {
    let tokens = TokenSource::from_vars(vars, config)?;
    let voipbin = vars
        .get("TELAUTH_VOIPBIN_ORIGIN")
        .unwrap_or_else(|| "https://api.voipbin.net".into());
    let calls = tokens
        .authorize(http.get(format!("{voipbin}/v1.0/calls?page_size={count}")))
        .await?
        .send()
        .await?
        .error_for_status()?
        .json::<CallPage>()
        .await?
        .result;

    let signalwire = SignalWire::from_vars(vars, config)?;
    let project = vars
        .get("SIGNALWIRE_PROJECT_ID")
        .ok_or("SIGNALWIRE_PROJECT_ID is not set")?;
    let origin = match vars.get("TELAUTH_SIGNALWIRE_ORIGIN") {
        Some(origin) => origin,
        None => {
            let space = vars
                .get("SIGNALWIRE_SPACE")
                .ok_or("SIGNALWIRE_SPACE is not set")?;
            format!("https://{space}.signalwire.com")
        }
    };
    let url = format!("{origin}/api/laml/2010-04-01/Accounts/{project}/Messages?PageSize={count}");
    let messages = signalwire
        .authorize(http.get(url))?
        .send()
        .await?
        .error_for_status()?
        .json::<MessagePage>()
        .await?
        .messages;
    Ok(Activity { calls, messages })
}
