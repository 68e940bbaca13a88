/*
 * brief — small progressive enhancements for the default theme.
 *
 * Citation previews: pointing at or keyboard-focusing a citation marker
 * (sup.citation a) shows the cited entry's title, publisher and date, read
 * from the matching item in the page's reference list. Without this script
 * the marker is still an ordinary link to that item.
 *
 * Scrollable code blocks and tables: those wider than their column get
 * tabindex="0", so keyboard users can scroll them too.
 *
 * No dependencies; safe on pages that have no citations.
 */
(function () {
  "use strict";

  if (!document.querySelector || !window.addEventListener) return;

  var MARKER = "sup.citation a";
  var HIDE_DELAY = 200; // ms: time to move the pointer onto the popover
  var GAP = 6; // px between the marker and the popover
  var EDGE = 8; // px kept free at the viewport edges

  var popover = null;
  var current = null; // the marker the popover belongs to
  var hideTimer = 0;

  function closestMarker(node) {
    if (!node || node.nodeType !== 1 || !node.closest) return null;
    return node.closest(MARKER);
  }

  function textOf(root, selector) {
    var el = root.querySelector(selector);
    return el ? el.textContent.replace(/\s+/g, " ").trim() : "";
  }

  // The reference item a marker points to: li#ref-<data-ref>, or the
  // fragment of its href as a fallback.
  function referenceFor(link) {
    var key = link.getAttribute("data-ref");
    var item = key ? document.getElementById("ref-" + key) : null;
    if (!item) {
      var href = link.getAttribute("href") || "";
      if (href.charAt(0) === "#" && href.length > 1) {
        try {
          item = document.getElementById(decodeURIComponent(href.slice(1)));
        } catch (e) {
          item = document.getElementById(href.slice(1));
        }
      }
    }
    return item;
  }

  function ensurePopover() {
    if (popover) return popover;
    popover = document.createElement("div");
    popover.id = "cite-preview";
    popover.className = "cite-preview";
    popover.setAttribute("role", "tooltip");
    popover.hidden = true;
    // Keep the popover open while the pointer is over it (WCAG 1.4.13).
    popover.addEventListener("mouseenter", cancelHide);
    popover.addEventListener("mouseleave", scheduleHide);
    document.body.appendChild(popover);
    return popover;
  }

  function span(className, text) {
    var el = document.createElement("span");
    el.className = className;
    if (text) el.textContent = text;
    return el;
  }

  function fill(item) {
    var title = textOf(item, ".ref-title");
    if (!title) return false;
    var number = textOf(item, ".ref-number");
    var publisher = textOf(item, ".ref-publisher");
    var date = textOf(item, ".ref-date");

    var pop = ensurePopover();
    while (pop.firstChild) pop.removeChild(pop.firstChild);

    // Plain spaces between the parts keep the accessible description
    // readable ("[1] Title Publisher · date") when it is flattened to text.
    var titleLine = span("cite-preview-title");
    if (number) {
      titleLine.appendChild(span("cite-preview-number", number));
      titleLine.appendChild(document.createTextNode(" "));
    }
    titleLine.appendChild(document.createTextNode(title));
    pop.appendChild(titleLine);

    if (publisher || date) {
      pop.appendChild(document.createTextNode(" "));
      var meta = span("cite-preview-meta");
      if (publisher) meta.appendChild(span("cite-preview-publisher", publisher));
      if (publisher && date) meta.appendChild(document.createTextNode(" · "));
      if (date) meta.appendChild(span("cite-preview-date", date));
      pop.appendChild(meta);
    }

    // Inherit the language and direction of the reference list so that
    // fonts and text direction match the page.
    var langHost = item.closest("[lang]");
    if (langHost) pop.setAttribute("lang", langHost.getAttribute("lang"));
    else pop.removeAttribute("lang");
    pop.setAttribute("dir", getComputedStyle(item).direction === "rtl" ? "rtl" : "ltr");
    return true;
  }

  function place(link) {
    var pop = popover;
    var rect = link.getBoundingClientRect();
    var vw = document.documentElement.clientWidth || window.innerWidth;
    var vh = window.innerHeight;
    var rtl = pop.getAttribute("dir") === "rtl";

    pop.style.left = "0px";
    pop.style.top = "0px";
    var width = pop.offsetWidth;
    var height = pop.offsetHeight;

    // Start-align with the marker (its right edge in RTL), then clamp.
    var x = rtl ? rect.right - width : rect.left;
    x = Math.max(EDGE, Math.min(x, vw - width - EDGE));

    // Below the marker, or above it when there is no room below.
    var y = rect.bottom + GAP;
    if (y + height > vh - EDGE && rect.top - GAP - height >= EDGE) {
      y = rect.top - GAP - height;
    }

    pop.style.left = Math.round(x + window.pageXOffset) + "px";
    pop.style.top = Math.round(y + window.pageYOffset) + "px";
  }

  function addToken(el, attr, token) {
    var list = (el.getAttribute(attr) || "").split(/\s+/).filter(Boolean);
    if (list.indexOf(token) < 0) list.push(token);
    el.setAttribute(attr, list.join(" "));
  }

  function removeToken(el, attr, token) {
    var list = (el.getAttribute(attr) || "").split(/\s+/).filter(function (t) {
      return t && t !== token;
    });
    if (list.length) el.setAttribute(attr, list.join(" "));
    else el.removeAttribute(attr);
  }

  function show(link) {
    cancelHide();
    if (current === link && popover && !popover.hidden) return;
    if (current) hide();
    var item = referenceFor(link);
    if (!item || !fill(item)) return;
    current = link;
    popover.hidden = false;
    place(link);
    addToken(link, "aria-describedby", popover.id);
  }

  function hide() {
    cancelHide();
    if (!current) return;
    removeToken(current, "aria-describedby", popover.id);
    popover.hidden = true;
    current = null;
  }

  function scheduleHide() {
    cancelHide();
    hideTimer = window.setTimeout(hide, HIDE_DELAY);
  }

  function cancelHide() {
    if (hideTimer) {
      window.clearTimeout(hideTimer);
      hideTimer = 0;
    }
  }

  function isKeyboardFocus(el) {
    try {
      return el.matches(":focus-visible");
    } catch (e) {
      return true; // older browsers: treat every focus as keyboard focus
    }
  }

  function init() {
    if (!document.querySelector(MARKER)) return;

    // Pointer hover. On touch screens the emulated hover is immediately
    // followed by a click, which dismisses the popover again.
    document.addEventListener("mouseover", function (ev) {
      var link = closestMarker(ev.target);
      if (link) show(link);
    });
    document.addEventListener("mouseout", function (ev) {
      var link = closestMarker(ev.target);
      if (link && link === current && !link.contains(ev.relatedTarget)) scheduleHide();
    });

    // Keyboard focus.
    document.addEventListener("focusin", function (ev) {
      var link = closestMarker(ev.target);
      if (link && isKeyboardFocus(link)) show(link);
    });
    document.addEventListener("focusout", function (ev) {
      if (closestMarker(ev.target) === current) hide();
    });

    // Following the link, Escape, or a new layout all dismiss it.
    document.addEventListener("click", function (ev) {
      if (closestMarker(ev.target)) hide();
    });
    document.addEventListener("keydown", function (ev) {
      if ((ev.key === "Escape" || ev.key === "Esc") && current) hide();
    });
    window.addEventListener("resize", hide);
  }

  // Code blocks and tables that scroll sideways must be reachable by
  // keyboard (WCAG 2.1.1): make those that overflow focusable so that the
  // arrow keys scroll them. Re-checked when the layout width changes.
  var SCROLLERS = "pre, table";
  function focusableScrollers() {
    var els = document.querySelectorAll(SCROLLERS);
    for (var i = 0; i < els.length; i++) {
      var el = els[i];
      var ours = el.hasAttribute("data-scroll-focus");
      if (el.hasAttribute("tabindex") && !ours) continue;
      if (el.scrollWidth > el.clientWidth + 1) {
        el.setAttribute("tabindex", "0");
        el.setAttribute("data-scroll-focus", "");
      } else if (ours) {
        el.removeAttribute("tabindex");
        el.removeAttribute("data-scroll-focus");
      }
    }
  }

  // The 404 page carries every language's text (main[data-not-found], one
  // [data-lang] block each): show the block of the language the missing
  // path belongs to (/<base>/<lang>/…), else of the browser's languages;
  // with neither, every block stays visible.
  function notFoundLanguage() {
    var main = document.querySelector("main[data-not-found]");
    if (!main) return;
    var blocks = main.querySelectorAll("[data-lang]");
    var base = main.getAttribute("data-base-path") || "/";
    var path = window.location.pathname;
    var wanted = [];
    if (path.indexOf(base) === 0) {
      var first = path.slice(base.length).split("/")[0];
      try {
        wanted.push(decodeURIComponent(first));
      } catch (e) {
        // A malformed escape names no language.
      }
    }
    var fromPath = wanted.length;
    var prefs = navigator.languages || [navigator.language || ""];
    for (var p = 0; p < prefs.length; p++) wanted.push(String(prefs[p]));
    var pick = null;
    for (var w = 0; w < wanted.length && !pick; w++) {
      var code = wanted[w].toLowerCase();
      if (!code) continue;
      // The path must name the language exactly; a browser preference
      // may also match by its primary subtag (ko-KR → ko).
      for (var i = 0; i < blocks.length && !pick; i++) {
        var lang = blocks[i].getAttribute("data-lang").toLowerCase();
        if (lang === code || (w >= fromPath && lang.split("-")[0] === code.split("-")[0])) {
          pick = blocks[i];
        }
      }
    }
    if (!pick) return;
    for (var j = 0; j < blocks.length; j++) blocks[j].hidden = blocks[j] !== pick;
    document.documentElement.lang = pick.getAttribute("lang");
    document.documentElement.dir = pick.getAttribute("dir") || "ltr";
    var title = pick.getAttribute("data-title");
    if (title) document.title = title;
  }

  function start() {
    notFoundLanguage();
    focusableScrollers();
    // Web fonts and late layout can change what overflows.
    window.addEventListener("load", focusableScrollers);
    window.addEventListener("resize", function () {
      window.requestAnimationFrame(focusableScrollers);
    });
    init();
  }

  // "Cite this briefing": the copy button is hidden in the HTML and shown
  // only here, where copying works; without JavaScript the citation stays
  // selectable text.
  function initCopy() {
    var buttons = document.querySelectorAll("button.cite-copy[data-copy]");
    for (var i = 0; i < buttons.length; i++) {
      (function (button) {
        var source = document.getElementById(button.getAttribute("data-copy"));
        if (!source || !navigator.clipboard || !navigator.clipboard.writeText) return;
        var label = button.textContent;
        button.hidden = false;
        button.addEventListener("click", function () {
          var text = source.textContent.replace(/\s+/g, " ").trim();
          navigator.clipboard.writeText(text).then(function () {
            button.textContent = button.getAttribute("data-copied") || label;
            window.setTimeout(function () {
              button.textContent = label;
            }, 2000);
          }, function () {
            // Copying was refused: select the text so the reader can copy it.
            var range = document.createRange();
            range.selectNodeContents(source);
            var sel = window.getSelection();
            sel.removeAllRanges();
            sel.addRange(range);
          });
        });
      })(buttons[i]);
    }
  }

  try {
    initCopy();
  } catch (e) {
    // Enhancements are optional; never break the page.
  }

  try {
    if (document.readyState === "loading") {
      document.addEventListener("DOMContentLoaded", start);
    } else {
      start();
    }
  } catch (e) {
    // Enhancements are optional; never break the page.
  }
})();
