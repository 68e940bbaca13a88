//! Bad input: every broken file gets a clear error naming the file and the
//! position, nothing panics, and hostile input neither hangs the build nor
//! leaks into the output unescaped.
//!
//! Two kinds of cases:
//!
//! * `tests/fixtures/bad/<case>/`: the files that differ from a base site (the
//!   repository's book.toml, themes/ and locales/, plus one valid article per
//!   language) and an `expect.toml` listing the exact errors the case must
//!   produce (code, file, line, column, a message substring). Every case runs
//!   through `brief::check` and `brief::build`, and those marked `binary = true`
//!   also through the `brief` executable. A case passes only if its errors are
//!   exactly the expected ones, so it cannot pass because the build failed for
//!   another reason.
//! * Cases that need generated content (invalid bytes, line endings, 20 MB,
//!   10,000 citations, symbolic links, file names no checkout should carry)
//!   are the `#[test]` functions below.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use brief::{BuildOptions, Diagnostic, Diagnostics, Severity};
use serde::Deserialize;

mod common;
use common::{copy_repo_site, copy_tree, repo};

fn fixtures() -> PathBuf {
    repo().join("tests/fixtures/bad")
}

/// The base site: the repository's configuration, theme and locales, and one
/// valid article per language.
fn base_site() -> tempfile::TempDir {
    let dir = tempfile::Builder::new()
        .prefix("brief-bad-")
        .tempdir()
        .expect("temp dir");
    copy_repo_site(dir.path(), &["themes", "locales"]);
    write(
        dir.path(),
        "content/en/base.md",
        "---\ntitle: \"Base\"\ndate: 2025-01-01\n---\nA valid article.\n",
    );
    write(
        dir.path(),
        "content/ja/base.md",
        "---\ntitle: \"ベース\"\ndate: 2025-01-01\n---\n有効な記事。\n",
    );
    dir
}

fn write(root: &Path, rel: &str, text: impl AsRef<[u8]>) {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    std::fs::write(path, text).expect("write");
}

fn opts(root: &Path) -> BuildOptions {
    BuildOptions {
        root: root.to_path_buf(),
        ..Default::default()
    }
}

fn errors(diags: &Diagnostics) -> Vec<&Diagnostic> {
    diags.iter().filter(|d| d.is_error()).collect()
}

fn show(diags: &Diagnostics) -> String {
    brief::base::diag::render_json(diags)
}

/// Diagnostics of `brief::check`, which must fail.
fn check_fails(root: &Path) -> Diagnostics {
    match brief::check(&opts(root)) {
        Ok(d) => panic!("check should fail; it passed with:\n{}", show(&d)),
        Err(f) => f.diagnostics,
    }
}

/// The one error of a failed check, which must have `code`.
fn only_error(root: &Path, code: &str) -> Diagnostic {
    let diags = check_fails(root);
    let errs = errors(&diags);
    assert!(
        errs.len() == 1 && errs[0].code == code,
        "expected exactly one `{code}` error, got:\n{}",
        show(&diags)
    );
    errs[0].clone()
}

fn assert_at(d: &Diagnostic, file: &str, line: usize, column: usize) {
    assert_eq!(d.file.as_deref(), Some(Path::new(file)), "file of {d:?}");
    assert_eq!(
        d.pos.map(|p| (p.line, p.column)),
        Some((line, column)),
        "position of {d:?}"
    );
    assert!(d.help.is_some(), "every error has help: {d:?}");
}

/// Builds into `root/public` and returns the report, or panics with the diagnostics.
fn build_ok(root: &Path) -> brief::BuildReport {
    match brief::build(&opts(root)) {
        Ok(r) => r,
        Err(f) => panic!("build failed:\n{}", show(&f.diagnostics)),
    }
}

fn brief_bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_brief"));
    c.env("NO_COLOR", "1");
    c
}

// ---------------------------------------------------------------------------
// Fixture cases
// ---------------------------------------------------------------------------

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Expect {
    /// What the case is about (documentation only).
    about: String,
    /// Also run the executable: exit code 1 and `file:line:col` in its text output.
    #[serde(default)]
    binary: bool,
    #[serde(default)]
    error: Vec<ExpectedError>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ExpectedError {
    code: String,
    file: String,
    /// Absent when the problem has no position (a folder, say).
    line: Option<usize>,
    column: Option<usize>,
    /// A substring of the message (case-insensitive).
    message: Option<String>,
}

type Key = (String, String, Option<usize>, Option<usize>);

fn key_of(d: &Diagnostic) -> Key {
    (
        d.code.to_string(),
        d.file
            .as_ref()
            .map(|f| f.to_string_lossy().replace('\\', "/"))
            .unwrap_or_default(),
        d.pos.map(|p| p.line),
        d.pos.map(|p| p.column),
    )
}

/// Compares the errors of one run with the expectation; returns the problems.
fn compare(case: &str, how: &str, diags: &Diagnostics, expect: &Expect) -> Vec<String> {
    let mut problems = Vec::new();
    let got: Vec<&Diagnostic> = errors(diags);
    let got_keys: BTreeSet<Key> = got.iter().map(|d| key_of(d)).collect();
    let want_keys: BTreeSet<Key> = expect
        .error
        .iter()
        .map(|e| (e.code.clone(), e.file.clone(), e.line, e.column))
        .collect();
    if got_keys != want_keys || got.len() != expect.error.len() {
        problems.push(format!(
            "{case} ({how}): errors differ\n  expected: {want_keys:?}\n  got:\n{}",
            show(diags)
        ));
        return problems;
    }
    for e in &expect.error {
        let d = got
            .iter()
            .find(|d| key_of(d) == (e.code.clone(), e.file.clone(), e.line, e.column))
            .expect("keys match");
        if let Some(m) = &e.message {
            if !d.message.to_lowercase().contains(&m.to_lowercase()) {
                problems.push(format!(
                    "{case} ({how}): message of `{}` is {:?}, which lacks {m:?}",
                    e.code, d.message
                ));
            }
        }
        if d.help.as_deref().is_none_or(str::is_empty) {
            problems.push(format!("{case} ({how}): `{}` has no help", e.code));
        }
    }
    problems
}

fn run_case(case_dir: &Path) -> Vec<String> {
    let case = case_dir.file_name().unwrap().to_string_lossy().into_owned();
    let expect_text = match std::fs::read_to_string(case_dir.join("expect.toml")) {
        Ok(t) => t,
        Err(_) => return vec![format!("{case}: no expect.toml")],
    };
    let expect: Expect = match toml::from_str(&expect_text) {
        Ok(e) => e,
        Err(e) => return vec![format!("{case}: bad expect.toml: {e}")],
    };
    assert!(!expect.about.is_empty());
    if expect.error.is_empty() {
        return vec![format!("{case}: expect.toml lists no error")];
    }
    let site = base_site();
    copy_tree(case_dir, site.path());
    std::fs::remove_file(site.path().join("expect.toml")).expect("rm expect.toml");
    let root = site.path();
    let mut problems = Vec::new();

    match brief::check(&opts(root)) {
        Ok(d) => problems.push(format!("{case} (check): passed with\n{}", show(&d))),
        Err(f) => problems.extend(compare(&case, "check", &f.diagnostics, &expect)),
    }
    match brief::build(&opts(root)) {
        Ok(r) => problems.push(format!(
            "{case} (build): passed with\n{}",
            show(&r.diagnostics)
        )),
        Err(f) => problems.extend(compare(&case, "build", &f.diagnostics, &expect)),
    }
    if root.join("public").exists() {
        problems.push(format!("{case} (build): a failed build created public/"));
    }

    if expect.binary {
        for sub in ["check", "build"] {
            let out = brief_bin()
                .arg(sub)
                .arg("--root")
                .arg(root)
                .output()
                .expect("run brief");
            let stderr = String::from_utf8_lossy(&out.stderr);
            if out.status.code() != Some(1) {
                problems.push(format!(
                    "{case} (brief {sub}): exit code {:?}, expected 1\n{stderr}",
                    out.status.code()
                ));
            }
            if stderr.contains("panicked") {
                problems.push(format!("{case} (brief {sub}): panicked\n{stderr}"));
            }
            for e in &expect.error {
                let place = match (e.line, e.column) {
                    (Some(l), Some(c)) => format!("{}:{l}:{c}", e.file),
                    _ => e.file.clone(),
                };
                let code = format!("[{}]", e.code);
                if !stderr.contains(&place) || !stderr.contains(&code) {
                    problems.push(format!(
                        "{case} (brief {sub}): output does not name {code} at {place}:\n{stderr}"
                    ));
                }
            }
        }
    }
    problems
}

#[test]
fn every_fixture_case_reports_exactly_its_errors() {
    let mut cases: Vec<PathBuf> = std::fs::read_dir(fixtures())
        .expect("tests/fixtures/bad")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.is_dir())
        .collect();
    cases.sort();
    assert!(cases.len() >= 15, "fixture cases went missing: {cases:?}");
    let problems: Vec<String> = cases.iter().flat_map(|c| run_case(c)).collect();
    assert!(
        problems.is_empty(),
        "{} problem(s):\n\n{}",
        problems.len(),
        problems.join("\n\n")
    );
}

/// The base site itself must build, or every case above proves nothing.
#[test]
fn base_site_builds_cleanly() {
    let site = base_site();
    let report = build_ok(site.path());
    assert!(
        errors(&report.diagnostics).is_empty(),
        "{}",
        show(&report.diagnostics)
    );
    assert!(site.path().join("public/en/base/index.html").is_file());
}

// ---------------------------------------------------------------------------
// Encodings and line endings
// ---------------------------------------------------------------------------

#[test]
fn invalid_utf8_is_reported_at_the_first_bad_byte() {
    let site = base_site();
    // Latin-1 é on line 3, after 8 + 3 characters.
    let mut bytes = b"---\ndate: 2025-01-01\ntitle: \"Caf".to_vec();
    bytes.push(0xE9);
    bytes.extend_from_slice(b"\"\n---\nBody.\n");
    write(site.path(), "content/en/latin1.md", &bytes);
    let d = only_error(site.path(), "invalid-utf8");
    assert_at(&d, "content/en/latin1.md", 3, 12);

    // Columns count characters, not bytes; a BOM and CRLF do not shift them.
    std::fs::remove_file(site.path().join("content/en/latin1.md")).unwrap();
    let mut bytes = "\u{feff}---\r\ndate: 2025-01-01\r\ntitle: \"日本"
        .as_bytes()
        .to_vec();
    bytes.push(0xFF);
    bytes.extend_from_slice(b"\"\r\n---\r\nBody.\r\n");
    write(site.path(), "content/en/broken.md", &bytes);
    let d = only_error(site.path(), "invalid-utf8");
    assert_at(&d, "content/en/broken.md", 3, 11);

    // A truncated multi-byte sequence at the very end of the file.
    std::fs::remove_file(site.path().join("content/en/broken.md")).unwrap();
    let mut bytes = b"---\ntitle: \"T\"\ndate: 2025-01-01\n---\nab".to_vec();
    bytes.extend_from_slice(&"日".as_bytes()[..2]);
    write(site.path(), "content/en/cut.md", &bytes);
    let d = only_error(site.path(), "invalid-utf8");
    assert_at(&d, "content/en/cut.md", 5, 3);
}

#[test]
fn invalid_utf8_through_the_binary_names_file_line_and_column() {
    let site = base_site();
    let mut bytes = b"---\ntitle: \"x".to_vec();
    bytes.push(0x80);
    bytes.extend_from_slice(b"\"\ndate: 2025-01-01\n---\n");
    write(site.path(), "content/en/bad.md", &bytes);
    let out = brief_bin()
        .args(["check", "--root"])
        .arg(site.path())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("[invalid-utf8]"), "{stderr}");
    assert!(stderr.contains("content/en/bad.md:2:10"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

/// Text diagnostics never echo control characters from a source line or a
/// file name: `ESC]0;…BEL` would retitle the terminal and `ESC[2J` clear it.
/// They are shown escaped (`\u{1b}`); the column is still the original's.
#[test]
fn text_diagnostics_escape_terminal_controls() {
    let site = base_site();
    let name = "content/en/x\u{1b}[2Jy\u{7}.md";
    write(
        site.path(),
        name,
        "---\ndate: 2025-01-01\ntitle: \"\u{1b}]0;pwned\u{7}\u{1b}[2J\"\n---\nBody.\n",
    );
    let out = brief_bin()
        .args(["check", "--root"])
        .arg(site.path())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        !out.stderr.iter().any(|b| matches!(b, 0x1b | 0x07)),
        "raw control bytes on stderr:\n{stderr:?}"
    );
    assert!(stderr.contains("x\\u{1b}[2Jy\\u{7}.md"), "{stderr}");
    assert!(stderr.contains("\\u{1b}]0;pwned\\u{7}"), "{stderr}");
    // The JSON output names the same position, JSON-escaped.
    let json = brief_bin()
        .args(["check", "--format", "json", "--root"])
        .arg(site.path())
        .output()
        .unwrap();
    let json =
        String::from_utf8(json.stdout.iter().chain(&json.stderr).copied().collect()).unwrap();
    assert!(!json.contains('\u{1b}'), "{json}");
    assert!(json.contains("x\\u001b[2Jy\\u0007.md"), "{json}");
}

#[test]
fn a_utf8_bom_is_accepted() {
    let site = base_site();
    write(
        site.path(),
        "content/en/bom.md",
        "\u{feff}---\ntitle: \"With a BOM\"\ndate: 2025-01-01\n---\nBody.\n",
    );
    build_ok(site.path());
    let html = std::fs::read_to_string(site.path().join("public/en/bom/index.html")).unwrap();
    assert!(html.contains("With a BOM"));
    assert!(!html.contains('\u{feff}'), "the BOM leaked into the page");

    // And positions in a file with a BOM are not shifted by it.
    write(
        site.path(),
        "content/en/bom.md",
        "\u{feff}---\ntitle: \"With a BOM\"\ndate: 2025-01-01\n---\nSee [7].\n",
    );
    let d = only_error(site.path(), "undefined-citation");
    assert_at(&d, "content/en/bom.md", 5, 6);
}

/// The same article with LF, CRLF and lone CR endings: all build, and an
/// error is reported at the same line and column in each.
#[test]
fn crlf_and_lone_cr_line_endings_are_accepted_with_right_positions() {
    let lines = [
        "---",
        "title: \"Line endings\"",
        "date: 2025-01-01",
        "citations:",
        "  - id: \"1\"",
        "    title: \"Source\"",
        "---",
        "First paragraph [1].",
        "",
        "Second paragraph, citing [1] and then [9].",
    ];
    for (name, eol) in [("lf", "\n"), ("crlf", "\r\n"), ("cr", "\r")] {
        let site = base_site();
        let mut text = lines.join(eol);
        text.push_str(eol);
        let file = format!("content/en/{name}.md");
        write(site.path(), &file, &text);
        let d = only_error(site.path(), "undefined-citation");
        assert_at(&d, &file, 10, 40);

        // Without the bad marker the article builds and keeps its paragraphs.
        write(site.path(), &file, text.replace(" and then [9]", ""));
        build_ok(site.path());
        let html =
            std::fs::read_to_string(site.path().join(format!("public/en/{name}/index.html")))
                .unwrap();
        assert!(html.contains("First paragraph"), "{name}");
        assert!(html.contains("Second paragraph"), "{name}");
        assert!(!html.contains('\r'), "{name}: a CR reached the output");

        // A front-matter error, too, lands on the right line.
        write(
            site.path(),
            &file,
            text.replace(" and then [9]", "")
                .replace("date: 2025-01-01", "date: 2025-01-01\r\ntitel: x")
                .replace("\r\n", eol),
        );
        let d = only_error(site.path(), "unknown-field");
        assert_at(&d, &file, 4, 1);
    }
}

// ---------------------------------------------------------------------------
// Hostile YAML
// ---------------------------------------------------------------------------

fn assert_fast(start: Instant, limit: Duration, what: &str) {
    let took = start.elapsed();
    assert!(took < limit, "{what} took {took:?}");
}

/// Writes `text` as `content/en/<file>` and checks that the build refuses it
/// as too complex, within 10 s; returns that error.
fn refused_as_too_complex(root: &Path, file: &str, text: &str, what: &str) -> Diagnostic {
    write(root, &format!("content/en/{file}"), text);
    let start = Instant::now();
    let d = only_error(root, "front-matter-too-complex");
    assert_fast(start, Duration::from_secs(10), what);
    d
}

#[test]
fn deeply_nested_front_matter_is_refused_quickly() {
    let site = base_site();
    let n = 100_000;
    let text = format!(
        "---\ntitle: \"Deep\"\ndate: 2025-01-01\ntopics: {}{}\n---\nBody.\n",
        "[".repeat(n),
        "]".repeat(n)
    );
    let d = refused_as_too_complex(site.path(), "deep.md", &text, "a 100,000-deep flow list");
    assert_eq!(d.file.as_deref(), Some(Path::new("content/en/deep.md")));
    assert_eq!(d.pos.map(|p| p.line), Some(4));
    assert!(d.message.contains("nested"), "{}", d.message);

    // Flow mappings and block nesting alike.
    let text = format!(
        "---\ntitle: \"Deep\"\ndate: 2025-01-01\nx: {}1{}\n---\nBody.\n",
        "{a: ".repeat(n),
        "}".repeat(n)
    );
    refused_as_too_complex(site.path(), "deep.md", &text, "a 100,000-deep flow mapping");

    let mut text = String::from("---\ntitle: \"Deep\"\ndate: 2025-01-01\n");
    for i in 0..1000 {
        text.push_str(&" ".repeat(i));
        text.push_str("k:\n");
    }
    text.push_str("---\nBody.\n");
    refused_as_too_complex(
        site.path(),
        "deep.md",
        &text,
        "1,000 levels of block nesting",
    );
}

#[test]
fn alias_expansion_is_refused_quickly() {
    let site = base_site();
    // Quadratic: one anchor of 3,000 items, aliased 3,000 times (9 million
    // values from 15 KB; serde_yaml's own repetition limit lets this through).
    let n = 3000;
    let text = format!(
        "---\ntitle: \"Aliases\"\ndate: 2025-01-01\nx: &a [{}]\ny: [{}]\n---\nBody.\n",
        vec!["v"; n].join(","),
        vec!["*a"; n].join(",")
    );
    let d = refused_as_too_complex(
        site.path(),
        "aliases.md",
        &text,
        "a quadratic alias expansion",
    );
    assert!(d.message.contains("aliases"), "{}", d.message);
    assert!(d.pos.is_some_and(|p| (4..=5).contains(&p.line)), "{d:?}");

    // One long string repeated by alias.
    let text = format!(
        "---\ntitle: \"Aliases\"\ndate: 2025-01-01\nx: &a \"{}\"\ny: [{}]\n---\nBody.\n",
        "x".repeat(100_000),
        vec!["*a"; 30_000].join(",")
    );
    refused_as_too_complex(
        site.path(),
        "aliases.md",
        &text,
        "a long string aliased 30,000 times",
    );
}

/// Anchors and aliases used modestly, as an editor might, still work.
#[test]
fn modest_aliases_are_accepted() {
    let site = base_site();
    write(
        site.path(),
        "content/en/anchors.md",
        "---\ntitle: \"Anchors\"\ndate: 2025-01-01\ncitations:\n  - id: \"1\"\n    title: \"One\"\n    publisher: &pub \"Xinhua\"\n  - id: \"2\"\n    title: \"Two\"\n    publisher: *pub\n---\nSee [1] and [2].\n",
    );
    build_ok(site.path());
    let html = std::fs::read_to_string(site.path().join("public/en/anchors/index.html")).unwrap();
    let doc = scraper::Html::parse_document(&html);
    assert_eq!(text_of(&doc, ".ref-publisher"), vec!["Xinhua", "Xinhua"]);
}

// ---------------------------------------------------------------------------
// Size
// ---------------------------------------------------------------------------

#[test]
fn a_twenty_megabyte_article_builds() {
    let site = base_site();
    let mut text = String::from("---\ntitle: \"Twenty megabytes\"\ndate: 2025-01-01\ncitations:\n");
    for i in 1..=50 {
        text.push_str(&format!(
            "  - id: \"{i}\"\n    title: \"Source {i}\"\n    url: \"https://example.com/{i}\"\n"
        ));
    }
    text.push_str("---\n");
    let mut i = 0;
    while text.len() < 20 * 1024 * 1024 {
        i += 1;
        if i % 50 == 0 {
            text.push_str(&format!("## Section {i}\n\n"));
        } else {
            text.push_str(&format!(
                "Paragraph {i} with *emphasis*, `code`, a [link](https://example.com/{i}) and a citation [{}]. 日本語の文も少し含む。 Lorem ipsum dolor sit amet.\n\n",
                i % 50 + 1
            ));
        }
    }
    write(site.path(), "content/en/huge.md", &text);
    let start = Instant::now();
    build_ok(site.path());
    assert_fast(start, Duration::from_secs(120), "a 20 MB article");
    let html = std::fs::read_to_string(site.path().join("public/en/huge/index.html")).unwrap();
    assert!(html.len() > 20 * 1024 * 1024);
    assert!(html.contains(&format!("Paragraph {}", i - 1)));
}

/// A huge fenced code block is not highlighted (syntect's HTML was 50 times
/// the code: 8 MB of Rust made a 400 MB page, 2 GB of memory and 25 s); it is
/// escaped plain text, with a warning at the block, and the page stays a
/// small multiple of the input. Small blocks are still highlighted.
#[test]
fn a_huge_code_block_is_shown_unhighlighted_with_a_warning() {
    let site = base_site();
    let mut text = String::from(
        "---\ntitle: \"Big code\"\ndate: 2025-01-01\n---\nIntro.\n\n```rust\nfn small() {}\n```\n\n```rust\n",
    );
    let code_start = text.len();
    let mut i = 0;
    while text.len() - code_start < 3 * 1024 * 1024 {
        i += 1;
        text.push_str(&format!(
            "fn f{i}(a: &str) -> bool {{ let v: Vec<u8> = a.bytes().collect(); v.len() < {i} }}\n"
        ));
    }
    text.push_str("```\n\nAfter the code.\n");
    let input_len = text.len();
    write(site.path(), "content/en/bigcode.md", &text);
    let start = Instant::now();
    let report = build_ok(site.path());
    assert_fast(start, Duration::from_secs(60), "a 3 MB code block");
    let warnings: Vec<&Diagnostic> = report
        .diagnostics
        .iter()
        .filter(|d| d.code == "code-not-highlighted")
        .collect();
    assert_eq!(warnings.len(), 1, "{}", show(&report.diagnostics));
    assert_eq!(warnings[0].severity, Severity::Warning);
    assert_at(warnings[0], "content/en/bigcode.md", 11, 1);
    assert!(warnings[0].message.contains("256 KiB"), "{:?}", warnings[0]);

    let html = std::fs::read_to_string(site.path().join("public/en/bigcode/index.html")).unwrap();
    assert!(
        html.len() < 3 * input_len,
        "the page is {} bytes for {input_len} bytes of input",
        html.len()
    );
    assert!(html.contains(&format!(
        "fn f{i}(a: &amp;str) -&gt; bool {{ let v: Vec&lt;u8&gt; = a.bytes().collect(); v.len() &lt; {i} }}"
    )));
    assert!(html.contains("After the code."));
    // The small block before it is highlighted as before.
    assert!(
        html.contains("<span class=\"hl-"),
        "small blocks keep their highlighting"
    );
}

#[test]
fn ten_thousand_citations_build_quickly() {
    let site = base_site();
    let n = 10_000;
    let mut text = String::from("---\ntitle: \"Many sources\"\ndate: 2025-01-01\ncitations:\n");
    for i in 1..=n {
        text.push_str(&format!(
            "  - id: \"{i}\"\n    title: \"Source {i}\"\n    publisher: \"Publisher {}\"\n    url: \"https://example.com/source/{i}\"\n",
            i % 37
        ));
    }
    text.push_str("---\n");
    for i in 1..=n {
        text.push_str(&format!("Claim {i} [{i}].\n\n"));
    }
    write(site.path(), "content/en/many.md", &text);
    let start = Instant::now();
    build_ok(site.path());
    assert_fast(start, Duration::from_secs(60), "10,000 citations");
    let html = std::fs::read_to_string(site.path().join("public/en/many/index.html")).unwrap();
    let doc = scraper::Html::parse_document(&html);
    let refs = scraper::Selector::parse("[id^=\"ref-\"]").unwrap();
    let markers = scraper::Selector::parse("a[href^=\"#ref-\"]").unwrap();
    assert_eq!(doc.select(&refs).count(), n);
    assert_eq!(doc.select(&markers).count(), n);
}

// ---------------------------------------------------------------------------
// File names and slugs
// ---------------------------------------------------------------------------

/// File names that no repository should carry (they break checkouts on some
/// systems), so they are made here: two articles that differ only in case.
/// `a.MD` and `b.markdown` are not articles (only `.md` is), but skipping
/// them without a word lost articles: a warning names each and its new name.
#[test]
fn markdown_files_with_another_extension_are_warned_about() {
    let site = base_site();
    let article = "---\ntitle: \"T\"\ndate: 2025-01-01\n---\nBody.\n";
    write(site.path(), "content/en/a.MD", article);
    write(site.path(), "content/en/sub/b.markdown", article);
    write(site.path(), "content/en/notes.txt", "not markdown");
    let report = build_ok(site.path());
    let warnings: Vec<(String, String)> = report
        .diagnostics
        .iter()
        .filter(|d| d.code == "not-an-article-extension")
        .map(|d| {
            assert_eq!(d.severity, Severity::Warning);
            (
                d.file
                    .as_ref()
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/"),
                d.help.clone().unwrap_or_default(),
            )
        })
        .collect();
    assert_eq!(
        warnings,
        vec![
            (
                "content/en/a.MD".to_string(),
                "rename it to a.md to publish it".to_string()
            ),
            (
                "content/en/sub/b.markdown".to_string(),
                "rename it to b.md to publish it".to_string()
            ),
        ],
        "{}",
        show(&report.diagnostics)
    );
    assert!(!site.path().join("public/en/a/index.html").exists());
}

#[test]
fn file_names_differing_only_in_case_collide() {
    let site = base_site();
    let art = |t: &str| format!("---\ntitle: \"{t}\"\ndate: 2025-01-01\n---\nBody.\n");
    write(site.path(), "content/en/Foo.md", art("Upper"));
    write(site.path(), "content/en/foo.md", art("Lower"));
    let d = only_error(site.path(), "duplicate-slug");
    assert_at(&d, "content/en/foo.md", 1, 1);
    assert!(d.message.contains("content/en/Foo.md"), "{}", d.message);
}

/// Documented acceptance: file names with spaces, `#`, `?`, `%` and non-Latin
/// letters build; the slug comes from `text::slugify`, and links to them
/// (percent-encoded, as Markdown needs) resolve to the built pages.
#[test]
fn odd_file_names_build_and_links_to_them_resolve() {
    let site = base_site();
    let art = |t: &str, body: &str| format!("---\ntitle: \"{t}\"\ndate: 2025-01-01\n---\n{body}\n");
    let names = [
        ("my file #1?.md", "my-file-1", "my%20file%20%231%3F.md"),
        ("100% sure.md", "100-sure", "100%25%20sure.md"),
        (
            "Ünïcödé façade.md",
            "ünïcödé-façade",
            "%C3%9Cn%C3%AFc%C3%B6d%C3%A9%20fa%C3%A7ade.md",
        ),
        ("上海 AI 会議.md", "上海-ai-会議", "<上海 AI 会議.md>"),
    ];
    let mut links = String::new();
    for (i, (file, _, href)) in names.iter().enumerate() {
        write(
            site.path(),
            &format!("content/en/{file}"),
            art(&format!("Odd {i}"), "Body."),
        );
        links.push_str(&format!("- [odd {i}]({href})\n"));
    }
    write(
        site.path(),
        "content/en/index-of-odd.md",
        art("Links", &links),
    );
    build_ok(site.path());
    let public = site.path().join("public");
    for (_, slug, _) in &names {
        let slug = slug
            .chars()
            .flat_map(char::to_lowercase)
            .collect::<String>();
        assert!(
            public.join(format!("en/{slug}/index.html")).is_file(),
            "no page for slug {slug}"
        );
    }
    let html = std::fs::read_to_string(public.join("en/index-of-odd/index.html")).unwrap();
    let doc = scraper::Html::parse_document(&html);
    let sel = scraper::Selector::parse("main a, article a").unwrap();
    let hrefs: Vec<String> = doc
        .select(&sel)
        .filter(|a| a.text().collect::<String>().starts_with("odd "))
        .map(|a| a.value().attr("href").unwrap().to_string())
        .collect();
    assert_eq!(hrefs.len(), names.len(), "{html}");
    for href in hrefs {
        let path = href
            .strip_prefix("/briefings/")
            .unwrap_or_else(|| panic!("{href} is not under the base path"));
        let decoded = percent_decode(path);
        assert!(
            public.join(&decoded).join("index.html").is_file(),
            "link {href} does not resolve"
        );
    }
}

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            if let Ok(v) = u8::from_str_radix(&s[i + 1..i + 3], 16) {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8(out).unwrap()
}

#[test]
fn a_file_name_without_letters_gives_bad_slug() {
    let site = base_site();
    write(
        site.path(),
        "content/en/(!).md",
        "---\ntitle: \"No letters\"\ndate: 2025-01-01\n---\nBody.\n",
    );
    let d = only_error(site.path(), "bad-slug");
    assert_at(&d, "content/en/(!).md", 1, 1);
}

// ---------------------------------------------------------------------------
// Symbolic links
// ---------------------------------------------------------------------------

#[cfg(unix)]
#[test]
fn symlink_loops_are_reported_without_hanging() {
    use std::os::unix::fs::symlink;
    let site = base_site();
    let en = site.path().join("content/en");
    std::fs::create_dir_all(en.join("sub")).unwrap();
    symlink("..", en.join("sub/up")).unwrap();
    symlink("self", en.join("self")).unwrap();
    let start = Instant::now();
    let diags = check_fails(site.path());
    assert_fast(start, Duration::from_secs(10), "symbolic link loops");
    let errs = errors(&diags);
    let codes: BTreeSet<(&str, String)> = errs
        .iter()
        .map(|d| {
            (
                d.code,
                d.file
                    .as_ref()
                    .map(|f| f.display().to_string())
                    .unwrap_or_default(),
            )
        })
        .collect();
    assert_eq!(
        codes,
        BTreeSet::from([
            ("content-unreadable", "content/en/self".to_string()),
            ("content-unreadable", "content/en/sub/up".to_string()),
        ]),
        "{}",
        show(&diags)
    );
    assert!(errs.iter().all(|d| d.help.is_some()));
    assert!(errs
        .iter()
        .any(|d| d.message.contains("symbolic link loop")));
}

#[cfg(unix)]
#[test]
fn symlinks_out_of_the_root_are_refused() {
    use std::os::unix::fs::symlink;
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(
        outside.path().join("secret.md"),
        "---\ntitle: \"Outside\"\ndate: 2025-01-01\n---\nNot part of the site.\n",
    )
    .unwrap();
    let site = base_site();
    let en = site.path().join("content/en");
    symlink(outside.path().join("secret.md"), en.join("linked.md")).unwrap();
    symlink(outside.path(), en.join("linked-dir")).unwrap();
    let diags = check_fails(site.path());
    let got: BTreeSet<Key> = errors(&diags).iter().map(|d| key_of(d)).collect();
    assert_eq!(
        got,
        BTreeSet::from([
            (
                "symlink-outside-root".to_string(),
                "content/en/linked-dir/secret.md".to_string(),
                None,
                None
            ),
            (
                "symlink-outside-root".to_string(),
                "content/en/linked.md".to_string(),
                None,
                None
            ),
        ]),
        "{}",
        show(&diags)
    );
    // A link inside the root is fine.
    std::fs::remove_file(en.join("linked.md")).unwrap();
    std::fs::remove_file(en.join("linked-dir")).unwrap();
    symlink(site.path().join("content/en/base.md"), en.join("alias.md")).unwrap();
    build_ok(site.path());
    assert!(site.path().join("public/en/alias/index.html").is_file());
}

#[cfg(unix)]
#[test]
fn a_dangling_symlink_is_reported() {
    use std::os::unix::fs::symlink;
    let site = base_site();
    symlink(
        "/nonexistent/brief/file.md",
        site.path().join("content/en/gone.md"),
    )
    .unwrap();
    let diags = check_fails(site.path());
    let errs = errors(&diags);
    assert_eq!(errs.len(), 1, "{}", show(&diags));
    assert_eq!(
        errs[0].file.as_deref(),
        Some(Path::new("content/en/gone.md")),
        "{}",
        show(&diags)
    );
}

// ---------------------------------------------------------------------------
// Fluent
// ---------------------------------------------------------------------------

/// The messages around a broken one in the same file still load.
#[test]
fn a_fluent_syntax_error_keeps_the_files_other_messages() {
    let site = base_site();
    copy_tree(
        &fixtures().join("fluent-syntax/locales"),
        &site.path().join("locales"),
    );
    let config =
        brief::input::config::load(site.path(), brief::parse::frontmatter::field_names()).unwrap();
    let (locales, diags) = brief::input::locale::Locales::load(site.path(), &config);
    let errs = errors(&diags);
    assert_eq!(errs.len(), 1, "{}", show(&diags));
    assert_at(errs[0], "locales/en/zz-broken.ftl", 3, 28);
    assert_eq!(
        locales.get("en", "robust-before", None).as_deref(),
        Some("Before the break")
    );
    assert_eq!(
        locales.get("en", "robust-after", None).as_deref(),
        Some("After the break")
    );
    assert_eq!(locales.get("en", "robust-broken", None), None);
    // The other files of the language are untouched.
    assert!(locales.has("en", "citation-label"));
}

// ---------------------------------------------------------------------------
// Escaping
// ---------------------------------------------------------------------------

/// A title and summary built to break out of every context the site writes.
const HOSTILE: &str = "Evil </script><script>alert(1)</script> <!-- \"dq\" 'sq' & <b>bold</b> ]]> \u{1}\u{7}\u{1b}\u{7f}\u{85}\u{ffff}end";
const HOSTILE_YAML: &str = "Evil </script><script>alert(1)</script> <!-- \\\"dq\\\" 'sq' & <b>bold</b> ]]> \\x01\\a\\e\\x7f\\N\\uffffend";

fn clean(s: &str) -> String {
    s.chars()
        .filter(|c| !common::forbidden_in_output(*c))
        .collect()
}

fn hostile_site() -> tempfile::TempDir {
    let site = base_site();
    write(
        site.path(),
        "content/en/hostile.md",
        format!(
            "---\ntitle: \"{HOSTILE_YAML}\"\ndate: 2025-01-01\nsummary: \"Summary: {HOSTILE_YAML}\"\nkey_points:\n  - \"Point: {HOSTILE_YAML}\"\ncitations:\n  - id: \"1\"\n    title: \"Cited: {HOSTILE_YAML}\"\n    publisher: \"Pub: {HOSTILE_YAML}\"\n    url: \"https://example.com/a?b=1&c=2\"\n---\nThe body cites [1].\n"
        ),
    );
    // Another article cites the same source, so the sources page lists it too,
    // and links to the hostile one so that its title shows in a link list.
    write(
        site.path(),
        "content/en/other.md",
        "---\ntitle: \"Other\"\ndate: 2025-01-02\ncitations:\n  - id: \"1\"\n    title: \"x\"\n    url: \"https://example.com/a?b=1&c=2\"\n---\nSee [the hostile one](hostile.md) [1].\n",
    );
    site
}

fn text_of(doc: &scraper::Html, css: &str) -> Vec<String> {
    let sel = scraper::Selector::parse(css).unwrap();
    doc.select(&sel)
        .map(|e| e.text().collect::<String>())
        .collect()
}

/// The raw sequences that would change the structure of an HTML or XML file.
fn assert_no_raw_breakout(file: &str, raw: &str) {
    for bad in [
        "<script>alert",
        "</script><script",
        "<!-- \"dq\"",
        "<b>bold",
        "]]> ",
    ] {
        assert!(!raw.contains(bad), "{file} contains raw {bad:?}");
    }
    for c in raw.chars() {
        assert!(
            !common::forbidden_in_output(c),
            "{file} contains control character {c:?}"
        );
    }
}

/// Control characters written into a body, raw or as numeric character
/// references, reach no output file: not the page, not the search files.
#[test]
fn control_characters_in_bodies_reach_no_output() {
    let site = base_site();
    write(
        site.path(),
        "content/en/controls.md",
        "---\ntitle: \"Controls\"\ndate: 2025-01-01\n---\n## Head\u{1}ing &#7;\n\nText\u{7} with\u{7f} bell &#1; and &#x85; and &#xFFFF; and &#127;.[^n]\n\n```\ncode\u{1b}[0m\n```\n\n[^n]: Note\u{1} &#2;.\n",
    );
    // Only references: the text itself is clean.
    write(
        site.path(),
        "content/en/references.md",
        "---\ntitle: \"References\"\ndate: 2025-01-02\n---\nBell &#7; and &#x1b; and &#127;.\n",
    );
    build_ok(site.path());
    let public = site.path().join("public");
    let mut checked = 0;
    for entry in walkdir::WalkDir::new(&public) {
        let entry = entry.unwrap();
        // Text files only (the theme's social card is a PNG).
        if !entry.file_type().is_file() || entry.path().extension().is_some_and(|e| e == "png") {
            continue;
        }
        let rel = entry
            .path()
            .strip_prefix(&public)
            .unwrap()
            .display()
            .to_string();
        // A search pack holds compressed JSON records: check each, inflated.
        let texts = if rel.ends_with(".bin") {
            search_records(entry.path().parent().unwrap())
        } else {
            vec![std::fs::read_to_string(entry.path()).unwrap()]
        };
        for raw in texts {
            for c in raw.chars() {
                assert!(!common::forbidden_in_output(c), "{rel}: {c:?}");
            }
            if !rel.ends_with(".json") && !rel.ends_with(".bin") {
                continue;
            }
            let v: serde_json::Value = serde_json::from_str(&raw).unwrap();
            let s = v.to_string();
            for esc in ["\\u0001", "\\u0002", "\\u0007", "\\u001b", "\\u007f"] {
                assert!(!s.contains(esc), "{rel} holds {esc}");
            }
        }
        checked += 1;
    }
    assert!(checked > 10);
    let page = std::fs::read_to_string(public.join("en/controls/index.html")).unwrap();
    assert!(page.contains("bell"), "the text around them stays");
}

#[test]
fn hostile_titles_are_escaped_in_every_output() {
    let site = hostile_site();
    build_ok(site.path());
    let public = site.path().join("public");
    // Citation fields as written; the title, summary and key points typeset
    // like a body (curly quotes, `--` an en dash), still escaped everywhere.
    let written = clean(HOSTILE);
    let title = written.replace("<!-- \"dq\" 'sq'", "<!– “dq” ‘sq’");
    assert_ne!(title, written);
    let summary = format!("Summary: {title}");

    // Every HTML and XML file: no raw break-out, and it parses.
    for entry in walkdir::WalkDir::new(&public) {
        let entry = entry.unwrap();
        let path = entry.path();
        let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
        if !matches!(ext, "html" | "xml" | "json" | "bib") {
            continue;
        }
        let raw = std::fs::read_to_string(path).unwrap();
        let rel = path.strip_prefix(&public).unwrap().display().to_string();
        match ext {
            "html" | "xml" => assert_no_raw_breakout(&rel, &raw),
            "json" => {
                let v: serde_json::Value =
                    serde_json::from_str(&raw).unwrap_or_else(|e| panic!("{rel} is not JSON: {e}"));
                // JSON strings carry the clean text, without control characters.
                let s = v.to_string();
                assert!(!s.contains("\\u0001") && !s.contains("\\u0007"), "{rel}");
            }
            _ => {
                for c in raw.chars() {
                    assert!(!common::forbidden_in_output(c), "{rel}: {c:?}");
                }
            }
        }
        if ext == "xml" {
            parse_xml(&rel, &raw);
        }
    }

    // The article page: title, heading, meta and JSON-LD carry the clean title.
    let html = std::fs::read_to_string(public.join("en/hostile/index.html")).unwrap();
    let doc = scraper::Html::parse_document(&html);
    let page_title = text_of(&doc, "title").join("");
    assert!(page_title.starts_with(&title), "{page_title:?}");
    assert_eq!(text_of(&doc, "h1"), vec![title.clone()]);
    let og = scraper::Selector::parse("meta[property=\"og:title\"]").unwrap();
    for m in doc.select(&og) {
        assert_eq!(m.value().attr("content"), Some(title.as_str()));
    }
    // Only the theme's scripts: the JSON-LD block and external files.
    let scripts = scraper::Selector::parse("script").unwrap();
    let mut ld_blocks = 0;
    for s in doc.select(&scripts) {
        let body: String = s.text().collect();
        match s.value().attr("type") {
            Some("application/ld+json") => {
                ld_blocks += 1;
                let v: serde_json::Value = serde_json::from_str(&body).expect("JSON-LD parses");
                assert_eq!(v["headline"].as_str(), Some(title.as_str()), "{v}");
            }
            _ => assert!(!body.contains("alert"), "an injected script: {body}"),
        }
    }
    assert_eq!(ld_blocks, 1);
    // No comment was opened by the title.
    let comments = doc.tree.nodes().filter(|n| n.value().is_comment()).count();
    assert_eq!(comments, 0, "the title opened an HTML comment");
    let body_text = doc.root_element().text().collect::<String>();
    assert!(body_text.contains(&format!("Cited: {written}")));
    assert!(body_text.contains(&format!("Pub: {written}")));
    assert!(body_text.contains(&format!("Point: {title}")));

    // Lists that show the title: the language index and the linking article.
    for page in [
        "en/index.html",
        "en/other/index.html",
        "en/sources/index.html",
    ] {
        let html = std::fs::read_to_string(public.join(page)).unwrap();
        let doc = scraper::Html::parse_document(&html);
        let text = doc.root_element().text().collect::<String>();
        assert!(
            text.contains(&title) || text.contains(&format!("Cited: {written}")),
            "{page} does not show the title"
        );
    }

    // Atom: the entry's title and summary round-trip.
    let feed = std::fs::read_to_string(public.join("en/atom.xml")).unwrap();
    let texts = xml_texts(&feed);
    assert!(
        texts.contains(&("title".to_string(), title.clone())),
        "{texts:?}"
    );
    assert!(
        texts.contains(&("summary".to_string(), summary.clone())),
        "{texts:?}"
    );

    // Search records (compressed one by one in the language's pack, their
    // lengths in meta.json): the title round-trips through JSON.
    let docs = search_records(&public.join("en/search")).concat();
    assert!(
        docs.contains(&serde_json::to_string(&title).unwrap()[1..]),
        "{docs}"
    );
}

/// Every document record of a language's search folder, inflated (raw
/// deflate) with flate2 at the lengths meta.json lists.
fn search_records(search: &Path) -> Vec<String> {
    let meta: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(search.join("meta.json")).unwrap()).unwrap();
    let mut out = Vec::new();
    let mut lens = meta["lens"].as_array().unwrap().iter();
    for (pack, count) in meta["packs"].as_array().unwrap().iter().enumerate() {
        let bytes = std::fs::read(search.join(format!("docs-{pack}.bin"))).unwrap();
        let mut at = 0;
        for _ in 0..count.as_u64().unwrap() {
            let len = lens.next().unwrap().as_u64().unwrap() as usize;
            let mut text = String::new();
            std::io::Read::read_to_string(
                &mut flate2::read::DeflateDecoder::new(&bytes[at..at + len]),
                &mut text,
            )
            .unwrap();
            out.push(text);
            at += len;
        }
        assert_eq!(at, bytes.len(), "the lengths cover the pack");
    }
    out
}

fn parse_xml(name: &str, raw: &str) {
    let mut reader = quick_xml::Reader::from_str(raw);
    loop {
        match reader.read_event() {
            Ok(quick_xml::events::Event::Eof) => break,
            Ok(_) => {}
            Err(e) => panic!("{name} is not well-formed XML: {e}"),
        }
    }
}

/// (element name, text) of every element of an XML document, in document
/// order of their ends; the text is the element's own, entities decoded.
fn xml_texts(raw: &str) -> Vec<(String, String)> {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_str(raw);
    let mut stack: Vec<(String, String)> = Vec::new();
    let mut out = Vec::new();
    loop {
        match reader.read_event().expect("well-formed") {
            Event::Start(e) => stack.push((
                String::from_utf8_lossy(e.name().as_ref()).into_owned(),
                String::new(),
            )),
            Event::End(_) => out.extend(stack.pop()),
            Event::Text(t) => {
                if let Some(top) = stack.last_mut() {
                    top.1.push_str(&t.decode().expect("utf-8"));
                }
            }
            Event::GeneralRef(r) => {
                let name: &[u8] = &r;
                let ch = match name {
                    b"amp" => "&",
                    b"lt" => "<",
                    b"gt" => ">",
                    b"quot" => "\"",
                    b"apos" => "'",
                    other => panic!("unexpected entity {}", String::from_utf8_lossy(other)),
                };
                if let Some(top) = stack.last_mut() {
                    top.1.push_str(ch);
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    out
}

// ---------------------------------------------------------------------------
// Never a panic
// ---------------------------------------------------------------------------

/// Front-matter shapes that once tripped up parsers: each must give an error
/// with a position in the file, never a panic.
#[test]
fn odd_front_matter_gives_positioned_errors() {
    let cases: &[(&str, &str)] = &[
        ("---\n---\nBody.\n", "front-matter-empty"),
        ("---\n", "unclosed-front-matter"),
        ("---", "unclosed-front-matter"),
        ("   \n\n\t\n", "empty-file"),
        ("No front-matter at all.\n", "missing-front-matter"),
        (
            "---\ntitle: [unclosed\ndate: 2025-01-01\n---\n",
            "front-matter-syntax",
        ),
        ("---\n? [a, b]\n: c\n---\n", "unknown-field"),
        (
            "---\ntitle: \"T\"\ndate: 2025-13-45\n---\n",
            "front-matter-invalid",
        ),
        (
            "---\ntitle: \"T\"\ndate: 2025-01-01\ncitations: 5\n---\n",
            "front-matter-invalid",
        ),
        (
            "---\ntitle: \"T\"\ndate: 2025-01-01\ncitations:\n  - 5\n---\n",
            "front-matter-invalid",
        ),
        (
            "---\ntitle: \"T\"\ndate: 2025-01-01\ncitations:\n  - id: -3\n    title: x\n---\n",
            "front-matter-invalid",
        ),
        ("---\ntitle: \"\"\ndate: 2025-01-01\n---\n", "empty-title"),
        (
            "---\ntitle: \"T\"\ndate: 2025-01-01\n--- \n[99999999999999999999]\n",
            "undefined-citation",
        ),
        (
            "---\ntitle: \"T\"\ndate: 2025-01-01\n---\n[x](../../../../etc/passwd.md)\n",
            "broken-link",
        ),
        (
            "---\ntitle: \"T\"\ndate: 2025-01-01\n---\n[x](javascript:alert(1))\n",
            "unsafe-link",
        ),
        (
            "---\ntitle: \"T\"\ndate: 2025-01-01\n---\n![x](data:image/png;base64,AAAA)\n",
            "unsafe-link",
        ),
        (
            "---\ntitle: \"T\"\ndate: 2025-01-01\n---\n[x](#nowhere)\n",
            "broken-anchor",
        ),
        ("---\ntitle: !!binary aGVsbG8=\ndate: 2025-01-01\n---\n", ""),
        ("---\ntitle: \"T\"\ndate: 2025-01-01\n---\n---\n", ""),
        (
            "---\ntitle: \"T\"\ndate: 2025-01-01\nslug: \"\u{202e}evil\"\n---\n",
            "bad-slug",
        ),
    ];
    for (i, (text, code)) in cases.iter().enumerate() {
        let site = base_site();
        let file = format!("content/en/case-{i}.md");
        write(site.path(), &file, text);
        let result = std::panic::catch_unwind(|| brief::check(&opts(site.path())));
        let result = result.unwrap_or_else(|_| panic!("case {i} panicked: {text:?}"));
        if code.is_empty() {
            assert!(result.is_ok(), "case {i} {text:?} should be accepted");
            continue;
        }
        let diags = match result {
            Ok(d) => panic!("case {i} {text:?} passed:\n{}", show(&d)),
            Err(f) => f.diagnostics,
        };
        let errs = errors(&diags);
        assert!(
            errs.iter()
                .all(|d| d.file.as_deref() == Some(Path::new(&file))),
            "case {i} {text:?}:\n{}",
            show(&diags)
        );
        let d = errs
            .iter()
            .find(|d| d.code == *code)
            .unwrap_or_else(|| panic!("case {i} {text:?}: no `{code}`:\n{}", show(&diags)));
        let pos = d
            .pos
            .unwrap_or_else(|| panic!("case {i}: `{code}` has no position"));
        let lines = text.split('\n').count().max(1);
        assert!(
            pos.line >= 1 && pos.line <= lines && pos.column >= 1,
            "case {i} {text:?}: position {pos:?} is outside the file"
        );
        assert_eq!(d.severity, Severity::Error);
    }
}

/// Japanese text saved in another encoding is named, with the command that
/// converts it. ISO-2022-JP is 7-bit and used to pass as UTF-8: its body
/// built into mojibake, its front-matter got "control characters".
#[test]
fn japanese_in_another_encoding_is_named_with_the_conversion_command() {
    use encoding_rs::{EUC_JP, ISO_2022_JP, SHIFT_JIS};
    let front = "---\ntitle: \"Encoded\"\ndate: 2025-01-01\n---\n";
    let body = "日本語の本文です。\n";
    let whole = "---\ntitle: \"日本語の題\"\ndate: 2025-01-01\n---\n本文です。\n";
    let enc = |e: &'static encoding_rs::Encoding, s: &str| e.encode(s).0.into_owned();
    let mut utf16 = vec![0xFF, 0xFE];
    for u in whole.encode_utf16() {
        utf16.extend(u.to_le_bytes());
    }
    // What, the bytes, the name `iconv -f` takes, the line and column.
    type Case = (&'static str, Vec<u8>, &'static str, Option<(usize, usize)>);
    let cases: Vec<Case> = vec![
        (
            "body only in ISO-2022-JP",
            [front.as_bytes(), &enc(ISO_2022_JP, body)].concat(),
            "ISO-2022-JP",
            Some((5, 1)),
        ),
        (
            "front-matter in ISO-2022-JP",
            enc(ISO_2022_JP, whole),
            "ISO-2022-JP",
            Some((2, 9)),
        ),
        ("Shift_JIS", enc(SHIFT_JIS, whole), "CP932", Some((2, 9))),
        ("EUC-JP", enc(EUC_JP, whole), "EUC-JP", Some((2, 9))),
        ("UTF-16 with a BOM", utf16, "UTF-16", None),
    ];
    for (about, bytes, iconv, pos) in cases {
        let site = base_site();
        write(site.path(), "content/ja/enc.md", &bytes);
        let d = only_error(site.path(), "wrong-encoding");
        assert_eq!(
            d.file.as_deref(),
            Some(Path::new("content/ja/enc.md")),
            "{about}"
        );
        assert_eq!(d.pos.map(|p| (p.line, p.column)), pos, "{about}: {d:?}");
        let help = d.help.unwrap_or_default();
        assert!(
            help.contains(&format!(
                "iconv -f {iconv} -t UTF-8 content/ja/enc.md > content/ja/enc.md.utf8"
            )),
            "{about}: {help}"
        );
    }

    // The executable no longer builds the mojibake and exits 0.
    let site = base_site();
    write(
        site.path(),
        "content/ja/enc.md",
        [front.as_bytes(), &enc(ISO_2022_JP, body)].concat(),
    );
    let out = brief_bin()
        .args(["build", "--root"])
        .arg(site.path())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("[wrong-encoding]"), "{stderr}");
    assert!(stderr.contains("ISO-2022-JP"), "{stderr}");
    assert!(!site.path().join("public/ja/enc/index.html").exists());
}

/// book.toml and locale files in another encoding get the same error.
#[test]
fn config_and_locales_in_another_encoding_are_named() {
    let mut toml16 = Vec::new();
    let config = std::fs::read_to_string(repo().join("book.toml")).unwrap();
    for u in config.encode_utf16() {
        toml16.extend(u.to_le_bytes());
    }
    let ftl = encoding_rs::ISO_2022_JP
        .encode("hello = こんにちは\n")
        .0
        .into_owned();
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("book.toml", toml16, "UTF-16LE"),
        ("locales/ja/zz.ftl", ftl, "ISO-2022-JP"),
    ];
    for (file, bytes, iconv) in cases {
        let site = base_site();
        write(site.path(), file, &bytes);
        let diags = match brief::check(&opts(site.path())) {
            Ok(d) => panic!("{file}: check passed:\n{}", show(&d)),
            Err(f) => f.diagnostics,
        };
        let errs = errors(&diags);
        assert_eq!(errs.len(), 1, "{file}:\n{}", show(&diags));
        assert_eq!(errs[0].code, "wrong-encoding", "{file}:\n{}", show(&diags));
        assert_eq!(errs[0].file.as_deref(), Some(Path::new(file)));
        let help = errs[0].help.as_deref().unwrap_or_default();
        assert!(
            help.contains(&format!("iconv -f {iconv} -t UTF-8 {file}")),
            "{help}"
        );
    }
}

/// Invalid UTF-8 anywhere the site is read: book.toml, a locale file, a
/// template. Each gets the same error as an article, at the bad byte.
#[test]
fn invalid_utf8_outside_articles_is_reported_at_the_bad_byte() {
    let cases: &[(&str, &[u8], usize, usize)] = &[
        ("book.toml", b"[site]\ntitle = \"Caf\xe9\"\n", 2, 13),
        ("locales/en/zz.ftl", b"ok = fine\nbad = caf\xe9\n", 2, 10),
        (
            "themes/default/templates/404.html",
            b"{% extends \"base.html\" %}\n{% block content %}\xff{% endblock content %}\n",
            2,
            20,
        ),
    ];
    for (file, bytes, line, column) in cases {
        let site = base_site();
        write(site.path(), file, bytes);
        let diags = match brief::check(&opts(site.path())) {
            Ok(d) => panic!("{file}: check passed:\n{}", show(&d)),
            Err(f) => f.diagnostics,
        };
        let errs = errors(&diags);
        assert_eq!(errs.len(), 1, "{file}:\n{}", show(&diags));
        assert_eq!(errs[0].code, "invalid-utf8", "{file}:\n{}", show(&diags));
        assert_at(errs[0], file, *line, *column);
    }
}

/// A template saved with a BOM: the page still starts with its doctype.
#[test]
fn a_bom_in_a_template_does_not_reach_the_page() {
    let site = base_site();
    let base = site.path().join("themes/default/templates/base.html");
    let mut bytes = "\u{feff}".as_bytes().to_vec();
    bytes.extend(std::fs::read(&base).unwrap());
    std::fs::write(&base, bytes).unwrap();
    build_ok(site.path());
    let html = std::fs::read_to_string(site.path().join("public/en/base/index.html")).unwrap();
    assert!(
        html.to_ascii_lowercase().starts_with("<!doctype html>"),
        "{}",
        &html[..40.min(html.len())]
    );
}

// ---------------------------------------------------------------------------
// Many of one thing
// ---------------------------------------------------------------------------

/// Thousands of the same mistake (or of the same heading) cost time in
/// proportion: each of these took from 5 s to a minute before.
#[test]
fn thousands_of_repeats_stay_linear() {
    let n = 15_000;
    let fm = "---\ntitle: T\ndate: 2025-01-01\n";
    let many_ids: String = (0..n)
        .map(|i| format!("  - id: \"k{i}\"\n    title: x\n"))
        .collect();
    let cases: Vec<(&str, String, &str)> = vec![
        (
            "unknown keys",
            format!(
                "{fm}{}---\nx\n",
                (0..n).map(|i| format!("key{i}: 1\n")).collect::<String>()
            ),
            "unknown-field",
        ),
        (
            "unknown citation fields",
            format!(
                "{fm}citations:\n{}---\nx\n",
                (0..n)
                    .map(|i| format!("  - id: \"{i}\"\n    title: x\n    bogus: 1\n"))
                    .collect::<String>()
            ),
            "unknown-field",
        ),
        (
            "undefined citations among many ids",
            format!(
                "{fm}citations:\n{many_ids}---\n{}\n",
                "[@nope]\n\n".repeat(n)
            ),
            "undefined-citation",
        ),
        (
            "equal headings",
            format!("{fm}---\n{}", "## Same\n\n".repeat(n)),
            "",
        ),
        (
            "footnotes",
            format!(
                "{fm}---\n{}",
                (0..n)
                    .map(|i| format!("x[^{i}]\n\n[^{i}]: note {i}\n\n"))
                    .collect::<String>()
            ),
            "",
        ),
    ];
    for (name, text, code) in cases {
        let start = Instant::now();
        let (html, diags) = brief::parse::article::render_standalone(&text);
        assert_fast(start, Duration::from_secs(5), name);
        if code.is_empty() {
            assert!(html.is_some(), "{name}");
            assert!(diags.iter().all(|d| !d.is_error()), "{name}");
        } else {
            assert!(
                diags.iter().filter(|d| d.code == code).count() >= n,
                "{name}"
            );
            let help_bytes: usize = diags
                .iter()
                .filter_map(|d| d.help.as_ref())
                .map(String::len)
                .sum();
            assert!(help_bytes < 400 * n, "{name}: {help_bytes} bytes of help");
        }
    }
}

/// And the binary prints 15,000 diagnostics with snippets in proportion too.
#[test]
fn thousands_of_diagnostics_print_quickly() {
    let site = base_site();
    let keys: String = (0..15_000).map(|i| format!("key{i}: 1\n")).collect();
    write(
        site.path(),
        "content/en/keys.md",
        format!("---\ntitle: T\ndate: 2025-01-01\n{keys}---\nx\n"),
    );
    let start = Instant::now();
    let out = brief_bin()
        .args(["check", "--root"])
        .arg(site.path())
        .output()
        .unwrap();
    assert_fast(
        start,
        Duration::from_secs(10),
        "printing 15,000 diagnostics",
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr.contains("content/en/keys.md:15003:1"),
        "{}",
        &stderr[stderr.len().saturating_sub(2000)..]
    );
}

/// A body that is nothing but markers: every one becomes a link. (pulldown-
/// cmark budgets the URL bytes it expands; markers once spent that budget and
/// the rest silently stayed text.)
#[test]
fn dense_citation_markers_all_link() {
    let n = 20_000;
    let text = format!(
        "---\ntitle: T\ndate: 2025-01-01\ncitations:\n  - id: \"1\"\n    title: x\n  - id: \"a-long-citation-key\"\n    title: y\n---\n{}{}\n",
        "[1]".repeat(n),
        "[@a-long-citation-key]".repeat(n)
    );
    let (html, diags) = brief::parse::article::render_standalone(&text);
    let html = html.expect("parses");
    assert!(diags.iter().all(|d| !d.is_error()));
    assert_eq!(html.matches("href=\"#ref-1\"").count(), n);
    assert_eq!(html.matches("href=\"#ref-a-long-citation-key\"").count(), n);
}

// ---------------------------------------------------------------------------
// Special files
// ---------------------------------------------------------------------------

/// Runs `brief check` with a deadline; a hang fails the test instead of
/// stalling the suite.
fn check_with_deadline(root: &Path, limit: Duration) -> (Option<i32>, String) {
    let mut child = brief_bin()
        .args(["check", "--format", "json", "--root"])
        .arg(root)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            let mut out = String::new();
            std::io::Read::read_to_string(child.stdout.as_mut().unwrap(), &mut out).unwrap();
            return (status.code(), out);
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!("brief check hung for {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Pipes and devices where files are expected: reported, never read forever.
#[cfg(unix)]
#[test]
fn pipes_and_devices_are_refused_without_hanging() {
    use std::os::unix::fs::symlink;
    let mkfifo = |p: &Path| {
        let ok = Command::new("mkfifo")
            .arg(p)
            .status()
            .is_ok_and(|s| s.success());
        assert!(ok, "mkfifo {}", p.display());
    };
    type Make<'a> = Box<dyn Fn(&Path) + 'a>;
    let cases: Vec<(&str, Make, &str, &str)> = vec![
        (
            "an article that is a pipe",
            Box::new(|root: &Path| mkfifo(&root.join("content/en/pipe.md"))),
            "content-unreadable",
            "content/en/pipe.md",
        ),
        (
            "an article linked to /dev/zero",
            Box::new(|root: &Path| symlink("/dev/zero", root.join("content/en/zero.md")).unwrap()),
            "content-unreadable",
            "content/en/zero.md",
        ),
        (
            "a locale file that is a pipe",
            Box::new(|root: &Path| mkfifo(&root.join("locales/en/pipe.ftl"))),
            "locale-unreadable",
            "locales/en/pipe.ftl",
        ),
        (
            "a locale file linked to /dev/zero",
            Box::new(|root: &Path| symlink("/dev/zero", root.join("locales/en/zero.ftl")).unwrap()),
            "locale-unreadable",
            "locales/en/zero.ftl",
        ),
        (
            "book.toml linked to /dev/zero",
            Box::new(|root: &Path| {
                std::fs::remove_file(root.join("book.toml")).unwrap();
                symlink("/dev/zero", root.join("book.toml")).unwrap();
            }),
            // It exists: not "missing", but unreadable as a file.
            "config-unreadable",
            "book.toml",
        ),
        (
            "a template that is a pipe",
            Box::new(|root: &Path| mkfifo(&root.join("themes/default/templates/pipe.html"))),
            "",
            "",
        ),
    ];
    for (what, make, code, file) in cases {
        let site = base_site();
        make(site.path());
        let (status, json) = check_with_deadline(site.path(), Duration::from_secs(20));
        let errors: Vec<serde_json::Value> = json
            .lines()
            .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
            .filter(|v| v["severity"] == "error")
            .collect();
        if code.is_empty() {
            assert_eq!(status, Some(0), "{what}: {json}");
            continue;
        }
        assert_eq!(status, Some(1), "{what}: {json}");
        assert_eq!(errors.len(), 1, "{what}: {json}");
        assert_eq!(errors[0]["code"], code, "{what}: {json}");
        assert_eq!(errors[0]["file"], file, "{what}: {json}");
        assert!(errors[0]["help"].is_string(), "{what}: {json}");
    }
}

/// Larger than the 64 MB limit (a sparse file, so nothing is written).
#[test]
fn an_article_over_the_size_limit_is_refused_unread() {
    let site = base_site();
    let f = std::fs::File::create(site.path().join("content/en/huge.md")).unwrap();
    f.set_len(brief::input::load::MAX_ARTICLE_BYTES + 1)
        .unwrap();
    drop(f);
    let start = Instant::now();
    let d = only_error(site.path(), "article-too-large");
    assert_fast(start, Duration::from_secs(5), "refusing a 64 MB article");
    assert_at(&d, "content/en/huge.md", 1, 1);
}

/// A moved folder breaks every link into it: thousands of broken links are
/// reported quickly, each with a hint (the same file name, elsewhere) while
/// the hint search lasts. (Every link once compared itself with every article:
/// 2,000 took 40 s.)
#[test]
fn thousands_of_broken_links_are_reported_quickly() {
    let site = base_site();
    let n = 2000;
    for i in 0..n {
        write(
            site.path(),
            &format!("content/en/a{i:05}.md"),
            format!(
                "---\ntitle: \"A {i}\"\ndate: 2025-01-01\n---\nSee [moved](old-folder/a{i:05}.md) and [gone](gone-{i}.md).\n"
            ),
        );
    }
    let start = Instant::now();
    let diags = check_fails(site.path());
    assert_fast(
        start,
        Duration::from_secs(20),
        "2,000 articles with broken links",
    );
    let broken: Vec<&Diagnostic> = diags.iter().filter(|d| d.code == "broken-link").collect();
    assert_eq!(broken.len(), 2 * n);
    assert_eq!(errors(&diags).len(), 2 * n, "{}", show(&diags));
    let moved = broken
        .iter()
        .find(|d| {
            d.file.as_deref() == Some(Path::new("content/en/a00042.md"))
                && d.pos.unwrap().column == 5
        })
        .expect("the moved link of a00042");
    assert_eq!(moved.help.as_deref(), Some("did you mean a00042.md?"));
    assert!(broken.iter().all(|d| d.help.is_some() && d.pos.is_some()));
}
