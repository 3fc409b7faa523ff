//! The stored text of documents (for snippets) and the script files the client loads.

use super::encode;
use super::*;

/// One document while a page is recorded.
pub(super) struct DocText<'a> {
    pub(super) local: u32,
    pub(super) anchor: &'a str,
    pub(super) title: std::borrow::Cow<'a, str>,
    pub(super) title_weight: u32,
    /// Its text, in pieces (a part's text, then any overflow or front-matter text).
    pub(super) text: Vec<&'a str>,
    pub(super) text_weight: u32,
    pub(super) refs: Vec<u32>,
}

/// The page's documents as JSON `[[local, anchor, title, text], ...]`, each text its pieces
/// joined by spaces, line breaks made spaces, cut at a character boundary after at most
/// [`STORE_BYTES`] bytes. Written directly: this runs over all the handbook's text.
pub(super) fn store_json(docs: &[DocText]) -> Vec<u8> {
    let size: usize = docs
        .iter()
        .map(|d| 32 + d.title.len() + d.text.iter().map(|t| t.len() + 1).sum::<usize>())
        .sum();
    let mut out = Vec::with_capacity(size.min(docs.len() * (STORE_BYTES + 64)));
    out.push(b'[');
    for (i, doc) in docs.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        out.push(b'[');
        out.extend_from_slice(doc.local.to_string().as_bytes());
        for field in [doc.anchor, &doc.title] {
            out.push(b',');
            serde_json::to_writer(&mut out, field).expect("a string serialises");
        }
        out.extend_from_slice(b",\"");
        let start = out.len();
        for piece in &doc.text {
            if out.len() - start >= STORE_BYTES {
                break;
            }
            escape_collapsed(piece, &mut out, start);
        }
        cut(&mut out, start + STORE_BYTES);
        while out.len() > start && out.last() == Some(&b' ') {
            out.pop();
        }
        out.extend_from_slice(b"\"]");
    }
    out.push(b']');
    out
}

/// Appends `text` as the inside of a JSON string begun at `out[start]`: line breaks and tabs
/// become spaces (a run of them one space, none at the start), the mark of a reference's link
/// text (U+0001) is kept, other control characters are dropped. Pieces appended one after another are separated by one space.
fn escape_collapsed(text: &str, out: &mut Vec<u8>, start: usize) {
    /// Bytes that need more than copying: control characters, `"` and `\`.
    const SPECIAL: [bool; 256] = {
        let mut table = [false; 256];
        let mut b = 0;
        while b < 0x20 {
            table[b] = true;
            b += 1;
        }
        table[b'"' as usize] = true;
        table[b'\\' as usize] = true;
        table
    };
    let spaced = |out: &Vec<u8>| out.len() == start || out.last() == Some(&b' ');
    let bytes = text.trim_start_matches([' ', '\n', '\r', '\t']).as_bytes();
    if bytes.is_empty() {
        return;
    }
    if !spaced(out) {
        out.push(b' ');
    }
    let mut i = 0;
    while i < bytes.len() {
        let run = i;
        while i < bytes.len() && !SPECIAL[bytes[i] as usize] {
            i += 1;
        }
        out.extend_from_slice(&bytes[run..i]);
        let Some(&b) = bytes.get(i) else { break };
        i += 1;
        match b {
            b'"' => out.extend_from_slice(b"\\\""),
            b'\\' => out.extend_from_slice(b"\\\\"),
            b'\t' | b'\n' | b'\r' if !spaced(out) => out.push(b' '),
            // Where a reference's generated text goes (filled in by the client from the
            // document file's header).
            0x01 => out.extend_from_slice(b"\\u0001"),
            _ => {}
        }
    }
}

/// Shortens `out` to at most about `limit` bytes, at a character boundary and never inside an
/// escape.
fn cut(out: &mut Vec<u8>, limit: usize) {
    if out.len() <= limit {
        return;
    }
    let mut end = limit;
    while end < out.len() && (out[end] & 0xC0) == 0x80 {
        end += 1;
    }
    out.truncate(end);
    // A `\u0001` cut short goes whole.
    let len = out.len();
    if let Some(i) = (len.saturating_sub(5)..len).find(|&i| {
        out[i] == b'\\'
            && out.get(i + 1) == Some(&b'u')
            && out[..i].iter().rev().take_while(|&&b| b == b'\\').count() % 2 == 0
    }) {
        out.truncate(i);
    }
    // An odd run of backslashes at the end is an escape cut in two.
    if out.iter().rev().take_while(|&&b| b == b'\\').count() % 2 == 1 {
        out.pop();
    }
}

pub fn document_path(sp: usize) -> String {
    format!("search/d/{sp}.js")
}

/// What a page's document file says beside its compressed documents.
pub struct DocumentHeader<'a> {
    /// The page's URL from the site root.
    pub url: &'a str,
    pub title: &'a str,
    /// The parent page's title.
    pub parent: &'a str,
    /// The generated link texts of each document's references, in the order their marks
    /// stand in its text: (local, texts).
    pub links: &'a [(u8, Vec<String>)],
}

/// The file of one page's documents ([`document_path`]).
pub fn document_file(sp: usize, store: &[u8], header: &DocumentHeader) -> Vec<u8> {
    let mut json = serde_json::json!({"u": header.url, "t": header.title, "p": header.parent});
    if !header.links.is_empty() {
        let links: serde_json::Map<String, serde_json::Value> = header
            .links
            .iter()
            .map(|(local, texts)| (local.to_string(), serde_json::json!(texts)))
            .collect();
        json["r"] = serde_json::Value::Object(links);
    }
    script(&format!("d/{sp}"), store, Some(&json))
}

/// Labels the client shows: `(kind, singular, plural)` per kind in search order, then key
/// messages; and the client's words.
/// `TenetSearch.put("path", "<base64 of bytes>"[, header]);`
pub(super) fn script(path: &str, bytes: &[u8], header: Option<&serde_json::Value>) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len() / 3 * 4 + 128);
    out.extend_from_slice(b"TenetSearch.put(\"");
    out.extend_from_slice(path.as_bytes());
    out.extend_from_slice(b"\",\"");
    encode::base64_into(bytes, &mut out);
    out.push(b'"');
    if let Some(h) = header {
        out.push(b',');
        serde_json::to_writer(&mut out, h).expect("header serialises");
    }
    out.extend_from_slice(b");\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stored(text: &str) -> String {
        let doc = DocText {
            local: 0,
            anchor: "",
            title: "T".into(),
            title_weight: 1,
            text: vec![text],
            text_weight: 1,
            refs: Vec::new(),
        };
        String::from_utf8(store_json(&[doc])).unwrap()
    }

    #[test]
    fn the_mark_of_a_link_text_is_kept_and_other_controls_dropped() {
        let json = stored("see \u{1} and\u{7} \u{1}.");
        let value: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(value[0][3], "see \u{1} and \u{1}.");
    }

    #[test]
    fn a_cut_never_splits_the_mark() {
        for pad in 0..8 {
            let text = format!("{}{}", "a".repeat(STORE_BYTES - 8 + pad), "\u{1}".repeat(4));
            let json = stored(&text);
            let value: serde_json::Value =
                serde_json::from_str(&json).unwrap_or_else(|e| panic!("{pad}: {e}: {json}"));
            let kept = value[0][3].as_str().unwrap();
            assert!(kept.starts_with('a') && kept.len() <= STORE_BYTES, "{pad}");
        }
    }
}
