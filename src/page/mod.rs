//! Parse: one [`Source`] → one [`ParsedPage`] (front matter, blocks, headings, references and
//! the body as HTML), in a single markdown pass.
//!
//! The body HTML still holds *tokens* where things are only known after resolving: the URL and
//! text of each cross-reference and the opening and closing of each `:::` block (whose label
//! words come from the theme's strings). [`tokens`] defines and substitutes them.

pub mod blocks;
pub mod frontmatter;
pub mod markdown;
pub mod refs;
pub mod slug;
pub mod tokens;

use std::ops::Range;
use std::path::PathBuf;

use crate::diagnostics::{Diagnostic, LineIndex, Pos};
use crate::source::Source;

pub use crate::model::{BlockKind, Kind};
pub use blocks::BlockSpec;
pub use frontmatter::{FrontMatter, Located};

/// What a page asks the browser to run inline or load from elsewhere (see
/// [`ParsedPage::loads`]).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Load {
    Inline(crate::linkcheck::html::Inline),
    /// An image, a media file, a frame or an object from another site.
    External(crate::linkcheck::UrlKind, String),
}
/// A problem found in a page's text, before it becomes a [`Diagnostic`] of the page's file:
/// where, its code ([`Diagnostic::code`]), the message, and what to do about it.
pub type Problem = (Pos, &'static str, String, Option<String>);

/// A heading of a page, with its anchor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Heading {
    pub level: u8,
    pub anchor: String,
    pub text: String,
}

/// A block of a page: what was written, and where its content sits in the body HTML.
#[derive(Debug, Clone)]
pub struct Block {
    pub spec: BlockSpec,
    /// Byte range of the block's inner HTML (without its own open/close tokens) in `body`.
    pub inner: Range<usize>,
}

/// What a reference points at, as written.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum RefTarget {
    /// `[[id]]`, `[[id#anchor]]`: a page id (full or short) and an optional anchor.
    Id { id: String, anchor: Option<String> },
    /// `[text](../x/y.md#anchor)`: a file under `content/` (normalised) and an optional anchor.
    File {
        path: String,
        anchor: Option<String>,
        written: String,
    },
}

/// A markdown link or image to a file that is not a page (`![map](map.png)`, `[form](form.pdf)`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileRef {
    /// From the output root: the path under content/ (or under static/, which lands there too).
    pub path: String,
    /// As written.
    pub written: String,
    pub image: bool,
    pub pos: Pos,
}

/// One cross-reference in a page body.
#[derive(Debug, Clone)]
pub struct Ref {
    pub target: RefTarget,
    pub pos: Pos,
    /// The innermost block the reference sits in.
    pub block: Option<usize>,
    /// True when the author gave the link text (`[[id|text]]`, `[text](x.md)`).
    pub has_text: bool,
    /// The link's title (`[text](x.md "title")`).
    pub title: Option<String>,
}

/// A page after parsing: complete on its own, before any cross-page resolution.
#[derive(Debug, Clone)]
pub struct ParsedPage {
    /// Path under `content/` (`lessons/1.3-principles.md`).
    pub rel: String,
    /// Path as shown in diagnostics.
    pub shown: PathBuf,
    pub id: String,
    pub id_pos: Pos,
    pub fm: FrontMatter,
    /// Body HTML with tokens (see [`tokens`]).
    pub body: crate::spill::Text,
    pub headings: refs::Headings,
    pub blocks: Vec<Block>,
    /// Its references, in the order of the body's tokens (read back with `refs.read()`).
    pub refs: refs::Refs,
    /// Links and images to files of the handbook that are not pages, checked once every
    /// file is known.
    pub files: Vec<FileRef>,
    /// Links to other sites (`http://`, `https://`), as written, for `check --external`.
    pub external: Vec<(String, Pos)>,
    /// Inline code and files from other sites the page's raw HTML and images ask for, which a
    /// Content-Security-Policy may block.
    pub loads: Vec<(Load, Pos)>,
    /// URLs the page writes as they are (raw HTML's, markdown links to `#anchors` and
    /// root-relative paths), with their positions: where the link check reports a broken one.
    pub urls: Vec<(String, Pos)>,
    /// Plain text of the first paragraph, for summaries.
    pub lead: Option<crate::spill::Text>,
    pub has_code: bool,
    /// Size of the markdown source in bytes.
    pub source_len: usize,
    /// A hash of everything the parse read (the source, its place, the parse settings): two
    /// pages with the same hash have the same body, blocks, headings and references.
    pub source_hash: u64,
    /// A hash of what other pages can show of this one (all but its body and references):
    /// its id, front matter, lead, language, headings and blocks as written.
    pub facet_hash: u64,
    /// Which handbook of an edition's chain the page comes from (0: the bottom base).
    pub layer: usize,
    /// The page's language where it differs from the handbook's (a base page an edition in
    /// another language has not translated), from its source.
    pub language: Option<String>,
}

/// What the parse of one file gives: the page, and the plain text of its parts (for the search
/// index, which records it from there; the page does not keep it).
#[derive(Debug, Clone)]
pub struct Parsed {
    pub page: ParsedPage,
    pub text: Vec<markdown::TextPart>,
}

/// Settings the parse stage needs.
#[derive(Clone, Copy)]
pub struct ParseOptions {
    pub highlight: bool,
}

/// Parses one source file. Returns `None` for drafts and for files whose front matter could
/// not be read; problems are returned either way.
pub fn parse(source: &Source, options: ParseOptions) -> (Option<Parsed>, Vec<Diagnostic>) {
    let text = source.text.as_str();
    let lines = LineIndex::new(text);
    let mut problems: Vec<Problem> = Vec::new();
    let finish = |problems: Vec<Problem>| -> Vec<Diagnostic> {
        problems
            .into_iter()
            .map(|(pos, code, message, help)| {
                let d = match code {
                    // Cut, and shown all the same.
                    "nesting-too-deep" => Diagnostic::warning(&source.shown, message),
                    _ => Diagnostic::error(&source.shown, message),
                };
                let d = d.at(pos).code(code);
                match help {
                    Some(h) => d.help(h),
                    None => d,
                }
            })
            .collect()
    };
    let split = match frontmatter::split(text) {
        Ok(split) => split,
        Err((pos, message, help)) => {
            problems.push((pos, "front-matter", message, Some(help)));
            return (None, finish(problems));
        }
    };
    let Some(fm) = frontmatter::parse(&split, &lines, &mut problems) else {
        return (None, finish(problems));
    };
    if fm.draft {
        return (None, finish(problems));
    }
    let (id, id_pos) = match &fm.id {
        Some(located) => {
            let id = located.value.trim_matches('/').to_string();
            if let Err(why) = check_id(&id) {
                problems.push((
                    located.pos,
                    "invalid-id",
                    format!("invalid id `{}`: {why}", located.value.escape_debug()),
                    None,
                ));
            }
            (id, located.pos)
        }
        None => (default_id(&source.rel), Pos::START),
    };
    if fm.id.is_none()
        && let Err(why) = check_id(&id)
    {
        problems.push((
            Pos::START,
            "invalid-id",
            format!(
                "this file's path gives the invalid id `{}`: {why}",
                id.escape_debug()
            ),
            Some("rename the file or set `id` in the front matter".into()),
        ));
    }
    let body = &text[split.body_start..];
    let pre = blocks::preprocess(body, split.body_start, &lines, &mut problems);
    let rendered = markdown::render(
        &pre,
        &markdown::Context {
            rel: &source.rel,
            id: &id,
            body_start: split.body_start,
            lines: &lines,
            highlight: options.highlight,
        },
        &mut problems,
    );
    let mut page = ParsedPage {
        rel: source.rel.clone(),
        shown: source.shown.clone(),
        id,
        id_pos,
        fm,
        body: crate::spill::Spilled::Held(rendered.html),
        headings: refs::Headings::new(&rendered.headings),
        blocks: rendered.blocks,
        refs: refs::Refs::new(&rendered.refs),
        files: rendered.files,
        external: rendered.external,
        loads: rendered.loads,
        urls: rendered.urls,
        lead: rendered.lead.map(crate::spill::Spilled::Held),
        has_code: rendered.has_code,
        source_len: text.len(),
        source_hash: {
            use std::hash::{Hash, Hasher};
            let mut h = rustc_hash::FxHasher::default();
            source.hash(&mut h);
            options.highlight.hash(&mut h);
            h.finish()
        },
        layer: source.layer,
        language: source.language.clone(),
        facet_hash: 0,
    };
    page.facet_hash = facet_hash(&page);
    page.shrink();
    let text = rendered.text;
    (Some(Parsed { page, text }), finish(problems))
}

impl ParsedPage {
    /// Lets go of the room its strings and lists grew into while parsing: a build holds every
    /// page's until the render (at 100,000 pages, the slack alone was over 100 MB).
    fn shrink(&mut self) {
        fn s(text: &mut String) {
            text.shrink_to_fit();
        }
        fn o(text: &mut Option<String>) {
            if let Some(t) = text {
                t.shrink_to_fit();
            }
        }
        s(&mut self.rel);
        self.shown.shrink_to_fit();
        s(&mut self.id);
        if let Some(crate::spill::Spilled::Held(lead)) = &mut self.lead {
            s(lead);
        }
        let fm = &mut self.fm;
        s(&mut fm.title);
        o(&mut fm.number);
        o(&mut fm.summary);
        o(&mut fm.aim);
        o(&mut fm.duration);
        fm.outcomes.iter_mut().for_each(s);
        fm.outcomes.shrink_to_fit();
        fm.tags.iter_mut().for_each(s);
        fm.tags.shrink_to_fit();
        for b in &mut self.blocks {
            s(&mut b.spec.id);
            b.spec.attrs.shrink_to_fit();
        }
        self.blocks.shrink_to_fit();
        self.files.shrink_to_fit();
        self.external.shrink_to_fit();
        self.loads.shrink_to_fit();
        self.urls.shrink_to_fit();
    }
}

/// [`ParsedPage::facet_hash`]: the parts' debug forms, hashed as they are written out.
fn facet_hash(page: &ParsedPage) -> u64 {
    use std::hash::Hasher;
    struct Feed(rustc_hash::FxHasher);
    impl std::fmt::Write for Feed {
        fn write_str(&mut self, s: &str) -> std::fmt::Result {
            self.0.write(s.as_bytes());
            Ok(())
        }
    }
    let mut feed = Feed(rustc_hash::FxHasher::default());
    let specs: Vec<&BlockSpec> = page.blocks.iter().map(|b| &b.spec).collect();
    let _ = std::fmt::Write::write_fmt(
        &mut feed,
        format_args!(
            "{:?}",
            (
                &page.id,
                &page.fm,
                &page.lead,
                &page.language,
                &page.headings.read(),
                specs,
                page.has_code
            )
        ),
    );
    feed.0.finish()
}

/// What laying an edition over its base needs to know of a page before parsing it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Peek {
    pub id: String,
    /// Its title, as a reference shows it; `None` when only a quick look was taken
    /// ([`quick_peek`]).
    pub title: Option<String>,
    pub kind: Kind,
    pub draft: bool,
    pub base_hash: Option<String>,
}

impl Peek {
    /// What a file tells by its path alone (its front matter unread or unreadable).
    pub fn of_path(rel: &str) -> Peek {
        Peek {
            id: default_id(rel),
            title: Some(String::new()),
            kind: Kind::Page,
            draft: false,
            base_hash: None,
        }
    }
}

/// Reads only the front matter of a page. A page whose front matter cannot be read gets the
/// id of its path; the parse that follows reports the problem.
pub fn peek(source: &Source) -> Peek {
    let fallback = || Peek::of_path(&source.rel);
    let Ok(split) = frontmatter::split(&source.text) else {
        return fallback();
    };
    let lines = LineIndex::new(&source.text);
    let mut ignored = Vec::new();
    match frontmatter::parse(&split, &lines, &mut ignored) {
        Some(fm) => Peek {
            id: match &fm.id {
                Some(located) => located.value.trim_matches('/').to_string(),
                None => default_id(&source.rel),
            },
            title: Some(crate::model::display_title(&fm.title, fm.number.as_deref())),
            kind: fm.kind,
            draft: fm.draft,
            base_hash: fm.base_hash,
        },
        None => fallback(),
    }
}

/// A quicker [`peek`] for the many pages of a base: when no line of the header sets `id` or
/// `draft`, and `kind` is absent or a plain word, the header is not parsed at all (the page's
/// id is its path's). The title is then not read (`None`). Anything less plain gets the full
/// [`peek`].
pub fn quick_peek(source: &Source) -> Peek {
    let Ok(split) = frontmatter::split(&source.text) else {
        return peek(source);
    };
    let mut kind = Kind::Page;
    for line in split.header.lines() {
        let line = line.trim_start();
        if line.contains("\"\"\"") || line.contains("'''") {
            return peek(source);
        }
        // `key =` (TOML) or `key:` (YAML), the key bare or quoted.
        let value = |key: &str| {
            let rest = [
                line.strip_prefix(key),
                quoted(line, key, '"'),
                quoted(line, key, '\''),
            ]
            .into_iter()
            .flatten()
            .next()?
            .trim_start();
            rest.strip_prefix('=')
                .or_else(|| rest.strip_prefix(':'))
                .map(str::trim)
        };
        if value("id").is_some() || value("draft").is_some() {
            return peek(source);
        }
        if let Some(value) = value("kind") {
            let word = value
                .strip_prefix('"')
                .and_then(|v| v.strip_suffix('"'))
                .or_else(|| value.strip_prefix('\'').and_then(|v| v.strip_suffix('\'')))
                .unwrap_or(value);
            match Kind::parse(word) {
                Some(k) => kind = k,
                None => return peek(source),
            }
        }
    }
    Peek {
        id: default_id(&source.rel),
        title: None,
        kind,
        draft: false,
        base_hash: None,
    }
}

/// `line` after `key` in quotes (`"id" = ...`).
fn quoted<'a>(line: &'a str, key: &str, quote: char) -> Option<&'a str> {
    line.strip_prefix(quote)?
        .strip_prefix(key)?
        .strip_prefix(quote)
}

/// The id a file gets from its path: `lessons/1.3-x.md` → `lessons/1.3-x`, `a/_index.md` → `a`.
pub fn default_id(rel: &str) -> String {
    let without = rel.strip_suffix(".md").unwrap_or(rel);
    if without == "_index" {
        String::new()
    } else if let Some(dir) = without.strip_suffix("/_index") {
        dir.to_string()
    } else {
        without.to_string()
    }
}

/// An id must name a folder inside the output: no `..`, no empty segments, no odd characters.
pub fn check_id(id: &str) -> Result<(), String> {
    if id.is_empty() {
        return Ok(());
    }
    for segment in id.split('/') {
        if segment.is_empty() {
            return Err("it has an empty path segment (`//`)".into());
        }
        if segment == "." || segment == ".." {
            return Err("`.` and `..` would write outside its folder".into());
        }
        if segment.starts_with('.') {
            return Err("a segment starting with `.` makes a hidden folder".into());
        }
        if let Some(c) = segment.chars().find(|c| {
            c.is_control()
                || matches!(
                    c,
                    '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|' | '#' | '%'
                )
        }) {
            return Err(format!("the character {c:?} is not allowed in ids"));
        }
    }
    Ok(())
}

/// Anchors (block ids, heading ids) are single words: no spaces, no `#`, no `/`.
pub fn is_valid_anchor(anchor: &str) -> bool {
    !anchor.is_empty()
        && anchor.chars().all(|c| {
            !c.is_whitespace()
                && !c.is_control()
                && !matches!(c, '#' | '/' | '"' | '\'' | '<' | '>' | '&' | '%')
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_come_from_paths() {
        assert_eq!(
            default_id("lessons/1.3-principles.md"),
            "lessons/1.3-principles"
        );
        assert_eq!(default_id("lessons/module-1/_index.md"), "lessons/module-1");
        assert_eq!(default_id("_index.md"), "");
    }

    #[test]
    fn ids_cannot_escape_the_output() {
        assert!(check_id("a/b").is_ok());
        assert!(check_id("../etc").is_err());
        assert!(check_id("a/../../b").is_err());
        assert!(check_id("a//b").is_err());
        assert!(check_id("C:\\x").is_err());
    }

    #[test]
    fn a_quick_peek_agrees_with_the_full_one() {
        let source = |text: &str| Source {
            rel: "lessons/m1/x.md".into(),
            shown: "content/lessons/m1/x.md".into(),
            text: text.into(),
            layer: 0,
            language: None,
        };
        for text in [
            "+++\ntitle = \"X\"\nkind = \"lesson\"\n+++\n",
            "---\ntitle: X\nkind: module\n---\n",
            "+++\ntitle = \"X\"\nidentity = 3\n+++\n",
            "+++\ntitle = \"X\"\nid = \"other/place\"\n+++\n",
            "+++\ntitle = \"X\"\n\"id\" = \"quoted/key\"\n+++\n",
            "---\ntitle: X\ndraft: true\n---\n",
            "+++\ntitle = \"X\"\nkind = \"lesson\" # a comment\n+++\n",
            "+++\ntitle = \"X\"\nsummary = \"\"\"\nid = \"in a string\"\n\"\"\"\n+++\n",
            "no front matter\n",
        ] {
            let (quick, full) = (quick_peek(&source(text)), peek(&source(text)));
            assert_eq!(
                (&quick.id, quick.kind, quick.draft),
                (&full.id, full.kind, full.draft),
                "{text}"
            );
        }
        // Plain headers are not parsed: the title is left for later.
        assert_eq!(quick_peek(&source("+++\ntitle = \"X\"\n+++\n")).title, None);
        assert_eq!(
            quick_peek(&source("+++\ntitle = \"X\"\nid = \"y\"\n+++\n"))
                .title
                .as_deref(),
            Some("X")
        );
    }
}
