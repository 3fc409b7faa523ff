//! A site in several languages: the sample handbook with `[languages]` naming its French and
//! Arabic editions (tests/cases/editions/), built into one output with a language switcher;
//! the errors `[languages]` can meet; and, in headless Chromium, switching language and
//! searching in one.

use std::fs;
use std::path::Path;
use std::time::Duration;

use crate::common::browser::{Browser, file_url, screenshot_dir};
use crate::common::{
    broken_links, build_site as build_ok, editions_workspace, errors, files, read_minified as read,
};
use serde_json::json;

pub(crate) const LANGUAGES: &str =
    "\n[languages.fr]\nedition = \"../fr\"\n\n[languages.ar]\nedition = \"../ar\"\n";

/// The editions workspace with `[languages]` added to the base's book.toml.
fn workspace() -> tempfile::TempDir {
    let w = editions_workspace();
    append(&w.path().join("base/book.toml"), LANGUAGES);
    w
}

fn append(file: &Path, text: &str) {
    let mut all = fs::read_to_string(file).unwrap();
    all.push_str(text);
    fs::write(file, all).unwrap();
}

/// The entries of a page's language switcher: (language tag, href, note under the name).
fn switcher(html: &str) -> Vec<(String, String, String)> {
    let Some(start) = html.find("<details class=languages>") else {
        return Vec::new();
    };
    let end = start + html[start..].find("</details>").unwrap();
    html[start..end]
        .split("<li>")
        .skip(1)
        .map(|item| {
            let attr = |name: &str| {
                let at = item.find(&format!("{name}=")).unwrap() + name.len() + 1;
                item[at..]
                    .split([' ', '>'])
                    .next()
                    .unwrap()
                    .trim_matches('"')
                    .to_string()
            };
            let note = item
                .split_once("<small>")
                .map(|(_, n)| n.split("</small>").next().unwrap().to_string())
                .unwrap_or_default();
            (attr("hreflang"), attr("href"), note)
        })
        .collect()
}

#[test]
fn one_site_holds_every_language_with_a_switcher_on_each_page() {
    let w = workspace();
    let site = build_ok(&w.path().join("base"));

    // The handbook's own language keeps the contract's layout at the root; each other language
    // is a site of its own under its tag, in its language.
    let consent = read(&site, "principles/consent/index.html");
    assert!(consent.contains("<html dir=ltr lang=en>"));
    let fr = read(&site, "fr/principles/consent/index.html");
    assert!(fr.contains("<html dir=ltr lang=fr>") && fr.contains("Le consentement des parties"));
    let ar = read(&site, "ar/principles/consent/index.html");
    assert!(ar.contains("<html dir=rtl lang=ar>") && ar.contains("موافقة الأطراف"));
    for rel in [
        "fr/lessons/module-1/1.3-principles/handout/index.html",
        "fr/search/index.html",
        "fr/print/index.html",
        "ar/index.html",
    ] {
        assert!(site.join(rel).is_file(), "{rel}");
    }

    // The same page in each language, the current one marked.
    assert_eq!(
        switcher(&consent),
        [
            (
                "en".into(),
                "../../principles/consent/index.html".into(),
                String::new()
            ),
            (
                "ar".into(),
                "../../ar/principles/consent/index.html".into(),
                String::new()
            ),
            (
                "fr".into(),
                "../../fr/principles/consent/index.html".into(),
                String::new()
            ),
        ]
    );
    assert!(
        consent
            .contains("<a aria-current=true href=../../principles/consent/index.html hreflang=en>")
    );
    // Search engines learn of the translations.
    assert!(
        consent.contains(
            "<link href=../../fr/principles/consent/index.html hreflang=fr rel=alternate>"
        )
    );

    // A page the French edition has not translated: there, but marked, in the words of the
    // page being read; and no alternate claims it is French.
    let impartiality = read(&site, "principles/impartiality/index.html");
    let entries = switcher(&impartiality);
    assert_eq!(entries[2].1, "../../fr/principles/impartiality/index.html");
    assert_eq!(entries[2].2, "not yet translated");
    assert!(!impartiality.contains("hreflang=fr rel=alternate"));
    let fr_impartiality = read(&site, "fr/principles/impartiality/index.html");
    assert_eq!(switcher(&fr_impartiality)[2].2, "pas encore traduite");
    assert_eq!(
        switcher(&fr_impartiality)[0].1,
        "../../../principles/impartiality/index.html"
    );

    // A lesson the French edition leaves out: its switcher leads to the French home page.
    let conduct = read(
        &site,
        "lessons/module-2/2.3-conduct-and-discipline/index.html",
    );
    let entries = switcher(&conduct);
    assert_eq!(entries[2].1, "../../../fr/index.html");
    assert_eq!(entries[2].2, "page left out: opens the home page");
    assert!(
        !site
            .join("fr/lessons/module-2/2.3-conduct-and-discipline")
            .exists()
    );
    // Its handout too: generated pages switch like their lesson.
    let handout_of_page = read(&site, "lessons/module-1/1.3-principles/index.html");
    assert_eq!(
        switcher(&handout_of_page)[1].1,
        "../../../ar/lessons/module-1/1.3-principles/index.html"
    );
    let index = read(&site, "fr/principles/index.html");
    assert_eq!(switcher(&index)[0].1, "../../principles/index.html");
    // A page only the French edition has: the others' home pages.
    let contacts = read(&site, "fr/local/contacts/index.html");
    let entries = switcher(&contacts);
    assert_eq!(entries[0].1, "../../../index.html");
    assert_eq!(entries[0].2, "page absente : ouvre la page d’accueil");

    // Every link of every language leads somewhere, from any page.
    let broken = broken_links(&site);
    assert!(broken.is_empty(), "{broken:#?}");

    // One sitemap lists every language's pages.
    let sitemap = read(&site, "sitemap.xml");
    for url in [
        "<loc>/principles/consent/</loc>",
        "<loc>/fr/principles/consent/</loc>",
        "<loc>/fr/local/contacts/</loc>",
        "<loc>/ar/</loc>",
    ] {
        assert!(sitemap.contains(url), "{url}");
    }
    assert!(!sitemap.contains("/fr/lessons/module-2/2.3-conduct"));
    assert!(!site.join("fr/sitemap.xml").exists());

    // Each language is the site its edition makes on its own, plus the switcher.
    let alone = build_ok(&w.path().join("fr"));
    let ours: Vec<String> = files(&site.join("fr"));
    let mut theirs: Vec<String> = files(&alone);
    theirs.retain(|f| f != "sitemap.xml" && f != ".tenet-output");
    assert_eq!(ours, theirs);
    let alone_consent = read(&alone, "principles/consent/index.html");
    assert!(
        switcher(&alone_consent).is_empty(),
        "no switcher in a site of one language"
    );
}

#[test]
fn a_language_of_its_own_name_and_the_base_url() {
    let w = editions_workspace();
    let book = w.path().join("base/book.toml");
    let text = fs::read_to_string(&book).unwrap().replace(
        "base_url = \"/\"",
        "base_url = \"https://example.org/handbook/\"",
    );
    fs::write(&book, text).unwrap();
    append(
        &book,
        "\n[languages.en]\nname = \"English (original)\"\n\n[languages.fr]\nedition = \"../fr\"\nname = \"French\"\n",
    );
    let site = build_ok(&w.path().join("base"));
    let home = read(&site, "fr/index.html");
    let start = home.find("<details class=languages>").unwrap();
    let end = start + home[start..].find("</details>").unwrap();
    let names: Vec<&str> = home[start..end]
        .split("<span ")
        .skip(1)
        .filter(|tag| tag.split('>').next().unwrap().contains("lang="))
        .map(|tag| tag.split('>').nth(1).unwrap().split('<').next().unwrap())
        .collect();
    assert_eq!(
        names,
        ["French", "English (original)", "French"],
        "summary, then the list"
    );
    let sitemap = read(&site, "sitemap.xml");
    assert!(sitemap.contains("<loc>https://example.org/handbook/fr/principles/consent/</loc>"));
    assert!(sitemap.contains("<loc>https://example.org/handbook/principles/consent/</loc>"));
}

#[test]
fn mistakes_in_languages_are_reported_together_with_their_place() {
    let w = editions_workspace();
    let base = w.path().join("base");
    append(
        &base.join("book.toml"),
        "\n[languages.fr]\nedition = \"../nowhere\"\n\n[languages.es]\nedition = \"../fr\"\n\n[languages.ru]\nname = \"Русский\"\n\n[languages.\"x y\"]\nedition = \"../ar\"\n\n[languages.ar]\neditoin = \"../ar\"\n",
    );
    let report = tenet::build(&base, None);
    let found = errors(&report, &base);
    let expect = [
        "book.toml:16:11: error: `[languages.fr]`: the edition `../nowhere` was not found",
        "book.toml:19:11: error: `[languages.es]`: the edition `../fr` is in `fr`, not `es`",
        "book.toml:21:12: error: `[languages.ru]` names no `edition`",
        "book.toml:25:11: error: `[languages.x y]`: `x y` is not a language tag",
        "book.toml:28:1: error: unknown key `editoin` in `[languages.ar]`",
    ];
    for e in expect {
        assert!(
            found.iter().any(|f| f.starts_with(e)),
            "missing {e:?} in {found:#?}"
        );
    }
    assert!(!base.join("site").exists(), "nothing written");

    // A page of the handbook where a language's folder goes.
    let w = workspace();
    let base = w.path().join("base");
    fs::create_dir_all(base.join("content/fr")).unwrap();
    fs::write(
        base.join("content/fr/notes.md"),
        "+++\ntitle = \"Notes\"\n+++\n\nNotes.\n",
    )
    .unwrap();
    let report = tenet::build(&base, None);
    let found = errors(&report, &base);
    assert!(
        found.iter().any(|f| f.starts_with(
            "content/fr/notes.md: error: the page `fr/notes` would be written in `fr/`"
        )),
        "{found:#?}"
    );
}

#[test]
fn switching_language_in_chromium_keeps_the_page_and_its_place() {
    let Some(mut browser) = Browser::launch() else {
        return;
    };
    let w = workspace();
    let site = build_ok(&w.path().join("base"));
    let shots = screenshot_dir();
    let mut page = browser.page();
    page.viewport(1280, 800, false);
    let base = file_url(&site);

    page.goto(&format!(
        "{base}/principles/consent/index.html#limits-of-consent"
    ));
    page.wait_for(
        "document.readyState === 'complete'",
        Duration::from_secs(10),
    );
    // Closed until asked; open, it lists the three languages in their own names, opens below
    // its button inside the window, and nothing covers it.
    assert_eq!(
        page.eval("document.querySelector('.languages ul').checkVisibility()"),
        json!(false)
    );
    page.eval("document.querySelector('.languages summary').click()");
    let menu = page.eval(
        "(() => { const m = document.querySelector('.languages ul'), u = m.getBoundingClientRect(),
                        s = document.querySelector('.languages summary').getBoundingClientRect(),
                        top = document.elementFromPoint(u.left + u.width / 2, u.top + u.height / 2);
                  return { names: [...document.querySelectorAll('.languages li a')].map(a => a.innerText),
                           inside: u.left >= 0 && u.right <= innerWidth && u.top >= s.bottom,
                           onTop: m.contains(top) }; })()",
    );
    assert_eq!(
        menu,
        json!({ "names": ["English", "العربية", "Français"], "inside": true, "onTop": true })
    );
    page.screenshot(&shots.join("languages-switcher-open.png"));
    // A click elsewhere closes it.
    page.eval("document.querySelector('main h1').click()");
    assert_eq!(
        page.eval("document.querySelector('.languages').open"),
        json!(false)
    );

    // Choosing French opens the same principle in French, at the same place.
    page.eval("document.querySelector('.languages summary').click()");
    let _ = page.try_eval("document.querySelector('.languages a[hreflang=fr]').click()");
    page.wait_for(
        "location.pathname.endsWith('/fr/principles/consent/index.html') && document.readyState === 'complete'",
        Duration::from_secs(10),
    );
    assert_eq!(
        page.eval(
            "[document.documentElement.lang, location.hash, document.querySelector('h1').innerText]"
        ),
        json!(["fr", "#limits-of-consent", "Le consentement des parties"])
    );

    // The French site searches its own pages, in French.
    page.goto(&format!("{base}/fr/search/index.html?q=consentement"));
    page.wait_for(
        "document.querySelectorAll('#search-results > li').length > 0",
        Duration::from_secs(10),
    );
    let first = page.eval("document.querySelector('#search-results > li a').href");
    let first = first.as_str().unwrap();
    assert!(
        first.contains("/fr/principles/consent/index.html"),
        "{first}"
    );

    // In Arabic the menu opens towards the inside of the window, on the left.
    page.goto(&format!("{base}/ar/principles/consent/index.html"));
    page.wait_for(
        "document.readyState === 'complete'",
        Duration::from_secs(10),
    );
    page.eval("document.querySelector('.languages summary').click()");
    let placed = page.eval(
        "(() => { const u = document.querySelector('.languages ul').getBoundingClientRect(),
                        s = document.querySelector('.languages summary').getBoundingClientRect();
                  return u.left >= 0 && Math.abs(u.left - s.left) < 2; })()",
    );
    assert_eq!(placed, json!(true));
    page.screenshot(&shots.join("languages-switcher-ar.png"));
}
