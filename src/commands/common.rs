//! What the commands that write articles (`new`, `translate`, `import`)
//! share: loading the site, checking a language and a slug, validating
//! generated text as the build would, writing a new file.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::base::diag::{Diagnostic, Diagnostics};
use crate::input::config::Config;
use crate::input::load::{self, SourceFile};
use crate::input::locale::Locales;
use crate::parse::article::{self, Article};
use crate::pipeline::build::{self, BuildOptions};
use crate::pipeline::session::Session;

/// A command's single problem, reported like a build's.
/// Today's date (UTC), `YYYY-MM-DD`.
pub fn today() -> String {
    let d = time::OffsetDateTime::now_utc().date();
    format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
}

/// Loads book.toml; its first error stands for all (`brief check` lists them).
fn first_error(diags: Diagnostics) -> Diagnostic {
    let mut all = diags.into_vec();
    let i = all.iter().position(Diagnostic::is_error).unwrap_or(0);
    if all.is_empty() {
        Diagnostic::error("internal", "unknown error")
    } else {
        all.swap_remove(i)
    }
}

/// The language must have a `[languages.X]` table.
pub fn check_language(config: &Config, lang: &str, what: &str) -> Result<(), Diagnostic> {
    if config.languages.contains_key(lang) {
        return Ok(());
    }
    let langs: Vec<&str> = config.languages.keys().map(String::as_str).collect();
    let d = Diagnostic::error(
        "unknown-language",
        format!("{what} `{lang}` is not a configured language"),
    )
    .in_file(build::config_path(Path::new("")))
    .help(format!(
        "configured languages: {}; add [languages.{lang}] with a name to book.toml to add one",
        langs.join(", ")
    ));
    Err(d)
}

/// Path of a file for messages: relative to the root, `/`-separated.
pub fn display_rel(rel: &Path) -> String {
    rel.to_string_lossy().replace('\\', "/")
}

/// Writes `text` to `root/rel` through a temporary file in the same folder;
/// without `force` an existing file is never replaced, even one created
/// meanwhile. The folder must be inside the root once symbolic links are
/// followed (a linked `content/en` would otherwise take the file elsewhere).
/// A new file gets the mode the umask gives (`0666 & !umask`, as an editor's
/// would), a replaced one keeps its mode.
pub fn write_new(root: &Path, rel: &Path, text: &str, force: bool) -> Result<(), Diagnostic> {
    let path = root.join(rel);
    let path = path.as_path();
    let shown = display_rel(rel);
    if !force && path.exists() {
        return Err(exists_error(&shown));
    }
    let dir = path.parent().unwrap_or(Path::new("."));
    let io = |e: std::io::Error| {
        Diagnostic::error("write-failed", format!("cannot write {shown}: {e}"))
            .help("check the folder's permissions and free space")
    };
    check_inside_root(root, dir, &shown)?;
    std::fs::create_dir_all(dir).map_err(io)?;
    // Again once the folders exist: one may have been a link made meanwhile.
    check_inside_root(root, dir, &shown)?;
    let mut builder = tempfile::Builder::new();
    builder.prefix(".brief-new-").suffix(".tmp");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        // open(2) applies the umask to this mode.
        builder.permissions(std::fs::Permissions::from_mode(0o666));
    }
    let mut tmp = builder.tempfile_in(dir).map_err(io)?;
    std::io::Write::write_all(&mut tmp, text.as_bytes()).map_err(io)?;
    if force {
        // Keep the mode of the file replaced (not of what a link points to).
        if let Ok(meta) = std::fs::symlink_metadata(path) {
            if meta.is_file() {
                std::fs::set_permissions(tmp.path(), meta.permissions()).map_err(io)?;
            }
        }
        tmp.persist(path).map_err(|e| io(e.error))?;
    } else {
        tmp.persist_noclobber(path).map_err(|e| {
            if e.error.kind() == std::io::ErrorKind::AlreadyExists {
                exists_error(&shown)
            } else {
                io(e.error)
            }
        })?;
    }
    Ok(())
}

/// The folder `dir` (or its nearest existing ancestor) must be under `root`
/// once symbolic links are resolved.
fn check_inside_root(root: &Path, dir: &Path, shown: &str) -> Result<(), Diagnostic> {
    let Ok(root) = root.canonicalize() else {
        return Ok(());
    };
    let existing = dir.ancestors().find(|a| a.exists()).unwrap_or(dir);
    let resolved = existing
        .canonicalize()
        .unwrap_or_else(|_| existing.to_path_buf());
    if resolved.starts_with(&root) {
        return Ok(());
    }
    Err(Diagnostic::error(
        "symlink-outside-root",
        format!(
            "{shown} would be written to {}, outside the site root, through a symbolic link",
            resolved.display()
        ),
    )
    .in_file(shown)
    .help("replace the symbolic link with a folder inside the site root, or move the site so the link stays inside it"))
}

pub fn exists_error(shown: &str) -> Diagnostic {
    Diagnostic::error("file-exists", format!("{shown} already exists"))
        .in_file(shown)
        .help("pass --force to overwrite it")
}

/// Parses generated text as the build would; the first error is returned
/// (it means a bug here, since generated files must build).
pub fn validate(
    text: &str,
    lang: &str,
    rel_path: &str,
    config: &Config,
    locales: &Locales,
) -> Result<Article, Diagnostic> {
    let src = SourceFile {
        lang: lang.to_string(),
        rel_path: rel_path.to_string(),
        file: PathBuf::from("content").join(lang).join(rel_path),
        text: text.to_string(),
        hash: load::content_hash(text),
    };
    let (outcome, diags) = article::parse(&src, config, locales);
    if let Some(e) = diags.into_iter().find(Diagnostic::is_error) {
        return Err(e);
    }
    outcome.into_article().ok_or_else(|| {
        Diagnostic::error("internal", "the generated article could not be parsed")
            .in_file(&src.file)
    })
}

/// Everything parsed, drafts included, plus the source files.
pub struct Loaded {
    pub config: Arc<Config>,
    pub locales: Arc<Locales>,
    pub files: Vec<SourceFile>,
    /// Every article that parses, drafts included, in file order.
    pub articles: Vec<Arc<Article>>,
}

/// The site as the pipeline driver reads and parses it (drafts included).
pub fn load_site(root: &Path) -> Result<Loaded, Diagnostic> {
    let mut session = Session::open(&BuildOptions {
        root: root.to_path_buf(),
        drafts: true,
        ..Default::default()
    })
    .map_err(|f| first_error(f.diagnostics))?;
    let files = session.load();
    let parsed = session.parse(&files);
    let articles = parsed.articles().cloned().collect();
    Ok(Loaded {
        config: session.config,
        locales: session.locales,
        files,
        articles,
    })
}

/// Whether `slug` may be used for a new article in `lang` at `rel_path`,
/// by the rules of [`crate::link`]: not reserved for a site page, and not
/// the slug of another article of the language (case-folded).
pub fn check_slug_free(
    loaded: &Loaded,
    lang: &str,
    slug: &str,
    rel_path: &str,
) -> Result<(), Diagnostic> {
    if crate::link::reserved_slugs(&loaded.config)
        .iter()
        .any(|r| r == slug)
    {
        return Err(Diagnostic::error(
            "reserved-slug",
            format!("slug `{slug}` is reserved for a site page"),
        )
        .help("choose another slug"));
    }
    let key = crate::link::slug_key(slug);
    if let Some(other) = loaded
        .articles
        .iter()
        .find(|a| a.lang == lang && a.rel_path != rel_path && crate::link::slug_key(&a.slug) == key)
    {
        return Err(Diagnostic::error(
            "duplicate-slug",
            format!(
                "{} already uses the slug `{slug}`",
                display_rel(&other.file)
            ),
        )
        .in_file(&other.file)
        .help("choose another slug"));
    }
    Ok(())
}

/// Whether `slug` is one an editor may give (`--slug`, `brief new`): safe as
/// a path segment and already in [`crate::base::text::slugify`]'s form.
pub fn is_given_slug_ok(slug: &str) -> bool {
    crate::base::text::is_safe_slug(slug) && crate::base::text::slugify(slug) == slug
}
