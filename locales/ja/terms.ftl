# タクソノミー用語の表示名: <タクソノミー名の単数形>-<スラッグ>

topic-ai-governance = AIガバナンス
topic-global-south = グローバルサウス
topic-compute = 計算資源
topic-export-controls = 輸出管理
topic-industrial-policy = 産業政策
topic-open-source = オープンソース
topic-multilateralism = 多国間主義
topic-startups = スタートアップ

region-cn = 中国
region-us = 米国
region-shanghai = 上海
region-global = グローバル
