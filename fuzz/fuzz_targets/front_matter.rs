//! The front-matter splitter and reader: any text ends in a header (or a problem), no panic.
#![no_main]
use libfuzzer_sys::fuzz_target;
use tenet::diagnostics::LineIndex;
use tenet::page::frontmatter;

fuzz_target!(|text: &str| {
    let lines = LineIndex::new(text);
    if let Ok(split) = frontmatter::split(text) {
        assert!(split.body_start <= text.len());
        let mut problems = Vec::new();
        frontmatter::parse(&split, &lines, &mut problems);
    }
});
