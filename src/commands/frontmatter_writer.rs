//! The one front-matter writer of `new`, `translate` and `import`.
//!
//! Files are written as YAML text rather than by serializing, so that the
//! comments a command wants survive (`# TODO(translate)`, the commented
//! citation example, the commented review fields). Every field is written in
//! one fixed order (that of [`Fields`]), only when it is set; strings are
//! double-quoted (see [`yaml_quote`]). A command adds its comments by field
//! name ([`Comments::comment`], [`Comments::lines_after`]). Every generated article is parsed
//! again with [`crate::parse::article::parse`] before it is written
//! ([`crate::commands::common::validate`]).

use std::collections::BTreeMap;
use std::fmt::Write as _;

use crate::parse::disclosure::AiField;
use crate::parse::frontmatter::Citation;

/// A YAML double-quoted scalar. JSON string syntax is a subset of YAML's
/// double-quoted style, and serde_json escapes everything YAML requires.
pub fn yaml_quote(s: &str) -> String {
    serde_json::to_string(s).expect("strings serialize")
}

/// A taxonomy term or other slug: plain when YAML reads it back as the same
/// string, quoted otherwise (`true`, `null`, `2025` …).
fn yaml_slug(s: &str) -> String {
    const SPECIAL: &[&str] = &[
        "true", "false", "null", "yes", "no", "on", "off", "y", "n", "~",
    ];
    let plain = s.chars().next().is_some_and(char::is_alphabetic)
        && s.chars()
            .all(|c| c.is_alphanumeric() || c == '-' || c == '_')
        && !SPECIAL.contains(&s.to_ascii_lowercase().as_str());
    if plain {
        s.to_string()
    } else {
        yaml_quote(s)
    }
}

/// The front-matter of a generated article: every field a command may set,
/// in the order they are written.
#[derive(Default)]
pub struct Fields {
    /// A comment line above the first field.
    pub preamble: Option<String>,
    pub title: String,
    /// `YYYY-MM-DD`.
    pub date: String,
    pub updated: Option<String>,
    /// `Some("")` writes `summary: ""`.
    pub summary: Option<String>,
    /// `Some` of an empty list writes `key_points: []`.
    pub key_points: Option<Vec<String>>,
    /// Taxonomy name and terms, in the configured order; each a flow list.
    pub taxonomies: Vec<(String, Vec<String>)>,
    pub ai_generated: Option<bool>,
    pub ai: Option<AiField>,
    // `translation:` comes here: no command writes one (it is the
    // translator's record), but `translate` writes its commented template
    // in its place (`lines_after("translation", …)`).
    pub slug: Option<String>,
    pub translation_key: Option<String>,
    /// Written only when `true`.
    pub draft: bool,
    pub source_revision: Option<String>,
    /// `Some` of an empty list writes `citations: []`.
    pub citations: Option<Vec<Citation>>,
}

/// The comments a command writes with the fields.
#[derive(Default)]
pub struct Comments {
    /// Comment after a field's key (or value) on its line, by field name;
    /// `ai.level` names the level inside `ai:`.
    comments: BTreeMap<String, String>,
    /// Lines written after a field, or in its place when it is not set.
    after: BTreeMap<String, Vec<String>>,
}

impl Comments {
    /// `# text` at the end of `field`'s line.
    pub fn comment(&mut self, field: &str, text: impl Into<String>) -> &mut Self {
        self.comments.insert(field.to_string(), text.into());
        self
    }

    /// Lines (commented examples, usually) after `field`, or where it would
    /// be when it is not set.
    pub fn lines_after(&mut self, field: &str, lines: &[&str]) -> &mut Self {
        self.after.insert(
            field.to_string(),
            lines.iter().map(|l| l.to_string()).collect(),
        );
        self
    }

    /// `# comment` for `field`, with its leading space, or nothing.
    fn note(&self, field: &str) -> String {
        self.comments
            .get(field)
            .map(|c| format!(" # {c}"))
            .unwrap_or_default()
    }

    fn write_after(&self, s: &mut String, field: &str) {
        for l in self.after.get(field).into_iter().flatten() {
            s.push_str(l);
            s.push('\n');
        }
    }

    /// `key: value # comment` and the lines after it, when `value` is set.
    fn scalar(&self, s: &mut String, field: &str, value: Option<String>) {
        if let Some(v) = value {
            let _ = writeln!(s, "{field}: {v}{}", self.note(field));
        }
        self.write_after(s, field);
    }
}

/// The front-matter between its `---` fences.
pub fn write(f: &Fields, c: &Comments) -> String {
    let mut s = String::from("---\n");
    if let Some(p) = &f.preamble {
        let _ = writeln!(s, "# {p}");
    }
    c.scalar(&mut s, "title", Some(yaml_quote(&f.title)));
    c.scalar(&mut s, "date", Some(f.date.clone()));
    c.scalar(&mut s, "updated", f.updated.clone());
    c.scalar(&mut s, "summary", f.summary.as_deref().map(yaml_quote));
    if let Some(points) = &f.key_points {
        let empty = if points.is_empty() { " []" } else { "" };
        let _ = writeln!(s, "key_points:{empty}{}", c.note("key_points"));
        for p in points {
            let _ = writeln!(s, "  - {}", yaml_quote(p));
        }
    }
    c.write_after(&mut s, "key_points");
    for (taxonomy, terms) in &f.taxonomies {
        let list: Vec<String> = terms.iter().map(|t| yaml_slug(t)).collect();
        let value = format!("[{}]", list.join(", "));
        c.scalar(&mut s, taxonomy, Some(value));
    }
    c.scalar(
        &mut s,
        "ai_generated",
        f.ai_generated.map(|b| b.to_string()),
    );
    if let Some(ai) = &f.ai {
        let _ = writeln!(s, "ai:{}", c.note("ai"));
        let _ = writeln!(s, "  level: {}{}", ai.level.as_str(), c.note("ai.level"));
        if let Some(by) = &ai.reviewed_by {
            let _ = writeln!(s, "  reviewed_by: {}", yaml_quote(by));
        }
        if let Some(on) = &ai.reviewed_on {
            let _ = writeln!(s, "  reviewed_on: {on}");
        }
        if let Some(notice) = &ai.notice {
            let _ = writeln!(s, "  notice: {}", yaml_quote(notice));
        }
    }
    c.write_after(&mut s, "ai");
    c.write_after(&mut s, "translation");
    c.scalar(&mut s, "slug", f.slug.as_deref().map(yaml_quote));
    c.scalar(
        &mut s,
        "translation_key",
        f.translation_key.as_deref().map(yaml_quote),
    );
    c.scalar(&mut s, "draft", f.draft.then(|| "true".to_string()));
    c.scalar(
        &mut s,
        "source_revision",
        f.source_revision.as_deref().map(yaml_quote),
    );
    if let Some(citations) = &f.citations {
        let empty = if citations.is_empty() { " []" } else { "" };
        let _ = writeln!(s, "citations:{empty}{}", c.note("citations"));
        for citation in citations {
            write_citation(&mut s, citation);
        }
    }
    c.write_after(&mut s, "citations");
    s.push_str("---\n");
    s
}

/// One `citations:` entry, block style, only the fields that are set.
fn write_citation(out: &mut String, c: &Citation) {
    let _ = writeln!(out, "  - id: {}", yaml_quote(&c.id.0));
    let _ = writeln!(out, "    title: {}", yaml_quote(&c.title));
    if let Some(p) = &c.publisher {
        let _ = writeln!(out, "    publisher: {}", yaml_quote(p));
    }
    if let Some(a) = &c.author {
        let _ = writeln!(out, "    author: {}", yaml_quote(a));
    }
    if let Some(u) = &c.url {
        let _ = writeln!(out, "    url: {}", yaml_quote(&u.0));
    }
    if let Some(d) = &c.published {
        let _ = writeln!(out, "    published: {d}");
    }
    if let Some(d) = &c.accessed {
        let _ = writeln!(out, "    accessed: {d}");
    }
    if let Some(l) = &c.lang {
        let _ = writeln!(out, "    lang: {}", yaml_slug(l));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting_round_trips() {
        for s in [
            "plain",
            "a: b",
            "\"quoted\"",
            "line\nbreak",
            "上海「x」",
            "#x",
            "'",
        ] {
            let y = format!("k: {}\n", yaml_quote(s));
            let v: crate::base::yaml::Value = crate::base::yaml::from_str(&y).unwrap();
            assert_eq!(v["k"].as_str(), Some(s));
        }
        for s in ["true", "null", "2025", "ai-governance", "上海"] {
            let y = format!("k: [{}]\n", yaml_slug(s));
            let v: crate::base::yaml::Value = crate::base::yaml::from_str(&y).unwrap();
            assert_eq!(v["k"][0].as_str(), Some(s));
        }
    }

    #[test]
    fn fields_in_order_with_comments() {
        let fields = Fields {
            title: "T".into(),
            date: "2025-07-28".into(),
            key_points: Some(Vec::new()),
            draft: true,
            citations: Some(Vec::new()),
            ..Default::default()
        };
        let mut comments = Comments::default();
        comments
            .comment("title", "TODO")
            .lines_after("translation", &["# translation:"])
            .lines_after("citations", &["# citations:"]);
        assert_eq!(
            write(&fields, &comments),
            "---\ntitle: \"T\" # TODO\ndate: 2025-07-28\nkey_points: []\n# translation:\ndraft: true\ncitations: []\n# citations:\n---\n"
        );
    }
}
