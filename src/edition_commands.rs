//! The `tenet edition` commands: `new` ([`create`]), `override` ([`override_page`]) and
//! `status` ([`status`]).
//!
//! Each reads the edition's chain of handbooks and reports what is wrong as diagnostics (all of
//! them, at the file that is wrong); `override` writes only the edition's copy of a base page
//! and its kept base text ([`kept`]), `new` only a new book.toml and an empty `content/`, and
//! `status` writes nothing. Pages are named as references name them ([`crate::site::ids`]).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::config::Layer;
use crate::diagnostics::Diagnostic;
use crate::edition::{Change, Overlay, What, check_base_hashes, content_hash, kept, overlay};

/// What `tenet edition status` shows.
#[derive(Debug, Default)]
pub struct Status {
    /// The edition's changes to its bases (replaced pages with their base's hash of now).
    pub changes: Vec<Change>,
    /// Per stale copy (by id): what changed in the base since it was made.
    pub base_changes: BTreeMap<String, BaseChange>,
    /// Per left-out page (by id): the places in the pages kept that name it (filled by
    /// [`crate::edition_status`], which checks the edition for them).
    pub referrers: BTreeMap<String, Vec<crate::site::ExcludedRef>>,
    /// The pages of the edition that are a base's in another language than the edition's
    /// `[book] language`: (id, their language), in id order. Empty when every base is in the
    /// edition's language.
    pub untranslated: Vec<(String, String)>,
    /// The edition's language.
    pub language: String,
}

/// What changed in a base page since the edition's copy of it was made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BaseChange {
    /// A unified diff of the base page then and now (empty when only line endings differ).
    Diff(String),
    /// The base text the copy was made from is not kept ([`kept`]): a copy made before tenet
    /// kept it, or one that records no `base_hash`.
    Unknown,
    /// The kept base text does not have the hash the copy records (either was edited by hand).
    Mismatch,
}

/// `tenet edition status`: the edition's changes to its bases, what changed in the base of
/// each stale copy, the references to left-out pages, and the pages still untranslated.
pub fn status(root: &Path) -> (Option<Status>, Vec<Diagnostic>) {
    let (layers, mut problems) = edition_layers(root);
    let Some(layers) = layers else {
        return (None, problems);
    };
    let (overlay, found) = overlay(&layers);
    problems.extend(found);
    let mut status = Status {
        changes: overlay.changes,
        ..Status::default()
    };
    check_base_hashes(&mut status.changes);
    for change in &status.changes {
        let What::Replaced {
            base,
            base_path,
            base_rel,
            recorded,
            ..
        } = &change.what
        else {
            continue;
        };
        if !change.what.is_stale() {
            continue;
        }
        let then = match recorded {
            Some(recorded) => kept::then(root, base_rel, recorded),
            None => kept::Then::Missing,
        };
        let what = match then {
            kept::Then::Missing => BaseChange::Unknown,
            kept::Then::Mismatch => BaseChange::Mismatch,
            kept::Then::Kept(old) => {
                let new = std::fs::read(base_path)
                    .map(|b| String::from_utf8_lossy(&b).into_owned())
                    .unwrap_or_default();
                let then_name = format!(
                    "{} (when the copy was made)",
                    kept::path(&layers[layers.len() - 1].shown, base_rel).display()
                );
                let now_name = format!("{} (now)", base.display());
                BaseChange::Diff(kept::diff(&old, &new, &then_name, &now_name))
            }
        };
        status.base_changes.insert(change.id.clone(), what);
    }

    // The pages from a base in another language.
    let top = layers.len() - 1;
    status.language = layers[top].language.clone();
    for (peek, file) in overlay.peeks.iter().zip(&overlay.sources.pages) {
        let language = &layers[file.layer].language;
        if !peek.draft && file.layer < top && *language != status.language {
            status
                .untranslated
                .push((peek.id.clone(), language.clone()));
        }
    }
    status.untranslated.sort();

    (Some(status), problems)
}

/// The chain of an edition's handbooks; an error when `root` is not an edition.
fn edition_layers(root: &Path) -> (Option<Vec<Layer>>, Vec<Diagnostic>) {
    let (loaded, mut problems) = crate::config::load(root, root);
    let Some(loaded) = loaded else {
        return (None, problems);
    };
    if loaded.layers.len() < 2 {
        problems.push(
            Diagnostic::error(
                root.join("book.toml"),
                "this handbook is not a local edition: its book.toml has no `[edition] base`",
            )
            .help("make an edition with `tenet edition new DIR --base PATH`")
            .code("not-an-edition"),
        );
        return (None, problems);
    }
    (Some(loaded.layers), problems)
}

/// The page of the bases (`base`, the bases laid over each other) that `id` names, as a
/// reference would name it: its full id, a unique last part of it (`1.3-principles`), or its
/// file (`lessons/x.md`, also as `content/lessons/x.md`). The error names the base's
/// `content/` folder (`base_content`), where the page is missing.
fn find_base_page(base: &Overlay, id: &str, base_content: &Path) -> Result<usize, Diagnostic> {
    // Drafts stand aside for the page below them: they are not the base's page.
    let live: Vec<usize> = (0..base.peeks.len())
        .filter(|&i| !base.peeks[i].draft)
        .collect();
    let ids = crate::site::ids::Ids::of(live.iter().map(|&i| {
        (
            base.peeks[i].id.as_str(),
            base.sources.pages[i].rel.as_str(),
        )
    }));
    let written = id.trim();
    let as_file = written
        .trim_start_matches("./")
        .trim_start_matches("content/");
    if as_file.ends_with(".md")
        && let Some(i) = ids.file(as_file)
    {
        return Ok(live[i]);
    }
    ids.resolve(written).map(|i| live[i]).map_err(|nf| {
        let message = match nf.code {
            "ambiguous-reference" => format!("the base's page id {}", nf.message),
            _ => format!(
                "the base has no page `{}`",
                written.trim_matches('/')
            ),
        };
        let help = match nf.code {
            "ambiguous-reference" => "write the full id (its path under content/ without `.md`)".to_string(),
            _ => nf
                .help
                .filter(|h| h.starts_with("did you mean"))
                .unwrap_or_else(|| {
                    "a page is named by its id (its path under content/ without `.md`, or the `id` of its front matter) or by the last part of it when no other page ends so; `tenet edition status` lists the edition's pages".into()
                }),
        };
        Diagnostic::error(base_content, message)
            .help(help)
            .code("unknown-page")
    })
}

/// `tenet edition override ID`: copies the base's page `id` (named as a reference names it:
/// full id, unique short name, or file) into the edition, at the same path under `content/`,
/// recording the base page's hash (`base_hash`) in its front matter and keeping the base text
/// under `.tenet/base/` ([`kept`]), so that `status` can tell when the base changes and show
/// what changed. With `refresh`, only updates the hash and the kept text of the edition's
/// existing copy (after bringing it up to date with the base). Returns the file written and
/// the page's full id.
pub fn override_page(
    root: &Path,
    id: &str,
    refresh: bool,
) -> Result<(PathBuf, String), Vec<Diagnostic>> {
    let (layers, problems) = edition_layers(root);
    let Some(layers) = layers else {
        return Err(problems);
    };
    let top = layers.len() - 1;
    let (base, _) = overlay(&layers[..top]);
    let base_content = layers[top - 1].shown.join("content");
    let at = find_base_page(&base, id, &base_content).map_err(|d| vec![d])?;
    let id = base.peeks[at].id.as_str();
    let shown_id = if id.is_empty() { "/" } else { id };
    let file = &base.sources.pages[at];
    let fail = |path: &Path, code: &'static str, message: String| {
        vec![Diagnostic::error(path, message).code(code)]
    };
    let bytes = std::fs::read(&file.path)
        .map_err(|e| fail(&file.shown, "io", format!("cannot read: {e}")))?;
    let hash = content_hash(&bytes);
    // The edition's own page in place of this one: at the same path, or at another with the
    // same id.
    let (full, _) = overlay(&layers);
    let existing = full.changes.iter().find_map(|c| match &c.what {
        What::Replaced { base_rel, copy, .. } if *base_rel == file.rel => Some(copy.clone()),
        _ => None,
    });
    let target = existing.unwrap_or_else(|| root.join("content").join(&file.rel));
    let text = if refresh {
        std::fs::read_to_string(&target).map_err(|e| {
            fail(
                &target,
                "missing-file",
                format!(
                    "there is no copy of `{shown_id}` to refresh ({e}); run without --refresh to make one"
                ),
            )
        })?
    } else {
        if target.exists() {
            return Err(vec![
                Diagnostic::error(&target, format!("the edition already has its own `{shown_id}`"))
                    .help(format!(
                        "edit that file; once it matches the base again, run `tenet edition override {shown_id} --refresh` to record the base's hash"
                    ))
                    .code("already-exists"),
            ]);
        }
        std::str::from_utf8(&bytes)
            .map_err(|_| fail(&file.shown, "encoding", "the base page is not UTF-8".into()))?
            .to_string()
    };
    let Some(stamped) = with_base_hash(&text, &hash) else {
        return Err(fail(
            &target,
            "front-matter",
            "the page has no front matter (`+++` or `---` block) to record `base_hash` in".into(),
        ));
    };
    if let Some(dir) = target.parent() {
        std::fs::create_dir_all(dir).map_err(|e| fail(dir, "io", format!("cannot create: {e}")))?;
    }
    kept::keep(root, &file.rel, &bytes).map_err(|d| vec![d])?;
    std::fs::write(&target, stamped)
        .map_err(|e| fail(&target, "io", format!("cannot write: {e}")))?;
    Ok((target, id.to_string()))
}

/// The page's text with `base_hash` set in its front matter (added after the opening line,
/// or its value replaced). `None` without front matter.
fn with_base_hash(text: &str, hash: &str) -> Option<String> {
    let body = text.strip_prefix('\u{feff}').unwrap_or(text);
    let first = body.lines().next()?.trim_end();
    let (line, closing) = match first {
        "+++" => (format!("base_hash = \"{hash}\""), "+++"),
        "---" => (format!("base_hash: \"{hash}\""), "---"),
        _ => return None,
    };
    let mut out = String::with_capacity(body.len() + 40);
    let mut lines = body.split_inclusive('\n');
    let opening = lines.next()?;
    let newline = if opening.ends_with("\r\n") {
        "\r\n"
    } else {
        "\n"
    };
    out.push_str(opening);
    let mut done = false;
    let mut in_header = true;
    for l in lines {
        let trimmed = l.trim_end();
        if in_header && trimmed == closing {
            if !done {
                out.push_str(&line);
                out.push_str(newline);
                done = true;
            }
            in_header = false;
            out.push_str(l);
        } else if in_header && !done && trimmed.starts_with("base_hash") {
            out.push_str(&line);
            out.push_str(newline);
            done = true;
        } else {
            out.push_str(l);
        }
    }
    (!in_header).then_some(out)
}

/// `tenet edition new DIR --base PATH`: a ready edition folder with a commented book.toml and
/// an empty `content/`. Refuses a folder that already holds a book.toml.
pub fn create(dir: &Path, base: &Path) -> Result<PathBuf, Vec<Diagnostic>> {
    let book = dir.join("book.toml");
    if book.exists() {
        return Err(vec![
            Diagnostic::error(&book, "there is already a book.toml here")
                .help("choose a new folder for the edition")
                .code("already-exists"),
        ]);
    }
    let (config, problems) = crate::config::load(base, base);
    let Some(config) = config else {
        let mut problems = problems;
        problems.insert(
            0,
            Diagnostic::error(base.join("book.toml"), "the base handbook cannot be read")
                .help("`--base` is the folder of the handbook to customise (the one holding its book.toml)")
                .code("missing-handbook"),
        );
        return Err(problems);
    };
    let relative = relative_path(dir, base);
    let title = config
        .config
        .book
        .title
        .replace('\\', "\\\\")
        .replace('"', "\\\"");
    let language = &config.config.book.language;
    let text = format!(
        r##"# A local edition of "{title}".
# It takes everything from its base and changes only what this folder says, so it keeps up
# with the base's next release. `tenet build` builds it; `tenet edition status` lists what it
# adds, replaces and removes, and which of its copies of base pages are out of date.

[book]
title = "{title}"        # the edition's own title
language = "{language}"              # a translation: "fr", "es", "ar" (right to left), "ru", "zh"...
# edition = "2026, local edition"   # shown in the footer and on printed pages

[edition]
base = "{relative}"
# Base pages to leave out, by id (globs; a page's children go with it):
exclude = [
  # "lessons/module-2/2.3-*",
]
# A reference in a base page to a left-out page is printed as plain text, with a warning at
# each (`tenet edition status` lists them): "unlink" for no warning, "error" to refuse them.
# on_excluded_reference = "unlink"

# [theme]                           # branding, without touching templates
# logo = "brand/logo.svg"           # files are relative to this book.toml
# favicon = "brand/favicon.png"
# primary = "#0b6e4f"               # links and the top bar
# accent = "#a0561a"                # key messages
# footer = "Training centre, local edition"

# [strings]                         # any of the theme's words (docs/translations.md)
# trainer_tip = "Note for the facilitator"

# Pages: add yours under content/. To change or translate a base page, copy it with
#   tenet edition override <id>          (the id as references write it: 1.3-principles)
# which records the base page's hash and keeps its text under .tenet/base/ (commit that
# folder too), so that `tenet edition status` can tell when the base changes and show what
# changed; `tenet edition status --check` fails CI while a copy is out of date.
#
# A translation can also be published with its base as one site with a language menu: list it
# in the base's book.toml, e.g. `[languages.fr]` then `edition = "path/to/this/folder"`.
"##,
        relative = relative.display().to_string().replace('\\', "/"),
    );
    let fail = |path: &Path, e: std::io::Error| {
        vec![Diagnostic::error(path, format!("cannot write: {e}")).code("io")]
    };
    std::fs::create_dir_all(dir.join("content")).map_err(|e| fail(dir, e))?;
    std::fs::write(&book, text).map_err(|e| fail(&book, e))?;
    Ok(book)
}

/// `to` as seen from `from` (both folders), through their absolute forms.
fn relative_path(from: &Path, to: &Path) -> PathBuf {
    let from = crate::output::absolute(from);
    let to = crate::output::absolute(to);
    let common = from
        .components()
        .zip(to.components())
        .take_while(|(a, b)| a == b)
        .count();
    let mut out = PathBuf::new();
    for _ in from.components().skip(common) {
        out.push("..");
    }
    for part in to.components().skip(common) {
        out.push(part);
    }
    if out.as_os_str().is_empty() {
        out.push(".");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::page::Peek;
    use crate::source::SourceFile;

    #[test]
    fn the_base_hash_goes_into_toml_and_yaml_front_matter() {
        assert_eq!(
            with_base_hash("+++\ntitle = \"A\"\n+++\nBody +++\n", "ab").unwrap(),
            "+++\ntitle = \"A\"\nbase_hash = \"ab\"\n+++\nBody +++\n"
        );
        assert_eq!(
            with_base_hash(
                "---\r\ntitle: A\r\nbase_hash: \"old\"\r\n---\r\nB\r\n",
                "cd"
            )
            .unwrap(),
            "---\r\ntitle: A\r\nbase_hash: \"cd\"\r\n---\r\nB\r\n"
        );
        assert_eq!(with_base_hash("No front matter\n", "ab"), None);
        assert_eq!(with_base_hash("+++\ntitle = \"unclosed\"\n", "ab"), None);
    }

    /// The bases of an edition as `override` sees them: pages by (path under content/, id).
    fn base_of(pages: &[(&str, &str, bool)]) -> Overlay {
        let mut base = Overlay::default();
        for &(rel, id, draft) in pages {
            base.peeks.push(Peek {
                id: id.into(),
                draft,
                ..Peek::of_path(rel)
            });
            base.sources.pages.push(SourceFile {
                rel: rel.into(),
                shown: PathBuf::from("base/content").join(rel),
                path: PathBuf::from(rel),
                layer: 0,
            });
        }
        base
    }

    #[test]
    fn a_base_page_is_found_by_id_short_name_or_file_and_a_miss_names_the_base() {
        let base = base_of(&[
            ("principles/credibility.md", "principles/credibility", false),
            (
                "lessons/m1/1.3-principles.md",
                "lessons/m1/1.3-principles",
                false,
            ),
            ("glossary/credibility.md", "glossary/credibility", false),
            ("extra/file.md", "own-id", false),
            ("drafts/1.4-new.md", "lessons/m1/1.4-new", true),
        ]);
        let at = Path::new("base/content");
        let find = |id: &str| find_base_page(&base, id, at);
        assert_eq!(find("principles/credibility").ok(), Some(0));
        assert_eq!(find("/principles/credibility/").ok(), Some(0));
        assert_eq!(find("1.3-principles").ok(), Some(1));
        assert_eq!(find("own-id").ok(), Some(3));
        assert_eq!(find("extra/file.md").ok(), Some(3));
        assert_eq!(find("content/lessons/m1/1.3-principles.md").ok(), Some(1));

        let miss = find("1.3-principle").unwrap_err();
        assert_eq!(miss.path, PathBuf::from("base/content"));
        assert_eq!(miss.message, "the base has no page `1.3-principle`");
        assert_eq!(
            miss.help.as_deref(),
            Some("did you mean `lessons/m1/1.3-principles`?")
        );
        let ambiguous = find("credibility").unwrap_err();
        assert!(
            ambiguous
                .message
                .contains("`credibility` is ambiguous: it names `glossary/credibility`, `principles/credibility`"),
            "{}",
            ambiguous.message
        );
        // A draft is no base page.
        assert!(find("1.4-new").is_err());
        assert!(find("lessons/m1/1.4-new").is_err());
    }

    #[test]
    fn relative_paths_climb_and_descend() {
        assert_eq!(
            relative_path(Path::new("/a/b/ed"), Path::new("/a/base")),
            PathBuf::from("../../base")
        );
        assert_eq!(
            relative_path(Path::new("/a"), Path::new("/a/base")),
            PathBuf::from("base")
        );
    }
}
