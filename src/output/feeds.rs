//! Atom feeds (a template of brief's own, autoescaped for XML) and the
//! sitemap. Their formats are fixed by standards, not by the theme.

use std::fmt::Write as _;

use serde::Serialize;

use crate::base::route::Route;
use crate::link::Site;
use crate::output::env::OutputEnv;
use crate::output::page::Page;

/// Entries per feed: the newest briefings only, so the feed does not grow with the site.
pub const FEED_ENTRIES: usize = 20;

pub fn escape_xml(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if crate::base::text::is_forbidden_control(c) => {}
            c => out.push(c),
        }
    }
    out
}

/// The Atom 1.0 template: the format is a standard, not a theme choice, so
/// it ships with brief, and every value is escaped for XML by Tera's
/// autoescape with [`escape_xml`].
const ATOM_TEMPLATE: &str = include_str!("atom.xml");

fn atom_tera() -> &'static tera::Tera {
    static TERA: std::sync::LazyLock<tera::Tera> = std::sync::LazyLock::new(|| {
        let mut t = tera::Tera::default();
        t.autoescape_on(vec![".xml"]);
        t.set_escape_fn(|s, out| out.write_all(escape_xml(s).as_bytes()));
        t.add_raw_template("atom.xml", ATOM_TEMPLATE)
            .expect("the Atom template parses");
        t
    });
    &TERA
}

#[derive(Serialize)]
struct AtomFeed<'a> {
    lang: &'a str,
    title: String,
    home: String,
    self_url: String,
    updated: String,
    publisher: &'a str,
    disclosure_scheme: &'static str,
    entries: Vec<AtomEntry<'a>>,
}

#[derive(Serialize)]
struct AtomEntry<'a> {
    title: &'a str,
    url: String,
    published: String,
    updated: String,
    has_summary: bool,
    summary: String,
    /// The page's `ai-disclosure` value, when recorded.
    disclosure: Option<&'static str>,
    categories: Vec<AtomCategory<'a>>,
    /// The entry's authors (none: the feed's publisher stands for them).
    authors: Vec<AtomAuthor>,
}

#[derive(Serialize)]
struct AtomAuthor {
    name: String,
    uri: Option<String>,
}

#[derive(Serialize)]
struct AtomCategory<'a> {
    term: &'a str,
    scheme: String,
    label: String,
}

/// The Atom 1.0 feed of one language.
pub fn atom(r: &OutputEnv, site: &Site, lang: &str) -> String {
    let ids = site.by_lang.get(lang).map(Vec::as_slice).unwrap_or(&[]);
    let articles: Vec<_> = ids
        .iter()
        .take(FEED_ENTRIES)
        .map(|&i| &site.articles[i])
        .collect();
    let updated = articles
        .iter()
        .map(|a| a.last_modified())
        .max_by_key(|d| d.timestamp())
        .map(|d| d.rfc3339())
        .unwrap_or_else(|| "1970-01-01T00:00:00Z".into());
    let entries = articles
        .iter()
        .map(|a| {
            // The disclosure travels with the entry: feed readers show the
            // summary, not the page's notice.
            let notice = r.disclosure_notice(lang, &a.disclosure).join(" ");
            let summary = match (&a.fm.summary, notice.is_empty()) {
                (Some(s), true) => Some(s.clone()),
                (Some(s), false) => Some(format!("{s}\n\n{notice}")),
                (None, false) => Some(notice),
                (None, true) => None,
            };
            AtomEntry {
                title: &a.fm.title,
                url: r.urls.absolute(&a.path),
                published: a.fm.date.rfc3339(),
                updated: a.last_modified().rfc3339(),
                has_summary: summary.is_some(),
                summary: summary.unwrap_or_default(),
                disclosure: a.disclosure.meta_content(),
                authors: crate::output::authors::article_authors(&r.config, a)
                    .into_iter()
                    .map(|x| AtomAuthor {
                        name: x.display,
                        uri: x.url,
                    })
                    .collect(),
                categories: a
                    .fm
                    .taxonomies
                    .iter()
                    .flat_map(|(tax, terms)| {
                        terms.iter().map(move |t| AtomCategory {
                            term: t,
                            scheme: r.urls.absolute(
                                &Route::Terms {
                                    lang,
                                    taxonomy: tax,
                                }
                                .path(),
                            ),
                            label: r.term_name(lang, tax, t),
                        })
                    })
                    .collect(),
            }
        })
        .collect();
    let feed = AtomFeed {
        lang,
        title: r.site_title(lang),
        home: r.urls.absolute(&Route::Home { lang, page: 1 }.path()),
        self_url: r.urls.absolute(&Route::Feed { lang }.path()),
        updated,
        publisher: r.config.publisher(),
        disclosure_scheme: crate::parse::disclosure::FEED_SCHEME,
        entries,
    };
    let ctx = tera::Context::from_serialize(&feed).expect("the feed serializes");
    atom_tera()
        .render("atom.xml", &ctx)
        .expect("the Atom template renders")
}

/// `sitemap.xml`: every HTML page, with hreflang alternates for translations.
pub fn sitemap(r: &OutputEnv, site: &Site) -> String {
    let mut s = String::with_capacity(256 + site.articles.len() * 400);
    s.push_str("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    s.push_str("<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\" xmlns:xhtml=\"http://www.w3.org/1999/xhtml\">\n");
    let langs = r.config.language_codes();
    let mut entry = |path: &str, lastmod: Option<String>, alternates: Vec<(String, String)>| {
        s.push_str("  <url>\n");
        let _ = writeln!(s, "    <loc>{}</loc>", escape_xml(&r.urls.absolute(path)));
        if let Some(m) = lastmod {
            let _ = writeln!(s, "    <lastmod>{m}</lastmod>");
        }
        if alternates.len() > 1 {
            for (hreflang, p) in &alternates {
                let _ = writeln!(
                    s,
                    "    <xhtml:link rel=\"alternate\" hreflang=\"{}\" href=\"{}\"/>",
                    escape_xml(hreflang),
                    escape_xml(&r.urls.absolute(p))
                );
            }
        }
        s.push_str("  </url>\n");
    };
    for page in r.pages(site) {
        match &page {
            Page::Article(id) => {
                let a = &site.articles[*id];
                let alts = site.translations[*id]
                    .iter()
                    .map(|(l, &t)| (l.clone(), site.articles[t].path.clone()))
                    .collect();
                entry(&a.path, Some(a.last_modified().ymd()), alts);
            }
            Page::Index { lang, page: 1 } => {
                let path = |l: &str| Route::Home { lang: l, page: 1 }.path();
                let alts = langs.iter().map(|l| (l.clone(), path(l))).collect();
                entry(&path(lang), None, alts);
            }
            Page::Terms { lang, taxonomy } => {
                let path = |l: &str| Route::Terms { lang: l, taxonomy }.path();
                let alts = langs.iter().map(|l| (l.clone(), path(l))).collect();
                entry(&path(lang), None, alts);
            }
            Page::Term {
                lang,
                taxonomy,
                term,
                page: 1,
            } => {
                let path = |l: &str| {
                    Route::Term {
                        lang: l,
                        taxonomy,
                        term,
                        page: 1,
                    }
                    .path()
                };
                let alts = langs
                    .iter()
                    .filter(|l| {
                        site.taxonomies
                            .get(*l)
                            .and_then(|x| x.get(taxonomy))
                            .is_some_and(|x| x.contains_key(term))
                    })
                    .map(|l| (l.clone(), path(l)))
                    .collect();
                entry(&path(lang), None, alts);
            }
            Page::Sources { lang, page: 1 } => {
                let path = |l: &str| Route::Sources { lang: l, page: 1 }.path();
                let alts = langs.iter().map(|l| (l.clone(), path(l))).collect();
                entry(&path(lang), None, alts);
            }
            Page::Source {
                lang,
                source,
                page: 1,
            } => {
                let anchor = &site.sources[lang][*source].anchor;
                let path = |l: &str| {
                    Route::Source {
                        lang: l,
                        anchor,
                        page: 1,
                    }
                    .path()
                };
                let alts = langs
                    .iter()
                    .filter(|l| site.has_source_page(l, anchor))
                    .map(|l| (l.clone(), path(l)))
                    .collect();
                entry(&path(lang), None, alts);
            }
            _ => {}
        }
    }
    s.push_str("</urlset>\n");
    s
}
