//! The structure ARCHITECTURE.md promises, checked on the source itself:
//! values flow one way through the stage folders (a stage never names a later
//! one), no source file grows past 1,000 lines, only the dev server names
//! the HTTP server and file-watcher crates, and only the link check of
//! `check --external` names the HTTP client.

use std::path::{Path, PathBuf};

/// The stage folders of `src/`, in pipeline order; commands come last.
const STAGES: &[&str] = &[
    "base", "input", "parse", "link", "index", "output", "pipeline", "commands",
];

fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

/// The code of a file without its unit tests and comments.
fn code(text: &str) -> Vec<&str> {
    let end = text.find("#[cfg(test)]").unwrap_or(text.len());
    text[..end]
        .lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .collect()
}

#[test]
fn no_stage_names_a_later_one() {
    let mut files = Vec::new();
    sources(&src(), &mut files);
    let mut wrong = Vec::new();
    for file in &files {
        let rel = file.strip_prefix(src()).unwrap();
        let top = rel
            .components()
            .next()
            .unwrap()
            .as_os_str()
            .to_string_lossy();
        let Some(rank) = STAGES.iter().position(|s| *s == top) else {
            continue; // lib.rs, main.rs
        };
        let text = std::fs::read_to_string(file).unwrap();
        for line in code(&text) {
            let mut rest = line;
            while let Some(i) = rest.find("crate::") {
                rest = &rest[i + "crate::".len()..];
                let name: String = rest
                    .chars()
                    .take_while(|c| c.is_ascii_lowercase() || *c == '_')
                    .collect();
                if let Some(other) = STAGES.iter().position(|s| *s == name) {
                    if other > rank {
                        wrong.push(format!("{}: {}", rel.display(), line.trim()));
                    }
                }
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "a stage names a later stage:\n{}",
        wrong.join("\n")
    );
}

#[test]
fn no_source_file_is_over_1000_lines() {
    let mut files = Vec::new();
    sources(&src(), &mut files);
    assert!(files.len() > 20, "found {} files", files.len());
    let long: Vec<String> = files
        .iter()
        .filter_map(|f| {
            let n = std::fs::read_to_string(f).unwrap().lines().count();
            (n > 1000).then(|| format!("{} ({n} lines)", f.display()))
        })
        .collect();
    assert!(long.is_empty(), "split these: {long:?}");
}

#[test]
fn only_the_dev_server_names_the_server_crates() {
    let mut files = Vec::new();
    sources(&src(), &mut files);
    let serve = src().join("commands").join("serve");
    for file in &files {
        if file.starts_with(&serve) || file.ends_with("main.rs") {
            continue;
        }
        let text = std::fs::read_to_string(file).unwrap();
        for line in code(&text) {
            for krate in [
                "mime_guess",
                "notify",
                "mimalloc",
                "hyper",
                "hyper_util",
                "http_body_util",
                "tokio",
                "tokio_io_timeout",
            ] {
                assert!(
                    !line.contains(&format!("{krate}::")),
                    "{} names {krate}: {line}",
                    file.display()
                );
            }
        }
    }
}

/// The network is the commands' business: only `commands::external::fetch`
/// (`check --external`) names the HTTP client, so nothing in the build
/// pipeline can fetch.
#[test]
fn only_the_link_check_names_the_http_client() {
    let mut files = Vec::new();
    sources(&src(), &mut files);
    let fetch = src().join("commands").join("external").join("fetch.rs");
    assert!(fetch.is_file());
    for file in &files {
        if *file == fetch {
            continue;
        }
        let text = std::fs::read_to_string(file).unwrap();
        for line in code(&text) {
            for krate in ["ureq", "rustls", "webpki_roots", "reqwest", "hyper"] {
                if krate == "hyper" && file.starts_with(src().join("commands").join("serve")) {
                    continue;
                }
                assert!(
                    !line.contains(&format!("{krate}::")),
                    "{} names {krate}: {line}",
                    file.display()
                );
            }
        }
    }
}

/// README's front-matter reference (the YAML block under "## Articles")
/// names every field the parser reads, and nothing else: the field list is
/// `FrontMatter`'s own, so a field added there fails here until README
/// documents it.
#[test]
fn readme_documents_every_front_matter_field() {
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    let section = &readme[readme.find("\n## Articles").expect("an Articles section")..];
    let start = section.find("```yaml\n").expect("a YAML example") + "```yaml\n".len();
    let block = &section[start..start + section[start..].find("```").unwrap()];
    let mut documented: Vec<&str> = block
        .lines()
        .filter(|l| !l.starts_with([' ', '-', '#']))
        .filter_map(|l| l.split_once(':').map(|(k, _)| k))
        .collect();
    // Fields described in the text right after the example: "`name:`".
    let after = &section[start + block.len() + "```".len()..];
    let prose = &after[..after.find("\n### ").unwrap_or(after.len())];
    for piece in prose.split('`').skip(1).step_by(2) {
        if let Some(name) = piece.strip_suffix(':') {
            if !documented.contains(&name) {
                documented.push(name);
            }
        }
    }
    let taxonomies = ["topics", "regions"];
    let mut expected: Vec<&str> = brief::parse::frontmatter::field_names().to_vec();
    expected.extend(taxonomies);
    let mut a = documented.clone();
    let mut b = expected.clone();
    a.sort();
    b.sort();
    assert_eq!(a, b, "README's front-matter example and FrontMatter differ");
}
