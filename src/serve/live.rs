//! The state open pages follow: which build the served site comes from, what it changed, and
//! the errors of the last build (shown over the page until fixed). Each server-sent-events
//! connection waits here for the next build.

use std::sync::{Condvar, Mutex};
use std::time::Duration;

use crate::diagnostics::Diagnostic;

/// The latest build, as the pages see it.
#[derive(Debug, Clone, Default)]
pub struct Snapshot {
    /// Counts the builds of this serve run (the first is 1).
    pub generation: u64,
    /// Errors of the latest build (its output was not written).
    pub problems: Vec<Diagnostic>,
    /// Output files the latest build changed.
    pub changed: Vec<String>,
    /// Set when serve is stopping: connections close.
    pub stopping: bool,
}

/// Shared by the build loop (which publishes) and the connections (which wait).
pub struct Live {
    /// Tells a page served by this run of `tenet serve` from one served by an earlier run.
    pub instance: String,
    state: Mutex<Snapshot>,
    changed: Condvar,
}

impl Live {
    pub fn new() -> Live {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or_default();
        Live {
            instance: format!("{:x}-{:x}", std::process::id(), nanos),
            state: Mutex::new(Snapshot::default()),
            changed: Condvar::new(),
        }
    }

    pub fn now(&self) -> Snapshot {
        self.state.lock().expect("live state").clone()
    }

    /// A build finished: its errors (none when it wrote the site) and what it changed.
    pub fn publish(&self, problems: Vec<Diagnostic>, changed: Vec<String>) {
        let mut state = self.state.lock().expect("live state");
        state.generation += 1;
        state.problems = problems;
        state.changed = changed;
        self.changed.notify_all();
    }

    pub fn stop(&self) {
        self.state.lock().expect("live state").stopping = true;
        self.changed.notify_all();
    }

    /// Waits until a build newer than `seen` is published (or `timeout` passes, or serve
    /// stops); returns the state then.
    pub fn wait_after(&self, seen: u64, timeout: Duration) -> Snapshot {
        let state = self.state.lock().expect("live state");
        let (state, _) = self
            .changed
            .wait_timeout_while(state, timeout, |s| s.generation == seen && !s.stopping)
            .expect("live state");
        state.clone()
    }

    /// The JSON an event carries; `with_changed` for a build's event (a page that has just
    /// connected needs no list). A long list is sent as `["*"]`: everything changed.
    pub fn json(&self, snapshot: &Snapshot, with_changed: bool) -> String {
        const LONGEST: usize = 1000;
        let changed: Vec<&str> = match with_changed {
            false => Vec::new(),
            true if snapshot.changed.len() > LONGEST => vec!["*"],
            true => snapshot.changed.iter().map(String::as_str).collect(),
        };
        let problems: Vec<serde_json::Value> = snapshot
            .problems
            .iter()
            .map(|d| {
                serde_json::json!({
                    "path": d.path.display().to_string(),
                    "line": d.position.map(|p| p.0),
                    "column": d.position.map(|p| p.1),
                    "message": d.message,
                    "help": d.help,
                })
            })
            .collect();
        serde_json::json!({
            "instance": self.instance,
            "generation": snapshot.generation,
            "problems": problems,
            "changed": changed,
        })
        .to_string()
    }
}

impl Default for Live {
    fn default() -> Self {
        Live::new()
    }
}
