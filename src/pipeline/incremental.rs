//! Incremental rebuilds for `brief serve`: the compiler stages, kept warm.
//!
//! [`IncrementalBuild`] keeps everything a build computed: the configuration,
//! locales and compiled templates, every source file's parse result (with its
//! content hash and diagnostics), the linked [`Site`], the *inputs digest* of
//! every page ([`Renderer::page_digests`]) and a hash of every file it wrote.
//!
//! A rebuild after content files changed:
//!
//! 1. re-reads and re-parses only the changed files (parse is local);
//! 2. re-links the whole site from the cached articles (shared `Arc`s, so
//!    nothing is copied): every cross-article fact is recomputed, never patched;
//! 3. computes every page's inputs digest and re-renders exactly the pages
//!    whose digest changed or that are new, in parallel;
//! 4. writes only files whose bytes changed, each through a temporary file and
//!    a rename, and removes the files of pages that no longer exist;
//! 5. (phase 2, [`IncrementalBuild::finish`]) rebuilds the search files from
//!    cached per-article search documents and writes the ones that changed.
//!
//! Pages are selected by what they depend on, not by guessing which pages an
//! edit touches, so navigation (prev/next, related, lists, terms, sources)
//! cannot go stale; `tests/incremental.rs` checks that the output equals a
//! clean build byte for byte after each of a series of edits. Any change
//! outside `content/` (book.toml, themes, locales, static files) is a full
//! rebuild through the staging folder. A rebuild that reports errors writes
//! nothing: the previous output stays.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::hash::{Hash, Hasher};
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use rayon::prelude::*;

use crate::base::diag::{Diagnostic, Diagnostics};
use crate::index::search::CachedDoc;
use crate::index::SearchIndex;
use crate::input::load;
use crate::link::{self, Site};
use crate::output::render::Page;
use crate::output::write::{self, IfLocked, OutputLock, Staging};
use crate::parse::article::Article;
use crate::pipeline::build::{self, collapse_template_errors, BuildOptions, BuildReport, Failure};
use crate::pipeline::session::{ParsedFile, Session};

mod cached;

/// What one build or rebuild did.
#[derive(Debug, Clone, Default)]
pub struct RebuildStats {
    /// A full build (first build, or a change outside `content/`).
    pub full: bool,
    /// Source files re-read and re-parsed.
    pub parsed: usize,
    /// With `brief build --cache`: source files found, and those read (a
    /// file unchanged since the last build is not).
    pub sources: usize,
    pub read: usize,
    /// Pages rendered in phase 1 (search files not counted).
    pub pages_rendered: usize,
    /// Files written (new or changed bytes), both phases.
    pub files_written: usize,
    /// Files removed because their page no longer exists.
    pub files_removed: usize,
    /// Search files written in phase 2.
    pub search_files_written: usize,
    /// Time until the changed pages were written (the reload may start).
    pub phase1: Duration,
    /// Time of phase 2 (search files).
    pub search: Duration,
    pub diagnostics: Diagnostics,
}

/// The state kept between rebuilds. See the module docs.
pub struct IncrementalBuild {
    opts: BuildOptions,
    /// The driver: setup (with its diagnostics and those of finding the
    /// files) and the stage functions.
    session: Session,
    output: PathBuf,
    /// Parse results per file (path relative to the root), published or not.
    sources: BTreeMap<PathBuf, ParsedFile>,
    /// The site last written.
    site: Site,
    /// Output path → inputs digest of the page written there.
    digests: HashMap<String, u64>,
    /// Output path → hash of the bytes written there (pages, not search files).
    written: HashMap<String, u64>,
    /// Output path → hash of the bytes of each search file written.
    search_written: HashMap<String, u64>,
    /// Per language: the fingerprint of the documents its search files were
    /// made from (see [`Self::search_index`]) and those files.
    search_langs: HashMap<String, (u64, Vec<String>)>,
    /// Files copied from the theme's and the site's `static/`: they win over pages.
    static_files: HashSet<String>,
    /// Search documents per article, keyed by language, path and source hash.
    search_docs: HashMap<(String, String), (String, Arc<CachedDoc>)>,
    search_pending: bool,
    /// What linking remembers between rebuilds.
    link_cache: link::LinkCache,
    /// Set when the output may not match the state (a failed write): the next
    /// rebuild is a full one.
    needs_full: bool,
    /// Set when the caller holds the output's lock for the whole build
    /// (`brief build --cache`), so writes do not take it again.
    lock_held: bool,
    /// With `brief build --cache`: articles read from the cache come without
    /// their body HTML, read back from here for the pages rendered.
    stored_html: Option<cached::StoredHtml>,
}

fn bytes_hash(bytes: &[u8]) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    bytes.hash(&mut h);
    h.finish()
}

fn fail(mut diags: Diagnostics, d: Diagnostic) -> Failure {
    diags.push(d);
    Failure::from(diags)
}

fn io_error(what: &str, e: std::io::Error) -> Diagnostic {
    Diagnostic::error("write-failed", format!("{what}: {e}"))
        .help("check permissions and free space")
}

impl IncrementalBuild {
    /// A full build into the output folder (atomically, through a staging
    /// folder, as `brief build` does), keeping the state for rebuilds.
    pub fn new(opts: &BuildOptions) -> Result<(IncrementalBuild, RebuildStats), Failure> {
        let start = Instant::now();
        let (lock, output) = Self::lock_new(opts, IfLocked::Wait)?;
        let mut session = Session::open(opts)?;
        let (paths, ds) = load::discover(&opts.root, &session.config);
        session.diagnostics.extend(ds);
        let parsed: BTreeMap<PathBuf, ParsedFile> =
            paths.par_iter().map(|p| session.parse_path(p)).collect();
        Self::full(opts, session, output, lock, parsed, HashMap::new(), start)
    }

    /// The lock of the output folder for a full build, and the folder.
    fn lock_new(
        opts: &BuildOptions,
        if_locked: IfLocked,
    ) -> Result<(OutputLock, PathBuf), Failure> {
        let config = build::load_config(opts)?;
        let (output, explicit) = build::output_dir(opts, &config);
        let lock = build::lock_output(&opts.root, &output, explicit, if_locked)
            .map_err(|d| fail(Diagnostics::new(), d))?;
        write::empty_trash(&write::trash_dir(&opts.root));
        Ok((lock, write::absolute(&output)))
    }

    /// A full build of parsed sources (with the search documents known for
    /// some of them) through a staging folder.
    fn full(
        opts: &BuildOptions,
        session: Session,
        output: PathBuf,
        lock: OutputLock,
        sources: BTreeMap<PathBuf, ParsedFile>,
        search_docs: HashMap<(String, String), (String, Arc<CachedDoc>)>,
        start: Instant,
    ) -> Result<(IncrementalBuild, RebuildStats), Failure> {
        if session.renderer.is_none() {
            let mut all = session.diagnostics;
            for p in sources.values() {
                all.extend(p.diagnostics.iter().cloned());
            }
            return Err(all.into());
        }
        let trash = write::trash_dir(&opts.root);
        let mut state = IncrementalBuild {
            opts: opts.clone(),
            session,
            output,
            sources,
            site: Site::default(),
            digests: HashMap::new(),
            written: HashMap::new(),
            search_written: HashMap::new(),
            search_langs: HashMap::new(),
            static_files: HashSet::new(),
            search_docs,
            search_pending: false,
            link_cache: link::LinkCache::default(),
            needs_full: false,
            lock_held: false,
            stored_html: None,
        };
        let (site, diags) = state.link()?;
        let (index, fingerprints) = state.search_index(&site, false);
        state.search_langs = search_langs(&index, fingerprints);
        let renderer = state.session.renderer().expect("checked above");
        let pages = renderer.env.pages(&site);
        let digests = renderer.page_digests(&site, &pages);
        let staging = Staging::begin(lock, Some(trash)).map_err(|e| {
            fail(
                diags.clone(),
                io_error("cannot create the staging folder", e),
            )
        })?;
        let write = |rel: String, bytes: &[u8]| {
            staging
                .write(&rel, bytes)
                .map_err(|e| io_error(&format!("cannot write {rel}"), e))?;
            Ok((rel, bytes_hash(bytes)))
        };
        let results: Vec<Result<(String, u64), Diagnostic>> = pages
            .par_iter()
            .map(|p| write(renderer.output_path(&site, p), &renderer.render(&site, p)?))
            .collect();
        let index_files = index.files();
        let index_results: Vec<Result<(String, u64), Diagnostic>> = index_files
            .par_iter()
            .map(|(route, bytes)| write(route.file(), bytes))
            .collect();
        let mut errors = Vec::new();
        for (r, digest) in results.into_iter().zip(digests) {
            match r {
                Ok((rel, hash)) => {
                    state.digests.insert(rel.clone(), digest);
                    state.written.insert(rel, hash);
                }
                Err(d) => errors.push(d),
            }
        }
        for r in index_results {
            match r {
                Ok((rel, hash)) => {
                    state.search_written.insert(rel, hash);
                }
                Err(d) => errors.push(d),
            }
        }
        if !errors.is_empty() {
            let mut all = diags;
            all.extend(collapse_template_errors(errors));
            return Err(all.into());
        }
        let theme_static = renderer.theme_dir().join("static");
        let site_static = opts.root.join("static");
        let copied = staging
            .copy_tree(&theme_static, "static")
            .and_then(|a| Ok(a + staging.copy_tree(&site_static, "")?))
            .map_err(|e| fail(diags.clone(), io_error("cannot copy static files", e)))?;
        state.static_files = static_files(&theme_static, "static");
        state.static_files.extend(static_files(&site_static, ""));
        staging.commit().map_err(|e| {
            fail(
                diags.clone(),
                io_error("cannot replace the output folder", e),
            )
        })?;
        let files_written = pages.len() + index_files.len() + copied;
        drop(index_files);
        state.site = site;
        let stats = RebuildStats {
            full: true,
            parsed: state.sources.len(),
            pages_rendered: pages.len(),
            files_written,
            phase1: start.elapsed(),
            diagnostics: diags,
            ..Default::default()
        };
        Ok((state, stats))
    }

    /// The output folder.
    pub fn output(&self) -> &Path {
        &self.output
    }

    /// The site as last written.
    pub fn site(&self) -> &Site {
        &self.site
    }

    /// Phase 1 and phase 2 together: the output equals a clean build after it.
    pub fn rebuild(&mut self, changed: &[PathBuf]) -> Result<RebuildStats, Failure> {
        let mut stats = self.update(changed)?;
        let search = self.finish()?;
        stats.search = search.search;
        stats.search_files_written = search.search_files_written;
        stats.files_written += search.search_files_written;
        stats.files_removed += search.files_removed;
        Ok(stats)
    }

    /// Phase 1: brings every page but the search files up to date. `changed`
    /// are paths relative to the site root (or absolute paths inside it).
    /// A change outside `content/` replaces the state with a full build.
    pub fn update(&mut self, changed: &[PathBuf]) -> Result<RebuildStats, Failure> {
        let start = Instant::now();
        let Some(files) = self
            .content_changes(changed)
            .filter(|_| !self.needs_full && self.output.join(write::STAMP).is_file())
        else {
            return self.full_rebuild();
        };

        let mut timer = build::StageTimer::new();
        // 1. Re-read and re-parse the changed files.
        let root = self.opts.root.clone();
        let reparsed: Vec<(PathBuf, Option<ParsedFile>)> = files
            .par_iter()
            .map(|rel| {
                let path = root.join(rel);
                if path.is_file() {
                    let (k, p) = self.session.parse_path(&path);
                    (k, Some(p))
                } else {
                    (rel.clone(), None)
                }
            })
            .collect();
        let parsed = reparsed.len();
        for (rel, p) in reparsed {
            match p {
                Some(p) => self.sources.insert(rel, p),
                None => self.sources.remove(&rel),
            };
        }

        timer.lap("i-parse");
        self.refresh(start, parsed, timer, &files, &|| Ok(()))
    }

    /// Steps 2 to 5 of [`Self::update`], after the sources changed:
    /// `before_write` runs once, just before the output is first touched.
    /// The pages of the articles in `first` (the files edited) are written
    /// as soon as the site is linked, before every other page's digest is
    /// computed: the page an editor is looking at reloads sooner. Should a
    /// later page fail, the next rebuild is a full one.
    fn refresh(
        &mut self,
        start: Instant,
        parsed: usize,
        mut timer: build::StageTimer,
        first: &BTreeSet<PathBuf>,
        before_write: &dyn Fn() -> std::io::Result<()>,
    ) -> Result<RebuildStats, Failure> {
        // 2. Re-link the whole site.
        let (mut site, diags) = self.link()?;
        timer.lap("i-link");
        let early = self.write_first(&site, first, &diags)?;
        if early > 0 {
            timer.lap("i-first");
        }

        // 3. Select the pages whose inputs changed.
        let renderer = self.session.renderer()?;
        let pages: Vec<Page> = renderer.env.pages(&site);
        let digests = renderer.page_digests(&site, &pages);
        let paths: Vec<String> = pages
            .iter()
            .map(|p| renderer.output_path(&site, p))
            .collect();
        let todo: Vec<usize> = (0..pages.len())
            .filter(|&i| self.digests.get(&paths[i]) != Some(&digests[i]))
            .collect();

        // Articles from the build cache get their body back before their
        // page renders (their digest records it by source hash and links).
        if let Some(stored) = &self.stored_html {
            for &i in &todo {
                if let Page::Article(id) = pages[i] {
                    if let Some(a) = stored.fill(&site.articles[id]) {
                        site.articles[id] = a;
                    }
                }
            }
        }
        timer.lap("i-digests");
        // 4. Render them (nothing is written unless every page renders).
        let rendered: Vec<Result<Vec<u8>, Diagnostic>> = todo
            .par_iter()
            .map(|&i| renderer.render(&site, &pages[i]))
            .collect();
        let mut errors = Vec::new();
        let mut writes = Vec::new();
        for (&i, r) in todo.iter().zip(rendered) {
            match r {
                Ok(bytes) => writes.push((i, bytes)),
                Err(d) => errors.push(d),
            }
        }
        if !errors.is_empty() {
            let mut all = diags;
            all.extend(collapse_template_errors(errors));
            return Err(all.into());
        }

        timer.lap("i-render");
        // 5. Write what changed, remove what vanished, holding the output's
        // lock as a full build does.
        let _lock = self.lock().map_err(|d| fail(diags.clone(), d))?;
        before_write()
            .map_err(|e| fail(diags.clone(), io_error("cannot update the build cache", e)))?;
        let live: HashSet<&str> = paths.iter().map(String::as_str).collect();
        let gone: Vec<String> = self
            .digests
            .keys()
            .filter(|p| !live.contains(p.as_str()))
            .cloned()
            .collect();
        let mut new_hashes = Vec::new();
        let mut to_write = Vec::new();
        for (i, bytes) in &writes {
            let rel = &paths[*i];
            let hash = bytes_hash(bytes);
            new_hashes.push((rel.clone(), hash));
            if self.written.get(rel) != Some(&hash) && !self.static_files.contains(rel) {
                to_write.push((rel.as_str(), bytes.as_slice()));
            }
        }
        let results: Vec<std::io::Result<()>> = to_write
            .par_iter()
            .map(|(rel, bytes)| write_in_place(&self.output, rel, bytes))
            .collect();
        let mut write_errors = Vec::new();
        for (r, (rel, _)) in results.into_iter().zip(&to_write) {
            if let Err(e) = r {
                write_errors.push(io_error(&format!("cannot write {rel}"), e));
            }
        }
        let mut removed = 0;
        for rel in &gone {
            self.digests.remove(rel);
            self.written.remove(rel);
            if self.static_files.contains(rel) {
                continue;
            }
            match remove_in_place(&self.output, rel) {
                Ok(()) => removed += 1,
                Err(e) => write_errors.push(io_error(&format!("cannot remove {rel}"), e)),
            }
        }
        if !write_errors.is_empty() {
            self.needs_full = true;
            let mut all = diags;
            all.extend(write_errors);
            return Err(all.into());
        }
        for (i, d) in todo.iter().map(|&i| (i, digests[i])) {
            self.digests.insert(paths[i].clone(), d);
        }
        let files_written = to_write.len() + early;
        timer.lap("i-write");
        self.written.extend(new_hashes);
        // The search files stay as they are until phase 2.
        self.site = site;
        self.search_pending = true;
        self.needs_full = false;
        Ok(RebuildStats {
            full: false,
            parsed,
            pages_rendered: todo.len(),
            files_written,
            files_removed: removed,
            phase1: start.elapsed(),
            diagnostics: diags,
            ..Default::default()
        })
    }

    /// Renders and writes the pages of the articles of `files`; how many
    /// were written. Nothing is written unless all of them render.
    fn write_first(
        &mut self,
        site: &Site,
        files: &BTreeSet<PathBuf>,
        diags: &Diagnostics,
    ) -> Result<usize, Failure> {
        if files.is_empty() {
            return Ok(0);
        }
        let renderer = self.session.renderer()?;
        let pages: Vec<Page> = (0..site.articles.len())
            .filter(|&id| files.contains(&site.articles[id].file))
            .map(Page::Article)
            .collect();
        let mut rendered = Vec::new();
        for p in &pages {
            let bytes = renderer
                .render(site, p)
                .map_err(|d| fail(diags.clone(), d))?;
            rendered.push((renderer.output_path(site, p), bytes));
        }
        let _lock = self.lock().map_err(|d| fail(diags.clone(), d))?;
        let mut n = 0;
        for (rel, bytes) in rendered {
            let hash = bytes_hash(&bytes);
            if self.written.get(&rel) == Some(&hash) || self.static_files.contains(&rel) {
                continue;
            }
            // From here the output may differ from the state until the
            // rebuild ends: a failure later makes the next one full.
            self.needs_full = true;
            write_in_place(&self.output, &rel, &bytes)
                .map_err(|e| fail(diags.clone(), io_error(&format!("cannot write {rel}"), e)))?;
            self.written.insert(rel, hash);
            n += 1;
        }
        Ok(n)
    }

    /// Phase 2: rebuilds the search files (from cached per-article search
    /// documents) and writes the ones whose bytes changed. The browser reload
    /// need not wait for it.
    pub fn finish(&mut self) -> Result<RebuildStats, Failure> {
        let start = Instant::now();
        if !self.search_pending {
            return Ok(RebuildStats::default());
        }
        let site = std::mem::take(&mut self.site);
        // Only the languages whose documents changed are indexed again.
        let (index, fingerprints) = self.search_index(&site, true);
        self.site = site;
        let files: Vec<(String, Vec<u8>)> = index
            .files()
            .into_iter()
            .map(|(route, bytes)| (route.file(), bytes.to_vec()))
            .collect();
        let live: HashSet<&str> = files.iter().map(|(r, _)| r.as_str()).collect();
        let redone: Vec<String> = self
            .search_langs
            .keys()
            .filter(|l| index.langs.contains_key(*l) || !fingerprints.contains_key(*l))
            .cloned()
            .collect();
        let gone: Vec<String> = redone
            .iter()
            .flat_map(|l| &self.search_langs[l].1)
            .filter(|p| !live.contains(p.as_str()))
            .cloned()
            .collect();
        for l in &redone {
            self.search_langs.remove(l);
        }
        self.search_langs
            .extend(search_langs(&index, fingerprints.clone()));
        let changed: Vec<(&str, &[u8], u64)> = files
            .iter()
            .map(|(rel, bytes)| (rel.as_str(), bytes.as_slice(), bytes_hash(bytes)))
            .filter(|(rel, _, hash)| self.search_written.get(*rel) != Some(hash))
            .collect();
        let mut errors = Diagnostics::new();
        let _lock = self.lock().map_err(|d| fail(Diagnostics::new(), d))?;
        let results: Vec<std::io::Result<()>> = changed
            .par_iter()
            .map(|(rel, bytes, _)| write_in_place(&self.output, rel, bytes))
            .collect();
        for (r, (rel, _, hash)) in results.into_iter().zip(&changed) {
            match r {
                Ok(()) => {
                    self.search_written.insert(rel.to_string(), *hash);
                }
                Err(e) => errors.push(io_error(&format!("cannot write {rel}"), e)),
            }
        }
        let mut removed = 0;
        for rel in gone {
            self.search_written.remove(&rel);
            match remove_in_place(&self.output, &rel) {
                Ok(()) => removed += 1,
                Err(e) => errors.push(io_error(&format!("cannot remove {rel}"), e)),
            }
        }
        self.search_pending = false;
        if errors.has_errors() {
            self.needs_full = true;
            return Err(errors.into());
        }
        Ok(RebuildStats {
            search_files_written: changed.len(),
            files_written: changed.len(),
            files_removed: removed,
            search: start.elapsed(),
            ..Default::default()
        })
    }

    /// The lock of the output folder, waited for if another build holds it.
    fn lock(&self) -> Result<Option<OutputLock>, Diagnostic> {
        if self.lock_held {
            return Ok(None);
        }
        OutputLock::acquire(&self.output, IfLocked::Wait)
            .map(Some)
            .map_err(|e| match e {
                write::LockError::Io(e) => io_error("cannot lock the output folder", e),
                write::LockError::Busy { .. } => unreachable!("waits"),
            })
    }

    /// Replaces the state with a full build; on failure keeps the old state
    /// (and output), but the next rebuild is full again.
    fn full_rebuild(&mut self) -> Result<RebuildStats, Failure> {
        self.needs_full = true;
        let (state, stats) = IncrementalBuild::new(&self.opts)?;
        *self = state;
        Ok(stats)
    }

    /// The content files to re-read, or `None` when a full rebuild is needed.
    fn content_changes(&self, changed: &[PathBuf]) -> Option<BTreeSet<PathBuf>> {
        let root = &self.opts.root;
        let mut files = BTreeSet::new();
        for c in changed {
            let rel = c.strip_prefix(root).unwrap_or(c);
            let names: Vec<String> = rel
                .components()
                .map(|c| match c {
                    Component::Normal(n) => Some(n.to_string_lossy().into_owned()),
                    _ => None,
                })
                .collect::<Option<_>>()?;
            // content/<lang>/…, with a configured language.
            if names.len() < 3
                || names[0] != "content"
                || !self.session.config.languages.contains_key(&names[1])
            {
                return None;
            }
            if names.iter().any(|n| load::is_ignored_name(n)) {
                continue;
            }
            let path = root.join(rel);
            let meta = path.symlink_metadata();
            if meta.as_ref().is_ok_and(|m| m.file_type().is_symlink()) {
                return None;
            }
            if rel.extension().is_some_and(|x| x == "md")
                && !meta.as_ref().is_ok_and(|m| m.is_dir())
            {
                files.insert(rel.to_path_buf());
            } else if meta.as_ref().is_ok_and(|m| m.is_dir()) {
                // A folder created or moved in: every article inside it.
                for e in walkdir::WalkDir::new(&path).sort_by_file_name() {
                    let e = e.ok()?;
                    if e.path_is_symlink() {
                        return None;
                    }
                    let inner = e.path().strip_prefix(root).ok()?;
                    let ignored = inner
                        .components()
                        .any(|c| load::is_ignored_name(&c.as_os_str().to_string_lossy()));
                    if e.file_type().is_file()
                        && !ignored
                        && e.path().extension().is_some_and(|x| x == "md")
                    {
                        files.insert(inner.to_path_buf());
                    }
                }
            } else if meta.is_err() {
                // Removed: a file, or a folder with every article inside it.
                files.extend(self.sources.keys().filter(|k| k.starts_with(rel)).cloned());
            }
        }
        Some(files)
    }

    /// Links the cached articles; all diagnostics of the site, or a failure.
    fn link(&mut self) -> Result<(Site, Diagnostics), Failure> {
        let (site, diags) = self.session.link(&self.sources, &mut self.link_cache);
        if diags.has_errors() {
            return Err(Failure { diagnostics: diags });
        }
        Ok((site, diags))
    }

    /// The index stage, re-tokenizing only articles whose source changed
    /// since their document was cached; with `changed_only`, indexing only
    /// the languages whose fingerprint (their documents' paths and source
    /// hashes, in index order: all a document is made from, with the setup)
    /// differs from the last one written. Returns every language's fingerprint.
    fn search_index(
        &mut self,
        site: &Site,
        changed_only: bool,
    ) -> (SearchIndex, HashMap<String, u64>) {
        let key = |a: &Article| (a.lang.clone(), a.rel_path.clone());
        let missing: Vec<usize> = (0..site.articles.len())
            .filter(|&i| {
                let a = &site.articles[i];
                self.search_docs
                    .get(&key(a))
                    .is_none_or(|(hash, _)| hash != &a.hash)
            })
            .collect();
        let env = self.session.search_env();
        let fresh: Vec<(usize, CachedDoc)> = missing
            .par_iter()
            .map(|&i| (i, CachedDoc::new(crate::index::document(site, i, env))))
            .collect();
        for (i, doc) in fresh {
            let a = &site.articles[i];
            self.search_docs
                .insert(key(a), (a.hash.clone(), Arc::new(doc)));
        }
        // Forget documents of articles that are gone.
        if self.search_docs.len() > site.articles.len() {
            let live: HashSet<(String, String)> = site.articles.iter().map(|a| key(a)).collect();
            self.search_docs.retain(|k, _| live.contains(k));
        }
        let fingerprints: HashMap<String, u64> = site
            .by_lang
            .iter()
            .map(|(lang, ids)| {
                let mut h = std::collections::hash_map::DefaultHasher::new();
                for &id in ids {
                    let a = &site.articles[id];
                    (&a.rel_path, &a.hash).hash(&mut h);
                }
                (lang.clone(), h.finish())
            })
            .collect();
        let docs = &self.search_docs;
        let last = &self.search_langs;
        let index = crate::index::build_cached(
            site,
            |lang| !changed_only || last.get(lang).map(|(fp, _)| fp) != fingerprints.get(lang),
            |id| &docs[&key(&site.articles[id])].1,
        );
        (index, fingerprints)
    }
}

/// Each language's fingerprint and search files, for the languages indexed.
fn search_langs(
    index: &SearchIndex,
    mut fingerprints: HashMap<String, u64>,
) -> HashMap<String, (u64, Vec<String>)> {
    index
        .langs
        .keys()
        .filter_map(|lang| {
            let files = SearchIndex::lang_files(lang, &index.langs[lang])
                .into_iter()
                .map(|(route, _)| route.file())
                .collect();
            Some((lang.clone(), (fingerprints.remove(lang)?, files)))
        })
        .collect()
}

/// The files `Staging::copy_tree` copies from `from`, as output paths.
fn static_files(from: &Path, prefix: &str) -> HashSet<String> {
    let mut out = HashSet::new();
    if !from.is_dir() {
        return out;
    }
    for e in walkdir::WalkDir::new(from).into_iter().flatten() {
        if !e.file_type().is_file() {
            continue;
        }
        let Ok(rel) = e.path().strip_prefix(from) else {
            continue;
        };
        if rel
            .components()
            .any(|c| load::is_ignored_name(&c.as_os_str().to_string_lossy()))
        {
            continue;
        }
        let rel = rel.to_string_lossy().replace('\\', "/");
        out.insert(if prefix.is_empty() {
            rel
        } else {
            format!("{prefix}/{rel}")
        });
    }
    out
}

fn checked_rel(rel: &str) -> std::io::Result<&Path> {
    let p = Path::new(rel);
    if p.is_absolute() || p.components().any(|c| !matches!(c, Component::Normal(_))) {
        return Err(std::io::Error::other(format!(
            "refusing to write outside the output folder: {rel}"
        )));
    }
    Ok(p)
}

/// Writes one file inside the output folder through a temporary file and a
/// rename, so that the server never reads a half-written file.
fn write_in_place(output: &Path, rel: &str, bytes: &[u8]) -> std::io::Result<()> {
    let path = output.join(checked_rel(rel)?);
    let parent = path.parent().unwrap_or(output);
    std::fs::create_dir_all(parent)?;
    static COUNTER: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let n = COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    // Hidden, so the server never serves it; plain `fs::write`, so the file
    // gets the same permissions as in a clean build.
    let tmp = parent.join(format!(".brief-write-{}-{n}", std::process::id()));
    if let Err(e) = std::fs::write(&tmp, bytes).and_then(|()| std::fs::rename(&tmp, &path)) {
        let _ = std::fs::remove_file(&tmp);
        return Err(e);
    }
    Ok(())
}

/// Removes one file of the output folder, and its folders left empty.
fn remove_in_place(output: &Path, rel: &str) -> std::io::Result<()> {
    let path = output.join(checked_rel(rel)?);
    match std::fs::remove_file(&path) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(e),
    }
    let mut dir = path.parent();
    while let Some(d) = dir {
        if d == output || std::fs::remove_dir(d).is_err() {
            break;
        }
        dir = d.parent();
    }
    Ok(())
}

impl RebuildStats {
    /// The report `brief serve` prints.
    pub fn report(&self, output: &Path) -> BuildReport {
        BuildReport {
            pages_per_lang: BTreeMap::new(),
            files_written: self.files_written,
            diagnostics: self.diagnostics.clone(),
            elapsed: self.phase1 + self.search,
            output: output.to_path_buf(),
        }
    }
}
