//! Language detection by script, for inputs imported without `--lang`.

use std::collections::BTreeMap;

use crate::base::diag::Diagnostic;
use crate::input::config::Config;

/// The language a text is written in, by script: kana → ja, Hangul → ko, Han
/// without kana → zh, Arabic → ar, Cyrillic → ru, Hebrew → he, Thai → th,
/// Greek → el, Latin → en.
pub fn detect_language(text: &str) -> &'static str {
    let mut counts: BTreeMap<&'static str, usize> = BTreeMap::new();
    let mut kana = 0usize;
    let mut han = 0usize;
    for c in text.chars() {
        let u = c as u32;
        let script = match u {
            0x3041..=0x309F | 0x30A0..=0x30FF | 0x31F0..=0x31FF | 0xFF66..=0xFF9F => {
                kana += 1;
                "cjk"
            }
            0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x2FFFF => {
                han += 1;
                "cjk"
            }
            0xAC00..=0xD7AF | 0x1100..=0x11FF | 0x3130..=0x318F => "ko",
            0x0600..=0x06FF | 0x0750..=0x077F | 0xFB50..=0xFDFF | 0xFE70..=0xFEFF => "ar",
            0x0400..=0x04FF => "ru",
            0x0590..=0x05FF => "he",
            0x0E00..=0x0E7F => "th",
            0x0370..=0x03FF => "el",
            _ if c.is_alphabetic() && (c.is_ascii() || (0xC0..=0x24F).contains(&u)) => "en",
            _ => continue,
        };
        *counts.entry(script).or_insert(0) += 1;
    }
    let best = counts
        .iter()
        .max_by_key(|(_, n)| **n)
        .map(|(s, _)| *s)
        .unwrap_or("en");
    if best == "cjk" {
        if kana >= 1 && kana * 20 >= kana + han {
            "ja"
        } else {
            "zh"
        }
    } else {
        best
    }
}

/// The detected language, which must be configured (a region variant such as
/// `zh-Hant` counts for `zh`).
pub(super) fn detect_configured(text: &str, config: &Config) -> Result<String, Diagnostic> {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn languages() {
        assert_eq!(detect_language("上海市は補助を打ち出した。"), "ja");
        assert_eq!(detect_language("上海市推出算力补贴"), "zh");
        assert_eq!(detect_language("상하이시는 보조금을 발표했다"), "ko");
        assert_eq!(detect_language("Shanghai launched a subsidy."), "en");
        assert_eq!(detect_language("أعلنت شنغهاي عن دعم"), "ar");
    }
}
