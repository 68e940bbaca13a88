//! Bytes of a text file (article, `book.toml`, locale) to a string, with a
//! diagnostic at the first byte that is not UTF-8. Shared by every loader, so
//! that none of them imports another.

use std::path::Path;

use crate::base::diag::{Diagnostic, LineIndex};

/// Checks that a file's bytes are UTF-8 text; the error (`invalid-utf8`)
/// points at the first bad byte, counted as every stage counts (BOM dropped,
/// line endings normalized). Used for articles, book.toml, locales and templates.
pub fn decode(bytes: Vec<u8>, file: &Path) -> Result<String, Diagnostic> {
    String::from_utf8(bytes).map_err(|e| {
        let good = e.utf8_error().valid_up_to();
        let prefix = String::from_utf8_lossy(&e.as_bytes()[..good]).into_owned();
        let prefix = crate::base::text::normalize_newlines(crate::base::text::strip_bom(&prefix))
            .into_owned();
        let pos = LineIndex::new(&prefix).pos(&prefix, prefix.len());
        Diagnostic::error("invalid-utf8", "the file is not valid UTF-8 text")
            .at(file, pos)
            .help("save the file as UTF-8 in your editor (the position is the first invalid byte)")
    })
}
