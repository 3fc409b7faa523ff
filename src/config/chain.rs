//! An edition's chain of bases: each book.toml loaded after its base's, and laid over it.

use super::schema::Parsed;
use super::*;

/// Loads the book.toml in `root` and, first, its bases: bottom base first.
pub(super) fn load_chain(
    root: &Path,
    shown_root: &Path,
    seen: &mut Vec<(PathBuf, PathBuf)>,
    problems: &mut Vec<Diagnostic>,
) -> Option<Vec<(Layer, Parsed)>> {
    let shown = display_path(shown_root, Path::new("book.toml"));
    let bytes = match std::fs::read(root.join("book.toml")) {
        Ok(bytes) => bytes,
        Err(err) => {
            problems.push(
                Diagnostic::error(&shown, format!("cannot read book.toml: {err}"))
                    .help("a handbook folder needs a book.toml with at least `[book]` and `title`")
                    .code(match err.kind() {
                        std::io::ErrorKind::NotFound => "missing-handbook",
                        _ => "io",
                    }),
            );
            return None;
        }
    };
    let text = match crate::source::decode(bytes, &shown) {
        Ok(text) => text,
        Err(d) => {
            problems.push(d);
            return None;
        }
    };
    let (parsed, found) = parse_file(&text, &shown);
    problems.extend(found);
    let mut parsed = parsed?;
    let canonical = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    seen.push((canonical, shown.clone()));

    // Branding files are named relative to the book.toml that names them.
    let theme = &mut parsed.raw.theme;
    for (file, pos, key) in [
        (&mut theme.logo, parsed.at.logo, "logo"),
        (&mut theme.favicon, parsed.at.favicon, "favicon"),
    ] {
        if let Some(path) = file.as_mut() {
            let full = root.join(&*path);
            if !full.is_file() {
                let mut d = Diagnostic::error(
                    &shown,
                    format!(
                        "`[theme] {key}`: there is no file {}",
                        display_path(shown_root, path).display()
                    ),
                )
                .help("name an image file, relative to this book.toml (for example \"static/logo.svg\")")
                .code("missing-file");
                if let Some(pos) = pos {
                    d = d.at(pos);
                }
                problems.push(d);
            }
            *path = full;
        }
    }

    let mut exclude = Vec::new();
    let mut on_excluded_reference = OnExcluded::default();
    let mut below = Vec::new();
    if let Some(edition) = &parsed.raw.edition {
        on_excluded_reference = edition.on_excluded_reference.unwrap_or_default();
        for (i, text) in edition.exclude.iter().enumerate() {
            let pos = parsed.at.exclude.get(i).copied();
            match glob::Pattern::new(text.trim_matches('/')) {
                Ok(pattern) => exclude.push(Exclude {
                    pattern,
                    text: text.clone(),
                    file: shown.clone(),
                    pos,
                }),
                Err(e) => {
                    let mut d = Diagnostic::error(
                        &shown,
                        format!("`exclude` pattern `{text}` is not a valid glob: {}", e.msg),
                    )
                    .help("write page ids with `*` for any part of one name and `**` for any depth")
                    .code("bad-config");
                    if let Some(pos) = pos {
                        d = d.at(pos);
                    }
                    problems.push(d);
                }
            }
        }
        let at = |d: Diagnostic| match parsed.at.base {
            Some(pos) => d.at(pos),
            None => d,
        };
        let Some(base) = edition.base.as_deref() else {
            problems.push(at(Diagnostic::error(&shown, "`[edition]` has no `base`")
                .help("name the folder of the handbook this edition customises: `base = \"../handbook\"`")
                .code("bad-config")));
            return None;
        };
        let base_root = root.join(base);
        let base_shown = display_path(shown_root, Path::new(base));
        if !base_root.join("book.toml").is_file() {
            problems.push(at(Diagnostic::error(
                &shown,
                format!(
                    "the base handbook `{base}` was not found: there is no {}",
                    base_shown.join("book.toml").display()
                ),
            )
            .help("`base` is the folder of the base handbook (the one holding its book.toml), relative to this book.toml")
            .code("missing-handbook")));
            return None;
        }
        let canonical = base_root
            .canonicalize()
            .unwrap_or_else(|_| base_root.clone());
        if let Some(start) = seen.iter().position(|(c, _)| *c == canonical) {
            let mut chain: Vec<String> = seen[start..]
                .iter()
                .map(|(_, s)| s.display().to_string())
                .collect();
            chain.push(seen[start].1.display().to_string());
            problems.push(at(Diagnostic::error(
                &shown,
                format!("the editions' bases form a cycle: {}", chain.join(" → ")),
            )
            .help("a base cannot be built on the edition that uses it: point `base` at the original handbook")
            .code("edition-cycle")));
            return None;
        }
        below = load_chain(&base_root, &base_shown, seen, problems)?;
    }
    below.push((
        Layer {
            root: root.to_path_buf(),
            language: String::new(),
            shown: shown_root.to_path_buf(),
            exclude,
            on_excluded_reference,
        },
        parsed,
    ));
    Some(below)
}
