//! The book.toml reader: any text is settings or problems, no panic.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let _ = tenet::config::parse(text, std::path::Path::new("book.toml"));
});
