//! The `tenet` command line: parses arguments, runs the library, prints what it found and
//! sets the exit code (0: success, 1: the handbook has errors, 2: bad usage).

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "tenet",
    version,
    about = "Build doctrine handbooks and training curricula into static sites"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Build the handbook at DIR into a static site
    Build {
        #[command(flatten)]
        target: Target,
        /// Print the time each stage took
        #[arg(long)]
        timings: bool,
        /// Also make the PDFs `tenet pdf` makes (needs Chromium)
        #[arg(long)]
        pdf: bool,
        /// Also make the EPUBs `tenet epub` makes
        #[arg(long)]
        epub: bool,
        #[command(flatten)]
        format: FormatArg,
    },
    /// Build the handbook at DIR, then print its lesson handouts, lesson plans, modules and the
    /// whole handbook to PDF under OUT/pdf/ with headless Chromium
    Pdf {
        #[command(flatten)]
        target: Target,
        #[command(flatten)]
        format: FormatArg,
    },
    /// Build the handbook at DIR with EPUB 3 books for phones and e-readers: the whole handbook
    /// (OUT/epub/handbook.epub) and each module (OUT/epub/<module id>.epub)
    Epub {
        #[command(flatten)]
        target: Target,
        #[command(flatten)]
        format: FormatArg,
    },
    /// Build the handbook at DIR, serve the site on this machine and rebuild it after every
    /// change to the sources: open pages reload by themselves, or show the errors
    Serve {
        #[command(flatten)]
        target: Target,
        /// The port to listen on (default: 3000, or the next free one up to 3009; 0: any)
        #[arg(long, short)]
        port: Option<u16>,
        /// The address to listen on (another machine can reach 0.0.0.0)
        #[arg(long, default_value = "127.0.0.1")]
        bind: std::net::IpAddr,
        /// Open the site in the web browser
        #[arg(long)]
        open: bool,
        /// Print the time each stage of each build took
        #[arg(long)]
        timings: bool,
    },
    /// Build the handbook at DIR, and build it again after every change to the sources
    Watch {
        #[command(flatten)]
        target: Target,
        /// Print the time each stage of each build took
        #[arg(long)]
        timings: bool,
    },
    /// Check the handbook at DIR: everything a build does, without writing
    Check {
        /// The handbook folder (holding book.toml)
        #[arg(default_value = ".")]
        dir: PathBuf,
        #[command(flatten)]
        format: FormatArg,
        /// Also list every link to another site (http, https) as a note, where it is written
        /// (they are not visited)
        #[arg(long)]
        external: bool,
        /// With --external: visit each link to another site instead (once per address, a few
        /// at a time), and warn of those that fail; the only time tenet uses the network
        #[arg(long, requires = "external")]
        online: bool,
    },
    /// Write a ready handbook into DIR (a new or empty folder): a commented book.toml and one
    /// page of every kind, citing each other, to start from
    New {
        /// The handbook's folder (created)
        dir: PathBuf,
    },
    /// Make and follow a local edition: a folder laid over a base handbook
    Edition {
        #[command(subcommand)]
        command: EditionCommand,
    },
}

#[derive(Subcommand)]
enum EditionCommand {
    /// Write a ready edition folder DIR, with a commented book.toml, on top of the base handbook
    New {
        /// The edition's folder (created)
        dir: PathBuf,
        /// The base handbook's folder
        #[arg(long)]
        base: PathBuf,
    },
    /// List what the edition at DIR adds, replaces and removes: which of its copies of base
    /// pages are out of date, with what changed in the base since; where the pages kept refer
    /// to the pages left out; the base pages not yet translated
    Status {
        /// The edition's folder
        #[arg(default_value = ".")]
        dir: PathBuf,
        /// Exit with 1 when a copy is out of date (for CI); without it, only errors do
        #[arg(long)]
        check: bool,
    },
    /// Copy the base's page ID into the edition to change or translate it, recording the base
    /// page's hash and keeping its text (under .tenet/base/) so that `status` can tell when the
    /// base changes and show what changed
    Override {
        /// The page: its id (its path under content/ without .md), the last part of it when no
        /// other page ends so (`1.3-principles`), or its file (`lessons/x.md`), as references
        /// name pages
        id: String,
        /// The edition's folder
        #[arg(long, default_value = ".")]
        dir: PathBuf,
        /// Keep the edition's copy and only record the base page's hash (and keep its text) of
        /// now: the copy is up to date again
        #[arg(long)]
        refresh: bool,
    },
}

/// What `build` and `pdf` write, and how much they say.
#[derive(clap::Args)]
struct Target {
    /// The handbook folder (holding book.toml)
    #[arg(default_value = ".")]
    dir: PathBuf,
    /// Output folder (default: `[build] output` of book.toml, `site`)
    #[arg(long, short)]
    out: Option<PathBuf>,
    /// Print only problems
    #[arg(long, short)]
    quiet: bool,
}

impl Target {
    fn options(self) -> (tenet::Options, bool) {
        let options = tenet::Options {
            root: self.dir,
            out: self.out,
            write: true,
        };
        (options, self.quiet)
    }
}

/// How `build`, `pdf` and `check` report what they found.
#[derive(clap::Args)]
struct FormatArg {
    /// `text`: problems as `path:line:column: error: message` on stderr; `json`: one JSON
    /// object per problem per line on stdout, then a summary object (README.md, "Diagnostics")
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// Make warnings errors: `warnings` for all of them, or a code (README.md, "Diagnostics");
    /// may be given more than once (as `[check] deny` in book.toml)
    #[arg(long, value_name = "CODE")]
    deny: Vec<String>,
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Format {
    Text,
    Json,
}

fn main() -> ExitCode {
    keep_freed_memory_a_while();
    no_transparent_huge_pages();
    let cli = Cli::parse();
    let started = Instant::now();
    let mut external = tenet::session::External::Ignore;
    let mut epub = false;
    let (options, quiet, timings, pdf, report_as) = match cli.command {
        Command::Build {
            target,
            timings,
            pdf,
            epub: also_epub,
            format,
        } => {
            epub = also_epub;
            let (options, quiet) = target.options();
            (options, quiet, timings, pdf, format)
        }
        Command::Pdf { target, format } => {
            let (options, quiet) = target.options();
            (options, quiet, false, true, format)
        }
        Command::Epub { target, format } => {
            epub = true;
            let (options, quiet) = target.options();
            (options, quiet, false, false, format)
        }
        Command::Edition { command } => return edition(command),
        Command::New { dir } => return new_handbook(&dir),
        Command::Serve {
            target,
            port,
            bind,
            open,
            timings,
        } => return serve(target, Some((bind, port, open)), timings),
        Command::Watch { target, timings } => return serve(target, None, timings),
        Command::Check {
            dir,
            format,
            external: list,
            online,
        } => {
            external = match (list, online) {
                (true, true) => tenet::session::External::Visit,
                (true, false) => tenet::session::External::List,
                _ => tenet::session::External::Ignore,
            };
            (
                tenet::Options {
                    root: dir,
                    out: None,
                    write: false,
                },
                false,
                false,
                false,
                format,
            )
        }
    };
    let format = report_as.format;
    // A progress bar on a terminal, for a build that takes more than a second.
    let bar = (format == Format::Text && !quiet && std::io::stderr().is_terminal())
        .then(|| std::sync::Arc::new(Bar::new()));
    let mut session = tenet::Session::new(options.clone())
        .deny(report_as.deny)
        .epub(epub);
    session = session.external(external).printing_pdfs(pdf);
    if let Some(bar) = &bar {
        session = session.with_progress(bar.clone());
    }
    let report = session.build();
    if let Some(bar) = bar {
        bar.bar.finish_and_clear();
    }
    // `[print] pdf = true`: every build prints the PDFs too.
    let pdf = pdf || report.print_pdf;
    if format == Format::Json {
        return json_report(report, timings, pdf, started);
    }
    if timings {
        print_problems(&report);
        print_timings(&report);
        if !print_summary(&report, &options, quiet, started.elapsed()) {
            return ExitCode::from(1);
        }
    } else if !print_report(&report, &options, quiet, started.elapsed()) {
        return ExitCode::from(1);
    }
    let kept = report.pdfs_carried.kept;
    if !pdf && !quiet && kept > 0 {
        eprintln!("kept {kept} PDF{} whose pages did not change", plural(kept));
    }
    if !quiet
        && !report.epubs.is_empty()
        && let Some(out) = &report.output
    {
        let took = report
            .timings
            .iter()
            .find(|(stage, _)| *stage == "epub")
            .map_or(0.0, |(_, took)| took.as_secs_f64());
        eprintln!(
            "made {} EPUB{} into {} in {took:.2} s",
            report.epubs.len(),
            plural(report.epubs.len()),
            out.join("epub").display(),
        );
    }
    if pdf && let Some(out) = &report.output {
        let started = Instant::now();
        match tenet::pdf::print_all(out, &report.printables) {
            Ok(written) => {
                if !quiet {
                    eprintln!(
                        "printed {} PDF{} into {} in {:.2} s",
                        written.len(),
                        plural(written.len()),
                        out.join("pdf").display(),
                        started.elapsed().as_secs_f64()
                    );
                }
            }
            Err(problems) => {
                for d in &problems {
                    eprintln!("{d}");
                }
                return ExitCode::from(1);
            }
        }
    }
    ExitCode::SUCCESS
}

/// Prints a build's problems and what it did; false when it had errors.
fn print_report(
    report: &tenet::Report,
    options: &tenet::Options,
    quiet: bool,
    took: std::time::Duration,
) -> bool {
    print_problems(report);
    print_summary(report, options, quiet, took)
}

/// `--timings`: the time each stage took, on stderr.
fn print_timings(report: &tenet::Report) {
    for (stage, took) in &report.timings {
        eprintln!("  {stage:<8} {:>8.1} ms", took.as_secs_f64() * 1000.0);
    }
}

fn print_problems(report: &tenet::Report) {
    for d in &report.diagnostics {
        eprintln!("{d}");
    }
}

/// The closing line of a build; false when it had errors.
fn print_summary(
    report: &tenet::Report,
    options: &tenet::Options,
    quiet: bool,
    took: std::time::Duration,
) -> bool {
    let seconds = took.as_secs_f64();
    if report.has_errors() {
        let unchanged = if options.write {
            "; nothing was written"
        } else {
            ""
        };
        eprintln!(
            "error: {} error{} and {} warning{} in {}{unchanged}",
            report.errors(),
            plural(report.errors()),
            report.warnings(),
            plural(report.warnings()),
            options.root.display()
        );
        return false;
    }
    if !quiet {
        let warnings = match report.warnings() {
            0 => "no warnings".to_string(),
            n => format!("{n} warning{}", plural(n)),
        };
        match &report.output {
            Some(out) => eprintln!(
                "built {} pages ({} files, {:.1} MB) into {} in {seconds:.2} s, {warnings}",
                report.pages,
                report.files_written,
                report.bytes_written as f64 / 1e6,
                out.display()
            ),
            None => eprintln!(
                "checked {} pages in {seconds:.2} s: no errors, {warnings}",
                report.pages
            ),
        }
    }
    true
}

/// `--format json`: every problem as one JSON object per line on stdout, then one summary
/// object; nothing else on stdout (`--timings` still prints to stderr). With `pdf`, the PDFs
/// are made first when the build succeeded, and their problems are among the lines. Exit 1
/// when there were errors.
fn json_report(report: tenet::Report, timings: bool, pdf: bool, started: Instant) -> ExitCode {
    use std::io::Write;
    use tenet::diagnostics::Severity;
    let seconds = started.elapsed().as_secs_f64();
    if timings {
        print_timings(&report);
    }
    let mut diagnostics = report.diagnostics;
    let mut pdfs = None;
    if pdf && let Some(out) = &report.output {
        match tenet::pdf::print_all(out, &report.printables) {
            Ok(written) => pdfs = Some(written.len()),
            Err(problems) => diagnostics.extend(problems),
        }
    }
    let count = |severity| {
        diagnostics
            .iter()
            .filter(|d| d.severity == severity)
            .count()
    };
    let errors = count(Severity::Error);
    // A struct, so that the keys come in this order.
    #[derive(serde::Serialize)]
    struct Summary {
        summary: bool,
        errors: usize,
        warnings: usize,
        notes: usize,
        pages: usize,
        files: usize,
        bytes: u64,
        seconds: f64,
        output: Option<String>,
        pdfs: Option<usize>,
        #[serde(skip_serializing_if = "Option::is_none")]
        epubs: Option<usize>,
    }
    let summary = Summary {
        summary: true,
        errors,
        warnings: count(Severity::Warning),
        notes: count(Severity::Note),
        pages: report.pages,
        files: report.files_written,
        bytes: report.bytes_written,
        seconds,
        output: report.output.as_ref().map(|o| o.display().to_string()),
        pdfs,
        epubs: (!report.epubs.is_empty()).then_some(report.epubs.len()),
    };
    let mut stdout = std::io::stdout().lock();
    for d in &diagnostics {
        let _ = writeln!(stdout, "{}", d.to_json());
    }
    let _ = writeln!(
        stdout,
        "{}",
        serde_json::to_string(&summary).unwrap_or_default()
    );
    let _ = stdout.flush();
    if errors > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// `tenet serve` (with where to listen, and whether to open a browser) and `tenet watch`
/// (without): runs until Ctrl-C.
fn serve(
    target: Target,
    listen: Option<(std::net::IpAddr, Option<u16>, bool)>,
    timings: bool,
) -> ExitCode {
    use tenet::serve::{Event, ServeOptions, serve};
    let (options, quiet) = target.options();
    let (stop, stopped) = std::sync::mpsc::channel();
    if let Err(e) = ctrlc::set_handler(move || {
        let _ = stop.send(());
    }) {
        eprintln!("error: cannot handle Ctrl-C: {e}");
        return ExitCode::from(2);
    }
    // The default port, or the next free one; a port asked for, or none.
    let ports: Vec<u16> = match listen {
        Some((_, Some(port), _)) => vec![port],
        Some((_, None, _)) => (3000..3010).collect(),
        None => vec![],
    };
    let free = |ip: std::net::IpAddr| {
        ports
            .iter()
            .map(|&p| std::net::SocketAddr::new(ip, p))
            .find(|&a| std::net::TcpListener::bind(a).is_ok())
    };
    let listen_at = match listen {
        Some((ip, _, _)) => match free(ip) {
            Some(addr) => Some(addr),
            None => {
                eprintln!(
                    "error: cannot listen on {ip}: port {} in use\n  help: choose another with --port",
                    ports
                        .iter()
                        .map(u16::to_string)
                        .collect::<Vec<_>>()
                        .join(", ")
                );
                return ExitCode::from(2);
            }
        },
        None => None,
    };
    let open = matches!(listen, Some((_, _, true)));
    let serving = listen.is_some();
    let mut first = true;
    // Warnings already shown are not repeated after every save.
    let mut warned: Vec<String> = Vec::new();
    let mut on_event = |event: Event| match event {
        Event::Built(report, took) => {
            if timings {
                let stages: Vec<String> = report
                    .timings
                    .iter()
                    .map(|(stage, t)| format!("{stage} {:.1} ms", t.as_secs_f64() * 1000.0))
                    .collect();
                eprintln!("  {}", stages.join(", "));
            }
            let warnings: Vec<String> = report
                .diagnostics
                .iter()
                .filter(|d| !d.is_error())
                .map(|d| d.to_string())
                .collect();
            if first {
                print_report(report, &options, quiet, took);
                first = false;
                warned = warnings;
                return;
            }
            for d in &report.diagnostics {
                let shown = d.to_string();
                if d.is_error() || !warned.contains(&shown) {
                    eprintln!("{shown}");
                }
            }
            warned = warnings;
            if report.has_errors() {
                let kept = if serving {
                    "the site served is the last one that built"
                } else {
                    "the output folder is as the last good build left it"
                };
                eprintln!(
                    "error: {} error{}; {kept}",
                    report.errors(),
                    plural(report.errors())
                );
            } else if !quiet {
                eprintln!(
                    "rebuilt in {:.0} ms: {} of {} pages made again, {} file{} changed",
                    took.as_secs_f64() * 1000.0,
                    report.pages_made,
                    report.pages,
                    report.changed.len(),
                    plural(report.changed.len())
                );
            }
        }
        Event::Listening(addr) => {
            let url = format!("http://{addr}/");
            eprintln!("serving {url} (Ctrl-C stops)");
            if open {
                open_browser(&url);
            }
        }
        Event::PagesShown(files, after) => {
            if timings {
                eprintln!(
                    "  pages shown after {:.0} ms ({files} file{})",
                    after.as_secs_f64() * 1000.0,
                    plural(files)
                );
            }
        }
        Event::Trouble(message) => eprintln!("warning: {message}"),
    };
    let options_for_serve = ServeOptions {
        build: tenet::Options {
            root: options.root.clone(),
            out: options.out.clone(),
            write: true,
        },
        listen: listen_at,
    };
    match serve(options_for_serve, &mut on_event, stopped) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}

/// Opens `url` in the desktop's browser, as the platform's own opener would.
fn open_browser(url: &str) {
    let opener: &[&str] = if cfg!(target_os = "macos") {
        &["open"]
    } else if cfg!(windows) {
        &["cmd", "/C", "start", ""]
    } else {
        &["xdg-open"]
    };
    let spawned = std::process::Command::new(opener[0])
        .args(&opener[1..])
        .arg(url)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn();
    if let Err(e) = spawned {
        eprintln!(
            "warning: cannot open a browser ({}: {e}); open {url}",
            opener[0]
        );
    }
}

/// `tenet edition ...`: prints what it did or found; exit 1 on errors.
fn edition(command: EditionCommand) -> ExitCode {
    let fail = |problems: Vec<tenet::diagnostics::Diagnostic>| {
        for d in &problems {
            eprintln!("{d}");
        }
        ExitCode::from(1)
    };
    match command {
        EditionCommand::New { dir, base } => match tenet::edition_commands::create(&dir, &base) {
            Ok(book) => {
                eprintln!(
                    "wrote {} and {}: add pages under content/, copy base pages to change with `tenet edition override ID --dir {}`, then `tenet build {}`",
                    book.display(),
                    dir.join("content").display(),
                    dir.display(),
                    dir.display()
                );
                ExitCode::SUCCESS
            }
            Err(problems) => fail(problems),
        },
        EditionCommand::Override { id, dir, refresh } => {
            match tenet::edition_commands::override_page(&dir, &id, refresh) {
                Ok((file, id)) => {
                    if refresh {
                        eprintln!(
                            "{}: recorded the base page's hash and kept its text; it is up to date",
                            file.display()
                        );
                    } else {
                        eprintln!(
                            "wrote {}: a copy of the base page `{id}` to edit (its base text is kept under {}/ for `tenet edition status`)",
                            file.display(),
                            tenet::edition::kept::FOLDER
                        );
                    }
                    ExitCode::SUCCESS
                }
                Err(problems) => fail(problems),
            }
        }
        EditionCommand::Status { dir, check } => edition_status(&dir, check),
    }
}

/// `tenet edition status`: one line per change, the base's changes under each stale copy and
/// the references under each left-out page, the untranslated pages, then the counts. Exit 1
/// on errors, and with `check` when a copy is stale.
fn edition_status(dir: &std::path::Path, check: bool) -> ExitCode {
    use tenet::config::OnExcluded;
    use tenet::edition::What;
    use tenet::edition_commands::BaseChange;
    let (status, problems) = tenet::edition_status(dir);
    let has_errors = problems.iter().any(|d| d.is_error());
    for d in &problems {
        eprintln!("{d}");
    }
    let Some(status) = status.filter(|_| !has_errors) else {
        return ExitCode::from(1);
    };
    let shown = |id: &str| {
        if id.is_empty() {
            "(home page)".to_string()
        } else {
            id.to_string()
        }
    };
    let named = |id: &str| {
        if id.is_empty() {
            "/".to_string()
        } else {
            id.to_string()
        }
    };
    let changes = &status.changes;
    let width = changes
        .iter()
        .map(|c| shown(&c.id).chars().count())
        .max()
        .unwrap_or(0);
    let (mut added, mut replaced, mut stale, mut removed) = (0, 0, 0, 0);
    for c in changes {
        let id = shown(&c.id);
        let mut under: Vec<String> = Vec::new();
        let (what, note) = match &c.what {
            What::Added => {
                added += 1;
                ("added", c.file.display().to_string())
            }
            What::Replaced {
                recorded: None,
                base_hash,
                ..
            } => {
                replaced += 1;
                stale += 1;
                (
                    "replaced",
                    format!(
                        "unknown: {} records no base_hash (base page now {base_hash}; `tenet edition override {} --refresh` once it is up to date)",
                        c.file.display(),
                        named(&c.id)
                    ),
                )
            }
            w @ What::Replaced { base, .. } => {
                replaced += 1;
                if w.is_stale() {
                    stale += 1;
                    match status.base_changes.get(&c.id) {
                        Some(BaseChange::Diff(diff)) => {
                            under.extend(diff.lines().map(str::to_string));
                        }
                        Some(BaseChange::Mismatch) => under.push(format!(
                            "(the base text kept under {} is not the one the copy records: what changed is not known)",
                            tenet::edition::kept::FOLDER
                        )),
                        _ => under.push(format!(
                            "(what changed is not known: the copy was made before tenet kept base texts; compare by hand, then `tenet edition override {} --refresh` keeps the base text for next time)",
                            named(&c.id)
                        )),
                    }
                    (
                        "replaced",
                        format!(
                            "STALE: {} changed since {} was made from it",
                            base.display(),
                            c.file.display()
                        ),
                    )
                } else {
                    ("replaced", format!("up to date ({})", c.file.display()))
                }
            }
            What::Removed { pattern, mode } => {
                removed += 1;
                let places = status.referrers.get(&c.id).map_or(&[][..], Vec::as_slice);
                let note = match (places.len(), mode) {
                    (0, _) => format!("by exclude \"{pattern}\"; nothing kept refers to it"),
                    (n, mode) => {
                        let becomes = match mode {
                            OnExcluded::Warn => {
                                "printed as plain text, with a warning (on_excluded_reference = \"warn\", the default)"
                            }
                            OnExcluded::Unlink => {
                                "printed as plain text (on_excluded_reference = \"unlink\")"
                            }
                            OnExcluded::Error => "errors (on_excluded_reference = \"error\")",
                        };
                        format!(
                            "by exclude \"{pattern}\"; {n} reference{} to it, {becomes}:",
                            plural(n)
                        )
                    }
                };
                under.extend(
                    places
                        .iter()
                        .map(|p| format!("{}:{}:{}", p.file.display(), p.pos.line, p.pos.column)),
                );
                ("removed", note)
            }
        };
        println!("{what:<9} {id:<width$}  {note}");
        for line in under {
            println!("    {line}");
        }
    }
    let untranslated = status.untranslated.len();
    if untranslated > 0 {
        println!(
            "untranslated: {untranslated} page{} of the base{} not yet in {}:",
            plural(untranslated),
            if untranslated == 1 { " is" } else { " are" },
            status.language
        );
        for (id, language) in &status.untranslated {
            println!("    {} ({language})", shown(id));
        }
    }
    let untranslated = match untranslated {
        0 => String::new(),
        n => format!(", {n} untranslated"),
    };
    println!(
        "{added} added, {replaced} replaced ({stale} to check), {removed} removed{untranslated}"
    );
    if check && stale > 0 {
        eprintln!(
            "error: {stale} cop{} of base pages out of date (--check)",
            if stale == 1 { "y" } else { "ies" }
        );
        return ExitCode::from(1);
    }
    ExitCode::SUCCESS
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// mimalloc returns freed memory to the system after 10 ms by default; a build frees and
/// allocates in waves (parse, then render), and every page handed back is faulted in and
/// zeroed again by the kernel. Waiting a second takes 0.2–0.3 s off a 10,000-page build
/// (BENCHMARKS.md). The option is number 15 (`mi_option_purge_delay`) in the mimalloc v3 that
/// libmimalloc-sys builds; it is set only if it still has that option's default (10), so a
/// renumbering in a later mimalloc leaves the allocator as it is.
fn keep_freed_memory_a_while() {
    const PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;
    // SAFETY: reading and setting an allocator option has no preconditions; no other thread
    // exists yet.
    unsafe {
        if libmimalloc_sys::mi_option_get(PURGE_DELAY) == 10 {
            libmimalloc_sys::mi_option_set(PURGE_DELAY, 1000);
        }
    }
}

/// No transparent huge pages for this process: mimalloc asks for them, and the kernel then
/// zeroes and keeps a whole 2 MiB region at the first touch of any byte of it, however little
/// of it a build uses. At 10,000 pages that is 360 MiB at the peak against 300 MiB without, in
/// the same time (BENCHMARKS.md). The flag holds for every mapping from now on.
fn no_transparent_huge_pages() {
    #[cfg(target_os = "linux")]
    // SAFETY: PR_SET_THP_DISABLE takes plain integers and changes only how the kernel backs
    // this process's memory; it fails harmlessly where the kernel does not know it.
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
    }
}

/// `tenet new DIR`.
fn new_handbook(dir: &std::path::Path) -> ExitCode {
    match tenet::scaffold::new_handbook(dir) {
        Ok(files) => {
            eprintln!(
                "wrote a new handbook into {} ({} files)\n  next: tenet serve {}",
                dir.display(),
                files.len(),
                dir.display()
            );
            ExitCode::SUCCESS
        }
        Err(problem) => {
            eprintln!("{problem}");
            ExitCode::from(2)
        }
    }
}

/// The progress bar of a build on a terminal: hidden for its first second (a quick build shows
/// none; `TENET_PROGRESS_AFTER_MS` changes the delay), then the stage and the files made.
struct Bar {
    bar: indicatif::ProgressBar,
    started: Instant,
    after: std::time::Duration,
    shown: std::sync::atomic::AtomicBool,
}

impl Bar {
    fn new() -> Bar {
        let after = std::env::var("TENET_PROGRESS_AFTER_MS")
            .ok()
            .and_then(|ms| ms.parse().ok())
            .unwrap_or(1000);
        let bar =
            indicatif::ProgressBar::with_draw_target(None, indicatif::ProgressDrawTarget::hidden());
        if let Ok(style) = indicatif::ProgressStyle::with_template(
            "{msg:<22} [{bar:30}] {pos}/{len} files, {elapsed}",
        ) {
            bar.set_style(style.progress_chars("=> "));
        }
        bar.set_message("reading the sources");
        Bar {
            bar,
            started: Instant::now(),
            after: std::time::Duration::from_millis(after),
            shown: std::sync::atomic::AtomicBool::new(false),
        }
    }

    /// Draws the bar from now on, once the delay is over.
    fn show_when_due(&self) {
        use std::sync::atomic::Ordering;
        if !self.shown.load(Ordering::Relaxed)
            && self.started.elapsed() >= self.after
            && !self.shown.swap(true, Ordering::Relaxed)
        {
            self.bar
                .set_draw_target(indicatif::ProgressDrawTarget::stderr());
        }
    }
}

impl tenet::progress::Progress for Bar {
    fn stage(&self, ended: &'static str) {
        let next = match ended {
            "load" => "parsing the pages",
            "parse" => "resolving references",
            "resolve" => "rendering",
            "render" => "writing",
            _ => "finishing",
        };
        self.bar.set_message(next);
        self.show_when_due();
    }

    fn files(&self, done: usize, total: usize) {
        self.bar.set_length(total as u64);
        self.bar.set_position(done as u64);
        self.show_when_due();
    }
}
