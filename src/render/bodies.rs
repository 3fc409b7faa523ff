//! Page bodies: the tokens the parse left in a body filled for the page that shows it
//! (references as links with their generated text, `:::` blocks with their labels), the print
//! views' bodies with their ids made unique, and the hash that stands for a body when a session
//! only needs to know whether it changed.

use std::ops::Range;

use rayon::prelude::*;

use super::Renderer;
use super::jobs;
use super::links::{self, href, page_title};
use super::scripts;
use crate::page::tokens::{self, Token};
use crate::page::{BlockKind, markdown::escape};
use crate::site::Anchor;

/// The anchor of a page in the print view (`print/index.html`).
pub fn print_anchor(id: &str) -> String {
    format!("p-{}", id.replace('/', "_"))
}

/// Prefixes every `id="x"` with `anchor-`, and every in-page link `href="#x"` to match
/// (but `#` and `#top`, which name the top of any document); `href="##x"` (a link already
/// within the print view) loses one `#` and is kept.
fn prefix_ids(html: &str, anchor: &str) -> String {
    const ID: &str = " id=\"";
    const LINK: &str = "href=\"#";
    let mut out = String::with_capacity(html.len() + 256);
    // Both kinds of places in one pass, in order (each list is found in linear time).
    let ids = memchr::memmem::find_iter(html.as_bytes(), ID).map(|at| (at, ID.len(), true));
    let links = memchr::memmem::find_iter(html.as_bytes(), LINK).map(|at| (at, LINK.len(), false));
    let mut places: Vec<(usize, usize, bool)> = ids.chain(links).collect();
    places.sort_unstable();
    let mut copied = 0;
    for (at, len, is_id) in places {
        let value = at + len;
        if value < copied {
            continue;
        }
        out.push_str(&html[copied..value]);
        copied = value;
        let rest = &html[value..];
        if !is_id && rest.starts_with('#') {
            copied += 1;
            continue;
        }
        // `#` and `#top` (the top of the document, whatever its ids) stay as they are.
        if !is_id && (rest.starts_with('"') || rest.starts_with("top\"")) {
            continue;
        }
        out.push_str(anchor);
        out.push('-');
    }
    out.push_str(&html[copied..]);
    out
}

impl Renderer<'_> {
    /// Fills the tokens of a piece of body HTML of `source` (its bytes in `range`) for display
    /// on the page `from`.
    pub fn fill(&self, source: usize, range: Range<usize>, from: &str) -> String {
        self.fill_keeping(source, range, from, &|_| true)
    }

    /// [`Renderer::fill`], leaving out the blocks whose kind `keep` refuses, with all they hold.
    pub fn fill_keeping(
        &self,
        source: usize,
        range: Range<usize>,
        from: &str,
        keep: &dyn Fn(crate::page::BlockKind) -> bool,
    ) -> String {
        self.fill_for(source, range, from, None, keep)
    }

    /// A page's body for the print view of the whole handbook: references become links within
    /// the document, and the page's own ids (headings, blocks, footnotes) and in-page links are
    /// prefixed with its anchor there, so that they stay unique.
    /// `printed` says which pages the print document holds (references to the others link to
    /// their page on the site, from `from`, the document's own id).
    /// Writes a rendered print view, with each page's body in place of its marker; the bodies
    /// are made a batch at a time, in parallel, and each is shown to `each_body` with its page
    /// (on the thread that made it). Returns the bytes written.
    pub fn write_print(
        &self,
        scope: Option<usize>,
        skeleton: &[u8],
        file: &mut dyn std::io::Write,
        each_body: &(dyn Fn(usize, &str) + Sync),
    ) -> std::io::Result<u64> {
        let skeleton = String::from_utf8_lossy(skeleton);
        let (parts, rest) = scripts::split_print_markers(&skeleton);
        let printed = self.print_pages(scope);
        let (id, _) = jobs::Job::Print(scope)
            .printed(self.site)
            .expect("a printed page");
        let mut written = 0u64;
        for batch in parts.chunks(64) {
            let bodies: Vec<String> = batch
                .par_iter()
                .map(|&(_, p)| {
                    if p < self.site.pages.len() {
                        let body = self.print_body(p, &id, &printed);
                        each_body(p, &body);
                        body
                    } else {
                        String::new()
                    }
                })
                .collect();
            for ((text, _), body) in batch.iter().zip(bodies) {
                file.write_all(text.as_bytes())?;
                file.write_all(body.as_bytes())?;
                written += (text.len() + body.len()) as u64;
            }
        }
        file.write_all(rest.as_bytes())?;
        Ok(written + rest.len() as u64)
    }

    /// What a print view's bodies are made from, hashed (on a cheap renderer).
    pub fn print_fingerprint(&self, scope: Option<usize>) -> u64 {
        use std::hash::{Hash, Hasher};
        let printed = self.print_pages(scope);
        let (id, _) = jobs::Job::Print(scope)
            .printed(self.site)
            .expect("a printed page");
        let mut h = rustc_hash::FxHasher::default();
        for (p, _) in printed.iter().enumerate().filter(|(_, inside)| **inside) {
            self.print_body(p, &id, &printed).hash(&mut h);
        }
        h.finish()
    }

    pub fn print_body(&self, page: usize, from: &str, printed: &[bool]) -> String {
        let html = self.fill_for(
            page,
            0..self.site.pages[page].body.len(),
            from,
            Some(printed),
            &|_| true,
        );
        prefix_ids(&html, &print_anchor(&self.site.pages[page].id))
    }

    /// Fills tokens for display on the page `from`; with `printed`, for a print document (at
    /// `from`) that holds those pages.
    fn fill_for(
        &self,
        source: usize,
        range: Range<usize>,
        from: &str,
        printed: Option<&[bool]>,
        keep: &dyn Fn(crate::page::BlockKind) -> bool,
    ) -> String {
        if self.cheap {
            return self.fill_fingerprint(source, range, from, printed, keep);
        }
        let page = &self.site.pages[source];
        let html = page.body.text(range);
        let html = html.as_ref();
        let refs = &self.site.refs[source];
        let written_refs = page.refs.read();
        let mut out = String::with_capacity(html.len() + 256);
        // Blocks being left out, with where the output stood when each opened.
        let mut dropped: Vec<(usize, usize)> = Vec::new();
        tokens::substitute(html, &mut out, |token, out| match token {
            Token::LinkOpen(i) => match refs.get(i).copied().flatten() {
                // A reference to a page this edition leaves out: plain text.
                None => out.push_str("<span class=\"ref unlinked\">"),
                Some(r) => {
                    // (Missing only when the build's temporary file could not be read back:
                    // an error the build reports.)
                    let written = written_refs.get(i);
                    out.push_str(match written.map(|w| &w.target) {
                        Some(crate::page::RefTarget::File { .. }) => "<a href=\"",
                        _ => "<a class=\"ref\" href=\"",
                    });
                    if printed.is_some_and(|inside| inside[r.page]) {
                        // "##": a link within the print document, left alone by `prefix_ids`.
                        out.push_str("##");
                        out.push_str(&print_anchor(&self.site.pages[r.page].id));
                        if let Some(anchor) = self.anchor_name(r.page, r.anchor) {
                            out.push('-');
                            out.push_str(&anchor);
                        }
                    } else {
                        out.push_str(&href(
                            from,
                            &self.site.pages[r.page].id,
                            self.anchor_name(r.page, r.anchor).as_deref(),
                        ));
                    }
                    out.push('"');
                    if let Some(title) = written.and_then(|w| w.title.as_ref()) {
                        out.push_str(" title=\"");
                        out.push_str(&escape(title));
                        out.push('"');
                    }
                    // A generated link text (the target's title) is in the target's language.
                    if written.is_some_and(|w| !w.has_text) {
                        self.push_lang(self.site.pages[r.page].language.as_deref(), page, out);
                    }
                    out.push('>');
                }
            },
            Token::LinkClose(i) => out.push_str(match refs.get(i).copied().flatten() {
                Some(_) => "</a>",
                None => "</span>",
            }),
            Token::Text(i) => {
                let text = match refs.get(i).copied().flatten() {
                    Some(r) => self.ref_text(r.page, r.anchor),
                    None => match self.site.unlinked.get(&(source, i)) {
                        Some(title) => title.clone(),
                        None => match written_refs.get(i).map(|r| &r.target) {
                            Some(crate::page::RefTarget::Id { id, .. }) => id.clone(),
                            _ => String::new(),
                        },
                    },
                };
                out.push_str(&escape(&text));
            }
            Token::Open(b) => {
                if let Some(block) = page.blocks.get(b) {
                    if keep(block.spec.kind) {
                        self.block_open(block, page, out);
                    } else {
                        dropped.push((b, out.len()));
                    }
                }
            }
            Token::Root => out.push_str(&links::root_of(from)),
            Token::Close(b) => {
                if let Some(&(open, at)) = dropped.last()
                    && open == b
                {
                    dropped.pop();
                    out.truncate(at);
                } else if let Some(block) = page.blocks.get(b) {
                    out.push_str(block_close(block.spec.kind));
                }
            }
        });
        out
    }

    /// What [`Renderer::fill_for`] would read, hashed: the page's source, which part of its
    /// body, where it is shown, which blocks are kept, and for each reference where it leads
    /// and its generated text.
    fn fill_fingerprint(
        &self,
        source: usize,
        range: Range<usize>,
        from: &str,
        printed: Option<&[bool]>,
        keep: &dyn Fn(crate::page::BlockKind) -> bool,
    ) -> String {
        use std::hash::{Hash, Hasher};
        let page = &self.site.pages[source];
        let mut h = rustc_hash::FxHasher::default();
        page.source_hash.hash(&mut h);
        range.start.hash(&mut h);
        range.len().hash(&mut h);
        from.hash(&mut h);
        for kind in BlockKind::ALL {
            keep(kind).hash(&mut h);
        }
        printed.is_some().hash(&mut h);
        for (i, r) in self.site.refs[source].iter().enumerate() {
            match r {
                Some(r) => {
                    self.site.pages[r.page].id.hash(&mut h);
                    self.anchor_name(r.page, r.anchor).hash(&mut h);
                    self.ref_text(r.page, r.anchor).hash(&mut h);
                    printed.map(|inside| inside[r.page]).hash(&mut h);
                }
                None => self.site.unlinked.get(&(source, i)).hash(&mut h),
            }
        }
        format!("\u{1}{:016x}", h.finish())
    }

    /// The body of a page, filled for display on `from`.
    pub fn body(&self, page: usize, from: &str) -> String {
        self.fill(page, 0..self.site.pages[page].body.len(), from)
    }

    /// The inner HTML of one block, filled for display on `from`.
    pub fn block_html(&self, page: usize, block: usize, from: &str) -> String {
        let p = &self.site.pages[page];
        self.fill(page, p.blocks[block].inner.clone(), from)
    }

    fn anchor_name(
        &self,
        page: usize,
        anchor: Option<Anchor>,
    ) -> Option<std::borrow::Cow<'_, str>> {
        let p = &self.site.pages[page];
        match anchor? {
            Anchor::Block(b) => Some(p.blocks[b].spec.id.as_str().into()),
            Anchor::Heading(h) => p
                .headings
                .read()
                .into_iter()
                .nth(h)
                .map(|h| h.anchor.into()),
        }
    }

    /// The text of a reference without author text: the title, "Key Message 2 (1.3 ...)",
    /// or the heading.
    pub fn ref_text(&self, page: usize, anchor: Option<Anchor>) -> String {
        let p = &self.site.pages[page];
        match anchor {
            None => page_title(self.site, page),
            Some(Anchor::Heading(h)) => p
                .headings
                .read()
                .into_iter()
                .nth(h)
                .map(|h| h.text)
                .unwrap_or_default(),
            Some(Anchor::Block(b)) => {
                let block = &p.blocks[b];
                format!(
                    "{} ({})",
                    self.block_label(block),
                    page_title(self.site, page)
                )
            }
        }
    }

    /// "Key Message 2", "Activity 1.1.1: Spot the principle", "Slide 4", "Example: A referee".
    pub fn block_label(&self, block: &crate::page::Block) -> String {
        let spec = &block.spec;
        let word = self.strings.block(spec.kind);
        let number = match spec.kind {
            BlockKind::KeyMessage => Some(spec.ordinal.to_string()),
            BlockKind::Activity | BlockKind::Slide => Some(
                spec.attr("number")
                    .map(str::to_string)
                    .unwrap_or_else(|| spec.ordinal.to_string()),
            ),
            _ => None,
        };
        let mut label = match number {
            Some(n) => format!("{word} {n}"),
            None => word.to_string(),
        };
        if let Some(title) = spec.attr("title") {
            label.push_str(": ");
            label.push_str(title);
        }
        label
    }

    /// ` lang="…" dir="…"` for text in the language `language` (None: the handbook's) inside
    /// the body of `page`, when the two differ.
    fn push_lang(&self, language: Option<&str>, page: &crate::page::ParsedPage, out: &mut String) {
        if language == page.language.as_deref() {
            return;
        }
        let language = language.unwrap_or(&self.config.book.language);
        out.push_str(&format!(
            " lang=\"{}\" dir=\"{}\"",
            escape(language),
            crate::strings::direction(language)
        ));
    }

    /// A block's label as HTML: in a page left in another language (an untranslated base page),
    /// the label's words are the handbook's and say so; its title, from the page, stays in the
    /// page's language.
    fn label_html(&self, block: &crate::page::Block, page: &crate::page::ParsedPage) -> String {
        if page.language.is_none() {
            return escape(&self.block_label(block));
        }
        let label = self.block_label(block);
        let (words, title) = match block.spec.attr("title") {
            Some(title) => label.split_at(label.len() - title.len() - 2),
            None => (label.as_str(), ""),
        };
        let mut out = self.handbook_words(words, page);
        out.push_str(&escape(title));
        out
    }

    /// Words of the handbook's (the theme's) as HTML inside the body of `page`: in a span that
    /// says their language where the page is in another.
    fn handbook_words(&self, words: &str, page: &crate::page::ParsedPage) -> String {
        if page.language.is_none() {
            return escape(words);
        }
        let mut out = String::from("<span");
        self.push_lang(None, page, &mut out);
        out.push('>');
        out.push_str(&escape(words));
        out.push_str("</span>");
        out
    }

    fn block_open(
        &self,
        block: &crate::page::Block,
        page: &crate::page::ParsedPage,
        out: &mut String,
    ) {
        let spec = &block.spec;
        let id = escape(&spec.id);
        let label = self.label_html(block, page);
        let kind = spec.kind.name();
        match spec.kind {
            BlockKind::KeyMessage => {
                out.push_str(&format!(
                    "<div class=\"block {kind}\" id=\"{id}\"><p class=\"block-label\"><a href=\"#{id}\">{label}</a></p>"
                ));
            }
            BlockKind::TrainerTip => {
                out.push_str(&format!(
                    "<details class=\"block {kind}\" id=\"{id}\" open><summary class=\"block-label\">{label}</summary>"
                ));
            }
            BlockKind::Activity => {
                let kind_attr = spec.attr("type").unwrap_or("required");
                let mut meta = Vec::new();
                if let Some(t) = spec.attr("type") {
                    meta.push(self.handbook_words(self.strings.get(t), page));
                }
                if let Some(d) = spec.attr("duration") {
                    meta.push(escape(d));
                }
                out.push_str(&format!(
                    "<div class=\"block {kind} {kind}-{}\" id=\"{id}\"><p class=\"block-label\">{label}</p>",
                    escape(kind_attr)
                ));
                if !meta.is_empty() {
                    out.push_str(&format!("<p class=\"block-meta\">{}</p>", meta.join(" · ")));
                }
            }
            BlockKind::Slide => {
                out.push_str(&format!(
                    "<figure class=\"block {kind}\" id=\"{id}\"><figcaption class=\"block-label\">{label}</figcaption>"
                ));
            }
            BlockKind::Example | BlockKind::Note | BlockKind::Warning => {
                let role = if spec.kind == BlockKind::Example {
                    ""
                } else {
                    " role=\"note\""
                };
                out.push_str(&format!("<aside class=\"block {kind}\" id=\"{id}\"{role}><p class=\"block-label\">{label}</p>"));
            }
        }
    }
}

fn block_close(kind: BlockKind) -> &'static str {
    match kind {
        BlockKind::KeyMessage => "</div>",
        BlockKind::TrainerTip => "</details>",
        BlockKind::Activity => "</div>",
        BlockKind::Slide => "</figure>",
        BlockKind::Example | BlockKind::Note | BlockKind::Warning => "</aside>",
    }
}

#[cfg(test)]
mod print_tests {
    use super::*;

    #[test]
    fn ids_and_in_page_links_are_prefixed_and_print_links_kept() {
        let html = r###"<h2 id="intro">I</h2><a href="#intro">up</a><sup><a href="#1">1</a></sup><div id="1">n</div><a href="##p-other-km-2">km</a><a href="../x/index.html">x</a>"###;
        assert_eq!(
            prefix_ids(html, "p-a_b"),
            r###"<h2 id="p-a_b-intro">I</h2><a href="#p-a_b-intro">up</a><sup><a href="#p-a_b-1">1</a></sup><div id="p-a_b-1">n</div><a href="#p-other-km-2">km</a><a href="../x/index.html">x</a>"###
        );
        assert_eq!(
            prefix_ids(
                r##"<a href="#top">t</a><a href="#">e</a><a href="#topic">x</a>"##,
                "p-a"
            ),
            r##"<a href="#top">t</a><a href="#">e</a><a href="#p-a-topic">x</a>"##
        );
        assert_eq!(
            print_anchor("lessons/module-1/1.3-principles"),
            "p-lessons_module-1_1.3-principles"
        );
        assert_eq!(print_anchor(""), "p-");
    }
}
