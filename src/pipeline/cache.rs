//! The build cache of `brief build --cache [DIR]`: what `brief serve`'s
//! incremental build keeps in memory ([`super::incremental`]), persisted so
//! that a build in a fresh process (a CI run, an editor's next build) reuses
//! it.
//!
//! Two files:
//!
//! - `entries.pack`: each source file's parse result and search document
//!   (see [`pack`] for how it is kept). An entry's key is a SHA-256 of the program, the setup the parse
//!   depends on (book.toml, `--base-url`, the locales), the file's path,
//!   length and content hash (64 bits of the SHA-256 of its text), so an
//!   entry is found only by the input it was made from.
//! - `state.bin` (written through a temporary file and a rename): the last
//!   build's output folder (and its identity on disk), the entry of every
//!   source file and where it is in the pack, every page's inputs digest,
//!   the hash of every file written. (What linking remembers between serve's
//!   rebuilds is not kept: decoding and writing it cost as much as linking
//!   without it, about 0.2 s at 10,000 articles.)
//!
//! Every file starts with a header naming the format and the program that
//! wrote it, and carries a CRC-32 of its payload (it detects damage; the
//! keys, not the checksum, guard against confusing one input with another). A file that is damaged, or
//! was written by another version of brief, is ignored with a warning and
//! never trusted. The state is removed before a build updates the output in
//! place and written again after, so an interrupted update leaves no state
//! and the next build is a full one.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::Read;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::base::diag::Diagnostic;
use crate::index::search::CachedDoc;
use crate::input::load::SourceFile;
use crate::pipeline::session::ParsedFile;

mod pack;
pub use pack::{Pack, Slot};

/// Bumped when what is stored changes shape.
const FORMAT: u32 = 1;
const MAGIC: &[u8; 11] = b"brief-cache";
/// `brief build --cache` without a folder: `.brief/cache/` in the site root.
pub const DEFAULT_DIR: &str = ".brief/cache";

/// A SHA-256, as the cache names things.
pub type Key = [u8; 32];

/// What the cache remembers of the last build.
#[derive(Default, Serialize, Deserialize)]
pub struct State {
    /// The output folder (absolute) and the identity of the folder itself
    /// (device, inode): a folder replaced by another build is not the one
    /// these hashes describe.
    pub output: PathBuf,
    pub output_id: (u64, u64),
    /// The setup the pages were rendered with (see [`Cache::render_key`]).
    pub render_key: Key,
    /// Source file (relative to the root) → its entry, and the file's
    /// metadata when it was read.
    pub sources: BTreeMap<PathBuf, (Key, Option<FileStamp>)>,
    /// When the build that wrote this state started (nanoseconds since
    /// 1970): only files last changed well before it are trusted by their
    /// metadata (see [`FileStamp`]).
    pub started: u128,
    /// Output path → inputs digest of the page written there.
    pub digests: HashMap<String, u64>,
    /// Output path → hash of the bytes written there (pages).
    pub written: HashMap<String, u64>,
    /// Output path → hash of the bytes written there (search files).
    pub search_written: HashMap<String, u64>,
    /// Per language: the fingerprint of its search documents and its files.
    pub search_langs: HashMap<String, (u64, Vec<String>)>,
    /// Files copied from `static/` folders.
    pub static_files: HashSet<String>,
    /// Where each entry is in `entries.pack`.
    pub pack: HashMap<Key, Slot>,
}

/// One source file's results.
#[derive(Debug, Serialize, Deserialize)]
pub struct Entry {
    pub parsed: ParsedFile,
    pub search: Option<CachedDoc>,
}

/// An open cache folder.
pub struct Cache {
    dir: PathBuf,
    /// The program and the parse setup: part of every entry key.
    parse_key: Key,
    /// `parse_key` and everything else the output depends on.
    render_key: Key,
    program: Key,
}

/// What became of reading the state.
pub enum Loaded {
    /// No state: a first build, or the previous one was interrupted.
    Missing,
    /// Made with another setup (book.toml, theme, locales, static files):
    /// only where the entries are is still true.
    Stale(Box<State>),
    Usable(Box<State>),
}

fn sha(parts: &[&[u8]]) -> Key {
    let mut h = Sha256::new();
    for p in parts {
        h.update((p.len() as u64).to_le_bytes());
        h.update(p);
    }
    h.finalize().into()
}

/// Every file under `dir` (sorted, hidden ones too: a theme's are read),
/// hashed with its path relative to `dir`.
fn hash_tree(h: &mut Sha256, dir: &Path) {
    // Links followed, as the build reads through them.
    let mut files: Vec<PathBuf> = walkdir::WalkDir::new(dir)
        .follow_links(true)
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file())
        .map(|e| e.into_path())
        .collect();
    files.sort();
    for f in files {
        let rel = f.strip_prefix(dir).unwrap_or(&f).to_string_lossy();
        h.update((rel.len() as u64).to_le_bytes());
        h.update(rel.as_bytes());
        match std::fs::read(&f) {
            Ok(bytes) => {
                h.update((bytes.len() as u64).to_le_bytes());
                h.update(&bytes);
            }
            // Unreadable now: the build reports it; never equal to a readable file.
            Err(_) => h.update(u64::MAX.to_le_bytes()),
        }
    }
}

/// The running program: its version and, for builds from source, the
/// executable's size and modification time (a rebuilt binary may parse
/// differently under the same version number).
fn program_key() -> Key {
    let exe = std::env::current_exe()
        .and_then(std::fs::metadata)
        .map(|m| {
            let mtime = m
                .modified()
                .ok()
                .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                .map_or(0, |d| d.as_nanos());
            format!("{}:{mtime}", m.len())
        })
        .unwrap_or_default();
    sha(&[
        env!("CARGO_PKG_NAME").as_bytes(),
        env!("CARGO_PKG_VERSION").as_bytes(),
        exe.as_bytes(),
    ])
}

fn warning(path: &Path, what: &str) -> Diagnostic {
    Diagnostic::warning(
        "cache-ignored",
        format!("the build cache file {} {what}; it was ignored", path.display()),
    )
    .help("nothing to do: the build did the work again and rewrote the cache (delete the folder to start afresh)")
}

/// The payload of a cache file, checked; `Err` says why it is not usable.
fn read_payload(path: &Path, program: &Key) -> Result<Option<Vec<u8>>, &'static str> {
    let mut file = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(_) => return Err("cannot be read"),
    };
    let mut bytes = Vec::new();
    file.read_to_end(&mut bytes).map_err(|_| "cannot be read")?;
    if let Some(problem) = header_problem(&bytes, program) {
        return Err(problem);
    }
    // The header, then the payload's CRC-32.
    let at = header(program).len();
    let head = at + 4;
    if bytes.len() < head || crc32fast::hash(&bytes[head..]).to_le_bytes() != bytes[at..head] {
        return Err("is damaged (its checksum does not match)");
    }
    Ok(Some(bytes.split_off(head)))
}

/// What every cache file starts with: the format and the program that
/// wrote it.
fn header(program: &Key) -> Vec<u8> {
    let mut h = MAGIC.to_vec();
    h.extend_from_slice(&FORMAT.to_le_bytes());
    h.extend_from_slice(program);
    h
}

/// Why a file that starts with `bytes` is not this program's cache file.
fn header_problem(bytes: &[u8], program: &Key) -> Option<&'static str> {
    if !bytes.starts_with(MAGIC) {
        Some("is not a brief cache file")
    } else if !bytes.starts_with(&header(program)) {
        Some("was written by another version of brief")
    } else {
        None
    }
}

/// Writes a cache file through a temporary file and a rename.
fn write_file(path: &Path, program: &Key, payload: &[u8]) -> std::io::Result<()> {
    let parent = path.parent().expect("cache files are in a folder");
    std::fs::create_dir_all(parent)?;
    let mut bytes = header(program);
    bytes.extend_from_slice(&crc32fast::hash(payload).to_le_bytes());
    bytes.extend_from_slice(payload);
    let mut tmp = tempfile::NamedTempFile::new_in(parent)?;
    std::io::Write::write_all(&mut tmp, &bytes)?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

impl Cache {
    /// The cache in `dir` for the site at `root`, as the build of `opts` and
    /// `theme` sees it. Reads the setup files to key what depends on them.
    pub fn open(
        dir: &Path,
        root: &Path,
        opts: &crate::pipeline::session::BuildOptions,
        theme: &Path,
    ) -> Cache {
        let program = program_key();
        let mut parse = Sha256::new();
        parse.update(program);
        parse.update(std::fs::read(crate::pipeline::build::config_path(root)).unwrap_or_default());
        parse.update(opts.base_url.as_deref().unwrap_or("\u{0}").as_bytes());
        hash_tree(&mut parse, &root.join("locales"));
        let parse_key: Key = parse.finalize().into();
        let mut render = Sha256::new();
        render.update(parse_key);
        render.update([u8::from(opts.drafts)]);
        hash_tree(&mut render, theme);
        hash_tree(&mut render, &root.join("static"));
        Cache {
            dir: dir.to_path_buf(),
            parse_key,
            render_key: render.finalize().into(),
            program,
        }
    }

    fn state_path(&self) -> PathBuf {
        self.dir.join("state.bin")
    }

    fn pack_path(&self) -> PathBuf {
        self.dir.join("entries.pack")
    }

    /// The entry key of a source file read from disk: from its content
    /// hash, which reading the file computed already.
    pub fn key(&self, src: &SourceFile) -> Key {
        sha(&[
            &self.parse_key,
            src.file.to_string_lossy().as_bytes(),
            src.hash.as_bytes(),
            &(src.text.len() as u64).to_le_bytes(),
        ])
    }

    /// The state of the last build, or why there is none; a damaged state or
    /// one from another version comes with a warning.
    pub fn load_state(&self) -> (Loaded, Option<Diagnostic>) {
        let path = self.state_path();
        match read_payload(&path, &self.program) {
            Ok(None) => (Loaded::Missing, None),
            Err(why) => (Loaded::Missing, Some(warning(&path, why))),
            Ok(Some(payload)) => match rmp_serde::from_slice::<State>(&payload) {
                Ok(state) if state.render_key != self.render_key => {
                    (Loaded::Stale(Box::new(state)), None)
                }
                Ok(state) => (Loaded::Usable(Box::new(state)), None),
                Err(_) => (Loaded::Missing, Some(warning(&path, "cannot be decoded"))),
            },
        }
    }

    /// The pack of entries; `index` is where the state says they are.
    pub fn open_pack(&self, index: Option<HashMap<Key, Slot>>) -> (Pack, Option<Diagnostic>) {
        let path = self.pack_path();
        let (pack, why) = Pack::open(&path, &self.program, index);
        (pack, why.map(|why| warning(&path, why)))
    }

    /// A source file's entry, if the pack has a usable one.
    pub fn entry(&self, pack: &Pack, key: &Key) -> (Option<Entry>, Option<Diagnostic>) {
        let path = self.pack_path();
        match pack.get(key) {
            Ok(None) => (None, None),
            Err(pack::Bad::Damaged) => (
                None,
                Some(warning(
                    &path,
                    "has a damaged entry (its checksum does not match)",
                )),
            ),
            Err(pack::Bad::Missing) => (
                None,
                Some(warning(
                    &path,
                    "lacks an entry the state names (it was cut short)",
                )),
            ),
            Ok(Some(payload)) => match split(payload)
                .and_then(|(meta, _)| rmp_serde::from_slice::<Entry>(meta).ok())
            {
                Some(entry) => (Some(entry), None),
                None => (
                    None,
                    Some(warning(&path, "has an entry that cannot be decoded")),
                ),
            },
        }
    }

    /// An entry as the pack stores it: the length of the encoded entry, the
    /// entry, then the body HTML of its article, kept apart because only the
    /// pages rendered need it (see [`Cache::body_html`]).
    pub fn encode(entry: &Entry, html: &str) -> std::io::Result<Vec<u8>> {
        let meta = rmp_serde::to_vec_named(entry).map_err(std::io::Error::other)?;
        let mut out = Vec::with_capacity(4 + meta.len() + html.len());
        out.extend_from_slice(&(meta.len() as u32).to_le_bytes());
        out.extend_from_slice(&meta);
        out.extend_from_slice(html.as_bytes());
        Ok(out)
    }

    /// The body HTML stored with the entry of `key`.
    pub fn body_html(pack: &Pack, key: &Key) -> Option<String> {
        let (_, html) = split(pack.get(key).ok()??)?;
        std::str::from_utf8(html).ok().map(str::to_owned)
    }

    /// Starts writing the pack: entries not `live` are dropped.
    pub fn pack_writer(&self, pack: Pack, live: &HashSet<Key>) -> std::io::Result<pack::Writer> {
        std::fs::create_dir_all(&self.dir)?;
        pack.writer(&self.program, live)
    }

    /// Holds the cache folder for this build: two builds never write one
    /// cache at once (the second waits).
    pub fn lock(&self) -> std::io::Result<std::fs::File> {
        std::fs::create_dir_all(&self.dir)?;
        let f = std::fs::File::create(self.dir.join("lock"))?;
        f.lock()?;
        Ok(f)
    }

    /// Removes the state: the output is about to change in place.
    pub fn forget_state(&self) -> std::io::Result<()> {
        match std::fs::remove_file(self.state_path()) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
            _ => Ok(()),
        }
    }

    /// Stores the state of a build that completed.
    pub fn store_state(&self, state: &mut State) -> std::io::Result<()> {
        state.render_key = self.render_key;
        let payload = rmp_serde::to_vec_named(&*state).map_err(std::io::Error::other)?;
        write_file(&self.state_path(), &self.program, &payload)
    }
}

/// What a file's metadata says of its content. A source file whose stamp is
/// the one recorded, and whose modification time is more than a second
/// before the recording build started, is taken to hold the same text and
/// is not read again (as git trusts its index). The change time and inode
/// catch a file replaced or restored with an old modification time; the
/// second catches an edit made while the recording build read the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileStamp {
    pub len: u64,
    pub modified: u128,
    pub changed: u128,
    pub inode: (u64, u64),
}

impl FileStamp {
    pub fn of(meta: &std::fs::Metadata) -> Option<FileStamp> {
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            let ns = |s: i64, n: i64| (s as i128 * 1_000_000_000 + n as i128).max(0) as u128;
            Some(FileStamp {
                len: meta.len(),
                modified: ns(meta.mtime(), meta.mtime_nsec()),
                changed: ns(meta.ctime(), meta.ctime_nsec()),
                inode: (meta.dev(), meta.ino()),
            })
        }
        #[cfg(not(unix))]
        {
            let _ = meta;
            None
        }
    }

    /// Whether a file with this stamp may be taken to hold what it held
    /// when `recorded` was taken by a build started at `started`.
    pub fn unchanged_since(&self, recorded: &FileStamp, started: u128) -> bool {
        self == recorded && self.modified.saturating_add(1_000_000_000) < started
    }
}

/// Nanoseconds since 1970, now.
pub fn now_ns() -> u128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos())
}

/// An entry's payload: (encoded entry, body HTML).
fn split(payload: &[u8]) -> Option<(&[u8], &[u8])> {
    let n = u32::from_le_bytes(payload.get(..4)?.try_into().ok()?) as usize;
    let rest = &payload[4..];
    (n <= rest.len()).then(|| rest.split_at(n))
}

/// The identity (device, inode) of a folder, to tell whether the output
/// folder is still the one a state describes.
pub fn folder_id(path: &Path) -> Option<(u64, u64)> {
    let meta = std::fs::metadata(path).ok()?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        Some((meta.dev(), meta.ino()))
    }
    #[cfg(not(unix))]
    {
        let created = meta
            .created()
            .ok()?
            .duration_since(std::time::UNIX_EPOCH)
            .ok()?;
        Some((0, created.as_nanos() as u64))
    }
}
