//! The watch thread of `brief serve`: file-system events, debounced by
//! notify-debouncer-full, filtered to the site's sources, grouped into one
//! batch per burst of saves, and handed to the [`Rebuilder`]; each build's
//! outcome is published to the request handlers through [`Shared`].

use std::collections::{BTreeSet, HashSet};
use std::path::{Component, Path, PathBuf};
use std::sync::mpsc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use notify_debouncer_full::notify::{self, RecommendedWatcher, RecursiveMode};
use notify_debouncer_full::{new_debouncer, DebounceEventResult, Debouncer, RecommendedCache};

use super::Shared;
use crate::base::diag::{render_text, stderr_wants_color, Diagnostics};
use crate::base::urls::Urls;
use crate::output::write;
use crate::pipeline::build::{self, BuildOptions, BuildReport, Failure};
use crate::pipeline::incremental::IncrementalBuild;

/// How long the debouncer holds an event before releasing it: an editor's
/// save (write, close, rename of one file) arrives as one change. Together
/// with [`TICK`] and [`SETTLE`] this is the wait between a save and the start
/// of its rebuild (about 45 ms; it was 110 ms, more than half of an edit's
/// latency on a large site).
pub const DEBOUNCE: Duration = Duration::from_millis(20);
/// How often the debouncer releases the events that have aged [`DEBOUNCE`].
const TICK: Duration = Duration::from_millis(5);
/// A burst of saves ends when no relevant change came for this long. The
/// debouncer releases each event on its own clock, so the files of one "save
/// all" (or a `git checkout`) may arrive a tick or more apart; without this
/// they would cost one rebuild each.
const SETTLE: Duration = Duration::from_millis(20);
/// Longest delay of a rebuild while changes keep coming.
const MAX_BURST: Duration = Duration::from_secs(1);
/// Folders of the site root whose changes trigger a rebuild (with `book.toml`).
pub const WATCHED_DIRS: [&str; 4] = ["content", "themes", "locales", "static"];

/// The rebuild step, swappable: [`IncrementalRebuild`] by default,
/// [`FullRebuild`] for a clean build every time.
///
/// `opts` carries the `base_url` of the local server; `changed` lists the
/// changed paths relative to the site root (empty for the first build).
pub trait Rebuilder: Send {
    fn rebuild(&mut self, opts: &BuildOptions, changed: &[PathBuf])
        -> Result<BuildReport, Failure>;

    /// Work that the browser reload need not wait for (the search files of an
    /// incremental rebuild); runs right after the reload was triggered.
    fn after_reload(&mut self) -> Result<(), Failure> {
        Ok(())
    }
}

impl<F> Rebuilder for F
where
    F: FnMut(&BuildOptions, &[PathBuf]) -> Result<BuildReport, Failure> + Send,
{
    fn rebuild(
        &mut self,
        opts: &BuildOptions,
        changed: &[PathBuf],
    ) -> Result<BuildReport, Failure> {
        self(opts, changed)
    }
}

/// Rebuilds everything with [`build::build`] on every change.
pub struct FullRebuild;

impl Rebuilder for FullRebuild {
    fn rebuild(&mut self, opts: &BuildOptions, _: &[PathBuf]) -> Result<BuildReport, Failure> {
        build::build(opts)
    }
}

/// Keeps the compiled site between rebuilds and updates only what a change
/// affects (see [`crate::pipeline::incremental`]). The first build, a build with other
/// options and any change outside `content/` are full builds.
#[derive(Default)]
pub struct IncrementalRebuild {
    state: Option<IncrementalBuild>,
    opts: Option<BuildOptions>,
}

impl Rebuilder for IncrementalRebuild {
    fn rebuild(
        &mut self,
        opts: &BuildOptions,
        changed: &[PathBuf],
    ) -> Result<BuildReport, Failure> {
        if let Some(state) = self
            .state
            .as_mut()
            .filter(|_| !changed.is_empty() && self.opts.as_ref() == Some(opts))
        {
            let stats = state.update(changed)?;
            return Ok(stats.report(state.output()));
        }
        self.state = None;
        let (state, stats) = IncrementalBuild::new(opts)?;
        let report = stats.report(state.output());
        self.state = Some(state);
        self.opts = Some(opts.clone());
        Ok(report)
    }

    fn after_reload(&mut self) -> Result<(), Failure> {
        match &mut self.state {
            Some(state) => state.finish().map(|_| ()),
            None => Ok(()),
        }
    }
}

/// What the watch thread receives: debounced events, or the order to stop.
pub(super) enum WatchMsg {
    Fs(DebounceEventResult),
    Stop,
}

pub(super) type SiteWatcher = Debouncer<RecommendedWatcher, RecommendedCache>;

/// Watches `book.toml` and [`WATCHED_DIRS`] of `root`; events go to `tx`.
pub(super) fn watch_site(root: &Path, tx: mpsc::Sender<WatchMsg>) -> Result<SiteWatcher, String> {
    let cannot = |e: notify::Error| format!("cannot watch {} for changes: {e}", root.display());
    let mut watcher = new_debouncer(DEBOUNCE, Some(TICK), move |res: DebounceEventResult| {
        let _ = tx.send(WatchMsg::Fs(res));
    })
    .map_err(cannot)?;
    // The root itself only for book.toml and folders created later: not the
    // output folders that builds write beside the sources.
    watcher
        .watch(root, RecursiveMode::NonRecursive)
        .map_err(cannot)?;
    for dir in WATCHED_DIRS {
        watch_dir(&mut watcher, root, dir);
    }
    Ok(watcher)
}

/// Starts the thread that rebuilds on every burst of changes until
/// [`WatchMsg::Stop`]; it owns the watcher, which stops with it.
pub(super) fn spawn_rebuild_loop(
    mut watcher: SiteWatcher,
    rx: mpsc::Receiver<WatchMsg>,
    mut builder: Builder,
    shared: std::sync::Arc<Shared>,
) -> Result<JoinHandle<()>, String> {
    std::thread::Builder::new()
        .name("brief-serve-watch".into())
        .spawn(move || {
            let root = builder.opts.root.clone();
            while let Some(changed) = next_changes(&rx, &root, &builder.output) {
                // A watched folder created (or re-created) after start.
                for rel in &changed {
                    if let Some(dir) = rel.to_str().filter(|d| WATCHED_DIRS.contains(d)) {
                        watch_dir(&mut watcher, &root, dir);
                    }
                }
                let line = builder.build(&shared, &changed);
                println!("{line}");
            }
        })
        .map_err(|e| format!("cannot start the watch thread: {e}"))
}

/// Waits for the next burst of relevant changes: the first batch the
/// debouncer releases, then every batch that follows within [`SETTLE`] (for at
/// most [`MAX_BURST`]). `None` when the server stops. Paths are relative to
/// the root, sorted.
fn next_changes(rx: &mpsc::Receiver<WatchMsg>, root: &Path, output: &Path) -> Option<Vec<PathBuf>> {
    let mut changed = BTreeSet::new();
    let add = |changed: &mut BTreeSet<PathBuf>, res: DebounceEventResult| -> bool {
        let events = match res {
            Ok(events) => events,
            Err(errors) => {
                for e in errors {
                    eprintln!("warning: file watching: {e}");
                }
                return false;
            }
        };
        let mut relevant = false;
        for event in events.iter().filter(|e| is_modification(&e.kind)) {
            for rel in event
                .paths
                .iter()
                .filter_map(|p| relevant_change(root, output, p))
            {
                changed.insert(rel);
                relevant = true;
            }
        }
        relevant
    };
    // The first relevant change.
    loop {
        match rx.recv() {
            Ok(WatchMsg::Fs(res)) => {
                if add(&mut changed, res) {
                    break;
                }
            }
            Ok(WatchMsg::Stop) | Err(_) => return None,
        }
    }
    // The rest of the burst.
    let first = Instant::now();
    let mut last = first;
    loop {
        let until = (last + SETTLE).min(first + MAX_BURST);
        let Some(wait) = until.checked_duration_since(Instant::now()) else {
            break;
        };
        match rx.recv_timeout(wait) {
            Ok(WatchMsg::Fs(res)) => {
                if add(&mut changed, res) {
                    last = Instant::now();
                }
            }
            Ok(WatchMsg::Stop) | Err(mpsc::RecvTimeoutError::Disconnected) => return None,
            Err(mpsc::RecvTimeoutError::Timeout) => break,
        }
    }
    Some(changed.into_iter().collect())
}

/// Writes, creations, removals and renames; not the reads of a build.
fn is_modification(kind: &notify::EventKind) -> bool {
    use notify::event::{AccessKind, AccessMode, EventKind};
    match kind {
        EventKind::Access(AccessKind::Close(AccessMode::Write)) => true,
        EventKind::Access(_) | EventKind::Other => false,
        EventKind::Any | EventKind::Create(_) | EventKind::Modify(_) | EventKind::Remove(_) => true,
    }
}

fn watch_dir(watcher: &mut SiteWatcher, root: &Path, dir: &str) {
    let path = root.join(dir);
    if path.is_dir() {
        if let Err(e) = watcher.watch(&path, RecursiveMode::Recursive) {
            eprintln!("warning: cannot watch {dir}/ for changes: {e}");
        }
    }
}

/// The changed path relative to the root, when it should trigger a rebuild.
fn relevant_change(root: &Path, output: &Path, path: &Path) -> Option<PathBuf> {
    if path.starts_with(output) {
        return None;
    }
    let rel = path.strip_prefix(root).ok()?;
    let mut names = Vec::new();
    for c in rel.components() {
        match c {
            Component::Normal(n) => names.push(n.to_string_lossy()),
            _ => return None,
        }
    }
    let first = names.first()?;
    let wanted = if names.len() == 1 {
        first == crate::input::config::CONFIG_FILE || WATCHED_DIRS.contains(&first.as_ref())
    } else {
        WATCHED_DIRS.contains(&first.as_ref())
            && !names.iter().any(|n| crate::input::load::is_ignored_name(n))
    };
    wanted.then(|| rel.to_path_buf())
}

/// Runs builds and publishes their outcome to the request handlers.
pub(super) struct Builder {
    /// The user's options, with an absolute root.
    pub(super) opts: BuildOptions,
    /// The root as the user named it, for messages.
    pub(super) display_root: PathBuf,
    pub(super) origin: String,
    pub(super) base_path: String,
    pub(super) output: PathBuf,
    /// For a preview (no `--output`): the configured deploy folder, which the
    /// preview must not touch.
    pub(super) deploy: Option<PathBuf>,
    pub(super) rebuilder: Box<dyn Rebuilder>,
    /// The warnings the last build printed: a rebuild prints only the new or
    /// changed ones, and how many it did not repeat.
    pub(super) shown_warnings: HashSet<String>,
}

impl Builder {
    /// Reads the base path and output folder from `book.toml`; keeps the
    /// previous ones when it cannot be read (the build reports why).
    pub(super) fn refresh_paths(&mut self) {
        let config = build::load_config(&BuildOptions {
            base_url: None,
            ..self.opts.clone()
        });
        let base_url = match (&self.opts.base_url, &config) {
            (Some(b), _) => Some(b.clone()),
            (None, Ok(c)) => Some(c.site.base_url.clone()),
            (None, Err(_)) => None,
        };
        if let Some(urls) = base_url.and_then(|b| Urls::new(&b).ok()) {
            self.base_path = urls.base_path().to_string();
        }
        if let Ok(config) = &config {
            let (output, _) = build::output_dir(&self.opts, config);
            self.output = write::absolute(&output);
            if let Some(deploy) = &mut self.deploy {
                *deploy = write::absolute(&self.opts.root.join(&config.build.output_dir));
            }
        }
    }

    /// Refuses a preview folder that is, holds or lies in the deploy folder
    /// (only a strange `[build] output_dir` does that).
    fn check_preview(&self) -> Result<(), Failure> {
        match &self.deploy {
            Some(deploy)
                if !deploy.as_os_str().is_empty()
                    && (self.output.starts_with(deploy) || deploy.starts_with(&self.output)) =>
            {
                let mut ds = Diagnostics::new();
                ds.push(
                    crate::Diagnostic::error(
                        "unsafe-output-dir",
                        format!(
                            "refusing to preview into {}: it overlaps the deploy folder {}",
                            self.output.display(),
                            deploy.display()
                        ),
                    )
                    .in_file(crate::input::config::CONFIG_FILE)
                    .help("set [build] output_dir to a folder such as public, or pass --output"),
                );
                Err(ds.into())
            }
            _ => Ok(()),
        }
    }

    /// Builds once, publishes the result, and returns the line to print.
    pub(super) fn build(&mut self, shared: &Shared, changed: &[PathBuf]) -> String {
        let start = Instant::now();
        self.refresh_paths();
        let opts = BuildOptions {
            base_url: Some(format!("{}{}", self.origin, self.base_path)),
            ..self.opts.clone()
        };
        let result = self
            .check_preview()
            .and_then(|()| self.rebuilder.rebuild(&opts, changed));
        let elapsed = start.elapsed().as_secs_f64();
        let what = describe_changes(changed);
        let ok = result.is_ok();
        let (line, page) = match result {
            Ok(report) => {
                self.print_new(&report.diagnostics);
                self.output = write::absolute(&report.output);
                let line = format!(
                    "{what}built {} files in {elapsed:.2}s; {}",
                    report.files_written,
                    plural(report.diagnostics.warning_count(), "warning")
                );
                (line, None)
            }
            Err(failure) => {
                self.print_new(&failure.diagnostics);
                let line = format!(
                    "{what}build failed in {elapsed:.2}s: {}, {}; the browser shows the errors until they are fixed",
                    plural(failure.diagnostics.error_count(), "error"),
                    plural(failure.diagnostics.warning_count(), "warning")
                );
                let page = error_page(&failure.diagnostics, &self.opts.root);
                (line, Some(page))
            }
        };
        {
            let mut st = shared.lock();
            st.generation += 1;
            st.base_path = self.base_path.clone();
            st.output = self.output.clone();
            st.error_page = page;
        }
        shared.publish();
        // The reload is on its way; now the work it need not wait for.
        if ok {
            if let Err(failure) = self.rebuilder.after_reload() {
                print_diags(&failure.diagnostics, &self.display_root);
                let mut st = shared.lock();
                st.generation += 1;
                st.error_page = Some(error_page(&failure.diagnostics, &self.opts.root));
                drop(st);
                shared.publish();
            }
        }
        line
    }
}

impl Builder {
    /// Prints every error, and the warnings that the last build did not
    /// print (new, or changed in any part: file, position, text), then how
    /// many warnings it left out because they were printed before.
    fn print_new(&mut self, diags: &Diagnostics) {
        let key = |d: &crate::Diagnostic| format!("{d:?}");
        let mut shown = HashSet::new();
        let mut fresh = Diagnostics::new();
        let mut repeated = 0;
        for d in diags.iter() {
            if d.is_error() {
                fresh.push(d.clone());
                continue;
            }
            let k = key(d);
            if self.shown_warnings.contains(&k) {
                repeated += 1;
            } else {
                fresh.push(d.clone());
            }
            shown.insert(k);
        }
        print_diags(&fresh, &self.display_root);
        if repeated > 0 {
            eprintln!(
                "({} unchanged since the last build, not repeated)",
                plural(repeated, "warning")
            );
        }
        self.shown_warnings = shown;
    }
}

fn print_diags(diags: &Diagnostics, root: &Path) {
    if !diags.is_empty() {
        eprint!("{}", render_text(diags, root, stderr_wants_color()));
    }
}

fn plural(n: usize, what: &str) -> String {
    if n == 1 {
        format!("{n} {what}")
    } else {
        format!("{n} {what}s")
    }
}

fn describe_changes(changed: &[PathBuf]) -> String {
    match changed {
        [] => String::new(),
        [one] => format!("{} changed: re", one.display()),
        [first, rest @ ..] => format!("{} and {} more changed: re", first.display(), rest.len()),
    }
}

/// The page shown instead of the site while the build fails.
fn error_page(diags: &Diagnostics, root: &Path) -> String {
    let text = render_text(diags, root, false);
    format!(
        r#"<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>Build failed · brief serve</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 2rem; color: #1a1a1a; background: #fff8f6; }}
h1 {{ color: #a4161a; font-size: 1.5rem; }}
pre {{ background: #fff; border: 1px solid #e5c4c0; padding: 1rem; overflow-x: auto; font-size: 0.9rem; line-height: 1.4; }}
</style>
</head>
<body>
<h1>The site could not be built</h1>
<p>{}, {}. Fix the source and save: this page reloads by itself.</p>
<pre>{}</pre>
</body>
</html>
"#,
        plural(diags.error_count(), "error"),
        plural(diags.warning_count(), "warning"),
        crate::base::text::escape_html(&text)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changes() {
        let root = Path::new("/site");
        let out = Path::new("/site/public");
        let rel = |p: &str| relevant_change(root, out, Path::new(p));
        assert_eq!(
            rel("/site/content/en/a.md"),
            Some(PathBuf::from("content/en/a.md"))
        );
        assert_eq!(rel("/site/book.toml"), Some(PathBuf::from("book.toml")));
        assert_eq!(rel("/site/public/index.html"), None);
        assert_eq!(rel("/site/.brief-staging-x/index.html"), None);
        assert_eq!(rel("/site/content/en/.a.md.swp"), None);
        assert_eq!(rel("/site/content/en/a.md~"), None);
        assert_eq!(rel("/site/content/en/#a.md#"), None);
        assert_eq!(rel("/site/README.md"), None);
    }
}
