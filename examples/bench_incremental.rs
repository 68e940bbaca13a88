//! Times one incremental rebuild after editing one article, as `brief serve`
//! does it: a full build first, then the edit, then phase 1 (pages written,
//! the reload may start) and phase 2 (search files).
//!
//! ```text
//! cargo run --release --example bench_incremental -- --root DIR [--output DIR] [--runs N] [--edit body|title|date] [--phase1-only]
//! ```
//!
//! The edited article is restored at the end (and rebuilt once more).

use std::path::PathBuf;
use std::time::Instant;

use brief::pipeline::incremental::IncrementalBuild;
use brief::BuildOptions;

fn main() {
    let mut root = None;
    let mut output = None;
    let mut runs = 5usize;
    let mut edit = "body".to_string();
    let mut phase1_only = false;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--root" => root = args.next().map(PathBuf::from),
            "--output" => output = args.next().map(PathBuf::from),
            "--runs" => runs = args.next().and_then(|v| v.parse().ok()).unwrap_or(5),
            "--edit" => edit = args.next().unwrap_or_default(),
            "--phase1-only" => phase1_only = true,
            _ => {
                eprintln!("usage: bench_incremental --root DIR [--output DIR] [--runs N] [--edit body|title|date] [--phase1-only]");
                std::process::exit(2);
            }
        }
    }
    let root = root.unwrap_or_else(|| {
        eprintln!("--root is required");
        std::process::exit(2)
    });
    let opts = BuildOptions {
        root: root.clone(),
        output,
        ..Default::default()
    };
    let t = Instant::now();
    let (mut inc, stats) = match IncrementalBuild::new(&opts) {
        Ok(x) => x,
        Err(f) => {
            eprintln!("build failed: {} errors", f.diagnostics.error_count());
            std::process::exit(1)
        }
    };
    println!(
        "full build: {:.0} ms, {} files",
        t.elapsed().as_secs_f64() * 1e3,
        stats.files_written
    );
    // The middle article of the default language, by path.
    let site = inc.site();
    let lang = site
        .by_lang
        .iter()
        .max_by_key(|(_, ids)| ids.len())
        .map(|(l, _)| l.clone())
        .unwrap_or_default();
    let ids = &site.by_lang[&lang];
    let a = &site.articles[ids[ids.len() / 2]];
    let rel = a.file.clone();
    let path = root.join(&rel);
    let original = std::fs::read_to_string(&path).expect("read the article");
    println!("editing {} ({edit}), {runs} runs", rel.display());
    let mut p1 = Vec::new();
    let mut all = Vec::new();
    for run in 0..runs {
        let text = match edit.as_str() {
            "title" => original.replacen("title: \"", &format!("title: \"(rev {run}) "), 1),
            "date" => {
                let mut lines: Vec<String> = original.lines().map(str::to_string).collect();
                if let Some(l) = lines.iter_mut().find(|l| l.starts_with("date:")) {
                    *l = format!("date: 2030-01-{:02}", run % 28 + 1);
                }
                lines.join("\n") + "\n"
            }
            _ => format!("{original}\nAn edited sentence, revision {run}.\n"),
        };
        std::fs::write(&path, text).expect("write the article");
        let t = Instant::now();
        let s1 = inc.update(std::slice::from_ref(&rel)).unwrap_or_else(|f| {
            eprintln!("rebuild failed: {:?}", f.diagnostics);
            std::process::exit(1)
        });
        let phase1 = t.elapsed();
        let s2 = if phase1_only {
            Default::default()
        } else {
            inc.finish().expect("search files")
        };
        let total = t.elapsed();
        println!(
            "run {run}: phase 1 {:.1} ms ({} parsed, {} pages rendered, {} files written, {} removed); with search files {:.1} ms ({} written)",
            phase1.as_secs_f64() * 1e3,
            s1.parsed,
            s1.pages_rendered,
            s1.files_written,
            s1.files_removed,
            total.as_secs_f64() * 1e3,
            s2.search_files_written
        );
        p1.push(phase1.as_secs_f64() * 1e3);
        all.push(total.as_secs_f64() * 1e3);
    }
    std::fs::write(&path, &original).expect("restore the article");
    inc.rebuild(std::slice::from_ref(&rel)).expect("restore");
    let median = |v: &mut Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    println!(
        "median: phase 1 {:.1} ms, whole rebuild {:.1} ms; fastest: phase 1 {:.1} ms, whole rebuild {:.1} ms",
        median(&mut p1),
        median(&mut all),
        p1[0],
        all[0]
    );
}
