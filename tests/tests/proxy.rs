//! No plain-`http` request goes through a proxy named in the environment: reqwest would send it,
//! credential included, in clear text to the proxy. `https` still goes through it, as a CONNECT
//! tunnel. A test binary of its own, with one test, because it sets proxy variables.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};

use httpmock::Method::POST;
use httpmock::MockServer;
use serde_json::json;
use telauth::Config;
use telauth::voipbin::{VoipBin, VoipBinCredentials};
use telauth_tests::{SENTINEL, jwt_expiring_in};

/// A fake proxy on loopback that records the first line of every request it receives and
/// answers each with a 502.
fn recording_proxy() -> (String, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let record = Arc::clone(&seen);
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let mut line = String::new();
            let _ = BufReader::new(&stream).read_line(&mut line);
            record.lock().unwrap().push(line.trim_end().to_string());
            let _ = (&stream).write_all(b"HTTP/1.1 502 Bad Gateway\r\ncontent-length: 0\r\n\r\n");
        }
    });
    (format!("http://{address}"), seen)
}

#[test]
fn plain_http_never_goes_through_a_proxy_and_https_still_does() {
    let (proxy, seen) = recording_proxy();
    for name in [
        "HTTP_PROXY",
        "http_proxy",
        "HTTPS_PROXY",
        "https_proxy",
        "ALL_PROXY",
        "all_proxy",
    ] {
        // SAFETY: set before this binary's one test starts any thread that reads the environment.
        unsafe { std::env::set_var(name, &proxy) };
    }
    // SAFETY: as above.
    unsafe {
        std::env::remove_var("NO_PROXY");
        std::env::remove_var("no_proxy");
    }
    let server = MockServer::start();
    let login = server.mock(|when, then| {
        when.method(POST).path("/auth/login");
        then.status(200).json_body(json!({
            "username": "alice",
            "token": jwt_expiring_in(3600)
        }));
    });
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let credentials = VoipBinCredentials {
            username: "alice".into(),
            password: SENTINEL.into(),
        };
        // The facade, then the generated client as `Client::new` builds it.
        let facade = VoipBin::new(&Config::new().origin(server.base_url()), None).unwrap();
        facade.login(&credentials).await.unwrap();
        let generated =
            telauth_voipbin::Client::new(&server.base_url(), telauth_voipbin::Credentials::none());
        // And a client built from the caller's own reqwest builder, which telauth finishes.
        let own_builder = telauth_voipbin::Client::with_builder(
            &server.base_url(),
            reqwest::Client::builder(),
            telauth_voipbin::Credentials::none(),
        )
        .unwrap();
        for client in [generated, own_builder] {
            client
                .auth_login()
                .body(
                    telauth_voipbin::types::LoginRequest::builder()
                        .username("alice")
                        .password(SENTINEL),
                )
                .send()
                .await
                .unwrap();
        }
        login.assert_calls(3);
        assert!(
            seen.lock().unwrap().is_empty(),
            "a plain-http request went to the proxy: {:?}",
            seen.lock().unwrap()
        );

        // https is tunnelled through the proxy: it sees a CONNECT and nothing of the request.
        let remote =
            VoipBin::new(&Config::new().origin("https://api.voipbin.invalid"), None).unwrap();
        assert!(remote.login(&credentials).await.is_err());
    });
    let seen = seen.lock().unwrap();
    assert_eq!(seen.len(), 1, "{seen:?}");
    assert!(
        seen[0].starts_with("CONNECT api.voipbin.invalid:443"),
        "{seen:?}"
    );
}
