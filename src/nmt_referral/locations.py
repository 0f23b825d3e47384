"""Resolution of pain-location phrases to regions, condition terms and phenomena."""

from __future__ import annotations

import unicodedata
from typing import TYPE_CHECKING

from .errors import InvalidQueryError, UnknownLocationError
from .models import BodySide, LocationResolution, assemble
from .text import MAX_QUERY_LENGTH, normalise, side_prefix

if TYPE_CHECKING:
    from .knowledge_base import KnowledgeBase

__all__ = ["check_limit", "check_side", "check_text", "resolve_location"]

SIDES: tuple[BodySide, ...] = ("left", "right")


def check_text(text: object, what: str) -> str:
    """Validate a user-typed phrase: a non-blank string of printable characters, not too long.

    Raises:
        InvalidQueryError: otherwise.
    """
    if not isinstance(text, str):
        raise InvalidQueryError(f"{what} must be text, not {type(text).__name__}")
    stripped = " ".join(text.split())
    if not stripped:
        raise InvalidQueryError(f"{what} is empty")
    if len(stripped) > MAX_QUERY_LENGTH:
        raise InvalidQueryError(f"{what} is too long ({len(stripped)} characters; at most {MAX_QUERY_LENGTH})")
    if not stripped.isprintable() and any(unicodedata.category(ch) in ("Cc", "Cs") for ch in stripped):
        raise InvalidQueryError(f"{what} contains control characters")
    if not normalise(stripped):
        raise InvalidQueryError(f"{what} {stripped!r} contains no letters or digits")
    return stripped


def check_side(side: object) -> BodySide | None:
    """Validate a side argument: None, "left" or "right" (any case; "l"/"r" accepted)."""
    if side is None:
        return None
    if isinstance(side, str):
        value = {"l": "left", "r": "right"}.get(side.strip().casefold(), side.strip().casefold())
        if value in SIDES:
            return value
    raise InvalidQueryError(f"side must be 'left' or 'right', not {side!r}")


def check_limit(limit: object, *, optional: bool = True) -> int | None:
    """Validate a result limit: a positive whole number, or None (no limit) when ``optional``.

    Raises:
        InvalidQueryError: otherwise.
    """
    if limit is None and optional:
        return None
    if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
        raise InvalidQueryError(f"limit must be a positive whole number, not {limit!r}")
    return limit


def resolve_location(kb: KnowledgeBase, text: str, *, side: BodySide | None = None) -> LocationResolution:
    """Resolve one phrase: exact id/label/alias, then word order, then fuzzy; side words are split off.

    Raises:
        InvalidQueryError: malformed phrase or side.
        UnknownLocationError: nothing matches clearly; ``.suggestions`` holds the closest names.
    """
    phrase = check_text(text, "location")
    default_side = check_side(side)
    phrase_side, rest = side_prefix(phrase)
    names = kb.location_names()
    hit = names.exact(rest)
    if hit is None and phrase_side is not None:  # "left" may belong to the name itself
        whole = names.exact(phrase)
        if whole is not None:
            hit, phrase_side, rest = whole, None, phrase
    suggestions: list[str] = []
    if hit is None:
        hit, fuzzy_hits = names.best_fuzzy(rest)
        suggestions = [kb.label(*h.target) for h in fuzzy_hits]
    if hit is None:
        raise UnknownLocationError(phrase, _unique(suggestions))

    kind, record_id = hit.target
    regions: tuple[str, ...]
    phenomena: tuple[str, ...] = ()
    if kind == "region":
        regions = (record_id,)
    elif kind == "condition":
        condition = kb.conditions[record_id]
        regions, phenomena = condition.regions, condition.phenomena
    else:
        regions, phenomena = (), (record_id,)
    method = hit.method
    if method != "fuzzy" and kind == "condition":
        method = "condition"
    elif method != "fuzzy" and kind == "phenomenon":
        method = "symptom"
    return assemble(
        LocationResolution,
        {
            "text": phrase,
            "side": phrase_side or default_side,
            "method": method,
            "matched": hit.name,
            "kind": kind,
            "id": record_id,
            "regions": regions,
            "phenomena": phenomena,
            "score": hit.score,
        },
    )


def _unique(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))
