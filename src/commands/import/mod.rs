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
//!
//! The parts: `recognize` finds the structure (with `lines` telling what
//! one line is, `body` turning the body lines into Markdown, `references`
//! reading the references list and `notice` finding the AI notice);
//! `language` guesses the language; this module plans, checks and writes
//! the files (front-matter by [`crate::commands::frontmatter_writer`]).

mod body;
mod language;
mod lines;
mod notice;
mod recognize;
mod references;

use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use crate::base::diag::{Diagnostic, Diagnostics, Pos};
use crate::commands::common::{self, Loaded};
use crate::commands::frontmatter_writer::{self, Comments, Fields};
use crate::input::config::Config;
use crate::parse::disclosure::{AiField, AiLevel};
use crate::parse::frontmatter::DateValue;
use crate::pipeline::build::Failure;

use language::detect_configured;
pub use language::detect_language;
pub use notice::is_ai_notice;
pub use recognize::{recognize, Recognized};

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
    let loaded = common::load_site(&opts.root)?;
    let config = &loaded.config;
    if opts.slug.is_some() && opts.files.len() > 1 {
        return Err(Diagnostic::error(
            "usage",
            "--slug names one article, but several files were given",
        )
        .help("import the files one by one, or leave out --slug to derive each slug from its title")
        .into());
    }
    if let Some(lang) = &opts.lang {
        common::check_language(config, lang, "language")?;
    }
    let date = match &opts.date {
        Some(d) => match DateValue::parse(d) {
            Some(v) => Some(v.to_string()),
            None => {
                return Err(
                    Diagnostic::error("usage", format!("--date `{d}` is not a date"))
                        .help("write YYYY-MM-DD, e.g. 2025-07-28")
                        .into(),
                )
            }
        },
        None => None,
    };
    if let Some(slug) = &opts.slug {
        if !common::is_given_slug_ok(slug) {
            return Err(
                Diagnostic::error("bad-slug", format!("`{slug}` is not a safe slug"))
                    .help(format!(
                        "use lowercase letters, digits and hyphens, e.g. `{}`",
                        crate::base::text::slugify(slug)
                    ))
                    .into(),
            );
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
                                common::display_rel(&p.rel)
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
        common::write_new(&opts.root, &p.rel, &p.text, opts.force)?;
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
        common::display_rel(&p.rel)
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
                crate::base::text::truncate(text, 50)
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
    loaded: &Loaded,
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
    // Not UTF-8, or Japanese text in another encoding (ISO-2022-JP is
    // 7-bit and would otherwise become a title of escape sequences).
    let text = crate::input::decode::decode(bytes, &shown).map_err(|d| vec![d])?;
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
            let today = common::today();
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
            format!("{} already exists", common::display_rel(&rel)),
        )
        .in_file(&rel)
        .help(
            "pass --force to overwrite it, or --slug to import under another name",
        )]);
    }
    // As for `new`, but the way out is --slug.
    common::check_slug_free(loaded, &lang, &slug, &rel_path)
        .map_err(|d| vec![d.help("pass --slug with another slug")])?;

    let text = article_text(&doc, &date);
    if let Err(e) = common::validate(&text, &lang, &rel_path, config, &loaded.locales) {
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
    // The source's own wording survives as the page's notice; no review is
    // recorded, because the input says nothing of one.
    let ai = doc.ai_notice.then(|| {
        let notice: Vec<&str> = doc.notice_lines.iter().map(|(_, t)| t.as_str()).collect();
        AiField {
            level: AiLevel::Generated,
            reviewed_by: None,
            reviewed_on: None,
            notice: Some(notice.join(" ")),
        }
    });
    let fields = Fields {
        title: doc.title.clone(),
        date: date.to_string(),
        summary: doc.summary.clone(),
        key_points: Some(doc.key_points.clone()).filter(|k| !k.is_empty()),
        ai,
        citations: Some(doc.citations.clone()).filter(|c| !c.is_empty()),
        ..Default::default()
    };
    let mut s = frontmatter_writer::write(&fields, &Comments::default());
    s.push('\n');
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

#[cfg(test)]
mod tests {
    use super::*;

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
    fn slugs_need_ascii_letters() {
        assert_eq!(
            title_slug("Brussels – the AI rules"),
            Some("brussels-the-ai-rules".into())
        );
        assert_eq!(title_slug("上海市の補助"), None);
        assert_eq!(title_slug("Café policy"), None);
    }
}
