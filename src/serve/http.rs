//! The local HTTP server of `tenet serve`: the output folder's files as they are on disk, with
//! a small script added to every HTML page sent (never to the files) that reloads the page
//! after a build changes it and shows the build's errors; and `/__tenet/events`, the
//! server-sent events that script listens to.

use std::io::Write;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

use tiny_http::{Header, Method, Request, Response};

use super::live::Live;

/// The script added to the pages sent.
const LIVE_JS: &str = include_str!("live.js");
/// Where pages load it from, and where its events come from.
pub const LIVE_PATH: &str = "/__tenet/live.js";
pub const EVENTS_PATH: &str = "/__tenet/events";
/// How often an idle event stream says it is still there (so a closed tab is noticed).
const KEEP_ALIVE: Duration = Duration::from_secs(15);
/// Threads answering requests (event streams get threads of their own).
const WORKERS: usize = 4;

/// A running server; stops when dropped.
pub struct Server {
    http: Arc<tiny_http::Server>,
    pub addr: SocketAddr,
    workers: Vec<JoinHandle<()>>,
}

impl Server {
    /// Listens on `addr` (port 0: any free port) and serves `site`.
    pub fn start(addr: SocketAddr, site: PathBuf, live: Arc<Live>) -> Result<Server, String> {
        let http =
            tiny_http::Server::http(addr).map_err(|e| format!("cannot listen on {addr}: {e}"))?;
        let addr = http
            .server_addr()
            .to_ip()
            .ok_or_else(|| format!("cannot listen on {addr}: not an IP address"))?;
        let http = Arc::new(http);
        let site = Arc::new(site);
        let workers = (0..WORKERS)
            .map(|_| {
                let (http, site, live) = (http.clone(), site.clone(), live.clone());
                std::thread::spawn(move || {
                    while let Ok(request) = http.recv() {
                        answer(request, &site, &live);
                    }
                })
            })
            .collect();
        Ok(Server {
            http,
            addr,
            workers,
        })
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        for _ in &self.workers {
            self.http.unblock();
        }
        for worker in self.workers.drain(..) {
            let _ = worker.join();
        }
    }
}

fn header(name: &str, value: &str) -> Header {
    Header::from_bytes(name.as_bytes(), value.as_bytes()).expect("a valid header")
}

fn answer(request: Request, site: &Path, live: &Arc<Live>) {
    if !matches!(request.method(), Method::Get | Method::Head) {
        let _ = request.respond(
            Response::from_string("only GET and HEAD\n")
                .with_status_code(405)
                .with_header(header("Allow", "GET, HEAD")),
        );
        return;
    }
    let url = request.url().to_string();
    let path = url.split(['?', '#']).next().unwrap_or("/");
    if path == EVENTS_PATH {
        // `?since=N`: the build the page was sent from.
        let since = url
            .split_once('?')
            .and_then(|(_, q)| q.split('&').find_map(|kv| kv.strip_prefix("since=")))
            .and_then(|n| n.parse().ok());
        // `&page=a/b/index.html`: the file the page shows, made first by the next builds.
        let page = url
            .split_once('?')
            .and_then(|(_, q)| q.split('&').find_map(|kv| kv.strip_prefix("page=")))
            .and_then(decode)
            .and_then(|rel| {
                let parts: Option<Vec<&str>> = rel.iter().map(|c| c.to_str()).collect();
                parts.map(|p| p.join("/"))
            })
            .filter(|rel| !rel.is_empty());
        let live = live.clone();
        std::thread::spawn(move || {
            let _open = page.map(|page| live.opened(page));
            stream_events(request, &live, since)
        });
        return;
    }
    let response = if path == LIVE_PATH {
        Response::from_string(LIVE_JS).with_header(header("Content-Type", "text/javascript"))
    } else {
        file_response(site, path, live)
    };
    // A versioned URL (`?v=`) names one content for good (a new build names a new version);
    // anything else may change with the next build.
    let versioned = url.contains("?v=") || url.contains("&v=");
    let cache = if versioned {
        "max-age=31536000, immutable"
    } else {
        "no-store"
    };
    let _ = request.respond(response.with_header(header("Cache-Control", cache)));
}

/// The file a URL path names, HTML with the live script added; the site's 404 page (or a
/// plain one) when there is none.
fn file_response(site: &Path, path: &str, live: &Live) -> Response<std::io::Cursor<Vec<u8>>> {
    // Read the build's number before the file, so a page is never newer than it says.
    let generation = live.now().generation;
    let Some(rel) = decode(path) else {
        return Response::from_string("bad request\n").with_status_code(400);
    };
    let mut file = site.join(&rel);
    if file.is_dir() {
        if !path.ends_with('/') {
            return Response::from_string("")
                .with_status_code(301)
                .with_header(header("Location", &format!("{path}/")));
        }
        file = file.join("index.html");
    }
    match std::fs::read(&file) {
        Ok(bytes) => {
            let kind = content_type(&file);
            let bytes = if kind.starts_with("text/html") {
                with_live_script(&bytes, generation, &live.instance)
            } else {
                bytes
            };
            Response::from_data(bytes).with_header(header("Content-Type", kind))
        }
        Err(_) => {
            let page = std::fs::read(site.join("404.html")).unwrap_or_else(|_| {
                b"<!doctype html><html lang=\"en\"><meta charset=\"utf-8\"><title>Not found</title><body><h1>Not found</h1><p>The site has no such page (or has not been built yet).</p></body></html>".to_vec()
            });
            Response::from_data(with_live_script(&page, generation, &live.instance))
                .with_status_code(404)
                .with_header(header("Content-Type", "text/html; charset=utf-8"))
        }
    }
}

/// A URL path as a relative path under the site: percent-decoded, without empty, `.` or `..`
/// segments; `None` when it would leave the folder or is not UTF-8.
fn decode(path: &str) -> Option<PathBuf> {
    let bytes = path.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    let text = String::from_utf8(out).ok()?;
    let mut rel = PathBuf::new();
    for segment in text.split('/') {
        match segment {
            "" | "." => {}
            ".." => return None,
            s if s.contains(['\\', '\0']) || s.contains(':') && cfg!(windows) => return None,
            s => rel.push(s),
        }
    }
    Some(rel)
}

/// The page with the live script added before its last `</body>` (or at its end).
fn with_live_script(html: &[u8], generation: u64, instance: &str) -> Vec<u8> {
    // Versioned by the serve run, so a reloading page takes it from its cache.
    let tag = format!(
        "<script src=\"{LIVE_PATH}?v={instance}\" data-generation=\"{generation}\" data-instance=\"{instance}\"></script>"
    );
    let at = html
        .windows(7)
        .rposition(|w| w.eq_ignore_ascii_case(b"</body>"))
        .unwrap_or(html.len());
    let mut out = Vec::with_capacity(html.len() + tag.len());
    out.extend_from_slice(&html[..at]);
    out.extend_from_slice(tag.as_bytes());
    out.extend_from_slice(&html[at..]);
    out
}

fn content_type(path: &Path) -> &'static str {
    let extension = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    match extension.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "xml" => "application/xml",
        "txt" | "md" => "text/plain; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "ico" => "image/x-icon",
        "pdf" => "application/pdf",
        "epub" => "application/epub+zip",
        "woff" => "font/woff",
        "woff2" => "font/woff2",
        "mp4" => "video/mp4",
        "webm" => "video/webm",
        "mp3" => "audio/mpeg",
        "wasm" => "application/wasm",
        _ => "application/octet-stream",
    }
}

/// One page's event stream: the state now (`hello`, with what changed since the build the
/// page was sent from), then each build (`built`), until the page goes away or serve stops.
fn stream_events(request: Request, live: &Live, since: Option<u64>) {
    let mut out = request.into_writer();
    let head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n";
    let mut now = live.now();
    let changed = live.changed_since(since, now.generation);
    let hello = format!(
        "retry: 500\nevent: hello\ndata: {}\n\n",
        live.json(&now, &changed)
    );
    if out
        .write_all(head.as_bytes())
        .and_then(|()| out.write_all(hello.as_bytes()))
        .and_then(|()| out.flush())
        .is_err()
    {
        return;
    }
    loop {
        let next = live.wait_after(now.generation, KEEP_ALIVE);
        if next.stopping {
            return;
        }
        let message = if next.generation == now.generation {
            ": still here\n\n".to_string()
        } else {
            // Every build since the last one this page heard of (two can come close together).
            let changed = live.changed_since(Some(now.generation), next.generation);
            format!("event: built\ndata: {}\n\n", live.json(&next, &changed))
        };
        if out
            .write_all(message.as_bytes())
            .and_then(|()| out.flush())
            .is_err()
        {
            return;
        }
        now = next;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_paths_stay_inside_the_site() {
        assert_eq!(decode("/a/b%20c/"), Some(PathBuf::from("a/b c")));
        assert_eq!(
            decode("/lessons/%C3%A9t%C3%A9/index.html"),
            Some(PathBuf::from("lessons/été/index.html"))
        );
        assert_eq!(decode("/"), Some(PathBuf::new()));
        assert_eq!(decode("/a/../../etc/passwd"), None);
        assert_eq!(decode("/%2e%2e/x"), None);
        assert_eq!(decode("/a%5c..%5cx"), None);
        assert_eq!(decode("/%zz"), None);
        assert_eq!(decode("/%C3"), None);
    }

    #[test]
    fn the_script_goes_before_the_last_body_end() {
        let html = b"<html><body><p>`</body>` in text</p></BODY></html>";
        let out = String::from_utf8(with_live_script(html, 3, "i")).unwrap();
        assert!(out.ends_with(
            "in text</p><script src=\"/__tenet/live.js?v=i\" data-generation=\"3\" data-instance=\"i\"></script></BODY></html>"
        ));
        let bare = String::from_utf8(with_live_script(b"<p>x", 1, "i")).unwrap();
        assert!(bare.starts_with("<p>x<script"));
    }
}
