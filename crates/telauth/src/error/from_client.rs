//! Turning a generated client's error into an [`Error`]: the status and the provider's words
//! kept, anything that could hold a secret (URLs, bodies) dropped.

use std::sync::Arc;
use std::time::Duration;

use super::{Details, Error, ErrorKind};
use crate::Provider;

/// The provider's code and message in an error body.
pub(crate) trait ErrorBody {
    /// The provider's error code, if the body has one.
    fn code(&self) -> Option<String>;
    /// The provider's message, if the body has one.
    fn message(&self) -> Option<String>;
    /// The provider's id of the request, if the body has one.
    fn request_id(&self) -> Option<String> {
        None
    }
    /// The provider's machine-readable reason, if the body has one.
    fn reason(&self) -> Option<String> {
        None
    }
}

impl ErrorBody for () {
    fn code(&self) -> Option<String> {
        None
    }
    fn message(&self) -> Option<String> {
        None
    }
}

/// Turns a generated client's error into an [`Error`], keeping the status and the provider's
/// words, and dropping anything that could hold a secret (URLs, bodies).
pub(crate) fn from_client<E: ErrorBody>(
    provider: Provider,
    operation: &'static str,
    error: progenitor_client::Error<E>,
) -> Error {
    use progenitor_client::Error as E;
    let mut retry_after = None;
    let (mut request_id, mut reason, mut source) = (None, None, None);
    let kind = match error {
        E::ErrorResponse(response) => {
            retry_after = retry_after_of(response.status().as_u16(), response.headers());
            request_id = response.request_id();
            reason = response.reason();
            ErrorKind::Api {
                status: response.status().as_u16(),
                code: response.code(),
                message: response.message(),
            }
        }
        E::UnexpectedResponse(response) => {
            retry_after = retry_after_of(response.status().as_u16(), response.headers());
            ErrorKind::UnexpectedStatus {
                status: response.status().as_u16(),
            }
        }
        // The generated clients decode through `telauth_runtime::decode`, whose error holds
        // no body and names only the kind and place of the failure, or the body limit.
        E::InvalidResponsePayload(_, error) => {
            match telauth_runtime::BodyTooLarge::from_payload_error(error) {
                Ok(too_large) => {
                    source = Some(Arc::new(too_large) as Arc<dyn std::error::Error + Send + Sync>);
                    ErrorKind::InvalidResponse {
                        reason: too_large.to_string(),
                    }
                }
                Err(error) => ErrorKind::InvalidResponse {
                    reason: format!("the body is not the documented JSON ({error})"),
                },
            }
        }
        E::CommunicationError(error) | E::ResponseBodyError(error) | E::InvalidUpgrade(error) => {
            // The URL may carry a credential in its query: neither the reason nor the source
            // keeps it.
            let error = error.without_url();
            let kind = network(&error);
            source = Some(Arc::new(error) as Arc<dyn std::error::Error + Send + Sync>);
            kind
        }
        E::InvalidRequest(reason) | E::Custom(reason) => ErrorKind::InvalidInput { reason },
    };
    let details = Details {
        retry_after,
        request_id,
        provider_reason: reason,
        source,
        ..Details::default()
    };
    let empty = details.retry_after.is_none()
        && details.request_id.is_none()
        && details.provider_reason.is_none()
        && details.source.is_none();
    Error {
        details: (!empty).then(|| Box::new(details)),
        ..Error::new(provider, operation, kind)
    }
}

/// The `Retry-After` of a 429 or 503, when it is a number of seconds.
fn retry_after_of(status: u16, headers: &reqwest::header::HeaderMap) -> Option<Duration> {
    if status != 429 && status != 503 {
        return None;
    }
    let seconds = headers.get(reqwest::header::RETRY_AFTER)?.to_str().ok()?;
    seconds.trim().parse().ok().map(Duration::from_secs)
}

/// What kind of network failure `error` (already without its URL) is.
fn network(error: &reqwest::Error) -> ErrorKind {
    if error.is_timeout() {
        return ErrorKind::Timeout;
    }
    let connect = error.is_connect();
    let is_body = error.is_body() || error.is_decode();
    let mut reason = error.to_string();
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        reason.push_str(": ");
        reason.push_str(&cause.to_string());
        source = cause.source();
    }
    if connect {
        ErrorKind::Connect { reason }
    } else if is_body {
        ErrorKind::InvalidResponse { reason }
    } else {
        ErrorKind::Transport { reason }
    }
}
