//! Characters that act on a terminal instead of showing, and how provider text is written so
//! that none of them reaches one.

use serde_json::Value;

/// Whether `c` acts on a terminal or on how the text around it shows: a C0 control (newline and
/// carriage return included), DEL, a C1 control, a bidi control (U+061C, U+200E, U+200F,
/// U+202A–U+202E, U+2066–U+2069) or a line or paragraph separator (U+2028, U+2029).
pub fn acts_on_a_terminal(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{061c}'
                | '\u{200e}'
                | '\u{200f}'
                | '\u{202a}'..='\u{202e}'
                | '\u{2028}'
                | '\u{2029}'
                | '\u{2066}'..='\u{2069}'
        )
}

/// The first character of `text` that acts on a terminal, when it has one.
pub fn first_in(text: &str) -> Option<char> {
    text.chars().find(|&c| acts_on_a_terminal(c))
}

/// `text` on one line that shows as it reads: each character that acts on a terminal written as
/// its Rust escape (`\n`, `\u{1b}`, `\u{202e}`).
pub fn visible(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if acts_on_a_terminal(c) {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

/// `value` as indented JSON in which every character that acts on a terminal is a `\uXXXX`
/// escape: the same JSON value, safe on a terminal.
pub fn json(value: &Value) -> String {
    // serde_json escapes C0 in strings itself, so a newline is the indentation's; the other
    // characters can only be inside strings, where `\uXXXX` (all of them are in the BMP)
    // decodes to the same character.
    let text = format!("{value:#}");
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c != '\n' && acts_on_a_terminal(c) {
            out.push_str(&format!("\\u{:04x}", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn visible_text_is_one_line_of_escapes() {
        assert_eq!(
            visible("a\u{1b}[2J\r\nb\u{9b}\u{7f}\u{202e}é"),
            r"a\u{1b}[2J\r\nb\u{9b}\u{7f}\u{202e}é"
        );
    }

    #[test]
    fn json_escapes_what_serde_json_leaves_and_decodes_to_the_same_value() {
        let value = json!({ "k\u{2066}": "\u{0}\u{7f}\u{85}\u{9b}\u{200f}\u{2029}é\"" });
        let text = json(&value);
        assert_eq!(first_in(&text.replace('\n', "")), None, "{text}");
        assert!(text.contains(r#""k\u2066": "\u0000\u007f\u0085\u009b\u200f\u2029é\"""#));
        assert_eq!(serde_json::from_str::<Value>(&text).unwrap(), value);
    }
}
