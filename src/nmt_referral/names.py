"""Name tables: exact, word-order and fuzzy lookup of names. The only module that uses rapidfuzz.

One scorer (``SCORER``), one acceptance cutoff and one suggestion cutoff, so fuzzy behaviour is tuned in
one place.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from typing import Any, Generic, NamedTuple, TypeVar

from .text import normalise, sorted_key

__all__ = [
    "ACCEPT_SCORE",
    "MARGIN",
    "RESEMBLES_SCORE",
    "SUGGEST_SCORE",
    "WORD_SCORE",
    "NameHit",
    "NameIndex",
    "resembles",
    "similar_words",
]

ACCEPT_SCORE = 82.0
"""A fuzzy match at or above this score (0-100) is taken without asking, if it is unambiguous."""
SUGGEST_SCORE = 60.0
"""Fuzzy matches at or above this score are offered as suggestions."""
MARGIN = 4.0
"""The best fuzzy target must beat the next different target by this much to be taken."""

WORD_SCORE = 60.0
"""Fuzzy matching scores a name only when one of its words resembles a word of the text this much."""

T = TypeVar("T")

RESEMBLES_SCORE = 85.0
"""A word resembles a vocabulary word at this edit ratio or more (a likely misspelling of it)."""


def resembles(word: str, vocabulary: Collection[str], *, cutoff: float = RESEMBLES_SCORE) -> bool:
    """Whether ``word`` is in ``vocabulary``, close to one of its words (edit ratio >= ``cutoff``) or
    one of them with two neighbouring letters swapped ("wirst")."""
    return (
        word in vocabulary
        or bool(similar_words(word, vocabulary, cutoff=cutoff))
        or transposed(word, vocabulary) is not None
    )


def transposed(word: str, vocabulary: Collection[str]) -> str | None:
    """The one word of ``vocabulary`` that ``word`` spells with two neighbouring letters swapped
    ("wirst" -> "wrist", "hnad" -> "hand"), for words of four letters or more; None if none or several.
    A swap costs two edits in the edit ratio, which is why the ratio alone refuses these."""
    if len(word) < 4:
        return None
    found = {
        swapped
        for i in range(len(word) - 1)
        if word[i] != word[i + 1] and (swapped := word[:i] + word[i + 1] + word[i] + word[i + 2 :]) in vocabulary
    }
    return found.pop() if len(found) == 1 else None


def similar_words(word: str, vocabulary: Collection[str], *, cutoff: float = RESEMBLES_SCORE) -> list[str]:
    """The words of ``vocabulary`` at an edit ratio of at least ``cutoff`` from ``word``, best first."""
    from rapidfuzz import fuzz, process

    return [
        choice
        for choice, _score, _index in process.extract(
            word, vocabulary, scorer=fuzz.ratio, score_cutoff=cutoff, limit=None
        )
    ]


class NameHit(NamedTuple, Generic[T]):
    """A target found for a text: how it was found, the name it matched and the score (fuzzy only)."""

    target: T
    name: str
    method: str  # "exact" | "word_order" | "fuzzy"
    score: float | None = None


def _scorers() -> tuple[Callable[..., float], Callable[..., float]]:
    """The scorer for misspellings (edit-distance ratio) and for partial phrases (rapidfuzz WRatio).

    On misspellings of every packaged name the plain ratio resolves more of them correctly and accepts
    fewer wrong targets than WRatio, at a tenth of the cost; WRatio places what the ratio cannot (a
    partial phrase such as "blade", words out of order and misspelt). Figures: ``bench/fuzzy_quality.py``.
    """
    from rapidfuzz import fuzz

    return fuzz.ratio, fuzz.WRatio


class NameIndex(Generic[T]):
    """Maps normalised names to targets; fuzzy search over the same names on demand."""

    def __init__(self, entries: Iterable[tuple[str, T]]) -> None:
        self._exact: dict[str, tuple[T, str]] = {}
        self._word_order: dict[str, tuple[T, str]] = {}
        for name, target in entries:
            key = normalise(name)
            if not key:
                continue
            self._exact.setdefault(key, (target, name))
            self._word_order.setdefault(sorted_key(key), (target, name))
        self._keys: list[str] = sorted(self._exact)
        self._words: dict[str, tuple[int, ...]] | None = None  # word -> positions in _keys, on demand
        self._vocabulary: list[str] = []
        self._corrections: dict[tuple[str, ...], tuple[list[str], frozenset[str]]] = {}  # extra -> vocabulary

    def __len__(self) -> int:
        return len(self._exact)

    def exact(self, text: str) -> NameHit[T] | None:
        """The target whose normalised name equals the text's, ignoring word order as a fallback."""
        key = normalise(text)
        found = self._exact.get(key)
        if found is not None:
            return NameHit(found[0], found[1], "exact")
        found = self._word_order.get(sorted_key(key))
        if found is not None:
            return NameHit(found[0], found[1], "word_order")
        return None

    def fuzzy(self, text: str, limit: int = 5) -> list[NameHit[T]]:
        """Best fuzzy matches at or above ``SUGGEST_SCORE``, one per target, best first.

        Only names sharing a similar word with the text are scored (``_sharing_a_word``). A text with a
        word that no name contains is taken for a misspelling: the plain edit-distance ratio decides
        first (fast, and the most accurate on misspellings). Otherwise, or when the ratio finds nothing
        to accept, ``WRatio`` (partial phrases and word order too) scores them. See ``_scorers``.
        """
        key = normalise(text)
        if not key or limit < 1:  # rapidfuzz must never see a non-positive limit
            return []
        misspelt, partial = _scorers()
        words = self._words_table()
        choices = self._sharing_a_word(key)
        if any(word not in words for word in key.split()):
            hits = self._scored(key, misspelt, limit, choices)
            if hits and hits[0].score is not None and hits[0].score >= ACCEPT_SCORE:
                return hits
        return self._scored(key, partial, limit, choices)

    def corrected(self, key: str, extra: Collection[str] = ()) -> str:
        """The key with each word that no name contains replaced by the one word of the names (or of
        ``extra``) it resembles best, when that is at least ``RESEMBLES_SCORE`` ("behnd knee" ->
        "behind knee"); words with no clear correction are kept as they are."""
        from rapidfuzz import fuzz, process

        table = self._words_table()
        vocabulary, known = self._correction_words(extra)
        fixed: list[str] = []
        for word in key.split():
            if word in table or word in extra or len(word) < 3:
                fixed.append(word)
                continue
            found = process.extract(word, vocabulary, scorer=fuzz.ratio, score_cutoff=RESEMBLES_SCORE, limit=3)
            # the best, if clearly best; an ``extra`` word (an orientation) wins a near tie
            near = [choice for choice, score, _ in found if found[0][1] - score < MARGIN]
            preferred = [choice for choice in near if choice in extra]
            swapped = transposed(word, known) if not found else None
            if swapped is not None:
                fixed.append(swapped)
            elif len(near) == 1 or len(preferred) == 1:
                fixed.append(preferred[0] if preferred else near[0])
            else:
                fixed.append(word)
        return " ".join(fixed)

    def unswapped(self, word: str, extra: Collection[str] = ()) -> str | None:
        """The word of the names (or of ``extra``) that ``word`` spells with two neighbouring letters
        swapped, if exactly one ("wirst" -> "wrist"); see :func:`transposed`."""
        if word in self._words_table() or word in extra:
            return None
        return transposed(word, self._correction_words(extra)[1])

    def _correction_words(self, extra: Collection[str]) -> tuple[list[str], frozenset[str]]:
        """The names' words and ``extra``, sorted and as a set (kept per ``extra``); call after
        ``_words_table``, which collects the names' words."""
        key = tuple(sorted(extra))
        found = self._corrections.get(key)
        if found is None:
            words = set(self._vocabulary).union(extra)
            found = self._corrections[key] = (sorted(words), frozenset(words))
        return found

    def _words_table(self) -> dict[str, tuple[int, ...]]:
        """Word -> positions (in the sorted names) of the names containing it; built on first use."""
        if self._words is None:
            words: dict[str, list[int]] = {}
            for position, name in enumerate(self._keys):
                for word in set(name.split()):
                    words.setdefault(word, []).append(position)
            self._words = {word: tuple(positions) for word, positions in words.items()}
            self._vocabulary = sorted(words)
        return self._words

    def _sharing_a_word(self, key: str) -> list[str]:
        """Names with a word resembling a word of ``key`` (ratio >= ``WORD_SCORE``), in table order.

        A name worth accepting shares such a word with the text (a misspelling keeps most of its
        words close; a partial phrase or reordered words keep them whole), so both scorers look only
        at these names: a few dozen instead of the whole table, and an index rather than a scan.
        """
        from rapidfuzz import fuzz, process

        table = self._words_table()
        positions: set[int] = set()
        for word in set(key.split()):
            for similar, _score, _index in process.extract(
                word, self._vocabulary, scorer=fuzz.ratio, score_cutoff=WORD_SCORE, limit=None
            ):
                positions.update(table[similar])
        return [self._keys[position] for position in sorted(positions)]

    def _scored(
        self, key: str, scorer: Callable[..., float], limit: int, choices: list[str] | None = None
    ) -> list[NameHit[T]]:
        from rapidfuzz import process

        table = self._keys if choices is None else choices
        scored: list[Any] = process.extract(key, table, scorer=scorer, limit=limit * 4, score_cutoff=SUGGEST_SCORE)
        hits: list[NameHit[T]] = []
        seen: set[Any] = set()
        # best score first, then the shorter (more general) name, then alphabetical: deterministic
        for choice, score, _index in sorted(scored, key=lambda item: (-item[1], len(item[0]), item[0])):
            target, name = self._exact[choice]
            if target in seen:
                continue
            seen.add(target)
            hits.append(NameHit(target, name, "fuzzy", round(float(score), 1)))
            if len(hits) == limit:
                break
        return hits

    def best_fuzzy(self, text: str) -> tuple[NameHit[T] | None, list[NameHit[T]]]:
        """The fuzzy match to take (or None when none is good and clear enough), and the suggestions."""
        hits = self.fuzzy(text)
        if not hits or hits[0].score is None or hits[0].score < ACCEPT_SCORE:
            return None, hits
        if len(hits) > 1 and hits[1].score is not None and hits[0].score - hits[1].score < MARGIN:
            return None, hits
        return hits[0], hits
