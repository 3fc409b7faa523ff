//! Render: the resolved [`Site`] → HTML files (and the sitemap, the 404 page, the navigation
//! tree and static files), through tera, in parallel, each file written as soon as it is made.

pub mod bodies;
mod compact;
mod contents;
pub mod context;
pub mod dirty;
pub mod highlight;
mod indexing;
pub mod jobs;
pub mod links;
pub mod minify;
pub mod print_views;
pub mod scripts;
mod statics;
pub mod stylesheets;

pub mod theme;

use indexing::Terms;
use minify::minify_html;

use std::collections::{BTreeMap, HashMap};
use std::hash::{Hash, Hasher};
use std::path::Path;

use rayon::prelude::*;

use crate::config::Config;
use crate::diagnostics::{Diagnostic, display_path};
use crate::output::Folder;
use crate::page::markdown::escape;
use crate::site::Site;
use crate::strings::Strings;
use links::{href, page_title};
use theme::Theme;

/// Counts of what a render produced.
#[derive(Debug, Default, Clone)]
pub struct Rendered {
    pub pages: usize,
    /// The printable pages written (lesson handouts, the print view), for `tenet pdf`.
    pub printables: Vec<crate::pdf::Printable>,
    /// The URL of every page and index, for sitemap.xml (which the build writes once for all
    /// the languages of a site).
    pub sitemap: Vec<String>,
    /// In a tracked render (given the last one's): what each file was made from.
    pub fingerprints: Option<Fingerprints>,
    /// Pages made this time (the others were as last time, and left as they were).
    pub made: usize,
    /// Every HTML file made (or, in a session, left as last time), and the static HTML and CSS
    /// files, scanned for the link check.
    pub links: Vec<crate::linkcheck::File>,
    /// The files of this part known before its pages were made.
    pub known: crate::linkcheck::Known,
}

/// What the link check needs of a render: where the site is published, which part of it this
/// is (its index among the languages and its folder), and the files copied next to its pages
/// (paths from that folder).
pub struct LinkScope<'a> {
    pub base: &'a crate::linkcheck::Base,
    pub part: usize,
    pub prefix: &'a str,
    pub copied: &'a [String],
    /// Whether the bodies in the print views are scanned too (`check`): they are the pages'
    /// bodies, whose links are checked on the pages, with the links between them made to
    /// work within the view; a build leaves them out, as they cost more than the pages.
    pub print_bodies: bool,
}

/// What the search index is made of: the vocabulary, and each page's record (in the site's
/// order of pages).
pub type SearchInput = (
    std::sync::Arc<crate::search::Collector>,
    Vec<Option<std::sync::Arc<crate::search::PageRecord>>>,
);

/// Everything the templates and helpers share during one render.
pub struct Renderer<'a> {
    pub site: &'a Site,
    pub config: &'a Config,
    pub strings: Strings,
    /// Output path of each static asset → the same with a version query for cache busting.
    pub assets: BTreeMap<String, String>,
    pub highlight_css: bool,
    /// The language switcher, in a site built in several languages.
    pub languages: Option<crate::languages::Switcher<'a>>,
    /// Bodies are not filled but stand as a hash of everything their filling reads: what a
    /// session hashes to tell whether a page would come out as last time, without making it.
    pub cheap: bool,
    /// Whether the handbook's print view is split into views per part, and how.
    pub print_views: print_views::PrintViews,
}

/// Renders every page and writes it to `out` (or only renders, for `check`, when `out` is None).
/// Given the `remembered` fingerprints of the last render (a session's), pages that would come
/// out the same are not made again. With `showing`, the pages are moved into the output folder
/// and it is told (first the open pages, then the others), before the print views and the
/// search index are made.
#[allow(clippy::too_many_arguments)]
pub fn render(
    site: &Site,
    config: &Config,
    theme: &mut Theme,
    out: Option<&Folder>,
    languages: Option<crate::languages::Switcher>,
    search: Option<SearchInput>,
    remembered: Option<&Fingerprints>,
    showing: Option<&Showing<'_>>,
    display_root: &Path,
    progress: Option<&dyn crate::progress::Progress>,
    scope: &LinkScope<'_>,
) -> (Rendered, Vec<Diagnostic>) {
    let mut problems = Vec::new();
    let strings = Strings::for_language(&config.book.language, &config.strings);
    let highlight_css = config.build.highlight && site.pages.iter().any(|p| p.has_code);

    // Static files first: their versions go into every page.
    let mut generated = vec![(stylesheets::BOOK_PATH, stylesheets::book(config, &strings))];
    if highlight_css {
        generated.push((highlight::PATH, highlight::stylesheet()));
    }
    let statics = statics::write(
        theme,
        config.build.minify.assets(),
        &generated,
        remembered.map(|r| &r.minified),
        out,
        display_root,
    );
    problems.extend(statics.problems);
    let (assets, minified) = (statics.urls, statics.minified);
    // Search: each page's documents are written with the page (and then freed); the postings
    // are built from the term records meanwhile, on whichever thread is free.
    let indexing::Prepared {
        collector,
        terms,
        stores,
        used,
        plan,
        hashes,
    } = indexing::prepare(search, site);
    let renderer = Renderer {
        site,
        config,
        strings,
        assets,
        highlight_css,
        languages,
        cheap: false,
        print_views: print_views::PrintViews::plan(
            site,
            config.print.split_above_kb.saturating_mul(1024),
        ),
    };
    // The generated text of the references in search documents: stored with the page's
    // documents (snippets show it), counted in the index, and part of its version.
    let link_texts = indexing::link_texts(&terms, &|p, i| {
        site.refs[p]
            .get(i)
            .and_then(Option::as_ref)
            .map(|r| renderer.ref_text(r.page, r.anchor))
            .unwrap_or_default()
    });
    let search_version = match &plan {
        Some(plan) => crate::search::version(plan, &hashes, &link_texts),
        None => String::new(),
    };
    // What every page depends on: the theme's templates and the global context.
    let global_fingerprint = remembered.map(|_| {
        let mut h = rustc_hash::FxHasher::default();
        let globals = renderer.globals(true).finish();
        (globals, env!("CARGO_PKG_VERSION"), theme.fingerprint).hash(&mut h);
        config.build.minify.hash(&mut h);
        h.finish()
    });
    let cheap = Renderer {
        cheap: true,
        strings: renderer.strings.clone(),
        assets: renderer.assets.clone(),
        languages: renderer.languages.clone(),
        print_views: renderer.print_views.clone(),
        ..renderer
    };
    let fingerprints = std::sync::Mutex::new(Fingerprints::default());
    let made = std::sync::atomic::AtomicUsize::new(0);
    *theme.tera.global_context() = renderer.globals(false).into_tera();
    let theme = &*theme;

    let search_page = config.search.enabled && theme.tera.contains_template("search.html");
    if config.search.enabled && !search_page {
        problems.push(
            Diagnostic::warning(
                display_path(display_root, Path::new("book.toml")),
                format!("the theme `{}` has no search.html template, so the site has no search page", config.book.theme),
            )
            .help("add templates/search.html (see the default theme's), or set `enabled = false` in [search]")
            .code("missing-template"),
        );
    }
    let jobs = jobs::list(site, &theme.tera, search_page, &renderer.print_views);
    // Without the full minifier `"full"` is compact (book.toml's reading warned).
    let minify = config.build.minify == crate::config::Minify::Full && minify::FULL;
    // The link check: the files known before any page is made, and each file as scanned.
    let known = {
        let mut paths: Vec<String> = jobs.iter().map(|job| job.path(site)).collect();
        paths.extend(renderer.assets.keys().cloned());
        paths.push(scripts::SITE_PATH.to_string());
        paths.extend(jobs.iter().filter_map(|job| job.page_css(site)));
        paths.extend(scope.copied.iter().cloned());
        for path in &mut paths {
            path.insert_str(0, scope.prefix);
        }
        crate::linkcheck::Known::new(paths)
    };
    let scans = std::sync::Mutex::new(statics::scan(theme, scope, &known));
    // What a page's making found worth telling that did not stop it.
    let warnings = std::sync::Mutex::new(Vec::new());
    // A file left as last time: as last time scanned.
    let keep_scan = |path: &str| {
        if let Some(file) = remembered.and_then(|r| r.links.get(path)) {
            scans.lock().expect("scans").push(file.clone());
        }
    };
    // Remembers a file's fingerprint; true when it is as last time (and the output folder
    // holds what the last build made of it), so need not be made again.
    let unchanged = |path: &str, fingerprint: Option<u64>| -> bool {
        let (Some(fingerprint), Some(remembered)) = (fingerprint, remembered) else {
            return false;
        };
        fingerprints
            .lock()
            .expect("fingerprints")
            .files
            .insert(path.to_string(), fingerprint);
        remembered.files.get(path) == Some(&fingerprint) && out.is_some_and(|o| o.keep(path))
    };
    let started = std::sync::atomic::AtomicUsize::new(0);
    let total = jobs.len();
    let render_jobs = |jobs: &[jobs::Job], to_check: Option<&dirty::ToCheck>| -> Vec<Diagnostic> {
        jobs.par_iter()
            .inspect(|_| {
                if let Some(progress) = progress {
                    let done = started.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
                    progress.files(done, total);
                }
            })
            .filter_map(|job| {
                // A printed page's own stylesheet: tiny, so made every time (a build that
                // tracks its files leaves it alone when it comes out the same).
                let page_css = renderer.page_css(*job);
                if let (Some((path, css)), Some(out)) = (&page_css, out)
                    && let Err(e) = out.write(path, css.as_bytes())
                {
                    return Some(
                        Diagnostic::error(renderer.job_source(*job, display_root), e).code("io"),
                    );
                }
                // The page's search documents, written alongside it.
                if let (jobs::Job::Page(p), Some(plan), Some(out)) = (*job, plan.as_ref(), out)
                    && let Some(sp) = plan.number[p]
                    && let Some(record) = stores[p].lock().expect("store lock").take()
                {
                    let (url, title, parent) = renderer.search_header(p);
                    let links = &link_texts[p];
                    let path = crate::search::document_path(sp);
                    let fingerprint = global_fingerprint.map(|_| {
                        let mut h = rustc_hash::FxHasher::default();
                        (record.hash(), &url, &title, &parent, links).hash(&mut h);
                        h.finish()
                    });
                    if !unchanged(&path, fingerprint) {
                        let header = crate::search::DocumentHeader {
                            url: &url,
                            title: &title,
                            parent: &parent,
                            links,
                        };
                        let data = crate::search::document_file(sp, &record.bytes(), &header);
                        if let Err(e) = out.write(&path, &data) {
                            return Some(Diagnostic::error("search", e).code("io"));
                        }
                    }
                }
                // A page nothing it shows can have changed in is left as it is.
                if let (Some((pages, indexes)), Some(before)) = (to_check, remembered) {
                    let skip = match *job {
                        jobs::Job::Page(p)
                        | jobs::Job::Handout(p)
                        | jobs::Job::LessonPlan(p)
                        | jobs::Job::Slides(p) => !pages[p],
                        jobs::Job::Index(i) => !indexes[i],
                        _ => false,
                    };
                    if skip {
                        let path = job.path(site);
                        if let Some(&fingerprint) = before.files.get(&path)
                            && unchanged(&path, Some(fingerprint))
                        {
                            keep_scan(&path);
                            return None;
                        }
                    }
                }
                // Tracked: the page's fingerprint, made from the data it is made from with
                // bodies standing as hashes; as last time, it is left as it is.
                if let Some(global) = global_fingerprint {
                    let (template, path, cx) = cheap.job_context(*job, theme);
                    let mut h = rustc_hash::FxHasher::default();
                    (global, &template, cx.finish()).hash(&mut h);
                    if let (Some(switcher), Some(id)) = (&cheap.languages, job.output_id(site)) {
                        serde_json::to_string(&switcher.links(&id))
                            .unwrap_or_default()
                            .hash(&mut h);
                    }
                    if let jobs::Job::Print(scope) = *job {
                        cheap.print_fingerprint(scope).hash(&mut h);
                    }
                    if unchanged(&path, Some(h.finish())) {
                        keep_scan(&path);
                        return None;
                    }
                }
                let (template, path, mut cx) = renderer.job_context(*job, theme);
                made.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                if let Some((_, css)) = &page_css {
                    let url = format!(
                        "{}?v={}",
                        stylesheets::PAGE_FILE,
                        short_hash(css.as_bytes())
                    );
                    cx.insert("page_css", &url);
                }
                let languages = match (&renderer.languages, job.output_id(site)) {
                    (Some(switcher), Some(id)) => switcher.links(&id),
                    _ => Vec::new(),
                };
                cx.insert("languages", &languages);
                let cx = cx.into_tera();
                let shown = renderer.job_source(*job, display_root);
                let html = match theme.tera.render(&template, &cx) {
                    Ok(html) => html,
                    Err(e) => {
                        let mut d = theme::template_error(&e, &theme.sources, &theme.indents);
                        // An error without a place of its own (a recursion without end) is the
                        // page's template's.
                        if d.position.is_none()
                            && let Some(file) = theme
                                .sources
                                .get(&template)
                                .or_else(|| theme.sources.get(&format!("theme/{template}")))
                        {
                            d.path = file.clone();
                        }
                        d.message = format!("{} (rendering {})", d.message, shown.display());
                        return Some(d);
                    }
                };
                // Scanned for the link check before minifying (the same URLs and ids, and text
                // that need not be checked again for UTF-8); a print view's bodies are scanned
                // as they are made, each on its own.
                let full_path = format!("{}{path}", scope.prefix);
                let scanner = std::sync::Mutex::new(crate::linkcheck::Scanner::new(
                    &full_path, scope.base, &known,
                ));
                scanner.lock().expect("scan").feed(&html);
                let bytes =
                    if minify && minify::nesting_depth(html.as_bytes()) <= minify::MINIFY_DEPTH {
                        minify_html(html.as_bytes())
                    } else {
                        if minify {
                            warnings.lock().expect("warnings").push(
                            Diagnostic::warning(
                                &shown,
                                format!(
                                    "{path} is not minified: its elements nest more than {} deep",
                                    minify::MINIFY_DEPTH
                                ),
                            )
                            .help("nest raw HTML less deeply")
                            .code("nesting-too-deep"),
                        );
                        }
                        html.into_bytes()
                    };
                let each_body = |page: usize, body: &str| {
                    if !scope.print_bodies {
                        return;
                    }
                    let mut part =
                        crate::linkcheck::Scanner::of_body(&full_path, page, scope.base, &known);
                    part.feed(body);
                    scanner.lock().expect("scan").merge(part);
                };
                let written = match (out, *job) {
                    // A print view: its pages' bodies go into the file as it is written.
                    (Some(out), jobs::Job::Print(print)) => out.write_with(&path, &mut |file| {
                        renderer.write_print(print, &bytes, file, &each_body)
                    }),
                    (Some(out), _) => out.write(&path, &bytes),
                    (None, jobs::Job::Print(print)) => renderer
                        .write_print(print, &bytes, &mut std::io::sink(), &each_body)
                        .map(|_| ())
                        .map_err(|e| e.to_string()),
                    (None, _) => Ok(()),
                };
                let scanner = scanner.into_inner().expect("scan");
                let page = match *job {
                    jobs::Job::Page(p)
                    | jobs::Job::Handout(p)
                    | jobs::Job::LessonPlan(p)
                    | jobs::Job::Slides(p) => Some(p),
                    _ => None,
                };
                let file = crate::linkcheck::File {
                    path: full_path.clone(),
                    scanned: std::sync::Arc::new(scanner.finish()),
                    origin: crate::linkcheck::Origin::Made {
                        part: scope.part,
                        template,
                        page,
                        is_page: matches!(*job, jobs::Job::Page(_)),
                    },
                };
                if global_fingerprint.is_some() {
                    fingerprints
                        .lock()
                        .expect("fingerprints")
                        .links
                        .insert(path.clone(), file.clone());
                }
                scans.lock().expect("scans").push(file);
                written
                    .err()
                    .map(|e| Diagnostic::error(shown, e).code("io"))
            })
            .collect()
    };
    let build_index = || -> Vec<Diagnostic> {
        let (Some(collector), Some(plan), Some(out)) = (collector, plan.as_ref(), out) else {
            return Vec::new();
        };
        // The generated link text of references, known now that the site is resolved, added
        // to the records of the documents that have some (put back where they were: held, or
        // spilled again).
        let mut link_words = Vec::new();
        let terms: Vec<Option<crate::search::Docs>> = terms
            .into_iter()
            .zip(&link_texts)
            .enumerate()
            .map(|(p, (terms, links))| {
                let terms = terms?;
                if links.is_empty() {
                    return Some(match terms {
                        Terms::Own(docs) => docs,
                        Terms::Shared(record) => record.docs.clone(),
                    });
                }
                let mut docs = terms.docs();
                let language = collector.language_of(site.pages[p].language.as_deref());
                for (local, texts) in links {
                    if let Some(doc) = docs.iter_mut().find(|d| d.local == *local) {
                        collector.add_link_text(language, doc, texts, &mut link_words);
                    }
                }
                Some(terms.encoded().beside(&docs))
            })
            .collect();
        let in_use = collector.words_in_use(
            used.iter()
                .map(|r| r.words.as_slice())
                .chain([link_words.as_slice()]),
        );
        let pairs = collector.pairs(used.iter().map(|r| r.pairs.as_slice()));
        let failures = std::sync::Mutex::new(Vec::new());
        renderer.search_index(
            &collector,
            plan,
            terms,
            in_use.as_deref(),
            &pairs,
            &search_version,
            &|path, bytes| {
                if let Err(e) = out.write(path, bytes) {
                    failures
                        .lock()
                        .expect("failures lock")
                        .push(Diagnostic::error("search", e).code("io"));
                }
            },
        );
        failures.into_inner().expect("failures lock")
    };
    // The pages open in a browser first, shown as soon as they are in place (before the work
    // that looks at every page).
    let mut first = Vec::new();
    if let (Some(showing), Some(out)) = (showing, out) {
        first = jobs::open(site, &jobs, showing.open, out.prefix());
        if !first.is_empty() {
            let failed = render_jobs(&first, None);
            let ok = !failed.iter().any(Diagnostic::is_error);
            problems.extend(failed);
            if ok {
                show(out, showing, display_root, &mut problems);
            }
        }
    }
    // The navigation tree's script.
    let tree = scripts::tree_script(site);
    let tree_version = short_hash(tree.as_bytes());
    if let Some(out) = out
        && let Err(e) = out.write(scripts::TREE_PATH, tree.as_bytes())
    {
        problems.push(Diagnostic::error("assets", e).code("io"));
    }
    // Which pages can have changed at all (the others are not even fingerprinted).
    let now = global_fingerprint.map(|global| {
        let languages = renderer.languages.as_ref().map_or(0, |s| s.fingerprint());
        dirty::Now::of(site, global, languages)
    });
    let to_check = match (&now, remembered) {
        (Some(now), Some(before)) => now.to_check(site, &before.dirty),
        _ => None,
    };
    let to_check = to_check.as_ref();
    match (showing, out) {
        // Pages first, shown as soon as they are in place; then the print views (which hold
        // every page) and the search index.
        (Some(showing), Some(out)) => {
            let (printed, pages): (Vec<jobs::Job>, Vec<jobs::Job>) = jobs
                .iter()
                .filter(|job| !first.contains(job))
                .partition(|job| matches!(job, jobs::Job::Print(_)));
            let failed = render_jobs(&pages, to_check);
            let ok = !failed.iter().any(Diagnostic::is_error);
            problems.extend(failed);
            if ok {
                show(out, showing, display_root, &mut problems);
            }
            // On one thread: the machine's other cores are for the browser reloading the
            // pages meanwhile.
            let one = rayon::ThreadPoolBuilder::new().num_threads(1).build();
            let rest = || rayon::join(|| render_jobs(&printed, to_check), build_index);
            let (rendered, indexed) = match one {
                Ok(pool) => pool.install(rest),
                Err(_) => rest(),
            };
            problems.extend(rendered);
            problems.extend(indexed);
        }
        _ => {
            let (rendered, indexed) = rayon::join(|| render_jobs(&jobs, to_check), build_index);
            problems.extend(rendered);
            problems.extend(indexed);
        }
    }
    // The versions of the files that change with the content, which pages do not name (so
    // that an edit changes only the pages it shows in).
    if let Some(out) = out
        && let Err(e) = out.write(
            scripts::SITE_PATH,
            scripts::site_script(&tree_version, &search_version).as_bytes(),
        )
    {
        problems.push(Diagnostic::error("assets", e).code("io"));
    }

    problems.extend(warnings.into_inner().expect("warnings"));
    let sitemap = renderer.sitemap();
    let printables = jobs
        .iter()
        .filter_map(|job| job.printed(site))
        .map(|(id, pdf)| crate::pdf::Printable {
            html: links::output_path(&id),
            pdf: format!("pdf/{pdf}.pdf"),
        })
        .collect();
    (
        Rendered {
            pages: jobs.len(),
            printables,
            sitemap,
            fingerprints: now.map(|now| Fingerprints {
                dirty: now.remembered,
                minified,
                ..fingerprints.into_inner().expect("fingerprints")
            }),
            made: made.into_inner(),
            links: scans.into_inner().expect("scans"),
            known,
        },
        problems,
    )
}

/// Told, in a build that shows pages early, the output files moved into place once the pages
/// are (before the print views and the search index).
pub type PagesDone<'a> = dyn Fn(Vec<String>) + Sync + 'a;

/// How a build shows its pages before it is done (`tenet serve`): the pages open in a browser
/// are made first and moved into place, then every other page; `done` is told each time.
pub struct Showing<'a> {
    /// Output files open in a browser (relative to the output folder, `a/b/index.html`).
    pub open: &'a [String],
    pub done: &'a PagesDone<'a>,
}

/// Moves the pages made so far into the output folder and tells `showing`.
fn show(out: &Folder, showing: &Showing, display_root: &Path, problems: &mut Vec<Diagnostic>) {
    match out.flush() {
        Ok(moved) if moved.is_empty() => {}
        Ok(moved) => (showing.done)(moved),
        Err(e) => problems.push(
            Diagnostic::error(
                display_root,
                format!("cannot move pages into the output folder: {e}"),
            )
            .code("io"),
        ),
    }
}

/// What a tracked render made, by output path: a hash of what each file was made from; and
/// what tells the next render which pages it need not even look at.
#[derive(Debug, Default, Clone)]
pub struct Fingerprints {
    pub files: HashMap<String, u64>,
    pub dirty: dirty::Remembered,
    /// What minifying made of the static files.
    pub minified: statics::Minified,
    /// Each HTML file made, as the link check scanned it (by path from the part's folder).
    pub links: HashMap<String, crate::linkcheck::File>,
}

fn short_hash(bytes: &[u8]) -> String {
    let mut hasher = std::hash::DefaultHasher::new();
    bytes.hash(&mut hasher);
    format!("{:08x}", hasher.finish() as u32)
}

impl Renderer<'_> {
    /// What the file of a page's search documents says of it besides the documents: its URL,
    /// its title and its parent's title.
    fn search_header(&self, p: usize) -> (String, String, String) {
        let site = self.site;
        let parent = site.parent[p]
            .map(|q| page_title(site, q))
            .unwrap_or_default();
        (
            href("", &site.pages[p].id, None),
            page_title(site, p),
            parent,
        )
    }

    /// The search index's shards and meta.js (docs/search.md).
    #[allow(clippy::too_many_arguments)]
    fn search_index(
        &self,
        collector: &crate::search::Collector,
        plan: &crate::search::Plan,
        terms: Vec<Option<crate::search::Docs>>,
        in_use: Option<&[bool]>,
        pairs: &rustc_hash::FxHashSet<u64>,
        version: &str,
        write: &(dyn Fn(&str, &[u8]) + Sync),
    ) {
        use crate::search::Labels;
        let s = &self.strings;
        let mut kinds: Vec<(String, String, String)> = crate::search::KIND_ORDER
            .iter()
            .map(|&k| {
                (
                    k.name().to_string(),
                    s.kind(k).to_string(),
                    s.kind_plural(k).to_string(),
                )
            })
            .collect();
        kinds.push((
            "key-message".into(),
            s.get("key_message").into(),
            s.get("key_messages").into(),
        ));
        let strings = [
            "search",
            "search_placeholder",
            "search_result",
            "search_results",
            "search_no_results",
            "search_showing",
            "search_more",
            "search_all",
            "searching",
            "search_error",
            "search_in",
        ]
        .iter()
        .map(|&k| (k, s.get(k).to_string()))
        .collect();
        crate::search::build(
            collector,
            plan,
            terms,
            in_use,
            pairs,
            version,
            &self.config.book.language,
            &Labels { kinds, strings },
            write,
        );
        // The stemmers the client runs on query words (meta.js names their languages).
        let languages: Vec<&str> = collector.languages().collect();
        let stemmers = crate::search::stem::stemmers(&languages);
        if !stemmers.is_empty() {
            let script = crate::search::stem::script(&stemmers).into_bytes();
            let bytes = match self.config.build.minify.assets() {
                true => minify::minify_asset("stem.js", script),
                false => script,
            };
            write("search/stem.js", &bytes);
        }
    }

    /// A handout's or lesson plan's own stylesheet (its path and text): the running footer's
    /// line that names the lesson.
    fn page_css(&self, job: jobs::Job) -> Option<(String, String)> {
        let path = job.page_css(self.site)?;
        let line = match job {
            jobs::Job::LessonPlan(p) => format!(
                "{}: {}",
                self.strings.get("lesson_plan"),
                page_title(self.site, p)
            ),
            jobs::Job::Handout(p) => page_title(self.site, p).to_string(),
            _ => return None,
        };
        Some((path, stylesheets::page(&line)))
    }

    fn job_source(&self, job: jobs::Job, display_root: &Path) -> std::path::PathBuf {
        match job {
            jobs::Job::Page(p)
            | jobs::Job::Handout(p)
            | jobs::Job::LessonPlan(p)
            | jobs::Job::Slides(p) => self.site.pages[p].shown.clone(),
            jobs::Job::Index(i) => display_path(display_root, Path::new(self.site.indexes[i].id)),
            jobs::Job::NotFound => display_path(display_root, Path::new("404.html")),
            jobs::Job::Search => display_path(display_root, Path::new("search/index.html")),
            jobs::Job::Contents => display_path(display_root, Path::new("contents/index.html")),
            jobs::Job::Print(None) => display_path(display_root, Path::new("print/index.html")),
            jobs::Job::Print(Some(m)) => self.site.pages[m].shown.clone(),
        }
    }

    /// The URL of every page and index of the site, for sitemap.xml: absolute when
    /// `base_url` is, else from the server's root.
    fn sitemap(&self) -> Vec<String> {
        let base = &self.config.book.base_url;
        let prefix = if self.config.book.has_absolute_base_url() {
            format!("{}/", base.trim_end_matches('/'))
        } else {
            format!("/{}", base.trim_matches('/'))
                .trim_end_matches('/')
                .to_string()
                + "/"
        };
        let ids = self
            .site
            .order
            .iter()
            .map(|&p| self.site.pages[p].id.as_str())
            .chain(
                self.site
                    .indexes
                    .iter()
                    .filter(|i| i.page.is_none())
                    .map(|i| i.id),
            );
        ids.map(|id| {
            if id.is_empty() {
                prefix.clone()
            } else {
                format!("{prefix}{}/", links::encode_path(id))
            }
        })
        .collect()
    }
}

/// sitemap.xml listing `urls`.
pub fn sitemap_xml(urls: &[String]) -> String {
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for url in urls {
        xml.push_str("  <url><loc>");
        xml.push_str(&escape(url));
        xml.push_str("</loc></url>\n");
    }
    xml.push_str("</urlset>\n");
    xml
}
