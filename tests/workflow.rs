//! The editorial workflow through the `brief` binary, on temporary copies of
//! the repository's site: `new`, `translate`, `status` and `import`, each
//! followed by a build of the result.

use std::path::{Path, PathBuf};

use brief::base::yaml::Value;
use scraper::{Html, Selector};
use std::process::Command;

mod common;
use common::{repo, run, site_copy, Run};

/// A `source_revision` as README documents it: `sha256:` and the first 16
/// hex digits of the SHA-256 of the source's text.
fn sha256_revision(text: &str) -> String {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(text.as_bytes());
    let hex: String = digest[..8].iter().map(|b| format!("{b:02x}")).collect();
    format!("sha256:{hex}")
}

fn fixture(name: &str) -> PathBuf {
    repo().join("tests/fixtures/import").join(name)
}

/// `brief SUB --root ROOT`; more arguments are added by the caller.
fn brief(sub: &str, root: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_brief"));
    c.arg(sub).arg("--root").arg(root);
    c
}

/// Builds the site and fails the test, with the diagnostics, if it does not build.
fn build(root: &Path) -> Run {
    let r = run(brief("build", root));
    assert_eq!(r.code, 0, "the site does not build:\n{}", r.stderr);
    r
}

fn read(root: &Path, rel: &str) -> String {
    std::fs::read_to_string(root.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// The front-matter of an article, parsed, and its body.
fn front_matter(text: &str) -> (Value, String) {
    let rest = text
        .strip_prefix("---\n")
        .expect("starts with front-matter");
    let end = rest.find("\n---\n").expect("closing fence");
    let value = brief::base::yaml::from_str(&rest[..end + 1]).expect("valid YAML");
    (value, rest[end + 5..].to_string())
}

fn page(root: &Path, rel: &str) -> Html {
    Html::parse_document(&read(root, &format!("public/{rel}")))
}

fn sel(s: &str) -> Selector {
    Selector::parse(s).expect("selector")
}

fn today() -> String {
    let d = time::OffsetDateTime::now_utc().date();
    format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
}

fn status_json(root: &Path) -> serde_json::Value {
    let mut cmd = brief("status", root);
    cmd.args(["--format", "json"]);
    let r = run(cmd);
    assert_eq!(r.code, 0, "{}", r.stderr);
    serde_json::from_str(&r.stdout).expect("status prints JSON")
}

fn file_status<'a>(json: &'a serde_json::Value, key: &str, lang: &str) -> &'a serde_json::Value {
    let row = json["articles"]
        .as_array()
        .expect("articles")
        .iter()
        .find(|a| a["key"] == key)
        .unwrap_or_else(|| panic!("no row {key} in {json:#}"));
    &row["files"][lang]["status"]
}

// ---------------------------------------------------------------------------
// new

#[test]
fn new_writes_a_skeleton_that_builds() {
    let site = site_copy();
    let root = site.path();
    let mut cmd = brief("new", root);
    cmd.args(["ja", "compute-vouchers"]);
    let r = run(cmd);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.contains("content/ja/compute-vouchers.md"),
        "{}",
        r.stdout
    );

    let text = read(root, "content/ja/compute-vouchers.md");
    let (fm, body) = front_matter(&text);
    assert!(!fm["title"].as_str().unwrap().trim().is_empty());
    assert_eq!(fm["date"].as_str(), Some(today().as_str()));
    for field in ["summary", "key_points", "topics", "regions", "ai"] {
        assert!(fm.get(field).is_some(), "skeleton has {field}:\n{text}");
    }
    assert_eq!(fm["draft"].as_bool(), Some(true), "a skeleton is a draft");
    assert!(
        text.contains("# citations:") && text.contains("#     url:"),
        "commented example"
    );
    assert!(!body.contains("[1]") || body.contains("[//]: #"));

    // A build publishes nothing of it: no page, no list entry, no feed entry.
    build(root);
    assert!(!root.join("public/ja/compute-vouchers").exists());
    let title = fm["title"].as_str().unwrap();
    for file in [
        "public/ja/index.html",
        "public/ja/atom.xml",
        "public/sitemap.xml",
    ] {
        let text = read(root, file);
        assert!(!text.contains(title), "{file} lists the skeleton");
        assert!(
            !text.contains("compute-vouchers"),
            "{file} links the skeleton"
        );
    }
    // A preview with drafts shows it.
    let preview = tempfile::tempdir().unwrap();
    let mut cmd = brief("build", root);
    cmd.arg("--drafts")
        .arg("--output")
        .arg(preview.path().join("out"));
    let r = run(cmd);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let html =
        std::fs::read_to_string(preview.path().join("out/ja/compute-vouchers/index.html")).unwrap();
    let doc = scraper::Html::parse_document(&html);
    assert!(doc.select(&sel("h1")).next().is_some());
    // The guidance comments render to nothing.
    assert!(!html.contains("Markdown"));

    // Never overwrite without --force.
    std::fs::write(root.join("content/ja/compute-vouchers.md"), "edited").unwrap();
    let mut cmd = brief("new", root);
    cmd.args(["ja", "compute-vouchers"]);
    let r = run(cmd);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.contains("content/ja/compute-vouchers.md"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("--force"), "{}", r.stderr);
    assert_eq!(read(root, "content/ja/compute-vouchers.md"), "edited");
    let mut cmd = brief("new", root);
    cmd.args(["ja", "compute-vouchers", "--force"]);
    assert_eq!(run(cmd).code, 0);
    assert!(read(root, "content/ja/compute-vouchers.md").starts_with("---\n"));

    // English skeletons build too.
    let mut cmd = brief("new", root);
    cmd.args(["en", "compute-vouchers"]);
    assert_eq!(run(cmd).code, 0);
    build(root);
}

#[test]
fn new_refuses_unknown_languages_and_unsafe_slugs() {
    let site = site_copy();
    let root = site.path();
    for (lang, slug, needle) in [
        ("fr", "x", "not a configured language"),
        ("ja", "../escape", "not a safe slug"),
        ("ja", "Upper Case", "not a safe slug"),
        ("ja", "sources", "reserved"),
        ("ja", "double--dash", "e.g. `double-dash`"),
    ] {
        let mut cmd = brief("new", root);
        cmd.args([lang, slug]);
        let r = run(cmd);
        assert_eq!(r.code, 1, "{lang} {slug}");
        assert!(r.stderr.contains(needle), "{lang} {slug}: {}", r.stderr);
    }
    assert!(!root.join("escape.md").exists());
    assert!(!root.join("content/escape.md").exists());
    // A missing argument is a usage error.
    let mut cmd = brief("new", root);
    cmd.arg("ja");
    assert_eq!(run(cmd).code, 2);
}

// ---------------------------------------------------------------------------
// translate and status

#[test]
fn translate_copies_fields_and_status_tracks_the_source() {
    let site = site_copy();
    let root = site.path();
    let slug = "shanghai-ai-compute-subsidy";
    std::fs::remove_file(root.join(format!("content/en/{slug}.md"))).unwrap();

    let json = status_json(root);
    assert_eq!(file_status(&json, slug, "en"), "missing");
    assert_eq!(file_status(&json, slug, "ja"), "ok");

    let mut cmd = brief("translate", root);
    cmd.args([slug, "--to", "en"]);
    let r = run(cmd);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains(&format!("content/en/{slug}.md")));

    let source_text = read(root, &format!("content/ja/{slug}.md"));
    let text = read(root, &format!("content/en/{slug}.md"));
    let (src, _) = front_matter(&source_text);
    let (fm, body) = front_matter(&text);
    for field in ["date", "topics", "regions", "citations", "ai"] {
        assert_eq!(fm[field], src[field], "{field} is copied");
    }
    assert_eq!(
        fm["draft"].as_bool(),
        Some(true),
        "a started translation is a draft"
    );
    assert!(
        fm.get("translation").is_none(),
        "how it is translated is not guessed"
    );
    assert_eq!(
        fm["title"], src["title"],
        "the title is kept for translation"
    );
    assert_eq!(fm["summary"], src["summary"]);
    assert_eq!(fm["key_points"], src["key_points"]);
    assert!(text.contains("# TODO(translate)"));
    assert_eq!(
        fm["source_revision"].as_str(),
        Some(sha256_revision(&source_text).as_str())
    );
    assert!(body.contains("[//]: # (TODO translate from ja)"));
    assert!(body.contains("## 三種類のバウチャー"), "the body is copied");

    // Still Japanese: a draft, so the build leaves it out (the English
    // briefings that link to it now fail: a link to a draft is an error), and
    // status says so.
    let r = run(brief("build", root));
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("error[link-to-draft]"), "{}", r.stderr);
    assert!(!root.join(format!("public/en/{slug}")).exists());
    assert_eq!(file_status(&status_json(root), slug, "en"), "untranslated");
    let preview = tempfile::tempdir().unwrap();
    let mut cmd = brief("build", root);
    cmd.arg("--drafts")
        .arg("--output")
        .arg(preview.path().join("out"));
    assert_eq!(run(cmd).code, 0);
    let html =
        std::fs::read_to_string(preview.path().join(format!("out/en/{slug}/index.html"))).unwrap();
    assert!(!html.contains("TODO"), "the marker renders to nothing");

    // Not again without --force; by path with --force.
    let mut cmd = brief("translate", root);
    cmd.args([slug, "--to", "en"]);
    let r = run(cmd);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("--force"), "{}", r.stderr);
    let mut cmd = brief("translate", root);
    cmd.args([&format!("content/ja/{slug}.md"), "--to", "en", "--force"]);
    assert_eq!(run(cmd).code, 0);

    // The translator finishes (the repository's English text, with the
    // revision `translate` recorded, no draft line, no markers): up to date,
    // then stale once the source changes.
    let revision = read(root, &format!("content/en/{slug}.md"))
        .lines()
        .find(|l| l.starts_with("source_revision:"))
        .unwrap()
        .to_string();
    let english = read(&common::repo(), &format!("content/en/{slug}.md"));
    std::fs::write(
        root.join(format!("content/en/{slug}.md")),
        english.replacen("---\n", &format!("---\n{revision}\n"), 1),
    )
    .unwrap();
    let json = status_json(root);
    assert_eq!(file_status(&json, slug, "en"), "ok");
    let row = json["articles"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["key"] == slug)
        .unwrap();
    assert_eq!(row["source"], "ja");
    assert_eq!(
        row["files"]["en"]["source_revision"],
        fm["source_revision"].as_str().unwrap()
    );
    assert_eq!(row["files"]["en"]["path"], format!("content/en/{slug}.md"));

    std::fs::write(
        root.join(format!("content/ja/{slug}.md")),
        format!("{source_text}\n追記：制度の利用状況は年末に公表される予定である。\n"),
    )
    .unwrap();
    // Without source_revision, dates decide: the Japanese original updated later.
    let other = "us-china-compute-strategies";
    let ja_other = read(root, &format!("content/ja/{other}.md"));
    assert!(ja_other.contains("updated: 2025-08-07"));
    std::fs::write(
        root.join(format!("content/ja/{other}.md")),
        ja_other.replace("updated: 2025-08-07", "updated: 2025-09-15"),
    )
    .unwrap();
    // And one article without translation.
    let mut cmd = brief("new", root);
    cmd.args(["ja", "untranslated"]);
    assert_eq!(run(cmd).code, 0);

    let json = status_json(root);
    assert_eq!(json["languages"], serde_json::json!(["en", "ja"]));
    assert_eq!(file_status(&json, slug, "en"), "stale");
    assert_eq!(file_status(&json, slug, "ja"), "ok");
    assert_eq!(file_status(&json, other, "en"), "stale");
    // No source_revision and no later update of the source: nothing tells.
    assert_eq!(
        file_status(&json, "waic-2025-ai-cooperation-organization", "en"),
        "unknown"
    );
    assert_eq!(file_status(&json, "untranslated", "en"), "missing");
    assert_eq!(file_status(&json, "untranslated", "ja"), "ok");
    let keys: Vec<&str> = json["articles"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["key"].as_str().unwrap())
        .collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(keys, sorted, "articles are sorted by key");
    for lang in ["en", "ja"] {
        let l = &json["locales"][lang];
        for field in ["missing_keys", "unused_keys", "missing_terms"] {
            assert!(l[field].is_array(), "{lang}.{field}");
        }
    }

    // The text form fits 80 columns and says the same.
    let r = run(brief("status", root));
    assert_eq!(r.code, 0);
    assert!(r.stdout.contains("STALE"), "{}", r.stdout);
    assert!(r.stdout.contains("untranslated"));
    assert!(r.stdout.contains(&format!("content/en/{slug}.md")));
    for line in r.stdout.lines() {
        assert!(
            unicode_width::UnicodeWidthStr::width(line) <= 80,
            "too wide for 80 columns: {line}"
        );
    }
}

const ARTICLE_WITH_KEY: &str = "---
title: \"検証用の記事\"
date: 2025-10-01
updated: 2025-10-03
topics: [compute]
regions: [cn]
ai_generated: false
translation_key: verification-key
citations:
  - id: \"1\"
    title: \"検証用の出典\"
    url: \"https://example.org/source\"
---

## 概要

本文の一文目[1]。[米中の戦略](us-china-compute-strategies.md)と[上海の補助](shanghai-ai-compute-subsidy.md#三種類のバウチャー)も参照。
";

#[test]
fn translate_keeps_keys_and_links_working() {
    let site = site_copy();
    let root = site.path();
    std::fs::write(root.join("content/ja/verification.md"), ARTICLE_WITH_KEY).unwrap();
    let mut cmd = brief("translate", root);
    cmd.args(["verification", "--to", "en"]);
    let r = run(cmd);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let text = read(root, "content/en/verification.md");
    let (fm, body) = front_matter(&text);
    assert_eq!(fm["translation_key"].as_str(), Some("verification-key"));
    assert_eq!(fm["updated"].as_str(), Some("2025-10-03"));
    assert_eq!(fm["ai_generated"].as_bool(), Some(false));
    assert_eq!(fm["draft"].as_bool(), Some(true));
    assert_eq!(fm["citations"][0]["id"].as_str(), Some("1"));
    // The English article exists; the Japanese heading does not, so that link
    // keeps pointing at the Japanese article.
    assert!(body.contains("(us-china-compute-strategies.md)"), "{body}");
    assert!(
        body.contains("(../ja/shanghai-ai-compute-subsidy.md#三種類のバウチャー)"),
        "{body}"
    );
    build(root);
    let json = status_json(root);
    assert_eq!(file_status(&json, "verification-key", "en"), "untranslated");

    // Publishing it untranslated fails, naming the file, the line and the fix.
    std::fs::write(
        root.join("content/en/verification.md"),
        text.replace("draft: true # remove when the translation is done\n", ""),
    )
    .unwrap();
    let r = run(brief("build", root));
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("error[wrong-language]"), "{}", r.stderr);
    assert!(r.stderr.contains("error[untranslated]"), "{}", r.stderr);
    assert!(
        r.stderr.contains("content/en/verification.md:"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("draft: true"), "{}", r.stderr);
    std::fs::remove_file(root.join("content/en/verification.md")).unwrap();

    // Unknown articles and languages are errors.
    for args in [
        vec!["no-such-article", "--to", "en"],
        vec!["verification", "--to", "fr"],
        vec!["verification", "--to", "ja"],
    ] {
        let mut cmd = brief("translate", root);
        cmd.args(&args);
        let r = run(cmd);
        assert_eq!(r.code, 1, "{args:?}");
        assert!(!r.stderr.is_empty());
    }
}

// ---------------------------------------------------------------------------
// import

#[test]
fn import_recognizes_briefings_and_the_result_builds() {
    let site = site_copy();
    let root = site.path();
    let mut cmd = brief("import", root);
    cmd.arg(fixture("ja-briefing.txt"))
        .arg(fixture("en-briefing.txt"))
        .args(["--date", "2025-10-20"]);
    let r = run(cmd);
    assert_eq!(r.code, 0, "{}", r.stderr);

    // Languages detected without --lang.
    assert!(
        r.stdout.contains("content/ja/ja-briefing.md"),
        "{}",
        r.stdout
    );
    let en_rel = "content/en/brussels-drafts-its-rulebook-for-general-purpose-ai.md";
    assert!(r.stdout.contains(en_rel), "{}", r.stdout);
    assert!(r.stdout.contains("ja (detected)") && r.stdout.contains("en (detected)"));
    assert!(r.stdout.contains("key points: 3"));
    assert!(r.stdout.contains("(ids 1, 2, 4)"), "{}", r.stdout);
    assert!(r.stdout.contains("(ids 1, 2, 4, 5)"));
    assert!(r.stdout.contains("AI notice:  yes"));
    assert!(r.stdout.contains("sections:   3"));

    let ja = read(root, "content/ja/ja-briefing.md");
    let (fm, body) = front_matter(&ja);
    assert_eq!(
        fm["title"].as_str(),
        Some("自治体のAI調達、透明性と負担のはざまで")
    );
    assert_eq!(fm["date"].as_str(), Some("2025-10-20"));
    assert_eq!(fm["key_points"].as_sequence().unwrap().len(), 3);
    assert_imported_notice(&fm, &fixture("ja-briefing.txt"));
    let ids: Vec<&str> = fm["citations"]
        .as_sequence()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["1", "2", "4"]);
    let c1 = &fm["citations"][0];
    assert_eq!(
        c1["url"].as_str(),
        Some("https://example.org/tokyo/ai-procurement-draft")
    );
    assert_eq!(c1["published"].as_str(), Some("2025-10-14"));
    assert_eq!(c1["publisher"].as_str(), Some("東京都"));
    let c2 = &fm["citations"][1];
    assert_eq!(c2["publisher"].as_str(), Some("都政ニュース"));
    assert_eq!(c2["published"].as_str(), Some("2025-10-15"));
    assert!(fm["citations"][2]["title"].as_str().unwrap().ends_with('…'));
    assert!(!body.contains("生成AI"), "the notice is removed:\n{body}");
    assert!(
        !body.contains("参考文献"),
        "the references are not in the body"
    );
    assert!(body.contains("## 指針案の中身"));
    assert!(body.contains("## 事業者の受け止め"));
    assert!(body.contains("## 今後の焦点"));
    assert!(body.contains("求める[4]"));
    assert!(
        !body.contains("東京都は、行政がAIシステム"),
        "key points are not in the body"
    );

    let en = read(root, en_rel);
    let (fm, body) = front_matter(&en);
    assert_eq!(
        fm["title"].as_str(),
        Some("Brussels drafts its rulebook for general-purpose AI")
    );
    assert_eq!(fm["key_points"].as_sequence().unwrap().len(), 3);
    assert_eq!(fm["ai"]["level"].as_str(), Some("generated"));
    let c2 = &fm["citations"][1];
    assert_eq!(
        c2["title"].as_str(),
        Some("Consultation opens on AI model transparency rules")
    );
    assert_eq!(c2["publisher"].as_str(), Some("Policy Weekly"));
    assert_eq!(c2["published"].as_str(), Some("2025-07-21"));
    assert_eq!(fm["citations"][2]["id"].as_str(), Some("4"));
    assert!(fm["citations"][2]["title"]
        .as_str()
        .unwrap()
        .ends_with("smaller…"));
    assert!(!body.to_lowercase().contains("with the help of ai"));
    assert!(body.contains("## What the draft asks for"));
    assert!(body.contains("## Who bears the cost"));
    assert!(body.contains("## What to watch"));
    assert!(!body.contains("References"));

    build(root);
    for (rel, n) in [
        ("ja/ja-briefing/index.html", 3),
        (
            "en/brussels-drafts-its-rulebook-for-general-purpose-ai/index.html",
            4,
        ),
    ] {
        let html = page(root, rel);
        assert!(
            html.select(&sel(".ai-disclaimer")).next().is_some(),
            "{rel}"
        );
        assert_eq!(html.select(&sel("ol.references > li")).count(), n, "{rel}");
        assert!(html.select(&sel("sup.citation a")).count() >= n, "{rel}");
        assert_eq!(html.select(&sel(".key-points li")).count(), 3, "{rel}");
        assert!(html.select(&sel(".briefing-body h2")).count() >= 3, "{rel}");
    }
    let html = page(root, "ja/ja-briefing/index.html");
    let numbers: Vec<String> = html
        .select(&sel("ol.references > li .ref-number"))
        .map(|e| e.text().collect())
        .collect();
    assert_eq!(
        numbers,
        ["[1]", "[2]", "[4]"],
        "the gap in numbering is kept"
    );

    // Never overwrite without --force.
    let mut cmd = brief("import", root);
    cmd.arg(fixture("ja-briefing.txt"));
    let r = run(cmd);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("--force"), "{}", r.stderr);
    let mut cmd = brief("import", root);
    cmd.arg(fixture("ja-briefing.txt")).arg("--force");
    assert_eq!(run(cmd).code, 0);
    assert_eq!(
        front_matter(&read(root, "content/ja/ja-briefing.md")).0["date"].as_str(),
        Some(today().as_str())
    );
}

#[test]
fn import_warns_about_markers_without_references() {
    let site = site_copy();
    let root = site.path();
    let mut cmd = brief("import", root);
    cmd.arg(fixture("no-notice.txt"))
        .args(["--lang", "ja", "--slug", "export-controls-review"]);
    let r = run(cmd);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("content/ja/export-controls-review.md"));
    assert!(r.stdout.contains("AI notice:  no"));
    assert!(
        r.stderr.contains("marker-without-reference"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("[3]"));
    assert!(r.stderr.contains("reference-never-cited"));

    let text = read(root, "content/ja/export-controls-review.md");
    let (fm, body) = front_matter(&text);
    assert!(
        fm.get("ai_generated").is_none() && fm.get("ai").is_none(),
        "no notice, no ai record"
    );
    let ids: Vec<&str> = fm["citations"]
        .as_sequence()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        ["1", "2", "5"],
        "numbered references keep their numbers"
    );
    assert_eq!(
        fm["citations"][1]["publisher"].as_str(),
        Some("技術政策レポート")
    );
    assert!(
        body.contains("## 背景") && body.contains("## 論点"),
        "【】 headings"
    );
    assert!(body.contains("左右する\\[3\\]"), "{body}");

    let r = build(root);
    assert!(
        r.stderr.contains("uncited-citation"),
        "kept, with the build's warning"
    );
    let html = page(root, "ja/export-controls-review/index.html");
    assert!(html.select(&sel(".ai-disclaimer")).next().is_none());
    let body_text: String = html
        .select(&sel(".briefing-body"))
        .next()
        .unwrap()
        .text()
        .collect();
    assert!(
        body_text.contains("左右する[3]"),
        "the marker is plain text"
    );
    assert_eq!(html.select(&sel("ol.references > li")).count(), 3);
}

#[test]
fn import_without_references_still_builds() {
    let site = site_copy();
    let root = site.path();
    let input = root.join("plain.txt");
    std::fs::write(
        &input,
        "Notes on a meeting\n\nThe working group met on Tuesday [1] and agreed on a timetable.\n\nNext steps\n\nA draft will circulate in November.\n",
    )
    .unwrap();
    let mut cmd = brief("import", root);
    cmd.arg(&input);
    let r = run(cmd);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.contains("content/en/notes-on-a-meeting.md"),
        "{}",
        r.stdout
    );
    assert!(
        r.stderr
            .contains("nothing was recognized as a list of references"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("marker [1] has no reference"));
    let (fm, body) = front_matter(&read(root, "content/en/notes-on-a-meeting.md"));
    assert!(fm.get("citations").is_none());
    assert!(body.contains("## Next steps"));
    build(root);
}

#[test]
fn import_usage_errors() {
    let site = site_copy();
    let root = site.path();
    // Wrong arguments exit 2 (usage); content problems exit 1.
    let cases: Vec<(Vec<String>, &str, i32)> = vec![
        (
            vec![
                fixture("ja-briefing.txt").display().to_string(),
                fixture("en-briefing.txt").display().to_string(),
                "--slug".into(),
                "one".into(),
            ],
            "--slug",
            2,
        ),
        (
            vec![
                fixture("ja-briefing.txt").display().to_string(),
                "--lang".into(),
                "fr".into(),
            ],
            "not a configured language",
            1,
        ),
        (
            vec![
                fixture("ja-briefing.txt").display().to_string(),
                "--date".into(),
                "20 Oct".into(),
            ],
            "not a date",
            2,
        ),
        (
            vec![root.join("missing.txt").display().to_string()],
            "cannot read",
            1,
        ),
    ];
    for (args, needle, code) in cases {
        let mut cmd = brief("import", root);
        cmd.args(&args);
        let r = run(cmd);
        assert_eq!(r.code, code, "{args:?}");
        assert!(r.stderr.contains(needle), "{args:?}: {}", r.stderr);
    }
    assert!(
        !root.join("content/ja/ja-briefing.md").exists(),
        "nothing written"
    );
    assert!(!root.join("content/ja/one.md").exists());
    // No file at all is a usage error.
    assert_eq!(run(brief("import", root)).code, 2);
}

/// Input in ISO-2022-JP (7-bit, so it passes as UTF-8) or Shift_JIS is
/// refused with the encoding named, instead of an article titled and named
/// in escape sequences.
#[test]
fn import_names_the_encoding_of_non_utf8_input() {
    let site = site_copy();
    let root = site.path();
    let text = std::fs::read_to_string(fixture("ja-briefing.txt")).unwrap();
    let before: Vec<_> = walkdir::WalkDir::new(root.join("content"))
        .into_iter()
        .map(|e| e.unwrap().into_path())
        .collect();
    for (encoding, iconv) in [
        (encoding_rs::ISO_2022_JP, "ISO-2022-JP"),
        (encoding_rs::SHIFT_JIS, "CP932"),
    ] {
        let input = root.join("input.txt");
        std::fs::write(&input, encoding.encode(&text).0).unwrap();
        let mut cmd = brief("import", root);
        cmd.arg(&input).args(["--lang", "ja"]);
        let r = run(cmd);
        assert_eq!(r.code, 1, "{iconv}: {}", r.stderr);
        assert!(
            r.stderr.contains("[wrong-encoding]"),
            "{iconv}: {}",
            r.stderr
        );
        assert!(
            r.stderr.contains(&format!(
                "iconv -f {iconv} -t UTF-8 input.txt > input.txt.utf8"
            )),
            "{iconv}: {}",
            r.stderr
        );
    }
    let after: Vec<_> = walkdir::WalkDir::new(root.join("content"))
        .into_iter()
        .map(|e| e.unwrap().into_path())
        .collect();
    assert_eq!(before, after, "nothing written");
}

/// The summary `import` prints names the input file: a control character in
/// its name is shown escaped, never sent to the terminal.
#[test]
fn import_summary_escapes_control_characters_of_file_names() {
    let site = site_copy();
    let root = site.path();
    let input = root.join("in\u{1b}]0;x\u{7}.txt");
    std::fs::copy(fixture("en-briefing.txt"), &input).unwrap();
    let mut cmd = brief("import", root);
    cmd.arg(&input)
        .args(["--lang", "en", "--slug", "escaped-name"]);
    let out = cmd.output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("in\\u{1b}]0;x\\u{7}.txt"), "{stdout}");
    assert!(
        !out.stdout
            .iter()
            .chain(&out.stderr)
            .any(|b| matches!(b, 0x1b | 0x07)),
        "{stdout:?}"
    );
}

/// The headings and the number of paragraphs of a fixture written one
/// paragraph per line, counted by the test's own rule (not the importer's):
/// after the key-point bullets, the title and the date line, and up to the
/// references heading, a line holding a full stop (`.` or `。`) is a
/// paragraph and any other line a heading.
fn count_lines(text: &str, references: &str) -> (Vec<String>, usize) {
    let lines: Vec<&str> = text
        .lines()
        .skip_while(|l| l.starts_with("- ") || l.starts_with('・'))
        .skip(2) // the title and the date line
        .take_while(|l| *l != references)
        .collect();
    let headings: Vec<String> = lines
        .iter()
        .filter(|l| !l.contains(['.', '。']))
        .map(|l| l.to_string())
        .collect();
    (headings.clone(), lines.len() - headings.len())
}

/// The input's last line is its AI notice: the article records it word for
/// word, as AI-generated text that nobody is recorded to have reviewed.
fn assert_imported_notice(fm: &Value, input: &Path) {
    let text = std::fs::read_to_string(input).unwrap();
    let last = text
        .lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .unwrap()
        .trim();
    assert_eq!(fm.get("ai_generated"), None);
    assert_eq!(
        fm["ai"]["level"].as_str(),
        Some("generated"),
        "{}",
        input.display()
    );
    assert_eq!(
        fm["ai"]["notice"].as_str(),
        Some(last),
        "{}",
        input.display()
    );
    assert!(fm["ai"].get("reviewed_by").is_none());
}

#[test]
fn import_reads_one_paragraph_per_line() {
    let site = site_copy();
    let root = site.path();
    let mut cmd = brief("import", root);
    cmd.arg(fixture("ja-no-blank-lines.txt"))
        .arg(fixture("en-no-blank-lines.txt"));
    let r = run(cmd);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.stdout.matches("sections:   3").count(), 2, "{}", r.stdout);
    assert!(r.stdout.contains("date:       2025-04-22 (from the text)"));
    assert!(r.stdout.contains("date:       2026-03-03 (from the text)"));
    assert!(r.stdout.contains("(ids 1, 2, 3, 4, 5, 7)"), "{}", r.stdout);
    assert!(
        r.stdout.contains("(ids 1, 2, 3, 4, 5, 6, 8)"),
        "{}",
        r.stdout
    );
    assert!(!r.stderr.contains("no-date"), "{}", r.stderr);
    build(root);

    let en_slug = "the-council-of-europe-s-ai-treaty-is-about-to-take-effect";
    for (name, lang, slug, references, refs) in [
        (
            "ja-no-blank-lines.txt",
            "ja",
            "ja-no-blank-lines",
            "参考文献",
            6,
        ),
        ("en-no-blank-lines.txt", "en", en_slug, "Sources", 7),
    ] {
        let input = std::fs::read_to_string(fixture(name)).unwrap();
        let (headings, paragraphs) = count_lines(&input, references);
        // The hand-written fixtures: three headings between eight paragraphs.
        assert_eq!((headings.len(), paragraphs), (3, 8), "{name}");

        let (fm, body) = front_matter(&read(root, &format!("content/{lang}/{slug}.md")));
        assert_eq!(fm["key_points"].as_sequence().unwrap().len(), 3, "{name}");
        assert_imported_notice(&fm, &fixture(name));
        assert!(!body.contains(references), "{name}");

        let html = page(root, &format!("{lang}/{slug}/index.html"));
        // The page shows the source's own AI line and claims no review.
        let ai_line = input
            .lines()
            .rev()
            .find(|l| !l.trim().is_empty())
            .unwrap()
            .trim();
        let notice: String = html
            .select(&sel(".ai-disclaimer"))
            .next()
            .expect("an AI notice")
            .text()
            .collect();
        let not_reviewed =
            common::ftl_message(&repo().join(format!("locales/{lang}")), "ai-not-reviewed");
        assert_eq!(notice.trim(), format!("{ai_line} {not_reviewed}"), "{name}");
        let meta = html
            .select(&sel("meta[name=\"ai-disclosure\"]"))
            .next()
            .and_then(|m| m.value().attr("content"));
        assert_eq!(meta, Some("ai-autonomous"), "{name}");
        let h2: Vec<String> = html
            .select(&sel(".briefing-body h2"))
            .map(|e| e.text().collect::<String>().trim().to_string())
            .collect();
        assert_eq!(h2, headings, "{name}");
        let ps: Vec<String> = html
            .select(&sel(".briefing-body > p"))
            .map(|e| e.text().collect())
            .collect();
        assert_eq!(ps.len(), paragraphs, "{name}: {ps:#?}");
        for p in &ps {
            for h in &headings {
                assert!(
                    !p.contains(h.as_str()),
                    "{name}: heading `{h}` run into `{p}`"
                );
            }
        }
        assert_eq!(
            html.select(&sel("ol.references > li")).count(),
            refs,
            "{name}"
        );
        assert!(
            html.select(&sel(".ai-disclaimer")).next().is_some(),
            "{name}"
        );
        assert_eq!(html.select(&sel(".key-points li")).count(), 3, "{name}");
    }
    let html = page(root, "ja/ja-no-blank-lines/index.html");
    let numbers: Vec<String> = html
        .select(&sel("ol.references > li .ref-number"))
        .map(|e| e.text().collect())
        .collect();
    assert_eq!(numbers, ["[1]", "[2]", "[3]", "[4]", "[5]", "[7]"]);
    let (fm, _) = front_matter(&read(root, "content/ja/ja-no-blank-lines.md"));
    assert_eq!(fm["date"].as_str(), Some("2025-04-22"), "the date line");
}

#[test]
fn import_warns_about_what_it_cannot_find() {
    let site = site_copy();
    let root = site.path();
    // ja-briefing.txt: no date, no lead line, a Japanese title on line 5.
    let r = run({
        let mut cmd = brief("import", root);
        cmd.arg(fixture("ja-briefing.txt"));
        cmd
    });
    assert_eq!(r.code, 0, "{}", r.stderr);
    for code in ["no-date", "no-summary", "slug-from-file-name"] {
        let at = r
            .stderr
            .find(&format!("warning[{code}]"))
            .unwrap_or_else(|| panic!("no {code}:\n{}", r.stderr));
        let rest = &r.stderr[at..];
        let end = rest[1..].find("warning[").map_or(rest.len(), |i| i + 1);
        let one = &rest[..end];
        assert!(one.contains("ja-briefing.txt:5:1"), "{code}: {one}");
        assert!(one.contains("help:"), "{code}: {one}");
    }
    assert!(r
        .stderr
        .contains("the slug comes from the file name, `ja-briefing`"));
    assert!(r.stderr.contains("--slug"));
    assert!(r.stderr.contains(&format!("dated today, {}", today())));
    assert!(r
        .stdout
        .contains(&format!("date:       {} (today)", today())));
    assert!(root.join("content/ja/ja-briefing.md").exists());

    // --date and --slug silence their warnings.
    let mut cmd = brief("import", root);
    cmd.arg(fixture("ja-briefing.txt")).args([
        "--date",
        "2025-10-20",
        "--slug",
        "tokyo-ai-procurement",
    ]);
    let r = run(cmd);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(!r.stderr.contains("no-date") && !r.stderr.contains("slug-from-file-name"));
    assert!(r.stderr.contains("no-summary"));

    // A lead line is the summary; a title like the section headings is flagged.
    let input = root.join("lead.txt");
    std::fs::write(
        &input,
        "## Background\nSummary: Ministers met to agree on a reporting template.\nThe ministers met in Paris [1].\nThey agreed on a template.\n## Outlook\nA second meeting follows in spring.\nSources\n[1] Meeting notes, Ministry, https://example.org/notes\n",
    )
    .unwrap();
    let mut cmd = brief("import", root);
    cmd.arg(&input).args(["--date", "2025-10-20"]);
    let r = run(cmd);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(!r.stderr.contains("no-summary"), "{}", r.stderr);
    assert!(
        r.stderr.contains("warning[title-is-heading]"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("lead.txt:1:1"), "{}", r.stderr);
    let (fm, body) = front_matter(&read(root, "content/en/background.md"));
    assert_eq!(
        fm["summary"].as_str(),
        Some("Ministers met to agree on a reporting template.")
    );
    assert!(body.contains("## Outlook") && !body.contains("Summary"));
    build(root);
}
