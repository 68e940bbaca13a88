//! `brief serve`: build, serve the output on loopback, rebuild on change.
//!
//! The output is a preview folder of its own ([`preview_dir`]) unless
//! `--output` names one: never the deploy folder of `brief build`, since a
//! preview is built for the local server (and maybe with drafts).
//!
//! Three kinds of threads cooperate through [`Shared`]:
//!
//! * the *accept* thread takes requests from `tiny_http` and hands each to a
//!   short-lived handler thread (bounded by [`MAX_IN_FLIGHT`]);
//! * the *watch* thread receives debounced file-system events, filters them and
//!   runs the [`Rebuilder`], then bumps the build generation;
//! * handler threads resolve files at request time (the output folder is
//!   replaced atomically by every build), inject the live-reload script into
//!   HTML responses, and answer the long-poll endpoint `<base>__brief/events`.
//!
//! The site is served under the base path of its `base_url`
//! (`https://example.org/briefings` → `http://127.0.0.1:1111/briefings/`), and
//! built with `base_url` pointing at the local server, so every link behaves as
//! it does in production.

use std::io::{Cursor, Read};
use std::net::{IpAddr, SocketAddr, TcpListener};
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{mpsc, Arc, Condvar, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use notify::{RecursiveMode, Watcher};
use tiny_http::{Header, Method, Response, ResponseBox, Server, StatusCode};

use crate::base::diag::{render_text, stderr_wants_color, Diagnostics};
use crate::base::urls::Urls;
use crate::output::write;
use crate::pipeline::build::{self, BuildOptions, BuildReport, Failure};
use crate::pipeline::incremental::IncrementalBuild;

pub struct ServeOptions {
    pub build: BuildOptions,
    pub bind: IpAddr,
    pub port: u16,
}

/// Site path (below the base path) of the long-poll endpoint.
pub const EVENTS_PATH: &str = "__brief/events";
/// Site path (below the base path) of the live-reload script.
pub const SCRIPT_PATH: &str = "__brief/livereload.js";
/// How long a long-poll request is held open before answering "no change".
pub const POLL_TIMEOUT: Duration = Duration::from_secs(25);
/// Quiet time after a change before rebuilding.
pub const DEBOUNCE: Duration = Duration::from_millis(100);
/// Longest delay of a rebuild while changes keep coming.
const MAX_DEBOUNCE: Duration = Duration::from_secs(1);
/// Requests handled at once (long polls included); more get a 503.
const MAX_IN_FLIGHT: usize = 64;
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
/// affects (see [`crate::incremental`]). The first build, a build with other
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

/// What request handlers need to know about the latest build.
struct State {
    /// Bumped after every build, successful or not.
    generation: u64,
    /// `/briefings/` or `/`.
    base_path: String,
    /// Absolute path of the output folder.
    output: PathBuf,
    /// The diagnostics page while the latest build failed.
    error_page: Option<String>,
    shutdown: bool,
}

struct Shared {
    state: Mutex<State>,
    changed: Condvar,
    in_flight: AtomicUsize,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// A running server; dropping it (or calling [`ServerHandle::shutdown`]) stops it.
pub struct ServerHandle {
    shared: Arc<Shared>,
    server: Option<Arc<Server>>,
    addr: SocketAddr,
    origin: String,
    watch_tx: mpsc::Sender<WatchMsg>,
    threads: Vec<JoinHandle<()>>,
}

impl ServerHandle {
    /// The address actually bound (useful with port 0).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:1111/briefings/`: the URL to open.
    pub fn url(&self) -> String {
        format!("{}{}", self.origin, self.shared.lock().base_path)
    }

    /// The folder the site is built into: `--output`, or [`preview_dir`].
    pub fn output(&self) -> PathBuf {
        self.shared.lock().output.clone()
    }

    /// The current build generation (starts at 1 after the first build).
    pub fn generation(&self) -> u64 {
        self.shared.lock().generation
    }

    /// Blocks until the server stops (that is, forever unless another thread
    /// shuts it down).
    pub fn wait(mut self) {
        for t in self.threads.drain(..) {
            let _ = t.join();
        }
    }

    /// Stops watching and serving, and frees the port.
    pub fn shutdown(mut self) {
        self.stop();
    }

    fn stop(&mut self) {
        {
            let mut st = self.shared.lock();
            st.shutdown = true;
        }
        self.shared.changed.notify_all();
        let _ = self.watch_tx.send(WatchMsg::Stop);
        if let Some(server) = &self.server {
            server.unblock();
        }
        for t in self.threads.drain(..) {
            let _ = t.join();
        }
        // The last reference: tiny_http closes the listening socket.
        self.server = None;
    }
}

impl Drop for ServerHandle {
    fn drop(&mut self) {
        if self.server.is_some() {
            self.stop();
        }
    }
}

/// `brief serve`: start, print the URL, serve until killed.
pub fn run(opts: ServeOptions) -> Result<(), String> {
    let loopback = opts.bind.is_loopback();
    let bind = opts.bind;
    let handle = start(opts)?;
    println!("serving at {}", handle.url());
    println!("preview files in {}", handle.output().display());
    if !loopback {
        println!("note: listening on {bind}, so other machines can reach this server");
    }
    println!("watching content/, themes/, locales/, static/ and book.toml; press Ctrl-C to stop");
    handle.wait();
    Ok(())
}

/// Where `brief serve` writes without `--output`: `<root>/.brief/serve/<port>/`.
///
/// In the site root rather than the system temp folder: on the same file
/// system as the site, so the staging folder's rename stays atomic; private
/// to whoever owns the site (no guessable names in a shared `/tmp`); one per
/// site root, so serves of two sites never share it, and one per port, so two
/// serves of the same site (with and without `--drafts`) do not either. Easy
/// to find and to delete; `brief build` refuses it as `[build] output_dir`.
pub fn preview_dir(root: &Path, port: u16) -> PathBuf {
    root.join(write::PRIVATE_DIR)
        .join("serve")
        .join(port.to_string())
}

/// Binds, builds once, then serves and watches on background threads.
pub fn start(opts: ServeOptions) -> Result<ServerHandle, String> {
    start_with(opts, Box::<IncrementalRebuild>::default())
}

/// [`start`] with another rebuild step.
pub fn start_with(
    opts: ServeOptions,
    rebuilder: Box<dyn Rebuilder>,
) -> Result<ServerHandle, String> {
    let requested = SocketAddr::new(opts.bind, opts.port);
    let listener = TcpListener::bind(requested).map_err(|e| bind_error(requested, &e))?;
    let addr = listener
        .local_addr()
        .map_err(|e| format!("cannot listen on {requested}: {e}"))?;
    let origin = origin_of(addr);

    let root = write::absolute(&opts.build.root);
    if !root.join(crate::input::config::CONFIG_FILE).is_file() {
        return Err(format!(
            "no {} in {}: not a brief site (pass its folder with --root)",
            crate::input::config::CONFIG_FILE,
            opts.build.root.display()
        ));
    }
    // Watch before the first build, so that no edit made during it is missed.
    let (watch_tx, watch_rx) = mpsc::channel();
    let fs_tx = watch_tx.clone();
    let mut watcher = notify::recommended_watcher(move |res: notify::Result<notify::Event>| {
        let _ = fs_tx.send(WatchMsg::Fs(res));
    })
    .map_err(|e| format!("cannot watch {} for changes: {e}", root.display()))?;
    watcher
        .watch(&root, RecursiveMode::NonRecursive)
        .map_err(|e| format!("cannot watch {} for changes: {e}", root.display()))?;
    for dir in WATCHED_DIRS {
        watch_dir(&mut watcher, &root, dir);
    }

    // Without --output, the preview has its own folder: never the deploy
    // folder, which holds only what `brief build` wrote.
    let preview = opts.build.output.is_none();
    let output = match &opts.build.output {
        Some(o) => o.clone(),
        None => preview_dir(&root, addr.port()),
    };
    let mut builder = Builder {
        opts: BuildOptions {
            root: root.clone(),
            output: Some(output.clone()),
            ..opts.build.clone()
        },
        display_root: opts.build.root.clone(),
        origin: origin.clone(),
        base_path: "/".into(),
        output: write::absolute(&output),
        deploy: preview.then(PathBuf::new),
        rebuilder,
    };
    builder.refresh_paths();
    let shared = Arc::new(Shared {
        state: Mutex::new(State {
            generation: 0,
            base_path: builder.base_path.clone(),
            output: builder.output.clone(),
            error_page: None,
            shutdown: false,
        }),
        changed: Condvar::new(),
        in_flight: AtomicUsize::new(0),
    });

    let server = Arc::new(
        Server::from_listener(listener, None)
            .map_err(|e| format!("cannot serve on {addr}: {e}"))?,
    );
    let line = builder.build(&shared, &[]);
    println!("{line}");

    let watch_shared = shared.clone();
    let watch_thread = std::thread::Builder::new()
        .name("brief-serve-watch".into())
        .spawn(move || {
            // The watcher lives as long as this thread watches.
            let mut watcher = watcher;
            while let Some(changed) = next_changes(&watch_rx, &root, &builder.output) {
                // A watched folder created (or re-created) after start.
                for rel in &changed {
                    if let Some(dir) = rel.to_str().filter(|d| WATCHED_DIRS.contains(d)) {
                        watch_dir(&mut watcher, &root, dir);
                    }
                }
                let line = builder.build(&watch_shared, &changed);
                println!("{line}");
            }
        })
        .map_err(|e| format!("cannot start the watch thread: {e}"))?;

    let accept_shared = shared.clone();
    let accept_server = server.clone();
    let accept_thread = std::thread::Builder::new()
        .name("brief-serve-accept".into())
        .spawn(move || accept_loop(&accept_server, &accept_shared))
        .map_err(|e| format!("cannot start the server thread: {e}"))?;

    Ok(ServerHandle {
        shared,
        server: Some(server),
        addr,
        origin,
        watch_tx,
        threads: vec![accept_thread, watch_thread],
    })
}

enum WatchMsg {
    Fs(notify::Result<notify::Event>),
    Stop,
}

/// Waits for the next batch of relevant changes: the first one, then until
/// the files have been quiet for [`DEBOUNCE`] (at most [`MAX_DEBOUNCE`]).
/// `None` when the server stops. Paths are relative to the root, sorted.
fn next_changes(rx: &mpsc::Receiver<WatchMsg>, root: &Path, output: &Path) -> Option<Vec<PathBuf>> {
    let mut changed: Vec<PathBuf> = Vec::new();
    let add = |changed: &mut Vec<PathBuf>, res: notify::Result<notify::Event>| -> bool {
        let event = match res {
            Ok(event) => event,
            Err(e) => {
                eprintln!("warning: file watching: {e}");
                return false;
            }
        };
        if !is_modification(&event.kind) {
            return false;
        }
        let mut added = false;
        for path in &event.paths {
            if let Some(rel) = relevant_change(root, output, path) {
                if !changed.contains(&rel) {
                    changed.push(rel);
                }
                added = true;
            }
        }
        added
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
    let first = Instant::now();
    let mut last = first;
    loop {
        let until = (last + DEBOUNCE).min(first + MAX_DEBOUNCE);
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
    changed.sort();
    Some(changed)
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

fn watch_dir(watcher: &mut dyn Watcher, root: &Path, dir: &str) {
    let path = root.join(dir);
    if path.is_dir() {
        if let Err(e) = watcher.watch(&path, RecursiveMode::Recursive) {
            eprintln!("warning: cannot watch {dir}/ for changes: {e}");
        }
    }
}

fn bind_error(addr: SocketAddr, e: &std::io::Error) -> String {
    use std::io::ErrorKind;
    match e.kind() {
        ErrorKind::AddrInUse => format!(
            "cannot listen on {addr}: port {} is already in use (is another `brief serve` running?); choose another port with --port",
            addr.port()
        ),
        ErrorKind::AddrNotAvailable => format!(
            "cannot listen on {addr}: {} is not an address of this machine; choose another with --bind",
            addr.ip()
        ),
        ErrorKind::PermissionDenied => format!(
            "cannot listen on {addr}: permission denied (ports below 1024 need privileges); choose another port with --port"
        ),
        _ => format!("cannot listen on {addr}: {e}"),
    }
}

/// `http://127.0.0.1:1111`: the origin the site is built for.
fn origin_of(addr: SocketAddr) -> String {
    match addr.ip() {
        IpAddr::V4(ip) if ip.is_unspecified() => format!("http://127.0.0.1:{}", addr.port()),
        IpAddr::V4(ip) => format!("http://{ip}:{}", addr.port()),
        IpAddr::V6(ip) if ip.is_unspecified() => format!("http://[::1]:{}", addr.port()),
        IpAddr::V6(ip) => format!("http://[{ip}]:{}", addr.port()),
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
struct Builder {
    /// The user's options, with an absolute root.
    opts: BuildOptions,
    /// The root as the user named it, for messages.
    display_root: PathBuf,
    origin: String,
    base_path: String,
    output: PathBuf,
    /// For a preview (no `--output`): the configured deploy folder, which the
    /// preview must not touch.
    deploy: Option<PathBuf>,
    rebuilder: Box<dyn Rebuilder>,
}

impl Builder {
    /// Reads the base path and output folder from `book.toml`; keeps the
    /// previous ones when it cannot be read (the build reports why).
    fn refresh_paths(&mut self) {
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
    fn build(&mut self, shared: &Shared, changed: &[PathBuf]) -> String {
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
                print_diags(&report.diagnostics, &self.display_root);
                self.output = write::absolute(&report.output);
                let line = format!(
                    "{what}built {} files in {elapsed:.2}s; {}",
                    report.files_written,
                    plural(report.diagnostics.warning_count(), "warning")
                );
                (line, None)
            }
            Err(failure) => {
                print_diags(&failure.diagnostics, &self.display_root);
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
        shared.changed.notify_all();
        // The reload is on its way; now the work it need not wait for.
        if ok {
            if let Err(failure) = self.rebuilder.after_reload() {
                print_diags(&failure.diagnostics, &self.display_root);
                let mut st = shared.lock();
                st.generation += 1;
                st.error_page = Some(error_page(&failure.diagnostics, &self.opts.root));
                drop(st);
                shared.changed.notify_all();
            }
        }
        line
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

const LIVE_RELOAD_JS: &str = r#"(function () {
  "use strict";
  var me = document.currentScript;
  if (!me) { return; }
  var events = me.getAttribute("data-events");
  var generation = me.getAttribute("data-generation");
  var failures = 0;
  function poll() {
    fetch(events + "?since=" + encodeURIComponent(generation), { cache: "no-store" })
      .then(function (r) {
        if (!r.ok) { throw new Error("HTTP " + r.status); }
        return r.json();
      })
      .then(function (d) {
        failures = 0;
        if (String(d.generation) !== generation) {
          location.reload();
        } else {
          poll();
        }
      })
      .catch(function () {
        failures = Math.min(failures + 1, 10);
        setTimeout(poll, 500 * failures);
      });
  }
  poll();
})();
"#;

fn accept_loop(server: &Server, shared: &Arc<Shared>) {
    loop {
        let rq = match server.recv() {
            Ok(rq) => rq,
            Err(_) => {
                if shared.lock().shutdown {
                    return;
                }
                continue;
            }
        };
        if shared.lock().shutdown {
            return;
        }
        if shared.in_flight.fetch_add(1, Ordering::SeqCst) >= MAX_IN_FLIGHT {
            shared.in_flight.fetch_sub(1, Ordering::SeqCst);
            let _ = rq.respond(text_response(
                503,
                "503 Service Unavailable: too many requests",
            ));
            continue;
        }
        let worker_shared = shared.clone();
        let spawned = std::thread::Builder::new()
            .name("brief-serve-request".into())
            .spawn(move || {
                let response = route(&worker_shared, rq.method(), rq.url());
                let _ = rq.respond(response);
                worker_shared.in_flight.fetch_sub(1, Ordering::SeqCst);
            });
        if spawned.is_err() {
            shared.in_flight.fetch_sub(1, Ordering::SeqCst);
        }
    }
}

fn header(name: &str, value: &str) -> Header {
    Header::from_bytes(name.as_bytes(), value.as_bytes()).expect("valid header")
}

fn respond_bytes(status: u16, content_type: &str, body: Vec<u8>) -> ResponseBox {
    let len = body.len();
    Response::new(
        StatusCode(status),
        vec![
            header("Content-Type", content_type),
            header("Cache-Control", "no-cache"),
            header("X-Content-Type-Options", "nosniff"),
        ],
        Box::new(Cursor::new(body)) as Box<dyn Read + Send>,
        Some(len),
        None,
    )
    .with_chunked_threshold(usize::MAX)
}

fn text_response(status: u16, text: &str) -> ResponseBox {
    respond_bytes(
        status,
        "text/plain; charset=utf-8",
        format!("{text}\n").into_bytes(),
    )
}

fn redirect(status: u16, location: &str) -> ResponseBox {
    text_response(status, &format!("see {location}")).with_header(header("Location", location))
}

/// The `Content-Type` of a served file.
pub fn content_type(path: &Path) -> &'static str {
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "xml" => "application/xml; charset=utf-8",
        "json" => "application/json",
        "txt" => "text/plain; charset=utf-8",
        "bib" => "text/plain; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        "pdf" => "application/pdf",
        _ => "application/octet-stream",
    }
}

/// Why a request path was refused.
#[derive(Debug, PartialEq, Eq)]
enum Refused {
    /// Traversal attempts: `..`, `.`, encoded separators.
    Forbidden,
    /// Malformed escapes, non-UTF-8 names, hidden files.
    NotFound,
}

/// Splits the path below the base path into decoded file names.
fn decode_segments(rest: &str) -> Result<Vec<String>, Refused> {
    let mut out = Vec::new();
    for raw in rest.split('/') {
        if raw.is_empty() {
            continue;
        }
        let bytes = percent_decode(raw).ok_or(Refused::NotFound)?;
        let name = String::from_utf8(bytes).map_err(|_| Refused::NotFound)?;
        if name == "." || name == ".." || name.contains(['/', '\\', '\0']) {
            return Err(Refused::Forbidden);
        }
        if name.starts_with('.') {
            return Err(Refused::NotFound);
        }
        out.push(name);
    }
    Ok(out)
}

fn percent_decode(s: &str) -> Option<Vec<u8>> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = s.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    Some(out)
}

enum Resolved {
    File(PathBuf),
    /// A folder asked for without its trailing slash.
    Folder,
    NotFound,
    Forbidden,
}

/// Finds the file for `segments` inside `output`, refusing anything whose
/// real path (after symlinks) is outside it.
fn resolve(output: &Path, segments: &[String], trailing_slash: bool) -> Resolved {
    let Ok(out) = output.canonicalize() else {
        return Resolved::NotFound;
    };
    let mut path = out.clone();
    path.extend(segments);
    let Ok(real) = path.canonicalize() else {
        return Resolved::NotFound;
    };
    if !real.starts_with(&out) {
        return Resolved::Forbidden;
    }
    if real.is_dir() {
        if !trailing_slash && !segments.is_empty() {
            return Resolved::Folder;
        }
        let Ok(index) = real.join("index.html").canonicalize() else {
            return Resolved::NotFound;
        };
        if !index.starts_with(&out) {
            return Resolved::Forbidden;
        }
        return if index.is_file() {
            Resolved::File(index)
        } else {
            Resolved::NotFound
        };
    }
    if real.is_file() && !trailing_slash {
        Resolved::File(real)
    } else {
        Resolved::NotFound
    }
}

/// Inserts `snippet` before the last `</body>` (or at the end).
fn inject(html: &[u8], snippet: &str) -> Vec<u8> {
    let needle = b"</body>";
    let at = html
        .windows(needle.len())
        .rposition(|w| w.eq_ignore_ascii_case(needle))
        .unwrap_or(html.len());
    let mut out = Vec::with_capacity(html.len() + snippet.len());
    out.extend_from_slice(&html[..at]);
    out.extend_from_slice(snippet.as_bytes());
    out.extend_from_slice(&html[at..]);
    out
}

fn reload_snippet(base_path: &str, generation: u64) -> String {
    let base = crate::base::text::escape_html(base_path);
    format!(
        "<script src=\"{base}{SCRIPT_PATH}\" data-events=\"{base}{EVENTS_PATH}\" data-generation=\"{generation}\"></script>\n"
    )
}

/// A snapshot of the state, taken once per request.
struct View {
    generation: u64,
    base_path: String,
    output: PathBuf,
    error_page: Option<String>,
}

impl View {
    fn html(&self, status: u16, html: &[u8]) -> ResponseBox {
        let body = inject(html, &reload_snippet(&self.base_path, self.generation));
        respond_bytes(status, "text/html; charset=utf-8", body)
    }

    fn error_response(&self) -> Option<ResponseBox> {
        let page = self.error_page.as_ref()?;
        Some(
            self.html(500, page.as_bytes())
                .with_header(header("Cache-Control", "no-store")),
        )
    }

    /// The site's 404 page (the language's own when there is one).
    fn not_found(&self, segments: &[String]) -> ResponseBox {
        if let Some(r) = self.error_response() {
            return r;
        }
        let mut candidates = Vec::new();
        if let Some(first) = segments.first() {
            if segments.len() > 1 {
                candidates.push(vec![first.clone(), "404.html".to_string()]);
            }
        }
        candidates.push(vec!["404.html".to_string()]);
        for c in candidates {
            if let Resolved::File(path) = resolve(&self.output, &c, false) {
                if let Ok(bytes) = std::fs::read(path) {
                    return self.html(404, &bytes);
                }
            }
        }
        text_response(404, "404 Not Found")
    }

    fn file(&self, path: &Path) -> Option<ResponseBox> {
        let ct = content_type(path);
        if ct.starts_with("text/html") {
            if let Some(r) = self.error_response() {
                return Some(r);
            }
            let bytes = std::fs::read(path).ok()?;
            return Some(self.html(200, &bytes));
        }
        let file = std::fs::File::open(path).ok()?;
        let len = file.metadata().ok()?.len();
        Some(
            Response::new(
                StatusCode(200),
                vec![
                    header("Content-Type", ct),
                    header("Cache-Control", "no-cache"),
                    header("X-Content-Type-Options", "nosniff"),
                ],
                Box::new(file) as Box<dyn Read + Send>,
                usize::try_from(len).ok(),
                None,
            )
            .with_chunked_threshold(usize::MAX),
        )
    }
}

fn route(shared: &Shared, method: &Method, url: &str) -> ResponseBox {
    if !matches!(method, Method::Get | Method::Head) {
        return text_response(405, "405 Method Not Allowed")
            .with_header(header("Allow", "GET, HEAD"));
    }
    let (path, query) = match url.split_once('?') {
        Some((p, q)) => (p, Some(q)),
        None => (url, None),
    };
    let path = path.split('#').next().unwrap_or_default();
    if !path.starts_with('/') {
        return text_response(400, "400 Bad Request");
    }
    let view = {
        let st = shared.lock();
        View {
            generation: st.generation,
            base_path: st.base_path.clone(),
            output: st.output.clone(),
            error_page: st.error_page.clone(),
        }
    };
    let base = view.base_path.as_str();
    let with_query = |p: &str| match query {
        Some(q) => format!("{p}?{q}"),
        None => p.to_string(),
    };
    let Some(rest) = path.strip_prefix(base) else {
        if path == "/" || format!("{path}/") == base {
            return redirect(302, &with_query(base));
        }
        return view.not_found(&[]);
    };
    if rest == EVENTS_PATH {
        return events(shared, query);
    }
    if rest == SCRIPT_PATH {
        return respond_bytes(
            200,
            "text/javascript; charset=utf-8",
            LIVE_RELOAD_JS.as_bytes().to_vec(),
        );
    }
    let segments = match decode_segments(rest) {
        Ok(s) => s,
        Err(Refused::Forbidden) => return text_response(403, "403 Forbidden"),
        Err(Refused::NotFound) => return view.not_found(&[]),
    };
    let trailing_slash = path.ends_with('/');
    // The output folder is swapped by rename during a build: when it is
    // momentarily missing, look again shortly.
    for attempt in 0..5 {
        match resolve(&view.output, &segments, trailing_slash) {
            Resolved::File(file) => {
                if let Some(r) = view.file(&file) {
                    return r;
                }
            }
            Resolved::Folder => return redirect(301, &with_query(&format!("{path}/"))),
            Resolved::Forbidden => return text_response(403, "403 Forbidden"),
            Resolved::NotFound => {}
        }
        if attempt == 4 || view.error_page.is_some() || view.output.exists() {
            break;
        }
        std::thread::sleep(Duration::from_millis(40));
    }
    view.not_found(&segments)
}

/// The long-poll endpoint: answers with the build generation as soon as it
/// differs from `since`, or after [`POLL_TIMEOUT`].
fn events(shared: &Shared, query: Option<&str>) -> ResponseBox {
    let since: Option<u64> = query.and_then(|q| {
        q.split('&')
            .find_map(|kv| kv.strip_prefix("since="))
            .and_then(|v| v.parse().ok())
    });
    let deadline = Instant::now() + POLL_TIMEOUT;
    let mut st = shared.lock();
    if let Some(since) = since {
        while st.generation == since && !st.shutdown {
            let now = Instant::now();
            if now >= deadline {
                break;
            }
            st = shared
                .changed
                .wait_timeout(st, deadline - now)
                .unwrap_or_else(|e| e.into_inner())
                .0;
        }
    }
    let body = format!(
        "{{\"generation\":{},\"ok\":{}}}",
        st.generation,
        st.error_page.is_none()
    );
    drop(st);
    respond_bytes(200, "application/json", body.into_bytes())
        .with_header(header("Cache-Control", "no-store"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments() {
        assert_eq!(
            decode_segments("ja/x%20y/").unwrap(),
            vec!["ja".to_string(), "x y".to_string()]
        );
        assert_eq!(decode_segments("../a"), Err(Refused::Forbidden));
        assert_eq!(decode_segments("%2e%2E/a"), Err(Refused::Forbidden));
        assert_eq!(decode_segments("a%2fb"), Err(Refused::Forbidden));
        assert_eq!(decode_segments("a%5cb"), Err(Refused::Forbidden));
        assert_eq!(decode_segments(".brief-output"), Err(Refused::NotFound));
        assert_eq!(decode_segments("a%zz"), Err(Refused::NotFound));
        assert_eq!(decode_segments("%ff"), Err(Refused::NotFound));
    }

    #[test]
    fn injection() {
        let out = inject(b"<p>x</p></BODY></html>", "<s>");
        assert_eq!(out, b"<p>x</p><s></BODY></html>");
        assert_eq!(inject(b"<p>", "<s>"), b"<p><s>");
    }

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
