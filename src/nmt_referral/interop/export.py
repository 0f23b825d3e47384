"""The whole knowledge base as flat tables (JSON or CSV), with a manifest, for analysis in pandas or R
or for import into other software.

One row per record (or per link: a zone, a phenomenon of a pattern, a region of a body-map area); lists
inside a cell are joined with ``"; "`` in CSV and kept as arrays in JSON. The manifest names the library
version, the data's content hash and every table with its columns and row count.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from ..files import write_atomically
from .versioning import SCHEMA_VERSION

if TYPE_CHECKING:
    from ..knowledge_base import KnowledgeBase
    from ..models import Identifiers

__all__ = ["EXPORT_FORMAT_VERSION", "ExportFormat", "export", "tables"]

ExportFormat = Literal["json", "csv"]
EXPORT_FORMAT_VERSION = "1.0.0"
"""Version of the tables' shape (semver: added columns or tables bump the minor)."""

Row = dict[str, Any]
LIST_SEPARATOR = "; "


def _ids(ids: Identifiers | None, *fields: str) -> Row:
    row: Row = {}
    for name in fields:
        value = getattr(ids, name) if ids is not None and not (name == "relation" and ids.unmapped) else None
        row[name] = list(value) if isinstance(value, tuple) else value  # no ids: no relation either
    return row


def _muscles(kb: KnowledgeBase) -> list[Row]:
    table = kb.identifiers.get("muscles", {})
    return [
        {
            "id": m.id,
            "name": m.name,
            "aliases": list(m.aliases),
            "area": m.area,
            "innervation": m.innervation,
            "trigger_points": len(m.trigger_points),
            **_ids(table.get(m.id), "uberon", "fma", "relation", "unmapped"),
        }
        for m in kb.muscles.values()
    ]


def _trigger_points(kb: KnowledgeBase) -> list[Row]:
    return [
        {
            "id": trp.id,
            "muscle": trp.muscle,
            "name": trp.name,
            "part": trp.part,
            "location": trp.location,
            "side": trp.pattern.side,
            "body_side": trp.pattern.body_side,
            "phenomena": list(trp.pattern.phenomena),
            "sources": list(trp.pattern.sources),
            "notes": trp.pattern.notes,
        }
        for trp in kb.trigger_points.values()
    ]


def _zones(kb: KnowledgeBase) -> list[Row]:
    return [
        {
            "muscle": trp.muscle,
            "trigger_point": trp.id,
            "zone": kind,
            "region": zone.region,
            "side": zone.side or trp.pattern.side,
        }
        for trp in kb.trigger_points.values()
        for kind in ("essential", "spillover")
        for zone in getattr(trp.pattern, kind)
    ]


def _regions(kb: KnowledgeBase) -> list[Row]:
    table = kb.identifiers.get("regions", {})
    return [
        {
            "id": r.id,
            "label": r.label,
            "parent": r.parent,
            "laterality": r.laterality,
            "aliases": list(r.aliases),
            "adjacent": list(kb.adjacent(r.id)),
            **_ids(table.get(r.id), "uberon", "fma"),
        }
        for r in kb.regions.values()
    ]


def _conditions(kb: KnowledgeBase) -> list[Row]:
    table = kb.identifiers.get("conditions", {})
    return [
        {
            "id": c.id,
            "label": c.label,
            "aliases": list(c.aliases),
            "regions": list(c.regions),
            "phenomena": list(c.phenomena),
            **_ids(table.get(c.id), "icd11", "icd10cm", "hpo", "hpo_label", "unmapped"),
        }
        for c in kb.conditions.values()
    ]


def _phenomena(kb: KnowledgeBase) -> list[Row]:
    table = kb.identifiers.get("phenomena", {})
    return [
        {
            "id": p.id,
            "label": p.label,
            "kind": p.kind,
            "aliases": list(p.aliases),
            **_ids(table.get(p.id), "hpo", "hpo_label", "unmapped"),
        }
        for p in kb.phenomena.values()
    ]


def _sources(kb: KnowledgeBase) -> list[Row]:
    return [
        {"id": s.id, "citation": s.citation, "kind": s.kind, "year": s.year, "url": s.url} for s in kb.sources.values()
    ]


def _red_flags(kb: KnowledgeBase) -> list[Row]:
    return [
        {
            "id": f.id,
            "label": f.label,
            "summary": f.summary,
            "regions": list(f.regions),
            "conditions": list(f.conditions),
            "side": f.side,
        }
        for f in kb.red_flags.values()
    ]


def _body_maps(kb: KnowledgeBase) -> list[Row]:
    """The crosswalks: one row per (area, region); a "no pain" box is one row without a region."""
    rows = []
    for body_map in kb.body_maps.values():
        for area in body_map.areas:
            for region in area.regions or (None,):
                rows.append(
                    {
                        "body_map": body_map.id,
                        "code": area.code,
                        "female_code": area.female_code,
                        "label": area.label,
                        "view": area.view,
                        "side": area.side,
                        "group": area.group,
                        "excluded_from_generalized": area.excluded_from_generalized,
                        "no_pain": area.no_pain,
                        "region": region,
                        "reason": area.reason,
                    }
                )
    return rows


_TABLES: dict[str, tuple[Callable[[KnowledgeBase], list[Row]], str]] = {
    "muscles": (_muscles, "one row per muscle, with its UBERON/FMA ids"),
    "trigger_points": (_trigger_points, "one row per trigger point: its muscle, location, pattern side and sources"),
    "zones": (_zones, "one row per referral zone: trigger point, essential or spillover, region, side"),
    "regions": (_regions, "the region vocabulary: parent, laterality, adjacent regions, UBERON id"),
    "conditions": (_conditions, "condition terms: regions and phenomena, ICD-11, ICD-10-CM and HPO codes"),
    "phenomena": (_phenomena, "phenomena besides pain, with HPO ids and labels"),
    "red_flags": (_red_flags, "red flags: where they are raised"),
    "sources": (_sources, "the bibliography"),
    "body_maps": (_body_maps, "the body-map crosswalks: one row per (map, area, region), with the reason"),
}


def tables(kb: KnowledgeBase) -> dict[str, list[Row]]:
    """Every table of the export, by name (rows as plain dicts, lists kept as lists)."""
    return {name: build(kb) for name, (build, _about) in _TABLES.items()}


def export(kb: KnowledgeBase, directory: Path, fmt: ExportFormat) -> list[Path]:
    """Write the tables (``<name>.json`` or ``<name>.csv``) and ``manifest.json`` into ``directory``
    (created if missing; our files in it replaced, each whole or not at all). Returns the paths written."""
    from .. import __version__

    directory.mkdir(parents=True, exist_ok=True)
    written = []
    manifest_tables = {}
    for name, rows in tables(kb).items():
        columns = list(rows[0]) if rows else []
        path = directory / f"{name}.{fmt}"
        write_atomically(path, _json(rows) if fmt == "json" else _csv(rows, columns))
        written.append(path)
        manifest_tables[name] = {"file": path.name, "rows": len(rows), "columns": columns, "about": _TABLES[name][1]}
    manifest = {
        "nmt_referral_version": __version__,
        "schema_version": SCHEMA_VERSION,
        "export_format_version": EXPORT_FORMAT_VERSION,
        "format": fmt,
        "data_sha256": kb.content_hash,
        "list_separator": LIST_SEPARATOR if fmt == "csv" else None,
        "tables": manifest_tables,
        "ontologies": [  # the releases behind the identifiers (HPO: its version, labels unaltered)
            {"id": s.id, "citation": s.citation, "url": s.url} for s in kb.sources.values() if s.kind == "dataset"
        ],
    }
    path = directory / "manifest.json"
    write_atomically(path, _json(manifest))
    written.append(path)
    return written


def _json(value: Any) -> bytes:
    return (json.dumps(value, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def _csv(rows: list[Row], columns: list[str]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_cell(row[column]) for column in columns])
    return buffer.getvalue().encode("utf-8")


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return LIST_SEPARATOR.join(str(item) for item in value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
