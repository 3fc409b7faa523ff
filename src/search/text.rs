//! Text rules of the search index (docs/search.md, "Text rules"): fold, split into words, pair
//! CJK characters, and stem. The client applies the same folding and splitting to queries.

use rust_stemmers::{Algorithm, Stemmer};
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// Longest word kept, in characters.
const MAX_WORD: usize = 40;

/// Folds text for search: NFKD, marks removed, lowercase.
pub fn fold(text: &str) -> String {
    if text.is_ascii() {
        return text.to_ascii_lowercase();
    }
    let mut out = String::with_capacity(text.len());
    for c in text.nfkd() {
        if is_combining_mark(c) {
            continue;
        }
        if c.is_ascii() {
            out.push(c.to_ascii_lowercase());
        } else {
            out.extend(c.to_lowercase());
        }
    }
    out
}

/// Whether a character is written without spaces between words (Han and kana).
pub fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3040..=0x30FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x2FFFF)
}

/// Splits lowercased text into tokens, calling `emit` with each token and whether it is a word
/// that may be stemmed (CJK pairs and numbers are not). Marks count as word characters here, so
/// that a word is stemmed with its accents and folded afterwards.
pub fn tokens<'t>(folded: &'t str, mut emit: impl FnMut(&'t str, bool)) {
    let mut start: Option<usize> = None;
    let flush = |word: &'t str, emit: &mut dyn FnMut(&'t str, bool)| {
        if word.is_ascii() {
            return plain(word, emit);
        }
        // Within a word, CJK runs become pairs; the rest are words of their own.
        let mut plain_start: Option<usize> = None;
        let mut cjk: Vec<(usize, char)> = Vec::new();
        let finish_cjk = |cjk: &mut Vec<(usize, char)>, emit: &mut dyn FnMut(&'t str, bool)| {
            match cjk.len() {
                0 => {}
                1 => {
                    let (i, c) = cjk[0];
                    emit(&word[i..i + c.len_utf8()], false);
                }
                _ => {
                    for pair in cjk.windows(2) {
                        let (i, _) = pair[0];
                        let (j, d) = pair[1];
                        emit(&word[i..j + d.len_utf8()], false);
                    }
                }
            }
            cjk.clear();
        };
        for (i, c) in word.char_indices() {
            if is_cjk(c) {
                if let Some(s) = plain_start.take() {
                    plain(&word[s..i], emit);
                }
                cjk.push((i, c));
            } else {
                finish_cjk(&mut cjk, emit);
                if plain_start.is_none() {
                    plain_start = Some(i);
                }
            }
        }
        finish_cjk(&mut cjk, emit);
        if let Some(s) = plain_start {
            plain(&word[s..], emit);
        }
    };
    for (i, c) in folded.char_indices() {
        if is_word_char(c) {
            if start.is_none() {
                start = Some(i);
            }
        } else if let Some(s) = start.take() {
            flush(&folded[s..i], &mut emit);
        }
    }
    if let Some(s) = start {
        flush(&folded[s..], &mut emit);
    }
}

/// Whether a character belongs to a word: letters, digits, and marks (so that a word keeps
/// its accents until it is stemmed).
#[inline]
fn is_word_char(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphanumeric()
    } else {
        c.is_alphanumeric() || is_combining_mark(c)
    }
}

/// Splits text as written (not lowercased) into runs of word characters: the same boundaries
/// [`tokens`] finds in the lowercased text, found without a lowercased copy. Each run
/// lowercased and passed to [`tokens`] gives that run's tokens.
pub fn runs<'t>(text: &'t str, mut emit: impl FnMut(&'t str)) {
    /// Per byte: 1 for an ASCII letter or digit, 2 for the first byte of a non-ASCII
    /// character (decoded to decide), 0 otherwise (ASCII separators, continuation bytes).
    const CLASS: [u8; 256] = {
        let mut table = [0u8; 256];
        let mut b = 0;
        while b < 256 {
            table[b] = if (b as u8).is_ascii_alphanumeric() {
                1
            } else if b >= 0xC0 {
                2
            } else {
                0
            };
            b += 1;
        }
        table
    };
    let bytes = text.as_bytes();
    // Whether the (non-ASCII) character at `i` is a word character, and its width.
    let wide = |i: usize| -> (bool, usize) {
        let c = text[i..].chars().next().expect("a char starts here");
        (is_word_char(c), c.len_utf8())
    };
    let mut i = 0;
    let n = bytes.len();
    while i < n {
        // Skip to the next word character.
        match CLASS[bytes[i] as usize] {
            0 => {
                i += 1;
                continue;
            }
            2 => {
                let (word, width) = wide(i);
                if !word {
                    i += width;
                    continue;
                }
            }
            _ => {}
        }
        // Then to the end of the run.
        let start = i;
        loop {
            while i < n && CLASS[bytes[i] as usize] == 1 {
                i += 1;
            }
            if i < n && CLASS[bytes[i] as usize] == 2 {
                let (word, width) = wide(i);
                if word {
                    i += width;
                    continue;
                }
            }
            break;
        }
        emit(&text[start..i]);
    }
}

/// Shortest part of a compound word written apart, in characters (also a lower bound of its
/// length in bytes).
pub const MIN_PART: usize = 3;

/// Longest pair of runs joined into one word (`cease-fire` → `ceasefire`), in bytes.
pub const MAX_JOINED: usize = 48;

/// Whether what stands between two runs makes them one compound word as well as two: one
/// hyphen (`-`, U+2010 hyphen or U+2011 non-breaking hyphen).
pub fn joins(between: &str) -> bool {
    matches!(between, "-" | "\u{2010}" | "\u{2011}")
}

/// A run of non-CJK word characters: dropped when it is one letter or too long.
fn plain<'t>(word: &'t str, emit: &mut dyn FnMut(&'t str, bool)) {
    if word.is_ascii() {
        let b = word.as_bytes();
        if b.len() > MAX_WORD || (b.len() == 1 && !b[0].is_ascii_digit()) {
            return;
        }
        return emit(word, !b.iter().all(u8::is_ascii_digit));
    }
    let mut chars = word.chars();
    let first = chars.next();
    let count = 1 + chars.take(MAX_WORD).count();
    if count > MAX_WORD {
        return;
    }
    if count == 1 && !first.is_some_and(|c| c.is_numeric()) {
        return;
    }
    let stemmable = !word.chars().all(|c| c.is_numeric());
    emit(word, stemmable);
}

/// The folded form under which a token is indexed, or None when folding leaves a single
/// letter or nothing.
pub fn surface(token: &str) -> Option<String> {
    let folded = fold(token);
    let mut chars = folded.chars();
    match (chars.next(), chars.next()) {
        (None, _) => None,
        (Some(c), None) if !c.is_numeric() && !is_cjk(c) => None,
        _ => Some(folded),
    }
}

/// Splits `text` into the folded words the index holds (for tests; the client does the same
/// to queries).
pub fn tokenize(text: &str) -> Vec<String> {
    let lower = text.to_lowercase();
    let mut out = Vec::new();
    tokens(&lower, |t, _| out.extend(surface(t)));
    out
}

/// The stemmer for a language tag (`en`, `fr-CA`, ...), if rust-stemmers has one.
pub fn stemmer(language: &str) -> Option<Stemmer> {
    let primary = language
        .split(['-', '_'])
        .next()
        .unwrap_or("")
        .to_ascii_lowercase();
    let algorithm = match primary.as_str() {
        "ar" => Algorithm::Arabic,
        "da" => Algorithm::Danish,
        "nl" => Algorithm::Dutch,
        "en" => Algorithm::English,
        "fi" => Algorithm::Finnish,
        "fr" => Algorithm::French,
        "de" => Algorithm::German,
        "el" => Algorithm::Greek,
        "hu" => Algorithm::Hungarian,
        "it" => Algorithm::Italian,
        "no" | "nb" | "nn" => Algorithm::Norwegian,
        "pt" => Algorithm::Portuguese,
        "ro" => Algorithm::Romanian,
        "ru" => Algorithm::Russian,
        "es" => Algorithm::Spanish,
        "sv" => Algorithm::Swedish,
        "ta" => Algorithm::Tamil,
        "tr" => Algorithm::Turkish,
        _ => return None,
    };
    Some(Stemmer::create(algorithm))
}

/// Stems a lowercased word (with its accents, as Snowball expects) and folds the stem;
/// without a stemmer the stem is the folded word.
pub fn stem(stemmer: Option<&Stemmer>, word: &str) -> String {
    let stemmed = match stemmer {
        Some(s) => s.stem(word),
        None => std::borrow::Cow::Borrowed(word),
    };
    let folded = fold(&stemmed);
    if folded.is_empty() {
        fold(word)
    } else {
        folded
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stems(language: &str, text: &str) -> Vec<String> {
        let s = stemmer(language);
        let lower = text.to_lowercase();
        let mut out = Vec::new();
        tokens(&lower, |t, _| out.push(stem(s.as_ref(), t)));
        out
    }

    #[test]
    fn folding_removes_diacritics_and_case() {
        assert_eq!(fold("Légitimité"), "legitimite");
        assert_eq!(fold("ÉCOLE ﬁnale"), "ecole finale");
        assert_eq!(fold("Ñandú"), "nandu");
        assert_eq!(fold("ПРИНЦИПЫ"), "принципы");
        // Arabic short vowels (harakat) are marks.
        assert_eq!(fold("السَّلَام"), "السلام");
    }

    #[test]
    fn english_words_split_on_punctuation_and_drop_single_letters() {
        assert_eq!(
            tokenize("Non-use of force, except in self-defence (a UN rule) — 1.3"),
            [
                "non", "use", "of", "force", "except", "in", "self", "defence", "un", "rule", "1",
                "3"
            ]
        );
    }

    #[test]
    fn french_elisions_and_accents() {
        assert_eq!(
            tokenize("L'impartialité n'est pas la neutralité."),
            ["impartialite", "est", "pas", "la", "neutralite"]
        );
    }

    #[test]
    fn spanish_and_russian_words() {
        assert_eq!(
            tokenize("Consentimiento de las partes; ¿imparcialidad?"),
            ["consentimiento", "de", "las", "partes", "imparcialidad"]
        );
        assert_eq!(
            tokenize("Согласие сторон, беспристрастность."),
            ["согласие", "сторон", "беспристрастность"]
        );
    }

    #[test]
    fn arabic_words() {
        assert_eq!(
            tokenize("مبادئ حفظ السلام: الحياد."),
            // NFKD splits the hamza from its carrier, and the hamza is a mark.
            ["مبادي", "حفظ", "السلام", "الحياد"]
        );
    }

    #[test]
    fn runs_are_found_in_text_as_written() {
        let mut found = Vec::new();
        runs("Hello, wörld—ÉTÉ 维和 x; L'été… 3.5", |r| {
            found.push(r)
        });
        assert_eq!(
            found,
            ["Hello", "wörld", "ÉTÉ", "维和", "x", "L", "été", "3", "5"]
        );
        // Marks belong to the word they follow, also at its start.
        found.clear();
        runs("\u{301}a السَّلَام", |r| found.push(r));
        assert_eq!(found, ["\u{301}a", "السَّلَام"]);
    }

    #[test]
    fn chinese_runs_become_pairs() {
        assert_eq!(
            tokenize("维持和平行动的原则"),
            [
                "维持", "持和", "和平", "平行", "行动", "动的", "的原", "原则"
            ]
        );
        assert_eq!(tokenize("和"), ["和"]);
        // Mixed scripts: the Latin part is a word of its own.
        assert_eq!(tokenize("UN维和"), ["un", "维和"]);
    }

    #[test]
    fn stemming_follows_the_language() {
        assert_eq!(
            stems("en", "principles principle"),
            ["principl", "principl"]
        );
        assert_eq!(stems("en", "impartiality"), ["imparti"]);
        assert_eq!(stems("fr", "opérations opération"), ["oper", "oper"]);
        assert_eq!(stems("fr", "légitimité"), ["legitim"]);
        assert_eq!(stems("es", "operaciones operación"), ["oper", "oper"]);
        assert_eq!(stems("ru", "операции операция"), ["операц", "операц"]);
        let ar = stems("ar", "السلام");
        assert!(!ar[0].is_empty() && ar[0].chars().count() <= 5, "{ar:?}");
        // No stemmer for Chinese: pairs stay as they are.
        assert_eq!(stems("zh", "和平"), ["和平"]);
        assert!(stemmer("zh").is_none() && stemmer("en-GB").is_some());
    }
}
