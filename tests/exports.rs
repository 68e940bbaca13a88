//! The reference exports (`references.json`, `references.bib`) of the sample
//! site and of hostile fixtures, read by the tools people use them with:
//! pybtex parses every `.bib` file (`tests/exports/check_bib.py`), and
//! citeproc-js renders every `.json` file in APA and MLA
//! (`tests/exports/render.test.mjs`).
//!
//! The tools are installed by `.ci/run` (`pip install --user pybtex`, `npm ci`
//! in `tests/exports`). Without them the tool checks are skipped with a note,
//! except under CI (`CI=true`), where a missing tool fails the test.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{repo, Site};

/// Whether the external checks can run; panics under CI when they cannot.
fn tools_available() -> bool {
    let pybtex = Command::new("python3")
        .args(["-c", "import pybtex"])
        .output()
        .is_ok_and(|o| o.status.success());
    let node = Command::new("node")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    let citeproc = repo().join("tests/exports/node_modules/citeproc").is_dir();
    let missing: Vec<&str> = [
        (!pybtex).then_some("python3 with pybtex (pip install --user pybtex)"),
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
    let dir = site.output_dir();
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
