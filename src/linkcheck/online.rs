//! `check --external --online`: each link to another site (`http`, `https`) is visited once,
//! whatever number of pages write it, a few at a time; one that does not answer, or answers
//! with an error status, is a warning at every place it is written. Nothing else in tenet goes
//! to the network, and only when asked.
//!
//! A `HEAD` request first (no body to fetch); a server that refuses `HEAD` (400, 403, 405, 501)
//! is asked with `GET`, whose body is not read. Redirects are followed.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;

use rayon::prelude::*;

use crate::diagnostics::{Diagnostic, Pos};

/// A link to another site, where it is written.
#[derive(Debug, Clone)]
pub struct External {
    pub url: String,
    pub shown: PathBuf,
    pub pos: Pos,
}

/// How many links are visited at once.
const AT_ONCE: usize = 8;

/// What visiting the links found.
#[derive(Debug, Default)]
pub struct Visited {
    /// Distinct addresses visited, and of those, the ones that failed.
    pub addresses: usize,
    pub failed: usize,
    /// A warning for each place of a link that failed.
    pub problems: Vec<Diagnostic>,
}

/// Visits every link (each distinct URL once, without its fragment), waiting at most `timeout`
/// for each.
pub fn visit(links: &[External], timeout: Duration) -> Visited {
    let mut by_url: BTreeMap<&str, Vec<&External>> = BTreeMap::new();
    for link in links {
        let url = link.url.split('#').next().unwrap_or(&link.url);
        by_url.entry(url).or_default().push(link);
    }
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(timeout))
        .http_status_as_error(false)
        .user_agent(concat!(
            "tenet/",
            env!("CARGO_PKG_VERSION"),
            " (link check)"
        ))
        .build()
        .into();
    let urls: Vec<&str> = by_url.keys().copied().collect();
    let answers: Vec<Result<(), String>> =
        match rayon::ThreadPoolBuilder::new().num_threads(AT_ONCE).build() {
            Ok(pool) => pool.install(|| urls.par_iter().map(|url| probe(&agent, url)).collect()),
            Err(_) => urls.iter().map(|url| probe(&agent, url)).collect(),
        };
    let mut found = Vec::new();
    let mut failed = 0;
    for (url, answer) in urls.iter().zip(answers) {
        let Err(problem) = answer else {
            continue;
        };
        failed += 1;
        for link in &by_url[url] {
            found.push(
                Diagnostic::warning(
                    &link.shown,
                    format!("external link {}: {problem}", link.url),
                )
                .at(link.pos)
                .help("fix or remove the link; if the site is only down for now, check again later")
                .code("external-link-broken"),
            );
        }
    }
    Visited {
        addresses: urls.len(),
        failed,
        problems: found,
    }
}

/// Whether a URL answers with a success (or a redirect to one).
fn probe(agent: &ureq::Agent, url: &str) -> Result<(), String> {
    let status = |response: Result<ureq::http::Response<ureq::Body>, ureq::Error>| {
        response
            .map(|r| r.status().as_u16())
            .map_err(|e| format!("could not be reached ({e})"))
    };
    let mut code = status(agent.head(url).call())?;
    if matches!(code, 400 | 403 | 405 | 501) {
        code = status(agent.get(url).call())?;
    }
    match code {
        200..=399 => Ok(()),
        404 | 410 => Err(format!("not found (HTTP {code})")),
        _ => Err(format!("the server answered HTTP {code}")),
    }
}
