//! `telauth-sandbox`: the four providers' credential APIs, offline, on one port under prefixes
//! and each at the root of a port of its own.

use std::net::SocketAddr;
use std::process::ExitCode;

/// Serves until Ctrl-C or SIGTERM. The first line on stdout is one JSON object with each
/// provider's origin, host and demo credentials; then one line per request.
#[tokio::main]
async fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let listen = match (args.next().as_deref(), args.next(), args.next()) {
        (None, ..) => "127.0.0.1:8080".to_string(),
        (Some("--listen"), Some(address), None) => address,
        (Some("-h" | "--help"), ..) => {
            println!(
                "usage: telauth-sandbox [--listen ADDRESS:PORT]   (default 127.0.0.1:8080; port 0 picks one)"
            );
            println!(
                "each provider is also served at the root of a free port of its own on ADDRESS: its `host` in the first line"
            );
            return ExitCode::SUCCESS;
        }
        _ => {
            eprintln!("usage: telauth-sandbox [--listen ADDRESS:PORT]");
            return ExitCode::from(2);
        }
    };
    let Ok(addr) = listen.parse::<SocketAddr>() else {
        eprintln!("telauth-sandbox: `{listen}` is not an ADDRESS:PORT such as 127.0.0.1:8080");
        return ExitCode::from(2);
    };
    let sandbox = match telauth_sandbox::Sandbox::start_logging(addr).await {
        Ok(sandbox) => sandbox,
        Err(error) => {
            eprintln!("telauth-sandbox: cannot listen on {addr}: {error}");
            return ExitCode::FAILURE;
        }
    };
    match serde_json::to_string(sandbox.info()) {
        Ok(line) => println!("{line}"),
        Err(error) => {
            eprintln!("telauth-sandbox: {error}");
            return ExitCode::FAILURE;
        }
    }
    stopped().await;
    sandbox.stop().await;
    ExitCode::SUCCESS
}

/// Waits for Ctrl-C, or SIGTERM on Unix.
async fn stopped() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut terminate) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = terminate.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}
