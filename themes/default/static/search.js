/*
 * brief search: the browser half. Dependency-free.
 *
 * The tokenizer below must match src/index/search.rs exactly (NFKC +
 * lowercase, overlapping bigrams for CJK runs, words with light English
 * stemming for other scripts); a test in tests/search_js.rs runs both on the
 * same strings. The same tokenizer finds the excerpt of each result, so what
 * is marked is what matched. The index is fetched only when the reader
 * searches: meta.json, then only the shards holding the query's tokens, then
 * only the document records of the results shown, a page at a time. Records
 * are compressed one by one (raw deflate) and laid end to end in document
 * packs (docs-N.bin); meta.json lists their lengths, so the page asks for the
 * bytes of the records it shows with Range requests, one request per run of
 * nearby records. A host that ignores Range sends the whole pack, which is
 * then kept and sliced.
 */
(function () {
  "use strict";

  /** A query needs this many letters, digits or CJK characters: a single
   * CJK character is indexed only where it stands alone, not inside words. */
  var MIN_CHARS = 2;
  /** Index format this script reads (meta.json's "v"). */
  var FORMAT = 3;
  /** Records closer than this many bytes are fetched in one request, the
   * bytes between them with it. */
  var GAP = 4096;
  /** Characters of an excerpt around its best match. */
  var WINDOW = 160;

  function isCjk(cp) {
    return (cp >= 0x3040 && cp <= 0x30ff) || (cp >= 0x31f0 && cp <= 0x31ff) ||
      (cp >= 0x3400 && cp <= 0x4dbf) || (cp >= 0x4e00 && cp <= 0x9fff) ||
      (cp >= 0xf900 && cp <= 0xfaff) || (cp >= 0xac00 && cp <= 0xd7af) ||
      (cp >= 0x1100 && cp <= 0x11ff) || (cp >= 0x3130 && cp <= 0x318f) ||
      (cp >= 0x20000 && cp <= 0x2ffff);
  }

  var alnum = /[\p{L}\p{N}]/u;

  function stem(w) {
    if (!/^[a-z]+$/.test(w)) return w;
    var n = w.length;
    if (n > 4 && w.endsWith("ies")) return w.slice(0, n - 3) + "y";
    if (w.endsWith("sses")) return w.slice(0, n - 2);
    if (n > 5 && w.endsWith("ing")) return w.slice(0, n - 3);
    if (n > 4 && w.endsWith("ed") && !w.endsWith("eed")) return w.slice(0, n - 2);
    if (n > 3 && w.endsWith("s") && !w.endsWith("ss") && !w.endsWith("us") && !w.endsWith("is")) return w.slice(0, n - 1);
    return w;
  }

  /**
   * Reads normalized text `s` and calls emit(token, start, end) for each
   * token, with its place in `s` (UTF-16 offsets).
   */
  function scan(s, emit) {
    var cjk = [], word = "", wordAt = 0;
    function flushCjk() {
      if (cjk.length === 1) emit(cjk[0][0], cjk[0][1], cjk[0][2]);
      else for (var i = 0; i + 1 < cjk.length; i++) emit(cjk[i][0] + cjk[i + 1][0], cjk[i][1], cjk[i + 1][2]);
      cjk = [];
    }
    function flushWord(at) {
      if (word) { emit(stem(word), wordAt, at); word = ""; }
    }
    for (var i = 0; i < s.length;) {
      var cp = s.codePointAt(i), ch = String.fromCodePoint(cp), next = i + ch.length;
      if (isCjk(cp)) { flushWord(i); cjk.push([ch, i, next]); }
      else if (alnum.test(ch)) { if (cjk.length) flushCjk(); if (!word) wordAt = i; word += ch; }
      else { flushWord(i); if (cjk.length) flushCjk(); }
      i = next;
    }
    flushWord(s.length);
    if (cjk.length) flushCjk();
  }

  function tokenize(text) {
    var tokens = [];
    scan(String(text).normalize("NFKC").toLowerCase(), function (t) { tokens.push(t); });
    return tokens;
  }

  /** Letters, digits and CJK characters of a query, after NFKC. */
  function countChars(text) {
    var n = 0;
    for (var ch of String(text).normalize("NFKC")) if (alnum.test(ch) || isCjk(ch.codePointAt(0))) n++;
    return n;
  }

  function fnv1a(str) {
    var bytes = new TextEncoder().encode(str), h = 0x811c9dc5;
    for (var i = 0; i < bytes.length; i++) {
      h ^= bytes[i];
      h = Math.imul(h, 0x01000193) >>> 0;
    }
    return h >>> 0;
  }

  function shardName(token, m) { return "index-" + (fnv1a(token) % m.shards) + ".json"; }
  function packName(pack) { return "docs-" + pack + ".bin"; }

  /** Where each document's record is: [pack, start, end] by document number,
   * from meta.json's per-pack counts and per-record lengths. */
  function places(m) {
    if (!m.places) {
      var out = [], doc = 0;
      m.packs.forEach(function (count, pack) {
        for (var at = 0, k = 0; k < count; k++, doc++) {
          out.push([pack, at, at + m.lens[doc]]);
          at += m.lens[doc];
        }
      });
      Object.defineProperty(m, "places", { value: out });
    }
    return m.places;
  }

  /**
   * The requests that fetch the records of `docs`: runs of records of one
   * pack, near records merged (see GAP), as { pack, start, end, docs } with
   * byte offsets (end exclusive), in pack and offset order.
   */
  function plan(docs, m) {
    var at = places(m);
    var sorted = docs.slice().sort(function (a, b) {
      return at[a][0] - at[b][0] || at[a][1] - at[b][1];
    });
    var runs = [];
    sorted.forEach(function (d) {
      var p = at[d], last = runs[runs.length - 1];
      if (last && last.pack === p[0] && p[1] - last.end <= GAP) {
        last.end = Math.max(last.end, p[2]);
        last.docs.push(d);
      } else runs.push({ pack: p[0], start: p[1], end: p[2], docs: [d] });
    });
    return runs;
  }

  /** Decompresses one record (raw deflate) and reads its JSON. */
  function inflate(bytes) {
    var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("deflate-raw"));
    return new Response(stream).text().then(JSON.parse);
  }

  /**
   * The records of `docs`, in that order. getRange(name, start, end)
   * returns a promise of { bytes, whole }: the bytes start..end of a pack,
   * or (whole) the entire pack, when the host ignored the range.
   */
  function readDocs(docs, m, getRange) {
    var at = places(m), byDoc = new Map();
    return Promise.all(plan(docs, m).map(function (run) {
      return getRange(packName(run.pack), run.start, run.end).then(function (got) {
        var shift = got.whole ? 0 : run.start;
        return Promise.all(run.docs.map(function (d) {
          return inflate(got.bytes.subarray(at[d][1] - shift, at[d][2] - shift)).then(function (rec) {
            byDoc.set(d, rec);
          });
        }));
      });
    })).then(function () {
      return docs.map(function (d) { return byDoc.get(d); });
    });
  }

  /**
   * The documents holding every token, best first, as [doc, score]; getJson
   * returns a promise of a file of the index. The page and the benchmark
   * (bench/search_probe.mjs) both search with this.
   */
  function lookup(tokens, m, getJson) {
    if (m.v !== FORMAT) return Promise.reject(new Error("search index format " + m.v));
    return Promise.all(tokens.map(function (t) { return getJson(shardName(t, m)); })).then(function (shards) {
      var scores = null;
      tokens.forEach(function (t, k) {
        var flat = Object.prototype.hasOwnProperty.call(shards[k], t) ? shards[k][t] : [];
        var mine = new Map(), doc = 0;
        for (var i = 0; i < flat.length; i += 2) { doc += flat[i]; mine.set(doc, flat[i + 1]); }
        if (scores === null) { scores = mine; return; }
        var next = new Map();
        scores.forEach(function (s, d) { if (mine.has(d)) next.set(d, s + mine.get(d)); });
        scores = next;
      });
      return Array.from(scores.entries()).sort(function (a, b) { return b[1] - a[1] || a[0] - b[0]; });
    });
  }

  /**
   * Where the tokens in `want` (a Set) occur in `text`, as [start, end, token]
   * offsets into `text` itself, overlapping matches merged. Each character is
   * normalized by itself, so that every offset maps back to the original.
   */
  function matchSpans(text, want) {
    var s = "", from = [], to = [];
    for (var j = 0; j < text.length;) {
      var ch = String.fromCodePoint(text.codePointAt(j));
      var n = ch.normalize("NFKC").toLowerCase();
      for (var k = 0; k < n.length; k++) { from.push(j); to.push(j + ch.length); }
      s += n;
      j += ch.length;
    }
    var spans = [];
    scan(s, function (t, a, b) {
      if (!want.has(t)) return;
      var start = from[a], end = to[b - 1], last = spans[spans.length - 1];
      if (last && start <= last[1]) { last[1] = Math.max(last[1], end); last[2].add(t); }
      else spans.push([start, end, new Set([t])]);
    });
    return spans;
  }

  /**
   * What a query looks for, for marking: its tokens (a Set) and its words,
   * each the Set of its tokens (a CJK run's overlapping bigrams are one
   * word; so is each word of other scripts).
   */
  function wanted(query) {
    var words = [], last = -1;
    scan(String(query).normalize("NFKC").toLowerCase(), function (t, a, b) {
      if (a < last && words.length) words[words.length - 1].add(t);
      else words.push(new Set([t]));
      last = b;
    });
    var tokens = new Set();
    words.forEach(function (w) { w.forEach(function (t) { tokens.add(t); }); });
    return { tokens: tokens, words: words };
  }

  /**
   * The places in `text` where a whole word of the query matched (not a
   * lone bigram of a longer CJK word), as [start, end, words found].
   */
  function wordSpans(text, want) {
    var out = [];
    matchSpans(text, want.tokens).forEach(function (sp) {
      var found = want.words.filter(function (w) {
        var all = true;
        w.forEach(function (t) { if (!sp[2].has(t)) all = false; });
        return all;
      });
      if (found.length) out.push([sp[0], sp[1], new Set(found)]);
    });
    return out;
  }

  var PART_RANK = { k: 3, c: 2, b: 1 };

  /**
   * The excerpt of a result: the text (a [part, text] of its record) that
   * holds the most distinct words of the query (see `wanted`; key points before citations
   * before the body when tied), cut to a window around its densest match.
   * Returns { part, text, spans, before, after } or null.
   */
  function bestExcerpt(texts, want) {
    var best = null;
    texts.forEach(function (pt) {
      var spans = wordSpans(pt[1], want);
      if (!spans.length) return;
      var found = new Set();
      spans.forEach(function (sp) { sp[2].forEach(function (t) { found.add(t); }); });
      var score = found.size * 10 + PART_RANK[pt[0]];
      if (!best || score > best.score) best = { score: score, part: pt[0], text: pt[1], spans: spans };
    });
    if (!best) return null;
    var text = best.text, spans = best.spans;
    if (text.length <= WINDOW) return { part: best.part, text: text, spans: spans, before: false, after: false };
    // The window starting at the match whose next WINDOW characters hold the
    // most distinct tokens.
    var anchor = 0, most = -1;
    spans.forEach(function (sp, i) {
      var seen = new Set();
      for (var k = i; k < spans.length && spans[k][1] <= sp[0] + WINDOW; k++) spans[k][2].forEach(function (t) { seen.add(t); });
      if (seen.size > most) { most = seen.size; anchor = i; }
    });
    var start = Math.max(0, spans[anchor][0] - Math.floor(WINDOW / 4));
    var end = Math.min(text.length, start + WINDOW);
    start = Math.max(0, end - WINDOW);
    // In spaced scripts, cut at spaces rather than inside words.
    var space = text.lastIndexOf(" ", spans[anchor][0]);
    if (start > 0 && space >= start && space - start < 30) start = space + 1;
    var back = text.lastIndexOf(" ", end);
    if (end < text.length && back > spans[anchor][1] && end - back < 30) end = back;
    // Never cut a surrogate pair.
    if (start > 0 && /[\uDC00-\uDFFF]/.test(text.charAt(start))) start--;
    if (end < text.length && /[\uDC00-\uDFFF]/.test(text.charAt(end))) end++;
    var inside = [];
    spans.forEach(function (sp) {
      var a = Math.max(sp[0], start), b = Math.min(sp[1], end);
      if (a < b) inside.push([a - start, b - start, sp[2]]);
    });
    return { part: best.part, text: text.slice(start, end), spans: inside, before: start > 0, after: end < text.length };
  }

  if (typeof module !== "undefined" && module.exports) {
    module.exports = {
      tokenize: tokenize, stem: stem, fnv1a: fnv1a, countChars: countChars, MIN_CHARS: MIN_CHARS,
      shardName: shardName, packName: packName, plan: plan, readDocs: readDocs, GAP: GAP,
      lookup: lookup, matchSpans: matchSpans,
      wanted: wanted, wordSpans: wordSpans, bestExcerpt: bestExcerpt,
    };
    return;
  }

  var form = document.querySelector("form[data-search-base]");
  if (!form) return;
  var base = form.getAttribute("data-search-base");
  var input = document.getElementById("search-input");
  var status = document.getElementById("search-status");
  var list = document.getElementById("search-results");
  var more = document.getElementById("search-more");
  var cache = {};
  var meta = null;

  function getJson(name) {
    if (!cache[name]) {
      cache[name] = fetch(base + name).then(function (r) {
        if (!r.ok) throw new Error(name + ": " + r.status);
        return r.json();
      });
      cache[name].catch(function () { delete cache[name]; });
    }
    return cache[name];
  }

  /** Bytes start..end of a pack (see readDocs). A host that answers 200
   * sent the whole pack: it is kept, and later ranges are sliced from it. */
  var whole = {};
  function getRange(name, start, end) {
    if (whole[name]) return whole[name];
    return fetch(base + name, { headers: { Range: "bytes=" + start + "-" + (end - 1) } }).then(function (r) {
      if (r.status === 200) {
        var all = r.arrayBuffer().then(function (b) { return { bytes: new Uint8Array(b), whole: true }; });
        whole[name] = all;
        all.catch(function () { delete whole[name]; });
        return all;
      }
      if (r.status !== 206 || (r.headers.get("Content-Range") || "").indexOf("bytes " + start + "-") !== 0) {
        throw new Error(name + ": " + r.status);
      }
      return r.arrayBuffer().then(function (b) { return { bytes: new Uint8Array(b), whole: false }; });
    });
  }

  function loadMeta() {
    if (!meta) {
      meta = getJson("meta.json");
      meta.catch(function () { meta = null; });
    }
    return meta;
  }

  function say(key, count) {
    var text = status.getAttribute("data-" + key) || "";
    if (count !== undefined) text = text.replace("999999", String(count));
    status.textContent = text;
  }

  /** Appends `text` to `el` with `spans` ([start, end] offsets) in <mark>,
   * building DOM nodes (never HTML strings), so no text can inject markup. */
  function appendMarked(el, text, spans) {
    var pos = 0;
    spans.forEach(function (sp) {
      if (sp[0] < pos) return;
      el.appendChild(document.createTextNode(text.slice(pos, sp[0])));
      var m = document.createElement("mark");
      m.textContent = text.slice(sp[0], sp[1]);
      el.appendChild(m);
      pos = sp[1];
    });
    el.appendChild(document.createTextNode(text.slice(pos)));
  }

  function resultItem(d, want) {
    var li = document.createElement("li");
    li.className = "search-result";
    var h = document.createElement("h2");
    h.className = "result-title";
    var a = document.createElement("a");
    a.href = d[1];
    appendMarked(a, d[0], wordSpans(d[0], want));
    h.appendChild(a);
    var date = document.createElement("p");
    date.className = "result-date";
    date.textContent = d[2];
    var snip = document.createElement("p");
    snip.className = "result-snippet";
    appendMarked(snip, d[3], wordSpans(d[3], want));
    li.appendChild(h);
    li.appendChild(date);
    li.appendChild(snip);
    var ex = bestExcerpt(d[4] || [], want);
    if (ex) {
      var p = document.createElement("p");
      p.className = "result-excerpt";
      var label = list.getAttribute("data-part-" + ex.part);
      if (label) {
        var span = document.createElement("span");
        span.className = "result-part";
        span.textContent = label;
        p.appendChild(span);
      }
      if (ex.before) p.appendChild(document.createTextNode("…"));
      appendMarked(p, ex.text, ex.spans);
      if (ex.after) p.appendChild(document.createTextNode("…"));
      li.appendChild(p);
    }
    return li;
  }

  var generation = 0;
  var current = null; // { hits, shown, want, m } of the last query

  /** Shows the next page of the current query's results. */
  function showMore(gen) {
    var r = current, page = r.hits.slice(r.shown, r.shown + r.m.page);
    more.hidden = true;
    return readDocs(page.map(function (h) { return h[0]; }), r.m, getRange).then(function (docs) {
      if (gen !== generation) return;
      docs.forEach(function (d) { list.appendChild(resultItem(d, r.want)); });
      r.shown += page.length;
      more.hidden = r.shown >= r.hits.length;
      say("count", r.hits.length);
    });
  }

  function search(query) {
    var gen = ++generation;
    list.textContent = "";
    more.hidden = true;
    current = null;
    var tokens = Array.from(new Set(tokenize(query)));
    if (!tokens.length) { status.textContent = ""; return; }
    if (countChars(query) < MIN_CHARS) { say("short"); return; }
    say("loading");
    loadMeta().then(function (m) {
      return lookup(tokens, m, getJson).then(function (hits) { return { m: m, hits: hits }; });
    }).then(function (r) {
      if (gen !== generation) return;
      if (!r.hits.length) { say("none"); return; }
      current = { hits: r.hits, shown: 0, want: wanted(query), m: r.m };
      return showMore(gen);
    }).catch(function () { if (gen === generation) say("error"); });
  }

  more.addEventListener("click", function () {
    var gen = generation;
    if (!current) return;
    // Focus stays on the list: the first new result takes it once shown.
    var first = list.children.length;
    showMore(gen).then(function () {
      var a = list.children[first] && list.children[first].querySelector("a");
      if (a) a.focus();
    }).catch(function () { if (gen === generation) say("error"); });
  });

  var timer = null;
  input.addEventListener("focus", function () { loadMeta().catch(function () {}); }, { once: true });
  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () {
      var q = input.value;
      var url = new URL(location.href);
      if (q) url.searchParams.set("q", q); else url.searchParams.delete("q");
      history.replaceState(null, "", url);
      search(q);
    }, 150);
  });
  form.addEventListener("submit", function (e) { e.preventDefault(); search(input.value); });
  var initial = new URL(location.href).searchParams.get("q");
  if (initial) { input.value = initial; search(initial); }
})();
