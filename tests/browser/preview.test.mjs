// The citation preview (static/brief.js) appears on keyboard focus as a
// tooltip that names the cited source, is tied to the marker with
// aria-describedby, and goes away on Escape.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { launch, newPage, url, until, article } from "./lib/site.mjs";

const SLUG = "shanghai-ai-compute-subsidy";
let browser;
before(async () => {
  browser = await launch();
});
after(() => browser?.close());

/** Presses Tab until a citation marker has focus; returns its href and id. */
async function tabToMarker(page) {
  for (let i = 0; i < 200; i++) {
    await page.keyboard.press("Tab");
    const hit = await page.evaluate(() => {
      const el = document.activeElement;
      return el && el.matches("sup.citation a") ? { href: el.getAttribute("href"), id: el.id } : null;
    });
    if (hit) return hit;
  }
  throw new Error("no citation marker reached with Tab");
}

for (const lang of ["ja", "en"]) {
  test(`${lang}: keyboard focus on a marker shows the reference preview; Escape hides it`, async () => {
    const { context, page } = await newPage(browser);
    try {
      await page.goto(url(`${lang}/${SLUG}/`));
      const marker = await tabToMarker(page);
      const link = page.locator(`[id="${marker.id}"]`);
      const cited = article(lang, SLUG).fm.citations.find((c) => `#ref-${c.id}` === marker.href);
      assert.ok(cited, `${marker.href} names a citation of content/${lang}/${SLUG}.md`);

      const tip = page.locator(".cite-preview");
      await tip.waitFor({ state: "visible" });
      assert.equal(await tip.count(), 1);
      assert.equal(await tip.getAttribute("role"), "tooltip");
      const tipId = await tip.getAttribute("id");
      assert.ok(tipId, "the preview has an id");
      assert.ok((await tip.innerText()).includes(cited.title), `the preview names "${cited.title}"`);
      assert.ok((await tip.innerText()).includes(cited.publisher), "and its publisher");
      const described = (await link.getAttribute("aria-describedby")) || "";
      assert.ok(described.split(/\s+/).includes(tipId), `aria-describedby="${described}" points at #${tipId}`);

      // The preview is fully inside the viewport, next to the marker.
      const box = await tip.boundingBox();
      const vp = page.viewportSize();
      assert.ok(box.x >= 0 && box.x + box.width <= vp.width, `preview inside the viewport: ${JSON.stringify(box)}`);
      // The accessible description is the reference title, for screen readers.
      const description = await link.evaluate((a) =>
        a
          .getAttribute("aria-describedby")
          .split(/\s+/)
          .map((id) => document.getElementById(id)?.textContent || "")
          .join(" "),
      );
      assert.ok(description.includes(cited.title));

      await page.keyboard.press("Escape");
      await tip.waitFor({ state: "hidden" });
      await until(page, (id) => !document.getElementById(id).hasAttribute("aria-describedby"), marker.id);
      // Escape dismisses only the preview: focus stays on the marker.
      assert.equal(await page.evaluate(() => document.activeElement.id), marker.id);
      assert.deepEqual(page.errors, []);
    } finally {
      await context.close();
    }
  });
}

test("en: programmatic focus after keyboard use shows the preview, blur hides it", async () => {
  const { context, page } = await newPage(browser);
  try {
    await page.goto(url(`en/${SLUG}/`));
    await page.keyboard.press("Tab"); // keyboard modality, as a keyboard user's
    const last = page.locator("sup.citation a").last();
    await last.focus();
    const tip = page.locator(".cite-preview");
    await tip.waitFor({ state: "visible" });
    const href = await last.getAttribute("href");
    const title = (await page.locator(`${href} .ref-title`).innerText()).trim();
    assert.ok((await tip.innerText()).includes(title));
    assert.ok(await last.evaluate((a) => (a.getAttribute("aria-describedby") || "").includes("cite-preview")));
    await page.keyboard.press("Tab");
    await tip.waitFor({ state: "hidden" });
    assert.equal(await last.getAttribute("aria-describedby"), null);
  } finally {
    await context.close();
  }
});
