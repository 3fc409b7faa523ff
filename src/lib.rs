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
pub mod languages;
pub mod model;
pub mod output;
pub mod page;
pub mod pdf;
pub mod render;
pub mod search;
pub mod serve;
pub mod session;
pub mod site;
pub mod source;
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
