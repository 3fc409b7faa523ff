//! The case folders: every folder `tests/cases/<feature>/<case>/` (a handbook, or a workspace
//! of handbooks, that a test builds) must be used by a test, so that none is left behind when
//! a test changes or goes.
//!
//! How a case counts as used: the test sources (`tests/suite/**/*.rs`, this file aside) are
//! read, and a case is used when its name, `"<feature>/<case>"`, is written in them as a
//! string literal outside a `//` comment, as the tests name their cases: `Handbook::case(
//! "build/mini")`, `case_dir("editions/fr")`, a table's `name: "bad-input/deep-list"`. Reading
//! the sources, rather than recording which cases tests open as they run, gives the same
//! answer whichever tests a run filters out and however the one test process schedules them;
//! a test that stops naming its case makes this one fail, naming the folder.

use std::fs;
use std::path::Path;

use crate::common::cases_root;

/// The code of every test source but this one, `//` comments left out.
fn test_sources() -> String {
    let suite = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/suite");
    let mut code = String::new();
    for entry in walkdir::WalkDir::new(&suite).sort_by_file_name() {
        let entry = entry.unwrap();
        let path = entry.path();
        if path.extension().is_none_or(|e| e != "rs") || path == suite.join("cases.rs") {
            continue;
        }
        for line in fs::read_to_string(path).unwrap().lines() {
            if !line.trim_start().starts_with("//") {
                code.push_str(line);
                code.push('\n');
            }
        }
    }
    code
}

/// Every case folder, as `<feature>/<case>`.
fn case_folders() -> Vec<String> {
    let mut cases = Vec::new();
    for feature in fs::read_dir(cases_root()).unwrap() {
        let feature = feature.unwrap();
        assert!(
            feature.file_type().unwrap().is_dir(),
            "tests/cases/ holds folders of features only: {}",
            feature.path().display()
        );
        for case in fs::read_dir(feature.path()).unwrap() {
            let case = case.unwrap();
            let name = format!(
                "{}/{}",
                feature.file_name().to_string_lossy(),
                case.file_name().to_string_lossy()
            );
            assert!(
                case.file_type().unwrap().is_dir(),
                "tests/cases/{name} is not a folder: a case is a folder of a feature's"
            );
            cases.push(name);
        }
    }
    cases.sort();
    cases
}

#[test]
fn every_case_folder_is_used_by_a_test() {
    let code = test_sources();
    let cases = case_folders();
    assert!(cases.len() > 10, "{cases:?}");
    let unused: Vec<String> = cases
        .iter()
        .filter(|name| !code.contains(&format!("\"{name}\"")))
        .map(|name| format!("tests/cases/{name}"))
        .collect();
    assert!(
        unused.is_empty(),
        "no test uses these case folders (name them in a test, or remove them): {unused:#?}"
    );
}
