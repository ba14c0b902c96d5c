//! `cargo xtask`: the maintainer tool of the telauth workspace.

use std::process::ExitCode;

fn main() -> ExitCode {
    xtask::cli::run(
        std::env::args_os(),
        &mut std::io::stdout(),
        &mut std::io::stderr(),
    )
}
