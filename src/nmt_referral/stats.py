"""Coverage report of a knowledge base: counts per body area, zones, sources and gaps."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

from pydantic import Field

from .models import AREAS, CLINICAL_SECTIONS, Record

if TYPE_CHECKING:
    from .knowledge_base import KnowledgeBase

__all__ = ["AreaStats", "Stats", "compute_stats"]

_OPTIONAL_MUSCLE_FIELDS = ("innervation", "actions", "attachments")


class AreaStats(Record):
    """Counts for one body area."""

    area: str
    muscles: int
    trigger_points: int


class Stats(Record):
    """What the knowledge base covers, and what is missing."""

    muscles: int
    trigger_points: int
    regions: int
    conditions: int
    phenomena: int
    sources: int
    red_flags: int
    essential_zones: int
    spillover_zones: int
    areas: tuple[AreaStats, ...]
    patterns_per_source: dict[str, int]
    regions_without_patterns: tuple[str, ...]
    muscles_missing_fields: dict[str, tuple[str, ...]]
    clinical_coverage: dict[str, int] = Field(default_factory=dict)
    contraindications: int = 0
    postures: int = 0
    content_hash: str = ""
    """SHA-256 of the knowledge base's files (see ``KnowledgeBase.content_hash``)."""
    body_maps: dict[str, int] = Field(default_factory=dict)
    """Areas per body-map crosswalk."""
    identifiers: dict[str, int] = Field(default_factory=dict)
    """Records with standard identifiers, by kind (``unmapped`` ones not counted)."""


def compute_stats(kb: KnowledgeBase) -> Stats:
    """Count muscles, trigger points, zones and sources; list regions no pattern uses and muscles
    lacking an optional field (innervation, actions, attachments)."""
    per_source: Counter[str] = Counter()
    used_regions: set[str] = set()
    essential = spillover = 0
    for trp in kb.trigger_points.values():
        per_source.update(trp.pattern.sources)
        essential += len(trp.pattern.essential)
        spillover += len(trp.pattern.spillover)
        used_regions.update(z.region for z in (*trp.pattern.essential, *trp.pattern.spillover))
    covered = set(used_regions)
    for region_id in used_regions:
        covered.update(kb.ancestors(region_id))
    missing = {
        m.id: tuple(f for f in _OPTIONAL_MUSCLE_FIELDS if not getattr(m, f))
        for m in kb.muscles.values()
        if any(not getattr(m, f) for f in _OPTIONAL_MUSCLE_FIELDS)
    }
    areas = tuple(
        AreaStats(
            area=area,
            muscles=sum(1 for m in kb.muscles.values() if m.area == area),
            trigger_points=sum(len(m.trigger_points) for m in kb.muscles.values() if m.area == area),
        )
        for area in AREAS
    )
    return Stats(
        muscles=len(kb.muscles),
        trigger_points=len(kb.trigger_points),
        regions=len(kb.regions),
        conditions=len(kb.conditions),
        phenomena=len(kb.phenomena),
        sources=len(kb.sources),
        red_flags=len(kb.red_flags),
        essential_zones=essential,
        spillover_zones=spillover,
        areas=areas,
        patterns_per_source=dict(sorted(per_source.items(), key=lambda kv: (-kv[1], kv[0]))),
        regions_without_patterns=tuple(r for r in kb.regions if r not in covered),
        muscles_missing_fields=missing,
        clinical_coverage={key: sum(1 for c in kb.clinical.values() if getattr(c, key)) for key in CLINICAL_SECTIONS},
        contraindications=len(kb.contraindications),
        postures=len(kb.postures),
        content_hash=kb.content_hash,
        body_maps={map_id: len(body_map.areas) for map_id, body_map in kb.body_maps.items()},
        identifiers={
            kind: sum(1 for ids in table.values() if ids.unmapped is None) for kind, table in kb.identifiers.items()
        },
    )


def stats_text(stats: Stats) -> str:
    """Readable coverage report."""
    lines = [
        f"muscles {stats.muscles}, trigger points {stats.trigger_points}, regions {stats.regions}, "
        f"condition terms {stats.conditions}, phenomena {stats.phenomena}, sources {stats.sources}, "
        f"red flags {stats.red_flags}",
        f"zones: {stats.essential_zones} essential, {stats.spillover_zones} spillover",
        "",
        "area                  muscles  TrPs",
    ]
    lines += [f"{a.area:<20}  {a.muscles:7d}  {a.trigger_points:4d}" for a in stats.areas]
    lines += ["", "patterns citing each source:"]
    lines += [f"  {count:4d}  {source}" for source, count in stats.patterns_per_source.items()]
    lines += ["", f"muscles with clinical notes, by kind (of {stats.muscles}):"]
    lines += [f"  {count:4d}  {key.replace('_', ' ')}" for key, count in stats.clinical_coverage.items()]
    lines += [f"general contraindications {stats.contraindications}, postural patterns {stats.postures}"]
    if stats.body_maps:
        lines.append("body maps: " + ", ".join(f"{name} ({count} areas)" for name, count in stats.body_maps.items()))
    if stats.identifiers:
        lines.append("with standard identifiers: " + ", ".join(f"{k} {v}" for k, v in stats.identifiers.items()))
    lines.append(f"data sha256: {stats.content_hash}")
    if stats.regions_without_patterns:
        lines += ["", f"regions no pattern refers to ({len(stats.regions_without_patterns)}):"]
        lines.append("  " + ", ".join(stats.regions_without_patterns))
    if stats.muscles_missing_fields:
        lines += ["", f"muscles missing a field ({len(stats.muscles_missing_fields)}):"]
        lines += [f"  {mid}: {', '.join(fields)}" for mid, fields in stats.muscles_missing_fields.items()]
    return "\n".join(lines)
