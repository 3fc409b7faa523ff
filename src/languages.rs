//! Sites in several languages: one handbook and the local editions that translate it, built
//! into one site with a language switcher.
//!
//! The handbook being built lists its other languages in `[languages]`, each from a local
//! edition (`[languages.fr] edition = "translations/fr"`). The handbook's own language is
//! written at the root of the output folder, as always; each other language in a sub-folder
//! named by its tag (`fr/`), a complete site of its own (pages, handouts, print views, search).
//!
//! Before any language is parsed, the front matter of every language's pages says which
//! pages each language has and which of them it has translated (a [`Catalog`]); every page
//! then links to the same page in each other language. A page a language has left out links to
//! that language's home page instead, and a page it shows untranslated (a base page, in the
//! base's language) is marked as such, both in the switcher.

use std::collections::HashMap;

use serde::Serialize;

use crate::config::Layer;
use crate::layout;
use crate::page::{Kind, Peek};

/// The outputs of one language's site that other languages link to: output id (`a/b`,
/// `a/b/handout`, `lessons`, `search`) → whether it is in that language.
#[derive(Debug, Default, Clone)]
pub struct Catalog {
    outputs: HashMap<String, bool>,
}

impl Catalog {
    /// The catalog of a site from its pages' front matter (drafts take no part) and the
    /// handbook each page comes from; `language` is the site's.
    pub fn new(
        peeks: &[Peek],
        page_layers: &[usize],
        layers: &[Layer],
        language: &str,
        search: bool,
    ) -> Catalog {
        let mut outputs = HashMap::with_capacity(peeks.len() + 16);
        let mut kinds = Vec::new();
        for (peek, &layer) in peeks.iter().zip(page_layers).filter(|(p, _)| !p.draft) {
            let translated = layers
                .get(layer)
                .is_none_or(|l| l.language.eq_ignore_ascii_case(language));
            match peek.kind {
                Kind::Lesson => {
                    outputs.insert(format!("{}/handout", peek.id), translated);
                    outputs.insert(format!("{}/lesson-plan", peek.id), translated);
                }
                Kind::Module => {
                    outputs.insert(format!("print/{}", peek.id), translated);
                }
                _ => {}
            }
            if !kinds.contains(&peek.kind) {
                kinds.push(peek.kind);
            }
            outputs.insert(peek.id.clone(), translated);
        }
        // The generated pages: indexes of the kinds present, the print view, search.
        for kind in kinds {
            if let Some(index) = kind.index_id() {
                outputs.entry(index.to_string()).or_insert(true);
            }
        }
        outputs.entry(String::new()).or_insert(true);
        outputs.insert("print".into(), true);
        outputs.insert("contents".into(), true);
        if search {
            outputs.insert("search".into(), true);
        }
        Catalog { outputs }
    }

    /// Whether the site has the output `id`, and if so whether it is in the site's language.
    pub fn get(&self, id: &str) -> Option<bool> {
        self.outputs.get(id).copied()
    }
}

/// Whether the output `id` falls in the folder `tag/` of the site's root, where the sub-site
/// of that language goes.
pub fn in_folder(id: &str, tag: &str) -> bool {
    id.get(..tag.len())
        .is_some_and(|head| head.eq_ignore_ascii_case(tag))
        && matches!(id.as_bytes().get(tag.len()), None | Some(b'/'))
}

/// One language of a site in several.
#[derive(Debug, Clone)]
pub struct Language {
    pub tag: String,
    /// The language's name in the switcher (its own name for itself).
    pub name: String,
    /// The sub-folder of the output holding it: `` for the handbook's own language, else
    /// `<tag>/`.
    pub prefix: String,
    pub catalog: Catalog,
}

/// Every language of a site, and which one is being rendered: what the language switcher of
/// each page shows.
#[derive(Debug, Clone)]
pub struct Switcher<'a> {
    pub languages: &'a [Language],
    pub current: usize,
}

/// One entry of a page's language switcher.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct LanguageLink {
    pub tag: String,
    pub name: String,
    pub dir: &'static str,
    /// Relative to the page: the same page in that language, or that language's home page.
    pub href: String,
    /// The language of the page being shown.
    pub current: bool,
    /// The page is in that language's site but not translated (shown in its base language).
    pub untranslated: bool,
    /// That language's site has no such page; `href` is its home page.
    pub missing: bool,
}

impl Switcher<'_> {
    /// A hash of everything the switcher shows on any page: the languages, which one is
    /// current, and what each has.
    pub fn fingerprint(&self) -> u64 {
        use std::hash::{Hash, Hasher};
        let mut h = rustc_hash::FxHasher::default();
        self.current.hash(&mut h);
        for language in self.languages {
            (&language.tag, &language.name, &language.prefix).hash(&mut h);
            let mut outputs: Vec<(&String, &bool)> = language.catalog.outputs.iter().collect();
            outputs.sort_unstable();
            outputs.hash(&mut h);
        }
        h.finish()
    }

    /// The switcher of the output `id` (`a/b`, `a/b/handout`, `search`; `` for the home
    /// page) of the current language.
    pub fn links(&self, id: &str) -> Vec<LanguageLink> {
        let here = &self.languages[self.current];
        // From the page to the root of the whole output.
        let mut up = layout::root_of(id);
        up.push_str(&"../".repeat(here.prefix.matches('/').count()));
        self.languages
            .iter()
            .enumerate()
            .map(|(i, language)| {
                let found = language.catalog.get(id);
                let target = if found.is_some() { id } else { "" };
                LanguageLink {
                    tag: language.tag.clone(),
                    name: language.name.clone(),
                    dir: crate::strings::direction(&language.tag),
                    href: format!(
                        "{up}{}{}",
                        language.prefix,
                        layout::encode_path(&layout::output_path(target))
                    ),
                    current: i == self.current,
                    untranslated: found == Some(false),
                    missing: found.is_none(),
                }
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn peek(id: &str, kind: Kind) -> Peek {
        Peek {
            id: id.into(),
            title: None,
            kind,
            draft: false,
            base_hash: None,
        }
    }

    fn layer(language: &str) -> Layer {
        Layer {
            root: PathBuf::new(),
            language: language.into(),
            shown: PathBuf::new(),
            exclude: Vec::new(),
            on_excluded_reference: Default::default(),
        }
    }

    fn languages() -> Vec<Language> {
        let en = Catalog::new(
            &[
                peek("", Kind::Page),
                peek("lessons/m1", Kind::Module),
                peek("lessons/m1/1.3", Kind::Lesson),
                peek("lessons/m1/1.4", Kind::Lesson),
                peek("principles/consent", Kind::Principle),
            ],
            &[0; 5],
            &[layer("en")],
            "en",
            true,
        );
        // French: the home page and consent translated, 1.3 shown in English, 1.4 left out,
        // and a draft that takes no part.
        let mut draft = peek("local/contacts", Kind::Page);
        draft.draft = true;
        let fr = Catalog::new(
            &[
                peek("", Kind::Page),
                peek("lessons/m1", Kind::Module),
                peek("lessons/m1/1.3", Kind::Lesson),
                peek("principles/consent", Kind::Principle),
                draft,
            ],
            &[1, 0, 0, 1, 1],
            &[layer("en"), layer("fr")],
            "fr",
            true,
        );
        [("en", "English", "", en), ("fr", "Français", "fr/", fr)]
            .into_iter()
            .map(|(tag, name, prefix, catalog)| Language {
                tag: tag.into(),
                name: name.into(),
                prefix: prefix.into(),
                catalog,
            })
            .collect()
    }

    #[test]
    fn the_catalog_holds_pages_and_what_is_made_of_them() {
        let all = languages();
        let fr = &all[1].catalog;
        assert_eq!(fr.get("principles/consent"), Some(true));
        assert_eq!(fr.get("lessons/m1/1.3"), Some(false));
        assert_eq!(fr.get("lessons/m1/1.3/handout"), Some(false));
        assert_eq!(fr.get("print/lessons/m1"), Some(false));
        assert_eq!(fr.get("principles"), Some(true));
        assert_eq!(fr.get("lessons/m1/1.4"), None);
        assert_eq!(fr.get("local/contacts"), None, "a draft is not a page");
        assert_eq!(fr.get("search"), Some(true));
        assert_eq!(fr.get("glossary"), None, "no term, no glossary");
        assert!(in_folder("fr", "fr") && in_folder("fr/a", "fr") && in_folder("FR/a", "fr"));
        assert!(!in_folder("french/a", "fr") && !in_folder("f", "fr"));
    }

    #[test]
    fn links_lead_to_the_same_page_in_each_language() {
        let all = languages();
        let en = Switcher {
            languages: &all,
            current: 0,
        };
        let links = en.links("lessons/m1/1.3");
        assert_eq!(links.len(), 2);
        assert!(links[0].current && !links[1].current);
        assert_eq!(links[0].href, "../../../lessons/m1/1.3/index.html");
        assert_eq!(links[1].href, "../../../fr/lessons/m1/1.3/index.html");
        assert!(links[1].untranslated && !links[1].missing);
        // Left out of the French site: its home page, marked.
        let links = en.links("lessons/m1/1.4/handout");
        assert_eq!(links[1].href, "../../../../fr/index.html");
        assert!(links[1].missing);
        // From the French site back to the root.
        let fr = Switcher {
            languages: &all,
            current: 1,
        };
        let links = fr.links("principles/consent");
        assert_eq!(links[0].href, "../../../principles/consent/index.html");
        assert_eq!(links[1].href, "../../../fr/principles/consent/index.html");
        assert!(!links[1].untranslated && links[1].current);
        let links = fr.links("");
        assert_eq!(links[0].href, "../index.html");
        assert_eq!(links[1].dir, "ltr");
    }
}
