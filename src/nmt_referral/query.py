"""Reverse lookup: pain locations -> ranked candidate muscles, each with the matches that explain it.

Scoring (see docs/query-semantics.md):

- each match has a weight: ``ZONE_WEIGHT[zone] * RELATION_FACTOR[relation]`` (essential > spillover;
  a zone recorded on a coarser ancestor of the queried region, or on an adjacent region, counts less);
  a pain guide that lists the muscle for the queried region is a cited source that it refers pain
  there: its match counts in full (``GUIDE_LISTED_WEIGHT``), and the guides' order ranks the listed
  muscles (likelihood, below);
- a site's strength is its best match's weight; when the site names a symptom (numbness, stiffness ...)
  that a trigger point of the muscle causes there (or, for a site naming no place, anywhere), it is
  raised by ``SYMPTOM_BONUS`` and to at least ``SYMPTOM_WEIGHT``; a muscle that only refers pain to a
  site naming a symptom counts ``PAIN_ONLY_FACTOR`` of its match (the symptom is not explained);
- a muscle's score is ``(sites explained + sum of strengths / number of sites) / (number of sites + 1)``,
  in (0, 1]: a muscle explaining more sites therefore always ranks above one explaining fewer;
- ties: more sites whose symptom the muscle explains first, then ``likelihood`` (the pain guides'
  order for the queried areas), then more of the queried regions matched, then more essential
  matches, then name and id, so the order is deterministic.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, Literal, TypeVar

from .errors import InvalidQueryError
from .locations import check_limit, check_side, resolve_sites
from .models import (
    BodySide,
    Candidate,
    GuideRank,
    LocationResolution,
    Match,
    PostureHit,
    QueryInfo,
    QueryResult,
    RedFlagHit,
    SymptomMatch,
    assemble,
)

if TYPE_CHECKING:
    from .knowledge_base import KnowledgeBase, ZoneHit

__all__ = [
    "GUIDE_LISTED_WEIGHT",
    "MAX_LOCATIONS",
    "PAIN_ONLY_FACTOR",
    "RELATION_FACTOR",
    "SYMPTOM_BONUS",
    "SYMPTOM_WEIGHT",
    "ZONE_WEIGHT",
    "where",
]

ZONE_WEIGHT = {"essential": 1.0, "spillover": 0.6}
RELATION_FACTOR = {"exact": 1.0, "within": 1.0, "broader": 0.4, "adjacent": 0.3, "guide_area": 0.3}
SYMPTOM_WEIGHT = 0.8
GUIDE_LISTED_WEIGHT = 1.0
SYMPTOM_BONUS = 0.2
PAIN_ONLY_FACTOR = 0.8
MAX_LOCATIONS = 20

LookOn = Literal["left", "right", "either"]
_OPPOSITE: dict[BodySide, BodySide] = {"left": "right", "right": "left"}
_WEIGHT = {
    (zone, relation): round(z * r, 4) for zone, z in ZONE_WEIGHT.items() for relation, r in RELATION_FACTOR.items()
}
_Row = tuple[float, "ZoneHit", str, str, LookOn, dict[str, Any], dict[str, Match]]
"""A zone match before it becomes a Match: weight, hit, relation, queried region, side to examine, the
Match's fields but the location, and the Matches built from it so far, by location text."""
_MEMO_SIZE = 64
"""Matches (and guide ranks) kept per row, by location text: repeated phrasings are not rebuilt."""
_SortKey = tuple[float, int, float, int, int, str, str]


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
    sites = [site for text in locations for site in resolve_sites(kb, text, side=default_side)]
    return rank_sites(kb, sites, side=default_side, limit=limit)


def rank_sites(
    kb: KnowledgeBase, sites: Sequence[LocationResolution], *, side: BodySide | None, limit: int | None
) -> QueryResult:
    """Rank muscles for sites already resolved (by :func:`where`, or from body-map codes)."""
    default_side = side
    if len(sites) > MAX_LOCATIONS:
        raise InvalidQueryError(f"too many sites ({len(sites)}; at most {MAX_LOCATIONS})")
    texts = [site.text for site in sites]
    single = (
        len(sites) == 1 and len(sites[0].regions) == 1 and not sites[0].phenomena and not _site_guides(kb, sites[0])
    )
    if single:  # the common case: one place, ranked once per region and side (an index, like the rows)
        ranking = _single_site_ranking(kb, sites[0])
        symptom_rows: dict[str, list[list[tuple[str, str]]]] = {}
    else:
        ranking, symptom_rows = _rank(kb, sites)
    total_found = len(ranking)
    tied = 0
    if limit is not None and total_found > limit:
        last = ranking[limit - 1]
        tied = sum(1 for item in ranking[limit:] if item[0][:-2] == last[0][:-2])  # split by the name alone
        ranking = ranking[:limit]

    if single:  # a candidate of a one-place query is the same for the same text: built once per text
        results = tuple(_memoised(item[5], texts[0], _candidate, kb, sites, texts, item, {}) for item in ranking)
    else:
        results = tuple(_candidate(kb, sites, texts, item, symptom_rows) for item in ranking)
    return assemble(
        QueryResult,
        {
            "query": assemble(QueryInfo, {"locations": tuple(sites), "side": default_side, "limit": limit}),
            "results": results,
            "red_flags": _red_flags(kb, sites),
            "postures": _postures(kb, results),
            "total": total_found,
            "tied_beyond_limit": tied,
        },
    )


def _candidate(
    kb: KnowledgeBase,
    sites: Sequence[LocationResolution],
    texts: Sequence[str],
    item: _RankItem,
    symptom_rows: dict[str, list[list[tuple[str, str]]]],
) -> Candidate:
    key, score, chance, explained, slots, _memo = item
    muscle_id = key[6]
    return assemble(
        Candidate,
        {
            "muscle": kb.muscle_ref(muscle_id),
            "score": score,
            "likelihood": chance,
            "sites_explained": explained,
            "matches": tuple(_match(texts[i], row) for i, slot in enumerate(slots) for row in _distinct(slot)),
            "symptom_matches": _symptom_matches(kb, sites, symptom_rows[muscle_id])
            if muscle_id in symptom_rows
            else (),
            "guide_ranks": _guide_ranks(kb, sites, muscle_id) if chance else (),
            "cautions": kb.cautions(muscle_id),
        },
    )


def _distinct(slot: list[_Row]) -> list[_Row]:
    """A site's rows with one per zone of a trigger point: the strongest, where a site of several regions
    (a condition, a body-map area) reaches the same zone from more than one of them."""
    best: dict[tuple[str, str], _Row] = {}
    for row in slot:
        key = (row[1].trigger_point, row[1].region)
        if key not in best or row[0] > best[key][0]:
            best[key] = row
    if len(best) == len(slot):
        return slot
    return [row for row in slot if best[(row[1].trigger_point, row[1].region)] is row]


_T = TypeVar("_T")


def _memoised(memo: dict[str, _T], text: str, build: Callable[..., _T], *args: Any) -> _T:
    """``memo[text]``, built as ``build(*args)`` on first use; at most ``_MEMO_SIZE`` texts are kept."""
    found = memo.get(text)
    if found is None:
        if len(memo) >= _MEMO_SIZE:
            memo.clear()
        found = memo[text] = build(*args)
    return found


_RankItem = tuple[_SortKey, float, float, int, list[list[_Row]], dict[str, Candidate]]
"""A ranked muscle before it becomes a Candidate: sort key, score, likelihood, sites explained, rows,
and (for a one-place ranking, which is kept) the Candidates built from it so far, by location text."""


def _single_site_ranking(kb: KnowledgeBase, site: LocationResolution) -> list[_RankItem]:
    """The ranking of a one-region site with no symptom: the same for every phrase naming that region
    from that side, so it is computed once per (region, side) and kept with the row tables."""
    key = (site.regions[0], site.side)
    cached = kb._single_rankings.get(key)
    if cached is None:
        cached = kb._single_rankings[key] = _rank(kb, [site])[0]
    return cached


def _rank(
    kb: KnowledgeBase, sites: Sequence[LocationResolution]
) -> tuple[list[_RankItem], dict[str, list[list[tuple[str, str]]]]]:
    """Every candidate muscle for the sites, best first (plain tuples), and the symptom rows."""
    n_sites = len(sites)
    # Plain tuples first; result objects are built only for the candidates returned.
    zone_rows: dict[str, list[list[_Row]]] = {}
    symptom_rows: dict[str, list[list[tuple[str, str]]]] = {}
    likelihood: dict[str, list[float]] = {}
    evidence: dict[str, tuple[set[tuple[str, str]], list[int]]] = {}  # regions matched, essential rows
    for index, site in enumerate(sites):
        condition_listed = kb.condition_guide_ranks(site.id)[0] if _site_guides(kb, site) else None
        for region_id in site.regions:
            listed = kb.guide_ranks(region_id)[0] if condition_listed is None else condition_listed
            for muscle_id, rows, n_essential in _region_rows(kb, region_id, site.side):
                slots = zone_rows.get(muscle_id)
                if slots is None:
                    slots = zone_rows[muscle_id] = [[] for _ in sites]
                    evidence[muscle_id] = (set(), [0])
                if condition_listed is not None and muscle_id in condition_listed:
                    rows = [_listed(row) for row in rows]
                slots[index].extend(rows)
                matched, essential_rows = evidence[muscle_id]
                matched.add((site.text, region_id))
                essential_rows[0] += n_essential
            for muscle_id, value in listed.items():
                if muscle_id in zone_rows:
                    per_site = likelihood.setdefault(muscle_id, [0.0] * n_sites)
                    per_site[index] = max(per_site[index], value)
        for phenomenon_id in site.phenomena:
            for muscle_id, trp_id in kb.symptom_hits(phenomenon_id):
                if site.regions and not _felt_here(
                    kb, site.regions, zone_rows.get(muscle_id), index, trp_id, phenomenon_id
                ):
                    continue  # the symptom is felt elsewhere in the body: not evidence for this site
                found = symptom_rows.get(muscle_id)
                if found is None:
                    found = symptom_rows[muscle_id] = [[] for _ in sites]
                found[index].append((phenomenon_id, trp_id))

    ranking: list[_RankItem] = []
    no_rows: list[list[_Row]] = [[] for _ in sites]
    no_evidence: tuple[set[tuple[str, str]], list[int]] = (set(), [0])
    asks_symptom = [bool(site.phenomena) for site in sites]
    merged = [len(site.regions) > 1 for site in sites]  # rows of several regions: order them again
    any_merged = any(merged)
    for muscle_id in zone_rows.keys() | symptom_rows.keys():
        slots = zone_rows.get(muscle_id, no_rows)
        if any_merged:
            slots = [_ordered(slot) if merge else slot for slot, merge in zip(slots, merged, strict=True)]
        symptom_slots = symptom_rows.get(muscle_id)
        total = 0.0
        explained = 0
        for index, slot in enumerate(slots):
            best = slot[0][0] if slot else 0.0
            if symptom_slots is not None and symptom_slots[index]:
                best = max(min(1.0, best + SYMPTOM_BONUS), SYMPTOM_WEIGHT)
            elif asks_symptom[index]:
                best *= PAIN_ONLY_FACTOR
            if best > 0:
                explained += 1
                total += best
        breadth, essential = evidence.get(muscle_id, no_evidence)
        score = round((explained + total / n_sites) / (n_sites + 1), 4)
        chance = round(sum(likelihood.get(muscle_id, ())) / n_sites, 4)
        symptoms = sum(1 for slot in symptom_slots or () if slot)
        key = (
            -score,
            -symptoms,
            -chance,
            -len(breadth),
            -essential[0],
            kb.muscle_ref(muscle_id).name.casefold(),
            muscle_id,
        )
        ranking.append((key, score, chance, explained, slots, {}))
    ranking.sort(key=lambda item: item[0])
    return ranking, symptom_rows


_IN_PLACE = frozenset({"exact", "within", "broader"})
"""Relations by which a trigger point's zone places its symptom at a site (not a neighbouring zone)."""


def _felt_here(
    kb: KnowledgeBase,
    regions: Sequence[str],
    slots: list[list[_Row]] | None,
    index: int,
    trp_id: str,
    phenomenon_id: str,
) -> bool:
    """Whether a trigger point's phenomenon is felt at site ``index``: one of its zones is the site, lies
    in it or contains it, or the pattern says the phenomenon is felt at a region near the site's
    (``phenomena_at``). A zone merely next to the site does not place a symptom there."""
    if slots is not None and any(row[1].trigger_point == trp_id and row[2] in _IN_PLACE for row in slots[index]):
        return True
    felt_at = kb.felt_at(trp_id, phenomenon_id)
    return bool(felt_at) and any(felt_at & kb.near(region_id) for region_id in regions)


def _site_guides(kb: KnowledgeBase, site: LocationResolution) -> bool:
    """Whether the site is a condition term with pain guides of its own (they then speak for it)."""
    return site.kind == "condition" and bool(kb.condition_guides(site.id))


def _listed(row: _Row) -> _Row:
    """A row of a muscle that a condition's pain guide lists: counts in full, like a region guide's."""
    if row[0] >= GUIDE_LISTED_WEIGHT:
        return row
    return (GUIDE_LISTED_WEIGHT, *row[1:5], {**row[5], "weight": GUIDE_LISTED_WEIGHT}, {})


def _guide_ranks(kb: KnowledgeBase, sites: Sequence[LocationResolution], muscle_id: str) -> tuple[GuideRank, ...]:
    found: list[GuideRank] = []
    for site in sites:
        seen: set[str] = set()
        keys = [f"condition:{site.id}"] if _site_guides(kb, site) else site.regions
        for key in keys:
            for template, memo in _guide_rows(kb, key).get(muscle_id, ()):
                if template["guide"] not in seen:
                    seen.add(template["guide"])
                    found.append(_memoised(memo, site.text, _new_guide_rank, site.text, template))
    return tuple(found)


def _new_guide_rank(location: str, fields: dict[str, Any]) -> GuideRank:
    return assemble(GuideRank, {"location": location, **fields})


def _guide_rows(kb: KnowledgeBase, key: str) -> dict[str, tuple[tuple[dict[str, Any], dict[str, GuideRank]], ...]]:
    """Per muscle, the pain guides listing it for a query on a region (``key`` its id) or a condition
    term (``key`` is ``condition:<id>``): GuideRank fields but the location; built once per key."""
    cached = kb._guide_rows.get(key)
    if cached is None:
        grouped: dict[str, list[tuple[dict[str, Any], dict[str, GuideRank]]]] = {}
        condition = key.startswith("condition:")
        ranks = kb.condition_guide_ranks(key[len("condition:") :]) if condition else kb.guide_ranks(key)
        for muscle_id, guide_id, rank in ranks[1]:
            guide = kb.guides[guide_id]
            template = {
                "guide": guide_id,
                "heading": guide.heading,
                "source": guide.source,
                "rank": rank,
                "of": len(guide.muscles),
            }
            grouped.setdefault(muscle_id, []).append((template, {}))
        cached = kb._guide_rows[key] = {m: tuple(rows) for m, rows in grouped.items()}
    return cached


def _region_rows(kb: KnowledgeBase, region_id: str, side: BodySide | None) -> tuple[tuple[str, list[_Row], int], ...]:
    """Rows of a query on one region from one side, grouped by muscle, strongest first, with the
    number of essential rows; built once."""
    key = (region_id, side)
    cached = kb._query_rows.get(key)
    if cached is not None:
        return cached
    query_midline = kb.regions[region_id].laterality == "midline"
    listed = kb.guide_ranks(region_id)[0]
    grouped: dict[str, list[_Row]] = {}
    for hit, relation in (*kb.region_hits(region_id), *_guide_area_hits(kb, region_id)):
        look_on = _look_on(kb, side, hit, query_midline)
        if look_on is None:
            continue
        weight = _WEIGHT[hit.zone, relation]
        if hit.muscle in listed:  # a pain guide is a cited source that it refers pain here: counts in full
            weight = max(weight, GUIDE_LISTED_WEIGHT)
        template = {
            "region": hit.region,
            "region_label": kb.regions[hit.region].label,
            "query_region": region_id,
            "relation": relation,
            "trigger_point": hit.trigger_point,
            "trigger_point_name": kb.trigger_points[hit.trigger_point].name,
            "zone": hit.zone,
            "weight": weight,
            "look_on": look_on,
        }
        grouped.setdefault(hit.muscle, []).append((weight, hit, relation, region_id, look_on, template, {}))
    table = tuple(
        (muscle_id, ordered, sum(1 for row in ordered if row[1].zone == "essential"))
        for muscle_id, ordered in ((m, _ordered(rows)) for m, rows in grouped.items())
    )
    kb._query_rows[key] = table
    return table


def _guide_area_hits(kb: KnowledgeBase, region_id: str) -> list[tuple[ZoneHit, str]]:
    """Zones of the muscles a pain guide lists for the region that have none on, in, above or next to
    it, found on the other regions of the guide's heading ("Volar wrist & palmar pain" lists pectoralis
    major for its palm): relation ``guide_area``."""
    listed = kb.guide_ranks(region_id)[0]
    if not listed:
        return []
    present = {hit.muscle for hit, _relation in kb.region_hits(region_id)}
    missing = set(listed) - present
    found: list[tuple[ZoneHit, str]] = []
    for guide_id in kb.guides_for(region_id):
        guide = kb.guides[guide_id]
        wanted = missing.intersection(guide.muscles)
        for other in guide.regions:
            if other != region_id and wanted:
                found.extend((hit, "guide_area") for hit, _relation in kb.region_hits(other) if hit.muscle in wanted)
    return found


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


_CLOSENESS = {"exact": 0, "within": 1, "broader": 2, "adjacent": 3, "guide_area": 4}


def _ordered(rows: list[_Row]) -> list[_Row]:
    """Strongest first, and among equals the closest (exact before within, broader, adjacent) and
    essential before spillover; one entry per (trigger point, region, zone, queried region)."""
    if len(rows) < 2:
        return rows
    unique = {(row[1].trigger_point, row[1].region, row[1].zone, row[3]): row for row in rows}
    return sorted(
        unique.values(),
        key=lambda row: (-row[0], _CLOSENESS[row[2]], row[1].zone != "essential", row[1].trigger_point, row[1].region),
    )


def _match(location: str, row: _Row) -> Match:
    """The Match of a row for a site's text (immutable, so built once per row and text)."""
    return _memoised(row[6], location, _new_match, location, row[5])


def _new_match(location: str, fields: dict[str, Any]) -> Match:
    return assemble(Match, {"location": location, **fields})


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


def _postures(kb: KnowledgeBase, results: Sequence[Candidate]) -> tuple[PostureHit, ...]:
    """Postural patterns that shorten (or perpetuate the trigger points of) two or more of the first ten
    candidates."""
    top = tuple(c.muscle.id for c in results[:10])
    memo = kb._posture_hits  # the same top ten gives the same patterns: built once per ranking
    hits = memo.get(top)
    if hits is None:
        found = []
        for posture in kb.postures.values():
            involved = tuple(m for m in top if m in posture.short or m in posture.perpetuates)
            if len(involved) >= 2:
                found.append(assemble(PostureHit, {"id": posture.id, "label": posture.label, "muscles": involved}))
        if len(memo) >= 1024:
            memo.clear()
        hits = memo[top] = tuple(found)
    return hits


def _red_flags(kb: KnowledgeBase, sites: Sequence[LocationResolution]) -> tuple[RedFlagHit, ...]:
    raised: dict[str, list[str]] = {}
    for site in sites:
        # a condition term raises the flags written for it; a place raises those of its regions
        flag_ids = (
            kb.red_flags_for_condition(site.id)
            if site.kind == "condition"
            else [f for region_id in site.regions for f in kb.red_flags_at(region_id)]
        )
        for flag_id in dict.fromkeys(flag_ids):
            flag_side = kb.red_flags[flag_id].side
            if flag_side is None or site.side in (None, flag_side):
                raised.setdefault(flag_id, []).append(site.text)
    return tuple(
        assemble(
            RedFlagHit,
            {
                "id": flag.id,
                "label": flag.label,
                "summary": flag.summary or flag.label,
                "message": flag.message,
                "locations": tuple(dict.fromkeys(raised[flag.id])),
            },
        )
        for flag in kb.red_flags.values()
        if flag.id in raised
    )
