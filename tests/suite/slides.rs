//! Slide decks: one per lesson with slide blocks, a `.slide` per block (nested ones too), in
//! headless Chromium from file:// and over http: the keys and the location hash move through
//! the slides, one 16:9 slide fills the window, right-to-left decks advance the other way, the
//! speaker view shows what goes with the current slide and follows the deck, and without
//! JavaScript the deck is one long page. Screenshots go to `target/screenshots/`.

use std::fs;
use std::path::Path;
use std::time::Duration;

use serde_json::json;

use crate::common::browser::{Browser, Page, Server, file_url, screenshot_dir};
use crate::common::{build_sample, build_site, editions_workspace, files, read_output};

const DECK: &str = "lessons/module-1/1.3-principles/slides/index.html";

/// The slide blocks of a markdown file: fences of three or more colons opening `slide`.
fn slide_blocks(markdown: &str) -> usize {
    markdown
        .lines()
        .filter(|l| {
            let rest = l.trim_start_matches(':');
            l.len() - rest.len() >= 3 && rest.trim_start().split([' ', '{']).next() == Some("slide")
        })
        .count()
}

#[test]
fn every_lesson_with_slides_has_a_deck_with_a_slide_per_block() {
    let (_keep, site) = build_sample();
    let content = Path::new(env!("CARGO_MANIFEST_DIR")).join("content");
    let mut decks = 0;
    // The lessons (their files under lessons/, the modules' _index.md aside).
    for file in files(&content)
        .into_iter()
        .filter(|f| f.starts_with("lessons/") && f.ends_with(".md") && !f.ends_with("_index.md"))
    {
        let markdown = fs::read_to_string(content.join(&file)).unwrap();
        let id = file.trim_end_matches(".md");
        let deck = site.join(id).join("slides/index.html");
        let blocks = slide_blocks(&markdown);
        if blocks == 0 {
            assert!(!deck.exists(), "{id} has no slides but a deck");
            continue;
        }
        let html = read_output(&site, &format!("{id}/slides/index.html"));
        assert_eq!(html.matches("class=\"slide\"").count(), blocks, "{id}");
        // Linked from the lesson and its lesson plan.
        let lesson = read_output(&site, &format!("{id}/index.html"));
        assert!(lesson.contains("href=\"slides/index.html\""), "{id}");
        let plan = read_output(&site, &format!("{id}/lesson-plan/index.html"));
        assert!(plan.contains("href=\"../slides/index.html\""), "{id}");
        decks += 1;
    }
    assert!(decks >= 3, "the sample's lessons have decks: {decks}");
}

/// The number of the slide shown, the hash, and how the visible slides sit in the window.
const STATE: &str = "(() => {
  const shown = [...document.querySelectorAll('.deck > .slide')].filter(s => getComputedStyle(s).display !== 'none');
  const r = shown[0] && shown[0].getBoundingClientRect();
  return { shown: shown.length, number: shown[0] && shown[0].id, hash: location.hash,
           ratio: r && Math.round(r.width / r.height * 100) / 100,
           fills: r && (Math.abs(r.width - innerWidth) < 2 || Math.abs(r.height - innerHeight) < 2) };
})()";

fn state(page: &mut Page) -> serde_json::Value {
    page.eval(STATE)
}

/// Moves through the deck at `url` with the keys and the hash, as a trainer would.
fn walk(page: &mut Page, url: &str, count: usize, forward: (&str, u32), back: (&str, u32)) {
    page.viewport(1280, 720, false);
    page.goto(url);
    let s = state(page);
    assert_eq!(s["shown"], json!(1), "{url}: one slide at a time: {s}");
    assert_eq!(s["number"], json!("1"), "{s}");
    assert_eq!(s["ratio"], json!(1.78), "16:9: {s}");
    assert_eq!(s["fills"], json!(true), "{s}");
    page.press(forward.0, forward.1);
    assert_eq!(state(page)["hash"], json!("#2"));
    page.press(back.0, back.1);
    assert_eq!(state(page)["hash"], json!("#1"));
    page.press(" ", 32);
    assert_eq!(state(page)["number"], json!("2"));
    page.press("PageUp", 33);
    assert_eq!(state(page)["number"], json!("1"));
    page.press("PageDown", 34);
    assert_eq!(state(page)["number"], json!("2"));
    page.press("End", 35);
    assert_eq!(state(page)["number"], json!(count.to_string()));
    page.press(forward.0, forward.1);
    assert_eq!(
        state(page)["number"],
        json!(count.to_string()),
        "stays at the end"
    );
    page.press("Home", 36);
    assert_eq!(state(page)["number"], json!("1"));
    // The back button walks back through the slides shown: 1 ← N ← 2.
    page.eval("history.back()");
    page.wait_for(
        &format!("location.hash === '#{count}'"),
        Duration::from_secs(5),
    );
    assert_eq!(state(page)["number"], json!(count.to_string()));
    // A link opens at a slide; on a tall window the slide fills the width.
    page.viewport(900, 1200, false);
    page.goto("about:blank");
    page.goto(&format!("{url}#3"));
    let s = state(page);
    assert_eq!(s["number"], json!("3"), "{s}");
    assert_eq!(s["ratio"], json!(1.78), "{s}");
    assert_eq!(s["fills"], json!(true), "{s}");
    assert_eq!(page.exceptions(), Vec::<String>::new());
}

#[test]
fn the_keys_and_the_hash_move_through_the_deck_from_disk_and_over_http() {
    let Some(mut browser) = Browser::launch() else {
        return;
    };
    let (_keep, site) = build_sample();
    let count = read_output(&site, DECK).matches("class=\"slide\"").count();
    assert_eq!(count, 3);
    let mut page = browser.page();
    walk(
        &mut page,
        &format!("{}/{DECK}", file_url(&site)),
        count,
        ("ArrowRight", 39),
        ("ArrowLeft", 37),
    );
    page.goto("about:blank");
    page.goto(&format!("{}/{DECK}#2", file_url(&site)));
    page.screenshot(&screenshot_dir().join("deck-slide-2.png"));
    let server = Server::start(&site);
    walk(
        &mut page,
        &server.url(DECK),
        count,
        ("ArrowRight", 39),
        ("ArrowLeft", 37),
    );
}

#[test]
fn a_right_to_left_deck_advances_to_the_left() {
    let Some(mut browser) = Browser::launch() else {
        return;
    };
    let w = editions_workspace();
    let ar = build_site(&w.path().join("ar"));
    let count = read_output(&ar, DECK).matches("class=\"slide\"").count();
    let mut page = browser.page();
    walk(
        &mut page,
        &format!("{}/{DECK}", file_url(&ar)),
        count,
        ("ArrowLeft", 37),
        ("ArrowRight", 39),
    );
    assert_eq!(
        page.eval("getComputedStyle(document.body).direction"),
        json!("rtl")
    );
}

#[test]
fn the_speaker_view_shows_what_goes_with_the_slide_and_follows_the_deck() {
    let Some(mut browser) = Browser::launch() else {
        return;
    };
    let (_keep, site) = build_sample();
    let server = Server::start(&site);
    let mut page = browser.page();
    for url in [format!("{}/{DECK}", file_url(&site)), server.url(DECK)] {
        page.viewport(1280, 720, false);
        page.goto(&url);
        page.press("s", 83);
        let (target, speaker) = page.opened("?speaker", Duration::from_secs(10));
        let ready = "document.querySelector('.speaker-current .slide') !== null";
        for _ in 0..100 {
            if page.eval_in(&speaker, ready) == json!(true) {
                break;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let view = "(() => ({ number: location.hash,
            current: document.querySelector('.speaker-current .slide-number').textContent,
            next: (document.querySelector('.speaker-next .slide-number') || {}).textContent || null,
            notes: [...document.querySelectorAll('.speaker-notes .block-label')].map(l => l.textContent),
            clock: /^\\d\\d:\\d\\d$/.test(document.querySelector('.speaker-clock > div').textContent) }))()";
        let v = page.eval_in(&speaker, view);
        assert_eq!(v["current"], json!("1 / 3"), "{url}: {v}");
        assert_eq!(v["next"], json!("2 / 3"), "{v}");
        assert_eq!(v["clock"], json!(true), "{v}");
        // Slide 1 comes with the opening trainer tip and the three key messages on consent
        // (lesson 1.3: the tip stands before the slide, the key messages after it).
        let notes: Vec<String> = v["notes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| n.as_str().unwrap().to_string())
            .collect();
        assert!(
            notes
                .iter()
                .any(|n| n.starts_with("Trainer Tip") || n.starts_with("Trainer tip")),
            "{v}"
        );
        assert!(
            notes
                .iter()
                .filter(|n| n.starts_with("Key Message") || n.starts_with("Key message"))
                .count()
                >= 3,
            "{v}"
        );
        // The deck moves: the speaker view follows, with the activity that holds slide 2.
        page.press("ArrowRight", 39);
        let follows =
            "document.querySelector('.speaker-current .slide-number').textContent === '2 / 3'";
        let mut followed = false;
        for _ in 0..100 {
            if page.eval_in(&speaker, follows) == json!(true) {
                followed = true;
                break;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        assert!(followed, "{url}: the speaker view did not follow");
        let v = page.eval_in(&speaker, view);
        assert!(
            v["notes"]
                .as_array()
                .unwrap()
                .iter()
                .any(|n| n.as_str().unwrap().contains("1.3.1")),
            "{v}"
        );
        page.browser.call(Some(&speaker), "Page.enable", json!({}));
        let shot = page.browser.call(
            Some(&speaker),
            "Page.captureScreenshot",
            json!({"format": "png"}),
        );
        let bytes = tenet::search::encode::decode_base64(shot["data"].as_str().unwrap()).unwrap();
        fs::write(screenshot_dir().join("deck-speaker-view.png"), bytes).unwrap();
        // And the other way: moving in the speaker view moves the deck.
        page.eval_in(
            &speaker,
            "document.dispatchEvent(new KeyboardEvent('keydown', {key: 'End'}))",
        );
        page.wait_for("location.hash === '#3'", Duration::from_secs(5));
        page.browser
            .call(None, "Target.closeTarget", json!({ "targetId": target }));
    }
}

#[test]
fn without_javascript_the_deck_is_one_long_page_of_slides() {
    let Some(mut browser) = Browser::launch() else {
        return;
    };
    let (_keep, site) = build_sample();
    let mut page = browser.page();
    page.call(
        "Emulation.setScriptExecutionDisabled",
        json!({"value": true}),
    );
    page.viewport(1280, 900, false);
    // (Not `goto`, which waits on a timer: timers do not run without JavaScript.)
    page.call(
        "Page.navigate",
        json!({"url": format!("{}/{DECK}", file_url(&site))}),
    );
    let session = page.session.clone();
    page.browser
        .wait_event(&session, "Page.loadEventFired", Duration::from_secs(30));
    let s = page.eval(STATE);
    assert_eq!(s["shown"], json!(3), "{s}");
    assert_eq!(s["ratio"], json!(1.78), "{s}");
    // Notes are the trainer's: not on the long page.
    assert_eq!(
        page.eval(
            "[...document.querySelectorAll('.slide-notes')].every(n => n.offsetParent === null)"
        ),
        json!(true)
    );
    page.screenshot(&screenshot_dir().join("deck-without-javascript.png"));
}

#[test]
fn a_deck_prints_one_slide_per_16_by_9_page() {
    use std::process::Command;
    if tenet::pdf::find_chromium().is_none() || Command::new("pdfinfo").arg("-v").output().is_err()
    {
        assert!(
            std::env::var_os("TENET_REQUIRE_BROWSER").is_none(),
            "Chromium or poppler-utils is missing"
        );
        return;
    }
    let keep = tempfile::tempdir().unwrap();
    let out = keep.path().join("site");
    let report = tenet::build(env!("CARGO_MANIFEST_DIR"), Some(out.clone()));
    assert!(!report.has_errors(), "{:?}", report.diagnostics);
    let decks: Vec<_> = report
        .printables
        .iter()
        .filter(|p| p.pdf.ends_with("-slides.pdf"))
        .cloned()
        .collect();
    assert!(decks.len() >= 3, "{decks:?}");
    let written = tenet::pdf::print_all(&out, &decks).unwrap_or_else(|p| panic!("{p:?}"));
    assert_eq!(written.len(), decks.len());
    for deck in &decks {
        let slides = read_output(&out, &deck.html)
            .matches("class=\"slide\"")
            .count();
        let info = Command::new("pdfinfo")
            .arg(out.join(&deck.pdf))
            .output()
            .unwrap();
        let info = String::from_utf8_lossy(&info.stdout).to_string();
        let field = |name: &str| {
            info.lines()
                .find_map(|l| l.strip_prefix(name))
                .unwrap_or_else(|| panic!("{name} in {info}"))
                .trim()
                .to_string()
        };
        assert_eq!(field("Pages:"), slides.to_string(), "{}", deck.pdf);
        // "1152 x 648 pts": 16:9.
        let size: Vec<f64> = field("Page size:")
            .split_whitespace()
            .filter_map(|w| w.parse().ok())
            .collect();
        assert!((size[0] / size[1] - 16.0 / 9.0).abs() < 0.01, "{info}");
    }
}
