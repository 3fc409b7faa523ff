//! The `tenet` command line: parses arguments, runs the library, prints what it found and
//! sets the exit code (0: success, 1: the handbook has errors, 2: bad usage).

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
    },
    /// Build the handbook at DIR, then print its lesson handouts, lesson plans, modules and the
    /// whole handbook to PDF under OUT/pdf/ with headless Chromium
    Pdf {
        #[command(flatten)]
        target: Target,
    },
    /// Check the handbook at DIR: everything a build does, without writing
    Check {
        /// The handbook folder (holding book.toml)
        #[arg(default_value = ".")]
        dir: PathBuf,
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

fn main() -> ExitCode {
    keep_freed_memory_a_while();
    let cli = Cli::parse();
    let started = Instant::now();
    let (options, quiet, timings, pdf) = match cli.command {
        Command::Build {
            target,
            timings,
            pdf,
        } => {
            let (options, quiet) = target.options();
            (options, quiet, timings, pdf)
        }
        Command::Pdf { target } => {
            let (options, quiet) = target.options();
            (options, quiet, false, true)
        }
        Command::Check { dir } => (
            tenet::Options {
                root: dir,
                out: None,
                write: false,
            },
            false,
            false,
            false,
        ),
    };
    let report = tenet::run(&options);
    for d in &report.diagnostics {
        eprintln!("{d}");
    }
    if timings {
        for (stage, took) in &report.timings {
            eprintln!("  {stage:<8} {:>8.1} ms", took.as_secs_f64() * 1000.0);
        }
    }
    let seconds = started.elapsed().as_secs_f64();
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
        return ExitCode::from(1);
    }
    if !quiet {
        match &report.output {
            Some(out) => eprintln!(
                "built {} pages ({} files, {:.1} MB) into {} in {seconds:.2} s",
                report.pages,
                report.files_written,
                report.bytes_written as f64 / 1e6,
                out.display()
            ),
            None => eprintln!(
                "checked {} pages in {seconds:.2} s: no errors",
                report.pages
            ),
        }
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
