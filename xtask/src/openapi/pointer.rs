//! Places in a document as JSON pointers (`#/components/schemas/api.v2010.account/properties/x`):
//! a key may hold dots and slashes, and a pointer names it exactly, so a script can find it.

use serde_yaml_ng::Value;

/// The JSON pointer of `keys`, as a URI fragment: `#/paths/~1v1~1keys/get`; `#` for the top.
pub fn render<S: AsRef<str>>(keys: &[S]) -> String {
    let mut out = String::from("#");
    for key in keys {
        out.push('/');
        out.push_str(&escape_token(key.as_ref()));
    }
    escape_text(&out)
}

/// The pointer of the key `key` under the place `place` (a pointer [`render`] made).
pub fn child(place: &str, key: &str) -> String {
    format!("{place}/{}", escape_text(&escape_token(key)))
}

/// `token` escaped for a JSON pointer: `~` as `~0`, `/` as `~1`.
pub fn escape_token(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

/// The keys of the pointer `fragment` (`#/a/b~1c`, `/a/b`, or `` for the whole document),
/// `%XX` escapes and `~1`/`~0` decoded.
pub fn parse(fragment: &str) -> Vec<String> {
    let fragment = fragment.strip_prefix('#').unwrap_or(fragment);
    let fragment = percent_decoded(fragment);
    fragment
        .split('/')
        .skip(1)
        .map(|token| token.replace("~1", "/").replace("~0", "~"))
        .collect()
}

/// The node `keys` lead to in `tree`.
pub fn find<'a>(tree: &'a Value, keys: &[String]) -> Option<&'a Value> {
    keys.iter().try_fold(tree, |node, key| match node {
        Value::Mapping(map) => map
            .iter()
            .find(|(k, _)| key_text(k) == *key)
            .map(|(_, v)| v),
        Value::Sequence(items) => key.parse::<usize>().ok().and_then(|i| items.get(i)),
        _ => None,
    })
}

/// A map key as text: a string as it is, anything else (a number, a boolean) as YAML writes it.
pub fn key_text(key: &Value) -> String {
    match key {
        Value::String(s) => s.clone(),
        other => serde_yaml_ng::to_string(other)
            .unwrap_or_default()
            .trim()
            .to_string(),
    }
}

/// `text` safe to print on a terminal: control and text-direction characters as `\u{..}`
/// escapes.
pub fn escape_text(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        if c.is_control()
            || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}' | '\u{2028}' | '\u{2029}' | '\u{061c}')
        {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    out
}

fn percent_decoded(text: &str) -> String {
    if !text.contains('%') {
        return text.to_string();
    }
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let (Some(high), Some(low)) = (hex(bytes[i + 1]), hex(bytes[i + 2]))
        {
            out.push((high * 16 + low) as u8);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::{parse, render};

    #[test]
    fn pointers_name_keys_with_dots_and_slashes_exactly() {
        let keys = [
            "components",
            "schemas",
            "api.v2010.account",
            "properties",
            "a/b~c",
        ];
        let rendered = render(&keys);
        assert_eq!(
            rendered,
            "#/components/schemas/api.v2010.account/properties/a~1b~0c"
        );
        assert_eq!(parse(&rendered), keys);
        assert_eq!(
            parse("#/paths/~1v1~1keys%7Bid%7D"),
            ["paths", "/v1/keys{id}"]
        );
        assert_eq!(render::<&str>(&[]), "#");
        assert_eq!(render(&["\u{1b}]0;x"]), "#/\\u{1b}]0;x");
    }
}
