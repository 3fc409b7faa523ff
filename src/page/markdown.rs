//! The one markdown pass: preprocessed markdown → body HTML with tokens, headings with unique
//! anchors, the list of references and blocks, highlighted code.

use std::sync::OnceLock;

use pulldown_cmark::{
    Alignment, CodeBlockKind, CowStr, Event, HeadingLevel, LinkType, Options, Parser, Tag, TagEnd,
};
use syntect::html::{ClassStyle, ClassedHTMLGenerator};
use syntect::parsing::SyntaxSet;
use syntect::util::LinesWithEndings;

use super::blocks::{CLOSE_MARKER, OPEN_MARKER, Preprocessed};
use super::slug::Anchors;
use super::tokens::{self, Token};
use super::{Block, FileRef, Heading, Ref, RefTarget};
use crate::diagnostics::{LineIndex, Pos};

/// The CSS class prefix of highlighted code (`hl-keyword` ...); the theme styles them.
pub const HIGHLIGHT_PREFIX: &str = "hl-";

/// How deep quotes and lists may nest; deeper levels are cut (shown flat), with a warning.
pub const MAX_NESTING: usize = 100;

/// What the pass needs to know about the page.
pub struct Context<'a> {
    pub rel: &'a str,
    pub id: &'a str,
    pub body_start: usize,
    pub lines: &'a LineIndex<'a>,
    pub highlight: bool,
}

/// The result of the pass.
pub struct Rendered {
    pub html: String,
    pub headings: Vec<Heading>,
    pub blocks: Vec<Block>,
    pub refs: Vec<Ref>,
    pub files: Vec<FileRef>,
    pub external: Vec<(String, Pos)>,
    /// What the browser is asked to run inline or load from another site, which a
    /// Content-Security-Policy may block.
    pub loads: Vec<(super::Load, Pos)>,
    /// URLs written as they are (raw HTML's, and markdown links to `#anchors` or
    /// root-relative paths), with their positions.
    pub urls: Vec<(String, Pos)>,
    pub lead: Option<String>,
    pub has_code: bool,
    pub text: Vec<TextPart>,
}

/// Plain text of one part of a page, for the search index: the opening (before the first
/// `##`/`###` heading), a section (from such a heading to the next), or a key message.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TextPart {
    /// Index in `headings` of the section's heading.
    pub heading: Option<usize>,
    /// Index in the page's blocks of the key message.
    pub block: Option<usize>,
    pub text: String,
    /// References in this part whose link text is generated (their index in the page's refs):
    /// their text is known only once the site is resolved, so the index adds it then. Each
    /// stands in `text` as [`LINK_TEXT`], in the same order.
    pub refs: Vec<usize>,
}

/// Where a reference's generated link text goes in a [`TextPart`]'s text (a control character,
/// which no text keeps: the stored text's are dropped, and it separates words).
pub const LINK_TEXT: char = '\u{1}';

/// Collects [`TextPart`]s as the pass goes.
#[derive(Default)]
struct TextCollector {
    parts: Vec<TextPart>,
    /// The part text goes to, and the parts to go back to when key messages close.
    current: usize,
    stack: Vec<(usize, usize)>,
}

impl TextCollector {
    fn new() -> Self {
        TextCollector {
            parts: vec![TextPart::default()],
            ..Default::default()
        }
    }

    fn push(&mut self, text: &str) {
        self.parts[self.current].text.push_str(text);
    }

    fn reference(&mut self, index: usize) {
        self.parts[self.current].text.push(LINK_TEXT);
        self.parts[self.current].refs.push(index);
    }

    fn space(&mut self) {
        let t = &mut self.parts[self.current].text;
        if !t.is_empty() && !t.ends_with(' ') {
            t.push(' ');
        }
    }

    fn section(&mut self, heading: usize) {
        self.parts.push(TextPart {
            heading: Some(heading),
            ..Default::default()
        });
        self.current = self.parts.len() - 1;
    }

    fn open_key_message(&mut self, block: usize) {
        self.stack.push((block, self.current));
        self.parts.push(TextPart {
            block: Some(block),
            ..Default::default()
        });
        self.current = self.parts.len() - 1;
    }

    fn close(&mut self, block: usize) {
        if let Some(i) = self.stack.iter().rposition(|&(b, _)| b == block) {
            self.current = self.stack[i].1;
            self.stack.truncate(i);
        }
    }
}

/// The markdown extensions every handbook gets.
pub fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_SMART_PUNCTUATION
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_WIKILINKS
        | Options::ENABLE_GFM
}

enum LinkMode {
    /// A reference whose text we fill in: skip the events inside.
    RefWithoutText(usize),
    /// A reference with the author's text, passed through.
    RefWithText(usize),
    /// An ordinary link, passed through.
    Plain,
}

struct HeadingBuffer<'a> {
    level: HeadingLevel,
    id: Option<CowStr<'a>>,
    classes: Vec<CowStr<'a>>,
    attrs: Vec<(CowStr<'a>, Option<CowStr<'a>>)>,
    events: Vec<Event<'a>>,
    text: String,
    pos: Pos,
}

pub fn render(
    pre: &Preprocessed,
    cx: &Context<'_>,
    problems: &mut Vec<super::Problem>,
) -> Rendered {
    let pos_of = |offset: usize| cx.lines.pos(cx.body_start + pre.map.original(offset));
    let mut anchors = Anchors::default();
    for spec in &pre.blocks {
        if !anchors.reserve(&spec.id) {
            problems.push((
                spec.pos,
                "duplicate-anchor",
                format!("duplicate block id `{}` on this page", spec.id),
                Some("give each block on a page its own id".into()),
            ));
        }
    }
    // Asset links start at the site's root, filled in for each page the body is written to.
    let prefix = tokens::root();
    let mut links_assets = false;
    let mut files: Vec<FileRef> = Vec::new();
    let mut external: Vec<(String, Pos)> = Vec::new();
    let mut loads: Vec<(super::Load, Pos)> = Vec::new();
    let mut urls: Vec<(String, Pos)> = Vec::new();
    let base_dir = match cx.rel.rfind('/') {
        Some(i) => &cx.rel[..i],
        None => "",
    };

    let mut out: Vec<Event<'_>> = Vec::with_capacity(pre.markdown.len() / 16);
    let mut headings = Vec::new();
    let mut refs: Vec<Ref> = Vec::new();
    let mut block_stack: Vec<usize> = Vec::new();
    let mut links: Vec<LinkMode> = Vec::new();
    let mut heading: Option<HeadingBuffer<'_>> = None;
    let mut code: Option<(String, String)> = None;
    let mut has_code = false;
    let mut lead: Option<String> = None;
    let mut in_lead = false;
    // The table being written: its cells' alignments become classes, not the `style`
    // attributes pulldown-cmark's writer gives them (a strict Content-Security-Policy drops
    // inline styles).
    let mut table: Option<TableState> = None;
    let mut skip_depth = 0usize;
    let mut text = TextCollector::new();

    // Containers (quotes, lists, items, footnotes) nested deeper than MAX_NESTING are cut:
    // their content stays, their boxes go (what reads HTML downstream recurses per level).
    let mut nesting = 0usize;
    let mut cut_reported = false;
    for (event, range) in Parser::new_ext(&pre.markdown, options()).into_offset_iter() {
        match &event {
            Event::Start(
                Tag::BlockQuote(_) | Tag::List(_) | Tag::Item | Tag::FootnoteDefinition(_),
            ) => {
                nesting += 1;
                if nesting > MAX_NESTING {
                    if !cut_reported {
                        cut_reported = true;
                        problems.push((
                            pos_of(range.start),
                            "nesting-too-deep",
                            format!(
                                "quotes and lists are nested more than {MAX_NESTING} deep here; the deeper levels are shown flat"
                            ),
                            Some("nest less deeply".into()),
                        ));
                    }
                    continue;
                }
            }
            Event::End(
                TagEnd::BlockQuote(_) | TagEnd::List(_) | TagEnd::Item | TagEnd::FootnoteDefinition,
            ) => {
                nesting = nesting.saturating_sub(1);
                if nesting >= MAX_NESTING {
                    continue;
                }
            }
            _ => {}
        }
        // Text of a reference whose link text we generate: dropped.
        if skip_depth > 0 {
            match &event {
                Event::Start(Tag::Link { .. }) => skip_depth += 1,
                Event::End(TagEnd::Link) => {
                    skip_depth -= 1;
                    if skip_depth == 0 {
                        // Closed as it was opened: a link, or the span of a reference left
                        // unlinked.
                        let mut html = String::new();
                        if let Some(LinkMode::RefWithoutText(index)) = links.pop() {
                            tokens::push(&mut html, Token::LinkClose(index));
                        }
                        push(&mut heading, &mut out, Event::InlineHtml(html.into()));
                    }
                }
                _ => {}
            }
            continue;
        }
        if let Some((_, text)) = code.as_mut() {
            match event {
                Event::Text(t) => text.push_str(&t),
                Event::End(TagEnd::CodeBlock) => {
                    let (lang, text) = code.take().expect("in code");
                    let html = highlight_block(&text, &lang, cx.highlight);
                    out.push(Event::Html(html.into()));
                }
                _ => {}
            }
            continue;
        }
        match event {
            Event::Html(ref html)
                if html.starts_with(OPEN_MARKER) || html.starts_with(CLOSE_MARKER) =>
            {
                let open = html.starts_with(OPEN_MARKER);
                let digits = html
                    .trim_start_matches(if open { OPEN_MARKER } else { CLOSE_MARKER })
                    .split("-->")
                    .next()
                    .unwrap_or("");
                let Ok(index) = digits.parse::<usize>() else {
                    continue;
                };
                let mut token = String::new();
                if open {
                    if pre
                        .blocks
                        .get(index)
                        .is_some_and(|b| b.kind == super::BlockKind::KeyMessage)
                    {
                        text.open_key_message(index);
                    }
                    block_stack.push(index);
                    tokens::push(&mut token, Token::Open(index));
                } else {
                    text.close(index);
                    text.space();
                    block_stack.retain(|&i| i != index);
                    tokens::push(&mut token, Token::Close(index));
                }
                out.push(Event::Html(token.into()));
            }
            Event::Start(Tag::HtmlBlock) | Event::End(TagEnd::HtmlBlock) => out.push(event),
            Event::Html(ref html) | Event::InlineHtml(ref html) => {
                // Raw HTML goes out as written, but for its relative URLs to files, which are
                // relative to the markdown file (as markdown links are) and so are rewritten
                // like theirs: they then work on the page, its handout and the print views.
                let mut kept = String::new();
                let mut copied = 0;
                crate::linkcheck::html::scan(html, &mut |found| {
                    let crate::linkcheck::html::Found::Url {
                        value,
                        at,
                        len,
                        kind,
                    } = found
                    else {
                        return;
                    };
                    let pos = pos_of(range.start + at);
                    match classify(&value) {
                        Target::Asset(path) => {
                            let image = kind == crate::linkcheck::UrlKind::Image;
                            note_file(base_dir, path, image, pos, &mut files, &mut urls);
                            if let Some(url) = rewrite_asset(&prefix, base_dir, path) {
                                links_assets = true;
                                kept.push_str(&html[copied..at]);
                                escape_into(&mut kept, &url);
                                copied = at + len;
                            }
                        }
                        _ if value.starts_with("http://") || value.starts_with("https://") => {
                            if kind != crate::linkcheck::UrlKind::Link {
                                loads.push((super::Load::External(kind, value.to_string()), pos));
                            }
                            external.push((value.into_owned(), pos));
                        }
                        _ => urls.push((value.into_owned(), pos)),
                    }
                });
                crate::linkcheck::html::inline_code(html, &mut |what, at| {
                    loads.push((super::Load::Inline(what), pos_of(range.start + at)));
                });
                if copied == 0 {
                    push(&mut heading, &mut out, event);
                } else {
                    kept.push_str(&html[copied..]);
                    let inline = matches!(event, Event::InlineHtml(_));
                    let kept = CowStr::from(kept);
                    push(
                        &mut heading,
                        &mut out,
                        if inline {
                            Event::InlineHtml(kept)
                        } else {
                            Event::Html(kept)
                        },
                    );
                }
            }
            Event::Start(Tag::Heading {
                level,
                id,
                classes,
                attrs,
            }) => {
                heading = Some(HeadingBuffer {
                    level,
                    id,
                    classes,
                    attrs,
                    events: Vec::new(),
                    text: String::new(),
                    pos: pos_of(range.start),
                });
            }
            Event::End(TagEnd::Heading(_)) => {
                let Some(h) = heading.take() else { continue };
                let anchor = match &h.id {
                    Some(explicit) => {
                        if !super::is_valid_anchor(explicit) {
                            problems.push((
                                h.pos,
                                "invalid-anchor",
                                format!("invalid heading id `{explicit}`"),
                                Some("use letters, digits, `-` and `_` only".into()),
                            ));
                        } else if !anchors.reserve(explicit) {
                            problems.push((
                                h.pos,
                                "duplicate-anchor",
                                format!("duplicate anchor `{explicit}` on this page"),
                                None,
                            ));
                        }
                        explicit.to_string()
                    }
                    None => anchors.unique(&h.text),
                };
                let level = heading_level(h.level);
                if (2..=3).contains(&level) && text.stack.is_empty() {
                    text.section(headings.len());
                } else {
                    text.push(&h.text);
                    text.space();
                }
                headings.push(Heading {
                    level,
                    anchor: anchor.clone(),
                    text: h.text.trim().to_string(),
                });
                out.push(Event::Start(Tag::Heading {
                    level: h.level,
                    id: Some(anchor.into()),
                    classes: h.classes,
                    attrs: h.attrs,
                }));
                out.extend(h.events);
                out.push(Event::End(TagEnd::Heading(h.level)));
            }
            Event::Start(Tag::CodeBlock(kind)) => {
                has_code = true;
                let lang = match kind {
                    CodeBlockKind::Fenced(info) => {
                        info.split([' ', ',', '{']).next().unwrap_or("").to_string()
                    }
                    CodeBlockKind::Indented => String::new(),
                };
                code = Some((lang, String::new()));
            }
            Event::Start(Tag::Link {
                link_type: LinkType::WikiLink { has_pothole },
                dest_url,
                ..
            }) => {
                // In a table cell the text's `|` is written `\|` (`[[id\|text]]`), which leaves
                // the backslash at the end of the target.
                let dest = dest_url.trim_end_matches('\\');
                let (id, anchor) = split_anchor(dest);
                let index = refs.len();
                refs.push(Ref {
                    target: RefTarget::Id {
                        id: id.trim().to_string(),
                        anchor: anchor.map(|a| a.trim().to_string()),
                    },
                    pos: pos_of(range.start),
                    block: block_stack.last().copied(),
                    has_text: has_pothole,
                    title: None,
                });
                let mut html = String::new();
                tokens::push(&mut html, Token::LinkOpen(index));
                if !has_pothole {
                    tokens::push(&mut html, Token::Text(index));
                    if heading.is_none() {
                        text.reference(index);
                    }
                    skip_depth = 1;
                    links.push(LinkMode::RefWithoutText(index));
                } else {
                    links.push(LinkMode::RefWithText(index));
                }
                push(&mut heading, &mut out, Event::InlineHtml(html.into()));
            }
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => match classify(&dest_url) {
                Target::Markdown { path, anchor } => match normalize(base_dir, path) {
                    Some(file) => {
                        let index = refs.len();
                        refs.push(Ref {
                            target: RefTarget::File {
                                path: file,
                                anchor: anchor.map(str::to_string),
                                written: dest_url.to_string(),
                            },
                            pos: pos_of(range.start),
                            block: block_stack.last().copied(),
                            has_text: true,
                            title: (!title.is_empty()).then(|| title.to_string()),
                        });
                        let mut html = String::new();
                        tokens::push(&mut html, Token::LinkOpen(index));
                        links.push(LinkMode::RefWithText(index));
                        push(&mut heading, &mut out, Event::InlineHtml(html.into()));
                    }
                    None => {
                        problems.push((
                            pos_of(range.start),
                            "link-outside-content",
                            format!("link `{dest_url}` points outside content/"),
                            Some("link to pages inside the handbook only".into()),
                        ));
                        links.push(LinkMode::Plain);
                        push(
                            &mut heading,
                            &mut out,
                            Event::Start(Tag::Link {
                                link_type,
                                dest_url,
                                title,
                                id,
                            }),
                        );
                    }
                },
                Target::Asset(path) => {
                    links_assets = true;
                    let pos = pos_of(range.start);
                    note_file(base_dir, path, false, pos, &mut files, &mut urls);
                    let dest = rewrite_asset(&prefix, base_dir, path)
                        .map(CowStr::from)
                        .unwrap_or(dest_url);
                    links.push(LinkMode::Plain);
                    push(
                        &mut heading,
                        &mut out,
                        Event::Start(Tag::Link {
                            link_type,
                            dest_url: dest,
                            title,
                            id,
                        }),
                    );
                }
                Target::Other => {
                    if dest_url.starts_with("http://") || dest_url.starts_with("https://") {
                        external.push((dest_url.to_string(), pos_of(range.start)));
                    } else {
                        urls.push((dest_url.to_string(), pos_of(range.start)));
                    }
                    links.push(LinkMode::Plain);
                    push(
                        &mut heading,
                        &mut out,
                        Event::Start(Tag::Link {
                            link_type,
                            dest_url,
                            title,
                            id,
                        }),
                    );
                }
            },
            Event::End(TagEnd::Link) => match links.pop() {
                Some(LinkMode::RefWithText(index)) | Some(LinkMode::RefWithoutText(index)) => {
                    let mut html = String::new();
                    tokens::push(&mut html, Token::LinkClose(index));
                    push(&mut heading, &mut out, Event::InlineHtml(html.into()))
                }
                _ => push(&mut heading, &mut out, event),
            },
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let dest = match classify(&dest_url) {
                    Target::Asset(path) | Target::Markdown { path, .. } => {
                        links_assets = true;
                        let pos = pos_of(range.start);
                        note_file(base_dir, path, true, pos, &mut files, &mut urls);
                        rewrite_asset(&prefix, base_dir, path)
                            .map(CowStr::from)
                            .unwrap_or(dest_url)
                    }
                    Target::Other => {
                        if dest_url.starts_with("http://") || dest_url.starts_with("https://") {
                            loads.push((
                                super::Load::External(
                                    crate::linkcheck::UrlKind::Image,
                                    dest_url.to_string(),
                                ),
                                pos_of(range.start),
                            ));
                        }
                        urls.push((dest_url.to_string(), pos_of(range.start)));
                        dest_url
                    }
                };
                push(
                    &mut heading,
                    &mut out,
                    Event::Start(Tag::Image {
                        link_type,
                        dest_url: dest,
                        title,
                        id,
                    }),
                );
            }
            Event::Start(Tag::Table(aligns)) => {
                table = Some(TableState {
                    aligns,
                    head: false,
                    body: false,
                    cell: 0,
                    cell_start: 0,
                });
                // Focusable, so that a keyboard can scroll a table too wide for the screen.
                out.push(Event::Html("<table tabindex=\"0\">\n".into()));
            }
            Event::Start(Tag::TableHead) => {
                if let Some(t) = table.as_mut() {
                    t.head = true;
                    t.cell = 0;
                }
                out.push(Event::Html("<thead><tr>".into()));
            }
            Event::End(TagEnd::TableHead) => {
                if let Some(t) = table.as_mut() {
                    t.head = false;
                }
                out.push(Event::Html("</tr></thead>\n".into()));
            }
            Event::Start(Tag::TableRow) => {
                if let Some(t) = table.as_mut() {
                    if !t.body {
                        t.body = true;
                        out.push(Event::Html("<tbody>\n".into()));
                    }
                    t.cell = 0;
                }
                out.push(Event::Html("<tr>".into()));
            }
            Event::End(TagEnd::TableRow) => out.push(Event::Html("</tr>\n".into())),
            Event::Start(Tag::TableCell) => {
                let tag = table
                    .as_ref()
                    .map_or("<td>".into(), |t| t.open_cell(t.head));
                if let Some(t) = table.as_mut() {
                    t.cell_start = out.len();
                }
                out.push(Event::Html(tag.into()));
            }
            Event::End(TagEnd::TableCell) => {
                text.space();
                let tag = match table.as_mut() {
                    // An empty cell of the head row (a corner) heads nothing: a `td`.
                    Some(t) if t.head && t.cell_start + 1 == out.len() => {
                        out[t.cell_start] = Event::Html(t.open_cell(false).into());
                        t.cell += 1;
                        "</td>"
                    }
                    Some(t) => {
                        t.cell += 1;
                        if t.head { "</th>" } else { "</td>" }
                    }
                    None => "</td>",
                };
                out.push(Event::Html(tag.into()));
            }
            Event::End(TagEnd::Table) => {
                if table.take().is_some_and(|t| t.body) {
                    out.push(Event::Html("</tbody>".into()));
                }
                out.push(Event::Html("</table>\n".into()));
            }
            Event::Start(Tag::Paragraph) => {
                if lead.is_none() && heading.is_none() && block_stack.is_empty() {
                    in_lead = true;
                    lead = Some(String::new());
                }
                out.push(event);
            }
            Event::End(TagEnd::Paragraph) => {
                in_lead = false;
                text.space();
                out.push(event);
            }
            Event::End(TagEnd::Item | TagEnd::BlockQuote(_)) => {
                text.space();
                push(&mut heading, &mut out, event);
            }
            Event::Text(ref t) | Event::Code(ref t) => {
                if let Some(h) = heading.as_mut() {
                    h.text.push_str(t);
                } else {
                    text.push(t);
                }
                if in_lead
                    && let Some(lead) = lead.as_mut()
                    && lead.len() < 400
                {
                    lead.push_str(t);
                }
                push(&mut heading, &mut out, event);
            }
            Event::SoftBreak | Event::HardBreak => {
                text.space();
                if in_lead && let Some(lead) = lead.as_mut() {
                    lead.push(' ');
                }
                push(&mut heading, &mut out, event);
            }
            other => push(&mut heading, &mut out, other),
        }
    }

    let mut html = String::with_capacity(pre.markdown.len() * 5 / 4);
    pulldown_cmark::html::push_html(&mut html, out.into_iter());
    if links_assets {
        // The writer percent-encodes the root token inside URLs; turn it back into the token.
        let mut encoded = String::new();
        pulldown_cmark_escape::escape_href(&mut encoded, &prefix).expect("writing to a String");
        html = html.replace(&encoded, &prefix);
    }
    let blocks = locate_blocks(&html, pre);
    Rendered {
        html,
        headings,
        blocks,
        refs,
        files,
        external,
        loads,
        urls,
        lead: lead.map(|l| l.trim().to_string()).filter(|l| !l.is_empty()),
        has_code,
        text: text.parts,
    }
}

fn push<'a>(heading: &mut Option<HeadingBuffer<'a>>, out: &mut Vec<Event<'a>>, event: Event<'a>) {
    match heading {
        Some(h) => h.events.push(event),
        None => out.push(event),
    }
}

fn heading_level(level: HeadingLevel) -> u8 {
    match level {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

/// Finds each block's inner HTML between its open and close tokens.
fn locate_blocks(html: &str, pre: &Preprocessed) -> Vec<Block> {
    let mut starts = vec![None; pre.blocks.len()];
    let mut ends = vec![None; pre.blocks.len()];
    let mut search = 0;
    while let Some(found) = html[search..].find(tokens::START) {
        let at = search + found;
        let after = at + tokens::START.len_utf8();
        let Some(end_rel) = html[after..].find(tokens::END) else {
            break;
        };
        let token_end = after + end_rel + tokens::END.len_utf8();
        let body = &html[after..after + end_rel];
        let (letter, digits) = body.split_at(body.chars().next().map(char::len_utf8).unwrap_or(0));
        if let Ok(index) = digits.parse::<usize>() {
            match letter {
                "o" if index < starts.len() => starts[index] = Some(token_end),
                "c" if index < ends.len() => ends[index] = Some(at),
                _ => {}
            }
        }
        search = token_end;
    }
    pre.blocks
        .iter()
        .enumerate()
        .map(|(i, spec)| {
            let start = starts[i].unwrap_or(0);
            let end = ends[i].unwrap_or(start).max(start);
            Block {
                spec: spec.clone(),
                inner: start..end,
            }
        })
        .collect()
}

enum Target<'a> {
    /// A relative link to a markdown file, with an optional anchor.
    Markdown {
        path: &'a str,
        anchor: Option<&'a str>,
    },
    /// A relative link to another file under content/.
    Asset(&'a str),
    /// Anything else: absolute URLs, `#anchors`, root-relative paths, `mailto:`.
    Other,
}

fn classify(url: &str) -> Target<'_> {
    if url.is_empty() || url.starts_with('#') || url.starts_with('/') || has_scheme(url) {
        return Target::Other;
    }
    let (path, anchor) = split_anchor(url);
    let path_only = path.split('?').next().unwrap_or(path);
    if path_only.ends_with(".md") {
        Target::Markdown {
            path: path_only,
            anchor,
        }
    } else {
        Target::Asset(url)
    }
}

fn has_scheme(url: &str) -> bool {
    match url.find(':') {
        Some(i) => {
            let scheme = &url[..i];
            !scheme.is_empty()
                && scheme
                    .chars()
                    .next()
                    .is_some_and(|c| c.is_ascii_alphabetic())
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
        }
        None => false,
    }
}

fn split_anchor(url: &str) -> (&str, Option<&str>) {
    match url.split_once('#') {
        Some((path, anchor)) => (path, Some(anchor)),
        None => (url, None),
    }
}

/// Joins a relative path to the folder of the current file and normalises it. `None` when it
/// climbs out of `content/`.
pub fn normalize(base_dir: &str, path: &str) -> Option<String> {
    let mut parts: Vec<&str> = base_dir.split('/').filter(|s| !s.is_empty()).collect();
    for segment in path.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            other => parts.push(other),
        }
    }
    Some(parts.join("/"))
}

/// A relative asset link from a page's source file → the same file as seen from the page's
/// output folder.
/// A link or an image to a file of the handbook (not a page), by its path from the output root
/// (which is its path under content/, or under static/); None when it leaves content/.
fn file_ref(base_dir: &str, url: &str, image: bool, pos: Pos) -> Option<FileRef> {
    let path = &url[..url.find(['?', '#']).unwrap_or(url.len())];
    // File names are written percent-encoded in URLs (`my%20form.pdf`).
    let decoded = percent_encoding::percent_decode_str(path).decode_utf8_lossy();
    Some(FileRef {
        path: normalize(base_dir, &decoded)?,
        written: url.to_string(),
        image,
        pos,
    })
}

/// Notes a link or image to a file: checked before rendering when it is under content/ (a
/// [`FileRef`]); above it, left as written for the link check over the output.
fn note_file(
    base_dir: &str,
    path: &str,
    image: bool,
    pos: Pos,
    files: &mut Vec<FileRef>,
    urls: &mut Vec<(String, Pos)>,
) {
    match file_ref(base_dir, path, image, pos) {
        Some(file) => files.push(file),
        None => urls.push((path.to_string(), pos)),
    }
}

fn rewrite_asset(prefix: &str, base_dir: &str, url: &str) -> Option<String> {
    let split = url.find(['?', '#']).unwrap_or(url.len());
    let (path, tail) = url.split_at(split);
    let normalized = normalize(base_dir, path)?;
    Some(format!("{prefix}{normalized}{tail}"))
}

fn syntax_set() -> &'static SyntaxSet {
    static SET: OnceLock<SyntaxSet> = OnceLock::new();
    SET.get_or_init(SyntaxSet::load_defaults_newlines)
}

/// Highlights a fenced code block at build time (CSS classes; the theme holds the colours).
fn highlight_block(code: &str, lang: &str, highlight: bool) -> String {
    let mut html = String::with_capacity(code.len() * 2 + 64);
    // Focusable, so that a keyboard can scroll a line too long for the screen.
    html.push_str("<pre class=\"code\" tabindex=\"0\"");
    if !lang.is_empty() {
        html.push_str(" data-lang=\"");
        escape_into(&mut html, lang);
        html.push('"');
    }
    html.push_str("><code");
    if !lang.is_empty() {
        html.push_str(" class=\"language-");
        escape_into(&mut html, lang);
        html.push('"');
    }
    html.push('>');
    let syntax = if highlight && !lang.is_empty() {
        let set = syntax_set();
        set.find_syntax_by_token(lang).map(|s| (set, s))
    } else {
        None
    };
    let highlighted = syntax.and_then(|(set, syntax)| {
        let mut generator = ClassedHTMLGenerator::new_with_class_style(
            syntax,
            set,
            ClassStyle::SpacedPrefixed {
                prefix: HIGHLIGHT_PREFIX,
            },
        );
        for line in LinesWithEndings::from(code) {
            generator
                .parse_html_for_line_which_includes_newline(line)
                .ok()?;
        }
        Some(generator.finalize())
    });
    match highlighted {
        Some(h) => html.push_str(&h),
        None => escape_into(&mut html, code),
    }
    html.push_str("</code></pre>\n");
    html
}

pub fn escape_into(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
}

pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    escape_into(&mut out, text);
    out
}

/// A table as it is written: the columns' alignments, whether the head row or the body is
/// being written, the column of the next cell and where in the events its start tag is.
struct TableState {
    aligns: Vec<Alignment>,
    head: bool,
    body: bool,
    cell: usize,
    cell_start: usize,
}

impl TableState {
    /// The start tag of the next cell, a `th` (`header`) or `td`, with its column's alignment
    /// as a class (`align-left`, `align-center`, `align-right`).
    fn open_cell(&self, header: bool) -> String {
        let name = if header { "th" } else { "td" };
        match self.aligns.get(self.cell) {
            Some(Alignment::Left) => format!("<{name} class=\"align-left\">"),
            Some(Alignment::Center) => format!("<{name} class=\"align-center\">"),
            Some(Alignment::Right) => format!("<{name} class=\"align-right\">"),
            _ => format!("<{name}>"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::page::blocks::preprocess;

    fn run(body: &str) -> (Rendered, Vec<String>) {
        let lines = LineIndex::new(body);
        let mut problems = Vec::new();
        let pre = preprocess(body, 0, &lines, &mut problems);
        let cx = Context {
            rel: "lessons/m1/1.1.md",
            id: "lessons/m1/1.1",
            body_start: 0,
            lines: &lines,
            highlight: true,
        };
        let rendered = render(&pre, &cx, &mut problems);
        let problems = problems
            .into_iter()
            .map(|(p, _, m, _)| format!("{}:{}: {m}", p.line, p.column))
            .collect();
        (rendered, problems)
    }

    #[test]
    fn table_alignment_is_a_class_not_a_style() {
        let (r, _) =
            run("| a | b | c | d |\n|:--|:-:|--:|---|\n| 1 | 2 | 3 | 4 |\n| 5 | *6* | 7 | 8 |\n");
        assert!(!r.html.contains("style="), "{}", r.html);
        assert!(
            r.html.contains(
                "<thead><tr><th class=\"align-left\">a</th><th class=\"align-center\">b</th><th class=\"align-right\">c</th><th>d</th></tr></thead>"
            ),
            "{}",
            r.html
        );
        assert!(
            r.html
                .contains("<tbody>\n<tr><td class=\"align-left\">1</td>"),
            "{}",
            r.html
        );
        assert!(
            r.html
                .contains("<td class=\"align-center\"><em>6</em></td>"),
            "{}",
            r.html
        );
        assert!(
            r.html.contains("<td>8</td></tr>\n</tbody></table>"),
            "{}",
            r.html
        );
        // A table with only a head row has no body.
        let (r, _) = run("| a |\n|---|\n");
        assert!(
            r.html
                .contains("<table tabindex=\"0\">\n<thead><tr><th>a</th></tr></thead>\n</table>"),
            "{}",
            r.html
        );
        // An empty corner cell heads nothing.
        let (r, _) = run("| | x |\n|--|:-:|\n| y | 1 |\n");
        assert!(
            r.html
                .contains("<thead><tr><td></td><th class=\"align-center\">x</th></tr></thead>"),
            "{}",
            r.html
        );
    }

    #[test]
    fn a_reference_with_its_own_text_works_in_a_table_cell() {
        let (r, problems) = run("| a |\n|---|\n| [[principles/consent\\|the consent]] |\n");
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(r.refs.len(), 1);
        assert_eq!(
            r.refs[0].target,
            RefTarget::Id {
                id: "principles/consent".into(),
                anchor: None
            }
        );
        assert!(r.refs[0].has_text);
        assert!(r.html.contains("the consent"), "{}", r.html);
    }

    #[test]
    fn references_become_tokens_with_positions() {
        let (r, problems) = run(
            "Intro\n\nSee [[consent]], [[principles/impartiality|this]] and\n[[lessons/x#key-message-2]] or [the case](../../cases/a.md#top).\n",
        );
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(r.refs.len(), 4);
        assert_eq!(
            r.refs[0].target,
            RefTarget::Id {
                id: "consent".into(),
                anchor: None
            }
        );
        assert_eq!(r.refs[0].pos, Pos { line: 3, column: 5 });
        assert!(!r.refs[0].has_text && r.refs[1].has_text);
        assert_eq!(
            r.refs[2].target,
            RefTarget::Id {
                id: "lessons/x".into(),
                anchor: Some("key-message-2".into())
            }
        );
        assert_eq!(r.refs[2].pos, Pos { line: 4, column: 1 });
        assert_eq!(
            r.refs[3].target,
            RefTarget::File {
                path: "cases/a.md".into(),
                anchor: Some("top".into()),
                written: "../../cases/a.md#top".into()
            }
        );
        // The generated text replaces the id; the author's text stays.
        assert!(!r.html.contains(">consent<"));
        let mut close = String::new();
        tokens::push(&mut close, Token::LinkClose(1));
        assert!(r.html.contains(&format!("this{close}")), "{}", r.html);
        assert_eq!(r.lead.as_deref(), Some("Intro"));
    }

    #[test]
    fn headings_get_unique_anchors_that_avoid_block_ids() {
        let (r, _) = run(
            "## Key Message 1\n\n::: key-message\nx\n:::\n\n## Summary\n\n## Summary\n\n## Named {#custom}\n",
        );
        let anchors: Vec<&str> = r.headings.iter().map(|h| h.anchor.as_str()).collect();
        assert_eq!(
            anchors,
            ["key-message-1-1", "summary", "summary-1", "custom"]
        );
        assert!(r.html.contains("<h2 id=\"summary-1\">"));
    }

    #[test]
    fn blocks_are_located_in_the_html() {
        let (r, _) = run("::: key-message\nConsent **matters**.\n:::\n");
        let inner = &r.html[r.blocks[0].inner.clone()];
        assert!(
            inner.contains("<p>Consent <strong>matters</strong>.</p>"),
            "{inner}"
        );
        assert!(!inner.contains(tokens::START));
    }

    #[test]
    fn code_is_highlighted_and_assets_are_rewritten() {
        let (r, _) = run("```rust\nfn main() {}\n```\n\n![map](img/map.png)\n");
        assert!(r.has_code);
        assert!(r.html.contains("hl-"), "{}", r.html);
        // Relative to the site root, through a token each output fills in for its own folder.
        let src = format!("src=\"{}lessons/m1/img/map.png\"", tokens::root());
        assert!(r.html.contains(&src), "{}", r.html);
    }

    #[test]
    fn duplicate_block_ids_are_errors() {
        let (_, problems) = run("::: note {#x}\na\n:::\n\n::: note {#x}\nb\n:::\n");
        assert_eq!(problems, ["5:1: duplicate block id `x` on this page"]);
    }

    #[test]
    fn normalize_stays_inside_content() {
        assert_eq!(normalize("a/b", "../c.md").as_deref(), Some("a/c.md"));
        assert_eq!(normalize("", "./x.md").as_deref(), Some("x.md"));
        assert_eq!(normalize("a", "../../x.md"), None);
    }
}
