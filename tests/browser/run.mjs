#!/usr/bin/env node
// Browser tests: builds the sample site for a loopback base URL under the
// /briefings/ sub-path, serves it with lib/server.mjs, and runs the
// *.test.mjs files with node's test runner against it in headless Chromium.
//
//   node run.mjs                    all test files
//   node run.mjs search.test.mjs    some of them
//
// Environment:
//   BRIEF_BIN        a prebuilt brief binary (default: `cargo run --release --`)
//   CHROMIUM         the browser (default /usr/bin/chromium)
//   SCREENSHOT_DIR   where screenshots go (default tests/browser/screenshots)
//   KEEP_SITE=1      keep the built site's temporary folder
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { startServer } from "./lib/server.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, "../..");

function run(cmd, args, opts) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: "inherit", ...opts });
    child.on("error", reject);
    child.on("exit", (code, signal) => resolve(signal ? 128 : code));
  });
}

/**
 * Writes a two-language site where 12 briefings per language cite the same
 * report (the sources page lists 10 per source), with the repository's theme
 * and locales.
 */
function writeCitedSite(root) {
  fs.cpSync(path.join(repo, "themes"), path.join(root, "themes"), { recursive: true });
  fs.cpSync(path.join(repo, "locales"), path.join(root, "locales"), { recursive: true });
  fs.writeFileSync(
    path.join(root, "book.toml"),
    '[site]\ntitle = "Cited"\nbase_url = "https://example.org/"\ndefault_language = "ja"\npaginate = 5\n\n[languages.ja]\nname = "日本語"\n\n[languages.en]\nname = "English"\n',
  );
  for (const lang of ["ja", "en"]) {
    fs.mkdirSync(path.join(root, "content", lang), { recursive: true });
    for (let i = 1; i <= 12; i++) {
      const n = String(i).padStart(2, "0");
      const title = lang === "ja" ? `計算資源の報告 ${n}` : `Compute report note ${n}`;
      fs.writeFileSync(
        path.join(root, "content", lang, `note-${n}.md`),
        `---\ntitle: "${title}"\ndate: 2025-04-${n}\nsummary: "${title}"\ncitations:\n  - id: 1\n    title: "National compute review"\n    publisher: "Example Agency"\n    url: "https://example.com/compute-review"\n---\n${lang === "ja" ? "本文です" : "Body text"} [1].\n`,
      );
    }
  }
}

/**
 * Writes a copy of the sample site with a Korean and a Chinese locale added
 * the way a translator adds one: book.toml tables, locales/<lang>/*.ftl and
 * content/<lang>/ from fixtures/cjk/, no code and no theme change.
 */
function writeCjkSite(root) {
  for (const dir of ["themes", "locales", "content"]) {
    fs.cpSync(path.join(repo, dir), path.join(root, dir), { recursive: true });
  }
  fs.cpSync(path.join(here, "fixtures", "cjk", "locales"), path.join(root, "locales"), { recursive: true });
  fs.cpSync(path.join(here, "fixtures", "cjk", "content"), path.join(root, "content"), { recursive: true });
  const toml = fs.readFileSync(path.join(repo, "book.toml"), "utf8");
  fs.writeFileSync(
    path.join(root, "book.toml"),
    `${toml}\n[languages.ko]\nname = "한국어"\n\n[languages.zh]\nname = "中文"\n`,
  );
}

/**
 * Writes a site with the sample's configuration, locales and theme whose only
 * articles are fixtures/markup/: every Markdown construct the renderer writes
 * (tables, task lists, code, images, heading attributes, …), for vnu.test.mjs.
 */
function writeMarkupSite(root) {
  for (const dir of ["themes", "locales"]) {
    fs.cpSync(path.join(repo, dir), path.join(root, dir), { recursive: true });
  }
  fs.cpSync(path.join(here, "fixtures", "markup", "content"), path.join(root, "content"), { recursive: true });
  fs.copyFileSync(path.join(repo, "book.toml"), path.join(root, "book.toml"));
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "brief-browser-"));
const out = path.join(tmp, "briefings");
let server;
let code = 1;
try {
  server = await startServer({ root: tmp, notFound: "/briefings/404.html" });
  const origin = `http://127.0.0.1:${server.address().port}`;
  const base = `${origin}/briefings/`;

  const started = Date.now();
  const [cmd, ...pre] = process.env.BRIEF_BIN
    ? [process.env.BRIEF_BIN]
    : ["cargo", "run", "--release", "--quiet", "--"];
  const built = await run(cmd, [...pre, "build", "--output", out, "--base-url", base.replace(/\/$/, "")], {
    cwd: repo,
  });
  if (built !== 0) throw new Error(`building the sample site failed (exit ${built})`);
  console.log(`built the sample site into ${out} in ${((Date.now() - started) / 1000).toFixed(1)}s; serving ${base}`);

  // A second site whose pages the sample never produces: one source cited by
  // more briefings than the sources page lists, so it gets a page of its own.
  const cited = path.join(tmp, "cited-src");
  const citedOut = path.join(tmp, "cited");
  const citedBase = `${origin}/cited/`;
  writeCitedSite(cited);
  const builtCited = await run(cmd, [...pre, "build", "--root", cited, "--output", citedOut, "--base-url", citedBase.replace(/\/$/, "")], {
    cwd: repo,
  });
  if (builtCited !== 0) throw new Error(`building the cited-source site failed (exit ${builtCited})`);

  // The sample with a Korean and a Chinese locale added from files only.
  const cjk = path.join(tmp, "cjk-src");
  const cjkOut = path.join(tmp, "cjk");
  const cjkBase = `${origin}/cjk/`;
  writeCjkSite(cjk);
  const builtCjk = await run(cmd, [...pre, "build", "--root", cjk, "--output", cjkOut, "--base-url", cjkBase.replace(/\/$/, "")], {
    cwd: repo,
  });
  if (builtCjk !== 0) throw new Error(`building the Korean and Chinese site failed (exit ${builtCjk})`);

  // The markup sampler (fixtures/markup/), for the Nu Html Checker.
  const markup = path.join(tmp, "markup-src");
  const markupOut = path.join(tmp, "markup");
  const markupBase = `${origin}/markup/`;
  writeMarkupSite(markup);
  const builtMarkup = await run(cmd, [...pre, "build", "--root", markup, "--output", markupOut, "--base-url", markupBase.replace(/\/$/, "")], {
    cwd: repo,
  });
  if (builtMarkup !== 0) throw new Error(`building the markup sampler site failed (exit ${builtMarkup})`);

  const files = process.argv.slice(2).length
    ? process.argv.slice(2)
    : fs.readdirSync(here).filter((f) => f.endsWith(".test.mjs")).sort();
  code = await run(
    process.execPath,
    ["--test", "--test-reporter=spec", "--test-concurrency=1", "--test-timeout=90000", ...files],
    {
      cwd: here,
      env: {
        ...process.env,
        BRIEF_REPO: repo,
        BRIEF_SITE_DIR: out,
        BRIEF_BASE_URL: base,
        BRIEF_CITED_SITE_DIR: citedOut,
        BRIEF_CITED_BASE_URL: citedBase,
        BRIEF_CJK_SITE_DIR: cjkOut,
        BRIEF_CJK_BASE_URL: cjkBase,
        BRIEF_MARKUP_SITE_DIR: markupOut,
        SCREENSHOT_DIR: process.env.SCREENSHOT_DIR || path.join(here, "screenshots"),
      },
    },
  );
} catch (err) {
  console.error(err.message || err);
  code = 1;
} finally {
  if (server) {
    server.closeAllConnections();
    server.close();
  }
  if (process.env.KEEP_SITE) console.log(`site kept in ${out}`);
  else fs.rmSync(tmp, { recursive: true, force: true });
}
process.exit(code);
