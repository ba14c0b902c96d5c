//! Decoding JSON answers without keeping a body that failed to decode.

use progenitor_client::{Error, ResponseValue};
use serde::de::DeserializeOwned;

/// Decodes a JSON answer, as progenitor's `ResponseValue::from_response` does, except that a
/// body that does not decode is dropped: progenitor would keep it in
/// `Error::InvalidResponsePayload` and print it in `Display` and `Debug`, and a wrongly shaped
/// answer to a login or a key creation holds a freshly issued secret. The error keeps no byte of
/// the body, and its message only the kind and place of the failure (serde's own message can
/// quote a value). The generated clients decode every answer through here.
pub async fn decode<T: DeserializeOwned, E>(
    response: reqwest::Response,
) -> Result<ResponseValue<T>, Error<E>> {
    let status = response.status();
    let headers = response.headers().clone();
    let body = response.bytes().await.map_err(Error::ResponseBodyError)?;
    match serde_json::from_slice(&body) {
        Ok(inner) => Ok(ResponseValue::new(inner, status, headers)),
        Err(error) => Err(Error::InvalidResponsePayload(
            Default::default(),
            serde::de::Error::custom(format!(
                "{} error at line {}, column {}",
                match error.classify() {
                    serde_json::error::Category::Io => "i/o",
                    serde_json::error::Category::Syntax => "syntax",
                    serde_json::error::Category::Data => "data",
                    serde_json::error::Category::Eof => "end-of-input",
                },
                error.line(),
                error.column()
            )),
        )),
    }
}
