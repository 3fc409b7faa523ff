// Spanish stemmer for the search client: the Snowball "spanish" algorithm, giving the stems
// rust-stemmers gives the indexer (tests/search.rs compares them on large word lists).
// A function expression: `search/stem.js` hands it to the client.
(function () {
  "use strict";
  var V = "aeiouáéíóúü";
  function isV(c) { return c !== undefined && V.indexOf(c) >= 0; }
  function byLength(list) { return list.sort(function (a, b) { return b.length - a.length; }); }
  var PRONOUNS = byLength(["me", "se", "sela", "selo", "selas", "selos", "la", "le", "lo", "las", "les", "los", "nos"]);
  var BEFORE_PRONOUN = byLength(["iéndo", "ándo", "ár", "ér", "ír", "ando", "iendo", "ar", "er", "ir", "yendo"]);
  var UNACCENT = { "iéndo": "iendo", "ándo": "ando", "ár": "ar", "ér": "er", "ír": "ir" };
  var STEP1 = byLength(["anza", "anzas", "ico", "ica", "icos", "icas", "ismo", "ismos", "able", "ables",
    "ible", "ibles", "ista", "istas", "oso", "osa", "osos", "osas", "amiento", "amientos", "imiento",
    "imientos", "adora", "ador", "ación", "adoras", "adores", "aciones", "ante", "antes", "ancia",
    "ancias", "logía", "logías", "ución", "uciones", "encia", "encias", "amente", "mente", "idad",
    "idades", "iva", "ivo", "ivas", "ivos"]);
  var PLAIN1 = { anza: 1, anzas: 1, ico: 1, ica: 1, icos: 1, icas: 1, ismo: 1, ismos: 1, able: 1,
    ables: 1, ible: 1, ibles: 1, ista: 1, istas: 1, oso: 1, osa: 1, osos: 1, osas: 1, amiento: 1,
    amientos: 1, imiento: 1, imientos: 1 };
  var IC1 = { adora: 1, ador: 1, "ación": 1, adoras: 1, adores: 1, aciones: 1, ante: 1, antes: 1,
    ancia: 1, ancias: 1 };
  var Y_VERBS = byLength(["ya", "ye", "yan", "yen", "yeron", "yendo", "yo", "yó", "yas", "yes", "yais", "yamos"]);
  var GU_VERBS = ["en", "es", "éis", "emos"];
  var VERBS = byLength(GU_VERBS.concat(["arían", "arías", "arán", "arás", "aríais", "aría", "aréis",
    "aríamos", "aremos", "ará", "aré", "erían", "erías", "erán", "erás", "eríais", "ería", "eréis",
    "eríamos", "eremos", "erá", "eré", "irían", "irías", "irán", "irás", "iríais", "iría", "iréis",
    "iríamos", "iremos", "irá", "iré", "aba", "ada", "ida", "ía", "ara", "iera", "ad", "ed", "id",
    "ase", "iese", "aste", "iste", "an", "aban", "ían", "aran", "ieran", "asen", "iesen", "aron",
    "ieron", "ado", "ido", "ando", "iendo", "ió", "ar", "er", "ir", "as", "abas", "adas", "idas",
    "ías", "aras", "ieras", "ases", "ieses", "ís", "áis", "abais", "íais", "arais", "ierais",
    "aseis", "ieseis", "asteis", "isteis", "ados", "idos", "amos", "ábamos", "íamos", "imos",
    "áramos", "iéramos", "iésemos", "ásemos"]));
  var RESIDUAL = byLength(["os", "a", "o", "á", "í", "ó", "e", "é"]);

  return function stem(word) {
    var w = Array.from(word), n = w.length, i;
    // RV: after the next vowel when the second letter is a consonant; after the next
    // consonant when the first two are vowels; else after the third letter.
    var rv = n;
    if (n >= 2) {
      if (isV(w[0]) && !isV(w[1])) { for (i = 2; i < n; i++) if (isV(w[i])) { rv = i + 1; break; } }
      else if (isV(w[0]) && isV(w[1])) { for (i = 2; i < n; i++) if (!isV(w[i])) { rv = i + 1; break; } }
      else if (!isV(w[0]) && !isV(w[1])) { for (i = 2; i < n; i++) if (isV(w[i])) { rv = i + 1; break; } }
      else rv = Math.min(3, n);
    }
    function after(from) {
      var j = from;
      while (j < n && !isV(w[j])) j++;
      for (j++; j < n; j++) if (!isV(w[j])) return j + 1;
      return n;
    }
    var r1 = after(0), r2 = after(r1);

    var t = w.slice();
    function len(x) { return Array.from(x).length; }
    function ends(x) { var l = len(x); return t.length >= l && t.slice(t.length - l).join("") === x; }
    function at(x) { return t.length - len(x); }
    function cut(x) { t.length -= len(x); }
    function put(x) { t.push.apply(t, Array.from(x)); }
    function longest(list, limit) {
      for (var k = 0; k < list.length; k++) if (ends(list[k]) && at(list[k]) >= (limit || 0)) return list[k];
      return null;
    }

    // Step 0: attached pronouns, after a verb ending in RV.
    var p = longest(PRONOUNS);
    if (p) {
      var kept = t.slice(0, at(p)), whole = t;
      t = kept;
      var e = longest(BEFORE_PRONOUN);
      if (e && at(e) >= rv && (e !== "yendo" || t[at(e) - 1] === "u")) {
        if (UNACCENT[e]) { cut(e); put(UNACCENT[e]); }
      } else t = whole;
    }
    // Step 1: standard suffixes.
    var done = false;
    var x = longest(STEP1);
    if (x) {
      if (PLAIN1[x]) { if (at(x) >= r2) { cut(x); done = true; } }
      else if (IC1[x]) {
        if (at(x) >= r2) { cut(x); done = true; if (ends("ic") && at("ic") >= r2) cut("ic"); }
      } else if (x === "logía" || x === "logías") { if (at(x) >= r2) { cut(x); put("log"); done = true; } }
      else if (x === "ución" || x === "uciones") { if (at(x) >= r2) { cut(x); put("u"); done = true; } }
      else if (x === "encia" || x === "encias") { if (at(x) >= r2) { cut(x); put("ente"); done = true; } }
      else if (x === "amente") {
        if (at(x) >= r1) {
          cut(x); done = true;
          var y = longest(["iv", "os", "ic", "ad"]);
          if (y && at(y) >= r2) {
            cut(y);
            if (y === "iv" && ends("at") && at("at") >= r2) cut("at");
          }
        }
      } else if (x === "mente") {
        if (at(x) >= r2) {
          cut(x); done = true;
          var z = longest(["ante", "able", "ible"]);
          if (z && at(z) >= r2) cut(z);
        }
      } else if (x === "idad" || x === "idades") {
        if (at(x) >= r2) {
          cut(x); done = true;
          var q = longest(["abil", "ic", "iv"]);
          if (q && at(q) >= r2) cut(q);
        }
      } else {
        if (at(x) >= r2) { cut(x); done = true; if (ends("at") && at("at") >= r2) cut("at"); }
      }
    }
    // Steps 2a and 2b: verb suffixes, in RV.
    if (!done) {
      x = longest(Y_VERBS, rv);
      if (x && t[at(x) - 1] === "u") { cut(x); done = true; }
    }
    if (!done) {
      x = longest(VERBS, rv);
      if (x) {
        cut(x);
        if (GU_VERBS.indexOf(x) >= 0 && ends("gu")) cut("u");
      }
    }
    // Step 3: residual suffixes.
    x = longest(RESIDUAL);
    if (x && at(x) >= rv) {
      cut(x);
      if ((x === "e" || x === "é") && ends("gu") && at("u") >= rv) cut("u");
    }
    return t.join("").replace(/[áéíóú]/g, function (c) { return "aeiou"["áéíóú".indexOf(c)]; });
  };
})()
