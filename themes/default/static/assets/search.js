// tenet search client (contract: docs/search.md). The index is a set of <script> files that call
// TenetSearch.meta()/put(), so search works over http and from disk (file://, no fetch()).
// Drives the top-bar combobox and the search page; every piece of DOM is built with textContent.
(function () {
  "use strict";
  if (window.TenetSearch && window.TenetSearch.query) return;
  var doc = document, M = null, files = {}, shards = [], typed = new Map();
  var RUN = /[\p{Alphabetic}\p{N}\p{M}]+/gu, MARKS = /\p{M}/gu, NUM = /^\p{N}$/u, LAST = /[\p{Alphabetic}\p{N}\p{M}]$/u;
  var EN = { results: "{n} results", result: "{n} result", no_results: "No results for", showing: "Results for",
    more: "Show more results",
    all: "All", searching: "Searching…", in: "in", error: "Search is not available." };
  var PAGE = 10, POP = 8, MIN_PREFIX = 3, EXPAND = 2, QUIET = 250;

  // ---- Text rules (same as src/search/text.rs) ----
  function fold(s) { return s.normalize("NFKD").replace(MARKS, "").toLowerCase(); }
  function cjk(c) {
    var n = c.codePointAt(0);
    return (n >= 0x3040 && n <= 0x30ff) || (n >= 0x3400 && n <= 0x4dbf) || (n >= 0x4e00 && n <= 0x9fff) ||
      (n >= 0xf900 && n <= 0xfaff) || (n >= 0x20000 && n <= 0x2ffff);
  }
  function tokenize(text) {
    var out = [];
    function emit(t) {
      var f = fold(t), a = Array.from(f);
      if (a.length > 1 || (a.length && (NUM.test(f) || cjk(f)))) out.push(f);
    }
    (String(text).toLowerCase().match(RUN) || []).forEach(function (word) {
      var plain = "", run = [];
      function flushPlain() {
        var n = Array.from(plain).length;
        if (n && n <= 40 && (n > 1 || NUM.test(plain))) emit(plain);
        plain = "";
      }
      function flushRun() {
        if (run.length === 1) emit(run[0]);
        for (var i = 1; i < run.length; i++) emit(run[i - 1] + run[i]);
        run = [];
      }
      for (var c of word) {
        if (cjk(c)) { flushPlain(); run.push(c); } else { flushRun(); plain += c; }
      }
      flushRun();
      flushPlain();
    });
    return out;
  }

  // ---- Loading index files as scripts ----
  function root() { return doc.body.getAttribute("data-root") || ""; }
  function entry(path) {
    var f = files[path];
    if (!f) {
      f = files[path] = {};
      f.p = new Promise(function (yes, no) { f.yes = yes; f.no = no; });
    }
    return f;
  }
  // Over http every index file carries the index version, so that a cached file of an
  // earlier build is never mixed with this one (file:// has no cache). Until meta.js is in,
  // the version comes from assets/site.js, loaded afresh (it is tiny; pages do not name the
  // version, so that an edit changes only the pages it shows in).
  var http = /^https?:$/.test(location.protocol), site = null;
  function version(then) {
    if (M) return then(M.version);
    if (!http) return then("");
    if (!site) {
      site = new Promise(function (done) {
        if (window.TENET_SITE) return done();
        var s = doc.createElement("script");
        s.src = root() + "assets/site.js?t=" + Date.now();
        s.onload = s.onerror = function () { s.remove(); done(); };
        doc.head.appendChild(s);
      });
    }
    site.then(function () { then(M ? M.version : (window.TENET_SITE || {}).search || ""); });
  }
  function load(path) {
    var f = files[path];
    if (f && (f.s || f.got)) return f.p;
    f = entry(path);
    f.s = 1;
    version(function (v) {
      if (f.got) return;
      var s = (f.s = doc.createElement("script"));
      s.src = root() + "search/" + path + ".js" + (v ? "?v=" + v : "");
      s.onload = s.onerror = function () {
        s.remove();
        if (!f.got) {
          delete files[path];
          f.no(new Error("tenet search: cannot load " + s.src));
        }
      };
      doc.head.appendChild(s);
    });
    return f.p;
  }
  function inflate(b64) {
    var bin = atob(b64), n = bin.length, u = new Uint8Array(n);
    for (var i = 0; i < n; i++) u[i] = bin.charCodeAt(i);
    return new Response(new Blob([u]).stream().pipeThrough(new DecompressionStream("deflate-raw"))).arrayBuffer();
  }
  function meta(m) {
    m.keyAt = new Map(m.keys.map(function (k, i) { return [k, i]; }));
    m.stopSet = new Set(m.stop || []);
    M = m;
    got("meta", m);
  }
  // search/stem.js: the stemmers of the languages meta.js names, by language.
  function stemmers(byLanguage) { got("stem", byLanguage); }
  // A file that hands over its value as is.
  function got(path, value) {
    var f = entry(path);
    f.got = 1;
    f.yes(value);
  }
  // The stems (as shards hold them) of a query word the handbook does not use, by the client's
  // stemmers: the word's other forms are found through them.
  function stemsOf(w) {
    if (!M.stemmers || !M.stemmers.length) return Promise.resolve([]);
    var raw = typed.get(w) || w;
    return load("stem").then(function (fns) {
      var names = [];
      M.stemmers.forEach(function (l) {
        var name = fns[l] && fold(fns[l](raw));
        if (name && names.indexOf(name) < 0) names.push(name);
      });
      return Promise.all(names.map(named));
    }).then(function (sts) { return sts.filter(Boolean); }, function () { return []; });
  }
  function put(path, data, head) {
    var f = entry(path);
    f.got = 1;
    f.p.then(function () { f.ready = 1; }, function () {});
    inflate(data).then(function (buf) {
      if (path[0] === "i") return parseShard(buf);
      var o = JSON.parse(new TextDecoder().decode(buf));
      // The contract's {"u","t","p","d"}; or the docs array with u/t/p as a third argument.
      if (Array.isArray(o)) o = Object.assign({ d: o }, head);
      // A reference's generated link text stands as U+0001 in the text, in "r" by document.
      var r = o.r || {};
      o.docs = new Map((o.d || []).map(function (d) {
        var k = 0, t = r[d[0]] || [];
        d[3] = (d[3] || "").replace(/\u0001/g, function () { return t[k++] || ""; });
        return [d[0], d];
      }));
      return o;
    }).then(f.yes, f.no);
  }
  function parseShard(buf) {
    var b = new Uint8Array(buf), at = 0, td = new TextDecoder(), i, n;
    function v() {
      var x = 0, m = 1, c;
      do { c = b[at++]; x += (c & 127) * m; m *= 128; } while (c > 127);
      return x;
    }
    function s() { var l = v(); return td.decode(b.subarray(at, (at += l))); }
    var o = { stems: [], by: new Map(), words: [], refs: [], map: new Map(), foreign: [], splits: new Map() };
    for (n = v(), i = 0; i < n; i++) {
      var st = { s: s(), df: v(), b: b };
      st.n = v();
      st.l = v();
      st.o = at;
      at += st.l;
      o.stems.push(st);
      o.by.set(st.s, st);
    }
    for (n = v(), i = 0; i < n; i++) {
      var w = s(), r = v();
      o.words.push(w);
      o.refs.push(r);
      // A word written alike in two languages of the handbook may have a stem in each.
      o.map.set(w, (o.map.get(w) || []).concat(r));
    }
    for (n = v(), i = 0; i < n; i++) o.foreign.push(s());
    // Compounds the text also writes apart: word index, where it splits.
    for (n = at < b.length ? v() : 0, i = 0; i < n; i++) {
      var x = Array.from(o.words[v()]), c = v();
      o.splits.set(x.join(""), [x.slice(0, c).join(""), x.slice(c).join("")]);
    }
    shards.push(o);
    return o;
  }
  function postings(st) {
    if (!st.ids) {
      var b = st.b, at = st.o, end = at + st.l, id = -1, n = 0, ids = new Int32Array(st.n), qs = new Uint8Array(st.n);
      while (at < end) {
        var x = 0, m = 1, c;
        do { c = b[at++]; x += (c & 127) * m; m *= 128; } while (c > 127);
        id += Math.floor(x / 32);
        ids[n] = id;
        qs[n++] = x % 32;
      }
      st.ids = ids;
      st.qs = qs;
    }
    return st;
  }

  // ---- Lookup ----
  function shardOf(word) {
    var a = Array.from(word);
    for (var n = a.length; n >= 0; n--) {
      var k = M.keyAt.get(a.slice(0, n).join(""));
      if (k != null) return k;
    }
    return -1;
  }
  function shard(n) { return load("i/" + n); }
  function stemName(sh, ref) { return ref & 1 ? sh.foreign[ref >> 1] : sh.stems[ref >> 1].s; }
  function resolve(sh, ref) {
    return ref & 1 ? named(sh.foreign[ref >> 1]) : Promise.resolve(sh.stems[ref >> 1] || null);
  }
  // A stem by its name, from the shard it lives in.
  function named(name) {
    var n = shardOf(name);
    return n < 0 ? Promise.resolve(null) : shard(n).then(function (o) { return o.by.get(name) || null; });
  }
  // Within one edit (insert, delete, substitute, swap neighbours); a and b differ.
  function near(a, b) {
    if (a.length > b.length) { var t = a; a = b; b = t; }
    var la = a.length, lb = b.length, i = 0;
    if (lb - la > 1) return false;
    while (i < la && a[i] === b[i]) i++;
    var tail = function (x, y) { return a.slice(x).join("") === b.slice(y).join(""); };
    if (la < lb) return tail(i, i + 1);
    return i < la && (tail(i + 1, i + 1) || (a[i] === b[i + 1] && a[i + 1] === b[i] && tail(i + 2, i + 2)));
  }
  // A query word's stems: [{st, f}] and the indexed words that lead to them (for highlighting).
  // Expansions are kept (the index does not change under a page), the most recent 64.
  var expanded = new Map();
  // `cut`: the word is two query words joined (at `cut`), looked up as it is or through its
  // stem, and the stem only when the shard has a word that goes on past the cut (a compound
  // of theirs may be there): a pair of words is rarely one, and costs no more loading then.
  function expand(w, prefix, cut) {
    var key = (prefix ? "+" : cut ? "&" : "=") + w + " " + (typed.get(w) || ""), e = expanded.get(key);
    if (!e) {
      // A word that finds nothing in its own shard may be one typo from a word in another.
      e = expandNew(w, prefix, false, cut).then(function (x) {
        return x.stems.length || cut || Array.from(w).length < 5 ? x : expandNew(w, prefix, true);
      });
      e.catch(function () { expanded.delete(key); });
      if (expanded.size >= 64) expanded.delete(expanded.keys().next().value);
    } else expanded.delete(key);
    expanded.set(key, e);
    return e;
  }
  // Other shards than a word's own that may hold a word one edit away: those whose key is one
  // edit from the word's start (the typo fell within the key) or starts it; the first letter
  // is taken as typed, and the three most specific are kept.
  function nearShards(w, own) {
    var a = Array.from(w), edited = [], above = [];
    M.keys.forEach(function (k, i) {
      var b = Array.from(k);
      if (i === own || !b.length || b[0] !== a[0]) return;
      if (w.startsWith(k)) return above.push(i);
      for (var d = -1; d <= 1; d++) {
        var p = a.slice(0, b.length + d);
        if (p.length === b.length + d && near(p, b)) return edited.push(i);
      }
    });
    function longest(x, y) { return M.keys[y].length - M.keys[x].length; }
    return edited.sort(longest).concat(above.sort(longest)).slice(0, 3);
  }
  function expandNew(w, prefix, far, cut) {
    var n = shardOf(w), wanted = far ? nearShards(w, n) : [];
    // A prefix also reaches the shards under it, when they are few (EXPAND): a prefix that
    // continues into more is too short to be worth their bytes, and its own shard still
    // holds some of its completions.
    if (prefix) {
      M.keys.forEach(function (k, i) { if (i !== n && k.startsWith(w)) wanted.push(i); });
      if (wanted.length > EXPAND) wanted = [];
    }
    if (n >= 0) wanted.unshift(n);
    return Promise.all(wanted.map(shard)).then(function (list) {
      var main = n < 0 ? null : list[0], cands = [], exact = main ? main.map.get(w) : undefined;
      (exact || []).forEach(function (r) { cands.push([main, r, 1]); });
      if (prefix) {
        list.forEach(function (sh) {
          sh.words.forEach(function (x, i) { if (x !== w && x.startsWith(w)) cands.push([sh, sh.refs[i], 0.8, x]); });
        });
      }
      var chars = Array.from(w);
      if (exact == null && main && chars.length >= 5 && !cut) {
        (far ? list : [main]).forEach(function (sh) {
          sh.words.forEach(function (x, i) { if (near(chars, Array.from(x))) cands.push([sh, sh.refs[i], 0.7, x]); });
        });
      }
      // A word the handbook does not use: its stem, as the indexer would make it.
      var stemmed = exact == null && (!cut || (main && main.words.some(function (x) {
        return x.startsWith(w.slice(0, cut + 2));
      }))) ? stemsOf(w) : Promise.resolve([]);
      return Promise.all(cands.map(function (c) { return resolve(c[0], c[1]); }).concat([stemmed])).then(function (sts) {
        var by = new Map(), viaStem = sts.pop();
        viaStem.forEach(function (st) { by.set(st.s, { st: st, f: 1 }); });
        cands.forEach(function (c, i) {
          var st = sts[i], e = st && by.get(st.s);
          if (!st) return;
          if (!e) by.set(st.s, { st: st, f: c[2], x: c[3] });
          else if (c[2] > e.f) { e.f = c[2]; e.x = c[3]; }
        });
        var all = Array.from(by.values()), keep = all.filter(function (e) { return e.f === 1; });
        [0.8, 0.7].forEach(function (f) {
          keep = keep.concat(all.filter(function (e) { return e.f === f; })
            .sort(function (a, b) { return b.st.df - a.st.df || (a.st.s < b.st.s ? -1 : 1); }).slice(0, 10));
        });
        // The words to mark in snippets: those of the shards this word loaded whose stem
        // matched. A word the handbook does not use is shown as what was searched instead: the
        // shortest word of its stem, or else the likeliest word one typo away.
        var names = new Set(keep.map(function (e) { return e.st.s; })), hits = [], as = null,
          instead = exact == null && !keep.some(function (e) { return e.f === 0.8; }),
          stems = new Set(viaStem.map(function (st) { return st.s; })),
          typo = keep.filter(function (e) { return e.f === 0.7; })[0];
        list.forEach(function (sh) {
          sh.words.forEach(function (x, i) {
            var name = stemName(sh, sh.refs[i]);
            if (!names.has(name)) return;
            hits.push(x);
            if (instead && stems.has(name) && (!as || x.length < as.length)) as = x;
          });
        });
        if (instead && !stems.size && typo) as = typo.x;
        // A compound the text also writes apart, as typed or as the word of its stem.
        var split = null;
        list.forEach(function (sh) { split = split || sh.splits.get(w) || (as && sh.splits.get(as)); });
        return { stems: keep, hits: hits, as: as, split: split };
      });
    });
  }
  // A query word's documents: {ids, s} sorted by id, each scored by its best stem.
  function scores(stems) {
    var N = M.docs, acc = null, cap = Infinity;
    function idf(st) { return Math.log(1 + (N - st.df + 0.5) / (st.df + 0.5)); }
    // A completion or a typo never weighs more than the word itself (a rare "consent-based"
    // does not outrank "consent").
    stems.forEach(function (e) { if (e.f === 1) cap = Math.min(cap, idf(e.st)); });
    stems.forEach(function (e) {
      var st = postings(e.st), n = st.ids.length, k = e.f * Math.min(idf(st), cap), l = { ids: st.ids, s: st[k] };
      if (!l.s) {
        // Scores of an exact word (f = 1), a prefix (0.8) or a typo (0.7), kept for the next query.
        l.s = st[k] = new Float64Array(n);
        for (var i = 0; i < n; i++) l.s[i] = k * st.qs[i];
      }
      acc = acc ? union(acc, l) : l;
    });
    return acc || { ids: new Int32Array(0), s: new Float64Array(0) };
  }
  function union(a, b) {
    var na = a.ids.length, nb = b.ids.length, ids = new Int32Array(na + nb), s = new Float64Array(na + nb),
      i = 0, j = 0, n = 0;
    while (i < na || j < nb) {
      var x = i < na ? a.ids[i] : Infinity, y = j < nb ? b.ids[j] : Infinity;
      ids[n] = Math.min(x, y);
      s[n++] = x === y ? Math.max(a.s[i++], b.s[j++]) : x < y ? a.s[i++] : b.s[j++];
    }
    return { ids: ids.subarray(0, n), s: s.subarray(0, n) };
  }
  // A list with its scores multiplied by `f`.
  function scaled(l, f) { return { ids: l.ids, s: l.s.map(function (v) { return v * f; }) }; }
  // The documents of both lists, by id, their scores added.
  function both(a, b) {
    var ids = [], s = [], i = 0, j = 0;
    while (i < a.ids.length && j < b.ids.length) {
      var x = a.ids[i], y = b.ids[j];
      if (x === y) { ids.push(x); s.push(a.s[i++] + b.s[j++]); } else if (x < y) i++; else j++;
    }
    return { ids: Int32Array.from(ids), s: Float64Array.from(s) };
  }
  // The first index at or after `from` whose id is at least `id` (galloping, then bisecting).
  function seek(ids, from, id) {
    var step = 1, hi = from;
    while (hi < ids.length && ids[hi] < id) { from = hi + 1; hi += step; step *= 2; }
    hi = Math.min(hi, ids.length);
    while (from < hi) {
      var mid = (from + hi) >> 1;
      if (ids[mid] < id) from = mid + 1; else hi = mid;
    }
    return from;
  }
  // Documents every word matches, best first (the sum of the words' scores, then reading
  // order). Sorted as numbers: each is one key, −score in millionths × 2²² + id, which a
  // Float64Array sorts natively and exactly (ids < 2²², keys < 2⁵³).
  function intersect(lists) {
    lists.sort(function (a, b) { return a.ids.length - b.ids.length; });
    var base = lists[0], at = lists.map(function () { return 0; }), keys = new Float64Array(base.ids.length), n = 0;
    outer: for (var i = 0; i < base.ids.length; i++) {
      var id = base.ids[i], sum = base.s[i];
      for (var j = 1; j < lists.length; j++) {
        var l = lists[j], c = (at[j] = seek(l.ids, at[j], id));
        if (c >= l.ids.length) break outer;
        if (l.ids[c] !== id) continue outer;
        sum += l.s[c];
      }
      keys[n++] = -Math.round(sum * 1e6) * 4194304 + id;
    }
    keys = keys.subarray(0, n).sort();
    var res = new Array(n);
    for (i = 0; i < n; i++) {
      var k = keys[i], d = ((k % 4194304) + 4194304) % 4194304;
      res[i] = { id: d, kind: kindOf(d), score: (d - k) / 4194304 / 1e6 };
    }
    return res;
  }
  function kindOf(id) {
    if (id % 256 >= 128) return "key-message";
    var p = Math.floor(id / 256), ks = M.kinds, k = "page";
    for (var i = 0; i < ks.length && ks[i][3] >= 0 && ks[i][3] <= p; i++) k = ks[i][0];
    return k;
  }
  function label(kind, plural) {
    var x = M.kinds.find(function (k) { return k[0] === kind; });
    return x ? x[plural ? 2 : 1] : kind;
  }
  function str(k) {
    var s = (M && M.strings) || {};
    return s["search_" + k] || s[k] || EN[k];
  }

  // Words, quoted phrases, the prefix word.
  function parse(text, prefix) {
    var words = [], phrases = [], parts = text.split('"'), pre = "", cut = null;
    typed.clear();
    parts.forEach(function (part, i) {
      var t = tokenize(part);
      // Each word as typed (lowercased, accents kept), which is what stemmers take.
      (part.toLowerCase().match(RUN) || []).forEach(function (r) { typed.set(fold(r), r); });
      if (i % 2 && t.length > 1) {
        t.open = i === parts.length - 1; // an unclosed quote still being typed
        phrases.push(t);
      }
      words = words.concat(t);
    });
    if (prefix && words.length && LAST.test(text)) {
      pre = words[words.length - 1];
      // A word still being typed is a prefix only from three letters on (one or two match too
      // much to be worth loading shards for); before that it is left out, unless it is alone.
      if (Array.from(pre).length < MIN_PREFIX && !NUM.test(pre) && !cjk(pre)) {
        if (words.length > 1) cut = words.pop();
        pre = "";
      }
    }
    var content = words.filter(function (w) { return !M.stopSet.has(w); }), all = words, joins = [];
    words = Array.from(new Set(content.length ? content : words));
    if (words.indexOf(pre) < 0) pre = "";
    // Two words typed side by side (or with a hyphen) are also tried as one: "cease fire" and
    // "cease-fire" find "ceasefire" (the index holds "cease-fire" under "ceasefire" too).
    for (var i = 1; i < all.length; i++) {
      var a = words.indexOf(all[i - 1]), j = all[i - 1] + all[i];
      if (a >= 0 && words[a + 1] === all[i] && !cjk(j) && Array.from(j).length <= 40) joins.push([a, j, all[i - 1].length]);
    }
    phrases.forEach(function (p) {
      if (p.open && p[p.length - 1] === cut) p.pop();
      p.pre = p.open && p[p.length - 1] === pre;
    });
    phrases = phrases.filter(function (p) { return p.length > 1; });
    return { words: words, phrases: phrases, pre: pre, joins: joins };
  }
  function hasPhrase(text, p) {
    var t = tokenize(text), n = p.length;
    for (var i = 0; i + n <= t.length; i++) {
      for (var j = 0; j < n; j++) {
        if (t[i + j] !== p[j] && !(p.pre && j === n - 1 && t[i + j].startsWith(p[j]))) break;
      }
      if (j === n) return true;
    }
    return false;
  }
  // Resolves with `r` once its results can be shown: at once when their documents are loaded
  // or the reader is not typing, else when typing pauses (null if a newer query came meanwhile).
  function settled(r, shown, typing, current) {
    var loaded = shown.every(function (x) { var f = files["d/" + Math.floor(x.id / 256)]; return f && f.ready; });
    if (!typing || loaded) return Promise.resolve(r);
    return new Promise(function (yes) {
      setTimeout(function () { yes(current() ? r : null); }, QUIET);
    });
  }
  // Whether the shards a query needs first are loaded (it then answers at once).
  function ready(text) {
    if (!M) return false;
    return parse(String(text), true).words.every(function (w) {
      var n = shardOf(w), f = files["i/" + n];
      return n < 0 || (f && f.ready);
    });
  }
  // Runs `f` on input at once, except while keys come faster than QUIET apart and the query
  // needs shards not loaded yet: then once typing pauses. So pasting a query answers at once,
  // and typing one does not load the shards of every prefix on the way.
  function paced(input, f) {
    var last = -1e9, timer = 0;
    return function () {
      var now = performance.now(), typing = now - last < QUIET;
      last = now;
      clearTimeout(timer);
      if (typing && !ready(input.value)) timer = setTimeout(function () { f(false); }, QUIET);
      else f(typing);
    };
  }
  function query(text, opts) {
    opts = opts || {};
    return load("meta").then(function () {
      var q = parse(String(text == null ? "" : text), !!opts.prefix), n = q.words.length, ex, hits = [];
      if (!n) return finish([], [], q, opts);
      return Promise.all(q.words.map(function (w) { return expand(w, w === q.pre); })
        .concat(q.joins.map(function (j) { return expand(j[1], false, j[2]); }))).then(function (all) {
        ex = all;
        // A compound the text also writes apart (`ceasefire`, "cease fire"): its parts.
        return Promise.all(ex.slice(0, n).map(function (e) {
          return e.split && Promise.all(e.split.map(function (x) { return expand(x, false); }));
        }));
      }).then(function (parts) {
        var lists = ex.slice(0, n).map(function (e, i) {
          var l = e.scores || (e.scores = scores(e.stems)), p = parts[i];
          hits = hits.concat(e.hits);
          if (!p) return l;
          // The documents with both parts match the compound too, as one word.
          var x = both(scores(exact(p[0])), scores(exact(p[1])));
          p.forEach(function (e) { hits = hits.concat(e.hits); });
          return union(l, scaled(x, 0.5));
        });
        // A joined pair stands for both its words: (a and b) or ab, scored as two words.
        q.joins.forEach(function (j, k) {
          var e = ex[n + k], a = j[0], st = exact(e);
          if (!st.length || !lists[a] || !lists[a + 1]) return;
          lists[a] = union(both(lists[a], lists[a + 1]), scaled(scores(st), 2));
          lists[a + 1] = null;
          hits = hits.concat(e.hits);
        });
        var res = intersect(lists.filter(Boolean));
        // What was searched instead, when a word was not in the handbook as typed.
        q.as = ex.some(function (e) { return e.as; }) ?
          q.words.map(function (w, i) { return ex[i].as || w; }).join(" ") : "";
        if (!q.phrases.length) return finish(res, hits, q, opts);
        var cand = res.slice(0, 60);
        return Promise.all(cand.map(function (r) { return details(r.id).catch(function () { return null; }); }))
          .then(function (ds) {
            return finish(cand.filter(function (r, i) {
              var d = ds[i];
              return d && q.phrases.every(function (p) { return hasPhrase(d.title, p) || hasPhrase(d.text, p); });
            }), hits, q, opts);
          });
      });
    });
  }
  // The stems of an expansion found as the word is or through its stem (not a prefix or typo).
  function exact(e) { return e.stems.filter(function (x) { return x.f === 1; }); }
  function finish(res, hits, q, opts) {
    var counts = {};
    res.forEach(function (r) { counts[r.kind] = (counts[r.kind] || 0) + 1; });
    return {
      results: opts.kind ? res.filter(function (r) { return r.kind === opts.kind; }) : res,
      counts: counts, total: res.length, words: Array.from(new Set(hits)), prefix: q.pre,
      as: res.length ? q.as || "" : ""
    };
  }
  // A document's details: url (from the current page), title, parent, text.
  function details(id) {
    var p = Math.floor(id / 256), l = id % 256;
    return load("d/" + p).then(function (o) {
      var d = o.docs.get(l);
      return d ? {
        id: id, kind: kindOf(id), url: root() + o.u + (d[1] ? "#" + d[1] : ""), anchor: d[1], title: d[2],
        text: d[3] || "", page: o.t, parent: l ? o.t : o.p || ""
      } : null;
    });
  }

  // ---- Rendering ----
  function el(tag, cls, text) {
    var e = doc.createElement(tag);
    if (cls) e.className = cls;
    if (text != null) e.textContent = text;
    return e;
  }
  // About `size` words of text around the densest cluster of hits, hits in <mark>.
  function snippet(text, r, size) {
    var words = new Set(r.words), pre = r.prefix, units = [], m, re = new RegExp(RUN.source, "gu");
    while ((m = re.exec(text))) {
      var at = m.index, j = 0, start = -1, prev = null;
      for (var c of m[0]) {
        if (cjk(c)) {
          if (start >= 0) units.push({ s: at + start, e: at + j });
          start = -1;
          var u = { s: at + j, e: at + j + c.length, w: fold(c), c: prev };
          units.push((prev = u));
        } else {
          prev = null;
          if (start < 0) start = j;
        }
        j += c.length;
      }
      if (start >= 0) units.push({ s: at + start, e: at + j });
    }
    units.forEach(function (u, i) {
      var p = units[i - 1];
      if (u.w == null) u.w = fold(text.slice(u.s, u.e));
      if (words.has(u.w) || (pre && u.w.startsWith(pre))) u.h = 1;
      if (u.c && words.has(u.c.w + u.w)) u.h = u.c.h = 1;
      // The parts of a hyphenated compound found as one word ("cease-fire" for "ceasefire").
      if (p && /^[-\u2010\u2011]$/.test(text.slice(p.e, u.s)) && words.has(p.w + u.w)) u.h = p.h = u.j = 1;
    });
    var n = units.length, best = 0, from = 0, i, to, frag = doc.createDocumentFragment();
    // The opening wins ties: a window at 0 needs no leading ellipsis.
    for (i = 0; i < Math.min(n, size); i++) best += units[i].h || 0;
    for (i = 0; i < n; i++) {
      if (!units[i].h) continue;
      var s0 = Math.max(0, i - Math.floor(size / 5)), k = 0;
      for (var x = s0; x < Math.min(n, s0 + size); x++) k += units[x].h || 0;
      if (k > best) { best = k; from = s0; }
    }
    to = Math.min(n, from + size);
    var pos = from ? units[from].s : 0, end = to < n ? units[to - 1].e : text.length, last = null;
    if (from) frag.append("…");
    for (i = from; i < to; i++) {
      var u2 = units[i];
      if (!u2.h) continue;
      if (last && (u2.s === pos || u2.j)) last.textContent += text.slice(pos, u2.e);
      else {
        frag.append(text.slice(pos, u2.s));
        frag.append((last = el("mark", 0, text.slice(u2.s, u2.e))));
      }
      pos = u2.e;
    }
    frag.append(text.slice(pos, end));
    if (to < n) frag.append("…");
    return frag;
  }
  // One result: a list item with exactly one link. In the dropdown the whole entry is the link.
  function item(d, r, pop) {
    var li = el("li", "result"), a = el("a", "result-title"), info = el(pop ? "span" : "p", "result-meta"),
      snip = el(pop ? "span" : "p", "result-snippet");
    li.setAttribute("data-kind", d.kind);
    a.href = d.url;
    info.append(el("span", "result-kind", label(d.kind)));
    if (d.parent) info.append(" ", el("span", "result-in", str("in") + " " + d.parent));
    snip.append(snippet(d.text, r, pop ? 14 : 30));
    if (pop) {
      a.tabIndex = -1;
      a.append(el("span", "result-name", d.title), info, snip);
      li.append(a);
    } else {
      a.textContent = d.title;
      li.append(a, info, snip);
    }
    return li;
  }
  function count(n) { return str(n === 1 ? "result" : "results").replace("{n}", n); }
  // What was searched instead of a word the handbook does not use, when it was.
  function showing(r) { return r.as ? str("showing") + " “" + r.as + "” · " : ""; }
  function none(q) { return str("no_results") + " “" + q + "”"; }
  function attrs(e, o) { for (var k in o) e.setAttribute(k, o[k]); }

  // ---- Top-bar combobox (WAI-ARIA combobox with a listbox popup) ----
  function combobox(input) {
    var form = input.form, id = "search-listbox", box = el("div", "search-pop"), list = el("ul"),
      foot = el("p", "search-pop-status"), seq = 0, active = -1;
    list.id = id;
    attrs(list, { role: "listbox", "aria-label": input.getAttribute("aria-label") || "Search" });
    attrs(foot, { "aria-live": "polite" });
    attrs(input, { role: "combobox", "aria-autocomplete": "list", "aria-expanded": "false", "aria-controls": id });
    box.hidden = true;
    box.append(list, foot);
    form.append(box);
    function open(on) {
      box.hidden = !on;
      input.setAttribute("aria-expanded", on ? "true" : "false");
      if (!on) move(-1);
    }
    function move(i) {
      var o = list.children;
      if (o[active]) o[active].setAttribute("aria-selected", "false");
      active = i;
      if (!o[i]) return input.removeAttribute("aria-activedescendant");
      o[i].setAttribute("aria-selected", "true");
      input.setAttribute("aria-activedescendant", o[i].id);
      o[i].scrollIntoView({ block: "nearest" });
    }
    function update(typing) {
      var text = input.value.trim(), my = ++seq;
      if (!text) return open(false);
      query(text, { prefix: true }).then(function (r) {
        return settled(r, r.results.slice(0, POP), typing, function () { return my === seq; });
      }).then(function (r) {
        if (!r) return;
        return Promise.all(r.results.slice(0, POP).map(function (x) { return details(x.id); })).then(function (ds) {
          if (my !== seq) return;
          list.textContent = "";
          active = -1;
          input.removeAttribute("aria-activedescendant");
          ds.forEach(function (d, i) {
            if (!d) return;
            var li = item(d, r, true);
            attrs(li, { id: id + "-" + i, role: "option", "aria-selected": "false" });
            list.append(li);
          });
          if (r.total > POP) {
            var li = el("li", "result-all"), a = el("a", 0, str("all") + ": " + count(r.total) + " →");
            a.href = root() + "search/index.html?q=" + encodeURIComponent(text);
            a.tabIndex = -1;
            attrs(li, { id: id + "-all", role: "option", "aria-selected": "false" });
            li.append(a);
            list.append(li);
          }
          foot.textContent = r.total ? showing(r) + count(r.total) : none(text);
          open(doc.activeElement === input);
        });
      }).catch(function () {
        if (my !== seq) return;
        list.textContent = "";
        foot.textContent = str("error");
        open(doc.activeElement === input);
      });
    }
    // Answers to older keystrokes are dropped when they arrive late (seq).
    var typed = paced(input, update);
    input.addEventListener("input", typed);
    input.addEventListener("focus", function () { if (input.value.trim() && list.firstChild) open(true); });
    input.addEventListener("blur", function () { open(false); });
    box.addEventListener("mousedown", function (e) { e.preventDefault(); });
    input.addEventListener("keydown", function (e) {
      var n = list.children.length;
      if ((e.key === "ArrowDown" || e.key === "ArrowUp") && n) {
        e.preventDefault();
        if (box.hidden) open(true);
        var down = e.key === "ArrowDown";
        move(active < 0 ? (down ? 0 : n - 1) : (active + (down ? 1 : n - 1)) % n);
      } else if (e.key === "Enter" && !box.hidden && active >= 0) {
        e.preventDefault();
        location.href = list.children[active].querySelector("a").href;
      } else if (e.key === "Escape" && !box.hidden) {
        e.preventDefault();
        open(false);
      }
    });
    if (doc.activeElement === input && input.value.trim()) typed();
  }

  // ---- The search page ----
  function searchPage(list) {
    var input = doc.getElementById("search-q"), status = doc.getElementById("search-status"),
      bar = doc.getElementById("search-filters"), more = doc.getElementById("search-more"),
      seq = 0, gen = 0, R = null, kind = "", shown = 0, title = doc.title;
    var q = new URLSearchParams(location.search).get("q") || "";
    function run(typing) {
      var text = input.value.trim(), my = ++seq;
      try {
        history.replaceState(null, "", text ? "?q=" + encodeURIComponent(text).replace(/%20/g, "+") : location.pathname);
      } catch (e) { /* some browsers refuse on file:// */ }
      doc.title = text ? text + " · " + title : title;
      if (!text) {
        R = null;
        status.textContent = "";
        return render();
      }
      var slow = setTimeout(function () { if (my === seq) status.textContent = str("searching"); }, 150);
      query(text, { prefix: true }).then(function (r) {
        return settled(r, r.results.slice(0, PAGE), typing, function () { return my === seq; });
      }).then(function (r) {
        clearTimeout(slow);
        if (my !== seq || !r) return;
        R = r;
        R.q = text;
        if (!r.counts[kind]) kind = "";
        render();
      }, function () {
        clearTimeout(slow);
        if (my === seq) status.textContent = str("error");
      });
    }
    function render() {
      bar.textContent = "";
      bar.hidden = !R || !R.total;
      if (R && R.total) {
        [["", str("all"), R.total]].concat(M.kinds.filter(function (k) { return R.counts[k[0]]; })
          .map(function (k) { return [k[0], k[2], R.counts[k[0]]]; })).forEach(function (k) {
          var b = el("button", "chip", k[1] + " ");
          b.type = "button";
          b.setAttribute("data-kind", k[0]);
          b.append(el("span", "count", k[2]));
          b.addEventListener("click", function () { kind = k[0]; filter(); });
          bar.append(b);
        });
      }
      filter();
    }
    function filter() {
      Array.prototype.forEach.call(bar.children, function (b) {
        b.setAttribute("aria-pressed", b.getAttribute("data-kind") === kind ? "true" : "false");
      });
      gen++;
      list.textContent = "";
      shown = 0;
      more.hidden = true;
      if (R) show(false);
    }
    function show(focus) {
      var all = kind ? R.results.filter(function (r) { return r.kind === kind; }) : R.results,
        part = all.slice(shown, shown + PAGE), g = gen, r = R;
      shown += part.length;
      Promise.all(part.map(function (x) { return details(x.id).catch(function () { return null; }); })).then(function (ds) {
        if (g !== gen) return;
        var first = null;
        ds.forEach(function (d) {
          if (!d) return;
          var li = item(d, r, false);
          list.append(li);
          first = first || li;
        });
        more.hidden = shown >= all.length;
        status.textContent = all.length ? showing(r) + count(all.length) : none(r.q);
        if (focus && first) first.querySelector("a").focus();
      });
    }
    input.value = q;
    input.form.addEventListener("submit", function (e) { e.preventDefault(); run(); });
    input.addEventListener("input", paced(input, run));
    more.addEventListener("click", function () { show(true); });
    load("meta").then(function () { more.textContent = str("more"); }, function () { status.textContent = str("error"); });
    if (q) run();
    else input.focus();
  }

  window.TenetSearch = {
    meta: meta, put: put, stemmers: stemmers, query: query, tokenize: tokenize, fold: fold, details: details,
    kind: function (id) { return kindOf(id); }, keys: function () { return M.keys; }
  };
  function init() {
    load("meta").catch(function () {});
    var top = doc.querySelector(".topbar .search input");
    if (top) combobox(top);
    var list = doc.getElementById("search-results");
    if (list) searchPage(list);
  }
  if (doc.readyState === "loading") doc.addEventListener("DOMContentLoaded", init);
  else init();
})();
