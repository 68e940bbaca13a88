// The page of a source cited more often than the sources page lists (a site
// built by run.mjs for it; the sample never produces one): valid HTML, no
// serious or critical accessibility violations, and every citing briefing
// reachable from the sources page.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import { HtmlValidate, formatterFactory } from "html-validate";
import { launch, newPage, LANGS } from "./lib/site.mjs";

const require = createRequire(import.meta.url);
const AXE_SOURCE = fs.readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
const SITE = process.env.BRIEF_CITED_SITE_DIR;
const BASE = process.env.BRIEF_CITED_BASE_URL;

const validator = new HtmlValidate({
  extends: ["html-validate:recommended", "html-validate:document"],
  // As in html-validate.test.mjs.
  rules: { "require-sri": "off", "no-trailing-whitespace": "off", "long-title": "off" },
});

/** The folder of the one source page of a language. */
function sourceDir(lang) {
  const dirs = fs.readdirSync(path.join(SITE, lang, "sources")).filter((d) => d.startsWith("src-"));
  assert.equal(dirs.length, 1, `${lang}: ${dirs}`);
  return `${lang}/sources/${dirs[0]}/`;
}

let browser;
before(async () => {
  assert.ok(SITE && BASE, "run with `npm test` (node run.mjs)");
  browser = await launch();
});
after(() => browser?.close());

test("the source pages and the sources pages pass html-validate", async () => {
  const files = LANGS.flatMap((lang) => {
    const dir = sourceDir(lang);
    return [
      `${lang}/sources/index.html`,
      `${dir}index.html`,
      `${dir}page/2/index.html`,
      `${dir}page/3/index.html`,
    ];
  });
  const results = [];
  for (const f of files) {
    const report = await validator.validateFile(path.join(SITE, f));
    if (!report.valid) results.push(...report.results);
  }
  assert.equal(results.length, 0, formatterFactory("stylish")(results));
});

for (const lang of LANGS) {
  test(`axe: ${lang} source page has no serious or critical violations`, async () => {
    const { context, page } = await newPage(browser);
    try {
      const res = await page.goto(new URL(sourceDir(lang), BASE).href);
      assert.equal(res.status(), 200);
      await page.addScriptTag({ content: AXE_SOURCE });
      const result = await page.evaluate(() => window.axe.run(document, { resultTypes: ["violations"] }));
      const bad = result.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
      assert.deepEqual(bad.map((v) => `${v.id}: ${v.help}`), []);
    } finally {
      await context.close();
    }
  });

  test(`${lang}: from the sources page, "all briefings" leads through every citing briefing`, async () => {
    const { context, page } = await newPage(browser);
    try {
      await page.goto(new URL(`${lang}/sources/`, BASE).href);
      assert.equal(await page.locator("ul.cited-by li").count(), 10);
      await page.locator(".source-all a").click();
      const seen = [];
      for (;;) {
        seen.push(...(await page.locator("ul.cards .card-title a").allTextContents()));
        const next = page.locator(".pagination a[rel=next]");
        if ((await next.count()) === 0) break;
        await next.click();
      }
      assert.equal(seen.length, 12);
      assert.equal(new Set(seen).size, 12);
      assert.deepEqual(page.errors, []);
    } finally {
      await context.close();
    }
  });
}
