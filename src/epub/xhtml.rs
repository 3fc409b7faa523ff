//! HTML5 body fragments → XHTML that an XML parser accepts, for the pages of an EPUB.
//!
//! The site's bodies are HTML5 (void tags such as `<br>`, named entities such as `&nbsp;`,
//! optional end tags, raw HTML an author wrote). They are read with a full HTML5 tokenizer
//! (html5gum: entities decoded, attributes read as browsers read them) and written again as
//! XML: void elements self-closed, every element closed in order (an end tag with nothing
//! open to match is dropped; an element left open is closed where HTML closes it, or at the
//! end), text and attribute values escaped, characters XML forbids left out, comments and
//! doctypes dropped.
//!
//! What a reading system has no use for or would refuse goes: scripts, styles, frames,
//! embedded objects and forms' inner workings (with their content), event handler attributes,
//! `srcset`. A `<details>` (a trainer tip) becomes an always-open `<aside>` with its
//! `<summary>` as its first paragraph, since reading systems often cannot open one.
//! The URLs of links and images are handed to the caller, which keeps, changes or refuses
//! each ([`Url`]): a refused link leaves its text, a refused image its `alt` text.

use html5gum::{Token, Tokenizer};

/// What becomes of one URL of the fragment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Url {
    /// Written as it is.
    Keep,
    /// Written as this.
    To(String),
    /// Refused: a link becomes its text, an image its `alt` text.
    Drop,
}

/// Which attribute a URL is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    /// `<a href>`.
    Link,
    /// `<img src>` (and `<source>`, `<video>`, `<audio>`, `poster`).
    Image,
}

/// What a converted fragment holds that its manifest entry must declare.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Features {
    pub svg: bool,
    pub mathml: bool,
}

const VOID: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track",
    "wbr",
];

/// Elements left out with all they hold.
const DROPPED: &[&str] = &[
    "script", "style", "noscript", "template", "iframe", "object", "embed", "frame", "frameset",
    "applet", "canvas", "form", "button", "select", "textarea", "dialog", "base", "link", "meta",
    "title", "head",
];

/// Elements whose start closes an open `<p>` (as in HTML).
const CLOSES_P: &[&str] = &[
    "address",
    "article",
    "aside",
    "blockquote",
    "details",
    "div",
    "dl",
    "fieldset",
    "figcaption",
    "figure",
    "footer",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hr",
    "main",
    "menu",
    "nav",
    "ol",
    "p",
    "pre",
    "section",
    "table",
    "ul",
];

/// Elements whose end a fragment's own structure implies.
fn implied_end(open: &str, start: &str) -> bool {
    match start {
        "li" => open == "li",
        "dt" | "dd" => matches!(open, "dt" | "dd"),
        "tr" => matches!(open, "tr" | "td" | "th"),
        "td" | "th" => matches!(open, "td" | "th"),
        "thead" | "tbody" | "tfoot" => {
            matches!(open, "thead" | "tbody" | "tfoot" | "tr" | "td" | "th")
        }
        "option" => open == "option",
        _ => false,
    }
}

/// Elements an implied end does not look past.
fn is_boundary(open: &str) -> bool {
    matches!(
        open,
        "ul" | "ol" | "dl" | "table" | "div" | "section" | "aside" | "figure" | "blockquote"
    )
}

/// Where the elements a start tag `start` ends begin (the outermost of them before a
/// boundary): `<tr>` in an open cell ends the cell and its row.
fn implied_from(stack: &[Open], start: &str) -> Option<usize> {
    let mut from = None;
    for (at, open) in stack.iter().enumerate().rev() {
        if implied_end(&open.name, start) {
            from = Some(at);
        } else if is_boundary(&open.name) {
            break;
        }
    }
    from
}

/// One open element: its name as written out (`None`: not written, as an unwrapped link).
struct Open {
    name: String,
    written: Option<String>,
}

/// Converts `html` to XHTML, appending to `out`; `url` decides each link's and image's URL.
pub fn convert(html: &str, out: &mut String, url: &mut dyn FnMut(Place, &str) -> Url) -> Features {
    let mut features = Features::default();
    let mut stack: Vec<Open> = Vec::new();
    // Inside a dropped element: its name and how deep in itself.
    let mut dropping: Option<(String, usize)> = None;
    // Inside `<svg>` or `<math>`: their elements may close themselves.
    let mut foreign = 0usize;
    let mut emitter = html5gum::DefaultEmitter::default();
    emitter.naively_switch_states(true);
    for token in Tokenizer::new_with_emitter(html, emitter).flatten() {
        match token {
            Token::StartTag(tag) => {
                let name = String::from_utf8_lossy(&tag.name).to_ascii_lowercase();
                if let Some((dropped, depth)) = &mut dropping {
                    if *dropped == name && !tag.self_closing {
                        *depth += 1;
                    }
                    continue;
                }
                if DROPPED.contains(&name.as_str()) {
                    if !VOID.contains(&name.as_str()) && !tag.self_closing {
                        dropping = Some((name, 0));
                    }
                    continue;
                }
                if !is_name(&name) {
                    continue;
                }
                // Ends HTML implies.
                if foreign == 0 {
                    if CLOSES_P.contains(&name.as_str())
                        && let Some(at) = open_in_scope(&stack, "p")
                    {
                        close_to(&mut stack, at, out, &mut foreign);
                    }
                    if let Some(at) = implied_from(&stack, &name) {
                        close_to(&mut stack, at, out, &mut foreign);
                    }
                }
                let attrs: Vec<(String, String)> = tag
                    .attributes
                    .iter()
                    .map(|(k, v)| {
                        (
                            String::from_utf8_lossy(k).to_ascii_lowercase(),
                            String::from_utf8_lossy(v).into_owned(),
                        )
                    })
                    .collect();
                let (written, attrs) =
                    match element(&name, attrs, url, foreign > 0 || name == "svg") {
                        Some(written) => written,
                        None => {
                            // An image refused: its alt text.
                            if name == "img"
                                && let Some((_, alt)) = tag
                                    .attributes
                                    .iter()
                                    .find(|(k, _)| k.eq_ignore_ascii_case(b"alt"))
                            {
                                escape_text(&String::from_utf8_lossy(alt), out);
                            }
                            if !VOID.contains(&name.as_str()) && !tag.self_closing {
                                stack.push(Open {
                                    name,
                                    written: None,
                                });
                            }
                            continue;
                        }
                    };
                out.push('<');
                out.push_str(&written);
                if name == "svg" {
                    features.svg = true;
                    out.push_str(" xmlns=\"http://www.w3.org/2000/svg\"");
                } else if name == "math" {
                    features.mathml = true;
                    out.push_str(" xmlns=\"http://www.w3.org/1998/Math/MathML\"");
                }
                for (key, value) in attrs {
                    out.push(' ');
                    out.push_str(&key);
                    out.push_str("=\"");
                    escape_attr(&value, out);
                    out.push('"');
                }
                let closes_itself =
                    VOID.contains(&name.as_str()) || (tag.self_closing && foreign > 0);
                if closes_itself {
                    out.push_str("/>");
                } else {
                    out.push('>');
                    if name == "svg" || name == "math" {
                        foreign += 1;
                    }
                    stack.push(Open {
                        name,
                        written: Some(written),
                    });
                }
            }
            Token::EndTag(tag) => {
                let name = String::from_utf8_lossy(&tag.name).to_ascii_lowercase();
                if let Some((dropped, depth)) = &mut dropping {
                    if *dropped == name {
                        if *depth == 0 {
                            dropping = None;
                        } else {
                            *depth -= 1;
                        }
                    }
                    continue;
                }
                if let Some(at) = stack.iter().rposition(|o| o.name == name) {
                    close_to(&mut stack, at, out, &mut foreign);
                }
            }
            Token::String(text) => {
                if dropping.is_none() {
                    escape_text(&String::from_utf8_lossy(&text), out);
                }
            }
            Token::Comment(_) | Token::Doctype(_) | Token::Error(_) => {}
        }
    }
    close_all(&mut stack, out, &mut foreign);
    features
}

/// The element as written (its name and attributes), or `None` when it is left out (a link
/// or image whose URL was refused).
type Written = (String, Vec<(String, String)>);

fn element(
    name: &str,
    attrs: Vec<(String, String)>,
    url: &mut dyn FnMut(Place, &str) -> Url,
    foreign: bool,
) -> Option<Written> {
    let mut kept = Vec::with_capacity(attrs.len());
    let mut written = name.to_string();
    let place = match name {
        "a" | "area" => Some((Place::Link, "href")),
        "img" | "source" | "video" | "audio" | "track" => Some((Place::Image, "src")),
        _ => None,
    };
    for (key, value) in attrs {
        if !is_name(&key)
            || key.starts_with("on")
            || key == "srcset"
            || key == "xmlns"
            || key.starts_with("xmlns:")
            || key == "loading"
            || key == "decoding"
            || key == "fetchpriority"
            || (key.contains(':')
                && !matches!(key.as_str(), "xml:lang" | "xlink:href" | "epub:type"))
        {
            continue;
        }
        let key = match key.as_str() {
            "xlink:href" => "href".to_string(),
            "viewbox" if foreign => "viewBox".to_string(),
            "preserveaspectratio" if foreign => "preserveAspectRatio".to_string(),
            _ => key,
        };
        if let Some((place, attr)) = place
            && key == attr
        {
            match url(place, &value) {
                Url::Keep => kept.push((key, value)),
                Url::To(to) => kept.push((key, to)),
                Url::Drop => return None,
            }
            continue;
        }
        if key == "poster" {
            match url(Place::Image, &value) {
                Url::Keep => kept.push((key, value)),
                Url::To(to) => kept.push((key, to)),
                Url::Drop => {}
            }
            continue;
        }
        if name == "details" && key == "open" {
            continue;
        }
        kept.push((key, value));
    }
    match name {
        "details" => {
            written = "aside".to_string();
            if kept
                .iter()
                .any(|(k, v)| k == "class" && v.contains("trainer-tip"))
            {
                kept.push(("epub:type".to_string(), "tip".to_string()));
            }
        }
        "summary" => written = "p".to_string(),
        _ => {}
    }
    kept.sort();
    Some((written, kept))
}

/// The innermost open `name` not behind an element that holds its own paragraphs.
fn open_in_scope(stack: &[Open], name: &str) -> Option<usize> {
    for (at, open) in stack.iter().enumerate().rev() {
        if open.name == name {
            return Some(at);
        }
        if matches!(
            open.name.as_str(),
            "td" | "th" | "table" | "button" | "aside" | "details" | "figure" | "blockquote" | "li"
        ) || open.name == "svg"
            || open.name == "math"
        {
            return None;
        }
    }
    None
}

/// Closes the elements open from `at` up.
fn close_to(stack: &mut Vec<Open>, at: usize, out: &mut String, foreign: &mut usize) {
    while stack.len() > at {
        let Some(open) = stack.pop() else { break };
        if open.name == "svg" || open.name == "math" {
            *foreign = foreign.saturating_sub(1);
        }
        if let Some(written) = open.written {
            out.push_str("</");
            out.push_str(&written);
            out.push('>');
        }
    }
}

fn close_all(stack: &mut Vec<Open>, out: &mut String, foreign: &mut usize) {
    close_to(stack, 0, out, foreign);
}

/// A name XML accepts (and HTML would write): a letter or `_`, then letters, digits, `-`,
/// `_`, `.` or `:`.
fn is_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | ':'))
}

/// Whether XML 1.0 allows the character in a document.
fn allowed(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

/// Escapes text for an XML document.
pub fn escape_text(text: &str, out: &mut String) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\r' => {}
            c if allowed(c) => out.push(c),
            _ => {}
        }
    }
}

/// Escapes an attribute value (double-quoted) for an XML document.
pub fn escape_attr(text: &str, out: &mut String) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\n' => out.push_str("&#10;"),
            '\t' => out.push_str("&#9;"),
            '\r' => {}
            c if allowed(c) => out.push(c),
            _ => {}
        }
    }
}

/// [`escape_text`] into a new string.
pub fn text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    escape_text(text, &mut out);
    out
}

/// [`escape_attr`] into a new string.
pub fn attr(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    escape_attr(text, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn xhtml(html: &str) -> String {
        let mut out = String::new();
        convert(html, &mut out, &mut |_, u| {
            if u.starts_with("drop") {
                Url::Drop
            } else if let Some(rest) = u.strip_prefix("../") {
                Url::To(format!("files/{rest}"))
            } else {
                Url::Keep
            }
        });
        out
    }

    #[test]
    fn void_tags_entities_and_missing_ends_become_xml() {
        assert_eq!(
            xhtml("<p>a&nbsp;b<br>c &amp; <img src=\"../x.png\" alt=\"X\"><hr><p>d"),
            "<p>a\u{a0}b<br/>c &amp; <img alt=\"X\" src=\"files/x.png\"/></p><hr/><p>d</p>"
        );
        assert_eq!(
            xhtml("<ul><li>one<li>two</ul></p></div><em>x"),
            "<ul><li>one</li><li>two</li></ul><em>x</em>"
        );
        assert_eq!(
            xhtml("<table><tr><td>a<td>b<tr><td>c</table>"),
            "<table><tr><td>a</td><td>b</td></tr><tr><td>c</td></tr></table>"
        );
        assert_eq!(
            xhtml("<p title='a \"q\" &lt; b' data-x=1 onclick=\"go()\">t</p>"),
            "<p data-x=\"1\" title=\"a &quot;q&quot; &lt; b\">t</p>"
        );
    }

    #[test]
    fn scripts_comments_and_refused_urls_go() {
        assert_eq!(
            xhtml("a<script>if (a < b) {}</script><!-- c -- d -->b<style>p{}</style>"),
            "ab"
        );
        assert_eq!(
            xhtml("<a href=\"drop\">text <b>bold</b></a> <img src=\"drop.png\" alt=\"a &lt; b\">"),
            "text <b>bold</b> a &lt; b"
        );
        assert_eq!(xhtml("<iframe src=\"x\"><p>in</p></iframe>after"), "after");
    }

    #[test]
    fn trainer_tips_become_open_asides_and_svg_keeps_its_names() {
        assert_eq!(
            xhtml(
                "<details class=\"block trainer-tip\" id=\"t\" open><summary class=\"block-label\">Tip</summary><p>x</p></details>"
            ),
            "<aside class=\"block trainer-tip\" epub:type=\"tip\" id=\"t\"><p class=\"block-label\">Tip</p><p>x</p></aside>"
        );
        let mut out = String::new();
        let features = convert(
            "<svg viewBox=\"0 0 1 1\"><circle r=\"1\"/></svg>",
            &mut out,
            &mut |_, _| Url::Keep,
        );
        assert!(features.svg);
        assert_eq!(
            out,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 1 1\"><circle r=\"1\"/></svg>"
        );
    }

    #[test]
    fn characters_xml_forbids_are_left_out() {
        assert_eq!(xhtml("a\u{1}b\u{b}c"), "abc");
    }
}
