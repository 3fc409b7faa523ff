//! `tenet new DIR`: a ready handbook to start from, with a commented book.toml and one page of
//! every kind (a principle, a doctrine chapter, a module, a lesson with its aim, outcomes, key
//! messages, a trainer tip and an activity with a slide, a case study and a glossary term),
//! citing each other, that builds at once with no error and no warning.
//!
//! Input: the folder to make (absent or empty). Output: the files written, or the problem
//! that stopped it before anything was written (a folder that is not empty is never touched).

use std::path::{Path, PathBuf};

use crate::diagnostics::Diagnostic;

/// The handbook's files: path under the folder, text (from `src/scaffold/`).
const FILES: &[(&str, &str)] = &[
    ("book.toml", include_str!("scaffold/book.toml")),
    (
        "content/_index.md",
        include_str!("scaffold/content/_index.md"),
    ),
    (
        "content/principles/consent.md",
        include_str!("scaffold/content/principles/consent.md"),
    ),
    (
        "content/handbook/ch1-principles-in-practice.md",
        include_str!("scaffold/content/handbook/ch1-principles-in-practice.md"),
    ),
    (
        "content/lessons/module-1/_index.md",
        include_str!("scaffold/content/lessons/module-1/_index.md"),
    ),
    (
        "content/lessons/module-1/1.1-consent.md",
        include_str!("scaffold/content/lessons/module-1/1.1-consent.md"),
    ),
    (
        "content/case-studies/the-checkpoint.md",
        include_str!("scaffold/content/case-studies/the-checkpoint.md"),
    ),
    (
        "content/glossary/host-state.md",
        include_str!("scaffold/content/glossary/host-state.md"),
    ),
];

/// Writes a new handbook into `dir` (made if absent); returns the files written, as paths
/// under `dir`. Refuses a folder that holds anything, so nothing of the user's is changed.
pub fn new_handbook(dir: &Path) -> Result<Vec<PathBuf>, Diagnostic> {
    let fail = |message: String, help: &str| {
        Err(Diagnostic::error(dir, message)
            .help(help)
            .code("already-exists"))
    };
    match std::fs::read_dir(dir) {
        Ok(mut entries) => {
            if entries.next().is_some() {
                return fail(
                    "the folder is not empty".into(),
                    "give a new folder's name, or an empty folder: `tenet new` never changes files that are there",
                );
            }
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) if dir.is_file() => {
            return fail(
                format!("a file has this name ({e})"),
                "give a new folder's name",
            );
        }
        Err(e) => {
            return fail(
                format!("cannot read the folder: {e}"),
                "check its permissions",
            );
        }
    }
    let mut written = Vec::new();
    for (rel, text) in FILES {
        let path = dir.join(rel);
        let made = path
            .parent()
            .map_or(Ok(()), std::fs::create_dir_all)
            .and_then(|()| {
                // A file that appeared meanwhile is not overwritten.
                use std::io::Write;
                std::fs::OpenOptions::new()
                    .write(true)
                    .create_new(true)
                    .open(&path)?
                    .write_all(text.as_bytes())
            });
        if let Err(e) = made {
            return Err(
                Diagnostic::error(&path, format!("cannot write the file: {e}"))
                    .help("check that the folder can be written to"),
            );
        }
        written.push(PathBuf::from(rel));
    }
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_file_of_the_folder_is_listed() {
        // The list above and src/scaffold/ must not drift apart.
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/scaffold");
        let mut on_disk: Vec<String> = walkdir::WalkDir::new(&root)
            .into_iter()
            .flatten()
            .filter(|e| e.file_type().is_file())
            .map(|e| {
                e.path()
                    .strip_prefix(&root)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/")
            })
            .collect();
        on_disk.sort();
        let mut listed: Vec<String> = FILES.iter().map(|(p, _)| p.to_string()).collect();
        listed.sort();
        assert_eq!(listed, on_disk);
    }

    #[test]
    fn a_folder_that_is_not_empty_is_refused_and_left_as_it_was() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("notes.txt"), "mine").unwrap();
        let refused = new_handbook(dir.path()).unwrap_err();
        assert!(refused.message.contains("not empty"), "{refused}");
        let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(left.len(), 1);
        let file = dir.path().join("notes.txt");
        assert!(new_handbook(&file).is_err(), "a file is no folder");
        assert_eq!(std::fs::read_to_string(file).unwrap(), "mine");
    }
}
