//! Helpers shared by the integration tests: the case handbooks of `tests/cases/` (and the
//! repository's sample) copied into temporary folders, builds, and small readers for the
//! output. `browser` holds headless Chromium and a static file server.

pub mod browser;
pub mod epub;

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

/// `tests/cases/`: a folder per feature, a folder per case in it (see the `cases` module).
pub fn cases_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cases")
}

/// The folder of the case `name`, `<feature>/<case>` ("editions/fr"): a handbook, or several
/// side by side, that a test builds (from a copy) and a person can build by hand.
pub fn case_dir(name: &str) -> PathBuf {
    let dir = cases_root().join(name);
    assert!(
        name.split('/').count() == 2 && dir.is_dir(),
        "no case tests/cases/{name} (a case is named <feature>/<case>)"
    );
    dir
}

/// Copies the case `name` into the folder `to`, but for the output of a build made by hand in
/// it (a folder holding tenet's marker file, `cargo run -- build tests/cases/<name>`'s `site/`).
pub fn copy_case(name: &str, to: &Path) {
    copy_dir_but(&case_dir(name), to, &|dir| {
        dir.join(tenet::output::MARKER).is_file()
    });
}

/// Builds the repository's own sample handbook into a fresh temporary folder; returns the
/// folder (keep it alive) and the site inside it.
pub fn build_sample() -> (tempfile::TempDir, PathBuf) {
    let out_parent = tempfile::tempdir().unwrap();
    let out = out_parent.path().join("site");
    let report = tenet::build(env!("CARGO_MANIFEST_DIR"), Some(out.clone()));
    assert!(!report.has_errors(), "{}", messages(&report).join("\n"));
    (out_parent, out)
}

/// A folder with `base/` (the repository's sample handbook) and the editions `fr/` and `ar/`
/// next to it (the cases editions/fr and editions/ar), as a training centre would keep them.
pub fn editions_workspace() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_sample(&dir.path().join("base"));
    for (edition, case) in [("fr", "editions/fr"), ("ar", "editions/ar")] {
        copy_case(case, &dir.path().join(edition));
    }
    dir
}

/// Copies the repository's sample handbook (book.toml and content/) into the folder `to`.
pub fn copy_sample(to: &Path) {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    fs::create_dir_all(to).unwrap();
    fs::copy(repo.join("book.toml"), to.join("book.toml")).unwrap();
    copy_dir(&repo.join("content"), &to.join("content"));
}

/// Builds the handbook at `root` into its `site/` folder, which it returns; fails the test
/// with every message when the build fails.
pub fn build_site(root: &Path) -> PathBuf {
    let report = tenet::build(root, None);
    assert!(
        !report.has_errors(),
        "build failed:\n{}",
        messages(&report).join("\n")
    );
    root.join("site")
}

/// A file of an output folder, as text.
pub fn read_output(site: &Path, rel: &str) -> String {
    fs::read_to_string(site.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// An HTML file of an output folder in one spelling, whatever `[build] minify` made of it: put
/// through the full minifier (attributes unquoted and in order, entities decoded), so tests can
/// look for `<html dir=ltr lang=fr>`.
/// Other files are read as they are.
pub fn read_minified(site: &Path, rel: &str) -> String {
    let html = read_output(site, rel);
    if !rel.ends_with(".html") {
        return html;
    }
    String::from_utf8(tenet::render::minify::minify_html(html.as_bytes())).expect("UTF-8")
}

/// A handbook in a temporary folder of its own, removed with it.
pub struct Handbook {
    pub dir: tempfile::TempDir,
}

impl Handbook {
    /// A copy of the case `name` (`tests/cases/<name>`, see [`case_dir`]) in a fresh temporary
    /// folder.
    pub fn case(name: &str) -> Handbook {
        let dir = tempfile::tempdir().unwrap();
        copy_case(name, dir.path());
        Handbook { dir }
    }

    /// A handbook made of the given files (path, text).
    pub fn from_files(files: &[(&str, &str)]) -> Handbook {
        let dir = tempfile::tempdir().unwrap();
        let h = Handbook { dir };
        for (path, text) in files {
            h.write(path, text);
        }
        h
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    pub fn write(&self, path: &str, text: &str) {
        self.write_bytes(path, text.as_bytes());
    }

    pub fn write_bytes(&self, path: &str, bytes: &[u8]) {
        let p = self.root().join(path);
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        fs::write(p, bytes).unwrap();
    }

    pub fn build(&self) -> tenet::Report {
        tenet::build(self.root(), None)
    }

    pub fn site(&self) -> PathBuf {
        self.root().join("site")
    }

    pub fn read(&self, rel: &str) -> String {
        fs::read_to_string(self.site().join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
    }

    /// An HTML file of the output, as [`read_minified`] spells it.
    pub fn read_minified(&self, rel: &str) -> String {
        read_minified(&self.site(), rel)
    }

    /// Builds and panics with every diagnostic when the build has errors.
    pub fn build_ok(&self) -> tenet::Report {
        let report = self.build();
        assert!(
            !report.has_errors(),
            "build failed:\n{}",
            messages(&report).join("\n")
        );
        report
    }
}

pub fn messages(report: &tenet::Report) -> Vec<String> {
    report.diagnostics.iter().map(|d| d.to_string()).collect()
}

/// Errors only, first lines only, with the temporary folder removed from paths.
pub fn errors(report: &tenet::Report, root: &Path) -> Vec<String> {
    let prefix = format!("{}/", root.display());
    report
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(|d| d.to_string().lines().next().unwrap().replace(&prefix, ""))
        .collect()
}

/// Copies the folder `from` and everything in it into `to`.
pub fn copy_dir(from: &Path, to: &Path) {
    copy_dir_but(from, to, &|_| false);
}

/// [`copy_dir`], leaving out the folders `skip` is true of.
fn copy_dir_but(from: &Path, to: &Path, skip: &dyn Fn(&Path) -> bool) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            if !skip(&entry.path()) {
                copy_dir_but(&entry.path(), &target, skip);
            }
        } else {
            fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// Every file under `dir`, relative, with `/` separators.
pub fn files(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let entry = entry.unwrap();
        if entry.file_type().is_file() {
            out.push(
                entry
                    .path()
                    .strip_prefix(dir)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/"),
            );
        }
    }
    out
}

/// The text of an element with the given id (tags stripped, whitespace collapsed).
pub fn text_of_id(html: &str, id: &str) -> Option<String> {
    let start = find_attr(html, "id", id)?;
    let open_end = start + html[start..].find('>')? + 1;
    let tag_start = html[..start].rfind('<')?;
    let tag: String = html[tag_start + 1..]
        .chars()
        .take_while(|c| c.is_alphanumeric())
        .collect();
    // Find the matching close tag, counting nested tags of the same name.
    let mut depth = 1;
    let mut i = open_end;
    while depth > 0 {
        let next_open = html[i..].find(&format!("<{tag}")).map(|p| p + i);
        let next_close = html[i..].find(&format!("</{tag}>")).map(|p| p + i)?;
        match next_open {
            Some(o) if o < next_close => {
                depth += 1;
                i = o + 1;
            }
            _ => {
                depth -= 1;
                i = next_close + 1;
            }
        }
    }
    Some(strip_tags(&html[open_end..i - 1]))
}

/// Position of `attr=value` (quoted or not) in the HTML.
pub fn find_attr(html: &str, attr: &str, value: &str) -> Option<usize> {
    for form in [
        format!(" {attr}=\"{value}\""),
        format!(" {attr}={value}>"),
        format!(" {attr}={value} "),
    ] {
        if let Some(p) = html.find(&form) {
            return Some(p);
        }
    }
    None
}

pub fn strip_tags(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                out.push(' ');
            }
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Number of elements whose class list contains `class`.
pub fn count_class(html: &str, class: &str) -> usize {
    let mut n = 0;
    let mut rest = html;
    while let Some(p) = rest.find("class=") {
        rest = &rest[p + 6..];
        let value: &str = if let Some(r) = rest.strip_prefix('"') {
            &r[..r.find('"').unwrap_or(0)]
        } else {
            &rest[..rest.find([' ', '>']).unwrap_or(rest.len())]
        };
        if value.split_whitespace().any(|c| c == class) {
            n += 1;
        }
    }
    n
}

/// Every href and src of a page (quoted or not), with entities for `&` decoded.
pub fn links(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    for attr in [" href=", " src="] {
        let mut rest = html;
        while let Some(p) = rest.find(attr) {
            rest = &rest[p + attr.len()..];
            let value = if let Some(r) = rest.strip_prefix('"') {
                r[..r.find('"').unwrap_or(0)].to_string()
            } else {
                rest[..rest.find([' ', '>']).unwrap_or(rest.len())].to_string()
            };
            out.push(value.replace("&amp;", "&"));
        }
    }
    out
}

/// Checks that every relative link of every HTML page under `site` names an existing file and,
/// where it has a fragment, an element with that id. Returns the broken ones.
pub fn broken_links(site: &Path) -> Vec<String> {
    let mut ids: BTreeMap<PathBuf, String> = BTreeMap::new();
    let mut broken = Vec::new();
    for rel in files(site) {
        // 404 pages link from the server's root, wherever they are asked for.
        if !rel.ends_with(".html") || rel == "404.html" || rel.ends_with("/404.html") {
            continue;
        }
        let path = site.join(&rel);
        let html = fs::read_to_string(&path).unwrap();
        for link in links(&html) {
            if link.starts_with("http://")
                || link.starts_with("https://")
                || link.starts_with("mailto:")
                || link.starts_with("data:")
            {
                continue;
            }
            assert!(
                !link.starts_with('/'),
                "{rel}: root-relative link {link} does not open from disk"
            );
            let (file_part, fragment) = match link.split_once('#') {
                Some((f, a)) => (f.to_string(), Some(a.to_string())),
                None => (link.clone(), None),
            };
            let file_part = file_part.split('?').next().unwrap().replace("%20", " ");
            let target = if file_part.is_empty() {
                path.clone()
            } else {
                normalize(&path.parent().unwrap().join(&file_part))
            };
            if file_part.ends_with('/') || (!file_part.is_empty() && target.is_dir()) {
                broken.push(format!("{rel}: {link} names a folder, not index.html"));
                continue;
            }
            if target.to_string_lossy().contains("/search/") {
                continue; // the search page comes with the search feature
            }
            if !target.is_file() {
                broken.push(format!("{rel}: {link} -> missing file"));
                continue;
            }
            if let Some(fragment) = fragment.filter(|f| !f.is_empty()) {
                let text = ids
                    .entry(target.clone())
                    .or_insert_with(|| fs::read_to_string(&target).unwrap_or_default());
                if find_attr(text, "id", &fragment).is_none() {
                    broken.push(format!("{rel}: {link} -> no element with id {fragment}"));
                }
            }
        }
    }
    broken
}

fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            std::path::Component::ParentDir => {
                out.pop();
            }
            std::path::Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

/// The ids of the elements whose class list holds `class`, in document order.
pub fn ids_with_class(html: &str, class: &str) -> Vec<String> {
    let attr = |tag: &str, name: &str| -> Option<String> {
        let at = tag.find(&format!(" {name}="))? + name.len() + 2;
        let rest = &tag[at..];
        Some(match rest.strip_prefix('"') {
            Some(r) => r[..r.find('"')?].to_string(),
            None => rest[..rest.find([' ', '>']).unwrap_or(rest.len())].to_string(),
        })
    };
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(p) = rest.find('<') {
        rest = &rest[p..];
        let end = rest.find('>').map_or(rest.len(), |e| e + 1);
        let tag = &rest[..end];
        if attr(tag, "class").is_some_and(|c| c.split_whitespace().any(|c| c == class))
            && let Some(id) = attr(tag, "id")
        {
            out.push(id);
        }
        rest = &rest[end.max(1)..];
    }
    out
}
