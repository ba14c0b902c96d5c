//! VoIPBIN's JWT: the token with its expiry, read from the `exp` claim.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::DecodeSliceError;
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize, Serializer};
use telauth_runtime::Secret;
use telauth_voipbin::operations;
use telauth_voipbin::types::LoginResponse;

use super::PROVIDER;
use crate::{Error, ErrorKind};

/// A JWT and when it expires: what [`super::VoipBin::login`] answers.
#[derive(Clone, Debug, Serialize)]
#[non_exhaustive]
pub struct Jwt {
    /// The account's username.
    pub username: String,
    /// The token.
    pub token: Secret,
    /// When the token expires: its `exp` claim (serialized as Unix seconds).
    #[serde(serialize_with = "unix_seconds")]
    pub expires_at: SystemTime,
}

fn unix_seconds<S: Serializer>(time: &SystemTime, serializer: S) -> Result<S::Ok, S::Error> {
    let seconds = time
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or_default();
    serializer.serialize_u64(seconds)
}

/// When a login's JWT was issued, as the login's answer tells: the JWT's `iat`, else the
/// answer's `Date`, which is parsed only when [`Issued::lifetime`] needs it.
pub(crate) struct Issued {
    pub(crate) iat: Option<SystemTime>,
    pub(crate) date: Option<reqwest::header::HeaderValue>,
}

impl Issued {
    /// The lifetime of a JWT that expires at `expires_at`: `exp - iat`, else `exp` minus the
    /// answer's `Date`, else `exp` by this host's clock (zero when that is past). The first two
    /// do not depend on this host's clock agreeing with the provider's.
    pub(crate) fn lifetime(&self, expires_at: SystemTime) -> Duration {
        let issued_at = self.iat.or_else(|| {
            let date = self.date.as_ref()?.to_str().ok()?;
            httpdate::parse_http_date(date).ok()
        });
        expires_at
            .duration_since(issued_at.unwrap_or_else(SystemTime::now))
            .unwrap_or_default()
    }
}

/// The longest payload decoded on the stack, in bytes: VoIPBIN's are well under it.
const PAYLOAD_ON_STACK: usize = 512;

/// The JWT of a login's answer, and when it was issued (its `iat`, when valid). A token that is
/// not a JWT with an `exp` is the login's [`ErrorKind::InvalidToken`] error.
pub(crate) fn read(login: LoginResponse) -> Result<(Jwt, Option<SystemTime>), Error> {
    let times = times(&login.token)
        .map_err(|error| Error::new(PROVIDER, operations::AUTH_LOGIN, error.kind().clone()))?;
    let jwt = Jwt {
        username: login.username,
        token: login.token,
        expires_at: times.expires_at,
    };
    Ok((jwt, times.issued_at))
}

/// The last `exp` accepted: 9999-12-31T23:59:59Z.
const LAST_EXP: f64 = 253_402_300_799.0;

/// The claims [`times`] reads.
#[derive(Deserialize)]
struct Claims {
    exp: Option<f64>,
    iat: Option<f64>,
}

/// When a token was issued (its `iat`, when it has a valid one) and when it expires.
pub(crate) struct Times {
    pub(crate) issued_at: Option<SystemTime>,
    pub(crate) expires_at: SystemTime,
}

/// The `iat` and `exp` of `token`. A token that is not three base64url parts with a JSON
/// payload holding a numeric `exp` is an [`ErrorKind::InvalidToken`] error, which never shows
/// the token.
pub(crate) fn times(token: &Secret) -> Result<Times, Error> {
    let invalid = |reason: &str| {
        Error::new(
            PROVIDER,
            "jwt",
            ErrorKind::InvalidToken {
                reason: reason.to_string(),
            },
        )
    };
    let three_parts = || invalid("a JWT has three parts separated by dots");
    // The payload lies between the first dot and the last, found from either end over the short
    // header and signature; a dot between them (a fourth part) fails the payload's decoding.
    let token = token.expose();
    let (Some(first), Some(last)) = (token.find('.'), token.rfind('.')) else {
        return Err(three_parts());
    };
    if first == last {
        return Err(three_parts());
    }
    let payload = &token[first + 1..last];
    let not_base64 = || {
        if payload.contains('.') {
            three_parts()
        } else {
            invalid("its payload is not base64url")
        }
    };
    // A payload that fits is decoded on the stack; a longer one (rare) on the heap.
    let encoded = payload.trim_end_matches('=');
    let mut on_stack = [0; PAYLOAD_ON_STACK];
    let on_heap;
    let payload = match URL_SAFE_NO_PAD.decode_slice(encoded, &mut on_stack) {
        Ok(len) => &on_stack[..len],
        Err(DecodeSliceError::OutputSliceTooSmall) => {
            on_heap = URL_SAFE_NO_PAD.decode(encoded).map_err(|_| not_base64())?;
            &on_heap[..]
        }
        Err(DecodeSliceError::DecodeError(_)) => return Err(not_base64()),
    };
    // Only `exp` and `iat` are read; the other claims are skipped without being built.
    // Checked as UTF-8 once, rather than string by string as `from_slice` would.
    let payload = std::str::from_utf8(payload).map_err(|_| invalid("its payload is not JSON"))?;
    let claims: Claims = serde_json::from_str(payload).map_err(|error| {
        invalid(match error.classify() {
            serde_json::error::Category::Data => "its payload has no numeric `exp` claim",
            _ => "its payload is not JSON",
        })
    })?;
    let exp = claims
        .exp
        .filter(|exp| exp.is_finite() && *exp >= 0.0)
        .ok_or_else(|| invalid("its payload has no numeric `exp` claim"))?;
    if exp > LAST_EXP {
        return Err(invalid("its `exp` claim is after the year 9999"));
    }
    let expires_at = UNIX_EPOCH
        .checked_add(Duration::from_secs_f64(exp))
        .ok_or_else(|| invalid("its `exp` claim is out of range"))?;
    let issued_at = claims
        .iat
        .filter(|iat| iat.is_finite() && (0.0..=exp).contains(iat))
        .and_then(|iat| UNIX_EPOCH.checked_add(Duration::from_secs_f64(iat)));
    Ok(Times {
        issued_at,
        expires_at,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jwt(payload: &str) -> Secret {
        Secret::new(format!(
            "eyJhbGciOiJIUzI1NiJ9.{}.c2ln",
            URL_SAFE_NO_PAD.encode(payload)
        ))
    }

    #[test]
    fn expiry_comes_from_the_exp_claim() {
        let expiry = times(&jwt(r#"{"sub":"me","exp":1700000000}"#))
            .unwrap()
            .expires_at;
        assert_eq!(expiry, UNIX_EPOCH + Duration::from_secs(1_700_000_000));
    }

    #[test]
    fn a_payload_too_long_for_the_stack_is_read_all_the_same() {
        let long = format!(
            r#"{{"note":"{}","exp":1700000000}}"#,
            "x".repeat(PAYLOAD_ON_STACK)
        );
        let expiry = times(&jwt(&long)).unwrap().expires_at;
        assert_eq!(expiry, UNIX_EPOCH + Duration::from_secs(1_700_000_000));
        let not_base64 = format!("a.{}!.c", "A".repeat(PAYLOAD_ON_STACK * 2));
        let Err(error) = times(&Secret::new(not_base64)) else {
            panic!("a long payload that is not base64url was read");
        };
        assert_eq!(
            error.kind(),
            &ErrorKind::InvalidToken {
                reason: "its payload is not base64url".into()
            }
        );
    }

    #[test]
    fn malformed_tokens_are_errors_that_do_not_show_the_token() {
        let cases = [
            Secret::from("sentinel-no-dots"),
            Secret::from("a.sentinel!!!.c"),
            Secret::new(format!(
                "a.{}.c",
                URL_SAFE_NO_PAD.encode("sentinel not json")
            )),
            jwt(r#"{"sentinel":1}"#),
            jwt(r#"{"exp":"sentinel"}"#),
            jwt(r#"{"exp":-5}"#),
        ];
        for token in cases {
            let Err(error) = times(&token) else {
                panic!("a malformed token was read");
            };
            assert!(matches!(error.kind(), ErrorKind::InvalidToken { .. }));
            assert!(
                !format!("{error} {error:?}").contains("sentinel"),
                "{error}"
            );
        }
    }

    #[test]
    fn a_token_of_more_or_fewer_than_three_parts_is_named_so() {
        let payload = URL_SAFE_NO_PAD.encode(r#"{"exp":1700000000}"#);
        for token in [
            "sentinel".to_string(),
            "sentinel.a".to_string(),
            format!("a.{payload}"),
            format!("a.{payload}.c.d"),
            format!("a.b.{payload}.c"),
        ] {
            let Err(error) = times(&Secret::new(token.clone())) else {
                panic!("{token} was read");
            };
            assert_eq!(
                error.kind(),
                &ErrorKind::InvalidToken {
                    reason: "a JWT has three parts separated by dots".into()
                },
                "{token}"
            );
        }
        assert!(times(&Secret::new(format!("a.{payload}.c"))).is_ok());
        let Err(not_base64) = times(&Secret::from("a.sentinel!!!.c")) else {
            panic!("a payload that is not base64url was read");
        };
        assert_eq!(
            not_base64.kind(),
            &ErrorKind::InvalidToken {
                reason: "its payload is not base64url".into()
            }
        );
    }
}
