//! Atom feeds and the sitemap, written directly (their formats are fixed by
//! standards, not by the theme).

use std::fmt::Write as _;

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

/// The Atom 1.0 feed of one language.
pub fn atom(r: &OutputEnv, site: &Site, lang: &str) -> String {
    let ids = site.by_lang.get(lang).map(Vec::as_slice).unwrap_or(&[]);
    let entries: Vec<_> = ids
        .iter()
        .take(FEED_ENTRIES)
        .map(|&i| &site.articles[i])
        .collect();
    let updated = entries
        .iter()
        .map(|a| a.last_modified())
        .max_by_key(|d| d.timestamp())
        .map(|d| d.rfc3339())
        .unwrap_or_else(|| "1970-01-01T00:00:00Z".into());
    let home = r.urls.absolute(&Route::Home { lang, page: 1 }.path());
    let mut s = String::with_capacity(4096 + entries.len() * 1024);
    s.push_str("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    let _ = writeln!(
        s,
        "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"{}\">",
        escape_xml(lang)
    );
    let _ = writeln!(s, "  <title>{}</title>", escape_xml(&r.site_title(lang)));
    let _ = writeln!(s, "  <id>{}</id>", escape_xml(&home));
    let _ = writeln!(
        s,
        "  <link rel=\"self\" type=\"application/atom+xml\" href=\"{}\"/>",
        escape_xml(&r.urls.absolute(&Route::Feed { lang }.path()))
    );
    let _ = writeln!(
        s,
        "  <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>",
        escape_xml(&home)
    );
    let _ = writeln!(s, "  <updated>{updated}</updated>");
    let _ = writeln!(
        s,
        "  <author><name>{}</name></author>",
        escape_xml(r.config.publisher())
    );
    let _ = writeln!(
        s,
        "  <generator uri=\"https://github.com/brief-ssg/brief\">brief</generator>"
    );
    for a in entries {
        let url = r.urls.absolute(&a.path);
        s.push_str("  <entry>\n");
        let _ = writeln!(s, "    <title>{}</title>", escape_xml(&a.fm.title));
        let _ = writeln!(s, "    <id>{}</id>", escape_xml(&url));
        let _ = writeln!(
            s,
            "    <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>",
            escape_xml(&url)
        );
        let _ = writeln!(s, "    <published>{}</published>", a.fm.date.rfc3339());
        let _ = writeln!(s, "    <updated>{}</updated>", a.last_modified().rfc3339());
        // The disclosure travels with the entry: feed readers show the
        // summary, not the page's notice.
        let notice = r.disclosure_notice(lang, &a.disclosure).join(" ");
        let summary = match (&a.fm.summary, notice.is_empty()) {
            (Some(s), true) => Some(s.clone()),
            (Some(s), false) => Some(format!("{s}\n\n{notice}")),
            (None, false) => Some(notice),
            (None, true) => None,
        };
        if let Some(summary) = summary {
            let _ = writeln!(s, "    <summary>{}</summary>", escape_xml(&summary));
        }
        if let Some(level) = a.disclosure.meta_content() {
            let _ = writeln!(
                s,
                "    <category term=\"{level}\" scheme=\"{}\"/>",
                crate::parse::disclosure::FEED_SCHEME
            );
        }
        for (tax, terms) in &a.fm.taxonomies {
            for t in terms {
                let _ = writeln!(
                    s,
                    "    <category term=\"{}\" scheme=\"{}\" label=\"{}\"/>",
                    escape_xml(t),
                    escape_xml(
                        &r.urls.absolute(
                            &Route::Terms {
                                lang,
                                taxonomy: tax
                            }
                            .path()
                        )
                    ),
                    escape_xml(&r.term_name(lang, tax, t))
                );
            }
        }
        s.push_str("  </entry>\n");
    }
    s.push_str("</feed>\n");
    s
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
