//! Themes: the tera templates and static files a handbook is rendered with.
//!
//! Lookup order for a template name (`lesson.html`): the handbook's `templates/`, then the
//! theme (`themes/<name>/templates/` in the handbook, or the built-in default theme). Theme
//! templates are also reachable as `theme/<name>`, so an override can
//! `{% extends "theme/lesson.html" %}` and change a single block.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use tera::Tera;
use walkdir::WalkDir;

use crate::diagnostics::{Diagnostic, Pos, display_path};

include!(concat!(env!("OUT_DIR"), "/default_theme.rs"));

/// Where a static file's bytes come from.
#[derive(Clone)]
pub enum Data {
    Embedded(&'static [u8]),
    Disk(PathBuf),
}

impl Data {
    pub fn bytes(&self) -> std::io::Result<Cow<'static, [u8]>> {
        match self {
            Data::Embedded(b) => Ok(Cow::Borrowed(b)),
            Data::Disk(p) => std::fs::read(p).map(Cow::Owned),
        }
    }
}

/// A loaded theme.
pub struct Theme {
    pub tera: Tera,
    /// Static files by output path (`assets/tenet.css`), theme first, handbook `static/` over it.
    pub statics: BTreeMap<String, Data>,
    /// Template name → the file it came from, for error messages.
    pub sources: BTreeMap<String, PathBuf>,
    /// Template name → its text (what the link check searches for a URL written as it is).
    pub texts: BTreeMap<String, String>,
    /// Static file (output path) → the file it comes from, as shown.
    pub static_sources: BTreeMap<String, PathBuf>,
    /// A hash of every template's name and text.
    pub fingerprint: u64,
    /// Template name → per line, the indentation compacting dropped (`[build] minify`), to
    /// put a template error's column back where it is in the file.
    pub indents: BTreeMap<String, Vec<u32>>,
}

/// Where the brand files of `[theme]` go in the output.
pub fn brand_path(key: &str, file: &Path) -> String {
    let ext = file
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    format!("assets/brand/{key}.{ext}")
}

/// Loads the theme named in `book.toml` plus each handbook's `templates/` and `static/`,
/// laid over each other from the bottom base (`handbooks[0]`: its folder and the folder as
/// shown) up to the edition being built, and the brand files of `[theme]`. With `compact`, the
/// templates are compacted ([`super::compact`]) for tera, and kept as written in `texts`.
pub fn load(
    handbooks: &[(&Path, &Path)],
    name: &str,
    brand: &crate::config::ThemeConfig,
    compact: bool,
) -> Result<Theme, Vec<Diagnostic>> {
    let mut templates: BTreeMap<String, String> = BTreeMap::new();
    let mut sources = BTreeMap::new();
    let mut statics = BTreeMap::new();
    let mut static_sources = BTreeMap::new();
    let mut problems = Vec::new();
    let (_, top_shown) = *handbooks.last().expect("at least the handbook itself");

    // The theme: the topmost handbook that has a folder of that name, else the built-in one.
    let theme_dir = handbooks
        .iter()
        .rev()
        .map(|(root, shown)| (root.join("themes").join(name), *root, *shown))
        .find(|(dir, _, _)| dir.is_dir());
    if let Some((theme_dir, root, shown_root)) = theme_dir {
        read_dir_files(
            &theme_dir.join("templates"),
            &mut |rel, path| match std::fs::read_to_string(path) {
                Ok(text) => {
                    let tpl = format!("theme/{rel}");
                    sources.insert(
                        tpl.clone(),
                        display_path(shown_root, path.strip_prefix(root).unwrap_or(path)),
                    );
                    templates.insert(tpl, text);
                }
                Err(e) => problems
                    .push(Diagnostic::error(path, format!("cannot read template: {e}")).code("io")),
            },
        );
        read_dir_files(&theme_dir.join("static"), &mut |rel, path| {
            statics.insert(rel.to_string(), Data::Disk(path.to_path_buf()));
            static_sources.insert(
                rel.to_string(),
                display_path(shown_root, path.strip_prefix(root).unwrap_or(path)),
            );
        });
    } else if name == "default" {
        for (rel, bytes) in DEFAULT_THEME {
            if let Some(tpl) = rel.strip_prefix("templates/") {
                let text = String::from_utf8_lossy(bytes).into_owned();
                sources.insert(
                    format!("theme/{tpl}"),
                    PathBuf::from(format!("(built-in theme)/templates/{tpl}")),
                );
                templates.insert(format!("theme/{tpl}"), text);
            } else if let Some(file) = rel.strip_prefix("static/") {
                statics.insert(file.to_string(), Data::Embedded(bytes));
                static_sources.insert(
                    file.to_string(),
                    PathBuf::from(format!("(built-in theme)/static/{file}")),
                );
            }
        }
    } else {
        let shown = display_path(top_shown, Path::new("book.toml"));
        return Err(vec![
            Diagnostic::error(
                shown,
                format!("theme `{name}` not found: there is no themes/{name}/ folder"),
            )
            .help("set `theme = \"default\"` for the built-in theme, or add the theme's folder")
            .code("missing-theme"),
        ]);
    }

    for (root, shown_root) in handbooks {
        read_dir_files(
            &root.join("templates"),
            &mut |rel, path| match std::fs::read_to_string(path) {
                Ok(text) => {
                    sources.insert(
                        rel.to_string(),
                        display_path(shown_root, path.strip_prefix(root).unwrap_or(path)),
                    );
                    templates.insert(rel.to_string(), text);
                }
                Err(e) => problems
                    .push(Diagnostic::error(path, format!("cannot read template: {e}")).code("io")),
            },
        );
        read_dir_files(&root.join("static"), &mut |rel, path| {
            statics.insert(rel.to_string(), Data::Disk(path.to_path_buf()));
            static_sources.insert(
                rel.to_string(),
                display_path(shown_root, path.strip_prefix(root).unwrap_or(path)),
            );
        });
    }
    for (key, file) in [("logo", &brand.logo), ("favicon", &brand.favicon)] {
        if let Some(file) = file {
            statics.insert(brand_path(key, file), Data::Disk(file.clone()));
            static_sources.insert(brand_path(key, file), file.clone());
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }

    let mut tera = Tera::new();
    tera.autoescape_on(vec![".html", ".xml", ".svg"]);
    if let Err(e) = tera.set_fallback_prefixes(["theme/"]) {
        return Err(vec![
            Diagnostic::error("templates", e.to_string()).code("template"),
        ]);
    }
    let mut indents = BTreeMap::new();
    let compacted: BTreeMap<&String, Cow<str>> = templates
        .iter()
        .map(|(name, text)| {
            if !compact {
                return (name, Cow::Borrowed(text.as_str()));
            }
            let compacted = super::compact::template(text);
            indents.insert(name.clone(), compacted.indents);
            (name, Cow::Owned(compacted.text))
        })
        .collect();
    if let Err(e) = tera.add_raw_templates(compacted.iter().map(|(n, t)| (n.as_str(), &**t))) {
        return Err(vec![template_error(&e, &sources, &indents)]);
    }
    let fingerprint = {
        use std::hash::{Hash, Hasher};
        let mut h = rustc_hash::FxHasher::default();
        templates.hash(&mut h);
        h.finish()
    };
    Ok(Theme {
        tera,
        statics,
        sources,
        texts: templates,
        static_sources,
        fingerprint,
        indents,
    })
}

fn read_dir_files(dir: &Path, f: &mut dyn FnMut(&str, &Path)) {
    if !dir.is_dir() {
        return;
    }
    for entry in WalkDir::new(dir).sort_by_file_name().into_iter().flatten() {
        if !entry.file_type().is_file() || entry.file_name().to_string_lossy().starts_with('.') {
            continue;
        }
        let Ok(rel) = entry.path().strip_prefix(dir) else {
            continue;
        };
        let rel: Vec<String> = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        f(&rel.join("/"), entry.path());
    }
}

/// A tera error as a diagnostic that names the template file, line and column (as in the file:
/// with the indentation that compacting dropped from the line, `indents`, put back).
pub fn template_error(
    error: &tera::Error,
    sources: &BTreeMap<String, PathBuf>,
    indents: &BTreeMap<String, Vec<u32>>,
) -> Diagnostic {
    match error.kind() {
        tera::ErrorKind::SyntaxError(report) | tera::ErrorKind::RenderingError(report) => {
            let file = sources
                .get(report.filename())
                .cloned()
                .unwrap_or_else(|| PathBuf::from(report.filename()));
            let span = report.span();
            let dropped = indents
                .get(report.filename())
                .and_then(|lines| lines.get(span.start_line.checked_sub(1)?))
                .map_or(0, |&n| n as usize);
            Diagnostic::error(file, format!("template: {}", report.message()))
                .at(Pos {
                    line: span.start_line,
                    column: span.start_col + 1 + dropped,
                })
                .code("template")
        }
        _ => {
            let mut message = error.to_string();
            let mut source = std::error::Error::source(error);
            while let Some(inner) = source {
                message.push_str(": ");
                message.push_str(&inner.to_string());
                source = inner.source();
            }
            Diagnostic::error("templates", format!("template: {message}")).code("template")
        }
    }
}
