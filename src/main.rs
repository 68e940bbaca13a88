//! The `brief` command line: a thin layer over the library.
//!
//! Exit codes: 0 success, 1 content errors, 2 usage errors.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

use brief::base::diag::{escape_for_terminal, render_json, render_text, stderr_wants_color};
use brief::output::write::IfLocked;
use brief::{BuildOptions, Diagnostics};

/// A build allocates and frees millions of small strings from two threads at
/// once; mimalloc's per-thread heaps do that in about half the time of the
/// system allocator (see ARCHITECTURE.md, "Where the time goes"). Behind the
/// default feature `mimalloc`, so the library never links it.
#[cfg(feature = "mimalloc")]
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "brief",
    version,
    about = "Build multilingual governance briefing sites",
    propagate_version = true
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Args, Clone)]
struct SiteArgs {
    /// The site root (the folder with book.toml)
    #[arg(long, default_value = ".")]
    root: PathBuf,
}

#[derive(Subcommand)]
enum Command {
    /// Build the site into the output folder
    Build {
        #[command(flatten)]
        site: SiteArgs,
        /// Output folder (default: [build] output_dir of book.toml)
        #[arg(long)]
        output: Option<PathBuf>,
        /// Include articles with draft: true
        #[arg(long)]
        drafts: bool,
        /// Override [site] base_url
        #[arg(long)]
        base_url: Option<String>,
        /// Fail (exit 1) instead of waiting when another build is writing
        /// into the same output folder
        #[arg(long)]
        no_wait: bool,
        /// Reuse the work of the previous build from this folder (default
        /// .brief/cache in the site root) and update the output in place:
        /// only changed files are rewritten
        #[arg(long, value_name = "DIR", num_args = 0..=1)]
        cache: Option<Option<PathBuf>>,
    },
    /// Check the site without writing anything
    Check {
        #[command(flatten)]
        site: SiteArgs,
        /// Output format of the diagnostics
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        /// Exit with 1 when there are warnings
        #[arg(long)]
        deny_warnings: bool,
        /// Include articles with draft: true
        #[arg(long)]
        drafts: bool,
        /// Also fetch every citation URL and warn about dead (`dead-url`)
        /// and permanently moved (`moved-url`) ones; answers are cached in
        /// .brief/external.json
        #[arg(long)]
        external: bool,
        /// With --external: seconds to wait for one answer
        #[arg(long, value_name = "SECS", default_value_t = 10.0)]
        timeout: f64,
        /// With --external: how long a cached answer is used (30m, 24h, 7d;
        /// 0 fetches everything again)
        #[arg(long, value_name = "AGE", default_value = "24h")]
        max_age: String,
        /// With --external: further attempts after a timeout, a failed
        /// connection or a 5xx, each after a longer pause
        #[arg(long, value_name = "N", default_value_t = 2)]
        retries: u32,
    },
    /// Build, serve on loopback, rebuild and reload on change
    #[cfg(feature = "server")]
    Serve {
        #[command(flatten)]
        site: SiteArgs,
        /// Address to listen on (loopback by default)
        #[arg(long, default_value = "127.0.0.1")]
        bind: std::net::IpAddr,
        /// Port to listen on; 0 lets the system choose a free one (the URL
        /// printed on standard output names it)
        #[arg(long, default_value_t = 1111)]
        port: u16,
        /// Include articles with draft: true
        #[arg(long)]
        drafts: bool,
        /// Output folder (default: .brief/serve/PORT/ in the site root, never
        /// [build] output_dir, so a preview cannot reach the deployed site)
        #[arg(long)]
        output: Option<PathBuf>,
    },
    /// Write a new article skeleton: content/LANG/SLUG.md
    New {
        #[command(flatten)]
        site: SiteArgs,
        lang: String,
        slug: String,
        /// Overwrite an existing file
        #[arg(long)]
        force: bool,
    },
    /// Start a translation of an article into another language
    Translate {
        #[command(flatten)]
        site: SiteArgs,
        /// Slug or path (under content/<from>/) of the source article
        slug: String,
        /// Target language
        #[arg(long)]
        to: String,
        /// Source language (default: the default language)
        #[arg(long)]
        from: Option<String>,
        /// Overwrite an existing file
        #[arg(long)]
        force: bool,
    },
    /// Convert plain-text or Markdown briefings into articles
    Import {
        #[command(flatten)]
        site: SiteArgs,
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Language of the imported text (detected when absent)
        #[arg(long)]
        lang: Option<String>,
        /// Slug of the article (only with a single file; otherwise derived from an ASCII
        /// title, else from the file name, with a warning)
        #[arg(long)]
        slug: Option<String>,
        /// Publication date (default: a date line near the title, else today, with a warning)
        #[arg(long)]
        date: Option<String>,
        /// Overwrite an existing file
        #[arg(long)]
        force: bool,
    },
    /// Show the translation matrix and missing locale strings
    Status {
        #[command(flatten)]
        site: SiteArgs,
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
}

#[derive(Clone, Copy, clap::ValueEnum, PartialEq, Eq)]
enum Format {
    Text,
    Json,
}

/// `brief build --cache`: the report names what was reused.
fn build_cached(opts: &BuildOptions, dir: &Path, if_locked: IfLocked) -> ExitCode {
    use brief::pipeline::incremental::IncrementalBuild;
    let plural = |n: usize| if n == 1 { "" } else { "s" };
    match IncrementalBuild::build_cached(opts, dir, if_locked) {
        Ok(stats) => {
            print_diags(&stats.diagnostics, &opts.root, Format::Text);
            let how = if stats.full {
                "a full build"
            } else {
                "updated in place"
            };
            let warnings = stats.diagnostics.warning_count();
            println!(
                "built with the cache in {} ({how}): {} of {} source file{} read, {} parsed, {} page{} rendered, {} file{} written, {} removed, in {:.2}s; {warnings} warning{}",
                dir.display(),
                stats.read,
                stats.sources,
                plural(stats.sources),
                stats.parsed,
                stats.pages_rendered,
                plural(stats.pages_rendered),
                stats.files_written,
                plural(stats.files_written),
                stats.files_removed,
                (stats.phase1 + stats.search).as_secs_f64(),
                plural(warnings),
            );
            ExitCode::SUCCESS
        }
        Err(f) => {
            print_diags(&f.diagnostics, &opts.root, Format::Text);
            let errors = f.diagnostics.error_count();
            let warnings = f.diagnostics.warning_count();
            eprintln!(
                "build failed: {errors} error{}, {warnings} warning{}; the previous output is untouched",
                plural(errors),
                plural(warnings),
            );
            ExitCode::from(1)
        }
    }
}

fn print_diags(diags: &Diagnostics, root: &std::path::Path, format: Format) {
    match format {
        Format::Text => eprint!("{}", render_text(diags, root, stderr_wants_color())),
        Format::Json => print!("{}", render_json(diags)),
    }
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return match e.kind() {
                clap::error::ErrorKind::DisplayHelp | clap::error::ErrorKind::DisplayVersion => {
                    ExitCode::SUCCESS
                }
                _ => ExitCode::from(2),
            };
        }
    };
    match cli.command {
        Command::Build {
            site,
            output,
            drafts,
            base_url,
            no_wait,
            cache,
        } => {
            let opts = BuildOptions {
                root: site.root.clone(),
                output,
                drafts,
                base_url,
            };
            let if_locked = if no_wait {
                IfLocked::Fail
            } else {
                IfLocked::Wait
            };
            if let Some(dir) = cache {
                let dir =
                    dir.unwrap_or_else(|| site.root.join(brief::pipeline::cache::DEFAULT_DIR));
                return build_cached(&opts, &dir, if_locked);
            }
            match brief::pipeline::build::build_with(&opts, if_locked) {
                Ok(report) => {
                    print_diags(&report.diagnostics, &site.root, Format::Text);
                    let langs: Vec<String> = report
                        .pages_per_lang
                        .iter()
                        .filter(|(l, _)| !l.is_empty())
                        .map(|(l, n)| format!("{l} {n}"))
                        .collect();
                    println!(
                        "built {} files ({}) into {} in {:.2}s; {} warning{}",
                        report.files_written,
                        langs.join(", "),
                        report.output.display(),
                        report.elapsed.as_secs_f64(),
                        report.diagnostics.warning_count(),
                        if report.diagnostics.warning_count() == 1 {
                            ""
                        } else {
                            "s"
                        }
                    );
                    ExitCode::SUCCESS
                }
                Err(f) => {
                    print_diags(&f.diagnostics, &site.root, Format::Text);
                    eprintln!(
                        "build failed: {} error{}, {} warning{}; the previous output is untouched",
                        f.diagnostics.error_count(),
                        if f.diagnostics.error_count() == 1 {
                            ""
                        } else {
                            "s"
                        },
                        f.diagnostics.warning_count(),
                        if f.diagnostics.warning_count() == 1 {
                            ""
                        } else {
                            "s"
                        }
                    );
                    ExitCode::from(1)
                }
            }
        }
        Command::Check {
            site,
            format,
            deny_warnings,
            drafts,
            external,
            timeout,
            max_age,
            retries,
        } => {
            let opts = BuildOptions {
                root: site.root.clone(),
                drafts,
                ..Default::default()
            };
            let external = if external {
                match external_options(timeout, &max_age, retries) {
                    Ok(e) => Some(e),
                    Err(msg) => {
                        eprintln!("error: {msg}");
                        return ExitCode::from(2);
                    }
                }
            } else {
                None
            };
            let (mut diags, mut failed) = match brief::check(&opts) {
                Ok(d) => (d, false),
                Err(f) => (f.diagnostics, true),
            };
            let mut summary = None;
            if let Some(ext) = external {
                match run_external(&opts, &ext) {
                    Ok((ds, text)) => {
                        diags.extend(ds);
                        diags.normalize();
                        summary = Some(text);
                    }
                    Err(ds) => {
                        diags.extend(ds);
                        diags.normalize();
                        failed = true;
                    }
                }
            }
            failed |= diags.has_errors() || (deny_warnings && !diags.is_empty());
            print_diags(&diags, &site.root, format);
            if let (Some(text), Format::Text) = (summary, format) {
                eprintln!("{text}");
            }
            if format == Format::Text {
                eprintln!(
                    "{}: {} error{}, {} warning{}",
                    if failed {
                        "check failed"
                    } else {
                        "check passed"
                    },
                    diags.error_count(),
                    if diags.error_count() == 1 { "" } else { "s" },
                    diags.warning_count(),
                    if diags.warning_count() == 1 { "" } else { "s" }
                );
            }
            if failed {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            }
        }
        #[cfg(feature = "server")]
        Command::Serve {
            site,
            bind,
            port,
            drafts,
            output,
        } => {
            let opts = brief::commands::serve::ServeOptions {
                build: BuildOptions {
                    root: site.root,
                    output,
                    drafts,
                    base_url: None,
                },
                bind,
                port,
            };
            match brief::commands::serve::run(opts) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("error: {e}");
                    ExitCode::from(1)
                }
            }
        }
        Command::New {
            site,
            lang,
            slug,
            force,
        } => finish(
            brief::commands::scaffold::new_article(&site.root, &lang, &slug, force),
            &site.root,
        ),
        Command::Translate {
            site,
            slug,
            to,
            from,
            force,
        } => finish(
            brief::commands::scaffold::translate(&site.root, &slug, &to, from.as_deref(), force),
            &site.root,
        ),
        Command::Import {
            site,
            files,
            lang,
            slug,
            date,
            force,
        } => {
            let opts = brief::commands::import::ImportOptions {
                root: site.root.clone(),
                files,
                lang,
                slug,
                date,
                force,
            };
            match brief::commands::import::run(&opts) {
                Ok(report) => {
                    print!("{}", escape_for_terminal(&report.summary));
                    print_diags(&report.diagnostics, &site.root, Format::Text);
                    ExitCode::SUCCESS
                }
                Err(f) => failed(&f, &site.root),
            }
        }
        Command::Status { site, format } => match brief::commands::status::status(&site.root) {
            Ok(report) => {
                match format {
                    Format::Text => print!("{}", escape_for_terminal(&report.to_text())),
                    Format::Json => println!("{}", report.to_json()),
                }
                ExitCode::SUCCESS
            }
            Err(f) => {
                print_diags(&f.diagnostics, &site.root, Format::Text);
                ExitCode::from(1)
            }
        },
    }
}

/// The options of `check --external`, or what is wrong with them.
fn external_options(timeout: f64, max_age: &str, retries: u32) -> Result<ExternalArgs, String> {
    if !(timeout.is_finite() && timeout > 0.0 && timeout <= 3600.0) {
        return Err(format!(
            "--timeout {timeout}: give the seconds to wait, more than 0 and at most 3600"
        ));
    }
    Ok(ExternalArgs {
        timeout: std::time::Duration::from_secs_f64(timeout),
        max_age: parse_age(max_age).map_err(|e| format!("--max-age {e}"))?,
        retries: retries.min(10),
    })
}

/// `check --external`'s settings, as the command line gave them.
#[cfg_attr(not(feature = "external"), allow(dead_code))]
struct ExternalArgs {
    timeout: std::time::Duration,
    max_age: std::time::Duration,
    retries: u32,
}

#[cfg(feature = "external")]
fn parse_age(s: &str) -> Result<std::time::Duration, String> {
    brief::commands::external::parse_duration(s)
}

#[cfg(not(feature = "external"))]
fn parse_age(_: &str) -> Result<std::time::Duration, String> {
    Ok(std::time::Duration::ZERO)
}

/// Runs the link check: its diagnostics and a summary line, or the
/// diagnostics that say why it could not run.
#[cfg(feature = "external")]
fn run_external(
    opts: &BuildOptions,
    ext: &ExternalArgs,
) -> Result<(Diagnostics, String), Diagnostics> {
    let options = brief::commands::external::ExternalOptions {
        timeout: ext.timeout,
        max_age: ext.max_age,
        retries: ext.retries,
        ..Default::default()
    };
    match brief::commands::external::run(opts, &options) {
        Ok(r) => Ok((
            r.diagnostics,
            format!(
                "external: {} URL{} checked ({} from the cache)",
                r.urls,
                if r.urls == 1 { "" } else { "s" },
                r.cached
            ),
        )),
        Err(f) => Err(f.diagnostics),
    }
}

#[cfg(not(feature = "external"))]
fn run_external(_: &BuildOptions, _: &ExternalArgs) -> Result<(Diagnostics, String), Diagnostics> {
    let mut ds = Diagnostics::new();
    ds.push(
        brief::Diagnostic::error(
            "usage",
            "this brief was built without the `external` feature, which --external needs",
        )
        .help("build brief with its default features (cargo build --release)"),
    );
    Err(ds)
}

/// Prints the path written by `new`/`translate`, or the problems.
fn finish(result: Result<PathBuf, brief::Failure>, root: &std::path::Path) -> ExitCode {
    match result {
        Ok(path) => {
            println!(
                "created {}",
                escape_for_terminal(&path.display().to_string())
            );
            ExitCode::SUCCESS
        }
        Err(f) => failed(&f, root),
    }
}

/// Prints why `new`, `translate` or `import` failed. Wrong arguments (e.g.
/// --slug with several files) are usage errors.
fn failed(f: &brief::Failure, root: &std::path::Path) -> ExitCode {
    print_diags(&f.diagnostics, root, Format::Text);
    if f.diagnostics.iter().any(|d| d.code == "usage") {
        ExitCode::from(2)
    } else {
        ExitCode::from(1)
    }
}
