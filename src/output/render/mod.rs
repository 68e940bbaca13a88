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
use tera::{Context, Kwargs, State, Tera};

use crate::output::view::{SharedDigests, View};

mod context;
mod scholarly;
use context::Alternate;
pub use context::DateCtx;

use crate::base::diag::{Diagnostic, Diagnostics, Pos};
use crate::base::route::Route;
use crate::base::urls::Urls;
use crate::input::config::Config;
use crate::input::locale::{term_key, Locales};
use crate::link::Site;
use crate::output::env::OutputEnv;
pub use crate::output::page::Page;

/// Templates every theme must provide.
pub const REQUIRED_TEMPLATES: &[&str] = &[
    "article.html",
    "list.html",
    "terms.html",
    "sources.html",
    "source.html",
    "root.html",
    "404.html",
    "search.html",
    "redirect.html",
];

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
pub const CODE_KEYS: &[&str] = &[
    "citation-label",
    "date-format",
    "footnote-label",
    "footnote-marker",
    "site-title",
];

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
                Ok(bytes) => match crate::input::decode::decode(bytes, &file) {
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
        // `{{ page.title | glue }}`: quotes glued to the Hangul around them,
        // so Korean lines never break beside a quote inside a word.
        tera.register_filter(
            "glue",
            |val: tera::StringInput, _: Kwargs, _: &State| -> tera::Value {
                val.inherit_safety(crate::parse::smart::glue_hangul(val.as_str()).into_owned())
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
                styles: crate::output::csl::Styles::new(&config),
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
                .chain(crate::parse::callout::MESSAGE_KEYS)
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
                    .chain(crate::parse::callout::MESSAGE_KEYS)
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
        // Every language named in every locale; a missing name shows the
        // language's own name (book.toml) instead.
        for lang in self.env.config.languages.keys() {
            for code in self.env.config.languages.keys() {
                let key = crate::input::locale::language_name_key(code);
                if !self.env.locales.has(lang, &key) {
                    diags.push(
                        Diagnostic::warning(
                            "missing-language-name",
                            format!(
                                "locale `{lang}` has no name for language `{code}`; showing `{}`",
                                self.env.config.languages[code].name
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
    fn digest(&self, site: &Site, page: &Page, shared: &Arc<SharedDigests>) -> u64 {
        match self.fill(View::for_digest(shared.clone()), site, page) {
            Filled::Template(name, view) => view.finish(name),
            Filled::Bytes(bytes) => crate::output::view::digest_bytes(&bytes),
        }
    }

    /// The digest of every page, in parallel; each article's card is
    /// digested once for all the pages that show it.
    pub fn page_digests(&self, site: &Site, pages: &[Page]) -> Vec<u64> {
        let shared = SharedDigests::new(site.articles.len());
        pages
            .par_iter()
            .map(|p| self.digest(site, p, &shared))
            .collect()
    }

    /// A page's view model and template, or its bytes when no template makes it.
    fn fill(&self, view: View, site: &Site, page: &Page) -> Filled {
        match page {
            Page::Article(id) => {
                Filled::Template("article.html", self.article_context(view, site, *id))
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
                // Every language's home (the default one too), and the picker
                // itself for everyone else.
                let mut alternates: Vec<Alternate> = self
                    .env
                    .config
                    .language_codes()
                    .into_iter()
                    .map(|code| Alternate {
                        href: self.env.urls.absolute(&home(&code)),
                        hreflang: code,
                    })
                    .collect();
                alternates.push(Alternate {
                    hreflang: "x-default".into(),
                    href: self.env.urls.absolute(""),
                });
                ctx.insert("alternates", &alternates);
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
                // Every language's text: the page answers any path.
                let blocks: Vec<serde_json::Value> = self
                    .env
                    .config
                    .language_codes()
                    .iter()
                    .map(|code| {
                        serde_json::json!({
                            "code": code,
                            "dir": self.env.config.language_dir(code).as_str(),
                            "site_title": self.env.site_title(code),
                            "home_url": self.env.urls.path(&Route::Home { lang: code, page: 1 }.path()),
                            "search_url": self.env.urls.path(&Route::Search { lang: code }.path()),
                        })
                    })
                    .collect();
                ctx.insert("not_found", &blocks);
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
            Page::Redirect(i) => Filled::Template(
                "redirect.html",
                crate::output::redirects::redirect_view(&self.env, site, *i, view),
            ),
            Page::Redirects => Filled::Bytes(
                crate::output::redirects::redirects_file(&self.env, site).into_bytes(),
            ),
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
}

/// A page's template and view model, or its bytes.
enum Filled {
    Template(&'static str, View),
    Bytes(Vec<u8>),
}

impl Diagnostic {
    fn message_suffix(mut self, suffix: &str) -> Self {
        self.message.push_str(suffix);
        self
    }
}

/// Minutes to read: CJK at about 500 characters a minute, other scripts at
/// about 230 words a minute, counted per script run.
pub fn reading_minutes(stats: &crate::parse::markdown::TextStats) -> u32 {
    let minutes = stats.cjk_chars as f64 / 500.0 + stats.words as f64 / 230.0;
    (minutes.ceil() as u32).max(1)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_keys() {
        let t =
            r#"{{ t(key="a-b") }} {{ t(key='c', n=1) }} {{ at(key="no") }} {{ t(key="x-" ~ y) }}"#;
        assert_eq!(scan_keys(t), vec!["a-b", "c"]);
    }
}
