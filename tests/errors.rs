//! Bad input: every problem of a run reported at once as `path:line:column: error: message`,
//! a non-zero exit, and the earlier output left exactly as it was.

mod common;

use std::process::Command;

use common::*;

fn broken() -> Handbook {
    let h = Handbook::from_files(&[
        (
            "book.toml",
            "[book]\ntitle = \"Broken\"\ntilte = \"x\"\n\n[build]\nminfy = true\n",
        ),
        (
            "content/_index.md",
            "+++\ntitle = \"Home\"\n+++\n\nSee [[consnt]] and [[principles/consent#nope]].\n",
        ),
        (
            "content/principles/consent.md",
            "+++\ntitle = \"Consent\"\nkind = \"principle\"\n+++\n\n## Meaning\n",
        ),
        (
            "content/glossary/consent.md",
            "+++\ntitle = \"Consent (term)\"\nkind = \"term\"\n+++\n",
        ),
        (
            "content/a.md",
            "+++\ntitle = \"A\"\n+++\n\n[a missing page](missing.md) and [[consent]].\n",
        ),
        ("content/b.md", "+++\ntitle = \"B\"\nid = \"a\"\n+++\n"),
        ("content/c.md", "+++\ntitle = \"C\"\nweight = = 3\n+++\n"),
        ("content/d.md", "+++\nkind = \"page\"\n+++\n"),
        (
            "content/e.md",
            "+++\ntitle = \"E\"\nkind = \"lessen\"\n+++\n",
        ),
        (
            "content/f.md",
            "+++\ntitle = \"F\"\n+++\n\n::: key-message\nnever closed\n",
        ),
        (
            "content/h.md",
            "+++\ntitle = \"H\"\nid = \"../../etc\"\n+++\n",
        ),
        (
            "content/i.md",
            "---\ntitle: I\nprinciples:\n  - consent\n---\n",
        ),
        ("content/search.md", "+++\ntitle = \"Search\"\n+++\n"),
        (
            "content/k.md",
            "+++\ntitle = \"K\"\nid = \"lessons/one/lesson-plan\"\n+++\n",
        ),
        (
            "content/j.md",
            "+++\ntitle = \"J\"\nprincipals = [\"principles/consent\"]\n+++\n\n::: keymessage\nx\n:::\n",
        ),
    ]);
    h.write_bytes("content/g.md", b"+++\ntitle = \"G\"\n+++\n\nab\xffcd\n");
    h
}

#[test]
fn every_error_is_reported_at_once_with_its_position() {
    let h = broken();
    let report = h.build();
    let errors = errors(&report, h.root());
    let expected = [
        "book.toml:3:1: error: unknown key `tilte` in `[book]`",
        "book.toml:6:1: error: unknown key `minfy` in `[build]`",
        "content/_index.md:5:5: error: unknown reference `consnt`",
        "content/_index.md:5:20: error: `principles/consent` has no heading or block `#nope`",
        "content/a.md:5:1: error: link to `missing.md`: no page at content/missing.md",
        "content/a.md:5:34: error: `consent` is ambiguous: it names `glossary/consent`, `principles/consent`",
        "content/b.md:3:1: error: duplicate id `a`: content/a.md has it too",
        "content/c.md:3:",
        "content/d.md:1:1: error: the page has no `title`",
        "content/e.md:3:1: error: unknown kind `lessen`",
        "content/f.md:5:1: error: the `key-message` block opened here is never closed",
        "content/g.md:5:3: error: the file is not valid UTF-8",
        "content/h.md:3:1: error: invalid id `../../etc`",
        "content/i.md:4:5: error: `consent` is ambiguous",
        "content/j.md:3:1: error: unknown front-matter key `principals`",
        "content/j.md:6:5: error: unknown block kind `keymessage`",
        "content/k.md:3:1: error: the id `lessons/one/lesson-plan` is reserved for a generated page",
        "content/search.md:1:1: error: the id `search` is reserved for a generated page",
    ];
    for want in expected {
        assert!(
            errors.iter().any(|e| e.starts_with(want)),
            "missing `{want}` in:\n{}",
            errors.join("\n")
        );
    }
    assert_eq!(errors.len(), expected.len(), "{}", errors.join("\n"));
    // Suggestions come with the errors.
    let all = messages(&report).join("\n");
    assert!(all.contains("did you mean `title`?"), "{all}");
    assert!(all.contains("did you mean `minify`?"));
    assert!(all.contains("did you mean `glossary/consent` or `principles/consent`?"));
    assert!(all.contains("did you mean `principles`?"));
    assert!(all.contains("did you mean `key-message`?"));
    assert!(report.output.is_none());
    assert!(
        !h.site().exists(),
        "nothing is written when there are errors"
    );
}

#[test]
fn a_failed_build_leaves_the_earlier_output_exactly_as_it_was() {
    let h = Handbook::fixture("mini");
    h.build_ok();
    let before: Vec<(String, Vec<u8>)> = files(&h.site())
        .into_iter()
        .map(|f| (f.clone(), std::fs::read(h.site().join(&f)).unwrap()))
        .collect();
    h.write(
        "content/principles/consent.md",
        "+++\ntitle = \"Consent\"\nkind = \"principle\"\n+++\n\nSee [[nowhere]].\n",
    );
    h.write("content/extra.md", "+++\ntitle = \"Extra\"\n+++\n");
    let report = h.build();
    assert!(report.has_errors());
    let after: Vec<(String, Vec<u8>)> = files(&h.site())
        .into_iter()
        .map(|f| (f.clone(), std::fs::read(h.site().join(&f)).unwrap()))
        .collect();
    assert!(before == after, "the output folder changed");
    let leftovers: Vec<_> = std::fs::read_dir(h.root())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("tenet"))
        .collect();
    assert!(
        leftovers.is_empty(),
        "temporary folders left: {leftovers:?}"
    );
}

#[test]
fn the_cli_exits_non_zero_and_prints_every_error() {
    let h = broken();
    let out = Command::new(env!("CARGO_BIN_EXE_tenet"))
        .arg("build")
        .arg(h.root())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    let prefix = format!("{}/", h.root().display());
    assert!(
        stderr.contains(&format!(
            "{prefix}content/_index.md:5:5: error: unknown reference `consnt`"
        )),
        "{stderr}"
    );
    assert!(stderr.contains("error: 18 errors"), "{stderr}");
    // `check` runs from inside the handbook and names files relative to it.
    let out = Command::new(env!("CARGO_BIN_EXE_tenet"))
        .arg("check")
        .current_dir(h.root())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr
            .lines()
            .any(|l| l
                == "content/f.md:5:1: error: the `key-message` block opened here is never closed"),
        "{stderr}"
    );
}

#[test]
fn check_writes_nothing_and_succeeds_on_a_good_handbook() {
    let h = Handbook::fixture("mini");
    let out = Command::new(env!("CARGO_BIN_EXE_tenet"))
        .arg("check")
        .arg(h.root())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!h.site().exists());
}

#[test]
fn template_errors_name_the_template_file_and_line() {
    let h = Handbook::fixture("mini");
    h.write("templates/term.html", "<p>\n{{ page.no_such_field }}</p>\n");
    let report = h.build();
    let errors = errors(&report, h.root());
    assert!(
        errors
            .iter()
            .any(|e| e.starts_with("templates/term.html:2:9: error: template:")),
        "{errors:?}"
    );
    assert!(!h.site().exists());
}

#[test]
fn an_edition_whose_base_is_missing_or_circular_is_a_clear_error() {
    let h = Handbook::fixture("mini");
    h.write(
        "book.toml",
        "[book]\ntitle = \"Édition locale\"\n\n[edition]\nbase = \"../base\"\n",
    );
    let report = h.build();
    let errors = errors(&report, h.root());
    assert_eq!(errors.len(), 1, "{errors:?}");
    // The folder it looked in, as the build was given the handbook's (here an absolute path).
    let looked = h.root().parent().unwrap().join("base/book.toml");
    assert!(
        errors[0].starts_with(&format!(
            "book.toml:5:8: error: the base handbook `../base` was not found: there is no {}",
            looked.display()
        )),
        "{errors:?}"
    );
    assert!(!h.site().exists());

    // a → b → a
    let h = Handbook::from_files(&[
        (
            "a/book.toml",
            "[book]\ntitle = \"A\"\n[edition]\nbase = \"../b\"\n",
        ),
        (
            "b/book.toml",
            "[book]\ntitle = \"B\"\n[edition]\nbase = \"../a\"\n",
        ),
        ("a/content/_index.md", "+++\ntitle = \"A\"\n+++\n"),
    ]);
    let report = tenet::build(h.root().join("a"), None);
    let errors = common::errors(&report, h.root());
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(
        errors[0],
        "b/book.toml:4:8: error: the editions' bases form a cycle: a/book.toml → b/book.toml → a/book.toml"
    );
    assert!(!h.root().join("a/site").exists());
}
