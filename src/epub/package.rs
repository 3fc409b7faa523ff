//! The documents every EPUB of a handbook has besides its pages: the package document
//! (`package.opf`: metadata, manifest, spine), the navigation document (`nav.xhtml`: the
//! contents tree and landmarks), the cover page and the cover image (an SVG drawn from the
//! title, with the logo of `[theme]` on the cover page when there is one).
//!
//! Nothing in them depends on the time or the machine: `dcterms:modified` is a fixed date and
//! the identifier a hash of what names the book (title, language, edition, address, and the
//! module for a module's book), so the same handbook makes the same bytes.

use super::xhtml::{attr, text};
use crate::config::Config;
use crate::render::Renderer;
use crate::render::links::page_title;

/// The fixed modification date of every book (EPUB requires one; a build's time would make
/// every build's bytes different).
pub const MODIFIED: &str = "2000-01-01T00:00:00Z";

/// One file of the manifest.
pub struct Item {
    pub id: String,
    pub href: String,
    pub media_type: &'static str,
    /// `svg`, `mathml`: what the page holds.
    pub properties: String,
    /// Read in order (a page), or only shown from a page (an image).
    pub spine: bool,
}

/// What the book-wide documents are made from.
pub struct Package<'a> {
    pub renderer: &'a Renderer<'a>,
    /// The book's title: the handbook's, or the module's.
    pub title: &'a str,
    pub top: usize,
    /// The first page's file, if the book has pages.
    pub first_page: Option<String>,
}

/// FNV-1a ([`crate::fnv`]) of `bytes` from `seed`.
pub fn hash64(bytes: &[u8], seed: u64) -> u64 {
    crate::fnv::hash(bytes.iter().copied(), seed)
}

/// The start of an XHTML document of the book, up to `<body>`.
pub fn xhtml_head(config: &Config, title: &str) -> String {
    let language = attr(&config.book.language);
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE html>\n\
         <html xmlns=\"http://www.w3.org/1999/xhtml\" xmlns:epub=\"http://www.idpf.org/2007/ops\" \
         lang=\"{language}\" xml:lang=\"{language}\" dir=\"{}\">\n<head>\n<meta charset=\"utf-8\"/>\n\
         <title>{}</title>\n<link rel=\"stylesheet\" type=\"text/css\" href=\"book.css\"/>\n</head>\n",
        config.book.direction(),
        text(title)
    )
}

impl Package<'_> {
    fn config(&self) -> &Config {
        self.renderer.config
    }

    /// Whether this is a module's book (not the whole handbook's).
    fn is_module(&self) -> bool {
        self.top != self.renderer.site.home
    }

    /// The lines under the title on the cover: the handbook's title (in a module's book) and
    /// the edition.
    fn subtitles(&self) -> Vec<String> {
        let book = &self.config().book;
        let mut lines = Vec::new();
        if self.is_module() || book.title != self.title {
            lines.push(book.title.clone());
        }
        if let Some(edition) = book.edition_line(self.renderer.strings.get("edition")) {
            lines.push(edition);
        }
        lines
    }

    /// The cover image: the title (broken into lines) and the lines under it, drawn in SVG.
    pub fn cover_image(&self) -> String {
        let config = self.config();
        let rtl = config.book.direction() == "rtl";
        let direction = if rtl { " direction=\"rtl\"" } else { "" };
        let band = config
            .theme
            .primary
            .as_deref()
            .filter(|c| {
                c.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "#(),.% ".contains(c))
            })
            .unwrap_or("#1f3a5f");
        let mut svg = format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
             <svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" viewBox=\"0 0 600 900\" \
             width=\"600\" height=\"900\">\n\
             <rect width=\"600\" height=\"900\" fill=\"#ffffff\"/>\n\
             <rect width=\"600\" height=\"40\" fill=\"{band}\"/>\n\
             <rect y=\"860\" width=\"600\" height=\"40\" fill=\"{band}\"/>\n"
        );
        let mut y = 300;
        for line in wrap(self.title, 22) {
            svg.push_str(&format!(
                "<text x=\"300\" y=\"{y}\" text-anchor=\"middle\" font-family=\"serif\" \
                 font-size=\"40\" font-weight=\"bold\" fill=\"#111111\"{direction}>{}</text>\n",
                text(&line)
            ));
            y += 52;
        }
        y += 40;
        for line in self.subtitles() {
            for part in wrap(&line, 34) {
                svg.push_str(&format!(
                    "<text x=\"300\" y=\"{y}\" text-anchor=\"middle\" font-family=\"sans-serif\" \
                     font-size=\"26\" fill=\"#333333\"{direction}>{}</text>\n",
                    text(&part)
                ));
                y += 36;
            }
        }
        svg.push_str("</svg>\n");
        svg
    }

    /// The cover page: the logo (if any), the title and the lines under it.
    pub fn cover_page(&self, logo: Option<&str>) -> String {
        let mut out = xhtml_head(self.config(), self.title);
        out.push_str("<body class=\"cover\">\n<section epub:type=\"cover\" class=\"cover\">\n");
        if let Some(logo) = logo {
            out.push_str(&format!(
                "<p class=\"logo\"><img src=\"{}\" alt=\"\"/></p>\n",
                attr(logo)
            ));
        }
        out.push_str(&format!("<h1>{}</h1>\n", text(self.title)));
        for line in self.subtitles() {
            out.push_str(&format!("<p class=\"subtitle\">{}</p>\n", text(&line)));
        }
        if let Some(footer) = &self.config().theme.footer {
            out.push_str(&format!("<p class=\"brand\">{}</p>\n", text(footer)));
        }
        out.push_str("</section>\n</body>\n</html>\n");
        out
    }

    /// The navigation document: the pages as a tree under the top page's own entry (the whole
    /// handbook's top-level parts side by side), and the landmarks.
    pub fn nav(&self, files: &[(usize, String)], inside: &[bool]) -> String {
        let site = self.renderer.site;
        let file = |p: usize| {
            files
                .binary_search_by_key(&site.rank[p], |&(q, _)| site.rank[q])
                .ok()
                .map(|i| files[i].1.as_str())
        };
        let contents = self.renderer.strings.get("contents");
        let mut out = xhtml_head(self.config(), contents);
        out.push_str(&format!(
            "<body>\n<nav epub:type=\"toc\" id=\"toc\">\n<h1>{}</h1>\n<ol>\n",
            text(contents)
        ));
        let entry = |p: usize, out: &mut String| {
            out.push_str(&format!(
                "<li><a href=\"{}\">{}</a>",
                attr(file(p).unwrap_or("")),
                text(&page_title(site, p))
            ));
        };
        // Depth first, without recursion: (page, whether its entry is open).
        let mut stack: Vec<(usize, bool)> = Vec::new();
        entry(self.top, &mut out);
        out.push_str("</li>\n");
        for &child in site.children[self.top].iter().rev() {
            if inside[child] {
                stack.push((child, false));
            }
        }
        while let Some((p, opened)) = stack.pop() {
            if opened {
                out.push_str("</ol></li>\n");
                continue;
            }
            entry(p, &mut out);
            let children: Vec<usize> = site.children[p]
                .iter()
                .copied()
                .filter(|&c| inside[c])
                .collect();
            if children.is_empty() {
                out.push_str("</li>\n");
            } else {
                out.push_str("\n<ol>\n");
                stack.push((p, true));
                for &c in children.iter().rev() {
                    stack.push((c, false));
                }
            }
        }
        out.push_str("</ol>\n</nav>\n");
        out.push_str(&format!(
            "<nav epub:type=\"landmarks\" id=\"landmarks\" hidden=\"hidden\">\n<ol>\n\
             <li><a epub:type=\"cover\" href=\"cover.xhtml\">{}</a></li>\n\
             <li><a epub:type=\"toc\" href=\"#toc\">{}</a></li>\n",
            text(self.title),
            text(contents)
        ));
        if let Some(first) = &self.first_page {
            out.push_str(&format!(
                "<li><a epub:type=\"bodymatter\" href=\"{}\">{}</a></li>\n",
                attr(first),
                text(&page_title(site, self.top))
            ));
        }
        out.push_str("</ol>\n</nav>\n</body>\n</html>\n");
        out
    }

    /// The package document.
    pub fn opf(&self, items: &[Item], language: &str) -> String {
        let config = self.config();
        let book = &config.book;
        let module = if self.is_module() {
            self.renderer.site.pages[self.top].id.as_str()
        } else {
            ""
        };
        let name = [
            book.title.as_str(),
            &book.language,
            book.edition.as_deref().unwrap_or(""),
            &book.base_url,
            module,
        ]
        .join("\u{0}");
        let (a, b) = (
            hash64(name.as_bytes(), 0),
            hash64(name.as_bytes(), 0x9e37_79b9),
        );
        // A version 4 style UUID made of the hash (so that readers take it for one).
        let uuid = format!(
            "{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}",
            a >> 32,
            (a >> 16) & 0xffff,
            a & 0xfff,
            0x8000 | ((b >> 48) & 0x3fff),
            b & 0xffff_ffff_ffff
        );
        let title = if self.is_module() {
            format!("{} · {}", self.title, book.title)
        } else {
            self.title.to_string()
        };
        let mut out = format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
             <package xmlns=\"http://www.idpf.org/2007/opf\" version=\"3.0\" \
             unique-identifier=\"uid\" xml:lang=\"{lang}\" dir=\"{dir}\">\n\
             <metadata xmlns:dc=\"http://purl.org/dc/elements/1.1/\">\n\
             <dc:identifier id=\"uid\">urn:uuid:{uuid}</dc:identifier>\n\
             <dc:title>{}</dc:title>\n\
             <dc:language>{lang}</dc:language>\n",
            text(&title),
            lang = attr(language),
            dir = book.direction(),
        );
        if let Some(description) = &book.description {
            out.push_str(&format!(
                "<dc:description>{}</dc:description>\n",
                text(description)
            ));
        }
        if let Some(footer) = &config.theme.footer {
            out.push_str(&format!("<dc:publisher>{}</dc:publisher>\n", text(footer)));
        }
        out.push_str(&format!(
            "<meta property=\"dcterms:modified\">{MODIFIED}</meta>\n</metadata>\n<manifest>\n\
             <item id=\"nav\" href=\"nav.xhtml\" media-type=\"application/xhtml+xml\" properties=\"nav\"/>\n\
             <item id=\"css\" href=\"book.css\" media-type=\"text/css\"/>\n\
             <item id=\"cover\" href=\"cover.xhtml\" media-type=\"application/xhtml+xml\"/>\n\
             <item id=\"cover-image\" href=\"cover.svg\" media-type=\"image/svg+xml\" properties=\"cover-image\"/>\n"
        ));
        for item in items {
            out.push_str(&format!(
                "<item id=\"{}\" href=\"{}\" media-type=\"{}\"",
                attr(&item.id),
                attr(&item.href),
                item.media_type
            ));
            if !item.properties.is_empty() {
                out.push_str(&format!(" properties=\"{}\"", item.properties));
            }
            out.push_str("/>\n");
        }
        out.push_str("</manifest>\n<spine");
        if book.direction() == "rtl" {
            out.push_str(" page-progression-direction=\"rtl\"");
        }
        out.push_str(">\n<itemref idref=\"cover\"/>\n<itemref idref=\"nav\"/>\n");
        for item in items.iter().filter(|i| i.spine) {
            out.push_str(&format!("<itemref idref=\"{}\"/>\n", attr(&item.id)));
        }
        out.push_str("</spine>\n</package>\n");
        out
    }
}

/// Breaks `line` into lines of at most about `width` characters, at spaces.
fn wrap(line: &str, width: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut current = String::new();
    for word in line.split_whitespace() {
        if !current.is_empty() && current.chars().count() + 1 + word.chars().count() > width {
            lines.push(std::mem::take(&mut current));
        }
        if !current.is_empty() {
            current.push(' ');
        }
        current.push_str(word);
    }
    if !current.is_empty() {
        lines.push(current);
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_break_at_spaces() {
        assert_eq!(
            wrap("Principles of UN Peacekeeping", 16),
            ["Principles of UN", "Peacekeeping"]
        );
        assert_eq!(wrap("", 10), Vec::<String>::new());
        assert_eq!(hash64(b"a", 0), hash64(b"a", 0));
        assert_ne!(hash64(b"a", 0), hash64(b"a", 1));
    }
}
