//! References and markdown: any page body parses into HTML whose references are tokens, no
//! panic; the HTML is UTF-8 (a String) and the link scanner reads it to the end.
#![no_main]
use libfuzzer_sys::fuzz_target;
use tenet::page::{self, ParseOptions};
use tenet::source::Source;

fuzz_target!(|body: &str| {
    let source = Source {
        rel: "principles/page.md".into(),
        shown: "content/principles/page.md".into(),
        text: format!("+++\ntitle = \"Page\"\n+++\n\n{body}"),
        layer: 0,
        language: None,
    };
    let (parsed, _problems) = page::parse(&source, ParseOptions { highlight: false });
    if let Some(parsed) = parsed {
        tenet::linkcheck::html::scan(&parsed.page.body.all_text(), &mut |_| {});
    }
});
