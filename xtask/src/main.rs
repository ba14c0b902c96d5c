//! `cargo xtask`: the maintainer tool of the telauth workspace.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use clap::{Parser, Subcommand};
use xtask::{FileState, Mode};

#[derive(Parser)]
#[command(about = "Maintainer tasks of the telauth workspace")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Generate the provider crates' sources from specs/.
    Generate {
        /// Write nothing; print a diff of every stale file and fail if there is one.
        #[arg(long)]
        check: bool,
        /// Only this provider (smsbeta, voipbin, mobivate, signalwire).
        #[arg(long)]
        provider: Option<String>,
        /// The workspace root (by default, the one this tool was built in).
        #[arg(long, hide = true)]
        root: Option<PathBuf>,
    },
}

fn main() -> ExitCode {
    let Command::Generate {
        check,
        provider,
        root,
    } = Cli::parse().command;
    let root = root.unwrap_or_else(xtask::workspace_root);
    let mode = if check { Mode::Check } else { Mode::Write };
    let started = Instant::now();
    let reports = match xtask::generate(&root, provider.as_deref(), mode) {
        Ok(reports) => reports,
        Err(error) => {
            eprintln!("error: {error}");
            eprintln!("No file was written.");
            return ExitCode::FAILURE;
        }
    };

    let mut stale = 0;
    for report in &reports {
        println!(
            "{:<10} {} (sha256 {}…) in {} ms",
            report.provider.name,
            report.provider.spec,
            &report.sha256[..12],
            report.elapsed.as_millis()
        );
        for note in &report.notes {
            println!("           normalized {note}");
        }
        for file in &report.files {
            let state = match &file.state {
                FileState::UpToDate => "up to date",
                FileState::Written => "written",
                FileState::Stale { diff } => {
                    stale += 1;
                    print!("{diff}");
                    "STALE"
                }
            };
            println!("           {:<44} {state}", file.path);
        }
    }
    println!(
        "{} spec(s) in {} ms",
        reports.len(),
        started.elapsed().as_millis()
    );
    if stale > 0 {
        eprintln!(
            "error: {stale} generated file(s) differ from what the specs give. \
             Run `cargo xtask generate` and commit the result."
        );
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}
