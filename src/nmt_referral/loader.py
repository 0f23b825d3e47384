"""Read a knowledge-base directory into validated models, reporting every problem as ``file:line``.

The result is either a complete :class:`~nmt_referral.knowledge_base.KnowledgeBase` or a
:class:`~nmt_referral.errors.KnowledgeBaseError` listing every problem found: never a half-loaded one.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from .errors import KnowledgeBaseError, Problem
from .listing import (
    ENV_VAR,
    Listing,
    content_hash,
    data_dir_from_env,
    list_files,
    packaged_data_dir,
    read_sources,
)
from .models import (
    CLINICAL_SECTIONS,
    BodyMap,
    BodyMapFile,
    Clinical,
    Condition,
    Contraindication,
    Guide,
    Identifiers,
    IdentifiersFile,
    Muscle,
    MuscleGroup,
    MuscleSpec,
    Patch,
    PatternFile,
    Phenomenon,
    Posture,
    RedFlag,
    ReferralPattern,
    Region,
    Source,
    TriggerPoint,
)
from .text import normalise

__all__ = [
    "ENV_VAR",
    "KnowledgeBaseParts",
    "Listing",
    "content_hash",
    "data_dir_from_env",
    "list_files",
    "packaged_data_dir",
    "read_parts",
    "read_sources",
]

MAX_REGION_DEPTH = 32
"""Deepest region tree accepted (the packaged one is 5 levels deep); keeps every tree walk short."""
_M = TypeVar("_M", bound=BaseModel)
_SINGULAR = {
    "regions": "region",
    "conditions": "condition",
    "phenomena": "phenomenon",
    "muscles": "muscle",
    "sources": "source",
    "red_flags": "red flag",
    "guides": "guide",
    "contraindications": "contraindication",
    "postures": "posture",
    "groups": "muscle group",
}


_RECORD_MODELS: dict[str, type[BaseModel]] = {
    "sources": Source,
    "phenomena": Phenomenon,
    "regions": Region,
    "conditions": Condition,
    "red_flags": RedFlag,
    "guides": Guide,
    "contraindications": Contraindication,
    "postures": Posture,
    "groups": MuscleGroup,
}
"""The record model of each vocabulary (files hold ``<vocabulary>: [records]``)."""


@dataclass
class KnowledgeBaseParts:
    """Everything read from a directory, validated and cross-checked."""

    root: str
    sources: dict[str, Source] = field(default_factory=dict)
    phenomena: dict[str, Phenomenon] = field(default_factory=dict)
    regions: dict[str, Region] = field(default_factory=dict)
    conditions: dict[str, Condition] = field(default_factory=dict)
    red_flags: dict[str, RedFlag] = field(default_factory=dict)
    guides: dict[str, Guide] = field(default_factory=dict)
    muscles: dict[str, Muscle] = field(default_factory=dict)
    clinical: dict[str, Clinical] = field(default_factory=dict)
    contraindications: dict[str, Contraindication] = field(default_factory=dict)
    postures: dict[str, Posture] = field(default_factory=dict)
    groups: dict[str, MuscleGroup] = field(default_factory=dict)
    body_maps: dict[str, BodyMap] = field(default_factory=dict)
    identifiers: dict[str, dict[str, Identifiers]] = field(default_factory=dict)
    content_hash: str = ""
    patches: int = 0
    shadowed: tuple[str, ...] = ()
    overlays: tuple[str, ...] = ()
    files: tuple[Path, ...] = ()
    skipped: tuple[str, ...] = ()


@dataclass
class _Located:
    """Where a record was read: file (as shown in messages) and line."""

    path: str
    line: int


class _Reader:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.problems: list[Problem] = []
        self.where: dict[tuple[str, str], _Located] = {}
        self.failed: dict[tuple[str, str], _Located] = {}  # (kind, id) of records that failed validation
        self.consequences: dict[tuple[str, str], int] = {}  # references to them, not reported one by one

    def problem(self, path: str, line: int, message: str) -> None:
        self.problems.append(Problem(path, line, message))

    def read(self, path: Path, model: type[_M], raw: bytes | Exception | None = None) -> tuple[_M | None, Any]:
        """Parse and validate one file as ``model``; problems are recorded, None returned."""
        document = self.read_document(path, raw)
        if document is None:
            return None, None
        return self.validate(str(path), document, model, document.data, ()), document

    def read_document(self, path: Path, raw: bytes | Exception | None = None) -> Any:
        """The parsed YAML document of a file whose top level is a mapping, or None (problem recorded)."""
        from .files import FileProblem
        from .yaml_reader import read_yaml

        shown = str(path)
        try:
            if isinstance(raw, Exception):
                raise raw
            document = read_yaml(path, raw)
        except FileProblem as exc:
            self.problem(shown, exc.line, exc.message)
            return None
        except OSError as exc:
            self.problem(shown, 0, f"cannot read file: {exc.strerror or exc}")
            return None
        if document.data is None:
            self.problem(shown, 1, "file is empty")
            return None
        if not isinstance(document.data, dict):
            kind = type(document.data).__name__
            self.problem(shown, 1, f"expected a mapping at the top of the file, found a {kind}")
            return None
        return document

    def validate(
        self, shown: str, document: Any, model: type[_M], data: Any, prefix: tuple[str | int, ...]
    ) -> _M | None:
        """``model.model_validate(data)``, or None with every error recorded at its line (``prefix``:
        where ``data`` sits in the document)."""
        try:
            return model.model_validate(data)
        except ValidationError as exc:
            errors = exc.errors(include_url=False)
            for error in errors:
                loc = tuple(part for part in error["loc"] if isinstance(part, str | int))
                if error["type"] == "too_short" and any(
                    len(other["loc"]) > len(error["loc"]) and other["loc"][: len(loc)] == error["loc"]
                    for other in errors
                ):
                    continue  # "needs at least 1 item" only because its items failed: already said
                loc = (*prefix, *_strip_union_tags(loc, data))
                where = ".".join(str(part) for part in loc)
                message = error["msg"]
                if error["type"] == "extra_forbidden":
                    message = f"unknown key {loc[-1]!r}" if loc else message
                elif where:
                    message = f"{where}: {message}"
                self.problem(shown, document.line_of(loc), message)
            return None


def _strip_union_tags(loc: tuple[str | int, ...], data: Any) -> tuple[str | int, ...]:
    """Drop pydantic's union-member tags from an error location, keeping the data path."""
    kept: list[str | int] = []
    node = data
    for part in loc:
        in_dict = isinstance(node, dict) and isinstance(part, str) and part in node
        in_list = isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)
        if in_dict or in_list:
            node = node[part]
            kept.append(part)
        elif isinstance(node, dict | list):
            if isinstance(part, str) and part[:1].islower() and "[" not in part and node is not data:
                kept.append(part)  # a missing or unknown key: name it
            continue
    return tuple(kept)


def read_parts(
    root: Path,
    overlays: Sequence[Path] = (),
    listing: Listing | None = None,
    contents: dict[str, bytes | Exception] | None = None,
) -> KnowledgeBaseParts:
    """Read and validate the knowledge base in ``root`` (plus overlay directories, later ones winning).

    ``listing`` and ``contents`` (from :func:`list_files` and :func:`read_sources`) let a caller parse
    exactly the bytes it has already hashed; by default they are listed and read here.

    Raises:
        KnowledgeBaseError: with every problem found.
    """
    reader = _Reader(root)
    if listing is None:
        listing = list_files(root, overlays)
    files = listing.files
    reader.problems.extend(listing.problems)
    if contents is None:
        contents = read_sources(files)
    parts = KnowledgeBaseParts(
        root=str(root),
        files=tuple(files[k] for k in sorted(files)),
        skipped=listing.skipped,
        content_hash=content_hash(contents),
        shadowed=listing.shadowed,
        overlays=tuple(str(o) for o in overlays),
    )
    if "sources.yaml" not in files and not any(k.startswith("sources/") for k in files):
        reader.problem(str(root), 0, "missing sources.yaml (the bibliography every pattern cites)")

    for name, model in _RECORD_MODELS.items():
        for rel in sorted(k for k in files if k == f"{name}.yaml" or k.startswith(f"{name}/")):
            _read_vocabulary(reader, parts, files[rel], name, model, contents.get(rel))

    specs: dict[str, tuple[MuscleSpec, _Located, Any]] = {}
    unreadable: set[str] = set()  # muscle ids whose file failed: no consequential problems for them
    for rel in sorted(k for k in files if k.startswith("muscles/")):
        path = files[rel]
        spec, document = reader.read(path, MuscleSpec, contents.get(rel))
        if spec is None:
            unreadable.add(path.stem)
            continue
        if spec.id != path.stem:
            reader.problem(
                str(path), document.line_of(("id",)), f"id {spec.id!r} must equal the file name {path.stem!r}"
            )
            continue
        specs[spec.id] = (spec, _Located(str(path), 1), document)

    pattern_files: dict[str, tuple[PatternFile, Path, Any]] = {}
    for rel in sorted(k for k in files if k.startswith("patterns/")):
        path = files[rel]
        pattern_file, document = reader.read(path, PatternFile, contents.get(rel))
        if pattern_file is None:
            unreadable.add(path.stem)
            continue
        if pattern_file.muscle != path.stem:
            reader.problem(
                str(path),
                document.line_of(("muscle",)),
                f"muscle {pattern_file.muscle!r} must equal the file name {path.stem!r}",
            )
            continue
        pattern_files[pattern_file.muscle] = (pattern_file, path, document)

    clinical_files: list[tuple[Clinical, Path, Any]] = []
    body_map_files: list[tuple[BodyMap, Path, Any]] = []
    for rel in sorted(k for k in files if k.startswith("clinical/")):
        path = files[rel]
        clinical, document = reader.read(path, Clinical, contents.get(rel))
        if clinical is None:
            continue
        if clinical.muscle != path.stem:
            at = document.line_of(("muscle",))
            reader.problem(str(path), at, f"muscle {clinical.muscle!r} must equal the file name {path.stem!r}")
            continue
        clinical_files.append((clinical, path, document))

    for rel in sorted(k for k in files if k.startswith("bodymaps/")):
        path = files[rel]
        body_map_file, document = reader.read(path, BodyMapFile, contents.get(rel))
        if body_map_file is None:
            continue
        if body_map_file.body_map.id != path.stem:
            at = document.line_of(("body_map", "id"))
            reader.problem(str(path), at, f"id {body_map_file.body_map.id!r} must equal the file name {path.stem!r}")
            continue
        body_map_files.append((body_map_file.body_map, path, document))

    identifiers = None
    if "identifiers.yaml" in files:
        identifiers, identifiers_document = reader.read(
            files["identifiers.yaml"], IdentifiersFile, contents.get("identifiers.yaml")
        )

    patches: list[tuple[Patch, _Located]] = []
    for rel in sorted(k for k in files if k.startswith("patches/")):
        patches += _read_patches(reader, files[rel], contents.get(rel))
    parts.patches = _apply_patches(reader, parts, patches, specs, pattern_files)

    tree_ok = _check_regions(reader, parts)
    _check_vocabulary_references(reader, parts)
    _check_body_maps(reader, parts, body_map_files)
    _build_muscles(reader, parts, specs, pattern_files, unreadable)
    _check_clinical(reader, parts, clinical_files, set(specs) | unreadable)
    _check_groups(reader, parts, set(specs) | unreadable)
    if identifiers is not None:
        _check_identifiers(
            reader, parts, identifiers, files["identifiers.yaml"], identifiers_document, set(specs) | unreadable
        )
    if tree_ok:  # the guides' check walks the tree: only a sound, bounded one
        _check_guides(reader, parts, unreadable | set(specs))
    _check_names(reader, parts)
    for (kind, ref), count in reader.consequences.items():
        at = reader.failed[(kind, ref)]
        plural = "s" if count != 1 else ""
        reader.problem(
            at.path, at.line, f"{count} reference{plural} to {kind} {ref!r} not checked: fix its problems above"
        )
    if reader.problems:
        raise KnowledgeBaseError(str(root), reader.problems)
    return parts


def _read_vocabulary(
    reader: _Reader,
    parts: KnowledgeBaseParts,
    path: Path,
    name: str,
    model: type[BaseModel],
    raw: bytes | Exception | None,
) -> None:
    """Read a vocabulary file record by record: one invalid record is reported alone, and the references
    to it are summarised on it instead of each being reported as unknown."""
    document = reader.read_document(path, raw)
    if document is None:
        return
    shown = str(path)
    for key in document.data:
        if key != name:
            reader.problem(shown, document.line_of((key,)), f"unknown key {key!r} (this file holds {name}:)")
    items = document.data.get(name, [])
    if not isinstance(items, list):
        reader.problem(shown, document.line_of((name,)), f"{name}: expected a list")
        return
    for index, item in enumerate(items):
        located = _Located(shown, document.line_of((name, index)))
        record = reader.validate(shown, document, model, item, (name, index))
        if record is None:
            record_id = item.get("id") if isinstance(item, dict) else None
            if isinstance(record_id, str):
                reader.failed.setdefault((_SINGULAR[name], record_id), located)
            continue
        _add(reader, getattr(parts, name), record, name, located)


def _add(reader: _Reader, table: dict[str, Any], record: Any, kind: str, located: _Located) -> None:
    if record.id in table:
        first = reader.where[(kind, record.id)]
        reader.problem(
            located.path,
            located.line,
            f"duplicate {kind} id {record.id!r} (first defined at {first.path}:{first.line})",
        )
        return
    table[record.id] = record
    reader.where[(kind, record.id)] = located


def _check_regions(reader: _Reader, parts: KnowledgeBaseParts) -> bool:
    """Parents exist, no cycle, depth bounded; True when the tree is sound."""
    before = len(reader.problems)
    regions = parts.regions
    for region in regions.values():
        if region.parent is not None and region.parent not in regions:
            at = reader.where[("regions", region.id)]
            reader.problem(
                at.path,
                at.line,
                f"region {region.id!r}: unknown parent {region.parent!r}" + _did_you_mean(region.parent, regions),
            )
    # One walk up from each region, stopping at any region already placed: linear in the number of
    # regions whatever the shape of the tree (a cycle is reported once, a too-deep chain once).
    depth: dict[str, int] = {}
    for start in regions:
        path: list[str] = []
        on_path: dict[str, int] = {}
        current: str | None = start
        while current is not None and current in regions and current not in depth:
            if current in on_path:
                cycle = path[on_path[current] :]
                at = reader.where[("regions", current)]
                reader.problem(at.path, at.line, "cycle in the region tree: " + " -> ".join([*cycle, current]))
                for member in cycle:
                    depth[member] = 0
                path = path[: on_path[current]]
                break
            on_path[current] = len(path)
            path.append(current)
            current = regions[current].parent
        base = depth.get(current, -1) if current is not None else -1
        for member in reversed(path):
            base += 1
            depth[member] = base
            if base == MAX_REGION_DEPTH + 1:
                at = reader.where[("regions", member)]
                reader.problem(
                    at.path,
                    at.line,
                    f"region {member!r} lies {base} levels below the top of the region tree; "
                    f"at most {MAX_REGION_DEPTH} are allowed",
                )
    return len(reader.problems) == before


def _check_vocabulary_references(reader: _Reader, parts: KnowledgeBaseParts) -> None:
    for record in parts.regions.values():
        at = reader.where[("regions", record.id)]
        for other in record.adjacent:
            known = _check_ref(reader, at, f"region {record.id!r} adjacent", "region", other, parts.regions)
            if known and (other in (record.id, record.parent) or parts.regions[other].parent == record.id):
                reader.problem(at.path, at.line, f"region {record.id!r}: adjacent {other!r} is itself, parent or child")
    for condition in parts.conditions.values():
        at = reader.where[("conditions", condition.id)]
        for region in condition.regions:
            _check_ref(reader, at, f"condition {condition.id!r}", "region", region, parts.regions)
        for phenomenon in condition.phenomena:
            _check_ref(reader, at, f"condition {condition.id!r}", "phenomenon", phenomenon, parts.phenomena)
    for flag in parts.red_flags.values():
        at = reader.where[("red_flags", flag.id)]
        for region in flag.regions:
            _check_ref(reader, at, f"red flag {flag.id!r}", "region", region, parts.regions)
        for condition_id in flag.conditions:
            _check_ref(reader, at, f"red flag {flag.id!r}", "condition", condition_id, parts.conditions)
    for guide in parts.guides.values():
        at = reader.where[("guides", guide.id)]
        _check_ref(reader, at, f"guide {guide.id!r}", "source", guide.source, parts.sources)
        for region in guide.regions:
            _check_ref(reader, at, f"guide {guide.id!r}", "region", region, parts.regions)
        for condition_id in guide.conditions:
            _check_ref(reader, at, f"guide {guide.id!r}", "condition", condition_id, parts.conditions)


def _check_clinical(
    reader: _Reader, parts: KnowledgeBaseParts, clinical_files: list[tuple[Clinical, Path, Any]], defined: set[str]
) -> None:
    """Clinical files name a muscle that exists, cite known sources, and name known muscles and phenomena."""
    for clinical, path, document in clinical_files:
        shown = str(path)
        if clinical.muscle not in defined:
            reader.problem(
                shown,
                document.line_of(("muscle",)),
                f"unknown muscle {clinical.muscle!r}: no muscles/{clinical.muscle}.yaml",
            )
            continue
        for key in CLINICAL_SECTIONS:
            for index, item in enumerate(getattr(clinical, key)):
                at = _Located(shown, document.line_of((key, index)))
                for source in item.sources:
                    _check_ref(reader, at, f"{clinical.muscle} {key}", "source", source, parts.sources)
                if key == "satellites" and item.muscle not in defined:
                    reader.problem(at.path, at.line, f"{clinical.muscle} satellites: unknown muscle {item.muscle!r}")
                if key == "entrapments" and item.phenomenon is not None:
                    _check_ref(
                        reader, at, f"{clinical.muscle} entrapments", "phenomenon", item.phenomenon, parts.phenomena
                    )
        parts.clinical[clinical.muscle] = clinical
    for contraindication in parts.contraindications.values():
        at = reader.where[("contraindications", contraindication.id)]
        for source in contraindication.sources:
            _check_ref(reader, at, f"contraindication {contraindication.id!r}", "source", source, parts.sources)
    for posture in parts.postures.values():
        at = reader.where[("postures", posture.id)]
        for source in posture.sources:
            _check_ref(reader, at, f"posture {posture.id!r}", "source", source, parts.sources)
        for muscle_id in (*posture.short, *posture.long, *posture.perpetuates):
            if muscle_id not in defined:
                reader.problem(at.path, at.line, f"posture {posture.id!r}: unknown muscle {muscle_id!r}")


def _check_body_maps(reader: _Reader, parts: KnowledgeBaseParts, files: list[tuple[BodyMap, Path, Any]]) -> None:
    """Every body map cites a source, every area has a unique code (and female code) and maps to real
    regions; only a body map without a problem is kept."""
    for body_map, path, document in files:
        shown = str(path)
        count = len(reader.problems)
        _check_ref(
            reader,
            _Located(shown, document.line_of(("body_map", "source"))),
            body_map.id,
            "source",
            body_map.source,
            parts.sources,
        )
        seen: dict[str, int] = {}
        seen_female: dict[str, int] = {}
        for index, area in enumerate(body_map.areas):
            line = document.line_of(("body_map", "areas", index))
            female = area.code_for("female")  # the female form keeps the codes it does not renumber
            for table, code, what in ((seen, area.code, "code"), (seen_female, female, "female-form code")):
                if code in table:
                    reader.problem(shown, line, f"duplicate {what} {code!r} (first at line {table[code]})")
                table.setdefault(code, line)
            for region in area.regions:
                _check_ref(reader, _Located(shown, line), f"{body_map.id} {area.code}", "region", region, parts.regions)
        if len(reader.problems) == count:
            parts.body_maps[body_map.id] = body_map


def _check_groups(reader: _Reader, parts: KnowledgeBaseParts, muscle_files: set[str]) -> None:
    """Every member of a group is a muscle, every source exists; a group may not take a muscle's name."""
    muscle_names = {normalise(n) for m in parts.muscles.values() for n in (m.id, m.name, *m.aliases)}
    for group in list(parts.groups.values()):
        at = reader.where[("groups", group.id)]
        for member in group.members:
            if member not in muscle_files:
                _check_ref(reader, at, f"group {group.id}", "muscle", member, parts.muscles)
        for source in group.sources:
            _check_ref(reader, at, f"group {group.id}", "source", source, parts.sources)
        for name in (group.id.replace("_", " "), group.label, *group.aliases):
            if normalise(name) in muscle_names:
                reader.problem(at.path, at.line, f"group {group.id}: name {name!r} is already a muscle's name")


def _check_identifiers(
    reader: _Reader,
    parts: KnowledgeBaseParts,
    identifiers: IdentifiersFile,
    path: Path,
    document: Any,
    muscle_files: set[str],
) -> None:
    """Every entry names a record of its kind and carries the identifiers that kind has: UBERON/FMA for
    muscles and regions, HPO (with its label) for phenomena, ICD-11/ICD-10-CM/HPO for conditions."""
    shown = str(path)
    for source in identifiers.sources:
        _check_ref(
            reader, _Located(shown, document.line_of(("sources",))), "identifiers", "source", source, parts.sources
        )
    allowed = {
        "muscles": {"uberon", "fma", "relation", "note", "unmapped"},
        "regions": {"uberon", "fma", "note"},
        "phenomena": {"hpo", "hpo_label", "note", "unmapped"},
        "conditions": {"icd11", "icd10cm", "hpo", "hpo_label", "note", "unmapped"},
    }
    for kind, fields in allowed.items():
        table: dict[str, Identifiers] = getattr(identifiers, kind)
        records: dict[str, Any] = getattr(parts, kind)
        kept: dict[str, Identifiers] = {}
        for record_id, ids in table.items():
            line = document.line_of((kind, record_id))
            if kind == "muscles" and record_id in muscle_files and record_id not in records:
                continue  # its file has problems of its own, reported there
            if record_id not in records and not _check_ref(
                reader, _Located(shown, line), f"{kind}", _SINGULAR[kind], record_id, records
            ):
                continue
            stray = sorted(set(ids.model_fields_set) - fields)
            if stray:
                reader.problem(shown, line, f"{kind} {record_id}: {', '.join(stray)} do not apply to {kind}")
                continue
            if (ids.hpo is None) != (ids.hpo_label is None) and kind == "phenomena":
                reader.problem(shown, line, f"{kind} {record_id}: hpo and hpo_label go together")
                continue
            kept[record_id] = ids
        parts.identifiers[kind] = kept


def _read_patches(reader: _Reader, path: Path, raw: bytes | Exception | None) -> list[tuple[Patch, _Located]]:
    """The patches of one file, each validated on its own: one invalid patch is reported alone and the
    others still apply (and are checked)."""
    document = reader.read_document(path, raw)
    if document is None:
        return []
    shown = str(path)
    for key in document.data:
        if key != "patches":
            reader.problem(shown, document.line_of((key,)), f"unknown key {key!r} (this file holds patches:)")
    items = document.data.get("patches")
    if not isinstance(items, list) or not items:
        reader.problem(shown, document.line_of(("patches",)), "patches: expected a non-empty list")
        return []
    found = []
    for index, item in enumerate(items):
        patch = reader.validate(shown, document, Patch, item, ("patches", index))
        if patch is not None:
            found.append((patch, _Located(shown, document.line_of(("patches", index)))))
    return found


def _apply_patches(
    reader: _Reader,
    parts: KnowledgeBaseParts,
    patches: list[tuple[Patch, _Located]],
    specs: dict[str, tuple[MuscleSpec, _Located, Any]],
    pattern_files: dict[str, tuple[PatternFile, Path, Any]],
) -> int:
    """Apply every patch to the record it names (aliases and notes added; zones added to a trigger
    point's pattern, with their sources). A patch with a problem is reported at its line and skipped.
    Returns how many were applied."""
    tables: dict[str, dict[str, Any]] = {
        "region": parts.regions,
        "condition": parts.conditions,
        "phenomenon": parts.phenomena,
    }
    owner = {trp.id: muscle_id for muscle_id, (spec, _at, _doc) in specs.items() for trp in spec.trigger_points}
    applied = 0
    for patch, at in patches:
        kind, target = patch.target
        if kind in tables:
            if not _check_ref(reader, at, "patch", kind, target, tables[kind]):
                continue
            record = tables[kind][target]
            tables[kind][target] = record.model_copy(
                update={"aliases": (*record.aliases, *patch.aliases), "notes": _joined(record.notes, patch.notes)}
            )
        elif kind == "muscle":
            if not _check_ref(reader, at, "patch", "muscle", target, {k: v for k, v in specs.items()}):
                continue
            spec, located, document = specs[target]
            update = {"aliases": (*spec.aliases, *patch.aliases), "notes": _joined(spec.notes, patch.notes)}
            specs[target] = (spec.model_copy(update=update), located, document)
        else:
            muscle_id = owner.get(target)
            if muscle_id is None or muscle_id not in pattern_files:
                reader.problem(
                    at.path, at.line, f"patch: unknown trigger point {target!r}" + _did_you_mean(target, owner)
                )
                continue
            if not _patch_pattern(reader, parts, patch, at, pattern_files, muscle_id):
                continue
        applied += 1
    return applied


def _patch_pattern(
    reader: _Reader,
    parts: KnowledgeBaseParts,
    patch: Patch,
    at: _Located,
    pattern_files: dict[str, tuple[PatternFile, Path, Any]],
    muscle_id: str,
) -> bool:
    """Add a patch's zones, sources and notes to a trigger point's pattern; False (reported) if it cannot."""
    pattern_file, path, document = pattern_files[muscle_id]
    index = next((i for i, p in enumerate(pattern_file.patterns) if p.trigger_point == patch.trigger_point), None)
    if index is None:
        reader.problem(at.path, at.line, f"patch: trigger point {patch.trigger_point!r} has no pattern to add to")
        return False
    pattern = pattern_file.patterns[index]
    ok = all(_check_ref(reader, at, "patch", "source", source, parts.sources) for source in patch.sources)
    present = {zone.region for zone in (*pattern.essential, *pattern.spillover)}
    for zone in (*patch.essential, *patch.spillover):
        if not _check_ref(reader, at, f"patch of {patch.trigger_point}", "region", zone.region, parts.regions):
            ok = False
        elif zone.region in present:
            reader.problem(at.path, at.line, f"patch: {patch.trigger_point} already has region {zone.region!r}")
            ok = False
        present.add(zone.region)
    if not ok:
        return False
    patched = pattern.model_copy(
        update={
            "essential": (*pattern.essential, *patch.essential),
            "spillover": (*pattern.spillover, *patch.spillover),
            "sources": (*pattern.sources, *(s for s in patch.sources if s not in pattern.sources)),
            "notes": _joined(pattern.notes, patch.notes),
        }
    )
    patterns = (*pattern_file.patterns[:index], patched, *pattern_file.patterns[index + 1 :])
    pattern_files[muscle_id] = (pattern_file.model_copy(update={"patterns": patterns}), path, document)
    return True


def _joined(notes: str | None, added: str | None) -> str | None:
    if not added:
        return notes
    return f"{notes}\n\n{added}" if notes else added


def _check_guides(reader: _Reader, parts: KnowledgeBaseParts, defined: set[str]) -> None:
    """Every muscle a guide lists exists and refers pain to the guide's area or next to it.

    ``defined``: ids of the muscles that have a file (readable or not); one that is defined but was not
    built because of problems of its own is not reported again here."""
    if not parts.guides:
        return
    related = _Related(parts.regions)
    zones: dict[str, set[str]] = {}
    for muscle in parts.muscles.values():
        zones[muscle.id] = {
            zone.region for trp in muscle.trigger_points for zone in (*trp.pattern.essential, *trp.pattern.spillover)
        }
    for guide in parts.guides.values():
        at = reader.where[("guides", guide.id)]
        area = [*guide.regions]
        for condition_id in guide.conditions:
            condition = parts.conditions.get(condition_id)
            area.extend(condition.regions if condition is not None else ())
        near: set[str] = set()
        for region in area:
            near |= related(region)
        seen: set[str] = set()
        for muscle_id in guide.muscles:
            if muscle_id in seen:
                reader.problem(at.path, at.line, f"guide {guide.id!r}: muscle {muscle_id!r} listed twice")
            seen.add(muscle_id)
            if muscle_id not in parts.muscles and muscle_id in defined:
                continue  # its own file has problems, reported there
            if not _check_ref(reader, at, f"guide {guide.id!r}", "muscle", muscle_id, parts.muscles):
                continue
            if near and not zones.get(muscle_id, set()) & near:
                reader.problem(
                    at.path,
                    at.line,
                    f"guide {guide.id!r} lists {muscle_id!r} for {', '.join(area)}, but no zone of "
                    "that muscle lies there, inside, above or next to it",
                )


class _Related:
    """For a region: itself, its ancestors, its descendants, and what is adjacent to it or to one of its
    children (with everything inside that): the regions whose zones count for a query on it. Computed
    on demand, for the regions the guides name only."""

    def __init__(self, regions: dict[str, Region]) -> None:
        self.regions = regions
        self.children: dict[str, list[str]] = {}
        self.adjacent: dict[str, set[str]] = {}
        for region in regions.values():
            if region.parent in regions:
                self.children.setdefault(region.parent, []).append(region.id)
            for other in region.adjacent:
                if other in regions:
                    self.adjacent.setdefault(region.id, set()).add(other)
                    self.adjacent.setdefault(other, set()).add(region.id)
        self.found: dict[str, set[str]] = {}

    def __call__(self, region_id: str) -> set[str]:
        if region_id not in self.regions:
            return set()
        cached = self.found.get(region_id)
        if cached is not None:
            return cached
        near = {region_id}
        parent = self.regions[region_id].parent
        while parent in self.regions and parent not in near:
            near.add(parent)
            parent = self.regions[parent].parent
        self._add_subtree(near, region_id)
        for member in (region_id, *self.children.get(region_id, ())):
            for other in self.adjacent.get(member, ()):
                self._add_subtree(near, other)
        self.found[region_id] = near
        return near

    def _add_subtree(self, into: set[str], top: str) -> None:
        into.add(top)
        stack = list(self.children.get(top, ()))
        while stack:
            current = stack.pop()
            if current not in into:
                into.add(current)
                stack.extend(self.children.get(current, ()))


def _check_ref(reader: _Reader, at: _Located, owner: str, kind: str, ref: str, table: dict[str, Any]) -> bool:
    if ref in table:
        return True
    if (kind, ref) in reader.failed:  # the record exists but is invalid: said once, on the record
        reader.consequences[(kind, ref)] = reader.consequences.get((kind, ref), 0) + 1
        return False
    reader.problem(at.path, at.line, f"{owner}: unknown {kind} {ref!r}" + _did_you_mean(ref, table))
    return False


def _did_you_mean(ref: str, table: Iterable[str]) -> str:
    import difflib

    close = difflib.get_close_matches(ref, list(table), n=3, cutoff=0.6)
    return f" (did you mean {', '.join(close)}?)" if close else ""


def _build_muscles(
    reader: _Reader,
    parts: KnowledgeBaseParts,
    specs: dict[str, tuple[MuscleSpec, _Located, Any]],
    pattern_files: dict[str, tuple[PatternFile, Path, Any]],
    unreadable: set[str],
) -> None:
    trp_owner: dict[str, str] = {}
    for muscle_id, (spec, located, document) in specs.items():
        for index, trp in enumerate(spec.trigger_points):
            line = document.line_of(("trigger_points", index, "id"))
            if not trp.id.startswith(f"{muscle_id}_"):
                reader.problem(located.path, line, f"trigger point id {trp.id!r} must start with {muscle_id + '_'!r}")
            if trp.id in trp_owner:
                reader.problem(
                    located.path, line, f"trigger point id {trp.id!r} is also used by muscle {trp_owner[trp.id]!r}"
                )
            trp_owner[trp.id] = muscle_id

    for muscle_id in sorted(set(pattern_files) - set(specs) - unreadable):
        _pf, path, document = pattern_files[muscle_id]
        reader.problem(
            str(path),
            document.line_of(("muscle",)),
            f"unknown muscle {muscle_id!r}: there is no muscles/{muscle_id}.yaml",
        )

    for muscle_id, (spec, located, _document) in specs.items():
        if muscle_id not in pattern_files:
            if muscle_id in unreadable:
                continue
            reader.problem(located.path, 1, f"muscle {muscle_id!r} has no patterns/{muscle_id}.yaml")
            continue
        pattern_file, path, pdoc = pattern_files[muscle_id]
        own = {trp.id for trp in spec.trigger_points}
        patterns: dict[str, ReferralPattern] = {}
        for index, pattern in enumerate(pattern_file.patterns):
            base = ("patterns", index)
            shown = str(path)
            if pattern.trigger_point not in own:
                reader.problem(
                    shown,
                    pdoc.line_of((*base, "trigger_point")),
                    f"unknown trigger point {pattern.trigger_point!r} of muscle {muscle_id!r}"
                    + _did_you_mean(pattern.trigger_point, own),
                )
                continue
            if pattern.trigger_point in patterns:
                reader.problem(
                    shown,
                    pdoc.line_of((*base, "trigger_point")),
                    f"trigger point {pattern.trigger_point!r} has more than one pattern",
                )
                continue
            patterns[pattern.trigger_point] = pattern
            seen_regions: set[str] = set()
            for zone_kind in ("essential", "spillover"):
                for z_index, zone in enumerate(getattr(pattern, zone_kind)):
                    at = _Located(shown, pdoc.line_of((*base, zone_kind, z_index)))
                    _check_ref(reader, at, f"{pattern.trigger_point} {zone_kind}", "region", zone.region, parts.regions)
                    if zone.region in seen_regions:
                        reader.problem(shown, at.line, f"{pattern.trigger_point}: region {zone.region!r} listed twice")
                    seen_regions.add(zone.region)
            for p_index, phenomenon in enumerate(pattern.phenomena):
                at = _Located(shown, pdoc.line_of((*base, "phenomena", p_index)))
                _check_ref(reader, at, pattern.trigger_point, "phenomenon", phenomenon, parts.phenomena)
            for phenomenon, felt_at in pattern.phenomena_at.items():
                at = _Located(shown, pdoc.line_of((*base, "phenomena_at", phenomenon)))
                for region in felt_at:
                    _check_ref(reader, at, f"{pattern.trigger_point} {phenomenon}", "region", region, parts.regions)
            for s_index, source in enumerate(pattern.sources):
                at = _Located(shown, pdoc.line_of((*base, "sources", s_index)))
                _check_ref(reader, at, pattern.trigger_point, "source", source, parts.sources)
        for trp in spec.trigger_points:
            if trp.id not in patterns and pattern_file.patterns:
                reader.problem(str(path), 1, f"trigger point {trp.id!r} has no referral pattern")
        if reader.problems:
            continue
        trigger_points = tuple(
            TriggerPoint(**trp.model_dump(), muscle=muscle_id, pattern=patterns[trp.id]) for trp in spec.trigger_points
        )
        values = spec.model_dump(exclude={"trigger_points"})
        values["attachments"] = spec.attachments
        parts.muscles[muscle_id] = Muscle.model_construct(**values, trigger_points=trigger_points)
        reader.where[("muscles", muscle_id)] = located


def _check_names(reader: _Reader, parts: KnowledgeBaseParts) -> None:
    """No two records of the location vocabulary (or two muscles) may share a normalised name."""
    for kinds in (("regions", "conditions", "phenomena"), ("muscles",)):
        owners: dict[str, tuple[str, str]] = {}
        for kind in kinds:
            table: dict[str, Any] = getattr(parts, kind)
            for record_id, record in table.items():
                label = getattr(record, "label", None) or record.name
                names = [record_id.replace("_", " "), label, *record.aliases]
                for name in names:
                    key = normalise(name)
                    if not key:
                        continue
                    owner = owners.setdefault(key, (kind, record_id))
                    if owner != (kind, record_id):
                        at = reader.where.get((kind, record_id), _Located(parts.root, 0))
                        reader.problem(
                            at.path,
                            at.line,
                            f"name {name!r} of {_SINGULAR[kind]} {record_id!r} is already used "
                            f"by {_SINGULAR[owner[0]]} {owner[1]!r}",
                        )
