//! A sandbox served by a thread and a runtime of its own, which keeps answering while the
//! caller's runtime is blocked.

use std::io;
use std::net::SocketAddr;
use std::sync::mpsc;

use tokio::sync::oneshot;

use crate::{Limits, Sandbox};

impl Sandbox {
    /// Starts a sandbox on `addr` that logs nothing, served by a thread and a single-threaded
    /// runtime of its own, and answers it once its ports are bound. It stops, and its thread
    /// ends, when [`Sandbox::stop`] is called or when it is dropped.
    ///
    /// Use it where the caller's runtime may be blocked while the sandbox must answer: a
    /// default `#[tokio::test]` runs on one thread, and waiting there on a program with
    /// `std::process::Command` would keep [`Sandbox::start`]'s sandbox from answering that
    /// program. It needs no runtime, so a plain `#[test]` can use it too.
    ///
    /// ```
    /// let sandbox = telauth_sandbox::Sandbox::start_on_own_thread("127.0.0.1:0".parse().unwrap())?;
    /// assert!(sandbox.info().voipbin.origin.ends_with("/voipbin"));
    /// drop(sandbox); // stops it
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn start_on_own_thread(addr: SocketAddr) -> io::Result<Self> {
        let (started, start) = mpsc::channel();
        std::thread::Builder::new()
            .name("telauth-sandbox".into())
            .spawn(move || {
                let runtime = match tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                {
                    Ok(runtime) => runtime,
                    Err(error) => {
                        let _ = started.send(Err(error));
                        return;
                    }
                };
                runtime.block_on(async move {
                    // Dropped when this thread is done serving: the caller's `ended`.
                    let (serving, ended) = oneshot::channel::<()>();
                    match Sandbox::serve(addr, false, Limits::default()).await {
                        Ok(mut sandbox) => {
                            let ports = std::mem::replace(&mut sandbox.ended, ended);
                            if started.send(Ok(sandbox)).is_ok() {
                                let _ = ports.await;
                            }
                        }
                        Err(error) => {
                            let _ = started.send(Err(error));
                        }
                    }
                    drop(serving);
                });
            })?;
        start
            .recv()
            .unwrap_or_else(|_| Err(io::Error::other("the sandbox's thread ended unstarted")))
    }
}
