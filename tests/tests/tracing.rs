//! With the `tracing` feature, every request is a span with provider, operation, status and
//! elapsed time, and no log line holds a secret.
//!
//! A test binary of its own, with one test: `tracing` caches each callsite's interest for the
//! whole process, computed when the callsite is first hit. With a single subscriber registered
//! (this test's `set_default`), tracing-core asks only the default of the thread that hits the
//! callsite first; in a binary of many tests, another test's thread, with no subscriber, often
//! hit the transport's callsites first, cached "never", and this test saw no
//! `telauth_runtime::transport` line (one failure in two runs of the `facade` binary). Here no
//! other thread emits from those callsites.

use std::io::Write;
use std::sync::{Arc, Mutex};

use httpmock::Method::{GET, POST};
use httpmock::MockServer;
use serde_json::json;
use telauth::voipbin::{VoipBin, VoipBinAccount, VoipBinAuth};
use telauth::{Config, Secret};
use telauth_tests::{Reply, SENTINEL, answer, assert_no_sentinel, jwt_expiring_in};

/// A writer that keeps what the subscriber writes.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[test]
fn a_span_per_request_and_no_secret_in_any_line() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(move || writer.clone())
        .with_max_level(::tracing::Level::TRACE)
        .with_ansi(false)
        .finish();
    let _guard = ::tracing::subscriber::set_default(subscriber);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let server = MockServer::start_async().await;
        answer(
            &server,
            POST,
            "/auth/login",
            Reply::Json(
                200,
                json!({ "username": "alice", "token": jwt_expiring_in(600) }),
            ),
        )
        .await;
        answer(
            &server,
            GET,
            "/v1.0/accesskeys",
            Reply::Json(
                403,
                json!({ "error": {
            "status": "PERMISSION_DENIED", "reason": "r", "message": "no", "request_id": "q" }}),
            ),
        )
        .await;
        let voipbin = VoipBin::login_only(&Config::new().origin(server.base_url())).unwrap();
        let credentials = VoipBinAccount {
            username: "alice".into(),
            password: Secret::from(SENTINEL),
        };
        voipbin.login(&credentials).await.unwrap();
        let keyed = voipbin.with_auth(&VoipBinAuth::AccessKey(SENTINEL.into()));
        keyed.list_access_keys(None, None).await.unwrap_err();
    });
    let log = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert_no_sentinel(&log);
    let lines: Vec<&str> = log
        .lines()
        .filter(|line| line.contains("telauth_runtime::transport"))
        .collect();
    assert_eq!(lines.len(), 2, "{log}");
    for (line, operation, status) in [
        (lines[0], "auth_login", 200),
        (lines[1], "accesskeys_list", 403),
    ] {
        for field in [
            "provider=\"voipbin\"".to_string(),
            format!("operation=\"{operation}\""),
            format!("status={status}"),
            "elapsed_ms=".to_string(),
        ] {
            assert!(line.contains(&field), "{field} missing from {line}");
        }
    }
}
