//! Machine-readable metadata of an article: JSON-LD and Open Graph locales
//! (the CSL-JSON and BibLaTeX exports of its references are
//! [`crate::output::references`]'s). The AI-disclosure values come from
//! [`crate::disclosure`].

use serde_json::{json, Map, Value};

use crate::base::urls::Urls;
use crate::link::{ArticleId, Site};
use crate::output::references::{authors, natural_name, Author};
use crate::parse::frontmatter::Citation;

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
        let mut people: Vec<Value> = authors(a)
            .into_iter()
            .map(|a| match a {
                Author::Person { family, given } => json!({
                    "@type": "Person",
                    "name": natural_name(&family, &given),
                    "familyName": family,
                    "givenName": given,
                }),
                Author::Literal(name) => json!({ "@type": "Person", "name": name }),
            })
            .collect();
        match people.len() {
            0 => {}
            1 => {
                m.insert("author".into(), people.remove(0));
            }
            _ => {
                m.insert("author".into(), Value::Array(people));
            }
        }
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
    people_and_image: (Vec<Value>, Value),
) -> Value {
    let (authors, image) = people_and_image;
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
    match authors.len() {
        0 => {}
        1 => {
            m.insert("author".into(), authors.into_iter().next().expect("one"));
        }
        _ => {
            m.insert("author".into(), Value::Array(authors));
        }
    }
    m.insert("image".into(), image);
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locales() {
        assert_eq!(og_locale("ja"), "ja_JP");
        assert_eq!(og_locale("en-GB"), "en_GB");
        assert_eq!(og_locale("xx"), "xx");
    }
}
