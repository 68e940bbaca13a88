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
        &format!("{FM_JA}aliases:\n  - shared\n  - /static/old/\n  - /ja/../../etc/\n  - 'C:\\site\\x'\n  - /ja/a b/\n  - /ja/report.pdf\n  - //evil.example/x\n  - /ja/\n"),
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
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let mut cmd = brief("build", &repo());
    cmd.arg("--output").arg(&out);
    let r = run(cmd);
    assert_eq!(r.code, 0, "{}", r.stderr);
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
