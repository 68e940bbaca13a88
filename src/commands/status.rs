//! `brief status`: the translation matrix and locale coverage.
//!
//! Articles are grouped by translation key. The *source* of a key is its
//! version in the default language, or else its earliest-dated version; it is
//! `ok`. Every other version is
//!
//! - `untranslated` when it is a draft or still carries the markers
//!   `brief translate` left (`TODO(translate)`);
//! - `stale` when it records a `source_revision` that differs from the source's
//!   current content hash, or (without `source_revision`) when the source was
//!   updated after it (`updated`, else `date`);
//! - `unknown` when it records no `source_revision` and the dates do not show
//!   it behind: nothing tells whether it matches the source;
//! - `ok` otherwise.
//!
//! Languages without a version are `missing`.
//!
//! Per locale, the report lists the Fluent keys of the default language that
//! the locale lacks, the keys of the locale that neither the theme nor the
//! code uses (taxonomy term names excepted), and the taxonomy terms used by
//! any article that have no name in the locale, and (a warning) the
//! configured languages the locale does not name (`language-name-<code>`).
//!
//! `--format json` prints one object, with every object key and array sorted:
//!
//! ```json
//! {
//!   "articles": [
//!     { "files": { "en": { "path": "content/en/x.md", "source_revision": "sha256:…", "status": "stale" },
//!                  "ja": { "path": "content/ja/x.md", "status": "ok" },
//!                  "ko": { "status": "missing" } },
//!       "key": "x",
//!       "source": "ja" }
//!   ],
//!   "default_language": "ja",
//!   "languages": ["en", "ja", "ko"],
//!   "locales": { "ko": { "missing_keys": [], "missing_language_names": ["ja"], "missing_terms": [], "unused_keys": [] } },
//!   "unparsed": ["content/ja/broken.md"]
//! }
//! ```
//!
//! `source_revision` is what the file records; `unparsed` lists files that
//! could not be read or parsed (run `brief check`) and so are not in the matrix.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::Path;

use serde::Serialize;

use crate::base::text::{display_width, truncate};
use crate::input::locale::{language_name_key, term_key};
use crate::parse::article::Article;
use crate::pipeline::build::{BuildOptions, Failure};
use crate::pipeline::session::Session;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FileStatus {
    /// The source, or a translation recorded as made from its current text.
    Ok,
    Missing,
    Stale,
    /// A translation without `source_revision` that the dates do not show behind.
    Unknown,
    /// A draft translation, or one still carrying `brief translate`'s markers.
    Untranslated,
}

impl FileStatus {
    /// The word the text report shows.
    fn mark(self) -> &'static str {
        match self {
            FileStatus::Ok => "ok",
            FileStatus::Missing => "-",
            FileStatus::Stale => "STALE",
            FileStatus::Unknown => "unknown",
            FileStatus::Untranslated => "untranslated",
        }
    }
}

/// One cell of the matrix. Field order is alphabetical, for sorted JSON keys.
#[derive(Debug, Clone, Serialize)]
pub struct FileEntry {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_revision: Option<String>,
    pub status: FileStatus,
}

#[derive(Debug, Clone, Serialize)]
pub struct ArticleRow {
    pub files: BTreeMap<String, FileEntry>,
    pub key: String,
    /// Language of the source version.
    pub source: String,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct LocaleReport {
    pub missing_keys: Vec<String>,
    /// Configured languages the locale has no `language-name-<code>` for.
    pub missing_language_names: Vec<String>,
    pub missing_terms: Vec<String>,
    pub unused_keys: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct StatusReport {
    pub articles: Vec<ArticleRow>,
    pub default_language: String,
    /// Configured languages, sorted.
    pub languages: Vec<String>,
    pub locales: BTreeMap<String, LocaleReport>,
    pub unparsed: Vec<String>,
    /// Languages in display order: the default first.
    #[serde(skip)]
    pub display_order: Vec<String>,
}

const WIDTH: usize = 80;

impl StatusReport {
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("plain data")
    }

    /// A report for an 80-column terminal.
    pub fn to_text(&self) -> String {
        let mut s = String::new();
        let langs = &self.display_order;
        let cell = langs
            .iter()
            .map(|l| display_width(l))
            .max()
            .unwrap_or(0)
            .max("untranslated".len())
            + 1;
        let key_width = WIDTH.saturating_sub(2 + cell * langs.len()).max(16);
        let _ = writeln!(
            s,
            "Translations: {} article{} × {} language{}",
            self.articles.len(),
            plural(self.articles.len()),
            langs.len(),
            plural(langs.len()),
        );
        s.push('\n');
        let mut head = format!("  {}", pad("article", key_width));
        for l in langs {
            head.push_str(&pad(l, cell));
        }
        let _ = writeln!(s, "{}", head.trim_end());
        for row in &self.articles {
            let mut line = format!("  {}", pad(&truncate(&row.key, key_width - 1), key_width));
            for l in langs {
                let mark = match row.files.get(l) {
                    Some(f) if l == &row.source && f.status == FileStatus::Ok => "source",
                    Some(f) => f.status.mark(),
                    None => "-",
                };
                line.push_str(&pad(mark, cell));
            }
            let _ = writeln!(s, "{}", line.trim_end());
        }
        if self.articles.is_empty() {
            let _ = writeln!(s, "  (no articles)");
        }
        s.push('\n');
        let _ = writeln!(
            s,
            "  source: the {} version (else the earliest)   ok: made from the current source",
            self.default_language
        );
        let _ = writeln!(
            s,
            "  STALE: the source changed since the translation   -: missing"
        );
        let _ = writeln!(
            s,
            "  unknown: no source_revision   untranslated: a draft, or TODO(translate) left"
        );
        s.push('\n');
        const ORDER: [FileStatus; 5] = [
            FileStatus::Ok,
            FileStatus::Stale,
            FileStatus::Unknown,
            FileStatus::Untranslated,
            FileStatus::Missing,
        ];
        for l in langs {
            let mut counts = [0usize; ORDER.len()];
            for row in &self.articles {
                let status = row.files.get(l).map_or(FileStatus::Missing, |f| f.status);
                if let Some(i) = ORDER.iter().position(|&x| x == status) {
                    counts[i] += 1;
                }
            }
            let _ = writeln!(
                s,
                "  {}: {} ok, {} stale, {} unknown, {} untranslated, {} missing",
                l, counts[0], counts[1], counts[2], counts[3], counts[4]
            );
        }
        let stale: Vec<(&str, &FileEntry)> = self
            .articles
            .iter()
            .flat_map(|r| {
                langs.iter().filter_map(move |l| {
                    r.files
                        .get(l)
                        .filter(|f| f.status == FileStatus::Stale)
                        .map(|f| (r.source.as_str(), f))
                })
            })
            .collect();
        if !stale.is_empty() {
            s.push('\n');
            let _ = writeln!(
                s,
                "Stale translations (compare with the source; then update source_revision):"
            );
            for (source, f) in stale {
                let path = f.path.as_deref().unwrap_or("");
                let line = format!("  {} (source: {source})", truncate(path, WIDTH - 20));
                let _ = writeln!(s, "{line}");
            }
        }
        if !self.unparsed.is_empty() {
            s.push('\n');
            let _ = writeln!(
                s,
                "Not in the matrix ({} file{} with errors; run brief check):",
                self.unparsed.len(),
                plural(self.unparsed.len())
            );
            for p in &self.unparsed {
                let _ = writeln!(s, "  {}", truncate(p, WIDTH - 2));
            }
        }
        s.push('\n');
        let _ = writeln!(s, "Locales (compared with {}):", self.default_language);
        for l in langs {
            let Some(r) = self.locales.get(l) else {
                continue;
            };
            let _ = writeln!(
                s,
                "  {l}: {} missing key{}, {} unused key{}, {} term{} without a name",
                r.missing_keys.len(),
                plural(r.missing_keys.len()),
                r.unused_keys.len(),
                plural(r.unused_keys.len()),
                r.missing_terms.len(),
                plural(r.missing_terms.len())
            );
            wrap_list(&mut s, "missing:", &r.missing_keys);
            if !r.missing_language_names.is_empty() {
                let _ = writeln!(
                    s,
                    "    warning: no language-name-<code> message for {}; the language's own name is shown",
                    r.missing_language_names.join(", ")
                );
            }
            wrap_list(&mut s, "unused:", &r.unused_keys);
            wrap_list(&mut s, "no name:", &r.missing_terms);
        }
        s
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// `    label a, b, c` wrapped at 80 columns.
fn wrap_list(s: &mut String, label: &str, items: &[String]) {
    if items.is_empty() {
        return;
    }
    let indent = 4 + display_width(label) + 1;
    let mut line = format!("    {label} ");
    let mut first = true;
    for (i, item) in items.iter().enumerate() {
        let item = truncate(item, WIDTH - indent - 1);
        let piece = if i + 1 < items.len() {
            format!("{item},")
        } else {
            item
        };
        if !first && display_width(&line) + 1 + display_width(&piece) > WIDTH {
            let _ = writeln!(s, "{}", line.trim_end());
            line = " ".repeat(indent);
            first = true;
        }
        if !first {
            line.push(' ');
        }
        line.push_str(&piece);
        first = false;
    }
    let _ = writeln!(s, "{}", line.trim_end());
}

fn pad(s: &str, width: usize) -> String {
    let w = display_width(s);
    let mut out = s.to_string();
    out.push_str(&" ".repeat(width.saturating_sub(w)));
    out
}

/// The status of translation `a` of `source`; `text` is `a`'s file.
fn translation_status(a: &Article, source: &Article, text: &str) -> FileStatus {
    let marked = text.contains(crate::parse::article::TRANSLATE_TODO)
        || text
            .lines()
            .any(|l| l.starts_with(crate::parse::article::TRANSLATE_MARKER));
    if a.fm.draft || marked {
        return FileStatus::Untranslated;
    }
    match &a.fm.source_revision {
        Some(rev) if rev != &source.hash => FileStatus::Stale,
        Some(_) => FileStatus::Ok,
        None if source.last_modified().timestamp() > a.last_modified().timestamp() => {
            FileStatus::Stale
        }
        None => FileStatus::Unknown,
    }
}

pub fn status(root: &Path) -> Result<StatusReport, Failure> {
    let opts = BuildOptions {
        root: root.to_path_buf(),
        ..Default::default()
    };
    // Drafts count: a started translation is a draft, and status reports it.
    let mut session = Session::open(&BuildOptions {
        drafts: true,
        ..opts
    })?;
    let files = session.load();
    let renderer = session.renderer()?;
    let config = session.config.clone();
    let locales = session.locales.clone();
    let parsed = session.parse(&files);
    let articles: Vec<&Article> = parsed.articles().map(|a| a.as_ref()).collect();

    let default = config.site.default_language.clone();
    let parsed: BTreeSet<(&str, &str)> = articles
        .iter()
        .map(|a| (a.lang.as_str(), a.rel_path.as_str()))
        .collect();
    let mut unparsed: Vec<String> = files
        .iter()
        .filter(|f| !parsed.contains(&(f.lang.as_str(), f.rel_path.as_str())))
        .map(|f| crate::commands::common::display_rel(&f.file))
        .collect();
    unparsed.sort();
    let texts: BTreeMap<(&str, &str), &str> = files
        .iter()
        .map(|f| ((f.lang.as_str(), f.rel_path.as_str()), f.text.as_str()))
        .collect();

    // Translation matrix.
    let mut groups: BTreeMap<&str, Vec<&Article>> = BTreeMap::new();
    for &a in &articles {
        groups
            .entry(a.translation_key.as_str())
            .or_default()
            .push(a);
    }
    let mut rows = Vec::new();
    for (key, versions) in groups {
        let source = versions
            .iter()
            .find(|a| a.lang == default)
            .or_else(|| {
                versions
                    .iter()
                    .min_by_key(|a| (a.fm.date.timestamp(), a.lang.clone()))
            })
            .copied()
            .expect("a group has at least one article");
        let mut files = BTreeMap::new();
        for lang in config.languages.keys() {
            let entry = match versions.iter().find(|a| &a.lang == lang) {
                Some(a) => FileEntry {
                    path: Some(crate::commands::common::display_rel(&a.file)),
                    source_revision: a.fm.source_revision.clone(),
                    status: if std::ptr::eq(*a, source) {
                        FileStatus::Ok
                    } else {
                        let text = texts
                            .get(&(a.lang.as_str(), a.rel_path.as_str()))
                            .copied()
                            .unwrap_or("");
                        translation_status(a, source, text)
                    },
                },
                None => FileEntry {
                    path: None,
                    source_revision: None,
                    status: FileStatus::Missing,
                },
            };
            files.insert(lang.clone(), entry);
        }
        rows.push(ArticleRow {
            files,
            key: key.to_string(),
            source: source.lang.clone(),
        });
    }

    // Locales.
    let used = renderer.used_keys();
    let term_prefixes: Vec<String> = config
        .site
        .taxonomies
        .iter()
        .map(|t| term_key(t, ""))
        .collect();
    let mut terms: BTreeSet<String> = BTreeSet::new();
    for a in &articles {
        for (tax, ts) in &a.fm.taxonomies {
            for t in ts {
                terms.insert(term_key(tax, t));
            }
        }
    }
    let default_keys = locales.keys(&default);
    let mut locale_reports = BTreeMap::new();
    for lang in config.languages.keys() {
        let keys = locales.keys(lang);
        // Language names are reported on their own, for configured languages only.
        let missing_keys = default_keys
            .iter()
            .filter(|k| !keys.contains(*k) && !k.starts_with("language-name-"))
            .map(|k| k.to_string())
            .collect();
        let unused_keys = keys
            .iter()
            .filter(|k| {
                !used.contains(**k)
                    && !term_prefixes.iter().any(|p| k.starts_with(p.as_str()))
                    && !k.starts_with("language-name-")
            })
            .map(|k| k.to_string())
            .collect();
        let missing_terms = terms
            .iter()
            .filter(|k| !locales.has(lang, k))
            .cloned()
            .collect();
        let missing_language_names = config
            .languages
            .keys()
            .filter(|code| !locales.has(lang, &language_name_key(code)))
            .cloned()
            .collect();
        locale_reports.insert(
            lang.clone(),
            LocaleReport {
                missing_language_names,
                missing_keys,
                missing_terms,
                unused_keys,
            },
        );
    }

    Ok(StatusReport {
        articles: rows,
        default_language: default,
        languages: config.languages.keys().cloned().collect(),
        locales: locale_reports,
        unparsed,
        display_order: config.language_codes(),
    })
}
