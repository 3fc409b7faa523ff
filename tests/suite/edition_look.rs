//! How an edition looks where trainers and learners see it, in headless Chromium: every field of
//! an untranslated page in its own language and direction (Arabic edition), the edition's logo,
//! name and colours on handouts, lesson plans and print views (French edition), the top bar at
//! every width in three languages, one font family for text, and the edition as written.
//! Screenshots are saved under `target/screenshots/`.

use std::time::Duration;

use serde_json::{Value, json};

use crate::common::browser::{Browser, Page, file_url, screenshot_dir};
use crate::common::{build_sample, build_site, editions_workspace, read_minified, strip_tags};

/// Every text of the page in Arabic or in Latin letters whose language (the nearest `lang`) or
/// direction is not its own: Arabic text must be `ar` and right to left, Latin text `en` and
/// left to right. Mixed texts are left out.
const MISMARKED: &str = r#"(() => {
  const bad = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const t = n.textContent;
    const arabic = /[\u0600-\u06FF]/.test(t), latin = /[A-Za-z]/.test(t);
    if (arabic === latin) continue;
    const el = n.parentElement;
    if (el.closest('script, style, [hidden], template, .languages')) continue;
    const lang = (el.closest('[lang]') || document.documentElement).lang;
    const dir = getComputedStyle(el).direction;
    const want = arabic ? 'ar' : 'en';
    if (!lang.startsWith(want) || dir !== (arabic ? 'rtl' : 'ltr'))
      bad.push(`${want} text in lang=${lang} ${dir}, <${el.tagName.toLowerCase()} class="${el.className}">: ${t.trim().slice(0, 60)}`);
  }
  return bad;
})()"#;

fn open(page: &mut Page, url: &str) {
    page.goto(url);
    page.wait_for(
        "document.readyState === 'complete'",
        Duration::from_secs(10),
    );
}

#[test]
fn each_field_of_an_untranslated_page_is_in_its_own_language_and_direction() {
    let Some(mut browser) = Browser::launch() else {
        return;
    };
    let w = editions_workspace();
    let ar = build_site(&w.path().join("ar"));
    let mut page = browser.page();
    page.viewport(1280, 900, false);
    // An untranslated lesson (its page, handout and lesson plan), the print view, a translated
    // principle that untranslated pages refer to (its backlinks), and the indexes listing both.
    let lesson = "lessons/module-1/1.2-mandates";
    let mut checked = 0;
    for rel in [
        format!("{lesson}/index.html"),
        format!("{lesson}/handout/index.html"),
        format!("{lesson}/lesson-plan/index.html"),
        "print/index.html".to_string(),
        "principles/consent/index.html".to_string(),
        "principles/index.html".to_string(),
        "lessons/module-1/index.html".to_string(),
        "glossary/index.html".to_string(),
    ] {
        open(&mut page, &format!("{}/{rel}", file_url(&ar)));
        let bad = page.eval(MISMARKED);
        assert_eq!(bad, json!([]), "{rel}");
        checked += 1;
    }
    assert_eq!(checked, 8);
    // The fields the check above covers are there to be checked: the lesson's aim, duration and
    // outcomes in English beside the Arabic words that name them.
    open(&mut page, &format!("{}/{lesson}/index.html", file_url(&ar)));
    let fields = page.eval(
        "(() => { const lang = s => { const e = document.querySelector(s); return e && e.closest('[lang]').lang + ' ' + getComputedStyle(e).direction; };
                  return [lang('.lesson-card .aim p'), lang('.lesson-card .facts dd'), lang('.lesson-card .outcomes ul'),
                          lang('.lesson-card .outcomes > p'), lang('.content .key-message .block-label span'),
                          lang('.relations .chip')]; })()",
    );
    assert_eq!(
        fields,
        json!(["en ltr", "en ltr", "en ltr", "ar rtl", "ar rtl", "en ltr"])
    );
    page.screenshot(&screenshot_dir().join("edition-ar-untranslated-lesson.png"));
    // The duration reads "60 minutes", not "minutes 60": its box is left to right.
    let duration = page.eval(
        "(() => { const d = document.querySelector('.lesson-card .facts dd'); const r = document.createRange(); r.selectNodeContents(d);
                  const rects = [...r.getClientRects()]; return { text: d.textContent, lines: rects.length }; })()",
    );
    assert_eq!(duration["text"], json!("60 minutes"));
}

/// The colour of a CSS colour value (`rgb(…)`), as sRGB bytes.
fn rgb(css: &Value) -> [u8; 3] {
    let text = css.as_str().expect("a colour");
    let v: Vec<u8> = text
        .split(|c: char| !c.is_ascii_digit())
        .filter(|s| !s.is_empty())
        .take(3)
        .map(|s| s.parse().unwrap())
        .collect();
    [v[0], v[1], v[2]]
}

#[test]
fn handouts_lesson_plans_and_print_views_carry_the_editions_brand() {
    let Some(mut browser) = Browser::launch() else {
        return;
    };
    let w = editions_workspace();
    let fr = build_site(&w.path().join("fr"));
    let shots = screenshot_dir();
    let mut page = browser.page();
    page.viewport(900, 1200, false);
    page.call("Emulation.setEmulatedMedia", json!({"media": "print"}));
    // The French edition: logo brand/logo.svg, accent #a0561a (rgb 160, 86, 26), its centre's
    // name as footer.
    let accent = [160, 86, 26];
    for (rel, shot) in [
        (
            "lessons/module-1/1.3-principles/handout/index.html",
            "edition-fr-handout-print.png",
        ),
        (
            "lessons/module-1/1.3-principles/lesson-plan/index.html",
            "edition-fr-lesson-plan-print.png",
        ),
        ("print/index.html", "edition-fr-print-view.png"),
    ] {
        open(&mut page, &format!("{}/{rel}", file_url(&fr)));
        page.screenshot(&shots.join(shot));
        let brand = page.eval(
            "(() => { const rgb = c => { const x = document.createElement('canvas').getContext('2d'); x.fillStyle = c; x.fillRect(0, 0, 1, 1);
                                         const d = x.getImageData(0, 0, 1, 1).data; return `rgb(${d[0]}, ${d[1]}, ${d[2]})`; };
                      const i = document.querySelector('main .print-brand .logo'), n = document.querySelector('main .print-brand .brand-name');
                      const km = document.querySelector('.key-message'), label = km.querySelector('.block-label');
                      const s = getComputedStyle(km);
                      return { logo: !!i && i.complete && i.naturalWidth > 0 && i.getBoundingClientRect().height >= 30,
                               name: n && n.textContent, border: rgb(s.borderInlineStartColor), background: rgb(s.backgroundColor),
                               exact: s.printColorAdjust, label: rgb(getComputedStyle(label).color),
                               text: rgb(getComputedStyle(km.querySelector('p:not(.block-label)')).color) }; })()",
        );
        assert_eq!(brand["logo"], json!(true), "{rel}: {brand}");
        assert_eq!(
            brand["name"],
            json!("Centre de formation au maintien de la paix, Dakar"),
            "{rel}"
        );
        assert_eq!(rgb(&brand["border"]), accent, "{rel}: {brand}");
        assert_eq!(rgb(&brand["label"]), accent, "{rel}: {brand}");
        assert_eq!(brand["exact"], json!("exact"), "{rel}: the tint prints");
        // Legible in greyscale: the label and the text stand out from the tint by lightness.
        let background = rgb(&brand["background"]);
        assert_ne!(background, [255, 255, 255], "{rel}: a tint");
        for part in ["label", "text"] {
            // WCAG contrast is a matter of lightness only: a greyscale printer keeps it.
            let ratio = tenet::colour::contrast(rgb(&brand[part]), background);
            assert!(ratio >= 4.5, "{rel}: {part} contrast {ratio:.2}: {brand}");
        }
    }
    page.call("Emulation.setEmulatedMedia", json!({"media": ""}));
}

#[test]
fn the_top_bar_holds_long_titles_and_placeholders_at_every_width() {
    let Some(mut browser) = Browser::launch() else {
        return;
    };
    let w = editions_workspace();
    let sites = [
        ("en", build_sample()),
        (
            "fr",
            (
                tempfile::tempdir().unwrap(),
                build_site(&w.path().join("fr")),
            ),
        ),
        (
            "ar",
            (
                tempfile::tempdir().unwrap(),
                build_site(&w.path().join("ar")),
            ),
        ),
    ];
    let shots = screenshot_dir();
    let mut page = browser.page();
    let measure = r#"(() => {
      const bar = document.querySelector('.topbar'), rect = e => e && e.getBoundingClientRect();
      const brand = document.querySelector('.brand span'), input = document.querySelector('.topbar .search input');
      const links = [...document.querySelectorAll('.sections a')].filter(a => a.offsetParent);
      const s = getComputedStyle(input), ctx = document.createElement('canvas').getContext('2d');
      ctx.font = `${s.fontWeight} ${s.fontSize} ${s.fontFamily}`;
      const room = input.clientWidth - parseFloat(s.paddingInlineStart) - parseFloat(s.paddingInlineEnd);
      const parts = ['.brand', '.sections', '.topbar .search', '.languages', '.menu-toggle']
        .map(q => document.querySelector(q)).filter(e => e && e.offsetParent).map(rect);
      let overlaps = 0;
      for (let i = 0; i < parts.length; i++) for (let j = i + 1; j < parts.length; j++) {
        const a = parts[i], b = parts[j];
        if (a.left < b.right - 1 && b.left < a.right - 1 && a.top < b.bottom - 1 && b.top < a.bottom - 1) overlaps++;
      }
      const side = document.getElementById('sidebar');
      return {
        overflow: document.documentElement.scrollWidth - innerWidth,
        barOverflow: bar.scrollWidth - bar.clientWidth,
        linkLines: links.map(a => a.getClientRects().length),
        linkRows: new Set(links.map(a => Math.round(rect(a).top))).size,
        brandClipped: brand.scrollWidth > brand.clientWidth + 1 || getComputedStyle(brand).textOverflow === 'ellipsis' && brand.scrollWidth > brand.clientWidth,
        placeholderFits: ctx.measureText(input.placeholder).width <= room + 1,
        overlaps,
        sidebarBelowBar: getComputedStyle(side).position !== 'sticky' || rect(side).top >= rect(bar).bottom - 1,
      };
    })()"#;
    for (language, (_keep, site)) in &sites {
        for width in [320, 390, 768, 900, 1024, 1280, 1440, 1920] {
            page.viewport(width, 800, width < 800);
            open(
                &mut page,
                &format!(
                    "{}/lessons/module-1/1.3-principles/index.html",
                    file_url(site)
                ),
            );
            // Let the script measure the bar.
            page.eval("new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))");
            let m = page.eval(measure);
            let at = format!("{language} at {width} px: {m}");
            assert!(
                m["overflow"].as_f64().unwrap() <= 0.0,
                "page overflows, {at}"
            );
            assert!(
                m["barOverflow"].as_f64().unwrap() <= 0.0,
                "bar overflows, {at}"
            );
            assert!(
                m["linkLines"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .all(|n| n == &json!(1)),
                "a section link wraps, {at}"
            );
            assert!(
                m["linkRows"].as_u64().unwrap() <= 1,
                "links on two rows, {at}"
            );
            assert_eq!(m["brandClipped"], json!(false), "title clipped, {at}");
            assert_eq!(m["placeholderFits"], json!(true), "placeholder cut, {at}");
            assert_eq!(m["overlaps"], json!(0), "parts overlap, {at}");
            assert_eq!(m["sidebarBelowBar"], json!(true), "{at}");
            if *language == "fr" && [320, 390, 1280, 1920].contains(&width) {
                page.screenshot(&shots.join(format!("topbar-fr-{width}.png")));
            }
        }
    }
}

#[test]
fn text_is_set_in_one_font_family() {
    let Some(mut browser) = Browser::launch() else {
        return;
    };
    let (_keep, site) = build_sample();
    let mut page = browser.page();
    page.viewport(1280, 900, false);
    open(
        &mut page,
        &format!(
            "{}/lessons/module-1/1.3-principles/index.html",
            file_url(&site)
        ),
    );
    page.call("DOM.enable", json!({}));
    page.call("CSS.enable", json!({}));
    let document = page.call("DOM.getDocument", json!({"depth": 0}));
    let root = document["root"]["nodeId"].clone();
    // The fonts that really drew each part (not the stack asked for): the same family for the
    // body text, a key message, a heading, a backlink's quote and the top bar.
    let mut families = Vec::new();
    for selector in [
        ".content > p",
        ".key-message > p:not(.block-label)",
        ".content h2",
        ".brand span",
        ".backlinks .quote p, .backlink-group a",
    ] {
        let node = page.call(
            "DOM.querySelector",
            json!({"nodeId": root, "selector": selector}),
        )["nodeId"]
            .clone();
        assert_ne!(node, json!(0), "{selector} is on the page");
        let fonts = page.call("CSS.getPlatformFontsForNode", json!({"nodeId": node}));
        let used: Vec<String> = fonts["fonts"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["familyName"].as_str().unwrap().to_string())
            .collect();
        assert!(!used.is_empty(), "{selector}: {fonts}");
        families.push((selector, used));
    }
    let first = families[0].1[0].clone();
    for (selector, used) in &families {
        assert_eq!(
            used[0], first,
            "{selector} drawn in {used:?}, the text in {first}"
        );
        assert!(
            !used
                .iter()
                .any(|f| f.contains("Serif") && !f.contains("Sans")),
            "{selector}: {used:?}"
        );
    }
}

#[test]
fn the_edition_is_shown_as_written() {
    let w = editions_workspace();
    let fr = build_site(&w.path().join("fr"));
    let base = build_site(&w.path().join("base"));
    let handout = strip_tags(&read_minified(
        &fr,
        "lessons/module-1/1.3-principles/handout/index.html",
    ));
    assert!(
        handout.contains("2026, édition du centre de Dakar"),
        "{handout}"
    );
    assert!(!handout.contains("Édition 2026"), "{handout}");
    let print = strip_tags(&read_minified(&fr, "print/index.html"));
    assert!(
        print.contains("2026, édition du centre de Dakar"),
        "{print}"
    );
    assert!(!print.contains("Édition 2026"), "{print}");
    let css = read_minified(&fr, "assets/book.css");
    assert!(
        css.contains("\"Principes du maintien de la paix des Nations Unies · 2026, édition du centre de Dakar\""),
        "{css}"
    );
    // A bare year says what it is.
    let footer = strip_tags(&read_minified(&base, "index.html"));
    assert!(footer.contains("Edition 2026"), "{footer}");
}
