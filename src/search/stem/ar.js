// Arabic stemmer for the search client: the Snowball "arabic" algorithm as rust-stemmers has it,
// giving the stems rust-stemmers gives the indexer (tests/search.rs compares them on large word
// lists). A function expression: `search/stem.js` hands it to the client.
(function () {
  "use strict";
  // Dropped first: tanween, short vowels, shadda, sukun, tatweel, Arabic punctuation, the
  // percent and separator signs, and some ASCII punctuation.
  var DROP = "\u064B\u064C\u064D\u064E\u064F\u0650\u0651\u0652\u0640\u060C\u061B\u061F" +
    "\u066A\u066B\u066C!\"%*,./:;?\\";
  // Suffixes, each with the fewest letters the word must keep for it to come off.
  function keep(n, list, into) {
    into = into || {};
    list.split(" ").forEach(function (x) { into[x] = n; });
    return into;
  }
  var VERB_1 = keep(3, "ه ك هم هن كم كن ها نا ني هما كما كمو");
  var VERB_2A = keep(4, "ان ون ين", keep(3, "ا ت ن ي تا تن نا تما"));
  var VERB_2B = keep(3, "تم وا");
  var VERB_2C = keep(3, "و تمو");
  var NOUN_1B = keep(5, "ن");
  var NOUN_2A = keep(4, "ا و ي");
  var NOUN_2B = keep(3, "ات");
  var NOUN_2C1 = keep(3, "ت");
  var NOUN_2C2 = keep(3, "ة");
  var NOUN_3 = keep(2, "ي");
  // A hamza-alef doubled at the start of a word: the pair and what it becomes.
  var DOUBLED = { "أآ": "آ", "أأ": "أ", "أؤ": "أ", "أا": "ا", "أإ": "إ" };

  return function stem(word) {
    var w = Array.from(word), t = [];
    // A word with the article (ال، لل، بال، كال, two letters or more after it) is a noun; this
    // looks at the word as given, before diacritics go.
    var defined = /^(ال|لل)/.test(word) && w.length > 3 || /^[بك]ال/.test(word) && w.length > 4;
    // Normalise: drop the marks above, Arabic-Indic digits become ASCII, and presentation forms
    // (U+FE80–U+FEFC) become letters, the lam-alef ligatures two.
    w.forEach(function (c) {
      var code = c.charCodeAt(0);
      if (DROP.indexOf(c) >= 0) return;
      if (code >= 0x660 && code <= 0x669) t.push(String(code - 0x660));
      else if (code >= 0xFE80 && code <= 0xFEFC) t.push.apply(t, Array.from(c.normalize("NFKC")));
      else t.push(c);
    });

    // The longest of the table's suffixes the word ends with comes off if enough letters are
    // left; a shorter one is never tried instead.
    function strip(table) {
      for (var k = Math.min(3, t.length); k > 0; k--) {
        var x = t.slice(t.length - k).join("");
        if (table[x] === undefined) continue;
        if (t.length - k < table[x]) return false;
        t.length -= k;
        return true;
      }
      return false;
    }
    // Verbs: pronouns (as many as there are), then a person ending; or the ending alone.
    function verbSuffixes() {
      if (strip(VERB_1)) {
        while (strip(VERB_1));
        if (!strip(VERB_2A)) strip(VERB_2C);
        return true;
      }
      return strip(VERB_2B) || strip(VERB_2A);
    }
    // Nouns: ة; or ن, then ا و ي, ات or ت (the ن stays off when none follows); or ا و ي
    // (without the article) or ات alone; then a final ي. (Snowball tries pronouns before ن when
    // there is no article, but such a word gets here only if the verb steps, which take the
    // same pronouns off, found none.)
    function nounSuffixes() {
      strip(NOUN_2C2) ||
        strip(NOUN_1B) && (strip(NOUN_2A) || strip(NOUN_2B) || strip(NOUN_2C1)) ||
        !defined && strip(NOUN_2A) ||
        strip(NOUN_2B);
      return strip(NOUN_3);
    }
    // Suffixes: a word without the article is tried as a verb first.
    if (!(!defined && verbSuffixes()) && !nounSuffixes() && t[t.length - 1] === "ى") {
      t[t.length - 1] = "ي";
    }

    // Prefixes, looked for at a cursor: as in Snowball, it stays after a letter a step writes
    // back (step 1's alef, the future's أ ت ن ي), and the later steps look from there.
    var c = 0;
    function at(x) { return t.slice(c, c + x.length).join("") === x; }
    function drop(k, least) {
      if (t.length - k < least) return false;
      t.splice(c, k);
      return true;
    }
    var pair = DOUBLED[t.slice(0, 2).join("")];
    if (pair && t.length > 3) {
      t.splice(0, 2, pair);
      c = 1;
    }
    // و and ف (and, so), not before alef.
    if ((at("و") || at("ف")) && t[c + 1] !== "ا") drop(1, 3);
    // The article; or بـ (not before alef) and a doubled ب or ك; or for a verb, a future سـ
    // before أ ت ن ي, then ت ن ي before ست (made است).
    var article = at("بال") || at("كال") ? 3 : at("ال") || at("لل") ? 2 : 0;
    var noun = article && drop(article, 3) || (at("ب") && !at("با") || at("كك")) && drop(1, 3);
    if (!noun && !defined) {
      if (/^س[أتني]$/.test(t.slice(c, c + 2).join("")) && t.length > 4) t.splice(c++, 1);
      if ((at("تست") || at("نست") || at("يست")) && t.length > 4) t[c] = "ا";
    }

    // Hamza on a carrier at the end becomes ء; elsewhere آ أ إ become ا, ؤ و and ئ ي.
    var last = t.length - 1;
    if (last >= 0 && "آأؤإئ".indexOf(t[last]) >= 0) t[last] = "ء";
    return t.join("").replace(/[آأإ]/g, "ا").replace(/ؤ/g, "و").replace(/ئ/g, "ي");
  };
})()
