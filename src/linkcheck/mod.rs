//! Check: the links of the output, whatever made them. Each HTML file a build makes (and each
//! HTML and CSS file it copies) is scanned as it is made ([`Scanner`]): the ids it names, the
//! files of the site it links to, and what cannot be settled yet (a link to a file of another
//! part of the site, or to an anchor of another file). Once every file is known, [`check`]
//! settles the rest: every link must reach a file of the output and every `#fragment` an id in
//! it. A broken one is reported where it was written: the markdown file and line (a link in
//! the page's markdown or raw HTML), the template file and line (a link a template writes as
//! it is), the template's name (a link a template makes), or the static file and line. The
//! same pass finds the pages no link of the output reaches from the home page (without
//! JavaScript: the navigation tree, a script, does not count).
//!
//! Input: the scanned files and what each part's sources wrote ([`Written`]); output:
//! diagnostics. Links to other sites are not followed (`check --external --online` does).

pub mod html;
pub mod online;

use std::collections::{HashMap, HashSet};

use rustc_hash::{FxHashMap, FxHashSet};
use std::path::PathBuf;
use std::sync::Arc;

use crate::diagnostics::{Diagnostic, LineIndex, Pos};
pub use html::UrlKind;

/// The codes of the problems the link check reports (a site with errors of other kinds is
/// not checked: its output is not sound).
pub const CODES: [&str; 3] = ["broken-link", "missing-image", "missing-anchor"];

/// Where the site is published, as `base_url` says: links that name it are links inside.
#[derive(Debug, Clone, Default)]
pub struct Base {
    /// The path of the site on its server (`/`, `/handbook/`); root-relative links under it
    /// are inside the site.
    path: String,
    /// The absolute URL of the site, when `base_url` is one.
    absolute: Option<String>,
}

impl Base {
    pub fn of(base_url: &str) -> Base {
        let with_slash = |s: &str| {
            if s.ends_with('/') {
                s.to_string()
            } else {
                format!("{s}/")
            }
        };
        if let Some(rest) = base_url
            .strip_prefix("https://")
            .or_else(|| base_url.strip_prefix("http://"))
        {
            let path = rest.find('/').map_or("/", |i| &rest[i..]);
            Base {
                path: with_slash(path),
                absolute: Some(with_slash(base_url)),
            }
        } else if base_url.starts_with('/') {
            Base {
                path: with_slash(base_url),
                absolute: None,
            }
        } else {
            Base {
                path: "/".into(),
                absolute: None,
            }
        }
    }
}

/// Where a URL written in the file at `from` leads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolved {
    /// A file of the site (its path from the output root, decoded), and a fragment.
    Inside {
        path: String,
        fragment: Option<String>,
    },
    /// Climbs above the output root.
    Outside,
    /// Another site (`http(s)://`, `//`), or a scheme that names no file (`mailto:`, `data:`),
    /// or a root-relative path outside the site's own.
    Elsewhere,
}

/// Resolves `value`, written in the output file `from` (a path from the output root).
pub fn resolve(from: &str, value: &str, base: &Base) -> Resolved {
    let value = value.trim_matches(|c: char| c.is_ascii_whitespace());
    let here = from.rfind('/').map_or("", |i| &from[..i]);
    // What follows the site's root (`dir` empty), or the folder of `from`.
    let (rest, dir, relative) = match base.absolute.as_deref().and_then(|a| value.strip_prefix(a)) {
        Some(inside) => (inside, "", false),
        None if value.starts_with("//") || has_scheme(value) => return Resolved::Elsewhere,
        None if value.starts_with('/') => match value.strip_prefix(base.path.as_str()) {
            Some(inside) => (inside, "", false),
            // `/handbook` for a site at `/handbook/`.
            None if base.path.strip_suffix('/') == Some(value) => ("", "", false),
            None => return Resolved::Elsewhere,
        },
        None => (value, here, true),
    };
    let (rest, fragment) = match rest.split_once('#') {
        Some((r, f)) => (
            r,
            Some(
                percent_encoding::percent_decode_str(f)
                    .decode_utf8_lossy()
                    .into_owned(),
            ),
        ),
        None => (rest, None),
    };
    let rest = rest.split('?').next().unwrap_or(rest);
    if relative && rest.is_empty() {
        // `#x`, `?q` or nothing: this very file.
        return Resolved::Inside {
            path: from.to_string(),
            fragment,
        };
    }
    let decoded = percent_encoding::percent_decode_str(rest).decode_utf8_lossy();
    // The folder, then each segment: `..` takes the last one off.
    let mut path = String::with_capacity(dir.len() + decoded.len() + 11);
    path.push_str(dir.trim_matches('/'));
    for segment in decoded.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                if path.is_empty() {
                    return Resolved::Outside;
                }
                path.truncate(path.rfind('/').unwrap_or(0));
            }
            s => {
                if !path.is_empty() {
                    path.push('/');
                }
                path.push_str(s);
            }
        }
    }
    // A folder: its index.html.
    let last = decoded.rsplit('/').next().unwrap_or("");
    if matches!(last, "" | "." | "..") {
        if !path.is_empty() {
            path.push('/');
        }
        path.push_str("index.html");
    }
    Resolved::Inside { path, fragment }
}

fn has_scheme(url: &str) -> bool {
    let Some(colon) = url.find(':') else {
        return false;
    };
    let scheme = &url[..colon];
    scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
}

/// The files of one part of the site known before its pages are made (its pages and static
/// files), by path from the output root: what a link can be settled against at once.
#[derive(Debug, Default, Clone)]
pub struct Known {
    pub paths: Vec<String>,
    /// Indices into `paths`, by the path's hash ([`id_hash`]): the paths are not copied (a
    /// site of 100,000 pages has 240,000 files).
    index: hashbrown::HashTable<u32>,
}

impl Known {
    pub fn new(paths: Vec<String>) -> Known {
        let mut index: hashbrown::HashTable<u32> = hashbrown::HashTable::with_capacity(paths.len());
        for (i, p) in paths.iter().enumerate() {
            let hash = id_hash(p);
            // A path listed twice is found at its last place.
            match index.find_mut(hash, |&j| paths[j as usize] == *p) {
                Some(at) => *at = i as u32,
                None => {
                    index.insert_unique(hash, i as u32, |&j| id_hash(&paths[j as usize]));
                }
            }
        }
        Known { paths, index }
    }

    fn find(&self, path: &str) -> Option<u32> {
        self.index
            .find(id_hash(path), |&j| self.paths[j as usize] == path)
            .copied()
    }
}

/// An id as [`Scanned::ids`] holds it.
pub fn id_hash(id: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = rustc_hash::FxHasher::default();
    id.hash(&mut h);
    h.finish()
}

/// What one file of the output names and links to, as far as it could be settled while it was
/// made.
#[derive(Debug, Default, Clone)]
pub struct Scanned {
    /// Its ids, as sorted hashes ([`id_hash`]): a site's files hold hundreds of thousands of
    /// ids, which a link names only a few of.
    pub ids: Vec<u64>,
    /// The known files it links to ([`Known`] indices of its part), without a fragment to
    /// check: what the reach of the pages is worked out from.
    pub reaches: Vec<u32>,
    /// Its links still to check.
    pub pending: Vec<Pending>,
}

/// A link that could not be settled while its file was made.
#[derive(Debug, Clone)]
pub struct Pending {
    /// As written (character references decoded).
    pub value: Box<str>,
    /// Where it leads: a path from the output root (None: above it).
    pub target: Option<Box<str>>,
    pub fragment: Option<Box<str>>,
    pub kind: UrlKind,
    /// Where it is written, for a file copied as it is (a static file).
    pub at: Option<Pos>,
    /// The page (of the part) whose body it is in, in a file that holds several (a print view).
    pub page: Option<u32>,
}

/// Scans one output file (fed in pieces that each end between tags, in any order).
pub struct Scanner<'a> {
    path: &'a str,
    base: &'a Base,
    known: &'a Known,
    /// Line positions of the whole file, for a copied file whose links are reported at their
    /// line.
    lines: Option<LineIndex<'a>>,
    ids: FxHashSet<u64>,
    reaches: Vec<u32>,
    /// Links to a fragment of this file (checked once every id is known), one per fragment;
    /// and the others.
    own: FxHashMap<u64, Pending>,
    pending: Vec<Pending>,
    /// The URLs met (as [`id_hash`]es), each checked once.
    seen: FxHashSet<u64>,
    /// The page whose body is fed, in a file that holds several.
    page: Option<u32>,
}

impl<'a> Scanner<'a> {
    pub fn new(path: &'a str, base: &'a Base, known: &'a Known) -> Scanner<'a> {
        Scanner {
            path,
            base,
            known,
            lines: None,
            ids: FxHashSet::default(),
            reaches: Vec::new(),
            own: FxHashMap::default(),
            pending: Vec::new(),
            seen: FxHashSet::default(),
            page: None,
        }
    }

    /// The scanner of one page's body in a file that holds several (to be merged into the
    /// file's).
    pub fn of_body(path: &'a str, page: usize, base: &'a Base, known: &'a Known) -> Scanner<'a> {
        Scanner {
            page: Some(page as u32),
            ..Scanner::new(path, base, known)
        }
    }

    /// The scanner of a file copied as it is, whose links are reported at their line.
    pub fn of_copied(
        path: &'a str,
        text: &'a str,
        base: &'a Base,
        known: &'a Known,
    ) -> Scanner<'a> {
        Scanner {
            lines: Some(LineIndex::new(text)),
            ..Scanner::new(path, base, known)
        }
    }

    /// Scans a piece of HTML.
    pub fn feed(&mut self, piece: &str) {
        html::scan(piece, &mut |found| match found {
            html::Found::Id(id) => {
                self.ids.insert(id_hash(&id));
            }
            html::Found::Url {
                value, at, kind, ..
            } => self.url(&value, at, kind),
        });
    }

    /// Scans a stylesheet's `url(...)`s.
    pub fn feed_css(&mut self, css: &str) {
        for (value, at) in html::css_urls(css) {
            self.url(&html::decode(value), at, UrlKind::Image);
        }
    }

    fn url(&mut self, value: &str, at: usize, kind: UrlKind) {
        if self.lines.is_none() && self.seen.contains(&id_hash(value)) {
            return;
        }
        let pending = |target: Option<String>, fragment: Option<String>| Pending {
            value: value.into(),
            target: target.map(Into::into),
            fragment: fragment.map(Into::into),
            kind,
            at: None,
            page: self.page,
        };
        let mut found = match resolve(self.path, value, self.base) {
            Resolved::Elsewhere => return,
            Resolved::Outside => pending(None, None),
            Resolved::Inside { path, fragment } => {
                let fragment = fragment.filter(|f| !f.is_empty() && !f.eq_ignore_ascii_case("top"));
                if path == self.path {
                    if fragment.is_none() {
                        return;
                    }
                    let key = id_hash(fragment.as_deref().unwrap_or_default());
                    if !self.own.contains_key(&key) {
                        let mut own = pending(Some(path), fragment);
                        own.at = self.lines.as_ref().map(|l| l.pos(at));
                        self.own.insert(key, own);
                    }
                    self.remember(value);
                    return;
                }
                match (self.known.find(&path), &fragment) {
                    (Some(i), None) => {
                        self.reaches.push(i);
                        self.remember(value);
                        return;
                    }
                    _ => pending(Some(path), fragment),
                }
            }
        };
        found.at = self.lines.as_ref().map(|l| l.pos(at));
        self.pending.push(found);
        self.remember(value);
    }

    fn remember(&mut self, value: &str) {
        if self.lines.is_none() {
            self.seen.insert(id_hash(value));
        }
    }

    /// Takes in what another scanner of the same file found.
    pub fn merge(&mut self, other: Scanner<'_>) {
        self.reaches.extend(other.reaches);
        // A link to an anchor in the same piece (a page's body) is settled now.
        for (key, p) in other.own {
            if !other.ids.contains(&key) && !self.ids.contains(&key) {
                self.own.entry(key).or_insert(p);
            }
        }
        self.ids.extend(other.ids);
        for p in other.pending {
            // The same URL in two pages' bodies is two places to report.
            if self.lines.is_some() || p.page.is_some() || self.seen.insert(id_hash(&p.value)) {
                self.pending.push(p);
            }
        }
    }

    /// What the file names and links to; its links to its own anchors are settled now.
    pub fn finish(self) -> Scanned {
        let mut pending = self.pending;
        pending.extend(self.own.into_values().filter(|p| {
            p.fragment
                .as_deref()
                .is_some_and(|f| !self.ids.contains(&id_hash(f)))
        }));
        let mut reaches = self.reaches;
        reaches.sort_unstable();
        reaches.dedup();
        // Kept for every file of the site until the check: without the room they grew into.
        reaches.shrink_to_fit();
        pending.shrink_to_fit();
        let mut ids: Vec<u64> = self.ids.into_iter().collect();
        ids.sort_unstable();
        Scanned {
            ids,
            reaches,
            pending,
        }
    }
}

/// What made an output file: where a broken link in it is reported.
#[derive(Debug, Clone)]
pub enum Origin {
    /// A page made by a template (`template` as tera names it), for the site's page `page`
    /// (of part `part`) when it shows one page's body; `is_page` when it is that page's own.
    Made {
        part: usize,
        template: String,
        page: Option<usize>,
        is_page: bool,
    },
    /// A file copied as it is (a static file): as shown.
    Copied(PathBuf),
}

/// One scanned file of the output.
#[derive(Debug, Clone)]
pub struct File {
    pub path: String,
    pub scanned: Arc<Scanned>,
    pub origin: Origin,
}

/// What one part of the site (a language) wrote, to report a broken link where it was written.
#[derive(Debug, Default)]
pub struct Written {
    /// Its folder in the output (`` or `fr/`).
    pub prefix: String,
    /// The files known before its pages were made.
    pub known: Known,
    /// By page of the site: its file as shown, and what its markdown links to: URLs written
    /// as they are (raw HTML's included), and files of the handbook by their path from the
    /// part's folder; each with its position.
    pub pages: Vec<PageLinks>,
    /// The templates: tera's name, the file as shown, its text; the handbook's own first.
    pub templates: Vec<(String, PathBuf, String)>,
    /// The links its pages write to other sites, when they are to be visited.
    pub external: Vec<online::External>,
}

/// What one page's markdown links to, as the link check needs it.
#[derive(Debug, Default, Clone)]
pub struct PageLinks {
    pub shown: PathBuf,
    pub urls: Vec<(String, Pos)>,
    /// Path from the part's folder, as written, where.
    pub files: Vec<(String, String, Pos)>,
}

impl Written {
    /// Where the page's markdown writes the link `p` found in its output: the file as
    /// shown, the position and the URL as written. A link to a file is known by where it
    /// leads; an anchor in a view that renames them (a print view's `p-<page>-x`) by its end.
    fn in_page(&self, page: usize, p: &Pending) -> Option<(PathBuf, Pos, String)> {
        let links = self.pages.get(page)?;
        let fragment = p.fragment.as_deref();
        let url = links.urls.iter().find(|(written, _)| {
            same_url(written, &p.value)
                || (p.page.is_some()
                    && written.strip_prefix('#').is_some_and(|x| {
                        let x = percent_encoding::percent_decode_str(x).decode_utf8_lossy();
                        fragment.is_some_and(|f| f.ends_with(&format!("-{x}")))
                    }))
        });
        let file = || {
            let target = p.target.as_deref()?.strip_prefix(self.prefix.as_str())?;
            links.files.iter().find(|(path, written, _)| {
                let written_fragment = written.split_once('#').map(|(_, f)| {
                    percent_encoding::percent_decode_str(f)
                        .decode_utf8_lossy()
                        .into_owned()
                });
                path == target && written_fragment.as_deref() == fragment
            })
        };
        match url {
            Some((written, pos)) => Some((links.shown.clone(), *pos, written.clone())),
            None => file().map(|(_, written, pos)| (links.shown.clone(), *pos, written.clone())),
        }
    }

    /// Where a template writes this URL as it is, or (after `{{ root }}` or the like) its
    /// part below the page's folder.
    fn in_template(&self, value: &str) -> Option<(PathBuf, Pos)> {
        let mut below = value;
        while let Some(rest) = below
            .strip_prefix("../")
            .or_else(|| below.strip_prefix("./"))
        {
            below = rest;
        }
        let wanted: &[&str] = if below != value && below.len() >= 4 {
            &[value, below]
        } else {
            &[value]
        };
        wanted.iter().find_map(|wanted| {
            self.templates.iter().find_map(|(_, shown, text)| {
                let at = text.find(wanted)?;
                Some((shown.clone(), LineIndex::new(text).pos(at)))
            })
        })
    }

    fn template_file(&self, name: &str) -> PathBuf {
        self.templates
            .iter()
            .find(|(n, _, _)| n == name)
            .or_else(|| {
                self.templates
                    .iter()
                    .find(|(n, _, _)| n.strip_prefix("theme/") == Some(name))
            })
            .map(|(_, shown, _)| shown.clone())
            .unwrap_or_else(|| PathBuf::from(format!("templates/{name}")))
    }
}

/// Two URLs that are the same once percent-decoded.
fn same_url(a: &str, b: &str) -> bool {
    a == b
        || percent_encoding::percent_decode_str(a).decode_utf8_lossy()
            == percent_encoding::percent_decode_str(b).decode_utf8_lossy()
}

/// Settles every link still pending and finds the pages nothing reaches. `exists` holds every
/// file of the output; `parts` what each part wrote (by [`Origin::Made::part`]).
pub fn check(files: &[File], exists: &HashSet<String>, parts: &[Written]) -> Vec<Diagnostic> {
    let by_path: HashMap<&str, usize> = files
        .iter()
        .enumerate()
        .map(|(i, f)| (f.path.as_str(), i))
        .collect();
    // Reported once per place and problem, with how many files show it.
    // (A page's own file tells it best, before its handout and the print views.)
    let mut broken: HashMap<Key, (Diagnostic, bool, Vec<&str>)> = HashMap::new();
    let mut edges: Vec<Vec<usize>> = vec![Vec::new(); files.len()];
    for (f, file) in files.iter().enumerate() {
        for p in &file.scanned.pending {
            let problem = match &p.target {
                None => Some(Problem::Outside),
                Some(target) => {
                    let found = [target.to_string(), format!("{target}/index.html")]
                        .into_iter()
                        .find(|t| exists.contains(t));
                    match found {
                        None => Some(Problem::NoFile(target.to_string())),
                        Some(t) => {
                            let scanned = by_path.get(t.as_str()).copied();
                            if let Some(s) = scanned {
                                edges[f].push(s);
                            }
                            match (&p.fragment, scanned) {
                                (Some(fragment), Some(s)) => {
                                    let ids = &files[s].scanned.ids;
                                    ids.binary_search(&id_hash(fragment))
                                        .is_err()
                                        .then(|| Problem::NoAnchor(t, fragment.to_string()))
                                }
                                _ => None,
                            }
                        }
                    }
                }
            };
            let Some(problem) = problem else {
                continue;
            };
            let (d, in_markdown) = diagnose(file, p, &problem, parts);
            let own = matches!(file.origin, Origin::Made { is_page: true, .. });
            // A link written in markdown is one problem however many files show it; one a
            // template makes, one per place in the template and file it leads to.
            let leads_to = match &problem {
                Problem::Outside => String::new(),
                Problem::NoFile(target) => target.clone(),
                Problem::NoAnchor(target, fragment) => format!("{target}#{fragment}"),
            };
            let key = (
                d.path.clone(),
                d.position,
                d.code,
                (!in_markdown).then_some(leads_to),
            );
            let entry = broken
                .entry(key)
                .or_insert_with(|| (d.clone(), own, Vec::new()));
            if own && !entry.1 {
                (entry.0, entry.1) = (d, own);
            }
            // (A copied file's problems are told at its own lines.)
            if !matches!(file.origin, Origin::Copied(_)) {
                entry.2.push(file.path.as_str());
            }
        }
    }
    let mut found: Vec<Diagnostic> = broken
        .into_iter()
        .map(|((_, _, _, leads_to), (mut d, _, mut seen_in))| {
            if leads_to.is_some() && matches!(seen_in.len(), 1..) {
                seen_in.sort_unstable();
                d.message = match seen_in.len() {
                    1 => format!("{} (in {})", d.message, seen_in[0]),
                    n => format!("{} (in {n} files, such as {})", d.message, seen_in[0]),
                };
            }
            d
        })
        .collect();
    found.extend(unreached(files, parts, &by_path, &edges));
    found
}

/// A reported problem: where, its code, and (unless it is one written in markdown, which is
/// one whatever file shows it) where the link leads.
type Key = (
    PathBuf,
    Option<(usize, usize)>,
    &'static str,
    Option<String>,
);

enum Problem {
    Outside,
    NoFile(String),
    NoAnchor(String, String),
}

/// The diagnostic of a broken link, at its source; true when that is the page's markdown.
fn diagnose(file: &File, p: &Pending, problem: &Problem, parts: &[Written]) -> (Diagnostic, bool) {
    let what = p.kind.noun();
    let message = |value: &str| match problem {
        Problem::Outside => format!("{what} `{value}` leads above the site's folder"),
        Problem::NoFile(target) => format!("{what} `{value}`: the site has no file {target}"),
        Problem::NoAnchor(target, fragment) => {
            format!("{what} `{value}`: {target} has no anchor `{fragment}`")
        }
    };
    let code = match (problem, p.kind) {
        (Problem::NoAnchor(..), _) => "missing-anchor",
        (_, UrlKind::Image) => "missing-image",
        _ => "broken-link",
    };
    let (d, in_markdown) = match &file.origin {
        Origin::Copied(shown) => {
            let d = Diagnostic::error(shown, message(&p.value)).help(
                "a copied file's links are relative to where it lands in the output; fix the path or add the file",
            );
            let d = match p.at {
                Some(at) => d.at(at),
                None => d,
            };
            (d, false)
        }
        Origin::Made {
            part,
            template,
            page,
            ..
        } => {
            let written = &parts[*part];
            let in_markdown = match p.page.map(|q| q as usize).or(*page) {
                Some(page) => written.in_page(page, p),
                None => (0..written.pages.len()).find_map(|i| written.in_page(i, p)),
            };
            if let Some((shown, pos, value)) = in_markdown {
                let help = match problem {
                    Problem::NoAnchor(..) => {
                        "an anchor is a heading's (as the page's contents list shows it) or a block's id"
                    }
                    _ => {
                        "a link is relative to the markdown file; to link to a page, write a reference [[id]] or a link to its .md file"
                    }
                };
                (
                    Diagnostic::error(shown, message(&value)).at(pos).help(help),
                    true,
                )
            } else if let Some((shown, pos)) = written.in_template(&p.value) {
                let d = Diagnostic::error(shown, message(&p.value))
                    .at(pos)
                    .help("the template writes this URL as it is; it is relative to each page the template makes");
                (d, false)
            } else {
                let d = Diagnostic::error(written.template_file(template), message(&p.value))
                    .help(format!(
                        "the template {template} (or one it includes) makes this link; check the URL it builds"
                    ));
                (d, false)
            }
        }
    };
    (d.code(code), in_markdown)
}

/// The pages (from markdown) that no link reaches from the home page of any part.
fn unreached(
    files: &[File],
    parts: &[Written],
    by_path: &HashMap<&str, usize>,
    edges: &[Vec<usize>],
) -> Vec<Diagnostic> {
    let mut reached = vec![false; files.len()];
    let mut queue: Vec<usize> = parts
        .iter()
        .filter_map(|w| {
            by_path
                .get(format!("{}index.html", w.prefix).as_str())
                .copied()
        })
        .collect();
    for &q in &queue {
        reached[q] = true;
    }
    while let Some(f) = queue.pop() {
        let part = match &files[f].origin {
            Origin::Made { part, .. } => parts.get(*part),
            Origin::Copied(_) => None,
        };
        let local = part.into_iter().flat_map(|w| {
            files[f]
                .scanned
                .reaches
                .iter()
                .filter_map(|&k| by_path.get(w.known.paths[k as usize].as_str()).copied())
        });
        let next: Vec<usize> = local.chain(edges[f].iter().copied()).collect();
        for n in next {
            if !reached[n] {
                reached[n] = true;
                queue.push(n);
            }
        }
    }
    files
        .iter()
        .zip(&reached)
        .filter(|(_, r)| !**r)
        .filter_map(|(file, _)| match &file.origin {
            Origin::Made {
                part,
                page: Some(page),
                is_page: true,
                ..
            } => {
                let shown = &parts.get(*part)?.pages.get(*page)?.shown;
                Some(
                    Diagnostic::warning(
                        shown,
                        format!("no link of the site reaches this page ({}) from the home page", file.path),
                    )
                    .at(Pos::START)
                    .help("link to it from a page, or check that the templates list it (readers without JavaScript have no contents tree)")
                    .code("unreachable-page"),
                )
            }
            _ => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inside(path: &str, fragment: Option<&str>) -> Resolved {
        Resolved::Inside {
            path: path.into(),
            fragment: fragment.map(Into::into),
        }
    }

    #[test]
    fn urls_resolve_from_their_file() {
        let base = Base::of("/");
        let from = "lessons/m1/index.html";
        assert_eq!(
            resolve(from, "../../principles/consent/index.html#km-1", &base),
            inside("principles/consent/index.html", Some("km-1"))
        );
        assert_eq!(resolve(from, "#x", &base), inside(from, Some("x")));
        assert_eq!(resolve(from, "", &base), inside(from, None));
        assert_eq!(
            resolve(from, "pic%20one.png?v=3", &base),
            inside("lessons/m1/pic one.png", None)
        );
        assert_eq!(
            resolve(from, "../", &base),
            inside("lessons/index.html", None)
        );
        assert_eq!(resolve(from, "../../..", &base), Resolved::Outside);
        assert_eq!(resolve(from, "../../../x.html", &base), Resolved::Outside);
        assert_eq!(
            resolve(from, "/glossary/", &base),
            inside("glossary/index.html", None)
        );
        assert_eq!(
            resolve(from, "https://example.org/", &base),
            Resolved::Elsewhere
        );
        assert_eq!(
            resolve(from, "//cdn.example.org/x.js", &base),
            Resolved::Elsewhere
        );
        assert_eq!(resolve(from, "mailto:a@b.org", &base), Resolved::Elsewhere);
        assert_eq!(
            resolve("index.html", "?q=1", &base),
            inside("index.html", None)
        );
    }

    #[test]
    fn base_url_says_what_is_inside() {
        let base = Base::of("https://example.org/handbook");
        let from = "a/index.html";
        assert_eq!(
            resolve(from, "https://example.org/handbook/b/index.html#k", &base),
            inside("b/index.html", Some("k"))
        );
        assert_eq!(
            resolve(from, "https://example.org/other/", &base),
            Resolved::Elsewhere
        );
        assert_eq!(
            resolve(from, "/handbook/c/", &base),
            inside("c/index.html", None)
        );
        assert_eq!(
            resolve(from, "/handbook", &base),
            inside("index.html", None)
        );
        assert_eq!(resolve(from, "/elsewhere/", &base), Resolved::Elsewhere);
        let base = Base::of("/hb/");
        assert_eq!(resolve(from, "/hb/x.css", &base), inside("x.css", None));
    }

    fn scan(path: &str, html: &str, known: &Known) -> Scanned {
        let base = Base::of("/");
        let mut s = Scanner::new(path, &base, known);
        s.feed(html);
        s.finish()
    }

    #[test]
    fn scanning_settles_what_it_can() {
        let known = Known::new(vec![
            "a/index.html".into(),
            "b/index.html".into(),
            "assets/x.css".into(),
        ]);
        let s = scan(
            "a/index.html",
            r##"<link rel=stylesheet href="../assets/x.css?v=1"><p id="here"><a href="#here">1</a><a href="#gone">2</a><a href="../b/index.html">3</a><a href="../b/index.html#k">4</a><a href="../c/">5</a><a href="../b/index.html">again</a>"##,
            &known,
        );
        assert_eq!(s.reaches, [1, 2]);
        let pending: Vec<(&str, Option<&str>, Option<&str>)> = s
            .pending
            .iter()
            .map(|p| (p.value.as_ref(), p.target.as_deref(), p.fragment.as_deref()))
            .collect();
        assert_eq!(
            pending,
            [
                ("../b/index.html#k", Some("b/index.html"), Some("k")),
                ("../c/", Some("c/index.html"), None),
                ("#gone", Some("a/index.html"), Some("gone")),
            ]
        );
        assert_eq!(s.ids, [id_hash("here")]);
    }

    #[test]
    fn check_reports_at_the_source_and_finds_unreached_pages() {
        let known = Known::new(vec![
            "index.html".into(),
            "a/index.html".into(),
            "b/index.html".into(),
        ]);
        let home = scan(
            "index.html",
            r#"<a href="a/index.html">a</a><img src="map.png">"#,
            &known,
        );
        let a = scan(
            "a/index.html",
            r##"<h2 id="k">k</h2><a href="../index.html#k">x</a><a href="../index.html#nav">n</a>"##,
            &known,
        );
        let b = scan(
            "b/index.html",
            r#"<a href="../a/index.html#k">to a</a>"#,
            &known,
        );
        let made = |page, template: &str| Origin::Made {
            part: 0,
            template: template.into(),
            page: Some(page),
            is_page: true,
        };
        let files = vec![
            File {
                path: "index.html".into(),
                scanned: Arc::new(home),
                origin: made(0, "home.html"),
            },
            File {
                path: "a/index.html".into(),
                scanned: Arc::new(a),
                origin: made(1, "page.html"),
            },
            File {
                path: "b/index.html".into(),
                scanned: Arc::new(b),
                origin: made(2, "page.html"),
            },
        ];
        let mut written = Written {
            prefix: String::new(),
            pages: ["content/_index.md", "content/a.md", "content/b.md"]
                .into_iter()
                .map(|shown| PageLinks {
                    shown: shown.into(),
                    ..PageLinks::default()
                })
                .collect(),
            templates: vec![(
                "theme/page.html".into(),
                "themes/x/templates/page.html".into(),
                "<nav>\n<a href=\"../index.html#nav\">".into(),
            )],
            known,
            external: Vec::new(),
        };
        written.pages[0].files.push((
            "map.png".into(),
            "map.png".into(),
            Pos { line: 3, column: 5 },
        ));
        let exists: HashSet<String> = ["index.html", "a/index.html", "b/index.html"]
            .into_iter()
            .map(String::from)
            .collect();
        let mut found = check(&files, &exists, &[written]);
        crate::diagnostics::sort(&mut found);
        let shown: Vec<String> = found
            .iter()
            .map(|d| {
                format!(
                    "{}:{:?} {} {}",
                    d.path.display(),
                    d.position,
                    d.code,
                    d.message
                )
            })
            .collect();
        assert_eq!(
            shown,
            [
                "content/_index.md:Some((3, 5)) missing-image image `map.png`: the site has no file map.png",
                "content/b.md:Some((1, 1)) unreachable-page no link of the site reaches this page (b/index.html) from the home page",
                "themes/x/templates/page.html:None missing-anchor link `../index.html#k`: index.html has no anchor `k` (in a/index.html)",
                "themes/x/templates/page.html:Some((2, 10)) missing-anchor link `../index.html#nav`: index.html has no anchor `nav` (in a/index.html)",
            ]
        );
    }
}
