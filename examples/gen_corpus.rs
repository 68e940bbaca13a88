//! Deterministic benchmark corpus generator for `brief`.
//!
//! Writes a bilingual (ja/en) site of synthetic governance briefings. The
//! output depends only on `--articles`, `--seed` and `--profile`, so it is
//! byte-identical across runs and machines. With `--hugo` an equivalent Hugo
//! site is written to `DIR/hugo/` for comparison benchmarks.
//!
//! Profiles (`--profile`, default `default`):
//!
//! - `default`: the corpus the benchmark used first (about 3,070 Japanese
//!   characters or 920 English words per article, 7 citations, 18–24
//!   citation markers, 40 topics and 30 regions).
//! - `rich`: the corpus of issue 17 (about 3,070 Japanese characters or 970
//!   English words, 7 citations with publisher, URL, publication and access
//!   dates, about 14 citation markers, 1.5 internal links, 1 in 10 with a code
//!   block, 25 topics and 15 regions: 40 terms in all).
//!
//! ```text
//! gen_corpus --articles N --out DIR [--seed S] [--profile default|rich] [--hugo]
//! cargo run --release --example gen_corpus -- --articles 5000 --out /tmp/corpus --hugo
//! ```
//!
//! Output layout:
//!
//! - `DIR/book.toml`
//! - `DIR/content/{ja,en}/<year>/article-NNNNN.md` (same file name = translation)
//! - with `--hugo`: `DIR/hugo/hugo.toml`, `DIR/hugo/content/{ja,en}/<year>/…`,
//!   `DIR/hugo/layouts/…` (configuration keys of Hugo 0.111, the Debian package;
//!   build with `hugo --source DIR/hugo`)
//!
//! Re-running into the same `DIR` replaces `DIR/content` and `DIR/hugo`, but
//! only if `DIR/book.toml` was written by this tool.

use std::borrow::Cow;
use std::fmt::{self, Write as _};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

const USAGE: &str =
    "usage: gen_corpus --articles N --out DIR [--seed S] [--profile default|rich] [--hugo]";

/// What a profile changes; see the module docs.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Profile {
    Default,
    Rich,
}

static PROFILE: std::sync::OnceLock<Profile> = std::sync::OnceLock::new();

fn profile() -> Profile {
    *PROFILE.get().unwrap_or(&Profile::Default)
}

/// Topics and regions an article may have (a prefix of each list).
fn topic_count() -> usize {
    match profile() {
        Profile::Default => TOPICS.len(),
        Profile::Rich => 25,
    }
}

fn region_count() -> usize {
    match profile() {
        Profile::Default => REGIONS.len(),
        Profile::Rich => 15,
    }
}

/// Percentage of sentences followed by citation markers.
fn marker_percent() -> usize {
    match profile() {
        Profile::Default => 30,
        Profile::Rich => 19,
    }
}
const DEFAULT_SEED: u64 = 0x5EED_B21E_F000_0001;
const SITE_TITLE: &str = "Benchmark Briefings";
const FIRST_YEAR: i32 = 2020;
const LAST_YEAR: i32 = 2025;
const POOL_SIZE: usize = 500;
/// Stream ids used to derive independent PRNG streams from the seed.
const STREAM_META: u64 = 1;
const STREAM_POOL: u64 = 2;

// ---------------------------------------------------------------------------
// PRNG
// ---------------------------------------------------------------------------

/// `SplitMix64` finaliser, used both as the generator step and for seeding.
fn mix64(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// `SplitMix64` generator.
struct Rng(u64);

impl Rng {
    /// Independent stream for `(a, b)` derived from the global seed.
    fn stream(seed: u64, a: u64, b: u64) -> Self {
        Rng(mix64(
            mix64(mix64(seed) ^ a) ^ b.wrapping_mul(0x9E37_79B9_7F4A_7C15),
        ))
    }

    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        mix64(self.0)
    }

    /// Uniform in `0..n`; `n` must be non-zero.
    fn below(&mut self, n: usize) -> usize {
        ((u128::from(self.next_u64()) * n as u128) >> 64) as usize
    }

    /// Uniform in `lo..=hi`.
    fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below(hi - lo + 1)
    }

    /// True with probability `p` percent.
    fn percent(&mut self, p: usize) -> bool {
        self.below(100) < p
    }

    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())]
    }

    fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            items.swap(i, self.below(i + 1));
        }
    }
}

// ---------------------------------------------------------------------------
// Dates
// ---------------------------------------------------------------------------

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Date {
    year: i32,
    month: u32,
    day: u32,
}

impl Date {
    const fn ymd(year: i32, month: u32, day: u32) -> Self {
        Date { year, month, day }
    }

    /// Days since 1970-01-01 (proleptic Gregorian).
    fn to_days(self) -> i64 {
        let y = i64::from(self.year) - i64::from(self.month <= 2);
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let mp = (i64::from(self.month) + 9) % 12;
        let doy = (153 * mp + 2) / 5 + i64::from(self.day) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    fn from_days(days: i64) -> Self {
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
        Date { year, month, day }
    }

    fn minus_days(self, n: usize) -> Self {
        Date::from_days(self.to_days() - n as i64)
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

// ---------------------------------------------------------------------------
// Vocabulary
// ---------------------------------------------------------------------------

/// A slug with its Japanese and English display names.
#[derive(Clone, Copy)]
struct Term {
    slug: &'static str,
    ja: &'static str,
    en: &'static str,
}

const fn t(slug: &'static str, ja: &'static str, en: &'static str) -> Term {
    Term { slug, ja, en }
}

#[rustfmt::skip]
const TOPICS: &[Term] = &[
    t("ai-governance", "AIガバナンス", "AI governance"),
    t("export-controls", "輸出管理", "export controls"),
    t("semiconductors", "半導体", "semiconductors"),
    t("data-protection", "データ保護", "data protection"),
    t("cybersecurity", "サイバーセキュリティ", "cybersecurity"),
    t("platform-regulation", "プラットフォーム規制", "platform regulation"),
    t("competition-policy", "競争政策", "competition policy"),
    t("digital-trade", "デジタル貿易", "digital trade"),
    t("content-moderation", "コンテンツモデレーション", "content moderation"),
    t("online-safety", "オンライン安全", "online safety"),
    t("critical-minerals", "重要鉱物", "critical minerals"),
    t("supply-chains", "サプライチェーン", "supply chains"),
    t("quantum-computing", "量子コンピューティング", "quantum computing"),
    t("cloud-sovereignty", "クラウド主権", "cloud sovereignty"),
    t("telecom-5g", "5G通信", "5G telecoms"),
    t("space-policy", "宇宙政策", "space policy"),
    t("biotechnology", "バイオテクノロジー", "biotechnology"),
    t("climate-tech", "気候テック", "climate tech"),
    t("energy-transition", "エネルギー転換", "the energy transition"),
    t("sanctions", "経済制裁", "sanctions"),
    t("investment-screening", "投資審査", "investment screening"),
    t("standards-setting", "標準化", "standards setting"),
    t("open-source", "オープンソース", "open source"),
    t("algorithmic-accountability", "アルゴリズムの説明責任", "algorithmic accountability"),
    t("facial-recognition", "顔認識技術", "facial recognition"),
    t("autonomous-weapons", "自律型兵器", "autonomous weapons"),
    t("election-integrity", "選挙の公正性", "election integrity"),
    t("disinformation", "偽情報", "disinformation"),
    t("digital-currency", "デジタル通貨", "digital currencies"),
    t("fintech-regulation", "フィンテック規制", "fintech regulation"),
    t("cross-border-data", "越境データ流通", "cross-border data flows"),
    t("privacy-enhancing-tech", "プライバシー強化技術", "privacy-enhancing technologies"),
    t("child-online-protection", "子どものオンライン保護", "child online protection"),
    t("ai-copyright", "AIと著作権", "AI and copyright"),
    t("compute-governance", "計算資源ガバナンス", "compute governance"),
    t("frontier-models", "フロンティアモデル", "frontier models"),
    t("ai-safety", "AI安全性", "AI safety"),
    t("labor-automation", "労働の自動化", "labour automation"),
    t("digital-identity", "デジタルID", "digital identity"),
    t("smart-cities", "スマートシティ", "smart cities"),
];

#[rustfmt::skip]
const REGIONS: &[Term] = &[
    t("cn", "中国", "China"),
    t("us", "米国", "the United States"),
    t("eu", "EU", "the European Union"),
    t("jp", "日本", "Japan"),
    t("in", "インド", "India"),
    t("kr", "韓国", "South Korea"),
    t("tw", "台湾", "Taiwan"),
    t("uk", "英国", "the United Kingdom"),
    t("de", "ドイツ", "Germany"),
    t("fr", "フランス", "France"),
    t("sg", "シンガポール", "Singapore"),
    t("au", "オーストラリア", "Australia"),
    t("ca", "カナダ", "Canada"),
    t("br", "ブラジル", "Brazil"),
    t("id", "インドネシア", "Indonesia"),
    t("vn", "ベトナム", "Vietnam"),
    t("th", "タイ", "Thailand"),
    t("my", "マレーシア", "Malaysia"),
    t("ph", "フィリピン", "the Philippines"),
    t("sa", "サウジアラビア", "Saudi Arabia"),
    t("ae", "アラブ首長国連邦", "the United Arab Emirates"),
    t("il", "イスラエル", "Israel"),
    t("tr", "トルコ", "Türkiye"),
    t("ru", "ロシア", "Russia"),
    t("za", "南アフリカ", "South Africa"),
    t("ng", "ナイジェリア", "Nigeria"),
    t("ke", "ケニア", "Kenya"),
    t("mx", "メキシコ", "Mexico"),
    t("ch", "スイス", "Switzerland"),
    t("nl", "オランダ", "the Netherlands"),
];

/// Document types used in citation titles and URLs (slug, ja, en).
#[rustfmt::skip]
const DOC_TYPES: &[Term] = &[
    t("guidelines", "ガイドライン", "Guidelines"),
    t("consultation", "意見募集資料", "Consultation paper"),
    t("annual-report", "年次報告書", "Annual report"),
    t("policy-brief", "政策提言", "Policy brief"),
    t("fact-sheet", "ファクトシート", "Fact sheet"),
    t("press-release", "報道発表", "Press release"),
    t("working-paper", "ワーキングペーパー", "Working paper"),
    t("impact-assessment", "影響評価", "Regulatory impact assessment"),
    t("roadmap", "実施ロードマップ", "Implementation roadmap"),
    t("statement", "声明", "Joint statement"),
    t("interim-report", "中間とりまとめ", "Interim report"),
    t("white-paper", "白書", "White paper"),
];

/// Publisher name, domain, and whether its titles are in Japanese.
#[rustfmt::skip]
const PUBLISHERS: &[(&str, &str, bool)] = &[
    ("European Commission", "commission.europa.eu", false),
    ("European Parliament", "europarl.europa.eu", false),
    ("U.S. Department of Commerce", "commerce.gov", false),
    ("Bureau of Industry and Security", "bis.gov", false),
    ("The White House", "whitehouse.gov", false),
    ("NIST", "nist.gov", false),
    ("OECD", "oecd.org", false),
    ("WTO", "wto.org", false),
    ("UNESCO", "unesco.org", false),
    ("Council of Europe", "coe.int", false),
    ("World Economic Forum", "weforum.org", false),
    ("Reuters", "reuters.com", false),
    ("Financial Times", "ft.com", false),
    ("Bloomberg", "bloomberg.com", false),
    ("The Economist", "economist.com", false),
    ("Nikkei Asia", "asia.nikkei.com", false),
    ("Politico Europe", "politico.eu", false),
    ("South China Morning Post", "scmp.com", false),
    ("Cyberspace Administration of China", "cac.gov.cn", false),
    ("Ministry of Industry and Information Technology", "miit.gov.cn", false),
    ("Brookings Institution", "brookings.edu", false),
    ("CSIS", "csis.org", false),
    ("Carnegie Endowment for International Peace", "carnegieendowment.org", false),
    ("RAND Corporation", "rand.org", false),
    ("MERICS", "merics.org", false),
    ("Stanford HAI", "hai.stanford.edu", false),
    ("UK Department for Science, Innovation and Technology", "gov.uk", false),
    ("Ministry of Electronics and IT, India", "meity.gov.in", false),
    ("Korea Communications Commission", "kcc.go.kr", false),
    ("Infocomm Media Development Authority", "imda.gov.sg", false),
    ("Semiconductor Industry Association", "semiconductors.org", false),
    ("IEEE Spectrum", "spectrum.ieee.org", false),
    ("ISO", "iso.org", false),
    ("経済産業省", "meti.go.jp", true),
    ("総務省", "soumu.go.jp", true),
    ("内閣府", "cao.go.jp", true),
    ("個人情報保護委員会", "ppc.go.jp", true),
    ("情報処理推進機構", "ipa.go.jp", true),
    ("日本貿易振興機構", "jetro.go.jp", true),
    ("日本経済新聞", "nikkei.com", true),
    // Chinese publishers keep their own names in English briefings too, so
    // an English page may hold 上海 only in its references (search bench).
    ("上海市人民政府", "shanghai.gov.cn", true),
    ("上海市经济和信息化委员会", "sheitc.sh.gov.cn", true),
];

const URL_SECTIONS: &[&str] = &[
    "news",
    "publications",
    "policy",
    "docs",
    "en/press",
    "research",
];

/// Section headings as (ja, en) pairs: opening, middle, closing.
const HEAD_FIRST: &[(&str, &str)] = &[
    ("背景", "Background"),
    ("概要と背景", "Overview"),
    ("問題の所在", "Context"),
];
const HEAD_MID: &[(&str, &str)] = &[
    ("主要な動向", "Key developments"),
    ("各国の対応", "National responses"),
    ("規制の枠組み", "Regulatory framework"),
    ("産業への影響", "Impact on industry"),
    ("論点と課題", "Open questions"),
    ("国際協調の動き", "International coordination"),
    ("技術的な論点", "Technical issues"),
    ("市場の反応", "Market reaction"),
    ("日本への示唆", "Implications for Japan"),
];
const HEAD_LAST: &[(&str, &str)] = &[
    ("今後の見通し", "Outlook"),
    ("展望", "What to watch"),
    ("結論と今後の課題", "Conclusion"),
];

const SUBJ_JA: &[&str] = &[
    "欧州委員会",
    "米商務省",
    "経済産業省",
    "総務省",
    "中国の規制当局",
    "各国の競争当局",
    "主要な半導体メーカー",
    "大手クラウド事業者",
    "OECD",
    "G7の閣僚会合",
    "国連の専門家パネル",
    "業界団体",
    "市民社会団体",
    "複数の研究機関",
    "国際標準化機構（ISO）",
    "日本政府",
    "英国のAI安全研究所",
    "米議会の超党派グループ",
    "内閣府の有識者会議",
    "主要なAI開発企業",
    "上海市政府",
];
const OBJ_JA: &[&str] = &[
    "生成AIの安全性評価",
    "先端半導体の輸出管理",
    "越境データ移転の枠組み",
    "重要鉱物のサプライチェーン",
    "基盤モデルの透明性要件",
    "AIによる著作物の学習利用",
    "クラウドサービスの相互運用性",
    "個人データの域外移転",
    "サイバー攻撃への共同対処",
    "量子技術の研究開発投資",
    "デジタルプラットフォームの競争環境",
    "偽情報対策の実効性",
    "高リスクAIシステムの適合性評価",
    "データセンターの電力需要",
];
const PRED_JA: &[&str] = &[
    "に関する新たな指針を公表した",
    "の見直しに向けた意見募集を開始した",
    "を強化する方針を明らかにした",
    "について包括的な報告書をまとめた",
    "に関する規則案を提出した",
    "を巡る協議を継続している",
    "の実施状況を検証している",
    "に対する懸念を表明した",
    "を優先課題に位置付けた",
    "の対象範囲を拡大した",
    "に関する作業部会を新設した",
];
const OPENER_JA: &[&str] = &[
    "",
    "",
    "",
    "一方、",
    "また、",
    "さらに、",
    "これに対し、",
    "専門家の間では、",
    "業界関係者によると、",
    "こうした中、",
    "結果として、",
];
const ACTION_JA: &[&str] = &[
    "自主的な情報開示",
    "リスク評価の実施",
    "供給網の点検",
    "第三者監査の受け入れ",
    "インシデント報告体制の整備",
];
const ADJ_JA: &[&str] = &[
    "喫緊の",
    "構造的な",
    "長期的な",
    "国際的な",
    "技術的に複雑な",
];
const INDUSTRY_JA: &[&str] = &[
    "国内の製造業",
    "スタートアップ企業",
    "通信事業者",
    "金融機関",
    "自動車メーカー",
    "電子部品メーカー",
];
const QUOTE_JA: &[&str] = &[
    "AIの恩恵とリスクの均衡を図る必要がある",
    "透明性の確保が信頼の前提となる",
    "国際的な相互運用性を重視したい",
    "規制の予見可能性を高めることが重要だ",
    "同盟国との連携なしに実効性は確保できない",
];

const SUBJ_EN: &[&str] = &[
    "the European Commission",
    "the U.S. Commerce Department",
    "Japan's Ministry of Economy, Trade and Industry",
    "Chinese regulators",
    "competition authorities",
    "leading chipmakers",
    "major cloud providers",
    "the OECD",
    "G7 ministers",
    "a UN advisory body",
    "industry associations",
    "civil society groups",
    "several research institutes",
    "standards bodies",
    "the UK AI Security Institute",
    "a bipartisan group in Congress",
    "frontier AI developers",
    "the Shanghai municipal government",
];
const OBJ_EN: &[&str] = &[
    "safety evaluations for generative AI",
    "export controls on advanced semiconductors",
    "frameworks for cross-border data transfers",
    "critical mineral supply chains",
    "transparency requirements for foundation models",
    "the use of copyrighted works in AI training",
    "cloud interoperability",
    "joint responses to cyber incidents",
    "public investment in quantum research",
    "competition in digital platform markets",
    "measures against disinformation",
    "conformity assessments for high-risk AI systems",
    "the power demand of data centres",
];
const VERB_EN: &[&str] = &[
    "published new guidance on",
    "opened a public consultation on",
    "signalled a tougher stance on",
    "released a comprehensive report on",
    "tabled draft rules on",
    "continued negotiations over",
    "began reviewing the implementation of",
    "raised concerns about",
    "made a top priority of",
    "widened the scope of",
    "set up a working group on",
];
const TAIL_EN: &[&str] = &[
    "",
    "",
    "",
    ", citing the need for greater legal certainty",
    ", according to officials familiar with the matter",
    " amid growing pressure from industry",
    ", a move that could reshape investment decisions",
    " after months of consultation with stakeholders",
    " despite objections from smaller member states",
];
const OPENER_EN: &[&str] = &[
    "",
    "",
    "",
    "Meanwhile, ",
    "In addition, ",
    "By contrast, ",
    "According to analysts, ",
    "Against this backdrop, ",
    "As a result, ",
];
const ACTION_EN: &[&str] = &[
    "disclose more information voluntarily",
    "carry out regular risk assessments",
    "review their supply chains",
    "accept third-party audits",
    "set up incident reporting procedures",
];
const ADJ_EN: &[&str] = &[
    "pressing",
    "structural",
    "long-term",
    "cross-border",
    "technically complex",
];
const INDUSTRY_EN: &[&str] = &[
    "domestic manufacturers",
    "start-ups",
    "telecom operators",
    "financial institutions",
    "carmakers",
    "component suppliers",
];
const QUOTE_EN: &[&str] = &[
    "We need to balance the benefits of AI against its risks",
    "Transparency is the precondition for trust",
    "Interoperability with our partners is essential",
    "Predictable rules matter more than strict ones",
    "Without allies on board, enforcement will not work",
];
const SPEAKER_EN: &[&str] = &[
    "one official involved in the talks",
    "a senior policy adviser",
    "an industry representative",
    "a researcher who follows the issue",
];
const MONTH_EN: &[&str] = &[
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

// ---------------------------------------------------------------------------
// Corpus model
// ---------------------------------------------------------------------------

#[derive(Clone)]
struct Source {
    title: String,
    publisher: &'static str,
    url: String,
    published: Date,
}

struct Citation<'p> {
    id: u8,
    source: Cow<'p, Source>,
}

#[derive(Clone, Copy)]
enum CodeKind {
    Json,
    Toml,
}

/// Language-independent description of one article (shared by translations).
struct Article<'p> {
    index: usize,
    date: Date,
    topics: [usize; 3],
    regions: [usize; 2],
    ai_generated: bool,
    citations: Vec<Citation<'p>>,
    /// Section headings as (ja, en) pairs; 4–6 entries.
    headings: Vec<(&'static str, &'static str)>,
    /// (target article index, section it appears in).
    links: Vec<(usize, usize)>,
    footnote_section: usize,
    code: Option<(CodeKind, usize)>,
}

impl Article<'_> {
    fn slug(&self) -> Slug {
        Slug(self.index)
    }
}

/// Displays as `article-NNNNN`.
#[derive(Clone, Copy)]
struct Slug(usize);

impl fmt::Display for Slug {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "article-{:05}", self.0)
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Lang {
    Ja,
    En,
}

impl Lang {
    const ALL: [Lang; 2] = [Lang::Ja, Lang::En];

    fn code(self) -> &'static str {
        match self {
            Lang::Ja => "ja",
            Lang::En => "en",
        }
    }

    fn pair(self, pair: (&'static str, &'static str)) -> &'static str {
        match self {
            Lang::Ja => pair.0,
            Lang::En => pair.1,
        }
    }

    /// Body size target: characters for Japanese, words for English.
    fn body_target(self) -> usize {
        match self {
            Lang::Ja => 3000,
            Lang::En if profile() == Profile::Rich => 970,
            Lang::En => 900,
        }
    }

    /// Size of a generated sentence in the unit of [`Lang::body_target`].
    fn units(self, sentence: &str) -> usize {
        match self {
            Lang::Ja => sentence.chars().count(),
            Lang::En => sentence.split_ascii_whitespace().count(),
        }
    }
}

/// Shared source pool: several articles cite the same url+title.
fn build_pool(seed: u64) -> Vec<Source> {
    let mut rng = Rng::stream(seed, STREAM_POOL, 0);
    let start = Date::ymd(2018, 1, 1).to_days();
    let span = (Date::ymd(2025, 6, 30).to_days() - start) as usize;
    (0..POOL_SIZE)
        .map(|i| {
            let published = Date::from_days(start + rng.below(span) as i64);
            make_source(&mut rng, published, format_args!("p{i:03}"))
        })
        .collect()
}

fn make_source(rng: &mut Rng, published: Date, tag: fmt::Arguments<'_>) -> Source {
    let (publisher, domain, japanese) = rng.pick(PUBLISHERS);
    let topic = rng.pick(TOPICS);
    let doc = rng.pick(DOC_TYPES);
    let mut title = String::new();
    if japanese {
        let _ = write!(title, "{}に関する{}", topic.ja, doc.ja);
        if rng.percent(40) {
            let _ = write!(title, "（{}年度版）", published.year);
        }
    } else {
        let _ = write!(title, "{} on {}", doc.en, topic.en);
        if rng.percent(40) {
            let region = rng.pick(REGIONS);
            title.push_str(": the case of ");
            title.push_str(region.en);
        }
    }
    let url = format!(
        "https://{domain}/{}/{}/{}-{}-{tag}",
        rng.pick(URL_SECTIONS),
        published.year,
        topic.slug,
        doc.slug
    );
    Source {
        title,
        publisher,
        url,
        published,
    }
}

/// Picks `k` distinct indices from `0..n` (`k <= n`).
fn distinct<const K: usize>(rng: &mut Rng, n: usize) -> [usize; K] {
    let mut out = [0; K];
    let mut len = 0;
    while len < K {
        let candidate = rng.below(n);
        if !out[..len].contains(&candidate) {
            out[len] = candidate;
            len += 1;
        }
    }
    out
}

fn build_articles(seed: u64, n: usize, pool: &[Source]) -> Vec<Article<'_>> {
    let start = Date::ymd(FIRST_YEAR, 1, 1).to_days();
    let span = (Date::ymd(LAST_YEAR, 12, 31).to_days() - start + 1) as usize;
    let slot = (span / n).max(1);
    (0..n)
        .map(|index| {
            let mut rng = Rng::stream(seed, STREAM_META, index as u64);
            // Dates increase with the index (like real archives) and cover all six years.
            let offset = (index * span / n + rng.below(slot)).min(span - 1);
            let date = Date::from_days(start + offset as i64);
            let topics = distinct::<3>(&mut rng, topic_count());
            let regions = distinct::<2>(&mut rng, region_count());
            let ai_generated = rng.percent(50);
            let citations = build_citations(&mut rng, index, date, pool);

            let sections = rng.range(4, 6);
            let mut mid: Vec<usize> = (0..HEAD_MID.len()).collect();
            rng.shuffle(&mut mid);
            let mut headings = Vec::with_capacity(sections);
            headings.push(rng.pick(HEAD_FIRST));
            headings.extend(mid[..sections - 2].iter().map(|&i| HEAD_MID[i]));
            headings.push(rng.pick(HEAD_LAST));

            let mut links = Vec::with_capacity(2);
            if n > 1 {
                // A recent article (often in the same year folder), plus sometimes a random one.
                let back = rng.range(1, 40.min(n - 1));
                let recent = if index >= back {
                    index - back
                } else {
                    index + back
                };
                links.push((recent.min(n - 1), rng.below(sections)));
                if n > 2 && rng.percent(50) {
                    let other = loop {
                        let j = rng.below(n);
                        if j != index && j != links[0].0 {
                            break j;
                        }
                    };
                    links.push((other, rng.below(sections)));
                }
            }
            let footnote_section = rng.below(sections);
            let code = rng.percent(10).then(|| {
                let kind = if rng.percent(50) {
                    CodeKind::Json
                } else {
                    CodeKind::Toml
                };
                (kind, rng.range(1, sections - 1))
            });
            Article {
                index,
                date,
                topics,
                regions,
                ai_generated,
                citations,
                headings,
                links,
                footnote_section,
                code,
            }
        })
        .collect()
}

fn build_citations<'p>(
    rng: &mut Rng,
    index: usize,
    date: Date,
    pool: &'p [Source],
) -> Vec<Citation<'p>> {
    let count = rng.range(6, 8);
    // Occasionally skip one id so the numbering has a gap (ids stay within 1..=8).
    let gap = (count < 8 && rng.percent(15)).then(|| rng.range(2, count));
    let mut used_pool: [usize; 8] = [usize::MAX; 8];
    let mut citations = Vec::with_capacity(count);
    for (k, id) in (1..=count + usize::from(gap.is_some()))
        .filter(|&id| Some(id) != gap)
        .enumerate()
    {
        let shared = rng.percent(30).then(|| {
            (0..8).find_map(|_| {
                let i = rng.below(pool.len());
                (pool[i].published <= date && !used_pool.contains(&i)).then_some(i)
            })
        });
        let source = match shared.flatten() {
            Some(i) => {
                used_pool[k] = i;
                Cow::Borrowed(&pool[i])
            }
            None => {
                let published = date.minus_days(rng.below(540));
                Cow::Owned(make_source(rng, published, format_args!("a{index:05}-{k}")))
            }
        };
        citations.push(Citation {
            id: id as u8,
            source,
        });
    }
    citations
}

// ---------------------------------------------------------------------------
// Text generation
// ---------------------------------------------------------------------------

/// Markdown output for `brief` and, optionally, the Hugo variant of the same text.
struct Out {
    md: String,
    hugo: String,
    with_hugo: bool,
}

impl Out {
    fn push(&mut self, s: &str) {
        self.md.push_str(s);
        if self.with_hugo {
            self.hugo.push_str(s);
        }
    }

    /// Formats into the `brief` output and mirrors the same text into the Hugo output.
    fn push_fmt(&mut self, args: fmt::Arguments<'_>) {
        let start = self.md.len();
        let _ = self.md.write_fmt(args);
        if self.with_hugo {
            self.hugo.push_str(&self.md[start..]);
        }
    }

    fn cite(&mut self, id: u8) {
        let _ = write!(self.md, "[{id}]");
        if self.with_hugo {
            let _ = write!(self.hugo, "[^c{id}]");
        }
    }

    /// Internal link: relative file path for `brief`, relative page URL for Hugo.
    fn link(&mut self, text: &str, from: &Article, to: &Article) {
        let _ = if from.date.year == to.date.year {
            write!(self.md, "[{text}]({}.md)", to.slug())
        } else {
            write!(self.md, "[{text}](../{}/{}.md)", to.date.year, to.slug())
        };
        if self.with_hugo {
            let _ = write!(self.hugo, "[{text}](../{}/)", to.slug());
        }
    }
}

/// Uppercases the first byte if it is an ASCII letter.
fn capitalize(s: &mut str) {
    if let Some(first) = s.get_mut(..1) {
        first.make_ascii_uppercase();
    }
}

fn topic_of(rng: &mut Rng, art: &Article) -> &'static Term {
    &TOPICS[rng.pick(&art.topics)]
}

fn region_of(rng: &mut Rng, art: &Article) -> &'static Term {
    &REGIONS[rng.pick(&art.regions)]
}

/// Number of sentence templates per language; `0..SVO` are the common
/// subject–verb–object form, which may repeat back to back.
const TEMPLATES: usize = 16;
const SVO: usize = 4;

/// Picks a template index different from `prev` (unless it is the common form).
fn pick_template(rng: &mut Rng, prev: usize) -> usize {
    loop {
        let t = rng.below(TEMPLATES);
        if t != prev || t < SVO {
            return t;
        }
    }
}

fn subject_ja(rng: &mut Rng, art: &Article, buf: &mut String) {
    let region = REGIONS[art.regions[0]].ja;
    match rng.below(6) {
        0 => {
            buf.push_str(region);
            buf.push_str("当局");
        }
        1 => {
            buf.push_str(region);
            buf.push_str("の規制当局");
        }
        _ => buf.push_str(rng.pick(SUBJ_JA)),
    }
}

fn object_ja(rng: &mut Rng, art: &Article, buf: &mut String) {
    match rng.below(6) {
        0 => {
            buf.push_str(topic_of(rng, art).ja);
            buf.push_str("をめぐる規制");
        }
        1 => {
            buf.push_str(topic_of(rng, art).ja);
            buf.push_str("の国際ルール");
        }
        2 => {
            let partner = REGIONS[art.regions[1]].ja;
            let _ = write!(buf, "{partner}との{}分野での協力", topic_of(rng, art).ja);
        }
        _ => buf.push_str(rng.pick(OBJ_JA)),
    }
}

/// One Japanese sentence without the final `。`; returns the template used.
fn sentence_ja(rng: &mut Rng, art: &Article, buf: &mut String, prev: usize) -> usize {
    let template = pick_template(rng, prev);
    let year = art.date.year;
    match template {
        0..SVO => {
            if rng.percent(15) {
                let _ = write!(buf, "{year}年{}月には、", rng.range(1, 12));
            } else {
                buf.push_str(rng.pick(OPENER_JA));
            }
            subject_ja(rng, art, buf);
            buf.push('は');
            object_ja(rng, art, buf);
            if rng.percent(10) {
                let _ = write!(buf, "に約{}億ドルを投じる計画を示した", rng.range(5, 900));
            } else {
                buf.push_str(rng.pick(PRED_JA));
            }
        }
        4 => {
            object_ja(rng, art, buf);
            let _ = write!(buf, "は{}課題であり、", rng.pick(ADJ_JA));
            subject_ja(rng, art, buf);
            buf.push_str("の対応が注目されている");
        }
        5 => {
            buf.push_str("この動きは");
            object_ja(rng, art, buf);
            let _ = write!(
                buf,
                "にも波及し、{}の事業計画に影響を与える可能性がある",
                rng.pick(INDUSTRY_JA)
            );
        }
        6 => {
            subject_ja(rng, art, buf);
            let _ = write!(buf, "の担当者は「{}」と述べた", rng.pick(QUOTE_JA));
        }
        7 => {
            let _ = write!(
                buf,
                "調査によれば、{}に関連する市場規模は{}年までに約{}兆円に達する見通しだ",
                topic_of(rng, art).ja,
                year + rng.range(2, 8) as i32,
                rng.range(2, 60)
            );
        }
        8 => {
            let (a, b) = (REGIONS[art.regions[0]].ja, REGIONS[art.regions[1]].ja);
            let _ = write!(
                buf,
                "{a}と{b}は{}について協力を深める覚書に署名した",
                rng.pick(OBJ_JA)
            );
        }
        9 => {
            buf.push_str("ただし、");
            object_ja(rng, art, buf);
            buf.push_str(
                "の定義は国や地域によって異なり、企業にとってはコンプライアンス負担が増している",
            );
        }
        10 => {
            subject_ja(rng, art, buf);
            let _ = write!(buf, "は{year}年{}月、", rng.range(1, 12));
            object_ja(rng, art, buf);
            let _ = write!(
                buf,
                "に関する報告書を公表し、{}に対して{}を求めた",
                rng.pick(INDUSTRY_JA),
                rng.pick(ACTION_JA)
            );
        }
        11 => {
            let (a, b) = (REGIONS[art.regions[0]].ja, REGIONS[art.regions[1]].ja);
            let _ = write!(
                buf,
                "{}の分野では{a}が先行しており、{b}がこれを追う構図となっている",
                topic_of(rng, art).ja
            );
        }
        12 => {
            buf.push_str("関係者の間では、");
            object_ja(rng, art, buf);
            let _ = write!(buf, "が{}年以降の焦点になるとの見方が強い", year + 1);
        }
        13 => {
            subject_ja(rng, art, buf);
            let _ = write!(
                buf,
                "によれば、{}関連の案件は前年比で約{}%増加した",
                topic_of(rng, art).ja,
                rng.range(3, 80)
            );
        }
        14 => {
            buf.push_str("背景には、");
            object_ja(rng, art, buf);
            buf.push_str("を巡る米中対立の長期化がある");
        }
        _ => {
            let _ = write!(buf, "特に{}にとっては、", rng.pick(INDUSTRY_JA));
            object_ja(rng, art, buf);
            buf.push_str("への対応が経営上の重要課題となりつつある");
        }
    }
    template
}

fn subject_en(rng: &mut Rng, art: &Article, buf: &mut String) {
    let region = REGIONS[art.regions[0]].en;
    match rng.below(6) {
        0 => {
            buf.push_str("authorities in ");
            buf.push_str(region);
        }
        1 => {
            buf.push_str("regulators in ");
            buf.push_str(region);
        }
        _ => buf.push_str(rng.pick(SUBJ_EN)),
    }
}

fn object_en(rng: &mut Rng, art: &Article, buf: &mut String) {
    match rng.below(6) {
        0 => {
            buf.push_str("the rules governing ");
            buf.push_str(topic_of(rng, art).en);
        }
        1 => {
            buf.push_str("international norms for ");
            buf.push_str(topic_of(rng, art).en);
        }
        2 => {
            let partner = REGIONS[art.regions[1]].en;
            let _ = write!(
                buf,
                "cooperation on {} with {partner}",
                topic_of(rng, art).en
            );
        }
        _ => buf.push_str(rng.pick(OBJ_EN)),
    }
}

/// One English sentence without the final `.`; returns the template used.
fn sentence_en(rng: &mut Rng, art: &Article, buf: &mut String, prev: usize) -> usize {
    let template = pick_template(rng, prev);
    let year = art.date.year;
    match template {
        0..SVO => {
            if rng.percent(15) {
                let _ = write!(buf, "In {} {year}, ", rng.pick(MONTH_EN));
            } else {
                buf.push_str(rng.pick(OPENER_EN));
            }
            subject_en(rng, art, buf);
            buf.push(' ');
            if rng.percent(10) {
                let _ = write!(buf, "earmarked about ${} billion for ", rng.range(1, 90));
            } else {
                buf.push_str(rng.pick(VERB_EN));
                buf.push(' ');
            }
            object_en(rng, art, buf);
            buf.push_str(rng.pick(TAIL_EN));
        }
        4 => {
            object_en(rng, art, buf);
            let _ = write!(
                buf,
                " remains a {} challenge, and observers are watching how ",
                rng.pick(ADJ_EN)
            );
            subject_en(rng, art, buf);
            buf.push_str(" will respond");
        }
        5 => {
            buf.push_str("The move is likely to spill over into ");
            object_en(rng, art, buf);
            let _ = write!(
                buf,
                " and could alter the investment plans of {}",
                rng.pick(INDUSTRY_EN)
            );
        }
        6 => {
            let _ = write!(
                buf,
                "\"{},\" said {}",
                rng.pick(QUOTE_EN),
                rng.pick(SPEAKER_EN)
            );
        }
        7 => {
            let _ = write!(
                buf,
                "Market estimates suggest that spending related to {} could reach about ${} billion by {}",
                topic_of(rng, art).en,
                rng.range(3, 400),
                year + rng.range(2, 8) as i32
            );
        }
        8 => {
            let (a, b) = (REGIONS[art.regions[0]].en, REGIONS[art.regions[1]].en);
            let _ = write!(
                buf,
                "{a} and {b} signed a memorandum to deepen cooperation on {}",
                rng.pick(OBJ_EN)
            );
        }
        9 => {
            buf.push_str("However, definitions of ");
            object_en(rng, art, buf);
            let _ = write!(
                buf,
                " differ across jurisdictions, adding to compliance costs for firms operating in {}",
                region_of(rng, art).en
            );
        }
        10 => {
            let _ = write!(
                buf,
                "In a report released in {} {year}, ",
                rng.pick(MONTH_EN)
            );
            subject_en(rng, art, buf);
            let _ = write!(
                buf,
                " urged {} to {}",
                rng.pick(INDUSTRY_EN),
                rng.pick(ACTION_EN)
            );
        }
        11 => {
            let (a, b) = (REGIONS[art.regions[0]].en, REGIONS[art.regions[1]].en);
            let _ = write!(
                buf,
                "In {}, {a} has moved first, with {b} trying to catch up",
                topic_of(rng, art).en
            );
        }
        12 => {
            buf.push_str("Many observers expect ");
            object_en(rng, art, buf);
            let _ = write!(buf, " to become a focal point after {year}");
        }
        13 => {
            buf.push_str("According to ");
            subject_en(rng, art, buf);
            let _ = write!(
                buf,
                ", the number of cases related to {} rose by about {}% year on year",
                topic_of(rng, art).en,
                rng.range(3, 80)
            );
        }
        14 => {
            buf.push_str(
                "The backdrop is a prolonged rivalry between Washington and Beijing over ",
            );
            object_en(rng, art, buf);
        }
        _ => {
            let _ = write!(
                buf,
                "For {} in particular, dealing with ",
                rng.pick(INDUSTRY_EN)
            );
            object_en(rng, art, buf);
            buf.push_str(" is becoming a board-level issue");
        }
    }
    capitalize(buf);
    template
}

fn sentence(lang: Lang, rng: &mut Rng, art: &Article, buf: &mut String, prev: usize) -> usize {
    match lang {
        Lang::Ja => sentence_ja(rng, art, buf, prev),
        Lang::En => sentence_en(rng, art, buf, prev),
    }
}

fn terminator(lang: Lang) -> &'static str {
    match lang {
        Lang::Ja => "。",
        Lang::En => ".",
    }
}

/// Per-language title, summary and key points.
#[derive(Default)]
struct Heads {
    title: String,
    summary: String,
    key_points: [String; 3],
}

impl Heads {
    fn fill(&mut self, lang: Lang, rng: &mut Rng, art: &Article) {
        let topic = &TOPICS[art.topics[0]];
        let (t2, t3) = (&TOPICS[art.topics[1]], &TOPICS[art.topics[2]]);
        let (r1, r2) = (&REGIONS[art.regions[0]], &REGIONS[art.regions[1]]);
        let year = art.date.year;
        self.title.clear();
        self.summary.clear();
        let _ = match (lang, rng.below(4)) {
            (Lang::Ja, 0) => write!(self.title, "{}の{}政策、新たな局面へ", r1.ja, topic.ja),
            (Lang::Ja, 1) => write!(self.title, "{}をめぐる{}と{}の攻防", topic.ja, r1.ja, r2.ja),
            (Lang::Ja, 2) => write!(self.title, "{year}年の{}：何が変わったか", topic.ja),
            (Lang::Ja, _) => write!(self.title, "{}、{}で規制強化へ", r1.ja, topic.ja),
            (Lang::En, 0) => write!(
                self.title,
                "{}'s {} policy enters a new phase",
                r1.en, topic.en
            ),
            (Lang::En, 1) => write!(
                self.title,
                "How {} and {} compete over {}",
                r1.en, r2.en, topic.en
            ),
            (Lang::En, 2) => write!(self.title, "{} in {year}: what changed", topic.en),
            (Lang::En, _) => write!(self.title, "{} tightens rules on {}", r1.en, topic.en),
        };
        capitalize(&mut self.title);
        let _ = match lang {
            Lang::Ja => write!(
                self.summary,
                "{}における{}の最新動向を整理し、{}と{}への影響を分析する。",
                r1.ja, topic.ja, t2.ja, t3.ja
            ),
            Lang::En => write!(
                self.summary,
                "An overview of recent {} developments in {} and their implications for {} and {}.",
                topic.en, r1.en, t2.en, t3.en
            ),
        };
        let mut prev = usize::MAX;
        for point in &mut self.key_points {
            point.clear();
            prev = sentence(lang, rng, art, point, prev);
            point.push_str(terminator(lang));
        }
    }
}

/// Writes a double-quoted YAML scalar.
fn push_yaml_str(buf: &mut String, s: &str) {
    buf.push('"');
    for c in s.chars() {
        if matches!(c, '"' | '\\') {
            buf.push('\\');
        }
        buf.push(c);
    }
    buf.push('"');
}

fn front_matter_brief(buf: &mut String, art: &Article, heads: &Heads) {
    buf.push_str("---\ntitle: ");
    push_yaml_str(buf, &heads.title);
    let _ = write!(buf, "\ndate: {}\nsummary: ", art.date);
    push_yaml_str(buf, &heads.summary);
    buf.push_str("\nkey_points:\n");
    for point in &heads.key_points {
        buf.push_str("  - ");
        push_yaml_str(buf, point);
        buf.push('\n');
    }
    buf.push_str("topics:\n");
    for &i in &art.topics {
        let _ = writeln!(buf, "  - {}", TOPICS[i].slug);
    }
    buf.push_str("regions:\n");
    for &i in &art.regions {
        let _ = writeln!(buf, "  - {}", REGIONS[i].slug);
    }
    let _ = writeln!(buf, "ai_generated: {}", art.ai_generated);
    buf.push_str("citations:\n");
    for c in &art.citations {
        let _ = write!(buf, "  - id: \"{}\"\n    title: ", c.id);
        push_yaml_str(buf, &c.source.title);
        buf.push_str("\n    publisher: ");
        push_yaml_str(buf, c.source.publisher);
        buf.push_str("\n    url: ");
        push_yaml_str(buf, &c.source.url);
        let _ = writeln!(buf, "\n    published: {}", c.source.published);
        if profile() == Profile::Rich {
            let _ = writeln!(buf, "    accessed: {}", art.date);
        }
    }
    buf.push_str("---\n\n");
}

fn front_matter_hugo(buf: &mut String, art: &Article, heads: &Heads) {
    buf.push_str("---\ntitle: ");
    push_yaml_str(buf, &heads.title);
    let _ = write!(
        buf,
        "\ndate: {}\nslug: \"{}\"\nsummary: ",
        art.date,
        art.slug()
    );
    push_yaml_str(buf, &heads.summary);
    buf.push_str("\ntopics:");
    for &i in &art.topics {
        let _ = write!(buf, "\n  - {}", TOPICS[i].slug);
    }
    buf.push_str("\nregions:");
    for &i in &art.regions {
        let _ = write!(buf, "\n  - {}", REGIONS[i].slug);
    }
    let _ = write!(buf, "\nai_generated: {}\nkey_points:", art.ai_generated);
    for point in &heads.key_points {
        buf.push_str("\n  - ");
        push_yaml_str(buf, point);
    }
    buf.push_str("\n---\n\n");
}

/// Streams one article body into `out`, tracking which citations still need a marker.
struct Body<'a, 'p> {
    out: &'a mut Out,
    rng: &'a mut Rng,
    lang: Lang,
    art: &'a Article<'p>,
    all: &'a [Article<'p>],
    scratch: &'a mut String,
    /// Citation ids not yet referenced in the body.
    pending: &'a mut Vec<u8>,
    /// Whether the current paragraph already has text (English needs a separating space).
    mid_paragraph: bool,
    /// Previous sentence template, to avoid immediate repeats.
    prev: usize,
}

impl Body<'_, '_> {
    fn write(mut self) {
        let lang = self.lang;
        // The lead paragraph and each section's last paragraph overshoot the
        // budget by ~10% on average, so aim a little low.
        let target = lang.body_target() * self.rng.range(84, 98) / 100;
        let per_section = target / (self.art.headings.len() + 1);
        self.pending.extend(self.art.citations.iter().map(|c| c.id));
        self.rng.shuffle(self.pending);

        // Lead paragraph.
        for _ in 0..2 {
            self.sentence();
        }
        self.end_paragraph();

        let last = self.art.headings.len() - 1;
        for (section, &heading) in self.art.headings.iter().enumerate() {
            self.out.push("## ");
            self.out.push(lang.pair(heading));
            self.out.push("\n\n");
            let mut used = 0;
            let mut first = true;
            while used < per_section {
                for _ in 0..self.rng.range(3, 5) {
                    used += self.sentence();
                    if first && section == self.art.footnote_section {
                        self.out.push("[^n1]");
                    }
                    first = false;
                }
                if used >= per_section {
                    self.links(section);
                    if section == last {
                        self.remaining_citations();
                    }
                }
                self.end_paragraph();
            }
            if let Some((kind, at)) = self.art.code {
                if at == section {
                    self.code_block(kind);
                }
            }
        }
        self.out.push(match lang {
            Lang::Ja => "[^n1]: 本稿の数値は公表資料に基づく概算であり、為替換算は執筆時点のレートによる。\n",
            Lang::En => {
                "[^n1]: Figures are approximate and based on public documents; currency conversions use rates at the time of writing.\n"
            }
        });
        if self.out.with_hugo {
            for c in &self.art.citations {
                let s = &c.source;
                let _ = write!(
                    self.out.hugo,
                    "\n[^c{}]: {}. {}, {}. <{}>\n",
                    c.id, s.title, s.publisher, s.published, s.url
                );
            }
        }
    }

    fn end_paragraph(&mut self) {
        self.out.push("\n\n");
        self.mid_paragraph = false;
    }

    /// Separates sentences: a space in English, nothing in Japanese.
    fn separate(&mut self) {
        if self.mid_paragraph && self.lang == Lang::En {
            self.out.push(" ");
        }
        self.mid_paragraph = true;
    }

    /// Emits one sentence (with optional citation markers); returns its size in body units.
    fn sentence(&mut self) -> usize {
        self.separate();
        self.scratch.clear();
        self.prev = sentence(self.lang, self.rng, self.art, self.scratch, self.prev);
        let units = self.lang.units(self.scratch);
        if self.lang == Lang::En {
            self.scratch.push('.');
        }
        self.out.push(self.scratch);
        self.markers();
        if self.lang == Lang::Ja {
            self.out.push("。");
        }
        units
    }

    fn random_id(&mut self) -> u8 {
        self.art.citations[self.rng.below(self.art.citations.len())].id
    }

    fn next_id(&mut self) -> u8 {
        match self.pending.pop() {
            Some(id) => id,
            None => self.random_id(),
        }
    }

    fn markers(&mut self) {
        if !self.rng.percent(marker_percent()) {
            return;
        }
        let first = self.next_id();
        if self.rng.percent(22) {
            let mut second = self.next_id();
            while second == first {
                second = self.random_id();
            }
            self.out.cite(first.min(second));
            self.out.cite(first.max(second));
        } else {
            self.out.cite(first);
        }
    }

    /// Closing sentence citing whatever has not been cited yet.
    fn remaining_citations(&mut self) {
        if self.pending.is_empty() {
            return;
        }
        self.pending.sort_unstable();
        self.separate();
        match self.lang {
            Lang::Ja => self
                .out
                .push("このほか、本稿の作成にあたっては関連資料も参照した"),
            Lang::En => self
                .out
                .push("This briefing also draws on additional source material."),
        }
        for &id in self.pending.iter() {
            self.out.cite(id);
        }
        self.pending.clear();
        if self.lang == Lang::Ja {
            self.out.push("。");
        }
    }

    fn links(&mut self, section: usize) {
        for &(target, at) in &self.art.links {
            if at != section {
                continue;
            }
            let to = &self.all[target];
            self.separate();
            match self.lang {
                Lang::Ja => {
                    self.out.push("経緯については");
                    self.out.link(
                        self.rng
                            .pick(&["前回の分析", "関連ブリーフィング", "関連する論考"]),
                        self.art,
                        to,
                    );
                    self.out.push("も参照されたい。");
                }
                Lang::En => {
                    self.out.push("For earlier context, see ");
                    self.out.link(
                        self.rng.pick(&[
                            "our previous analysis",
                            "a related briefing",
                            "this explainer",
                        ]),
                        self.art,
                        to,
                    );
                    self.out.push(".");
                }
            }
        }
    }

    fn code_block(&mut self, kind: CodeKind) {
        let art = self.art;
        let topic = TOPICS[art.topics[0]].slug;
        let region = REGIONS[art.regions[0]].slug;
        let review = self.rng.range(6, 36);
        let out = &mut *self.out;
        out.push(match self.lang {
            Lang::Ja => "参考として、関連する規制データの構造を以下に示す。\n\n",
            Lang::En => {
                "For reference, the structure of the related regulatory data is shown below.\n\n"
            }
        });
        match kind {
            CodeKind::Json => out.push_fmt(format_args!(
                "```json\n{{\n  \"instrument\": \"{topic}\",\n  \"jurisdiction\": \"{region}\",\n  \"effective\": \"{}\",\n  \"review_months\": {review},\n  \"status\": \"{}\"\n}}\n```\n\n",
                art.date,
                if art.ai_generated { "draft" } else { "in-force" }
            )),
            CodeKind::Toml => out.push_fmt(format_args!(
                "```toml\n[instrument]\ntopic = \"{topic}\"\njurisdiction = \"{region}\"\neffective = {}\nreview_months = {review}\n```\n\n",
                art.date
            )),
        }
    }
}

// ---------------------------------------------------------------------------
// Site files
// ---------------------------------------------------------------------------

fn book_toml() -> String {
    format!(
        r#"[site]
title = "{SITE_TITLE}"
base_url = "https://example.org/briefings"
default_language = "ja"
theme = "default"

[build]
output_dir = "public"

[languages.ja]
name = "日本語"
[languages.en]
name = "English"
"#
    )
}

fn hugo_toml() -> String {
    let mut s = format!(
        r#"baseURL = "https://example.org/briefings/"
title = "{SITE_TITLE}"
defaultContentLanguage = "ja"
defaultContentLanguageInSubdir = false
hasCJKLanguage = true
enableRobotsTXT = false

paginate = 20
rssLimit = 20

[taxonomies]
topic = "topics"
region = "regions"

[languages.ja]
contentDir = "content/ja"
languageName = "日本語"
languageCode = "ja-JP"
weight = 1

[languages.en]
contentDir = "content/en"
languageName = "English"
languageCode = "en-US"
weight = 2

[markup.tableOfContents]
startLevel = 2
endLevel = 3

[related]
includeNewer = true
threshold = 60
toLower = false

[[related.indices]]
name = "topics"
weight = 100

[[related.indices]]
name = "regions"
weight = 60

[[related.indices]]
name = "date"
weight = 10

# Year folders are sections; every article lives at /articles/<slug>/ so that
# internal links can be written as ../<slug>/.
[permalinks]
"#
    );
    for year in FIRST_YEAR..=LAST_YEAR {
        let _ = writeln!(s, "\"{year}\" = \"/articles/:slug/\"");
    }
    s
}

const HUGO_LAYOUTS: &[(&str, &str)] = &[
    (
        "_default/baseof.html",
        r#"<!DOCTYPE html>
<html lang="{{ site.Language.Lang }}">
{{- partial "head.html" . }}
<body class="kind-{{ .Kind }}">
{{- partial "header.html" . }}
<main id="content">
{{- block "main" . }}{{ end }}
</main>
{{- partial "footer.html" . }}
</body>
</html>
"#,
    ),
    (
        "_default/single.html",
        r#"{{ define "main" }}
<article class="briefing">
  <header>
    <h1>{{ .Title }}</h1>
    <p class="meta">
      <time datetime="{{ .Date.Format "2006-01-02" }}">{{ .Date | time.Format ":date_long" }}</time>
      · {{ .ReadingTime }} min · {{ .WordCount }} words
      {{- if .Params.ai_generated }} · <span class="badge">AI-assisted</span>{{ end }}
    </p>
    {{- with .Params.summary }}
    <p class="summary">{{ . }}</p>
    {{- end }}
    {{- with .Params.key_points }}
    <ul class="key-points">{{ range . }}<li>{{ . }}</li>{{ end }}</ul>
    {{- end }}
    <ul class="terms">
      {{- range .GetTerms "topics" }}<li class="topic"><a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a></li>{{ end }}
      {{- range .GetTerms "regions" }}<li class="region"><a href="{{ .RelPermalink }}">{{ .LinkTitle | upper }}</a></li>{{ end }}
    </ul>
  </header>
  {{- with .TableOfContents }}
  <nav class="toc">{{ . }}</nav>
  {{- end }}
  <div class="body">{{ .Content }}</div>
  {{- with .Translations }}
  <aside class="translations"><h2>Translations</h2><ul>
    {{- range . }}<li><a href="{{ .RelPermalink }}" hreflang="{{ .Language.Lang }}">{{ .Language.LanguageName }}: {{ .Title }}</a></li>{{ end }}
  </ul></aside>
  {{- end }}
  {{- with site.RegularPages.Related . | first 5 }}
  <aside class="related"><h2>Related</h2><ul>
    {{- range . }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a> <time>{{ .Date.Format "2006-01-02" }}</time></li>{{ end }}
  </ul></aside>
  {{- end }}
  <nav class="prev-next">
    {{- with .PrevInSection }}<a rel="prev" href="{{ .RelPermalink }}">← {{ .Title }}</a>{{ end }}
    {{- with .NextInSection }}<a rel="next" href="{{ .RelPermalink }}">{{ .Title }} →</a>{{ end }}
  </nav>
</article>
{{ end }}
"#,
    ),
    (
        "_default/list.html",
        r#"{{ define "main" }}
<h1>{{ if .IsHome }}{{ site.Title }}{{ else }}{{ .Title }}{{ end }}</h1>
{{ .Content }}
{{- $pages := .Pages }}
{{- if .IsHome }}{{ $pages = site.RegularPages }}{{ end }}
{{- $paginator := .Paginate $pages.ByDate.Reverse }}
{{- range $paginator.Pages }}
{{ partial "card.html" . }}
{{- end }}
{{ partial "pager.html" $paginator }}
{{ end }}
"#,
    ),
    (
        "_default/taxonomy.html",
        r#"{{ define "main" }}
<h1>{{ .Title }}</h1>
<ul class="terms">
{{- range .Data.Terms.ByCount }}
  <li><a href="{{ .Page.RelPermalink }}">{{ .Page.LinkTitle }}</a> <span class="count">{{ .Count }}</span>
    <ul>{{ range first 3 .Pages.ByDate.Reverse }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul>
  </li>
{{- end }}
</ul>
{{ end }}
"#,
    ),
    (
        "_default/term.html",
        r#"{{ define "main" }}
<h1>{{ .Title }}</h1>
<p>{{ len .Pages }} briefings</p>
{{- $paginator := .Paginate .Pages.ByDate.Reverse }}
{{- range $paginator.Pages.GroupByDate "2006" }}
<h2>{{ .Key }}</h2>
{{- range .Pages }}
{{ partial "card.html" . }}
{{- end }}
{{- end }}
{{ partial "pager.html" $paginator }}
{{ end }}
"#,
    ),
    (
        "partials/head.html",
        r#"<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>{{ if .IsHome }}{{ site.Title }}{{ else }}{{ .Title }} · {{ site.Title }}{{ end }}</title>
  <meta name="description" content="{{ with .Params.summary }}{{ . }}{{ else }}{{ site.Title }}{{ end }}">
  <link rel="canonical" href="{{ .Permalink }}">
  {{- range .AllTranslations }}
  <link rel="alternate" hreflang="{{ .Language.Lang }}" href="{{ .Permalink }}">
  {{- end }}
  {{- with .OutputFormats.Get "rss" }}
  <link rel="alternate" type="application/rss+xml" href="{{ .RelPermalink }}" title="{{ site.Title }}">
  {{- end }}
  {{- if .IsPage }}
  <meta property="og:type" content="article">
  <meta property="article:published_time" content="{{ .Date.Format "2006-01-02" }}">
  {{- range .Params.topics }}
  <meta property="article:tag" content="{{ . }}">
  {{- end }}
  {{- end }}
</head>
"#,
    ),
    (
        "partials/header.html",
        r#"<header class="site-header">
  <a class="brand" href="{{ site.Home.RelPermalink }}">{{ site.Title }}</a>
  <nav class="sections">
    {{- range site.Sections.ByTitle }}
    <a href="{{ .RelPermalink }}"{{ if $.IsDescendant . }} aria-current="true"{{ end }}>{{ .LinkTitle }}</a>
    {{- end }}
    {{- range $name, $_ := site.Taxonomies }}
    {{- with site.GetPage $name }}
    <a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a>
    {{- end }}
    {{- end }}
  </nav>
  <nav class="languages">
    {{- range .AllTranslations }}
    <a href="{{ .RelPermalink }}" hreflang="{{ .Language.Lang }}">{{ .Language.LanguageName }}</a>
    {{- end }}
  </nav>
</header>
"#,
    ),
    (
        "partials/footer.html",
        r#"<footer class="site-footer">
  <p>{{ len site.RegularPages }} briefings · {{ site.Language.LanguageName }}</p>
</footer>
"#,
    ),
    (
        "partials/card.html",
        r#"<article class="card">
  <h2><a href="{{ .RelPermalink }}">{{ .Title }}</a></h2>
  <p class="meta"><time datetime="{{ .Date.Format "2006-01-02" }}">{{ .Date.Format "2006-01-02" }}</time>
  {{- if .Params.ai_generated }} · <span class="badge">AI</span>{{ end }}</p>
  <p>{{ .Summary }}</p>
  {{- with .GetTerms "topics" }}
  <ul class="tags">{{ range . }}<li><a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a></li>{{ end }}</ul>
  {{- end }}
</article>
"#,
    ),
    (
        "partials/pager.html",
        r#"{{- if gt .TotalPages 1 }}
<nav class="pagination">
  {{- with .Prev }}<a rel="prev" href="{{ .URL }}">«</a>{{ end }}
  <span>{{ .PageNumber }} / {{ .TotalPages }}</span>
  {{- with .Next }}<a rel="next" href="{{ .URL }}">»</a>{{ end }}
</nav>
{{- end }}
"#,
    ),
];

// ---------------------------------------------------------------------------
// Driver
// ---------------------------------------------------------------------------

struct Args {
    articles: usize,
    out: PathBuf,
    seed: u64,
    hugo: bool,
    profile: Profile,
}

/// Parses the command line; `Ok(None)` means `--help` was requested.
fn parse_args() -> Result<Option<Args>, String> {
    let mut articles = None;
    let mut out = None;
    let mut seed = DEFAULT_SEED;
    let mut hugo = false;
    let mut profile = Profile::Default;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((flag, value)) if flag.starts_with("--") => {
                (flag.to_owned(), Some(value.to_owned()))
            }
            _ => (arg, None),
        };
        let mut value = |name: &str| {
            inline
                .clone()
                .or_else(|| args.next())
                .ok_or_else(|| format!("{name} needs a value\n{USAGE}"))
        };
        match flag.as_str() {
            "--articles" => {
                let v = value("--articles")?;
                let n: usize = v
                    .parse()
                    .map_err(|_| format!("--articles: expected a positive integer, got {v:?}"))?;
                if n == 0 {
                    return Err("--articles must be at least 1".into());
                }
                articles = Some(n);
            }
            "--out" => out = Some(PathBuf::from(value("--out")?)),
            "--seed" => {
                let v = value("--seed")?;
                seed = v
                    .parse()
                    .map_err(|_| format!("--seed: expected an unsigned integer, got {v:?}"))?;
            }
            "--hugo" => hugo = true,
            "--profile" => {
                profile = match value("--profile")?.as_str() {
                    "default" => Profile::Default,
                    "rich" => Profile::Rich,
                    other => {
                        return Err(format!(
                            "--profile: expected default or rich, got {other:?}"
                        ))
                    }
                }
            }
            "-h" | "--help" => return Ok(None),
            other => return Err(format!("unknown argument {other:?}\n{USAGE}")),
        }
    }
    Ok(Some(Args {
        articles: articles.ok_or_else(|| format!("--articles is required\n{USAGE}"))?,
        out: out.ok_or_else(|| format!("--out is required\n{USAGE}"))?,
        seed,
        hugo,
        profile,
    }))
}

#[derive(Default)]
struct Stats {
    files: usize,
    bytes: u64,
}

impl Stats {
    fn write(&mut self, path: &Path, data: &[u8]) -> Result<(), String> {
        fs::write(path, data).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        self.files += 1;
        self.bytes += data.len() as u64;
        Ok(())
    }
}

fn create_dir(path: &Path) -> Result<(), String> {
    fs::create_dir_all(path).map_err(|e| format!("cannot create {}: {e}", path.display()))
}

/// Removes previously generated trees, refusing to touch directories we did not create.
fn prepare_out_dir(out: &Path) -> Result<(), String> {
    let generated = ["content", "hugo"].map(|d| out.join(d));
    if !generated.iter().any(|d| d.exists()) {
        return create_dir(out);
    }
    let ours = fs::read_to_string(out.join("book.toml"))
        .is_ok_and(|s| s.contains(&format!("title = \"{SITE_TITLE}\"")));
    if !ours {
        return Err(format!(
            "{} already has content/ or hugo/ but no book.toml from gen_corpus; refusing to overwrite",
            out.display()
        ));
    }
    for dir in generated.iter().filter(|d| d.exists()) {
        fs::remove_dir_all(dir).map_err(|e| format!("cannot remove {}: {e}", dir.display()))?;
    }
    Ok(())
}

fn run(args: &Args) -> Result<Stats, String> {
    prepare_out_dir(&args.out)?;
    let mut stats = Stats::default();
    stats.write(&args.out.join("book.toml"), book_toml().as_bytes())?;

    let hugo_root = args.out.join("hugo");
    if args.hugo {
        create_dir(&hugo_root)?;
        stats.write(&hugo_root.join("hugo.toml"), hugo_toml().as_bytes())?;
        for (name, body) in HUGO_LAYOUTS {
            let path = hugo_root.join("layouts").join(name);
            if let Some(parent) = path.parent() {
                create_dir(parent)?;
            }
            stats.write(&path, body.as_bytes())?;
        }
    }

    let pool = build_pool(args.seed);
    let articles = build_articles(args.seed, args.articles, &pool);
    let roots: Vec<PathBuf> = if args.hugo {
        vec![args.out.join("content"), hugo_root.join("content")]
    } else {
        vec![args.out.join("content")]
    };
    for root in &roots {
        for lang in Lang::ALL {
            for year in FIRST_YEAR..=LAST_YEAR {
                if articles.iter().any(|a| a.date.year == year) {
                    create_dir(&root.join(lang.code()).join(year.to_string()))?;
                }
            }
        }
    }

    let mut out = Out {
        md: String::with_capacity(32 * 1024),
        hugo: String::with_capacity(32 * 1024),
        with_hugo: args.hugo,
    };
    let mut heads = Heads::default();
    let mut scratch = String::with_capacity(512);
    let mut pending = Vec::with_capacity(8);
    let mut rel = String::with_capacity(64);
    for art in &articles {
        for (stream, lang) in (10u64..).zip(Lang::ALL) {
            let mut rng = Rng::stream(args.seed, stream, art.index as u64);
            heads.fill(lang, &mut rng, art);
            out.md.clear();
            out.hugo.clear();
            front_matter_brief(&mut out.md, art, &heads);
            if args.hugo {
                front_matter_hugo(&mut out.hugo, art, &heads);
            }
            pending.clear();
            Body {
                out: &mut out,
                rng: &mut rng,
                lang,
                art,
                all: &articles,
                scratch: &mut scratch,
                pending: &mut pending,
                mid_paragraph: false,
                prev: usize::MAX,
            }
            .write();

            rel.clear();
            let _ = write!(rel, "{}/{}/{}.md", lang.code(), art.date.year, art.slug());
            stats.write(&roots[0].join(&rel), out.md.as_bytes())?;
            if args.hugo {
                stats.write(&roots[1].join(&rel), out.hugo.as_bytes())?;
            }
        }
    }
    Ok(stats)
}

fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(Some(args)) => args,
        Ok(None) => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(msg) => {
            eprintln!("gen_corpus: {msg}");
            return ExitCode::from(2);
        }
    };
    let _ = PROFILE.set(args.profile);
    let started = Instant::now();
    match run(&args) {
        Ok(stats) => {
            println!(
                "gen_corpus: {} articles x 2 languages{}, {} files, {} bytes ({:.1} MiB) in {:.2}s -> {}",
                args.articles,
                if args.hugo { " (+hugo)" } else { "" },
                stats.files,
                stats.bytes,
                stats.bytes as f64 / (1024.0 * 1024.0),
                started.elapsed().as_secs_f64(),
                args.out.display()
            );
            ExitCode::SUCCESS
        }
        Err(msg) => {
            eprintln!("gen_corpus: {msg}");
            ExitCode::FAILURE
        }
    }
}
