//! Search in headless Chromium, measured: for each query, the bytes a fresh page loads to
//! answer it (search code included, uncompressed: file sizes) and the time from keystroke to
//! results, cold (fresh page) and warm (the same query typed again). Run by
//! `bench/search.py`, which builds the sites; by hand:
//!
//!     cargo bench --bench search_browser -- SITE [--pagefind] [--page PATH] QUERY...
//!
//! SITE is a built site. With `--pagefind`, SITE is one Pagefind has indexed (its bundle in
//! `SITE/pagefind/`), queried through Pagefind's JS API the way its default UI does (search,
//! then the data of the first results). `--page` is the page the query is typed on (default:
//! the home page). Prints one JSON object per line.

#[path = "../tests/suite/common/browser.rs"]
#[allow(dead_code)]
mod browser;

use std::path::{Path, PathBuf};
use std::time::Duration;

use browser::{Browser, Page, Request, Server, file_url};
use serde_json::{Value, json};

/// Results the top-bar box shows; for Pagefind, the results whose data is loaded.
const BOX_RESULTS: usize = 8;

fn main() {
    let mut args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    let mut take_flag = |name: &str| match args.iter().position(|a| a == name) {
        Some(i) => {
            args.remove(i);
            true
        }
        None => false,
    };
    let pagefind = take_flag("--pagefind");
    let page_path = match args.iter().position(|a| a == "--page") {
        Some(i) => {
            args.remove(i);
            args.remove(i)
        }
        None => "index.html".to_string(),
    };
    let Some(site) = args.first().map(PathBuf::from) else {
        eprintln!("usage: search_browser SITE [--pagefind] [--page PATH] QUERY...");
        std::process::exit(2);
    };
    let queries: Vec<String> = args[1..].to_vec();
    let Some(mut browser) = Browser::launch() else {
        eprintln!("search_browser: Chromium is missing (apt-get install chromium)");
        std::process::exit(1);
    };
    let server = Server::start(&site);
    for query in &queries {
        if pagefind {
            let row = pagefind_query(&mut browser.page(), &server, &server.url(&page_path), query);
            println!("{row}");
            continue;
        }
        for (proto, base) in [
            ("file", format!("{}/", file_url(&site))),
            ("http", server.url("")),
        ] {
            let url = format!("{base}{page_path}");
            // A new tab for each measure, so that each starts fresh.
            println!(
                "{}",
                box_query(&mut browser.page(), &site, &url, proto, query, false)
            );
            println!(
                "{}",
                box_query(&mut browser.page(), &site, &url, proto, query, true)
            );
            println!(
                "{}",
                search_page(&mut browser.page(), &site, &base, proto, query)
            );
        }
    }
}

/// Sum of the sizes of the files behind `requests`, and how many there were.
fn weigh(site: &Path, requests: &[Request]) -> (u64, usize) {
    let bytes = requests
        .iter()
        .map(|r| {
            let path = r.url.split(['?', '#']).next().unwrap_or("");
            let rel = match path.split_once("://") {
                Some(("file", rest)) => {
                    let full = browser::percent_decode(rest);
                    let root = site.canonicalize().unwrap_or(site.to_path_buf());
                    Path::new(&full)
                        .strip_prefix(&root)
                        .map(Path::to_path_buf)
                        .unwrap_or_default()
                }
                Some((_, rest)) => PathBuf::from(browser::percent_decode(
                    rest.split_once('/').map_or("", |(_, p)| p),
                )),
                None => PathBuf::new(),
            };
            let mut file = site.join(rel);
            if file.is_dir() {
                file = file.join("index.html");
            }
            std::fs::metadata(&file).map(|m| m.len()).unwrap_or(0)
        })
        .sum();
    (bytes, requests.len())
}

fn fresh(page: &mut Page, url: &str) {
    page.call("Network.setCacheDisabled", json!({"cacheDisabled": true}));
    page.goto(url);
}

/// The query typed in the top-bar box of a freshly loaded page: all at once (pasted), or key
/// by key at 5 keys a second (cold is then from the last key). Cold: from the first keystroke until the box shows results (or
/// says there are none), loading the search code included. Warm: the box cleared and the
/// query typed again at once.
fn box_query(
    page: &mut Page,
    site: &Path,
    url: &str,
    proto: &str,
    query: &str,
    keys: bool,
) -> Value {
    fresh(page, url);
    page.eval(SETUP_BOX);
    let q = serde_json::to_string(query).unwrap();
    let cold = page.eval(&format!("window.__type({q}, {keys})"));
    let requests = page.take_requests();
    let (bytes, count) = weigh(site, &requests);
    let warm = page.eval(&format!("window.__type({q}, false)"));
    let shown = page.eval("document.querySelectorAll('#search-listbox [role=option]').length");
    json!({
        "tool": "tenet", "mode": if keys { "box-keys" } else { "box" }, "proto": proto,
        "query": query, "bytes": bytes, "requests": count,
        "cold_ms": cold, "warm_ms": warm, "shown": shown,
        "urls": requests.iter().map(|r| r.url.rsplit('/').next().unwrap_or("").to_string()).collect::<Vec<_>>(),
    })
}

/// Types into the top-bar box and resolves with the milliseconds until its status line says
/// how many results there are.
const SETUP_BOX: &str = r#"
window.__type = async (q, keys) => {
  const input = document.querySelector('.topbar .search input');
  const status = () => document.querySelector('.search-pop-status');
  if (status()) { input.value = ''; input.dispatchEvent(new Event('input', {bubbles: true})); status().textContent = ''; }
  input.focus();
  const done = () => new Promise(resolve => {
    const check = () => { const s = status(); if (s && s.textContent) { resolve(); return true; } return false; };
    if (check()) return;
    const watch = new MutationObserver(() => { if (check()) watch.disconnect(); });
    watch.observe(document.body, {subtree: true, childList: true, characterData: true});
  });
  const chars = Array.from(q);
  let t0 = performance.now();
  if (keys) {
    for (let i = 1; i < chars.length; i++) {
      input.value = chars.slice(0, i).join('');
      input.dispatchEvent(new Event('input', {bubbles: true}));
      await new Promise(r => setTimeout(r, 200));
    }
    if (status()) status().textContent = '';
    t0 = performance.now();
  }
  input.value = q;
  input.dispatchEvent(new Event('input', {bubbles: true}));
  await done();
  const ms = performance.now() - t0;
  await new Promise(r => setTimeout(r, 50));
  return ms;
};
"#;

/// The search page opened with `?q=`: everything it loads (page, styles, code, index, the
/// documents of the first page of results), and the time from navigation to results.
fn search_page(page: &mut Page, site: &Path, base: &str, proto: &str, query: &str) -> Value {
    let url = format!(
        "{base}search/index.html?q={}",
        query.replace(' ', "+").replace('"', "%22")
    );
    page.call("Network.setCacheDisabled", json!({"cacheDisabled": true}));
    let mut requests = page.goto(&url);
    page.wait_for(
        "document.getElementById('search-status').textContent !== ''",
        Duration::from_secs(30),
    );
    let ms = page.eval("performance.now()");
    page.eval("new Promise(r => setTimeout(r, 100))");
    requests.extend(page.take_requests());
    let (bytes, count) = weigh(site, &requests);
    let shown = page.eval("document.querySelectorAll('#search-results > li').length");
    json!({
        "tool": "tenet", "mode": "page", "proto": proto, "query": query,
        "bytes": bytes, "requests": count, "cold_ms": ms, "shown": shown,
    })
}

/// Pagefind on a fresh page (http only: it fetches, which file:// forbids): import its API,
/// search, and load the data of the first results, as its UI does; then the same again, warm.
/// Bytes are counted by the server, because Pagefind fetches from a worker as well.
fn pagefind_query(page: &mut Page, server: &Server, url: &str, query: &str) -> Value {
    fresh(page, url);
    server.take_served();
    let q = serde_json::to_string(query).unwrap();
    let run = format!(
        "(async () => {{ const t0 = performance.now();
           window.__pf = window.__pf || await import('/pagefind/pagefind.js');
           const s = await window.__pf.search({q});
           await Promise.all(s.results.slice(0, {BOX_RESULTS}).map(r => r.data()));
           return [performance.now() - t0, s.results.length]; }})()"
    );
    let cold = page.eval(&run);
    let served = server.take_served();
    let bytes: u64 = served.iter().map(|(_, n)| n).sum();
    let warm = page.eval(&run);
    json!({
        "tool": "pagefind", "mode": "api", "proto": "http", "query": query,
        "bytes": bytes, "requests": served.len(), "cold_ms": cold[0], "warm_ms": warm[0],
        "results": cold[1],
        "urls": served.iter().map(|(p, _)| p.rsplit('/').next().unwrap_or("").to_string()).collect::<Vec<_>>(),
    })
}
