//! Search: the client-side full-text index (format: docs/search.md).
//!
//! A consumer of the parse, in two steps, so that no page's text is kept after it is parsed:
//! - `collect`: as each page is parsed, [`Collector::record_page`] turns its text into a
//!   compact [`PageRecord`]: per document its length and weighted term frequencies (stems
//!   interned in the shared [`Collector`]), and the page's documents as compressed JSON for
//!   snippets (`store`);
//! - `index`: after resolve, [`build`] numbers the documents, writes postings with BM25F
//!   impacts, splits them into shards by word prefix (`shards`), and hands over the files to
//!   write under `search/`.

mod collect;
pub mod encode;
mod index;
pub mod shards;
pub mod stem;
mod store;
pub mod text;

use crate::page::Kind;

pub use collect::Collector;
pub use index::{Labels, Plan, build, version};
pub use store::{DocumentHeader, document_file, document_path};

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

/// One page's share of the index, made during the parse.
#[derive(Debug, Default, Clone)]
pub struct PageRecord {
    /// Its documents' records, encoded: a build holds one for every
    /// page until the index is made, so they take little room, and may be spilled.
    pub docs: Docs,
    /// Raw-deflated JSON `[[local, anchor, title, text], ...]`.
    pub store: crate::spill::Spilled<Vec<u8>>,
    /// A hash of the page's documents (their text, titles and anchors), for the index version.
    pub hash: u64,
    /// The ids of the words its documents use, sorted (kept only by a collector that tracks
    /// words).
    pub words: Vec<u32>,
    /// The pairs of words its text has side by side, sorted (likewise).
    pub pairs: Vec<u64>,
}

/// A page's [`DocRecord`]s, encoded, held or spilled.
pub type Docs = crate::spill::List<DocRecord>;

impl PageRecord {
    /// Its documents' records.
    pub fn docs(&self) -> Vec<DocRecord> {
        self.docs.read()
    }
}

#[derive(Debug, Default, Clone, PartialEq, Eq)]
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

/// Per record its local, lengths, references and terms.
impl crate::spill::Codec for DocRecord {
    fn encode(&self, out: &mut Vec<u8>) {
        use encode::Varint;
        out.push(self.local);
        out.put_varint(u64::from(self.len));
        out.put_varint(u64::from(self.title_len));
        out.put_varint(self.refs.len() as u64);
        for &r in &self.refs {
            out.put_varint(u64::from(r));
        }
        out.put_varint(self.terms.len() as u64);
        out.extend_from_slice(&self.terms);
    }

    fn decode(r: &mut encode::Reader<'_>) -> Option<DocRecord> {
        let local = r.byte()?;
        let mut next = || r.varint().and_then(|v| u32::try_from(v).ok());
        let (len, title_len, n) = (next()?, next()?, next()?);
        let refs = (0..n).map(|_| next()).collect::<Option<Vec<u32>>>()?;
        let terms = r.blob()?.to_vec();
        Some(DocRecord {
            local,
            len,
            title_len,
            terms,
            refs,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::store::{DocText, store_json};
    use super::*;
    use crate::page::{ParseOptions, parse};
    use crate::source::Source;

    fn record(collector: &Collector, rel: &str, text: &str) -> PageRecord {
        record_in(collector, None, rel, text)
    }

    /// Records a page in a language other than the handbook's (`Some`).
    fn record_in(
        collector: &Collector,
        language: Option<&str>,
        rel: &str,
        text: &str,
    ) -> PageRecord {
        let source = Source {
            rel: rel.into(),
            shown: rel.into(),
            text: text.into(),
            layer: 0,
            language: language.map(str::to_string),
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
                let id = v.word_ids[0][&word];
                v.stems[v.word_stem[id as usize] as usize].clone()
            };
            *counts.entry(lower_stem).or_default() += 1;
        }
        counts.into_iter().map(|(s, n)| (s, 0, n)).collect()
    }

    #[test]
    fn a_record_counts_what_tokenize_finds_in_every_script() {
        let collector = Collector::new(&["en"], "Key Message");
        let body = "Peacekeepers PEACEKEEPING peacekeeping's Non–use (of) force; \
            L'IMPARTIALITÉ n'est pas la neutralité. Согласие СТОРОН. مبادئ حفظ السلام. \
            维持和平行动的原则是同意公正和不使用武力除非自卫或保护授权这是一个很长的句子没有空格 \
            UN维和 internationalisation/of/responsibilities extraordinarilylongwordsarecounted 1.3 x";
        let page = format!("+++\ntitle = \"T\"\n+++\n\nIntro.\n\n## Section\n\n{body}\n");
        // Twice: the second time every run comes from the thread's cache.
        for _ in 0..2 {
            let rec = record(&collector, "p.md", &page);
            assert_eq!(rec.docs().len(), 2);
            let section = &rec.docs()[1];
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
    fn each_page_is_stemmed_in_its_own_language() {
        // A French edition whose untranslated pages are English.
        let collector = Collector::new(&["fr", "en"], "Message clé");
        let page = "+++\ntitle = \"T\"\n+++\n\nprincipal\n";
        let fr = record(&collector, "fr.md", page);
        let en = record_in(&collector, Some("en"), "en.md", page);
        let stem_of = |rec: &PageRecord| terms(&collector, &rec.docs()[0])[0].0.clone();
        let (want_fr, want_en) = (
            rust_stemmers::Stemmer::create(rust_stemmers::Algorithm::French).stem("principal"),
            rust_stemmers::Stemmer::create(rust_stemmers::Algorithm::English).stem("principal"),
        );
        assert_ne!(want_fr, want_en, "a word the two languages stem apart");
        assert_eq!(stem_of(&fr), want_fr);
        assert_eq!(stem_of(&en), want_en);
        // Again, from each thread's cache of runs.
        assert_eq!(stem_of(&record(&collector, "fr.md", page)), want_fr);
        assert_eq!(
            stem_of(&record_in(&collector, Some("en"), "en.md", page)),
            want_en
        );
        // A language the collector was not told of is the handbook's.
        let other = record_in(&collector, Some("de"), "de.md", page);
        assert_eq!(stem_of(&other), want_fr);
        let languages: Vec<&str> = collector.languages().collect();
        assert_eq!(languages, ["fr", "en"]);
    }

    #[test]
    fn doc_records_read_back_as_they_were_encoded() {
        let docs = vec![
            DocRecord {
                local: 0,
                len: 300,
                title_len: 4,
                terms: vec![1, 2, 3, 0x81, 0x01, 7],
                refs: vec![],
            },
            DocRecord {
                local: 130,
                len: 0,
                title_len: 0,
                terms: vec![],
                refs: vec![5, 200, 70_000],
            },
        ];
        use crate::spill::Codec;
        let decode = |bytes: &[u8]| {
            let mut r = encode::Reader::new(bytes);
            std::iter::from_fn(|| DocRecord::decode(&mut r)).collect::<Vec<_>>()
        };
        let mut bytes = Vec::new();
        docs.iter().for_each(|d| d.encode(&mut bytes));
        assert_eq!(decode(&bytes), docs);
        assert_eq!(Docs::new(&docs).read(), docs);
        // A cut record is left out, not misread.
        assert_eq!(decode(&bytes[..bytes.len() - 1]), docs[..1]);
        let collector = Collector::new(&["en"], "Key Message");
        let rec = record(
            &collector,
            "a.md",
            "+++\ntitle = \"T\"\n+++\n\nIntro.\n\n## Two\n\nText.\n",
        );
        assert_eq!(Docs::new(&rec.docs()).read(), rec.docs());
        assert_eq!(rec.docs().len(), 2);
    }

    #[test]
    fn words_one_space_apart_are_remembered_as_pairs() {
        for tracking in [false, true] {
            let collector = match tracking {
                true => Collector::tracking_words(&["en"], "Key Message"),
                false => Collector::new(&["en"], "Key Message"),
            };
            let rec = record(
                &collector,
                "p.md",
                "+++\ntitle = \"T\"\n+++\n\nTo cease fire, peace. Keeping\n維和 x self  defence.\n",
            );
            let pairs = collector.pairs(std::iter::once(rec.pairs.as_slice()));
            let vocabulary = collector.vocabulary.lock().unwrap();
            let id = |w: &str| vocabulary.word_ids[0][w];
            let mut found: Vec<(String, String)> = pairs
                .iter()
                .map(|&p| {
                    let word = |i: u64| vocabulary.words[i as usize].clone();
                    (word(p >> 32), word(p & 0xffff_ffff))
                })
                .collect();
            found.sort();
            // Not across punctuation or two spaces, nor with a word of one or two letters or
            // of characters written without spaces.
            assert_eq!(
                found,
                [("cease".to_string(), "fire".to_string())],
                "tracking: {tracking}"
            );
            assert!(pairs.contains(&collect::pair(id("cease"), id("fire"))));
        }
    }

    #[test]
    fn words_joined_by_a_hyphen_also_count_as_one_word() {
        let collector = Collector::new(&["en"], "Key Message");
        let rec = record(
            &collector,
            "p.md",
            "+++\ntitle = \"Self-defence\"\n+++\n\nA cease-fire, peace\u{2011}keeping \
             and co-operation; not ten - four, nor to—day.\n",
        );
        let doc = &rec.docs()[0];
        // The parts are the tokens: joined words add none.
        assert_eq!(doc.title_len, 2);
        assert_eq!(doc.len, 13);
        let stems = terms(&collector, doc);
        let weights = |s: &str| {
            stems
                .iter()
                .find(|(x, _, _)| x == s)
                .map(|(_, t, b)| (*t, *b))
        };
        assert_eq!(weights("selfdef"), Some((8, 0)));
        assert_eq!(weights("ceasefir"), Some((0, 1)));
        assert_eq!(weights("peacekeep"), Some((0, 1)));
        assert_eq!(weights("cooper"), Some((0, 1)));
        assert_eq!(weights("ceas"), Some((0, 1)));
        assert_eq!(weights("tenfour"), None);
        assert_eq!(weights("today"), None);
    }

    #[test]
    fn key_messages_and_sections_are_documents_of_their_own() {
        let collector = Collector::new(&["en"], "Key Message");
        let rec = record(
            &collector,
            "l.md",
            "+++\ntitle = \"Lesson\"\nkind = \"lesson\"\naim = \"Teach consent.\"\n+++\n\n\
             Opening words.\n\n## First\n\nOne.\n\n::: key-message\n\nImpartial, not neutral.\n\n:::\n\n\
             ## Second\n\nTwo \"quoted\" \\\\ words.\n",
        );
        let locals: Vec<u8> = rec.docs().iter().map(|d| d.local).collect();
        assert_eq!(locals, [0, 1, 2, 128]);
        let json = encode::inflate(&rec.store.all());
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
        let stems: Vec<String> = terms(&collector, &rec.docs()[3])
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
                "  a b\n\n\tc \"q\" \\ \u{2}d",
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
    use std::sync::Mutex;

    /// Builds an index of `pages` (markdown files, in reading order) and returns the
    /// (document id, impact) postings of `stem`.
    fn postings(pages: &[&str], stem: &str) -> Vec<(u64, u64)> {
        let collector = Collector::new(&["en"], "Key Message");
        let records: Vec<Option<Docs>> = pages
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
            &Default::default(),
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
