//! Issue "core pipeline": citations, AI notices, locales, diagnostics with
//! positions, escaping, atomic and reproducible output, Markdown, the CLI.
//! Every test builds a real site and asserts on the files written.

mod common;

use std::collections::BTreeSet;

use common::*;
use scraper::Html;

/// Front-matter with just a title and a date.
fn fm(title: &str, date: &str) -> String {
    format!("title: \"{title}\"\ndate: {date}")
}

/// Every citation marker links to an existing reference, every back-link to an
/// existing marker, and every marker is linked back from its reference.
/// Returns the number of markers checked.
fn assert_citations_consistent(doc: &Html, page: &str) -> usize {
    let all_ids = ids(doc);
    let markers = select(doc, "sup.citation a");
    let mut marker_ids = BTreeSet::new();
    for m in &markers {
        let href = attr(*m, "href");
        let target = href
            .strip_prefix('#')
            .unwrap_or_else(|| panic!("{page}: citation href {href} is not a fragment"));
        assert!(
            target.starts_with("ref-"),
            "{page}: citation targets {target}"
        );
        let li = select(doc, &format!("ol.references > li[id=\"{target}\"]"));
        assert_eq!(
            li.len(),
            1,
            "{page}: citation {href} has no reference entry"
        );
        let id = attr(*m, "id");
        assert!(id.starts_with("cite-"), "{page}: marker id {id}");
        assert!(
            marker_ids.insert(id.clone()),
            "{page}: marker id {id} twice"
        );
    }
    let mut backlinked = BTreeSet::new();
    for b in select(doc, "ol.references a.backref") {
        let href = attr(b, "href");
        let target = href.strip_prefix('#').expect("fragment");
        assert!(target.starts_with("cite-"), "{page}: back-link to {target}");
        assert!(
            all_ids.contains(target),
            "{page}: back-link {href} has no marker"
        );
        backlinked.insert(target.to_string());
    }
    assert_eq!(
        marker_ids, backlinked,
        "{page}: every marker should be linked back from its reference"
    );
    // Footnotes the same way.
    for a in select(doc, "sup.footnote-ref a") {
        let target = attr(a, "href");
        let target = target.trim_start_matches('#');
        assert_eq!(
            select(doc, &format!("section.footnotes li[id=\"{target}\"]")).len(),
            1,
            "{page}: footnote {target} missing"
        );
    }
    for b in select(doc, "section.footnotes a.backref") {
        let target = attr(b, "href");
        assert!(all_ids.contains(target.trim_start_matches('#')));
    }
    markers.len()
}

#[test]
fn sample_site_citations_link_both_ways() {
    // Built by the binary, into a folder outside the site root.
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("out");
    brief_cmd()
        .args(["build", "--root"])
        .arg(repo())
        .arg("--output")
        .arg(&dir)
        .assert()
        .success();
    let out = Output {
        dir,
        base_url: DEFAULT_BASE_URL.into(),
        diagnostics: Vec::new(),
    };
    let mut pages = 0;
    let mut markers = 0;
    for rel in out.files().keys() {
        if !rel.ends_with("/index.html") {
            continue;
        }
        let doc = out.html(rel);
        if select(&doc, "article.briefing").is_empty() {
            continue;
        }
        pages += 1;
        markers += assert_citations_consistent(&doc, rel);
    }
    assert_eq!(pages, 6, "the sample site has six articles");
    assert!(markers > 30, "only {markers} citation markers found");
}

const NUMBERING_FM: &str = r#"title: "Numbering"
date: 2025-07-01
citations:
  - id: "2"
    title: "Two"
  - id: "6"
    title: "Six"
  - id: reuters
    title: "Reuters piece"
  - id: xinhua
    title: "Xinhua piece"
  - id: "1"
    title: "One"
  - id: "3"
    title: "Three"
  - id: a
    title: "Key A"
  - id: b
    title: "Key B"
"#;

const NUMBERING_BODY: &str = r#"Opening claim [@reuters]. The editor's source [6] and [2]. Again [2], once more [2].

Two at once [1][3]; two keys [@a; @b]; later [@xinhua].

A [note] that is not a citation[^fn], and `[2]` in a code span.

    [6] in an indented code block

```text
[@reuters] in a fenced block
```

[^fn]: A footnote.
"#;

#[test]
fn citation_numbering_keeps_editor_numbers_and_numbers_keys_after_them() {
    let site = Site::new();
    site.article("en", "numbering.md", NUMBERING_FM, NUMBERING_BODY);
    let out = site.build_ok();
    assert!(
        out.diagnostics.is_empty(),
        "no warnings expected:\n{}",
        describe(&out.diagnostics)
    );
    let doc = out.article("en", "numbering");
    assert_citations_consistent(&doc, "numbering");

    // Markers in reading order: editor numbers kept, keys numbered after 6 in
    // order of first appearance; `[1][3]` and `[@a; @b]` give two markers each.
    assert_eq!(
        texts(&doc, ".briefing-body sup.citation"),
        ["[7]", "[6]", "[2]", "[2]", "[2]", "[1]", "[3]", "[8]", "[9]", "[10]"]
    );
    assert_eq!(
        attrs(&doc, ".briefing-body sup.citation a", "href"),
        [
            "#ref-reuters",
            "#ref-6",
            "#ref-2",
            "#ref-2",
            "#ref-2",
            "#ref-1",
            "#ref-3",
            "#ref-a",
            "#ref-b",
            "#ref-xinhua"
        ]
    );
    assert_eq!(
        attrs(&doc, ".briefing-body sup.citation a", "id")[2..5],
        ["cite-2-1", "cite-2-2", "cite-2-3"]
    );

    // The reference list in number order, with the gap at 4 and 5.
    assert_eq!(
        attrs(&doc, "ol.references > li", "value"),
        ["1", "2", "3", "6", "7", "8", "9", "10"]
    );
    assert_eq!(
        texts(&doc, "ol.references > li .ref-number"),
        ["[1]", "[2]", "[3]", "[6]", "[7]", "[8]", "[9]", "[10]"]
    );
    assert_eq!(
        attrs(&doc, "ol.references > li", "id"),
        [
            "ref-1",
            "ref-2",
            "ref-3",
            "ref-6",
            "ref-reuters",
            "ref-a",
            "ref-b",
            "ref-xinhua"
        ]
    );
    assert_eq!(
        text(select_one(&doc, "li#ref-reuters .ref-title")),
        "Reuters piece"
    );

    // Cited three times: back-links a, b, c to each marker.
    let li2 = select_one(&doc, "li#ref-2");
    let backrefs = select_in(li2, "a.backref");
    assert_eq!(
        backrefs.iter().map(|a| text(*a)).collect::<Vec<_>>(),
        ["a", "b", "c"]
    );
    assert_eq!(
        backrefs
            .iter()
            .map(|a| attr(*a, "href"))
            .collect::<Vec<_>>(),
        ["#cite-2-1", "#cite-2-2", "#cite-2-3"]
    );
    // Cited once: a single back-link.
    let li6 = select_one(&doc, "li#ref-6");
    assert_eq!(
        select_in(li6, "a.backref")
            .iter()
            .map(|a| attr(*a, "href"))
            .collect::<Vec<_>>(),
        ["#cite-6-1"]
    );

    // `[note]` stays text; markers in code are untouched.
    let body = select_one(&doc, ".briefing-body");
    assert!(text(body).contains("A [note] that is not a citation"));
    assert_eq!(texts(&doc, ".briefing-body p code"), ["[2]"]);
    let pre = texts(&doc, ".briefing-body pre");
    assert_eq!(pre.len(), 2);
    assert!(pre[0].contains("[6] in an indented code block"), "{pre:?}");
    assert!(pre[1].contains("[@reuters] in a fenced block"), "{pre:?}");
    assert!(select(&doc, "pre sup, code sup").is_empty());

    // The footnote.
    assert_eq!(
        attrs(&doc, "section.footnotes li", "id"),
        ["fn-fn"],
        "footnote list"
    );
}

#[test]
fn uncited_key_citation_is_numbered_after_the_cited_ones_and_warned_about() {
    let site = Site::new();
    site.article(
        "en",
        "x.md",
        r#"title: "X"
date: 2025-07-01
citations:
  - id: "4"
    title: "Four"
  - id: spare
    title: "Never cited"
  - id: used
    title: "Cited"
"#,
        "Text [4] and [@used].\n",
    );
    let out = site.build_ok();
    let w = one(&out.diagnostics, "uncited-citation");
    assert!(w.message.contains("spare"), "{}", w.message);
    let doc = out.article("en", "x");
    assert_eq!(
        attrs(&doc, "ol.references > li", "id"),
        ["ref-4", "ref-used", "ref-spare"]
    );
    assert_eq!(attrs(&doc, "ol.references > li", "value"), ["4", "5", "6"]);
}

#[test]
fn ai_notice_is_shown_in_the_page_language() {
    let site = Site::new();
    site.article(
        "ja",
        "ai.md",
        &format!("{}\nai_generated: true", fm("AI記事", "2025-07-01")),
        "本文。\n",
    );
    site.article(
        "en",
        "ai.md",
        &format!("{}\nai_generated: true", fm("AI article", "2025-07-01")),
        "Body.\n",
    );
    site.article(
        "en",
        "human.md",
        &format!("{}\nai_generated: false", fm("Human article", "2025-07-02")),
        "Body.\n",
    );
    site.article(
        "en",
        "silent.md",
        &fm("Says nothing", "2025-07-03"),
        "Body.\n",
    );
    let out = site.build_ok();

    // Generated without a recorded review: the notice says it was not
    // reviewed, and nothing claims a review.
    let ja = out.article("ja", "ai");
    assert_eq!(
        text(select_one(&ja, ".ai-disclaimer")),
        format!(
            "{} {}",
            site.message("ja", "ai-notice-generated"),
            site.message("ja", "ai-not-reviewed")
        )
    );
    assert_eq!(
        attr(
            select_one(&ja, "head meta[name=\"ai-disclosure\"]"),
            "content"
        ),
        "ai-autonomous"
    );
    let en = out.article("en", "ai");
    assert_eq!(
        text(select_one(&en, ".ai-disclaimer")),
        format!(
            "{} {}",
            site.message("en", "ai-notice-generated"),
            site.message("en", "ai-not-reviewed")
        )
    );
    assert_ne!(
        site.message("en", "ai-notice-generated"),
        site.message("ja", "ai-notice-generated")
    );
    assert_eq!(select(&en, "head meta[name=\"ai-disclosure\"]").len(), 1);

    // `ai_generated: false` is a record: the page says "human-only".
    let human = out.article("en", "human");
    assert!(select(&human, ".ai-disclaimer").is_empty());
    assert_eq!(
        attr(
            select_one(&human, "head meta[name=\"ai-disclosure\"]"),
            "content"
        ),
        "human-only"
    );
    // Silence on a site whose default is "no AI" claims nothing either way.
    let silent = out.article("en", "silent");
    assert!(select(&silent, ".ai-disclaimer").is_empty());
    assert!(select(&silent, "meta[name=\"ai-disclosure\"]").is_empty());
}

#[test]
fn site_wide_ai_generated_default_applies_to_articles_that_do_not_say() {
    let mut site = Site::new();
    site.setting("ai_generated = true");
    site.article(
        "en",
        "silent.md",
        &fm("Says nothing", "2025-07-03"),
        "Body.\n",
    );
    site.article(
        "en",
        "human.md",
        &format!("{}\nai_generated: false", fm("Human", "2025-07-02")),
        "Body.\n",
    );
    let out = site.build_ok();
    let silent = out.article("en", "silent");
    assert_eq!(select(&silent, ".ai-disclaimer").len(), 1);
    assert_eq!(
        select(&silent, "head meta[name=\"ai-disclosure\"]").len(),
        1
    );
    let human = out.article("en", "human");
    assert!(select(&human, ".ai-disclaimer").is_empty());
    assert_eq!(
        attr(
            select_one(&human, "head meta[name=\"ai-disclosure\"]"),
            "content"
        ),
        "human-only"
    );
}

#[test]
fn html_lang_and_dir_follow_the_page_language() {
    let mut site = Site::new();
    site.language("ar", "العربية");
    site.article("ja", "a.md", &fm("記事", "2025-07-01"), "本文。\n");
    site.article("en", "a.md", &fm("Article", "2025-07-01"), "Body.\n");
    site.article("ar", "a.md", &fm("مقال", "2025-07-01"), "نص.\n");
    let out = site.build_ok();
    for (file, lang, dir) in [
        ("ja/a/index.html", "ja", "ltr"),
        ("en/a/index.html", "en", "ltr"),
        ("ar/a/index.html", "ar", "rtl"),
        ("ja/index.html", "ja", "ltr"),
        ("en/topics/index.html", "en", "ltr"),
        ("ar/index.html", "ar", "rtl"),
        ("ar/sources/index.html", "ar", "rtl"),
        ("index.html", "ja", "ltr"),
        ("404.html", "ja", "ltr"),
    ] {
        let doc = out.html(file);
        let html = select_one(&doc, "html");
        assert_eq!(html.value().attr("lang"), Some(lang), "{file}");
        assert_eq!(html.value().attr("dir"), Some(dir), "{file}");
    }
    // The switcher marks each language with its own direction.
    let doc = out.article("en", "a");
    let ar = select_one(&doc, ".lang-switcher [lang=\"ar\"]");
    assert_eq!(ar.value().attr("dir"), Some("rtl"));
}

#[test]
fn missing_translation_falls_back_to_the_default_language_with_a_warning() {
    let site = Site::new();
    site.remove_message("en", "key-points");
    site.article(
        "en",
        "x.md",
        &format!("{}\nkey_points:\n  - \"One point\"", fm("X", "2025-07-01")),
        "Body.\n",
    );
    let out = site.build_ok();
    let w = one(&out.diagnostics, "missing-translation");
    assert_eq!(w.severity, brief::Severity::Warning);
    assert!(w.message.contains("key-points"), "{}", w.message);
    assert!(w.message.contains("`en`"), "{}", w.message);
    let doc = out.article("en", "x");
    assert_eq!(
        text(select_one(&doc, "#key-points-heading")),
        site.message("ja", "key-points")
    );
}

#[test]
fn message_missing_in_every_locale_is_an_error_naming_key_and_template() {
    let site = Site::new();
    site.remove_message("en", "key-points");
    site.remove_message("ja", "key-points");
    site.article("en", "x.md", &fm("X", "2025-07-01"), "Body.\n");
    let diags = site.build_err();
    let e = one(&diags, "missing-message");
    assert_eq!(e.severity, brief::Severity::Error);
    assert!(e.message.contains("`key-points`"), "{}", e.message);
    assert!(e.message.contains("article.html"), "{}", e.message);
    assert_eq!(
        e.file.as_deref(),
        Some(std::path::Path::new(
            "themes/default/templates/article.html"
        ))
    );
    assert!(!site.output_dir().exists(), "nothing is written");
}

#[test]
fn undefined_citation_points_at_the_marker() {
    let site = Site::new();
    let front = r#"title: "X"
date: 2025-07-01
citations:
  - id: "1"
    title: "One"
  - id: known
    title: "Known""#;
    site.article(
        "ja",
        "x.md",
        front,
        "最初の段落[1]。\n\n日本語の文[9]です。[@known; @nokey]\n",
    );
    let diags = site.build_err();
    let line = Site::body_line(front) + 2;
    let found = with_code(&diags, "undefined-citation");
    assert_eq!(found.len(), 2, "{}", describe(&diags));
    // `日本語の文[` is six characters: the `9` is in column 7.
    assert_eq!(location(found[0]), ("content/ja/x.md".into(), line, 7));
    assert!(found[0].message.contains("`9`"), "{}", found[0].message);
    assert!(
        found[0].help.as_deref().unwrap_or("").contains("1, known"),
        "{:?}",
        found[0].help
    );
    // `日本語の文[9]です。[@known; ` is 20 characters: `@nokey` starts at 21.
    assert_eq!(location(found[1]), ("content/ja/x.md".into(), line, 21));
    assert!(found[1].message.contains("`nokey`"), "{}", found[1].message);
}

#[test]
fn invalid_date_is_reported_on_its_line() {
    let site = Site::new();
    site.article(
        "en",
        "x.md",
        "title: \"X\"\nsummary: \"S\"\ndate: 2025-13-45",
        "Body.\n",
    );
    // Values inside a citation are located the same way.
    site.article(
        "en",
        "y.md",
        "title: \"Y\"\ndate: 2025-07-01\ncitations:\n  - id: 1\n    title: \"T\"\n    published: 2025-02-31",
        "Body [1].\n",
    );
    site.article(
        "en",
        "z.md",
        "title: \"Z\"\ndate: 2025-07-01\ncitations:\n  - id: 1\n    title: \"T\"\n    url: \"javascript:alert(1)\"",
        "Body [1].\n",
    );
    let diags = site.build_err();
    let found = with_code(&diags, "front-matter-invalid");
    assert_eq!(found.len(), 3, "{}", describe(&diags));
    assert_eq!(location(found[0]), ("content/en/x.md".into(), 4, 7));
    assert!(
        found[0].message.contains("2025-13-45"),
        "{}",
        found[0].message
    );
    assert_eq!(location(found[1]), ("content/en/y.md".into(), 7, 16));
    assert!(
        found[1].message.contains("2025-02-31"),
        "{}",
        found[1].message
    );
    assert_eq!(location(found[2]), ("content/en/z.md".into(), 7, 10));
    assert!(
        found[2].message.contains("javascript:"),
        "{}",
        found[2].message
    );
}

#[test]
fn unknown_front_matter_field_suggests_the_nearest() {
    let site = Site::new();
    site.article("en", "x.md", "date: 2025-07-01\ntitel: \"X\"", "Body.\n");
    let diags = site.build_err();
    let e = one(&diags, "unknown-field");
    assert_eq!(location(e), ("content/en/x.md".into(), 3, 1));
    assert!(e.message.contains("`titel`"), "{}", e.message);
    assert!(
        e.help
            .as_deref()
            .unwrap_or("")
            .contains("did you mean `title`"),
        "{:?}",
        e.help
    );
}

#[test]
fn unknown_book_toml_key_has_line_and_nearest_key() {
    let site = Site::new();
    site.write(
        "book.toml",
        "[site]\ntitle = \"T\"\nbase_url = \"https://example.org/\"\ndefault_language = \"ja\"\n  paginat = 3\n\n[languages.ja]\nname = \"日本語\"\nnmae = \"x\"\n",
    );
    site.article("ja", "x.md", &fm("X", "2025-07-01"), "本文。\n");
    let diags = site.build_err();
    let found = with_code(&diags, "unknown-key");
    assert_eq!(found.len(), 2, "{}", describe(&diags));
    assert_eq!(location(found[0]), ("book.toml".into(), 5, 3));
    assert!(found[0].message.contains("`paginat`"));
    assert!(
        found[0]
            .help
            .as_deref()
            .unwrap_or("")
            .contains("`paginate`"),
        "{:?}",
        found[0].help
    );
    assert_eq!(location(found[1]), ("book.toml".into(), 9, 1));
    assert!(
        found[1].help.as_deref().unwrap_or("").contains("`name`"),
        "{:?}",
        found[1].help
    );
}

#[test]
fn markup_in_titles_and_text_is_escaped_everywhere() {
    let site = Site::new();
    // As shown everywhere (page, cards, feed): escaped, with the body's
    // smart punctuation.
    let title = "<script>alert(1)</script> & “quotes”";
    site.article(
        "en",
        "x.md",
        r#"title: "<script>alert(1)</script> & \"quotes\""
date: 2025-07-01
summary: "</title><script>alert(2)</script>"
key_points:
  - "<script>alert(3)</script>"
topics: [ai-governance]
citations:
  - id: "1"
    title: "<script>alert(4)</script>"
    publisher: "<b>bold</b>"
    url: "https://example.com/a?b=1&c=2"
"#,
        "Text [1].\n\n<script>alert(5)</script>\n\nInline <img src=x onerror=alert(6)> html.\n",
    );
    let out = site.build_ok();

    let doc = out.article("en", "x");
    assert_eq!(text(select_one(&doc, "h1#article-title")), title);
    assert!(text(select_one(&doc, "title")).starts_with(title));
    assert!(out
        .read("en/x/index.html")
        .contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert_eq!(
        attr(select_one(&doc, "ol.references a.ref-title"), "href"),
        "https://example.com/a?b=1&c=2"
    );
    assert!(select(&doc, "img").is_empty(), "raw HTML must not render");

    let index = out.html("en/index.html");
    assert_eq!(texts(&index, ".card-title"), [title]);
    let term = out.html("en/topics/ai-governance/index.html");
    assert_eq!(texts(&term, ".card-title"), [title]);

    let feed = parse_xml(&out.read("en/atom.xml"));
    let entry = feed.child("entry");
    assert_eq!(entry.text_of("title"), title);
    assert_eq!(
        entry.text_of("summary"),
        "</title><script>alert(2)</script>"
    );
    parse_xml(&out.read("sitemap.xml"));

    // No markup from the content reaches an HTML, XML or text file. Data files
    // (the search index, CSL-JSON, BibTeX) carry it as string data, which is
    // not markup; JSON must still parse.
    let mut checked = 0;
    for (file, bytes) in out.files() {
        let s = String::from_utf8_lossy(&bytes).to_lowercase();
        if file.ends_with(".json") {
            serde_json::from_slice::<serde_json::Value>(&bytes)
                .unwrap_or_else(|e| panic!("{file} is not JSON: {e}"));
        }
        if ![".html", ".xml", ".txt"].iter().any(|x| file.ends_with(x)) {
            continue;
        }
        checked += 1;
        assert!(!s.contains("<script>alert"), "{file} has a raw script");
        assert!(!s.contains("</script><"), "{file} closes a script early");
        assert!(!s.contains("<img src=x"), "{file} has raw markup");
        assert!(!s.contains("<b>bold"), "{file} has raw markup");
    }
    assert!(checked > 10);
}

#[test]
fn failed_build_leaves_the_previous_output_untouched() {
    let site = Site::new();
    site.article("en", "x.md", &fm("X", "2025-07-01"), "Body.\n");
    site.article("ja", "x.md", &fm("エックス", "2025-07-01"), "本文。\n");
    site.build_ok();
    let before = snapshot(&site.output_dir());
    assert!(before.contains_key("en/x/index.html"));

    site.article("en", "x.md", &fm("X", "2025-07-01"), "Now cites [3].\n");
    site.article("en", "y.md", &fm("Y", "2025-07-02"), "New page.\n");
    let diags = site.build_err();
    one(&diags, "undefined-citation");

    assert_same_files(&before, &snapshot(&site.output_dir()));
    // No staging folder is left behind beside the output.
    let leftovers: Vec<String> = std::fs::read_dir(site.root())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".brief-") && !n.starts_with(".brief-lock-"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

fn rich_site() -> Site {
    let site = Site::new();
    site.article(
        "ja",
        "a.md",
        r#"title: "概要の記事"
date: 2025-07-01
topics: [ai-governance, compute]
regions: [cn]
ai_generated: true
citations:
  - id: "1"
    title: "共有の出典"
    url: "https://example.com/shared"
  - id: k
    title: "Key"
"#,
        "## 概要\n\n本文[1][@k]。[別の記事](b.md)\n\n## 概要\n\n```rust\nfn main() { println!(\"hi\"); }\n```\n",
    );
    site.article(
        "ja",
        "b.md",
        r#"title: "二つ目"
date: 2025-07-02
topics: [compute]
citations:
  - id: "1"
    title: "共有の出典"
    url: "https://example.com/shared/"
"#,
        "本文[1]。脚注[^a]。\n\n[^a]: 注。\n",
    );
    site.article(
        "en",
        "a.md",
        &format!("{}\ntopics: [compute]", fm("Overview", "2025-07-01")),
        "| a | b |\n|---|---|\n| 1 | 2 |\n\n~~old~~ new\n\n- [x] done\n- [ ] todo\n",
    );
    site
}

#[test]
fn rebuilds_are_byte_identical() {
    let site = rich_site();
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    site.build_with(|o| o.output = Some(a.clone())).unwrap();
    site.build_with(|o| o.output = Some(b.clone())).unwrap();
    let first = snapshot(&a);
    assert!(first.len() > 20, "{} files", first.len());
    assert_same_files(&first, &snapshot(&b));
    // Building over the previous output gives the same bytes again.
    site.build_with(|o| o.output = Some(a.clone())).unwrap();
    assert_same_files(&first, &snapshot(&a));
}

#[test]
fn sample_site_rebuilds_are_byte_identical() {
    let (_t1, one) = build_sample(DEFAULT_BASE_URL);
    let (_t2, two) = build_sample(DEFAULT_BASE_URL);
    assert_same_files(&one.files(), &two.files());
}

#[test]
fn markdown_extensions_headings_and_code() {
    let site = rich_site();
    let out = site.build_ok();

    let en = out.article("en", "a");
    assert_eq!(texts(&en, ".briefing-body table th"), ["a", "b"]);
    assert_eq!(texts(&en, ".briefing-body table td"), ["1", "2"]);
    assert_eq!(texts(&en, ".briefing-body del"), ["old"]);
    let boxes = select(&en, ".briefing-body li input[type=\"checkbox\"]");
    assert_eq!(boxes.len(), 2);
    assert!(boxes[0].value().attr("checked").is_some());
    assert!(boxes[1].value().attr("checked").is_none());
    assert!(boxes.iter().all(|b| b.value().attr("disabled").is_some()));

    let ja = out.article("ja", "a");
    assert_citations_consistent(&ja, "ja/a");
    assert_citations_consistent(&out.article("ja", "b"), "ja/b");
    assert_eq!(attrs(&ja, ".briefing-body h2", "id"), ["概要", "概要-2"]);
    let pre = select_one(&ja, ".briefing-body pre");
    assert_eq!(pre.value().attr("data-lang"), Some("rust"));
    let spans = select_in(pre, "span");
    assert!(!spans.is_empty(), "no highlighting spans");
    assert!(spans
        .iter()
        .all(|s| s.value().classes().all(|c| c.starts_with("hl-"))));
    assert!(spans.iter().any(|s| s
        .value()
        .classes()
        .any(|c| c == "hl-rust" || c == "hl-source")));
    assert_eq!(text(pre), "fn main() { println!(\"hi\"); }");
    assert!(
        select(&ja, "[style]").is_empty(),
        "no inline style attributes"
    );
    let css = out.read("static/syntax.css");
    assert!(css.contains(".hl-"), "syntax.css styles the hl- classes");
}

// ---------------------------------------------------------------------------
// The binary
// ---------------------------------------------------------------------------

fn brief_cmd() -> assert_cmd::Command {
    assert_cmd::Command::new(env!("CARGO_BIN_EXE_brief"))
}

#[test]
fn cli_version_and_help_exit_zero() {
    let out = brief_cmd().arg("--version").assert().success();
    let stdout = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    assert!(
        stdout.contains(env!("CARGO_PKG_VERSION")),
        "--version prints {stdout}"
    );
    let out = brief_cmd().args(["build", "--help"]).assert().success();
    let stdout = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    for flag in ["--root", "--output", "--drafts", "--base-url"] {
        assert!(stdout.contains(flag), "build --help lacks {flag}");
    }
}

#[test]
fn cli_unknown_flag_exits_two() {
    brief_cmd().args(["build", "--frobnicate"]).assert().code(2);
    brief_cmd().arg("no-such-command").assert().code(2);
}

#[test]
fn cli_content_error_exits_one_and_reports_json() {
    let site = Site::new();
    site.article("en", "x.md", &fm("X", "2025-07-01"), "Cites [9].\n");
    let root = site.root().to_str().unwrap().to_string();
    brief_cmd()
        .args(["build", "--root", &root])
        .assert()
        .code(1)
        .stderr(predicates::str::contains("undefined-citation"));
    assert!(!site.output_dir().exists());

    let out = brief_cmd()
        .args(["check", "--root", &root, "--format", "json"])
        .assert()
        .code(1);
    let stdout = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    let lines: Vec<serde_json::Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).expect("one JSON object per line"))
        .collect();
    let e = lines
        .iter()
        .find(|v| v["code"] == "undefined-citation")
        .unwrap_or_else(|| panic!("no undefined-citation in {stdout}"));
    assert_eq!(e["severity"], "error");
    assert_eq!(e["file"], "content/en/x.md");
    // Line 5 is the body, `Cites [` is seven characters.
    assert_eq!(e["line"], 5);
    assert_eq!(e["column"], 8);

    // Fixed: exit 0 and the site is written.
    site.article("en", "x.md", &fm("X", "2025-07-01"), "Cites nothing.\n");
    brief_cmd()
        .args(["build", "--root", &root])
        .assert()
        .success();
    assert!(site.output_dir().join("en/x/index.html").is_file());
}

#[test]
fn a_footnote_indented_under_another_is_reported() {
    let site = Site::new();
    let fm = fm("Notes", "2025-07-01");
    site.article(
        "en",
        "notes.md",
        &fm,
        "A claim.[^a] Another.[^b]\n\n[^a]: The outer note begins.\n\n    [^b]: The inner note.\n\n    The outer note continues.\n",
    );
    let out = site.build_ok();
    let doc = out.article("en", "notes");
    let notes = texts(&doc, "section.footnotes li, .footnotes li");
    assert!(
        notes.iter().any(|n| n.contains("The outer note begins.")),
        "the outer note's text is kept: {notes:?}"
    );
    assert!(
        notes.iter().any(|n| n.contains("The inner note.")),
        "{notes:?}"
    );
    let warning = out
        .diagnostics
        .iter()
        .find(|d| d.code == "nested-footnote")
        .expect("a nested-footnote warning");
    assert_eq!(warning.pos.unwrap().line, Site::body_line(&fm) + 4);
    assert_eq!(warning.pos.unwrap().column, 5);
}

/// A quote left open runs on into the next lines; the error points at the
/// quote, not where the YAML parser gave up.
#[test]
fn an_unclosed_quote_is_reported_where_it_opens() {
    let site = Site::new();
    site.article(
        "en",
        "q.md",
        "title: \"Unclosed\ndate: 2025-07-01\nsummary: \"x\"",
        "Body.\n",
    );
    let (ok, diags) = site.check();
    assert!(!ok);
    let d = diags
        .iter()
        .find(|d| d.code == "front-matter-syntax")
        .unwrap_or_else(|| panic!("{diags:?}"));
    let pos = d.pos.unwrap();
    assert_eq!((pos.line, pos.column), (2, 8), "{}", d.message);
    assert!(d.message.contains("not closed"), "{}", d.message);
}
