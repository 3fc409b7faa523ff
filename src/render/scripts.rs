//! The site-wide scripts pages load on demand (the navigation tree, the versions file), and
//! the markers that stand for page bodies in a print view until it is written.

use super::links::{self, page_title};

/// The shared script with the whole navigation tree.
pub const TREE_PATH: &str = "assets/tree.js";
/// The versions of the files pages load on demand ([`site_script`]).
pub const SITE_PATH: &str = "assets/site.js";

/// The script naming the current version of the files whose content changes with the
/// handbook's text and which pages load on demand (`window.TENET_SITE`): the navigation tree
/// and the search index. Pages load it afresh over http (it is tiny) and then the versioned
/// files, which caches may keep; naming the versions in every page instead would change every
/// page whenever any text changed.
pub fn site_script(tree: &str, search: &str) -> String {
    format!(
        "window.TENET_SITE={};\n",
        serde_json::json!({"tree": tree, "search": search})
    )
}

/// The whole navigation tree as one script (`window.TENET_TREE`), loaded once and cached, with
/// root-relative URLs: `[title, url, [children...]]`.
pub fn tree_script(site: &crate::site::Site) -> String {
    fn node(site: &crate::site::Site, p: usize, out: &mut String) {
        out.push('[');
        out.push_str(&serde_json::to_string(&page_title(site, p)).unwrap_or_default());
        out.push(',');
        let url = links::encode_path(&links::output_path(&site.pages[p].id));
        out.push_str(&serde_json::to_string(&url).unwrap_or_default());
        if !site.children[p].is_empty() {
            out.push_str(",[");
            for (i, &c) in site.children[p].iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                node(site, c, out);
            }
            out.push(']');
        }
        out.push(']');
    }
    let mut out = String::from("window.TENET_TREE=");
    node(site, site.home, &mut out);
    out.push_str(";\n");
    out
}

/// Stands in a print view for the body of page `p` until the document is written.
pub fn print_marker(p: usize) -> String {
    format!(
        "{}P{p}{}",
        crate::page::tokens::START,
        crate::page::tokens::END
    )
}

/// Splits a rendered print view at its markers: (text before, page) pairs, then the rest.
pub fn split_print_markers(html: &str) -> (Vec<(&str, usize)>, &str) {
    let start = crate::page::tokens::START;
    let end = crate::page::tokens::END;
    let mut parts = Vec::new();
    let mut rest = html;
    while let Some(at) = rest.find(start) {
        let after = &rest[at + start.len_utf8()..];
        let parsed = after
            .strip_prefix('P')
            .and_then(|a| a.find(end).map(|e| (&a[..e], e)))
            .and_then(|(n, e)| n.parse::<usize>().ok().map(|n| (n, e)));
        match parsed {
            Some((p, e)) => {
                parts.push((&rest[..at], p));
                rest = &after[1 + e + end.len_utf8()..];
            }
            None => {
                // Not a marker: keep the character and go on.
                parts.push((&rest[..at + start.len_utf8()], usize::MAX));
                rest = after;
            }
        }
    }
    (parts, rest)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn print_markers_split_the_document_and_other_characters_stay() {
        let doc = format!(
            "<h1>T</h1><div>{}</div><p>odd \u{E000} char</p><div>{}</div>end",
            print_marker(3),
            print_marker(12)
        );
        let (parts, rest) = split_print_markers(&doc);
        let pages: Vec<usize> = parts
            .iter()
            .map(|&(_, p)| p)
            .filter(|&p| p != usize::MAX)
            .collect();
        assert_eq!(pages, [3, 12]);
        let joined: String = parts.iter().map(|&(t, _)| t).collect::<String>() + rest;
        assert_eq!(
            joined,
            "<h1>T</h1><div></div><p>odd \u{E000} char</p><div></div>end"
        );
    }
}
