//! Language detection by script, for inputs imported without `--lang`.

use crate::base::diag::Diagnostic;
use crate::input::config::Config;

/// The language a text is written in, by script: kana → ja, Hangul → ko, Han
/// without kana → zh, Arabic → ar, Cyrillic → ru, Hebrew → he, Thai → th,
/// Greek → el, Latin → en.
pub fn detect_language(text: &str) -> &'static str {
    crate::parse::script::Letters::of(text)
        .most()
        .map_or("en", crate::parse::script::Writing::likely_language)
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
