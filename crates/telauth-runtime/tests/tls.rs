//! Each TLS choice builds a client that speaks TLS: rustls with aws-lc (`rustls`), rustls with
//! ring (`rustls-ring`, which must not panic for want of a crypto provider) and `native-tls`.
//! CI runs this file once per choice: `cargo test -p telauth-runtime --no-default-features
//! --features <choice> --test tls`.
#![cfg(any(feature = "rustls", feature = "rustls-ring", feature = "native-tls"))]

use std::time::Duration;

use tokio::io::AsyncReadExt;
use tokio::net::TcpListener;

/// For an address and for a name alike: the proxy that stands in when the environment names none
/// (`secure_client`'s) lets every request go direct.
#[tokio::test]
async fn a_secure_client_opens_https_with_a_tls_client_hello() {
    let client =
        telauth_runtime::secure_client(reqwest::Client::builder().timeout(Duration::from_secs(5)))
            .build()
            .expect("the TLS choice builds a client");
    for host in ["127.0.0.1", "localhost"] {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("https://{host}:{}/", listener.local_addr().unwrap().port());
        let server = tokio::spawn(async move {
            let (mut socket, _) = listener.accept().await.unwrap();
            let mut record = [0u8; 5];
            socket.read_exact(&mut record).await.unwrap();
            record
        });
        let sent = client.get(&url).send().await;
        let record = tokio::time::timeout(Duration::from_secs(5), server)
            .await
            .unwrap_or_else(|_| panic!("{url}: no connection came to the server"))
            .unwrap();
        // A TLS handshake record (22), protocol major version 3.
        assert_eq!(record[..2], [0x16, 0x03], "{url}: {record:?}");
        assert!(
            sent.is_err(),
            "{url}: the listener never answers the handshake"
        );
    }
}
