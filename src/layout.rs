//! The output layout: where the page of an id is written, and how one page links to another.
//!
//! The page of id `a/b` is written to `a/b/index.html`; every link is relative to the page it
//! is on and names `index.html`, so the site works under any path on a server and opened from
//! disk (a link to a bare folder does not open from file://).

/// The output file of a page id (`""` is the home page).
pub fn output_path(id: &str) -> String {
    if id.is_empty() {
        "index.html".to_string()
    } else {
        format!("{id}/index.html")
    }
}

/// The relative path from a page's folder back to the site root (`../../`, or `` for the home).
pub fn root_of(id: &str) -> String {
    if id.is_empty() {
        String::new()
    } else {
        "../".repeat(id.split('/').count())
    }
}

/// Percent-encodes what would break a URL path; other characters (letters of any script) stay.
pub fn encode_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for c in path.chars() {
        match c {
            ' ' => out.push_str("%20"),
            '%' => out.push_str("%25"),
            '?' => out.push_str("%3F"),
            '#' => out.push_str("%23"),
            '"' => out.push_str("%22"),
            '<' => out.push_str("%3C"),
            '>' => out.push_str("%3E"),
            '\\' => out.push_str("%5C"),
            c => out.push(c),
        }
    }
    out
}

/// A link from the page `from` (an id) to a page id with an optional anchor: the shortest
/// relative path between their folders (`../1.1-evolution/index.html` between two lessons of a
/// module, not up to the root and down again).
pub fn href(from: &str, to: &str, anchor: Option<&str>) -> String {
    if from == to
        && let Some(anchor) = anchor
    {
        return format!("#{anchor}");
    }
    let from_parts: Vec<&str> = from.split('/').filter(|s| !s.is_empty()).collect();
    let to_parts: Vec<&str> = to.split('/').filter(|s| !s.is_empty()).collect();
    let shared = from_parts
        .iter()
        .zip(&to_parts)
        .take_while(|(a, b)| a == b)
        .count();
    let mut url = "../".repeat(from_parts.len() - shared);
    for part in &to_parts[shared..] {
        url.push_str(&encode_path(part));
        url.push('/');
    }
    url.push_str("index.html");
    if let Some(anchor) = anchor {
        url.push('#');
        url.push_str(anchor);
    }
    url
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_are_relative_and_name_index_html() {
        assert_eq!(
            href("lessons/m1/1.1", "principles/consent", None),
            "../../../principles/consent/index.html"
        );
        assert_eq!(
            href("", "principles/consent", Some("x")),
            "principles/consent/index.html#x"
        );
        assert_eq!(href("a", "", None), "../index.html");
        assert_eq!(href("a", "a", Some("km")), "#km");
        assert_eq!(href("a", "my page", None), "../my%20page/index.html");
        // The shortest way: up to the folder both share, then down.
        assert_eq!(
            href("lessons/m1/1.3", "lessons/m1/1.1", Some("km")),
            "../1.1/index.html#km"
        );
        assert_eq!(href("lessons/m1/1.3", "lessons/m1", None), "../index.html");
        assert_eq!(href("lessons/m1", "lessons/m1/1.1", None), "1.1/index.html");
        assert_eq!(href("lessons/m1", "lessons/m1", None), "index.html");
        assert_eq!(href("a/bc", "a/b", None), "../b/index.html");
    }
}
