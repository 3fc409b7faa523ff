//! The sample handbook's pages in headless Chromium, opened from disk (file://) and over http:
//! what a reader's browser loads, the full contents tree loaded on demand, and the layout on a
//! desktop, on a phone and in dark mode. Screenshots are saved under `target/screenshots/`.
//!
//! Skipped with a notice when Chromium is not installed; `.ci/run` installs it and sets
//! `TENET_REQUIRE_BROWSER=1` so that there they always run.

use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::common;
use crate::common::browser::{Browser, Page, Request, Server, file_url, screenshot_dir};
use crate::common::build_sample;
use serde_json::json;

const LESSON: &str = "lessons/module-1/1.3-principles/index.html";

/// The file in `site` that a request's URL names (query and fragment dropped).
fn file_of(site: &Path, base: &str, url: &str) -> PathBuf {
    let rest = url
        .strip_prefix(base)
        .unwrap_or_else(|| panic!("{url} is outside the site ({base})"));
    let rest = rest.split(['?', '#']).next().unwrap();
    site.join(rest)
}

/// Loads the lesson page and checks what the browser fetched: every request succeeded, at
/// most 5 of them, at most 50 KB in all (uncompressed), and the page works (no script errors,
/// styles applied, the 13 key messages shown).
fn check_first_load(page: &mut Page, site: &Path, base: &str) {
    let requests: Vec<Request> = page.goto(&format!("{base}{LESSON}"));
    let failed: Vec<&Request> = requests.iter().filter(|r| r.failed).collect();
    assert!(failed.is_empty(), "failed requests: {failed:?}");
    let bytes: u64 = requests
        .iter()
        .map(|r| {
            std::fs::metadata(file_of(site, base, &r.url))
                .unwrap()
                .len()
        })
        .sum();
    let urls: Vec<&str> = requests.iter().map(|r| r.url.as_str()).collect();
    assert!(
        requests.len() <= 5,
        "{} requests from {base}: {urls:#?}",
        requests.len()
    );
    assert!(
        requests.len() >= 3,
        "the page, its stylesheet and its script: {urls:#?}"
    );
    assert!(
        bytes <= 50 * 1024,
        "{bytes} bytes on first load from {base}"
    );
    eprintln!(
        "first load from {base}: {} requests, {bytes} bytes",
        requests.len()
    );
    assert_eq!(page.exceptions(), Vec::<String>::new());
    // The stylesheet applied: key messages are set off by a border, trainer tips fold.
    let shown = page.eval(
        "[...document.querySelectorAll('.key-message')].filter(e => e.offsetHeight > 0).length",
    );
    assert_eq!(shown, json!(13));
    let border = page.eval(
        "parseFloat(getComputedStyle(document.querySelector('.key-message')).borderInlineStartWidth)",
    );
    assert!(
        border.as_f64().unwrap() >= 2.0,
        "key message border {border}"
    );
    // Trainer tips are shown (and printed) open, and a reader can fold them away.
    let tip = page.eval(
        "(() => { const d = document.querySelector('details.trainer-tip');
                  const open = d.offsetHeight;
                  d.querySelector('summary').click();
                  return { open, folded: d.offsetHeight, isOpen: d.open }; })()",
    );
    assert!(
        tip["isOpen"] == json!(false)
            && tip["folded"].as_f64().unwrap() < tip["open"].as_f64().unwrap(),
        "a trainer tip folds: {tip}"
    );
}

#[test]
fn a_lesson_page_loads_light_from_disk_and_over_http() {
    let Some(mut browser) = Browser::launch() else {
        return;
    };
    let (_keep, site) = build_sample();
    let mut page = browser.page();
    let base = format!("{}/", file_url(&site));
    check_first_load(&mut page, &site, &base);
    let server = Server::start(&site);
    check_first_load(&mut page, &site, &server.url(""));
}

#[test]
fn show_all_contents_loads_the_full_tree_from_disk() {
    let Some(mut browser) = Browser::launch() else {
        return;
    };
    let (_keep, site) = build_sample();
    let mut page = browser.page();
    let base = format!("{}/", file_url(&site));
    let requests = page.goto(&format!("{base}{LESSON}"));
    assert!(
        !requests.iter().any(|r| r.url.contains("tree.js")),
        "the full tree is not part of the first load"
    );
    // The page's own branch only: no link to a case study from a lesson's sidebar.
    let case_study = "case-studies/rwanda-1994/index.html";
    let in_sidebar = format!(
        "[...document.querySelectorAll('#sidebar a')].some(a => a.href.endsWith('{case_study}'))"
    );
    assert_eq!(page.eval(&in_sidebar), json!(false));
    assert_eq!(
        page.eval("document.querySelector('.show-tree').hidden"),
        json!(false)
    );
    page.eval("document.querySelector('.show-tree').click()");
    page.wait_for(
        "!!document.querySelector('#sidebar .branch.full')",
        Duration::from_secs(10),
    );
    assert_eq!(page.eval(&in_sidebar), json!(true));
    assert_eq!(page.exceptions(), Vec::<String>::new());
    // The current page is marked in the full tree, and the tree's links lead to real pages.
    let current = page
        .eval("document.querySelector('#sidebar .full [aria-current=page]').getAttribute('href')");
    assert!(
        current.as_str().unwrap().ends_with(LESSON),
        "current page in the tree: {current}"
    );
    let href = page.eval(&format!(
        "[...document.querySelectorAll('#sidebar a')].find(a => a.href.endsWith('{case_study}')).href"
    ));
    let href = href.as_str().unwrap().to_string();
    assert!(file_of(&site, &base, &href).is_file(), "{href}");
    page.goto(&href);
    let title = page.eval("document.querySelector('h1').textContent");
    assert!(
        title.as_str().unwrap().contains("Rwanda"),
        "opened {href}: {title}"
    );
}

#[test]
fn the_layout_works_on_a_desktop_a_phone_and_in_dark_mode() {
    let Some(mut browser) = Browser::launch() else {
        return;
    };
    let (_keep, site) = build_sample();
    let shots = screenshot_dir();
    let mut page = browser.page();
    let url = format!("{}/{LESSON}", file_url(&site));

    // Desktop: the sidebar beside the text, lines of a comfortable length.
    page.viewport(1280, 900, false);
    page.goto(&url);
    let layout = page.eval(
        "(() => { const s = document.getElementById('sidebar').getBoundingClientRect();
                  const m = document.querySelector('main').getBoundingClientRect();
                  const p = document.querySelector('.content p');
                  const em = parseFloat(getComputedStyle(p).fontSize);
                  return { sidebarRight: s.right, sidebarWidth: s.width, mainLeft: m.left,
                           measure: p.getBoundingClientRect().width / em,
                           overflow: document.documentElement.scrollWidth - innerWidth }; })()",
    );
    assert!(
        layout["sidebarWidth"].as_f64().unwrap() > 150.0,
        "sidebar shown: {layout}"
    );
    assert!(
        layout["sidebarRight"].as_f64().unwrap() <= layout["mainLeft"].as_f64().unwrap() + 1.0,
        "sidebar beside the text: {layout}"
    );
    let measure = layout["measure"].as_f64().unwrap();
    assert!(
        (25.0..=48.0).contains(&measure),
        "line length {measure} em: {layout}"
    );
    assert!(layout["overflow"].as_f64().unwrap() <= 0.0, "{layout}");
    page.screenshot(&shots.join("lesson-desktop.png"));

    // Phone: nothing wider than the screen, the sidebar off-canvas until the menu opens it.
    page.viewport(390, 844, true);
    page.goto(&url);
    let phone = page.eval(
        "(() => { const s = document.getElementById('sidebar').getBoundingClientRect();
                  return { overflow: document.documentElement.scrollWidth - innerWidth,
                           sidebarRight: s.right }; })()",
    );
    assert!(
        phone["overflow"].as_f64().unwrap() <= 0.0,
        "horizontal overflow: {phone}"
    );
    assert!(
        phone["sidebarRight"].as_f64().unwrap() <= 0.0,
        "sidebar hidden: {phone}"
    );
    page.screenshot(&shots.join("lesson-phone.png"));
    page.eval("document.querySelector('.menu-toggle').click()");
    page.wait_for(
        "document.getElementById('sidebar').getBoundingClientRect().left >= 0",
        Duration::from_secs(5),
    );
    assert_eq!(
        page.eval("document.querySelector('.menu-toggle').getAttribute('aria-expanded')"),
        json!("true")
    );
    page.screenshot(&shots.join("lesson-phone-menu.png"));

    // Dark mode follows the system: a dark background with light text.
    page.viewport(1280, 900, false);
    page.color_scheme("dark");
    page.goto(&url);
    let luminance = |page: &mut Page, expr: &str| -> f64 {
        let rgb = page.eval(&format!(
            "getComputedStyle({expr}).color.match(/[\\d.]+/g).slice(0, 3).map(Number)"
        ));
        let v: Vec<f64> = rgb
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x.as_f64().unwrap())
            .collect();
        0.2126 * v[0] + 0.7152 * v[1] + 0.0722 * v[2]
    };
    let background = page.eval("getComputedStyle(document.body).backgroundColor");
    let bg: Vec<f64> = background
        .as_str()
        .unwrap()
        .split(|c: char| !c.is_ascii_digit() && c != '.')
        .filter(|s| !s.is_empty())
        .take(3)
        .map(|s| s.parse().unwrap())
        .collect();
    let bg_luminance = 0.2126 * bg[0] + 0.7152 * bg[1] + 0.0722 * bg[2];
    let text_luminance = luminance(&mut page, "document.querySelector('.content p')");
    assert!(
        bg_luminance < 60.0 && text_luminance > 150.0,
        "dark mode: background {background}, text luminance {text_luminance}"
    );
    page.screenshot(&shots.join("lesson-dark.png"));
    page.color_scheme("light");
}

#[test]
fn without_javascript_the_search_page_says_so_and_offers_the_indexes() {
    let Some(mut browser) = Browser::launch() else {
        return;
    };
    let (_dir, site) = build_sample();
    let url = file_url(&site.join("search/index.html"));
    let noscript = "(() => { const n = document.querySelector('.search-noscript'); \
        return n ? { text: n.innerText, shown: n.getBoundingClientRect().height > 0, \
        links: [...n.querySelectorAll('a')].map(a => a.href) } : null; })()";
    // With JavaScript, nothing of it.
    {
        let mut page = browser.page();
        page.goto(&url);
        assert!(page.eval(noscript).is_null());
    }
    // Without: the reason, and a link to every kind index (the glossary among them), each to
    // a page of the site.
    let mut page = browser.page();
    page.call(
        "Emulation.setScriptExecutionDisabled",
        json!({"value": true}),
    );
    // (Not `goto`, which waits on a timer: timers do not run without JavaScript.)
    page.call("Page.navigate", json!({"url": url}));
    let session = page.session.clone();
    page.browser
        .wait_event(&session, "Page.loadEventFired", Duration::from_secs(30));
    let found = page.eval(noscript);
    assert_eq!(found["shown"], true, "{found}");
    assert!(
        found["text"]
            .as_str()
            .unwrap()
            .contains("Search needs JavaScript"),
        "{found}"
    );
    let links: Vec<String> = found["links"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l.as_str().unwrap().to_string())
        .collect();
    assert!(links.len() >= 4, "{links:?}");
    assert!(
        links.iter().any(|l| l.ends_with("/glossary/index.html")),
        "{links:?}"
    );
    for link in &links {
        let path = common::browser::percent_decode(link.strip_prefix("file://").unwrap());
        assert!(Path::new(&path).is_file(), "{link} leads nowhere");
    }
    page.screenshot(&screenshot_dir().join("search-without-javascript.png"));
}

/// Landmarks of one role have names of their own on every kind of page (a screen reader's
/// list of landmarks tells them apart), in light mode and at phone width.
#[test]
fn landmarks_are_uniquely_named_on_every_page_kind() {
    let Some(mut browser) = Browser::launch() else {
        return;
    };
    let (_dir, site) = build_sample();
    let pages = [
        "index.html",
        LESSON,
        "lessons/module-1/1.3-principles/handout/index.html",
        "lessons/module-1/1.3-principles/lesson-plan/index.html",
        "lessons/module-1/index.html",
        "principles/index.html",
        "glossary/index.html",
        "search/index.html",
        "print/index.html",
        "404.html",
    ];
    // Each landmark's role and name (aria-label, else the text its aria-labelledby names).
    let landmarks = "(() => {
        const roleOf = e => e.getAttribute('role') || ({NAV: 'navigation', ASIDE: 'complementary',
            MAIN: 'main', FORM: 'form', SECTION: 'region'})[e.tagName];
        const nameOf = e => e.getAttribute('aria-label') || (e.getAttribute('aria-labelledby') || '')
            .split(' ').map(id => (document.getElementById(id) || {}).textContent || '').join(' ').trim();
        return [...document.querySelectorAll('nav, aside, main, [role=search], form[aria-label], section[aria-label], section[aria-labelledby]')]
            .filter(e => e.getClientRects().length > 0 || e.closest('[hidden]') === null)
            // An aside within sectioning content is a landmark only when it has a name.
            .filter(e => e.tagName !== 'ASIDE' || nameOf(e) ||
                !(e.parentElement && e.parentElement.closest('article, section, nav, aside')))
            .map(e => [roleOf(e), nameOf(e)]);
    })()";
    for width in [1280, 390] {
        let mut page = browser.page();
        page.viewport(width, 900, width < 600);
        for rel in pages {
            page.goto(&file_url(&site.join(rel)));
            let found = page.eval(landmarks);
            let mut seen = std::collections::HashMap::new();
            for landmark in found.as_array().unwrap() {
                let (role, name) = (landmark[0].as_str().unwrap(), landmark[1].as_str().unwrap());
                *seen
                    .entry((role.to_string(), name.to_string()))
                    .or_insert(0) += 1;
            }
            let mut by_role = std::collections::HashMap::new();
            for (role, _) in seen.keys() {
                *by_role.entry(role.clone()).or_insert(0) += 1;
            }
            for ((role, name), count) in &seen {
                assert!(
                    *count == 1,
                    "{rel} at {width}px: {count} {role} landmarks named {name:?}"
                );
                if by_role[role] > 1 || *count > 1 {
                    assert!(
                        !name.is_empty(),
                        "{rel} at {width}px: an unnamed {role} among several"
                    );
                }
            }
        }
    }
}
