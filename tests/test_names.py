"""Fuzzy name matching (names.NameIndex): misspellings, partial phrases, and quality on the real names."""

from __future__ import annotations

import random

import pytest

from nmt_referral import KnowledgeBase, UnknownLocationError
from nmt_referral.names import NameIndex
from nmt_referral.text import normalise

LETTERS = "abcdefghijklmnopqrstuvwxyz"


def index_of(*names: str) -> NameIndex[str]:
    return NameIndex((name, name.replace(" ", "_")) for name in names)


def test_misspelling_is_matched_by_edit_distance() -> None:
    names = index_of("bladder", "shoulder blade", "medial border of the shoulder blade")
    hit, _suggestions = names.best_fuzzy("bladdre")  # "bladdre" is no word of any name: a misspelling
    assert hit is not None and hit.target == "bladder"


def test_partial_phrase_is_matched_by_words_not_by_a_similar_spelling() -> None:
    names = index_of("bladder", "shoulder blade")
    # every word of "blade" is a known word: a partial phrase, so WRatio over the names sharing the word
    # decides, and "shoulder blade" wins over the similarly spelt "bladder"
    hit, _suggestions = names.best_fuzzy("blade")
    assert hit is not None and hit.target == "shoulder_blade"


def test_ambiguous_partial_phrase_is_not_guessed() -> None:
    names = index_of("shoulder blade", "medial border of the shoulder blade", "angle of the shoulder blade")
    hit, suggestions = names.best_fuzzy("blade")
    assert hit is None
    assert {s.target for s in suggestions} >= {"shoulder_blade", "angle_of_the_shoulder_blade"}


def test_fallback_scores_only_names_sharing_a_similar_word() -> None:
    names = index_of("angle of the jaw", "upper back", "lower back", "jaw")
    assert names._sharing_a_word(normalise("angel jaw")) == ["angle jaw", "jaw"]
    assert names._sharing_a_word("zzzz") == []


def test_fuzzy_is_deterministic_and_limited() -> None:
    names = index_of("temple", "temporal region", "tempest", "template")
    first = names.fuzzy("tempel", limit=2)
    assert len(first) == 2
    assert names.fuzzy("tempel", limit=2) == first
    assert names.fuzzy("tempel", limit=0) == []


def test_ambiguous_packaged_partial_phrase_asks(shipped_kb: KnowledgeBase) -> None:
    with pytest.raises(UnknownLocationError) as caught:
        shipped_kb.resolve_location("blade")  # shoulder blade? its border? its angle? -- ask, never "bladder"
    assert caught.value.suggestions
    assert "Bladder" not in caught.value.suggestions[:1]


def _misspellings(word: str, rng: random.Random) -> list[str]:
    i = rng.randrange(len(word))
    c = rng.choice(LETTERS)
    found = [word[:i] + word[i + 1 :], word[:i] + c + word[i:], word[:i] + c + word[i + 1 :]]
    if i < len(word) - 1:
        found.append(word[:i] + word[i + 1] + word[i] + word[i + 2 :])
    return found


def test_misspellings_of_packaged_names_resolve_to_their_record(shipped_kb: KnowledgeBase) -> None:
    """Quality floor on the real names (bench/fuzzy_quality.py prints the full figures).

    Every location name of five characters or more, misspelt four ways: at least 90% must resolve to
    the name's own record and at most 0.5% to another record (the rest ask the user).
    """
    index = shipped_kb.location_names()
    rng = random.Random(11)
    right = wrong = total = 0
    for key in index._keys:
        if len(key) < 5:
            continue
        for typo in _misspellings(key, rng):
            typo_key = normalise(typo)
            if not typo_key or typo_key in index._exact:
                continue
            total += 1
            hit, _suggestions = index.best_fuzzy(typo_key)
            if hit is None:
                continue
            if hit.target == index._exact[key][0]:
                right += 1
            else:
                wrong += 1
    assert total > 1000
    assert right / total >= 0.90, (right, wrong, total)
    assert wrong / total <= 0.005, (right, wrong, total)
