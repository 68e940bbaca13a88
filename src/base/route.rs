//! Every page and file of the output, and the one place their paths are
//! built: [`Route::path`] gives the site path (relative to `base_url`; a
//! folder-style page ends in `/`), [`Route::file`] the file under the output
//! folder. Links, feeds, the sitemap and the writer all ask a `Route`, so a
//! path cannot be spelled two ways; [`reserved_segments`] derives the slugs an
//! article may not take from the same table.

/// A page or file of the built site.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Route<'a> {
    /// `/`: the language picker.
    Root,
    /// `/404.html`.
    NotFound,
    /// `/sitemap.xml`.
    Sitemap,
    /// `/robots.txt`.
    Robots,
    /// `/static/syntax.css`: the highlighting classes.
    SyntaxCss,
    /// A file the theme or the site ships under `/static/` (`style.css`).
    Static { file: &'a str },
    /// `/<lang>/`, `/<lang>/page/N/`: the newest briefings.
    Home { lang: &'a str, page: usize },
    /// `/<lang>/<slug>/`.
    Article { lang: &'a str, slug: &'a str },
    /// `/<lang>/<taxonomy>/`: the terms with counts.
    Terms { lang: &'a str, taxonomy: &'a str },
    /// `/<lang>/<taxonomy>/<term>/`, paginated.
    Term {
        lang: &'a str,
        taxonomy: &'a str,
        term: &'a str,
        page: usize,
    },
    /// `/<lang>/sources/`, paginated.
    Sources { lang: &'a str, page: usize },
    /// `/<lang>/sources/<anchor>/`, paginated: every briefing citing a source.
    Source {
        lang: &'a str,
        anchor: &'a str,
        page: usize,
    },
    /// `/<lang>/atom.xml`.
    Feed { lang: &'a str },
    /// `/<lang>/search/`: the search page.
    Search { lang: &'a str },
    /// `/<lang>/search/meta.json`.
    SearchMeta { lang: &'a str },
    /// `/<lang>/search/docs-N.bin`: a pack of compressed document records,
    /// what the results show (read with Range requests).
    SearchPack { lang: &'a str, pack: usize },
    /// `/<lang>/search/index-N.json`.
    SearchShard { lang: &'a str, shard: usize },
    /// An earlier address of an article (its front-matter's `aliases`): a
    /// page that redirects to it. `path` is a checked site path, `en/old/`
    /// or `en/old.html`.
    Alias { path: &'a str },
    /// `/_redirects`: every alias as `old new 301`, for Netlify and
    /// Cloudflare Pages.
    Redirects,
}

/// Page `n` (1-based) of a list rooted at the folder `base`.
fn paginated(base: String, n: usize) -> String {
    if n <= 1 {
        base
    } else {
        format!("{base}page/{n}/")
    }
}

impl Route<'_> {
    /// The site path: `ja/slug/`, `ja/atom.xml`, `` for the root.
    pub fn path(&self) -> String {
        match *self {
            Route::Root => String::new(),
            Route::NotFound => "404.html".into(),
            Route::Sitemap => "sitemap.xml".into(),
            Route::Robots => "robots.txt".into(),
            Route::SyntaxCss => "static/syntax.css".into(),
            Route::Static { file } => format!("static/{file}"),
            Route::Home { lang, page } => paginated(format!("{lang}/"), page),
            Route::Article { lang, slug } => format!("{lang}/{slug}/"),
            Route::Terms { lang, taxonomy } => format!("{lang}/{taxonomy}/"),
            Route::Term {
                lang,
                taxonomy,
                term,
                page,
            } => paginated(format!("{lang}/{taxonomy}/{term}/"), page),
            Route::Sources { lang, page } => paginated(format!("{lang}/sources/"), page),
            Route::Source { lang, anchor, page } => {
                paginated(format!("{lang}/sources/{anchor}/"), page)
            }
            Route::Feed { lang } => format!("{lang}/atom.xml"),
            Route::Search { lang } => format!("{lang}/search/"),
            Route::SearchMeta { lang } => format!("{lang}/search/meta.json"),
            Route::SearchPack { lang, pack } => format!("{lang}/search/docs-{pack}.bin"),
            Route::SearchShard { lang, shard } => format!("{lang}/search/index-{shard}.json"),
            Route::Alias { path } => path.to_string(),
            Route::Redirects => "_redirects".into(),
        }
    }

    /// The file under the output folder: a folder-style path gets `index.html`.
    pub fn file(&self) -> String {
        let path = self.path();
        if path.is_empty() || path.ends_with('/') {
            format!("{path}index.html")
        } else {
            path
        }
    }
}

/// First path segments under `/<lang>/` that belong to routes other than
/// articles (`page`, `sources`, `search`, `atom.xml`, each taxonomy) or to
/// the site root (`static`): an article's slug must not be one of them.
pub fn reserved_segments(taxonomies: &[String]) -> Vec<String> {
    const LANG: &str = "l";
    let mut routes = vec![
        Route::Home {
            lang: LANG,
            page: 2,
        },
        Route::Sources {
            lang: LANG,
            page: 1,
        },
        Route::Search { lang: LANG },
        Route::Feed { lang: LANG },
        Route::Static { file: "x" },
    ];
    routes.extend(taxonomies.iter().map(|t| Route::Terms {
        lang: LANG,
        taxonomy: t,
    }));
    let mut out: Vec<String> = Vec::new();
    for r in routes {
        let path = r.path();
        let rest = path.strip_prefix("l/").unwrap_or(&path);
        let first = rest.split('/').next().unwrap_or(rest).to_string();
        if !out.contains(&first) {
            out.push(first);
        }
    }
    out
}

/// Names at the output root that belong to site-wide routes (`404.html`,
/// `sitemap.xml`, `robots.txt`, `static`, `_redirects`, and the root page's
/// `index.html`): an alias outside the language folders may not take them.
pub fn reserved_root_names() -> Vec<String> {
    [
        Route::Root,
        Route::NotFound,
        Route::Sitemap,
        Route::Robots,
        Route::Static { file: "x" },
        Route::Redirects,
    ]
    .iter()
    .map(|r| {
        let file = r.file();
        file.split('/').next().unwrap_or(&file).to_string()
    })
    .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_and_files() {
        let a = Route::Article {
            lang: "ja",
            slug: "waic",
        };
        assert_eq!(a.path(), "ja/waic/");
        assert_eq!(a.file(), "ja/waic/index.html");
        assert_eq!(Route::Root.file(), "index.html");
        assert_eq!(
            Route::Home {
                lang: "en",
                page: 3
            }
            .path(),
            "en/page/3/"
        );
        assert_eq!(Route::Feed { lang: "en" }.file(), "en/atom.xml");
    }

    #[test]
    fn reserved_segments_come_from_the_routes() {
        let taxes = vec!["topics".to_string(), "regions".to_string()];
        assert_eq!(
            reserved_segments(&taxes),
            ["page", "sources", "search", "atom.xml", "static", "topics", "regions"]
        );
        assert_eq!(
            reserved_root_names(),
            [
                "index.html",
                "404.html",
                "sitemap.xml",
                "robots.txt",
                "static",
                "_redirects"
            ]
        );
    }

    #[test]
    fn alias_pages() {
        assert_eq!(Route::Alias { path: "en/old/" }.file(), "en/old/index.html");
        assert_eq!(
            Route::Alias {
                path: "en/old.html"
            }
            .file(),
            "en/old.html"
        );
        assert_eq!(Route::Redirects.file(), "_redirects");
    }
}
