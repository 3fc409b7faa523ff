//! The build session: the pipeline's stages run in order over one handbook (and the editions
//! of its other languages), reporting every problem at once. A session outlives one build:
//! `tenet serve` keeps one and builds again after each change, and a build then writes only
//! the output files whose bytes changed (the output folder always equals a clean build's).

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use std::collections::HashMap;
use std::sync::Arc;

use rayon::prelude::*;

use crate::diagnostics::{self, Diagnostic, display_path};
use crate::progress::Progress;
use crate::{
    config, edition, languages, linkcheck, output, page, pdf, render, search, site, source, strings,
};

/// What to build.
#[derive(Debug, Clone)]
pub struct Options {
    /// The handbook folder (holding `book.toml`).
    pub root: PathBuf,
    /// The output folder; default: `[build] output` of book.toml, relative to the handbook.
    pub out: Option<PathBuf>,
    /// False for `check`: everything but writing.
    pub write: bool,
}

/// What a run did and found.
#[derive(Debug, Default)]
pub struct Report {
    pub diagnostics: Vec<Diagnostic>,
    /// Pages rendered (content pages, generated indexes, handouts, lesson plans, print views,
    /// the search and 404 pages).
    pub pages: usize,
    /// The output folder, when the run wrote it.
    pub output: Option<PathBuf>,
    pub files_written: usize,
    pub bytes_written: u64,
    pub source_bytes: usize,
    /// Source pages looked at on disk (in a session told what changed, only those).
    pub sources_checked: usize,
    /// Time spent per stage, in pipeline order.
    pub timings: Vec<(&'static str, Duration)>,
    /// The printable pages written, each with the PDF `tenet pdf` makes of it.
    pub printables: Vec<pdf::Printable>,
    /// The PDFs are to be printed after this build (`[print] pdf = true`, or
    /// [`Session::printing_pdfs`]).
    pub print_pdf: bool,
    /// PDFs of the previous output carried into this one (their pages unchanged), and those
    /// left out ([`pdf::kept`]).
    pub pdfs_carried: pdf::kept::Carried,
    /// The EPUBs written (relative to the output folder), when asked for.
    pub epubs: Vec<String>,
    /// Whether pages were moved into the output folder before the build was done
    /// ([`Session::build_showing`]).
    pub flushed: bool,
    /// Pages made (in a session, pages that would come out as last time are not made again).
    pub pages_made: usize,
    /// Output files written or removed (relative to the output folder, sorted), in a session
    /// that keeps track ([`Session::incremental`]): after its first build, every file.
    pub changed: Vec<String>,
    /// The output folder (also when the build wrote nothing); None when checking.
    pub target: Option<PathBuf>,
    /// The folder of every handbook the build read: the handbook, the bases of its edition
    /// chain, and the editions of its other languages with theirs.
    pub handbooks: Vec<PathBuf>,
    /// Every place that names a page a local edition left out (`tenet edition status` lists
    /// them under the page).
    pub excluded_references: Vec<site::ExcludedRef>,
}

impl Report {
    pub fn errors(&self) -> usize {
        self.count(diagnostics::Severity::Error)
    }

    /// Warnings (notes are not counted).
    pub fn warnings(&self) -> usize {
        self.count(diagnostics::Severity::Warning)
    }

    /// Notes: things worth knowing that are not problems.
    pub fn notes(&self) -> usize {
        self.count(diagnostics::Severity::Note)
    }

    fn count(&self, severity: diagnostics::Severity) -> usize {
        self.diagnostics
            .iter()
            .filter(|d| d.severity == severity)
            .count()
    }

    pub fn has_errors(&self) -> bool {
        self.errors() > 0
    }
}

/// What the session was asked besides its options: whom to tell how a build goes, which
/// warnings to make errors, and whether to list the links to other sites.
#[derive(Clone, Copy)]
struct Asked<'a> {
    progress: Option<&'a dyn Progress>,
    deny: &'a [String],
    external: External,
    /// The PDFs will be printed after the build (`build --pdf`, `tenet pdf`).
    pdf: bool,
    /// Also make the EPUBs ([`Session::epub`]).
    epub: bool,
}

/// What a session does with the links to other sites.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum External {
    /// Nothing.
    #[default]
    Ignore,
    /// Lists each as a note where it is written (`check --external`).
    List,
    /// Visits each, and warns of those that fail (`check --external --online`).
    Visit,
}

/// Time spent per stage, summed over the languages of a site, told at the end of each stage to
/// the progress the session was asked to tell (with the rest of what it was asked, which the
/// stages of each language read).
struct Clock<'a>(Instant, Asked<'a>);

impl Clock<'_> {
    fn lap(&mut self, report: &mut Report, name: &'static str) {
        let elapsed = self.0.elapsed();
        match report.timings.iter_mut().find(|(n, _)| *n == name) {
            Some((_, total)) => *total += elapsed,
            None => report.timings.push((name, elapsed)),
        }
        if let Some(progress) = self.1.progress {
            progress.stage(name);
        }
        self.0 = Instant::now();
    }
}

/// One language of the site being built: the handbook being built, or a local edition that
/// translates it (`[languages]`), and the sub-folder of the output it goes to.
struct Part {
    config: config::Config,
    /// Its chain of handbooks, bottom base first (empty when its book.toml could not be read).
    layers: Vec<config::Layer>,
    root: PathBuf,
    /// The folder as shown in diagnostics.
    shown: PathBuf,
    /// `` for the handbook's own language, else `<tag>/`.
    prefix: String,
}

/// What a session keeps of one language of the site between builds: each source file's parse
/// (pages whose text is unchanged are not parsed again), and the search vocabulary their
/// records refer to.
#[derive(Default)]
pub struct Memory {
    /// A hash of the settings the parse depends on; when they change, all is parsed again.
    settings: u64,
    collector: Option<Arc<search::Collector>>,
    /// Each source file's parse, in the order of the pages of `parsed_from`.
    parsed: Vec<Remembered>,
    /// The sources of the last build's parse.
    parsed_from: Option<Arc<source::Sources>>,
    /// The last build's site, when it was resolved without problems.
    site: Option<site::Site>,
    /// What each output file of the last build that was written was made from: a file whose
    /// fingerprint comes out the same is not made again.
    fingerprints: render::Fingerprints,
    /// The sources as the last build walked them (a handbook that is not an edition): a build
    /// told which files changed ([`Session::notice`]) takes them from here.
    walked: Option<Arc<Walked>>,
}

/// A walk of a handbook's `content/`, kept.
struct Walked {
    sources: Arc<source::Sources>,
    /// What the walk found wrong (reported by every build that uses it).
    problems: Vec<Diagnostic>,
    /// Each page file's index in `sources.pages`, by its absolute path.
    files: HashMap<PathBuf, usize>,
}

impl Walked {
    /// Which pages `changed` names, when every path it names is a page file the walk found
    /// that is still there (a file added, removed or not a page needs a walk).
    fn pages_of(&self, changed: &[PathBuf]) -> Option<Vec<bool>> {
        let mut pages = vec![false; self.sources.pages.len()];
        for path in changed {
            let &i = self.files.get(path)?;
            if !path.is_file() {
                return None;
            }
            pages[i] = true;
        }
        Some(pages)
    }
}

/// One file's parse, as remembered.
#[derive(Clone)]
struct Remembered {
    /// A hash of the source (text, place, language); 0 when not tracked.
    hash: u64,
    /// The file's size and time of change when it was read.
    stamp: Option<Stamp>,
    page: Option<Arc<page::ParsedPage>>,
    search: Option<Arc<search::PageRecord>>,
    problems: Vec<Diagnostic>,
}

impl Remembered {
    fn failed(problem: Diagnostic) -> Remembered {
        Remembered {
            hash: 0,
            stamp: None,
            page: None,
            search: None,
            problems: vec![problem],
        }
    }
}

/// What tells, without reading a file, that it is as it was: its size and time of change, its
/// place in the handbook, and when it was looked at.
#[derive(Clone, PartialEq, Eq)]
struct Stamp {
    len: u64,
    modified: std::time::SystemTime,
    /// Path under content/, shown path, layer and language.
    place: u64,
    seen: std::time::SystemTime,
}

impl Stamp {
    fn of(file: &source::SourceFile, language: &Option<String>) -> Option<Stamp> {
        let meta = std::fs::metadata(&file.path).ok()?;
        Some(Stamp {
            len: meta.len(),
            modified: meta.modified().ok()?,
            place: hash_of(&(&file.rel, &file.shown, file.layer, language)),
            seen: std::time::SystemTime::now(),
        })
    }

    /// Whether a file now stamped `now` is certainly the file this stamp was taken of: the
    /// same size, time of change and place, and that time was well before the file was read
    /// (a change within the file system's clock tick of the read could keep the time; as git
    /// does with its index, such a file is read again).
    fn vouches_for(&self, now: &Stamp) -> bool {
        const TICK: std::time::Duration = std::time::Duration::from_secs(2);
        self.len == now.len
            && self.modified == now.modified
            && self.place == now.place
            && self
                .modified
                .checked_add(TICK)
                .is_some_and(|safe| safe < self.seen)
    }
}

fn hash_of(value: &impl std::hash::Hash) -> u64 {
    use std::hash::Hasher;
    let mut h = rustc_hash::FxHasher::default();
    value.hash(&mut h);
    h.finish()
}

/// A handbook being built, once or (serving) again and again.
pub struct Session {
    options: Options,
    /// Keep track of what the output folder holds, so that the next build can update it.
    track: bool,
    /// What this session's last successful build left in the output folder.
    output: Option<output::Manifest>,
    /// Per language (by output prefix): what the last build parsed.
    memory: HashMap<String, Memory>,
    /// The files a watcher saw change since the last build ([`Session::notice`]).
    noticed: Option<Vec<PathBuf>>,
    /// What to tell as a build goes ([`Session::with_progress`]).
    progress: Option<std::sync::Arc<dyn Progress + Send>>,
    /// Codes (or `"warnings"`) whose warnings are errors, besides the handbook's `[check]`.
    deny: Vec<String>,
    /// What to do with the links to other sites ([`Session::external`]).
    external: External,
    /// The caller prints the PDFs after each build ([`Session::printing_pdfs`]).
    pdf: bool,
    /// Whether a build also makes the EPUBs ([`Session::epub`]).
    epub: bool,
}

impl Session {
    /// A session that builds (or checks) as `options` say. The first build replaces the
    /// output folder whole.
    pub fn new(options: Options) -> Session {
        Session::make(options, false)
    }

    /// A session that will build again: every build after the first successful one writes
    /// only the files whose bytes changed and removes the files no longer made, so the output
    /// folder is the same as a clean build's. [`Report::changed`] says what changed.
    pub fn incremental(options: Options) -> Session {
        Session::make(options, true)
    }

    fn make(options: Options, track: bool) -> Session {
        Session {
            options,
            track,
            output: None,
            memory: HashMap::new(),
            noticed: None,
            progress: None,
            deny: Vec::new(),
            external: External::Ignore,
            pdf: false,
            epub: false,
        }
    }

    /// The same session, told that the PDFs are printed after each build (`build --pdf`,
    /// `tenet pdf`): the build does not warn of the PDFs it left out as out of date.
    pub fn printing_pdfs(mut self, pdf: bool) -> Session {
        self.pdf = pdf;
        self
    }

    /// The same session, making the EPUBs of the handbook ([`crate::epub`]) into `epub/` of
    /// the output folder with every build that writes (`tenet epub`, `tenet build --epub`).
    pub fn epub(mut self, on: bool) -> Session {
        self.epub = on;
        self
    }

    /// The same session, listing each link to another site as a note (`check --external`),
    /// or visiting each (`--online`).
    pub fn external(mut self, external: External) -> Session {
        self.external = external;
        self
    }

    /// The same session, making warnings of these codes (or all, with `"warnings"`) errors,
    /// as `--deny` asks.
    pub fn deny(mut self, codes: Vec<String>) -> Session {
        self.deny = codes;
        self
    }

    /// The same session, telling `progress` how each build goes.
    pub fn with_progress(mut self, progress: std::sync::Arc<dyn Progress + Send>) -> Session {
        self.progress = Some(progress);
        self
    }

    /// Tells the session which files changed since its last build, as a file watcher saw them
    /// (absolute paths). The next build takes this as the whole truth: when every path is a
    /// page the last build read (edited, not added or removed) of a handbook that is not an
    /// edition, it does not walk `content/` again nor look at any other page. Without it, or
    /// otherwise, a build finds out for itself.
    pub fn notice(&mut self, changed: Vec<PathBuf>) {
        self.noticed = Some(changed);
    }

    /// Builds (or checks) the handbook as it is on disk now. When the build has errors,
    /// nothing is written: the output folder stays as the last successful build left it.
    pub fn build(&mut self) -> Report {
        self.build_showing(None)
    }

    /// [`Session::build`], moving the pages into the output folder as soon as they are made
    /// (when the build updates it): first the pages open in a browser, then the others, and
    /// telling `showing` which files those were each time, before the print views and the
    /// search index, which take longer, are made.
    pub fn build_showing(&mut self, showing: Option<&render::Showing<'_>>) -> Report {
        let previous = if self.track {
            self.output.clone()
        } else {
            None
        };
        let noticed = self.noticed.take();
        let (report, manifest) = run(
            &self.options,
            self.track,
            previous,
            &mut self.memory,
            noticed.as_deref(),
            showing,
            Asked {
                progress: self.progress.as_deref().map(|p| p as &dyn Progress),
                deny: &self.deny,
                external: self.external,
                pdf: self.pdf,
                epub: self.epub,
            },
        );
        match manifest {
            Some(manifest) => self.output = Some(manifest),
            None if report.flushed => {
                // Pages went into the folder but the build then failed: what the folder holds
                // is no longer known, so the next build starts over.
                self.output = None;
                self.memory.clear();
            }
            None => {}
        }
        report
    }
}

/// One build; `track` keeps the hashes of what it writes, and with the `previous` manifest of
/// the output folder, only changed files are written. Returns the new manifest (when tracked
/// and committed).
fn run(
    options: &Options,
    track: bool,
    previous: Option<output::Manifest>,
    memory: &mut HashMap<String, Memory>,
    noticed: Option<&[PathBuf]>,
    showing: Option<&render::Showing<'_>>,
    asked: Asked<'_>,
) -> (Report, Option<output::Manifest>) {
    let deny_also = asked.deny;
    let asked_external = asked.external;
    let asked_pdf = asked.pdf;
    let mut report = Report::default();
    let mut manifest = None;
    let root = options.root.as_path();
    let mut clock = Clock(Instant::now(), asked);

    // Load: the settings of the handbook, and of the editions of its other languages.
    let (loaded, problems) = config::load(root, root);
    report.diagnostics.extend(problems);
    let config_ok = loaded.is_some();
    let (config, layers) = match loaded {
        Some(loaded) => (loaded.config, loaded.layers),
        None => (fallback_config(root), Vec::new()),
    };
    let out_dir = config::output_dir(root, &config, options.out.as_deref());
    if options.write {
        report.target = Some(output::absolute(&out_dir));
    }
    let (more, problems) = language_parts(&config, root);
    report.diagnostics.extend(problems);
    let mut parts = vec![Part {
        config,
        layers,
        root: root.to_path_buf(),
        shown: root.to_path_buf(),
        prefix: String::new(),
    }];
    parts.extend(more);
    if options.write {
        // Every handbook of every language (each chain ends with the handbook itself).
        let handbooks: Vec<&Path> = parts
            .iter()
            .flat_map(|p| p.layers.iter().map(|l| l.root.as_path()))
            .collect();
        if let Err(d) = output::check_target(root, &handbooks, &out_dir) {
            report.diagnostics.push(d);
        }
    }
    // The content of each language; in a site of several, what each has, for the switcher.
    let several = parts.len() > 1;
    let mut contents = Vec::with_capacity(parts.len());
    let mut languages = Vec::with_capacity(parts.len());
    let tags: Vec<&str> = parts[1..]
        .iter()
        .map(|p| p.config.book.language.as_str())
        .collect();
    for (i, part) in parts.iter().enumerate() {
        // The handbook's own pages must leave room for the other languages' folders.
        let avoid = if i == 0 { &tags[..] } else { &[] };
        let remembered = memory.entry(part.prefix.clone()).or_default();
        let (content, catalog) = gather(
            part,
            several,
            avoid,
            (track, noticed, remembered),
            &mut report.diagnostics,
        );
        contents.push(content);
        languages.push(languages::Language {
            tag: part.config.book.language.clone(),
            name: language_label(&parts[0].config, &part.config),
            prefix: part.prefix.clone(),
            catalog,
        });
    }
    clock.lap(&mut report, "load");

    // Each language in turn: parse, resolve, render and write into its folder.
    let mut staging: Option<output::Staging> = None;
    let mut previous = previous;
    // What each language's render made, remembered once the output is committed.
    let mut fingerprints = Vec::new();
    let mut sitemap = Vec::new();
    // The link check: where the site is published, and what each part made and wrote.
    let base = linkcheck::Base::of(&parts[0].config.book.base_url);
    let mut scanned: Vec<linkcheck::File> = Vec::new();
    let mut written: Vec<linkcheck::Written> = Vec::new();
    for (i, (part, content)) in parts.iter().zip(contents).enumerate() {
        let switcher = several.then_some(languages::Switcher {
            languages: &languages,
            current: i,
        });
        let write = options.write && config_ok;
        let (mut rendered, links) = build_part(
            (part, i, &base),
            content,
            switcher,
            (write, &out_dir),
            (&mut staging, track, &mut previous),
            showing,
            memory.entry(part.prefix.clone()).or_default(),
            &mut report,
            &mut clock,
        );
        scanned.append(&mut rendered.links);
        written.push(links);
        sitemap.extend(rendered.sitemap);
        if let Some(made) = rendered.fingerprints {
            fingerprints.push((part.prefix.clone(), made));
        }
    }

    // A relative base_url is the normal case (a site opened from disk, or served under any
    // path), so a build says nothing of it; `check` tells what it means for the sitemap.
    if !options.write && config_ok && !parts[0].config.book.has_absolute_base_url() {
        report.diagnostics.push(
            Diagnostic::note(
                display_path(root, Path::new("book.toml")),
                "sitemap.xml will have root-relative URLs because `base_url` is not an absolute URL",
            )
            .help("if the site has a web address, set `base_url = \"https://example.org/handbook/\"` in [book] so search engines can use the sitemap")
            .code("relative-base-url"),
        );
    }
    // Every link of the output, settled once every file is known; a problem already reported
    // where it is written (a missing image found in the markdown) is not reported again. The
    // output of a site with other errors is not sound enough to tell (an invalid id's page has
    // no place): fixed, the next run checks.
    let sound = !report
        .diagnostics
        .iter()
        .any(|d| d.is_error() && !linkcheck::CODES.contains(&d.code));
    if !scanned.is_empty() && sound {
        let mut exists: std::collections::HashSet<String> = written
            .iter()
            .flat_map(|w| w.known.paths.iter().cloned())
            .collect();
        exists.insert("sitemap.xml".to_string());
        let reported: std::collections::HashSet<_> = report
            .diagnostics
            .iter()
            .map(|d| (d.path.clone(), d.position, d.code))
            .collect();
        let found = linkcheck::check(&scanned, &exists, &written);
        report.diagnostics.extend(
            found
                .into_iter()
                .filter(|d| !reported.contains(&(d.path.clone(), d.position, d.code))),
        );
        clock.lap(&mut report, "links");
    }
    // The links to other sites, visited when asked (`check --external --online`).
    if asked_external == External::Visit {
        let links: Vec<linkcheck::online::External> = written
            .iter_mut()
            .flat_map(|w| std::mem::take(&mut w.external))
            .collect();
        let visited = linkcheck::online::visit(&links, Duration::from_secs(15));
        report.diagnostics.push(
            Diagnostic::note(
                display_path(root, Path::new("book.toml")),
                format!(
                    "visited {} addresses of other sites ({} links): {} failed",
                    visited.addresses,
                    links.len(),
                    visited.failed
                ),
            )
            .code("external-links-visited"),
        );
        report.diagnostics.extend(visited.problems);
        clock.lap(&mut report, "external");
    }
    // What the handbook's `[check]` table, and the session, make of the problems.
    if config_ok {
        let check = &parts[0].config.check;
        let mut deny = check.deny.clone();
        deny.extend(deny_also.iter().cloned());
        diagnostics::apply_policy(&mut report.diagnostics, &check.allow, &check.warn, &deny);
    }
    if let Some(staging) = staging {
        if !report.has_errors()
            && let Err(e) = staging.write("sitemap.xml", render::sitemap_xml(&sitemap).as_bytes())
        {
            report
                .diagnostics
                .push(Diagnostic::error("sitemap.xml", e).code("io"));
        }
        report.print_pdf = asked_pdf || parts[0].config.print.pdf;
        if !report.has_errors() {
            // The PDFs of the folder being replaced that are still up to date.
            match pdf::kept::carry_over(&staging, &report.printables) {
                Ok(carried) => {
                    if !report.print_pdf
                        && let Some(warning) = carried.warning(staging.target())
                    {
                        report.diagnostics.push(warning);
                    }
                    report.pdfs_carried = carried;
                }
                Err(e) => report
                    .diagnostics
                    .push(Diagnostic::error(staging.target(), e).code("io")),
            }
        }
        report.flushed = staging.has_flushed();
        report.files_written = staging.files_written();
        report.bytes_written = staging.bytes_written();
        if !report.has_errors() {
            match staging.commit() {
                Ok(committed) => {
                    report.output = Some(committed.path);
                    report.changed = committed.changed;
                    manifest = committed.manifest;
                    for (prefix, made) in fingerprints.drain(..) {
                        memory.entry(prefix).or_default().fingerprints = made;
                    }
                }
                Err(e) => report.diagnostics.push(
                    Diagnostic::error(
                        &out_dir,
                        format!("cannot move the new output into place: {e}"),
                    )
                    .code("io"),
                ),
            }
        }
        // Otherwise dropping the staging folder removes it; the old output stays.
    }
    clock.lap(&mut report, "write");
    // Every handbook read, for a session that watches them.
    report.handbooks = parts
        .iter()
        .flat_map(|p| {
            let mut roots: Vec<PathBuf> = p.layers.iter().map(|l| l.root.clone()).collect();
            if roots.is_empty() {
                roots.push(p.root.clone());
            }
            roots
        })
        .collect();
    report.handbooks.dedup();
    diagnostics::sort(&mut report.diagnostics);
    (report, manifest)
}

/// The editions of the other languages of `[languages]`, loaded; each goes to `<tag>/` with
/// `base_url` to match.
fn language_parts(config: &config::Config, root: &Path) -> (Vec<Part>, Vec<Diagnostic>) {
    let mut problems = Vec::new();
    let mut parts = Vec::new();
    let shown = display_path(root, Path::new("book.toml"));
    for language in &config.languages {
        let Some(edition) = &language.edition else {
            continue;
        };
        let (loaded, found) = config::load(&edition.root, &edition.shown);
        problems.extend(found);
        let Some(loaded) = loaded else { continue };
        let mut translation = loaded.config;
        if !translation
            .book
            .language
            .eq_ignore_ascii_case(&language.tag)
        {
            let mut d = Diagnostic::error(
                &shown,
                format!(
                    "`[languages.{}]`: the edition `{}` is in `{}`, not `{}`",
                    language.tag, edition.written, translation.book.language, language.tag
                ),
            )
            .help(format!(
                "set `language = \"{}\"` in [book] of {}, or name the table after its language",
                language.tag,
                edition.shown.join("book.toml").display()
            ))
            .code("bad-config");
            if let Some(pos) = language.pos {
                d = d.at(pos);
            }
            problems.push(d);
            continue;
        }
        let prefix = format!("{}/", language.tag);
        translation.book.base_url =
            format!("{}/{prefix}", config.book.base_url.trim_end_matches('/'));
        parts.push(Part {
            config: translation,
            layers: loaded.layers,
            root: edition.root.clone(),
            shown: edition.shown.clone(),
            prefix,
        });
    }
    (parts, problems)
}

/// How the switcher names a language: its `[languages.<tag>] name` in the site's book.toml, or
/// the language's own name for itself.
fn language_label(site: &config::Config, part: &config::Config) -> String {
    let tag = &part.book.language;
    site.languages
        .iter()
        .find(|l| l.tag.eq_ignore_ascii_case(tag))
        .and_then(|l| l.name.clone())
        .unwrap_or_else(|| strings::language_name(tag, &part.strings))
}

/// A language's content: its files (an edition's laid over its bases'), what the edition left
/// out or moved, and (when a watcher told the session) which pages changed since the last
/// build, the others being as they were.
struct Content {
    sources: Arc<source::Sources>,
    edition: site::Edition,
    changed: Option<Vec<bool>>,
}

/// Walks a language's files; in a site of several languages, also what each has. In a
/// session, a handbook's walk is kept (`memory`), and taken again when the session was told
/// that only some of its pages changed.
fn gather(
    part: &Part,
    several: bool,
    avoid: &[&str],
    (track, noticed, memory): (bool, Option<&[PathBuf]>, &mut Memory),
    problems: &mut Vec<Diagnostic>,
) -> (Content, languages::Catalog) {
    // A single handbook (or one whose book.toml could not be read) is simply walked.
    if part.layers.is_empty() || (part.layers.len() == 1 && !several) {
        let known = memory
            .walked
            .take()
            .zip(noticed)
            .and_then(|(walked, noticed)| {
                let changed = walked.pages_of(noticed)?;
                Some((walked, changed))
            });
        let (walked, changed) = match known {
            Some((walked, changed)) => (walked, Some(changed)),
            None => {
                let (sources, found) = source::load(&part.root, &part.shown);
                let files = match track {
                    true => sources
                        .pages
                        .iter()
                        .enumerate()
                        .map(|(i, f)| (output::absolute(&f.path), i))
                        .collect(),
                    false => HashMap::new(),
                };
                let walked = Walked {
                    sources: Arc::new(sources),
                    problems: found,
                    files,
                };
                (Arc::new(walked), None)
            }
        };
        problems.extend(walked.problems.iter().cloned());
        let sources = walked.sources.clone();
        if track {
            memory.walked = Some(walked);
        }
        let content = Content {
            sources,
            edition: site::Edition::default(),
            changed,
        };
        return (content, languages::Catalog::default());
    }
    let layers = &part.layers[..];
    let (mut overlay, found) = edition::overlay(layers);
    problems.extend(found);
    // Copies of base pages whose base changed since: one warning for them all.
    let stale = edition::check_base_hashes(&mut overlay.changes);
    if stale > 0
        && let Some(top) = layers.last()
    {
        problems.push(edition::stale_warning(&top.shown.join("book.toml"), stale));
    }
    for (peek, file) in overlay.peeks.iter().zip(&overlay.sources.pages) {
        if let Some(tag) = avoid.iter().find(|t| languages::in_folder(&peek.id, t)) {
            problems.push(
                Diagnostic::error(
                    &file.shown,
                    format!("the page `{}` would be written in `{tag}/`, the folder of the site in `{tag}`", peek.id),
                )
                .help("give the page another id (`id` in its front matter), or move its file")
                .code("reserved-id"),
            );
        }
    }
    let catalog = if several {
        let page_layers: Vec<usize> = overlay.sources.pages.iter().map(|f| f.layer).collect();
        languages::Catalog::new(
            &overlay.peeks,
            &page_layers,
            layers,
            &part.config.book.language,
            part.config.search.enabled,
        )
    } else {
        languages::Catalog::default()
    };
    let edition = site::Edition {
        excluded: overlay.excluded,
        moved: overlay.moved,
    };
    let content = Content {
        sources: Arc::new(overlay.sources),
        edition,
        changed: None,
    };
    (content, catalog)
}

/// Parses, resolves and renders one language of the site, into its folder of the staging
/// output (made on first use, when nothing has gone wrong so far).
#[allow(clippy::too_many_arguments)]
fn build_part(
    (part, index, base): (&Part, usize, &linkcheck::Base),
    content: Content,
    switcher: Option<languages::Switcher>,
    (write, out_dir): (bool, &Path),
    (staging, track, previous): (
        &mut Option<output::Staging>,
        bool,
        &mut Option<output::Manifest>,
    ),
    showing: Option<&render::Showing<'_>>,
    memory: &mut Memory,
    report: &mut Report,
    clock: &mut Clock<'_>,
) -> (render::Rendered, linkcheck::Written) {
    let config = &part.config;
    let layers = &part.layers;
    let display_root = part.shown.as_path();
    let Content {
        sources,
        edition,
        changed,
    } = content;

    // A clean build spills page bodies into a file of its temporary output folder from the
    // parse to the render (a session that builds again keeps them, to reuse them), so that
    // the folder is made first.
    if write && !track && !report.has_errors() && staging.is_none() {
        open_staging(staging, out_dir, track, previous, report);
    }
    let spill = match staging
        .as_ref()
        .filter(|_| write && !track)
        .map(|s| s.spill())
    {
        Some(Ok(spill)) => spill,
        Some(Err(e)) => {
            report.diagnostics.push(
                Diagnostic::error(out_dir, format!("cannot create a temporary file: {e}"))
                    .code("io"),
            );
            None
        }
        None => None,
    };

    // Parse: each file is read inside the parallel parse, so only a few sources are in memory
    // at once; a file whose text (and place) is as the session last parsed it is not parsed
    // again.
    let search_on = config.search.enabled && write;
    let key_message = strings::Strings::for_language(&config.book.language, &config.strings)
        .get("key_message")
        .to_string();
    // The languages of the pages (the handbook's, and those of base pages an edition in another
    // language has not translated): each page is stemmed in its own.
    let languages: Vec<&str> = std::iter::once(config.book.language.as_str())
        .chain(layers.iter().map(|l| l.language.as_str()))
        .collect();
    let settings = hash_of(&(&languages, &key_message, config.build.highlight, search_on));
    if memory.settings != settings {
        *memory = Memory {
            settings,
            walked: memory.walked.take(),
            ..Memory::default()
        };
    }
    let collector = search_on.then(|| {
        memory
            .collector
            .get_or_insert_with(|| {
                Arc::new(if track {
                    search::Collector::tracking_words(&languages, &key_message)
                } else {
                    search::Collector::new(&languages, &key_message)
                })
            })
            .clone()
    });
    let parse_options = page::ParseOptions {
        highlight: config.build.highlight,
    };
    let language_of = |layer: usize| {
        layers
            .get(layer)
            .filter(|l| l.language != config.book.language)
            .map(|l| l.language.clone())
    };
    // One file: as remembered (`known`) when that can be vouched for, else read and parsed.
    // `told`: a watcher said it changed.
    let checked = std::sync::atomic::AtomicUsize::new(0);
    let parse_file = |file: &source::SourceFile, known: Option<&Remembered>, told: bool| {
        checked.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let language = language_of(file.layer);
        // A file whose size and time of change are as when it was last read (long enough
        // after that change for another one to show in the time) is not read again.
        let stamp = track.then(|| Stamp::of(file, &language)).flatten();
        if let Some(stamp) = &stamp
            && !told
            && let Some(known) = known
            && known.stamp.as_ref().is_some_and(|k| k.vouches_for(stamp))
        {
            return known.clone();
        }
        let source = match file.read() {
            Ok(mut source) => {
                source.language = language;
                source
            }
            Err(d) => return Remembered::failed(d),
        };
        let hash = if track { hash_of(&source) } else { 0 };
        if track
            && let Some(known) = known
            && known.hash == hash
        {
            let mut known = known.clone();
            known.stamp = stamp;
            return known;
        }
        let (parsed, problems) = page::parse(&source, parse_options);
        // The search index records the page's text here, while it is at hand.
        let (page, search) = match parsed {
            Some(mut p) => {
                let record = collector.as_ref().map(|c| {
                    let mut record = c.record_page(&p.page, &p.text);
                    record.store.spill(spill.as_ref());
                    record.docs.spill(spill.as_ref());
                    Arc::new(record)
                });
                p.page.body.spill(spill.as_ref());
                p.page.refs.spill(spill.as_ref());
                p.page.headings.spill(spill.as_ref());
                if let Some(lead) = &mut p.page.lead {
                    lead.spill(spill.as_ref());
                }
                (Some(Arc::new(p.page)), record)
            }
            None => (None, None),
        };
        Remembered {
            hash,
            stamp,
            page,
            search,
            problems,
        }
    };
    // Told which pages changed, of the very sources the last build parsed: only those.
    let follows = memory
        .parsed_from
        .as_ref()
        .is_some_and(|from| Arc::ptr_eq(from, &sources))
        && memory.parsed.len() == sources.pages.len();
    let told = changed.filter(|_| follows);
    let parsed: Vec<Remembered> = match &told {
        Some(told) => {
            let mut parsed = std::mem::take(&mut memory.parsed);
            let again: Vec<(usize, Remembered)> = (0..parsed.len())
                .filter(|&i| told[i])
                .collect::<Vec<_>>()
                .into_par_iter()
                .map(|i| (i, parse_file(&sources.pages[i], Some(&parsed[i]), true)))
                .collect();
            for (i, remembered) in again {
                parsed[i] = remembered;
            }
            parsed
        }
        None => {
            let remembered: HashMap<&Path, &Remembered> = memory
                .parsed_from
                .iter()
                .flat_map(|from| from.pages.iter().map(|f| f.path.as_path()))
                .zip(&memory.parsed)
                .collect();
            sources
                .pages
                .par_iter()
                .map(|file| parse_file(file, remembered.get(file.path.as_path()).copied(), false))
                .collect()
        }
    };
    report.sources_checked += checked.into_inner();
    // The pages told changed, when each is still a page.
    let told_pages: Option<Vec<Arc<page::ParsedPage>>> = told.as_ref().and_then(|told| {
        parsed
            .iter()
            .zip(told)
            .filter(|(_, told)| **told)
            .map(|(r, _)| r.page.clone())
            .collect()
    });
    let mut pages = Vec::with_capacity(parsed.len());
    // By page (its address), the page's search record.
    let mut records: rustc_hash::FxHashMap<*const page::ParsedPage, Arc<search::PageRecord>> =
        rustc_hash::FxHashMap::default();
    for r in &parsed {
        report.diagnostics.extend(r.problems.iter().cloned());
        if let Some(page) = &r.page {
            pages.push(page.clone());
            if let Some(record) = &r.search {
                records.insert(Arc::as_ptr(page), record.clone());
            }
        }
    }
    // Kept for the next build, or let go now (so that the search stage owns the records).
    if track {
        memory.parsed = parsed;
        memory.parsed_from = Some(sources.clone());
    } else {
        drop(parsed);
    }
    report.source_bytes += pages.iter().map(|p| p.source_len).sum::<usize>();
    clock.lap(report, "parse");

    // Resolve; or, told that only some pages changed, and only in their text, the last
    // build's site with them put in.
    let reused = match (&told_pages, memory.site.take()) {
        (Some(told), Some(last)) => last.with_pages(told),
        _ => None,
    };
    let (site, resolved_clean) = match reused {
        Some(site) => (site, true),
        None => {
            let (site, problems) = site::resolve(pages, &config.book.title, &edition, display_root);
            let clean = problems.is_empty();
            report.diagnostics.extend(problems);
            report
                .excluded_references
                .extend(site.to_excluded.iter().cloned());
            (site, clean)
        }
    };
    report.diagnostics.extend(site::lints::lints(&site));
    if let Some(policy) = &config.build.content_security_policy {
        let policy = crate::config::csp::Policy::parse(policy);
        report
            .diagnostics
            .extend(site::lints::blocked_by_policy(&site, &policy));
    }
    if clock.1.external == External::List {
        report
            .diagnostics
            .extend(site::lints::external_links(&site));
    }
    clock.lap(report, "resolve");

    // Render and write.
    let handbooks: Vec<(&Path, &Path)> = if layers.is_empty() {
        vec![(part.root.as_path(), display_root)]
    } else {
        layers
            .iter()
            .map(|l| (l.root.as_path(), l.shown.as_path()))
            .collect()
    };
    let mut theme = match render::theme::load(
        &handbooks,
        &config.book.theme,
        &config.theme,
        config.build.minify.assets(),
    ) {
        Ok(theme) => Some(theme),
        Err(problems) => {
            report.diagnostics.extend(problems);
            None
        }
    };
    // Links and images to files that are not there (before anything is written).
    if let Some(theme) = &theme {
        let assets: std::collections::HashSet<&str> =
            sources.assets.iter().map(|a| a.rel.as_str()).collect();
        let exists = |path: &str| assets.contains(path) || theme.statics.contains_key(path);
        report
            .diagnostics
            .extend(site::lints::missing_files(&site, &exists));
    }
    if write && !report.has_errors() && staging.is_none() {
        open_staging(staging, out_dir, track, previous, report);
    }
    let out = staging
        .as_ref()
        .filter(|_| write && !report.has_errors())
        .map(|s| s.folder(&part.prefix));
    // The search records, in the site's order of pages.
    let search = collector.map(|c| {
        let records: Vec<_> = site
            .pages
            .iter()
            .map(|p| records.remove(&Arc::as_ptr(p)))
            .collect();
        (c, records)
    });
    // The files next to the pages first: a page shown before the build is done finds them.
    if let Some(out) = out.as_ref() {
        for asset in &sources.assets {
            if let Err(e) = out.copy(&asset.rel, &asset.path) {
                let shown = display_path(display_root, &Path::new("content").join(&asset.rel));
                report
                    .diagnostics
                    .push(Diagnostic::error(shown, e).code("io"));
            }
        }
    }
    let mut rendered = render::Rendered::default();
    let copied: Vec<String> = sources.assets.iter().map(|a| a.rel.clone()).collect();
    let scope = render::LinkScope {
        base,
        part: index,
        prefix: &part.prefix,
        copied: &copied,
        print_bodies: !write,
    };
    if let Some(theme) = theme.as_mut() {
        let problems;
        (rendered, problems) = render::render(
            &site,
            config,
            theme,
            out.as_ref(),
            switcher,
            search,
            track.then_some(&memory.fingerprints),
            showing,
            display_root,
            clock.1.progress,
            &scope,
        );
        report.pages += rendered.pages;
        report.pages_made += rendered.made;
        report.printables.extend(
            std::mem::take(&mut rendered.printables)
                .into_iter()
                .map(|p| pdf::Printable {
                    html: format!("{}{}", part.prefix, p.html),
                    pdf: format!("{}{}", part.prefix, p.pdf),
                }),
        );
        report.diagnostics.extend(problems);
    }
    if let Some(failure) = spill.as_ref().and_then(|s| s.failure()) {
        report
            .diagnostics
            .push(Diagnostic::error(out_dir, failure).code("io"));
    }
    clock.lap(report, "render");
    // EPUB: the books, made from the resolved site (its bodies read back from the spill) into
    // the output folder, with the site.
    if clock.1.epub
        && theme.is_some()
        && !report.has_errors()
        && let Some(out) = out.as_ref()
    {
        let input = crate::epub::Input {
            site: &site,
            config,
            assets: &sources.assets,
            prefix: &part.prefix,
        };
        let (written, problems) =
            crate::epub::make_all(&input, &mut |path, bytes| out.write(path, bytes));
        report
            .epubs
            .extend(written.into_iter().map(|p| format!("{}{p}", part.prefix)));
        report.diagnostics.extend(problems);
        clock.lap(report, "epub");
    }
    // What the pages and templates wrote, to report a broken link where it is written.
    let links = linkcheck::Written {
        external: match clock.1.external {
            External::Visit => site
                .pages
                .iter()
                .flat_map(|p| {
                    p.external
                        .iter()
                        .map(|(url, pos)| linkcheck::online::External {
                            url: url.clone(),
                            shown: p.shown.clone(),
                            pos: *pos,
                        })
                })
                .collect(),
            _ => Vec::new(),
        },
        prefix: part.prefix.clone(),
        known: std::mem::take(&mut rendered.known),
        pages: site
            .pages
            .iter()
            .map(|p| linkcheck::PageLinks {
                shown: p.shown.clone(),
                urls: p.urls.clone(),
                files: p
                    .files
                    .iter()
                    .map(|f| (f.path.clone(), f.written.clone(), f.pos))
                    .collect(),
            })
            .collect(),
        templates: theme
            .as_ref()
            .map(|theme| {
                // The handbook's own templates first: a URL is looked for there before the
                // theme's.
                let mut templates: Vec<(String, PathBuf, String)> = theme
                    .texts
                    .iter()
                    .map(|(name, text)| {
                        let shown = theme.sources.get(name).cloned().unwrap_or_default();
                        (name.clone(), shown, text.clone())
                    })
                    .collect();
                templates.sort_by_key(|(name, _, _)| name.starts_with("theme/"));
                templates
            })
            .unwrap_or_default(),
    };
    // Kept for the next build when it was resolved without problems.
    if track && resolved_clean {
        memory.site = Some(site);
    }
    (rendered, links)
}

/// Makes the temporary output folder the build writes into.
fn open_staging(
    staging: &mut Option<output::Staging>,
    out_dir: &Path,
    track: bool,
    previous: &mut Option<output::Manifest>,
    report: &mut Report,
) {
    let made = if track {
        output::Staging::tracked(out_dir, previous.take())
    } else {
        output::Staging::new(out_dir)
    };
    match made {
        Ok(made) => *staging = Some(made),
        Err(e) => {
            report.diagnostics.push(
                Diagnostic::error(out_dir, format!("cannot create the output folder: {e}"))
                    .code("io"),
            );
        }
    }
}

/// When book.toml cannot be read, the content is still checked with default settings.
fn fallback_config(root: &Path) -> config::Config {
    let title = root
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "Handbook".into());
    let text = format!("[book]\ntitle = {title:?}\n");
    config::parse(&text, Path::new("book.toml"))
        .0
        .expect("the fallback config parses")
}
