//! Printing an answer: as JSON, one field of it, or the credential it holds for a shell.

use serde_json::Value;

use crate::args::Format;
use crate::control_chars;

/// Why an answer is not printed.
#[derive(Debug, PartialEq, Eq)]
pub enum Unprinted {
    /// The answer lacks what was asked for: exit 2.
    Missing(String),
    /// What is printed as it is holds a character that acts on a terminal, so it would not be
    /// the same value once printed or exported: exit 1.
    Unprintable(String),
}

impl Unprinted {
    /// What to say on stderr.
    pub fn reason(&self) -> &str {
        match self {
            Self::Missing(reason) | Self::Unprintable(reason) => reason,
        }
    }

    /// The exit status.
    pub fn status(&self) -> u8 {
        match self {
            Self::Missing(_) => 2,
            Self::Unprintable(_) => 1,
        }
    }
}

/// What to print for `document`: the whole of it as JSON, its `field`, or, in the `env` and
/// `raw` formats, the credential in its field `credential.1`, for the variable `credential.0`.
/// JSON escapes every character that acts on a terminal; a string printed as it is (the
/// credential, a string field) is refused when it holds one.
pub fn render(
    document: &Value,
    format: Format,
    field: Option<&str>,
    credential: Option<(&str, &str)>,
) -> Result<String, Unprinted> {
    if let Some(name) = field {
        return match document.get(name) {
            Some(Value::String(text)) => verbatim(text, || format!("the field `{name}`")),
            Some(value) => Ok(control_chars::json(value)),
            None => Err(Unprinted::Missing(format!(
                "the answer has no field `{name}`"
            ))),
        };
    }
    let secret = || {
        let (variable, name) = credential
            .ok_or_else(|| Unprinted::Missing("this command obtains no credential".into()))?;
        let value = document[name]
            .as_str()
            .ok_or_else(|| Unprinted::Missing(format!("the answer holds no `{name}`")))?;
        let value = verbatim(value, || format!("the credential for {variable}"))?;
        Ok::<_, Unprinted>((variable, value))
    };
    match format {
        Format::Json => Ok(control_chars::json(document)),
        Format::Raw => secret().map(|(_, value)| value),
        Format::Env => secret().and_then(|(variable, value)| {
            match value.chars().find(|&c| quotes_in_a_shell(c)) {
                None => Ok(format!("export {variable}='{value}'")),
                Some(c) => Err(Unprinted::Unprintable(format!(
                    "the credential for {variable} holds `{c}` (U+{:04X}), which ends or escapes \
                     a single-quoted string in a shell the command has completions for (bash, \
                     zsh, fish, elvish, PowerShell): not printed as --format env; --format raw \
                     prints it as it is, --format json escaped",
                    u32::from(c)
                ))),
            }
        }),
    }
}

/// Whether `c` ends or escapes a single-quoted string in a shell the command has completions
/// for: `'` in all of them, `\` in fish (`\'` and `\\` are escapes there), and U+2018–U+201B,
/// which PowerShell reads as `'`. A value without any of them (and without a control character)
/// is the same literal text between single quotes in bash, zsh, fish, elvish and PowerShell.
fn quotes_in_a_shell(c: char) -> bool {
    matches!(c, '\'' | '\\' | '\u{2018}'..='\u{201b}')
}

/// `text` to print as it is, refused when it holds a character that acts on a terminal: `what`
/// names it in the refusal.
fn verbatim(text: &str, what: impl FnOnce() -> String) -> Result<String, Unprinted> {
    match control_chars::first_in(text) {
        None => Ok(text.to_string()),
        Some(c) => Err(Unprinted::Unprintable(format!(
            "{} holds the control character U+{:04X}: not printed, since it would not print as \
             the same value; the call was made, and --format json shows the answer escaped",
            what(),
            u32::from(c)
        ))),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn env_lines_are_shell_quoted_and_raw_is_the_secret_alone() {
        let answer = json!({ "token": "it is $HOME `x` $(y) \"z\"", "username": "alice" });
        let credential = Some(("VOIPBIN_TOKEN", "token"));
        assert_eq!(
            render(&answer, Format::Env, None, credential).unwrap(),
            r#"export VOIPBIN_TOKEN='it is $HOME `x` $(y) "z"'"#
        );
        assert_eq!(
            render(&answer, Format::Raw, None, credential).unwrap(),
            r#"it is $HOME `x` $(y) "z""#
        );
        assert_eq!(
            render(&answer, Format::Json, Some("username"), None).unwrap(),
            "alice"
        );
        assert!(render(&answer, Format::Json, Some("nope"), None).is_err());
        assert!(render(&answer, Format::Raw, None, None).is_err());
    }

    #[test]
    fn a_value_printed_as_it_is_with_a_control_character_is_refused() {
        let credential = Some(("MOBIVATE_API_KEY", "apiKey"));
        for bad in [
            "a\u{0}b",
            "a\nb",
            "a\u{1b}[2J",
            "a\u{9b}b",
            "a\u{7f}",
            "a\u{202e}b",
        ] {
            let answer = json!({ "apiKey": bad });
            for format in [Format::Env, Format::Raw] {
                let refused = render(&answer, format, None, credential).unwrap_err();
                assert_eq!(refused.status(), 1);
                assert!(refused.reason().contains("MOBIVATE_API_KEY"), "{refused:?}");
            }
            let refused = render(&answer, Format::Json, Some("apiKey"), None).unwrap_err();
            assert!(refused.reason().contains("`apiKey`"), "{refused:?}");
            let text = render(&answer, Format::Json, None, None).unwrap();
            assert_eq!(serde_json::from_str::<Value>(&text).unwrap(), answer);
        }
    }

    /// A value with a character that ends or escapes single quotes in one of the shells is
    /// refused by `env` (fish reads `\'` inside single quotes as a quote: the key
    /// `\';touch …;#` ran `touch`), and printed as it is by `raw`.
    #[test]
    fn env_refuses_a_value_with_a_quote_or_backslash_of_any_shell() {
        let credential = Some(("MOBIVATE_API_KEY", "apiKey"));
        for bad in [
            r"\';touch pwned;#",
            "it's",
            r"a\b",
            "a\u{2019}b",
            "\u{201b}",
        ] {
            let answer = json!({ "apiKey": bad });
            let refused = render(&answer, Format::Env, None, credential).unwrap_err();
            assert_eq!(refused.status(), 1);
            assert!(refused.reason().contains("MOBIVATE_API_KEY"), "{refused:?}");
            assert!(refused.reason().contains("fish"), "{refused:?}");
            assert_eq!(render(&answer, Format::Raw, None, credential).unwrap(), bad);
        }
    }

    /// A deterministic run of hostile, printable values, each exported with `--format env` and
    /// read back through `eval` in `sh`: the same value, and nothing else run, or refused when
    /// the value holds a quote or a backslash (`tests/cli/shells.rs` runs every shell).
    #[test]
    fn env_lines_survive_eval_of_hostile_values() {
        const PIECES: [&str; 16] = [
            "'",
            "\"",
            "$",
            "`",
            "\\",
            "$(touch pwned)",
            "'; touch pwned; '",
            "!",
            ";",
            "|",
            "&",
            "*",
            " ",
            "~",
            "é✓",
            "%s",
        ];
        let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
        for _ in 0..100 {
            let mut value = String::new();
            for _ in 0..8 {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                value.push_str(PIECES[(state % 16) as usize]);
            }
            let answer = json!({ "apiKey": value });
            let rendered = render(&answer, Format::Env, None, Some(("KEY", "apiKey")));
            if value.contains(['\'', '\\']) {
                assert!(rendered.is_err(), "{value}");
                continue;
            }
            let line = rendered.unwrap();
            let output = std::process::Command::new("sh")
                .args(["-c", r#"eval "$1" && printf %s "$KEY""#, "sh", &line])
                .output()
                .unwrap();
            assert!(output.status.success(), "{line}");
            assert_eq!(String::from_utf8(output.stdout).unwrap(), value, "{line}");
        }
    }
}
