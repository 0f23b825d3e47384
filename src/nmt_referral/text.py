"""Text normalisation shared by the loader (name collisions) and the resolvers (matching).

``normalise`` maps the many ways of writing a name to one key: case, accents, punctuation, plurals and
filler words ("pain", "the", "my") do not matter. Two spellings with the same key are the same name.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

__all__ = [
    "MAX_QUERY_LENGTH",
    "UNSAFE_CHARACTERS",
    "escape_unsafe",
    "normalise",
    "normalise_words",
    "side_prefix",
    "sorted_key",
]

MAX_QUERY_LENGTH = 200
"""Longest location or muscle name accepted, in characters (after trimming)."""

_FILLER = frozenset(
    [
        "a",
        "an",
        "the",
        "my",
        "of",
        "in",
        "on",
        "at",
        "to",
        "area",
        "region",
        "pain",
        "painful",
        "ache",
        "aching",
        "achy",
        "achey",
        "hurt",
        "hurts",
        "hurting",
        "sore",
        "soreness",
        "tender",
        "tenderness",
    ]
)

_IRREGULAR = {
    "teeth": "tooth",
    "feet": "foot",
    "calves": "calf",
    "calve": "calf",
    "halves": "half",
    "vertebrae": "vertebra",
    "phalanges": "phalanx",
    "axillae": "axilla",
    "scapulae": "scapula",
    "men": "man",
    "women": "woman",
}
_NO_SINGULAR_ENDINGS = ("ss", "us", "is", "os", "as", "ys")
_NON_WORD = re.compile(r"[^0-9a-z]+")
_NON_WORD_ANY_SCRIPT = re.compile(r"[\W_]+")
_LEADING_SIDE = re.compile(
    r"^\s*(?P<side>left|right|lt|rt|l|r)\b[\s.-]*(?:side\s+of\s+(?:the\s+|my\s+)?)?(?P<rest>.+)$",
    re.IGNORECASE,
)
_TRAILING_SIDE = re.compile(
    r"^(?P<rest>.+?)[\s,]+(?:on\s+(?:the\s+)?)?(?P<side>left|right)(?:\s+side)?\s*$", re.IGNORECASE
)
_SIDE_ENDINGS = ("left", "right", "side")
_SIDE_NAMES = {"l": "left", "lt": "left", "left": "left", "r": "right", "rt": "right", "right": "right"}


def _singular(word: str) -> str:
    if word in _IRREGULAR:
        return _IRREGULAR[word]
    if len(word) <= 3 or word.endswith(_NO_SINGULAR_ENDINGS) or not word.endswith("s"):
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    return word[:-1]


def _words(text: str) -> list[str]:
    """Casefolded words, accents dropped (é -> e), letters and digits of every script kept."""
    decomposed = unicodedata.normalize("NFKD", text.casefold().replace("'", "").replace("\u2019", ""))
    if decomposed.isascii():
        return [w for w in _NON_WORD.split(decomposed) if w]
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return [w for w in _NON_WORD_ANY_SCRIPT.split(plain) if w]


_CACHED_LENGTH = 1000
"""Texts up to this length are memoised; longer ones (never a real name) are not kept in memory."""


def normalise(text: str) -> str:
    """Return the matching key of ``text``: casefolded ASCII words, singular, filler words dropped.

    Anything that is not a ``str`` has no words and gets the empty key (no exception).

    Example:
        >>> normalise("Angle of the JAW")
        'angle jaw'
        >>> normalise("Golfer's elbows")
        'golfer elbow'
    """
    if not isinstance(text, str):
        return ""
    if len(text) > _CACHED_LENGTH:
        return _normalise(text)
    return _cached_normalise(text)


def _normalise(text: str) -> str:
    words = [_singular(w) for w in _words(text)]
    kept = [w for w in words if w not in _FILLER]
    if not kept:  # a phrase made only of filler words ("pain") keeps them
        kept = words
    return " ".join(kept)


_cached_normalise = lru_cache(maxsize=8192)(_normalise)


UNSAFE_CHARACTERS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]")
"""Characters that must never reach a terminal or a JSON consumer raw: C0 and C1 controls (escape
sequences), bidirectional overrides and isolates, zero-width characters."""


def escape_unsafe(text: str) -> str:
    """``text`` with every ``UNSAFE_CHARACTERS`` character written as a visible ``\\uXXXX`` escape."""
    return UNSAFE_CHARACTERS.sub(lambda found: f"\\u{ord(found.group()):04x}", text)


def normalise_words(text: str) -> list[str]:
    """The words of ``text`` that ``normalise`` keeps when it drops filler words (none if all are)."""
    return [w for w in (_singular(w) for w in _words(text)) if w not in _FILLER]


def sorted_key(key: str) -> str:
    """The words of a normalised key in sorted order, so "jaw angle" meets "angle jaw"."""
    return " ".join(sorted(key.split()))


def side_prefix(text: str) -> tuple[str | None, str]:
    """Split a side off a phrase: ``"left temple"`` and ``"temple on the left"`` -> ``("left", "temple")``.

    A phrase that is nothing but a side word is returned unchanged, with no side.
    """
    if text.isascii() and text[:1] not in "lLrR" and not text.rstrip()[-5:].lower().endswith(_SIDE_ENDINGS):
        return None, text  # cannot match either pattern: spare the regular expressions
    found = _LEADING_SIDE.match(text) or _TRAILING_SIDE.match(text)
    if found is None or not found.group("rest").strip():
        return None, text
    return _SIDE_NAMES[found.group("side").casefold()], found.group("rest").strip()
