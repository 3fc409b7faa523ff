//! `book.toml` → [`Config`], through the chain of bases of a local edition.
//!
//! Every key is checked against the known schema before the values are read, so a typo
//! (`tilte`, `minfy`) is an error that names the file, line, column and the nearest known
//! key, and all such problems of the file are reported together.
//!
//! A local edition's `book.toml` names its `base` (`[edition] base = "../handbook"`). The
//! bases are loaded in turn (an edition of an edition works; a cycle is an error naming the
//! chain), and each file's settings are laid over its base's, key by key: what an edition does
//! not set, it takes from its base. Defaults apply last. [`Loaded::layers`] lists the
//! handbooks from the bottom base up to the edition being built, for the later stages that lay
//! their content, templates and static files over each other the same way.
//!
//! Files: `schema` (the keys, the raw values of one file, reading and checking one file),
//! `csp` (what a Content-Security-Policy blocks),
//! `chain` (an edition's bases), `languages` (`[languages]`); here the settings' types and
//! the loading that puts them together.

mod chain;
pub mod csp;
mod languages;
mod schema;

use chain::load_chain;
use languages::check_languages;
pub use languages::is_language_tag;
use schema::{RawConfig, parse_file};

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::de::{DeTable, DeValue};

use crate::diagnostics::{Diagnostic, LineIndex, Pos, did_you_mean, display_path, suggest};

/// The whole configuration of one handbook (an edition's merged over its bases').
#[derive(Debug, Clone)]
pub struct Config {
    pub book: BookConfig,
    pub build: BuildConfig,
    pub search: SearchConfig,
    pub print: PrintConfig,
    pub check: CheckConfig,
    pub theme: ThemeConfig,
    /// The `[edition]` table of the handbook being built, when it is an edition.
    pub edition: Option<EditionConfig>,
    /// `[strings]`: the handbook's own words for the theme's fixed words, by key.
    pub strings: BTreeMap<String, String>,
    /// `[languages]` of the handbook being built (not inherited by its editions): the other
    /// languages the site is built in, each from a local edition, sorted by tag.
    pub languages: Vec<LanguageConfig>,
}

/// The folder of a language's edition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LanguageEdition {
    /// As written in book.toml (`translations/fr`).
    pub written: String,
    /// Resolved against the book.toml's folder.
    pub root: PathBuf,
    /// As shown in diagnostics.
    pub shown: PathBuf,
}

/// One `[languages.<tag>]` table: a language of a site built in several.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LanguageConfig {
    /// The language tag: the name of the table, of the output sub-folder, and the
    /// `[book] language` of its edition.
    pub tag: String,
    /// How the language switcher names it (default: the language's own name for itself).
    pub name: Option<String>,
    /// The local edition holding the translation; `None` for the handbook's own language.
    pub edition: Option<LanguageEdition>,
    /// Where the table was written in book.toml.
    pub pos: Option<Pos>,
}

/// `[check]`: what to make of problems, by code (README.md, "Diagnostics"): `allow` drops the
/// warnings and notes of these codes, `warn` makes errors of these codes warnings, `deny` makes
/// warnings of these codes (or all, with `"warnings"`) errors.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CheckConfig {
    pub allow: Vec<String>,
    pub warn: Vec<String>,
    pub deny: Vec<String>,
}

/// `[print]`: how handouts and the print view are laid out on paper.
#[derive(Debug, Clone)]
pub struct PrintConfig {
    pub paper: Paper,
    /// Above this many kilobytes of page HTML, the whole-handbook print view is split into a
    /// view per part (`split_above_kb`; default [`PRINT_SPLIT_ABOVE_KB`]).
    pub split_above_kb: u64,
    /// Every build also prints the PDFs, as `tenet build --pdf` (`pdf`; default false).
    pub pdf: bool,
}

impl Default for PrintConfig {
    fn default() -> Self {
        PrintConfig {
            paper: Paper::default(),
            split_above_kb: PRINT_SPLIT_ABOVE_KB,
            pdf: false,
        }
    }
}

/// The default of `[print] split_above_kb`: 8 MB of pages, which make a print view of about
/// 10 MB (a 1,000-page handbook; a browser opens and prints it in seconds).
pub const PRINT_SPLIT_ABOVE_KB: u64 = 8192;

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

#[derive(Debug, Clone)]
pub struct BookConfig {
    pub title: String,
    pub language: String,
    pub edition: Option<String>,
    pub theme: String,
    pub base_url: String,
    pub description: Option<String>,
    /// Who wrote the handbook: `<meta name="author">` of the printable pages, the PDFs' Author.
    pub author: Option<String>,
}

#[derive(Debug, Clone)]
pub struct BuildConfig {
    pub output: String,
    pub minify: Minify,
    pub highlight: bool,
    /// The policy every page carries in `<meta http-equiv="Content-Security-Policy">`; `None`
    /// (`content_security_policy = ""`) for none.
    pub content_security_policy: Option<String>,
}

/// How much a build shrinks what it writes (`[build] minify`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Minify {
    /// `false`: pages, scripts and stylesheets as the theme writes them.
    Off,
    /// `true` (the default): the templates' indentation and the lines their tags stand on are
    /// dropped as they are loaded, so pages come out compact at no cost per page; the theme's
    /// scripts and stylesheets are minified (once per build).
    Compact,
    /// `"full"`: as `true`, and every page through an HTML minifier too (attribute quotes,
    /// whitespace between elements): about 2% fewer bytes for about 1.6 times the build time
    /// (BENCHMARKS.md). Needs the `full-minify` feature; without it, as `true`, with a warning.
    Full,
}

impl Minify {
    /// Whether the theme's scripts and stylesheets are minified.
    pub fn assets(self) -> bool {
        self != Minify::Off
    }
}

impl<'de> serde::Deserialize<'de> for Minify {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = Minify;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("true, false or \"full\"")
            }
            fn visit_bool<E: serde::de::Error>(self, on: bool) -> Result<Minify, E> {
                Ok(if on { Minify::Compact } else { Minify::Off })
            }
            fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<Minify, E> {
                match s {
                    "full" => Ok(Minify::Full),
                    _ => Err(E::invalid_value(serde::de::Unexpected::Str(s), &self)),
                }
            }
        }
        d.deserialize_any(Visitor)
    }
}

/// The default Content-Security-Policy of every page: nothing but the site's own files (and
/// `data:` images); no inline script or style, no plugins, no `<base>`. `file:` stands beside
/// `'self'` for browsers that give a page opened from disk an origin of its own (it allows
/// nothing to a page served over http, which cannot load `file:` URLs).
pub const DEFAULT_CSP: &str =
    "default-src 'self' file:; img-src 'self' file: data:; object-src 'none'; base-uri 'none'";

#[derive(Debug, Clone)]
pub struct SearchConfig {
    pub enabled: bool,
}

/// `[theme]`: branding without touching templates.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ThemeConfig {
    /// Image shown before the title in the header; a file, relative to the book.toml that
    /// names it.
    pub logo: Option<PathBuf>,
    pub favicon: Option<PathBuf>,
    /// CSS colours: `primary` for the header, links and headings' accents, `accent` for
    /// key messages and highlights.
    pub primary: Option<String>,
    pub accent: Option<String>,
    /// Text of the footer, in place of the handbook's title and edition.
    pub footer: Option<String>,
}

/// `[edition]` of one handbook.
#[derive(Debug, Clone)]
pub struct EditionConfig {
    pub base: String,
    pub exclude: Vec<String>,
    pub on_excluded_reference: OnExcluded,
}

/// What a reference to a page the edition excludes becomes (`[edition]
/// on_excluded_reference`). Never a dead link: the reference is plain text, or the build fails.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OnExcluded {
    /// Plain text, with a warning at each such reference (the default): leaving a lesson out
    /// does not stop the edition from building, and the trainer still sees every place that
    /// mentioned it.
    #[default]
    Warn,
    /// Plain text, silently: the trainer has seen the places and accepts them.
    Unlink,
    /// An error: the edition must not mention a page it leaves out.
    Error,
}

/// One handbook of an edition's chain: its folder and what it leaves out of those below.
#[derive(Debug, Clone)]
pub struct Layer {
    pub root: PathBuf,
    /// The language of this handbook's own pages (its `[book] language`, or its base's).
    pub language: String,
    /// The folder as shown in diagnostics.
    pub shown: PathBuf,
    pub exclude: Vec<Exclude>,
    pub on_excluded_reference: OnExcluded,
}

/// One `exclude` pattern, with where it was written.
#[derive(Debug, Clone)]
pub struct Exclude {
    pub pattern: glob::Pattern,
    pub text: String,
    /// The book.toml, as shown.
    pub file: PathBuf,
    pub pos: Option<Pos>,
}

impl Exclude {
    /// Whether the pattern leaves out the page `id`: it matches the id or one of the id's
    /// ancestors (leaving out a module leaves out its lessons). `*` stays within one part of
    /// an id; `**` crosses `/`.
    pub fn matches(&self, id: &str) -> bool {
        let options = glob::MatchOptions {
            case_sensitive: true,
            require_literal_separator: true,
            require_literal_leading_dot: false,
        };
        let mut at = id.len();
        loop {
            if self.pattern.matches_with(&id[..at], options) {
                return true;
            }
            match id[..at].rfind('/') {
                Some(i) => at = i,
                None => return false,
            }
        }
    }
}

/// A handbook's configuration and its chain of handbooks (just itself unless it is an
/// edition).
#[derive(Debug, Clone)]
pub struct Loaded {
    pub config: Config,
    /// Bottom base first, the handbook being built last.
    pub layers: Vec<Layer>,
}

impl BookConfig {
    /// Text direction of the handbook's language: right-to-left scripts get `rtl`.
    pub fn direction(&self) -> &'static str {
        crate::strings::direction(&self.language)
    }

    /// The edition as pages show it: as written (`"2026, édition du centre de Dakar"`), or after
    /// the word for an edition (`word`, in the handbook's language) when it is only a number
    /// or a date (`"2026"` → "Edition 2026"), which alone would not say what it is.
    pub fn edition_line(&self, word: &str) -> Option<String> {
        let edition = self.edition.as_deref()?.trim();
        if edition.is_empty() {
            return None;
        }
        Some(if edition.chars().any(char::is_alphabetic) {
            edition.to_string()
        } else {
            format!("{word} {edition}")
        })
    }

    /// True when `base_url` is an absolute URL (`https://...`), as sitemaps need.
    pub fn has_absolute_base_url(&self) -> bool {
        self.base_url.starts_with("http://") || self.base_url.starts_with("https://")
    }
}

/// Reads `book.toml` in `root` and, for an edition, its bases. Returns the merged
/// configuration and the chain of handbooks (when they could be read at all) and every
/// problem found.
pub fn load(root: &Path, display_root: &Path) -> (Option<Loaded>, Vec<Diagnostic>) {
    let mut problems = Vec::new();
    let mut seen = Vec::new();
    let Some(chain) = load_chain(root, display_root, &mut seen, &mut problems) else {
        return (None, problems);
    };
    let top_shown = display_path(display_root, Path::new("book.toml"));
    let mut raw = RawConfig::default();
    let mut layers = Vec::with_capacity(chain.len());
    let mut language_positions = BTreeMap::new();
    for (mut layer, parsed) in chain {
        raw = parsed.raw.clone().over(raw);
        layer.language = raw.book.language.clone().unwrap_or_else(|| "en".into());
        layers.push(layer);
        language_positions = parsed.at.languages;
    }
    let languages = std::mem::take(&mut raw.languages);
    let mut config = finish(raw, &top_shown, &mut problems);
    if let Some(config) = config.as_mut() {
        config.languages = check_languages(
            languages,
            &config.book.language,
            (root, display_root, &top_shown),
            &language_positions,
            &mut problems,
        );
    }
    (config.map(|config| Loaded { config, layers }), problems)
}

/// The configuration from the merged settings, with defaults, checked; `None` without a title.
fn finish(raw: RawConfig, shown: &Path, problems: &mut Vec<Diagnostic>) -> Option<Config> {
    let Some(config) = raw.finish() else {
        problems.push(
            Diagnostic::error(shown, "missing `title` in `[book]`")
                .help("give the handbook a title: `[book]` then `title = \"...\"`")
                .code("missing-title"),
        );
        return None;
    };
    check_config(&config, shown, problems);
    Some(config)
}

/// Checks of the merged configuration: a language without built-in words.
fn check_config(config: &Config, shown: &Path, problems: &mut Vec<Diagnostic>) {
    if !crate::strings::is_built_in(&config.book.language)
        && config.strings.len() < crate::strings::keys().len()
    {
        let language = &config.book.language;
        problems.push(
            Diagnostic::warning(
                shown,
                format!(
                    "tenet has no built-in translation of the theme's words for language \
                     `{language}`: those not given in `[strings]` stay English"
                ),
            )
            .help(
                "add a `[strings]` table to book.toml with your words (the keys are listed in \
                 docs/translations.md), or use en, fr, es, ar, ru or zh",
            )
            .code("missing-translation"),
        );
    }
}

/// A CSS colour that is safe to put in a stylesheet: a hex colour, a functional notation
/// (`rgb()`, `hsl()`, `oklch()` ...) or a name.
fn is_css_colour(value: &str) -> bool {
    let v = value.trim();
    if let Some(hex) = v.strip_prefix('#') {
        return matches!(hex.len(), 3 | 4 | 6 | 8) && hex.chars().all(|c| c.is_ascii_hexdigit());
    }
    if let Some(open) = v.find('(') {
        let name = &v[..open];
        return matches!(
            name,
            "rgb" | "rgba" | "hsl" | "hsla" | "hwb" | "lab" | "lch" | "oklab" | "oklch"
        ) && v.ends_with(')')
            && v[open + 1..v.len() - 1]
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || " .,%/+-".contains(c));
    }
    !v.is_empty() && v.len() <= 32 && v.chars().all(|c| c.is_ascii_alphabetic())
}

/// Parses the text of one `book.toml` on its own (no base); `shown` is the path used in
/// diagnostics.
pub fn parse(text: &str, shown: &Path) -> (Option<Config>, Vec<Diagnostic>) {
    let (parsed, mut problems) = parse_file(text, shown);
    let Some(parsed) = parsed else {
        return (None, problems);
    };
    let config = finish(parsed.raw, shown, &mut problems);
    (config, problems)
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
        assert!(config.build.minify == Minify::Compact && config.search.enabled);
        assert_eq!(config.book.direction(), "ltr");
    }

    #[test]
    fn a_theme_colour_hard_to_read_is_a_warning_with_its_ratios() {
        let (config, problems) = parse_str(
            "[book]\ntitle = \"T\"\n[theme]\nprimary = \"#ffcc00\"\naccent = \"#a0561a\"\n",
        );
        assert!(config.is_some());
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(problems[0].starts_with("book.toml:4:11: warning: `[theme] primary` = \"#ffcc00\" is hard to read: links in light mode at 1.5:1"), "{problems:?}");
        assert!(
            problems[0].contains("[low-contrast]") || problems[0].contains("darker"),
            "{problems:?}"
        );
        // Key messages' label in a mid orange is below AA on their tint.
        let (_, problems) = parse_str(
            "[book]\ntitle = \"T\"\n[theme]\nprimary = \"#0b6e4f\"\naccent = \"#b5651d\"\n",
        );
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(problems[0].contains("`[theme] accent` = \"#b5651d\" is hard to read: key messages in light mode at 4.0:1"), "{problems:?}");
        // A colour that is no hex colour is not measured.
        let (_, problems) = parse_str("[book]\ntitle = \"T\"\n[theme]\nprimary = \"yellow\"\n");
        assert!(problems.is_empty(), "{problems:?}");
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
        assert!(
            problems[0].contains(r#"true, false or "full""#),
            "{problems:?}"
        );
    }

    #[test]
    fn minify_is_a_switch_or_full() {
        for (value, want) in [
            ("true", Minify::Compact),
            ("false", Minify::Off),
            ("\"full\"", Minify::Full),
        ] {
            let (config, problems) = parse_str(&format!(
                "[book]\ntitle = \"T\"\n[build]\nminify = {value}\n"
            ));
            assert!(problems.is_empty(), "{problems:?}");
            assert_eq!(config.unwrap().build.minify, want, "{value}");
        }
    }

    #[test]
    fn syntax_errors_have_positions() {
        let (config, problems) = parse_str("[book]\ntitle = \"T\n");
        assert!(config.is_none());
        assert!(problems[0].starts_with("book.toml:2:"), "{problems:?}");
    }

    #[test]
    fn an_edition_is_shown_as_written_unless_only_a_number() {
        let book = |edition: &str| {
            let (config, _) =
                parse_str(&format!("[book]\ntitle = \"T\"\nedition = \"{edition}\"\n"));
            config.unwrap().book
        };
        assert_eq!(
            book("2026, édition du centre de Dakar")
                .edition_line("Édition")
                .as_deref(),
            Some("2026, édition du centre de Dakar")
        );
        assert_eq!(
            book("2026").edition_line("Edition").as_deref(),
            Some("Edition 2026")
        );
        assert_eq!(
            book("2.1").edition_line("الطبعة").as_deref(),
            Some("الطبعة 2.1")
        );
        assert_eq!(
            book("Second edition").edition_line("Edition").as_deref(),
            Some("Second edition")
        );
        assert_eq!(book(" ").edition_line("Edition"), None);
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
