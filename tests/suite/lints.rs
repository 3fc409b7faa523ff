//! Lints trainers want (each a warning with its code, at the page and line it concerns), and
//! what `[check]` and `--deny` make of problems.

use crate::common::{Handbook, case_dir};

/// A handbook that trips every lint once, with `book_extra` added to its book.toml.
fn untidy(book_extra: &str) -> Handbook {
    let h = Handbook::case("lints/untidy");
    let book = std::fs::read_to_string(h.root().join("book.toml")).unwrap();
    h.write("book.toml", &format!("{book}{book_extra}"));
    h
}

fn found(h: &Handbook, report: &tenet::Report) -> Vec<String> {
    let mut found: Vec<String> = report
        .diagnostics
        .iter()
        .map(|d| {
            let at = d.position.map(|(l, _)| format!(":{l}")).unwrap_or_default();
            let file = d.path.strip_prefix(h.root()).unwrap_or(&d.path);
            format!("{}{at} {:?} {}", file.display(), d.severity, d.code)
        })
        .collect();
    found.sort();
    found
}

#[test]
fn every_lint_warns_at_its_page() {
    let h = untidy("");
    let report = tenet::build(h.root(), None);
    assert_eq!(
        found(&h, &report),
        [
            "content/lessons/bare.md:1 Warning lesson-without-key-messages",
            "content/lessons/bare.md:1 Warning lesson-without-outcomes",
            "content/lessons/busy.md:1 Warning activities-over-duration",
            "content/lessons/busy.md:12 Warning key-message-without-principle",
            "content/lessons/busy.md:27 Warning duplicate-slide-number",
            "content/principles/impartiality.md:1 Warning principle-without-key-message",
        ]
    );
    assert!(
        h.root().join("site/index.html").exists(),
        "warnings do not stop a build"
    );
    let messages: Vec<String> = report
        .diagnostics
        .iter()
        .map(|d| d.message.clone())
        .collect();
    assert!(
        messages.contains(&"the activities take 35 minutes, more than the lesson's 30".to_string()),
        "{messages:#?}"
    );
}

#[test]
fn a_tidy_handbook_has_no_lint() {
    for root in [case_dir("build/mini"), env!("CARGO_MANIFEST_DIR").into()] {
        let dir = tempfile::tempdir().unwrap();
        let report = tenet::build(&root, Some(dir.path().join("out")));
        let problems: Vec<String> = report.diagnostics.iter().map(|d| d.to_string()).collect();
        assert!(problems.is_empty(), "{}: {problems:#?}", root.display());
    }
}

#[test]
fn check_tables_allow_and_deny_by_code() {
    // Allowed: gone.
    let h =
        untidy("\n[check]\nallow = [\"lesson-without-outcomes\", \"duplicate-slide-number\"]\n");
    let codes: Vec<&str> = tenet::build(h.root(), None)
        .diagnostics
        .iter()
        .map(|d| d.code)
        .collect::<Vec<_>>()
        .into_iter()
        .collect();
    assert_eq!(codes.len(), 4, "{codes:?}");
    assert!(!codes.contains(&"lesson-without-outcomes"));
    // Denied: errors, and nothing is written.
    let h = untidy("\n[check]\ndeny = [\"principle-without-key-message\"]\n");
    let report = tenet::build(h.root(), None);
    assert_eq!(report.errors(), 1, "{:?}", found(&h, &report));
    assert!(!h.root().join("site").exists());
    // All warnings denied from the command line; an error made a warning by `warn`.
    let h = untidy("\n[check]\nwarn = [\"unknown-reference\"]\n");
    h.write(
        "content/extra.md",
        "+++\ntitle = \"Extra\"\n+++\n\nSee [[nowhere]].\n",
    );
    let report = tenet::build(h.root(), None);
    assert_eq!(report.errors(), 0, "{:?}", found(&h, &report));
    let denied = std::process::Command::new(env!("CARGO_BIN_EXE_tenet"))
        .args(["check", "--deny", "warnings"])
        .arg(h.root())
        .output()
        .unwrap();
    assert_eq!(denied.status.code(), Some(1), "{denied:?}");
    let said = String::from_utf8_lossy(&denied.stderr);
    assert!(
        said.contains("error: the lesson has no learning outcomes"),
        "{said}"
    );
}

#[test]
fn check_lists_external_links_only_when_asked() {
    let h = Handbook::case("lints/external-links");
    let check = |extra: &[&str]| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_tenet"))
            .arg("check")
            .args(extra)
            .arg(h.root())
            .output()
            .unwrap();
        assert!(out.status.success(), "{out:?}");
        String::from_utf8(out.stderr).unwrap()
    };
    assert!(!check(&[]).contains("external"));
    let listed: Vec<String> = check(&["--external"])
        .lines()
        .filter(|l| l.contains("note: external link"))
        .map(|l| {
            l.rsplit_once("content/")
                .map(|(_, r)| r.to_string())
                .unwrap()
        })
        .collect();
    assert_eq!(
        listed,
        [
            "_index.md:5:5: note: external link https://www.un.org/en/charter",
            "_index.md:6:25: note: external link http://example.org/a",
        ]
    );
}

/// Raw HTML and images the pages' Content-Security-Policy blocks are warnings where they are
/// written, by what the policy says: the default blocks them all, a policy that allows some
/// lets those through, and no policy none.
#[test]
fn what_the_content_security_policy_blocks_is_a_warning_where_it_is_written() {
    let h = Handbook::case("lints/csp");
    let report = tenet::build(h.root(), None);
    let at = |report: &tenet::Report| -> Vec<String> {
        report
            .diagnostics
            .iter()
            .filter(|d| d.code == "csp-blocked")
            .map(|d| {
                let (line, column) = d.position.unwrap();
                format!(
                    "{line}:{column} {}",
                    d.message.split(" is blocked").next().unwrap()
                )
            })
            .collect()
    };
    assert_eq!(
        at(&report),
        [
            "5:22 a `style` attribute",
            "5:68 an inline event handler",
            "7:1 an inline `<script>`",
            "9:1 a `<style>` element",
            "11:10 a `javascript:` URL",
            "13:1 the image https://maps.example.org/map.png",
            "15:14 the media file https://www.youtube.com/embed/x",
        ]
    );
    assert!(
        report
            .diagnostics
            .iter()
            .any(|d| d.message.contains("(`img-src 'self' file: data:`)"))
    );
    assert!(!report.has_errors(), "warnings only");

    let book = std::fs::read_to_string(h.root().join("book.toml")).unwrap();
    h.write(
        "book.toml",
        &format!(
            "{book}[build]\ncontent_security_policy = \"default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' https://*.example.org; frame-src https://www.youtube.com\"\n"
        ),
    );
    let report = tenet::build(h.root(), None);
    assert_eq!(
        at(&report),
        [
            "5:68 an inline event handler",
            "7:1 an inline `<script>`",
            "11:10 a `javascript:` URL",
        ]
    );
    let page = h.read_minified("index.html");
    assert!(
        page.contains("style-src 'self' 'unsafe-inline'"),
        "the page carries the policy"
    );

    h.write(
        "book.toml",
        &format!("{book}[build]\ncontent_security_policy = \"\"\n"),
    );
    let report = tenet::build(h.root(), None);
    assert_eq!(at(&report), Vec::<String>::new());
    assert!(!h.read("index.html").contains("Content-Security-Policy"));
}
