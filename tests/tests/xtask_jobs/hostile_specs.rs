//! The spec front end against documents written to hurt: every job that reads a spec
//! (`upstream`, `generate`, `new-provider`) reads only files inside the document's folder, in
//! bounded time and memory, and prints nothing of a document raw. Each case is one the
//! security review found; each is refused with the file and the place.

use std::fs;
use std::path::Path;
use std::process::ExitCode;

use telauth_tests::jobs::xtask;

const HEAD: &str = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\n";

/// A document whose one schema is `$ref: TARGET`, in a folder of its own.
fn referring_to(target: &str) -> tempfile::TempDir {
    let folder = tempfile::tempdir().unwrap();
    let text = format!("{HEAD}components:\n  schemas:\n    A: {{$ref: '{target}'}}\n");
    fs::write(folder.path().join("main.yaml"), text).unwrap();
    folder
}

/// `cargo xtask upstream voipbin FILE`.
fn upstream(file: &Path) -> (ExitCode, String, String) {
    xtask(&["upstream", "voipbin", file.to_str().unwrap()])
}

/// Whether `text` holds anything of `/etc/passwd` or the process environment.
fn leaks_outside_text(text: &str) -> bool {
    text.contains("root:") || text.contains("PATH=") || text.contains("/bin/")
}

#[test]
fn a_ref_out_of_the_documents_folder_is_refused_and_nothing_of_it_printed() {
    let cases = [
        ("/etc/passwd", "absolute path"),
        ("/proc/self/environ", "absolute path"),
        (
            "../../../../../../etc/passwd",
            "leads out of the document's folder",
        ),
        ("https://example.com/spec.yaml", "a `$ref` to a URL"),
        ("file:///etc/passwd", "a `$ref` to a URL"),
    ];
    for (target, why) in cases {
        let folder = referring_to(target);
        let (code, out, err) = upstream(&folder.path().join("main.yaml"));
        assert_eq!(code, ExitCode::FAILURE, "{target}: {out}{err}");
        assert!(err.contains(why), "{target}: {err}");
        assert!(err.contains("main.yaml"), "{target}: {err}");
        assert!(err.contains("#/components/schemas/A"), "{target}: {err}");
        assert!(
            !leaks_outside_text(&out) && !leaks_outside_text(&err),
            "{target}: {out}{err}"
        );
    }
}

#[test]
fn a_symbolic_link_out_or_a_special_file_is_refused_without_blocking() {
    let folder = referring_to("link.yaml");
    std::os::unix::fs::symlink("/etc/passwd", folder.path().join("link.yaml")).unwrap();
    let (code, out, err) = upstream(&folder.path().join("main.yaml"));
    assert_eq!(code, ExitCode::FAILURE);
    assert!(err.contains("symbolic link"), "{err}");
    assert!(
        !leaks_outside_text(&out) && !leaks_outside_text(&err),
        "{out}{err}"
    );

    // A link inside the folder to a device that never ends, and a FIFO nobody writes: both
    // are refused before they are opened (reading either would never end).
    let folder = referring_to("zero.yaml");
    std::os::unix::fs::symlink("/dev/zero", folder.path().join("zero.yaml")).unwrap();
    let (code, _, err) = upstream(&folder.path().join("main.yaml"));
    assert_eq!(code, ExitCode::FAILURE);
    assert!(
        err.contains("symbolic link") || err.contains("not a regular file"),
        "{err}"
    );

    let folder = referring_to("fifo.yaml");
    let fifo = folder.path().join("fifo.yaml");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    let (code, _, err) = upstream(&folder.path().join("main.yaml"));
    assert_eq!(code, ExitCode::FAILURE);
    assert!(err.contains("not a regular file"), "{err}");
}

/// A YAML document of about 300 KB whose aliases multiply it a billion-fold: few enough
/// aliases for serde_yaml's own repetition limit, each to a list of 20,000 items (before, the
/// reader took more than 4 GB and two minutes on it, and was still going).
fn alias_bomb() -> String {
    let mut text = String::from(HEAD);
    text.push_str(&format!("x-a: &a [{}]\n", vec!["x"; 20_000].join(", ")));
    text.push_str(&format!("x-b: [{}]\n", vec!["*a"; 50_000].join(", ")));
    text
}

#[test]
fn an_alias_bomb_and_deep_nesting_are_refused_by_every_job() {
    let deep = format!(
        "{HEAD}x-deep: {}{}\n",
        "[".repeat(1 << 20),
        "]".repeat(1 << 20)
    );
    for (name, text) in [("bomb", alias_bomb()), ("deep", deep)] {
        let folder = tempfile::tempdir().unwrap();
        let file = folder.path().join(format!("{name}.yaml"));
        fs::write(&file, &text).unwrap();

        let (code, _, err) = upstream(&file);
        assert_eq!(code, ExitCode::FAILURE, "{name}");
        assert!(err.contains(&format!("{name}.yaml")), "{name}: {err}");

        let rel = file.file_name().unwrap().to_str().unwrap();
        let error = xtask::openapi::load(folder.path(), rel)
            .err()
            .unwrap()
            .to_string();
        assert!(
            error.contains("alias")
                || error.contains("repetition limit")
                || error.contains("nests more than"),
            "{name}: {error}"
        );
    }
}

#[test]
fn a_providers_text_reaches_the_terminal_escaped() {
    let folder = tempfile::tempdir().unwrap();
    let file = folder.path().join("provider.yaml");
    let text = "openapi: 3.0.3\ninfo: {title: t, version: \"\\e]0;owned\\a1\"}\npaths:\n  \"/x\\e[2J\":\n    get:\n      operationId: x\n      responses: {'200': {description: ok}}\n";
    fs::write(&file, text).unwrap();
    let (_, out, err) = upstream(&file);
    assert!(out.contains("not covered"), "{out}{err}");
    for stream in [&out, &err] {
        assert!(
            !stream.contains('\u{1b}'),
            "an escape reached the terminal: {stream:?}"
        );
        assert!(
            !stream.contains('\u{7}'),
            "a bell reached the terminal: {stream:?}"
        );
    }
}

#[test]
fn a_split_document_is_read_within_its_folder_and_bundled() {
    let folder = tempfile::tempdir().unwrap();
    fs::create_dir_all(folder.path().join("common")).unwrap();
    fs::write(
        folder.path().join("main.yaml"),
        "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /keys:\n    $ref: paths/keys.yaml\ncomponents:\n  schemas:\n    Page: {type: integer}\n",
    )
    .unwrap();
    fs::create_dir_all(folder.path().join("paths")).unwrap();
    fs::write(
        folder.path().join("paths/keys.yaml"),
        "get:\n  operationId: listKeys\n  parameters:\n    - {name: page, in: query, schema: {$ref: '#/components/schemas/Page'}}\n  responses:\n    '200':\n      description: ok\n      content:\n        application/json:\n          schema: {$ref: '../common/errors.yaml#/components/schemas/Key'}\n    '401': {$ref: '../common/errors.yaml#/components/responses/Unauthorized'}\n",
    )
    .unwrap();
    fs::write(
        folder.path().join("common/errors.yaml"),
        "components:\n  schemas:\n    Key: {type: object, properties: {id: {type: string}}}\n  responses:\n    Unauthorized: {description: no}\n",
    )
    .unwrap();
    let spec = xtask::openapi::load(folder.path(), "main.yaml").unwrap();
    let components = spec.api.components.as_ref().unwrap();
    assert!(components.schemas.contains_key("Key"));
    assert!(components.responses.contains_key("Unauthorized"));
    let keys = spec.api.paths.paths["/keys"].as_item().unwrap();
    assert_eq!(
        keys.get.as_ref().unwrap().operation_id.as_deref(),
        Some("listKeys")
    );
    assert!(
        spec.notes
            .iter()
            .any(|note| note.contains("bundled: 3 files"))
    );
}

#[test]
fn a_schema_whose_all_of_names_itself_many_times_is_compared_once() {
    let folder = tempfile::tempdir().unwrap();
    let file = folder.path().join("provider.yaml");
    let members = ["{$ref: '#/components/schemas/Loop'}"; 12].join(", ");
    let text = format!(
        "openapi: 3.0.3\ninfo: {{title: t, version: '1'}}\nservers: [{{url: 'https://api.voipbin.net'}}]\n\
         paths:\n  /v1.0/accesskeys:\n    get:\n      operationId: list\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {{$ref: '#/components/schemas/Loop'}}\n\
         components:\n  schemas:\n    Loop:\n      allOf: [{members}]\n"
    );
    fs::write(&file, text).unwrap();
    // Before, each of the 12 members was merged again at every level, 12^16 times.
    let (code, out, err) = upstream(&file);
    assert_eq!(code, ExitCode::FAILURE, "{out}{err}");
    assert!(out.contains("GET /v1.0/accesskeys"), "{out}{err}");
}
