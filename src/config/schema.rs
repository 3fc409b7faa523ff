//! The keys `book.toml` may have, the raw values of one file (every one optional, to be laid
//! over a base's), and reading one file: TOML, then every key checked against the schema with
//! its position, then the values.

use super::*;
use serde::Deserialize;

/// The known tables of `book.toml` and their keys.
pub(super) const SCHEMA: &[(&str, &[&str])] = &[
    (
        "book",
        &[
            "title",
            "language",
            "edition",
            "theme",
            "base_url",
            "description",
            "author",
        ],
    ),
    (
        "build",
        &["output", "minify", "highlight", "content_security_policy"],
    ),
    ("search", &["enabled"]),
    ("print", &["paper", "split_above_kb", "pdf"]),
    ("check", &["allow", "warn", "deny"]),
    ("theme", &["logo", "favicon", "primary", "accent", "footer"]),
    ("edition", &["base", "exclude", "on_excluded_reference"]),
    // Its keys are the strings table's, checked in `check_keys`.
    ("strings", &[]),
    // Its keys are language tags, each a table of `LANGUAGE_KEYS`, checked in `check_keys`.
    ("languages", &[]),
];

/// The keys of one `[languages.<tag>]` table.
pub(super) const LANGUAGE_KEYS: &[&str] = &["edition", "name"];

// What one book.toml says, before defaults: every value optional, so that an edition's file
// can be laid over its base's key by key.

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub(super) struct RawConfig {
    pub(super) book: RawBook,
    pub(super) build: RawBuild,
    pub(super) search: RawSearch,
    pub(super) print: RawPrint,
    pub(super) check: RawCheck,
    pub(super) theme: RawTheme,
    pub(super) edition: Option<RawEdition>,
    pub(super) strings: BTreeMap<String, String>,
    pub(super) languages: BTreeMap<String, RawLanguage>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub(super) struct RawLanguage {
    pub(super) edition: Option<String>,
    pub(super) name: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub(super) struct RawBook {
    pub(super) title: Option<String>,
    pub(super) language: Option<String>,
    pub(super) edition: Option<String>,
    pub(super) theme: Option<String>,
    pub(super) base_url: Option<String>,
    pub(super) description: Option<String>,
    pub(super) author: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub(super) struct RawBuild {
    pub(super) output: Option<String>,
    pub(super) minify: Option<Minify>,
    pub(super) highlight: Option<bool>,
    pub(super) content_security_policy: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub(super) struct RawSearch {
    pub(super) enabled: Option<bool>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub(super) struct RawPrint {
    pub(super) paper: Option<Paper>,
    pub(super) split_above_kb: Option<u64>,
    pub(super) pdf: Option<bool>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub(super) struct RawCheck {
    pub(super) allow: Option<Vec<String>>,
    pub(super) warn: Option<Vec<String>>,
    pub(super) deny: Option<Vec<String>>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub(super) struct RawTheme {
    pub(super) logo: Option<PathBuf>,
    pub(super) favicon: Option<PathBuf>,
    pub(super) primary: Option<String>,
    pub(super) accent: Option<String>,
    pub(super) footer: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub(super) struct RawEdition {
    pub(super) base: Option<String>,
    pub(super) exclude: Vec<String>,
    pub(super) on_excluded_reference: Option<OnExcluded>,
}

impl RawConfig {
    /// This file's settings laid over `base`'s: each key this file sets wins.
    pub(super) fn over(self, base: RawConfig) -> RawConfig {
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
                author: self.book.author.or(b.author),
            },
            build: RawBuild {
                output: self.build.output.or(base.build.output),
                minify: self.build.minify.or(base.build.minify),
                highlight: self.build.highlight.or(base.build.highlight),
                content_security_policy: self
                    .build
                    .content_security_policy
                    .or(base.build.content_security_policy),
            },
            search: RawSearch {
                enabled: self.search.enabled.or(base.search.enabled),
            },
            print: RawPrint {
                paper: self.print.paper.or(base.print.paper),
                split_above_kb: self.print.split_above_kb.or(base.print.split_above_kb),
                pdf: self.print.pdf.or(base.print.pdf),
            },
            check: RawCheck {
                allow: self.check.allow.or(base.check.allow),
                warn: self.check.warn.or(base.check.warn),
                deny: self.check.deny.or(base.check.deny),
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
    /// `languages` stays empty: [`super::load`] resolves them against the book.toml's folder.
    pub(super) fn finish(self) -> Option<Config> {
        let book = self.book;
        Some(Config {
            book: BookConfig {
                title: book.title?,
                language: book.language.unwrap_or_else(|| "en".into()),
                edition: book.edition,
                theme: book.theme.unwrap_or_else(|| "default".into()),
                base_url: book.base_url.unwrap_or_else(|| "/".into()),
                description: book.description,
                author: book.author.filter(|a| !a.trim().is_empty()),
            },
            build: BuildConfig {
                output: self.build.output.unwrap_or_else(|| "site".into()),
                minify: self.build.minify.unwrap_or(Minify::Compact),
                highlight: self.build.highlight.unwrap_or(true),
                content_security_policy: match self.build.content_security_policy {
                    Some(policy) if policy.trim().is_empty() => None,
                    Some(policy) => Some(policy),
                    None => Some(super::DEFAULT_CSP.to_string()),
                },
            },
            search: SearchConfig {
                enabled: self.search.enabled.unwrap_or(true),
            },
            print: PrintConfig {
                paper: self.print.paper.unwrap_or_default(),
                split_above_kb: self
                    .print
                    .split_above_kb
                    .unwrap_or(super::PRINT_SPLIT_ABOVE_KB),
                pdf: self.print.pdf.unwrap_or(false),
            },
            check: CheckConfig {
                allow: self.check.allow.unwrap_or_default(),
                warn: self.check.warn.unwrap_or_default(),
                deny: self.check.deny.unwrap_or_default(),
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

/// Where values of one book.toml were written, for problems found after reading it.
#[derive(Debug, Default)]
pub(super) struct Positions {
    pub(super) base: Option<Pos>,
    pub(super) exclude: Vec<Pos>,
    pub(super) logo: Option<Pos>,
    pub(super) favicon: Option<Pos>,
    pub(super) primary: Option<Pos>,
    pub(super) accent: Option<Pos>,
    /// Each `[languages.<tag>]`: where its `edition` is written, or else its name.
    pub(super) languages: BTreeMap<String, Pos>,
}

/// One book.toml, read.
pub(super) struct Parsed {
    pub(super) raw: RawConfig,
    pub(super) at: Positions,
}

pub(super) fn parse_file(text: &str, shown: &Path) -> (Option<Parsed>, Vec<Diagnostic>) {
    let lines = LineIndex::new(text);
    let error_at = |span: Option<Range<usize>>, message: String| {
        let d = Diagnostic::error(shown, message).code("bad-config");
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
    check_keys(table.get_ref(), &mut |span, code, message, help| {
        let mut d = error_at(Some(span), message).code(code);
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
    let minify_at = pos("build", "minify");
    match RawConfig::deserialize(toml::de::Deserializer::from(table)) {
        Ok(raw) => {
            // The full minifier is a feature of the build of tenet (a third of its compile
            // time); without it such pages are written compact.
            if raw.build.minify == Some(Minify::Full) && !cfg!(feature = "full-minify") {
                let mut d = Diagnostic::warning(
                    shown,
                    "`minify = \"full\"` needs a tenet built with the full minifier: pages are written compact, as with `minify = true`",
                )
                .help("install tenet with `cargo install --path . --features full-minify`, or set `minify = true`")
                .code("minify-unavailable");
                if let Some(pos) = minify_at {
                    d = d.at(pos);
                }
                problems.push(d);
            }
            for (key, value, pos) in [
                ("primary", &raw.theme.primary, at.primary),
                ("accent", &raw.theme.accent, at.accent),
            ] {
                if let Some(value) = value
                    && !is_css_colour(value)
                {
                    let mut d = Diagnostic::error(shown, format!("`[theme] {key}` = \"{value}\" is not a colour"))
                        .help("write a CSS colour: \"#1f5fa8\", \"#15a\", \"rgb(31 95 168)\", \"hsl(212 69% 39%)\" or a name like \"teal\"")
                        .code("bad-config");
                    if let Some(pos) = pos {
                        d = d.at(pos);
                    }
                    problems.push(d);
                } else if let Some(rgb) = value.as_deref().and_then(crate::colour::parse_hex) {
                    problems.extend(low_contrast(
                        shown,
                        key,
                        value.as_deref().unwrap_or_default(),
                        rgb,
                        pos,
                    ));
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
                        .help("give the handbook a title")
                        .code("missing-title"),
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

/// A warning for each place the default theme shows a `[theme]` colour as text where it reads
/// below WCAG AA's contrast, with the ratio (one warning per colour, naming every place).
fn low_contrast(
    shown: &Path,
    key: &str,
    written: &str,
    colour: crate::colour::Rgb,
    pos: Option<Pos>,
) -> Option<Diagnostic> {
    let weak: Vec<String> = crate::colour::brand_contrasts(key, colour)
        .into_iter()
        .filter(|(_, _, ratio)| *ratio < crate::colour::AA)
        .map(|(scheme, what, ratio)| format!("{what} in {scheme} mode at {ratio:.1}:1"))
        .collect();
    if weak.is_empty() {
        return None;
    }
    let lighter = if crate::colour::luminance(colour) > 0.18 {
        "a darker"
    } else {
        "another"
    };
    let mut d = Diagnostic::warning(
        shown,
        format!(
            "`[theme] {key}` = \"{written}\" is hard to read: {} (WCAG AA asks 4.5:1)",
            weak.join(", ")
        ),
    )
    .help(format!(
        "choose {lighter} colour; the contrast is measured on the default theme's backgrounds"
    ))
    .code("low-contrast");
    if let Some(pos) = pos {
        d = d.at(pos);
    }
    Some(d)
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

type Report<'a> = dyn FnMut(Range<usize>, &'static str, String, Option<String>) + 'a;

fn check_keys(table: &DeTable<'_>, report: &mut Report<'_>) {
    let tables: Vec<&str> = SCHEMA.iter().map(|(name, _)| *name).collect();
    for (key, value) in table.iter() {
        let name: &str = key.get_ref();
        let Some((_, keys)) = SCHEMA.iter().find(|(table, _)| *table == name) else {
            let hint = did_you_mean(&suggest_keys(name, &tables))
                .unwrap_or_else(|| format!("known tables: {}", tables.join(", ")));
            report(
                key.span(),
                "unknown-key",
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
            "bad-config",
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
                "unknown-key",
                format!("unknown key `{inner_name}` in `[{name}]`"),
                Some(hint),
            );
        }
    }
}

fn suggest_keys<'a>(name: &str, known: &[&'a str]) -> Vec<&'a str> {
    suggest(name, known.iter().copied())
}
