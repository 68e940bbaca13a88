#!/usr/bin/env python3
"""Search benchmark: brief's index next to Pagefind's on the same pages.

    python3 bench/search.py [--articles 1000] [--work target/bench-search] [--no-pagefind]

Generates the bilingual corpus of `examples/gen_corpus.rs` (N articles per
language), builds it with brief (release), runs Pagefind (from PyPI,
`pagefind[extended]` 1.5.x, installed into a virtual environment under
--work unless `pagefind` is importable) over brief's output folder, and
prints:

- brief's search index: total size and per language (raw and gzipped, files,
  shard, document-pack and record sizes), and the files of the whole output
  per HTML page;
- for each typical query: the requests a first query makes (search.js's own
  functions decide which; see bench/search_probe.mjs) and their bytes: raw,
  and as transferred with compression (meta.json and shards gzipped each by
  itself, as a server does; the Range requests for document records count
  the bytes of the ranges, compressed records that no host compresses
  again), next to what Pagefind's pagefind.js fetched in Chromium for its
  first page of results;
- recall of both on the article pages: the pages whose visible text contains
  the query, found here by parsing the HTML (the text of the `<article>`
  element, without its backlinks, related cards and navigation), and how many
  of them each engine returned.

Needs cargo, node (tests/browser's node_modules: `cd tests/browser && npm ci`)
and /usr/bin/chromium for Pagefind.
"""

import argparse
import datetime
import gzip
import json
import os
import re
import shutil
import subprocess
import sys
import unicodedata
from html.parser import HTMLParser
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGEFIND_VERSION = "1.5.2"

QUERIES = [
    ("en", "上海"),
    ("en", "Shanghai"),
    ("en", "export controls"),
    ("en", "semiconductors"),
    ("en", "Reuters"),
    ("en", "data protection impact"),
    ("ja", "上海"),
    ("ja", "半導体"),
    ("ja", "輸出管理"),
    ("ja", "グローバルサウス"),
    ("ja", "サプライチェーン"),
    ("ja", "サイバーセキュリティ"),
    ("ja", "AI"),
]


def norm(text):
    return unicodedata.normalize("NFKC", text).lower()


CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")


# A letter or digit of a spaced script: what may not touch a whole word (in
# 生成AIの, "ai" is a word).
LATIN = r"[0-9a-z\u00c0-\u024f\u0370-\u03ff\u0400-\u04ff]"


def contains(text, query):
    """Whether normalized `text` holds every word of `query`: CJK words as
    substrings, other words as whole words (with an optional plural s/es)."""
    for word in norm(query).split():
        if CJK.search(word):
            if word not in text:
                return False
        elif not re.search(f"(?<!{LATIN})" + re.escape(word) + f"(?:e?s)?(?!{LATIN})", text):
            return False
    return True


class ArticleText(HTMLParser):
    """The visible text of `<article class="briefing">`, without its
    backlinks and related sections, navigation, scripts and hidden elements."""

    SKIP = {"script", "style", "template", "nav"}
    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack = []  # (tag, inside article, skipped)
        self.parts = []
        self.found = False

    def handle_starttag(self, tag, attrs):
        if tag in self.VOID:
            return
        a = dict(attrs)
        inside = self.stack[-1][1] if self.stack else False
        skipped = self.stack[-1][2] if self.stack else False
        classes = (a.get("class") or "").split()
        if tag == "article" and "briefing" in classes:
            inside = True
            self.found = True
        if tag in self.SKIP or "hidden" in a or {"backlinks", "related"} & set(classes):
            skipped = True
        self.stack.append((tag, inside, skipped))

    def handle_endtag(self, tag):
        if tag in self.VOID:
            return
        while self.stack:
            t = self.stack.pop()[0]
            if t == tag:
                break

    def handle_data(self, data):
        if self.stack and self.stack[-1][1] and not self.stack[-1][2]:
            self.parts.append(data)


def article_texts(site, lang):
    """URL path → normalized visible article text, for every article page."""
    out = {}
    for page in sorted((site / lang).rglob("index.html")):
        p = ArticleText()
        p.feed(page.read_text(encoding="utf-8"))
        if p.found:
            url = "/" + str(page.parent.relative_to(site)).replace(os.sep, "/") + "/"
            out[url] = norm(" ".join(p.parts))
    return out


def ensure_pagefind(work):
    """A Python that can run `-m pagefind`: this one, or a venv under work."""
    try:
        import pagefind  # noqa: F401

        return sys.executable
    except ImportError:
        pass
    venv = work / "pagefind-venv"
    py = venv / "bin" / "python"
    if not py.exists():
        subprocess.run([sys.executable, "-m", "venv", venv], check=True)
    subprocess.run([py, "-m", "pip", "install", "--quiet", f"pagefind[extended]=={PAGEFIND_VERSION}"], check=True)
    return py


def kb(n):
    return f"{n / 1000:.1f} KB"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--articles", type=int, default=1000)
    ap.add_argument("--work", type=Path, default=ROOT / "target" / "bench-search")
    ap.add_argument("--no-pagefind", action="store_true")
    args = ap.parse_args()
    work = args.work.resolve()
    work.mkdir(parents=True, exist_ok=True)

    print("building release binaries …", flush=True)
    subprocess.run(["cargo", "build", "--release", "--bins", "--examples"], cwd=ROOT, check=True)
    brief = ROOT / "target" / "release" / "brief"
    gen = ROOT / "target" / "release" / "examples" / "gen_corpus"
    corpus = work / f"corpus-{args.articles}"
    site = work / f"site-{args.articles}"
    subprocess.run([gen, "--articles", str(args.articles), "--out", corpus], check=True, stdout=subprocess.DEVNULL)
    for link in ("themes", "locales"):  # the repository's theme and locales, as bench.py does
        target = corpus / link
        if target.is_symlink() or target.exists():
            target.unlink() if target.is_symlink() else shutil.rmtree(target)
        target.symlink_to(ROOT / link)
    if site.exists():
        shutil.rmtree(site)
    built = subprocess.run(
        [brief, "build", "--root", corpus, "--output", site, "--base-url", "https://bench.invalid"],
        capture_output=True,
        text=True,
    )
    if built.returncode != 0:
        sys.exit(built.stderr)
    print(built.stderr.strip().splitlines()[-1])  # "built N files …" (the corpus names no terms: warnings)
    # Before Pagefind adds its own folder.
    out_files = [f for f in site.rglob("*") if f.is_file()]
    html_pages = sum(1 for f in out_files if f.suffix == ".html")

    pagefind_version = None
    if not args.no_pagefind:
        py = ensure_pagefind(work)
        pagefind_version = subprocess.run(
            [py, "-m", "pagefind", "--version"], capture_output=True, text=True, check=True
        ).stdout.strip()
        subprocess.run([py, "-m", "pagefind", "--site", site, "--quiet"], check=True)

    spec = work / "probe.json"
    spec.write_text(json.dumps({"site": str(site), "queries": QUERIES, "pagefind": not args.no_pagefind}))
    probe = subprocess.run(
        ["node", ROOT / "bench" / "search_probe.mjs", spec], capture_output=True, text=True, check=True
    )
    res = json.loads(probe.stdout)

    print(f"\nsearch benchmark, {datetime.date.today()}: {args.articles} articles per language "
          f"(examples/gen_corpus.rs), brief {brief}" + (f", {pagefind_version}" if pagefind_version else ""))
    print("\nbrief's search index (every file of <lang>/search/, each gzipped by itself):")
    total_raw = total_gz = 0
    for lang, s in sorted(res["size"].items()):
        total_raw += s["raw"]
        total_gz += s["gzip"]
        print(f"  {lang}: {s['raw'] / 1e6:.2f} MB raw, {s['gzip'] / 1e6:.2f} MB gzipped, {s['files']} files "
              f"(meta.json {kb(s['meta'])}, {kb(s['meta_gzip'])} gzipped; "
              f"{s['shards']} shards, median {kb(s['shard_median'])}, largest {kb(s['shard_max'])}; "
              f"{s['packs']} document pack(s), {s['pack_bytes'] / 1e6:.2f} MB, largest {s['pack_max'] / 1e6:.2f} MB; "
              f"{s['records']} records, median {kb(s['doc_median'])}, largest {kb(s['doc_max'])} compressed)")
    print(f"  total: {total_raw / 1e6:.2f} MB raw, {total_gz / 1e6:.2f} MB gzipped")
    print(f"  whole output: {len(out_files)} files, {html_pages} HTML pages, "
          f"{len(out_files) / html_pages:.2f} files per HTML page")
    if not args.no_pagefind:
        pf = site / "pagefind"
        size = sum(f.stat().st_size for f in pf.rglob("*") if f.is_file())
        count = sum(1 for f in pf.rglob("*") if f.is_file())
        print(f"  Pagefind's index (pagefind/, all languages, files as written, mostly gzip): "
              f"{size / 1e6:.2f} MB in {count} files")

    texts = {lang: article_texts(site, lang) for lang in {q[0] for q in QUERIES}}
    pf_by = {(r["lang"], r["query"]): r for r in (res["pagefind"] or [])}
    print("\nfirst query (brief: meta.json + shards + Range requests for the first page's records;"
          " Pagefind: everything pagefind.js fetched for search() and the first 10 data()):")
    print(f"  {'query':<28} {'brief requests':>14} {'ranges':>6} {'raw':>10} {'transferred':>11} | {'Pagefind files':>14} {'bytes':>10} {'index only':>10}")
    worst_raw = worst_gz = worst_req = worst_ranges = 0
    for b in res["brief"]:
        key = (b["lang"], b["query"])
        if b.get("short"):
            print(f"  {b['lang']}: {b['query']:<24} (shorter than the minimum)")
            continue
        worst_raw = max(worst_raw, b["raw"])
        worst_gz = max(worst_gz, b["gzip"])
        p = pf_by.get(key)
        pf_cols = ""
        if p:
            # pagefind.js, its WebAssembly and entry file are the same for
            # every query (brief's search.js is not counted either).
            runtime = sum(n for u, n in p["fetched"] if re.search(r"\.(js|json)$|wasm", u))
            total = sum(n for _, n in p["fetched"])
            pf_cols = f"{len(p['fetched']):>14} {kb(total):>10} {kb(total - runtime):>10}"
        print(f"  {b['lang'] + ': ' + b['query']:<28} {b['requests']:>14} {b['range_requests']:>6} {kb(b['raw']):>10} {kb(b['gzip']):>11} | {pf_cols}")
        worst_req = max(worst_req, b["requests"])
        worst_ranges = max(worst_ranges, b["range_requests"])
    print(f"  largest brief first query: {kb(worst_raw)} raw, {kb(worst_gz)} transferred; "
          f"at most {worst_req} requests, of which {worst_ranges} Range requests")

    print("\nrecall on article pages (truth: pages whose article text contains the query):")
    print(f"  {'query':<28} {'truth':>6} {'brief':>12} {'Pagefind':>12} {'brief extra':>12}")
    for b in res["brief"]:
        if b.get("short"):
            continue
        key = (b["lang"], b["query"])
        truth = {u for u, t in texts[b["lang"]].items() if contains(t, b["query"])}
        got = set(b["urls"])
        found = len(truth & got)
        p = pf_by.get(key)
        pf_found = f"{len(truth & set(p['urls']))}" if p else "-"
        extra = len(got - truth)
        print(f"  {b['lang'] + ': ' + b['query']:<28} {len(truth):>6} {found:>12} {pf_found:>12} {extra:>12}")


if __name__ == "__main__":
    main()
