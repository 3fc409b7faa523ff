//! tenet: a static site generator for doctrine handbooks and training curricula.
//!
//! One build is a pipeline of plain data, one module per stage, each importing only the
//! stages below it:
//!
//! ```text
//! model    kinds of pages and blocks, shown titles   (shared by every stage)
//! colour   contrast ratios, colour mixing            (shared: the config's check, the code colours)
//! layout   where a page id's file goes, relative links (the output contract)
//! spill    bytes made early and read late, varints (shared: held, or in the build's own file)
//! config   book.toml (and an edition's bases)     -> Config
//! source   walk content/                          -> Sources (every page file, assets)
//! edition  an edition laid over its bases         -> Sources, what it left out
//! page     front matter, blocks, markdown         -> ParsedPage + its plain text (per file, in parallel)
//! search   a page's text                          -> PageRecord; after resolve, the index files
//! site     ids, references, backlinks             -> Site (frozen)
//! render   tera themes                            -> HTML files, written as they are made (in parallel),
//!                                                    each scanned for its links as it is made
//! linkcheck the scanned files, once all are made   -> broken links at their source, unreached pages
//!          (its HTML scanner sits below `page`, which reads raw HTML's URLs with it)
//! epub     the resolved site, after the render  -> EPUB books in the output folder (when asked)
//! output   temporary folder, then swap or update  -> the output folder
//! session  the stages in order, once or again     -> Report (every problem at once)
//! serve    watch, rebuild, tell the open pages    (on top, with the CLI)
//! ```
//!
//! Beside the pipeline, `scaffold` writes the starter handbook of `tenet new`, and `progress`
//! is what a build tells as it goes (the command line draws it).
//!
//! Every stage returns its result together with the problems it found; the build reports
//! them all at once and only puts the new output in place when there are no errors. A
//! [`Session`] that builds again (serve) keeps each file's parse, the walk of the sources, the
//! resolved site and what each output was made from, and makes again only what an edit
//! touched; the output is the same as a clean build's.

pub mod colour;
pub mod config;
pub mod diagnostics;
pub mod edition;
pub mod edition_commands;
pub mod epub;
pub mod fnv;
pub mod languages;
pub mod layout;
pub mod linkcheck;
pub mod model;
pub mod output;
pub mod page;
pub mod pdf;
pub mod progress;
pub mod render;
pub mod scaffold;
pub mod search;
pub mod serve;
pub mod session;
pub mod site;
pub mod source;
pub mod spill;
pub mod strings;

pub use session::{Options, Report, Session};

use std::path::PathBuf;

/// Builds a handbook (or, with `write: false`, checks it): one clean run of a new [`Session`].
pub fn run(options: &Options) -> Report {
    Session::new(options.clone()).build()
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

/// `tenet edition status` of the edition at `root` ([`edition_commands::status`]), with the places in
/// its pages that name each page it leaves out, found by a check of the edition (which writes
/// nothing).
pub fn edition_status(
    root: &std::path::Path,
) -> (
    Option<edition_commands::Status>,
    Vec<diagnostics::Diagnostic>,
) {
    let (mut status, problems) = edition_commands::status(root);
    let leaves_out = status.as_ref().is_some_and(|s| {
        s.changes
            .iter()
            .any(|c| matches!(c.what, edition::What::Removed { .. }))
    });
    if let Some(status) = status.as_mut().filter(|_| leaves_out) {
        for place in check(root).excluded_references {
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
    (status, problems)
}
