//! Citation styles: each reference list entry and each "cite this" citation
//! is formatted by hayagriva, a CSL processor, with the official CSL style
//! chosen per language in book.toml (`citation_style`). brief keeps its own
//! labels (`[6]`), ids and back-links around the formatted text: the style's
//! own citation number, if it prints one, is removed.
//!
//! Entries are given to hayagriva in its own data model (not CSL-JSON), so
//! that titles can be marked verbatim: no style changes their case, and a
//! title cut with "…" is printed as written.

use std::collections::{BTreeMap, HashMap};
use std::sync::{LazyLock, Mutex};

use hayagriva::archive::ArchivedStyle;
use hayagriva::citationberg::{IndependentStyle, Locale, LocaleCode, Style};
use hayagriva::{
    BibliographyDriver, BibliographyRequest, CitationItem, CitationRequest, ElemChild,
    ElemChildren, ElemMeta, Entry, Library,
};
use serde_json::{json, Map, Value};

use crate::input::config::Config;
use crate::output::authors::ResolvedAuthor;
use crate::output::references::{authors, Author};
use crate::parse::frontmatter::{Citation, DateValue};

/// The default style of a language written in Latin or another alphabet:
/// Chicago author-date (18th edition) reads naturally in English, and a
/// numbered reference list suits it, as it prints no number.
pub const DEFAULT_STYLE: &str = "chicago-author-date";

/// Languages whose default is the theme's own layout ([`NO_STYLE`]): no
/// bundled style formats their web references right (Chicago and APA print a
/// Japanese date as `7月 28`, not `7月28日`; SIST 02 drops a web page's
/// publisher and date), and the theme's layout was written for them.
const THEME_LAYOUT_BY_DEFAULT: [&str; 3] = ["ja", "zh", "ko"];

/// The style a language uses when book.toml names none.
pub fn default_style(lang: &str) -> &'static str {
    let primary = lang.split(['-', '_']).next().unwrap_or(lang);
    if THEME_LAYOUT_BY_DEFAULT
        .iter()
        .any(|l| l.eq_ignore_ascii_case(primary))
    {
        NO_STYLE
    } else {
        DEFAULT_STYLE
    }
}

/// `citation_style = "none"`: no processor; the theme's own layout of the
/// reference list, and brief's own plain "cite this" text. The processor
/// costs about half a millisecond per entry (see README, "Citation styles").
pub const NO_STYLE: &str = "none";

static LOCALES: LazyLock<Vec<Locale>> = LazyLock::new(hayagriva::archive::locales);

/// The compiled style of each language.
pub struct Styles {
    /// `None`: the language uses no style (`citation_style = "none"`).
    by_lang: BTreeMap<String, (String, Option<IndependentStyle>)>,
    /// The CSL locales a language can use: its own and en-US (the fallback
    /// of every CSL locale); hayagriva searches the list for every term.
    locales: BTreeMap<String, Vec<Locale>>,
    /// Formatted entries by language and entry (see [`Styles::format`]).
    cache: Mutex<HashMap<(String, String), String>>,
}

/// A CSL locale code for a language tag: `ja` → `ja-JP`.
fn locale_code(lang: &str) -> LocaleCode {
    LocaleCode(crate::output::metadata::og_locale(lang).replace('_', "-"))
}

impl Styles {
    /// The styles of the configured languages (names checked when book.toml
    /// was loaded; an unknown one falls back to [`DEFAULT_STYLE`]).
    pub fn new(config: &Config) -> Styles {
        let by_lang = config
            .languages
            .iter()
            .map(|(code, l)| {
                let name = l
                    .citation_style
                    .as_deref()
                    .or(config.site.citation_style.as_deref())
                    .unwrap_or(default_style(code));
                if name == NO_STYLE {
                    return (code.clone(), (NO_STYLE.to_string(), None));
                }
                let archived = ArchivedStyle::by_name(name)
                    .or_else(|| ArchivedStyle::by_name(DEFAULT_STYLE))
                    .expect("the default style is in the archive");
                let Style::Independent(style) = archived.get() else {
                    unreachable!("the archive's styles are independent")
                };
                (code.clone(), (archived.names()[0].to_string(), Some(style)))
            })
            .collect();
        let locales = config
            .languages
            .keys()
            .map(|code| {
                let primary = locale_code(code).0;
                let primary = primary.split('-').next().unwrap_or_default().to_string();
                let mine: Vec<Locale> = LOCALES
                    .iter()
                    .filter(|l| {
                        l.lang.as_ref().is_some_and(|c| {
                            c.0.split('-').next() == Some(primary.as_str()) || c.0 == "en-US"
                        })
                    })
                    .cloned()
                    .collect();
                (code.clone(), mine)
            })
            .collect();
        Styles {
            by_lang,
            locales,
            cache: Mutex::new(HashMap::new()),
        }
    }

    /// The style name of a language.
    pub fn name(&self, lang: &str) -> &str {
        self.by_lang
            .get(lang)
            .map_or(DEFAULT_STYLE, |s| s.0.as_str())
    }

    /// Formats `entries` (hayagriva entries, see [`citation_entry`]) in
    /// `lang`'s style: the HTML of each entry's text, by key.
    ///
    /// Each entry is formatted on its own, as a bibliography of one: the
    /// labels are brief's numbers, so the year suffixes ("2025a") that a
    /// bibliography-wide disambiguation would add are not needed, and
    /// hayagriva's disambiguation grows with the square of the entries (a
    /// list of 10,000 took minutes). A source cited by many briefings is
    /// formatted once per language (a cache keyed by the entry).
    pub fn format(&self, lang: &str, entries: &[Value]) -> BTreeMap<String, String> {
        let Some((_, Some(style))) = self.by_lang.get(lang) else {
            return BTreeMap::new();
        };
        let locales = self.locales.get(lang).map_or(&[][..], Vec::as_slice);
        use rayon::prelude::*;
        let formatted: Vec<(String, Option<String>)> = entries
            .par_iter()
            .map(|e| {
                let key = e["key"].as_str().unwrap_or_default().to_string();
                let mut body = e.clone();
                body.as_object_mut().map(|m| m.remove("key"));
                let cache_key = (lang.to_string(), body.to_string());
                if let Some(hit) = self.cache.lock().expect("cache").get(&cache_key) {
                    return (key, Some(hit.clone()));
                }
                let html = format_one(style, lang, locales, body);
                if let Some(h) = &html {
                    self.cache
                        .lock()
                        .expect("cache")
                        .insert(cache_key, h.clone());
                }
                (key, html)
            })
            .collect();
        let out: BTreeMap<String, String> = formatted
            .into_iter()
            .filter_map(|(k, h)| Some((k, h?)))
            .collect();
        out
    }
}

/// One entry as a bibliography of one, in HTML.
fn format_one(
    style: &IndependentStyle,
    lang: &str,
    locales: &[Locale],
    body: Value,
) -> Option<String> {
    let mut doc = Map::new();
    doc.insert("entry".into(), body);
    let library: Library = serde_json::from_value(Value::Object(doc)).ok()?;
    let entry: &Entry = library.iter().next()?;
    let mut driver = BibliographyDriver::new();
    // Hidden (as LaTeX's \nocite): in the bibliography, no citation rendered.
    driver.citation(CitationRequest::new(
        vec![CitationItem::new(entry, None, None, true, None)],
        style,
        Some(locale_code(lang)),
        locales,
        None,
    ));
    let rendered = driver.finish(BibliographyRequest::new(
        style,
        Some(locale_code(lang)),
        locales,
    ));
    let item = rendered.bibliography?.items.into_iter().next()?;
    let mut html = String::new();
    write_html(&item.content, &mut html);
    Some(tidy(html.trim()))
}

/// A style's full stop after a title that already ends in "…" (cut by the
/// editor) is dropped, so the title stays as written.
fn tidy(s: &str) -> String {
    s.replace("….", "…").replace("…</i>.", "…</i>")
}

pub fn escape(s: &str, out: &mut String) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
}

/// HTML of hayagriva's output, escaped here (not by hayagriva): italics and
/// bold as `<i>`/`<b>`, links as plain text (the reference list links the
/// title itself), and the style's citation number left out.
fn write_html(children: &ElemChildren, out: &mut String) {
    use hayagriva::citationberg::{FontStyle, FontWeight};
    for child in &children.0 {
        let text = match child {
            ElemChild::Elem(e) => {
                if e.meta == Some(ElemMeta::CitationNumber) {
                    continue;
                }
                write_html(&e.children, out);
                continue;
            }
            ElemChild::Text(t) => t,
            ElemChild::Link { text, .. } => text,
            ElemChild::Markup(m) => {
                escape(m, out);
                continue;
            }
            ElemChild::Transparent { .. } => continue,
        };
        let italic = text.formatting.font_style == FontStyle::Italic;
        let bold = text.formatting.font_weight == FontWeight::Bold;
        if italic {
            out.push_str("<i>");
        }
        if bold {
            out.push_str("<b>");
        }
        escape(&text.text, out);
        if bold {
            out.push_str("</b>");
        }
        if italic {
            out.push_str("</i>");
        }
    }
}

fn date(d: &DateValue) -> String {
    d.ymd()
}

fn person_value(family: Option<&str>, given: Option<&str>, literal: &str) -> Value {
    match (family, given) {
        (Some(f), Some(g)) => json!({ "name": f, "given-name": g }),
        _ => json!({ "name": literal }),
    }
}

/// A string hayagriva prints as written: in braces (no case change), with
/// its own `\`, `{`, `}` and `$` escaped.
fn verbatim(s: &str) -> Value {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('{');
    for c in s.chars() {
        if matches!(c, '\\' | '{' | '}' | '$') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('}');
    json!(out)
}

/// A cited source as a hayagriva entry (`key` is brief's own field, taken
/// out before hayagriva reads it).
pub fn citation_entry(key: &str, c: &Citation) -> Value {
    let mut m = Map::new();
    m.insert("key".into(), json!(key));
    m.insert(
        "type".into(),
        json!(if c.url.is_some() { "web" } else { "report" }),
    );
    m.insert("title".into(), verbatim(&c.title));
    let names: Vec<Value> = c
        .author
        .as_deref()
        .map(|s| {
            authors(s)
                .iter()
                .map(|a| match a {
                    Author::Person { family, given } => person_value(Some(family), Some(given), ""),
                    Author::Literal(n) => person_value(None, None, n),
                })
                .collect()
        })
        .unwrap_or_default();
    let only_author_is_publisher = matches!(
        (c.author.as_deref().map(authors).as_deref(), &c.publisher),
        (Some([Author::Literal(n)]), Some(p)) if n == p
    );
    if !names.is_empty() {
        m.insert("author".into(), Value::Array(names));
    }
    if let Some(p) = c.publisher.as_ref().filter(|_| !only_author_is_publisher) {
        m.insert("publisher".into(), verbatim(p));
    }
    if let Some(d) = &c.published {
        m.insert("date".into(), json!(date(d)));
    }
    if let Some(u) = &c.url {
        let mut url = Map::new();
        url.insert("value".into(), json!(u.0));
        if let Some(d) = &c.accessed {
            url.insert("date".into(), json!(date(d)));
        }
        m.insert("url".into(), Value::Object(url));
    }
    if let Some(l) = &c.lang {
        m.insert("language".into(), json!(l));
    }
    Value::Object(m)
}

/// The briefing itself as a hayagriva entry, for "cite this".
pub fn briefing_entry(
    key: &str,
    title: &str,
    authors: &[ResolvedAuthor],
    date: &DateValue,
    publisher: &str,
    url: &str,
    lang: &str,
) -> Value {
    let names: Vec<Value> = authors
        .iter()
        .map(|a| person_value(a.family.as_deref(), a.given.as_deref(), &a.display))
        .collect();
    let mut m = Map::new();
    m.insert("key".into(), json!(key));
    m.insert("type".into(), json!("report"));
    m.insert("title".into(), verbatim(title));
    if !names.is_empty() {
        m.insert("author".into(), Value::Array(names));
    }
    m.insert("date".into(), json!(date.ymd()));
    // An organisation that is the only author is not repeated as publisher.
    if !matches!(authors, [a] if a.organisation && a.display == publisher) {
        m.insert("publisher".into(), verbatim(publisher));
    }
    m.insert("url".into(), json!({ "value": url }));
    m.insert("language".into(), json!(lang));
    Value::Object(m)
}
