//! `CHANGELOG.md`: one file in the Keep a Changelog format, with a section per crate release,
//! `## [telauth-voipbin 0.2.1] - 2026-12-01`, newest first. Under `## [Unreleased]` a
//! maintainer writes notes in subsections whose heading names the crates they belong to
//! (`### telauth-voipbin`, or `### telauth-smsbeta, telauth-mobivate`), each with `#### Added`,
//! `#### Changed`, ... lists. `cargo xtask release --write` turns each crate it releases into a
//! section made of the audit's change lines and those notes, and takes from Unreleased the notes
//! of every crate it released.

use std::collections::BTreeMap;

/// The changelog, relative to the workspace root.
pub const CHANGELOG: &str = "CHANGELOG.md";

/// The Keep a Changelog categories, in the order sections list them.
const CATEGORIES: [&str; 6] = [
    "Added",
    "Changed",
    "Deprecated",
    "Removed",
    "Fixed",
    "Security",
];

/// The heading of `krate`'s release at `version`, without the date.
pub fn heading(krate: &str, version: &str) -> String {
    format!("## [{krate} {version}]")
}

/// Whether `changelog` has a section for `krate` at `version`.
pub fn has_release(changelog: &str, krate: &str, version: &str) -> bool {
    let heading = heading(krate, version);
    changelog
        .lines()
        .any(|line| line == heading || line.starts_with(&format!("{heading} ")))
}

/// Every `(crate, version)` with a release section in `changelog`, in order.
pub fn releases(changelog: &str) -> Vec<(String, String)> {
    changelog
        .lines()
        .filter_map(|line| line.strip_prefix("## ["))
        .filter_map(|rest| rest.split_once(']').map(|(inside, _)| inside))
        .filter_map(|inside| inside.rsplit_once(' '))
        .map(|(krate, version)| (krate.to_string(), version.to_string()))
        .collect()
}

/// The category a change line goes under, by its first words.
pub fn category(phrase: &str) -> &'static str {
    let first = phrase.split_whitespace().next().unwrap_or_default();
    if phrase.starts_with("no longer") || first == "removes" {
        "Removed"
    } else if matches!(first, "adds" | "documents" | "accepts") {
        "Added"
    } else {
        "Changed"
    }
}

/// One crate's release, as the changelog writes it.
pub struct Entry {
    /// The crate's package name, as its section heading gives it.
    pub krate: String,
    /// The version the section releases.
    pub version: String,
    /// Lines by category, from the audit (already phrased).
    pub lines: Vec<(&'static str, String)>,
}

/// A maintainer's subsection under Unreleased.
struct Notes {
    /// Its heading's text, as written.
    heading: String,
    /// The crates its heading names.
    crates: Vec<String>,
    /// Its lines, heading left out.
    body: Vec<String>,
}

/// `changelog` with a dated section per entry (in the entries' order) after Unreleased, each
/// made of its audit lines and the Unreleased notes of its crate; the notes of crates all
/// released leave Unreleased. `known` are the crate names a heading can name.
pub fn write(changelog: &str, entries: &[Entry], date: &str, known: &[String]) -> String {
    let lines: Vec<&str> = changelog.lines().collect();
    let start = lines
        .iter()
        .position(|line| line.starts_with("## [Unreleased]"));
    let Some(start) = start else {
        // No Unreleased section: one is made, above the first release.
        let mut text = String::new();
        let first = lines.iter().position(|line| line.starts_with("## ["));
        let (head, tail) = lines.split_at(first.unwrap_or(lines.len()));
        push_lines(&mut text, head);
        text.push_str("## [Unreleased]\n\n");
        text.push_str(&sections(entries, &[], date));
        push_lines(&mut text, tail);
        return text;
    };
    let end = lines[start + 1..]
        .iter()
        .position(|line| line.starts_with("## ") || line.starts_with("[Unreleased]:"))
        .map_or(lines.len(), |offset| start + 1 + offset);
    let body = &lines[start + 1..end];
    // The preamble, then the subsections.
    let first = body
        .iter()
        .position(|line| line.starts_with("### "))
        .unwrap_or(body.len());
    let preamble = &body[..first];
    let mut notes: Vec<Notes> = Vec::new();
    for line in &body[first..] {
        if let Some(heading) = line.strip_prefix("### ") {
            let crates = heading
                .split(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
                .filter(|word| known.iter().any(|known| known == word))
                .map(str::to_string)
                .collect();
            notes.push(Notes {
                heading: heading.trim().to_string(),
                crates,
                body: Vec::new(),
            });
        } else if let Some(last) = notes.last_mut() {
            last.body.push(line.to_string());
        }
    }
    let released: Vec<&str> = entries.iter().map(|entry| entry.krate.as_str()).collect();
    // Notes whose crates are all released move into their sections; the rest stay, under the
    // heading they were written under (`### xtask` names no crate and stays as it is).
    let kept = notes.iter().filter(|notes| {
        notes.crates.is_empty() || !notes.crates.iter().all(|k| released.contains(&k.as_str()))
    });
    let mut text = String::new();
    push_lines(&mut text, &lines[..=start]);
    push_lines(&mut text, preamble);
    let mut kept_text = String::new();
    for notes in kept {
        kept_text.push_str(&format!("### {}\n", notes.heading));
        push_lines(&mut kept_text, &trimmed(&notes.body));
        kept_text.push('\n');
    }
    if !kept_text.is_empty() && !text.ends_with("\n\n") {
        text.push('\n');
    }
    text.push_str(&kept_text);
    if !text.ends_with("\n\n") {
        text.push('\n');
    }
    let notes: Vec<&Notes> = notes.iter().collect();
    text.push_str(&sections(entries, &notes, date));
    push_lines(&mut text, &lines[end..]);
    text
}

/// The sections of `entries`, each with the notes that name its crate.
fn sections(entries: &[Entry], notes: &[&Notes], date: &str) -> String {
    let mut text = String::new();
    for entry in entries {
        let mut by_category: BTreeMap<usize, Vec<String>> = BTreeMap::new();
        let mut loose: Vec<String> = Vec::new();
        for (category, line) in &entry.lines {
            let index = CATEGORIES.iter().position(|c| c == category).unwrap_or(1);
            by_category.entry(index).or_default().push(line.clone());
        }
        for notes in notes.iter().filter(|n| n.crates.contains(&entry.krate)) {
            let mut current: Option<usize> = None;
            for line in &notes.body {
                if let Some(name) = line.strip_prefix("#### ") {
                    current = Some(
                        CATEGORIES
                            .iter()
                            .position(|c| *c == name.trim())
                            .unwrap_or(1),
                    );
                } else if line.trim().is_empty() {
                    continue;
                } else if let Some(index) = current {
                    by_category.entry(index).or_default().push(line.clone());
                } else {
                    loose.push(line.clone());
                }
            }
        }
        text.push_str(&format!(
            "{} - {date}\n\n",
            heading(&entry.krate, &entry.version)
        ));
        if !loose.is_empty() {
            push_lines(&mut text, &loose);
            text.push('\n');
        }
        for (index, lines) in by_category {
            text.push_str(&format!("### {}\n", CATEGORIES[index]));
            push_lines(&mut text, &lines);
            text.push('\n');
        }
    }
    text
}

fn trimmed(lines: &[String]) -> Vec<String> {
    let mut lines = lines.to_vec();
    while lines.last().is_some_and(|line| line.trim().is_empty()) {
        lines.pop();
    }
    while lines.first().is_some_and(|line| line.trim().is_empty()) {
        lines.remove(0);
    }
    lines
}

fn push_lines<S: AsRef<str>>(text: &mut String, lines: &[S]) {
    for line in lines {
        text.push_str(line.as_ref());
        text.push('\n');
    }
}

/// Today's date (UTC) as `YYYY-MM-DD`.
pub fn today() -> String {
    let days = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|elapsed| elapsed.as_secs() / 86_400)
        .unwrap_or_default() as i64;
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

#[cfg(test)]
mod tests {
    use super::*;

    const LOG: &str = "# Changelog\n\nIntro.\n\n## [Unreleased]\n\n### telauth-voipbin\n\
                       #### Fixed\n- A maintainer's fix.\n\n### telauth-cli\n#### Added\n- A flag.\n\n\
                       ### xtask\n- A step.\n\n\
                       ## [telauth-voipbin 0.2.0] - 2026-11-01\n\n### Added\n- First.\n";

    #[test]
    fn a_release_takes_its_notes_and_the_audit_lines() {
        let known: Vec<String> = ["telauth-voipbin", "telauth-cli", "telauth"]
            .map(String::from)
            .to_vec();
        let entries = [Entry {
            krate: "telauth-voipbin".into(),
            version: "0.2.1".into(),
            lines: vec![(
                "Added",
                "- Adds optional response field Accesskey.scopes.".into(),
            )],
        }];
        let text = write(LOG, &entries, "2026-12-01", &known);
        let expected = "# Changelog\n\nIntro.\n\n## [Unreleased]\n\n### telauth-cli\n#### Added\n\
                        - A flag.\n\n### xtask\n- A step.\n\n## [telauth-voipbin 0.2.1] - 2026-12-01\n\n### Added\n\
                        - Adds optional response field Accesskey.scopes.\n\n### Fixed\n\
                        - A maintainer's fix.\n\n## [telauth-voipbin 0.2.0] - 2026-11-01\n\n\
                        ### Added\n- First.\n";
        assert_eq!(text, expected);
        assert!(has_release(&text, "telauth-voipbin", "0.2.1"));
        assert_eq!(
            releases(&text),
            [
                ("telauth-voipbin".to_string(), "0.2.1".to_string()),
                ("telauth-voipbin".to_string(), "0.2.0".to_string())
            ]
        );
    }

    #[test]
    fn dates_are_civil() {
        let today = today();
        assert_eq!(today.len(), 10, "{today}");
        assert!(today.starts_with("20"), "{today}");
    }
}
