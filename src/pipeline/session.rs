//! The one pipeline driver. A [`Session`] holds what every stage shares (the
//! configuration, locales, URLs and compiled templates); each stage is a
//! method that takes the previous stage's value and returns its own:
//!
//! ```text
//! open → load: SourceFile → parse: ParsedFiles → link: Site → index: SearchIndex
//!      → (output) pages → bytes
//! ```
//!
//! `build`, `check`, serve's incremental rebuilds, `status`, `new`,
//! `translate` and `import` all run these methods; incremental rebuilds call
//! the same stage functions on the files that changed and keep the results.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use crate::base::diag::{Diagnostic, Diagnostics};
use crate::base::urls::Urls;
use crate::index::{SearchEnv, SearchIndex};
use crate::input::config::{self, Config};
use crate::input::load::{self, SourceFile};
use crate::input::locale::Locales;
use crate::link::{self, LinkCache, Site};
use crate::output::render::Renderer;
use crate::parse::article::{self, Article, Outcome, Unbuilt};

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BuildOptions {
    pub root: PathBuf,
    /// `--output`: overrides `[build] output_dir` and may point outside the root.
    pub output: Option<PathBuf>,
    pub drafts: bool,
    pub base_url: Option<String>,
}

/// A failed stage: the diagnostics explain why.
#[derive(Debug)]
pub struct Failure {
    pub diagnostics: Diagnostics,
}

impl From<Diagnostic> for Failure {
    fn from(d: Diagnostic) -> Self {
        let mut ds = Diagnostics::new();
        ds.push(d);
        Failure::from(ds)
    }
}

impl From<Diagnostics> for Failure {
    fn from(mut diagnostics: Diagnostics) -> Self {
        diagnostics.normalize();
        Failure { diagnostics }
    }
}

/// What every stage shares. Setup problems (locale files, templates) are in
/// `diagnostics`; a theme whose templates fail leaves `renderer` empty.
pub struct Session {
    pub root: PathBuf,
    /// Whether drafts are published (`--drafts`).
    pub drafts: bool,
    pub config: Arc<Config>,
    pub locales: Arc<Locales>,
    pub urls: Urls,
    pub renderer: Option<Renderer>,
    pub diagnostics: Diagnostics,
}

/// One source file after parsing.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct ParsedFile {
    pub article: Option<Arc<Article>>,
    /// Set when the file cannot be published but its links are checked.
    pub unbuilt: Option<Arc<Unbuilt>>,
    pub diagnostics: Vec<Diagnostic>,
}

/// The parse stage's value: every source file's result, by path relative to
/// the site root.
#[derive(Debug, Default)]
pub struct ParsedFiles {
    pub files: Vec<(PathBuf, ParsedFile)>,
}

/// What `link` takes from the parse stage.
struct LinkInput {
    published: Vec<Arc<Article>>,
    /// Left out of this build: links to them get a precise error.
    drafts: Vec<Arc<Article>>,
    /// Files that failed to parse: links to them are not reported again.
    unparsed: HashSet<PathBuf>,
    /// Files whose links are checked although they are not published.
    unbuilt: Vec<Arc<Unbuilt>>,
    diags: Diagnostics,
}

impl ParsedFiles {
    /// Articles, drafts, unbuilt files and unparsed paths, as `link` takes them.
    fn split<'a>(
        files: impl IntoIterator<Item = (&'a PathBuf, &'a ParsedFile)>,
        publish_drafts: bool,
    ) -> LinkInput {
        let mut published = Vec::new();
        let mut drafts = Vec::new();
        let mut unparsed = HashSet::new();
        let mut unbuilt = Vec::new();
        let mut diags = Diagnostics::new();
        for (path, p) in files {
            diags.extend(p.diagnostics.iter().cloned());
            match &p.article {
                Some(a) if a.fm.draft && !publish_drafts => drafts.push(a.clone()),
                Some(a) => published.push(a.clone()),
                None => {
                    unparsed.insert(path.clone());
                }
            }
            if let Some(u) = &p.unbuilt {
                unbuilt.push(u.clone());
            }
        }
        LinkInput {
            published,
            drafts,
            unparsed,
            unbuilt,
            diags,
        }
    }

    /// The articles that parsed (drafts included), in file order.
    pub fn articles(&self) -> impl Iterator<Item = &Arc<Article>> {
        self.files.iter().filter_map(|(_, p)| p.article.as_ref())
    }

    /// Every file's path and result, as [`Session::link`] takes them.
    pub fn iter(&self) -> impl Iterator<Item = (&PathBuf, &ParsedFile)> {
        self.files.iter().map(|(p, f)| (p, f))
    }
}

impl Session {
    /// Setup: `book.toml` (with `--base-url` applied), the locales and the
    /// theme's templates.
    pub fn open(opts: &BuildOptions) -> Result<Session, Failure> {
        let config = Arc::new(load_config(opts)?);
        let urls = Urls::new(&config.site.base_url).expect("validated with the config");
        let (locales, mut diagnostics) = Locales::load(&opts.root, &config);
        let locales = Arc::new(locales);
        let renderer =
            match Renderer::new(&opts.root, config.clone(), locales.clone(), urls.clone()) {
                Ok(r) => Some(r),
                Err(ds) => {
                    diagnostics.extend(ds);
                    None
                }
            };
        Ok(Session {
            root: opts.root.clone(),
            drafts: opts.drafts,
            config,
            locales,
            urls,
            renderer,
            diagnostics,
        })
    }

    /// Stage 1: every source file, read (problems go to the diagnostics).
    pub fn load(&mut self) -> Vec<SourceFile> {
        let (files, ds) = load::load_all(&self.root, &self.config);
        self.diagnostics.extend(ds);
        files
    }

    /// Stage 2 for one file already read.
    pub fn parse_source(&self, src: &SourceFile) -> ParsedFile {
        let (outcome, diagnostics) = article::parse(src, &self.config, &self.locales);
        let (article, unbuilt) = match outcome {
            Outcome::Article(a) => (Some(Arc::new(*a)), None),
            Outcome::Unbuilt(u) => (None, Some(Arc::new(u))),
            Outcome::Failed => (None, None),
        };
        ParsedFile {
            article,
            unbuilt,
            diagnostics,
        }
    }

    /// Stages 1 and 2 for one file (`path` absolute or under the root), as a
    /// rebuild re-reads it: (path relative to the root, result).
    pub fn parse_path(&self, path: &Path) -> (PathBuf, ParsedFile) {
        let rel = path.strip_prefix(&self.root).unwrap_or(path).to_path_buf();
        let parsed = match load::read(&self.root, path) {
            Ok(src) => self.parse_source(&src),
            Err(d) => ParsedFile {
                article: None,
                unbuilt: None,
                diagnostics: vec![d],
            },
        };
        (rel, parsed)
    }

    /// Stage 2: every file parsed, in parallel.
    pub fn parse(&self, files: &[SourceFile]) -> ParsedFiles {
        ParsedFiles {
            files: files
                .par_iter()
                .map(|f| (f.file.clone(), self.parse_source(f)))
                .collect(),
        }
    }

    /// Stage 3: the site graph. Returns the site and every diagnostic so far
    /// (setup, parse, link, locale checks), sorted.
    pub fn link<'a>(
        &self,
        parsed: impl IntoIterator<Item = (&'a PathBuf, &'a ParsedFile)>,
        cache: &mut LinkCache,
    ) -> (Site, Diagnostics) {
        let LinkInput {
            published,
            drafts,
            unparsed,
            unbuilt,
            diags,
        } = ParsedFiles::split(parsed, self.drafts);
        let mut all = self.diagnostics.clone();
        all.extend(diags);
        let (site, ds) = link::link_with(
            published,
            &drafts,
            &unparsed,
            &unbuilt,
            &self.config,
            &self.urls,
            cache,
        );
        all.extend(ds);
        all.extend(self.check_images(&site));
        if let Some(r) = &self.renderer {
            all.extend(r.check_locales(&site));
        }
        all.normalize();
        (site, all)
    }

    /// Every article's `image:` that names a file under `static/` names one
    /// that exists (a URL is not fetched).
    fn check_images(&self, site: &Site) -> Vec<crate::base::diag::Diagnostic> {
        site.articles
            .iter()
            .filter_map(|a| {
                let img = a.fm.image.as_ref().filter(|i| !i.0.contains("://"))?;
                let file = self.root.join("static").join(&img.0);
                (!file.is_file()).then(|| {
                    crate::base::diag::Diagnostic::error(
                        "missing-image",
                        format!("image `{}` is not a file under static/", img.0),
                    )
                    .at(&a.file, a.fm.image_pos)
                    .help(format!(
                        "put the image at static/{} (it is copied to the output root), or give an https:// URL",
                        img.0
                    ))
                })
            })
            .collect()
    }

    /// What the index stage needs beside the site.
    pub fn search_env(&self) -> SearchEnv<'_> {
        SearchEnv {
            locales: &self.locales,
            urls: &self.urls,
        }
    }

    /// Stage 4: the search index.
    pub fn index(&self, site: &Site) -> SearchIndex {
        crate::index::build(site, self.search_env())
    }

    /// The renderer, or the diagnostics that say why the theme failed.
    pub fn renderer(&self) -> Result<&Renderer, Failure> {
        self.renderer
            .as_ref()
            .ok_or_else(|| Failure::from(self.diagnostics.clone()))
    }
}

/// `book.toml`, with `--base-url` applied and checked.
pub fn load_config(opts: &BuildOptions) -> Result<Config, Failure> {
    let mut config = config::load(&opts.root, crate::parse::frontmatter::field_names())?;
    if let Some(b) = &opts.base_url {
        if let Err(msg) = Urls::new(b) {
            let mut d = Diagnostics::new();
            d.push(
                Diagnostic::error("bad-base-url", msg)
                    .help("pass an absolute http(s) URL to --base-url"),
            );
            return Err(d.into());
        }
        config.site.base_url = b.clone();
    }
    Ok(config)
}
