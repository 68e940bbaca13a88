//! Callouts: GitHub's alert syntax (`> [!NOTE]`, `[!TIP]`, `[!IMPORTANT]`,
//! `[!WARNING]`, `[!CAUTION]`), which pulldown-cmark reads into a block
//! quote with a kind. Each becomes an `<aside>` with `role="note"`, named by
//! a visible, localized label (the Fluent message `callout-<kind>`), and a
//! class per kind for the theme; a `[!WORD]` of another kind is a warning.

use pulldown_cmark::BlockQuoteKind;

/// The kinds, as written after `[!` (any case) and in class and message names.
pub const KINDS: &[&str] = &["note", "tip", "important", "warning", "caution"];

/// Message keys of the labels, for the locale checks.
pub const MESSAGE_KEYS: &[&str] = &[
    "callout-note",
    "callout-tip",
    "callout-important",
    "callout-warning",
    "callout-caution",
];

/// The name of a kind: `note`, `tip`, …
pub fn name(kind: BlockQuoteKind) -> &'static str {
    match kind {
        BlockQuoteKind::Note => "note",
        BlockQuoteKind::Tip => "tip",
        BlockQuoteKind::Important => "important",
        BlockQuoteKind::Warning => "warning",
        BlockQuoteKind::Caution => "caution",
    }
}

/// A mark beside the label; hidden from assistive technology, which reads
/// the label itself.
fn icon(kind: BlockQuoteKind) -> &'static str {
    match kind {
        BlockQuoteKind::Note => "i",
        BlockQuoteKind::Tip => "✓",
        BlockQuoteKind::Important => "!",
        BlockQuoteKind::Warning => "⚠",
        BlockQuoteKind::Caution => "✕",
    }
}

/// The opening HTML of a callout: the aside and its label. `id` names the
/// label; `label` is the localized text (escaped here).
pub fn open(kind: BlockQuoteKind, id: &str, label: &str) -> String {
    let name = name(kind);
    let mut html = format!(
        "<aside class=\"callout callout-{name}\" role=\"note\" aria-labelledby=\"{id}\">\n<p class=\"callout-label\" id=\"{id}\"><span class=\"callout-icon\" aria-hidden=\"true\">{}</span> ",
        icon(kind)
    );
    crate::base::text::escape_html_into(&mut html, label);
    html.push_str("</p>\n");
    html
}

pub const CLOSE: &str = "</aside>\n";

/// In the source of a plain block quote, a first line `> [!WORD]` whose
/// word is no callout kind: the word and its byte offset in `source`.
pub fn unknown_marker(source: &str) -> Option<(usize, &str)> {
    let first = source.split('\n').next().unwrap_or(source);
    let rest = first.trim_start_matches([' ', '\t']).strip_prefix('>')?;
    let rest = rest.trim_start_matches([' ', '\t']);
    let at = first.len() - rest.len();
    let word = rest.strip_prefix("[!")?;
    let end = word.find(']')?;
    let (word, after) = (&word[..end], &word[end + 1..]);
    let is_marker = !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        && after.trim().is_empty();
    (is_marker && !KINDS.contains(&word.to_ascii_lowercase().as_str())).then_some((at, word))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_markers() {
        assert_eq!(unknown_marker("> [!FOO]\n> text"), Some((2, "FOO")));
        assert_eq!(unknown_marker("  >[!Danger]  \n> x"), Some((3, "Danger")));
        assert_eq!(unknown_marker("> [!NOTE]\n> text"), None);
        assert_eq!(unknown_marker("> [!FOO] inline text"), None);
        assert_eq!(unknown_marker("> a quote\n> [!FOO]"), None);
        assert_eq!(unknown_marker("> [1] a citation"), None);
    }
}
