//! Incremental rebuilds (`brief serve`): after every edit, the incrementally
//! updated output folder must equal a clean build of the same input, byte for
//! byte, file for file.

mod common;

use std::path::{Path, PathBuf};

use brief::pipeline::incremental::IncrementalBuild;
use brief::BuildOptions;
use common::{assert_same_files, copy_tree, repo, snapshot};

/// A site root in a temporary folder, built incrementally into `inc/` and
/// cleanly into `clean/` for comparison.
struct Fixture {
    dir: tempfile::TempDir,
    inc: IncrementalBuild,
    cleans: usize,
}

fn opts(root: &Path, output: PathBuf) -> BuildOptions {
    BuildOptions {
        root: root.to_path_buf(),
        output: Some(output),
        drafts: false,
        base_url: None,
    }
}

impl Fixture {
    fn new(dir: tempfile::TempDir) -> Fixture {
        let root = dir.path().join("site");
        let (inc, stats) = IncrementalBuild::new(&opts(&root, dir.path().join("inc")))
            .unwrap_or_else(|f| panic!("first build: {:?}", f.diagnostics));
        assert!(stats.full);
        let mut f = Fixture {
            dir,
            inc,
            cleans: 0,
        };
        f.assert_same_as_clean("the first build");
        f
    }

    fn root(&self) -> PathBuf {
        self.dir.path().join("site")
    }

    fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.root().join(rel)).unwrap()
    }

    fn write(&self, rel: &str, text: &str) {
        let p = self.root().join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }

    fn edit(&self, rel: &str, f: impl FnOnce(String) -> String) {
        let text = f(self.read(rel));
        self.write(rel, &text);
    }

    /// Rebuilds after `changed` and compares with a clean build.
    fn rebuild(
        &mut self,
        what: &str,
        changed: &[&str],
    ) -> brief::pipeline::incremental::RebuildStats {
        let changed: Vec<PathBuf> = changed.iter().map(PathBuf::from).collect();
        let stats = self
            .inc
            .rebuild(&changed)
            .unwrap_or_else(|f| panic!("{what}: rebuild failed: {:?}", f.diagnostics));
        self.assert_same_as_clean(what);
        stats
    }

    fn assert_same_as_clean(&mut self, what: &str) {
        self.cleans += 1;
        let clean = self.dir.path().join(format!("clean-{}", self.cleans));
        brief::build(&opts(&self.root(), clean.clone()))
            .unwrap_or_else(|f| panic!("{what}: clean build failed: {:?}", f.diagnostics));
        assert_same_output(what, self.inc.output(), &clean);
        // No empty folders left behind by removed pages.
        for e in walkdir::WalkDir::new(self.inc.output()) {
            let e = e.unwrap();
            if e.file_type().is_dir() {
                assert!(
                    std::fs::read_dir(e.path()).unwrap().next().is_some(),
                    "{what}: empty folder {}",
                    e.path().display()
                );
            }
        }
        std::fs::remove_dir_all(&clean).unwrap();
    }
}

/// The folder `built` holds the same files, byte for byte, as the clean
/// build in `clean`.
fn assert_same_output(what: &str, built: &Path, clean: &Path) {
    let a = snapshot(built);
    let b = snapshot(clean);
    let ka: Vec<&String> = a.keys().filter(|k| !b.contains_key(*k)).collect();
    let kb: Vec<&String> = b.keys().filter(|k| !a.contains_key(*k)).collect();
    assert!(
        ka.is_empty() && kb.is_empty(),
        "{what}: only in the incremental output: {ka:?}; only in the clean build: {kb:?}"
    );
    for (k, v) in &a {
        assert!(
            v == &b[k],
            "{what}: {k} differs from a clean build:\n--- incremental\n{}\n--- clean\n{}",
            String::from_utf8_lossy(v),
            String::from_utf8_lossy(&b[k])
        );
    }
    assert_same_files(&a, &b);
}

/// The repository's sample site (three articles in each language).
fn sample() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("site");
    let repo = repo();
    for d in ["themes", "locales", "content"] {
        copy_tree(&repo.join(d), &root.join(d));
    }
    std::fs::copy(repo.join("book.toml"), root.join("book.toml")).unwrap();
    Fixture::new(dir)
}

const EN: &str = "content/en/us-china-compute-strategies.md";
const EN_WAIC: &str = "content/en/waic-2025-ai-cooperation-organization.md";

fn set_line(text: String, key: &str, line: &str) -> String {
    text.lines()
        .map(|l| {
            if l.starts_with(key) {
                line.to_string()
            } else {
                l.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
        + "\n"
}

fn add_front_matter_line(text: String, line: &str) -> String {
    text.replacen("---\n", &format!("---\n{line}\n"), 1)
}

#[test]
fn sample_site_edits_match_clean_builds() {
    let mut f = sample();

    f.edit(EN, |t| t + "\nA new closing paragraph.\n");
    let s = f.rebuild("body edit", &[EN]);
    assert!(!s.full && s.parsed == 1);

    f.edit(EN, |t| set_line(t, "title:", "title: \"A new title\""));
    f.rebuild("title edit", &[EN]);

    f.edit(EN, |t| set_line(t, "date:", "date: 2025-07-01"));
    f.rebuild("date edit", &[EN]);

    f.edit(EN, |t| {
        set_line(t, "topics:", "topics: [compute, brand-new-topic]")
    });
    f.rebuild("topics edit", &[EN]);

    // A citation shared with another article: "also cited" and sources pages.
    f.edit(EN_WAIC, |t| {
        t.replacen(
            "citations:\n",
            "citations:\n  - id: \"shared\"\n    title: \"Announcing The Stargate Project\"\n    publisher: \"OpenAI\"\n    url: \"https://openai.com/index/announcing-the-stargate-project/\"\n",
            1,
        ) + "\nShared source [shared].\n"
    });
    f.rebuild("shared citation", &[EN_WAIC]);

    f.edit(EN, |t| add_front_matter_line(t, "slug: renamed-briefing"));
    f.rebuild("slug rename", &[EN]);

    let new = "content/en/2025/new-briefing.md";
    f.write(
        new,
        "---\ntitle: \"A new briefing\"\ndate: 2025-09-01\ntopics: [compute]\n---\nIt links [back](../us-china-compute-strategies.md).\n",
    );
    f.rebuild("new article in a new folder", &["content/en/2025"]);

    f.edit(new, |t| add_front_matter_line(t, "draft: true"));
    f.rebuild("article becomes a draft", &[new]);

    f.edit(new, |t| t.replace("draft: true\n", ""));
    f.rebuild("draft published", &[new]);

    std::fs::remove_file(f.root().join(new)).unwrap();
    f.rebuild("article deleted", &[new]);

    // A broken link: the rebuild fails and the output stays as it was.
    let before = snapshot(f.inc.output());
    f.edit(EN, |t| t + "\nSee [this](missing-briefing.md).\n");
    let err = f
        .inc
        .rebuild(&[PathBuf::from(EN)])
        .expect_err("a broken link fails the rebuild");
    assert!(err.diagnostics.iter().any(|d| d.code == "broken-link"));
    assert_same_files(&before, &snapshot(f.inc.output()));
    // Fixed by creating the target (another file than the one that failed).
    f.write(
        "content/en/missing-briefing.md",
        "---\ntitle: \"Now it exists\"\ndate: 2024-01-01\n---\nBody.\n",
    );
    f.rebuild(
        "broken link fixed by a new article",
        &["content/en/missing-briefing.md"],
    );

    // Removing a whole folder.
    f.write(
        "content/ja/2024/a.md",
        "---\ntitle: \"フォルダの記事\"\ndate: 2024-02-02\ntopics: [compute]\n---\n本文。\n",
    );
    f.rebuild("article in a new ja folder", &["content/ja/2024/a.md"]);
    std::fs::remove_dir_all(f.root().join("content/ja/2024")).unwrap();
    f.rebuild("folder removed", &["content/ja/2024"]);

    // Outside content/: a full rebuild.
    f.edit("locales/en/main.ftl", |t| {
        t + "\nextra-unused-message = x\n"
    });
    let s = f.rebuild("locale edit", &["locales/en/main.ftl"]);
    assert!(s.full);
    f.edit(EN, |t| t + "\nOne more line.\n");
    let s = f.rebuild("body edit after a full rebuild", &[EN]);
    assert!(!s.full);
}

/// A rebuild after a front-matter error also reports the file's broken links
/// and anchors, as `brief check` does; links to the broken file are not.
#[test]
fn a_front_matter_error_does_not_hide_links_in_a_rebuild() {
    let mut f = sample();
    let before = snapshot(f.inc.output());
    let original = f.read(EN);
    f.edit(EN, |t| {
        set_line(t, "date:", "date: 2025-13-45")
            + "\nSee [WAIC](waic-2025-ai-cooperation-organisation.md) and [above](#no-such-heading).\n"
    });
    let err = f
        .inc
        .rebuild(&[PathBuf::from(EN)])
        .expect_err("the rebuild fails");
    let codes: Vec<(&str, Option<&str>)> = err
        .diagnostics
        .iter()
        .map(|d| (d.code, d.help.as_deref()))
        .collect();
    assert!(
        codes.contains(&(
            "broken-link",
            Some("did you mean waic-2025-ai-cooperation-organization.md?")
        )),
        "{codes:?}"
    );
    assert_eq!(
        err.diagnostics
            .iter()
            .filter(|d| d.code == "front-matter-invalid")
            .count(),
        1,
        "{codes:?}"
    );
    assert!(
        err.diagnostics
            .iter()
            .any(|d| d.code == "broken-anchor" && d.message.contains("#no-such-heading")),
        "{codes:?}"
    );
    // Only the broken file's own problems: other articles link to it.
    assert!(
        err.diagnostics
            .iter()
            .all(|d| d.file.as_deref() == Some(Path::new(EN))),
        "{codes:?}"
    );
    assert_same_files(&before, &snapshot(f.inc.output()));
    f.write(EN, &original);
    f.rebuild("front-matter fixed", &[EN]);
}

/// A generated site: `n` articles per language, translations, internal
/// links, shared sources and terms, dates close together.
fn generated(n: usize) -> Fixture {
    Fixture::new(generated_site(n))
}

/// A generated site of `n` articles per language in `site/` of a temporary folder.
fn generated_site(n: usize) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("site");
    let repo = repo();
    for d in ["themes", "locales"] {
        copy_tree(&repo.join(d), &root.join(d));
    }
    std::fs::write(
        root.join("book.toml"),
        "[site]\ntitle = \"Generated\"\nbase_url = \"https://example.org/g\"\ndefault_language = \"ja\"\npaginate = 7\n\n[languages.ja]\nname = \"日本語\"\n\n[languages.en]\nname = \"English\"\n",
    )
    .unwrap();
    for lang in ["ja", "en"] {
        for i in 0..n {
            let text = generated_article(lang, i);
            let p = root.join(format!("content/{lang}/{}/a{i:04}.md", 2020 + i % 3));
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, text).unwrap();
        }
    }
    dir
}

const TOPICS: [&str; 6] = [
    "compute",
    "export-controls",
    "industrial-policy",
    "ai-governance",
    "standards",
    "safety",
];

fn generated_article(lang: &str, i: usize) -> String {
    let day = 1 + (i * 7) % 28;
    let month = 1 + (i / 28) % 12;
    let t1 = TOPICS[i % TOPICS.len()];
    let t2 = TOPICS[(i * 5 + 1) % TOPICS.len()];
    // Each language's text is in its own script, as `check` requires.
    let (title, summary, body) = if lang == "ja" {
        (
            format!("第{i}号の解説"),
            format!("第{i}号の要約です。"),
            format!("第{i}号の本文では、出典[1]と別の出典[2]を引用しています。"),
        )
    } else {
        (
            format!("{lang} briefing {i}"),
            format!("Summary {i}"),
            format!("Body of {i} in {lang} with a citation [1] and another [2]."),
        )
    };
    let mut s = format!(
        "---\ntitle: \"{title}\"\ndate: 2024-{month:02}-{day:02}\nsummary: \"{summary}\"\ntopics: [{t1}, {t2}]\ncitations:\n"
    );
    for (k, src) in [(1, i % 17), (2, i % 29)] {
        s.push_str(&format!(
            "  - id: \"{k}\"\n    title: \"Source {src}\"\n    url: \"https://example.org/src/{src}\"\n"
        ));
    }
    s.push_str("---\n## Overview\n\n");
    s.push_str(&body);
    s.push('\n');
    if i > 0 {
        let j = (i * 13) % i;
        s.push_str(&format!(
            "\nSee also [an earlier one](../{}/a{j:04}.md#overview).\n",
            2020 + j % 3
        ));
    }
    s
}

fn gpath(lang: &str, i: usize) -> String {
    format!("content/{lang}/{}/a{i:04}.md", 2020 + i % 3)
}

#[test]
fn generated_site_edits_match_clean_builds() {
    let mut f = generated(200);

    // A body-only edit re-renders only the article itself (and its exports).
    let p = gpath("en", 100);
    f.edit(&p, |t| t + "\nAn added sentence.\n");
    let s = f.rebuild("body edit", &[p.as_str()]);
    assert_eq!(s.parsed, 1);
    assert!(
        s.pages_rendered <= 3,
        "a body edit re-rendered {} pages",
        s.pages_rendered
    );
    assert!(s.files_written <= 3 + s.search_files_written);

    // Editing it back changes nothing else either.
    f.edit(&p, |t| t.replace("\nAn added sentence.\n", ""));
    f.rebuild("body edit undone", &[p.as_str()]);

    let p = gpath("ja", 42);
    f.edit(&p, |t| set_line(t, "title:", "title: \"新しい題名\""));
    let s = f.rebuild("title edit", &[p.as_str()]);
    assert!(s.pages_rendered < 60, "{} pages", s.pages_rendered);

    let p = gpath("en", 7);
    f.edit(&p, |t| set_line(t, "date:", "date: 2026-01-01"));
    f.rebuild("date edit: moves to the top", &[p.as_str()]);

    let p = gpath("en", 150);
    f.edit(&p, |t| set_line(t, "topics:", "topics: [safety, new-term]"));
    f.rebuild("topics edit", &[p.as_str()]);

    let p = gpath("ja", 3);
    f.edit(&p, |t| {
        t.replace("https://example.org/src/3\"", "https://example.org/src/5\"")
    });
    f.rebuild("citation now shared with other articles", &[p.as_str()]);

    let p = gpath("en", 11);
    f.edit(&p, |t| add_front_matter_line(t, "slug: renamed"));
    f.rebuild("slug rename", &[p.as_str()]);

    let p = "content/en/new.md";
    f.write(
        p,
        &generated_article("en", 999).replace("../2020/", "2020/"),
    );
    f.rebuild("new article", &[p]);

    let p = gpath("ja", 199);
    std::fs::remove_file(f.root().join(&p)).unwrap();
    f.rebuild("unlinked article deleted", &[p.as_str()]);

    let p = gpath("en", 60);
    f.edit(&p, |t| t + "\n[broken](nowhere.md)\n");
    assert!(f.inc.rebuild(&[PathBuf::from(&p)]).is_err());
    f.edit(&p, |t| t.replace("\n[broken](nowhere.md)\n", ""));
    f.rebuild("broken link fixed", &[p.as_str()]);

    // Several files at once.
    let a = gpath("en", 20);
    let b = gpath("ja", 20);
    f.edit(&a, |t| set_line(t, "date:", "date: 2019-01-01"));
    f.edit(&b, |t| t + "\nMore.\n");
    f.rebuild("two files", &[a.as_str(), b.as_str()]);
}

/// Aliases: redirect pages and `_redirects` appear, change and disappear
/// with the front-matter, and a link through an alias follows the article.
#[test]
fn alias_edits_match_clean_builds() {
    let mut f = sample();
    const JA: &str = "content/ja/us-china-compute-strategies.md";
    f.edit(EN, |t| {
        set_line(
            t,
            "aliases:",
            "aliases: [stargate-state-fund, renamed-again]",
        )
    });
    f.rebuild("alias added", &[EN]);
    f.edit(EN_WAIC, |t| {
        t + "\nSee [the renamed one](renamed-again.md).\n"
    });
    f.rebuild("link through an alias", &[EN_WAIC]);
    f.edit(EN, |t| {
        set_line(t, "title:", "title: \"A retitled briefing\"")
    });
    f.rebuild("title of an aliased article", &[EN]);
    f.edit(EN_WAIC, |t| {
        t.replace("\nSee [the renamed one](renamed-again.md).\n", "")
    });
    f.rebuild("link removed", &[EN_WAIC]);
    f.edit(EN, |t| set_line(t, "aliases:", "aliases: []"));
    f.rebuild("English aliases removed", &[EN]);
    assert!(f.inc.output().join("_redirects").is_file());
    f.edit(JA, |t| set_line(t, "aliases:", ""));
    f.rebuild("every alias removed", &[JA]);
    assert!(!f.inc.output().join("_redirects").exists());
    assert!(!f.inc.output().join("ja/stargate-state-fund").exists());
}

// ---------------------------------------------------------------------------
// `brief build --cache`: the same oracle, each build a fresh process.

/// A site built by the binary with `--cache`, one process per build.
struct Cached {
    dir: tempfile::TempDir,
    builds: usize,
}

/// Every file of a folder: bytes and inode (a file rewritten through a
/// temporary file and a rename gets a new inode).
fn files_with_inodes(dir: &Path) -> std::collections::BTreeMap<String, (Vec<u8>, u64)> {
    use std::os::unix::fs::MetadataExt;
    if !dir.exists() {
        return Default::default();
    }
    snapshot(dir)
        .into_iter()
        .map(|(k, v)| {
            let ino = std::fs::metadata(dir.join(&k)).unwrap().ino();
            (k, (v, ino))
        })
        .collect()
}

impl Cached {
    fn new(dir: tempfile::TempDir) -> Cached {
        let mut c = Cached { dir, builds: 0 };
        c.build_ok("the first build", "a full build");
        c
    }

    fn root(&self) -> PathBuf {
        self.dir.path().join("site")
    }
    fn out(&self) -> PathBuf {
        self.dir.path().join("out")
    }
    fn cache(&self) -> PathBuf {
        self.dir.path().join("cache")
    }

    fn edit(&self, rel: &str, f: impl FnOnce(String) -> String) {
        let p = self.root().join(rel);
        let text = f(std::fs::read_to_string(&p).unwrap_or_default());
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }

    fn run(&self) -> common::Run {
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_brief"));
        cmd.arg("build")
            .arg("--root")
            .arg(self.root())
            .arg("--output")
            .arg(self.out())
            .arg("--cache")
            .arg(self.cache());
        common::run(cmd)
    }

    /// Builds; checks how (`a full build` or `updated in place`), that the
    /// output equals a clean build, and that an update in place rewrote no
    /// file whose bytes did not change.
    fn build_ok(&mut self, what: &str, how: &str) -> common::Run {
        let before = files_with_inodes(&self.out())
            .into_iter()
            .collect::<Vec<_>>();
        let r = self.run();
        assert_eq!(r.code, 0, "{what}: {}\n{}", r.stdout, r.stderr);
        assert!(
            r.stdout.contains(how),
            "{what}: expected {how}, got: {}",
            r.stdout
        );
        self.assert_same_as_clean(what);
        if how == "updated in place" {
            let after = files_with_inodes(&self.out());
            for (k, (bytes, ino)) in before {
                if let Some((b2, ino2)) = after.get(&k) {
                    if b2 == &bytes {
                        assert_eq!(ino, *ino2, "{what}: {k} was rewritten with the same bytes");
                    }
                }
            }
        }
        r
    }

    fn assert_same_as_clean(&mut self, what: &str) {
        self.builds += 1;
        let clean = self.dir.path().join(format!("clean-{}", self.builds));
        brief::build(&opts(&self.root(), clean.clone()))
            .unwrap_or_else(|f| panic!("{what}: clean build failed: {:?}", f.diagnostics));
        assert_same_output(what, &self.out(), &clean);
        std::fs::remove_dir_all(&clean).unwrap();
    }

    fn pack(&self) -> PathBuf {
        self.cache().join("entries.pack")
    }

    /// The records of the entry pack, as README's "Build cache" describes
    /// the file: after a 47-byte header, each record is a 32-byte key, the
    /// payload's length and CRC-32 (little-endian), the payload. Returns the
    /// offset and length of each payload.
    fn records(&self) -> Vec<(usize, usize)> {
        let bytes = std::fs::read(self.pack()).unwrap();
        assert!(bytes.starts_with(b"brief-cache"));
        let mut at = 47;
        let mut out = Vec::new();
        while at < bytes.len() {
            let len = u32::from_le_bytes(bytes[at + 32..at + 36].try_into().unwrap()) as usize;
            out.push((at + 40, len));
            at += 40 + len;
        }
        assert_eq!(at, bytes.len(), "the pack ends with a whole record");
        out
    }
}

#[test]
fn cached_builds_in_fresh_processes_match_clean_builds() {
    let mut c = Cached::new(generated_site(60));
    assert_eq!(c.records().len(), 120, "one entry per source file");

    let r = c.build_ok("nothing changed", "updated in place");
    assert!(
        r.stdout
            .contains(" 0 parsed, 0 pages rendered, 0 files written, 0 removed"),
        "{}",
        r.stdout
    );

    let p = gpath("en", 30);
    c.edit(&p, |t| t + "\nAn added sentence.\n");
    let r = c.build_ok("body edit", "updated in place");
    assert!(r.stdout.contains(" 1 parsed,"), "{}", r.stdout);

    let p = gpath("ja", 12);
    c.edit(&p, |t| set_line(t, "title:", "title: \"新しい題名\""));
    c.build_ok("title edit", "updated in place");

    let p = gpath("en", 7);
    c.edit(&p, |t| set_line(t, "date:", "date: 2026-01-01"));
    c.build_ok("date edit: moves to the top", "updated in place");

    let p = gpath("en", 50);
    c.edit(&p, |t| set_line(t, "topics:", "topics: [safety, new-term]"));
    c.build_ok("topics edit", "updated in place");

    let p = gpath("ja", 3);
    c.edit(&p, |t| {
        t.replace("https://example.org/src/3\"", "https://example.org/src/5\"")
    });
    c.build_ok("citation now shared", "updated in place");

    let p = gpath("en", 11);
    c.edit(&p, |t| add_front_matter_line(t, "slug: renamed"));
    c.build_ok("slug rename", "updated in place");

    c.edit("content/en/new.md", |_| {
        generated_article("en", 999).replace("../2020/", "2020/")
    });
    c.build_ok("new article", "updated in place");

    let p = gpath("ja", 59);
    std::fs::remove_file(c.root().join(&p)).unwrap();
    c.build_ok("article deleted", "updated in place");
    let records = c.records().len();
    assert!(
        (120..=240).contains(&records),
        "{records} records: the pack keeps at most as many dead entries as live ones"
    );

    // A broken link: the build fails, the output and the cache stay usable.
    let before = snapshot(&c.out());
    let p = gpath("en", 40);
    c.edit(&p, |t| t + "\n[broken](nowhere.md)\n");
    let r = c.run();
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("nowhere.md"), "{}", r.stderr);
    assert!(
        snapshot(&c.out()) == before,
        "a failed build changed the output"
    );
    c.edit(&p, |t| t.replace("\n[broken](nowhere.md)\n", ""));
    c.build_ok("broken link fixed", "updated in place");
}

#[test]
fn a_damaged_or_foreign_cache_is_ignored_with_a_warning() {
    let mut c = Cached::new(generated_site(8));
    let state = c.cache().join("state.bin");

    // Garbage instead of the state.
    std::fs::write(&state, b"not a cache at all").unwrap();
    let r = c.build_ok("garbage state", "a full build");
    assert!(
        r.stderr.contains("cache-ignored") && r.stderr.contains("is not a brief cache file"),
        "{}",
        r.stderr
    );
    let r = c.build_ok("after the garbage state", "updated in place");
    assert!(!r.stderr.contains("cache-ignored"), "{}", r.stderr);

    // The state of another version of brief: its program id differs.
    let mut bytes = std::fs::read(&state).unwrap();
    bytes[20] ^= 0xff;
    std::fs::write(&state, &bytes).unwrap();
    let r = c.build_ok("state of another version", "a full build");
    assert!(
        r.stderr.contains("written by another version of brief"),
        "{}",
        r.stderr
    );

    // Damaged entries: one byte of the first one's payload flipped, and
    // the pack cut short in the middle of the last one.
    let p = gpath("en", 2);
    c.edit(&p, |t| t + "\nOne more sentence.\n");
    c.build_ok("an edit", "updated in place");
    let records = c.records();
    let mut bytes = std::fs::read(c.pack()).unwrap();
    let (at, len) = records[0];
    bytes[at + len / 2] ^= 0x55;
    let (at, len) = records[records.len() - 1];
    bytes.truncate(at + len / 3);
    std::fs::write(c.pack(), &bytes).unwrap();
    let r = c.build_ok("damaged entries", "updated in place");
    assert!(
        r.stderr.contains("cache-ignored") && r.stderr.contains("and 1 more cache entries"),
        "{}",
        r.stderr
    );
    assert!(r.stdout.contains(" 2 parsed,"), "{}", r.stdout);

    // Entries of another version: every file is parsed again.
    let mut bytes = std::fs::read(c.pack()).unwrap();
    bytes[20] ^= 0xff;
    std::fs::write(c.pack(), &bytes).unwrap();
    let r = c.build_ok("entries of another version", "updated in place");
    assert!(
        r.stderr
            .contains("entries.pack was written by another version of brief"),
        "{}",
        r.stderr
    );
    assert!(r.stdout.contains(" 16 parsed,"), "{}", r.stdout);

    // Without a state, the entries are found by walking the pack.
    std::fs::remove_file(&state).unwrap();
    let r = c.build_ok("no state", "a full build");
    assert!(r.stdout.contains(" 0 parsed,"), "{}", r.stdout);
    let r = c.build_ok("all repaired", "updated in place");
    assert!(!r.stderr.contains("cache-ignored"), "{}", r.stderr);
}

#[test]
fn setup_changes_and_a_replaced_output_make_a_full_build() {
    let mut c = Cached::new(generated_site(8));

    // A theme change: every page may differ.
    c.edit("themes/default/templates/base.html", |t| {
        t.replacen("<body", "<body data-test=\"theme-edit\"", 1)
    });
    c.build_ok("theme edit", "a full build");

    // A locale change.
    c.edit("locales/en/main.ftl", |t| {
        t + "\ncache-test-message = Added\n"
    });
    c.build_ok("locale edit", "a full build");
    c.build_ok("no change after the locale edit", "updated in place");

    // The output replaced by a build without the cache: a different folder.
    brief::build(&opts(&c.root(), c.out())).unwrap();
    let p = gpath("ja", 1);
    c.edit(&p, |t| t + "\n追記。\n");
    c.build_ok("output replaced by another build", "a full build");

    // An interrupted update in place leaves no state behind.
    std::fs::remove_file(c.cache().join("state.bin")).unwrap();
    std::fs::write(c.out().join("ja/index.html"), "half-written").unwrap();
    c.build_ok("after an interrupted update", "a full build");
}

/// Sets every file under `dir` as last modified an hour ago.
fn age_files(dir: &Path) {
    let past = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
    for e in walkdir::WalkDir::new(dir).into_iter().flatten() {
        if e.file_type().is_file() {
            let f = std::fs::File::options().write(true).open(e.path()).unwrap();
            f.set_modified(past).unwrap();
        }
    }
}

#[test]
fn files_unchanged_since_the_last_build_are_not_read_but_a_restored_time_is_not_trusted() {
    let dir = generated_site(8);
    age_files(&dir.path().join("site/content"));
    let mut c = Cached::new(dir);
    let r = c.build_ok("nothing changed", "updated in place");
    assert!(
        r.stdout.contains(" 0 of 16 source files read, 0 parsed,"),
        "{}",
        r.stdout
    );

    // An ordinary edit: a new modification time.
    let p = gpath("en", 3);
    c.edit(&p, |t| t + "\nAn added line.\n");
    let r = c.build_ok("an edit", "updated in place");
    assert!(
        r.stdout.contains(" 1 of 16 source files read, 1 parsed,"),
        "{}",
        r.stdout
    );

    // The same length and the old modification time, as a restore or a
    // copy that keeps times would leave it: the change time still differs.
    let p = gpath("ja", 5);
    let path = c.root().join(&p);
    let old = std::fs::metadata(&path).unwrap().modified().unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    let changed = text
        .replacen("title: \"", "title: \"X", 1)
        .replacen("\n\n", "\n", 1);
    assert_eq!(changed.len(), text.len());
    std::fs::write(&path, &changed).unwrap();
    std::fs::File::options()
        .write(true)
        .open(&path)
        .unwrap()
        .set_modified(old)
        .unwrap();
    let r = c.build_ok("same length, old time", "updated in place");
    assert!(r.stdout.contains(" 1 parsed,"), "{}", r.stdout);
}

#[test]
fn a_cache_folder_inside_the_output_is_refused() {
    let dir = generated_site(2);
    let root = dir.path().join("site");
    let out = dir.path().join("out");
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_brief"));
    cmd.arg("build")
        .arg("--root")
        .arg(&root)
        .arg("--output")
        .arg(&out)
        .arg("--cache")
        .arg(out.join("cache"));
    let r = common::run(cmd);
    assert_eq!(r.code, 1, "{}\n{}", r.stdout, r.stderr);
    assert!(
        r.stderr.contains("unsafe-cache-dir") && r.stderr.contains("inside the output folder"),
        "{}",
        r.stderr
    );
    assert!(
        !out.join("cache").exists(),
        "nothing was written into the output"
    );
}
