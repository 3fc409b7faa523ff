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

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;

use rayon::prelude::*;

use crate::config::{Exclude, Layer};
use crate::diagnostics::Diagnostic;
use crate::page::{self, Peek};
use crate::source::{self, SourceFile, Sources};

/// The content of an edition, laid over its bases.
#[derive(Debug, Default)]
pub struct Overlay {
    pub sources: Sources,
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
    /// Whether references to it become plain text (`on_excluded_reference = "unlink"` in the
    /// book.toml of that pattern) rather than errors.
    pub unlink: bool,
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
        /// The hash of the base page's file now.
        base_hash: String,
        /// The hash the edition's copy records (`base_hash`), if any.
        recorded: Option<String>,
    },
    /// A base page left out by the pattern named.
    Removed { pattern: String },
}

impl What {
    /// A replaced page whose base changed since the edition's copy was made. A copy that
    /// records no hash counts as stale: nothing says it is up to date.
    pub fn is_stale(&self) -> bool {
        matches!(self, What::Replaced { base_hash, recorded, .. } if recorded.as_ref() != Some(base_hash))
    }
}

/// The hash an edition records of a base page: FNV-1a (64 bits) of the file's bytes, with
/// line endings counted as `\n` so that a checkout with other line endings is not "changed".
pub fn content_hash(bytes: &[u8]) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes.iter().filter(|&&b| b != b'\r') {
        hash ^= u64::from(b);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{hash:016x}")
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
    let candidates: Vec<Candidate> = files
        .into_par_iter()
        .map(|(layer, file)| {
            let peek = match file.read() {
                Ok(source) => page::peek(&source),
                // The parse reports it.
                Err(_) => Peek {
                    id: page::default_id(&file.rel),
                    title: String::new(),
                    draft: false,
                    base_hash: None,
                },
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
    let top = layers.len() - 1;
    let mut used = vec![vec![false; 0]; layers.len()];
    for (l, layer) in layers.iter().enumerate() {
        used[l] = vec![false; layer.exclude.len()];
    }
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
                lower_by_id.entry(&c.peek.id).or_insert(c);
                lower_by_rel.entry(&c.file.rel).or_insert(c);
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
                    },
                    file: c.file.shown.clone(),
                });
            }
            overlay.excluded.push(Excluded {
                id: c.peek.id.clone(),
                title: c.peek.title.clone(),
                rel: c.file.rel.clone(),
                pattern,
                unlink: layers[l].on_excluded_reference == crate::config::OnExcluded::Unlink,
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
                base_hash: std::fs::read(&base.file.path)
                    .map(|bytes| content_hash(&bytes))
                    .unwrap_or_default(),
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
    overlay.sources = Sources {
        pages: candidates
            .iter()
            .filter(|c| c.peek.draft)
            .chain(kept.iter().copied())
            .map(|c| c.file.clone())
            .collect(),
        assets: assets.into_values().collect(),
    };
    (overlay, problems)
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
    .help("patterns match page ids (`lessons/module-2/2.8-*`), not file names; `tenet edition status` lists the base's pages");
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
    fn a_replaced_page_is_stale_unless_it_records_the_base_hash_of_now() {
        let replaced = |recorded: Option<&str>| What::Replaced {
            base: PathBuf::from("b.md"),
            base_hash: "1".into(),
            recorded: recorded.map(str::to_string),
        };
        assert!(!replaced(Some("1")).is_stale());
        assert!(replaced(Some("0")).is_stale());
        assert!(replaced(None).is_stale());
        assert!(!What::Added.is_stale());
    }
}
