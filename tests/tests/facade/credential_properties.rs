//! Properties over generated inputs: the md5 digest, the Basic header (colons and non-ASCII in
//! ids and tokens), JWT expiry decoding, and redaction of any secret.

use std::time::{Duration, UNIX_EPOCH};

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use proptest::prelude::*;
use telauth::Secret;
use telauth::smsbeta::password_digest;
use telauth::voipbin::VoipBinAuth;
use telauth_runtime::{Credential, CredentialSet, Location, Scheme};
use telauth_tests::basic_header;

static BASIC: Scheme = Scheme {
    name: "Basic",
    location: Location::Basic,
};
static BEARER: Scheme = Scheme {
    name: "Bearer",
    location: Location::Bearer,
};
static QUERY: Scheme = Scheme {
    name: "Query",
    location: Location::Query("accesskey"),
};

fn request() -> reqwest::Request {
    reqwest::Request::new(
        reqwest::Method::GET,
        "https://api.example.com/x".parse().unwrap(),
    )
}

proptest! {
    #![proptest_config(ProptestConfig { failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn the_digest_is_32_lowercase_hex_and_tells_passwords_apart(a in ".*", b in ".*") {
        let (da, db) = (password_digest(&Secret::from(a.as_str())), password_digest(&Secret::from(b.as_str())));
        prop_assert_eq!(da.expose().len(), 32);
        prop_assert!(da.expose().bytes().all(|c| c.is_ascii_digit() || (b'a'..=b'f').contains(&c)));
        let again = password_digest(&Secret::from(a.as_str()));
        prop_assert_eq!(da.expose(), again.expose());
        prop_assert_eq!(a == b, da.expose() == db.expose());
    }

    #[test]
    fn the_basic_header_carries_id_and_token_exactly(user in "[^:]*", password in ".*") {
        let set = CredentialSet::new().with(&BASIC, Credential::Basic {
            username: user.clone(),
            password: Secret::from(password.as_str()),
        });
        let mut req = request();
        set.authorize(&mut req, "op", &[&[&BASIC]]).unwrap();
        let value = req.headers()["authorization"].to_str().unwrap().to_string();
        prop_assert_eq!(&value, &basic_header(&user, &password));
        let decoded = STANDARD.decode(value.strip_prefix("Basic ").unwrap()).unwrap();
        prop_assert_eq!(decoded, format!("{user}:{password}").into_bytes());
    }

    #[test]
    fn a_query_key_round_trips_whatever_its_characters(key in ".+") {
        let set = CredentialSet::new().with(&QUERY, Credential::Secret(Secret::from(key.as_str())));
        let mut req = request();
        set.authorize(&mut req, "op", &[&[&QUERY]]).unwrap();
        let pairs: Vec<(String, String)> = req.url().query_pairs().into_owned().collect();
        prop_assert_eq!(pairs, vec![("accesskey".to_string(), key)]);
    }

    #[test]
    fn a_jwt_expires_at_any_exp(exp in 0u64..=253_402_300_799, sub in "[a-z]{0,12}") {
        let payload = URL_SAFE_NO_PAD.encode(format!(r#"{{"sub":"{sub}","exp":{exp}}}"#));
        let token = Secret::new(format!("eyJhbGciOiJIUzI1NiJ9.{payload}.c2ln"));
        prop_assert_eq!(
            VoipBinAuth::Jwt(token).expires_at().unwrap(),
            Some(UNIX_EPOCH + Duration::from_secs(exp))
        );
    }

    #[test]
    fn an_exp_after_the_year_9999_is_an_error(exp in 253_402_300_800u64..) {
        let payload = URL_SAFE_NO_PAD.encode(format!(r#"{{"exp":{exp}}}"#));
        let token = Secret::new(format!("eyJhbGciOiJIUzI1NiJ9.{payload}.c2ln"));
        prop_assert!(VoipBinAuth::Jwt(token).expires_at().is_err());
    }

    #[test]
    fn garbage_tokens_are_errors_not_panics(token in ".*") {
        let _ = VoipBinAuth::Jwt(Secret::from(token.as_str())).expires_at();
    }

    #[test]
    fn no_secret_shows_in_any_debug(secret in "[a-zA-Z0-9_~+/=-]{8,40}") {
        prop_assume!(!"Secret([REDACTED])".contains(&secret));
        let value = Secret::from(secret.as_str());
        let set = CredentialSet::new().with(&BEARER, Credential::Secret(value.clone()));
        let basic = CredentialSet::new().with(&BASIC, Credential::Basic { username: "u".into(), password: value.clone() });
        let texts = [
            format!("{value:?}"),
            format!("{set:?} {basic:?}"),
            format!("{:?}", telauth_voipbin::Credentials::accesskey_query(value.clone())),
            format!("{:?}", telauth_signalwire::Credentials::signal_wire_basic_auth("p", value.clone())),
            format!("{:?}", telauth::voipbin::VoipBinAuth::Jwt(value.clone())),
            format!("{:?}", telauth::smsbeta::SmsBetaAccount { mail: "m".into(), password: value.clone() }),
        ];
        for text in texts {
            prop_assert!(!text.contains(&secret), "{}", text);
        }
    }
}
