//! Where each `aliases:` entry is written in the front-matter, so that the
//! link stage, which checks aliases against the whole site, can point at the
//! entry itself (line and column of the value, flow or block style).

use crate::base::diag::Pos;
use crate::parse::frontmatter::Split;

/// The position of each alias in the file, in the order of `aliases`: the
/// first occurrence of its text after the previous one, within the
/// `aliases:` field; the field's own position when the text is not found as
/// written (a value with YAML escapes).
pub fn positions(split: &Split, aliases: &[String]) -> Vec<Pos> {
    if aliases.is_empty() {
        return Vec::new();
    }
    let lines: Vec<&str> = split.yaml.split_inclusive('\n').collect();
    let Some(start) = lines.iter().position(|l| {
        l.strip_prefix("aliases")
            .is_some_and(|rest| rest.trim_start().starts_with(':'))
    }) else {
        return vec![Pos::new(split.yaml_line, 1); aliases.len()];
    };
    let key = Pos::new(split.yaml_line + start, 1);
    // The field: its line after the colon, and the lines that continue it
    // (indented, list items, blank lines and comments).
    let mut end = start + 1;
    while end < lines.len() {
        let l = lines[end];
        let t = l.trim();
        if !(l.starts_with([' ', '\t', '-']) || t.is_empty() || t.starts_with('#')) {
            break;
        }
        end += 1;
    }
    let colon = lines[start].find(':').map_or(0, |i| i + 1);
    // (line index, byte offset in that line) where the search goes on.
    let mut cursor = (start, colon);
    aliases
        .iter()
        .map(|alias| {
            if alias.is_empty() {
                return key;
            }
            for (i, line) in lines.iter().enumerate().take(end).skip(cursor.0) {
                let from = if i == cursor.0 { cursor.1 } else { 0 };
                let code = &line[..line.find(" #").unwrap_or(line.len())];
                if from > code.len() {
                    continue;
                }
                if let Some(at) = code[from..].find(alias.as_str()) {
                    let at = from + at;
                    cursor = (i, at + alias.len());
                    return Pos::new(split.yaml_line + i, line[..at].chars().count() + 1);
                }
            }
            key
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(yaml: &str, aliases: &[&str]) -> Vec<(usize, usize)> {
        let split = Split {
            yaml,
            yaml_line: 2,
            body: "",
            body_offset: 0,
        };
        let list: Vec<String> = aliases.iter().map(|s| s.to_string()).collect();
        positions(&split, &list)
            .into_iter()
            .map(|p| (p.line, p.column))
            .collect()
    }

    #[test]
    fn flow_and_block_lists() {
        assert_eq!(
            at(
                "title: x\naliases: [old, \"/en/old/\"]\n",
                &["old", "/en/old/"]
            ),
            [(3, 11), (3, 17)]
        );
        assert_eq!(
            at(
                "aliases:\n  - 旧記事\n  - /ja/旧/\ndate: 2025-01-01\n",
                &["旧記事", "/ja/旧/"]
            ),
            [(3, 5), (4, 5)]
        );
        // The same text twice: each its own occurrence.
        assert_eq!(at("aliases: [a, a]\n", &["a", "a"]), [(2, 11), (2, 14)]);
        // Not in the field as written: the field's line.
        assert_eq!(at("aliases: [\"\\x41\"]\n", &["A"]), [(2, 1)]);
    }
}
