//! The whole contents tree as nested lists, for the contents page (`contents/index.html`):
//! what pages with JavaScript show in place from the tree script, reachable without it.

use super::links::{self, page_title};
use crate::page::markdown::escape;

/// The tree under the home page as nested `<ol>`s, with URLs relative to a page at `root`.
pub fn tree_html(site: &crate::site::Site, root: &str) -> String {
    fn node(site: &crate::site::Site, p: usize, root: &str, depth: usize, out: &mut String) {
        out.push_str("<li><a href=\"");
        out.push_str(root);
        out.push_str(&escape(&links::encode_path(&links::output_path(
            &site.pages[p].id,
        ))));
        out.push_str("\">");
        out.push_str(&escape(&page_title(site, p)));
        out.push_str("</a>");
        list(site, p, root, depth + 1, out);
        out.push_str("</li>");
    }
    fn list(site: &crate::site::Site, p: usize, root: &str, depth: usize, out: &mut String) {
        if site.children[p].is_empty() {
            return;
        }
        out.push_str(&format!("<ol class=\"contents-level-{}\">", depth.min(6)));
        for &c in &site.children[p] {
            node(site, c, root, depth, out);
        }
        out.push_str("</ol>");
    }
    let mut out = String::new();
    list(site, site.home, root, 0, &mut out);
    out
}
