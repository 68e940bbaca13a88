//! Shared helpers for the integration tests: a throw-away site ([`Site`]) that
//! uses the repository's real theme and locales, helpers to read and parse
//! the output ([`Output`], [`select`], [`parse_xml`]), to pick diagnostics
//! ([`one`], [`with_code`]), and a whole-output link checker
//! ([`check_links`]).
//!
//! Every test binary includes this module but uses only part of it.
#![allow(dead_code)]

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Component, Path, PathBuf};

use brief::{BuildOptions, BuildReport, Diagnostic, Failure, Severity};
use scraper::{ElementRef, Html, Selector};

pub const DEFAULT_BASE_URL: &str = "https://example.org/briefings";

/// A character no output may contain, written here from the standards rather
/// than taken from brief: the control characters (Unicode General_Category
/// `Cc`: C0 U+0000–U+001F, DEL U+007F, C1 U+0080–U+009F) except tab, line
/// feed and carriage return, which HTML and XML allow; and U+FFFE and
/// U+FFFF, which are not characters to XML 1.0 (its `Char` production).
pub fn forbidden_in_output(c: char) -> bool {
    let control = matches!(c, '\u{0}'..='\u{1f}' | '\u{7f}'..='\u{9f}');
    (control && !matches!(c, '\t' | '\n' | '\r')) || matches!(c, '\u{fffe}' | '\u{ffff}')
}

/// The repository root (where Cargo.toml is).
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Copies a folder tree, files only.
pub fn copy_tree(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from).sort_by_file_name() {
        let entry = entry.expect("walk");
        let rel = entry.path().strip_prefix(from).expect("under from");
        let target = to.join(rel);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).expect("mkdir");
        } else if entry.file_type().is_file() {
            std::fs::copy(entry.path(), &target).expect("copy");
        }
    }
}

/// Copies the repository's `book.toml` and the named folders (`themes`,
/// `locales`, `content/en` …) into `to`.
pub fn copy_repo_site(to: &Path, folders: &[&str]) {
    std::fs::copy(repo().join("book.toml"), to.join("book.toml")).expect("book.toml");
    for folder in folders {
        copy_tree(&repo().join(folder), &to.join(folder));
    }
}

/// The repository's site (config, theme, locales, content) in a temp folder.
pub fn site_copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    copy_repo_site(dir.path(), &["themes", "locales", "content"]);
    dir
}

// ---------------------------------------------------------------------------
// A site under construction
// ---------------------------------------------------------------------------

/// A site in a temporary folder: `book.toml` with `ja` (default) and `en`, the
/// repository's `themes/` and `locales/`, and the articles a test adds.
pub struct Site {
    dir: tempfile::TempDir,
    base_url: String,
    /// Extra lines of the `[site]` table, e.g. `paginate = 2`.
    site_lines: Vec<String>,
    /// Languages beside ja and en: `(code, name)`.
    extra_languages: Vec<(String, String)>,
}

impl Default for Site {
    fn default() -> Self {
        Site::new()
    }
}

impl Site {
    pub fn new() -> Site {
        Site::with_base_url(DEFAULT_BASE_URL)
    }

    pub fn with_base_url(base_url: &str) -> Site {
        let dir = tempfile::Builder::new()
            .prefix("brief-test-")
            .tempdir()
            .expect("temp dir");
        let repo = repo();
        copy_tree(&repo.join("themes"), &dir.path().join("themes"));
        copy_tree(&repo.join("locales"), &dir.path().join("locales"));
        std::fs::create_dir_all(dir.path().join("content/ja")).expect("mkdir");
        std::fs::create_dir_all(dir.path().join("content/en")).expect("mkdir");
        let site = Site {
            dir,
            base_url: base_url.to_string(),
            site_lines: Vec::new(),
            extra_languages: Vec::new(),
        };
        site.write_config();
        site
    }

    /// Adds a line to `[site]` (and rewrites book.toml), e.g. `paginate = 2`.
    pub fn setting(&mut self, line: &str) -> &mut Self {
        self.site_lines.push(line.to_string());
        self.write_config();
        self
    }

    /// Declares another language (`[languages.<code>]`), with an empty
    /// `content/<code>/` and no locale files.
    pub fn language(&mut self, code: &str, name: &str) -> &mut Self {
        self.extra_languages
            .push((code.to_string(), name.to_string()));
        std::fs::create_dir_all(self.path(&format!("content/{code}"))).expect("mkdir");
        self.write_config();
        self
    }

    pub fn set_base_url(&mut self, base_url: &str) -> &mut Self {
        self.base_url = base_url.to_string();
        self.write_config();
        self
    }

    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The book.toml this site is built with.
    pub fn book_toml(&self) -> String {
        let mut s = String::from("[site]\ntitle = \"Test Briefings\"\n");
        s.push_str(&format!("base_url = \"{}\"\n", self.base_url));
        s.push_str("default_language = \"ja\"\n");
        for l in &self.site_lines {
            s.push_str(l);
            s.push('\n');
        }
        s.push_str("\n[languages.ja]\nname = \"日本語\"\n\n[languages.en]\nname = \"English\"\n");
        for (code, name) in &self.extra_languages {
            s.push_str(&format!("\n[languages.{code}]\nname = \"{name}\"\n"));
        }
        s
    }

    fn write_config(&self) {
        self.write("book.toml", &self.book_toml());
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    /// A path under the site root.
    pub fn path(&self, rel: &str) -> PathBuf {
        self.root().join(rel)
    }

    /// Writes a file under the site root, creating folders.
    pub fn write(&self, rel: &str, text: &str) -> &Self {
        let p = self.path(rel);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        std::fs::write(&p, text).expect("write");
        self
    }

    /// Reads a source file of the site.
    pub fn source(&self, rel: &str) -> String {
        std::fs::read_to_string(self.path(rel)).unwrap_or_else(|e| panic!("read {rel}: {e}"))
    }

    /// Rewrites a source file of the site.
    pub fn edit(&self, rel: &str, f: impl FnOnce(String) -> String) -> &Self {
        let text = self.source(rel);
        self.write(rel, &f(text))
    }

    pub fn remove(&self, rel: &str) -> &Self {
        std::fs::remove_file(self.path(rel)).unwrap_or_else(|e| panic!("remove {rel}: {e}"));
        self
    }

    /// Removes a message (and its indented continuation lines) from every
    /// `.ftl` file of `locales/<lang>/`.
    pub fn remove_message(&self, lang: &str, key: &str) -> &Self {
        let dir = self.path(&format!("locales/{lang}"));
        let mut found = false;
        for entry in std::fs::read_dir(&dir).expect("locale dir") {
            let path = entry.expect("entry").path();
            let text = std::fs::read_to_string(&path).expect("ftl");
            let mut out = String::new();
            let mut skipping = false;
            for line in text.split_inclusive('\n') {
                let is_start = line
                    .strip_prefix(key)
                    .is_some_and(|r| r.trim_start().starts_with('='));
                if is_start {
                    skipping = true;
                    found = true;
                    continue;
                }
                if skipping && (line.starts_with(' ') || line.starts_with('\t')) {
                    continue;
                }
                skipping = false;
                out.push_str(line);
            }
            std::fs::write(&path, out).expect("write ftl");
        }
        assert!(found, "locales/{lang} has no message `{key}`");
        self
    }

    /// The value of a single-line Fluent message of this site's locales.
    pub fn message(&self, lang: &str, key: &str) -> String {
        ftl_message(&self.path(&format!("locales/{lang}")), key)
    }

    /// Writes `content/<lang>/<file>` with the given front-matter (YAML without
    /// the fences) and body. The front-matter starts on line 2 of the file; the
    /// body starts on line `front_matter.lines().count() + 3`.
    pub fn article(&self, lang: &str, file: &str, front_matter: &str, body: &str) -> &Self {
        let fm = front_matter.trim_end_matches('\n');
        self.write(
            &format!("content/{lang}/{file}"),
            &format!("---\n{fm}\n---\n{body}"),
        )
    }

    /// The 1-based line of the file on which the body of an article written
    /// with [`Site::article`] starts.
    pub fn body_line(front_matter: &str) -> usize {
        front_matter.trim_end_matches('\n').lines().count() + 3
    }

    pub fn options(&self) -> BuildOptions {
        BuildOptions {
            root: self.root().to_path_buf(),
            output: None,
            drafts: false,
            base_url: None,
        }
    }

    /// The default output folder, `<root>/public`.
    pub fn output_dir(&self) -> PathBuf {
        self.path("public")
    }

    pub fn build(&self) -> Result<BuildReport, Failure> {
        brief::build(&self.options())
    }

    pub fn build_with(&self, f: impl FnOnce(&mut BuildOptions)) -> Result<BuildReport, Failure> {
        let mut o = self.options();
        f(&mut o);
        brief::build(&o)
    }

    /// Builds into `<root>/public`; panics with the diagnostics on failure.
    pub fn build_ok(&self) -> Output {
        let report = self.build().unwrap_or_else(|f| {
            panic!(
                "build failed:\n{}",
                describe(&f.diagnostics.into_iter().collect::<Vec<_>>())
            )
        });
        Output {
            dir: report.output.clone(),
            base_url: self.base_url.clone(),
            diagnostics: report.diagnostics.into_iter().collect(),
        }
    }

    /// Builds with `--drafts`; panics on failure.
    pub fn build_drafts_ok(&self) -> Output {
        let report = self.build_with(|o| o.drafts = true).unwrap_or_else(|f| {
            panic!(
                "build --drafts failed:\n{}",
                describe(&f.diagnostics.into_iter().collect::<Vec<_>>())
            )
        });
        Output {
            dir: report.output.clone(),
            base_url: self.base_url.clone(),
            diagnostics: report.diagnostics.into_iter().collect(),
        }
    }

    /// Builds, expecting failure; returns every diagnostic (errors and warnings).
    pub fn build_err(&self) -> Vec<Diagnostic> {
        match self.build() {
            Ok(r) => panic!(
                "the build should fail, but succeeded with:\n{}",
                describe(&r.diagnostics.into_iter().collect::<Vec<_>>())
            ),
            Err(f) => f.diagnostics.into_iter().collect(),
        }
    }

    /// `brief::check`: the diagnostics, whether it failed or not.
    pub fn check(&self) -> (bool, Vec<Diagnostic>) {
        match brief::check(&self.options()) {
            Ok(d) => (true, d.into_iter().collect()),
            Err(f) => (false, f.diagnostics.into_iter().collect()),
        }
    }
}

/// The value of a single-line message `key = value` in the `.ftl` files of a
/// locale folder; panics when absent.
pub fn ftl_message(locale_dir: &Path, key: &str) -> String {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(locale_dir)
        .expect("locale dir")
        .map(|e| e.expect("entry").path())
        .collect();
    paths.sort();
    for p in paths {
        let text = std::fs::read_to_string(&p).expect("ftl");
        for line in text.lines() {
            if let Some(rest) = line.strip_prefix(key) {
                if let Some(value) = rest.trim_start().strip_prefix('=') {
                    return value.trim().to_string();
                }
            }
        }
    }
    panic!("no message `{key}` in {}", locale_dir.display())
}

/// Builds the repository's sample site (`/content`) into a fresh folder.
pub fn build_sample(base_url: &str) -> (tempfile::TempDir, Output) {
    let tmp = tempfile::Builder::new()
        .prefix("brief-sample-")
        .tempdir()
        .expect("temp dir");
    let out = tmp.path().join("out");
    let report = brief::build(&BuildOptions {
        root: repo(),
        output: Some(out.clone()),
        drafts: false,
        base_url: Some(base_url.to_string()),
    })
    .unwrap_or_else(|f| {
        panic!(
            "the sample site does not build:\n{}",
            describe(&f.diagnostics.into_iter().collect::<Vec<_>>())
        )
    });
    assert_eq!(report.output, out);
    (
        tmp,
        Output {
            dir: out,
            base_url: base_url.to_string(),
            diagnostics: report.diagnostics.into_iter().collect(),
        },
    )
}

// ---------------------------------------------------------------------------
// Reading the output
// ---------------------------------------------------------------------------

/// A built output folder.
pub struct Output {
    pub dir: PathBuf,
    pub base_url: String,
    /// Warnings of the build that produced it.
    pub diagnostics: Vec<Diagnostic>,
}

impl Output {
    pub fn path(&self, rel: &str) -> PathBuf {
        self.dir.join(rel)
    }

    pub fn exists(&self, rel: &str) -> bool {
        self.path(rel).is_file()
    }

    pub fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.path(rel))
            .unwrap_or_else(|e| panic!("read output file {rel}: {e}"))
    }

    pub fn html(&self, rel: &str) -> Html {
        Html::parse_document(&self.read(rel))
    }

    /// The page of an article: `<lang>/<slug>/index.html`.
    pub fn article(&self, lang: &str, slug: &str) -> Html {
        self.html(&format!("{lang}/{slug}/index.html"))
    }

    /// Every file of the output, by relative path (`/`-separated).
    pub fn files(&self) -> BTreeMap<String, Vec<u8>> {
        snapshot(&self.dir)
    }

    /// `/briefings/` or `/`.
    pub fn base_path(&self) -> String {
        base_path(&self.base_url)
    }

    /// Root-relative URL of a site path, as the generator writes it.
    pub fn url(&self, site_path: &str) -> String {
        format!("{}{}", self.base_path(), site_path.trim_start_matches('/'))
    }

    /// Absolute URL of a site path.
    pub fn absolute(&self, site_path: &str) -> String {
        format!("{}{}", origin(&self.base_url), self.url(site_path))
    }
}

/// Every file under `dir`, by relative path, with its bytes.
pub fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let entry = entry.expect("walk");
        if entry.file_type().is_file() {
            let rel = entry
                .path()
                .strip_prefix(dir)
                .expect("under dir")
                .to_string_lossy()
                .replace('\\', "/");
            out.insert(rel, std::fs::read(entry.path()).expect("read"));
        }
    }
    out
}

/// Asserts that two snapshots hold the same files with the same bytes, naming
/// the first differences.
pub fn assert_same_files(a: &BTreeMap<String, Vec<u8>>, b: &BTreeMap<String, Vec<u8>>) {
    let ka: BTreeSet<&String> = a.keys().collect();
    let kb: BTreeSet<&String> = b.keys().collect();
    assert_eq!(ka, kb, "the two outputs hold different files");
    let differing: Vec<&String> = a.keys().filter(|k| a[*k] != b[*k]).collect();
    assert!(
        differing.is_empty(),
        "{} files differ, e.g. {:?}",
        differing.len(),
        differing.iter().take(5).collect::<Vec<_>>()
    );
}

// ---------------------------------------------------------------------------
// HTML
// ---------------------------------------------------------------------------

pub fn selector(css: &str) -> Selector {
    Selector::parse(css).unwrap_or_else(|e| panic!("bad selector {css}: {e:?}"))
}

pub fn select<'a>(doc: &'a Html, css: &str) -> Vec<ElementRef<'a>> {
    doc.select(&selector(css)).collect()
}

/// The single element matching `css`; panics if there are none or several.
pub fn select_one<'a>(doc: &'a Html, css: &str) -> ElementRef<'a> {
    let all = select(doc, css);
    assert_eq!(
        all.len(),
        1,
        "expected exactly one `{css}`, found {}",
        all.len()
    );
    all[0]
}

pub fn select_in<'a>(el: ElementRef<'a>, css: &str) -> Vec<ElementRef<'a>> {
    el.select(&selector(css)).collect()
}

/// Text content with whitespace collapsed.
pub fn text(el: ElementRef) -> String {
    el.text()
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// The text of every element matching `css`.
pub fn texts(doc: &Html, css: &str) -> Vec<String> {
    select(doc, css).into_iter().map(text).collect()
}

/// An attribute of every element matching `css` (elements without it are skipped).
pub fn attrs(doc: &Html, css: &str, attr: &str) -> Vec<String> {
    select(doc, css)
        .into_iter()
        .filter_map(|e| e.value().attr(attr).map(str::to_string))
        .collect()
}

pub fn attr(el: ElementRef, name: &str) -> String {
    el.value()
        .attr(name)
        .unwrap_or_else(|| panic!("<{}> has no {name}", el.value().name()))
        .to_string()
}

/// Every `id` in the document.
pub fn ids(doc: &Html) -> BTreeSet<String> {
    attrs(doc, "[id]", "id").into_iter().collect()
}

// ---------------------------------------------------------------------------
// Diagnostics
// ---------------------------------------------------------------------------

/// One line per diagnostic, for assertion messages.
pub fn describe(diags: &[Diagnostic]) -> String {
    diags
        .iter()
        .map(|d| {
            format!(
                "  {:?} {} {}:{} {} (help: {})",
                d.severity,
                d.code,
                d.file
                    .as_ref()
                    .map(|f| f.display().to_string())
                    .unwrap_or_default(),
                d.pos
                    .map(|p| format!("{}:{}", p.line, p.column))
                    .unwrap_or_default(),
                d.message,
                d.help.as_deref().unwrap_or("")
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

pub fn with_code<'a>(diags: &'a [Diagnostic], code: &str) -> Vec<&'a Diagnostic> {
    diags.iter().filter(|d| d.code == code).collect()
}

/// The single diagnostic with `code`; panics (listing all) otherwise.
pub fn one<'a>(diags: &'a [Diagnostic], code: &str) -> &'a Diagnostic {
    let found = with_code(diags, code);
    assert_eq!(
        found.len(),
        1,
        "expected exactly one `{code}` diagnostic, got:\n{}",
        describe(diags)
    );
    found[0]
}

pub fn errors(diags: &[Diagnostic]) -> Vec<&Diagnostic> {
    diags
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .collect()
}

/// `(file, line, column)` of a diagnostic, for compact assertions.
pub fn location(d: &Diagnostic) -> (String, usize, usize) {
    let file = d
        .file
        .as_ref()
        .map(|f| f.to_string_lossy().replace('\\', "/"))
        .unwrap_or_default();
    let pos = d.pos.unwrap_or_else(|| {
        panic!(
            "diagnostic has no position: {}",
            describe(std::slice::from_ref(d))
        )
    });
    (file, pos.line, pos.column)
}

// ---------------------------------------------------------------------------
// URLs and the link checker
// ---------------------------------------------------------------------------

/// `https://example.org` from `https://example.org/briefings`.
pub fn origin(base_url: &str) -> String {
    let (scheme, rest) = base_url.split_once("://").expect("absolute base URL");
    let host = rest.split('/').next().unwrap_or(rest);
    format!("{scheme}://{host}")
}

/// `/briefings/` from `https://example.org/briefings`, `/` from `https://example.org/`.
pub fn base_path(base_url: &str) -> String {
    let (_, rest) = base_url.split_once("://").expect("absolute base URL");
    let path = rest.find('/').map_or("", |i| &rest[i..]);
    format!("{}/", path.trim_end_matches('/'))
}

pub fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("");
            if let Ok(b) = u8::from_str_radix(hex, 16) {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8(out).unwrap_or_else(|_| s.to_string())
}

/// Normalizes `a/b/../c/./d` to `a/c/d`; `None` when `..` leaves the root.
fn normalize(path: &str) -> Option<String> {
    let mut segs: Vec<&str> = Vec::new();
    for c in Path::new(path).components() {
        match c {
            Component::Normal(s) => segs.push(s.to_str()?),
            Component::ParentDir => {
                segs.pop()?;
            }
            Component::CurDir | Component::RootDir | Component::Prefix(_) => {}
        }
    }
    Some(segs.join("/"))
}

/// The output file a site path is served from (folder → `index.html`).
fn served_file(dir: &Path, site_path: &str) -> Option<String> {
    let norm = normalize(site_path)?;
    let candidate = if site_path.is_empty() || site_path.ends_with('/') {
        if norm.is_empty() {
            "index.html".to_string()
        } else {
            format!("{norm}/index.html")
        }
    } else if dir.join(&norm).is_dir() {
        format!("{norm}/index.html")
    } else {
        norm
    };
    dir.join(&candidate).is_file().then_some(candidate)
}

/// Checks every `href` and `src` of every HTML file under `dir`: links into
/// the site (root-relative under the base path, relative, or absolute under
/// `base_url`) must name a file of the output (a folder means its
/// `index.html`), and a `#fragment` must be an `id` in that file. Links to
/// other sites are skipped. Returns one line per problem.
pub fn check_links(dir: &Path, base_url: &str) -> Vec<String> {
    let origin = origin(base_url);
    let base = base_path(base_url);
    let files = snapshot(dir);
    let mut id_cache: HashMap<String, BTreeSet<String>> = HashMap::new();
    let mut ids_of = |file: &str| -> BTreeSet<String> {
        id_cache
            .entry(file.to_string())
            .or_insert_with(|| {
                let text = String::from_utf8_lossy(&files[file]).into_owned();
                ids(&Html::parse_document(&text))
            })
            .clone()
    };
    let mut problems = Vec::new();
    let any = selector("[href], [src]");
    for (file, bytes) in &files {
        if !file.ends_with(".html") {
            continue;
        }
        let doc = Html::parse_document(&String::from_utf8_lossy(bytes));
        let dir_of_file = file.rsplit_once('/').map_or("", |(d, _)| d);
        for el in doc.select(&any) {
            for name in ["href", "src"] {
                let Some(raw) = el.value().attr(name) else {
                    continue;
                };
                let raw = raw.trim();
                let where_ = format!("{file}: <{} {name}=\"{raw}\">", el.value().name());
                let lower = raw.to_ascii_lowercase();
                // A download of a reference export may carry its bytes in a
                // data: URI; nothing a browser would run (HTML, SVG, script).
                let export_types = [
                    "data:application/x-bibtex;",
                    "data:application/x-research-info-systems;",
                    "data:application/vnd.citationstyles.csl+json;",
                ];
                let is_download = el.value().name() == "a" && el.value().attr("download").is_some();
                if is_download && export_types.iter().any(|t| lower.starts_with(t)) {
                    continue;
                }
                if lower.starts_with("javascript:") || lower.starts_with("data:") {
                    problems.push(format!("{where_}: unsafe scheme"));
                    continue;
                }
                if lower.starts_with("mailto:") || lower.starts_with("tel:") {
                    continue;
                }
                // Split off the fragment and query.
                let (before_frag, fragment) = match raw.split_once('#') {
                    Some((p, f)) => (p, Some(percent_decode(f))),
                    None => (raw, None),
                };
                let path_part = before_frag.split('?').next().unwrap_or(before_frag);
                // Turn the link into a site path (relative to the output folder).
                let site_path: String = if path_part.starts_with("//") {
                    continue; // protocol-relative: another site
                } else if path_part.contains("://") {
                    let Some(after_origin) = path_part.strip_prefix(&origin) else {
                        continue; // another site
                    };
                    let after_origin = if after_origin.is_empty() {
                        "/"
                    } else {
                        after_origin
                    };
                    match after_origin.strip_prefix(&base) {
                        Some(p) => p.to_string(),
                        None if format!("{after_origin}/") == base => String::new(),
                        None => {
                            problems.push(format!("{where_}: outside the base path {base}"));
                            continue;
                        }
                    }
                } else if path_part.starts_with('/') {
                    match path_part.strip_prefix(&base) {
                        Some(p) => p.to_string(),
                        None if format!("{path_part}/") == base => String::new(),
                        None => {
                            problems.push(format!("{where_}: outside the base path {base}"));
                            continue;
                        }
                    }
                } else if path_part.is_empty() {
                    // `#x` or `?q`: this very file.
                    file.clone()
                } else if dir_of_file.is_empty() {
                    path_part.to_string()
                } else {
                    format!("{dir_of_file}/{path_part}")
                };
                let site_path = percent_decode(&site_path);
                let Some(target) = served_file(dir, &site_path) else {
                    problems.push(format!("{where_}: no file for /{site_path}"));
                    continue;
                };
                if let Some(frag) = fragment.filter(|f| !f.is_empty()) {
                    if !target.ends_with(".html") {
                        problems.push(format!("{where_}: fragment on a non-HTML file {target}"));
                    } else if !ids_of(&target).contains(&frag) {
                        problems.push(format!("{where_}: {target} has no id `{frag}`"));
                    }
                }
            }
        }
    }
    problems
}

/// Panics listing every broken link of the output.
pub fn assert_links_ok(dir: &Path, base_url: &str) {
    let problems = check_links(dir, base_url);
    assert!(
        problems.is_empty(),
        "{} broken links in {}:\n{}",
        problems.len(),
        dir.display(),
        problems.join("\n")
    );
}

// ---------------------------------------------------------------------------
// XML
// ---------------------------------------------------------------------------

/// A parsed XML element: qualified name, attributes, children, direct text.
#[derive(Debug, Clone, Default)]
pub struct XmlNode {
    pub name: String,
    pub attrs: BTreeMap<String, String>,
    pub children: Vec<XmlNode>,
    pub text: String,
}

impl XmlNode {
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs.get(name).map(String::as_str)
    }
    /// Direct children named `name`.
    pub fn all(&self, name: &str) -> Vec<&XmlNode> {
        self.children.iter().filter(|c| c.name == name).collect()
    }
    /// The first direct child named `name`; panics if there is none.
    pub fn child(&self, name: &str) -> &XmlNode {
        self.children
            .iter()
            .find(|c| c.name == name)
            .unwrap_or_else(|| panic!("<{}> has no <{name}>", self.name))
    }
    pub fn text_of(&self, name: &str) -> String {
        self.child(name).text.trim().to_string()
    }
}

/// Parses a whole XML document strictly (well-formedness, matching end tags,
/// valid entities) into its root element.
pub fn parse_xml(text: &str) -> XmlNode {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_str(text);
    reader.config_mut().check_end_names = true;
    let mut stack: Vec<XmlNode> = vec![XmlNode::default()];
    let node_of = |e: &quick_xml::events::BytesStart| -> XmlNode {
        let name = String::from_utf8(e.name().as_ref().to_vec()).expect("utf-8 name");
        let mut attrs = BTreeMap::new();
        for a in e.attributes() {
            let a = a.unwrap_or_else(|err| panic!("bad attribute in <{name}>: {err}"));
            let key = String::from_utf8(a.key.as_ref().to_vec()).expect("utf-8 key");
            let value = a
                .unescape_value()
                .unwrap_or_else(|err| panic!("bad attribute value in <{name}>: {err}"))
                .into_owned();
            attrs.insert(key, value);
        }
        XmlNode {
            name,
            attrs,
            ..Default::default()
        }
    };
    loop {
        match reader.read_event() {
            Err(e) => panic!("XML error at byte {}: {e}\n{text}", reader.error_position()),
            Ok(Event::Eof) => break,
            Ok(Event::Start(e)) => stack.push(node_of(&e)),
            Ok(Event::Empty(e)) => {
                let n = node_of(&e);
                stack.last_mut().expect("parent").children.push(n);
            }
            Ok(Event::End(_)) => {
                let n = stack.pop().expect("open element");
                stack.last_mut().expect("parent").children.push(n);
            }
            Ok(Event::Text(t)) => {
                let s = t.decode().expect("utf-8 text");
                stack.last_mut().expect("node").text.push_str(&s);
            }
            Ok(Event::CData(t)) => {
                let s = String::from_utf8(t.into_inner().to_vec()).expect("utf-8 cdata");
                stack.last_mut().expect("node").text.push_str(&s);
            }
            Ok(Event::GeneralRef(r)) => {
                let s = if let Some(c) = r.resolve_char_ref().expect("char ref") {
                    c.to_string()
                } else {
                    let name = r.decode().expect("utf-8 ref").into_owned();
                    match name.as_str() {
                        "amp" => "&".into(),
                        "lt" => "<".into(),
                        "gt" => ">".into(),
                        "quot" => "\"".into(),
                        "apos" => "'".into(),
                        other => panic!("undefined XML entity &{other};"),
                    }
                };
                stack.last_mut().expect("node").text.push_str(&s);
            }
            Ok(_) => {}
        }
    }
    assert_eq!(stack.len(), 1, "unclosed XML elements");
    let mut doc = stack.pop().expect("document");
    assert_eq!(
        doc.children.len(),
        1,
        "an XML document has one root element"
    );
    doc.children.pop().expect("root")
}

/// What a run of the `brief` binary printed, and its exit code.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// Runs a command (the `brief` binary) to the end.
pub fn run(mut cmd: std::process::Command) -> Run {
    let out = cmd.output().expect("run brief");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}
