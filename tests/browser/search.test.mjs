// The search page finds the briefings that contain a query, in Japanese
// (no word boundaries, full-width letters) and English; ?q= searches on
// load; without JavaScript the page says so and links to the topic pages.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { launch, newPage, url, until, expectedHits, messages, norm, BASE_PATH } from "./lib/site.mjs";

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
