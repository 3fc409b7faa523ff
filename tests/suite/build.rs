//! Whole builds of case handbooks (tests/cases/build/): what the output holds, checked in the
//! HTML.

use crate::common::*;

#[test]
fn the_mini_handbook_builds_into_the_contract_layout() {
    let h = Handbook::case("build/mini");
    let report = h.build_ok();
    let files = files(&h.site());
    for expected in [
        "index.html",
        "principles/consent/index.html",
        "principles/impartiality/index.html",
        "principles/index.html",
        "lessons/module-1/index.html",
        "lessons/module-1/1.1-basics/index.html",
        "case-studies/ceasefire/index.html",
        "glossary/ceasefire/index.html",
        "glossary/index.html",
        "lessons/index.html",
        "case-studies/index.html",
        "sitemap.xml",
        "404.html",
        ".tenet-output",
    ] {
        assert!(
            files.contains(&expected.to_string()),
            "missing {expected}; have {files:?}"
        );
    }
    assert!(report.pages >= 13);
}

#[test]
fn lesson_pages_number_their_key_messages_and_resolve_block_references() {
    let h = Handbook::case("build/mini");
    h.build_ok();
    let lesson = h.read("lessons/module-1/1.1-basics/index.html");
    assert_eq!(count_class(&lesson, "key-message"), 2, "two key messages");
    assert_eq!(
        text_of_id(&lesson, "key-message-1").unwrap(),
        "Key Message 1 Operations deploy with the consent of the main parties."
    );
    assert!(
        text_of_id(&lesson, "km-referee")
            .unwrap()
            .starts_with("Key Message 2 Impartiality means")
    );
    // The trainer tip is its own, collapsible element; the activity and nested slide keep their numbers.
    assert_eq!(count_class(&lesson, "trainer-tip"), 1);
    assert!(
        lesson.contains("<details class=\"block trainer-tip\" id=\"trainer-tip-1\""),
        "{lesson}"
    );
    assert!(
        text_of_id(&lesson, "activity-1")
            .unwrap()
            .starts_with("Activity 1.1.1: Spot the principle Required · 10 minutes")
    );
    assert!(
        text_of_id(&lesson, "slide-1")
            .unwrap()
            .starts_with("Slide 2")
    );
    // [[lessons/module-1/1.1-basics#key-message-1]] reads "Key Message 1 (1.1 The Basic Principles)".
    assert!(
        lesson.contains(
            "<a class=\"ref\" href=\"#key-message-1\">Key Message 1 (1.1 The Basic Principles)</a>"
        ),
        "{lesson}"
    );
    // The relative .md link goes to the case study's page.
    assert!(lesson.contains("href=\"../../../case-studies/ceasefire/index.html\">case study</a>"));
    // Lesson fields.
    assert!(lesson.contains("To explain the basic principles and how to apply them."));
    assert!(lesson.contains("<li>Explain why consent matters.</li>"));
    assert!(lesson.contains("30 minutes"));
}

#[test]
fn principle_pages_show_everything_that_refers_to_them_grouped_by_kind() {
    let h = Handbook::case("build/mini");
    h.build_ok();
    let consent = h.read("principles/consent/index.html");
    let backlinks = &consent[consent
        .find("class=\"backlinks\"")
        .expect("a backlinks section")..];
    let groups: Vec<&str> = backlinks
        .match_indices("data-kind=\"")
        .map(|(i, m)| {
            let rest = &backlinks[i + m.len()..];
            &rest[..rest.find('"').unwrap()]
        })
        .collect();
    assert_eq!(groups, ["key-message", "lesson", "case-study", "page"]);
    // The key message with its text and lesson.
    assert!(backlinks.contains("href=\"../../lessons/module-1/1.1-basics/index.html#key-message-1\">Key Message 1 (1.1 The Basic Principles)</a>"));
    assert!(
        backlinks
            .contains("Operations deploy with the <strong>consent</strong> of the main parties.")
    );
    assert!(backlinks.contains(
        "href=\"../../case-studies/ceasefire/index.html\">Monitoring a ceasefire line</a>"
    ));
    assert!(backlinks.contains("href=\"../../index.html\">Mini handbook</a>"));
    // Impartiality is referred to by the short name [[impartiality]] from consent's page.
    let impartiality = h.read("principles/impartiality/index.html");
    assert!(
        impartiality.contains("href=\"../consent/index.html\">Consent of the parties</a>"),
        "{impartiality}"
    );
    // [[principles/consent|the consent of the parties]] keeps the author's text.
    let case = h.read("case-studies/ceasefire/index.html");
    assert!(
        case.contains(
            "href=\"../../principles/consent/index.html\">the consent of the parties</a>"
        )
    );
}

#[test]
fn every_link_is_relative_and_lands_on_a_file_and_anchor() {
    let h = Handbook::case("build/mini");
    h.build_ok();
    assert_eq!(broken_links(&h.site()), Vec::<String>::new());
    // Also with minified output, where attribute quotes are dropped.
    h.write(
        "book.toml",
        "[book]\ntitle = \"Mini\"\n[build]\nminify = true\n",
    );
    h.build_ok();
    assert_eq!(broken_links(&h.site()), Vec::<String>::new());
}

#[test]
fn navigation_carries_the_branch_breadcrumbs_and_reading_order() {
    let h = Handbook::case("build/mini");
    h.build_ok();
    let lesson = h.read("lessons/module-1/1.1-basics/index.html");
    let crumbs = text_of_id_class(&lesson, "breadcrumbs");
    assert_eq!(crumbs, "Mini handbook Module 1: Foundations");
    // Reading order: home, principles section, consent, impartiality, module 1, lesson 1.1, ...
    assert!(
        lesson.contains("rel=\"prev\" href=\"../index.html\""),
        "previous is the module"
    );
    let consent = h.read("principles/consent/index.html");
    assert!(consent.contains("rel=\"next\" href=\"../impartiality/index.html\""));
    // The whole tree is one shared script, not in every page.
    let tree = h.read("assets/tree.js");
    assert!(tree.starts_with("window.TENET_TREE=[\"Mini handbook\",\"index.html\""));
    assert!(tree.contains("\"lessons/module-1/1.1-basics/index.html\""));
}

fn text_of_id_class(html: &str, class: &str) -> String {
    let start = html.find(&format!("class=\"{class}\"")).unwrap();
    let end = start + html[start..].find("</nav>").unwrap();
    strip_tags(&html[html[..start].rfind('<').unwrap()..end])
}

#[test]
fn pages_are_ordered_by_weight_then_number_then_title() {
    let h = Handbook::case("build/order");
    h.build_ok();
    let tree = h.read("assets/tree.js");
    let order: Vec<usize> = [
        "First by weight",
        "1.9 Lesson nine",
        "1.10 Lesson ten",
        "alpha",
        "Beta",
    ]
    .iter()
    .map(|t| tree.find(t).unwrap_or_else(|| panic!("{t} in {tree}")))
    .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{tree}");
    assert!(!tree.contains("Hidden"), "drafts are left out");
    assert!(!h.site().join("m/f").exists());
}

#[test]
fn code_is_highlighted_at_build_time_and_markdown_extensions_work() {
    let h = Handbook::case("build/markdown-extensions");
    h.build_ok();
    let home = h.read("index.html");
    assert!(home.contains("<span class=\"hl-"), "syntect classes");
    assert!(
        home.contains("assets/highlight.css"),
        "the page with code loads the code colours"
    );
    assert!(
        h.read("assets/highlight.css")
            .contains("prefers-color-scheme: dark")
    );
    assert!(home.contains("<table tabindex=\"0\">") && home.contains("<del>gone</del>"));
    assert!(home.contains("“quotes” – dash"), "smart punctuation");
    assert!(home.contains("type=\"checkbox\""));
    assert!(home.contains("footnote-definition"));
    assert!(home.contains("id=\"same\"") && home.contains("id=\"same-1\""));
}

#[test]
fn crlf_and_bom_are_accepted_and_positions_stay_right() {
    let h = Handbook::from_files(&[("book.toml", "[book]\ntitle = \"CRLF\"\n")]);
    h.write(
        "content/_index.md",
        "+++\r\ntitle = \"Home\"\r\n+++\r\n\r\nText.\r\n",
    );
    h.write_bytes(
        "content/a.md",
        "\u{FEFF}+++\r\ntitle = \"A\"\r\n+++\r\n\r\nLine five.\r\n\r\nSee [[nowhere]].\r\n"
            .as_bytes(),
    );
    let report = h.build();
    assert_eq!(
        errors(&report, h.root()),
        ["content/a.md:7:5: error: unknown reference `nowhere`"]
    );
    h.write_bytes(
        "content/a.md",
        "\u{FEFF}+++\r\ntitle = \"A\"\r\n+++\r\n\r\n::: key-message\r\nOne.\r\n:::\r\n".as_bytes(),
    );
    h.build_ok();
    assert_eq!(count_class(&h.read("a/index.html"), "key-message"), 1);
}

#[test]
fn sitemap_lists_every_page_with_absolute_urls_when_base_url_is_absolute() {
    let h = Handbook::case("build/mini");
    h.write(
        "book.toml",
        "[book]\ntitle = \"Mini\"\nbase_url = \"https://example.org/hb/\"\n",
    );
    let report = h.build_ok();
    assert_eq!(report.warnings(), 0, "{:?}", messages(&report));
    let sitemap = h.read("sitemap.xml");
    assert!(sitemap.contains("<loc>https://example.org/hb/</loc>"));
    assert!(sitemap.contains("<loc>https://example.org/hb/lessons/module-1/1.1-basics/</loc>"));
    assert_eq!(sitemap.matches("<loc>").count(), 12, "{sitemap}");
    // The 404 page is served at any path: its links start at the base path.
    assert!(h.read("404.html").contains("/hb/assets/tenet.css"));
    // A relative base_url (the normal case: a site opened from disk or served under any path)
    // gives root-relative sitemap entries; `build` says nothing about it, `check` says it once,
    // as a note (not a warning).
    h.write("book.toml", "[book]\ntitle = \"Mini\"\n");
    let report = h.build_ok();
    assert!(report.diagnostics.is_empty(), "{:?}", messages(&report));
    assert!(
        h.read("sitemap.xml")
            .contains("<loc>/principles/consent/</loc>")
    );
    let cli = |command: &str| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_tenet"))
            .arg(command)
            .current_dir(h.root())
            .output()
            .unwrap();
        assert!(out.status.success(), "{out:?}");
        String::from_utf8(out.stderr).unwrap()
    };
    let built = cli("build");
    assert!(!built.contains(": warning"), "{built}");
    let report = tenet::check(h.root());
    assert_eq!((report.warnings(), report.notes()), (0, 1));
    let checked = cli("check");
    let note = "book.toml: note: sitemap.xml will have root-relative URLs because `base_url` is not an absolute URL";
    assert_eq!(
        checked.lines().filter(|l| *l == note).count(),
        1,
        "{checked}"
    );
    assert!(!checked.contains(": warning"), "{checked}");
    // An absolute base_url: no note.
    h.write(
        "book.toml",
        "[book]\ntitle = \"Mini\"\nbase_url = \"https://example.org/hb/\"\n",
    );
    assert!(tenet::check(h.root()).diagnostics.is_empty());
}

#[test]
fn templates_override_the_theme_by_name_and_can_extend_it() {
    let h = Handbook::case("build/mini");
    h.write(
        "templates/lesson.html",
        "{% extends \"theme/lesson.html\" %}{% block title %}LESSON: {{ page.title }}{% endblock title %}",
    );
    h.write(
        "templates/term.html",
        "<p>term {{ page.title }} of {{ book.title }}</p>",
    );
    h.write("static/logo.txt", "static file");
    h.build_ok();
    let lesson = h.read("lessons/module-1/1.1-basics/index.html");
    assert!(
        lesson.contains("<title>LESSON: The Basic Principles</title>"),
        "{lesson}"
    );
    assert_eq!(
        count_class(&lesson, "key-message"),
        2,
        "the rest of the theme template is kept"
    );
    assert_eq!(
        h.read("glossary/ceasefire/index.html"),
        "<p>term Ceasefire of Mini handbook (format example)</p>"
    );
    assert_eq!(h.read("logo.txt"), "static file");
}

#[test]
fn kind_indexes_do_not_overwrite_content_pages() {
    let h = Handbook::case("build/mini");
    h.build_ok();
    // content/principles/_index.md has the id `principles`: it shows its text and the index.
    let principles = h.read("principles/index.html");
    assert!(principles.contains("The basic principles, in the order the doctrine gives them."));
    assert!(principles.contains("href=\"consent/index.html\">Consent of the parties</a>"));
    // The glossary is generated, A–Z.
    let glossary = h.read("glossary/index.html");
    assert!(
        glossary.contains(">C</h2>") && glossary.contains(">Ceasefire</a>"),
        "{glossary}"
    );
}

#[test]
fn a_reference_inside_a_key_message_is_a_backlink_from_that_key_message() {
    let h = Handbook::case("build/key-message-reference");
    h.build_ok();
    let consent = h.read("consent/index.html");
    let backlinks = &consent[consent.find("class=\"backlinks\"").unwrap()..];
    assert!(
        backlinks.contains("data-kind=\"key-message\""),
        "{backlinks}"
    );
    assert!(
        backlinks.contains(">Key Message 1 (2.1 Lesson)</a>"),
        "{backlinks}"
    );
    assert!(
        !backlinks.contains("data-kind=\"lesson\""),
        "the reference counts once, from the key message"
    );
}
