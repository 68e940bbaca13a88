//! Nothing unfinished publishes: a translation started with `brief translate`
//! is a draft until someone translates it, and a non-draft whose text is
//! still in another language, or still carries the translate markers, fails
//! `check` and `build` with the file, the line and what to do.

use std::path::Path;
use std::process::Command;

mod common;
use common::{copy_repo_site, repo, run, Run};

fn brief(root: &Path, args: &[&str]) -> Run {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_brief"));
    cmd.args(args).arg("--root").arg(root);
    run(cmd)
}

/// The sample site with a Korean locale declared (files only: no `.ftl`).
fn site_with_korean() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_repo_site(dir.path(), &["themes", "locales", "content"]);
    let toml = std::fs::read_to_string(repo().join("book.toml")).unwrap();
    std::fs::write(
        dir.path().join("book.toml"),
        format!("{toml}\n[languages.ko]\nname = \"한국어\"\n"),
    )
    .unwrap();
    std::fs::create_dir_all(dir.path().join("content/ko")).unwrap();
    dir
}

fn ko_status(root: &Path, key: &str) -> String {
    let r = brief(root, &["status", "--format", "json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let json: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    json["articles"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["key"] == key)
        .unwrap()["files"]["ko"]["status"]
        .as_str()
        .unwrap()
        .to_string()
}

const SLUG: &str = "shanghai-ai-compute-subsidy";

#[test]
fn a_started_translation_is_a_draft_and_publishes_nothing() {
    let dir = site_with_korean();
    let root = dir.path();
    let r = brief(root, &["translate", SLUG, "--to", "ko"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(ko_status(root, SLUG), "untranslated");
    let r = brief(root, &["check", "--format", "json"]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    let r = brief(root, &["build"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(!root.join(format!("public/ko/{SLUG}")).exists());
    let sitemap = std::fs::read_to_string(root.join("public/sitemap.xml")).unwrap();
    assert!(!sitemap.contains(&format!("/ko/{SLUG}/")), "{sitemap}");
    assert!(sitemap.contains(&format!("/ja/{SLUG}/")), "{sitemap}");
}

#[test]
fn publishing_an_untranslated_translation_fails_with_the_line_and_a_fix() {
    let dir = site_with_korean();
    let root = dir.path();
    assert_eq!(brief(root, &["translate", SLUG, "--to", "ko"]).code, 0);
    let path = root.join(format!("content/ko/{SLUG}.md"));
    let started = std::fs::read_to_string(&path).unwrap();

    // Only the draft line removed: both the markers and the language fail.
    let undrafted: String = started
        .lines()
        .filter(|l| !l.starts_with("draft:"))
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(&path, &undrafted).unwrap();
    let r = brief(root, &["check", "--format", "json"]);
    assert_eq!(r.code, 1, "{}", r.stdout);
    let diags: Vec<serde_json::Value> = r
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let file = format!("content/ko/{SLUG}.md");
    let of = |code: &str| {
        diags
            .iter()
            .find(|d| d["code"] == code && d["file"] == file.as_str())
            .unwrap_or_else(|| panic!("no {code} in {diags:#?}"))
            .clone()
    };
    let marker_line = undrafted
        .lines()
        .position(|l| l.contains("TODO(translate)"))
        .unwrap()
        + 1;
    let untranslated = of("untranslated");
    assert_eq!(untranslated["severity"], "error");
    assert_eq!(untranslated["line"], marker_line);
    assert!(untranslated["help"]
        .as_str()
        .unwrap()
        .contains("draft: true"));

    // Markers removed too, text still Japanese: the language check alone.
    let unmarked: String = undrafted
        .lines()
        .filter(|l| !l.starts_with("[//]: # (TODO translate"))
        .map(|l| format!("{}\n", l.split(" # TODO(translate)").next().unwrap()))
        .filter(|l| !l.trim_start().starts_with("# TODO(translate)"))
        .collect();
    assert!(!unmarked.contains("TODO"), "{unmarked}");
    std::fs::write(&path, &unmarked).unwrap();
    let r = brief(root, &["build"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("error[wrong-language]"), "{}", r.stderr);
    assert!(!r.stderr.contains("error[untranslated]"), "{}", r.stderr);
    assert!(r.stderr.contains("Japanese"), "{}", r.stderr);
    assert!(r.stderr.contains("Korean"), "{}", r.stderr);
    // The line shown is the first body line in Japanese.
    let body_start = unmarked.match_indices("---\n").nth(1).unwrap().0;
    let first_ja = unmarked[body_start + 4..]
        .lines()
        .position(|l| {
            l.chars()
                .filter(|c| ('\u{3040}'..='\u{30ff}').contains(c))
                .count()
                >= 2
        })
        .unwrap();
    let line = unmarked[..body_start + 4].lines().count() + first_ja + 1;
    assert!(
        r.stderr.contains(&format!("content/ko/{SLUG}.md:{line}:1")),
        "expected line {line}:\n{}",
        r.stderr
    );
    assert!(!root.join(format!("public/ko/{SLUG}")).exists());

    // Translated into Korean: it publishes, and status says so.
    let translated = format!(
        "---\ntitle: \"상하이시, AI 스타트업에 바우처 지원\"\ndate: 2025-09-02\nsummary: \"상하이시가 연산 자원과 모델 이용 비용을 보조하는 제도를 내놓았다.\"\ntranslation:\n  method: human\n{}---\n\n상하이시는 인공지능 기업의 연산 비용을 줄이기 위해 바우처 제도를 도입했다. 제도는 세 종류의 바우처로 구성된다.\n",
        unmarked
            .lines()
            .find(|l| l.starts_with("source_revision:"))
            .map(|l| format!("{l}\n"))
            .unwrap()
    );
    std::fs::write(&path, translated).unwrap();
    let r = brief(root, &["build"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(root.join(format!("public/ko/{SLUG}/index.html")).exists());
    assert_eq!(ko_status(root, SLUG), "ok");
}

#[test]
fn a_blank_summary_is_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    copy_repo_site(root, &["themes", "locales", "content"]);
    std::fs::copy(repo().join("book.toml"), root.join("book.toml")).unwrap();
    std::fs::write(
        root.join("content/en/blank.md"),
        "---\ntitle: \"Blank summary\"\ndate: 2025-07-01\nsummary: \"\"\n---\nA body.\n",
    )
    .unwrap();
    let r = brief(root, &["check"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.contains("warning[empty-summary]"), "{}", r.stderr);
    assert!(r.stderr.contains("content/en/blank.md:4:1"), "{}", r.stderr);
    let r = brief(root, &["check", "--deny-warnings"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
}
