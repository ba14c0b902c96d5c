//! The last word on doctests: every doc comment of a generated file is read as rustdoc reads
//! it (CommonMark, by `pulldown-cmark`, which rustdoc uses), and a code block that rustdoc
//! would compile or run is refused unless the generator wrote it: the one example per
//! operation in `client.rs`, which starts with [`EXAMPLE_START`]. Whatever a spec's text does
//! on its way into the code, it cannot become a doctest.

use pulldown_cmark::{CodeBlockKind, Event, Parser, Tag, TagEnd};

/// The first line of each example the generator writes (`passes/examples.rs`).
pub(crate) const EXAMPLE_START: &str = "# async fn example(client: &";

/// A code block rustdoc would compile that the generator did not write: the file's line where
/// its doc comment starts, and the block's first line.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Stray {
    /// The line (1-based) of the doc comment that holds it.
    pub(crate) line: usize,
    /// The block's first line, escaped.
    pub(crate) first_line: String,
}

/// The code blocks rustdoc would compile in the doc comments of `code` (a formatted file) that
/// are not the generator's examples.
pub(crate) fn strays(code: &str) -> Vec<Stray> {
    let mut strays = Vec::new();
    for (line, doc) in doc_comments(code) {
        let mut in_rust = false;
        let mut first: Option<String> = None;
        for event in Parser::new(&doc) {
            match event {
                Event::Start(Tag::CodeBlock(kind)) => {
                    in_rust = match kind {
                        CodeBlockKind::Indented => true,
                        CodeBlockKind::Fenced(info) => is_rust(&info),
                    };
                    first = None;
                }
                Event::Text(text) if in_rust && first.is_none() => {
                    first = Some(text.lines().next().unwrap_or_default().to_string());
                }
                Event::End(TagEnd::CodeBlock) => {
                    let first_line = first.take().unwrap_or_default();
                    if in_rust && !first_line.starts_with(EXAMPLE_START) {
                        strays.push(Stray {
                            line,
                            first_line: crate::openapi::pointer::escape_text(&first_line),
                        });
                    }
                    in_rust = false;
                }
                _ => {}
            }
        }
    }
    strays
}

/// Whether rustdoc compiles a fenced block whose info string is `info`: it does unless a
/// token says the block is not Rust (`text`, `json`, any other language) or is `ignore`d.
fn is_rust(info: &str) -> bool {
    info.split(|c: char| c == ',' || c.is_whitespace())
        .filter(|token| !token.is_empty())
        .all(|token| {
            matches!(
                token,
                "rust"
                    | "no_run"
                    | "should_panic"
                    | "compile_fail"
                    | "test_harness"
                    | "standalone_crate"
                    | "allow_fail"
            ) || token.starts_with("edition")
        })
}

/// Each doc comment of `code`: the line it starts on, and its text (consecutive `///` or `//!`
/// lines, or one `#[doc = "..."]` attribute, as prettyplease writes them).
fn doc_comments(code: &str) -> Vec<(usize, String)> {
    let mut docs: Vec<(usize, String)> = Vec::new();
    let mut current: Option<(usize, String)> = None;
    for (index, line) in code.lines().enumerate() {
        let trimmed = line.trim_start();
        let text = trimmed
            .strip_prefix("///")
            .or_else(|| trimmed.strip_prefix("//!"))
            .map(str::to_string)
            .or_else(|| {
                let literal = trimmed
                    .strip_prefix("#[doc = ")
                    .or_else(|| trimmed.strip_prefix("#![doc = "))?
                    .strip_suffix(']')?;
                syn::parse_str::<syn::LitStr>(literal)
                    .ok()
                    .map(|l| l.value())
            });
        match (text, &mut current) {
            (Some(text), Some((_, doc))) => {
                doc.push('\n');
                doc.push_str(&text);
            }
            (Some(text), None) => current = Some((index + 1, text)),
            (None, _) => docs.extend(current.take()),
        }
    }
    docs.extend(current);
    docs
}

#[cfg(test)]
mod tests {
    use super::{EXAMPLE_START, strays};

    #[test]
    fn only_the_generators_examples_may_be_doctests() {
        let code = format!(
            "/// Gets a key.\n///\n/// ```no_run\n/// {EXAMPLE_START}x::Client) {{}}\n/// ```\nfn a() {{}}\n\
             /// Text, inert:\n/// ````text\n/// ```rust\n/// std::process::exit(1);\n/// ```\n/// ````\nfn b() {{}}\n\
             /// ```ignore\n/// let x = 1;\n/// ```\nfn c() {{}}\n\
             #[doc = \"A list:\\n\\n    indented();\"]\nfn d() {{}}\n\
             /// ```\n/// spec_code();\n/// ```\nfn e() {{}}\n"
        );
        let found = strays(&code);
        let lines: Vec<&str> = found.iter().map(|s| s.first_line.as_str()).collect();
        assert_eq!(lines, ["indented();", "spec_code();"], "{found:?}");
    }
}
