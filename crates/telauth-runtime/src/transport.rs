//! Sending a request so that no credential can be printed afterwards.

use reqwest::ResponseBuilderExt as _;

/// Sends `request` for `operation` of `provider` with `client`, keeping the URL's query — where
/// API keys and tokens travel (`?accesskey=`, `?token=`) — out of the error or response it
/// answers, so that printing either never shows a credential. The generated clients send every
/// request through here.
///
/// With the `tracing` feature, each request is a `telauth.request` span with the provider, the
/// operation, the method, the path, and, when it ends, the status (or the error's kind) and the
/// elapsed milliseconds, followed by one event with the provider's request id (`X-Request-Id`)
/// when it sent one; never a query, a credential or a body.
pub async fn execute(
    client: &reqwest::Client,
    request: reqwest::Request,
    provider: &'static str,
    operation: &'static str,
) -> reqwest::Result<reqwest::Response> {
    #[cfg(feature = "tracing")]
    {
        use tracing::Instrument as _;
        let span = tracing::info_span!(
            "telauth.request",
            provider,
            operation,
            method = %request.method(),
            path = request.url().path(),
            status = tracing::field::Empty,
            elapsed_ms = tracing::field::Empty,
        );
        let started = std::time::Instant::now();
        let result = answered(client.execute(request).instrument(span.clone()).await);
        let elapsed_ms = started.elapsed().as_millis() as u64;
        span.record("elapsed_ms", elapsed_ms);
        match &result {
            Ok(response) => {
                let status = response.status().as_u16();
                span.record("status", status);
                // The provider's id of the request (VoIPBIN echoes it), for its support.
                let request_id = response
                    .headers()
                    .get("x-request-id")
                    .and_then(|value| value.to_str().ok())
                    .unwrap_or_default();
                tracing::info!(parent: &span, status, elapsed_ms, request_id, "{provider} {operation} answered");
            }
            Err(error) => {
                let kind = if error.is_timeout() {
                    "timeout"
                } else if error.is_connect() {
                    "connect"
                } else {
                    "transport"
                };
                tracing::warn!(parent: &span, error = kind, elapsed_ms, "{provider} {operation} failed");
            }
        }
        result
    }
    #[cfg(not(feature = "tracing"))]
    {
        let _ = (provider, operation);
        answered(client.execute(request).await)
    }
}

/// What reqwest answered, without the URL's query: an error keeps no URL at all.
fn answered(result: reqwest::Result<reqwest::Response>) -> reqwest::Result<reqwest::Response> {
    match result {
        Err(error) => Err(error.without_url()),
        Ok(response) if response.url().query().is_none() => Ok(response),
        Ok(response) => Ok(without_query(response)),
    }
}

/// The same response, its URL without the query.
fn without_query(response: reqwest::Response) -> reqwest::Response {
    let mut url = response.url().clone();
    url.set_query(None);
    let (mut parts, body) = http::Response::from(response).into_parts();
    // reqwest keeps a response's URL in an extension that only its builder can set.
    if let Ok(marker) = http::Response::builder().url(url).body(()) {
        parts.extensions.extend(marker.into_parts().0.extensions);
    }
    reqwest::Response::from(http::Response::from_parts(parts, body))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn neither_errors_nor_responses_keep_the_query() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let address = listener.local_addr().unwrap();
        std::thread::spawn(move || {
            use std::io::{Read, Write};
            let (mut stream, _) = listener.accept().unwrap();
            let mut buffer = [0; 1024];
            let _ = stream.read(&mut buffer);
            let _ = stream.write_all(
                b"HTTP/1.1 418 I'm a teapot\r\ncontent-length: 2\r\nx-kept: yes\r\n\r\nhi",
            );
        });
        let client = reqwest::Client::new();
        let url = format!("http://{address}/v1.0/keys?accesskey=sentinel");
        let response = execute(&client, client.get(&url).build().unwrap(), "p", "op")
            .await
            .unwrap();
        assert!(!format!("{response:?}").contains("sentinel"));
        assert_eq!(
            response.url().as_str(),
            format!("http://{address}/v1.0/keys")
        );
        assert_eq!(response.status(), 418);
        assert_eq!(response.headers()["x-kept"], "yes");
        assert_eq!(response.text().await.unwrap(), "hi");

        drop(client);
        let client = reqwest::Client::new();
        let refused = client
            .get("http://127.0.0.1:9/?token=sentinel")
            .build()
            .unwrap();
        let error = execute(&client, refused, "p", "op").await.unwrap_err();
        assert!(
            !format!("{error} {error:?}").contains("sentinel"),
            "{error:?}"
        );
    }
}
