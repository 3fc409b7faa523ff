//! `book.toml` → [`Config`].
//!
//! Every key is checked against the known schema before the values are read, so a typo
//! (`tilte`, `minfy`) is an error that names the file, line, column and the nearest known
//! key, and all such problems of the file are reported together.

use std::ops::Range;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::de::{DeTable, DeValue};

use crate::diagnostics::{Diagnostic, LineIndex, did_you_mean, suggest};

/// The known tables of `book.toml` and their keys.
const SCHEMA: &[(&str, &[&str])] = &[
    (
        "book",
        &[
            "title",
            "language",
            "edition",
            "theme",
            "base_url",
            "description",
        ],
    ),
    ("build", &["output", "minify", "highlight"]),
    ("search", &["enabled"]),
    ("print", &["paper"]),
    ("edition", &["base", "exclude", "on_excluded_reference"]),
    // Its keys are the strings table's, checked in `check_keys`.
    ("strings", &[]),
];

/// The whole configuration of one handbook.
#[derive(Debug, Clone, Deserialize)]
pub struct Config {
    pub book: BookConfig,
    #[serde(default)]
    pub build: BuildConfig,
    #[serde(default)]
    pub search: SearchConfig,
    #[serde(default)]
    pub print: PrintConfig,
    pub edition: Option<EditionConfig>,
    /// `[strings]`: the handbook's own words for the theme's fixed words, by key.
    #[serde(default)]
    pub strings: std::collections::BTreeMap<String, String>,
}

/// `[print]`: how handouts and the print view are laid out on paper.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct PrintConfig {
    #[serde(default)]
    pub paper: Paper,
}

/// Paper size of printed output (`paper = "A4"` or `"Letter"`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
pub enum Paper {
    #[default]
    #[serde(alias = "a4")]
    A4,
    #[serde(alias = "letter", alias = "US Letter", alias = "us-letter")]
    Letter,
}

impl Paper {
    /// The CSS `@page` size keyword.
    pub fn css(self) -> &'static str {
        match self {
            Paper::A4 => "A4",
            Paper::Letter => "letter",
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
pub struct BookConfig {
    pub title: String,
    #[serde(default = "default_language")]
    pub language: String,
    #[serde(default)]
    pub edition: Option<String>,
    #[serde(default = "default_theme")]
    pub theme: String,
    #[serde(default = "default_base_url")]
    pub base_url: String,
    #[serde(default)]
    pub description: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct BuildConfig {
    #[serde(default = "default_output")]
    pub output: String,
    #[serde(default = "yes")]
    pub minify: bool,
    #[serde(default = "yes")]
    pub highlight: bool,
}

#[derive(Debug, Clone, Deserialize)]
pub struct SearchConfig {
    #[serde(default = "yes")]
    pub enabled: bool,
}

#[derive(Debug, Clone, Deserialize)]
pub struct EditionConfig {
    pub base: String,
    #[serde(default)]
    pub exclude: Vec<String>,
    #[serde(default)]
    pub on_excluded_reference: Option<String>,
}

fn default_language() -> String {
    "en".into()
}
fn default_theme() -> String {
    "default".into()
}
fn default_base_url() -> String {
    "/".into()
}
fn default_output() -> String {
    "site".into()
}
fn yes() -> bool {
    true
}

impl Default for BuildConfig {
    fn default() -> Self {
        BuildConfig {
            output: default_output(),
            minify: true,
            highlight: true,
        }
    }
}

impl Default for SearchConfig {
    fn default() -> Self {
        SearchConfig { enabled: true }
    }
}

impl BookConfig {
    /// Text direction of the handbook's language: right-to-left scripts get `rtl`.
    pub fn direction(&self) -> &'static str {
        let primary = self
            .language
            .split(['-', '_'])
            .next()
            .unwrap_or("")
            .to_ascii_lowercase();
        match primary.as_str() {
            "ar" | "he" | "fa" | "ur" | "yi" | "ps" | "sd" | "ug" | "dv" | "ckb" => "rtl",
            _ => "ltr",
        }
    }

    /// True when `base_url` is an absolute URL (`https://...`), as sitemaps need.
    pub fn has_absolute_base_url(&self) -> bool {
        self.base_url.starts_with("http://") || self.base_url.starts_with("https://")
    }
}

/// Reads and checks `book.toml` in `root`. Returns the config (when it could be read at all)
/// and every problem found.
pub fn load(root: &Path, display_root: &Path) -> (Option<Config>, Vec<Diagnostic>) {
    let path = root.join("book.toml");
    let shown = crate::diagnostics::display_path(display_root, Path::new("book.toml"));
    let bytes = match std::fs::read(&path) {
        Ok(bytes) => bytes,
        Err(err) => {
            let d = Diagnostic::error(&shown, format!("cannot read book.toml: {err}"))
                .help("a handbook folder needs a book.toml with at least `[book]` and `title`");
            return (None, vec![d]);
        }
    };
    let text = match crate::source::decode(bytes, &shown) {
        Ok(text) => text,
        Err(d) => return (None, vec![d]),
    };
    parse(&text, &shown)
}

/// Parses the text of a `book.toml`; `shown` is the path used in diagnostics.
pub fn parse(text: &str, shown: &Path) -> (Option<Config>, Vec<Diagnostic>) {
    let lines = LineIndex::new(text);
    let error_at = |span: Option<Range<usize>>, message: String| {
        let d = Diagnostic::error(shown, message);
        match span {
            Some(span) => d.at(lines.pos(span.start)),
            None => d,
        }
    };
    let (table, syntax_errors) = DeTable::parse_recoverable(text);
    let mut problems: Vec<Diagnostic> = syntax_errors
        .iter()
        .map(|e| {
            error_at(
                e.span(),
                format!("invalid TOML: {}", first_line(e.message())),
            )
        })
        .collect();
    if !problems.is_empty() {
        return (None, problems);
    }
    check_keys(table.get_ref(), &mut |span, message, help| {
        let mut d = error_at(Some(span), message);
        d.help = help;
        problems.push(d);
    });
    match Config::deserialize(toml::de::Deserializer::from(table)) {
        Ok(config) => {
            if !crate::strings::is_built_in(&config.book.language)
                && config.strings.len() < crate::strings::keys().len()
            {
                let language = &config.book.language;
                problems.push(
                    Diagnostic::warning(
                        shown,
                        format!(
                            "tenet has no built-in translation of the theme's words for \
                             language `{language}`: those not given in `[strings]` stay English"
                        ),
                    )
                    .help(
                        "add a `[strings]` table to book.toml with your words (the keys are \
                         listed in docs/translations.md), or use en, fr, es, ar, ru or zh",
                    ),
                );
            }
            if config.book.title.trim().is_empty() {
                problems.push(
                    error_at(None, "`[book] title` is empty".into())
                        .help("give the handbook a title"),
                );
            }
            (Some(config), problems)
        }
        Err(e) => {
            let mut message = first_line(e.message()).to_string();
            if message.starts_with("missing field `book`") {
                message = "missing `[book]` table with the handbook's `title`".into();
            } else if message.starts_with("missing field `title`") {
                message = "missing `title` in `[book]`".into();
            }
            problems.push(error_at(e.span(), message));
            (None, problems)
        }
    }
}

fn first_line(message: &str) -> &str {
    message.lines().next().unwrap_or(message).trim()
}

type Report<'a> = dyn FnMut(Range<usize>, String, Option<String>) + 'a;

fn check_keys(table: &DeTable<'_>, report: &mut Report<'_>) {
    let tables: Vec<&str> = SCHEMA.iter().map(|(name, _)| *name).collect();
    for (key, value) in table.iter() {
        let name: &str = key.get_ref();
        let Some((_, keys)) = SCHEMA.iter().find(|(table, _)| *table == name) else {
            let hint = did_you_mean(&suggest_keys(name, &tables))
                .unwrap_or_else(|| format!("known tables: {}", tables.join(", ")));
            report(
                key.span(),
                format!("unknown table `[{name}]` in book.toml"),
                Some(hint),
            );
            continue;
        };
        let DeValue::Table(inner) = value.get_ref() else {
            report(
                key.span(),
                format!("`{name}` must be a table (`[{name}]`)"),
                None,
            );
            continue;
        };
        let string_keys;
        let keys: &[&str] = if name == "strings" {
            string_keys = crate::strings::keys();
            &string_keys
        } else {
            keys
        };
        for (inner_key, _) in inner.iter() {
            let inner_name: &str = inner_key.get_ref();
            if !keys.contains(&inner_name) {
                let hint = did_you_mean(&suggest_keys(inner_name, keys))
                    .unwrap_or_else(|| format!("known keys of [{name}]: {}", keys.join(", ")));
                report(
                    inner_key.span(),
                    format!("unknown key `{inner_name}` in `[{name}]`"),
                    Some(hint),
                );
            }
        }
    }
}

fn suggest_keys<'a>(name: &str, known: &[&'a str]) -> Vec<&'a str> {
    suggest(name, known.iter().copied())
}

/// Where the output goes: `--out` if given, else `[build] output` relative to the handbook.
pub fn output_dir(root: &Path, config: &Config, out: Option<&Path>) -> PathBuf {
    match out {
        Some(out) => out.to_path_buf(),
        None => root.join(&config.build.output),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_str(text: &str) -> (Option<Config>, Vec<String>) {
        let (config, problems) = parse(text, Path::new("book.toml"));
        (config, problems.iter().map(|d| d.to_string()).collect())
    }

    #[test]
    fn defaults_fill_what_is_left_out() {
        let (config, problems) = parse_str("[book]\ntitle = \"T\"\n");
        assert!(problems.is_empty(), "{problems:?}");
        let config = config.unwrap();
        assert_eq!(config.book.language, "en");
        assert_eq!(config.build.output, "site");
        assert!(config.build.minify && config.search.enabled);
        assert_eq!(config.book.direction(), "ltr");
    }

    #[test]
    fn paper_is_a4_unless_letter_is_asked_for() {
        let (config, _) = parse_str("[book]\ntitle = \"T\"\n");
        assert_eq!(config.unwrap().print.paper, Paper::A4);
        let (config, problems) = parse_str("[book]\ntitle = \"T\"\n[print]\npaper = \"Letter\"\n");
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(config.unwrap().print.paper.css(), "letter");
        let (config, problems) = parse_str("[book]\ntitle = \"T\"\n[print]\npaper = \"A3\"\n");
        assert!(config.is_none());
        assert!(
            problems.len() == 1
                && problems[0].starts_with("book.toml:4:")
                && problems[0].contains("A3"),
            "{problems:?}"
        );
    }

    #[test]
    fn every_unknown_key_is_reported_with_position_and_suggestion() {
        let (_, problems) = parse_str(
            "[book]\ntitle = \"T\"\nlangauge = \"fr\"\n\n[build]\nminfy = false\n[serach]\n",
        );
        assert_eq!(problems.len(), 3, "{problems:?}");
        assert!(
            problems[0].starts_with("book.toml:3:1: error: unknown key `langauge` in `[book]`")
        );
        assert!(problems[0].contains("did you mean `language`?"));
        assert!(problems[1].starts_with("book.toml:6:1: error: unknown key `minfy`"));
        assert!(problems[1].contains("`minify`"));
        assert!(problems[2].starts_with("book.toml:7:2: error: unknown table `[serach]`"));
    }

    #[test]
    fn missing_title_and_bad_types_are_errors() {
        let (_, problems) = parse_str("[book]\nlanguage = \"en\"\n");
        assert!(problems[0].contains("missing `title`"), "{problems:?}");
        let (_, problems) = parse_str("[book]\ntitle = \"T\"\n[build]\nminify = \"yes\"\n");
        assert!(problems[0].starts_with("book.toml:4:"), "{problems:?}");
    }

    #[test]
    fn syntax_errors_have_positions() {
        let (config, problems) = parse_str("[book]\ntitle = \"T\n");
        assert!(config.is_none());
        assert!(problems[0].starts_with("book.toml:2:"), "{problems:?}");
    }

    #[test]
    fn right_to_left_languages() {
        let (config, _) = parse_str("[book]\ntitle = \"T\"\nlanguage = \"ar-EG\"\n");
        assert_eq!(config.unwrap().book.direction(), "rtl");
    }

    #[test]
    fn strings_keys_are_checked_and_unknown_languages_warned() {
        let (config, problems) =
            parse_str("[book]\ntitle = \"T\"\n[strings]\naim = \"Purpose\"\nkey_mesage = \"KM\"\n");
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(
            problems[0]
                .starts_with("book.toml:5:1: error: unknown key `key_mesage` in `[strings]`")
        );
        assert!(problems[0].contains("`key_message`"), "{problems:?}");
        assert_eq!(config.unwrap().strings["aim"], "Purpose");
        let (_, problems) = parse_str("[book]\ntitle = \"T\"\nlanguage = \"sw\"\n");
        assert!(
            problems.len() == 1 && problems[0].contains("warning") && problems[0].contains("`sw`"),
            "{problems:?}"
        );
        let (_, problems) = parse_str("[book]\ntitle = \"T\"\nlanguage = \"fr-CA\"\n");
        assert!(problems.is_empty(), "{problems:?}");
    }
}
