//! Headless Chromium for the tests, driven through the library's own DevTools client
//! (`tenet::pdf::cdp`, the one `tenet pdf` prints with): a browser with tabs to load pages in,
//! evaluate scripts, emulate devices and take screenshots; and a small static file server so
//! pages can be tested both from disk (file://) and over http.
//!
//! Chromium is Debian's `chromium` package (`TENET_CHROMIUM` names another binary). When it is
//! missing, [`Browser::launch`] returns `None` and the browser tests are skipped with a notice,
//! unless `TENET_REQUIRE_BROWSER=1` (set by `.ci/run`, which installs Chromium) makes that a
//! failure.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use tenet::pdf::cdp::{CallError, Chromium, Connection, Event};

/// How long one command may take to be answered (evaluating a script over 50,000 words takes
/// seconds on a loaded machine).
const CALL_TIMEOUT: Duration = Duration::from_secs(120);

/// The Chromium binary, if there is one (as `tenet pdf` finds it).
pub fn chromium() -> Option<PathBuf> {
    tenet::pdf::find_chromium()
}

/// One headless Chromium and the connection to it. Dropping it stops Chromium and removes its
/// profile.
pub struct Browser {
    connection: Connection,
    _chromium: Chromium,
}

impl Browser {
    /// Starts headless Chromium (the flags `tenet pdf` uses, scrollbars hidden for
    /// screenshots), or returns `None` (after saying why) when it is not installed.
    pub fn launch() -> Option<Browser> {
        let Some(binary) = chromium() else {
            if std::env::var("TENET_REQUIRE_BROWSER").is_ok_and(|v| v == "1") {
                panic!("Chromium is required (TENET_REQUIRE_BROWSER=1) but was not found");
            }
            eprintln!(
                "skipped: Chromium not found (apt-get install chromium, or set TENET_CHROMIUM)"
            );
            return None;
        };
        let (chromium, url) = Chromium::launch_with(&binary, &["--hide-scrollbars"])
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", binary.display()));
        let connection = Connection::open(&url).unwrap_or_else(|e| panic!("{e}"));
        Some(Browser {
            connection,
            _chromium: chromium,
        })
    }

    /// Sends one command (to a page when `session` is given) and returns its result.
    pub fn call(&mut self, session: Option<&str>, method: &str, params: Value) -> Value {
        self.try_call(session, method, params)
            .unwrap_or_else(|error| panic!("{method} failed: {error}"))
    }

    /// [`Browser::call`], the browser's error (a page navigating away meanwhile, say) an `Err`
    /// with what it said; a command not answered in time, or a lost connection, fails the test.
    pub fn try_call(
        &mut self,
        session: Option<&str>,
        method: &str,
        params: Value,
    ) -> Result<Value, Value> {
        match self.connection.call(session, method, params, CALL_TIMEOUT) {
            Ok(result) => Ok(result),
            Err(CallError::Refused(said)) => Err(Value::String(said)),
            Err(other) => panic!("{method}: {other}"),
        }
    }

    /// Waits for an event of `session` named `method` (events seen earlier are kept in order).
    pub fn wait_event(&mut self, session: &str, method: &str, timeout: Duration) -> Event {
        match self.connection.wait_event(Some(session), method, timeout) {
            Ok(event) => event,
            Err(CallError::TimedOut) => panic!("no {method} within {timeout:?}"),
            Err(other) => panic!("waiting for {method}: {other}"),
        }
    }

    /// Takes every event of `session` named `method` read so far.
    pub fn take_events(&mut self, session: &str, method: &str) -> Vec<Event> {
        self.connection.take_events(Some(session), method)
    }

    /// Opens a new tab and returns a page handle.
    pub fn page(&mut self) -> Page<'_> {
        let target = self.call(None, "Target.createTarget", json!({"url": "about:blank"}));
        let session = self.call(
            None,
            "Target.attachToTarget",
            json!({"targetId": target["targetId"], "flatten": true}),
        )["sessionId"]
            .as_str()
            .unwrap()
            .to_string();
        for domain in ["Page.enable", "Runtime.enable", "Network.enable"] {
            self.call(Some(&session), domain, json!({}));
        }
        Page {
            browser: self,
            session,
            target: target["targetId"].as_str().unwrap().to_string(),
        }
    }
}

/// One tab.
pub struct Page<'a> {
    pub browser: &'a mut Browser,
    pub session: String,
    target: String,
}

/// A request the page made while loading.
#[derive(Debug, Clone)]
pub struct Request {
    pub url: String,
    pub failed: bool,
}

impl Page<'_> {
    pub fn call(&mut self, method: &str, params: Value) -> Value {
        self.browser.call(Some(&self.session), method, params)
    }

    /// Sets the viewport (and whether the page is shown as on a phone).
    pub fn viewport(&mut self, width: u32, height: u32, mobile: bool) {
        self.call(
            "Emulation.setDeviceMetricsOverride",
            json!({"width": width, "height": height, "deviceScaleFactor": 1, "mobile": mobile}),
        );
    }

    /// Emulates `prefers-color-scheme`.
    pub fn color_scheme(&mut self, scheme: &str) {
        self.call(
            "Emulation.setEmulatedMedia",
            json!({"features": [{"name": "prefers-color-scheme", "value": scheme}]}),
        );
    }

    /// Loads `url`, waits for the load event, and returns the requests made on the way.
    pub fn goto(&mut self, url: &str) -> Vec<Request> {
        let session = self.session.clone();
        self.browser
            .take_events(&session, "Network.requestWillBeSent");
        self.browser.take_events(&session, "Network.loadingFailed");
        self.browser.take_events(&session, "Page.loadEventFired");
        let result = self.call("Page.navigate", json!({"url": url}));
        if let Some(error) = result.get("errorText") {
            panic!("cannot open {url}: {error}");
        }
        self.browser
            .wait_event(&session, "Page.loadEventFired", Duration::from_secs(30));
        // Let deferred scripts finish and late requests show up.
        self.eval("new Promise(r => setTimeout(r, 100))");
        self.take_requests()
    }

    /// The requests the page has made since the last `goto` or `take_requests`.
    pub fn take_requests(&mut self) -> Vec<Request> {
        let session = self.session.clone();
        let failed: Vec<String> = self
            .browser
            .take_events(&session, "Network.loadingFailed")
            .iter()
            .map(|e| e.params["requestId"].as_str().unwrap_or("").to_string())
            .collect();
        self.browser
            .take_events(&session, "Network.requestWillBeSent")
            .iter()
            .map(|e| Request {
                url: e.params["request"]["url"]
                    .as_str()
                    .unwrap_or("")
                    .to_string(),
                failed: failed
                    .iter()
                    .any(|f| f == e.params["requestId"].as_str().unwrap_or("")),
            })
            .collect()
    }

    /// Evaluates a JavaScript expression (promises are awaited) and returns its value.
    pub fn eval(&mut self, expression: &str) -> Value {
        self.try_eval(expression)
            .unwrap_or_else(|exception| panic!("{expression}: {exception}"))
    }

    /// Evaluates an expression; an exception, or the page navigating away meanwhile, is an
    /// `Err`.
    pub fn try_eval(&mut self, expression: &str) -> Result<Value, Value> {
        let result = self.browser.try_call(
            Some(&self.session),
            "Runtime.evaluate",
            json!({"expression": expression, "returnByValue": true, "awaitPromise": true}),
        )?;
        match result.get("exceptionDetails") {
            Some(exception) => Err(exception.clone()),
            None => Ok(result["result"]["value"].clone()),
        }
    }

    /// Polls `expression` until it is true.
    pub fn wait_for(&mut self, expression: &str, timeout: Duration) {
        let start = Instant::now();
        // Polled across navigations: an evaluation the navigation cut short counts as false.
        while self.try_eval(expression) != Ok(json!(true)) {
            assert!(start.elapsed() < timeout, "still false: {expression}");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Uncaught exceptions thrown by the page's scripts so far.
    pub fn exceptions(&mut self) -> Vec<String> {
        let session = self.session.clone();
        self.browser
            .take_events(&session, "Runtime.exceptionThrown")
            .iter()
            .map(|e| e.params["exceptionDetails"].to_string())
            .collect()
    }

    /// Presses a key, as a keyboard would: `key` (`Tab`, `Enter`, `Escape`, ...) with its
    /// Windows key code (9, 13, 27, ...).
    pub fn press(&mut self, key: &str, code: u32) {
        for kind in ["rawKeyDown", "keyUp"] {
            self.call(
                "Input.dispatchKeyEvent",
                json!({"type": kind, "key": key, "code": key, "windowsVirtualKeyCode": code}),
            );
        }
        if key == "Enter" {
            self.call(
                "Input.dispatchKeyEvent",
                json!({"type": "char", "key": "Enter", "text": "\r", "windowsVirtualKeyCode": 13}),
            );
        }
    }

    /// The target and session of a window this page opened (`window.open`) whose URL holds
    /// `part`, attached to on the way, waited for up to `timeout`.
    pub fn opened(&mut self, part: &str, timeout: Duration) -> (String, String) {
        let start = Instant::now();
        loop {
            let targets = self.browser.call(None, "Target.getTargets", json!({}));
            let found = targets["targetInfos"]
                .as_array()
                .unwrap()
                .iter()
                .find(|t| t["type"] == "page" && t["url"].as_str().unwrap_or("").contains(part))
                .map(|t| t["targetId"].clone());
            if let Some(target) = found {
                let session = self.browser.call(
                    None,
                    "Target.attachToTarget",
                    json!({"targetId": target, "flatten": true}),
                )["sessionId"]
                    .as_str()
                    .unwrap()
                    .to_string();
                self.browser
                    .call(Some(&session), "Runtime.enable", json!({}));
                return (target.as_str().unwrap().to_string(), session);
            }
            assert!(start.elapsed() < timeout, "no window opened at {part}");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Evaluates an expression in another window's session (see [`Page::opened`]).
    pub fn eval_in(&mut self, session: &str, expression: &str) -> Value {
        let result = self.browser.call(
            Some(session),
            "Runtime.evaluate",
            json!({"expression": expression, "returnByValue": true, "awaitPromise": true}),
        );
        assert!(
            result.get("exceptionDetails").is_none(),
            "{expression}: {result}"
        );
        result["result"]["value"].clone()
    }

    /// A PNG screenshot of the viewport, saved to `path`.
    pub fn screenshot(&mut self, path: &Path) {
        let data = self.call("Page.captureScreenshot", json!({"format": "png"}));
        let bytes = tenet::search::encode::decode_base64(data["data"].as_str().unwrap())
            .expect("Chromium's screenshot is base64");
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, bytes).unwrap();
    }
}

impl Drop for Page<'_> {
    fn drop(&mut self) {
        let target = self.target.clone();
        self.browser
            .call(None, "Target.closeTarget", json!({"targetId": target}));
    }
}

/// Where screenshots of the browser tests go, for a person to look at.
pub fn screenshot_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("target/screenshots")
}

/// `file://` URL of a path.
pub fn file_url(path: &Path) -> String {
    let path = path.canonicalize().unwrap();
    format!("file://{}", path.display())
}

/// A static file server for one folder, on a free local port, for the life of the value.
pub struct Server {
    pub port: u16,
    /// The path and body size of every request answered, in order.
    served: std::sync::Arc<std::sync::Mutex<Vec<(String, u64)>>>,
}

impl Server {
    pub fn start(root: &Path) -> Server {
        Server::with_headers(root, &[])
    }

    /// A server that sends `headers` (name, value) with every response.
    pub fn with_headers(root: &Path, headers: &[(&str, &str)]) -> Server {
        let headers: String = headers
            .iter()
            .map(|(name, value)| format!("{name}: {value}\r\n"))
            .collect();
        let headers = std::sync::Arc::new(headers);
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let root = root.to_path_buf();
        let served = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let log = served.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let (root, log, headers) = (root.clone(), log.clone(), headers.clone());
                std::thread::spawn(move || serve(stream, &root, &log, &headers));
            }
        });
        Server { port, served }
    }

    /// The requests answered since the last call: path and body bytes (seen by the server, so
    /// also those a page's workers make). For the search benchmark, which includes this file.
    #[allow(dead_code)]
    pub fn take_served(&self) -> Vec<(String, u64)> {
        std::mem::take(&mut *self.served.lock().unwrap())
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}/{path}", self.port)
    }
}

fn serve(
    mut stream: TcpStream,
    root: &Path,
    log: &std::sync::Mutex<Vec<(String, u64)>>,
    headers: &str,
) {
    // Head and body go out as two writes: without this, Nagle's algorithm holds the body until
    // the client's delayed ACK of the head (40 ms a request on Linux).
    let _ = stream.set_nodelay(true);
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 {
            return;
        }
        let target = line.split_whitespace().nth(1).unwrap_or("/").to_string();
        loop {
            let mut header = String::new();
            if reader.read_line(&mut header).unwrap_or(0) == 0 || header.trim().is_empty() {
                break;
            }
        }
        let path = target.split(['?', '#']).next().unwrap_or("/");
        let path = percent_decode(path.trim_start_matches('/'));
        let mut file = root.join(&path);
        if file.is_dir() {
            file = file.join("index.html");
        }
        let (status, body) = match std::fs::File::open(&file) {
            Ok(mut f) if !path.contains("..") => {
                let mut body = Vec::new();
                f.read_to_end(&mut body).unwrap();
                ("200 OK", body)
            }
            _ => ("404 Not Found", b"not found".to_vec()),
        };
        let kind = match file.extension().and_then(|e| e.to_str()) {
            Some("html") => "text/html; charset=utf-8",
            Some("css") => "text/css",
            Some("js") => "text/javascript",
            Some("svg") => "image/svg+xml",
            Some("json") => "application/json",
            Some("wasm") => "application/wasm",
            Some("xml") => "application/xml",
            _ => "application/octet-stream",
        };
        let head = format!(
            "HTTP/1.1 {status}\r\nContent-Type: {kind}\r\nContent-Length: {}\r\n{headers}\r\n",
            body.len()
        );
        log.lock().unwrap().push((path.clone(), body.len() as u64));
        if stream.write_all(head.as_bytes()).is_err() || stream.write_all(&body).is_err() {
            return;
        }
    }
}

pub fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let Some(b) = bytes
                .get(i + 1..i + 3)
                .and_then(|hex| std::str::from_utf8(hex).ok())
                .and_then(|hex| u8::from_str_radix(hex, 16).ok())
        {
            out.push(b);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}
