//! The integration tests, as one test binary: a module per feature of tenet holding that
//! feature's tests, and `common`, the helpers they share (handbooks copied into temporary
//! folders, builds, small readers for the output, headless Chromium and a static file server).
//!
//! The handbooks the tests build are folders of `tests/cases/<feature>/<case>/`, each one a
//! test names (`Handbook::case("build/mini")`); `cases` fails on a folder no test names.
//!
//! `cargo test --test suite editions::` runs one module's tests.

mod common;

mod bad_input;
mod browser;
mod build;
mod cases;
mod diagnostics_json;
mod edition_look;
mod editions;
mod epub;
mod errors;
mod incremental;
mod languages;
mod links;
mod lints;
mod new;
mod output_safety;
mod pdf;
mod print;
mod progress;
mod sample;
mod search;
mod serve;
mod slides;
mod web_standards;
