// Reading in every language: a Korean and a Chinese locale added with files
// only (run.mjs builds fixtures/cjk/ over a copy of the sample) keep words
// whole and quotes the right way round; the 404 page speaks the language of
// the path; in-text markers are big enough to tap and footnotes look unlike
// citations; reference details never start a line with a separator.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import { HtmlValidate } from "html-validate";
import { launch, newPage, url, messages, BASE_PATH, SITE_DIR } from "./lib/site.mjs";

const require = createRequire(import.meta.url);
const AXE_SOURCE = fs.readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");

const CJK_BASE = process.env.BRIEF_CJK_BASE_URL;
const CJK_DIR = process.env.BRIEF_CJK_SITE_DIR;
if (!CJK_BASE || !CJK_DIR) throw new Error("BRIEF_CJK_BASE_URL is not set: run the browser tests with `npm test` (node run.mjs)");
const cjk = (rel) => new URL(rel, CJK_BASE).href;

const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true };
const SLUG = "shanghai-ai-compute-subsidy";

let browser;
before(async () => {
  browser = await launch();
});
after(() => browser?.close());

async function withPage(options, fn) {
  const { context, page } = await newPage(browser, options);
  try {
    await fn(page);
    assert.deepEqual(page.errors, []);
  } finally {
    await context.close();
  }
}

/**
 * For every white-space-separated word under `selector`, how many lines its
 * glyphs sit on (Range.getClientRects per word), and how many lines the
 * element has in all.
 */
function wordLines(page, selector) {
  return page.evaluate((sel) => {
    return [...document.querySelectorAll(sel)].map((el) => {
      const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
      const words = [];
      const allTops = new Set();
      let node;
      while ((node = walker.nextNode())) {
        if (node.parentElement.closest("sup, .visually-hidden")) continue;
        const re = /\S+/g;
        let m;
        while ((m = re.exec(node.data))) {
          const r = document.createRange();
          r.setStart(node, m.index);
          r.setEnd(node, m.index + m[0].length);
          const tops = new Set([...r.getClientRects()].filter((x) => x.width > 0).map((x) => Math.round(x.bottom)));
          tops.forEach((t) => allTops.add(t));
          words.push({ word: m[0], lines: tops.size });
        }
      }
      return { text: el.textContent.trim(), words, lines: allTops.size };
    });
  }, selector);
}

test("Korean keeps every word whole at 390 px: body, title, key points and cards", async () => {
  await withPage(PHONE, async (page) => {
    await page.goto(cjk(`ko/${SLUG}/`));
    const [sentence] = (await wordLines(page, ".briefing-body p")).filter((p) => p.text.startsWith("상하이시는 스타트업이"));
    assert.ok(sentence, "the measured Korean sentence is on the page");
    // The sentence wraps, so a break inside a word would show.
    assert.ok(sentence.lines >= 3, `the sentence spans ${sentence.lines} lines`);
    for (const sel of [".briefing-body p", "h1", ".key-points li", ".summary"]) {
      for (const block of await wordLines(page, sel)) {
        const broken = block.words.filter((w) => w.lines > 1).map((w) => w.word);
        assert.deepEqual(broken, [], `${sel}: words broken across lines in “${block.text}”`);
      }
    }
    const style = await page.evaluate(() => {
      const s = getComputedStyle(document.querySelector(".briefing-body p"));
      return { wordBreak: s.wordBreak, font: s.fontFamily };
    });
    assert.equal(style.wordBreak, "keep-all");
    assert.match(style.font, /Noto Sans CJK KR/);

    await page.goto(cjk("ko/"));
    for (const block of await wordLines(page, ".card-title, .card-summary")) {
      const broken = block.words.filter((w) => w.lines > 1).map((w) => w.word);
      assert.deepEqual(broken, [], `card: words broken across lines in “${block.text}”`);
    }
  });
});

test("Korean and Chinese text is set in a Korean and a Chinese Gothic face, not a serif", async () => {
  for (const [lang, family] of [
    ["ko", "Noto Sans CJK KR"],
    ["zh", "Noto Sans CJK SC"],
  ]) {
    await withPage(PHONE, async (page) => {
      await page.goto(cjk(`${lang}/${SLUG}/`));
      // The faces Chromium actually drew the first paragraph with.
      const cdp = await page.context().newCDPSession(page);
      await cdp.send("DOM.enable");
      await cdp.send("CSS.enable");
      const { root } = await cdp.send("DOM.getDocument");
      const { nodeId } = await cdp.send("DOM.querySelector", { nodeId: root.nodeId, selector: ".briefing-body p" });
      const { fonts } = await cdp.send("CSS.getPlatformFontsForNode", { nodeId });
      const main = fonts.sort((a, b) => b.glyphCount - a.glyphCount)[0];
      assert.equal(main.familyName, family, `${lang}: ${JSON.stringify(fonts)}`);
    });
  }
});

test("English text is set in a named sans face, not DejaVu or a fallback serif", async () => {
  await withPage({}, async (page) => {
    await page.goto(url(`en/${SLUG}/`));
    const cdp = await page.context().newCDPSession(page);
    await cdp.send("DOM.enable");
    await cdp.send("CSS.enable");
    const { root } = await cdp.send("DOM.getDocument");
    for (const selector of ["h1", ".briefing-body p", ".meta"]) {
      const { nodeId } = await cdp.send("DOM.querySelector", { nodeId: root.nodeId, selector });
      const { fonts } = await cdp.send("CSS.getPlatformFontsForNode", { nodeId });
      const main = fonts.sort((a, b) => b.glyphCount - a.glyphCount)[0].familyName;
      // On Linux (.ci/run installs fonts-liberation) the stack's named faces.
      assert.ok(
        ["Noto Sans", "Ubuntu", "Cantarell", "Liberation Sans", "Noto Serif", "Source Serif 4"].includes(main),
        `${selector}: drawn with ${main}`,
      );
    }
  });
});

test("quotes turn the right way next to Hangul and Han characters", async () => {
  await withPage(PHONE, async (page) => {
    await page.goto(cjk(`ko/${SLUG}/`));
    // A quote between two Hangul letters carries word joiners (U+2060) on
    // both sides in HTML, so that no line breaks beside it: checked, then
    // left out of the comparisons.
    const raw = await page.evaluate(() => document.querySelector(".briefing-body").textContent);
    assert.ok(raw.includes("바우처\u2060”\u2060를"), raw);
    const ko = await page.evaluate(() => ({
      title: document.querySelector("h1").textContent,
      summary: document.querySelector(".summary").textContent,
      points: [...document.querySelectorAll(".key-points li")].map((li) => li.textContent.trim()),
      body: document.querySelector(".briefing-body").textContent,
    }));
    for (const k of Object.keys(ko)) ko[k] = JSON.parse(JSON.stringify(ko[k]).replace(/\u2060/g, ""));
    assert.equal(ko.title, "상하이시, 인공지능 스타트업에 “10억 위안” 규모 바우처 지원");
    assert.ok(ko.summary.includes("‘컴퓨팅 바우처’는 그 가운데"), ko.summary);
    assert.equal(ko.points[0], "연산 바우처 6억 위안, “모델 바우처” 3억 위안, 말뭉치 바우처 1억 위안으로 구성된다.");
    assert.ok(ko.body.includes("정부는 “모델 바우처”를 통해"), ko.body);
    assert.ok(ko.body.includes("‘컴퓨팅 바우처’는 연산 자원"), ko.body);

    await page.goto(cjk(`zh/${SLUG}/`));
    const zh = await page.evaluate(() => ({
      title: document.querySelector("h1").textContent,
      points: [...document.querySelectorAll(".key-points li")].map((li) => li.textContent.trim()),
      body: document.querySelector(".briefing-body").textContent,
    }));
    assert.equal(zh.title, "上海以约10亿元“算力券”支持人工智能初创企业");
    assert.equal(zh.points[0], "方案包括6亿元“算力券”、3亿元模型券和1亿元语料券。");
    assert.ok(zh.body.includes("上海的“算力券”政策"), zh.body);
    assert.ok(zh.body.includes("所谓“模型券”，"), zh.body);
  });
});

test("the switcher names languages in the reader's language and explains a missing one", async () => {
  await withPage({}, async (page) => {
    // The Korean page: Japanese named in Korean; the Korean briefing has a
    // Japanese and an English version, and a Chinese one.
    await page.goto(cjk(`ko/${SLUG}/`));
    assert.equal(await page.locator(".lang-switcher a[hreflang=ja]").getAttribute("title"), "일본어");
    // An English page with no Korean version: the reason, in English.
    await page.goto(cjk("en/us-china-compute-strategies/"));
    const missing = page.locator(".lang-switcher .unavailable").first();
    assert.equal(await missing.getAttribute("title"), "This page has no Korean version yet");
    assert.equal((await missing.locator(".visually-hidden").textContent()).trim(), "(This page has no Korean version yet)");
    assert.equal(await missing.locator("[lang=ko]").textContent(), "한국어");
  });
});

test("the 404 page speaks the language of the path", async () => {
  const en = messages("en");
  const ja = messages("ja");
  for (const [lang, m] of [
    ["en", en],
    ["ja", ja],
  ]) {
    await withPage({ locale: lang === "en" ? "ja-JP" : "en-GB" }, async (page) => {
      // The browser's language is the other one: the path decides.
      const res = await page.goto(url(`${lang}/no-such-briefing/`));
      assert.equal(res.status(), 404);
      await page.waitForFunction((l) => document.documentElement.lang === l, lang);
      const shown = await page.evaluate(() =>
        [...document.querySelectorAll("main [data-lang]")].filter((b) => !b.hidden && b.getClientRects().length).map((b) => b.lang),
      );
      assert.deepEqual(shown, [lang]);
      assert.equal((await page.locator(`section[data-lang=${lang}] h2`).innerText()).trim(), m["not-found-title"]);
      assert.ok((await page.title()).startsWith(m["not-found-title"]), await page.title());
      assert.equal(
        await page.locator(`section[data-lang=${lang}] a`).first().getAttribute("href"),
        `${BASE_PATH}${lang}/`,
      );
    });
  }
  // The site with a Korean locale, its 404 page opened at its own address
  // (no language in the path): the browser's language decides.
  await withPage({ locale: "ko-KR" }, async (page) => {
    await page.goto(cjk("404.html"));
    const blocks = await page.evaluate(() => [...document.querySelectorAll("main [data-lang]")].map((b) => b.lang));
    assert.deepEqual(blocks, ["ja", "en", "ko", "zh"]);
    await page.waitForFunction(() => document.documentElement.lang === "ko");
    assert.equal((await page.locator("section[data-lang=ko] h2").innerText()).trim(), "페이지를 찾을 수 없습니다");
    assert.ok(await page.locator("section[data-lang=ja]").isHidden());
  });
  // Without JavaScript every language's block is there to read.
  await withPage({ javaScriptEnabled: false }, async (page) => {
    await page.goto(url("en/no-such-briefing/"));
    const shown = await page.evaluate(() =>
      [...document.querySelectorAll("main [data-lang]")].filter((b) => b.getClientRects().length).map((b) => b.lang),
    );
    assert.deepEqual(shown, ["ja", "en"]);
  });
});

test("in-text markers are at least 24×24 px on a phone and leave the line height alone", async () => {
  await withPage(PHONE, async (page) => {
    for (const lang of ["ja", "en"]) {
      await page.goto(url(`${lang}/${SLUG}/`));
      const sizes = await page.evaluate(() =>
        [...document.querySelectorAll("sup.citation a, sup.footnote-ref a")].map((a) => {
          const r = a.getBoundingClientRect();
          return { text: a.textContent, w: r.width, h: r.height };
        }),
      );
      assert.ok(sizes.length > 5, `${lang}: ${sizes.length} markers`);
      const small = sizes.filter((s) => s.w < 24 || s.h < 24);
      assert.deepEqual(small, [], `${lang}: markers smaller than 24×24`);
      // A paragraph with markers is still a whole number of lines tall.
      const paras = await page.evaluate(() =>
        [...document.querySelectorAll(".briefing-body p")]
          .filter((p) => p.querySelector("sup"))
          .map((p) => ({ h: p.getBoundingClientRect().height, lh: parseFloat(getComputedStyle(p).lineHeight) })),
      );
      assert.ok(paras.length > 0);
      for (const { h, lh } of paras) {
        const lines = h / lh;
        assert.ok(Math.abs(lines - Math.round(lines)) < 0.05, `${lang}: a paragraph ${h}px tall at ${lh}px a line`);
      }
      // Footnotes do not look like citations: a frame, no brackets.
      const look = await page.evaluate(() => {
        const f = document.querySelector("sup.footnote-ref a");
        const c = document.querySelector("sup.citation a");
        return {
          note: f.textContent,
          cite: c.textContent,
          noteFrame: getComputedStyle(f, "::before").borderTopStyle,
          citeFrame: getComputedStyle(c, "::before").borderTopStyle,
        };
      });
      assert.equal(look.note, lang === "ja" ? "注1" : "1");
      assert.match(look.cite, /^\[\d+\]$/);
      assert.equal(look.noteFrame, "solid");
      assert.notEqual(look.citeFrame, "solid");
    }
  });
});

test("no line of a reference starts with a separator, and 「引用」 stays whole", async () => {
  // Every width from 300 to 480 px: wherever the lines happen to break.
  const widths = Array.from({ length: 31 }, (_, i) => 300 + 6 * i);
  await withPage(PHONE, async (page) => {
    await page.goto(url(`ja/${SLUG}/`));
    let wrapped = 0;
    for (const width of widths) {
      await page.setViewportSize({ width, height: 844 });
      const items = await page.evaluate(() =>
        [...document.querySelectorAll(".references li :is(.ref-date, .ref-accessed)")]
          .filter((el) => el.previousElementSibling?.matches(".ref-publisher, .ref-date"))
          .map((el) => {
            // The item's own text, without the separator drawn before it.
            const r = document.createRange();
            r.selectNodeContents(el);
            const text = [...r.getClientRects()].filter((x) => x.width > 0)[0];
            const prev = [...el.previousElementSibling.getClientRects()].at(-1);
            const li = el.closest("li");
            const start = li.getBoundingClientRect().left + parseFloat(getComputedStyle(li).paddingLeft);
            // The item starts a line: its separator must have stayed on the line above.
            const startsLine = text.top > prev.bottom - 1;
            return { text: el.textContent, startsLine, left: text.left - start };
          }),
      );
      assert.ok(items.length > 3);
      wrapped += items.filter((i) => i.startsLine).length;
      const bad = items.filter((i) => i.startsLine && i.left > 2);
      assert.deepEqual(bad, [], `${width}px: the separator went down with these`);
    }
    assert.ok(wrapped > 0, "no width wrapped a date onto a line of its own; the check checked nothing");

    await page.goto(url("ja/sources/"));
    for (const width of widths) {
      await page.setViewportSize({ width, height: 844 });
      const counts = await page.evaluate(() =>
        // The words' own line boxes (the separator before them may end the line above).
        [...document.querySelectorAll(".source-meta .count")].map((c) => {
          const r = document.createRange();
          r.selectNodeContents(c);
          const lines = new Set([...r.getClientRects()].filter((x) => x.width > 0).map((x) => Math.round(x.bottom)));
          return { text: c.textContent, lines: lines.size };
        }),
      );
      assert.ok(counts.length > 3);
      assert.deepEqual(counts.filter((c) => c.lines !== 1), [], `${width}px`);
    }
  });
});

test("axe finds nothing serious on the Korean and Chinese pages and the 404 page", async () => {
  for (const address of [cjk(`ko/${SLUG}/`), cjk(`zh/${SLUG}/`), cjk("ko/"), url("en/no-such-briefing/")]) {
    await withPage(PHONE, async (page) => {
      await page.goto(address);
      await page.addScriptTag({ content: AXE_SOURCE });
      const result = await page.evaluate(() => window.axe.run(document, { resultTypes: ["violations"] }));
      const bad = result.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
      assert.deepEqual(
        bad.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`),
        [],
        address,
      );
    });
  }
});

test("html-validate passes the Korean and Chinese pages and the 404 page", async () => {
  const validator = new HtmlValidate({
    extends: ["html-validate:recommended", "html-validate:document"],
    rules: { "require-sri": "off", "no-trailing-whitespace": "off", "long-title": "off" },
  });
  const files = [
    path.join(CJK_DIR, "ko", SLUG, "index.html"),
    path.join(CJK_DIR, "zh", SLUG, "index.html"),
    path.join(CJK_DIR, "ko", "index.html"),
    path.join(CJK_DIR, "404.html"),
    path.join(SITE_DIR, "404.html"),
    path.join(SITE_DIR, "index.html"),
  ];
  for (const file of files) {
    const report = await validator.validateFile(file);
    assert.ok(report.valid, `${file}: ${JSON.stringify(report.results.flatMap((r) => r.messages.map((m) => `${m.ruleId}: ${m.message}`)))}`);
  }
});
