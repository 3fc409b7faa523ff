//! Incremental builds equal clean ones: a session that builds again after each edit (as
//! `tenet serve` does) leaves its output folder byte for byte the same as a clean `build` of
//! the same sources, for every kind of edit, and writes only what the edit changed.

use std::fs;
use std::path::{Path, PathBuf};

use crate::common;
use crate::common::{copy_sample, files, messages};
use tenet::{Options, Report, Session};

/// A handbook being edited, built incrementally into `inc/` and cleanly into `clean/`.
struct Twin {
    dir: tempfile::TempDir,
    /// The handbook built (a sub-folder of `dir`).
    root: PathBuf,
    session: Session,
    /// The files the last step moved into place early, in the order they went.
    shown: Vec<Vec<String>>,
    /// Whether each build is told which files changed, as serve's watcher tells it.
    told: bool,
    /// The files changed since the last build.
    touched: Vec<PathBuf>,
}

impl Twin {
    /// The repository's sample handbook, copied, as an author would have it.
    fn sample() -> Twin {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("handbook");
        copy_sample(&root);
        Twin::at(dir, root)
    }

    fn at(dir: tempfile::TempDir, root: PathBuf) -> Twin {
        // Sources last changed an hour ago, as an author's are: unchanged files are then known
        // by their size and time alone and not read again; edited ones are.
        let past = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
        for entry in walkdir::WalkDir::new(dir.path()) {
            let entry = entry.unwrap();
            if entry.file_type().is_file() {
                let file = fs::File::options().write(true).open(entry.path()).unwrap();
                file.set_modified(past).unwrap();
            }
        }
        let session = Session::incremental(Options {
            root: root.clone(),
            out: Some(dir.path().join("inc")),
            write: true,
        });
        let mut twin = Twin {
            dir,
            root,
            session,
            shown: Vec::new(),
            told: false,
            touched: Vec::new(),
        };
        let first = twin.step("the first build");
        assert!(first.changed.contains(&"index.html".to_string()));
        twin
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.root.join(rel)
    }

    fn read(&self, rel: &str) -> String {
        fs::read_to_string(self.path(rel)).unwrap()
    }

    fn write(&mut self, rel: &str, text: &str) {
        let path = self.path(rel);
        if !path.parent().unwrap().is_dir() {
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            self.touched.push(path.parent().unwrap().to_path_buf());
        }
        fs::write(&path, text).unwrap();
        self.touched.push(path);
    }

    fn rename(&mut self, from: &str, to: &str) {
        fs::rename(self.path(from), self.path(to)).unwrap();
        self.touched.extend([self.path(from), self.path(to)]);
    }

    fn remove(&mut self, rel: &str) {
        fs::remove_file(self.path(rel)).unwrap();
        self.touched.push(self.path(rel));
    }

    /// Replaces the one occurrence of `old` in a source file.
    fn edit(&mut self, rel: &str, old: &str, new: &str) {
        let text = self.read(rel);
        assert_eq!(text.matches(old).count(), 1, "{rel} has `{old}` once");
        self.write(rel, &text.replacen(old, new, 1));
    }

    /// Builds again after an edit, then cleanly, and compares the two output folders.
    fn step(&mut self, what: &str) -> Report {
        // As serve builds: the pages are moved into place first, then the rest.
        let inc = self.dir.path().join("inc");
        // Some pages are open in a browser, so are made first (a page, a generated index, a
        // handout, the search page, pages of other languages, a page that is not there).
        let open: Vec<String> = [
            "principles/consent/index.html",
            "lessons/module-1/1.3-principles/handout/index.html",
            "glossary/index.html",
            "search/index.html",
            "404.html",
            "fr/principles/consent/index.html",
            "principles/nowhere/index.html",
        ]
        .map(String::from)
        .to_vec();
        // Told what changed, as serve's watcher tells it (or not: the build finds out).
        let touched = std::mem::take(&mut self.touched);
        if self.told {
            self.session.notice(touched);
        }
        let shown = std::sync::Mutex::new(Vec::new());
        let report = self.session.build_showing(Some(&tenet::render::Showing {
            open: &open,
            done: &|moved: Vec<String>| {
                for rel in &moved {
                    assert!(inc.join(rel).is_file(), "{rel} is in place when told");
                }
                shown.lock().unwrap().push(moved);
            },
        }));
        let shown = shown.into_inner().unwrap();
        // The open pages come first: changed ones are moved into place before any other page.
        let mut first = true;
        for batch in &shown {
            let pages: Vec<&String> = batch.iter().filter(|f| f.ends_with(".html")).collect();
            if first && pages.iter().any(|p| open.contains(p)) {
                assert!(pages.iter().all(|p| open.contains(p)), "{what}: {shown:?}");
            } else {
                assert!(!pages.iter().any(|p| open.contains(p)), "{what}: {shown:?}");
            }
            first = false;
        }
        self.shown = shown.clone();
        for rel in shown.into_iter().flatten() {
            assert!(report.changed.contains(&rel), "{rel} is among the changes");
        }
        assert!(
            !report.has_errors(),
            "after {what}:\n{}",
            messages(&report).join("\n")
        );
        let clean_dir = self.dir.path().join("clean");
        let clean = tenet::build(&self.root, Some(clean_dir.clone()));
        assert!(!clean.has_errors(), "{}", messages(&clean).join("\n"));
        if let Err(diff) = same_folders(&self.dir.path().join("inc"), &clean_dir) {
            panic!("after {what}, the incremental output differs from a clean build: {diff}");
        }
        report
    }
}

/// Whether two folders hold the same files with the same bytes; else what differs.
fn same_folders(a: &Path, b: &Path) -> Result<(), String> {
    let (fa, fb) = (files(a), files(b));
    let only_a: Vec<&String> = fa.iter().filter(|f| !fb.contains(f)).collect();
    let only_b: Vec<&String> = fb.iter().filter(|f| !fa.contains(f)).collect();
    if !only_a.is_empty() || !only_b.is_empty() {
        return Err(format!(
            "only in the incremental output: {only_a:?}; only in the clean one: {only_b:?}"
        ));
    }
    let differ: Vec<&String> = fa
        .iter()
        .filter(|f| fs::read(a.join(f)).unwrap() != fs::read(b.join(f)).unwrap())
        .collect();
    match differ.is_empty() {
        true => Ok(()),
        false => Err(format!("files with other bytes: {differ:?}")),
    }
}

fn changed(report: &Report, rel: &str) -> bool {
    report.changed.iter().any(|c| c == rel)
}

#[test]
fn every_kind_of_edit_equals_a_clean_build() {
    every_kind_of_edit(false);
}

/// The same, each build told which files changed, as serve's watcher tells it.
#[test]
fn every_kind_of_edit_told_what_changed_equals_a_clean_build() {
    every_kind_of_edit(true);
}

fn every_kind_of_edit(told: bool) {
    let mut t = Twin::sample();
    t.told = told;
    let consent = "content/principles/consent.md";
    let lesson = "content/lessons/module-1/1.3-principles.md";

    // A sentence: the page, its search documents, the index and the print views change;
    // pages that merely link to it do not.
    t.edit(
        consent,
        "sets out the legal framework for the mission's presence.",
        "sets out the legal framework for the mission's presence. Consent is renewed daily.",
    );
    let r = t.step("a sentence");
    assert!(changed(&r, "principles/consent/index.html"));
    // Told what changed, the build looks at that file only; else at every page.
    match told {
        true => assert_eq!(r.sources_checked, 1),
        false => assert!(r.sources_checked > 50, "{}", r.sources_checked),
    }
    // The open page the edit changed is shown on its own, before the rest is made.
    let first: Vec<&String> = t.shown[0].iter().filter(|f| f.ends_with(".html")).collect();
    assert_eq!(first, ["principles/consent/index.html"], "{:?}", t.shown);
    assert!(changed(&r, "print/index.html"));
    assert!(changed(&r, "search/meta.js"));
    assert!(!changed(&r, "glossary/sofa/index.html"), "{:?}", r.changed);
    assert!(!changed(&r, "index.html"), "{:?}", r.changed);
    assert!(
        r.changed.len() < 20,
        "a sentence changes a handful of files: {:?}",
        r.changed
    );
    // Only the pages showing it are made again: the page, the print views, search's page
    // would not be; of 80 pages a handful.
    assert!(
        r.pages_made <= 4,
        "{} of {} pages made",
        r.pages_made,
        r.pages
    );

    // A word found nowhere else, added then removed: the index forgets it again.
    t.edit(
        consent,
        "Consent is renewed daily.",
        "Consent is renewed daily, zanzibarically.",
    );
    t.step("a new word");
    t.edit(
        consent,
        "Consent is renewed daily, zanzibarically.",
        "Consent is renewed daily.",
    );
    t.step("the new word removed");

    // A title: every page naming it (links, backlinks, navigation, the tree) changes.
    t.edit(
        consent,
        "title = \"Consent of the parties\"",
        "title = \"Consent of the main parties\"",
    );
    let r = t.step("a title");
    assert!(changed(&r, "glossary/sofa/index.html"));
    assert!(changed(&r, "assets/tree.js"));
    assert!(changed(&r, "assets/site.js"));

    // A module's title: its lessons (breadcrumbs), the lessons index (grouped by module) and
    // the modules index name it.
    t.edit(
        "content/lessons/module-1/_index.md",
        "title = \"Module 1: Foundations of UN Peacekeeping\"",
        "title = \"Module 1: Foundations\"",
    );
    let r = t.step("a module's title");
    assert!(changed(&r, "lessons/index.html"));
    assert!(changed(&r, "lessons/module-1/1.1-evolution/index.html"));

    // A weight: the principles' order, the navigation and the numbering change.
    t.edit(consent, "weight = 1", "weight = 9");
    t.step("a weight");

    // A reference added, then removed: the target's backlinks follow.
    t.edit(
        consent,
        "Consent is renewed daily.",
        "Consent is renewed daily. See [[glossary/ceasefire]].",
    );
    let r = t.step("a reference added");
    assert!(changed(&r, "glossary/ceasefire/index.html"));
    t.edit(consent, " See [[glossary/ceasefire]].", "");
    t.step("a reference removed");

    // A key message inserted before the others: they are renumbered, and so is every
    // "Key Message N" that links to them.
    let text = t.read(lesson);
    let first = text.find("::: key-message").unwrap();
    let mut edited = text.clone();
    edited.insert_str(
        first,
        "::: key-message\nA new first key message about consent.\n:::\n\n",
    );
    t.write(lesson, &edited);
    let r = t.step("a key message inserted");
    // ch2 links to `#km-consent-withdrawn`, which was Key Message 3 and is now 4.
    assert!(changed(&r, "handbook/ch2-basic-principles/index.html"));

    // A page added, renamed, its id changed, deleted.
    let page = "+++\ntitle = \"Local ownership\"\nkind = \"principle\"\nweight = 7\n+++\n\nOwnership by the people the mission serves. See [[principles/consent]].\n";
    t.write("content/principles/local-ownership.md", page);
    let r = t.step("a page added");
    assert!(changed(&r, "principles/local-ownership/index.html"));
    assert!(
        changed(&r, "principles/consent/index.html"),
        "a new backlink"
    );
    t.rename(
        "content/principles/local-ownership.md",
        "content/principles/ownership.md",
    );
    let r = t.step("a page renamed");
    assert!(
        changed(&r, "principles/local-ownership/index.html"),
        "removed"
    );
    assert!(!t.dir.path().join("inc/principles/local-ownership").exists());
    t.edit(
        "content/principles/ownership.md",
        "weight = 7",
        "weight = 7\nid = \"principles/shared-ownership\"",
    );
    t.step("an id changed");
    t.remove("content/principles/ownership.md");
    t.step("a page deleted");

    // A template of the handbook's own, laid over the theme's, then changed.
    let theme = Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default/templates");
    let term = fs::read_to_string(theme.join("term.html")).unwrap();
    t.write(
        "templates/term.html",
        &term.replacen(
            "</article>",
            "<p class=\"local\">Local note.</p></article>",
            1,
        ),
    );
    let r = t.step("a template added");
    assert!(changed(&r, "glossary/sofa/index.html"));
    assert!(!changed(&r, "principles/consent/index.html"));
    t.write(
        "templates/term.html",
        &term.replacen(
            "</article>",
            "<p class=\"local\">Another note.</p></article>",
            1,
        ),
    );
    t.step("a template changed");

    // A static file, and a file next to the pages.
    t.write("static/files/checklist.txt", "1. Ask for consent.\n");
    t.step("a static file added");
    t.write(
        "static/files/checklist.txt",
        "1. Ask for consent.\n2. Keep it.\n",
    );
    t.step("a static file changed");
    t.write(
        "content/principles/diagram.svg",
        "<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
    );
    t.step("an asset added");
    t.remove("content/principles/diagram.svg");
    t.step("an asset removed");

    // book.toml.
    t.edit(
        "book.toml",
        "title = \"Principles of UN Peacekeeping\"",
        "title = \"Principles of Peacekeeping\"",
    );
    let r = t.step("book.toml");
    assert!(changed(&r, "glossary/sofa/index.html"));
}

#[test]
fn a_build_with_errors_writes_nothing_and_the_next_good_one_catches_up() {
    let mut t = Twin::sample();
    let consent = "content/principles/consent.md";
    let before = fs::read(t.dir.path().join("inc/principles/consent/index.html")).unwrap();
    // A sentence and a broken reference: the build fails and leaves the site as it was.
    t.edit(
        consent,
        "sets out the legal framework for the mission's presence.",
        "sets out the legal framework. See [[principles/no-such-page]].",
    );
    let r = t.session.build();
    assert!(r.has_errors());
    assert!(r.changed.is_empty());
    assert_eq!(
        fs::read(t.dir.path().join("inc/principles/consent/index.html")).unwrap(),
        before
    );
    // Fixed: the sentence that came with the error shows too.
    t.edit(consent, " See [[principles/no-such-page]].", "");
    let r = t.step("the error fixed");
    assert!(changed(&r, "principles/consent/index.html"));
    let page = fs::read_to_string(t.dir.path().join("inc/principles/consent/index.html")).unwrap();
    assert!(page.contains("sets out the legal framework."));
}

#[test]
fn a_base_page_edited_under_an_edition() {
    let dir = common::editions_workspace();
    let fr = dir.path().join("fr");
    let base = dir.path().join("base");
    let mut t = Twin::at(dir, fr);
    // A base page the French edition shows untranslated.
    let page = base.join("content/glossary/sofa.md");
    let text = fs::read_to_string(&page).unwrap();
    let edited = text.replacen("+++\n\n", "+++\n\nA sentence added in the base. ", 1);
    assert_ne!(text, edited);
    fs::write(&page, edited).unwrap();
    let r = t.step("a base page");
    assert!(changed(&r, "glossary/sofa/index.html"), "{:?}", r.changed);
}
