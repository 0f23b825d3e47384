"""The versioned JSON contract: every ``--json`` document carries ``schema_version`` (semver: additions
bump the minor, changes the major) and the library version, and each command's output has a JSON Schema,
generated from the models (``nmt-referral schema``; committed under ``docs/schema/``).

Extra keys are allowed in every object (the contract only ever adds), so the schemas do not forbid them.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from ..models import (
    BodyMapArea,
    Clinical,
    Contraindication,
    Identifiers,
    Muscle,
    MuscleGroup,
    Posture,
    QueryResult,
    RedFlag,
)
from ..stats import Stats
from .versioning import SCHEMA_VERSION, stamp

__all__ = ["COMMANDS", "SCHEMA_VERSION", "schema_for", "schemas", "stamp", "write_schemas"]


class _Row(BaseModel):
    model_config = ConfigDict(frozen=True)


class MuscleRow(_Row):
    """One row of ``muscles --json``."""

    id: str
    name: str
    aliases: list[str]
    area: str
    trigger_points: list[str]


class RegionRow(_Row):
    """One row of ``regions --json``."""

    id: str
    name: str
    parent: str | None
    laterality: Literal["paired", "midline"]
    aliases: list[str]


class CitedBy(_Row):
    """What cites a source: muscles by their referral patterns, by their clinical notes, and pain-guide
    lists."""

    muscles: list[str]
    clinical: list[str]
    guides: list[str]


class SourceRow(_Row):
    """One source of ``sources --json`` (an array) or ``sources ID --json``."""

    id: str
    citation: str
    kind: str
    year: int | None
    url: str | None
    cited_by: CitedBy


class GroupDocument(_Row):
    """``muscle GROUP --json``: the group and its member muscles."""

    group: MuscleGroup
    muscles: list[Muscle]


class SafetyDocument(_Row):
    """``safety --json``."""

    contraindications: list[Contraindication]
    red_flags: list[RedFlag]


class ErrorDetail(_Row):
    type: str
    message: str
    suggestions: list[str]


class ErrorDocument(_Row):
    """What a command prints on stderr, with ``--json``, when it fails."""

    error: ErrorDetail


COMMANDS: dict[str, tuple[type[BaseModel], bool]] = {
    "where": (QueryResult, False),
    "muscle": (Muscle, False),
    "care": (Clinical, False),
    "group": (GroupDocument, False),
    "flag": (RedFlag, False),
    "flags": (RedFlag, True),
    "source": (SourceRow, False),
    "sources": (SourceRow, True),
    "posture": (Posture, False),
    "postures": (Posture, True),
    "safety": (SafetyDocument, False),
    "stats": (Stats, False),
    "muscles": (MuscleRow, True),
    "regions": (RegionRow, True),
    "body_map": (BodyMapArea, True),
    "error": (ErrorDocument, False),
}
"""Document name -> (model, is an array of it). ``care`` is ``muscle --care``, ``group`` is ``muscle GROUP``,
``postures`` is ``posture``
without a name, ``flags`` is ``flag`` without an id, ``source`` is ``sources ID``,
``body_map`` is ``regions --body-map MAP``,
``error`` is what any command prints on stderr with ``--json`` when it fails."""


def schema_for(name: str) -> dict[str, Any]:
    """The JSON Schema of one document (see ``COMMANDS``).

    Raises:
        KeyError: unknown document name.
    """
    model, is_array = COMMANDS[name]
    schema = _open(model.model_json_schema(mode="serialization"))
    stamped: dict[str, Any] = {
        "schema_version": {"type": "string", "const": SCHEMA_VERSION},
        "nmt_referral_version": {"type": "string"},
    }
    if name == "where":
        stamped["disclaimer"] = {"type": "string"}
    if name == "muscle":  # the muscle's standard identifiers, or null
        stamped["identifiers"] = {
            "anyOf": [_open(Identifiers.model_json_schema(mode="serialization")), {"type": "null"}]
        }
    defs = schema.pop("$defs", {})
    schema["properties"] = {**stamped, **schema.get("properties", {})}
    schema["required"] = sorted({*schema.get("required", []), "schema_version", "nmt_referral_version"})
    document: dict[str, Any] = {"type": "array", "items": schema} if is_array and name != "error" else schema
    result: dict[str, Any] = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"nmt-referral/{name}/{SCHEMA_VERSION}",
        "title": f"nmt-referral {name} --json ({SCHEMA_VERSION})",
        **document,
    }
    if defs:
        result["$defs"] = defs
    return result


def schemas() -> dict[str, dict[str, Any]]:
    """Every document's schema, by name."""
    return {name: schema_for(name) for name in COMMANDS}


def _open(node: Any) -> Any:
    """The schema without ``additionalProperties: false``: the contract allows extra keys."""
    if isinstance(node, dict):
        return {k: _open(v) for k, v in node.items() if not (k == "additionalProperties" and v is False)}
    if isinstance(node, list):
        return [_open(v) for v in node]
    return node


def write_schemas(directory: Path) -> list[Path]:
    """Write ``<name>.schema.json`` for every document into ``directory``; returns the paths written."""
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, schema in schemas().items():
        path = directory / f"{name}.schema.json"
        path.write_text(json.dumps(schema, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        written.append(path)
    return written
