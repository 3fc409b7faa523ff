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

/// What `tenet edition status` shows.
#[derive(Debug, Default)]
pub struct Status {
    /// The edition's changes to its bases (replaced pages with their base's hash of now).
    pub changes: Vec<Change>,
    /// Per stale copy (by id): what changed in the base since it was made.
    pub base_changes: BTreeMap<String, BaseChange>,
    /// Per left-out page (by id): the places in the pages kept that name it.
    pub referrers: BTreeMap<String, Vec<crate::site::ExcludedRef>>,
    /// The pages of the edition that are a base's in another language than the edition's
    /// `[book] language`: (id, their language), in id order. Empty when every base is in the
    /// edition's language.
    pub untranslated: Vec<(String, String)>,
    /// The edition's language.
    pub language: String,
}

/// What changed in a base page since the edition's copy of it was made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BaseChange {
    /// A unified diff of the base page then and now (empty when only line endings differ).
    Diff(String),
    /// The base text the copy was made from is not kept ([`kept`]): a copy made before tenet
    /// kept it, or one that records no `base_hash`.
    Unknown,
    /// The kept base text does not have the hash the copy records (either was edited by hand).
    Mismatch,
}

/// `tenet edition status`: the edition's changes to its bases, what changed in the base of
/// each stale copy, the references to left-out pages, and the pages still untranslated.
pub fn status(root: &Path) -> (Option<Status>, Vec<Diagnostic>) {
    let (layers, mut problems) = edition_layers(root);
    let Some(layers) = layers else {
        return (None, problems);
    };
    let (overlay, found) = overlay(&layers);
    problems.extend(found);
    let mut status = Status {
        changes: overlay.changes,
        ..Status::default()
    };
    check_base_hashes(&mut status.changes);
    for change in &status.changes {
        let What::Replaced {
            base,
            base_path,
            base_rel,
            recorded,
            ..
        } = &change.what
        else {
            continue;
        };
        if !change.what.is_stale() {
            continue;
        }
        let then = match recorded {
            Some(recorded) => kept::then(root, base_rel, recorded),
            None => kept::Then::Missing,
        };
        let what = match then {
            kept::Then::Missing => BaseChange::Unknown,
            kept::Then::Mismatch => BaseChange::Mismatch,
            kept::Then::Kept(old) => {
                let new = std::fs::read(base_path)
                    .map(|b| String::from_utf8_lossy(&b).into_owned())
                    .unwrap_or_default();
                let then_name = format!(
                    "{} (when the copy was made)",
                    kept::path(&layers[layers.len() - 1].shown, base_rel).display()
                );
                let now_name = format!("{} (now)", base.display());
                BaseChange::Diff(kept::diff(&old, &new, &then_name, &now_name))
            }
        };
        status.base_changes.insert(change.id.clone(), what);
    }

    // The pages from a base in another language.
    let top = layers.len() - 1;
    status.language = layers[top].language.clone();
    for (peek, file) in overlay.peeks.iter().zip(&overlay.sources.pages) {
        let language = &layers[file.layer].language;
        if !peek.draft && file.layer < top && *language != status.language {
            status
                .untranslated
                .push((peek.id.clone(), language.clone()));
        }
    }
    status.untranslated.sort();

    // The places naming a left-out page: where a check of the edition finds them.
    if !overlay.excluded.is_empty() {
        let mut check = crate::Session::new(crate::Options {
            root: root.to_path_buf(),
            out: None,
            write: false,
        });
        for place in check.build().excluded_references {
            status
                .referrers
                .entry(place.id.clone())
                .or_default()
                .push(place);
        }
        for places in status.referrers.values_mut() {
            places.sort_by(|a, b| (&a.file, a.pos).cmp(&(&b.file, b.pos)));
            places.dedup();
        }
    }
    (Some(status), problems)
}

/// The chain of an edition's handbooks; an error when `root` is not an edition.
fn edition_layers(root: &Path) -> (Option<Vec<Layer>>, Vec<Diagnostic>) {
    let (loaded, mut problems) = crate::config::load(root, root);
    let Some(loaded) = loaded else {
        return (None, problems);
    };
    if loaded.layers.len() < 2 {
        problems.push(
            Diagnostic::error(
                root.join("book.toml"),
                "this handbook is not a local edition: its book.toml has no `[edition] base`",
            )
            .help("make an edition with `tenet edition new DIR --base PATH`")
            .code("not-an-edition"),
        );
        return (None, problems);
    }
    (Some(loaded.layers), problems)
}

/// The page of the bases (`base`, the bases laid over each other) that `id` names, as a
/// reference would name it: its full id, a unique last part of it (`1.3-principles`), or its
/// file (`lessons/x.md`, also as `content/lessons/x.md`). The error names the base's
/// `content/` folder (`base_content`), where the page is missing.
fn find_base_page(base: &Overlay, id: &str, base_content: &Path) -> Result<usize, Diagnostic> {
    // Drafts stand aside for the page below them: they are not the base's page.
    let live: Vec<usize> = (0..base.peeks.len())
        .filter(|&i| !base.peeks[i].draft)
        .collect();
    let ids = crate::site::ids::Ids::of(live.iter().map(|&i| {
        (
            base.peeks[i].id.as_str(),
            base.sources.pages[i].rel.as_str(),
        )
    }));
    let written = id.trim();
    let as_file = written
        .trim_start_matches("./")
        .trim_start_matches("content/");
    if as_file.ends_with(".md")
        && let Some(i) = ids.file(as_file)
    {
        return Ok(live[i]);
    }
    ids.resolve(written).map(|i| live[i]).map_err(|nf| {
        let message = match nf.code {
            "ambiguous-reference" => format!("the base's page id {}", nf.message),
            _ => format!(
                "the base has no page `{}`",
                written.trim_matches('/')
            ),
        };
        let help = match nf.code {
            "ambiguous-reference" => "write the full id (its path under content/ without `.md`)".to_string(),
            _ => nf
                .help
                .filter(|h| h.starts_with("did you mean"))
                .unwrap_or_else(|| {
                    "a page is named by its id (its path under content/ without `.md`, or the `id` of its front matter) or by the last part of it when no other page ends so; `tenet edition status` lists the edition's pages".into()
                }),
        };
        Diagnostic::error(base_content, message)
            .help(help)
            .code("unknown-page")
    })
}

/// `tenet edition override ID`: copies the base's page `id` (named as a reference names it:
/// full id, unique short name, or file) into the edition, at the same path under `content/`,
/// recording the base page's hash (`base_hash`) in its front matter and keeping the base text
/// under `.tenet/base/` ([`kept`]), so that `status` can tell when the base changes and show
/// what changed. With `refresh`, only updates the hash and the kept text of the edition's
/// existing copy (after bringing it up to date with the base). Returns the file written and
/// the page's full id.
pub fn override_page(
    root: &Path,
    id: &str,
    refresh: bool,
) -> Result<(PathBuf, String), Vec<Diagnostic>> {
    let (layers, problems) = edition_layers(root);
    let Some(layers) = layers else {
        return Err(problems);
    };
    let top = layers.len() - 1;
    let (base, _) = overlay(&layers[..top]);
    let base_content = layers[top - 1].shown.join("content");
    let at = find_base_page(&base, id, &base_content).map_err(|d| vec![d])?;
    let id = base.peeks[at].id.as_str();
    let shown_id = if id.is_empty() { "/" } else { id };
    let file = &base.sources.pages[at];
    let fail = |path: &Path, code: &'static str, message: String| {
        vec![Diagnostic::error(path, message).code(code)]
    };
    let bytes = std::fs::read(&file.path)
        .map_err(|e| fail(&file.shown, "io", format!("cannot read: {e}")))?;
    let hash = content_hash(&bytes);
    let target = root.join("content").join(&file.rel);
    let text = if refresh {
        std::fs::read_to_string(&target).map_err(|e| {
            fail(
                &target,
                "missing-file",
                format!(
                    "there is no copy of `{shown_id}` to refresh ({e}); run without --refresh to make one"
                ),
            )
        })?
    } else {
        if target.exists() {
            return Err(vec![
                Diagnostic::error(&target, format!("the edition already has its own `{shown_id}`"))
                    .help(format!(
                        "edit that file; once it matches the base again, run `tenet edition override {shown_id} --refresh` to record the base's hash"
                    ))
                    .code("already-exists"),
            ]);
        }
        std::str::from_utf8(&bytes)
            .map_err(|_| fail(&file.shown, "encoding", "the base page is not UTF-8".into()))?
            .to_string()
    };
    let Some(stamped) = with_base_hash(&text, &hash) else {
        return Err(fail(
            &target,
            "front-matter",
            "the page has no front matter (`+++` or `---` block) to record `base_hash` in".into(),
        ));
    };
    if let Some(dir) = target.parent() {
        std::fs::create_dir_all(dir).map_err(|e| fail(dir, "io", format!("cannot create: {e}")))?;
    }
    kept::keep(root, &file.rel, &bytes).map_err(|d| vec![d])?;
    std::fs::write(&target, stamped)
        .map_err(|e| fail(&target, "io", format!("cannot write: {e}")))?;
    Ok((target, id.to_string()))
}

/// The page's text with `base_hash` set in its front matter (added after the opening line,
/// or its value replaced). `None` without front matter.
fn with_base_hash(text: &str, hash: &str) -> Option<String> {
    let body = text.strip_prefix('\u{feff}').unwrap_or(text);
    let first = body.lines().next()?.trim_end();
    let (line, closing) = match first {
        "+++" => (format!("base_hash = \"{hash}\""), "+++"),
        "---" => (format!("base_hash: \"{hash}\""), "---"),
        _ => return None,
    };
    let mut out = String::with_capacity(body.len() + 40);
    let mut lines = body.split_inclusive('\n');
    let opening = lines.next()?;
    let newline = if opening.ends_with("\r\n") {
        "\r\n"
    } else {
        "\n"
    };
    out.push_str(opening);
    let mut done = false;
    let mut in_header = true;
    for l in lines {
        let trimmed = l.trim_end();
        if in_header && trimmed == closing {
            if !done {
                out.push_str(&line);
                out.push_str(newline);
                done = true;
            }
            in_header = false;
            out.push_str(l);
        } else if in_header && !done && trimmed.starts_with("base_hash") {
            out.push_str(&line);
            out.push_str(newline);
            done = true;
        } else {
            out.push_str(l);
        }
    }
    (!in_header).then_some(out)
}

/// `tenet edition new DIR --base PATH`: a ready edition folder with a commented book.toml and
/// an empty `content/`. Refuses a folder that already holds a book.toml.
pub fn create(dir: &Path, base: &Path) -> Result<PathBuf, Vec<Diagnostic>> {
    let book = dir.join("book.toml");
    if book.exists() {
        return Err(vec![
            Diagnostic::error(&book, "there is already a book.toml here")
                .help("choose a new folder for the edition")
                .code("already-exists"),
        ]);
    }
    let (config, problems) = crate::config::load(base, base);
    let Some(config) = config else {
        let mut problems = problems;
        problems.insert(
            0,
            Diagnostic::error(base.join("book.toml"), "the base handbook cannot be read")
                .help("`--base` is the folder of the handbook to customise (the one holding its book.toml)")
                .code("missing-handbook"),
        );
        return Err(problems);
    };
    let relative = relative_path(dir, base);
    let title = config
        .config
        .book
        .title
        .replace('\\', "\\\\")
        .replace('"', "\\\"");
    let language = &config.config.book.language;
    let text = format!(
        r##"# A local edition of "{title}".
# It takes everything from its base and changes only what this folder says, so it keeps up
# with the base's next release. `tenet build` builds it; `tenet edition status` lists what it
# adds, replaces and removes, and which of its copies of base pages are out of date.

[book]
title = "{title}"        # the edition's own title
language = "{language}"              # a translation: "fr", "es", "ar" (right to left), "ru", "zh"...
# edition = "2026, local edition"   # shown in the footer and on printed pages

[edition]
base = "{relative}"
# Base pages to leave out, by id (globs; a page's children go with it):
exclude = [
  # "lessons/module-2/2.3-*",
]
# A reference in a base page to a left-out page is printed as plain text, with a warning at
# each (`tenet edition status` lists them): "unlink" for no warning, "error" to refuse them.
# on_excluded_reference = "unlink"

# [theme]                           # branding, without touching templates
# logo = "brand/logo.svg"           # files are relative to this book.toml
# favicon = "brand/favicon.png"
# primary = "#0b6e4f"               # links and the top bar
# accent = "#a0561a"                # key messages
# footer = "Training centre, local edition"

# [strings]                         # any of the theme's words (docs/translations.md)
# trainer_tip = "Note for the facilitator"

# Pages: add yours under content/. To change a base page, copy it with
#   tenet edition override <id>
# which records the base page's hash, so that `tenet edition status` can tell when it changes.
#
# A translation can also be published with its base as one site with a language menu: list it
# in the base's book.toml, e.g. `[languages.fr]` then `edition = "path/to/this/folder"`.
"##,
        relative = relative.display().to_string().replace('\\', "/"),
    );
    let fail = |path: &Path, e: std::io::Error| {
        vec![Diagnostic::error(path, format!("cannot write: {e}")).code("io")]
    };
    std::fs::create_dir_all(dir.join("content")).map_err(|e| fail(dir, e))?;
    std::fs::write(&book, text).map_err(|e| fail(&book, e))?;
    Ok(book)
}

/// `to` as seen from `from` (both folders), through their absolute forms.
fn relative_path(from: &Path, to: &Path) -> PathBuf {
    let from = crate::output::absolute(from);
    let to = crate::output::absolute(to);
    let common = from
        .components()
        .zip(to.components())
        .take_while(|(a, b)| a == b)
        .count();
    let mut out = PathBuf::new();
    for _ in from.components().skip(common) {
        out.push("..");
    }
    for part in to.components().skip(common) {
        out.push(part);
    }
    if out.as_os_str().is_empty() {
        out.push(".");
    }
    out
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
    fn the_base_hash_goes_into_toml_and_yaml_front_matter() {
        assert_eq!(
            with_base_hash("+++\ntitle = \"A\"\n+++\nBody +++\n", "ab").unwrap(),
            "+++\ntitle = \"A\"\nbase_hash = \"ab\"\n+++\nBody +++\n"
        );
        assert_eq!(
            with_base_hash(
                "---\r\ntitle: A\r\nbase_hash: \"old\"\r\n---\r\nB\r\n",
                "cd"
            )
            .unwrap(),
            "---\r\ntitle: A\r\nbase_hash: \"cd\"\r\n---\r\nB\r\n"
        );
        assert_eq!(with_base_hash("No front matter\n", "ab"), None);
        assert_eq!(with_base_hash("+++\ntitle = \"unclosed\"\n", "ab"), None);
    }

    /// The bases of an edition as `override` sees them: pages by (path under content/, id).
    fn base_of(pages: &[(&str, &str, bool)]) -> Overlay {
        let mut base = Overlay::default();
        for &(rel, id, draft) in pages {
            base.peeks.push(Peek {
                id: id.into(),
                draft,
                ..Peek::of_path(rel)
            });
            base.sources.pages.push(SourceFile {
                rel: rel.into(),
                shown: PathBuf::from("base/content").join(rel),
                path: PathBuf::from(rel),
                layer: 0,
            });
        }
        base
    }

    #[test]
    fn a_base_page_is_found_by_id_short_name_or_file_and_a_miss_names_the_base() {
        let base = base_of(&[
            ("principles/credibility.md", "principles/credibility", false),
            (
                "lessons/m1/1.3-principles.md",
                "lessons/m1/1.3-principles",
                false,
            ),
            ("glossary/credibility.md", "glossary/credibility", false),
            ("extra/file.md", "own-id", false),
            ("drafts/1.4-new.md", "lessons/m1/1.4-new", true),
        ]);
        let at = Path::new("base/content");
        let find = |id: &str| find_base_page(&base, id, at);
        assert_eq!(find("principles/credibility").ok(), Some(0));
        assert_eq!(find("/principles/credibility/").ok(), Some(0));
        assert_eq!(find("1.3-principles").ok(), Some(1));
        assert_eq!(find("own-id").ok(), Some(3));
        assert_eq!(find("extra/file.md").ok(), Some(3));
        assert_eq!(find("content/lessons/m1/1.3-principles.md").ok(), Some(1));

        let miss = find("1.3-principle").unwrap_err();
        assert_eq!(miss.path, PathBuf::from("base/content"));
        assert_eq!(miss.message, "the base has no page `1.3-principle`");
        assert_eq!(
            miss.help.as_deref(),
            Some("did you mean `lessons/m1/1.3-principles`?")
        );
        let ambiguous = find("credibility").unwrap_err();
        assert!(
            ambiguous
                .message
                .contains("`credibility` is ambiguous: it names `glossary/credibility`, `principles/credibility`"),
            "{}",
            ambiguous.message
        );
        // A draft is no base page.
        assert!(find("1.4-new").is_err());
        assert!(find("lessons/m1/1.4-new").is_err());
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
    fn relative_paths_climb_and_descend() {
        assert_eq!(
            relative_path(Path::new("/a/b/ed"), Path::new("/a/base")),
            PathBuf::from("../../base")
        );
        assert_eq!(
            relative_path(Path::new("/a"), Path::new("/a/base")),
            PathBuf::from("base")
        );
    }

    #[test]
    fn a_replaced_page_is_stale_unless_it_records_the_base_hash_of_now() {
        let replaced = |recorded: Option<&str>| What::Replaced {
            base: PathBuf::from("b.md"),
            base_path: PathBuf::from("b.md"),
            base_rel: "b.md".into(),
            base_hash: "1".into(),
            recorded: recorded.map(str::to_string),
        };
        assert!(!replaced(Some("1")).is_stale());
        assert!(replaced(Some("0")).is_stale());
        assert!(replaced(None).is_stale());
        assert!(!What::Added.is_stale());
    }
}
