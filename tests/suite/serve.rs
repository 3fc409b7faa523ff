//! `tenet serve`, run as a user runs it, on a free port of this machine: the first build, the
//! pages sent with the live script (and the files without it), a rebuild after each save (also
//! a save by rename, as vim makes it), the errors of a broken build sent to the pages while the
//! last good site stays served, and a clean stop on Ctrl-C. In Chromium: an open page reloads
//! in place after an edit, keeping its scroll position, and shows the errors over the page
//! until they are fixed. Every wait is bounded; none is a fixed sleep.

use std::fs;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use crate::common::browser::{Browser, screenshot_dir};
use crate::common::copy_sample;
use serde_json::{Value, json};

const WAIT: Duration = Duration::from_secs(60);
const CONSENT: &str = "content/principles/consent.md";
const SENTENCE: &str = "sets out the legal framework for the mission's presence.";

/// A copy of the sample handbook with `tenet serve` running on it.
struct Served {
    dir: tempfile::TempDir,
    child: Child,
    /// What serve prints, line by line.
    said: mpsc::Receiver<String>,
    base: String,
}

impl Served {
    fn start() -> Served {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("handbook");
        copy_sample(&root);
        let mut child = Command::new(env!("CARGO_BIN_EXE_tenet"))
            .args(["serve", "--port", "0"])
            .arg(&root)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let (tell, said) = mpsc::channel();
        let stderr = child.stderr.take().unwrap();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines() {
                let Ok(line) = line else { break };
                if tell.send(line).is_err() {
                    break;
                }
            }
        });
        let mut served = Served {
            dir,
            child,
            said,
            base: String::new(),
        };
        let line = served.wait_said("serving http://");
        let url = line.split_whitespace().nth(1).unwrap();
        served.base = url.trim_end_matches('/').to_string();
        served
    }

    fn root(&self) -> PathBuf {
        self.dir.path().join("handbook")
    }

    fn site(&self) -> PathBuf {
        self.root().join("site")
    }

    /// Waits for a line of serve's output containing `text`.
    fn wait_said(&self, text: &str) -> String {
        let start = Instant::now();
        loop {
            let left = WAIT.saturating_sub(start.elapsed());
            match self.said.recv_timeout(left) {
                Ok(line) if line.contains(text) => return line,
                Ok(_) => {}
                Err(e) => panic!("serve did not say `{text}` within {WAIT:?}: {e}"),
            }
        }
    }

    fn edit(&self, rel: &str, old: &str, new: &str) {
        let path = self.root().join(rel);
        let text = fs::read_to_string(&path).unwrap();
        assert_eq!(text.matches(old).count(), 1, "{rel} has `{old}` once");
        fs::write(&path, text.replacen(old, new, 1)).unwrap();
    }

    /// GET `path`: the status and the body.
    fn get(&self, path: &str) -> (u16, String) {
        let address = self.base.trim_start_matches("http://");
        let mut stream = TcpStream::connect(address).unwrap();
        stream.set_read_timeout(Some(WAIT)).unwrap();
        write!(
            stream,
            "GET {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n"
        )
        .unwrap();
        let mut response = Vec::new();
        stream.read_to_end(&mut response).unwrap();
        let response = String::from_utf8_lossy(&response).into_owned();
        let status = response[9..12].parse().unwrap();
        let body = response
            .split_once("\r\n\r\n")
            .map(|(_, b)| b.to_string())
            .unwrap_or_default();
        (status, dechunk(&body, &response))
    }

    /// Stops serve as Ctrl-C does, and waits for it to end.
    fn interrupt(&mut self) -> std::process::ExitStatus {
        let pid = self.child.id().to_string();
        // The shell's own `kill`, so no package is needed for it.
        let sent = Command::new("sh")
            .args(["-c", &format!("kill -INT {pid}")])
            .status()
            .unwrap();
        assert!(sent.success());
        let start = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            assert!(start.elapsed() < WAIT, "serve did not stop on Ctrl-C");
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The body of a chunked response, joined.
fn dechunk(body: &str, response: &str) -> String {
    if !response
        .to_ascii_lowercase()
        .contains("transfer-encoding: chunked")
    {
        return body.to_string();
    }
    let mut out = String::new();
    let mut rest = body;
    while let Some((size, after)) = rest.split_once("\r\n") {
        let size = usize::from_str_radix(size.trim(), 16).unwrap_or(0);
        if size == 0 {
            break;
        }
        out.push_str(&after[..size]);
        rest = &after[size + 2..];
    }
    out
}

/// A page's connection to `/__tenet/events`.
struct Events {
    reader: BufReader<TcpStream>,
}

impl Events {
    fn open(served: &Served) -> Events {
        let address = served.base.trim_start_matches("http://");
        let mut stream = TcpStream::connect(address).unwrap();
        stream.set_read_timeout(Some(WAIT)).unwrap();
        write!(
            stream,
            "GET /__tenet/events HTTP/1.1\r\nHost: {address}\r\nAccept: text/event-stream\r\n\r\n"
        )
        .unwrap();
        let mut reader = BufReader::new(stream);
        let mut status = String::new();
        reader.read_line(&mut status).unwrap();
        assert!(status.starts_with("HTTP/1.1 200"), "{status}");
        loop {
            let mut line = String::new();
            reader.read_line(&mut line).unwrap();
            if line == "\r\n" {
                break;
            }
        }
        Events { reader }
    }

    /// The next event (name and data), skipping keep-alive comments; None when the stream
    /// ends.
    fn next(&mut self) -> Option<(String, Value)> {
        let (mut name, mut data) = (String::new(), String::new());
        loop {
            let mut line = String::new();
            if self.reader.read_line(&mut line).unwrap_or(0) == 0 {
                return None;
            }
            let line = line.trim_end_matches(['\r', '\n']);
            if let Some(n) = line.strip_prefix("event: ") {
                name = n.to_string();
            } else if let Some(d) = line.strip_prefix("data: ") {
                data.push_str(d);
            } else if line.is_empty() && !name.is_empty() {
                return Some((name, serde_json::from_str(&data).unwrap()));
            }
        }
    }

    /// The next build's event.
    fn built(&mut self) -> Value {
        loop {
            match self.next() {
                Some((name, data)) if name == "built" => return data,
                Some(_) => {}
                None => panic!("the event stream ended"),
            }
        }
    }

    /// The next build event that `wanted` accepts (a build tells the pages twice: once its
    /// pages are in place, then once the print views and the search index are).
    fn built_until(&mut self, wanted: impl Fn(&Value) -> bool) -> Value {
        let start = Instant::now();
        loop {
            let event = self.built();
            if wanted(&event) {
                return event;
            }
            assert!(start.elapsed() < WAIT, "no such build event: {event}");
        }
    }
}

fn changed(event: &Value, rel: &str) -> bool {
    event["changed"]
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c == rel)
}

#[test]
fn serve_builds_serves_rebuilds_reports_and_stops() {
    let mut served = Served::start();
    let page = "principles/consent/index.html";
    let on_disk = served.site().join(page);
    assert!(served.site().join(".tenet-output").is_file());

    let mut events = Events::open(&served);
    let (name, hello) = events.next().unwrap();
    assert_eq!(name, "hello");
    assert_eq!(hello["generation"], 1);
    assert_eq!(hello["problems"], Value::Array(vec![]));

    // Pages are sent with the live script; the files stay as a build writes them.
    let (status, html) = served.get("/principles/consent/");
    assert_eq!(status, 200);
    assert!(html.contains("<script src=\"/__tenet/live.js?v="));
    assert!(html.contains("data-generation=\"1\""));
    assert!(!fs::read_to_string(&on_disk).unwrap().contains("__tenet"));
    for kind in [
        "/lessons/module-1/1.3-principles/handout/",
        "/print/",
        "/search/",
        "/no/such/page/",
    ] {
        let (_, html) = served.get(kind);
        assert!(html.contains("/__tenet/live.js"), "{kind}");
    }
    assert_eq!(served.get("/no/such/page/").0, 404);
    assert_eq!(served.get("/../book.toml").0, 400);
    let (status, script) = served.get("/__tenet/live.js");
    assert_eq!(status, 200);
    assert!(script.contains("EventSource"));

    // A sentence: one build, the page changed, pages it does not show in untouched.
    served.edit(
        CONSENT,
        SENTENCE,
        "sets out the legal framework. Consent is renewed.",
    );
    let built = events.built();
    assert_eq!(built["problems"], Value::Array(vec![]));
    assert!(changed(&built, page), "{built}");
    assert!(!changed(&built, "glossary/sofa/index.html"), "{built}");
    // The page first, then the print view and the index, without the page again.
    let rest = events.built();
    assert!(changed(&rest, "print/index.html"), "{rest}");
    assert!(!changed(&rest, page), "{rest}");
    assert!(
        served
            .get("/principles/consent/")
            .1
            .contains("Consent is renewed.")
    );
    served.wait_said("rebuilt in");

    // A broken reference: the pages are told where and why; the last good site stays.
    served.edit(
        CONSENT,
        "Consent is renewed.",
        "Consent is renewed. See [[principles/nowhere]].",
    );
    let broken = events.built_until(|e| !e["problems"].as_array().unwrap().is_empty());
    let problems = broken["problems"].as_array().unwrap();
    assert_eq!(problems.len(), 1, "{broken}");
    assert!(
        problems[0]["path"]
            .as_str()
            .unwrap()
            .ends_with("consent.md")
    );
    assert!(problems[0]["line"].as_u64().unwrap() > 1);
    assert!(problems[0]["column"].as_u64().unwrap() >= 1);
    assert!(problems[0]["message"].as_str().unwrap().contains("nowhere"));
    assert!(!fs::read_to_string(&on_disk).unwrap().contains("nowhere"));
    served.wait_said("the site served is the last one that built");
    // A page opened now learns of the errors at once.
    let (name, hello) = Events::open(&served).next().unwrap();
    assert_eq!(name, "hello");
    assert_eq!(hello["problems"].as_array().unwrap().len(), 1);

    // Fixed, saved by rename as vim does: the errors go, the page follows.
    let path = served.root().join(CONSENT);
    let text = fs::read_to_string(&path).unwrap();
    let backup = served.root().join("content/principles/consent.md~");
    fs::rename(&path, &backup).unwrap();
    fs::write(
        &path,
        text.replace(" See [[principles/nowhere]].", " Fixed by rename."),
    )
    .unwrap();
    fs::remove_file(&backup).unwrap();
    events.built_until(|e| e["problems"] == Value::Array(vec![]) && changed(e, page));
    assert!(
        fs::read_to_string(&on_disk)
            .unwrap()
            .contains("Fixed by rename.")
    );

    // Ctrl-C: serve stops, the pages' streams end, nothing is left behind.
    let status = served.interrupt();
    assert!(status.success(), "{status}");
    // The stream ends (after any event still on its way).
    let mut left = 0;
    while events.next().is_some() {
        left += 1;
        assert!(left < 10, "the event stream goes on after Ctrl-C");
    }
    let leftovers: Vec<String> = fs::read_dir(served.root())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".tenet-"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    assert!(on_disk.is_file(), "the site stays");
}

#[test]
fn an_open_page_reloads_in_place_and_shows_errors() {
    let Some(mut browser) = Browser::launch() else {
        return;
    };
    let served = Served::start();
    let mut page = browser.page();
    page.viewport(1000, 700, false);

    // A page the edit does not change stays as it is (not reloaded).
    page.goto(&format!("{}/glossary/sofa/", served.base));
    page.wait_for("document.readyState === 'complete'", WAIT);
    // A stream of the test's own in the page hears the build's last event (the print view's);
    // a page that reloaded would lose the mark it then sets.
    page.eval(
        "window.tenetUntouched = 1; (() => { const es = new EventSource('/__tenet/events'); \
         es.addEventListener('built', e => { if (JSON.parse(e.data).changed.includes('print/index.html')) { \
         es.close(); setTimeout(() => { window.tenetQuiet = window.tenetUntouched; }, 100); } }); })(); 1",
    );
    served.edit(
        CONSENT,
        SENTENCE,
        "sets out the legal framework. A quiet edit.",
    );
    page.wait_for("window.tenetQuiet === 1", WAIT);

    page.goto(&format!("{}/principles/consent/", served.base));
    page.wait_for(
        "!!window.EventSource && document.readyState === 'complete'",
        WAIT,
    );
    page.eval("window.scrollTo(0, 900); window.tenetMarker = 1; window.scrollY");
    let y = page.eval("window.scrollY").as_f64().unwrap();
    assert!(y > 800.0, "the page scrolls: {y}");

    // An edit further down changes only the page's main content: it is put in place without
    // a reload (the mark stays) and the reader stays where they were.
    served.edit(
        CONSENT,
        "## Limits of consent",
        "## Limits of consent\n\nA sentence added while the page was open.",
    );
    page.wait_for(
        "document.body.innerText.includes('A sentence added while the page was open.')",
        WAIT,
    );
    assert_eq!(
        page.eval("window.tenetMarker"),
        json!(1),
        "updated in place"
    );
    assert!((page.eval("window.scrollY").as_f64().unwrap() - 900.0).abs() < 2.0);

    // A new title shows in the window's title and the local contents too: also in place.
    served.edit(CONSENT, "title = \"Consent", "title = \"Retitled consent");
    page.wait_for(
        "document.title.startsWith('Retitled consent') && document.querySelector('#sidebar [aria-current=page]').textContent.includes('Retitled')",
        WAIT,
    );
    assert_eq!(
        page.eval("window.tenetMarker"),
        json!(1),
        "updated in place"
    );
    // Where the reader is: the section they were reading, as far down the window.
    const SECTION: &str = "[...document.querySelectorAll('h2')].find(h => h.textContent.includes('Limits of consent')).getBoundingClientRect().top";
    let place = page.eval(SECTION);

    // The handbook's title shows in the top bar, which is not swapped: the page reloads, and
    // is where the reader left it.
    served.edit("book.toml", "title = \"", "title = \"Retitled: ");
    page.wait_for(
        "!window.tenetMarker && document.querySelector('.brand').textContent.includes('Retitled: ')",
        WAIT,
    );
    // (The longer title can make the breadcrumbs above take another line: what the reader
    // was reading stays where it was in the window.)
    page.wait_for(&format!("Math.abs({SECTION} - ({place})) < 2"), WAIT);

    // A broken reference: the errors over the page, with where and what to do.
    served.edit(
        CONSENT,
        "A sentence added while the page was open.",
        "A sentence added while the page was open. [[principles/nowhere]]",
    );
    page.wait_for("!!document.getElementById('tenet-serve-errors')", WAIT);
    let text = page
        .eval("document.getElementById('tenet-serve-errors').innerText")
        .as_str()
        .unwrap()
        .to_string();
    assert!(text.contains("consent.md:"), "{text}");
    assert!(text.contains("nowhere"), "{text}");
    assert!(text.contains("help:"), "{text}");
    let visible = page.eval(
        "(() => { const r = document.getElementById('tenet-serve-errors').getBoundingClientRect(); return r.height > 40 && r.bottom <= innerHeight + 1; })()",
    );
    assert_eq!(visible, Value::Bool(true));
    page.screenshot(&screenshot_dir().join("serve-errors.png"));

    // Fixed: the errors go and the page shows the fix.
    served.edit(
        CONSENT,
        "A sentence added while the page was open. [[principles/nowhere]]",
        "A sentence fixed while the page was open.",
    );
    page.wait_for(
        "!document.getElementById('tenet-serve-errors') && document.body.innerText.includes('A sentence fixed while the page was open.')",
        WAIT,
    );
    assert_eq!(page.exceptions(), Vec::<String>::new());
}
