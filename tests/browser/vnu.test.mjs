// The Nu Html Checker (vnu, the W3C's validator) finds no error in any page or
// stylesheet of the built sites: every .html file of the sample (articles,
// lists, taxonomies, sources, search, the language roots, the root page and
// 404.html), of the cited-source site (a source's own page, paginated lists),
// of the sample with Korean and Chinese added and of the markup sampler
// (fixtures/markup/: tables, task lists, code, images, heading attributes),
// and every .css file they ship. Also three pages as Chromium holds them after
// the theme's scripts ran (search results for a query in each language, an
// open citation preview), serialized to files.
//
// One JVM run checks all of them (a few seconds; a JVM per page would take
// minutes). `java` comes from PATH, or from $JAVA; vnu.jar from the pinned npm
// package `vnu-jar`. Run it alone with `node run.mjs vnu.test.mjs`.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import vnuJar from "vnu-jar";
import { SITE_DIR, launch, newPage, url } from "./lib/site.mjs";

const JAVA = process.env.JAVA || "java";

/**
 * vnu warnings that are accepted, each with why. Anything else vnu calls a
 * warning fails the test just like an error. Empty today: the sample's pages
 * and the theme's CSS produce no warning at all, so any new one is something
 * a template or the renderer started doing and is worth a decision.
 * Entries: { message: /regex on the message text/, why: "…" }.
 */
const ACCEPTED_WARNINGS = [];
// vnu's plain "info" messages (neither error nor warning) do not fail the
// test; they are counted in its output. The only ones today: "Trailing slash
// on void elements has no effect" on the <hr />, <br />, <img … /> and
// <input … /> that pulldown-cmark writes for Markdown. The slash is allowed
// HTML syntax and every attribute value is quoted, so it changes nothing.

/** The built sites this run validates: [label, directory]. */
function sites() {
  const out = [["sample", SITE_DIR]];
  for (const [label, env] of [
    ["cited-source site", "BRIEF_CITED_SITE_DIR"],
    ["Korean and Chinese site", "BRIEF_CJK_SITE_DIR"],
    ["markup sampler", "BRIEF_MARKUP_SITE_DIR"],
  ]) {
    const dir = process.env[env];
    if (!dir) throw new Error(`${env} is not set: run the browser tests with \`npm test\` (node run.mjs)`);
    out.push([label, dir]);
  }
  return out;
}

function filesWith(dir, ext) {
  return fs
    .readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith(ext))
    .map((e) => path.join(e.parentPath ?? e.path, e.name))
    .sort();
}

function run(cmd, args) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", (e) =>
      reject(
        e.code === "ENOENT"
          ? new Error(`${cmd} not found: vnu needs a Java runtime (11 or newer) on PATH or in $JAVA; .ci/run installs default-jre-headless`)
          : e,
      ),
    );
    child.on("exit", (code) => resolve({ code, stdout, stderr }));
  });
}

/**
 * A page and a stylesheet with known mistakes, checked in the same run: if
 * vnu did not run, or its report were read wrongly, these would not show up
 * and the test fails instead of passing on an empty report.
 */
function writeCanary() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "brief-vnu-"));
  const html = path.join(dir, "canary.html");
  const css = path.join(dir, "canary.css");
  fs.writeFileSync(
    html,
    '<!DOCTYPE html>\n<html lang="en">\n<head><meta charset="utf-8"><title>canary</title></head>\n<body>\n<p><div>block in a paragraph</div></p>\n<img src="x.png">\n</body>\n</html>\n',
  );
  fs.writeFileSync(css, "p {\n  colr: red;\n}\n");
  return { dir, html, css };
}

/**
 * Pages as the theme's scripts leave them, which vnu cannot see in the built
 * files: search results listed for a query, and an open citation preview.
 * Each is [name, site path, a function that brings the page into that state].
 */
const SCRIPTED = [
  ["ja-search-results", `ja/search/?q=${encodeURIComponent("上海")}`, (page) => page.locator("#search-results > li").first().waitFor()],
  ["en-search-results", "en/search/?q=compute", (page) => page.locator("#search-results > li").first().waitFor()],
  [
    "en-citation-preview",
    "en/shanghai-ai-compute-subsidy/",
    async (page) => {
      await page.locator("sup.citation a").first().focus();
      await page.locator(".cite-preview").waitFor({ state: "visible" });
    },
  ],
];

/** Writes each SCRIPTED state's DOM, serialized, to dir; returns Map(file → URL). */
async function snapshotScriptedPages(dir) {
  const files = new Map();
  const browser = await launch();
  try {
    for (const [name, rel, ready] of SCRIPTED) {
      const { context, page } = await newPage(browser);
      try {
        await page.goto(url(rel));
        await ready(page);
        assert.deepEqual(page.errors, [], `script errors on ${rel}`);
        const html = await page.evaluate(() => `<!DOCTYPE html>\n${document.documentElement.outerHTML}\n`);
        const file = path.join(dir, `${name}.html`);
        fs.writeFileSync(file, html);
        files.set(file, url(rel));
      } finally {
        await context.close();
      }
    }
  } finally {
    await browser.close();
  }
  return files;
}

const fileOf = (m) => fileURLToPath(m.url);
const isWarning = (m) => m.type === "info" && m.subType === "warning";

test("the Nu Html Checker reports no error in any page or stylesheet of the built sites", async () => {
  const pages = [];
  const styles = [];
  for (const [label, dir] of sites()) {
    const html = filesWith(dir, ".html");
    const css = filesWith(dir, ".css");
    assert.ok(html.length > 0 && css.length > 0, `the ${label} in ${dir} has ${html.length} pages and ${css.length} stylesheets`);
    pages.push(...html);
    styles.push(...css);
  }
  // Every kind of page the sample has is among them.
  for (const rel of ["index.html", "404.html", "ja/index.html", "en/index.html", "ja/search/index.html", "ja/sources/index.html", "ja/topics/index.html"]) {
    assert.ok(pages.includes(path.join(SITE_DIR, rel)), `${rel} of the sample is validated`);
  }
  // The cited-source site has a source's own page and a second list page.
  const citedPages = filesWith(process.env.BRIEF_CITED_SITE_DIR, ".html").map((f) => path.relative(process.env.BRIEF_CITED_SITE_DIR, f));
  assert.ok(citedPages.some((f) => /^en\/sources\/[^/]+\/index\.html$/.test(f)), "a source's own page is validated");
  assert.ok(citedPages.some((f) => /^en\/page\/2\/index\.html$/.test(f)), `a second list page is validated: ${citedPages.join(" ")}`);
  // The markup sampler's page has every construct it is there for.
  const sampler = fs.readFileSync(path.join(process.env.BRIEF_MARKUP_SITE_DIR, "en", "markup-sampler", "index.html"), "utf8");
  for (const re of [/<table>/, /<th style="text-align: center">/, /<input disabled="" type="checkbox"/, /<pre[ >]/, /<img /, /<del>/, /<blockquote>\s*<p>/, /<h2 id="custom-id">/, /&lt;abbr /, /<h6[ >]/,
    /<td[^>]*>[^<]*<sup class="citation">/, /<a href="https:\/\/example\.com\/square-large\.png"><img /, /<h2 id="[^"]+">[^<]*<sup class="citation">/,
    /<h2 id="[^"]+">[^<]*<a href="https:\/\/example\.com\/heading">/, /<li id="fn-note">[\s\S]*?<ul>/,
    /<a href="https:\/\/example\.com\/cited-link">[^<]*<sup class="citation" id="cite-3-\d+">\[3\]<\/sup>[^<]*<\/a>/, /alt="A square cited from \[1\]"/]) {
    assert.ok(re.test(sampler), `the markup sampler's English page has no match for ${re}`);
  }
  const canary = writeCanary();
  try {
    const scripted = await snapshotScriptedPages(canary.dir);
    // file:line:column, naming the address for a page saved after its scripts ran.
    const where = (m) =>
      `${scripted.has(fileOf(m)) ? `${scripted.get(fileOf(m))} after its scripts ran, saved as ` : ""}${fileOf(m)}:${m.firstLine ?? m.lastLine ?? "?"}:${m.firstColumn ?? m.lastColumn ?? "?"}`;
    const files = [...pages, ...scripted.keys(), ...styles, canary.html, canary.css];
    const started = Date.now();
    // --also-check-css: .css files are checked as CSS (and <style> and style
    // attributes in pages always are). --verbose lists each checked file on
    // stdout; the JSON report goes to stderr.
    const { code, stdout, stderr } = await run(JAVA, [
      "-jar",
      String(vnuJar),
      "--format",
      "json",
      "--also-check-css",
      "--verbose",
      ...files,
    ]);
    const seconds = (Date.now() - started) / 1000;
    let report;
    try {
      report = JSON.parse(stderr.slice(stderr.indexOf("{")));
    } catch {
      assert.fail(`vnu (exit ${code}) printed no JSON report:\n${stderr}\n${stdout}`);
    }

    // vnu read every file it was given.
    const checked = new Set(stdout.split("\n").filter(Boolean));
    const unchecked = files.filter((f) => !checked.has(f));
    assert.deepEqual(unchecked, [], "files vnu did not check");
    // A non-document message (vnu itself failed: I/O, an internal error) is a failure too.
    const broken = report.messages.filter((m) => m.type === "non-document-error");
    assert.deepEqual(broken.map((m) => `${m.url ?? ""} ${m.message}`), [], "vnu could not check some files");

    // The canary's mistakes are reported: the report is read the right way.
    const canaryFiles = new Set([canary.html, canary.css]);
    const canaryErrors = report.messages.filter((m) => m.type === "error" && canaryFiles.has(fileOf(m)));
    const said = (file, re) => canaryErrors.some((m) => fileOf(m) === file && re.test(m.message));
    assert.ok(said(canary.html, /“p”/), `vnu reported the canary page's stray </p>: ${JSON.stringify(canaryErrors)}`);
    assert.ok(said(canary.html, /“alt”/), `vnu reported the canary page's <img> without alt: ${JSON.stringify(canaryErrors)}`);
    assert.ok(said(canary.css, /“colr”/), `vnu reported the canary stylesheet's unknown property: ${JSON.stringify(canaryErrors)}`);

    const site = report.messages.filter((m) => m.url && !canaryFiles.has(fileOf(m)));
    const errors = site.filter((m) => m.type === "error");
    const warnings = site.filter(isWarning);
    const infos = site.filter((m) => m.type === "info" && !isWarning(m));
    const unaccepted = warnings.filter((m) => !ACCEPTED_WARNINGS.some((w) => w.message.test(m.message)));
    const show = (ms) => ms.map((m) => `  ${where(m)}: ${m.type === "error" ? "error" : "warning"}: ${m.message}\n    ${JSON.stringify(m.extract ?? "")}`).join("\n");
    assert.equal(
      errors.length + unaccepted.length,
      0,
      `vnu: ${errors.length} errors and ${unaccepted.length} warnings not accepted (ACCEPTED_WARNINGS in vnu.test.mjs) in ${pages.length} pages, ${scripted.size} pages after their scripts ran and ${styles.length} stylesheets:\n${show([...errors, ...unaccepted])}`,
    );
    console.log(
      `# vnu ${report.version}: ${pages.length} pages, ${scripted.size} pages after their scripts ran and ${styles.length} stylesheets, 0 errors, ${warnings.length} accepted warnings, ${infos.length} info messages, in ${seconds.toFixed(1)}s`,
    );
  } finally {
    fs.rmSync(canary.dir, { recursive: true, force: true });
  }
});
