//! Slow clients: request heads that stall, bodies that stall, kept-alive connections left idle,
//! and more connections than the sandbox serves at once. Each is closed after its timeout, and
//! none keeps a normal request waiting for long.

use std::time::{Duration, Instant};

use serde_json::json;
use telauth_sandbox::{Limits, Sandbox};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// A sandbox with `limits`.
async fn start(limits: Limits) -> Sandbox {
    Sandbox::start_with_limits("127.0.0.1:0".parse().unwrap(), limits)
        .await
        .unwrap()
}

/// A connection to `host` that has sent `sent` and nothing more.
async fn stalled(host: &str, sent: &str) -> TcpStream {
    let mut stream = TcpStream::connect(host).await.unwrap();
    stream.write_all(sent.as_bytes()).await.unwrap();
    stream
}

/// Whether the sandbox closes `stream` before `deadline`, whatever it sends first.
async fn closed_by(stream: &mut TcpStream, deadline: Instant) -> bool {
    let mut rest = Vec::new();
    let read = stream.read_to_end(&mut rest);
    tokio::time::timeout_at(deadline.into(), read).await.is_ok()
}

/// VoIPBIN's login with the demo account: its status, or `None` when it is not answered within
/// `within`.
async fn login(sandbox: &Sandbox, within: Duration) -> Option<u16> {
    let voipbin = &sandbox.info().voipbin;
    let request = reqwest::Client::new()
        .post(format!("http://{}/auth/login", voipbin.host))
        .json(&json!({ "username": voipbin.username, "password": voipbin.password }))
        .send();
    let response = tokio::time::timeout(within, request).await.ok()?;
    Some(response.expect("the sandbox answers").status().as_u16())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stalled_request_heads_are_closed_and_starve_no_login() {
    let mut limits = Limits::default();
    limits.header_read_timeout = Duration::from_millis(500);
    let sandbox = start(limits).await;
    let host = sandbox.info().voipbin.host.clone();
    let started = Instant::now();
    let half = "POST /auth/login HTTP/1.1\r\nhost: sandbox\r\n";
    let mut slow = vec![stalled(&host, half).await];
    let early = Instant::now() + Duration::from_millis(250);
    assert!(
        !closed_by(&mut slow[0], early).await,
        "closed before its timeout"
    );
    for _ in 1..600 {
        slow.push(stalled(&host, half).await);
    }
    assert_eq!(login(&sandbox, Duration::from_secs(5)).await, Some(200));
    let deadline = started + Duration::from_secs(15);
    for (index, stream) in slow.iter_mut().enumerate() {
        assert!(
            closed_by(stream, deadline).await,
            "connection {index} is open"
        );
    }
    sandbox.stop().await;
}

#[tokio::test]
async fn idle_connections_and_stalled_bodies_are_closed() {
    let mut limits = Limits::default();
    limits.idle_timeout = Duration::from_millis(500);
    let sandbox = start(limits).await;
    let host = sandbox.info().mobivate.host.clone();
    // A connection kept alive after its answer, and a body that stops half way.
    let mut idle = stalled(&host, "GET /auth/test HTTP/1.1\r\nhost: sandbox\r\n\r\n").await;
    let mut answer = [0; 12];
    idle.read_exact(&mut answer).await.unwrap();
    assert_eq!(&answer, b"HTTP/1.1 401");
    let head = "POST /auth/getkey HTTP/1.1\r\nhost: sandbox\r\ncontent-length: 100\r\n\r\n{";
    let mut body = stalled(&host, head).await;
    let deadline = Instant::now() + Duration::from_secs(5);
    assert!(
        closed_by(&mut idle, deadline).await,
        "the idle connection is open"
    );
    assert!(
        closed_by(&mut body, deadline).await,
        "the stalled body is open"
    );
    sandbox.stop().await;
}

#[tokio::test]
async fn connections_beyond_the_cap_wait_for_a_free_one() {
    let mut limits = Limits::default();
    limits.max_connections = 2;
    limits.header_read_timeout = Duration::from_secs(1);
    let sandbox = start(limits).await;
    let host = sandbox.info().voipbin.host.clone();
    let started = Instant::now();
    let _slow = [
        stalled(&host, "GET /auth").await,
        stalled(&host, "GET /auth").await,
    ];
    // Served once a stalled connection is closed, not before.
    assert_eq!(login(&sandbox, Duration::from_secs(5)).await, Some(200));
    assert!(
        started.elapsed() >= Duration::from_millis(900),
        "served at once"
    );
    sandbox.stop().await;
}
