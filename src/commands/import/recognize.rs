//! Text → structure: notice, references, date and lead lines, key points,
//! title and body of a plain-text briefing (see the module above for the
//! shapes recognized).

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use super::body::{assemble_body, process_markers, single_line_paragraphs, strip_markers};
use super::lines::{
    clean_title, date_line, explicit_heading, is_fence, is_key_points_label, lead_line,
    strip_bullet,
};
use super::notice::notice_lines;
use super::references::{is_references_heading, parse_references, references_block};
use crate::base::diag::{Diagnostic, Pos};
use crate::parse::frontmatter::Citation;

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

/// The input's lines, and which of them a step has taken out of the body
/// (notice, date and lead lines).
pub(super) struct Lines<'t> {
    pub lines: Vec<&'t str>,
    /// Indexes of the lines with text.
    pub nonblank: Vec<usize>,
    pub removed: Vec<bool>,
    pub file: &'t Path,
}

impl<'t> Lines<'t> {
    fn new(text: &'t str, file: &'t Path) -> Self {
        let lines: Vec<&str> = text.lines().map(str::trim_end).collect();
        let nonblank = (0..lines.len())
            .filter(|&i| !lines[i].trim().is_empty())
            .collect();
        let removed = vec![false; lines.len()];
        Lines {
            lines,
            nonblank,
            removed,
            file,
        }
    }

    /// Indexes of the lines before `end` that no step took.
    fn kept_before(&self, end: usize) -> Vec<usize> {
        (0..end).filter(|&i| !self.removed[i]).collect()
    }

    fn is_blank(&self, i: usize) -> bool {
        self.lines[i].trim().is_empty()
    }
}

/// Recognizes the parts of a plain-text briefing. `file` is for diagnostics.
///
/// The steps, in order: the AI notice, the references (from the end), the
/// date and lead lines near the title, the head (key points and title), the
/// body; then the warnings about the whole.
pub fn recognize(text: &str, file: &Path) -> Result<Recognized, Vec<Diagnostic>> {
    let mut input = Lines::new(text, file);
    let mut doc = Recognized::default();
    // The references heading: the last one.
    let refs_at = (0..input.lines.len())
        .rev()
        .find(|&i| is_references_heading(input.lines[i]));
    take_notice(&mut input, refs_at, &mut doc);
    let body_end = take_references(&input, refs_at, &mut doc);
    take_date_and_lead(&mut input, body_end, &mut doc);
    let body_idx = input.kept_before(body_end);
    let (title_line, body_start) = read_head(&input, &body_idx, &mut doc)?;
    let (used, first_heading) = read_body(&input, &body_idx[body_start..], &mut doc);
    warn_about_the_whole(&input, title_line, first_heading, &used, &mut doc);
    Ok(doc)
}

/// Takes the AI-notice lines out (see [`notice_lines`]).
fn take_notice(input: &mut Lines, refs_at: Option<usize>, doc: &mut Recognized) {
    for i in notice_lines(input, refs_at) {
        input.removed[i] = true;
        doc.ai_notice = true;
        doc.notice_lines
            .push((i + 1, input.lines[i].trim().to_string()));
    }
}

/// Reads the references list; returns where the body ends.
fn take_references(input: &Lines, refs_at: Option<usize>, doc: &mut Recognized) -> usize {
    let file = input.file;
    let (body_end, ref_lines) = references_block(input, refs_at);
    doc.references_found = refs_at.is_some() || !ref_lines.is_empty();
    let (citations, ref_warnings) = parse_references(&input.lines, &ref_lines, file);
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
    body_end
}

/// A date line and a lead line near the title: among the first lines that
/// are not key points (the title and the two lines after it, or a line
/// before the title). Both are taken out of the body.
fn take_date_and_lead(input: &mut Lines, body_end: usize, doc: &mut Recognized) {
    let lines = &input.lines;
    let mut seen = 0;
    let mut text_seen = 0;
    for (i, &line) in lines.iter().enumerate().take(body_end) {
        if input.removed[i] || line.trim().is_empty() {
            continue;
        }
        if strip_bullet(line).is_some() || is_key_points_label(line) {
            continue;
        }
        seen += 1;
        if seen > 4 {
            break;
        }
        if doc.date.is_none() {
            if let Some(d) = date_line(line) {
                doc.date = Some((i + 1, d.ymd()));
                input.removed[i] = true;
                continue;
            }
        }
        // Not the first text line: that is the title.
        text_seen += 1;
        if doc.summary.is_none() && text_seen > 1 {
            if let Some(lead) = lead_line(line) {
                doc.summary = Some(strip_markers(&lead));
                input.removed[i] = true;
            }
        }
    }
}

/// Bullets from `*pos` on (blank lines between them skipped), stripped of
/// markers; `*pos` is left after the last.
fn read_bullets(input: &Lines, idx: &[usize], pos: &mut usize) -> Vec<String> {
    let mut points = Vec::new();
    loop {
        skip_blank(input, idx, pos);
        match idx.get(*pos).and_then(|&i| strip_bullet(input.lines[i])) {
            Some(b) => {
                points.push(strip_markers(b));
                *pos += 1;
            }
            None => return points,
        }
    }
}

fn skip_blank(input: &Lines, idx: &[usize], pos: &mut usize) {
    while *pos < idx.len() && input.is_blank(idx[*pos]) {
        *pos += 1;
    }
}

/// The head: key points (optionally under a label), the title, and key
/// points after the title when there were none before. Returns the title's
/// index in the input and the position in `body_idx` where the body starts.
fn read_head(
    input: &Lines,
    body_idx: &[usize],
    doc: &mut Recognized,
) -> Result<(usize, usize), Vec<Diagnostic>> {
    let (lines, file) = (&input.lines, input.file);
    let mut pos = 0;
    skip_blank(input, body_idx, &mut pos);
    if pos < body_idx.len() && is_key_points_label(lines[body_idx[pos]]) {
        let mut p = pos + 1;
        skip_blank(input, body_idx, &mut p);
        if p < body_idx.len() && strip_bullet(lines[body_idx[p]]).is_some() {
            pos = p;
        }
    }
    doc.key_points = read_bullets(input, body_idx, &mut pos);
    skip_blank(input, body_idx, &mut pos);
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
        skip_blank(input, body_idx, &mut p);
        if p < body_idx.len() && is_key_points_label(lines[body_idx[p]]) {
            p += 1;
        }
        let points = read_bullets(input, body_idx, &mut p);
        if !points.is_empty() {
            doc.key_points = points;
            pos = p;
        }
    }
    Ok((title_line, pos))
}

/// The body: markers first (line by line, for positions; code blocks left
/// alone), then blocks. Returns the citation ids cited and the first heading.
fn read_body(
    input: &Lines,
    body_idx: &[usize],
    doc: &mut Recognized,
) -> (BTreeSet<String>, Option<(usize, String)>) {
    let lines = &input.lines;
    let ids: BTreeMap<String, String> = doc
        .citations
        .iter()
        .map(|c| (c.id.0.clone(), c.id.0.clone()))
        .collect();
    let mut used: BTreeSet<String> = BTreeSet::new();
    let mut body_lines: Vec<(usize, String)> = Vec::new();
    let mut in_fence = false;
    for &i in body_idx {
        let fence = is_fence(lines[i]);
        if fence {
            in_fence = !in_fence;
        }
        let line = if fence || in_fence {
            lines[i].to_string()
        } else {
            process_markers(
                lines[i],
                i + 1,
                &ids,
                &mut used,
                input.file,
                &mut doc.warnings,
            )
        };
        body_lines.push((i, line));
    }
    let line_mode = single_line_paragraphs(&body_lines);
    let (body, sections, first_heading) = assemble_body(&body_lines, line_mode);
    doc.body = body;
    doc.sections = sections;
    (used, first_heading)
}

/// Warnings about the result: no summary, a title that looks like a section
/// heading, references never cited.
fn warn_about_the_whole(
    input: &Lines,
    title_line: usize,
    first_heading: Option<(usize, String)>,
    used: &BTreeSet<String>,
    doc: &mut Recognized,
) {
    let file = input.file;
    if doc.summary.is_none() {
        doc.warnings.push(
            Diagnostic::warning("no-summary", "no summary was found; the article has none")
                .at(file, Pos::new(doc.title_line, 1))
                .help("put a lead line after the title, e.g. `Summary: …` or `要約：…`, or add `summary:` to the article's front-matter"),
        );
    }
    let title_level = explicit_heading(input.lines[title_line])
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
}

#[cfg(test)]
mod tests {
    use super::super::article_text;
    use super::super::lines::{date_line, lead_line};
    use super::*;

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
}
