//! Diagnostics: every problem a build finds, as plain data with a source position.
//!
//! Stages never stop at the first problem: each returns its result together with the
//! problems it found, and the CLI prints them all, sorted, as
//! `path:line:column: error: message` (the format compilers use, so editors can jump to it),
//! or as JSON lines (`--format json`, [`Diagnostic::to_json`]). Every diagnostic carries a
//! stable code naming its kind of problem (`unknown-reference`, `broken-link`, ...; the table
//! is in README.md), the same wherever that problem is found.

use std::fmt;
use std::path::{Path, PathBuf};

/// How bad a problem is. Any error makes the build fail and leaves the output untouched; a
/// warning is worth fixing; a note only tells something worth knowing (it is not counted as a
/// warning).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Error,
    Warning,
    Note,
}

impl Severity {
    /// The word the text and JSON forms use: `error`, `warning`, `note`.
    pub fn label(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Note => "note",
        }
    }
}

/// One problem, with the file and (where known) the 1-based line and column it concerns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    /// The file, as the user would name it (the handbook folder joined with the relative path).
    pub path: PathBuf,
    /// 1-based line and column (in characters), when the problem has a position.
    pub position: Option<(usize, usize)>,
    pub message: String,
    /// What to do about it, shown on the next line.
    pub help: Option<String>,
    /// The kind of problem, stable across releases, in kebab case (`unknown-reference`): for
    /// tools that read `--format json`. Set with [`Diagnostic::code`]; empty until then.
    pub code: &'static str,
}

impl Diagnostic {
    pub fn error(path: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            path: path.into(),
            position: None,
            message: message.into(),
            help: None,
            code: "",
        }
    }

    pub fn warning(path: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(path, message)
        }
    }

    /// Something worth knowing that is not a problem: never fails a build, not a warning.
    pub fn note(path: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Note,
            ..Diagnostic::error(path, message)
        }
    }

    /// Sets the stable code of the kind of problem (kebab case: `unknown-reference`).
    pub fn code(mut self, code: &'static str) -> Self {
        self.code = code;
        self
    }

    pub fn at(mut self, pos: Pos) -> Self {
        self.position = Some((pos.line, pos.column));
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// The diagnostic as one line of JSON (`--format json`), its keys in this order:
    /// `severity`, `file` (as the text form shows it), 1-based `line` and `column` (null
    /// without a position), `message`, `help` and `code` (null when none).
    pub fn to_json(&self) -> String {
        #[derive(serde::Serialize)]
        struct Json<'a> {
            severity: &'static str,
            file: String,
            line: Option<usize>,
            column: Option<usize>,
            message: &'a str,
            help: Option<&'a str>,
            code: Option<&'static str>,
        }
        let json = Json {
            severity: self.severity.label(),
            file: self.path.display().to_string(),
            line: self.position.map(|p| p.0),
            column: self.position.map(|p| p.1),
            message: &self.message,
            help: self.help.as_deref(),
            code: (!self.code.is_empty()).then_some(self.code),
        };
        serde_json::to_string(&json).expect("a diagnostic serializes")
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.path.display())?;
        if let Some((line, column)) = self.position {
            write!(f, ":{line}:{column}")?;
        }
        write!(f, ": {}: {}", self.severity.label(), self.message)?;
        if let Some(help) = &self.help {
            write!(f, "\n  help: {help}")?;
        }
        Ok(())
    }
}

/// What a handbook's `[check]` table (and `--deny`) make of problems, by code: `allow` drops
/// the warnings and notes of these codes, `warn` makes errors of these codes warnings, `deny`
/// makes warnings of these codes, or every warning with `"warnings"`, errors.
pub fn apply_policy(
    diagnostics: &mut Vec<Diagnostic>,
    allow: &[String],
    warn: &[String],
    deny: &[String],
) {
    let named = |list: &[String], code: &str| list.iter().any(|c| c == code);
    diagnostics.retain(|d| d.is_error() || !named(allow, d.code));
    for d in diagnostics.iter_mut() {
        match d.severity {
            Severity::Error if named(warn, d.code) => d.severity = Severity::Warning,
            Severity::Warning if named(deny, d.code) || named(deny, "warnings") => {
                d.severity = Severity::Error;
            }
            _ => {}
        }
    }
}

/// Sorts diagnostics by file, then position, so output is stable across parallel runs.
pub fn sort(diagnostics: &mut [Diagnostic]) {
    diagnostics.sort_by(|a, b| {
        (&a.path, a.position, a.severity, &a.message)
            .cmp(&(&b.path, b.position, b.severity, &b.message))
    });
}

/// A 1-based line and column (columns count characters, not bytes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct Pos {
    pub line: usize,
    pub column: usize,
}

impl Pos {
    pub const START: Pos = Pos { line: 1, column: 1 };
}

/// Maps byte offsets of one text to line and column. Built once per file.
pub struct LineIndex<'a> {
    text: &'a str,
    line_starts: Vec<usize>,
    /// The last position asked (byte offset, and its column): positions are mostly asked in
    /// order, so the next one on the same line counts characters from there, not from the
    /// line's start (a line of a million characters asked a hundred thousand times).
    last: std::cell::Cell<(usize, usize)>,
}

impl<'a> LineIndex<'a> {
    pub fn new(text: &'a str) -> Self {
        let mut line_starts = vec![0];
        line_starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1));
        LineIndex {
            text,
            line_starts,
            last: std::cell::Cell::new((0, 1)),
        }
    }

    /// Line and column of a byte offset (clamped to the text).
    pub fn pos(&self, offset: usize) -> Pos {
        let offset = offset.min(self.text.len());
        let line = self.line_starts.partition_point(|&start| start <= offset) - 1;
        let start = self.line_starts[line];
        let mut end = offset;
        while !self.text.is_char_boundary(end) {
            end -= 1;
        }
        let (last_offset, last_column) = self.last.get();
        let column = if last_offset >= start && last_offset <= end {
            last_column + self.text[last_offset..end].chars().count()
        } else {
            self.text[start..end].chars().count() + 1
        };
        self.last.set((end, column));
        Pos {
            line: line + 1,
            column,
        }
    }

    /// Byte offset where a 1-based line starts (the end of the text past the last line).
    pub fn line_start(&self, line: usize) -> usize {
        self.line_starts
            .get(line.saturating_sub(1))
            .copied()
            .unwrap_or(self.text.len())
    }
}

/// The known names closest to `name`, best first: for "did you mean" hints.
pub fn suggest<'a>(name: &str, known: impl IntoIterator<Item = &'a str>) -> Vec<&'a str> {
    let name_lower = name.to_lowercase();
    let mut scored: Vec<(f64, &str)> = known
        .into_iter()
        .filter_map(|candidate| {
            let last = candidate.rsplit('/').next().unwrap_or(candidate);
            let full = strsim::jaro_winkler(&name_lower, &candidate.to_lowercase());
            let short = strsim::jaro_winkler(&name_lower, &last.to_lowercase());
            let score = full.max(short);
            (score >= 0.8).then_some((score, candidate))
        })
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(b.1)));
    scored.dedup_by(|a, b| a.1 == b.1);
    scored.into_iter().take(3).map(|(_, c)| c).collect()
}

/// "did you mean `a` or `b`?" for a list of suggestions, or None when there are none.
pub fn did_you_mean(suggestions: &[&str]) -> Option<String> {
    match suggestions {
        [] => None,
        [one] => Some(format!("did you mean `{one}`?")),
        [rest @ .., last] => {
            let rest: Vec<String> = rest.iter().map(|s| format!("`{s}`")).collect();
            Some(format!("did you mean {} or `{last}`?", rest.join(", ")))
        }
    }
}

/// Joins a handbook folder and a relative path the way a user would type it
/// (`content/a.md` rather than `./content/a.md`).
pub fn display_path(root: &Path, relative: &Path) -> PathBuf {
    let joined = if root == Path::new(".") || root.as_os_str().is_empty() {
        relative.to_path_buf()
    } else {
        root.join(relative)
    };
    // `base/../fr` reads as `fr` (as written, without asking the file system).
    let mut shown = PathBuf::new();
    for part in joined.components() {
        match part {
            std::path::Component::ParentDir
                if matches!(
                    shown.components().next_back(),
                    Some(std::path::Component::Normal(_))
                ) =>
            {
                shown.pop();
            }
            std::path::Component::CurDir => {}
            other => shown.push(other),
        }
    }
    if shown.as_os_str().is_empty() {
        shown.push(".");
    }
    // Kept for every page of a build: without the room pushing left (at 100,000 pages, 48 MB).
    shown.shrink_to_fit();
    shown
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shown_paths_fold_parent_folders() {
        let shown = |root: &str, rel: &str| display_path(Path::new(root), Path::new(rel));
        assert_eq!(shown("base", "../fr/book.toml"), Path::new("fr/book.toml"));
        assert_eq!(shown("/tmp/w/base", "../fr"), Path::new("/tmp/w/fr"));
        assert_eq!(
            shown("", "../base/content/a.md"),
            Path::new("../base/content/a.md")
        );
        assert_eq!(shown(".", "content/a.md"), Path::new("content/a.md"));
        assert_eq!(shown("../x", "../y"), Path::new("../y"));
    }

    #[test]
    fn positions_count_lines_and_characters() {
        let text = "ab\r\ncdé f\nx";
        let index = LineIndex::new(text);
        assert_eq!(index.pos(0), Pos { line: 1, column: 1 });
        assert_eq!(index.pos(4), Pos { line: 2, column: 1 });
        // 'é' is two bytes: the space after it is the 4th character of line 2.
        assert_eq!(index.pos(4 + 4), Pos { line: 2, column: 4 });
        assert_eq!(index.pos(text.len()), Pos { line: 3, column: 2 });
        assert_eq!(index.line_start(3), text.len() - 1);
    }

    #[test]
    fn positions_are_the_same_in_any_order_asked() {
        let text = "é a\nbçd efg\n\nhé ij\nk";
        let naive = |offset: usize| {
            let before = &text[..offset];
            let line = before.matches('\n').count() + 1;
            let start = before.rfind('\n').map_or(0, |i| i + 1);
            Pos {
                line,
                column: text[start..offset].chars().count() + 1,
            }
        };
        let offsets: Vec<usize> = (0..=text.len())
            .filter(|&o| text.is_char_boundary(o))
            .collect();
        let index = LineIndex::new(text);
        // In order, backwards, and jumping about.
        for &o in offsets.iter().chain(offsets.iter().rev()) {
            assert_eq!(index.pos(o), naive(o), "at {o}");
        }
        for (i, &o) in offsets.iter().enumerate() {
            let o2 = offsets[(i * 7) % offsets.len()];
            assert_eq!(index.pos(o), naive(o));
            assert_eq!(index.pos(o2), naive(o2));
        }
    }

    #[test]
    fn suggestions_prefer_the_closest_ids() {
        let known = [
            "principles/consent",
            "principles/impartiality",
            "glossary/mandate",
        ];
        assert_eq!(suggest("consnet", known), vec!["principles/consent"]);
        assert_eq!(
            suggest("principles/impartialty", known)[0],
            "principles/impartiality"
        );
        assert!(suggest("zzzz", known).is_empty());
    }

    #[test]
    fn display_has_the_compiler_format() {
        let d = Diagnostic::error("content/a.md", "unknown reference `x`")
            .at(Pos { line: 3, column: 7 })
            .help("did you mean `y`?");
        assert_eq!(
            d.to_string(),
            "content/a.md:3:7: error: unknown reference `x`\n  help: did you mean `y`?"
        );
        let note = Diagnostic::note("book.toml", "something to know");
        assert_eq!(note.to_string(), "book.toml: note: something to know");
    }

    #[test]
    fn json_has_every_field_and_nulls_where_there_is_nothing() {
        let d = Diagnostic::error("content/a.md", "unknown reference `x`")
            .at(Pos { line: 3, column: 7 })
            .help("did you mean `y`?")
            .code("unknown-reference");
        assert_eq!(
            d.to_json(),
            r#"{"severity":"error","file":"content/a.md","line":3,"column":7,"message":"unknown reference `x`","help":"did you mean `y`?","code":"unknown-reference"}"#
        );
        let w = Diagnostic::warning("book.toml", "w");
        assert_eq!(
            w.to_json(),
            r#"{"severity":"warning","file":"book.toml","line":null,"column":null,"message":"w","help":null,"code":null}"#
        );
        assert!(
            Diagnostic::note("x", "n")
                .to_json()
                .contains(r#""severity":"note""#)
        );
    }
}
