//! The link check over the output: every broken link, anchor, image, stylesheet and file a
//! page, a template or a static file refers to is an error reported where it is written (the
//! markdown file and line, the template file and line, the static file and line); links that
//! work, and links to other sites, are not reported; pages no link reaches are warnings.

use std::fs;
use std::path::Path;

use crate::common;
use crate::common::{Handbook, case_dir, errors, messages};

/// The diagnostics of a report whose code is one of the link check's, as `file:line:col:
/// severity: message` (first line), paths from the handbook.
fn link_problems(report: &tenet::Report, root: &Path) -> Vec<String> {
    let prefix = format!("{}/", root.display());
    let mut found: Vec<String> = report
        .diagnostics
        .iter()
        .filter(|d| {
            matches!(
                d.code,
                "broken-link" | "missing-image" | "missing-anchor" | "unreachable-page"
            )
        })
        .map(|d| d.to_string().lines().next().unwrap().replace(&prefix, ""))
        .collect();
    found.sort();
    found
}

/// The case's `expected.txt`: one diagnostic a line.
fn expected(case: &str) -> Vec<String> {
    let path = case_dir(case).join("expected.txt");
    let mut lines: Vec<String> = fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(String::from)
        .collect();
    lines.sort();
    lines
}

#[test]
fn every_broken_link_is_reported_where_it_is_written() {
    let h = Handbook::case("links/broken");
    let report = h.build();
    assert_eq!(
        link_problems(&report, h.root()),
        expected("links/broken"),
        "\n{}",
        messages(&report).join("\n")
    );
    // Nothing else is wrong with it, and nothing was written.
    assert_eq!(
        errors(&report, h.root()).len(),
        expected("links/broken").len()
    );
    assert!(!h.site().exists());
}

#[test]
fn check_finds_the_same_and_exits_1() {
    let h = Handbook::case("links/broken");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_tenet"))
        .args(["check", "--format", "json"])
        .arg(h.root())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let stdout = String::from_utf8(out.stdout).unwrap();
    let mut lines = Vec::new();
    for line in stdout.lines() {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        if v["severity"] == "error" {
            let file = v["file"].as_str().unwrap();
            let file = file
                .strip_prefix(&format!("{}/", h.root().display()))
                .unwrap_or(file);
            lines.push(format!(
                "{file}:{}:{}: error: {}",
                v["line"],
                v["column"],
                v["message"].as_str().unwrap()
            ));
        }
    }
    lines.sort();
    assert_eq!(lines, expected("links/broken"));
    assert!(!h.site().exists(), "check writes nothing");
}

#[test]
fn fixed_links_build_and_check_allows_what_it_is_told() {
    let h = Handbook::case("links/broken");
    // `[check]` makes the anchors warnings: the build goes through with them.
    let toml = fs::read_to_string(h.root().join("book.toml")).unwrap();
    h.write(
        "book.toml",
        &format!("{toml}\n[check]\nwarn = [\"missing-anchor\"]\n"),
    );
    let report = h.build();
    let anchors = link_problems(&report, h.root())
        .into_iter()
        .filter(|l| l.contains("has no anchor"))
        .collect::<Vec<_>>();
    assert_eq!(anchors.len(), 3, "{}", messages(&report).join("\n"));
    assert!(anchors.iter().all(|l| l.contains(": warning: ")));

    // Every link fixed: not a word, and the site is built.
    let consent = fs::read_to_string(h.root().join("content/principles/consent.md")).unwrap();
    let consent = consent
        .replace("#nope", "")
        .replace("../nowhere/index.html", "impartiality/index.html")
        .replace("(#not-here)", "(#withdrawal-of-consent)")
        .replace("(map.png)", "(../map.png)")
        .replace("also-missing.png", "../map.png");
    h.write("content/principles/consent.md", &consent);
    h.write_bytes("content/map.png", b"\x89PNG\r\n\x1a\n");
    h.write(
        "static/about.html",
        "<!doctype html><title>About</title><a href=\"index.html#top\">Home</a>\n\
         <a href=\"principles/consent/index.html#withdrawal-of-consent\">Consent</a>\n\
         <a href=\"https://example.org/nowhere\">Elsewhere</a>\n",
    );
    h.write(
        "static/assets/local.css",
        "body { background: url(paper.png) }\n",
    );
    h.write(
        "templates/partials/relations.html",
        "<a href=\"{{ root }}about.html\">About</a> <a href=\"//cdn.example.org/x.js\">x</a>\n",
    );
    let report = h.build_ok();
    assert_eq!(
        link_problems(&report, h.root()),
        Vec::<String>::new(),
        "{}",
        messages(&report).join("\n")
    );
    // Raw HTML's relative URLs are the markdown file's, rewritten for each page that shows
    // the body: the page, and the print view a folder up.
    let page = h.read("principles/consent/index.html");
    assert!(
        page.contains("href=\"../../principles/impartiality/index.html\""),
        "{page}"
    );
    let print = h.read("print/index.html");
    assert!(print.contains("href=\"../principles/impartiality/index.html\""));
    assert!(print.contains("src=\"../map.png\""));
}

/// A theme that drops the navigation (the contents tree, the pager, the lists of children on
/// pages and on section pages, the home page's list), over a handbook whose home page links to
/// one page.
fn without_navigation() -> Handbook {
    Handbook::case("links/unreachable")
}

#[test]
fn pages_no_link_reaches_are_warnings() {
    let h = without_navigation();
    let report = h.build_ok();
    let found = link_problems(&report, h.root());
    // The home page reaches consent, which reaches the term; the top bar reaches the
    // principles' page, which lists nothing: impartiality is reached by nothing.
    assert_eq!(
        found,
        [
            "content/principles/impartiality.md:1:1: warning: no link of the site reaches this page (principles/impartiality/index.html) from the home page"
        ],
        "{}",
        messages(&report).join("\n")
    );
    // With the default theme's navigation every page is reached.
    fs::remove_dir_all(h.root().join("templates")).unwrap();
    let report = h.build_ok();
    assert_eq!(link_problems(&report, h.root()), Vec::<String>::new());
}

#[test]
fn a_session_checks_links_into_pages_it_did_not_make_again() {
    let h = Handbook::case("build/mini");
    h.write(
        "content/principles/impartiality.md",
        &fs::read_to_string(h.root().join("content/principles/impartiality.md"))
            .unwrap()
            .replace(
                "every party alike",
                "every party alike (see <a href=\"consent/index.html#withdrawal-of-consent\">withdrawal</a>)",
            ),
    );
    let mut session = tenet::Session::incremental(tenet::Options {
        root: h.root().to_path_buf(),
        out: None,
        write: true,
    });
    let first = session.build();
    assert!(!first.has_errors(), "{}", messages(&first).join("\n"));
    // The heading goes: impartiality, not made again, links to an anchor that is not there.
    let consent = h.root().join("content/principles/consent.md");
    let text = fs::read_to_string(&consent).unwrap();
    fs::write(
        &consent,
        text.replace("## Withdrawal of consent", "## When consent goes"),
    )
    .unwrap();
    session.notice(vec![consent.clone()]);
    let second = session.build();
    assert!(
        second.pages_made < first.pages_made,
        "only what changed is made again"
    );
    let found = link_problems(&second, h.root());
    assert_eq!(found.len(), 1, "{}", messages(&second).join("\n"));
    assert!(
        found[0].starts_with("content/principles/impartiality.md:")
            && found[0].contains("has no anchor `withdrawal-of-consent`"),
        "{found:?}"
    );
    // Put back: clean again.
    fs::write(&consent, text).unwrap();
    session.notice(vec![consent]);
    let third = session.build();
    assert_eq!(link_problems(&third, h.root()), Vec::<String>::new());
}

/// The link check's own HTML scanner finds exactly the URLs and ids a full HTML5 tokenizer
/// does, on every page the sample handbook makes.
#[test]
fn the_scanner_agrees_with_an_html5_tokenizer() {
    let (_dir, site) = common::build_sample();
    let mut files = 0;
    for entry in walkdir::WalkDir::new(&site) {
        let entry = entry.unwrap();
        let path = entry.path();
        if path.extension().is_none_or(|e| e != "html") {
            continue;
        }
        let html = fs::read_to_string(path).unwrap();
        let mut ours = Vec::new();
        tenet::linkcheck::html::scan(&html, &mut |found| {
            ours.push(match found {
                tenet::linkcheck::html::Found::Url { value, .. } => format!("url {value}"),
                tenet::linkcheck::html::Found::Id(id) => format!("id {id}"),
            })
        });
        let theirs = reference_scan(&html);
        assert_eq!(ours, theirs, "{}", path.display());
        files += 1;
    }
    assert!(files > 50, "only {files} pages");
}

/// What html5gum's tokenizer says the same attributes hold.
fn reference_scan(html: &str) -> Vec<String> {
    use html5gum::{Token, Tokenizer};
    let mut found = Vec::new();
    for token in Tokenizer::new(html).flatten() {
        let Token::StartTag(tag) = token else {
            continue;
        };
        let name = String::from_utf8_lossy(&tag.name).to_ascii_lowercase();
        let attr = |key: &str| {
            tag.attributes
                .get(key.as_bytes())
                .map(|v| String::from_utf8_lossy(v).into_owned())
        };
        if let Some(id) = attr("id").filter(|i| !i.is_empty()) {
            found.push(format!("id {id}"));
        }
        let mut url = |key: &str| {
            if let Some(v) = attr(key) {
                found.push(format!("url {v}"));
            }
        };
        match name.as_str() {
            "a" | "area" => {
                url("href");
                if name == "a"
                    && let Some(n) = attr("name").filter(|n| !n.is_empty())
                {
                    found.push(format!("id {n}"));
                }
            }
            "link" => {
                let rel = attr("rel").unwrap_or_default().to_ascii_lowercase();
                if !rel
                    .split_ascii_whitespace()
                    .any(|r| r == "preconnect" || r == "dns-prefetch")
                {
                    url("href");
                }
            }
            "img" | "source" => {
                url("src");
                if let Some(set) = attr("srcset") {
                    for candidate in set.split(',') {
                        if let Some(u) = candidate.split_ascii_whitespace().next() {
                            found.push(format!("url {u}"));
                        }
                    }
                }
            }
            "script" | "iframe" | "embed" | "audio" | "track" => url("src"),
            "video" => {
                url("src");
                url("poster");
            }
            "object" => url("data"),
            _ => {}
        }
    }
    found
}

/// A server on this machine standing for other sites: `/ok` answers, `/moved` redirects to it,
/// `/no-head` refuses HEAD but answers GET, `/gone` is not found, `/broken` fails. Returns its
/// address and the requests it was sent (method and path).
fn other_sites() -> (String, std::sync::Arc<std::sync::Mutex<Vec<String>>>) {
    let server = tiny_http::Server::http("127.0.0.1:0").unwrap();
    let address = format!("http://{}", server.server_addr().to_ip().unwrap());
    let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let log = seen.clone();
    std::thread::spawn(move || {
        for request in server.incoming_requests() {
            let method = request.method().to_string();
            let path = request.url().to_string();
            log.lock().unwrap().push(format!("{method} {path}"));
            let status = match (method.as_str(), path.as_str()) {
                (_, "/ok") => 200,
                (_, "/moved") => 301,
                ("HEAD", "/no-head") => 405,
                ("GET", "/no-head") => 200,
                (_, "/gone") => 404,
                _ => 500,
            };
            let mut response = tiny_http::Response::from_string("x").with_status_code(status);
            if status == 301 {
                response.add_header(
                    tiny_http::Header::from_bytes(&b"Location"[..], &b"/ok"[..]).unwrap(),
                );
            }
            let _ = request.respond(response);
        }
    });
    (address, seen)
}

#[test]
fn links_to_other_sites_are_visited_only_when_asked() {
    let (site, requests) = other_sites();
    // A port nothing listens on: a site that does not answer.
    let closed = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        drop(listener);
        format!("http://127.0.0.1:{port}/")
    };
    let h = Handbook::from_files(&[
        ("book.toml", "[book]\ntitle = \"Elsewhere\"\n"),
        (
            "content/_index.md",
            &format!(
                "+++\ntitle = \"Home\"\n+++\n\n[ok]({site}/ok#part) and [moved]({site}/moved),\n\
                 <a href=\"{site}/no-head\">no head</a>, [gone]({site}/gone).\n\n\
                 [broken]({site}/broken) and [closed]({closed}); [ok again]({site}/ok).\n"
            ),
        ),
    ]);
    let options = tenet::Options {
        root: h.root().to_path_buf(),
        out: None,
        write: false,
    };
    // Listed, not visited.
    let listed = tenet::Session::new(options.clone())
        .external(tenet::session::External::List)
        .build();
    let notes = listed
        .diagnostics
        .iter()
        .filter(|d| d.code == "external-link")
        .count();
    assert_eq!(notes, 7, "{}", messages(&listed).join("\n"));
    assert!(
        requests.lock().unwrap().is_empty(),
        "nothing is visited unasked"
    );

    let visited = tenet::Session::new(options)
        .external(tenet::session::External::Visit)
        .build();
    assert!(!visited.has_errors(), "{}", messages(&visited).join("\n"));
    let mut warned: Vec<String> = visited
        .diagnostics
        .iter()
        .filter(|d| d.code == "external-link-broken")
        .map(|d| {
            let (line, column) = d.position.unwrap();
            format!(
                "{line}:{column} {}",
                d.message.replace(&site, "SITE").replace(&closed, "CLOSED/")
            )
        })
        .collect();
    warned.sort();
    // Where each is written: the columns follow the server's address.
    let gone = format!("<a href=\"{site}/no-head\">no head</a>, ")
        .chars()
        .count()
        + 1;
    let closed_at = format!("[broken]({site}/broken) and ").chars().count() + 1;
    assert_eq!(warned.len(), 3, "{warned:#?}");
    assert_eq!(
        warned[0],
        format!("6:{gone} external link SITE/gone: not found (HTTP 404)")
    );
    assert_eq!(
        warned[1],
        "8:1 external link SITE/broken: the server answered HTTP 500"
    );
    assert!(
        warned[2].starts_with(&format!(
            "8:{closed_at} external link CLOSED/: could not be reached"
        )),
        "{warned:#?}"
    );
    // Each address once (the fragment is not the server's), HEAD first, GET where HEAD is
    // refused, the redirect followed.
    let mut seen = requests.lock().unwrap().clone();
    seen.sort();
    assert_eq!(
        seen,
        [
            "GET /no-head",
            "HEAD /broken",
            "HEAD /gone",
            "HEAD /moved",
            "HEAD /no-head",
            "HEAD /ok",
            "HEAD /ok"
        ],
    );
    let summary = visited
        .diagnostics
        .iter()
        .find(|d| d.code == "external-links-visited")
        .unwrap();
    assert!(
        summary
            .message
            .contains("visited 6 addresses of other sites (7 links): 3 failed"),
        "{}",
        summary.message
    );
}
