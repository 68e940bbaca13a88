//! The body: citation markers normalized line by line, then lines grouped
//! into blocks and written as Markdown (`##` headings, `- ` bullets).

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::Path;

use super::lines::{
    ends_sentence, explicit_heading, heading_candidate, is_fence, is_rule, numbered_item,
    strip_bullet, strip_emphasis,
};
use crate::base::diag::{Diagnostic, Pos};

/// Text without citation markers, for the title and key points, which are
/// not Markdown: `公表した[1]` → `公表した`.
pub(super) fn strip_markers(s: &str) -> String {
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

/// Whether the body is written one paragraph per line, without blank lines:
/// no blank line between its first and last line (code blocks aside), and
/// at least two lines, and at least half of the lines of text, end a sentence.
pub(super) fn single_line_paragraphs(lines: &[(usize, String)]) -> bool {
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
pub(super) fn assemble_body(
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

/// Ids inside a marker's brackets: the markers the build reads
/// ([`crate::parse::markdown::marker_ids`]: `1`, `@a; @b`), and the forms
/// people and AI tools write that import turns into those: `1,2`, `1、2`,
/// `1-3`, or a reference id written without `@`.
fn marker_ids(inner: &str, ids: &BTreeMap<String, String>) -> Option<Vec<String>> {
    if let Some(found) = crate::parse::markdown::marker_ids(inner) {
        return Some(found.into_iter().map(|(_, id)| id).collect());
    }
    let t = inner.trim();
    if t.is_empty() || t.starts_with('@') {
        return None;
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
pub(super) fn process_markers(
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

#[cfg(test)]
mod tests {
    use super::*;

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
    fn markers_leave_title_and_key_points() {
        assert_eq!(strip_markers("公表した[1]。"), "公表した。");
        assert_eq!(strip_markers("Point [2][3]"), "Point");
        assert_eq!(strip_markers("Keep [this] ［2］x"), "Keep [this]x");
    }
}
