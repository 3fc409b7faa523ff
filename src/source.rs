//! Load: walk `content/` → the handbook's source files.
//!
//! Markdown files become [`SourceFile`]s, read into [`Source`]s one at a time by the parse
//! stage (so the whole handbook's text is never in memory at once); every other file is an
//! asset copied next to the pages.
//! Hidden files and folders are skipped, and a symbolic link is only followed when it points
//! inside the handbook, so a build never reads outside the folder it was given.

use std::path::{Path, PathBuf};

use walkdir::WalkDir;

use crate::diagnostics::{Diagnostic, LineIndex, display_path};

/// One markdown file of the handbook, read and decoded.
#[derive(Debug, Clone, Hash)]
pub struct Source {
    /// Path under `content/`, with `/` separators (`lessons/1.3-principles.md`).
    pub rel: String,
    /// Path as shown in diagnostics (`content/lessons/1.3-principles.md`).
    pub shown: PathBuf,
    /// The text, without a byte-order mark. Line endings are kept as written.
    pub text: String,
    /// Which handbook of an edition's chain it comes from (0: the bottom base).
    pub layer: usize,
    /// Its language where it differs from the handbook being built (a base page an edition in
    /// another language shows untranslated).
    pub language: Option<String>,
}

/// One markdown file of the handbook, found but not read yet.
#[derive(Debug, Clone)]
pub struct SourceFile {
    pub rel: String,
    pub shown: PathBuf,
    pub path: PathBuf,
    /// Which handbook of an edition's chain it comes from (0: the bottom base).
    pub layer: usize,
}

impl SourceFile {
    fn with_text(&self, text: String) -> Source {
        Source {
            rel: self.rel.clone(),
            shown: self.shown.clone(),
            text,
            layer: self.layer,
            language: None,
        }
    }

    /// Reads and decodes the file.
    pub fn read(&self) -> Result<Source, Diagnostic> {
        let bytes = std::fs::read(&self.path).map_err(|err| {
            Diagnostic::error(&self.shown, format!("cannot read file: {err}")).code("io")
        })?;
        Ok(self.with_text(decode(bytes, &self.shown)?))
    }

    /// Reads the start of the file only: its front matter, up to and with the closing
    /// `+++`/`---` line (the whole file when the front matter does not close; the first line
    /// when there is none). Enough to peek at a page without reading its body.
    pub fn read_header(&self) -> Result<Source, Diagnostic> {
        use std::io::Read;
        let cannot = |err: std::io::Error| {
            Diagnostic::error(&self.shown, format!("cannot read file: {err}")).code("io")
        };
        let mut file = std::fs::File::open(&self.path).map_err(cannot)?;
        let mut bytes = Vec::with_capacity(4096);
        loop {
            let read = file
                .by_ref()
                .take(4096)
                .read_to_end(&mut bytes)
                .map_err(cannot)?;
            if let Some(end) = header_end(&bytes, read == 0) {
                bytes.truncate(end);
                break;
            }
            if read == 0 {
                break;
            }
        }
        Ok(self.with_text(decode(bytes, &self.shown)?))
    }
}

/// Where the front matter at the start of `bytes` ends (after its closing line), or after the
/// first line when the file has no front matter; `None` while neither is known yet (a line
/// is known once its newline is read, or at the end of the file: `at_end`).
fn header_end(bytes: &[u8], at_end: bool) -> Option<usize> {
    let start = if bytes.starts_with(b"\xEF\xBB\xBF") {
        3
    } else {
        0
    };
    let end = match frame(&bytes[start..]) {
        Frame::Missing { first_end } => start + first_end,
        Frame::Closed { body_start, .. } => start + body_start,
        Frame::Unclosed { .. } => return None,
    };
    (at_end || bytes[..end].ends_with(b"\n")).then_some(end)
}

/// A non-markdown file under `content/`, copied to the same place in the output.
#[derive(Debug, Clone)]
pub struct Asset {
    pub rel: String,
    pub path: PathBuf,
}

/// Everything under `content/`.
#[derive(Debug, Default)]
pub struct Sources {
    pub pages: Vec<SourceFile>,
    pub assets: Vec<Asset>,
}

/// Walks `root/content`.
pub fn load(root: &Path, display_root: &Path) -> (Sources, Vec<Diagnostic>) {
    let content = root.join("content");
    let shown_content = display_path(display_root, Path::new("content"));
    let mut problems = Vec::new();
    if !content.is_dir() {
        problems.push(
            Diagnostic::error(&shown_content, "the handbook has no `content/` folder")
                .help("put the markdown pages of the handbook under content/ (content/_index.md is the home page)")
                .code("missing-content"),
        );
        return (Sources::default(), problems);
    }
    let boundary = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    let mut markdown = Vec::new();
    let mut assets = Vec::new();
    // A symbolic link that leads out of the handbook is not followed (nor, for a folder,
    // walked into); what was left out is told after the walk.
    let outside = std::cell::RefCell::new(Vec::new());
    let walker = WalkDir::new(&content)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|entry| {
            if entry.depth() > 0 && is_hidden(entry.file_name()) {
                return false;
            }
            let inside = !entry.path_is_symlink()
                || entry
                    .path()
                    .canonicalize()
                    .is_ok_and(|target| target.starts_with(&boundary));
            if !inside {
                outside.borrow_mut().push(entry.path().to_path_buf());
            }
            inside
        });
    for entry in walker {
        let entry = match entry {
            Ok(entry) => entry,
            Err(err) if err.loop_ancestor().is_some() => {
                let at = err.path().map(Path::to_path_buf).unwrap_or_default();
                problems.push(
                    Diagnostic::warning(
                        shown(&at, root, display_root),
                        "skipped a symbolic link that leads back to a folder it is in (a loop)",
                    )
                    .help("remove the link, or make it point to another folder")
                    .code("skipped-symlink"),
                );
                continue;
            }
            Err(err) => {
                let at = err
                    .path()
                    .map(Path::to_path_buf)
                    .unwrap_or_else(|| content.clone());
                if at
                    .symlink_metadata()
                    .is_ok_and(|m| m.file_type().is_symlink())
                    && !at.exists()
                {
                    let shown = shown(&at, root, display_root);
                    problems.push(
                        Diagnostic::warning(shown, "skipped a broken symbolic link")
                            .code("skipped-symlink"),
                    );
                    continue;
                }
                problems.push(
                    Diagnostic::error(
                        shown(&at, root, display_root),
                        format!("cannot read: {err}"),
                    )
                    .code("io"),
                );
                continue;
            }
        };
        if !entry.file_type().is_file() {
            continue;
        }
        let Ok(rel) = entry.path().strip_prefix(&content) else {
            continue;
        };
        let Some(rel) = rel_string(rel) else {
            problems.push(
                Diagnostic::error(
                    shown(entry.path(), root, display_root),
                    "file name is not valid UTF-8; rename the file",
                )
                .code("encoding"),
            );
            continue;
        };
        if rel.ends_with(".md") {
            let shown = display_path(display_root, &Path::new("content").join(&rel));
            markdown.push(SourceFile {
                rel,
                shown,
                path: entry.into_path(),
                layer: 0,
            });
        } else {
            assets.push(Asset {
                rel,
                path: entry.into_path(),
            });
        }
    }
    for at in outside.into_inner() {
        problems.push(
            Diagnostic::warning(
                shown(&at, root, display_root),
                "skipped a symbolic link that points outside the handbook",
            )
            .help("copy the file into the handbook instead of linking to it")
            .code("skipped-symlink"),
        );
    }
    (
        Sources {
            pages: markdown,
            assets,
        },
        problems,
    )
}

/// Decodes a file as UTF-8, dropping a byte-order mark. Invalid UTF-8 is an error at the
/// line and column of the first bad byte.
pub fn decode(mut bytes: Vec<u8>, shown: &Path) -> Result<String, Diagnostic> {
    if bytes.starts_with(b"\xEF\xBB\xBF") {
        bytes.drain(..3);
    }
    match String::from_utf8(bytes) {
        Ok(text) => Ok(text),
        Err(err) => {
            let bytes = err.as_bytes();
            let err = err.utf8_error();
            let valid = std::str::from_utf8(&bytes[..err.valid_up_to()]).unwrap_or_default();
            let pos = LineIndex::new(valid).pos(valid.len());
            Err(Diagnostic::error(shown, "the file is not valid UTF-8")
                .at(pos)
                .help("save the file as UTF-8 (most editors have an 'encoding' option)")
                .code("encoding"))
        }
    }
}

fn is_hidden(name: &std::ffi::OsStr) -> bool {
    name.to_str().is_some_and(|n| n.starts_with('.'))
}

fn rel_string(rel: &Path) -> Option<String> {
    let parts: Option<Vec<&str>> = rel.components().map(|c| c.as_os_str().to_str()).collect();
    Some(parts?.join("/"))
}

fn shown(path: &Path, root: &Path, display_root: &Path) -> PathBuf {
    match path.strip_prefix(root) {
        Ok(rel) => display_path(display_root, rel),
        Err(_) => path.to_path_buf(),
    }
}

/// The format of a page's front matter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Toml,
    Yaml,
}

/// The lines that frame the front matter at the start of a page's bytes (all of it, or only
/// its first part, as `SourceFile::read_header` reads it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Frame {
    /// The first line, which ends at this offset, opens no front matter.
    Missing { first_end: usize },
    /// Opened, and not closed (or not yet, in the part read).
    Unclosed { format: Format },
    /// The header is `header_start..header_end`; the body starts at `body_start`.
    Closed {
        format: Format,
        header_start: usize,
        header_end: usize,
        body_start: usize,
    },
}

/// Finds the delimiter lines: a first line `+++` (TOML) or `---` (YAML), closed by the next
/// line that is the same (trailing spaces aside).
pub fn frame(bytes: &[u8]) -> Frame {
    fn trimmed(line: &[u8]) -> Option<&str> {
        std::str::from_utf8(line).map(str::trim_end).ok()
    }
    let line_end = |from: usize| {
        bytes[from..]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(bytes.len(), |i| from + i + 1)
    };
    let first_end = line_end(0);
    let format = match trimmed(&bytes[..first_end]) {
        Some("+++") => Format::Toml,
        Some("---") => Format::Yaml,
        _ => return Frame::Missing { first_end },
    };
    let delimiter = trimmed(&bytes[..first_end]);
    let mut offset = first_end;
    while offset < bytes.len() {
        let end = line_end(offset);
        if trimmed(&bytes[offset..end]) == delimiter {
            return Frame::Closed {
                format,
                header_start: first_end,
                header_end: offset,
                body_start: end,
            };
        }
        offset = end;
    }
    Frame::Unclosed { format }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decoding_strips_the_bom_and_locates_bad_bytes() {
        let shown = Path::new("content/a.md");
        assert_eq!(
            decode(b"\xEF\xBB\xBFhello".to_vec(), shown).unwrap(),
            "hello"
        );
        let err = decode(b"line one\nab\xFFcd".to_vec(), shown).unwrap_err();
        assert_eq!(err.position, Some((2, 3)));
    }

    #[test]
    fn the_header_ends_after_the_closing_line() {
        assert_eq!(header_end(b"+++\ntitle = 1\n+++\nbody\n", false), Some(18));
        assert_eq!(
            header_end(b"\xEF\xBB\xBF---\r\nid: x\r\n---\r\nbody", false),
            Some(20)
        );
        assert_eq!(header_end(b"# no front matter\nbody", false), Some(18));
        assert_eq!(
            header_end(b"+++\ntitle = 1\n", false),
            None,
            "not closed yet"
        );
        let dir = tempfile::tempdir().unwrap();
        let long = format!("+++\ntitle = \"{}\"\n+++\nbody\n", "é".repeat(5000));
        std::fs::write(dir.path().join("a.md"), &long).unwrap();
        let file = SourceFile {
            rel: "a.md".into(),
            shown: "content/a.md".into(),
            path: dir.path().join("a.md"),
            layer: 0,
        };
        let header = file.read_header().unwrap();
        assert_eq!(header.text, long.trim_end_matches("body\n"));
    }
}
