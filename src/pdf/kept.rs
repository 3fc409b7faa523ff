//! What a build does with the PDFs in the output folder it replaces: `tenet pdf` records, in
//! [`MANIFEST`] beside the PDFs, a hash of the page each PDF was printed from; a later build
//! that makes that page again with the same bytes carries the PDF over into its new output
//! folder (it would print the same), and says how many PDFs it left out because their pages
//! changed (or were not made any more, or were not recorded).
//!
//! The manifest is one line per PDF: `HASH<TAB>PDF<TAB>HTML`, the paths relative to the
//! output folder, the hash FNV-1a (64 bits, hex) of the page's bytes.

use std::path::{Path, PathBuf};

use super::Printable;
use crate::diagnostics::Diagnostic;
use crate::output::Staging;

/// The manifest, relative to the output folder.
pub const MANIFEST: &str = "pdf/.tenet-pdfs";

/// FNV-1a (64 bits) of a page's bytes, in hex.
fn hash(bytes: &[u8]) -> String {
    crate::fnv::hex(bytes.iter().copied())
}

/// One line of the manifest.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Entry {
    hash: String,
    pdf: String,
    html: String,
}

fn parse(text: &str) -> Vec<Entry> {
    text.lines()
        .filter_map(|line| {
            let mut fields = line.split('\t');
            let (hash, pdf, html) = (fields.next()?, fields.next()?, fields.next()?);
            Some(Entry {
                hash: hash.to_string(),
                pdf: pdf.to_string(),
                html: html.to_string(),
            })
        })
        .collect()
}

fn render(entries: &[Entry]) -> String {
    entries
        .iter()
        .map(|e| format!("{}\t{}\t{}\n", e.hash, e.pdf, e.html))
        .collect()
}

/// After printing into `out`: records every PDF written (of `printables`) with the hash of its
/// page as it is in `out` now.
pub fn record(out: &Path, printables: &[Printable], written: &[PathBuf]) -> std::io::Result<()> {
    let entries: Vec<Entry> = printables
        .iter()
        .filter(|p| written.iter().any(|w| w.ends_with(&p.pdf)))
        .filter_map(|p| {
            let page = std::fs::read(out.join(&p.html)).ok()?;
            Some(Entry {
                hash: hash(&page),
                pdf: p.pdf.clone(),
                html: p.html.clone(),
            })
        })
        .collect();
    let manifest = out.join(MANIFEST);
    if let Some(dir) = manifest.parent() {
        std::fs::create_dir_all(dir)?;
    }
    std::fs::write(manifest, render(&entries))
}

/// What a build did with the previous output's PDFs.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Carried {
    /// PDFs carried over, their pages unchanged.
    pub kept: usize,
    /// PDFs of the previous output left out (relative paths, sorted).
    pub removed: Vec<String>,
}

impl Carried {
    /// The warning for the PDFs left out, when there are any.
    pub fn warning(&self, out: &Path) -> Option<Diagnostic> {
        let n = self.removed.len();
        if n == 0 {
            return None;
        }
        let (s, their, were) = if n == 1 {
            ("", "its page", "was")
        } else {
            ("s", "their pages", "were")
        };
        let first = &self.removed[0];
        let more = if n > 1 {
            format!(" and {} more", n - 1)
        } else {
            String::new()
        };
        Some(
            Diagnostic::warning(
                out.join("pdf"),
                format!(
                    "{n} PDF{s} of the previous output {were} removed as out of date \
                     ({their} changed since `tenet pdf` printed them): {first}{more}"
                ),
            )
            .help(
                "run `tenet pdf` (or `tenet build --pdf`) to print them again, or set \
                 `[print] pdf = true` in book.toml to print them with every build",
            )
            .code("pdf-removed"),
        )
    }
}

/// Carries the PDFs of the output folder `staging` replaces into it when the page each was
/// printed from is among `printables` and was written with the same bytes, with a manifest of
/// those; tells which PDFs it left out. Nothing is read or written outside the two folders.
pub fn carry_over(staging: &Staging, printables: &[Printable]) -> Result<Carried, String> {
    let target = staging.target().to_path_buf();
    let mut carried = Carried::default();
    if !target.join(crate::output::MARKER).is_file() {
        return Ok(carried);
    }
    let entries = match std::fs::read_to_string(target.join(MANIFEST)) {
        Ok(text) => parse(&text),
        Err(_) => Vec::new(),
    };
    let mut kept = Vec::new();
    for entry in entries {
        let made = printables
            .iter()
            .any(|p| p.pdf == entry.pdf && p.html == entry.html);
        let same = made
            && staging
                .staged(&entry.html)
                .and_then(|page| std::fs::read(page).ok())
                .is_some_and(|page| hash(&page) == entry.hash);
        let pdf = target.join(&entry.pdf);
        if same && pdf.is_file() && !kept.iter().any(|k: &Entry| k.pdf == entry.pdf) {
            staging.copy(&entry.pdf, &pdf)?;
            kept.push(entry);
        }
    }
    // Every PDF the previous output held under a `pdf/` folder of the site (or of one of its
    // languages) and not carried over.
    let mut folders: Vec<&str> = printables
        .iter()
        .filter_map(|p| p.pdf.find("pdf/").map(|at| &p.pdf[..at + 4]))
        .chain(["pdf/"])
        .collect();
    folders.sort_unstable();
    folders.dedup();
    for folder in folders {
        for file in walkdir::WalkDir::new(target.join(folder))
            .into_iter()
            .filter_map(Result::ok)
            .filter(|f| f.file_type().is_file())
        {
            let Ok(rel) = file.path().strip_prefix(&target) else {
                continue;
            };
            let rel = rel.to_string_lossy().replace('\\', "/");
            if rel.ends_with(".pdf") && !kept.iter().any(|k| k.pdf == rel) {
                carried.removed.push(rel);
            }
        }
    }
    carried.removed.sort_unstable();
    carried.removed.dedup();
    carried.kept = kept.len();
    if !kept.is_empty() {
        staging.write(MANIFEST, render(&kept).as_bytes())?;
    }
    Ok(carried)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn printable(name: &str) -> Printable {
        Printable {
            html: format!("{name}/index.html"),
            pdf: format!("pdf/{name}.pdf"),
        }
    }

    #[test]
    fn unchanged_pages_keep_their_pdfs_and_the_others_are_told() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("site");
        let printables = [printable("a"), printable("b"), printable("c")];
        // A first build and its PDFs.
        let staging = Staging::new(&out).unwrap();
        for p in &printables {
            staging.write(&p.html, p.html.as_bytes()).unwrap();
        }
        staging.commit().unwrap();
        let mut written = Vec::new();
        for p in &printables {
            let pdf = out.join(&p.pdf);
            std::fs::create_dir_all(pdf.parent().unwrap()).unwrap();
            std::fs::write(&pdf, format!("%PDF- of {}", p.html)).unwrap();
            written.push(pdf);
        }
        std::fs::write(out.join("pdf/by-hand.pdf"), "%PDF-").unwrap();
        record(&out, &printables, &written).unwrap();

        // The next build: a unchanged, b changed, c no longer made.
        let staging = Staging::new(&out).unwrap();
        staging.write("a/index.html", b"a/index.html").unwrap();
        staging.write("b/index.html", b"changed").unwrap();
        let carried = carry_over(&staging, &printables[..2]).unwrap();
        assert_eq!(carried.kept, 1);
        assert_eq!(
            carried.removed,
            ["pdf/b.pdf", "pdf/by-hand.pdf", "pdf/c.pdf"]
        );
        let warning = carried.warning(&out).unwrap();
        assert_eq!(warning.code, "pdf-removed");
        assert_eq!(warning.severity, crate::diagnostics::Severity::Warning);
        let warning = warning.to_string();
        assert!(warning.contains("3 PDFs"), "{warning}");
        assert!(warning.contains("tenet pdf"), "{warning}");
        assert!(warning.contains("[print] pdf = true"), "{warning}");
        staging.commit().unwrap();
        assert_eq!(
            std::fs::read_to_string(out.join("pdf/a.pdf")).unwrap(),
            "%PDF- of a/index.html"
        );
        assert!(!out.join("pdf/b.pdf").exists());
        let manifest = std::fs::read_to_string(out.join(MANIFEST)).unwrap();
        assert_eq!(manifest.lines().count(), 1, "{manifest}");
        assert!(manifest.contains("\tpdf/a.pdf\ta/index.html"), "{manifest}");

        // Nothing more to carry or tell once they are gone.
        let staging = Staging::new(&out).unwrap();
        staging.write("a/index.html", b"a/index.html").unwrap();
        let carried = carry_over(&staging, &printables[..1]).unwrap();
        assert_eq!((carried.kept, carried.removed.len()), (1, 0));
        assert!(carried.warning(&out).is_none());
    }

    #[test]
    fn the_manifest_reads_what_it_writes_and_skips_broken_lines() {
        let entries = vec![Entry {
            hash: hash(b"x"),
            pdf: "pdf/a.pdf".into(),
            html: "a/index.html".into(),
        }];
        let text = render(&entries) + "broken line\n";
        assert_eq!(parse(&text), entries);
        assert_eq!(hash(b""), "cbf29ce484222325");
    }
}
