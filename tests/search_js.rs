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
