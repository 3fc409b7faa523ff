//! Print output, as HTML: each lesson's handout holds its aim, its learning outcomes and all
//! its key messages in order, and nothing a trainer keeps (trainer tips, slides, activities);
//! the lesson page links to it.

mod common;

use common::{Handbook, build_sample, ids_with_class, strip_tags, text_of_id};

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
    let h = Handbook::from_files(&[
        ("book.toml", "[book]\ntitle = \"Tips\"\n"),
        (
            "content/_index.md",
            "+++\ntitle = \"Home\"\n+++\n\nWelcome.\n",
        ),
        (
            "content/lessons/one.md",
            "+++\ntitle = \"One\"\nkind = \"lesson\"\nnumber = \"1\"\naim = \"To test.\"\n+++\n\n\
             :::: key-message\n\nSay *this* to learners:\n\n- first point\n- second point\n\n\
             ::: trainer-tip\n\nWhisper this only to trainers.\n\n:::\n\n::::\n\n\
             ::: trainer-tip\n\nAnother secret.\n\n:::\n",
        ),
    ]);
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
