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
/// become spaces (a run of them one space, none at the start), other control characters are
/// dropped. Pieces appended one after another are separated by one space.
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
    // An odd run of backslashes at the end is an escape cut in two.
    if out.iter().rev().take_while(|&&b| b == b'\\').count() % 2 == 1 {
        out.pop();
    }
}

pub fn document_path(sp: usize) -> String {
    format!("search/d/{sp}.js")
}

/// The file of one page's documents ([`document_path`]); `url` is the page's URL from the
/// site root, `parent` its parent's title.
pub fn document_file(sp: usize, store: &[u8], url: &str, title: &str, parent: &str) -> Vec<u8> {
    let header = serde_json::json!({"u": url, "t": title, "p": parent});
    script(&format!("d/{sp}"), store, Some(&header))
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
