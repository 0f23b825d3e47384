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
    MuscleRef,
    QueryInfo,
    QueryResult,
    RedFlagHit,
    SymptomMatch,
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

    per_muscle: dict[str, list[list[Match]]] = {}
    symptoms: dict[str, list[list[SymptomMatch]]] = {}
    for index, site in enumerate(sites):
        for region_id in site.regions:
            for hit, relation in kb.region_hits(region_id):
                look_on = _look_on(kb, site.side, hit, region_id)
                if look_on is None:
                    continue
                slots = per_muscle.setdefault(hit.muscle, [[] for _ in sites])
                slots[index].append(_match(kb, site, region_id, hit, relation, look_on))
        for phenomenon_id in site.phenomena:
            for muscle_id, trp_id in kb.symptom_hits(phenomenon_id):
                slots_s = symptoms.setdefault(muscle_id, [[] for _ in sites])
                slots_s[index].append(
                    SymptomMatch.model_construct(
                        location=site.text,
                        phenomenon=phenomenon_id,
                        phenomenon_label=kb.phenomena[phenomenon_id].label,
                        trigger_point=trp_id,
                        trigger_point_name=kb.trigger_points[trp_id].name,
                        weight=SYMPTOM_WEIGHT,
                    )
                )

    candidates: list[tuple[tuple[float, int, int, str, str], Candidate]] = []
    n_sites = len(sites)
    for muscle_id in per_muscle.keys() | symptoms.keys():
        zone_slots = per_muscle.get(muscle_id) or [[] for _ in sites]
        symptom_slots = symptoms.get(muscle_id) or [[] for _ in sites]
        strengths = []
        for zone_matches, symptom_matches in zip(zone_slots, symptom_slots, strict=True):
            best = max((m.weight for m in zone_matches), default=0.0)
            best = max(best, max((m.weight for m in symptom_matches), default=0.0))
            strengths.append(best)
        explained = sum(1 for s in strengths if s > 0)
        score = round((explained + sum(strengths) / n_sites) / (n_sites + 1), 4)
        matches = tuple(m for slot in zone_slots for m in _ordered(slot))
        muscle = kb.muscles[muscle_id]
        essential = sum(1 for m in matches if m.zone == "essential")
        breadth = len({(m.location, m.query_region) for m in matches})
        candidate = Candidate.model_construct(
            muscle=MuscleRef.model_construct(id=muscle.id, name=muscle.name, aliases=muscle.aliases, area=muscle.area),
            score=score,
            sites_explained=explained,
            matches=matches,
            symptom_matches=tuple(m for slot in symptom_slots for m in slot),
        )
        candidates.append(((-score, -breadth, -essential, muscle.name.casefold(), muscle.id), candidate))
    candidates.sort(key=lambda item: item[0])
    ranked = tuple(c for _key, c in candidates)
    if limit is not None:
        ranked = ranked[:limit]
    return QueryResult.model_construct(
        query=QueryInfo.model_construct(locations=tuple(sites), side=default_side, limit=limit),
        results=ranked,
        red_flags=_red_flags(kb, sites),
    )


def _look_on(kb: KnowledgeBase, site_side: BodySide | None, hit: ZoneHit, region_id: str) -> LookOn | None:
    """Which side's muscle to examine for this match; None when the pattern rules the side out."""
    look: LookOn
    midline = "midline" in (kb.regions[region_id].laterality, kb.regions[hit.region].laterality)
    if site_side is None or midline or hit.side in ("bilateral", "midline"):
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


def _match(
    kb: KnowledgeBase, site: LocationResolution, region_id: str, hit: ZoneHit, relation: str, look_on: LookOn
) -> Match:
    return Match.model_construct(
        location=site.text,
        region=hit.region,
        region_label=kb.regions[hit.region].label,
        query_region=region_id,
        relation=relation,  # type: ignore[arg-type]
        trigger_point=hit.trigger_point,
        trigger_point_name=kb.trigger_points[hit.trigger_point].name,
        zone=hit.zone,  # type: ignore[arg-type]
        weight=round(ZONE_WEIGHT[hit.zone] * RELATION_FACTOR[relation], 4),
        look_on=look_on,
    )


def _ordered(matches: list[Match]) -> list[Match]:
    """Strongest first; one entry per (trigger point, region, zone)."""
    unique = {(m.trigger_point, m.region, m.zone, m.query_region): m for m in matches}
    return sorted(unique.values(), key=lambda m: (-m.weight, m.trigger_point, m.region))


def _red_flags(kb: KnowledgeBase, sites: Sequence[LocationResolution]) -> tuple[RedFlagHit, ...]:
    hits: list[RedFlagHit] = []
    for flag in kb.red_flags.values():
        related = kb.red_flag_regions(flag.id)
        raised = [
            site.text
            for site in sites
            if (flag.side is None or site.side in (None, flag.side)) and related.intersection(site.regions)
        ]
        if raised:
            hits.append(
                RedFlagHit.model_construct(
                    id=flag.id, label=flag.label, message=flag.message, locations=tuple(dict.fromkeys(raised))
                )
            )
    return tuple(hits)
