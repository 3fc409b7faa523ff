//! `--format json`: the same diagnostics as the text form, one JSON object per line on stdout,
//! each with its stable code, then one summary object; nothing else on stdout; the same exit
//! codes.

use std::path::Path;
use std::process::Command;

use crate::common::*;
use serde_json::Value;

/// Several errors (with and without a position), a warning (without one).
fn broken() -> Handbook {
    Handbook::case("diagnostics-json/broken")
}

struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

fn tenet(dir: &Path, args: &[&str]) -> Run {
    let out = Command::new(env!("CARGO_BIN_EXE_tenet"))
        .args(args)
        .current_dir(dir)
        .env("TENET_CHROMIUM", dir.join("no-such-chromium"))
        .output()
        .unwrap();
    Run {
        code: out.status.code(),
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
    }
}

/// A diagnostic as both forms can tell it: severity, file, line, column, message, help.
type Shown = (
    String,
    String,
    Option<u64>,
    Option<u64>,
    String,
    Option<String>,
);

/// The diagnostics of the text form (stderr), and its closing line.
fn from_text(stderr: &str) -> (Vec<Shown>, Vec<String>) {
    let mut shown: Vec<Shown> = Vec::new();
    let mut rest = Vec::new();
    for line in stderr.lines() {
        if let Some(help) = line.strip_prefix("  help: ") {
            let last = shown.last_mut().expect("a help line follows a diagnostic");
            assert!(last.5.is_none(), "two help lines: {stderr}");
            last.5 = Some(help.to_string());
            continue;
        }
        let found = ["error", "warning", "note"].iter().find_map(|severity| {
            let (place, message) = line.split_once(&format!(": {severity}: "))?;
            Some((*severity, place, message))
        });
        let Some((severity, place, message)) = found.filter(|(_, place, _)| !place.is_empty())
        else {
            rest.push(line.to_string());
            continue;
        };
        let parts: Vec<&str> = place.rsplitn(3, ':').collect();
        let (file, line, column) = match parts[..] {
            [column, line, file]
                if column.parse::<u64>().is_ok() && line.parse::<u64>().is_ok() =>
            {
                (file, line.parse().ok(), column.parse().ok())
            }
            _ => (place, None, None),
        };
        shown.push((
            severity.to_string(),
            file.to_string(),
            line,
            column,
            message.to_string(),
            None,
        ));
    }
    (shown, rest)
}

/// The diagnostics of the JSON form (stdout), with their codes, and its summary.
fn from_json(stdout: &str) -> (Vec<(Shown, String)>, Value) {
    let values: Vec<Value> = stdout
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}")))
        .collect();
    let (summary, diagnostics) = values.split_last().expect("a summary line");
    assert_eq!(
        summary["summary"], true,
        "the last line is the summary: {stdout}"
    );
    let text = |v: &Value| v.as_str().map(str::to_string);
    let diagnostics = diagnostics
        .iter()
        .map(|d| {
            let keys: Vec<&str> = d.as_object().unwrap().keys().map(String::as_str).collect();
            let mut want = [
                "severity", "file", "line", "column", "message", "help", "code",
            ];
            want.sort_unstable();
            let mut keys = keys.clone();
            keys.sort_unstable();
            assert_eq!(keys, want, "{d}");
            assert!(d.get("summary").is_none(), "one summary, last: {stdout}");
            let code = text(&d["code"]).unwrap_or_default();
            assert!(
                !code.is_empty()
                    && code
                        .chars()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
                "every diagnostic has a kebab-case code: {d}"
            );
            let shown = (
                text(&d["severity"]).unwrap(),
                text(&d["file"]).unwrap(),
                d["line"].as_u64(),
                d["column"].as_u64(),
                text(&d["message"]).unwrap(),
                text(&d["help"]),
            );
            (shown, code)
        })
        .collect();
    (diagnostics, summary.clone())
}

fn count(shown: &[Shown], severity: &str) -> u64 {
    shown.iter().filter(|s| s.0 == severity).count() as u64
}

/// The text and JSON forms of one command tell the same diagnostics.
fn same_in_both(dir: &Path, args: &[&str]) -> (Vec<(Shown, String)>, Value, Run) {
    let text = tenet(dir, args);
    let mut json_args = args.to_vec();
    json_args.extend(["--format", "json"]);
    let json = tenet(dir, &json_args);
    assert_eq!(text.code, json.code, "{}\n{}", text.stderr, json.stderr);
    assert!(text.stdout.is_empty(), "the text form prints to stderr");
    assert!(json.stderr.is_empty(), "{}", json.stderr);
    let (from_text, _) = from_text(&text.stderr);
    let (from_json, summary) = from_json(&json.stdout);
    let json_shown: Vec<Shown> = from_json.iter().map(|(s, _)| s.clone()).collect();
    assert_eq!(
        from_text, json_shown,
        "text:\n{}\njson:\n{}",
        text.stderr, json.stdout
    );
    for (key, severity) in [
        ("errors", "error"),
        ("warnings", "warning"),
        ("notes", "note"),
    ] {
        assert_eq!(
            summary[key],
            count(&json_shown, severity),
            "{key}: {summary}"
        );
    }
    (from_json, summary, text)
}

#[test]
fn json_lines_tell_what_the_text_tells_with_a_code_each() {
    let h = broken();
    let (diagnostics, summary, text) = same_in_both(h.root(), &["build"]);
    assert_eq!(text.code, Some(1));
    let codes: Vec<(&str, &str)> = diagnostics
        .iter()
        .map(|(shown, code)| (shown.4.as_str(), code.as_str()))
        .collect();
    let code_of = |start: &str| {
        codes
            .iter()
            .find(|(message, _)| message.starts_with(start))
            .unwrap_or_else(|| panic!("no `{start}` in {codes:?}"))
            .1
    };
    assert_eq!(code_of("unknown key `tilte`"), "unknown-key");
    assert_eq!(code_of("theme `nope` not found"), "missing-theme");
    assert_eq!(
        code_of("tenet has no built-in translation"),
        "missing-translation"
    );
    assert_eq!(code_of("unknown reference `consnt`"), "unknown-reference");
    assert_eq!(code_of("link to `missing.md`"), "broken-link");
    assert_eq!(code_of("unknown block kind"), "unknown-block-kind");
    assert_eq!(code_of("duplicate id"), "duplicate-id");
    // With and without positions, errors and a warning.
    let shown: Vec<&Shown> = diagnostics.iter().map(|(s, _)| s).collect();
    assert!(
        shown
            .iter()
            .any(|s| s.0 == "error" && s.2.is_none() && s.3.is_none())
    );
    assert!(
        shown
            .iter()
            .any(|s| s.0 == "error" && s.2.is_some() && s.3.is_some())
    );
    assert!(shown.iter().any(|s| s.0 == "warning" && s.2.is_none()));
    assert!(
        shown.iter().any(|s| s.5.is_none()),
        "a diagnostic without help"
    );
    assert_eq!(summary["errors"], 6, "{summary}");
    // One of them a lint: the principle no key message is about.
    assert_eq!(summary["warnings"], 2, "{summary}");
    assert!(
        diagnostics
            .iter()
            .any(|(_, code)| code == "principle-without-key-message"),
        "{diagnostics:?}"
    );
    assert!(summary["output"].is_null());
    assert!(summary["seconds"].as_f64().is_some());
    // The text form's closing line says the same.
    assert!(
        text.stderr
            .lines()
            .any(|l| l == "error: 6 errors and 2 warnings in .; nothing was written"),
        "{}",
        text.stderr
    );
    assert!(!h.site().exists());

    // `check` too, with its note about the sitemap.
    let (diagnostics, summary, text) = same_in_both(h.root(), &["check"]);
    assert_eq!(text.code, Some(1));
    assert_eq!(summary["notes"], 1, "{summary}");
    assert!(
        diagnostics
            .iter()
            .any(|(s, code)| s.0 == "note" && code == "relative-base-url" && s.1 == "book.toml")
    );
    assert!(!h.site().exists());
}

#[test]
fn a_clean_build_prints_only_the_summary() {
    let h = Handbook::case("build/mini");
    let run = tenet(h.root(), &["build", "--format", "json"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(run.stderr.is_empty(), "{}", run.stderr);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines.len(), 1, "{}", run.stdout);
    let summary: Value = serde_json::from_str(lines[0]).unwrap();
    assert_eq!(summary["summary"], true);
    for key in ["errors", "warnings", "notes"] {
        assert_eq!(summary[key], 0, "{summary}");
    }
    assert!(summary["pages"].as_u64().unwrap() > 0, "{summary}");
    assert!(summary["files"].as_u64().unwrap() > 0, "{summary}");
    assert!(summary["bytes"].as_u64().unwrap() > 0, "{summary}");
    let output = summary["output"].as_str().unwrap();
    assert!(Path::new(output).join("index.html").is_file(), "{summary}");
    // The text form is as it was: the closing line on stderr, nothing on stdout.
    let run = tenet(h.root(), &["build", "--format", "text"]);
    assert_eq!(run.code, Some(0));
    assert!(run.stdout.is_empty());
    assert!(run.stderr.starts_with("built "), "{}", run.stderr);
    // `check` of a clean handbook: its note, then the summary.
    let (diagnostics, summary, run) = same_in_both(h.root(), &["check"]);
    assert_eq!(run.code, Some(0));
    assert_eq!(diagnostics.len(), 1, "{diagnostics:?}");
    assert_eq!(diagnostics[0].1, "relative-base-url");
    assert!(summary["output"].is_null());
}

#[test]
fn pdf_problems_are_json_lines_too_and_usage_errors_exit_2() {
    let h = Handbook::case("build/mini");
    // TENET_CHROMIUM names no file: no Chromium.
    let run = tenet(h.root(), &["pdf", "--format", "json"]);
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    assert!(run.stderr.is_empty(), "{}", run.stderr);
    let (diagnostics, summary) = from_json(&run.stdout);
    assert_eq!(diagnostics.len(), 1, "{}", run.stdout);
    assert_eq!(diagnostics[0].1, "missing-chromium");
    assert_eq!(summary["errors"], 1);
    assert!(
        summary["output"].is_string(),
        "the site was built: {summary}"
    );
    let run = tenet(h.root(), &["build", "--format", "yaml"]);
    assert_eq!(run.code, Some(2));
    assert!(run.stdout.is_empty());
}
