//! The fixed words of the theme ("Key Message", "Trainer tip", "Aim", ...), by language.
//!
//! Templates read them as `t.key_message` etc.; block labels and reference texts use them too,
//! so a handbook in another language gets its chrome in that language. English is complete and
//! is the fallback for any key a language lacks.

use std::collections::BTreeMap;

/// The built-in tables: primary language subtag → TOML text. English is complete; the test
/// below keeps every other table to exactly its keys.
const BUILT_IN: &[(&str, &str)] = &[
    ("en", include_str!("strings/en.toml")),
    ("fr", include_str!("strings/fr.toml")),
    ("es", include_str!("strings/es.toml")),
    ("ar", include_str!("strings/ar.toml")),
    ("ru", include_str!("strings/ru.toml")),
    ("zh", include_str!("strings/zh.toml")),
];

/// The fixed words for one language.
#[derive(Debug, Clone, serde::Serialize)]
#[serde(transparent)]
pub struct Strings(BTreeMap<String, String>);

fn table(text: &str) -> BTreeMap<String, String> {
    toml::from_str(text).expect("built-in strings tables are valid TOML")
}

/// The primary subtag of a BCP 47 tag, lowercased (`fr-CA` → `fr`).
pub fn primary_language(tag: &str) -> String {
    tag.split(['-', '_'])
        .next()
        .unwrap_or("")
        .to_ascii_lowercase()
}

/// How a language names itself in a language switcher: `language_name` of `[strings]`, or of
/// its built-in table, or else its tag.
pub fn language_name(language: &str, overrides: &BTreeMap<String, String>) -> String {
    if let Some(name) = overrides.get("language_name") {
        return name.clone();
    }
    if is_built_in(language) {
        return Strings::for_language(language, overrides)
            .get("language_name")
            .to_string();
    }
    language.to_string()
}

/// The text direction of a language: `rtl` for right-to-left scripts, else `ltr`.
pub fn direction(language: &str) -> &'static str {
    match primary_language(language).as_str() {
        "ar" | "he" | "fa" | "ur" | "yi" | "ps" | "sd" | "ug" | "dv" | "ckb" => "rtl",
        _ => "ltr",
    }
}

/// Every key of the table, in file order (English's keys), for checking `[strings]`.
pub fn keys() -> Vec<&'static str> {
    BUILT_IN[0]
        .1
        .lines()
        .filter_map(|line| line.split_once(" = ").map(|(k, _)| k))
        .filter(|k| !k.starts_with('#'))
        .collect()
}

/// Whether the language has a built-in table (else its fixed words are English until
/// `[strings]` gives them).
pub fn is_built_in(language: &str) -> bool {
    let primary = primary_language(language);
    BUILT_IN.iter().any(|(l, _)| *l == primary)
}

impl Strings {
    /// The words for a BCP 47 language tag: the built-in table of its primary subtag (falling
    /// back to English key by key), then the handbook's own `[strings]` over it.
    pub fn for_language(language: &str, overrides: &BTreeMap<String, String>) -> Strings {
        let mut words = table(BUILT_IN[0].1);
        let primary = primary_language(language);
        if let Some((_, text)) = BUILT_IN.iter().skip(1).find(|(l, _)| *l == primary) {
            words.extend(table(text));
        }
        words.extend(overrides.iter().map(|(k, v)| (k.clone(), v.clone())));
        Strings(words)
    }

    /// A word with `{n}` in it, filled in (`"{n} minutes"` → `"45 minutes"`).
    pub fn count(&self, key: &str, n: impl std::fmt::Display) -> String {
        self.get(key).replace("{n}", &n.to_string())
    }

    pub fn get<'a>(&'a self, key: &'a str) -> &'a str {
        self.0.get(key).map(String::as_str).unwrap_or(key)
    }

    /// The label of a page kind ("Lesson").
    pub fn kind(&self, kind: crate::model::Kind) -> &str {
        self.get(match kind {
            crate::model::Kind::Page => "kind_page",
            crate::model::Kind::Principle => "kind_principle",
            crate::model::Kind::Module => "kind_module",
            crate::model::Kind::Lesson => "kind_lesson",
            crate::model::Kind::CaseStudy => "kind_case_study",
            crate::model::Kind::Chapter => "kind_chapter",
            crate::model::Kind::Term => "kind_term",
        })
    }

    /// The plural heading of a group of pages of one kind ("Lessons").
    pub fn kind_plural(&self, kind: crate::model::Kind) -> &str {
        self.get(match kind {
            crate::model::Kind::Page => "pages",
            crate::model::Kind::Principle => "principles",
            crate::model::Kind::Module => "modules",
            crate::model::Kind::Lesson => "lessons",
            crate::model::Kind::CaseStudy => "case_studies",
            crate::model::Kind::Chapter => "chapters",
            crate::model::Kind::Term => "glossary",
        })
    }

    /// The label of a block kind ("Key Message").
    pub fn block(&self, kind: crate::model::BlockKind) -> &str {
        use crate::model::BlockKind::*;
        self.get(match kind {
            KeyMessage => "key_message",
            TrainerTip => "trainer_tip",
            Activity => "activity",
            Slide => "slide",
            Example => "example",
            Note => "note",
            Warning => "warning",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_language_has_exactly_the_english_keys() {
        let english: Vec<String> = table(BUILT_IN[0].1).into_keys().collect();
        assert_eq!(english.len(), keys().len(), "keys() reads every line");
        for (language, text) in BUILT_IN {
            let words = table(text);
            let keys: Vec<String> = words.keys().cloned().collect();
            assert_eq!(keys, english, "{language}.toml");
            for (key, word) in &words {
                assert!(!word.trim().is_empty(), "{language}.toml: {key} is empty");
                let en = &table(BUILT_IN[0].1)[key];
                assert_eq!(
                    word.contains("{n}"),
                    en.contains("{n}"),
                    "{language}.toml: {key} must keep {{n}} as English does"
                );
            }
        }
    }

    #[test]
    fn languages_are_chosen_by_primary_subtag_and_overrides_win() {
        let none = BTreeMap::new();
        assert_eq!(
            Strings::for_language("fr-CA", &none).get("summary_of_key_messages"),
            "Résumé des messages clés"
        );
        assert_eq!(Strings::for_language("ar", &none).get("aim"), "الهدف");
        // A language without a table reads English.
        assert_eq!(Strings::for_language("sw", &none).get("aim"), "Aim");
        let mut own = BTreeMap::new();
        own.insert("aim".to_string(), "Purpose".to_string());
        let s = Strings::for_language("en", &own);
        assert_eq!(s.get("aim"), "Purpose");
        assert_eq!(s.count("minutes", 45), "45 minutes");
    }

    #[test]
    fn the_translation_guide_lists_every_key() {
        let guide =
            std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/translations.md"))
                .unwrap();
        for key in keys() {
            assert!(
                guide.contains(&format!("| `{key}` |")),
                "docs/translations.md does not list `{key}`"
            );
        }
    }
}
