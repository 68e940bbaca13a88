//! Bytes of a text file (article, `book.toml`, locale, import input) to a
//! string, with a diagnostic at the first byte that is not UTF-8. Shared by
//! every loader, so that none of them imports another.
//!
//! Japanese text saved in another encoding is recognized and named
//! (`wrong-encoding`), with the command that converts it: ISO-2022-JP (7-bit,
//! so it passes as UTF-8: found by its escape sequences), UTF-16 (a BOM, or
//! the NUL bytes of ASCII text), Shift_JIS and EUC-JP (a guess from the
//! bytes, kept only if `encoding_rs` decodes the whole file with it without
//! an error into Japanese text). Bytes that fit no guess stay `invalid-utf8`.

use std::path::Path;

use encoding_rs::{Encoding, EUC_JP, ISO_2022_JP, SHIFT_JIS, UTF_16BE, UTF_16LE};

use crate::base::diag::{Diagnostic, LineIndex, Pos};

/// An encoding recognized in a file that is not UTF-8 text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Detected {
    /// The name shown to the editor.
    pub name: &'static str,
    /// The name `iconv -f` takes.
    pub iconv: &'static str,
    /// Byte offset of the first byte that shows it (0 for a BOM or NULs).
    pub at: usize,
}

/// Checks that a file's bytes are UTF-8 text; the error (`invalid-utf8`)
/// points at the first bad byte, counted as every stage counts (BOM dropped,
/// line endings normalized). A file in a recognized other encoding gets
/// `wrong-encoding` instead, naming it. Used for articles, book.toml,
/// locales, templates and `brief import`'s input.
pub fn decode(bytes: Vec<u8>, file: &Path) -> Result<String, Diagnostic> {
    if let Some(found) = detect(&bytes) {
        return Err(wrong_encoding(&bytes, file, found));
    }
    String::from_utf8(bytes).map_err(|e| {
        let good = e.utf8_error().valid_up_to();
        Diagnostic::error("invalid-utf8", "the file is not valid UTF-8 text")
            .at(file, pos_of(e.as_bytes(), good))
            .help("save the file as UTF-8 in your editor (the position is the first invalid byte)")
    })
}

/// Line and column of byte `offset`, counted in the (UTF-8) text before it.
fn pos_of(bytes: &[u8], offset: usize) -> Pos {
    let prefix = String::from_utf8_lossy(&bytes[..offset.min(bytes.len())]).into_owned();
    let prefix =
        crate::base::text::normalize_newlines(crate::base::text::strip_bom(&prefix)).into_owned();
    LineIndex::new(&prefix).pos(&prefix, prefix.len())
}

fn wrong_encoding(bytes: &[u8], file: &Path, found: Detected) -> Diagnostic {
    let shown = shell_word(&file.to_string_lossy());
    let d = Diagnostic::error(
        "wrong-encoding",
        format!("the file is not UTF-8 text; it looks like {}", found.name),
    );
    // A position helps only where it is text that an editor shows as such.
    let d = if found.at > 0 {
        d.at(file, pos_of(bytes, found.at))
    } else {
        d.in_file(file)
    };
    d.help(format!(
        "convert it to UTF-8, e.g. `iconv -f {} -t UTF-8 {shown} > {shown}.utf8`, check the result and replace the file with it (or save it as UTF-8 in your editor)",
        found.iconv
    ))
}

/// A path as one shell word: as it is when it is plain, else single-quoted.
fn shell_word(s: &str) -> String {
    if !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '/' | '.' | '_' | '-' | '+' | ','))
    {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', "'\\''"))
    }
}

/// The encoding a file that is not UTF-8 text is most likely in, if it is
/// one of the encodings Japanese text is commonly found in.
pub fn detect(bytes: &[u8]) -> Option<Detected> {
    if let Some(d) = detect_utf16(bytes) {
        return Some(d);
    }
    // ISO-2022-JP is 7-bit: valid UTF-8 made of ASCII with escape sequences.
    if bytes.contains(&0x1b) {
        if let Some(at) = iso_2022_jp_escape(bytes) {
            if decodes(ISO_2022_JP, bytes).is_some() {
                return Some(Detected {
                    name: "ISO-2022-JP (JIS)",
                    iconv: "ISO-2022-JP",
                    at,
                });
            }
        }
    }
    let valid_up_to = match std::str::from_utf8(bytes) {
        Ok(_) => return None,
        Err(e) => e.valid_up_to(),
    };
    // A UTF-8 file with a bad byte in it, not a file in another encoding,
    // when non-ASCII UTF-8 text came before the bad byte.
    if !bytes[..valid_up_to].is_ascii() {
        return None;
    }
    let sjis = decodes(SHIFT_JIS, bytes).and_then(|t| japanese_score(&t));
    let euc = decodes(EUC_JP, bytes).and_then(|t| japanese_score(&t));
    let (name, iconv) = match (sjis, euc) {
        (Some(s), Some(e)) if e > s => ("EUC-JP", "EUC-JP"),
        (Some(_), _) => ("Shift_JIS (CP932)", "CP932"),
        (None, Some(_)) => ("EUC-JP", "EUC-JP"),
        (None, None) => return None,
    };
    Some(Detected {
        name,
        iconv,
        at: valid_up_to,
    })
}

fn decodes(encoding: &'static Encoding, bytes: &[u8]) -> Option<String> {
    encoding
        .decode_without_bom_handling_and_without_replacement(bytes)
        .map(|c| c.into_owned())
}

/// UTF-16 by its BOM, or by NUL bytes in every other place (ASCII text).
fn detect_utf16(bytes: &[u8]) -> Option<Detected> {
    let le = Detected {
        name: "UTF-16 (little-endian)",
        iconv: "UTF-16",
        at: 0,
    };
    let be = Detected {
        name: "UTF-16 (big-endian)",
        iconv: "UTF-16",
        at: 0,
    };
    match bytes {
        [0xFF, 0xFE, ..] => return Some(le),
        [0xFE, 0xFF, ..] => return Some(be),
        _ => {}
    }
    if bytes.len() < 4 || !bytes.contains(&0) {
        return None;
    }
    let sample = &bytes[..bytes.len().min(4096) & !1];
    let pairs = sample.len() / 2;
    let zeros = |parity: usize| {
        sample
            .iter()
            .skip(parity)
            .step_by(2)
            .filter(|b| **b == 0)
            .count()
    };
    let (even, odd) = (zeros(0), zeros(1));
    // Mostly-ASCII UTF-16: one byte of each pair is NUL, the other is not.
    let (found, encoding, iconv) = if odd * 10 >= pairs * 6 && even * 10 < pairs {
        (le, UTF_16LE, "UTF-16LE")
    } else if even * 10 >= pairs * 6 && odd * 10 < pairs {
        (be, UTF_16BE, "UTF-16BE")
    } else {
        return None;
    };
    decodes(encoding, &bytes[..bytes.len() & !1])?;
    Some(Detected { iconv, ..found })
}

/// Offset of the first escape sequence that switches ISO-2022-JP into a
/// Japanese character set (`ESC $ @`, `ESC $ B`, `ESC $ ( D`, `ESC ( I`,
/// `ESC ( J`); `ESC ( B` alone (back to ASCII) is not enough.
fn iso_2022_jp_escape(bytes: &[u8]) -> Option<usize> {
    const INTO: [&[u8]; 5] = [b"\x1b$@", b"\x1b$B", b"\x1b$(D", b"\x1b(I", b"\x1b(J"];
    bytes
        .iter()
        .enumerate()
        .filter(|(_, b)| **b == 0x1b)
        .map(|(i, _)| i)
        .find(|&i| INTO.iter().any(|seq| bytes[i..].starts_with(seq)))
}

/// How Japanese a decoded text looks: `None` when it has control or
/// private-use characters, or fewer than two kana or kanji (a guess needs
/// evidence); else the number of kana and kanji less the half-width kana
/// (which EUC-JP text read as Shift_JIS is full of).
fn japanese_score(text: &str) -> Option<i64> {
    let mut score: i64 = 0;
    let mut evidence = 0;
    for c in text.chars().filter(|c| !c.is_ascii()) {
        match c {
            '\u{80}'..='\u{9f}' | '\u{e000}'..='\u{f8ff}' | '\u{fffd}' => return None,
            '\u{3040}'..='\u{30ff}' | '\u{4e00}'..='\u{9fff}' | '\u{3400}'..='\u{4dbf}' => {
                score += 1;
                evidence += 1;
            }
            '\u{ff61}'..='\u{ff9f}' => score -= 1,
            _ => {}
        }
    }
    (evidence >= 2).then_some(score)
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "---\ntitle: \"日本語の記事\"\ndate: 2025-01-01\n---\n本文です。\n";

    fn encode(encoding: &'static Encoding, s: &str) -> Vec<u8> {
        let (bytes, _, unmappable) = encoding.encode(s);
        assert!(!unmappable);
        bytes.into_owned()
    }

    fn utf16(s: &str, little: bool, bom: bool) -> Vec<u8> {
        let mut out = Vec::new();
        if bom {
            out.extend(if little { [0xFF, 0xFE] } else { [0xFE, 0xFF] });
        }
        for u in s.encode_utf16() {
            out.extend(if little {
                u.to_le_bytes()
            } else {
                u.to_be_bytes()
            });
        }
        out
    }

    #[test]
    fn japanese_encodings_are_named() {
        let iso = encode(ISO_2022_JP, TEXT);
        assert!(iso.is_ascii(), "ISO-2022-JP is 7-bit");
        let cases = [
            (iso, "ISO-2022-JP"),
            (encode(SHIFT_JIS, TEXT), "CP932"),
            (encode(EUC_JP, TEXT), "EUC-JP"),
            (utf16(TEXT, true, true), "UTF-16"),
            (utf16(TEXT, false, true), "UTF-16"),
            (utf16("---\ntitle: x\n---\n", true, false), "UTF-16LE"),
            (utf16("---\ntitle: x\n---\n", false, false), "UTF-16BE"),
        ];
        for (bytes, iconv) in cases {
            let d = decode(bytes, Path::new("content/ja/x.md")).unwrap_err();
            assert_eq!(d.code, "wrong-encoding", "{iconv}: {d:?}");
            let help = d.help.unwrap();
            assert!(
                help.contains(&format!(
                    "iconv -f {iconv} -t UTF-8 content/ja/x.md > content/ja/x.md.utf8"
                )),
                "{iconv}: {help}"
            );
        }
    }

    #[test]
    fn the_first_escape_sequence_is_the_position() {
        let d = decode(encode(ISO_2022_JP, TEXT), Path::new("a.md")).unwrap_err();
        assert_eq!(d.pos, Some(Pos::new(2, 9)));
        assert!(d.message.contains("ISO-2022-JP"), "{}", d.message);
    }

    #[test]
    fn undecidable_bytes_stay_invalid_utf8() {
        for bytes in [
            b"title: \"Caf\xe9\"\n".to_vec(),
            b"x\x80y".to_vec(),
            // UTF-8 text with one bad byte: not a legacy encoding.
            ["日本語".as_bytes(), b"\xff"].concat(),
            // A cut multi-byte sequence at the end.
            [&b"ab"[..], &"日".as_bytes()[..2]].concat(),
            // One stray escape is not ISO-2022-JP.
            b"a\x1b[2Jb\xff".to_vec(),
        ] {
            let d = decode(bytes.clone(), Path::new("a.md")).unwrap_err();
            assert_eq!(d.code, "invalid-utf8", "{bytes:?}");
        }
        assert!(decode(b"plain \x1b[2J text".to_vec(), Path::new("a.md")).is_ok());
        assert!(decode(TEXT.as_bytes().to_vec(), Path::new("a.md")).is_ok());
    }

    #[test]
    fn odd_paths_are_quoted_for_the_shell() {
        assert_eq!(shell_word("content/ja/a.md"), "content/ja/a.md");
        assert_eq!(shell_word("my file's.md"), "'my file'\\''s.md'");
    }
}
