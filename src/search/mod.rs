//! Search: the client-side full-text index (format: docs/search.md).
//!
//! Two steps, so that no page's text is kept after it is parsed:
//! - during the parallel parse, [`Collector::record`] turns a page's text into a compact
//!   [`PageRecord`]: per document its length and weighted term frequencies (stems interned in
//!   the shared [`Collector`]), and the page's documents as compressed JSON for snippets;
//! - after resolve, [`build`] numbers the documents, writes postings with BM25F impacts, splits
//!   them into shards by word prefix, and returns the files to write under `search/`.

pub mod encode;
pub mod shards;
pub mod text;

use std::sync::Mutex;

use rust_stemmers::Stemmer;
use rustc_hash::FxHashMap as HashMap;

use crate::page::markdown::TextPart;
use crate::page::{Block, Heading, Kind};
use encode::{Varint, deflate};

/// Field weights of BM25F (docs/search.md, "Ranking").
const W_PAGE_TITLE: u32 = 8;
const W_HEADING: u32 = 5;
const W_KEY_MESSAGE: u32 = 2;
const W_BODY: u32 = 1;
const K1: f64 = 1.2;
const B: f64 = 0.75;
/// Longest document text kept for snippets, in characters.
const STORE_CHARS: usize = 4000;
/// Locals: 0–127 opening and sections, 128–255 key messages.
const KEY_MESSAGE_BASE: u32 = 128;

/// Kinds in search order, and the document kind of key messages.
pub const KIND_ORDER: [Kind; 7] = [
    Kind::Principle,
    Kind::Lesson,
    Kind::Module,
    Kind::CaseStudy,
    Kind::Chapter,
    Kind::Term,
    Kind::Page,
];

#[derive(Default)]
struct Vocabulary {
    /// Lowercased token as written → its stem id (None: not indexed).
    seen: HashMap<String, Option<u32>>,
    /// Folded surface word → word id.
    word_ids: HashMap<String, u32>,
    words: Vec<String>,
    /// Stem id of each word.
    word_stem: Vec<u32>,
    stem_ids: HashMap<String, u32>,
    stems: Vec<String>,
}

/// Shared by the parse of every page: the vocabulary (words and their stems) of the handbook.
pub struct Collector {
    vocabulary: Mutex<Vocabulary>,
    stemmer: Option<Stemmer>,
    key_message_label: String,
}

/// One page's share of the index, made during the parse.
#[derive(Debug, Default, Clone)]
pub struct PageRecord {
    pub docs: Vec<DocRecord>,
    /// Raw-deflated JSON `[[local, anchor, title, text], ...]`.
    pub store: Vec<u8>,
}

#[derive(Debug, Default, Clone)]
pub struct DocRecord {
    pub local: u8,
    /// Number of tokens of the text (the title aside).
    pub len: u32,
    /// Varints: (stem id − previous stem id, weighted tf in the title, weighted tf in the
    /// text) triples, by stem id.
    pub terms: Vec<u8>,
}

/// Per token of a document: its weighted frequency in the title and in the text.
type Frequencies<'a> = HashMap<&'a str, (u32, u32)>;

/// One document while a page is recorded.
struct DocText {
    local: u32,
    anchor: String,
    title: String,
    title_weight: u32,
    text: String,
    text_weight: u32,
}

impl Collector {
    pub fn new(language: &str, key_message_label: &str) -> Collector {
        Collector {
            vocabulary: Mutex::new(Vocabulary::default()),
            stemmer: text::stemmer(language),
            key_message_label: key_message_label.to_string(),
        }
    }

    /// Records a page: `extra` is front-matter text that belongs to the opening (summary, aim,
    /// outcomes).
    pub fn record(
        &self,
        title: &str,
        extra: &[&str],
        parts: &[TextPart],
        headings: &[Heading],
        blocks: &[Block],
    ) -> PageRecord {
        let docs = self.documents(title, extra, parts, headings, blocks);
        // Lowercase every field once; count weighted term frequencies per document.
        let folded: Vec<(String, String)> = docs
            .iter()
            .map(|d| (d.title.to_lowercase(), d.text.to_lowercase()))
            .collect();
        // Per token: weighted frequency in the title, and in the text.
        let mut counts: Vec<(Frequencies<'_>, u32)> = Vec::with_capacity(docs.len());
        for (doc, (title, body)) in docs.iter().zip(&folded) {
            let mut tf = Frequencies::default();
            let mut len = 0u32;
            text::tokens(title, |token, _| {
                tf.entry(token).or_default().0 += doc.title_weight;
            });
            text::tokens(body, |token, _| {
                tf.entry(token).or_default().1 += doc.text_weight;
                len += 1;
            });
            counts.push((tf, len));
        }
        // Intern the page's words under one lock.
        let mut stem_of: HashMap<&str, Option<u32>> = HashMap::default();
        {
            let mut vocabulary = self.vocabulary.lock().expect("vocabulary lock");
            for (tf, _) in &counts {
                for &word in tf.keys() {
                    if !stem_of.contains_key(word) {
                        let stem = vocabulary.intern(word, self.stemmer.as_ref());
                        stem_of.insert(word, stem);
                    }
                }
            }
        }
        let mut records = Vec::with_capacity(docs.len());
        for ((tf, len), doc) in counts.into_iter().zip(&docs) {
            let mut by_stem: Vec<(u32, u32, u32)> = tf
                .into_iter()
                .filter_map(|(w, (t, b))| Some((stem_of[w]?, t, b)))
                .collect();
            by_stem.sort_unstable();
            let mut terms = Vec::with_capacity(by_stem.len() * 3);
            let mut previous = 0u32;
            let mut i = 0;
            while i < by_stem.len() {
                let (stem, mut t, mut b) = by_stem[i];
                i += 1;
                while i < by_stem.len() && by_stem[i].0 == stem {
                    t += by_stem[i].1;
                    b += by_stem[i].2;
                    i += 1;
                }
                terms.put_varint(u64::from(stem - previous));
                terms.put_varint(u64::from(t));
                terms.put_varint(u64::from(b));
                previous = stem;
            }
            records.push(DocRecord {
                local: doc.local as u8,
                len,
                terms,
            });
        }
        let store: Vec<(u32, &str, &str, String)> = docs
            .iter()
            .map(|d| {
                (
                    d.local,
                    d.anchor.as_str(),
                    d.title.as_str(),
                    snippet_text(&d.text),
                )
            })
            .collect();
        let json = serde_json::to_vec(&store).expect("documents serialise");
        let mut store = deflate(&json);
        store.shrink_to_fit();
        PageRecord {
            docs: records,
            store,
        }
    }

    /// Splits a page into its documents (opening, sections, key messages), folding overflow
    /// beyond 128 of a sort into the last one.
    fn documents(
        &self,
        title: &str,
        extra: &[&str],
        parts: &[TextPart],
        headings: &[Heading],
        blocks: &[Block],
    ) -> Vec<DocText> {
        let mut docs: Vec<DocText> = Vec::new();
        let mut sections = 0u32;
        let mut key_messages = 0u32;
        for (i, part) in parts.iter().enumerate() {
            let (local, anchor, doc_title, title_weight, text_weight) = if let Some(b) = part.block
            {
                let spec = blocks.get(b).map(|b| &b.spec);
                let local = KEY_MESSAGE_BASE + key_messages.min(127);
                key_messages += 1;
                let label = format!(
                    "{} {}",
                    self.key_message_label,
                    spec.map(|s| s.ordinal).unwrap_or(key_messages as usize)
                );
                let anchor = spec.map(|s| s.id.clone()).unwrap_or_default();
                (local, anchor, label, 0, W_KEY_MESSAGE)
            } else if let Some(h) = part.heading {
                sections += 1;
                let local = sections.min(127);
                let heading = &headings[h];
                (
                    local,
                    heading.anchor.clone(),
                    heading.text.clone(),
                    W_HEADING,
                    W_BODY,
                )
            } else if i == 0 {
                (0, String::new(), title.to_string(), W_PAGE_TITLE, W_BODY)
            } else {
                continue;
            };
            if let Some(last) = docs.iter_mut().rev().find(|d| d.local == local) {
                // Overflow: the text joins the last document of its sort (sections and key
                // messages interleave, so that one need not be the last pushed).
                last.text.push(' ');
                last.text.push_str(&part.text);
                continue;
            }
            let mut text = part.text.clone();
            if local == 0 {
                for e in extra {
                    text.push(' ');
                    text.push_str(e);
                }
            }
            docs.push(DocText {
                local,
                anchor,
                title: doc_title,
                title_weight,
                text,
                text_weight,
            });
        }
        if docs.first().is_none_or(|d| d.local != 0) {
            docs.insert(
                0,
                DocText {
                    local: 0,
                    anchor: String::new(),
                    title: title.to_string(),
                    title_weight: W_PAGE_TITLE,
                    text: extra.join(" "),
                    text_weight: W_BODY,
                },
            );
        }
        docs.sort_by_key(|d| d.local);
        docs
    }
}

impl Vocabulary {
    /// The stem id of a lowercased token, adding its folded form and stem when new.
    fn intern(&mut self, token: &str, stemmer: Option<&Stemmer>) -> Option<u32> {
        if let Some(&known) = self.seen.get(token) {
            return known;
        }
        let stem_id = text::surface(token).map(|word| self.add(token, word, stemmer));
        self.seen.insert(token.to_string(), stem_id);
        stem_id
    }

    fn add(&mut self, token: &str, word: String, stemmer: Option<&Stemmer>) -> u32 {
        if let Some(&id) = self.word_ids.get(&word) {
            return self.word_stem[id as usize];
        }
        let stem = text::stem(stemmer, token);
        let stem_id = match self.stem_ids.get(&stem) {
            Some(&id) => id,
            None => {
                let id = self.stems.len() as u32;
                self.stems.push(stem.clone());
                self.stem_ids.insert(stem, id);
                id
            }
        };
        let id = self.words.len() as u32;
        self.words.push(word.clone());
        self.word_stem.push(stem_id);
        self.word_ids.insert(word, id);
        stem_id
    }
}

/// Whitespace collapsed, at most [`STORE_CHARS`] characters.
fn snippet_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len().min(STORE_CHARS * 2));
    for word in text.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
        // Bytes bound characters from above, so only a long text needs counting.
        if out.len() > STORE_CHARS && out.chars().count() > STORE_CHARS {
            let end = out
                .char_indices()
                .nth(STORE_CHARS)
                .map_or(out.len(), |(i, _)| i);
            out.truncate(end);
            break;
        }
    }
    out
}

/// Where each page goes in search order (by kind, then reading order), known before rendering
/// so that each page's document file is written as the page is rendered.
pub struct Plan {
    /// Search page number of each site page (None: not indexed).
    pub number: Vec<Option<usize>>,
    /// Site page of each search page number.
    pub order: Vec<usize>,
    /// Each kind present, with its first search page number.
    pub kind_starts: Vec<(Kind, usize)>,
}

impl Plan {
    /// `reading` is the site's reading order; `kinds` the kind of each site page; `indexed`
    /// whether a page has a record.
    pub fn new(reading: &[usize], kinds: &[Kind], indexed: &[bool]) -> Plan {
        let kind_rank = |k: Kind| {
            KIND_ORDER
                .iter()
                .position(|&x| x == k)
                .unwrap_or(KIND_ORDER.len())
        };
        let mut order: Vec<usize> = reading.iter().copied().filter(|&p| indexed[p]).collect();
        order.sort_by_key(|&p| kind_rank(kinds[p]));
        let mut number = vec![None; kinds.len()];
        let mut kind_starts: Vec<(Kind, usize)> = Vec::new();
        for (sp, &p) in order.iter().enumerate() {
            number[p] = Some(sp);
            if kind_starts.last().is_none_or(|&(k, _)| k != kinds[p]) {
                kind_starts.push((kinds[p], sp));
            }
        }
        Plan {
            number,
            order,
            kind_starts,
        }
    }
}

/// The file of one page's documents: `(path, content)`; `url` is the page's URL from the site
/// root, `parent` its parent's title.
pub fn document_file(
    sp: usize,
    record: &PageRecord,
    url: &str,
    title: &str,
    parent: &str,
) -> (String, Vec<u8>) {
    let path = format!("d/{sp}");
    let header = serde_json::json!({"u": url, "t": title, "p": parent});
    (
        format!("search/{path}.js"),
        script(&path, &encode::base64(&record.store), Some(&header)),
    )
}

/// Labels the client shows: `(kind, singular, plural)` per kind in search order, then key
/// messages; and the client's words.
pub struct Labels {
    pub kinds: Vec<(String, String, String)>,
    pub strings: Vec<(&'static str, String)>,
}

/// Builds the shards and `meta.js` and hands each file to `write` (from several threads).
/// `records` are indexed by site page; each is dropped once its postings are made.
pub fn build(
    collector: Collector,
    plan: &Plan,
    mut records: Vec<Option<PageRecord>>,
    language: &str,
    labels: &Labels,
    write: &(dyn Fn(&str, &[u8]) + Sync),
) {
    let vocabulary = collector.vocabulary.into_inner().expect("vocabulary lock");

    // BM25 needs the average document length.
    let (docs, total_len) = records.iter().flatten().fold((0u64, 0u64), |(n, len), r| {
        (
            n + r.docs.len() as u64,
            len + r.docs.iter().map(|d| u64::from(d.len)).sum::<u64>(),
        )
    });
    let avgdl = if docs == 0 {
        1.0
    } else {
        total_len as f64 / docs as f64
    };

    // Postings, in document id order because pages are visited in search order.
    let stems = vocabulary.stems.len();
    let mut postings: Vec<Vec<u8>> = vec![Vec::new(); stems];
    let mut last: Vec<i64> = vec![-1; stems];
    let mut df: Vec<u32> = vec![0; stems];
    for (sp, &p) in plan.order.iter().enumerate() {
        let Some(record) = records[p].take() else {
            continue;
        };
        for doc in &record.docs {
            let id = ((sp as i64) << 8) | i64::from(doc.local);
            // BM25F: only the text is normalised by length, so a title match counts the
            // same in a short document and a long one.
            let norm = 1.0 - B + B * f64::from(doc.len) / avgdl;
            let mut reader = encode::Reader::new(&doc.terms);
            let mut stem = 0u64;
            while let (Some(delta), Some(title), Some(text)) =
                (reader.varint(), reader.varint(), reader.varint())
            {
                stem += delta;
                let s = stem as usize;
                let tf = title as f64 + text as f64 / norm;
                let sat = tf * (K1 + 1.0) / (tf + K1);
                let q = ((15.0 * sat / (K1 + 1.0)).round() as u64).clamp(1, 15);
                let gap = (id - last[s]) as u64;
                postings[s].put_varint((gap << 4) | q);
                last[s] = id;
                df[s] += 1;
            }
        }
    }
    drop(records);

    // Stop words: in more than half the documents.
    let mut stop: Vec<&str> = vocabulary
        .words
        .iter()
        .zip(&vocabulary.word_stem)
        .filter(|&(_, &s)| docs >= 20 && u64::from(df[s as usize]) * 2 > docs)
        .map(|(w, _)| w.as_str())
        .collect();
    stop.sort_unstable();

    let keys = shards::build(
        &vocabulary.words,
        &vocabulary.word_stem,
        &vocabulary.stems,
        &df,
        &postings,
        &|n, bytes| {
            let path = format!("i/{n}");
            write(
                &format!("search/{path}.js"),
                &script(&path, &encode::base64(bytes), None),
            );
        },
    );

    let mut kind_list: Vec<serde_json::Value> = Vec::new();
    for (kind, start) in &plan.kind_starts {
        let (name, singular, plural) = labels
            .kinds
            .iter()
            .find(|(k, _, _)| k == kind.name())
            .cloned()
            .unwrap_or_else(|| (kind.name().into(), kind.name().into(), kind.name().into()));
        kind_list.push(serde_json::json!([name, singular, plural, start]));
    }
    if let Some((name, singular, plural)) = labels.kinds.iter().find(|(k, _, _)| k == "key-message")
    {
        kind_list.push(serde_json::json!([name, singular, plural, -1]));
    }
    // The version changes whenever the words or their postings do.
    let version = {
        use std::hash::{Hash, Hasher};
        let mut h = std::hash::DefaultHasher::new();
        keys.hash(&mut h);
        vocabulary.words.hash(&mut h);
        postings.hash(&mut h);
        plan.order.len().hash(&mut h);
        format!("{:08x}", h.finish() as u32)
    };
    let strings: serde_json::Map<String, serde_json::Value> = labels
        .strings
        .iter()
        .map(|(k, v)| (k.to_string(), serde_json::Value::String(v.clone())))
        .collect();
    let meta = serde_json::json!({
        "version": version,
        "language": language,
        "docs": docs,
        "pages": plan.order.len(),
        "kinds": kind_list,
        "keys": keys,
        "stop": stop,
        "strings": strings,
    });
    let mut meta_js = b"TenetSearch.meta(".to_vec();
    meta_js.extend(serde_json::to_vec(&meta).expect("meta serialises"));
    meta_js.extend(b");\n");
    write("search/meta.js", &meta_js);
}

/// `TenetSearch.put("path", "data"[, header]);`
fn script(path: &str, data: &str, header: Option<&serde_json::Value>) -> Vec<u8> {
    let mut out = String::with_capacity(data.len() + 64);
    out.push_str("TenetSearch.put(\"");
    out.push_str(path);
    out.push_str("\",\"");
    out.push_str(data);
    out.push('"');
    if let Some(h) = header {
        out.push(',');
        out.push_str(&serde_json::to_string(h).expect("header serialises"));
    }
    out.push_str(");\n");
    out.into_bytes()
}
