//! `cargo xtask upstream PROVIDER FILE`: a provider's published OpenAPI document (3.0 or 3.1,
//! JSON or YAML, split over files by relative `$ref`s or not) against our spec, in our terms.
//!
//! Operations are matched by method and full path (the server URL's path joined with the
//! operation's, path parameters by position), since our specs name operations and group
//! servers differently. For each operation our spec covers, every difference is one line with
//! the place in both documents: an added or removed field, a new status, a changed media type,
//! a removed operation, a new required request field, a changed type, format, bound, enum,
//! `required` or nullability. Descriptions, summaries and examples are not compared. The
//! differences are those of the one comparison of two documents (`openapi::diff`) read on the
//! wire; this module puts them in lines (`lines`) and prints them.
//!
//! A difference is deliberate when our spec records it at its place: an `x-telauth-differs`
//! object (`reason`, `source`, and for what the provider has and we leave out, `omits`: the
//! names of fields, statuses, parameters or media types) on the node the difference is found
//! at, or on the node its `$ref` leads to. Operations the provider publishes and our spec does
//! not cover are listed apart.

mod lines;

use std::fmt;
use std::path::Path;

use crate::Error;
use crate::openapi::diff::{self, Doc, View};
use crate::openapi::pointer::escape_text;

pub use crate::openapi::diff::DIFFERS;

/// One difference.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Difference {
    /// What kind, such as `added answer field`.
    pub kind: &'static str,
    /// What, in a few words.
    pub what: String,
    /// The place in our spec.
    pub ours: String,
    /// The place in the provider's document.
    pub theirs: String,
    /// The reason our spec records, when it is deliberate.
    pub deliberate: Option<String>,
}

impl fmt::Display for Difference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // A provider's names reach a terminal inert.
        write!(
            f,
            "{}: {}: ours {} | provider {}",
            self.kind,
            escape_text(&self.what),
            escape_text(&self.ours),
            escape_text(&self.theirs)
        )
    }
}

/// What the comparison found.
#[derive(Debug, Default)]
pub struct Report {
    /// The differences, deliberate ones among them, each once, in the order found.
    pub differences: Vec<Difference>,
    /// The provider's operations our spec does not cover: `METHOD /path` and their place.
    pub uncovered: Vec<String>,
    /// The provider document's `openapi` version.
    pub version: String,
}

impl Report {
    /// Adds `difference` unless it is there already.
    fn push(&mut self, difference: Difference) {
        let duplicate = self.differences.iter().any(|known| {
            known.kind == difference.kind
                && known.what == difference.what
                && known.ours == difference.ours
                && known.theirs == difference.theirs
        });
        if !duplicate {
            self.differences.push(difference);
        }
    }

    /// The differences not recorded as deliberate.
    pub fn unrecorded(&self) -> impl Iterator<Item = &Difference> {
        self.differences.iter().filter(|d| d.deliberate.is_none())
    }
}

/// Compares the provider's document at `file` with our spec at `spec` (both paths on disk).
pub fn compare(spec: &Path, file: &Path) -> Result<Report, Error> {
    let ours = Doc::read(spec)?;
    let theirs = Doc::read(file)?;
    let version = diff::text(theirs.main_tree(), "openapi")
        .unwrap_or_default()
        .to_string();
    if !version.starts_with("3.0") && !version.starts_with("3.1") {
        return Err(Error::invalid(
            file,
            "openapi",
            format!("`{version}`: an OpenAPI 3.0 or 3.1 document is needed"),
        ));
    }
    let mut report = Report {
        version,
        ..Report::default()
    };
    for change in diff::compare(&ours, &theirs, View::Wire) {
        for line in lines::lines(&change) {
            match line {
                lines::Line::Difference(difference) => report.push(difference),
                lines::Line::Uncovered(operation) => report.uncovered.push(operation),
            }
        }
    }
    Ok(report)
}

/// `cargo xtask upstream PROVIDER FILE`: prints each difference not recorded as deliberate,
/// then the operations not covered; answers whether there was none.
pub fn run(
    root: &Path,
    provider: &str,
    file: &Path,
    out: &mut dyn std::io::Write,
) -> Result<bool, Error> {
    let providers = crate::providers::select(root, Some(provider))?;
    let Some(provider) = providers.first() else {
        return Ok(false);
    };
    let report = compare(&root.join(&provider.spec), file)?;
    let _ = writeln!(
        out,
        "upstream {}: {} against {} (OpenAPI {})",
        provider.name,
        provider.spec,
        file.display(),
        escape_text(&report.version)
    );
    let mut unrecorded = 0;
    for difference in report.unrecorded() {
        unrecorded += 1;
        let _ = writeln!(out, "{difference}");
    }
    for operation in &report.uncovered {
        let _ = writeln!(out, "not covered: {}", escape_text(operation));
    }
    let deliberate = report.differences.len() - unrecorded;
    let _ = writeln!(
        out,
        "upstream: {unrecorded} difference(s) not recorded as deliberate, {deliberate} recorded \
         ({DIFFERS}), {} operation(s) of the provider not covered",
        report.uncovered.len()
    );
    Ok(unrecorded == 0)
}
