// The language switcher opens the translation of the same briefing, and back.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { launch, newPage, url, article, BASE_PATH } from "./lib/site.mjs";

const SLUG = "waic-2025-ai-cooperation-organization";
let browser;
before(async () => {
  browser = await launch();
});
after(() => browser?.close());

async function expectArticle(page, lang) {
  assert.equal(new URL(page.url()).pathname, `${BASE_PATH}${lang}/${SLUG}/`);
  assert.equal(await page.locator("html").getAttribute("lang"), lang);
  assert.equal((await page.locator("h1").innerText()).trim(), article(lang, SLUG).fm.title);
  const current = page.locator(".lang-switcher [aria-current=page]");
  assert.equal(await current.getAttribute("lang"), lang);
}

test("the language switcher opens the English translation and back", async () => {
  const { context, page } = await newPage(browser);
  try {
    await page.goto(url(`ja/${SLUG}/`));
    await expectArticle(page, "ja");

    const toEn = page.locator(".lang-switcher a[hreflang=en]");
    assert.equal(await toEn.count(), 1);
    await Promise.all([page.waitForURL(`**/en/${SLUG}/`), toEn.click()]);
    await expectArticle(page, "en");

    const toJa = page.locator(".lang-switcher a[hreflang=ja]");
    await Promise.all([page.waitForURL(`**/ja/${SLUG}/`), toJa.click()]);
    await expectArticle(page, "ja");
    assert.deepEqual(page.errors, []);
  } finally {
    await context.close();
  }
});

for (const [locale, lang] of [
  ["en-GB", "en"],
  ["ja-JP", "ja"],
  ["fr-FR", "ja"], // no French: the default language
]) {
  test(`the root page sends a browser set to ${locale} to /${lang}/`, async () => {
    const { context, page } = await newPage(browser, { locale });
    try {
      await page.goto(url(""));
      await page.waitForURL(url(`${lang}/`));
      assert.equal(await page.locator("html").getAttribute("lang"), lang);
    } finally {
      await context.close();
    }
  });
}

test("an unknown address gets the 404 page, styled, linking each language's home", async () => {
  const { context, page } = await newPage(browser);
  try {
    const res = await page.goto(url("ja/no-such-briefing/"));
    assert.equal(res.status(), 404);
    // The stylesheet loaded although the page is served at another path.
    const styled = await page.evaluate(() => getComputedStyle(document.body).marginTop === "0px" && document.styleSheets.length > 0);
    assert.ok(styled, "style.css applies");
    const homes = await page.locator("main a").evaluateAll((as) => as.map((a) => a.getAttribute("href")));
    for (const lang of ["ja", "en"]) assert.ok(homes.includes(`${BASE_PATH}${lang}/`), `links ${lang} home: ${homes}`);
  } finally {
    await context.close();
  }
});
