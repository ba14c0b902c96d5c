//! What the sandbox tells its clients: where each provider is served, the demo credentials it
//! accepts, and the environment that points a program at it.

use serde::Serialize;

use crate::mobivate;
use crate::signalwire::{self, SignalWireInfo};
use crate::smsbeta::{self, SmsBetaInfo};
use crate::voipbin;
use crate::webhook::WebhookInfo;

/// Where each provider is served and the demo credentials it accepts.
#[derive(Clone, Debug, Serialize)]
pub struct SandboxInfo {
    /// SMSBeta.
    pub smsbeta: SmsBetaInfo,
    /// VoIPBIN.
    pub voipbin: AccountInfo,
    /// Mobivate.
    pub mobivate: AccountInfo,
    /// SignalWire.
    pub signalwire: SignalWireInfo,
    /// The keys the sandbox signs the webhooks it delivers with.
    pub webhooks: WebhookInfo,
}

/// A provider's base URL and demo username and password (VoIPBIN's and Mobivate's).
#[derive(Clone, Debug, Serialize)]
pub struct AccountInfo {
    /// The origin to give a client (the API's paths follow it).
    pub origin: String,
    /// `ADDRESS:PORT` of the provider's own port, where the API's paths start at the root:
    /// `http://{host}` is an origin too, for code that takes a host.
    pub host: String,
    /// The username.
    pub username: String,
    /// The password.
    pub password: String,
}

impl AccountInfo {
    /// The demo account `username`/`password` of the provider served under `prefix` below the
    /// shared port's `origin`, and at the root of `host`.
    pub(crate) fn demo(
        origin: &str,
        prefix: &str,
        host: String,
        username: &str,
        password: &str,
    ) -> Self {
        Self {
            origin: format!("{origin}{prefix}"),
            host,
            username: username.into(),
            password: password.into(),
        }
    }

    /// `(name, value)` for the variables named `[origin, username, password]`.
    pub(crate) fn env_vars(&self, names: [&'static str; 3]) -> [(&'static str, String); 3] {
        let [origin, username, password] = names;
        [
            (origin, self.origin.clone()),
            (username, self.username.clone()),
            (password, self.password.clone()),
        ]
    }
}

impl SandboxInfo {
    /// The environment variables that point the `telauth` SDK's `from_vars` loaders and the
    /// `telauth` command at this sandbox, as `(name, value)` in a fixed order: for each
    /// provider, `TELAUTH_<PROVIDER>_ORIGIN` (its [`origin`](AccountInfo::origin)), then its
    /// demo credentials — `SMSBETA_MAIL`, `SMSBETA_PASSWORD`, `VOIPBIN_USERNAME`,
    /// `VOIPBIN_PASSWORD`, `MOBIVATE_USERNAME`, `MOBIVATE_PASSWORD`, `SIGNALWIRE_SPACE`,
    /// `SIGNALWIRE_PROJECT_ID`, `SIGNALWIRE_API_TOKEN`; last, the keys its webhooks are signed
    /// with, `SIGNALWIRE_SIGNING_KEY` and `VOIPBIN_WEBHOOK_SECRET`. Give them to a child process with
    /// `Command::envs`.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let sandbox = telauth_sandbox::Sandbox::start("127.0.0.1:0".parse().unwrap()).await?;
    /// let vars = sandbox.info().env_vars();
    /// assert_eq!(vars[0], ("TELAUTH_SMSBETA_ORIGIN", sandbox.info().smsbeta.origin.clone()));
    /// # Ok(()) }
    /// ```
    pub fn env_vars(&self) -> Vec<(&'static str, String)> {
        let mut vars = Vec::with_capacity(15);
        vars.extend(smsbeta::env_vars(&self.smsbeta));
        vars.extend(voipbin::env_vars(&self.voipbin));
        vars.extend(mobivate::env_vars(&self.mobivate));
        vars.extend(signalwire::env_vars(&self.signalwire));
        vars.extend(self.webhooks.env_vars());
        vars
    }
}
