//! `tenet new`: a starter handbook that builds at once with no error and no warning, with a
//! page of every kind citing the others; a folder that is not empty is refused and left as it
//! was.

use std::process::Command;

fn tenet() -> Command {
    Command::new(env!("CARGO_BIN_EXE_tenet"))
}

#[test]
fn a_new_handbook_builds_with_no_problem_and_has_every_kind_of_page() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("handbook");
    let made = tenet().arg("new").arg(&root).output().unwrap();
    assert!(made.status.success(), "{made:?}");
    let said = String::from_utf8_lossy(&made.stderr);
    assert!(said.contains("tenet serve"), "says what to do next: {said}");

    let report = tenet::build(&root, None);
    let problems: Vec<String> = report.diagnostics.iter().map(|d| d.to_string()).collect();
    assert!(problems.is_empty(), "{problems:#?}");
    let site = root.join("site");
    let read =
        |p: &str| std::fs::read_to_string(site.join(p)).unwrap_or_else(|e| panic!("{p}: {e}"));

    // One page of every kind, each rendered by its own template.
    for (page, kind) in [
        ("principles/consent/index.html", "principle"),
        ("handbook/ch1-principles-in-practice/index.html", "chapter"),
        ("lessons/module-1/index.html", "module"),
        ("lessons/module-1/1.1-consent/index.html", "lesson"),
        ("case-studies/the-checkpoint/index.html", "case-study"),
        ("glossary/host-state/index.html", "term"),
    ] {
        let html = read(page);
        assert!(html.contains(&format!("kind-{kind}")), "{page} is a {kind}");
    }
    // The lesson has its aim, outcomes, key messages, trainer tip and an activity with a slide;
    // its handout and lesson plan are made.
    let lesson = read("lessons/module-1/1.1-consent/index.html");
    for part in [
        "To explain why an operation needs consent",
        "Describe two ways",
        "block key-message",
        "block trainer-tip",
        "block activity",
        "block slide",
    ] {
        assert!(lesson.contains(part), "the lesson shows {part}");
    }
    assert!(
        read("lessons/module-1/1.1-consent/handout/index.html").contains("Summary of Key Messages")
    );
    assert!(read("lessons/module-1/1.1-consent/lesson-plan/index.html").contains("20 minutes"));
    // The pages cite each other: the principle links to, or back to, each of the others.
    let principle = read("principles/consent/index.html");
    for citing in [
        "1.1-consent/",
        "the-checkpoint/",
        "ch1-principles-in-practice/",
        "host-state/",
    ] {
        assert!(
            principle.contains(citing),
            "the principle links to {citing}"
        );
    }
}

#[test]
fn a_folder_that_is_not_empty_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("book.toml"), "[book]\ntitle = \"Mine\"\n").unwrap();
    let refused = tenet().arg("new").arg(dir.path()).output().unwrap();
    assert_eq!(refused.status.code(), Some(2), "{refused:?}");
    let said = String::from_utf8_lossy(&refused.stderr);
    assert!(said.contains("error: the folder is not empty"), "{said}");
    assert_eq!(
        std::fs::read_to_string(dir.path().join("book.toml")).unwrap(),
        "[book]\ntitle = \"Mine\"\n"
    );
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
}
