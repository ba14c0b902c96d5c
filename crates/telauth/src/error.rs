//! The one error type of telauth: which provider, which operation, and what went wrong.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

/// The four providers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Provider {
    /// SMSBeta.
    SmsBeta,
    /// VoIPBIN.
    VoipBin,
    /// Mobivate.
    Mobivate,
    /// SignalWire.
    SignalWire,
}

impl Provider {
    /// The provider's name in lowercase, as the `telauth` command spells it.
    ///
    /// # Examples
    ///
    /// ```
    /// use telauth::Provider;
    ///
    /// assert_eq!(Provider::SignalWire.name(), "signalwire");
    /// assert_eq!(Provider::VoipBin.to_string(), "voipbin"); // `Display` writes the name too
    /// ```
    pub fn name(self) -> &'static str {
        match self {
            Self::SmsBeta => "smsbeta",
            Self::VoipBin => "voipbin",
            Self::Mobivate => "mobivate",
            Self::SignalWire => "signalwire",
        }
    }
}

impl fmt::Display for Provider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A failed call: the provider, the operation, and an [`ErrorKind`].
///
/// Neither `Display` nor `Debug` ever shows a secret: request URLs (which may carry a token in
/// the query), request bodies and response bodies are left out.
#[derive(Debug, Clone)]
pub struct Error {
    provider: Provider,
    operation: &'static str,
    kind: ErrorKind,
    /// What the answer or the layer below said besides the kind, when it said anything: boxed,
    /// so that `Result<_, Error>` stays small.
    details: Option<Box<Details>>,
}

/// The optional parts of an [`Error`].
#[derive(Debug, Clone, Default)]
struct Details {
    retry_after: Option<Duration>,
    request_id: Option<String>,
    reason: Option<String>,
    source: Option<Arc<dyn std::error::Error + Send + Sync>>,
    hint: Option<&'static str>,
}

/// What went wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The provider answered with a documented error status.
    Api {
        /// The HTTP status.
        status: u16,
        /// The provider's own error code, when the body has one.
        code: Option<String>,
        /// The provider's own message, when the body has one.
        message: Option<String>,
    },
    /// The provider answered HTTP 200 but refused inside the body (SMSBeta's envelope).
    Refused {
        /// The envelope's code.
        code: Option<String>,
        /// The envelope's message.
        message: Option<String>,
    },
    /// The provider answered a status its API does not document.
    UnexpectedStatus {
        /// The HTTP status.
        status: u16,
    },
    /// The answer could not be read, did not have the documented shape, was larger than
    /// [`crate::MAX_BODY_BYTES`] (the error's `source` is then a [`crate::BodyTooLarge`]), or
    /// was a list that does not end (VoIPBIN's, with a `voipbin::EndlessList` as the source).
    InvalidResponse {
        /// What was wrong, without the body's content.
        reason: String,
    },
    /// A token could not be decoded (for example a JWT without an `exp` claim).
    InvalidToken {
        /// What was wrong, without the token.
        reason: String,
    },
    /// The request timed out.
    Timeout,
    /// No connection could be made.
    Connect {
        /// Why, as the network layer says it.
        reason: String,
    },
    /// The connection failed in another way.
    Transport {
        /// Why, as the network layer says it.
        reason: String,
    },
    /// The call was refused locally before anything was sent: bad input, a missing credential,
    /// or a credential that would have gone over plain `http`.
    InvalidInput {
        /// What is wrong.
        reason: String,
    },
    /// An environment variable that holds a credential is not set.
    MissingEnv {
        /// The variable's name.
        variable: &'static str,
    },
}

impl Error {
    /// An error of `kind` in `operation` of `provider`.
    ///
    /// # Examples
    ///
    /// ```
    /// use telauth::{Error, ErrorKind, Provider};
    ///
    /// // For a stand-in of a telauth call in a test, say.
    /// let error = Error::new(Provider::Mobivate, "test", ErrorKind::Timeout);
    /// assert_eq!(error.to_string(), "mobivate test: the request timed out");
    /// assert!(error.is_retryable());
    /// ```
    pub fn new(provider: Provider, operation: &'static str, kind: ErrorKind) -> Self {
        Self {
            provider,
            operation,
            kind,
            details: None,
        }
    }

    /// The id the provider gave the request (VoIPBIN's `request_id`): what its support asks for.
    ///
    /// # Examples
    ///
    /// ```
    /// use telauth::{Error, ErrorKind, Provider};
    ///
    /// let error = Error::new(Provider::VoipBin, "accesskeys_get", ErrorKind::Timeout);
    /// if let Some(id) = error.request_id() {
    ///     eprintln!("{error} (VoIPBIN's request {id})");
    /// }
    /// // Only an error made from VoIPBIN's answer has one.
    /// assert_eq!(error.request_id(), None);
    /// ```
    pub fn request_id(&self) -> Option<&str> {
        self.details.as_ref()?.request_id.as_deref()
    }

    /// The provider's machine-readable reason, when its answer has one (VoIPBIN's `reason`,
    /// such as `STATE_INVALID`).
    ///
    /// # Examples
    ///
    /// ```
    /// use telauth::{Error, ErrorKind, Provider};
    ///
    /// let error = Error::new(Provider::VoipBin, "accesskeys_get", ErrorKind::Timeout);
    /// // VoIPBIN answers `409` with `STATE_INVALID` for a key that was deleted.
    /// if error.reason() == Some("STATE_INVALID") {
    ///     eprintln!("the access key was deleted");
    /// }
    /// // Only an error made from VoIPBIN's answer has one.
    /// assert_eq!(error.reason(), None);
    /// ```
    pub fn reason(&self) -> Option<&str> {
        self.details.as_ref()?.reason.as_deref()
    }

    /// What to do about the error, when the call knows more than its kind says: after a
    /// Mobivate `create_key` that failed once sent, the key may have been rotated all the same,
    /// and `get_key` answers the current one. `Display` ends with it.
    ///
    /// # Examples
    ///
    /// ```
    /// use telauth::{Error, ErrorKind, Provider};
    ///
    /// let error = Error::new(Provider::Mobivate, "getkey", ErrorKind::Timeout);
    /// assert_eq!(error.hint(), None);
    /// ```
    pub fn hint(&self) -> Option<&str> {
        self.details.as_ref()?.hint
    }

    /// This error, with `source` as its [`std::error::Error::source`].
    #[cfg_attr(not(feature = "voipbin"), allow(dead_code))]
    pub(crate) fn with_source(
        mut self,
        source: impl std::error::Error + Send + Sync + 'static,
    ) -> Self {
        self.details.get_or_insert_with(Box::default).source = Some(Arc::new(source));
        self
    }

    /// This error, with `hint`.
    #[cfg_attr(not(feature = "mobivate"), allow(dead_code))]
    pub(crate) fn with_hint(mut self, hint: &'static str) -> Self {
        self.details.get_or_insert_with(Box::default).hint = Some(hint);
        self
    }

    /// How long the provider asked to wait before trying again (`Retry-After` in seconds, on a
    /// 429 or 503), when it said.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// use telauth::{Error, ErrorKind, Provider};
    ///
    /// let kind = ErrorKind::UnexpectedStatus { status: 503 };
    /// let error = Error::new(Provider::SignalWire, "delete_token", kind);
    /// // Wait as long as the provider asked, or a second when it did not say.
    /// let wait = error.retry_after().unwrap_or(Duration::from_secs(1));
    /// assert_eq!(wait, Duration::from_secs(1));
    /// ```
    pub fn retry_after(&self) -> Option<Duration> {
        self.details.as_ref()?.retry_after
    }

    /// The provider the call was for.
    ///
    /// # Examples
    ///
    /// ```
    /// use telauth::{Error, ErrorKind, Provider};
    ///
    /// let error = Error::new(Provider::Mobivate, "getkey", ErrorKind::Timeout);
    /// assert_eq!(error.provider(), Provider::Mobivate);
    /// assert_eq!(error.provider().name(), "mobivate");
    /// ```
    pub fn provider(&self) -> Provider {
        self.provider
    }

    /// The operation (the spec's `operationId`, or `config` and `env` for local setup).
    ///
    /// # Examples
    ///
    /// ```
    /// use telauth::{Error, ErrorKind, Provider};
    ///
    /// let kind = ErrorKind::MissingEnv {
    ///     variable: "SMSBETA_MAIL",
    /// };
    /// let error = Error::new(Provider::SmsBeta, "env", kind);
    /// assert_eq!(error.operation(), "env"); // local setup, not one of the API's operations
    /// ```
    pub fn operation(&self) -> &'static str {
        self.operation
    }

    /// What went wrong.
    ///
    /// # Examples
    ///
    /// ```
    /// use telauth::{Error, ErrorKind, Provider};
    ///
    /// let kind = ErrorKind::Connect {
    ///     reason: "connection refused".into(),
    /// };
    /// let error = Error::new(Provider::VoipBin, "auth_login", kind);
    /// let advice = match error.kind() {
    ///     ErrorKind::Api { status: 400, .. } => "check the username and password",
    ///     ErrorKind::Connect { .. } | ErrorKind::Timeout => "check the network",
    ///     _ => "see the error",
    /// };
    /// assert_eq!(advice, "check the network");
    /// ```
    pub fn kind(&self) -> &ErrorKind {
        &self.kind
    }

    /// The HTTP status, when the provider answered.
    ///
    /// # Examples
    ///
    /// ```
    /// use telauth::{Error, ErrorKind, Provider};
    ///
    /// let not_found = ErrorKind::UnexpectedStatus { status: 404 };
    /// let error = Error::new(Provider::VoipBin, "accesskeys_get", not_found);
    /// assert_eq!(error.status(), Some(404));
    /// // SMSBeta refusing inside an HTTP 200 counts as 200; a timeout has no status.
    /// let refused = ErrorKind::Refused { code: None, message: None };
    /// assert_eq!(Error::new(Provider::SmsBeta, "login", refused).status(), Some(200));
    /// assert_eq!(Error::new(Provider::SmsBeta, "login", ErrorKind::Timeout).status(), None);
    /// ```
    pub fn status(&self) -> Option<u16> {
        match &self.kind {
            ErrorKind::Api { status, .. } | ErrorKind::UnexpectedStatus { status } => Some(*status),
            ErrorKind::Refused { .. } => Some(200),
            _ => None,
        }
    }

    /// The provider's own message, when its answer has one.
    ///
    /// # Examples
    ///
    /// ```
    /// use telauth::{Error, ErrorKind, Provider};
    ///
    /// let kind = ErrorKind::Api {
    ///     status: 409,
    ///     code: Some("FAILED_PRECONDITION".into()),
    ///     message: Some("The access key was deleted.".into()),
    /// };
    /// let error = Error::new(Provider::VoipBin, "accesskeys_get", kind);
    /// assert_eq!(error.message(), Some("The access key was deleted."));
    /// ```
    pub fn message(&self) -> Option<&str> {
        match &self.kind {
            ErrorKind::Api { message, .. } | ErrorKind::Refused { message, .. } => {
                message.as_deref()
            }
            _ => None,
        }
    }

    /// The provider's own error code, when its answer has one.
    ///
    /// # Examples
    ///
    /// ```
    /// use telauth::{Error, ErrorKind, Provider};
    ///
    /// let kind = ErrorKind::Api {
    ///     status: 429,
    ///     code: Some("RESOURCE_EXHAUSTED".into()),
    ///     message: Some("Too many requests. Please try again later.".into()),
    /// };
    /// let error = Error::new(Provider::VoipBin, "accesskeys_list", kind);
    /// assert_eq!(error.code(), Some("RESOURCE_EXHAUSTED"));
    /// ```
    pub fn code(&self) -> Option<&str> {
        match &self.kind {
            ErrorKind::Api { code, .. } | ErrorKind::Refused { code, .. } => code.as_deref(),
            _ => None,
        }
    }

    /// Whether the same call may succeed if tried again: timeouts, connection failures, and the
    /// statuses 408, 429, 500, 502, 503 and 504.
    ///
    /// # Examples
    ///
    /// ```
    /// use telauth::{Error, ErrorKind, Provider};
    ///
    /// let unavailable = ErrorKind::UnexpectedStatus { status: 503 };
    /// assert!(Error::new(Provider::VoipBin, "accesskeys_get", unavailable).is_retryable());
    /// let not_found = ErrorKind::UnexpectedStatus { status: 404 };
    /// assert!(!Error::new(Provider::VoipBin, "accesskeys_get", not_found).is_retryable());
    /// ```
    pub fn is_retryable(&self) -> bool {
        match &self.kind {
            ErrorKind::Timeout | ErrorKind::Connect { .. } | ErrorKind::Transport { .. } => true,
            ErrorKind::Api { status, .. } | ErrorKind::UnexpectedStatus { status } => {
                matches!(status, 408 | 429 | 500 | 502 | 503 | 504)
            }
            _ => false,
        }
    }

    /// Whether the error happened on this side, before any request was sent.
    ///
    /// # Examples
    ///
    /// ```
    /// use telauth::{Error, ErrorKind, Provider};
    ///
    /// let kind = ErrorKind::MissingEnv {
    ///     variable: "VOIPBIN_PASSWORD",
    /// };
    /// let error = Error::new(Provider::VoipBin, "env", kind);
    /// // Nothing was sent: fix the setup rather than retry.
    /// assert!(error.is_local());
    /// assert!(!error.is_retryable());
    /// ```
    pub fn is_local(&self) -> bool {
        matches!(
            self.kind,
            ErrorKind::InvalidInput { .. } | ErrorKind::MissingEnv { .. }
        )
    }

    /// Whether the network failed (timeout, no connection, broken connection).
    ///
    /// # Examples
    ///
    /// ```
    /// use telauth::{Error, ErrorKind, Provider};
    ///
    /// let kind = ErrorKind::Connect {
    ///     reason: "dns error".into(),
    /// };
    /// let error = Error::new(Provider::SignalWire, "create_token", kind);
    /// assert!(error.is_network());
    /// assert_eq!(error.status(), None);
    /// ```
    pub fn is_network(&self) -> bool {
        matches!(
            self.kind,
            ErrorKind::Timeout | ErrorKind::Connect { .. } | ErrorKind::Transport { .. }
        )
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}: ", self.provider, self.operation)?;
        let provider_words =
            |f: &mut fmt::Formatter<'_>, code: &Option<String>, message: &Option<String>| match (
                message, code,
            ) {
                (Some(message), Some(code)) => write!(f, ": {message} (code {code})"),
                (Some(message), None) => write!(f, ": {message}"),
                (None, Some(code)) => write!(f, ": code {code}"),
                (None, None) => Ok(()),
            };
        match &self.kind {
            ErrorKind::Api {
                status,
                code,
                message,
            } => {
                write!(f, "HTTP {status}")?;
                provider_words(f, code, message)
            }
            ErrorKind::Refused { code, message } => {
                write!(f, "HTTP 200 but the provider refused")?;
                provider_words(f, code, message)
            }
            ErrorKind::UnexpectedStatus { status } => {
                write!(f, "HTTP {status}, a status the API does not document")
            }
            ErrorKind::InvalidResponse { reason } => write!(f, "invalid response: {reason}"),
            ErrorKind::InvalidToken { reason } => write!(f, "invalid token: {reason}"),
            ErrorKind::Timeout => write!(f, "the request timed out"),
            ErrorKind::Connect { reason } => write!(f, "cannot connect: {reason}"),
            ErrorKind::Transport { reason } => write!(f, "connection failed: {reason}"),
            ErrorKind::InvalidInput { reason } => write!(f, "{reason}"),
            ErrorKind::MissingEnv { variable } => {
                write!(f, "the environment variable {variable} is not set")
            }
        }?;
        match self.hint() {
            Some(hint) => write!(f, "; {hint}"),
            None => Ok(()),
        }
    }
}

impl std::error::Error for Error {
    /// The error of the layer below (the HTTP client's, for a network failure), without any URL.
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.details
            .as_ref()?
            .source
            .as_deref()
            .map(|source| source as &(dyn std::error::Error + 'static))
    }
}

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
        reason,
        source,
        hint: None,
    };
    let empty = details.retry_after.is_none()
        && details.request_id.is_none()
        && details.reason.is_none()
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_names_provider_operation_status_and_message() {
        let error = Error::new(
            Provider::VoipBin,
            "accesskeys_get",
            ErrorKind::Api {
                status: 404,
                code: Some("NOT_FOUND".into()),
                message: Some("The access key does not exist.".into()),
            },
        );
        assert_eq!(
            error.to_string(),
            "voipbin accesskeys_get: HTTP 404: The access key does not exist. (code NOT_FOUND)"
        );
        assert_eq!(error.status(), Some(404));
        assert!(!error.is_retryable());
    }

    #[test]
    fn retryable_statuses_and_network_failures() {
        for (kind, retryable) in [
            (ErrorKind::UnexpectedStatus { status: 503 }, true),
            (
                ErrorKind::Api {
                    status: 429,
                    code: None,
                    message: None,
                },
                true,
            ),
            (ErrorKind::Timeout, true),
            (ErrorKind::InvalidInput { reason: "x".into() }, false),
            (ErrorKind::UnexpectedStatus { status: 418 }, false),
        ] {
            let error = Error::new(Provider::Mobivate, "test", kind);
            assert_eq!(error.is_retryable(), retryable, "{error}");
        }
    }
}
