//! A small client for Chromium's DevTools protocol: start one headless Chromium, connect to its
//! browser websocket, send commands (to the browser, or to a page's session) and read what comes
//! back. Which commands, in what order, is the caller's: the printer (`super`) sends many at
//! once and follows their replies with [`Connection::receive`]; the integration tests send one
//! at a time with [`Connection::call`] and wait for the events they need with
//! [`Connection::wait_event`].

use std::collections::VecDeque;
use std::io::{BufRead, BufReader, ErrorKind};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use tungstenite::protocol::WebSocketConfig;
use tungstenite::{Message, WebSocket};

use super::CHROMIUM_FLAGS;

/// How long Chromium has to say where its DevTools listen.
const START_TIMEOUT: Duration = Duration::from_secs(30);

/// How long a read waits before the printer gets a turn to check its deadlines.
const TICK: Duration = Duration::from_millis(250);

/// A running Chromium and its profile folder. Dropping it, on every path out of the printer, kills
/// Chromium if it is still running ([`Chromium::close`] asks it to go first) and removes the
/// profile.
pub struct Chromium {
    child: Child,
    profile: PathBuf,
    /// The last line Chromium wrote to stderr that may say why it did not start.
    last_said: Arc<Mutex<String>>,
}

impl Chromium {
    /// Starts headless Chromium on a free DevTools port with a fresh profile, and returns it with
    /// the browser's websocket URL once Chromium has said it (`DevTools listening on ws://...`).
    pub fn launch(binary: &Path) -> Result<(Chromium, String), String> {
        Chromium::launch_with(binary, &[])
    }

    /// [`Chromium::launch`] with more flags after [`CHROMIUM_FLAGS`] and the DevTools port
    /// (`--hide-scrollbars`, say, for screenshots).
    pub fn launch_with(binary: &Path, flags: &[&str]) -> Result<(Chromium, String), String> {
        let profile = fresh_profile()
            .map_err(|e| format!("cannot make a profile folder for Chromium: {e}"))?;
        let child = Command::new(binary)
            .args(CHROMIUM_FLAGS)
            .arg("--remote-debugging-port=0")
            .args(flags)
            .arg(format!("--user-data-dir={}", profile.display()))
            .arg("about:blank")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn();
        let mut child = match child {
            Ok(child) => child,
            Err(e) => {
                let _ = std::fs::remove_dir_all(&profile);
                return Err(format!("cannot run {}: {e}", binary.display()));
            }
        };
        let stderr = child.stderr.take().expect("stderr is piped");
        let last_said = Arc::new(Mutex::new(String::new()));
        let chromium = Chromium {
            child,
            profile,
            last_said: last_said.clone(),
        };
        // Chromium's stderr is read to its end on a thread of its own (a full pipe would stall
        // Chromium): the listening line goes back through the channel, the rest is kept only as
        // the last line said.
        let (found, listening) = mpsc::channel();
        std::thread::spawn(move || {
            let mut found = Some(found);
            for line in BufReader::new(stderr).lines() {
                let Ok(line) = line else { break };
                if let Some(url) = listening_url(&line)
                    && let Some(found) = found.take()
                {
                    let _ = found.send(url.to_string());
                } else if worth_repeating(&line) {
                    *last_said.lock().unwrap_or_else(|e| e.into_inner()) = line;
                }
            }
        });
        match listening.recv_timeout(START_TIMEOUT) {
            Ok(url) => Ok((chromium, url)),
            Err(mpsc::RecvTimeoutError::Timeout) => Err(format!(
                "Chromium did not say where its DevTools listen (no `DevTools listening on` line) \
                 within {} s{}",
                START_TIMEOUT.as_secs(),
                chromium.last_said_suffix()
            )),
            Err(mpsc::RecvTimeoutError::Disconnected) => {
                let mut chromium = chromium;
                // Its stderr ended: Chromium stopped, or is about to.
                let status = wait_for(&mut chromium.child, Duration::from_secs(2))
                    .map(|s| format!(" ({s})"))
                    .unwrap_or_default();
                Err(format!(
                    "Chromium stopped before its DevTools were listening{status}{}",
                    chromium.last_said_suffix()
                ))
            }
        }
    }

    /// Why the connection to Chromium may have broken: its exit status if it has gone (it is
    /// given a moment).
    pub fn what_happened(&mut self) -> String {
        match wait_for(&mut self.child, Duration::from_secs(1)) {
            Some(status) => format!(" (Chromium exited: {status})"),
            None => String::new(),
        }
    }

    fn last_said_suffix(&self) -> String {
        let said = self.last_said.lock().unwrap_or_else(|e| e.into_inner());
        if said.is_empty() {
            String::new()
        } else {
            format!("; it last said: {}", said.trim())
        }
    }

    /// Gives Chromium, asked to close over `connection`, a moment to go by itself (so that it
    /// is done with its profile before the folder is removed).
    pub fn close(mut self, connection: &mut Connection) {
        if connection.send(None, "Browser.close", json!({})).is_ok() {
            let _ = wait_for(&mut self.child, Duration::from_secs(5));
        }
    }
}

impl Drop for Chromium {
    fn drop(&mut self) {
        if !matches!(self.child.try_wait(), Ok(Some(_))) {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
        let _ = std::fs::remove_dir_all(&self.profile);
    }
}

/// Waits up to `timeout` for `child` to exit; its status if it did.
fn wait_for(child: &mut Child, timeout: Duration) -> Option<std::process::ExitStatus> {
    let start = Instant::now();
    loop {
        match child.try_wait() {
            Ok(Some(status)) => return Some(status),
            Ok(None) if start.elapsed() < timeout => std::thread::sleep(Duration::from_millis(20)),
            _ => return None,
        }
    }
}

/// A new, empty folder under the system's temporary folder for Chromium's profile.
fn fresh_profile() -> std::io::Result<PathBuf> {
    static COUNT: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    loop {
        let n = COUNT.fetch_add(1, Ordering::Relaxed);
        let dir =
            std::env::temp_dir().join(format!("tenet-pdf-{}-{nanos:x}-{n}", std::process::id()));
        match std::fs::create_dir(&dir) {
            Err(e) if e.kind() == ErrorKind::AlreadyExists => continue,
            result => return result.map(|()| dir),
        }
    }
}

/// Whether a line Chromium wrote to stderr may say why it stopped: not its routine logging
/// (`[pid:tid:time:ERROR:file] ...`, about D-Bus and the like in a container), unless fatal.
fn worth_repeating(line: &str) -> bool {
    let line = line.trim();
    !line.is_empty() && (!line.starts_with('[') || line.contains(":FATAL:"))
}

/// The websocket URL in Chromium's `DevTools listening on ws://...` line, if `line` is that.
pub fn listening_url(line: &str) -> Option<&str> {
    let url = line.trim().strip_prefix("DevTools listening on ")?.trim();
    (url.starts_with("ws://") && host_and_port(url).is_some()).then_some(url)
}

/// `host:port` of a `ws://host:port/path` URL.
fn host_and_port(url: &str) -> Option<&str> {
    let rest = url.strip_prefix("ws://")?;
    let authority = rest.split('/').next()?;
    let (host, port) = authority.rsplit_once(':')?;
    (!host.is_empty() && port.parse::<u16>().is_ok()).then_some(authority)
}

/// The browser websocket, the numbering of the commands sent on it, and the events read while
/// waiting for a reply ([`Connection::call`]) or for another event ([`Connection::wait_event`]),
/// kept in the order they came until someone asks for them.
pub struct Connection {
    socket: WebSocket<TcpStream>,
    next_id: u64,
    events: VecDeque<Event>,
}

/// An event Chromium sent.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    /// The event's name (`Page.loadEventFired`).
    pub method: String,
    /// The session it came from (`None` for the browser's own).
    pub session: Option<String>,
    pub params: Value,
}

/// Why [`Connection::call`] or [`Connection::wait_event`] has nothing to give.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CallError {
    /// Chromium answered the command with an error: what it said.
    Refused(String),
    /// Nothing came within the time given.
    TimedOut,
    /// The connection is gone (or a command could not be sent): why.
    Lost(String),
}

impl std::fmt::Display for CallError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CallError::Refused(said) => write!(f, "Chromium refused it: {said}"),
            CallError::TimedOut => write!(f, "Chromium did not answer in time"),
            CallError::Lost(why) => f.write_str(why),
        }
    }
}

/// What [`Connection::receive`] got: a command's reply, an event, or nothing yet.
#[derive(Debug)]
pub enum Incoming {
    /// The reply to command `id`: its result, or the error Chromium gave.
    Reply {
        id: u64,
        result: Result<Value, String>,
    },
    /// An event, with the session it came from.
    Event(Event),
    /// Nothing within a [`TICK`].
    Nothing,
}

impl Connection {
    pub fn open(url: &str) -> Result<Connection, String> {
        let address = host_and_port(url).ok_or_else(|| format!("not a ws:// URL: {url}"))?;
        let stream = TcpStream::connect(address)
            .map_err(|e| format!("cannot connect to Chromium's DevTools at {address}: {e}"))?;
        // Commands are small and each waits on the one before; send them at once.
        let _ = stream.set_nodelay(true);
        stream
            .set_read_timeout(Some(START_TIMEOUT))
            .map_err(|e| e.to_string())?;
        // A PDF comes back as one message; the peer is our own Chromium, so no size limits.
        let config = WebSocketConfig::default()
            .max_message_size(None)
            .max_frame_size(None);
        let (socket, _) = tungstenite::client::client_with_config(url, stream, Some(config))
            .map_err(|e| format!("cannot open Chromium's DevTools websocket {url}: {e}"))?;
        socket
            .get_ref()
            .set_read_timeout(Some(TICK))
            .map_err(|e| e.to_string())?;
        Ok(Connection {
            socket,
            next_id: 1,
            events: VecDeque::new(),
        })
    }

    /// Sends a command, to a page's `session` or else to the browser, and returns its id.
    pub fn send(
        &mut self,
        session: Option<&str>,
        method: &str,
        params: Value,
    ) -> Result<u64, String> {
        let id = self.next_id;
        self.next_id += 1;
        let mut message = json!({"id": id, "method": method, "params": params});
        if let Some(session) = session {
            message["sessionId"] = json!(session);
        }
        self.socket
            .send(Message::text(message.to_string()))
            .map_err(|e| format!("cannot send {method} to Chromium: {e}"))?;
        Ok(id)
    }

    /// Sends a command, to a page's `session` or else to the browser, and waits up to `timeout`
    /// for its reply: its result, or why there is none. Events that come meanwhile are kept for
    /// [`Connection::wait_event`], [`Connection::take_events`] and [`Connection::receive`];
    /// replies to other commands (sent with [`Connection::send`]) are dropped.
    pub fn call(
        &mut self,
        session: Option<&str>,
        method: &str,
        params: Value,
        timeout: Duration,
    ) -> Result<Value, CallError> {
        let deadline = Instant::now() + timeout;
        let id = self
            .send(session, method, params)
            .map_err(CallError::Lost)?;
        loop {
            match self.read().map_err(CallError::Lost)? {
                Incoming::Reply { id: got, result } if got == id => {
                    return result.map_err(CallError::Refused);
                }
                Incoming::Reply { .. } | Incoming::Nothing => {}
                Incoming::Event(event) => self.events.push_back(event),
            }
            if Instant::now() >= deadline {
                return Err(CallError::TimedOut);
            }
        }
    }

    /// The first event named `method` from `session` (`None`: the browser's own), among those
    /// kept or else the next to come within `timeout`. Other events are kept meanwhile.
    pub fn wait_event(
        &mut self,
        session: Option<&str>,
        method: &str,
        timeout: Duration,
    ) -> Result<Event, CallError> {
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(at) = self
                .events
                .iter()
                .position(|e| e.method == method && e.session.as_deref() == session)
            {
                return Ok(self.events.remove(at).expect("the event was just found"));
            }
            if Instant::now() >= deadline {
                return Err(CallError::TimedOut);
            }
            match self.read().map_err(CallError::Lost)? {
                Incoming::Event(event) => self.events.push_back(event),
                Incoming::Reply { .. } | Incoming::Nothing => {}
            }
        }
    }

    /// Takes every kept event named `method` from `session`, in the order they came (only those
    /// read so far: this does not wait).
    pub fn take_events(&mut self, session: Option<&str>, method: &str) -> Vec<Event> {
        let (taken, kept): (VecDeque<Event>, VecDeque<Event>) = std::mem::take(&mut self.events)
            .into_iter()
            .partition(|e| e.method == method && e.session.as_deref() == session);
        self.events = kept;
        taken.into()
    }

    /// The next reply or event (a kept event first), or [`Incoming::Nothing`] if none came
    /// within a [`TICK`]. An error means the connection is gone.
    pub fn receive(&mut self) -> Result<Incoming, String> {
        if let Some(event) = self.events.pop_front() {
            return Ok(Incoming::Event(event));
        }
        self.read()
    }

    /// The next message from the socket, or [`Incoming::Nothing`] after a [`TICK`].
    fn read(&mut self) -> Result<Incoming, String> {
        loop {
            match self.socket.read() {
                Ok(Message::Text(text)) => return parse(text.as_str()),
                Ok(Message::Close(_)) => return Err("Chromium closed the connection".into()),
                Ok(_) => continue,
                Err(tungstenite::Error::Io(e))
                    if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) =>
                {
                    return Ok(Incoming::Nothing);
                }
                Err(e) => return Err(format!("lost the connection to Chromium: {e}")),
            }
        }
    }
}

/// A message from Chromium, as a reply or an event.
fn parse(text: &str) -> Result<Incoming, String> {
    let mut message: Value = serde_json::from_str(text)
        .map_err(|e| format!("Chromium sent something that is not JSON ({e})"))?;
    if let Some(id) = message.get("id").and_then(Value::as_u64) {
        let result = match message.get("error") {
            Some(error) => Err(match error.get("message").and_then(Value::as_str) {
                Some(said) => said.to_string(),
                None => error.to_string(),
            }),
            None => Ok(message
                .get_mut("result")
                .map(Value::take)
                .unwrap_or(Value::Null)),
        };
        return Ok(Incoming::Reply { id, result });
    }
    match message.get("method").and_then(Value::as_str) {
        Some(method) => Ok(Incoming::Event(Event {
            method: method.to_string(),
            session: message
                .get("sessionId")
                .and_then(Value::as_str)
                .map(str::to_string),
            params: message
                .get_mut("params")
                .map(Value::take)
                .unwrap_or(Value::Null),
        })),
        None => Err(format!(
            "Chromium sent neither a reply nor an event: {text}"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_listening_line_gives_the_browser_websocket() {
        let line = "DevTools listening on ws://127.0.0.1:43181/devtools/browser/855c1daa-9b4f";
        assert_eq!(
            listening_url(line),
            Some("ws://127.0.0.1:43181/devtools/browser/855c1daa-9b4f")
        );
        assert_eq!(listening_url(&format!("  {line}\r")), listening_url(line));
        assert_eq!(
            host_and_port(listening_url(line).unwrap()),
            Some("127.0.0.1:43181")
        );
        assert_eq!(
            listening_url("DevTools listening on ws://[::1]:9222/devtools/browser/x"),
            Some("ws://[::1]:9222/devtools/browser/x")
        );
        for not in [
            "",
            "[26401:26432:1123/192508.453407:ERROR:dbus/bus.cc:405] Failed to connect to the bus",
            "DevTools listening on ",
            "DevTools listening on http://127.0.0.1:9222/",
            "DevTools listening on ws://127.0.0.1/devtools/browser/x",
            "DevTools listening on ws://127.0.0.1:port/devtools/browser/x",
        ] {
            assert_eq!(listening_url(not), None, "{not}");
        }
    }

    #[test]
    fn replies_and_events_are_told_apart() {
        match parse(r#"{"id":3,"result":{"targetId":"T"}}"#).unwrap() {
            Incoming::Reply { id: 3, result } => assert_eq!(result.unwrap()["targetId"], "T"),
            other => panic!("{other:?}"),
        }
        match parse(r#"{"id":4,"error":{"code":-32000,"message":"Printing failed"}}"#).unwrap() {
            Incoming::Reply { id: 4, result } => assert_eq!(result.unwrap_err(), "Printing failed"),
            other => panic!("{other:?}"),
        }
        match parse(r#"{"method":"Page.loadEventFired","params":{"timestamp":1},"sessionId":"S"}"#)
            .unwrap()
        {
            Incoming::Event(Event {
                method,
                session,
                params,
            }) => {
                assert_eq!(method, "Page.loadEventFired");
                assert_eq!(session.as_deref(), Some("S"));
                assert_eq!(params["timestamp"], 1);
            }
            other => panic!("{other:?}"),
        }
        assert!(parse("{}").is_err());
    }

    #[test]
    fn only_what_may_say_why_chromium_stopped_is_repeated() {
        assert!(worth_repeating("cannot open display"));
        assert!(worth_repeating(
            "[1:1:1123/192508.4:FATAL:zygote_host_impl_linux.cc(127)] No usable sandbox!"
        ));
        assert!(!worth_repeating(
            "[26401:26432:1123/192508.453407:ERROR:dbus/bus.cc:405] Failed to connect to the bus"
        ));
        assert!(!worth_repeating("  "));
        assert!(parse("not json").is_err());
    }

    /// A stand-in for Chromium's browser websocket on this machine: to each command it answers
    /// with the messages `answer` gives for its id and method, then closes after `Bye`.
    fn stand_in(answer: fn(u64, &str) -> Vec<Value>) -> String {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!(
            "ws://{}/devtools/browser/test",
            listener.local_addr().unwrap()
        );
        std::thread::spawn(move || {
            let (stream, _) = listener.accept().unwrap();
            let mut socket = tungstenite::accept(stream).unwrap();
            while let Ok(Message::Text(text)) = socket.read() {
                let command: Value = serde_json::from_str(text.as_str()).unwrap();
                let method = command["method"].as_str().unwrap().to_string();
                for message in answer(command["id"].as_u64().unwrap(), &method) {
                    socket.send(Message::text(message.to_string())).unwrap();
                }
                if method == "Bye" {
                    let _ = socket.close(None);
                    let _ = socket.flush();
                    return;
                }
            }
        });
        url
    }

    #[test]
    fn a_call_waits_for_its_reply_and_keeps_the_events_that_came_first() {
        let url = stand_in(|id, method| match method {
            "Page.navigate" => vec![
                json!({"method": "Page.frameStartedLoading", "sessionId": "S", "params": {"n": 1}}),
                json!({"id": 999, "result": {}}),
                json!({"method": "Page.loadEventFired", "sessionId": "S", "params": {"n": 2}}),
                json!({"method": "Target.targetCreated", "params": {"n": 3}}),
                json!({"id": id, "result": {"frameId": "F"}}),
            ],
            "Page.printToPDF" => {
                vec![json!({"id": id, "error": {"code": -32000, "message": "Printing failed"}})]
            }
            "Quiet" => vec![],
            _ => vec![json!({"id": id, "result": {}})],
        });
        let mut connection = Connection::open(&url).unwrap();
        let second = Duration::from_secs(1);
        let long = Duration::from_secs(30);
        let reply = connection.call(
            Some("S"),
            "Page.navigate",
            json!({"url": "about:blank"}),
            long,
        );
        assert_eq!(reply, Ok(json!({"frameId": "F"})));
        // Kept: found by name and session, the others left in their order.
        let loaded = connection.wait_event(Some("S"), "Page.loadEventFired", second);
        assert_eq!(loaded.unwrap().params, json!({"n": 2}));
        assert_eq!(
            connection.take_events(None, "Page.frameStartedLoading"),
            Vec::new(),
            "the page's event, not the browser's"
        );
        let browser_own = connection.take_events(None, "Target.targetCreated");
        assert_eq!(browser_own.len(), 1);
        match connection.receive().unwrap() {
            Incoming::Event(Event {
                method, session, ..
            }) => {
                assert_eq!(method, "Page.frameStartedLoading");
                assert_eq!(session.as_deref(), Some("S"));
            }
            other => panic!("{other:?}"),
        }
        // An error reply, a reply that does not come, an event that does not come.
        assert_eq!(
            connection.call(Some("S"), "Page.printToPDF", json!({}), long),
            Err(CallError::Refused("Printing failed".into()))
        );
        assert_eq!(
            connection.call(None, "Quiet", json!({}), second),
            Err(CallError::TimedOut)
        );
        assert_eq!(
            connection.wait_event(Some("S"), "Page.loadEventFired", second),
            Err(CallError::TimedOut)
        );
        // The connection closed: every call says so.
        assert!(matches!(
            connection.call(None, "Bye", json!({}), long),
            Ok(_) | Err(CallError::Lost(_))
        ));
        assert!(matches!(
            connection.call(None, "After", json!({}), long),
            Err(CallError::Lost(_))
        ));
    }
}
