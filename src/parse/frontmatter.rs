//! Stage 2a, parse: the YAML front-matter of an article.
//!
//! Every error is reported at a line and column of the Markdown file (not of
//! the YAML block). Values that need checking (dates, URLs, slugs) are checked
//! while deserializing, so serde_yaml attaches the position of the bad value.

use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;
use std::sync::LazyLock;

use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize};

use crate::base::dates;
use crate::base::diag::{Diagnostic, Diagnostics, Pos};
use crate::base::yaml;
use crate::input::config::{nearest, Config};

/// A publication date: a calendar date, optionally with a time and offset.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct DateValue {
    pub date: time::Date,
    pub datetime: Option<time::OffsetDateTime>,
}

impl DateValue {
    pub fn parse(s: &str) -> Option<DateValue> {
        let s = s.trim();
        if let Ok(date) = time::Date::parse(s, dates::YMD) {
            return Some(DateValue {
                date,
                datetime: None,
            });
        }
        let dt =
            time::OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339).ok()?;
        Some(DateValue {
            date: dt.date(),
            datetime: Some(dt),
        })
    }
    /// RFC 3339, as Atom and the sitemap want it.
    pub fn rfc3339(&self) -> String {
        match self.datetime {
            Some(dt) => dt
                .format(&time::format_description::well_known::Rfc3339)
                .unwrap_or_default(),
            None => format!("{}T00:00:00Z", self.ymd()),
        }
    }
    pub fn ymd(&self) -> String {
        dates::ymd(self.date)
    }
    /// Sort key: instants where known, midnight UTC otherwise.
    pub fn timestamp(&self) -> i64 {
        match self.datetime {
            Some(dt) => dt.unix_timestamp(),
            None => self.date.midnight().assume_utc().unix_timestamp(),
        }
    }
}

impl fmt::Display for DateValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.datetime {
            Some(_) => f.write_str(&self.rfc3339()),
            None => f.write_str(&self.ymd()),
        }
    }
}

impl Serialize for DateValue {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// Runs `check` inside the visitor, so that serde_yaml attaches the position
/// of the scalar itself to the error (an error raised after `String::deserialize`
/// returns gets the position of the enclosing mapping instead).
fn checked_str<'de, D, T>(d: D, check: fn(&str) -> Result<T, String>) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
{
    struct V<T>(fn(&str) -> Result<T, String>);
    impl<T> Visitor<'_> for V<T> {
        type Value = T;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a string")
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<T, E> {
            (self.0)(v).map_err(E::custom)
        }
    }
    d.deserialize_str(V(check))
}

impl<'de> Deserialize<'de> for DateValue {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        checked_str(d, |s| {
            DateValue::parse(s).ok_or_else(|| {
                format!(
                    "invalid date `{s}`: write YYYY-MM-DD (2025-07-28) or RFC 3339 (2025-07-28T09:00:00+09:00)"
                )
            })
        })
    }
}

/// An `http(s)` URL without spaces or control characters, kept as written.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct HttpUrl(pub String);

impl HttpUrl {
    /// Accepts an absolute `http://` or `https://` URL, with a host and
    /// nothing that must be percent-encoded first; the url crate checks the
    /// host (domain, IP address, port) the way browsers parse it. The prefix
    /// and characters are checked on the text as written because the parser
    /// forgives what a citation should not need (`https:example.org`,
    /// `https:///x`, spaces, tabs and leading blanks).
    pub fn check(s: &str) -> Result<HttpUrl, String> {
        let scheme = ["https://", "http://"]
            .into_iter()
            .find(|p| s.get(..p.len()).is_some_and(|h| h.eq_ignore_ascii_case(p)));
        let Some(scheme) = scheme else {
            return Err(format!(
                "citation url `{s}` must start with http:// or https:// (other schemes such as javascript: or data: are refused)"
            ));
        };
        let no_host = || format!("citation url `{s}` has no host");
        let rest = &s[scheme.len()..];
        if rest.is_empty() || rest.starts_with('/') {
            return Err(no_host());
        }
        if s.chars()
            .any(|c| c.is_whitespace() || c.is_control() || matches!(c, '"' | '<' | '>'))
        {
            return Err(format!(
                "citation url `{s}` contains spaces or characters that must be percent-encoded"
            ));
        }
        match url::Url::parse(s) {
            Ok(_) => Ok(HttpUrl(s.to_string())),
            Err(url::ParseError::EmptyHost) => Err(no_host()),
            Err(e) => Err(format!("citation url `{s}` is not a valid URL: {e}")),
        }
    }
}

impl<'de> Deserialize<'de> for HttpUrl {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        checked_str(d, HttpUrl::check)
    }
}

/// A citation id, written as a string (`"6"`, `"xinhua-waic"`) or a number (`6`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct CitationId(pub String);

impl CitationId {
    pub fn number(&self) -> Option<u32> {
        if self.0.bytes().all(|b| b.is_ascii_digit()) {
            self.0.parse().ok()
        } else {
            None
        }
    }
}

impl<'de> Deserialize<'de> for CitationId {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = CitationId;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a citation id such as \"6\" or \"xinhua-waic\"")
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<CitationId, E> {
                Ok(CitationId(v.to_string()))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<CitationId, E> {
                Err(E::custom(format!("citation id {v} must not be negative")))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<CitationId, E> {
                let v = v.trim();
                if v.is_empty() || v.contains(|c: char| c.is_whitespace() || "[]@;,".contains(c)) {
                    return Err(E::custom(format!(
                        "citation id `{v}` must be a number or a key without spaces, brackets, `@`, `;` or `,`"
                    )));
                }
                Ok(CitationId(v.to_string()))
            }
        }
        d.deserialize_any(V)
    }
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Citation {
    pub id: CitationId,
    pub title: String,
    #[serde(default)]
    pub publisher: Option<String>,
    #[serde(default)]
    pub author: Option<String>,
    #[serde(default)]
    pub url: Option<HttpUrl>,
    #[serde(default)]
    pub published: Option<DateValue>,
    #[serde(default)]
    pub accessed: Option<DateValue>,
    #[serde(default)]
    pub lang: Option<String>,
}

// The AI-disclosure blocks as written; what they mean, and how each output
// says it, is `crate::parse::disclosure`'s.

/// How much of the text generative AI wrote.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum AiLevel {
    /// Written by people without generative AI.
    #[default]
    None,
    /// Written by people with help from generative AI (drafting help,
    /// rewriting, summarizing); a person wrote and owns every sentence.
    Assisted,
    /// Generated by AI from prompts; people may have reviewed it (see `review`).
    Generated,
}

impl AiLevel {
    /// The front-matter spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            AiLevel::None => "none",
            AiLevel::Assisted => "assisted",
            AiLevel::Generated => "generated",
        }
    }
}

/// How a translation was made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum TranslationMethod {
    /// Translated by a person.
    Human,
    /// Machine translation (neural MT or an AI model) without a human translator.
    Machine,
    /// A person translated with help from machine translation or AI.
    AiAssisted,
}

/// The `ai:` block as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AiField {
    pub level: AiLevel,
    #[serde(default)]
    pub reviewed_by: Option<String>,
    #[serde(default)]
    pub reviewed_on: Option<DateValue>,
    #[serde(default)]
    pub notice: Option<String>,
}

/// The `translation:` block as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TranslationField {
    pub method: TranslationMethod,
    #[serde(default)]
    pub reviewed_by: Option<String>,
    #[serde(default)]
    pub reviewed_on: Option<DateValue>,
}

/// The typed part of the front-matter; taxonomy terms are read separately
/// because their names come from book.toml.
#[derive(Debug, Clone, Deserialize)]
struct TypedFrontMatter {
    title: String,
    date: DateValue,
    #[serde(default)]
    updated: Option<DateValue>,
    #[serde(default)]
    summary: Option<String>,
    #[serde(default)]
    key_points: Vec<String>,
    #[serde(default)]
    ai_generated: Option<bool>,
    #[serde(default)]
    ai: Option<AiField>,
    #[serde(default)]
    translation: Option<TranslationField>,
    #[serde(default)]
    draft: bool,
    #[serde(default)]
    slug: Option<String>,
    #[serde(default)]
    translation_key: Option<String>,
    #[serde(default)]
    source_revision: Option<String>,
    #[serde(default)]
    citations: Vec<Citation>,
}

#[derive(Debug, Clone)]
pub struct FrontMatter {
    pub title: String,
    pub date: DateValue,
    pub updated: Option<DateValue>,
    pub summary: Option<String>,
    pub key_points: Vec<String>,
    pub ai_generated: Option<bool>,
    /// The `ai:` block; validated (see [`crate::disclosure`]).
    pub ai: Option<AiField>,
    /// The `translation:` block; validated.
    pub translation: Option<TranslationField>,
    pub draft: bool,
    pub slug: Option<String>,
    pub translation_key: Option<String>,
    pub source_revision: Option<String>,
    pub citations: Vec<Citation>,
    /// Position of each citation's entry (its first line), same order as `citations`.
    pub citation_pos: Vec<Pos>,
    /// Terms per taxonomy name (`topics` → [`ai-governance`, …]).
    pub taxonomies: BTreeMap<String, Vec<String>>,
}

/// The front-matter block of a file, located.
pub struct Split<'a> {
    pub yaml: &'a str,
    /// 1-based line of the file where `yaml` starts.
    pub yaml_line: usize,
    pub body: &'a str,
    /// Byte offset of `body` in the file text.
    pub body_offset: usize,
}

/// Finds the `---` fences. `text` has `\n` line endings.
pub fn split<'a>(text: &'a str, file: &Path) -> Result<Split<'a>, Diagnostic> {
    if text.trim().is_empty() {
        return Err(Diagnostic::error("empty-file", "the article is empty")
            .at(file, Pos::START)
            .help("start with front-matter: ---, title: \"…\", date: YYYY-MM-DD, ---"));
    }
    let first_line = text.lines().next().unwrap_or("");
    if first_line.trim_end() != "---" {
        return Err(Diagnostic::error(
            "missing-front-matter",
            "the article does not start with front-matter",
        )
        .at(file, Pos::START)
        .help(
            "the first line must be --- followed by YAML fields (title, date, …) and a closing ---",
        ));
    }
    let yaml_start = first_line.len() + 1;
    let mut offset = yaml_start.min(text.len());
    let mut line_no = 2;
    for line in text[offset..].split_inclusive('\n') {
        let trimmed = line.trim_end();
        if trimmed == "---" || trimmed == "..." {
            let body_offset = offset + line.len();
            return Ok(Split {
                yaml: &text[yaml_start..offset],
                yaml_line: 2,
                body: &text[body_offset..],
                body_offset,
            });
        }
        offset += line.len();
        line_no += 1;
    }
    let _ = line_no;
    Err(Diagnostic::error(
        "unclosed-front-matter",
        "the front-matter that starts here has no closing ---",
    )
    .at(file, Pos::START)
    .help("add a line with only --- after the last front-matter field"))
}

/// The front-matter fields brief reads (a taxonomy may not take their
/// names), as serde reads them into [`TypedFrontMatter`].
pub fn field_names() -> &'static [&'static str] {
    static NAMES: LazyLock<&[&str]> =
        LazyLock::new(serde_aux::serde_introspection::serde_introspect::<TypedFrontMatter>);
    &NAMES
}

/// The fields of a citation, as serde reads them into [`Citation`].
fn citation_fields() -> &'static [&'static str] {
    static NAMES: LazyLock<&[&str]> =
        LazyLock::new(serde_aux::serde_introspection::serde_introspect::<Citation>);
    &NAMES
}

/// Position (in the file) of a top-level key of the YAML block.
fn key_pos(split: &Split, key: &str) -> Pos {
    for (i, line) in split.yaml.lines().enumerate() {
        if let Some(rest) = line.strip_prefix(key) {
            if rest.trim_start().starts_with(':') {
                return Pos::new(split.yaml_line + i, 1);
            }
        }
    }
    Pos::new(split.yaml_line, 1)
}

/// Positions of the plain top-level keys of the YAML block, first occurrence
/// each: one pass, for the many lookups of a front-matter full of unknown keys.
fn top_key_positions<'a>(split: &Split<'a>) -> std::collections::HashMap<&'a str, Pos> {
    let mut out = std::collections::HashMap::new();
    for (i, line) in split.yaml.lines().enumerate() {
        if line.starts_with(|c: char| c.is_whitespace() || c == '-' || c == '#') {
            continue;
        }
        if let Some((key, _)) = line.split_once(':') {
            out.entry(key.trim_end())
                .or_insert(Pos::new(split.yaml_line + i, 1));
        }
    }
    out
}

/// Positions of the items of the top-level `citations:` list (block style).
fn citation_item_positions(split: &Split) -> Vec<Pos> {
    let mut out = Vec::new();
    let mut inside = false;
    let mut item_indent: Option<usize> = None;
    for (i, line) in split.yaml.lines().enumerate() {
        if !inside {
            if line.starts_with("citations")
                && line["citations".len()..].trim_start().starts_with(':')
            {
                inside = true;
            }
            continue;
        }
        let indent = line.len() - line.trim_start().len();
        let t = line.trim_start();
        if t.is_empty() || t.starts_with('#') {
            continue;
        }
        if indent == 0 && !t.starts_with('-') {
            break;
        }
        if t.starts_with("- ") || t == "-" {
            match item_indent {
                None => item_indent = Some(indent),
                Some(n) if n != indent => continue,
                _ => {}
            }
            out.push(Pos::new(split.yaml_line + i, indent + 1));
        }
    }
    out
}

fn yaml_pos(split: &Split, e: &yaml::YamlError) -> Pos {
    match (e.line, e.column) {
        (Some(l), Some(c)) => Pos::new(split.yaml_line + l - 1, c),
        _ => Pos::new(split.yaml_line, 1),
    }
}

/// The citations of a front-matter that failed to parse as a whole, when they
/// can still be read: lets the body be checked in the same run. `None` when
/// the citations themselves are unreadable.
pub fn salvage_citations(split: &Split) -> Option<Vec<Citation>> {
    let value: yaml::Value = yaml::from_str(split.yaml).ok()?;
    let yaml::Value::Mapping(map) = value else {
        return None;
    };
    match map.get("citations") {
        None | Some(yaml::Value::Null) => Some(Vec::new()),
        Some(list) => yaml::from_value(list.clone()).ok(),
    }
}

/// Parses and validates the front-matter of `file`.
pub fn parse(split: &Split, file: &Path, config: &Config) -> Result<FrontMatter, Diagnostics> {
    let mut diags = Diagnostics::new();
    let value: yaml::Value = match yaml::from_str(split.yaml) {
        Ok(v) => v,
        Err(e) if e.kind == yaml::YamlErrorKind::TooComplex => {
            diags.push(
                Diagnostic::error("front-matter-too-complex", e.message.clone())
                    .at(file, yaml_pos(split, &e))
                    .help("front-matter is a flat list of fields; write each value out, without deep nesting or YAML anchors (&name) and aliases (*name)"),
            );
            return Err(diags);
        }
        Err(e) => {
            diags.push(
                Diagnostic::error("front-matter-syntax", format!("invalid YAML: {}", e.message))
                    .at(file, yaml_pos(split, &e))
                    .help("check indentation and quoting; strings containing `: ` or starting with `[`, `{`, `*`, `&` need quotes"),
            );
            return Err(diags);
        }
    };
    let map = match value {
        yaml::Value::Mapping(m) => m,
        yaml::Value::Null => {
            diags.push(
                Diagnostic::error("front-matter-empty", "the front-matter is empty")
                    .at(file, Pos::START)
                    .help("add at least title: \"…\" and date: YYYY-MM-DD"),
            );
            return Err(diags);
        }
        _ => {
            diags.push(
                Diagnostic::error(
                    "front-matter-not-mapping",
                    "the front-matter must be a mapping of fields (key: value)",
                )
                .at(file, Pos::new(split.yaml_line, 1))
                .help("write one field per line, e.g. title: \"…\""),
            );
            return Err(diags);
        }
    };

    // Unknown keys and taxonomy terms.
    let mut candidates: Vec<&str> = field_names().to_vec();
    candidates.extend(config.site.taxonomies.iter().map(String::as_str));
    let mut taxonomies = BTreeMap::new();
    let top_keys = top_key_positions(split);
    for (k, v) in &map {
        let Some(key) = k.as_str() else {
            diags.push(
                Diagnostic::error("unknown-field", "front-matter keys must be plain names")
                    .at(file, Pos::new(split.yaml_line, 1))
                    .help("write each field as name: value, e.g. title: \"…\""),
            );
            continue;
        };
        if config.site.taxonomies.iter().any(|t| t == key) {
            let pos = key_pos(split, key);
            let terms: Vec<String> = match v {
                yaml::Value::Null => Vec::new(),
                yaml::Value::String(s) => vec![s.clone()],
                yaml::Value::Sequence(items) => {
                    let mut terms = Vec::new();
                    for item in items {
                        match item {
                            yaml::Value::String(s) => terms.push(s.clone()),
                            yaml::Value::Number(n) => terms.push(n.to_string()),
                            _ => diags.push(
                                Diagnostic::error(
                                    "bad-term",
                                    format!("every `{key}` entry must be a slug string"),
                                )
                                .at(file, pos)
                                .help(format!("{key}: [ai-governance, global-south]")),
                            ),
                        }
                    }
                    terms
                }
                _ => {
                    diags.push(
                        Diagnostic::error("bad-term", format!("`{key}` must be a list of slugs"))
                            .at(file, pos)
                            .help(format!("{key}: [ai-governance, global-south]")),
                    );
                    Vec::new()
                }
            };
            let mut clean = Vec::new();
            let mut seen_terms = std::collections::HashSet::new();
            for t in terms {
                if crate::base::text::is_safe_slug(&t) {
                    if seen_terms.insert(t.clone()) {
                        clean.push(t);
                    }
                } else {
                    diags.push(
                        Diagnostic::error("bad-term", format!("`{t}` in {key} is not a slug"))
                            .at(file, pos)
                            .help(format!(
                                "use lowercase words joined by hyphens, e.g. `{}`; the display name comes from the locale files",
                                crate::base::text::slugify(&t)
                            )),
                    );
                }
            }
            taxonomies.insert(key.to_string(), clean);
        } else if !field_names().contains(&key) {
            let pos = top_keys
                .get(key)
                .copied()
                .unwrap_or_else(|| key_pos(split, key));
            let d = Diagnostic::error(
                "unknown-field",
                format!("unknown front-matter field `{key}`"),
            )
            .at(file, pos);
            diags.push(match nearest(key, &candidates) {
                Some(n) => d.help(format!("did you mean `{n}`?")),
                None => d.help(format!("valid fields: {}", candidates.join(", "))),
            });
        }
    }
    // Unknown citation fields, all of them (serde would stop at the first).
    let item_pos = citation_item_positions(split);
    let yaml_lines: Vec<&str> = split.yaml.lines().collect();
    if let Some(yaml::Value::Sequence(items)) = map.get("citations") {
        for (i, item) in items.iter().enumerate() {
            if let yaml::Value::Mapping(m) = item {
                for k in m.keys() {
                    let key = k.as_str().unwrap_or("");
                    if !citation_fields().contains(&key) {
                        let pos = find_in_item(
                            split,
                            &yaml_lines,
                            item_pos.get(i).copied(),
                            item_pos.get(i + 1).copied(),
                            key,
                        );
                        let d = Diagnostic::error(
                            "unknown-field",
                            format!("unknown citation field `{key}`"),
                        )
                        .at(file, pos);
                        diags.push(match nearest(key, citation_fields()) {
                            Some(n) => d.help(format!("did you mean `{n}`?")),
                            None => d.help(format!(
                                "valid citation fields: {}",
                                citation_fields().join(", ")
                            )),
                        });
                    }
                }
            }
        }
    }
    if diags.has_errors() {
        return Err(diags);
    }

    // Types, required fields and values: from the value already read, so the
    // YAML is parsed once. A value can fail where the text succeeds (`title:
    // 2024` is a number as a value, a string to the text deserializer), and
    // only the text gives positions, so any failure reads the text again; its
    // answer is the one that counts.
    let typed: TypedFrontMatter =
        match yaml::from_value(yaml::Value::Mapping(map)).or_else(|_| yaml::from_str(split.yaml)) {
            Ok(t) => t,
            Err(e) => {
                let help = if e.message.contains("missing field") {
                    "every article needs title: \"…\" and date: YYYY-MM-DD".to_string()
                } else if e.message.contains("invalid type") {
                    "check the field's type in the front-matter reference (README.md)".to_string()
                } else {
                    "see the front-matter reference in README.md".to_string()
                };
                let pos = if e.message.starts_with("missing field") {
                    Pos::START
                } else {
                    yaml_pos(split, &e)
                };
                diags.push(
                    Diagnostic::error("front-matter-invalid", e.message.clone())
                        .at(file, pos)
                        .help(help),
                );
                return Err(diags);
            }
        };

    let clean = |s: String| crate::base::text::strip_controls(&s).into_owned();
    let title = clean(typed.title);
    if title.trim().is_empty() {
        diags.push(
            Diagnostic::error("empty-title", "the title is empty")
                .at(file, key_pos(split, "title"))
                .help("give the article a title"),
        );
    }
    if let Some(slug) = &typed.slug {
        if !crate::base::text::is_safe_slug(slug) {
            diags.push(
                Diagnostic::error("bad-slug", format!("slug `{slug}` is not a safe URL segment"))
                    .at(file, key_pos(split, "slug"))
                    .help(format!(
                        "use lowercase letters, digits and hyphens, without `/`, `..` or `:`; e.g. `{}`",
                        crate::base::text::slugify(slug)
                    )),
            );
        }
    }
    let (ai, translation) = check_disclosure(
        typed.ai,
        typed.ai_generated.is_some(),
        typed.translation,
        split,
        file,
        &mut diags,
    );
    let mut citation_pos = Vec::with_capacity(typed.citations.len());
    let mut seen: BTreeMap<String, Pos> = BTreeMap::new();
    let mut seen_safe: BTreeMap<String, String> = BTreeMap::new();
    let mut citations = typed.citations;
    for (i, c) in citations.iter_mut().enumerate() {
        let pos = item_pos
            .get(i)
            .copied()
            .unwrap_or_else(|| key_pos(split, "citations"));
        citation_pos.push(pos);
        c.title = clean(std::mem::take(&mut c.title));
        c.publisher = c.publisher.take().map(clean);
        c.author = c.author.take().map(clean);
        if let Some(first) = seen.get(&c.id.0) {
            diags.push(
                Diagnostic::error(
                    "duplicate-citation-id",
                    format!("citation id `{}` is used twice", c.id.0),
                )
                .at(file, pos)
                .help(format!(
                    "the first is at line {}; give each citation its own id",
                    first.line
                )),
            );
            continue;
        }
        seen.insert(c.id.0.clone(), pos);
        if let Some(other) = seen_safe.insert(crate::base::text::safe_id(&c.id.0), c.id.0.clone()) {
            diags.push(
                Diagnostic::error(
                    "duplicate-citation-id",
                    format!("citation ids `{other}` and `{}` are too similar", c.id.0),
                )
                .at(file, pos)
                .help("rename one of them"),
            );
        }
        if c.title.trim().is_empty() {
            diags.push(
                Diagnostic::error(
                    "empty-citation-title",
                    format!("citation `{}` has an empty title", c.id.0),
                )
                .at(file, pos)
                .help("give the source's title, as the reference list shows it"),
            );
        }
    }
    if diags.has_errors() {
        return Err(diags);
    }
    Ok(FrontMatter {
        title,
        date: typed.date,
        updated: typed.updated,
        summary: typed.summary.map(clean),
        key_points: typed.key_points.into_iter().map(clean).collect(),
        ai_generated: typed.ai_generated,
        ai,
        translation,
        draft: typed.draft,
        slug: typed.slug,
        translation_key: typed.translation_key,
        source_revision: typed.source_revision,
        citations,
        citation_pos,
        taxonomies,
    })
}

/// Checks the `ai:` and `translation:` blocks against each other and against
/// `ai_generated`; returns them cleaned of control characters. A review is a
/// claim readers rely on, so it must name who reviewed.
fn check_disclosure(
    ai: Option<AiField>,
    has_ai_generated: bool,
    translation: Option<TranslationField>,
    split: &Split,
    file: &Path,
    diags: &mut Diagnostics,
) -> (Option<AiField>, Option<TranslationField>) {
    let clean = |s: &str| crate::base::text::strip_controls(s).trim().to_string();
    let mut err = |pos: Pos, msg: String, help: &str| {
        diags.push(
            Diagnostic::error("bad-ai-disclosure", msg)
                .at(file, pos)
                .help(help.to_string()),
        );
    };
    let ai = ai.map(|mut ai| {
        if has_ai_generated {
            err(
                key_pos(split, "ai_generated"),
                "both `ai_generated` and `ai:` say how AI was used".into(),
                "keep `ai:` and remove `ai_generated` (it is shorthand for ai: {level: generated})",
            );
        }
        ai.reviewed_by = ai.reviewed_by.as_deref().map(clean);
        ai.notice = ai.notice.as_deref().map(clean);
        check_review(
            "ai",
            ai.reviewed_by.as_deref(),
            ai.reviewed_on.is_some(),
            split,
            &mut err,
        );
        if ai.level == AiLevel::None {
            for key in ["reviewed_by", "reviewed_on", "notice"] {
                let set = match key {
                    "reviewed_by" => ai.reviewed_by.is_some(),
                    "reviewed_on" => ai.reviewed_on.is_some(),
                    _ => ai.notice.is_some(),
                };
                if set {
                    err(
                        nested_key_pos(split, "ai", key),
                        format!("`ai.{key}` describes AI output, but `ai.level` is `none`"),
                        "set level: assisted or generated, or remove the field",
                    );
                }
            }
        }
        if ai.notice.as_deref() == Some("") {
            err(
                nested_key_pos(split, "ai", "notice"),
                "`ai.notice` is empty".into(),
                "write the notice in the article's language, or remove the field to show the standard one",
            );
        }
        ai
    });
    let translation = translation.map(|mut t| {
        t.reviewed_by = t.reviewed_by.as_deref().map(clean);
        check_review(
            "translation",
            t.reviewed_by.as_deref(),
            t.reviewed_on.is_some(),
            split,
            &mut err,
        );
        t
    });
    (ai, translation)
}

fn check_review(
    block: &str,
    reviewed_by: Option<&str>,
    dated: bool,
    split: &Split,
    err: &mut impl FnMut(Pos, String, &str),
) {
    match reviewed_by {
        Some("") => err(
            nested_key_pos(split, block, "reviewed_by"),
            format!("`{block}.reviewed_by` is empty"),
            "name the person or desk who reviewed the text, or remove the field",
        ),
        None if dated => err(
            nested_key_pos(split, block, "reviewed_on"),
            format!("`{block}.reviewed_on` records a review without a reviewer"),
            "add reviewed_by: \"Name\"; a review is only shown when it names who reviewed",
        ),
        _ => {}
    }
}

/// Position of `key` inside the top-level block `parent:` (block style), else
/// of `parent` itself.
fn nested_key_pos(split: &Split, parent: &str, key: &str) -> Pos {
    let start = key_pos(split, parent);
    let lines: Vec<&str> = split.yaml.lines().collect();
    for (i, line) in lines
        .iter()
        .enumerate()
        .skip(start.line - split.yaml_line + 1)
    {
        if !line.starts_with(|c: char| c.is_whitespace()) && !line.trim().is_empty() {
            break;
        }
        let t = line.trim_start();
        if let Some(rest) = t.strip_prefix(key) {
            if rest.trim_start().starts_with(':') {
                let col = line.len() - t.len();
                return Pos::new(split.yaml_line + i, col + 1);
            }
        }
    }
    start
}

/// Position of `key` within a citation entry; `lines` are the YAML block's
/// lines and `next` the position of the entry after it, where the search stops.
fn find_in_item(
    split: &Split,
    lines: &[&str],
    item: Option<Pos>,
    next: Option<Pos>,
    key: &str,
) -> Pos {
    let Some(item) = item else {
        return key_pos(split, "citations");
    };
    let from = item.line - split.yaml_line;
    let to = next.map_or(lines.len(), |n| n.line - split.yaml_line);
    for (i, line) in lines.iter().enumerate().take(to.max(from + 1)).skip(from) {
        let t = line.trim_start().trim_start_matches("- ").trim_start();
        if let Some(rest) = t.strip_prefix(key) {
            if rest.trim_start().starts_with(':') {
                let col = line.len() - t.len();
                return Pos::new(split.yaml_line + i, line[..col].chars().count() + 1);
            }
        }
    }
    item
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn citation_urls_kept_as_written() {
        for s in [
            "https://example.org/a/b?q=1#f",
            "HTTP://Example.org",
            "https://例え.jp/パス",
            "https://xn--r8jz45g.jp/",
            "https://example.org:8080/a",
            "https://user:secret@example.org/",
            "https://192.0.2.1/x",
            "https://[2001:db8::1]:8443/x",
        ] {
            assert_eq!(HttpUrl::check(s), Ok(HttpUrl(s.to_string())), "{s}");
        }
    }

    #[test]
    fn citation_urls_refused() {
        let err = |s: &str| HttpUrl::check(s).unwrap_err();
        for s in [
            "javascript:alert(1)",
            "data:text/html,<b>x</b>",
            "ftp://example.org/",
            "//example.org/x",
            "https:example.org",
            " https://example.org/",
            "example.org",
        ] {
            assert_eq!(
                err(s),
                format!("citation url `{s}` must start with http:// or https:// (other schemes such as javascript: or data: are refused)")
            );
        }
        for s in [
            "https://",
            "https:///x",
            "http://?q",
            "https://user@/x",
            "https://:80/",
        ] {
            assert_eq!(err(s), format!("citation url `{s}` has no host"), "{s}");
        }
        for s in [
            "https://example.org/a b",
            "https://exa mple.org/",
            "https://example.org/\t",
            "https://example.org/\"x\"",
            "https://example.org/<x>",
            "https://example.org/\u{3000}",
        ] {
            assert_eq!(
                err(s),
                format!(
                    "citation url `{s}` contains spaces or characters that must be percent-encoded"
                ),
                "{s}"
            );
        }
        for s in [
            "https://example.org:99999/",
            "https://example.org:x/",
            "https://[::1/",
            "https://exa%mple.org/",
        ] {
            assert!(
                err(s).starts_with(&format!("citation url `{s}` is not a valid URL: ")),
                "{s}"
            );
        }
    }
}
