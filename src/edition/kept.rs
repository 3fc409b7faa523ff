//! The base text an edition's copy of a base page was made from, kept inside the edition so
//! that `tenet edition status` can show what changed in the base since.
//!
//! `tenet edition override ID` (and `--refresh`) writes the base page's bytes, as they are, to
//! `.tenet/base/<path under content/>` in the edition's folder: outside `content/`, so no build
//! reads it as a page or an asset. Its hash ([`content_hash`]) is the copy's `base_hash`, so a
//! kept text can be checked against the copy before it is trusted. Nothing here deletes a file.

use std::path::{Path, PathBuf};

use super::content_hash;
use crate::diagnostics::Diagnostic;

/// The folder of kept base texts, relative to the edition's folder.
pub const FOLDER: &str = ".tenet/base";

/// Where the base text of the base page at `rel` (its path under `content/`) is kept.
pub fn path(edition: &Path, rel: &str) -> PathBuf {
    edition.join(FOLDER).join(rel)
}

/// Keeps `bytes`, the base page at `rel` as the copy is made from it; returns the file.
pub fn keep(edition: &Path, rel: &str, bytes: &[u8]) -> Result<PathBuf, Diagnostic> {
    let file = path(edition, rel);
    if let Some(dir) = file.parent() {
        std::fs::create_dir_all(dir).map_err(|e| {
            Diagnostic::error(dir, format!("cannot create: {e}"))
                .help("the edition keeps the base text of each copy here; check the folder's permissions")
                .code("io")
        })?;
    }
    std::fs::write(&file, bytes).map_err(|e| {
        Diagnostic::error(&file, format!("cannot write: {e}"))
            .help(
                "the edition keeps the base text of each copy here; check the folder's permissions",
            )
            .code("io")
    })?;
    Ok(file)
}

/// What the edition knows of the base text a copy was made from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Then {
    /// The kept text, which has the hash the copy records.
    Kept(String),
    /// No kept text: a copy made before tenet kept them, or the folder was not committed.
    Missing,
    /// A kept text whose hash is not the one the copy records (one of them was edited by hand).
    Mismatch,
}

/// The base text of the base page at `rel` as the copy recording `recorded` was made from it.
pub fn then(edition: &Path, rel: &str, recorded: &str) -> Then {
    match std::fs::read(path(edition, rel)) {
        Err(_) => Then::Missing,
        Ok(bytes) if content_hash(&bytes) != recorded => Then::Mismatch,
        Ok(bytes) => Then::Kept(String::from_utf8_lossy(&bytes).into_owned()),
    }
}

/// A unified diff of a base page then (`old`) and now (`new`), three lines of context, with
/// `---`/`+++` headers naming them. Line endings do not count (as in [`content_hash`]).
pub fn diff(old: &str, new: &str, old_name: &str, new_name: &str) -> String {
    let old = old.replace('\r', "");
    let new = new.replace('\r', "");
    similar::TextDiff::from_lines(&old, &new)
        .unified_diff()
        .context_radius(3)
        .header(old_name, new_name)
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_diff_shows_the_lines_removed_and_added_with_context() {
        let old = "+++\ntitle = \"A\"\n+++\none\ntwo\nthree\n";
        let new = "+++\ntitle = \"A\"\n+++\none\n2\nthree\nfour\n";
        let d = diff(old, new, "then", "now");
        assert!(d.starts_with("--- then\n+++ now\n@@ "), "{d}");
        assert!(d.contains("\n-two\n+2\n"), "{d}");
        assert!(d.contains("\n+four\n"), "{d}");
        assert!(d.contains("\n one\n"), "{d}");
        assert_eq!(diff("a\r\nb\r\n", "a\nb\n", "x", "y"), "");
    }

    #[test]
    fn a_kept_text_is_trusted_only_with_the_hash_the_copy_records() {
        let dir = tempfile::tempdir().unwrap();
        let kept = keep(dir.path(), "a/b.md", b"then\n").unwrap();
        assert!(kept.ends_with(".tenet/base/a/b.md"));
        let hash = content_hash(b"then\n");
        assert_eq!(
            then(dir.path(), "a/b.md", &hash),
            Then::Kept("then\n".into())
        );
        assert_eq!(then(dir.path(), "a/b.md", "0000"), Then::Mismatch);
        assert_eq!(then(dir.path(), "a/c.md", &hash), Then::Missing);
    }
}
