//! Decoding JSON answers without keeping a body that failed to decode, and without reading one
//! larger than [`MAX_BODY_BYTES`].

use bytes::Bytes;
use progenitor_client::{Error, ResponseValue};
use serde::de::DeserializeOwned;

/// The largest answer body [`decode`] reads: 1 MiB. These are credential APIs with small
/// answers; the largest legitimate one, a VoIPBIN page of 100 access keys, is about 40 KB with
/// ordinary names (each key's fixed fields take some 350 bytes), so the limit still leaves some
/// 10 KB of name and detail per key. A larger body is refused as soon as it is known to be:
/// from its `Content-Length`, or once that many bytes have arrived.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

/// An answer whose body is larger than the limit [`decode`] reads ([`MAX_BODY_BYTES`]). It
/// names the limit, never the body.
///
/// [`decode`] hands it over inside `Error::InvalidResponsePayload`, whose `serde_json::Error` is
/// of category `Io`; [`BodyTooLarge::from_payload_error`] takes it back out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BodyTooLarge {
    /// The limit, in bytes, that the body went over.
    pub limit: usize,
}

impl std::fmt::Display for BodyTooLarge {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "the body is larger than the limit of {} bytes; it was not read further",
            self.limit
        )
    }
}

impl std::error::Error for BodyTooLarge {}

impl BodyTooLarge {
    /// The `BodyTooLarge` in `error` (the payload error of `Error::InvalidResponsePayload` from
    /// [`decode`]), or `error` itself when it is about something else, such as the body's shape.
    ///
    /// # Examples
    ///
    /// ```
    /// use telauth_runtime::BodyTooLarge;
    ///
    /// let error = serde_json::from_str::<u8>("[]").unwrap_err();
    /// assert!(BodyTooLarge::from_payload_error(error).is_err()); // a wrong shape
    /// ```
    pub fn from_payload_error(error: serde_json::Error) -> Result<Self, serde_json::Error> {
        if error.classify() != serde_json::error::Category::Io {
            return Err(error);
        }
        let error = std::io::Error::from(error);
        match error
            .get_ref()
            .and_then(|inner| inner.downcast_ref::<Self>())
        {
            Some(too_large) => Ok(*too_large),
            None => Err(serde_json::Error::io(error)),
        }
    }
}

/// Decodes a JSON answer, as progenitor's `ResponseValue::from_response` does, except that:
/// - a body larger than [`MAX_BODY_BYTES`] is not read past the limit: the answer is an
///   `Error::InvalidResponsePayload` holding a [`BodyTooLarge`];
/// - a body that does not decode is dropped: progenitor would keep it in
///   `Error::InvalidResponsePayload` and print it in `Display` and `Debug`, and a wrongly shaped
///   answer to a login or a key creation holds a freshly issued secret. The error keeps no byte
///   of the body, and its message only the kind and place of the failure (serde's own message
///   can quote a value).
///
/// The generated clients decode every answer through here, documented error bodies included.
pub async fn decode<T: DeserializeOwned, E>(
    mut response: reqwest::Response,
) -> Result<ResponseValue<T>, Error<E>> {
    let status = response.status();
    // Moved out, not cloned (a clone allocates its tables on every call): reading the body
    // needs no header, and `content_length` comes from the body.
    let headers = std::mem::take(response.headers_mut());
    let body = match bounded_body(response, MAX_BODY_BYTES).await {
        Ok(body) => body,
        Err(Unread::TooLarge(too_large)) => {
            return Err(Error::InvalidResponsePayload(
                Default::default(),
                serde_json::Error::io(std::io::Error::other(too_large)),
            ));
        }
        Err(Unread::Failed(error)) => return Err(Error::ResponseBodyError(error)),
    };
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

/// Why a body was not read whole.
enum Unread {
    /// It is larger than the limit.
    TooLarge(BodyTooLarge),
    /// The connection failed while reading it.
    Failed(reqwest::Error),
}

/// The body of `response`, read chunk by chunk up to `limit` bytes: a body that came in one
/// chunk as it came, without a copy; one in several, joined.
async fn bounded_body(mut response: reqwest::Response, limit: usize) -> Result<Bytes, Unread> {
    let too_large = || Unread::TooLarge(BodyTooLarge { limit });
    let announced = response.content_length().unwrap_or(0);
    if announced > limit as u64 {
        return Err(too_large());
    }
    let Some(first) = response.chunk().await.map_err(Unread::Failed)? else {
        return Ok(Bytes::new());
    };
    if first.len() > limit {
        return Err(too_large());
    }
    let Some(mut chunk) = response.chunk().await.map_err(Unread::Failed)? else {
        return Ok(first);
    };
    let mut body = Vec::with_capacity(announced as usize);
    body.extend_from_slice(&first);
    loop {
        if chunk.len() > limit - body.len() {
            return Err(too_large());
        }
        body.extend_from_slice(&chunk);
        match response.chunk().await.map_err(Unread::Failed)? {
            Some(next) => chunk = next,
            None => return Ok(body.into()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A response from a loopback server that sends `head` and then `body`.
    async fn answer(head: &'static str, body: Vec<u8>) -> reqwest::Response {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        tokio::spawn(async move {
            use tokio::io::{AsyncReadExt, AsyncWriteExt};
            let (mut stream, _) = listener.accept().await.unwrap();
            let mut buffer = [0; 1024];
            let _ = stream.read(&mut buffer).await;
            let _ = stream.write_all(head.as_bytes()).await;
            let _ = stream.write_all(&body).await;
        });
        reqwest::get(format!("http://{address}/")).await.unwrap()
    }

    fn too_large(error: Error<()>) -> BodyTooLarge {
        match error {
            Error::InvalidResponsePayload(body, error) => {
                assert!(body.is_empty());
                BodyTooLarge::from_payload_error(error).unwrap()
            }
            other => panic!("not a payload error: {other:?}"),
        }
    }

    #[tokio::test]
    async fn a_body_over_the_limit_is_refused_announced_or_not() {
        let limit = BodyTooLarge {
            limit: MAX_BODY_BYTES,
        };
        // Announced: refused from the header, before any byte of the body is read.
        let announced = answer(
            "HTTP/1.1 200 OK\r\ncontent-length: 629145600\r\n\r\n",
            Vec::new(),
        );
        let error = decode::<serde_json::Value, ()>(announced.await)
            .await
            .unwrap_err();
        assert_eq!(too_large(error), limit);
        // Unannounced (chunked): refused once the limit is passed.
        let mut chunked = Vec::new();
        for _ in 0..MAX_BODY_BYTES / 4096 + 1 {
            chunked.extend_from_slice(b"1000\r\n");
            chunked.extend(std::iter::repeat_n(b' ', 4096));
            chunked.extend_from_slice(b"\r\n");
        }
        let unannounced = answer(
            "HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n",
            chunked,
        );
        let error = decode::<serde_json::Value, ()>(unannounced.await)
            .await
            .unwrap_err();
        assert_eq!(too_large(error), limit);
        assert_eq!(
            limit.to_string(),
            "the body is larger than the limit of 1048576 bytes; it was not read further"
        );
    }

    #[tokio::test]
    async fn the_answer_keeps_its_status_and_headers_and_its_announced_length_still_counts() {
        let head = "HTTP/1.1 201 Created\r\ncontent-length: 7\r\nx-request-id: r-1\r\n\r\n";
        let value = decode::<serde_json::Value, ()>(answer(head, b"[1,2,3]".to_vec()).await)
            .await
            .unwrap();
        assert_eq!(value.status(), 201);
        assert_eq!(value.headers()["x-request-id"], "r-1");
        assert_eq!(value.headers()["content-length"], "7");
        assert_eq!(value.into_inner(), serde_json::json!([1, 2, 3]));
        // With the headers moved out, the limit still applies from the announced length.
        let announced = answer(
            "HTTP/1.1 200 OK\r\ncontent-length: 1048577\r\n\r\n",
            Vec::new(),
        );
        let error = decode::<serde_json::Value, ()>(announced.await)
            .await
            .unwrap_err();
        assert_eq!(too_large(error).limit, MAX_BODY_BYTES);
    }

    #[tokio::test]
    async fn a_body_in_several_chunks_is_joined() {
        let head = "HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n";
        let body = b"3\r\n[1,\r\n2\r\n2,\r\n2\r\n3]\r\n0\r\n\r\n".to_vec();
        let value = decode::<serde_json::Value, ()>(answer(head, body).await)
            .await
            .unwrap();
        assert_eq!(value.into_inner(), serde_json::json!([1, 2, 3]));
    }

    #[tokio::test]
    async fn a_body_of_exactly_the_limit_decodes() {
        let mut body = vec![b' '; MAX_BODY_BYTES - 2];
        body.extend_from_slice(b"{}");
        let head = "HTTP/1.1 200 OK\r\ncontent-length: 1048576\r\n\r\n";
        let value = decode::<serde_json::Value, ()>(answer(head, body).await)
            .await
            .unwrap();
        assert_eq!(value.into_inner(), serde_json::json!({}));
    }
}
