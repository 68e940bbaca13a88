//! Stage 1, load: find and read the content files.
//!
//! Output: [`SourceFile`]s sorted by language and path, with the text already
//! decoded (BOM dropped, line endings normalized to `\n`). Nothing here knows
//! about front-matter or Markdown.

use std::path::{Component, Path, PathBuf};

use rayon::prelude::*;
use sha2::{Digest, Sha256};

use crate::base::diag::{Diagnostic, Diagnostics, Pos};
use crate::input::config::Config;

/// Articles larger than this are refused rather than risking memory.
pub const MAX_ARTICLE_BYTES: u64 = 64 * 1024 * 1024;

#[derive(Debug, Clone)]
pub struct SourceFile {
    pub lang: String,
    /// Path under `content/<lang>/`, `/`-separated: `2021/waic.md`.
    pub rel_path: String,
    /// Path relative to the site root, for diagnostics: `content/ja/2021/waic.md`.
    pub file: PathBuf,
    pub text: String,
    /// Content hash of `text`, used for `source_revision` and incremental builds.
    pub hash: String,
}

pub fn content_hash(text: &str) -> String {
    let digest = Sha256::digest(text.as_bytes());
    let hex: String = digest.iter().take(8).map(|b| format!("{b:02x}")).collect();
    format!("sha256:{hex}")
}

/// Names that are never articles: hidden files, editor backups and swap files.
pub fn is_ignored_name(name: &str) -> bool {
    name.starts_with('.')
        || name.starts_with('#')
        || name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".bak")
        || name.ends_with(".orig")
        || name.ends_with(".tmp")
}

/// Finds every article under `content/<lang>/`.
pub fn discover(root: &Path, config: &Config) -> (Vec<PathBuf>, Diagnostics) {
    let mut diags = Diagnostics::new();
    let content = root.join("content");
    let Ok(entries) = std::fs::read_dir(&content) else {
        diags.push(
            Diagnostic::error("content-missing", "there is no content/ folder")
                .in_file("content")
                .help(
                    "articles live in content/<lang>/<slug>.md; create content/ja/ or content/en/",
                ),
        );
        return (Vec::new(), diags);
    };
    let canonical_root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    let mut names: Vec<_> = entries.filter_map(|e| e.ok()).collect();
    names.sort_by_key(|e| e.file_name());
    let mut paths = Vec::new();
    for entry in names {
        let name = entry.file_name().to_string_lossy().into_owned();
        if is_ignored_name(&name) {
            continue;
        }
        let rel = PathBuf::from("content").join(&name);
        if !entry.path().is_dir() {
            if name.ends_with(".md") {
                diags.push(
                    Diagnostic::error(
                        "article-outside-language",
                        format!("{name} is not inside a language folder"),
                    )
                    .in_file(&rel)
                    .help(format!(
                        "move it to content/{}/{name}",
                        config.site.default_language
                    )),
                );
            }
            continue;
        }
        if !config.languages.contains_key(&name) {
            let langs: Vec<&str> = config.languages.keys().map(String::as_str).collect();
            diags.push(
                Diagnostic::error("unknown-language", format!("content/{name}/ is not a configured language"))
                    .in_file(&rel)
                    .help(format!(
                        "add [languages.{name}] with a name to book.toml, or rename the folder to one of: {}",
                        langs.join(", ")
                    )),
            );
            continue;
        }
        let walker = walkdir::WalkDir::new(entry.path())
            .follow_links(true)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|e| e.depth() == 0 || !is_ignored_name(&e.file_name().to_string_lossy()));
        for item in walker {
            match item {
                Err(e) => {
                    let at = e
                        .path()
                        .map(|p| p.strip_prefix(root).unwrap_or(p).to_path_buf());
                    // Say what is wrong: a link loop, a dangling link, or a
                    // folder brief may not read.
                    let (msg, help) = if e.loop_ancestor().is_some() {
                        (
                            "symbolic link loop in content/".to_string(),
                            "remove or fix the symbolic link",
                        )
                    } else if e
                        .io_error()
                        .is_some_and(|io| io.kind() == std::io::ErrorKind::PermissionDenied)
                    {
                        (
                            format!("cannot read: {e}"),
                            "give brief permission to read this folder (chmod u+rx), or move it out of content/",
                        )
                    } else if e.path().is_some_and(|p| p.is_symlink() && !p.exists()) {
                        (
                            format!("cannot read: {e}"),
                            "the symbolic link points to nothing: fix or remove it",
                        )
                    } else {
                        (
                            format!("cannot read: {e}"),
                            "check that the file or folder exists and that brief may read it",
                        )
                    };
                    let mut d = Diagnostic::error("content-unreadable", msg).help(help);
                    if let Some(at) = at {
                        d = d.in_file(at);
                    }
                    diags.push(d);
                }
                Ok(e) => {
                    if e.file_type().is_dir() {
                        continue;
                    }
                    if e.path().extension().is_none_or(|x| x != "md") {
                        if let Some(d) = markdown_named_otherwise(root, e.path()) {
                            diags.push(d);
                        }
                        continue;
                    }
                    if !e.file_type().is_file() {
                        // A pipe or a device (say, a link to /dev/zero) would never end.
                        let at = e.path().strip_prefix(root).unwrap_or(e.path());
                        diags.push(
                            Diagnostic::error("content-unreadable", "this is not a regular file")
                                .in_file(at)
                                .help(
                                    "articles are plain files; remove it or rename it without .md",
                                ),
                        );
                        continue;
                    }
                    let path = e.path().to_path_buf();
                    if e.path_is_symlink() || path_has_symlink(&content, &path) {
                        let target = path.canonicalize().unwrap_or_default();
                        if !target.starts_with(&canonical_root) {
                            diags.push(
                                Diagnostic::error(
                                    "symlink-outside-root",
                                    "symbolic link points outside the site root",
                                )
                                .in_file(path.strip_prefix(root).unwrap_or(&path))
                                .help("copy the file into content/ instead of linking to it"),
                            );
                            continue;
                        }
                    }
                    paths.push(path);
                }
            }
        }
    }
    (paths, diags)
}

/// Extensions of Markdown files that are not articles: only `.md` is read.
const OTHER_MARKDOWN_EXTENSIONS: [&str; 5] = ["md", "markdown", "mdown", "mkd", "mkdn"];

/// A warning for a Markdown file that is skipped because of its extension
/// (`a.MD`, `b.markdown`): silently leaving out an article is worse than a
/// word. Only `.md`, in lowercase, is an article on every file system.
fn markdown_named_otherwise(root: &Path, path: &Path) -> Option<Diagnostic> {
    let ext = path.extension()?.to_str()?;
    if !OTHER_MARKDOWN_EXTENSIONS
        .iter()
        .any(|m| m.eq_ignore_ascii_case(ext))
    {
        return None;
    }
    let rel = path.strip_prefix(root).unwrap_or(path);
    let name = path.file_name()?.to_string_lossy();
    let renamed = path.with_extension("md");
    let renamed = renamed.file_name()?.to_string_lossy();
    Some(
        Diagnostic::warning(
            "not-an-article-extension",
            format!("{name} is skipped: only files ending in .md are articles"),
        )
        .in_file(rel)
        .help(format!("rename it to {renamed} to publish it")),
    )
}

fn path_has_symlink(base: &Path, path: &Path) -> bool {
    let mut cur = base.to_path_buf();
    let Ok(rest) = path.strip_prefix(base) else {
        return false;
    };
    for c in rest.components() {
        cur.push(c);
        if cur
            .symlink_metadata()
            .is_ok_and(|m| m.file_type().is_symlink())
        {
            return true;
        }
    }
    false
}

/// Reads one article; the path must be under `root/content/<lang>/`.
pub fn read(root: &Path, path: &Path) -> Result<SourceFile, Diagnostic> {
    let rel_to_root = path.strip_prefix(root).unwrap_or(path).to_path_buf();
    let mut parts = rel_to_root.components().filter_map(|c| match c {
        Component::Normal(s) => Some(s.to_string_lossy().into_owned()),
        _ => None,
    });
    let _content = parts.next();
    let lang = parts.next().unwrap_or_default();
    let rel_path = parts.collect::<Vec<_>>().join("/");
    let unreadable = |e: std::io::Error| {
        Diagnostic::error("content-unreadable", format!("cannot read: {e}"))
            .in_file(&rel_to_root)
            .help("check that the file exists and that brief may read it")
    };
    let meta = std::fs::metadata(path).map_err(unreadable)?;
    if !meta.is_file() {
        return Err(
            Diagnostic::error("content-unreadable", "this is not a regular file")
                .in_file(&rel_to_root)
                .help("articles are plain files; remove it or rename it without .md"),
        );
    }
    if meta.len() > MAX_ARTICLE_BYTES {
        return Err(Diagnostic::error(
            "article-too-large",
            format!(
                "the article is {} MB; the limit is {} MB",
                meta.len() >> 20,
                MAX_ARTICLE_BYTES >> 20
            ),
        )
        .at(&rel_to_root, Pos::START)
        .help("split it into several articles"));
    }
    let bytes = std::fs::read(path).map_err(unreadable)?;
    let text = crate::input::decode::decode(bytes, &rel_to_root)?;
    let text = match crate::base::text::normalize_newlines(crate::base::text::strip_bom(&text)) {
        std::borrow::Cow::Borrowed(b) if b.len() == text.len() => text,
        other => other.into_owned(),
    };
    let hash = content_hash(&text);
    Ok(SourceFile {
        lang,
        rel_path,
        file: rel_to_root,
        text,
        hash,
    })
}

/// Discovers and reads every article, in parallel, sorted by language and path.
pub fn load_all(root: &Path, config: &Config) -> (Vec<SourceFile>, Diagnostics) {
    let (paths, mut diags) = discover(root, config);
    let results: Vec<Result<SourceFile, Diagnostic>> =
        paths.par_iter().map(|p| read(root, p)).collect();
    let mut files = Vec::with_capacity(results.len());
    for r in results {
        match r {
            Ok(f) => files.push(f),
            Err(d) => diags.push(d),
        }
    }
    files.sort_by(|a, b| (&a.lang, &a.rel_path).cmp(&(&b.lang, &b.rel_path)));
    (files, diags)
}
