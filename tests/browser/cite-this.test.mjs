// "Cite this briefing": the copy button (static/brief.js) copies the
// formatted citation to the clipboard and says so; without JavaScript the
// button stays hidden and the citation is plain text, and the downloads are
// data: links that need no script.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { launch, newPage, url, article } from "./lib/site.mjs";

const SLUG = "waic-2025-ai-cooperation-organization";
let browser;
before(async () => {
  browser = await launch();
});
after(() => browser?.close());

for (const lang of ["ja", "en"]) {
  test(`${lang}: the copy button copies the citation`, async () => {
    const { context, page } = await newPage(browser);
    try {
      await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: new URL(url()).origin });
      await page.goto(url(`${lang}/${SLUG}/`));
      const button = page.locator(".cite-this button.cite-copy");
      await button.waitFor({ state: "visible" });
      const label = (await button.innerText()).trim();
      const expected = (await page.locator("#cite-this-text").innerText()).replace(/\s+/g, " ").trim();
      assert.ok(expected.includes(article(lang, SLUG).fm.title), expected);
      await button.click();
      await page.waitForFunction((l) => document.querySelector(".cite-this button.cite-copy").textContent.trim() !== l, label);
      const copied = await page.evaluate(() => navigator.clipboard.readText());
      assert.equal(copied, expected);
      assert.equal((await button.innerText()).trim(), await button.getAttribute("data-copied"));
    } finally {
      await context.close();
    }
  });

  test(`${lang}: without JavaScript the citation is text and the downloads are links`, async () => {
    const { context, page } = await newPage(browser, { javaScriptEnabled: false });
    try {
      await page.goto(url(`${lang}/${SLUG}/`));
      assert.equal(await page.locator(".cite-this button.cite-copy").isVisible(), false);
      assert.ok((await page.locator("#cite-this-text").innerText()).includes(article(lang, SLUG).fm.title));
      const hrefs = await page.locator(".cite-this a[download]").evaluateAll((as) => as.map((a) => a.href));
      assert.ok(hrefs.length >= 2 && hrefs.every((h) => h.startsWith("data:")), hrefs.join("\n"));
    } finally {
      await context.close();
    }
  });
}
