//! The evolution corpus: spec changes a provider might make in its next release, each with the
//! class the audit must give it, the phrase it must print and what cargo-semver-checks sees.
//! `tests/tests/xtask_jobs/evolution.rs` runs the corpus; CI also runs it against
//! cargo-semver-checks.

use std::fs;
use std::path::Path;

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
