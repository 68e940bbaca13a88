// Every HTML page of the built site passes html-validate.
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { HtmlValidate, formatterFactory } from "html-validate";
import { SITE_DIR } from "./lib/site.mjs";

const validator = new HtmlValidate({
  // "recommended" is the full rule set; "document" adds the rules for whole
  // documents (doctype, <title>, lang, heading levels, …).
  extends: ["html-validate:recommended", "html-validate:document"],
  rules: {
    // Same-origin stylesheets and scripts: Subresource Integrity protects
    // third-party (CDN) resources, and a hash would have to be rebuilt into
    // every page whenever the theme's CSS or JS changes.
    "require-sri": "off",
    // Pages are generated: the blank lines Tera leaves where an optional
    // block (an author, a summary, …) is empty are not visible and not invalid.
    "no-trailing-whitespace": "off",
    // An article's <title> is its headline plus the site name; editors write
    // headlines for readers, and the 70-character limit is an SEO heuristic
    // (search engines truncate the display), not a validity rule.
    "long-title": "off",
  },
});

function htmlFiles(dir) {
  return fs.readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith(".html"))
    .map((e) => path.join(e.parentPath ?? e.path, e.name))
    .sort();
}

test("every page of the built site passes html-validate", async () => {
  const files = htmlFiles(SITE_DIR);
  assert.ok(files.length >= 30, `found ${files.length} pages in ${SITE_DIR}`);
  const reports = [];
  for (const file of files) {
    const report = await validator.validateFile(file);
    if (!report.valid) reports.push(report);
  }
  const results = reports.flatMap((r) => r.results);
  const errors = results.reduce((n, r) => n + r.errorCount, 0);
  const stylish = formatterFactory("stylish");
  assert.equal(errors, 0, `${errors} html-validate errors in ${results.length} of ${files.length} pages:\n${stylish(results)}`);
  console.log(`# ${files.length} pages valid`);
});
