//! `brief check` reports every problem in one run: a front-matter error does
//! not hide the problems of the same article's body, nor those of others.

use std::path::Path;
use std::process::Command;

fn write(root: &Path, rel: &str, text: &str) {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

#[test]
fn one_run_reports_front_matter_and_body_problems() {
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
