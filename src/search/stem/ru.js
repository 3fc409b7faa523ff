// Russian stemmer for the search client: the Snowball "russian" algorithm, giving the stems
// rust-stemmers gives the indexer (tests/search.rs compares them on large word lists).
// A function expression: `search/stem.js` hands it to the client.
(function () {
  "use strict";
  var V = "аеиоуыэюя";
  function isV(c) { return c !== undefined && V.indexOf(c) >= 0; }
  function byLength(list) { return list.sort(function (a, b) { return b.length - a.length; }); }
  var GERUND_AY = ["в", "вши", "вшись"];
  var GERUND = byLength(GERUND_AY.concat(["ив", "ивши", "ившись", "ыв", "ывши", "ывшись"]));
  var ADJECTIVE = byLength(["ее", "ие", "ые", "ое", "ими", "ыми", "ей", "ий", "ый", "ой", "ем", "им",
    "ым", "ом", "его", "ого", "ему", "ому", "их", "ых", "ую", "юю", "ая", "яя", "ою", "ею"]);
  var PARTICIPLE_AY = ["ем", "нн", "вш", "ющ", "щ"];
  var PARTICIPLE = byLength(PARTICIPLE_AY.concat(["ивш", "ывш", "ующ"]));
  var VERB_AY = ["ла", "на", "ете", "йте", "ли", "й", "л", "ем", "н", "ло", "но", "ет", "ют", "ны",
    "ть", "ешь", "нно"];
  var VERB = byLength(VERB_AY.concat(["ила", "ыла", "ена", "ейте", "уйте", "ите", "или", "ыли", "ей",
    "уй", "ил", "ыл", "им", "ым", "ен", "ило", "ыло", "ено", "ят", "ует", "уют", "ит", "ыт", "ены",
    "ить", "ыть", "ишь", "ую", "ю"]));
  var NOUN = byLength(["а", "ев", "ов", "ие", "ье", "е", "иями", "ями", "ами", "еи", "ии", "и", "ией",
    "ей", "ой", "ий", "й", "иям", "ям", "ием", "ем", "ам", "ом", "о", "у", "ах", "иях", "ях", "ы",
    "ь", "ию", "ью", "ю", "ия", "ья", "я"]);

  return function stem(word) {
    var w = Array.from(word), n = w.length, i;
    // RV: after the first vowel; R2: after the second non-vowel following a vowel from there.
    var rv = n, r2 = n;
    for (i = 0; i < n; i++) if (isV(w[i])) { rv = i + 1; break; }
    if (rv < n) {
      var j = rv;
      while (j < n && isV(w[j])) j++;          // past a non-vowel
      j++;
      while (j < n && !isV(w[j])) j++;         // past a vowel
      j++;
      while (j < n && isV(w[j])) j++;          // past a non-vowel
      r2 = Math.min(j + 1, n);
    }
    // Everything below happens inside RV.
    var head = w.slice(0, rv), t = w.slice(rv);
    function len(x) { return x.length; }
    function ends(x) { return t.length >= len(x) && t.slice(t.length - len(x)).join("") === x; }
    function cut(x) { t.length -= len(x); }
    function longest(list) {
      for (var k = 0; k < list.length; k++) if (ends(list[k])) return list[k];
      return null;
    }
    // After `x` is cut, whether the letter before it (in RV) is а or я.
    function afterAY(x) { var c = t[t.length - len(x) - 1]; return c === "а" || c === "я"; }
    function take(list, ay) {
      var x = longest(list);
      if (!x) return false;
      if (ay.indexOf(x) >= 0 && !afterAY(x)) return false;
      cut(x);
      return true;
    }
    if (!take(GERUND, GERUND_AY)) {
      var r = longest(["ся", "сь"]);
      if (r) cut(r);
      var adjective = longest(ADJECTIVE);
      if (adjective) {
        cut(adjective);
        take(PARTICIPLE, PARTICIPLE_AY);
      } else if (!take(VERB, VERB_AY)) {
        take(NOUN, []);
      }
    }
    if (ends("и")) cut("и");
    // Derivational: -ост(ь) in R2.
    var d = longest(["ость", "ост"]);
    if (d && head.length + t.length - d.length >= r2) cut(d);
    // Tidy up: superlative -ейш(е), then нн → н; or a final ь.
    var s = longest(["ейше", "ейш", "нн", "н", "ь"]);
    if (s === "ейше" || s === "ейш") {
      cut(s);
      if (ends("нн")) cut("н");
    } else if (s === "нн") {
      cut("н");
    } else if (s === "ь") {
      cut("ь");
    }
    return head.concat(t).join("");
  };
})()
