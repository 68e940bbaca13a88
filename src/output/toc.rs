//! The table of contents of an article: its sections (`##`) with their
//! subsections (`###`), linking to the headings' own ids, for briefings
//! long enough to need one.

use serde::Serialize;

use crate::parse::markdown::Heading;

/// Sections an article needs for a table of contents.
pub const MIN_SECTIONS: usize = 3;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TocEntry {
    pub id: String,
    pub text: String,
    /// The `###` headings of a section.
    pub children: Vec<TocEntry>,
}

/// The contents of an article with at least [`MIN_SECTIONS`] `##` headings,
/// else `None`. A `###` before the first `##` has no section and is left out.
pub fn toc(headings: &[Heading]) -> Option<Vec<TocEntry>> {
    if headings.iter().filter(|h| h.level == 2).count() < MIN_SECTIONS {
        return None;
    }
    let mut out: Vec<TocEntry> = Vec::new();
    for h in headings {
        let entry = || TocEntry {
            id: h.id.clone(),
            text: h.text.clone(),
            children: Vec::new(),
        };
        match h.level {
            2 => out.push(entry()),
            3 => {
                if let Some(section) = out.last_mut() {
                    section.children.push(entry());
                }
            }
            _ => {}
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(level: u8, id: &str) -> Heading {
        Heading {
            level,
            id: id.into(),
            text: id.to_uppercase(),
        }
    }

    #[test]
    fn sections_and_subsections() {
        assert_eq!(toc(&[h(2, "a"), h(2, "b"), h(3, "b1")]), None);
        let t = toc(&[
            h(3, "lost"),
            h(2, "a"),
            h(3, "a1"),
            h(4, "deep"),
            h(2, "b"),
            h(2, "c"),
        ])
        .unwrap();
        let ids: Vec<(&str, Vec<&str>)> = t
            .iter()
            .map(|e| {
                (
                    e.id.as_str(),
                    e.children.iter().map(|c| c.id.as_str()).collect(),
                )
            })
            .collect();
        assert_eq!(ids, [("a", vec!["a1"]), ("b", vec![]), ("c", vec![])]);
    }
}
