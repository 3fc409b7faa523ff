//! PDF output, checked with poppler's tools and read with lopdf: a lesson handout prints every
//! key message and no trainer tip on 2–3 A4 pages, the same build prints the same bytes, every
//! PDF has an outline nested as the document (each entry on the page of its heading), the
//! contents list's page numbers are right, the PDFs are tagged and carry their title, author
//! and language; a later build keeps the PDFs of unchanged pages and says which it removed,
//! `[print] pdf = true` prints them with every build; and without Chromium `tenet pdf` says
//! how to get it and fails while the site is still built.
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
    pdftotext(pdf, &[])
}

/// What pdftotext reads in a PDF (with `args`, such as a page range), its words joined by single
/// spaces.
fn pdftotext(pdf: &Path, args: &[&str]) -> String {
    let out = Command::new("pdftotext")
        .args(args)
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
        21,
        "six handouts, six lesson plans, six slide decks, two modules and the handbook"
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
    assert_eq!(written.len(), 21);
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

/// A PDF's outline, read with lopdf: (depth from 1, title, page from 1) of every entry in
/// order; the page from the entry's named destination.
fn outline(pdf: &Path) -> Vec<(u32, String, u32)> {
    use lopdf::{Document, Object, ObjectId};
    let doc = Document::load(pdf).unwrap();
    let catalog = doc.catalog().unwrap();
    let pages: std::collections::HashMap<ObjectId, u32> =
        doc.get_pages().into_iter().map(|(n, id)| (id, n)).collect();
    let dests = catalog
        .get_deref(b"Dests", &doc)
        .and_then(Object::as_dict)
        .unwrap();
    let page_of = |entry: &lopdf::Dictionary| -> u32 {
        let name = entry.get(b"Dest").unwrap().as_name().unwrap();
        let dest = dests.get_deref(name, &doc).unwrap().as_array().unwrap();
        pages[&dest[0].as_reference().unwrap()]
    };
    fn walk(
        doc: &Document,
        first: Option<ObjectId>,
        depth: u32,
        page_of: &dyn Fn(&lopdf::Dictionary) -> u32,
        out: &mut Vec<(u32, String, u32)>,
    ) {
        let mut at = first;
        while let Some(id) = at {
            let entry = doc.get_dictionary(id).unwrap();
            let title = lopdf::decode_text_string(entry.get(b"Title").unwrap()).unwrap();
            out.push((depth, title, page_of(entry)));
            let child = entry.get(b"First").and_then(Object::as_reference).ok();
            walk(doc, child, depth + 1, page_of, out);
            at = entry.get(b"Next").and_then(Object::as_reference).ok();
        }
    }
    let root = catalog.get(b"Outlines").unwrap().as_reference().unwrap();
    let first = doc
        .get_dictionary(root)
        .unwrap()
        .get(b"First")
        .and_then(Object::as_reference)
        .ok();
    let mut entries = Vec::new();
    walk(&doc, first, 1, &page_of, &mut entries);
    entries
}

/// The text of page `page` of a PDF, its words joined by single spaces.
fn page_text(pdf: &Path, page: u32) -> String {
    let n = page.to_string();
    pdftotext(pdf, &["-f", &n, "-l", &n])
}

/// Only the letters and digits of a text, in lower case: a heading as pdftotext gives it
/// whatever the stylesheet's capitals and a hyphen at the end of a line made of it.
fn letters(text: &str) -> String {
    text.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// The catalog's `/Lang` of a PDF.
fn catalog_lang(pdf: &Path) -> Option<String> {
    let doc = lopdf::Document::load(pdf).unwrap();
    let lang = doc.catalog().unwrap().get(b"Lang").ok()?;
    lopdf::decode_text_string(lang).ok()
}

fn pdfinfo(pdf: &Path) -> String {
    let out = Command::new("pdfinfo").arg(pdf).output().unwrap();
    assert!(out.status.success());
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn every_pdf_has_an_outline_nested_as_the_document_and_each_entry_on_its_page() {
    if !tools() {
        return;
    }
    let (_keep, out, written) = build_and_print();
    // The handbook: parts at the top, modules under the curriculum, lessons under their
    // module, key messages under their lesson.
    let book = outline(&out.join("pdf/handbook.pdf"));
    let top: Vec<&str> = book
        .iter()
        .filter(|e| e.0 == 1)
        .map(|e| e.1.as_str())
        .collect();
    for part in [
        "Principles",
        "The Handbook",
        "Training Curriculum",
        "Case Studies",
        "Glossary",
    ] {
        assert!(top.contains(&part), "{part} at the top: {top:?}");
    }
    let at = |title: &str| {
        book.iter()
            .position(|e| e.1 == title)
            .unwrap_or_else(|| panic!("{title} in the outline: {book:?}"))
    };
    let module = at("Module 1: Foundations of UN Peacekeeping");
    let lesson = at("1.3 Principles of Peacekeeping");
    assert_eq!(book[module].0, 2);
    assert!(at("Training Curriculum") < module);
    assert_eq!(book[lesson].0, 3);
    assert!(module < lesson);
    let kms: Vec<_> = book[lesson + 1..].iter().take_while(|e| e.0 > 3).collect();
    assert_eq!(kms.len(), 13, "the lesson's key messages under it: {kms:?}");
    assert!(
        kms.iter()
            .all(|e| e.0 == 4 && e.1.starts_with("Key Message "))
    );
    assert!(
        kms[0]
            .1
            .starts_with("Key Message 1: A peacekeeping operation deploys"),
        "{}",
        kms[0].1
    );
    // Each entry leads to the page that holds its heading (key messages: their label).
    let handbook = out.join("pdf/handbook.pdf");
    for (_, title, page) in &book {
        let said = title.split(':').next().unwrap();
        let text = page_text(&handbook, *page);
        assert!(
            letters(&text).contains(&letters(said)),
            "{title:?} leads to page {page}, which does not hold it"
        );
    }

    // A handout: its lesson, and its key messages under it.
    let handout = outline(&out.join("pdf/lessons/module-1/1.3-principles-handout.pdf"));
    assert_eq!(handout[0].0, 1);
    assert_eq!(handout[0].1, "1.3 Principles of Peacekeeping");
    assert_eq!(handout.len(), 14, "{handout:?}");
    assert!(handout[1..].iter().all(|e| e.0 == 2));
    // A lesson plan: its sections, each key message under the section it is in.
    let plan = outline(&out.join("pdf/lessons/module-1/1.3-principles-lesson-plan.pdf"));
    assert_eq!(plan[0].1, "1.3 Principles of Peacekeeping");
    let section = plan
        .iter()
        .position(|e| e.1 == "Consent of the parties")
        .unwrap();
    assert_eq!(plan[section].0, 2);
    assert_eq!(plan[section + 1].0, 3);
    assert!(plan[section + 1].1.starts_with("Key Message 1"));
    // A module: the module, its lessons under it, their key messages under them.
    let module = outline(&out.join("pdf/lessons/module-1.pdf"));
    assert_eq!(module[0].0, 1, "{module:?}");
    let lessons: Vec<_> = module.iter().filter(|e| e.0 == 2).map(|e| &e.1).collect();
    assert_eq!(lessons.len(), 3, "{module:?}");
    assert!(
        module
            .iter()
            .any(|e| e.0 == 3 && e.1.starts_with("Key Message"))
    );
    // Every PDF has one, and is tagged, titled and in its language (the sample names no
    // author: the two-lessons case does).
    for pdf in &written {
        assert!(!outline(pdf).is_empty(), "{} has an outline", pdf.display());
        let info = pdfinfo(pdf);
        assert!(info.contains("Tagged:          yes"), "{info}");
        assert!(!info.contains("Author:"), "{info}");
        assert!(info.contains("Title:"), "{info}");
        assert_eq!(catalog_lang(pdf).as_deref(), Some("en"));
    }
    let info = pdfinfo(&handbook);
    assert!(
        info.contains("Title:           Principles of UN Peacekeeping · Edition 2026"),
        "{info}"
    );
}

#[test]
fn the_contents_list_gives_the_page_of_each_entry() {
    if !tools() {
        return;
    }
    let (_keep, out, _) = build_and_print();
    let pdf = out.join("pdf/handbook.pdf");
    // The contents: the page after the cover, and the next while it lasts.
    let layout = |page: u32| {
        let n = page.to_string();
        let run = Command::new("pdftotext")
            .args(["-layout", "-f", &n, "-l", &n])
            .arg(&pdf)
            .arg("-")
            .output()
            .unwrap();
        String::from_utf8_lossy(&run.stdout).into_owned()
    };
    let mut entries: Vec<(String, u32)> = Vec::new();
    for page in 2..=4 {
        let text = layout(page);
        if page > 2 && !entries.is_empty() && text.contains("Where to start") {
            break;
        }
        for line in text.lines() {
            let line = line.trim();
            let Some((title, number)) = line.rsplit_once(' ') else {
                continue;
            };
            if let Ok(number) = number.parse::<u32>()
                && !title.trim().is_empty()
                && !line.contains(" / ")
            {
                entries.push((words(title), number));
            }
        }
    }
    // Every entry of the print view's contents list has its number.
    let html = std::fs::read_to_string(out.join("print/index.html")).unwrap();
    let toc = html.split("print-toc").nth(1).unwrap();
    let toc = toc.split("</nav>").next().unwrap();
    let listed = toc.matches("<li").count();
    assert!(listed > 50, "{listed}");
    assert_eq!(entries.len(), listed, "{entries:?}");
    for (title, page) in &entries {
        let text = page_text(&pdf, *page);
        assert!(
            letters(&text).contains(&letters(title)),
            "the contents say {title:?} is on page {page}, which does not hold it: {text}"
        );
    }
    // Not all on one page: the numbers are where each landed.
    let mut pages: Vec<u32> = entries.iter().map(|e| e.1).collect();
    pages.dedup();
    assert!(pages.len() > 30, "{pages:?}");
    assert!(pages.windows(2).all(|w| w[0] <= w[1]), "{pages:?}");
}

/// Runs the tenet binary with `args`; returns its exit code and stderr.
fn tenet(args: &[&str], dir: &Path) -> (Option<i32>, String) {
    let run = Command::new(env!("CARGO_BIN_EXE_tenet"))
        .args(args)
        .arg(dir)
        .output()
        .unwrap();
    (
        run.status.code(),
        String::from_utf8_lossy(&run.stderr).into_owned(),
    )
}

#[test]
fn a_build_keeps_the_pdfs_of_unchanged_pages_and_says_which_it_removed() {
    if !tools() {
        return;
    }
    let book = crate::common::Handbook::case("pdf/two-lessons");
    let root = book.dir.path();
    let (code, said) = tenet(&["pdf"], root);
    assert_eq!(code, Some(0), "{said}");
    let pdf = root.join("site/pdf");
    let consent = pdf.join("lessons/1.1-consent-handout.pdf");
    let impartial = pdf.join("lessons/1.2-impartialite-handout.pdf");
    let before = std::fs::read(&impartial).unwrap();
    // French, authored, titled, tagged.
    let info = pdfinfo(&consent);
    assert!(
        info.contains("Author:          Centre de formation"),
        "{info}"
    );
    assert!(info.contains("Le consentement"), "{info}");
    assert!(info.contains("Tagged:          yes"), "{info}");
    assert_eq!(catalog_lang(&consent).as_deref(), Some("fr"));
    let handout = outline(&consent);
    assert_eq!(handout.len(), 3, "{handout:?}");
    assert_eq!(handout[0], (1, "1.1 Le consentement".to_string(), 1));

    // An unchanged build keeps every PDF and warns of none.
    let (code, said) = tenet(&["build"], root);
    assert_eq!(code, Some(0), "{said}");
    assert!(!said.contains("pdf-removed"), "{said}");
    assert!(said.contains("kept 5 PDFs"), "{said}");
    assert_eq!(std::fs::read(&impartial).unwrap(), before);

    // A change to one lesson: its PDFs (and the handbook's) go, the other lesson's stay.
    let lesson = root.join("content/lessons/1.1-consent.md");
    let text = std::fs::read_to_string(&lesson).unwrap();
    std::fs::write(
        &lesson,
        text.replace("peut être retiré", "peut être retiré à tout moment"),
    )
    .unwrap();
    let (code, said) = tenet(&["build"], root);
    assert_eq!(code, Some(0), "{said}");
    assert!(
        said.contains("3 PDFs of the previous output were removed"),
        "{said}"
    );
    assert!(said.contains("tenet pdf"), "{said}");
    assert!(said.contains("[print] pdf = true"), "{said}");
    assert!(!consent.exists());
    assert!(!pdf.join("handbook.pdf").exists());
    assert_eq!(std::fs::read(&impartial).unwrap(), before);
    assert!(
        pdf.join("lessons/1.2-impartialite-lesson-plan.pdf")
            .is_file()
    );

    // A failed build leaves the folder as it was, PDFs and all.
    std::fs::write(root.join("content/broken.md"), "+++\ntitle = \n+++\n").unwrap();
    let (code, said) = tenet(&["build"], root);
    assert_eq!(code, Some(1), "{said}");
    assert_eq!(std::fs::read(&impartial).unwrap(), before);
    std::fs::remove_file(root.join("content/broken.md")).unwrap();

    // `[print] pdf = true`: a plain build prints them all again.
    let toml = root.join("book.toml");
    let config = std::fs::read_to_string(&toml).unwrap();
    std::fs::write(&toml, format!("{config}\n[print]\npdf = true\n")).unwrap();
    let (code, said) = tenet(&["build"], root);
    assert_eq!(code, Some(0), "{said}");
    assert!(said.contains("printed 5 PDFs"), "{said}");
    assert!(!said.contains("pdf-removed"), "{said}");
    assert!(consent.is_file() && pdf.join("handbook.pdf").is_file());
    assert!(pdfinfo(&consent).contains("Tagged:          yes"));
    // Nothing was written beside the output folder.
    let mut beside: Vec<String> = std::fs::read_dir(root)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    beside.sort();
    assert_eq!(beside, ["book.toml", "content", "site"]);
}
