//! A translation made from an older version of its source says so to the
//! reader, in the reader's language, with a link to the current source.

use std::path::Path;
use std::process::Command;

mod common;
use common::copy_tree;

fn brief(root: &Path, args: &[&str]) -> std::process::Output {
    let out = Command::new(env!("CARGO_BIN_EXE_brief"))
        .args(args)
        .arg("--root")
        .arg(root)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "brief {args:?} failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn stale_notice(root: &Path) -> Option<(String, String)> {
    let html =
        std::fs::read_to_string(root.join("public/en/shanghai-ai-compute-subsidy/index.html"))
            .unwrap();
    let doc = scraper::Html::parse_document(&html);
    let note = scraper::Selector::parse("aside.translation-stale[role=note]").unwrap();
    let link = scraper::Selector::parse("a").unwrap();
    doc.select(&note).next().map(|n| {
        let a = n
            .select(&link)
            .next()
            .expect("the notice links to the source");
        (
            n.text().collect::<String>(),
            a.value().attr("href").unwrap().to_string(),
        )
    })
}

#[test]
fn translation_behind_its_source_shows_a_notice() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    for part in ["themes", "locales", "content"] {
        copy_tree(&repo.join(part), &root.join(part));
    }
    std::fs::copy(repo.join("book.toml"), root.join("book.toml")).unwrap();

    // A fresh translation records the source's hash: not stale.
    brief(
        root,
        &[
            "translate",
            "shanghai-ai-compute-subsidy",
            "--to",
            "en",
            "--force",
        ],
    );
    let en_path = root.join("content/en/shanghai-ai-compute-subsidy.md");
    let started = std::fs::read_to_string(&en_path).unwrap();
    let revision = started
        .lines()
        .find(|l| l.starts_with("source_revision:"))
        .unwrap_or_else(|| panic!("no source_revision in:\n{started}"))
        .to_string();
    assert!(started.contains("draft: true"), "{started}");
    // The translator finishes: the English text of the repository, with the
    // revision `translate` recorded and without the draft line.
    let english =
        std::fs::read_to_string(repo.join("content/en/shanghai-ai-compute-subsidy.md")).unwrap();
    let finished = english.replacen("---\n", &format!("---\n{revision}\n"), 1);
    std::fs::write(&en_path, finished).unwrap();
    brief(root, &["build"]);
    assert_eq!(stale_notice(root), None);

    // The source changes: the English page now says it is behind.
    let ja_path = root.join("content/ja/shanghai-ai-compute-subsidy.md");
    let ja = std::fs::read_to_string(&ja_path).unwrap();
    std::fs::write(&ja_path, format!("{ja}\n追記の段落です。\n")).unwrap();
    brief(root, &["build"]);
    let (text, href) = stale_notice(root).expect("a stale-translation notice");
    assert!(
        // The original's language named in the reader's (English) locale.
        text.contains("earlier version of the Japanese original"),
        "{text}"
    );
    assert_eq!(href, "/briefings/ja/shanghai-ai-compute-subsidy/");

    // The Japanese original itself never shows the notice.
    let ja_html =
        std::fs::read_to_string(root.join("public/ja/shanghai-ai-compute-subsidy/index.html"))
            .unwrap();
    assert!(!ja_html.contains("translation-stale"));
}
