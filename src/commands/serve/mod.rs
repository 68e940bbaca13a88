//! `brief serve`: build, serve the output on loopback, rebuild on change.
//!
//! The output is a preview folder of its own ([`preview_dir`]) unless
//! `--output` names one: never the deploy folder of `brief build`, since a
//! preview is built for the local server (and maybe with drafts).
//!
//! Two sides cooperate through [`Shared`]:
//!
//! * the HTTP side: hyper (HTTP/1.1 and 1.0, keep-alive as RFC 9112 says) on
//!   a tokio runtime of its own, [`WORKERS`] threads, started and stopped
//!   with the server. A task accepts connections (at most
//!   [`MAX_CONNECTIONS`]; an idle one is closed after [`IDLE_TIMEOUT`], one
//!   that stops reading a response after [`WRITE_TIMEOUT`]) and gives each a
//!   task of its own. A page request ([`handle`]) is routed while it holds
//!   one of [`MAX_IN_FLIGHT`] slots (waiting up to [`SLOT_WAIT`] for one), on
//!   a blocking thread: files are resolved at request time (the output folder
//!   is replaced atomically by every build) and the live-reload script is
//!   injected into HTML. The response is sent after the slot is given back,
//!   so a slow client delays no one else. A live-reload long poll
//!   (`<base>__brief/events?since=N`, [`reload`]) takes no slot: it waits as
//!   a response body, at most [`MAX_POLLS`] of them, and ends when its
//!   client closes the connection;
//! * the *watch* thread ([`watch`]) receives debounced file-system events,
//!   filters them and runs the [`Rebuilder`], then bumps the build generation
//!   and tells the waiting polls ([`Shared::publish`]).
//!
//! The site is served under the base path of its `base_url`
//! (`https://example.org/briefings` → `http://127.0.0.1:1111/briefings/`), and
//! built with `base_url` pointing at the local server, so every link behaves as
//! it does in production.

use std::borrow::Cow;
use std::convert::Infallible;
use std::net::{IpAddr, SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{mpsc, Arc, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::Duration;

use http_body_util::combinators::BoxBody;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::{Bytes, Incoming};
use hyper::header::HeaderValue;
use hyper::{Method, Request, StatusCode};

use crate::output::write;
use crate::pipeline::build::BuildOptions;

mod reload;
mod watch;

pub use reload::{EVENTS_PATH, MAX_POLLS, POLL_TIMEOUT, SCRIPT_PATH};
use watch::{Builder, WatchMsg};
pub use watch::{FullRebuild, IncrementalRebuild, Rebuilder, DEBOUNCE, WATCHED_DIRS};

pub struct ServeOptions {
    pub build: BuildOptions,
    pub bind: IpAddr,
    pub port: u16,
}

/// Requests handled at once (not counting the long polls of live reload,
/// which have their own limit, [`MAX_POLLS`]).
pub const MAX_IN_FLIGHT: usize = 64;
/// How long a request waits for a free slot before it gets a 503.
pub const SLOT_WAIT: Duration = Duration::from_secs(10);
/// Connections open at once; more are answered 503 and closed.
pub const MAX_CONNECTIONS: usize = 1024;
/// How long a connection may wait for its next request, or take to send
/// its head (hyper's header read timeout).
pub const IDLE_TIMEOUT: Duration = Duration::from_secs(15);
/// How long one write to a client may wait (a client that stops reading a
/// response loses its connection then).
pub const WRITE_TIMEOUT: Duration = Duration::from_secs(20);
/// Most of a request body read (and dropped) before the reply; no method
/// served has one, but closing with it unread would reset the connection
/// and could lose the reply.
const MAX_DRAINED: usize = 1 << 20;
/// How long that reading may take.
const DRAIN_WAIT: Duration = Duration::from_secs(5);
/// Worker threads of the server's runtime.
const WORKERS: usize = 2;

/// A response as the handlers build it.
type Response = hyper::Response<Full<Bytes>>;
/// A response as hyper sends it: a whole body, or a long poll's later one.
type Reply = hyper::Response<BoxBody<Bytes, Infallible>>;

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
    /// Sent after every change of [`State`] (a build, the stop): waiting
    /// long polls and the accept loop watch it.
    changed: tokio::sync::watch::Sender<()>,
    /// Page requests being handled (at most [`MAX_IN_FLIGHT`]).
    slots: tokio::sync::Semaphore,
    /// Long polls waiting (at most [`MAX_POLLS`]).
    polls: AtomicUsize,
    /// Connections open (at most [`MAX_CONNECTIONS`]).
    connections: AtomicUsize,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Tells the waiting long polls (and the accept loop) that the state
    /// changed.
    fn publish(&self) {
        self.changed.send_replace(());
    }
}

/// A running server; dropping it (or calling [`ServerHandle::shutdown`]) stops it.
pub struct ServerHandle {
    shared: Arc<Shared>,
    /// False once stopped.
    running: bool,
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
        self.shared.lock().shutdown = true;
        // Ends the accept loop (which drops the listener, so frees the
        // port) and the waiting long polls.
        self.shared.publish();
        let _ = self.watch_tx.send(WatchMsg::Stop);
        for t in self.threads.drain(..) {
            let _ = t.join();
        }
        self.running = false;
    }
}

impl Drop for ServerHandle {
    fn drop(&mut self) {
        if self.running {
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
    listener
        .set_nonblocking(true)
        .map_err(|e| format!("cannot listen on {requested}: {e}"))?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(WORKERS)
        .thread_name("brief-serve-http")
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the server: {e}"))?;
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
    let watcher = watch::watch_site(&root, watch_tx.clone())?;

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
        shown_warnings: Default::default(),
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
        changed: tokio::sync::watch::Sender::new(()),
        slots: tokio::sync::Semaphore::new(MAX_IN_FLIGHT),
        polls: AtomicUsize::new(0),
        connections: AtomicUsize::new(0),
    });
    let line = builder.build(&shared, &[]);
    println!("{line}");

    let watch_thread = watch::spawn_rebuild_loop(watcher, watch_rx, builder, shared.clone())?;

    let accept_shared = shared.clone();
    let accept_thread = std::thread::Builder::new()
        .name("brief-serve-accept".into())
        .spawn(move || {
            runtime.block_on(accept_loop(listener, accept_shared));
            // Connections still open end here (a page being read from disk
            // may take its moment).
            runtime.shutdown_timeout(Duration::from_secs(1));
        })
        .map_err(|e| format!("cannot start the server thread: {e}"))?;

    Ok(ServerHandle {
        shared,
        running: true,
        addr,
        origin,
        watch_tx,
        threads: vec![accept_thread, watch_thread],
    })
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

/// Takes connections until the server stops, each served by hyper on a
/// task of its own.
async fn accept_loop(listener: TcpListener, shared: Arc<Shared>) {
    let listener = match tokio::net::TcpListener::from_std(listener) {
        Ok(l) => l,
        Err(e) => {
            eprintln!("error: cannot serve: {e}");
            return;
        }
    };
    let mut changed = shared.changed.subscribe();
    loop {
        if shared.lock().shutdown {
            return;
        }
        let stream = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                Err(_) => {
                    // Out of file descriptors, say: let connections close.
                    tokio::time::sleep(Duration::from_millis(20)).await;
                    continue;
                }
            },
            _ = changed.changed() => continue,
        };
        let _ = stream.set_nodelay(true);
        let over = shared.connections.fetch_add(1, Ordering::SeqCst) >= MAX_CONNECTIONS;
        let conn_shared = shared.clone();
        tokio::spawn(async move {
            let _open = Counted(&conn_shared.connections);
            let mut stream = tokio_io_timeout::TimeoutStream::new(stream);
            stream.set_write_timeout(Some(WRITE_TIMEOUT));
            let io = hyper_util::rt::TokioIo::new(Box::pin(stream));
            let mut http1 = hyper::server::conn::http1::Builder::new();
            http1
                .timer(hyper_util::rt::TokioTimer::new())
                .header_read_timeout(IDLE_TIMEOUT);
            if over {
                let busy = hyper::service::service_fn(|_| async {
                    let r = text_response(503, "503 Service Unavailable: too many connections");
                    Ok::<_, Infallible>(with_header(r, "Connection", "close"))
                });
                let _ = http1.serve_connection(io, busy).await;
            } else {
                let service = hyper::service::service_fn(|rq| handle(conn_shared.clone(), rq));
                let _ = http1.serve_connection(io, service).await;
            }
        });
    }
}

/// Counts something in an atomic counter while it lives (incremented
/// before).
struct Counted<'a>(&'a AtomicUsize);

impl Drop for Counted<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

/// One request. hyper has parsed it and handles keep-alive (RFC 9112 §9.3:
/// HTTP/1.0 keeps the connection only when asked to, and the reply says
/// so); a page waits for one of [`MAX_IN_FLIGHT`] slots, up to
/// [`SLOT_WAIT`], and is routed on a blocking thread ([`route`] reads
/// files); a live-reload long poll takes no slot ([`reload::hold`]).
async fn handle(shared: Arc<Shared>, rq: Request<Incoming>) -> Result<Reply, Infallible> {
    let (parts, body) = rq.into_parts();
    let target = parts
        .uri
        .path_and_query()
        .map_or_else(|| parts.uri.to_string(), |p| p.as_str().to_string());
    // A request with a body (no method served has one) is answered, then
    // the connection closes: the body is read first (up to a limit), since
    // closing with it unread resets the connection and may lose the reply.
    let has_body = !hyper::body::Body::is_end_stream(&body);
    if has_body {
        let drained = Limited::new(body, MAX_DRAINED).collect();
        let _ = tokio::time::timeout(DRAIN_WAIT, drained).await;
    }
    let close = |r: Reply| {
        if has_body {
            with_header(r, "Connection", "close")
        } else {
            r
        }
    };
    // Visible ASCII only (RFC 9112 §3.2): none of it can break a header
    // line when it comes back in a `Location`.
    if !target.bytes().all(|b| b.is_ascii_graphic()) {
        return Ok(close(boxed(text_response(400, "400 Bad Request"))));
    }
    if shared.lock().shutdown {
        return Ok(close(boxed(text_response(
            503,
            "503 Service Unavailable: stopping",
        ))));
    }
    if parts.method == Method::GET {
        if let Some(since) = poll_since(&shared, &target) {
            return Ok(close(reload::hold(shared, since).await));
        }
    }
    let Ok(Ok(slot)) = tokio::time::timeout(SLOT_WAIT, shared.slots.acquire()).await else {
        let r = text_response(503, "503 Service Unavailable: too many requests");
        return Ok(close(boxed(with_header(r, "Retry-After", "1"))));
    };
    let method = parts.method.as_str().to_string();
    let range = parts
        .headers
        .get(hyper::header::RANGE)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let routed = tokio::task::spawn_blocking({
        let shared = shared.clone();
        move || route(&shared, &method, &target, range.as_deref())
    })
    .await;
    drop(slot);
    let response = routed.unwrap_or_else(|_| text_response(500, "500 Internal Server Error"));
    Ok(close(boxed(response)))
}

fn boxed(r: Response) -> Reply {
    r.map(|body| body.boxed())
}

/// The `since` of a live-reload long poll (`GET <base>__brief/events?since=N`);
/// `None` for any other request.
fn poll_since(shared: &Shared, target: &str) -> Option<u64> {
    let (path, query) = match target.split_once('?') {
        Some((p, q)) => (p, Some(q)),
        None => (target, None),
    };
    let path = collapse_slashes(path);
    let is_events = path.strip_prefix(shared.lock().base_path.as_str()) == Some(EVENTS_PATH);
    if is_events {
        reload::since(query)
    } else {
        None
    }
}

/// `//en///x` → `/en/x`: a path with repeated slashes names the same file,
/// and must never make a `Location` that starts with `//` (another host).
fn collapse_slashes(path: &str) -> Cow<'_, str> {
    if !path.contains("//") {
        return Cow::Borrowed(path);
    }
    let mut out = String::with_capacity(path.len());
    for c in path.chars() {
        if !(c == '/' && out.ends_with('/')) {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

pub(super) fn respond_bytes(status: u16, content_type: &str, body: Vec<u8>) -> Response {
    let mut r = hyper::Response::new(Full::new(Bytes::from(body)));
    *r.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let r = with_header(r, "Content-Type", content_type);
    let r = with_header(r, "Cache-Control", "no-cache");
    with_header(r, "X-Content-Type-Options", "nosniff")
}

/// Sets a header, replacing any of the same name (none is set whose value
/// is not a valid one: request targets are checked before).
pub(super) fn with_header<B>(
    mut r: hyper::Response<B>,
    name: &'static str,
    value: &str,
) -> hyper::Response<B> {
    if let Ok(value) = HeaderValue::from_str(value) {
        r.headers_mut().insert(name, value);
    }
    r
}

fn text_response(status: u16, text: &str) -> Response {
    respond_bytes(
        status,
        "text/plain; charset=utf-8",
        format!("{text}\n").into_bytes(),
    )
}

fn redirect(status: u16, location: &str) -> Response {
    with_header(
        text_response(status, &format!("see {location}")),
        "Location",
        location,
    )
}

/// The `Content-Type` of a served file: mime_guess's type for its extension,
/// with `charset=utf-8` on text (what brief writes is UTF-8), and our own
/// choice for the few extensions where its table lags the registrations.
pub fn content_type(path: &Path) -> String {
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    let essence = match ext.as_str() {
        // RFC 9239: modules are JavaScript too.
        "mjs" => "text/javascript",
        // RFC 7303 prefers application/xml (feeds, the sitemap) to text/xml.
        "xml" => "application/xml",
        // RFC 8081.
        "woff" => "font/woff",
        // The BibTeX of a briefing's citations: shown as text, not downloaded.
        "bib" => "text/plain",
        _ => mime_guess::from_ext(&ext)
            .first_raw()
            .unwrap_or("application/octet-stream"),
    };
    if essence.starts_with("text/") || essence == "application/xml" {
        format!("{essence}; charset=utf-8")
    } else {
        essence.to_string()
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
        // percent-encoding keeps a malformed escape as it is; a request
        // with one is refused rather than guessed at.
        let well_formed = raw.split('%').skip(1).all(|after| {
            after.len() >= 2 && after.as_bytes()[..2].iter().all(u8::is_ascii_hexdigit)
        });
        if !well_formed {
            return Err(Refused::NotFound);
        }
        let name = percent_encoding::percent_decode_str(raw)
            .decode_utf8()
            .map_err(|_| Refused::NotFound)?
            .into_owned();
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

/// A snapshot of the state, taken once per request.
struct View {
    generation: u64,
    base_path: String,
    output: PathBuf,
    error_page: Option<String>,
}

impl View {
    fn html(&self, status: u16, html: &[u8]) -> Response {
        let body = reload::inject(
            html,
            &reload::reload_snippet(&self.base_path, self.generation),
        );
        respond_bytes(status, "text/html; charset=utf-8", body)
    }

    fn error_response(&self) -> Option<Response> {
        let page = self.error_page.as_ref()?;
        Some(with_header(
            self.html(500, page.as_bytes()),
            "Cache-Control",
            "no-store",
        ))
    }

    /// The site's 404 page (the language's own when there is one).
    fn not_found(&self, segments: &[String]) -> Response {
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

    /// A file of the output; HTML with the live-reload script, other files
    /// as they are, or the part a `Range` header asks for.
    fn file(&self, path: &Path, range: Option<&str>) -> Option<Response> {
        let ct = content_type(path);
        if ct.starts_with("text/html") {
            if let Some(r) = self.error_response() {
                return Some(r);
            }
            let bytes = std::fs::read(path).ok()?;
            return Some(self.html(200, &bytes));
        }
        let bytes = std::fs::read(path).ok()?;
        let len = bytes.len() as u64;
        let r = match range.map(|r| byte_range(r, len)) {
            None | Some(Ranged::Whole) => respond_bytes(200, &ct, bytes),
            Some(Ranged::Part(a, b)) => with_header(
                respond_bytes(206, &ct, bytes[a as usize..=b as usize].to_vec()),
                "Content-Range",
                &format!("bytes {a}-{b}/{len}"),
            ),
            Some(Ranged::Unsatisfiable) => with_header(
                text_response(416, "416 Range Not Satisfiable"),
                "Content-Range",
                &format!("bytes */{len}"),
            ),
        };
        Some(with_header(r, "Accept-Ranges", "bytes"))
    }
}

/// What a `Range` header asks of a file of `len` bytes.
#[derive(Debug, PartialEq)]
enum Ranged {
    /// The whole file: no single byte range was asked for (several ranges,
    /// another unit, or a header that does not parse), which RFC 9110 §14.2
    /// lets a server answer with the whole file.
    Whole,
    /// Bytes `a..=b`.
    Part(u64, u64),
    /// A range that starts past the end of the file.
    Unsatisfiable,
}

/// Reads a single `bytes=a-b`, `bytes=a-` or `bytes=-n` (RFC 9110 §14.1.2).
fn byte_range(header: &str, len: u64) -> Ranged {
    let Some(spec) = header.trim().strip_prefix("bytes=") else {
        return Ranged::Whole;
    };
    let Some((first, last)) = spec.trim().split_once('-') else {
        return Ranged::Whole;
    };
    let number = |s: &str| -> Option<u64> {
        if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
            None
        } else {
            s.parse().ok()
        }
    };
    match (first.trim(), last.trim()) {
        ("", n) => match number(n) {
            Some(0) => Ranged::Unsatisfiable,
            Some(_) if len == 0 => Ranged::Unsatisfiable,
            Some(n) => Ranged::Part(len - n.min(len), len - 1),
            None => Ranged::Whole,
        },
        (a, b) => {
            let Some(a) = number(a) else {
                return Ranged::Whole;
            };
            let b = if b.is_empty() {
                Some(u64::MAX)
            } else {
                number(b)
            };
            match b {
                None => Ranged::Whole,
                Some(b) if b < a => Ranged::Whole,
                Some(_) if a >= len => Ranged::Unsatisfiable,
                Some(b) => Ranged::Part(a, b.min(len - 1)),
            }
        }
    }
}

fn route(shared: &Shared, method: &str, url: &str, range: Option<&str>) -> Response {
    if method != "GET" && method != "HEAD" {
        return with_header(
            text_response(405, "405 Method Not Allowed"),
            "Allow",
            "GET, HEAD",
        );
    }
    let (path, query) = match url.split_once('?') {
        Some((p, q)) => (p, Some(q)),
        None => (url, None),
    };
    let path = path.split('#').next().unwrap_or_default();
    if !path.starts_with('/') {
        return text_response(400, "400 Bad Request");
    }
    let path = collapse_slashes(path);
    let path = path.as_ref();
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
        return reload::events_now(shared);
    }
    if rest == SCRIPT_PATH {
        return reload::script();
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
                if let Some(r) = view.file(&file, range) {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn byte_ranges() {
        assert_eq!(byte_range("bytes=0-9", 100), Ranged::Part(0, 9));
        assert_eq!(byte_range("bytes=90-200", 100), Ranged::Part(90, 99));
        assert_eq!(byte_range("bytes=95-", 100), Ranged::Part(95, 99));
        assert_eq!(byte_range("bytes=-10", 100), Ranged::Part(90, 99));
        assert_eq!(byte_range("bytes=-500", 100), Ranged::Part(0, 99));
        assert_eq!(byte_range("bytes=100-", 100), Ranged::Unsatisfiable);
        assert_eq!(byte_range("bytes=-0", 100), Ranged::Unsatisfiable);
        assert_eq!(byte_range("bytes=0-1,5-6", 100), Ranged::Whole);
        assert_eq!(byte_range("bytes=5-1", 100), Ranged::Whole);
        assert_eq!(byte_range("items=0-1", 100), Ranged::Whole);
        assert_eq!(byte_range("bytes=x-1", 100), Ranged::Whole);
    }

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
        assert_eq!(decode_segments("a%2"), Err(Refused::NotFound));
        assert_eq!(decode_segments("%e6%97%a5"), Ok(vec!["日".to_string()]));
        // One pass: an escaped `%` never becomes an escape of its own.
        assert_eq!(
            decode_segments("%252e%252e"),
            Ok(vec!["%2e%2e".to_string()])
        );
    }

    #[test]
    fn repeated_slashes() {
        assert_eq!(collapse_slashes("/en/x/"), "/en/x/");
        assert_eq!(collapse_slashes("//en"), "/en");
        assert_eq!(collapse_slashes("///x//y///"), "/x/y/");
        assert!(matches!(collapse_slashes("/a/b"), Cow::Borrowed(_)));
    }

    /// The values served before mime_guess took over, for every extension
    /// the hand-written table knew.
    #[test]
    fn content_types() {
        for (file, expected) in [
            ("a.html", "text/html; charset=utf-8"),
            ("a.HTM", "text/html; charset=utf-8"),
            ("a.css", "text/css; charset=utf-8"),
            ("a.js", "text/javascript; charset=utf-8"),
            ("a.mjs", "text/javascript; charset=utf-8"),
            ("a.xml", "application/xml; charset=utf-8"),
            ("a.json", "application/json"),
            ("a.txt", "text/plain; charset=utf-8"),
            ("a.bib", "text/plain; charset=utf-8"),
            ("a.svg", "image/svg+xml"),
            ("a.png", "image/png"),
            ("a.jpg", "image/jpeg"),
            ("a.jpeg", "image/jpeg"),
            ("a.gif", "image/gif"),
            ("a.webp", "image/webp"),
            ("a.avif", "image/avif"),
            ("a.ico", "image/x-icon"),
            ("a.woff2", "font/woff2"),
            ("a.woff", "font/woff"),
            ("a.pdf", "application/pdf"),
            ("a.unknown-ext", "application/octet-stream"),
            ("no-extension", "application/octet-stream"),
        ] {
            assert_eq!(content_type(Path::new(file)), expected, "{file}");
        }
    }
}
