//! Print output, as HTML: each lesson's handout holds its aim, its learning outcomes and all
//! its key messages in order, and nothing a trainer keeps (trainer tips, slides, activities);
//! the lesson page links to it.

use crate::common;
use crate::common::{Handbook, build_sample, ids_with_class, strip_tags, text_of_id};

/// The sample's lessons: (id, source text).
fn sample_lessons() -> Vec<(String, String)> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("content");
    let mut out = Vec::new();
    for module in ["lessons/module-1", "lessons/module-2"] {
        let mut files: Vec<_> = std::fs::read_dir(root.join(module))
            .unwrap()
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == "md") && !p.ends_with("_index.md"))
            .collect();
        files.sort();
        for f in files {
            let stem = f.file_stem().unwrap().to_string_lossy().to_string();
            out.push((
                format!("{module}/{stem}"),
                std::fs::read_to_string(&f).unwrap(),
            ));
        }
    }
    out
}

#[test]
fn each_lesson_has_a_handout_with_exactly_its_key_messages_in_order() {
    let (_keep, site) = build_sample();
    let lessons = sample_lessons();
    assert_eq!(lessons.len(), 6);
    let mut checked = 0;
    for (id, source) in &lessons {
        let lesson = std::fs::read_to_string(site.join(id).join("index.html")).unwrap();
        let handout = std::fs::read_to_string(site.join(id).join("handout/index.html"))
            .unwrap_or_else(|e| panic!("{id}: no handout: {e}"));
        let text = strip_tags(&handout);

        // Every key message of the lesson, in order, with its label and full text.
        let in_lesson = ids_with_class(&lesson, "key-message");
        let in_handout = ids_with_class(&handout, "key-message");
        let written = source.matches("::: key-message").count();
        assert_eq!(
            in_lesson.len(),
            written,
            "{id}: key messages on the lesson page"
        );
        assert_eq!(
            in_handout, in_lesson,
            "{id}: the handout's key messages, in order"
        );
        for (n, km) in in_handout.iter().enumerate() {
            let on_handout = text_of_id(&handout, km).unwrap();
            let label = format!("Key Message {}", n + 1);
            assert!(on_handout.starts_with(&label), "{id}#{km}: {on_handout}");
            let body = on_handout[label.len()..].trim();
            assert!(!body.is_empty(), "{id}#{km} has text");
            let on_lesson = text_of_id(&lesson, km).unwrap();
            assert!(
                on_lesson.contains(body),
                "{id}#{km}: {body:?} not in {on_lesson:?}"
            );
        }

        // Nothing for the trainer.
        for class in ["trainer-tip", "slide", "activity"] {
            assert!(
                ids_with_class(&handout, class).is_empty(),
                "{id}: a {class} in the handout"
            );
            for block in ids_with_class(&lesson, class) {
                let kept = text_of_id(&lesson, &block).unwrap();
                // The block's own words (past its label) must not reach the handout.
                let words: String = kept
                    .split_whitespace()
                    .skip(3)
                    .take(8)
                    .collect::<Vec<_>>()
                    .join(" ");
                assert!(
                    words.is_empty() || !text.contains(&words),
                    "{id}: text of {block} in the handout: {words:?}"
                );
                checked += usize::from(!words.is_empty());
            }
        }

        // The aim and the learning outcomes, under the fixed title.
        assert!(text.contains("Summary of Key Messages"), "{id}");
        // (TOML `aim = "..."` or YAML `aim: ...`.)
        let aim_line = source.lines().find(|l| l.starts_with("aim")).unwrap();
        let aim = aim_line[aim_line.find(['=', ':']).unwrap() + 1..]
            .trim()
            .trim_matches('"');
        assert!(text.contains(aim), "{id}: aim");
        assert!(text.contains("Learning outcomes"), "{id}");

        // The lesson links to it, and it back to the lesson.
        assert!(
            lesson.contains("href=handout/index.html")
                || lesson.contains("href=\"handout/index.html\""),
            "{id}: link to the handout"
        );
        assert!(handout.contains("../index.html"), "{id}: link back");
    }
    assert!(checked >= 10, "trainer blocks checked: {checked}");
    assert_eq!(common::broken_links(&site), Vec::<String>::new());
}

#[test]
fn a_trainer_tip_inside_a_key_message_stays_out_of_the_handout() {
    let h = Handbook::case("print/tip-in-key-message");
    h.build_ok();
    let handout = h.read("lessons/one/handout/index.html");
    let lesson = h.read("lessons/one/index.html");
    assert!(
        lesson.contains("Whisper this only to trainers."),
        "the lesson shows the tip"
    );
    assert!(!handout.contains("Whisper"), "{handout}");
    assert!(!handout.contains("Another secret"));
    assert!(handout.contains("<em>this</em>"), "emphasis kept");
    assert!(handout.contains("<li>first point"), "lists kept");
    assert_eq!(ids_with_class(&handout, "key-message").len(), 1);
}

#[test]
fn a_page_that_is_not_a_lesson_has_no_handout() {
    let (_keep, site) = build_sample();
    assert!(
        site.join("lessons/module-1/1.3-principles/handout/index.html")
            .is_file()
    );
    assert!(
        !site.join("lessons/module-1/handout").exists(),
        "modules have none"
    );
    assert!(!site.join("principles/consent/handout").exists());
}

/// Every `id` of a page, quoted or not.
fn all_ids(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(p) = rest.find(" id=") {
        rest = &rest[p + 4..];
        let value = match rest.strip_prefix('"') {
            Some(r) => r[..r.find('"').unwrap_or(0)].to_string(),
            None => rest[..rest.find([' ', '>']).unwrap_or(rest.len())].to_string(),
        };
        out.push(value);
    }
    out
}

#[test]
fn the_whole_handbook_prints_as_one_document_with_links_inside_it() {
    let (_keep, site) = build_sample();
    let print = std::fs::read_to_string(site.join("print/index.html")).unwrap();

    // Every page, in reading order.
    let sections = ids_with_class(&print, "print-section");
    let position = |id: &str| {
        sections
            .iter()
            .position(|s| s == id)
            .unwrap_or_else(|| panic!("no section {id} in {sections:?}"))
    };
    assert!(position("p-principles_consent") < position("p-principles_impartiality"));
    assert!(
        position("p-lessons_module-1_1.1-evolution")
            < position("p-lessons_module-1_1.3-principles")
    );
    assert!(position("p-lessons_module-1") < position("p-lessons_module-1_1.1-evolution"));
    let pages = common::files(&site)
        .iter()
        .filter(|f| f.ends_with("/index.html") || f.as_str() == "index.html")
        .filter(|f| {
            !f.starts_with("search/")
                && !f.starts_with("contents/")
                && !f.starts_with("print/")
                && !f.contains("/handout/")
                && !f.contains("/slides/")
        })
        .count();
    // Kind indexes without a page of their own are not content: they are not printed.
    assert!(
        sections.len() >= pages - 8 && sections.len() <= pages,
        "{} sections, {pages} pages",
        sections.len()
    );

    // Ids are unique, and every link within the document lands on one of them.
    let ids = all_ids(&print);
    let unique: std::collections::BTreeSet<&String> = ids.iter().collect();
    assert_eq!(unique.len(), ids.len(), "duplicate ids in the print view");
    let mut internal = 0;
    for link in common::links(&print) {
        if let Some(fragment) = link.strip_prefix('#') {
            assert!(
                unique.contains(&fragment.to_string()),
                "dangling #{fragment}"
            );
            internal += 1;
        } else {
            // Only the way home, the stylesheet and icon, and the world outside.
            assert!(
                link == "../index.html"
                    || link.starts_with("../assets/")
                    || link.starts_with("http"),
                "a link out of the print view: {link}"
            );
        }
    }
    assert!(
        internal > 100,
        "references became links within the document: {internal}"
    );
    // A reference to a key message of lesson 1.3 leads to it inside the document.
    assert!(
        print.contains("href=\"#p-lessons_module-1_1.3-principles-km-impartial-not-neutral\"")
            || print.contains("href=#p-lessons_module-1_1.3-principles-km-impartial-not-neutral")
    );
    assert!(
        unique.contains(&"p-lessons_module-1_1.3-principles-km-impartial-not-neutral".to_string())
    );

    // Parts, chapters, modules and lessons start on a new sheet.
    let new_page = ids_with_class(&print, "new-page");
    for id in [
        "p-handbook_ch1-evolution",
        "p-lessons_module-1",
        "p-lessons_module-1_1.3-principles",
    ] {
        assert!(new_page.iter().any(|s| s == id), "{id} starts a page");
    }
    position("p-glossary_mandate");
    assert!(
        !new_page.iter().any(|s| s == "p-glossary_mandate"),
        "terms run on"
    );
    // The site's footer leads here.
    let home = std::fs::read_to_string(site.join("index.html")).unwrap();
    assert!(home.contains("print/index.html"));
}

#[test]
fn each_lesson_has_a_lesson_plan_with_everything_for_the_trainer_and_a_map() {
    let (_keep, site) = build_sample();
    for (id, source) in sample_lessons() {
        let lesson = std::fs::read_to_string(site.join(&id).join("index.html")).unwrap();
        let plan = std::fs::read_to_string(site.join(&id).join("lesson-plan/index.html"))
            .unwrap_or_else(|e| panic!("{id}: no lesson plan: {e}"));
        // Every block of the lesson, in place and in order: tips, activities, slides, key
        // messages.
        for class in ["trainer-tip", "activity", "slide", "key-message"] {
            assert_eq!(
                ids_with_class(&plan, class),
                ids_with_class(&lesson, class),
                "{id}: {class} blocks"
            );
        }
        // The map: each activity with its duration, and their total.
        let durations: Vec<u32> = source
            .lines()
            .filter(|l| l.starts_with(":::") && l.contains("activity"))
            .filter_map(|l| {
                let at = l.find("duration=")? + "duration=".len();
                let value: String = l[at..]
                    .trim_start_matches('"')
                    .chars()
                    .take_while(|c| c.is_ascii_digit())
                    .collect();
                value.parse().ok()
            })
            .collect();
        let text = strip_tags(&plan);
        assert!(
            text.contains("Lesson plan") && text.contains("Lesson map"),
            "{id}"
        );
        if !durations.is_empty() {
            let total: u32 = durations.iter().sum();
            assert!(
                text.contains(&format!("Total time of the activities {total} minutes"))
                    || text.contains(&format!(
                        "Total time of the activities at least {total} minutes"
                    )),
                "{id}: total {total} in {text}"
            );
        }
        assert!(
            lesson.contains("lesson-plan/index.html"),
            "{id}: linked from the lesson"
        );
    }
    assert_eq!(common::broken_links(&site), Vec::<String>::new());
}

#[test]
fn a_module_prints_with_its_lessons_and_links_out_for_the_rest() {
    let (_keep, site) = build_sample();
    let print = std::fs::read_to_string(site.join("print/lessons/module-1/index.html")).unwrap();
    let sections = ids_with_class(&print, "print-section");
    assert_eq!(
        sections,
        [
            "p-lessons_module-1",
            "p-lessons_module-1_1.1-evolution",
            "p-lessons_module-1_1.2-mandates",
            "p-lessons_module-1_1.3-principles",
        ]
    );
    let text = strip_tags(&print);
    assert!(text.contains("Module 1: Foundations of UN Peacekeeping"));
    assert!(
        !text.contains("2.1 Protection of Civilians"),
        "another module's lesson"
    );
    // References to pages outside the module lead to the site; inside, within the document.
    let ids: std::collections::BTreeSet<String> = ids_with_class(&print, "print-section")
        .into_iter()
        .collect();
    let mut out_links = 0;
    for link in common::links(&print) {
        if let Some(fragment) = link.strip_prefix('#') {
            assert!(
                fragment.starts_with("p-lessons_module-1"),
                "a link within the document to a page it does not hold: #{fragment}"
            );
            let page = ids
                .iter()
                .any(|id| fragment == id || fragment.starts_with(&format!("{id}-")));
            assert!(page, "#{fragment}");
        } else if link.starts_with("../../../")
            && link.ends_with("/index.html")
            && !link.starts_with("../../../lessons/module-1/")
        {
            out_links += 1;
        }
    }
    assert!(out_links > 0, "references to other pages lead to the site");
    let module = std::fs::read_to_string(site.join("lessons/module-1/index.html")).unwrap();
    assert!(
        module.contains("print/lessons/module-1/index.html"),
        "the module links to it"
    );
    assert_eq!(common::broken_links(&site), Vec::<String>::new());
}

/// A one-lesson handbook (in French as it is kept) in `language`, with `strings` (a
/// `[strings]` table of its own) added to its book.toml.
fn one_lesson(language: &str, strings: &str) -> Handbook {
    let h = Handbook::case("print/one-lesson");
    let book = std::fs::read_to_string(h.root().join("book.toml")).unwrap();
    assert!(book.contains("\nlanguage = \"fr\"\n"), "{book}");
    let book = book.replace(
        "\nlanguage = \"fr\"\n",
        &format!("\nlanguage = \"{language}\"\n"),
    );
    h.write("book.toml", &format!("{book}{strings}"));
    h
}

#[test]
fn the_fixed_words_of_handouts_and_plans_follow_the_language() {
    let h = one_lesson("fr", "");
    h.build_ok();
    let handout = h.read("lessons/1.1-consent/handout/index.html");
    assert!(
        handout.contains("<html lang=\"fr\" dir=\"ltr\""),
        "{handout}"
    );
    let text = strip_tags(&handout);
    for words in [
        "Résumé des messages clés",
        "Objectif",
        "Résultats d’apprentissage",
        "Message clé 1",
    ] {
        assert!(text.contains(words), "handout lacks {words:?}: {text}");
    }
    for english in [
        "Summary of Key Messages",
        "Aim",
        "Learning outcomes",
        "Key Message",
    ] {
        assert!(
            !text.contains(english),
            "handout still says {english:?}: {text}"
        );
    }
    let plan = strip_tags(&h.read("lessons/1.1-consent/lesson-plan/index.html"));
    assert!(plan.contains("Plan de leçon"), "{plan}");
    assert!(plan.contains("Conseil au formateur"), "{plan}");
    // One activity has no duration, so the total is a minimum.
    assert!(plan.contains("au moins 20 minutes"), "{plan}");
    // The search client gets its words in the language too.
    let meta = h.read("search/meta.js");
    assert!(
        meta.contains("\"search_results\":\"{n} résultats\""),
        "{meta}"
    );

    // Right to left, and the handbook's own words win over the built-in ones.
    let h = one_lesson("ar", "[strings]\naim = \"غاية الدرس\"\n");
    h.build_ok();
    let handout = h.read("lessons/1.1-consent/handout/index.html");
    assert!(
        handout.contains("<html lang=\"ar\" dir=\"rtl\""),
        "{handout}"
    );
    let text = strip_tags(&handout);
    assert!(text.contains("ملخص الرسائل الرئيسية"), "{text}");
    assert!(
        text.contains("غاية الدرس") && !text.contains("الهدف"),
        "{text}"
    );
}

#[test]
fn images_and_file_links_work_on_the_page_and_in_every_print_of_it() {
    let h = Handbook::case("print/images-and-files");
    h.build_ok();
    let pages = [
        "lessons/module-1/1.1-map/index.html",
        "lessons/module-1/1.1-map/handout/index.html",
        "lessons/module-1/1.1-map/lesson-plan/index.html",
        "print/index.html",
        "print/lessons/module-1/index.html",
    ];
    for page in pages {
        let html = h.read(page);
        let img = common::links(&html)
            .into_iter()
            .find(|l| l.ends_with("area.svg"))
            .unwrap_or_else(|| panic!("{page}: no image"));
        let target = h.site().join(page).parent().unwrap().join(&img);
        assert!(target.is_file(), "{page}: {img} does not open");
        if !page.contains("handout") {
            let file = common::links(&html)
                .into_iter()
                .find(|l| l.ends_with("order.txt"))
                .unwrap_or_else(|| panic!("{page}: no link to the file"));
            assert!(
                h.site().join(page).parent().unwrap().join(&file).is_file(),
                "{page}: {file}"
            );
        }
    }
    assert_eq!(common::broken_links(&h.site()), Vec::<String>::new());
}

#[test]
fn a_handbook_too_large_for_one_print_view_gets_a_view_per_part() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("book");
    common::copy_sample(&root);
    // The sample's pages hold about 300 KB of HTML: split above 40 KB.
    let toml = std::fs::read_to_string(root.join("book.toml")).unwrap();
    std::fs::write(
        root.join("book.toml"),
        format!("{toml}\n[print]\nsplit_above_kb = 40\n"),
    )
    .unwrap();
    let site = dir.path().join("site");
    let report = tenet::build(&root, Some(site.clone()));
    assert!(
        !report.has_errors(),
        "{}",
        common::messages(&report).join("\n")
    );
    let read = |rel: &str| std::fs::read_to_string(site.join(rel)).unwrap();
    let whole = read("print/index.html");
    assert!(whole.contains("This handbook is printed in parts"));

    // Its contents list the parts; each entry leads to the first section of a part's view.
    let toc_start = whole.find("class=\"print-toc\"").expect("a contents list");
    let toc = &whole[toc_start..whole[toc_start..].find("</nav>").unwrap() + toc_start];
    let entries = common::links(toc);
    assert!(
        (4..20).contains(&entries.len()),
        "{} entries: {entries:?}",
        entries.len()
    );
    let mut views = std::collections::BTreeSet::from(["print/index.html".to_string()]);
    for entry in &entries {
        let (file, anchor) = entry.split_once('#').expect("an anchor");
        let file = match file {
            "" => "print/index.html".to_string(),
            other => other.strip_prefix("../").expect("from print/").to_string(),
        };
        assert!(
            all_ids(&read(&file)).iter().any(|id| id == anchor),
            "{entry}: no #{anchor} in {file}"
        );
        views.insert(file);
    }
    // The parts (and, where a part is too large, its children) are views of their own, each
    // far smaller than the whole; the whole view keeps only the pages above them.
    assert!(views.len() >= 4, "{views:?}");
    assert!(
        views.contains("print/handbook/index.html")
            || views.iter().any(|v| v.starts_with("print/handbook/")),
        "{views:?}"
    );
    let sections = |file: &str| ids_with_class(&read(file), "print-section");
    assert!(
        sections("print/index.html").len() < 5,
        "{:?}",
        sections("print/index.html")
    );
    let mut seen = std::collections::BTreeSet::new();
    for view in &views {
        for section in sections(view) {
            assert!(seen.insert(section.clone()), "{section} is in two views");
        }
    }
    // Together they hold every page the one view of an unsplit build holds.
    let (_keep, unsplit) = build_sample();
    let one: std::collections::BTreeSet<String> = ids_with_class(
        &std::fs::read_to_string(unsplit.join("print/index.html")).unwrap(),
        "print-section",
    )
    .into_iter()
    .collect();
    assert_eq!(seen, one);
    // Each view is something `tenet pdf` prints.
    for view in &views {
        assert!(
            report.printables.iter().any(|p| &p.html == view),
            "{view} is not printed to PDF"
        );
    }
}
