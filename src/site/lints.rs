//! Lints trainers want, over the resolved site: each a warning by default, with a code that a
//! handbook's `[check]` table can allow or deny (README.md, "Diagnostics").
//!
//! Input: the [`Site`]. Output: the warnings, at the page (and block) they concern.

use crate::diagnostics::{Diagnostic, Pos};
use crate::model::{BlockKind, Kind, minutes};

use super::Site;

/// The lints' warnings for a site.
pub fn lints(site: &Site) -> Vec<Diagnostic> {
    let mut found = Vec::new();
    // Principles some key message is about.
    let mut taught = vec![false; site.pages.len()];
    for (p, page) in site.pages.iter().enumerate() {
        let warn = |pos: Pos, code: &'static str, message: String, help: &str| {
            Diagnostic::warning(&page.shown, message)
                .at(pos)
                .help(help)
                .code(code)
        };
        let key_messages: Vec<usize> = (0..page.blocks.len())
            .filter(|&b| page.blocks[b].spec.kind == BlockKind::KeyMessage)
            .collect();
        for &b in &key_messages {
            let about = &site.block_principles[p][b];
            for &principle in about {
                taught[principle] = true;
            }
            // A principle's own key messages are about it.
            if page.fm.kind == Kind::Principle {
                taught[p] = true;
                continue;
            }
            if about.is_empty() {
                found.push(warn(
                    page.blocks[b].spec.pos,
                    "key-message-without-principle",
                    format!(
                        "key message {} names no principle",
                        page.blocks[b].spec.ordinal
                    ),
                    "say which principle it is about: `::: key-message {principles=consent}`",
                ));
            }
        }
        if page.fm.kind != Kind::Lesson {
            continue;
        }
        if page.fm.outcomes.is_empty() {
            found.push(warn(
                Pos::START,
                "lesson-without-outcomes",
                "the lesson has no learning outcomes".into(),
                "list them in the front matter: `outcomes = [\"Explain ...\", \"Describe ...\"]`",
            ));
        }
        if key_messages.is_empty() {
            found.push(warn(
                Pos::START,
                "lesson-without-key-messages",
                "the lesson has no key messages".into(),
                "add what participants must remember as `::: key-message` blocks",
            ));
        }
        // The activities' time against the lesson's.
        let activities: u32 = page
            .blocks
            .iter()
            .filter(|b| b.spec.kind == BlockKind::Activity)
            .filter_map(|b| b.spec.attr("duration").and_then(minutes))
            .sum();
        if let Some(lesson) = page.fm.duration.as_deref().and_then(minutes)
            && activities > lesson
        {
            found.push(warn(
                Pos::START,
                "activities-over-duration",
                format!(
                    "the activities take {activities} minutes, more than the lesson's {lesson}"
                ),
                "shorten an activity, or give the lesson a longer `duration`",
            ));
        }
        // Slide numbers, each once.
        let mut numbers: Vec<(&str, Pos)> = Vec::new();
        for block in page
            .blocks
            .iter()
            .filter(|b| b.spec.kind == BlockKind::Slide)
        {
            let Some(number) = block.spec.attr("number") else {
                continue;
            };
            match numbers.iter().find(|(n, _)| *n == number) {
                Some((_, first)) => found.push(warn(
                    block.spec.pos,
                    "duplicate-slide-number",
                    format!(
                        "slide {number} is numbered twice in the lesson (first at line {})",
                        first.line
                    ),
                    "give each slide of a lesson its own number",
                )),
                None => numbers.push((number, block.spec.pos)),
            }
        }
    }
    for (p, page) in site.pages.iter().enumerate() {
        if page.fm.kind == Kind::Principle && !taught[p] {
            found.push(
                Diagnostic::warning(&page.shown, "no key message is about this principle")
                    .at(Pos::START)
                    .help("name it in a key message: `::: key-message {principles=<this id>}`")
                    .code("principle-without-key-message"),
            );
        }
    }
    found
}

/// Links and images of the pages to files that are not there: `exists` says whether a path
/// from the output root is a file of the handbook (under content/ or static/, or the theme's).
/// A link to a page's folder (`../consent/`) is a page's, not a file's.
pub fn missing_files(site: &Site, exists: &dyn Fn(&str) -> bool) -> Vec<Diagnostic> {
    let pages: std::collections::HashSet<&str> = site.pages.iter().map(|p| p.id.as_str()).collect();
    let mut found = Vec::new();
    for page in &site.pages {
        for file in &page.files {
            let folder = file
                .path
                .trim_end_matches("index.html")
                .trim_end_matches('/');
            if exists(&file.path) || (!file.image && pages.contains(folder)) {
                continue;
            }
            let (code, what) = match file.image {
                true => ("missing-image", "image"),
                false => ("broken-link", "link"),
            };
            found.push(
                Diagnostic::error(
                    &page.shown,
                    format!("{what} `{}`: no file at {}", file.written, file.path),
                )
                .at(file.pos)
                .help("put the file under content/ (next to the page that shows it) or static/, or fix the path")
                .code(code),
            );
        }
    }
    found
}

/// The links to other sites, each as a note at the page and line where it is written
/// (`check --external`); they are not checked (that needs the network).
pub fn external_links(site: &Site) -> Vec<Diagnostic> {
    let mut found = Vec::new();
    for page in &site.pages {
        for (url, pos) in &page.external {
            found.push(
                Diagnostic::note(&page.shown, format!("external link {url}"))
                    .at(*pos)
                    .code("external-link"),
            );
        }
    }
    found
}

/// What a page asks for that the pages' Content-Security-Policy (`[build]
/// content_security_policy`) blocks, each a warning where it is written (`csp-blocked`): a
/// browser would drop it without a word.
pub fn blocked_by_policy(site: &Site, policy: &crate::config::csp::Policy) -> Vec<Diagnostic> {
    use crate::linkcheck::html::Inline;
    use crate::page::Load;
    let mut found = Vec::new();
    for page in &site.pages {
        for (load, pos) in &page.loads {
            let (what, directive, help) = match load {
                Load::Inline(inline) => {
                    let Some(directive) = policy.blocks_inline(*inline) else {
                        continue;
                    };
                    let (what, help) = match inline {
                        Inline::StyleAttribute => (
                            "a `style` attribute",
                            "give the element a class and style it in a stylesheet under static/",
                        ),
                        Inline::Style => (
                            "a `<style>` element",
                            "move the rules into a stylesheet under static/",
                        ),
                        Inline::EventHandler => (
                            "an inline event handler",
                            "move the script into a file under static/",
                        ),
                        Inline::Script => (
                            "an inline `<script>`",
                            "move the script into a file under static/ and load it with `src`",
                        ),
                        Inline::ScriptUrl => (
                            "a `javascript:` URL",
                            "move the script into a file under static/",
                        ),
                    };
                    (what.to_string(), directive, help.to_string())
                }
                Load::External(kind, url) => {
                    let Some(directive) = policy.blocks_url(*kind, url) else {
                        continue;
                    };
                    (
                        format!("the {} {url}", kind.noun()),
                        directive,
                        "copy the file into the handbook, or allow its site in the policy"
                            .to_string(),
                    )
                }
            };
            found.push(
                Diagnostic::warning(
                    &page.shown,
                    format!(
                        "{what} is blocked by the pages' Content-Security-Policy (`{directive}`): browsers will ignore it"
                    ),
                )
                .at(*pos)
                .help(format!(
                    "{help}; or change `content_security_policy` in [build] of book.toml (\"\" for none)"
                ))
                .code("csp-blocked"),
            );
        }
    }
    found
}
