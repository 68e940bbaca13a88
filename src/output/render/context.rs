//! The page contexts: what each template reads, filled into a [`View`]
//! (rendered, or hashed for the incremental rebuild's digest).

use std::borrow::Cow;

use serde::Serialize;

use crate::base::route::Route;
use crate::link::{ArticleId, Site, SOURCES_PER_PAGE, SOURCE_CITERS_SHOWN};
use crate::output::view::View;
use crate::parse::markdown::resolve_link_tokens;

use super::{reading_minutes, Renderer};
use crate::output::page::page_count;

impl Renderer {
    /// A date as templates read it; in a digest (`digest`), the date alone:
    /// its texts are functions of it and of the language, which the page
    /// records.
    fn date(&self, lang: &str, d: &crate::parse::frontmatter::DateValue, digest: bool) -> DateCtx {
        if digest {
            DateCtx::Digest(d.date)
        } else {
            DateCtx::Shown {
                iso: d.ymd(),
                display: self.env.locales.format_date(lang, d.date),
            }
        }
    }

    /// Every language's home page, for the language-neutral pages (the root
    /// language picker and 404): there the default language's link must lead
    /// to its home, not back to the page itself (the root page would redirect
    /// to itself forever).
    pub(super) fn language_homes(&self, current: &str) -> Vec<LangLink<'_>> {
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
                name: &self.env.config.languages[&code].name,
                label: self.env.language_name(current, &code),
                code,
            })
            .collect()
    }

    /// Context shared by every HTML page. `alt_path` gives the same page's site
    /// path in another language, or `None` where it does not exist.
    pub(super) fn common(
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
            let name = self.env.config.languages[&code].name.as_str();
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
                label: self.env.language_name(lang, &code),
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
        ctx.insert("description", &self.env.site_description(lang));
        ctx.insert("og_image", &self.og_image(lang, None));
        ctx.insert("og_locale", &crate::output::metadata::og_locale(lang));
        ctx.insert("publisher", self.env.config.publisher());
        ctx
    }

    /// An article's card as the page `view` shows it. In a digest, the
    /// card's own digest: made once per pass from the card itself, however
    /// many pages show it.
    fn card<'s>(&self, view: &View, site: &'s Site, id: ArticleId) -> Card<'s> {
        match view.shared_digest(id, || self.article_link(site, id, true)) {
            Some(digest) => Card::Digest(digest),
            None => Card::Shown(self.article_link(site, id, false)),
        }
    }

    /// A link card. For a digest (`digest`), the localized date and badge,
    /// pure functions of the date, the disclosure and the language, are
    /// recorded as those: formatting them for every card of every page would
    /// make rebuilds slow.
    fn article_link<'s>(&self, site: &'s Site, id: ArticleId, digest: bool) -> ArticleLink<'s> {
        let a = &site.articles[id];
        let ai_badge = if digest {
            a.disclosure.badge_key().map(Cow::Borrowed)
        } else {
            self.env.ai_badge(&a.lang, &a.disclosure).map(Cow::Owned)
        };
        let date = self.date(&a.lang, &a.fm.date, digest);
        ArticleLink {
            title: &a.fm.title,
            url: self.env.urls.path(&a.path),
            date,
            summary: a.fm.summary.as_deref().unwrap_or_default(),
            ai_generated: a.disclosure.involves_ai(),
            ai_badge,
        }
    }

    pub(super) fn article_context(&self, view: View, site: &Site, id: ArticleId) -> View {
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
                        name: self.env.language_name(&a.lang, &o.lang),
                        lang: &o.lang,
                        url: self.env.urls.path(&o.path),
                    },
                );
            }
        }
        let digest = ctx.is_digest();
        let sources = site.sources.get(&a.lang);
        // The formatted entries are a function of the article's file, which
        // `content_from` records in a digest.
        let mut formatted = if ctx.is_digest() {
            Vec::new()
        } else {
            self.formatted_references(a)
        };
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
                    formatted: formatted.get_mut(r.citation).and_then(Option::take),
                    number: r.number,
                    anchor: &r.anchor,
                    title: &c.title,
                    publisher: c.publisher.as_deref(),
                    author: c
                        .author
                        .as_deref()
                        .map(crate::output::references::author_display),
                    url: c.url.as_ref().map(|u| u.0.as_str()),
                    published: c.published.as_ref().map(|d| self.date(&a.lang, d, digest)),
                    accessed: c.accessed.as_ref().map(|d| self.date(&a.lang, d, digest)),
                    lang: c.lang.as_deref(),
                    backrefs: r
                        .backrefs
                        .iter()
                        .enumerate()
                        .map(|(i, id)| Backref {
                            id,
                            label: if r.backrefs.len() == 1 {
                                "↩".into()
                            } else {
                                backref_letter(i).into()
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
                    name: tax,
                    terms: list
                        .iter()
                        .map(|t| {
                            if digest {
                                // The label and link are functions of the
                                // page's language, the taxonomy and the
                                // term, which the digest records.
                                return TermCtx {
                                    slug: t,
                                    label: String::new(),
                                    url: String::new(),
                                    count: 0,
                                };
                            }
                            TermCtx {
                                slug: t,
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
                            }
                        })
                        .collect(),
                })
            })
            .collect();
        let (older, newer) = site.prev_next[id];
        let minutes = reading_minutes(&a.body.stats);
        let page = PageCtx {
            // A function of the article's file, which `content_from` records.
            fm: (!digest).then_some(&a.fm),
            title: &a.fm.title,
            summary: a.fm.summary.as_deref().unwrap_or_default(),
            key_points: &a.fm.key_points,
            date: self.date(&a.lang, &a.fm.date, digest),
            updated: a.fm.updated.as_ref().map(|d| self.date(&a.lang, d, digest)),
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
                        lang: &o.lang,
                    }),
            },
            // The body is the source file's, with its links resolved: a
            // digest records those two instead of the HTML they make.
            content: if ctx.is_digest() {
                String::new()
            } else {
                resolve_link_tokens(&a.body.html, &site.link_urls[id])
            },
            headings: &a.body.headings,
            references,
            footnotes: &a.body.footnotes,
            terms,
            backlinks: site.backlinks[id]
                .iter()
                .map(|&b| self.card(&ctx, site, b))
                .collect(),
            related: site.related[id]
                .iter()
                .map(|&b| self.card(&ctx, site, b))
                .collect(),
            older: older.map(|b| self.card(&ctx, site, b)),
            newer: newer.map(|b| self.card(&ctx, site, b)),
            reading_minutes: minutes,
            url: self.env.urls.path(&a.path),
            permalink: self.env.urls.absolute(&a.path),
        };
        let keywords: Vec<String> = page
            .terms
            .iter()
            .flat_map(|t| t.terms.iter().map(|x| x.label.clone()))
            .collect();
        if ctx.is_digest() {
            // JSON-LD is a function of the article's file, its keywords and
            // its translations' paths and dates (which pick the original).
            let translated: Vec<_> = translations
                .iter()
                .map(|(l, &t)| (l, &site.articles[t].path, site.articles[t].fm.date))
                .collect();
            ctx.digest_only("jsonld_from", &(&a.hash, &a.path, &keywords, translated));
        } else {
            let ld = crate::output::metadata::jsonld(
                site,
                id,
                &self.env.urls,
                self.env.config.publisher(),
                &self.env.config.site.default_language,
                keywords,
                (
                    crate::output::authors::jsonld_authors(
                        &crate::output::authors::article_authors(&self.env.config, a),
                    ),
                    self.og_image(&a.lang, Some(a)).jsonld(),
                ),
            );
            ctx.insert("jsonld", &crate::base::text::json_for_script(&ld));
        }
        ctx.insert(
            "og_locale_alternates",
            &translations
                .keys()
                .filter(|l| *l != &a.lang)
                .map(|l| crate::output::metadata::og_locale(l))
                .collect::<Vec<_>>(),
        );
        self.scholarly_context(&mut ctx, site, id);
        ctx.insert("page", &page);
        ctx.insert("toc", &crate::output::toc::toc(&a.body.headings));
        ctx.digest_only("content_from", &(&a.hash, &site.link_urls[id]));
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

    pub(super) fn list_context(
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
        let items: Vec<Card<'_>> = ids
            .iter()
            .skip((n - 1) * per)
            .take(per)
            .map(|&id| self.card(&ctx, site, id))
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
                    slug: t,
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

    pub(super) fn terms_context(
        &self,
        view: View,
        site: &Site,
        lang: &str,
        taxonomy: &str,
    ) -> View {
        let path = Route::Terms { lang, taxonomy }.path();
        let mut ctx = self.common(view, site, lang, &path, |l| {
            Some(Route::Terms { lang: l, taxonomy }.path())
        });
        let mut terms: Vec<TermCtx> = site.taxonomies[lang][taxonomy]
            .iter()
            .map(|(t, ids)| TermCtx {
                slug: t,
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
                .then_with(|| a.slug.cmp(b.slug))
        });
        ctx.insert("taxonomy", taxonomy);
        ctx.insert("terms", &terms);
        ctx
    }

    pub(super) fn sources_context(&self, view: View, site: &Site, lang: &str, n: usize) -> View {
        let path = Route::Sources { lang, page: n }.path();
        let mut ctx = self.common(view, site, lang, &path, |l| {
            Some(Route::Sources { lang: l, page: 1 }.path())
        });
        let list = site.sources.get(lang).map(Vec::as_slice).unwrap_or(&[]);
        let total = page_count(list.len(), SOURCES_PER_PAGE);
        let digest = ctx.is_digest();
        let items: Vec<SourceCtx> = list
            .iter()
            .skip((n - 1) * SOURCES_PER_PAGE)
            .take(SOURCES_PER_PAGE)
            .map(|s| SourceCtx {
                cited_by: s
                    .cited_by
                    .iter()
                    .take(SOURCE_CITERS_SHOWN)
                    .map(|&id| self.card(&ctx, site, id))
                    .collect(),
                ..self.source_ctx(lang, s, digest)
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
    fn source_ctx<'s>(
        &self,
        lang: &str,
        s: &'s crate::link::Source,
        digest: bool,
    ) -> SourceCtx<'s> {
        let count = s.cited_by.len();
        SourceCtx {
            anchor: &s.anchor,
            title: &s.citation.title,
            publisher: s.citation.publisher.as_deref(),
            url: s.citation.url.as_ref().map(|u| u.0.as_str()),
            published: s
                .citation
                .published
                .as_ref()
                .map(|d| self.date(lang, d, digest)),
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

    pub(super) fn source_context(
        &self,
        view: View,
        site: &Site,
        lang: &str,
        source: usize,
        n: usize,
    ) -> View {
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
        let digest = ctx.is_digest();
        let items: Vec<Card<'_>> = page_slice(&s.cited_by, n, per)
            .iter()
            .map(|&id| self.card(&ctx, site, id))
            .collect();
        ctx.insert("source", &self.source_ctx(lang, s, digest));
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

/// The items of page `n` (1-based) of a paginated list.
fn page_slice<T>(items: &[T], n: usize, per: usize) -> &[T] {
    let per = per.max(1);
    let start = ((n.max(1) - 1) * per).min(items.len());
    &items[start..(start + per).min(items.len())]
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

#[derive(Serialize)]
pub(super) struct LangLink<'a> {
    code: String,
    /// The language's own name (book.toml).
    name: &'a str,
    /// Its name in the page's language (`language-name-<code>`).
    label: String,
    url: Option<String>,
    current: bool,
    dir: &'static str,
}
#[derive(Serialize)]
pub(super) struct StaleCtx<'a> {
    name: String,
    lang: &'a str,
    url: String,
}
#[derive(Serialize)]
pub(super) struct Alternate {
    pub(super) hreflang: String,
    pub(super) href: String,
}
#[derive(Serialize)]
pub(super) struct TaxLink {
    name: String,
    label: String,
    url: String,
}
/// A date as templates read it: `iso` (`2026-01-31`) and `display` (in the
/// page's language).
#[derive(Clone)]
pub enum DateCtx {
    Shown {
        iso: String,
        display: String,
    },
    /// In a digest: the date its texts are made from.
    Digest(time::Date),
}

impl Serialize for DateCtx {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        match self {
            DateCtx::Shown { iso, display } => {
                let mut st = s.serialize_struct("DateCtx", 2)?;
                st.serialize_field("iso", iso)?;
                st.serialize_field("display", display)?;
                st.end()
            }
            DateCtx::Digest(date) => s.serialize_i32(date.to_julian_day()),
        }
    }
}
#[derive(Serialize)]
pub(super) struct ArticleLink<'a> {
    title: &'a str,
    url: String,
    date: DateCtx,
    summary: &'a str,
    /// AI made some of the text (kept for themes written before `ai_badge`).
    ai_generated: bool,
    /// The localized badge saying how, when AI made some of the text (in a
    /// digest, its message key).
    ai_badge: Option<Cow<'static, str>>,
}
/// An article's card: the card itself, or in a digest the card's digest.
pub(super) enum Card<'a> {
    Shown(ArticleLink<'a>),
    Digest(u64),
}

impl Serialize for Card<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Card::Shown(link) => link.serialize(s),
            Card::Digest(digest) => s.serialize_u64(*digest),
        }
    }
}

#[derive(Serialize)]
pub(super) struct DisclosureCtx<'a> {
    /// `<meta name="ai-disclosure">` content; none when nothing is recorded.
    meta: Option<&'static str>,
    /// Sentences of the visible notice; empty when people alone made the text.
    notice: Vec<String>,
    /// The original of a translation that records how it was translated.
    original: Option<OriginalCtx<'a>>,
}
#[derive(Serialize)]
pub(super) struct OriginalCtx<'a> {
    url: String,
    lang: &'a str,
}
#[derive(Serialize)]
pub(super) struct Backref<'a> {
    id: &'a str,
    label: Cow<'static, str>,
}
#[derive(Serialize)]
pub(super) struct RefCtx<'a> {
    /// The entry's text in the language's citation style (HTML, escaped).
    formatted: Option<String>,
    number: u32,
    anchor: &'a str,
    title: &'a str,
    publisher: Option<&'a str>,
    author: Option<String>,
    url: Option<&'a str>,
    published: Option<DateCtx>,
    accessed: Option<DateCtx>,
    lang: Option<&'a str>,
    backrefs: Vec<Backref<'a>>,
    also_cited: usize,
    source_url: Option<String>,
}
#[derive(Serialize)]
pub(super) struct TermCtx<'a> {
    slug: &'a str,
    label: String,
    url: String,
    count: usize,
}
#[derive(Serialize)]
pub(super) struct TaxCtx<'a> {
    name: &'a str,
    terms: Vec<TermCtx<'a>>,
}
#[derive(Serialize)]
pub(super) struct PageCtx<'a> {
    /// The whole front-matter as written (cleaned): a field added to
    /// `FrontMatter` reaches the templates as `page.fm.<name>` with no
    /// change here.
    fm: Option<&'a crate::parse::frontmatter::FrontMatter>,
    title: &'a str,
    summary: &'a str,
    key_points: &'a [String],
    date: DateCtx,
    updated: Option<DateCtx>,
    date_rfc3339: String,
    ai_generated: bool,
    disclosure: DisclosureCtx<'a>,
    content: String,
    headings: &'a [crate::parse::markdown::Heading],
    references: Vec<RefCtx<'a>>,
    footnotes: &'a [crate::parse::markdown::Footnote],
    terms: Vec<TaxCtx<'a>>,
    backlinks: Vec<Card<'a>>,
    related: Vec<Card<'a>>,
    older: Option<Card<'a>>,
    newer: Option<Card<'a>>,
    reading_minutes: u32,
    url: String,
    permalink: String,
}
#[derive(Serialize)]
pub(super) struct PageLink {
    number: usize,
    url: String,
    current: bool,
}
#[derive(Serialize)]
pub(super) struct Paginator {
    current: usize,
    total: usize,
    prev_url: Option<String>,
    next_url: Option<String>,
    pages: Vec<PageLink>,
}
#[derive(Serialize)]
pub(super) struct SourceCtx<'a> {
    anchor: &'a str,
    title: &'a str,
    publisher: Option<&'a str>,
    url: Option<&'a str>,
    published: Option<DateCtx>,
    count: usize,
    /// The newest citing briefings, at most [`SOURCE_CITERS_SHOWN`].
    cited_by: Vec<Card<'a>>,
    /// The source's own page, when it has more citing briefings than that.
    all_url: Option<String>,
    /// Its entry on the sources pages.
    list_url: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shown_dates_serialize_as_a_struct() {
        let d = DateCtx::Shown {
            iso: "2026-01-31".into(),
            display: "31 January 2026".into(),
        };
        assert_eq!(
            serde_json::to_value(&d).unwrap(),
            serde_json::json!({"iso": "2026-01-31", "display": "31 January 2026"})
        );
    }

    #[test]
    fn letters() {
        assert_eq!(backref_letter(0), "a");
        assert_eq!(backref_letter(25), "z");
        assert_eq!(backref_letter(26), "aa");
    }
}
