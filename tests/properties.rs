//! Property tests over generated articles: hostile titles, bodies mixing text,
//! citation markers for existing and missing ids, `[@key]`, code spans,
//! footnotes, links, headings and CJK.
//!
//! * Nothing panics: a build returns its report or its diagnostics, and every
//!   error names a file and a position inside it.
//! * Every citation marker links to a reference that exists, every back-link to
//!   a marker that exists, and no id appears twice on a page.
//! * A missing citation is reported exactly where its id is written.
//! * The output does not depend on the number of threads.
//! * Titles are escaped: the text a browser shows is the title itself.
//!
//! Case counts are kept small (the suite runs on 2 cores); raise them with
//! `PROPTEST_CASES=1000 cargo test --test properties`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use brief::{BuildOptions, Diagnostics};
use proptest::prelude::*;
use scraper::{Html, Selector};

mod common;
use common::{copy_repo_site, repo};

fn write(root: &Path, rel: &str, text: &str) {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    std::fs::write(path, text).expect("write");
}

/// A YAML double-quoted scalar for any string: everything that YAML does not
/// allow raw is written as an escape.
fn yaml_quote(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 || ('\u{7f}'..='\u{9f}').contains(&c) => {
                out.push_str(&format!("\\x{:02x}", c as u32))
            }
            '\u{feff}' | '\u{fffe}' | '\u{ffff}' => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A title as brief keeps it: control characters stripped.
fn cleaned(s: &str) -> String {
    s.chars()
        .filter(|c| !common::forbidden_in_output(*c))
        .collect()
}

/// What a browser shows for a title: cleaned, and line endings normalized (as
/// HTML parsing does).
fn shown(s: &str) -> String {
    cleaned(s).replace("\r\n", "\n").replace('\r', "\n")
}

/// A title with its punctuation left out: the title, summary and key points
/// are typeset (curly quotes, dashes, ellipses; in HTML, word joiners beside
/// a quote between Hangul letters), which `tests/reader.rs` and the unit
/// tests of `parse::smart` check with hand-written cases. Here every other
/// character must survive escaping unchanged.
fn unpunctuated(s: &str) -> String {
    s.chars()
        .filter(|c| !"\"'“”‘’-–—.…\u{2060}".contains(*c))
        .collect()
}

// ---------------------------------------------------------------------------
// Generators
// ---------------------------------------------------------------------------

fn title_strategy() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("</script>".to_string()),
        Just("<script>alert(1)</script>".to_string()),
        Just("<!--".to_string()),
        Just("-->".to_string()),
        Just("]]>".to_string()),
        Just("\"".to_string()),
        Just("'".to_string()),
        Just("&amp;".to_string()),
        Just("&".to_string()),
        Just("{{ page.title }}".to_string()),
        Just("{% raw %}".to_string()),
        Just("上海".to_string()),
        Just("AI協力機関".to_string()),
        Just("한국어".to_string()),
        Just("عربى".to_string()),
        Just("🤖".to_string()),
        Just("\u{202e}".to_string()),
        Just("\u{0}".to_string()),
        Just("\u{1b}[31m".to_string()),
        Just("\u{7f}\u{85}\u{9f}".to_string()),
        Just("\t".to_string()),
        Just("\r\n".to_string()),
        "[a-zA-Z0-9 ]{1,12}",
        any::<char>().prop_map(|c| c.to_string()),
    ];
    ("[A-Za-z]{1,8}", proptest::collection::vec(piece, 0..8))
        .prop_map(|(head, rest)| format!("{head} {}", rest.concat()))
}

/// One inline piece of a paragraph; `missing` allows markers of ids that are
/// not in the front-matter.
fn inline_strategy() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("policy".to_string()),
        Just("compute subsidies".to_string()),
        Just("上海の国際協力機関".to_string()),
        Just("AIガバナンス".to_string()),
        Just(" ".to_string()),
        Just("[1]".to_string()),
        Just("[2]".to_string()),
        Just("[3]".to_string()),
        Just("[1][3]".to_string()),
        Just("[@xinhua]".to_string()),
        Just("[@xinhua; @2]".to_string()),
        Just("[see this][2]".to_string()),
        Just("`[1] <b>code</b>`".to_string()),
        Just("\\[9\\]".to_string()),
        Just("[^n1]".to_string()),
        Just("[^n2]".to_string()),
        Just("[other](other.md)".to_string()),
        Just("[other's heading](other.md#background)".to_string()),
        Just("[site](https://example.com/a?b=1&c=2)".to_string()),
        Just("*emphasis*".to_string()),
        Just("**strong [2]**".to_string()),
        Just("<script>alert(1)</script>".to_string()),
        Just("</div><!--".to_string()),
        Just("\"quoted\" & 'single'".to_string()),
        Just("[unclosed".to_string()),
        Just("[]".to_string()),
        Just("[ ]".to_string()),
        Just("[@]".to_string()),
        "[a-z]{1,10}",
    ]
}

fn para() -> impl Strategy<Value = String> {
    proptest::collection::vec(inline_strategy(), 1..8).prop_map(|v| v.concat())
}

fn block_strategy() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => para(),
        1 => para().prop_map(|p| format!("## {p}")),
        1 => prop_oneof![
            Just("## Main".to_string()),
            Just("## References heading".to_string()),
            Just("## Article title".to_string()),
            Just("### Ref 1".to_string()),
            Just("## Cite xinhua 1".to_string()),
            Just("## Background".to_string()),
            Just("## Background {#ref-1}".to_string()),
            Just("## Explicit {#main}".to_string()),
        ],
        1 => para().prop_map(|p| format!("- {p}\n- second item [2]")),
        1 => para().prop_map(|p| format!("> {p}")),
        1 => Just("```\n[1] and [@nobody] in a code block\n```".to_string()),
        1 => Just("| a | b |\n|---|---|\n| [1] | [@xinhua] |".to_string()),
    ]
}

fn body_strategy() -> impl Strategy<Value = Vec<String>> {
    proptest::collection::vec(block_strategy(), 1..10)
}

fn front_matter(title: &str) -> String {
    format!(
        "---\ntitle: {}\ndate: 2025-03-01\nsummary: {}\ncitations:\n  - id: \"1\"\n    title: \"First source\"\n    url: \"https://example.com/1\"\n  - id: \"2\"\n    title: {}\n  - id: \"3\"\n    title: \"Third\"\n    publisher: \"日本経済新聞\"\n  - id: \"xinhua\"\n    title: \"Xinhua report\"\n    url: \"https://example.com/xinhua\"\n---\n",
        yaml_quote(title),
        yaml_quote(&format!("Summary of {title}")),
        yaml_quote(&format!("Cited {title}")),
    )
}

fn body_text(blocks: &[String]) -> String {
    let mut text = blocks.join("\n\n");
    text.push_str("\n\n[^n1]: The first note [1].\n\n[^n2]: The second note, `code`.\n");
    text
}

/// A site with the repository's theme and locales, the generated article and
/// the article it links to.
fn site(title: &str, blocks: &[String]) -> tempfile::TempDir {
    let dir = tempfile::Builder::new()
        .prefix("brief-prop-")
        .tempdir()
        .expect("temp dir");
    let root = dir.path();
    copy_repo_site(root, &["themes", "locales"]);
    let text = format!("{}{}", front_matter(title), body_text(blocks));
    write(root, "content/en/generated.md", &text);
    write(
        root,
        "content/en/other.md",
        "---\ntitle: \"Other\"\ndate: 2025-01-01\n---\n## Background\n\nSee [the generated one](generated.md).\n",
    );
    // The Japanese version's text must be mostly Japanese (`check` refuses a
    // body in another language than its folder's): a Japanese paragraph at
    // least as long as everything else comes first.
    let body = body_text(blocks);
    let latin = format!("{}{body}", front_matter(title))
        .chars()
        .filter(|c| c.is_alphabetic())
        .count();
    let japanese = "日本語の段落です。".repeat(latin / 6 + 1);
    write(
        root,
        "content/ja/generated.md",
        &format!("{}{japanese}\n\n{body}", front_matter(title)),
    );
    write(
        root,
        "content/ja/other.md",
        "---\ntitle: \"他\"\ndate: 2025-01-01\n---\n## Background\n\n本文。\n",
    );
    dir
}

fn opts(root: &Path, output: Option<&Path>) -> BuildOptions {
    BuildOptions {
        root: root.to_path_buf(),
        output: output.map(Path::to_path_buf),
        ..Default::default()
    }
}

fn show(d: &Diagnostics) -> String {
    brief::base::diag::render_json(d)
}

/// Every error names a file of the site and a position inside that file.
fn check_diagnostics(root: &Path, diags: &Diagnostics) -> Result<(), TestCaseError> {
    for d in diags.iter().filter(|d| d.is_error()) {
        let file = d
            .file
            .as_ref()
            .ok_or_else(|| TestCaseError::fail(format!("error without a file: {d:?}")))?;
        let Some(pos) = d.pos else { continue };
        let text = std::fs::read_to_string(root.join(file)).unwrap_or_default();
        let lines: Vec<&str> = text.split('\n').collect();
        prop_assert!(
            pos.line >= 1 && pos.line <= lines.len(),
            "line {} outside {}: {d:?}",
            pos.line,
            file.display()
        );
        let len = lines[pos.line - 1].chars().count();
        prop_assert!(
            pos.column >= 1 && pos.column <= len + 1,
            "column {} outside line {} of {} ({len} chars): {d:?}",
            pos.column,
            pos.line,
            file.display()
        );
    }
    Ok(())
}

fn read(root: &Path, rel: &str) -> String {
    std::fs::read_to_string(root.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// Citation markers ↔ references, back-links ↔ markers, footnotes alike, and
/// every id unique.
fn check_links(html: &str, page: &str) -> Result<(), TestCaseError> {
    let doc = Html::parse_document(html);
    let with_id = Selector::parse("[id]").unwrap();
    let mut ids = BTreeSet::new();
    for e in doc.select(&with_id) {
        let id = e.value().attr("id").unwrap().to_string();
        prop_assert!(ids.insert(id.clone()), "{page}: id `{id}` appears twice");
    }
    let anchors = Selector::parse("a[href^=\"#\"]").unwrap();
    for a in doc.select(&anchors) {
        let target = &a.value().attr("href").unwrap()[1..];
        if target.starts_with("ref-")
            || target.starts_with("cite-")
            || target.starts_with("fn-")
            || target.starts_with("fnref-")
        {
            prop_assert!(
                ids.contains(target),
                "{page}: link to #{target}, which is not on the page"
            );
        }
    }
    // Each reference with back-links is cited by markers that point back.
    let refs = Selector::parse("li[id^=\"ref-\"]").unwrap();
    let backrefs = Selector::parse("a.backref").unwrap();
    for r in doc.select(&refs) {
        let rid = r.value().attr("id").unwrap();
        for b in r.select(&backrefs) {
            let marker = &b.value().attr("href").unwrap()[1..];
            let sel = Selector::parse(&format!("[id=\"{marker}\"]")).unwrap();
            let m = doc.select(&sel).next();
            prop_assert!(m.is_some(), "{page}: back-link to missing #{marker}");
            let back = format!("#{rid}");
            prop_assert_eq!(
                m.unwrap().value().attr("href"),
                Some(back.as_str()),
                "{}: marker #{} does not point at {}",
                page,
                marker,
                rid
            );
        }
    }
    Ok(())
}

fn check_title(html: &str, title: &str) -> Result<(), TestCaseError> {
    let doc = Html::parse_document(html);
    let want = unpunctuated(&shown(title));
    let h1 = Selector::parse("h1").unwrap();
    let got: Vec<String> = doc
        .select(&h1)
        .map(|e| unpunctuated(&e.text().collect::<String>()))
        .collect();
    prop_assert_eq!(got, vec![want.clone()]);
    let t = Selector::parse("title").unwrap();
    let page_title = unpunctuated(&doc.select(&t).flat_map(|e| e.text()).collect::<String>());
    prop_assert!(
        page_title.starts_with(&want),
        "<title> is {page_title:?}, expected it to start with {want:?}"
    );
    let og = Selector::parse("meta[property=\"og:title\"]").unwrap();
    for m in doc.select(&og) {
        prop_assert_eq!(
            m.value().attr("content").map(unpunctuated),
            Some(want.clone())
        );
    }
    let ld = Selector::parse("script[type=\"application/ld+json\"]").unwrap();
    for s in doc.select(&ld) {
        let body: String = s.text().collect();
        let v: serde_json::Value = serde_json::from_str(&body)
            .map_err(|e| TestCaseError::fail(format!("JSON-LD: {e}: {body}")))?;
        let clean = unpunctuated(&cleaned(title));
        prop_assert_eq!(v["headline"].as_str().map(unpunctuated), Some(clean));
    }
    // Only the theme's scripts exist: the title and body never add one.
    let scripts = Selector::parse("script").unwrap();
    for s in doc.select(&scripts) {
        let inline: String = s.text().collect();
        prop_assert!(
            s.value().attr("type") == Some("application/ld+json") || inline.trim().is_empty(),
            "an unexpected inline script: {inline}"
        );
    }
    let comments = doc.tree.nodes().filter(|n| n.value().is_comment()).count();
    prop_assert_eq!(comments, 0, "a comment was opened");
    Ok(())
}

fn cases(default: u32) -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: cases(48),
        max_shrink_iters: 200,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

// ---------------------------------------------------------------------------
// Properties
// ---------------------------------------------------------------------------

proptest! {
    #![proptest_config(config())]

    /// Generated articles with only defined ids build; markers, references,
    /// back-links and footnotes all resolve; titles are escaped everywhere.
    #[test]
    fn valid_articles_build_with_consistent_links_and_escaped_titles(
        title in title_strategy(),
        blocks in body_strategy(),
    ) {
        let dir = site(&title, &blocks);
        let root = dir.path();
        let report = match brief::build(&opts(root, None)) {
            Ok(r) => r,
            Err(f) => {
                check_diagnostics(root, &f.diagnostics)?;
                return Err(TestCaseError::fail(format!(
                    "the build failed:\n{}", show(&f.diagnostics)
                )));
            }
        };
        check_diagnostics(root, &report.diagnostics)?;
        for lang in ["en", "ja"] {
            let page = format!("public/{lang}/generated/index.html");
            let html = read(root, &page);
            check_links(&html, &page)?;
            check_title(&html, &title)?;
        }
        // Lists show the title as text too.
        let index = Html::parse_document(&read(root, "public/en/index.html"));
        let text: String = index.root_element().text().collect();
        prop_assert!(
            unpunctuated(&text).contains(&unpunctuated(&shown(&title))),
            "the index does not show the title"
        );
        let other = read(root, "public/en/other/index.html");
        check_links(&other, "en/other")?;
    }

    /// A marker of an undefined id fails the build, with the error at the id.
    #[test]
    fn a_missing_citation_is_reported_where_it_is_written(
        title in title_strategy(),
        mut blocks in body_strategy(),
        at in any::<prop::sample::Index>(),
        missing in prop_oneof![Just("[7]"), Just("[@nobody]"), Just("[1][42]"), Just("[@xinhua; @ghost]")],
    ) {
        let i = at.index(blocks.len() + 1);
        blocks.insert(i, format!("Claim {missing}."));
        let dir = site(&title, &blocks);
        let root = dir.path();
        let diags = match brief::check(&opts(root, None)) {
            Ok(d) => return Err(TestCaseError::fail(format!("check passed:\n{}", show(&d)))),
            Err(f) => f.diagnostics,
        };
        check_diagnostics(root, &diags)?;
        // The error points at the id as written: `7`, `@nobody`.
        let wanted = match missing {
            "[7]" => "7",
            "[@nobody]" => "@nobody",
            "[1][42]" => "42",
            _ => "@ghost",
        };
        for lang in ["en", "ja"] {
            let file = format!("content/{lang}/generated.md");
            let errs: Vec<_> = diags
                .iter()
                .filter(|d| d.is_error() && d.file.as_deref() == Some(Path::new(&file)))
                .collect();
            prop_assert_eq!(errs.len(), 1, "{}", show(&diags));
            let d = errs[0];
            prop_assert_eq!(d.code, "undefined-citation");
            let text = read(root, &file);
            let pos = d.pos.unwrap();
            let line = text.split('\n').nth(pos.line - 1).unwrap();
            let at: String = line.chars().skip(pos.column - 1).take(wanted.len()).collect();
            prop_assert_eq!(at.as_str(), wanted, "line {:?}", line);
        }
    }

    /// Any text at all as a body: never a panic, and errors are positioned.
    #[test]
    fn arbitrary_bodies_never_panic(
        title in title_strategy(),
        body in proptest::collection::vec(
            prop_oneof![
                inline_strategy(),
                Just("\n".to_string()),
                Just("\n\n".to_string()),
                Just("    ".to_string()),
                Just("```".to_string()),
                Just("[^".to_string()),
                Just("]: ".to_string()),
                Just("{#".to_string()),
                Just("[top](#references-heading)".to_string()),
                Just("[x](#background)".to_string()),
                Just("|".to_string()),
                Just("\u{E000}0\u{E001}".to_string()),
                any::<String>(),
            ],
            0..30,
        ),
    ) {
        let dir = site(&title, &[body.concat()]);
        let root = dir.path();
        match brief::build(&opts(root, None)) {
            Ok(r) => {
                check_diagnostics(root, &r.diagnostics)?;
                let html = read(root, "public/en/generated/index.html");
                check_links(&html, "en/generated")?;
                check_title(&html, &title)?;
            }
            Err(f) => {
                prop_assert!(f.diagnostics.has_errors());
                check_diagnostics(root, &f.diagnostics)?;
            }
        }
    }
}

fn all_files(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    if !dir.exists() {
        return BTreeMap::new();
    }
    walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            (
                e.path().strip_prefix(dir).unwrap().to_path_buf(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(24), ..config() })]

    /// One thread or four: the same bytes in every file.
    #[test]
    fn output_is_identical_whatever_the_thread_count(
        titles in proptest::collection::vec(title_strategy(), 1..6),
        blocks in body_strategy(),
    ) {
        let dir = site(&titles[0], &blocks);
        let root = dir.path();
        // More articles, so that parallel stages have work to interleave.
        for (i, t) in titles.iter().enumerate() {
            write(
                root,
                &format!("content/en/extra-{i}.md"),
                &format!("{}{}", front_matter(t), body_text(&blocks[..blocks.len().min(i + 1)])),
            );
        }
        let outputs = tempfile::tempdir().unwrap();
        let mut results = Vec::new();
        for threads in [1, 4] {
            let out = outputs.path().join(format!("t{threads}"));
            let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
            let result = pool.install(|| brief::build(&opts(root, Some(&out))));
            let diags = match &result {
                Ok(r) => show(&r.diagnostics),
                Err(f) => show(&f.diagnostics),
            };
            results.push((result.is_ok(), diags, all_files(&out)));
        }
        let (ok1, d1, f1) = &results[0];
        let (ok4, d4, f4) = &results[1];
        prop_assert_eq!(ok1, ok4);
        prop_assert_eq!(d1, d4);
        prop_assert_eq!(f1.keys().collect::<Vec<_>>(), f4.keys().collect::<Vec<_>>());
        for (path, bytes) in f1 {
            prop_assert!(bytes == &f4[path], "{} differs between 1 and 4 threads", path.display());
        }
    }
}

// ---------------------------------------------------------------------------
// The fuzz corpus, replayed on stable
// ---------------------------------------------------------------------------

/// What the fuzz target (fuzz/fuzz_targets/render.rs) checks for any input.
fn standalone_invariants(text: &str) -> Result<(), String> {
    let (html, diags) = brief::parse::article::render_standalone(text);
    let normalized = brief::base::text::normalize_newlines(brief::base::text::strip_bom(text));
    let lines: Vec<&str> = normalized.split('\n').collect();
    for d in &diags {
        if let Some(pos) = d.pos {
            let ok = pos.line >= 1
                && pos.line <= lines.len()
                && pos.column >= 1
                && pos.column <= lines[pos.line - 1].chars().count() + 1;
            if !ok {
                return Err(format!("position outside the text: {d:?}"));
            }
        }
    }
    if let Some(html) = html {
        let lower = html.to_ascii_lowercase();
        for bad in ["<script", "<!--", "href=\"javascript:"] {
            if lower.contains(bad) {
                return Err(format!("{bad} in {html}"));
            }
        }
        if html.chars().any(common::forbidden_in_output) {
            return Err(format!("a control character in {html:?}"));
        }
    }
    Ok(())
}

/// Every seed of fuzz/corpus/render/, and deterministic mutations of each
/// (tokens inserted, ranges deleted or repeated, bytes flipped), through the
/// fuzz target's checks: a small stand-in for fuzzing that needs no nightly.
#[test]
fn fuzz_corpus_replays_with_mutations() {
    const TOKENS: &[&str] = &[
        "---",
        "\n---\n",
        "title: ",
        "citations:\n  - id: \"1\"\n    title: \"x\"\n",
        "&a ",
        "*a",
        "[1]",
        "[@",
        "; @",
        "[^",
        "]: ",
        "](",
        ".md",
        "#",
        "{#",
        "```",
        "`",
        "**",
        "<script>",
        "<!--",
        "javascript:",
        "\\[",
        "|---|",
        "\r\n",
        "\r",
        "\u{feff}",
        "\u{E000}",
        "\u{E001}",
        "\u{0}",
        "\u{85}",
        "[",
        "]",
        "\n",
        "    ",
        "上海",
        "🤖",
        "%",
        "..",
    ];
    let dir = repo().join("fuzz/corpus/render");
    let mut seeds: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("fuzz/corpus/render")
        .map(|e| e.unwrap().path())
        .collect();
    seeds.sort();
    assert!(seeds.len() >= 10, "the corpus went missing");
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = move |n: usize| -> usize {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state % n.max(1) as u64) as usize
    };
    let mut failures = Vec::new();
    for seed in &seeds {
        let original = std::fs::read(seed).unwrap();
        let mut inputs = vec![original.clone()];
        for _ in 0..150 {
            let mut bytes = original.clone();
            for _ in 0..1 + next(4) {
                let at = next(bytes.len() + 1);
                match next(5) {
                    0 => {
                        let t = TOKENS[next(TOKENS.len())].as_bytes();
                        bytes.splice(at..at, t.iter().copied());
                    }
                    1 => {
                        let end = (at + next(16)).min(bytes.len());
                        bytes.drain(at..end);
                    }
                    2 => {
                        let end = (at + next(64)).min(bytes.len());
                        let copy = bytes[at..end].to_vec();
                        let to = next(bytes.len() + 1);
                        bytes.splice(to..to, copy);
                    }
                    3 if at < bytes.len() => bytes[at] ^= 1 << next(8),
                    _ => bytes.truncate(at),
                }
            }
            inputs.push(bytes);
        }
        for bytes in inputs {
            let text = String::from_utf8_lossy(&bytes).into_owned();
            match std::panic::catch_unwind(|| standalone_invariants(&text)) {
                Ok(Ok(())) => {}
                Ok(Err(e)) => failures.push(format!("{}: {e}\ninput: {text:?}", seed.display())),
                Err(_) => failures.push(format!("{}: panicked on {text:?}", seed.display())),
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} failure(s):\n{}",
        failures.len(),
        failures[..failures.len().min(5)].join("\n\n")
    );
}
