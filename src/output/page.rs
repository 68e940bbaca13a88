//! What the render stage produces: one [`Page`] per output file made from
//! the site (the search files are the index stage's), and where it goes.

use crate::base::route::Route;
use crate::link::{ArticleId, Site};

/// One output file to produce.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Page {
    Article(ArticleId),
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
    /// The redirect page of an alias (`site.redirects[i]`).
    Redirect(usize),
    /// `_redirects`: every alias, for hosts that redirect by a file.
    Redirects,
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
            Page::Redirect(i) => Route::Alias {
                path: &site.redirects[*i].path,
            },
            Page::Redirects => Route::Redirects,
        }
    }
}

/// Pages of a list of `items`, `per` a page; an empty list still has one.
pub fn page_count(items: usize, per: usize) -> usize {
    items.div_ceil(per.max(1)).max(1)
}
