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

    // One-call constructors: the origin from TELAUTH_<PROVIDER>_ORIGIN (or _BASE_URL), a bad one
    // refused when the client is built.
    set("TELAUTH_VOIPBIN_ORIGIN", Some("http://127.0.0.1:9/prefix"));
    let voipbin = telauth::voipbin::VoipBin::from_env().unwrap();
    assert_no_sentinel(&format!("{voipbin:?}"));
    assert!(format!("{voipbin:?}").contains("http://127.0.0.1:9/prefix"));
    set("TELAUTH_MOBIVATE_ORIGIN", None);
    set("TELAUTH_MOBIVATE_BASE_URL", Some("not a url"));
    assert!(
        telauth::mobivate::Mobivate::from_env()
            .unwrap_err()
            .is_local()
    );
    set("TELAUTH_MOBIVATE_BASE_URL", Some("http://127.0.0.1:9"));
    telauth::mobivate::Mobivate::from_env().unwrap();
    telauth::smsbeta::SmsBeta::from_env().unwrap();
    set("SIGNALWIRE_SPACE", Some("example.signalwire.com"));
    set(
        "SIGNALWIRE_PROJECT_ID",
        Some("6f1e3c2a-9d4f-4e8b-a1c7-3f5d2e9b8a10"),
    );
    set("SIGNALWIRE_API_TOKEN", Some(SENTINEL));
    let signalwire = telauth::signalwire::SignalWire::from_env().unwrap();
    assert_no_sentinel(&format!("{signalwire:?}"));
}
