//! Never lose data: `brief` refuses output folders that would destroy the
//! editor's work, replaces only a folder it created (the `.brief-output`
//! stamp), keeps the previous output when a build fails or is killed, and
//! `new`, `translate` and `import` never overwrite a file without `--force`.
//!
//! Every test snapshots the folders involved (every file's bytes, every
//! folder and link) and compares after the command.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

mod common;
use common::{copy_tree, repo};

fn write(root: &Path, rel: &str, text: impl AsRef<[u8]>) {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    std::fs::write(path, text).expect("write");
}

fn article(title: &str, body: &str) -> String {
    format!("---\ntitle: \"{title}\"\ndate: 2025-01-01\n---\n{body}\n")
}

/// `outer/site/`: a site with the repository's theme and locales, a static/
/// folder and a .git/ folder, inside an outer folder that tests snapshot whole.
struct World {
    outer: tempfile::TempDir,
}

impl World {
    fn new() -> World {
        let outer = tempfile::Builder::new()
            .prefix("brief-safety-")
            .tempdir()
            .expect("temp dir");
        let root = outer.path().join("site");
        std::fs::create_dir_all(&root).unwrap();
        copy_tree(&repo().join("themes"), &root.join("themes"));
        copy_tree(&repo().join("locales"), &root.join("locales"));
        let w = World { outer };
        w.set_output_dir("public");
        write(&root, "content/en/one.md", article("One", "First."));
        write(&root, "content/ja/one.md", article("一", "最初。"));
        write(&root, "static/favicon.txt", "an editor's static file");
        write(&root, ".git/HEAD", "ref: refs/heads/main\n");
        // A folder beside the site, so "outside the root" has something to lose.
        write(w.outer(), "sibling/keep.txt", "beside the site");
        w
    }
    fn root(&self) -> PathBuf {
        self.outer.path().join("site")
    }
    fn outer(&self) -> &Path {
        self.outer.path()
    }
    fn set_output_dir(&self, dir: &str) {
        let text = std::fs::read_to_string(repo().join("book.toml")).unwrap();
        let text = text.replace(
            "output_dir = \"public\"",
            &format!("output_dir = {}", toml_string(dir)),
        );
        assert!(text.contains("output_dir"));
        write(&self.root(), "book.toml", text);
    }
    /// `brief build ARGS` is refused as an unsafe output folder, and nothing
    /// beside the site changes.
    fn build_refused(&self, args: &[&str], what: &str) -> Output {
        let before = snapshot(self.outer());
        let out = self.build(args);
        assert_refused(&out, "unsafe-output-dir", what);
        assert_same(&before, &snapshot(self.outer()), what);
        out
    }
    fn brief(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_brief"))
            .args(args)
            .arg("--root")
            .arg(self.root())
            .env("NO_COLOR", "1")
            .stdin(Stdio::null())
            .output()
            .expect("run brief")
    }
    fn build(&self, extra: &[&str]) -> Output {
        let mut args = vec!["build"];
        args.extend_from_slice(extra);
        self.brief(&args)
    }
}

fn toml_string(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

#[derive(Debug, PartialEq, Eq)]
enum Node {
    Dir,
    File(Vec<u8>),
    Link(PathBuf),
}

/// Every folder, file (with its bytes) and link under `dir`.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Node> {
    let mut out = BTreeMap::new();
    for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let entry = entry.expect("walk");
        let rel = entry.path().strip_prefix(dir).unwrap().to_path_buf();
        let ft = entry.file_type();
        let node = if ft.is_symlink() {
            Node::Link(std::fs::read_link(entry.path()).unwrap())
        } else if ft.is_dir() {
            Node::Dir
        } else {
            Node::File(std::fs::read(entry.path()).unwrap())
        };
        out.insert(rel, node);
    }
    out
}

fn assert_same(before: &BTreeMap<PathBuf, Node>, after: &BTreeMap<PathBuf, Node>, what: &str) {
    if before == after {
        return;
    }
    let gone: Vec<_> = before.keys().filter(|k| !after.contains_key(*k)).collect();
    let new: Vec<_> = after.keys().filter(|k| !before.contains_key(*k)).collect();
    let changed: Vec<_> = before
        .iter()
        .filter(|(k, v)| after.get(*k).is_some_and(|a| a != *v))
        .map(|(k, _)| k)
        .collect();
    panic!("{what}: files changed\n  removed: {gone:?}\n  added: {new:?}\n  modified: {changed:?}");
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Makes the 404 template fail while rendering (it parses); returns its path
/// and original text.
fn break_404_at_render(root: &Path) -> (PathBuf, String) {
    let tpl = root.join("themes/default/templates/404.html");
    let original = std::fs::read_to_string(&tpl).unwrap();
    assert!(original.contains("</main>"), "the 404 template changed");
    std::fs::write(&tpl, original.replace("</main>", "{{ nope.nope }}</main>")).unwrap();
    (tpl, original)
}

fn assert_refused(o: &Output, code: &str, what: &str) {
    let err = stderr(o);
    assert_eq!(o.status.code(), Some(1), "{what}: exit code\n{err}");
    assert!(
        err.contains(&format!("[{code}]")),
        "{what}: no {code}\n{err}"
    );
    assert!(!err.contains("panicked"), "{what}\n{err}");
}

fn assert_built(o: &Output, what: &str) {
    assert_eq!(o.status.code(), Some(0), "{what}\n{}", stderr(o));
}

// ---------------------------------------------------------------------------
// Where the output may go
// ---------------------------------------------------------------------------

#[test]
fn unsafe_output_dirs_in_book_toml_are_refused_and_nothing_changes() {
    let w = World::new();
    let abs_outside = w.outer().join("elsewhere");
    let cases: Vec<String> = vec![
        "".into(),
        ".".into(),
        "./".into(),
        "..".into(),
        "../..".into(),
        "content".into(),
        "content/en".into(),
        "content/public".into(),
        "themes".into(),
        "themes/default/static".into(),
        "locales".into(),
        "locales/en".into(),
        "static".into(),
        ".git".into(),
        "content/../themes".into(),
        "../sibling".into(),
        "../site-public".into(),
        abs_outside.display().to_string(),
        "/".into(),
        "book.toml".into(),
        // brief serve's preview folders.
        ".brief".into(),
        ".brief/serve/1111".into(),
    ];
    for dir in cases {
        w.set_output_dir(&dir);
        w.build_refused(&[], &format!("output_dir = {dir:?}"));
    }
}

#[test]
fn unsafe_output_flags_are_refused_and_nothing_changes() {
    let w = World::new();
    let root = w.root();
    let cases: Vec<PathBuf> = vec![
        root.clone(),
        root.join("content"),
        root.join("themes/default"),
        root.join("locales"),
        root.join("static"),
        root.join(".git/objects"),
        w.outer().to_path_buf(),
        PathBuf::from("/"),
        root.join("book.toml"),
        // Not empty and not made by brief.
        w.outer().join("sibling"),
        // Where replaced outputs are deleted, and the folder holding it.
        root.join(".brief/trash/site"),
        root.join(".brief"),
    ];
    for dir in cases {
        w.build_refused(
            &["--output", dir.to_str().unwrap()],
            &format!("--output {}", dir.display()),
        );
    }
}

/// Outside the root is allowed when `--output` names the folder; a new
/// folder is created and nothing else changes.
#[test]
fn an_explicit_output_outside_the_root_is_allowed() {
    let w = World::new();
    let target = w.outer().join("www");
    let before = snapshot(w.outer());
    let out = w.build(&["--output", target.to_str().unwrap()]);
    assert_built(&out, "--output outside the root");
    assert!(target.join(".brief-output").is_file());
    assert!(target.join("en/one/index.html").is_file());
    let after = snapshot(w.outer());
    // The build lock beside the output stays, empty between builds.
    let lock = PathBuf::from(".brief-lock-www");
    assert_eq!(after.get(&lock), Some(&Node::File(Vec::new())));
    let mut expected_after: Vec<&PathBuf> = before.keys().collect();
    expected_after.push(&lock);
    expected_after.extend(after.keys().filter(|k| k.starts_with("www")));
    expected_after.sort();
    assert_eq!(after.keys().collect::<Vec<_>>(), expected_after);
    assert_same(
        &before,
        &after
            .into_iter()
            .filter(|(k, _)| !k.starts_with("www") && *k != lock)
            .collect(),
        "everything but www/",
    );
}

#[cfg(unix)]
#[test]
fn symbolic_links_do_not_smuggle_the_output_into_protected_folders() {
    use std::os::unix::fs::symlink;
    let w = World::new();
    let root = w.root();
    // public -> content
    symlink(root.join("content"), root.join("public")).unwrap();
    w.build_refused(&[], "public linked to content/");
    std::fs::remove_file(root.join("public")).unwrap();

    // content/ is itself a link to a folder outside the root: an explicit
    // output inside (or around) the real folder is still refused.
    let real = w.outer().join("data/content");
    std::fs::create_dir_all(real.parent().unwrap()).unwrap();
    std::fs::rename(root.join("content"), &real).unwrap();
    symlink(&real, root.join("content")).unwrap();
    for dir in [real.join("out"), w.outer().join("data")] {
        w.build_refused(
            &["--output", dir.to_str().unwrap()],
            &format!("--output {}", dir.display()),
        );
    }
    // The site still builds into its own public/.
    assert_built(&w.build(&[]), "content/ as a link");
}

// ---------------------------------------------------------------------------
// Only folders brief created
// ---------------------------------------------------------------------------

#[test]
fn a_folder_without_the_stamp_is_never_replaced() {
    let w = World::new();
    let public = w.root().join("public");
    write(&public, "notes.txt", "the editor keeps notes here");
    write(&public, "drafts/idea.md", "an idea");
    let out = w.build_refused(&[], "public/ without the stamp");
    assert!(stderr(&out).contains(".brief-output"), "{}", stderr(&out));

    // An empty folder is fine: it becomes brief's.
    std::fs::remove_dir_all(&public).unwrap();
    std::fs::create_dir(&public).unwrap();
    assert_built(&w.build(&[]), "empty public/");
    assert!(public.join(".brief-output").is_file());

    // A stamped folder is replaced entirely, and nothing beside it changes
    // but brief's trash folder, where the replaced output waits to be
    // deleted by the next build.
    write(&public, "stale.html", "from an old build");
    let beside = |k: &Path| !k.starts_with("site/public") && !k.starts_with("site/.brief/trash");
    let before: BTreeMap<_, _> = snapshot(w.outer())
        .into_iter()
        .filter(|(k, _)| beside(k))
        .collect();
    assert_built(&w.build(&[]), "stamped public/");
    assert!(!public.join("stale.html").exists());
    let after: BTreeMap<_, _> = snapshot(w.outer())
        .into_iter()
        .filter(|(k, _)| beside(k))
        .collect();
    assert_same(&before, &after, "beside a stamped public/");
    let trash: Vec<PathBuf> = std::fs::read_dir(w.root().join(".brief/trash"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    // (The empty folder the build before replaced may still be there: this
    // build deleted it on a thread that need not have finished.)
    assert!(
        trash.iter().any(|t| t.join("stale.html").is_file()),
        "the replaced output is in the trash: {trash:?}"
    );
}

// ---------------------------------------------------------------------------
// The previous output survives
// ---------------------------------------------------------------------------

/// The staging and old folders in `dir` (not the lock files, which stay).
fn leftovers(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".brief-") && !n.starts_with(".brief-lock-"))
        .collect();
    names.sort();
    names
}

/// Whether a page (an `index.html`, at any depth) was written into `dir`;
/// the stamp file alone is there from the start.
fn holds_a_page(dir: &Path) -> bool {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .any(|e| e.file_type().is_file() && e.file_name() == "index.html")
}

#[test]
fn the_previous_output_survives_failed_builds() {
    let w = World::new();
    let root = w.root();
    assert_built(&w.build(&[]), "first build");
    let before = snapshot(&root.join("public"));

    // A content error: the build stops before writing anything.
    write(&root, "content/en/broken.md", "---\ntitle: \"Broken\"\n");
    let out = w.build(&[]);
    assert_refused(&out, "unclosed-front-matter", "content error");
    assert!(stderr(&out).contains("previous output is untouched"));
    assert_same(
        &before,
        &snapshot(&root.join("public")),
        "after a content error",
    );
    std::fs::remove_file(root.join("content/en/broken.md")).unwrap();

    // A template that fails while rendering: the staging folder is written,
    // then discarded.
    break_404_at_render(&root);
    let out = w.build(&[]);
    assert_refused(&out, "template-render", "render error");
    assert_same(
        &before,
        &snapshot(&root.join("public")),
        "after a render error",
    );
    assert_eq!(leftovers(&root), Vec::<String>::new());
}

fn big_site(w: &World, n: usize) {
    let root = w.root();
    for i in 0..n {
        let body: String = (0..20)
            .map(|j| format!("Paragraph {j} of article {i}, with *some* text [1].\n\n"))
            .collect();
        write(
            &root,
            &format!("content/en/a{i:05}.md"),
            format!(
                "---\ntitle: \"Article {i}\"\ndate: 2025-01-{:02}\ntopics: [ai-governance]\ncitations:\n  - id: \"1\"\n    title: \"Source {}\"\n    url: \"https://example.com/s/{}\"\n---\n{body}",
                i % 28 + 1,
                i % 100,
                i % 100
            ),
        );
    }
}

/// SIGKILL in the middle of writing: the old output is byte-identical, and the
/// next build succeeds and removes the staging leftovers.
#[cfg(unix)]
#[test]
fn the_previous_output_survives_a_killed_build() {
    let w = World::new();
    let root = w.root();
    assert_built(&w.build(&[]), "first build");
    let before = snapshot(&root.join("public"));

    big_site(&w, 2000);
    let mut child = Command::new(env!("CARGO_BIN_EXE_brief"))
        .args(["build", "--root"])
        .arg(&root)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Kill it once the staging folder holds a page: mid-write, whatever the
    // machine's speed.
    let start = Instant::now();
    let staging = loop {
        if let Some(s) = leftovers(&root)
            .into_iter()
            .find(|n| n.starts_with(".brief-staging-") && holds_a_page(&root.join(n)))
        {
            break s;
        }
        if let Some(status) = child.try_wait().unwrap() {
            panic!("the build ended ({status}) before its staging folder held a page");
        }
        assert!(
            start.elapsed() < Duration::from_secs(300),
            "no page in a staging folder"
        );
        std::thread::sleep(Duration::from_millis(2));
    };
    child.kill().unwrap();
    let status = child.wait().unwrap();
    assert!(!status.success(), "the build finished before it was killed");
    assert!(
        root.join(&staging).is_dir(),
        "the killed build left no staging folder; was it killed mid-build?"
    );
    assert_same(&before, &snapshot(&root.join("public")), "after SIGKILL");

    assert_built(&w.build(&[]), "the build after the kill");
    assert_eq!(leftovers(&root), Vec::<String>::new(), "leftovers remain");
    assert!(root.join("public/en/a01999/index.html").is_file());
}

/// Killed between moving the old output aside and moving the new one in: the
/// next build moves the old output back before anything else, so even a
/// build that then fails leaves it in place.
#[test]
fn an_output_moved_aside_by_a_killed_build_is_restored() {
    let w = World::new();
    let root = w.root();
    assert_built(&w.build(&[]), "first build");
    let before = snapshot(&root.join("public"));
    std::fs::rename(root.join("public"), root.join(".brief-old-public-Ab12Cd")).unwrap();
    // A leftover of another output folder beside it is not touched.
    write(&root, ".brief-old-www-Zz99Yy/.brief-output", "");
    write(
        &root,
        ".brief-old-www-Zz99Yy/index.html",
        "another site's output",
    );

    let (tpl, original) = break_404_at_render(&root);
    let out = w.build(&[]);
    assert_refused(&out, "template-render", "render error");
    assert_same(&before, &snapshot(&root.join("public")), "restored output");
    assert_eq!(leftovers(&root), vec![".brief-old-www-Zz99Yy".to_string()]);

    std::fs::write(&tpl, original).unwrap();
    assert_built(&w.build(&[]), "after the fix");
    assert_eq!(leftovers(&root), vec![".brief-old-www-Zz99Yy".to_string()]);
}

// ---------------------------------------------------------------------------
// Two builds at once
// ---------------------------------------------------------------------------

/// A `brief build` running in the background; killed (and continued first,
/// should it be stopped) if the test ends before it does.
#[cfg(unix)]
struct Running {
    child: std::process::Child,
    lines: std::sync::mpsc::Receiver<String>,
    stderr: Vec<String>,
}

#[cfg(unix)]
impl Running {
    fn start(root: &Path, extra: &[&str]) -> Running {
        use std::io::BufRead;
        let mut child = Command::new(env!("CARGO_BIN_EXE_brief"))
            .arg("build")
            .args(extra)
            .arg("--root")
            .arg(root)
            .env("NO_COLOR", "1")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("run brief");
        let (tx, lines) = std::sync::mpsc::channel();
        let err = child.stderr.take().unwrap();
        std::thread::spawn(move || {
            for line in std::io::BufReader::new(err).lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        Running {
            child,
            lines,
            stderr: Vec::new(),
        }
    }

    fn signal(&self, sig: &str) {
        let ok = Command::new("kill")
            .arg(format!("-{sig}"))
            .arg(self.child.id().to_string())
            .status()
            .expect("kill")
            .success();
        assert!(ok, "kill -{sig}");
        if sig == "STOP" {
            self.wait_stopped();
        }
    }

    /// Waits until every thread of the process is stopped (state `T` in
    /// /proc): a signal is delivered to each thread on its way back from the
    /// kernel, so a file being written when it was sent may still appear.
    fn wait_stopped(&self) {
        let tasks = format!("/proc/{}/task", self.child.id());
        let start = Instant::now();
        loop {
            let all_stopped = std::fs::read_dir(&tasks)
                .expect("the process's threads")
                .filter_map(Result::ok)
                .all(|t| {
                    std::fs::read_to_string(t.path().join("stat")).is_ok_and(|stat| {
                        stat.rsplit_once(')')
                            .is_some_and(|(_, rest)| rest.trim_start().starts_with('T'))
                    })
                });
            if all_stopped {
                return;
            }
            assert!(
                start.elapsed() < Duration::from_secs(30),
                "the build did not stop"
            );
            std::thread::yield_now();
        }
    }

    /// Waits until the build prints a line containing `what` on stderr.
    fn wait_for_line(&mut self, what: &str) -> String {
        let start = Instant::now();
        loop {
            match self.lines.recv_timeout(Duration::from_millis(50)) {
                Ok(line) => {
                    self.stderr.push(line.clone());
                    if line.contains(what) {
                        return line;
                    }
                }
                Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {
                    if let Some(status) = self.child.try_wait().unwrap() {
                        panic!(
                            "the build ended ({status}) without printing {what:?}:\n{}",
                            self.stderr.join("\n")
                        );
                    }
                }
                Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => {
                    panic!(
                        "stderr closed without {what:?}:\n{}",
                        self.stderr.join("\n")
                    )
                }
            }
            assert!(
                start.elapsed() < Duration::from_secs(300),
                "no {what:?} on stderr"
            );
        }
    }

    /// Waits for the end; returns the exit code, standard output and the
    /// whole standard error.
    fn finish(mut self) -> (Option<i32>, String, String) {
        use std::io::Read;
        let mut out = String::new();
        self.child
            .stdout
            .take()
            .unwrap()
            .read_to_string(&mut out)
            .unwrap();
        let status = self.child.wait().unwrap();
        self.stderr.extend(self.lines.iter());
        (status.code(), out, self.stderr.join("\n"))
    }
}

#[cfg(unix)]
impl Drop for Running {
    fn drop(&mut self) {
        if self.child.try_wait().ok().flatten().is_none() {
            let _ = self.child.kill();
            let _ = Command::new("kill")
                .arg("-CONT")
                .arg(self.child.id().to_string())
                .status();
            let _ = self.child.wait();
        }
    }
}

/// The staging folder of `root`'s public/ once it holds a page.
#[cfg(unix)]
fn staging_with_a_page(root: &Path, build: &mut Running) -> PathBuf {
    let start = Instant::now();
    loop {
        if let Some(s) = leftovers(root)
            .into_iter()
            .find(|n| n.starts_with(".brief-staging-public-") && holds_a_page(&root.join(n)))
        {
            return root.join(s);
        }
        if let Some(status) = build.child.try_wait().unwrap() {
            panic!("the build ended ({status}) before its staging folder held a page");
        }
        assert!(
            start.elapsed() < Duration::from_secs(300),
            "no page in a staging folder"
        );
        std::thread::sleep(Duration::from_millis(2));
    }
}

/// A clean build of `root` into a fresh folder, as a snapshot.
fn clean_build(w: &World, root: &Path, name: &str) -> BTreeMap<PathBuf, Node> {
    let dir = w.outer().join(name);
    let out = Command::new(env!("CARGO_BIN_EXE_brief"))
        .args(["build", "--root"])
        .arg(root)
        .arg("--output")
        .arg(&dir)
        .output()
        .unwrap();
    assert_built(&out, "the clean build");
    snapshot(&dir)
}

/// Build A is stopped (SIGSTOP) while it writes its staging folder; build B
/// of the same output starts, says it waits for A (naming its pid), and is
/// killed. A's staging folder is untouched, A then finishes with exit 0, and
/// public/ holds exactly the site a clean build makes.
#[cfg(unix)]
#[test]
fn a_second_build_killed_while_the_first_writes_takes_nothing_from_it() {
    let w = World::new();
    let root = w.root();
    big_site(&w, 2000);
    let mut a = Running::start(&root, &[]);
    let staging = staging_with_a_page(&root, &mut a);
    a.signal("STOP");
    let before = snapshot(&staging);

    let mut b = Running::start(&root, &[]);
    let line = b.wait_for_line("waiting for");
    assert!(
        line.contains(&format!("(pid {})", a.child.id())),
        "B names A: {line}"
    );
    b.child.kill().unwrap();
    let (code, _, _) = b.finish();
    assert_eq!(code, None, "B was killed");
    assert_same(&before, &snapshot(&staging), "A's staging folder after B");

    a.signal("CONT");
    let (code, out, err) = a.finish();
    assert_eq!(code, Some(0), "{err}");
    assert!(out.starts_with("built "), "{out}");
    assert_eq!(leftovers(&root), Vec::<String>::new());
    let expected = clean_build(&w, &root, "clean");
    assert_same(
        &expected,
        &snapshot(&root.join("public")),
        "public/ after A",
    );
    assert!(root.join("public/en/a01999/index.html").is_file());
}

/// Two different sites build into one `--output` at once: the second waits
/// for the first, both succeed, and the output is exactly the second site,
/// byte for byte as a clean build of it.
#[cfg(unix)]
#[test]
fn two_builds_into_one_output_both_complete_one_after_the_other() {
    let w = World::new();
    let big = w.root();
    big_site(&w, 2000);
    let small = World::new();
    write(
        &small.root(),
        "content/en/two.md",
        article("Two", "Second."),
    );
    let shared = w.outer().join("www");
    let shared_arg = shared.to_str().unwrap();

    let mut a = Running::start(&big, &["--output", shared_arg]);
    let start = Instant::now();
    loop {
        let staging = leftovers(w.outer())
            .into_iter()
            .find(|n| n.starts_with(".brief-staging-www-"));
        if staging.is_some_and(|s| holds_a_page(&w.outer().join(s))) {
            break;
        }
        assert!(a.child.try_wait().unwrap().is_none(), "A ended early");
        assert!(start.elapsed() < Duration::from_secs(300), "no staging");
        std::thread::sleep(Duration::from_millis(2));
    }
    a.signal("STOP");
    let mut b = Running::start(&small.root(), &["--output", shared_arg]);
    b.wait_for_line("waiting for");
    a.signal("CONT");

    let (code_a, out_a, err_a) = a.finish();
    assert_eq!(code_a, Some(0), "{err_a}");
    assert!(out_a.contains("built "), "{out_a}");
    let (code_b, _, err_b) = b.finish();
    assert_eq!(code_b, Some(0), "{err_b}");
    assert_eq!(
        err_b.matches("waiting for").count(),
        1,
        "B says once that it waits:\n{err_b}"
    );
    assert_eq!(leftovers(w.outer()), Vec::<String>::new());
    let expected = clean_build(&small, &small.root(), "clean");
    assert_same(&expected, &snapshot(&shared), "the shared output");
}

/// While another process holds the output's lock, `--no-wait` fails at once
/// with exit 1, naming it, and changes nothing; without it the build waits,
/// says so once, and builds when the lock is released.
#[test]
fn no_wait_fails_while_another_process_holds_the_lock() {
    let w = World::new();
    let root = w.root();
    assert_built(&w.build(&[]), "first build");
    let lock_path = root.join(".brief-lock-public");
    assert!(lock_path.is_file(), "the lock file is beside the output");
    let mut lock = std::fs::OpenOptions::new()
        .write(true)
        .open(&lock_path)
        .unwrap();
    lock.lock().unwrap();
    {
        use std::io::Write;
        write!(lock, "{}", std::process::id()).unwrap();
    }
    let before = snapshot(w.outer());

    let out = w.build(&["--no-wait"]);
    assert_refused(&out, "output-locked", "--no-wait");
    let err = stderr(&out);
    assert!(
        err.contains(&format!("(pid {})", std::process::id())),
        "names the holder: {err}"
    );
    assert!(err.contains("public"), "names the output: {err}");
    assert_same(&before, &snapshot(w.outer()), "after --no-wait");

    #[cfg(unix)]
    {
        let mut waiting = Running::start(&root, &[]);
        waiting.wait_for_line("waiting for");
        lock.unlock().unwrap();
        let (code, _, err) = waiting.finish();
        assert_eq!(code, Some(0), "{err}");
        assert_eq!(err.matches("waiting for").count(), 1, "{err}");
    }
}

// ---------------------------------------------------------------------------
// new, translate, import
// ---------------------------------------------------------------------------

#[test]
fn new_translate_and_import_never_overwrite_without_force() {
    let w = World::new();
    let root = w.root();
    write(
        &root,
        "content/en/existing.md",
        article("Existing", "The editor's words."),
    );
    write(
        &root,
        "content/ja/existing.md",
        article("既存", "編集者の文章。"),
    );
    let text_file = w.outer().join("incoming.txt");
    std::fs::write(
        &text_file,
        "Incoming briefing\n\nA paragraph of the imported briefing, long enough to be a body.\n",
    )
    .unwrap();
    let text_path = text_file.to_str().unwrap();

    let attempts: Vec<Vec<&str>> = vec![
        vec!["new", "en", "existing"],
        vec!["new", "ja", "existing"],
        vec!["translate", "existing", "--to", "en"],
        vec!["translate", "existing", "--from", "en", "--to", "ja"],
        vec!["import", text_path, "--lang", "en", "--slug", "existing"],
    ];
    for args in &attempts {
        let before = snapshot(w.outer());
        let out = w.brief(args);
        assert_refused(&out, "file-exists", &args.join(" "));
        assert!(stderr(&out).contains("--force"), "{}", stderr(&out));
        assert_same(&before, &snapshot(w.outer()), &args.join(" "));
    }

    // Slugs that would write outside content/<lang>/ are refused, too.
    for args in [
        vec!["new", "en", "../../escape"],
        vec!["import", text_path, "--lang", "en", "--slug", "../escape"],
    ] {
        let before = snapshot(w.outer());
        let out = w.brief(&args);
        assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
        assert_same(&before, &snapshot(w.outer()), &args.join(" "));
    }

    // With --force the file is replaced (and only that file).
    let before = std::fs::read(root.join("content/en/existing.md")).unwrap();
    let out = w.brief(&["new", "en", "existing", "--force"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_ne!(
        std::fs::read(root.join("content/en/existing.md")).unwrap(),
        before
    );
}

/// `brief ARGS --root ROOT` under a given umask (through `sh`).
#[cfg(unix)]
fn brief_with_umask(w: &World, umask: &str, args: &[&str]) -> Output {
    Command::new("sh")
        .arg("-c")
        .arg(format!("umask {umask} && exec \"$@\""))
        .arg("sh")
        .arg(env!("CARGO_BIN_EXE_brief"))
        .args(args)
        .arg("--root")
        .arg(w.root())
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .output()
        .expect("run brief")
}

#[cfg(unix)]
fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

/// Files that new, translate and import create get the mode the umask gives
/// (`0666 & !umask`, like an editor's), not tempfile's 0600; `--force` keeps
/// the mode of the file it replaces.
#[cfg(unix)]
#[test]
fn new_translate_and_import_respect_the_umask_and_keep_modes_on_force() {
    use std::os::unix::fs::PermissionsExt;
    let w = World::new();
    let root = w.root();
    let text_file = w.outer().join("incoming.txt");
    std::fs::write(
        &text_file,
        "Incoming briefing\n\nA paragraph of the imported briefing, long enough to be a body.\n",
    )
    .unwrap();
    let text_path = text_file.to_str().unwrap();
    let cases: Vec<(&str, Vec<&str>, &str)> = vec![
        ("022", vec!["new", "en", "fresh"], "content/en/fresh.md"),
        ("002", vec!["new", "ja", "fresh"], "content/ja/fresh.md"),
        (
            "077",
            vec!["import", text_path, "--lang", "en", "--slug", "imported"],
            "content/en/imported.md",
        ),
        (
            "022",
            vec![
                "translate",
                "fresh",
                "--from",
                "en",
                "--to",
                "ja",
                "--force",
            ],
            "content/ja/fresh.md",
        ),
    ];
    for (umask, args, rel) in &cases {
        let out = brief_with_umask(&w, umask, args);
        assert_eq!(out.status.code(), Some(0), "{args:?}: {}", stderr(&out));
        let want = match (*umask, args[0]) {
            // Replaced with --force: keeps the 0664 that umask 002 gave it.
            (_, "translate") => 0o664,
            (u, _) => 0o666 & !u32::from_str_radix(u, 8).unwrap(),
        };
        assert_eq!(mode(&root.join(rel)), want, "{args:?} under umask {umask}");
    }
    // --force keeps an existing file's mode, even under a strict umask.
    let existing = root.join("content/en/one.md");
    for m in [0o644, 0o640] {
        std::fs::set_permissions(&existing, std::fs::Permissions::from_mode(m)).unwrap();
        let out = brief_with_umask(&w, "077", &["new", "en", "one", "--force"]);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        assert_eq!(mode(&existing), m, "--force kept {m:o}");
    }
}

/// A `content/en` that is a symbolic link to a folder outside the root: `new`
/// does not write through it.
#[cfg(unix)]
#[test]
fn new_refuses_a_content_folder_linked_outside_the_root() {
    let w = World::new();
    let root = w.root();
    std::fs::create_dir_all(w.outer().join("elsewhere")).unwrap();
    std::fs::remove_dir_all(root.join("content/en")).unwrap();
    std::os::unix::fs::symlink(w.outer().join("elsewhere"), root.join("content/en")).unwrap();
    let before = snapshot(w.outer());
    let out = w.brief(&["new", "en", "escaped"]);
    assert_refused(
        &out,
        "symlink-outside-root",
        "new through a linked content/en",
    );
    assert_same(
        &before,
        &snapshot(w.outer()),
        "new through a linked content/en",
    );
    assert!(!w.outer().join("elsewhere/escaped.md").exists());

    // A link that stays inside the root is fine.
    std::fs::remove_file(root.join("content/en")).unwrap();
    std::fs::create_dir_all(root.join("shared/en")).unwrap();
    std::os::unix::fs::symlink("../shared/en", root.join("content/en")).unwrap();
    let out = w.brief(&["new", "en", "inside"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(root.join("shared/en/inside.md").is_file());
}

/// A refused `--output` names the real cause and blames `--output`, not
/// book.toml: a dangling symbolic link, a file where a folder should be.
#[test]
fn a_refused_output_names_the_real_cause() {
    let site = common::site_copy();
    let root = site.path();
    let link = root.join("dangling");
    std::os::unix::fs::symlink(root.join("missing/folder"), &link).unwrap();
    std::fs::write(root.join("afile"), "x").unwrap();
    for (output, needle) in [
        (link.clone(), "is a symbolic link to"),
        (root.join("afile/out"), "is a file, not a folder"),
        (root.join("content/x"), "inside content/"),
    ] {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_brief"))
            .args(["build", "--root"])
            .arg(root)
            .arg("--output")
            .arg(&output)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{stderr}");
        assert!(stderr.contains(needle), "{}: {stderr}", output.display());
        assert!(stderr.contains("--output"), "{stderr}");
        assert!(!stderr.contains("in book.toml"), "{stderr}");
    }
    assert!(!root.join("missing").exists());
}

/// Rebuilding into the same folder after an edit: the output is byte for
/// byte a clean build's, the files whose bytes did not change are the same
/// inodes as before (hard-linked, not written), the edited page is a new
/// file, and the replaced output waits in `.brief/trash/`, outside the output.
#[cfg(unix)]
#[test]
fn a_rebuild_into_the_same_folder_links_unchanged_files_and_equals_a_clean_build() {
    use std::os::unix::fs::MetadataExt;
    let w = World::new();
    let root = w.root();
    assert_built(&w.build(&[]), "first build");
    let public = root.join("public");
    let ino = |rel: &str| std::fs::metadata(public.join(rel)).unwrap().ino();
    let (edited, untouched) = ("en/one/index.html", "ja/one/index.html");
    let before = (ino(edited), ino(untouched), ino("favicon.txt"));

    write(&root, "content/en/one.md", article("One", "First, edited."));
    assert_built(&w.build(&[]), "the rebuild");
    // Before the clean build, which starts deleting the trash.
    let trash: Vec<PathBuf> = std::fs::read_dir(root.join(".brief/trash"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(trash.len(), 1, "{trash:?}");
    assert!(
        trash[0].join("en/one/index.html").is_file(),
        "the old output"
    );
    assert_same(
        &clean_build(&w, &root, "clean"),
        &snapshot(&public),
        "the rebuild against a clean build",
    );
    assert!(std::fs::read_to_string(public.join(edited))
        .unwrap()
        .contains("First, edited."));
    assert_ne!(ino(edited), before.0, "the edited page is written anew");
    assert_eq!(ino(untouched), before.1, "an unchanged page is linked");
    assert_eq!(ino("favicon.txt"), before.2, "a static file is linked");
}
