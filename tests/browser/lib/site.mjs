// Shared helpers for the browser tests: where the site is, the browser, and
// what the sample's source files say (so that expectations are computed from
// content/ and locales/, not hard-coded).
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import YAML from "yaml";

function required(name) {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set: run the browser tests with \`npm test\` (node run.mjs) in tests/browser`);
  return v;
}

export const REPO = process.env.BRIEF_REPO || path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
export const BASE = required("BRIEF_BASE_URL"); // "http://127.0.0.1:PORT/briefings/"
export const SITE_DIR = required("BRIEF_SITE_DIR");
export const BASE_PATH = new URL(BASE).pathname; // "/briefings/"

/** Absolute URL of a site path such as "ja/search/". */
export function url(rel = "") {
  return new URL(rel.replace(/^\//, ""), BASE).href;
}

export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

export function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    headless: true,
    args: CHROMIUM_ARGS,
  });
}

/**
 * A new context and page. Requests that leave 127.0.0.1 are aborted (CI has
 * no internet; the site must not need it), and page errors are collected so a
 * test can assert that the scripts ran cleanly.
 */
export async function newPage(browser, options = {}) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, ...options });
  context.setDefaultTimeout(10_000);
  const origin = new URL(BASE).origin;
  await context.route(
    (u) => u.origin !== origin,
    (route) => route.abort(),
  );
  const page = await context.newPage();
  page.errors = [];
  page.on("pageerror", (e) => page.errors.push(e));
  return { context, page };
}

/** True when the element's box intersects the viewport. */
export function inViewport(locator) {
  return locator.evaluate((el) => {
    const r = el.getBoundingClientRect();
    return r.bottom > 0 && r.right > 0 && r.top < window.innerHeight && r.left < window.innerWidth && r.height > 0;
  });
}

/** Waits until `fn(arg)` is truthy in the page, returning its value. */
export async function until(page, fn, arg, options) {
  return (await page.waitForFunction(fn, arg, options)).jsonValue();
}

export const norm = (s) => String(s).normalize("NFKC").toLowerCase();

// ------------------------------------------------------------- sources

export const LANGS = ["ja", "en"];

/** Fluent messages of one locale as plain strings (single-line messages only). */
export function messages(lang) {
  const dir = path.join(REPO, "locales", lang);
  const out = {};
  for (const f of fs.readdirSync(dir).filter((f) => f.endsWith(".ftl"))) {
    for (const line of fs.readFileSync(path.join(dir, f), "utf8").split("\n")) {
      const m = /^([A-Za-z][\w-]*)\s*=\s*(.*)$/.exec(line);
      if (m) out[m[1]] = m[2].trim();
    }
  }
  return out;
}

/** The articles of one language: slug, front-matter and Markdown body. */
export function articles(lang) {
  const dir = path.join(REPO, "content", lang);
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith(".md"))
    .sort()
    .map((f) => {
      const text = fs.readFileSync(path.join(dir, f), "utf8").replace(/^\uFEFF/, "").replace(/\r\n?/g, "\n");
      const m = /^---\n([\s\S]*?)\n---\n([\s\S]*)$/.exec(text);
      if (!m) throw new Error(`content/${lang}/${f}: no front-matter`);
      const fm = YAML.parse(m[1]);
      return { lang, file: f, slug: fm.slug || f.replace(/\.md$/, ""), fm, body: m[2] };
    })
    .filter((a) => !a.fm.draft);
}

export function article(lang, slug) {
  const a = articles(lang).find((x) => x.slug === slug);
  if (!a) throw new Error(`no article ${lang}/${slug}`);
  return a;
}

/**
 * The text search indexes for an article (README "Search": titles, key
 * points, topic and region names and slugs, citation titles, summary, body),
 * with Markdown link targets and citation markers dropped from the body.
 */
export function searchableText(a) {
  const msgs = messages(a.lang);
  const terms = [];
  for (const tax of ["topics", "regions"]) {
    for (const slug of a.fm[tax] || []) {
      terms.push(slug);
      const label = msgs[`${tax.replace(/s$/, "")}-${slug}`];
      if (label) terms.push(label);
    }
  }
  const body = a.body
    .replace(/\]\([^)]*\)/g, "]")
    .replace(/\[(?:@[^\]]+|\d+)\]/g, " ");
  return [
    a.fm.title,
    ...(a.fm.key_points || []),
    ...terms,
    a.fm.summary || "",
    ...(a.fm.citations || []).map((c) => c.title),
    body,
  ].join("\n");
}

/**
 * Articles of `lang` whose searchable text contains the query (NFKC,
 * case-folded): anywhere for Japanese/Chinese text (the index has no word
 * boundaries there), as a whole word (plural allowed) for other scripts.
 */
export function expectedHits(lang, query) {
  const q = norm(query);
  const esc = q.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const cjk = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u.test(q);
  const re = cjk ? new RegExp(esc, "u") : new RegExp(`(?<![\\p{L}\\p{N}])${esc}(?:e?s)?(?![\\p{L}\\p{N}])`, "u");
  return articles(lang).filter((a) => re.test(norm(searchableText(a))));
}
