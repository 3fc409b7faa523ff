//! Local editions: an edition's content laid over its bases'.
//!
//! Input: the chain of handbooks [`config::load`](crate::config::load) found (bottom base
//! first). Output: the markdown files and assets the build takes, and what was left out.
//!
//! The rules, applied from the bottom base up:
//! - a file at the same path under `content/` replaces the one below (as in an overlay);
//! - a page with the same id replaces the one below, wherever its file is;
//! - a draft (`draft = true`) takes no part, so the page below it stays (a translation in
//!   progress shows the base's text until it is ready);
//! - each handbook's `exclude` patterns remove pages of the handbooks below it, with the pages
//!   under them (leaving out a module leaves out its lessons); the home page stays;
//! - assets (any other file under `content/`) are laid over each other by path.
//!
//! Only the front matter of each file is read here (its id, whether it is a draft); the parse
//! stage then reads the files that won, so an edition parses no more pages than its base.
//!
//! Also here: what a reference to a left-out page is told ([`Excluded::diagnostic`], as
//! `on_excluded_reference` says), and whether the edition's copies of base pages are stale
//! ([`check_base_hashes`], the one build warning [`stale_warning`]). The `tenet edition`
//! commands are in [`crate::edition_commands`], above the site model they consult; the base texts copies were made from in
//! [`kept`].

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use rayon::prelude::*;

pub mod kept;

use crate::config::{Exclude, Layer, OnExcluded};
use crate::diagnostics::Diagnostic;
use crate::page::{self, Peek};
use crate::source::{self, SourceFile, Sources};

/// The content of an edition, laid over its bases.
#[derive(Debug, Default)]
pub struct Overlay {
    pub sources: Sources,
    /// The front matter of each page of `sources.pages` (its id, kind, whether a draft), in
    /// the same order.
    pub peeks: Vec<Peek>,
    /// Pages of a base that an `exclude` left out (references to them are reported).
    pub excluded: Vec<Excluded>,
    /// Base files whose page an edition replaced from a file elsewhere: path under
    /// `content/` → the id that stands in for it, so links to the old file still land.
    pub moved: HashMap<String, String>,
    /// What the edition (the top handbook) adds to, replaces in and removes from its bases.
    pub changes: Vec<Change>,
}

/// A base page an `exclude` left out.
#[derive(Debug, Clone)]
pub struct Excluded {
    pub id: String,
    /// Its title, as a reference shows it.
    pub title: String,
    /// Its path under `content/`.
    pub rel: String,
    /// The pattern that left it out.
    pub pattern: String,
    /// The book.toml of that pattern, as shown.
    pub book: PathBuf,
    /// What references to it become (`on_excluded_reference` in that book.toml).
    pub mode: OnExcluded,
}

impl Excluded {
    /// What a reference to this page in `file` is told, as `on_excluded_reference` says: a
    /// warning (the reference is printed as plain text), an error, or nothing (`"unlink"`).
    /// Both name the setting and the book.toml to set it in, and `tenet edition status`,
    /// which lists every such reference.
    pub fn diagnostic(&self, file: &Path) -> Option<Diagnostic> {
        let (id, pattern, book) = (&self.id, &self.pattern, self.book.display());
        let replace = "or replace the page that refers to it in the edition (`tenet edition override ID`) and reword it";
        let d = match self.mode {
            OnExcluded::Unlink => return None,
            OnExcluded::Warn => Diagnostic::warning(
                file,
                format!(
                    "`{id}` is left out of this edition (by `exclude` pattern `{pattern}`), so this reference is printed as plain text"
                ),
            )
            .help(format!(
                "set `on_excluded_reference = \"unlink\"` under `[edition]` in {book} to accept this without a warning, or `\"error\"` to refuse it; {replace}; `tenet edition status` lists every such reference"
            )),
            OnExcluded::Error => Diagnostic::error(
                file,
                format!(
                    "`{id}` is left out of this edition (by `exclude` pattern `{pattern}`), so this reference would lead nowhere"
                ),
            )
            .help(format!(
                "{book} sets `on_excluded_reference = \"error\"`: set it to `\"unlink\"` (or remove it, to be warned) to print such references as plain text, {replace}; `tenet edition status` lists every such reference"
            )),
        };
        Some(d.code("excluded-reference"))
    }
}

/// One thing an edition does to its bases.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub id: String,
    pub what: What,
    /// The edition's file (added, replaced) or the base's (removed), as shown.
    pub file: PathBuf,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum What {
    /// A page the bases do not have.
    Added,
    /// The edition's page in place of a base page.
    Replaced {
        /// The base page's file, as shown.
        base: PathBuf,
        /// The base page's file on disk.
        base_path: PathBuf,
        /// The base page's path under `content/` (where its text is kept, [`kept`]).
        base_rel: String,
        /// The edition's file on disk (at the base page's path, or wherever a page with its id
        /// is).
        copy: PathBuf,
        /// The hash of the base page's file now: filled in by [`status`] (a build does not
        /// need it).
        base_hash: String,
        /// The hash the edition's copy records (`base_hash`), if any.
        recorded: Option<String>,
    },
    /// A base page left out by the pattern named.
    Removed {
        pattern: String,
        /// What references to it become (`on_excluded_reference`).
        mode: OnExcluded,
    },
}

impl What {
    /// A replaced page whose base changed since the edition's copy was made (or whose copy
    /// records no hash: nothing says it is up to date).
    pub fn is_stale(&self) -> bool {
        matches!(self, What::Replaced { base_hash, recorded, .. } if recorded.as_ref() != Some(base_hash))
    }
}

/// The hash an edition records of a base page: FNV-1a (64 bits) of the file's bytes, with
/// line endings counted as `\n` so that a checkout with other line endings is not "changed".
pub fn content_hash(bytes: &[u8]) -> String {
    crate::fnv::hex(bytes.iter().copied().filter(|&b| b != b'\r'))
}

/// One markdown file of one handbook of the chain.
struct Candidate {
    layer: usize,
    file: SourceFile,
    peek: Peek,
}

/// Walks every handbook of the chain and lays them over each other.
pub fn overlay(layers: &[Layer]) -> (Overlay, Vec<Diagnostic>) {
    let mut problems = Vec::new();
    let mut files = Vec::new();
    let mut assets: BTreeMap<String, source::Asset> = BTreeMap::new();
    for (l, layer) in layers.iter().enumerate() {
        // Only the bottom base must have content; an edition may change nothing but settings.
        if l > 0 && !layer.root.join("content").is_dir() {
            continue;
        }
        let (sources, found) = source::load(&layer.root, &layer.shown);
        problems.extend(found);
        files.extend(sources.pages.into_iter().map(|mut f| {
            f.layer = l;
            (l, f)
        }));
        for asset in sources.assets {
            assets.insert(asset.rel.clone(), asset);
        }
    }
    // Only the headers are read. The bases' many pages get a quick look; an edition's own,
    // fewer, are read in full (`edition status` needs their `base_hash`).
    let top = layers.len() - 1;
    let candidates: Vec<Candidate> = files
        .into_par_iter()
        .map(|(layer, file)| {
            let peek = match file.read_header() {
                Ok(source) if layer == top && top > 0 => page::peek(&source),
                Ok(source) => page::quick_peek(&source),
                // The parse reports it.
                Err(_) => Peek::of_path(&file.rel),
            };
            Candidate { layer, file, peek }
        })
        .collect();

    // The topmost handbook that has each path and each id (drafts take no part).
    let live = |c: &&Candidate| !c.peek.draft;
    let mut top_by_rel: HashMap<&str, usize> = HashMap::new();
    let mut top_by_id: HashMap<&str, usize> = HashMap::new();
    for c in candidates.iter().filter(live) {
        let r = top_by_rel.entry(&c.file.rel).or_insert(c.layer);
        *r = (*r).max(c.layer);
        let i = top_by_id.entry(&c.peek.id).or_insert(c.layer);
        *i = (*i).max(c.layer);
    }
    let mut used: Vec<Vec<bool>> = layers
        .iter()
        .map(|layer| vec![false; layer.exclude.len()])
        .collect();
    let mut overlay = Overlay::default();
    let mut kept = Vec::new();
    // Lower pages each top page stands in for, by id and by path.
    let mut lower_by_id: HashMap<&str, &Candidate> = HashMap::new();
    let mut lower_by_rel: HashMap<&str, &Candidate> = HashMap::new();
    for c in candidates.iter().filter(live) {
        let wins =
            top_by_rel[c.file.rel.as_str()] == c.layer && top_by_id[c.peek.id.as_str()] == c.layer;
        if !wins && top_by_rel[c.file.rel.as_str()] == c.layer {
            overlay.moved.insert(c.file.rel.clone(), c.peek.id.clone());
        }
        if !wins {
            if c.layer < top {
                // The highest handbook below the top wins (candidates come bottom first).
                lower_by_id.insert(&c.peek.id, c);
                lower_by_rel.insert(&c.file.rel, c);
            }
            continue;
        }
        let removed_by = (c.layer + 1..layers.len()).find_map(|l| {
            let found = excluding(&layers[l].exclude, &c.peek.id)?;
            used[l][found] = true;
            Some((l, found))
        });
        if let Some((l, found)) = removed_by {
            let pattern = layers[l].exclude[found].text.clone();
            if l == top {
                overlay.changes.push(Change {
                    id: c.peek.id.clone(),
                    what: What::Removed {
                        pattern: pattern.clone(),
                        mode: layers[l].on_excluded_reference,
                    },
                    file: c.file.shown.clone(),
                });
            }
            overlay.excluded.push(Excluded {
                id: c.peek.id.clone(),
                title: c.peek.title.clone().unwrap_or_else(|| full_title(&c.file)),
                rel: c.file.rel.clone(),
                pattern,
                book: layers[l].exclude[found].file.clone(),
                mode: layers[l].on_excluded_reference,
            });
            continue;
        }
        kept.push(c);
    }
    for c in &kept {
        if c.layer != top || top == 0 {
            continue;
        }
        let below = lower_by_id
            .get(c.peek.id.as_str())
            .or_else(|| lower_by_rel.get(c.file.rel.as_str()));
        let what = match below {
            None => What::Added,
            Some(base) => What::Replaced {
                base: base.file.shown.clone(),
                base_path: base.file.path.clone(),
                base_rel: base.file.rel.clone(),
                copy: c.file.path.clone(),
                base_hash: String::new(),
                recorded: c.peek.base_hash.clone(),
            },
        };
        overlay.changes.push(Change {
            id: c.peek.id.clone(),
            what,
            file: c.file.shown.clone(),
        });
    }
    overlay.changes.sort_by(|a, b| a.id.cmp(&b.id));
    for (l, layer) in layers.iter().enumerate() {
        for (e, exclude) in layer.exclude.iter().enumerate() {
            if !used[l][e] {
                problems.push(unused(exclude));
            }
        }
    }
    let taken: Vec<&Candidate> = candidates
        .iter()
        .filter(|c| c.peek.draft)
        .chain(kept.iter().copied())
        .collect();
    overlay.peeks = taken.iter().map(|c| c.peek.clone()).collect();
    overlay.sources = Sources {
        pages: taken.iter().map(|c| c.file.clone()).collect(),
        assets: assets.into_values().collect(),
    };
    (overlay, problems)
}

/// The title of a page that was only given a quick look.
fn full_title(file: &SourceFile) -> String {
    file.read_header()
        .ok()
        .and_then(|source| page::peek(&source).title)
        .unwrap_or_default()
}

/// Fills in the base's hash of now of each replaced page (`What::Replaced::base_hash`);
/// returns how many copies are stale ([`What::is_stale`]).
pub fn check_base_hashes(changes: &mut [Change]) -> usize {
    for change in changes.iter_mut() {
        if let What::Replaced {
            base_path,
            base_hash,
            ..
        } = &mut change.what
        {
            *base_hash = std::fs::read(&*base_path)
                .map(|bytes| content_hash(&bytes))
                .unwrap_or_default();
        }
    }
    changes.iter().filter(|c| c.what.is_stale()).count()
}

/// The one warning of a build of an edition with `stale` out-of-date copies of base pages, at
/// the edition's `book`.toml (it has no line of its own).
pub fn stale_warning(book: &Path, stale: usize) -> Diagnostic {
    let dir = book
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .map(|d| format!(" {}", d.display()))
        .unwrap_or_default();
    let copies = match stale {
        1 => "copy of a base page in this edition is",
        _ => "copies of base pages in this edition are",
    };
    Diagnostic::warning(
        book,
        format!(
            "{stale} {copies} out of date: the base page changed since the copy was made, or the copy records no `base_hash`"
        ),
    )
    .help(format!(
        "`tenet edition status{dir}` lists them with what changed in the base; bring each copy up to date, then `tenet edition override ID --refresh`"
    ))
    .code("stale-copy")
}

/// The first pattern that leaves out `id` (never the home page).
fn excluding(patterns: &[Exclude], id: &str) -> Option<usize> {
    if id.is_empty() {
        return None;
    }
    patterns.iter().position(|p| p.matches(id))
}

fn unused(exclude: &Exclude) -> Diagnostic {
    let mut d = Diagnostic::warning(
        &exclude.file,
        format!(
            "`exclude` pattern `{}` leaves out no page of the base",
            exclude.text
        ),
    )
    .help("patterns match page ids (`lessons/module-2/2.8-*`), not file names; `tenet edition status` lists the base's pages")
    .code("unused-exclude");
    if let Some(pos) = exclude.pos {
        d = d.at(pos);
    }
    d
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_hash_ignores_carriage_returns_and_sees_every_other_byte() {
        assert_eq!(content_hash(b"a\r\nb\r\n"), content_hash(b"a\nb\n"));
        assert_ne!(content_hash(b"a\nb\n"), content_hash(b"a\nc\n"));
        // FNV-1a of the empty input is its offset basis.
        assert_eq!(content_hash(b""), "cbf29ce484222325");
        assert_eq!(content_hash(b"a"), "af63dc4c8601ec8c");
    }

    #[test]
    fn one_warning_counts_the_stale_copies_and_names_the_command() {
        let one = stale_warning(Path::new("fr/book.toml"), 1);
        assert_eq!(one.code, "stale-copy");
        assert!(
            one.message
                .starts_with("1 copy of a base page in this edition is out of date")
        );
        assert!(one.help.unwrap().contains("`tenet edition status fr`"));
        let many = stale_warning(Path::new("book.toml"), 3);
        assert!(
            many.message
                .starts_with("3 copies of base pages in this edition are")
        );
        assert!(many.help.unwrap().contains("`tenet edition status` lists"));
    }

    #[test]
    fn a_replaced_page_is_stale_unless_it_records_the_base_hash_of_now() {
        let replaced = |recorded: Option<&str>| What::Replaced {
            base: PathBuf::from("b.md"),
            base_path: PathBuf::from("b.md"),
            base_rel: "b.md".into(),
            copy: PathBuf::from("e.md"),
            base_hash: "1".into(),
            recorded: recorded.map(str::to_string),
        };
        assert!(!replaced(Some("1")).is_stale());
        assert!(replaced(Some("0")).is_stale());
        assert!(replaced(None).is_stale());
        assert!(!What::Added.is_stale());
    }
}
