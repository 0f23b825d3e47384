"""Resolution of pain-location phrases to regions, condition terms and phenomena."""

from __future__ import annotations

import unicodedata
from dataclasses import replace
from functools import lru_cache
from typing import TYPE_CHECKING, cast

from .errors import InvalidQueryError, UnknownLocationError
from .models import BodySide, LocationResolution, assemble
from .phrases import (
    COMPLAINT_NAMES,
    ORIENTATION,
    SIDE_WORDS,
    Site,
    orientation_variants,
    parse,
    place_key,
    protected_words,
)
from .text import MAX_QUERY_LENGTH, normalise, side_prefix

if TYPE_CHECKING:
    from .knowledge_base import KnowledgeBase
    from .names import NameHit, NameIndex

__all__ = ["check_limit", "check_side", "check_text", "resolve_location", "resolve_sites"]

SIDES: tuple[BodySide, ...] = ("left", "right")


_CORRECTABLE = frozenset({*ORIENTATION, *SIDE_WORDS})
LOOSE_RESEMBLANCE = 75.0
"""A word this close to a place, orientation or side word (a transposition: "hnad") may be a
misspelling of it: a fuzzy match that drops it is refused."""


MAX_LIMIT = 1_000_000
"""A limit above this is taken as "all" (no knowledge base has that many candidates)."""
_ECHO_LENGTH = 60
"""A bad value is echoed in an error message up to this many characters."""


def _shown(value: object) -> str:
    """``repr(value)``, cut to ``_ECHO_LENGTH`` characters: a 100 KB argument is not echoed whole."""
    text = (
        repr(value)
        if not isinstance(value, int) or value.bit_length() < 200
        else f"<integer of {value.bit_length()} bits>"
    )
    return text if len(text) <= _ECHO_LENGTH else text[: _ECHO_LENGTH - 3] + "..."


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
    raise InvalidQueryError(f"side must be 'left' or 'right', not {_shown(side)}")


def check_limit(limit: object, *, optional: bool = True) -> int | None:
    """Validate a result limit: a positive whole number, or None (no limit) when ``optional``.

    Raises:
        InvalidQueryError: otherwise.
    """
    if limit is None and optional:
        return None
    if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
        raise InvalidQueryError(f"limit must be a positive whole number, not {_shown(limit)}")
    return min(limit, MAX_LIMIT)  # more than every candidate there can be is all of them


def resolve_location(kb: KnowledgeBase, text: str, *, side: BodySide | None = None) -> LocationResolution:
    """Resolve one phrase to its first site; see :func:`resolve_sites` for phrases naming several.

    Raises:
        InvalidQueryError: malformed phrase or side.
        UnknownLocationError: nothing matches clearly; ``.suggestions`` holds the closest names.
    """
    return resolve_sites(kb, text, side=side)[0]


def resolve_sites(kb: KnowledgeBase, text: str, *, side: BodySide | None = None) -> list[LocationResolution]:
    """Resolve a phrase to one or more sites (see docs/query-semantics.md, "The phrase grammar").

    A whole name (region, condition, symptom; with a side word before or after it) is taken as it is.
    Otherwise the phrase grammar splits it at conjunctions into sites, takes side and complaint words
    out ("numbness", "headache") and resolves what is left as a place: exact name, then the same name
    with its orientation words swapped for synonyms ("outer hip" = "lateral hip"), then a fuzzy match
    that keeps every place, orientation and side word of the text.

    Raises:
        InvalidQueryError: malformed phrase or side.
        UnknownLocationError: a site cannot be resolved clearly; ``.suggestions`` holds the closest names.
    """
    phrase = check_text(text, "location")
    default_side = check_side(side)
    names = kb.location_names()
    phrase_side: BodySide | None
    phrase_side, rest = cast("tuple[BodySide | None, str]", side_prefix(phrase))
    whole = names.exact(phrase) if phrase_side is not None else None  # "l-spine": the side word is the name's
    hit = whole if whole is not None else names.exact(rest)
    if whole is not None:
        phrase_side, rest = None, phrase
    if hit is not None:
        return [_resolution(kb, phrase, phrase, phrase_side or default_side, hit, hit.method, ())]
    sites = parse(phrase, kb.symptom_names())
    if len(sites) == 1:  # one site: it stands for the whole phrase
        sites = [replace(sites[0], text=phrase)]
    resolved: list[LocationResolution] = []
    for index, site in enumerate(sites):
        try:
            resolved.append(_resolve_site(kb, phrase, site, default_side))
        except UnknownLocationError:
            # "ring and little fingers": a lone word before a conjunction may share the last site's noun
            last = sites[-1].place.split()
            if index == len(sites) - 1 or len(site.place.split()) != 1 or len(last) < 2:
                raise
            shared = replace(site, place=f"{site.place} {last[-1]}")
            resolved.append(_resolve_site(kb, phrase, shared, default_side))
    return resolved


def _resolve_site(kb: KnowledgeBase, phrase: str, site: Site, default_side: BodySide | None) -> LocationResolution:
    names = kb.location_names()
    symptoms: list[str] = []
    for complaint in site.complaints:
        found = names.exact(COMPLAINT_NAMES.get(complaint.casefold(), complaint))
        if found is not None and found.target[0] == "phenomenon":
            symptoms.append(found.target[1])
        elif found is not None and found.target[0] == "condition" and not site.headache:
            symptoms.extend(kb.conditions[found.target[1]].phenomena)
    side = cast("BodySide | None", site.side) if site.sided else default_side
    key = place_key(site)
    if not key:  # nothing but complaint words: the symptom itself, or a headache
        whole = names.exact("headache") if site.headache else None
        if whole is None and symptoms:
            whole = names.exact(site.complaints[0])
        if whole is None:
            raise UnknownLocationError(phrase, [])
        return _resolution(kb, site.text, phrase, side, whole, "phrase", tuple(symptoms))
    hit = names.exact(key)
    method = "phrase"
    if hit is None:
        hit = _exact_or_variant(names, key)
    if hit is None:
        hit = _without_extra_words(kb, key)
    if hit is None:  # misspelt words corrected one by one ("behnd the knee"), then the same steps
        # one word is fuzzy matching's job, but for a swap of two letters ("wirst"), which it refuses
        fixed = names.corrected(key, _CORRECTABLE) if " " in key else (names.unswapped(key, _CORRECTABLE) or key)
        if fixed != key:
            words = fixed.split()
            sides = [SIDE_WORDS[w] for w in words if w in SIDE_WORDS]
            fixed = " ".join(w for w in words if w not in SIDE_WORDS)
            hit = (_exact_or_variant(names, fixed) or _without_extra_words(kb, fixed)) if fixed else None
            if hit is not None:
                method = "fuzzy"
                if sides:  # a misspelt side word ("rigth") is a side all the same
                    side = cast("BodySide | None", sides[0])
    if hit is None:
        hit, fuzzy_hits = names.best_fuzzy(key)
        suggestions = [kb.label(*h.target) for h in fuzzy_hits]
        if hit is not None and not _keeps_every_word(kb, key, hit.name):
            suggestions.insert(0, kb.label(*hit.target))
            hit = None
        if hit is None:
            raise UnknownLocationError(phrase, _unique(suggestions))
        method = "fuzzy"
    if hit.target[0] == "phenomenon" and not symptoms and site.headache:
        symptoms.append(hit.target[1])  # "stiff headache": odd, but the symptom is kept
    return _resolution(kb, site.text, phrase, side, hit, method, tuple(symptoms))


@lru_cache(maxsize=8)
def _guarded_words(place_words: frozenset[str]) -> tuple[str, ...]:
    """Place, orientation and side words: a fuzzy match may not drop one, nor a misspelling of one."""
    return tuple(sorted({*place_words, *ORIENTATION, *SIDE_WORDS}))


def _exact_or_variant(names: NameIndex[tuple[str, str]], key: str) -> NameHit[tuple[str, str]] | None:
    """The name the key spells exactly, or with its orientation words swapped for synonyms."""
    hit = names.exact(key)
    if hit is None:
        hit = next((h for h in map(names.exact, orientation_variants(key)) if h is not None), None)
    return hit


def _without_extra_words(kb: KnowledgeBase, key: str) -> NameHit[tuple[str, str]] | None:
    """Resolve a key by the longest run of its words that names a place, if the rest may be dropped.

    A word may be dropped when it cannot change the place: a word that is no place name and resembles
    none ("when sitting", "just", "like a heart attack"); a place word naming a region that contains
    the one found ("back" in "back pain below the shoulder blades"); an orientation word before a
    region with no finer parts ("top of the big toe"). Never a side word, and never a word that looks
    like a misspelt place ("behnd the knee" goes to fuzzy matching and its checks instead).
    """
    names = kb.location_names()
    words = key.split()
    for size in range(len(words) - 1, 0, -1):
        for start in range(len(words) - size + 1):
            window = words[start : start + size]
            if all(word in ORIENTATION for word in window):
                continue  # a direction alone names no place ("bottom" of "bottom of my spine")
            hit = _exact_or_variant(names, " ".join(window))
            if hit is None:
                continue
            dropped = words[:start] + words[start + size :]
            if all(_droppable(kb, word, hit) for word in dropped):
                return hit
    return None


def _droppable(kb: KnowledgeBase, word: str, hit: NameHit[tuple[str, str]]) -> bool:
    from .names import resembles

    kind, found = hit.target
    if word in SIDE_WORDS:
        return False
    alone = kb.location_names().exact(word)
    if alone is not None and alone.target[0] == "region":
        # a region containing the one found, or next to it ("upper arm near the elbow")
        named = alone.target[1]
        around = {named, *kb.descendants(named)}
        return kind == "region" and (
            found == named or named in kb.ancestors(found) or bool(around.intersection(kb.adjacent(found)))
        )
    if word in ORIENTATION:
        return kind == "region" and not kb.children(found)
    places = kb.place_words()
    return word in places or not resembles(word, _guarded_words(places), cutoff=LOOSE_RESEMBLANCE)


def _keeps_every_word(kb: KnowledgeBase, key: str, name: str) -> bool:
    """Whether a fuzzy match keeps every place, orientation and side word of the text's key, and
    every word that looks like a misspelling of one ("hnad" for "hand")."""
    from .names import resembles, similar_words

    matched = set(normalise(name).split())
    for variant in orientation_variants(normalise(name)):
        matched.update(variant.split())
    protected = protected_words(key, kb.place_words())
    loose = _guarded_words(kb.place_words())
    for word in key.split():
        if word in protected or word in matched or len(word) < 3:
            continue
        if resembles(word, matched, cutoff=LOOSE_RESEMBLANCE):
            continue  # the misspelling of a word the match has
        close = similar_words(word, loose, cutoff=LOOSE_RESEMBLANCE)
        if close and not matched.intersection(close):  # a misspelt word of another place: dropped
            return False
    return protected <= matched


def _resolution(
    kb: KnowledgeBase,
    text: str,
    phrase: str,
    side: BodySide | None,
    hit: NameHit[tuple[str, str]],
    method: str,
    symptoms: tuple[str, ...],
) -> LocationResolution:
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
    if method in ("exact", "word_order") and kind == "condition":
        method = "condition"
    elif method in ("exact", "word_order") and kind == "phenomenon":
        method = "symptom"
    return assemble(
        LocationResolution,
        {
            "text": text,
            "phrase": phrase,
            "side": side,
            "method": method,
            "matched": hit.name,
            "kind": kind,
            "id": record_id,
            "regions": regions,
            "phenomena": tuple(dict.fromkeys((*phenomena, *symptoms))),
            "score": hit.score,
            "identifiers": kb.identifiers_of(kind, record_id),
        },
    )


def _unique(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))
