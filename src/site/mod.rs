//! Resolve: parsed pages → [`Site`], the frozen model of the whole handbook.
//!
//! Ids are checked (unique, not reserved), every reference is resolved to a page and anchor,
//! relations (front-matter `principles`/`related`, block attributes, references) become
//! backlinks, and the pages are arranged into the navigation tree and reading order. Nothing
//! after this stage changes the model; rendering only reads it.

pub mod ids;
pub mod lints;
pub mod order;

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use rayon::prelude::*;

use crate::diagnostics::{Diagnostic, Pos, did_you_mean, suggest};
use crate::page::{BlockKind, FrontMatter, Kind, ParsedPage, RefTarget};
use ids::Ids;

/// Why a reference or relation cannot be resolved: its code ([`Diagnostic::code`]), the
/// message and what to do about it.
type Problem = (&'static str, String, Option<String>);

/// Ids the output layout reserves for generated pages.
pub const RESERVED_IDS: &[&str] = &["search", "contents", "print", "assets", "404"];

/// What a local edition tells the resolve stage.
#[derive(Debug, Default)]
pub struct Edition {
    /// Base pages an `exclude` left out.
    pub excluded: Vec<crate::edition::Excluded>,
    /// Base files replaced by a page elsewhere: path under `content/` → the id in its place.
    pub moved: HashMap<String, String>,
}

impl Edition {
    /// The left-out page a reference names: by full id, short name or file.
    fn excluded(&self, target: &RefTarget) -> Option<&crate::edition::Excluded> {
        self.excluded.iter().find(|e| match target {
            RefTarget::Id { id, .. } => {
                let id = id.trim().trim_matches('/');
                e.id == id || (!id.contains('/') && e.id.rsplit('/').next() == Some(id))
            }
            RefTarget::File { path, .. } => e.rel == *path,
        })
    }
}

/// Where a resolved reference lands inside its page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Anchor {
    Block(usize),
    Heading(usize),
}

/// A reference that resolved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Resolved {
    pub page: usize,
    pub anchor: Option<Anchor>,
}

/// Something that refers to a page: a page, or one block of it (a key message).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Source {
    pub page: usize,
    pub block: Option<usize>,
}

/// A generated index of every page of one kind (all principles, the glossary, ...).
#[derive(Debug, Clone)]
pub struct KindIndex {
    pub kind: Kind,
    pub id: &'static str,
    /// A content page with this id shows the index (its own text first).
    pub page: Option<usize>,
    /// The pages of the kind, in reading order.
    pub items: Vec<usize>,
}

/// The resolved handbook.
pub struct Site {
    /// The pages, shared with whoever parsed them (a session keeps them between builds).
    pub pages: Vec<Arc<ParsedPage>>,
    pub home: usize,
    pub parent: Vec<Option<usize>>,
    pub children: Vec<Vec<usize>>,
    /// Pages in reading order (depth first through the tree).
    pub order: Vec<usize>,
    /// Position of each page in `order`.
    pub rank: Vec<usize>,
    /// Per page, per reference: where it points (None where it failed to resolve).
    pub refs: Vec<Vec<Option<Resolved>>>,
    /// Per page: resolved front-matter `principles` and `related`.
    pub principles: Vec<Vec<usize>>,
    pub related: Vec<Vec<usize>>,
    /// Per page, per block: the principles the block is about.
    pub block_principles: Vec<Vec<Vec<usize>>>,
    /// Per page: who refers to it, in reading order.
    pub backlinks: Vec<Vec<Source>>,
    pub indexes: Vec<KindIndex>,
    /// (page, reference) → the title of the left-out page a reference names, for references
    /// an edition prints as plain text.
    pub unlinked: HashMap<(usize, usize), String>,
    /// Every place that names a page the edition left out (references and `principles` or
    /// `related` entries), whatever `on_excluded_reference` makes of it; in page order.
    pub to_excluded: Vec<ExcludedRef>,
}

/// A place that names a page an edition left out: what `tenet edition status` lists under
/// the left-out page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExcludedRef {
    /// The left-out page's id.
    pub id: String,
    /// The file that names it, as shown.
    pub file: std::path::PathBuf,
    pub pos: Pos,
}

/// One page's references and relations, resolved.
struct PageLinks {
    refs: Vec<Option<Resolved>>,
    principles: Vec<usize>,
    related: Vec<usize>,
    block_principles: Vec<Vec<usize>>,
    relations: Vec<(Source, usize)>,
    unlinked: Vec<((usize, usize), String)>,
    to_excluded: Vec<ExcludedRef>,
    problems: Vec<Diagnostic>,
}

/// Resolves the parsed pages. `title` is the book title, used for a home page when
/// `content/_index.md` is missing.
pub fn resolve(
    mut pages: Vec<Arc<ParsedPage>>,
    title: &str,
    edition: &Edition,
    display_root: &Path,
) -> (Site, Vec<Diagnostic>) {
    let mut problems = Vec::new();
    pages.sort_by(|a, b| a.rel.cmp(&b.rel));
    let home = match pages.iter().position(|p| p.id.is_empty()) {
        Some(i) => i,
        None => {
            pages.push(Arc::new(synthetic_home(title, display_root)));
            pages.len() - 1
        }
    };
    check_ids(&pages, &mut problems);
    let ids = Ids::new(&pages);
    let (parent, children, order, rank) = tree(&pages, home, &ids);

    // Each page's references and relations, resolved in parallel, then gathered in order.
    let resolved: Vec<PageLinks> = pages
        .par_iter()
        .enumerate()
        .map(|(p, page)| {
            let mut problems = Vec::new();
            let mut relations: Vec<(Source, usize)> = Vec::new();
            let mut unlinked = Vec::new();
            let mut to_excluded = Vec::new();
            let error = |pos: Pos, (code, message, help): Problem| {
                let d = Diagnostic::error(&page.shown, message).at(pos).code(code);
                match help {
                    Some(h) => d.help(h),
                    None => d,
                }
            };
            // A place naming a left-out page: recorded, and an error or a warning as the
            // edition's `on_excluded_reference` says.
            let left_out_at = |pos: Pos,
                               excluded: &crate::edition::Excluded,
                               to_excluded: &mut Vec<ExcludedRef>,
                               problems: &mut Vec<Diagnostic>| {
                to_excluded.push(ExcludedRef {
                    id: excluded.id.clone(),
                    file: page.shown.clone(),
                    pos,
                });
                if let Some(d) = excluded.diagnostic(&page.shown) {
                    problems.push(d.at(pos));
                }
            };
            // Front matter.
            let lookup = |list: &[crate::page::Located<String>],
                          want_principle: bool,
                          to_excluded: &mut Vec<ExcludedRef>,
                          problems: &mut Vec<Diagnostic>| {
                let mut found = Vec::new();
                for item in list {
                    match relation(&ids, &pages, edition, &item.value, want_principle) {
                        Ok(Relation::Page(t)) => found.push(t),
                        Ok(Relation::LeftOut(excluded)) => {
                            left_out_at(item.pos, excluded, to_excluded, problems)
                        }
                        Err(problem) => problems.push(error(item.pos, problem)),
                    }
                }
                found
            };
            let page_principles =
                lookup(&page.fm.principles, true, &mut to_excluded, &mut problems);
            let page_related = lookup(&page.fm.related, false, &mut to_excluded, &mut problems);
            for &t in page_principles.iter().chain(&page_related) {
                relations.push((
                    Source {
                        page: p,
                        block: None,
                    },
                    t,
                ));
            }
            // Block attributes.
            let mut per_block = Vec::with_capacity(page.blocks.len());
            for (b, block) in page.blocks.iter().enumerate() {
                let mut about = Vec::new();
                for (key, want_principle) in [("principles", true), ("related", false)] {
                    for (value, pos) in block.spec.list_attr(key) {
                        match relation(&ids, &pages, edition, &value, want_principle) {
                            Ok(Relation::LeftOut(excluded)) => {
                                left_out_at(pos, excluded, &mut to_excluded, &mut problems)
                            }
                            Ok(Relation::Page(t)) => {
                                if want_principle {
                                    about.push(t);
                                }
                                relations.push((
                                    Source {
                                        page: p,
                                        block: Some(b),
                                    },
                                    t,
                                ));
                            }
                            Err(problem) => problems.push(error(pos, problem)),
                        }
                    }
                }
                per_block.push(about);
            }
            // References in the body.
            let written_refs = page.refs.read();
            let mut page_refs = Vec::with_capacity(written_refs.len());
            for r in &written_refs {
                // A miss is explained (with suggestions, which cost a scan of every id) only when
                // it is not a page the edition left out.
                let found = match &r.target {
                    RefTarget::Id { id, .. } => ids.lookup(id),
                    RefTarget::File { path, .. } => ids
                        .file(path)
                        .or_else(|| edition.moved.get(path).and_then(|id| ids.get(id))),
                };
                let left_out = match found {
                    Some(_) => None,
                    None => edition.excluded(&r.target),
                };
                let target = match (found, &r.target) {
                    (Some(t), _) => Ok(t),
                    // Reported below, as the edition says (`left_out_at`).
                    (None, _) if left_out.is_some() => {
                        Err(("excluded-reference", String::new(), None))
                    }
                    (None, RefTarget::Id { id, .. }) => {
                        ids.resolve(id).map_err(|nf| (nf.code, nf.message, nf.help))
                    }
                    (None, RefTarget::File { path, written, .. }) => Err((
                        "broken-link",
                        format!("link to `{written}`: no page at content/{path}"),
                        did_you_mean(&suggest(path, ids.files())),
                    )),
                };
                let anchor = match &r.target {
                    RefTarget::Id { anchor, .. } | RefTarget::File { anchor, .. } => {
                        anchor.as_deref()
                    }
                };
                let resolved = target.and_then(|t| {
                    let anchor = match anchor.filter(|a| !a.is_empty()) {
                        None => None,
                        Some(a) => Some(find_anchor(&pages[t], a).ok_or_else(|| {
                            let headings = pages[t].headings.read();
                            let known: Vec<&str> = headings
                                .iter()
                                .map(|h| h.anchor.as_str())
                                .chain(pages[t].blocks.iter().map(|b| b.spec.id.as_str()))
                                .collect();
                            let shown_id = if pages[t].id.is_empty() {
                                "the home page".to_string()
                            } else {
                                format!("`{}`", pages[t].id)
                            };
                            (
                                "unknown-anchor",
                                format!("{shown_id} has no heading or block `#{a}`"),
                                did_you_mean(&suggest(a, known.iter().copied())),
                            )
                        })?),
                    };
                    Ok(Resolved { page: t, anchor })
                });
                match resolved {
                    Ok(resolved) => {
                        let in_key_message = r.block.and_then(|b| enclosing_key_message(page, b));
                        if resolved.page != p {
                            relations.push((
                                Source {
                                    page: p,
                                    block: in_key_message,
                                },
                                resolved.page,
                            ));
                        }
                        page_refs.push(Some(resolved));
                    }
                    Err(problem) => {
                        match left_out {
                            Some(excluded) => {
                                if excluded.mode != crate::config::OnExcluded::Error {
                                    unlinked.push(((p, page_refs.len()), excluded.title.clone()));
                                }
                                left_out_at(r.pos, excluded, &mut to_excluded, &mut problems);
                            }
                            None => problems.push(error(r.pos, problem)),
                        }
                        page_refs.push(None);
                    }
                }
            }
            PageLinks {
                refs: page_refs,
                principles: page_principles,
                related: page_related,
                block_principles: per_block,
                relations,
                unlinked,
                to_excluded,
                problems,
            }
        })
        .collect();
    let mut relations: Vec<(Source, usize)> = Vec::new();
    let mut refs = Vec::with_capacity(pages.len());
    let mut principles = Vec::with_capacity(pages.len());
    let mut related = Vec::with_capacity(pages.len());
    let mut block_principles = Vec::with_capacity(pages.len());
    let mut unlinked = HashMap::new();
    let mut to_excluded = Vec::new();
    for page in resolved {
        refs.push(page.refs);
        principles.push(page.principles);
        related.push(page.related);
        block_principles.push(page.block_principles);
        relations.extend(page.relations);
        unlinked.extend(page.unlinked);
        to_excluded.extend(page.to_excluded);
        problems.extend(page.problems);
    }

    let backlinks = backlinks(&pages, relations, &rank);
    let indexes = kind_indexes(&pages, &ids, &order, &mut problems);
    let site = Site {
        pages,
        home,
        parent,
        children,
        order,
        rank,
        refs,
        principles,
        related,
        block_principles,
        backlinks,
        indexes,
        unlinked,
        to_excluded,
    };
    (site, problems)
}

impl Site {
    /// The site `resolve` would make of these pages, given in place of pages of the same files
    /// that differ only in what resolving does not read (their text, where things are): this
    /// site with them put in. `self` must have been resolved without problems (so positions,
    /// which only problems show, do not matter). `None` when a page changed in anything
    /// resolving reads (its id, front matter, headings, blocks or references), or is not here.
    pub fn with_pages(mut self, changed: &[Arc<ParsedPage>]) -> Option<Site> {
        for page in changed {
            let at = self.pages.iter().position(|p| p.rel == page.rel)?;
            if resolved_from(&self.pages[at]) != resolved_from(page) {
                return None;
            }
            self.pages[at] = page.clone();
        }
        Some(self)
    }
}

/// A hash of what resolving reads of a page, but where things are in its file.
fn resolved_from(page: &ParsedPage) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = rustc_hash::FxHasher::default();
    (&page.rel, &page.id, &page.shown, page.layer, &page.language).hash(&mut h);
    format!("{:?}", page.fm).hash(&mut h);
    for heading in &page.headings.read() {
        heading.anchor.hash(&mut h);
    }
    for block in &page.blocks {
        let spec = &block.spec;
        (spec.kind, &spec.id, spec.parent).hash(&mut h);
        for (key, value, _) in &spec.attrs {
            (key, value).hash(&mut h);
        }
    }
    for r in &page.refs.read() {
        (&r.target, r.block).hash(&mut h);
    }
    h.finish()
}

/// What a `principles` or `related` entry names.
enum Relation<'e> {
    Page(usize),
    /// A page the edition leaves out (the entry is dropped, or an error, as the edition says).
    LeftOut(&'e crate::edition::Excluded),
}

/// The page a `principles` or `related` entry names, or the left-out page.
fn relation<'e>(
    ids: &Ids,
    pages: &[Arc<ParsedPage>],
    edition: &'e Edition,
    value: &str,
    want_principle: bool,
) -> Result<Relation<'e>, Problem> {
    if ids.lookup(value).is_none() {
        let target = RefTarget::Id {
            id: value.to_string(),
            anchor: None,
        };
        if let Some(excluded) = edition.excluded(&target) {
            return Ok(Relation::LeftOut(excluded));
        }
    }
    relation_target(ids, pages, value, want_principle).map(Relation::Page)
}

/// The page a `principles` or `related` entry names; `principles` must name principle pages.
fn relation_target(
    ids: &Ids,
    pages: &[Arc<ParsedPage>],
    value: &str,
    want_principle: bool,
) -> Result<usize, Problem> {
    let t = ids
        .resolve(value)
        .map_err(|nf| (nf.code, nf.message, nf.help))?;
    if want_principle && pages[t].fm.kind != Kind::Principle {
        return Err((
            "not-a-principle",
            format!("`{value}` is a {}, not a principle", pages[t].fm.kind.name()),
            Some("list principle pages (kind = \"principle\") under `principles`, other pages under `related`".into()),
        ));
    }
    Ok(t)
}

fn synthetic_home(title: &str, display_root: &Path) -> ParsedPage {
    ParsedPage {
        rel: "_index.md".into(),
        shown: crate::diagnostics::display_path(display_root, Path::new("content/_index.md")),
        id: String::new(),
        id_pos: Pos::START,
        fm: FrontMatter {
            title: title.to_string(),
            ..Default::default()
        },
        body: Default::default(),
        headings: Default::default(),
        blocks: Vec::new(),
        refs: Default::default(),
        files: Vec::new(),
        external: Vec::new(),
        loads: Vec::new(),
        urls: Vec::new(),
        lead: None,
        has_code: false,
        source_len: 0,
        source_hash: 0,
        facet_hash: 0,
        layer: 0,
        language: None,
    }
}

fn check_ids(pages: &[Arc<ParsedPage>], problems: &mut Vec<Diagnostic>) {
    let mut first: rustc_hash::FxHashMap<&str, usize> =
        rustc_hash::FxHashMap::with_capacity_and_hasher(pages.len(), Default::default());
    let mut folded: std::collections::HashMap<String, usize> =
        std::collections::HashMap::with_capacity(pages.len());
    for (i, page) in pages.iter().enumerate() {
        if let Some(&j) = first.get(page.id.as_str()) {
            let shown_id = if page.id.is_empty() {
                "(the home page)".to_string()
            } else {
                page.id.clone()
            };
            problems.push(
                Diagnostic::error(
                    &page.shown,
                    format!(
                        "duplicate id `{shown_id}`: {} has it too",
                        pages[j].shown.display()
                    ),
                )
                .at(page.id_pos)
                .help("give one of the pages another `id` in its front matter, or rename the file")
                .code("duplicate-id"),
            );
        } else {
            first.insert(&page.id, i);
            // Two ids that differ only in case are one folder where names ignore case
            // (Windows, macOS): one page would overwrite the other.
            match folded.entry(page.id.to_lowercase()) {
                std::collections::hash_map::Entry::Occupied(other) => {
                    let j = *other.get();
                    problems.push(
                        Diagnostic::error(
                            &page.shown,
                            format!(
                                "the id `{}` differs from `{}` ({}) only in case: where file names ignore case (Windows, macOS) the two pages would be one",
                                page.id,
                                pages[j].id,
                                pages[j].shown.display()
                            ),
                        )
                        .at(page.id_pos)
                        .help("rename one of the files, or give it another `id`")
                        .code("case-clash"),
                    );
                }
                std::collections::hash_map::Entry::Vacant(slot) => {
                    slot.insert(i);
                }
            }
        }
        let last = page.id.rsplit('/').next().unwrap_or_default();
        let reserved = RESERVED_IDS.contains(&page.id.as_str())
            || ["handout", "lesson-plan", "slides"].contains(&last);
        if reserved {
            problems.push(
                Diagnostic::error(&page.shown, format!("the id `{}` is reserved for a generated page", page.id))
                    .at(page.id_pos)
                    .help("`search`, `print`, `assets`, `404` and ids ending in `/handout`, `/lesson-plan` or `/slides` are taken by the output layout; set another `id`")
                    .code("reserved-id"),
            );
        }
    }
}

fn find_anchor(page: &ParsedPage, anchor: &str) -> Option<Anchor> {
    if let Some(b) = page.blocks.iter().position(|b| b.spec.id == anchor) {
        return Some(Anchor::Block(b));
    }
    page.headings
        .read()
        .iter()
        .position(|h| h.anchor == anchor)
        .map(Anchor::Heading)
}

/// The key message a block sits in (itself, or an enclosing one).
fn enclosing_key_message(page: &ParsedPage, mut block: usize) -> Option<usize> {
    loop {
        let spec = &page.blocks[block].spec;
        if spec.kind == BlockKind::KeyMessage {
            return Some(block);
        }
        block = spec.parent?;
    }
}

type Tree = (Vec<Option<usize>>, Vec<Vec<usize>>, Vec<usize>, Vec<usize>);

/// The navigation tree: a page's parent is the `_index.md` of the nearest folder above it.
fn tree(pages: &[Arc<ParsedPage>], home: usize, ids: &Ids) -> Tree {
    let n = pages.len();
    let mut parent = vec![None; n];
    let mut children = vec![Vec::new(); n];
    for (i, page) in pages.iter().enumerate() {
        if i == home {
            continue;
        }
        let mut dir = folder_of(&page.rel);
        if page.rel.ends_with("/_index.md") || page.rel == "_index.md" {
            dir = folder_of(dir);
        }
        let mut found = None;
        let mut index_file = String::new();
        loop {
            index_file.clear();
            if !dir.is_empty() {
                index_file.push_str(dir);
                index_file.push('/');
            }
            index_file.push_str("_index.md");
            if let Some(p) = ids.file(&index_file).filter(|&p| p != i) {
                found = Some(p);
                break;
            }
            if dir.is_empty() {
                break;
            }
            dir = folder_of(dir);
        }
        let p = found.unwrap_or(home);
        parent[i] = Some(p);
        children[p].push(i);
    }
    let keys: Vec<order::Key> = pages.par_iter().map(|p| order::Key::of(p)).collect();
    for list in &mut children {
        list.sort_by(|&a, &b| order::compare(&keys[a], &keys[b]));
    }
    let mut order = Vec::with_capacity(n);
    let mut stack = vec![home];
    while let Some(i) = stack.pop() {
        order.push(i);
        stack.extend(children[i].iter().rev());
    }
    let mut rank = vec![usize::MAX; n];
    for (position, &i) in order.iter().enumerate() {
        rank[i] = position;
    }
    (parent, children, order, rank)
}

fn folder_of(path: &str) -> &str {
    match path.rfind('/') {
        Some(i) => &path[..i],
        None => "",
    }
}

fn backlinks(
    pages: &[Arc<ParsedPage>],
    mut relations: Vec<(Source, usize)>,
    rank: &[usize],
) -> Vec<Vec<Source>> {
    // Sorted this way, equal (source, target) pairs are adjacent, so `dedup` leaves each once.
    relations.sort_unstable_by_key(|&(s, t)| (t, rank[s.page], s.block, s.page));
    relations.dedup();
    let mut backlinks = vec![Vec::new(); pages.len()];
    for (source, target) in relations {
        backlinks[target].push(source);
    }
    backlinks
}

fn kind_indexes(
    pages: &[Arc<ParsedPage>],
    ids: &Ids,
    order: &[usize],
    problems: &mut Vec<Diagnostic>,
) -> Vec<KindIndex> {
    let mut indexes = Vec::new();
    for kind in Kind::ALL {
        let Some(id) = kind.index_id() else { continue };
        let items: Vec<usize> = order
            .iter()
            .copied()
            .filter(|&i| pages[i].fm.kind == kind)
            .collect();
        if items.is_empty() {
            continue;
        }
        let page = ids.get(id);
        if let Some(p) = page
            && pages[p].fm.kind != Kind::Page
        {
            problems.push(
                Diagnostic::error(&pages[p].shown, format!("the id `{id}` is the index of all {id}; a {} cannot have it", pages[p].fm.kind.name()))
                    .at(pages[p].id_pos)
                    .help(format!("give this page another id, or make it a plain page (it then shows the index of {id} below its text)"))
                    .code("reserved-id"),
            );
        }
        indexes.push(KindIndex {
            kind,
            id,
            page,
            items,
        });
    }
    indexes
}
