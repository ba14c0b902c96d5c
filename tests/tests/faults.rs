//! Every operation of every provider, through the facade, against every way a server can fail:
//! each gives the expected typed error within its timeout, with no panic, no hang and no secret
//! in what it prints.

use std::future::Future;
use std::pin::Pin;
use std::time::{Duration, Instant};

use telauth::mobivate::{Mobivate, MobivateCredentials};
use telauth::signalwire::{Permission, SignalWire, SignalWireCredentials};
use telauth::smsbeta::{SmsBeta, SmsBetaCredentials};
use telauth::voipbin::{VoipBin, VoipBinAuth, VoipBinCredentials};
use telauth::{Config, Error, ErrorKind};
use telauth_tests::{SENTINEL, assert_no_sentinel};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// How the fault server answers.
#[derive(Clone, Copy, Debug)]
enum Fault {
    Undocumented4xx,
    Undocumented5xx,
    EmptyBody,
    MalformedJson,
    TruncatedJson,
    WrongShape,
    HtmlPage,
    Huge,
    NeverAnswers,
    ResetMidBody,
}

const FAULTS: [Fault; 10] = [
    Fault::Undocumented4xx,
    Fault::Undocumented5xx,
    Fault::EmptyBody,
    Fault::MalformedJson,
    Fault::TruncatedJson,
    Fault::WrongShape,
    Fault::HtmlPage,
    Fault::Huge,
    Fault::NeverAnswers,
    Fault::ResetMidBody,
];

/// The raw answer for `fault` to an operation whose success is `success`. A 204 has no body, so
/// the body faults of a 204 operation come with a 200, which it does not document.
fn response(fault: Fault, success: u16) -> Vec<u8> {
    let success = if success == 204 { 200 } else { success };
    let with = |status: u16, kind: &str, body: &[u8]| {
        let mut answer = format!(
            "HTTP/1.1 {status} X\r\ncontent-type: {kind}\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
            body.len()
        )
        .into_bytes();
        answer.extend_from_slice(body);
        answer
    };
    match fault {
        Fault::Undocumented4xx => with(418, "application/json", br#"{"teapot":true}"#),
        Fault::Undocumented5xx => with(502, "text/html", b"<html><body>Bad Gateway</body></html>"),
        Fault::EmptyBody => with(success, "application/json", b""),
        Fault::MalformedJson => with(success, "application/json", b"{token: nope,}"),
        Fault::TruncatedJson => with(success, "application/json", br#"{"username":"alice","tok"#),
        Fault::WrongShape => with(success, "application/json", br#"[{"unexpected":["shape"]}]"#),
        Fault::HtmlPage => with(success, "text/html", b"<!doctype html><title>Portal</title><p>Sign in"),
        Fault::Huge => {
            let mut body = b"{\"filler\":\"".to_vec();
            body.resize(11 * 1024 * 1024, b'a');
            body.extend_from_slice(b"\"}");
            with(success, "application/json", &body)
        }
        Fault::ResetMidBody => {
            b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 500\r\n\r\n{\"usern".to_vec()
        }
        Fault::NeverAnswers => Vec::new(),
    }
}

/// A loopback server that answers every request with `fault`; it stops with the test.
async fn fault_server(fault: Fault, success: u16) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let origin = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut buffer = vec![0; 64 * 1024];
                let _ = stream.read(&mut buffer).await;
                if matches!(fault, Fault::NeverAnswers) {
                    tokio::time::sleep(Duration::from_secs(30)).await;
                    return;
                }
                let _ = stream.write_all(&response(fault, success)).await;
                let _ = stream.shutdown().await;
            });
        }
    });
    origin
}

/// Whether `error` is what `fault` must give for an operation whose success is `success`.
fn expected(fault: Fault, success: u16, error: &Error) -> bool {
    let kind = error.kind();
    match fault {
        Fault::Undocumented4xx => kind == &ErrorKind::UnexpectedStatus { status: 418 },
        Fault::Undocumented5xx => kind == &ErrorKind::UnexpectedStatus { status: 502 },
        Fault::NeverAnswers => kind == &ErrorKind::Timeout,
        // A 200 where the operation answers 204 is itself undocumented.
        _ if success != 200 => kind == &ErrorKind::UnexpectedStatus { status: 200 },
        Fault::ResetMidBody => matches!(
            kind,
            ErrorKind::InvalidResponse { .. } | ErrorKind::Transport { .. }
        ),
        _ => matches!(kind, ErrorKind::InvalidResponse { .. }),
    }
}

type Call = Box<dyn Fn(Config) -> Pin<Box<dyn Future<Output = Result<(), Error>> + Send>>>;

/// The 13 operations, each with its success status.
fn operations() -> Vec<(&'static str, u16, Call)> {
    fn call<F, Fut>(f: F) -> Call
    where
        F: Fn(Config) -> Fut + 'static,
        Fut: Future<Output = Result<(), Error>> + Send + 'static,
    {
        Box::new(move |config| Box::pin(f(config)))
    }
    let id = uuid::Uuid::from_u128(7);
    let voipbin = |config: &Config| {
        VoipBin::new(config, Some(VoipBinAuth::AccessKey(SENTINEL.into()))).unwrap()
    };
    let voipbin_login = || VoipBinCredentials {
        username: "alice".into(),
        password: SENTINEL.into(),
    };
    let mobivate_login = || MobivateCredentials {
        username: "alice".into(),
        password: SENTINEL.into(),
    };
    let signalwire = move |config: &Config| {
        let credentials = SignalWireCredentials {
            space: "example".into(),
            project_id: id,
            api_token: SENTINEL.into(),
        };
        SignalWire::new(config, &credentials).unwrap()
    };
    vec![
        (
            "smsbeta login",
            200,
            call(|config| async move {
                let credentials = SmsBetaCredentials {
                    mail: "a@b.c".into(),
                    password: SENTINEL.into(),
                };
                SmsBeta::new(&config)?.login(&credentials).await.map(drop)
            }),
        ),
        (
            "voipbin auth_login",
            200,
            call(move |config| async move {
                VoipBin::new(&config, None)?
                    .login(&voipbin_login())
                    .await
                    .map(drop)
            }),
        ),
        (
            "voipbin accesskeys_list",
            200,
            call(move |config| async move {
                voipbin(&config)
                    .list_access_keys(Some(10), None)
                    .await
                    .map(drop)
            }),
        ),
        (
            "voipbin accesskeys_create",
            200,
            call(move |config| async move {
                voipbin(&config)
                    .create_access_key(Duration::from_secs(86_400), Some("n"), None)
                    .await
                    .map(drop)
            }),
        ),
        (
            "voipbin accesskeys_get",
            200,
            call(move |config| async move { voipbin(&config).get_access_key(id).await.map(drop) }),
        ),
        (
            "voipbin accesskeys_update",
            200,
            call(move |config| async move {
                voipbin(&config)
                    .update_access_key(id, Some("n"), None)
                    .await
                    .map(drop)
            }),
        ),
        (
            "voipbin accesskeys_delete",
            200,
            call(
                move |config| async move { voipbin(&config).delete_access_key(id).await.map(drop) },
            ),
        ),
        (
            "mobivate getkey",
            200,
            call(move |config| async move {
                Mobivate::new(&config)?
                    .get_key(&mobivate_login())
                    .await
                    .map(drop)
            }),
        ),
        (
            "mobivate createkey",
            200,
            call(move |config| async move {
                Mobivate::new(&config)?
                    .create_key(&mobivate_login())
                    .await
                    .map(drop)
            }),
        ),
        (
            "mobivate test",
            200,
            call(|config| async move {
                Mobivate::new(&config)?
                    .test_key(&SENTINEL.into())
                    .await
                    .map(drop)
            }),
        ),
        (
            "signalwire create_token",
            200,
            call(move |config| async move {
                signalwire(&config)
                    .create_token("ci", &[Permission::Chat], None)
                    .await
                    .map(drop)
            }),
        ),
        (
            "signalwire update_token",
            200,
            call(move |config| async move {
                signalwire(&config)
                    .update_token(id, Some("ci"), None)
                    .await
                    .map(drop)
            }),
        ),
        (
            "signalwire delete_token",
            204,
            call(move |config| async move { signalwire(&config).delete_token(id).await }),
        ),
    ]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_operation_against_every_fault() {
    let timeout = Duration::from_millis(800);
    let mut cases = 0;
    let mut wrong = Vec::new();
    for (operation, success, call) in operations() {
        for fault in FAULTS {
            let origin = fault_server(fault, success).await;
            let config = Config::new().origin(origin).timeout(timeout);
            let started = Instant::now();
            let outcome = tokio::time::timeout(Duration::from_secs(10), call(config)).await;
            let elapsed = started.elapsed();
            cases += 1;
            match outcome {
                Err(_) => wrong.push(format!("{operation} / {fault:?}: hung")),
                Ok(Ok(())) => wrong.push(format!("{operation} / {fault:?}: succeeded")),
                Ok(Err(error)) => {
                    assert_no_sentinel(&format!("{error} {error:?}"));
                    if !expected(fault, success, &error) {
                        wrong.push(format!(
                            "{operation} / {fault:?}: {error} ({:?})",
                            error.kind()
                        ));
                    }
                    if elapsed > timeout * 3 {
                        wrong.push(format!("{operation} / {fault:?}: took {elapsed:?}"));
                    }
                }
            }
        }
    }
    // A refused connection, once per operation.
    for (operation, _, call) in operations() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let origin = format!("http://{}", listener.local_addr().unwrap());
        drop(listener);
        cases += 1;
        match call(Config::new().origin(origin).timeout(timeout)).await {
            Err(error) if matches!(error.kind(), ErrorKind::Connect { .. }) => {
                assert_no_sentinel(&format!("{error} {error:?}"));
            }
            other => wrong.push(format!("{operation} / refused: {other:?}")),
        }
    }
    println!("fault cases run: {cases}");
    assert!(
        wrong.is_empty(),
        "{} of {cases} cases went wrong:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
    assert_eq!(cases, 13 * 11);
}
