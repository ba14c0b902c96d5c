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
use output::Unprinted;
use secrets::Secrets;

fn main() -> ExitCode {
    let cli = Cli::parse();
    match &cli.provider {
        ProviderCommand::Completions { shell } => {
            let mut script = Vec::new();
            clap_complete::generate(*shell, &mut Cli::command(), "telauth", &mut script);
            return written(&script);
        }
        ProviderCommand::Man => {
            let mut page = Vec::new();
            return match clap_mangen::Man::new(Cli::command()).render(&mut page) {
                Ok(()) => written(&page),
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
            say(&format!("cannot start the async runtime: {error}"));
            return ExitCode::from(3);
        }
    };
    match runtime.block_on(run::run(&cli, &secrets)) {
        Ok(document) => {
            let document = secrets.scrub_answer(&document, credential.map(|(_, field)| field));
            let printed = output::render(&document, cli.format, cli.field.as_deref(), credential)
                .and_then(|text| {
                    print(&text).map_err(|error| {
                        Unprinted::Unprintable(format!(
                            "cannot write the answer on stdout: {error}"
                        ))
                    })
                });
            match printed {
                Ok(()) => ExitCode::SUCCESS,
                Err(unprinted) if cli.provider.issues() => issued_on_stderr(&unprinted, &document),
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

/// Writes `bytes` on stdout: exit status 0, or 1 with a line on stderr when stdout cannot take
/// them (closed, full).
fn written(bytes: &[u8]) -> ExitCode {
    let mut stdout = std::io::stdout().lock();
    match stdout.write_all(bytes).and_then(|()| stdout.flush()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            say(&format!("cannot write on stdout: {error}"));
            ExitCode::from(1)
        }
    }
}

/// Writes `text` and a newline on stdout.
fn print(text: &str) -> std::io::Result<()> {
    let mut stdout = std::io::stdout().lock();
    writeln!(stdout, "{text}")?;
    stdout.flush()
}

/// For a command that issued a credential no other call shows again, when its answer could
/// not be printed as asked (`unprinted`): the reason, then the whole answer as JSON, every
/// control character escaped, on stderr, which reaches the user even when stdout goes to
/// `eval` or is closed; exit status 4. Nothing (more) is written on stdout, so that `eval
/// "$(telauth …)"` runs nothing.
fn issued_on_stderr(unprinted: &Unprinted, document: &serde_json::Value) -> ExitCode {
    say(&format!(
        "{}; the credential was issued, and this is the only time it is shown: the answer follows \
         on stderr as JSON (exit 4)",
        unprinted.reason()
    ));
    let _ = writeln!(std::io::stderr(), "{}", control_chars::json(document));
    ExitCode::from(4)
}

/// Prints `reason` as a usage error and answers exit status 2.
fn usage(reason: &str) -> ExitCode {
    say(reason);
    ExitCode::from(2)
}

/// Prints `text` on stderr as one `telauth: ` line, every character that acts on a terminal
/// made visible.
fn say(text: &str) {
    // Nowhere to report a failure to write on stderr.
    let _ = writeln!(
        std::io::stderr(),
        "telauth: {}",
        control_chars::visible(text)
    );
}

/// Whether the person at the terminal confirms that the command may do `what`; `false` when
/// there is no terminal to ask on.
fn confirmed(what: &str) -> bool {
    if !std::io::stdin().is_terminal() {
        return false;
    }
    let _ = write!(
        std::io::stderr(),
        "telauth: this command {what}. Go ahead? [y/N] "
    );
    let _ = std::io::stderr().flush();
    let mut answer = String::new();
    let _ = std::io::stdin().lock().read_line(&mut answer);
    matches!(answer.trim(), "y" | "Y" | "yes")
}
