//! `telauth`: the providers' authentication calls from a shell, JSON out.

mod args;
mod run;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = args::Cli::parse();
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
    match runtime.block_on(run::run(cli)) {
        Ok(document) => {
            println!("{document:#}");
            ExitCode::SUCCESS
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
