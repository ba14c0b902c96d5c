//! `telauth::Error`: the provider's request id and reason are kept, and so is the cause.

use httpmock::MockServer;
use telauth::Config;
use telauth::voipbin::{VoipBin, VoipBinAuth};

use crate::{answer_deleted_key, checked, config};

#[tokio::test]
async fn errors_keep_the_providers_request_id_and_reason_and_their_cause() {
    let server = MockServer::start_async().await;
    let id = uuid::Uuid::from_u128(11);
    answer_deleted_key(&server, id, "req_01HZX3N5W8K2M4P6R8T0V2X4Z6").await;
    let api = VoipBin::new(&config(&server), &VoipBinAuth::Jwt("jwt".into())).unwrap();
    let error = checked(api.get_access_key(id).await.unwrap_err());
    assert_eq!(error.request_id(), Some("req_01HZX3N5W8K2M4P6R8T0V2X4Z6"));
    assert_eq!(error.provider_reason(), Some("STATE_INVALID"));
    assert_eq!(error.reason(), None, "an HTTP error's kind holds no reason");

    // A refused connection keeps the HTTP client's error as its source.
    let api = VoipBin::new(
        &Config::new().origin("http://127.0.0.1:9"),
        &VoipBinAuth::Jwt("jwt".into()),
    )
    .unwrap();
    let error = checked(api.list_access_keys(None, None).await.unwrap_err());
    assert!(error.is_network(), "{error}");
    let source = std::error::Error::source(&error).expect("a cause");
    assert!(!source.to_string().contains("jwt"), "{source}");
}
