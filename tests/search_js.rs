//! The search tokenizer exists twice: in Rust (index) and in search.js
//! (queries). They must agree on every string, or queries miss documents.

use std::process::Command;

const SAMPLES: &[&str] = &[
    "上海のAI国際協力機関",
    "グローバルサウス",
    "ＡＩガバナンス",
    "Stargate export controls tightened; policies, analysis, status",
    "AI協力とGlobal South 2025年",
    "米",
    "한국어 검색 테스트",
    "Ｈｅｌｌｏ　Ｗｏｒｌｄ！",
    "naïve café résumé",
    "東数西算（East Data, West Computing）",
    "",
    "x",
    "𠮷野家",
];

#[test]
fn rust_and_js_tokenizers_agree() {
    let node = Command::new("node").arg("--version").output();
    assert!(
        node.is_ok(),
        "node is required for this test (install Node.js; CI installs it)"
    );
    let script = format!(
        "const s = require({:?}); const samples = {}; console.log(JSON.stringify(samples.map(x => [s.tokenize(x), s.fnv1a(x)])));",
        concat!(env!("CARGO_MANIFEST_DIR"), "/themes/default/static/search.js"),
        serde_json::to_string(SAMPLES).unwrap()
    );
    let js: Vec<(Vec<String>, u32)> = node_json(&script);
    for (sample, (tokens, hash)) in SAMPLES.iter().zip(js) {
        assert_eq!(
            brief::index::search::tokenize(sample),
            tokens,
            "tokens of {sample:?}"
        );
        assert_eq!(
            brief::index::search::fnv1a(sample),
            hash,
            "hash of {sample:?}"
        );
    }
}

/// search.js marks what matched by running the tokenizer over each character
/// normalized by itself and mapping the tokens back to the original text:
/// the marked pieces of a text, tokenized again (here by the index's own
/// tokenizer), hold every token of the text, so nothing that matched is
/// left unmarked and nothing is marked that did not match.
#[test]
fn marked_spans_hold_the_matched_tokens() {
    let samples: Vec<&str> = SAMPLES
        .iter()
        .copied()
        .filter(|s| !brief::index::search::tokenize(s).is_empty())
        .collect();
    let script = format!(
        "const s = require({:?}); const samples = {}; console.log(JSON.stringify(samples.map(x => s.matchSpans(x, new Set(s.tokenize(x))).map(sp => x.slice(sp[0], sp[1])))));",
        concat!(env!("CARGO_MANIFEST_DIR"), "/themes/default/static/search.js"),
        serde_json::to_string(&samples).unwrap()
    );
    let marked: Vec<Vec<String>> = node_json(&script);
    for (sample, pieces) in samples.iter().zip(marked) {
        let want: std::collections::BTreeSet<String> =
            brief::index::search::tokenize(sample).into_iter().collect();
        let got: std::collections::BTreeSet<String> = pieces
            .iter()
            .flat_map(|p| brief::index::search::tokenize(p))
            .collect();
        assert_eq!(got, want, "marked pieces of {sample:?}: {pieces:?}");
        for p in &pieces {
            assert!(
                sample.contains(p.as_str()),
                "{p:?} is a piece of {sample:?}"
            );
        }
    }
}

/// Runs `script` in node; what it prints, read as JSON.
fn node_json<T: serde::de::DeserializeOwned>(script: &str) -> T {
    let out = Command::new("node")
        .arg("-e")
        .arg(script)
        .output()
        .expect("node is required for this test");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// Runs `expr` in node with search.js as `s`; its value as JSON.
fn node_eval(expr: &str) -> serde_json::Value {
    let script = format!(
        "const s = require({:?}); console.log(JSON.stringify({expr}));",
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/themes/default/static/search.js"
        ),
    );
    node_json(&script)
}

/// Only whole words of the query are marked: a bigram of a longer CJK word
/// found elsewhere (ティ of コンピューティング for サイバーセキュリティ) is not.
#[test]
fn only_whole_query_words_are_marked() {
    let text = "サイバーセキュリティとコンピューティング、Export controls";
    let marked = node_eval(&format!(
        "[\"サイバーセキュリティ\", \"controls ティ\", \"export\"].map(q => s.wordSpans({text:?}, s.wanted(q)).map(sp => {text:?}.slice(sp[0], sp[1])))"
    ));
    assert_eq!(
        marked,
        serde_json::json!([
            ["サイバーセキュリティ"],
            ["ティ", "ティ", "controls"],
            ["Export"]
        ])
    );
}

/// The excerpt of a long text is a window around the match, cut at spaces,
/// with the match marked inside it.
#[test]
fn excerpt_is_a_window_around_the_match() {
    let filler = "lorem ipsum dolor ".repeat(30);
    let text = format!("{filler}the subsidy for compute vouchers {filler}");
    let ex = node_eval(&format!(
        "(() => {{ const e = s.bestExcerpt([[\"k\", \"nothing here\"], [\"b\", {text:?}]], s.wanted(\"vouchers\")); return [e.part, e.before, e.after, e.text.length, e.spans.map(sp => e.text.slice(sp[0], sp[1]))]; }})()"
    ));
    assert_eq!(ex[0], "b");
    assert_eq!(ex[1], true);
    assert_eq!(ex[2], true);
    assert!(ex[3].as_u64().unwrap() <= 160, "{ex}");
    assert_eq!(ex[4], serde_json::json!(["vouchers"]));
}

// ---------------------------------------------------------------------------
// Document packs read with Range requests
// ---------------------------------------------------------------------------

mod common;

/// Articles dated one day apart (so their records lie in the pack newest
/// first): every one mentions "harbour"; "lattice" is in the body of those
/// numbered below 40, and also in the title of every fifth; 41 to 45 are
/// distractors without it.
fn pack_site() -> common::Site {
    let site = common::Site::new();
    for i in 0..45 {
        let title = pack_title(i);
        let fm = format!(
            "title: \"{title}\"\ndate: 2025-01-{:02}\nsummary: \"Report number {i}.\"",
            (i % 28) + 1
        );
        let fm = if i >= 28 {
            fm.replace("2025-01-", "2025-02-")
        } else {
            fm
        };
        // Distinct paragraphs, so that records do not compress to nothing.
        let mut body = String::new();
        for k in 0..12 {
            body.push_str(&format!(
                "Paragraph {k} of report {i}: the harbour handled {} containers and {} ships.\n\n",
                i * 977 + k * 131,
                (i * 31 + k * 7) % 97
            ));
        }
        if i < 40 {
            body.push_str("The lattice survey was published.\n");
        }
        site.article("en", &format!("r{i:02}.md"), &fm, &body);
    }
    site
}

fn pack_title(i: usize) -> String {
    if i.is_multiple_of(5) && i < 40 {
        format!("Lattice report {i}")
    } else {
        format!("Port report {i}")
    }
}

/// Every record of a language's pack, inflated here with flate2 and
/// meta.json's lengths, independently of search.js: `[title, url, …]`.
fn records(search: &std::path::Path) -> Vec<serde_json::Value> {
    let meta: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(search.join("meta.json")).unwrap()).unwrap();
    assert_eq!(meta["v"], 3);
    let mut out = Vec::new();
    let mut doc = 0;
    for (pack, count) in meta["packs"].as_array().unwrap().iter().enumerate() {
        let bytes = std::fs::read(search.join(format!("docs-{pack}.bin"))).unwrap();
        let mut at = 0;
        for _ in 0..count.as_u64().unwrap() {
            let len = meta["lens"][doc].as_u64().unwrap() as usize;
            let mut text = String::new();
            std::io::Read::read_to_string(
                &mut flate2::read::DeflateDecoder::new(&bytes[at..at + len]),
                &mut text,
            )
            .unwrap();
            out.push(serde_json::from_str(&text).unwrap());
            at += len;
            doc += 1;
        }
        assert_eq!(at, bytes.len(), "pack {pack} is its records end to end");
    }
    out
}

/// A first query and its "Show more" page with search.js's own functions,
/// the files and byte ranges it asks for recorded, and the same records
/// read again from whole packs (a host that ignores Range).
fn ranged_query(search: &std::path::Path, query: &str) -> serde_json::Value {
    let script = format!(
        r#"
const s = require({js:?});
const fs = require("fs"), path = require("path");
const dir = {dir:?};
const files = [], ranges = [];
const getJson = (n) => {{ files.push(n); return Promise.resolve(JSON.parse(fs.readFileSync(path.join(dir, n), "utf8"))); }};
const pack = (n) => new Uint8Array(fs.readFileSync(path.join(dir, n)));
const getRange = (n, a, b) => {{ ranges.push([n, a, b]); return Promise.resolve({{ bytes: pack(n).slice(a, b), whole: false }}); }};
const whole = (n) => Promise.resolve({{ bytes: pack(n), whole: true }});
(async () => {{
  const m = await getJson("meta.json");
  const hits = await s.lookup(Array.from(new Set(s.tokenize({query:?}))), m, getJson);
  const first = hits.slice(0, m.page).map((h) => h[0]);
  const titles = (await s.readDocs(first, m, getRange)).map((r) => r[0]);
  const firstFiles = files.slice(), firstRanges = ranges.splice(0);
  const second = hits.slice(m.page, 2 * m.page).map((h) => h[0]);
  const titles2 = (await s.readDocs(second, m, getRange)).map((r) => r[0]);
  const fallback = (await s.readDocs(first.concat(second), m, whole)).map((r) => r[0]);
  console.log(JSON.stringify({{ all: hits.map((h) => h[0]), first, second, titles, titles2, fallback,
    files: firstFiles, ranges: firstRanges, ranges2: ranges, gap: s.GAP }}));
}})().catch((e) => {{ console.error(e); process.exit(1); }});
"#,
        js = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/themes/default/static/search.js"
        ),
        dir = search.to_str().unwrap(),
    );
    node_json(&script)
}

fn numbers(v: &serde_json::Value) -> Vec<usize> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|n| n.as_u64().unwrap() as usize)
        .collect()
}

/// Where each record lies: (start, end) in its pack (one pack here).
fn spans(search: &std::path::Path) -> Vec<(usize, usize)> {
    let meta: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(search.join("meta.json")).unwrap()).unwrap();
    let mut at = 0;
    numbers(&meta["lens"])
        .into_iter()
        .map(|len| {
            at += len;
            (at - len, at)
        })
        .collect()
}

#[test]
fn a_first_query_reads_only_the_shown_records_with_few_range_requests() {
    let site = pack_site();
    let out = site.build_ok();
    let search = out.path("en/search");
    let recs = records(&search);
    let title = |d: usize| recs[d][0].as_str().unwrap().to_string();
    let at = spans(&search);
    assert_eq!(recs.len(), 45);
    assert!(!search.join("doc").exists(), "no per-document files");

    // "harbour" is in every body with the same weight: the ten shown are
    // the ten newest, which the pack holds first, side by side — one
    // request for exactly their bytes.
    let r = ranged_query(&search, "harbour");
    let first = numbers(&r["first"]);
    assert_eq!(numbers(&r["all"]).len(), 45);
    let mut want: Vec<String> = (35..45).map(pack_title).collect();
    let mut shown: Vec<String> = first.iter().map(|&d| title(d)).collect();
    shown.sort();
    want.sort();
    assert_eq!(shown, want);
    assert_eq!(
        r["files"].as_array().unwrap().len(),
        2,
        "meta.json and one shard: {r}"
    );
    let ranges = byte_ranges(&r["ranges"]);
    let lo = first.iter().map(|&d| at[d].0).min().unwrap();
    let hi = first.iter().map(|&d| at[d].1).max().unwrap();
    let bytes: usize = first.iter().map(|&d| at[d].1 - at[d].0).sum();
    assert_eq!(ranges, [(lo, hi)], "one request: {r}");
    assert_eq!(hi - lo, bytes, "the shown records are side by side");
    assert_eq!(
        r["titles"],
        serde_json::json!(first.iter().map(|&d| title(d)).collect::<Vec<_>>())
    );

    // "lattice": the eight with it in the title first (every fifth record),
    // then the newest with it in the body; records may lie apart, but the
    // ranges asked for cover the shown records and nothing beyond a gap.
    let r = ranged_query(&search, "lattice");
    let all = numbers(&r["all"]);
    let mut found: Vec<String> = all.iter().map(|&d| title(d)).collect();
    found.sort();
    let mut want: Vec<String> = (0..40).map(pack_title).collect();
    want.sort();
    assert_eq!(found, want, "every article with the word, no other");
    let first = numbers(&r["first"]);
    let second = numbers(&r["second"]);
    let lattice_titled: Vec<String> = first[..8].iter().map(|&d| title(d)).collect();
    assert!(
        lattice_titled.iter().all(|t| t.starts_with("Lattice")),
        "{lattice_titled:?}"
    );
    assert_eq!(
        r["titles"],
        serde_json::json!(first.iter().map(|&d| title(d)).collect::<Vec<_>>())
    );
    assert_eq!(
        r["titles2"],
        serde_json::json!(second.iter().map(|&d| title(d)).collect::<Vec<_>>())
    );
    // A host without Range: the whole pack, sliced, gives the same records.
    let both: Vec<String> = first.iter().chain(&second).map(|&d| title(d)).collect();
    assert_eq!(r["fallback"], serde_json::json!(both));
    let gap = r["gap"].as_u64().unwrap() as usize;
    for (key, docs) in [("ranges", &first), ("ranges2", &second)] {
        let ranges = byte_ranges(&r[key]);
        assert!(
            !ranges.is_empty() && ranges.len() <= docs.len(),
            "{key}: {r}"
        );
        // Each record shown is inside one range; each range starts at a
        // shown record's start and ends at one's end; ranges are apart by
        // more than the gap that would have merged them.
        for &d in docs.iter() {
            assert!(
                ranges.iter().any(|&(a, b)| a <= at[d].0 && at[d].1 <= b),
                "{key}: {d}"
            );
        }
        for &(a, b) in &ranges {
            assert!(docs.iter().any(|&d| at[d].0 == a), "{key}: {a}");
            assert!(docs.iter().any(|&d| at[d].1 == b), "{key}: {b}");
        }
        for w in ranges.windows(2) {
            assert!(w[1].0 > w[0].1 + gap, "{key}: {w:?}");
        }
        let shown: usize = docs.iter().map(|&d| at[d].1 - at[d].0).sum();
        let fetched: usize = ranges.iter().map(|&(a, b)| b - a).sum();
        assert!(
            fetched <= shown + gap * (docs.len() - ranges.len()),
            "{key}"
        );
    }
}

/// The `[pack, start, end]` requests of [`ranged_query`], in one pack.
fn byte_ranges(v: &serde_json::Value) -> Vec<(usize, usize)> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|r| {
            assert_eq!(r[0], "docs-0.bin");
            (
                r[1].as_u64().unwrap() as usize,
                r[2].as_u64().unwrap() as usize,
            )
        })
        .collect()
}
