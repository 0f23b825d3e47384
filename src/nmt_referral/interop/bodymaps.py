"""Standard pain body maps (CHOIR, Michigan, WPI) both ways: area codes in, as query sites; regions out,
as the codes of a chosen map.

The crosswalk itself is data (``data/bodymaps/<id>.yaml``): each area names the regions it covers and
why. Sides are the patient's.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Literal

from ..errors import InvalidQueryError, UnknownBodyMapError
from ..models import BodyMap, BodyMapArea, BodySide, LocationResolution, QueryResult

if TYPE_CHECKING:
    from ..knowledge_base import KnowledgeBase

__all__ = ["Sex", "area_sites", "body_map", "candidate_codes", "codes_for_regions", "find_area"]

Sex = Literal["female", "male"]
"""Which form of a map the codes come from: the CHOIR female form renumbers six front segments."""


def body_map(kb: KnowledgeBase, map_id: str) -> BodyMap:
    """The body map with this id (case-insensitive).

    Raises:
        UnknownBodyMapError: no such map; ``suggestions`` lists the known ones.
    """
    found = kb.body_maps.get(map_id.strip().lower())
    if found is None:
        raise UnknownBodyMapError(map_id, tuple(kb.body_maps))
    return found


def find_area(kb: KnowledgeBase, map_id: str, code: str, *, sex: Sex | None = None) -> BodyMapArea:
    """The area of a map with this code. With ``sex="female"``, codes are read in the map's female
    numbering (an area's ``female_code`` where it has one); otherwise in its main numbering.

    Raises:
        UnknownBodyMapError: unknown map or code (suggestions: the map's codes that start alike).
    """
    chosen = body_map(kb, map_id)
    wanted = code.strip().lower()
    for area in chosen.areas:
        if area.code_for(sex).lower() == wanted:
            return area
    codes = [area.code for area in chosen.areas]
    near = [c for c in codes if wanted and c.lower().startswith(wanted[:2])][:8] or [
        c for c in codes if wanted and c.lower().startswith(wanted[:1])
    ][:8]
    raise UnknownBodyMapError(f"{chosen.id} {code}", near)


def area_sites(
    kb: KnowledgeBase, map_id: str, codes: Sequence[str], *, sex: Sex | None = None
) -> list[LocationResolution]:
    """One query site per area code: the area's regions, on the area's side.

    Raises:
        UnknownBodyMapError: unknown map or code.
        InvalidQueryError: no codes, or a "no pain" box.
    """
    if not codes:
        raise InvalidQueryError("give at least one body-map code")
    chosen = body_map(kb, map_id)
    sites = []
    for code in codes:
        area = find_area(kb, chosen.id, code, sex=sex)
        if area.no_pain:
            raise InvalidQueryError(f"{chosen.id} {code} is the form's {area.label!r} box: there is no pain to query")
        side: BodySide | None = area.side if area.side != "midline" else None
        sites.append(
            LocationResolution(
                text=f"{chosen.id} {code.strip()}",
                phrase=area.label,
                side=side,
                method="body_map",
                matched=area.label,
                kind="region",
                id=area.regions[0],
                regions=area.regions,
                phenomena=(),
            )
        )
    return sites


def codes_for_regions(
    kb: KnowledgeBase, map_id: str, regions: Iterable[str], *, side: BodySide | None = None, sex: Sex | None = None
) -> tuple[str, ...]:
    """The codes of a map's areas that hold any of ``regions``: an area listing the region, one of its
    parents (the area covers it), or one of its sub-regions (they overlap). With ``side``, only that
    side's and midline areas. Codes in the map's order; in its female numbering with ``sex="female"``.
    """
    chosen = body_map(kb, map_id)
    wanted: set[str] = set()
    for region in regions:
        if region in kb.regions:
            wanted.add(region)
            wanted.update(kb.ancestors(region))
            wanted.update(kb.descendants(region))
    found = []
    for area in chosen.areas:
        if side is not None and area.side not in (side, "midline", None):
            continue
        if wanted.intersection(area.regions):
            found.append(area.code_for(sex))
    return tuple(found)


def candidate_codes(
    kb: KnowledgeBase, result: QueryResult, map_id: str, *, sex: Sex | None = None
) -> dict[str, tuple[str, ...]]:
    """Muscle id -> the codes of a body map that hold the candidate's explaining zones, each zone on the
    side of the site it explains (both sides when the site has none)."""
    order = [area.code_for(sex) for area in body_map(kb, map_id).areas]  # unknown map: raises here
    sides = {site.text: site.side for site in result.query.locations}
    found: dict[str, tuple[str, ...]] = {}
    for candidate in result:
        codes: set[str] = set()
        for match in candidate.matches:
            codes.update(codes_for_regions(kb, map_id, [match.region], side=sides.get(match.location), sex=sex))
        found[candidate.muscle.id] = tuple(code for code in order if code in codes)
    return found
