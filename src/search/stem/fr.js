// French stemmer for the search client: the Snowball "french" algorithm, giving the stems
// rust-stemmers gives the indexer (tests/search.rs compares them on large word lists).
// A function expression: `search/stem.js` hands it to the client.
(function () {
  "use strict";
  var V = "aeiouyâàëéêèïîôûù";
  function isV(c) { return c !== undefined && V.indexOf(c) >= 0; }
  function byLength(list) { return list.sort(function (a, b) { return b.length - a.length; }); }
  var STEP1 = byLength(["ance", "iqUe", "isme", "able", "iste", "eux", "ances", "iqUes", "ismes",
    "ables", "istes", "atrice", "ateur", "ation", "atrices", "ateurs", "ations", "logie", "logies",
    "usion", "ution", "usions", "utions", "ence", "ences", "ement", "ements", "ité", "ités", "if",
    "ive", "ifs", "ives", "eaux", "aux", "euse", "euses", "issement", "issements", "amment",
    "emment", "ment", "ments"]);
  var STEP2A = byLength(["îmes", "ît", "îtes", "i", "ie", "ies", "ir", "ira", "irai", "iraIent",
    "irais", "irait", "iras", "irent", "irez", "iriez", "irions", "irons", "iront", "is",
    "issaIent", "issais", "issait", "issant", "issante", "issantes", "issants", "isse",
    "issent", "isses", "issez", "issiez", "issions", "issons", "it"]);
  var STEP2B = byLength(["ions", "é", "ée", "ées", "és", "èrent", "er", "era", "erai", "eraIent",
    "erais", "erait", "eras", "erez", "eriez", "erions", "erons", "eront", "ez", "iez", "âmes",
    "ât", "âtes", "a", "ai", "aIent", "ais", "ait", "ant", "ante", "antes", "ants", "as", "asse",
    "assent", "asses", "assiez", "assions"]);
  var STEP4 = byLength(["ion", "ier", "ière", "Ier", "Ière", "e", "ë"]);

  return function stem(word) {
    var w = Array.from(word);
    // u and i between vowels, y next to a vowel and u after q are consonants (upper case).
    for (var i = 0; i < w.length; i++) {
      var c = w[i], prev = w[i - 1], next = w[i + 1];
      if ((c === "u" || c === "i") && isV(prev) && isV(next)) w[i] = c.toUpperCase();
      else if (c === "y" && (isV(prev) || isV(next))) w[i] = "Y";
      else if (c === "u" && prev === "q") w[i] = "U";
    }
    var n = w.length, s = w.join("");
    // RV: after the third letter when the word starts with two vowels (or after par, col,
    // tap); else after the first vowel that is not the first letter.
    var rv = n;
    if (/^(par|col|tap)/.test(s)) rv = 3;
    else if (isV(w[0]) && isV(w[1])) rv = Math.min(3, n);
    else for (i = 1; i < n; i++) if (isV(w[i])) { rv = i + 1; break; }
    function after(from) {
      var j = from;
      while (j < n && !isV(w[j])) j++;
      for (j++; j < n; j++) if (!isV(w[j])) return j + 1;
      return n;
    }
    var r1 = after(0), r2 = after(r1);

    var t = w.slice();
    function str() { return t.join(""); }
    function ends(x) { var l = Array.from(x).length, a = t.slice(t.length - l).join(""); return t.length >= l && a === x; }
    function len(x) { return Array.from(x).length; }
    function at(x) { return t.length - len(x); }       // where suffix x starts
    function cut(x) { t.length -= len(x); }
    function put(x) { t.push.apply(t, Array.from(x)); }
    // The longest of `list` (longest first) the word ends with, starting at `limit` or later.
    function longest(list, limit) {
      for (var k = 0; k < list.length; k++) if (ends(list[k]) && at(list[k]) >= (limit || 0)) return list[k];
      return null;
    }
    function inR(x, r) { return at(x) >= r; }

    // Step 1: standard suffixes.
    var changed = false, step1 = false, verbs = false;
    var x = longest(STEP1);
    function replace(suffix, by) { cut(suffix); put(by); changed = true; }
    if (x) {
      switch (x) {
        case "ance": case "iqUe": case "isme": case "able": case "iste": case "eux": case "ances":
        case "iqUes": case "ismes": case "ables": case "istes":
          if (inR(x, r2)) replace(x, "");
          break;
        case "atrice": case "ateur": case "ation": case "atrices": case "ateurs": case "ations":
          if (inR(x, r2)) {
            replace(x, "");
            if (ends("ic")) { if (inR("ic", r2)) cut("ic"); else replace("ic", "iqU"); }
          }
          break;
        case "logie": case "logies":
          if (inR(x, r2)) replace(x, "log");
          break;
        case "usion": case "ution": case "usions": case "utions":
          if (inR(x, r2)) replace(x, "u");
          break;
        case "ence": case "ences":
          if (inR(x, r2)) replace(x, "ent");
          break;
        case "ement": case "ements":
          if (inR(x, rv)) {
            replace(x, "");
            if (ends("iv")) {
              if (inR("iv", r2)) {
                cut("iv");
                if (ends("at") && inR("at", r2)) cut("at");
              }
            } else if (ends("eus")) {
              if (inR("eus", r2)) cut("eus");
              else if (inR("eus", r1)) replace("eus", "eux");
            } else if (ends("abl") || ends("iqU")) {
              if (inR("abl", r2)) cut("abl");
            } else if (ends("ièr") || ends("Ièr")) {
              if (inR("ièr", rv)) replace("ièr", "i");
            }
          }
          break;
        case "ité": case "ités":
          if (inR(x, r2)) {
            replace(x, "");
            if (ends("abil")) { if (inR("abil", r2)) cut("abil"); else replace("abil", "abl"); }
            else if (ends("ic")) { if (inR("ic", r2)) cut("ic"); else replace("ic", "iqU"); }
            else if (ends("iv")) { if (inR("iv", r2)) cut("iv"); }
          }
          break;
        case "if": case "ive": case "ifs": case "ives":
          if (inR(x, r2)) {
            replace(x, "");
            if (ends("at") && inR("at", r2)) {
              cut("at");
              if (ends("ic")) { if (inR("ic", r2)) cut("ic"); else replace("ic", "iqU"); }
            }
          }
          break;
        case "eaux":
          replace(x, "eau");
          break;
        case "aux":
          if (inR(x, r1)) replace(x, "al");
          break;
        case "euse": case "euses":
          if (inR(x, r2)) replace(x, "");
          else if (inR(x, r1)) replace(x, "eux");
          break;
        case "issement": case "issements":
          if (inR(x, r1) && !isV(t[at(x) - 1])) replace(x, "");
          break;
        case "amment":
          if (inR(x, rv)) { replace(x, "ant"); verbs = true; }
          break;
        case "emment":
          if (inR(x, rv)) { replace(x, "ent"); verbs = true; }
          break;
        case "ment": case "ments":
          if (inR(x, rv) && isV(t[at(x) - 1]) && at(x) - 1 >= rv) { replace(x, ""); verbs = true; }
          break;
      }
      // -ment after a vowel is taken off as a verb ending would be: the verb steps follow.
      step1 = changed && !verbs;
    }
    // Steps 2a and 2b: verb suffixes, in RV.
    var two = false;
    if (!step1 || verbs) {
      x = longest(STEP2A, rv);
      if (x && at(x) - 1 >= rv && !isV(t[at(x) - 1])) { cut(x); two = true; }
      if (!two) {
        x = longest(STEP2B, rv);
        if (x) {
          if (x === "ions") { if (inR(x, r2)) { cut(x); two = true; } }
          else if (/^(âmes|ât|âtes|a|ai|aIent|ais|ait|ant|ante|antes|ants|as|asse|assent|asses|assiez|assions)$/.test(x)) {
            cut(x);
            two = true;
            if (ends("e") && inR("e", rv)) cut("e");
          } else { cut(x); two = true; }
        }
      }
    }
    if (step1 || two) {
      // Step 3.
      var last = t[t.length - 1];
      if (last === "Y") t[t.length - 1] = "i";
      else if (last === "ç") t[t.length - 1] = "c";
    } else {
      // Step 4: residual suffixes.
      var l = t[t.length - 1];
      if (l === "s" && "aiouès".indexOf(t[t.length - 2]) < 0 && t.length > 1) cut("s");
      x = longest(STEP4, rv);
      if (x) {
        if (x === "ion") {
          var b = t[at(x) - 1];
          if (inR(x, r2) && (b === "s" || b === "t") && at(x) - 1 >= rv) cut(x);
        } else if (x === "ier" || x === "ière" || x === "Ier" || x === "Ière") {
          cut(x); put("i");
        } else if (x === "e") {
          cut(x);
        } else if (x === "ë") {
          if (t[at(x) - 2] === "g" && t[at(x) - 1] === "u" && at(x) - 2 >= rv) cut(x);
        }
      }
    }
    // Step 5: undouble.
    var u = str();
    if (/(enn|onn|ett|ell|eill)$/.test(u)) t.length -= 1;
    // Step 6: un-accent.
    for (i = t.length - 1; i >= 0 && !isV(t[i]); i--);
    if (i >= 0 && i < t.length - 1 && (t[i] === "é" || t[i] === "è")) t[i] = "e";
    return str().replace(/[IUY]/g, function (c) { return c.toLowerCase(); });
  };
})()
