//! Every operation of every generated client against the sandbox, success and documented
//! failures; then every answer the sandbox gave is checked against the specs.

use std::time::Duration;

use serde_json::{Value, json};
use telauth_sandbox::{Sandbox, SandboxInfo};
use telauth_tests::spec_conformance::{unexercised, violations};

/// Sends `body` (raw bytes) as `method` to `url`, for the requests a typed client cannot make.
async fn raw(
    method: reqwest::Method,
    url: &str,
    body: &str,
    basic: Option<(&str, &str)>,
) -> (u16, Value) {
    raw_typed(method, url, "application/json", body, basic).await
}

/// Sends `body` as `method` to `url` with the content type given.
async fn raw_typed(
    method: reqwest::Method,
    url: &str,
    content_type: &str,
    body: &str,
    basic: Option<(&str, &str)>,
) -> (u16, Value) {
    let mut request = reqwest::Client::new()
        .request(method, url)
        .header("content-type", content_type)
        .body(body.to_string());
    if let Some((user, password)) = basic {
        request = request.basic_auth(user, Some(password));
    }
    let response = request.send().await.expect("the sandbox answers");
    let status = response.status().as_u16();
    let text = response.text().await.unwrap_or_default();
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

fn status<T, E>(result: Result<T, telauth_voipbin::Error<E>>) -> u16 {
    match result {
        Ok(_) => 200,
        Err(error) => error.status().map_or(0, |status| status.as_u16()),
    }
}

async fn smsbeta(info: &SandboxInfo) {
    use telauth_smsbeta::{Client, Credentials, types::LoginRequest};
    let client = Client::new(&info.smsbeta.origin, Credentials::none());
    let login = |password: &str| {
        client
            .login()
            .body(
                LoginRequest::builder()
                    .mail(info.smsbeta.mail.clone())
                    .password(password),
            )
            .send()
    };
    // md5 of the demo password, as `printf %s smsbeta-demo-password | md5sum` gives it.
    let envelope = login("ef711a3db2fa4a11699956b1fc6d8603").await.unwrap();
    assert_eq!(envelope.code, 200);
    assert!(
        envelope
            .data
            .as_ref()
            .unwrap()
            .token
            .expose()
            .starts_with("sb_")
    );
    assert_eq!(
        status(login(&info.smsbeta.password).await),
        401,
        "the plain password is refused"
    );
    let url = format!("{}/login", info.smsbeta.origin);
    assert_eq!(
        raw(reqwest::Method::POST, &url, "{not json", None).await.0,
        401
    );
    assert_eq!(
        raw(reqwest::Method::POST, &url, r#"{"mail":"x"}"#, None)
            .await
            .0,
        401
    );
}

async fn voipbin(sandbox: &Sandbox, info: &SandboxInfo) {
    use telauth_voipbin::types::{AccesskeyCreate, AccesskeyUpdate, LoginRequest};
    use telauth_voipbin::{Client, Credentials};
    let base = &info.voipbin.origin;
    let public = Client::new(base, Credentials::none());
    let login = |password: &str| {
        public
            .auth_login()
            .body(
                LoginRequest::builder()
                    .username(info.voipbin.username.clone())
                    .password(password),
            )
            .send()
    };
    assert_eq!(status(login("wrong").await), 400);
    // VoIPBIN's rate limiter on /auth/*: a 429 with `details` and `Retry-After`.
    sandbox.limit_voipbin_rate(1, Duration::from_secs(5));
    match login(&info.voipbin.password).await {
        Err(telauth_voipbin::Error::ErrorResponse(response)) => {
            assert_eq!(response.status(), 429);
            assert_eq!(response.headers()["retry-after"], "5");
            assert_eq!(response.error.details[0]["limited_by"], "ip");
        }
        other => panic!("expected the simulated 429, got {other:?}"),
    }
    let jwt = login(&info.voipbin.password)
        .await
        .unwrap()
        .into_inner()
        .token;
    let (code, _) = raw(
        reqwest::Method::POST,
        &format!("{base}/auth/login"),
        "[1,2",
        None,
    )
    .await;
    assert_eq!(code, 400);

    let by_jwt = Client::new(base, Credentials::bearer_auth(jwt.clone()));
    let create = |expire: i64, name: &str| {
        by_jwt
            .accesskeys_create()
            .body(
                AccesskeyCreate::builder()
                    .name(Some(name.into()))
                    .expire(expire),
            )
            .send()
    };
    assert_eq!(status(create(86_399, "too short").await), 400);
    // The server keeps `expire` in 32 bits: 2^31 wraps negative (refused), 2^32 + 86400 wraps to
    // a one-day key, which is why the facade refuses anything above 2147483647.
    assert_eq!(status(create(2_147_483_648, "wraps negative").await), 400);
    let wrapped = create(4_295_053_696, "wraps to a day").await.unwrap();
    let by_wrapped = Client::new(
        base,
        Credentials::accesskey_cookie(wrapped.token.clone().unwrap()),
    );
    by_wrapped
        .accesskeys_delete()
        .id(wrapped.id)
        .send()
        .await
        .unwrap();
    let mut keys = Vec::new();
    for name in ["a", "b", "c"] {
        keys.push(create(86_400, name).await.unwrap().into_inner());
    }
    let key_token = keys[0].token.clone().expect("create shows the token");

    // An access key as cookie or ?accesskey=, never Bearer; a JWT as cookie, ?token= or Bearer.
    let by_key = Client::new(base, Credentials::accesskey_cookie(key_token.clone()));
    let by_key_query = Client::new(base, Credentials::accesskey_query(key_token.clone()));
    let by_token_query = Client::new(base, Credentials::token_query(jwt.clone()));
    let by_token_cookie = Client::new(base, Credentials::token_cookie(jwt.clone()));
    assert_eq!(status(by_key_query.accesskeys_list().send().await), 200);
    assert_eq!(status(by_token_cookie.accesskeys_list().send().await), 200);
    // Every JWT source is looked at before any access key: a stale JWT beats a valid key.
    let (code, _) = raw(
        reqwest::Method::GET,
        &format!(
            "{base}/v1.0/accesskeys?token=stale&accesskey={}",
            key_token.expose()
        ),
        "",
        None,
    )
    .await;
    assert_eq!(code, 401);
    let key_as_bearer = Client::new(base, Credentials::bearer_auth(key_token.clone()));
    let first = by_key
        .accesskeys_list()
        .page_size(2)
        .send()
        .await
        .unwrap()
        .into_inner();
    assert_eq!(first.result.len(), 2);
    assert!(
        first.result.iter().all(|key| key.token.is_none()),
        "lists never show tokens"
    );
    let next = first
        .next_page_token
        .clone()
        .filter(|t| !t.is_empty())
        .expect("a second page");
    let second = by_token_query
        .accesskeys_list()
        .page_size(2)
        .page_token(next)
        .send()
        .await
        .unwrap()
        .into_inner();
    assert_eq!(second.result.len(), 1);
    // Like the server, a short last page still carries a cursor; the empty page after it ends.
    let last = second
        .next_page_token
        .clone()
        .filter(|t| !t.is_empty())
        .expect("a cursor after a non-empty page");
    let third = by_key
        .accesskeys_list()
        .page_size(2)
        .page_token(last)
        .send()
        .await
        .unwrap()
        .into_inner();
    assert!(third.result.is_empty());
    assert_eq!(third.next_page_token.as_deref(), Some(""));
    assert_eq!(status(key_as_bearer.accesskeys_list().send().await), 401);
    assert_eq!(
        status(by_jwt.accesskeys_list().page_size(500).send().await),
        200
    );

    let id = keys[1].id;
    let read = by_key.accesskeys_get().id(id).send().await.unwrap();
    assert_eq!(read.name.as_deref(), Some("b"));
    let updated = by_key
        .accesskeys_update()
        .id(id)
        .body(
            AccesskeyUpdate::builder()
                .name(Some("renamed".into()))
                .detail(Some("detail".into())),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(updated.name.as_deref(), Some("renamed"));
    // PUT replaces both fields: a body with the name alone clears the detail.
    let cleared = by_key
        .accesskeys_update()
        .id(id)
        .body(AccesskeyUpdate::builder().name(Some("renamed again".into())))
        .send()
        .await
        .unwrap();
    assert_eq!(cleared.detail, None);
    assert_eq!(
        read.tm_delete, None,
        "current servers send null until deleted"
    );
    let deleted = by_key.accesskeys_delete().id(id).send().await.unwrap();
    assert!(deleted.tm_delete.is_some());
    // Deletion is soft: the id answers 409 from then on; an id never issued is a 400.
    assert_eq!(status(by_key.accesskeys_get().id(id).send().await), 409);
    assert_eq!(status(by_key.accesskeys_delete().id(id).send().await), 409);
    let update_deleted = by_key
        .accesskeys_update()
        .id(id)
        .body(AccesskeyUpdate::builder().name(Some("x".into())))
        .send()
        .await;
    assert_eq!(status(update_deleted), 409);
    let unknown = uuid::Uuid::from_u128(1);
    assert_eq!(
        status(by_key.accesskeys_get().id(unknown).send().await),
        400
    );
    let (code, _) = raw(
        reqwest::Method::POST,
        &format!("{base}/v1.0/accesskeys?token={}", jwt.expose()),
        "{}",
        None,
    )
    .await;
    assert_eq!(code, 400, "a create without expire");

    // A deleted key, and after 8 days every JWT and the one-day keys, are refused.
    let deleted_key = keys[1].token.clone().unwrap();
    let by_deleted = Client::new(base, Credentials::accesskey_cookie(deleted_key));
    assert_eq!(status(by_deleted.accesskeys_list().send().await), 401);
    sandbox.advance_clock(Duration::from_secs(8 * 86_400));
    assert_eq!(status(by_jwt.accesskeys_list().send().await), 401);
    assert_eq!(status(by_key.accesskeys_list().send().await), 401);
}

async fn mobivate(info: &SandboxInfo) {
    use telauth_mobivate::types::KeyRequest;
    use telauth_mobivate::{Client, Credentials};
    let base = &info.mobivate.origin;
    let public = Client::new(base, Credentials::none());
    let request = |password: &str| {
        KeyRequest::builder()
            .username(info.mobivate.username.clone())
            .password(password)
    };
    let old = public
        .getkey()
        .body(request(&info.mobivate.password))
        .send()
        .await
        .unwrap()
        .into_inner()
        .api_key;
    assert_eq!(
        status(public.getkey().body(request("wrong")).send().await),
        401
    );
    let test = |key| async move {
        Client::new(base, Credentials::bearer_auth(key))
            .test()
            .send()
            .await
    };
    assert_eq!(test(old.clone()).await.unwrap().message, "API Key is valid");
    let new = public
        .createkey()
        .body(request(&info.mobivate.password))
        .send()
        .await
        .unwrap()
        .into_inner()
        .api_key;
    assert_eq!(status(test(old).await), 401, "rotation revokes the old key");
    assert_eq!(status(test(new).await), 200);
    assert_eq!(
        status(public.createkey().body(request("wrong")).send().await),
        401
    );
    let (code, body) = raw(
        reqwest::Method::POST,
        &format!("{base}/auth/getkey"),
        "nope",
        None,
    )
    .await;
    assert_eq!((code, body["code"].as_i64()), (400, Some(400)));
    let (code, _) = raw(
        reqwest::Method::POST,
        &format!("{base}/auth/createkey"),
        r#"{"username":"demo"}"#,
        None,
    )
    .await;
    assert_eq!(code, 400);
}

async fn signalwire(info: &SandboxInfo) {
    use telauth_signalwire::types::{
        CreateTokenError, CreateTokenRequest, Permission, UpdateTokenRequest,
    };
    use telauth_signalwire::{Client, Credentials};
    let sw = &info.signalwire;
    let base = format!("{}{}", sw.origin, telauth_signalwire::API_PATH);
    let project: uuid::Uuid = sw.project_id.parse().unwrap();
    let client = |token: &str| {
        Client::new(
            &base,
            Credentials::signal_wire_basic_auth(&sw.project_id, token),
        )
    };
    let admin = client(&sw.api_token);
    let create =
        async |client: &Client, permissions: Vec<Permission>, subproject: Option<uuid::Uuid>| {
            client
                .create_token()
                .account_sid(project)
                .body(
                    CreateTokenRequest::builder()
                        .name("ci")
                        .permissions(permissions)
                        .subproject_id(subproject),
                )
                .send()
                .await
        };
    let managing = create(
        &admin,
        vec![Permission::Management],
        Some(sw.subproject_id.parse().unwrap()),
    )
    .await
    .unwrap()
    .into_inner();
    let messaging = create(
        &client(managing.token.expose()),
        vec![Permission::Messaging],
        None,
    )
    .await
    .unwrap()
    .into_inner();
    assert_eq!(
        status(
            create(
                &client(messaging.token.expose()),
                vec![Permission::Fax],
                None
            )
            .await
        ),
        401,
        "a token without management cannot manage tokens"
    );
    assert_eq!(
        status(create(&client("wrong"), vec![Permission::Fax], None).await),
        401
    );
    match create(&admin, vec![Permission::Chat], Some(uuid::Uuid::nil())).await {
        Err(telauth_signalwire::Error::ErrorResponse(response)) => match response.into_inner() {
            CreateTokenError::TokenValidationError(error) => {
                assert_eq!(error.code.as_deref(), Some("10004"))
            }
            other => panic!("{other:?}"),
        },
        other => panic!("expected 422 10004, got {other:?}"),
    }
    let tokens_url = format!("{base}/Accounts/{project}/tokens");
    let basic = Some((sw.project_id.as_str(), sw.api_token.as_str()));
    let (code, body) = raw(
        reqwest::Method::POST,
        &tokens_url,
        r#"{"name":"x","permissions":["root"]}"#,
        basic,
    )
    .await;
    assert_eq!((code, body["code"].as_str()), (422, Some("10003")));
    assert_eq!(
        raw(
            reqwest::Method::POST,
            &tokens_url,
            r#"{"permissions":[]}"#,
            basic
        )
        .await
        .0,
        400
    );
    assert_eq!(
        raw(reqwest::Method::POST, &tokens_url, "{", basic).await.0,
        400
    );
    for empty in [
        r#"{"name":"","permissions":["fax"]}"#,
        r#"{"name":"x","permissions":[]}"#,
    ] {
        let (code, _) = raw(reqwest::Method::POST, &tokens_url, empty, basic).await;
        assert_eq!(code, 400, "{empty}");
    }
    // The published spec's form encoding, and JSON as SignalWire's SDKs sent it, both create.
    let (code, body) = raw_typed(
        reqwest::Method::POST,
        &tokens_url,
        "application/x-www-form-urlencoded",
        "name=John%20Doe%27s%20Token&permissions=calling&permissions=fax",
        basic,
    )
    .await;
    assert_eq!(code, 200);
    assert_eq!(body["name"], "John Doe's Token");
    assert_eq!(body["permissions"], json!(["calling", "fax"]));

    let update = |id: uuid::Uuid, permissions: Vec<Permission>| {
        admin
            .update_token()
            .account_sid(project)
            .token_id(id)
            .body(
                UpdateTokenRequest::builder()
                    .name(Some("renamed".parse().unwrap()))
                    .permissions(permissions),
            )
            .send()
    };
    let renamed = update(messaging.id, vec![]).await.unwrap();
    assert_eq!(
        renamed.permissions,
        ["messaging"],
        "permissions left out are kept"
    );
    assert_eq!(
        update(messaging.id, vec![Permission::Video])
            .await
            .unwrap()
            .permissions,
        ["video"]
    );
    assert_eq!(status(update(uuid::Uuid::nil(), vec![]).await), 404);
    // A PATCH without a name changes the permissions and keeps the name.
    let kept = admin
        .update_token()
        .account_sid(project)
        .token_id(messaging.id)
        .body(UpdateTokenRequest::builder().permissions(vec![Permission::Chat]))
        .send()
        .await
        .unwrap();
    assert_eq!(
        (kept.name.as_str(), &kept.permissions[..]),
        ("renamed", &["chat".to_string()][..])
    );
    let (code, _) = raw(
        reqwest::Method::PATCH,
        &format!("{tokens_url}/{}", messaging.id),
        r#"{"name":"x","permissions":["nope"]}"#,
        basic,
    )
    .await;
    assert_eq!(code, 422);
    let delete = |id| {
        admin
            .delete_token()
            .account_sid(project)
            .token_id(id)
            .send()
    };
    assert_eq!(delete(messaging.id).await.unwrap().status(), 204);
    assert_eq!(status(delete(messaging.id).await), 404);
}

#[tokio::test]
async fn every_operation_against_the_sandbox_and_every_answer_as_the_specs_say() {
    let sandbox = Sandbox::start("127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    let info = sandbox.info().clone();
    smsbeta(&info).await;
    voipbin(&sandbox, &info).await;
    mobivate(&info).await;
    signalwire(&info).await;

    let exchanges = sandbox.exchanges();
    let problems = violations(&exchanges);
    assert!(
        problems.is_empty(),
        "answers the specs do not allow:\n{}",
        problems.join("\n")
    );
    let missing = unexercised(&exchanges);
    assert!(
        missing.is_empty(),
        "operations never answered with success: {missing:?}"
    );
    println!(
        "{} sandbox answers checked against the specs",
        exchanges.len()
    );
    sandbox.stop().await;
}

#[tokio::test]
async fn an_answer_the_spec_does_not_allow_is_caught() {
    use telauth_sandbox::Exchange;
    let exchange = |path: &str, status: u16, body: Option<Value>| Exchange {
        method: "POST".into(),
        path: path.into(),
        status,
        size: body.as_ref().map_or(0, |body| body.to_string().len()),
        body,
    };
    let bad = [
        exchange(
            "/mobivate/auth/getkey",
            200,
            Some(json!({ "apiKey": "k", "extra": 1 })),
        ),
        exchange("/mobivate/auth/getkey", 200, Some(json!({ "apiKey": 5 }))),
        exchange(
            "/mobivate/auth/getkey",
            418,
            Some(json!({ "code": 418, "message": "teapot" })),
        ),
        exchange("/voipbin/auth/login", 400, Some(json!({ "error": "bad" }))),
        exchange("/smsbeta/login", 200, None),
        exchange(
            "/signalwire/api/laml/2010-04-01/Accounts/x/tokens",
            422,
            Some(json!({ "code": 10003 })),
        ),
        exchange("/nowhere", 200, None),
    ];
    let problems = violations(&bad);
    println!("{}", problems.join("\n"));
    assert_eq!(problems.len(), bad.len(), "{problems:#?}");
}
