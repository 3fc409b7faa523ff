//! The `:::` block parser: any body becomes markdown with block markers (or problems), no
//! panic; each block found lies inside what was given.
#![no_main]
use libfuzzer_sys::fuzz_target;
use tenet::diagnostics::LineIndex;
use tenet::page::blocks;

fuzz_target!(|body: &str| {
    let lines = LineIndex::new(body);
    let mut problems = Vec::new();
    let pre = blocks::preprocess(body, 0, &lines, &mut problems);
    for (pos, _, _, _) in &problems {
        assert!(pos.line >= 1 && pos.column >= 1);
    }
    let _ = pre.blocks.len();
});
