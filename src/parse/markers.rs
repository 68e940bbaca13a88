//! Citation markers in the text of a Markdown body: `[2]`, `[@key]`,
//! `[@a; @b]`, each bracket group its own marker (`[1][3]` is two).
//!
//! Markers are found in the text pulldown-cmark leaves as text, never through
//! its link machinery: a marker made a link could not sit inside the text of
//! a real link (`[see [1]](https://…)`: CommonMark allows no link in a link,
//! so the outer one was lost and shown as raw Markdown). Working on text
//! also leaves code spans and code blocks, real links (`[1](url)`), link
//! reference definitions (`[1]: url`) and footnotes (`[^1]`) alone.
//!
//! A bracket counts only when the editor wrote it as a bracket: not escaped
//! (`\[1\]`: an odd run of backslashes before it) and not a character
//! reference (`&#91;1]`). Every character outside a marker stays text.

use std::ops::Range;

/// A run of text events (no other event between them), as read.
pub type Piece<'a> = (pulldown_cmark::CowStr<'a>, Range<usize>);

/// A part of a run of text: text to keep, or a marker.
#[derive(Debug, PartialEq, Eq)]
pub enum Part<'t> {
    /// `src` is the body offset of the text's first byte; `piece_start`
    /// tells whether it starts a text event (after a backslash escape, say).
    Text {
        text: &'t str,
        src: usize,
        piece_start: bool,
    },
    /// The text between the brackets, and the body offset of its first byte.
    Marker { inner: String, src: usize },
}

/// Whether a bracket reference could be a marker: digits, or `@…`.
pub(crate) fn is_cite_reference(reference: &str) -> bool {
    let r = reference.trim();
    (!r.is_empty() && r.bytes().all(|b| b.is_ascii_digit())) || r.starts_with('@')
}

/// Splits a group's text into cited ids (each with its offset in the group),
/// or `None` when it is not a marker: `1`, or `@a; @b`. `brief import`
/// reads more forms (`1, 3`, `1-3`) and writes these.
pub(crate) fn marker_ids(group: &str) -> Option<Vec<(usize, String)>> {
    let g = group.trim();
    if !g.is_empty() && g.bytes().all(|b| b.is_ascii_digit()) {
        let lead = group.len() - group.trim_start().len();
        return Some(vec![(lead, g.to_string())]);
    }
    if g.starts_with('@') {
        let mut ids = Vec::new();
        let mut offset = 0;
        for part in group.split(';') {
            let lead = part.len() - part.trim_start().len();
            let id = part.trim().strip_prefix('@')?.trim();
            if id.is_empty() {
                return None;
            }
            ids.push((offset + lead, id.to_string()));
            offset += part.len() + 1;
        }
        return Some(ids);
    }
    None
}

/// Splits a run of text events into text and markers, in order. The text
/// parts joined are the run's text without the markers' brackets and insides.
pub fn split<'t>(pieces: &'t [Piece<'_>], body: &str) -> Vec<Part<'t>> {
    // The run's text, and for each of its bytes the body offset when it is a
    // bracket written as one.
    let mut joined = String::new();
    let mut starts = Vec::with_capacity(pieces.len());
    let mut bracket_src: Vec<(usize, usize)> = Vec::new();
    for (text, range) in pieces {
        starts.push(joined.len());
        let literal = body.get(range.clone()) == Some(&**text);
        if literal {
            for (i, b) in text.bytes().enumerate() {
                if b == b'[' || b == b']' {
                    let at = range.start + i;
                    let slashes = body.as_bytes()[..at]
                        .iter()
                        .rev()
                        .take_while(|&&c| c == b'\\')
                        .count();
                    if slashes % 2 == 0 {
                        bracket_src.push((joined.len() + i, at));
                    }
                }
            }
        }
        joined.push_str(text);
    }
    // Markers: a written `[`, then no bracket of any kind, then a written `]`.
    let mut markers: Vec<(Range<usize>, usize)> = Vec::new();
    for pair in bracket_src.windows(2) {
        let ((open, open_src), (close, _)) = (pair[0], pair[1]);
        if joined.as_bytes()[open] != b'[' || joined.as_bytes()[close] != b']' {
            continue;
        }
        let inner = &joined[open + 1..close];
        if inner.contains(['[', ']']) || marker_ids(inner).is_none() {
            continue;
        }
        markers.push((open..close + 1, open_src + 1));
    }
    let mut out = Vec::new();
    let mut next = markers.iter().peekable();
    for (i, (text, range)) in pieces.iter().enumerate() {
        let base = starts[i];
        let end = base + text.len();
        let mut at = base;
        while at < end {
            match next.peek() {
                Some((m, src)) if m.start <= at => {
                    if m.start == at {
                        out.push(Part::Marker {
                            inner: joined[m.start + 1..m.end - 1].to_string(),
                            src: *src,
                        });
                    }
                    at = m.end.min(end).max(at);
                    if m.end <= end {
                        next.next();
                    }
                    if m.end > end {
                        break;
                    }
                }
                other => {
                    let stop = other.map_or(end, |(m, _)| m.start.min(end));
                    out.push(Part::Text {
                        text: &text[at - base..stop - base],
                        src: range.start + (at - base),
                        piece_start: at == base,
                    });
                    at = stop;
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use pulldown_cmark::{Event, Parser};

    /// The run of the first paragraph of `src`, split, written back with
    /// markers as `{inner}`.
    fn show(src: &str) -> String {
        let pieces: Vec<Piece> = Parser::new(src)
            .into_offset_iter()
            .filter_map(|(e, r)| match e {
                Event::Text(t) => Some((t, r)),
                _ => None,
            })
            .collect();
        split(&pieces, src)
            .into_iter()
            .map(|p| match p {
                Part::Text { text, .. } => text.to_string(),
                Part::Marker { inner, src: at } => {
                    assert_eq!(&src[at..at + inner.len()], inner);
                    format!("{{{inner}}}")
                }
            })
            .collect()
    }

    #[test]
    fn markers_and_literal_brackets() {
        assert_eq!(show("a [1] b"), "a {1} b");
        assert_eq!(show("[[1]]"), "[{1}]");
        assert_eq!(show("[1][3] [@a; @b]"), "{1}{3} {@a; @b}");
        assert_eq!(show(r"\[1\] and \\[2]"), r"[1] and \{2}");
        assert_eq!(
            show("&#91;1] [note] [1, 3] [1][]"),
            "[1] [note] [1, 3] {1}[]"
        );
        assert_eq!(show("[text][2]"), "[text]{2}");
    }
}
