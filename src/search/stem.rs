//! The stemmers the search client runs on query words, so that a form of a word the handbook
//! never uses still finds its stem: for a language the indexer stems in, the same algorithm as
//! rust-stemmers, written in JavaScript (`stem/<language>.js`, a function expression; tests
//! compare the two on large word lists). `search/stem.js` hands them to the client.

/// The client's stemmer for a language (a BCP 47 tag), as a JavaScript function expression.
pub fn client_stemmer(language: &str) -> Option<(&'static str, &'static str)> {
    let primary = language.split(['-', '_']).next().unwrap_or("");
    match primary.to_ascii_lowercase().as_str() {
        "en" => Some(("en", include_str!("stem/en.js"))),
        "fr" => Some(("fr", include_str!("stem/fr.js"))),
        "es" => Some(("es", include_str!("stem/es.js"))),
        "ru" => Some(("ru", include_str!("stem/ru.js"))),
        "ar" => Some(("ar", include_str!("stem/ar.js"))),
        _ => None,
    }
}

/// The client's stemmers for these languages (those it has), once each: (tag, code).
pub fn stemmers(languages: &[&str]) -> Vec<(&'static str, &'static str)> {
    let mut held: Vec<(&str, &str)> = Vec::new();
    for (tag, code) in languages.iter().filter_map(|l| client_stemmer(l)) {
        if !held.iter().any(|(t, _)| *t == tag) {
            held.push((tag, code));
        }
    }
    held
}

/// `search/stem.js`, holding these stemmers.
pub fn script(stemmers: &[(&str, &str)]) -> String {
    let entries: Vec<String> = stemmers
        .iter()
        .map(|(tag, code)| format!("\"{tag}\":{}", code.trim_end()))
        .collect();
    format!("TenetSearch.stemmers({{{}}});\n", entries.join(","))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_script_per_set_of_languages() {
        assert!(stemmers(&["de"]).is_empty());
        let held = stemmers(&["en-GB", "en", "fr", "de", "ar-EG", "ar"]);
        let tags: Vec<&str> = held.iter().map(|(t, _)| *t).collect();
        assert_eq!(tags, ["en", "fr", "ar"]);
        let js = script(&held);
        assert!(js.starts_with("TenetSearch.stemmers({\"en\":"));
        assert!(js.ends_with("});\n"));
    }
}
