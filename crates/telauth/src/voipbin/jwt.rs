//! VoIPBIN's JWT: the token with its expiry, read from the `exp` claim.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize, Serializer};
use telauth_runtime::Secret;

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
    let mut parts = token.expose().split('.');
    let (Some(_), Some(payload), Some(_), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(invalid("a JWT has three parts separated by dots"));
    };
    let payload = URL_SAFE_NO_PAD
        .decode(payload.trim_end_matches('='))
        .map_err(|_| invalid("its payload is not base64url"))?;
    // Only `exp` is read; the other claims are skipped without being built.
    let claims: Claims = serde_json::from_slice(&payload).map_err(|error| {
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
}
