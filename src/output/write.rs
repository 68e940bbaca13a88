//! Stage 5, write: atomic replacement of the output folder.
//!
//! Pages are written into a fresh staging folder beside the output folder; only
//! when every page succeeded does the staging folder replace the output. A
//! failed or interrupted build therefore leaves the previous output untouched.
//! `brief` only ever replaces a folder that carries its stamp file.

use std::path::{Component, Path, PathBuf};

use crate::base::diag::Diagnostic;

/// Marks a folder as written by `brief`, so it may be replaced.
pub const STAMP: &str = ".brief-output";
const STAGING_PREFIX: &str = ".brief-staging-";
const OLD_PREFIX: &str = ".brief-old-";
/// brief's own folder in the site root: `brief serve` previews into
/// `.brief/serve/<port>/` (see `serve::preview_dir`). A configured
/// `[build] output_dir` may not be in it, so `brief build` never uses it.
pub const PRIVATE_DIR: &str = ".brief";

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
    let refuse = |why: String| {
        Diagnostic::error(
            "unsafe-output-dir",
            format!("refusing to write the site into {}: {why}", out.display()),
        )
        .in_file("book.toml")
        .help("set [build] output_dir to a new folder inside the site root, such as public")
    };
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

/// A staging folder beside the output folder.
pub struct Staging {
    dir: Option<tempfile::TempDir>,
    output: PathBuf,
}

impl Staging {
    pub fn begin(output: &Path) -> std::io::Result<Staging> {
        let output = absolute(output);
        let parent = output
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_else(|| PathBuf::from("."));
        std::fs::create_dir_all(&parent)?;
        clean_leftovers(&parent, &output);
        let dir = tempfile::Builder::new()
            .prefix(&leftover_prefix(STAGING_PREFIX, &output))
            .rand_bytes(RAND_LEN)
            .tempdir_in(&parent)?;
        std::fs::write(
            dir.path().join(STAMP),
            "This folder was generated by brief; it is replaced on every build.\n",
        )?;
        Ok(Staging {
            dir: Some(dir),
            output,
        })
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

    /// Replaces the output folder with the staging folder.
    pub fn commit(mut self) -> std::io::Result<()> {
        let dir = self.dir.take().expect("commit once");
        let staged = dir.keep();
        let parent = self
            .output
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_default();
        if self.output.exists() {
            let old = tempfile::Builder::new()
                .prefix(&leftover_prefix(OLD_PREFIX, &self.output))
                .rand_bytes(RAND_LEN)
                .tempdir_in(&parent)?
                .keep();
            std::fs::remove_dir(&old)?;
            std::fs::rename(&self.output, &old)?;
            if let Err(e) = std::fs::rename(&staged, &self.output) {
                let _ = std::fs::rename(&old, &self.output);
                let _ = std::fs::remove_dir_all(&staged);
                return Err(e);
            }
            std::fs::remove_dir_all(&old)?;
        } else if let Err(e) = std::fs::rename(&staged, &self.output) {
            let _ = std::fs::remove_dir_all(&staged);
            return Err(e);
        }
        Ok(())
    }
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
fn is_leftover(name: &str, kind: &str, output: &Path) -> bool {
    name.strip_prefix(&leftover_prefix(kind, output))
        .is_some_and(|rest| {
            rest.len() == RAND_LEN && rest.bytes().all(|b| b.is_ascii_alphanumeric())
        })
}

/// Cleans up after an interrupted build of `output`: if the build was killed
/// between moving the old output aside and moving the new one in, the old
/// output is moved back; then staging and old folders are removed, but only
/// those of this output that carry the stamp.
fn clean_leftovers(parent: &Path, output: &Path) {
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
