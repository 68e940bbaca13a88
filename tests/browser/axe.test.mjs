// axe-core finds no serious or critical accessibility violations on the main
// page types, in both languages, in the light and the dark colour scheme
// (and the article at phone width, where code blocks scroll sideways).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import { createRequire } from "node:module";
import { launch, newPage, url, until, LANGS } from "./lib/site.mjs";

const require = createRequire(import.meta.url);
const AXE_SOURCE = fs.readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");

const PAGES = {
  index: (lang) => `${lang}/`,
  article: (lang) => `${lang}/us-china-compute-strategies/`,
  "topic term": (lang) => `${lang}/topics/compute/`,
  sources: (lang) => `${lang}/sources/`,
  // With results on the page, so that their markup is checked too.
  search: (lang) => `${lang}/search/?q=${encodeURIComponent(lang === "ja" ? "上海" : "Shanghai")}`,
};

let browser;
before(async () => {
  browser = await launch();
});
after(() => browser?.close());

function describe(violations) {
  return violations
    .map(
      (v) =>
        `[${v.impact}] ${v.id}: ${v.help}\n  ${v.helpUrl}\n` +
        v.nodes
          .slice(0, 8)
          .map((n) => `  - ${n.target.join(" ")}\n    ${n.failureSummary.replace(/\n/g, "\n    ")}\n    ${n.html.slice(0, 200)}`)
          .join("\n") +
        (v.nodes.length > 8 ? `\n  … and ${v.nodes.length - 8} more` : ""),
    )
    .join("\n");
}

const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true };
const RUNS = [
  ...["light", "dark"].flatMap((scheme) =>
    LANGS.flatMap((lang) => Object.keys(PAGES).map((name) => ({ label: scheme, scheme, lang, name }))),
  ),
  // At phone width code blocks and tables scroll sideways.
  ...LANGS.map((lang) => ({ label: "phone", scheme: "light", lang, name: "article", options: PHONE })),
];

for (const { label, scheme, lang, name, options } of RUNS) {
  test(`axe (${label}): ${lang} ${name} page has no serious or critical violations`, async () => {
    const { context, page } = await newPage(browser, { colorScheme: scheme, ...options });
    try {
      const address = url(PAGES[name](lang));
      const res = await page.goto(address);
      assert.equal(res.status(), 200);
      if (name === "search") {
        await until(page, () => document.querySelectorAll("#search-results > li").length > 0);
      }
      await page.addScriptTag({ content: AXE_SOURCE });
      const result = await page.evaluate(() => window.axe.run(document, { resultTypes: ["violations"] }));
      const bad = result.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
      const minor = result.violations.filter((v) => !bad.includes(v));
      if (minor.length) {
        // Reported, not failed: moderate and minor findings are worth a look.
        console.log(`# ${lang} ${name} (${label}): ${minor.map((v) => `${v.id} (${v.impact})`).join(", ")}`);
      }
      assert.equal(bad.length, 0, `${address}\n${describe(bad)}`);
    } finally {
      await context.close();
    }
  });
}
