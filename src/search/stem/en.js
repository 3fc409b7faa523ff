// English stemmer for the search client: the Snowball "english" (Porter2) algorithm, giving the
// stems rust-stemmers gives the indexer (tests/search_stem.rs compares them on large word lists).
// A function expression: `search/stem.js` hands it to the client.
(function () {
  "use strict";
  var VOWEL = /[aeiouy]/;
  function isV(c) { return c !== undefined && VOWEL.test(c); }
  // Whole words the algorithm treats apart.
  var SPECIAL = {
    skis: "ski", skies: "sky", dying: "die", lying: "lie", tying: "tie", idly: "idl",
    gently: "gentl", ugly: "ugli", early: "earli", only: "onli", singly: "singl",
    sky: "sky", news: "news", howe: "howe", atlas: "atlas", cosmos: "cosmos", bias: "bias",
    andes: "andes"
  };
  var AFTER_1A = { inning: 1, outing: 1, canning: 1, herring: 1, earring: 1, proceed: 1, exceed: 1, succeed: 1 };
  var STEP2 = [
    ["ization", "ize"], ["ational", "ate"], ["fulness", "ful"], ["ousness", "ous"], ["iveness", "ive"],
    ["tional", "tion"], ["biliti", "ble"], ["lessli", "less"], ["entli", "ent"], ["ation", "ate"],
    ["alism", "al"], ["aliti", "al"], ["ousli", "ous"], ["iviti", "ive"], ["fulli", "ful"],
    ["enci", "ence"], ["anci", "ance"], ["abli", "able"], ["izer", "ize"], ["ator", "ate"],
    ["alli", "al"], ["bli", "ble"], ["ogi", "og"], ["li", ""]
  ];
  var STEP3 = [
    ["ational", "ate"], ["tional", "tion"], ["alize", "al"], ["icate", "ic"], ["iciti", "ic"],
    ["ative", ""], ["ical", "ic"], ["ness", ""], ["ful", ""]
  ];
  var STEP4 = ["ement", "ance", "ence", "able", "ible", "ment", "ant", "ent", "ism", "ate", "iti",
    "ous", "ive", "ize", "ion", "al", "er", "ic"];
  function ends(w, s) { return w.length >= s.length && w.slice(w.length - s.length) === s; }
  // The longest of `list` (longest first) that `w` ends with.
  function longest(w, list, at) {
    for (var i = 0; i < list.length; i++) {
      var s = at ? list[i][0] : list[i];
      if (ends(w, s)) return i;
    }
    return -1;
  }
  // Whether the word part w[0..end) ends in a short syllable.
  function shortV(w, end) {
    var a = w[end - 3], b = w[end - 2], c = w[end - 1];
    if (end >= 3 && !isV(a) && isV(b) && !isV(c) && c !== "w" && c !== "x" && c !== "Y") return true;
    return end === 2 && isV(b) && !isV(c);
  }
  function hasVowel(w, end) {
    for (var i = 0; i < end; i++) if (isV(w[i])) return true;
    return false;
  }

  return function stem(word) {
    if (SPECIAL.hasOwnProperty(word)) return SPECIAL[word];
    if (Array.from(word).length < 3) return word;
    var w = Array.from(word);
    if (w[0] === "'") w.shift();
    // y as a consonant is Y (at the start, and after a vowel).
    var marked = false;
    for (var i = 0; i < w.length; i++) {
      if (w[i] === "y" && (i === 0 || isV(w[i - 1]))) { w[i] = "Y"; marked = true; }
    }
    // The regions: R1 after the first non-vowel that follows a vowel (or after a few prefixes),
    // R2 the same again from R1.
    var s = w.join("");
    var p1 = w.length, p2 = w.length;
    var prefix = ["gener", "commun", "arsen"].filter(function (p) { return s.indexOf(p) === 0; })[0];
    function after(from) {
      for (var j = from; j < w.length; j++) if (isV(w[j])) break;
      for (j++; j < w.length; j++) if (!isV(w[j])) return j + 1;
      return w.length;
    }
    p1 = prefix ? prefix.length : after(0);
    p2 = after(p1);
    // Works on the characters from here on: `t` is the word as a string of characters.
    var t = w.slice();
    function str() { return t.join(""); }
    function cut(n) { t.length -= n; }
    function put(x) { t.push.apply(t, Array.from(x)); }
    // Step 0 and 1a.
    var x = str();
    var k = longest(x, ["'s'", "'s", "'"]);
    if (k >= 0) cut(["'s'", "'s", "'"][k].length);
    x = str();
    if (ends(x, "sses")) { cut(2); }
    else if (ends(x, "ied") || ends(x, "ies")) { cut(3); put(t.length > 1 ? "i" : "ie"); }
    else if (ends(x, "us") || ends(x, "ss")) { /* kept */ }
    else if (ends(x, "s")) { if (hasVowel(t, t.length - 2)) cut(1); }
    if (AFTER_1A.hasOwnProperty(str())) return str();
    // Step 1b.
    x = str();
    var suffix = ["eedly", "ingly", "edly", "eed", "ing", "ed"].filter(function (s) { return ends(x, s); })[0];
    if (suffix === "eed" || suffix === "eedly") {
      if (t.length - suffix.length >= p1) { cut(suffix.length); put("ee"); }
    } else if (suffix && hasVowel(t, t.length - suffix.length)) {
      cut(suffix.length);
      x = str();
      if (ends(x, "at") || ends(x, "bl") || ends(x, "iz")) put("e");
      else if (/(bb|dd|ff|gg|mm|nn|pp|rr|tt)$/.test(x)) cut(1);
      else if (t.length === p1 && shortV(t, t.length)) put("e");
    }
    // Step 1c.
    var last = t[t.length - 1];
    if ((last === "y" || last === "Y") && t.length > 2 && !isV(t[t.length - 2])) t[t.length - 1] = "i";
    // Step 2.
    x = str();
    k = longest(x, STEP2, true);
    if (k >= 0 && t.length - STEP2[k][0].length >= p1) {
      var from = t.length - STEP2[k][0].length;
      if (STEP2[k][0] === "ogi") { if (t[from - 1] === "l") { cut(3); put("og"); } }
      else if (STEP2[k][0] === "li") { if ("cdeghkmnrt".indexOf(t[from - 1]) >= 0 && from > 0) cut(2); }
      else { cut(STEP2[k][0].length); put(STEP2[k][1]); }
    }
    // Step 3.
    x = str();
    k = longest(x, STEP3, true);
    if (k >= 0 && t.length - STEP3[k][0].length >= p1) {
      if (STEP3[k][0] !== "ative" || t.length - 5 >= p2) { cut(STEP3[k][0].length); put(STEP3[k][1]); }
    }
    // Step 4.
    x = str();
    k = longest(x, STEP4);
    if (k >= 0 && t.length - STEP4[k].length >= p2) {
      var before = t[t.length - STEP4[k].length - 1];
      if (STEP4[k] !== "ion" || before === "s" || before === "t") cut(STEP4[k].length);
    }
    // Step 5.
    last = t[t.length - 1];
    if (last === "e") {
      var n = t.length - 1;
      if (n >= p2 || (n >= p1 && !shortV(t, n))) cut(1);
    } else if (last === "l") {
      if (t.length - 1 >= p2 && t[t.length - 2] === "l") cut(1);
    }
    var out = str();
    return marked ? out.replace(/Y/g, "y") : out;
  };
})()
