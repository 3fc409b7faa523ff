//! Hostile and odd input: every case ends with a clear outcome (exit 0 with warnings, or exit 1
//! with errors naming file, line and column), never a crash or a hang.
//!
//! Each case is a folder of `tests/cases/bad-input/`: what it holds of a handbook (a
//! `book.toml`, `content/`, `templates/`), made complete by what its generator below adds
//! (inputs too large to keep in the repository, symbolic links), and `expected.stderr`: every
//! diagnostic of a `tenet check` of it, as the text form prints them, paths from the handbook.
//! `TENET_BLESS=1` writes what a run finds into `expected.stderr` (to review, then commit).
//! A folder that no case below names fails the test.

use std::fs;
use std::path::Path;
use std::time::Duration;

use crate::common::{case_dir, cases_root, copy_case};

/// A case: its name (`bad-input/<folder>`, see `common::case_dir`), and what to add to a copy
/// of its folder before checking it.
struct Case {
    name: &'static str,
    make: fn(&Path),
}

fn write(root: &Path, rel: &str, text: &str) {
    let path = root.join(rel);
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, text).unwrap();
}

fn page(title: &str, body: &str) -> String {
    format!("+++\ntitle = \"{title}\"\n+++\n\n{body}\n")
}

const CASES: &[Case] = &[
    Case {
        name: "bad-input/deep-quotes",
        make: |root| {
            write(
                root,
                "content/quotes.md",
                &page("Quotes", &format!("{} deep", ">".repeat(20_000))),
            )
        },
    },
    Case {
        name: "bad-input/deep-list",
        make: |root| {
            let list: String = (0..3000)
                .map(|i| format!("{}- item\n", "  ".repeat(i)))
                .collect();
            write(root, "content/list.md", &page("List", &list));
        },
    },
    Case {
        name: "bad-input/deep-raw-html",
        make: |root| {
            let html = format!("{}deep{}", "<div>".repeat(20_000), "</div>".repeat(20_000));
            write(root, "content/raw.md", &page("Raw", &html));
        },
    },
    Case {
        name: "bad-input/deep-blocks",
        make: |root| {
            let mut body = String::new();
            for i in 0..2000 {
                body.push_str(&format!("{} trainer-tip\n", ":".repeat(3 + i)));
            }
            body.push_str("deep\n");
            for i in (0..2000).rev() {
                body.push_str(&format!("{}\n", ":".repeat(3 + i)));
            }
            write(root, "content/blocks.md", &page("Blocks", &body));
        },
    },
    Case {
        name: "bad-input/deep-front-matter",
        make: |root| {
            let deep = format!("{}{}", "[".repeat(20_000), "]".repeat(20_000));
            write(
                root,
                "content/toml.md",
                &format!("+++\ntitle = \"T\"\ntags = {deep}\n+++\n\nx\n"),
            );
            write(
                root,
                "content/yaml.md",
                &format!("---\ntitle: Y\ntags: {deep}\n---\n\nx\n"),
            );
        },
    },
    Case {
        name: "bad-input/deep-config",
        make: |root| {
            let deep = format!("{}{}", "[".repeat(20_000), "]".repeat(20_000));
            write(
                root,
                "book.toml",
                &format!("[book]\ntitle = \"Deep\"\nx = {deep}\n"),
            );
        },
    },
    Case {
        name: "bad-input/many-references",
        make: |root| {
            write(
                root,
                "content/refs.md",
                &page("Refs", &vec!["[[consent]]"; 100_000].join(" ")),
            )
        },
    },
    Case {
        name: "bad-input/huge-page",
        make: |root| {
            // 5 MB here (the tests run unoptimised); 50 MB was measured by hand (HARDENING.md).
            let line =
                "Consent of the parties is the first principle of peacekeeping, [[consent]].\n\n";
            let mut body = String::with_capacity(5_100_000);
            let mut n = 0;
            while body.len() < 5_000_000 {
                if n % 50 == 0 {
                    body.push_str(&format!("## Part {n}\n\n"));
                }
                body.push_str(line);
                n += 1;
            }
            write(root, "content/huge.md", &page("Huge", &body));
        },
    },
    Case {
        name: "bad-input/odd-files",
        make: |root| {
            fs::write(
                root.join("content/nul.md"),
                "+++\ntitle = \"Nul\"\n+++\n\na\0b\n",
            )
            .unwrap();
            fs::write(
                root.join("content/latin1.md"),
                b"+++\ntitle = \"L\"\n+++\n\ncaf\xe9\n",
            )
            .unwrap();
        },
    },
    Case {
        name: "bad-input/symlinks",
        make: |root| {
            #[cfg(unix)]
            {
                let content = root.join("content");
                fs::create_dir_all(content.join("loop")).unwrap();
                std::os::unix::fs::symlink("..", content.join("loop/up")).unwrap();
                let outside = root.parent().unwrap().join("outside");
                fs::create_dir_all(&outside).unwrap();
                fs::write(
                    outside.join("secret.md"),
                    page("Secret", "Not the handbook's."),
                )
                .unwrap();
                std::os::unix::fs::symlink(&outside, content.join("elsewhere")).unwrap();
                std::os::unix::fs::symlink(outside.join("secret.md"), content.join("secret.md"))
                    .unwrap();
                std::os::unix::fs::symlink("nowhere.md", content.join("broken.md")).unwrap();
            }
        },
    },
    Case {
        name: "bad-input/bad-ids",
        make: |_| {},
    },
    Case {
        name: "bad-input/reference-cycles",
        make: |_| {},
    },
    Case {
        name: "bad-input/template-recursion",
        make: |_| {},
    },
    Case {
        name: "bad-input/template-include-cycle",
        make: |_| {},
    },
    Case {
        name: "bad-input/template-error",
        make: |_| {},
    },
];

/// Checks a copy of the case in a thread that must end within `limit` (a hang is a failure);
/// returns the diagnostics as text, paths from the handbook.
fn run(case: &Case, limit: Duration) -> (String, bool) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("handbook");
    copy_case(case.name, &root);
    fs::remove_file(root.join("expected.stderr")).ok();
    (case.make)(&root);
    let (send, receive) = std::sync::mpsc::channel();
    let checked = root.clone();
    std::thread::spawn(move || {
        let report = tenet::check(&checked);
        let _ = send.send(report);
    });
    let report = receive
        .recv_timeout(limit)
        .unwrap_or_else(|_| panic!("{}: no end after {limit:?}", case.name));
    let prefix = format!("{}/", root.display());
    let text: String = report
        .diagnostics
        .iter()
        .filter(|d| d.code != "relative-base-url")
        .map(|d| format!("{}\n", d.to_string().replace(&prefix, "")))
        .collect();
    (text, report.has_errors())
}

#[test]
fn every_bad_input_ends_with_a_clear_report() {
    let bless = std::env::var_os("TENET_BLESS").is_some();
    let mut failed = Vec::new();
    for case in CASES {
        let (found, _) = run(case, Duration::from_secs(120));
        let expected_path = case_dir(case.name).join("expected.stderr");
        if bless {
            fs::write(&expected_path, &found).unwrap();
            continue;
        }
        let expected = fs::read_to_string(&expected_path)
            .unwrap_or_else(|e| panic!("{}: {e}", expected_path.display()));
        if found != expected {
            failed.push(format!(
                "== {}\n-- expected\n{expected}-- found\n{found}",
                case.name
            ));
        }
    }
    assert!(failed.is_empty(), "{}", failed.join("\n"));
}

#[test]
fn every_case_folder_is_a_case() {
    let named: Vec<&str> = CASES.iter().map(|c| c.name).collect();
    for entry in fs::read_dir(cases_root().join("bad-input")).unwrap() {
        let name = format!("bad-input/{}", entry.unwrap().file_name().to_string_lossy());
        assert!(
            named.contains(&name.as_str()),
            "tests/cases/{name} is not a case of the bad_input tests"
        );
    }
}
