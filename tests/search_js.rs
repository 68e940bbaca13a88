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
    let out = Command::new("node")
        .arg("-e")
        .arg(&script)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let js: Vec<(Vec<String>, u32)> = serde_json::from_slice(&out.stdout).unwrap();
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
    let out = Command::new("node")
        .arg("-e")
        .arg(&script)
        .output()
        .expect("node is required for this test");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let marked: Vec<Vec<String>> = serde_json::from_slice(&out.stdout).unwrap();
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

/// Runs `expr` in node with search.js as `s`; its value as JSON.
fn node_eval(expr: &str) -> serde_json::Value {
    let script = format!(
        "const s = require({:?}); console.log(JSON.stringify({expr}));",
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/themes/default/static/search.js"
        ),
    );
    let out = Command::new("node")
        .arg("-e")
        .arg(&script)
        .output()
        .expect("node is required for this test");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
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
