//! The authors of an article: its `authors:` list, or the site's default
//! author or organisation (`[site] author`, `organisation` in book.toml).
//! Every output that names them (byline, JSON-LD, Highwire meta, Atom,
//! "cite this" and its exports) reads them from [`article_authors`].

use serde::Serialize;
use serde_json::{json, Value};

use crate::input::config::Config;
use crate::output::references::{authors, natural_name, Author};
use crate::parse::article::Article;

/// One author, resolved.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct ResolvedAuthor {
    /// As written, without the braces that keep a name whole: `Sato, Haruka`.
    pub written: String,
    /// In reading order: `Haruka Sato`, `佐藤遥`, or the name kept whole.
    pub display: String,
    /// A person's family and given names (`Family, Given`); none for a name
    /// kept whole.
    pub family: Option<String>,
    pub given: Option<String>,
    pub affiliation: Option<String>,
    pub role: Option<String>,
    pub url: Option<String>,
    /// The site's organisation standing in as author: an Organization, not
    /// a Person.
    pub organisation: bool,
}

impl ResolvedAuthor {
    /// An organisation named as author, its name kept whole.
    pub fn organisation(name: String) -> ResolvedAuthor {
        ResolvedAuthor {
            written: name.clone(),
            display: name,
            family: None,
            given: None,
            affiliation: None,
            role: None,
            url: None,
            organisation: true,
        }
    }
}

fn person(name: &str) -> (String, String, Option<String>, Option<String>) {
    // One name: the first of a `;` list would drop the others silently, so
    // the whole string is read as one author.
    match authors(name).as_slice() {
        [Author::Person { family, given }] => (
            format!("{family}, {given}"),
            natural_name(family, given),
            Some(family.clone()),
            Some(given.clone()),
        ),
        [Author::Literal(n)] => (n.clone(), n.clone(), None, None),
        _ => (name.to_string(), name.to_string(), None, None),
    }
}

/// The article's authors: its own list, else the site's author (with the
/// organisation as affiliation), else the organisation; may be empty.
pub fn article_authors(config: &Config, a: &Article) -> Vec<ResolvedAuthor> {
    if !a.fm.authors.is_empty() {
        return a
            .fm
            .authors
            .iter()
            .map(|x| {
                let (written, display, family, given) = person(&x.name);
                ResolvedAuthor {
                    written,
                    display,
                    family,
                    given,
                    affiliation: x.affiliation.clone(),
                    role: x.role.clone(),
                    url: x.url.as_ref().map(|u| u.0.clone()),
                    organisation: false,
                }
            })
            .collect();
    }
    let org = config.site.organisation.clone();
    if let Some(name) = &config.site.author {
        let (written, display, family, given) = person(name);
        return vec![ResolvedAuthor {
            written,
            display,
            family,
            given,
            affiliation: org,
            role: None,
            url: None,
            organisation: false,
        }];
    }
    org.map(ResolvedAuthor::organisation).into_iter().collect()
}

/// schema.org `author` values: a Person (with an affiliated Organization) or
/// the site's Organization.
pub fn jsonld_authors(list: &[ResolvedAuthor]) -> Vec<Value> {
    list.iter()
        .map(|a| {
            if a.organisation {
                return json!({ "@type": "Organization", "name": a.display });
            }
            let mut m = serde_json::Map::new();
            m.insert("@type".into(), json!("Person"));
            m.insert("name".into(), json!(a.display));
            if let (Some(f), Some(g)) = (&a.family, &a.given) {
                m.insert("familyName".into(), json!(f));
                m.insert("givenName".into(), json!(g));
            }
            if let Some(aff) = &a.affiliation {
                m.insert(
                    "affiliation".into(),
                    json!({ "@type": "Organization", "name": aff }),
                );
            }
            if let Some(r) = &a.role {
                m.insert("jobTitle".into(), json!(r));
            }
            if let Some(u) = &a.url {
                m.insert("url".into(), json!(u));
            }
            Value::Object(m)
        })
        .collect()
}

/// CSL-JSON name objects.
pub fn csl_names(list: &[ResolvedAuthor]) -> Vec<Value> {
    list.iter()
        .map(|a| match (&a.family, &a.given) {
            (Some(f), Some(g)) => json!({ "family": f, "given": g }),
            _ => json!({ "literal": a.display }),
        })
        .collect()
}
