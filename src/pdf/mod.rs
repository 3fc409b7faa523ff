//! PDF output: the printable pages a build wrote (each lesson's handout and lesson plan, each
//! module, the whole handbook) printed by headless Chromium (Debian's `chromium` package) into
//! `OUT/pdf/`. One Chromium prints them all, driven over its DevTools protocol (`cdp`), a few
//! pages at a time (`print`), each page's outline and contents marked first (`marks`) and the
//! printed file finished with an outline, contents page numbers and metadata (`document`).
//! `kept` records what each PDF was printed from, for a later build to keep those still up to
//! date. The build itself never needs Chromium; `tenet pdf` and `tenet build --pdf` do, and say
//! how to get it. The DevTools client is public: the integration tests drive Chromium with it
//! too.

pub mod cdp;
mod document;
pub mod kept;
mod marks;
mod print;

use std::path::{Path, PathBuf};

use crate::diagnostics::Diagnostic;
use cdp::{Chromium, Connection};

/// Headless Chromium, without a sandbox (root in a container has none to give) or anything
/// that would reach the network or a profile of the user's.
pub const CHROMIUM_FLAGS: &[&str] = &[
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
];

/// A page of the site to print: its HTML and its PDF, both relative to the output folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Printable {
    pub html: String,
    pub pdf: String,
}

/// The Chromium binary: `TENET_CHROMIUM`, else `chromium`, `chromium-browser` or
/// `google-chrome` on the PATH.
pub fn find_chromium() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("TENET_CHROMIUM") {
        let path = PathBuf::from(path);
        return path.is_file().then_some(path);
    }
    let path = std::env::var_os("PATH")?;
    ["chromium", "chromium-browser", "google-chrome"]
        .iter()
        .flat_map(|name| std::env::split_paths(&path).map(move |dir| dir.join(name)))
        .find(|candidate| candidate.is_file())
}

/// Prints every printable of the site in `out` to its PDF. Returns the PDFs written, or every
/// problem met (Chromium missing or not starting, a page it could not print).
pub fn print_all(out: &Path, printables: &[Printable]) -> Result<Vec<PathBuf>, Vec<Diagnostic>> {
    let Some(chromium) = find_chromium() else {
        return Err(vec![
            Diagnostic::error(
                "pdf",
                "making PDFs needs Chromium, and none was found (looked for TENET_CHROMIUM, \
                 then chromium, chromium-browser and google-chrome on the PATH)",
            )
            .help(
                "install it (Debian and Ubuntu: `apt-get install chromium`) or set \
                 TENET_CHROMIUM to a Chromium or Chrome binary; the site itself was built and \
                 does not need it",
            )
            .code("missing-chromium"),
        ]);
    };
    if printables.is_empty() {
        return Ok(Vec::new());
    }
    let out = std::path::absolute(out).unwrap_or_else(|_| out.to_path_buf());
    let not_started = |e: String| {
        vec![
            Diagnostic::error(chromium.as_path(), format!("{e}; no PDF was printed"))
                .help(
                    "set TENET_CHROMIUM to another Chromium or Chrome binary if this one is broken",
                )
                .code("pdf"),
        ]
    };
    let (mut browser, url) = Chromium::launch(&chromium).map_err(not_started)?;
    let mut connection = match Connection::open(&url) {
        Ok(connection) => connection,
        Err(e) => return Err(not_started(format!("{e}{}", browser.what_happened()))),
    };
    let results = print::run(&mut connection, &mut browser, &out, printables);
    browser.close(&mut connection);
    let (written, problems): (Vec<_>, Vec<_>) = results.into_iter().partition(Result::is_ok);
    let written: Vec<PathBuf> = written.into_iter().flatten().collect();
    let mut problems: Vec<Diagnostic> = problems.into_iter().filter_map(Result::err).collect();
    // What each PDF was printed from, so that a later build can keep those still up to date.
    if let Err(e) = kept::record(&out, printables, &written) {
        problems.push(
            Diagnostic::error(
                out.join(kept::MANIFEST),
                format!("cannot record which pages the PDFs were printed from: {e}"),
            )
            .code("io"),
        );
    }
    if problems.is_empty() {
        Ok(written)
    } else {
        Err(problems)
    }
}

/// Sets the PDF's creation and modification dates to a fixed one of the same length (so the
/// file's offsets stay valid), so that a PDF changes only when its content does. Returns
/// whether anything changed.
pub fn without_dates(pdf: &mut [u8]) -> bool {
    const FIXED: &[u8] = b"D:20000101000000";
    let mut changed = false;
    for key in [&b"/CreationDate ("[..], &b"/ModDate ("[..]] {
        let mut from = 0;
        while let Some(at) = find(&pdf[from..], key).map(|i| i + from + key.len()) {
            let end = (at + FIXED.len()).min(pdf.len());
            if pdf[at..end].starts_with(b"D:") && end - at == FIXED.len() && pdf[at..end] != *FIXED
            {
                pdf[at..end].copy_from_slice(FIXED);
                changed = true;
            }
            from = end;
        }
    }
    changed
}

/// Renumbers the ids Chromium gives a tagged PDF's table cells (`(node00000210)`, from a count
/// of the DOM nodes its renderer has numbered so far, for whatever reason) 1, 2, 3... in their
/// order, keeping their length (so the file's offsets stay valid) and their order (the name
/// tree listing them stays sorted). How many nodes were numbered before the print depends on
/// timing (whether the page had been drawn on screen yet, say); renumbered, a page prints the
/// same bytes every time. Returns whether anything changed.
fn renumber_node_ids(pdf: &mut [u8]) -> bool {
    const KEY: &[u8] = b"(node";
    const DIGITS: usize = 8;
    let mut spots: Vec<(usize, u32)> = Vec::new();
    let mut from = 0;
    while let Some(i) = find(&pdf[from..], KEY).map(|i| i + from) {
        let at = i + KEY.len();
        from = at;
        let digits = pdf.get(at..at + DIGITS);
        // `\(` would be a parenthesis inside a string, not the start of one.
        if (i > 0 && pdf[i - 1] == b'\\')
            || pdf.get(at + DIGITS) != Some(&b')')
            || !digits.is_some_and(|d| d.iter().all(u8::is_ascii_digit))
        {
            continue;
        }
        let id = digits
            .and_then(|d| std::str::from_utf8(d).ok())
            .and_then(|d| d.parse().ok());
        if let Some(id) = id {
            spots.push((at, id));
        }
    }
    let mut ids: Vec<u32> = spots.iter().map(|&(_, id)| id).collect();
    ids.sort_unstable();
    ids.dedup();
    let mut changed = false;
    for (at, id) in spots {
        let rank = ids.binary_search(&id).map_or(id, |r| r as u32 + 1);
        let new = format!("{rank:0DIGITS$}");
        if pdf[at..at + DIGITS] != *new.as_bytes() {
            pdf[at..at + DIGITS].copy_from_slice(new.as_bytes());
            changed = true;
        }
    }
    changed
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn node_ids_are_numbered_from_one_in_their_order() {
        let pdf = |ids: [u32; 3]| {
            let [a, b, c] = ids.map(|n| format!("{n:08}"));
            format!(
                "<</ID (node{b})>> <</ID (node{a})>> /Headers [(node{a})] /Headers [(node{c})] \
                 /Names [(node{a}) 1 0 R (node{b}) 2 0 R (node{c}) 3 0 R] \
                 (text \\(node00000209\\)) (node123) (node00000209"
            )
            .into_bytes()
        };
        let mut earlier = pdf([209, 210, 460]);
        let mut later = pdf([210, 212, 461]);
        let len = earlier.len();
        assert!(renumber_node_ids(&mut earlier));
        assert!(renumber_node_ids(&mut later));
        assert_eq!(earlier.len(), len);
        assert_eq!(
            String::from_utf8_lossy(&earlier),
            String::from_utf8_lossy(&later)
        );
        let text = String::from_utf8(earlier.clone()).unwrap();
        assert!(
            text.starts_with(
                "<</ID (node00000002)>> <</ID (node00000001)>> /Headers [(node00000001)] \
                 /Headers [(node00000003)] /Names [(node00000001) 1 0 R (node00000002) 2 0 R \
                 (node00000003) 3 0 R]"
            ),
            "{text}"
        );
        // Not ids: escaped parentheses inside a string, other lengths, an unclosed one.
        assert!(
            text.ends_with("(text \\(node00000209\\)) (node123) (node00000209"),
            "{text}"
        );
        assert!(
            !renumber_node_ids(&mut earlier),
            "a second pass changes nothing"
        );
    }

    #[test]
    fn dates_are_fixed_and_offsets_kept() {
        let mut pdf = b"%PDF-1.4 /CreationDate (D:20261123182607+00'00') /ModDate (D:20261123182607+00'00')>> end".to_vec();
        let len = pdf.len();
        assert!(without_dates(&mut pdf));
        assert_eq!(pdf.len(), len);
        let text = String::from_utf8(pdf.clone()).unwrap();
        assert!(
            text.contains("/CreationDate (D:20000101000000+00'00')"),
            "{text}"
        );
        assert!(
            text.contains("/ModDate (D:20000101000000+00'00')"),
            "{text}"
        );
        assert!(!without_dates(&mut pdf), "a second pass changes nothing");
    }

    /// Chromium, or `None` (and a notice) to skip; `TENET_REQUIRE_BROWSER=1` makes it required.
    fn chromium_or_skip() -> Option<PathBuf> {
        let found = find_chromium();
        if found.is_none() {
            assert!(
                std::env::var_os("TENET_REQUIRE_BROWSER").is_none(),
                "Chromium is required (TENET_REQUIRE_BROWSER=1) but was not found"
            );
            eprintln!("skipped: Chromium not found");
        }
        found
    }

    #[test]
    fn a_page_that_cannot_be_printed_is_named_and_the_others_print() {
        if chromium_or_skip().is_none() {
            return;
        }
        // A folder whose name a URL would misread unless encoded.
        let dir = tempfile::Builder::new()
            .prefix("tenet pdf #1 100%")
            .tempdir()
            .unwrap();
        let page = |title: &str| {
            format!(
                "<!doctype html><title>{title}</title><style>@page {{ size: A5 }}</style>\
                 <h1>{title}</h1>"
            )
        };
        let mut printables = Vec::new();
        for i in 0..6 {
            std::fs::write(
                dir.path().join(format!("{i}.html")),
                page(&format!("Page {i}")),
            )
            .unwrap();
            printables.push(Printable {
                html: format!("{i}.html"),
                pdf: format!("pdf/nested/{i}.pdf"),
            });
        }
        std::fs::remove_file(dir.path().join("3.html")).unwrap();
        let problems = print_all(dir.path(), &printables).unwrap_err();
        assert_eq!(problems.len(), 1, "{problems:?}");
        let said = problems[0].to_string();
        assert!(said.contains("3.html"), "{said}");
        assert!(said.contains("ERR_FILE_NOT_FOUND"), "{said}");
        for i in [0, 1, 2, 4, 5] {
            let pdf = std::fs::read(dir.path().join(format!("pdf/nested/{i}.pdf"))).unwrap();
            assert!(pdf.starts_with(b"%PDF-"), "{i}.pdf");
            let text = String::from_utf8_lossy(&pdf);
            assert!(text.contains("/CreationDate(D:20000101000000"), "{i}.pdf");
            // A5 portrait from the page's own `@page`: 420 x 595 points.
            let size: Vec<f64> = text
                .split("/MediaBox[0 0 ")
                .nth(1)
                .and_then(|rest| rest.split(']').next())
                .map(|size| size.split(' ').filter_map(|n| n.parse().ok()).collect())
                .unwrap_or_default();
            assert!(
                matches!(size[..], [w, h] if (w - 420.0).abs() < 2.0 && (h - 595.0).abs() < 2.0),
                "{i}.pdf is A5: {size:?}"
            );
        }
        assert!(!dir.path().join("pdf/nested/3.pdf").exists());

        let none: &[Printable] = &[];
        assert_eq!(print_all(dir.path(), none), Ok(Vec::new()));
    }
}
