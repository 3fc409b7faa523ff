//! Every kind of page of the sample handbook held to the web's standards: a strict
//! Content-Security-Policy sent as a header (in Chromium: no violation, no console error,
//! search still answers), axe-core's accessibility rules (in Chromium: light, dark, phone, and
//! an edition's brand colours) and the Nu HTML Checker (every page of the sample and of both
//! fixture editions).
//!
//! axe-core and the checker come from the npm registry (`tests/tools/package.json`, installed
//! by `.ci/run`); the checker runs on Java.
//!
//! Skipped with a notice when Chromium is not installed; `.ci/run` installs it and sets
//! `TENET_REQUIRE_BROWSER=1` so that there they always run.

use std::time::Duration;

use crate::common;
use crate::common::browser::{Browser, Server};
use crate::common::build_sample;
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
    ("contents", "contents/index.html"),
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
            .filter(|e| e.params["entry"]["level"] == "error")
            .map(|e| e.params["entry"]["text"].to_string())
            .collect();
        errors.extend(
            page.browser
                .take_events(&session, "Runtime.consoleAPICalled")
                .iter()
                .filter(|e| e.params["type"] == "error")
                .map(|e| e.params["args"].to_string()),
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

/// The npm packages the tests use (`tests/tools/package.json`; `.ci/run` installs them).
fn tool(path: &str) -> Option<std::path::PathBuf> {
    let file = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/tools/node_modules")
        .join(path);
    if file.is_file() {
        return Some(file);
    }
    if std::env::var("TENET_REQUIRE_BROWSER").is_ok_and(|v| v == "1") {
        panic!(
            "{} is missing: run `npm ci --prefix tests/tools`",
            file.display()
        );
    }
    eprintln!(
        "skipped: {} is missing (npm ci --prefix tests/tools)",
        file.display()
    );
    None
}

/// axe-core's violations on the page loaded: `rule (impact): target — summary` per node.
fn axe_violations(page: &mut common::browser::Page, axe: &str) -> Vec<String> {
    page.eval(axe);
    let found = page.eval(
        "axe.run(document, { resultTypes: ['violations'] }).then(r => r.violations.flatMap(v =>
            v.nodes.map(n => v.id + ' (' + v.impact + '): ' + n.target.join(' ') + ' — ' +
                (n.failureSummary || '').replace(/\\s+/g, ' '))))",
    );
    found
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_string())
        .collect()
}

/// axe-core finds no violation of any impact on any page kind, in light mode, in dark mode
/// and at phone width.
#[test]
fn no_accessibility_violation_on_any_page_kind_in_any_mode() {
    let Some(axe) = tool("axe-core/axe.min.js") else {
        return;
    };
    let Some(mut browser) = Browser::launch() else {
        return;
    };
    let axe = std::fs::read_to_string(axe).unwrap();
    let (_dir, site) = build_sample();
    // Over http: the 404 page names its files from the site's root, as a server shows it.
    let server = Server::start(&site);
    let mut found = Vec::new();
    for (mode, width, scheme) in [
        ("light", 1280, "light"),
        ("dark", 1280, "dark"),
        ("phone", 390, "light"),
        ("phone dark", 390, "dark"),
    ] {
        let mut page = browser.page();
        page.viewport(width, 900, width < 600);
        page.color_scheme(scheme);
        for (kind, rel) in PAGE_KINDS {
            page.goto(&server.url(rel));
            for violation in axe_violations(&mut page, &axe) {
                found.push(format!("{mode}, {kind} ({rel}): {violation}"));
            }
        }
    }
    // An edition's brand colours (the French fixture's green and orange) and its language.
    let workspace = common::editions_workspace();
    let french = common::build_site(&workspace.path().join("fr"));
    let server = Server::start(&french);
    for scheme in ["light", "dark"] {
        let mut page = browser.page();
        page.viewport(1280, 900, false);
        page.color_scheme(scheme);
        for (kind, rel) in PAGE_KINDS {
            if !french.join(rel).is_file() {
                continue;
            }
            page.goto(&server.url(rel));
            for violation in axe_violations(&mut page, &axe) {
                found.push(format!(
                    "French edition, {scheme}, {kind} ({rel}): {violation}"
                ));
            }
        }
    }
    assert!(
        found.is_empty(),
        "{} violations:\n{}",
        found.len(),
        found.join("\n")
    );
}

/// Of the Nu HTML Checker's informative messages, those that are known and meant: it reads the
/// pages from disk and cannot match a `file:` URL to the policy's `'self'` (Chromium loads
/// them: see the policy test above); a print view holds many pages, each under its own `h1`;
/// an edition's untranslated glossary reads as English.
fn explained(message: &serde_json::Value) -> bool {
    let text = message["message"].as_str().unwrap_or("");
    let url = message["url"].as_str().unwrap_or("");
    text.starts_with("Resource violates Content Security Policy")
        || (text.starts_with("Consider using the “h1” element as a top-level heading only")
            && url.contains("/print/"))
        || (text.starts_with("This document appears to be written in English")
            && url.ends_with("/glossary/index.html"))
}

/// The Nu HTML Checker (vnu.jar, run with Java) finds no error and no warning in any page of
/// the sample or of both fixture editions (one right to left), and no informative message but
/// those [`explained`].
#[test]
fn the_nu_html_checker_finds_no_error() {
    let Some(vnu) = tool("vnu-jar/build/dist/vnu.jar") else {
        return;
    };
    if std::process::Command::new("java")
        .arg("-version")
        .output()
        .is_err()
    {
        if std::env::var("TENET_REQUIRE_BROWSER").is_ok_and(|v| v == "1") {
            panic!("Java is required (TENET_REQUIRE_BROWSER=1) but was not found");
        }
        eprintln!("skipped: java not found (apt-get install default-jre-headless)");
        return;
    }
    let (_dir, sample) = build_sample();
    let workspace = common::editions_workspace();
    let french = common::build_site(&workspace.path().join("fr"));
    let arabic = common::build_site(&workspace.path().join("ar"));
    let output = std::process::Command::new("java")
        .arg("-jar")
        .arg(&vnu)
        .args(["--format", "json", "--skip-non-html"])
        .args([&sample, &french, &arabic])
        .output()
        .unwrap();
    // The report is JSON on stderr: {"messages": [{"type": "error", "url": ..., ...}]}.
    let report: serde_json::Value = serde_json::from_slice(&output.stderr)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&output.stderr)));
    let errors: Vec<String> = report["messages"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["type"] != "info" || !explained(m))
        .map(|m| {
            format!(
                "{}:{}: {}",
                m["url"].as_str().unwrap_or(""),
                m["lastLine"],
                m["message"].as_str().unwrap_or("")
            )
        })
        .collect();
    let pages = [&sample, &french, &arabic]
        .iter()
        .map(|site| {
            common::files(site)
                .iter()
                .filter(|f| f.ends_with(".html"))
                .count()
        })
        .sum::<usize>();
    assert!(pages > 150, "only {pages} pages checked");
    assert!(
        errors.is_empty(),
        "{} errors in {pages} pages:\n{}",
        errors.len(),
        errors.join("\n")
    );
    assert!(output.status.success());
}

/// Taps the middle of the first element `selector` finds, as a finger would (no script of the
/// page's runs for it).
fn tap(page: &mut common::browser::Page, selector: &str) {
    let rect = page.eval(&format!(
        "(() => {{ const r = document.querySelector({selector:?}).getBoundingClientRect();
            return [r.x + r.width / 2, r.y + r.height / 2]; }})()"
    ));
    let (x, y) = (rect[0].as_f64().unwrap(), rect[1].as_f64().unwrap());
    for kind in ["mousePressed", "mouseReleased"] {
        page.call(
            "Input.dispatchMouseEvent",
            json!({"type": kind, "x": x, "y": y, "button": "left", "clickCount": 1}),
        );
    }
}

/// Loads `url` with scripts off and waits for its load event (not with `goto`, whose wait
/// is a timer, and timers do not run without JavaScript).
fn open_without_scripts(page: &mut common::browser::Page, url: &str) {
    let session = page.session.clone();
    page.browser.take_events(&session, "Page.loadEventFired");
    page.call("Page.navigate", json!({ "url": url }));
    page.browser
        .wait_event(&session, "Page.loadEventFired", Duration::from_secs(30));
}

/// With JavaScript off, on a phone: the menu opens (it is a link to the sidebar, which CSS
/// opens), the full contents are a tap away (a page of their own, every page on it), and
/// trainer tips open and close (`<details>`).
#[test]
fn without_javascript_the_menu_contents_and_trainer_tips_work() {
    let Some(mut browser) = Browser::launch() else {
        return;
    };
    let (_dir, site) = build_sample();
    let mut page = browser.page();
    page.viewport(390, 844, true);
    page.call(
        "Emulation.setScriptExecutionDisabled",
        json!({"value": true}),
    );
    let lesson = common::browser::file_url(&site.join(PAGE_KINDS[7].1));
    open_without_scripts(&mut page, &lesson);
    let sidebar_shown =
        "(() => { const r = document.getElementById('sidebar').getBoundingClientRect();
        return r.right > 100 && r.left >= -1 && r.left < 390; })()";
    assert_eq!(
        page.eval(sidebar_shown),
        json!(false),
        "the menu starts closed"
    );
    tap(&mut page, ".menu-toggle");
    // The sidebar slides in (a transition of .2 s).
    let start = std::time::Instant::now();
    while page.eval(sidebar_shown) != json!(true) {
        assert!(
            start.elapsed() < Duration::from_secs(5),
            "the menu did not open"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    page.screenshot(&common::browser::screenshot_dir().join("no-script-phone-menu.png"));

    // "Show all contents" leads to the contents page, which lists every page of the site.
    assert_eq!(
        page.eval(
            "getComputedStyle(document.querySelector('#sidebar .show-tree')).display !== 'none'"
        ),
        json!(true)
    );
    tap(&mut page, "#sidebar .show-tree");
    let session = page.session.clone();
    page.browser
        .wait_event(&session, "Page.loadEventFired", Duration::from_secs(30));
    assert!(
        page.eval("location.pathname")
            .as_str()
            .unwrap()
            .ends_with("/contents/index.html")
    );
    let listed: Vec<String> = page
        .eval("[...document.querySelectorAll('.contents-tree a')].map(a => decodeURIComponent(a.pathname))")
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_string())
        .collect();
    let site_path = std::fs::canonicalize(&site).unwrap();
    let site_path = site_path.to_str().unwrap();
    let pages: Vec<String> = common::files(&site)
        .into_iter()
        .filter(|f| f.ends_with("index.html"))
        .filter(|f| {
            ![
                "handout/",
                "lesson-plan/",
                "slides/",
                "print/",
                "search/",
                "contents/",
            ]
            .iter()
            .any(|generated| f.contains(generated))
        })
        .filter(|f| f != "index.html")
        .collect();
    for rel in &pages {
        // The kind indexes are pages of the tree only where a page is theirs.
        let index = [
            "principles/",
            "lessons/",
            "case-studies/",
            "glossary/",
            "modules/",
            "chapters/",
        ]
        .iter()
        .any(|i| rel == &format!("{i}index.html"));
        let want = format!("{site_path}/{rel}");
        assert!(
            index || listed.contains(&want),
            "{rel} is not on the contents page"
        );
    }
    assert!(listed.len() >= 60, "{} links", listed.len());

    // A trainer tip closes and opens again.
    open_without_scripts(&mut page, &lesson);
    let tip_open = "document.querySelector('.trainer-tip').open";
    assert_eq!(page.eval(tip_open), json!(true));
    page.eval("document.querySelector('.trainer-tip > summary').scrollIntoView({block: 'center'})");
    tap(&mut page, ".trainer-tip > summary");
    assert_eq!(page.eval(tip_open), json!(false));
    tap(&mut page, ".trainer-tip > summary");
    assert_eq!(page.eval(tip_open), json!(true));
}

/// What has the focus: a description, whether it is on screen, whether it shows a focus ring,
/// and whether it sits in the sidebar.
const FOCUSED: &str = "(() => {
    const e = document.activeElement;
    if (!e || e === document.body) return null;
    const r = e.getBoundingClientRect(), s = getComputedStyle(e);
    // Covered when what shows at its middle is something else (the sticky top bar, say).
    // (A link that wraps is tested at its first line's box.)
    const box = e.getClientRects()[0] || r;
    const hit = document.elementFromPoint(box.x + box.width / 2, box.y + Math.min(box.height / 2, 10));
    const covered = !(hit && (hit === e || e.contains(hit) || hit.contains(e)));
    return {
        what: e.tagName + ' ' + (e.getAttribute('aria-label') || e.textContent || '').trim().slice(0, 40),
        shown: r.width > 0 && r.height > 0 && r.bottom > 0 && r.top < innerHeight && r.right > 0
            && r.left < innerWidth && s.visibility !== 'hidden' && !covered,
        ring: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2,
        sidebar: !!e.closest('#sidebar'),
        skip: e.classList.contains('skip'),
        at: [Math.round(r.x), Math.round(r.y), Math.round(r.width), Math.round(r.height)], hit: hit && (hit.tagName + '.' + hit.className),
    };
})()";

/// Tabs through the page from its start, up to `most` stops: every stop it makes.
fn tab_stops(page: &mut common::browser::Page, most: usize) -> Vec<serde_json::Value> {
    let mut stops = Vec::new();
    for _ in 0..most {
        page.press("Tab", 9);
        let focused = page.eval(FOCUSED);
        if focused.is_null() || stops.first() == Some(&focused) && stops.len() > 1 {
            break;
        }
        stops.push(focused);
    }
    stops
}

/// Keyboard only, on a desktop and on a phone: the skip link comes first and moves the focus to
/// the content; every stop is on screen (not under the top bar) with a visible focus ring; the
/// closed phone menu holds no stop, and opened from the keyboard it does; a trainer tip opens
/// and closes with Enter.
#[test]
fn the_keyboard_reaches_everything_with_a_visible_focus() {
    let Some(mut browser) = Browser::launch() else {
        return;
    };
    let (_dir, site) = build_sample();
    let server = Server::start(&site);
    for (width, mobile) in [(1280, false), (390, true)] {
        let mut page = browser.page();
        page.viewport(width, 900, mobile);
        for (kind, rel) in [PAGE_KINDS[7], PAGE_KINDS[8], PAGE_KINDS[4], PAGE_KINDS[17]] {
            page.goto(&server.url(rel));
            let stops = tab_stops(&mut page, 400);
            // (A handout has only its two tools: back to the lesson, print.)
            let least = if kind == "handout" { 2 } else { 6 };
            assert!(stops.len() >= least, "{kind} at {width}px: {stops:?}");
            if kind != "handout" {
                assert_eq!(stops[0]["skip"], json!(true), "{kind}: the skip link first");
            }
            for stop in &stops {
                assert_eq!(
                    stop["shown"],
                    json!(true),
                    "{kind} at {width}px: hidden stop {stop}"
                );
                assert_eq!(
                    stop["ring"],
                    json!(true),
                    "{kind} at {width}px: no focus ring {stop}"
                );
                if mobile {
                    assert_eq!(
                        stop["sidebar"],
                        json!(false),
                        "{kind}: a stop in the closed menu {stop}"
                    );
                }
            }
        }
        // The skip link moves the focus to the content.
        page.goto(&server.url(PAGE_KINDS[7].1));
        page.press("Tab", 9);
        page.press("Enter", 13);
        assert_eq!(page.eval("document.activeElement.id"), json!("main"));
        if mobile {
            // The menu opens from the keyboard, and then its links are stops.
            page.goto(&server.url(PAGE_KINDS[7].1));
            while page.eval("document.activeElement.classList.contains('menu-toggle')")
                != json!(true)
            {
                page.press("Tab", 9);
            }
            page.press("Enter", 13);
            assert_eq!(
                page.eval("document.querySelector('.menu-toggle').getAttribute('aria-expanded')"),
                json!("true")
            );
            std::thread::sleep(Duration::from_millis(300));
            let stops = tab_stops(&mut page, 40);
            assert!(
                stops.iter().any(|s| s["sidebar"] == json!(true)),
                "{stops:?}"
            );
            // Up to the end of the menu (the page behind it is under it while it is open).
            let mut in_menu = false;
            for stop in &stops {
                if in_menu && stop["sidebar"] != json!(true) {
                    break;
                }
                in_menu |= stop["sidebar"] == json!(true);
                assert_eq!(stop["shown"], json!(true), "menu open: hidden stop {stop}");
            }
        }
        // A trainer tip closes and opens with Enter on its summary.
        page.goto(&server.url(PAGE_KINDS[7].1));
        while page.eval("document.activeElement.matches('.trainer-tip > summary')") != json!(true) {
            page.press("Tab", 9);
        }
        let open = "document.activeElement.parentElement.open";
        assert_eq!(page.eval(open), json!(true));
        page.press("Enter", 13);
        assert_eq!(page.eval(open), json!(false));
        page.press("Enter", 13);
        assert_eq!(page.eval(open), json!(true));
    }
}

/// The language menu from the keyboard: its button is a stop with a focus ring, Enter opens it,
/// Tab walks its languages, Escape closes it and gives the focus back to its button.
#[test]
fn the_language_menu_works_from_the_keyboard() {
    let Some(mut browser) = Browser::launch() else {
        return;
    };
    let workspace = common::editions_workspace();
    let book = workspace.path().join("base/book.toml");
    let text = std::fs::read_to_string(&book).unwrap();
    std::fs::write(&book, format!("{text}{}", crate::languages::LANGUAGES)).unwrap();
    let site = common::build_site(&workspace.path().join("base"));
    let mut page = browser.page();
    page.viewport(1280, 900, false);
    page.goto(&common::browser::file_url(&site.join(PAGE_KINDS[3].1)));
    let mut guard = 0;
    while page.eval("document.activeElement.matches('.languages summary')") != json!(true) {
        page.press("Tab", 9);
        guard += 1;
        assert!(guard < 30, "the language menu is not a stop");
    }
    let summary = page.eval(FOCUSED);
    assert_eq!(summary["shown"], json!(true), "{summary}");
    assert_eq!(summary["ring"], json!(true), "{summary}");
    page.press("Enter", 13);
    assert_eq!(
        page.eval("document.querySelector('.languages').open"),
        json!(true)
    );
    page.press("Tab", 9);
    let link = page.eval(FOCUSED);
    assert!(link["what"].as_str().unwrap().starts_with("A "), "{link}");
    assert_eq!(
        page.eval("!!document.activeElement.closest('.languages ul')"),
        json!(true)
    );
    assert_eq!(link["shown"], json!(true), "{link}");
    assert_eq!(link["ring"], json!(true), "{link}");
    page.press("Escape", 27);
    assert_eq!(
        page.eval("document.querySelector('.languages').open"),
        json!(false)
    );
    assert_eq!(
        page.eval("document.activeElement.matches('.languages summary')"),
        json!(true)
    );
}
