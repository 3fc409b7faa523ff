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
    /// Set when serve is stopping: connections close.
    pub stopping: bool,
}

/// Shared by the build loop (which publishes) and the connections (which wait).
pub struct Live {
    /// Tells a page served by this run of `tenet serve` from one served by an earlier run.
    pub instance: String,
    state: Mutex<Snapshot>,
    changed: Condvar,
    /// What the latest builds changed, by generation: a page that connects tells which build
    /// it was sent from, and reloads only if a later one changed it.
    history: Mutex<std::collections::VecDeque<(u64, Vec<String>)>>,
    /// The files open pages show (with how many pages show each).
    open: Mutex<std::collections::HashMap<String, usize>>,
}

/// A page open in a browser, from its connection until it goes.
pub struct Open<'a> {
    live: &'a Live,
    file: String,
}

impl Drop for Open<'_> {
    fn drop(&mut self) {
        let mut open = self.live.open.lock().expect("open pages");
        if let Some(n) = open.get_mut(&self.file) {
            *n -= 1;
            if *n == 0 {
                open.remove(&self.file);
            }
        }
    }
}

/// How many builds back a connecting page can be told what changed (further back, it reloads).
const HISTORY: usize = 64;

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
            history: Mutex::new(std::collections::VecDeque::new()),
            open: Mutex::new(std::collections::HashMap::new()),
        }
    }

    /// A page showing `file` (relative to the output folder) is open, until the value returned
    /// is dropped.
    pub fn opened(&self, file: String) -> Open<'_> {
        *self
            .open
            .lock()
            .expect("open pages")
            .entry(file.clone())
            .or_default() += 1;
        Open { live: self, file }
    }

    /// The files the open pages show, sorted.
    pub fn open_pages(&self) -> Vec<String> {
        let mut files: Vec<String> = self
            .open
            .lock()
            .expect("open pages")
            .keys()
            .cloned()
            .collect();
        files.sort_unstable();
        files
    }

    pub fn now(&self) -> Snapshot {
        self.state.lock().expect("live state").clone()
    }

    /// A build finished: its errors (none when it wrote the site) and what it changed.
    pub fn publish(&self, problems: Vec<Diagnostic>, changed: Vec<String>) {
        let mut state = self.state.lock().expect("live state");
        state.generation += 1;
        {
            let mut history = self.history.lock().expect("history");
            history.push_back((state.generation, changed));
            if history.len() > HISTORY {
                history.pop_front();
            }
        }
        state.problems = problems;
        self.changed.notify_all();
    }

    pub fn stop(&self) {
        self.state.lock().expect("live state").stopping = true;
        self.changed.notify_all();
    }

    /// The files changed by the builds after `since` up to `now` (`["*"]` when that is not
    /// known any more, or for a page that does not say).
    pub fn changed_since(&self, since: Option<u64>, now: u64) -> Vec<String> {
        let history = self.history.lock().expect("history");
        let Some(since) = since else {
            return vec!["*".into()];
        };
        if since >= now {
            return Vec::new();
        }
        if history.front().is_none_or(|(g, _)| *g > since + 1) {
            return vec!["*".into()];
        }
        let mut changed: Vec<String> = history
            .iter()
            .filter(|(g, _)| *g > since && *g <= now)
            .flat_map(|(_, c)| c.iter().cloned())
            .collect();
        changed.sort_unstable();
        changed.dedup();
        changed
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

    /// The JSON an event carries, with what changed (a long list is sent as `["*"]`:
    /// everything changed).
    pub fn json(&self, snapshot: &Snapshot, changed: &[String]) -> String {
        const LONGEST: usize = 1000;
        let changed: Vec<&str> = match changed.len() > LONGEST {
            true => vec!["*"],
            false => changed.iter().map(String::as_str).collect(),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_is_told_what_changed_since_it_was_sent() {
        let live = Live::new();
        live.publish(Vec::new(), vec!["a/index.html".into()]);
        live.publish(
            Vec::new(),
            vec!["b/index.html".into(), "c/index.html".into()],
        );
        live.publish(Vec::new(), vec!["a/index.html".into()]);
        let now = live.now().generation;
        assert_eq!(now, 3);
        assert_eq!(live.changed_since(Some(3), now), Vec::<String>::new());
        assert_eq!(live.changed_since(Some(2), now), vec!["a/index.html"]);
        assert_eq!(
            live.changed_since(Some(1), now),
            vec!["a/index.html", "b/index.html", "c/index.html"]
        );
        assert_eq!(live.changed_since(None, now), vec!["*"]);
        // Further back than the builds remembered: everything.
        for _ in 0..HISTORY {
            live.publish(Vec::new(), vec!["d/index.html".into()]);
        }
        let now = live.now().generation;
        assert_eq!(live.changed_since(Some(1), now), vec!["*"]);
        assert_eq!(live.changed_since(Some(now - 1), now), vec!["d/index.html"]);
    }
}
