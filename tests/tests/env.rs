//! Credentials read from the environment. A test binary of its own, with one test: setting
//! variables while other threads read the environment (reqwest reads proxy variables) would be
//! a data race.

use telauth::mobivate::MobivateCredentials;
use telauth::voipbin::VoipBinAuth;
use telauth_tests::{SENTINEL, assert_no_sentinel};

fn set(name: &str, value: Option<&str>) {
    // SAFETY: this binary runs this one test, on one thread, and starts no other.
    unsafe {
        match value {
            Some(value) => std::env::set_var(name, value),
            None => std::env::remove_var(name),
        }
    }
}

#[test]
fn environment_credentials_name_what_is_missing() {
    set("MOBIVATE_USERNAME", None);
    set("MOBIVATE_PASSWORD", Some(SENTINEL));
    let error = MobivateCredentials::from_env().unwrap_err();
    assert_eq!(
        error.to_string(),
        "mobivate env: the environment variable MOBIVATE_USERNAME is not set"
    );
    assert!(error.is_local());
    set("MOBIVATE_USERNAME", Some("alice"));
    let credentials = MobivateCredentials::from_env().unwrap();
    assert_eq!(credentials.password.expose(), SENTINEL);
    assert_no_sentinel(&format!("{credentials:?}"));

    set("VOIPBIN_ACCESSKEY", None);
    set("VOIPBIN_TOKEN", None);
    let error = VoipBinAuth::from_env().unwrap_err();
    assert!(
        error
            .to_string()
            .contains("VOIPBIN_ACCESSKEY (or VOIPBIN_TOKEN)"),
        "{error}"
    );
    set("VOIPBIN_TOKEN", Some("jwt"));
    assert!(matches!(VoipBinAuth::from_env().unwrap(), VoipBinAuth::Jwt(t) if t.expose() == "jwt"));
    set("VOIPBIN_ACCESSKEY", Some(SENTINEL));
    let auth = VoipBinAuth::from_env().unwrap();
    assert!(matches!(&auth, VoipBinAuth::AccessKey(k) if k.expose() == SENTINEL));
    assert_no_sentinel(&format!("{auth:?}"));
}
