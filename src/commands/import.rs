//! `brief import`: convert plain-text briefings into articles.
//!
//! The input is what people and AI tools write when asked for a briefing:
//!
//! ```text
//! - a key point            ← optional bullets (`- `, `* `, `・`, `•`) before the title
//! - another key point
//! # The title              ← `#`, or a bare line
//!
//! A paragraph with markers after sentences.[1] More text.[2]
//!
//! A short heading          ← a bare short line without final punctuation,
//!                            `#`/`##` lines, or `【見出し】`
//! More paragraphs.[4]
//!
//! References               ← 参考文献, 出典, 参考資料, References, Sources…
//! - [1] Title, Publisher, 2025-07-27, https://…
//! [2] Title of the source…
//! 4. Title https://…
//!
//! This article was generated with the help of AI.   ← optional notice
//! ```
//!
//! Often there are no blank lines at all: bullets, title, then one paragraph
//! per line with short heading lines between them, the references heading and
//! its lines, and the notice. When the body has no blank line and at least
//! half of its lines of text end a sentence (`single_line_paragraphs`),
//! every line is a block of its own; lines of one list, table or quote stay
//! together. Otherwise blank lines separate the blocks, as above.
//!
//! A line near the title that is only a date (`2025年7月28日`, `2025-07-28`,
//! `July 28, 2025`) gives the date unless `--date` is passed, and a lead line
//! (`Summary: …`, `要約：…`) the summary; both lines are dropped. Warnings
//! say when no date (`no-date`) or no summary (`no-summary`) was found, when
//! the title looks like a section heading (`title-is-heading`) and when the
//! slug comes from the file name because the title has no ASCII slug
//! (`slug-from-file-name`). A summary is never made up from the text.
//!
//! The result is `content/<lang>/<slug>.md` with `title`, `date`, `summary`, `key_points`,
//! `ai` (when the notice is found: `level: generated`, no review, and the
//! notice line itself as `notice`, so its wording is what the page shows) and
//! `citations` (ids exactly as written). Sections become `##` headings and
//! markers stay `[n]`; a marker without a reference is escaped (`\[n\]`) with a
//! warning, so the file always builds. Every generated file is parsed again as
//! the build would before anything is written; if one input fails, nothing is
//! written.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use crate::base::diag::{Diagnostic, Diagnostics, Pos};
use crate::commands::scaffold::{self, yaml_quote};
use crate::input::config::Config;
use crate::parse::frontmatter::{Citation, CitationId, DateValue, HttpUrl};
use crate::pipeline::build::Failure;

pub struct ImportOptions {
    pub root: PathBuf,
    pub files: Vec<PathBuf>,
    pub lang: Option<String>,
    pub slug: Option<String>,
    pub date: Option<String>,
    pub force: bool,
}

pub struct ImportReport {
    /// What was recognized, for the terminal.
    pub summary: String,
    pub diagnostics: Diagnostics,
}

/// What was recognized in one input.
#[derive(Debug, Clone, Default)]
pub struct Recognized {
    pub title: String,
    /// 1-based line of the title.
    pub title_line: usize,
    /// A date line near the title: 1-based line and `YYYY-MM-DD`.
    pub date: Option<(usize, String)>,
    /// A lead line (`Summary: …`, `要約：…`) near the title.
    pub summary: Option<String>,
    pub key_points: Vec<String>,
    /// The Markdown body.
    pub body: String,
    pub sections: usize,
    pub citations: Vec<Citation>,
    pub ai_notice: bool,
    /// The notice lines removed: 1-based line number and text.
    pub notice_lines: Vec<(usize, String)>,
    /// Whether a references list was found.
    pub references_found: bool,
    pub warnings: Vec<Diagnostic>,
}

fn fail(d: Diagnostic) -> Failure {
    let mut ds = Diagnostics::new();
    ds.push(d);
    Failure::from(ds)
}

struct Planned {
    input: PathBuf,
    rel: PathBuf,
    text: String,
    lang: String,
    detected: bool,
    /// The date written, and where it came from.
    date: String,
    date_from: &'static str,
    doc: Recognized,
}

pub fn run(opts: &ImportOptions) -> Result<ImportReport, Failure> {
    let loaded = scaffold::load_site(&opts.root).map_err(fail)?;
    let config = &loaded.config;
    if opts.slug.is_some() && opts.files.len() > 1 {
        return Err(fail(
            Diagnostic::error("usage", "--slug names one article, but several files were given")
                .help("import the files one by one, or leave out --slug to derive each slug from its title"),
        ));
    }
    if let Some(lang) = &opts.lang {
        scaffold::check_language(config, lang, "language").map_err(fail)?;
    }
    let date = match &opts.date {
        Some(d) => match DateValue::parse(d) {
            Some(v) => Some(v.to_string()),
            None => {
                return Err(fail(
                    Diagnostic::error("usage", format!("--date `{d}` is not a date"))
                        .help("write YYYY-MM-DD, e.g. 2025-07-28"),
                ))
            }
        },
        None => None,
    };
    if let Some(slug) = &opts.slug {
        if !crate::base::text::is_safe_slug(slug) || crate::base::text::slugify(slug) != *slug {
            return Err(fail(
                Diagnostic::error("bad-slug", format!("`{slug}` is not a safe slug")).help(
                    format!(
                        "use lowercase letters, digits and hyphens, e.g. `{}`",
                        crate::base::text::slugify(slug)
                    ),
                ),
            ));
        }
    }

    let mut diags = Diagnostics::new();
    let mut planned: Vec<Planned> = Vec::new();
    let mut taken: HashMap<(String, String), PathBuf> = HashMap::new();
    for input in &opts.files {
        match plan_one(opts, &loaded, input, date.as_deref()) {
            Ok(p) => {
                diags.extend(p.doc.warnings.iter().cloned());
                let stem = p
                    .rel
                    .file_stem()
                    .map(|s| s.to_string_lossy().into_owned())
                    .unwrap_or_default();
                if let Some(other) = taken.insert((p.lang.clone(), stem.clone()), input.clone()) {
                    diags.push(
                        Diagnostic::error(
                            "duplicate-slug",
                            format!(
                                "{} and {} would both become {}",
                                other.display(),
                                input.display(),
                                scaffold::display_rel(&p.rel)
                            ),
                        )
                        .help("import them one by one with --slug"),
                    );
                }
                planned.push(p);
            }
            Err(ds) => diags.extend(ds),
        }
    }
    if diags.has_errors() {
        diags.push(Diagnostic::error(
            "import-failed",
            "nothing was imported; fix the problems above and run the command again",
        ));
        return Err(Failure::from(diags));
    }

    let mut summary = String::new();
    for p in &planned {
        scaffold::write_new(&opts.root.join(&p.rel), &p.rel, &p.text, opts.force).map_err(fail)?;
        summary.push_str(&describe(p, config));
    }
    Ok(ImportReport {
        summary,
        diagnostics: diags,
    })
}

fn describe(p: &Planned, config: &Config) -> String {
    let d = &p.doc;
    let mut s = String::new();
    let _ = writeln!(
        s,
        "imported {} → {}",
        p.input.display(),
        scaffold::display_rel(&p.rel)
    );
    let _ = writeln!(
        s,
        "  language:   {}{}",
        p.lang,
        if p.detected { " (detected)" } else { "" }
    );
    let _ = writeln!(s, "  title:      {}", d.title);
    let _ = writeln!(s, "  date:       {} ({})", p.date, p.date_from);
    let _ = writeln!(
        s,
        "  summary:    {}",
        if d.summary.is_some() { "yes" } else { "no" }
    );
    let _ = writeln!(s, "  key points: {}", d.key_points.len());
    let _ = writeln!(s, "  sections:   {}", d.sections);
    let ids: Vec<&str> = d.citations.iter().map(|c| c.id.0.as_str()).collect();
    if ids.is_empty() {
        let _ = writeln!(s, "  citations:  0");
    } else {
        let _ = writeln!(s, "  citations:  {} (ids {})", ids.len(), ids.join(", "));
    }
    if d.ai_notice {
        let _ = writeln!(
            s,
            "  AI notice:  yes (ai: level generated, not reviewed; its wording kept as ai.notice)"
        );
        for (line, text) in &d.notice_lines {
            let _ = writeln!(
                s,
                "              moved line {line}: {}",
                crate::commands::status::truncate(text, 50)
            );
        }
    } else {
        let _ = writeln!(
            s,
            "  AI notice:  no (the site default applies: ai_generated {})",
            config.site.ai_generated
        );
    }
    s
}

/// Path for diagnostics about an input file: under the root when it is there.
fn input_display(root: &Path, input: &Path) -> PathBuf {
    let abs = std::path::absolute(input).unwrap_or_else(|_| input.to_path_buf());
    let root_abs = std::path::absolute(root).unwrap_or_else(|_| root.to_path_buf());
    match abs.strip_prefix(&root_abs) {
        Ok(rel) => rel.to_path_buf(),
        Err(_) => abs,
    }
}

fn plan_one(
    opts: &ImportOptions,
    loaded: &scaffold::Loaded,
    input: &Path,
    date: Option<&str>,
) -> Result<Planned, Vec<Diagnostic>> {
    let config = &loaded.config;
    let shown = input_display(&opts.root, input);
    let bytes = std::fs::read(input).map_err(|e| {
        vec![Diagnostic::error(
            "input-unreadable",
            format!("cannot read {}: {e}", input.display()),
        )
        .help("check the path of the file to import")]
    })?;
    let Ok(text) = String::from_utf8(bytes) else {
        return Err(vec![Diagnostic::error(
            "invalid-utf8",
            format!("{} is not UTF-8 text", input.display()),
        )
        .in_file(&shown)
        .help("save it as UTF-8 and run the command again")]);
    };
    let text =
        crate::base::text::normalize_newlines(crate::base::text::strip_bom(&text)).into_owned();
    if text.lines().next().is_some_and(|l| l.trim_end() == "---") {
        return Err(vec![Diagnostic::error(
            "already-an-article",
            format!("{} already starts with front-matter", input.display()),
        )
        .at(&shown, Pos::START)
        .help(
            "it looks like a brief article: copy it into content/<lang>/ instead",
        )]);
    }
    let mut doc = recognize(&text, &shown)?;
    let (date, date_from) = match (date, &doc.date) {
        (Some(d), _) => (d.to_string(), "--date"),
        (None, Some((_, d))) => (d.clone(), "from the text"),
        (None, None) => {
            let today = scaffold::today();
            doc.warnings.push(
                Diagnostic::warning(
                    "no-date",
                    format!("no date was found near the title; the article is dated today, {today}"),
                )
                .at(&shown, Pos::new(doc.title_line, 1))
                .help("pass --date 2025-07-28, or put the date on a line of its own next to the title (2025年7月28日, 2025-07-28, July 28, 2025)"),
            );
            (today, "today")
        }
    };

    let (lang, detected) = match &opts.lang {
        Some(l) => (l.clone(), false),
        None => {
            let mut sample = doc.title.clone();
            sample.push('\n');
            sample.push_str(&doc.body);
            (
                detect_configured(&sample, config).map_err(|d| vec![d.in_file(&shown)])?,
                true,
            )
        }
    };
    let stem = input
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let slug = match &opts.slug {
        Some(s) => s.clone(),
        None => {
            let slug = derive_slug(&doc.title, &stem).ok_or_else(|| {
                vec![Diagnostic::error(
                    "bad-slug",
                    "cannot derive a slug from the title or the file name",
                )
                .in_file(&shown)
                .help("pass --slug, e.g. --slug waic-2025")]
            })?;
            if title_slug(&doc.title).is_none() {
                let from = if slug == shorten_slug(&crate::base::text::slugify(&stem), 60) {
                    format!("the file name, `{slug}`")
                } else {
                    format!("the title's own letters, `{slug}`")
                };
                doc.warnings.push(
                    Diagnostic::warning(
                        "slug-from-file-name",
                        format!("the title gives no ASCII slug; the slug comes from {from}"),
                    )
                    .at(&shown, Pos::new(doc.title_line, 1))
                    .help("pass --slug with the slug the article should have, e.g. --slug waic-2025 (the URL is /<lang>/<slug>/)"),
                );
            }
            slug
        }
    };
    let rel_path = format!("{slug}.md");
    let rel = PathBuf::from("content").join(&lang).join(&rel_path);
    if !opts.force && opts.root.join(&rel).exists() {
        return Err(vec![Diagnostic::error(
            "file-exists",
            format!("{} already exists", scaffold::display_rel(&rel)),
        )
        .in_file(&rel)
        .help(
            "pass --force to overwrite it, or --slug to import under another name",
        )]);
    }
    if crate::link::reserved_slugs(config).contains(&slug) {
        return Err(vec![Diagnostic::error(
            "reserved-slug",
            format!("slug `{slug}` is reserved for a site page"),
        )
        .help("pass --slug with another slug")]);
    }
    if let Some(other) = loaded.articles.iter().find(|a| {
        a.lang == lang && a.rel_path != rel_path && a.slug.to_lowercase() == slug.to_lowercase()
    }) {
        return Err(vec![Diagnostic::error(
            "duplicate-slug",
            format!(
                "{} already uses the slug `{slug}`",
                scaffold::display_rel(&other.file)
            ),
        )
        .help("pass --slug with another slug")]);
    }

    let text = article_text(&doc, &date);
    if let Err(e) = scaffold::validate(&text, &lang, &rel_path, config, &loaded.locales) {
        return Err(vec![Diagnostic::error(
            "import-invalid",
            format!(
                "the article made from {} would not build: {}",
                input.display(),
                e.message
            ),
        )
        .in_file(&shown)
        .help(
            e.help
                .unwrap_or_else(|| "edit the input and try again".into()),
        )]);
    }
    Ok(Planned {
        input: input.to_path_buf(),
        rel,
        text,
        lang,
        detected,
        date,
        date_from,
        doc,
    })
}

/// The article file.
pub fn article_text(doc: &Recognized, date: &str) -> String {
    let mut s = String::from("---\n");
    let _ = writeln!(s, "title: {}", yaml_quote(&doc.title));
    let _ = writeln!(s, "date: {date}");
    if let Some(summary) = &doc.summary {
        let _ = writeln!(s, "summary: {}", yaml_quote(summary));
    }
    if !doc.key_points.is_empty() {
        s.push_str("key_points:\n");
        for p in &doc.key_points {
            let _ = writeln!(s, "  - {}", yaml_quote(p));
        }
    }
    if doc.ai_notice {
        // The source's own wording survives as the page's notice; no review
        // is recorded, because the input says nothing of one.
        let notice: Vec<&str> = doc.notice_lines.iter().map(|(_, t)| t.as_str()).collect();
        s.push_str("ai:\n  level: generated\n");
        let _ = writeln!(s, "  notice: {}", yaml_quote(&notice.join(" ")));
    }
    if !doc.citations.is_empty() {
        s.push_str("citations:\n");
        for c in &doc.citations {
            scaffold::write_citation(&mut s, c);
        }
    }
    s.push_str("---\n\n");
    s.push_str(doc.body.trim_end());
    s.push('\n');
    s
}

/// A slug: from an ASCII title, else from the file name, else from the title.
pub fn derive_slug(title: &str, file_stem: &str) -> Option<String> {
    let ok = |s: &str| !s.is_empty() && crate::base::text::is_safe_slug(s);
    if let Some(s) = title_slug(title) {
        return Some(s);
    }
    let s = shorten_slug(&crate::base::text::slugify(file_stem), 60);
    if ok(&s) {
        return Some(s);
    }
    let s = shorten_slug(&crate::base::text::slugify(title), 30);
    ok(&s).then_some(s)
}

/// The slug of a title whose letters are ASCII (punctuation such as `–` or
/// `’` may be anything): `Brussels – the AI rules` → `brussels-the-ai-rules`.
fn title_slug(title: &str) -> Option<String> {
    let s = shorten_slug(&crate::base::text::slugify(title), 60);
    (!s.is_empty() && s.is_ascii() && crate::base::text::is_safe_slug(&s)).then_some(s)
}

/// At most `max` characters, cut at a hyphen where possible.
fn shorten_slug(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let cut: String = s.chars().take(max).collect();
    let cut = match cut.rfind('-') {
        Some(i) if i > max / 2 => cut[..i].to_string(),
        _ => cut,
    };
    cut.trim_end_matches(['-', '_']).to_string()
}

// ---------------------------------------------------------------------------
// Language detection

/// The language a text is written in, by the script with the most letters
/// (`parse::script`): kana → ja, Hangul → ko, Han without kana → zh, Arabic →
/// ar, Cyrillic → ru, Hebrew → he, Thai → th, Greek → el, Devanagari → hi,
/// Latin (or no letters) → en.
pub fn detect_language(text: &str) -> &'static str {
    crate::parse::script::Letters::of(text)
        .most()
        .map_or("en", crate::parse::script::Writing::likely_language)
}

/// The detected language, which must be configured (a region variant such as
/// `zh-Hant` counts for `zh`).
fn detect_configured(text: &str, config: &Config) -> Result<String, Diagnostic> {
    let code = detect_language(text);
    if config.languages.contains_key(code) {
        return Ok(code.to_string());
    }
    if let Some(c) = config
        .languages
        .keys()
        .find(|c| c.split('-').next() == Some(code))
    {
        return Ok(c.clone());
    }
    let langs: Vec<&str> = config.languages.keys().map(String::as_str).collect();
    Err(Diagnostic::error(
        "unknown-language",
        format!("the text looks like `{code}`, which is not a configured language"),
    )
    .help(format!(
        "pass --lang with one of: {}; or add [languages.{code}] to book.toml",
        langs.join(", ")
    )))
}

// ---------------------------------------------------------------------------
// Recognition

const BULLETS: &[&str] = &["- ", "* ", "+ ", "・", "•", "●", "◦"];

/// The text after a bullet, if the line is one.
fn strip_bullet(line: &str) -> Option<&str> {
    let t = line.trim_start();
    BULLETS
        .iter()
        .find_map(|b| t.strip_prefix(b))
        .map(str::trim)
        .filter(|s| !s.is_empty())
}

/// Strips `#`, `【】`, `**`, `■` and a trailing colon from a label line.
fn label_text(line: &str) -> String {
    let mut t = line.trim().trim_start_matches('#').trim();
    for (open, close) in [
        ("【", "】"),
        ("[", "]"),
        ("**", "**"),
        ("《", "》"),
        ("〈", "〉"),
    ] {
        if let Some(inner) = t.strip_prefix(open).and_then(|r| r.strip_suffix(close)) {
            t = inner.trim();
        }
    }
    t = t.trim_start_matches(['■', '□', '◆', '◇', '▼', '●']).trim();
    t.trim_end_matches([':', '：']).trim().to_string()
}

fn is_references_heading(line: &str) -> bool {
    const NAMES: &[&str] = &[
        "参考文献",
        "出典",
        "出典一覧",
        "参考資料",
        "参考",
        "参照",
        "参考リンク",
        "引用文献",
        "情報源",
        "references",
        "reference list",
        "sources",
        "source",
        "bibliography",
        "works cited",
        "citations",
        "notes and references",
    ];
    if line.trim().chars().count() > 30 {
        return false;
    }
    let t = label_text(line).to_lowercase();
    NAMES.contains(&t.as_str())
}

fn is_key_points_label(line: &str) -> bool {
    const NAMES: &[&str] = &[
        "要点",
        "ポイント",
        "主なポイント",
        "要旨",
        "key points",
        "key takeaways",
        "takeaways",
        "highlights",
        "in brief",
        "at a glance",
    ];
    let t = label_text(line).to_lowercase();
    NAMES.contains(&t.as_str())
}

/// A closing line saying the text was produced with generative AI.
pub fn is_ai_notice(line: &str) -> bool {
    let l = line.to_lowercase();
    if l.chars().count() > 240 {
        return false;
    }
    const AI: &[&str] = &[
        "生成ai",
        "生成ａｉ",
        "生成型ai",
        "generative ai",
        "with the help of ai",
        "with the assistance of ai",
        "with ai assistance",
        "using ai",
        "by ai",
        "ai tools",
        "ai-generated",
        "ai-assisted",
    ];
    const VERB: &[&str] = &[
        "活用",
        "利用",
        "作成",
        "使用",
        "使って",
        "生成し",
        "generated",
        "written",
        "produced",
        "created",
        "prepared",
        "drafted",
        "assisted",
        "assistance",
        "help of",
    ];
    AI.iter().any(|a| l.contains(a)) && VERB.iter().any(|v| l.contains(v))
}

/// Wording of a note about how the text was written (not a sentence about
/// AI in general): "作成しました", "generated with", "with the help of" …
fn authoring_phrase(line: &str) -> bool {
    let l = line.to_lowercase();
    [
        "作成",
        "執筆",
        "生成しました",
        "生成しています",
        "生成されました",
        "生成したもの",
        "まとめました",
        "generated with",
        "generated by",
        "generated using",
        "written with",
        "written by",
        "written using",
        "produced with",
        "produced by",
        "produced using",
        "created with",
        "created by",
        "created using",
        "drafted with",
        "prepared with",
        "with the help of",
        "with the assistance of",
        "assisted by",
    ]
    .iter()
    .any(|s| l.contains(s))
}

fn mentions_itself(line: &str) -> bool {
    let l = line.to_lowercase();
    [
        "この記事",
        "本記事",
        "本稿",
        "このレポート",
        "本レポート",
        "この文章",
        "this article",
        "this briefing",
        "this report",
        "this post",
        "this summary",
        "this text",
    ]
    .iter()
    .any(|s| l.contains(s))
}

/// Recognizes the parts of a plain-text briefing. `file` is for diagnostics.
pub fn recognize(text: &str, file: &Path) -> Result<Recognized, Vec<Diagnostic>> {
    let lines: Vec<&str> = text.lines().map(str::trim_end).collect();
    let mut doc = Recognized::default();
    let nonblank: Vec<usize> = (0..lines.len())
        .filter(|&i| !lines[i].trim().is_empty())
        .collect();

    // The references heading: the last one.
    let refs_at = (0..lines.len())
        .rev()
        .find(|&i| is_references_heading(lines[i]));

    // AI notices: a line naming the article itself anywhere, or a line in
    // the authors' voice at the end or just before the references.
    let mut removed = vec![false; lines.len()];
    let tail: Vec<usize> = nonblank.iter().rev().take(2).copied().collect();
    let before_refs: Vec<usize> = match refs_at {
        Some(h) => nonblank
            .iter()
            .filter(|&&i| i < h)
            .rev()
            .take(2)
            .copied()
            .collect(),
        None => Vec::new(),
    };
    for &i in &nonblank {
        let near_end = tail.contains(&i) || before_refs.contains(&i);
        if is_ai_notice(lines[i])
            && (mentions_itself(lines[i])
                || (near_end && authoring_phrase(lines[i]) && lines[i].chars().count() <= 150))
        {
            removed[i] = true;
            doc.ai_notice = true;
            doc.notice_lines.push((i + 1, lines[i].trim().to_string()));
        }
    }

    // Where the body ends and the references start.
    let (body_end, ref_lines): (usize, Vec<usize>) = match refs_at {
        Some(h) => (h, ((h + 1)..lines.len()).filter(|&i| !removed[i]).collect()),
        None => {
            // A closing block of `[n] …` lines without a heading.
            let kept: Vec<usize> = nonblank.iter().copied().filter(|&i| !removed[i]).collect();
            let mut start = kept.len();
            while start > 0 {
                let i = kept[start - 1];
                let l = lines[i];
                let bracketed = l.trim_start().starts_with('[')
                    || strip_bullet(l).is_some_and(|r| r.starts_with('['));
                if bracketed && split_ref_start(l).is_some_and(|(id, _)| id.is_some()) {
                    start -= 1;
                } else {
                    break;
                }
            }
            // It must be a block of its own, after some body text.
            let ok = start < kept.len()
                && start > 0
                && kept[start] > 0
                && lines[kept[start] - 1].trim().is_empty();
            if ok {
                (kept[start], kept[start..].to_vec())
            } else {
                (lines.len(), Vec::new())
            }
        }
    };
    doc.references_found = refs_at.is_some() || !ref_lines.is_empty();
    let (citations, ref_warnings) = parse_references(&lines, &ref_lines, file);
    doc.citations = citations;
    doc.warnings.extend(ref_warnings);
    if refs_at.is_some() && doc.citations.is_empty() {
        doc.warnings.push(
            Diagnostic::warning(
                "no-references",
                "the references heading is followed by no entry that could be read",
            )
            .at(file, Pos::new(refs_at.unwrap_or(0) + 1, 1))
            .help("write one reference per line: [1] Title, Publisher, 2025-07-27, https://…"),
        );
    } else if !doc.references_found {
        doc.warnings.push(
            Diagnostic::warning("no-references", "nothing was recognized as a list of references")
                .in_file(file)
                .help("end the text with a heading such as References or 参考文献 and lines like [1] Title, https://…"),
        );
    }

    // A date line and a lead line near the title: among the first lines
    // that are not key points (the title and the two lines after it, or a
    // line before the title).
    let mut seen = 0;
    let mut text_seen = 0;
    for i in 0..body_end {
        if removed[i] || lines[i].trim().is_empty() {
            continue;
        }
        if strip_bullet(lines[i]).is_some() || is_key_points_label(lines[i]) {
            continue;
        }
        seen += 1;
        if seen > 4 {
            break;
        }
        if doc.date.is_none() {
            if let Some(d) = date_line(lines[i]) {
                doc.date = Some((i + 1, d.ymd()));
                removed[i] = true;
                continue;
            }
        }
        // Not the first text line: that is the title.
        text_seen += 1;
        if doc.summary.is_none() && text_seen > 1 {
            if let Some(lead) = lead_line(lines[i]) {
                doc.summary = Some(strip_markers(&lead));
                removed[i] = true;
            }
        }
    }

    // Head: key points, title, key points after the title.
    let body_idx: Vec<usize> = (0..body_end).filter(|&i| !removed[i]).collect();
    let mut pos = 0;
    let skip_blank = |pos: &mut usize| {
        while *pos < body_idx.len() && lines[body_idx[*pos]].trim().is_empty() {
            *pos += 1;
        }
    };
    skip_blank(&mut pos);
    if pos < body_idx.len() && is_key_points_label(lines[body_idx[pos]]) {
        let mut p = pos + 1;
        skip_blank(&mut p);
        if p < body_idx.len() && strip_bullet(lines[body_idx[p]]).is_some() {
            pos = p;
        }
    }
    loop {
        skip_blank(&mut pos);
        match body_idx.get(pos).and_then(|&i| strip_bullet(lines[i])) {
            Some(b) => {
                doc.key_points.push(strip_markers(b));
                pos += 1;
            }
            None => break,
        }
    }
    let Some(&title_line) = body_idx.get(pos) else {
        return Err(vec![Diagnostic::error(
            "no-title",
            "no title line was found",
        )
        .in_file(file)
        .help(
            "put the title on a line of its own (optionally `# Title`) before the text",
        )]);
    };
    doc.title = strip_markers(&clean_title(lines[title_line]));
    doc.title_line = title_line + 1;
    if doc.title.chars().count() > 120 {
        doc.warnings.push(
            Diagnostic::warning(
                "long-title",
                "the title is very long; is the first line a paragraph?",
            )
            .at(file, Pos::new(title_line + 1, 1))
            .help("put the title on a line of its own before the text"),
        );
    }
    if doc.title.is_empty() {
        return Err(vec![Diagnostic::error(
            "no-title",
            "the title line is empty",
        )
        .at(file, Pos::new(title_line + 1, 1))
        .help("put the title on a line of its own before the text")]);
    }
    pos += 1;
    if doc.key_points.is_empty() {
        let mut p = pos;
        skip_blank(&mut p);
        if p < body_idx.len() && is_key_points_label(lines[body_idx[p]]) {
            p += 1;
            skip_blank(&mut p);
        }
        let mut points = Vec::new();
        loop {
            skip_blank(&mut p);
            match body_idx.get(p).and_then(|&i| strip_bullet(lines[i])) {
                Some(b) => {
                    points.push(strip_markers(b));
                    p += 1;
                }
                None => break,
            }
        }
        if !points.is_empty() {
            doc.key_points = points;
            pos = p;
        }
    }

    // Body: markers first (line by line, for positions), then blocks.
    let ids: BTreeMap<String, String> = doc
        .citations
        .iter()
        .map(|c| (c.id.0.clone(), c.id.0.clone()))
        .collect();
    let mut used: BTreeSet<String> = BTreeSet::new();
    let mut body_lines: Vec<(usize, String)> = Vec::new();
    let mut in_fence = false;
    for &i in &body_idx[pos..] {
        let fence = is_fence(lines[i]);
        if fence {
            in_fence = !in_fence;
        }
        let line = if fence || in_fence {
            lines[i].to_string()
        } else {
            process_markers(lines[i], i + 1, &ids, &mut used, file, &mut doc.warnings)
        };
        body_lines.push((i, line));
    }
    let line_mode = single_line_paragraphs(&body_lines);
    let (body, sections, first_heading) = assemble_body(&body_lines, line_mode);
    doc.body = body;
    doc.sections = sections;
    if doc.summary.is_none() {
        doc.warnings.push(
            Diagnostic::warning("no-summary", "no summary was found; the article has none")
                .at(file, Pos::new(doc.title_line, 1))
                .help("put a lead line after the title, e.g. `Summary: …` or `要約：…`, or add `summary:` to the article's front-matter"),
        );
    }
    let title_level = explicit_heading(lines[title_line])
        .map(|(level, _)| level)
        .filter(|&l| l > 0);
    let same_as_heading = first_heading.as_ref().is_some_and(|(level, text)| {
        text.to_lowercase() == doc.title.to_lowercase()
            || title_level.is_some_and(|t| *level > 0 && t >= *level)
    });
    if same_as_heading {
        doc.warnings.push(
            Diagnostic::warning(
                "title-is-heading",
                "no title distinct from the section headings was found; the first line is used",
            )
            .at(file, Pos::new(doc.title_line, 1))
            .help("put the title on a line of its own before the text, above the first section heading (`# Title` above `## Section`)"),
        );
    }
    for c in &doc.citations {
        if !used.contains(&c.id.0) {
            doc.warnings.push(
                Diagnostic::warning(
                    "reference-never-cited",
                    format!(
                        "reference [{}] is never cited in the text; it is kept",
                        c.id.0
                    ),
                )
                .in_file(file)
                .help(format!(
                    "cite it with [{}] after a sentence, or remove it",
                    c.id.0
                )),
            );
        }
    }
    Ok(doc)
}

fn clean_title(line: &str) -> String {
    let mut t = line.trim().trim_start_matches('#').trim();
    for prefix in [
        "タイトル：",
        "タイトル:",
        "題名：",
        "Title:",
        "TITLE:",
        "title:",
    ] {
        if let Some(r) = t.strip_prefix(prefix) {
            t = r.trim();
        }
    }
    for (open, close) in [("【", "】"), ("**", "**"), ("『", "』"), ("「", "」")] {
        if let Some(inner) = t.strip_prefix(open).and_then(|r| r.strip_suffix(close)) {
            if !inner.contains(close) {
                t = inner.trim();
            }
        }
    }
    t.to_string()
}

/// A thematic break: `---`, `***`, `___`, `* * *`.
fn is_rule(line: &str) -> bool {
    let t: String = line.chars().filter(|c| !c.is_whitespace()).collect();
    t.len() >= 3
        && ["-", "*", "_"]
            .iter()
            .any(|c| t.chars().all(|x| x.to_string() == *c))
}

/// Text without citation markers, for the title and key points, which are
/// not Markdown: `公表した[1]` → `公表した`.
fn strip_markers(s: &str) -> String {
    let empty = BTreeMap::new();
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(open) = rest.find(['[', '［']) {
        let close_char = if rest[open..].starts_with('[') {
            ']'
        } else {
            '］'
        };
        let inner_start = open + rest[open..].chars().next().map_or(1, char::len_utf8);
        match rest[inner_start..].find(close_char) {
            Some(len) if marker_ids(&rest[inner_start..inner_start + len], &empty).is_some() => {
                out.push_str(rest[..open].trim_end_matches(' '));
                rest = &rest[inner_start + len + close_char.len_utf8()..];
            }
            _ => {
                out.push_str(&rest[..inner_start]);
                rest = &rest[inner_start..];
            }
        }
    }
    out.push_str(rest);
    out.trim().to_string()
}

/// A code fence line: ```` ``` ```` or `~~~`.
fn is_fence(line: &str) -> bool {
    let t = line.trim_start();
    t.starts_with("```") || t.starts_with("~~~")
}

/// `**Heading**` → `Heading`.
fn strip_emphasis(s: &str) -> &str {
    for w in ["**", "__"] {
        if let Some(inner) = s.strip_prefix(w).and_then(|r| r.strip_suffix(w)) {
            if !inner.contains(w) && !inner.trim().is_empty() {
                return inner.trim();
            }
        }
    }
    s
}

/// A heading written explicitly: `#…` or a line that is `【…】`.
fn explicit_heading(line: &str) -> Option<(usize, String)> {
    let t = line.trim();
    let hashes = t.chars().take_while(|&c| c == '#').count();
    if (1..=6).contains(&hashes) {
        let rest = &t[hashes..];
        if rest.starts_with(' ') && !rest.trim().is_empty() {
            return Some((hashes, rest.trim().trim_end_matches('#').trim().to_string()));
        }
    }
    if let Some(inner) = t.strip_prefix('【').and_then(|r| r.strip_suffix('】')) {
        if !inner.contains('】') && !inner.trim().is_empty() {
            return Some((0, inner.trim().to_string()));
        }
    }
    None
}

/// A bare line that may be a heading: short, no final punctuation, no marker.
fn heading_candidate(line: &str) -> bool {
    let t = line.trim();
    let Some(last) = t.chars().last() else {
        return false;
    };
    if "。．.!?！？:：;；、,，…」』)）\"”".contains(last)
        || strip_bullet(t).is_some()
        || t.starts_with(['>', '|', '`', '[', '!', '<'])
        || t.contains("http://")
        || t.contains("https://")
        || !t.chars().any(char::is_alphabetic)
    {
        return false;
    }
    let cjk = t.chars().filter(|c| (*c as u32) >= 0x2E80).count();
    let words = t.split_whitespace().count();
    if cjk * 2 >= t.chars().count() {
        t.chars().count() <= 30
    } else {
        t.chars().count() <= 70 && words <= 10
    }
}

/// A line that is a date and nothing else, optionally labelled or with the
/// weekday: `2025年7月28日（月）`, `Date: 2025-07-28`, `Monday, July 28, 2025`.
fn date_line(line: &str) -> Option<DateValue> {
    const LABELS: &[&str] = &[
        "日付",
        "公開日",
        "発行日",
        "作成日",
        "掲載日",
        "配信日",
        "date",
        "published",
        "dated",
    ];
    const WEEKDAYS: &[&str] = &[
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
        "mon",
        "tue",
        "tues",
        "wed",
        "thu",
        "thur",
        "thurs",
        "fri",
        "sat",
        "sun",
    ];
    let t = line.trim().trim_matches(['*', '_']).trim();
    if t.chars().count() > 60 {
        return None;
    }
    let (range, value) = find_date(t)?;
    let punct = |c: char| c.is_whitespace() || ",，、.:：()（）[]【】".contains(c);
    let is_weekday = |w: &str| {
        let w = w.trim_matches(punct).to_lowercase();
        w.is_empty()
            || WEEKDAYS.contains(&w.as_str())
            || (w.chars().count() == 1 && "月火水木金土日".contains(w.as_str()))
            || (w.chars().count() == 3 && w.ends_with("曜日"))
    };
    let before = t[..range.start].trim_matches(punct).to_lowercase();
    let before_ok = before.is_empty()
        || LABELS.contains(&before.as_str())
        || is_weekday(&before)
        || before
            .split_once([':', '：'])
            .is_some_and(|(l, w)| LABELS.contains(&l.trim()) && is_weekday(w));
    (before_ok && is_weekday(&t[range.end..])).then_some(value)
}

/// The text of a lead line: `Summary: …`, `要約：…`, `【リード】…`.
fn lead_line(line: &str) -> Option<String> {
    const LABELS: &[&str] = &[
        "要約",
        "概要",
        "リード",
        "summary",
        "lead",
        "standfirst",
        "abstract",
        "tl;dr",
        "tldr",
    ];
    let t = line.trim().trim_start_matches('#').trim();
    let t = t.strip_prefix("**").unwrap_or(t);
    let (label, rest) = if let Some(r) = t.strip_prefix('【') {
        r.split_once('】')?
    } else {
        t.split_once([':', '：'])?
    };
    let label = label
        .trim()
        .trim_end_matches(['*', ':', '：'])
        .trim()
        .to_lowercase();
    let rest = rest.trim().trim_start_matches(['*', ':', '：']).trim();
    (LABELS.contains(&label.as_str()) && !rest.is_empty()).then(|| rest.to_string())
}

/// Whether a line ends a sentence (after citation markers and closing
/// quotes): `…示した[1][3]。`, `…in 2026.[4]`, `…”`.
fn ends_sentence(line: &str) -> bool {
    let mut t = line.trim();
    loop {
        let before = t;
        t = t.trim_end_matches(['」', '』', '）', ')', '"', '”', '’', '\'', '*', '_', ' ']);
        for (open, close) in [('[', ']'), ('［', '］')] {
            if let Some(rest) = t.strip_suffix(close) {
                if let Some(i) = rest.rfind(open) {
                    t = &rest[..i];
                }
            }
        }
        if t == before {
            break;
        }
    }
    t.ends_with(['。', '．', '.', '!', '?', '！', '？', '…'])
}

/// An item of a numbered list: `1. …`, `2) …`.
fn numbered_item(line: &str) -> bool {
    let t = line.trim_start();
    let digits = t.chars().take_while(char::is_ascii_digit).count();
    (1..=3).contains(&digits) && (t[digits..].starts_with(". ") || t[digits..].starts_with(") "))
}

/// Whether the body is written one paragraph per line, without blank lines:
/// no blank line between its first and last line (code blocks aside), and
/// at least two lines, and at least half of the lines of text, end a sentence.
fn single_line_paragraphs(lines: &[(usize, String)]) -> bool {
    let mut in_fence = false;
    let mut blank_seen = false;
    let mut blank_inside = false;
    let (mut text, mut sentences) = (0, 0);
    for (_, line) in lines {
        if is_fence(line) || in_fence {
            if is_fence(line) {
                in_fence = !in_fence;
            }
            continue;
        }
        if line.trim().is_empty() {
            blank_seen = text > 0 || blank_seen;
            continue;
        }
        if blank_seen && text > 0 {
            blank_inside = true;
        }
        blank_seen = false;
        let t = line.trim_start();
        if strip_bullet(line).is_some()
            || numbered_item(line)
            || is_rule(line)
            || explicit_heading(line).is_some()
            || t.starts_with(['|', '>'])
        {
            continue;
        }
        text += 1;
        if ends_sentence(line) {
            sentences += 1;
        }
    }
    !blank_inside && sentences >= 2 && sentences * 2 >= text
}

/// The kind of a line in a body written one paragraph per line: lines of
/// one list, table or quote stay together; any other line is a paragraph.
#[derive(PartialEq, Clone, Copy)]
enum LineKind {
    Bullet,
    Numbered,
    Table,
    Quote,
    Paragraph,
}

fn line_kind(line: &str) -> LineKind {
    let t = line.trim_start();
    if strip_bullet(line).is_some() {
        LineKind::Bullet
    } else if numbered_item(line) {
        LineKind::Numbered
    } else if t.starts_with('|') {
        LineKind::Table
    } else if t.starts_with('>') {
        LineKind::Quote
    } else {
        LineKind::Paragraph
    }
}

/// Turns body lines into Markdown: headings become `##`, bullets `- `. With
/// `line_mode` every line of text is a paragraph of its own. Returns the
/// body, the number of `##` sections and the first heading (its `#` level,
/// 0 when bare, and text).
fn assemble_body(
    lines: &[(usize, String)],
    line_mode: bool,
) -> (String, usize, Option<(usize, String)>) {
    enum Block {
        Heading(usize, String),
        Lines(Vec<String>),
        Rule,
    }
    let mut blocks: Vec<Block> = Vec::new();
    let mut current: Vec<String> = Vec::new();
    let flush = |current: &mut Vec<String>, blocks: &mut Vec<Block>| {
        if !current.is_empty() {
            blocks.push(Block::Lines(std::mem::take(current)));
        }
    };
    let mut in_fence = false;
    let mut kind = LineKind::Paragraph;
    for (_, line) in lines {
        if is_fence(line) || in_fence {
            // Code blocks stay as they are, blank lines included.
            if is_fence(line) {
                if line_mode && !in_fence {
                    flush(&mut current, &mut blocks);
                }
                in_fence = !in_fence;
            }
            current.push(line.clone());
            if line_mode && !in_fence {
                flush(&mut current, &mut blocks);
            }
        } else if line.trim().is_empty() {
            flush(&mut current, &mut blocks);
        } else if is_rule(line) {
            // Its own block: under a paragraph it would make a heading.
            flush(&mut current, &mut blocks);
            blocks.push(Block::Rule);
        } else if let Some((level, text)) = explicit_heading(line) {
            flush(&mut current, &mut blocks);
            blocks.push(Block::Heading(level, text));
        } else {
            if line_mode {
                let k = line_kind(line);
                if k == LineKind::Paragraph || k != kind {
                    flush(&mut current, &mut blocks);
                }
                kind = k;
            }
            let l = match strip_bullet(line) {
                Some(rest) => format!("- {rest}"),
                // Leading blanks would make an indented code block.
                None => line.trim_matches([' ', '\t']).to_string(),
            };
            current.push(l);
        }
    }
    flush(&mut current, &mut blocks);
    // Rules around the text separated it from the title or the references.
    while matches!(blocks.last(), Some(Block::Rule)) {
        blocks.pop();
    }
    while matches!(blocks.first(), Some(Block::Rule)) {
        blocks.remove(0);
    }

    // Bare headings: one-line blocks followed by a paragraph.
    let is_candidate =
        |b: &Block| matches!(b, Block::Lines(ls) if ls.len() == 1 && heading_candidate(&ls[0]));
    let mut bare = vec![false; blocks.len()];
    for i in 0..blocks.len() {
        if is_candidate(&blocks[i])
            && matches!(blocks.get(i + 1), Some(b @ Block::Lines(_)) if !is_candidate(b))
        {
            bare[i] = true;
        }
    }
    // `#` levels are shifted so that the highest becomes `##`.
    let min_level = blocks
        .iter()
        .filter_map(|b| match b {
            Block::Heading(l, _) if *l > 0 => Some(*l),
            _ => None,
        })
        .min()
        .unwrap_or(2);
    let mut out = Vec::new();
    let mut sections = 0;
    let mut first_heading = None;
    for (i, b) in blocks.into_iter().enumerate() {
        match b {
            Block::Heading(written, text) => {
                let level = if written == 0 {
                    2
                } else {
                    (written + 2 - min_level).clamp(2, 6)
                };
                if level == 2 {
                    sections += 1;
                }
                let text = strip_emphasis(&text);
                first_heading.get_or_insert_with(|| (written, text.to_string()));
                out.push(format!("{} {}", "#".repeat(level), text));
            }
            Block::Lines(ls) if bare[i] => {
                sections += 1;
                let text = strip_emphasis(ls[0].trim());
                first_heading.get_or_insert_with(|| (0, text.to_string()));
                out.push(format!("## {text}"));
            }
            Block::Lines(ls) => out.push(ls.join("\n")),
            Block::Rule => out.push("---".to_string()),
        }
    }
    (out.join("\n\n"), sections, first_heading)
}

/// Ids inside a marker's brackets: `1`, `1,2`, `1、2`, `1-3`, `@a; @b`, or a
/// reference id written without `@`.
fn marker_ids(inner: &str, ids: &BTreeMap<String, String>) -> Option<Vec<String>> {
    let t = inner.trim();
    if t.is_empty() {
        return None;
    }
    if t.starts_with('@') {
        let mut out = Vec::new();
        for part in t.split(';') {
            let id = part.trim().strip_prefix('@')?.trim();
            if id.is_empty() {
                return None;
            }
            out.push(id.to_string());
        }
        return Some(out);
    }
    if t.chars()
        .all(|c| c.is_ascii_digit() || ",、， -–〜~".contains(c))
        && t.starts_with(|c: char| c.is_ascii_digit())
    {
        let mut out = Vec::new();
        for part in t.split([',', '、', '，']) {
            let part = part.trim();
            if part.is_empty() {
                return None;
            }
            if let Some((a, b)) = part.split_once(['-', '–', '〜', '~']) {
                let (a, b): (u32, u32) = (a.trim().parse().ok()?, b.trim().parse().ok()?);
                if b < a || b - a > 20 {
                    return None;
                }
                out.extend((a..=b).map(|n| n.to_string()));
            } else if part.bytes().all(|b| b.is_ascii_digit()) {
                out.push(part.to_string());
            } else {
                return None;
            }
        }
        return Some(out);
    }
    ids.contains_key(t).then(|| vec![t.to_string()])
}

/// Normalizes the citation markers of one body line; markers without a
/// reference are escaped with a warning.
fn process_markers(
    line: &str,
    line_no: usize,
    ids: &BTreeMap<String, String>,
    used: &mut BTreeSet<String>,
    file: &Path,
    warnings: &mut Vec<Diagnostic>,
) -> String {
    let chars: Vec<char> = line.chars().collect();
    let mut out = String::with_capacity(line.len());
    let mut i = 0;
    let mut in_code = false;
    while i < chars.len() {
        let c = chars[i];
        if c == '`' {
            in_code = !in_code;
        }
        let close = match c {
            '[' => ']',
            '［' => '］',
            _ => {
                out.push(c);
                i += 1;
                continue;
            }
        };
        let escaped = i > 0 && chars[i - 1] == '\\';
        let Some(len) = chars[i + 1..]
            .iter()
            .position(|&x| x == close || x == '[' || x == '［')
            .filter(|&n| chars[i + 1 + n] == close)
        else {
            out.push(c);
            i += 1;
            continue;
        };
        let inner: String = chars[i + 1..i + 1 + len].iter().collect();
        let after = chars.get(i + 2 + len).copied();
        let footnote = inner.starts_with('^');
        let link = after == Some('(') || (after == Some(':') && out.trim().is_empty());
        let group = if in_code || escaped || footnote || link {
            None
        } else {
            marker_ids(&inner, ids)
        };
        let Some(group) = group else {
            out.push(c);
            i += 1;
            continue;
        };
        for id in group {
            if ids.contains_key(&id) {
                used.insert(id.clone());
                if id.bytes().all(|b| b.is_ascii_digit()) {
                    let _ = write!(out, "[{id}]");
                } else {
                    let _ = write!(out, "[@{id}]");
                }
            } else {
                warnings.push(
                    Diagnostic::warning(
                        "marker-without-reference",
                        format!("marker [{id}] has no reference; it is kept as plain text"),
                    )
                    .at(file, Pos::new(line_no, i + 1))
                    .help(format!(
                        "add [{id}] to the references list and import again, or add a citation with id \"{id}\" to the article"
                    )),
                );
                let _ = write!(out, "\\[{id}\\]");
            }
        }
        i += len + 2;
    }
    out
}

// ---------------------------------------------------------------------------
// References

/// The id and the rest of a reference line: `[1] …`, `- [1] …`, `1. …`,
/// `[^1]: …`; `(None, rest)` for a bullet without an id.
fn split_ref_start(line: &str) -> Option<(Option<String>, &str)> {
    let t = line.trim();
    let (bulleted, t) = match strip_bullet(t) {
        Some(r) => (true, r),
        None => (false, t),
    };
    for (open, close) in [('[', ']'), ('［', '］')] {
        if let Some(rest) = t.strip_prefix(open) {
            let end = rest.find(close)?;
            let id = rest[..end].trim().trim_start_matches('^').trim();
            let after = rest[end + close.len_utf8()..]
                .trim_start_matches([':', '.', ')'])
                .trim();
            if id.is_empty() || id.chars().count() > 40 {
                return None;
            }
            // `[Title](https://…)` is a Markdown link, not an id.
            if rest[end + close.len_utf8()..].starts_with('(') {
                return if bulleted { Some((None, t)) } else { None };
            }
            return Some((Some(id.to_string()), after));
        }
    }
    for (open, close) in [('(', ')'), ('（', '）')] {
        if let Some(rest) = t.strip_prefix(open) {
            let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
            if let Some(after) = rest[digits.len()..].strip_prefix(close) {
                if !digits.is_empty() && digits.len() <= 4 {
                    return Some((Some(digits), after.trim()));
                }
            }
        }
    }
    let digits: String = t.chars().take_while(char::is_ascii_digit).collect();
    if !digits.is_empty() && digits.len() <= 4 {
        let rest = &t[digits.len()..];
        for sep in [". ", ") ", "．", "）", "."] {
            if let Some(r) = rest.strip_prefix(sep) {
                return Some((Some(digits), r.trim()));
            }
        }
    }
    bulleted.then_some((None, t))
}

/// A citation id as brief accepts it: no spaces, brackets, `@`, `;` or `,`.
fn clean_id(id: &str) -> String {
    id.trim()
        .chars()
        .filter(|c| !"[]@;,".contains(*c))
        .map(|c| if c.is_whitespace() { '-' } else { c })
        .collect()
}

fn parse_references(
    lines: &[&str],
    ref_lines: &[usize],
    file: &Path,
) -> (Vec<Citation>, Vec<Diagnostic>) {
    let mut warnings = Vec::new();
    // Group continuation lines with their entry.
    let mut entries: Vec<(usize, Option<String>, String)> = Vec::new();
    for &i in ref_lines {
        let line = lines[i];
        if line.trim().is_empty() {
            continue;
        }
        match split_ref_start(line) {
            Some((id, rest)) => entries.push((i, id, rest.to_string())),
            None => {
                let continues = line.starts_with([' ', '\t'])
                    || line.trim_start().starts_with("http")
                    || line.trim_start().starts_with('<');
                match entries.last_mut() {
                    Some(last) if continues => {
                        last.2.push(' ');
                        last.2.push_str(line.trim());
                    }
                    // A reference without a number: it has a URL, a date or
                    // the separators of title and publisher.
                    _ if line.contains("http://")
                        || line.contains("https://")
                        || find_date(line).is_some()
                        || SEPARATORS.iter().any(|s| line.contains(s))
                        || line.contains('「') =>
                    {
                        entries.push((i, None, line.trim().to_string()))
                    }
                    _ => warnings.push(
                        Diagnostic::warning(
                            "reference-not-understood",
                            "this line of the references was left out",
                        )
                        .at(file, Pos::new(i + 1, 1))
                        .help("write one reference per line: [1] Title, Publisher, 2025-07-27, https://…"),
                    ),
                }
            }
        }
    }
    let mut citations: Vec<Citation> = Vec::new();
    let mut next_number = 1u32;
    for (i, id, rest) in entries {
        let id = match id.map(|s| clean_id(&s)).filter(|s| !s.is_empty()) {
            Some(id) => id,
            None => {
                while citations.iter().any(|c| c.id.0 == next_number.to_string()) {
                    next_number += 1;
                }
                warnings.push(
                    Diagnostic::warning(
                        "reference-without-id",
                        format!("this reference has no number; it gets the id {next_number}"),
                    )
                    .at(file, Pos::new(i + 1, 1))
                    .help(format!(
                        "cite it as [{next_number}], or number it in the input"
                    )),
                );
                next_number.to_string()
            }
        };
        if let Ok(n) = id.parse::<u32>() {
            next_number = next_number.max(n + 1);
        }
        if citations.iter().any(|c| c.id.0 == id) {
            warnings.push(
                Diagnostic::warning(
                    "duplicate-reference",
                    format!("reference [{id}] is listed twice; the second is left out"),
                )
                .at(file, Pos::new(i + 1, 1))
                .help("give each reference its own number"),
            );
            continue;
        }
        match parse_reference(&rest) {
            Ok((mut c, bad_url)) => {
                if let Some(u) = bad_url {
                    warnings.push(
                        Diagnostic::warning(
                            "bad-reference-url",
                            format!("reference [{id}]: {u}; the URL is left out"),
                        )
                        .at(file, Pos::new(i + 1, 1)),
                    );
                }
                c.id = CitationId(id);
                citations.push(c);
            }
            Err(()) => warnings.push(
                Diagnostic::warning(
                    "reference-not-understood",
                    format!("reference [{id}] has neither a title nor a URL; it is left out"),
                )
                .at(file, Pos::new(i + 1, 1)),
            ),
        }
    }
    (citations, warnings)
}

/// Finds an http(s) URL: its byte range in `s`.
fn find_url(s: &str) -> Option<std::ops::Range<usize>> {
    let lower = s.to_ascii_lowercase();
    let start = match (lower.find("https://"), lower.find("http://")) {
        (Some(a), Some(b)) => a.min(b),
        (a, b) => a.or(b)?,
    };
    let mut end = start;
    let mut depth = 0i32;
    for (j, c) in s[start..].char_indices() {
        if c.is_whitespace() || "<>\"「」『』【】、。，（）".contains(c) || (c == ')' && depth == 0)
        {
            break;
        }
        if c == '(' {
            depth += 1;
        } else if c == ')' {
            depth -= 1;
        }
        end = start + j + c.len_utf8();
    }
    while let Some(c) = s[start..end].chars().last() {
        if ".,;:!?]'".contains(c) {
            end -= c.len_utf8();
        } else {
            break;
        }
    }
    Some(start..end)
}

const MONTHS: &[&str] = &[
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

fn month_number(word: &str) -> Option<u8> {
    let w = word.trim_end_matches('.').to_lowercase();
    if w.len() < 3 {
        return None;
    }
    MONTHS
        .iter()
        .position(|m| m.starts_with(&w) && (w.len() >= 3))
        .map(|i| i as u8 + 1)
}

fn make_date(y: i32, m: u8, d: u8) -> Option<DateValue> {
    let month = time::Month::try_from(m).ok()?;
    let date = time::Date::from_calendar_date(y, month, d).ok()?;
    Some(DateValue {
        date,
        datetime: None,
    })
}

/// Finds a date: `2025-07-27`, `2025/7/27`, `2025.07.27`, `2025年7月27日`,
/// `July 27, 2025`, `27 July 2025`. Returns its byte range and value.
fn find_date(s: &str) -> Option<(std::ops::Range<usize>, DateValue)> {
    let chars: Vec<(usize, char)> = s.char_indices().collect();
    let num = |k: usize, max: usize| -> (Option<u32>, usize) {
        let mut n = 0u32;
        let mut len = 0;
        while k + len < chars.len() && chars[k + len].1.is_ascii_digit() && len < max {
            n = n * 10 + chars[k + len].1.to_digit(10).unwrap_or(0);
            len += 1;
        }
        ((len > 0).then_some(n), len)
    };
    let byte = |k: usize| chars.get(k).map_or(s.len(), |c| c.0);
    // The end of "July 27, 2025" and "27 July 2025": an optional comma, spaces
    // and a four-digit year starting at `j`; returns the end and the date.
    let year_after = |mut j: usize, m: u8, d: u8| -> Option<(usize, DateValue)> {
        if chars.get(j).is_some_and(|c| c.1 == ',') {
            j += 1;
        }
        while chars.get(j).is_some_and(|c| c.1 == ' ') {
            j += 1;
        }
        match num(j, 4) {
            (Some(y), 4) => make_date(y as i32, m, d).map(|v| (j + 4, v)),
            _ => None,
        }
    };
    for k in 0..chars.len() {
        if k > 0 && chars[k - 1].1.is_ascii_alphanumeric() {
            continue;
        }
        // Numeric, year first.
        if let (Some(y), 4) = num(k, 4) {
            let sep = chars.get(k + 4).map(|c| c.1);
            if let Some(sep @ ('-' | '/' | '.' | '年')) = sep {
                if let (Some(m), ml) = num(k + 5, 2) {
                    let sep2 = chars.get(k + 5 + ml).map(|c| c.1);
                    let want = if sep == '年' { '月' } else { sep };
                    if sep2 == Some(want) {
                        if let (Some(d), dl) = num(k + 6 + ml, 2) {
                            let mut end = k + 6 + ml + dl;
                            if sep == '年' && chars.get(end).map(|c| c.1) == Some('日') {
                                end += 1;
                            }
                            let next_digit = chars.get(end).is_some_and(|c| c.1.is_ascii_digit());
                            if !next_digit {
                                if let Some(v) = make_date(y as i32, m as u8, d as u8) {
                                    return Some((byte(k)..byte(end), v));
                                }
                            }
                        }
                    }
                }
            }
        }
        // Month name first: July 27, 2025
        if chars[k].1.is_ascii_alphabetic() {
            let word_end = (k..chars.len())
                .find(|&j| !chars[j].1.is_ascii_alphabetic() && chars[j].1 != '.')
                .unwrap_or(chars.len());
            let word: String = chars[k..word_end].iter().map(|c| c.1).collect();
            if let Some(m) = month_number(&word) {
                let mut j = word_end;
                while chars.get(j).is_some_and(|c| c.1 == ' ') {
                    j += 1;
                }
                if let (Some(d), dl) = num(j, 2) {
                    if let Some((end, v)) = year_after(j + dl, m, d as u8) {
                        return Some((byte(k)..byte(end), v));
                    }
                }
            }
        }
        // Day first: 27 July 2025
        if let (Some(d), dl @ 1..=2) = num(k, 2) {
            let mut j = k + dl;
            if chars.get(j).is_some_and(|c| c.1 == ' ') {
                j += 1;
                let word_end = (j..chars.len())
                    .find(|&x| !chars[x].1.is_ascii_alphabetic() && chars[x].1 != '.')
                    .unwrap_or(chars.len());
                let word: String = chars[j..word_end].iter().map(|c| c.1).collect();
                if let Some(m) = month_number(&word) {
                    if let Some((end, v)) = year_after(word_end, m, d as u8) {
                        return Some((byte(k)..byte(end), v));
                    }
                }
            }
        }
    }
    None
}

const SEPARATORS: &[&str] = &[", ", " - ", " – ", " — ", "／", " / ", " | ", "，"];

fn trim_separators(s: &str) -> &str {
    let mut t = s.trim_matches(|c: char| c.is_whitespace() || ",，、;；|／/-–—:：".contains(c));
    // One final full stop (not an ellipsis).
    if (t.ends_with('.') && !t.ends_with("..")) || t.ends_with('。') {
        t = &t[..t.len() - t.chars().last().map_or(0, char::len_utf8)];
        t = t.trim_end();
    }
    t
}

/// Removes `()`, `（）`, `<>` and `[]` left empty after cutting URL and date.
fn drop_empty_brackets(s: &str) -> String {
    let mut t = s.split_whitespace().collect::<Vec<_>>().join(" ");
    loop {
        let before = t.len();
        for (from, to) in [
            ("( ", "("),
            (" )", ")"),
            ("（ ", "（"),
            (" ）", "）"),
            (",)", ")"),
            ("、）", "）"),
            ("，）", "）"),
            ("()", ""),
            ("（）", ""),
            ("<>", ""),
            ("[]", ""),
        ] {
            t = t.replace(from, to);
        }
        if t.len() == before {
            return t;
        }
    }
}

/// Whether the date at `start..end` stands apart from the title: between
/// separators or brackets, not inside words such as `（2025年7月20日時点）`.
fn standalone(s: &str, start: usize, end: usize) -> bool {
    let lc = s[..start].trim_end().chars().last();
    let rc = s[end..].trim_start().chars().next();
    let left_ok = lc.is_none_or(|c| ",、，／/-–—(（[|:：」』\"”;".contains(c));
    let right_ok = rc.is_none_or(|c| ",、，／/-–—)）(（[|.。;".contains(c));
    let paren_ok = match lc {
        Some('(') => rc == Some(')'),
        Some('（') => rc == Some('）'),
        _ => true,
    };
    left_ok && right_ok && paren_ok
}

/// Takes the publication and access dates out of a reference.
fn take_dates(rest: &mut String) -> (Option<DateValue>, Option<DateValue>) {
    const BEFORE: &[&str] = &[
        "accessed on",
        "accessed",
        "retrieved on",
        "retrieved",
        "viewed",
        "閲覧日",
        "閲覧",
        "アクセス日",
        "参照日",
    ];
    const AFTER: &[&str] = &["閲覧", "アクセス", "参照"];
    let mut published = None;
    let mut accessed = None;
    let mut from = 0;
    while from < rest.len() {
        let Some((r, v)) = find_date(&rest[from..]) else {
            break;
        };
        let (mut start, mut end) = (from + r.start, from + r.end);
        let mut is_accessed = false;
        let after = rest[end..].trim_start();
        if let Some(w) = AFTER.iter().find(|w| after.starts_with(**w)) {
            end = rest.len() - after.len() + w.len();
            is_accessed = true;
        }
        let before = rest[..start].to_ascii_lowercase();
        let before = before.trim_end().trim_end_matches([':', '：']).trim_end();
        if let Some(w) = BEFORE.iter().find(|w| before.ends_with(**w)) {
            start = before.len() - w.len();
            is_accessed = true;
        }
        if !standalone(rest, start, end) {
            from += r.end;
            continue;
        }
        if is_accessed {
            accessed = accessed.or(Some(v));
        } else {
            published = published.or(Some(v));
        }
        rest.replace_range(start..end, " ");
        from = start + 1;
    }
    (published, accessed)
}

/// Splits one reference into title, publisher, date and URL.
/// Returns the citation (id unset) and, if a URL was refused, why.
fn parse_reference(text: &str) -> Result<(Citation, Option<String>), ()> {
    let mut rest = text.trim().to_string();
    let mut bad_url = None;
    let mut url = None;
    let mut md_title = None;
    if let Some(r) = find_url(&rest) {
        let u = rest[r.clone()].to_string();
        // A Markdown link `[Title](url)`.
        let before = &rest[..r.start];
        if let Some(open) = before
            .strip_suffix("](")
            .and_then(|b| b.rfind('[').map(|i| (i, b)))
        {
            let (i, b) = open;
            md_title = Some(b[i + 1..].to_string());
            let close = rest[r.end..].find(')').map_or(r.end, |k| r.end + k + 1);
            rest.replace_range(i..close, " ");
        } else {
            rest.replace_range(r, " ");
        }
        match HttpUrl::check(&u) {
            Ok(h) => url = Some(h),
            Err(e) => bad_url = Some(e),
        }
    }
    let (published, accessed) = take_dates(&mut rest);
    let rest = drop_empty_brackets(&rest);
    let rest = rest.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut body = trim_separators(&rest).to_string();
    let mut publisher = None;

    // A quoted title: 「…」Publisher, Publisher「…」, “…” Publisher.
    let mut title = None;
    for (open, close) in [("「", "」"), ("『", "』"), ("“", "”"), ("\"", "\"")] {
        let Some(start) = body.find(open) else {
            continue;
        };
        let inner = &body[start + open.len()..];
        let Some(end) = inner.find(close) else {
            continue;
        };
        let before = trim_separators(&body[..start]);
        let after = trim_separators(&inner[end + close.len()..]);
        if before.chars().count() > 40 || inner[..end].trim().is_empty() {
            continue;
        }
        title = Some(inner[..end].trim().to_string());
        let p = match (before.is_empty(), after.is_empty()) {
            (true, true) => None,
            (false, true) => Some(before.to_string()),
            (true, false) => Some(after.to_string()),
            (false, false) => Some(format!("{before}, {after}")),
        };
        publisher = p;
        break;
    }
    if title.is_none() {
        if let Some(t) = md_title {
            title = Some(t.trim().to_string());
            let p = trim_separators(&body).to_string();
            if !p.is_empty() {
                publisher = Some(p);
            }
        }
    }
    if title.is_none() {
        // The last separator splits off a short publisher.
        let split = SEPARATORS
            .iter()
            .filter_map(|sep| body.rfind(sep).map(|i| (i, sep.len())))
            .max_by_key(|(i, _)| *i);
        if let Some((i, len)) = split {
            let (t, p) = (
                trim_separators(&body[..i]),
                trim_separators(&body[i + len..]),
            );
            if !t.is_empty()
                && !p.is_empty()
                && p.chars().count() <= 60
                && p.split_whitespace().count() <= 8
                && !p.ends_with('…')
            {
                publisher = Some(p.to_string());
                body = t.to_string();
            }
        }
        title = Some(body.clone());
    }
    let mut title = title.unwrap_or_default();
    if title.is_empty() {
        if let Some(p) = publisher.take() {
            title = p;
        } else if let Some(u) = &url {
            title =
                u.0.split_once("://")
                    .map_or(u.0.as_str(), |x| x.1)
                    .to_string();
        } else {
            return Err(());
        }
    }
    Ok((
        Citation {
            id: CitationId(String::new()),
            title,
            publisher,
            author: None,
            url,
            published,
            accessed,
            lang: None,
        },
        bad_url,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refp(s: &str) -> Citation {
        parse_reference(s).unwrap().0
    }

    #[test]
    fn references() {
        let c = refp("Title of the source, Publisher, 2025-07-27, https://example.org/a");
        assert_eq!(c.title, "Title of the source");
        assert_eq!(c.publisher.as_deref(), Some("Publisher"));
        assert_eq!(c.published.unwrap().ymd(), "2025-07-27");
        assert_eq!(c.url.unwrap().0, "https://example.org/a");

        let c = refp("上海市の補助制度について詳しく解説した記事…");
        assert_eq!(c.title, "上海市の補助制度について詳しく解説した記事…");
        assert!(c.url.is_none());

        let c = refp("Title (https://example.org/x).");
        assert_eq!(c.title, "Title");
        assert_eq!(c.url.unwrap().0, "https://example.org/x");

        let c = refp("「上海市、AI企業に補助」日本経済新聞、2025年7月30日（2025年9月1日閲覧）");
        assert_eq!(c.title, "上海市、AI企業に補助");
        assert_eq!(c.publisher.as_deref(), Some("日本経済新聞"));
        assert_eq!(c.published.unwrap().ymd(), "2025-07-30");
        assert_eq!(c.accessed.unwrap().ymd(), "2025-09-01");

        let c = refp("東京都「行政におけるAI調達指針（案）」、2025-10-14");
        assert_eq!(c.title, "行政におけるAI調達指針（案）");
        assert_eq!(c.publisher.as_deref(), Some("東京都"));

        let c = refp("A report - Some Institute, July 27, 2025");
        assert_eq!(c.title, "A report");
        assert_eq!(c.publisher.as_deref(), Some("Some Institute"));
        assert_eq!(c.published.unwrap().ymd(), "2025-07-27");

        let c = refp("Compute policy／経済産業省");
        assert_eq!(c.publisher.as_deref(), Some("経済産業省"));

        let c = refp("[Shanghai voucher scheme](https://example.org/v) Reuters");
        assert_eq!(c.title, "Shanghai voucher scheme");
        assert_eq!(c.publisher.as_deref(), Some("Reuters"));
        assert_eq!(c.url.unwrap().0, "https://example.org/v");
    }

    #[test]
    fn reference_starts() {
        assert_eq!(split_ref_start("- [1] T"), Some((Some("1".into()), "T")));
        assert_eq!(split_ref_start("[12]: T"), Some((Some("12".into()), "T")));
        assert_eq!(split_ref_start("3. T"), Some((Some("3".into()), "T")));
        assert_eq!(split_ref_start("・T"), Some((None, "T")));
        assert_eq!(split_ref_start("continued"), None);
        assert_eq!(split_ref_start("（7）T"), Some((Some("7".into()), "T")));
        assert_eq!(split_ref_start("(7) T"), Some((Some("7".into()), "T")));
    }

    #[test]
    fn markers() {
        let ids: BTreeMap<String, String> = ["1", "2", "4", "smith"]
            .iter()
            .map(|s| (s.to_string(), s.to_string()))
            .collect();
        let mut used = BTreeSet::new();
        let mut w = Vec::new();
        let f = Path::new("x.txt");
        let out = process_markers(
            "a[1] b［2］ c[1,2] d[3] e[smith] f[x](y) `[3]`",
            1,
            &ids,
            &mut used,
            f,
            &mut w,
        );
        assert_eq!(out, "a[1] b[2] c[1][2] d\\[3\\] e[@smith] f[x](y) `[3]`");
        assert_eq!(w.len(), 1);
        assert_eq!(w[0].pos, Some(Pos::new(1, 19)));
        let out = process_markers("[2-4]", 1, &ids, &mut used, f, &mut w);
        assert_eq!(out, "[2]\\[3\\][4]");
    }

    #[test]
    fn languages() {
        assert_eq!(detect_language("上海市は補助を打ち出した。"), "ja");
        assert_eq!(detect_language("上海市推出算力补贴"), "zh");
        assert_eq!(detect_language("상하이시는 보조금을 발표했다"), "ko");
        assert_eq!(detect_language("Shanghai launched a subsidy."), "en");
        assert_eq!(detect_language("أعلنت شنغهاي عن دعم"), "ar");
    }

    #[test]
    fn notices() {
        assert!(is_ai_notice("この記事は生成AIを活用しています。"));
        assert!(is_ai_notice("※本記事は生成AIを利用して作成しました"));
        assert!(is_ai_notice(
            "This article was generated with the help of AI."
        ));
        assert!(is_ai_notice(
            "*Written with the assistance of generative AI.*"
        ));
        assert!(!is_ai_notice("企業は生成AIの規制を議論した。"));
        let doc = |s: &str| recognize(s, Path::new("x")).unwrap();
        let d = doc("Title\n\nText.\n\n企業は生成AIを活用して業務を効率化している。\n");
        assert!(!d.ai_notice, "a sentence about AI is not a notice");
        let d = doc("Title\n\nText.\n\n生成AIを活用して作成しました。\n");
        assert!(d.ai_notice && !d.body.contains("生成AI"));
        let d = doc("この記事は生成AIを活用しています。\nTitle\n\nText.\n\nMore.\n\nEnd.\n");
        assert!(d.ai_notice);
        assert_eq!(d.title, "Title");
        assert_eq!(
            d.notice_lines,
            [(1, "この記事は生成AIを活用しています。".to_string())]
        );
    }

    #[test]
    fn slugs() {
        assert_eq!(
            derive_slug("Shanghai's voucher plan", "x"),
            Some("shanghai-s-voucher-plan".into())
        );
        assert_eq!(
            derive_slug("上海市の補助", "ja-briefing"),
            Some("ja-briefing".into())
        );
        assert_eq!(
            derive_slug("上海市の補助", "___"),
            Some("上海市の補助".into())
        );
    }

    #[test]
    fn recognizes_markdown_from_chat_tools() {
        let text = "※本記事は生成AIを利用して作成しました。\n\n**Compute policy in brief**\n\n## Key points\n- One [1]\n- Two\n\nIntro paragraph [1].\n\n**Why it matters**\n\n    Indented text [2].\n\n```\ncode [9]\n\nmore\n```\n\n### Sources\n1. First https://example.org/1\n";
        let doc = recognize(text, Path::new("x.md")).unwrap();
        assert!(doc.ai_notice);
        assert_eq!(doc.title, "Compute policy in brief");
        assert_eq!(doc.key_points, ["One", "Two"]);
        assert!(doc.body.starts_with("Intro paragraph [1]."), "{}", doc.body);
        assert!(
            doc.body
                .contains("## Why it matters\n\nIndented text \\[2\\]."),
            "{}",
            doc.body
        );
        assert!(
            doc.body.contains("```\ncode [9]\n\nmore\n```"),
            "{}",
            doc.body
        );
        assert_eq!(doc.citations.len(), 1);
        assert_eq!(doc.sections, 1);
        assert!(!doc.body.contains("生成AI"));
    }

    #[test]
    fn markers_leave_title_and_key_points() {
        assert_eq!(strip_markers("公表した[1]。"), "公表した。");
        assert_eq!(strip_markers("Point [2][3]"), "Point");
        assert_eq!(strip_markers("Keep [this] ［2］x"), "Keep [this]x");
    }

    #[test]
    fn dates_inside_titles_stay() {
        let c = refp("各社の対応一覧（2025年7月20日時点）");
        assert_eq!(c.title, "各社の対応一覧（2025年7月20日時点）");
        assert!(c.published.is_none());
        let c = refp("Report (2025-07-10), Agency");
        assert_eq!(c.title, "Report");
        assert_eq!(c.publisher.as_deref(), Some("Agency"));
        let c = refp("Report, Agency (accessed 2025-09-01)");
        assert_eq!(c.publisher.as_deref(), Some("Agency"));
        assert_eq!(c.accessed.unwrap().ymd(), "2025-09-01");
    }

    #[test]
    fn rules_around_the_text_go() {
        let doc = recognize(
            "Title\n\nText [1].\nmore\n---\nPara.\n\n---\n\nSources\n[1] A, B\n",
            Path::new("x"),
        )
        .unwrap();
        assert_eq!(doc.body, "Text [1].\nmore\n\n---\n\nPara.");
    }

    fn codes(doc: &Recognized) -> Vec<&'static str> {
        doc.warnings.iter().map(|w| w.code).collect()
    }

    #[test]
    fn one_paragraph_per_line_without_blank_lines() {
        let text = "- Point one.\n- Point two.\nThe title\nFirst paragraph [1]. It ends here.\nSecond paragraph.\nA short heading\nThird paragraph [1][2].\nThe list:\n- alpha\n- beta\n1. first\n2. second\n## Written heading\nFourth paragraph.\n```\ncode\n```\nFifth paragraph.\nSources\n[1] A, B\n[2] C, D\nThis briefing was prepared with the help of generative AI.\n";
        let doc = recognize(text, Path::new("x")).unwrap();
        assert_eq!(doc.title, "The title");
        assert_eq!(doc.key_points, ["Point one.", "Point two."]);
        assert!(doc.ai_notice);
        assert_eq!(doc.sections, 2);
        assert_eq!(
            doc.body,
            "First paragraph [1]. It ends here.\n\nSecond paragraph.\n\n## A short heading\n\nThird paragraph [1][2].\n\nThe list:\n\n- alpha\n- beta\n\n1. first\n2. second\n\n## Written heading\n\nFourth paragraph.\n\n```\ncode\n```\n\nFifth paragraph."
        );
        let ja = "自治体のAI調達\n都は指針案を公表した[1]。意見を募る。\n指針案の中身\n事前の評価を求める[1]。\n運用後も監査する。\n参考文献\n[1] 東京都「指針案」、2025-10-14\n";
        let doc = recognize(ja, Path::new("x")).unwrap();
        assert_eq!(
            doc.body,
            "都は指針案を公表した[1]。意見を募る。\n\n## 指針案の中身\n\n事前の評価を求める[1]。\n\n運用後も監査する。"
        );
    }

    #[test]
    fn wrapped_paragraphs_stay_whole() {
        // Lines cut by width, not one per paragraph: no line mode.
        let text = "Title\nThe working group met on Tuesday and agreed\non a timetable for the draft, which will\ncirculate in November.\n";
        let doc = recognize(text, Path::new("x")).unwrap();
        assert_eq!(
            doc.body,
            "The working group met on Tuesday and agreed\non a timetable for the draft, which will\ncirculate in November."
        );
        assert_eq!(doc.sections, 0);
    }

    #[test]
    fn date_and_lead_lines() {
        for (line, ymd) in [
            ("2025年7月28日", "2025-07-28"),
            ("2025年7月28日（月）", "2025-07-28"),
            ("2025-07-28", "2025-07-28"),
            ("July 28, 2025", "2025-07-28"),
            ("Monday, July 28, 2025", "2025-07-28"),
            ("Date: 2025-07-28", "2025-07-28"),
            ("公開日：2025/7/28", "2025-07-28"),
            ("**28 July 2025**", "2025-07-28"),
        ] {
            assert_eq!(
                date_line(line).map(|d| d.ymd()).as_deref(),
                Some(ymd),
                "{line}"
            );
        }
        for line in [
            "東京都は2025年7月28日に公表した。",
            "Report of 2025-07-28 on AI",
            "2025年7月",
        ] {
            assert!(date_line(line).is_none(), "{line}");
        }
        assert_eq!(
            lead_line("要約：都が指針案を公表した。").as_deref(),
            Some("都が指針案を公表した。")
        );
        assert_eq!(
            lead_line("**Summary:** The draft is out.").as_deref(),
            Some("The draft is out.")
        );
        assert_eq!(lead_line("【リード】都が公表").as_deref(), Some("都が公表"));
        assert!(lead_line("概要").is_none());
        assert!(lead_line("Note: this is not a lead.").is_none());

        let doc = recognize(
            "- Point.\nThe title\n2025年7月28日\n要約：都が指針案を公表した[1]。\nText [1].\nMore text.\nSources\n[1] A, B\n",
            Path::new("x"),
        )
        .unwrap();
        assert_eq!(doc.date, Some((3, "2025-07-28".to_string())));
        assert_eq!(doc.summary.as_deref(), Some("都が指針案を公表した。"));
        assert_eq!(doc.title_line, 2);
        assert_eq!(doc.body, "Text [1].\n\nMore text.");
        assert!(!codes(&doc).contains(&"no-summary"));
        let text = article_text(&doc, "2025-07-28");
        assert!(
            text.contains("summary: \"都が指針案を公表した。\"\n"),
            "{text}"
        );

        // A date before the title is not the title.
        let doc = recognize("July 28, 2025\nThe title\n\nText.\n", Path::new("x")).unwrap();
        assert_eq!(doc.title, "The title");
        assert_eq!(doc.date, Some((1, "2025-07-28".to_string())));
        let w = doc
            .warnings
            .iter()
            .find(|w| w.code == "no-summary")
            .unwrap();
        assert_eq!(w.pos, Some(Pos::new(2, 1)));
    }

    #[test]
    fn a_title_like_the_headings_is_flagged() {
        let doc = recognize(
            "Background\n\nText.\n\nBackground\n\nMore.\n",
            Path::new("x"),
        )
        .unwrap();
        assert!(
            codes(&doc).contains(&"title-is-heading"),
            "{:?}",
            codes(&doc)
        );
        let doc = recognize("## 背景\n本文です。\n## 論点\n本文です。\n", Path::new("x")).unwrap();
        assert!(
            codes(&doc).contains(&"title-is-heading"),
            "{:?}",
            codes(&doc)
        );
        let doc = recognize("# Title\n\nText.\n\n## Section\n\nMore.\n", Path::new("x")).unwrap();
        assert!(!codes(&doc).contains(&"title-is-heading"));
    }

    #[test]
    fn slugs_need_ascii_letters() {
        assert_eq!(
            title_slug("Brussels – the AI rules"),
            Some("brussels-the-ai-rules".into())
        );
        assert_eq!(title_slug("上海市の補助"), None);
        assert_eq!(title_slug("Café policy"), None);
    }

    #[test]
    fn dates() {
        assert_eq!(find_date("x 2025/7/3 y").unwrap().1.ymd(), "2025-07-03");
        assert_eq!(find_date("27 July 2025").unwrap().1.ymd(), "2025-07-27");
        assert!(find_date("2025-13-01").is_none());
        assert!(find_date("12345-01-01").is_none());
    }
}
