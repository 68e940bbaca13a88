//! Smart punctuation: straight quotes become curly ones, `--`/`---` dashes
//! and `...` an ellipsis, in bodies and in the title, summary and key points.
//!
//! pulldown-cmark's own smart punctuation decides a quote's direction from
//! the characters around it as Latin text would: a `"` between two letters
//! is "both sides flanking" and, left unpaired, becomes an opening quote, so
//! `"모델 바우처"를` came out as `“모델 바우처“`. Here a quote between two
//! letters of which one is CJK or Hangul (which have no apostrophes) closes
//! the quote of its kind that is open, and opens one otherwise; between two
//! Latin letters `'` stays an apostrophe (`Shanghai’s`).
//!
//! A quote's context runs across inline markup (emphasis, links, code spans)
//! and ends at a block's edge, so the pass works on a block's events.

use pulldown_cmark::{CowStr, Event, LinkType, Tag, TagEnd};

/// A `"` the writer escaped (`\"`): written straight, never curled. The
/// renderer scrubs both characters from its input, so only it makes them.
pub const LITERAL_DOUBLE: char = '\u{E002}';
/// A `'` the writer escaped.
pub const LITERAL_SINGLE: char = '\u{E003}';

/// `t` with its first character (a quote) marked as written literally.
pub fn literal_first(t: &str) -> String {
    let mut chars = t.chars();
    let mark = match chars.next() {
        Some('"') => LITERAL_DOUBLE,
        Some('\'') => LITERAL_SINGLE,
        Some(c) => c,
        None => return String::new(),
    };
    std::iter::once(mark).chain(chars).collect()
}

/// What a character next to a quote says about it.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Side {
    /// Start or end of the block, or white space.
    Space,
    /// An opening bracket, dash, slash or opening quote: a quote after it opens.
    Open,
    /// Closing punctuation: a quote before it closes.
    Close,
    /// A letter or digit of a script with apostrophes (Latin, Greek, …).
    Word,
    /// A CJK ideograph, kana or Hangul: no apostrophes.
    Cjk,
}

fn side(c: Option<char>) -> Side {
    let Some(c) = c else { return Side::Space };
    if c.is_whitespace() {
        return Side::Space;
    }
    if is_cjk(c) {
        return Side::Cjk;
    }
    if "([{<«‹“‘„‚（［｛「『【〔〈《〘-–—/\u{2015}".contains(c) {
        return Side::Open;
    }
    if c.is_alphanumeric() {
        return Side::Word;
    }
    // Other punctuation (`.`, `,`, `)`, `”`, `’`, `。`, `」`, a straight
    // quote still to decide …).
    Side::Close
}

/// Kana, CJK ideographs, Hangul and the CJK letters that go with them
/// (`々`, `ー`, half-width katakana); CJK punctuation is not a letter.
pub fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x1100..=0x11FF      // Hangul Jamo
        | 0x3005..=0x3007    // 々 〆 〇
        | 0x3031..=0x3035
        | 0x3040..=0x30FF    // Hiragana, Katakana (with ー)
        | 0x3130..=0x318F    // Hangul compatibility Jamo
        | 0x31F0..=0x31FF
        | 0x3400..=0x4DBF
        | 0x4E00..=0x9FFF
        | 0xA960..=0xA97F
        | 0xAC00..=0xD7AF    // Hangul syllables
        | 0xD7B0..=0xD7FF
        | 0xF900..=0xFAFF
        | 0xFF66..=0xFF9F    // half-width katakana
        | 0xFFA0..=0xFFDC    // half-width Hangul
        | 0x20000..=0x3134F)
}

/// The quotes open so far in a block, innermost last.
#[derive(Default)]
struct Quoter {
    open: Vec<char>,
    /// The last character written (after conversion), `None` at a block start.
    prev: Option<char>,
    /// Glue a quote to Hangul on both sides with word joiners (HTML only).
    glue: bool,
}

impl Quoter {
    fn reset(&mut self) {
        self.open.clear();
        self.prev = None;
    }

    /// Closes the innermost open quote of kind `q`, if any is open.
    fn close(&mut self, q: char) -> bool {
        match self.open.iter().rposition(|&o| o == q) {
            Some(i) => {
                self.open.truncate(i);
                true
            }
            None => false,
        }
    }

    /// The quote `q` (`"` or `'`) between `prev` and `next`, converted.
    fn quote(&mut self, q: char, next: Option<char>) -> char {
        let (open_c, close_c) = if q == '"' {
            ('\u{201C}', '\u{201D}')
        } else {
            ('\u{2018}', '\u{2019}')
        };
        let before = side(self.prev);
        let after = side(next);
        let opens = match (before, after) {
            // Alone between spaces: not a quote anyone meant to curl.
            (Side::Space, Side::Space) => return q,
            (Side::Space | Side::Open, _) => true,
            // An apostrophe inside a Latin word: Shanghai's, don't.
            (Side::Word, Side::Word) if q == '\'' => return close_c,
            (_, Side::Space | Side::Close) => false,
            // Letters on both sides, one of them CJK or Hangul (or after
            // closing punctuation): it closes what is open, else opens.
            _ => !self.open.contains(&q),
        };
        if opens {
            self.open.push(q);
            open_c
        } else {
            self.close(q);
            close_c
        }
    }

    /// Converts one run of text; `after` gives the first character after it
    /// in the block (`None` at the block's end).
    fn convert<'t>(&mut self, text: &'t str, after: impl Fn() -> Option<char>) -> CowStr<'t> {
        if !text.contains([
            '"',
            '\'',
            '-',
            '.',
            LITERAL_DOUBLE,
            LITERAL_SINGLE,
            '“',
            '”',
            '‘',
            '’',
        ]) {
            if let Some(c) = text.chars().last() {
                self.prev = Some(c);
            }
            return CowStr::Borrowed(text);
        }
        let mut out = String::with_capacity(text.len() + 8);
        let mut chars = text.char_indices().peekable();
        while let Some((i, c)) = chars.next() {
            match c {
                '"' | '\'' | '“' | '”' | '‘' | '’' => {
                    let next = text[i + c.len_utf8()..].chars().next().or_else(&after);
                    let glue = self.glue && between_hangul(self.prev, next);
                    let q = if matches!(c, '"' | '\'') {
                        self.quote(c, next)
                    } else {
                        c
                    };
                    if glue {
                        out.push(WORD_JOINER);
                    }
                    out.push(q);
                    if glue {
                        out.push(WORD_JOINER);
                    }
                    self.prev = Some(q);
                }
                LITERAL_DOUBLE | LITERAL_SINGLE => {
                    let q = if c == LITERAL_DOUBLE { '"' } else { '\'' };
                    out.push(q);
                    self.prev = Some(q);
                }
                '-' if text[i + 1..].starts_with('-') => {
                    let mut n = 1;
                    while chars.next_if(|&(_, c)| c == '-').is_some() {
                        n += 1;
                    }
                    push_dashes(&mut out, n);
                    self.prev = Some('—');
                }
                '.' if text[i..].starts_with("...") => {
                    chars.next();
                    chars.next();
                    out.push('…');
                    self.prev = Some('…');
                }
                c => {
                    out.push(c);
                    self.prev = Some(c);
                }
            }
        }
        CowStr::Boxed(out.into_boxed_str())
    }
}

const WORD_JOINER: char = '\u{2060}';

/// A quote with CJK letters on both sides, one of them Hangul. Unicode's
/// line breaking (UAX #14, LB19a) allows a break on either side of a quote
/// between two East Asian letters, which `word-break: keep-all` does not
/// prevent: `바우처’는` could break after `’`. Korean separates words by
/// spaces, so the quote is glued to its word instead.
fn between_hangul(prev: Option<char>, next: Option<char>) -> bool {
    match (prev, next) {
        (Some(p), Some(n)) => is_cjk(p) && is_cjk(n) && (is_hangul(p) || is_hangul(n)),
        _ => false,
    }
}

fn is_hangul(c: char) -> bool {
    matches!(c as u32,
        0x1100..=0x11FF | 0x3130..=0x318F | 0xA960..=0xA97F | 0xAC00..=0xD7AF | 0xD7B0..=0xD7FF)
}

/// Glues the quotes of an already typeset text (a title, summary or key
/// point, for HTML) to the Hangul around them; see [`between_hangul`].
pub fn glue_hangul(s: &str) -> std::borrow::Cow<'_, str> {
    if !s.contains(['“', '”', '‘', '’', '"', '\'']) || !s.chars().any(is_hangul) {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 12);
    let mut prev = None;
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        let glue = matches!(c, '“' | '”' | '‘' | '’' | '"' | '\'')
            && between_hangul(prev, chars.peek().copied());
        if glue {
            out.push(WORD_JOINER);
        }
        out.push(c);
        if glue {
            out.push(WORD_JOINER);
        }
        prev = Some(c);
    }
    std::borrow::Cow::Owned(out)
}

/// A run of `n` ≥ 2 hyphens, as CommonMark's smart punctuation reads it:
/// em dashes when `n` is a multiple of 3, else en dashes when even, else
/// em dashes first and en dashes last.
fn push_dashes(out: &mut String, n: usize) {
    let (em, en) = if n.is_multiple_of(3) {
        (n / 3, 0)
    } else if n.is_multiple_of(2) {
        (0, n / 2)
    } else if n % 3 == 2 {
        (n / 3, 1)
    } else {
        ((n - 4) / 3, 2)
    };
    out.extend(std::iter::repeat_n('—', em));
    out.extend(std::iter::repeat_n('–', en));
}

/// A plain-text field (title, summary, key point) typeset as one block.
pub fn text(s: &str) -> String {
    Quoter::default().convert(s, || None).into_string()
}

/// Typesets the text events of rendered Markdown in place. Code spans and
/// autolinks are left as written but count as text around a quote; raw HTML
/// and citation markers (inline HTML) count as a letter.
pub fn events(events: &mut [Event<'_>]) {
    let mut q = Quoter {
        glue: true,
        ..Quoter::default()
    };
    let mut autolink = 0usize;
    for i in 0..events.len() {
        match &events[i] {
            Event::Start(Tag::Link {
                link_type: LinkType::Autolink | LinkType::Email,
                ..
            }) => autolink += 1,
            Event::End(TagEnd::Link) if autolink > 0 => autolink -= 1,
            Event::Start(tag) if !is_inline(tag) => q.reset(),
            Event::End(end) if !is_inline_end(end) => q.reset(),
            Event::Text(t) if autolink == 0 => {
                let t = t.clone();
                let (head, tail) = events.split_at_mut(i + 1);
                let converted = q.convert(&t, || first_char(tail));
                if let CowStr::Boxed(s) = converted {
                    head[i] = Event::Text(CowStr::Boxed(s));
                }
            }
            Event::Text(t) | Event::Code(t) => {
                if let Some(c) = t.chars().last() {
                    q.prev = Some(c);
                }
            }
            Event::InlineHtml(_) | Event::Html(_) | Event::FootnoteReference(_) => {
                q.prev = Some('x')
            }
            Event::SoftBreak | Event::HardBreak => q.prev = Some(' '),
            _ => {}
        }
    }
}

/// The first character the reader sees after a text event, within its block.
fn first_char(rest: &[Event<'_>]) -> Option<char> {
    for e in rest {
        match e {
            Event::Text(t) | Event::Code(t) => {
                if let Some(c) = t.chars().next() {
                    return Some(c);
                }
            }
            Event::InlineHtml(_) | Event::Html(_) | Event::FootnoteReference(_) => {
                return Some('x')
            }
            Event::SoftBreak | Event::HardBreak => return Some(' '),
            Event::Start(tag) if is_inline(tag) => {}
            Event::End(end) if is_inline_end(end) => {}
            _ => return None,
        }
    }
    None
}

fn is_inline(tag: &Tag<'_>) -> bool {
    matches!(
        tag,
        Tag::Emphasis
            | Tag::Strong
            | Tag::Strikethrough
            | Tag::Link { .. }
            | Tag::Image { .. }
            | Tag::Superscript
            | Tag::Subscript
    )
}

fn is_inline_end(end: &TagEnd) -> bool {
    matches!(
        end,
        TagEnd::Emphasis
            | TagEnd::Strong
            | TagEnd::Strikethrough
            | TagEnd::Link
            | TagEnd::Image
            | TagEnd::Superscript
            | TagEnd::Subscript
    )
}

#[cfg(test)]
mod tests {
    use super::text;

    /// Each pair: as written, as the reader must see it (written by hand).
    #[test]
    fn quotes_next_to_cjk_hangul_and_latin() {
        let cases = [
            ("\"모델 바우처\"를 받는다", "“모델 바우처”를 받는다"),
            ("'컴퓨팅 바우처'는 지원한다", "‘컴퓨팅 바우처’는 지원한다"),
            ("정부는 \"모델 바우처\"를", "정부는 “모델 바우처”를"),
            ("これは\"二重引用符\"は", "これは“二重引用符”は"),
            ("\"二重引用符\"は", "“二重引用符”は"),
            ("これは'テスト'です", "これは‘テスト’です"),
            ("「\"入れ子\"の例」", "「“入れ子”の例」"),
            ("上海的\"算力券\"政策", "上海的“算力券”政策"),
            ("\"算力券\"。", "“算力券”。"),
            ("Shanghai's plan", "Shanghai’s plan"),
            ("\"Shanghai's plan\"", "“Shanghai’s plan”"),
            ("'Shanghai's plan'", "‘Shanghai’s plan’"),
            ("He said \"no.\" Then left.", "He said “no.” Then left."),
            ("the students' votes", "the students’ votes"),
            ("(\"quoted\")", "(“quoted”)"),
            ("\"He said 'hi'\"", "“He said ‘hi’”"),
            ("don't \"stop\"", "don’t “stop”"),
            ("a \" b", "a \" b"),
            ("Seoul's \"AI 바우처\"는", "Seoul’s “AI 바우처”는"),
            ("“already” curly", "“already” curly"),
            ("2020--2025", "2020–2025"),
            ("wait---what", "wait—what"),
            ("and so...", "and so…"),
            ("a - b", "a - b"),
        ];
        for (input, want) in cases {
            assert_eq!(text(input), want, "input: {input}");
        }
    }

    #[test]
    fn quotes_between_hangul_letters_are_glued_for_html() {
        use super::glue_hangul;
        let wj = '\u{2060}';
        assert_eq!(
            glue_hangul("“모델 바우처”를 받는다"),
            format!("“모델 바우처{wj}”{wj}를 받는다")
        );
        assert_eq!(
            glue_hangul("정부는 ‘컴퓨팅’은"),
            format!("정부는 ‘컴퓨팅{wj}’{wj}은")
        );
        // Japanese and Latin text is left alone.
        assert_eq!(glue_hangul("“二重”は"), "“二重”は");
        assert_eq!(glue_hangul("Seoul’s"), "Seoul’s");
        // Typesetting for plain text (feeds, JSON-LD) adds no joiner.
        assert_eq!(text("\"모델\"를"), "“모델”를");
    }

    #[test]
    fn dash_runs() {
        let cases = [
            ("--", "–"),
            ("---", "—"),
            ("----", "––"),
            ("-----", "—–"),
            ("------", "——"),
            ("-------", "—––"),
        ];
        for (input, want) in cases {
            assert_eq!(text(input), want, "input: {input}");
        }
    }
}
