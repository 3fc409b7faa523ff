//! Write: the one way files leave a build.
//!
//! A build writes into a fresh temporary folder beside the output folder and, only when the
//! whole build succeeded, swaps it in; on any error the temporary folder is removed and the
//! earlier output stays exactly as it was. A marker file identifies folders tenet made: tenet
//! refuses to replace a folder without it (it might hold someone's work), and refuses output
//! folders that are the handbook itself or one of its parents.

use std::collections::{HashMap, HashSet};
use std::fs;
use std::hash::Hasher;
use std::io::Write;
use std::path::{Component, Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};

use crate::diagnostics::Diagnostic;

/// The file that marks a folder as tenet's output.
pub const MARKER: &str = ".tenet-output";

/// Checks that `out` may be (re)written by a build of the handbook at `root`, whose bases
/// (for a local edition) are at `bases`: it must not hold or sit inside any of their sources.
pub fn check_target(root: &Path, bases: &[&Path], out: &Path) -> Result<(), Diagnostic> {
    for handbook in bases.iter().copied().chain([root]) {
        check_outside(handbook, out)?;
    }
    let out_abs = absolute(out);
    if out_abs.exists() {
        if !out_abs.is_dir() {
            return Err(
                Diagnostic::error(out, "the output path exists and is not a folder")
                    .help("choose another output path, or remove that file")
                    .code("output-folder"),
            );
        }
        let empty = fs::read_dir(&out_abs)
            .map(|mut d| d.next().is_none())
            .unwrap_or(false);
        if !empty && !out_abs.join(MARKER).is_file() {
            return Err(Diagnostic::error(
                out,
                "the output folder holds files that tenet did not write; refusing to replace it",
            )
            .help(format!(
                "choose an empty or new output folder; tenet only replaces folders that hold its marker file `{MARKER}`"
            ))
            .code("output-folder"));
        }
    }
    Ok(())
}

/// The output must not hold the handbook at `root`, nor sit inside its sources.
fn check_outside(root: &Path, out: &Path) -> Result<(), Diagnostic> {
    let root_abs = absolute(root);
    let out_abs = absolute(out);
    if root_abs.starts_with(&out_abs) {
        return Err(Diagnostic::error(
            out,
            "the output folder is the handbook folder or one of its parents",
        )
        .help("choose an output folder such as `site` inside the handbook, or one elsewhere")
        .code("output-folder"));
    }
    if out_abs.starts_with(root_abs.join("content")) {
        return Err(Diagnostic::error(
            out,
            "the output folder is inside content/, where it would be read as pages",
        )
        .help("choose an output folder outside content/, such as `site`")
        .code("output-folder"));
    }
    for own in ["templates", "static", "themes"] {
        if out_abs.starts_with(root_abs.join(own)) {
            return Err(Diagnostic::error(
                out,
                format!("the output folder is inside the handbook's {own}/ folder"),
            )
            .help("choose an output folder such as `site`")
            .code("output-folder"));
        }
    }
    Ok(())
}

/// Makes a path absolute and lexically normal (without touching the file system beyond the
/// current directory), so that comparisons work for paths that do not exist yet.
pub fn absolute(path: &Path) -> PathBuf {
    let joined = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir().unwrap_or_default().join(path)
    };
    // Resolve symbolic links in the part that exists.
    let mut existing = joined.clone();
    let mut tail = Vec::new();
    while !existing.exists() {
        match (
            existing.file_name().map(|n| n.to_os_string()),
            existing.parent(),
        ) {
            (Some(name), Some(parent)) => {
                tail.push(name);
                existing = parent.to_path_buf();
            }
            _ => break,
        }
    }
    let mut out = existing.canonicalize().unwrap_or(existing);
    for name in tail.into_iter().rev() {
        out.push(name);
    }
    let mut normal = PathBuf::new();
    for component in out.components() {
        match component {
            Component::ParentDir => {
                normal.pop();
            }
            Component::CurDir => {}
            other => normal.push(other),
        }
    }
    normal
}

/// What an output folder holds, as the build that wrote it left it: each file's path (relative,
/// `/`-separated) and a hash of its bytes. A later build given this writes only what changed.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Manifest {
    files: HashMap<String, u64>,
}

/// What a committed build changed in the output folder.
#[derive(Debug)]
pub struct Committed {
    pub path: PathBuf,
    /// The folder's files now, when the build kept track of them ([`Staging::tracked`]).
    pub manifest: Option<Manifest>,
    /// Files written or removed (relative paths, sorted), when tracked; every file of the
    /// output after a build that replaced the whole folder.
    pub changed: Vec<String>,
}

/// Where a build writes: a temporary folder beside the output folder. [`Staging::commit`] then
/// either swaps it in whole, or (an update, [`Staging::tracked`] with the manifest of what the
/// folder holds) moves in only the files whose bytes changed and removes those no longer made.
pub struct Staging {
    target: PathBuf,
    temp: PathBuf,
    /// Hashes are kept of every file written (for the next build's update).
    track: bool,
    /// In an update: what the output folder holds now.
    previous: Option<Manifest>,
    written: Mutex<HashMap<String, u64>>,
    /// In an update: files whose bytes differ from the folder's (they are in `temp`).
    changed: Mutex<Vec<String>>,
    /// In an update: changed files already moved into the output folder ([`Staging::flush`]).
    flushed: Mutex<Vec<String>>,
    /// Folders made so far (relative), so that a folder of many files is made once.
    folders: Mutex<HashSet<String>>,
    files: AtomicUsize,
    bytes: AtomicU64,
}

impl Staging {
    /// Creates the temporary folder beside `target`, to replace it whole on commit.
    pub fn new(target: &Path) -> std::io::Result<Staging> {
        Staging::make(target, false, None)
    }

    /// Like [`Staging::new`], keeping the hash of every file written. With the `previous`
    /// manifest of the output folder (which must still hold tenet's marker), the commit only
    /// moves in what changed.
    pub fn tracked(target: &Path, previous: Option<Manifest>) -> std::io::Result<Staging> {
        let target_abs = absolute(target);
        let previous = previous.filter(|_| target_abs.join(MARKER).is_file());
        Staging::make(target, true, previous)
    }

    fn make(target: &Path, track: bool, previous: Option<Manifest>) -> std::io::Result<Staging> {
        let target = absolute(target);
        let parent = target
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_else(|| PathBuf::from("."));
        fs::create_dir_all(&parent)?;
        let name = target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "site".into());
        recover(&parent, &name);
        let temp = parent.join(format!(".{name}.tenet-{}", std::process::id()));
        if temp.exists() {
            fs::remove_dir_all(&temp)?;
        }
        fs::create_dir(&temp)?;
        fs::write(
            temp.join(MARKER),
            "This folder was written by tenet; a new build replaces it.\n",
        )?;
        Ok(Staging {
            target,
            temp,
            track,
            previous,
            written: Mutex::new(HashMap::new()),
            changed: Mutex::new(Vec::new()),
            flushed: Mutex::new(Vec::new()),
            folders: Mutex::new(HashSet::new()),
            files: AtomicUsize::new(0),
            bytes: AtomicU64::new(0),
        })
    }

    /// A file for the build's own use while it runs ([`crate::spill`]), in the temporary
    /// folder and unlinked at once, so that it is never part of the output and goes with the
    /// process. None where a file cannot be unlinked while open (Windows): the build then
    /// holds what it would have spilled.
    pub fn spill(&self) -> std::io::Result<Option<std::sync::Arc<crate::spill::Spill>>> {
        if !cfg!(unix) {
            return Ok(None);
        }
        let path = self.temp.join(".tenet-spill");
        let file = fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create_new(true)
            .open(&path)?;
        fs::remove_file(&path)?;
        Ok(Some(crate::spill::Spill::new(file)))
    }

    /// Writes one file at a relative path (`a/b/index.html`). Two writes to one path, or a
    /// path that would leave the folder, are errors.
    pub fn write(&self, rel: &str, data: &[u8]) -> Result<(), String> {
        self.claim(rel)?;
        if self.track {
            let hash = hash_bytes(data);
            self.record(rel, hash);
            if self.unchanged(rel, hash) {
                self.count(data.len() as u64);
                return Ok(());
            }
        }
        self.put(rel, &mut |file| {
            file.write_all(data).map(|()| data.len() as u64)
        })?;
        self.note_changed(rel);
        Ok(())
    }

    /// Writes one file whose bytes `fill` produces bit by bit (returning how many), so that a
    /// large file is never whole in memory.
    pub fn write_with(
        &self,
        rel: &str,
        fill: &mut dyn FnMut(&mut dyn Write) -> std::io::Result<u64>,
    ) -> Result<(), String> {
        self.claim(rel)?;
        let mut hasher = self.track.then(std::hash::DefaultHasher::new);
        let path = self.put(rel, &mut |file| match hasher.as_mut() {
            Some(hasher) => fill(&mut Hashing {
                inner: file,
                hasher,
            }),
            None => fill(file),
        })?;
        if let Some(hasher) = hasher {
            let hash = hasher.finish();
            self.record(rel, hash);
            if self.unchanged(rel, hash) {
                let _ = fs::remove_file(&path);
                return Ok(());
            }
        }
        self.note_changed(rel);
        Ok(())
    }

    /// In an update: keeps the output folder's file at `rel` as it is, for a caller that knows
    /// it would write the same bytes. False (and nothing done) when the folder does not have
    /// the file this build can vouch for; the caller then writes it.
    pub fn keep(&self, rel: &str) -> bool {
        let Some(hash) = self
            .previous
            .as_ref()
            .and_then(|p| p.files.get(rel).copied())
        else {
            return false;
        };
        // The folder is taken to hold what the manifest says (it is this session's own; a
        // file removed from it by hand comes back when it next changes, or with a new
        // session).
        if self.claim(rel).is_err() {
            return false;
        }
        self.record(rel, hash);
        self.files.fetch_add(1, Ordering::Relaxed);
        true
    }

    /// The output folder this build replaces or updates.
    pub fn target(&self) -> &Path {
        &self.target
    }

    /// Where the bytes this build wrote at `rel` are now: in the temporary folder, or (in an
    /// update, kept or already moved in) in the output folder. None when it wrote nothing there.
    pub fn staged(&self, rel: &str) -> Option<PathBuf> {
        if !is_safe_relative(rel) || !self.written.lock().expect("not poisoned").contains_key(rel) {
            return None;
        }
        let temp = self.temp.join(rel);
        if temp.is_file() {
            return Some(temp);
        }
        let target = self.target.join(rel);
        (self.previous.is_some() && target.is_file()).then_some(target)
    }

    /// Copies a file from disk to a relative path.
    pub fn copy(&self, rel: &str, from: &Path) -> Result<(), String> {
        let data = fs::read(from).map_err(|e| format!("cannot read {}: {e}", from.display()))?;
        self.write(rel, &data)
    }

    /// Takes `rel` for this build: it must stay inside the folder and be written once.
    fn claim(&self, rel: &str) -> Result<(), String> {
        if !is_safe_relative(rel) {
            return Err(format!(
                "refusing to write `{rel}`: it would land outside the output folder"
            ));
        }
        let mut written = self.written.lock().expect("not poisoned");
        if written.contains_key(rel) {
            return Err(format!("two outputs want the same path `{rel}`"));
        }
        written.insert(rel.to_string(), 0);
        Ok(())
    }

    fn record(&self, rel: &str, hash: u64) {
        self.written
            .lock()
            .expect("not poisoned")
            .insert(rel.to_string(), hash);
    }

    /// In an update: the output folder already holds these bytes at `rel`.
    fn unchanged(&self, rel: &str, hash: u64) -> bool {
        self.previous
            .as_ref()
            .is_some_and(|p| p.files.get(rel) == Some(&hash) && self.target.join(rel).is_file())
    }

    fn note_changed(&self, rel: &str) {
        if self.previous.is_some() {
            self.changed
                .lock()
                .expect("not poisoned")
                .push(rel.to_string());
        }
    }

    fn count(&self, bytes: u64) {
        self.files.fetch_add(1, Ordering::Relaxed);
        self.bytes.fetch_add(bytes, Ordering::Relaxed);
    }

    /// Writes the file into the temporary folder; returns its path there.
    fn put(
        &self,
        rel: &str,
        fill: &mut dyn FnMut(&mut dyn Write) -> std::io::Result<u64>,
    ) -> Result<PathBuf, String> {
        let path = self.temp.join(rel);
        if let (Some(dir), Some((folder, _))) = (path.parent(), rel.rsplit_once('/')) {
            let made = self.folders.lock().expect("not poisoned").contains(folder);
            if !made {
                fs::create_dir_all(dir)
                    .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
                self.folders
                    .lock()
                    .expect("not poisoned")
                    .insert(folder.to_string());
            }
        }
        let file =
            fs::File::create(&path).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        let mut file = std::io::BufWriter::with_capacity(1 << 16, file);
        let written = fill(&mut file)
            .and_then(|n| file.flush().map(|()| n))
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        self.count(written);
        Ok(path)
    }

    pub fn files_written(&self) -> usize {
        self.files.load(Ordering::Relaxed)
    }

    pub fn bytes_written(&self) -> u64 {
        self.bytes.load(Ordering::Relaxed)
    }

    /// Puts the new output in place: swaps the whole folder in (removing the previous one,
    /// which held the marker), or, in an update, moves in the changed files and removes the
    /// files no longer made.
    pub fn commit(mut self) -> std::io::Result<Committed> {
        let written = std::mem::take(self.written.get_mut().expect("not poisoned"));
        let manifest = self.track.then_some(Manifest { files: written });
        let committed = match self.previous.take() {
            Some(previous) => {
                let manifest = manifest.expect("an update is tracked");
                let changed = self.update(&previous, &manifest)?;
                Committed {
                    path: self.target.clone(),
                    manifest: Some(manifest),
                    changed,
                }
            }
            None => {
                self.swap()?;
                let mut changed: Vec<String> = manifest
                    .iter()
                    .flat_map(|m| m.files.keys().cloned())
                    .collect();
                changed.sort_unstable();
                Committed {
                    path: self.target.clone(),
                    manifest,
                    changed,
                }
            }
        };
        // Dropping removes the temporary folder (empty or gone by now).
        Ok(committed)
    }

    /// In an update: moves the files changed so far into the output folder now (each by a
    /// rename), before the build is done, so that pages can be shown while the rest is made;
    /// returns them. (When the build later fails, the folder holds them: the session then
    /// starts over with a whole build.) Does nothing when the folder is to be replaced whole.
    pub fn flush(&self) -> std::io::Result<Vec<String>> {
        if self.previous.is_none() {
            return Ok(Vec::new());
        }
        let mut moved = std::mem::take(&mut *self.changed.lock().expect("not poisoned"));
        self.move_in(&moved)?;
        moved.sort_unstable();
        self.flushed
            .lock()
            .expect("not poisoned")
            .extend(moved.iter().cloned());
        Ok(moved)
    }

    /// Whether some files were moved into the output folder before the commit.
    pub fn has_flushed(&self) -> bool {
        !self.flushed.lock().expect("not poisoned").is_empty()
    }

    fn move_in(&self, rels: &[String]) -> std::io::Result<()> {
        for rel in rels {
            let to = self.target.join(rel);
            if let Some(dir) = to.parent() {
                fs::create_dir_all(dir)?;
            }
            fs::rename(self.temp.join(rel), &to)?;
        }
        Ok(())
    }

    /// Replaces the output folder by the temporary one: by one atomic exchange where the
    /// system has it (Linux), so that at every moment the folder holds either the earlier site
    /// or the new one; else by two renames (a build killed between them leaves the earlier
    /// site beside, which the next build puts back: [`recover`]).
    fn swap(&self) -> std::io::Result<()> {
        #[cfg(target_os = "linux")]
        if self.target.exists()
            && rustix::fs::renameat_with(
                rustix::fs::CWD,
                &self.temp,
                rustix::fs::CWD,
                &self.target,
                rustix::fs::RenameFlags::EXCHANGE,
            )
            .is_ok()
        {
            // The earlier site is now at the temporary path: removed when the staging drops
            // (it carries the marker: the target was checked to).
            return Ok(());
        }
        let old = if self.target.exists() {
            let name = self
                .target
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let old = self
                .target
                .with_file_name(format!(".{name}.tenet-old-{}", std::process::id()));
            if old.exists() {
                fs::remove_dir_all(&old)?;
            }
            fs::rename(&self.target, &old)?;
            Some(old)
        } else {
            None
        };
        if let Err(e) = fs::rename(&self.temp, &self.target) {
            if let Some(old) = &old {
                let _ = fs::rename(old, &self.target);
            }
            return Err(e);
        }
        if let Some(old) = old {
            // Only ever remove a folder that carries our marker.
            if old.join(MARKER).is_file() {
                remove_ours(&old)?;
            }
        }
        Ok(())
    }

    /// Moves the changed files into the output folder (each by a rename, so a reader never
    /// sees half a file) and removes the files `previous` had that this build did not make.
    /// Returns what changed, sorted.
    fn update(&self, previous: &Manifest, now: &Manifest) -> std::io::Result<Vec<String>> {
        let mut changed = std::mem::take(&mut *self.changed.lock().expect("not poisoned"));
        self.move_in(&changed)?;
        changed.extend(std::mem::take(
            &mut *self.flushed.lock().expect("not poisoned"),
        ));
        let mut gone: Vec<&String> = previous
            .files
            .keys()
            .filter(|rel| !now.files.contains_key(*rel))
            .collect();
        gone.sort_unstable();
        for rel in gone {
            let path = self.target.join(rel);
            match fs::remove_file(&path) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(e),
            }
            // Folders left empty go too (never the output folder itself).
            let mut dir = path.parent();
            while let Some(d) = dir.filter(|d| *d != self.target && d.starts_with(&self.target)) {
                if fs::remove_dir(d).is_err() {
                    break;
                }
                dir = d.parent();
            }
            changed.push(rel.clone());
        }
        changed.sort_unstable();
        Ok(changed)
    }
}

/// The hash a tracked build keeps of a file's bytes (the same however they were written).
/// What a build killed midway left beside the output folder `name` in `parent`: its temporary
/// folders (`.name.tenet-<pid>`, `.name.tenet-old-<pid>`) whose process is gone. The earlier
/// site, moved aside by a build killed before it moved the new one in, is put back; the rest,
/// each carrying tenet's marker, is removed. Folders of a build still running are left alone.
pub fn recover(parent: &Path, name: &str) {
    let Ok(entries) = fs::read_dir(parent) else {
        return;
    };
    let prefix = format!(".{name}.tenet-");
    let target = parent.join(name);
    let mut stale: Vec<(PathBuf, bool)> = Vec::new();
    for entry in entries.flatten() {
        let file_name = entry.file_name().to_string_lossy().into_owned();
        let Some(rest) = file_name.strip_prefix(&prefix) else {
            continue;
        };
        let (old, pid) = match rest.strip_prefix("old-") {
            Some(pid) => (true, pid),
            None => (false, rest),
        };
        let path = entry.path();
        if pid.parse::<u32>().is_ok_and(|pid| !gone(pid, &path)) || !path.join(MARKER).is_file() {
            continue;
        }
        stale.push((path, old));
    }
    for (path, old) in stale {
        if old && !target.exists() && fs::rename(&path, &target).is_ok() {
            continue;
        }
        let _ = remove_ours(&path);
    }
}

/// Removes a folder tenet made, its marker last: a removal cut short leaves a folder that is
/// still known as tenet's, for the next build to finish.
fn remove_ours(dir: &Path) -> std::io::Result<()> {
    for entry in fs::read_dir(dir)?.flatten() {
        if entry.file_name() == MARKER {
            continue;
        }
        let path = entry.path();
        if entry.file_type()?.is_dir() {
            fs::remove_dir_all(&path)?;
        } else {
            fs::remove_file(&path)?;
        }
    }
    fs::remove_file(dir.join(MARKER))?;
    fs::remove_dir(dir)
}

/// Whether the process `pid`, which made the folder `made`, has ended (this one never has).
fn gone(pid: u32, made: &Path) -> bool {
    if pid == std::process::id() {
        return false;
    }
    if cfg!(target_os = "linux") {
        return !Path::new("/proc").join(pid.to_string()).exists();
    }
    // Elsewhere: a folder no build has touched for an hour.
    made.metadata().and_then(|m| m.modified()).is_ok_and(|t| {
        t.elapsed()
            .is_ok_and(|age| age > std::time::Duration::from_secs(3600))
    })
}

fn hash_bytes(data: &[u8]) -> u64 {
    let mut hasher = std::hash::DefaultHasher::new();
    hasher.write(data);
    hasher.finish()
}

/// A writer that hashes what passes through it, as [`hash_bytes`] does.
struct Hashing<'a> {
    inner: &'a mut dyn Write,
    hasher: &'a mut std::hash::DefaultHasher,
}

impl Write for Hashing<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hasher.write(&buf[..n]);
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// A folder of the output being staged: the whole output, or a language's sub-folder. Paths
/// given to it are relative to the folder.
#[derive(Clone, Copy)]
pub struct Folder<'a> {
    staging: &'a Staging,
    /// `` or `fr/`.
    prefix: &'a str,
}

impl Staging {
    /// The sub-folder `prefix` (`` for the root, or ending in `/`).
    pub fn folder<'a>(&'a self, prefix: &'a str) -> Folder<'a> {
        Folder {
            staging: self,
            prefix,
        }
    }
}

impl Folder<'_> {
    /// Where the folder is in the output: `` or `fr/`.
    pub fn prefix(&self) -> &str {
        self.prefix
    }

    fn path<'r>(&self, rel: &'r str) -> std::borrow::Cow<'r, str> {
        if self.prefix.is_empty() {
            rel.into()
        } else {
            format!("{}{rel}", self.prefix).into()
        }
    }

    /// [`Staging::write`] in this folder.
    pub fn write(&self, rel: &str, data: &[u8]) -> Result<(), String> {
        self.staging.write(&self.path(rel), data)
    }

    /// [`Staging::write_with`] in this folder.
    pub fn write_with(
        &self,
        rel: &str,
        fill: &mut dyn FnMut(&mut dyn Write) -> std::io::Result<u64>,
    ) -> Result<(), String> {
        self.staging.write_with(&self.path(rel), fill)
    }

    /// [`Staging::flush`] (for the whole output).
    pub fn flush(&self) -> std::io::Result<Vec<String>> {
        self.staging.flush()
    }

    /// [`Staging::keep`] in this folder.
    pub fn keep(&self, rel: &str) -> bool {
        self.staging.keep(&self.path(rel))
    }

    /// [`Staging::copy`] in this folder.
    pub fn copy(&self, rel: &str, from: &Path) -> Result<(), String> {
        self.staging.copy(&self.path(rel), from)
    }
}

impl Drop for Staging {
    /// An uncommitted build leaves nothing behind.
    fn drop(&mut self) {
        if self.temp.join(MARKER).is_file() {
            let _ = remove_ours(&self.temp);
        }
    }
}

fn is_safe_relative(rel: &str) -> bool {
    !rel.is_empty()
        && !rel.starts_with('/')
        && !rel.contains('\\')
        && rel
            .split('/')
            .all(|s| !s.is_empty() && s != "." && s != "..")
        && !Path::new(rel).is_absolute()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths_must_stay_inside() {
        assert!(is_safe_relative("a/b/index.html"));
        assert!(!is_safe_relative("../x"));
        assert!(!is_safe_relative("a/../../x"));
        assert!(!is_safe_relative("/etc/passwd"));
        assert!(!is_safe_relative("a//b"));
    }

    #[test]
    fn staging_swaps_in_and_cleans_up() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("site");
        let staging = Staging::new(&out).unwrap();
        staging.write("a/index.html", b"one").unwrap();
        assert!(staging.write("a/index.html", b"again").is_err());
        assert!(staging.write("../escape", b"x").is_err());
        staging.commit().unwrap();
        assert_eq!(fs::read_to_string(out.join("a/index.html")).unwrap(), "one");
        // A second build that is dropped (failed) leaves the first output as it was.
        let staging = Staging::new(&out).unwrap();
        staging.write("b/index.html", b"two").unwrap();
        drop(staging);
        assert!(!out.join("b").exists());
        assert_eq!(
            fs::read_dir(dir.path()).unwrap().count(),
            1,
            "no temporary folder left"
        );
    }

    #[test]
    #[cfg(target_os = "linux")]
    fn what_a_killed_build_left_is_put_back_or_cleared() {
        let dir = tempfile::tempdir().unwrap();
        let ours = |name: &str| {
            let path = dir.path().join(name);
            fs::create_dir_all(path.join("a")).unwrap();
            fs::write(path.join(MARKER), "").unwrap();
            fs::write(path.join("a/index.html"), name).unwrap();
            path
        };
        // A dead build's earlier site moved aside (the site itself gone), its new one half made,
        // another's left over; a folder of the same pattern without the marker; a live build's.
        let dead = 4_000_000_000u32;
        ours(&format!(".site.tenet-old-{dead}"));
        ours(&format!(".site.tenet-{dead}"));
        ours(&format!(".site.tenet-old-{}", dead - 1));
        let foreign = dir.path().join(format!(".site.tenet-{}", dead - 2));
        fs::create_dir_all(&foreign).unwrap();
        let live = ours(&format!(".site.tenet-{}", std::process::id()));
        recover(dir.path(), "site");
        let site = dir.path().join("site");
        assert_eq!(
            fs::read_to_string(site.join("a/index.html")).unwrap(),
            format!(".site.tenet-old-{dead}"),
            "the earlier site is back"
        );
        let mut left: Vec<String> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        left.sort();
        let mut expected = vec![
            format!(".site.tenet-{}", dead - 2),
            format!(".site.tenet-{}", std::process::id()),
            "site".to_string(),
        ];
        expected.sort();
        assert_eq!(left, expected);
        assert!(live.exists() && foreign.exists());
    }

    #[test]
    fn foreign_folders_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let handbook = dir.path().join("hb");
        fs::create_dir_all(handbook.join("content")).unwrap();
        let docs = dir.path().join("docs");
        fs::create_dir_all(&docs).unwrap();
        fs::write(docs.join("thesis.txt"), "precious").unwrap();
        assert!(check_target(&handbook, &[], &docs).is_err());
        assert!(check_target(&handbook, &[], &handbook).is_err());
        assert!(check_target(&handbook, &[], dir.path()).is_err());
        assert!(check_target(&handbook, &[], &handbook.join("content/site")).is_err());
        assert!(check_target(&handbook, &[], &handbook.join("site")).is_ok());
    }
}
