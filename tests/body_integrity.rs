//! Editorial integrity of the body: what a page shows is what the editor
//! wrote. Each case is a tiny article built with the `brief` binary; the HTML
//! is read back with scraper and compared with expectations written by hand
//! (visible text, link targets, no link inside a link, citation back-links),
//! then generated paragraphs are checked against an independent rule.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::process::Command;

use common::{select, select_in, Site};
use scraper::{ElementRef, Html};

/// The word joiner brief puts before a marker (it keeps the marker on the
/// line of its word): a formatting character, not visible text.
const WORD_JOINER: char = '\u{2060}';

/// Visible text of an element: its text nodes, word joiners dropped,
/// whitespace collapsed.
fn visible(el: ElementRef) -> String {
    el.text()
        .collect::<String>()
        .replace(WORD_JOINER, "")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

fn hrefs(el: ElementRef) -> Vec<String> {
    select_in(el, "a")
        .into_iter()
        .filter_map(|a| a.value().attr("href").map(str::to_string))
        .collect()
}

/// Front-matter with the given citation ids (each titled after its id).
fn front_matter(title: &str, ids: &[&str]) -> String {
    let mut fm = format!("title: \"{title}\"\ndate: 2025-01-01\n");
    if !ids.is_empty() {
        fm.push_str("citations:\n");
        for id in ids {
            fm.push_str(&format!("  - id: \"{id}\"\n    title: \"Source {id}\"\n"));
        }
    }
    fm
}

/// A diagnostic as the binary prints it: code, file and line (when given).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Printed {
    code: String,
    file: String,
    line: Option<usize>,
}

/// Reads the diagnostics from the binary's stderr: a block starts with
/// `warning[code]:` or `error[code]:` and names its file as
/// `┌─ content/…:LINE:COL` or `= in content/…`.
fn printed(stderr: &str) -> Vec<Printed> {
    let mut out: Vec<Printed> = Vec::new();
    for line in stderr.lines() {
        let t = line.trim();
        if let Some(rest) = t
            .strip_prefix("warning[")
            .or_else(|| t.strip_prefix("error["))
        {
            let code = rest.split(']').next().unwrap_or_default().to_string();
            out.push(Printed {
                code,
                file: String::new(),
                line: None,
            });
        } else if let (Some(last), Some(at)) = (out.last_mut(), t.find("content/")) {
            if last.file.is_empty() {
                let loc = t[at..].split_whitespace().next().unwrap_or_default();
                let mut parts = loc.split(':');
                last.file = parts.next().unwrap_or_default().to_string();
                last.line = parts.next().and_then(|l| l.parse().ok());
            }
        }
    }
    out
}

/// Builds the site with the binary; returns the diagnostics printed.
fn build(site: &Site) -> Vec<Printed> {
    let out = Command::new(env!("CARGO_BIN_EXE_brief"))
        .arg("build")
        .arg("--root")
        .arg(site.root())
        .output()
        .expect("run brief");
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "the site does not build:\n{stderr}");
    printed(&stderr)
}

fn page(site: &Site, slug: &str) -> Html {
    let path = site.path(&format!("public/en/{slug}/index.html"));
    Html::parse_document(&std::fs::read_to_string(&path).expect("page"))
}

/// Page-wide checks: no link inside a link, and every back-link of the
/// reference list and the notes points at an element of the page.
fn check_page(doc: &Html, name: &str) {
    assert!(
        select(doc, "a a").is_empty(),
        "{name}: a link inside a link:\n{}",
        doc.html()
    );
    let ids: BTreeSet<&str> = select(doc, "[id]")
        .into_iter()
        .filter_map(|e| e.value().attr("id"))
        .collect();
    for a in select(doc, "a.backref") {
        let href = a.value().attr("href").expect("href");
        let id = href.strip_prefix('#').expect("a back-link within the page");
        assert!(ids.contains(id), "{name}: back-link {href} goes nowhere");
    }
}

/// Back-links per reference: `ref-<anchor>` → how many.
fn backrefs(doc: &Html) -> BTreeMap<String, usize> {
    select(doc, ".references-section li[id^=\"ref-\"]")
        .into_iter()
        .map(|li| {
            let anchor = li.value().attr("id").expect("id")["ref-".len()..].to_string();
            (anchor, select_in(li, "a.backref").len())
        })
        .collect()
}

struct Case {
    name: &'static str,
    /// Citation ids in the front-matter.
    ids: &'static [&'static str],
    body: &'static str,
    /// The element read (the first that matches in the page).
    css: &'static str,
    /// Its visible text, as a reader sees it.
    text: &'static str,
    /// Its links' targets, in order.
    hrefs: &'static [&'static str],
    /// Back-links per citation id (every listed id is in the reference list).
    backrefs: &'static [(&'static str, usize)],
    /// Diagnostics expected for the file: (code, line in the file).
    diags: &'static [(&'static str, Option<usize>)],
}

const CASES: &[Case] = &[
    Case {
        name: "marker in a link's text",
        ids: &["1"],
        body: "Read [the report [1] in full](https://example.org/r) today.\n",
        css: ".briefing-body p",
        text: "Read the report [1] in full today.",
        hrefs: &["https://example.org/r"],
        backrefs: &[("1", 1)],
        diags: &[],
    },
    Case {
        name: "key marker in a link's text",
        ids: &["k"],
        body: "See [the data [@k] here](https://example.org/x) now.\n",
        css: ".briefing-body p",
        text: "See the data [1] here now.",
        hrefs: &["https://example.org/x"],
        backrefs: &[("k", 1)],
        diags: &[],
    },
    Case {
        name: "marker in a link to another article",
        ids: &["2"],
        body: "See [the other brief [2]](other.md) too.\n",
        css: ".briefing-body p",
        text: "See the other brief [2] too.",
        hrefs: &["/briefings/en/other/"],
        backrefs: &[("2", 1)],
        diags: &[],
    },
    Case {
        name: "marker in emphasis and strong",
        ids: &["1", "2"],
        body: "Both *weak [1]* and **strong [2]** claims.\n",
        css: ".briefing-body p",
        text: "Both weak [1] and strong [2] claims.",
        hrefs: &["#ref-1", "#ref-2"],
        backrefs: &[("1", 1), ("2", 1)],
        diags: &[],
    },
    Case {
        name: "marker in a table cell",
        ids: &["3"],
        body: "| item | value |\n|---|---|\n| cell [3] | x |\n",
        css: ".briefing-body td",
        text: "cell [3]",
        hrefs: &["#ref-3"],
        backrefs: &[("3", 1)],
        diags: &[],
    },
    Case {
        name: "marker in a footnote",
        ids: &["1"],
        body: "Text[^n] end.\n\n[^n]: A note citing [1] here.\n",
        css: "#fn-n p",
        text: "A note citing [1] here.",
        hrefs: &["#ref-1"],
        backrefs: &[("1", 1)],
        diags: &[],
    },
    Case {
        name: "marker in a callout",
        ids: &["2"],
        body: "> [!NOTE]\n> A callout citing [2].\n",
        css: ".callout p:not(.callout-label)",
        text: "A callout citing [2].",
        hrefs: &["#ref-2"],
        backrefs: &[("2", 1)],
        diags: &[],
    },
    Case {
        name: "marker right after a link",
        ids: &["2"],
        body: "See [the site](https://example.org/s)[2] now.\n",
        css: ".briefing-body p",
        text: "See the site[2] now.",
        hrefs: &["https://example.org/s", "#ref-2"],
        backrefs: &[("2", 1)],
        diags: &[],
    },
    Case {
        name: "reference-style text without a definition",
        ids: &["1"],
        body: "Read [the law][1] now.\n",
        css: ".briefing-body p",
        text: "Read [the law][1] now.",
        hrefs: &["#ref-1"],
        backrefs: &[("1", 1)],
        diags: &[],
    },
    Case {
        name: "a definition with a citation's label wins, and is warned about",
        ids: &["1"],
        // Five lines of front-matter: the body starts on line 8.
        body: "Read [the law][1] and [1].\n\n[1]: https://example.org/law\n",
        css: ".briefing-body p",
        text: "Read the law and 1.",
        hrefs: &["https://example.org/law", "https://example.org/law"],
        backrefs: &[("1", 0)],
        diags: &[
            ("definition-shadows-citation", Some(10)),
            ("uncited-citation", None),
        ],
    },
    Case {
        name: "escaped brackets",
        ids: &[],
        body: "Years \\[1\\] and \\[2024\\] stay, as does \\\\[x].\n",
        css: ".briefing-body p",
        text: "Years [1] and [2024] stay, as does \\[x].",
        hrefs: &[],
        backrefs: &[],
        diags: &[],
    },
    Case {
        name: "code span and code block",
        ids: &[],
        body: "Code `[1]` stays.\n\n```\n[2] and [@k]\n```\n",
        css: ".briefing-body",
        text: "Code [1] stays. [2] and [@k]",
        hrefs: &[],
        backrefs: &[],
        diags: &[],
    },
    Case {
        name: "nested brackets",
        ids: &["1"],
        body: "Double [[1]] brackets.\n",
        css: ".briefing-body p",
        text: "Double [[1]] brackets.",
        hrefs: &["#ref-1"],
        backrefs: &[("1", 1)],
        diags: &[],
    },
    Case {
        name: "marker followed by a parenthesis that is no link",
        ids: &["1"],
        body: "Marker [1](not a link) stays.\n",
        css: ".briefing-body p",
        text: "Marker [1](not a link) stays.",
        hrefs: &["#ref-1"],
        backrefs: &[("1", 1)],
        diags: &[],
    },
    Case {
        name: "an inline link whose text is a number stays a link",
        ids: &[],
        body: "A link [1](https://example.org/p) here.\n",
        css: ".briefing-body p",
        text: "A link 1 here.",
        hrefs: &["https://example.org/p"],
        backrefs: &[],
        diags: &[],
    },
    Case {
        name: "several markers, and forms that are not markers",
        ids: &["1", "3", "k", "m"],
        body: "Pair [1][3], keys [@k; @m], list [1, 3], note [note], empty [1][].\n",
        css: ".briefing-body p",
        text: "Pair [1][3], keys [4][5], list [1, 3], note [note], empty [1][].",
        hrefs: &["#ref-1", "#ref-3", "#ref-k", "#ref-m", "#ref-1"],
        backrefs: &[("1", 2), ("3", 1), ("k", 1), ("m", 1)],
        diags: &[],
    },
    Case {
        name: "a character reference is no bracket",
        ids: &["1"],
        body: "Written &#91;1] and [1].\n",
        css: ".briefing-body p",
        text: "Written [1] and [1].",
        hrefs: &["#ref-1"],
        backrefs: &[("1", 1)],
        diags: &[],
    },
    Case {
        name: "marker beside curled quotes",
        ids: &["1"],
        body: "He said \"yes\" [1].\n",
        css: ".briefing-body p",
        text: "He said \u{201C}yes\u{201D} [1].",
        hrefs: &["#ref-1"],
        backrefs: &[("1", 1)],
        diags: &[],
    },
];

#[test]
fn citation_markers_keep_every_character_and_every_link() {
    let site = Site::new();
    site.article("en", "other.md", &front_matter("Other", &[]), "Other.\n");
    for (i, case) in CASES.iter().enumerate() {
        site.article(
            "en",
            &format!("case-{i:02}.md"),
            &front_matter(&format!("Case {i}"), case.ids),
            case.body,
        );
    }
    let diags = build(&site);
    for (i, case) in CASES.iter().enumerate() {
        let name = case.name;
        let doc = page(&site, &format!("case-{i:02}"));
        check_page(&doc, name);
        let el = select(&doc, case.css)
            .into_iter()
            .next()
            .unwrap_or_else(|| panic!("{name}: no `{}`", case.css));
        assert_eq!(visible(el), case.text, "{name}: visible text");
        assert_eq!(hrefs(el), case.hrefs, "{name}: links");
        let want: BTreeMap<String, usize> = case
            .backrefs
            .iter()
            .map(|(id, n)| (id.to_string(), *n))
            .collect();
        assert_eq!(backrefs(&doc), want, "{name}: back-links per reference");
        let file = format!("content/en/case-{i:02}.md");
        let mut got: Vec<(String, Option<usize>)> = diags
            .iter()
            .filter(|d| d.file == file)
            .map(|d| (d.code.clone(), d.line))
            .collect();
        got.sort();
        let mut want: Vec<(String, Option<usize>)> = case
            .diags
            .iter()
            .map(|(c, l)| (c.to_string(), *l))
            .collect();
        want.sort();
        assert_eq!(got, want, "{name}: diagnostics");
    }
}

#[test]
fn markers_in_alt_text_and_headings() {
    let site = Site::new();
    let fm = front_matter("Headings", &["1", "2", "3"]);
    site.article(
        "en",
        "h.md",
        &fm,
        "See ![a chart from [2] here](chart.png) now.\n\n\
         ## Costs rise [3]\n\nText.\n\n## Second [1] part\n\nText.\n\n## Third\n\nText.\n",
    );
    let diags = build(&site);
    assert!(diags.is_empty(), "{diags:?}");
    let doc = page(&site, "h");
    check_page(&doc, "alt text and headings");
    // Alt text is plain text: the marker as written, counted as cited.
    let img = common::select_one(&doc, ".briefing-body img");
    assert_eq!(img.value().attr("alt"), Some("a chart from [2] here"));
    let p = select(&doc, ".briefing-body p")[0];
    assert_eq!(visible(p), "See now.");
    assert_eq!(
        backrefs(&doc),
        BTreeMap::from([("1".into(), 1), ("2".into(), 0), ("3".into(), 1)])
    );
    // Headings: a clean id, the marker a link in the heading only.
    let h2: Vec<ElementRef> = select(&doc, ".briefing-body h2");
    assert_eq!(visible(h2[0]), "Costs rise [3]");
    assert_eq!(h2[0].value().attr("id"), Some("costs-rise"));
    assert_eq!(hrefs(h2[0]), ["#ref-3"]);
    assert_eq!(visible(h2[1]), "Second [1] part");
    assert_eq!(h2[1].value().attr("id"), Some("second-part"));
    // The contents list the headings' words, without the markers.
    let toc: Vec<(String, Vec<String>)> = select(&doc, "nav.toc li")
        .into_iter()
        .map(|li| (visible(li), hrefs(li)))
        .collect();
    assert_eq!(
        toc,
        [
            ("Costs rise".to_string(), vec!["#costs-rise".to_string()]),
            ("Second part".to_string(), vec!["#second-part".to_string()]),
            ("Third".to_string(), vec!["#third".to_string()]),
        ]
    );
}

// ---------------------------------------------------------------------------
// Generated paragraphs
// ---------------------------------------------------------------------------

/// xorshift64*: a fixed seed, so every run checks the same paragraphs.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

const WORDS: &[&str] = &[
    "policy", "compute", "subsidy", "Tokyo", "chips", "audit", "rules", "model", "data", "firms",
];

/// A generated paragraph: its Markdown, and what a reader must get from it,
/// worked out from the parts (not from Markdown): the visible text, the link
/// targets in order, and the markers linked per citation.
struct Generated {
    markdown: String,
    text: String,
    hrefs: Vec<String>,
    linked: BTreeMap<String, usize>,
}

/// Parts joined by spaces: a word; a marker `[n]`; an escaped `\[n\]`; a
/// link `[words](url)`, maybe with a marker in its text; a link directly
/// followed by a marker. The rule for the visible text: a link shows its
/// text, an escaped bracket shows the bracket, a marker shows itself (ids
/// are numeric, so the number shown is the one written); a marker in a
/// link's text is not a link of its own.
fn generate(rng: &mut Rng, link_no: &mut usize) -> Generated {
    let mut g = Generated {
        markdown: String::new(),
        text: String::new(),
        hrefs: Vec::new(),
        linked: BTreeMap::new(),
    };
    let parts = 3 + rng.below(10);
    for i in 0..parts {
        let (md, text) = match rng.below(6) {
            0 | 1 => {
                let w = WORDS[rng.below(WORDS.len() as u64) as usize];
                (w.to_string(), w.to_string())
            }
            2 => {
                let n = 1 + rng.below(3);
                g.hrefs.push(format!("#ref-{n}"));
                *g.linked.entry(n.to_string()).or_default() += 1;
                (format!("[{n}]"), format!("[{n}]"))
            }
            3 => {
                let n = 1 + rng.below(3);
                (format!("\\[{n}\\]"), format!("[{n}]"))
            }
            4 => {
                *link_no += 1;
                let w = WORDS[rng.below(WORDS.len() as u64) as usize];
                let url = format!("https://example.org/{link_no}");
                g.hrefs.push(url.clone());
                if rng.below(2) == 0 {
                    let n = 1 + rng.below(3);
                    *g.linked.entry(n.to_string()).or_default() += 1;
                    (format!("[{w} [{n}] end]({url})"), format!("{w} [{n}] end"))
                } else {
                    (format!("[{w}]({url})"), w.to_string())
                }
            }
            _ => {
                *link_no += 1;
                let w = WORDS[rng.below(WORDS.len() as u64) as usize];
                let n = 1 + rng.below(3);
                let url = format!("https://example.org/{link_no}");
                g.hrefs.push(url.clone());
                g.hrefs.push(format!("#ref-{n}"));
                *g.linked.entry(n.to_string()).or_default() += 1;
                (format!("[{w}]({url})[{n}]"), format!("{w}[{n}]"))
            }
        };
        if i > 0 {
            g.markdown.push(' ');
            g.text.push(' ');
        }
        g.markdown.push_str(&md);
        g.text.push_str(&text);
    }
    g.markdown.push('\n');
    g
}

#[test]
fn generated_paragraphs_read_as_written() {
    let site = Site::new();
    let mut rng = Rng(0x5EED_1234_ABCD_0001);
    let mut link_no = 0;
    let generated: Vec<Generated> = (0..60).map(|_| generate(&mut rng, &mut link_no)).collect();
    for (i, g) in generated.iter().enumerate() {
        site.article(
            "en",
            &format!("gen-{i:02}.md"),
            &front_matter(&format!("Generated {i}"), &["1", "2", "3"]),
            &g.markdown,
        );
    }
    build(&site);
    for (i, g) in generated.iter().enumerate() {
        let name = format!("gen-{i:02}: {}", g.markdown.trim_end());
        let doc = page(&site, &format!("gen-{i:02}"));
        check_page(&doc, &name);
        let p = common::select_one(&doc, ".briefing-body p");
        assert_eq!(visible(p), g.text, "{name}");
        assert_eq!(hrefs(p), g.hrefs, "{name}");
        // Every marker is a back-link target, linked or not.
        let want: BTreeMap<String, usize> = ["1", "2", "3"]
            .iter()
            .map(|id| (id.to_string(), g.linked.get(*id).copied().unwrap_or(0)))
            .collect();
        assert_eq!(backrefs(&doc), want, "{name}");
    }
}
