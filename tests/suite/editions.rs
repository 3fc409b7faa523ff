//! Local editions: a French and an Arabic edition (tests/cases/editions/) of the sample
//! handbook, each replacing, adding and leaving out pages; an edition of an edition; the
//! errors an edition can meet; and, in headless Chromium, the pages as a reader sees them.

use std::fs;
use std::path::Path;
use std::time::Duration;

use crate::common::browser::{Browser, file_url, screenshot_dir};
use crate::common::{
    broken_links, build_site as build_ok, copy_case, editions_workspace as workspace, errors,
    files, messages, read_minified as read, strip_tags,
};

/// Every HTML page of the site, with its path.
fn pages(site: &Path) -> Vec<(String, String)> {
    files(site)
        .into_iter()
        .filter(|f| f.ends_with(".html"))
        .map(|f| {
            let html = read(site, &f);
            (f, html)
        })
        .collect()
}

#[test]
fn the_french_edition_replaces_adds_and_leaves_out_pages() {
    let w = workspace();
    let site = build_ok(&w.path().join("fr"));

    // Replaced: the edition's text, in place of the base's.
    let consent = read(&site, "principles/consent/index.html");
    assert!(consent.starts_with("<!doctype html><html dir=ltr lang=fr>"));
    let text = strip_tags(&consent);
    assert!(text.contains("Le consentement des parties"), "{text}");
    assert!(!text.contains("Consent of the parties"), "{text}");
    // Its anchor, kept by the translator, still receives the base's references.
    assert!(consent.contains("id=limits-of-consent"), "{consent}");

    // Left out: no page, and nothing links to it; references to it became plain text.
    assert!(
        !site
            .join("lessons/module-2/2.3-conduct-and-discipline")
            .exists()
    );
    assert_eq!(broken_links(&site), Vec::<String>::new());
    for (file, html) in pages(&site) {
        assert!(
            !html.contains("2.3-conduct-and-discipline"),
            "{file} still names the left-out lesson"
        );
    }
    let tcc = read(&site, "glossary/tcc/index.html");
    assert!(
        tcc.contains("<span class=\"ref unlinked\">")
            || tcc.contains("<span class=\"ref unlinked\""),
        "{tcc}"
    );
    assert!(strip_tags(&tcc).contains("Conduct and Discipline"));
    // The span is closed as a span (it once ended with `</a>`, which left it open).
    let unlinked = tcc.split("ref unlinked").nth(1).unwrap();
    let closed = unlinked.find("</span>").unwrap();
    assert!(
        !unlinked[..closed].contains('<'),
        "the unlinked reference's span holds markup: {}",
        &unlinked[..closed.min(200)]
    );

    // Added: the local pages are in the navigation, the case-study index and the search.
    let contacts = strip_tags(&read(&site, "local/contacts/index.html"));
    assert!(contacts.contains("Secrétariat pédagogique"), "{contacts}");
    let home = read(&site, "index.html");
    assert!(
        home.contains("href=local/contacts/index.html"),
        "home nav: {home}"
    );
    let cases = read(&site, "case-studies/index.html");
    assert!(cases.contains("minusma-mali/index.html"), "{cases}");
    let meta = read(&site, "search/meta.js");
    assert!(meta.contains("\"language\":\"fr\""), "{meta}");

    // The edition's chrome is French; untranslated base pages say so and keep their language.
    let lesson = read(&site, "lessons/module-1/1.3-principles/index.html");
    let lesson_text = strip_tags(&lesson);
    assert!(lesson_text.contains("Objectif"), "{lesson_text}");
    assert!(lesson_text.contains("Message clé 1"), "{lesson_text}");
    assert!(lesson.contains("class=untranslated"), "{lesson}");
    assert!(lesson.contains("lang=en"), "{lesson}");
    assert!(!consent.contains("class=untranslated"));
    let handout = strip_tags(&read(
        &site,
        "lessons/module-1/1.3-principles/handout/index.html",
    ));
    assert!(handout.contains("Résumé des messages clés"), "{handout}");
    // In the handout and the print view too, the English text is marked English and the
    // French words French.
    let handout_html = read(&site, "lessons/module-1/1.3-principles/handout/index.html");
    assert!(handout_html.contains("class=handout-key-messages dir=ltr lang=en>"));
    assert!(handout_html.contains("<p class=block-label dir=ltr lang=fr>Message clé 1</p>"));
    let print = read(&site, "print/index.html");
    assert!(
        print.contains(
            "<h1 class=print-heading dir=ltr lang=en>1.3 Principles of Peacekeeping</h1>"
        )
    );
    assert!(print.contains("<h1 class=print-heading>Le consentement des parties</h1>"));
    assert!(!handout.contains("Summary of Key Messages"), "{handout}");

    // Branding and a template that extends the theme's.
    let brand = read(&site, "assets/book.css");
    assert!(home.contains("href=\"assets/book.css?v="), "{home}");
    assert!(brand.contains("--primary:#0b6e4f"), "{brand}");
    assert!(brand.contains("--highlight:#a0561a"), "{brand}");
    assert!(site.join("assets/brand/logo.svg").is_file());
    assert!(home.contains("src=\"assets/brand/logo.svg?v="), "{home}");
    assert!(
        strip_tags(&home).contains("Centre de formation au maintien de la paix, Dakar"),
        "footer"
    );
    let case = read(&site, "case-studies/minusma-mali/index.html");
    assert!(
        case.contains("<title>Étude de cas : Mali, 2013-2023"),
        "{case}"
    );
}

#[test]
fn the_arabic_edition_is_right_to_left_and_leaves_out_a_lesson() {
    let w = workspace();
    let site = build_ok(&w.path().join("ar"));
    for (file, html) in pages(&site) {
        if file == "404.html" || file.ends_with("search/index.html") || file.contains("/") {
            assert!(
                html.starts_with("<!doctype html><html dir=rtl lang=ar>"),
                "{file}: {}",
                &html[..80.min(html.len())]
            );
        }
        assert!(
            !html.contains("1.1-evolution"),
            "{file} names the left-out lesson"
        );
    }
    assert!(!site.join("lessons/module-1/1.1-evolution").exists());
    assert_eq!(broken_links(&site), Vec::<String>::new());
    let module = strip_tags(&read(&site, "lessons/module-1/index.html"));
    assert!(module.contains("الوحدة 1"), "{module}");
    let handout = strip_tags(&read(
        &site,
        "lessons/module-1/1.3-principles/handout/index.html",
    ));
    assert!(handout.contains("ملخص الرسائل الرئيسية"), "{handout}");
}

#[test]
fn a_reference_to_a_left_out_page_is_an_error_unless_unlinked() {
    let w = workspace();
    let ar = w.path().join("ar");
    // Without its own module page, the base's still refers to the lesson left out.
    fs::remove_file(ar.join("content/lessons/module-1/_index.md")).unwrap();
    let report = tenet::build(&ar, None);
    let errors = errors(&report, &ar);
    assert!(!errors.is_empty());
    // The base's file, named by the path the build was given (`ar/../base` read as `base`).
    let base_file = w.path().join("base/content/lessons/module-1/_index.md");
    let base_file = format!("{}:", base_file.display());
    for e in &errors {
        assert!(
            e.starts_with(&base_file)
                && e.contains("error: `lessons/module-1/1.1-evolution` is left out of this edition (by `exclude` pattern `lessons/module-1/1.1-evolution`)"),
            "{errors:#?}"
        );
    }
    let help = report.diagnostics[0].help.clone().unwrap_or_default();
    assert!(
        help.contains("on_excluded_reference = \"unlink\""),
        "{help}"
    );
    assert!(!ar.join("site").exists(), "nothing is written");

    // With "unlink", the same edition builds and the reference is plain text.
    let book = fs::read_to_string(ar.join("book.toml")).unwrap();
    fs::write(
        ar.join("book.toml"),
        book.replace(
            "exclude = [",
            "on_excluded_reference = \"unlink\"\nexclude = [",
        ),
    )
    .unwrap();
    let site = build_ok(&ar);
    let module = read(&site, "lessons/module-1/index.html");
    assert!(module.contains("ref unlinked"), "{module}");
    assert!(strip_tags(&module).contains("1.1 The Evolution of UN Peacekeeping"));
}

#[test]
fn an_edition_of_an_edition_and_an_edition_of_settings_only() {
    let w = workspace();
    // A regional edition built on the French one: replaces its contacts page, leaves out
    // its local case study.
    let region = w.path().join("fr-region");
    copy_case("editions/fr-region", &region);
    let report = tenet::build(&region, None);
    assert!(!report.has_errors(), "{}", messages(&report).join("\n"));
    // The pattern that matched nothing is a warning at its line.
    let warnings: Vec<String> = messages(&report)
        .into_iter()
        .filter(|m| m.contains("leaves out no page"))
        .collect();
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(
        warnings[0].contains("fr-region/book.toml:6:38: warning"),
        "{warnings:?}"
    );
    let site = region.join("site");
    let contacts = strip_tags(&read(&site, "local/contacts/index.html"));
    assert!(contacts.contains("Le bureau régional"), "{contacts}");
    assert!(!site.join("case-studies/minusma-mali").exists());
    // What the middle edition set and this one did not, it keeps: language, branding.
    let home = read(&site, "index.html");
    assert!(home.contains("lang=fr"), "language from ../fr");
    let brand = read(&site, "assets/book.css");
    assert!(brand.contains("--primary:#0b6e4f"), "branding from ../fr");
    assert!(strip_tags(&home).contains("Édition régionale"));
    // The French edition's translation of a base page stays.
    assert!(strip_tags(&read(&site, "principles/consent/index.html")).contains("Le consentement"));
    assert_eq!(broken_links(&site), Vec::<String>::new());

    // An edition without content: the base's pages under another title.
    let titled = w.path().join("titled");
    fs::create_dir_all(&titled).unwrap();
    fs::write(
        titled.join("book.toml"),
        "[book]\ntitle = \"Retitled\"\n[edition]\nbase = \"../base\"\n",
    )
    .unwrap();
    let site = build_ok(&titled);
    let base_site = build_ok(&w.path().join("base"));
    let ours: Vec<String> = files(&site);
    assert_eq!(ours, files(&base_site), "the same pages as the base");
    assert!(read(&site, "index.html").contains("Retitled"));
}

#[test]
fn an_edition_page_in_draft_leaves_the_base_page_in_place() {
    let w = workspace();
    let fr = w.path().join("fr");
    let page = fr.join("content/principles/impartiality.md");
    fs::write(
        &page,
        "+++\ntitle = \"L'impartialité\"\nkind = \"principle\"\ndraft = true\n+++\n\nÀ traduire.\n",
    )
    .unwrap();
    let site = build_ok(&fr);
    let text = strip_tags(&read(&site, "principles/impartiality/index.html"));
    assert!(text.contains("Impartiality means"), "{text}");
}

#[test]
fn editions_in_chromium_look_right() {
    let Some(mut browser) = Browser::launch() else {
        return;
    };
    let w = workspace();
    let fr = build_ok(&w.path().join("fr"));
    let ar = build_ok(&w.path().join("ar"));
    let shots = screenshot_dir();
    let mut page = browser.page();
    page.viewport(1280, 900, false);

    // English words of the chrome that must not show in another language.
    let english = [
        "Search the handbook",
        "Contents",
        "On this page",
        "Key Message",
        "Previous",
        "Next",
        "Referred to by",
        "Show all contents",
        "Edition",
    ];
    let chrome_text = "[...document.querySelectorAll('.topbar, .sidebar .show-tree, .toc > h2, .pager, .footer, .block-label, .backlinks > h2, .page-header .kind-label')]
        .map(e => e.innerText + ' ' + [...e.querySelectorAll('[placeholder],[aria-label]')].map(x => (x.placeholder||'') + ' ' + (x.getAttribute('aria-label')||'')).join(' ')).join(' | ')";

    page.goto(&format!("{}/index.html", file_url(&fr)));
    page.wait_for(
        "document.readyState === 'complete'",
        Duration::from_secs(10),
    );
    page.screenshot(&shots.join("edition-fr-home.png"));
    let chrome = page.eval(chrome_text);
    let chrome = chrome.as_str().unwrap();
    for word in english {
        assert!(
            !chrome.contains(word),
            "French chrome shows {word:?}: {chrome}"
        );
    }
    assert!(chrome.contains("Rechercher dans le manuel"), "{chrome}");
    // The logo is loaded and sits before the title.
    let logo = page.eval(
        "(() => { const i = document.querySelector('.brand .logo'); return i && i.complete && i.naturalWidth > 0; })()",
    );
    assert_eq!(logo, serde_json::json!(true));

    page.goto(&format!("{}/principles/consent/index.html", file_url(&ar)));
    page.wait_for(
        "document.readyState === 'complete'",
        Duration::from_secs(10),
    );
    page.screenshot(&shots.join("edition-ar-principle.png"));
    let chrome = page.eval(chrome_text);
    let chrome = chrome.as_str().unwrap();
    for word in english {
        assert!(
            !chrome.contains(word),
            "Arabic chrome shows {word:?}: {chrome}"
        );
    }
    // Right to left: the sidebar on the right of the text, nothing overlapping.
    let layout = page.eval(
        "(() => { const s = document.querySelector('.sidebar').getBoundingClientRect(),
                        m = document.querySelector('main').getBoundingClientRect(),
                        b = document.querySelector('.brand').getBoundingClientRect(),
                        q = document.querySelector('.topbar .search').getBoundingClientRect();
                  return { sidebarRight: s.left >= m.right - 1, brandRight: b.left > q.right,
                           dir: getComputedStyle(document.body).direction }; })()",
    );
    assert_eq!(
        layout,
        serde_json::json!({ "sidebarRight": true, "brandRight": true, "dir": "rtl" }),
        "see {}",
        shots.join("edition-ar-principle.png").display()
    );
    // A key message reads from the right: its label's right edge is the box's.
    let km = page.eval(
        "(() => { const b = document.querySelector('.block.key-message'), l = b.querySelector('.block-label');
                  return b.getBoundingClientRect().right - l.getBoundingClientRect().right < 40; })()",
    );
    assert_eq!(km, serde_json::json!(true));
}

/// Runs the `tenet` binary; returns (success, stdout, stderr).
fn tenet(args: &[&str], dir: &Path) -> (bool, String, String) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_tenet"))
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// The status line of one page id.
fn status_of(stdout: &str, id: &str) -> String {
    stdout
        .lines()
        .find(|l| l.split_whitespace().nth(1) == Some(id))
        .unwrap_or_else(|| panic!("no line for {id} in:\n{stdout}"))
        .to_string()
}

#[test]
fn edition_new_override_and_status_follow_the_base() {
    let w = workspace();
    let (ok, _, err) = tenet(&["edition", "new", "centre", "--base", "base"], w.path());
    assert!(ok, "{err}");
    let book = fs::read_to_string(w.path().join("centre/book.toml")).unwrap();
    assert!(book.contains("base = \"../base\""), "{book}");
    // The commented book.toml is a working edition as it is: the base's pages.
    build_ok(&w.path().join("centre"));
    // Again on the same folder: refused, nothing overwritten.
    let (ok, _, err) = tenet(&["edition", "new", "centre", "--base", "base"], w.path());
    assert!(!ok && err.contains("there is already a book.toml"), "{err}");

    let centre = w.path().join("centre");
    let (ok, _, err) = tenet(&["edition", "override", "principles/credibility"], &centre);
    assert!(ok, "{err}");
    let copy = fs::read_to_string(centre.join("content/principles/credibility.md")).unwrap();
    assert!(copy.contains("\nbase_hash = \""), "{copy}");
    fs::write(
        centre.join("content/principles/credibility.md"),
        copy.replace(
            "title = \"Credibility\"",
            "title = \"Credibility (centre)\"",
        ),
    )
    .unwrap();
    let (ok, out, err) = tenet(&["edition", "status"], &centre);
    assert!(ok, "{err}");
    assert!(
        status_of(&out, "principles/credibility").contains("up to date"),
        "{out}"
    );

    // The base changes: the copy is stale; refreshed, it is up to date again.
    let base_page = w.path().join("base/content/principles/credibility.md");
    let text = fs::read_to_string(&base_page).unwrap();
    fs::write(
        &base_page,
        format!("{text}\nA new paragraph in the base.\n"),
    )
    .unwrap();
    let (_, out, _) = tenet(&["edition", "status"], &centre);
    let line = status_of(&out, "principles/credibility");
    assert!(
        line.starts_with("replaced") && line.contains("STALE"),
        "{out}"
    );
    assert!(
        out.ends_with("0 added, 1 replaced (1 to check), 0 removed\n"),
        "{out}"
    );
    let (ok, _, err) = tenet(
        &["edition", "override", "principles/credibility", "--refresh"],
        &centre,
    );
    assert!(ok, "{err}");
    let (_, out, _) = tenet(&["edition", "status"], &centre);
    assert!(
        status_of(&out, "principles/credibility").contains("up to date"),
        "{out}"
    );
    let copy = fs::read_to_string(centre.join("content/principles/credibility.md")).unwrap();
    assert!(
        copy.contains("Credibility (centre)"),
        "refresh keeps the edition's text"
    );
    assert_eq!(copy.matches("base_hash").count(), 1);

    // The French edition: added, replaced without a hash, removed.
    let (ok, out, err) = tenet(&["edition", "status", "fr"], w.path());
    assert!(ok, "{err}");
    assert!(
        status_of(&out, "local/contacts").starts_with("added"),
        "{out}"
    );
    assert!(
        status_of(&out, "principles/consent").contains("records no base_hash"),
        "{out}"
    );
    assert!(
        status_of(&out, "lessons/module-2/2.3-conduct-and-discipline").starts_with("removed"),
        "{out}"
    );

    // Errors: an unknown id, a handbook that is not an edition.
    let (ok, _, err) = tenet(&["edition", "override", "principles/credibilty"], &centre);
    assert!(
        !ok && err.contains("the base has no page `principles/credibilty`")
            && err.contains("principles/credibility"),
        "{err}"
    );
    let (ok, _, err) = tenet(&["edition", "status", "base"], w.path());
    assert!(!ok && err.contains("not a local edition"), "{err}");
}
