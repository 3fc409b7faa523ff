//! PDF output: the printable pages a build wrote (each lesson's handout, the whole handbook)
//! printed by headless Chromium (Debian's `chromium` package) into `OUT/pdf/`. The build itself
//! never needs Chromium; `tenet pdf` and `tenet build --pdf` do, and say how to get it.

use std::path::{Path, PathBuf};
use std::process::Command;

use rayon::prelude::*;

use crate::diagnostics::Diagnostic;

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
/// problem met (Chromium missing, a page it could not print).
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
            ),
        ]);
    };
    let out = std::path::absolute(out).unwrap_or_else(|_| out.to_path_buf());
    let results: Vec<Result<PathBuf, Diagnostic>> = printables
        .par_iter()
        .enumerate()
        .map(|(i, p)| print_one(&chromium, &out, p, i))
        .collect();
    let (written, problems): (Vec<_>, Vec<_>) = results.into_iter().partition(Result::is_ok);
    if problems.is_empty() {
        Ok(written.into_iter().flatten().collect())
    } else {
        Err(problems.into_iter().filter_map(Result::err).collect())
    }
}

fn print_one(chromium: &Path, out: &Path, p: &Printable, n: usize) -> Result<PathBuf, Diagnostic> {
    let html = out.join(&p.html);
    let pdf = out.join(&p.pdf);
    let fail = |message: String| Diagnostic::error(p.html.as_str(), message);
    if let Some(dir) = pdf.parent() {
        std::fs::create_dir_all(dir)
            .map_err(|e| fail(format!("cannot create {}: {e}", dir.display())))?;
    }
    // A profile of its own for each run, removed afterwards.
    let profile = std::env::temp_dir().join(format!("tenet-pdf-{}-{n}", std::process::id()));
    let url = format!("file://{}", html.display());
    let run = Command::new(chromium)
        .args(CHROMIUM_FLAGS)
        .arg("--no-pdf-header-footer")
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg(format!("--print-to-pdf={}", pdf.display()))
        .arg(&url)
        .output();
    let _ = std::fs::remove_dir_all(&profile);
    let run = run.map_err(|e| fail(format!("cannot run {}: {e}", chromium.display())))?;
    let mut bytes = std::fs::read(&pdf).map_err(|_| {
        let said = String::from_utf8_lossy(&run.stderr);
        let last = said
            .lines()
            .rev()
            .find(|l| !l.trim().is_empty())
            .unwrap_or("");
        fail(format!(
            "Chromium printed no PDF (exit {}): {last}",
            run.status
        ))
    })?;
    if without_dates(&mut bytes) {
        std::fs::write(&pdf, &bytes)
            .map_err(|e| fail(format!("cannot write {}: {e}", pdf.display())))?;
    }
    Ok(pdf)
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

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
