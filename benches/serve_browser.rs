//! A live preview measured as an author meets it: the page open in headless Chromium, a file
//! saved, and the time until the open page shows the change. Run by `bench/serve.py`, which
//! prepares the handbooks; by hand:
//!
//!     cargo bench --bench serve_browser -- HANDBOOK [--bin PATH] [--edits N] [--page REL]
//!     cargo bench --bench serve_browser -- ZOLA_SITE --zola PATH [--edits N] [--page REL]
//!
//! The folder is edited in place (give it a copy). Each `--edits` times (default 5): a
//! sentence added to a page (`--page`, a path under content/; default: one in the middle), the
//! open page being that page; and, for tenet, the title of a principle changed (the page open
//! is the principle; every page that cites it, its backlinks and the navigation change too).
//! With `--zola`, Zola's `serve` is measured the same way on a Zola site (sentences only).
//! Prints one JSON object per line: {"server", "edit", "ms": [...], "median_ms", "told_ms"}
//! (`told_ms`, tenet only: when the page was told to reload).

#[path = "../tests/suite/common/browser.rs"]
#[allow(dead_code)]
mod browser;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use browser::Browser;
use serde_json::json;

const WAIT: Duration = Duration::from_secs(600);

fn main() {
    let mut args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    let mut option = |name: &str| {
        args.iter().position(|a| a == name).map(|i| {
            args.remove(i);
            args.remove(i)
        })
    };
    let zola = option("--zola").map(PathBuf::from);
    let bin = option("--bin")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target/release/tenet"));
    let edits: usize = option("--edits").map_or(5, |n| n.parse().expect("--edits N"));
    let page_rel = option("--page");
    let Some(handbook) = args.first().map(PathBuf::from) else {
        eprintln!(
            "usage: serve_browser HANDBOOK [--bin PATH | --zola PATH] [--edits N] [--page REL]"
        );
        std::process::exit(2);
    };
    let out = tempfile::tempdir().unwrap();
    let (child, done_line) = match &zola {
        None => (
            Command::new(&bin)
                .args(["serve", "--port", "0", "--out"])
                .arg(out.path().join("site"))
                .arg(&handbook)
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap_or_else(|e| panic!("cannot start {}: {e}", bin.display())),
            "rebuilt in",
        ),
        Some(zola) => {
            let port = std::net::TcpListener::bind("127.0.0.1:0")
                .and_then(|l| l.local_addr())
                .unwrap()
                .port();
            (
                Command::new(zola)
                    .args(["serve", "--interface", "127.0.0.1", "--port"])
                    .arg(port.to_string())
                    .current_dir(&handbook)
                    .stdin(Stdio::null())
                    .stdout(Stdio::piped())
                    .stderr(Stdio::piped())
                    .spawn()
                    .unwrap_or_else(|e| panic!("cannot start {}: {e}", zola.display())),
                "Done in",
            )
        }
    };
    // Both streams, line by line.
    let (tell, said) = mpsc::channel::<String>();
    // Stopped however the benchmark ends (a panic too), so no server outlives it.
    let mut child = Stopped(child);
    let stderr = child.0.stderr.take().unwrap();
    let tell_err = tell.clone();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            let _ = tell_err.send(line);
        }
    });
    if let Some(stdout) = child.0.stdout.take() {
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                let _ = tell.send(line);
            }
        });
    }
    let base = loop {
        let line = said.recv_timeout(WAIT).expect("the server started");
        if let Some(at) = line.find("http://127.0.0.1:") {
            let url = line[at..].split_whitespace().next().unwrap();
            break url.trim_end_matches('/').to_string();
        }
    };
    // tenet: when each build's first event reaches a page (a stream of our own), to tell the
    // server's part from the browser's.
    let (heard, events) = mpsc::channel::<Instant>();
    if zola.is_none() {
        use std::io::Write;
        let address = base.trim_start_matches("http://").to_string();
        let mut stream = std::net::TcpStream::connect(&address).expect("connect");
        write!(
            stream,
            "GET /__tenet/events HTTP/1.1\r\nHost: {address}\r\n\r\n"
        )
        .unwrap();
        std::thread::spawn(move || {
            for line in BufReader::new(stream).lines().map_while(Result::ok) {
                if line == "event: built" {
                    let _ = heard.send(Instant::now());
                }
            }
        });
    }
    let Some(mut browser) = Browser::launch() else {
        eprintln!("serve_browser: Chromium is missing (apt-get install chromium)");
        std::process::exit(1);
    };

    // The pages edited: a plain page in the middle, and the principle most cited.
    let content = handbook.join("content");
    let plain = match page_rel {
        Some(rel) => content.join(rel),
        None => {
            let pages: Vec<PathBuf> = walkdir::WalkDir::new(&content)
                .sort_by_file_name()
                .into_iter()
                .filter_map(Result::ok)
                .map(|e| e.into_path())
                .filter(|p| p.extension().is_some_and(|e| e == "md") && !p.ends_with("_index.md"))
                .filter(|p| {
                    std::fs::read_to_string(p)
                        .map(|t| !t.contains("kind = \"principle\""))
                        .unwrap_or(false)
                })
                .collect();
            pages[pages.len() / 2].clone()
        }
    };
    let mut kinds = vec![("sentence", plain)];
    if zola.is_none()
        && let Some(principle) = ["consent", "impartiality"]
            .iter()
            .map(|n| content.join(format!("principles/{n}.md")))
            .find(|p| p.is_file())
    {
        kinds.push(("title", principle));
    }
    let url_of = |file: &Path| {
        let rel = file.strip_prefix(&content).unwrap().with_extension("");
        format!("{base}/{}/", rel.to_string_lossy())
    };
    let server = if zola.is_some() { "zola" } else { "tenet" };
    let mut page = browser.page();
    for (edit, file) in &kinds {
        page.goto(&url_of(file));
        page.wait_for("document.readyState === 'complete'", WAIT);
        let mut times = Vec::new();
        let mut told = Vec::new();
        for i in 0..edits {
            let marker = format!("Edit{i}{edit}marker");
            let text = std::fs::read_to_string(file).unwrap();
            let edited = match *edit {
                "sentence" => format!("{}\n\n{marker} was added.\n", text.trim_end()),
                _ => {
                    let start = text.find("title = \"").unwrap() + "title = \"".len();
                    let end = start + text[start..].find('"').unwrap();
                    format!("{}{marker}{}", &text[..start], &text[end..])
                }
            };
            while events.try_recv().is_ok() {}
            let saved = Instant::now();
            std::fs::write(file, &edited).unwrap();
            // Polled often: a 50 ms poll would blur figures of tens of milliseconds.
            let shown = format!("document.body && document.body.textContent.includes('{marker}')");
            while page.try_eval(&shown) != Ok(json!(true)) {
                assert!(saved.elapsed() < WAIT, "the change did not show: {edit}");
                std::thread::sleep(Duration::from_millis(2));
            }
            times.push(saved.elapsed().as_secs_f64() * 1000.0);
            if zola.is_none()
                && let Ok(at) = events.recv_timeout(WAIT)
            {
                told.push(at.duration_since(saved).as_secs_f64() * 1000.0);
            }
            // The next edit once this build is done (for tenet, its print views and search
            // index too), as an author's next save comes seconds later.
            loop {
                let line = said
                    .recv_timeout(WAIT)
                    .expect("the server finished the build");
                if line.contains(done_line) {
                    break;
                }
            }
            page.wait_for("document.readyState === 'complete'", WAIT);
        }
        let round = |v: &[f64]| {
            v.iter()
                .map(|t| (t * 10.0).round() / 10.0)
                .collect::<Vec<_>>()
        };
        let mut sorted = times.clone();
        sorted.sort_by(f64::total_cmp);
        println!(
            "{}",
            json!({
                "server": server,
                "edit": edit,
                "file": file.strip_prefix(&handbook).unwrap().to_string_lossy(),
                "ms": round(&times),
                "median_ms": (sorted[sorted.len() / 2] * 10.0).round() / 10.0,
                "told_ms": round(&told),
            })
        );
    }
    drop(page);
    let _ = Command::new("sh")
        .args(["-c", &format!("kill -INT {}", child.0.id())])
        .status();
    let _ = child.0.wait();
}

/// A server process, killed when dropped (unless it has ended).
struct Stopped(std::process::Child);

impl Drop for Stopped {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}
