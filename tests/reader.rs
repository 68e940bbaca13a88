//! Reader-facing text, through the binary's build: quote direction next to
//! CJK, Hangul and Latin text in bodies, titles, summaries and key points
//! (and the same text in feeds and JSON-LD), footnote markers told apart
//! from citations, and "Related" without the briefings already listed under
//! "Referenced by". Every expectation is written out by hand.

mod common;
use common::*;

fn body_text(doc: &scraper::Html) -> String {
    text(select_one(doc, ".briefing-body"))
}

#[test]
fn quotes_turn_the_right_way_next_to_hangul_kanji_and_latin() {
    let mut site = Site::new();
    site.language("ko", "한국어");
    site.article(
        "ko",
        "voucher.md",
        "title: \"상하이의 \\\"모델 바우처\\\"는 무엇인가\"\ndate: 2025-09-02\nsummary: \"'컴퓨팅 바우처'는 연산 비용을 보조한다.\"\nkey_points:\n  - \"\\\"말뭉치 바우처\\\"를 포함한다.\"",
        "정부는 \"모델 바우처\"를 도입했다. '컴퓨팅 바우처'는 별도다.\n\n\
         강조도 \"**모델**\"을 넘는다. 코드는 `\"그대로\"` 둔다.\n\n\
         ## \"인용\"의 제목\n\n\
         본문에 주석이 있다.[^n]\n\n\
         [^n]: 주석의 \"인용\"은 닫힌다.\n",
    );
    site.article(
        "ja",
        "quotes.md",
        "title: \"\\\"二重引用符\\\"は閉じる\"\ndate: 2025-09-01\nsummary: \"要約の'一重'も閉じる。\"",
        "これは\"二重引用符\"は閉じる。「\"入れ子\"の例」もある。\n\n\
         逃がした\\\"引用符\\\"はそのまま。\n\n\
         ```\nlet s = \"code\";\n```\n",
    );
    site.article(
        "en",
        "shanghai.md",
        "title: \"Shanghai's \\\"compute\\\" vouchers\"\ndate: 2025-09-03\nsummary: \"It's the city's \\\"first\\\" scheme -- so far.\"\nkey_points:\n  - \"'Model' vouchers pay for APIs...\"",
        "Shanghai's plan covers \"compute\" and 'models'. The students' view: \"It's new.\"\n",
    );
    let out = site.build_ok();

    // Korean body, heading, footnote; code spans keep their straight quotes.
    // In HTML a quote between two Hangul letters is glued to them with word
    // joiners (U+2060), so no line breaks beside it inside a word.
    let ko = out.article("ko", "voucher");
    let body = body_text(&ko);
    for want in [
        "정부는 “모델 바우처\u{2060}”\u{2060}를 도입했다.",
        "‘컴퓨팅 바우처\u{2060}’\u{2060}는 별도다.",
        "강조도 “모델\u{2060}”\u{2060}을 넘는다.",
        "코드는 \"그대로\" 둔다.",
    ] {
        assert!(body.contains(want), "`{want}` not in: {body}");
    }
    assert_eq!(
        text(select_one(&ko, ".briefing-body h2")),
        "“인용\u{2060}”\u{2060}의 제목"
    );
    assert_eq!(
        text(select_one(&ko, ".footnotes li p")),
        "주석의 “인용\u{2060}”\u{2060}은 닫힌다."
    );
    // Title, summary and key points as in the body.
    assert_eq!(
        text(select_one(&ko, "h1#article-title")),
        "상하이의 “모델 바우처\u{2060}”\u{2060}는 무엇인가"
    );
    assert_eq!(
        text(select_one(&ko, ".summary")),
        "‘컴퓨팅 바우처\u{2060}’\u{2060}는 연산 비용을 보조한다."
    );
    assert_eq!(
        texts(&ko, ".key-points li"),
        ["“말뭉치 바우처\u{2060}”\u{2060}를 포함한다."]
    );
    // The feed carries the typeset text without joiners.
    let feed = parse_xml(&out.read("ko/atom.xml"));
    assert_eq!(
        feed.child("entry").text_of("title"),
        "상하이의 “모델 바우처”는 무엇인가"
    );

    // Japanese, with an escaped quote left straight and code untouched.
    let ja = out.article("ja", "quotes");
    let body = body_text(&ja);
    for want in [
        "これは“二重引用符”は閉じる。",
        "「“入れ子”の例」",
        "逃がした\"引用符\"はそのまま。",
        "let s = \"code\";",
    ] {
        assert!(body.contains(want), "`{want}` not in: {body}");
    }
    assert_eq!(
        text(select_one(&ja, "h1#article-title")),
        "“二重引用符”は閉じる"
    );
    assert_eq!(text(select_one(&ja, ".summary")), "要約の‘一重’も閉じる。");

    // English: apostrophes inside words, quotes around them, dashes and
    // ellipses; the same text on the page, in <title>, on the card, in the
    // feed and in JSON-LD.
    let en = out.article("en", "shanghai");
    let body = body_text(&en);
    assert!(
        body.contains(
            "Shanghai’s plan covers “compute” and ‘models’. The students’ view: “It’s new.”"
        ),
        "{body}"
    );
    let title = "Shanghai’s “compute” vouchers";
    let summary = "It’s the city’s “first” scheme – so far.";
    assert_eq!(text(select_one(&en, "h1#article-title")), title);
    assert!(text(select_one(&en, "title")).starts_with(title));
    assert_eq!(text(select_one(&en, ".summary")), summary);
    assert_eq!(
        texts(&en, ".key-points li"),
        ["‘Model’ vouchers pay for APIs…"]
    );
    assert_eq!(
        attrs(&en, "meta[name=\"description\"]", "content"),
        [summary]
    );
    assert_eq!(texts(&out.html("en/index.html"), ".card-title"), [title]);
    let feed = parse_xml(&out.read("en/atom.xml"));
    let entry = feed.child("entry");
    assert_eq!(entry.text_of("title"), title);
    assert!(entry.text_of("summary").starts_with(summary));
    let ld: serde_json::Value = serde_json::from_str(&text(select_one(
        &en,
        "script[type=\"application/ld+json\"]",
    )))
    .expect("JSON-LD");
    assert_eq!(ld["headline"], title);
    assert_eq!(ld["description"], summary);
}

#[test]
fn footnote_markers_read_as_notes_and_citations_as_references() {
    let site = Site::new();
    let fm = "title: \"注と出典\"\ndate: 2025-09-01\nsummary: \"注と出典の印。\"\ncitations:\n  - id: 1\n    title: \"報告書\"\n    url: \"https://example.com/r\"";
    site.article(
        "ja",
        "notes.md",
        fm,
        "出典がある[1]。注もある[^a]。\n\n[^a]: 注の本文。\n",
    );
    site.article(
        "en",
        "notes.md",
        &fm.replace("注と出典", "Notes").replace("報告書", "Report"),
        "A source [1]. A note.[^a]\n\n[^a]: The note.\n",
    );
    let out = site.build_ok();
    let ja = out.article("ja", "notes");
    let note = select_one(&ja, "sup.footnote-ref a");
    assert_eq!(text(note), "注1");
    assert_eq!(attr(note, "aria-label"), "注1");
    assert_eq!(text(select_one(&ja, "sup.citation a")), "[1]");
    let en = out.article("en", "notes");
    let note = select_one(&en, "sup.footnote-ref a");
    assert_eq!(text(note), "1");
    assert_eq!(attr(note, "aria-label"), "Note 1");
    assert_eq!(
        attr(select_one(&en, "sup.citation a"), "aria-label"),
        "Reference 1"
    );
}

/// Front-matter of an English briefing citing the shared source `s1`.
fn citing(title: &str, date: &str) -> String {
    format!(
        "title: \"{title}\"\ndate: {date}\ncitations:\n  - id: 1\n    title: \"Shared report\"\n    url: \"https://example.com/shared\""
    )
}

#[test]
fn related_leaves_out_what_referenced_by_lists_and_tops_up() {
    let site = Site::new();
    site.article("en", "x.md", &citing("X", "2025-07-10"), "Cites [1].\n");
    // The newest of those sharing X's source links to X: it is listed under
    // "Referenced by", and Related takes the next five instead.
    site.article(
        "en",
        "linker.md",
        &citing("Linker", "2025-07-09"),
        "See [X](x.md) [1].\n",
    );
    for (slug, date) in [
        ("r1", "2025-07-08"),
        ("r2", "2025-07-07"),
        ("r3", "2025-07-06"),
        ("r4", "2025-07-05"),
        ("r5", "2025-07-04"),
        ("r6", "2025-07-03"),
    ] {
        site.article(
            "en",
            &format!("{slug}.md"),
            &citing(slug, date),
            "Cites [1].\n",
        );
    }
    let out = site.build_ok();
    let x = out.article("en", "x");
    assert_eq!(
        attrs(&x, "section.backlinks .card-title a", "href"),
        [out.url("en/linker/")]
    );
    assert_eq!(
        attrs(&x, "section.related .card-title a", "href"),
        [
            out.url("en/r1/"),
            out.url("en/r2/"),
            out.url("en/r3/"),
            out.url("en/r4/"),
            out.url("en/r5/"),
        ]
    );
    // Linker's own page: X does not link to it, so X stays related there.
    let linker = out.article("en", "linker");
    assert!(select(&linker, "section.backlinks").is_empty());
    assert_eq!(
        attrs(&linker, "section.related .card-title a", "href")[0],
        out.url("en/x/")
    );
    // Deterministic.
    let again = site.build_ok();
    assert_eq!(
        attrs(&again.article("en", "x"), "section.related a", "href"),
        attrs(&x, "section.related a", "href")
    );
}
