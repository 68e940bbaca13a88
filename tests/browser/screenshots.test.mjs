// Japanese text renders with a real CJK font (fonts-noto-cjk), not as tofu:
// the fonts Chromium actually used for the headline are read through the
// DevTools protocol, and full-page screenshots are written for a person to
// look at (path printed below).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { launch, newPage, url } from "./lib/site.mjs";

const DIR = path.resolve(process.env.SCREENSHOT_DIR || "screenshots");
const SLUG = "waic-2025-ai-cooperation-organization";
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

let browser;
before(async () => {
  fs.mkdirSync(DIR, { recursive: true });
  console.log(`# screenshots: ${DIR}`);
  browser = await launch();
});
after(() => browser?.close());

/** The platform fonts Chromium used to draw the text of `selector`. */
async function fontsOf(page, selector) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("DOM.enable");
  await cdp.send("CSS.enable");
  const { root } = await cdp.send("DOM.getDocument");
  const { nodeId } = await cdp.send("DOM.querySelector", { nodeId: root.nodeId, selector });
  const { fonts } = await cdp.send("CSS.getPlatformFontsForNode", { nodeId });
  await cdp.detach();
  return fonts;
}

function checkPng(file, width) {
  const buf = fs.readFileSync(file);
  assert.ok(buf.length > 10_000, `${file} has ${buf.length} bytes`);
  assert.deepEqual(buf.subarray(0, 8), PNG, `${file} is a PNG`);
  assert.equal(buf.toString("latin1", 12, 16), "IHDR");
  const w = buf.readUInt32BE(16);
  const h = buf.readUInt32BE(20);
  assert.equal(w, width, `${file} is ${width} px wide`);
  assert.ok(h > 900, `${file} is a full-page screenshot (${h} px high)`);
  return { w, h, bytes: buf.length };
}

const SHOTS = [
  { name: "ja-article", lang: "ja", viewport: { width: 1280, height: 900 } },
  { name: "en-article", lang: "en", viewport: { width: 1280, height: 900 } },
  { name: "ja-article-phone", lang: "ja", viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true },
];

for (const shot of SHOTS) {
  test(`screenshot: ${shot.name} (${shot.viewport.width}px)`, async () => {
    const { viewport, isMobile, hasTouch } = shot;
    const { context, page } = await newPage(browser, { viewport, isMobile, hasTouch, deviceScaleFactor: 1 });
    try {
      await page.goto(url(`${shot.lang}/${SLUG}/`));
      await page.evaluate(() => document.fonts.ready);

      const fonts = await fontsOf(page, "h1");
      const glyphs = fonts.reduce((n, f) => n + f.glyphCount, 0);
      const cjk = fonts.filter((f) => /CJK|JP|Gothic|Hiragino|Mincho/i.test(f.familyName));
      if (shot.lang === "ja") {
        // Every glyph of the Japanese headline comes from a CJK font (Latin
        // letters such as "AI" included, since the font stack starts with it).
        assert.ok(cjk.length > 0, `a CJK font draws the headline: ${JSON.stringify(fonts)}`);
        assert.equal(cjk.reduce((n, f) => n + f.glyphCount, 0), glyphs, JSON.stringify(fonts));
      } else {
        assert.ok(glyphs > 0 && fonts.length > 0, JSON.stringify(fonts));
      }
      // The page does not scroll sideways (a phone-width layout bug would).
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      assert.ok(overflow <= 0, `no horizontal scrolling (${overflow}px too wide)`);

      const file = path.join(DIR, `${shot.name}.png`);
      await page.screenshot({ path: file, fullPage: true });
      const { h, bytes } = checkPng(file, viewport.width);
      console.log(`# ${file}: ${viewport.width}x${h}, ${bytes} bytes; headline fonts: ${fonts.map((f) => `${f.familyName} (${f.glyphCount})`).join(", ")}`);
    } finally {
      await context.close();
    }
  });
}
