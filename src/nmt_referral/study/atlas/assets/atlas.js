/* nmt-referral atlas: the search box. Plain JavaScript, no framework, no network: the names come from
   window.NMT_INDEX (search-index.js, loaded by a <script> tag so that it works from file://).
   Typed text is normalised as nmt_referral.text.normalise does (case, accents, punctuation, plurals and
   filler words ignored), then matched by exact name, prefix, words, substring and, for misspellings, an
   edit-distance ratio. */
(function () {
  "use strict";

  var MAX_RESULTS = 10;
  var FUZZY_CUTOFF = 72; /* a name at least this similar (0-100) counts as a misspelling of it */

  function Normaliser(rules) {
    this.filler = new Set(rules.filler);
    this.irregular = rules.irregular;
    this.keep = rules.keep;
  }

  Normaliser.prototype.singular = function (word) {
    if (Object.prototype.hasOwnProperty.call(this.irregular, word)) {
      return this.irregular[word];
    }
    var ending = this.keep.some(function (end) { return word.endsWith(end); });
    if (word.length <= 3 || ending || !word.endsWith("s")) {
      return word;
    }
    if (word.endsWith("ies") && word.length > 4) {
      return word.slice(0, -3) + "y";
    }
    return word.slice(0, -1);
  };

  Normaliser.prototype.words = function (text) {
    var plain = String(text).toLowerCase().normalize("NFKD").replace(/['\u2019]/g, "");
    if (/^[\x00-\x7f]*$/.test(plain)) {
      return plain.split(/[^0-9a-z]+/).filter(Boolean);
    }
    plain = plain.replace(/\p{M}/gu, "");
    return plain.split(/[^\p{L}\p{N}]+/u).filter(Boolean);
  };

  Normaliser.prototype.key = function (text) {
    var self = this;
    var words = this.words(text).map(function (w) { return self.singular(w); });
    var kept = words.filter(function (w) { return !self.filler.has(w); });
    return (kept.length ? kept : words).join(" ");
  };

  /* Edit distance with transpositions (optimal string alignment): "trapezuis" is one edit away. */
  function distance(a, b) {
    var rows = [];
    var i, j;
    for (i = 0; i <= a.length; i++) {
      rows.push([i]);
    }
    for (j = 1; j <= b.length; j++) {
      rows[0][j] = j;
    }
    for (i = 1; i <= a.length; i++) {
      for (j = 1; j <= b.length; j++) {
        var cost = a[i - 1] === b[j - 1] ? 0 : 1;
        var best = Math.min(rows[i - 1][j] + 1, rows[i][j - 1] + 1, rows[i - 1][j - 1] + cost);
        if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
          best = Math.min(best, rows[i - 2][j - 2] + 1);
        }
        rows[i][j] = best;
      }
    }
    return rows[a.length][b.length];
  }

  function ratio(a, b) {
    var longest = Math.max(a.length, b.length);
    return longest ? 100 * (1 - distance(a, b) / longest) : 100;
  }

  /* How well the typed key matches one name's key, 0-100 (0: not at all). */
  function score(query, queryWords, key) {
    if (key === query) {
      return 100;
    }
    var share = query.length / key.length;
    if (key.startsWith(query)) {
      return 90 + 5 * share;
    }
    var keyWords = key.split(" ");
    var prefixes = queryWords.every(function (w) {
      return keyWords.some(function (k) { return k.startsWith(w); });
    });
    if (prefixes) {
      return 80 + 5 * Math.min(1, share);
    }
    if (query.length >= 3 && key.includes(query)) {
      return 75;
    }
    if (query.length < 4) {
      return 0;
    }
    var best = ratio(query, key);
    if (key.length > query.length) {
      best = Math.max(best, ratio(query, key.slice(0, query.length)) - 8);
    }
    var total = 0;
    queryWords.forEach(function (w) {
      var closest = 0;
      keyWords.forEach(function (k) {
        closest = Math.max(closest, w.length < 3 ? (k.startsWith(w) ? 100 : 0) : ratio(w, k));
      });
      total += closest;
    });
    best = Math.max(best, total / queryWords.length - 5);
    return best >= FUZZY_CUTOFF ? 0.85 * best : 0;
  }

  /* The pages best matching the text: [{page, name, score}], best first, one entry per page. */
  function search(index, normaliser, text) {
    var query = normaliser.key(text);
    if (!query) {
      return [];
    }
    var queryWords = query.split(" ");
    var best = new Map();
    index.names.forEach(function (entry) {
      var value = score(query, queryWords, entry[0]);
      var page = entry[1];
      if (value > 0 && (!best.has(page) || best.get(page).score < value)) {
        best.set(page, { page: page, name: entry[2], score: value });
      }
    });
    var kinds = ["muscle", "region", "condition term", "symptom", "muscle group"];
    return Array.from(best.values()).sort(function (x, y) {
      var px = index.pages[x.page], py = index.pages[y.page];
      return y.score - x.score || kinds.indexOf(px[2]) - kinds.indexOf(py[2]) || (px[1] < py[1] ? -1 : px[1] > py[1] ? 1 : 0);
    }).slice(0, MAX_RESULTS);
  }

  function show(index, root, hits, list, status, text) {
    list.textContent = "";
    hits.forEach(function (hit) {
      var page = index.pages[hit.page];
      var item = document.createElement("li");
      var link = document.createElement("a");
      link.href = root + page[0];
      link.textContent = page[1];
      var kind = document.createElement("span");
      kind.className = "kind";
      kind.textContent = " " + page[2];
      link.appendChild(kind);
      if (hit.name.toLowerCase() !== page[1].toLowerCase()) {
        var via = document.createElement("span");
        via.className = "via";
        via.textContent = " (" + hit.name + ")";
        link.appendChild(via);
      }
      item.appendChild(link);
      list.appendChild(item);
    });
    if (!text.trim()) {
      status.textContent = "";
    } else if (hits.length) {
      status.textContent = hits.length + (hits.length === 1 ? " match" : " matches") + " for \u201c" + text.trim() +
        "\u201d. Press Enter for the first, or the down arrow to choose.";
    } else {
      status.textContent = "Nothing matches \u201c" + text.trim() + "\u201d.";
    }
  }

  function start() {
    var index = window.NMT_INDEX;
    var form = document.getElementById("search");
    if (!index || !form) {
      return;
    }
    var root = document.documentElement.getAttribute("data-root") || "";
    var normaliser = new Normaliser(index.normalise);
    var input = document.getElementById("search-box");
    var list = document.getElementById("search-results");
    var status = document.getElementById("search-status");
    form.hidden = false;

    input.addEventListener("input", function () {
      show(index, root, search(index, normaliser, input.value), list, status, input.value);
    });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var first = list.querySelector("a");
      if (first) {
        window.location.href = first.href;
      }
    });
    input.addEventListener("keydown", function (event) {
      if (event.key === "ArrowDown") {
        var first = list.querySelector("a");
        if (first) {
          event.preventDefault();
          first.focus();
        }
      } else if (event.key === "Escape") {
        input.value = "";
        show(index, root, [], list, status, "");
      }
    });
    list.addEventListener("keydown", function (event) {
      var links = Array.prototype.slice.call(list.querySelectorAll("a"));
      var at = links.indexOf(document.activeElement);
      if (event.key === "ArrowDown" && at < links.length - 1) {
        event.preventDefault();
        links[at + 1].focus();
      } else if (event.key === "ArrowUp") {
        event.preventDefault();
        (at > 0 ? links[at - 1] : input).focus();
      } else if (event.key === "Escape") {
        input.focus();
      }
    });
    window.nmtAtlasSearch = function (text) {
      return search(index, normaliser, text).map(function (hit) { return index.pages[hit.page][0]; });
    };
    window.nmtAtlasNormalise = function (text) {
      return normaliser.key(text);
    };
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
