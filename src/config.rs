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

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::de::{DeTable, DeValue};

use crate::diagnostics::{Diagnostic, LineIndex, Pos, did_you_mean, display_path, suggest};

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
    ("theme", &["logo", "favicon", "primary", "accent", "footer"]),
    ("edition", &["base", "exclude", "on_excluded_reference"]),
    // Its keys are the strings table's, checked in `check_keys`.
    ("strings", &[]),
    // Its keys are language tags, each a table of `LANGUAGE_KEYS`, checked in `check_keys`.
    ("languages", &[]),
];

/// The keys of one `[languages.<tag>]` table.
const LANGUAGE_KEYS: &[&str] = &["edition", "name"];

/// The whole configuration of one handbook (an edition's merged over its bases').
#[derive(Debug, Clone)]
pub struct Config {
    pub book: BookConfig,
    pub build: BuildConfig,
    pub search: SearchConfig,
    pub print: PrintConfig,
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

/// `[print]`: how handouts and the print view are laid out on paper.
#[derive(Debug, Clone, Default)]
pub struct PrintConfig {
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

#[derive(Debug, Clone)]
pub struct BookConfig {
    pub title: String,
    pub language: String,
    pub edition: Option<String>,
    pub theme: String,
    pub base_url: String,
    pub description: Option<String>,
}

#[derive(Debug, Clone)]
pub struct BuildConfig {
    pub output: String,
    pub minify: bool,
    pub highlight: bool,
}

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

/// What a reference to a page the edition excludes becomes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OnExcluded {
    /// An error, so the edition never ships a dead link (the default).
    #[default]
    Error,
    /// The link becomes plain text.
    Unlink,
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

// What one book.toml says, before defaults: every value optional, so that an edition's file
// can be laid over its base's key by key.

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
struct RawConfig {
    book: RawBook,
    build: RawBuild,
    search: RawSearch,
    print: RawPrint,
    theme: RawTheme,
    edition: Option<RawEdition>,
    strings: BTreeMap<String, String>,
    languages: BTreeMap<String, RawLanguage>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
struct RawLanguage {
    edition: Option<String>,
    name: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
struct RawBook {
    title: Option<String>,
    language: Option<String>,
    edition: Option<String>,
    theme: Option<String>,
    base_url: Option<String>,
    description: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
struct RawBuild {
    output: Option<String>,
    minify: Option<bool>,
    highlight: Option<bool>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
struct RawSearch {
    enabled: Option<bool>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
struct RawPrint {
    paper: Option<Paper>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
struct RawTheme {
    logo: Option<PathBuf>,
    favicon: Option<PathBuf>,
    primary: Option<String>,
    accent: Option<String>,
    footer: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
struct RawEdition {
    base: Option<String>,
    exclude: Vec<String>,
    on_excluded_reference: Option<OnExcluded>,
}

impl RawConfig {
    /// This file's settings laid over `base`'s: each key this file sets wins.
    fn over(self, base: RawConfig) -> RawConfig {
        let b = base.book;
        let mut strings = base.strings;
        strings.extend(self.strings);
        RawConfig {
            book: RawBook {
                title: self.book.title.or(b.title),
                language: self.book.language.or(b.language),
                edition: self.book.edition.or(b.edition),
                theme: self.book.theme.or(b.theme),
                base_url: self.book.base_url.or(b.base_url),
                description: self.book.description.or(b.description),
            },
            build: RawBuild {
                output: self.build.output.or(base.build.output),
                minify: self.build.minify.or(base.build.minify),
                highlight: self.build.highlight.or(base.build.highlight),
            },
            search: RawSearch {
                enabled: self.search.enabled.or(base.search.enabled),
            },
            print: RawPrint {
                paper: self.print.paper.or(base.print.paper),
            },
            theme: RawTheme {
                logo: self.theme.logo.or(base.theme.logo),
                favicon: self.theme.favicon.or(base.theme.favicon),
                primary: self.theme.primary.or(base.theme.primary),
                accent: self.theme.accent.or(base.theme.accent),
                footer: self.theme.footer.or(base.theme.footer),
            },
            // Each handbook's own: what it excludes applies to those below it, and the languages
            // it is built in are its own site's.
            edition: self.edition,
            strings,
            languages: self.languages,
        }
    }

    /// The configuration with defaults for what no file set. `None` without a title.
    /// `languages` stays empty: [`load`] resolves them against the book.toml's folder.
    fn finish(self) -> Option<Config> {
        let book = self.book;
        Some(Config {
            book: BookConfig {
                title: book.title?,
                language: book.language.unwrap_or_else(|| "en".into()),
                edition: book.edition,
                theme: book.theme.unwrap_or_else(|| "default".into()),
                base_url: book.base_url.unwrap_or_else(|| "/".into()),
                description: book.description,
            },
            build: BuildConfig {
                output: self.build.output.unwrap_or_else(|| "site".into()),
                minify: self.build.minify.unwrap_or(true),
                highlight: self.build.highlight.unwrap_or(true),
            },
            search: SearchConfig {
                enabled: self.search.enabled.unwrap_or(true),
            },
            print: PrintConfig {
                paper: self.print.paper.unwrap_or_default(),
            },
            theme: ThemeConfig {
                logo: self.theme.logo,
                favicon: self.theme.favicon,
                primary: self.theme.primary,
                accent: self.theme.accent,
                footer: self.theme.footer,
            },
            edition: self.edition.map(|e| EditionConfig {
                base: e.base.unwrap_or_default(),
                exclude: e.exclude,
                on_excluded_reference: e.on_excluded_reference.unwrap_or_default(),
            }),
            strings: self.strings,
            languages: Vec::new(),
        })
    }
}

impl BookConfig {
    /// Text direction of the handbook's language: right-to-left scripts get `rtl`.
    pub fn direction(&self) -> &'static str {
        crate::strings::direction(&self.language)
    }

    /// True when `base_url` is an absolute URL (`https://...`), as sitemaps need.
    pub fn has_absolute_base_url(&self) -> bool {
        self.base_url.starts_with("http://") || self.base_url.starts_with("https://")
    }
}

/// Where values of one book.toml were written, for problems found after reading it.
#[derive(Debug, Default)]
struct Positions {
    base: Option<Pos>,
    exclude: Vec<Pos>,
    logo: Option<Pos>,
    favicon: Option<Pos>,
    primary: Option<Pos>,
    accent: Option<Pos>,
    /// Each `[languages.<tag>]`: where its `edition` is written, or else its name.
    languages: BTreeMap<String, Pos>,
}

/// One book.toml, read.
struct Parsed {
    raw: RawConfig,
    at: Positions,
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

/// Resolves and checks `[languages]` of the handbook being built (in `own` language, its
/// folder, that folder as shown, its book.toml as shown): tags that can name a folder, an
/// edition for every other language, and a book.toml in each edition's folder. Entries with
/// problems are left out (the problems are errors).
fn check_languages(
    raw: BTreeMap<String, RawLanguage>,
    own: &str,
    (root, display_root, shown): (&Path, &Path, &Path),
    positions: &BTreeMap<String, Pos>,
    problems: &mut Vec<Diagnostic>,
) -> Vec<LanguageConfig> {
    let mut languages: Vec<LanguageConfig> = Vec::new();
    for (tag, language) in raw {
        let pos = positions.get(&tag).copied();
        let error = |message: String, help: &str| {
            let d = Diagnostic::error(shown, message).help(help);
            match pos {
                Some(pos) => d.at(pos),
                None => d,
            }
        };
        if !is_language_tag(&tag) {
            problems.push(error(
                format!("`[languages.{tag}]`: `{tag}` is not a language tag"),
                "name each language by its BCP 47 tag, such as `fr`, `es-419` or `zh-Hans`; it names the sub-folder of the site",
            ));
            continue;
        }
        if languages.iter().any(|l| l.tag.eq_ignore_ascii_case(&tag)) {
            problems.push(error(
                format!("`[languages.{tag}]` names a language already listed in another case"),
                "list each language once; its tag names a folder of the site",
            ));
            continue;
        }
        if tag.eq_ignore_ascii_case(own) {
            if language.edition.is_some() {
                problems.push(error(
                    format!("`[languages.{tag}]` is this handbook's own language: it has no edition"),
                    "remove `edition` from this table (keep `name` to name the language in the switcher), or change `[book] language`",
                ));
                continue;
            }
            languages.push(LanguageConfig {
                tag,
                name: language.name,
                edition: None,
                pos,
            });
            continue;
        }
        let Some(written) = language.edition else {
            problems.push(error(
                format!("`[languages.{tag}]` names no `edition`"),
                "give the folder of the local edition that translates this handbook: `edition = \"translations/fr\"` (make one with `tenet edition new`)",
            ));
            continue;
        };
        let path = Path::new(&written);
        let folder = root.join(path);
        let folder_shown = display_path(display_root, path);
        if !folder.join("book.toml").is_file() {
            problems.push(error(
                format!(
                    "`[languages.{tag}]`: the edition `{}` was not found: there is no {}",
                    path.display(),
                    folder_shown.join("book.toml").display()
                ),
                "`edition` is the folder of a local edition (holding its book.toml), relative to this book.toml",
            ));
            continue;
        }
        languages.push(LanguageConfig {
            tag,
            name: language.name,
            edition: Some(LanguageEdition {
                root: folder,
                shown: folder_shown,
                written,
            }),
            pos,
        });
    }
    languages
}

/// Whether `tag` looks like a BCP 47 language tag (`fr`, `es-419`, `zh-Hans-CN`): letters and
/// digits in parts of 1–8, the first part 2–8 letters. Such a tag is also a safe folder name.
pub fn is_language_tag(tag: &str) -> bool {
    let mut parts = tag.split('-');
    let first = parts.next().unwrap_or_default();
    (2..=8).contains(&first.len())
        && first.chars().all(|c| c.is_ascii_alphabetic())
        && parts.all(|p| (1..=8).contains(&p.len()) && p.chars().all(|c| c.is_ascii_alphanumeric()))
}

/// Loads the book.toml in `root` and, first, its bases: bottom base first.
fn load_chain(
    root: &Path,
    shown_root: &Path,
    seen: &mut Vec<(PathBuf, PathBuf)>,
    problems: &mut Vec<Diagnostic>,
) -> Option<Vec<(Layer, Parsed)>> {
    let shown = display_path(shown_root, Path::new("book.toml"));
    let bytes = match std::fs::read(root.join("book.toml")) {
        Ok(bytes) => bytes,
        Err(err) => {
            problems.push(
                Diagnostic::error(&shown, format!("cannot read book.toml: {err}"))
                    .help("a handbook folder needs a book.toml with at least `[book]` and `title`"),
            );
            return None;
        }
    };
    let text = match crate::source::decode(bytes, &shown) {
        Ok(text) => text,
        Err(d) => {
            problems.push(d);
            return None;
        }
    };
    let (parsed, found) = parse_file(&text, &shown);
    problems.extend(found);
    let mut parsed = parsed?;
    let canonical = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    seen.push((canonical, shown.clone()));

    // Branding files are named relative to the book.toml that names them.
    let theme = &mut parsed.raw.theme;
    for (file, pos, key) in [
        (&mut theme.logo, parsed.at.logo, "logo"),
        (&mut theme.favicon, parsed.at.favicon, "favicon"),
    ] {
        if let Some(path) = file.as_mut() {
            let full = root.join(&*path);
            if !full.is_file() {
                let mut d = Diagnostic::error(
                    &shown,
                    format!(
                        "`[theme] {key}`: there is no file {}",
                        display_path(shown_root, path).display()
                    ),
                )
                .help("name an image file, relative to this book.toml (for example \"static/logo.svg\")");
                if let Some(pos) = pos {
                    d = d.at(pos);
                }
                problems.push(d);
            }
            *path = full;
        }
    }

    let mut exclude = Vec::new();
    let mut on_excluded_reference = OnExcluded::Error;
    let mut below = Vec::new();
    if let Some(edition) = &parsed.raw.edition {
        on_excluded_reference = edition.on_excluded_reference.unwrap_or_default();
        for (i, text) in edition.exclude.iter().enumerate() {
            let pos = parsed.at.exclude.get(i).copied();
            match glob::Pattern::new(text.trim_matches('/')) {
                Ok(pattern) => exclude.push(Exclude {
                    pattern,
                    text: text.clone(),
                    file: shown.clone(),
                    pos,
                }),
                Err(e) => {
                    let mut d = Diagnostic::error(
                        &shown,
                        format!("`exclude` pattern `{text}` is not a valid glob: {}", e.msg),
                    )
                    .help(
                        "write page ids with `*` for any part of one name and `**` for any depth",
                    );
                    if let Some(pos) = pos {
                        d = d.at(pos);
                    }
                    problems.push(d);
                }
            }
        }
        let at = |d: Diagnostic| match parsed.at.base {
            Some(pos) => d.at(pos),
            None => d,
        };
        let Some(base) = edition.base.as_deref() else {
            problems.push(at(Diagnostic::error(&shown, "`[edition]` has no `base`")
                .help("name the folder of the handbook this edition customises: `base = \"../handbook\"`")));
            return None;
        };
        let base_root = root.join(base);
        let base_shown = display_path(shown_root, Path::new(base));
        if !base_root.join("book.toml").is_file() {
            problems.push(at(Diagnostic::error(
                &shown,
                format!(
                    "the base handbook `{base}` was not found: there is no {}",
                    base_shown.join("book.toml").display()
                ),
            )
            .help("`base` is the folder of the base handbook (the one holding its book.toml), relative to this book.toml")));
            return None;
        }
        let canonical = base_root
            .canonicalize()
            .unwrap_or_else(|_| base_root.clone());
        if let Some(start) = seen.iter().position(|(c, _)| *c == canonical) {
            let mut chain: Vec<String> = seen[start..]
                .iter()
                .map(|(_, s)| s.display().to_string())
                .collect();
            chain.push(seen[start].1.display().to_string());
            problems.push(at(Diagnostic::error(
                &shown,
                format!("the editions' bases form a cycle: {}", chain.join(" → ")),
            )
            .help("a base cannot be built on the edition that uses it: point `base` at the original handbook")));
            return None;
        }
        below = load_chain(&base_root, &base_shown, seen, problems)?;
    }
    below.push((
        Layer {
            root: root.to_path_buf(),
            language: String::new(),
            shown: shown_root.to_path_buf(),
            exclude,
            on_excluded_reference,
        },
        parsed,
    ));
    Some(below)
}

/// The configuration from the merged settings, with defaults, checked; `None` without a title.
fn finish(raw: RawConfig, shown: &Path, problems: &mut Vec<Diagnostic>) -> Option<Config> {
    let Some(config) = raw.finish() else {
        problems.push(
            Diagnostic::error(shown, "missing `title` in `[book]`")
                .help("give the handbook a title: `[book]` then `title = \"...\"`"),
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
            ),
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

fn parse_file(text: &str, shown: &Path) -> (Option<Parsed>, Vec<Diagnostic>) {
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
    let pos = |table_name: &str, key: &str| {
        value_of(table.get_ref(), table_name, key).map(|v| lines.pos(v.span().start))
    };
    let at = Positions {
        base: pos("edition", "base"),
        exclude: match value_of(table.get_ref(), "edition", "exclude").map(|v| v.get_ref()) {
            Some(DeValue::Array(items)) => items
                .iter()
                .map(|item| lines.pos(item.span().start))
                .collect(),
            _ => Vec::new(),
        },
        logo: pos("theme", "logo"),
        favicon: pos("theme", "favicon"),
        primary: pos("theme", "primary"),
        accent: pos("theme", "accent"),
        languages: language_positions(table.get_ref(), &lines),
    };
    match RawConfig::deserialize(toml::de::Deserializer::from(table)) {
        Ok(raw) => {
            for (key, value, pos) in [
                ("primary", &raw.theme.primary, at.primary),
                ("accent", &raw.theme.accent, at.accent),
            ] {
                if let Some(value) = value
                    && !is_css_colour(value)
                {
                    let mut d = Diagnostic::error(shown, format!("`[theme] {key}` = \"{value}\" is not a colour"))
                        .help("write a CSS colour: \"#1f5fa8\", \"#15a\", \"rgb(31 95 168)\", \"hsl(212 69% 39%)\" or a name like \"teal\"");
                    if let Some(pos) = pos {
                        d = d.at(pos);
                    }
                    problems.push(d);
                }
            }
            if raw
                .book
                .title
                .as_deref()
                .is_some_and(|t| t.trim().is_empty())
            {
                problems.push(
                    error_at(None, "`[book] title` is empty".into())
                        .help("give the handbook a title"),
                );
            }
            (Some(Parsed { raw, at }), problems)
        }
        Err(e) => {
            let message = first_line(e.message()).to_string();
            problems.push(error_at(e.span(), message));
            (None, problems)
        }
    }
}

/// Where each `[languages.<tag>]` is written: its `edition` value, or else its name.
fn language_positions(root: &DeTable<'_>, lines: &LineIndex) -> BTreeMap<String, Pos> {
    let Some((_, languages)) = root.iter().find(|(k, _)| k.get_ref() == "languages") else {
        return BTreeMap::new();
    };
    let DeValue::Table(languages) = languages.get_ref() else {
        return BTreeMap::new();
    };
    languages
        .iter()
        .map(|(tag, value)| {
            let edition = match value.get_ref() {
                DeValue::Table(t) => t
                    .iter()
                    .find(|(k, _)| k.get_ref() == "edition")
                    .map(|(_, v)| v.span().start),
                _ => None,
            };
            let at = edition.unwrap_or(tag.span().start);
            (tag.get_ref().to_string(), lines.pos(at))
        })
        .collect()
}

/// The value of `key` in `[table]`, with its span.
fn value_of<'a, 'i>(
    root: &'a DeTable<'i>,
    table: &str,
    key: &str,
) -> Option<&'a toml::Spanned<DeValue<'i>>> {
    let (_, inner) = root.iter().find(|(k, _)| k.get_ref() == table)?;
    let DeValue::Table(inner) = inner.get_ref() else {
        return None;
    };
    inner
        .iter()
        .find(|(k, _)| k.get_ref() == key)
        .map(|(_, v)| v)
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
        if name == "languages"
            && let DeValue::Table(inner) = value.get_ref()
        {
            for (tag, value) in inner.iter() {
                let tag = tag.get_ref();
                check_table(&format!("languages.{tag}"), value, LANGUAGE_KEYS, report);
            }
            continue;
        }
        let string_keys;
        let keys: &[&str] = if name == "strings" {
            string_keys = crate::strings::keys();
            &string_keys
        } else {
            keys
        };
        check_table(name, value, keys, report);
    }
}

/// Checks that `value` is a table (`[name]`) whose keys are all `keys`.
fn check_table(
    name: &str,
    value: &toml::Spanned<DeValue<'_>>,
    keys: &[&str],
    report: &mut Report<'_>,
) {
    let DeValue::Table(inner) = value.get_ref() else {
        report(
            value.span(),
            format!("`{name}` must be a table (`[{name}]`)"),
            None,
        );
        return;
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
