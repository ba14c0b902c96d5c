//! Spec text made inert before it reaches generated doc comments: rustdoc compiles and runs
//! every Rust code block of a doc comment as a doctest, so no description may open one.

use serde_yaml_ng::Value;

use super::shape;

/// Makes every description, summary and title of the document `tree` inert, in place. What is
/// documentation is decided by position ([`shape`]): a property named `default` or a schema
/// named `enum` is documented like any other, and data (examples, defaults, extensions) is
/// never touched.
pub(crate) fn make_inert(tree: &mut Value) {
    shape::visit(tree, &mut |kind, map, _| {
        for (key, value) in map.iter_mut() {
            if let (Some(key), Value::String(text)) = (key.as_str(), value)
                && shape::is_doc_key(kind, key)
            {
                // progenitor writes a parameter's description after a list marker of its own.
                *text = if kind == shape::Kind::Parameter {
                    inert(&without_lazy_lines(text, true))
                } else {
                    inert(text)
                };
            }
        }
    });
}

/// `text`, unchanged when no Markdown code block can start in it, else shown as plain text.
///
/// A CommonMark code block opens with a fence (three backticks or tildes) or an indentation of
/// four columns (four spaces or a tab, after any container's markers). Text with neither
/// cannot open one, whatever its lists and quotes; any other text is wrapped whole, on lines of
/// its own, in a ```` ```text ```` fence longer than any run of backticks in it, which nothing
/// inside can close, and which rustdoc shows without compiling.
pub(crate) fn inert(text: &str) -> String {
    let risky = text.contains("```")
        || text.contains("~~~")
        || text.contains("    ")
        || text.contains('\t');
    if !risky {
        return without_lazy_lines(text, false);
    }
    let longest = text
        .split(|c| c != '`')
        .map(str::len)
        .max()
        .unwrap_or_default();
    let fence = "`".repeat(longest.max(2) + 1);
    // On lines of its own: progenitor writes a parameter's description after a list marker.
    format!("\n{fence}text\n{}\n{fence}\n", text.trim_end_matches('\n'))
}

/// `text` with each lazy continuation line joined to the line before it (a soft break renders
/// as a space either way): a line that continues a list item, a quote or a paragraph without
/// starting a block of its own. clippy's `doc_lazy_continuation` refuses such lines, and
/// progenitor writes some descriptions after a list marker of its own, where every next line
/// of the description would be one.
fn without_lazy_lines(text: &str, in_list: bool) -> String {
    let starts_block = |line: &str| {
        let line = line.trim_start();
        let digits = line.chars().take_while(char::is_ascii_digit).count();
        line.is_empty()
            || line.starts_with(['>', '#', '|', '<'])
            || ["- ", "* ", "+ "]
                .iter()
                .any(|marker| line.starts_with(marker))
            || matches!(line, "-" | "*" | "+")
            || (digits > 0
                && matches!(line[digits..].chars().next(), Some('.' | ')'))
                && line[digits + 1..].starts_with(' '))
    };
    // Without a list or a quote, no line is lazy (a paragraph's lines are its own).
    let container = |line: &str| {
        let line = line.trim_start();
        starts_block(line) && !line.is_empty() && !line.starts_with(['#', '|', '<'])
    };
    if !in_list && !text.split('\n').any(container) {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    let mut previous_blank = true;
    for (index, line) in text.split('\n').enumerate() {
        if index > 0 {
            let joins = !previous_blank && !starts_block(line);
            out.push(if joins { ' ' } else { '\n' });
        }
        let joined = index > 0 && out.ends_with(' ') && !previous_blank && !starts_block(line);
        out.push_str(if joined { line.trim_start() } else { line });
        previous_blank = line.trim().is_empty();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::inert;

    #[test]
    fn lazy_continuation_lines_are_joined_and_blocks_kept() {
        assert_eq!(
            inert("Lists:\n- one\ncontinued\n- two\n\nA paragraph\non two lines.\n> quote\nmore"),
            "Lists:\n- one continued\n- two\n\nA paragraph on two lines.\n> quote more"
        );
        assert_eq!(
            inert("1. first\n2) second\n| a | b |\n|---|---|"),
            "1. first\n2) second\n| a | b |\n|---|---|"
        );
    }

    #[test]
    fn plain_text_is_kept_and_code_is_fenced_as_text() {
        assert_eq!(
            inert("Lists `x`:\n- one\n- two"),
            "Lists `x`:\n- one\n- two"
        );
        assert_eq!(
            inert("```rust\nfn main() {}\n```"),
            "\n````text\n```rust\nfn main() {}\n```\n````\n"
        );
        assert_eq!(inert("a\n\n    code"), "\n```text\na\n\n    code\n```\n");
        assert_eq!(inert("~~~\nx\n~~~"), "\n```text\n~~~\nx\n~~~\n```\n");
    }
}
