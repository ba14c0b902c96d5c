//! `cargo xtask upstream`: the providers' published documents, in the shape they publish them
//! (`tests/fixtures/upstream/`: VoIPBIN's split OpenAPI 3.0 YAML, SignalWire's OpenAPI 3.1, here
//! as JSON), against our specs. The documents as published give no line (every difference is
//! recorded as deliberate in the specs' `x-telauth-differs`); each planted change gives exactly
//! one, with the place in both documents, and the exit code says so.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use serde_json::{Value, json};
use xtask::upkeep::upstream::{Difference, compare};

fn fixtures() -> PathBuf {
    xtask::workspace_root().join("tests/fixtures/upstream")
}

/// A copy of a provider's fixture folder, to plant a change in.
fn copy_of(provider: &str) -> tempfile::TempDir {
    let copy = tempfile::tempdir().unwrap();
    let mut folders = vec![PathBuf::new()];
    let from = fixtures().join(provider);
    while let Some(folder) = folders.pop() {
        for entry in fs::read_dir(from.join(&folder)).unwrap().flatten() {
            let relative = folder.join(entry.file_name());
            if entry.file_type().unwrap().is_dir() {
                fs::create_dir_all(copy.path().join(&relative)).unwrap();
                folders.push(relative);
            } else {
                fs::copy(from.join(&relative), copy.path().join(&relative)).unwrap();
            }
        }
    }
    copy
}

fn spec(provider: &str) -> PathBuf {
    xtask::workspace_root().join(format!("specs/{provider}.yaml"))
}

/// The differences not recorded as deliberate.
fn unrecorded(provider: &str, file: &Path) -> Vec<Difference> {
    compare(&spec(provider), file)
        .unwrap()
        .unrecorded()
        .cloned()
        .collect()
}

/// Runs `cargo xtask upstream PROVIDER FILE`: its exit code, stdout and stderr.
fn upstream(provider: &str, file: &Path) -> (ExitCode, String, String) {
    telauth_tests::jobs::xtask(&["upstream", provider, file.to_str().unwrap()])
}

fn edit(path: &Path, find: &str, with: &str) {
    let text = fs::read_to_string(path).unwrap();
    assert_eq!(
        text.matches(find).count(),
        1,
        "`{find}` in {}",
        path.display()
    );
    fs::write(path, text.replacen(find, with, 1)).unwrap();
}

fn edit_json(path: &Path, change: impl FnOnce(&mut Value)) {
    let mut document: Value = serde_json::from_str(&fs::read_to_string(path).unwrap()).unwrap();
    change(&mut document);
    fs::write(path, serde_json::to_string_pretty(&document).unwrap()).unwrap();
}

/// Checks that `file` gives exactly one line, of `kind`, naming `ours` and `theirs`, and that
/// the command prints it and fails.
fn one_line(provider: &str, file: &Path, kind: &str, ours: &str, theirs: &str) {
    let found = unrecorded(provider, file);
    assert_eq!(found.len(), 1, "{kind}: {found:#?}");
    let line = &found[0];
    assert_eq!(line.kind, kind, "{line}");
    assert!(line.ours.contains(ours), "ours: {line}");
    assert!(line.theirs.contains(theirs), "theirs: {line}");
    let (code, out, _) = upstream(provider, file);
    assert_eq!(code, ExitCode::FAILURE, "{out}");
    assert!(out.contains(&line.to_string()), "{out}");
    assert!(
        out.contains("upstream: 1 difference(s) not recorded as deliberate"),
        "{out}"
    );
}

#[test]
fn the_documents_as_published_give_no_line_and_list_what_is_not_covered() {
    let voipbin = fixtures().join("voipbin/openapi.yaml");
    let report = compare(&spec("voipbin"), &voipbin).unwrap();
    assert_eq!(report.version, "3.0.0");
    assert_eq!(report.unrecorded().count(), 0, "{:#?}", report.differences);
    assert!(
        report.differences.len() > 20,
        "the deliberate ones are found, then passed: {:#?}",
        report.differences
    );
    assert_eq!(
        report.uncovered,
        ["GET /v1.0/activeflows: provider paths/activeflows/main.yaml#get"]
    );
    let (code, out, err) = upstream("voipbin", &voipbin);
    assert_eq!(code, ExitCode::SUCCESS, "{out}{err}");
    assert!(
        out.contains(
            "not covered: GET /v1.0/activeflows: provider paths/activeflows/main.yaml#get"
        ),
        "{out}"
    );

    let signalwire = fixtures().join("signalwire/openapi.json");
    let report = compare(&spec("signalwire"), &signalwire).unwrap();
    assert_eq!(report.version, "3.1.0");
    assert_eq!(report.unrecorded().count(), 0, "{:#?}", report.differences);
    assert_eq!(report.uncovered.len(), 1, "{:?}", report.uncovered);
    assert!(
        report.uncovered[0].starts_with("GET /api/laml/2010-04-01/Accounts/{}/Queues"),
        "{:?}",
        report.uncovered
    );
    let (code, out, err) = upstream("signalwire", &signalwire);
    assert_eq!(code, ExitCode::SUCCESS, "{out}{err}");
}

#[test]
fn an_added_answer_field_is_one_line() {
    let copy = copy_of("voipbin");
    let file = copy.path().join("openapi.yaml");
    edit(
        &file,
        "    CustomerManagerAccesskey:\n      type: object\n      properties:\n",
        "    CustomerManagerAccesskey:\n      type: object\n      properties:\n        scopes:\n          \
         type: array\n          items:\n            type: string\n",
    );
    one_line(
        "voipbin",
        &file,
        "added answer field",
        "components.schemas.Accesskey",
        "components.schemas.CustomerManagerAccesskey.properties.scopes",
    );
}

#[test]
fn a_new_status_is_one_line() {
    let copy = copy_of("voipbin");
    let file = copy.path().join("paths/accesskeys/id.yaml");
    edit(
        &file,
        "    '403':\n      $ref: '#/components/responses/PermissionDenied'\n    '404':\n      \
         $ref: '#/components/responses/NotFound'\n    '500':\n      $ref: \
         '#/components/responses/InternalError'\n\ndelete:",
        "    '403':\n      $ref: '#/components/responses/PermissionDenied'\n    '404':\n      \
         $ref: '#/components/responses/NotFound'\n    '422':\n      $ref: \
         '#/components/responses/BadRequest'\n    '500':\n      $ref: \
         '#/components/responses/InternalError'\n\ndelete:",
    );
    one_line(
        "voipbin",
        &copy.path().join("openapi.yaml"),
        "new status",
        "paths./v1.0/accesskeys/{id}.get",
        "components.responses.BadRequest",
    );
}

#[test]
fn a_removed_operation_is_one_line() {
    let copy = copy_of("voipbin");
    let file = copy.path().join("paths/accesskeys/id.yaml");
    let text = fs::read_to_string(&file).unwrap();
    let (start, end) = (
        text.find("\ndelete:").unwrap(),
        text.find("\nput:").unwrap(),
    );
    fs::write(&file, format!("{}{}", &text[..start], &text[end..])).unwrap();
    one_line(
        "voipbin",
        &copy.path().join("openapi.yaml"),
        "removed operation",
        "paths./v1.0/accesskeys/{id}.delete",
        "(none)",
    );
}

#[test]
fn a_changed_media_type_is_one_line() {
    let copy = copy_of("signalwire");
    let file = copy.path().join("openapi.json");
    edit_json(&file, |document| {
        let body = &mut document["paths"]["/Accounts/{AccountSid}/tokens/{token_id}"]["patch"]["requestBody"]
            ["content"];
        let schema = body["application/json"].take();
        *body = json!({ "application/merge-patch+json": schema });
    });
    one_line(
        "signalwire",
        &file,
        "changed media type",
        "paths./Accounts/{AccountSid}/tokens/{token_id}.patch.requestBody",
        "paths./Accounts/{AccountSid}/tokens/{token_id}.patch.requestBody",
    );
}

#[test]
fn a_new_required_request_field_is_one_line() {
    let copy = copy_of("signalwire");
    let file = copy.path().join("openapi.json");
    edit_json(&file, |document| {
        let request = &mut document["components"]["schemas"]["CreateTokenRequest"];
        request["properties"]["scope"] = json!({ "type": "string" });
        request["required"]
            .as_array_mut()
            .unwrap()
            .push(json!("scope"));
    });
    one_line(
        "signalwire",
        &file,
        "new required request field",
        "components.schemas.CreateTokenRequest",
        "components.schemas.CreateTokenRequest.properties.scope",
    );
}

/// `upstream` and the audit's classifier compare one list of constraints: a request object that
/// now refuses unknown fields, or a number that must now be a multiple, is a line (it was not
/// while `upstream` kept a shorter list than the classifier's).
#[test]
fn a_constraint_the_classifier_reads_is_one_line_too() {
    let copy = copy_of("signalwire");
    let file = copy.path().join("openapi.json");
    edit_json(&file, |document| {
        document["components"]["schemas"]["CreateTokenRequest"]["additionalProperties"] =
            json!(false);
    });
    one_line(
        "signalwire",
        &file,
        "changed constraint",
        "components.schemas.CreateTokenRequest",
        "components.schemas.CreateTokenRequest",
    );
    let line = unrecorded("signalwire", &file).remove(0);
    assert!(
        line.what
            .ends_with("additionalProperties ours none, provider false"),
        "{line}"
    );
}

#[test]
fn a_document_that_cannot_be_read_or_a_wrong_provider_is_an_error() {
    let copy = copy_of("signalwire");
    let file = copy.path().join("openapi.json");
    edit_json(&file, |document| document["openapi"] = json!("2.0"));
    let (code, _, err) = upstream("signalwire", &file);
    assert_eq!(code, ExitCode::FAILURE);
    assert!(
        err.contains("an OpenAPI 3.0 or 3.1 document is needed"),
        "{err}"
    );

    let (code, _, err) = upstream("signalwire", &copy.path().join("missing.yaml"));
    assert_eq!(code, ExitCode::FAILURE);
    assert!(err.contains("missing.yaml"), "{err}");

    let (code, _, err) = upstream("twilio", &file);
    assert_eq!(code, ExitCode::FAILURE);
    assert!(err.contains("unknown provider `twilio`"), "{err}");

    let (code, _, _) = telauth_tests::jobs::xtask(&["upstream", "voipbin"]);
    assert_eq!(code, ExitCode::from(2), "a usage error");
}
