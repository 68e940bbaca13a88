//! What a page says about how it was made follows the front-matter exactly:
//! the visible notice, `<meta name="ai-disclosure">`, JSON-LD and the feed
//! entry. Nothing claims a review that is not recorded.
//!
//! Expected texts come from the locale files as written (read by the test's
//! own parser) and from the W3C / IPTC vocabularies spelled out here.

use serde_json::Value;

mod common;
use common::{attr, select, select_one, text, Output, Site};

const TRAINED: &str = "http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia";

fn fm(title: &str) -> String {
    format!("title: \"{title}\"\ndate: 2025-07-01\nsummary: \"{title} summary\"")
}

/// The JSON-LD of an article page.
fn jsonld(out: &Output, lang: &str, slug: &str) -> Value {
    let doc = out.article(lang, slug);
    let script = select_one(&doc, "script[type=\"application/ld+json\"]");
    serde_json::from_str(&script.inner_html()).expect("JSON-LD parses")
}

fn meta(out: &Output, lang: &str, slug: &str) -> Option<String> {
    let doc = out.article(lang, slug);
    select(&doc, "head meta[name=\"ai-disclosure\"]")
        .first()
        .map(|m| attr(*m, "content"))
}

fn notice(out: &Output, lang: &str, slug: &str) -> Option<String> {
    let doc = out.article(lang, slug);
    select(&doc, ".ai-disclaimer").first().map(|n| text(*n))
}

/// The Atom entry of `slug` in a language's feed, as text.
fn feed_entry(out: &Output, lang: &str, slug: &str) -> String {
    let feed = out.read(&format!("{lang}/atom.xml"));
    let doc = roxmltree_like_entries(&feed);
    doc.into_iter()
        .find(|e| e.contains(&format!("/{lang}/{slug}/")))
        .unwrap_or_else(|| panic!("no entry for {slug} in:\n{feed}"))
}

/// Splits a feed into its `<entry>` elements, checking that the whole feed
/// is well-formed XML first.
fn roxmltree_like_entries(feed: &str) -> Vec<String> {
    let mut reader = quick_xml::Reader::from_str(feed);
    loop {
        match reader.read_event() {
            Ok(quick_xml::events::Event::Eof) => break,
            Ok(_) => {}
            Err(e) => panic!("the feed is not well-formed: {e}\n{feed}"),
        }
    }
    feed.split("<entry>")
        .skip(1)
        .map(|e| e.split("</entry>").next().unwrap().to_string())
        .collect()
}

/// Every string in a JSON value, flattened.
fn strings(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::String(s) => out.push(s.clone()),
        Value::Array(a) => a.iter().for_each(|x| strings(x, out)),
        Value::Object(m) => m.iter().for_each(|(k, x)| {
            out.push(k.clone());
            strings(x, out)
        }),
        _ => {}
    }
}

#[test]
fn ai_generated_without_review_claims_no_review_anywhere() {
    let site = Site::new();
    site.article(
        "ja",
        "ai.md",
        &format!("{}\nai_generated: true", fm("生成記事")),
        "生成AIで書いた本文です。\n",
    );
    site.article(
        "en",
        "ai.md",
        &format!("{}\nai:\n  level: generated", fm("Generated")),
        "A body written by a model.\n",
    );
    let out = site.build_ok();
    for lang in ["ja", "en"] {
        let expected = format!(
            "{} {}",
            site.message(lang, "ai-notice-generated"),
            site.message(lang, "ai-not-reviewed")
        );
        assert_eq!(notice(&out, lang, "ai").as_deref(), Some(expected.as_str()));
        assert_eq!(meta(&out, lang, "ai").as_deref(), Some("ai-autonomous"));
        let ld = jsonld(&out, lang, "ai");
        assert_eq!(ld["digitalSourceType"], TRAINED);
        let mut all = Vec::new();
        strings(&ld, &mut all);
        for s in &all {
            let l = s.to_lowercase();
            assert!(
                !l.contains("review") && !s.contains("確認"),
                "JSON-LD claims a review: {s}"
            );
        }
        // The old fixed claims are gone from the page altogether.
        let html = out.read(&format!("{lang}/ai/index.html"));
        for claim in [
            "reviewed by editors",
            "内容は確認しています",
            "checked with care",
        ] {
            assert!(!html.contains(claim), "{lang}: {claim}");
        }
        let entry = feed_entry(&out, lang, "ai");
        assert!(
            entry.contains("term=\"ai-autonomous\""),
            "{lang} feed: {entry}"
        );
        assert!(
            entry.contains(&site.message(lang, "ai-not-reviewed")),
            "{lang} feed: {entry}"
        );
    }
}

#[test]
fn a_recorded_review_is_shown_with_who_and_when() {
    let site = Site::new();
    site.article(
        "en",
        "reviewed.md",
        &format!(
            "{}\nai:\n  level: generated\n  reviewed_by: \"Policy Desk <b>\"\n  reviewed_on: 2025-08-01",
            fm("Reviewed")
        ),
        "A body.\n",
    );
    site.article(
        "ja",
        "reviewed.md",
        &format!(
            "{}\nai:\n  level: generated\n  reviewed_by: \"政策デスク\"\n  reviewed_on: 2025-08-01",
            fm("確認済み")
        ),
        "本文です。\n",
    );
    let out = site.build_ok();
    let expected_en = format!(
        "{} {}",
        site.message("en", "ai-notice-generated"),
        site.message("en", "ai-reviewed-on")
            .replace("{ $reviewer }", "Policy Desk <b>")
            .replace("{ $date }", "1 August 2025")
    );
    assert_eq!(notice(&out, "en", "reviewed"), Some(expected_en));
    let expected_ja = format!(
        "{} {}",
        site.message("ja", "ai-notice-generated"),
        site.message("ja", "ai-reviewed-on")
            .replace("{ $reviewer }", "政策デスク")
            .replace("{ $date }", "2025年8月1日")
    );
    assert_eq!(notice(&out, "ja", "reviewed"), Some(expected_ja));
    // The reviewer's name is text, never markup.
    assert!(out
        .read("en/reviewed/index.html")
        .contains("Policy Desk &lt;b&gt;"));
    assert_eq!(meta(&out, "en", "reviewed").as_deref(), Some("ai-assisted"));
    let ld = jsonld(&out, "en", "reviewed");
    let page = &ld["mainEntityOfPage"];
    assert_eq!(page["@type"], "WebPage");
    assert_eq!(page["reviewedBy"][0]["name"], "Policy Desk <b>");
    assert_eq!(page["lastReviewed"], "2025-08-01");
    assert_eq!(ld["digitalSourceType"], TRAINED);
    let entry = feed_entry(&out, "en", "reviewed");
    assert!(entry.contains("term=\"ai-assisted\""), "{entry}");
}

#[test]
fn the_authors_own_notice_replaces_the_standard_sentence() {
    let site = Site::new();
    let own = "Drafted with a language model from our desk notes.";
    site.article(
        "en",
        "own.md",
        &format!(
            "{}\nai:\n  level: generated\n  notice: \"{own}\"",
            fm("Own words")
        ),
        "A body.\n",
    );
    let out = site.build_ok();
    assert_eq!(
        notice(&out, "en", "own"),
        Some(format!("{own} {}", site.message("en", "ai-not-reviewed")))
    );
}

#[test]
fn a_machine_translation_of_a_human_original_is_labelled_on_the_translation_only() {
    let site = Site::new();
    site.article(
        "ja",
        "policy.md",
        &format!("{}\nai:\n  level: none", fm("人が書いた記事")),
        "人が書いた本文です。\n",
    );
    site.article(
        "en",
        "policy.md",
        &format!(
            "{}\nai:\n  level: none\ntranslation:\n  method: machine",
            fm("Human-written, machine-translated")
        ),
        "The body, translated by a machine.\n",
    );
    let out = site.build_ok();

    // The original: written by people, and says so; no notice.
    assert_eq!(notice(&out, "ja", "policy"), None);
    assert_eq!(meta(&out, "ja", "policy").as_deref(), Some("human-only"));
    assert!(jsonld(&out, "ja", "policy")
        .get("digitalSourceType")
        .is_none());

    // The translation: machine-translated, unreviewed, linking its original.
    let expected = format!(
        "{} {} {}",
        site.message("en", "translation-notice-machine"),
        site.message("en", "translation-not-reviewed"),
        site.message("en", "translation-original-link")
    );
    assert_eq!(notice(&out, "en", "policy"), Some(expected));
    let doc = out.article("en", "policy");
    let link = select_one(&doc, ".ai-disclaimer a");
    assert_eq!(attr(link, "href"), "/briefings/ja/policy/");
    assert_eq!(attr(link, "hreflang"), "ja");
    assert_eq!(meta(&out, "en", "policy").as_deref(), Some("ai-autonomous"));
    assert_eq!(jsonld(&out, "en", "policy")["digitalSourceType"], TRAINED);
    // Cards say it too, in the reader's language.
    let index = out.html("en/index.html");
    let card = select(&index, ".badge");
    assert_eq!(
        card.iter().map(|b| text(*b)).collect::<Vec<_>>(),
        [site.message("en", "ai-badge-machine-translated")]
    );
    assert!(select(&out.html("ja/index.html"), ".badge").is_empty());
}

#[test]
fn a_reviewed_human_translation_needs_no_notice() {
    let site = Site::new();
    site.article(
        "ja",
        "x.md",
        &format!("{}\nai_generated: false", fm("記事")),
        "本文です。\n",
    );
    site.article(
        "en",
        "x.md",
        &format!(
            "{}\nai_generated: false\ntranslation:\n  method: human\n  reviewed_by: \"A. Translator\"",
            fm("Article")
        ),
        "Body.\n",
    );
    let out = site.build_ok();
    assert_eq!(notice(&out, "en", "x"), None);
    assert_eq!(meta(&out, "en", "x").as_deref(), Some("human-only"));
    assert_eq!(
        jsonld(&out, "en", "x")["mainEntityOfPage"]["reviewedBy"][0]["name"],
        "A. Translator"
    );
}

#[test]
fn contradictory_or_incomplete_records_are_errors_with_positions() {
    let site = Site::new();
    // line 2: title, 3: date, 4: summary, 5: ai:, 6: level, 7: reviewed_on
    site.article(
        "en",
        "no-reviewer.md",
        &format!(
            "{}\nai:\n  level: generated\n  reviewed_on: 2025-08-01",
            fm("A")
        ),
        "Body.\n",
    );
    site.article(
        "en",
        "both.md",
        &format!("{}\nai_generated: true\nai:\n  level: assisted", fm("B")),
        "Body.\n",
    );
    site.article(
        "en",
        "none-reviewed.md",
        &format!("{}\nai:\n  level: none\n  notice: \"Made by AI\"", fm("C")),
        "Body.\n",
    );
    site.article(
        "en",
        "bad-level.md",
        &format!("{}\nai:\n  level: mostly", fm("D")),
        "Body.\n",
    );
    let diags = site.build_err();
    let find = |file: &str| {
        diags
            .iter()
            .find(|d| d.is_error() && d.file.as_deref() == Some(std::path::Path::new(file)))
            .unwrap_or_else(|| panic!("no error for {file}: {diags:#?}"))
    };
    let d = find("content/en/no-reviewer.md");
    assert_eq!(d.code, "bad-ai-disclosure");
    assert_eq!(d.pos.unwrap().line, 7);
    assert!(d.help.as_deref().unwrap().contains("reviewed_by"));
    let d = find("content/en/both.md");
    assert_eq!(d.code, "bad-ai-disclosure");
    assert_eq!(d.pos.unwrap().line, 5);
    let d = find("content/en/none-reviewed.md");
    assert_eq!(d.code, "bad-ai-disclosure");
    assert_eq!(d.pos.unwrap().line, 7);
    let d = find("content/en/bad-level.md");
    assert_eq!(d.code, "front-matter-invalid");
    assert_eq!(d.pos.unwrap().line, 6);
    assert!(d.message.contains("mostly"), "{}", d.message);
}

#[test]
fn the_sample_site_records_what_is_true_of_it() {
    // The sample briefings were written with AI and nobody has reviewed them;
    // the English versions were produced by a model from the Japanese ones.
    let (_tmp, out) = common::build_sample("https://example.org/briefings");
    for slug in [
        "shanghai-ai-compute-subsidy",
        "us-china-compute-strategies",
        "waic-2025-ai-cooperation-organization",
    ] {
        for lang in ["ja", "en"] {
            assert_eq!(meta(&out, lang, slug).as_deref(), Some("ai-autonomous"));
            let n = notice(&out, lang, slug).expect("a notice");
            let not_reviewed = common::ftl_message(
                &common::repo().join(format!("locales/{lang}")),
                "ai-not-reviewed",
            );
            assert!(n.contains(&not_reviewed), "{lang}/{slug}: {n}");
            let ld = jsonld(&out, lang, slug);
            assert!(ld["mainEntityOfPage"].is_string(), "no review recorded");
        }
    }
}
