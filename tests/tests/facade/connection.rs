//! `telauth::Config` and the rules every connection keeps whatever it sets: an origin checked
//! when the client is built, no plain `http` to a remote host unless allowed, the timeout and
//! the deadline, `telauth` in the user agent even from the caller's own builder, no redirect
//! followed, and the body limit.

use std::time::Duration;

use httpmock::Method::{GET, POST};
use httpmock::MockServer;
use serde_json::json;
use telauth::mobivate::{Mobivate, MobivateAccount};
use telauth::smsbeta::SmsBeta;
use telauth::voipbin::{VoipBin, VoipBinAuth};
use telauth::{Config, ErrorKind};
use telauth_tests::{Reply, SENTINEL, answer};

use crate::{checked, config};

#[test]
fn an_origin_that_is_not_a_url_is_refused_when_the_client_is_built() {
    for origin in [
        "api.voipbin.net",
        "not a url",
        "ftp://example.com",
        "http://",
    ] {
        let error = checked(VoipBin::login_only(&Config::new().origin(origin)).unwrap_err());
        assert!(error.is_local(), "{origin}: {error}");
        assert!(
            error.to_string().contains("is not an http or https URL"),
            "{error}"
        );
    }
}

#[test]
fn an_origin_with_a_user_or_password_is_refused_and_never_shown() {
    use telauth::Vars;
    for origin in [
        format!("http://user:{SENTINEL}@127.0.0.1:9"),
        format!("https://{SENTINEL}@api.example.com/prefix"),
        format!("https://user:{SENTINEL}@"),
        format!("http://user:{SENTINEL}@10.0.0.5:8080"),
        format!("https://a@b:{SENTINEL}@api.example.com"),
    ] {
        let config = Config::new().origin(origin.as_str());
        let shown = format!("{config:?}");
        assert!(!shown.contains(SENTINEL), "{shown}");
        assert!(shown.contains("[REDACTED]@"), "{shown}");
        let error = checked(VoipBin::login_only(&config).unwrap_err());
        assert!(error.is_local(), "{error}");
        let vars = Vars::from_iter([
            ("TELAUTH_VOIPBIN_ORIGIN", origin.as_str()),
            ("VOIPBIN_TOKEN", "a.jwt.here"),
        ]);
        checked(VoipBin::from_vars(&vars, &Config::new()).unwrap_err());
    }
    let error = VoipBin::login_only(&Config::new().origin("https://me@api.example.com"))
        .unwrap_err()
        .to_string();
    assert!(error.contains("user name or password"), "{error}");
}

#[test]
fn plain_http_to_a_remote_origin_is_refused_when_built_naming_allow_insecure_http() {
    let remote = Config::new().origin("http://10.0.0.5:8080");
    let error = checked(SmsBeta::new(&remote).unwrap_err());
    assert_eq!((error.operation(), error.is_local()), ("config", true));
    assert!(
        error.to_string().contains("Config::allow_insecure_http()"),
        "{error}"
    );
    SmsBeta::new(&remote.allow_insecure_http()).unwrap();
    SmsBeta::new(&Config::new().origin("http://[::1]:8080")).unwrap();
}

#[tokio::test]
async fn nothing_goes_over_plain_http_to_a_remote_host_unless_allowed() {
    // Refused before connecting: the host need not exist.
    let remote = Config::new().origin("http://api.mobivatebulksms.invalid");
    let credentials = MobivateAccount {
        username: "alice".into(),
        password: SENTINEL.into(),
    };
    // Refused when the client is built, not at the first call.
    let error = checked(Mobivate::new(&remote).unwrap_err());
    assert!(error.is_local(), "{error}");
    assert!(error.to_string().contains("plain http"), "{error}");

    let allowed = remote.allow_insecure_http();
    let error = checked(
        Mobivate::new(&allowed)
            .unwrap()
            .get_key(&credentials)
            .await
            .unwrap_err(),
    );
    assert!(
        error.is_network(),
        "opting in lets the request go out: {error}"
    );
}

#[tokio::test]
async fn a_server_that_does_not_answer_in_time_is_a_retryable_timeout() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.any_request();
            then.status(200).delay(Duration::from_secs(5));
        })
        .await;
    let config = config(&server).timeout(Duration::from_millis(300));
    let started = std::time::Instant::now();
    let error = Mobivate::new(&config)
        .unwrap()
        .test_key(&SENTINEL.into())
        .await
        .unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(3));
    assert_eq!(error.kind(), &ErrorKind::Timeout);
    assert!(error.is_retryable() && error.is_network());
    checked(error);
}

/// The origin of a server that accepts connections and never answers.
async fn silent_origin() -> String {
    let silent = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let origin = format!("http://{}", silent.local_addr().unwrap());
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((stream, _)) = silent.accept().await {
            held.push(stream);
        }
    });
    origin
}

#[tokio::test]
async fn a_deadline_bounds_retries() {
    let origin = silent_origin().await;
    let config = Config::new()
        .origin(origin)
        .timeout(Duration::from_secs(30))
        .retry(telauth::RetryPolicy::new(3))
        .deadline(Duration::from_millis(800));
    let api = VoipBin::new(&config, &VoipBinAuth::Jwt("jwt".into())).unwrap();
    let started = std::time::Instant::now();
    let error = checked(api.list_access_keys(None, None).await.unwrap_err());
    assert!(matches!(error.kind(), ErrorKind::Timeout), "{error}");
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "the deadline did not bound the call: {:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn a_deadline_bounds_a_call_that_is_not_retried_and_a_lost_rotation_says_how_to_recover() {
    let origin = silent_origin().await;
    let config = Config::new()
        .origin(origin)
        .timeout(Duration::from_secs(30))
        .deadline(Duration::from_millis(500));
    let credentials = MobivateAccount {
        username: "alice".into(),
        password: SENTINEL.into(),
    };
    let started = std::time::Instant::now();
    let error = checked(
        Mobivate::new(&config)
            .unwrap()
            .create_key(&credentials)
            .await
            .unwrap_err(),
    );
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "the deadline did not bound the rotation: {:?}",
        started.elapsed()
    );
    let text = error.to_string();
    assert!(
        text.contains("may have revoked the previous key") && text.contains("get_key"),
        "{text}"
    );
    assert!(matches!(error.kind(), ErrorKind::Timeout), "{error:?}");
    assert!(error.hint().is_some_and(|hint| hint.contains("get_key")));
}

#[tokio::test]
async fn every_request_says_telauth_in_its_user_agent_and_an_own_builder_keeps_the_rules() {
    let server = MockServer::start_async().await;
    let test = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/auth/test")
                .header("user-agent", format!("{} my-app/1.2", telauth::USER_AGENT))
                .header("x-team", "payments");
            then.status(200)
                .json_body(json!({ "message": "API Key is valid" }));
        })
        .await;
    let config = config(&server)
        .user_agent_suffix("my-app/1.2")
        .client_builder(|| {
            let mut headers = reqwest::header::HeaderMap::new();
            headers.insert(
                "x-team",
                reqwest::header::HeaderValue::from_static("payments"),
            );
            reqwest::Client::builder().default_headers(headers)
        });
    let mobivate = Mobivate::new(&config).unwrap();
    mobivate.test_key(&SENTINEL.into()).await.unwrap();
    test.assert_async().await;
    assert!(telauth::USER_AGENT.starts_with("telauth/0."));

    // The caller's builder does not bring redirects back.
    let moved = answer(&server, GET, "/auth/test", Reply::Empty(302)).await;
    test.delete_async().await;
    let error = mobivate.test_key(&SENTINEL.into()).await.unwrap_err();
    assert_eq!(error.status(), Some(302), "{error}");
    moved.assert_calls_async(1).await;
}

#[tokio::test]
async fn redirects_are_not_followed() {
    let server = MockServer::start_async().await;
    let elsewhere = server
        .mock_async(|when, then| {
            when.path("/elsewhere");
            then.status(200).json_body(json!({ "apiKey": "k" }));
        })
        .await;
    answer(&server, POST, "/auth/getkey", Reply::Empty(308)).await;
    server
        .mock_async(|when, then| {
            when.method(POST).path("/auth/createkey");
            then.status(308).header("location", "/elsewhere");
        })
        .await;
    let credentials = MobivateAccount {
        username: "alice".into(),
        password: SENTINEL.into(),
    };
    let error = Mobivate::new(&config(&server))
        .unwrap()
        .create_key(&credentials)
        .await
        .unwrap_err();
    assert_eq!(
        checked(error).kind(),
        &ErrorKind::UnexpectedStatus { status: 308 }
    );
    assert_eq!(elsewhere.calls_async().await, 0);
}

#[tokio::test]
async fn an_answer_over_the_body_limit_is_refused_though_it_would_decode() {
    let server = MockServer::start_async().await;
    // A well-formed answer to `getkey` whose key is 2 MiB long.
    let huge = format!(r#"{{"apiKey":"{}"}}"#, "k".repeat(2 * 1024 * 1024));
    server
        .mock_async(|when, then| {
            when.method(POST).path("/auth/getkey");
            then.status(200)
                .header("content-type", "application/json")
                .body(huge);
        })
        .await;
    let credentials = MobivateAccount {
        username: "alice".into(),
        password: SENTINEL.into(),
    };
    let mobivate = Mobivate::new(&config(&server)).unwrap();
    let error = checked(mobivate.get_key(&credentials).await.unwrap_err());
    assert_eq!(
        error.to_string(),
        "mobivate getkey: invalid response: the body is larger than the limit of 1048576 bytes; \
         it was not read further"
    );
    let source = std::error::Error::source(&error).and_then(|s| s.downcast_ref());
    assert_eq!(
        source,
        Some(&telauth::BodyTooLarge {
            limit: telauth::MAX_BODY_BYTES
        })
    );
}
