// tenet default theme: the print buttons of printed pages, the top bar's height, the mobile menu, the full contents tree (one shared script, loaded on
// demand), "/" to focus the search box, and the search client (loaded on first use of the box).
// No framework; works from file:// too.
(function () {
  "use strict";
  var body = document.body;
  var root = body.getAttribute("data-root") || "";
  var sidebar = document.getElementById("sidebar");
  // A print button does nothing without a script, so it shows only with one.
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });
  // The top bar's height (it grows when a long title wraps or the section links take a row of
  // their own), for the stylesheet to place the sidebar below it.
  var topbar = document.querySelector(".topbar");
  if (topbar && window.ResizeObserver) {
    new ResizeObserver(function () {
      document.documentElement.style.setProperty("--topbar-height", topbar.offsetHeight + "px");
    }).observe(topbar);
  }
  var toggle = document.querySelector(".menu-toggle");
  // The menu: without a script, a link to the sidebar (which CSS opens as the link's target);
  // with one, a button that opens and closes it in place.
  if (toggle && sidebar) {
    toggle.setAttribute("role", "button");
    toggle.setAttribute("aria-controls", "sidebar");
    toggle.setAttribute("aria-expanded", "false");
    var flip = function (e) {
      e.preventDefault();
      var open = sidebar.classList.toggle("open");
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
    };
    toggle.addEventListener("click", flip);
    toggle.addEventListener("keydown", function (e) {
      if (e.key === " ") flip(e);
    });
  }

  // The full tree: a script file, so it also loads over file:// where fetch() is blocked.
  var button = document.querySelector(".show-tree");
  function here() {
    var path = location.pathname;
    return path.replace(/index\.html$/, "");
  }
  function build(node, list, depth) {
    var li = document.createElement("li");
    var a = document.createElement("a");
    a.textContent = node[0];
    a.href = root + node[1];
    if (a.pathname.replace(/index\.html$/, "") === here()) {
      li.className = "current";
      a.setAttribute("aria-current", "page");
    }
    li.appendChild(a);
    if (node[2] && depth < 6) {
      var ol = document.createElement("ol");
      for (var i = 0; i < node[2].length; i++) build(node[2][i], ol, depth + 1);
      li.appendChild(ol);
    }
    list.appendChild(li);
  }
  function script(path, then) {
    var s = document.createElement("script");
    s.src = root + path;
    s.onload = s.onerror = function () { s.remove(); then(); };
    document.head.appendChild(s);
  }
  function showTree() {
    var tree = window.TENET_TREE;
    if (!tree) return;
    var nav = button.parentNode;
    var ol = document.createElement("ol");
    ol.className = "branch full";
    var top = tree[2] || [];
    for (var i = 0; i < top.length; i++) build(top[i], ol, 0);
    var old = nav.querySelector(".branch");
    nav.replaceChild(ol, old);
    button.hidden = true;
  }
  // Without a script, a link to the contents page; with one, it opens the tree in place.
  if (button) {
    button.setAttribute("role", "button");
    button.addEventListener("click", function (e) {
      e.preventDefault();
      if (window.TENET_TREE) return showTree();
      // assets/site.js names the tree's version; the tree itself may come from a cache.
      var http = /^https?:$/.test(location.protocol);
      script("assets/site.js" + (http ? "?t=" + Date.now() : ""), function () {
        var v = window.TENET_SITE && window.TENET_SITE.tree;
        script("assets/tree.js" + (http && v ? "?v=" + v : ""), showTree);
      });
    });
  }

  // "/" focuses the search box; its first use loads the search client (assets/search.js).
  var search = document.querySelector(".search input");
  function loadSearch() {
    search.removeEventListener("focus", loadSearch);
    search.removeEventListener("input", loadSearch);
    if (window.TenetSearch || document.querySelector('script[src*="assets/search.js"]')) return;
    var s = document.createElement("script");
    s.src = root + (body.getAttribute("data-search") || "assets/search.js");
    document.head.appendChild(s);
  }
  if (search) {
    search.addEventListener("focus", loadSearch);
    search.addEventListener("input", loadSearch);
  }
  // The language switcher: closes on a click elsewhere or Escape; a link to the same page in
  // another language keeps the place on the page (key messages keep their ids).
  var languages = document.querySelector(".languages");
  if (languages) {
    document.addEventListener("click", function (e) {
      if (languages.open && !languages.contains(e.target)) languages.open = false;
    });
    languages.addEventListener("keydown", function (e) {
      if (e.key === "Escape" && languages.open) {
        languages.open = false;
        languages.querySelector("summary").focus();
      }
    });
    languages.querySelectorAll("a:not([data-missing])").forEach(function (a) {
      a.addEventListener("click", function () {
        if (location.hash) a.hash = location.hash;
      });
    });
  }
  document.addEventListener("keydown", function (e) {
    if (e.key !== "/" || !search) return;
    var t = e.target;
    if (t && (t.tagName === "INPUT" || t.tagName === "TEXTAREA" || t.isContentEditable)) return;
    e.preventDefault();
    search.focus();
  });
})();
