//! The publishing layer through the `brief` binary: aliases (redirect pages
//! and `_redirects`), callouts, the table of contents. Outputs are read with
//! an HTML parser; expected values are written out here, from README's
//! description, not taken from brief.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

mod common;
use common::{
    assert_links_ok, attr, ftl_message, repo, run, select, select_one, snapshot, text, Run, Site,
};
use scraper::Html;

/// `brief SUB --root ROOT`; more arguments are added by the caller.
fn brief(sub: &str, root: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_brief"));
    c.arg(sub).arg("--root").arg(root);
    c
}

/// Builds the site into `public/` with the binary; fails the test with the
/// diagnostics if it does not build.
fn build(site: &Site) -> Run {
    let r = run(brief("build", site.root()));
    assert_eq!(r.code, 0, "the site does not build:\n{}", r.stderr);
    r
}

fn page(site: &Site, rel: &str) -> Html {
    Html::parse_document(&read(site, rel))
}

fn read(site: &Site, rel: &str) -> String {
    let p = site.path(&format!("public/{rel}"));
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// One diagnostic of `brief check --format json`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Diag {
    code: String,
    file: String,
    line: u64,
    column: u64,
    severity: String,
    message: String,
}

/// `brief check --format json`: the exit code and every diagnostic.
fn check_json(root: &Path, extra: &[&str]) -> (i32, Vec<Diag>) {
    let mut cmd = brief("check", root);
    cmd.args(["--format", "json"]).args(extra);
    let r = run(cmd);
    let diags = r
        .stdout
        .lines()
        .map(|l| {
            let v: serde_json::Value =
                serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}"));
            Diag {
                code: v["code"].as_str().unwrap_or_default().into(),
                file: v["file"].as_str().unwrap_or_default().into(),
                line: v["line"].as_u64().unwrap_or(0),
                column: v["column"].as_u64().unwrap_or(0),
                severity: v["severity"].as_str().unwrap_or_default().into(),
                message: v["message"].as_str().unwrap_or_default().into(),
            }
        })
        .collect();
    (r.code, diags)
}

/// Percent-encodes the bytes of `s` outside printable ASCII, as an HTTP
/// request line carries a path.
fn wire(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_graphic() && b != b'%' {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// The repository's sample site built with the binary into a fresh folder
/// (the folder and the output inside it).
fn sample() -> (tempfile::TempDir, std::path::PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let mut cmd = brief("build", &repo());
    cmd.arg("--output").arg(&out);
    let r = run(cmd);
    assert_eq!(r.code, 0, "{}", r.stderr);
    (tmp, out)
}

fn sample_page(out: &Path, rel: &str) -> Html {
    Html::parse_document(&std::fs::read_to_string(out.join(rel)).unwrap())
}

const FM_JA: &str = "title: \"新しい題名の記事\"\ndate: 2025-03-01\n";

// ---------------------------------------------------------------------------
// Aliases

#[test]
fn aliases_write_redirect_pages_and_a_redirects_file() {
    let site = Site::new();
    site.article(
        "ja",
        "new-name.md",
        &format!("{FM_JA}aliases: [old-name, 旧記事, \"/ja/2024/older/\"]"),
        "## 概要\n\n本文。\n",
    );
    site.article(
        "en",
        "new-name.md",
        "title: \"A renamed briefing\"\ndate: 2025-03-01\naliases:\n  - /en/old.html\n  - /archive/2023/renamed\n",
        "Body.\n",
    );
    build(&site);
    let base = "/briefings/";
    let origin = "https://example.org";
    let cases = [
        ("ja/old-name/index.html", "ja", "ja/new-name/"),
        ("ja/旧記事/index.html", "ja", "ja/new-name/"),
        ("ja/2024/older/index.html", "ja", "ja/new-name/"),
        ("en/old.html", "en", "en/new-name/"),
        ("archive/2023/renamed/index.html", "en", "en/new-name/"),
    ];
    for (file, lang, to) in cases {
        let doc = page(&site, file);
        let new = format!("{base}{to}");
        assert_eq!(attr(select_one(&doc, "html"), "lang"), lang, "{file}");
        assert_eq!(
            attr(select_one(&doc, "meta[http-equiv=refresh]"), "content"),
            format!("0; url={new}"),
            "{file}"
        );
        assert_eq!(
            attr(select_one(&doc, "link[rel=canonical]"), "href"),
            format!("{origin}{new}"),
            "{file}"
        );
        assert_eq!(
            attr(select_one(&doc, "meta[name=robots]"), "content"),
            "noindex"
        );
        // A visible link, with the localized sentence before it.
        let link = select_one(&doc, "main a");
        assert_eq!(attr(link, "href"), new);
        let title = if lang == "ja" {
            "新しい題名の記事"
        } else {
            "A renamed briefing"
        };
        assert_eq!(text(link), title);
        let sentence = ftl_message(&site.path(&format!("locales/{lang}")), "redirect-text");
        assert!(
            text(select_one(&doc, "main p")).starts_with(&sentence),
            "{file}"
        );
    }
    // `_redirects`: old and new paths with the base path, non-ASCII
    // percent-encoded, sorted by the old path.
    let expected = [
        ("archive/2023/renamed/", "en/new-name/"),
        ("en/old.html", "en/new-name/"),
        ("ja/2024/older/", "ja/new-name/"),
        ("ja/old-name/", "ja/new-name/"),
        ("ja/旧記事/", "ja/new-name/"),
    ];
    let mut want: Vec<String> = expected
        .iter()
        .map(|(from, to)| {
            format!(
                "{} {} 301",
                wire(&format!("{base}{from}")),
                wire(&format!("{base}{to}"))
            )
        })
        .collect();
    want.sort();
    let got: Vec<String> = read(&site, "_redirects")
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(str::to_string)
        .collect();
    assert_eq!(got, want);
    // Every link of the output (the redirect pages' too) resolves, and the
    // redirect pages are not in the sitemap.
    assert_links_ok(&site.path("public"), site.base_url());
    let sitemap = read(&site, "sitemap.xml");
    assert!(!sitemap.contains("old-name") && !sitemap.contains("old.html"));
    // Two builds are byte-identical.
    let first = snapshot(&site.path("public"));
    build(&site);
    assert_eq!(first, snapshot(&site.path("public")));
}

#[test]
fn a_site_without_aliases_has_no_redirects_file() {
    let site = Site::with_base_url("https://example.org/");
    site.article("ja", "a.md", FM_JA, "本文。\n");
    build(&site);
    assert!(!site.path("public/_redirects").exists());
}

#[test]
fn redirects_follow_the_base_path() {
    let site = Site::with_base_url("https://example.org/");
    site.article("ja", "a.md", &format!("{FM_JA}aliases: [b]"), "本文。\n");
    build(&site);
    assert!(read(&site, "_redirects").contains("\n/ja/b/ /ja/a/ 301\n"));
    let doc = page(&site, "ja/b/index.html");
    assert_eq!(
        attr(select_one(&doc, "link[rel=canonical]"), "href"),
        "https://example.org/ja/a/"
    );
}

#[test]
fn links_to_an_old_file_name_lead_to_the_article_that_took_its_address() {
    let site = Site::new();
    site.article(
        "ja",
        "renamed.md",
        &format!("{FM_JA}aliases: [original, \"/ja/2023/first-name/\"]"),
        "## 背景 {#background}\n\n本文。\n",
    );
    site.article(
        "ja",
        "citing.md",
        "title: \"引用する記事\"\ndate: 2025-04-01\n",
        "[旧名](original.md)、[節](original.md#background)、[別の旧名](2023/first-name.md)。\n",
    );
    site.article(
        "en",
        "citing.md",
        "title: \"Citing\"\ndate: 2025-04-01\n",
        "See [the Japanese one](../ja/original.md).\n",
    );
    build(&site);
    let doc = page(&site, "ja/citing/index.html");
    let hrefs: Vec<String> = select(&doc, ".briefing-body a")
        .into_iter()
        .map(|a| attr(a, "href"))
        .collect();
    assert_eq!(
        hrefs,
        [
            "/briefings/ja/renamed/",
            "/briefings/ja/renamed/#background",
            "/briefings/ja/renamed/"
        ]
    );
    let en = page(&site, "en/citing/index.html");
    assert_eq!(
        attr(select_one(&en, ".briefing-body a"), "href"),
        "/briefings/ja/renamed/"
    );
    // The renamed article lists the article citing it as a backlink.
    let renamed = page(&site, "ja/renamed/index.html");
    assert_eq!(
        select(&renamed, ".backlinks a")
            .into_iter()
            .map(|a| attr(a, "href"))
            .collect::<Vec<_>>(),
        ["/briefings/ja/citing/"]
    );
    // An anchor the article does not have is still an error.
    site.article(
        "ja",
        "citing.md",
        "title: \"引用する記事\"\ndate: 2025-04-01\n",
        "[節](original.md#missing)\n",
    );
    let (code, diags) = check_json(site.root(), &[]);
    assert_eq!(code, 1);
    let d = diags
        .iter()
        .find(|d| d.code == "broken-anchor")
        .expect("broken-anchor");
    assert_eq!((d.file.as_str(), d.line), ("content/ja/citing.md", 5));
}

#[test]
fn alias_errors_name_the_alias_in_the_front_matter() {
    let site = Site::new();
    site.article("ja", "taken.md", FM_JA, "本文。\n");
    // Line 2 title, 3 date, 4 aliases.
    site.article(
        "ja",
        "a.md",
        &format!("{FM_JA}aliases: [taken, shared, \"/ja/topics/x/\", a]"),
        "本文。\n",
    );
    site.article(
        "ja",
        "b.md",
        &format!("{FM_JA}aliases:\n  - shared\n  - /static/old/\n  - /ja/../../etc/\n  - 'C:\\site\\x'\n  - /ja/a b/\n  - /ja/report.pdf\n  - //evil.example/x\n  - /ja/\n  - /ja/taken/old/\n  - /ja/index.html/x/\n"),
        "本文。\n",
    );
    let (code, diags) = check_json(site.root(), &[]);
    assert_eq!(code, 1);
    let mut got: Vec<(&str, &str, u64, u64)> = diags
        .iter()
        .filter(|d| d.code.contains("alias"))
        .map(|d| (d.code.as_str(), d.file.as_str(), d.line, d.column))
        .collect();
    got.sort();
    let a = "content/ja/a.md";
    let b = "content/ja/b.md";
    let mut want = vec![
        // `aliases: [taken, shared, "/ja/topics/x/", a]`
        ("alias-collision", a, 4, 11),
        ("reserved-alias", a, 4, 27),
        ("alias-collision", a, 4, 43),
        // b.md's `shared` comes after a.md's (files in path order).
        ("alias-collision", b, 5, 5),
        ("reserved-alias", b, 6, 5),
        ("bad-alias", b, 7, 5),
        ("bad-alias", b, 8, 6),
        ("bad-alias", b, 9, 5),
        ("bad-alias", b, 10, 5),
        ("bad-alias", b, 11, 5),
        ("reserved-alias", b, 12, 5),
        // Inside the folder of content/ja/taken.md.
        ("alias-collision", b, 13, 5),
        ("bad-alias", b, 14, 5),
    ];
    want.sort();
    assert_eq!(got, want, "{diags:#?}");
    let collision = diags
        .iter()
        .find(|d| d.file == b && d.code == "alias-collision")
        .unwrap();
    assert!(
        collision.message.contains("content/ja/a.md") && collision.message.contains("line 4"),
        "{}",
        collision.message
    );
    // The build fails and writes nothing.
    let r = run(brief("build", site.root()));
    assert_eq!(r.code, 1);
    assert!(!site.path("public").exists());
}

#[test]
fn the_sample_site_redirects_its_aliases() {
    let (_tmp, out) = sample();
    let redirects: BTreeMap<String, String> = std::fs::read_to_string(out.join("_redirects"))
        .unwrap()
        .lines()
        .filter(|l| !l.starts_with('#'))
        .map(|l| {
            let parts: Vec<&str> = l.split(' ').collect();
            assert_eq!(parts.len(), 3, "{l}");
            assert_eq!(parts[2], "301");
            (parts[0].to_string(), parts[1].to_string())
        })
        .collect();
    for lang in ["ja", "en"] {
        let to = format!("/briefings/{lang}/us-china-compute-strategies/");
        assert_eq!(
            redirects.get(&format!("/briefings/{lang}/stargate-state-fund/")),
            Some(&to)
        );
        let doc = Html::parse_document(
            &std::fs::read_to_string(out.join(format!("{lang}/stargate-state-fund/index.html")))
                .unwrap(),
        );
        assert_eq!(
            attr(select_one(&doc, "meta[http-equiv=refresh]"), "content"),
            format!("0; url={to}")
        );
    }
    assert_links_ok(&out, "https://example.org/briefings");
}

// ---------------------------------------------------------------------------
// Callouts

#[test]
fn callouts_render_as_labelled_notes_in_each_language() {
    let site = Site::new();
    let body = "## Callout 1\n\nText.\n\n> [!NOTE]\n> A note with **bold** text.\n\n> [!tip]\n> A tip.\n\n> [!IMPORTANT]\n> Important.\n\n> [!WARNING]\n> A warning.\n\n> [!CAUTION]\n> Caution.\n\n> A plain quote.\n";
    site.article(
        "en",
        "a.md",
        "title: \"Callouts\"\ndate: 2025-01-01\n",
        body,
    );
    site.article(
        "ja",
        "a.md",
        "title: \"注意書き\"\ndate: 2025-01-01\n",
        "本文。\n\n> [!WARNING]\n> 警告の本文。\n",
    );
    let r = build(&site);
    assert!(!r.stderr.contains("unknown-callout"), "{}", r.stderr);
    for (lang, kinds, texts) in [
        (
            "en",
            vec!["note", "tip", "important", "warning", "caution"],
            vec![
                "A note with bold text.",
                "A tip.",
                "Important.",
                "A warning.",
                "Caution.",
            ],
        ),
        ("ja", vec!["warning"], vec!["警告の本文。"]),
    ] {
        let doc = page(&site, &format!("{lang}/a/index.html"));
        let asides = select(&doc, ".briefing-body aside.callout");
        assert_eq!(asides.len(), kinds.len(), "{lang}");
        let all_ids = common::ids(&doc);
        for ((aside, kind), body_text) in asides.iter().zip(&kinds).zip(&texts) {
            let class = attr(*aside, "class");
            assert!(
                class.split(' ').any(|c| c == format!("callout-{kind}")),
                "{class}"
            );
            assert_eq!(attr(*aside, "role"), "note");
            // Named by its visible label, in the page's language.
            let label_id = attr(*aside, "aria-labelledby");
            let label = select(&doc, &format!("[id=\"{label_id}\"]"));
            assert_eq!(label.len(), 1, "one element has the id {label_id}");
            let want = ftl_message(
                &site.path(&format!("locales/{lang}")),
                &format!("callout-{kind}"),
            );
            assert_eq!(
                text(label[0]),
                format!("{} {want}", text(select_in_one(label[0], ".callout-icon")))
            );
            assert_eq!(
                attr(select_in_one(label[0], ".callout-icon"), "aria-hidden"),
                "true"
            );
            assert!(
                label[0].ancestors().any(|n| n.id() == aside.id()),
                "the label is inside its callout"
            );
            let paragraphs: Vec<String> = common::select_in(*aside, "p:not(.callout-label)")
                .into_iter()
                .map(text)
                .collect();
            assert_eq!(paragraphs, [body_text.to_string()]);
        }
        // Ids stay unique beside a heading that slugifies like a label.
        assert_eq!(
            all_ids.len(),
            common::attrs(&doc, "[id]", "id").len(),
            "duplicate ids in {lang}"
        );
        if lang == "en" {
            assert_eq!(
                texts_of(&doc, ".briefing-body blockquote"),
                ["A plain quote."]
            );
            assert!(all_ids.contains("callout-1"), "the heading keeps its id");
        }
    }
    assert_links_ok(&site.path("public"), site.base_url());
}

fn select_in_one<'a>(el: scraper::ElementRef<'a>, css: &str) -> scraper::ElementRef<'a> {
    let all = common::select_in(el, css);
    assert_eq!(all.len(), 1, "expected one `{css}`");
    all[0]
}

fn texts_of(doc: &Html, css: &str) -> Vec<String> {
    common::texts(doc, css)
}

#[test]
fn an_unknown_callout_kind_is_a_warning_at_its_line() {
    let site = Site::new();
    let fm = "title: \"Callouts\"\ndate: 2025-01-01\n";
    // The body starts on line 5.
    site.article(
        "en",
        "a.md",
        fm,
        "Text.\n\n> [!FOO]\n> Shown as a quote.\n\n  > [!Danger]\n  > Also.\n",
    );
    let (code, diags) = check_json(site.root(), &[]);
    assert_eq!(code, 0, "{diags:#?}");
    let got: Vec<(&str, &str, &str, u64, u64)> = diags
        .iter()
        .filter(|d| d.code == "unknown-callout")
        .map(|d| {
            (
                d.severity.as_str(),
                d.code.as_str(),
                d.file.as_str(),
                d.line,
                d.column,
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("warning", "unknown-callout", "content/en/a.md", 7, 3),
            ("warning", "unknown-callout", "content/en/a.md", 10, 5)
        ]
    );
    assert!(diags.iter().any(|d| d.message.contains("[!FOO]")));
    build(&site);
    let doc = page(&site, "en/a/index.html");
    assert!(select(&doc, "aside.callout").is_empty());
    assert_eq!(select(&doc, ".briefing-body blockquote").len(), 2);
}

#[test]
fn the_sample_site_has_a_callout_in_each_language() {
    let (_tmp, out) = sample();
    for lang in ["ja", "en"] {
        let doc = sample_page(
            &out,
            &format!("{lang}/shanghai-ai-compute-subsidy/index.html"),
        );
        let aside = select_one(&doc, "aside.callout.callout-note[role=note]");
        let want = ftl_message(&repo().join(format!("locales/{lang}")), "callout-note");
        assert!(text(aside).contains(&want), "{lang}: {}", text(aside));
    }
}

// ---------------------------------------------------------------------------
// Table of contents

#[test]
fn briefings_with_three_sections_get_a_table_of_contents() {
    let site = Site::new();
    site.article(
        "en",
        "long.md",
        "title: \"Long\"\ndate: 2025-01-01\n",
        "Intro.\n\n### Before any section\n\n## First\n\nText.\n\n### Detail {#detail}\n\nMore.\n\n#### Deep\n\nx\n\n## Second & \"quoted\"\n\nText.\n\n## Third\n\nText.\n",
    );
    site.article(
        "en",
        "short.md",
        "title: \"Short\"\ndate: 2025-01-01\n",
        "## One\n\nText.\n\n## Two\n\nText.\n\n### Sub\n\nx\n",
    );
    site.article(
        "ja",
        "long.md",
        "title: \"長い記事\"\ndate: 2025-01-01\n",
        "## 概要\n\n本文。\n\n## 背景\n\n本文。\n\n## 評価と論点\n\n本文。\n",
    );
    build(&site);
    let doc = page(&site, "en/long/index.html");
    let nav = select_one(&doc, "nav.toc");
    let heading_id = attr(nav, "aria-labelledby");
    let heading = select_one(&doc, &format!("nav.toc [id=\"{heading_id}\"]"));
    assert_eq!(
        text(heading),
        ftl_message(&site.path("locales/en"), "toc-heading")
    );
    // Top-level entries are the `##` headings, with their `###` nested.
    let top: Vec<(String, String)> = common::select_in(nav, ":scope > ol > li > a")
        .into_iter()
        .map(|a| (attr(a, "href"), text(a)))
        .collect();
    let body_h2: Vec<(String, String)> = select(&doc, ".briefing-body h2")
        .into_iter()
        .map(|h| (format!("#{}", attr(h, "id")), text(h)))
        .collect();
    assert_eq!(top, body_h2);
    assert_eq!(top.len(), 3);
    assert_eq!(top[1].1, "Second & \u{201c}quoted\u{201d}");
    let nested: Vec<String> = common::select_in(nav, "ol ol a")
        .into_iter()
        .map(|a| attr(a, "href"))
        .collect();
    assert_eq!(nested, ["#detail"]);
    // The `###` before the first section and the `####` are not listed.
    assert_eq!(common::select_in(nav, "a").len(), 4);
    // The table of contents comes before the body.
    let html = read(&site, "en/long/index.html");
    assert!(html.find("class=\"toc\"").unwrap() < html.find("class=\"briefing-body\"").unwrap());

    let short = page(&site, "en/short/index.html");
    assert!(select(&short, "nav.toc").is_empty());

    let ja = page(&site, "ja/long/index.html");
    let nav = select_one(&ja, "nav.toc");
    assert!(text(nav).starts_with(&ftl_message(&site.path("locales/ja"), "toc-heading")));
    assert_eq!(
        common::select_in(nav, "a")
            .into_iter()
            .map(|a| attr(a, "href"))
            .collect::<Vec<_>>(),
        ["#概要", "#背景", "#評価と論点"]
    );
    assert_links_ok(&site.path("public"), site.base_url());
}

#[test]
fn the_sample_site_shows_contents_on_its_long_briefings() {
    let (_tmp, out) = sample();
    let doc = sample_page(&out, "en/waic-2025-ai-cooperation-organization/index.html");
    let hrefs: Vec<String> = select(&doc, "nav.toc a")
        .into_iter()
        .map(|a| attr(a, "href"))
        .collect();
    assert_eq!(
        hrefs,
        [
            "#what-was-proposed",
            "#the-global-ai-governance-action-plan",
            "#open-source",
            "#assessment"
        ]
    );
}
