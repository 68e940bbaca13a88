// Citation markers land on their reference, and the reference's back-link
// returns to the marker, in a Japanese and an English briefing.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { launch, newPage, url, inViewport, until, article } from "./lib/site.mjs";

const SLUG = "us-china-compute-strategies";
let browser;
before(async () => {
  browser = await launch();
});
after(() => browser?.close());

for (const lang of ["ja", "en"]) {
  test(`${lang}: a citation marker jumps to its reference and the back-link returns`, async () => {
    const { context, page } = await newPage(browser);
    try {
      await page.goto(url(`${lang}/${SLUG}/`));
      const markers = page.locator("sup.citation a");
      assert.ok((await markers.count()) > 0, "the article has citation markers");

      // The second marker, so that the page has to scroll and a back-link
      // must pick the right one among several citing places.
      const marker = markers.nth(1);
      const href = await marker.getAttribute("href");
      const markerId = await marker.getAttribute("id");
      assert.match(href, /^#ref-/);
      assert.match(markerId, /^cite-/);
      const cited = article(lang, SLUG).fm.citations.find((c) => `#ref-${c.id}` === href);
      assert.ok(cited, `${href} names a citation of content/${lang}/${SLUG}.md`);

      await marker.click();
      await until(page, (h) => location.hash === h, href);
      const target = page.locator(":target");
      assert.equal(await target.count(), 1);
      assert.equal(await target.evaluate((el) => el.tagName + "#" + el.id), `LI#${href.slice(1)}`);
      assert.ok(await target.evaluate((el) => !!el.closest("ol.references")), "the target is in the reference list");
      assert.ok(await inViewport(target), "the reference is scrolled into view");
      assert.equal((await target.locator(".ref-title").innerText()).trim(), cited.title);

      const back = target.locator(`.backrefs a[href="#${markerId}"]`);
      assert.equal(await back.count(), 1, `the reference has a back-link to #${markerId}`);
      assert.ok(await back.getAttribute("aria-label"), "the back-link has an accessible name");
      await back.click();
      await until(page, (h) => location.hash === h, `#${markerId}`);
      assert.equal(await page.locator(":target").evaluate((el) => el.id), markerId);
      assert.ok(await page.locator(":target").evaluate((el) => el.matches("sup.citation a")));
      assert.ok(await inViewport(page.locator(":target")), "the marker is scrolled back into view");
      assert.deepEqual(page.errors, []);
    } finally {
      await context.close();
    }
  });
}
