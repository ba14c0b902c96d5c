//! The calls compared: the facade and hand-written reqwest against the sandbox's VoIPBIN, the
//! login layer by layer, and the authenticated GET both ways.

use std::time::Duration;

use serde::Deserialize;
use serde_json::json;
use telauth::voipbin::{VoipBin, VoipBinAccount, VoipBinAuth};
use telauth::{Config, Secret};
use telauth_sandbox::SandboxInfo;

use crate::measure::{REQUESTS, cpu_us, median};

/// What the hand-written baseline decodes, as the generated client does.
#[derive(Deserialize)]
#[allow(dead_code)]
struct Login {
    username: String,
    token: String,
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct Page {
    result: Vec<serde_json::Value>,
    next_page_token: Option<String>,
}

/// The two clients compared, for the sandbox's VoIPBIN: the facade and hand-written reqwest.
pub(crate) struct Clients {
    /// The sandbox's VoIPBIN origin.
    pub(crate) base: String,
    pub(crate) credentials: VoipBinAccount,
    pub(crate) voipbin: VoipBin,
    pub(crate) http: reqwest::Client,
    /// The login body the hand-written client sends.
    pub(crate) login_body: serde_json::Value,
}

impl Clients {
    /// The facade's login.
    pub(crate) async fn facade_login(&self) {
        std::hint::black_box(self.voipbin.login(&self.credentials).await.unwrap());
    }

    /// The baseline login: hand-written reqwest.
    pub(crate) async fn hand_written_login(&self) {
        let response = self
            .http
            .post(format!("{}/auth/login", self.base))
            .json(&self.login_body)
            .send()
            .await
            .unwrap();
        let _: Login = response.json().await.unwrap();
    }
}

/// Both clients for the sandbox `info` describes, built on the runtime that calls this.
pub(crate) fn clients(info: &SandboxInfo) -> Clients {
    let base = info.voipbin.origin.clone();
    Clients {
        credentials: VoipBinAccount {
            username: info.voipbin.username.clone(),
            password: Secret::from(info.voipbin.password.as_str()),
        },
        voipbin: VoipBin::login_only(&Config::new().origin(base.clone())).unwrap(),
        http: reqwest::Client::builder()
            .timeout(Duration::from_secs(30))
            .build()
            .unwrap(),
        login_body: json!({ "username": info.voipbin.username, "password": info.voipbin.password }),
        base,
    }
}

/// The authenticated GET both ways: a page of access keys, with an access key in the
/// `accesskey` cookie.
pub(crate) struct AccessKeyGets<'a> {
    clients: &'a Clients,
    /// The facade's client, holding the key.
    with_key: VoipBin,
    /// The key's text, for the hand-written call.
    key_text: String,
}

impl<'a> AccessKeyGets<'a> {
    /// Logs in and creates the key both calls present.
    pub(crate) async fn new(clients: &'a Clients) -> Self {
        let jwt = clients.voipbin.login(&clients.credentials).await.unwrap();
        let key = clients
            .voipbin
            .with_auth(&VoipBinAuth::Jwt(jwt.token))
            .create_access_key(Duration::from_secs(86_400), Some("bench"), None)
            .await
            .unwrap();
        Self {
            clients,
            with_key: clients
                .voipbin
                .with_auth(&VoipBinAuth::AccessKey(key.token.clone())),
            key_text: key.token.expose().to_string(),
        }
    }

    pub(crate) async fn facade(&self) {
        std::hint::black_box(self.with_key.list_access_keys(None, None).await.unwrap());
    }

    pub(crate) async fn hand_written(&self) {
        let response = self
            .clients
            .http
            .get(format!("{}/v1.0/accesskeys", self.clients.base))
            .header("cookie", format!("accesskey={}", self.key_text))
            .send()
            .await
            .unwrap();
        let _: Page = response.json().await.unwrap();
    }
}

/// One step of the login's path from the hand-written call to the facade's, with the calling
/// thread's CPU per call: the median over the rounds of [`login_layers`].
pub(crate) struct Layer {
    pub(crate) name: &'static str,
    pub(crate) cpu_us: f64,
}

/// How many rounds [`login_layers`] runs: in each, one run of `REQUESTS` calls per layer, in
/// order, the order reversed every other round.
const LAYER_ROUNDS: usize = 60;

/// The login's path from the hand-written call to the facade's, layer by layer: each adds one
/// piece to the layer before it.
pub(crate) struct LoginLayers<'a> {
    clients: &'a Clients,
    /// The generated client on the hand-written call's reqwest client.
    generated: telauth_voipbin::Client,
    /// The generated client again, on a reqwest client with the facade's settings.
    generated_as_facade: telauth_voipbin::Client,
}

impl<'a> LoginLayers<'a> {
    pub(crate) const NAMES: [&'static str; 6] = [
        "hand-written reqwest (the baseline)",
        "+ `Accept`, the typed body with its `Secret` through `telauth_runtime::json_body`",
        "+ the answer through `telauth_runtime::decode` into the generated type",
        "the generated client (`telauth-voipbin`, same reqwest client): + its builder, hooks, credential layer, transport",
        "+ the facade's reqwest settings (user agent, timeouts, no redirect, no proxy, HTTP/1.1 only, no reqwest retry)",
        "the facade (`VoipBin::login`): + the JWT's `exp`, its errors",
    ];

    pub(crate) fn new(clients: &'a Clients) -> Self {
        let base = clients.base.as_str();
        let settings = reqwest::Client::builder()
            .timeout(telauth::DEFAULT_TIMEOUT)
            .connect_timeout(telauth::DEFAULT_CONNECT_TIMEOUT)
            .user_agent(telauth::USER_AGENT)
            .no_proxy()
            .http1_only()
            .retry(reqwest::retry::never().max_retries_per_request(0));
        Self {
            clients,
            generated: telauth_voipbin::Client::new_with_client(
                base,
                clients.http.clone(),
                telauth_voipbin::Credentials::none(),
            ),
            generated_as_facade: telauth_voipbin::Client::with_builder(
                base,
                settings,
                telauth_voipbin::Credentials::none(),
            )
            .unwrap(),
        }
    }

    /// One login through `layer` (an index of [`LoginLayers::NAMES`]).
    pub(crate) async fn login(&self, layer: usize) {
        use telauth_voipbin::types::{LoginRequest, LoginResponse};
        let Clients {
            base,
            credentials,
            http,
            ..
        } = self.clients;
        let typed_body = || {
            LoginRequest::builder()
                .username(credentials.username.clone())
                .password(credentials.password.clone())
        };
        match layer {
            0 => self.clients.hand_written_login().await,
            1 | 2 => {
                let body = LoginRequest::try_from(typed_body()).unwrap();
                let mut request = http
                    .post(format!("{base}/auth/login"))
                    .header(
                        reqwest::header::ACCEPT,
                        reqwest::header::HeaderValue::from_static("application/json"),
                    )
                    .build()
                    .unwrap();
                telauth_runtime::json_body(&mut request, &body).unwrap();
                let response = http.execute(request).await.unwrap();
                if layer == 1 {
                    let _: Login = response.json().await.unwrap();
                } else {
                    let answer = telauth_runtime::decode::<LoginResponse, ()>(response);
                    std::hint::black_box(answer.await.unwrap().into_inner());
                }
            }
            3 | 4 => {
                let client = if layer == 3 {
                    &self.generated
                } else {
                    &self.generated_as_facade
                };
                let answer = client
                    .auth_login()
                    .body_map(|body| {
                        body.username(credentials.username.clone())
                            .password(credentials.password.clone())
                    })
                    .send()
                    .await;
                std::hint::black_box(answer.unwrap().into_inner());
            }
            _ => self.clients.facade_login().await,
        }
    }
}

/// Where the facade's login costs more than the hand-written call: the calling thread's CPU per
/// call of each layer of the facade's path, each adding one piece to the layer before it, all
/// measured in the same interleaved rounds.
pub(crate) async fn login_layers(clients: &Clients) -> Vec<Layer> {
    let layers = LoginLayers::new(clients);
    let count = LoginLayers::NAMES.len();
    let mut cpu: Vec<Vec<f64>> = vec![Vec::new(); count];
    for round in 0..LAYER_ROUNDS {
        for step in 0..count {
            let layer = if round % 2 == 0 {
                step
            } else {
                count - 1 - step
            };
            let before = cpu_us(libc::RUSAGE_THREAD);
            for _ in 0..REQUESTS {
                layers.login(layer).await;
            }
            cpu[layer].push((cpu_us(libc::RUSAGE_THREAD) - before) / f64::from(REQUESTS));
        }
    }
    LoginLayers::NAMES
        .into_iter()
        .zip(cpu)
        .map(|(name, runs)| Layer {
            name,
            cpu_us: median(&runs),
        })
        .collect()
}
