//! `brief check` reports every problem in one run: a front-matter error does
//! not hide the problems of the same article's body, nor those of others.

use std::path::Path;
use std::process::Command;

fn write(root: &Path, rel: &str, text: &str) {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// A one-language site (English) with the repository's templates and locale.
fn site() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(
        root,
        "book.toml",
        "[site]\ntitle = \"T\"\nbase_url = \"https://example.org/\"\ndefault_language = \"en\"\n\n[languages.en]\nname = \"English\"\n",
    );
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    for (from, to) in [
        ("themes/default/templates", "themes/default/templates"),
        ("locales/en", "locales/en"),
    ] {
        for entry in std::fs::read_dir(repo.join(from)).unwrap() {
            let entry = entry.unwrap();
            let text = std::fs::read_to_string(entry.path()).unwrap();
            write(
                root,
                &format!("{to}/{}", entry.file_name().to_string_lossy()),
                &text,
            );
        }
    }
    dir
}

/// `brief check --format json`: the exit code and every diagnostic.
fn check_json(root: &Path) -> (Option<i32>, Vec<serde_json::Value>) {
    let out = Command::new(env!("CARGO_BIN_EXE_brief"))
        .args(["check", "--format", "json", "--root"])
        .arg(root)
        .output()
        .unwrap();
    let diags = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    (out.status.code(), diags)
}

#[test]
fn one_run_reports_front_matter_and_body_problems() {
    let dir = site();
    let root = dir.path();
    // Line 3 has an unknown field; line 9 cites an undefined source.
    write(
        root,
        "content/en/a.md",
        "---\ntitle: \"A\"\ntitel: \"typo\"\ndate: 2025-01-01\ncitations:\n  - id: \"1\"\n    title: \"S\"\n---\nText [1] and [7].\n",
    );
    // Another article links to the broken one (not reported again) and to a missing one.
    write(
        root,
        "content/en/b.md",
        "---\ntitle: \"B\"\ndate: 2025-01-02\n---\nSee [a](a.md) and [c](c.md).\n",
    );
    let out = Command::new(env!("CARGO_BIN_EXE_brief"))
        .args(["check", "--format", "json", "--root"])
        .arg(root)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let found: Vec<(String, String, u64, u64)> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            (
                v["code"].as_str().unwrap().to_string(),
                v["file"].as_str().unwrap().to_string(),
                v["line"].as_u64().unwrap(),
                v["column"].as_u64().unwrap(),
            )
        })
        .collect();
    let expected = [
        ("unknown-field", "content/en/a.md", 3, 1),
        ("undefined-citation", "content/en/a.md", 9, 15),
        ("broken-link", "content/en/b.md", 5, 19),
    ];
    let expected: Vec<(String, String, u64, u64)> = expected
        .iter()
        .map(|(c, f, l, col)| (c.to_string(), f.to_string(), *l, *col))
        .collect();
    assert_eq!(found, expected);
}

/// A bad date does not hide the body's broken link (with its "did you mean"
/// hint), broken same-page anchor and undefined citation; a file linking to
/// the broken one gets no error of its own.
#[test]
fn a_front_matter_error_does_not_hide_links_and_anchors() {
    let dir = site();
    let root = dir.path();
    write(
        root,
        "content/en/tariff-overview.md",
        "---\ntitle: \"Overview\"\ndate: 2025-01-01\n---\n## Scope\n\nText.\n",
    );
    write(
        root,
        "content/en/a.md",
        "---\ntitle: \"A\"\ndate: 2025-13-45\ncitations:\n  - id: \"1\"\n    title: \"S\"\n---\n## Background\n\nSee [the overview](tariff-overvew.md), [below](#conclusion), [1] and [7].\n",
    );
    write(
        root,
        "content/en/b.md",
        "---\ntitle: \"B\"\ndate: 2025-01-02\n---\nSee [a](a.md) and [its background](a.md#background).\n",
    );
    let (code, diags) = check_json(root);
    assert_eq!(code, Some(1));
    let found: Vec<(&str, &str, u64, u64)> = diags
        .iter()
        .map(|v| {
            (
                v["code"].as_str().unwrap(),
                v["file"].as_str().unwrap(),
                v["line"].as_u64().unwrap(),
                v["column"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        found,
        [
            ("front-matter-invalid", "content/en/a.md", 3, 7),
            ("broken-link", "content/en/a.md", 10, 5),
            ("broken-anchor", "content/en/a.md", 10, 40),
            ("undefined-citation", "content/en/a.md", 10, 71),
        ],
        "{diags:#?}"
    );
    assert_eq!(diags[1]["help"], "did you mean tariff-overview.md?");
    assert!(
        diags[2]["message"]
            .as_str()
            .unwrap()
            .contains("#conclusion"),
        "{:?}",
        diags[2]
    );

    // `brief build` reports the same, and writes nothing.
    let out = Command::new(env!("CARGO_BIN_EXE_brief"))
        .args(["build", "--root"])
        .arg(root)
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    for code in [
        "front-matter-invalid",
        "broken-link",
        "broken-anchor",
        "undefined-citation",
    ] {
        assert!(stderr.contains(code), "{code} missing from:\n{stderr}");
    }
    assert!(!root.join("public").exists());
}
