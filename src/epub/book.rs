//! One EPUB: the pages of the whole handbook, or of one module, each an XHTML file of its own
//! (`EPUB/p0001.xhtml`, ... in reading order), with the cover, the navigation document, the
//! stylesheet, the images the pages show and the package document that lists them.
//!
//! The pages' bodies are the print view's ([`Renderer::print_body`]): references to pages in
//! the book are links within it (`#p-<page>-<anchor>`), and every id a body holds starts with
//! its page's anchor, so that ids stay unique across the book. Before any page is written, the
//! ids of every page are gathered (one pass over the bodies), so that each in-book link can
//! name the file its target is in; a link to an id no page holds becomes its text. A
//! reference to a page outside the book (a module's EPUB leaves out the rest of the handbook)
//! leads to the page on the site when `[book] base_url` is an absolute URL, else becomes its
//! text. Pages are made a batch at a time, in parallel, and each is written into the container
//! as soon as its batch is done, so that only a batch of pages is held at once.

use std::collections::{BTreeMap, HashMap};

use rayon::prelude::*;

use super::container::Container;
use super::package::{self, Item, Package};
use super::xhtml::{self, Place, Url};
use crate::layout;
use crate::model::Kind;
use crate::render::Renderer;
use crate::render::bodies::print_anchor;
use crate::render::links::page_title;

/// The id a print document is made for: reserved, so no page has it; every URL of a body
/// made for it that leads to the site starts with `../` (the site's root, seen from it).
const FROM: &str = "print";

/// What one EPUB holds and where its links lead.
pub struct Book<'a> {
    pub renderer: &'a Renderer<'a>,
    /// The top page: the home page (the whole handbook) or a module.
    pub top: usize,
    /// The site's address with a trailing `/` (for this language), when `base_url` is absolute.
    pub site_url: Option<String>,
    /// The files under `content/` (path relative to it → file on disk).
    pub assets: &'a HashMap<String, std::path::PathBuf>,
}

/// One page, made: its XHTML and what it uses.
struct Made {
    xhtml: String,
    images: Vec<String>,
    features: xhtml::Features,
}

impl Book<'_> {
    /// The pages of the book, in reading order.
    fn pages(&self) -> Vec<usize> {
        let site = self.renderer.site;
        let under = |mut p: usize| loop {
            if p == self.top {
                return true;
            }
            match site.parent[p] {
                Some(up) => p = up,
                None => return false,
            }
        };
        site.order.iter().copied().filter(|&p| under(p)).collect()
    }

    /// Makes the EPUB's bytes.
    pub fn make(&self) -> Result<Vec<u8>, String> {
        let site = self.renderer.site;
        let config = self.renderer.config;
        let pages = self.pages();
        let mut inside = vec![false; site.pages.len()];
        let mut file_of: Vec<Option<u32>> = vec![None; site.pages.len()];
        for (n, &p) in pages.iter().enumerate() {
            inside[p] = true;
            file_of[p] = Some(n as u32);
        }
        // Every id of every page, with the page (its number in the book) it is on.
        let ids: HashMap<String, u32> = {
            let found: Vec<Vec<String>> = pages
                .par_iter()
                .map(|&p| {
                    let body = self.renderer.print_body(p, FROM, &inside);
                    let mut ids = vec![print_anchor(&site.pages[p].id)];
                    crate::linkcheck::html::scan(&body, &mut |found| {
                        if let crate::linkcheck::html::Found::Id(id) = found {
                            ids.push(id.into_owned());
                        }
                    });
                    ids
                })
                .collect();
            let mut ids = HashMap::new();
            for (n, found) in found.into_iter().enumerate() {
                for id in found {
                    ids.entry(id).or_insert(n as u32);
                }
            }
            ids
        };
        let mut container = Container::new()?;
        let mut items: Vec<Item> = Vec::with_capacity(pages.len() + 8);
        let mut images: BTreeMap<String, String> = BTreeMap::new();
        let language = &config.book.language;
        for (batch_at, batch) in pages.chunks(64).enumerate() {
            let made: Vec<Made> = batch
                .par_iter()
                .enumerate()
                .map(|(i, &p)| self.page(p, (batch_at * 64 + i) as u32, &inside, &ids))
                .collect();
            for (i, made) in made.into_iter().enumerate() {
                let n = (batch_at * 64 + i) as u32;
                let href = file_name(n);
                container.add(&format!("EPUB/{href}"), made.xhtml.as_bytes())?;
                let mut properties = Vec::new();
                if made.features.svg {
                    properties.push("svg");
                }
                if made.features.mathml {
                    properties.push("mathml");
                }
                items.push(Item {
                    id: format!("p{:04}", n + 1),
                    href,
                    media_type: "application/xhtml+xml",
                    properties: properties.join(" "),
                    spine: true,
                });
                for rel in made.images {
                    let href = image_href(&rel);
                    images.entry(rel).or_insert(href);
                }
            }
        }
        for (n, (rel, href)) in images.iter().enumerate() {
            let path = &self.assets[rel];
            let data =
                std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
            container.add(&format!("EPUB/{href}"), &data)?;
            items.push(Item {
                id: format!("img{n}"),
                href: href.clone(),
                media_type: media_type(href).unwrap_or("application/octet-stream"),
                properties: String::new(),
                spine: false,
            });
        }
        let title = page_title(site, self.top);
        let book = Package {
            renderer: self.renderer,
            title: &title,
            top: self.top,
            first_page: pages.first().map(|_| file_name(0)),
        };
        let logo = match &config.theme.logo {
            Some(path) => match path.extension().and_then(|e| {
                media_type(&format!("x.{}", e.to_string_lossy().to_ascii_lowercase()))
            }) {
                Some(media_type) => {
                    let ext = path
                        .extension()
                        .map(|e| e.to_string_lossy().to_ascii_lowercase())
                        .unwrap_or_default();
                    let href = format!("logo.{ext}");
                    let data = std::fs::read(path)
                        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
                    container.add(&format!("EPUB/{href}"), &data)?;
                    items.push(Item {
                        id: "logo".into(),
                        href: href.clone(),
                        media_type,
                        properties: String::new(),
                        spine: false,
                    });
                    Some(href)
                }
                None => None,
            },
            None => None,
        };
        container.add("EPUB/cover.svg", book.cover_image().as_bytes())?;
        container.add(
            "EPUB/cover.xhtml",
            book.cover_page(logo.as_deref()).as_bytes(),
        )?;
        let toc: Vec<(usize, String)> = pages
            .iter()
            .map(|&p| (p, file_name(file_of[p].unwrap_or(0))))
            .collect();
        container.add("EPUB/nav.xhtml", book.nav(&toc, &inside).as_bytes())?;
        container.add("EPUB/book.css", super::STYLESHEET.as_bytes())?;
        container.add(
            super::container::PACKAGE,
            book.opf(&items, language).as_bytes(),
        )?;
        container.finish()
    }

    /// One page's XHTML document (the `n`th of the book).
    fn page(&self, p: usize, n: u32, inside: &[bool], ids: &HashMap<String, u32>) -> Made {
        let r = self.renderer;
        let site = r.site;
        let page = &site.pages[p];
        let title = page_title(site, p);
        let anchor = print_anchor(&page.id);
        // The page as HTML (with the site's kind of links), then converted in one go.
        let mut html = String::with_capacity(page.body.len() + 1024);
        let lang = page
            .language
            .as_deref()
            .map(|l| {
                format!(
                    " lang=\"{0}\" xml:lang=\"{0}\" dir=\"{1}\"",
                    xhtml::attr(l),
                    crate::strings::direction(l)
                )
            })
            .unwrap_or_default();
        let kind = page.fm.kind;
        html.push_str("<header>");
        if kind != Kind::Page && p != self.top {
            html.push_str(&format!(
                "<p class=\"kind-label\">{}</p>",
                xhtml::text(r.strings.kind(kind))
            ));
        }
        html.push_str(&format!("<h1>{}</h1></header>", xhtml::text(&title)));
        if let Some(aim) = &page.fm.aim {
            html.push_str(&format!(
                "<div class=\"aim\"><h2>{}</h2><p>{}</p></div>",
                xhtml::text(r.strings.get("aim")),
                xhtml::text(aim)
            ));
        }
        if !page.fm.outcomes.is_empty() {
            html.push_str(&format!(
                "<div class=\"outcomes\"><h2>{}</h2><ul>",
                xhtml::text(r.strings.get("learning_outcomes"))
            ));
            for o in &page.fm.outcomes {
                html.push_str(&format!("<li>{}</li>", xhtml::text(o)));
            }
            html.push_str("</ul></div>");
        }
        html.push_str("<div class=\"content\">");
        html.push_str(&r.print_body(p, FROM, inside));
        html.push_str("</div>");
        // A page that shows an index of a kind (the glossary's terms): the list.
        for index in site.indexes.iter().filter(|i| i.page == Some(p)) {
            if index.items.is_empty() {
                continue;
            }
            html.push_str("<ul class=\"index\">");
            for &item in &index.items {
                html.push_str(&format!(
                    "<li><a href=\"{}\">{}</a></li>",
                    self.link(item, None, inside),
                    xhtml::text(&page_title(site, item))
                ));
            }
            html.push_str("</ul>");
        }
        // Who refers to the page.
        if !site.backlinks[p].is_empty() {
            html.push_str(&format!(
                "<aside class=\"backlinks\"><h2>{}</h2><ul>",
                xhtml::text(r.strings.get("referred_to_by"))
            ));
            for source in &site.backlinks[p] {
                let from = &site.pages[source.page];
                // The referring page's title is in its own language (an untranslated page's).
                let title = match &from.language {
                    Some(l) => format!(
                        "<span lang=\"{}\" dir=\"{}\">{}</span>",
                        xhtml::attr(l),
                        crate::strings::direction(l),
                        xhtml::text(&page_title(site, source.page))
                    ),
                    None => xhtml::text(&page_title(site, source.page)),
                };
                let (text, anchor) = match source.block {
                    Some(b) => (
                        format!("{} ({title})", xhtml::text(&r.block_label(&from.blocks[b]))),
                        Some(from.blocks[b].spec.id.as_str()),
                    ),
                    None => (title, None),
                };
                html.push_str(&format!(
                    "<li><a href=\"{}\">{text}</a></li>",
                    self.link(source.page, anchor, inside),
                ));
            }
            html.push_str("</ul></aside>");
        }

        let mut images = Vec::new();
        let mut body = String::with_capacity(html.len() + 1024);
        let features = xhtml::convert(&html, &mut body, &mut |place, url| match place {
            Place::Link => self.link_url(url, n, ids),
            Place::Image => self.image_url(url, &mut images),
        });
        let mut out = String::with_capacity(body.len() + 1024);
        out.push_str(&package::xhtml_head(r.config, &title));
        out.push_str(&format!(
            "<body>\n<section class=\"page kind-{}\" id=\"{}\"{lang}>\n",
            kind.name(),
            xhtml::attr(&anchor)
        ));
        out.push_str(&body);
        out.push_str("\n</section>\n</body>\n</html>\n");
        Made {
            xhtml: out,
            images,
            features,
        }
    }

    /// A link to `page` (and an anchor in it) as a body made for the print view writes one.
    fn link(&self, page: usize, anchor: Option<&str>, inside: &[bool]) -> String {
        let id = &self.renderer.site.pages[page].id;
        if inside[page] {
            let mut href = format!("#{}", print_anchor(id));
            if let Some(anchor) = anchor {
                href.push('-');
                href.push_str(anchor);
            }
            xhtml::attr(&href)
        } else {
            xhtml::attr(&layout::href(FROM, id, anchor))
        }
    }

    /// Where a link of the page numbered `n` leads in the book.
    fn link_url(&self, url: &str, n: u32, ids: &HashMap<String, u32>) -> Url {
        if let Some(fragment) = url.strip_prefix('#') {
            let decoded = percent_encoding::percent_decode_str(fragment).decode_utf8_lossy();
            return match ids.get(fragment).or_else(|| ids.get(decoded.as_ref())) {
                Some(&m) if m == n => Url::Keep,
                Some(&m) => Url::To(format!("{}#{fragment}", file_name(m))),
                None => Url::Drop,
            };
        }
        if let Some(rest) = url.strip_prefix("../") {
            return match &self.site_url {
                Some(site) => Url::To(format!("{site}{rest}")),
                None => Url::Drop,
            };
        }
        let scheme = url
            .split_once(':')
            .map(|(s, _)| s.to_ascii_lowercase())
            .filter(|s| !s.contains('/'));
        match scheme.as_deref() {
            Some("http" | "https" | "mailto" | "tel") => Url::Keep,
            _ => Url::Drop,
        }
    }

    /// Where an image of a page is in the book: a file under `content/` of a kind reading
    /// systems show goes in (its name is recorded in `images`); anything else (an image on
    /// another site, which an EPUB may not load) becomes its `alt` text.
    fn image_url(&self, url: &str, images: &mut Vec<String>) -> Url {
        let Some(rest) = url.strip_prefix("../") else {
            return Url::Drop;
        };
        let path = rest.split(['#', '?']).next().unwrap_or("");
        let rel = percent_encoding::percent_decode_str(path).decode_utf8_lossy();
        if media_type(&rel).is_none() || !self.assets.contains_key(rel.as_ref()) {
            return Url::Drop;
        }
        images.push(rel.to_string());
        Url::To(image_href(&rel))
    }
}

/// The file of the `n`th page of a book (from 0).
pub fn file_name(n: u32) -> String {
    format!("p{:04}.xhtml", n + 1)
}

/// Where a content file goes in the book: a name made of its path's hash (ASCII, no spaces,
/// as reading systems and epubcheck want names), with its extension.
fn image_href(rel: &str) -> String {
    let ext = rel
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    format!("images/{:016x}.{ext}", package::hash64(rel.as_bytes(), 0))
}

/// The media type of an image file reading systems must show (EPUB's core media types).
pub fn media_type(path: &str) -> Option<&'static str> {
    let ext = path.rsplit_once('.')?.1.to_ascii_lowercase();
    Some(match ext.as_str() {
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "svg" => "image/svg+xml",
        _ => return None,
    })
}
