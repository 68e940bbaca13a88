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
use hayagriva::citationberg::taxonomy::Kind;
use hayagriva::citationberg::{
    Choose, ChooseBranch, ChooseMatch, ElseBranch, IndependentStyle, LayoutRenderingElement,
    Locale, LocaleCode, NamesChild, Style,
};
use hayagriva::{
    BibliographyDriver, BibliographyRequest, CitationItem, CitationRequest, ElemChild,
    ElemChildren, ElemMeta, Entry, Library,
};
use serde_json::{json, Map, Value};

use crate::base::text::escape_html_into;
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
/// costs about 0.13 ms of CPU per entry (see README, "Citation styles").
pub const NO_STYLE: &str = "none";

static LOCALES: LazyLock<Vec<Locale>> = LazyLock::new(hayagriva::archive::locales);

/// The compiled style of each language.
pub struct Styles {
    /// `None`: the language uses no style (`citation_style = "none"`).
    by_lang: BTreeMap<String, (String, Option<IndependentStyle>)>,
    /// The style of each language specialised for each entry type brief
    /// writes (see [`specialise`]): the same output, faster.
    special: BTreeMap<(String, &'static str), IndependentStyle>,
    /// The CSL locales a language can use: its own and en-US (the fallback
    /// of every CSL locale); hayagriva searches the list for every term.
    locales: BTreeMap<String, Vec<Locale>>,
    /// Formatted entries by language and entry (see [`Styles::format`]).
    /// Keyed by a SHA-256 of the language and the entry, not the entry's
    /// text: most entries are formatted once, and their JSON as a key would
    /// double what the cache holds (about 17 MB at 5,000 articles).
    cache: Mutex<HashMap<[u8; 32], String>>,
}

/// A CSL locale code for a language tag: `ja` → `ja-JP`.
fn locale_code(lang: &str) -> LocaleCode {
    LocaleCode(crate::output::metadata::og_locale(lang).replace('_', "-"))
}

impl Styles {
    /// The styles of the configured languages (names checked when book.toml
    /// was loaded; an unknown one falls back to [`DEFAULT_STYLE`]).
    pub fn new(config: &Config) -> Styles {
        // Each style is read from the archive once (it is decoded anew on
        // each `get`), however many languages use it.
        let mut loaded: HashMap<&str, IndependentStyle> = HashMap::new();
        let by_lang: BTreeMap<String, (String, Option<IndependentStyle>)> = config
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
                let name = archived.names()[0];
                let style = loaded
                    .entry(name)
                    .or_insert_with(|| match archived.get() {
                        Style::Independent(style) => style,
                        Style::Dependent(_) => {
                            unreachable!("the archive's styles are independent")
                        }
                    })
                    .clone();
                (code.clone(), (name.to_string(), Some(style)))
            })
            .collect();
        let locales: BTreeMap<String, Vec<Locale>> = config
            .languages
            .keys()
            .filter(|code| by_lang.get(*code).is_some_and(|s| s.1.is_some()))
            .map(|code| (code.clone(), locales_for(code)))
            .collect();
        let special = by_lang
            .iter()
            .filter_map(|(code, (_, style))| Some((code, style.as_ref()?)))
            .flat_map(|(code, style)| {
                let locales = locales.get(code).map_or(&[][..], Vec::as_slice);
                ENTRY_TYPES.iter().filter_map(move |&t| {
                    Some(((code.clone(), t), specialise(style, t, code, locales)?))
                })
            })
            .collect();
        Styles {
            by_lang,
            special,
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
                let cache_key = entry_digest(lang, &body);
                if let Some(hit) = self.cache.lock().expect("cache").get(&cache_key) {
                    return (key, Some(hit.clone()));
                }
                let special = body["type"]
                    .as_str()
                    .and_then(|t| ENTRY_TYPES.iter().find(|&&e| e == t))
                    .and_then(|&t| self.special.get(&(lang.to_string(), t)));
                let html = format_one(special.unwrap_or(style), lang, locales, body);
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

/// The CSL locales a language can use: its own and en-US.
fn locales_for(code: &str) -> Vec<Locale> {
    let primary = locale_code(code).0;
    let primary = primary.split('-').next().unwrap_or_default().to_string();
    LOCALES
        .iter()
        .filter(|l| {
            l.lang
                .as_ref()
                .is_some_and(|c| c.0.split('-').next() == Some(primary.as_str()) || c.0 == "en-US")
        })
        .cloned()
        .collect()
}

/// The entry types brief gives hayagriva (see [`citation_entry`] and
/// [`briefing_entry`]; never with a parent).
const ENTRY_TYPES: [&str; 2] = ["web", "report"];

/// `style` specialised for entries of hayagriva type `entry_type` without
/// parents: every `cs:choose` branch that tests the type only (most of a
/// style's branches) is decided once, here, instead of for each entry.
///
/// The output is the same: the answer of each such test depends only on the
/// entry type and parents (hayagriva's `matches_entry_type`); hayagriva is
/// asked it, for every type the style tests, by formatting a probe entry
/// of that type in a probe style. A false branch is dropped; a true one
/// becomes the `else` branch, and the branches after it are dropped; a
/// choose left without a tested branch gets one that tests an empty type
/// list with `match="any"` (false, and no type is looked at). hayagriva
/// evaluates a type test without side effects. Branches that test anything
/// else are kept as written. The citation layout is emptied when the
/// bibliography cannot read what the citation rendered (see
/// [`uses_identifiers`]). `None`: the probe failed (the style is then used
/// as it is).
fn specialise(
    style: &IndependentStyle,
    entry_type: &str,
    lang: &str,
    locales: &[Locale],
) -> Option<IndependentStyle> {
    let mut kinds = Vec::new();
    visit_chooses(&mut style.clone(), &mut |c| {
        for b in std::iter::once(&c.if_).chain(&c.else_if) {
            for k in b.type_.iter().flatten() {
                if !kinds.contains(k) {
                    kinds.push(*k);
                }
            }
        }
    });
    let mut out = style.clone();
    if !kinds.is_empty() {
        let truth = probe_types(&kinds, entry_type, lang, locales)?;
        visit_chooses(&mut out, &mut |c| decide(c, &truth));
    }
    if !uses_identifiers(&out) {
        out.citation.layout.elements.clear();
    }
    Some(out)
}

/// Whether the bibliography (or any macro) may read `citation-number` or
/// `citation-label`. Of the hidden citation that [`format_one`] renders
/// before the bibliography, the bibliography reads only which of the two
/// the citation used (hayagriva's identifier usage); a single entry is
/// never ambiguous with another, so nothing else passes from it. When
/// neither variable is named there, the citation's layout is left empty
/// (nothing to render), and the bibliography is the same.
fn uses_identifiers(style: &IndependentStyle) -> bool {
    let text = serde_json::to_string(&(&style.bibliography, &style.macros));
    text.map_or(true, |t| {
        t.contains("citation-number") || t.contains("citation-label")
    })
}

/// A minimal CSL style whose bibliography is `layout`, to ask hayagriva
/// how it reads an entry.
fn bibliography_style(id: &str, layout: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="utf-8"?>
<style xmlns="http://purl.org/net/xbiblio/csl" class="in-text" version="1.0">
<info><title>{id}</title><id>{id}</id><updated>2024-01-01T00:00:00+00:00</updated></info>
<citation><layout><text value="c"/></layout></citation>
<bibliography><layout>{layout}</layout></bibliography>
</style>"#
    )
}

/// Which of `kinds` an entry of `entry_type` is, in hayagriva's own answer.
fn probe_types(
    kinds: &[Kind],
    entry_type: &str,
    lang: &str,
    locales: &[Locale],
) -> Option<HashMap<Kind, bool>> {
    let mut layout = String::new();
    for (i, k) in kinds.iter().enumerate() {
        let name = serde_json::to_value(k).ok()?;
        let name = name.as_str()?;
        layout.push_str(&format!(
            r#"<choose><if type="{name}"><text value="{i}+;"/></if><else><text value="{i}-;"/></else></choose>"#
        ));
    }
    let probe = IndependentStyle::from_xml(&bibliography_style("probe", &layout)).ok()?;
    let html = format_one(
        &probe,
        lang,
        locales,
        json!({ "type": entry_type, "title": "probe" }),
    )?;
    let mut truth = HashMap::new();
    let words = html.strip_suffix(';')?.split(';');
    for (i, word) in words.enumerate() {
        let answer = match word.strip_prefix(&i.to_string())? {
            "+" => true,
            "-" => false,
            _ => return None,
        };
        truth.insert(*kinds.get(i)?, answer);
    }
    (truth.len() == kinds.len()).then_some(truth)
}

/// Calls `f` on every `cs:choose` of the style (macros and layouts), inner
/// ones first.
fn visit_chooses(style: &mut IndependentStyle, f: &mut impl FnMut(&mut Choose)) {
    fn walk(elements: &mut [LayoutRenderingElement], f: &mut impl FnMut(&mut Choose)) {
        for e in elements {
            match e {
                LayoutRenderingElement::Group(g) => walk(&mut g.children, f),
                LayoutRenderingElement::Names(n) => {
                    for c in &mut n.children {
                        if let NamesChild::Substitute(s) = c {
                            walk(&mut s.children, f);
                        }
                    }
                }
                LayoutRenderingElement::Choose(c) => {
                    walk(&mut c.if_.children, f);
                    for b in &mut c.else_if {
                        walk(&mut b.children, f);
                    }
                    if let Some(o) = &mut c.otherwise {
                        walk(&mut o.children, f);
                    }
                    f(c);
                }
                _ => {}
            }
        }
    }
    for m in &mut style.macros {
        walk(&mut m.children, f);
    }
    walk(&mut style.citation.layout.elements, f);
    if let Some(b) = &mut style.bibliography {
        walk(&mut b.layout.elements, f);
    }
}

/// Decides the branches of `c` that the entry type decides, and drops the
/// type tests that no longer matter from the others.
fn decide(c: &mut Choose, truth: &HashMap<Kind, bool>) {
    let type_only = |b: &ChooseBranch| {
        b.disambiguate.is_none()
            && b.is_numeric.is_none()
            && b.is_uncertain_date.is_none()
            && b.locator.is_none()
            && b.position.is_none()
            && b.variable.is_none()
    };
    let branches: Vec<ChooseBranch> = std::iter::once(c.if_.clone())
        .chain(c.else_if.drain(..))
        .collect();
    let mut kept = Vec::new();
    let mut otherwise = c.otherwise.take();
    for mut b in branches {
        let types = b.type_.as_ref().and_then(|kinds| {
            kinds
                .iter()
                .map(|k| truth.get(k).copied())
                .collect::<Option<Vec<bool>>>()
        });
        let known = match types {
            None => None,
            Some(t) if type_only(&b) => Some(b.match_.test(t.into_iter())),
            // With other tests: the type tests decide the branch, or they
            // are dropped (true in "all", false in "any" and "none" change
            // nothing), which is sound as hayagriva's tests have no side
            // effects (variables are not suppressed while a condition is
            // evaluated), except a test of the citation number or label.
            Some(_) if !pure(&b) => None,
            Some(t) => match b.match_ {
                ChooseMatch::All if t.contains(&false) => Some(false),
                ChooseMatch::Any if t.contains(&true) => Some(true),
                ChooseMatch::None if t.contains(&true) => Some(false),
                _ => {
                    b.type_ = None;
                    None
                }
            },
        };
        match known {
            Some(false) => {}
            Some(true) => {
                otherwise = Some(ElseBranch {
                    children: b.children,
                });
                break;
            }
            None => kept.push(b),
        }
    }
    let mut kept = kept.into_iter();
    c.if_ = kept.next().unwrap_or_else(|| never(&c.if_));
    c.else_if = kept.collect();
    c.otherwise = otherwise;
}

/// Whether the tests of `b` only read: all but one that reads the citation
/// number or label (in a bibliography, hayagriva records which of the two
/// was read).
fn pure(b: &ChooseBranch) -> bool {
    use hayagriva::citationberg::taxonomy::{NumberVariable, StandardVariable, Variable};
    let identifier = |v: &Variable| {
        matches!(
            v,
            Variable::Number(NumberVariable::CitationNumber)
                | Variable::Standard(StandardVariable::CitationLabel)
        )
    };
    !b.variable.iter().flatten().any(identifier) && !b.is_numeric.iter().flatten().any(identifier)
}

/// A branch that is never taken and looks at nothing: a test of an empty
/// list of types with `match="any"`.
fn never(like: &ChooseBranch) -> ChooseBranch {
    let mut b = like.clone();
    b.disambiguate = None;
    b.is_numeric = None;
    b.is_uncertain_date = None;
    b.locator = None;
    b.position = None;
    b.variable = None;
    b.type_ = Some(Vec::new());
    b.match_ = ChooseMatch::Any;
    b.children = Vec::new();
    b
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
                escape_html_into(out, m);
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
        escape_html_into(out, &text.text);
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

/// The cache key of an entry formatted in a language.
fn entry_digest(lang: &str, body: &Value) -> [u8; 32] {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    h.update(lang.as_bytes());
    h.update([0]);
    h.update(body.to_string().as_bytes());
    h.finalize().into()
}

#[cfg(test)]
mod oracle;
