//! What a single line of the input is: a bullet, a label, a heading, a rule,
//! a code fence, a date line, a lead line, the end of a sentence.

use super::references::find_date;
use crate::parse::frontmatter::DateValue;

const BULLETS: &[&str] = &["- ", "* ", "+ ", "・", "•", "●", "◦"];

/// The text after a bullet, if the line is one.
pub(super) fn strip_bullet(line: &str) -> Option<&str> {
    let t = line.trim_start();
    BULLETS
        .iter()
        .find_map(|b| t.strip_prefix(b))
        .map(str::trim)
        .filter(|s| !s.is_empty())
}

/// Strips `#`, `【】`, `**`, `■` and a trailing colon from a label line.
pub(super) fn label_text(line: &str) -> String {
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

pub(super) fn is_key_points_label(line: &str) -> bool {
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

pub(super) fn clean_title(line: &str) -> String {
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
pub(super) fn is_rule(line: &str) -> bool {
    let t: String = line.chars().filter(|c| !c.is_whitespace()).collect();
    t.len() >= 3
        && ["-", "*", "_"]
            .iter()
            .any(|c| t.chars().all(|x| x.to_string() == *c))
}

/// A code fence line: ```` ``` ```` or `~~~`.
pub(super) fn is_fence(line: &str) -> bool {
    let t = line.trim_start();
    t.starts_with("```") || t.starts_with("~~~")
}

/// `**Heading**` → `Heading`.
pub(super) fn strip_emphasis(s: &str) -> &str {
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
pub(super) fn explicit_heading(line: &str) -> Option<(usize, String)> {
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
pub(super) fn heading_candidate(line: &str) -> bool {
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
pub(super) fn date_line(line: &str) -> Option<DateValue> {
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
pub(super) fn lead_line(line: &str) -> Option<String> {
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
pub(super) fn ends_sentence(line: &str) -> bool {
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
pub(super) fn numbered_item(line: &str) -> bool {
    let t = line.trim_start();
    let digits = t.chars().take_while(char::is_ascii_digit).count();
    (1..=3).contains(&digits) && (t[digits..].starts_with(". ") || t[digits..].starts_with(") "))
}
