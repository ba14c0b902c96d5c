//! Sending a request so that no credential can be printed afterwards.

use reqwest::ResponseBuilderExt as _;

/// Sends `request` with `client`, keeping the URL's query — where API keys and tokens travel
/// (`?accesskey=`, `?token=`) — out of the error or response it answers, so that printing
/// either never shows a credential. The generated clients send every request through here.
pub async fn execute(
    client: &reqwest::Client,
    request: reqwest::Request,
) -> reqwest::Result<reqwest::Response> {
    match client.execute(request).await {
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
        let response = execute(&client, client.get(&url).build().unwrap())
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
        let error = execute(&client, refused).await.unwrap_err();
        assert!(
            !format!("{error} {error:?}").contains("sentinel"),
            "{error:?}"
        );
    }
}
