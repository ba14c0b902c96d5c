//! No plain-`http` request goes through a proxy named in the environment: reqwest would send it,
//! credential included, in clear text to the proxy. `https` still goes through it, as a CONNECT
//! tunnel. A proxy the caller set on their own builder comes first: for `https`, through the
//! facade or the generated client; for plain `http`, never through the facade, and through the
//! generated client only when the caller chose `Proxy::http` or `Proxy::all`, as documented. A
//! test binary of its own, with one test, because it sets proxy variables.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};

use httpmock::Method::POST;
use httpmock::MockServer;
use serde_json::json;
use telauth::Config;
use telauth::voipbin::{VoipBin, VoipBinAccount};
use telauth_tests::{SENTINEL, jwt_expiring_in};
use telauth_voipbin::types::LoginRequest;

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

/// A login to `client`, whatever its outcome.
async fn try_login(client: &telauth_voipbin::Client) {
    let body = LoginRequest::builder().username("alice").password(SENTINEL);
    let _ = client.auth_login().body(body).send().await;
}

/// What a proxy has recorded so far, emptied.
fn taken(seen: &Mutex<Vec<String>>) -> Vec<String> {
    std::mem::take(&mut *seen.lock().unwrap())
}

#[test]
fn plain_http_never_goes_through_a_proxy_and_https_still_does() {
    let (proxy, seen) = recording_proxy();
    // The caller's own proxy, set on their builder.
    let (own_proxy, own_seen) = recording_proxy();
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
        let credentials = VoipBinAccount {
            username: "alice".into(),
            password: SENTINEL.into(),
        };
        // The facade, then the generated client as `Client::new` builds it.
        let facade = VoipBin::login_only(&Config::new().origin(server.base_url())).unwrap();
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
                .body(LoginRequest::builder().username("alice").password(SENTINEL))
                .send()
                .await
                .unwrap();
        }
        login.assert_calls(3);
        // Through the facade, not even a proxy the caller set for every scheme sees plain http.
        let own_all = reqwest::Proxy::all(&own_proxy).unwrap();
        let config = Config::new()
            .origin(server.base_url())
            .client_builder(move || reqwest::Client::builder().proxy(own_all.clone()));
        VoipBin::login_only(&config)
            .unwrap()
            .login(&credentials)
            .await
            .unwrap();
        login.assert_calls(4);
        assert_eq!(taken(&own_seen), Vec::<String>::new());
        assert!(
            seen.lock().unwrap().is_empty(),
            "a plain-http request went to the proxy: {:?}",
            seen.lock().unwrap()
        );

        // https is tunnelled through the proxy: it sees a CONNECT and nothing of the request.
        let remote =
            VoipBin::login_only(&Config::new().origin("https://api.voipbin.invalid")).unwrap();
        assert!(remote.login(&credentials).await.is_err());
        let env_seen = taken(&seen);
        assert_eq!(env_seen.len(), 1, "{env_seen:?}");
        assert!(
            env_seen[0].starts_with("CONNECT api.voipbin.invalid:443"),
            "{env_seen:?}"
        );

        // The caller's https proxy comes before the environment's, through the facade (with
        // `Proxy::https` or `Proxy::all`) and through the generated client.
        for own in [
            reqwest::Proxy::https(&own_proxy).unwrap(),
            reqwest::Proxy::all(&own_proxy).unwrap(),
        ] {
            let config = Config::new()
                .origin("https://api.voipbin.invalid")
                .client_builder(move || reqwest::Client::builder().proxy(own.clone()));
            let remote = VoipBin::login_only(&config).unwrap();
            assert!(remote.login(&credentials).await.is_err());
        }
        let own_https = reqwest::Proxy::https(&own_proxy).unwrap();
        let generated = telauth_voipbin::Client::with_builder(
            "https://api.voipbin.invalid",
            reqwest::Client::builder().proxy(own_https),
            telauth_voipbin::Credentials::none(),
        )
        .unwrap();
        try_login(&generated).await;
        let own_seen_https = taken(&own_seen);
        assert_eq!(own_seen_https.len(), 3, "{own_seen_https:?}");
        for line in &own_seen_https {
            assert!(
                line.starts_with("CONNECT api.voipbin.invalid:443"),
                "{line}"
            );
        }
        assert_eq!(taken(&seen), Vec::<String>::new());

        // The generated client honours a proxy the caller set for plain http as given: their
        // explicit choice, documented on `telauth_runtime::secure_client`.
        let own_all = reqwest::Proxy::all(&own_proxy).unwrap();
        let generated = telauth_voipbin::Client::with_builder(
            &server.base_url(),
            reqwest::Client::builder().proxy(own_all),
            telauth_voipbin::Credentials::none(),
        )
        .unwrap();
        try_login(&generated).await;
        let own_seen_http = taken(&own_seen);
        assert_eq!(own_seen_http.len(), 1, "{own_seen_http:?}");
        let target = format!("POST {}/auth/login HTTP/1.1", server.base_url());
        assert_eq!(own_seen_http[0], target);
        assert_eq!(taken(&seen), Vec::<String>::new());
        login.assert_calls(4);
    });
}
