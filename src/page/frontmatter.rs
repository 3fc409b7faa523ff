//! Front matter: the `+++` TOML or `---` YAML header of a page → [`FrontMatter`].
//!
//! Errors point at the line inside the file (not inside the header). Unknown keys are errors
//! with the nearest known key, as in `book.toml`: a typo such as `principals` must not drop a
//! relation silently.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde::de::IgnoredAny;

use super::Kind;
use crate::diagnostics::{LineIndex, Pos, did_you_mean, suggest};
use crate::source::{Format, Frame, frame};

const KEYS: &[&str] = &[
    "title",
    "kind",
    "id",
    "number",
    "weight",
    "summary",
    "principles",
    "related",
    "tags",
    "aim",
    "duration",
    "outcomes",
    "draft",
    "base_hash",
];

/// A value from the front matter with the place it was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Located<T> {
    pub value: T,
    pub pos: Pos,
}

/// The checked front matter of one page.
#[derive(Debug, Clone, Default)]
pub struct FrontMatter {
    pub title: String,
    pub kind: Kind,
    pub id: Option<Located<String>>,
    pub number: Option<String>,
    pub weight: Option<i64>,
    pub summary: Option<String>,
    pub principles: Vec<Located<String>>,
    pub related: Vec<Located<String>>,
    pub tags: Vec<String>,
    pub aim: Option<String>,
    pub duration: Option<String>,
    pub outcomes: Vec<String>,
    pub draft: bool,
    /// In a local edition's copy of a base page: the hash of the base page it was made from
    /// (`tenet edition override` writes it; `tenet edition status` compares it).
    pub base_hash: Option<String>,
}

/// Strings or numbers (`number = 1` and `number = "1.3"` both work).
#[derive(Deserialize)]
#[serde(untagged)]
enum Scalar {
    Text(String),
    Int(i64),
    Float(f64),
}

impl Scalar {
    fn into_string(self) -> String {
        match self {
            Scalar::Text(s) => s,
            Scalar::Int(i) => i.to_string(),
            Scalar::Float(f) => f.to_string(),
        }
    }
}

#[derive(Deserialize)]
struct Raw {
    title: Option<String>,
    kind: Option<String>,
    id: Option<String>,
    number: Option<Scalar>,
    weight: Option<i64>,
    summary: Option<String>,
    principles: Option<Vec<String>>,
    related: Option<Vec<String>>,
    tags: Option<Vec<String>>,
    aim: Option<String>,
    duration: Option<Scalar>,
    outcomes: Option<Vec<String>>,
    draft: Option<bool>,
    base_hash: Option<String>,
    #[serde(flatten)]
    unknown: BTreeMap<String, IgnoredAny>,
}

/// Where the parts of a page's text are: the header and the markdown body.
#[derive(Debug, Clone)]
pub struct Split<'a> {
    pub format: Format,
    /// The header text, between the delimiter lines.
    pub header: &'a str,
    /// Byte offset of the header text in the file.
    pub header_start: usize,
    /// Byte offset of the markdown body in the file.
    pub body_start: usize,
}

impl Format {
    fn delimiter(self) -> &'static str {
        match self {
            Format::Toml => "+++",
            Format::Yaml => "---",
        }
    }
}

/// Finds the front matter at the top of `text`.
pub fn split(text: &str) -> Result<Split<'_>, (Pos, String, String)> {
    match frame(text.as_bytes()) {
        Frame::Closed {
            format,
            header_start,
            header_end,
            body_start,
        } => Ok(Split {
            format,
            header: &text[header_start..header_end],
            header_start,
            body_start,
        }),
        Frame::Missing { .. } => Err((
            Pos::START,
            "the page has no front matter".into(),
            "start the file with a header such as:\n  +++\n  title = \"...\"\n  +++".into(),
        )),
        Frame::Unclosed { format } => {
            let first = format.delimiter();
            Err((
                Pos::START,
                format!("the front matter opened with `{first}` is never closed"),
                format!("add a line `{first}` after the last key of the header"),
            ))
        }
    }
}

/// Parses and checks the header. `lines` indexes the whole file, so positions are file positions.
pub fn parse(
    split: &Split<'_>,
    lines: &LineIndex<'_>,
    problems: &mut Vec<super::Problem>,
) -> Option<FrontMatter> {
    let at = |offset_in_header: usize| lines.pos(split.header_start + offset_in_header);
    let raw: Raw = match split.format {
        Format::Toml => match toml::from_str::<Raw>(split.header) {
            Ok(raw) => raw,
            Err(e) => {
                let pos = e.span().map(|s| at(s.start)).unwrap_or(at(0));
                problems.push((
                    pos,
                    "front-matter",
                    format!("invalid TOML front matter: {}", first_line(e.message())),
                    None,
                ));
                return None;
            }
        },
        Format::Yaml => match serde_norway::from_str::<Raw>(split.header) {
            Ok(raw) => raw,
            Err(e) => {
                let pos = match e.location() {
                    Some(loc) => {
                        let header_line = lines.pos(split.header_start).line;
                        Pos {
                            line: header_line + loc.line() - 1,
                            column: loc.column(),
                        }
                    }
                    None => at(0),
                };
                let message = e.to_string();
                let message = message
                    .split(" at line ")
                    .next()
                    .unwrap_or(&message)
                    .to_string();
                problems.push((
                    pos,
                    "front-matter",
                    format!("invalid YAML front matter: {message}"),
                    None,
                ));
                return None;
            }
        },
    };
    for key in raw.unknown.keys() {
        let pos = locate_key(split.header, key).map(at).unwrap_or(at(0));
        let hint = did_you_mean(&suggest(key, KEYS.iter().copied()))
            .unwrap_or_else(|| format!("known keys: {}", KEYS.join(", ")));
        problems.push((
            pos,
            "unknown-key",
            format!("unknown front-matter key `{key}`"),
            Some(hint),
        ));
    }
    let title = match raw.title {
        Some(t) if !t.trim().is_empty() => t,
        _ => {
            problems.push((
                lines.pos(0),
                "missing-title",
                "the page has no `title`".into(),
                Some("add `title = \"...\"` to the front matter".into()),
            ));
            String::new()
        }
    };
    let kind = match raw.kind.as_deref() {
        None => Kind::Page,
        Some(name) => match Kind::parse(name) {
            Some(kind) => kind,
            None => {
                let names: Vec<&str> = Kind::ALL.iter().map(|k| k.name()).collect();
                let pos = locate_key(split.header, "kind").map(at).unwrap_or(at(0));
                let hint = did_you_mean(&suggest(name, names.iter().copied()))
                    .unwrap_or_else(|| format!("known kinds: {}", names.join(", ")));
                problems.push((
                    pos,
                    "unknown-kind",
                    format!("unknown kind `{name}`"),
                    Some(hint),
                ));
                Kind::Page
            }
        },
    };
    let located_list = |key: &str, values: Option<Vec<String>>| -> Vec<Located<String>> {
        let key_offset = locate_key(split.header, key);
        values
            .unwrap_or_default()
            .into_iter()
            .map(|value| {
                let offset = key_offset
                    .and_then(|k| split.header[k..].find(value.as_str()).map(|v| k + v))
                    .or(key_offset)
                    .unwrap_or(0);
                Located {
                    pos: at(offset),
                    value,
                }
            })
            .collect()
    };
    let id = raw.id.map(|value| Located {
        pos: locate_key(split.header, "id").map(at).unwrap_or(at(0)),
        value,
    });
    Some(FrontMatter {
        title,
        kind,
        id,
        number: raw.number.map(Scalar::into_string),
        weight: raw.weight,
        summary: raw.summary,
        principles: located_list("principles", raw.principles),
        related: located_list("related", raw.related),
        tags: raw.tags.unwrap_or_default(),
        aim: raw.aim,
        duration: raw.duration.map(Scalar::into_string),
        outcomes: raw.outcomes.unwrap_or_default(),
        draft: raw.draft.unwrap_or(false),
        base_hash: raw.base_hash,
    })
}

/// Byte offset (in the header) of the line that sets `key`, in TOML or YAML.
fn locate_key(header: &str, key: &str) -> Option<usize> {
    let mut offset = 0;
    for line in header.split_inclusive('\n') {
        let trimmed = line.trim_start();
        let indent = line.len() - trimmed.len();
        let unquoted = trimmed.trim_start_matches(['"', '\'']);
        if let Some(rest) = unquoted.strip_prefix(key) {
            let rest = rest.trim_start_matches(['"', '\'']).trim_start();
            if rest.starts_with('=') || rest.starts_with(':') {
                return Some(offset + indent);
            }
        }
        offset += line.len();
    }
    None
}

fn first_line(message: &str) -> &str {
    message.lines().next().unwrap_or(message).trim()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(text: &str) -> (Option<FrontMatter>, Vec<String>) {
        let split = split(text).unwrap();
        let lines = LineIndex::new(text);
        let mut problems = Vec::new();
        let fm = parse(&split, &lines, &mut problems);
        let problems = problems
            .into_iter()
            .map(|(pos, _, message, _)| format!("{}:{}: {message}", pos.line, pos.column))
            .collect();
        (fm, problems)
    }

    #[test]
    fn toml_and_yaml_give_the_same_front_matter() {
        let toml = "+++\ntitle = \"Consent\"\nkind = \"principle\"\nnumber = 1.3\nprinciples = [\"a\", \"b\"]\n+++\nbody";
        let yaml = "---\ntitle: Consent\nkind: principle\nnumber: \"1.3\"\nprinciples:\n  - a\n  - b\n---\nbody";
        for text in [toml, yaml] {
            let (fm, problems) = run(text);
            assert!(problems.is_empty(), "{problems:?}");
            let fm = fm.unwrap();
            assert_eq!(fm.title, "Consent");
            assert_eq!(fm.kind, Kind::Principle);
            assert_eq!(fm.number.as_deref(), Some("1.3"));
            assert_eq!(
                fm.principles
                    .iter()
                    .map(|p| p.value.as_str())
                    .collect::<Vec<_>>(),
                ["a", "b"]
            );
        }
        assert_eq!(
            run(toml).0.unwrap().principles[1].pos,
            Pos {
                line: 5,
                column: 21
            }
        );
        assert_eq!(
            run(yaml).0.unwrap().principles[1].pos,
            Pos { line: 7, column: 5 }
        );
    }

    #[test]
    fn errors_point_into_the_file() {
        let (_, problems) = run("+++\ntitle = \"A\"\nweight = \"heavy\"\n+++\n");
        assert!(problems[0].starts_with("3:"), "{problems:?}");
        let (_, problems) = run("---\ntitle: A\nkind: [oops\n---\n");
        assert!(
            problems[0].starts_with("4:") || problems[0].starts_with("3:"),
            "{problems:?}"
        );
        let (_, problems) =
            run("+++\ntitle = \"A\"\nprincipals = [\"x\"]\nkind = \"lessen\"\n+++\n");
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert!(
            problems
                .iter()
                .any(|p| p.starts_with("3:1: unknown front-matter key `principals`"))
        );
        assert!(
            problems
                .iter()
                .any(|p| p.starts_with("4:1: unknown kind `lessen`"))
        );
    }

    #[test]
    fn missing_title_and_unclosed_header() {
        let (_, problems) = run("+++\nkind = \"lesson\"\n+++\n");
        assert!(problems[0].contains("no `title`"));
        assert!(split("+++\ntitle = \"x\"\n").is_err());
        assert!(split("# no header\n").is_err());
        let crlf = split("+++\r\ntitle = \"x\"\r\n+++\r\nbody").unwrap();
        assert_eq!(crlf.body_start, "+++\r\ntitle = \"x\"\r\n+++\r\n".len());
    }
}
