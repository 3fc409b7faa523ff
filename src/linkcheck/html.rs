//! What a piece of HTML refers to and what it names: the URLs of its links, images,
//! stylesheets, scripts and media, and its ids. A tokenizer that knows only what that takes
//! (tags and their attributes, comments, and the elements whose text is not markup), so that
//! it reads a whole rendered site in a fraction of the time a full HTML5 tokenizer takes; the
//! tests hold it to one (html5gum) on every page the test handbooks make.

use std::borrow::Cow;

/// What a URL is for, as a message names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum UrlKind {
    Link,
    Image,
    Stylesheet,
    Script,
    /// Audio, video, a frame or an embedded object.
    Media,
}

impl UrlKind {
    pub fn noun(self) -> &'static str {
        match self {
            UrlKind::Link => "link",
            UrlKind::Image => "image",
            UrlKind::Stylesheet => "stylesheet",
            UrlKind::Script => "script",
            UrlKind::Media => "media file",
        }
    }
}

/// One thing found in the HTML.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Found<'a> {
    /// A URL (its entities decoded), at the byte offset of its attribute's value, which takes
    /// `len` bytes as written.
    Url {
        value: Cow<'a, str>,
        at: usize,
        len: usize,
        kind: UrlKind,
    },
    /// An id (or a legacy `<a name>`), which a `#fragment` can point at.
    Id(Cow<'a, str>),
}

/// Calls `found` for every URL and id of `html`, in order.
pub fn scan<'a>(html: &'a str, found: &mut dyn FnMut(Found<'a>)) {
    start_tags(html, &mut |name, attrs, _| report(name, attrs, found));
}

/// What a strict Content-Security-Policy blocks unless it allows inline code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Inline {
    /// A `style` attribute.
    StyleAttribute,
    /// An event handler attribute (`onclick`, `onload`, ...).
    EventHandler,
    /// A `<script>` without `src`.
    Script,
    /// A `<style>` element.
    Style,
    /// A `javascript:` URL.
    ScriptUrl,
}

/// Calls `found` for every piece of inline code in `html` (with the byte offset of the
/// attribute's value, or of the element's tag), in order.
pub fn inline_code(html: &str, found: &mut dyn FnMut(Inline, usize)) {
    start_tags(html, &mut |name, attrs, start| {
        let element = |n: &str| name.eq_ignore_ascii_case(n);
        if element("style") {
            found(Inline::Style, start);
        }
        if element("script") && !attrs.iter().any(|(a, _, _)| a.eq_ignore_ascii_case("src")) {
            found(Inline::Script, start);
        }
        for &(attr, value, at) in attrs {
            let lower = attr.to_ascii_lowercase();
            if lower == "style" {
                found(Inline::StyleAttribute, at);
            } else if lower.len() > 2
                && lower.starts_with("on")
                && lower.bytes().all(|b| b.is_ascii_lowercase())
            {
                found(Inline::EventHandler, at);
            } else if matches!(lower.as_str(), "href" | "src" | "action" | "formaction")
                && decode(value)
                    .trim_start()
                    .get(..11)
                    .is_some_and(|s| s.eq_ignore_ascii_case("javascript:"))
            {
                found(Inline::ScriptUrl, at);
            }
        }
    });
}

/// A start tag's attributes: name, raw value, and the value's offset.
type Attributes<'a> = [(&'a str, &'a str, usize)];

/// Calls `tag` for every start tag of `html`: its name, its attributes (name, raw value, the
/// value's offset) and the offset of its `<`. Comments, end tags and the text of elements that
/// hold no markup (`script`, `style`, ...) are skipped.
fn start_tags<'a>(html: &'a str, tag: &mut dyn FnMut(&'a str, &Attributes<'a>, usize)) {
    let bytes = html.as_bytes();
    let mut i = 0;
    let mut attrs: Vec<(&'a str, &'a str, usize)> = Vec::new();
    while let Some(lt) = memchr::memchr(b'<', &bytes[i..]) {
        let start = i + lt;
        let next = bytes.get(start + 1).copied().unwrap_or(0);
        if next == b'!' {
            i = if bytes[start..].starts_with(b"<!--") {
                match memchr::memmem::find(&bytes[start + 4..], b"-->") {
                    Some(end) => start + 4 + end + 3,
                    None => bytes.len(),
                }
            } else {
                skip_past(bytes, start, b'>')
            };
            continue;
        }
        if next == b'/' || next == b'?' {
            i = skip_past(bytes, start + 1, b'>');
            continue;
        }
        if !next.is_ascii_alphabetic() {
            i = start + 1;
            continue;
        }
        // A start tag: its name, then its attributes.
        let name_start = start + 1;
        let mut j = name_start;
        while j < bytes.len()
            && !matches!(bytes[j], b' ' | b'\t' | b'\n' | b'\r' | 0x0c | b'/' | b'>')
        {
            j += 1;
        }
        let name = &html[name_start..j];
        attrs.clear();
        j = read_attributes(html, j, &mut attrs);
        tag(name, &attrs, start);
        i = j;
        // Elements whose text is not markup: skip to their end tag.
        if let Some(raw) = [
            "script", "style", "textarea", "title", "xmp", "noembed", "noframes",
        ]
        .into_iter()
        .find(|raw| name.eq_ignore_ascii_case(raw))
        {
            i = end_of_raw_text(bytes, i, raw.as_bytes());
        }
    }
}

/// The offset just past the next `byte` from `from` (or the end).
fn skip_past(bytes: &[u8], from: usize, byte: u8) -> usize {
    match memchr::memchr(byte, &bytes[from..]) {
        Some(at) => from + at + 1,
        None => bytes.len(),
    }
}

/// Reads a tag's attributes from `i` (just after its name) into `attrs` (name, raw value, the
/// value's offset); returns the offset just past the tag's `>`.
fn read_attributes<'a>(
    html: &'a str,
    mut i: usize,
    attrs: &mut Vec<(&'a str, &'a str, usize)>,
) -> usize {
    let bytes = html.as_bytes();
    let space = |b: u8| matches!(b, b' ' | b'\t' | b'\n' | b'\r' | 0x0c);
    loop {
        while i < bytes.len() && (space(bytes[i]) || bytes[i] == b'/') {
            i += 1;
        }
        if i >= bytes.len() {
            return i;
        }
        if bytes[i] == b'>' {
            return i + 1;
        }
        let name_start = i;
        // An attribute name runs to a space, `/`, `>` or `=` (not counting its first letter).
        i += 1;
        while i < bytes.len() && !space(bytes[i]) && !matches!(bytes[i], b'/' | b'>' | b'=') {
            i += 1;
        }
        let name = &html[name_start..i];
        let mut k = i;
        while k < bytes.len() && space(bytes[k]) {
            k += 1;
        }
        if k >= bytes.len() || bytes[k] != b'=' {
            attrs.push((name, "", i));
            continue;
        }
        k += 1;
        while k < bytes.len() && space(bytes[k]) {
            k += 1;
        }
        if k >= bytes.len() {
            return k;
        }
        match bytes[k] {
            quote @ (b'"' | b'\'') => {
                let value_start = k + 1;
                let end = memchr::memchr(quote, &bytes[value_start..])
                    .map_or(bytes.len(), |e| value_start + e);
                attrs.push((name, &html[value_start..end], value_start));
                i = (end + 1).min(bytes.len());
            }
            b'>' => {
                attrs.push((name, "", k));
                return k + 1;
            }
            _ => {
                let value_start = k;
                while k < bytes.len() && !space(bytes[k]) && bytes[k] != b'>' {
                    k += 1;
                }
                attrs.push((name, &html[value_start..k], value_start));
                i = k;
            }
        }
    }
}

/// Past the end tag `</name` (any case) from `i`, or the end of the text.
fn end_of_raw_text(bytes: &[u8], mut i: usize, name: &[u8]) -> usize {
    while let Some(at) = memchr::memmem::find(&bytes[i..], b"</") {
        let tag = i + at + 2;
        let after = tag + name.len();
        if bytes.len() >= after
            && bytes[tag..after].eq_ignore_ascii_case(name)
            && bytes
                .get(after)
                .is_none_or(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r' | 0x0c | b'/' | b'>'))
        {
            return tag - 2;
        }
        i = tag;
    }
    bytes.len()
}

/// The URLs and ids of one start tag (the first of a repeated attribute counts, as in HTML).
fn report<'a>(tag: &str, attrs: &[(&'a str, &'a str, usize)], found: &mut dyn FnMut(Found<'a>)) {
    let get = |wanted: &str| {
        attrs
            .iter()
            .find(|(name, _, _)| name.eq_ignore_ascii_case(wanted))
            .map(|&(_, value, at)| (value, at))
    };
    if let Some((id, _)) = get("id")
        && !id.is_empty()
    {
        found(Found::Id(decode(id)));
    }
    // Tag names are short: lower-cased on the stack (a longer one refers to nothing).
    let mut buffer = [0u8; 8];
    if tag.len() > buffer.len() {
        return;
    }
    buffer[..tag.len()].copy_from_slice(tag.as_bytes());
    buffer[..tag.len()].make_ascii_lowercase();
    let lower = std::str::from_utf8(&buffer[..tag.len()]).unwrap_or_default();
    let mut url = |attr: &str, kind: UrlKind| {
        if let Some((value, at)) = get(attr) {
            found(Found::Url {
                value: decode(value),
                at,
                len: value.len(),
                kind,
            });
        }
    };
    match lower {
        "a" | "area" => {
            url("href", UrlKind::Link);
            if lower == "a"
                && let Some((name, _)) = get("name")
                && !name.is_empty()
            {
                found(Found::Id(decode(name)));
            }
        }
        "link" => {
            let rel = get("rel")
                .map(|(r, _)| r.to_ascii_lowercase())
                .unwrap_or_default();
            let rels: Vec<&str> = rel.split_ascii_whitespace().collect();
            // Hints to connect to other servers name no file.
            if rels
                .iter()
                .any(|r| matches!(*r, "preconnect" | "dns-prefetch"))
            {
                return;
            }
            let kind = if rels.contains(&"stylesheet") {
                UrlKind::Stylesheet
            } else if rels.iter().any(|r| r.contains("icon")) {
                UrlKind::Image
            } else {
                UrlKind::Link
            };
            url("href", kind);
        }
        "img" => {
            url("src", UrlKind::Image);
            srcset(get("srcset"), UrlKind::Image, found);
        }
        "source" => {
            url("src", UrlKind::Media);
            srcset(get("srcset"), UrlKind::Image, found);
        }
        "script" => url("src", UrlKind::Script),
        "iframe" | "embed" | "audio" | "track" => url("src", UrlKind::Media),
        "video" => {
            url("src", UrlKind::Media);
            url("poster", UrlKind::Image);
        }
        "object" => url("data", UrlKind::Media),
        _ => {}
    }
}

/// The URLs of a `srcset` (comma-separated candidates, each a URL and a size).
fn srcset<'a>(value: Option<(&'a str, usize)>, kind: UrlKind, found: &mut dyn FnMut(Found<'a>)) {
    let Some((value, at)) = value else {
        return;
    };
    let mut offset = 0;
    for candidate in value.split(',') {
        let trimmed = candidate.trim_start();
        let lead = candidate.len() - trimmed.len();
        if let Some(url) = trimmed.split_ascii_whitespace().next() {
            found(Found::Url {
                value: decode(url),
                at: at + offset + lead,
                len: url.len(),
                kind,
            });
        }
        offset += candidate.len() + 1;
    }
}

/// An attribute's value with its character references decoded (the named ones a URL or an id
/// holds in practice, and every numeric one); others are left as written.
pub fn decode(value: &str) -> Cow<'_, str> {
    if !value.contains('&') {
        return Cow::Borrowed(value);
    }
    let mut out = String::with_capacity(value.len());
    let mut rest = value;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let end = rest[1..]
            .find(|c: char| !c.is_ascii_alphanumeric() && c != '#')
            .map(|e| e + 1)
            .unwrap_or(rest.len());
        let name = &rest[1..end];
        let with_semicolon = rest[end..].starts_with(';');
        let decoded = match name {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            "nbsp" => Some('\u{a0}'),
            _ => name.strip_prefix('#').and_then(|n| {
                let code = match n.strip_prefix(['x', 'X']) {
                    Some(hex) => u32::from_str_radix(hex, 16).ok(),
                    None => n.parse().ok(),
                };
                code.and_then(char::from_u32)
            }),
        };
        match decoded {
            Some(c) if !name.is_empty() => {
                out.push(c);
                rest = &rest[end + usize::from(with_semicolon)..];
            }
            _ => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    Cow::Owned(out)
}

/// The URLs of a stylesheet's `url(...)` and `@import "..."`, with their byte offsets.
pub fn css_urls(css: &str) -> Vec<(&str, usize)> {
    let mut found = Vec::new();
    let bytes = css.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        // Comments hold no URLs.
        if bytes[i..].starts_with(b"/*") {
            i = memchr::memmem::find(&bytes[i + 2..], b"*/").map_or(bytes.len(), |e| i + 2 + e + 2);
            continue;
        }
        let rest = &bytes[i..];
        let url = rest.len() >= 4 && rest[..4].eq_ignore_ascii_case(b"url(");
        let import = rest.len() >= 7 && rest[..7].eq_ignore_ascii_case(b"@import");
        if !url && !import {
            i += 1;
            continue;
        }
        let mut k = i + if url { 4 } else { 7 };
        while k < bytes.len() && bytes[k].is_ascii_whitespace() {
            k += 1;
        }
        // `@import url(...)` is the url( form, met next.
        if import && bytes[k..].len() >= 4 && bytes[k..k + 4].eq_ignore_ascii_case(b"url(") {
            i = k;
            continue;
        }
        let (start, end) = match bytes.get(k) {
            Some(&quote @ (b'"' | b'\'')) => {
                let start = k + 1;
                let end = memchr::memchr(quote, &bytes[start..]).map_or(bytes.len(), |e| start + e);
                (start, end)
            }
            _ if url => {
                let start = k;
                let end = memchr::memchr(b')', &bytes[start..]).map_or(bytes.len(), |e| start + e);
                (start, end)
            }
            _ => {
                i = k;
                continue;
            }
        };
        let value = css[start..end].trim_end();
        if !value.is_empty() {
            found.push((value, start));
        }
        i = end.max(i + 1);
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_code_is_found_where_it_is_written() {
        let html = "<p style=\"color:red\" onclick='x()'>a</p><script>alert(1)</script>\
            <script src=\"a.js\"></script><STYLE>p{}</STYLE><a href=\" JavaScript:go()\">x</a>\
            <a href=\"javascript.html\" online=\"1\" data-on=\"2\">y</a>";
        let mut found = Vec::new();
        inline_code(html, &mut |what, at| found.push((what, at)));
        let kinds: Vec<Inline> = found.iter().map(|f| f.0).collect();
        assert_eq!(
            kinds,
            [
                Inline::StyleAttribute,
                Inline::EventHandler,
                Inline::Script,
                Inline::Style,
                Inline::ScriptUrl,
                Inline::EventHandler,
            ]
        );
        assert!(html[found[0].1..].starts_with("color:red"));
        assert!(html[found[2].1..].starts_with("<script>alert"));
    }

    fn all(html: &str) -> Vec<String> {
        let mut out = Vec::new();
        scan(html, &mut |f| {
            out.push(match f {
                Found::Url {
                    value,
                    at,
                    len,
                    kind,
                } => {
                    assert!(len >= value.len() || value.contains('&'));
                    // The offset is where the value is written (as written: before decoding).
                    let written = &html[at..];
                    assert!(
                        written.starts_with(value.as_ref()) || value.contains('&'),
                        "{value} at {at}: {written}"
                    );
                    format!("{}:{value}", kind.noun())
                }
                Found::Id(id) => format!("#{id}"),
            })
        });
        out
    }

    #[test]
    fn finds_urls_and_ids_of_every_kind() {
        let html = r#"<!doctype html><html><head><link rel="stylesheet" href="a.css"><link rel=icon href=i.png><link rel="preconnect" href="https://x"><script src='s.js'></script></head>
<body id=top><a href="p/index.html#k&amp;m" name="old">x</a><img src="m.png" srcset="m1.png 1x, m2.png 2x"><video poster="v.jpg"><source src="v.mp4"></video></body>"#;
        assert_eq!(
            all(html),
            [
                "stylesheet:a.css",
                "image:i.png",
                "script:s.js",
                "#top",
                "link:p/index.html#k&m",
                "#old",
                "image:m.png",
                "image:m1.png",
                "image:m2.png",
                "image:v.jpg",
                "media file:v.mp4",
            ]
        );
    }

    #[test]
    fn comments_scripts_and_text_hold_no_links() {
        let html = "<!-- <a href=\"x\"> --><script>var s = '<a href=\"y\">';</script><p>a < b and <a\nhref = \"z\" >z</a></p><style>a[href=\"w\"]{}</style><textarea><img src=q></textarea><pre>&lt;a href=\"v\"&gt;</pre>";
        let urls: Vec<String> = all(html);
        assert_eq!(urls, ["link:z"]);
    }

    #[test]
    fn unterminated_input_ends_cleanly() {
        for html in [
            "<a href=\"x",
            "<a href=",
            "<a",
            "<!--",
            "<script>",
            "<",
            "<a href=x",
        ] {
            all(html);
        }
        assert_eq!(all("<a href=x"), ["link:x"]);
    }

    #[test]
    fn character_references_are_decoded() {
        assert_eq!(
            decode("a&amp;b&#38;c&#x26;d&unknown;e&"),
            "a&b&c&d&unknown;e&"
        );
        assert_eq!(decode("caf&#233;"), "café");
    }

    #[test]
    fn stylesheet_urls() {
        let css = "/* url(no.png) */ @import \"base.css\"; @import url(more.css); a{background:url( 'bg.png' )} b{src:url(f.woff2) format('woff2')} c{x:url(data:image/png;base64,AA)}";
        let urls: Vec<&str> = css_urls(css).into_iter().map(|(u, _)| u).collect();
        assert_eq!(
            urls,
            [
                "base.css",
                "more.css",
                "bg.png",
                "f.woff2",
                "data:image/png;base64,AA"
            ]
        );
    }
}
