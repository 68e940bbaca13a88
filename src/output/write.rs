//! Stage 5, write: atomic replacement of the output folder.
//!
//! Pages are written into a fresh staging folder beside the output folder; only
//! when every page succeeded does the staging folder replace the output. A
//! failed or interrupted build therefore leaves the previous output untouched.
//! `brief` only ever replaces a folder that carries its stamp file.
//!
//! One build at a time writes an output folder: [`OutputLock`] is an advisory
//! lock on `.brief-lock-<name>` beside it, and a [`Staging`] folder can only
//! be begun with the lock in hand. Whoever holds the lock therefore knows that
//! every staging folder of that output is a leftover of a build that is gone.
//! On Linux the new output is exchanged with the old one in one step
//! (`renameat2(RENAME_EXCHANGE)`), so the output path never stops existing.

use std::fs::{File, OpenOptions, TryLockError};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Component, Path, PathBuf};

use crate::base::diag::Diagnostic;

/// Marks a folder as written by `brief`, so it may be replaced.
pub const STAMP: &str = ".brief-output";
const STAGING_PREFIX: &str = ".brief-staging-";
const OLD_PREFIX: &str = ".brief-old-";
const LOCK_PREFIX: &str = ".brief-lock-";
/// brief's own folder in the site root: `brief serve` previews into
/// `.brief/serve/<port>/` (see `serve::preview_dir`). A configured
/// `[build] output_dir` may not be in it, so `brief build` never uses it.
pub const PRIVATE_DIR: &str = ".brief";
/// `.brief/trash/`: where a build moves the output it replaced, to be deleted
/// by the next build while it compiles (see [`empty_trash`]).
pub const TRASH_DIR: &str = "trash";

fn lexical_normalize(p: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

/// Absolute, normalized form of a path that may not exist yet: the longest
/// existing ancestor is canonicalized (resolving symlinks), the rest appended.
pub fn absolute(p: &Path) -> PathBuf {
    let abs = if p.is_absolute() {
        p.to_path_buf()
    } else {
        std::env::current_dir().unwrap_or_default().join(p)
    };
    let abs = lexical_normalize(&abs);
    let mut existing = abs.clone();
    let mut rest = Vec::new();
    while !existing.exists() {
        match existing.file_name() {
            Some(name) => rest.push(name.to_os_string()),
            None => break,
        }
        if !existing.pop() {
            break;
        }
    }
    let mut out = existing.canonicalize().unwrap_or(existing);
    for name in rest.into_iter().rev() {
        out.push(name);
    }
    out
}

/// Refuses output folders that would destroy the editor's work.
/// `explicit` is true when the folder was named by `--output`.
pub fn check_output_dir(root: &Path, output: &Path, explicit: bool) -> Result<(), Diagnostic> {
    let root = absolute(root);
    let out = absolute(output);
    // Blame what named the folder: `--output`, or `[build] output_dir`.
    let refuse = |why: String| {
        let d = Diagnostic::error(
            "unsafe-output-dir",
            format!("refusing to write the site into {}: {why}", out.display()),
        );
        if explicit {
            d.help("pass --output a new or brief-made folder, such as ./public")
        } else {
            d.in_file("book.toml")
                .help("set [build] output_dir to a new folder inside the site root, such as public")
        }
    };
    // A symbolic link whose target is missing: say so, with the target.
    if let Ok(meta) = std::fs::symlink_metadata(output) {
        if meta.file_type().is_symlink() && !output.exists() {
            let target = std::fs::read_link(output)
                .map(|t| t.display().to_string())
                .unwrap_or_default();
            return Err(refuse(format!(
                "it is a symbolic link to {target}, which does not exist; create that folder, remove the link or choose another folder"
            )));
        }
    }
    // The parent must be a folder (or not exist yet): a file there makes
    // every write fail with a cryptic "File exists".
    if let Some(parent) = output.parent().filter(|p| !p.as_os_str().is_empty()) {
        let mut p = Some(parent);
        while let Some(dir) = p {
            if dir.exists() {
                if !dir.is_dir() {
                    return Err(refuse(format!(
                        "{} is a file, not a folder",
                        absolute(dir).display()
                    )));
                }
                break;
            }
            p = dir.parent().filter(|p| !p.as_os_str().is_empty());
        }
    }
    if out == root {
        return Err(refuse("it is the site root".into()));
    }
    if root.starts_with(&out) {
        return Err(refuse("it contains the site root".into()));
    }
    for protected in ["content", "themes", "locales", "static", ".git"] {
        // Also where a protected folder really is, when it is a symbolic link.
        let real = absolute(&root.join(protected));
        if out.starts_with(root.join(protected)) || out.starts_with(&real) {
            return Err(refuse(format!("it is inside {protected}/")));
        }
        if real.starts_with(&out) {
            return Err(refuse(format!("it contains {protected}/")));
        }
    }
    if out.parent().is_none() {
        return Err(refuse("it is a file-system root".into()));
    }
    let trash = root.join(PRIVATE_DIR).join(TRASH_DIR);
    if out.starts_with(&trash) || trash.starts_with(&out) {
        return Err(refuse(format!(
            "{} is where brief puts replaced outputs to delete them",
            trash.display()
        )));
    }
    if !explicit && out.starts_with(root.join(PRIVATE_DIR)) {
        return Err(refuse(format!(
            "it is inside {PRIVATE_DIR}/, where brief serve writes its previews"
        )));
    }
    if !explicit && !out.starts_with(&root) {
        return Err(refuse(
            "it is outside the site root (name it with --output to allow that)".into(),
        ));
    }
    if out.exists() {
        if !out.is_dir() {
            return Err(refuse("it is a file".into()));
        }
        let non_empty = std::fs::read_dir(&out)
            .map(|mut d| d.next().is_some())
            .unwrap_or(true);
        if non_empty && !out.join(STAMP).is_file() {
            return Err(refuse(format!(
                "it is not empty and was not created by brief (it has no {STAMP} file); move its contents away or choose another folder"
            )));
        }
    }
    Ok(())
}

/// The lock file of an output folder: `.brief-lock-<name>` beside it.
///
/// Beside and not inside, because the output folder is what a build replaces:
/// a lock file inside would be swapped away with the old output (a second
/// build would then lock a different file), it would not exist before the
/// first build, and it would be published with the site. The file is never
/// deleted: deleting it would let a build that opened it before the deletion
/// and one that creates it anew both hold "the" lock.
pub fn lock_path(output: &Path) -> PathBuf {
    let name = output
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    output
        .parent()
        .unwrap_or_else(|| Path::new("."))
        .join(format!("{LOCK_PREFIX}{name}"))
}

/// What to do when another process holds the lock of the output folder.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum IfLocked {
    /// Wait for it, saying so once on standard error.
    #[default]
    Wait,
    /// Give up at once (`brief build --no-wait`).
    Fail,
}

/// Why the lock of an output folder could not be taken.
#[derive(Debug)]
pub enum LockError {
    /// Another process holds it (and `IfLocked::Fail` was asked for).
    Busy {
        /// The holder's process id, as it recorded it in the lock file.
        holder: Option<u32>,
        lock: PathBuf,
    },
    Io(std::io::Error),
}

impl From<std::io::Error> for LockError {
    fn from(e: std::io::Error) -> Self {
        LockError::Io(e)
    }
}

/// "another brief process (pid 1234)", or without the pid when unknown.
pub fn describe_holder(holder: Option<u32>) -> String {
    match holder {
        Some(pid) => format!("another brief process (pid {pid})"),
        None => "another brief process".to_string(),
    }
}

/// An advisory lock (`flock` on Unix, `LockFileEx` on Windows) on the lock
/// file of an output folder, held while a build writes into it; released
/// when dropped, and by the system when the process dies however it dies.
/// The holder writes its process id into the file while it holds the lock,
/// so that a build that must wait can say for whom.
#[derive(Debug)]
pub struct OutputLock {
    file: File,
    output: PathBuf,
}

impl OutputLock {
    /// Takes the lock of `output` (made absolute), creating the lock file and
    /// the parent folder if needed.
    pub fn acquire(output: &Path, if_locked: IfLocked) -> Result<OutputLock, LockError> {
        let output = absolute(output);
        let path = lock_path(&output);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)?;
        match file.try_lock() {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => {
                let holder = read_holder(&path);
                if if_locked == IfLocked::Fail {
                    return Err(LockError::Busy { holder, lock: path });
                }
                eprintln!(
                    "waiting for {} to finish writing into {} (lock file {})",
                    describe_holder(holder),
                    output.display(),
                    path.display()
                );
                file.lock()?;
            }
            Err(TryLockError::Error(e)) => return Err(e.into()),
        }
        file.set_len(0)?;
        file.seek(SeekFrom::Start(0))?;
        file.write_all(format!("{}\n", std::process::id()).as_bytes())?;
        Ok(OutputLock { file, output })
    }

    /// The output folder this lock is for (absolute).
    pub fn output(&self) -> &Path {
        &self.output
    }
}

impl Drop for OutputLock {
    /// Empties the lock file before the lock goes (with the file): at rest it
    /// names nobody, and its bytes do not change from build to build.
    fn drop(&mut self) {
        let _ = self.file.set_len(0);
    }
}

/// The process id recorded in a lock file, if it holds one.
fn read_holder(path: &Path) -> Option<u32> {
    let mut text = String::new();
    File::open(path).ok()?.read_to_string(&mut text).ok()?;
    text.trim().parse().ok()
}

/// A staging folder beside the output folder, named after the output and
/// stamped with the process id of its build:
/// `.brief-staging-<name>-<random>.<pid>`. It holds the output's lock until
/// it is committed or dropped.
///
/// A file whose bytes equal those of the same file in the previous output is
/// not written but hard-linked from there ([`Staging::write`]): a link is a
/// directory entry, not a new inode and a data write, and rebuilding into
/// the same folder mostly writes what it wrote before.
pub struct Staging {
    dir: Option<tempfile::TempDir>,
    output: PathBuf,
    /// The previous output (stamped), and the mode and owner a new file gets.
    previous: Option<Previous>,
    linked: std::sync::atomic::AtomicUsize,
    /// Where the replaced output goes (see [`trash_dir`]).
    trash: Option<PathBuf>,
    _lock: OutputLock,
}

/// What a file of the previous output must be to be linked, not written.
struct Previous {
    dir: PathBuf,
    #[cfg(unix)]
    mode: u32,
    #[cfg(unix)]
    uid: u32,
}

impl Staging {
    /// Begins a staging folder for the output of `lock`. Holding the lock,
    /// every other staging folder of that output is a leftover of a build
    /// that is gone, and is removed first.
    /// The output it replaces is moved into `trash` when it can be (the same
    /// file system), else removed at once.
    pub fn begin(lock: OutputLock, trash: Option<PathBuf>) -> std::io::Result<Staging> {
        let output = lock.output().to_path_buf();
        let parent = output
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_else(|| PathBuf::from("."));
        std::fs::create_dir_all(&parent)?;
        clean_leftovers(&parent, &output, &lock);
        let dir = tempfile::Builder::new()
            .prefix(&leftover_prefix(STAGING_PREFIX, &output))
            .suffix(&pid_suffix())
            .rand_bytes(RAND_LEN)
            .tempdir_in(&parent)?;
        let stamp = dir.path().join(STAMP);
        std::fs::write(
            &stamp,
            "This folder was generated by brief; it is replaced on every build.\n",
        )?;
        let previous = previous_output(&output, &stamp);
        Ok(Staging {
            dir: Some(dir),
            output,
            previous,
            linked: Default::default(),
            trash,
            _lock: lock,
        })
    }

    /// How many files were hard-linked from the previous output so far.
    pub fn linked(&self) -> usize {
        self.linked.load(std::sync::atomic::Ordering::Relaxed)
    }

    pub fn path(&self) -> &Path {
        self.dir.as_ref().expect("not yet committed").path()
    }

    /// Writes one file; `rel` must be a relative path without `..`.
    pub fn write(&self, rel: &str, bytes: &[u8]) -> std::io::Result<()> {
        let rel_path = Path::new(rel);
        if rel_path.is_absolute()
            || rel_path
                .components()
                .any(|c| !matches!(c, Component::Normal(_)))
        {
            return Err(std::io::Error::other(format!(
                "refusing to write outside the output folder: {rel}"
            )));
        }
        let path = self.path().join(rel_path);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        if let Some(previous) = &self.previous {
            let old = previous.dir.join(rel_path);
            if previous.unchanged(&old, bytes) && std::fs::hard_link(&old, &path).is_ok() {
                self.linked
                    .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                return Ok(());
            }
        }
        std::fs::write(path, bytes)
    }

    /// Copies a folder's files into the staging folder under `prefix`.
    pub fn copy_tree(&self, from: &Path, prefix: &str) -> std::io::Result<usize> {
        if !from.is_dir() {
            return Ok(0);
        }
        let mut n = 0;
        for entry in walkdir::WalkDir::new(from).sort_by_file_name() {
            let entry = entry.map_err(std::io::Error::other)?;
            if !entry.file_type().is_file() {
                continue;
            }
            let rel = entry
                .path()
                .strip_prefix(from)
                .map_err(std::io::Error::other)?;
            if rel
                .components()
                .any(|c| crate::input::load::is_ignored_name(&c.as_os_str().to_string_lossy()))
            {
                continue;
            }
            let rel = rel.to_string_lossy().replace('\\', "/");
            let target = if prefix.is_empty() {
                rel
            } else {
                format!("{prefix}/{rel}")
            };
            self.write(&target, &std::fs::read(entry.path())?)?;
            n += 1;
        }
        Ok(n)
    }

    /// Replaces the output folder with the staging folder (see [`swap_in`]).
    pub fn commit(mut self) -> std::io::Result<()> {
        let dir = self.dir.take().expect("commit once");
        let staged = dir.keep();
        let result = swap_in(&staged, &self.output, Swap::Exchange, self.trash.as_deref());
        if result.is_err() {
            let _ = std::fs::remove_dir_all(&staged);
        }
        result.map(|_| ())
    }
}

/// The previous output if it is a stamped folder of brief's, with the mode
/// and owner of `fresh`, a file just written into the staging folder.
fn previous_output(output: &Path, fresh: &Path) -> Option<Previous> {
    let meta = std::fs::symlink_metadata(output).ok()?;
    if !meta.is_dir() || !output.join(STAMP).is_file() {
        return None;
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let fresh = std::fs::metadata(fresh).ok()?;
        Some(Previous {
            dir: output.to_path_buf(),
            mode: fresh.mode(),
            uid: fresh.uid(),
        })
    }
    #[cfg(not(unix))]
    {
        let _ = fresh;
        Some(Previous {
            dir: output.to_path_buf(),
        })
    }
}

impl Previous {
    /// Whether `old` may stand for a new file holding `bytes`: a regular file
    /// (not a symbolic link) with exactly those bytes, with the mode and
    /// owner a new file would get. Anything else is written anew.
    fn unchanged(&self, old: &Path, bytes: &[u8]) -> bool {
        let Ok(meta) = std::fs::symlink_metadata(old) else {
            return false;
        };
        if !meta.is_file() || meta.len() != bytes.len() as u64 {
            return false;
        }
        // Files shared with an old output in the trash have two links; that
        // one is never written to (nor is any file of an output: serve
        // replaces files by renaming), so the count is not checked.
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            meta.mode() == self.mode
                && meta.uid() == self.uid
                && std::fs::read(old).is_ok_and(|old| old == bytes)
        }
        #[cfg(not(unix))]
        {
            // Elsewhere every file is written anew.
            let _ = (self, bytes);
            false
        }
    }
}

/// How [`swap_in`] replaces an existing output folder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Swap {
    /// Exchange the two folders in one step where the system can (Linux
    /// `renameat2(RENAME_EXCHANGE)`), else as `TwoRenames`.
    Exchange,
    /// Move the old output aside, then the new one in: a process killed in
    /// between leaves no output until the next build moves the old one back.
    TwoRenames,
}

/// How [`swap_in`] replaced the output.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Swapped {
    /// There was no output folder: one rename.
    Renamed,
    /// Exchanged in one step: the output path existed throughout.
    Exchanged,
    /// Two renames (not Linux, or the file system refused the exchange).
    TwoRenames,
}

/// Moves the folder `staged` to `output`, removing the old output (moved into
/// `trash` if given and possible, see [`discard`]). An existing output is
/// replaced only if it is a folder that carries the stamp (or is empty). On
/// success `staged` no longer exists; on failure the old output is in place
/// and `staged` is left for the caller.
pub fn swap_in(
    staged: &Path,
    output: &Path,
    how: Swap,
    trash: Option<&Path>,
) -> std::io::Result<Swapped> {
    let parent = output.parent().map(Path::to_path_buf).unwrap_or_default();
    if std::fs::symlink_metadata(output).is_err() {
        std::fs::rename(staged, output)?;
        return Ok(Swapped::Renamed);
    }
    if !replaceable(output) {
        return Err(std::io::Error::other(format!(
            "{} is not a folder created by brief (it has no {STAMP} file); it was left as it was",
            output.display()
        )));
    }
    if how == Swap::Exchange && exchange(staged, output)? {
        // `staged` now holds the old output. The new one is in place even if
        // removing the old one fails; the next build removes it then.
        let _ = discard(staged, trash);
        return Ok(Swapped::Exchanged);
    }
    let old = tempfile::Builder::new()
        .prefix(&leftover_prefix(OLD_PREFIX, output))
        .suffix(&pid_suffix())
        .rand_bytes(RAND_LEN)
        .tempdir_in(&parent)?
        .keep();
    std::fs::remove_dir(&old)?;
    std::fs::rename(output, &old)?;
    if let Err(e) = std::fs::rename(staged, output) {
        let _ = std::fs::rename(&old, output);
        return Err(e);
    }
    discard(&old, trash)?;
    Ok(Swapped::TwoRenames)
}

/// `.brief/trash/` of the site root: the output a build replaced waits there
/// until the next build deletes it on a thread while it compiles, so no
/// command waits for tens of thousands of files to be deleted. It is outside
/// every output folder (never served or deployed), and mostly holds hard
/// links to files of the current output (see [`Staging::write`]), so it
/// takes little space.
pub fn trash_dir(root: &Path) -> PathBuf {
    absolute(root).join(PRIVATE_DIR).join(TRASH_DIR)
}

/// Whether `trash` and its parent are folders and not symbolic links: only
/// then is anything moved into it or deleted from it.
fn real_trash(trash: &Path) -> bool {
    let real = |p: &Path| std::fs::symlink_metadata(p).is_ok_and(|m| m.is_dir());
    real(trash) && trash.parent().is_some_and(real)
}

/// Removes the folder `dir`, an old output: moved into `trash` when that is a
/// real folder on the same file system, else deleted now.
fn discard(dir: &Path, trash: Option<&Path>) -> std::io::Result<()> {
    if let Some(trash) = trash {
        if std::fs::create_dir_all(trash).is_ok() && real_trash(trash) {
            if let Ok(slot) = tempfile::Builder::new()
                .prefix("old-")
                .suffix(&pid_suffix())
                .rand_bytes(RAND_LEN)
                .tempdir_in(trash)
            {
                let slot = slot.keep();
                if std::fs::remove_dir(&slot).is_ok() && std::fs::rename(dir, &slot).is_ok() {
                    return Ok(());
                }
            }
        }
    }
    std::fs::remove_dir_all(dir)
}

/// Starts deleting what is in `trash` (old outputs moved there by earlier
/// builds) on a thread nobody waits for: a build calls it when it begins, so
/// the deletion overlaps its compile. A process that exits before the thread
/// is done leaves the rest for the next build. The thread is returned for
/// tests to wait for.
pub fn empty_trash(trash: &Path) -> Option<std::thread::JoinHandle<()>> {
    if !real_trash(trash) {
        return None;
    }
    let entries: Vec<PathBuf> = std::fs::read_dir(trash)
        .ok()?
        .flatten()
        .map(|e| e.path())
        .collect();
    if entries.is_empty() {
        return None;
    }
    std::thread::Builder::new()
        .name("brief-trash".into())
        .spawn(move || {
            for entry in entries {
                let is_dir = std::fs::symlink_metadata(&entry).is_ok_and(|m| m.is_dir());
                let _ = if is_dir {
                    std::fs::remove_dir_all(&entry)
                } else {
                    std::fs::remove_file(&entry)
                };
            }
        })
        .ok()
}

/// Whether an existing output folder may be replaced: a folder with the stamp,
/// or an empty one.
fn replaceable(output: &Path) -> bool {
    let Ok(meta) = std::fs::symlink_metadata(output) else {
        return false;
    };
    meta.is_dir()
        && (output.join(STAMP).is_file()
            || std::fs::read_dir(output).is_ok_and(|mut d| d.next().is_none()))
}

/// Exchanges two folders atomically; `Ok(false)` when the system or the file
/// system cannot (then nothing happened).
#[cfg(any(target_os = "linux", target_os = "android"))]
fn exchange(a: &Path, b: &Path) -> std::io::Result<bool> {
    use rustix::fs::{renameat_with, RenameFlags, CWD};
    use rustix::io::Errno;
    match renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE) {
        Ok(()) => Ok(true),
        // EINVAL: the file system does not support the flag; ENOSYS: a kernel
        // before 3.15; EOPNOTSUPP: some FUSE and network file systems.
        Err(e) if e == Errno::INVAL || e == Errno::NOSYS || e == Errno::OPNOTSUPP => Ok(false),
        Err(e) => Err(e.into()),
    }
}

#[cfg(not(any(target_os = "linux", target_os = "android")))]
fn exchange(_: &Path, _: &Path) -> std::io::Result<bool> {
    Ok(false)
}

/// `.<pid>`: the end of the staging and old folder names of this process.
fn pid_suffix() -> String {
    format!(".{}", std::process::id())
}

/// Random characters at the end of staging and old folder names.
const RAND_LEN: usize = 6;

/// `.brief-staging-public-`: leftovers are named after their output folder, so
/// that builds into sibling folders never touch each other's.
fn leftover_prefix(kind: &str, output: &Path) -> String {
    let name = output
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    format!("{kind}{name}-")
}

/// Whether `name` is a leftover of kind `kind` of this output folder.
/// The name is the prefix, `RAND_LEN` letters or digits, and the owner's
/// process id after a dot (absent in names left by earlier versions); this
/// cannot match a leftover of another output folder, whatever its name.
fn is_leftover(name: &str, kind: &str, output: &Path) -> bool {
    let Some(rest) = name.strip_prefix(&leftover_prefix(kind, output)) else {
        return false;
    };
    let (random, pid) = match rest.split_once('.') {
        Some((random, pid)) => (random, Some(pid)),
        None => (rest, None),
    };
    random.len() == RAND_LEN
        && random.bytes().all(|b| b.is_ascii_alphanumeric())
        && pid.is_none_or(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
}

/// Cleans up after an interrupted build of `output`: if the build was killed
/// between moving the old output aside and moving the new one in, the old
/// output is moved back; then staging and old folders are removed, but only
/// those of this output that carry the stamp. Only the holder of the output's
/// lock may call it: no other build of that output is running then, so these
/// folders belong to builds that are gone, whatever process id they name.
fn clean_leftovers(parent: &Path, output: &Path, _lock: &OutputLock) {
    let Ok(entries) = std::fs::read_dir(parent) else {
        return;
    };
    let mut staging = Vec::new();
    let mut old = Vec::new();
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        if !e.path().join(STAMP).is_file() {
            continue;
        }
        if is_leftover(&name, STAGING_PREFIX, output) {
            staging.push(e.path());
        } else if is_leftover(&name, OLD_PREFIX, output) {
            let modified = e.metadata().and_then(|m| m.modified()).ok();
            old.push((modified, e.path()));
        }
    }
    if !output.exists() {
        old.sort();
        if let Some((_, newest)) = old.pop() {
            let _ = std::fs::rename(&newest, output);
        }
    }
    for path in staging.into_iter().chain(old.into_iter().map(|(_, p)| p)) {
        let _ = std::fs::remove_dir_all(path);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
    use std::sync::Arc;

    fn folder(path: &Path, stamp: bool, file: &str) {
        std::fs::create_dir_all(path).unwrap();
        if stamp {
            std::fs::write(path.join(STAMP), "").unwrap();
        }
        std::fs::write(path.join(file), file).unwrap();
    }

    fn names(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }

    /// Swaps many times while another thread looks at the output path: with
    /// the exchange it never finds it missing; after each swap the new
    /// content is there, the old one and the staging folder are gone.
    #[test]
    fn the_exchange_swap_replaces_the_output_without_a_gap() {
        let tmp = tempfile::tempdir().unwrap();
        let output = tmp.path().join("public");
        folder(&output, true, "old-0.txt");
        let done = Arc::new(AtomicBool::new(false));
        let looks = Arc::new(AtomicUsize::new(0));
        let watcher = {
            let (output, done, looks) = (output.clone(), done.clone(), looks.clone());
            std::thread::spawn(move || {
                let mut missing = 0;
                while !done.load(Ordering::Relaxed) {
                    if !output.join(STAMP).exists() {
                        missing += 1;
                    }
                    looks.fetch_add(1, Ordering::Relaxed);
                }
                missing
            })
        };
        let mut how = None;
        for i in 1..=200 {
            let staged = tmp.path().join(format!(".brief-staging-public-abcdef.{i}"));
            folder(&staged, true, &format!("old-{i}.txt"));
            let swapped = swap_in(&staged, &output, Swap::Exchange, None).unwrap();
            assert!(how.is_none_or(|h| h == swapped), "{how:?} then {swapped:?}");
            how = Some(swapped);
            assert!(!staged.exists(), "the staging path holds the old output");
            assert_eq!(
                names(&output),
                vec![STAMP.to_string(), format!("old-{i}.txt")]
            );
            assert_eq!(names(tmp.path()), vec!["public".to_string()]);
        }
        // Let the watcher look at least once more after the last swap.
        let seen = looks.load(Ordering::Relaxed);
        while looks.load(Ordering::Relaxed) == seen {
            std::thread::yield_now();
        }
        done.store(true, Ordering::Relaxed);
        let missing = watcher.join().unwrap();
        if cfg!(target_os = "linux") && how == Some(Swapped::Exchanged) {
            assert_eq!(missing, 0, "the output path was missing during a swap");
        } else {
            assert_eq!(how, Some(Swapped::TwoRenames));
        }
    }

    #[test]
    fn the_two_rename_swap_and_the_first_rename() {
        let tmp = tempfile::tempdir().unwrap();
        let output = tmp.path().join("public");
        let staged = tmp.path().join("staged");
        folder(&staged, true, "first.txt");
        assert_eq!(
            swap_in(&staged, &output, Swap::TwoRenames, None).unwrap(),
            Swapped::Renamed
        );
        folder(&staged, true, "second.txt");
        assert_eq!(
            swap_in(&staged, &output, Swap::TwoRenames, None).unwrap(),
            Swapped::TwoRenames
        );
        assert_eq!(
            names(&output),
            vec![STAMP.to_string(), "second.txt".to_string()]
        );
        assert_eq!(names(tmp.path()), vec!["public".to_string()]);
    }

    /// A folder without the stamp is refused by both ways of swapping, and
    /// neither it nor the staging folder is touched.
    #[test]
    fn a_folder_without_the_stamp_is_not_swapped_out() {
        for how in [Swap::Exchange, Swap::TwoRenames] {
            let tmp = tempfile::tempdir().unwrap();
            let output = tmp.path().join("public");
            let staged = tmp.path().join("staged");
            folder(&output, false, "notes.txt");
            folder(&staged, true, "page.html");
            let err = swap_in(&staged, &output, how, None).unwrap_err();
            assert!(err.to_string().contains(STAMP), "{err}");
            assert_eq!(names(&output), vec!["notes.txt".to_string()]);
            assert_eq!(
                names(&staged),
                vec![STAMP.to_string(), "page.html".to_string()]
            );
            // A file is not a folder to replace either.
            std::fs::remove_dir_all(&output).unwrap();
            std::fs::write(&output, "a file").unwrap();
            assert!(swap_in(&staged, &output, how, None).is_err());
            assert_eq!(std::fs::read(&output).unwrap(), b"a file");
        }
    }

    /// Through a staging folder: committing replaces the output, and the lock
    /// is free again afterwards.
    #[test]
    fn a_staging_folder_commits_and_releases_the_lock() {
        let tmp = tempfile::tempdir().unwrap();
        let output = tmp.path().join("public");
        folder(&output, true, "old.html");
        let staging =
            Staging::begin(OutputLock::acquire(&output, IfLocked::Fail).unwrap(), None).unwrap();
        let name = staging
            .path()
            .file_name()
            .unwrap()
            .to_string_lossy()
            .into_owned();
        assert!(
            name.ends_with(&format!(".{}", std::process::id())),
            "{name} names its owner"
        );
        assert!(is_leftover(&name, STAGING_PREFIX, &absolute(&output)));
        staging.write("new.html", b"new").unwrap();
        assert!(matches!(
            OutputLock::acquire(&output, IfLocked::Fail),
            Err(LockError::Busy { holder: Some(pid), .. }) if pid == std::process::id()
        ));
        staging.commit().unwrap();
        assert_eq!(
            names(&output),
            vec![STAMP.to_string(), "new.html".to_string()]
        );
        assert_eq!(
            names(tmp.path()),
            vec![".brief-lock-public".to_string(), "public".to_string()]
        );
        // Released, and emptied.
        drop(OutputLock::acquire(&output, IfLocked::Fail).unwrap());
        assert_eq!(std::fs::read(lock_path(&absolute(&output))).unwrap(), b"");
    }

    /// Rebuilding into a stamped output: a file with the same bytes (and
    /// the mode a new file gets) is the same inode as before, a changed one or
    /// one with another mode is a new file; the old output goes to the trash,
    /// outside the output, and `empty_trash` deletes it.
    #[cfg(unix)]
    #[test]
    fn unchanged_files_are_linked_and_the_old_output_goes_to_the_trash() {
        use std::os::unix::fs::{MetadataExt, PermissionsExt};
        let tmp = tempfile::tempdir().unwrap();
        let output = tmp.path().join("public");
        let trash = tmp.path().join(".brief").join(TRASH_DIR);
        let build = |files: &[(&str, &str)]| {
            let lock = OutputLock::acquire(&output, IfLocked::Fail).unwrap();
            let staging = Staging::begin(lock, Some(trash.clone())).unwrap();
            for (rel, text) in files {
                staging.write(rel, text.as_bytes()).unwrap();
            }
            let linked = staging.linked();
            staging.commit().unwrap();
            linked
        };
        let files = [
            ("a/same.html", "same"),
            ("changed.html", "old"),
            ("mode.html", "m"),
        ];
        assert_eq!(build(&files), 0, "nothing to link from");
        let ino = |rel: &str| std::fs::metadata(output.join(rel)).unwrap().ino();
        let before: Vec<u64> = files.iter().map(|(rel, _)| ino(rel)).collect();
        let mode = output.join("mode.html");
        let mut perms = std::fs::metadata(&mode).unwrap().permissions();
        perms.set_mode(perms.mode() ^ 0o040);
        std::fs::set_permissions(&mode, perms).unwrap();

        let files = [
            ("a/same.html", "same"),
            ("changed.html", "new"),
            ("mode.html", "m"),
        ];
        assert_eq!(build(&files), 1);
        assert_eq!(ino("a/same.html"), before[0], "linked");
        assert_ne!(ino("changed.html"), before[1], "written");
        assert_ne!(ino("mode.html"), before[2], "written with the usual mode");
        assert_eq!(std::fs::read(output.join("changed.html")).unwrap(), b"new");
        assert_eq!(
            names(tmp.path()),
            vec![".brief", ".brief-lock-public", "public"]
        );
        let old = names(&trash);
        assert_eq!(old.len(), 1, "{old:?}");
        assert_eq!(
            std::fs::read(trash.join(&old[0]).join("changed.html")).unwrap(),
            b"old"
        );

        empty_trash(&trash).expect("a thread").join().unwrap();
        assert_eq!(names(&trash), Vec::<String>::new());
        assert_eq!(std::fs::read(output.join("a/same.html")).unwrap(), b"same");
        assert!(empty_trash(&trash).is_none(), "nothing to delete");
    }

    #[test]
    fn leftover_names_belong_to_one_output_only() {
        let public = Path::new("/x/public");
        for yes in [
            ".brief-staging-public-Ab12Cd",
            ".brief-staging-public-Ab12Cd.4242",
        ] {
            assert!(is_leftover(yes, STAGING_PREFIX, public), "{yes}");
        }
        for no in [
            // Of the outputs `public-1` and `public-Ab12Cd`.
            ".brief-staging-public-1-Ab12Cd",
            ".brief-staging-public-1-Ab12Cd.4242",
            ".brief-staging-public-Ab12Cd-Zz99Yy.4242",
            ".brief-staging-public-Ab12Cd.",
            ".brief-staging-public-Ab12Cd.42x",
            ".brief-old-public-Ab12Cd.42",
            ".brief-lock-public",
        ] {
            assert!(!is_leftover(no, STAGING_PREFIX, public), "{no}");
        }
    }
}
