//! The sandbox's JWTs: HS256, signed with a key made at start, with an `exp` claim.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, KeyInit, Mac};
use serde_json::{Value, json};
use sha2::Sha256;

const HEADER: &str = r#"{"alg":"HS256","typ":"JWT"}"#;

/// Signs a token for `username` that expires at `exp` (Unix seconds).
pub fn sign(key: &[u8], username: &str, exp: u64) -> String {
    let claims = json!({ "username": username, "exp": exp });
    let unsigned = format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(HEADER),
        URL_SAFE_NO_PAD.encode(claims.to_string())
    );
    format!("{unsigned}.{}", URL_SAFE_NO_PAD.encode(mac(key, &unsigned)))
}

/// The username of a token signed with `key` that has not expired at `now` (Unix seconds).
pub fn verify(key: &[u8], token: &str, now: u64) -> Option<String> {
    let (unsigned, signature) = token.rsplit_once('.')?;
    let signature = URL_SAFE_NO_PAD.decode(signature).ok()?;
    let mut check = Hmac::<Sha256>::new_from_slice(key).ok()?;
    check.update(unsigned.as_bytes());
    check.verify_slice(&signature).ok()?;
    let (_, payload) = unsigned.split_once('.')?;
    let claims: Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).ok()?).ok()?;
    let exp = claims.get("exp")?.as_u64()?;
    (now < exp).then(|| claims.get("username")?.as_str().map(str::to_string))?
}

fn mac(key: &[u8], data: &str) -> Vec<u8> {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes keys of any length");
    mac.update(data.as_bytes());
    mac.finalize().into_bytes().to_vec()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signed_tokens_verify_until_they_expire() {
        let token = sign(b"key", "alice", 100);
        assert_eq!(verify(b"key", &token, 99).as_deref(), Some("alice"));
        assert_eq!(verify(b"key", &token, 100), None);
        assert_eq!(verify(b"other", &token, 0), None);
        assert_eq!(verify(b"key", "vb_not_a_jwt", 0), None);
    }
}
