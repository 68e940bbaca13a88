//! Issue "cross-linked site": translations and hreflang, internal links and
//! their errors, backlinks, previous/next, taxonomies and pagination, related
//! briefings, the sources page, feeds, sitemap, robots.txt, 404, and a check
//! of every link in the output.

mod common;

use std::collections::{BTreeMap, BTreeSet};

use common::*;
use scraper::Html;

fn fm(title: &str, date: &str) -> String {
    format!("title: \"{title}\"\ndate: {date}")
}

/// `hreflang → href` of the page's `<link rel=alternate hreflang>` elements.
fn alternates(doc: &Html) -> BTreeMap<String, String> {
    let mut m = BTreeMap::new();
    for l in select(doc, "head link[rel=\"alternate\"][hreflang]") {
        let prev = m.insert(attr(l, "hreflang"), attr(l, "href"));
        assert!(prev.is_none(), "hreflang {} twice", attr(l, "hreflang"));
    }
    m
}

fn canonical(doc: &Html) -> String {
    attr(select_one(doc, "head link[rel=\"canonical\"]"), "href")
}

/// The output file an absolute URL of the site is served from.
fn file_of(out: &Output, url: &str) -> String {
    let prefix = out.absolute("");
    let rest = url
        .strip_prefix(&prefix)
        .unwrap_or_else(|| panic!("{url} is not under {prefix}"));
    let rest = percent_decode(rest);
    if rest.is_empty() || rest.ends_with('/') {
        format!("{rest}index.html")
    } else {
        rest
    }
}

// ---------------------------------------------------------------------------
// Translations
// ---------------------------------------------------------------------------

fn translated_site() -> Site {
    let site = Site::new();
    site.article("ja", "a.md", &fm("記事A", "2025-07-01"), "本文。\n");
    site.article("en", "a.md", &fm("Article A", "2025-07-01"), "Body.\n");
    site.article(
        "ja",
        "only-ja.md",
        &fm("日本語のみ", "2025-07-02"),
        "本文。\n",
    );
    site.article(
        "en",
        "only-en.md",
        &fm("English only", "2025-07-02"),
        "Body.\n",
    );
    site.article(
        "ja",
        "pair-ja.md",
        &format!("{}\ntranslation_key: pair", fm("対の記事", "2025-07-03")),
        "本文。\n",
    );
    site.article(
        "en",
        "pair-en.md",
        &format!("{}\ntranslation_key: pair", fm("Paired", "2025-07-03")),
        "Body.\n",
    );
    site
}

#[test]
fn language_switcher_links_translations_and_marks_missing_ones() {
    let site = translated_site();
    let out = site.build_ok();

    let en_a = out.article("en", "a");
    assert_eq!(attrs(&en_a, ".lang-switcher a", "href"), [out.url("ja/a/")]);
    assert_eq!(
        attr(
            select_one(&en_a, ".lang-switcher [aria-current=\"page\"]"),
            "lang"
        ),
        "en"
    );
    assert!(select(&en_a, ".lang-switcher .unavailable").is_empty());

    let only = out.article("ja", "only-ja");
    assert!(
        select(&only, ".lang-switcher a").is_empty(),
        "no link to a missing translation"
    );
    let unavailable = select_one(&only, ".lang-switcher .unavailable");
    // The language's own name, in its language; why it is not a link, in
    // the reader's (a tooltip, and text for screen readers).
    assert_eq!(
        text(select_one(
            &only,
            ".lang-switcher .unavailable [lang=\"en\"]"
        )),
        "English"
    );
    assert_eq!(
        attr(unavailable, "title"),
        "このページの英語版はまだありません"
    );
    assert_eq!(
        text(select_one(
            &only,
            ".lang-switcher .unavailable .visually-hidden"
        )),
        "(このページの英語版はまだありません)"
    );
    // A link to another language names it in the reader's language too.
    assert_eq!(attrs(&en_a, ".lang-switcher a", "title"), ["Japanese"]);

    // translation_key pairs files with different names.
    let pair = out.article("en", "pair-en");
    assert_eq!(
        attrs(&pair, ".lang-switcher a", "href"),
        [out.url("ja/pair-ja/")]
    );
    let pair_ja = out.article("ja", "pair-ja");
    assert_eq!(
        attrs(&pair_ja, ".lang-switcher a", "href"),
        [out.url("en/pair-en/")]
    );
}

#[test]
fn hreflang_is_reciprocal_and_names_only_existing_pages() {
    let site = translated_site();
    let out = site.build_ok();
    let mut checked = 0;
    for rel in out.files().keys().filter(|f| f.ends_with(".html")) {
        if rel == "404.html" || rel == "index.html" {
            continue;
        }
        let doc = out.html(rel);
        let lang = attr(select_one(&doc, "html"), "lang");
        let me = canonical(&doc);
        assert_eq!(file_of(&out, &me), *rel, "canonical of {rel}");
        let alts = alternates(&doc);
        assert_eq!(alts.get(&lang), Some(&me), "{rel} names itself");
        let default = alts
            .get("ja")
            .or_else(|| alts.get("en"))
            .expect("some language");
        assert_eq!(alts.get("x-default"), Some(default), "{rel}: x-default");
        for (hreflang, href) in &alts {
            let target = file_of(&out, href);
            assert!(out.exists(&target), "{rel}: hreflang {hreflang} → {href}");
            if hreflang == "x-default" || *hreflang == lang {
                continue;
            }
            let other = out.html(&target);
            assert_eq!(
                alternates(&other).get(&lang),
                Some(&me),
                "{target} does not point back at {rel}"
            );
            assert_eq!(attr(select_one(&other, "html"), "lang"), *hreflang);
            checked += 1;
        }
    }
    assert!(checked >= 4, "only {checked} reciprocal pairs checked");

    let only = out.article("ja", "only-ja");
    assert_eq!(
        alternates(&only).keys().collect::<Vec<_>>(),
        ["ja", "x-default"]
    );
    let only_en = out.article("en", "only-en");
    assert_eq!(
        alternates(&only_en),
        BTreeMap::from([
            ("en".to_string(), out.absolute("en/only-en/")),
            ("x-default".to_string(), out.absolute("en/only-en/")),
        ])
    );
    let pair = out.article("en", "pair-en");
    assert_eq!(
        alternates(&pair),
        BTreeMap::from([
            ("en".to_string(), out.absolute("en/pair-en/")),
            ("ja".to_string(), out.absolute("ja/pair-ja/")),
            ("x-default".to_string(), out.absolute("ja/pair-ja/")),
        ])
    );
    assert_eq!(canonical(&pair), out.absolute("en/pair-en/"));
}

// ---------------------------------------------------------------------------
// Internal links
// ---------------------------------------------------------------------------

#[test]
fn internal_links_resolve_to_article_urls() {
    let site = Site::new();
    site.article(
        "en",
        "links.md",
        &fm("Links", "2025-07-05"),
        "See [other](other.md), [deep](sub/deep.md#details), [Japanese](../ja/other.md), \
         [section](other.md#section-one), [here](#local) and [outside](https://example.com/x.md).\n\n## Local\n",
    );
    site.article(
        "en",
        "other.md",
        &fm("Other", "2025-07-01"),
        "## Section one\n\nText.\n",
    );
    site.article(
        "en",
        "sub/deep.md",
        &fm("Deep", "2025-07-02"),
        "## Details\n\nBack [up](../other.md) and [self](deep.md#details).\n",
    );
    site.article("ja", "other.md", &fm("その他", "2025-07-01"), "本文。\n");
    let out = site.build_ok();

    let doc = out.article("en", "links");
    assert_eq!(
        attrs(&doc, ".briefing-body a", "href"),
        [
            out.url("en/other/"),
            out.url("en/deep/#details"),
            out.url("ja/other/"),
            out.url("en/other/#section-one"),
            "#local".to_string(),
            "https://example.com/x.md".to_string(),
        ]
    );
    let deep = out.article("en", "deep");
    assert_eq!(
        attrs(&deep, ".briefing-body a", "href"),
        [out.url("en/other/"), out.url("en/deep/#details")]
    );
    assert_links_ok(&out.dir, &out.base_url);
}

#[test]
fn link_to_a_missing_file_is_an_error_with_position_and_hint() {
    let site = Site::new();
    let front = fm("Links", "2025-07-05");
    site.article(
        "en",
        "links.md",
        &front,
        "First line.\n\nJapanese 日本 [x](otehr.md) then [y](other.md#nope).\n",
    );
    site.article(
        "en",
        "other.md",
        &fm("Other", "2025-07-01"),
        "## Section one\n",
    );
    let diags = site.build_err();
    let line = Site::body_line(&front) + 2;
    let e = one(&diags, "broken-link");
    // `Japanese 日本 ` is twelve characters: the link starts in column 13.
    assert_eq!(location(e), ("content/en/links.md".into(), line, 13));
    assert!(e.message.contains("content/en/otehr.md"), "{}", e.message);
    assert!(
        e.help
            .as_deref()
            .unwrap_or("")
            .contains("did you mean other.md"),
        "{:?}",
        e.help
    );
    let a = one(&diags, "broken-anchor");
    // `Japanese 日本 [x](otehr.md) then ` is 31 characters.
    assert_eq!(location(a), ("content/en/links.md".into(), line, 32));
    assert!(a.message.contains("#nope"), "{}", a.message);
    assert!(
        a.help.as_deref().unwrap_or("").contains("section-one"),
        "{:?}",
        a.help
    );
}

#[test]
fn broken_local_anchor_is_an_error() {
    let site = Site::new();
    site.article(
        "en",
        "x.md",
        &fm("X", "2025-07-05"),
        "## Real heading\n\n[jump](#not-there)\n",
    );
    let diags = site.build_err();
    let e = one(&diags, "broken-anchor");
    assert_eq!(location(e), ("content/en/x.md".into(), 7, 1));
}

#[test]
fn link_to_a_draft_is_an_error_unless_drafts_are_built() {
    let site = Site::new();
    site.article(
        "en",
        "x.md",
        &fm("X", "2025-07-05"),
        "Read [the draft](draft.md).\n",
    );
    site.article(
        "en",
        "draft.md",
        &format!("{}\ndraft: true", fm("Draft", "2025-07-04")),
        "Not yet.\n",
    );
    let diags = site.build_err();
    let e = one(&diags, "link-to-draft");
    assert_eq!(location(e), ("content/en/x.md".into(), 5, 6));
    assert!(with_code(&diags, "broken-link").is_empty());

    let out = site.build_drafts_ok();
    assert_eq!(
        attrs(&out.article("en", "x"), ".briefing-body a", "href"),
        [out.url("en/draft/")]
    );
    assert!(out.exists("en/draft/index.html"));
}

// ---------------------------------------------------------------------------
// Backlinks and previous/next
// ---------------------------------------------------------------------------

#[test]
fn backlinks_list_the_articles_that_link_here() {
    let site = Site::new();
    site.article("en", "target.md", &fm("Target", "2025-07-01"), "Body.\n");
    site.article(
        "en",
        "older.md",
        &fm("Older", "2025-07-02"),
        "See [t](target.md) and again [t](target.md#x-heading).\n\n## Unused\n",
    );
    site.article(
        "en",
        "newer.md",
        &fm("Newer", "2025-07-03"),
        "See [t](target.md).\n",
    );
    site.article(
        "en",
        "unrelated.md",
        &fm("Unrelated", "2025-07-04"),
        "See [o](older.md).\n",
    );
    site.article(
        "ja",
        "target.md",
        &fm("ターゲット", "2025-07-01"),
        "[英語版](../en/target.md)\n",
    );
    // Fix the anchor so the build succeeds.
    site.edit("content/en/target.md", |s| {
        s.replace("Body.", "## X heading\n\nBody.")
    });
    let out = site.build_ok();

    let target = out.article("en", "target");
    let backlinks = select_one(&target, "section.backlinks");
    assert_eq!(
        select_in(backlinks, "a")
            .iter()
            .map(|a| attr(*a, "href"))
            .collect::<Vec<_>>(),
        [out.url("en/newer/"), out.url("en/older/")],
        "newest first, each once, same language only"
    );
    let older = out.article("en", "older");
    assert_eq!(
        attrs(&older, "section.backlinks a", "href"),
        [out.url("en/unrelated/")]
    );
    assert!(select(&out.article("en", "newer"), "section.backlinks").is_empty());
    assert!(select(&out.article("ja", "target"), "section.backlinks").is_empty());
}

#[test]
fn previous_and_next_follow_dates_within_a_language() {
    let site = Site::new();
    site.article("ja", "one.md", &fm("一", "2025-01-01"), "本文。\n");
    site.article("ja", "two.md", &fm("二", "2025-02-01"), "本文。\n");
    site.article("ja", "three.md", &fm("三", "2025-03-01"), "本文。\n");
    site.article("en", "mid.md", &fm("Mid", "2025-02-15"), "Body.\n");
    let out = site.build_ok();

    let two = out.article("ja", "two");
    assert_eq!(
        attrs(&two, ".prev-next a.older", "href"),
        [out.url("ja/one/")]
    );
    assert_eq!(
        attrs(&two, ".prev-next a.newer", "href"),
        [out.url("ja/three/")]
    );
    let one = out.article("ja", "one");
    assert!(select(&one, ".prev-next a.older").is_empty());
    assert_eq!(
        attrs(&one, ".prev-next a.newer", "href"),
        [out.url("ja/two/")]
    );
    let three = out.article("ja", "three");
    assert!(select(&three, ".prev-next a.newer").is_empty());
    assert_eq!(
        attrs(&three, ".prev-next a.older", "href"),
        [out.url("ja/two/")]
    );
    assert!(select(&out.article("en", "mid"), ".prev-next").is_empty());
}

// ---------------------------------------------------------------------------
// Taxonomies
// ---------------------------------------------------------------------------

#[test]
fn taxonomy_pages_list_terms_with_counts_and_paginate() {
    let mut site = Site::new();
    site.setting("paginate = 2");
    for (i, day) in ["01", "02", "03", "04", "05"].iter().enumerate() {
        let topics = if i == 0 {
            "[compute, ai-governance]"
        } else {
            "[compute]"
        };
        site.article(
            "ja",
            &format!("a{i}.md"),
            &format!(
                "{}\ntopics: {topics}",
                fm(&format!("記事{i}"), &format!("2025-07-{day}"))
            ),
            "本文。\n",
        );
    }
    let out = site.build_ok();

    let terms = out.html("ja/topics/index.html");
    let items = select(&terms, "ul.term-list > li");
    assert_eq!(items.len(), 2);
    assert_eq!(
        attrs(&terms, "ul.term-list > li > a", "href"),
        [
            out.url("ja/topics/compute/"),
            out.url("ja/topics/ai-governance/")
        ],
        "most used term first"
    );
    assert_eq!(
        texts(&terms, "ul.term-list > li > a"),
        [
            site.message("ja", "topic-compute"),
            site.message("ja", "topic-ai-governance")
        ]
    );
    let counts = texts(&terms, "ul.term-list > li .count");
    assert!(counts[0].contains('5'), "{counts:?}");
    assert!(counts[1].contains('1'), "{counts:?}");

    // Newest first, two per page.
    let page_titles = |rel: &str| texts(&out.html(rel), "ul.cards .card-title");
    assert_eq!(
        page_titles("ja/topics/compute/index.html"),
        ["記事4", "記事3"]
    );
    assert_eq!(
        page_titles("ja/topics/compute/page/2/index.html"),
        ["記事2", "記事1"]
    );
    assert_eq!(
        page_titles("ja/topics/compute/page/3/index.html"),
        ["記事0"]
    );
    assert!(!out.exists("ja/topics/compute/page/4/index.html"));
    assert!(!out.exists("ja/topics/compute/page/1/index.html"));
    assert_eq!(page_titles("ja/topics/ai-governance/index.html"), ["記事0"]);
    let p2 = out.html("ja/topics/compute/page/2/index.html");
    assert_eq!(
        attrs(&p2, "nav.pagination a[rel=\"prev\"]", "href"),
        [out.url("ja/topics/compute/")]
    );
    assert_eq!(
        attrs(&p2, "nav.pagination a[rel=\"next\"]", "href"),
        [out.url("ja/topics/compute/page/3/")]
    );
    // The language index paginates the same way.
    assert_eq!(page_titles("ja/index.html"), ["記事4", "記事3"]);
    assert_eq!(page_titles("ja/page/3/index.html"), ["記事0"]);
    // The en side has no articles with this term: no page, no alternate.
    assert!(!out.exists("en/topics/compute/index.html"));
    let compute = out.html("ja/topics/compute/index.html");
    assert_eq!(
        alternates(&compute).keys().collect::<Vec<_>>(),
        ["ja", "x-default"]
    );
    assert_links_ok(&out.dir, &out.base_url);
}

// ---------------------------------------------------------------------------
// Related briefings
// ---------------------------------------------------------------------------

fn cited(title: &str, date: &str, extra: &str, urls: &[&str]) -> String {
    let mut s = format!("{}\n{extra}\ncitations:\n", fm(title, date));
    for (i, u) in urls.iter().enumerate() {
        s.push_str(&format!(
            "  - id: {}\n    title: \"Source {u}\"\n    url: \"https://sources.example/{u}\"\n",
            i + 1
        ));
    }
    s
}

fn cite_all(n: usize) -> String {
    (1..=n).map(|i| format!("[{i}]")).collect::<String>() + "\n"
}

#[test]
fn related_briefings_rank_shared_sources_then_terms_with_stable_ties() {
    let site = Site::new();
    let x = cited(
        "X",
        "2025-07-10",
        "topics: [compute]\nregions: [cn]",
        &["s1", "s2"],
    );
    site.article("en", "x.md", &x, &cite_all(2));
    site.article(
        "en",
        "both.md",
        &cited("Both", "2025-01-01", "", &["s1", "s2"]),
        &cite_all(2),
    );
    site.article(
        "en",
        "one-newer.md",
        &cited("One newer", "2025-06-01", "", &["s2"]),
        &cite_all(1),
    );
    // Same score and date as each other: the path decides.
    site.article(
        "en",
        "one-older-b.md",
        &cited("One older b", "2025-05-01", "", &["s1"]),
        &cite_all(1),
    );
    site.article(
        "en",
        "one-older-a.md",
        &cited("One older a", "2025-05-01", "", &["s1"]),
        &cite_all(1),
    );
    site.article(
        "en",
        "nothing.md",
        &format!("{}\ntopics: [startups]", fm("Nothing", "2025-07-09")),
        "Body.\n",
    );
    let out = site.build_ok();
    let doc = out.article("en", "x");
    assert_eq!(
        attrs(&doc, "section.related .card-title a", "href"),
        [
            out.url("en/both/"),
            out.url("en/one-newer/"),
            out.url("en/one-older-a/"),
            out.url("en/one-older-b/"),
        ]
    );
    assert!(select(&out.article("en", "nothing"), "section.related").is_empty());

    // Rebuilding gives the same order (no hash-map order leaks through).
    let again = site.build_ok();
    assert_eq!(
        attrs(&again.article("en", "x"), "section.related a", "href"),
        attrs(&doc, "section.related a", "href")
    );
}

#[test]
fn related_briefings_weigh_topics_above_regions() {
    let site = Site::new();
    site.article(
        "en",
        "x.md",
        &format!(
            "{}\ntopics: [compute]\nregions: [cn]",
            fm("X", "2025-07-10")
        ),
        "Body.\n",
    );
    // Same date; by path the region match would come first.
    site.article(
        "en",
        "a-region.md",
        &format!("{}\nregions: [cn]", fm("Region", "2025-07-01")),
        "Body.\n",
    );
    site.article(
        "en",
        "b-topic.md",
        &format!("{}\ntopics: [compute]", fm("Topic", "2025-07-01")),
        "Body.\n",
    );
    // A shared source outweighs a shared topic.
    site.article(
        "en",
        "c-source.md",
        &cited("Source", "2025-01-01", "", &["s9"]),
        &cite_all(1),
    );
    site.edit("content/en/x.md", |s| {
        s.replacen(
            "regions: [cn]",
            "regions: [cn]\ncitations:\n  - id: 1\n    title: \"S9\"\n    url: \"https://sources.example/s9\"",
            1,
        )
        .replace("Body.", "Body [1].")
    });
    let out = site.build_ok();
    assert_eq!(
        attrs(
            &out.article("en", "x"),
            "section.related .card-title a",
            "href"
        ),
        [
            out.url("en/c-source/"),
            out.url("en/b-topic/"),
            out.url("en/a-region/"),
        ]
    );
}

// ---------------------------------------------------------------------------
// Sources
// ---------------------------------------------------------------------------

#[test]
fn sources_page_lists_each_source_once_most_cited_first() {
    let site = Site::new();
    site.article(
        "ja",
        "a.md",
        r#"title: "A"
date: 2025-07-01
citations:
  - id: "1"
    title: "Report"
    publisher: "Agency"
    url: "https://www.example.com/report/"
  - id: "2"
    title: "Only here"
    url: "https://unique.example/x"
  - id: "3"
    title: "白書"
    publisher: "経済産業省""#,
        "本文[1][2][3]。\n",
    );
    site.article(
        "ja",
        "b.md",
        r#"title: "B"
date: 2025-07-03
citations:
  - id: "1"
    title: "Report, as B calls it"
    url: "https://example.com/report"
  - id: "2"
    title: "白書"
    publisher: "経済産業省""#,
        "本文[1][2]。\n",
    );
    site.article(
        "ja",
        "c.md",
        r#"title: "C"
date: 2025-07-02
citations:
  - id: "1"
    title: "Report"
    url: "http://example.com/report#section""#,
        "本文[1]。\n",
    );
    let out = site.build_ok();

    let page = out.html("ja/sources/index.html");
    let items = select(&page, "ol.sources > li");
    let titles: Vec<String> = items
        .iter()
        .map(|li| text(select_in(*li, ".source-title")[0]))
        .collect();
    assert_eq!(titles.len(), 3, "{titles:?}");
    assert!(titles[0].starts_with("Report"), "{titles:?}");
    assert_eq!(titles[1..], ["白書", "Only here"]);
    let cited_by: Vec<Vec<String>> = items
        .iter()
        .map(|li| {
            select_in(*li, "ul.cited-by a")
                .iter()
                .map(|a| attr(*a, "href"))
                .collect()
        })
        .collect();
    assert_eq!(
        cited_by,
        [
            vec![out.url("ja/b/"), out.url("ja/c/"), out.url("ja/a/")],
            vec![out.url("ja/b/"), out.url("ja/a/")],
            vec![out.url("ja/a/")],
        ]
    );
    let anchors: Vec<String> = items.iter().map(|li| attr(*li, "id")).collect();
    assert_eq!(
        anchors.iter().collect::<BTreeSet<_>>().len(),
        3,
        "distinct anchors"
    );

    // Reference entries link to the sources page only when cited elsewhere too.
    let a = out.article("ja", "a");
    let refs = select(&a, "ol.references > li");
    let source_links: Vec<Option<String>> = refs
        .iter()
        .map(|li| {
            select_in(*li, "a.ref-source")
                .first()
                .map(|l| attr(*l, "href"))
        })
        .collect();
    assert_eq!(
        source_links,
        [
            Some(format!("{}#{}", out.url("ja/sources/"), anchors[0])),
            None,
            Some(format!("{}#{}", out.url("ja/sources/"), anchors[1])),
        ]
    );
    assert_links_ok(&out.dir, &out.base_url);
}

#[test]
fn a_source_cited_more_often_than_the_list_shows_gets_its_own_paginated_page() {
    let mut site = Site::new();
    site.setting("paginate = 5");
    // 12 Japanese briefings and 11 English ones cite the same report; a
    // Japanese one also cites a report nobody else cites.
    for (lang, n) in [("ja", 12), ("en", 11)] {
        for i in 1..=n {
            site.article(
                lang,
                &format!("b{i:02}.md"),
                &format!(
                    "title: \"B{i:02}\"\ndate: 2025-03-{i:02}\ncitations:\n  - id: 1\n    title: \"Compute report\"\n    url: \"https://example.com/compute\"\n  - id: 2\n    title: \"Note {i}\"\n    url: \"https://example.com/note-{lang}-{i}\""
                ),
                "Text [1][2].\n",
            );
        }
    }
    let out = site.build_ok();

    // On the sources page: the 10 newest citing briefings and a link to all.
    let page = out.html("ja/sources/index.html");
    let first = select(&page, "ol.sources > li")[0];
    assert_eq!(text(select_in(first, ".source-title")[0]), "Compute report");
    let listed: Vec<String> = select_in(first, "ul.cited-by a")
        .iter()
        .map(|a| text(*a))
        .collect();
    let newest: Vec<String> = (3..=12).rev().map(|i| format!("B{i:02}")).collect();
    assert_eq!(listed, newest);
    let anchor = attr(first, "id");
    let all = select_in(first, ".source-all a");
    assert_eq!(all.len(), 1);
    assert_eq!(
        attr(all[0], "href"),
        out.url(&format!("ja/sources/{anchor}/"))
    );
    assert!(text(all[0]).contains("12"), "{}", text(all[0]));
    // A source cited once has no page and no link.
    let others = select(&page, "ol.sources > li");
    assert!(others[1..]
        .iter()
        .all(|li| select_in(*li, ".source-all").is_empty()));
    assert!(!out.exists(&format!("ja/sources/{}/index.html", attr(others[1], "id"))));

    // The source's own pages list every citing briefing, newest first, 5 a page.
    let mut seen = Vec::new();
    for (n, expected) in [(1, 5), (2, 5), (3, 2)] {
        let path = if n == 1 {
            format!("ja/sources/{anchor}/index.html")
        } else {
            format!("ja/sources/{anchor}/page/{n}/index.html")
        };
        let p = out.html(&path);
        assert_eq!(text(select_one(&p, "h1")), "Compute report");
        let titles = texts(&p, "ul.cards .card-title");
        assert_eq!(titles.len(), expected, "{path}");
        seen.extend(titles);
        assert_eq!(
            attrs(&p, "nav.breadcrumb a", "href"),
            [format!("{}#{anchor}", out.url("ja/sources/"))]
        );
        // The English site has a page for the same source: the switcher links it.
        assert!(attrs(&p, "link[hreflang=en]", "href")
            .contains(&out.absolute(&format!("en/sources/{anchor}/"))));
    }
    let all_titles: Vec<String> = (1..=12).rev().map(|i| format!("B{i:02}")).collect();
    assert_eq!(seen, all_titles);
    assert!(!out.exists(&format!("ja/sources/{anchor}/page/4/index.html")));

    let sitemap = out.read("sitemap.xml");
    assert!(sitemap.contains(&out.absolute(&format!("ja/sources/{anchor}/"))));
    assert_links_ok(&out.dir, &out.base_url);
}

// ---------------------------------------------------------------------------
// Feeds, sitemap, robots.txt, 404
// ---------------------------------------------------------------------------

#[test]
fn atom_feeds_are_valid_with_absolute_urls() {
    let site = translated_site();
    site.edit("content/en/a.md", |s| {
        s.replace(
            "date: 2025-07-01",
            "date: 2025-07-01\nupdated: 2025-08-15T10:00:00+09:00\nsummary: \"Summary & more\"",
        )
    });
    let out = site.build_ok();
    for lang in ["ja", "en"] {
        let feed = parse_xml(&out.read(&format!("{lang}/atom.xml")));
        assert_eq!(feed.name, "feed");
        assert_eq!(feed.attr("xmlns"), Some("http://www.w3.org/2005/Atom"));
        assert_eq!(feed.attr("xml:lang"), Some(lang));
        assert_eq!(feed.text_of("id"), out.absolute(&format!("{lang}/")));
        assert!(!feed.text_of("title").is_empty());
        assert!(!feed.text_of("updated").is_empty());
        let links = feed.all("link");
        let this = links
            .iter()
            .find(|l| l.attr("rel") == Some("self"))
            .expect("rel=self");
        assert_eq!(
            this.attr("href").unwrap(),
            out.absolute(&format!("{lang}/atom.xml"))
        );
        let entries = feed.all("entry");
        assert_eq!(entries.len(), 3, "{lang}");
        for e in &entries {
            let id = e.text_of("id");
            assert!(id.starts_with(&out.absolute(&format!("{lang}/"))), "{id}");
            let href = e.child("link").attr("href").unwrap().to_string();
            assert_eq!(href, id);
            assert!(out.exists(&file_of(&out, &href)), "{href}");
            let updated = e.text_of("updated");
            assert!(
                updated.len() >= 20 && updated.as_bytes()[10] == b'T',
                "RFC 3339: {updated}"
            );
            let effective_lang = e.attr("xml:lang").or(feed.attr("xml:lang"));
            assert_eq!(effective_lang, Some(lang));
        }
    }
    let en = parse_xml(&out.read("en/atom.xml"));
    let entries = en.all("entry");
    // Newest first by date.
    assert_eq!(entries[0].text_of("title"), "Paired");
    let a = entries
        .iter()
        .find(|e| e.text_of("title") == "Article A")
        .unwrap();
    assert_eq!(a.text_of("summary"), "Summary & more");
    assert_eq!(a.text_of("updated"), "2025-08-15T10:00:00+09:00");
    assert_eq!(en.text_of("updated"), "2025-08-15T10:00:00+09:00");
}

#[test]
fn sitemap_lists_every_article_with_alternates() {
    let site = translated_site();
    let out = site.build_ok();
    let map = parse_xml(&out.read("sitemap.xml"));
    assert_eq!(map.name, "urlset");
    assert_eq!(
        map.attr("xmlns"),
        Some("http://www.sitemaps.org/schemas/sitemap/0.9")
    );
    assert_eq!(
        map.attr("xmlns:xhtml"),
        Some("http://www.w3.org/1999/xhtml")
    );
    let mut locs = BTreeMap::new();
    for u in map.all("url") {
        let loc = u.text_of("loc");
        assert!(
            out.exists(&file_of(&out, &loc)),
            "{loc} is not in the output"
        );
        let alts: BTreeMap<String, String> = u
            .all("xhtml:link")
            .iter()
            .map(|l| {
                assert_eq!(l.attr("rel"), Some("alternate"));
                (
                    l.attr("hreflang").unwrap().to_string(),
                    l.attr("href").unwrap().to_string(),
                )
            })
            .collect();
        assert!(locs.insert(loc, alts).is_none(), "duplicate loc");
    }
    for (lang, slug) in [
        ("ja", "a"),
        ("en", "a"),
        ("ja", "only-ja"),
        ("en", "only-en"),
        ("ja", "pair-ja"),
        ("en", "pair-en"),
    ] {
        assert!(
            locs.contains_key(&out.absolute(&format!("{lang}/{slug}/"))),
            "{lang}/{slug} missing from the sitemap"
        );
    }
    let pair = &locs[&out.absolute("en/pair-en/")];
    assert_eq!(pair.get("ja"), Some(&out.absolute("ja/pair-ja/")));
    assert_eq!(pair.get("en"), Some(&out.absolute("en/pair-en/")));
    // Reciprocal: every alternate names the others back.
    for (loc, alts) in &locs {
        for href in alts.values() {
            let back = locs
                .get(href)
                .unwrap_or_else(|| panic!("{loc}: alternate {href} has no <url>"));
            assert_eq!(back, alts, "{loc} and {href} disagree");
        }
    }
    // Untranslated articles have no alternates.
    assert!(locs[&out.absolute("ja/only-ja/")].is_empty());
}

#[test]
fn robots_and_not_found_page() {
    let site = translated_site();
    let out = site.build_ok();
    let robots = out.read("robots.txt");
    assert!(
        robots
            .lines()
            .any(|l| l.trim() == format!("Sitemap: {}", out.absolute("sitemap.xml"))),
        "{robots}"
    );

    let nf = out.html("404.html");
    assert_eq!(attr(select_one(&nf, "html"), "lang"), "ja");
    // Every language's text is in the page, each block in its language
    // (brief.js shows the one the path asked for; without it, all show).
    let blocks = select(&nf, "main [data-lang]");
    assert_eq!(
        blocks.iter().map(|b| attr(*b, "lang")).collect::<Vec<_>>(),
        ["ja", "en"]
    );
    for lang in ["ja", "en"] {
        let block = format!("main section[lang=\"{lang}\"][data-lang=\"{lang}\"]");
        assert_eq!(
            text(select_one(&nf, &format!("{block} h2"))),
            site.message(lang, "not-found-title")
        );
        assert_eq!(
            text(select_one(&nf, &format!("{block} p"))),
            site.message(lang, "not-found-text")
        );
        // Its home page and its search page.
        assert_eq!(
            attrs(&nf, &format!("{block} .language-choice a"), "href"),
            [
                out.url(&format!("{lang}/")),
                out.url(&format!("{lang}/search/"))
            ]
        );
    }
    assert_eq!(
        attr(select_one(&nf, "main[data-not-found]"), "data-base-path"),
        out.base_path()
    );
    assert!(
        select(&nf, "script:not([src])").is_empty(),
        "no inline script"
    );
    assert_eq!(
        text(select_one(&nf, "title")),
        "ページが見つかりません / Page not found | ガバナンス・ブリーフィング"
    );
    // Served at any depth: every link must be absolute or root-relative.
    for href in attrs(&nf, "[href]", "href")
        .into_iter()
        .chain(attrs(&nf, "[src]", "src"))
    {
        assert!(
            href.starts_with(&out.base_path())
                || href.starts_with("https://")
                || href.starts_with('#'),
            "404.html links to {href}"
        );
    }
}

#[test]
fn root_page_offers_every_language_home() {
    let site = translated_site();
    let out = site.build_ok();
    let root = out.html("index.html");
    assert_eq!(
        attrs(&root, ".language-choice a", "href"),
        [out.url("ja/"), out.url("en/")]
    );
    // The redirect script must not send any language back to the root itself.
    let raw = out.read("index.html");
    assert!(
        !raw.contains(&format!("\"{}\"", out.url(""))),
        "the root page redirects to itself:\n{raw}"
    );
    assert!(raw.contains(&format!("\"{}\"", out.url("ja/"))));
    // hreflang: every language's home (the default one too) and x-default
    // for the picker itself.
    let alternates: Vec<(String, String)> = select(&root, "link[rel=\"alternate\"][hreflang]")
        .into_iter()
        .map(|l| (attr(l, "hreflang"), attr(l, "href")))
        .collect();
    assert_eq!(
        alternates,
        [
            ("ja".to_string(), out.absolute("ja/")),
            ("en".to_string(), out.absolute("en/")),
            ("x-default".to_string(), out.absolute("")),
        ]
    );
}

// ---------------------------------------------------------------------------
// Every link of the output
// ---------------------------------------------------------------------------

#[test]
fn the_link_checker_finds_broken_links() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    std::fs::create_dir_all(d.join("en/x")).unwrap();
    std::fs::write(d.join("index.html"), "<a href=\"/briefings/en/x/\">x</a>").unwrap();
    std::fs::write(
        d.join("en/x/index.html"),
        "<h2 id=\"here\">h</h2>\
         <a href=\"#here\">ok</a><a href=\"../../\">ok</a><a href=\"/briefings/en/x/#here\">ok</a>\
         <a href=\"https://example.org/briefings/en/x/\">ok</a><a href=\"https://other.example/\">ext</a>\
         <a href=\"#gone\">1</a><a href=\"/briefings/en/y/\">2</a><a href=\"/en/x/\">3</a>\
         <img src=\"/briefings/static/missing.png\">",
    )
    .unwrap();
    let problems = check_links(d, "https://example.org/briefings");
    assert_eq!(problems.len(), 4, "{problems:#?}");
    assert!(problems[0].contains("#gone"));
    assert!(problems[1].contains("/briefings/en/y/"));
    assert!(problems[2].contains("outside the base path"));
    assert!(problems[3].contains("missing.png"));
}

#[test]
fn every_link_of_the_sample_site_resolves_under_a_sub_path() {
    let (_tmp, out) = build_sample("https://example.org/briefings");
    assert!(out.read("ja/index.html").contains("href=\"/briefings/ja/"));
    assert_links_ok(&out.dir, &out.base_url);
}

#[test]
fn every_link_of_the_sample_site_resolves_at_the_root() {
    let (_tmp, out) = build_sample("https://example.org/");
    assert!(!out.read("ja/index.html").contains("/briefings/"));
    assert_links_ok(&out.dir, &out.base_url);
}
