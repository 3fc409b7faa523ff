//! What a build prints as it goes: on a terminal (a pseudo-terminal made with `script`), a
//! progress bar, then one summary line; without one (CI, pipes), no bar and no control
//! characters, only plain lines; `--quiet` prints only problems.

use std::path::Path;
use std::process::Command;

use crate::common;

/// Runs `tenet ARGS` under a pseudo-terminal; returns what it printed (None without `script`).
fn on_a_terminal(args: &str) -> Option<String> {
    let script = Path::new("/usr/bin/script");
    if !script.exists() {
        eprintln!("skipped: no /usr/bin/script to make a pseudo-terminal");
        return None;
    }
    let command = format!("{} {args}", env!("CARGO_BIN_EXE_tenet"));
    let run = Command::new(script)
        .args(["-qec", &command, "/dev/null"])
        // Shown from the start, so that a quick build shows it too.
        .env("TENET_PROGRESS_AFTER_MS", "0")
        .output()
        .unwrap();
    assert!(run.status.success(), "{run:?}");
    Some(String::from_utf8_lossy(&run.stdout).into_owned())
}

#[test]
fn a_terminal_sees_a_progress_bar_then_one_summary_line() {
    let dir = tempfile::tempdir().unwrap();
    common::copy_sample(&dir.path().join("hb"));
    let out = dir.path().join("out");
    let Some(printed) = on_a_terminal(&format!(
        "build {} --out {}",
        dir.path().join("hb").display(),
        out.display()
    )) else {
        return;
    };
    // The bar redraws itself in place: the stage, a bar and the files made of all.
    assert!(printed.contains("\u{1b}[2K"), "{printed:?}");
    assert!(printed.contains("rendering"), "{printed:?}");
    assert!(printed.contains("files, "), "{printed:?}");
    // It is cleared at the end, which is one summary line.
    let last = printed
        .trim_end()
        .rsplit(['\n', '\r'])
        .next()
        .unwrap()
        .trim_start_matches("\u{1b}[2K");
    assert!(
        last.starts_with("built ") && last.ends_with("no warnings"),
        "{last:?}"
    );
    // --quiet: nothing but problems (there are none).
    let quiet = on_a_terminal(&format!(
        "build {} --out {} --quiet",
        dir.path().join("hb").display(),
        out.display()
    ))
    .unwrap();
    assert_eq!(quiet.trim(), "", "{quiet:?}");
}

#[test]
fn without_a_terminal_there_is_no_bar_and_no_control_character() {
    let dir = tempfile::tempdir().unwrap();
    common::copy_sample(&dir.path().join("hb"));
    let run = Command::new(env!("CARGO_BIN_EXE_tenet"))
        .arg("build")
        .arg(dir.path().join("hb"))
        .arg("--out")
        .arg(dir.path().join("out"))
        .env("TENET_PROGRESS_AFTER_MS", "0")
        .output()
        .unwrap();
    assert!(run.status.success(), "{run:?}");
    let printed = String::from_utf8(run.stderr).unwrap();
    assert!(
        !printed.chars().any(|c| c.is_control() && c != '\n'),
        "{printed:?}"
    );
    let lines: Vec<&str> = printed.lines().collect();
    assert_eq!(lines.len(), 1, "{printed:?}");
    assert!(lines[0].starts_with("built ") && lines[0].ends_with(", no warnings"));
}
