//! `brief check --external` through the binary, against an HTTP server this
//! test starts on loopback (never the internet): 200, a permanent and a
//! temporary redirect, 404, 500, HEAD refused then GET, a server that never
//! answers, the per-host limit, and the cache in `.brief/external.json`.
#![cfg(feature = "external")]

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::Command;
use std::sync::{Arc, Mutex};

mod common;
use common::{run, Run, Site};

/// What the server saw.
#[derive(Default)]
struct Seen {
    /// (method, path) of every request, in arrival order.
    requests: Vec<(String, String)>,
    user_agents: Vec<String>,
    /// When each request's head had arrived, with its path.
    arrivals: Vec<(String, std::time::Instant)>,
}

/// A tiny HTTP/1.1 server on 127.0.0.1: one thread per connection, every
/// response closes the connection. Paths:
/// `/ok…` 200; `/moved` 301 to `/new-home`, which is 200; `/temp` 302 to
/// `/ok`; `/gone` 404; `/broken` 500; `/no-head` 405 to HEAD and 200 to GET;
/// any other path (`/a-silent`) reads the request and never answers.
struct Server {
    port: u16,
    seen: Arc<Mutex<Seen>>,
}

impl Server {
    fn start() -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let seen = Arc::new(Mutex::new(Seen::default()));
        let s = seen.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { continue };
                let s = s.clone();
                std::thread::spawn(move || handle(stream, &s));
            }
        });
        Server { port, seen }
    }

    fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    /// How many requests each path got, per method.
    fn counts(&self) -> BTreeMap<(String, String), usize> {
        let mut out = BTreeMap::new();
        for r in &self.seen.lock().unwrap().requests {
            *out.entry(r.clone()).or_insert(0) += 1;
        }
        out
    }

    fn total(&self) -> usize {
        self.seen.lock().unwrap().requests.len()
    }
}

fn handle(mut stream: TcpStream, seen: &Mutex<Seen>) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut line = String::new();
    if reader.read_line(&mut line).unwrap_or(0) == 0 {
        return;
    }
    let mut parts = line.split_whitespace();
    let method = parts.next().unwrap_or_default().to_string();
    let path = parts.next().unwrap_or_default().to_string();
    let mut agent = String::new();
    loop {
        let mut h = String::new();
        if reader.read_line(&mut h).unwrap_or(0) == 0 || h == "\r\n" {
            break;
        }
        if let Some((k, v)) = h.split_once(':') {
            if k.eq_ignore_ascii_case("user-agent") {
                agent = v.trim().to_string();
            }
        }
    }
    {
        let mut s = seen.lock().unwrap();
        s.requests.push((method.clone(), path.clone()));
        s.user_agents.push(agent);
        s.arrivals.push((path.clone(), std::time::Instant::now()));
    }
    let response = |status: &str, location: Option<&str>| {
        let mut r = format!("HTTP/1.1 {status}\r\nConnection: close\r\nContent-Length: 0\r\n");
        if let Some(l) = location {
            r.push_str(&format!("Location: {l}\r\n"));
        }
        r.push_str("\r\n");
        r
    };
    let answer = match path.as_str() {
        p if p.starts_with("/ok") || p == "/new-home" => Some(response("200 OK", None)),
        "/moved" => Some(response("301 Moved Permanently", Some("/new-home"))),
        "/temp" => Some(response("302 Found", Some("/ok"))),
        "/gone" => Some(response("404 Not Found", None)),
        "/broken" => Some(response("500 Internal Server Error", None)),
        "/no-head" if method == "HEAD" => Some(response("405 Method Not Allowed", None)),
        "/no-head" => Some(response("200 OK", None)),
        _ => None,
    };
    match answer {
        Some(a) => {
            let _ = stream.write_all(a.as_bytes());
        }
        // Never answers: waits until the client gives up and closes.
        None => {
            let mut buf = [0u8; 64];
            while matches!(stream.read(&mut buf), Ok(n) if n > 0) {}
        }
    }
}

/// A site whose English article cites `urls` (citation ids "1", "2", …), in
/// block style: citation `n`'s `url:` is on line `5 + 3 * n`, column 5.
fn site_citing(urls: &[String]) -> Site {
    let site = Site::new();
    let mut fm = String::from("title: \"Sources\"\ndate: 2025-01-01\ncitations:\n");
    let mut body = String::from("Text");
    for (i, u) in urls.iter().enumerate() {
        let n = i + 1;
        fm.push_str(&format!(
            "  - id: \"{n}\"\n    title: \"Source {n}\"\n    url: \"{u}\"\n"
        ));
        body.push_str(&format!(" [{n}]"));
    }
    body.push_str(".\n");
    site.article("en", "cited.md", &fm, &body);
    site
}

/// The line of citation `n`'s `url:` in [`site_citing`]'s article.
fn url_line(n: usize) -> u64 {
    // `---`, title, date, `citations:`, then three lines per citation.
    (4 + 3 * n) as u64
}

/// `brief check --external --format json` with `extra` arguments, without
/// any proxy from the environment.
fn check_external(root: &Path, extra: &[&str]) -> (Run, Vec<serde_json::Value>) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_brief"));
    cmd.args(["check", "--external", "--format", "json", "--root"])
        .arg(root)
        .args(extra);
    for v in [
        "http_proxy",
        "HTTP_PROXY",
        "https_proxy",
        "HTTPS_PROXY",
        "all_proxy",
        "ALL_PROXY",
    ] {
        cmd.env_remove(v);
    }
    let r = run(cmd);
    let diags = r
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    (r, diags)
}

/// `(code, line, column, message)` of each link-check warning.
fn link_warnings(diags: &[serde_json::Value]) -> Vec<(String, u64, u64, String)> {
    let mut out: Vec<_> = diags
        .iter()
        .filter(|d| d["code"] == "dead-url" || d["code"] == "moved-url")
        .map(|d| {
            assert_eq!(d["severity"], "warning", "{d}");
            assert_eq!(d["file"], "content/en/cited.md", "{d}");
            (
                d["code"].as_str().unwrap().to_string(),
                d["line"].as_u64().unwrap(),
                d["column"].as_u64().unwrap(),
                d["message"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    out.sort();
    out
}

#[test]
fn every_kind_of_answer_is_reported_at_its_url() {
    let server = Server::start();
    let paths = [
        "/ok",
        "/moved",
        "/temp",
        "/gone",
        "/broken",
        "/no-head",
        "/a-silent",
        "/a-silent-2",
    ];
    let urls: Vec<String> = paths.iter().map(|p| server.url(p)).collect();
    let site = site_citing(&urls);
    let (r, diags) = check_external(site.root(), &["--timeout", "1", "--retries", "1"]);
    assert_eq!(r.code, 0, "warnings only: {}", r.stderr);
    let got = link_warnings(&diags);
    let codes: Vec<(&str, u64, u64)> = got
        .iter()
        .map(|(c, l, col, _)| (c.as_str(), *l, *col))
        .collect();
    assert_eq!(
        codes,
        [
            ("dead-url", url_line(4), 5),
            ("dead-url", url_line(5), 5),
            ("dead-url", url_line(7), 5),
            ("dead-url", url_line(8), 5),
            ("moved-url", url_line(2), 5),
        ],
        "{got:#?}"
    );
    let message = |line: u64| &got.iter().find(|w| w.1 == line).unwrap().3;
    assert!(message(url_line(2)).contains(&server.url("/new-home")));
    assert!(message(url_line(4)).contains("404"));
    assert!(message(url_line(5)).contains("500"));
    assert!(message(url_line(7)).contains("timed out"));
    // The suggestion names the new address.
    let moved = diags.iter().find(|d| d["code"] == "moved-url").unwrap();
    assert_eq!(
        moved["help"].as_str().unwrap(),
        format!("update `url:` to {}", server.url("/new-home"))
    );

    let counts = server.counts();
    let n = |m: &str, p: &str| counts.get(&(m.into(), p.into())).copied().unwrap_or(0);
    // HEAD first; GET only where HEAD was refused (405 here; 404 and 500 too).
    assert_eq!(
        (n("HEAD", "/ok"), n("GET", "/ok")),
        (2, 0),
        "/ok and /temp's target"
    );
    assert_eq!((n("HEAD", "/no-head"), n("GET", "/no-head")), (1, 1));
    assert_eq!((n("HEAD", "/gone"), n("GET", "/gone")), (1, 1));
    assert_eq!(n("HEAD", "/new-home"), 1);
    // A 5xx and a timeout are tried again once (--retries 1), HEAD and GET.
    assert_eq!((n("HEAD", "/broken"), n("GET", "/broken")), (2, 2));
    assert_eq!(n("HEAD", "/a-silent"), 2, "{counts:?}");
    let seen = server.seen.lock().unwrap();
    assert!(
        seen.user_agents
            .iter()
            .all(|a| a.starts_with(&format!("brief/{} ", env!("CARGO_PKG_VERSION")))),
        "{:?}",
        seen.user_agents
    );
    // The two silent URLs come first (URLs are fetched in sorted order) and
    // take both of the host's slots: nothing else is sent to the host until
    // one of them has timed out (after --timeout 1, twice).
    let silent = |p: &str| p.starts_with("/a-silent");
    let t0 = seen
        .arrivals
        .iter()
        .filter(|(p, _)| silent(p))
        .map(|(_, t)| *t)
        .min()
        .unwrap();
    let first_other = seen
        .arrivals
        .iter()
        .filter(|(p, _)| !silent(p))
        .map(|(_, t)| *t)
        .min()
        .unwrap();
    assert!(
        first_other >= t0 + std::time::Duration::from_secs(1),
        "another request came {:?} after the first silent one",
        first_other - t0
    );
}

#[test]
fn answers_are_cached_for_max_age() {
    let server = Server::start();
    let urls: Vec<String> = ["/ok", "/gone", "/moved", "/broken"]
        .iter()
        .map(|p| server.url(p))
        .collect();
    let site = site_citing(&urls);
    let args = ["--timeout", "5", "--retries", "0"];
    let (r1, d1) = check_external(site.root(), &args);
    assert_eq!(r1.code, 0, "{}", r1.stderr);
    let first = link_warnings(&d1);
    assert_eq!(first.len(), 3, "{first:#?}");
    let after_first = server.counts();
    let cache_file = site.path(".brief/external.json");
    let cache: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&cache_file).unwrap()).unwrap();
    let cached: Vec<&String> = cache["urls"].as_object().unwrap().keys().collect();
    // The 500 is not kept: it is asked again next time.
    assert_eq!(cached, [&urls[1], &urls[2], &urls[0]]);

    // A second run asks the server only about the 500, and reports the same.
    let (r2, d2) = check_external(site.root(), &args);
    assert_eq!(r2.code, 0);
    assert_eq!(link_warnings(&d2), first);
    let after_second = server.counts();
    let mut asked: Vec<&(String, String)> = after_second
        .iter()
        .filter(|(k, v)| after_first.get(*k) != Some(*v))
        .map(|(k, _)| k)
        .collect();
    asked.sort();
    assert_eq!(
        asked,
        [
            &("GET".to_string(), "/broken".to_string()),
            &("HEAD".to_string(), "/broken".to_string())
        ]
    );
    // In text mode, the summary says how many answers came from the cache.
    let mut text = Command::new(env!("CARGO_BIN_EXE_brief"));
    text.args(["check", "--external", "--retries", "0", "--root"])
        .arg(site.root());
    let t = run(text);
    assert!(
        t.stderr
            .contains("external: 4 URLs checked (3 from the cache)"),
        "{}",
        t.stderr
    );

    // `--max-age 0`: everything is fetched again.
    let before = server.total();
    check_external(site.root(), &["--max-age", "0", "--retries", "0"]);
    let paths: Vec<String> = server.seen.lock().unwrap().requests[before..]
        .iter()
        .map(|(_, p)| p.clone())
        .collect();
    for p in ["/ok", "/gone", "/moved", "/new-home", "/broken"] {
        assert!(paths.contains(&p.to_string()), "{p} not fetched: {paths:?}");
    }

    // An answer older than --max-age is fetched again.
    let old = std::fs::read_to_string(&cache_file).unwrap();
    let mut v: serde_json::Value = serde_json::from_str(&old).unwrap();
    let t0 = v["urls"][&urls[0]]["checked"].as_u64().unwrap();
    v["urls"][&urls[0]]["checked"] = (t0 - 3 * 3600).into();
    std::fs::write(&cache_file, v.to_string()).unwrap();
    let before = server.total();
    check_external(site.root(), &["--max-age", "2h", "--retries", "0"]);
    let paths: Vec<String> = server.seen.lock().unwrap().requests[before..]
        .iter()
        .map(|(_, p)| p.clone())
        .collect();
    assert!(paths.contains(&"/ok".to_string()), "{paths:?}");
    assert!(!paths.contains(&"/gone".to_string()), "{paths:?}");

    // A corrupt cache is ignored with a warning, and rewritten.
    std::fs::write(&cache_file, "{\"version\": 1, \"urls\": [").unwrap();
    let before = server.total();
    let (r, d) = check_external(site.root(), &args);
    assert_eq!(r.code, 0);
    let w: Vec<&serde_json::Value> = d
        .iter()
        .filter(|x| x["code"] == "external-cache-unreadable")
        .collect();
    assert_eq!(w.len(), 1, "{d:#?}");
    assert_eq!(w[0]["severity"], "warning");
    assert_eq!(w[0]["file"], ".brief/external.json");
    assert_eq!(link_warnings(&d), first);
    assert!(server.total() - before >= 5, "every URL fetched again");
    let rewritten: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&cache_file).unwrap()).unwrap();
    assert_eq!(rewritten["urls"].as_object().unwrap().len(), 3);
    // No temporary file is left beside it.
    let names: Vec<String> = std::fs::read_dir(site.path(".brief"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["external.json"]);
}

#[test]
fn build_fetches_nothing_and_check_without_external_neither() {
    let server = Server::start();
    let site = site_citing(&[server.url("/ok")]);
    let r = run({
        let mut c = Command::new(env!("CARGO_BIN_EXE_brief"));
        c.args(["build", "--root"]).arg(site.root());
        c
    });
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = run({
        let mut c = Command::new(env!("CARGO_BIN_EXE_brief"));
        c.args(["check", "--root"]).arg(site.root());
        c
    });
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(server.total(), 0);
    assert!(!site.path(".brief/external.json").exists());
}

#[test]
fn bad_flags_are_usage_errors() {
    let site = site_citing(&[]);
    for args in [
        ["--timeout", "0"],
        ["--timeout", "abc"],
        ["--max-age", "3 weeks"],
    ] {
        let (r, _) = check_external(site.root(), &args);
        assert_eq!(r.code, 2, "{args:?}: {}", r.stderr);
    }
}
