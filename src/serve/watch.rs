//! What `tenet serve` watches: in every handbook a build read (the handbook, the bases of its
//! edition chain, the editions of its other languages), `book.toml` and the folders
//! `content/`, `templates/`, `static/` and `themes/`. A change there is only a reason to build
//! again, and tells it which files changed: a build told that only pages it read before were
//! edited looks at nothing else; any other change (a file added, removed or renamed, a
//! template, a folder, or events the system lost) has the build find out for itself. Saves by
//! rename, as vim makes them, are seen like any other.

use std::path::{Path, PathBuf};
use std::sync::mpsc::Sender;
use std::sync::{Arc, Mutex};

use notify::event::{AccessKind, AccessMode, EventKind, MetadataKind, ModifyKind};
use notify::{RecursiveMode, Watcher as _};

/// The folders of a handbook whose files are its sources.
const SOURCE_FOLDERS: [&str; 4] = ["content", "templates", "static", "themes"];

/// What the build loop is told.
#[derive(Debug)]
pub enum Message {
    /// A source file changed, appeared or went away.
    Changed(PathBuf),
    /// Something changed, but what is not known.
    Unknown,
    /// Stop serving (Ctrl-C).
    Stop,
}

pub struct Watcher {
    inner: notify::RecommendedWatcher,
    /// The handbooks watched, as absolute paths.
    roots: Arc<Mutex<Vec<PathBuf>>>,
    /// (path, recursive) of every watch in place.
    watched: Vec<(PathBuf, bool)>,
}

impl Watcher {
    pub fn new(tell: Sender<Message>) -> Result<Watcher, String> {
        let roots: Arc<Mutex<Vec<PathBuf>>> = Arc::new(Mutex::new(Vec::new()));
        let seen = roots.clone();
        let inner = notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
            // An error, or events the system could not keep (its queue overflowed): what
            // changed is not known, so the next build looks at everything.
            let event = match event {
                Ok(event) if event.need_rescan() => {
                    let _ = tell.send(Message::Unknown);
                    return;
                }
                Ok(event) => event,
                Err(_) => {
                    let _ = tell.send(Message::Unknown);
                    return;
                }
            };
            if !is_change(&event.kind) {
                return;
            }
            let roots = seen.lock().expect("roots");
            for path in event.paths {
                if roots.iter().any(|root| is_source(root, &path)) {
                    let _ = tell.send(Message::Changed(path));
                }
            }
        })
        .map_err(|e| format!("cannot watch files: {e}"))?;
        Ok(Watcher {
            inner,
            roots,
            watched: Vec::new(),
        })
    }

    /// Watches these handbooks' sources (and no longer those of handbooks not listed). A
    /// source folder made later is picked up by the next call.
    pub fn watch(&mut self, handbooks: &[PathBuf]) -> Vec<String> {
        let mut want: Vec<(PathBuf, bool)> = Vec::new();
        let roots: Vec<PathBuf> = handbooks
            .iter()
            .map(|r| crate::output::absolute(r))
            .collect();
        *self.roots.lock().expect("roots") = roots.clone();
        for root in roots {
            want.push((root.clone(), false));
            for folder in SOURCE_FOLDERS {
                let path = root.join(folder);
                if path.is_dir() {
                    want.push((path, true));
                }
            }
        }
        want.sort();
        want.dedup();
        let mut problems = Vec::new();
        for old in std::mem::take(&mut self.watched) {
            if !want.contains(&old) {
                let _ = self.inner.unwatch(&old.0);
            } else {
                self.watched.push(old);
            }
        }
        for (path, recursive) in want {
            if self.watched.contains(&(path.clone(), recursive)) {
                continue;
            }
            let mode = if recursive {
                RecursiveMode::Recursive
            } else {
                RecursiveMode::NonRecursive
            };
            match self.inner.watch(&path, mode) {
                Ok(()) => self.watched.push((path, recursive)),
                Err(e) => problems.push(format!("cannot watch {}: {e}", path.display())),
            }
        }
        problems
    }
}

/// Events that may change a source: not reads, not access times.
fn is_change(kind: &EventKind) -> bool {
    match kind {
        EventKind::Access(AccessKind::Close(AccessMode::Write)) => true,
        EventKind::Access(_) => false,
        EventKind::Modify(ModifyKind::Metadata(MetadataKind::AccessTime)) => false,
        _ => true,
    }
}

/// A path of the handbook at `root` worth building for: its `book.toml`, a source folder
/// itself, or a file in one that is not an editor's scratch file (`.x.swp`, `x~`, vim's
/// `4913`, emacs' `.#x`).
fn is_source(root: &Path, path: &Path) -> bool {
    let Ok(rel) = path.strip_prefix(root) else {
        return false;
    };
    let mut parts = rel.components();
    let Some(first) = parts.next().and_then(|c| c.as_os_str().to_str()) else {
        return false;
    };
    if parts.next().is_none() {
        return first == "book.toml" || SOURCE_FOLDERS.contains(&first);
    }
    if !SOURCE_FOLDERS.contains(&first) {
        return false;
    }
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default();
    let scratch = name.starts_with('.')
        || name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name == "4913";
    !scratch
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sources_and_scratch_files() {
        let source = |p: &str| is_source(Path::new("/x/content/h"), Path::new(p));
        assert!(source("/x/content/h/book.toml"));
        assert!(source("/x/content/h/content/a/b.md"));
        assert!(source("/x/content/h/content"));
        assert!(source("/x/content/h/themes/t/templates/page.html"));
        assert!(!source("/x/content/h/content/.b.md.swp"));
        assert!(!source("/x/content/h/content/b.md~"));
        assert!(!source("/x/content/h/content/4913"));
        assert!(!source("/x/content/h/site/index.html"));
        assert!(!source("/x/content/h/.site.tenet-12"));
        assert!(!source("/x/content/h/notes.txt"));
        assert!(!source("/x/content/other/content/a.md"));
    }
}
