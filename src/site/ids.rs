//! Looking pages up by id: full ids, unique short names, and the files behind relative links.

use std::collections::HashMap;
use std::sync::Arc;

use crate::diagnostics::{did_you_mean, suggest};
use crate::page::ParsedPage;

/// Why a lookup failed, ready to be shown.
pub struct NotFound {
    /// `unknown-reference` or `ambiguous-reference` ([`crate::diagnostics::Diagnostic::code`]).
    pub code: &'static str,
    pub message: String,
    pub help: Option<String>,
}

/// Page lookups for one handbook (borrowing the pages' ids and paths).
pub struct Ids<'a> {
    by_id: Map<&'a str, usize>,
    by_short: Map<&'a str, Vec<usize>>,
    by_file: Map<&'a str, usize>,
    ids: Vec<&'a str>,
}

type Map<K, V> = HashMap<K, V, rustc_hash::FxBuildHasher>;

impl<'a> Ids<'a> {
    pub fn new(pages: &'a [Arc<ParsedPage>]) -> Self {
        Ids::of(pages.iter().map(|p| (p.id.as_str(), p.rel.as_str())))
    }

    /// Lookups over pages given as (id, path under content/), numbered in that order: also
    /// for pages only peeked at (`tenet edition` commands name base pages as references do).
    pub fn of(pages: impl ExactSizeIterator<Item = (&'a str, &'a str)>) -> Self {
        let n = pages.len();
        let mut by_id = Map::with_capacity_and_hasher(n, Default::default());
        let mut by_short: Map<&str, Vec<usize>> =
            Map::with_capacity_and_hasher(n, Default::default());
        let mut by_file = Map::with_capacity_and_hasher(n, Default::default());
        let mut ids = Vec::with_capacity(n);
        for (i, (id, rel)) in pages.enumerate() {
            by_id.entry(id).or_insert(i);
            if let Some(short) = id.rsplit('/').next().filter(|s| !s.is_empty()) {
                by_short.entry(short).or_default().push(i);
            }
            by_file.insert(rel, i);
            ids.push(id);
        }
        Ids {
            by_id,
            by_short,
            by_file,
            ids,
        }
    }

    pub fn get(&self, id: &str) -> Option<usize> {
        self.by_id.get(id).copied()
    }

    /// A full id or a unique short name, without explaining a miss (cheap).
    pub fn lookup(&self, id: &str) -> Option<usize> {
        let id = id.trim().trim_matches('/');
        if let Some(&i) = self.by_id.get(id) {
            return Some(i);
        }
        match self.by_short.get(id).map(Vec::as_slice) {
            Some([one]) if !id.contains('/') => Some(*one),
            _ => None,
        }
    }

    /// Resolves a full id or a unique short name.
    pub fn resolve(&self, id: &str) -> Result<usize, NotFound> {
        let id = id.trim().trim_matches('/');
        if let Some(&i) = self.by_id.get(id) {
            return Ok(i);
        }
        if !id.contains('/') {
            match self.by_short.get(id).map(Vec::as_slice) {
                Some([one]) => return Ok(*one),
                Some(many) if many.len() > 1 => {
                    let mut names: Vec<&str> = many.iter().map(|&i| self.ids[i]).collect();
                    names.sort_unstable();
                    let list: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
                    return Err(NotFound {
                        code: "ambiguous-reference",
                        message: format!("`{id}` is ambiguous: it names {}", list.join(", ")),
                        help: Some("write the full id".into()),
                    });
                }
                _ => {}
            }
        }
        Err(NotFound {
            code: "unknown-reference",
            message: format!("unknown reference `{id}`"),
            help: Some(
                did_you_mean(&suggest(id, self.ids.iter().copied())).unwrap_or_else(|| {
                    "check the id: it is the page's path under content/ without `.md`".into()
                }),
            ),
        })
    }

    /// The page of a markdown file under content/ (`a/b.md`).
    pub fn file(&self, rel: &str) -> Option<usize> {
        self.by_file.get(rel).copied()
    }

    pub fn files(&self) -> impl Iterator<Item = &str> {
        self.by_file.keys().copied()
    }
}
