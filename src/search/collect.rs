//! Recording pages for the index: the shared vocabulary (words and their stems), each worker
//! thread's cache of what the runs of text it met count for, and a page's documents turned into
//! a [`PageRecord`].

use std::sync::Mutex;

use rust_stemmers::Stemmer;
use rustc_hash::FxHashMap as HashMap;

use super::encode::{Varint, deflate};
use super::store::{DocText, store_json};
use super::*;
use crate::page::markdown::TextPart;
use crate::page::{Block, Heading};

#[derive(Default)]
pub(super) struct Vocabulary {
    /// Per language of the collector: folded surface word → word id (a word written the same
    /// in two languages is two words, whose stems may differ).
    pub(super) word_ids: Vec<HashMap<String, u32>>,
    pub(super) words: Vec<String>,
    /// Stem id of each word.
    pub(super) word_stem: Vec<u32>,
    pub(super) stem_ids: HashMap<String, u32>,
    pub(super) stems: Vec<String>,
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

/// What the runs a thread has met count for, in one language.
#[derive(Default)]
struct Runs {
    short: hashbrown::HashTable<Short>,
    long: HashMap<Box<str>, (Counted, u32)>,
    many: Vec<Run>,
}

/// One worker thread's working memory: what the runs it has met count for, so that the shared
/// vocabulary is locked only for runs new to the thread; and the counts of the document being
/// recorded, indexed by stem id.
#[derive(Default)]
struct Scratch {
    /// What runs count for in the language of the page being recorded.
    runs: Runs,
    /// That language (its index in the collector's), and the other languages' runs.
    language: usize,
    parked: Vec<Runs>,
    /// Word ids counted for the record being made (when the collector tracks words).
    words: Vec<u32>,
    /// Weighted frequency of each stem in the title and in the text.
    counts: Vec<(u32, u32)>,
    /// Stems with non-zero counts.
    touched: Vec<u32>,
    /// Pairs of words met side by side, one space apart ([`pair`]): of every page this thread
    /// recorded, or (when words are tracked) of the page being recorded.
    pairs: rustc_hash::FxHashSet<u64>,
}

/// Two words side by side, by word id.
pub(super) fn pair(first: u32, second: u32) -> u64 {
    (u64::from(first) << 32) | u64::from(second)
}

/// Shared by the parse of every page: the vocabulary (words and their stems) of the handbook.
pub struct Collector {
    pub(super) vocabulary: Mutex<Vocabulary>,
    /// One per rayon worker thread, and a last one for any other thread; each is locked only by
    /// its own thread, except for the last.
    scratch: Vec<Mutex<Scratch>>,
    /// The languages pages are stemmed in (the handbook's first), and their stemmers.
    languages: Vec<(String, Option<Stemmer>)>,
    key_message_label: String,
    /// Keep the words each record uses ([`PageRecord::words`]): a collector that outlives a
    /// build (a session's) gathers words no page has any more, which the index must leave out.
    track_words: bool,
}

impl Collector {
    /// A collector for pages in these languages: the handbook's first, then those of pages
    /// an edition has not translated (each page is stemmed in its own).
    pub fn new(languages: &[&str], key_message_label: &str) -> Collector {
        let mut known: Vec<(String, Option<Stemmer>)> = Vec::new();
        for &l in languages {
            if !known.iter().any(|(k, _)| k == l) {
                known.push((l.to_string(), text::stemmer(l)));
            }
        }
        if known.is_empty() {
            known.push(("en".into(), text::stemmer("en")));
        }
        Collector {
            vocabulary: Mutex::new(Vocabulary {
                word_ids: vec![HashMap::default(); known.len()],
                ..Vocabulary::default()
            }),
            scratch: (0..=rayon::current_num_threads())
                .map(|_| Mutex::new(Scratch::default()))
                .collect(),
            languages: known,
            key_message_label: key_message_label.to_string(),
            track_words: false,
        }
    }

    /// A collector that keeps the words each record uses, to outlive one build.
    pub fn tracking_words(languages: &[&str], key_message_label: &str) -> Collector {
        Collector {
            track_words: true,
            ..Collector::new(languages, key_message_label)
        }
    }

    /// The languages pages are stemmed in, the handbook's first.
    pub fn languages(&self) -> impl Iterator<Item = &str> {
        self.languages.iter().map(|(l, _)| l.as_str())
    }

    /// The index of a page's language (None: the handbook's), as the collector knows it.
    pub fn language_of(&self, language: Option<&str>) -> usize {
        language
            .and_then(|l| self.languages.iter().position(|(k, _)| k == l))
            .unwrap_or(0)
    }

    pub fn tracks_words(&self) -> bool {
        self.track_words
    }

    /// The pairs of words met side by side: those of `records` when words are tracked (the
    /// pages of this build), else of every page recorded.
    pub fn pairs<'a>(
        &self,
        records: impl Iterator<Item = &'a [u64]>,
    ) -> rustc_hash::FxHashSet<u64> {
        let mut all = rustc_hash::FxHashSet::default();
        if self.track_words {
            for pairs in records {
                all.extend(pairs.iter().copied());
            }
        } else {
            for scratch in &self.scratch {
                all.extend(scratch.lock().expect("scratch lock").pairs.iter().copied());
            }
        }
        all
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
            self.language_of(page.language.as_deref()),
            &crate::model::display_title(&fm.title, fm.number.as_deref()),
            &extra,
            text,
            &page.headings.read(),
            &page.blocks,
        )
    }

    /// Records a page in the collector's `language` (an index): `extra` is front-matter text
    /// that belongs to the opening (summary, aim, outcomes).
    pub fn record(
        &self,
        language: usize,
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
        scratch.speak(language);
        scratch.words.clear();
        if self.track_words {
            scratch.pairs.clear();
        }
        let records: Vec<DocRecord> = docs
            .iter()
            .map(|doc| {
                let title_len = self.count(&mut scratch, &doc.title, doc.title_weight, true, true);
                let len: u32 = doc
                    .text
                    .iter()
                    .map(|t| self.count(&mut scratch, t, doc.text_weight, false, true))
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
        let pairs = match self.track_words {
            true => {
                let mut pairs: Vec<u64> = scratch.pairs.drain().collect();
                pairs.sort_unstable();
                pairs
            }
            false => Vec::new(),
        };
        drop(scratch);
        let json = store_json(&docs);
        let hash = {
            use std::hash::Hasher;
            let mut h = rustc_hash::FxHasher::default();
            h.write(&json);
            h.finish()
        };
        PageRecord {
            docs: Docs::new(&records),
            store: crate::spill::Spilled::Held(deflate(&json)),
            hash,
            words,
            pairs,
        }
    }

    /// Adds the tokens of `text` with `weight` to the counts of the current document, in the
    /// title's column or the text's; returns the number of tokens. Two runs joined by one
    /// hyphen (`cease-fire`) also count as their joined word (`ceasefire`), which adds no token;
    /// two one-word runs one space apart are remembered as a pair (with `pairs`), so that the
    /// index knows which compounds the text also writes apart.
    fn count(
        &self,
        scratch: &mut Scratch,
        text: &str,
        weight: u32,
        title: bool,
        pairs: bool,
    ) -> u32 {
        let mut tokens = 0;
        // The previous run, where it ended, and its word when it is one.
        let mut previous: Option<(&str, usize, Option<u32>)> = None;
        let mut joined = String::new();
        text::runs(text, |run| {
            let start = run.as_ptr() as usize - text.as_ptr() as usize;
            let (n, word) = self.count_run(scratch, run, weight, title);
            // A part of a compound has three letters at least, and characters written without
            // spaces make no compound of words.
            let word = word.filter(|_| {
                pairs
                    && run.len() >= text::MIN_PART
                    && (run.is_ascii() || !run.chars().any(text::is_cjk))
            });
            if let Some((before, end, before_word)) = previous {
                let between = &text[end..start];
                if text::joins(between) && before.len() + run.len() <= text::MAX_JOINED {
                    joined.clear();
                    joined.push_str(before);
                    joined.push_str(run);
                    self.count_run(scratch, &joined, weight, title);
                } else if pairs
                    && between == " "
                    && let (Some(a), Some(b)) = (before_word, word)
                {
                    scratch.pairs.insert(pair(a, b));
                }
            }
            previous = Some((run, start + run.len(), word));
            tokens += n;
        });
        tokens
    }

    /// Adds the tokens of one run of word characters; returns their number, and the run's word
    /// when it is one indexed word.
    fn count_run(
        &self,
        scratch: &mut Scratch,
        run: &str,
        weight: u32,
        title: bool,
    ) -> (u32, Option<u32>) {
        let track = self.track_words;
        let (counted, word) = match scratch.find(run) {
            Some(found) => found,
            None if run.len() > CACHED_RUN => {
                let found = self.lookup(scratch.language, run);
                for &stem in &found.stems {
                    scratch.add(stem, weight, title);
                }
                if track {
                    scratch.words.extend(&found.words);
                }
                return (found.tokens, None);
            }
            None => {
                let found = self.lookup(scratch.language, run);
                scratch.remember(run, found)
            }
        };
        if counted < MANY {
            scratch.add(counted, weight, title);
            if track {
                scratch.words.push(word);
            }
            return (1, Some(word));
        }
        let at = (counted - MANY) as usize;
        if track {
            let Scratch { words, runs, .. } = &mut *scratch;
            words.extend_from_slice(&runs.many[at].words);
        }
        for i in 0..scratch.runs.many[at].stems.len() {
            let stem = scratch.runs.many[at].stems[i];
            scratch.add(stem, weight, title);
        }
        (scratch.runs.many[at].tokens, None)
    }

    /// Adds the generated link text of a document's references (known once the site is
    /// resolved) to its counts and length, as text of the document.
    /// The ids of the words the texts use are added to `words` (when words are tracked).
    /// `language` is the page's (an index, as [`Collector::language_of`] gives).
    pub fn add_link_text(
        &self,
        language: usize,
        doc: &mut DocRecord,
        texts: &[String],
        words: &mut Vec<u32>,
    ) {
        if texts.is_empty() {
            return;
        }
        let mut scratch = self.scratch_for_this_thread();
        scratch.speak(language);
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
            doc.len += self.count(&mut scratch, text, weight, false, false);
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

    /// What a run counts for in a language, from the shared vocabulary (adding its words when
    /// new).
    fn lookup(&self, language: usize, run: &str) -> Run {
        let lower = run.to_lowercase();
        let mut tokens = 0;
        let mut stems = Vec::new();
        let mut words = Vec::new();
        let mut vocabulary = self.vocabulary.lock().expect("vocabulary lock");
        text::tokens(&lower, |token, _| {
            tokens += 1;
            if let Some((word, stem)) =
                vocabulary.intern(language, token, self.languages[language].1.as_ref())
            {
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
    /// Makes `language` (an index) the one runs are counted in.
    fn speak(&mut self, language: usize) {
        if language == self.language {
            return;
        }
        if self.parked.len() <= language.max(self.language) {
            self.parked
                .resize_with(language.max(self.language) + 1, Runs::default);
        }
        std::mem::swap(&mut self.runs, &mut self.parked[self.language]);
        std::mem::swap(&mut self.runs, &mut self.parked[language]);
        self.language = language;
    }

    #[inline]
    fn find(&self, run: &str) -> Option<(Counted, u32)> {
        if run.len() <= 16 {
            let (key, hash) = short_key(run);
            self.runs
                .short
                .find(hash, |s| s.key == key)
                .map(|s| (s.counted, s.word))
        } else {
            self.runs.long.get(run).copied()
        }
    }

    /// Caches what a run (of at most [`CACHED_RUN`] bytes) counts for.
    fn remember(&mut self, run: &str, found: Run) -> (Counted, u32) {
        let word = found.words.first().copied().unwrap_or(u32::MAX);
        let counted = match found.stems.as_slice() {
            &[stem] if found.tokens == 1 && stem < MANY => stem,
            _ => {
                self.runs.many.push(found);
                MANY + (self.runs.many.len() - 1) as u32
            }
        };
        if run.len() <= 16 {
            let (key, hash) = short_key(run);
            self.runs
                .short
                .insert_unique(hash, Short { key, counted, word }, |s| short_hash(s.key));
        } else {
            self.runs.long.insert(run.into(), (counted, word));
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
    fn intern(
        &mut self,
        language: usize,
        token: &str,
        stemmer: Option<&Stemmer>,
    ) -> Option<(u32, u32)> {
        text::surface(token).map(|word| self.add(language, token, word, stemmer))
    }

    fn add(
        &mut self,
        language: usize,
        token: &str,
        word: String,
        stemmer: Option<&Stemmer>,
    ) -> (u32, u32) {
        if let Some(&id) = self.word_ids[language].get(&word) {
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
        self.word_ids[language].insert(word, id);
        (id, stem_id)
    }
}
