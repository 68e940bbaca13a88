// The search page finds the briefings that contain a query, in Japanese
// (no word boundaries, full-width letters) and English; ?q= searches on
// load; without JavaScript the page says so and links to the topic pages.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { launch, newPage, url, until, expectedHits, messages, norm, articles, searchableText, BASE_PATH } from "./lib/site.mjs";

let browser;
before(async () => {
  browser = await launch();
});
after(() => browser?.close());

/** Waits for the result count message, then reads the results. */
async function results(page, expectedCount) {
  // The sample index is a few kilobytes: a search that takes seconds has failed.
  const timeout = 5_000;
  const status = page.locator("#search-status");
  const template = await status.getAttribute("data-count");
  const none = await status.getAttribute("data-none");
  const want = expectedCount ? template.replace("999999", String(expectedCount)) : none;
  await until(
    page,
    ([want, error]) => {
      const text = document.getElementById("search-status").textContent;
      if (text === error) throw new Error("search reported an error");
      return text === want;
    },
    [want, await status.getAttribute("data-error")],
    { timeout },
  ).catch(async (e) => {
    throw new Error(`status "${await status.textContent()}", wanted "${want}": ${e.message}`);
  });
  return page.locator("#search-results > li").evaluateAll((items) =>
    items.map((li) => ({
      title: li.querySelector(".result-title").textContent,
      href: li.querySelector(".result-title a").getAttribute("href"),
      titleMarks: [...li.querySelectorAll(".result-title mark")].map((m) => m.textContent),
      snippet: li.querySelector(".result-snippet").textContent,
      snippetMarks: [...li.querySelectorAll(".result-snippet mark")].map((m) => m.textContent),
    })),
  );
}

function checkResults(found, lang, query) {
  const expected = expectedHits(lang, query);
  assert.ok(expected.length > 0, `some sample briefing in content/${lang}/ contains ${query}`);
  assert.deepEqual(
    found.map((r) => r.title).sort(),
    expected.map((a) => a.fm.title).sort(),
    `results for ${query}`,
  );
  for (const r of found) {
    const a = expected.find((x) => x.fm.title === r.title);
    assert.equal(r.href, `${BASE_PATH}${lang}/${a.slug}/`, "a result links to its briefing");
    // The snippet is the summary; where the summary contains the query, the
    // query is highlighted there.
    assert.equal(r.snippet, a.fm.summary);
    if (norm(a.fm.summary).includes(norm(query))) {
      assert.ok(
        r.snippetMarks.some((m) => norm(m) === norm(query)),
        `"${query}" is marked in the snippet of ${a.slug}: ${JSON.stringify(r.snippetMarks)}`,
      );
    }
  }
  assert.ok(found.some((r) => r.snippetMarks.length > 0), "at least one snippet has a <mark>");
}

async function typeQuery(page, query) {
  const input = page.locator("#search-input");
  await input.fill("");
  await input.fill(query);
}

const CASES = [
  ["ja", "上海"],
  ["ja", "グローバルサウス"],
  ["ja", "ＡＩ"],
  ["en", "Stargate"],
];

for (const [lang, query] of CASES) {
  test(`${lang}: typing ${query} finds the briefings that contain it`, async () => {
    const { context, page } = await newPage(browser);
    try {
      await page.goto(url(`${lang}/search/`));
      const input = page.locator("#search-input");
      await input.click();
      if (/^[\x20-\x7e]+$/.test(query)) await input.pressSequentially(query);
      else await typeQuery(page, query);
      const found = await results(page, expectedHits(lang, query).length);
      checkResults(found, lang, query);
      // The query is kept in the address for sharing and reloading.
      await until(page, (q) => new URL(location.href).searchParams.get("q") === q, query);
      assert.deepEqual(page.errors, []);
    } finally {
      await context.close();
    }
  });
}

test("ja: a ?q= address searches on load", async () => {
  const { context, page } = await newPage(browser);
  try {
    const query = "上海";
    await page.goto(url(`ja/search/?q=${encodeURIComponent(query)}`));
    const found = await results(page, expectedHits("ja", query).length);
    assert.equal(await page.locator("#search-input").inputValue(), query);
    checkResults(found, "ja", query);
    assert.deepEqual(page.errors, []);
  } finally {
    await context.close();
  }
});

test("ja: a query found nowhere says so", async () => {
  const { context, page } = await newPage(browser);
  try {
    await page.goto(url(`ja/search/?q=${encodeURIComponent("存在しない語句ですよ")}`));
    assert.deepEqual(await results(page, 0), []);
  } finally {
    await context.close();
  }
});

for (const lang of ["ja", "en"]) {
  test(`${lang}: without JavaScript the search page links to the topic pages`, async () => {
    const { context, page } = await newPage(browser, { javaScriptEnabled: false });
    try {
      await page.goto(url(`${lang}/search/`));
      const notice = page.locator("noscript .notice");
      await notice.waitFor({ state: "visible" });
      assert.equal((await notice.innerText()).trim(), messages(lang)["search-no-js"]);
      const hrefs = await page
        .locator("main a")
        .evaluateAll((as) => as.filter((a) => a.checkVisibility()).map((a) => a.getAttribute("href")));
      assert.ok(hrefs.includes(`${BASE_PATH}${lang}/topics/`), `links to the topic page: ${hrefs}`);
      for (const href of hrefs) {
        const res = await page.request.get(new URL(href, page.url()).href);
        assert.equal(res.status(), 200, `${href} exists`);
      }
      assert.equal(await page.locator("#search-results > li").count(), 0);
    } finally {
      await context.close();
    }
  });
}

/** The text of every field an article's search data holds but its body,
 * publishers included (searchableText leaves them out). */
function nonBodyText(a) {
  const withoutBody = searchableText({ ...a, body: "" });
  return norm([withoutBody, ...(a.fm.citations || []).map((c) => c.publisher || "")].join("\n"));
}

/**
 * A word found only in article bodies: for English a word of 9+ letters,
 * for Japanese three Han characters, that appears in no title, summary, key
 * point, topic, citation title or publisher of any briefing of the language.
 */
function bodyOnlyWord(lang) {
  const all = articles(lang);
  const elsewhere = all.map(nonBodyText).join("\n");
  const pattern = lang === "ja" ? /\p{Script=Han}{3}/gu : /\p{L}{9,}/gu;
  for (const a of all) {
    const body = norm(searchableText(a).slice(searchableText({ ...a, body: "" }).length));
    for (const w of [...new Set(body.match(pattern) || [])].sort()) {
      if (lang !== "ja" && /(s|ed|ing)$/.test(w)) continue; // keep stemming out of it
      if (!elsewhere.includes(w) && expectedHits(lang, w).length > 0) return w;
    }
  }
  throw new Error(`${lang}: no body-only word in the sample`);
}

for (const lang of ["ja", "en"]) {
  test(`${lang}: a match in the body alone shows an excerpt of the body with the match marked`, async () => {
    const { context, page } = await newPage(browser);
    try {
      const word = bodyOnlyWord(lang);
      await page.goto(url(`${lang}/search/?q=${encodeURIComponent(word)}`));
      const found = await results(page, expectedHits(lang, word).length);
      assert.ok(found.length > 0);
      const excerpts = await page.locator("#search-results > li").evaluateAll((items) =>
        items.map((li) => {
          const p = li.querySelector(".result-excerpt");
          return p && { text: p.textContent, marks: [...p.querySelectorAll("mark")].map((m) => m.textContent), label: p.querySelector(".result-part") };
        }),
      );
      for (const [i, ex] of excerpts.entries()) {
        assert.ok(ex, `result ${found[i].title} has an excerpt`);
        assert.equal(ex.label, null, "a body excerpt has no part label");
        assert.ok(ex.marks.some((m) => norm(m) === word), `"${word}" is marked in ${JSON.stringify(ex)}`);
        // A window around the match, not the whole body (plus two ellipses).
        assert.ok([...ex.text].length <= 162, `excerpt of ${[...ex.text].length} characters`);
        assert.equal(found[i].titleMarks.length, 0, "the title does not hold the word");
      }
      assert.deepEqual(page.errors, []);
    } finally {
      await context.close();
    }
  });
}

for (const [lang, query] of [["ja", "米"], ["en", "x"]]) {
  test(`${lang}: a one-character query asks for more characters`, async () => {
    const { context, page } = await newPage(browser);
    try {
      const requests = [];
      page.on("request", (r) => requests.push(new URL(r.url()).pathname));
      await page.goto(url(`${lang}/search/`));
      await page.locator("#search-input").fill(query);
      const want = messages(lang)["search-short"].replace("{ $count }", "2");
      await until(page, (w) => document.getElementById("search-status").textContent === w, want);
      assert.equal(await page.locator("#search-results > li").count(), 0);
      assert.ok(!requests.some((p) => /\/search\/(index-|docs-)/.test(p)), `no index files fetched: ${requests}`);
      // One more character searches.
      await page.locator("#search-input").fill(lang === "ja" ? "上海" : "AI");
      await until(page, (w) => { const t = document.getElementById("search-status").textContent; return t && t !== w && !t.includes("…"); }, want);
      assert.deepEqual(page.errors, []);
    } finally {
      await context.close();
    }
  });
}

// The site of run.mjs where 12 English briefings cite one report by
// "Example Agency": the publisher is in no other field.
const CITED = process.env.BRIEF_CITED_BASE_URL;
const CITED_DIR = process.env.BRIEF_CITED_SITE_DIR;

/**
 * Opens the cited site's English search for "Agency" (12 hits: the first
 * page is 10) and records the search requests: [path, Range header, status,
 * body bytes]. `ranges: false` strips the Range header from the document
 * pack requests, as a host that ignores Range would answer: 200 and the
 * whole pack.
 */
async function agencySearch({ ranges }) {
  const { context, page } = await newPage(browser);
  if (!ranges) {
    await context.route(/\/search\/docs-\d+\.bin$/, (route) => {
      const headers = { ...route.request().headers() };
      delete headers.range;
      return route.continue({ headers });
    });
  }
  const log = [];
  const pending = [];
  page.on("response", (r) => {
    const p = new URL(r.url()).pathname;
    if (!p.includes("/en/search/") || !/\.(json|bin)$/.test(p)) return;
    pending.push(
      r.body().then(async (b) => log.push([p, (await r.request().allHeaders()).range || null, r.status(), b.length])),
    );
  });
  await page.goto(new URL("en/search/?q=Agency", CITED).href);
  const template = await page.locator("#search-status").getAttribute("data-count");
  await until(page, (w) => document.getElementById("search-status").textContent === w, template.replace("999999", "12"));
  await Promise.all(pending);
  const first = log.splice(0);
  const titles = () => page.locator("#search-results .result-title").allTextContents();
  const firstTitles = await titles();
  await page.locator("#search-more").click();
  await until(page, () => document.querySelectorAll("#search-results > li").length === 12);
  await Promise.all(pending);
  return { context, page, first, more: log, firstTitles, allTitles: await titles() };
}

test("en: a publisher alone finds the briefings, and a first query fetches only the first page's records, by range", async () => {
  const sources = fs.readdirSync(path.join(CITED_DIR, "en")).filter((d) => d.startsWith("note-"));
  assert.equal(sources.length, 12);
  const expected = [];
  for (const d of sources) {
    const html = fs.readFileSync(path.join(CITED_DIR, "en", d, "index.html"), "utf8");
    assert.ok(html.includes("Example Agency"), `${d} shows the publisher`);
    const title = /<title>([^<]*)/.exec(html)[1];
    assert.ok(!/agency/i.test(title), "the publisher is not in the title");
    // As run.mjs writes them.
    expected.push(`Compute report note ${d.slice("note-".length)}`);
  }
  const { context, page, first, more, firstTitles, allTitles } = await agencySearch({ ranges: true });
  try {
    const names = first.map(([p]) => p.split("/search/")[1]);
    assert.equal(names.filter((n) => n === "meta.json").length, 1, names.join(" "));
    assert.equal(names.filter((n) => /^index-\d+\.json$/.test(n)).length, 1, "one shard for one word");
    const packs = first.filter(([p]) => /\/docs-\d+\.bin$/.test(p));
    assert.ok(packs.length >= 1 && packs.length <= 2, `one or two pack requests: ${JSON.stringify(packs)}`);
    assert.equal(first.length, 2 + packs.length, names.join(" "));
    for (const [p, range, status] of packs) {
      assert.match(range || "", /^bytes=\d+-\d+$/, `${p} asked for a range`);
      assert.equal(status, 206);
    }
    const bytes = first.reduce((n, r) => n + r[3], 0);
    assert.ok(bytes > 0 && bytes < 60_000, `${bytes} bytes`);
    const pack = fs.statSync(path.join(CITED_DIR, "en/search/docs-0.bin")).size;
    const ranged = packs.reduce((n, r) => n + r[3], 0);
    assert.ok(ranged < pack, `ranges of ${ranged} bytes, not the whole pack of ${pack}`);

    assert.equal(firstTitles.length, 10);
    assert.deepEqual([...allTitles].sort(), [...expected].sort());
    const excerpt = await page.locator("#search-results > li").first().locator(".result-excerpt").evaluate((p) => ({
      label: p.querySelector(".result-part")?.textContent,
      marks: [...p.querySelectorAll("mark")].map((m) => m.textContent),
    }));
    assert.deepEqual(excerpt, { label: messages("en")["search-part-citation"], marks: ["Agency"] });
    // The rest on demand: only pack ranges, one or two.
    assert.ok(await page.locator("#search-more").isHidden());
    assert.ok(more.length >= 1 && more.length <= 2 && more.every(([p, r, s]) => /\.bin$/.test(p) && r && s === 206), JSON.stringify(more));
    assert.deepEqual(page.errors, []);
  } finally {
    await context.close();
  }
});

test("en: a host that ignores Range (200, the whole pack) gives the same results", async () => {
  const ranged = await agencySearch({ ranges: true });
  await ranged.context.close();
  const { context, page, first, more, firstTitles, allTitles } = await agencySearch({ ranges: false });
  try {
    const packs = first.filter(([p]) => /\/docs-\d+\.bin$/.test(p));
    const pack = fs.statSync(path.join(CITED_DIR, "en/search/docs-0.bin")).size;
    assert.ok(packs.length >= 1, JSON.stringify(first));
    for (const [, range, status, length] of packs) {
      assert.equal(range, null, "no Range header reached the server");
      assert.equal(status, 200);
      assert.equal(length, pack, "the whole pack");
    }
    assert.deepEqual(firstTitles, ranged.firstTitles);
    assert.deepEqual(allTitles, ranged.allTitles);
    // The whole pack is kept: "Show more" reads nothing more.
    assert.deepEqual(more, []);
    assert.deepEqual(page.errors, []);
  } finally {
    await context.close();
  }
});
