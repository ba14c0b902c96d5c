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
                *text = inert(text);
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
        return text.to_string();
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

#[cfg(test)]
mod tests {
    use super::inert;

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
