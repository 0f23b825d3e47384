"""Text and JSON renderings of results. Functions return strings; they never print."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from .models import (
    CLINICAL_SECTIONS,
    BodyMap,
    Candidate,
    Clinical,
    GuideRank,
    Identifiers,
    Match,
    Muscle,
    MuscleGroup,
    Posture,
    QueryResult,
    RedFlag,
    ReferralPattern,
    ZoneRef,
)

if TYPE_CHECKING:
    from .knowledge_base import KnowledgeBase

__all__ = [
    "care_text",
    "flag_text",
    "json_document",
    "muscle_text",
    "muscles_json",
    "muscles_text",
    "posture_text",
    "postures_text",
    "regions_json",
    "regions_text",
    "safety_text",
    "to_plain",
    "where_json",
    "where_text",
]

MATCHES_PER_SITE = 2
"""Human output shows this many matches per site and candidate; --json has them all."""


def to_plain(value: Any) -> Any:
    """Models -> dicts in field order, tuples -> lists: what ``model_dump(mode="json")`` gives for our
    models, without building pydantic serializers (a cost the CLI would pay at every start)."""
    if isinstance(value, BaseModel):
        return {name: to_plain(getattr(value, name)) for name in type(value).model_fields}
    if isinstance(value, list | tuple):
        return [to_plain(item) for item in value]
    if isinstance(value, dict):
        return {key: to_plain(item) for key, item in value.items()}
    return value


def json_document(value: Any, *, compact: bool = False, **extra: Any) -> str:
    """One JSON document of the versioned contract: ``schema_version`` and ``nmt_referral_version`` first
    (on the object, or on each object of an array), then the value's keys in model field order, then
    ``extra``. UTF-8 characters are kept."""
    from .interop.versioning import stamp

    plain = to_plain(value)
    if extra and isinstance(plain, dict):
        plain = {**plain, **to_plain(extra)}
    if compact:  # one line: a JSON Lines record
        return json.dumps(stamp(plain), ensure_ascii=False, separators=(",", ":"))
    return json.dumps(stamp(plain), ensure_ascii=False, indent=2)


def _table(rows: Sequence[Sequence[str]], header: Sequence[str]) -> list[str]:
    widths = [max(len(str(row[i])) for row in [header, *rows]) for i in range(len(header))]
    lines = ["  ".join(str(cell).ljust(widths[i]) for i, cell in enumerate(header)).rstrip()]
    lines += ["  ".join(str(cell).ljust(widths[i]) for i, cell in enumerate(row)).rstrip() for row in rows]
    return lines


# --------------------------------------------------------------------------- where


BodyMapCodes = tuple[str, dict[str, tuple[str, ...]]]
"""A body map's id and, by muscle id, the codes of its areas that hold the candidate's zones."""


def where_json(
    result: QueryResult, disclaimer: str, body_map_codes: BodyMapCodes | None = None, *, compact: bool = False
) -> str:
    """The ``where --json`` document: query, results, red_flags, disclaimer; with ``body_map_codes``,
    each result also has ``body_map_codes: {"body_map", "codes"}``."""
    if body_map_codes is None:
        return json_document(result, compact=compact, disclaimer=disclaimer)
    map_id, codes = body_map_codes
    plain = to_plain(result)
    for item in plain["results"]:
        item["body_map_codes"] = {"body_map": map_id, "codes": list(codes.get(item["muscle"]["id"], ()))}
    return json_document(plain, compact=compact, disclaimer=disclaimer)


def groups_text(kb: KnowledgeBase, result: QueryResult) -> list[str]:
    """One line per muscle group with two or more members among the shown candidates: the group as
    therapists name it, and its members' ranks ("Hamstrings: Biceps femoris #2, Semitendinosus #5")."""
    ranks = {candidate.muscle.id: rank for rank, candidate in enumerate(result.results, start=1)}
    lines = []
    for group in kb.groups.values():
        shown = sorted((ranks[m], kb.muscles[m].name) for m in group.members if m in ranks)
        if len(shown) >= 2:
            members = ", ".join(f"{name} #{rank}" for rank, name in shown)
            lines.append(f"Group: {group.label}: {members}  [nmt-referral muscle {group.id}]")
    return lines


def where_brief(kb: KnowledgeBase, result: QueryResult) -> str:
    """One line per candidate: rank, name, score, and its strongest reason (trigger point -> zone); the
    red flags first, one line each, as in the full text."""
    lines = [f"RED FLAG: {flag.label}  [nmt-referral flag {flag.id}]" for flag in result.red_flags]
    rows = []
    for rank, candidate in enumerate(result.results, start=1):
        best = max(candidate.matches, key=lambda m: m.weight, default=None)
        reason = f"{best.trigger_point_name} -> {best.zone}: {best.region_label}" if best else ""
        if best is None and candidate.symptom_matches:
            symptom = candidate.symptom_matches[0]
            reason = f"{symptom.trigger_point_name} -> causes {symptom.phenomenon_label}"
        rows.append([str(rank), candidate.muscle.name, f"{candidate.score:.2f}", reason])
    if not rows:
        return "\n".join([*lines, "No muscle in the knowledge base refers pain there."])
    more = result.total - len(result.results)
    footer = [f"({more} more; use --limit)"] if more else []
    table = _table(rows, ["#", "Muscle", "Score", "Strongest reason"])
    return "\n".join([*lines, *table, *groups_text(kb, result), *footer])


def where_text(
    kb: KnowledgeBase, result: QueryResult, *, full_flags: bool = False, body_map_codes: BodyMapCodes | None = None
) -> str:
    """Readable ranking: how each site was understood, then each candidate with its explanation.

    Red flags are one short line each with the command that prints the full text, or the full text
    with ``full_flags``. With ``body_map_codes``, each candidate lists its zones as that map's codes.
    """
    lines: list[str] = []
    for site in result.query.locations:
        shown = site.matched if site.method == "body_map" else kb.label(site.kind, site.id)
        how = {
            "condition": " (condition)",
            "symptom": " (symptom)",
            "fuzzy": f" (closest match, {site.score:.0f}%)" if site.score is not None else " (spelling corrected)",
        }.get(site.method, "")
        symptoms = [kb.phenomena[p].label for p in site.phenomena if site.kind != "phenomenon"]
        with_symptoms = f" + {', '.join(symptoms)}" if symptoms and site.kind == "region" else ""
        side = f", {site.side} side" if site.side else ""
        coded = f" [{identifiers_text(site.identifiers)}]" if site.kind == "condition" and site.identifiers else ""
        lines.append(f"{site.text} -> {shown}{with_symptoms}{how}{side}{coded}")
    if result.red_flags:
        lines.append("")
    for flag in result.red_flags:
        if full_flags:
            lines.append(f"RED FLAG ({', '.join(flag.locations)}): {flag.label}")
            lines.append(f"  {flag.message}")
        else:
            lines.append(f"RED FLAG: {flag.label}: {flag.summary}  [nmt-referral flag {flag.id}]")
    lines.append("")
    if not result.results:
        lines.append("No muscle in the knowledge base refers pain there.")
        return "\n".join(lines)
    n_sites = len(result.query.locations)
    rows: list[list[str]] = []
    details: list[list[str]] = []
    for rank, candidate in enumerate(result.results, start=1):
        rows.append(
            [str(rank), candidate.muscle.name, f"{candidate.score:.2f}", f"{candidate.sites_explained}/{n_sites}"]
        )
        details.append(_explanation(candidate))
        if body_map_codes is not None:
            codes = body_map_codes[1].get(candidate.muscle.id, ())
            details[-1].append(f"{body_map_codes[0]} codes: {', '.join(codes) if codes else '(none)'}")
    table = _table(rows, ["#", "Muscle", "Score", "Sites"])
    lines.append(table[0])
    for row_line, detail in zip(table[1:], details, strict=True):
        lines.append(row_line)
        lines.extend("      " + d for d in detail)
    lines.extend(groups_text(kb, result))
    for posture in result.postures:
        pointer = f"[nmt-referral posture {posture.id}]"
        lines.append(f"Postural pattern: {posture.label} links {len(posture.muscles)} of these muscles {pointer}")
    if result.tied_beyond_limit:
        lines.append(f"+ {result.tied_beyond_limit} more with the same score; use --limit to see them")
    elif result.total > len(result.results):
        lines.append(f"({result.total - len(result.results)} more candidates below; use --limit to see them)")
    return "\n".join(lines)


def flags_text(kb: KnowledgeBase) -> str:
    """Every red flag: id, label and summary (``nmt-referral flag ID`` for the full text)."""
    lines = []
    for flag in kb.red_flags.values():
        lines.append(f"{flag.id}  {flag.label}")
        if flag.summary:
            lines.append(f"    {flag.summary}")
    lines.append("")
    lines.append("nmt-referral flag ID prints one in full, with the locations that raise it.")
    return "\n".join(lines)


def source_rows(kb: KnowledgeBase) -> dict[str, dict[str, list[str]]]:
    """Source id -> what cites it: ``muscles`` (referral patterns), ``clinical`` (clinical notes) and
    ``guides`` (pain-guide lists)."""
    cited: dict[str, dict[str, list[str]]] = {s: {"muscles": [], "clinical": [], "guides": []} for s in kb.sources}
    for muscle in kb.muscles.values():
        for source in dict.fromkeys(s for t in muscle.trigger_points for s in t.pattern.sources):
            cited[source]["muscles"].append(muscle.id)
    for muscle_id, clinical in kb.clinical.items():
        cited_here = {source for key in CLINICAL_SECTIONS for item in getattr(clinical, key) for source in item.sources}
        for source in sorted(cited_here):
            cited[source]["clinical"].append(muscle_id)
    for guide in kb.guides.values():
        if guide.source in cited:
            cited[guide.source]["guides"].append(guide.id)
    return cited


def sources_text(kb: KnowledgeBase) -> str:
    """Every source: id, what cites it (patterns / clinical notes / pain-guide lists), the citation's start."""
    cited = source_rows(kb)
    rows = []
    for source in kb.sources.values():
        uses = cited[source.id]
        counts = f"{len(uses['muscles'])}/{len(uses['clinical'])}/{len(uses['guides'])}"
        short = source.citation if len(source.citation) <= 70 else source.citation[:67] + "..."
        rows.append([source.id, counts, short])
    lines = _table(rows, ["id", "patterns/clinical/guides", "citation"])
    return "\n".join([*lines, "", "nmt-referral sources ID prints one in full, with what cites it."])


def source_text(kb: KnowledgeBase, source_id: str) -> str:
    """One source in full: citation, kind, year, url, and the muscles and lists that cite it."""
    source = kb.sources[source_id]
    uses = source_rows(kb)[source_id]
    lines = [source.id, f"  {source.citation}", f"  kind: {source.kind}" + (f", {source.year}" if source.year else "")]
    if source.url:
        lines.append(f"  url: {source.url}")
    names = {"muscles": "referral patterns of", "clinical": "clinical notes on", "guides": "pain-guide lists"}
    for key, label in names.items():
        if uses[key]:
            shown = [kb.muscles[m].name if m in kb.muscles else m for m in uses[key]] if key != "guides" else uses[key]
            lines.append(f"  {label}: {', '.join(shown)}")
    if not any(uses.values()):
        lines.append("  (cited by no pattern, clinical note or pain-guide list: a general reference)")
    return "\n".join(lines)


def flag_text(flag: RedFlag) -> str:
    """A red flag in full: label, message, and what raises it."""
    lines = [f"{flag.label}  ({flag.id})", "", flag.message]
    raised = [*flag.regions, *flag.conditions]
    side = f" (on the {flag.side} side)" if flag.side else ""
    lines += ["", f"Raised by: {', '.join(raised)}{side}"]
    return "\n".join(lines)


def _explanation(candidate: Candidate) -> list[str]:
    by_site: dict[str, list[Match]] = {}
    for match in candidate.matches:
        by_site.setdefault(match.location, []).append(match)
    rows: list[list[str]] = []
    for location, matches in by_site.items():
        for match in matches[:MATCHES_PER_SITE]:
            zone = match.zone + {
                "broader": " (broader zone)",
                "adjacent": " (adjacent)",
                "guide_area": " (same guide heading)",
            }.get(match.relation, "")
            look = "" if match.look_on == "either" else f"check {match.look_on} side"
            rows.append([location, "<-", match.trigger_point_name, f"{zone}: {match.region_label}", look])
        if len(matches) > MATCHES_PER_SITE:
            rows.append([location, "", f"(+{len(matches) - MATCHES_PER_SITE} more)", "", ""])
    for symptom in candidate.symptom_matches:
        rows.append([symptom.location, "<-", symptom.trigger_point_name, f"causes {symptom.phenomenon_label}", ""])
    best: dict[str, GuideRank] = {}
    for ranked in candidate.guide_ranks:
        if ranked.location not in best or ranked.rank < best[ranked.location].rank:
            best[ranked.location] = ranked
    for location, ranked in best.items():
        rows.append(
            [location, "", f"pain guide: #{ranked.rank} of {ranked.of}", f"{ranked.heading} ({ranked.source})", ""]
        )
    widths = [max(len(r[i]) for r in rows) for i in range(5)] if rows else []
    lines = ["  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)).rstrip() for row in rows]
    if candidate.cautions:  # one line, outside the table: where not to press
        lines.append("caution: " + "; ".join(candidate.cautions))
    return lines


# --------------------------------------------------------------------------- muscles


def _phenomenon_text(kb: KnowledgeBase, pattern: ReferralPattern, phenomenon_id: str) -> str:
    """A phenomenon's label, with where it is felt when the pattern says (``phenomena_at``)."""
    label = kb.phenomena[phenomenon_id].label
    felt_at = pattern.phenomena_at.get(phenomenon_id)
    return f"{label} (felt at {', '.join(kb.regions[r].label for r in felt_at)})" if felt_at else label


def _zones(kb: KnowledgeBase, zones: Iterable[ZoneRef]) -> str:
    parts = []
    for zone in zones:
        label = kb.regions[zone.region].label
        parts.append(f"{label} ({zone.side})" if zone.side else label)
    return ", ".join(parts) or "-"


def group_text(kb: KnowledgeBase, group: MuscleGroup) -> str:
    """A muscle group: its members and sources, then each member as ``muscle`` shows it."""
    names = ", ".join(kb.muscles[m].name for m in group.members)
    lines = [f"{group.label}  (group of {len(group.members)}: {names})"]
    if group.aliases:
        lines.append(f"  also: {', '.join(group.aliases)}")
    lines.append(f"  sources: {', '.join(group.sources)}")
    if group.notes:
        lines.append(f"  notes: {group.notes}")
    for member in group.members:
        lines += ["", "=" * 8, muscle_text(kb, kb.muscles[member]).rstrip()]
    return "\n".join(lines)


def identifiers_text(ids: Identifiers) -> str:
    """``UBERON:0002380, FMA:9626`` (with the relation when not exact), or why none fits."""
    if ids.unmapped:
        return f"none ({ids.unmapped})"
    shown = []
    for value in (
        ids.uberon,
        ids.fma,
        ids.hpo,
        ids.icd11 and f"ICD-11 {ids.icd11}",
        ids.icd10cm and f"ICD-10-CM {ids.icd10cm}",
    ):
        if isinstance(value, tuple):
            shown.append(" + ".join(value))
        elif value:
            shown.append(value)
    if ids.hpo_label:
        shown[shown.index(ids.hpo)] = f"{ids.hpo} {ids.hpo_label}"  # type: ignore[arg-type]
    relation = f" ({ids.relation} class)" if ids.relation != "exact" else ""
    return ", ".join(shown) + relation


def muscle_text(kb: KnowledgeBase, muscle: Muscle) -> str:
    """Forward lookup: the muscle, then each trigger point with its zones, phenomena and sources."""
    lines = [muscle.name + (f"  (also: {', '.join(muscle.aliases)})" if muscle.aliases else "")]
    lines.append(f"  area: {muscle.area.replace('_', ' ')}")
    ids = kb.identifiers.get("muscles", {}).get(muscle.id)
    if ids is not None:
        lines.append(f"  identifiers: {identifiers_text(ids)}")
    if muscle.innervation:
        lines.append(f"  innervation: {muscle.innervation}")
    if muscle.actions:
        lines.append(f"  actions: {'; '.join(muscle.actions)}")
    if muscle.attachments:
        if muscle.attachments.origin:
            lines.append(f"  origin: {muscle.attachments.origin}")
        if muscle.attachments.insertion:
            lines.append(f"  insertion: {muscle.attachments.insertion}")
    lines.append("")
    for trp in muscle.trigger_points:
        pattern = trp.pattern
        title = trp.name + (f" [{trp.part}]" if trp.part else "")
        lines.append(f"{title}  ({trp.id})")
        lines.append(f"  location:  {trp.location}")
        lines.append(f"  essential: {_zones(kb, pattern.essential)}")
        lines.append(f"  spillover: {_zones(kb, pattern.spillover)}")
        side = pattern.side + (f", {pattern.body_side} side only" if pattern.body_side else "")
        lines.append(f"  side:      {side}")
        if pattern.phenomena:
            lines.append(f"  also:      {', '.join(_phenomenon_text(kb, pattern, p) for p in pattern.phenomena)}")
        lines.append(f"  sources:   {', '.join(pattern.sources)}")
        if pattern.notes:
            lines.append(f"  notes:     {pattern.notes}")
        lines.append("")
    clinical = kb.clinical.get(muscle.id)
    if clinical is not None:
        lines.append("Clinical notes (nmt-referral muscle NAME --care shows them in full):")
        for key, label in _CARE_SECTIONS:
            items = getattr(clinical, key)
            if items:
                lines.append(f"  {label}: {len(items)} cited item{'s' if len(items) != 1 else ''}")
        if clinical.endangerment_sites:
            lines.append(f"  caution:   {'; '.join(site.site for site in clinical.endangerment_sites)}")
    return "\n".join(lines).rstrip()


_CARE_SECTIONS = (
    ("activation", "what activates and perpetuates its trigger points"),
    ("palpation", "palpation"),
    ("techniques", "techniques"),
    ("self_care", "self-care"),
    ("satellites", "satellite trigger points"),
    ("entrapments", "entrapments"),
    ("endangerment_sites", "endangerment sites"),
)


def care_text(kb: KnowledgeBase, muscle: Muscle, clinical: Clinical) -> str:
    """The clinical side of a muscle on one screen: each section with its cited items."""
    lines = [f"{muscle.name}: clinical notes", ""]
    empty = True
    for key, label in _CARE_SECTIONS:
        items = getattr(clinical, key)
        if not items:
            continue
        empty = False
        lines.append(label[0].upper() + label[1:])
        for item in items:
            if key == "satellites":
                text = kb.muscles[item.muscle].name if item.muscle in kb.muscles else item.muscle
            elif key == "entrapments":
                text = f"{item.nerve}: {item.symptoms}"
            elif key == "endangerment_sites":
                text = f"{item.site}: {item.caution}"
            else:
                text = item.text
            lines.append(f"  - {text}  [{', '.join(item.sources)}]")
        lines.append("")
    if empty:
        lines.append("No cited clinical notes for this muscle yet (nothing is guessed).")
    if clinical.notes:
        lines.append(f"Notes: {clinical.notes}")
    lines.append("General contraindications: nmt-referral safety")
    return "\n".join(lines).rstrip()


def posture_text(kb: KnowledgeBase, posture: Posture) -> str:
    """A postural pattern, its short and long muscles, and where their trigger points refer pain."""
    lines = [f"{posture.label}  ({posture.id})", f"  {posture.description}", ""]
    groups = (
        ("Short / overactive", posture.short),
        ("Long / inhibited", posture.long),
        ("Trigger points it perpetuates", posture.perpetuates),
    )
    for label, muscles in groups:
        if not muscles:
            continue
        lines.append(label)
        for muscle_id in muscles:
            muscle = kb.muscles[muscle_id]
            zones = sorted({kb.regions[z.region].label for trp in muscle.trigger_points for z in trp.pattern.essential})
            lines.append(f"  {muscle.name}: {len(muscle.trigger_points)} TrP(s); refers to {', '.join(zones) or '-'}")
        lines.append("")
    lines.append(f"sources: {', '.join(posture.sources)}")
    if posture.notes:
        lines.append(f"notes: {posture.notes}")
    return "\n".join(lines)


def postures_text(kb: KnowledgeBase) -> str:
    """A table of the postural patterns."""
    rows = [[p.id, p.label, str(len(p.short)), str(len(p.long))] for p in kb.postures.values()]
    return "\n".join(_table(rows, ["id", "pattern", "short", "long"])) if rows else "No postural patterns."


def safety_text(kb: KnowledgeBase) -> str:
    """General contraindications, then the red flags (one line each)."""
    lines = ["General contraindications and cautions", ""]
    for kind, label in (("absolute", "Do not treat"), ("local", "Not over the area"), ("caution", "With caution")):
        found = [c for c in kb.contraindications.values() if c.kind == kind]
        if found:
            lines.append(label)
            lines.extend(f"  - {c.label}: {c.text}  [{', '.join(c.sources)}]" for c in found)
            lines.append("")
    lines.append("Red flags (nmt-referral flag ID for the full text)")
    lines.extend(f"  - {flag.id}: {flag.label}" for flag in kb.red_flags.values())
    return "\n".join(lines)


def muscles_text(kb: KnowledgeBase, area: str | None = None) -> str:
    """A table of the muscles (of one body area): id, name, area, number of trigger points."""
    rows = [[m.id, m.name, m.area, str(len(m.trigger_points))] for m in kb.muscles.values() if area in (None, m.area)]
    return "\n".join(_table(rows, ["id", "name", "area", "TrPs"]))


def muscles_json(kb: KnowledgeBase, area: str | None = None) -> str:
    """JSON array of muscles (of one body area): id, name, aliases, area, trigger_points (ids)."""
    return json_document(
        [
            {
                "id": m.id,
                "name": m.name,
                "aliases": list(m.aliases),
                "area": m.area,
                "trigger_points": [t.id for t in m.trigger_points],
            }
            for m in kb.muscles.values()
            if area in (None, m.area)
        ]
    )


# --------------------------------------------------------------------------- regions


def regions_text(kb: KnowledgeBase, *, tree: bool = False, ascii_only: bool = False) -> str:
    """The regions one per line with ids and aliases: alphabetical, or (``tree``) as the region tree
    drawn with branch lines (ASCII ones with ``ascii_only``), each with how many muscles refer there."""
    if not tree:
        ordered = sorted(kb.regions.values(), key=lambda region: (region.label.casefold(), region.id))
        return "\n".join(_region_line(region.label, region.id, region.aliases) for region in ordered)
    branch, last, through, blank = ("|-- ", "`-- ", "|   ", "    ") if ascii_only else ("├─ ", "└─ ", "│  ", "   ")
    lines: list[str] = []

    def visit(region_id: str, prefix: str, is_last: bool, top: bool) -> None:
        region = kb.regions[region_id]
        muscles = len({hit.muscle for hit, relation in kb.region_hits(region_id) if relation in ("exact", "within")})
        count = f" - {muscles} muscle{'s' if muscles != 1 else ''}" if muscles else ""
        head = "" if top else prefix + (last if is_last else branch)
        lines.append(head + _region_line(region.label, region.id, region.aliases, count))
        children = kb.children(region_id)
        inner = "" if top else prefix + (blank if is_last else through)
        for index, child in enumerate(children):
            visit(child, inner, index == len(children) - 1, False)

    for root in kb.roots():
        visit(root, "", True, True)
    return "\n".join(lines)


def _region_line(label: str, region_id: str, aliases: Sequence[str], count: str = "") -> str:
    also = f"  ({', '.join(aliases)})" if aliases else ""
    return f"{label} [{region_id}]{count}{also}"


def body_map_text(kb: KnowledgeBase, body_map: BodyMap) -> str:
    """A body map's crosswalk: one block per area (code, female-form code, side, view, label), its
    regions and the reason."""
    source = kb.sources.get(body_map.source)
    lines = [f"{body_map.label} ({body_map.id}; {source.citation if source else body_map.source})", ""]
    for area in body_map.areas:
        female = f" (female form: {area.female_code})" if area.female_code else ""
        where = ", ".join(part for part in (area.side, area.view) if part)
        lines.append(f"{area.code}{female}  {area.label}" + (f"  [{where}]" if where else ""))
        targets = ", ".join(kb.regions[r].label for r in area.regions) if area.regions else "(no region: no pain)"
        lines.append(f"    -> {targets}")
        lines.append(f"    {area.reason}")
    return "\n".join(lines)


def regions_json(kb: KnowledgeBase) -> str:
    """JSON array of regions: id, name, parent, laterality, aliases."""
    return json_document(
        [
            {"id": r.id, "name": r.label, "parent": r.parent, "laterality": r.laterality, "aliases": list(r.aliases)}
            for r in kb.regions.values()
        ]
    )
