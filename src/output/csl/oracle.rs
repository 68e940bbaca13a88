//! The specialised styles ([`super::specialise`]) against the styles as
//! written: for every entry of the sample site, of hostile and varied
//! entries, and (when `BRIEF_CSL_ORACLE_ROOT` names a site, e.g. one made by
//! `cargo run --example gen_corpus`) of that site, the HTML of each entry
//! formatted with the specialised style equals [`super::format_one`]'s with
//! the archive's style, in both languages.

use std::path::{Path, PathBuf};

use super::*;
use crate::parse::frontmatter::{salvage_citations, split};
use crate::parse::values::{CitationId, HttpUrl};

fn citations_under(root: &Path, out: &mut Vec<Citation>) {
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let Ok(read) = std::fs::read_dir(&dir) else {
            continue;
        };
        let mut paths: Vec<PathBuf> = read.filter_map(|e| Some(e.ok()?.path())).collect();
        paths.sort();
        for p in paths {
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|e| e == "md") {
                let text = std::fs::read_to_string(&p).expect("readable");
                if let Some(c) = split(&text, &p).ok().and_then(|s| salvage_citations(&s)) {
                    out.extend(c);
                }
            }
        }
    }
}

fn day(y: i32, m: u8, d: u8) -> DateValue {
    DateValue {
        date: time::Date::from_calendar_date(y, time::Month::try_from(m).unwrap(), d).unwrap(),
        datetime: None,
    }
}

/// Entries meant to break a template: markup, quotes, "…", private-use
/// characters, CJK, very long strings, URLs with `&`, braces and `$`, every
/// combination of the optional fields.
fn hostile() -> Vec<Citation> {
    let long = "Very long title ".repeat(60);
    let titles = [
        "Plain title",
        "<script>alert(1)</script> & \"quotes\" 'single'",
        "A title cut by the editor…",
        "Ends with a question?",
        "Ends with a full stop.",
        "\u{E000}\u{F8FF} private use {braces} $math$ \\backslash",
        "経済安全保障推進法の運用に関する報告書",
        long.trim(),
        "",
    ];
    let authors = [
        None,
        Some("Smith, Jane"),
        Some("Smith, Jane; Doe, John; Roe, Richard; Poe, Edgar"),
        Some("Ministry of Economy, Trade and Industry"),
        Some("山田, 太郎"),
    ];
    let publishers = [None, Some("RAND & Co. <Research>"), Some("経済産業省")];
    let urls = [
        None,
        Some("https://example.org/report?a=1&b=2&c=\"3\""),
        Some("https://例え.jp/資料/報告書.pdf"),
    ];
    let dates = [None, Some(day(2023, 3, 6)), Some(day(1999, 12, 31))];
    let langs = [None, Some("ja"), Some("en")];
    let mut out = Vec::new();
    let mut i = 0usize;
    for t in titles {
        for a in authors {
            for p in publishers {
                // Not every combination (that is thousands): each field
                // value meets the others by turns.
                i += 1;
                out.push(Citation {
                    id: CitationId(i.to_string()),
                    title: t.to_string(),
                    publisher: p.map(str::to_string),
                    author: a.map(str::to_string),
                    url: urls[i % urls.len()].map(|u| HttpUrl(u.to_string())),
                    published: dates[i % dates.len()],
                    accessed: dates[(i / 3) % dates.len()],
                    lang: langs[(i / 2) % langs.len()].map(str::to_string),
                });
            }
        }
    }
    // The only author is the publisher (no publisher written then).
    out.push(Citation {
        id: CitationId("same".into()),
        title: "Annual report".into(),
        publisher: Some("European Commission".into()),
        author: Some("European Commission".into()),
        url: None,
        published: Some(day(2024, 1, 1)),
        accessed: None,
        lang: None,
    });
    out
}

fn briefings() -> Vec<Value> {
    let person = ResolvedAuthor {
        written: "Sato, Hanako".into(),
        display: "Hanako Sato".into(),
        family: Some("Sato".into()),
        given: Some("Hanako".into()),
        affiliation: None,
        role: None,
        url: None,
        organisation: false,
    };
    let org = ResolvedAuthor::organisation("Policy Lab".into());
    let date = day(2025, 11, 30);
    vec![
        briefing_entry(
            "a",
            "Briefing: <chips> & \"export\" controls…",
            std::slice::from_ref(&person),
            &date,
            "Policy Lab",
            "https://example.org/en/2025/chips/?x=1&y=2",
            "en",
        ),
        briefing_entry(
            "b",
            "半導体輸出管理の動向",
            std::slice::from_ref(&org),
            &date,
            "Policy Lab",
            "https://example.org/ja/2025/chips/",
            "ja",
        ),
        briefing_entry(
            "c",
            "No authors",
            &[],
            &date,
            "Policy Lab",
            "https://example.org/c/",
            "en",
        ),
    ]
}

fn entries(citations: &[Citation]) -> Vec<Value> {
    citations
        .iter()
        .map(|c| citation_entry("k", c))
        .chain(briefings())
        .map(|mut e| {
            e.as_object_mut().map(|m| m.remove("key"));
            e
        })
        .collect()
}

fn archive_style(name: &str) -> IndependentStyle {
    let Style::Independent(s) = ArchivedStyle::by_name(name).expect(name).get() else {
        panic!("{name} is not independent")
    };
    s
}

/// Compares both paths for `entries` in `style`; the number of entries
/// whose output the specialisation changed structurally (for the check
/// that the test looks at specialised styles at all).
fn compare(name: &str, style: &IndependentStyle, entries: &[Value]) -> usize {
    let mut pruned = 0;
    for lang in ["en", "ja"] {
        let locales = locales_for(lang);
        for t in ENTRY_TYPES {
            let special = specialise(style, t, lang, &locales)
                .unwrap_or_else(|| panic!("{name}: the probe failed for {t}"));
            if &special != style {
                pruned += 1;
            }
            for e in entries.iter().filter(|e| e["type"] == t) {
                let want = format_one(style, lang, &locales, e.clone());
                let got = format_one(&special, lang, &locales, e.clone());
                assert_eq!(got, want, "{name}, {lang}: {e}");
            }
        }
    }
    pruned
}

#[test]
fn specialised_styles_format_sample_and_hostile_entries_as_written() {
    let mut citations = Vec::new();
    citations_under(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("content"),
        &mut citations,
    );
    assert!(citations.len() >= 20, "the sample site has its citations");
    if let Ok(root) = std::env::var("BRIEF_CSL_ORACLE_ROOT") {
        let before = citations.len();
        citations_under(&Path::new(&root).join("content"), &mut citations);
        assert!(citations.len() > before, "{root} has citations");
    }
    citations.extend(hostile());
    let entries = entries(&citations);
    assert!(entries.iter().any(|e| e["type"] == "web"));
    assert!(entries.iter().any(|e| e["type"] == "report"));
    for name in [
        DEFAULT_STYLE,
        "apa",
        "ieee",
        "modern-language-association",
        "chicago-notes",
        "harvard-cite-them-right",
        "vancouver",
        "american-chemical-society",
    ] {
        let style = archive_style(name);
        assert!(
            compare(name, &style, &entries) > 0,
            "{name}: nothing specialised"
        );
    }
}

#[test]
fn every_archive_style_specialised_formats_hostile_entries_as_written() {
    let entries = entries(&hostile());
    // A sample of the hostile entries: every fifth, both types.
    let entries: Vec<Value> = entries.into_iter().step_by(5).collect();
    for archived in ArchivedStyle::all() {
        let Style::Independent(style) = archived.get() else {
            continue;
        };
        compare(archived.names()[0], &style, &entries);
    }
}

/// Branches that test the type and something else, in every match mode,
/// with the other test true and false: the bundled styles have few of them.
#[test]
fn mixed_type_branches_are_specialised_as_written() {
    let mut layout = String::new();
    let mut n = 0;
    for types in ["webpage", "report", "book", "webpage report", "book report"] {
        for match_ in ["all", "any", "none"] {
            for variable in ["URL", "publisher", "author"] {
                n += 1;
                layout.push_str(&format!(
                    r#"<choose><if type="{types}" variable="{variable}" match="{match_}"><text value="{n}+;"/></if><else-if type="{types}" match="{match_}"><text value="{n}t;"/></else-if><else><text value="{n}-;"/></else></choose>"#
                ));
            }
        }
    }
    let style = IndependentStyle::from_xml(&bibliography_style("mixed", &layout))
        .expect("the test style parses");
    let entries = entries(&hostile());
    let mut changed = 0;
    for t in ENTRY_TYPES {
        let special = specialise(&style, t, "en", &locales_for("en")).expect("probe");
        assert_ne!(special, style, "{t}: nothing specialised");
        for e in entries.iter().filter(|e| e["type"] == t) {
            let want = format_one(&style, "en", &locales_for("en"), e.clone());
            let got = format_one(&special, "en", &locales_for("en"), e.clone());
            assert_eq!(got, want, "{t}: {e}");
            changed += usize::from(want.as_deref().is_some_and(|w| w.contains('+')));
        }
    }
    assert!(changed > 0, "some entries take the mixed branches");
}
