//! Stage 4, render: Tera templates, feeds, sitemap.
//!
//! [`Renderer`] holds the compiled templates and the locales; it renders one
//! [`Page`] at a time from the linked [`Site`], so pages render in parallel and
//! a rebuild can render only the pages it needs. Templates get small contexts
//! (never the whole site), so no page's cost grows with the site.

use std::collections::BTreeSet;

use rayon::prelude::*;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use fluent_bundle::{FluentArgs, FluentValue};
use serde::Serialize;
use tera::{Context, Kwargs, State, Tera};

use crate::output::view::View;

use crate::base::diag::{Diagnostic, Diagnostics, Pos};
use crate::base::route::Route;
use crate::base::urls::Urls;
use crate::input::config::Config;
use crate::input::locale::{term_key, Locales};
use crate::link::{ArticleId, Site, SOURCES_PER_PAGE, SOURCE_CITERS_SHOWN};
use crate::output::env::OutputEnv;
use crate::parse::markdown::resolve_link_tokens;

/// Templates every theme must provide.
pub const REQUIRED_TEMPLATES: &[&str] = &[
    "article.html",
    "list.html",
    "terms.html",
    "sources.html",
    "source.html",
    "root.html",
    "404.html",
];

/// One output file to produce.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Page {
    Article(ArticleId),
    /// `references.json` (CSL-JSON) of an article.
    ArticleCsl(ArticleId),
    /// `references.bib` (BibLaTeX) of an article.
    ArticleBib(ArticleId),
    Index {
        lang: String,
        page: usize,
    },
    Terms {
        lang: String,
        taxonomy: String,
    },
    Term {
        lang: String,
        taxonomy: String,
        term: String,
        page: usize,
    },
    Sources {
        lang: String,
        page: usize,
    },
    /// Every briefing citing one source (`site.sources[lang][source]`), for
    /// the sources cited more often than the sources pages list.
    Source {
        lang: String,
        source: usize,
        page: usize,
    },
    Feed {
        lang: String,
    },
    /// `/<lang>/search/`: the search page.
    Search {
        lang: String,
    },
    Root,
    NotFound,
    Sitemap,
    Robots,
    SyntaxCss,
}

pub struct Renderer {
    tera: Tera,
    /// What the pages read beside the site; feeds and the sitemap take it alone.
    pub env: OutputEnv,
    theme_dir: PathBuf,
    /// `t(key=…)` keys found in each template, for the locale checks.
    template_keys: Vec<(String, String)>,
}

fn tera_error(e: &tera::Error, theme_rel: &Path) -> Diagnostic {
    match e.kind() {
        tera::ErrorKind::SyntaxError(r) | tera::ErrorKind::RenderingError(r) => {
            let code = if matches!(e.kind(), tera::ErrorKind::SyntaxError(_)) {
                "template-syntax"
            } else {
                "template-render"
            };
            Diagnostic::error(code, r.message().to_string())
                .at(
                    theme_rel.join(r.filename()),
                    Pos::new(r.span().start_line, r.span().start_col + 1),
                )
                .help("fix the template; see https://keats.github.io/tera/ for the syntax")
        }
        _ => {
            let mut msg = e.to_string();
            let mut src = std::error::Error::source(e);
            while let Some(s) = src {
                msg.push_str(": ");
                msg.push_str(&s.to_string());
                src = s.source();
            }
            // Name the template at fault where tera says which it is.
            let file = match e.kind() {
                tera::ErrorKind::CircularExtend { tpl, .. }
                | tera::ErrorKind::CircularInclude { tpl, .. }
                | tera::ErrorKind::MissingParent { current: tpl, .. } => theme_rel.join(tpl),
                _ => theme_rel.to_path_buf(),
            };
            Diagnostic::error("template-render", msg)
                .in_file(file)
                .help("fix the template; see https://keats.github.io/tera/ for the syntax")
        }
    }
}

/// Keys the Rust side asks for, beside those in templates.
pub const CODE_KEYS: &[&str] = &["citation-label", "date-format", "site-title"];

impl Renderer {
    pub fn new(
        root: &Path,
        config: Arc<Config>,
        locales: Arc<Locales>,
        urls: Urls,
    ) -> Result<Renderer, Diagnostics> {
        let mut diags = Diagnostics::new();
        let theme_dir = root.join("themes").join(&config.site.theme);
        let theme_rel = PathBuf::from("themes")
            .join(&config.site.theme)
            .join("templates");
        let tpl_dir = theme_dir.join("templates");
        let mut templates: Vec<(String, String)> = Vec::new();
        if !tpl_dir.is_dir() {
            diags.push(
                Diagnostic::error(
                    "theme-missing",
                    format!("theme `{}` has no templates folder", config.site.theme),
                )
                .in_file(&theme_rel)
                .help("set [site] theme in book.toml to a folder under themes/, e.g. default"),
            );
            return Err(diags);
        }
        for entry in walkdir::WalkDir::new(&tpl_dir)
            .sort_by_file_name()
            .into_iter()
            .flatten()
        {
            if !entry.file_type().is_file() {
                continue;
            }
            let rel = entry.path().strip_prefix(&tpl_dir).unwrap_or(entry.path());
            let name = rel.to_string_lossy().replace('\\', "/");
            if crate::input::load::is_ignored_name(&name) {
                continue;
            }
            let file = theme_rel.join(rel);
            match std::fs::read(entry.path()) {
                Ok(bytes) => match crate::input::load::decode(bytes, &file) {
                    // A BOM would end up before the doctype, in quirks mode.
                    Ok(t) => templates.push((name, crate::base::text::strip_bom(&t).to_string())),
                    Err(d) => diags.push(d),
                },
                Err(e) => diags.push(
                    Diagnostic::error("template-unreadable", e.to_string())
                        .in_file(file)
                        .help("check the file's permissions"),
                ),
            }
        }
        let mut tera = Tera::new();
        tera.autoescape_on(vec![".html", ".xml"]);
        let loc = locales.clone();
        tera.register_function(
            "t",
            move |kwargs: Kwargs, state: &State| -> tera::TeraResult<String> {
                let key: &str = kwargs.must_get("key")?;
                let lang: String = match kwargs.get::<String>("lang")? {
                    Some(l) => l,
                    None => state.get::<String>("lang")?.unwrap_or_default(),
                };
                let mut args = FluentArgs::new();
                for (k, v) in kwargs.iter() {
                    let Some(name) = k.as_str() else { continue };
                    if name == "key" || name == "lang" {
                        continue;
                    }
                    let fv = if let Some(i) = v.as_i64() {
                        FluentValue::from(i)
                    } else if let Some(f) = v.as_f64() {
                        FluentValue::from(f)
                    } else if let Some(s) = v.as_str() {
                        FluentValue::from(s.to_string())
                    } else {
                        FluentValue::from(v.to_string())
                    };
                    args.set(name.to_string(), fv);
                }
                // Without arguments the text comes from the locales' cache.
                let args = (args.iter().next().is_some()).then_some(&args);
                Ok(loc.text(&lang, key, args))
            },
        );
        let u = urls.clone();
        tera.register_function(
            "url",
            move |kwargs: Kwargs, _: &State| -> tera::TeraResult<String> {
                let path: String = kwargs.must_get("path")?;
                Ok(u.path(&path))
            },
        );

        // Check templates one by one so every syntax error is reported in its file;
        // errors about other templates (a missing parent) wait for the full set.
        for (name, text) in &templates {
            let mut probe = Tera::new();
            probe.register_from(&tera);
            if let Err(e) = probe.add_raw_template(name, text) {
                if matches!(e.kind(), tera::ErrorKind::SyntaxError(_)) {
                    diags.push(tera_error(&e, &theme_rel));
                }
            }
        }
        if diags.has_errors() {
            return Err(diags);
        }
        if let Err(e) =
            tera.add_raw_templates(templates.iter().map(|(n, t)| (n.as_str(), t.as_str())))
        {
            diags.push(tera_error(&e, &theme_rel));
            return Err(diags);
        }
        for required in REQUIRED_TEMPLATES {
            if !tera.contains_template(required) {
                diags.push(
                    Diagnostic::error("template-missing", format!("the theme has no {required}"))
                        .in_file(&theme_rel)
                        .help("copy it from themes/default/templates/"),
                );
            }
        }
        if diags.has_errors() {
            return Err(diags);
        }

        let template_keys = templates
            .iter()
            .flat_map(|(name, text)| scan_keys(text).into_iter().map(move |k| (name.clone(), k)))
            .collect();
        Ok(Renderer {
            tera,
            env: OutputEnv {
                config,
                locales,
                urls,
            },
            theme_dir,
            template_keys,
        })
    }

    pub fn theme_dir(&self) -> &Path {
        &self.theme_dir
    }

    /// Keys used by the theme (and by the code), sorted.
    pub fn used_keys(&self) -> BTreeSet<String> {
        let mut s: BTreeSet<String> = self.template_keys.iter().map(|(_, k)| k.clone()).collect();
        s.extend(
            CODE_KEYS
                .iter()
                .chain(crate::parse::disclosure::MESSAGE_KEYS)
                .map(|k| k.to_string()),
        );
        s.extend(
            self.env
                .config
                .site
                .taxonomies
                .iter()
                .map(|t| format!("taxonomy-{t}")),
        );
        s
    }

    /// Locale problems: a key missing in one language falls back (warning); a
    /// key missing everywhere is an error naming the key and template. Also term
    /// names without a localized name.
    pub fn check_locales(&self, site: &Site) -> Diagnostics {
        let mut diags = Diagnostics::new();
        let default = self.env.locales.default_lang();
        let mut seen = BTreeSet::new();
        let uses: Vec<(Option<String>, String)> = self
            .template_keys
            .iter()
            .map(|(t, k)| (Some(t.clone()), k.clone()))
            .chain(
                CODE_KEYS
                    .iter()
                    .chain(crate::parse::disclosure::MESSAGE_KEYS)
                    .map(|k| (None, k.to_string())),
            )
            .chain(
                self.env
                    .config
                    .site
                    .taxonomies
                    .iter()
                    .map(|t| (None, format!("taxonomy-{t}"))),
            )
            .collect();
        for (template, key) in &uses {
            let key = key.as_str();
            let template = template.as_deref();
            if !seen.insert((key.to_string(), template.map(str::to_string))) {
                continue;
            }
            let in_any = self
                .env
                .config
                .languages
                .keys()
                .any(|l| self.env.locales.has(l, key));
            if !in_any {
                let mut d = Diagnostic::error(
                    "missing-message",
                    format!("message `{key}` is in no locale"),
                );
                d = match template {
                    Some(t) => d
                        .message_suffix(&format!(" (used by template {t})"))
                        .in_file(
                            PathBuf::from("themes")
                                .join(&self.env.config.site.theme)
                                .join("templates")
                                .join(t),
                        ),
                    None => d,
                };
                diags.push(d.help(format!("add `{key} = …` to locales/{default}/main.ftl")));
                continue;
            }
        }
        let mut reported = BTreeSet::new();
        for key in self.used_keys() {
            for lang in self.env.config.languages.keys() {
                if !self.env.locales.has(lang, &key)
                    && self.env.locales.has(default, &key)
                    && reported.insert((lang.clone(), key.clone()))
                {
                    diags.push(
                        Diagnostic::warning(
                            "missing-translation",
                            format!(
                                "message `{key}` is missing in locale `{lang}`; using `{default}`"
                            ),
                        )
                        .in_file(PathBuf::from("locales").join(lang))
                        .help(format!("add `{key} = …` to a file in locales/{lang}/")),
                    );
                }
            }
        }
        for (lang, taxes) in &site.taxonomies {
            for (tax, terms) in taxes {
                for term in terms.keys() {
                    let key = term_key(tax, term);
                    if !self.env.locales.has(lang, &key) {
                        diags.push(
                            Diagnostic::warning("missing-term-name", format!("{tax} term `{term}` has no name in locale `{lang}`; showing the slug"))
                                .in_file(PathBuf::from("locales").join(lang))
                                .help(format!("add `{key} = …` to locales/{lang}/terms.ftl")),
                        );
                    }
                }
            }
        }
        diags
    }

    /// Every page of the site, in a stable order.
    /// Output file (relative to the output folder) of a page.
    pub fn output_path(&self, site: &Site, page: &Page) -> String {
        page.route(site).file()
    }

    fn site_path(&self, site: &Site, page: &Page) -> String {
        page.route(site).path()
    }

    /// Renders one page to bytes.
    pub fn render(&self, site: &Site, page: &Page) -> Result<Vec<u8>, Diagnostic> {
        match self.fill(View::for_render(), site, page) {
            Filled::Bytes(bytes) => Ok(bytes),
            Filled::Template(name, view) => self
                .render_template(name, &view.into_context())
                .map_err(|e| {
                    let theme_rel = PathBuf::from("themes")
                        .join(&self.env.config.site.theme)
                        .join("templates");
                    let d = tera_error(&e, &theme_rel);
                    match page {
                        Page::Article(id) => d.message_suffix(&format!(
                            " (while rendering {})",
                            site.articles[*id].file.display()
                        )),
                        _ => d.message_suffix(&format!(
                            " (while rendering /{})",
                            self.site_path(site, page)
                        )),
                    }
                }),
        }
    }

    /// The inputs digest of a page: the hash of its view model (what its
    /// template reads), or of its bytes for the files made without a
    /// template. A page whose digest is unchanged renders to the same bytes.
    pub fn digest(&self, site: &Site, page: &Page) -> u64 {
        match self.fill(View::for_digest(), site, page) {
            Filled::Template(name, view) => view.finish(name),
            Filled::Bytes(bytes) => {
                use std::hash::{Hash, Hasher};
                let mut h = crate::output::view::DigestHasher::new();
                bytes.hash(&mut h);
                h.finish()
            }
        }
    }

    /// The digest of every page, in parallel.
    pub fn page_digests(&self, site: &Site, pages: &[Page]) -> Vec<u64> {
        pages.par_iter().map(|p| self.digest(site, p)).collect()
    }

    /// A page's view model and template, or its bytes when no template makes it.
    fn fill(&self, view: View, site: &Site, page: &Page) -> Filled {
        match page {
            Page::Article(id) => {
                Filled::Template("article.html", self.article_context(view, site, *id))
            }
            Page::ArticleCsl(id) => {
                Filled::Bytes(crate::output::metadata::csl_json(&site.articles[*id]).into_bytes())
            }
            Page::ArticleBib(id) => {
                Filled::Bytes(crate::output::metadata::bibtex(&site.articles[*id]).into_bytes())
            }
            Page::Index { lang, page: n } => {
                let ids = &site.by_lang[lang];
                Filled::Template(
                    "list.html",
                    self.list_context(view, site, lang, ids, *n, None),
                )
            }
            Page::Term {
                lang,
                taxonomy,
                term,
                page: n,
            } => {
                let ids = &site.taxonomies[lang][taxonomy][term];
                let label = self.env.term_name(lang, taxonomy, term);
                Filled::Template(
                    "list.html",
                    self.list_context(view, site, lang, ids, *n, Some((taxonomy, term, label))),
                )
            }
            Page::Terms { lang, taxonomy } => {
                Filled::Template("terms.html", self.terms_context(view, site, lang, taxonomy))
            }
            Page::Sources { lang, page: n } => {
                Filled::Template("sources.html", self.sources_context(view, site, lang, *n))
            }
            Page::Source {
                lang,
                source,
                page: n,
            } => Filled::Template(
                "source.html",
                self.source_context(view, site, lang, *source, *n),
            ),
            Page::Root => {
                let lang = self.env.config.site.default_language.clone();
                fn home(lang: &str) -> String {
                    Route::Home { lang, page: 1 }.path()
                }
                let mut ctx = self.common(view, site, &lang, "", |l| Some(home(l)));
                ctx.insert("languages", &self.language_homes(&lang));
                ctx.insert("default_url", &self.env.urls.path(&home(&lang)));
                Filled::Template("root.html", ctx)
            }
            Page::NotFound => {
                let lang = self.env.config.site.default_language.clone();
                let mut ctx = self.common(view, site, &lang, &Route::NotFound.path(), |l| {
                    Some(Route::Home { lang: l, page: 1 }.path())
                });
                ctx.insert("languages", &self.language_homes(&lang));
                // An error page has no translations to point at and should not be indexed.
                ctx.insert("alternates", &Vec::<Alternate>::new());
                ctx.insert("noindex", &true);
                Filled::Template("404.html", ctx)
            }
            Page::Feed { lang } => {
                Filled::Bytes(crate::output::feeds::atom(&self.env, site, lang).into_bytes())
            }
            Page::Search { lang } => {
                let path = Route::Search { lang }.path();
                let mut ctx = self.common(view, site, lang, &path, |l| {
                    Some(Route::Search { lang: l }.path())
                });
                ctx.insert("search_base", &self.env.urls.path(&path));
                Filled::Template("search.html", ctx)
            }
            Page::Sitemap => {
                Filled::Bytes(crate::output::feeds::sitemap(&self.env, site).into_bytes())
            }
            Page::Robots => Filled::Bytes(
                format!(
                    "User-agent: *\nAllow: /\n\nSitemap: {}\n",
                    self.env.urls.absolute(&Route::Sitemap.path())
                )
                .into_bytes(),
            ),
            Page::SyntaxCss => Filled::Bytes(crate::parse::highlight::stylesheet().into_bytes()),
        }
    }

    /// Renders a template into bytes: no UTF-8 check of the output (templates
    /// and context are strings), and a buffer the size of a typical page.
    fn render_template(&self, name: &str, ctx: &Context) -> tera::TeraResult<Vec<u8>> {
        let mut out = Vec::with_capacity(32 * 1024);
        self.tera.render_to(name, ctx, &mut out)?;
        Ok(out)
    }

    pub fn locales(&self) -> &Locales {
        &self.env.locales
    }
    pub fn config(&self) -> &Config {
        &self.env.config
    }

    fn date(&self, lang: &str, d: &crate::parse::frontmatter::DateValue) -> DateCtx {
        DateCtx {
            iso: d.ymd(),
            display: self.env.locales.format_date(lang, d.date),
        }
    }

    /// Every language's home page, for the language-neutral pages (the root
    /// language picker and 404): there the default language's link must lead
    /// to its home, not back to the page itself (the root page would redirect
    /// to itself forever).
    fn language_homes(&self, current: &str) -> Vec<LangLink> {
        self.env
            .config
            .language_codes()
            .into_iter()
            .map(|code| LangLink {
                current: code == current,
                url: Some(
                    self.env.urls.path(
                        &Route::Home {
                            lang: &code,
                            page: 1,
                        }
                        .path(),
                    ),
                ),
                dir: self.env.config.language_dir(&code).as_str(),
                name: self.env.config.languages[&code].name.clone(),
                code,
            })
            .collect()
    }

    /// Context shared by every HTML page. `alt_path` gives the same page's site
    /// path in another language, or `None` where it does not exist.
    fn common(
        &self,
        view: View,
        site: &Site,
        lang: &str,
        site_path: &str,
        alt_path: impl Fn(&str) -> Option<String>,
    ) -> View {
        let mut ctx = view;
        let mut languages = Vec::new();
        let mut alternates = Vec::new();
        for code in self.env.config.language_codes() {
            let path = if code == lang {
                Some(site_path.to_string())
            } else {
                alt_path(&code)
            };
            let name = self.env.config.languages[&code].name.clone();
            if let Some(p) = &path {
                alternates.push(Alternate {
                    hreflang: code.clone(),
                    href: self.env.urls.absolute(p),
                });
            }
            languages.push(LangLink {
                current: code == lang,
                url: path.map(|p| self.env.urls.path(&p)),
                dir: self.env.config.language_dir(&code).as_str(),
                code,
                name,
            });
        }
        if !alternates.is_empty() {
            let default = &self.env.config.site.default_language;
            let x_default = alternates
                .iter()
                .find(|a| &a.hreflang == default)
                .or_else(|| alternates.first())
                .map(|a| a.href.clone())
                .unwrap_or_default();
            alternates.push(Alternate {
                hreflang: "x-default".into(),
                href: x_default,
            });
        }
        let taxonomies: Vec<TaxLink> = self
            .env
            .config
            .site
            .taxonomies
            .iter()
            .map(|t| TaxLink {
                name: t.clone(),
                label: self.env.locales.text(lang, &format!("taxonomy-{t}"), None),
                url: self
                    .env
                    .urls
                    .path(&Route::Terms { lang, taxonomy: t }.path()),
            })
            .collect();
        ctx.insert("lang", lang);
        ctx.insert("dir", self.env.config.language_dir(lang).as_str());
        ctx.insert("site_title", &self.env.site_title(lang));
        ctx.insert("base_path", self.env.urls.base_path());
        ctx.insert("page_path", site_path);
        ctx.insert("canonical", &self.env.urls.absolute(site_path));
        ctx.insert(
            "home_url",
            &self.env.urls.path(&Route::Home { lang, page: 1 }.path()),
        );
        ctx.insert(
            "feed_url",
            &self.env.urls.path(&Route::Feed { lang }.path()),
        );
        ctx.insert(
            "sources_url",
            &self.env.urls.path(&Route::Sources { lang, page: 1 }.path()),
        );
        ctx.insert(
            "search_url",
            &self.env.urls.path(&Route::Search { lang }.path()),
        );
        ctx.insert("taxonomies", &taxonomies);
        ctx.insert("languages", &languages);
        ctx.insert("alternates", &alternates);
        ctx.insert(
            "has_articles",
            &site.by_lang.get(lang).is_some_and(|v| !v.is_empty()),
        );
        ctx.insert(
            "description",
            &self.env.config.site.description.clone().unwrap_or_default(),
        );
        ctx.insert("og_locale", &crate::output::metadata::og_locale(lang));
        ctx.insert("publisher", self.env.config.publisher());
        ctx
    }

    fn article_link(&self, site: &Site, id: ArticleId) -> ArticleLink {
        let a = &site.articles[id];
        ArticleLink {
            title: a.fm.title.clone(),
            url: self.env.urls.path(&a.path),
            date: self.date(&a.lang, &a.fm.date),
            summary: a.fm.summary.clone().unwrap_or_default(),
            ai_generated: a.disclosure.involves_ai(),
            ai_badge: self.env.ai_badge(&a.lang, &a.disclosure),
        }
    }

    fn article_context(&self, view: View, site: &Site, id: ArticleId) -> View {
        let a = &site.articles[id];
        let translations = &site.translations[id];
        let mut ctx = self.common(view, site, &a.lang, &a.path, |l| {
            translations.get(l).map(|&t| site.articles[t].path.clone())
        });
        // A translation made from an older version of its source tells the
        // reader so, in their language, with a link to the current source.
        if let Some(rev) = &a.fm.source_revision {
            let original = crate::output::metadata::original_of(
                site,
                id,
                &self.env.config.site.default_language,
            );
            let o = &site.articles[original];
            if original != id && &o.hash != rev {
                ctx.insert(
                    "stale",
                    &StaleCtx {
                        name: self
                            .env
                            .config
                            .languages
                            .get(&o.lang)
                            .map(|l| l.name.clone())
                            .unwrap_or_else(|| o.lang.clone()),
                        lang: o.lang.clone(),
                        url: self.env.urls.path(&o.path),
                    },
                );
            }
        }
        let sources = site.sources.get(&a.lang);
        let references: Vec<RefCtx> = a
            .body
            .references
            .iter()
            .map(|r| {
                let c = &a.fm.citations[r.citation];
                let source = site.citation_sources[id]
                    .get(r.citation)
                    .and_then(|&s| sources.and_then(|list| list.get(s)));
                let also = source.map_or(0, |s| s.cited_by.len().saturating_sub(1));
                RefCtx {
                    number: r.number,
                    anchor: r.anchor.clone(),
                    title: c.title.clone(),
                    publisher: c.publisher.clone(),
                    author: c.author.clone(),
                    url: c.url.as_ref().map(|u| u.0.clone()),
                    published: c.published.as_ref().map(|d| self.date(&a.lang, d)),
                    accessed: c.accessed.as_ref().map(|d| self.date(&a.lang, d)),
                    lang: c.lang.clone(),
                    backrefs: r
                        .backrefs
                        .iter()
                        .enumerate()
                        .map(|(i, id)| Backref {
                            id: id.clone(),
                            label: if r.backrefs.len() == 1 {
                                "↩".into()
                            } else {
                                backref_letter(i)
                            },
                        })
                        .collect(),
                    also_cited: also,
                    source_url: source
                        .filter(|_| also > 0)
                        .map(|s| format!("{}#{}", self.env.urls.path(&s.page_path), s.anchor)),
                }
            })
            .collect();
        let terms: Vec<TaxCtx> = self
            .env
            .config
            .site
            .taxonomies
            .iter()
            .filter_map(|tax| {
                let list = a.fm.taxonomies.get(tax)?;
                if list.is_empty() {
                    return None;
                }
                Some(TaxCtx {
                    name: tax.clone(),
                    terms: list
                        .iter()
                        .map(|t| TermCtx {
                            slug: t.clone(),
                            label: self.env.term_name(&a.lang, tax, t),
                            url: self.env.urls.path(
                                &Route::Term {
                                    lang: &a.lang,
                                    taxonomy: tax,
                                    term: t,
                                    page: 1,
                                }
                                .path(),
                            ),
                            count: 0,
                        })
                        .collect(),
                })
            })
            .collect();
        let (older, newer) = site.prev_next[id];
        let minutes = reading_minutes(&a.body.stats);
        let page = PageCtx {
            title: a.fm.title.clone(),
            summary: a.fm.summary.clone().unwrap_or_default(),
            key_points: a.fm.key_points.clone(),
            date: self.date(&a.lang, &a.fm.date),
            updated: a.fm.updated.as_ref().map(|d| self.date(&a.lang, d)),
            date_rfc3339: a.fm.date.rfc3339(),
            ai_generated: a.disclosure.involves_ai(),
            disclosure: DisclosureCtx {
                meta: a.disclosure.meta_content(),
                notice: self.env.disclosure_notice(&a.lang, &a.disclosure),
                // A translation's notice links its original.
                original: a
                    .disclosure
                    .translation
                    .as_ref()
                    .and_then(|_| {
                        let o = crate::output::metadata::original_of(
                            site,
                            id,
                            &self.env.config.site.default_language,
                        );
                        (o != id).then(|| &site.articles[o])
                    })
                    .map(|o| OriginalCtx {
                        url: self.env.urls.path(&o.path),
                        lang: o.lang.clone(),
                    }),
            },
            content: resolve_link_tokens(&a.body.html, &site.link_urls[id]),
            headings: a.body.headings.clone(),
            references,
            footnotes: a.body.footnotes.clone(),
            terms,
            backlinks: site.backlinks[id]
                .iter()
                .map(|&b| self.article_link(site, b))
                .collect(),
            related: site.related[id]
                .iter()
                .map(|&b| self.article_link(site, b))
                .collect(),
            older: older.map(|b| self.article_link(site, b)),
            newer: newer.map(|b| self.article_link(site, b)),
            reading_minutes: minutes,
            url: self.env.urls.path(&a.path),
            permalink: self.env.urls.absolute(&a.path),
        };
        let keywords: Vec<String> = page
            .terms
            .iter()
            .flat_map(|t| t.terms.iter().map(|x| x.label.clone()))
            .collect();
        let ld = crate::output::metadata::jsonld(
            site,
            id,
            &self.env.urls,
            self.env.config.publisher(),
            &self.env.config.site.default_language,
            keywords,
        );
        ctx.insert("jsonld", &crate::base::text::json_for_script(&ld));
        ctx.insert(
            "og_locale_alternates",
            &translations
                .keys()
                .filter(|l| *l != &a.lang)
                .map(|l| crate::output::metadata::og_locale(l))
                .collect::<Vec<_>>(),
        );
        if !a.fm.citations.is_empty() {
            ctx.insert(
                "csl_url",
                &self.env.urls.path(
                    &Route::ArticleCsl {
                        lang: &a.lang,
                        slug: &a.slug,
                    }
                    .path(),
                ),
            );
            ctx.insert(
                "bib_url",
                &self.env.urls.path(
                    &Route::ArticleBib {
                        lang: &a.lang,
                        slug: &a.slug,
                    }
                    .path(),
                ),
            );
        }
        ctx.insert("page", &page);
        ctx
    }

    fn paginator<'r>(
        &self,
        route: impl Fn(usize) -> Route<'r>,
        n: usize,
        total: usize,
    ) -> Paginator {
        let url = |p: usize| self.env.urls.path(&route(p).path());
        Paginator {
            current: n,
            total,
            prev_url: (n > 1).then(|| url(n - 1)),
            next_url: (n < total).then(|| url(n + 1)),
            // A window around the current page, so no page grows with the site.
            pages: (1..=total)
                .filter(|&p| p == 1 || p == total || p.abs_diff(n) <= 2)
                .map(|p| PageLink {
                    number: p,
                    url: url(p),
                    current: p == n,
                })
                .collect(),
        }
    }

    fn list_context(
        &self,
        view: View,
        site: &Site,
        lang: &str,
        ids: &[ArticleId],
        n: usize,
        term: Option<(&String, &String, String)>,
    ) -> View {
        let per = self.env.config.site.paginate;
        let total = page_count(ids.len(), per);
        let route = |l: &'_ str, page: usize| -> String {
            match &term {
                None => Route::Home { lang: l, page }.path(),
                Some((tax, t, _)) => Route::Term {
                    lang: l,
                    taxonomy: tax,
                    term: t,
                    page,
                }
                .path(),
            }
        };
        let path = route(lang, n);
        let alt = |l: &str| -> Option<String> {
            match &term {
                None => Some(route(l, 1)),
                Some((tax, t, _)) => site
                    .taxonomies
                    .get(l)
                    .and_then(|x| x.get(*tax))
                    .and_then(|x| x.get(*t))
                    .map(|_| route(l, 1)),
            }
        };
        let mut ctx = self.common(view, site, lang, &path, alt);
        let items: Vec<ArticleLink> = ids
            .iter()
            .skip((n - 1) * per)
            .take(per)
            .map(|&id| self.article_link(site, id))
            .collect();
        ctx.insert("articles", &items);
        ctx.insert(
            "paginator",
            &self.paginator(
                |p| match &term {
                    None => Route::Home { lang, page: p },
                    Some((tax, t, _)) => Route::Term {
                        lang,
                        taxonomy: tax,
                        term: t,
                        page: p,
                    },
                },
                n,
                total,
            ),
        );
        if let Some((tax, t, label)) = &term {
            ctx.insert(
                "term",
                &TermCtx {
                    slug: t.to_string(),
                    label: label.clone(),
                    url: self.env.urls.path(&route(lang, 1)),
                    count: ids.len(),
                },
            );
            ctx.insert("taxonomy", tax);
            ctx.insert(
                "taxonomy_url",
                &self.env.urls.path(
                    &Route::Terms {
                        lang,
                        taxonomy: tax,
                    }
                    .path(),
                ),
            );
        }
        ctx
    }

    fn terms_context(&self, view: View, site: &Site, lang: &str, taxonomy: &str) -> View {
        let path = Route::Terms { lang, taxonomy }.path();
        let mut ctx = self.common(view, site, lang, &path, |l| {
            Some(Route::Terms { lang: l, taxonomy }.path())
        });
        let mut terms: Vec<TermCtx> = site.taxonomies[lang][taxonomy]
            .iter()
            .map(|(t, ids)| TermCtx {
                slug: t.clone(),
                label: self.env.term_name(lang, taxonomy, t),
                url: self.env.urls.path(
                    &Route::Term {
                        lang,
                        taxonomy,
                        term: t,
                        page: 1,
                    }
                    .path(),
                ),
                count: ids.len(),
            })
            .collect();
        terms.sort_by(|a, b| {
            b.count
                .cmp(&a.count)
                .then_with(|| a.label.cmp(&b.label))
                .then_with(|| a.slug.cmp(&b.slug))
        });
        ctx.insert("taxonomy", taxonomy);
        ctx.insert("terms", &terms);
        ctx
    }

    fn sources_context(&self, view: View, site: &Site, lang: &str, n: usize) -> View {
        let path = Route::Sources { lang, page: n }.path();
        let mut ctx = self.common(view, site, lang, &path, |l| {
            Some(Route::Sources { lang: l, page: 1 }.path())
        });
        let list = site.sources.get(lang).map(Vec::as_slice).unwrap_or(&[]);
        let total = page_count(list.len(), SOURCES_PER_PAGE);
        let items: Vec<SourceCtx> = list
            .iter()
            .skip((n - 1) * SOURCES_PER_PAGE)
            .take(SOURCES_PER_PAGE)
            .map(|s| SourceCtx {
                cited_by: s
                    .cited_by
                    .iter()
                    .take(SOURCE_CITERS_SHOWN)
                    .map(|&id| self.article_link(site, id))
                    .collect(),
                ..self.source_ctx(lang, s)
            })
            .collect();
        ctx.insert("sources", &items);
        ctx.insert(
            "paginator",
            &self.paginator(|page| Route::Sources { lang, page }, n, total),
        );
        ctx
    }

    /// A source without its citing briefings.
    fn source_ctx(&self, lang: &str, s: &crate::link::Source) -> SourceCtx {
        let count = s.cited_by.len();
        SourceCtx {
            anchor: s.anchor.clone(),
            title: s.citation.title.clone(),
            publisher: s.citation.publisher.clone(),
            url: s.citation.url.as_ref().map(|u| u.0.clone()),
            published: s.citation.published.as_ref().map(|d| self.date(lang, d)),
            count,
            cited_by: Vec::new(),
            all_url: s.has_page().then(|| {
                self.env.urls.path(
                    &Route::Source {
                        lang,
                        anchor: &s.anchor,
                        page: 1,
                    }
                    .path(),
                )
            }),
            list_url: self.env.urls.path(&format!("{}#{}", s.page_path, s.anchor)),
        }
    }

    fn source_context(&self, view: View, site: &Site, lang: &str, source: usize, n: usize) -> View {
        let s = &site.sources[lang][source];
        let route = |lang: &str, page| {
            Route::Source {
                lang,
                anchor: &s.anchor,
                page,
            }
            .path()
        };
        let path = route(lang, n);
        let mut ctx = self.common(view, site, lang, &path, |l| {
            site.has_source_page(l, &s.anchor).then(|| route(l, 1))
        });
        let per = self.env.config.site.paginate;
        let total = page_count(s.cited_by.len(), per);
        let items: Vec<ArticleLink> = page_slice(&s.cited_by, n, per)
            .iter()
            .map(|&id| self.article_link(site, id))
            .collect();
        ctx.insert("source", &self.source_ctx(lang, s));
        ctx.insert("articles", &items);
        ctx.insert(
            "paginator",
            &self.paginator(
                |page| Route::Source {
                    lang,
                    anchor: &s.anchor,
                    page,
                },
                n,
                total,
            ),
        );
        ctx
    }
}

/// A page's template and view model, or its bytes.
enum Filled {
    Template(&'static str, View),
    Bytes(Vec<u8>),
}

/// The items of page `n` (1-based) of a paginated list.
fn page_slice<T>(items: &[T], n: usize, per: usize) -> &[T] {
    let per = per.max(1);
    let start = ((n.max(1) - 1) * per).min(items.len());
    &items[start..(start + per).min(items.len())]
}

impl Page {
    /// Where the page goes.
    pub fn route<'s>(&'s self, site: &'s Site) -> Route<'s> {
        match self {
            Page::Article(id) => {
                let a = &site.articles[*id];
                Route::Article {
                    lang: &a.lang,
                    slug: &a.slug,
                }
            }
            Page::ArticleCsl(id) => {
                let a = &site.articles[*id];
                Route::ArticleCsl {
                    lang: &a.lang,
                    slug: &a.slug,
                }
            }
            Page::ArticleBib(id) => {
                let a = &site.articles[*id];
                Route::ArticleBib {
                    lang: &a.lang,
                    slug: &a.slug,
                }
            }
            Page::Index { lang, page } => Route::Home { lang, page: *page },
            Page::Terms { lang, taxonomy } => Route::Terms { lang, taxonomy },
            Page::Term {
                lang,
                taxonomy,
                term,
                page,
            } => Route::Term {
                lang,
                taxonomy,
                term,
                page: *page,
            },
            Page::Sources { lang, page } => Route::Sources { lang, page: *page },
            Page::Source { lang, source, page } => Route::Source {
                lang,
                anchor: &site.sources[lang][*source].anchor,
                page: *page,
            },
            Page::Feed { lang } => Route::Feed { lang },
            Page::Search { lang } => Route::Search { lang },
            Page::Root => Route::Root,
            Page::NotFound => Route::NotFound,
            Page::Sitemap => Route::Sitemap,
            Page::Robots => Route::Robots,
            Page::SyntaxCss => Route::SyntaxCss,
        }
    }
}

impl Diagnostic {
    fn message_suffix(mut self, suffix: &str) -> Self {
        self.message.push_str(suffix);
        self
    }
}

pub fn page_count(items: usize, per: usize) -> usize {
    items.div_ceil(per.max(1)).max(1)
}

/// Minutes to read: CJK at about 500 characters a minute, other scripts at
/// about 230 words a minute, counted per script run.
pub fn reading_minutes(stats: &crate::parse::markdown::TextStats) -> u32 {
    let minutes = stats.cjk_chars as f64 / 500.0 + stats.words as f64 / 230.0;
    (minutes.ceil() as u32).max(1)
}

fn backref_letter(i: usize) -> String {
    let letters = "abcdefghijklmnopqrstuvwxyz";
    let mut s = String::new();
    let mut n = i;
    loop {
        s.insert(0, letters.as_bytes()[n % 26] as char);
        if n < 26 {
            break;
        }
        n = n / 26 - 1;
    }
    s
}

/// Finds `t(key="…")` and `t(key='…')` uses in a template.
fn scan_keys(text: &str) -> Vec<String> {
    let mut keys = Vec::new();
    let mut rest = text;
    while let Some(i) = rest.find("t(key=") {
        let before_ok = i == 0
            || !rest.as_bytes()[i - 1].is_ascii_alphanumeric() && rest.as_bytes()[i - 1] != b'_';
        let after = &rest[i + 6..];
        let quote = after.chars().next();
        if before_ok && matches!(quote, Some('"') | Some('\'')) {
            let q = quote.expect("checked");
            if let Some(end) = after[1..].find(q) {
                let key = &after[1..1 + end];
                // `t(key="taxonomy-" ~ name)` builds the key at run time: not a literal key.
                let literal = after[2 + end..].trim_start().starts_with([',', ')']);
                if literal && !key.is_empty() && !key.contains(|c: char| c.is_whitespace()) {
                    keys.push(key.to_string());
                }
            }
        }
        rest = &rest[i + 6..];
    }
    keys
}

#[derive(Serialize)]
struct LangLink {
    code: String,
    name: String,
    url: Option<String>,
    current: bool,
    dir: &'static str,
}
#[derive(Serialize)]
struct StaleCtx {
    name: String,
    lang: String,
    url: String,
}
#[derive(Serialize)]
struct Alternate {
    hreflang: String,
    href: String,
}
#[derive(Serialize)]
struct TaxLink {
    name: String,
    label: String,
    url: String,
}
#[derive(Serialize, Clone)]
pub struct DateCtx {
    pub iso: String,
    pub display: String,
}
#[derive(Serialize)]
struct ArticleLink {
    title: String,
    url: String,
    date: DateCtx,
    summary: String,
    /// AI made some of the text (kept for themes written before `ai_badge`).
    ai_generated: bool,
    /// The localized badge saying how, when AI made some of the text.
    ai_badge: Option<String>,
}
#[derive(Serialize)]
struct DisclosureCtx {
    /// `<meta name="ai-disclosure">` content; none when nothing is recorded.
    meta: Option<&'static str>,
    /// Sentences of the visible notice; empty when people alone made the text.
    notice: Vec<String>,
    /// The original of a translation that records how it was translated.
    original: Option<OriginalCtx>,
}
#[derive(Serialize)]
struct OriginalCtx {
    url: String,
    lang: String,
}
#[derive(Serialize)]
struct Backref {
    id: String,
    label: String,
}
#[derive(Serialize)]
struct RefCtx {
    number: u32,
    anchor: String,
    title: String,
    publisher: Option<String>,
    author: Option<String>,
    url: Option<String>,
    published: Option<DateCtx>,
    accessed: Option<DateCtx>,
    lang: Option<String>,
    backrefs: Vec<Backref>,
    also_cited: usize,
    source_url: Option<String>,
}
#[derive(Serialize)]
struct TermCtx {
    slug: String,
    label: String,
    url: String,
    count: usize,
}
#[derive(Serialize)]
struct TaxCtx {
    name: String,
    terms: Vec<TermCtx>,
}
#[derive(Serialize)]
struct PageCtx {
    title: String,
    summary: String,
    key_points: Vec<String>,
    date: DateCtx,
    updated: Option<DateCtx>,
    date_rfc3339: String,
    ai_generated: bool,
    disclosure: DisclosureCtx,
    content: String,
    headings: Vec<crate::parse::markdown::Heading>,
    references: Vec<RefCtx>,
    footnotes: Vec<crate::parse::markdown::Footnote>,
    terms: Vec<TaxCtx>,
    backlinks: Vec<ArticleLink>,
    related: Vec<ArticleLink>,
    older: Option<ArticleLink>,
    newer: Option<ArticleLink>,
    reading_minutes: u32,
    url: String,
    permalink: String,
}
#[derive(Serialize)]
struct PageLink {
    number: usize,
    url: String,
    current: bool,
}
#[derive(Serialize)]
struct Paginator {
    current: usize,
    total: usize,
    prev_url: Option<String>,
    next_url: Option<String>,
    pages: Vec<PageLink>,
}
#[derive(Serialize)]
struct SourceCtx {
    anchor: String,
    title: String,
    publisher: Option<String>,
    url: Option<String>,
    published: Option<DateCtx>,
    count: usize,
    /// The newest citing briefings, at most [`SOURCE_CITERS_SHOWN`].
    cited_by: Vec<ArticleLink>,
    /// The source's own page, when it has more citing briefings than that.
    all_url: Option<String>,
    /// Its entry on the sources pages.
    list_url: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_keys() {
        let t =
            r#"{{ t(key="a-b") }} {{ t(key='c', n=1) }} {{ at(key="no") }} {{ t(key="x-" ~ y) }}"#;
        assert_eq!(scan_keys(t), vec!["a-b", "c"]);
    }

    #[test]
    fn letters() {
        assert_eq!(backref_letter(0), "a");
        assert_eq!(backref_letter(25), "z");
        assert_eq!(backref_letter(26), "aa");
    }
}
