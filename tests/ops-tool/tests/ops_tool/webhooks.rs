//! The ops tool's webhook receiver, served on loopback, gets webhooks the sandbox delivers
//! signed as each provider signs them: it accepts them, and refuses one replayed with a changed
//! body and every one signed with another key.

use std::net::SocketAddr;

use telauth::Vars;
use telauth_ops_tool::webhooks::{Accepted, router};
use telauth_sandbox::{Sandbox, Webhook};

/// Serves the receiver, configured with the sandbox's variables and `more`, on a free loopback
/// port; answers its origin and what it accepts.
async fn serve(sandbox: &Sandbox, more: &[(&'static str, &str)]) -> (String, Accepted) {
    let listener = tokio::net::TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], 0)))
        .await
        .unwrap();
    let origin = format!("http://{}", listener.local_addr().unwrap());
    let vars = Vars::from_iter(
        sandbox
            .info()
            .env_vars()
            .into_iter()
            .chain([("OPS_TOOL_PUBLIC_ORIGIN", origin.clone())])
            .chain(more.iter().map(|(name, value)| (*name, value.to_string()))),
    );
    let (app, accepted) = router(&vars).unwrap();
    // Ends with the test's runtime.
    tokio::spawn(async move { axum::serve(listener, app).await });
    (origin, accepted)
}

fn webhooks() -> [(&'static str, Webhook); 3] {
    [
        (
            "/signalwire/status?leg=1",
            Webhook::SignalWireJson(r#"{"event_type":"calling.call.state"}"#.into()),
        ),
        (
            "/signalwire/voice",
            Webhook::SignalWireForm(vec![
                ("CallSid".into(), "CA1".into()),
                ("Digits".into(), "2".into()),
                ("Digits".into(), "1".into()),
                ("From".into(), "+15552223333".into()),
            ]),
        ),
        (
            "/voipbin/events",
            Webhook::VoipBin(r#"{"type":"call_updated","data":{"id":"0b2a"}}"#.into()),
        ),
    ]
}

#[tokio::test]
async fn the_receiver_accepts_what_the_sandbox_signs_and_refuses_a_changed_body() {
    let sandbox = Sandbox::start("127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    let (origin, accepted) = serve(&sandbox, &[]).await;
    for (path, webhook) in webhooks() {
        let status = sandbox
            .deliver_webhook(&format!("{origin}{path}"), &webhook)
            .await
            .unwrap();
        assert_eq!(status, 204, "{path}");
    }
    let kept: Vec<String> = accepted
        .lock()
        .unwrap()
        .iter()
        .map(|(path, _)| path.clone())
        .collect();
    assert_eq!(
        kept,
        ["/signalwire/status", "/signalwire/voice", "/voipbin/events"]
    );

    // The VoIPBIN event again, its signature kept and its body changed: refused.
    let (_, body) = accepted.lock().unwrap()[2].clone();
    let url = format!("{origin}/voipbin/events");
    let signed = Webhook::VoipBin(body.clone()).sign(&url, &sandbox.info().webhooks);
    let (_, signature) = &signed.headers[0];
    let tampered = body.replace("0b2a", "0b2b");
    let status = post(&url, signature, &tampered).await;
    assert_eq!(status, 403);
    let status = post(&url, signature, &body).await;
    assert_eq!(status, 204, "the same request unchanged is accepted");
    assert_eq!(accepted.lock().unwrap().len(), 4);
    sandbox.stop().await;
}

#[tokio::test]
async fn the_receiver_refuses_webhooks_signed_with_another_key() {
    let sandbox = Sandbox::start("127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    let (origin, accepted) = serve(
        &sandbox,
        &[
            ("SIGNALWIRE_SIGNING_KEY", "PSK_another_project"),
            ("VOIPBIN_WEBHOOK_SECRET", "another customer's secret"),
        ],
    )
    .await;
    for (path, webhook) in webhooks() {
        let status = sandbox
            .deliver_webhook(&format!("{origin}{path}"), &webhook)
            .await
            .unwrap();
        assert_eq!(status, 403, "{path}");
    }
    assert!(accepted.lock().unwrap().is_empty());
    sandbox.stop().await;
}

/// POSTs `body` with `X-VoIPBIN-Signature: signature` to `url`; answers the status.
async fn post(url: &str, signature: &str, body: &str) -> u16 {
    let address = url.trim_start_matches("http://");
    let (host, path) = address.split_once('/').unwrap();
    let mut stream = tokio::net::TcpStream::connect(host).await.unwrap();
    let request = format!(
        "POST /{path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\n\
         X-VoIPBIN-Signature: {signature}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).await.unwrap();
    answer.split(' ').nth(1).unwrap().parse().unwrap()
}
