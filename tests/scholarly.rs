//! Authors, "cite this briefing", scholarly (Highwire) and social (Open
//! Graph) metadata and the citation style, checked on pages built by the
//! `brief` binary and read with an HTML parser; expectations come from the
//! sources (front-matter lines, Fluent files), not from brief.

mod common;

use std::path::Path;
use std::process::Command;

use common::{ftl_message, repo, run, select, Site};
use scraper::{Html, Selector};

fn brief() -> Command {
    Command::new(env!("CARGO_BIN_EXE_brief"))
}

/// Builds the site at `root` with the binary into `out`.
fn build(root: &Path, out: &Path) {
    let r = run({
        let mut c = brief();
        c.arg("build")
            .arg("--root")
            .arg(root)
            .arg("--output")
            .arg(out);
        c
    });
    assert_eq!(r.code, 0, "build failed:\n{}{}", r.stdout, r.stderr);
}

/// `brief check --format json` on a site that must fail: the first
/// diagnostic with `code`.
fn check_error(root: &Path, code: &str) -> serde_json::Value {
    let r = run({
        let mut c = brief();
        c.args(["check", "--format", "json", "--root"]).arg(root);
        c
    });
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    let line = r
        .stdout
        .lines()
        .find(|l| l.contains(code))
        .unwrap_or_else(|| panic!("{}", r.stdout));
    serde_json::from_str(line).unwrap()
}

fn page(out: &Path, rel: &str) -> Html {
    Html::parse_document(&std::fs::read_to_string(out.join(rel)).expect(rel))
}

fn sel(s: &str) -> Selector {
    Selector::parse(s).expect("selector")
}

fn metas(doc: &Html, attr: &str, name: &str) -> Vec<String> {
    doc.select(&sel(&format!("meta[{attr}=\"{name}\"]")))
        .map(|m| m.value().attr("content").unwrap_or_default().to_string())
        .collect()
}

fn meta(doc: &Html, attr: &str, name: &str) -> String {
    let v = metas(doc, attr, name);
    assert_eq!(v.len(), 1, "one meta {attr}={name}, found {v:?}");
    v[0].clone()
}

fn text(doc: &Html, css: &str) -> String {
    doc.select(&sel(css))
        .next()
        .unwrap_or_else(|| panic!("no {css}"))
        .text()
        .collect::<String>()
}

fn jsonld(doc: &Html) -> serde_json::Value {
    let raw = text(doc, "script[type=\"application/ld+json\"]");
    serde_json::from_str(&raw).expect("JSON-LD parses")
}

/// A front-matter value as written on its line: `date: 2025-07-28`.
/// The sample's WAIC briefing in `lang`: its source and its built page.
fn waic(out: &Path, lang: &str) -> (String, Html) {
    let md = std::fs::read_to_string(repo().join(format!(
        "content/{lang}/waic-2025-ai-cooperation-organization.md"
    )))
    .unwrap();
    let doc = page(
        out,
        &format!("{lang}/waic-2025-ai-cooperation-organization/index.html"),
    );
    (md, doc)
}

fn fm_line(md: &str, key: &str) -> String {
    md.lines()
        .find_map(|l| l.strip_prefix(&format!("{key}: ")))
        .unwrap_or_else(|| panic!("no {key}:"))
        .trim_matches('"')
        .to_string()
}

/// Decodes a `data:…;charset=utf-8,<percent-encoded>` URI.
fn decode_data_uri(href: &str) -> (String, String) {
    let rest = href.strip_prefix("data:").expect("a data: URI");
    let (head, body) = rest.split_once(',').expect("a comma");
    let mut bytes = Vec::new();
    let b = body.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let h = std::str::from_utf8(&b[i + 1..i + 3]).unwrap();
            bytes.push(u8::from_str_radix(h, 16).expect("hex"));
            i += 3;
        } else {
            bytes.push(b[i]);
            i += 1;
        }
    }
    (head.to_string(), String::from_utf8(bytes).expect("UTF-8"))
}

#[test]
fn sample_article_byline_jsonld_highwire_and_og() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    build(&repo(), &out);
    for lang in ["ja", "en"] {
        let (md, doc) = waic(&out, lang);
        let written = fm_line(&md, "  - name");
        let (family, given) = written.split_once(", ").unwrap();
        let natural = if lang == "ja" {
            format!("{family}{given}")
        } else {
            format!("{given} {family}")
        };
        let affiliation = fm_line(&md, "    affiliation");
        // Byline: the localized label, the name in reading order, linked.
        let byline = text(&doc, "p.byline");
        // The Fluent value, with its string-literal placeables (`{" "}`) read.
        let label =
            ftl_message(&repo().join(format!("locales/{lang}")), "byline").replace("{\" \"}", " ");
        assert!(byline.starts_with(&label), "{byline}");
        assert!(
            byline.contains(&natural) && byline.contains(&affiliation),
            "{byline}"
        );
        assert_eq!(
            select(&doc, "p.byline a[rel=author]")[0]
                .value()
                .attr("href"),
            Some(fm_line(&md, "    url").as_str())
        );
        // JSON-LD: a Person with an affiliated Organization, and the image.
        let ld = jsonld(&doc);
        assert_eq!(ld["author"]["@type"], "Person");
        assert_eq!(ld["author"]["name"], natural.as_str());
        assert_eq!(ld["author"]["familyName"], family);
        assert_eq!(ld["author"]["affiliation"]["@type"], "Organization");
        assert_eq!(ld["author"]["affiliation"]["name"], affiliation.as_str());
        let og_image = meta(&doc, "property", "og:image");
        assert_eq!(ld["image"]["url"], og_image.as_str());
        assert_eq!(
            ld["digitalSourceType"],
            "http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia"
        );
        // The default card is the theme's PNG, 1200×630, in the output.
        let rel = og_image
            .strip_prefix("https://example.org/briefings/")
            .expect("absolute under base_url");
        let png = std::fs::read(out.join(rel)).expect("the image is in the output");
        assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
        let (w, h) = (
            u32::from_be_bytes(png[16..20].try_into().unwrap()),
            u32::from_be_bytes(png[20..24].try_into().unwrap()),
        );
        assert_eq!((w, h), (1200, 630));
        assert_eq!(meta(&doc, "property", "og:image:width"), "1200");
        assert!(!meta(&doc, "property", "og:image:alt").is_empty());
        assert_eq!(meta(&doc, "name", "twitter:card"), "summary_large_image");
        // Highwire.
        let title = fm_line(&md, "title");
        assert_eq!(meta(&doc, "name", "citation_title"), title);
        assert_eq!(
            metas(&doc, "name", "citation_author"),
            vec![written.clone()]
        );
        let date = fm_line(&md, "date");
        assert_eq!(
            meta(&doc, "name", "citation_publication_date"),
            date.replace('-', "/")
        );
        assert_eq!(meta(&doc, "name", "citation_language"), lang);
        assert_eq!(
            meta(&doc, "name", "citation_public_url"),
            format!("https://example.org/briefings/{lang}/waic-2025-ai-cooperation-organization/")
        );
        assert!(!meta(&doc, "name", "citation_publisher").is_empty());
        assert!(!meta(&doc, "name", "citation_technical_report_institution").is_empty());
        assert_eq!(meta(&doc, "property", "og:title"), title);
        assert_eq!(
            meta(&doc, "property", "article:published_time"),
            format!("{date}T00:00:00Z")
        );
        // Not updated: no modified time.
        assert!(metas(&doc, "property", "article:modified_time").is_empty());
    }
    // An updated article says when.
    let md =
        std::fs::read_to_string(repo().join("content/en/us-china-compute-strategies.md")).unwrap();
    let doc = page(&out, "en/us-china-compute-strategies/index.html");
    assert_eq!(
        meta(&doc, "property", "article:modified_time"),
        format!("{}T00:00:00Z", fm_line(&md, "updated"))
    );
    // Without `authors:`, the site's organisation (book.toml) is the author.
    let ld = jsonld(&doc);
    assert_eq!(ld["author"]["@type"], "Organization");
    let toml = std::fs::read_to_string(repo().join("book.toml")).unwrap();
    let org = fm_line(&toml.replace(" = ", ": "), "organisation");
    assert_eq!(ld["author"]["name"], org.as_str());
    assert_eq!(metas(&doc, "name", "citation_author"), vec![org.clone()]);
    // The feed names the authors of each entry.
    let feed = common::parse_xml(&std::fs::read_to_string(out.join("en/atom.xml")).unwrap());
    let names: Vec<String> = feed
        .all("entry")
        .iter()
        .flat_map(|e| e.all("author").into_iter().map(|a| a.text_of("name")))
        .collect();
    assert!(names.contains(&"Haruka Sato".to_string()), "{names:?}");
    assert!(names.contains(&org), "{names:?}");
}

#[test]
fn list_pages_have_their_own_og_title_and_localized_description() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    build(&repo(), &out);
    for lang in ["ja", "en"] {
        let locale = repo().join(format!("locales/{lang}"));
        let home = page(&out, &format!("{lang}/index.html"));
        let desc = ftl_message(&locale, "site-description");
        assert_eq!(meta(&home, "name", "description"), desc);
        assert_eq!(meta(&home, "property", "og:description"), desc);
        assert!(meta(&home, "property", "og:image").starts_with("https://"));
        assert_eq!(meta(&home, "name", "twitter:card"), "summary_large_image");
        let term = page(&out, &format!("{lang}/topics/ai-governance/index.html"));
        let label = ftl_message(&locale.clone(), "topic-ai-governance");
        assert_eq!(meta(&term, "property", "og:title"), label);
        let sources = page(&out, &format!("{lang}/sources/index.html"));
        assert_eq!(
            meta(&sources, "property", "og:title"),
            ftl_message(&locale, "sources-title")
        );
    }
}

#[test]
fn cite_this_block_and_exports_are_data_links() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    build(&repo(), &out);
    let mut html_pages = 0;
    let mut files = 0;
    for e in walkdir::WalkDir::new(&out) {
        let e = e.unwrap();
        if e.file_type().is_file() {
            files += 1;
            let name = e.file_name().to_string_lossy().to_string();
            html_pages += usize::from(name.ends_with(".html"));
            assert!(
                !name.starts_with("references."),
                "no export file of its own: {}",
                e.path().display()
            );
        }
    }
    // Issue 17: output files at most 1.6× the HTML pages.
    assert!(
        files as f64 <= 1.6 * html_pages as f64,
        "{files} files for {html_pages} pages"
    );
    for lang in ["ja", "en"] {
        let (md, doc) = waic(&out, lang);
        let block = select(&doc, "section.cite-this");
        assert_eq!(block.len(), 1);
        let cite = text(&doc, ".cite-this .cite-text");
        let title = fm_line(&md, "title");
        assert!(cite.contains(&title), "{cite}");
        assert!(cite.contains("2025"), "{cite}");
        // The button is hidden until the script shows it (no JS: text only).
        let button = select(&doc, ".cite-this button.cite-copy");
        assert_eq!(button.len(), 1);
        assert!(button[0].value().attr("hidden").is_some());
        let target = button[0].value().attr("data-copy").unwrap();
        assert_eq!(select(&doc, &format!("#{target}")).len(), 1);
        let links = select(&doc, ".cite-this a[download]");
        let names: Vec<&str> = links
            .iter()
            .map(|a| a.value().attr("download").unwrap())
            .collect();
        assert!(
            names.iter().any(|n| n.ends_with(".bib")) && names.iter().any(|n| n.ends_with(".ris"))
        );
        for a in &links {
            let (head, body) = decode_data_uri(a.value().attr("href").unwrap());
            assert!(head.ends_with(";charset=utf-8"), "{head}");
            if head.starts_with("application/x-research-info-systems") {
                assert!(body.starts_with("TY  - RPRT\r\n"), "{body}");
                assert!(body.contains(&format!("TI  - {title}\r\n")), "{body}");
                assert!(body.contains("AU  - "), "{body}");
                assert!(body.trim_end().ends_with("ER  -"), "{body}");
            }
        }
        // The reference exports: data: links beside the reference list.
        let refs = select(&doc, ".ref-downloads a[download]");
        assert_eq!(refs.len(), 2);
        for a in refs {
            let (_, body) = decode_data_uri(a.value().attr("href").unwrap());
            assert!(!body.is_empty());
        }
    }
}

const STYLED: &str = r#"title: "Styled references"
date: 2025-08-01
summary: "Numbers with gaps, an author, a cut title."
citations:
  - id: "2"
    title: "a lowercase title keeps its case"
    publisher: "Example Institute"
    author: "Quill, Ada B."
    url: "https://example.org/a"
    published: 2023-04-05
    lang: en
  - id: "6"
    title: "A report whose title was cut at the end…"
    publisher: "Example Ministry"
    published: 2021-01-02
    lang: en
"#;

#[test]
fn reference_list_is_formatted_by_the_style_and_keeps_numbers() {
    let site = Site::new();
    site.article("en", "styled.md", STYLED, "First.[2] Later.[6] Again.[2]\n");
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    build(site.root(), &out);
    let doc = page(&out, "en/styled/index.html");
    let items = select(&doc, "ol.references > li");
    let ids: Vec<&str> = items
        .iter()
        .map(|li| li.value().attr("id").unwrap())
        .collect();
    assert_eq!(ids, ["ref-2", "ref-6"]);
    let values: Vec<&str> = items
        .iter()
        .map(|li| li.value().attr("value").unwrap())
        .collect();
    assert_eq!(values, ["2", "6"]);
    let numbers: Vec<String> = doc
        .select(&sel("ol.references .ref-number"))
        .map(|e| e.text().collect())
        .collect();
    assert_eq!(numbers, ["[2]", "[6]"]);
    // Back-links to both places [2] is cited.
    let back: Vec<&str> = doc
        .select(&sel("#ref-2 .backrefs a"))
        .map(|a| a.value().attr("href").unwrap())
        .collect();
    assert_eq!(back, ["#cite-2-1", "#cite-2-2"]);
    let entry = |id: &str| -> String {
        doc.select(&sel(&format!("#{id} .ref-text")))
            .next()
            .unwrap()
            .text()
            .collect()
    };
    // Chicago author-date: author, year, title, publisher, in that order;
    // the title as written (no title case), the style's own number absent.
    let e2 = entry("ref-2");
    let at = |s: &str| e2.find(s).unwrap_or_else(|| panic!("`{s}` not in {e2}"));
    assert!(
        at("Quill, Ada B.") < at("2023") && at("2023") < at("a lowercase title keeps its case")
    );
    assert!(!e2.contains("[2]") && !e2.starts_with('2'), "{e2}");
    let e6 = entry("ref-6");
    assert!(
        e6.contains("A report whose title was cut at the end…"),
        "{e6}"
    );
    assert!(!e6.contains("…."), "{e6}");
    assert!(
        e6.contains("Example Ministry") && e6.contains("2021"),
        "{e6}"
    );
    // The preview's fields are still there.
    assert_eq!(
        text(&doc, "#ref-6 .ref-title"),
        "A report whose title was cut at the end…"
    );
}

#[test]
fn image_front_matter_overrides_and_is_checked() {
    let mut site = Site::new();
    site.setting("organisation = \"Example Desk\"");
    site.write("static/images/card.png", "not really a png");
    site.article(
        "en",
        "pic.md",
        "title: \"With a picture\"\ndate: 2025-08-01\nimage: images/card.png\nimage_alt: \"A card\"",
        "Text.\n",
    );
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    build(site.root(), &out);
    let doc = page(&out, "en/pic/index.html");
    let url = meta(&doc, "property", "og:image");
    assert_eq!(url, format!("{}/images/card.png", site.base_url()));
    assert!(out.join("images/card.png").is_file());
    assert_eq!(meta(&doc, "property", "og:image:alt"), "A card");
    assert_eq!(jsonld(&doc)["image"]["url"], url.as_str());
    assert_eq!(jsonld(&doc)["author"]["name"], "Example Desk");
    // A script URL is refused at its line.
    site.article(
        "en",
        "pic.md",
        "title: \"With a picture\"\ndate: 2025-08-01\nimage: \"javascript:alert(1)\"",
        "Text.\n",
    );
    let d = check_error(site.root(), "front-matter-invalid");
    assert_eq!(d["line"], 4);
    assert!(
        d["message"].as_str().unwrap().contains("javascript:"),
        "{d}"
    );
}

#[test]
fn citation_style_none_uses_the_theme_layout_and_unknown_styles_are_errors() {
    let mut site = Site::new();
    site.setting("citation_style = \"none\"");
    site.article("en", "styled.md", STYLED, "First.[2] Later.[6]\n");
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    build(site.root(), &out);
    let doc = page(&out, "en/styled/index.html");
    assert!(select(&doc, ".ref-text").is_empty());
    assert_eq!(
        select(&doc, "#ref-2 a.ref-title")[0].value().attr("href"),
        Some("https://example.org/a")
    );
    assert!(text(&doc, ".cite-this .cite-text").contains("Styled references"));
    // A misspelt style is an error at its line, with the nearest name.
    let mut site = Site::new();
    site.setting("citation_style = \"chicago-autor-date\"");
    let d = check_error(site.root(), "unknown-citation-style");
    assert_eq!(d["file"], "book.toml");
    let toml = site.book_toml();
    let expected_line = toml
        .lines()
        .position(|l| l.starts_with("citation_style"))
        .unwrap()
        + 1;
    assert_eq!(d["line"].as_u64(), Some(expected_line as u64));
    assert!(
        d["help"].as_str().unwrap().contains("chicago-author-date"),
        "{d}"
    );
}

/// With no `citation_style` anywhere, English is formatted by the default
/// CSL style and Japanese keeps the theme's layout (its details in their own
/// elements, the date written the Japanese way), as README says.
#[test]
fn japanese_defaults_to_the_theme_layout_and_english_to_chicago() {
    let site = Site::new();
    site.article("en", "styled.md", STYLED, "First.[2] Later.[6]\n");
    site.article(
        "ja",
        "styled.md",
        STYLED,
        "政府は新しい計算資源の補助制度を発表し、研究機関と企業の双方に対して利用料金の一部を負担すると説明した。[2] 制度の詳細は年内に公表される予定であり、対象となる事業者の条件も同時に示される見通しである。[6]\n",
    );
    assert!(
        !site.book_toml().contains("citation_style"),
        "the test site names no style"
    );
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    build(site.root(), &out);
    let en = page(&out, "en/styled/index.html");
    let ja = page(&out, "ja/styled/index.html");
    assert_eq!(
        select(&en, "#ref-2 .ref-text").len(),
        1,
        "English: CSL text"
    );
    assert!(select(&en, "#ref-2 .ref-date:not([hidden])").is_empty());
    assert!(
        select(&ja, "#ref-2 .ref-text").is_empty(),
        "Japanese: no CSL text"
    );
    let dates: Vec<String> = ja
        .select(&sel("ol.references .ref-date"))
        .map(|e| e.text().collect())
        .collect();
    assert!(!dates.is_empty(), "the theme layout shows the dates");
    for d in &dates {
        assert!(
            d.ends_with('日') && d.contains('年') && d.contains('月'),
            "a Japanese date: {d}"
        );
    }
}
