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
const B_TITLE: f64 = 0.3;
/// Impacts are 1–31, in 5 bits of each posting: 15 levels tied the best documents of common
/// queries (a term's own glossary entry with the pages that mention it in their title).
const IMPACT_BITS: u32 = 5;
const IMPACTS: u64 = (1 << IMPACT_BITS) - 1;
/// Lowest length normalisation of the text (docs/search.md, "Ranking").
const MIN_NORM: f64 = 0.6;
/// Longest document text kept for snippets, in bytes of JSON.
const STORE_BYTES: usize = 8000;
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
    /// Folded surface word → word id.
    word_ids: HashMap<String, u32>,
    words: Vec<String>,
    /// Stem id of each word.
    word_stem: Vec<u32>,
    stem_ids: HashMap<String, u32>,
    stems: Vec<String>,
}

/// What a run of word characters, as written, counts for: its number of tokens, and the stem
/// ids of those that are indexed.
struct Run {
    tokens: u32,
    stems: Vec<u32>,
    /// The word ids of those tokens.
    words: Vec<u32>,
}

/// A run's entry in a thread's cache: the stem id of its one token when it has exactly one
/// indexed token (nearly always), else [`MANY`] plus the index of its [`Run`] in
/// `Scratch::many`.
type Counted = u32;
const MANY: Counted = 1 << 31;

/// Runs of up to 16 bytes are cached under the run itself, padded with zero bytes (a run has
/// none), so a lookup hashes and compares two words and never follows a pointer.
#[derive(Clone, Copy)]
struct Short {
    key: [u64; 2],
    counted: Counted,
    /// The word id of a one-word run.
    word: u32,
}

/// Longer runs than this (in bytes) are not remembered: long CJK runs, which rarely repeat.
const CACHED_RUN: usize = 64;

/// One worker thread's working memory: what the runs it has met count for, so that the shared
/// vocabulary is locked only for runs new to the thread; and the counts of the document being
/// recorded, indexed by stem id.
#[derive(Default)]
struct Scratch {
    short: hashbrown::HashTable<Short>,
    long: HashMap<Box<str>, (Counted, u32)>,
    many: Vec<Run>,
    /// Word ids counted for the record being made (when the collector tracks words).
    words: Vec<u32>,
    /// Weighted frequency of each stem in the title and in the text.
    counts: Vec<(u32, u32)>,
    /// Stems with non-zero counts.
    touched: Vec<u32>,
}

/// Shared by the parse of every page: the vocabulary (words and their stems) of the handbook.
pub struct Collector {
    vocabulary: Mutex<Vocabulary>,
    /// One per rayon worker thread, and a last one for any other thread; each is locked only by
    /// its own thread, except for the last.
    scratch: Vec<Mutex<Scratch>>,
    stemmer: Option<Stemmer>,
    key_message_label: String,
    /// Keep the words each record uses ([`PageRecord::words`]): a collector that outlives a
    /// build (a session's) gathers words no page has any more, which the index must leave out.
    track_words: bool,
}

/// One page's share of the index, made during the parse.
#[derive(Debug, Default, Clone)]
pub struct PageRecord {
    pub docs: Vec<DocRecord>,
    /// Raw-deflated JSON `[[local, anchor, title, text], ...]`.
    pub store: Vec<u8>,
    /// A hash of the page's documents (their text, titles and anchors), for the index version.
    pub hash: u64,
    /// The ids of the words its documents use, sorted (kept only by a collector that tracks
    /// words).
    pub words: Vec<u32>,
}

#[derive(Debug, Default, Clone)]
pub struct DocRecord {
    pub local: u8,
    /// Number of tokens of the text (the title aside).
    pub len: u32,
    /// Number of tokens of the title.
    pub title_len: u32,
    /// Varints: (stem id − previous stem id, weighted tf in the title, weighted tf in the
    /// text) triples, by stem id.
    pub terms: Vec<u8>,
    /// References in the text whose link text is generated (index in the page's refs); their
    /// text joins the counts once the site is resolved ([`Collector::add_link_text`]).
    pub refs: Vec<u32>,
}

/// One document while a page is recorded.
struct DocText<'a> {
    local: u32,
    anchor: &'a str,
    title: std::borrow::Cow<'a, str>,
    title_weight: u32,
    /// Its text, in pieces (a part's text, then any overflow or front-matter text).
    text: Vec<&'a str>,
    text_weight: u32,
    refs: Vec<u32>,
}

impl Collector {
    pub fn new(language: &str, key_message_label: &str) -> Collector {
        Collector {
            vocabulary: Mutex::new(Vocabulary::default()),
            scratch: (0..=rayon::current_num_threads())
                .map(|_| Mutex::new(Scratch::default()))
                .collect(),
            stemmer: text::stemmer(language),
            key_message_label: key_message_label.to_string(),
            track_words: false,
        }
    }

    /// A collector that keeps the words each record uses, to outlive one build.
    pub fn tracking_words(language: &str, key_message_label: &str) -> Collector {
        Collector {
            track_words: true,
            ..Collector::new(language, key_message_label)
        }
    }

    pub fn tracks_words(&self) -> bool {
        self.track_words
    }

    /// Which words of the vocabulary are in use, given the words of every record and of the
    /// generated link texts; None when words are not tracked (every word is then in use).
    pub fn words_in_use<'a>(&self, used: impl Iterator<Item = &'a [u32]>) -> Option<Vec<bool>> {
        if !self.track_words {
            return None;
        }
        let mut in_use = vec![false; self.vocabulary.lock().expect("vocabulary lock").words.len()];
        for words in used {
            for &w in words {
                in_use[w as usize] = true;
            }
        }
        Some(in_use)
    }

    /// Records a parsed page: its title, its front matter's summary, aim and outcomes (which
    /// belong to its opening), and the plain text of its parts.
    pub fn record_page(&self, page: &crate::page::ParsedPage, text: &[TextPart]) -> PageRecord {
        let fm = &page.fm;
        let mut extra: Vec<&str> = Vec::new();
        extra.extend(fm.summary.as_deref());
        extra.extend(fm.aim.as_deref());
        extra.extend(fm.outcomes.iter().map(String::as_str));
        self.record(
            &crate::model::display_title(&fm.title, fm.number.as_deref()),
            &extra,
            text,
            &page.headings,
            &page.blocks,
        )
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
        let docs = documents(
            title,
            extra,
            parts,
            headings,
            blocks,
            &self.key_message_label,
        );
        let mut scratch = self.scratch_for_this_thread();
        scratch.words.clear();
        let records = docs
            .iter()
            .map(|doc| {
                let title_len = self.count(&mut scratch, &doc.title, doc.title_weight, true);
                let len: u32 = doc
                    .text
                    .iter()
                    .map(|t| self.count(&mut scratch, t, doc.text_weight, false))
                    .sum();
                DocRecord {
                    local: doc.local as u8,
                    len,
                    title_len,
                    terms: scratch.take_terms(),
                    refs: doc.refs.clone(),
                }
            })
            .collect();
        let words = scratch.take_words();
        drop(scratch);
        let json = store_json(&docs);
        let hash = {
            use std::hash::Hasher;
            let mut h = rustc_hash::FxHasher::default();
            h.write(&json);
            h.finish()
        };
        PageRecord {
            docs: records,
            store: deflate(&json),
            hash,
            words,
        }
    }

    /// Adds the tokens of `text` with `weight` to the counts of the current document, in the
    /// title's column or the text's; returns the number of tokens.
    fn count(&self, scratch: &mut Scratch, text: &str, weight: u32, title: bool) -> u32 {
        let mut tokens = 0;
        let track = self.track_words;
        text::runs(text, |run| {
            let (counted, word) = match scratch.find(run) {
                Some(found) => found,
                None if run.len() > CACHED_RUN => {
                    let found = self.lookup(run);
                    tokens += found.tokens;
                    for stem in found.stems {
                        scratch.add(stem, weight, title);
                    }
                    if track {
                        scratch.words.extend(found.words);
                    }
                    return;
                }
                None => {
                    let found = self.lookup(run);
                    scratch.remember(run, found)
                }
            };
            if counted < MANY {
                tokens += 1;
                scratch.add(counted, weight, title);
                if track {
                    scratch.words.push(word);
                }
            } else {
                let at = (counted - MANY) as usize;
                tokens += scratch.many[at].tokens;
                if track {
                    let Scratch { words, many, .. } = &mut *scratch;
                    words.extend_from_slice(&many[at].words);
                }
                for i in 0..scratch.many[at].stems.len() {
                    let stem = scratch.many[at].stems[i];
                    scratch.add(stem, weight, title);
                }
            }
        });
        tokens
    }

    /// Adds the generated link text of a document's references (known once the site is
    /// resolved) to its counts and length, as text of the document.
    /// The ids of the words the texts use are added to `words` (when words are tracked).
    pub fn add_link_text(&self, doc: &mut DocRecord, texts: &[String], words: &mut Vec<u32>) {
        if texts.is_empty() {
            return;
        }
        let mut scratch = self.scratch_for_this_thread();
        scratch.words.clear();
        let mut r = encode::Reader::new(&doc.terms);
        let mut stem = 0u64;
        while let (Some(delta), Some(title), Some(text)) = (r.varint(), r.varint(), r.varint()) {
            stem += delta;
            scratch.add(stem as u32, title as u32, true);
            scratch.add(stem as u32, text as u32, false);
        }
        let weight = if u32::from(doc.local) >= KEY_MESSAGE_BASE {
            W_KEY_MESSAGE
        } else {
            W_BODY
        };
        for text in texts {
            doc.len += self.count(&mut scratch, text, weight, false);
        }
        doc.terms = scratch.take_terms();
        words.append(&mut scratch.words);
    }

    fn scratch_for_this_thread(&self) -> std::sync::MutexGuard<'_, Scratch> {
        let slot = rayon::current_thread_index()
            .filter(|&i| i + 1 < self.scratch.len())
            .unwrap_or(self.scratch.len() - 1);
        self.scratch[slot].lock().expect("scratch lock")
    }

    /// What a run counts for, from the shared vocabulary (adding its words when new).
    fn lookup(&self, run: &str) -> Run {
        let lower = run.to_lowercase();
        let mut tokens = 0;
        let mut stems = Vec::new();
        let mut words = Vec::new();
        let mut vocabulary = self.vocabulary.lock().expect("vocabulary lock");
        text::tokens(&lower, |token, _| {
            tokens += 1;
            if let Some((word, stem)) = vocabulary.intern(token, self.stemmer.as_ref()) {
                words.push(word);
                stems.push(stem);
            }
        });
        Run {
            tokens,
            stems,
            words,
        }
    }
}

/// The cache key of a short run, and its hash.
#[inline]
fn short_key(run: &str) -> ([u64; 2], u64) {
    let mut bytes = [0u8; 16];
    bytes[..run.len()].copy_from_slice(run.as_bytes());
    let key = [
        u64::from_le_bytes(bytes[..8].try_into().expect("8 bytes")),
        u64::from_le_bytes(bytes[8..].try_into().expect("8 bytes")),
    ];
    (key, short_hash(key))
}

#[inline]
fn short_hash(key: [u64; 2]) -> u64 {
    use std::hash::Hasher;
    let mut h = rustc_hash::FxHasher::default();
    h.write_u64(key[0]);
    h.write_u64(key[1]);
    h.finish()
}

impl Scratch {
    #[inline]
    fn find(&self, run: &str) -> Option<(Counted, u32)> {
        if run.len() <= 16 {
            let (key, hash) = short_key(run);
            self.short
                .find(hash, |s| s.key == key)
                .map(|s| (s.counted, s.word))
        } else {
            self.long.get(run).copied()
        }
    }

    /// Caches what a run (of at most [`CACHED_RUN`] bytes) counts for.
    fn remember(&mut self, run: &str, found: Run) -> (Counted, u32) {
        let word = found.words.first().copied().unwrap_or(u32::MAX);
        let counted = match found.stems.as_slice() {
            &[stem] if found.tokens == 1 && stem < MANY => stem,
            _ => {
                self.many.push(found);
                MANY + (self.many.len() - 1) as u32
            }
        };
        if run.len() <= 16 {
            let (key, hash) = short_key(run);
            self.short
                .insert_unique(hash, Short { key, counted, word }, |s| short_hash(s.key));
        } else {
            self.long.insert(run.into(), (counted, word));
        }
        (counted, word)
    }

    /// The words counted since the last call, sorted and each once.
    fn take_words(&mut self) -> Vec<u32> {
        let mut words = std::mem::take(&mut self.words);
        words.sort_unstable();
        words.dedup();
        words
    }

    #[inline]
    fn add(&mut self, stem: u32, weight: u32, title: bool) {
        // A zero weight (a key message's generated title, or a stem with no title occurrences
        // counted again by `add_link_text`) adds nothing, and must not mark the stem as
        // touched while its counts stay zero.
        if weight == 0 {
            return;
        }
        let s = stem as usize;
        if s >= self.counts.len() {
            self.counts.resize(s + 1 + s / 2, (0, 0));
        }
        let c = &mut self.counts[s];
        if *c == (0, 0) {
            self.touched.push(stem);
        }
        if title {
            c.0 += weight;
        } else {
            c.1 += weight;
        }
    }

    /// The counted document's terms as varint triples by stem id; the counts are cleared.
    fn take_terms(&mut self) -> Vec<u8> {
        self.touched.sort_unstable();
        let mut terms = Vec::with_capacity(self.touched.len() * 4);
        let mut previous = 0;
        for &stem in &self.touched {
            let (t, b) = std::mem::take(&mut self.counts[stem as usize]);
            terms.put_varint(u64::from(stem - previous));
            terms.put_varint(u64::from(t));
            terms.put_varint(u64::from(b));
            previous = stem;
        }
        self.touched.clear();
        terms.shrink_to_fit();
        terms
    }
}

/// Splits a page into its documents (opening, sections, key messages), folding overflow
/// beyond 128 of a sort into the last one. `label` begins a key message's title ("Key
/// Message 3").
fn documents<'a>(
    title: &'a str,
    extra: &[&'a str],
    parts: &'a [TextPart],
    headings: &'a [Heading],
    blocks: &'a [Block],
    label: &str,
) -> Vec<DocText<'a>> {
    let mut docs: Vec<DocText<'a>> = Vec::new();
    let mut sections = 0u32;
    let mut key_messages = 0u32;
    for (i, part) in parts.iter().enumerate() {
        let (local, anchor, doc_title, title_weight, text_weight) = if let Some(b) = part.block {
            let local = KEY_MESSAGE_BASE + key_messages.min(127);
            key_messages += 1;
            // Every key message part names one of the page's blocks.
            let (anchor, title) = match blocks.get(b) {
                Some(block) => (
                    block.spec.id.as_str(),
                    format!("{label} {}", block.spec.ordinal).into(),
                ),
                None => ("", "".into()),
            };
            (local, anchor, title, 0, W_KEY_MESSAGE)
        } else if let Some(h) = part.heading {
            sections += 1;
            let heading = &headings[h];
            let title = heading.text.as_str().into();
            (
                sections.min(127),
                heading.anchor.as_str(),
                title,
                W_HEADING,
                W_BODY,
            )
        } else if i == 0 {
            (0, "", title.into(), W_PAGE_TITLE, W_BODY)
        } else {
            continue;
        };
        if let Some(last) = docs.iter_mut().rev().find(|d| d.local == local) {
            // Overflow: the text joins the last document of its sort (sections and key
            // messages interleave, so that one need not be the last pushed).
            last.text.push(&part.text);
            last.refs.extend(part.refs.iter().map(|&r| r as u32));
            continue;
        }
        let mut text = vec![part.text.as_str()];
        if local == 0 {
            text.extend_from_slice(extra);
        }
        docs.push(DocText {
            local,
            anchor,
            title: doc_title,
            title_weight,
            text,
            text_weight,
            refs: part.refs.iter().map(|&r| r as u32).collect(),
        });
    }
    if docs.first().is_none_or(|d| d.local != 0) {
        docs.insert(
            0,
            DocText {
                local: 0,
                anchor: "",
                title: title.into(),
                title_weight: W_PAGE_TITLE,
                text: extra.to_vec(),
                text_weight: W_BODY,
                refs: Vec::new(),
            },
        );
    }
    docs.sort_by_key(|d| d.local);
    docs
}

impl Vocabulary {
    /// The stem id of a lowercased token, adding its folded form and stem when new. (Each
    /// thread remembers what its runs count for, so this runs once per word and thread.)
    /// Returns the word id and the stem id.
    fn intern(&mut self, token: &str, stemmer: Option<&Stemmer>) -> Option<(u32, u32)> {
        text::surface(token).map(|word| self.add(token, word, stemmer))
    }

    fn add(&mut self, token: &str, word: String, stemmer: Option<&Stemmer>) -> (u32, u32) {
        if let Some(&id) = self.word_ids.get(&word) {
            return (id, self.word_stem[id as usize]);
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
        (id, stem_id)
    }
}

/// The page's documents as JSON `[[local, anchor, title, text], ...]`, each text its pieces
/// joined by spaces, line breaks made spaces, cut at a character boundary after at most
/// [`STORE_BYTES`] bytes. Written directly: this runs over all the handbook's text.
fn store_json(docs: &[DocText]) -> Vec<u8> {
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

/// The index's version, known before any page is rendered (pages name it, so that over http
/// a rebuilt index is never mixed with a cached one): a hash of the tool's version, the pages'
/// search order, and each page's documents. `hashes` are the pages' [`PageRecord::hash`]es,
/// by site page.
pub fn version(plan: &Plan, hashes: &[u64]) -> String {
    use std::hash::{Hash, Hasher};
    let mut h = rustc_hash::FxHasher::default();
    env!("CARGO_PKG_VERSION").hash(&mut h);
    for &p in &plan.order {
        (p, hashes[p]).hash(&mut h);
    }
    let h = h.finish();
    format!("{:08x}", (h >> 32) as u32 ^ h as u32)
}

/// Where the file of the page numbered `sp` in search order goes.
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
pub struct Labels {
    pub kinds: Vec<(String, String, String)>,
    pub strings: Vec<(&'static str, String)>,
}

/// Builds the shards and `meta.js` and hands each file to `write` (from several threads).
/// `records` are the pages' documents (without their text), indexed by site page; each is
/// dropped once its postings are made.
/// `in_use` says which words of the vocabulary are still in the handbook (None: all).
#[allow(clippy::too_many_arguments)]
pub fn build(
    collector: &Collector,
    plan: &Plan,
    mut records: Vec<Option<Vec<DocRecord>>>,
    in_use: Option<&[bool]>,
    version: &str,
    language: &str,
    labels: &Labels,
    write: &(dyn Fn(&str, &[u8]) + Sync),
) {
    let vocabulary = collector.vocabulary.lock().expect("vocabulary lock");

    // BM25 needs the average document length.
    let (docs, total_len) = records.iter().flatten().fold((0u64, 0u64), |(n, len), r| {
        (
            n + r.len() as u64,
            len + r.iter().map(|d| u64::from(d.len)).sum::<u64>(),
        )
    });
    let avgdl = if docs == 0 {
        1.0
    } else {
        total_len as f64 / docs as f64
    };
    // And the average title length, over the documents whose title is indexed.
    let (titled, title_tokens) = records
        .iter()
        .flatten()
        .flatten()
        .filter(|d| u32::from(d.local) < KEY_MESSAGE_BASE && d.title_len > 0)
        .fold((0u64, 0u64), |(n, len), d| {
            (n + 1, len + u64::from(d.title_len))
        });
    let avg_title = if titled == 0 {
        1.0
    } else {
        title_tokens as f64 / titled as f64
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
        for doc in &record {
            let id = ((sp as i64) << 8) | i64::from(doc.local);
            // BM25F: the text is normalised by length, floored so that a short text is not
            // raised past the next field weight (one word in a key message stays below one in
            // a heading, and one in the body below one in a key message).
            let inverse_norm = 1.0 / (1.0 - B + B * f64::from(doc.len) / avgdl).max(MIN_NORM);
            // Short titles are raised a little, long ones left as they are: the query's own
            // glossary entry ("Mandate") above a page whose long title merely contains the
            // word, and no title or heading falls below the next field's weight.
            let inverse_title_norm =
                1.0 / (1.0 - B_TITLE + B_TITLE * f64::from(doc.title_len) / avg_title).min(1.0);
            let mut reader = encode::Reader::new(&doc.terms);
            let mut stem = 0u64;
            while let (Some(delta), Some(title), Some(text)) =
                (reader.varint(), reader.varint(), reader.varint())
            {
                stem += delta;
                let s = stem as usize;
                let tf = title as f64 * inverse_title_norm + text as f64 * inverse_norm;
                // q = round(31 · sat / (k1 + 1)), sat = tf · (k1 + 1) / (tf + k1).
                let q = ((IMPACTS as f64 * tf / (tf + K1) + 0.5) as u64).clamp(1, IMPACTS);
                let gap = (id - last[s]) as u64;
                postings[s].put_varint((gap << IMPACT_BITS) | q);
                last[s] = id;
                df[s] += 1;
            }
        }
    }
    drop(records);

    // Stop words: in more than half the documents.
    let used = |w: usize| in_use.is_none_or(|u| u[w]);
    let mut stop: Vec<&str> = vocabulary
        .words
        .iter()
        .zip(&vocabulary.word_stem)
        .enumerate()
        .filter(|&(w, (_, &s))| used(w) && docs >= 20 && u64::from(df[s as usize]) * 2 > docs)
        .map(|(_, (w, _))| w.as_str())
        .collect();
    stop.sort_unstable();

    let keys = shards::build(
        &vocabulary.words,
        in_use,
        &vocabulary.word_stem,
        &vocabulary.stems,
        &df,
        &postings,
        &|n, bytes| {
            let path = format!("i/{n}");
            write(&format!("search/{path}.js"), &script(&path, bytes, None));
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

/// `TenetSearch.put("path", "<base64 of bytes>"[, header]);`
fn script(path: &str, bytes: &[u8], header: Option<&serde_json::Value>) -> Vec<u8> {
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
    use crate::page::{ParseOptions, parse};
    use crate::source::Source;

    fn record(collector: &Collector, rel: &str, text: &str) -> PageRecord {
        let source = Source {
            rel: rel.into(),
            shown: rel.into(),
            text: text.into(),
            layer: 0,
            language: None,
        };
        let options = ParseOptions { highlight: false };
        let (parsed, problems) = parse(&source, options);
        assert!(problems.is_empty(), "{problems:?}");
        let parsed = parsed.expect("a page");
        collector.record_page(&parsed.page, &parsed.text)
    }

    /// A document's (stem → (title tf, text tf)), by stem string.
    fn terms(collector: &Collector, doc: &DocRecord) -> Vec<(String, u64, u64)> {
        let vocabulary = collector.vocabulary.lock().unwrap();
        let mut r = encode::Reader::new(&doc.terms);
        let mut stem = 0;
        let mut out = Vec::new();
        while let Some(delta) = r.varint() {
            stem += delta;
            let (t, b) = (r.varint().unwrap(), r.varint().unwrap());
            out.push((vocabulary.stems[stem as usize].clone(), t, b));
        }
        out.sort();
        out
    }

    /// The same counts made the slow way: lowercase, [`text::tokenize`], stem.
    fn expected(collector: &Collector, text: &str) -> Vec<(String, u64, u64)> {
        let mut counts: std::collections::BTreeMap<String, u64> = Default::default();
        for word in text::tokenize(text) {
            let lower_stem = {
                let v = collector.vocabulary.lock().unwrap();
                let id = v.word_ids[&word];
                v.stems[v.word_stem[id as usize] as usize].clone()
            };
            *counts.entry(lower_stem).or_default() += 1;
        }
        counts.into_iter().map(|(s, n)| (s, 0, n)).collect()
    }

    #[test]
    fn a_record_counts_what_tokenize_finds_in_every_script() {
        let collector = Collector::new("en", "Key Message");
        let body = "Peacekeepers PEACEKEEPING peacekeeping's Non-use (of) force; \
            L'IMPARTIALITÉ n'est pas la neutralité. Согласие СТОРОН. مبادئ حفظ السلام. \
            维持和平行动的原则是同意公正和不使用武力除非自卫或保护授权这是一个很长的句子没有空格 \
            UN维和 internationalisation-of-responsibilities extraordinarilylongwordsarecounted 1.3 x";
        let page = format!("+++\ntitle = \"T\"\n+++\n\nIntro.\n\n## Section\n\n{body}\n");
        // Twice: the second time every run comes from the thread's cache.
        for _ in 0..2 {
            let rec = record(&collector, "p.md", &page);
            assert_eq!(rec.docs.len(), 2);
            let section = &rec.docs[1];
            assert_eq!(section.local, 1);
            assert_eq!(section.len as usize, text::tokenize(body).len());
            let mut want = expected(&collector, body);
            // The heading counts in the title column with weight 5.
            let heading = &expected(&collector, "Section")[0].0;
            let at = want.iter().position(|(s, _, _)| s == heading);
            match at {
                Some(i) => want[i].1 = 5,
                None => want.push((heading.clone(), 5, 0)),
            }
            want.sort();
            assert_eq!(terms(&collector, section), want);
        }
    }

    #[test]
    fn key_messages_and_sections_are_documents_of_their_own() {
        let collector = Collector::new("en", "Key Message");
        let rec = record(
            &collector,
            "l.md",
            "+++\ntitle = \"Lesson\"\nkind = \"lesson\"\naim = \"Teach consent.\"\n+++\n\n\
             Opening words.\n\n## First\n\nOne.\n\n::: key-message\n\nImpartial, not neutral.\n\n:::\n\n\
             ## Second\n\nTwo \"quoted\" \\\\ words.\n",
        );
        let locals: Vec<u8> = rec.docs.iter().map(|d| d.local).collect();
        assert_eq!(locals, [0, 1, 2, 128]);
        let json = encode::inflate(&rec.store);
        let docs: Vec<(u32, String, String, String)> = serde_json::from_slice(&json).unwrap();
        assert_eq!(
            docs[0],
            (
                0,
                "".into(),
                "Lesson".into(),
                "Opening words. Teach consent.".into()
            )
        );
        assert_eq!(docs[1].1, "first");
        // Smart punctuation has curled the quotes.
        assert_eq!(docs[2].3, "Two “quoted” \\ words.");
        assert_eq!(docs[3].0, 128);
        assert_eq!(docs[3].2, "Key Message 1");
        assert_eq!(docs[3].3, "Impartial, not neutral.");
        // The key message's text is not also the first section's.
        assert_eq!(docs[1].3, "One.");
        // Its generated title ("Key Message 1") is not indexed: only its text is.
        let stems: Vec<String> = terms(&collector, &rec.docs[3])
            .into_iter()
            .map(|(s, _, _)| s)
            .collect();
        assert_eq!(stems, ["imparti", "neutral", "not"]);
    }

    fn doc_text<'a>(text: Vec<&'a str>) -> DocText<'a> {
        DocText {
            local: 0,
            anchor: "a\"b",
            title: "T".into(),
            title_weight: 1,
            text,
            text_weight: 1,
            refs: Vec::new(),
        }
    }

    fn stored(text: Vec<&str>) -> String {
        let json = store_json(&[doc_text(text)]);
        let docs: Vec<(u32, String, String, String)> =
            serde_json::from_slice(&json).expect("valid JSON");
        assert_eq!(docs[0].1, "a\"b");
        docs.into_iter().next().unwrap().3
    }

    #[test]
    fn stored_text_is_json_with_line_breaks_made_spaces() {
        assert_eq!(
            stored(vec![
                "  a b\n\n\tc \"q\" \\ \u{1}d",
                "next",
                " ",
                "last\r\n"
            ]),
            "a b c \"q\" \\ d next last"
        );
        assert_eq!(stored(vec![]), "");
        assert_eq!(stored(vec!["", "  "]), "");
    }

    #[test]
    fn long_text_is_cut_at_a_character_boundary_and_never_inside_an_escape() {
        let accents = "é".repeat(STORE_BYTES);
        let text = stored(vec![&accents]);
        assert!(text.len() <= STORE_BYTES + 1 && text.len() >= STORE_BYTES - 1);
        assert!(text.chars().all(|c| c == 'é'));
        for offset in 0..3 {
            let mut tricky = "x".repeat(offset);
            tricky.push_str(&"\\\"".repeat(STORE_BYTES));
            let text = stored(vec![&tricky]);
            assert!(text.len() <= STORE_BYTES, "{}", text.len());
            assert!(text.len() >= STORE_BYTES / 2 - 2);
        }
    }
}

#[cfg(test)]
mod ranking_tests {
    use super::*;
    use crate::page::{ParseOptions, parse};
    use crate::source::Source;

    /// Builds an index of `pages` (markdown files, in reading order) and returns the
    /// (document id, impact) postings of `stem`.
    fn postings(pages: &[&str], stem: &str) -> Vec<(u64, u64)> {
        let collector = Collector::new("en", "Key Message");
        let records: Vec<Option<Vec<DocRecord>>> = pages
            .iter()
            .enumerate()
            .map(|(i, text)| {
                let source = Source {
                    rel: format!("p{i}.md"),
                    shown: format!("p{i}.md").into(),
                    text: text.to_string(),
                    layer: 0,
                    language: None,
                };
                let options = ParseOptions { highlight: false };
                let parsed = parse(&source, options).0.expect("a page");
                Some(collector.record_page(&parsed.page, &parsed.text).docs)
            })
            .collect();
        let order: Vec<usize> = (0..pages.len()).collect();
        let plan = Plan::new(
            &order,
            &vec![Kind::Page; pages.len()],
            &vec![true; pages.len()],
        );
        let files = Mutex::new(std::collections::BTreeMap::new());
        let labels = Labels {
            kinds: Vec::new(),
            strings: Vec::new(),
        };
        build(
            &collector,
            &plan,
            records,
            None,
            "v",
            "en",
            &labels,
            &|path, bytes| {
                files
                    .lock()
                    .unwrap()
                    .insert(path.to_string(), bytes.to_vec());
            },
        );
        let files = files.into_inner().unwrap();
        let meta = String::from_utf8(files["search/meta.js"].clone()).unwrap();
        let meta: serde_json::Value =
            serde_json::from_str(&meta[meta.find('(').unwrap() + 1..meta.rfind(')').unwrap()])
                .unwrap();
        let keys: Vec<&str> = meta["keys"]
            .as_array()
            .unwrap()
            .iter()
            .map(|k| k.as_str().unwrap())
            .collect();
        let shard = (0..keys.len())
            .filter(|&i| stem.starts_with(keys[i]))
            .max_by_key(|&i| keys[i].len())
            .expect("a shard for the stem");
        let script = String::from_utf8(files[&format!("search/i/{shard}.js")].clone()).unwrap();
        let data = script.split('"').nth(3).unwrap();
        let raw = encode::inflate(&encode::unbase64(data));
        let mut r = encode::Reader::new(&raw);
        for _ in 0..r.varint().unwrap() {
            let name = r.str().unwrap();
            let (_df, count, len) = (
                r.varint().unwrap(),
                r.varint().unwrap(),
                r.varint().unwrap(),
            );
            if name != stem {
                for _ in 0..count {
                    r.varint();
                }
                continue;
            }
            assert!(len > 0);
            let mut id: i64 = -1;
            return (0..count)
                .map(|_| {
                    let v = r.varint().unwrap();
                    id += (v >> IMPACT_BITS) as i64;
                    (id as u64, v & IMPACTS)
                })
                .collect();
        }
        panic!("stem {stem} not in shard {shard}");
    }

    #[test]
    fn title_beats_heading_beats_key_message_beats_body() {
        let filler = "Words about operations, mandates and the protection of civilians. ";
        let body = format!(
            "+++\ntitle = \"Gamma\"\n+++\n\n{}The consent of the parties matters. {}\n",
            filler.repeat(6),
            filler.repeat(6)
        );
        let pages = [
            "+++\ntitle = \"Consent\"\n+++\n\nWhat a mission needs first.\n".to_string(),
            "+++\ntitle = \"Alpha\"\n+++\n\nIntro.\n\n## Consent of the parties\n\nWhy it matters.\n"
                .to_string(),
            "+++\ntitle = \"Beta\"\n+++\n\nIntro.\n\n::: key-message\n\nA mission needs consent.\n\n:::\n"
                .to_string(),
            body,
            format!("+++\ntitle = \"Delta\"\n+++\n\n{filler}\n"),
            format!("+++\ntitle = \"Epsilon\"\n+++\n\n{filler}\n"),
        ];
        let pages: Vec<&str> = pages.iter().map(String::as_str).collect();
        let found = postings(&pages, "consent");
        let ids: Vec<u64> = found.iter().map(|&(id, _)| id).collect();
        // Page title (page 0, opening), heading (page 1, section 1), key message (page 2,
        // local 128), body (page 3, opening).
        assert_eq!(ids, [0, 256 + 1, 2 * 256 + 128, 3 * 256]);
        let impacts: Vec<u64> = found.iter().map(|&(_, q)| q).collect();
        assert!(
            impacts.windows(2).all(|w| w[0] > w[1]),
            "impacts fall from title to heading to key message to body: {impacts:?}"
        );
    }

    #[test]
    fn a_short_title_that_is_the_word_beats_a_long_one_that_contains_it() {
        let pages = [
            "+++\ntitle = \"Non-use of force except in self-defence and defence of the mandate\"\n+++\n\nText.\n",
            "+++\ntitle = \"Mandate\"\nkind = \"term\"\n+++\n\nText.\n",
            "+++\ntitle = \"Other words here\"\n+++\n\nText.\n",
            "+++\ntitle = \"More other words\"\n+++\n\nText.\n",
        ];
        let found = postings(&pages, "mandat");
        assert_eq!(found.len(), 2);
        let (long, short) = (found[0], found[1]);
        assert_eq!((long.0, short.0), (0, 256));
        assert!(short.1 > long.1, "{found:?}");
    }
}
