//! The static files of the theme and the handbook (and the stylesheets tenet makes: the
//! handbook's and the highlighting's): minified where they can be, written, and each given the
//! versioned URL pages name it by.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::hash::{Hash, Hasher};
use std::path::Path;
use std::sync::Arc;

use super::minify::minify_asset;
use super::theme::Theme;
use super::{links, scripts, short_hash};
use crate::diagnostics::{Diagnostic, display_path};
use crate::output::Folder;

/// By static file: a hash of its bytes, and what minifying made of them (a session keeps
/// these, so that a file as it was is not minified again).
pub type Minified = HashMap<String, (u64, Arc<[u8]>)>;

pub(super) struct Statics {
    /// Output path of each static file → the same with a version query for cache busting.
    pub urls: BTreeMap<String, String>,
    pub minified: Minified,
    pub problems: Vec<Diagnostic>,
}

/// Writes the static files into `out` (when given); `remembered` is what the last build of a
/// session minified.
pub(super) fn write(
    theme: &Theme,
    minify: bool,
    generated: &[(&str, String)],
    remembered: Option<&Minified>,
    out: Option<&Folder>,
    display_root: &Path,
) -> Statics {
    let mut urls = BTreeMap::new();
    let mut minified = HashMap::new();
    let mut problems = Vec::new();
    for (rel, data) in &theme.statics {
        let bytes = match data.bytes() {
            Ok(bytes) => bytes,
            Err(e) => {
                problems.push(
                    Diagnostic::error(
                        display_path(display_root, Path::new(rel)),
                        format!("cannot read static file: {e}"),
                    )
                    .code("io"),
                );
                continue;
            }
        };
        let bytes = if minify {
            let source = {
                let mut h = std::hash::DefaultHasher::new();
                bytes.hash(&mut h);
                h.finish()
            };
            let made = remembered
                .and_then(|r| r.get(rel))
                .filter(|(hash, _)| *hash == source)
                .map(|(_, made)| made.clone())
                .unwrap_or_else(|| minify_asset(rel, bytes.into_owned()).into());
            if remembered.is_some() {
                minified.insert(rel.clone(), (source, made.clone()));
            }
            Cow::Owned(made.to_vec())
        } else {
            bytes
        };
        urls.insert(
            rel.clone(),
            format!("{}?v={}", links::encode_path(rel), short_hash(&bytes)),
        );
        if let Some(out) = out
            && let Err(e) = out.write(rel, &bytes)
        {
            problems.push(
                Diagnostic::error(display_path(display_root, Path::new("static")), e).code("io"),
            );
        }
    }
    for (path, css) in generated {
        urls.insert(
            path.to_string(),
            format!("{path}?v={}", short_hash(css.as_bytes())),
        );
        if let Some(out) = out
            && let Err(e) = out.write(path, css.as_bytes())
        {
            problems.push(Diagnostic::error("assets", e).code("io"));
        }
    }
    // The navigation tree: pages load it on demand, by the version in `assets/site.js`.
    urls.insert(
        scripts::TREE_PATH.to_string(),
        scripts::TREE_PATH.to_string(),
    );
    Statics {
        urls,
        minified,
        problems,
    }
}

/// The theme's and the handbook's static HTML and CSS files, scanned for the link check as
/// written (their links are reported at their lines).
pub(super) fn scan(
    theme: &Theme,
    scope: &super::LinkScope<'_>,
    known: &crate::linkcheck::Known,
) -> Vec<crate::linkcheck::File> {
    let mut files = Vec::new();
    for (rel, data) in &theme.statics {
        let lower = rel.to_ascii_lowercase();
        let css = lower.ends_with(".css");
        if !(css || lower.ends_with(".html") || lower.ends_with(".htm")) {
            continue;
        }
        // A file that cannot be read was reported when it was written.
        let Ok(bytes) = data.bytes() else {
            continue;
        };
        let text = String::from_utf8_lossy(&bytes);
        let path = format!("{}{rel}", scope.prefix);
        let mut scanner = crate::linkcheck::Scanner::of_copied(&path, &text, scope.base, known);
        if css {
            scanner.feed_css(&text);
        } else {
            scanner.feed(&text);
        }
        let shown = theme
            .static_sources
            .get(rel)
            .cloned()
            .unwrap_or_else(|| Path::new("static").join(rel));
        files.push(crate::linkcheck::File {
            scanned: Arc::new(scanner.finish()),
            path,
            origin: crate::linkcheck::Origin::Copied(shown),
        });
    }
    files
}
