// tenet serve: reloads this page when a build changes it, keeping the scroll position, and
// shows the build's errors over the page until they are fixed. Added by `tenet serve` to the
// pages it sends; never part of the site's files.
(function () {
  "use strict";
  var me = document.currentScript;
  var loaded = me && me.getAttribute("data-generation");
  var instance = me && me.getAttribute("data-instance");
  var key = "tenet-serve-scroll:" + location.pathname;

  // The scroll position saved before a reload; restored once the page is laid out.
  var saved = null;
  try {
    saved = sessionStorage.getItem(key);
    sessionStorage.removeItem(key);
  } catch (e) {}
  // Until it is restored, a reload keeps this position (not the top of a page still loading).
  var pending = saved;
  if (saved) {
    var xy = saved.split(",");
    var restore = function () {
      window.scrollTo(+xy[0] || 0, +xy[1] || 0);
      pending = null;
    };
    if (document.readyState === "complete") restore();
    else window.addEventListener("load", restore);
  }

  // This page's file in the output folder.
  function ownFile() {
    var path = location.pathname;
    try { path = decodeURIComponent(path); } catch (e) {}
    path = path.replace(/^\/+/, "");
    if (path === "" || path.charAt(path.length - 1) === "/") path += "index.html";
    return path;
  }

  // Whether a changed output file is a stylesheet, script or image a page may show: not a
  // page, the search index, a PDF, the sitemap, or what is loaded on demand (the contents tree,
  // the versions). "*" (everything) counts as one.
  function asset(f) {
    return f === "*" || !/\.html$|^search\/|^pdf\/|^sitemap\.xml$|(^|\/)assets\/(site|tree)\.js$/.test(f);
  }

  // Whether a build that changed these files changes what this page shows.
  function affects(changed) {
    var own = ownFile(), search = /^search\//.test(own);
    return changed.some(function (f) { return f === own || asset(f) || (search && /^search\//.test(f)); });
  }

  // Whether only pages changed (no stylesheet, script or image a page could show).
  function onlyPages(changed) {
    return !changed.some(asset);
  }

  function reload() {
    try {
      sessionStorage.setItem(key, pending || window.scrollX + "," + window.scrollY);
    } catch (e) {}
    location.reload();
  }

  // The page as it was sent (fetched again once loaded), to tell what a build changed in it:
  // when only the main content, the local contents and the title did, they are put in place
  // without a reload, which is quicker and keeps everything else as it is (the scroll
  // position, an open menu). Anything else changed reloads the page.
  var REGIONS = ["#main", "#sidebar .branch"];
  var parse = window.DOMParser && window.fetch && function (html) {
    var doc = new DOMParser().parseFromString(html, "text/html");
    var parts = [];
    for (var i = 0; i < REGIONS.length; i++) {
      var part = doc.querySelector(REGIONS[i]);
      if (part && part.querySelector("script")) return null;
      if (part) part.parentNode.replaceChild(part.cloneNode(false), part);
      parts.push(part);
    }
    if (!parts[0]) return null;
    var title = doc.querySelector("title");
    var name = title ? title.textContent : "";
    if (title) title.textContent = "";
    var live = doc.querySelectorAll("script[data-generation]");
    for (var j = 0; j < live.length; j++) live[j].remove();
    return { rest: doc.documentElement.outerHTML, parts: parts, title: name };
  };
  function fetchPage() {
    return fetch(location.href, { cache: "no-store" }).then(function (r) {
      if (!r.ok) throw new Error(r.status);
      return r.text();
    });
  }
  var sent = null;
  if (parse) {
    fetchPage().then(function (html) { sent = parse(html); }).catch(function () {});
  }
  // Puts `now` in place of `here`, going down (a few levels) into elements whose own tag,
  // attributes and number of children are the same, and replacing only what differs: less
  // for the browser to lay out again.
  function swap(here, now, depth) {
    if (here.isEqualNode(now)) return;
    var a = here.childNodes, b = now.childNodes;
    var same = (depth || 0) < 4 && here.nodeType === 1 && a.length === b.length &&
      here.cloneNode(false).isEqualNode(now.cloneNode(false));
    if (!same) {
      here.parentNode.replaceChild(document.importNode(now, true), here);
      return;
    }
    for (var i = a.length - 1; i >= 0; i--) swap(a[i], b[i], (depth || 0) + 1);
  }

  function update(generation) {
    if (!sent) return reload();
    fetchPage().then(function (html) {
      var now = parse(html);
      if (!now || now.rest !== sent.rest) return reload();
      var here = REGIONS.map(function (r) { return document.querySelector(r); });
      for (var i = 0; i < REGIONS.length; i++) {
        // A region as the page's script left it (the full contents tree shown) is not swapped.
        if (!here[i] !== !now.parts[i] || (here[i] && here[i].classList.contains("full"))) return reload();
      }
      for (var j = 0; j < REGIONS.length; j++) {
        if (here[j]) swap(here[j], now.parts[j]);
      }
      if (now.title !== sent.title) document.title = now.title;
      sent = now;
      loaded = String(generation);
    }).catch(reload);
  }

  var overlay = null;
  function hide() {
    if (overlay) { overlay.remove(); overlay = null; }
  }
  function show(problems) {
    hide();
    overlay = document.createElement("div");
    overlay.id = "tenet-serve-errors";
    overlay.setAttribute("role", "alert");
    overlay.setAttribute("dir", "ltr");
    overlay.setAttribute("lang", "en");
    overlay.style.cssText =
      "position:fixed;inset:auto 0 0 0;max-height:60vh;overflow:auto;z-index:2147483647;" +
      "background:#fff8f7;color:#1a1a1a;border-top:4px solid #b3261e;" +
      "box-shadow:0 -4px 16px rgba(0,0,0,.25);padding:12px 16px 16px;" +
      "font:14px/1.45 system-ui,sans-serif;text-align:left";
    var head = document.createElement("p");
    head.style.cssText = "margin:0 0 8px;font-weight:700;color:#b3261e";
    head.textContent = problems.length === 1
      ? "The handbook has 1 error; the site shown is the last one that built."
      : "The handbook has " + problems.length + " errors; the site shown is the last one that built.";
    var close = document.createElement("button");
    close.type = "button";
    close.textContent = "×";
    close.setAttribute("aria-label", "Hide");
    close.style.cssText = "float:right;font-size:20px;line-height:1;border:0;background:none;cursor:pointer;color:inherit";
    close.onclick = hide;
    overlay.appendChild(close);
    overlay.appendChild(head);
    var list = document.createElement("ol");
    list.style.cssText = "margin:0;padding-left:1.4em";
    problems.forEach(function (p) {
      var item = document.createElement("li");
      item.className = "tenet-serve-error";
      item.style.cssText = "margin:0 0 6px";
      var where = document.createElement("code");
      where.className = "where";
      where.style.cssText = "font:13px/1.4 ui-monospace,monospace;word-break:break-all";
      where.textContent = p.path + (p.line ? ":" + p.line + ":" + p.column : "");
      var message = document.createElement("div");
      message.className = "message";
      message.textContent = p.message;
      item.appendChild(where);
      item.appendChild(message);
      if (p.help) {
        var help = document.createElement("div");
        help.className = "help";
        help.style.cssText = "color:#444";
        help.textContent = "help: " + p.help;
        item.appendChild(help);
      }
      list.appendChild(item);
    });
    overlay.appendChild(list);
    (document.body || document.documentElement).appendChild(overlay);
  }

  if (!window.EventSource) return;
  // The file this page shows goes with it: builds make the open pages first.
  var events = new EventSource("/__tenet/events?since=" + encodeURIComponent(loaded || "") +
    "&page=" + encodeURIComponent(ownFile()));
  // The state on connecting: reload when a build since this page was sent changed it, or when
  // serve was started again. (A reconnection asks again since the page was sent; changes that
  // do not touch it do not count.)
  events.addEventListener("hello", function (e) {
    var state = JSON.parse(e.data);
    if (state.problems.length) { show(state.problems); return; }
    hide();
    if (state.instance !== instance || affects(state.changed)) reload();
  });
  events.addEventListener("built", function (e) {
    var state = JSON.parse(e.data);
    if (state.problems.length) { show(state.problems); return; }
    hide();
    if (!affects(state.changed)) loaded = String(state.generation);
    else if (state.changed.indexOf(ownFile()) >= 0 && onlyPages(state.changed)) update(state.generation);
    else reload();
  });
})();
