//! Index shards: the vocabulary and postings split by word prefix, so that a query loads only the
//! shards of its words (docs/search.md, `search/i/<n>.js`).

use rayon::prelude::*;

use super::collect::Vocabulary;
use super::encode::{Varint, deflate};

/// Largest shard worth splitting further, in bytes before compression.
const LIMIT: usize = 48 * 1024;
/// Smallest group of words that gets a shard of its own rather than joining its parent's.
const MIN_OWN: usize = LIMIT / 8;
/// Prefixes longer than this are not split further.
const MAX_DEPTH: usize = 12;

#[derive(Clone, Copy)]
enum What {
    Stem(u32),
    Word(u32),
}

struct Item<'a> {
    key: &'a str,
    size: usize,
    what: What,
}

/// Splits the index into shards, encodes and raw-deflates each, and hands shard `n` (in key
/// order) to `write`; returns the keys.
/// `in_use` leaves out the words no page has any more (None: every word is used); `splits`
/// gives the compounds the text also writes apart, and where (in characters).
pub(super) fn build(
    vocabulary: &Vocabulary,
    in_use: Option<&[bool]>,
    splits: &rustc_hash::FxHashMap<u32, u32>,
    df: &[u32],
    postings: &[Vec<u8>],
    write: &(dyn Fn(usize, &[u8]) + Sync),
) -> Vec<String> {
    let Vocabulary {
        words,
        word_stem,
        stems,
        ..
    } = vocabulary;
    let mut items: Vec<Item<'_>> = Vec::with_capacity(words.len() + stems.len());
    for (i, stem) in stems.iter().enumerate() {
        if df[i] > 0 {
            items.push(Item {
                key: stem,
                size: stem.len() + postings[i].len() + 8,
                what: What::Stem(i as u32),
            });
        }
    }
    for (i, word) in words.iter().enumerate() {
        if in_use.is_some_and(|u| !u[i]) {
            continue;
        }
        items.push(Item {
            key: word,
            size: word.len() + 3,
            what: What::Word(i as u32),
        });
    }
    items.sort_by(|a, b| a.key.cmp(b.key));
    let mut buckets: Vec<(String, Vec<usize>)> = Vec::new();
    split(&items, 0..items.len(), 0, "", &mut buckets);
    buckets.sort_by(|a, b| a.0.cmp(&b.0));

    buckets
        .par_iter()
        .enumerate()
        .for_each(|(n, (_, members))| {
            let mut shard_stems: Vec<u32> = Vec::new();
            let mut shard_words: Vec<u32> = Vec::new();
            for &m in members {
                match items[m].what {
                    What::Stem(s) => shard_stems.push(s),
                    What::Word(w) => shard_words.push(w),
                }
            }
            let bytes = encode(
                &shard_stems,
                &shard_words,
                splits,
                words,
                word_stem,
                stems,
                df,
                postings,
            );
            write(n, &deflate(&bytes));
        });
    buckets.into_iter().map(|(key, _)| key).collect()
}

/// Assigns `items[range]` (all starting with `prefix`, of `depth` characters) to shards.
fn split(
    items: &[Item<'_>],
    range: std::ops::Range<usize>,
    depth: usize,
    prefix: &str,
    buckets: &mut Vec<(String, Vec<usize>)>,
) {
    let total: usize = items[range.clone()].iter().map(|i| i.size).sum();
    if total <= LIMIT || depth >= MAX_DEPTH {
        if !range.is_empty() {
            buckets.push((prefix.to_string(), range.collect()));
        }
        return;
    }
    let mut own: Vec<usize> = Vec::new();
    let mut i = range.start;
    while i < range.end {
        let Some(c) = items[i].key[prefix.len()..].chars().next() else {
            // The word is the prefix itself.
            own.push(i);
            i += 1;
            continue;
        };
        let mut j = i;
        let mut size = 0;
        while j < range.end && items[j].key[prefix.len()..].starts_with(c) {
            size += items[j].size;
            j += 1;
        }
        if size >= MIN_OWN {
            let child = format!("{prefix}{c}");
            split(items, i..j, depth + 1, &child, buckets);
        } else {
            own.extend(i..j);
        }
        i = j;
    }
    if !own.is_empty() {
        buckets.push((prefix.to_string(), own));
    }
}

/// The shard that holds `word`: the longest key that is a prefix of it (the client's rule;
/// the tests check the split against it).
#[cfg(test)]
fn shard_of<'k>(keys: &[&'k str], word: &str) -> Option<&'k str> {
    let mut end = word.len();
    loop {
        let candidate = &word[..end];
        if let Ok(i) = keys.binary_search(&candidate) {
            return Some(keys[i]);
        }
        if end == 0 {
            return None;
        }
        end = word[..end]
            .char_indices()
            .next_back()
            .map(|(i, _)| i)
            .unwrap_or(0);
    }
}

#[allow(clippy::too_many_arguments)]
fn encode(
    shard_stems: &[u32],
    shard_words: &[u32],
    splits: &rustc_hash::FxHashMap<u32, u32>,
    words: &[String],
    word_stem: &[u32],
    stems: &[String],
    df: &[u32],
    postings: &[Vec<u8>],
) -> Vec<u8> {
    let mut out = Vec::new();
    let mut sorted_stems = shard_stems.to_vec();
    sorted_stems.sort_by(|&a, &b| stems[a as usize].cmp(&stems[b as usize]));
    out.put_varint(sorted_stems.len() as u64);
    for &s in &sorted_stems {
        let s = s as usize;
        out.put_str(&stems[s]);
        out.put_varint(u64::from(df[s]));
        out.put_varint(u64::from(df[s]));
        out.put_varint(postings[s].len() as u64);
        out.extend_from_slice(&postings[s]);
    }
    // A word written the same in two languages is listed once per stem (the client takes
    // every stem of a word), in an order that does not depend on the word ids.
    let mut sorted_words = shard_words.to_vec();
    let stem_of = |w: u32| &stems[word_stem[w as usize] as usize];
    sorted_words.sort_by(|&a, &b| {
        words[a as usize]
            .cmp(&words[b as usize])
            .then_with(|| stem_of(a).cmp(stem_of(b)))
    });
    sorted_words
        .dedup_by(|a, b| words[*a as usize] == words[*b as usize] && stem_of(*a) == stem_of(*b));
    let local_index: rustc_hash::FxHashMap<u32, usize> = sorted_stems
        .iter()
        .enumerate()
        .map(|(i, &s)| (s, i))
        .collect();
    let mut foreign: Vec<u32> = Vec::new();
    out.put_varint(sorted_words.len() as u64);
    for &w in &sorted_words {
        let stem = word_stem[w as usize];
        out.put_str(&words[w as usize]);
        let local = local_index.get(&stem).copied();
        let reference = match local {
            Some(i) => 2 * i as u64,
            None => {
                let j = match foreign.iter().position(|&f| f == stem) {
                    Some(j) => j,
                    None => {
                        foreign.push(stem);
                        foreign.len() - 1
                    }
                };
                2 * j as u64 + 1
            }
        };
        out.put_varint(reference);
    }
    out.put_varint(foreign.len() as u64);
    for &f in &foreign {
        out.put_str(&stems[f as usize]);
    }
    // The compounds among the words that the text also writes apart: (index in the list of
    // words, where it splits in characters); a word listed twice is split at its first.
    let split: Vec<(usize, u32)> = sorted_words
        .iter()
        .enumerate()
        .filter_map(|(i, w)| splits.get(w).map(|&cut| (i, cut)))
        .collect();
    if !split.is_empty() {
        out.put_varint(split.len() as u64);
        for (i, cut) in split {
            out.put_varint(i as u64);
            out.put_varint(u64::from(cut));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::encode::Reader;

    #[test]
    fn the_shard_of_a_word_is_its_longest_key_prefix() {
        let keys = ["", "c", "co", "con", "p"];
        assert_eq!(shard_of(&keys, "consent"), Some("con"));
        assert_eq!(shard_of(&keys, "credibility"), Some("c"));
        assert_eq!(shard_of(&keys, "impartiality"), Some(""));
        assert_eq!(shard_of(&keys, "co"), Some("co"));
        assert_eq!(shard_of(&["a", "é"], "éthique"), Some("é"));
        assert_eq!(shard_of(&["a"], "b"), None);
    }

    #[test]
    fn large_groups_split_and_every_item_lands_once() {
        // 400 stems starting with "co" with big postings force a split below "co".
        let mut stems: Vec<String> = (0..400)
            .map(|i| format!("co{}x{i}", (b'a' + (i % 20) as u8) as char))
            .collect();
        stems.push("zebra".into());
        let words = stems.clone();
        let word_stem: Vec<u32> = (0..words.len() as u32).collect();
        let df = vec![3; stems.len()];
        let postings = vec![vec![0x11u8; 900]; stems.len()];
        let files = std::sync::Mutex::new(Vec::new());
        let vocabulary = Vocabulary {
            words: words.clone(),
            word_stem,
            stems,
            ..Vocabulary::default()
        };
        let keys = build(
            &vocabulary,
            None,
            &Default::default(),
            &df,
            &postings,
            &|n, bytes| files.lock().unwrap().push((n, bytes.to_vec())),
        );
        let mut files = files.into_inner().unwrap();
        files.sort();
        let shards: Vec<(String, Vec<u8>)> = files
            .into_iter()
            .map(|(n, b)| (keys[n].clone(), b))
            .collect();
        let keys: Vec<&str> = keys.iter().map(String::as_str).collect();
        assert!(keys.len() > 3, "{keys:?}");
        assert!(
            keys.iter().any(|k| k.starts_with("co") && k.len() > 2),
            "{keys:?}"
        );
        // Decode every shard and check each word is in the shard its key rule names.
        let mut seen = 0;
        for (key, packed) in &shards {
            let raw = super::super::encode::inflate(packed);
            let mut r = Reader::new(&raw);
            let n_stems = r.varint().unwrap();
            for _ in 0..n_stems {
                let stem = r.str().unwrap().to_string();
                assert_eq!(shard_of(&keys, &stem), Some(key.as_str()));
                let (df, count, len) = (
                    r.varint().unwrap(),
                    r.varint().unwrap(),
                    r.varint().unwrap(),
                );
                assert_eq!((df, count, len), (3, 3, 900));
                for _ in 0..len {
                    r.varint();
                }
            }
            let n_words = r.varint().unwrap();
            for _ in 0..n_words {
                let word = r.str().unwrap();
                assert_eq!(shard_of(&keys, word), Some(key.as_str()));
                assert_eq!(
                    r.varint().unwrap() % 2,
                    0,
                    "each word's stem is itself, here"
                );
                seen += 1;
            }
        }
        assert_eq!(seen, words.len());
    }
}
