//! Building the index from the pages' records: search order, postings with BM25F impacts,
//! shards by word prefix, and `meta.js`.

use super::encode::{self, Varint};
use super::store::script;
use super::*;

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
/// search order, and each page's documents with the generated text of their references.
/// `hashes` are the pages' [`PageRecord::hash`]es, by site page; `links` their documents'
/// link texts, by site page.
pub fn version<L: std::hash::Hash>(plan: &Plan, hashes: &[u64], links: &[L]) -> String {
    use std::hash::{Hash, Hasher};
    let mut h = rustc_hash::FxHasher::default();
    env!("CARGO_PKG_VERSION").hash(&mut h);
    for &p in &plan.order {
        (p, hashes[p], links.get(p)).hash(&mut h);
    }
    let h = h.finish();
    format!("{:08x}", (h >> 32) as u32 ^ h as u32)
}

/// Where the file of the page numbered `sp` in search order goes.
pub struct Labels {
    pub kinds: Vec<(String, String, String)>,
    pub strings: Vec<(&'static str, String)>,
}

/// Builds the shards and `meta.js` and hands each file to `write` (from several threads).
/// `records` are the pages' documents (without their text, encoded, maybe spilled), indexed by
/// site page; each is read twice (for the average lengths, then for the postings), one at a
/// time, and dropped once its postings are made.
/// `in_use` says which words of the vocabulary are still in the handbook (None: all); `pairs`
/// the pairs of words the text has side by side ([`Collector::pairs`]).
#[allow(clippy::too_many_arguments)]
pub fn build(
    collector: &Collector,
    plan: &Plan,
    mut records: Vec<Option<super::Docs>>,
    in_use: Option<&[bool]>,
    pairs: &rustc_hash::FxHashSet<u64>,
    version: &str,
    language: &str,
    labels: &Labels,
    write: &(dyn Fn(&str, &[u8]) + Sync),
) {
    let vocabulary = collector.vocabulary.lock().expect("vocabulary lock");

    // BM25 needs the average document length, and the average title length over the
    // documents whose title is indexed.
    let (mut docs, mut total_len, mut titled, mut title_tokens) = (0u64, 0u64, 0u64, 0u64);
    for record in records.iter().flatten() {
        for d in record.read() {
            docs += 1;
            total_len += u64::from(d.len);
            if u32::from(d.local) < KEY_MESSAGE_BASE && d.title_len > 0 {
                titled += 1;
                title_tokens += u64::from(d.title_len);
            }
        }
    }
    let avgdl = if docs == 0 {
        1.0
    } else {
        total_len as f64 / docs as f64
    };
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
        for doc in &record.read() {
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
    stop.dedup();

    let splits = splits(&vocabulary, in_use, pairs);
    let keys = shards::build(&vocabulary, in_use, &splits, &df, &postings, &|n, bytes| {
        let path = format!("i/{n}");
        write(&format!("search/{path}.js"), &script(&path, bytes, None));
    });

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
    // The languages the client can stem query words in (`search/stem.js`): those of the pages.
    let languages: Vec<&str> = collector.languages().collect();
    let stemmers: Vec<&str> = super::stem::stemmers(&languages)
        .iter()
        .map(|(tag, _)| *tag)
        .collect();
    let meta = serde_json::json!({
        "version": version,
        "language": language,
        "stemmers": stemmers,
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

/// The compounds the text also writes apart: each word that is two words of the handbook
/// joined (`ceasefire`), where the text somewhere has those two side by side (`cease fire`),
/// with where it splits (in characters). A query for the word then also finds the documents
/// that have both parts.
fn splits(
    vocabulary: &super::collect::Vocabulary,
    in_use: Option<&[bool]>,
    pairs: &rustc_hash::FxHashSet<u64>,
) -> rustc_hash::FxHashMap<u32, u32> {
    let mut found = rustc_hash::FxHashMap::default();
    if pairs.is_empty() {
        return found;
    }
    for (w, word) in vocabulary.words.iter().enumerate() {
        if in_use.is_some_and(|u| !u[w]) {
            continue;
        }
        let cuts: Vec<usize> = word.char_indices().map(|(i, _)| i).collect();
        if cuts.len() < 2 * text::MIN_PART {
            continue;
        }
        'cuts: for (n, &cut) in cuts.iter().enumerate().skip(text::MIN_PART) {
            if cuts.len() - n < text::MIN_PART {
                break;
            }
            let (a, b) = word.split_at(cut);
            for ids in &vocabulary.word_ids {
                if let (Some(&x), Some(&y)) = (ids.get(a), ids.get(b))
                    && pairs.contains(&super::collect::pair(x, y))
                {
                    found.insert(w as u32, n as u32);
                    break 'cuts;
                }
            }
        }
    }
    found
}
