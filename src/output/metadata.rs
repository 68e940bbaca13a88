//! Machine-readable metadata of an article: JSON-LD, Open Graph locales,
//! CSL-JSON and BibTeX exports of its references. The AI-disclosure values
//! come from [`crate::disclosure`].

use serde_json::{json, Map, Value};

use crate::base::urls::Urls;
use crate::link::{ArticleId, Site};
use crate::parse::article::Article;
use crate::parse::frontmatter::{Citation, DateValue};

/// `ja` → `ja_JP`: Open Graph wants language_TERRITORY.
pub fn og_locale(lang: &str) -> String {
    let mut parts = lang.split(['-', '_']);
    let primary = parts.next().unwrap_or(lang).to_ascii_lowercase();
    if let Some(region) = parts.find(|p| p.len() == 2) {
        return format!("{primary}_{}", region.to_ascii_uppercase());
    }
    let region = match primary.as_str() {
        "ja" => "JP",
        "en" => "US",
        "ko" => "KR",
        "zh" => "CN",
        "ar" => "AR",
        "he" => "IL",
        "fa" => "IR",
        "fr" => "FR",
        "de" => "DE",
        "es" => "ES",
        "pt" => "BR",
        "it" => "IT",
        "ru" => "RU",
        "vi" => "VN",
        "th" => "TH",
        "id" => "ID",
        "hi" => "IN",
        "uk" => "UA",
        _ => return primary,
    };
    format!("{primary}_{region}")
}

/// The version of a translated work that the others translate: the article in
/// the default language if there is one, else the earliest.
pub fn original_of(site: &Site, id: ArticleId, default_lang: &str) -> ArticleId {
    let t = &site.translations[id];
    if let Some(&d) = t.get(default_lang) {
        return d;
    }
    *t.values()
        .min_by_key(|&&x| {
            (
                site.articles[x].fm.date.timestamp(),
                site.articles[x].lang.clone(),
            )
        })
        .unwrap_or(&id)
}

fn date_parts(d: &DateValue) -> Value {
    json!({ "date-parts": [[d.date.year(), u8::from(d.date.month()), d.date.day()]] })
}

fn citation_jsonld(c: &Citation) -> Value {
    let mut m = Map::new();
    m.insert("@type".into(), json!("CreativeWork"));
    m.insert("name".into(), json!(c.title));
    if let Some(u) = &c.url {
        m.insert("url".into(), json!(u.0));
    }
    if let Some(p) = &c.publisher {
        m.insert(
            "publisher".into(),
            json!({ "@type": "Organization", "name": p }),
        );
    }
    if let Some(a) = &c.author {
        m.insert("author".into(), json!({ "@type": "Person", "name": a }));
    }
    if let Some(d) = &c.published {
        m.insert("datePublished".into(), json!(d.to_string()));
    }
    if let Some(l) = &c.lang {
        m.insert("inLanguage".into(), json!(l));
    }
    Value::Object(m)
}

/// JSON-LD (`Report`) for an article page.
pub fn jsonld(
    site: &Site,
    id: ArticleId,
    urls: &Urls,
    publisher: &str,
    default_lang: &str,
    keywords: Vec<String>,
) -> Value {
    let a = &site.articles[id];
    let url = urls.absolute(&a.path);
    let mut m = Map::new();
    m.insert("@context".into(), json!("https://schema.org"));
    m.insert("@type".into(), json!("Report"));
    m.insert("@id".into(), json!(url));
    m.insert("url".into(), json!(url));
    // The page's recorded reviews, as schema.org's WebPage properties for
    // "reviewed for accuracy"; nothing is claimed when none is recorded.
    let reviews: Vec<_> = a.disclosure.reviews().collect();
    if reviews.is_empty() {
        m.insert("mainEntityOfPage".into(), json!(url));
    } else {
        let mut page = Map::new();
        page.insert("@type".into(), json!("WebPage"));
        page.insert("@id".into(), json!(url));
        let mut names: Vec<&str> = reviews.iter().map(|r| r.by.as_str()).collect();
        names.dedup();
        page.insert(
            "reviewedBy".into(),
            Value::Array(
                names
                    .iter()
                    .map(|n| json!({ "@type": "Person", "name": n }))
                    .collect(),
            ),
        );
        if let Some(last) = reviews.iter().filter_map(|r| r.on).max() {
            page.insert("lastReviewed".into(), json!(last.to_string()));
        }
        m.insert("mainEntityOfPage".into(), Value::Object(page));
    }
    m.insert("headline".into(), json!(a.fm.title));
    m.insert("inLanguage".into(), json!(a.lang));
    m.insert("datePublished".into(), json!(a.fm.date.to_string()));
    m.insert("dateModified".into(), json!(a.last_modified().to_string()));
    if let Some(s) = &a.fm.summary {
        m.insert("description".into(), json!(s));
    }
    if !keywords.is_empty() {
        m.insert("keywords".into(), json!(keywords));
    }
    m.insert(
        "publisher".into(),
        json!({ "@type": "Organization", "name": publisher }),
    );
    if !a.fm.citations.is_empty() {
        m.insert(
            "citation".into(),
            Value::Array(a.fm.citations.iter().map(citation_jsonld).collect()),
        );
    }
    let original = original_of(site, id, default_lang);
    if original == id {
        let others: Vec<Value> = site.translations[id]
            .iter()
            .filter(|(_, &t)| t != id)
            .map(|(l, &t)| json!({ "@type": "Report", "@id": urls.absolute(&site.articles[t].path), "inLanguage": l }))
            .collect();
        if !others.is_empty() {
            m.insert("workTranslation".into(), Value::Array(others));
        }
    } else {
        let o = &site.articles[original];
        m.insert(
            "translationOfWork".into(),
            json!({ "@type": "Report", "@id": urls.absolute(&o.path), "inLanguage": o.lang }),
        );
    }
    if let Some(iri) = a.disclosure.digital_source_type() {
        m.insert("digitalSourceType".into(), json!(iri));
    }
    Value::Object(m)
}

fn cite_key(a: &Article, c: &Citation) -> String {
    let raw = format!("{}-{}", a.slug, c.id.0);
    raw.chars()
        .map(|ch| {
            if ch.is_ascii_alphanumeric() || ch == '-' || ch == '_' {
                ch
            } else {
                '_'
            }
        })
        .collect()
}

/// The article's references as CSL-JSON, for Zotero and other managers.
pub fn csl_json(a: &Article) -> String {
    let items: Vec<Value> =
        a.fm.citations
            .iter()
            .map(|c| {
                let mut m = Map::new();
                m.insert("id".into(), json!(cite_key(a, c)));
                m.insert(
                    "type".into(),
                    json!(if c.url.is_some() {
                        "webpage"
                    } else {
                        "document"
                    }),
                );
                m.insert("title".into(), json!(c.title));
                if let Some(p) = &c.publisher {
                    m.insert("publisher".into(), json!(p));
                    m.insert("container-title".into(), json!(p));
                }
                if let Some(au) = &c.author {
                    m.insert("author".into(), json!([{ "literal": au }]));
                }
                if let Some(u) = &c.url {
                    m.insert("URL".into(), json!(u.0));
                }
                if let Some(d) = &c.published {
                    m.insert("issued".into(), date_parts(d));
                }
                if let Some(d) = &c.accessed {
                    m.insert("accessed".into(), date_parts(d));
                }
                if let Some(l) = &c.lang {
                    m.insert("language".into(), json!(l));
                }
                Value::Object(m)
            })
            .collect();
    let mut s = serde_json::to_string_pretty(&Value::Array(items)).expect("plain JSON");
    s.push('\n');
    s
}

/// Escapes text for a BibTeX field value in braces.
fn bib_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\textbackslash{}"),
            '{' => out.push_str("\\{"),
            '}' => out.push_str("\\}"),
            '%' | '&' | '#' | '_' | '$' => {
                out.push('\\');
                out.push(c);
            }
            '~' => out.push_str("\\textasciitilde{}"),
            '^' => out.push_str("\\textasciicircum{}"),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// The article's references as BibLaTeX `@online` entries.
pub fn bibtex(a: &Article) -> String {
    let mut s = String::new();
    for c in &a.fm.citations {
        s.push_str(&format!("@online{{{},\n", cite_key(a, c)));
        s.push_str(&format!("  title = {{{}}},\n", bib_escape(&c.title)));
        if let Some(au) = &c.author {
            // Double braces keep a full name as one literal author.
            s.push_str(&format!("  author = {{{{{}}}}},\n", bib_escape(au)));
        }
        if let Some(p) = &c.publisher {
            s.push_str(&format!("  organization = {{{}}},\n", bib_escape(p)));
        }
        if let Some(d) = &c.published {
            s.push_str(&format!("  date = {{{}}},\n", d.ymd()));
        }
        if let Some(u) = &c.url {
            // URLs are verbatim in BibLaTeX; only braces would break the field.
            s.push_str(&format!("  url = {{{}}},\n", u.0.replace(['{', '}'], "")));
        }
        if let Some(d) = &c.accessed {
            s.push_str(&format!("  urldate = {{{}}},\n", d.ymd()));
        }
        if let Some(l) = &c.lang {
            s.push_str(&format!("  langid = {{{}}},\n", bib_escape(l)));
        }
        s.push_str("}\n\n");
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locales() {
        assert_eq!(og_locale("ja"), "ja_JP");
        assert_eq!(og_locale("en-GB"), "en_GB");
        assert_eq!(og_locale("xx"), "xx");
    }

    #[test]
    fn bib_escapes_specials() {
        assert_eq!(bib_escape("R&D {x} 50%"), "R\\&D \\{x\\} 50\\%");
    }
}
