//! `[languages]`: the editions that translate the handbook, checked.

use super::schema::RawLanguage;
use super::*;

/// Resolves and checks `[languages]` of the handbook being built (in `own` language, its
/// folder, that folder as shown, its book.toml as shown): tags that can name a folder, an
/// edition for every other language, and a book.toml in each edition's folder. Entries with
/// problems are left out (the problems are errors).
pub(super) fn check_languages(
    raw: BTreeMap<String, RawLanguage>,
    own: &str,
    (root, display_root, shown): (&Path, &Path, &Path),
    positions: &BTreeMap<String, Pos>,
    problems: &mut Vec<Diagnostic>,
) -> Vec<LanguageConfig> {
    let mut languages: Vec<LanguageConfig> = Vec::new();
    for (tag, language) in raw {
        let pos = positions.get(&tag).copied();
        let error = |code: &'static str, message: String, help: &str| {
            let d = Diagnostic::error(shown, message).help(help).code(code);
            match pos {
                Some(pos) => d.at(pos),
                None => d,
            }
        };
        if !is_language_tag(&tag) {
            problems.push(error(
                "bad-config",
                format!("`[languages.{tag}]`: `{tag}` is not a language tag"),
                "name each language by its BCP 47 tag, such as `fr`, `es-419` or `zh-Hans`; it names the sub-folder of the site",
            ));
            continue;
        }
        if languages.iter().any(|l| l.tag.eq_ignore_ascii_case(&tag)) {
            problems.push(error(
                "bad-config",
                format!("`[languages.{tag}]` names a language already listed in another case"),
                "list each language once; its tag names a folder of the site",
            ));
            continue;
        }
        if tag.eq_ignore_ascii_case(own) {
            if language.edition.is_some() {
                problems.push(error(
                    "bad-config",
                    format!("`[languages.{tag}]` is this handbook's own language: it has no edition"),
                    "remove `edition` from this table (keep `name` to name the language in the switcher), or change `[book] language`",
                ));
                continue;
            }
            languages.push(LanguageConfig {
                tag,
                name: language.name,
                edition: None,
                pos,
            });
            continue;
        }
        let Some(written) = language.edition else {
            problems.push(error(
                "bad-config",
                format!("`[languages.{tag}]` names no `edition`"),
                "give the folder of the local edition that translates this handbook: `edition = \"translations/fr\"` (make one with `tenet edition new`)",
            ));
            continue;
        };
        let path = Path::new(&written);
        let folder = root.join(path);
        let folder_shown = display_path(display_root, path);
        if !folder.join("book.toml").is_file() {
            problems.push(error(
                "missing-handbook",
                format!(
                    "`[languages.{tag}]`: the edition `{}` was not found: there is no {}",
                    path.display(),
                    folder_shown.join("book.toml").display()
                ),
                "`edition` is the folder of a local edition (holding its book.toml), relative to this book.toml",
            ));
            continue;
        }
        languages.push(LanguageConfig {
            tag,
            name: language.name,
            edition: Some(LanguageEdition {
                root: folder,
                shown: folder_shown,
                written,
            }),
            pos,
        });
    }
    languages
}

/// Whether `tag` looks like a BCP 47 language tag (`fr`, `es-419`, `zh-Hans-CN`): letters and
/// digits in parts of 1–8, the first part 2–8 letters. Such a tag is also a safe folder name.
pub fn is_language_tag(tag: &str) -> bool {
    let mut parts = tag.split('-');
    let first = parts.next().unwrap_or_default();
    (2..=8).contains(&first.len())
        && first.chars().all(|c| c.is_ascii_alphabetic())
        && parts.all(|p| (1..=8).contains(&p.len()) && p.chars().all(|c| c.is_ascii_alphanumeric()))
}
