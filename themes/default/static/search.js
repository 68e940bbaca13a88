/*
 * brief search: the browser half. Dependency-free.
 *
 * The tokenizer below must match src/search.rs exactly (NFKC + lowercase,
 * overlapping bigrams for CJK runs, words with light English stemming for
 * other scripts); a test in tests/search_js.rs runs both on the same strings.
 * The index is fetched only when the reader searches: meta.json, then only
 * the shards holding the query's tokens, then only the document chunks of
 * the hits shown.
 */
(function () {
  "use strict";

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

  function tokenize(text) {
    var s = String(text).normalize("NFKC").toLowerCase();
    var tokens = [], cjk = [], word = "";
    function flushCjk() {
      if (cjk.length === 1) tokens.push(cjk[0]);
      else for (var i = 0; i + 1 < cjk.length; i++) tokens.push(cjk[i] + cjk[i + 1]);
      cjk = [];
    }
    function flushWord() {
      if (word) { tokens.push(stem(word)); word = ""; }
    }
    for (var ch of s) {
      var cp = ch.codePointAt(0);
      if (isCjk(cp)) { flushWord(); cjk.push(ch); }
      else if (alnum.test(ch)) { if (cjk.length) flushCjk(); word += ch; }
      else { flushWord(); if (cjk.length) flushCjk(); }
    }
    flushWord();
    if (cjk.length) flushCjk();
    return tokens;
  }

  function fnv1a(str) {
    var bytes = new TextEncoder().encode(str), h = 0x811c9dc5;
    for (var i = 0; i < bytes.length; i++) {
      h ^= bytes[i];
      h = Math.imul(h, 0x01000193) >>> 0;
    }
    return h >>> 0;
  }

  if (typeof module !== "undefined" && module.exports) {
    module.exports = { tokenize: tokenize, stem: stem, fnv1a: fnv1a };
    return;
  }

  var form = document.querySelector("form[data-search-base]");
  if (!form) return;
  var base = form.getAttribute("data-search-base");
  var input = document.getElementById("search-input");
  var status = document.getElementById("search-status");
  var list = document.getElementById("search-results");
  var cache = {};
  var meta = null;

  function getJson(name) {
    if (!cache[name]) {
      cache[name] = fetch(base + name).then(function (r) {
        if (!r.ok) throw new Error(name + ": " + r.status);
        return r.json();
      });
    }
    return cache[name];
  }

  function loadMeta() {
    if (!meta) meta = getJson("meta.json");
    return meta;
  }

  function say(key, count) {
    var text = status.getAttribute("data-" + key) || "";
    if (count !== undefined) text = text.replace("999999", String(count));
    status.textContent = text;
  }

  // Wraps every occurrence of the query's words in <mark>, building DOM nodes
  // (never HTML strings), so titles and excerpts cannot inject markup.
  function highlight(el, text, needles) {
    var norm = text.normalize("NFKC").toLowerCase();
    var spans = [];
    needles.forEach(function (n) {
      if (!n) return;
      // Words of spaced scripts match only at the start of a word ("ai" is
      // not marked inside "waic"); CJK text has no word boundaries.
      var wordy = alnum.test(n.charAt(0)) && !isCjk(n.codePointAt(0));
      var i = norm.indexOf(n);
      while (i >= 0) {
        var before = i > 0 ? norm.charAt(i - 1) : "";
        if (!wordy || !before || !alnum.test(before) || isCjk(before.codePointAt(0))) spans.push([i, i + n.length]);
        i = norm.indexOf(n, i + n.length);
      }
    });
    spans.sort(function (a, b) { return a[0] - b[0] || b[1] - a[1]; });
    // NFKC may change lengths; only highlight when it did not.
    if (norm.length !== text.length) spans = [];
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

  // The query's words; a stemmed word is also looked for by the part it
  // shares with its stem, so "subsidies" marks "subsidy" and "subsidies".
  function needlesOf(query) {
    var words = String(query).normalize("NFKC").toLowerCase().split(/[\s\u3000、。,.;:!?！？・]+/).filter(function (w) { return w.length > 0; });
    var out = [];
    words.forEach(function (w) {
      out.push(w);
      var st = stem(w), k = 0;
      while (k < w.length && k < st.length && w[k] === st[k]) k++;
      if (k >= 3 && k < w.length) out.push(w.slice(0, k));
    });
    return out;
  }

  var generation = 0;
  function search(query) {
    var gen = ++generation;
    list.textContent = "";
    var tokens = Array.from(new Set(tokenize(query)));
    if (!tokens.length) { status.textContent = ""; return; }
    say("loading");
    loadMeta().then(function (m) {
      var shardNames = tokens.map(function (t) { return "index-" + (fnv1a(t) % m.shards) + ".json"; });
      return Promise.all(shardNames.map(getJson)).then(function (shards) {
        var scores = null;
        tokens.forEach(function (t, k) {
          var flat = shards[k][t] || [];
          var mine = new Map(), doc = 0;
          for (var i = 0; i < flat.length; i += 2) { doc += flat[i]; mine.set(doc, flat[i + 1]); }
          if (scores === null) { scores = mine; return; }
          var next = new Map();
          scores.forEach(function (s, d) { if (mine.has(d)) next.set(d, s + mine.get(d)); });
          scores = next;
        });
        var hits = Array.from(scores.entries()).sort(function (a, b) { return b[1] - a[1] || a[0] - b[0]; });
        return { m: m, hits: hits };
      });
    }).then(function (r) {
      if (gen !== generation) return;
      var shown = r.hits.slice(0, 50);
      if (!r.hits.length) { say("none"); return; }
      var chunks = Array.from(new Set(shown.map(function (h) { return Math.floor(h[0] / r.m.chunk); })));
      return Promise.all(chunks.map(function (c) { return getJson("docs-" + c + ".json"); })).then(function (loaded) {
        if (gen !== generation) return;
        var byChunk = {};
        chunks.forEach(function (c, i) { byChunk[c] = loaded[i]; });
        var needles = needlesOf(query);
        shown.forEach(function (h) {
          var d = byChunk[Math.floor(h[0] / r.m.chunk)][h[0] % r.m.chunk];
          var li = document.createElement("li");
          li.className = "search-result";
          var h3 = document.createElement("h2");
          h3.className = "result-title";
          var a = document.createElement("a");
          a.href = d[1];
          highlight(a, d[0], needles);
          h3.appendChild(a);
          var date = document.createElement("p");
          date.className = "result-date";
          date.textContent = d[2];
          var snip = document.createElement("p");
          snip.className = "result-snippet";
          highlight(snip, d[3], needles);
          li.appendChild(h3);
          li.appendChild(date);
          li.appendChild(snip);
          list.appendChild(li);
        });
        say("count", r.hits.length);
      });
    }).catch(function () { if (gen === generation) say("error"); });
  }

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
