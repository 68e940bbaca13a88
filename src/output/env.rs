//! What pages, feeds and metadata read beside the site: the configuration,
//! the locales and the URLs, with the text helpers built on them. Feeds and
//! the sitemap take an [`OutputEnv`], not the template renderer.

use std::sync::Arc;

use crate::base::urls::Urls;
use crate::input::config::Config;
use crate::input::locale::{language_name_key, term_key, Locales};
use crate::link::{Site, SOURCES_PER_PAGE};
use crate::output::page::{page_count, Page};
use crate::parse::disclosure::{Disclosure, NoticePart};

pub struct OutputEnv {
    pub config: Arc<Config>,
    pub locales: Arc<Locales>,
    pub urls: Urls,
    /// The citation style of each language (hayagriva).
    pub styles: crate::output::csl::Styles,
}

impl OutputEnv {
    /// Every page of the site, in a fixed order (the search files are the
    /// index stage's: see [`crate::index::SearchIndex::files`]).
    pub fn pages(&self, site: &Site) -> Vec<Page> {
        let mut pages = vec![
            Page::Root,
            Page::NotFound,
            Page::Sitemap,
            Page::Robots,
            Page::SyntaxCss,
        ];
        let per = self.config.site.paginate;
        for (lang, ids) in &site.by_lang {
            for page in 1..=page_count(ids.len(), per) {
                pages.push(Page::Index {
                    lang: lang.clone(),
                    page,
                });
            }
            pages.push(Page::Feed { lang: lang.clone() });
            pages.push(Page::Search { lang: lang.clone() });
            let sources = site.sources.get(lang).map(Vec::as_slice).unwrap_or(&[]);
            for page in 1..=page_count(sources.len(), SOURCES_PER_PAGE) {
                pages.push(Page::Sources {
                    lang: lang.clone(),
                    page,
                });
            }
            for (source, s) in sources.iter().enumerate() {
                if s.has_page() {
                    for page in 1..=page_count(s.cited_by.len(), per) {
                        pages.push(Page::Source {
                            lang: lang.clone(),
                            source,
                            page,
                        });
                    }
                }
            }
            if let Some(taxes) = site.taxonomies.get(lang) {
                for (tax, terms) in taxes {
                    pages.push(Page::Terms {
                        lang: lang.clone(),
                        taxonomy: tax.clone(),
                    });
                    for (term, ids) in terms {
                        for page in 1..=page_count(ids.len(), per) {
                            pages.push(Page::Term {
                                lang: lang.clone(),
                                taxonomy: tax.clone(),
                                term: term.clone(),
                                page,
                            });
                        }
                    }
                }
            }
        }
        // An article's reference exports are data: links in its page, not
        // files of their own.
        for id in 0..site.articles.len() {
            pages.push(Page::Article(id));
        }
        pages.extend((0..site.redirects.len()).map(Page::Redirect));
        if !site.redirects.is_empty() {
            pages.push(Page::Redirects);
        }
        pages
    }

    /// The localized site description (`site-description`), else `[site]
    /// description`.
    pub fn site_description(&self, lang: &str) -> String {
        self.locales
            .get(lang, "site-description", None)
            .or_else(|| self.config.site.description.clone())
            .unwrap_or_default()
    }

    pub fn site_title(&self, lang: &str) -> String {
        self.config
            .languages
            .get(lang)
            .and_then(|l| l.title.clone())
            .or_else(|| self.locales.get(lang, "site-title", None))
            .unwrap_or_else(|| self.config.site.title.clone())
    }

    /// The name of language `code` for a reader of `lang`: the
    /// `language-name-<code>` message of `lang`'s locale, else (reported by
    /// `check_locales` and `brief status`) the language's own name from
    /// book.toml. Never the default language's text: a Korean reader is
    /// better served by `English` than by `英語`.
    pub fn language_name(&self, lang: &str, code: &str) -> String {
        self.locales
            .get(lang, &language_name_key(code), None)
            .unwrap_or_else(|| {
                self.config
                    .languages
                    .get(code)
                    .map_or_else(|| code.to_string(), |l| l.name.clone())
            })
    }

    pub fn term_name(&self, lang: &str, taxonomy: &str, term: &str) -> String {
        self.locales
            .get(lang, &term_key(taxonomy, term), None)
            .unwrap_or_else(|| term.to_string())
    }

    /// The sentences of an article's AI and translation notice, in `lang`.
    pub fn disclosure_notice(&self, lang: &str, d: &Disclosure) -> Vec<String> {
        d.notice_parts()
            .into_iter()
            .map(|part| match part {
                NoticePart::Own(text) => text.to_string(),
                NoticePart::Message { key, review } => {
                    let mut args = fluent_bundle::FluentArgs::new();
                    if let Some(r) = review {
                        args.set("reviewer", r.by.as_str());
                        if let Some(on) = &r.on {
                            args.set("date", self.locales.format_date(lang, on.date));
                        }
                    }
                    self.locales.text(lang, key, Some(&args))
                }
            })
            .collect()
    }

    /// The localized card badge of an article made with AI.
    pub fn ai_badge(&self, lang: &str, d: &Disclosure) -> Option<String> {
        d.badge_key().map(|k| self.locales.text(lang, k, None))
    }
}
