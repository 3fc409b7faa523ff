//! The printing: each printable goes through the same steps in a tab of its own (open a tab,
//! attach to it, enable its page events, open the HTML, wait for it to load, mark its outline
//! and contents (`marks`), print it, close the tab), up to [`IN_FLIGHT`] of them at once over
//! the one connection. Replies and events are matched to their page by command id and session
//! id. A page with a contents list is printed again once its page numbers are filled in from
//! where the first print put each entry, until they stay put (at most [`PASSES`] prints); the
//! last print is finished (`document`: outline, author, language) and written.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use super::cdp::{Chromium, Connection, Incoming};
use super::document::{Finish, Pdf};
use super::marks::{self, Marks};
use super::{Printable, renumber_node_ids, without_dates};
use crate::diagnostics::Diagnostic;
use crate::search::encode::decode_base64;

/// How many pages are printed at once, each in a tab of its own (and so its own renderer
/// process): on 2 cores, 2 to 4 print the sample's 15 PDFs in about 3.9 s, one at a time in 5.1.
const IN_FLIGHT: usize = 4;

/// How long one page may take, from opening its tab to its PDF.
const PAGE_TIMEOUT: Duration = Duration::from_secs(120);

/// How many times a page with a contents list is printed at most: the first print says where
/// each entry landed, the second holds those numbers and checks that nothing moved.
const PASSES: u32 = 3;

/// The command a page is waiting on (or, for `Navigate`, the load event as well).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Step {
    Create,
    Attach,
    Enable,
    Navigate,
    Prepare,
    Print,
    Number,
    Close,
}

/// A page being printed.
struct Job {
    /// Its place in the printables.
    index: usize,
    step: Step,
    target: Option<String>,
    session: Option<String>,
    /// `Page.navigate` has answered, and `Page.loadEventFired` has come, since navigating.
    navigated: bool,
    loaded: bool,
    started: Instant,
    /// What the page said of its outline and contents.
    marks: Marks,
    /// The contents' page numbers the page holds now, and how many prints were made.
    numbers: Vec<Option<u32>>,
    passes: u32,
}

/// Chromium has gone or the connection broke: nothing more can be printed.
struct Lost(String);

struct Printer<'a> {
    connection: &'a mut Connection,
    out: &'a Path,
    printables: &'a [Printable],
    jobs: Vec<Job>,
    /// Which page each command in flight was sent for.
    calls: HashMap<u64, usize>,
    results: Vec<Option<Result<PathBuf, Diagnostic>>>,
}

/// Prints every printable; one result per printable, in their order.
pub fn run(
    connection: &mut Connection,
    browser: &mut Chromium,
    out: &Path,
    printables: &[Printable],
) -> Vec<Result<PathBuf, Diagnostic>> {
    let mut printer = Printer {
        connection,
        out,
        printables,
        jobs: Vec::new(),
        calls: HashMap::new(),
        results: printables.iter().map(|_| None).collect(),
    };
    if let Err(Lost(why)) = printer.print_all() {
        // The pages being printed say why; those not begun, only that they were not.
        let why = format!("{why}{}", browser.what_happened());
        let in_flight: Vec<usize> = printer.jobs.iter().map(|j| j.index).collect();
        for (i, result) in printer.results.iter_mut().enumerate() {
            if result.is_none() {
                let message = if in_flight.contains(&i) {
                    format!("not printed to PDF: {why}")
                } else {
                    "not printed to PDF: Chromium had stopped before its turn".to_string()
                };
                *result = Some(Err(page_error(&printables[i], message)));
            }
        }
    }
    printer
        .results
        .into_iter()
        .map(|r| r.expect("every page has a result"))
        .collect()
}

fn page_error(p: &Printable, message: String) -> Diagnostic {
    Diagnostic::error(p.html.as_str(), message).code("pdf")
}

impl Printer<'_> {
    fn print_all(&mut self) -> Result<(), Lost> {
        let mut next = 0;
        loop {
            while self.jobs.len() < IN_FLIGHT && next < self.printables.len() {
                self.start(next)?;
                next += 1;
            }
            if self.jobs.is_empty() {
                return Ok(());
            }
            match self.connection.receive().map_err(Lost)? {
                Incoming::Reply { id, result } => self.reply(id, result)?,
                Incoming::Event(e) => self.event(&e.method, e.session.as_deref(), &e.params)?,
                Incoming::Nothing => {}
            }
            self.check_deadlines()?;
        }
    }

    /// Opens a tab for printable `index`.
    fn start(&mut self, index: usize) -> Result<(), Lost> {
        let pdf = self.out.join(&self.printables[index].pdf);
        if let Some(dir) = pdf.parent()
            && let Err(e) = std::fs::create_dir_all(dir)
        {
            self.results[index] = Some(Err(page_error(
                &self.printables[index],
                format!("cannot create {}: {e}", dir.display()),
            )));
            return Ok(());
        }
        self.jobs.push(Job {
            index,
            step: Step::Create,
            target: None,
            session: None,
            navigated: false,
            loaded: false,
            started: Instant::now(),
            marks: Marks::default(),
            numbers: Vec::new(),
            passes: 0,
        });
        self.send(
            index,
            None,
            "Target.createTarget",
            // In the background: a tab brought to the front would be drawn on screen too,
            // for nothing.
            json!({"url": "about:blank", "background": true}),
        )
    }

    /// Sends a command for printable `index`, whose reply comes back to [`Printer::reply`].
    fn send(
        &mut self,
        index: usize,
        session: Option<&str>,
        method: &str,
        params: Value,
    ) -> Result<(), Lost> {
        let id = self
            .connection
            .send(session, method, params)
            .map_err(Lost)?;
        self.calls.insert(id, index);
        Ok(())
    }

    fn job(&mut self, index: usize) -> Option<&mut Job> {
        self.jobs.iter_mut().find(|j| j.index == index)
    }

    fn reply(&mut self, id: u64, result: Result<Value, String>) -> Result<(), Lost> {
        let Some(index) = self.calls.remove(&id) else {
            return Ok(()); // a tab closed without waiting for its answer
        };
        let Some(job) = self.job(index) else {
            // The page already failed (took too long); a tab opened for it since is closed.
            if let Ok(target) = &result
                && let Some(target) = target["targetId"].as_str()
            {
                self.close_target(target)?;
            }
            return Ok(());
        };
        let step = job.step;
        let result = match result {
            Ok(result) => result,
            Err(said) => {
                if step == Step::Close {
                    self.done(index);
                    return Ok(());
                }
                return self.fail(index, format!("{} failed: {said}", method(step)));
            }
        };
        match step {
            Step::Create => {
                let Some(target) = result["targetId"].as_str() else {
                    return self.fail(index, "Chromium opened no tab for it".into());
                };
                job.target = Some(target.to_string());
                job.step = Step::Attach;
                let params = json!({"targetId": target, "flatten": true});
                self.send(index, None, "Target.attachToTarget", params)
            }
            Step::Attach => {
                let Some(session) = result["sessionId"].as_str() else {
                    return self.fail(index, "Chromium gave no session for its tab".into());
                };
                let session = session.to_string();
                job.session = Some(session.clone());
                job.step = Step::Enable;
                self.send(index, Some(&session), "Page.enable", json!({}))
            }
            Step::Enable => {
                job.step = Step::Navigate;
                let session = job.session.clone();
                let url = self.file_url(index);
                self.send(
                    index,
                    session.as_deref(),
                    "Page.navigate",
                    json!({"url": url}),
                )
            }
            Step::Navigate => {
                if let Some(error) = result["errorText"].as_str().filter(|e| !e.is_empty()) {
                    let url = self.file_url(index);
                    return self.fail(index, format!("Chromium cannot open {url}: {error}"));
                }
                job.navigated = true;
                self.print_if_loaded(index)
            }
            Step::Prepare => {
                let marks = match Marks::parse(&result) {
                    Ok(marks) => marks,
                    Err(e) => return self.fail(index, e),
                };
                job.marks = marks;
                self.print(index)
            }
            Step::Number => self.print(index),
            Step::Print => {
                let printed = match result["data"].as_str() {
                    Some(data) => self.printed(index, data),
                    None => Err("Chromium printed no PDF data".to_string()),
                };
                let written = match printed {
                    Ok(None) => return Ok(()),
                    Ok(Some(pdf)) => Ok(pdf),
                    Err(e) => Err(e),
                };
                match written {
                    Ok(pdf) => {
                        self.results[index] = Some(Ok(pdf));
                        let job = self.job(index).expect("the job is printing");
                        job.step = Step::Close;
                        let target = job.target.clone().expect("a printed page has a tab");
                        self.send(
                            index,
                            None,
                            "Target.closeTarget",
                            json!({"targetId": target}),
                        )
                    }
                    Err(e) => self.fail(index, e),
                }
            }
            Step::Close => {
                self.done(index);
                Ok(())
            }
        }
    }

    fn event(&mut self, method: &str, session: Option<&str>, params: &Value) -> Result<(), Lost> {
        // Events of a tab come with its session; the browser's own say which session they
        // are about.
        let session = session.or_else(|| params["sessionId"].as_str());
        let Some(index) = self
            .jobs
            .iter()
            .find(|j| j.session.is_some() && j.session.as_deref() == session)
            .map(|j| j.index)
        else {
            return Ok(());
        };
        let job = self.job(index).expect("just found");
        match method {
            // Only a load after `Page.navigate` was sent is the page's own.
            "Page.loadEventFired" if job.step == Step::Navigate => {
                job.loaded = true;
                self.print_if_loaded(index)
            }
            "Inspector.targetCrashed" => self.fail(index, "its tab in Chromium crashed".into()),
            "Target.detachedFromTarget" if job.step != Step::Close => {
                self.fail(index, "its tab in Chromium went away".into())
            }
            _ => Ok(()),
        }
    }

    /// Marks the page's outline and contents once it has both navigated and loaded.
    fn print_if_loaded(&mut self, index: usize) -> Result<(), Lost> {
        let job = self.job(index).expect("the job is loading");
        if !(job.navigated && job.loaded) {
            return Ok(());
        }
        job.step = Step::Prepare;
        let session = job.session.clone();
        let params = json!({"expression": marks::PREPARE, "returnByValue": true});
        self.send(index, session.as_deref(), "Runtime.evaluate", params)
    }

    /// Prints the page (again).
    fn print(&mut self, index: usize) -> Result<(), Lost> {
        let job = self.job(index).expect("the job is printing");
        job.step = Step::Print;
        job.passes += 1;
        let session = job.session.clone();
        // The pages size themselves with CSS `@page` (paper and margins) and print their own
        // running footers: as `--print-to-pdf --no-pdf-header-footer` did.
        let params = json!({
            "printBackground": true,
            "preferCSSPageSize": true,
            "displayHeaderFooter": false,
            // Tagged (the structure of the page, for screen readers and reflow); the outline is
            // written afterwards from the page's own structure (`document`), not Chromium's
            // from its headings.
            "generateTaggedPDF": true,
        });
        self.send(index, session.as_deref(), "Page.printToPDF", params)
    }

    /// Reads the PDF Chromium sent. When the contents' page numbers are not yet those it
    /// shows, puts them into the page and asks for another print (None); else finishes the PDF
    /// and writes it, without its dates.
    fn printed(&mut self, index: usize, data: &str) -> Result<Option<PathBuf>, String> {
        let mut bytes = decode_base64(data).ok_or("Chromium's PDF data is not base64")?;
        if !bytes.starts_with(b"%PDF-") {
            return Err("what Chromium printed is not a PDF".into());
        }
        without_dates(&mut bytes);
        renumber_node_ids(&mut bytes);
        let pdf = Pdf::parse(&bytes)?;
        let job = self.job(index).expect("the job is printing");
        if !job.marks.toc.is_empty() {
            let pages = pdf.destination_pages();
            let numbers: Vec<Option<u32>> = job
                .marks
                .toc
                .iter()
                .map(|m| pages.get(m).copied())
                .collect();
            if numbers != job.numbers && job.passes < PASSES {
                job.step = Step::Number;
                let script = marks::numbers(&numbers);
                job.numbers = numbers;
                let session = job.session.clone();
                let params = json!({"expression": script, "returnByValue": true});
                self.send(index, session.as_deref(), "Runtime.evaluate", params)
                    .map_err(|Lost(why)| why)?;
                return Ok(None);
            }
        }
        let finish = Finish {
            outline: std::mem::take(&mut job.marks.outline),
            author: job.marks.author.take(),
            lang: job.marks.lang.take(),
        };
        let bytes = pdf.finish(&finish)?;
        self.write(index, &bytes).map(Some)
    }

    /// Writes a finished PDF.
    fn write(&self, index: usize, bytes: &[u8]) -> Result<PathBuf, String> {
        let pdf = self.out.join(&self.printables[index].pdf);
        std::fs::write(&pdf, bytes).map_err(|e| format!("cannot write {}: {e}", pdf.display()))?;
        Ok(pdf)
    }

    fn file_url(&self, index: usize) -> String {
        file_url(&self.out.join(&self.printables[index].html))
    }

    /// Pages that have taken too long fail.
    fn check_deadlines(&mut self) -> Result<(), Lost> {
        let late: Vec<(usize, Step)> = self
            .jobs
            .iter()
            .filter(|j| j.started.elapsed() > PAGE_TIMEOUT && j.step != Step::Close)
            .map(|j| (j.index, j.step))
            .collect();
        for (index, step) in late {
            let waiting = match step {
                Step::Navigate => "to load".to_string(),
                step => format!("for {}", method(step)),
            };
            let message = format!(
                "Chromium did not print it within {} s (still waiting {waiting})",
                PAGE_TIMEOUT.as_secs()
            );
            self.fail(index, message)?;
        }
        Ok(())
    }

    /// Page `index` failed: its result says why, and its tab (if any) is closed.
    fn fail(&mut self, index: usize, why: String) -> Result<(), Lost> {
        let message = format!("not printed to PDF: {why}");
        self.results[index] = Some(Err(page_error(&self.printables[index], message)));
        let target = self.job(index).and_then(|j| j.target.clone());
        self.done(index);
        match target {
            Some(target) => self.close_target(&target),
            None => Ok(()),
        }
    }

    /// Closes a tab, not waiting for the answer.
    fn close_target(&mut self, target: &str) -> Result<(), Lost> {
        self.connection
            .send(None, "Target.closeTarget", json!({"targetId": target}))
            .map(|_| ())
            .map_err(Lost)
    }

    fn done(&mut self, index: usize) {
        self.jobs.retain(|j| j.index != index);
    }
}

/// The `file://` URL of an absolute path, with every byte that could end the path or change
/// its meaning (a space, `#`, `?`, `%`, anything not ASCII) percent-encoded.
fn file_url(path: &Path) -> String {
    let mut url = String::from("file://");
    for &b in path.as_os_str().as_encoded_bytes() {
        if b.is_ascii_alphanumeric() || b"/-._~!$&'()*+,;=:@".contains(&b) {
            url.push(char::from(b));
        } else {
            url.push_str(&format!("%{b:02X}"));
        }
    }
    url
}

/// The command a step waits on.
fn method(step: Step) -> &'static str {
    match step {
        Step::Create => "Target.createTarget",
        Step::Attach => "Target.attachToTarget",
        Step::Enable => "Page.enable",
        Step::Navigate => "Page.navigate",
        Step::Prepare | Step::Number => "Runtime.evaluate",
        Step::Print => "Page.printToPDF",
        Step::Close => "Target.closeTarget",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_urls_keep_odd_folder_names_in_the_path() {
        assert_eq!(
            file_url(Path::new(
                "/tmp/site/lessons/1.3-principles/handout/index.html"
            )),
            "file:///tmp/site/lessons/1.3-principles/handout/index.html"
        );
        assert_eq!(
            file_url(Path::new("/home/a b/#1?/100%/légitimité/index.html")),
            "file:///home/a%20b/%231%3F/100%25/l%C3%A9gitimit%C3%A9/index.html"
        );
    }
}
