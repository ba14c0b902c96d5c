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
#[cfg(feature = "voipbin")]
#[async_trait::async_trait]
impl Middleware for TokenSource {
    async fn handle(
        &self,
        mut request: Request,
        extensions: &mut Extensions,
        next: Next<'_>,
    ) -> reqwest_middleware::Result<Response> {
        self.authorize_request(&mut request)
            .await
            .map_err(reqwest_middleware::Error::middleware)?;
        let response = next.run(request, extensions).await?;
        if response.status() == reqwest::StatusCode::UNAUTHORIZED {
            self.invalidate();
        }
        Ok(response)
    }
}

/// Each request with the project id and API token of [`SignalWire::authorize_request`]; one
/// it refuses is not sent, and fails with its [`crate::Error`] as the source.
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
