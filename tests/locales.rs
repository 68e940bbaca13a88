//! "Adding a locale needs no code": a copy of the repository's site gets two
//! more languages (Korean, left to right, and Arabic, right to left) through
//! book.toml, a partly translated Fluent file each and one article each. The
//! build must give them the right `lang`/`dir`, fall back to the default
//! language for the keys left out (with `missing-translation` warnings), list
//! them in the language switcher, and `brief status` must report the gaps.

use std::path::Path;

use assert_cmd::Command;
use scraper::{Html, Selector};

mod common;
use common::site_copy;

fn write(root: &Path, rel: &str, text: &str) {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

fn brief(sub: &str, root: &Path) -> Command {
    let mut c = Command::cargo_bin("brief").expect("binary");
    c.arg(sub).arg("--root").arg(root);
    c
}

fn page(root: &Path, rel: &str) -> Html {
    let path = root.join("public").join(rel);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    Html::parse_document(&text)
}

fn sel(s: &str) -> Selector {
    Selector::parse(s).expect("selector")
}

/// Keys translated into Korean; everything else falls back to Japanese.
const KO_FTL: &str = "\
# 한국어 인터페이스 문구 (일부만 번역됨)
site-title = 거버넌스 브리핑
date-format = { $year }년 { $month }월 { $day }일
nav-latest = 최신
language-switcher = 언어
key-points = 핵심 요약
references = 참고 문헌
reading-time = 약 { $minutes }분
language-name-ja = 일본어
language-name-en = 영어
language-name-ko = 한국어
";

/// Keys translated into Arabic.
const AR_FTL: &str = "\
# نصوص الواجهة بالعربية (ترجمة جزئية)
site-title = موجزات الحوكمة
nav-latest = الأحدث
language-switcher = اللغة
key-points = النقاط الرئيسية
references = المراجع
";

/// Keys of the default locale left out of both files above.
const LEFT_OUT: &[&str] = &[
    "skip-to-content",
    "nav-sources",
    "ai-notice-generated",
    "notes",
];

const KO_ARTICLE: &str = r#"---
title: "상하이시, AI 스타트업에 10억 위안 규모 바우처 지원"
date: 2025-09-02
summary: "상하이시가 연산 자원, 외부 모델 이용, 학습 데이터 비용을 보조하는 약 10억 위안 규모의 제도를 내놓았다."
key_points:
  - "연산 바우처 6억 위안, 모델 바우처 3억 위안, 말뭉치 바우처 1억 위안으로 구성된다."
  - "다른 도시들도 비슷한 제도를 운영하고 있어 보조금 경쟁이 우려된다."
topics: [startups, compute]
regions: [shanghai, cn]
ai_generated: true
citations:
  - id: "1"
    title: "Shanghai expands AI application by subsidizing computing power, LLMs and more"
    publisher: "Shanghai Municipal People's Government"
    url: "https://english.shanghai.gov.cn/en-PolicyInsights/20250801/3d7c9a5e41b24f06a8e1c2b7d9f0a4e6.html"
    published: 2025-08-01
---

## 세 가지 바우처

상하이시는 2025년 7월 말 인공지능 활용을 넓히기 위한 조치를 발표하고, 약 10억 위안의 보조금을 마련했다[1]. 연산 자원 임차 비용, 외부 대규모 언어 모델 이용료, 학습 데이터 구입비의 일부를 지원하는 방식이다.

## 도시 간 경쟁

항저우, 베이징, 선전도 비슷한 지원책을 두고 있어, 같은 기업을 두고 도시들이 경쟁하는 구도가 짙어지고 있다.
"#;

const AR_ARTICLE: &str = r#"---
title: "ورشة إقليمية حول شفافية أنظمة الذكاء الاصطناعي في القطاع العام"
date: 2025-10-01
summary: "ناقش مسؤولون من عدة حكومات كيفية نشر تقييمات المخاطر قبل شراء أنظمة الذكاء الاصطناعي."
key_points:
  - "اتفق المشاركون على أهمية نشر ملخص لتقييم المخاطر قبل التشغيل."
  - "بقيت مسألة حماية الأسرار التجارية للموردين دون حل."
topics: [ai-governance]
regions: [global]
---

## ما الذي نوقش

ركزت الورشة على سؤال واحد: ما الذي يجب أن تعرفه العامة عن نظام ذكاء اصطناعي قبل أن تستخدمه جهة حكومية؟ رأى معظم المشاركين أن ملخصاً قصيراً لتقييم المخاطر يكفي كبداية.

## ما الذي بقي مفتوحاً

لم يتفق المشاركون على حدود الإفصاح عندما يعتمد النظام على نموذج يملكه مورد خارجي.
"#;

#[test]
fn adding_a_locale_needs_no_code() {
    let site = site_copy();
    let root = site.path();
    let mut toml = std::fs::read_to_string(root.join("book.toml")).unwrap();
    toml.push_str("\n[languages.ko]\nname = \"한국어\"\n\n[languages.ar]\nname = \"العربية\"\n");
    std::fs::write(root.join("book.toml"), toml).unwrap();
    write(root, "locales/ko/main.ftl", KO_FTL);
    write(root, "locales/ar/main.ftl", AR_FTL);
    // A translation of a sample article, by file name, and an article of its own.
    write(
        root,
        "content/ko/shanghai-ai-compute-subsidy.md",
        KO_ARTICLE,
    );
    write(
        root,
        "content/ar/public-sector-ai-transparency.md",
        AR_ARTICLE,
    );

    let out = brief("build", root).assert().success().get_output().clone();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(stderr.contains("missing-translation"), "{stderr}");
    for key in LEFT_OUT {
        for lang in ["ko", "ar"] {
            let msg = format!("message `{key}` is missing in locale `{lang}`; using `ja`");
            assert!(stderr.contains(&msg), "no warning `{msg}` in:\n{stderr}");
        }
    }
    // A language the locale does not name: a warning, and its own name.
    assert!(
        stderr.contains("locale `ko` has no name for language `ar`; showing `العربية`"),
        "{stderr}"
    );
    assert!(!stderr.contains("locale `ko` has no name for language `en`"));
    assert!(!stderr.contains("locale `ja` has no name for language"));
    // Translated keys are not reported.
    assert!(!stderr.contains("message `nav-latest` is missing in locale `ko`"));

    // lang and dir.
    let ko = page(root, "ko/shanghai-ai-compute-subsidy/index.html");
    let html = ko.select(&sel("html")).next().unwrap();
    assert_eq!(html.value().attr("lang"), Some("ko"));
    assert_eq!(html.value().attr("dir"), Some("ltr"));
    let ar = page(root, "ar/public-sector-ai-transparency/index.html");
    let html = ar.select(&sel("html")).next().unwrap();
    assert_eq!(html.value().attr("lang"), Some("ar"));
    assert_eq!(html.value().attr("dir"), Some("rtl"));

    // Translated keys are used; the others fall back to the Japanese text.
    let ko_text = ko.root_element().text().collect::<String>();
    assert!(ko_text.contains("핵심 요약"), "the Korean key-points label");
    assert!(ko_text.contains("2025년 9월 2일"), "the Korean date format");
    let skip: String = ko
        .select(&sel("a.skip-link"))
        .next()
        .unwrap()
        .text()
        .collect();
    assert_eq!(
        skip.trim(),
        "本文へ移動",
        "skip-to-content falls back to ja"
    );
    let ar_text = ar.root_element().text().collect::<String>();
    assert!(ar_text.contains("النقاط الرئيسية"));
    let skip: String = ar
        .select(&sel("a.skip-link"))
        .next()
        .unwrap()
        .text()
        .collect();
    assert_eq!(skip.trim(), "本文へ移動");

    // The switcher on a Japanese article: Korean linked, Arabic unavailable.
    let ja = page(root, "ja/shanghai-ai-compute-subsidy/index.html");
    let switcher = ja
        .select(&sel("nav.lang-switcher"))
        .next()
        .expect("switcher");
    let ko_link = switcher
        .select(&sel("a[hreflang=\"ko\"]"))
        .next()
        .expect("a link to the Korean translation");
    assert_eq!(ko_link.text().collect::<String>().trim(), "한국어");
    assert!(ko_link
        .value()
        .attr("href")
        .unwrap()
        .ends_with("/ko/shanghai-ai-compute-subsidy/"));
    let ar_item = switcher
        .select(&sel(".unavailable [lang=\"ar\"]"))
        .next()
        .expect("Arabic listed as unavailable");
    assert!(ar_item.text().collect::<String>().contains("العربية"));
    assert!(switcher.select(&sel("a[hreflang=\"ar\"]")).next().is_none());
    // On the Korean page, Japanese is named in Korean (the link's title)
    // and shown in its own name.
    let ko_switch = ko.select(&sel("nav.lang-switcher")).next().unwrap();
    let ja_link = ko_switch.select(&sel("a[hreflang=\"ja\"]")).next().unwrap();
    assert_eq!(ja_link.value().attr("title"), Some("일본어"));
    assert_eq!(ja_link.text().collect::<String>(), "日本語");
    let ar_switch = ar.select(&sel("nav.lang-switcher")).next().unwrap();
    assert!(ar_switch
        .select(&sel(".current[lang=\"ar\"][dir=\"rtl\"]"))
        .next()
        .is_some());

    // brief status reports the missing keys.
    let out = brief("status", root)
        .args(["--format", "json"])
        .assert()
        .success()
        .get_output()
        .clone();
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(
        json["languages"],
        serde_json::json!(["ar", "en", "ja", "ko"])
    );
    for lang in ["ko", "ar"] {
        let missing: Vec<&str> = json["locales"][lang]["missing_keys"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap())
            .collect();
        for key in LEFT_OUT {
            assert!(missing.contains(key), "{lang} lacks {key}: {missing:?}");
        }
        assert!(!missing.contains(&"site-title"));
        let mut sorted = missing.clone();
        sorted.sort();
        assert_eq!(missing, sorted, "sorted");
    }
    assert!(json["locales"]["ko"]["missing_terms"]
        .as_array()
        .unwrap()
        .contains(&serde_json::json!("topic-startups")));
    assert_eq!(json["locales"]["ja"]["missing_keys"], serde_json::json!([]));
    // Language names: Korean names all but Arabic, Arabic none.
    assert_eq!(
        json["locales"]["ko"]["missing_language_names"],
        serde_json::json!(["ar"])
    );
    assert_eq!(
        json["locales"]["ar"]["missing_language_names"],
        serde_json::json!(["ar", "en", "ja", "ko"])
    );
    assert_eq!(
        json["locales"]["ja"]["missing_language_names"],
        serde_json::json!([])
    );
    let row = json["articles"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["key"] == "shanghai-ai-compute-subsidy")
        .unwrap();
    // No source_revision: nothing tells whether it matches the source.
    assert_eq!(row["files"]["ko"]["status"], "unknown");
    assert_eq!(row["files"]["ar"]["status"], "missing");

    let out = brief("status", root)
        .assert()
        .success()
        .get_output()
        .clone();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("ko: ") && text.contains("skip-to-content"),
        "{text}"
    );
    assert!(
        text.contains("warning: no language-name-<code> message for ar;"),
        "{text}"
    );
}
