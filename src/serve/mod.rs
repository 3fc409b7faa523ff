//! `tenet serve`: builds the handbook, serves the output folder over HTTP on this machine,
//! watches the handbook's sources, and after each change builds again and tells the open
//! pages, which reload (keeping their place) or show the build's errors.
//!
//! The output folder is written by the same [`Session`] a `tenet build` uses, with the same
//! safety rules: a build with errors writes nothing, so the last good site stays served
//! underneath the errors; later builds write only the files whose bytes changed, so the
//! folder always equals what a clean build makes. The live-reload script is added only to the
//! pages sent over HTTP, never to the files.

pub mod http;
pub mod live;
pub mod watch;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use crate::session::{Options, Report, Session};
use live::Live;
use watch::{Message, Watcher};

/// A save often arrives as several events (write, rename, attributes): the build waits until
/// the sources have been quiet this long.
const QUIET: Duration = Duration::from_millis(10);

/// How to serve.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    pub build: Options,
    /// Where to listen (port 0: any free port). None: watch and build, serve nothing.
    pub listen: Option<SocketAddr>,
}

/// What serve tells whoever runs it, as it happens.
pub enum Event<'a> {
    /// A build finished (the first one, or one after a change), in that long.
    Built(&'a Report, Duration),
    /// The pages a build changed are in place and the open pages told, that long after the
    /// build began (the print views and the search index follow).
    PagesShown(usize, Duration),
    /// The server listens at this address.
    Listening(SocketAddr),
    /// Something serve could not do but can live without (watching one folder, say).
    Trouble(String),
}

/// Builds, serves and rebuilds until `stop` receives a message (the CLI sends one on
/// Ctrl-C) or is dropped. Returns an error only when serving cannot start.
pub fn serve(
    options: ServeOptions,
    on_event: &mut dyn FnMut(Event),
    stop: mpsc::Receiver<()>,
) -> Result<(), String> {
    let (tell, messages) = mpsc::channel::<Message>();
    {
        let tell = tell.clone();
        std::thread::spawn(move || {
            let _ = stop.recv();
            let _ = tell.send(Message::Stop);
        });
    }
    let live = Arc::new(Live::new());
    let mut session = Session::incremental(options.build.clone());
    let mut watcher = Watcher::new(tell)?;

    let report = build(&mut session, &live, on_event);
    let site = report
        .target
        .clone()
        .ok_or("serve needs an output folder; none was found")?;
    let troubles = watcher.watch(&report.handbooks);
    let mut watching = troubles.is_empty();
    for trouble in troubles {
        on_event(Event::Trouble(trouble));
    }
    let server = match options.listen {
        Some(addr) => {
            let server = http::Server::start(addr, site, live.clone())?;
            on_event(Event::Listening(server.addr));
            Some(server)
        }
        None => None,
    };

    'serving: while let Ok(message) = messages.recv() {
        // What changed, as far as the watcher knows.
        let mut changed = Some(Vec::new());
        let take = |message: Message, changed: &mut Option<Vec<PathBuf>>| match message {
            Message::Stop => false,
            Message::Changed(path) => {
                if let Some(paths) = changed {
                    paths.push(path);
                }
                true
            }
            Message::Unknown => {
                *changed = None;
                true
            }
        };
        if !take(message, &mut changed) {
            break;
        }
        // Let a burst of events settle.
        loop {
            match messages.recv_timeout(QUIET) {
                Ok(message) => {
                    if !take(message, &mut changed) {
                        break 'serving;
                    }
                }
                Err(mpsc::RecvTimeoutError::Timeout) => break,
                Err(mpsc::RecvTimeoutError::Disconnected) => break 'serving,
            }
        }
        if let Some(mut paths) = changed.filter(|_| watching) {
            paths.sort();
            paths.dedup();
            session.notice(paths);
        }
        let report = build(&mut session, &live, on_event);
        // A change of book.toml can add or drop bases and languages; a source folder may
        // have been made.
        let troubles = watcher.watch(&report.handbooks);
        watching = troubles.is_empty();
        for trouble in troubles {
            on_event(Event::Trouble(trouble));
        }
    }
    live.stop();
    drop(server);
    Ok(())
}

/// One build, told to the pages and to whoever runs serve.
fn build(session: &mut Session, live: &Live, on_event: &mut dyn FnMut(Event)) -> Report {
    let started = Instant::now();
    // The open pages are told as soon as the pages are in place; the print views and the
    // search index follow.
    let shown = std::sync::Mutex::new(std::collections::HashSet::new());
    let early = std::sync::Mutex::new(None);
    let open = live.open_pages();
    let report = session.build_showing(Some(&crate::render::Showing {
        open: &open,
        done: &|moved: Vec<String>| {
            // The first pages shown are the ones the author is looking at.
            early
                .lock()
                .expect("early")
                .get_or_insert((moved.len(), started.elapsed()));
            shown.lock().expect("shown").extend(moved.iter().cloned());
            live.publish(Vec::new(), moved);
        },
    }));
    if let Some((files, after)) = early.into_inner().expect("early") {
        on_event(Event::PagesShown(files, after));
    }
    let took = started.elapsed();
    let problems = report
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .cloned()
        .collect();
    // What the pages were not told of yet (a page is not reloaded twice).
    let shown = shown.into_inner().expect("shown");
    let rest = report
        .changed
        .iter()
        .filter(|c| !shown.contains(*c))
        .cloned()
        .collect();
    live.publish(problems, rest);
    on_event(Event::Built(&report, took));
    report
}
