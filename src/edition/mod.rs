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

use crate::config::{Exclude, Layer};
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
    /// Whether references to it become plain text (`on_excluded_reference = "unlink"` in the
    /// book.toml of that pattern) rather than errors.
    pub unlink: bool,
}

impl Excluded {
    /// The problem of a reference to this page (when references to it are not unlinked).
    pub fn problem(&self) -> (&'static str, String, Option<String>) {
        (
            "excluded-reference",
            format!(
                "`{}` is left out of this edition (by `exclude` pattern `{}`), so this reference would lead nowhere",
                self.id, self.pattern
            ),
            Some(
                "replace this page in the edition without the reference, keep the page, or set \
                 `[edition] on_excluded_reference = \"unlink\"` to print such references as plain text"
                    .into(),
            ),
        )
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
        /// The hash of the base page's file now: filled in by [`status`] (a build does not
        /// need it).
        base_hash: String,
        /// The hash the edition's copy records (`base_hash`), if any.
        recorded: Option<String>,
    },
    /// A base page left out by the pattern named.
    Removed { pattern: String },
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
                    },
                    file: c.file.shown.clone(),
                });
            }
            overlay.excluded.push(Excluded {
                id: c.peek.id.clone(),
                title: c.peek.title.clone().unwrap_or_else(|| full_title(&c.file)),
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
                base_path: base.file.path.clone(),
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

/// What `tenet edition status` shows: the edition's changes to its bases.
pub fn status(root: &Path) -> (Option<Vec<Change>>, Vec<Diagnostic>) {
    let (layers, mut problems) = edition_layers(root);
    let Some(layers) = layers else {
        return (None, problems);
    };
    let (overlay, found) = overlay(&layers);
    problems.extend(found);
    let mut changes = overlay.changes;
    for change in &mut changes {
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
    (Some(changes), problems)
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

/// `tenet edition override ID`: copies the base's page `id` into the edition, at the same
/// path under `content/`, recording the base page's hash (`base_hash`) in its front matter so
/// that `status` can tell when the base changes. With `refresh`, only updates the hash of the
/// edition's existing copy (after bringing it up to date with the base). Returns the file
/// written.
pub fn override_page(root: &Path, id: &str, refresh: bool) -> Result<PathBuf, Vec<Diagnostic>> {
    let (layers, problems) = edition_layers(root);
    let Some(layers) = layers else {
        return Err(problems);
    };
    let id = id.trim().trim_matches('/');
    let top = layers.len() - 1;
    let (base, _) = overlay(&layers[..top]);
    let Some(at) = base.peeks.iter().position(|p| p.id == id) else {
        let known = base.peeks.iter().map(|p| p.id.as_str());
        let help = crate::diagnostics::did_you_mean(&crate::diagnostics::suggest(id, known))
            .unwrap_or_else(|| "`tenet edition status` lists the edition's pages; ids are paths under content/ without `.md`".into());
        return Err(vec![
            Diagnostic::error(
                root.join("book.toml"),
                format!("the base has no page `{id}`"),
            )
            .help(help)
            .code("unknown-page"),
        ]);
    };
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
                    "there is no copy of `{id}` to refresh ({e}); run without --refresh to make one"
                ),
            )
        })?
    } else {
        if target.exists() {
            return Err(vec![
                Diagnostic::error(&target, format!("the edition already has its own `{id}`"))
                    .help(format!(
                        "edit that file; once it matches the base again, run `tenet edition override {id} --refresh` to record the base's hash"
                    ))
                    .code("already-exists"),
            ]);
        }
        String::from_utf8(bytes)
            .map_err(|_| fail(&file.shown, "encoding", "the base page is not UTF-8".into()))?
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
    std::fs::write(&target, stamped)
        .map_err(|e| fail(&target, "io", format!("cannot write: {e}")))?;
    Ok(target)
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
# A reference to a left-out page is an error; "unlink" prints it as plain text instead.
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
            base_hash: "1".into(),
            recorded: recorded.map(str::to_string),
        };
        assert!(!replaced(Some("1")).is_stale());
        assert!(replaced(Some("0")).is_stale());
        assert!(replaced(None).is_stale());
        assert!(!What::Added.is_stale());
    }
}
