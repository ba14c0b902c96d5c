//! The `reqwest-middleware` feature: the VoIPBIN and SignalWire clients and [`TokenSource`] as
//! middlewares, each putting its credential on every request of a
//! `reqwest_middleware::ClientWithMiddleware`, as their `authorize_request` does.

use http::Extensions;
use reqwest::{Request, Response};
use reqwest_middleware::{Middleware, Next};

#[cfg(feature = "signalwire")]
use crate::signalwire::SignalWire;
#[cfg(feature = "voipbin")]
use crate::voipbin::{TokenSource, VoipBin};

/// Each request with the access key or JWT of [`VoipBin::authorize_request`]; one it refuses
/// is not sent, and fails with its [`crate::Error`] as the source.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// use telauth::voipbin::{VoipBin, VoipBinAuth};
/// use telauth::{Config, Secret};
///
/// let voipbin = VoipBin::new(&Config::new(), &VoipBinAuth::AccessKey(Secret::from("vb_s3cr3t")))?;
/// let http = telauth::secure_client(reqwest::Client::builder()).build()?;
/// let api = reqwest_middleware::ClientBuilder::new(http).with(voipbin).build();
/// // `api.get("https://api.voipbin.net/v1.0/calls")` carries the cookie; another host is
/// // refused before anything is sent.
/// let error = api.get("http://api.example.com/v1.0/calls").send().await.unwrap_err();
/// assert!(error.to_string().contains("not for the client's origin"));
/// assert!(!format!("{error} {error:?}").contains("s3cr3t"));
/// # Ok(()) }
/// ```
#[cfg(feature = "voipbin")]
#[async_trait::async_trait]
impl Middleware for VoipBin {
    async fn handle(
        &self,
        mut request: Request,
        extensions: &mut Extensions,
        next: Next<'_>,
    ) -> reqwest_middleware::Result<Response> {
        self.authorize_request(&mut request)
            .map_err(reqwest_middleware::Error::middleware)?;
        next.run(request, extensions).await
    }
}

/// Each request with a valid JWT, as [`TokenSource::authorize_request`] gives it (logging in
/// when the cached one is missing or about to expire); a request it refuses, or a failed
/// login, fails with its [`crate::Error`] as the source. When VoIPBIN answers `401` (a token
/// it revoked, or that its clock finds expired), the token is forgotten, so that the next
/// request logs in again; the answer itself reaches the caller.
///
/// A `ClientBuilder` takes the source by value (`.with(tokens)`) or shared
/// (`.with_arc(Arc::new(tokens))`, keeping an `Arc` for other use).
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// use std::sync::Arc;
/// use telauth::voipbin::TokenSource;
/// use telauth::{Config, Vars};
///
/// let sandbox = telauth_sandbox::Sandbox::start("127.0.0.1:0".parse()?).await?;
/// let vars = Vars::from_iter(sandbox.info().env_vars());
/// let tokens = Arc::new(TokenSource::from_vars(&vars, &Config::new())?);
/// let http = telauth::secure_client(reqwest::Client::builder()).build()?;
/// let api = reqwest_middleware::ClientBuilder::new(http).with_arc(tokens.clone()).build();
/// let url = format!("{}/v1.0/accesskeys", sandbox.info().voipbin.origin);
/// assert_eq!(api.get(&url).send().await?.status(), 200); // logged in on first use
/// assert_eq!(api.get(&url).send().await?.status(), 200); // the same JWT
/// # sandbox.stop().await;
/// # Ok(()) }
/// ```
#[cfg(feature = "voipbin")]
#[async_trait::async_trait]
impl Middleware for TokenSource {
    async fn handle(
        &self,
        mut request: Request,
        extensions: &mut Extensions,
        next: Next<'_>,
    ) -> reqwest_middleware::Result<Response> {
        // The JWT this request carries: a 401 forgets that one, never a fresher one.
        let jwt = self
            .token()
            .await
            .map_err(reqwest_middleware::Error::middleware)?;
        self.authorize_request(&mut request)
            .await
            .map_err(reqwest_middleware::Error::middleware)?;
        let response = next.run(request, extensions).await?;
        if response.status() == reqwest::StatusCode::UNAUTHORIZED {
            self.invalidate(&jwt.token);
        }
        Ok(response)
    }
}

/// Each request with the project id and API token of [`SignalWire::authorize_request`]; one
/// it refuses is not sent, and fails with its [`crate::Error`] as the source.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// use telauth::signalwire::SignalWire;
/// use telauth::{Config, Vars};
///
/// let vars = Vars::from_iter([
///     ("SIGNALWIRE_SPACE", "example"),
///     ("SIGNALWIRE_PROJECT_ID", "b3877c40-da60-4998-90ad-b792e98472af"),
///     ("SIGNALWIRE_API_TOKEN", "PTs3cr3t"),
/// ]);
/// let signalwire = SignalWire::from_vars(&vars, &Config::new())?;
/// let http = telauth::secure_client(reqwest::Client::builder()).build()?;
/// let api = reqwest_middleware::ClientBuilder::new(http).with(signalwire).build();
/// // Requests to `https://example.signalwire.com` carry the Basic header; another space is
/// // refused before anything is sent.
/// let other = "https://other.signalwire.com/api/relay/rest/phone_numbers";
/// let error = api.get(other).send().await.unwrap_err();
/// assert!(!format!("{error} {error:?}").contains("PTs3cr3t"));
/// # Ok(()) }
/// ```
#[cfg(feature = "signalwire")]
#[async_trait::async_trait]
impl Middleware for SignalWire {
    async fn handle(
        &self,
        mut request: Request,
        extensions: &mut Extensions,
        next: Next<'_>,
    ) -> reqwest_middleware::Result<Response> {
        self.authorize_request(&mut request)
            .map_err(reqwest_middleware::Error::middleware)?;
        next.run(request, extensions).await
    }
}
