//! The sandbox's bounds: no input panics a handler, no request or record grows memory without
//! limit.

use serde_json::{Value, json};
use telauth_sandbox::{EXCHANGE_BYTES_KEPT, MAX_ITEMS, Sandbox};

/// Sends `method` to `url` with `body` and an access-key cookie; answers the status and the JSON.
async fn send(
    http: &reqwest::Client,
    method: reqwest::Method,
    url: &str,
    body: Option<String>,
    key: &str,
) -> (u16, Value) {
    let mut request = http
        .request(method, url)
        .header("cookie", format!("accesskey={key}"));
    if let Some(body) = body {
        request = request
            .header("content-type", "application/json")
            .body(body);
    }
    let response = request.send().await.expect("the sandbox answers");
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn hostile_input_is_refused_and_memory_stays_bounded() {
    let sandbox = Sandbox::start("127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    let info = sandbox.info().clone();
    let base = &info.voipbin.origin;
    let http = reqwest::Client::new();
    let login: Value = http
        .post(format!("{base}/auth/login"))
        .json(&json!({ "username": info.voipbin.username, "password": info.voipbin.password }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let jwt = login["token"].as_str().unwrap().to_string();
    let create = |name: String| {
        let (http, base, jwt) = (http.clone(), base.clone(), jwt.clone());
        async move {
            let response = http
                .post(format!("{base}/v1.0/accesskeys"))
                .bearer_auth(jwt)
                .json(&json!({ "expire": 86400, "name": name, "detail": "d".repeat(1000) }))
                .send()
                .await
                .unwrap();
            let status = response.status().as_u16();
            (
                status,
                response.json::<Value>().await.unwrap_or(Value::Null),
            )
        }
    };
    let (status, key) = create("first".into()).await;
    assert_eq!(status, 200);
    let key = key["token"].as_str().unwrap().to_string();

    // A page token at the edge of usize: an empty page, not a panic.
    let url = format!("{base}/v1.0/accesskeys?page_token={}", usize::MAX);
    let (status, page) = send(&http, reqwest::Method::GET, &url, None, &key).await;
    assert_eq!(
        (status, page["result"].as_array().map(Vec::len)),
        (200, Some(0))
    );

    // A name longer than the sandbox keeps, and a body larger than it reads.
    assert_eq!(create("n".repeat(2000)).await.0, 400);
    let huge = json!({ "expire": 86400, "name": "n".repeat(900_000) }).to_string();
    let url = format!("{base}/v1.0/accesskeys");
    assert_eq!(
        send(&http, reqwest::Method::POST, &url, Some(huge), &key)
            .await
            .0,
        413
    );

    // At most MAX_ITEMS keys.
    for index in 1..MAX_ITEMS {
        assert_eq!(create(format!("k{index}")).await.0, 200, "{index}");
    }
    assert_eq!(create("one too many".into()).await.0, 429);

    // Many large answers (pages of 100 keys with 1000-byte details): the record keeps at most
    // EXCHANGE_BYTES_KEPT bytes of bodies.
    let url = format!("{base}/v1.0/accesskeys?page_size=100");
    for _ in 0..60 {
        assert_eq!(
            send(&http, reqwest::Method::GET, &url, None, &key).await.0,
            200
        );
    }
    let kept: usize = sandbox
        .exchanges()
        .iter()
        .map(|exchange| exchange.size)
        .sum();
    assert!(kept <= EXCHANGE_BYTES_KEPT, "{kept} bytes recorded");
    assert!(sandbox.exchanges().len() > 10);

    // Long paths (each 404): the record's bound counts every byte it keeps, paths included.
    let long = format!("{base}/{}", "p".repeat(60_000));
    for _ in 0..200 {
        assert_eq!(
            send(&http, reqwest::Method::GET, &long, None, &key).await.0,
            404
        );
    }
    let held = held(&sandbox);
    assert!(held <= EXCHANGE_BYTES_KEPT, "{held} bytes recorded");
    assert!(sandbox.exchanges().len() > 10);

    // A SignalWire permission list of thousands of duplicates keeps each name once, on create
    // and on update.
    let signalwire = &info.signalwire;
    let tokens = format!(
        "{}/api/laml/2010-04-01/Accounts/{}/tokens",
        signalwire.origin, signalwire.project_id
    );
    let many = |names: &[&str]| -> Vec<String> {
        names
            .iter()
            .cycle()
            .take(7000)
            .map(|name| name.to_string())
            .collect()
    };
    let response = http
        .post(&tokens)
        .basic_auth(&signalwire.project_id, Some(&signalwire.api_token))
        .json(&json!({ "name": "many", "permissions": many(&["fax", "chat"]) }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
    let token: Value = response.json().await.unwrap();
    assert_eq!(token["permissions"], json!(["fax", "chat"]));
    let response = http
        .patch(format!("{tokens}/{}", token["id"].as_str().unwrap()))
        .basic_auth(&signalwire.project_id, Some(&signalwire.api_token))
        .json(&json!({ "permissions": many(&["video"]) }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
    let token: Value = response.json().await.unwrap();
    assert_eq!(token["permissions"], json!(["video"]));
    sandbox.stop().await;
}

/// The bytes the record holds, counted here rather than taken from it: each exchange's method,
/// path and body.
fn held(sandbox: &Sandbox) -> usize {
    sandbox
        .exchanges()
        .iter()
        .map(|exchange| {
            let body = exchange
                .body
                .as_ref()
                .map_or(0, |body| body.to_string().len());
            exchange.method.len() + exchange.path.len() + body
        })
        .sum()
}
