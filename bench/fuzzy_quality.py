"""Quality and cost of the fuzzy location matching: prints figures, asserts nothing.

Run: ``python bench/fuzzy_quality.py [--data DIR]``.

Three made-up query sets, from the knowledge base's own location names (seeded, so runs compare):

- misspellings: every name of five characters or more, misspelt four ways (a letter dropped, inserted,
  replaced, two letters swapped); the right answer is the name's record;
- partial phrases: every word (four letters or more) that occurs in the names of one record only, and is
  not a name itself ("blade" alone is not one: it names several scapular regions, so it is left out);
- random strings: 1000 of them; any accepted answer is wrong.

For each strategy: how many queries resolve to the right record, to a wrong one, or to none (the user
is then shown suggestions), and the mean cost of one lookup.

- ``WRatio only``: rapidfuzz WRatio over the whole name table (the matcher of version 0.1);
- ``ratio only``: the plain edit-distance ratio over the whole table;
- ``library``: ``NameIndex.best_fuzzy`` as shipped (ratio for misspellings, WRatio over the names
  sharing a similar word for partial phrases).
"""

from __future__ import annotations

import argparse
import random
import time
from collections.abc import Callable
from typing import Any

from rapidfuzz import fuzz

import nmt_referral
from nmt_referral.names import ACCEPT_SCORE, MARGIN, NameIndex
from nmt_referral.text import normalise

LETTERS = "abcdefghijklmnopqrstuvwxyz"


def misspellings(word: str, rng: random.Random) -> list[str]:
    i = rng.randrange(len(word))
    c = rng.choice(LETTERS)
    found = [word[:i] + word[i + 1 :], word[:i] + c + word[i:], word[:i] + c + word[i + 1 :]]
    if i < len(word) - 1:
        found.append(word[:i] + word[i + 1] + word[i] + word[i + 2 :])
    return found


def whole_table(index: NameIndex[Any], scorer: Callable[..., float]) -> Callable[[str], object]:
    def accept(key: str) -> object:
        hits = index._scored(key, scorer, 5)
        if not hits or (hits[0].score or 0) < ACCEPT_SCORE:
            return None
        if len(hits) > 1 and (hits[0].score or 0) - (hits[1].score or 0) < MARGIN:
            return None
        return hits[0].target

    return accept


def library(index: NameIndex[Any]) -> Callable[[str], object]:
    def accept(key: str) -> object:
        hit, _suggestions = index.best_fuzzy(key)
        return None if hit is None else hit.target

    return accept


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", default=None, help="knowledge-base directory (default: the packaged one)")
    args = parser.parse_args()
    index = nmt_referral.load(args.data).location_names()
    keys = index._keys

    def target(key: str) -> object:
        return index._exact[key][0]

    rng = random.Random(11)
    typos = [(normalise(t), target(k)) for k in keys if len(k) >= 5 for t in misspellings(k, rng)]
    owners: dict[str, set[object]] = {}
    for key in keys:
        for word in key.split():
            if len(word) >= 4:
                owners.setdefault(word, set()).add(target(key))
    partials = [(word, next(iter(found))) for word, found in owners.items() if len(found) == 1]
    randoms = ["".join(rng.choice(LETTERS + " ") for _ in range(rng.randrange(4, 15))) for _ in range(1000)]
    corpora = {
        "misspellings": [(q, t) for q, t in typos if q and q not in index._exact],
        "partial phrases": [(q, t) for q, t in partials if q not in index._exact],
        "random strings": [(normalise(r), None) for r in randoms if normalise(r) and normalise(r) not in index._exact],
    }
    print(f"{len(keys)} names; " + "; ".join(f"{len(v)} {k}" for k, v in corpora.items()))
    print("right / wrong / unresolved per set, mean cost of one lookup")
    strategies = {
        "WRatio only": whole_table(index, fuzz.WRatio),
        "ratio only": whole_table(index, fuzz.ratio),
        "library": library(index),
    }
    for name, accept in strategies.items():
        cells = []
        lookups = 0
        start = time.perf_counter()
        for corpus in corpora.values():
            right = wrong = none = 0
            for key, expected in corpus:
                found = accept(key)
                if found is None:
                    none += 1
                elif found == expected:
                    right += 1
                else:
                    wrong += 1
            lookups += len(corpus)
            cells.append(f"{right:>5} / {wrong:>3} / {none:>4}")
        cost = (time.perf_counter() - start) / lookups * 1e6
        print(f"  {name:<12} " + "   ".join(cells) + f"   {cost:6.0f} us")


if __name__ == "__main__":
    main()
