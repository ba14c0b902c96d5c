//! The facade's webhook verifiers (`telauth::webhook`) against vectors written here: SignalWire's
//! computed with its SDK's own construction (`signalwire-sdk` 3.7.5,
//! `signalwire/core/security/webhook_validator.py`), VoIPBIN's with its server's
//! (`computeSignature` in `bin-webhook-manager/pkg/webhookhandler/message.go`: `"sha256=" +
//! hex(HMAC-SHA256(secret, body))`). The SDK itself judges the same constructions in the
//! sandbox's `webhook_signatures` test. And no key in any `Debug`, error or rejection.

use http::HeaderMap;
use telauth::webhook::{Rejection, SignalWireVerifier, VoipBinVerifier};
use telauth::{ErrorKind, Vars};
use telauth_tests::{SENTINEL, assert_no_sentinel};

const KEY: &str = "PSK_vector_key";
const SECRET: &str = "whsec_vector";

const JSON_URL: &str = "https://hooks.example.com/sw/status?leg=1";
const JSON_BODY: &str = r#"{"event_type":"calling.call.state","params":{"call_state":"answered"}}"#;
/// hex(HMAC-SHA1(KEY, JSON_URL + JSON_BODY))
const JSON_SHA1: &str = "9f910f9da80a00cff1568ee8b5fbef1c33d4e981";
/// hex(HMAC-SHA256(KEY, JSON_URL + JSON_BODY))
const JSON_SHA256: &str = "fc668ae9287fd941be23d006ee20b2afcff90be9a89e2d7b09f8c9497d173e35";

const FORM_URL: &str = "https://hooks.example.com/voice";
/// `Digits` twice, in the order sent; an empty value.
const FORM_BODY: &str =
    "To=%2B15550001111&From=%2B15552223333&Digits=1&Digits=2&CallSid=CA1&Empty=";
/// base64(HMAC-SHA1(KEY, FORM_URL + "CallSidCA1Digits1Digits2EmptyFrom+15552223333To+15550001111"))
const FORM_SHA1: &str = "VpQ2hjt3LK4jx5moXV9IylQwUZw=";
/// The same, signed over `https://hooks.example.com:443/voice`.
const FORM_SHA1_PORT: &str = "XED3GPe4X0dr0M+lJHtjilT7CeM=";

const COMPAT_JSON_BODY: &str = r#"{"CallSid":"CA1"}"#;
/// The URL with `bodySHA256` = hex(SHA-256(COMPAT_JSON_BODY)).
const COMPAT_JSON_URL: &str = "https://hooks.example.com/voice?bodySHA256=85264246de8d570722726062407cde49dc5bb2c2569c179765b178e3ffe30825";
/// base64(HMAC-SHA1(KEY, COMPAT_JSON_URL)): no form parameters.
const COMPAT_JSON_SHA1: &str = "5ISIKRpjSCo/cwDaG8fzKmJTpik=";

const VOIPBIN_BODY: &str = r#"{"type":"call_updated","data":{"id":"0b2a"}}"#;
/// "sha256=" + hex(HMAC-SHA256(SECRET, VOIPBIN_BODY))
const VOIPBIN_SIGNATURE: &str =
    "sha256=cfce760a5eb94ed5454bc13af583176dbe83cbe1b67b52c2542e60fe47203a38";

fn signalwire(key: &str) -> SignalWireVerifier {
    SignalWireVerifier::from_vars(&Vars::from_iter([("SIGNALWIRE_SIGNING_KEY", key)])).unwrap()
}

fn voipbin(secret: &str) -> VoipBinVerifier {
    VoipBinVerifier::from_vars(&Vars::from_iter([("VOIPBIN_WEBHOOK_SECRET", secret)])).unwrap()
}

fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
    pairs
        .iter()
        .map(|(name, value)| (http::HeaderName::from_static(name), value.parse().unwrap()))
        .collect()
}

const SHA1: &str = "x-signalwire-signature";
const SHA256: &str = "x-signalwire-sha256-signature";
const TWILIO: &str = "x-twilio-signature";
const MISMATCH_SHA1: Rejection = Rejection::Mismatch {
    header: "X-SignalWire-Signature",
};

#[test]
fn signalwire_json_callbacks_are_the_hex_hmac_of_url_and_body_sha1_and_sha256() {
    let verifier = signalwire(KEY);
    let body = JSON_BODY.as_bytes();
    assert_eq!(
        verifier.verify(JSON_URL, &headers(&[(SHA1, JSON_SHA1)]), body),
        Ok(())
    );
    assert_eq!(
        verifier.verify(JSON_URL, &headers(&[(SHA256, JSON_SHA256)]), body),
        Ok(())
    );
    let both = headers(&[(SHA1, JSON_SHA1), (SHA256, JSON_SHA256)]);
    assert_eq!(verifier.verify(JSON_URL, &both, body), Ok(()));

    // A changed body, URL or key.
    let changed = JSON_BODY.replace("answered", "ended");
    assert_eq!(
        verifier.verify(JSON_URL, &both, changed.as_bytes()),
        Err(MISMATCH_SHA1)
    );
    assert_eq!(
        verifier.verify("https://hooks.example.com/sw/status?leg=2", &both, body),
        Err(MISMATCH_SHA1)
    );
    assert_eq!(
        signalwire("PSK_other").verify(JSON_URL, &both, body),
        Err(MISMATCH_SHA1)
    );
    // The SHA-256 header alone, changed: its own mismatch.
    assert_eq!(
        verifier.verify(
            JSON_URL,
            &headers(&[(SHA256, JSON_SHA256)]),
            changed.as_bytes()
        ),
        Err(Rejection::Mismatch {
            header: "X-SignalWire-Sha256-Signature"
        })
    );
    // Scheme A is never tried with the port added: the URL is signed as called.
    assert_eq!(
        verifier.verify(
            "https://hooks.example.com:443/sw/status?leg=1",
            &headers(&[(SHA1, JSON_SHA1)]),
            body
        ),
        Err(MISMATCH_SHA1)
    );
}

#[test]
fn signalwire_form_callbacks_sort_parameters_keep_repeats_in_order_and_try_the_default_port() {
    let verifier = signalwire(KEY);
    let body = FORM_BODY.as_bytes();
    for signature in [FORM_SHA1, FORM_SHA1_PORT] {
        assert_eq!(
            verifier.verify(FORM_URL, &headers(&[(SHA1, signature)]), body),
            Ok(())
        );
        assert_eq!(
            verifier.verify(
                "https://hooks.example.com:443/voice",
                &headers(&[(SHA1, signature)]),
                body
            ),
            Ok(())
        );
        // The Compatibility alias.
        assert_eq!(
            verifier.verify(FORM_URL, &headers(&[(TWILIO, signature)]), body),
            Ok(())
        );
    }
    // Repeated values swapped: another message.
    let swapped = FORM_BODY.replace("Digits=1&Digits=2", "Digits=2&Digits=1");
    assert_eq!(
        verifier.verify(FORM_URL, &headers(&[(SHA1, FORM_SHA1)]), swapped.as_bytes()),
        Err(MISMATCH_SHA1)
    );
    // Other parameters' order does not matter: they are sorted.
    let reordered = "CallSid=CA1&Empty=&Digits=1&From=%2B15552223333&Digits=2&To=%2B15550001111";
    assert_eq!(
        verifier.verify(
            FORM_URL,
            &headers(&[(SHA1, FORM_SHA1)]),
            reordered.as_bytes()
        ),
        Ok(())
    );
    // Another port is not a default-port variant.
    assert_eq!(
        verifier.verify(
            "https://hooks.example.com:8443/voice",
            &headers(&[(SHA1, FORM_SHA1)]),
            body
        ),
        Err(MISMATCH_SHA1)
    );
    assert_eq!(
        verifier.verify(
            "http://hooks.example.com/voice",
            &headers(&[(SHA1, FORM_SHA1)]),
            body
        ),
        Err(MISMATCH_SHA1)
    );
    assert_eq!(
        signalwire("PSK_other").verify(FORM_URL, &headers(&[(SHA1, FORM_SHA1)]), body),
        Err(MISMATCH_SHA1)
    );
    // X-SignalWire-Signature present wins over the alias, as the SDK reads them.
    assert_eq!(
        verifier.verify(
            FORM_URL,
            &headers(&[
                (SHA1, FORM_SHA1_PORT.replace('X', "Y").as_str()),
                (TWILIO, FORM_SHA1)
            ]),
            body
        ),
        Err(MISMATCH_SHA1)
    );
}

#[test]
fn signalwire_json_on_a_compatibility_url_checks_body_sha256() {
    let verifier = signalwire(KEY);
    let signature = headers(&[(SHA1, COMPAT_JSON_SHA1)]);
    assert_eq!(
        verifier.verify(COMPAT_JSON_URL, &signature, COMPAT_JSON_BODY.as_bytes()),
        Ok(())
    );
    // The URL still matches, the body no longer has the hash it names.
    assert_eq!(
        verifier.verify(COMPAT_JSON_URL, &signature, br#"{"CallSid":"CA2"}"#),
        Err(MISMATCH_SHA1)
    );
}

#[test]
fn signalwire_rejections_name_the_header_and_what_is_wrong() {
    let verifier = signalwire(KEY);
    let body = JSON_BODY.as_bytes();
    assert_eq!(
        verifier.verify(JSON_URL, &HeaderMap::new(), body),
        Err(Rejection::MissingSignature {
            header: "X-SignalWire-Signature"
        })
    );
    assert_eq!(
        verifier.verify(JSON_URL, &headers(&[(SHA1, "")]), body),
        Err(Rejection::MissingSignature {
            header: "X-SignalWire-Signature"
        })
    );
    // Uppercase hex is not what SignalWire sends (the SDK compares the text).
    for malformed in [&JSON_SHA1.to_uppercase(), "not a signature", "c2hvcnQ="] {
        let rejection = verifier
            .verify(JSON_URL, &headers(&[(SHA1, malformed)]), body)
            .unwrap_err();
        assert!(
            matches!(
                rejection,
                Rejection::Malformed {
                    header: "X-SignalWire-Signature",
                    ..
                }
            ),
            "{malformed}: {rejection:?}"
        );
    }
    let rejection = verifier
        .verify(JSON_URL, &headers(&[(SHA256, JSON_SHA1)]), body)
        .unwrap_err();
    assert!(matches!(
        rejection,
        Rejection::Malformed {
            header: "X-SignalWire-Sha256-Signature",
            ..
        }
    ));
    // A bad SHA-256 header falls back to a good SHA-1 one, as the SDK's middleware does.
    assert_eq!(
        verifier.verify(
            JSON_URL,
            &headers(&[(SHA256, &"0".repeat(64)), (SHA1, JSON_SHA1)]),
            body
        ),
        Ok(())
    );
    let rejection = verifier
        .verify(JSON_URL, &headers(&[(SHA1, "nope")]), body)
        .unwrap_err();
    assert!(
        rejection
            .to_string()
            .starts_with("the X-SignalWire-Signature header is malformed")
    );
}

#[test]
fn voipbin_signs_the_body_as_its_server_does() {
    let verifier = voipbin(SECRET);
    let signed = headers(&[("x-voipbin-signature", VOIPBIN_SIGNATURE)]);
    let mismatch = Rejection::Mismatch {
        header: "X-VoIPBIN-Signature",
    };
    assert_eq!(verifier.verify(&signed, VOIPBIN_BODY.as_bytes()), Ok(()));
    assert_eq!(
        verifier.verify(&signed, VOIPBIN_BODY.replace("0b2a", "0b2b").as_bytes()),
        Err(mismatch.clone())
    );
    assert_eq!(
        voipbin("whsec_other").verify(&signed, VOIPBIN_BODY.as_bytes()),
        Err(mismatch)
    );
    assert_eq!(
        verifier.verify(&HeaderMap::new(), VOIPBIN_BODY.as_bytes()),
        Err(Rejection::MissingSignature {
            header: "X-VoIPBIN-Signature"
        })
    );
    // The bare hex (what one of VoIPBIN's docs compares), another algorithm, uppercase hex: the
    // server sends none of them.
    let hex = VOIPBIN_SIGNATURE.trim_start_matches("sha256=");
    for malformed in [
        hex.to_string(),
        format!("sha1={hex}"),
        VOIPBIN_SIGNATURE.to_uppercase(),
    ] {
        let rejection = verifier
            .verify(
                &headers(&[("x-voipbin-signature", &malformed)]),
                VOIPBIN_BODY.as_bytes(),
            )
            .unwrap_err();
        assert!(
            matches!(
                rejection,
                Rejection::Malformed {
                    header: "X-VoIPBIN-Signature",
                    ..
                }
            ),
            "{malformed}: {rejection:?}"
        );
    }
}

#[test]
fn a_missing_key_is_a_missing_env_error_naming_the_variable() {
    let error = SignalWireVerifier::from_vars(&Vars::from_iter([("SIGNALWIRE_SIGNING_KEY", "")]))
        .unwrap_err();
    assert_eq!(
        error.kind(),
        &ErrorKind::MissingEnv {
            variables: vec!["SIGNALWIRE_SIGNING_KEY"]
        }
    );
    let error = VoipBinVerifier::from_vars(&Vars::from_iter([("HOME", "/root")])).unwrap_err();
    assert!(
        error.to_string().contains("VOIPBIN_WEBHOOK_SECRET"),
        "{error}"
    );
}

#[test]
fn no_key_in_any_debug_rejection_or_error() {
    let signalwire = signalwire(SENTINEL);
    let voipbin = voipbin(SENTINEL);
    assert_no_sentinel(&format!("{signalwire:?} {voipbin:?}"));
    // Signatures made with the sentinel as their text, too: a rejection holds no header value.
    let body = SENTINEL.as_bytes();
    let rejections = [
        signalwire.verify(JSON_URL, &headers(&[(SHA1, SENTINEL)]), body),
        signalwire.verify(JSON_URL, &headers(&[(SHA256, SENTINEL)]), body),
        signalwire.verify(JSON_URL, &headers(&[(SHA1, JSON_SHA1)]), body),
        signalwire.verify(JSON_URL, &headers(&[(SHA1, FORM_SHA1)]), body),
        signalwire.verify(JSON_URL, &HeaderMap::new(), body),
        voipbin.verify(&headers(&[("x-voipbin-signature", SENTINEL)]), body),
        voipbin.verify(
            &headers(&[("x-voipbin-signature", VOIPBIN_SIGNATURE)]),
            body,
        ),
    ];
    for rejection in rejections {
        let rejection = rejection.unwrap_err();
        assert_no_sentinel(&format!("{rejection} {rejection:?}"));
    }
}
