//! The `brief` command line: a thin layer over the library.
//!
//! Exit codes: 0 success, 1 content errors, 2 usage errors.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

use brief::diag::{render_json, render_text, stderr_wants_color};
use brief::{BuildOptions, Diagnostics};

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
    },
}

#[derive(Clone, Copy, clap::ValueEnum, PartialEq, Eq)]
enum Format {
    Text,
    Json,
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
        } => {
            let opts = BuildOptions {
                root: site.root.clone(),
                output,
                drafts,
                base_url,
            };
            match brief::build(&opts) {
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
        } => {
            let opts = BuildOptions {
                root: site.root.clone(),
                drafts,
                ..Default::default()
            };
            let (diags, failed) = match brief::check(&opts) {
                Ok(d) => {
                    let fail = deny_warnings && !d.is_empty();
                    (d, fail)
                }
                Err(f) => (f.diagnostics, true),
            };
            print_diags(&diags, &site.root, format);
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
    }
}
