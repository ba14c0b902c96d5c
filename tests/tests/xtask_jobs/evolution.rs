//! Crates that survive the providers' next change, on copies of the workspace released as they
//! are: each change of the corpus is regenerated and audited, the audit gives its class, its
//! phrase and the next version, and after every compatible change a user written against
//! today's API (`tests/compat`) still compiles (that one, and the comparison with
//! cargo-semver-checks, build the copies: they are ignored here, and `.ci/run` runs them).

use std::fs;
use std::path::Path;
use std::process::ExitCode;

use telauth_tests::copies::{cargo, workspace_copy};
use telauth_tests::evolution::{CORPUS, Case};
use telauth_tests::jobs::{release_copy, released, xtask};
use xtask::Mode;
use xtask::audit::Verdict;
use xtask::compat::Class;
use xtask::release::baseline::Baseline;
use xtask::release::crates::FACADE;

/// The audit of `root` against what [`release`] kept.
fn audit(root: &Path) -> Result<Vec<Verdict>, xtask::Error> {
    xtask::audit::audit(root, &Baseline::Workspace(released(root)))
}

/// Runs `cargo xtask audit` on `root` against its copy as released: its exit code, stdout and
/// stderr.
fn audit_command(root: &Path) -> (ExitCode, String, String) {
    let released = released(root);
    xtask(&[
        "audit",
        "--root",
        root.to_str().unwrap(),
        "--baseline-root",
        released.to_str().unwrap(),
    ])
}

fn verdict<'a>(verdicts: &'a [Verdict], krate: &str) -> &'a Verdict {
    verdicts.iter().find(|v| v.krate == krate).unwrap()
}

/// Checks what the audit says of `case`, applied and regenerated under `root`.
fn check_audit(root: &Path, case: &Case) {
    let class = if case.breaking {
        Class::Breaking
    } else {
        Class::Compatible
    };
    let verdicts = audit(root).unwrap();
    for verdict in &verdicts {
        let (expected_class, expected_next) =
            if verdict.krate == case.krate() || verdict.krate == FACADE {
                (Some(class), Some(case.next_version().to_string()))
            } else {
                (None, None)
            };
        assert_eq!(verdict.class(), expected_class, "{}: {verdict}", case.name);
        assert_eq!(verdict.next, expected_next, "{}: {verdict}", case.name);
        assert_eq!(verdict.behind(), expected_next.is_some(), "{}", case.name);
    }
    let provider = verdict(&verdicts, &case.krate());
    assert!(
        provider.changes.iter().any(|c| c.phrase == case.phrase),
        "{}: `{}` is not among the changes: {provider}",
        case.name,
        case.phrase
    );

    let (code, _, err) = audit_command(root);
    assert_eq!(code, ExitCode::FAILURE, "{}: the audit passed", case.name);
    let line = err
        .lines()
        .find(|line| line.starts_with(&format!("error: {}: ", case.krate())))
        .unwrap_or_else(|| panic!("{}: no line for the crate in\n{err}", case.name));
    assert!(
        line.starts_with(&format!("error: {}: {class}: ", case.krate()))
            && line.contains(case.phrase)
            && line.contains(&format!("-> next version {}", case.next_version())),
        "{}: {line}",
        case.name
    );
    assert!(
        err.contains(&format!(
            "error: telauth: {class}: re-exports {} ({class}) -> next version {}",
            case.krate(),
            case.next_version()
        )),
        "{}: {err}",
        case.name
    );
}

#[test]
fn each_change_of_the_corpus_gets_its_class_its_phrase_and_its_version() {
    assert!(CORPUS.len() >= 12);
    let copy = workspace_copy();
    let root = copy.path();
    release_copy(root);
    let (code, out, err) = audit_command(root);
    assert_eq!(code, ExitCode::SUCCESS, "{err}");
    assert!(
        out.contains("telauth-voipbin: unchanged since 0.2.0"),
        "{out}"
    );
    for case in CORPUS {
        with_case_applied(root, case, || check_audit(root, case));
    }
    let (code, _, err) = audit_command(root);
    assert_eq!(code, ExitCode::SUCCESS, "restored: {err}");
}

/// CI runs this with `--ignored`: it builds the copies in `target/evolution`, which a fresh clone
/// builds cold (minutes on two cores), so README's `cargo test --workspace` leaves it out.
#[test]
#[ignore = "checks tests/compat after each compatible change, building the copies cold (~2 min); .ci/run runs it"]
fn after_each_compatible_change_a_user_of_todays_api_still_compiles() {
    let copy = workspace_copy();
    let root = copy.path();
    let (built, log) = cargo(root, &["check", "--locked", "--package", "telauth-compat"]);
    assert!(
        built,
        "the consumer does not compile against today's crates:\n{log}"
    );
    for case in CORPUS.iter().filter(|case| !case.breaking) {
        with_case_applied(root, case, || {
            let (built, log) = cargo(root, &["check", "--locked", "--package", "telauth-compat"]);
            assert!(
                built,
                "{}: a compatible change broke the consumer:\n{log}",
                case.name
            );
        });
    }
}

/// Applies `case` to the copy at `root` and regenerates its provider, runs `check`, then puts the
/// spec back and regenerates again.
fn with_case_applied(root: &Path, case: &Case, check: impl FnOnce()) {
    let spec = root.join(format!("specs/{}.yaml", case.provider));
    let original = fs::read_to_string(&spec).unwrap();
    case.apply(root);
    xtask::generate(root, Some(case.provider), Mode::Write)
        .unwrap_or_else(|error| panic!("{}: generate failed: {error}", case.name));
    check();
    fs::write(&spec, original).unwrap();
    xtask::generate(root, Some(case.provider), Mode::Write).unwrap();
}

#[test]
fn bumping_to_the_next_version_passes_the_audit_and_a_smaller_bump_does_not() {
    let copy = workspace_copy();
    let root = copy.path();
    release_copy(root);
    let case = CORPUS
        .iter()
        .find(|case| case.name == "remove a field")
        .unwrap();
    case.apply(root);
    xtask::generate(root, Some(case.provider), Mode::Write).unwrap();

    let set_version = |path: &str, from: &str, to: &str| {
        let path = root.join(path);
        let text = fs::read_to_string(&path).unwrap();
        let from = format!("version = \"{from}\"");
        assert!(text.contains(&from), "{}", path.display());
        let to = format!("version = \"{to}\"");
        fs::write(&path, text.replacen(&from, &to, 1)).unwrap();
    };
    set_version("crates/telauth-voipbin/Cargo.toml", "0.2.0", "0.2.1");
    set_version("Cargo.toml", "0.2.0", "0.2.1");
    let (code, _, err) = audit_command(root);
    assert_eq!(code, ExitCode::FAILURE);
    assert!(err.contains("Cargo.toml still says 0.2.1"), "{err}");

    set_version("crates/telauth-voipbin/Cargo.toml", "0.2.1", "0.3.0");
    let (code, _, err) = audit_command(root);
    assert_eq!(code, ExitCode::FAILURE, "the facade is still behind");
    assert!(
        err.contains(
            "error: telauth: breaking: re-exports telauth-voipbin (breaking) -> next version 0.3.0"
        ),
        "{err}"
    );
    set_version("Cargo.toml", "0.2.1", "0.3.0");
    let (code, out, err) = audit_command(root);
    assert_eq!(code, ExitCode::SUCCESS, "{err}");
    assert!(
        out.contains("telauth-voipbin: breaking: removes field Accesskey.token_prefix")
            && out.contains("-> next version 0.3.0"),
        "{out}"
    );
}

#[test]
fn a_changed_crate_at_its_released_version_is_refused_and_a_package_without_its_spec_is_an_error() {
    let copy = workspace_copy();
    let root = copy.path();
    release_copy(root);
    let case = CORPUS
        .iter()
        .find(|case| case.name == "add an optional response field")
        .unwrap();
    case.apply(root);
    xtask::generate(root, Some(case.provider), Mode::Write).unwrap();
    // Still 0.2.0, the released version, but changed since: publishing it is refused.
    let verdicts = audit(root).unwrap();
    let voipbin = verdict(&verdicts, "telauth-voipbin");
    assert!(voipbin.behind(), "{voipbin}");
    assert_eq!(voipbin.next.as_deref(), Some("0.2.1"), "{voipbin}");

    // A package published without the spec it was generated from is an error, never a
    // silent "not released".
    let spec = released(root).join("crates/telauth-voipbin/src/generated/openapi.yaml");
    fs::remove_file(&spec).unwrap();
    let error = audit(root).unwrap_err().to_string();
    assert!(
        error.contains("src/generated/openapi.yaml") && error.contains("telauth-voipbin 0.2.0"),
        "{error}"
    );
}

/// CI runs this with `--ignored` once cargo-semver-checks is installed: the compiled API of each
/// regenerated crate against today's, so that the spec-level audit is never laxer than it.
#[test]
#[ignore = "needs cargo-semver-checks (about 70 s for the corpus here); .ci/run runs it"]
fn cargo_semver_checks_agrees_with_the_audit_on_every_case() {
    let baseline = workspace_copy();
    let copy = workspace_copy();
    let root = copy.path();
    let mut disagreements = Vec::new();
    for case in CORPUS {
        with_case_applied(root, case, || {
            let krate = case.krate();
            let (passed, log) = cargo(
                root,
                &[
                    "semver-checks",
                    "--package",
                    &krate,
                    "--baseline-root",
                    baseline.path().to_str().unwrap(),
                    "--release-type",
                    "patch",
                ],
            );
            let found_breaking = !passed;
            assert!(
                log.contains("Checked") || log.contains("semver requires"),
                "{}: cargo-semver-checks did not run:\n{log}",
                case.name
            );
            if found_breaking != case.semver_breaking {
                disagreements.push(format!(
                    "{}: cargo-semver-checks {} a breaking change, the corpus says it {}\n{log}",
                    case.name,
                    if found_breaking { "found" } else { "found no" },
                    if case.semver_breaking {
                        "does"
                    } else {
                        "does not"
                    }
                ));
            }
            assert!(
                !found_breaking || case.breaking,
                "{}: cargo-semver-checks found a break the audit calls compatible:\n{log}",
                case.name
            );
        });
    }
    assert!(disagreements.is_empty(), "{}", disagreements.join("\n"));
}

/// Yesterday's client reading tomorrow's answers: a field and an enum value the spec does not
/// list yet decode, and a status it does not document is a typed error with that status.
mod tomorrow {
    use httpmock::Method::GET;
    use httpmock::MockServer;
    use serde_json::json;
    use telauth::{Config, ErrorKind};
    use telauth_tests::{Reply, answer};
    use telauth_voipbin::types::ErrorDetailStatus;
    use telauth_voipbin::{Client, Credentials, Error};

    const KEY: &str = "2f1f4d8e-3c1a-4b7e-9a51-6c0f2a9d7e11";

    fn client(server: &MockServer) -> Client {
        Client::new(&server.base_url(), Credentials::bearer_auth("a.b.c"))
    }

    #[tokio::test]
    async fn an_answer_with_a_new_field_decodes() {
        let server = MockServer::start_async().await;
        let path = format!("/v1.0/accesskeys/{KEY}");
        let body = json!({"id": KEY, "name": "ci", "scopes": ["calls:read"], "tm_delete": null});
        answer(&server, GET, &path, Reply::Json(200, body)).await;
        let key = client(&server)
            .accesskeys_get()
            .id(KEY)
            .send()
            .await
            .unwrap();
        assert_eq!(key.name.as_deref(), Some("ci"));
    }

    #[tokio::test]
    async fn an_error_with_a_new_status_value_keeps_its_text() {
        let server = MockServer::start_async().await;
        let path = format!("/v1.0/accesskeys/{KEY}");
        let body = json!({"error": {
            "status": "DEADLINE_EXCEEDED",
            "reason": "UPSTREAM_SLOW",
            "message": "The upstream took too long.",
            "request_id": "req_1"
        }});
        answer(&server, GET, &path, Reply::Json(503, body)).await;
        match client(&server).accesskeys_get().id(KEY).send().await {
            Err(Error::ErrorResponse(response)) => {
                assert_eq!(response.status(), 503);
                match &response.error.status {
                    ErrorDetailStatus::Unknown(value) => {
                        assert_eq!(value.as_str(), "DEADLINE_EXCEEDED")
                    }
                    other => panic!("decoded as a known status: {other:?}"),
                }
                assert_eq!(response.error.status.to_string(), "DEADLINE_EXCEEDED");
                assert!(
                    "DEADLINE_EXCEEDED".parse::<ErrorDetailStatus>().is_err(),
                    "FromStr makes no unknown value"
                );
                // It prints as the text it came with, in an answer written out as JSON.
                assert_eq!(
                    serde_json::to_string(&response.error.status).unwrap(),
                    "\"DEADLINE_EXCEEDED\""
                );
            }
            other => panic!("{other:?}"),
        }
    }

    #[tokio::test]
    async fn an_undocumented_status_is_a_typed_error_with_the_status() {
        let server = MockServer::start_async().await;
        let path = format!("/v1.0/accesskeys/{KEY}");
        answer(
            &server,
            GET,
            &path,
            Reply::Json(418, json!({"teapot": true})),
        )
        .await;
        match client(&server).accesskeys_get().id(KEY).send().await {
            Err(Error::UnexpectedResponse(response)) => assert_eq!(response.status(), 418),
            other => panic!("{other:?}"),
        }

        let api = telauth::voipbin::VoipBin::new(
            &Config::new().origin(server.base_url()),
            &telauth::voipbin::VoipBinAuth::Jwt("a.b.c".into()),
        )
        .unwrap();
        let error = api.get_access_key(KEY.parse().unwrap()).await.unwrap_err();
        assert_eq!(error.status(), Some(418));
        assert!(
            matches!(error.kind(), ErrorKind::UnexpectedStatus { status: 418 }),
            "{error:?}"
        );
    }

    /// Checks that `result` is a request refused before sending, for an unlisted value.
    fn refused<T: std::fmt::Debug, E: std::fmt::Debug>(
        operation: &str,
        result: Result<T, telauth_signalwire::Error<E>>,
    ) {
        match result {
            Err(telauth_signalwire::Error::InvalidRequest(reason)) => {
                assert!(reason.contains("does not list"), "{operation}: {reason}")
            }
            other => panic!("{operation}: {other:?}"),
        }
    }

    #[tokio::test]
    async fn an_unlisted_value_is_never_sent_whoever_built_it() {
        use telauth_signalwire::types::{CreateTokenRequest, Permission, UpdateTokenRequest};
        let server = MockServer::start_async().await;
        let any = server
            .mock_async(|when, then| {
                when.any_request();
                then.status(200);
            })
            .await;
        let client = telauth_signalwire::Client::new(
            &server.base_url(),
            telauth_signalwire::Credentials::signal_wire_basic_auth("project", "token"),
        );
        // As a caller could make one: through serde, since it has no constructor.
        let admin: Permission = serde_json::from_str("\"admin\"").unwrap();
        assert!(matches!(admin, Permission::Unknown(_)), "{admin:?}");
        let project = uuid::Uuid::nil();
        let created = client
            .create_token()
            .account_sid(project)
            .body(
                CreateTokenRequest::builder()
                    .name("ci")
                    .permissions(vec![Permission::Messaging, admin.clone()]),
            )
            .send()
            .await;
        let updated = client
            .update_token()
            .account_sid(project)
            .token_id(project)
            .body(UpdateTokenRequest::builder().permissions(vec![admin]))
            .send()
            .await;
        refused("create (form)", created);
        refused("update (JSON)", updated);
        any.assert_calls_async(0).await;
    }
}
