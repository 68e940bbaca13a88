//! An article's references as files for reference managers: CSL-JSON
//! (`references.json`, for Zotero, citeproc-js, pandoc) and BibLaTeX
//! (`references.bib`, for biber and BibTeX-compatible tools), and the one
//! reading of a citation's `author` string that both use.
//!
//! `tests/exports.rs` checks every export of the sample site and of hostile
//! fixtures with real tools: pybtex for the `.bib` files, citeproc-js with the
//! APA and MLA styles for the `.json` files.

use std::collections::BTreeSet;

use serde_json::{json, Map, Value};

use crate::parse::article::Article;
use crate::parse::frontmatter::{Citation, DateValue};

/// One author of a cited source, as read from the front-matter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Author {
    /// `Allen, Gregory C.`: a person, family name first.
    Person { family: String, given: String },
    /// Anything else: an organisation, a name written in natural order
    /// (`Gregory C. Allen`), or a name in braces (`{Name, With Comma}`),
    /// kept as one name exactly as written.
    Literal(String),
}

/// Reads a citation's `author`: several authors are separated by `;`; a name
/// with exactly one comma is `Family, Given`; a name wholly in braces is kept
/// as written (an organisation whose name has a comma); any other name is
/// kept as written, as one name.
pub fn authors(s: &str) -> Vec<Author> {
    split_top_level(s, ';')
        .into_iter()
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .map(author)
        .collect()
}

fn author(name: &str) -> Author {
    if let Some(inner) = name.strip_prefix('{').and_then(|n| n.strip_suffix('}')) {
        if balanced(inner) {
            return Author::Literal(inner.trim().to_string());
        }
    }
    let parts = split_top_level(name, ',');
    if let [family, given] = parts.as_slice() {
        let (family, given) = (family.trim(), given.trim());
        if !family.is_empty() && !given.is_empty() {
            return Author::Person {
                family: family.to_string(),
                given: given.to_string(),
            };
        }
    }
    Author::Literal(name.to_string())
}

/// Splits at `sep` outside braces.
fn split_top_level(s: &str, sep: char) -> Vec<&str> {
    let mut parts = Vec::new();
    let (mut depth, mut start) = (0usize, 0usize);
    for (i, c) in s.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => depth = depth.saturating_sub(1),
            c if c == sep && depth == 0 => {
                parts.push(&s[start..i]);
                start = i + c.len_utf8();
            }
            _ => {}
        }
    }
    parts.push(&s[start..]);
    parts
}

fn balanced(s: &str) -> bool {
    let mut depth = 0i64;
    for c in s.chars() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            _ => {}
        }
        if depth < 0 {
            return false;
        }
    }
    depth == 0
}

/// A person's name in reading order: `Gregory C. Allen`, `山田太郎`.
pub fn natural_name(family: &str, given: &str) -> String {
    if family.chars().any(|c| c >= '\u{3000}') {
        format!("{family}{given}")
    } else {
        format!("{given} {family}")
    }
}

/// The `author` of a citation as the reference list shows it: as written,
/// without the braces that keep a name whole.
pub fn author_display(s: &str) -> String {
    authors(s)
        .iter()
        .map(|a| match a {
            Author::Person { family, given } => format!("{family}, {given}"),
            Author::Literal(n) => n.clone(),
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// FNV-1a, 32 bits: a hash that never changes between versions of brief or
/// Rust, so cite keys stay stable.
fn fnv1a32(s: &str) -> u32 {
    s.bytes().fold(0x811c_9dc5u32, |h, b| {
        (h ^ u32::from(b)).wrapping_mul(0x0100_0193)
    })
}

/// A slug or citation id as part of a cite key: kept when it is plain ASCII
/// (letters, digits, `-`, `_`); otherwise its ASCII letters and digits
/// followed by a hash of the whole id, so `内閣府` and `総務省`, or `a.b` and
/// `a_b`, get different keys.
pub fn key_part(s: &str) -> String {
    let plain = |c: char| c.is_ascii_alphanumeric() || c == '-' || c == '_';
    if !s.is_empty() && s.chars().all(plain) {
        return s.to_string();
    }
    let kept: String = s.chars().filter(|&c| plain(c)).collect();
    let hash = fnv1a32(s);
    if kept.is_empty() {
        format!("h{hash:08x}")
    } else {
        format!("{kept}-{hash:08x}")
    }
}

/// The cite key of each citation of an article, in order: `<slug>-<id>` in
/// ASCII, unique within the article (a `-2`, `-3` … suffix on a collision).
/// The same key is the CSL-JSON `id` and the BibLaTeX entry key.
pub fn cite_keys(a: &Article) -> Vec<String> {
    let slug = key_part(&a.slug);
    let mut used = BTreeSet::new();
    a.fm.citations
        .iter()
        .map(|c| {
            let base = format!("{slug}-{}", key_part(&c.id.0));
            let mut key = base.clone();
            let mut n = 2;
            while !used.insert(key.clone()) {
                key = format!("{base}-{n}");
                n += 1;
            }
            key
        })
        .collect()
}

pub fn date_parts(d: &DateValue) -> Value {
    json!({ "date-parts": [[d.date.year(), u8::from(d.date.month()), d.date.day()]] })
}

/// The CSL name objects of an `author` string.
fn csl_names(s: &str) -> Vec<Value> {
    authors(s)
        .into_iter()
        .map(|a| match a {
            Author::Person { family, given } => json!({ "family": family, "given": given }),
            Author::Literal(n) => json!({ "literal": n }),
        })
        .collect()
}

fn csl_item(key: &str, c: &Citation) -> Value {
    let mut m = Map::new();
    m.insert("id".into(), json!(key));
    m.insert(
        "type".into(),
        json!(if c.url.is_some() {
            "webpage"
        } else {
            "document"
        }),
    );
    m.insert("title".into(), json!(c.title));
    let names = c.author.as_deref().map(csl_names).unwrap_or_default();
    // The publisher is `publisher` only: CSL styles print `container-title`
    // too, so copying it there printed the organisation twice. An
    // organisation that is also the only author is not repeated as the
    // publisher (APA's rule).
    if let Some(p) = &c.publisher {
        let is_author = matches!(names.as_slice(), [n] if n.get("literal").and_then(Value::as_str) == Some(p.as_str()));
        if !is_author {
            m.insert("publisher".into(), json!(p));
        }
    }
    if !names.is_empty() {
        m.insert("author".into(), Value::Array(names));
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
}

/// The article's references as CSL-JSON, for Zotero and other managers.
pub fn csl_json(a: &Article) -> String {
    let items: Vec<Value> = cite_keys(a)
        .iter()
        .zip(&a.fm.citations)
        .map(|(key, c)| csl_item(key, c))
        .collect();
    let mut s = serde_json::to_string_pretty(&Value::Array(items)).expect("plain JSON");
    s.push('\n');
    s
}

/// Escapes text for a BibLaTeX field value in braces. Every brace becomes
/// `\textbraceleft{}` / `\textbraceright{}`: BibTeX counts the brace of `\{`
/// too, so a title with one `}` written `\}` ended its field early and the
/// entry was dropped. The other LaTeX specials are escaped as usual; the
/// braces this writes are always balanced.
pub fn bib_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\textbackslash{}"),
            '{' => out.push_str("\\textbraceleft{}"),
            '}' => out.push_str("\\textbraceright{}"),
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

/// A name part of a BibLaTeX name list, in braces when BibTeX would
/// otherwise split it (` and `) or read its words as particles.
fn bib_name_part(s: &str) -> String {
    let e = bib_escape(s);
    if s.contains(char::is_whitespace) {
        format!("{{{e}}}")
    } else {
        e
    }
}

/// A BibLaTeX name list: `Allen, Gregory C.` for a person (biber can then
/// abbreviate the given names), `{Name as Written}` for any other name so
/// that BibTeX and biber keep it whole (they split at ` and ` and commas).
pub fn bib_names(s: &str) -> String {
    authors(s)
        .iter()
        .map(|a| match a {
            Author::Person { family, given } => {
                let given = if given.to_lowercase().contains(" and ") {
                    format!("{{{}}}", bib_escape(given))
                } else {
                    bib_escape(given)
                };
                format!("{}, {given}", bib_name_part(family))
            }
            Author::Literal(n) => format!("{{{}}}", bib_escape(n)),
        })
        .collect::<Vec<_>>()
        .join(" and ")
}

/// The babel/polyglossia language name for BibLaTeX's `langid`, from a BCP 47
/// tag. `None` for a language with no one babel name: `zh` alone does not say
/// which script, and babel names Chinese by script (`chinese-simplified`,
/// `chinese-traditional`), so plain `zh` gets no `langid` (the entry is
/// still correct; biblatex then uses the document's language). Languages not
/// in this table also get none rather than a name babel would reject.
pub fn babel_language(tag: &str) -> Option<&'static str> {
    let lower = tag.to_ascii_lowercase().replace('_', "-");
    let mut parts = lower.split('-');
    let primary = parts.next().unwrap_or("");
    let rest: Vec<&str> = parts.collect();
    let has = |sub: &str| rest.contains(&sub);
    Some(match primary {
        "en" if has("gb") => "british",
        "en" if has("au") => "australian",
        "en" if has("ca") => "canadian",
        "en" if has("nz") => "newzealand",
        "en" if has("us") => "american",
        "en" => "english",
        "ja" => "japanese",
        "ko" => "korean",
        "zh" if has("hans") || has("cn") || has("sg") => "chinese-simplified",
        "zh" if has("hant") || has("tw") || has("hk") || has("mo") => "chinese-traditional",
        "fr" => "french",
        "de" => "ngerman",
        "es" => "spanish",
        "it" => "italian",
        "pt" if has("br") => "brazilian",
        "pt" => "portuguese",
        "nl" => "dutch",
        "ru" => "russian",
        "uk" => "ukrainian",
        "pl" => "polish",
        "vi" => "vietnamese",
        "th" => "thai",
        "id" => "indonesian",
        "ar" => "arabic",
        "he" => "hebrew",
        "hi" => "hindi",
        _ => return None,
    })
}

/// The article's references as BibLaTeX: `@online` for a source with a URL,
/// `@misc` otherwise.
pub fn bibtex(a: &Article) -> String {
    let mut s = String::new();
    for (key, c) in cite_keys(a).iter().zip(&a.fm.citations) {
        let kind = if c.url.is_some() { "online" } else { "misc" };
        s.push_str(&format!("@{kind}{{{key},\n"));
        s.push_str(&format!("  title = {{{}}},\n", bib_escape(&c.title)));
        if let Some(au) = &c.author {
            let names = bib_names(au);
            if !names.is_empty() {
                s.push_str(&format!("  author = {{{names}}},\n"));
            }
        }
        if let Some(p) = &c.publisher {
            // `organization` is a list: braces keep "… Industry and
            // Security, …" one organisation.
            s.push_str(&format!("  organization = {{{{{}}}}},\n", bib_escape(p)));
        }
        if let Some(d) = &c.published {
            s.push_str(&format!("  date = {{{}}},\n", d.ymd()));
        }
        if let Some(u) = &c.url {
            // URLs are verbatim in BibLaTeX; only braces would break the
            // field, and they mean the same percent-encoded.
            let url = u.0.replace('{', "%7B").replace('}', "%7D");
            s.push_str(&format!("  url = {{{url}}},\n"));
        }
        if let Some(d) = &c.accessed {
            s.push_str(&format!("  urldate = {{{}}},\n", d.ymd()));
        }
        if let Some(l) = c.lang.as_deref().and_then(babel_language) {
            s.push_str(&format!("  langid = {{{l}}},\n"));
        }
        s.push_str("}\n\n");
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn person(family: &str, given: &str) -> Author {
        Author::Person {
            family: family.into(),
            given: given.into(),
        }
    }

    #[test]
    fn author_forms() {
        assert_eq!(
            authors("Allen, Gregory C."),
            vec![person("Allen", "Gregory C.")]
        );
        assert_eq!(
            authors("Gregory C. Allen"),
            vec![Author::Literal("Gregory C. Allen".into())]
        );
        assert_eq!(
            authors("Allen, Gregory C.; 山田, 太郎; OpenAI"),
            vec![
                person("Allen", "Gregory C."),
                person("山田", "太郎"),
                Author::Literal("OpenAI".into())
            ]
        );
        assert_eq!(
            authors("{Bureau of Industry and Security, U.S. Department of Commerce}"),
            vec![Author::Literal(
                "Bureau of Industry and Security, U.S. Department of Commerce".into()
            )]
        );
        assert_eq!(
            authors("King, Martin Luther, Jr."),
            vec![Author::Literal("King, Martin Luther, Jr.".into())]
        );
        assert_eq!(authors("Allen,"), vec![Author::Literal("Allen,".into())]);
        assert_eq!(
            author_display("{A, B}; Allen,  Gregory"),
            "A, B; Allen, Gregory"
        );
        assert_eq!(natural_name("Allen", "Gregory C."), "Gregory C. Allen");
        assert_eq!(natural_name("山田", "太郎"), "山田太郎");
    }

    #[test]
    fn bib_escapes_specials() {
        assert_eq!(
            bib_escape("R&D {x} 50% }"),
            "R\\&D \\textbraceleft{}x\\textbraceright{} 50\\% \\textbraceright{}"
        );
        assert!(balanced(&bib_escape("}}{ \\ ~ ^")));
    }

    #[test]
    fn bib_name_lists() {
        assert_eq!(bib_names("Allen, Gregory C."), "Allen, Gregory C.");
        assert_eq!(
            bib_names("van Beethoven, Ludwig; CSIS and Friends"),
            "{van Beethoven}, Ludwig and {CSIS and Friends}"
        );
    }

    #[test]
    fn key_parts_are_ascii_and_distinct() {
        assert_eq!(key_part("xinhua-waic"), "xinhua-waic");
        assert_eq!(key_part("6"), "6");
        let keys = ["内閣府", "総務省", "a.b", "a_b", "ab"].map(key_part);
        assert!(keys.iter().all(|k| k.is_ascii()));
        assert_eq!(keys.iter().collect::<BTreeSet<_>>().len(), keys.len());
        assert!(keys[2].starts_with("ab-"));
    }

    #[test]
    fn babel_names() {
        assert_eq!(babel_language("en"), Some("english"));
        assert_eq!(babel_language("en-GB"), Some("british"));
        assert_eq!(babel_language("ja"), Some("japanese"));
        assert_eq!(babel_language("zh"), None);
        assert_eq!(babel_language("zh-Hans"), Some("chinese-simplified"));
        assert_eq!(babel_language("zh-TW"), Some("chinese-traditional"));
        assert_eq!(babel_language("xx"), None);
    }
}
