//! Reading the EPUBs a build made, and checking them with epubcheck.
//!
//! epubcheck is Debian's `epubcheck` package (`/usr/share/java/epubcheck.jar`, run with
//! `java -jar`; `TENET_EPUBCHECK` names another jar). When it or Java is missing, [`epubcheck`]
//! returns `None` and the tests that need it are skipped with a notice, unless
//! `TENET_REQUIRE_BROWSER=1` (set by `.ci/run`, which installs it) makes that a failure.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};

/// Builds the handbook at `root` with its EPUBs into `out`; fails the test with every message
/// when the build fails. Returns the EPUBs made (relative to `out`, sorted).
pub fn build_epubs(root: &Path, out: &Path) -> Vec<String> {
    let report = tenet::Session::new(tenet::Options {
        root: root.to_path_buf(),
        out: Some(out.to_path_buf()),
        write: true,
    })
    .epub(true)
    .build();
    assert!(
        !report.has_errors(),
        "build failed:\n{}",
        super::messages(&report).join("\n")
    );
    let mut epubs = report.epubs.clone();
    epubs.sort();
    assert!(!epubs.is_empty(), "no EPUB made");
    for epub in &epubs {
        assert!(out.join(epub).is_file(), "{epub} reported but not written");
    }
    epubs
}

/// The entries of an EPUB, by name, in the container's order.
pub fn entries(epub: &Path) -> Vec<(String, Vec<u8>)> {
    let file = std::fs::File::open(epub).unwrap_or_else(|e| panic!("{}: {e}", epub.display()));
    let mut zip = zip::ZipArchive::new(file).unwrap_or_else(|e| panic!("{}: {e}", epub.display()));
    (0..zip.len())
        .map(|i| {
            let mut entry = zip.by_index(i).unwrap();
            let mut data = Vec::new();
            entry.read_to_end(&mut data).unwrap();
            (entry.name().to_string(), data)
        })
        .collect()
}

/// The entries of an EPUB as text, by name.
pub fn texts(epub: &Path) -> BTreeMap<String, String> {
    entries(epub)
        .into_iter()
        .filter_map(|(name, data)| String::from_utf8(data).ok().map(|text| (name, text)))
        .collect()
}

/// How to run epubcheck (`java -jar` and the jar), or `None` (and a notice) to skip.
pub fn epubcheck() -> Option<PathBuf> {
    let jar = std::env::var_os("TENET_EPUBCHECK")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/share/java/epubcheck.jar"));
    let java = std::process::Command::new("java")
        .arg("-version")
        .output()
        .is_ok_and(|o| o.status.success());
    if java && jar.is_file() {
        return Some(jar);
    }
    if std::env::var("TENET_REQUIRE_BROWSER").is_ok_and(|v| v == "1") {
        panic!(
            "epubcheck is required (TENET_REQUIRE_BROWSER=1) but was not found (java: {java}, {})",
            jar.display()
        );
    }
    eprintln!("skipped: epubcheck not found (apt-get install epubcheck, or set TENET_EPUBCHECK)");
    None
}

/// What epubcheck says of `epub` that is not a clean bill: every fatal, error and warning line
/// (empty when there is none).
pub fn epubcheck_problems(jar: &Path, epub: &Path) -> Vec<String> {
    let out = std::process::Command::new("java")
        .arg("-jar")
        .arg(jar)
        .arg(epub)
        .output()
        .unwrap_or_else(|e| panic!("cannot run epubcheck: {e}"));
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let mut problems: Vec<String> = said
        .lines()
        .filter(|l| l.starts_with("FATAL") || l.starts_with("ERROR") || l.starts_with("WARNING"))
        .map(str::to_string)
        .collect();
    if !said.contains("0 fatals / 0 errors / 0 warnings") && problems.is_empty() {
        problems.push(format!("epubcheck did not say it was clean:\n{said}"));
    }
    problems
}
