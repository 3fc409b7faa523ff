//! Which pages a session must look at again after an edit: the pages whose own inputs changed,
//! and the pages that show something of a page whose shown parts changed. The others are
//! known to come out as last time without even working out their fingerprint.
//!
//! This is only a way to skip work: whatever it marks is fingerprinted and made again only if
//! its fingerprint changed. It must never leave out a page that could change, so it takes the
//! wide view: when the site's structure (its pages, their places in the tree and the reading
//! order, the kind indexes, the other languages' catalogs) or anything every page shows
//! changed, every page is looked at.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};

use crate::site::{Anchor, Site};

/// Per page, and per generated index: whether it may have changed since the last render.
pub type ToCheck = (Vec<bool>, Vec<bool>);

/// What a render leaves for the next one to compare with.
#[derive(Debug, Default, Clone)]
pub struct Remembered {
    /// The hash of what every page shows (theme, settings, words).
    pub global: u64,
    /// The hash of the site's structure.
    pub structure: u64,
    /// By page id: the hash of the page's own inputs, and of what other pages show of it.
    pub pages: HashMap<String, (u64, u64)>,
}

/// The hashes of the site as it is now.
pub struct Now {
    pub remembered: Remembered,
    /// Per page (site order), its (own, shown) hashes.
    hashes: Vec<(u64, u64)>,
}

impl Now {
    /// `global` is the hash of what every page shows; `languages`, that of the other
    /// languages' catalogs (0 for a site in one language).
    pub fn of(site: &Site, global: u64, languages: u64) -> Now {
        let mut unlinked: Vec<Vec<(usize, &str)>> = vec![Vec::new(); site.pages.len()];
        for (&(p, i), title) in &site.unlinked {
            unlinked[p].push((i, title));
        }
        let hashes: Vec<(u64, u64)> = (0..site.pages.len())
            .map(|p| {
                unlinked[p].sort_unstable();
                (own_hash(site, p, &unlinked[p]), site.pages[p].facet_hash)
            })
            .collect();
        let pages = site
            .pages
            .iter()
            .zip(&hashes)
            .map(|(page, h)| (page.id.clone(), *h))
            .collect();
        Now {
            remembered: Remembered {
                global,
                structure: structure_hash(site, languages),
                pages,
            },
            hashes,
        }
    }

    /// Per page: whether its pages (its own, its handout and lesson plan) must be looked at;
    /// and per kind index: whether it must. None: everything must.
    pub fn to_check(&self, site: &Site, before: &Remembered) -> Option<ToCheck> {
        let now = &self.remembered;
        if now.global != before.global || now.structure != before.structure {
            return None;
        }
        let mut pages = vec![false; site.pages.len()];
        let mut indexes = vec![false; site.indexes.len()];
        for (p, page) in site.pages.iter().enumerate() {
            let (own, shown) = self.hashes[p];
            let &(own_before, shown_before) = before.pages.get(&page.id)?;
            if own != own_before {
                pages[p] = true;
            }
            if shown != shown_before {
                for r in readers(site, p) {
                    pages[r] = true;
                }
                // The kind indexes show titles, summaries and (lessons, chapters) their
                // parents' titles: a handful of pages, all looked at.
                for (i, index) in site.indexes.iter().enumerate() {
                    indexes[i] = true;
                    if let Some(q) = index.page {
                        pages[q] = true;
                    }
                }
            }
        }
        Some((pages, indexes))
    }
}

/// The pages that show something of page `p`: itself, the pages it refers to and that refer
/// to it (backlinks, link texts), and its neighbours in the tree and the reading order
/// (navigation, breadcrumbs of everything below it).
fn readers(site: &Site, p: usize) -> Vec<usize> {
    let mut out = vec![p];
    out.extend(site.backlinks[p].iter().map(|s| s.page));
    out.extend(site.refs[p].iter().flatten().map(|r| r.page));
    out.extend(site.principles[p].iter().copied());
    out.extend(site.related[p].iter().copied());
    out.extend(site.block_principles[p].iter().flatten().copied());
    if let Some(parent) = site.parent[p] {
        out.push(parent);
        out.extend(site.children[parent].iter().copied());
    }
    let rank = site.rank[p];
    out.extend(rank.checked_sub(1).map(|r| site.order[r]));
    out.extend(site.order.get(rank + 1).copied());
    // Everything below it (their breadcrumbs name it).
    let mut stack = vec![p];
    while let Some(q) = stack.pop() {
        for &c in &site.children[q] {
            out.push(c);
            stack.push(c);
        }
    }
    out
}

/// What a page's own pages are made from besides what it shows of others: its source, and
/// where its references, relations and backlinks lead.
fn own_hash(site: &Site, p: usize, unlinked: &[(usize, &str)]) -> u64 {
    let mut h = rustc_hash::FxHasher::default();
    let id = |q: usize| site.pages[q].id.as_str();
    site.pages[p].source_hash.hash(&mut h);
    site.pages[p].facet_hash.hash(&mut h);
    for r in &site.refs[p] {
        match r {
            Some(r) => {
                id(r.page).hash(&mut h);
                match r.anchor {
                    None => 0u8.hash(&mut h),
                    Some(Anchor::Block(b)) => (1u8, b).hash(&mut h),
                    Some(Anchor::Heading(x)) => (2u8, x).hash(&mut h),
                }
            }
            None => 3u8.hash(&mut h),
        }
    }
    for list in [&site.principles[p], &site.related[p]] {
        list.len().hash(&mut h);
        for &q in list {
            id(q).hash(&mut h);
        }
    }
    for block in &site.block_principles[p] {
        block.len().hash(&mut h);
        for &q in block {
            id(q).hash(&mut h);
        }
    }
    site.backlinks[p].len().hash(&mut h);
    for source in &site.backlinks[p] {
        (id(source.page), source.block).hash(&mut h);
    }
    unlinked.hash(&mut h);
    h.finish()
}

/// The site's pages, their places in the tree and the reading order, and the kind indexes.
fn structure_hash(site: &Site, languages: u64) -> u64 {
    let mut h = rustc_hash::FxHasher::default();
    languages.hash(&mut h);
    site.pages.len().hash(&mut h);
    site.pages[site.home].id.hash(&mut h);
    for &p in &site.order {
        let page = &site.pages[p];
        (
            &page.id,
            page.fm.kind,
            site.parent[p].map(|q| &site.pages[q].id),
        )
            .hash(&mut h);
    }
    for index in &site.indexes {
        (index.id, index.kind, index.page.map(|q| &site.pages[q].id)).hash(&mut h);
        index.items.len().hash(&mut h);
        for &q in &index.items {
            site.pages[q].id.hash(&mut h);
        }
    }
    h.finish()
}
