//! Small text utilities shared by every stage: BOM and newline handling,
//! slugs and ids, HTML escaping, terminal widths.

use std::borrow::Cow;

pub fn strip_bom(s: &str) -> &str {
    s.strip_prefix('\u{feff}').unwrap_or(s)
}

/// CRLF and lone CR become LF, so that every later stage counts lines alike.
pub fn normalize_newlines(s: &str) -> Cow<'_, str> {
    if !s.contains('\r') {
        return Cow::Borrowed(s);
    }
    Cow::Owned(s.replace("\r\n", "\n").replace('\r', "\n"))
}

/// A URL- and file-system-safe slug: lowercase letters and digits of any script,
/// other characters folded into single `-`. Returns an empty string when nothing
/// usable is left. Article file names may hold spaces, `#`, `?`, `%` and any
/// script: `my file #1?.md` is published as `my-file-1/` (tests/bad_input.rs).
pub fn slugify(s: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    let mut out = String::with_capacity(s.len());
    let mut dash = false;
    for c in s.nfc() {
        if c.is_alphanumeric() {
            if dash && !out.is_empty() {
                out.push('-');
            }
            dash = false;
            out.extend(c.to_lowercase());
        } else if c == '_' && !out.is_empty() {
            if dash {
                out.push('-');
                dash = false;
            }
            out.push('_');
        } else {
            dash = true;
        }
    }
    out
}

/// Whether a slug given by an editor is safe as a single path segment on every
/// host: no separators, no `..`, no drive letters, no characters that need URL
/// escaping other than letters of non-Latin scripts, and no name Windows
/// reserves for devices (`con`, `nul`, `com1` …), which no folder there can take.
pub fn is_safe_slug(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 200
        && s.chars()
            .all(|c| c.is_alphanumeric() && !c.is_uppercase() || c == '-' || c == '_')
        && !s.starts_with('-')
        && !is_windows_device_name(s)
}

/// Whether `s` (lowercase) is a name Windows reserves for a device.
pub fn is_windows_device_name(s: &str) -> bool {
    match s {
        "con" | "prn" | "aux" | "nul" => true,
        _ => s
            .strip_prefix("com")
            .or_else(|| s.strip_prefix("lpt"))
            .is_some_and(|n| n.len() == 1 && n.as_bytes()[0].is_ascii_digit()),
    }
}

/// An HTML id for an arbitrary citation or footnote key: ASCII alphanumerics,
/// `-` and `_` are kept; anything else becomes `.XX` hex, so distinct keys stay
/// distinct.
pub fn safe_id(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
            out.push(c);
        } else {
            let mut buf = [0u8; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                out.push_str(&format!(".{b:02X}"));
            }
        }
    }
    out
}

/// Decodes `%XX` escapes (as in a link written `my%20file.md`); text that
/// does not decode to UTF-8 is returned as written.
pub fn percent_decode(s: &str) -> String {
    percent_encoding::percent_decode_str(s)
        .decode_utf8()
        .map(Cow::into_owned)
        .unwrap_or_else(|_| s.to_string())
}

pub fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    escape_html_into(&mut out, s);
    out
}

/// Escapes for text and double-quoted attribute values. Control characters
/// that are not allowed in HTML are dropped.
pub fn escape_html_into(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if is_forbidden_control(c) => {}
            c => out.push(c),
        }
    }
}

/// C0 controls other than tab, newline and carriage return (and DEL) are not
/// allowed in HTML or XML text; C1 controls are discouraged, and U+FFFE and
/// U+FFFF are not characters at all to XML 1.0 (a feed with one is rejected).
pub fn is_forbidden_control(c: char) -> bool {
    (c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
        || ('\u{80}'..='\u{9f}').contains(&c)
        || matches!(c, '\u{fffe}' | '\u{ffff}')
}

/// Whether `s` holds a character [`is_forbidden_control`] refuses, read byte
/// by byte (whole article bodies pass through here): C0 controls but tab and
/// line breaks, DEL, C1 controls (`C2 80`–`C2 9F`) and U+FFFE/U+FFFF
/// (`EF BF BE`/`EF BF BF`).
pub fn has_forbidden_control(s: &str) -> bool {
    let b = s.as_bytes();
    b.iter().enumerate().any(|(i, &x)| match x {
        0x00..=0x08 | 0x0B | 0x0C | 0x0E..=0x1F | 0x7F => true,
        0xC2 => matches!(b.get(i + 1), Some(0x80..=0x9F)),
        0xEF => b.get(i + 1) == Some(&0xBF) && matches!(b.get(i + 2), Some(0xBE | 0xBF)),
        _ => false,
    })
}

/// Removes forbidden control characters from front-matter text at load time,
/// so every output format (HTML, XML, JSON) sees the same clean string.
pub fn strip_controls(s: &str) -> Cow<'_, str> {
    if has_forbidden_control(s) {
        Cow::Owned(s.chars().filter(|c| !is_forbidden_control(*c)).collect())
    } else {
        Cow::Borrowed(s)
    }
}

/// JSON for embedding inside `<script>`: `<`, `>` and `&` are escaped so that
/// no string can close the script element or open a comment.
pub fn json_for_script(value: &serde_json::Value) -> String {
    let s = serde_json::to_string(value).expect("JSON values serialize");
    s.replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

/// Columns a string takes in a terminal (Unicode's East Asian Width, by
/// unicode-width): wide characters take two, combining marks none.
pub fn display_width(s: &str) -> usize {
    unicode_width::UnicodeWidthStr::width(s)
}

/// Columns of one character; control characters take none.
fn char_width(c: char) -> usize {
    unicode_width::UnicodeWidthChar::width(c).unwrap_or(0)
}

/// Cuts `s` to at most `max` columns, ending in `…` when cut.
pub fn truncate(s: &str, max: usize) -> String {
    if display_width(s) <= max {
        return s.to_string();
    }
    let mut out = String::new();
    let mut w = 0;
    for c in s.chars() {
        let cw = char_width(c);
        if w + cw + 1 > max {
            break;
        }
        out.push(c);
        w += cw;
    }
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forbidden_controls_found_byte_by_byte() {
        for c in (0..=0x10FFFFu32).filter_map(char::from_u32) {
            let s = format!("a{c}b");
            assert_eq!(has_forbidden_control(&s), is_forbidden_control(c), "{c:?}");
        }
    }

    #[test]
    fn slugs() {
        assert_eq!(
            slugify("Open-source cooperation!"),
            "open-source-cooperation"
        );
        assert_eq!(slugify("オープンソース 協力"), "オープンソース-協力");
        assert_eq!(slugify("  a  b "), "a-b");
        assert_eq!(slugify("my file #1?"), "my-file-1");
        assert_eq!(slugify("..."), "");
    }

    #[test]
    fn safe_slugs() {
        assert!(is_safe_slug("waic-2025"));
        assert!(is_safe_slug("上海-ai"));
        assert!(!is_safe_slug("../x"));
        assert!(!is_safe_slug("a/b"));
        assert!(!is_safe_slug("c:"));
        assert!(!is_safe_slug("Upper"));
        assert!(!is_safe_slug(""));
        assert!(!is_safe_slug("con"));
        assert!(!is_safe_slug("com1"));
        assert!(is_safe_slug("console"));
        assert!(is_safe_slug("com"));
        assert!(is_safe_slug("lpt-1"));
        assert!(is_safe_slug("上海"));
    }

    #[test]
    fn ids_are_injective_enough() {
        assert_eq!(safe_id("xinhua-waic"), "xinhua-waic");
        assert_ne!(safe_id("a.b"), safe_id("a_b"));
        assert_eq!(safe_id("a b"), "a.20b");
    }

    #[test]
    fn widths() {
        assert_eq!(display_width("abc"), 3);
        assert_eq!(display_width("上海"), 4);
        assert_eq!(truncate("上海市の補助", 7), "上海市…");
        assert_eq!(truncate("abcdef", 4), "abc…");
        assert_eq!(truncate("abc", 4), "abc");
    }

    #[test]
    fn newlines() {
        assert_eq!(normalize_newlines("a\r\nb\rc\n"), "a\nb\nc\n");
    }

    #[test]
    fn script_json_cannot_close_tag() {
        let v = serde_json::json!({"t": "</script><!--"});
        assert!(!json_for_script(&v).contains("</"));
        assert!(!json_for_script(&v).contains("<!--"));
    }
}
