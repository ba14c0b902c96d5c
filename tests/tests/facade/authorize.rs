//! A facade client's credential on requests another HTTP client builds, for endpoints outside
//! our specs taken from the providers' published documents: VoIPBIN's `GET /v1.0/calls`
//! (`voipbin/monorepo`, `bin-openapi-manager/openapi/paths/calls/main.yaml`) and SignalWire's
//! `GET /api/laml/2010-04-01/Accounts/{AccountSid}/Messages` (`signalwire/docs`,
//! `fern/apis/compatibility/openapi.yaml`, `list_messages`). Each mock checks the exact place
//! of the credential and that nothing else carries it; the refusals send nothing.

use std::sync::Arc;
use std::time::Duration;

use httpmock::Method::GET;
use httpmock::{HttpMockRequest, MockServer};
use serde_json::json;
use telauth::signalwire::{SignalWire, SignalWireAuth};
use telauth::voipbin::{TokenSource, VoipBin, VoipBinAuth};
use telauth::{Config, ErrorKind, Secret};
use telauth_tests::{Reply, SENTINEL, answer, assert_no_sentinel, basic_header, jwt_expiring_in};

use crate::{checked, config, login_answers, voipbin_credentials};

const PROJECT: &str = "6f1e3c2a-9d4f-4e8b-a1c7-3f5d2e9b8a10";

/// How many times `needle` occurs in the request's URL and headers together.
fn occurrences(request: &HttpMockRequest, needle: &str) -> usize {
    let mut places = vec![request.uri().to_string()];
    for (name, value) in request.headers() {
        let name = name.map(|name| name.to_string()).unwrap_or_default();
        places.push(format!(
            "{name}: {}",
            String::from_utf8_lossy(value.as_bytes())
        ));
    }
    places
        .iter()
        .map(|place| place.matches(needle).count())
        .sum()
}

/// The client an application builds for itself, with telauth's rules.
fn own_client() -> reqwest::Client {
    telauth::secure_client(reqwest::Client::builder())
        .build()
        .unwrap()
}

/// A page of `GET /v1.0/calls` as VoIPBIN's OpenAPI describes it (`CommonPagination` and
/// `CallManagerCall`).
fn calls_page() -> serde_json::Value {
    json!({
        "next_page_token": "2026-08-20T10:00:00.000000Z",
        "result": [{
            "id": "a0c1f4a2-6c1e-4a55-9c57-0c9f1d2b3e4f",
            "customer_id": "5e0ed5b0-8d2c-4b8f-a5d3-1c6f0e9a7b21",
            "type": "flow", "status": "hangup", "direction": "outgoing"
        }]
    })
}

fn signalwire(server: &MockServer) -> SignalWire {
    let credentials = SignalWireAuth {
        space: "example".into(),
        project_id: PROJECT.parse().unwrap(),
        api_token: SENTINEL.into(),
    };
    SignalWire::new(&config(server), &credentials).unwrap()
}

#[tokio::test]
async fn an_access_key_goes_as_the_accesskey_cookie_and_nowhere_else() {
    let server = MockServer::start_async().await;
    let calls = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/v1.0/calls")
                .query_param("page_size", "10")
                .header("cookie", format!("lang=en; accesskey={SENTINEL}"))
                .header_missing("authorization")
                .is_true(|request| occurrences(request, SENTINEL) == 1);
            then.status(200).json_body(calls_page());
        })
        .await;
    let voipbin = VoipBin::new(
        &config(&server),
        &VoipBinAuth::AccessKey(Secret::from(SENTINEL)),
    )
    .unwrap();
    let request = own_client()
        .get(server.url("/v1.0/calls?page_size=10"))
        .header("cookie", "lang=en");
    let request = voipbin.authorize(request).unwrap();
    assert_no_sentinel(&format!("{request:?}"));
    let answer = request.send().await.unwrap();
    assert_eq!(answer.status(), 200);
    let page: serde_json::Value = answer.json().await.unwrap();
    assert_eq!(page["result"][0]["status"], "hangup");
    calls.assert_async().await;
}

#[tokio::test]
async fn a_token_sources_jwt_goes_as_bearer_and_is_renewed_before_expiry() {
    let server = MockServer::start_async().await;
    // Already expired by this host's clock: each request needs a new login.
    let jwt = jwt_expiring_in(-1);
    let login = login_answers(&server, &jwt).await;
    let bearer = format!("Bearer {jwt}");
    let calls = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/v1.0/customer")
                .header("authorization", bearer)
                .header_missing("cookie")
                .query_param_missing("token")
                .is_true(move |request| occurrences(request, &jwt) == 1);
            then.status(200)
                .json_body(json!({ "id": "5e0ed5b0-8d2c-4b8f-a5d3-1c6f0e9a7b21" }));
        })
        .await;
    let tokens = TokenSource::new(
        &VoipBin::login_only(&config(&server)).unwrap(),
        &voipbin_credentials(),
    )
    .reuse_at_least(Duration::ZERO);
    let http = own_client();
    for _ in 0..2 {
        let request = tokens
            .authorize(http.get(server.url("/v1.0/customer")))
            .await
            .unwrap();
        assert_eq!(request.send().await.unwrap().status(), 200);
    }
    assert_eq!(
        login.calls_async().await,
        2,
        "the expired JWT was lent again"
    );
    calls.assert_calls_async(2).await;

    // A JWT valid for days is lent from the cache: one login for any number of requests.
    let server = MockServer::start_async().await;
    let login = login_answers(&server, jwt_expiring_in(7 * 86_400)).await;
    let tokens = TokenSource::new(
        &VoipBin::login_only(&config(&server)).unwrap(),
        &voipbin_credentials(),
    );
    for _ in 0..3 {
        let mut request = reqwest::Request::new(
            reqwest::Method::GET,
            server.url("/v1.0/calls").parse().unwrap(),
        );
        tokens.authorize_request(&mut request).await.unwrap();
        assert!(request.headers()["authorization"].is_sensitive());
    }
    assert_eq!(login.calls_async().await, 1);
}

#[tokio::test]
async fn signalwires_basic_pair_is_the_one_authorization_header() {
    let server = MockServer::start_async().await;
    let basic = basic_header(PROJECT, SENTINEL);
    let encoded = basic.trim_start_matches("Basic ").to_string();
    let messages = server
        .mock_async(|when, then| {
            when.method(GET)
                .path(format!("/api/laml/2010-04-01/Accounts/{PROJECT}/Messages"))
                .query_param("PageSize", "20")
                .header("authorization", basic.clone())
                .header_count("authorization", ".*", 1)
                .header_missing("cookie")
                .is_true(move |request| {
                    occurrences(request, &encoded) == 1 && occurrences(request, SENTINEL) == 0
                });
            then.status(200).json_body(json!({
                "uri": format!("/api/laml/2010-04-01/Accounts/{PROJECT}/Messages?Page=0&PageSize=20"),
                "first_page_uri": format!("/api/laml/2010-04-01/Accounts/{PROJECT}/Messages?Page=0&PageSize=20"),
                "next_page_uri": null, "previous_page_uri": null,
                "page": 0, "page_size": 20, "messages": []
            }));
        })
        .await;
    let signalwire = signalwire(&server);
    let url = server.url(format!(
        "/api/laml/2010-04-01/Accounts/{PROJECT}/Messages?PageSize=20"
    ));
    // An `Authorization` the request had is replaced, not doubled.
    let request = own_client().get(url).bearer_auth("someone-else");
    let request = signalwire.authorize(request).unwrap();
    assert_no_sentinel(&format!("{request:?} {signalwire:?}"));
    assert_eq!(request.send().await.unwrap().status(), 200);
    messages.assert_async().await;
}

#[tokio::test]
async fn what_the_credential_layer_refuses_is_refused_before_anything_is_sent() {
    let server = MockServer::start_async().await;
    let elsewhere = MockServer::start_async().await;
    let anything = elsewhere
        .mock_async(|when, then| {
            when.any_request();
            then.status(200);
        })
        .await;
    let voipbin = VoipBin::new(
        &config(&server),
        &VoipBinAuth::AccessKey(Secret::from(SENTINEL)),
    )
    .unwrap();
    let http = own_client();
    let refused = |error: telauth::Error| {
        let error = checked(error);
        assert!(
            matches!(error.kind(), ErrorKind::InvalidInput { .. }),
            "{error}"
        );
        assert_eq!(error.operation(), "authorize");
        assert!(error.is_local());
        error
    };

    // Another origin: another port of the same host.
    let error = refused(
        voipbin
            .authorize(http.get(elsewhere.url("/v1.0/calls?page_size=1")))
            .unwrap_err(),
    );
    assert!(
        error.to_string().contains("not for the client's origin"),
        "{error}"
    );
    assert!(!error.to_string().contains("page_size"), "{error}");
    // Plain http where the client's origin is https: the production origin by default.
    let production = VoipBin::new(&Config::new(), &VoipBinAuth::Jwt(SENTINEL.into())).unwrap();
    refused(
        production
            .authorize(http.get("http://api.voipbin.net/v1.0/calls"))
            .unwrap_err(),
    );
    let mut request = reqwest::Request::new(
        reqwest::Method::GET,
        "http://api.voipbin.net/v1.0/customer".parse().unwrap(),
    );
    refused(production.authorize_request(&mut request).unwrap_err());
    assert!(
        request.headers().is_empty(),
        "a refused request was changed"
    );
    // A client that holds no credential.
    let login_only = VoipBin::login_only(&config(&server)).unwrap();
    let error = refused(
        login_only
            .authorize(http.get(server.url("/v1.0/calls")))
            .unwrap_err(),
    );
    assert!(
        error.to_string().contains("holds no JWT or access key"),
        "{error}"
    );
    // A key a cookie cannot carry.
    let broken = VoipBin::new(
        &config(&server),
        &VoipBinAuth::AccessKey(format!("{SENTINEL}; admin=1").into()),
    )
    .unwrap();
    refused(
        broken
            .authorize(http.get(server.url("/v1.0/calls")))
            .unwrap_err(),
    );
    // SignalWire's pair, to another origin.
    refused(
        signalwire(&server)
            .authorize(http.get(elsewhere.url("/api/relay/rest/phone_numbers")))
            .unwrap_err(),
    );
    assert_eq!(anything.calls_async().await, 0);
}

#[tokio::test]
async fn plain_http_to_a_remote_host_is_lent_only_when_the_config_allowed_it() {
    let config = Config::new()
        .origin("http://10.0.0.1:8080")
        .allow_insecure_http();
    let voipbin = VoipBin::new(&config, &VoipBinAuth::Jwt(SENTINEL.into())).unwrap();
    let request = voipbin
        .authorize(own_client().get("http://10.0.0.1:8080/v1.0/calls"))
        .unwrap()
        .build()
        .unwrap();
    assert_eq!(
        request.headers()["authorization"],
        format!("Bearer {SENTINEL}").as_str()
    );
}

#[tokio::test]
async fn a_default_reqwest_client_drops_the_cookie_on_a_redirect_to_another_origin() {
    // What the docs tell users of their own client: reqwest strips `Cookie` and
    // `Authorization` when a redirect leaves the origin.
    let server = MockServer::start_async().await;
    let elsewhere = MockServer::start_async().await;
    let redirect = server
        .mock_async(|when, then| {
            when.method(GET).path("/v1.0/calls");
            then.status(302)
                .header("location", elsewhere.url("/v1.0/calls"));
        })
        .await;
    let with_key = elsewhere
        .mock_async(|when, then| {
            when.is_true(|request| occurrences(request, SENTINEL) > 0);
            then.status(200);
        })
        .await;
    let without = elsewhere
        .mock_async(|when, then| {
            when.method(GET)
                .path("/v1.0/calls")
                .header_missing("cookie");
            then.status(204);
        })
        .await;
    let voipbin = VoipBin::new(
        &config(&server),
        &VoipBinAuth::AccessKey(Secret::from(SENTINEL)),
    )
    .unwrap();
    let follows = reqwest::Client::builder().no_proxy().build().unwrap();
    let answer = voipbin
        .authorize(follows.get(server.url("/v1.0/calls")))
        .unwrap()
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 204);
    redirect.assert_async().await;
    without.assert_async().await;
    assert_eq!(with_key.calls_async().await, 0);
}

#[tokio::test]
async fn the_middlewares_lend_the_credential_and_a_401_forgets_the_jwt() {
    let server = MockServer::start_async().await;
    let login = login_answers(&server, jwt_expiring_in(7 * 86_400)).await;
    // VoIPBIN answers 401 to a JWT it revoked.
    let revoked = answer(
        &server,
        GET,
        "/v1.0/calls",
        Reply::Json(
            401,
            json!({ "error": { "status": "UNAUTHENTICATED", "reason": "TOKEN_INVALID",
                    "message": "The token is invalid.", "request_id": "r-1" } }),
        ),
    )
    .await;
    let tokens = Arc::new(TokenSource::new(
        &VoipBin::login_only(&config(&server)).unwrap(),
        &voipbin_credentials(),
    ));
    let api = reqwest_middleware::ClientBuilder::new(own_client())
        .with_arc(tokens.clone())
        .build();
    for _ in 0..2 {
        let answer = api.get(server.url("/v1.0/calls")).send().await.unwrap();
        assert_eq!(answer.status(), 401);
    }
    assert_eq!(revoked.calls_async().await, 2);
    assert_eq!(
        login.calls_async().await,
        2,
        "the JWT VoIPBIN refused was lent again"
    );

    // The access-key client and SignalWire's, refusing another origin before sending.
    let elsewhere = MockServer::start_async().await;
    let voipbin = VoipBin::new(
        &config(&server),
        &VoipBinAuth::AccessKey(Secret::from(SENTINEL)),
    )
    .unwrap();
    let sentinel_cookie = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/v1.0/customer")
                .header("cookie", format!("accesskey={SENTINEL}"))
                .header_missing("authorization");
            then.status(200);
        })
        .await;
    let api = reqwest_middleware::ClientBuilder::new(own_client())
        .with(voipbin)
        .build();
    assert_eq!(
        api.get(server.url("/v1.0/customer"))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    sentinel_cookie.assert_async().await;
    let error = api
        .get(elsewhere.url("/v1.0/customer"))
        .send()
        .await
        .unwrap_err();
    assert_no_sentinel(&format!("{error} {error:?}"));
    let api = reqwest_middleware::ClientBuilder::new(own_client())
        .with(signalwire(&server))
        .build();
    let error = api
        .get(elsewhere.url("/api/relay/rest/phone_numbers"))
        .send()
        .await
        .unwrap_err();
    assert_no_sentinel(&format!("{error} {error:?}"));
    let reqwest_middleware::Error::Middleware(error) = error else {
        panic!("not the middleware's refusal: {error}");
    };
    let refusal = error
        .downcast_ref::<telauth::Error>()
        .expect("the facade's error");
    assert_eq!(refusal.operation(), "authorize");
    assert!(refusal.is_local());
}
