//! The pipeline: load → parse → link → render → write.
//!
//! [`compile`] runs every stage but writing and is what `brief check` uses;
//! [`build`] also writes the output atomically.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use rayon::prelude::*;

use crate::base::diag::{Diagnostic, Diagnostics};
use crate::index::SearchIndex;
use crate::input::config::{self, Config};
use crate::input::load;
use crate::input::locale::Locales;
use crate::link::{LinkCache, Site};
use crate::output::render::{Page, Renderer};
use crate::output::write::{self, IfLocked, LockError, OutputLock, Staging};
use crate::parse::article::{self, Article, Outcome};
use crate::pipeline::session::Session;

/// The whole site, compiled in memory and ready to render.
pub struct Compiled {
    pub config: Arc<Config>,
    pub renderer: Renderer,
    pub site: Site,
    pub index: SearchIndex,
    pub diagnostics: Diagnostics,
}

#[derive(Debug)]
pub struct BuildReport {
    /// Files written per first path segment (language code, or "" for site-wide files).
    pub pages_per_lang: BTreeMap<String, usize>,
    pub files_written: usize,
    pub diagnostics: Diagnostics,
    pub elapsed: Duration,
    pub output: PathBuf,
}

pub use crate::pipeline::session::{load_config, BuildOptions, Failure};

/// Parses every source file (in parallel); returns published articles and
/// drafts, for commands that need only the articles.
pub fn parse_all(
    files: &[load::SourceFile],
    config: &Config,
    locales: &Locales,
    drafts: bool,
) -> (Vec<Article>, Vec<Article>, Diagnostics) {
    let mut published = Vec::with_capacity(files.len());
    let mut left_out = Vec::new();
    let mut diags = Diagnostics::new();
    let results: Vec<_> = files
        .par_iter()
        .map(|f| article::parse(f, config, locales))
        .collect();
    for (outcome, ds) in results {
        diags.extend(ds);
        match outcome {
            Outcome::Article(a) if a.fm.draft && !drafts => left_out.push(*a),
            Outcome::Article(a) => published.push(*a),
            Outcome::Unbuilt(_) | Outcome::Failed => {}
        }
    }
    (published, left_out, diags)
}

/// Runs load, parse and link; the renderer is ready but nothing is rendered.
/// Prints how long each stage took when `BRIEF_TIMINGS` is set; used by the
/// benchmark and when profiling.
pub struct StageTimer {
    enabled: bool,
    last: Instant,
    last_cpu: Option<f64>,
}

impl StageTimer {
    pub fn new() -> Self {
        let enabled = std::env::var_os("BRIEF_TIMINGS").is_some();
        StageTimer {
            enabled,
            last: Instant::now(),
            last_cpu: enabled.then(process_cpu_seconds).flatten(),
        }
    }
    /// Prints a line among the timings.
    pub fn note(&self, text: &str) {
        if self.enabled {
            eprintln!("timing: {text}");
        }
    }

    /// Prints the wall time since the last lap and, on Linux, the CPU time of
    /// all threads: their ratio shows how well a stage uses the cores.
    pub fn lap(&mut self, stage: &str) {
        if self.enabled {
            let cpu = process_cpu_seconds();
            let cpu_text = match (cpu, self.last_cpu) {
                (Some(now), Some(before)) => format!(", CPU {:>7.0} ms", (now - before) * 1e3),
                _ => String::new(),
            };
            let rss = memory_mib()
                .map(|(now, peak)| format!(", RSS {now:>5} MiB (peak {peak})"))
                .unwrap_or_default();
            eprintln!(
                "timing: {stage:<10} {:>8.1} ms{cpu_text}{rss}",
                self.last.elapsed().as_secs_f64() * 1e3
            );
            self.last_cpu = cpu;
        }
        self.last = Instant::now();
    }
}

/// Resident memory now and at its peak so far, in MiB (Linux).
fn memory_mib() -> Option<(u64, u64)> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let field = |name: &str| -> Option<u64> {
        let line = status.lines().find(|l| l.starts_with(name))?;
        line.split_whitespace()
            .nth(1)?
            .parse::<u64>()
            .ok()
            .map(|kb| kb / 1024)
    };
    Some((field("VmRSS:")?, field("VmHWM:")?))
}

/// User and system time of the whole process so far, from /proc/self/stat
/// (in clock ticks of 10 ms, Linux's USER_HZ).
fn process_cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the command name, which is in parentheses and may hold spaces.
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    let utime: f64 = fields.get(11)?.parse().ok()?;
    let stime: f64 = fields.get(12)?.parse().ok()?;
    Some((utime + stime) / 100.0)
}

impl Default for StageTimer {
    fn default() -> Self {
        Self::new()
    }
}

pub fn compile(opts: &BuildOptions) -> Result<Compiled, Failure> {
    let mut timer = StageTimer::new();
    let mut session = Session::open(opts)?;
    timer.lap("setup");
    let files = session.load();
    timer.lap("load");
    let parsed = session.parse(&files);
    // The articles hold what later stages need; the source texts can go.
    drop(files);
    timer.lap("parse");
    let (site, mut diags) = session.link(parsed.iter(), &mut LinkCache::default());
    drop(parsed);
    timer.lap("link");
    let Some(renderer) = session.renderer.take() else {
        return Err(diags.into());
    };
    if diags.has_errors() {
        return Err(Failure { diagnostics: diags });
    }
    let index = session.index(&site);
    timer.lap("search");
    diags.normalize();
    Ok(Compiled {
        config: session.config,
        renderer,
        site,
        index,
        diagnostics: diags,
    })
}

/// Renders every page without writing: template runtime errors surface here.
pub fn check(opts: &BuildOptions) -> Result<Diagnostics, Failure> {
    let compiled = compile(opts)?;
    let pages = compiled.renderer.env.pages(&compiled.site);
    let errors: Vec<Diagnostic> = pages
        .par_iter()
        .filter_map(|p| compiled.renderer.render(&compiled.site, p).err())
        .collect();
    let errors = collapse_template_errors(errors);
    let mut diags = compiled.diagnostics;
    diags.extend(errors);
    diags.normalize();
    if diags.has_errors() {
        Err(Failure { diagnostics: diags })
    } else {
        Ok(diags)
    }
}

/// Where the output goes, and whether the user named it explicitly.
pub fn output_dir(opts: &BuildOptions, config: &Config) -> (PathBuf, bool) {
    match &opts.output {
        Some(o) => (o.clone(), true),
        None => (opts.root.join(&config.build.output_dir), false),
    }
}

/// Writes the search files into `staging`, then renders `pages` into it, in
/// parallel. The index is dropped before the pages render: the largest
/// stage then runs without it in memory.
pub fn render_into(
    compiled: &mut Compiled,
    pages: &[Page],
    staging: &Staging,
) -> (BTreeMap<String, usize>, Vec<Diagnostic>) {
    let write = |rel: String, bytes: &[u8]| {
        staging
            .write(&rel, bytes)
            .map_err(|e| Diagnostic::error("write-failed", format!("cannot write {rel}: {e}")))?;
        Ok(rel)
    };
    // The search files, as the index stage made them.
    let index = std::mem::take(&mut compiled.index);
    let mut results: Vec<Result<String, Diagnostic>> = index
        .files()
        .par_iter()
        .map(|(route, bytes)| write(route.file(), bytes))
        .collect();
    drop(index);
    results.par_extend(pages.par_iter().map(|p| {
        let bytes = compiled.renderer.render(&compiled.site, p)?;
        write(compiled.renderer.output_path(&compiled.site, p), &bytes)
    }));
    let mut counts = BTreeMap::new();
    let mut errors = Vec::new();
    for r in results {
        match r {
            Ok(rel) => {
                let lang = match rel.split_once('/') {
                    Some((first, _)) if compiled.config.languages.contains_key(first) => {
                        first.to_string()
                    }
                    _ => String::new(),
                };
                *counts.entry(lang).or_insert(0) += 1;
            }
            Err(d) => errors.push(d),
        }
    }
    (counts, collapse_template_errors(errors))
}

/// A broken template fails every page that uses it; report each template
/// problem once, naming the first page and how many others it broke. The
/// same for write failures with one cause.
pub fn collapse_template_errors(errors: Vec<Diagnostic>) -> Vec<Diagnostic> {
    let mut out: Vec<(Diagnostic, usize)> = Vec::new();
    let mut index: std::collections::HashMap<
        (
            Option<PathBuf>,
            Option<crate::base::diag::Pos>,
            &'static str,
        ),
        usize,
    > = Default::default();
    // Writes that fail for one cause (a full disk, a read-only folder) are
    // one problem, reported once with a count, not once per file.
    let mut write_causes: std::collections::HashMap<String, usize> = Default::default();
    for d in errors {
        if d.code == "write-failed" {
            let cause = d
                .message
                .rsplit_once(": ")
                .map_or(d.message.clone(), |(_, c)| c.to_string());
            match write_causes.get(&cause) {
                Some(&i) => out[i].1 += 1,
                None => {
                    write_causes.insert(cause, out.len());
                    out.push((d, 0));
                }
            }
            continue;
        }
        if !d.code.starts_with("template-") {
            out.push((d, 0));
            continue;
        }
        let key = (d.file.clone(), d.pos, d.code);
        match index.get(&key) {
            Some(&i) => out[i].1 += 1,
            None => {
                index.insert(key, out.len());
                out.push((d, 0));
            }
        }
    }
    out.into_iter()
        .map(|(mut d, more)| {
            if more > 0 {
                let what = if d.code == "write-failed" {
                    "file"
                } else {
                    "page"
                };
                d.message.push_str(&format!(
                    " (and {more} more {what}{})",
                    if more == 1 { "" } else { "s" }
                ));
            }
            d
        })
        .collect()
}

/// Builds the site into the output folder, waiting for any other build that
/// writes into it.
pub fn build(opts: &BuildOptions) -> Result<BuildReport, Failure> {
    build_with(opts, IfLocked::Wait)
}

/// Takes the lock of an output folder whose path `check_output_dir` accepted,
/// then checks the folder again: the build that held the lock may have
/// changed it.
pub fn lock_output(
    root: &Path,
    output: &Path,
    explicit: bool,
    if_locked: IfLocked,
) -> Result<OutputLock, Diagnostic> {
    write::check_output_dir(root, output, explicit)?;
    let lock = OutputLock::acquire(output, if_locked).map_err(|e| match e {
        LockError::Busy { holder, lock } => Diagnostic::error(
            "output-locked",
            format!(
                "{} is building into {}",
                write::describe_holder(holder),
                write::absolute(output).display()
            ),
        )
        .help(format!(
            "wait for it to finish, or build without --no-wait to wait for it (lock file {})",
            lock.display()
        )),
        LockError::Io(e) => Diagnostic::error(
            "write-failed",
            format!(
                "cannot lock {}: {e}",
                write::lock_path(&write::absolute(output)).display()
            ),
        )
        .help("check permissions and free space; the previous output is untouched"),
    })?;
    write::check_output_dir(root, output, explicit)?;
    Ok(lock)
}

/// Builds the site into the output folder; `if_locked` says what to do when
/// another build is writing into it.
pub fn build_with(opts: &BuildOptions, if_locked: IfLocked) -> Result<BuildReport, Failure> {
    let start = Instant::now();
    let config = load_config(opts)?;
    let (output, explicit) = output_dir(opts, &config);
    let lock = match lock_output(&opts.root, &output, explicit, if_locked) {
        Ok(lock) => lock,
        Err(d) => {
            let mut ds = Diagnostics::new();
            ds.push(d);
            return Err(ds.into());
        }
    };
    let trash = write::trash_dir(&opts.root);
    write::empty_trash(&trash);
    let mut compiled = compile(opts)?;
    let mut diags = compiled.diagnostics.clone();
    let io_fail = |e: std::io::Error, what: &str| {
        let mut ds = diags.clone();
        ds.push(
            Diagnostic::error("write-failed", format!("{what}: {e}"))
                .help("check permissions and free space; the previous output is untouched"),
        );
        Failure::from(ds)
    };
    let mut timer = StageTimer::new();
    let staging = Staging::begin(lock, Some(trash))
        .map_err(|e| io_fail(e, "cannot create the staging folder"))?;
    let pages = compiled.renderer.env.pages(&compiled.site);
    let mut files = pages.len() + compiled.index.files().len();
    let (mut counts, errors) = render_into(&mut compiled, &pages, &staging);
    timer.lap("render");
    if !errors.is_empty() {
        diags.extend(errors);
        return Err(diags.into());
    }
    let copied = staging
        .copy_tree(&compiled.renderer.theme_dir().join("static"), "static")
        .map_err(|e| io_fail(e, "cannot copy the theme's static files"))?;
    let copied_site = staging
        .copy_tree(&opts.root.join("static"), "")
        .map_err(|e| io_fail(e, "cannot copy static/"))?;
    files += copied + copied_site;
    *counts.entry(String::new()).or_insert(0) += copied + copied_site;
    timer.lap("static");
    let linked = staging.linked();
    staging
        .commit()
        .map_err(|e| io_fail(e, "cannot replace the output folder"))?;
    timer.lap("commit");
    timer.note(&format!(
        "{linked} of {files} files linked from the previous output"
    ));
    // Freeing the parsed site takes a noticeable share of a large build and
    // nobody waits for it: a command-line build exits right after.
    std::thread::spawn(move || drop((compiled, pages)));
    Ok(BuildReport {
        pages_per_lang: counts,
        files_written: files,
        diagnostics: diags,
        elapsed: start.elapsed(),
        output,
    })
}

/// Path of the site root's config, for messages.
pub fn config_path(root: &Path) -> PathBuf {
    root.join(config::CONFIG_FILE)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_failing_for_one_cause_are_one_error() {
        let full = |i: usize| {
            Diagnostic::error(
                "write-failed",
                format!("cannot write en/a{i}/index.html: No space left on device (os error 28)"),
            )
        };
        let mut errors: Vec<Diagnostic> = (0..149).map(full).collect();
        errors.push(Diagnostic::error(
            "write-failed",
            "cannot write ja/x/index.html: Permission denied (os error 13)",
        ));
        let out = collapse_template_errors(errors);
        assert_eq!(out.len(), 2, "{out:?}");
        assert!(
            out[0]
                .message
                .ends_with("(os error 28) (and 148 more files)"),
            "{}",
            out[0].message
        );
        assert!(out[1].message.contains("Permission denied"));
    }
}
