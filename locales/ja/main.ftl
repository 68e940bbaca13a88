# 日本語のインターフェース文言。既定言語なので、他の言語はこのキー一式と比較されます。

site-title = ガバナンス・ブリーフィング
date-format = { $year }年{ $month }月{ $day }日

skip-to-content = 本文へ移動
nav-label = サイト
nav-latest = 新着
nav-sources = 出典一覧
nav-feed = フィード
language-switcher = 言語
footer-text = { $site } · 技術ガバナンスに関する分析ブリーフィング

# 記事の作成方法。各文はフロントマターに記録された事実だけを述べる（README「AI disclosure」参照）。
ai-badge-generated = AI生成
ai-badge-assisted = AI活用
ai-badge-machine-translated = 機械翻訳
ai-badge-ai-translated = AI支援翻訳
ai-notice-label = この記事について
ai-notice-generated = この記事は生成AIで作成しました。
ai-notice-assisted = この記事は著者が生成AIの支援を受けて執筆しました。
ai-not-reviewed = 編集者による確認は受けていないため、誤りを含む可能性があります。重要な事実は下記の出典でご確認ください。
ai-reviewed = 公開前に{ $reviewer }が内容を確認しました。
ai-reviewed-on = { $date }に{ $reviewer }が内容を確認しました。
translation-notice-machine = この版は原文を機械翻訳したものです。
translation-notice-ai-assisted = この版は機械翻訳の支援を受けて翻訳しました。
translation-not-reviewed = 翻訳は人による確認を受けていません。
translation-reviewed = 翻訳は{ $reviewer }が確認しました。
translation-reviewed-on = 翻訳は{ $date }に{ $reviewer }が確認しました。
translation-original-link = 原文を読む

updated-on = 更新
reading-time = 約{ $minutes }分で読めます
key-points = 要点
notes = 注
back-to-text = 本文に戻る
references = 参考文献
citation-label = 参考文献{ $number }
accessed-on = { $date }閲覧
also-cited = ほか{ $count }件のブリーフィングでも引用
back-to-citation = 引用箇所{ $n }に戻る
referenced-by = この記事を参照しているブリーフィング
related = 関連ブリーフィング
prev-next-label = ほかのブリーフィング
older = 前の記事
newer = 次の記事
pagination-label = ページ
page-n = { $n }ページ目
breadcrumb-label = パンくずリスト
briefing-count = { $count }件のブリーフィング
latest-briefings = 新着ブリーフィング
no-briefings = まだブリーフィングはありません。

taxonomy-topics = トピック
taxonomy-regions = 地域

sources-title = 出典一覧
sources-intro = ブリーフィングで引用したすべての出典を、引用数の多い順に、引用しているブリーフィングとともに掲載しています。
cited-in = { $count }件のブリーフィングで引用
source-all-citing = この出典を引用した{ $count }件のブリーフィングをすべて見る

not-found-title = ページが見つかりません
not-found-text = お探しのページは存在しないか、移動した可能性があります。
not-found-home = 日本語のトップページへ
download-references = 参考文献をダウンロード：

nav-search = 検索
search-title = 検索
search-label = ブリーフィングを検索
search-button = 検索
search-hint = 日本語は分かち書きなしで検索できます（例：上海、グローバルサウス）。
search-no-js = 検索にはJavaScriptが必要ですが、無効になっています。トピックや地域から記事をたどることができます：
search-none = 該当するブリーフィングはありません。
search-count = { $count }件のブリーフィングが見つかりました。
search-loading = 検索しています…
search-error = 検索インデックスを読み込めませんでした。
newer-page = 新しい記事へ
older-page = 古い記事へ
translation-stale = この翻訳は{ $language }の原文の旧版をもとにしており、原文はその後更新されています。
translation-stale-link = 最新の{ $language }版を読む

# 読みやすさ（issue 15）: 言語名、訳がない言語の説明、脚注マーカー、404
language-name-ja = 日本語
language-name-en = 英語
language-name-ko = 韓国語
language-name-zh = 中国語
language-name-zh-Hans = 中国語（簡体字）
language-name-zh-Hant = 中国語（繁体字）
language-name-zh-CN = 中国語（簡体字）
language-name-zh-TW = 中国語（繁体字）
language-name-fr = フランス語
language-name-de = ドイツ語
language-name-es = スペイン語
language-name-ar = アラビア語
translation-unavailable-for = このページの{ $language }版はまだありません
footnote-marker = 注{ $number }
footnote-label = 注{ $number }
not-found-search = 記事を検索する

## Publishing and navigation: redirects (aliases), callouts, contents
redirect-title = このブリーフィングは移動しました
redirect-text = 新しい場所：
callout-note = 注記
callout-tip = ヒント
callout-important = 重要
callout-warning = 警告
callout-caution = 注意
toc-heading = 目次

## Search results: excerpts, short queries, more results (search)
# A query shorter than the minimum ($count characters).
search-short = { $count }文字以上入力してください。
# Labels an excerpt taken from a key point or a citation.
search-part-key-point = 要点：
search-part-citation = 出典：
search-more = さらに表示

# 著者、「このブリーフィングを引用」、SNS・学術メタデータ（issue 14 の 4〜7）
byline = 著者：
byline-separator = 、
site-description = AIとテクノロジーのガバナンスを分析するブリーフィング（日本語・英語）。
cite-this = このブリーフィングを引用する
cite-this-copy = 引用をコピー
cite-this-copied = コピーしました
cite-this-download = 引用をダウンロード：
og-image-alt = Governance Briefings：AIとテクノロジーのガバナンス分析
