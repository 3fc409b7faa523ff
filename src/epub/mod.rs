//! EPUB output: EPUB 3 books for phones and e-readers, made from the resolved site after the
//! render (`tenet epub`, `tenet build --epub`), into the output folder with the site:
//! `epub/handbook.epub` (the whole handbook) and `epub/<module id>.epub` per module (named as
//! `tenet pdf` names its PDFs under `pdf/`), under the language's folder in a site of several
//! languages.
//!
//! A book holds the same content as the site (each page with its kind, title, aim, learning
//! outcomes, body with its blocks, the index a page shows, who refers to it), the cover, the
//! navigation document drawn from the site's tree, and the images its pages show; it is made
//! in the handbook's language and direction (`page-progression-direction="rtl"` in a
//! right-to-left one) and with its branding (title, logo, edition line, footer). Nothing in it
//! depends on the time or the machine, so the same handbook makes the same bytes.
//!
//! - `book`: one book's pages, images and package, written into
//! - `container`: the ZIP container (`mimetype` first and stored);
//! - `package`: package document, navigation document, cover;
//! - `xhtml`: the site's HTML5 bodies as XHTML.

mod book;
pub mod container;
mod package;
pub mod xhtml;

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;

use crate::config::Config;
use crate::diagnostics::Diagnostic;
use crate::model::Kind;
use crate::render::Renderer;
use crate::site::Site;
use crate::source::Asset;

/// The stylesheet of every book.
pub const STYLESHEET: &str = include_str!("book.css");

/// Where a book goes, relative to the (language's) output folder: `epub/handbook.epub` for the
/// whole handbook (`top` is the home page), `epub/<module id>.epub` for a module.
pub fn book_path(site: &Site, top: usize) -> String {
    if top == site.home {
        "epub/handbook.epub".to_string()
    } else {
        format!("epub/{}.epub", site.pages[top].id)
    }
}

/// The books of a site: the whole handbook's, then each module's, in reading order.
pub fn books(site: &Site) -> Vec<usize> {
    std::iter::once(site.home)
        .chain(
            site.order
                .iter()
                .copied()
                .filter(|&p| p != site.home && site.pages[p].fm.kind == Kind::Module),
        )
        .collect()
}

/// Writes a file of the output folder (its path relative to the language's folder).
pub type Write<'a> = dyn FnMut(&str, &[u8]) -> Result<(), String> + 'a;

/// What the books of one language of a site are made from.
pub struct Input<'a> {
    pub site: &'a Site,
    pub config: &'a Config,
    /// The files under `content/` (images among them).
    pub assets: &'a [Asset],
    /// `` or the language's folder (`fr/`), as problems name the books.
    pub prefix: &'a str,
}

/// Makes every book of the site and hands each to `write` with its path (relative to the
/// language's output folder). Returns the paths written, or every problem met.
pub fn make_all(input: &Input<'_>, write: &mut Write<'_>) -> (Vec<String>, Vec<Diagnostic>) {
    let config = input.config;
    let renderer = Renderer {
        site: input.site,
        config,
        strings: crate::strings::Strings::for_language(&config.book.language, &config.strings),
        assets: BTreeMap::new(),
        highlight_css: false,
        languages: None,
        cheap: false,
        print_views: crate::render::print_views::PrintViews::default(),
    };
    let assets: HashMap<String, PathBuf> = input
        .assets
        .iter()
        .map(|a| (a.rel.clone(), a.path.clone()))
        .collect();
    // (A language's `base_url` already ends in its folder.)
    let site_url = config.book.has_absolute_base_url().then(|| {
        let mut url = config.book.base_url.clone();
        if !url.ends_with('/') {
            url.push('/');
        }
        url
    });
    let mut written = Vec::new();
    let mut problems = Vec::new();
    for top in books(input.site) {
        let path = book_path(input.site, top);
        let book = book::Book {
            renderer: &renderer,
            top,
            site_url: site_url.clone(),
            assets: &assets,
        };
        let made = book.make().and_then(|bytes| write(&path, &bytes));
        match made {
            Ok(()) => written.push(path),
            Err(e) => {
                problems.push(Diagnostic::error(format!("{}{path}", input.prefix), e).code("epub"))
            }
        }
    }
    (written, problems)
}
