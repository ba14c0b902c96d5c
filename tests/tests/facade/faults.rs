//! Every operation of every provider, through the facade, against every way a server can fail:
//! each gives the expected typed error within its timeout, with no panic, no hang and no secret
//! in what it prints. Then every way a list can fail to end, against the walk over its pages.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use telauth::mobivate::{Mobivate, MobivateAccount};
use telauth::signalwire::{Permission, SignalWire, SignalWireAuth};
use telauth::smsbeta::{SmsBeta, SmsBetaAccount};
use telauth::voipbin::{
    EndlessList, MAX_ACCESS_KEY_PAGES, TokenSource, VoipBin, VoipBinAccount, VoipBinAuth,
};
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
    /// A body of 11 MiB, announced by its `Content-Length`.
    Huge,
    /// A body of 16 MiB in chunks, its size announced nowhere.
    HugeChunked,
    /// A 503 asking to wait 2⁶⁴ − 1 seconds.
    HugeRetryAfter,
    NeverAnswers,
    ResetMidBody,
}

const FAULTS: [Fault; 12] = [
    Fault::Undocumented4xx,
    Fault::Undocumented5xx,
    Fault::EmptyBody,
    Fault::MalformedJson,
    Fault::TruncatedJson,
    Fault::WrongShape,
    Fault::HtmlPage,
    Fault::Huge,
    Fault::HugeChunked,
    Fault::HugeRetryAfter,
    Fault::NeverAnswers,
    Fault::ResetMidBody,
];

/// The `Retry-After` of [`Fault::HugeRetryAfter`].
const HUGE_RETRY_AFTER: u64 = u64::MAX;

/// What the error of a body over the limit says.
const BODY_LIMIT_REASON: &str = "larger than the limit of 1048576 bytes";

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
            // Filled by `vec!` (a memset), which a debug build does not run byte by byte.
            let mut body = vec![b'a'; 11 * 1024 * 1024];
            let end = body.len() - 2;
            body[..11].copy_from_slice(b"{\"filler\":\"");
            body[end..].copy_from_slice(b"\"}");
            with(success, "application/json", &body)
        }
        Fault::HugeChunked => {
            let mut answer = format!(
                "HTTP/1.1 {success} X\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\nconnection: close\r\n\r\n"
            )
            .into_bytes();
            let chunk = |answer: &mut Vec<u8>, data: &[u8]| {
                answer.extend_from_slice(format!("{:x}\r\n", data.len()).as_bytes());
                answer.extend_from_slice(data);
                answer.extend_from_slice(b"\r\n");
            };
            chunk(&mut answer, b"{\"filler\":\"");
            for _ in 0..256 {
                chunk(&mut answer, &[b'a'; 64 * 1024]);
            }
            chunk(&mut answer, b"\"}");
            answer.extend_from_slice(b"0\r\n\r\n");
            answer
        }
        Fault::HugeRetryAfter => {
            let body = br#"{"error":{"status":"UNAVAILABLE","reason":"MAINTENANCE","message":"down for maintenance","request_id":"req_1"}}"#;
            let mut answer = format!(
                "HTTP/1.1 503 X\r\ncontent-type: application/json\r\nretry-after: {HUGE_RETRY_AFTER}\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
                body.len()
            )
            .into_bytes();
            answer.extend_from_slice(body);
            answer
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
        // Documented (VoIPBIN, with its error body) or not, a 503 keeps its `Retry-After`.
        Fault::HugeRetryAfter => {
            error.status() == Some(503)
                && error.retry_after() == Some(Duration::from_secs(HUGE_RETRY_AFTER))
        }
        // A 200 where the operation answers 204 is itself undocumented.
        _ if success != 200 => kind == &ErrorKind::UnexpectedStatus { status: 200 },
        Fault::ResetMidBody => matches!(
            kind,
            ErrorKind::InvalidResponse { .. } | ErrorKind::Transport { .. }
        ),
        // Over the limit: said so, not read to the end.
        Fault::Huge | Fault::HugeChunked => matches!(
            kind,
            ErrorKind::InvalidResponse { reason } if reason.contains(BODY_LIMIT_REASON)
        ),
        _ => matches!(kind, ErrorKind::InvalidResponse { .. }),
    }
}

type Call = Box<dyn Fn(Config) -> Pin<Box<dyn Future<Output = Result<(), Error>> + Send>>>;

/// The 13 operations, the walk over every page of access keys, and a VoIPBIN login through a
/// [`TokenSource`], each with its success status.
fn operations() -> Vec<(&'static str, u16, Call)> {
    fn call<F, Fut>(f: F) -> Call
    where
        F: Fn(Config) -> Fut + 'static,
        Fut: Future<Output = Result<(), Error>> + Send + 'static,
    {
        Box::new(move |config| Box::pin(f(config)))
    }
    let id = uuid::Uuid::from_u128(7);
    let voipbin =
        |config: &Config| VoipBin::new(config, &VoipBinAuth::AccessKey(SENTINEL.into())).unwrap();
    let voipbin_login = || VoipBinAccount {
        username: "alice".into(),
        password: SENTINEL.into(),
    };
    let mobivate_login = || MobivateAccount {
        username: "alice".into(),
        password: SENTINEL.into(),
    };
    let signalwire = move |config: &Config| {
        let credentials = SignalWireAuth {
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
                let credentials = SmsBetaAccount {
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
                VoipBin::login_only(&config)?
                    .login(&voipbin_login())
                    .await
                    .map(drop)
            }),
        ),
        (
            "voipbin TokenSource::token",
            200,
            call(move |config| async move {
                let voipbin = VoipBin::login_only(&config)?;
                let tokens = TokenSource::new(&voipbin, &voipbin_login());
                let first = tokens.token().await.map(drop);
                // A failed login is answered from memory while its backoff lasts.
                let again = tokens.token().await.map(drop).unwrap_err();
                assert_eq!(
                    Err(again.to_string()),
                    first.clone().map_err(|e| e.to_string())
                );
                first
            }),
        ),
        (
            "voipbin all_access_keys",
            200,
            call(move |config| async move {
                voipbin(&config).all_access_keys(Some(10)).await.map(drop)
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
    // A server that never answers ends on the config's timeout, kept short; every other fault
    // must end on its own, so its timeout is long enough for a loaded machine never to reach.
    let short = Duration::from_millis(800);
    let long = Duration::from_secs(30);
    let mut cases = 0;
    let mut wrong = Vec::new();
    // One fault at a time, against every operation at once; the huge bodies, slow to build in a
    // debug build, one call at a time. Each call's time is its own.
    for fault in FAULTS {
        let at_once = !matches!(fault, Fault::Huge | Fault::HugeChunked);
        let timeout = if matches!(fault, Fault::NeverAnswers) {
            short
        } else {
            long
        };
        let mut calls = tokio::task::JoinSet::new();
        let mut outcomes = Vec::new();
        for (operation, success, call) in operations() {
            let origin = fault_server(fault, success).await;
            let call = call(Config::new().origin(origin).timeout(timeout));
            calls.spawn(async move {
                let started = Instant::now();
                let outcome = tokio::time::timeout(timeout * 4, call).await;
                (operation, success, outcome, started.elapsed())
            });
            if !at_once {
                outcomes.push(calls.join_next().await.unwrap().unwrap());
            }
        }
        outcomes.extend(calls.join_all().await);
        for (operation, success, outcome, elapsed) in outcomes {
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
        match call(Config::new().origin(origin).timeout(long)).await {
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
    assert_eq!(cases, 15 * (FAULTS.len() + 1));
}

/// How a list of access keys fails to end.
#[derive(Clone, Copy, Debug)]
enum Cursor {
    /// Every page has a key and a `next_page_token` never given before.
    Endless,
    /// Every page has a key and the same `next_page_token`.
    Repeated,
    /// As `Endless`, each page 50 ms late, under a deadline of 1 s for the whole walk.
    SlowEndless,
}

/// A loopback server that answers every list request with a page as `cursor` says; answers the
/// origin and the count of requests.
async fn cursor_server(cursor: Cursor) -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let origin = format!("http://{}", listener.local_addr().unwrap());
    let requests = Arc::new(AtomicUsize::new(0));
    let count = Arc::clone(&requests);
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let count = Arc::clone(&count);
            tokio::spawn(async move {
                let mut head = Vec::new();
                let mut buffer = [0; 4096];
                while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                    match stream.read(&mut buffer).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => head.extend_from_slice(&buffer[..n]),
                    }
                }
                let page = count.fetch_add(1, Ordering::SeqCst) + 1;
                if matches!(cursor, Cursor::SlowEndless) {
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
                let next = match cursor {
                    Cursor::Repeated => "same".to_string(),
                    Cursor::Endless | Cursor::SlowEndless => format!("t{page}"),
                };
                let body = format!(
                    r#"{{"result":[{{"id":"{}"}}],"next_page_token":"{next}"}}"#,
                    uuid::Uuid::from_u128(page as u128)
                );
                let answer = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = stream.write_all(answer.as_bytes()).await;
                let _ = stream.shutdown().await;
            });
        }
    });
    (origin, requests)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_list_that_does_not_end_ends_the_walk_with_an_error() {
    let mut wrong = Vec::new();
    for cursor in [Cursor::Endless, Cursor::Repeated, Cursor::SlowEndless] {
        let (origin, requests) = cursor_server(cursor).await;
        let config = Config::new()
            .origin(origin)
            .timeout(Duration::from_millis(800));
        let config = match cursor {
            Cursor::SlowEndless => config.deadline(Duration::from_secs(1)),
            Cursor::Endless | Cursor::Repeated => config,
        };
        let api = VoipBin::new(&config, &VoipBinAuth::AccessKey(SENTINEL.into())).unwrap();
        let started = Instant::now();
        let outcome =
            tokio::time::timeout(Duration::from_secs(20), api.all_access_keys(Some(100))).await;
        let elapsed = started.elapsed();
        let requests = requests.load(Ordering::SeqCst);
        let error = match outcome {
            Err(_) => {
                wrong.push(format!("{cursor:?}: hung ({requests} requests)"));
                continue;
            }
            Ok(Ok(keys)) => {
                wrong.push(format!("{cursor:?}: succeeded with {} keys", keys.len()));
                continue;
            }
            Ok(Err(error)) => error,
        };
        assert_no_sentinel(&format!("{error} {error:?}"));
        let why = std::error::Error::source(&error)
            .and_then(|source| source.downcast_ref::<EndlessList>())
            .copied();
        let right = match cursor {
            Cursor::Endless => {
                why == Some(EndlessList::TooManyPages {
                    limit: MAX_ACCESS_KEY_PAGES,
                }) && requests == MAX_ACCESS_KEY_PAGES
                    && error.to_string().contains("after 1000 pages")
            }
            Cursor::Repeated => {
                why == Some(EndlessList::RepeatedPageToken { page: 2 })
                    && requests == 2
                    && error
                        .to_string()
                        .contains("page 2 of the access keys repeats")
            }
            Cursor::SlowEndless => {
                error.kind() == &ErrorKind::Timeout && elapsed < Duration::from_secs(3)
            }
        };
        let invalid = matches!(error.kind(), ErrorKind::InvalidResponse { .. });
        if !right || (invalid != why.is_some()) || error.operation() != "accesskeys_list" {
            wrong.push(format!(
                "{cursor:?}: {error} ({:?}, {requests} requests, {elapsed:?})",
                error.kind()
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
