//! The scholarly and social parts of a page's view: the byline, the social
//! card image, Highwire meta tags, "cite this briefing" and the reference
//! exports as `data:` links, and the reference list formatted in the
//! language's citation style.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::base::text::escape_html;
use crate::link::{ArticleId, Site};
use crate::output::authors::{article_authors, ResolvedAuthor};
use crate::output::cite_this::{data_uri, Briefing};
use crate::output::csl::{briefing_entry, citation_entry};
use crate::output::references::{bibtex, cite_keys, csl_json, key_part};
use crate::output::view::View;
use crate::parse::article::Article;

use super::Renderer;

/// Reference lists longer than this are shown in the theme's own layout:
/// the style processor takes about a millisecond per entry in a debug build
/// (a tenth of that optimized), and real briefings cite tens of sources.
pub const MAX_STYLED_ENTRIES: usize = 1000;

/// The theme's default social card (1200×630), under the theme's `static/`.
pub const DEFAULT_OG_IMAGE: &str = "og-image.png";

#[derive(Serialize)]
pub(super) struct OgImage {
    url: String,
    alt: String,
    /// Known for the theme's own image only.
    width: Option<u32>,
    height: Option<u32>,
}

#[derive(Serialize)]
struct Download {
    href: String,
    name: String,
    mime: &'static str,
    label: &'static str,
}

#[derive(Serialize)]
struct CiteThis {
    /// The formatted citation (HTML, escaped).
    html: String,
    style: String,
    downloads: Vec<Download>,
}

impl OgImage {
    /// schema.org `ImageObject`.
    pub(super) fn jsonld(&self) -> serde_json::Value {
        let mut m = serde_json::Map::new();
        m.insert("@type".into(), "ImageObject".into());
        m.insert("url".into(), self.url.clone().into());
        if let (Some(w), Some(h)) = (self.width, self.height) {
            m.insert("width".into(), w.into());
            m.insert("height".into(), h.into());
        }
        m.insert("caption".into(), self.alt.clone().into());
        serde_json::Value::Object(m)
    }
}

impl Renderer {
    /// The social card of a page: the article's `image`, else `[site]
    /// image`, else the theme's default.
    pub(super) fn og_image(&self, lang: &str, article: Option<&Article>) -> OgImage {
        let site = &self.env.config.site;
        let absolute = |r: &str| {
            if r.contains("://") {
                r.to_string()
            } else {
                self.env.urls.absolute(r)
            }
        };
        if let Some(img) = article.and_then(|a| a.fm.image.as_ref()) {
            let alt = article
                .and_then(|a| a.fm.image_alt.clone())
                .unwrap_or_else(|| article.map(|a| a.fm.title.clone()).unwrap_or_default());
            return OgImage {
                url: absolute(&img.0),
                alt,
                width: None,
                height: None,
            };
        }
        if let Some(img) = &site.image {
            let path = crate::base::urls::check_image(img).unwrap_or_default();
            return OgImage {
                url: absolute(&path),
                alt: site
                    .image_alt
                    .clone()
                    .unwrap_or_else(|| self.env.site_title(lang)),
                width: None,
                height: None,
            };
        }
        OgImage {
            url: self.env.urls.absolute(
                &crate::base::route::Route::Static {
                    file: DEFAULT_OG_IMAGE,
                }
                .path(),
            ),
            alt: self.env.locales.text(lang, "og-image-alt", None),
            width: Some(1200),
            height: Some(630),
        }
    }

    /// The article's reference list entries formatted in its language's
    /// style (HTML), by citation index. In each, the title is marked as
    /// `.ref-title` (a link to the source when it has a URL), the first
    /// mention of the publisher as `.ref-publisher` and the URL as a link,
    /// so previews and readers find them; an entry whose title the style
    /// did not print as written is `None` (the theme's own layout is used).
    pub(super) fn formatted_references(&self, a: &Article) -> Vec<Option<String>> {
        if a.fm.citations.len() > MAX_STYLED_ENTRIES {
            return Vec::new();
        }
        let keys = cite_keys(a);
        let entries: Vec<_> = keys
            .iter()
            .zip(&a.fm.citations)
            .map(|(k, c)| citation_entry(k, c))
            .collect();
        let mut out: BTreeMap<String, String> = self.env.styles.format(&a.lang, &entries);
        keys.iter()
            .zip(&a.fm.citations)
            .map(|(k, c)| mark_fields(&out.remove(k)?, c))
            .collect()
    }

    /// Byline, Highwire tags, social card, "cite this" and the reference
    /// exports. The last two are functions of the article's file (and the
    /// configuration, fixed for a session): a digest records the file.
    pub(super) fn scholarly_context(&self, ctx: &mut View, site: &Site, id: ArticleId) {
        let a = &site.articles[id];
        let authors: Vec<ResolvedAuthor> = article_authors(&self.env.config, a);
        let config = &self.env.config;
        let briefing = Briefing {
            key: format!("{}-{}", key_part(&a.slug), key_part(&a.lang)),
            title: &a.fm.title,
            authors: &authors,
            date: &a.fm.date,
            publisher: config.publisher(),
            institution: config
                .site
                .organisation
                .as_deref()
                .unwrap_or(config.publisher()),
            url: self.env.urls.absolute(&a.path),
            lang: &a.lang,
        };
        ctx.insert("authors", &authors);
        ctx.insert("highwire", &briefing.highwire());
        ctx.insert("og_image", &self.og_image(&a.lang, Some(a)));
        if a.fm.updated.is_some_and(|u| u != a.fm.date) {
            ctx.insert("modified_rfc3339", &a.last_modified().rfc3339());
        }
        if ctx.is_digest() {
            ctx.digest_only("cite_from", &(&a.hash, &a.path));
            return;
        }
        let slug = key_part(&a.slug);
        let entry = briefing_entry(
            &briefing.key,
            briefing.title,
            &authors,
            briefing.date,
            briefing.institution,
            &briefing.url,
            &a.lang,
        );
        let html = self
            .env
            .styles
            .format(&a.lang, &[entry])
            .remove(&briefing.key)
            .unwrap_or_else(|| {
                plain_citation(
                    &briefing,
                    &self.env.locales.format_date(&a.lang, a.fm.date.date),
                )
            });
        let cite = CiteThis {
            html,
            style: self.env.styles.name(&a.lang).to_string(),
            downloads: vec![
                Download {
                    href: data_uri("application/x-bibtex", &briefing.bibtex()),
                    name: format!("{slug}.bib"),
                    mime: "application/x-bibtex",
                    label: "BibLaTeX",
                },
                Download {
                    href: data_uri("application/x-research-info-systems", &briefing.ris()),
                    name: format!("{slug}.ris"),
                    mime: "application/x-research-info-systems",
                    label: "RIS",
                },
                Download {
                    href: data_uri(
                        "application/vnd.citationstyles.csl+json",
                        &briefing.csl_json(),
                    ),
                    name: format!("{slug}.json"),
                    mime: "application/vnd.citationstyles.csl+json",
                    label: "CSL-JSON",
                },
            ],
        };
        ctx.insert("cite", &cite);
        if !a.fm.citations.is_empty() {
            let exports = vec![
                Download {
                    href: data_uri("application/vnd.citationstyles.csl+json", &csl_json(a)),
                    name: format!("{slug}-references.json"),
                    mime: "application/vnd.citationstyles.csl+json",
                    label: "CSL-JSON",
                },
                Download {
                    href: data_uri("application/x-bibtex", &bibtex(a)),
                    name: format!("{slug}-references.bib"),
                    mime: "application/x-bibtex",
                    label: "BibLaTeX",
                },
            ];
            ctx.insert("reference_exports", &exports);
        }
    }
}

/// Wraps the first `needle` (escaped text) of `html` outside tags.
fn wrap_first(html: &str, needle: &str, open: &str, close: &str) -> Option<String> {
    if needle.is_empty() {
        return None;
    }
    let i = html.find(needle)?;
    // Not inside a tag this module wrote.
    if html[..i].rfind('<') > html[..i].rfind('>') {
        return None;
    }
    Some(format!(
        "{}{open}{needle}{close}{}",
        &html[..i],
        &html[i + needle.len()..]
    ))
}

/// Marks the title, publisher and URL of a formatted entry (see
/// [`Renderer::formatted_references`]).
fn mark_fields(html: &str, c: &crate::parse::frontmatter::Citation) -> Option<String> {
    let title = escape_html(&c.title);
    let i = html.find(&title)?;
    let lang = c
        .lang
        .as_ref()
        .map(|l| format!(" lang=\"{}\"", escape_html(l)))
        .unwrap_or_default();
    let (open, close) = match &c.url {
        Some(u) => (
            format!(
                "<a class=\"ref-title\" href=\"{}\"{}{lang}>",
                escape_html(&u.0),
                c.lang
                    .as_ref()
                    .map(|l| format!(" hreflang=\"{}\"", escape_html(l)))
                    .unwrap_or_default()
            ),
            "</a>",
        ),
        None => (format!("<cite class=\"ref-title\"{lang}>"), "</cite>"),
    };
    let (mut before, mut after) = (html[..i].to_string(), html[i + title.len()..].to_string());
    if let Some(p) = &c.publisher {
        let p = escape_html(p);
        let (o, cl) = ("<span class=\"ref-publisher\">", "</span>");
        if let Some(b) = wrap_first(&before, &p, o, cl) {
            before = b;
        } else if let Some(x) = wrap_first(&after, &p, o, cl) {
            after = x;
        }
    }
    if let Some(u) = &c.url {
        let u = escape_html(&u.0);
        let link = format!("<a class=\"ref-link\" href=\"{u}\">");
        if let Some(x) = wrap_first(&after, &u, &link, "</a>") {
            after = x;
        }
    }
    Some(format!("{before}{open}{title}{close}{after}"))
}

/// The "cite this" text without a style (`citation_style = "none"`):
/// authors, title, institution, date, URL, escaped.
fn plain_citation(b: &Briefing, date: &str) -> String {
    let names: Vec<&str> = b.authors.iter().map(|a| a.display.as_str()).collect();
    let mut parts = Vec::new();
    if !names.is_empty() {
        parts.push(escape_html(&names.join(", ")));
    }
    parts.push(format!("<i>{}</i>", escape_html(b.title)));
    if !b
        .authors
        .iter()
        .any(|a| a.organisation && a.display == b.institution)
    {
        parts.push(escape_html(b.institution));
    }
    parts.push(escape_html(date));
    parts.push(escape_html(&b.url));
    parts.join(". ")
}
