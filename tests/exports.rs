//! The reference exports of the sample site and of hostile fixtures, read by
//! the tools people use them with. The exports are `data:` links in each
//! article page (no files of their own): this test decodes them from the
//! built HTML into `<lang>/<slug>/references.bib` and `references.json`
//! (and the "cite this" downloads into `cite.bib` and `cite.ris`), then
//! pybtex parses every `.bib` file (`tests/exports/check_bib.py`),
//! citeproc-js renders every `.json` file in APA and MLA
//! (`tests/exports/render.test.mjs`), and pybtex and rispy read the "cite
//! this" BibLaTeX and RIS (`tests/exports/check_cite.py`).
//!
//! The tools are installed by `.ci/run` (`pip install --user pybtex rispy`,
//! `npm ci` in `tests/exports`). Without them the tool checks are skipped with a note,
//! except under CI (`CI=true`), where a missing tool fails the test.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{repo, Site};

/// Whether the external checks can run; panics under CI when they cannot.
fn tools_available() -> bool {
    let pybtex = Command::new("python3")
        .args(["-c", "import pybtex, rispy"])
        .output()
        .is_ok_and(|o| o.status.success());
    let node = Command::new("node")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    let citeproc = repo().join("tests/exports/node_modules/citeproc").is_dir();
    let missing: Vec<&str> = [
        (!pybtex).then_some("python3 with pybtex and rispy (pip install --user pybtex rispy)"),
        (!node).then_some("node"),
        (!citeproc).then_some("citeproc-js (cd tests/exports && npm ci)"),
    ]
    .into_iter()
    .flatten()
    .collect();
    if missing.is_empty() {
        return true;
    }
    let note = format!("exports: missing {}", missing.join(", "));
    if std::env::var("CI").as_deref() == Ok("true") {
        panic!("{note}; .ci/run installs them");
    }
    eprintln!("{note}: skipping the pybtex and citeproc-js checks (CI runs them)");
    false
}

/// Runs pybtex and citeproc-js over every export under `dirs`.
fn check_with_tools(dirs: &[&Path]) {
    if !tools_available() {
        return;
    }
    let exports = repo().join("tests/exports");
    let out = Command::new("python3")
        .arg(exports.join("check_bib.py"))
        .args(dirs)
        .output()
        .expect("python3");
    assert!(
        out.status.success(),
        "pybtex check failed:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    eprint!("{}", String::from_utf8_lossy(&out.stdout));
    let out = Command::new("python3")
        .arg(exports.join("check_cite.py"))
        .args(dirs)
        .output()
        .expect("python3");
    assert!(
        out.status.success(),
        "pybtex/rispy check of \"cite this\" failed:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    eprint!("{}", String::from_utf8_lossy(&out.stdout));
    let joined = std::env::join_paths(dirs).expect("paths");
    let out = Command::new("node")
        .arg("--test")
        .arg("render.test.mjs")
        .current_dir(&exports)
        .env("BRIEF_EXPORTS_DIRS", joined)
        .output()
        .expect("node");
    assert!(
        out.status.success(),
        "citeproc-js check failed:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Decodes a `data:<mime>;charset=utf-8,<percent-encoded>` URI (RFC 2397),
/// written here from the RFC rather than taken from brief.
fn decode_data_uri(href: &str) -> (String, Vec<u8>) {
    let rest = href.strip_prefix("data:").expect("a data: URI");
    let (head, body) = rest.split_once(',').expect("a comma");
    let b = body.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hex = std::str::from_utf8(&b[i + 1..i + 3]).expect("ASCII");
            out.push(u8::from_str_radix(hex, 16).expect("two hex digits"));
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    (head.to_string(), out)
}

/// Every article page under `site` (`<lang>/<slug>/index.html` with a
/// "cite this" block): its downloads decoded into `to/<lang>/<slug>/`, as
/// `references.json`, `references.bib`, `cite.bib`, `cite.ris` and
/// `cite.expect.json` (the page's Highwire title and authors, which the
/// exports must carry). Returns how many pages had reference exports.
fn extract_exports(site: &Path, to: &Path) -> usize {
    let any =
        scraper::Selector::parse(".ref-downloads a[download], .cite-this a[download]").unwrap();
    let refs = scraper::Selector::parse(".ref-downloads a[download]").unwrap();
    let title = scraper::Selector::parse("meta[name=citation_title]").unwrap();
    let author = scraper::Selector::parse("meta[name=citation_author]").unwrap();
    let mut with_refs = 0;
    for e in walkdir::WalkDir::new(site).sort_by_file_name() {
        let e = e.expect("walk");
        if e.file_name() != "index.html" {
            continue;
        }
        let doc = scraper::Html::parse_document(&std::fs::read_to_string(e.path()).unwrap());
        let Some(t) = doc.select(&title).next() else {
            continue;
        };
        let rel = e.path().parent().unwrap().strip_prefix(site).unwrap();
        let dir = to.join(rel);
        std::fs::create_dir_all(&dir).unwrap();
        with_refs += usize::from(doc.select(&refs).next().is_some());
        for a in doc.select(&any) {
            let (head, bytes) = decode_data_uri(a.value().attr("href").expect("href"));
            let in_refs = a
                .ancestors()
                .filter_map(scraper::ElementRef::wrap)
                .any(|p| p.value().classes().any(|c| c == "ref-downloads"));
            let name = match (in_refs, head.split(';').next().unwrap()) {
                (true, "application/x-bibtex") => "references.bib",
                (true, "application/vnd.citationstyles.csl+json") => "references.json",
                (false, "application/x-bibtex") => "cite.bib",
                (false, "application/x-research-info-systems") => "cite.ris",
                (false, "application/vnd.citationstyles.csl+json") => "cite.json",
                other => panic!("unexpected download {other:?}"),
            };
            std::fs::write(dir.join(name), bytes).unwrap();
        }
        let expect = serde_json::json!({
            "title": t.value().attr("content").unwrap(),
            "authors": doc.select(&author).map(|m| m.value().attr("content").unwrap()).collect::<Vec<_>>(),
        });
        std::fs::write(dir.join("cite.expect.json"), expect.to_string()).unwrap();
    }
    with_refs
}

fn files_named(dir: &Path, name: &str) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = walkdir::WalkDir::new(dir)
        .into_iter()
        .map(|e| e.expect("walk").into_path())
        .filter(|p| p.file_name().is_some_and(|n| n == name))
        .collect();
    v.sort();
    v
}

/// BibTeX's own rule: braces balance in every entry, counting `\{` and `\}`.
fn braces_balance(bib: &str) -> bool {
    let mut depth = 0i64;
    for c in bib.chars() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            _ => {}
        }
        if depth < 0 {
            return false;
        }
    }
    depth == 0
}

#[test]
fn sample_site_exports_parse_and_render() {
    let site = common::site_copy();
    let out = site.path().join("public");
    brief::build(&brief::BuildOptions {
        root: site.path().to_path_buf(),
        output: Some(out.clone()),
        drafts: false,
        base_url: None,
    })
    .expect("the sample site builds");
    let exports = site.path().join("exports");
    assert!(extract_exports(&out, &exports) > 0);
    let out = exports;
    let bibs = files_named(&out, "references.bib");
    assert!(!bibs.is_empty(), "the sample site has reference exports");
    for bib in &bibs {
        let text = std::fs::read_to_string(bib).unwrap();
        assert!(braces_balance(&text), "{}", bib.display());
    }
    let json = std::fs::read_to_string(out.join("en/us-china-compute-strategies/references.json"))
        .unwrap();
    assert!(json.contains("\"family\": \"Allen\""), "{json}");
    assert!(!json.contains("container-title"), "{json}");
    check_with_tools(&[&out]);
}

/// FNV-1a, 32 bits, as `output::references` hashes a non-ASCII id.
fn fnv1a32(s: &str) -> u32 {
    s.bytes().fold(0x811c_9dc5u32, |h, b| {
        (h ^ u32::from(b)).wrapping_mul(0x0100_0193)
    })
}

const HOSTILE: &str = r#"title: "Hostile references"
date: 2025-08-01
summary: "Citations whose fields break naive exports."
citations:
  - id: "1"
    title: 'A closing brace } in a title'
    publisher: "Center for Strategic and International Studies (CSIS)"
    author: "Allen, Gregory C."
    url: "https://www.csis.org/analysis/choking-chinas-access"
    published: 2020-05-26
    lang: en
  - id: "2"
    title: 'An opening brace { alone, and }{ reversed'
    publisher: "Bureau of Industry and Security, U.S. Department of Commerce"
    url: "https://www.bis.gov/press-release/x?a={b}"
    lang: en-US
  - id: "3"
    title: 'Specials % & # _ \ $ ~ ^ and {balanced} braces \{ \}'
    author: "{Bureau of Industry and Security, U.S. Department of Commerce}"
    lang: zh
  - id: 内閣府
    title: 'AI戦略 2025　{}} 白書'
    publisher: "内閣府"
    author: "山田, 太郎; OpenAI"
    lang: ja
  - id: 総務省
    title: '情報通信白書'
    publisher: "総務省"
    lang: ja
  - id: a.b
    title: 'Dotted id'
    publisher: "R&D and Policy, Inc."
    author: "van Beethoven, Ludwig"
  - id: a_b
    title: 'Underscored id'
    author: "CSIS"
    publisher: "CSIS"
  - id: COLLIDE
    title: 'An id equal to the key of a.b'
"#;

#[test]
fn hostile_exports_parse_and_render() {
    let site = Site::new();
    // An id whose key is the one `a.b` hashes to, so the two collide and
    // the later one gets a suffix.
    let taken = format!("ab-{:08x}", fnv1a32("a.b"));
    let fm = HOSTILE.replace("COLLIDE", &taken);
    site.article(
        "en",
        "hostile.md",
        &fm,
        &format!("Sources disagree.[1][2][3][@内閣府][@総務省][@a.b][@a_b][@{taken}]\n"),
    );
    site.build_ok();
    let dir = site.path("exports");
    assert_eq!(extract_exports(&site.output_dir(), &dir), 1);
    let bib = std::fs::read_to_string(dir.join("en/hostile/references.bib")).unwrap();
    let json: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(dir.join("en/hostile/references.json")).unwrap(),
    )
    .unwrap();
    assert!(braces_balance(&bib), "{bib}");
    assert!(!bib.contains("\\{") && !bib.contains("\\}"), "{bib}");
    assert!(
        bib.contains(
            "organization = {{Bureau of Industry and Security, U.S. Department of Commerce}}"
        ),
        "{bib}"
    );
    assert!(bib.contains("author = {Allen, Gregory C.}"), "{bib}");
    assert!(bib.contains("langid = {american}"), "{bib}");
    assert!(bib.contains("langid = {japanese}"), "{bib}");
    assert!(!bib.contains("langid = {zh}"), "{bib}");
    let items = json.as_array().unwrap();
    let ids: Vec<&str> = items.iter().map(|i| i["id"].as_str().unwrap()).collect();
    assert_eq!(ids.len(), 8);
    let unique: std::collections::BTreeSet<_> = ids.iter().collect();
    assert_eq!(unique.len(), ids.len(), "{ids:?}");
    assert!(ids.iter().all(|k| k.is_ascii()), "{ids:?}");
    assert_eq!(ids[5], format!("hostile-{taken}"));
    assert_eq!(ids[6], "hostile-a_b");
    assert_eq!(ids[7], format!("hostile-{taken}-2"));
    for i in items {
        assert!(i.get("container-title").is_none(), "{i}");
        assert!(bib.contains(&format!("{{{},\n", i["id"].as_str().unwrap())));
    }
    assert_eq!(
        items[0]["author"],
        serde_json::json!([{ "family": "Allen", "given": "Gregory C." }])
    );
    // An organisation that is its own publisher is printed once.
    assert!(items[6].get("publisher").is_none(), "{}", items[6]);
    check_with_tools(&[&dir]);
}
