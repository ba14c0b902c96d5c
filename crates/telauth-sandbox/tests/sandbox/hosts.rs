//! Each provider at the root of its own port (its `host`): the same answers as under its prefix
//! on the shared port, one state behind both, one record, and every port closed by `stop`.

use std::time::{Duration, Instant};

use md5::{Digest, Md5};
use serde_json::{Value, json};
use telauth_sandbox::Sandbox;

/// A request's status and JSON body (`Null` when there is none).
async fn answer(request: reqwest::RequestBuilder) -> (u16, Value) {
    let response = request.send().await.expect("the sandbox answers");
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn each_provider_answers_at_the_root_of_its_host_with_the_shared_state() {
    let sandbox = Sandbox::start("127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    let info = sandbox.info().clone();
    let http = reqwest::Client::new();
    let hosts = [
        &info.smsbeta.host,
        &info.voipbin.host,
        &info.mobivate.host,
        &info.signalwire.host,
    ];
    let shared = info.smsbeta.origin.trim_end_matches("/smsbeta");
    for host in hosts {
        assert!(host.starts_with("127.0.0.1:"), "{host}");
        assert_ne!(format!("http://{host}"), shared, "a port of its own");
    }
    let ports: std::collections::BTreeSet<_> = hosts.iter().collect();
    assert_eq!(ports.len(), 4, "four different ports: {hosts:?}");

    // SMSBeta: the same login, the same long-lived token, on both.
    let digest: String = Md5::digest(info.smsbeta.password.as_bytes())
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect();
    let login = json!({ "mail": info.smsbeta.mail, "password": digest });
    let at_origin = answer(
        http.post(format!("{}/login", info.smsbeta.origin))
            .json(&login),
    )
    .await;
    let at_host = answer(
        http.post(format!("http://{}/login", info.smsbeta.host))
            .json(&login),
    )
    .await;
    assert_eq!(at_origin.0, 200, "{at_origin:?}");
    assert_eq!(at_origin, at_host);

    // VoIPBIN: a JWT from the host works at the origin; a key created at the origin is listed
    // at the host.
    let voipbin = &info.voipbin;
    let (status, login) = answer(
        http.post(format!("http://{}/auth/login", voipbin.host))
            .json(&json!({ "username": voipbin.username, "password": voipbin.password })),
    )
    .await;
    assert_eq!(status, 200, "{login}");
    let jwt = login["token"].as_str().unwrap();
    let (status, key) = answer(
        http.post(format!("{}/v1.0/accesskeys", voipbin.origin))
            .bearer_auth(jwt)
            .json(&json!({ "name": "both ports", "expire": 86400 })),
    )
    .await;
    assert_eq!(status, 200, "{key}");
    let (status, page) = answer(
        http.get(format!("http://{}/v1.0/accesskeys", voipbin.host))
            .header(
                "cookie",
                format!("accesskey={}", key["token"].as_str().unwrap()),
            ),
    )
    .await;
    assert_eq!(status, 200, "{page}");
    assert_eq!(page["result"][0]["id"], key["id"]);
    // Under the prefix on its own port is not a path of the API.
    let (status, _) =
        answer(http.post(format!("http://{}/voipbin/auth/login", voipbin.host))).await;
    assert_eq!(status, 404);

    // Mobivate: a rotation at the host revokes the key read at the origin.
    let mobivate = &info.mobivate;
    let account = json!({ "username": mobivate.username, "password": mobivate.password });
    let (_, old) = answer(
        http.post(format!("{}/auth/getkey", mobivate.origin))
            .json(&account),
    )
    .await;
    let old = old["apiKey"].as_str().unwrap().to_string();
    let test = |url: String, key: &str| http.get(url).bearer_auth(key);
    let at_host = format!("http://{}/auth/test", mobivate.host);
    assert_eq!(answer(test(at_host.clone(), &old)).await.0, 200);
    let (status, new) = answer(
        http.post(format!("http://{}/auth/createkey", mobivate.host))
            .json(&account),
    )
    .await;
    assert_eq!(status, 200, "{new}");
    let at_origin = format!("{}/auth/test", mobivate.origin);
    assert_eq!(answer(test(at_origin.clone(), &old)).await.0, 401);
    let new = new["apiKey"].as_str().unwrap();
    assert_eq!(answer(test(at_origin, new)).await.0, 200);

    // SignalWire: a token created at the host is deleted at the origin, once.
    let signalwire = &info.signalwire;
    let path = format!(
        "/api/laml/2010-04-01/Accounts/{}/tokens",
        signalwire.project_id
    );
    let (status, token) = answer(
        http.post(format!("http://{}{path}", signalwire.host))
            .basic_auth(&signalwire.project_id, Some(&signalwire.api_token))
            .header("content-type", "application/x-www-form-urlencoded")
            .body("name=both+ports&permissions=calling"),
    )
    .await;
    assert_eq!(status, 200, "{token}");
    let id = token["id"].as_str().unwrap();
    let delete = |base: String| {
        http.delete(format!("{base}{path}/{id}"))
            .basic_auth(&signalwire.project_id, Some(&signalwire.api_token))
    };
    assert_eq!(answer(delete(signalwire.origin.clone())).await.0, 204);
    assert_eq!(
        answer(delete(format!("http://{}", signalwire.host)))
            .await
            .0,
        404
    );

    // One record for every port, each path with its provider's prefix.
    let record: Vec<(String, String, u16)> = sandbox
        .exchanges()
        .into_iter()
        .map(|exchange| (exchange.method, exchange.path, exchange.status))
        .collect();
    let token_path = format!("/signalwire{path}");
    let expected = [
        ("POST", "/smsbeta/login".to_string(), 200),
        ("POST", "/smsbeta/login".to_string(), 200),
        ("POST", "/voipbin/auth/login".to_string(), 200),
        ("POST", "/voipbin/v1.0/accesskeys".to_string(), 200),
        ("GET", "/voipbin/v1.0/accesskeys".to_string(), 200),
        ("POST", "/voipbin/voipbin/auth/login".to_string(), 404),
        ("POST", "/mobivate/auth/getkey".to_string(), 200),
        ("GET", "/mobivate/auth/test".to_string(), 200),
        ("POST", "/mobivate/auth/createkey".to_string(), 200),
        ("GET", "/mobivate/auth/test".to_string(), 401),
        ("GET", "/mobivate/auth/test".to_string(), 200),
        ("POST", token_path.clone(), 200),
        ("DELETE", format!("{token_path}/{id}"), 204),
        ("DELETE", format!("{token_path}/{id}"), 404),
    ]
    .map(|(method, path, status)| (method.to_string(), path, status));
    assert_eq!(record, expected);

    // `stop` closes every port.
    let addresses: Vec<String> = hosts.iter().map(|host| host.to_string()).collect();
    sandbox.stop().await;
    for address in &addresses {
        assert!(
            tokio::net::TcpStream::connect(address).await.is_err(),
            "{address} still accepts connections after stop"
        );
    }
}

#[tokio::test]
async fn dropping_the_sandbox_closes_every_port() {
    let sandbox = Sandbox::start("127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    let info = sandbox.info().clone();
    let shared = info.voipbin.origin["http://".len()..]
        .trim_end_matches("/voipbin")
        .to_string();
    let addresses = [
        shared,
        info.smsbeta.host,
        info.voipbin.host,
        info.mobivate.host,
        info.signalwire.host,
    ];
    for address in &addresses {
        assert!(tokio::net::TcpStream::connect(address).await.is_ok());
    }
    drop(sandbox);
    let deadline = Instant::now() + Duration::from_secs(10);
    for address in &addresses {
        while tokio::net::TcpStream::connect(address).await.is_ok() {
            assert!(
                Instant::now() < deadline,
                "{address} still accepts connections after drop"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}
