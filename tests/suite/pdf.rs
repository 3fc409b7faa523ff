//! PDF output, checked with poppler's tools: a lesson handout prints every key message and no
//! trainer tip on 2–3 A4 pages, the same build prints the same bytes, and without Chromium
//! `tenet pdf` says how to get it and fails while the site is still built.
//!
//! Skipped with a notice when Chromium or poppler-utils is missing, unless
//! `TENET_REQUIRE_BROWSER=1` (set by `.ci/run`, which installs both).

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::common::{ids_with_class, text_of_id};

fn tools() -> bool {
    let have = |tool: &str| Command::new(tool).arg("-v").output().is_ok();
    let ok = tenet::pdf::find_chromium().is_some() && have("pdftotext") && have("pdfinfo");
    if !ok {
        assert!(
            std::env::var_os("TENET_REQUIRE_BROWSER").is_none(),
            "Chromium or poppler-utils is missing (apt-get install chromium poppler-utils)"
        );
        eprintln!("skipped: Chromium or poppler-utils is missing");
    }
    ok
}

fn words(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn pdf_text(pdf: &Path) -> String {
    let out = Command::new("pdftotext")
        .arg(pdf)
        .arg("-")
        .output()
        .unwrap();
    assert!(out.status.success());
    words(&String::from_utf8_lossy(&out.stdout))
}

fn pages(pdf: &Path) -> usize {
    let out = Command::new("pdfinfo").arg(pdf).output().unwrap();
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|n| n.trim().parse().ok())
        .unwrap()
}

/// Builds the sample and prints it; returns the output folder (kept alive by the tempdir).
fn build_and_print() -> (tempfile::TempDir, PathBuf, Vec<PathBuf>) {
    let keep = tempfile::tempdir().unwrap();
    let out = keep.path().join("site");
    let report = tenet::build(env!("CARGO_MANIFEST_DIR"), Some(out.clone()));
    assert!(!report.has_errors(), "{:?}", report.diagnostics);
    assert_eq!(
        report.printables.len(),
        15,
        "six handouts, six lesson plans, two modules and the handbook"
    );
    let written = tenet::pdf::print_all(&out, &report.printables)
        .unwrap_or_else(|problems| panic!("{problems:?}"));
    (keep, out, written)
}

#[test]
fn the_handout_pdf_holds_every_key_message_and_no_trainer_tip() {
    if !tools() {
        return;
    }
    let (_keep, out, written) = build_and_print();
    assert_eq!(written.len(), 15);
    let lesson = "lessons/module-1/1.3-principles";
    let pdf = out.join(format!("pdf/{lesson}-handout.pdf"));
    assert!(written.contains(&pdf), "{written:?}");
    let text = pdf_text(&pdf);
    let handout =
        std::fs::read_to_string(out.join(format!("{lesson}/handout/index.html"))).unwrap();
    let page = std::fs::read_to_string(out.join(format!("{lesson}/index.html"))).unwrap();
    let kms = ids_with_class(&handout, "key-message");
    assert_eq!(kms.len(), 13);
    for km in &kms {
        let said = words(&text_of_id(&handout, km).unwrap());
        // The label is printed in capitals by the stylesheet; the text as written.
        let body = said.splitn(4, ' ').nth(3).unwrap_or(&said);
        assert!(text.contains(body), "{km} not in the PDF: {body:?}");
    }
    let mut tips = 0;
    for tip in ids_with_class(&page, "trainer-tip") {
        let tip_text = words(&text_of_id(&page, &tip).unwrap());
        let sample: String = tip_text
            .split(' ')
            .skip(2)
            .take(8)
            .collect::<Vec<_>>()
            .join(" ");
        assert!(
            !text.contains(&sample),
            "trainer tip {tip} in the PDF: {sample:?}"
        );
        tips += 1;
    }
    assert!(tips > 0);
    assert!(text.contains("Summary of Key Messages"));
    let n = pages(&pdf);
    assert!((2..=3).contains(&n), "13 key messages on {n} A4 pages");
    let size = Command::new("pdfinfo").arg(&pdf).output().unwrap();
    assert!(
        String::from_utf8_lossy(&size.stdout).contains("(A4)"),
        "A4 by default"
    );

    // The whole handbook: every lesson's title, many pages.
    let book = out.join("pdf/handbook.pdf");
    let book_text = pdf_text(&book);
    for title in [
        "1.3 Principles of Peacekeeping",
        "2.1 Protection of Civilians",
        "Consent of the parties",
    ] {
        assert!(book_text.contains(title), "{title} in the handbook PDF");
    }
    assert!(pages(&book) > 30);

    // A page as an image, to look at (target/screenshots/).
    let shots = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/screenshots");
    std::fs::create_dir_all(&shots).unwrap();
    let status = Command::new("pdftoppm")
        .args(["-png", "-r", "60", "-f", "1", "-l", "1"])
        .arg(&pdf)
        .arg(shots.join("handout-1.3-page"))
        .status()
        .unwrap();
    assert!(status.success());
}

#[test]
fn printing_twice_gives_the_same_bytes() {
    if !tools() {
        return;
    }
    let (_a, out_a, _) = build_and_print();
    let (_b, out_b, _) = build_and_print();
    let file = "pdf/lessons/module-2/2.3-conduct-and-discipline-handout.pdf";
    let a = std::fs::read(out_a.join(file)).unwrap();
    let b = std::fs::read(out_b.join(file)).unwrap();
    assert!(a == b, "two prints of the same handout differ");
    assert!(String::from_utf8_lossy(&a).contains("/CreationDate(D:20000101000000"));
}

#[test]
fn without_chromium_pdf_says_how_to_get_it_and_fails_but_the_site_is_built() {
    let keep = tempfile::tempdir().unwrap();
    let out = keep.path().join("site");
    let run = Command::new(env!("CARGO_BIN_EXE_tenet"))
        .args(["pdf", env!("CARGO_MANIFEST_DIR"), "--quiet", "--out"])
        .arg(&out)
        .env("TENET_CHROMIUM", keep.path().join("no-such-chromium"))
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(1), "{said}");
    assert!(said.contains("apt-get install chromium"), "{said}");
    assert!(
        out.join("lessons/module-1/1.3-principles/handout/index.html")
            .is_file()
    );
    assert!(!out.join("pdf").exists());
}
