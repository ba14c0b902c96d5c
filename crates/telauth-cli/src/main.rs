//! `telauth`: the providers' authentication calls from a shell, JSON out.

mod args;
mod output;
mod run;

use std::io::{BufRead, IsTerminal, Write};
use std::process::ExitCode;

use clap::{CommandFactory, Parser};

use args::{Cli, Format, ProviderCommand};

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
    if let Some(what) = cli.provider.destroys()
        && !cli.yes
        && !confirmed(what)
    {
        return usage(&format!(
            "this command {what}; nothing was sent. Pass --yes to go ahead (a terminal is asked \
             instead)"
        ));
    }
    if cli.debug {
        tracing_subscriber::fmt()
            .with_writer(std::io::stderr)
            .with_target(false)
            .without_time()
            .compact()
            .init();
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
    match runtime.block_on(run::run(&cli)) {
        Ok(document) => {
            match output::render(&document, cli.format, cli.field.as_deref(), credential) {
                Ok(text) => {
                    println!("{text}");
                    ExitCode::SUCCESS
                }
                Err(reason) => usage(&reason),
            }
        }
        Err(error) => {
            eprintln!("telauth: {error}");
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
    eprintln!("telauth: {reason}");
    ExitCode::from(2)
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
