//! The evolution corpus: spec changes a provider might make in its next release, each with the
//! class the audit must give it, the phrase it must print and what cargo-semver-checks sees.
//! `tests/tests/evolution.rs` runs the corpus; CI also runs it against cargo-semver-checks.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

/// How a case edits its spec.
pub enum Edit {
    /// Replaces `find`, which must occur exactly once, with `with`.
    Replace {
        /// The text to find.
        find: &'static str,
        /// What replaces it.
        with: &'static str,
    },
    /// Removes the text from `from` (included) up to `to` (kept); each must occur once.
    Cut {
        /// Where the cut starts.
        from: &'static str,
        /// Where the cut ends.
        to: &'static str,
    },
}

/// One spec change and what must be said of it.
pub struct Case {
    /// What the change is, as the issue lists it.
    pub name: &'static str,
    /// The provider whose spec changes (`smsbeta`, `voipbin`, `mobivate`, `signalwire`).
    pub provider: &'static str,
    /// The edit.
    pub edit: Edit,
    /// Whether the audit must class it breaking.
    pub breaking: bool,
    /// A phrase the audit's line must contain.
    pub phrase: &'static str,
    /// Whether cargo-semver-checks finds a breaking change in the regenerated crate. It reads
    /// the Rust API only and has no lint for a field whose type changed, nor for a builder that
    /// now needs a field: the spec-level audit is the stricter of the two, never the laxer.
    pub semver_breaking: bool,
}

impl Case {
    /// The crate generated from the case's spec.
    pub fn krate(&self) -> String {
        format!("telauth-{}", self.provider)
    }

    /// The version the audit must ask for after the released `0.2.0`.
    pub fn next_version(&self) -> &'static str {
        if self.breaking { "0.3.0" } else { "0.2.1" }
    }

    /// Applies the edit to the spec under `root`.
    pub fn apply(&self, root: &Path) {
        let path = root.join(format!("specs/{}.yaml", self.provider));
        let text = fs::read_to_string(&path).unwrap();
        let once = |needle: &str| {
            assert_eq!(
                text.matches(needle).count(),
                1,
                "{}: `{needle}` must occur once in {}",
                self.name,
                path.display()
            );
            text.find(needle).unwrap()
        };
        let edited = match &self.edit {
            Edit::Replace { find, with } => {
                once(find);
                text.replacen(find, with, 1)
            }
            Edit::Cut { from, to } => {
                let (start, end) = (once(from), once(to));
                assert!(start < end, "{}: the cut ends before it starts", self.name);
                format!("{}{}", &text[..start], &text[end..])
            }
        };
        fs::write(&path, edited).unwrap();
    }
}

/// The corpus: seven compatible changes and seven breaking ones, across the four specs.
/// cargo-semver-checks agrees on twelve and misses two breaks (a field's scalar type, an
/// optional request field made required) that the audit catches.
pub const CORPUS: &[Case] = &[
    Case {
        name: "add an optional response field",
        provider: "voipbin",
        edit: Edit::Replace {
            find: "        tm_expire:\n",
            with: "        scopes:\n          type: array\n          description: What the key may \
                   do.\n          items:\n            type: string\n        tm_expire:\n",
        },
        breaking: false,
        phrase: "adds optional response field Accesskey.scopes",
        semver_breaking: false,
    },
    Case {
        name: "add an enum value to an answer",
        provider: "voipbin",
        edit: Edit::Replace {
            find: "            - INTERNAL\n",
            with: "            - INTERNAL\n            - DEADLINE_EXCEEDED\n",
        },
        breaking: false,
        phrase: "adds value DEADLINE_EXCEEDED to ErrorDetail.status",
        semver_breaking: false,
    },
    Case {
        name: "add an operation",
        provider: "mobivate",
        edit: Edit::Replace {
            find: "components:\n",
            with: "  /auth/balance:\n    get:\n      operationId: balance\n      summary: The \
                   account's credit\n      responses:\n        \"200\":\n          description: \
                   The credit.\n          content:\n            application/json:\n              \
                   schema:\n                $ref: \"#/components/schemas/TestResponse\"\n        \
                   \"401\":\n          $ref: \"#/components/responses/InvalidCredentials\"\n\
                   components:\n",
        },
        breaking: false,
        phrase: "adds operation balance",
        semver_breaking: false,
    },
    Case {
        name: "add a documented error status",
        provider: "signalwire",
        edit: Edit::Replace {
            find: "        \"404\":\n          $ref: \"#/components/responses/NotFound\"\n\
                   components:\n",
            with: "        \"404\":\n          $ref: \"#/components/responses/NotFound\"\n        \
                   \"403\":\n          $ref: \"#/components/responses/Unauthorized\"\n\
                   components:\n",
        },
        breaking: false,
        phrase: "documents status 403 of delete_token",
        semver_breaking: false,
    },
    Case {
        name: "add an optional request field",
        provider: "signalwire",
        edit: Edit::Replace {
            find: "          description: The token's new name.\n",
            with: "          description: The token's new name.\n        note:\n          type: \
                   string\n          description: A note kept with the token.\n",
        },
        breaking: false,
        phrase: "adds optional request field UpdateTokenRequest.note",
        semver_breaking: false,
    },
    Case {
        name: "add a new response schema",
        provider: "smsbeta",
        edit: Edit::Replace {
            find: "  schemas:\n",
            with: "  schemas:\n    Balance:\n      type: object\n      description: The \
                   account's credit.\n      properties:\n        credit:\n          type: \
                   number\n",
        },
        breaking: false,
        phrase: "adds type Balance",
        semver_breaking: false,
    },
    Case {
        name: "reword a description",
        provider: "mobivate",
        edit: Edit::Replace {
            find: "      summary: Check that an API key is valid\n",
            with: "      summary: Check an API key\n",
        },
        breaking: false,
        phrase: "changes descriptions or examples only",
        semver_breaking: false,
    },
    Case {
        name: "remove a field",
        provider: "voipbin",
        edit: Edit::Cut {
            from: "        token_prefix:\n          type: string\n",
            to: "        tm_expire:\n",
        },
        breaking: true,
        phrase: "removes field Accesskey.token_prefix",
        semver_breaking: true,
    },
    Case {
        name: "rename a field",
        provider: "mobivate",
        edit: Edit::Replace {
            find: "        - apiKey\n      properties:\n        apiKey:\n",
            with: "        - key\n      properties:\n        key:\n",
        },
        breaking: true,
        phrase: "removes field KeyResponse.apiKey",
        semver_breaking: true,
    },
    Case {
        name: "make an optional request field required",
        provider: "signalwire",
        edit: Edit::Replace {
            find: "        uses implicit optionality for PATCH): a field left out is kept.\n      \
                   properties:\n",
            with: "        uses implicit optionality for PATCH): a field left out is kept.\n      \
                   required:\n        - name\n      properties:\n",
        },
        breaking: true,
        phrase: "makes UpdateTokenRequest.name required",
        // `name: Option<_>` becomes `name: _`, and the builder refuses to build without it:
        // neither is a lint of cargo-semver-checks 0.51.
        semver_breaking: false,
    },
    Case {
        name: "change a field's type (an enum to a string)",
        provider: "voipbin",
        edit: Edit::Cut {
            from: "          enum:\n            - INVALID_ARGUMENT\n",
            to: "          description: |-\n            The canonical error status",
        },
        breaking: true,
        phrase: "changes the type of ErrorDetail.status from enum to string",
        semver_breaking: true,
    },
    Case {
        name: "change a field's type (an integer to a string)",
        provider: "smsbeta",
        edit: Edit::Replace {
            find: "        code:\n          type: integer\n",
            with: "        code:\n          type: string\n",
        },
        breaking: true,
        phrase: "changes the type of LoginResponse.code from integer to string",
        semver_breaking: false,
    },
    Case {
        name: "remove an operation",
        provider: "voipbin",
        edit: Edit::Cut {
            from: "    delete:\n      operationId: accesskeys_delete\n",
            to: "components:\n",
        },
        breaking: true,
        phrase: "removes operation accesskeys_delete",
        semver_breaking: true,
    },
    Case {
        name: "remove an enum value that callers send",
        provider: "signalwire",
        edit: Edit::Replace {
            find: "        - datasphere\n        - fax\n",
            with: "        - datasphere\n",
        },
        breaking: true,
        phrase: "removes value fax that callers send from Permission",
        semver_breaking: true,
    },
];

/// The workspace root.
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// A copy of the workspace's files (tracked or new, not ignored) in a new temporary folder,
/// so that a test can regenerate and build it without touching the real tree.
pub fn workspace_copy() -> tempfile::TempDir {
    let root = workspace_root();
    let listed = Command::new("git")
        .args([
            "ls-files",
            "--cached",
            "--others",
            "--exclude-standard",
            "-z",
        ])
        .current_dir(&root)
        .output()
        .expect("git lists the workspace's files");
    assert!(listed.status.success(), "git ls-files failed");
    let copy = tempfile::tempdir().unwrap();
    for file in listed
        .stdout
        .split(|byte| *byte == 0)
        .filter(|f| !f.is_empty())
    {
        let file = std::str::from_utf8(file).unwrap();
        let (from, to) = (root.join(file), copy.path().join(file));
        if !from.is_file() {
            continue; // deleted in the work tree, not yet in the index
        }
        fs::create_dir_all(to.parent().unwrap()).unwrap();
        fs::copy(&from, &to).unwrap();
    }
    copy
}

/// The target folder the evolution tests build copies in: beside the workspace's own (which
/// the running `cargo test` holds locked), and shared by every copy and run.
pub fn copies_target() -> PathBuf {
    // A relative CARGO_TARGET_DIR is relative to the workspace, not to the copies.
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .filter(|dir| !dir.is_empty())
        .map(|dir| workspace_root().join(dir))
        .unwrap_or_else(|| workspace_root().join("target"));
    target.join("evolution")
}

/// Runs cargo with `args` in the workspace at `root`, building in [`copies_target`]; answers
/// whether it succeeded, and what it printed.
pub fn cargo(root: &Path, args: &[&str]) -> (bool, String) {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let output = Command::new(cargo)
        .args(args)
        .current_dir(root)
        .env("CARGO_TARGET_DIR", copies_target())
        .env_remove("RUSTFLAGS")
        .output()
        .expect("cargo runs");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    (output.status.success(), text)
}
