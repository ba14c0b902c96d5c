//! `telauth`: the providers' authentication calls from a shell, JSON out.

mod args;
mod control_chars;
mod debug_log;
mod output;
mod run;
mod secrets;
mod webhook_verify;

use std::io::{BufRead, IsTerminal, Write};
use std::process::ExitCode;

use clap::{CommandFactory, Parser};

use args::{Cli, Format, ProviderCommand};
use secrets::Secrets;

fn main() -> ExitCode {
    let cli = Cli::parse();
    match &cli.provider {
        ProviderCommand::Completions { shell } => {
            clap_complete::generate(
                *shell,
                &mut Cli::command(),
                "telauth",
                &mut std::io::stdout(),
            );
            return ExitCode::SUCCESS;
        }
        ProviderCommand::Man => {
            return match clap_mangen::Man::new(Cli::command()).render(&mut std::io::stdout()) {
                Ok(()) => ExitCode::SUCCESS,
                Err(error) => usage(&format!("cannot write the manual page: {error}")),
            };
        }
        _ => {}
    }
    let credential = cli.provider.credential();
    if cli.format != Format::Json && credential.is_none() {
        return usage("--format env and --format raw need a command that obtains a credential");
    }
    if let Some(status) = webhook_verify::run(&cli.provider) {
        return status;
    }
    if let Some(what) = cli.provider.destroys()
        && !cli.yes
        && !confirmed(what)
    {
        return usage(&format!(
            "this command {what}; nothing was sent. Pass --yes to go ahead (a terminal is asked \
             instead)"
        ));
    }
    let secrets = Secrets::default();
    if cli.debug {
        debug_log::init(&secrets);
    }
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("telauth: cannot start the async runtime: {error}");
            return ExitCode::from(3);
        }
    };
    match runtime.block_on(run::run(&cli, &secrets)) {
        Ok(document) => {
            let document = secrets.scrub_answer(&document, credential.map(|(_, field)| field));
            match output::render(&document, cli.format, cli.field.as_deref(), credential) {
                Ok(text) => {
                    println!("{text}");
                    ExitCode::SUCCESS
                }
                Err(unprinted) => {
                    say(unprinted.reason());
                    ExitCode::from(unprinted.status())
                }
            }
        }
        Err(error) => {
            // The provider's words may echo what it was sent, and hold control characters.
            say(&secrets.scrub(&error.to_string()));
            ExitCode::from(if error.is_local() {
                2
            } else if error.is_network() {
                3
            } else {
                1
            })
        }
    }
}

/// Prints `reason` as a usage error and answers exit status 2.
fn usage(reason: &str) -> ExitCode {
    say(reason);
    ExitCode::from(2)
}

/// Prints `text` on stderr as one `telauth: ` line, every character that acts on a terminal
/// made visible.
fn say(text: &str) {
    eprintln!("telauth: {}", control_chars::visible(text));
}

/// Whether the person at the terminal confirms that the command may do `what`; `false` when
/// there is no terminal to ask on.
fn confirmed(what: &str) -> bool {
    if !std::io::stdin().is_terminal() {
        return false;
    }
    eprint!("telauth: this command {what}. Go ahead? [y/N] ");
    let _ = std::io::stderr().flush();
    let mut answer = String::new();
    let _ = std::io::stdin().lock().read_line(&mut answer);
    matches!(answer.trim(), "y" | "Y" | "yes")
}
