"""Name tables: exact, word-order and fuzzy lookup of names. The only module that uses rapidfuzz.

One scorer (``SCORER``), one acceptance cutoff and one suggestion cutoff, so fuzzy behaviour is tuned in
one place.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from .text import normalise, sorted_key

__all__ = ["ACCEPT_SCORE", "MARGIN", "SUGGEST_SCORE", "NameHit", "NameIndex"]

ACCEPT_SCORE = 82.0
"""A fuzzy match at or above this score (0-100) is taken without asking, if it is unambiguous."""
SUGGEST_SCORE = 60.0
"""Fuzzy matches at or above this score are offered as suggestions."""
MARGIN = 4.0
"""The best fuzzy target must beat the next different target by this much to be taken."""

T = TypeVar("T")


@dataclass(frozen=True)
class NameHit(Generic[T]):
    """A target found for a text: how it was found, the name it matched and the score (fuzzy only)."""

    target: T
    name: str
    method: str  # "exact" | "word_order" | "fuzzy"
    score: float | None = None


def _scorer() -> Callable[..., float]:
    from rapidfuzz import fuzz

    return fuzz.WRatio


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
        """Best fuzzy matches at or above ``SUGGEST_SCORE``, one per target, best first."""
        from rapidfuzz import process

        key = normalise(text)
        if not key or limit < 1:  # rapidfuzz must never see a non-positive limit
            return []
        scored: list[Any] = process.extract(
            key, self._keys, scorer=_scorer(), limit=limit * 4, score_cutoff=SUGGEST_SCORE
        )
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
