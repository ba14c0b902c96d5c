//! The one error type of telauth: which provider, which operation, and what went wrong.

mod from_client;

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use crate::Provider;

pub(crate) use from_client::{ErrorBody, from_client};

/// A failed call: the provider, the operation, and an [`ErrorKind`], with what the provider
/// said about it.
///
/// The getters read what the error holds: [`status`](Error::status), the provider's
/// [`code`](Error::code) and [`message`](Error::message), VoIPBIN's
/// [`request_id`](Error::request_id) and [`provider_reason`](Error::provider_reason), the
/// [`reason`](Error::reason) of the kinds that hold one, a
/// [`retry_after`](Error::retry_after) the provider asked for, and a [`hint`](Error::hint) when
/// the call knows what to do about it (`Display` ends with it). The questions a program asks
/// of every provider's error alike: [`is_credentials_refused`](Error::is_credentials_refused),
/// [`is_retryable`](Error::is_retryable), [`is_local`](Error::is_local) and
/// [`is_network`](Error::is_network).
///
/// Neither `Display` nor `Debug` ever shows a secret: request URLs (which may carry a token in
/// the query), request bodies and response bodies are left out.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use telauth::{Error, ErrorKind, Provider};
///
/// // What VoIPBIN answers for a deleted access key (a stand-in, as a test would make it).
/// let kind = ErrorKind::Api {
///     status: 409,
///     code: Some("FAILED_PRECONDITION".into()),
///     message: Some("The access key was deleted.".into()),
/// };
/// let error = Error::new(Provider::VoipBin, "accesskeys_get", kind);
/// assert_eq!(
///     error.to_string(),
///     "voipbin accesskeys_get: HTTP 409: The access key was deleted. (code FAILED_PRECONDITION)"
/// );
/// assert_eq!((error.provider(), error.operation()), (Provider::VoipBin, "accesskeys_get"));
/// assert_eq!(error.status(), Some(409));
/// assert_eq!(error.code(), Some("FAILED_PRECONDITION"));
/// assert_eq!(error.message(), Some("The access key was deleted."));
/// // Only an error made from VoIPBIN's answer has a request id and a provider's reason.
/// assert_eq!((error.request_id(), error.provider_reason(), error.hint()), (None, None, None));
/// // An HTTP error's kind holds no `reason`; a local refusal's does.
/// assert_eq!(error.reason(), None);
///
/// // The questions every provider's error answers alike.
/// let advice = if error.is_credentials_refused() {
///     "check the credentials"
/// } else if error.is_retryable() {
///     "try again later"
/// } else if error.is_local() {
///     "fix the input or the setup: nothing was sent"
/// } else {
///     "see the error"
/// };
/// assert_eq!(advice, "see the error");
/// let wait = error.retry_after().unwrap_or(Duration::from_secs(1));
/// assert_eq!(wait, Duration::from_secs(1));
///
/// let timeout = Error::new(Provider::Mobivate, "test", ErrorKind::Timeout);
/// assert!(timeout.is_retryable() && timeout.is_network() && timeout.status().is_none());
/// ```
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
    provider_reason: Option<String>,
    source: Option<Arc<dyn std::error::Error + Send + Sync>>,
    hint: Option<&'static str>,
    credentials_refused: bool,
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
    /// a malformed origin, or a credential that would have gone over plain `http`.
    InvalidInput {
        /// What is wrong.
        reason: String,
    },
    /// Variables that hold a credential are not set (or are empty): every one a
    /// `from_vars` needed and did not find, in the order it reads them.
    MissingEnv {
        /// Their names; where either of two will do, both, as `VOIPBIN_ACCESSKEY or
        /// VOIPBIN_TOKEN`.
        variables: Vec<&'static str>,
    },
}

impl Error {
    /// An error of `kind` in `operation` of `provider`: for a stand-in of a telauth call in a
    /// test, say.
    pub fn new(provider: Provider, operation: &'static str, kind: ErrorKind) -> Self {
        Self {
            provider,
            operation,
            kind,
            details: None,
        }
    }

    /// A call refused before anything was sent: the one way the facade refuses input.
    pub(crate) fn invalid_input(
        provider: Provider,
        operation: &'static str,
        reason: impl Into<String>,
    ) -> Self {
        let reason = reason.into();
        Self::new(provider, operation, ErrorKind::InvalidInput { reason })
    }

    /// Missing `variables`, read for `provider`.
    pub(crate) fn missing_env(provider: Provider, variables: Vec<&'static str>) -> Self {
        Self::new(provider, "env", ErrorKind::MissingEnv { variables })
    }

    /// The provider the call was for.
    pub fn provider(&self) -> Provider {
        self.provider
    }

    /// The operation (the spec's `operationId`, or `config` and `env` for local setup).
    pub fn operation(&self) -> &'static str {
        self.operation
    }

    /// What went wrong.
    pub fn kind(&self) -> &ErrorKind {
        &self.kind
    }

    /// The HTTP status, when the provider answered (SMSBeta refusing inside an HTTP 200 counts
    /// as 200).
    pub fn status(&self) -> Option<u16> {
        match &self.kind {
            ErrorKind::Api { status, .. } | ErrorKind::UnexpectedStatus { status } => Some(*status),
            ErrorKind::Refused { .. } => Some(200),
            _ => None,
        }
    }

    /// The provider's own error code, when its answer has one.
    pub fn code(&self) -> Option<&str> {
        match &self.kind {
            ErrorKind::Api { code, .. } | ErrorKind::Refused { code, .. } => code.as_deref(),
            _ => None,
        }
    }

    /// The provider's own message, when its answer has one.
    pub fn message(&self) -> Option<&str> {
        match &self.kind {
            ErrorKind::Api { message, .. } | ErrorKind::Refused { message, .. } => {
                message.as_deref()
            }
            _ => None,
        }
    }

    /// The id the provider gave the request (VoIPBIN's `request_id`): what its support asks for.
    pub fn request_id(&self) -> Option<&str> {
        self.details.as_ref()?.request_id.as_deref()
    }

    /// What was wrong, in words, for the kinds that hold a `reason`
    /// ([`ErrorKind::InvalidResponse`], [`ErrorKind::InvalidToken`], [`ErrorKind::Connect`],
    /// [`ErrorKind::Transport`], [`ErrorKind::InvalidInput`]); `None` for the others.
    pub fn reason(&self) -> Option<&str> {
        match &self.kind {
            ErrorKind::InvalidResponse { reason }
            | ErrorKind::InvalidToken { reason }
            | ErrorKind::Connect { reason }
            | ErrorKind::Transport { reason }
            | ErrorKind::InvalidInput { reason } => Some(reason),
            _ => None,
        }
    }

    /// The provider's machine-readable reason, when its answer has one (VoIPBIN's `reason`,
    /// such as `STATE_INVALID` for a deleted key): a word of the provider's, beside its
    /// [`code`](Error::code), not the [`reason`](Error::reason) of a kind.
    pub fn provider_reason(&self) -> Option<&str> {
        self.details.as_ref()?.provider_reason.as_deref()
    }

    /// What to do about the error, when the call knows more than its kind says: after a
    /// Mobivate `create_key` that failed once sent, the key may have been rotated all the same;
    /// VoIPBIN's bare `400` to a login means a wrong username or password. `Display` ends with
    /// it.
    pub fn hint(&self) -> Option<&str> {
        self.details.as_ref()?.hint
    }

    /// How long the provider asked to wait before trying again (`Retry-After` in seconds, on a
    /// 429 or 503), when it said.
    pub fn retry_after(&self) -> Option<Duration> {
        self.details.as_ref()?.retry_after
    }

    /// Whether the provider refused the credentials the call presented: a wrong username or
    /// password, or a key or token that is invalid, expired or revoked. The same question for
    /// every provider, so that no program needs a table of statuses: any provider's `401`, and
    /// VoIPBIN's bare `400` to a login (VoIPBIN answers nothing else for wrong credentials).
    /// A frozen VoIPBIN account (`403`), a missing permission and SMSBeta's refusing `200`
    /// envelope (which gives no reason) are not counted.
    pub fn is_credentials_refused(&self) -> bool {
        let unauthorized = matches!(
            self.kind,
            ErrorKind::Api { status: 401, .. } | ErrorKind::UnexpectedStatus { status: 401 }
        );
        unauthorized
            || self
                .details
                .as_ref()
                .is_some_and(|details| details.credentials_refused)
    }

    /// Whether the same call may succeed if tried again: timeouts, connection failures, and the
    /// statuses 408, 429, 500, 502, 503 and 504.
    pub fn is_retryable(&self) -> bool {
        match &self.kind {
            ErrorKind::Timeout | ErrorKind::Connect { .. } | ErrorKind::Transport { .. } => true,
            ErrorKind::Api { status, .. } | ErrorKind::UnexpectedStatus { status } => {
                matches!(status, 408 | 429 | 500 | 502 | 503 | 504)
            }
            _ => false,
        }
    }

    /// Whether the error happened on this side, before any request was sent: fix the input or
    /// the setup rather than retry.
    pub fn is_local(&self) -> bool {
        matches!(
            self.kind,
            ErrorKind::InvalidInput { .. } | ErrorKind::MissingEnv { .. }
        )
    }

    /// Whether the network failed (timeout, no connection, broken connection).
    pub fn is_network(&self) -> bool {
        matches!(
            self.kind,
            ErrorKind::Timeout | ErrorKind::Connect { .. } | ErrorKind::Transport { .. }
        )
    }

    fn details_mut(&mut self) -> &mut Details {
        self.details.get_or_insert_with(Box::default)
    }

    /// This error, with `source` as its [`std::error::Error::source`].
    #[cfg_attr(not(feature = "voipbin"), allow(dead_code))]
    pub(crate) fn with_source(
        mut self,
        source: impl std::error::Error + Send + Sync + 'static,
    ) -> Self {
        self.details_mut().source = Some(Arc::new(source));
        self
    }

    /// This error, with `hint`.
    #[cfg_attr(not(any(feature = "mobivate", feature = "voipbin")), allow(dead_code))]
    pub(crate) fn with_hint(mut self, hint: &'static str) -> Self {
        self.details_mut().hint = Some(hint);
        self
    }

    /// This error, counted as the provider refusing the credentials.
    #[cfg_attr(not(feature = "voipbin"), allow(dead_code))]
    pub(crate) fn with_credentials_refused(mut self) -> Self {
        self.details_mut().credentials_refused = true;
        self
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}: ", self.provider, self.operation)?;
        let provider_words =
            |f: &mut fmt::Formatter<'_>, code: Option<&str>, message: &Option<String>| match (
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
                // A code that only repeats the status (Mobivate's) says nothing more.
                let code = code.as_deref().filter(|code| *code != status.to_string());
                provider_words(f, code, message)
            }
            ErrorKind::Refused { code, message } => {
                write!(f, "HTTP 200 but the provider refused")?;
                provider_words(f, code.as_deref(), message)
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
            ErrorKind::MissingEnv { variables } => match variables.as_slice() {
                [variable] => write!(f, "the environment variable {variable} is not set"),
                variables => write!(
                    f,
                    "the environment variables {} are not set",
                    variables.join(", ")
                ),
            },
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
    fn reason_is_the_reason_of_every_kind_that_holds_one() {
        let reason = || "the reason".to_string();
        for kind in [
            ErrorKind::InvalidResponse { reason: reason() },
            ErrorKind::InvalidToken { reason: reason() },
            ErrorKind::Connect { reason: reason() },
            ErrorKind::Transport { reason: reason() },
            ErrorKind::InvalidInput { reason: reason() },
        ] {
            let error = Error::new(Provider::VoipBin, "accesskeys_get", kind);
            assert_eq!(error.reason(), Some("the reason"), "{error:?}");
            assert_eq!(error.provider_reason(), None, "{error:?}");
        }
        let timeout = Error::new(Provider::VoipBin, "accesskeys_get", ErrorKind::Timeout);
        assert_eq!(timeout.reason(), None);
    }

    #[test]
    fn a_code_that_repeats_the_status_is_not_shown_twice() {
        let error = Error::new(
            Provider::Mobivate,
            "test",
            ErrorKind::Api {
                status: 401,
                code: Some("401".into()),
                message: Some("API Key is invalid or expired".into()),
            },
        );
        assert_eq!(
            error.to_string(),
            "mobivate test: HTTP 401: API Key is invalid or expired"
        );
        assert_eq!(error.code(), Some("401"));
        assert!(error.is_credentials_refused());
    }

    #[test]
    fn every_missing_variable_is_named() {
        let error = Error::missing_env(
            Provider::SignalWire,
            vec!["SIGNALWIRE_SPACE", "SIGNALWIRE_API_TOKEN"],
        );
        assert_eq!(
            error.to_string(),
            "signalwire env: the environment variables SIGNALWIRE_SPACE, SIGNALWIRE_API_TOKEN \
             are not set"
        );
        assert!(error.is_local());
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
