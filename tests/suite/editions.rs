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

/// The diagnostics of a report with the code `code`.
fn coded<'r>(report: &'r tenet::Report, code: &str) -> Vec<&'r tenet::diagnostics::Diagnostic> {
    report
        .diagnostics
        .iter()
        .filter(|d| d.code == code)
        .collect()
}

/// Sets `[edition] on_excluded_reference` in the edition at `dir` (the line replaced, or added).
fn set_on_excluded(dir: &Path, value: &str) {
    let book = fs::read_to_string(dir.join("book.toml")).unwrap();
    let kept: Vec<&str> = book
        .lines()
        .filter(|l| !l.starts_with("on_excluded_reference"))
        .collect();
    let book = kept.join("\n").replace(
        "exclude = [",
        &format!("on_excluded_reference = \"{value}\"\nexclude = ["),
    );
    fs::write(dir.join("book.toml"), book).unwrap();
}

#[test]
fn a_reference_to_a_left_out_page_is_plain_text_with_a_warning_an_error_or_silent() {
    let w = workspace();
    let ar = w.path().join("ar");
    // Without its own module page, the base's still refers to the lesson left out.
    fs::remove_file(ar.join("content/lessons/module-1/_index.md")).unwrap();
    let base_file = w.path().join("base/content/lessons/module-1/_index.md");
    let at = format!("{}:15:3: ", base_file.display());

    // By default: the edition builds, the reference is plain text, and each place is a warning
    // at the base's file and line that names the setting and the book.toml to set it in.
    let report = tenet::build(&ar, None);
    assert!(!report.has_errors(), "{}", messages(&report).join("\n"));
    let warned = coded(&report, "excluded-reference");
    assert_eq!(warned.len(), 1, "{}", messages(&report).join("\n"));
    let shown = warned[0].to_string();
    assert!(
        shown.starts_with(&format!("{at}warning: `lessons/module-1/1.1-evolution` is left out of this edition (by `exclude` pattern `lessons/module-1/1.1-evolution`), so this reference is printed as plain text")),
        "{shown}"
    );
    let help = warned[0].help.clone().unwrap_or_default();
    assert!(
        help.contains("`on_excluded_reference = \"unlink\"`")
            && help.contains(&format!("{}", ar.join("book.toml").display()))
            && help.contains("tenet edition status"),
        "{help}"
    );
    let module = read(&ar.join("site"), "lessons/module-1/index.html");
    assert!(module.contains("ref unlinked"), "{module}");
    assert!(strip_tags(&module).contains("1.1 The Evolution of UN Peacekeeping"));
    assert_eq!(broken_links(&ar.join("site")), Vec::<String>::new());
    fs::remove_dir_all(ar.join("site")).unwrap();

    // `edition status` lists the place under the left-out page, before any build.
    let (ok, out, err) = tenet(&["edition", "status", "ar"], w.path());
    assert!(ok, "{err}");
    let lines: Vec<&str> = out.lines().collect();
    let removed = lines
        .iter()
        .position(|l| l.starts_with("removed") && l.contains("lessons/module-1/1.1-evolution"))
        .unwrap_or_else(|| panic!("{out}"));
    assert!(
        lines[removed].contains("1 reference to it, printed as plain text, with a warning"),
        "{out}"
    );
    assert_eq!(
        lines[removed + 1],
        "    base/content/lessons/module-1/_index.md:15:3",
        "{out}"
    );

    // "error": the build fails at the same place, and the help says how to change that.
    set_on_excluded(&ar, "error");
    let report = tenet::build(&ar, None);
    let errors = errors(&report, &ar);
    assert_eq!(errors.len(), 1, "{errors:#?}");
    assert!(
        errors[0].starts_with(&format!(
            "{at}error: `lessons/module-1/1.1-evolution` is left out of this edition"
        )),
        "{errors:#?}"
    );
    let help = coded(&report, "excluded-reference")[0]
        .help
        .clone()
        .unwrap_or_default();
    assert!(
        help.contains("on_excluded_reference = \"error\"") && help.contains("\"unlink\""),
        "{help}"
    );
    assert!(!ar.join("site").exists(), "nothing is written");
    let (_, out, _) = tenet(&["edition", "status", "ar"], w.path());
    assert!(out.contains("1 reference to it, errors"), "{out}");

    // "unlink": the same edition builds without a word, and status still lists the place.
    set_on_excluded(&ar, "unlink");
    let report = tenet::build(&ar, None);
    assert!(!report.has_errors(), "{}", messages(&report).join("\n"));
    assert!(coded(&report, "excluded-reference").is_empty());
    let module = read(&ar.join("site"), "lessons/module-1/index.html");
    assert!(module.contains("ref unlinked"), "{module}");
    let (_, out, _) = tenet(&["edition", "status", "ar"], w.path());
    assert!(
        out.contains(
            "1 reference to it, printed as plain text (on_excluded_reference = \"unlink\")"
        ) && out.contains("\n    base/content/lessons/module-1/_index.md:15:3\n"),
        "{out}"
    );
}

#[test]
fn status_lists_every_base_page_that_refers_to_a_left_out_lesson() {
    // The French edition leaves out a lesson seven places of the base refer to, in text and
    // in front matter (`related`).
    let w = workspace();
    set_on_excluded(&w.path().join("fr"), "warn");
    let (ok, out, err) = tenet(&["edition", "status", "fr"], w.path());
    assert!(ok, "{err}");
    let places: Vec<&str> = out
        .lines()
        .skip_while(|l| !l.starts_with("removed"))
        .skip(1)
        .take_while(|l| l.starts_with("    "))
        .collect();
    assert_eq!(places.len(), 7, "{out}");
    assert!(out.contains("7 references to it"), "{out}");
    assert!(
        places.contains(&"    base/content/glossary/tcc.md:13:28"),
        "{places:?}"
    );
    // Each place is one the build warns of, at the same line and column.
    let report = tenet::build(w.path().join("fr"), None);
    let warned: Vec<String> = coded(&report, "excluded-reference")
        .iter()
        .map(|d| {
            d.to_string()
                .lines()
                .next()
                .unwrap()
                .replace(&format!("{}/", w.path().display()), "")
        })
        .collect();
    assert_eq!(warned.len(), 7, "{warned:#?}");
    for place in places {
        assert!(
            warned
                .iter()
                .any(|d| d.starts_with(&format!("{}: warning", place.trim()))),
            "{place} is not among {warned:#?}"
        );
    }
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

/// A new edition `centre/` of the workspace's base, made with `tenet edition new`.
fn new_centre(w: &Path) -> std::path::PathBuf {
    let (ok, _, err) = tenet(&["edition", "new", "centre", "--base", "base"], w);
    assert!(ok, "{err}");
    w.join("centre")
}

#[test]
fn override_names_pages_as_references_do_and_its_errors_name_the_base() {
    let w = workspace();
    let centre = new_centre(w.path());
    let base = w.path().join("base");
    // A base page whose id is its own, not its path's.
    fs::create_dir_all(base.join("content/extra")).unwrap();
    fs::write(
        base.join("content/extra/procedure-file.md"),
        "+++\ntitle = \"Local procedure\"\nid = \"local-procedure\"\n+++\n\nText.\n",
    )
    .unwrap();

    // The last part of an id, unique in the base: the page, at its path, its full id told.
    let (ok, _, err) = tenet(&["edition", "override", "1.3-principles"], &centre);
    assert!(ok, "{err}");
    assert!(
        err.contains("a copy of the base page `lessons/module-1/1.3-principles`"),
        "{err}"
    );
    let base_text = fs::read(base.join("content/lessons/module-1/1.3-principles.md")).unwrap();
    assert!(
        centre
            .join("content/lessons/module-1/1.3-principles.md")
            .is_file()
    );
    // The base text the copy was made from is kept, as it was.
    assert_eq!(
        fs::read(centre.join(".tenet/base/lessons/module-1/1.3-principles.md")).unwrap(),
        base_text
    );
    // Refreshing takes the short id too.
    let (ok, _, err) = tenet(
        &["edition", "override", "1.3-principles", "--refresh"],
        &centre,
    );
    assert!(ok, "{err}");
    // A file, as a link names it; a page's own id.
    let (ok, _, err) = tenet(
        &["edition", "override", "content/principles/credibility.md"],
        &centre,
    );
    assert!(ok, "{err}");
    assert!(centre.join("content/principles/credibility.md").is_file());
    let (ok, _, err) = tenet(&["edition", "override", "local-procedure"], &centre);
    assert!(ok, "{err}");
    assert!(centre.join("content/extra/procedure-file.md").is_file());
    let (ok, out, _) = tenet(&["edition", "status"], &centre);
    assert!(ok);
    assert!(
        status_of(&out, "local-procedure").contains("up to date"),
        "{out}"
    );

    // A copy kept under another file name (with the base page's id) is the one refreshed.
    let copy = centre.join("content/principles/credibility.md");
    let moved = centre.join("content/principles/credibilite.md");
    let text = fs::read_to_string(&copy).unwrap();
    fs::write(
        &moved,
        text.replacen("+++\n", "+++\nid = \"principles/credibility\"\n", 1),
    )
    .unwrap();
    fs::remove_file(&copy).unwrap();
    let base_page = base.join("content/principles/credibility.md");
    let base_text = fs::read_to_string(&base_page).unwrap();
    fs::write(&base_page, format!("{base_text}\nMore.\n")).unwrap();
    let (_, out, _) = tenet(&["edition", "status"], &centre);
    assert!(
        status_of(&out, "principles/credibility").contains("STALE"),
        "{out}"
    );
    let (ok, _, err) = tenet(&["edition", "override", "credibility"], &centre);
    assert!(
        !ok && err.contains("content/principles/credibilite.md: error: the edition already has its own `principles/credibility`"),
        "{err}"
    );
    assert!(!copy.exists(), "no second copy");
    let (ok, _, err) = tenet(
        &["edition", "override", "credibility", "--refresh"],
        &centre,
    );
    assert!(ok, "{err}");
    assert!(!copy.exists(), "no second copy");
    let (_, out, _) = tenet(&["edition", "status"], &centre);
    assert!(
        status_of(&out, "principles/credibility").contains("up to date"),
        "{out}"
    );

    // Unknown: the error is at the base's content folder, with the closest ids.
    let (ok, _, err) = tenet(&["edition", "override", "1.2-mandate"], &centre);
    assert!(!ok, "{err}");
    assert!(
        err.starts_with("../base/content: error: the base has no page `1.2-mandate`"),
        "{err}"
    );
    assert!(
        err.contains("did you mean `lessons/module-1/1.2-mandates`"),
        "{err}"
    );
    // From another folder, the base's folder as reached from there (`centre/../base`).
    let (ok, _, err) = tenet(
        &[
            "edition",
            "override",
            "nothing-like-this",
            "--dir",
            "centre",
        ],
        w.path(),
    );
    assert!(
        !ok && err.starts_with("base/content: error: the base has no page `nothing-like-this`")
            && err.contains("help: a page is named by its id"),
        "{err}"
    );
    // Ambiguous: two base pages end so.
    fs::write(
        base.join("content/glossary/credibility.md"),
        "+++\ntitle = \"Credibility (term)\"\nkind = \"term\"\n+++\n\nText.\n",
    )
    .unwrap();
    let (ok, _, err) = tenet(&["edition", "override", "credibility"], &centre);
    assert!(
        !ok && err.contains(
            "`credibility` is ambiguous: it names `glossary/credibility`, `principles/credibility`"
        ) && err.contains("write the full id"),
        "{err}"
    );
    // Nothing was written for the failures.
    assert!(!centre.join("content/glossary").exists());
}

/// The lines under the status line of `id` (indented by four spaces).
fn under(stdout: &str, id: &str) -> Vec<String> {
    stdout
        .lines()
        .skip_while(|l| l.split_whitespace().nth(1) != Some(id))
        .skip(1)
        .take_while(|l| l.starts_with("    "))
        .map(|l| l[4..].to_string())
        .collect()
}

/// Runs the `tenet` binary; returns its exit code.
fn exit_code(args: &[&str], dir: &Path) -> i32 {
    std::process::Command::new(env!("CARGO_BIN_EXE_tenet"))
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap()
        .status
        .code()
        .unwrap()
}

#[test]
fn status_shows_what_changed_in_the_base_and_check_fails_on_stale_copies() {
    let w = workspace();
    let centre = new_centre(w.path());
    for id in ["principles/credibility", "principles/legitimacy"] {
        let (ok, _, err) = tenet(&["edition", "override", id], &centre);
        assert!(ok, "{err}");
    }
    assert_eq!(exit_code(&["edition", "status", "--check"], &centre), 0);
    let report = tenet::build(&centre, None);
    assert!(
        coded(&report, "stale-copy").is_empty(),
        "up to date: no warning"
    );
    // Nothing of the kept texts is in the site.
    assert!(
        files(&centre.join("site"))
            .iter()
            .all(|f| !f.contains(".tenet/") && !f.ends_with(".md"))
    );

    // The base changes: a line rewritten, a paragraph added.
    let base_page = w.path().join("base/content/principles/credibility.md");
    let text = fs::read_to_string(&base_page).unwrap();
    let first_body_line = text
        .split("+++")
        .nth(2)
        .unwrap()
        .lines()
        .find(|l| !l.trim().is_empty())
        .unwrap()
        .to_string();
    fs::write(
        &base_page,
        format!(
            "{}\nA new paragraph in the base.\n",
            text.replacen(&first_body_line, "A rewritten first line.", 1)
        ),
    )
    .unwrap();
    let (ok, out, err) = tenet(&["edition", "status"], &centre);
    assert!(ok, "plain status exits 0 with stale copies: {err}");
    assert!(
        status_of(&out, "principles/credibility").contains("STALE"),
        "{out}"
    );
    let diff = under(&out, "principles/credibility");
    assert_eq!(
        diff[0], "--- ./.tenet/base/principles/credibility.md (when the copy was made)",
        "{out}"
    );
    assert_eq!(
        diff[1],
        "+++ ../base/content/principles/credibility.md (now)"
    );
    assert!(diff[2].starts_with("@@ "), "{out}");
    assert!(diff.contains(&format!("-{first_body_line}")), "{out}");
    assert!(
        diff.contains(&"+A rewritten first line.".to_string()),
        "{out}"
    );
    assert!(
        diff.contains(&"+A new paragraph in the base.".to_string()),
        "{out}"
    );
    assert!(under(&out, "principles/legitimacy").is_empty(), "{out}");
    assert_eq!(exit_code(&["edition", "status", "--check"], &centre), 1);
    let (_, _, err) = tenet(&["edition", "status", "--check"], &centre);
    assert!(err.contains("1 copy of base pages out of date"), "{err}");

    // The build warns once, with the count, naming the command that shows them.
    let report = tenet::build(&centre, None);
    assert!(!report.has_errors());
    let stale = coded(&report, "stale-copy");
    assert_eq!(stale.len(), 1, "{}", messages(&report).join("\n"));
    assert!(
        stale[0]
            .to_string()
            .contains("warning: 1 copy of a base page in this edition is out of date"),
        "{}",
        stale[0]
    );
    assert!(
        stale[0]
            .help
            .as_deref()
            .unwrap_or("")
            .contains("tenet edition status")
    );
    // Two stale copies: still one warning, counting both.
    let other = w.path().join("base/content/principles/legitimacy.md");
    let text = fs::read_to_string(&other).unwrap();
    fs::write(&other, format!("{text}\nMore.\n")).unwrap();
    let report = tenet::build(&centre, None);
    let stale = coded(&report, "stale-copy");
    assert_eq!(stale.len(), 1);
    assert!(
        stale[0]
            .message
            .starts_with("2 copies of base pages in this edition are out of date"),
        "{}",
        stale[0]
    );

    // Refreshed: up to date, the kept text is the base's of now.
    for id in ["credibility", "legitimacy"] {
        let (ok, _, err) = tenet(&["edition", "override", id, "--refresh"], &centre);
        assert!(ok, "{err}");
    }
    assert_eq!(
        fs::read(centre.join(".tenet/base/principles/credibility.md")).unwrap(),
        fs::read(&base_page).unwrap()
    );
    assert_eq!(exit_code(&["edition", "status", "--check"], &centre), 0);

    // A copy made before base texts were kept: still STALE, with a hint to refresh.
    fs::remove_file(centre.join(".tenet/base/principles/credibility.md")).unwrap();
    fs::write(
        &base_page,
        "+++\ntitle = \"Credibility\"\nkind = \"principle\"\n+++\n\nShort now.\n",
    )
    .unwrap();
    let (ok, out, _) = tenet(&["edition", "status"], &centre);
    assert!(ok);
    assert!(
        status_of(&out, "principles/credibility").contains("STALE"),
        "{out}"
    );
    let hint = under(&out, "principles/credibility").join("\n");
    assert!(
        hint.contains("what changed is not known")
            && hint.contains("tenet edition override principles/credibility --refresh"),
        "{out}"
    );
    assert_eq!(exit_code(&["edition", "status", "--check"], &centre), 1);
    // Errors still exit 1 without --check; a bad directory is an error.
    assert_eq!(exit_code(&["edition", "status", "base"], w.path()), 1);
}

#[test]
fn status_lists_the_base_pages_an_edition_in_another_language_has_not_translated() {
    let w = workspace();
    let (ok, out, err) = tenet(&["edition", "status", "fr"], w.path());
    assert!(ok, "{err}");
    let header = out
        .lines()
        .find(|l| l.starts_with("untranslated: "))
        .unwrap_or_else(|| panic!("{out}"));
    let listed: Vec<&str> = out
        .lines()
        .skip_while(|l| !l.starts_with("untranslated: "))
        .skip(1)
        .take_while(|l| l.starts_with("    "))
        .map(str::trim)
        .collect();
    // Expected: every base page but those the edition replaces and the one it leaves out.
    let base = w.path().join("base/content");
    let fr = w.path().join("fr/content");
    let expected = files(&base)
        .into_iter()
        .filter(|f| f.ends_with(".md") && !fr.join(f).exists())
        .filter(|f| !f.starts_with("lessons/module-2/2.3-conduct-and-discipline"))
        .count();
    assert!(expected > 40);
    assert_eq!(listed.len(), expected, "{out}");
    assert_eq!(
        header,
        format!("untranslated: {expected} pages of the base are not yet in fr:")
    );
    assert!(
        out.ends_with(&format!(", {expected} untranslated\n")),
        "{out}"
    );
    assert!(
        listed.contains(&"lessons/module-1/1.3-principles (en)"),
        "{listed:?}"
    );
    assert!(!listed.iter().any(|l| l.starts_with("principles/consent")));
    assert!(!listed.iter().any(|l| l.contains("2.3-conduct")));
    // Translating one takes it off the list.
    let (ok, _, err) = tenet(
        &["edition", "override", "1.3-principles", "--dir", "fr"],
        w.path(),
    );
    assert!(ok, "{err}");
    let (_, out, _) = tenet(&["edition", "status", "fr"], w.path());
    assert!(
        out.ends_with(&format!(", {} untranslated\n", expected - 1)),
        "{out}"
    );
    assert!(
        !out.contains("    lessons/module-1/1.3-principles (en)"),
        "{out}"
    );

    // An edition in the base's language has nothing untranslated.
    let centre = new_centre(w.path());
    let (_, out, _) = tenet(&["edition", "status"], &centre);
    assert!(!out.contains("untranslated"), "{out}");
}
