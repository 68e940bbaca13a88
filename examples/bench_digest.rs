//! Times the two steps of `brief serve`'s incremental rebuild that run over
//! the whole site whatever the edit: re-linking from cached articles and the
//! inputs digest of every page. Wall and CPU time (all threads), per run.
//!
//! ```text
//! cargo run --release --example bench_digest -- --root DIR [--runs N]
//! ```

use std::path::PathBuf;
use std::time::Instant;

use brief::link::LinkCache;
use brief::pipeline::session::Session;
use brief::BuildOptions;

/// The allocator of the `brief` binary, so the figures are the server's.
#[cfg(feature = "mimalloc")]
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// User and system time of the process so far, in seconds (Linux).
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .map_or("", |x| x.1)
        .split_whitespace()
        .collect();
    let tick = |i: usize| fields.get(i).and_then(|v| v.parse::<f64>().ok());
    (tick(11).unwrap_or(0.0) + tick(12).unwrap_or(0.0)) / 100.0
}

fn main() {
    let mut root = None;
    let mut runs = 10usize;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--root" => root = args.next().map(PathBuf::from),
            "--runs" => runs = args.next().and_then(|v| v.parse().ok()).unwrap_or(10),
            _ => {
                eprintln!("usage: bench_digest --root DIR [--runs N]");
                std::process::exit(2);
            }
        }
    }
    let opts = BuildOptions {
        root: root.unwrap_or_else(|| {
            eprintln!("--root is required");
            std::process::exit(2)
        }),
        ..Default::default()
    };
    let mut session = Session::open(&opts).unwrap_or_else(|f| {
        eprintln!("{} errors", f.diagnostics.error_count());
        std::process::exit(1)
    });
    let files = session.load();
    let parsed = session.parse(&files);
    let mut cache = LinkCache::default();
    let (mut site, _) = session.link(parsed.iter(), &mut cache);
    let renderer = session.renderer().expect("renderer");
    let pages = renderer.env.pages(&site);
    println!(
        "{} articles, {} pages, {runs} runs",
        site.articles.len(),
        pages.len()
    );
    let (mut link_wall, mut link_cpu, mut dig_wall, mut dig_cpu) = (0.0, 0.0, 0.0, 0.0);
    let mut check = 0u64;
    for _ in 0..runs {
        let (t, c) = (Instant::now(), cpu_seconds());
        site = session.link(parsed.iter(), &mut cache).0;
        link_wall += t.elapsed().as_secs_f64();
        link_cpu += cpu_seconds() - c;
        let (t, c) = (Instant::now(), cpu_seconds());
        let digests = renderer.page_digests(&site, &pages);
        dig_wall += t.elapsed().as_secs_f64();
        dig_cpu += cpu_seconds() - c;
        check = digests.iter().fold(check, |h, d| h.rotate_left(5) ^ d);
    }
    let ms = |s: f64| s * 1e3 / runs as f64;
    println!(
        "per run: link {:.1} ms wall, {:.1} ms CPU; digests {:.1} ms wall, {:.1} ms CPU (check {check:x})",
        ms(link_wall),
        ms(link_cpu),
        ms(dig_wall),
        ms(dig_cpu)
    );
}
