//! Front-matter + Markdown → HTML, on arbitrary bytes.
//!
//! Besides "never panics", checks what must hold for any input: every
//! diagnostic position lies inside the text, and the body HTML never carries
//! a script, a comment, a `javascript:` link or a forbidden control character
//! from the input.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let (html, diags) = brief::parse::article::render_standalone(text);
    let normalized = brief::base::text::normalize_newlines(brief::base::text::strip_bom(text));
    let lines: Vec<&str> = normalized.split('\n').collect();
    for d in &diags {
        if let Some(pos) = d.pos {
            assert!(pos.line >= 1 && pos.line <= lines.len(), "{d:?}");
            let len = lines[pos.line - 1].chars().count();
            assert!(pos.column >= 1 && pos.column <= len + 1, "{d:?}");
        }
    }
    if let Some(html) = html {
        let lower = html.to_ascii_lowercase();
        assert!(!lower.contains("<script"), "{html}");
        assert!(!lower.contains("<!--"), "{html}");
        assert!(!lower.contains("href=\"javascript:"), "{html}");
        assert!(
            !html.chars().any(brief::base::text::is_forbidden_control),
            "{html:?}"
        );
    }
});
