//! The writing system a text is in, from Unicode's Script property
//! (unicode-script): tells whether an article is still in another language
//! than its folder's (a translation nobody translated yet).
//!
//! Only letters count (digits, punctuation and symbols are script
//! `Common`). Kana and Han together are Japanese when kana make at least a
//! twentieth of them, Chinese otherwise; Hangul is Korean.
//!
//! Also the one definition of a *CJK character* ([`is_cjk`]), which the
//! search tokenizer, reading time and word counts share.

use unicode_script::{Script, UnicodeScript};

/// A character of the writing systems that put no spaces between words
/// (kana, Han, Hangul), by Unicode block: the search tokenizer makes bigrams
/// of their runs, reading time counts them one by one.
///
/// By block rather than by the Script property on purpose: the blocks also
/// hold the kana marks of script `Common` that belong inside a word (`ー`
/// U+30FC, `・` U+30FB, the voiced sound marks) and leave out the Han-script
/// iteration mark `々`, which search.js's copy of this list (applied, like the
/// Rust tokenizer, to NFKC text) and every index already built agree on.
/// Half-width katakana (U+FF66–U+FF9F) are here for counting; NFKC turns
/// them into full-width kana, so the tokenizer never sees them.
pub fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3040..=0x30FF | 0x31F0..=0x31FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF
        | 0xFF66..=0xFF9F | 0xAC00..=0xD7AF | 0x1100..=0x11FF | 0x3130..=0x318F | 0x20000..=0x2FFFF)
}

/// A writing system, as far as telling languages apart needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Writing {
    Japanese,
    Chinese,
    Korean,
    Latin,
    Cyrillic,
    Greek,
    Arabic,
    Hebrew,
    Thai,
    Devanagari,
}

impl Writing {
    /// English name, for messages.
    pub fn name(self) -> &'static str {
        match self {
            Writing::Japanese => "Japanese (kana and kanji)",
            Writing::Chinese => "Chinese (Han characters without kana)",
            Writing::Korean => "Korean (Hangul)",
            Writing::Latin => "Latin script",
            Writing::Cyrillic => "Cyrillic script",
            Writing::Greek => "Greek script",
            Writing::Arabic => "Arabic script",
            Writing::Hebrew => "Hebrew script",
            Writing::Thai => "Thai script",
            Writing::Devanagari => "Devanagari script",
        }
    }
}

impl Writing {
    /// The language code a text in this writing system is most likely in
    /// (for `brief import`, which has nothing else to go by).
    pub fn likely_language(self) -> &'static str {
        match self {
            Writing::Japanese => "ja",
            Writing::Chinese => "zh",
            Writing::Korean => "ko",
            Writing::Latin => "en",
            Writing::Cyrillic => "ru",
            Writing::Greek => "el",
            Writing::Arabic => "ar",
            Writing::Hebrew => "he",
            Writing::Thai => "th",
            Writing::Devanagari => "hi",
        }
    }
}

/// The writing system a language is written in, by its primary subtag;
/// `None` for languages this check does not know (they are never flagged).
pub fn writing_of_language(lang: &str) -> Option<Writing> {
    let primary = lang
        .split(['-', '_'])
        .next()
        .unwrap_or(lang)
        .to_ascii_lowercase();
    Some(match primary.as_str() {
        "ja" => Writing::Japanese,
        "zh" => Writing::Chinese,
        "ko" => Writing::Korean,
        "ru" | "uk" | "be" | "bg" | "sr" | "mk" | "kk" | "mn" => Writing::Cyrillic,
        "el" => Writing::Greek,
        "ar" | "fa" | "ur" | "ps" => Writing::Arabic,
        "he" | "yi" => Writing::Hebrew,
        "th" => Writing::Thai,
        "hi" | "mr" | "ne" => Writing::Devanagari,
        "en" | "fr" | "de" | "es" | "pt" | "it" | "nl" | "sv" | "da" | "no" | "nb" | "nn"
        | "fi" | "pl" | "cs" | "sk" | "sl" | "hr" | "hu" | "ro" | "tr" | "id" | "ms" | "vi"
        | "tl" | "fil" | "et" | "lv" | "lt" | "ga" | "ca" | "eu" | "gl" | "sw" => Writing::Latin,
        _ => return None,
    })
}

/// Letters per script of a text.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Letters {
    kana: usize,
    han: usize,
    hangul: usize,
    latin: usize,
    cyrillic: usize,
    greek: usize,
    arabic: usize,
    hebrew: usize,
    thai: usize,
    devanagari: usize,
    other: usize,
}

/// A writing system is a text's when its letters are at least this share of
/// all letters; below it the text is mixed and nothing is concluded.
pub const DOMINANT_SHARE: f64 = 0.5;

/// Fewer letters than this say nothing about the language.
pub const MIN_LETTERS: usize = 20;

impl Letters {
    pub fn of(text: &str) -> Letters {
        let mut l = Letters::default();
        l.add(text);
        l
    }

    pub fn add(&mut self, text: &str) {
        for c in text.chars() {
            if c.is_ascii() {
                if c.is_ascii_alphabetic() {
                    self.latin += 1;
                }
                continue;
            }
            // The blocks that fill most CJK text and hold one script only,
            // without a table lookup.
            match c {
                '\u{3041}'..='\u{3096}' | '\u{30A1}'..='\u{30FA}' => {
                    self.kana += 1;
                    continue;
                }
                '\u{4E00}'..='\u{9FFF}' => {
                    self.han += 1;
                    continue;
                }
                '\u{AC00}'..='\u{D7A3}' => {
                    self.hangul += 1;
                    continue;
                }
                _ => {}
            }
            match c.script() {
                Script::Hiragana | Script::Katakana => self.kana += 1,
                Script::Han => self.han += 1,
                Script::Hangul => self.hangul += 1,
                Script::Latin => self.latin += 1,
                Script::Cyrillic => self.cyrillic += 1,
                Script::Greek => self.greek += 1,
                Script::Arabic => self.arabic += 1,
                Script::Hebrew => self.hebrew += 1,
                Script::Thai => self.thai += 1,
                Script::Devanagari => self.devanagari += 1,
                Script::Common | Script::Inherited | Script::Unknown => {}
                _ => self.other += 1,
            }
        }
    }

    pub fn total(&self) -> usize {
        self.kana
            + self.han
            + self.hangul
            + self.latin
            + self.cyrillic
            + self.greek
            + self.arabic
            + self.hebrew
            + self.thai
            + self.devanagari
            + self.other
    }

    /// Letters per writing system; kana and Han count together, as
    /// Japanese when kana make at least a twentieth of them.
    fn per_writing(&self) -> [(usize, Writing); 9] {
        let cjk = self.kana + self.han;
        let cjk_writing = if self.kana * 20 >= cjk && self.kana > 0 {
            Writing::Japanese
        } else {
            Writing::Chinese
        };
        [
            (cjk, cjk_writing),
            (self.hangul, Writing::Korean),
            (self.latin, Writing::Latin),
            (self.cyrillic, Writing::Cyrillic),
            (self.greek, Writing::Greek),
            (self.arabic, Writing::Arabic),
            (self.hebrew, Writing::Hebrew),
            (self.thai, Writing::Thai),
            (self.devanagari, Writing::Devanagari),
        ]
    }

    /// The writing system of at least [`DOMINANT_SHARE`] of the letters, if any.
    pub fn dominant(&self) -> Option<Writing> {
        let total = self.total();
        if total == 0 {
            return None;
        }
        self.per_writing()
            .into_iter()
            .find(|&(n, _)| n as f64 >= DOMINANT_SHARE * total as f64 && n > 0)
            .map(|(_, w)| w)
    }

    /// The writing system with the most letters (the first of this module's
    /// order on a tie), if the text has any it knows.
    pub fn most(&self) -> Option<Writing> {
        self.per_writing()
            .into_iter()
            .filter(|&(n, _)| n > 0)
            .fold(None, |best: Option<(usize, Writing)>, (n, w)| match best {
                Some((m, _)) if m >= n => best,
                _ => Some((n, w)),
            })
            .map(|(_, w)| w)
    }
}

/// The writing system `text` is in when it is clearly not `lang`'s: enough
/// letters, one writing system dominant, and not the language's own. `None`
/// when the text fits, is mixed or short, or the language is unknown here.
pub fn foreign_writing(letters: &Letters, lang: &str) -> Option<Writing> {
    let expected = writing_of_language(lang)?;
    if letters.total() < MIN_LETTERS {
        return None;
    }
    letters.dominant().filter(|&w| w != expected)
}

#[cfg(test)]
mod tests {
    use super::*;

    const JA: &str = "中国政府は世界人工知能大会で、国際的な協力組織の設立を提案した。各国の参加を呼びかけている。";
    const EN: &str = "The government proposed a new international body to coordinate work on artificial intelligence.";
    const KO: &str = "정부는 세계 인공지능 대회에서 국제 협력 기구의 설립을 제안했으며 각국의 참여를 요청하고 있다.";
    const ZH: &str =
        "中国政府在世界人工智能大会上提出建立国际合作组织，并呼吁各国积极参与相关工作和讨论。";

    #[test]
    fn each_text_is_its_own_languages_writing() {
        for (text, lang) in [(JA, "ja"), (EN, "en"), (KO, "ko"), (ZH, "zh")] {
            let l = Letters::of(&text.repeat(2));
            assert_eq!(foreign_writing(&l, lang), None, "{lang}");
            assert_eq!(l.dominant(), writing_of_language(lang), "{lang}");
        }
    }

    #[test]
    fn a_text_in_another_language_is_flagged() {
        let ja = Letters::of(&JA.repeat(2));
        assert_eq!(foreign_writing(&ja, "ko"), Some(Writing::Japanese));
        assert_eq!(foreign_writing(&ja, "en"), Some(Writing::Japanese));
        assert_eq!(foreign_writing(&ja, "zh"), Some(Writing::Japanese));
        let zh = Letters::of(&ZH.repeat(2));
        assert_eq!(foreign_writing(&zh, "ja"), Some(Writing::Chinese));
        let en = Letters::of(&EN.repeat(2));
        assert_eq!(foreign_writing(&en, "ja"), Some(Writing::Latin));
    }

    #[test]
    fn the_most_letters_win() {
        assert_eq!(Letters::of("").most(), None);
        assert_eq!(Letters::of("123 !?").most(), None);
        assert_eq!(Letters::of("上海市は補助").most(), Some(Writing::Japanese));
        assert_eq!(
            Letters::of("AI 上海市推出算力补贴").most(),
            Some(Writing::Chinese)
        );
        assert_eq!(Letters::of("ab αβγ").most(), Some(Writing::Greek));
        assert_eq!(Letters::of("ab αβ").most(), Some(Writing::Latin));
        assert_eq!(Writing::Japanese.likely_language(), "ja");
        for lang in ["ja", "zh", "ko", "en", "ru", "el", "ar", "he", "th", "hi"] {
            let w = writing_of_language(lang).unwrap();
            assert_eq!(w.likely_language(), lang);
        }
    }

    #[test]
    fn cjk_characters() {
        for c in ['あ', 'ア', 'ー', 'ｱ', '上', '𠀋', '한', 'ㄱ'] {
            assert!(is_cjk(c), "{c:?}");
        }
        for c in ['a', 'é', '々', '。', '！', 'Ａ', 'α'] {
            assert!(!is_cjk(c), "{c:?}");
        }
    }

    #[test]
    fn the_fast_blocks_agree_with_the_script_table() {
        for (lo, hi, script) in [
            (0x3041, 0x3096, Script::Hiragana),
            (0x30A1, 0x30FA, Script::Katakana),
            (0x4E00, 0x9FFF, Script::Han),
            (0xAC00, 0xD7A3, Script::Hangul),
        ] {
            for u in lo..=hi {
                let c = char::from_u32(u).unwrap();
                assert_eq!(c.script(), script, "U+{u:04X}");
            }
        }
    }

    #[test]
    fn mixed_short_or_unknown_says_nothing() {
        // Japanese with many English terms is still Japanese.
        let mixed = format!("{JA} OECD AI Principles GPAI G7 Hiroshima Process {JA}");
        assert_eq!(foreign_writing(&Letters::of(&mixed), "ja"), None);
        assert_eq!(foreign_writing(&Letters::of("短い。"), "en"), None);
        assert_eq!(foreign_writing(&Letters::of(&JA.repeat(3)), "xx"), None);
    }
}
