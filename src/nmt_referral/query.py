"""Reverse lookup: pain locations -> ranked candidate muscles, each with the matches that explain it.

Scoring (see docs/query-semantics.md):

- each match has a weight: ``ZONE_WEIGHT[zone] * RELATION_FACTOR[relation]`` (essential > spillover;
  a zone recorded on a coarser ancestor of the queried region counts less);
- a site's strength is its best match's weight; a muscle's score is
  ``(sites explained + sum of strengths / number of sites) / (number of sites + 1)``, in (0, 1];
  a muscle explaining more sites therefore always ranks above one explaining fewer;
- ties: more of the queried regions matched first (a condition names several), then more essential
  matches, then name, then id, so the order is deterministic.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Literal

from .errors import InvalidQueryError
from .locations import check_limit, check_side, resolve_location
from .models import (
    BodySide,
    Candidate,
    LocationResolution,
    Match,
    QueryInfo,
    QueryResult,
    RedFlagHit,
    SymptomMatch,
    assemble,
)

if TYPE_CHECKING:
    from .knowledge_base import KnowledgeBase, ZoneHit

__all__ = ["MAX_LOCATIONS", "RELATION_FACTOR", "SYMPTOM_WEIGHT", "ZONE_WEIGHT", "where"]

ZONE_WEIGHT = {"essential": 1.0, "spillover": 0.6}
RELATION_FACTOR = {"exact": 1.0, "within": 1.0, "broader": 0.4}
SYMPTOM_WEIGHT = 0.8
MAX_LOCATIONS = 20

LookOn = Literal["left", "right", "either"]
_OPPOSITE: dict[BodySide, BodySide] = {"left": "right", "right": "left"}
_WEIGHT = {
    (zone, relation): round(z * r, 4) for zone, z in ZONE_WEIGHT.items() for relation, r in RELATION_FACTOR.items()
}
_Row = tuple[float, "ZoneHit", str, str, LookOn]
"""A zone match before it becomes a Match: weight, hit, relation, queried region, side to examine."""


def where(
    kb: KnowledgeBase, locations: Sequence[str], *, side: str | None = None, limit: int | None = None
) -> QueryResult:
    """Rank muscles for the pain locations; see :meth:`KnowledgeBase.where`."""
    if isinstance(locations, str):
        locations = (locations,)
    if not locations:
        raise InvalidQueryError("give at least one pain location")
    if len(locations) > MAX_LOCATIONS:
        raise InvalidQueryError(f"too many locations ({len(locations)}; at most {MAX_LOCATIONS})")
    limit = check_limit(limit)
    default_side = check_side(side)
    sites = [resolve_location(kb, text, side=default_side) for text in locations]
    n_sites = len(sites)

    # Plain tuples first; result objects are built only for the candidates returned.
    zone_rows: dict[str, list[list[_Row]]] = {}
    symptom_rows: dict[str, list[list[tuple[str, str]]]] = {}
    for index, site in enumerate(sites):
        for region_id in site.regions:
            for muscle_id, rows in _region_rows(kb, region_id, site.side):
                slots = zone_rows.get(muscle_id)
                if slots is None:
                    slots = zone_rows[muscle_id] = [[] for _ in sites]
                slots[index].extend(rows)
        for phenomenon_id in site.phenomena:
            for muscle_id, trp_id in kb.symptom_hits(phenomenon_id):
                found = symptom_rows.get(muscle_id)
                if found is None:
                    found = symptom_rows[muscle_id] = [[] for _ in sites]
                found[index].append((phenomenon_id, trp_id))

    ranking: list[tuple[tuple[float, int, int, str, str], float, int, list[list[_Row]]]] = []
    no_rows: list[list[_Row]] = [[] for _ in sites]
    texts = [site.text for site in sites]
    merged = [len(site.regions) > 1 for site in sites]  # rows of several regions: order them again
    any_merged = any(merged)
    for muscle_id in zone_rows.keys() | symptom_rows.keys():
        slots = zone_rows.get(muscle_id, no_rows)
        if any_merged:
            slots = [_ordered(slot) if merge else slot for slot, merge in zip(slots, merged, strict=True)]
        symptom_slots = symptom_rows.get(muscle_id)
        total = 0.0
        explained = essential = 0
        breadth: set[tuple[str, str]] = set()
        for index, slot in enumerate(slots):
            best = slot[0][0] if slot else 0.0
            if symptom_slots is not None and symptom_slots[index] and best < SYMPTOM_WEIGHT:
                best = SYMPTOM_WEIGHT
            if best > 0:
                explained += 1
                total += best
            text = texts[index]
            for row in slot:
                breadth.add((text, row[3]))
                if row[1].zone == "essential":
                    essential += 1
        score = round((explained + total / n_sites) / (n_sites + 1), 4)
        key = (-score, -len(breadth), -essential, kb.muscle_ref(muscle_id).name.casefold(), muscle_id)
        ranking.append((key, score, explained, slots))
    ranking.sort(key=lambda item: item[0])
    if limit is not None:
        del ranking[limit:]

    results = tuple(
        assemble(
            Candidate,
            {
                "muscle": kb.muscle_ref(key[4]),
                "score": score,
                "sites_explained": explained,
                "matches": tuple(_match(kb, texts[i], row) for i, slot in enumerate(slots) for row in slot),
                "symptom_matches": _symptom_matches(kb, sites, symptom_rows[key[4]]) if key[4] in symptom_rows else (),
            },
        )
        for key, score, explained, slots in ranking
    )
    return assemble(
        QueryResult,
        {
            "query": assemble(QueryInfo, {"locations": tuple(sites), "side": default_side, "limit": limit}),
            "results": results,
            "red_flags": _red_flags(kb, sites),
        },
    )


def _region_rows(kb: KnowledgeBase, region_id: str, side: BodySide | None) -> tuple[tuple[str, list[_Row]], ...]:
    """Rows of a query on one region from one side, grouped by muscle, strongest first; built once."""
    key = (region_id, side)
    cached = kb._query_rows.get(key)
    if cached is not None:
        return cached
    query_midline = kb.regions[region_id].laterality == "midline"
    grouped: dict[str, list[_Row]] = {}
    for hit, relation in kb.region_hits(region_id):
        look_on = _look_on(kb, side, hit, query_midline)
        if look_on is not None:
            grouped.setdefault(hit.muscle, []).append((_WEIGHT[hit.zone, relation], hit, relation, region_id, look_on))
    table = tuple((muscle_id, _ordered(rows)) for muscle_id, rows in grouped.items())
    kb._query_rows[key] = table
    return table


def _look_on(kb: KnowledgeBase, site_side: BodySide | None, hit: ZoneHit, query_midline: bool) -> LookOn | None:
    """Which side's muscle to examine for this match; None when the pattern rules the side out."""
    look: LookOn
    midline = query_midline or kb.regions[hit.region].laterality == "midline"
    if site_side is None or hit.side in ("bilateral", "midline") or midline:
        look = "either"
    elif hit.side == "ipsilateral":
        look = site_side
    else:
        look = _OPPOSITE[site_side]
    if hit.body_side is not None:
        if look == "either":
            return hit.body_side
        if look != hit.body_side:
            return None
    return look


def _ordered(rows: list[_Row]) -> list[_Row]:
    """Strongest first; one entry per (trigger point, region, zone, queried region)."""
    if len(rows) < 2:
        return rows
    unique = {(row[1].trigger_point, row[1].region, row[1].zone, row[3]): row for row in rows}
    return sorted(unique.values(), key=lambda row: (-row[0], row[1].trigger_point, row[1].region))


def _match(kb: KnowledgeBase, location: str, row: _Row) -> Match:
    weight, hit, relation, query_region, look_on = row
    return assemble(
        Match,
        {
            "location": location,
            "region": hit.region,
            "region_label": kb.regions[hit.region].label,
            "query_region": query_region,
            "relation": relation,
            "trigger_point": hit.trigger_point,
            "trigger_point_name": kb.trigger_points[hit.trigger_point].name,
            "zone": hit.zone,
            "weight": weight,
            "look_on": look_on,
        },
    )


def _symptom_matches(
    kb: KnowledgeBase, sites: Sequence[LocationResolution], slots: list[list[tuple[str, str]]]
) -> tuple[SymptomMatch, ...]:
    return tuple(
        assemble(
            SymptomMatch,
            {
                "location": sites[index].text,
                "phenomenon": phenomenon_id,
                "phenomenon_label": kb.phenomena[phenomenon_id].label,
                "trigger_point": trp_id,
                "trigger_point_name": kb.trigger_points[trp_id].name,
                "weight": SYMPTOM_WEIGHT,
            },
        )
        for index, slot in enumerate(slots)
        for phenomenon_id, trp_id in slot
    )


def _red_flags(kb: KnowledgeBase, sites: Sequence[LocationResolution]) -> tuple[RedFlagHit, ...]:
    raised: dict[str, list[str]] = {}
    for site in sites:
        for region_id in site.regions:
            for flag_id in kb.red_flags_at(region_id):
                flag_side = kb.red_flags[flag_id].side
                if flag_side is None or site.side in (None, flag_side):
                    raised.setdefault(flag_id, []).append(site.text)
    return tuple(
        assemble(
            RedFlagHit,
            {
                "id": flag.id,
                "label": flag.label,
                "message": flag.message,
                "locations": tuple(dict.fromkeys(raised[flag.id])),
            },
        )
        for flag in kb.red_flags.values()
        if flag.id in raised
    )
