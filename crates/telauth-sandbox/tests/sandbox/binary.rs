//! The `telauth-sandbox` binary: its first line, its request log, and a clean stop on SIGTERM.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, ChildStdout, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

/// The sandbox binary on a free port, its stdout piped: the child, the rest of its stdout, and
/// the first line.
fn spawn() -> (Child, BufReader<ChildStdout>, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_telauth-sandbox"))
        .args(["--listen", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut first = String::new();
    stdout.read_line(&mut first).unwrap();
    (child, stdout, first)
}

#[test]
fn first_line_is_json_then_one_line_per_request_until_sigterm() {
    let (mut child, mut stdout, first) = spawn();
    let info: Value = serde_json::from_str(&first).expect("the first line is one JSON object");
    for (provider, fields) in [
        ("smsbeta", &["origin", "host", "mail", "password"][..]),
        ("voipbin", &["origin", "host", "username", "password"]),
        ("mobivate", &["origin", "host", "username", "password"]),
        (
            "signalwire",
            &["origin", "host", "space", "project_id", "api_token"],
        ),
    ] {
        for field in fields {
            assert!(
                info[provider][field].is_string(),
                "{provider}.{field} in {first}"
            );
        }
        let base = info[provider]["origin"].as_str().unwrap();
        assert!(
            base.starts_with("http://127.0.0.1:") && base.ends_with(provider),
            "{base}"
        );
        let host = info[provider]["host"].as_str().unwrap();
        assert!(host.starts_with("127.0.0.1:"), "{host}");
    }

    // One request, with a secret in its query.
    let address = info["mobivate"]["origin"].as_str().unwrap()["http://".len()..]
        .split('/')
        .next()
        .unwrap()
        .to_string();
    let mut stream = TcpStream::connect(&address).unwrap();
    write!(stream, "GET /mobivate/auth/test?key=sentinel-secret HTTP/1.1\r\nhost: {address}\r\nconnection: close\r\n\r\n").unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    assert!(answer.starts_with("HTTP/1.1 401"), "{answer}");
    let mut log = String::new();
    stdout.read_line(&mut log).unwrap();
    assert_eq!(log.trim_end(), "GET /mobivate/auth/test 401");

    // The same request at the root of Mobivate's own port is logged with its prefix.
    let host = info["mobivate"]["host"].as_str().unwrap();
    let mut stream = TcpStream::connect(host).unwrap();
    write!(
        stream,
        "GET /auth/test?key=sentinel-secret HTTP/1.1\r\nhost: {host}\r\nconnection: close\r\n\r\n"
    )
    .unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    assert!(answer.starts_with("HTTP/1.1 401"), "{answer}");
    let mut log = String::new();
    stdout.read_line(&mut log).unwrap();
    assert_eq!(log.trim_end(), "GET /mobivate/auth/test 401");

    let pid = child.id().to_string();
    assert!(
        Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .unwrap()
            .success()
    );
    let deadline = Instant::now() + Duration::from_secs(10);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(
            Instant::now() < deadline,
            "the sandbox did not stop on SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success(), "{status:?}");
}

#[test]
fn a_closed_stdout_loses_no_answer_and_stops_no_server() {
    let (mut child, stdout, first) = spawn();
    let info: Value = serde_json::from_str(&first).expect("the first line is one JSON object");
    // Nobody reads the log any more: its writes fail with EPIPE.
    drop(stdout);
    let host = info["mobivate"]["host"].as_str().unwrap();
    let body = serde_json::json!({
        "username": info["mobivate"]["username"],
        "password": info["mobivate"]["password"],
    })
    .to_string();
    let post = |path: &str| {
        let mut stream = TcpStream::connect(host).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        write!(
            stream,
            "POST {path} HTTP/1.1\r\nhost: {host}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
            body.len()
        )
        .unwrap();
        let mut answer = String::new();
        let _ = stream.read_to_string(&mut answer);
        answer
    };
    // The rotation's answer arrives, and the key it carries is the one the sandbox now keeps.
    let rotated = post("/auth/createkey");
    assert!(
        rotated.starts_with("HTTP/1.1 200"),
        "createkey answered {rotated:?}"
    );
    let key = |answer: &str| {
        let body = answer.split("\r\n\r\n").nth(1).unwrap_or_default();
        serde_json::from_str::<Value>(body).unwrap_or_default()["apiKey"].clone()
    };
    assert!(key(&rotated).is_string(), "{rotated}");
    assert!(child.try_wait().unwrap().is_none(), "the sandbox stopped");
    let current = post("/auth/getkey");
    assert!(current.starts_with("HTTP/1.1 200"), "{current:?}");
    assert_eq!(key(&current), key(&rotated));
    assert!(child.try_wait().unwrap().is_none(), "the sandbox stopped");
    child.kill().unwrap();
    child.wait().unwrap();
}

#[test]
fn a_bad_listen_address_is_a_usage_error() {
    let output = Command::new(env!("CARGO_BIN_EXE_telauth-sandbox"))
        .args(["--listen", "not-an-address"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("is not an ADDRESS:PORT"));
}

#[test]
fn a_stdout_nobody_reads_delays_no_answer_and_the_log_counts_what_it_dropped() {
    let (mut child, stdout, first) = spawn();
    let info: Value = serde_json::from_str(&first).expect("the first line is one JSON object");
    // From here on stdout stays open and unread: once the pipe is full, a write to it waits.
    let host = info["mobivate"]["host"].as_str().unwrap().to_string();
    // 8 KiB per log line.
    let head = format!(
        "GET /{} HTTP/1.1\r\nhost: {host}\r\n\r\n",
        "p".repeat(8 * 1024)
    );
    let mut stream = TcpStream::connect(&host).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    stream.set_nodelay(true).unwrap();
    let mut answers = BufReader::new(stream.try_clone().unwrap());
    let mut get = |request: usize| {
        stream.write_all(head.as_bytes()).unwrap();
        let mut status = String::new();
        answers.read_line(&mut status).unwrap_or_else(|error| {
            panic!("request {request} was not answered within 5 s: {error}")
        });
        assert!(
            status.starts_with("HTTP/1.1 404"),
            "request {request}: {status:?}"
        );
        // The rest of the head, then the body its content-length gives.
        let mut length = 0;
        loop {
            let mut line = String::new();
            answers.read_line(&mut line).unwrap();
            if line == "\r\n" {
                break;
            }
            if let Some((name, value)) = line.split_once(':')
                && name.eq_ignore_ascii_case("content-length")
            {
                length = value.trim().parse().unwrap();
            }
        }
        let mut body = vec![0; length];
        answers.read_exact(&mut body).unwrap();
    };
    // 200 lines of 8 KiB: 25 times a 64 KiB pipe.
    for request in 0..200 {
        get(request);
    }

    // Once stdout is read again, the log says how many lines it dropped, before the next line.
    let (found, notice) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in stdout.lines() {
            let Ok(line) = line else { break };
            if line.ends_with(" log lines dropped") {
                let _ = found.send(line);
                break;
            }
        }
    });
    let deadline = Instant::now() + Duration::from_secs(10);
    let notice = (200..)
        .find_map(|request| {
            get(request);
            assert!(
                Instant::now() < deadline,
                "no count of the lines dropped within 10 s"
            );
            notice.recv_timeout(Duration::from_millis(50)).ok()
        })
        .unwrap();
    let count: usize = notice.split(' ').next().unwrap().parse().unwrap();
    assert!(count > 0, "{notice}");
    assert!(child.try_wait().unwrap().is_none(), "the sandbox stopped");
    child.kill().unwrap();
    child.wait().unwrap();
}
