//! The references list: one entry per line (`[1] …`, `1. …`, bullets,
//! continuation lines), each split into title, publisher, dates and URL.

use std::path::Path;

use super::lines::{label_text, strip_bullet};
use super::recognize::Lines;
use crate::base::diag::{Diagnostic, Pos};
use crate::parse::frontmatter::{Citation, CitationId, DateValue, HttpUrl};

pub(super) fn is_references_heading(line: &str) -> bool {
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

/// The id and the rest of a reference line: `[1] …`, `- [1] …`, `1. …`,
/// `[^1]: …`; `(None, rest)` for a bullet without an id.
/// Where the body ends and which lines are references: the lines after the
/// references heading (`refs_at`), or else a closing block of `[n] …` lines
/// after a blank line. Lines already taken (the notice) are left out.
pub(super) fn references_block(input: &Lines, refs_at: Option<usize>) -> (usize, Vec<usize>) {
    let (lines, removed) = (&input.lines, &input.removed);
    if let Some(h) = refs_at {
        return (h, ((h + 1)..lines.len()).filter(|&i| !removed[i]).collect());
    }
    // A closing block of `[n] …` lines without a heading.
    let kept: Vec<usize> = input
        .nonblank
        .iter()
        .copied()
        .filter(|&i| !removed[i])
        .collect();
    let mut start = kept.len();
    while start > 0 {
        let l = lines[kept[start - 1]];
        let bracketed =
            l.trim_start().starts_with('[') || strip_bullet(l).is_some_and(|r| r.starts_with('['));
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

pub(super) fn split_ref_start(line: &str) -> Option<(Option<String>, &str)> {
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

pub(super) fn parse_references(
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
pub(super) fn find_date(s: &str) -> Option<(std::ops::Range<usize>, DateValue)> {
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
    fn dates() {
        assert_eq!(find_date("x 2025/7/3 y").unwrap().1.ymd(), "2025-07-03");
        assert_eq!(find_date("27 July 2025").unwrap().1.ymd(), "2025-07-27");
        assert!(find_date("2025-13-01").is_none());
        assert!(find_date("12345-01-01").is_none());
    }
}
