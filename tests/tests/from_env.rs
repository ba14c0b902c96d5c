//! `from_vars(&Vars::process(), ..)` reads the process environment: a test binary of its own, with one test, because
//! setting variables while other threads read the environment (reqwest reads proxy variables)
//! would be a data race. Everything else about reading variables goes through `Vars` maps, in
//! `facade/env.rs`, with no `set_var` at all.

use telauth::mobivate::MobivateAccount;
use telauth::voipbin::VoipBinAuth;
use telauth::{Config, ErrorKind, Vars};
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
fn process_vars_read_the_process_environment_and_names_every_missing_variable() {
    set("MOBIVATE_USERNAME", None);
    set("MOBIVATE_PASSWORD", None);
    let error = MobivateAccount::from_vars(&Vars::process()).unwrap_err();
    assert_eq!(
        error.kind(),
        &ErrorKind::MissingEnv {
            variables: vec!["MOBIVATE_USERNAME", "MOBIVATE_PASSWORD"]
        }
    );
    set("MOBIVATE_USERNAME", Some("alice"));
    set("MOBIVATE_PASSWORD", Some(SENTINEL));
    let credentials = MobivateAccount::from_vars(&Vars::process()).unwrap();
    assert_eq!(credentials.password.expose(), SENTINEL);
    assert_no_sentinel(&format!("{credentials:?}"));

    set("VOIPBIN_ACCESSKEY", Some(SENTINEL));
    let auth = VoipBinAuth::from_vars(&Vars::process()).unwrap();
    assert!(matches!(&auth, VoipBinAuth::AccessKey(k) if k.expose() == SENTINEL));

    // The origin from TELAUTH_<PROVIDER>_ORIGIN; the older _BASE_URL spelling is not read.
    set("TELAUTH_VOIPBIN_ORIGIN", Some("http://127.0.0.1:9/prefix"));
    let voipbin = telauth::voipbin::VoipBin::from_vars(&Vars::process(), &Config::new()).unwrap();
    assert_no_sentinel(&format!("{voipbin:?}"));
    assert!(format!("{voipbin:?}").contains("http://127.0.0.1:9/prefix"));
    set("TELAUTH_MOBIVATE_ORIGIN", None);
    set("TELAUTH_MOBIVATE_BASE_URL", Some("not a url"));
    let mobivate = telauth::mobivate::Mobivate::from_vars(&Vars::process(), &Config::new());
    assert!(
        !format!("{mobivate:?}").contains("not a url"),
        "{mobivate:?}"
    );
}
