//! `brief serve`: HTTP behaviour, safety, rebuilds, error pages and live reload.
//!
//! Each test serves its own temporary copy of the sample site on its own port.

use std::ffi::OsStr;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use brief::commands::serve::{
    start, ServeOptions, ServerHandle, IDLE_TIMEOUT, MAX_POLLS, POLL_TIMEOUT,
};
use brief::BuildOptions;

mod common;
use common::copy_repo_site;

const ARTICLE: &str = "content/en/waic-2025-ai-cooperation-organization.md";
const ARTICLE_URL: &str = "/briefings/en/waic-2025-ai-cooperation-organization/";
const TITLE: &str = "China proposes a Shanghai-based organisation for global AI cooperation";
const DEADLINE: Duration = Duration::from_secs(20);

/// A small copy of the sample site: book.toml, themes, locales and the English
/// articles (each sample article links to the other two, so a subset of two
/// would not build).
fn site() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_repo_site(dir.path(), &["themes", "locales", "content/en"]);
    dir
}

fn serve(root: &Path) -> ServerHandle {
    start(ServeOptions {
        build: BuildOptions {
            root: root.to_path_buf(),
            ..Default::default()
        },
        bind: "127.0.0.1".parse().unwrap(),
        port: 0,
    })
    .expect("server starts")
}

struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    body: String,
}

impl Reply {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// Sends one HTTP/1.1 request, verbatim (no normalization of `..`).
fn send(addr: SocketAddr, method: &str, path: &str) -> std::io::Result<TcpStream> {
    let mut stream = TcpStream::connect(addr)?;
    stream.set_read_timeout(Some(Duration::from_secs(40)))?;
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )?;
    Ok(stream)
}

/// Reads the whole reply to a request sent with [`send`].
fn read_reply(stream: TcpStream) -> std::io::Result<Reply> {
    read_reply_after(Vec::new(), stream)
}

/// [`read_reply`] when `raw` was read from `stream` already.
fn read_reply_after(mut raw: Vec<u8>, mut stream: TcpStream) -> std::io::Result<Reply> {
    stream.read_to_end(&mut raw)?;
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or_else(|| std::io::Error::other("no header end"))?;
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let mut body = raw[split + 4..].to_vec();
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| std::io::Error::other("no status"))?;
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect();
    if headers
        .iter()
        .any(|(k, v)| k.eq_ignore_ascii_case("transfer-encoding") && v.contains("chunked"))
    {
        body = dechunk(&body);
    }
    Ok(Reply {
        status,
        headers,
        body: String::from_utf8_lossy(&body).into_owned(),
    })
}

/// One request and its reply.
fn request(addr: SocketAddr, method: &str, path: &str) -> std::io::Result<Reply> {
    read_reply(send(addr, method, path)?)
}

fn dechunk(mut data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(eol) = data.windows(2).position(|w| w == b"\r\n") {
        let size_text = String::from_utf8_lossy(&data[..eol]);
        let size = usize::from_str_radix(size_text.split(';').next().unwrap().trim(), 16).unwrap();
        if size == 0 {
            break;
        }
        out.extend_from_slice(&data[eol + 2..eol + 2 + size]);
        data = &data[eol + 2 + size + 2..];
    }
    out
}

fn get(addr: SocketAddr, path: &str) -> Reply {
    request(addr, "GET", path).unwrap_or_else(|e| panic!("GET {path}: {e}"))
}

/// Polls `path` until `ok` holds, failing after [`DEADLINE`].
fn poll_until(addr: SocketAddr, path: &str, what: &str, ok: impl Fn(&Reply) -> bool) -> Reply {
    let start = Instant::now();
    loop {
        if let Ok(r) = request(addr, "GET", path) {
            if ok(&r) {
                return r;
            }
            if start.elapsed() > DEADLINE {
                panic!(
                    "timed out waiting for {what}; last reply {}:\n{}",
                    r.status, r.body
                );
            }
        } else if start.elapsed() > DEADLINE {
            panic!("timed out waiting for {what}: no reply");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn generation(addr: SocketAddr, query: &str) -> u64 {
    generation_of(&get(addr, &format!("/briefings/__brief/events{query}")))
}

fn generation_of(r: &Reply) -> u64 {
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.header("content-type"), Some("application/json"));
    let v: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    v["generation"].as_u64().unwrap()
}

fn assert_refused(addr: SocketAddr, path: &str, root: &Path) {
    let r = get(addr, path);
    assert!(
        r.status == 403 || r.status == 404,
        "{path} gave {}: {}",
        r.status,
        r.body
    );
    assert!(!r.body.contains("base_url"), "{path} leaked book.toml");
    assert!(
        !r.body.contains(&*root.to_string_lossy()),
        "{path} leaked a path"
    );
}

#[test]
fn serves_the_site_under_its_base_path() {
    let dir = site();
    let root = dir.path();
    let server = serve(root);
    let addr = server.addr();
    assert_eq!(
        server.url(),
        format!("http://127.0.0.1:{}/briefings/", addr.port())
    );

    let page = get(addr, ARTICLE_URL);
    assert_eq!(page.status, 200, "{}", page.body);
    assert_eq!(
        page.header("content-type"),
        Some("text/html; charset=utf-8")
    );
    assert!(page.body.contains(TITLE));
    // Built for the local server, links under the base path.
    assert!(page.body.contains(&format!(
        "http://127.0.0.1:{}/briefings/en/waic-2025-ai-cooperation-organization/",
        addr.port()
    )));
    assert!(page.body.contains("href=\"/briefings/static/style.css\""));
    // The live-reload script is injected into the response only.
    let script = "<script src=\"/briefings/__brief/livereload.js\"";
    let at = page.body.find(script).expect("live-reload script injected");
    assert!(at < page.body.rfind("</body>").unwrap());
    // Built into the preview folder, not the deploy folder.
    let output = server.output();
    assert_eq!(
        output,
        brief::commands::serve::preview_dir(root, addr.port())
    );
    assert!(!root.join("public").exists());
    let on_disk =
        std::fs::read_to_string(output.join("en/waic-2025-ai-cooperation-organization/index.html"))
            .unwrap();
    assert!(!on_disk.contains("__brief"));

    let head = request(addr, "HEAD", ARTICLE_URL).unwrap();
    assert_eq!(head.status, 200);
    assert!(head.body.is_empty());
    assert_eq!(get(addr, "/briefings/en/").status, 200);

    // Redirects: to the base path, and to folders' trailing slash.
    for (from, to) in [
        ("/", "/briefings/"),
        ("/briefings", "/briefings/"),
        ("/briefings/en", "/briefings/en/"),
        ("/briefings/en?x=1", "/briefings/en/?x=1"),
    ] {
        let r = get(addr, from);
        assert!(
            matches!(r.status, 301 | 302 | 307 | 308),
            "{from}: {}",
            r.status
        );
        assert_eq!(r.header("location"), Some(to), "{from}");
    }

    // Content types.
    for (path, ct) in [
        ("/briefings/static/style.css", "text/css"),
        ("/briefings/sitemap.xml", "application/xml"),
        ("/briefings/robots.txt", "text/plain"),
        ("/briefings/en/atom.xml", "application/xml"),
        ("/briefings/__brief/livereload.js", "text/javascript"),
    ] {
        let r = get(addr, path);
        assert_eq!(r.status, 200, "{path}");
        assert!(
            r.header("content-type").unwrap_or_default().starts_with(ct),
            "{path}: {:?}",
            r.header("content-type")
        );
    }

    // The site's own (localized) 404 page.
    let not_found_page = std::fs::read_to_string(output.join("404.html")).unwrap();
    let title_line = not_found_page
        .lines()
        .find(|l| l.starts_with("<title>"))
        .unwrap();
    for path in [
        "/briefings/no-such-page/",
        "/briefings/en/no-such-page/",
        "/elsewhere/",
    ] {
        let r = get(addr, path);
        assert_eq!(r.status, 404, "{path}");
        assert!(r.body.contains(title_line), "{path}: {}", r.body);
        assert!(r.body.contains("__brief/livereload.js"));
    }

    // Only GET and HEAD.
    assert_eq!(request(addr, "POST", ARTICLE_URL).unwrap().status, 405);

    // Nothing outside the output folder.
    std::os::unix::fs::symlink(root.join("book.toml"), output.join("leak.toml")).unwrap();
    std::os::unix::fs::symlink(root, output.join("leak-dir")).unwrap();
    for path in [
        "/briefings/../book.toml",
        "/briefings/en/../../book.toml",
        "/briefings/%2e%2e/book.toml",
        "/briefings/%2E%2E/book.toml",
        "/briefings/..%2fbook.toml",
        "/briefings/en%2f..%2f..%2fbook.toml",
        "/briefings/%2e%2e%2fbook.toml",
        "/briefings/..%5cbook.toml",
        "/briefings/.brief-output",
        "/briefings/leak.toml",
        "/briefings/leak-dir/book.toml",
        "/briefings/leak-dir/",
        "/book.toml",
    ] {
        assert_refused(addr, path, root);
    }
    assert_eq!(get(addr, "/briefings/leak.toml").status, 403);

    // Shutting down frees the port (the accept thread drops the listener).
    server.shutdown();
    let start = Instant::now();
    while let Err(e) = TcpListener::bind(addr) {
        assert!(start.elapsed() < DEADLINE, "port still taken: {e}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn rebuilds_on_change_and_shows_build_errors() {
    let dir = site();
    let root = dir.path();
    let server = serve(root);
    let addr = server.addr();
    let article = root.join(ARTICLE);
    let original = std::fs::read_to_string(&article).unwrap();
    assert!(get(addr, ARTICLE_URL).body.contains(TITLE));
    let g0 = generation(addr, "");
    assert_eq!(g0, server.generation());

    // A long poll is held while nothing changes...
    let long_poll = send(
        addr,
        "GET",
        &format!("/briefings/__brief/events?since={g0}"),
    )
    .unwrap();
    // ...: a request sent after it is answered at once,
    assert_eq!(generation(addr, ""), g0);
    // while the long poll has its status line and headers (sent at once) but
    // no answer (a non-blocking read finds nothing more).
    let mut head = Vec::new();
    while !head.ends_with(b"\r\n\r\n") {
        let mut byte = [0u8];
        (&long_poll).read_exact(&mut byte).unwrap();
        head.push(byte[0]);
    }
    assert!(head.starts_with(b"HTTP/1.1 200 "), "{head:?}");
    long_poll.set_nonblocking(true).unwrap();
    match (&long_poll).read(&mut [0u8; 1]) {
        Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {}
        other => panic!("the long poll answered while nothing changed: {other:?}"),
    }
    long_poll.set_nonblocking(false).unwrap();

    // A change answers it with the new generation.
    let renamed = original.replace(TITLE, "Renamed while serving");
    std::fs::write(&article, &renamed).unwrap();
    let g1 = generation_of(
        &read_reply_after(head, long_poll).expect("the long poll answers the change"),
    );
    assert!(g1 > g0, "generation {g1} after {g0}");
    poll_until(addr, ARTICLE_URL, "the new title", |r| {
        r.status == 200 && r.body.contains("Renamed while serving")
    });
    assert!(generation(addr, "") >= g1);

    // Break the article: every page shows the diagnostics until it is fixed.
    std::fs::write(
        &article,
        format!("{renamed}\nA claim with a missing source [99] & <b>markup</b>.\n"),
    )
    .unwrap();
    let broken = poll_until(addr, ARTICLE_URL, "the error page", |r| {
        r.body.contains("undefined-citation")
    });
    assert_eq!(broken.status, 500);
    assert_eq!(
        broken.header("content-type"),
        Some("text/html; charset=utf-8")
    );
    assert!(broken.body.contains("<pre>"));
    assert!(
        broken.body.contains("&lt;b&gt;markup&lt;/b&gt;"),
        "{}",
        broken.body
    );
    assert!(!broken.body.contains("<b>markup</b>"));
    assert!(broken.body.contains("__brief/livereload.js"));
    let other = get(addr, "/briefings/en/");
    assert!(other.body.contains("undefined-citation"));
    // Assets still load.
    assert_eq!(get(addr, "/briefings/static/style.css").status, 200);
    let events: serde_json::Value =
        serde_json::from_str(&get(addr, "/briefings/__brief/events").body).unwrap();
    assert_eq!(events["ok"], false);
    let g2 = events["generation"].as_u64().unwrap();

    // Fix it: the site is back, with a newer generation.
    std::fs::write(&article, &original).unwrap();
    let fixed = poll_until(addr, ARTICLE_URL, "the fixed page", |r| {
        r.status == 200 && r.body.contains(TITLE)
    });
    assert!(!fixed.body.contains("undefined-citation"));
    let g3 = generation(addr, "");
    assert!(g3 > g2);

    server.shutdown();
}

#[test]
fn port_in_use_is_a_clear_error() {
    let dir = site();
    let taken = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port();
    let err = match start(ServeOptions {
        build: BuildOptions {
            root: dir.path().to_path_buf(),
            ..Default::default()
        },
        bind: "127.0.0.1".parse().unwrap(),
        port,
    }) {
        Ok(_) => panic!("started on a port in use"),
        Err(e) => e,
    };
    assert!(err.contains("already in use"), "{err}");
    assert!(err.contains("--port"), "{err}");
}

/// A `brief serve --port 0` child process: killed on drop, even when an
/// assertion fails.
struct Served {
    child: std::process::Child,
    addr: SocketAddr,
    /// Its standard output and standard error, line by line.
    lines: mpsc::Receiver<String>,
}

impl Served {
    /// Starts `brief serve ARGS --port 0` and reads the port the system chose
    /// from the URL it prints.
    fn start(args: &[&OsStr]) -> Served {
        let mut child = Command::new(env!("CARGO_BIN_EXE_brief"))
            .arg("serve")
            .args(args)
            .args(["--port", "0"])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let stderr = child.stderr.take().unwrap();
        let (tx, lines) = mpsc::channel();
        let tx_err = tx.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                let _ = tx.send(line);
            }
        });
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                let _ = tx_err.send(line);
            }
        });
        let mut served = Served {
            child,
            addr: "127.0.0.1:0".parse().unwrap(),
            lines,
        };
        let line = served.next_line("the URL", |l| l.starts_with("serving at "));
        let port = line
            .strip_prefix("serving at http://127.0.0.1:")
            .and_then(|rest| rest.split_once('/'))
            .and_then(|(p, _)| p.parse::<u16>().ok())
            .unwrap_or_else(|| panic!("no loopback URL in {line:?}"));
        assert_ne!(port, 0);
        served.addr.set_port(port);
        served
    }

    /// The next line of its output that `wanted` accepts.
    fn next_line(&self, what: &str, mut wanted: impl FnMut(&str) -> bool) -> String {
        let start = Instant::now();
        loop {
            match self
                .lines
                .recv_timeout(DEADLINE.saturating_sub(start.elapsed()))
            {
                Ok(line) if wanted(&line) => return line,
                Ok(_) => {}
                Err(e) => panic!("no line with {what} on standard output or error: {e}"),
            }
        }
    }

    /// The line of the next rebuild.
    fn next_rebuild(&self) -> String {
        self.next_line("a rebuild", |l| l.contains(" changed: re"))
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A rebuild of `brief serve` takes the lock of its output folder, as a
/// build does: while another process holds it, the rebuild says it waits and
/// writes nothing; once it is free, the rebuild goes on.
#[test]
fn a_rebuild_waits_for_the_lock_of_its_output_folder() {
    let dir = site();
    let root = dir.path();
    let outer = tempfile::tempdir().unwrap();
    let output = outer.path().join("preview");
    let served = Served::start(&[
        "--root".as_ref(),
        root.as_os_str(),
        "--output".as_ref(),
        output.as_os_str(),
    ]);
    assert!(get(served.addr, ARTICLE_URL).body.contains(TITLE));
    let page = output.join("en/waic-2025-ai-cooperation-organization/index.html");
    let before = std::fs::read(&page).unwrap();

    let lock = std::fs::File::open(outer.path().join(".brief-lock-preview")).unwrap();
    lock.lock().unwrap();
    let article = root.join(ARTICLE);
    let original = std::fs::read_to_string(&article).unwrap();
    std::fs::write(&article, original.replace(TITLE, "Edited under a lock")).unwrap();
    let line = served.next_line("the wait for the lock", |l| l.contains("waiting for"));
    assert!(line.contains(&*output.to_string_lossy()), "{line}");
    assert_eq!(
        std::fs::read(&page).unwrap(),
        before,
        "written under the lock"
    );

    lock.unlock().unwrap();
    let line = served.next_rebuild();
    assert!(line.contains(" changed: rebuilt "), "{line}");
    assert!(String::from_utf8(std::fs::read(&page).unwrap())
        .unwrap()
        .contains("Edited under a lock"));
}

/// `brief serve --port 0` serves on the port it prints; it rebuilds once per
/// burst of saves, for the changed files alone: an editor's temporary files
/// are no change, and neither are the files a build reads and writes.
#[test]
fn the_binary_serves_and_rebuilds_for_real_changes_only() {
    let dir = site();
    let root = dir.path();
    let served = Served::start(&["--root".as_ref(), root.as_os_str()]);
    let page = get(served.addr, ARTICLE_URL);
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains(TITLE));

    let article = root.join(ARTICLE);
    let original = std::fs::read_to_string(&article).unwrap();
    // Editor's files first, then a real edit: the first rebuild names the
    // edit alone. Had a temporary file (or the first build's output) counted,
    // it would have had a rebuild of its own before, or appear in this one
    // as "and N more".
    std::fs::write(root.join("content/en/.#draft.md"), "x").unwrap();
    std::fs::write(root.join("content/en/notes.md~"), "x").unwrap();
    std::fs::write(root.join("content/en/.notes.md.swp"), "x").unwrap();
    std::fs::write(&article, original.replace(TITLE, "First edit")).unwrap();
    let expected = format!("{ARTICLE} changed: rebuilt ");
    let line = served.next_rebuild();
    assert!(line.starts_with(&expected), "{line}");
    // A second edit after that rebuild finished: again the edit alone, so the
    // rebuild triggered nothing by itself.
    std::fs::write(&article, original.replace(TITLE, "Second edit")).unwrap();
    let line = served.next_rebuild();
    assert!(line.starts_with(&expected), "{line}");
    assert!(get(served.addr, ARTICLE_URL).body.contains("Second edit"));
    // A burst of saves (two articles at once) is one rebuild.
    let other = root.join("content/en/notes.md");
    std::fs::write(
        &other,
        "---\ntitle: \"Notes\"\ndate: 2025-07-30\n---\nNotes.\n",
    )
    .unwrap();
    std::fs::write(&article, &original).unwrap();
    let line = served.next_rebuild();
    assert!(line.contains(" and 1 more changed: rebuilt "), "{line}");
}

#[test]
fn a_folder_without_book_toml_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let err = match start(ServeOptions {
        build: BuildOptions {
            root: dir.path().to_path_buf(),
            ..Default::default()
        },
        bind: "127.0.0.1".parse().unwrap(),
        port: 0,
    }) {
        Ok(_) => panic!("served a folder without book.toml"),
        Err(e) => e,
    };
    assert!(err.contains("book.toml"), "{err}");
}

/// `brief serve --drafts` previews into its own folder: the deploy folder
/// written by `brief build` stays byte for byte as it was, through the first
/// build and a rebuild after an edit.
#[test]
fn serve_leaves_the_deploy_folder_alone() {
    let dir = site();
    let root = dir.path();
    std::fs::write(
        root.join("content/en/unfinished-note.md"),
        "---\ntitle: \"An unfinished note\"\ndate: 2025-07-30\ndraft: true\n---\nNot ready for readers.\n",
    )
    .unwrap();
    let built = Command::new(env!("CARGO_BIN_EXE_brief"))
        .args(["build", "--root"])
        .arg(root)
        .output()
        .unwrap();
    assert!(
        built.status.success(),
        "{}",
        String::from_utf8_lossy(&built.stderr)
    );
    let public = root.join("public");
    let before = common::snapshot(&public);
    assert!(before.contains_key("sitemap.xml"));
    assert!(!before.contains_key("en/unfinished-note/index.html"));

    let served = Served::start(&["--drafts".as_ref(), "--root".as_ref(), root.as_os_str()]);
    let addr = served.addr;
    let draft = poll_until(
        addr,
        "/briefings/en/unfinished-note/",
        "the draft to be served",
        |r| r.status == 200,
    );
    assert!(draft.body.contains("An unfinished note"));

    let article = root.join(ARTICLE);
    let text = std::fs::read_to_string(&article).unwrap();
    std::fs::write(&article, text.replace(TITLE, "Edited during the preview")).unwrap();
    poll_until(addr, ARTICLE_URL, "the edit to be served", |r| {
        r.status == 200 && r.body.contains("Edited during the preview")
    });
    let preview = brief::commands::serve::preview_dir(root, addr.port());
    assert!(preview.join("en/unfinished-note/index.html").is_file());
    drop(served);

    common::assert_same_files(&before, &common::snapshot(&public));
}

/// Sends `GET path` with the given HTTP version and extra header lines, and
/// leaves the connection open.
fn send_version(addr: SocketAddr, path: &str, version: &str, extra: &str) -> TcpStream {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(40)))
        .unwrap();
    write!(
        stream,
        "GET {path} HTTP/{version}\r\nHost: {addr}\r\n{extra}\r\n"
    )
    .unwrap();
    stream
}

/// The status code of the reply on `stream`, read from its status line alone
/// (a waiting long poll sends its status line and headers at once).
fn status_line(stream: &mut TcpStream) -> u16 {
    let mut line = Vec::new();
    let mut byte = [0u8];
    while !line.ends_with(b"\r\n") {
        match stream.read(&mut byte) {
            Ok(1) => line.push(byte[0]),
            other => panic!("no status line: {other:?} after {line:?}"),
        }
    }
    String::from_utf8_lossy(&line)
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("bad status line {line:?}"))
}

/// Live-reload long polls whose clients went away (or stay without reading)
/// take no page-request slot: with 200 of them, pages are answered at once,
/// long before any poll times out, and so are 100 pages asked for together.
#[test]
fn abandoned_long_polls_starve_no_page() {
    let dir = site();
    let served = Served::start(&["--root".as_ref(), dir.path().as_os_str()]);
    let addr = served.addr;
    let g = generation(addr, "");
    let poll = format!("/briefings/__brief/events?since={g}");
    let started = Instant::now();
    for _ in 0..100 {
        drop(send_version(addr, &poll, "1.1", ""));
    }
    let idle: Vec<TcpStream> = (0..100)
        .map(|_| send_version(addr, &poll, "1.1", ""))
        .collect();
    let page = get(addr, ARTICLE_URL);
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains(TITLE));
    // More than the 64 page slots at once: every one is answered.
    let pages: Vec<_> = (0..100)
        .map(|_| std::thread::spawn(move || get(addr, ARTICLE_URL).status))
        .collect();
    for p in pages {
        assert_eq!(p.join().unwrap(), 200);
    }
    // All this while the idle polls are still open, waiting.
    assert!(
        started.elapsed() < POLL_TIMEOUT / 2,
        "pages took {:?}",
        started.elapsed()
    );
    drop(idle);
}

/// Long polls have a limit of their own; one beyond it is refused (not a
/// page), and a poll whose client closed the connection frees its place
/// soon, not at the poll's timeout.
#[test]
fn long_polls_have_their_own_limit_and_free_it_when_clients_leave() {
    let dir = site();
    let served = Served::start(&["--root".as_ref(), dir.path().as_os_str()]);
    let addr = served.addr;
    let g = generation(addr, "");
    let poll = format!("/briefings/__brief/events?since={g}");
    let mut held: Vec<TcpStream> = (0..MAX_POLLS)
        .map(|_| send_version(addr, &poll, "1.1", ""))
        .collect();
    for stream in &mut held {
        assert_eq!(status_line(stream), 200);
    }
    let refused = read_reply(send_version(addr, &poll, "1.1", "Connection: close\r\n")).unwrap();
    assert_eq!(refused.status, 503, "{}", refused.body);
    assert_eq!(refused.header("retry-after"), Some("1"));
    let page = get(addr, ARTICLE_URL);
    assert_eq!(page.status, 200, "{}", page.body);

    let closed = Instant::now();
    drop(held);
    loop {
        let mut stream = send_version(addr, &poll, "1.1", "");
        if status_line(&mut stream) == 200 {
            break;
        }
        assert!(
            closed.elapsed() < POLL_TIMEOUT / 2,
            "closed polls still held after {:?}",
            closed.elapsed()
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    // A waiting poll is still answered by the next build's generation.
    assert_eq!(generation(addr, &format!("?since={}", g + 1)), g);
}

/// HTTP/1.0 without `Connection: keep-alive`: the reply, then the server
/// closes the connection (a read to the end returns instead of timing out).
#[test]
fn http_1_0_gets_its_reply_then_the_connection_closes() {
    let dir = site();
    let served = Served::start(&["--root".as_ref(), dir.path().as_os_str()]);
    let addr = served.addr;
    let g = generation(addr, "");
    for path in [
        ARTICLE_URL.to_string(),
        "/briefings/en".to_string(),
        "/briefings/nowhere".to_string(),
        // A poll that is answered at once (another generation), and one
        // without `since`.
        format!("/briefings/__brief/events?since={}", g + 1),
        "/briefings/__brief/events".to_string(),
    ] {
        let stream = send_version(addr, &path, "1.0", "");
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        let started = Instant::now();
        let reply =
            read_reply(stream).unwrap_or_else(|e| panic!("{path}: no end of the reply: {e}"));
        assert!(started.elapsed() < Duration::from_secs(10));
        assert!(reply.status < 500, "{path}: {}", reply.status);
        assert!(
            reply.header("transfer-encoding").is_none(),
            "{path}: chunked reply to HTTP/1.0"
        );
        if path.contains("events") {
            assert_eq!(generation_of(&reply), g, "{path}");
        }
    }
}

/// HTTP/1.0 with `Connection: keep-alive`: each reply says it keeps the
/// connection open, with its length, and the next request is answered on it.
#[test]
fn http_1_0_keep_alive_is_announced() {
    let dir = site();
    let served = Served::start(&["--root".as_ref(), dir.path().as_os_str()]);
    let mut stream = send_version(
        served.addr,
        ARTICLE_URL,
        "1.0",
        "Connection: keep-alive\r\n",
    );
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    for round in 0..2 {
        let mut line = String::new();
        reader.read_line(&mut line).unwrap();
        assert!(
            line.starts_with("HTTP/1.1 200 ") || line.starts_with("HTTP/1.0 200 "),
            "{round}: {line}"
        );
        let mut length = None;
        let mut keep_alive = false;
        loop {
            line.clear();
            reader.read_line(&mut line).unwrap();
            let Some((k, v)) = line.trim_end().split_once(": ") else {
                break;
            };
            if k.eq_ignore_ascii_case("content-length") {
                length = v.parse::<usize>().ok();
            }
            keep_alive |= k.eq_ignore_ascii_case("connection") && v == "keep-alive";
        }
        assert!(keep_alive, "{round}: no Connection: keep-alive");
        let mut body = vec![0; length.expect("a Content-Length")];
        reader.read_exact(&mut body).unwrap();
        assert!(String::from_utf8_lossy(&body).contains(TITLE));
        write!(
            stream,
            "GET {ARTICLE_URL} HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"
        )
        .unwrap();
    }
}

/// With `base_url` at a domain root, `//en` is `/en`: no redirect to a
/// protocol-relative URL (another host).
#[test]
fn repeated_slashes_never_redirect_to_another_host() {
    let dir = site();
    let config = dir.path().join("book.toml");
    let text = std::fs::read_to_string(&config).unwrap();
    let rooted = text.replace(
        "base_url = \"https://example.org/briefings\"",
        "base_url = \"https://example.org/\"",
    );
    assert_ne!(rooted, text);
    std::fs::write(&config, rooted).unwrap();
    let served = Served::start(&["--root".as_ref(), dir.path().as_os_str()]);
    let addr = served.addr;
    assert_eq!(get(addr, "/en/").status, 200);
    for path in [
        "//en",
        "//en/",
        "///x",
        "///en",
        "//en//",
        "//",
        "//?a=b",
        "//en?a=//b",
    ] {
        let r = get(addr, path);
        if let Some(location) = r.header("location") {
            assert!(
                location.starts_with('/') && !location.starts_with("//"),
                "{path} redirects to {location}"
            );
        }
        assert!(r.status != 500, "{path}: {}", r.body);
    }
    let r = get(addr, "//en");
    assert_eq!(r.status, 301);
    assert_eq!(r.header("location"), Some("/en/"));
    assert_eq!(get(addr, "//en/").status, 200);
}

/// A request with a body (which no served method has) is answered, then the
/// connection is closed without losing the answer: what the client still
/// sends is read and dropped, not reset.
#[test]
fn a_request_body_gets_its_reply_before_the_close() {
    let dir = site();
    let served = Served::start(&["--root".as_ref(), dir.path().as_os_str()]);
    let body = vec![b'x'; 512 * 1024];
    let mut stream = TcpStream::connect(served.addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    write!(
        stream,
        "POST /briefings/ HTTP/1.1\r\nHost: x\r\nContent-Length: {}\r\n\r\n",
        body.len()
    )
    .unwrap();
    // The reply may come before the body is sent; writing it must not fail.
    stream.write_all(&body).unwrap();
    let reply = read_reply(stream).unwrap();
    assert_eq!(reply.status, 405, "{}", reply.body);
    assert_eq!(reply.header("connection"), Some("close"));
    assert_eq!(reply.header("allow"), Some("GET, HEAD"));
}

/// A client that sends its request head a byte now and then cannot keep
/// the connection past [`IDLE_TIMEOUT`].
#[test]
fn trickling_heads_meet_the_idle_deadline() {
    let dir = site();
    let served = serve(dir.path());
    let mut stream = TcpStream::connect(served.addr()).unwrap();
    let reader = stream.try_clone().unwrap();
    let started = Instant::now();
    let closed = std::thread::spawn(move || {
        let mut reader = reader;
        let mut sink = Vec::new();
        let _ = reader.read_to_end(&mut sink);
        started.elapsed()
    });
    while !closed.is_finished() && started.elapsed() < IDLE_TIMEOUT * 2 {
        if stream.write_all(b"G").is_err() {
            break;
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    let _ = stream.shutdown(std::net::Shutdown::Both);
    let after = closed.join().unwrap();
    assert!(
        after >= IDLE_TIMEOUT - Duration::from_secs(1)
            && after < IDLE_TIMEOUT + Duration::from_secs(5),
        "closed after {after:?}"
    );
}

/// A rebuild prints the warnings that are new or changed since the last
/// build, and only counts the ones it printed before: two articles with an
/// empty summary, moved in as one folder, warn at the rebuild that adds
/// them; an edit elsewhere repeats neither; moving one warning (its line
/// changes) prints that one alone.
#[test]
fn a_rebuild_prints_only_new_or_changed_warnings() {
    let dir = site();
    let root = dir.path();
    let served = Served::start(&["--root".as_ref(), root.as_os_str()]);
    let warn = |folder: &Path, name: &str, extra: &str| {
        std::fs::write(
            folder.join(format!("{name}.md")),
            format!("---\ntitle: \"{name}\"\ndate: 2025-07-01\n{extra}summary: \"\"\n---\nBody.\n"),
        )
        .unwrap();
    };
    // Written beside the site, then moved in with one rename: one rebuild.
    let outside = tempfile::tempdir_in(root.parent().unwrap()).unwrap();
    warn(outside.path(), "zz-warn-one", "");
    warn(outside.path(), "zz-warn-two", "");
    let folder = root.join("content/en/zz");
    std::fs::rename(outside.path(), &folder).unwrap();
    // Standard error is read in order: once the second warning's location
    // is seen, the first's was too, and every later line is a later build's.
    served.next_line("the new warnings", |l| {
        l.contains("content/en/zz/zz-warn-two.md:4:1")
    });
    // Every line up to the next note of unchanged warnings, and that note.
    let until_note = || {
        let mut seen = Vec::new();
        let note = served.next_line("the unchanged warnings", |l| {
            seen.push(l.to_string());
            l.contains("unchanged since the last build, not repeated")
        });
        (seen, note)
    };
    let count = |seen: &[String], what: &str| seen.iter().filter(|l| l.contains(what)).count();

    let article = root.join(ARTICLE);
    let original = std::fs::read_to_string(&article).unwrap();
    std::fs::write(&article, original.replace(TITLE, "An edit elsewhere")).unwrap();
    let (seen, note) = until_note();
    assert_eq!(
        note, "(2 warnings unchanged since the last build, not repeated)",
        "{seen:#?}"
    );
    assert_eq!(count(&seen, "zz-warn"), 0, "{seen:#?}");

    warn(&folder, "zz-warn-one", "updated: 2025-07-02\n");
    let (seen, note) = until_note();
    assert_eq!(
        note, "(1 warning unchanged since the last build, not repeated)",
        "{seen:#?}"
    );
    assert_eq!(
        count(&seen, "content/en/zz/zz-warn-one.md:5:1"),
        1,
        "{seen:#?}"
    );
    assert_eq!(count(&seen, "zz-warn-two"), 0, "{seen:#?}");
}

/// `GET path` with a `Range` header: the status, the headers and the raw
/// body bytes (the search packs are binary).
fn get_range(addr: SocketAddr, path: &str, range: &str) -> (u16, Vec<(String, String)>, Vec<u8>) {
    let mut stream = send_version(
        addr,
        path,
        "1.1",
        &format!("Range: {range}\r\nConnection: close\r\n"),
    );
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).unwrap();
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .unwrap()
        .split(' ')
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    (status, headers, raw[split + 4..].to_vec())
}

/// The search page reads its document packs with Range requests, so the
/// preview server answers a single byte range with exactly those bytes.
#[test]
fn byte_ranges_of_a_search_pack() {
    let dir = site();
    let server = serve(dir.path());
    let addr = server.addr();
    let disk = std::fs::read(server.output().join("en/search/docs-0.bin")).unwrap();
    assert!(
        disk.len() > 100,
        "the English pack holds the sample's records"
    );
    let len = disk.len();
    let path = "/briefings/en/search/docs-0.bin";
    let header = |h: &[(String, String)], name: &str| {
        h.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone())
    };
    for (range, from, to) in [
        ("bytes=10-49".to_string(), 10, 49),
        (format!("bytes={}-", len - 7), len - 7, len - 1),
        ("bytes=-5".to_string(), len - 5, len - 1),
        (format!("bytes=20-{}", len + 1000), 20, len - 1),
    ] {
        let (status, headers, body) = get_range(addr, path, &range);
        assert_eq!(status, 206, "{range}");
        assert_eq!(body, disk[from..=to], "{range}");
        assert_eq!(
            header(&headers, "content-range"),
            Some(format!("bytes {from}-{to}/{len}")),
            "{range}"
        );
        assert_eq!(
            header(&headers, "content-length"),
            Some((to - from + 1).to_string())
        );
    }
    // Past the end: 416 with the file's length.
    let (status, headers, _) = get_range(addr, path, &format!("bytes={len}-"));
    assert_eq!(status, 416);
    assert_eq!(
        header(&headers, "content-range"),
        Some(format!("bytes */{len}"))
    );
    // Several ranges at once: the whole file, as the RFC allows.
    let (status, headers, body) = get_range(addr, path, "bytes=0-1,5-6");
    assert_eq!(status, 200);
    assert_eq!(body, disk);
    assert_eq!(header(&headers, "accept-ranges"), Some("bytes".to_string()));
}
