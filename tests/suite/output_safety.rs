//! The build never deletes or overwrites what it did not make, and never writes outside the
//! output folder.

use crate::common::*;

#[test]
fn a_folder_tenet_did_not_make_is_refused_and_kept() {
    let h = Handbook::case("build/mini");
    let theirs = h.root().join("site");
    std::fs::create_dir_all(&theirs).unwrap();
    std::fs::write(theirs.join("thesis.docx"), "years of work").unwrap();
    let report = h.build();
    let errors = errors(&report, h.root());
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(
        errors[0].contains("holds files that tenet did not write"),
        "{errors:?}"
    );
    assert_eq!(
        std::fs::read_to_string(theirs.join("thesis.docx")).unwrap(),
        "years of work"
    );
    assert_eq!(files(&theirs), ["thesis.docx"]);
}

#[test]
fn the_handbook_itself_or_a_parent_is_never_an_output() {
    let h = Handbook::case("build/mini");
    for out in [
        h.root().to_path_buf(),
        h.root().parent().unwrap().to_path_buf(),
        h.root().join("content/site"),
    ] {
        let report = tenet::build(h.root(), Some(out.clone()));
        assert!(report.has_errors(), "{out:?} accepted");
        assert!(h.root().join("content/_index.md").exists());
    }
}

#[test]
fn a_second_build_replaces_its_own_output_and_removes_stale_pages() {
    let h = Handbook::case("build/mini");
    h.build_ok();
    assert!(h.site().join("glossary/ceasefire/index.html").exists());
    std::fs::remove_file(h.root().join("content/glossary/ceasefire.md")).unwrap();
    std::fs::write(
        h.root().join("content/case-studies/ceasefire.md"),
        "+++\ntitle = \"Monitoring a ceasefire line\"\nkind = \"case-study\"\n+++\n",
    )
    .unwrap();
    h.build_ok();
    assert!(!h.site().join("glossary/ceasefire/index.html").exists());
    assert!(h.site().join(tenet::output::MARKER).exists());
    // --out elsewhere works too, and the marker makes it replaceable next time.
    let elsewhere = tempfile::tempdir().unwrap();
    let out = elsewhere.path().join("public");
    assert!(!tenet::build(h.root(), Some(out.clone())).has_errors());
    assert!(!tenet::build(h.root(), Some(out.clone())).has_errors());
    assert!(out.join("index.html").exists());
}

#[test]
fn content_assets_are_copied_and_symlinks_out_of_the_handbook_are_skipped() {
    let h = Handbook::case("build/mini");
    h.write_bytes("content/principles/map.png", b"\x89PNG fake");
    h.write(
        "content/principles/consent.md",
        "+++\ntitle = \"Consent\"\nkind = \"principle\"\n+++\n\n![Map](map.png)\n",
    );
    let outside = tempfile::tempdir().unwrap();
    #[cfg(unix)]
    {
        std::fs::write(
            outside.path().join("secret.md"),
            "+++\ntitle = \"Secret\"\n+++\n",
        )
        .unwrap();
        std::os::unix::fs::symlink(
            outside.path().join("secret.md"),
            h.root().join("content/secret.md"),
        )
        .unwrap();
    }
    #[cfg(unix)]
    std::os::unix::fs::symlink(
        outside.path().join("gone.md"),
        h.root().join("content/dangling.md"),
    )
    .unwrap();
    let report = h.build_ok();
    assert_eq!(
        std::fs::read(h.site().join("principles/map.png")).unwrap(),
        b"\x89PNG fake"
    );
    assert!(
        h.read("principles/consent/index.html")
            .contains("src=\"../../principles/map.png\"")
    );
    #[cfg(unix)]
    {
        assert!(!h.site().join("secret").exists());
        assert!(
            messages(&report)
                .iter()
                .any(|m| m.contains("symbolic link that points outside"))
        );
        assert!(
            messages(&report)
                .iter()
                .any(|m| m.contains("skipped a broken symbolic link"))
        );
    }
    let _ = report;
}

/// Every file of a folder (its path inside it, and a hash of its bytes).
fn snapshot(dir: &std::path::Path) -> std::collections::BTreeMap<String, u64> {
    use std::hash::{Hash, Hasher};
    let mut files = std::collections::BTreeMap::new();
    for entry in walkdir::WalkDir::new(dir) {
        let entry = entry.unwrap();
        if entry.file_type().is_file() {
            let mut h = std::collections::hash_map::DefaultHasher::new();
            std::fs::read(entry.path()).unwrap().hash(&mut h);
            let rel = entry.path().strip_prefix(dir).unwrap();
            files.insert(rel.to_string_lossy().into_owned(), h.finish());
        }
    }
    files
}

/// What a build leaves beside the output folder (its temporary folders), by name.
fn beside(root: &std::path::Path) -> Vec<String> {
    std::fs::read_dir(root)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".site.tenet-"))
        .collect()
}

#[test]
fn a_build_killed_at_any_moment_leaves_a_whole_site_and_no_litter() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("handbook");
    copy_sample(&root);
    let tenet = env!("CARGO_BIN_EXE_tenet");
    let build = |out: Option<&std::path::Path>| {
        let mut command = std::process::Command::new(tenet);
        command.arg("build").arg(&root).arg("--quiet");
        if let Some(out) = out {
            command.arg("--out").arg(out);
        }
        command
    };
    assert!(build(None).status().unwrap().success());
    let earlier = snapshot(&root.join("site"));
    // An edit, and what a whole build makes of it (elsewhere), timed.
    let page = root.join("content/_index.md");
    let text = std::fs::read_to_string(&page).unwrap();
    std::fs::write(&page, format!("{text}\nA sentence added.\n")).unwrap();
    let started = std::time::Instant::now();
    assert!(
        build(Some(&dir.path().join("reference")))
            .status()
            .unwrap()
            .success()
    );
    let takes = started.elapsed();
    let newer = snapshot(&dir.path().join("reference"));
    assert_ne!(earlier, newer);
    // Killed (SIGKILL) at moments spread over a whole build: the folder always holds one
    // whole site, the earlier or the new.
    let kills = 12;
    for i in 0..kills {
        let mut child = build(None).spawn().unwrap();
        std::thread::sleep(takes * i / kills + std::time::Duration::from_millis(3 * i as u64));
        let _ = child.kill();
        child.wait().unwrap();
        let now = snapshot(&root.join("site"));
        assert!(
            now == earlier || now == newer,
            "killed after {:?} of {takes:?}: the output folder holds neither site ({} files)",
            takes * i / kills,
            now.len()
        );
    }
    // The next build cleans up whatever the killed ones left.
    assert!(build(None).status().unwrap().success());
    assert_eq!(snapshot(&root.join("site")), newer);
    assert_eq!(beside(&root), Vec::<String>::new());
}
