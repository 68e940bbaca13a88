//! `brief build --cache`: an incremental build whose state comes from, and
//! goes back to, the build cache ([`crate::pipeline::cache`]).
//!
//! Every source file is keyed: read and hashed, unless its metadata says it
//! has not changed since the last build ([`cache::FileStamp`]); a file whose
//! entry is in the cache is not parsed again. When the cache's state describes the output folder as it
//! is (same folder on disk, same setup), the build is an incremental rebuild
//! of it: only pages whose inputs digest changed are rendered, only files
//! whose bytes changed are written, each through a temporary file and a
//! rename, after every page rendered. Otherwise it is a full build through a
//! staging folder, as without the cache. Either way the output equals a clean
//! build's, byte for byte (`tests/incremental.rs`).

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use rayon::prelude::*;

use super::{IncrementalBuild, RebuildStats};
use crate::base::diag::{Diagnostic, Diagnostics};
use crate::index::search::CachedDoc;
use crate::input::load;
use crate::output::write::{self, IfLocked};
use crate::parse::article::Article;
use crate::pipeline::build::{self, BuildOptions, Failure};
use crate::pipeline::cache::{self, Cache, Entry, FileStamp, Key, Loaded, Pack, State};
use crate::pipeline::session::{ParsedFile, Session};

/// Where the body HTML of articles read from the cache is: an entry holds
/// its article without it, and a build reads it back only for the pages it
/// renders ([`IncrementalBuild::refresh`]).
pub(super) struct StoredHtml {
    pack: Pack,
    /// (language, path under `content/<lang>/`) → entry.
    keys: HashMap<(String, String), Key>,
}

impl StoredHtml {
    /// The article with its body HTML, if it came from the cache without it.
    pub(super) fn fill(&self, a: &Arc<Article>) -> Option<Arc<Article>> {
        let key = self.keys.get(&(a.lang.clone(), a.rel_path.clone()))?;
        let html = Cache::body_html(&self.pack, key)?;
        let mut a = (**a).clone();
        a.body.html = html;
        Some(Arc::new(a))
    }

    fn fill_parsed(&self, mut p: ParsedFile) -> ParsedFile {
        if let Some(a) = p.article.as_ref().and_then(|a| self.fill(a)) {
            p.article = Some(a);
        }
        p
    }
}

/// An entry's key and its encoded bytes.
type Record = (Key, Vec<u8>);

/// One source file, from the cache or parsed now.
struct Source {
    rel: PathBuf,
    parsed: ParsedFile,
    /// `None` when the file could not be read (nothing to cache).
    key: Option<Key>,
    /// The file's metadata before it was read.
    stamp: Option<FileStamp>,
    /// Whether the file was read (not trusted by its metadata).
    read: bool,
    search: Option<Arc<CachedDoc>>,
    /// Whether the cache lacks (part of) this file's entry.
    store: bool,
}

/// Several damaged entries make one warning, not one per file.
fn entry_warnings(mut ws: Vec<Diagnostic>) -> Option<Diagnostic> {
    let n = ws.len();
    let mut first = ws.drain(..).next()?;
    if n > 1 {
        first.message = format!(
            "{} (and {} more cache entries like it)",
            first.message,
            n - 1
        );
    }
    Some(first)
}

impl IncrementalBuild {
    /// Builds the site with the build cache in `dir`; see the module docs.
    pub fn build_cached(
        opts: &BuildOptions,
        dir: &Path,
        if_locked: IfLocked,
    ) -> Result<RebuildStats, Failure> {
        let start = Instant::now();
        let started = cache::now_ns();
        let mut timer = build::StageTimer::new();
        let (lock, output) = Self::lock_new(opts, if_locked)?;
        if write::absolute(dir).starts_with(&output) {
            let d = Diagnostic::error(
                "unsafe-cache-dir",
                format!(
                    "the cache folder {} is inside the output folder {}",
                    dir.display(),
                    output.display()
                ),
            )
            .help("choose a cache folder outside the output, which is published and replaced whole by a full build (the default is .brief/cache in the site root)");
            let mut ds = Diagnostics::new();
            ds.push(d);
            return Err(ds.into());
        }
        let mut session = Session::open(opts)?;
        let theme = opts.root.join("themes").join(&session.config.site.theme);
        timer.lap("c-session");
        let cache = Cache::open(dir, &opts.root, opts, &theme);
        let _cache_lock = cache
            .lock()
            .map_err(|e| cache_error(Diagnostics::new(), e))?;
        timer.lap("c-keys");
        let (mut loaded, state_warning) = cache.load_state();
        let index = match &mut loaded {
            Loaded::Usable(st) | Loaded::Stale(st) => Some(std::mem::take(&mut st.pack)),
            Loaded::Missing => None,
        };
        let (pack, pack_warning) = cache.open_pack(index);
        let (known, trusted_before) = match &mut loaded {
            Loaded::Usable(st) | Loaded::Stale(st) => (std::mem::take(&mut st.sources), st.started),
            Loaded::Missing => (BTreeMap::new(), 0),
        };
        timer.lap("c-state");
        let (paths, ds) = load::discover(&opts.root, &session.config);
        session.diagnostics.extend(ds);
        timer.lap("c-discover");

        let read: Vec<(Source, Option<Diagnostic>)> = paths
            .par_iter()
            .map(|path| {
                let rel = path.strip_prefix(&session.root).unwrap_or(path);
                let known = known.get(rel).map(|k| (k, trusted_before));
                read_source(&session, &cache, &pack, path, known)
            })
            .collect();
        let mut warnings: Vec<Diagnostic> = state_warning.into_iter().chain(pack_warning).collect();
        let mut entry_problems = Vec::new();
        let mut sources = Vec::with_capacity(read.len());
        for (s, w) in read {
            entry_problems.extend(w);
            sources.push(s);
        }
        warnings.extend(entry_warnings(entry_problems));
        let parsed = sources.iter().filter(|s| s.store).count();
        let read_count = sources.iter().filter(|s| s.read).count();
        timer.lap("c-read");

        let mut search_docs = HashMap::new();
        for s in &sources {
            if let (Some(a), Some(doc)) = (&s.parsed.article, &s.search) {
                search_docs.insert(
                    (a.lang.clone(), a.rel_path.clone()),
                    (a.hash.clone(), doc.clone()),
                );
            }
        }
        let parsed_files: BTreeMap<PathBuf, ParsedFile> = sources
            .iter()
            .map(|s| (s.rel.clone(), s.parsed.clone()))
            .collect();

        let stored = StoredHtml {
            keys: sources
                .iter()
                .filter(|s| !s.store)
                .filter_map(|s| {
                    let a = s.parsed.article.as_ref()?;
                    Some(((a.lang.clone(), a.rel_path.clone()), s.key?))
                })
                .collect(),
            pack,
        };
        let usable = match loaded {
            Loaded::Usable(st)
                if st.output == output
                    && cache::folder_id(&output) == Some(st.output_id)
                    && output.join(write::STAMP).is_file() =>
            {
                Some(st)
            }
            _ => None,
        };
        let (mut state, mut stats) = match usable {
            Some(st) => {
                let st = *st;
                let mut state = IncrementalBuild {
                    opts: opts.clone(),
                    session,
                    output,
                    sources: parsed_files,
                    site: Default::default(),
                    digests: st.digests,
                    written: st.written,
                    search_written: st.search_written,
                    search_langs: st.search_langs,
                    static_files: st.static_files,
                    search_docs,
                    search_pending: false,
                    link_cache: Default::default(),
                    needs_full: false,
                    lock_held: true,
                    stored_html: Some(stored),
                };
                // The output changes in place from here: without a state, an
                // interrupted build is followed by a full one.
                let mut stats = state.refresh(start, parsed, timer, &BTreeSet::new(), &|| {
                    cache.forget_state()
                })?;
                let mut timer = build::StageTimer::new();
                let search = state.finish()?;
                timer.lap("c-search");
                stats.files_written += search.files_written;
                stats.files_removed += search.files_removed;
                stats.search = search.search;
                stats.search_files_written = search.search_files_written;
                (state, stats)
            }
            None => {
                // Replaced whole: the state no longer describes it.
                cache
                    .forget_state()
                    .map_err(|e| cache_error(Diagnostics::new(), e))?;
                // Every page is rendered: every article needs its body.
                let parsed_files = parsed_files
                    .into_iter()
                    .map(|(rel, p)| (rel, stored.fill_parsed(p)))
                    .collect();
                let (mut state, mut stats) = Self::full(
                    opts,
                    session,
                    output,
                    lock,
                    parsed_files,
                    search_docs,
                    start,
                )?;
                state.stored_html = Some(stored);
                stats.parsed = parsed;
                (state, stats)
            }
        };
        let mut timer = build::StageTimer::new();
        let pack = state.stored_html.take().expect("set above").pack;
        state
            .save(&cache, pack, &sources, started)
            .map_err(|e| cache_error(stats.diagnostics.clone(), e))?;
        timer.lap("c-save");
        stats.sources = sources.len();
        stats.read = read_count;
        stats.diagnostics.extend(warnings);
        stats.diagnostics.normalize();
        stats.phase1 = start.elapsed() - stats.search;
        // Freeing the parsed site takes a while and nobody waits for it.
        std::thread::spawn(move || drop((state, sources)));
        Ok(stats)
    }

    /// An entry as the cache stores it: the parse result and the search
    /// document, without the plain text. `None` for a file without a key
    /// or an article without its document.
    fn encode(&self, s: &Source) -> std::io::Result<Option<Record>> {
        let Some(key) = s.key else {
            return Ok(None);
        };
        let mut parsed = s.parsed.clone();
        let mut search = None;
        if let Some(a) = &parsed.article {
            // Only the index stage reads the plain text, and its document is
            // stored beside the article: an entry without one is never used
            // (see `read_source`).
            let Some((hash, doc)) = self.search_docs.get(&(a.lang.clone(), a.rel_path.clone()))
            else {
                return Ok(None);
            };
            if hash != &a.hash {
                return Ok(None);
            }
            search = Some((**doc).clone());
            let mut a = (**a).clone();
            a.body.plain_text = String::new();
            let html = std::mem::take(&mut a.body.html);
            parsed.article = Some(Arc::new(a));
            return Ok(Some((
                key,
                Cache::encode(&Entry { parsed, search }, &html)?,
            )));
        }
        Ok(Some((key, Cache::encode(&Entry { parsed, search }, "")?)))
    }

    /// Writes the entries the cache lacks and the state, and drops the
    /// entries no source file uses any more.
    fn save(
        &mut self,
        cache: &Cache,
        pack: Pack,
        sources: &[Source],
        started: u128,
    ) -> std::io::Result<()> {
        let sources_map: BTreeMap<PathBuf, (Key, Option<FileStamp>)> = sources
            .iter()
            .filter_map(|s| Some((s.rel.clone(), (s.key?, s.stamp))))
            .collect();
        let live: HashSet<Key> = sources_map.values().map(|(k, _)| *k).collect();
        let mut writer = cache.pack_writer(pack, &live)?;
        let to_store: Vec<&Source> = sources.iter().filter(|s| s.store).collect();
        // Encoded a chunk at a time, so that a first build does not hold
        // every encoded entry at once.
        for chunk in to_store.chunks(256) {
            let encoded: Vec<std::io::Result<Option<Record>>> =
                chunk.par_iter().map(|s| self.encode(s)).collect();
            for e in encoded {
                if let Some((key, payload)) = e? {
                    writer.add(key, &payload)?;
                }
            }
        }
        let pack = writer.finish()?;
        let mut state = State {
            started,
            output: self.output.clone(),
            output_id: cache::folder_id(&self.output).unwrap_or_default(),
            render_key: [0; 32],
            sources: sources_map,
            digests: self.digests.clone(),
            written: self.written.clone(),
            search_written: self.search_written.clone(),
            search_langs: self.search_langs.clone(),
            static_files: self.static_files.clone(),
            pack,
        };
        cache.store_state(&mut state)
    }
}

fn cache_error(mut diags: Diagnostics, e: std::io::Error) -> Failure {
    diags.push(
        Diagnostic::error("write-failed", format!("cannot write the build cache: {e}"))
            .help("check permissions and free space in the cache folder, or build without --cache"),
    );
    diags.into()
}

/// Reads one source file and takes its parse result from the cache, or
/// parses it. `known` is the file's entry and stamp in the last state, with
/// the time that build started: a file whose metadata says it did not
/// change since is not even read.
fn read_source(
    session: &Session,
    cache: &Cache,
    pack: &Pack,
    path: &Path,
    known: Option<(&(Key, Option<FileStamp>), u128)>,
) -> (Source, Option<Diagnostic>) {
    let rel = path
        .strip_prefix(&session.root)
        .unwrap_or(path)
        .to_path_buf();
    let stamp = std::fs::metadata(path).ok().and_then(|m| FileStamp::of(&m));
    if let (Some(((key, Some(recorded)), started)), Some(now)) = (known, stamp) {
        if now.unchanged_since(recorded, started) {
            if let (Some(Entry { parsed, search }), None) = cache.entry(pack, key) {
                if search.is_some() || parsed.article.is_none() {
                    let source = Source {
                        rel,
                        parsed,
                        key: Some(*key),
                        stamp,
                        read: false,
                        search: search.map(Arc::new),
                        store: false,
                    };
                    return (source, None);
                }
            }
        }
    }
    let src = match load::read(&session.root, path) {
        Ok(src) => src,
        Err(d) => {
            let parsed = ParsedFile {
                article: None,
                unbuilt: None,
                diagnostics: vec![d],
            };
            let s = Source {
                rel,
                parsed,
                key: None,
                stamp: None,
                read: true,
                search: None,
                store: false,
            };
            return (s, None);
        }
    };
    let key = cache.key(&src);
    let (entry, warning) = cache.entry(pack, &key);
    let source = match entry {
        Some(Entry { parsed, search }) if search.is_some() || parsed.article.is_none() => Source {
            rel,
            store: false,
            parsed,
            key: Some(key),
            stamp,
            read: true,
            search: search.map(Arc::new),
        },
        _ => Source {
            rel,
            parsed: session.parse_source(&src),
            key: Some(key),
            stamp,
            read: true,
            search: None,
            store: true,
        },
    };
    (source, warning)
}
