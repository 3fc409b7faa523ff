// tenet default theme: a lesson's slide deck. One slide at a time (keys, the location hash), and
// the speaker view (`?speaker`, opened with "s"): this slide and the next, the notes that go
// with this one, a clock and a timer. The deck and its speaker view follow each other through
// the window that opened the other (postMessage), which works from file:// as over http.
(function () {
  "use strict";
  var deck = document.querySelector(".deck");
  var slides = [].slice.call(document.querySelectorAll(".deck > .slide"));
  if (!deck || !slides.length) return;
  var html = document.documentElement;
  var rtl = getComputedStyle(html).direction === "rtl";
  var speaker = /(^|[?&])speaker(=|&|$)/.test(location.search.slice(1));
  html.classList.add(speaker ? "speaker-mode" : "deck-mode");
  var current = -1;
  // The deck's other window: the speaker view this deck opened, or the deck that opened it.
  var other = window.opener || null;

  function fromHash() {
    var n = parseInt(location.hash.slice(1), 10);
    return n >= 1 && n <= slides.length ? n - 1 : 0;
  }

  function tell() {
    if (!other || other.closed) return;
    try {
      other.postMessage({ tenetDeck: current + 1 }, "*");
    } catch (e) {
      other = null;
    }
  }

  // Shows slide i; `push` adds a history entry (the back button walks back through the
  // slides), else the hash is replaced.
  function show(i, push) {
    i = Math.max(0, Math.min(slides.length - 1, i));
    if (i === current) return;
    current = i;
    slides.forEach(function (s, k) {
      s.classList.toggle("current", k === i);
    });
    var hash = "#" + (i + 1);
    // (A deck opened without a hash keeps its address until the slide changes.)
    if (location.hash !== hash && (push || location.hash)) {
      if (push) location.hash = hash;
      else history.replaceState(null, "", hash);
    }
    if (speaker) fill();
    tell();
  }

  // A copy of a slide for the speaker view: without ids (they stay unique) or notes.
  function copy(slide) {
    var c = slide.cloneNode(true);
    c.removeAttribute("id");
    c.querySelectorAll("[id]").forEach(function (e) { e.removeAttribute("id"); });
    var notes = c.querySelector(".slide-notes");
    if (notes) notes.remove();
    return c;
  }

  var view, here, next, notes;
  function heading(text) {
    var h = document.createElement("h2");
    h.textContent = text;
    return h;
  }
  function fill() {
    here.replaceChildren(copy(slides[current]));
    next.replaceChildren(heading(deck.getAttribute("data-next-label") || "Next"));
    if (slides[current + 1]) next.appendChild(copy(slides[current + 1]));
    notes.replaceChildren(heading(deck.getAttribute("data-notes-label") || "Notes"));
    var aside = slides[current].querySelector(".slide-notes");
    if (aside) {
      [].slice.call(aside.children).forEach(function (n) {
        notes.appendChild(n.cloneNode(true));
      });
    }
  }

  if (speaker) {
    view = document.createElement("div");
    view.className = "speaker";
    view.setAttribute("role", "region");
    view.setAttribute("aria-label", document.title);
    here = document.createElement("div");
    here.className = "speaker-current";
    next = document.createElement("div");
    next.className = "speaker-next";
    var side = document.createElement("div");
    side.className = "speaker-side";
    var clock = document.createElement("div");
    clock.className = "speaker-clock";
    var now = document.createElement("div");
    var elapsed = document.createElement("div");
    var reset = document.createElement("button");
    reset.type = "button";
    reset.textContent = "↺";
    reset.setAttribute("aria-label", (deck.getAttribute("data-elapsed-label") || "Elapsed") + ": 0:00");
    clock.append(now, elapsed, reset);
    side.append(clock, next);
    notes = document.createElement("div");
    notes.className = "speaker-notes";
    notes.setAttribute("aria-live", "polite");
    view.append(here, side, notes);
    document.body.appendChild(view);
    var started = Date.now();
    reset.addEventListener("click", function () { started = Date.now(); tick(); });
    var two = function (n) { return (n < 10 ? "0" : "") + n; };
    var tick = function () {
      var d = new Date();
      now.textContent = two(d.getHours()) + ":" + two(d.getMinutes());
      var s = Math.floor((Date.now() - started) / 1000);
      elapsed.textContent = Math.floor(s / 60) + ":" + two(s % 60);
      var label = document.createElement("small");
      label.textContent = deck.getAttribute("data-elapsed-label") || "Elapsed";
      elapsed.prepend(label);
    };
    tick();
    setInterval(tick, 1000);
  } else {
    // The link to the speaker view, shown only where it works.
    var link = document.querySelector(".deck-speaker");
    if (link) {
      link.hidden = false;
      link.addEventListener("click", function (e) {
        e.preventDefault();
        openSpeaker();
      });
    }
  }

  function openSpeaker() {
    var url = location.href.split("#")[0].split("?")[0] + "?speaker#" + (current + 1);
    var w = window.open(url, "tenet-speaker");
    if (w) other = w;
  }

  window.addEventListener("message", function (e) {
    if (!e.data || typeof e.data.tenetDeck !== "number") return;
    other = e.source;
    show(e.data.tenetDeck - 1, false);
  });
  window.addEventListener("hashchange", function () { show(fromHash(), false); });
  document.addEventListener("keydown", function (e) {
    if (e.altKey || e.ctrlKey || e.metaKey) return;
    var t = e.target;
    if (t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName))) return;
    var forward = rtl ? "ArrowLeft" : "ArrowRight";
    var back = rtl ? "ArrowRight" : "ArrowLeft";
    switch (e.key) {
      case forward: case " ": case "PageDown": show(current + 1, true); break;
      case back: case "PageUp": show(current - 1, true); break;
      case "Home": show(0, true); break;
      case "End": show(slides.length - 1, true); break;
      case "s": case "S": if (!speaker) openSpeaker(); else return; break;
      default: return;
    }
    e.preventDefault();
  });
  // Clicking a slide goes on, as a presenter's remote would.
  if (!speaker) {
    deck.addEventListener("click", function (e) {
      if (e.target.closest("a, button, summary, details")) return;
      show(current + 1, true);
    });
  }
  show(fromHash(), false);
  // A speaker view opened by a deck: say where it stands, so that the deck knows its window.
  if (speaker && other) tell();
})();
