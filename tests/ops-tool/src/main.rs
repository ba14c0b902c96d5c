//! `ops-tool`: the flows of the library, configured by the process environment alone
//! (`TELAUTH_<PROVIDER>_ORIGIN` and each provider's credentials).

use std::process::ExitCode;

use telauth::{Config, Vars};

#[tokio::main]
async fn main() -> ExitCode {
    let config = Config::new().user_agent_suffix("ops-tool/0.0");
    match telauth_ops_tool::run(&Vars::process(), &config).await {
        Ok(report) => {
            let (name, id) = &report.ci_key;
            println!("voipbin: created {name} ({id})");
            println!(
                "voipbin: deleted {} older ci-* key(s)",
                report.deleted_keys.len()
            );
            println!("mobivate: rotated the API key");
            let (id, permissions) = &report.signalwire_token;
            println!("signalwire: token {id} with {permissions:?}");
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("ops-tool: {error}");
            if error.is_credentials_refused() {
                eprintln!("ops-tool: the credentials were refused");
            }
            ExitCode::from(telauth_ops_tool::exit_code(&error))
        }
    }
}
