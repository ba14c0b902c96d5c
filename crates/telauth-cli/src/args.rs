//! The command line: providers, their commands, and the global options.

use clap::builder::TypedValueParser as _;
use clap::{Args, Parser, Subcommand};
use telauth::signalwire::Permission;
use uuid::Uuid;

/// Log in, get and rotate keys and tokens at SMSBeta, VoIPBIN, Mobivate and SignalWire.
///
/// Passwords and credentials come from environment variables (or standard input with
/// --password-stdin), never from arguments. Success prints one JSON document on stdout (see
/// --format and --field). Exit status: 0 success, 1 the provider answered an error (or a value
/// to print as it is with a control character in it, or stdout closed), 2 bad usage, a missing
/// credential or an unconfirmed destructive call (nothing was sent), 3 network failure or
/// timeout, 4 a credential was issued (createkey, accesskeys create, tokens create) but could
/// not be printed as asked: the answer is on stderr, as JSON, instead.
#[derive(Parser, Debug)]
#[command(name = "telauth", version)]
pub struct Cli {
    /// Replace the provider's origin (scheme, host, port, optional path prefix); the API's own
    /// path is appended. Default: $TELAUTH_<PROVIDER>_ORIGIN, else the provider's production
    /// URL.
    #[arg(long, global = true, value_name = "URL")]
    pub origin: Option<String>,

    /// Request timeout in seconds.
    #[arg(long, global = true, value_name = "SECS", default_value_t = 30)]
    pub timeout: u64,

    /// Retry idempotent calls (reads, updates, deletes) up to N times on a retryable failure.
    #[arg(long, global = true, value_name = "N", default_value_t = 0)]
    pub retries: u32,

    /// How to print the answer: json, or for commands that obtain a credential `env`
    /// (`export NAME='value'` for the next command) or `raw` (the secret alone).
    #[arg(long, global = true, value_enum, default_value_t = Format::Json)]
    pub format: Format,

    /// Print only this field of the answer (a string as it is, anything else as JSON); a string
    /// with a control character in it is refused (exit 1), not printed changed.
    #[arg(long, global = true, value_name = "NAME", conflicts_with = "format")]
    pub field: Option<String>,

    /// Go ahead with a destructive call (a delete, Mobivate's key rotation) without asking.
    #[arg(long, global = true)]
    pub yes: bool,

    /// Print one line per request on stderr: method, path, status, elapsed time and the
    /// provider's request id; never a query, a header or a body.
    #[arg(long, global = true)]
    pub debug: bool,

    /// The provider, or a helper command.
    #[command(subcommand)]
    pub provider: ProviderCommand,
}

/// How the answer is printed.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// The whole answer as JSON.
    Json,
    /// `export NAME='value'` for the credential the next command reads.
    Env,
    /// The obtained secret alone.
    Raw,
}

/// A provider and what to do there.
#[derive(Subcommand, Debug)]
pub enum ProviderCommand {
    /// SMSBeta (SMSBETA_MAIL, SMSBETA_PASSWORD).
    Smsbeta {
        /// What to do.
        #[command(subcommand)]
        command: SmsBetaCommand,
    },
    /// VoIPBIN (VOIPBIN_USERNAME, VOIPBIN_PASSWORD; VOIPBIN_ACCESSKEY or VOIPBIN_TOKEN;
    /// VOIPBIN_WEBHOOK_SECRET).
    Voipbin {
        /// What to do.
        #[command(subcommand)]
        command: VoipBinCommand,
    },
    /// Mobivate (MOBIVATE_USERNAME, MOBIVATE_PASSWORD, MOBIVATE_API_KEY).
    Mobivate {
        /// What to do.
        #[command(subcommand)]
        command: MobivateCommand,
    },
    /// SignalWire (SIGNALWIRE_SPACE, SIGNALWIRE_PROJECT_ID, SIGNALWIRE_API_TOKEN;
    /// SIGNALWIRE_SIGNING_KEY).
    Signalwire {
        /// What to do.
        #[command(subcommand)]
        command: SignalWireCommand,
    },
    /// Print a completion script for a shell (bash, zsh, fish, powershell, elvish).
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff), for `man -l -` or a man directory.
    Man,
}

impl ProviderCommand {
    /// The environment variable the next command reads the credential this command obtains
    /// from, and the answer's field that holds it, when it obtains one.
    pub fn credential(&self) -> Option<(&'static str, &'static str)> {
        match self {
            Self::Smsbeta {
                command: SmsBetaCommand::Login { .. },
            } => Some(("SMSBETA_TOKEN", "token")),
            Self::Voipbin {
                command: VoipBinCommand::Login { .. },
            } => Some(("VOIPBIN_TOKEN", "token")),
            Self::Voipbin {
                command:
                    VoipBinCommand::Accesskeys {
                        command: AccesskeysCommand::Create { .. },
                    },
            } => Some(("VOIPBIN_ACCESSKEY", "token")),
            Self::Mobivate {
                command: MobivateCommand::Getkey { .. } | MobivateCommand::Createkey { .. },
            } => Some(("MOBIVATE_API_KEY", "apiKey")),
            Self::Signalwire {
                command:
                    SignalWireCommand::Tokens {
                        command: TokensCommand::Create { .. },
                    },
            } => Some(("SIGNALWIRE_API_TOKEN", "token")),
            _ => None,
        }
    }

    /// Whether this command has the provider issue a new credential that no other call shows
    /// again (`mobivate createkey`, which also revokes the old key, `voipbin accesskeys
    /// create`, `signalwire tokens create`): its answer must reach the user whatever happens
    /// to the format asked for.
    pub fn issues(&self) -> bool {
        matches!(
            self,
            Self::Mobivate {
                command: MobivateCommand::Createkey { .. },
            } | Self::Voipbin {
                command: VoipBinCommand::Accesskeys {
                    command: AccesskeysCommand::Create { .. },
                },
            } | Self::Signalwire {
                command: SignalWireCommand::Tokens {
                    command: TokensCommand::Create { .. },
                },
            }
        )
    }

    /// What a destructive command destroys, for its confirmation; `None` for the others.
    pub fn destroys(&self) -> Option<&'static str> {
        match self {
            Self::Mobivate {
                command: MobivateCommand::Createkey { .. },
            } => Some("issues a new Mobivate API key and revokes the current one"),
            Self::Voipbin {
                command:
                    VoipBinCommand::Accesskeys {
                        command: AccesskeysCommand::Delete { .. },
                    },
            } => Some("deletes the VoIPBIN access key"),
            Self::Signalwire {
                command:
                    SignalWireCommand::Tokens {
                        command: TokensCommand::Delete { .. },
                    },
            } => Some("deletes the SignalWire API token"),
            _ => None,
        }
    }
}

/// Where a password comes from.
#[derive(Args, Debug)]
pub struct PasswordSource {
    /// Read the password from the first line of standard input instead of the environment.
    /// Without it and without the environment variable, a terminal is asked, without echo.
    #[arg(long)]
    pub password_stdin: bool,
}

/// SMSBeta's commands.
#[derive(Subcommand, Debug)]
pub enum SmsBetaCommand {
    /// Log in for the account's API token (sends the md5 digest of SMSBETA_PASSWORD).
    Login {
        /// The account's email address (default: $SMSBETA_MAIL).
        #[arg(long)]
        mail: Option<String>,
        /// Where the password comes from.
        #[command(flatten)]
        password: PasswordSource,
    },
}

/// VoIPBIN's commands.
#[derive(Subcommand, Debug)]
pub enum VoipBinCommand {
    /// Log in for a JWT valid 7 days (password from VOIPBIN_PASSWORD).
    Login {
        /// The username (default: $VOIPBIN_USERNAME).
        #[arg(long)]
        username: Option<String>,
        /// Where the password comes from.
        #[command(flatten)]
        password: PasswordSource,
    },
    /// Manage access keys (with VOIPBIN_ACCESSKEY as the cookie accesskey, or else VOIPBIN_TOKEN as
    /// Bearer).
    Accesskeys {
        /// What to do.
        #[command(subcommand)]
        command: AccesskeysCommand,
    },
    /// Check a webhook's X-VoIPBIN-Signature against the raw body on standard input, with the
    /// secret in VOIPBIN_WEBHOOK_SECRET. Exit status: 0 valid, 1 not valid (the reason on
    /// stderr), 2 bad usage or no secret.
    WebhookVerify {
        /// The X-VoIPBIN-Signature header's value (`sha256=<hex>`).
        #[arg(long, value_name = "SIG")]
        signature: String,
    },
}

/// VoIPBIN's access key commands.
#[derive(Subcommand, Debug)]
pub enum AccesskeysCommand {
    /// List access keys, one page or all of them.
    List {
        /// Keys per page (the server caps it at 100).
        #[arg(long)]
        page_size: Option<u32>,
        /// The previous page's next_page_token.
        #[arg(long, conflicts_with = "all")]
        page_token: Option<String>,
        /// Follow next_page_token to the last page and print every key.
        #[arg(long)]
        all: bool,
    },
    /// Create an access key; the answer is the only one that shows its token.
    Create {
        /// Its lifetime in seconds: from 86400 (one day) to 2147483647.
        #[arg(long)]
        expire: u64,
        /// Its name.
        #[arg(long)]
        name: Option<String>,
        /// A free-text detail.
        #[arg(long)]
        detail: Option<String>,
    },
    /// Show one access key.
    Get {
        /// The key's id.
        id: Uuid,
    },
    /// Change an access key's name or detail; the one not given is kept (VoIPBIN replaces both,
    /// so the key is read first).
    Update {
        /// The key's id.
        id: Uuid,
        /// Its new name.
        #[arg(long, required_unless_present = "detail")]
        name: Option<String>,
        /// Its new detail.
        #[arg(long)]
        detail: Option<String>,
    },
    /// Delete an access key.
    Delete {
        /// The key's id.
        id: Uuid,
    },
}

/// Mobivate's commands.
#[derive(Subcommand, Debug)]
pub enum MobivateCommand {
    /// Get the account's current API key (password from MOBIVATE_PASSWORD).
    Getkey {
        /// The username (default: $MOBIVATE_USERNAME).
        #[arg(long)]
        username: Option<String>,
        /// Where the password comes from.
        #[command(flatten)]
        password: PasswordSource,
    },
    /// Issue a new API key and revoke the old one (password from MOBIVATE_PASSWORD).
    Createkey {
        /// The username (default: $MOBIVATE_USERNAME).
        #[arg(long)]
        username: Option<String>,
        /// Where the password comes from.
        #[command(flatten)]
        password: PasswordSource,
    },
    /// Check the key in MOBIVATE_API_KEY.
    Test,
}

/// SignalWire's commands.
#[derive(Subcommand, Debug)]
pub enum SignalWireCommand {
    /// Manage project API tokens.
    Tokens {
        /// What to do.
        #[command(subcommand)]
        command: TokensCommand,
    },
    /// Check a webhook's signatures against the URL SignalWire called and the raw body on
    /// standard input, with the Signing Key in SIGNALWIRE_SIGNING_KEY. Exit status: 0 valid, 1
    /// not valid (the reason on stderr), 2 bad usage or no key.
    WebhookVerify {
        /// The public URL SignalWire called, query included, exactly as it called it.
        #[arg(long, value_name = "URL")]
        url: String,
        /// The X-SignalWire-Signature (or X-Twilio-Signature) header's value.
        #[arg(long, value_name = "SIG", required_unless_present = "sha256_signature")]
        signature: Option<String>,
        /// The X-SignalWire-Sha256-Signature header's value.
        #[arg(long, value_name = "SIG")]
        sha256_signature: Option<String>,
    },
}

/// SignalWire's token commands.
#[derive(Subcommand, Debug)]
pub enum TokensCommand {
    /// Create a token; the answer shows its secret.
    Create {
        /// Its name.
        #[arg(long)]
        name: String,
        /// A permission (repeat for more).
        #[arg(long = "permission", required = true, value_parser = permission_parser())]
        permissions: Vec<Permission>,
        /// Create it for this subproject of the project.
        #[arg(long)]
        subproject_id: Option<Uuid>,
    },
    /// Rename a token, replace its permissions, or both; what is not given is kept.
    Update {
        /// The token's id.
        token_id: Uuid,
        /// Its new name.
        #[arg(long, required_unless_present = "permissions")]
        name: Option<String>,
        /// A new permission (repeat for more); none keeps the current ones.
        #[arg(long = "permission", value_parser = permission_parser())]
        permissions: Vec<Permission>,
    },
    /// Delete a token.
    Delete {
        /// The token's id.
        token_id: Uuid,
    },
}

/// The permission names SignalWire documents, from the generated client: clap lists them in
/// the help and names them when a value is not one of them.
fn permission_parser() -> impl clap::builder::TypedValueParser<Value = Permission> {
    clap::builder::PossibleValuesParser::new(Permission::VALUES)
        .try_map(|name| name.parse::<Permission>())
}
