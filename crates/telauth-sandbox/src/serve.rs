//! Serving one port: each connection served once a permit shared by every port is free, and
//! closed when its request head takes too long or nothing moves on it for too long.

use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::net::{TcpListener, TcpSocket, TcpStream};
use tokio::sync::{OwnedSemaphorePermit, Semaphore, watch};
use tokio::task::JoinHandle;

use crate::Limits;
use crate::idle::Idle;

/// The longest timeout kept: a longer one (`Duration::MAX` for "never") is taken as this, so
/// that no deadline overflows.
const LONGEST_TIMEOUT: Duration = Duration::from_secs(365 * 86_400);

/// How many connections each port leaves in the system's queue while the sandbox serves its
/// [`Limits::max_connections`] (the system may lower it): far more than the 128 of
/// `TcpListener::bind`, whose overflow makes clients resend their SYN a second later, then 3,
/// then 7.
const BACKLOG: u32 = 1024;

/// A listener on `addr`, rebinding at once on Unix as `TcpListener::bind` does.
pub fn listen(addr: SocketAddr) -> io::Result<TcpListener> {
    let socket = match addr {
        SocketAddr::V4(_) => TcpSocket::new_v4()?,
        SocketAddr::V6(_) => TcpSocket::new_v6()?,
    };
    // On Windows it would let another socket take the port over.
    #[cfg(not(windows))]
    socket.set_reuseaddr(true)?;
    socket.bind(addr)?;
    socket.listen(BACKLOG)
}

/// The permits the ports of one sandbox share: `limits.max_connections`, at least one.
pub fn permits(limits: &Limits) -> Arc<Semaphore> {
    let count = limits.max_connections.clamp(1, Semaphore::MAX_PERMITS);
    Arc::new(Semaphore::new(count))
}

/// Serves `app` on `listener` until `stopped` says so or its sender is gone, then lets the
/// connections under way finish their requests.
pub fn spawn(
    listener: TcpListener,
    app: Router,
    limits: Limits,
    permits: Arc<Semaphore>,
    mut stopped: watch::Receiver<bool>,
) -> JoinHandle<()> {
    let limits = Limits {
        header_read_timeout: limits.header_read_timeout.min(LONGEST_TIMEOUT),
        idle_timeout: limits.idle_timeout.min(LONGEST_TIMEOUT),
        ..limits
    };
    tokio::spawn(async move {
        // Each connection holds a receiver: the sender sees them all closed when they are done.
        let (open, connection) = watch::channel(());
        loop {
            let accepted = tokio::select! {
                _ = stopped.wait_for(|stop| *stop) => None,
                accepted = accept(&listener, &permits) => accepted,
            };
            let Some((stream, permit)) = accepted else {
                break;
            };
            let task = serve(stream, app.clone(), limits, stopped.clone());
            let connection = connection.clone();
            tokio::spawn(async move {
                task.await;
                drop((permit, connection));
            });
        }
        drop((listener, connection));
        open.closed().await;
    })
}

/// The next connection and, once one is free, its permit: each port holds at most one
/// connection waiting for a permit, and no port holds a permit it does not use. A connection
/// that failed before it was accepted is skipped; when the sandbox is out of descriptors it
/// tries again a second later, as `axum::serve` does.
async fn accept(
    listener: &TcpListener,
    permits: &Arc<Semaphore>,
) -> Option<(TcpStream, OwnedSemaphorePermit)> {
    loop {
        match listener.accept().await {
            Ok((stream, _)) => {
                let permit = Arc::clone(permits).acquire_owned().await.ok()?;
                return Some((stream, permit));
            }
            Err(error) if is_connection_error(&error) => {}
            Err(_) => tokio::time::sleep(Duration::from_secs(1)).await,
        }
    }
}

/// Whether accepting failed for this connection only.
fn is_connection_error(error: &io::Error) -> bool {
    matches!(
        error.kind(),
        io::ErrorKind::ConnectionRefused
            | io::ErrorKind::ConnectionAborted
            | io::ErrorKind::ConnectionReset
    )
}

/// Serves HTTP/1.1 on `stream` until the client or a timeout closes it, or `stopped` asks it to
/// finish the request under way.
async fn serve(stream: TcpStream, app: Router, limits: Limits, mut stopped: watch::Receiver<bool>) {
    let io = TokioIo::new(Idle::new(stream, limits.idle_timeout));
    let mut builder = http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_read_timeout);
    let connection = builder.serve_connection(io, TowerToHyperService::new(app));
    let mut connection = std::pin::pin!(connection);
    tokio::select! {
        _ = connection.as_mut() => return,
        _ = stopped.wait_for(|stop| *stop) => {}
    }
    connection.as_mut().graceful_shutdown();
    let _ = connection.await;
}
