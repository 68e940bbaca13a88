use super::*;

#[test]
fn cjk_bigrams_and_words() {
    assert_eq!(tokenize("上海のAI"), vec!["上海", "海の", "ai"]);
    assert_eq!(tokenize("米"), vec!["米"]);
    assert_eq!(tokenize("上海の"), vec!["上海", "海の"]);
    assert_eq!(tokenize("ＡＩ"), vec!["ai"]);
    assert_eq!(tokenize("AI協力"), vec!["ai", "協力"]);
    assert_eq!(
        tokenize("Export controls, tightened"),
        vec!["export", "control", "tighten"]
    );
    assert_eq!(
        tokenize("グローバルサウス"),
        vec!["グロ", "ロー", "ーバ", "バル", "ルサ", "サウ", "ウス"]
    );
}

/// The tokenizer before it streamed into reusable buffers: one string
/// per token, the whole text lowercased first.
fn reference_tokenize(text: &str) -> Vec<String> {
    // Most text is already in NFKC; the quick check avoids rebuilding it.
    let nfkc: std::borrow::Cow<str> = match unicode_normalization::is_nfkc_quick(text.chars()) {
        unicode_normalization::IsNormalized::Yes => std::borrow::Cow::Borrowed(text),
        _ => std::borrow::Cow::Owned(text.nfkc().collect()),
    };
    let changes_case = |c: char| {
        let mut lower = c.to_lowercase();
        !(lower.next() == Some(c) && lower.next().is_none())
    };
    let normalized: String = if nfkc.chars().any(changes_case) {
        nfkc.chars().flat_map(char::to_lowercase).collect()
    } else {
        nfkc.into_owned()
    };
    let mut tokens = Vec::new();
    let mut cjk: Vec<char> = Vec::new();
    let mut word = String::new();
    let flush_cjk = |cjk: &mut Vec<char>, tokens: &mut Vec<String>| {
        if cjk.len() == 1 {
            tokens.push(cjk[0].to_string());
        } else {
            for pair in cjk.windows(2) {
                tokens.push(pair.iter().collect());
            }
        }
        cjk.clear();
    };
    let flush_word = |word: &mut String, tokens: &mut Vec<String>| {
        if !word.is_empty() {
            tokens.push(stem(word));
            word.clear();
        }
    };
    for c in normalized.chars() {
        if is_cjk(c) {
            flush_word(&mut word, &mut tokens);
            cjk.push(c);
        } else if c.is_alphanumeric() {
            if !cjk.is_empty() {
                flush_cjk(&mut cjk, &mut tokens);
            }
            word.push(c);
        } else {
            flush_word(&mut word, &mut tokens);
            if !cjk.is_empty() {
                flush_cjk(&mut cjk, &mut tokens);
            }
        }
    }
    flush_word(&mut word, &mut tokens);
    if !cjk.is_empty() {
        flush_cjk(&mut cjk, &mut tokens);
    }
    tokens
}

/// What [`is_nfkc_cut`] promises, checked for every character it names.
#[test]
fn nfkc_cut_characters_never_join_what_precedes_them() {
    use unicode_normalization::char::{
        canonical_combining_class, decompose_canonical, decompose_compatible,
    };
    // Every character after the first of a canonical decomposition is the
    // second half of some composition.
    let mut seconds = std::collections::HashSet::new();
    for x in (0..=0x2FFFFu32).filter_map(char::from_u32) {
        let mut parts = Vec::new();
        decompose_canonical(x, |p| parts.push(p));
        seconds.extend(parts.into_iter().skip(1));
    }
    for c in (0..=0x2FFFFu32)
        .filter_map(char::from_u32)
        .filter(|&c| is_nfkc_cut(c))
    {
        let mut first = None;
        decompose_compatible(c, |p| {
            first.get_or_insert(p);
        });
        for x in [c, first.unwrap()] {
            assert_eq!(canonical_combining_class(x), 0, "{c:?}");
            assert!(!seconds.contains(&x), "{c:?}");
        }
    }
}

/// `is_cjk` also holds half-width katakana, which search.js's list
/// leaves out: the tokenizers read NFKC text, where none is left.
#[test]
fn nfkc_leaves_no_half_width_katakana() {
    for c in ('\u{FF66}'..='\u{FF9F}').filter(|&c| is_cjk(c)) {
        let n: String = c.nfkc().collect();
        assert!(
            !n.chars().any(|d| ('\u{FF66}'..='\u{FF9F}').contains(&d)),
            "{c:?}"
        );
    }
}

#[test]
fn cjk_characters_have_no_lowercase() {
    for c in (0..=0x2FFFFu32)
        .filter_map(char::from_u32)
        .filter(|&c| is_cjk(c))
    {
        assert!(c.to_lowercase().eq(std::iter::once(c)), "{c:?}");
    }
}

#[test]
fn streaming_tokenizer_matches_reference() {
    let samples = [
        "上海のAI国際協力機関",
        "ＡＩガバナンス Ｈｅｌｌｏ　Ｗｏｒｌｄ！",
        "Stargate export controls tightened; policies, analysis, status",
        "AI協力とGlobal South 2025年、米 x",
        "İstanbul ΣΊΣΥΦΟΣ naïve café résumé ﬁnance Ⅻ ㍿ 𠮷野家",
        "한국어 검색 테스트 studies STUDIES processing passes",
    ];
    for s in samples {
        assert_eq!(tokenize(s), reference_tokenize(s), "{s:?}");
    }
}

proptest::proptest! {
    #[test]
    fn streaming_tokenizer_matches_reference_on_any_text(
        s in "[a-zA-ZİΣσς0-9 .,ーあ-ん上海米한국ＡＩａé\\u{0301}ﬁ𠮷]{0,40}"
    ) {
        proptest::prop_assert_eq!(tokenize(&s), reference_tokenize(&s));
    }

    /// Characters that normalization joins, splits or reorders, next
    /// to the characters where the tokenizer cuts the text for it.
    #[test]
    fn segmented_normalization_matches_reference(
        s in "[かカバ゚ﾞﾟｶﾊ（）Ａa\u{0301}\u{0327}\u{0300}e가\u{1161}\u{11A8}ᄀ、。ー上㈱ﬁ ]{0,40}"
    ) {
        proptest::prop_assert_eq!(tokenize(&s), reference_tokenize(&s));
    }

    #[test]
    fn streaming_tokenizer_matches_reference_on_random_chars(s in "\\PC{0,40}") {
        proptest::prop_assert_eq!(tokenize(&s), reference_tokenize(&s));
    }
}

#[test]
fn index_keys_short_and_long() {
    let long = "internationalizationally-long-token";
    let mut b = IndexBuilder::default();
    for _ in 0..2 {
        let mut terms = Terms::default();
        terms.push("上海", 8);
        terms.push(long, 40);
        b.add(CachedDoc::new(Doc {
            shown: Shown {
                title: "t",
                url: String::new(),
                date: String::new(),
                summary: String::new(),
                text: vec![(Part::Body, "b".into())],
            },
            terms,
        }));
    }
    assert_eq!(b.postings[long.as_bytes()], vec![31, 1 << WEIGHT_BITS | 31]);
    assert_eq!(
        b.pair_postings[&pair_key('上', '海')],
        vec![8, 1 << WEIGHT_BITS | 8]
    );
    let index = b.finish();
    // Two records end to end in one pack, each inflating to its JSON.
    assert_eq!(index.packs.len(), 1);
    let record = r#"["t","","","",[["b","b"]]]"#;
    let one = deflate(record.as_bytes());
    assert_eq!(index.packs[0], [one.clone(), one.clone()].concat());
    let mut text = String::new();
    std::io::Read::read_to_string(&mut flate2::read::DeflateDecoder::new(&one[..]), &mut text)
        .unwrap();
    assert_eq!(text, record);
    assert!(
        index
            .meta
            .ends_with(&format!(r#""packs":[2],"lens":[{0},{0}]}}"#, one.len())),
        "{}",
        index.meta
    );
    let all = index.shards.concat();
    assert!(all.contains(&format!("\"{long}\":[0,31,1,31]")), "{all}");
    assert!(all.contains("\"上海\":[0,8,1,8]"), "{all}");
}

#[test]
fn stemming() {
    assert_eq!(stem("policies"), "policy");
    assert_eq!(stem("controls"), "control");
    assert_eq!(stem("analysis"), "analysis");
    assert_eq!(stem("status"), "status");
    assert_eq!(stem("building"), "build");
}
