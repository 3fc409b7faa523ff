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
        _ => None,
    }
}

/// `search/stem.js` for these languages' stemmers (those the client has), and the languages
/// it holds; None when it would hold none.
pub fn script(languages: &[&str]) -> Option<(String, Vec<&'static str>)> {
    let mut held = Vec::new();
    let mut out = String::from("TenetSearch.stemmers({");
    for language in languages {
        if let Some((tag, code)) = client_stemmer(language)
            && !held.contains(&tag)
        {
            if !held.is_empty() {
                out.push(',');
            }
            out.push_str(&format!("{}:", serde_json::Value::String(tag.into())));
            out.push_str(code.trim_end());
            held.push(tag);
        }
    }
    out.push_str("});\n");
    (!held.is_empty()).then_some((out, held))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_script_per_set_of_languages() {
        assert!(script(&["ar"]).is_none());
        let (js, held) = script(&["en-GB", "en", "fr", "ar"]).unwrap();
        assert_eq!(held, ["en", "fr"]);
        assert!(js.starts_with("TenetSearch.stemmers({\"en\":"));
        assert!(js.ends_with("});\n"));
    }
}
