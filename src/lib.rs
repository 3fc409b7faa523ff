//! tenet: a static site generator for doctrine handbooks and training curricula.
//!
//! One build is a pipeline of plain data, one module per stage:
//!
//! ```text
//! config  book.toml                      -> Config
//! source  walk content/                  -> Sources (text of every page, assets)
//! page    front matter, blocks, markdown -> ParsedPage (per file, in parallel)
//! site    ids, references, backlinks     -> Site (frozen)
//! render  tera themes                    -> HTML files, written as they are made (in parallel)
//! output  temporary folder, then swap    -> the output folder
//! ```
//!
//! Every stage returns its result together with the problems it found; the build reports
//! them all at once and only swaps the new output in when there are no errors.

pub mod config;
pub mod diagnostics;
pub mod edition;
pub mod output;
pub mod page;
pub mod pdf;
pub mod render;
pub mod search;
pub mod site;
pub mod source;
pub mod strings;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use rayon::prelude::*;

use diagnostics::{Diagnostic, display_path};

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
    /// Time spent per stage, in pipeline order.
    pub timings: Vec<(&'static str, Duration)>,
    /// The printable pages written, each with the PDF `tenet pdf` makes of it.
    pub printables: Vec<pdf::Printable>,
}

impl Report {
    pub fn errors(&self) -> usize {
        self.diagnostics.iter().filter(|d| d.is_error()).count()
    }

    pub fn warnings(&self) -> usize {
        self.diagnostics.len() - self.errors()
    }

    pub fn has_errors(&self) -> bool {
        self.errors() > 0
    }
}

/// Builds a handbook (or, with `write: false`, checks it).
pub fn run(options: &Options) -> Report {
    let mut report = Report::default();
    let root = options.root.as_path();
    let display_root = root;
    let mut clock = Instant::now();
    let mut lap = |report: &mut Report, name: &'static str| {
        report.timings.push((name, clock.elapsed()));
        clock = Instant::now();
    };

    // Load.
    let (loaded, problems) = config::load(root, display_root);
    report.diagnostics.extend(problems);
    let config_ok = loaded.is_some();
    let (config, layers) = match loaded {
        Some(loaded) => (loaded.config, loaded.layers),
        None => (fallback_config(root), Vec::new()),
    };
    let out_dir = config::output_dir(root, &config, options.out.as_deref());
    let bases: Vec<&Path> = layers
        .iter()
        .take(layers.len().saturating_sub(1))
        .map(|l| l.root.as_path())
        .collect();
    if options.write
        && let Err(d) = output::check_target(root, &bases, &out_dir)
    {
        report.diagnostics.push(d);
    }
    // A local edition: its content laid over its bases'.
    let (sources, edition) = if layers.len() > 1 {
        let (overlay, problems) = edition::overlay(&layers);
        report.diagnostics.extend(problems);
        let edition = site::Edition {
            excluded: overlay.excluded,
            moved: overlay.moved,
        };
        (overlay.sources, edition)
    } else {
        let (sources, problems) = source::load(root, display_root);
        report.diagnostics.extend(problems);
        (sources, site::Edition::default())
    };
    lap(&mut report, "load");

    // Parse.
    let collector = (config.search.enabled && options.write).then(|| {
        let strings = strings::Strings::for_language(&config.book.language, &config.strings);
        search::Collector::new(&config.book.language, strings.get("key_message"))
    });
    let parse_options = page::ParseOptions {
        highlight: config.build.highlight,
        search: collector.as_ref(),
    };
    // Each file is read inside the parallel parse, so only a few sources are in memory at once.
    let parsed: Vec<(Option<page::ParsedPage>, Vec<Diagnostic>)> = sources
        .pages
        .par_iter()
        .map(|file| match file.read() {
            Ok(source) => page::parse(&source, parse_options),
            Err(d) => (None, vec![d]),
        })
        .collect();
    let mut pages = Vec::with_capacity(parsed.len());
    for (page, problems) in parsed {
        report.diagnostics.extend(problems);
        pages.extend(page);
    }
    report.source_bytes = pages.iter().map(|p| p.source_len).sum();
    // An edition in another language shows the base pages it has not translated in their
    // own language, marked as such.
    for page in &mut pages {
        if let Some(layer) = layers.get(page.layer)
            && layer.language != config.book.language
        {
            page.language = Some(layer.language.clone());
        }
    }
    lap(&mut report, "parse");

    // Resolve.
    let (mut site, problems) = site::resolve(pages, &config.book.title, &edition, display_root);
    report.diagnostics.extend(problems);
    lap(&mut report, "resolve");

    // Render and write.
    let handbooks: Vec<(&Path, &Path)> = if layers.is_empty() {
        vec![(root, display_root)]
    } else {
        layers
            .iter()
            .map(|l| (l.root.as_path(), l.shown.as_path()))
            .collect()
    };
    let mut theme = match render::theme::load(&handbooks, &config.book.theme, &config.theme) {
        Ok(theme) => Some(theme),
        Err(problems) => {
            report.diagnostics.extend(problems);
            None
        }
    };
    let can_write = options.write && config_ok && !report.has_errors();
    let staging = if can_write {
        match output::Staging::new(&out_dir) {
            Ok(staging) => Some(staging),
            Err(e) => {
                report.diagnostics.push(Diagnostic::error(
                    &out_dir,
                    format!("cannot create the output folder: {e}"),
                ));
                None
            }
        }
    } else {
        None
    };
    // The search records leave the pages: the index consumes them as it goes.
    let search = collector.map(|c| {
        let records: Vec<_> = site.pages.iter_mut().map(|p| p.search.take()).collect();
        (c, records)
    });
    if let Some(theme) = theme.as_mut() {
        let (rendered, problems) = render::render(
            &site,
            &config,
            theme,
            staging.as_ref(),
            search,
            display_root,
        );
        report.pages = rendered.pages;
        report.printables = rendered.printables;
        report.diagnostics.extend(problems);
    }
    if let Some(staging) = staging.as_ref() {
        for asset in &sources.assets {
            if let Err(e) = staging.copy(&asset.rel, &asset.path) {
                let shown = display_path(display_root, &Path::new("content").join(&asset.rel));
                report.diagnostics.push(Diagnostic::error(shown, e));
            }
        }
    }
    lap(&mut report, "render");

    if let Some(staging) = staging {
        report.files_written = staging.files_written();
        report.bytes_written = staging.bytes_written();
        if !report.has_errors() {
            match staging.commit() {
                Ok(path) => report.output = Some(path),
                Err(e) => report.diagnostics.push(Diagnostic::error(
                    &out_dir,
                    format!("cannot move the new output into place: {e}"),
                )),
            }
        }
        // Otherwise dropping the staging folder removes it; the old output stays.
    }
    lap(&mut report, "write");
    diagnostics::sort(&mut report.diagnostics);
    report
}

/// Builds the handbook at `root` into its output folder (or `out`).
pub fn build(root: impl Into<PathBuf>, out: Option<PathBuf>) -> Report {
    run(&Options {
        root: root.into(),
        out,
        write: true,
    })
}

/// Checks the handbook at `root` without writing anything.
pub fn check(root: impl Into<PathBuf>) -> Report {
    run(&Options {
        root: root.into(),
        out: None,
        write: false,
    })
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
