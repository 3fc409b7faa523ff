//! Every kind of page of the sample handbook held to the web's standards in headless Chromium:
//! a strict Content-Security-Policy sent as a header (no violation, no console error, search
//! still answers).
//!
//! Skipped with a notice when Chromium is not installed; `.ci/run` installs it and sets
//! `TENET_REQUIRE_BROWSER=1` so that there they always run.

mod common;

use std::time::Duration;

use common::browser::{Browser, Server};
use common::build_sample;
use serde_json::json;

/// One page of each kind the sample makes.
const PAGE_KINDS: &[(&str, &str)] = &[
    ("home", "index.html"),
    ("part", "handbook/index.html"),
    ("chapter", "handbook/ch2-basic-principles/index.html"),
    ("principle", "principles/consent/index.html"),
    ("glossary", "glossary/index.html"),
    ("term", "glossary/mandate/index.html"),
    ("module", "lessons/module-1/index.html"),
    ("lesson", "lessons/module-1/1.3-principles/index.html"),
    (
        "handout",
        "lessons/module-1/1.3-principles/handout/index.html",
    ),
    (
        "lesson plan",
        "lessons/module-1/1.3-principles/lesson-plan/index.html",
    ),
    ("case study", "case-studies/rwanda-1994/index.html"),
    ("page", "about/authoring/index.html"),
    ("kind index", "principles/index.html"),
    ("modules index", "modules/index.html"),
    ("print view", "print/index.html"),
    ("module print view", "print/lessons/module-1/index.html"),
    ("search", "search/index.html"),
    ("not found", "404.html"),
];

/// The policy of issue 16: nothing but the site's own files, no inline script or style.
const STRICT: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'";

/// Records the page's policy violations in `window.__violations`, before any of its scripts.
const WATCH_VIOLATIONS: &str = "window.__violations = [];
document.addEventListener('securitypolicyviolation', e => window.__violations.push(
    e.effectiveDirective + ' blocked ' + (e.blockedURI || 'inline') + ' at ' + e.sourceFile + ':' + e.lineNumber));";

#[test]
fn every_page_kind_works_under_a_strict_content_security_policy() {
    let Some(mut browser) = Browser::launch() else {
        return;
    };
    let (_dir, site) = build_sample();
    let server = Server::with_headers(&site, &[("Content-Security-Policy", STRICT)]);
    let mut page = browser.page();
    page.call("Log.enable", json!({}));
    page.call(
        "Page.addScriptToEvaluateOnNewDocument",
        json!({ "source": WATCH_VIOLATIONS }),
    );
    let session = page.session.clone();
    for (kind, rel) in PAGE_KINDS {
        page.goto(&server.url(rel));
        let violations = page.eval("window.__violations");
        assert_eq!(violations, json!([]), "{kind} ({rel}): policy violations");
        let mut errors: Vec<String> = page
            .browser
            .take_events(&session, "Log.entryAdded")
            .iter()
            .filter(|e| e["params"]["entry"]["level"] == "error")
            .map(|e| e["params"]["entry"]["text"].to_string())
            .collect();
        errors.extend(
            page.browser
                .take_events(&session, "Runtime.consoleAPICalled")
                .iter()
                .filter(|e| e["params"]["type"] == "error")
                .map(|e| e["params"]["args"].to_string()),
        );
        errors.extend(page.exceptions());
        assert!(
            errors.is_empty(),
            "{kind} ({rel}): console errors {errors:?}"
        );
        // The theme's stylesheet applies (a blocked one would leave the browser's defaults).
        let styled = page.eval(
            "getComputedStyle(document.body).fontFamily !== getComputedStyle(document.createElement('p')).fontFamily \
             || [...document.styleSheets].some(s => s.href && s.href.includes('assets/tenet.css') && s.cssRules.length > 50)",
        );
        assert_eq!(
            styled,
            json!(true),
            "{kind} ({rel}): the theme's stylesheet did not apply"
        );
    }

    // A printed page's running footer comes from its stylesheets, and its print button from
    // the theme's script.
    page.goto(&server.url(PAGE_KINDS[8].1));
    let footer = page.eval(
        "[...document.styleSheets].flatMap(s => [...s.cssRules]).filter(r => r instanceof CSSPageRule)
            .map(r => r.cssText).join(' ')",
    );
    let footer = footer.as_str().unwrap();
    assert!(
        footer.contains("1.3 Principles of Peacekeeping"),
        "{footer}"
    );
    assert!(footer.contains("Principles of UN Peacekeeping"), "{footer}");
    assert_eq!(
        page.eval("!document.querySelector('[data-print]').hidden"),
        json!(true)
    );

    // Search answers under the policy.
    page.goto(&server.url("search/index.html?q=consent"));
    page.wait_for(
        "document.querySelectorAll('#search-results > li').length > 0",
        Duration::from_secs(10),
    );
    assert_eq!(page.eval("window.__violations"), json!([]));
    // And the box in the top bar of any page.
    page.goto(&server.url("index.html"));
    page.eval(
        "(() => { const box = document.querySelector('.search input'); box.focus();
            box.value = 'impartiality'; box.dispatchEvent(new Event('input')); })()",
    );
    page.wait_for(
        "document.querySelectorAll('.search-pop a').length > 0",
        Duration::from_secs(10),
    );
    assert_eq!(page.eval("window.__violations"), json!([]));
}
