#!/usr/bin/env node
// Runs queries against a built site, for bench/search.py. Prints one JSON
// object on stdout.
//
//   node bench/search_probe.mjs SPEC.json
//
// SPEC: { "site": built output folder, "queries": [[lang, query], …],
//         "pagefind": true when Pagefind's index is in site/pagefind/ }
//
// brief: searches with the functions of themes/default/static/search.js
// itself (the tokenizer, `lookup`, `readDocs` and its request plan), reading
// the files from the folder and recording each request the page would make
// for a first query: meta.json, the query's shards, and the Range requests
// for the records of the first page of results (their bytes are what a
// static host sends: a range is never compressed in transit, the records
// are compressed already). Every hit's address is read too (not counted) for
// recall.
//
// Pagefind: its own pagefind.js in headless Chromium (tests/browser's
// playwright-core and /usr/bin/chromium) against a loopback server of the
// folder; a first query is `search()` plus `data()` of the first page of
// results, as its UI does, and its bytes are the responses the browser
// received for them. Every result's address is read for recall.
import fs from "node:fs";
import path from "node:path";
import zlib from "node:zlib";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, "..");
const require = createRequire(import.meta.url);
const brief = require(path.join(repo, "themes/default/static/search.js"));
const spec = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));

function gzipSize(buf) {
  return zlib.gzipSync(buf, { level: 6 }).length;
}

function briefQuery(lang, query) {
  const dir = path.join(spec.site, lang, "search");
  const fetched = new Map();
  const read = (name) => {
    const buf = fs.readFileSync(path.join(dir, name));
    return { buf, json: JSON.parse(buf.toString("utf8")) };
  };
  const getJson = (name) => {
    const f = read(name);
    fetched.set(name, f.buf);
    return Promise.resolve(f.json);
  };
  const tokens = Array.from(new Set(brief.tokenize(query)));
  if (brief.countChars(query) < brief.MIN_CHARS) return Promise.resolve({ short: true });
  const ranges = [];
  const packs = new Map();
  const pack = (name) => {
    if (!packs.has(name)) packs.set(name, fs.readFileSync(path.join(dir, name)));
    return packs.get(name);
  };
  const getRange = (name, start, end) => {
    ranges.push(end - start);
    return Promise.resolve({ bytes: pack(name).subarray(start, end), whole: false });
  };
  const wholePack = (name) => Promise.resolve({ bytes: pack(name), whole: true });
  return getJson("meta.json").then((m) =>
    brief.lookup(tokens, m, getJson).then(async (hits) => {
      const first = hits.slice(0, m.page).map(([doc]) => doc);
      await brief.readDocs(first, m, getRange);
      const files = [...fetched.values()];
      const records = await brief.readDocs(hits.map(([doc]) => doc), m, wholePack);
      const ranged = ranges.reduce((n, b) => n + b, 0);
      return {
        hits: hits.length,
        urls: records.map((r) => r[1]),
        requests: files.length + ranges.length,
        range_requests: ranges.length,
        ranged,
        raw: files.reduce((n, b) => n + b.length, 0) + ranged,
        gzip: files.reduce((n, b) => n + gzipSize(b), 0) + ranged,
      };
    }),
  );
}

function indexSize(lang) {
  const dir = path.join(spec.site, lang, "search");
  let raw = 0, gzip = 0, files = 0;
  const walk = (d) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else {
        const b = fs.readFileSync(p);
        raw += b.length;
        gzip += gzipSize(b);
        files += 1;
      }
    }
  };
  walk(dir);
  const shards = fs.readdirSync(dir).filter((n) => /^index-\d+\.json$/.test(n)).map((n) => fs.statSync(path.join(dir, n)).size);
  const packs = fs.readdirSync(dir).filter((n) => /^docs-\d+\.bin$/.test(n)).map((n) => fs.statSync(path.join(dir, n)).size);
  const meta = JSON.parse(fs.readFileSync(path.join(dir, "meta.json"), "utf8"));
  const docs = [...meta.lens];
  const median = (xs) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  return {
    raw, gzip, files, meta: fs.statSync(path.join(dir, "meta.json")).size,
    meta_gzip: gzipSize(fs.readFileSync(path.join(dir, "meta.json"))),
    shards: shards.length, shard_median: median(shards), shard_max: Math.max(...shards),
    packs: packs.length, pack_bytes: packs.reduce((n, b) => n + b, 0), pack_max: Math.max(...packs),
    records: docs.length, doc_median: median(docs), doc_max: Math.max(...docs),
  };
}

async function pagefindQueries() {
  const { chromium } = createRequire(path.join(repo, "tests/browser/package.json"))("playwright-core");
  const { startServer } = await import(path.join(repo, "tests/browser/lib/server.mjs"));
  const server = await startServer({ root: spec.site });
  const origin = `http://127.0.0.1:${server.address().port}`;
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || "/usr/bin/chromium" });
  const out = [];
  try {
    for (const [lang, query] of spec.queries) {
      // A fresh context per query: nothing cached from an earlier one.
      const context = await browser.newContext();
      const page = await context.newPage();
      await page.goto(`${origin}/${lang}/search/`);
      const fetched = [];
      page.on("response", async (r) => {
        if (!r.url().includes("/pagefind/")) return;
        try {
          fetched.push([new URL(r.url()).pathname, (await r.body()).length]);
        } catch {}
      });
      const first = await page.evaluate(
        async ([q, lang]) => {
          const pf = await import("/pagefind/pagefind.js");
          await pf.options({ baseUrl: "/" });
          const s = await pf.search(q, { filters: {} });
          const firstPage = await Promise.all(s.results.slice(0, 10).map((r) => r.data()));
          return { hits: s.results.length, shown: firstPage.length, lang };
        },
        [query, lang],
      );
      // Responses are read asynchronously: wait until the network is idle.
      await page.waitForLoadState("networkidle");
      const firstFetched = [...fetched];
      const urls = await page.evaluate(async (q) => {
        const pf = await import("/pagefind/pagefind.js");
        const s = await pf.search(q);
        return Promise.all(s.results.map((r) => r.data().then((d) => d.url)));
      }, query);
      out.push({ lang, query, hits: first.hits, urls, fetched: firstFetched });
      await context.close();
    }
  } finally {
    await browser.close();
    server.closeAllConnections();
    server.close();
  }
  return out;
}

const result = { brief: [], size: {}, pagefind: null };
for (const lang of new Set(spec.queries.map((q) => q[0]))) result.size[lang] = indexSize(lang);
for (const [lang, query] of spec.queries) result.brief.push({ lang, query, ...(await briefQuery(lang, query)) });
if (spec.pagefind) result.pagefind = await pagefindQueries();
process.stdout.write(JSON.stringify(result));
