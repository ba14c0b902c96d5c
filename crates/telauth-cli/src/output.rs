//! Printing an answer: as JSON, one field of it, or the credential it holds for a shell.

use serde_json::Value;

use crate::args::Format;

/// What to print for `document`: the whole of it as JSON, its `field`, or, in the `env` and
/// `raw` formats, the credential in its field `credential.1`, for the variable `credential.0`.
/// An error names what is missing.
pub fn render(
    document: &Value,
    format: Format,
    field: Option<&str>,
    credential: Option<(&str, &str)>,
) -> Result<String, String> {
    if let Some(name) = field {
        return match document.get(name) {
            Some(Value::String(text)) => Ok(text.clone()),
            Some(value) => Ok(format!("{value:#}")),
            None => Err(format!("the answer has no field `{name}`")),
        };
    }
    let secret = || {
        let (variable, name) = credential.ok_or("this command obtains no credential")?;
        let value = document[name]
            .as_str()
            .ok_or_else(|| format!("the answer holds no `{name}`"))?;
        Ok::<_, String>((variable, value))
    };
    match format {
        Format::Json => Ok(format!("{document:#}")),
        Format::Raw => secret().map(|(_, value)| value.to_string()),
        Format::Env => {
            secret().map(|(variable, value)| format!("export {variable}={}", quoted(value)))
        }
    }
}

/// `text` in single quotes for a POSIX shell, each `'` written as `'\''`.
fn quoted(text: &str) -> String {
    format!("'{}'", text.replace('\'', r"'\''"))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn env_lines_are_shell_quoted_and_raw_is_the_secret_alone() {
        let answer = json!({ "token": "it's $HOME `x`", "username": "alice" });
        let credential = Some(("VOIPBIN_TOKEN", "token"));
        assert_eq!(
            render(&answer, Format::Env, None, credential).unwrap(),
            r"export VOIPBIN_TOKEN='it'\''s $HOME `x`'"
        );
        assert_eq!(
            render(&answer, Format::Raw, None, credential).unwrap(),
            "it's $HOME `x`"
        );
        assert_eq!(
            render(&answer, Format::Json, Some("username"), None).unwrap(),
            "alice"
        );
        assert!(render(&answer, Format::Json, Some("nope"), None).is_err());
        assert!(render(&answer, Format::Raw, None, None).is_err());
    }
}
