"""The in-memory knowledge base: records by id, the region tree, and the indices queries use."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Literal, NamedTuple

from . import query
from .errors import UnknownMuscleError, UnknownRedFlagError
from .locations import check_limit, check_text, resolve_location, resolve_sites
from .models import (
    BodyMap,
    BodySide,
    Clinical,
    Condition,
    Contraindication,
    Guide,
    Identifiers,
    Muscle,
    MuscleGroup,
    MuscleRef,
    Phenomenon,
    Posture,
    QueryResult,
    RedFlag,
    Region,
    Side,
    Source,
    TriggerPoint,
    assemble,
)

if TYPE_CHECKING:
    from .loader import KnowledgeBaseParts
    from .models import LocationResolution
    from .names import NameIndex

__all__ = ["GUIDE_WEIGHT", "KnowledgeBase", "ZoneHit"]

_IDENTIFIER_TABLES = {"muscle": "muscles", "region": "regions", "condition": "conditions", "phenomenon": "phenomena"}
"""Record kind (as in LocationResolution) -> its table in ``identifiers.yaml``."""

_PACKED_TABLES = ("clinical", "sources", "body_maps")
"""Tables a cached copy keeps packed until first used: a question needs none of them (a warm start
unpickles about 40% fewer records)."""
_PUBLIC_TABLES = (
    "body_maps",
    "groups",
    "muscles",
    "regions",
    "conditions",
    "phenomena",
    "sources",
    "red_flags",
    "guides",
    "trigger_points",
    "clinical",
    "contraindications",
    "postures",
)
GUIDE_WEIGHT = {"book": 3.0, "chapter": 3.0, "article": 2.0, "web": 1.0}
"""Weight of a pain guide's order in the likelihood, by the kind of its source."""
LocationTarget = tuple[str, str]  # (kind, id) with kind in region | condition | phenomenon


class ZoneHit(NamedTuple):
    """One zone of one trigger point's pattern, as stored in the region index."""

    muscle: str
    trigger_point: str
    zone: str  # "essential" | "spillover"
    side: Side
    body_side: BodySide | None
    region: str


class KnowledgeBase:
    """A loaded, validated knowledge base. Obtain one with :func:`nmt_referral.load`.

    Records are reachable by id through read-only mappings (``muscles``, ``regions``, ...). Queries:
    :meth:`where` (reverse: pain locations -> ranked muscles) and :meth:`muscle` (forward lookup).
    """

    def __init__(self, parts: KnowledgeBaseParts) -> None:
        self.root = parts.root
        self.skipped_files: tuple[str, ...] = parts.skipped
        self.content_hash: str = parts.content_hash
        self.overlays: tuple[str, ...] = parts.overlays
        """The overlay directories layered over ``root``, in order."""
        self.shadowed_files: tuple[str, ...] = parts.shadowed
        """``<overlay file> replaces <file>`` for each file an overlay replaces whole."""
        self.patches_applied: int = parts.patches
        """How many patches (``patches/*.yaml``) were applied."""
        """SHA-256 of the data read (every file by relative path, overlays applied): which data answered."""
        """Hidden, lock and backup files in the knowledge-base folders that were not read."""
        self.muscles: Mapping[str, Muscle] = MappingProxyType(dict(sorted(parts.muscles.items())))
        self.regions: Mapping[str, Region] = MappingProxyType(dict(parts.regions))
        self.conditions: Mapping[str, Condition] = MappingProxyType(dict(parts.conditions))
        self.phenomena: Mapping[str, Phenomenon] = MappingProxyType(dict(parts.phenomena))
        self.sources: Mapping[str, Source] = MappingProxyType(dict(parts.sources))
        self.red_flags: Mapping[str, RedFlag] = MappingProxyType(dict(parts.red_flags))
        self.guides: Mapping[str, Guide] = MappingProxyType(dict(parts.guides))
        self.clinical: Mapping[str, Clinical] = MappingProxyType(dict(sorted(parts.clinical.items())))
        self.contraindications: Mapping[str, Contraindication] = MappingProxyType(dict(parts.contraindications))
        self.postures: Mapping[str, Posture] = MappingProxyType(dict(parts.postures))
        self.groups: Mapping[str, MuscleGroup] = MappingProxyType(dict(parts.groups))
        self.body_maps: Mapping[str, BodyMap] = MappingProxyType(dict(sorted(parts.body_maps.items())))
        self._guide_weights = {
            guide.id: GUIDE_WEIGHT[parts.sources[guide.source].kind] for guide in parts.guides.values()
        }
        """Each pain guide's weight by its source's kind: a ranking needs no source record."""
        self._cautions = {
            muscle_id: tuple(site.site for site in clinical.endangerment_sites)
            for muscle_id, clinical in parts.clinical.items()
            if clinical.endangerment_sites
        }
        self._identifiers = {kind: dict(table) for kind, table in parts.identifiers.items()}
        by_anatomy: dict[str, list[str]] = {}
        for muscle_id, ids in parts.identifiers.get("muscles", {}).items():
            for value in (ids.uberon, ids.fma):
                for one in value if isinstance(value, tuple) else (value,) if value else ():
                    by_anatomy.setdefault(one.upper(), []).append(muscle_id)
        self._muscles_by_ontology_id = {key: tuple(value) for key, value in by_anatomy.items()}

        children: dict[str, list[str]] = {region_id: [] for region_id in self.regions}
        for region in self.regions.values():
            if region.parent is not None:
                children[region.parent].append(region.id)
        self._children = {key: tuple(value) for key, value in children.items()}
        self._ancestors: dict[str, tuple[str, ...]] = {}
        for region_id in self.regions:
            chain: list[str] = []
            parent = self.regions[region_id].parent
            while parent is not None:
                chain.append(parent)
                parent = self.regions[parent].parent
            self._ancestors[region_id] = tuple(chain)
        adjacent: dict[str, set[str]] = {region_id: set() for region_id in self.regions}
        for region in self.regions.values():
            for other in region.adjacent:
                adjacent[region.id].add(other)
                adjacent[other].add(region.id)
        self._adjacent = {key: tuple(sorted(value)) for key, value in adjacent.items()}

        zone_index: dict[str, list[ZoneHit]] = {}
        symptom_index: dict[str, list[tuple[str, str]]] = {}
        felt_at: dict[tuple[str, str], set[str]] = {}
        for muscle in self.muscles.values():
            for trp in muscle.trigger_points:
                pattern = trp.pattern
                for zone_kind in ("essential", "spillover"):
                    for zone in getattr(pattern, zone_kind):
                        hit = ZoneHit(
                            muscle.id, trp.id, zone_kind, zone.side or pattern.side, pattern.body_side, zone.region
                        )
                        zone_index.setdefault(zone.region, []).append(hit)
                for phenomenon in pattern.phenomena:
                    symptom_index.setdefault(phenomenon, []).append((muscle.id, trp.id))
                    for felt in pattern.phenomena_at.get(phenomenon, ()):
                        felt_at.setdefault((trp.id, phenomenon), set()).add(felt)
        self._zone_index = {key: tuple(value) for key, value in zone_index.items()}
        self._symptom_index = {key: tuple(value) for key, value in symptom_index.items()}
        self._felt_at = {key: frozenset(value) for key, value in felt_at.items()}
        self._near: dict[str, frozenset[str]] = {}
        self.trigger_points: Mapping[str, TriggerPoint] = MappingProxyType(
            {trp.id: trp for m in self.muscles.values() for trp in m.trigger_points}
        )
        self._region_hits: dict[str, tuple[tuple[ZoneHit, str], ...]] = {}
        self._guide_ranks: dict[str, tuple[dict[str, float], tuple[tuple[str, str, int], ...]]] = {}
        self._red_flag_regions: dict[str, frozenset[str]] = {}
        self._red_flags_at: dict[str, tuple[str, ...]] = {}
        self._location_names: NameIndex[LocationTarget] | None = None
        self._muscle_names: NameIndex[str] | None = None
        self._place_words: frozenset[str] | None = None
        self._symptom_names: tuple[str, ...] | None = None
        self._muscle_refs: dict[str, MuscleRef] = {}
        self._query_rows: dict[tuple[str, str | None], tuple[tuple[str, list[Any], int], ...]] = {}  # see query.py
        self._guide_rows: dict[str, dict[str, tuple[tuple[dict[str, Any], dict[str, Any]], ...]]] = {}  # query.py
        self._single_rankings: dict[tuple[str, str | None], list[Any]] = {}  # see query.py
        self._posture_hits: dict[tuple[str, ...], tuple[Any, ...]] = {}  # see query._postures

    @property
    def identifiers(self) -> Mapping[str, Mapping[str, Identifiers]]:
        """Standard identifiers by kind (``muscles``, ``phenomena``, ``conditions``, ``regions``), then
        record id: UBERON/FMA for anatomy, HPO for phenomena, ICD-11/ICD-10-CM (and HPO) for conditions."""
        return MappingProxyType({kind: MappingProxyType(table) for kind, table in self._identifiers.items()})

    def identifiers_of(self, kind: str, record_id: str) -> Identifiers | None:
        """The standard identifiers of one record (``kind``: muscle, region, condition, phenomenon), or
        None; also None for a record marked ``unmapped``."""
        found = self._identifiers.get(_IDENTIFIER_TABLES.get(kind, kind), {}).get(record_id)
        return None if found is None or found.unmapped else found

    def __getstate__(self) -> dict[str, object]:
        state = {k: dict(v) if isinstance(v, MappingProxyType) else v for k, v in self.__dict__.items()}
        state["_muscle_refs"] = {}  # cheap to rebuild, not worth a bigger cache file
        state["_query_rows"] = {}
        state["_guide_rows"] = {}
        state["_single_rankings"] = {}
        state["_posture_hits"] = {}
        state["_near"] = {}
        for memo in ("_region_hits", "_guide_ranks", "_red_flags_at"):
            state[memo] = {}  # built for a region when first asked: cheaper than unpickling them all
        import pickle

        packed = dict(self.__dict__.get("_packed", {}))
        for name in _PACKED_TABLES:
            if name in state:
                packed[name] = pickle.dumps(state.pop(name), protocol=pickle.HIGHEST_PROTOCOL)
        state["_packed"] = packed
        return state

    def __setstate__(self, state: dict[str, object]) -> None:
        state.setdefault("_muscle_refs", {})
        state.setdefault("_query_rows", {})
        state.setdefault("_guide_rows", {})
        state.setdefault("_single_rankings", {})
        state.setdefault("_posture_hits", {})
        state.setdefault("_red_flags_at", {})
        state.setdefault("_guide_ranks", {})
        state.setdefault("_place_words", None)
        state.setdefault("_near", {})
        state.setdefault("_symptom_names", None)
        self.__dict__.update(state)
        for name in _PUBLIC_TABLES:
            if name in state:  # a packed table is restored on first use (``__getattr__``)
                setattr(self, name, MappingProxyType(state[name]))  # type: ignore[arg-type]

    if not TYPE_CHECKING:  # for the type checker every table is a plain attribute

        def __getattr__(self, name: str) -> Any:
            packed = self.__dict__.get("_packed", {})
            if name not in _PACKED_TABLES or name not in packed:
                raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")
            from .cache import restricted_loads

            table = MappingProxyType(restricted_loads(packed[name]))
            setattr(self, name, table)
            return table

    def prepare(self) -> None:
        """Build every lazy index now (name tables, region hits), e.g. before caching the object."""
        self.location_names()
        self.muscle_names()
        self.place_words()
        self.symptom_names()
        for region_id in self.regions:
            self.region_hits(region_id)
        for region_id in self.regions:
            self.red_flags_at(region_id)
            self.guide_ranks(region_id)

    def __repr__(self) -> str:
        return (
            f"<KnowledgeBase {self.root!r}: {len(self.muscles)} muscles, "
            f"{len(self.trigger_points)} trigger points, {len(self.regions)} regions>"
        )

    # ------------------------------------------------------------------ region tree

    def children(self, region_id: str) -> tuple[str, ...]:
        """Ids of the regions directly below ``region_id``."""
        return self._children[region_id]

    def ancestors(self, region_id: str) -> tuple[str, ...]:
        """Ids of the regions above ``region_id``, nearest first."""
        return self._ancestors[region_id]

    def descendants(self, region_id: str) -> tuple[str, ...]:
        """Ids of every region below ``region_id`` (depth first, in file order)."""
        found: list[str] = []
        stack = list(reversed(self._children[region_id]))
        while stack:
            current = stack.pop()
            found.append(current)
            stack.extend(reversed(self._children[current]))
        return tuple(found)

    def adjacent(self, region_id: str) -> tuple[str, ...]:
        """Ids of the regions bordering or overlapping ``region_id`` (symmetric), sorted."""
        return self._adjacent[region_id]

    def roots(self) -> tuple[str, ...]:
        """Ids of the top-level regions."""
        return tuple(r.id for r in self.regions.values() if r.parent is None)

    def region_hits(self, region_id: str) -> tuple[tuple[ZoneHit, str], ...]:
        """Every pattern zone relevant to a query on ``region_id``, with its relation.

        ``exact``: the zone is the region; ``within``: the zone lies inside it; ``broader``: the zone is
        recorded on an ancestor (coarser than the query); ``adjacent``: the zone is on a region that
        borders or overlaps it or one of its children (or inside one). Computed once per region.
        """
        cached = self._region_hits.get(region_id)
        if cached is not None:
            return cached
        hits: list[tuple[ZoneHit, str]] = [(hit, "exact") for hit in self._zone_index.get(region_id, ())]
        inner = self.descendants(region_id)
        for child in inner:
            hits.extend((hit, "within") for hit in self._zone_index.get(child, ()))
        for outer in self._ancestors[region_id]:
            hits.extend((hit, "broader") for hit in self._zone_index.get(outer, ()))
        family = {region_id, *inner, *self._ancestors[region_id]}
        neighbours: list[str] = []
        for member in (region_id, *self._children[region_id]):
            for other in self._adjacent[member]:
                neighbours.extend(r for r in (other, *self.descendants(other)) if r not in family)
        for other in dict.fromkeys(neighbours):
            hits.extend((hit, "adjacent") for hit in self._zone_index.get(other, ()))
        result = tuple(hits)
        self._region_hits[region_id] = result
        return result

    def red_flag_regions(self, flag_id: str) -> frozenset[str]:
        """Regions that raise a red flag: its regions and everything inside them (never a broader one)."""
        cached = self._red_flag_regions.get(flag_id)
        if cached is None:
            related: set[str] = set()
            for region_id in self.red_flags[flag_id].regions:
                related.update((region_id, *self.descendants(region_id)))
            cached = self._red_flag_regions[flag_id] = frozenset(related)
        return cached

    def red_flag(self, flag_id: str) -> RedFlag:
        """The red flag with this id (as ``where`` shows it).

        Raises:
            UnknownRedFlagError: no such id; ``.suggestions`` lists the closest ids.
        """
        import difflib

        key = flag_id.strip().casefold().replace("-", "_").replace(" ", "_") if isinstance(flag_id, str) else ""
        found = self.red_flags.get(key)
        if found is None:
            raise UnknownRedFlagError(
                str(flag_id), difflib.get_close_matches(key, list(self.red_flags), n=5, cutoff=0.4)
            )
        return found

    def red_flags_for_condition(self, condition_id: str) -> tuple[str, ...]:
        """Ids of the red flags written for a condition term (``RedFlag.conditions``)."""
        return tuple(f.id for f in self.red_flags.values() if condition_id in f.conditions)

    def guides_for(self, region_id: str) -> tuple[str, ...]:
        """Ids of the pain guides that speak for a query on ``region_id``.

        The guides listing the region itself; else those listing regions inside it together with those
        of the nearest ancestor that has any ("lower jaw" hears the jaw's guide and the angle's).
        """
        own = tuple(g.id for g in self.guides.values() if region_id in g.regions)
        if own:
            return own
        inner = set(self.descendants(region_id))
        below = [g.id for g in self.guides.values() if inner.intersection(g.regions)]
        for outer in self._ancestors[region_id]:
            above = [g.id for g in self.guides.values() if outer in g.regions]
            if above:
                return tuple(dict.fromkeys([*below, *above]))
        return tuple(below)

    def condition_guides(self, condition_id: str) -> tuple[str, ...]:
        """Ids of the pain guides written for a condition term (``Guide.conditions``)."""
        return tuple(g.id for g in self.guides.values() if condition_id in g.conditions)

    def guide_ranks(self, region_id: str) -> tuple[dict[str, float], tuple[tuple[str, str, int], ...]]:
        """Likelihood of each muscle for a query on ``region_id``, from the pain guides' order.

        Returns ``(likelihood by muscle id, (muscle id, guide id, 1-based rank) rows)``. A muscle's
        likelihood is the mean over the guides that speak for the region of ``1 / rank`` (0 where a
        guide does not list it), each guide weighted by its source's kind (``GUIDE_WEIGHT``: the
        manuals' own pain guides count more than web pages reproducing them); listed first by every
        guide gives 1.0.
        """
        cached = self._guide_ranks.get(region_id)
        if cached is None:
            cached = self._guide_ranks[region_id] = self._likelihood(self.guides_for(region_id))
        return cached

    def condition_guide_ranks(self, condition_id: str) -> tuple[dict[str, float], tuple[tuple[str, str, int], ...]]:
        """As :meth:`guide_ranks`, from the guides written for a condition term."""
        key = f"condition:{condition_id}"
        cached = self._guide_ranks.get(key)
        if cached is None:
            cached = self._guide_ranks[key] = self._likelihood(self.condition_guides(condition_id))
        return cached

    def _likelihood(self, guide_ids: Sequence[str]) -> tuple[dict[str, float], tuple[tuple[str, str, int], ...]]:
        likelihood: dict[str, float] = {}
        rows: list[tuple[str, str, int]] = []
        scale = 0.0
        for guide_id in guide_ids:
            guide = self.guides[guide_id]
            weight = self._guide_weights[guide_id]
            scale += weight
            for position, muscle_id in enumerate(guide.muscles, start=1):
                likelihood[muscle_id] = likelihood.get(muscle_id, 0.0) + weight / position
                rows.append((muscle_id, guide_id, position))
        scale = scale or 1.0
        return {m: round(v / scale, 4) for m, v in likelihood.items()}, tuple(rows)

    def red_flags_at(self, region_id: str) -> tuple[str, ...]:
        """Ids of the red flags a query on ``region_id`` raises (before any side condition)."""
        cached = self._red_flags_at.get(region_id)
        if cached is None:
            cached = tuple(f for f in self.red_flags if region_id in self.red_flag_regions(f))
            self._red_flags_at[region_id] = cached
        return cached

    def near(self, region_id: str) -> frozenset[str]:
        """The regions whose zones count for a query on ``region_id`` (itself, inside, above, adjacent)."""
        found = self._near.get(region_id)
        if found is None:
            found = frozenset(hit.region for hit, _relation in self.region_hits(region_id)) | {
                region_id,
                *self.descendants(region_id),
                *self._ancestors[region_id],
                *(other for member in (region_id, *self._children[region_id]) for other in self._adjacent[member]),
            }
            self._near[region_id] = found
        return found

    def felt_at(self, trigger_point_id: str, phenomenon_id: str) -> frozenset[str]:
        """Regions where a trigger point's phenomenon is felt outside its zones (``phenomena_at``)."""
        return self._felt_at.get((trigger_point_id, phenomenon_id), frozenset())

    def symptom_hits(self, phenomenon_id: str) -> tuple[tuple[str, str], ...]:
        """(muscle id, trigger point id) pairs whose pattern lists the phenomenon."""
        return self._symptom_index.get(phenomenon_id, ())

    def label(self, kind: str, record_id: str) -> str:
        """Display label of a region, condition or phenomenon (``kind`` as in LocationResolution)."""
        if kind == "region":
            return self.regions[record_id].label
        if kind == "condition":
            return self.conditions[record_id].label
        return self.phenomena[record_id].label

    # ------------------------------------------------------------------ name tables

    def location_names(self) -> NameIndex[LocationTarget]:
        """Name table of regions, conditions and phenomena (built on first use)."""
        if self._location_names is None:
            from .names import NameIndex

            entries: list[tuple[str, LocationTarget]] = []
            tables: Sequence[tuple[str, Mapping[str, Region] | Mapping[str, Condition] | Mapping[str, Phenomenon]]] = (
                ("region", self.regions),
                ("condition", self.conditions),
                ("phenomenon", self.phenomena),
            )
            for kind, table in tables:
                for record in table.values():
                    target = (kind, record.id)
                    entries.append((record.label, target))
                    entries.append((record.id.replace("_", " "), target))
                    entries.extend((alias, target) for alias in record.aliases)
            self._location_names = NameIndex(entries)
        return self._location_names

    def symptom_names(self) -> tuple[str, ...]:
        """Complaint words the phrase grammar takes out of a phrase: every phenomenon's label and
        aliases, and condition names of two or more words none of which names a region by itself
        ("menstrual cramps", "like a heart attack"; not "tennis elbow")."""
        if self._symptom_names is None:
            from .text import normalise

            regions = self.location_names()
            names = [name for p in self.phenomena.values() for name in (p.label, *p.aliases) if len(name) > 2]
            for condition in self.conditions.values():
                for name in (condition.label, *condition.aliases):
                    words = normalise(name).split()
                    if len(words) > 1 and not any(
                        (hit := regions.exact(word)) is not None and hit.target[0] == "region" for word in words
                    ):
                        names.append(name)
            self._symptom_names = tuple(names)
        return self._symptom_names

    def place_words(self) -> frozenset[str]:
        """Every word of every normalised region name: the words a fuzzy match may not drop."""
        if self._place_words is None:
            from .text import normalise

            words: set[str] = set()
            for region in self.regions.values():
                for name in (region.label, region.id.replace("_", " "), *region.aliases):
                    words.update(normalise(name).split())
            self._place_words = frozenset(words)
        return self._place_words

    def muscle_names(self) -> NameIndex[str]:
        """Name table of muscles: id, name, aliases (built on first use)."""
        if self._muscle_names is None:
            from .names import NameIndex

            entries: list[tuple[str, str]] = []
            for muscle in self.muscles.values():
                entries.append((muscle.name, muscle.id))
                entries.append((muscle.id.replace("_", " "), muscle.id))
                entries.extend((alias, muscle.id) for alias in muscle.aliases)
            self._muscle_names = NameIndex(entries)
        return self._muscle_names

    # ------------------------------------------------------------------ muscles

    def muscle_ref(self, muscle_id: str) -> MuscleRef:
        """The muscle as results show it (one shared, immutable object per muscle)."""
        ref = self._muscle_refs.get(muscle_id)
        if ref is None:
            muscle = self.muscles[muscle_id]
            ref = assemble(
                MuscleRef,
                {
                    "id": muscle.id,
                    "name": muscle.name,
                    "aliases": muscle.aliases,
                    "area": muscle.area,
                    "identifiers": self._identifiers.get("muscles", {}).get(muscle.id),
                },
            )
            self._muscle_refs[muscle_id] = ref
        return ref

    def get_muscle(self, name: str) -> Muscle | None:
        """The muscle whose id, name or alias is ``name`` (case, punctuation, plurals ignored), or None."""
        hit = self.muscle_names().exact(name)
        return self.muscles[hit.target] if hit is not None else None

    def muscle(self, name: str) -> Muscle:
        """Forward lookup: the muscle called ``name``, with its trigger points and their patterns.

        Exact names, aliases and abbreviations ("SCM", "QL") come first; a clear fuzzy match ("trapezus")
        is accepted too. A UBERON or FMA id ("UBERON:0002380") finds the muscle it is recorded for.

        Raises:
            UnknownMuscleError: no clear match; ``.suggestions`` lists the closest muscle names.
            InvalidQueryError: empty or overlong name.

        Example:
            >>> kb.muscle("SCM").name
            'Sternocleidomastoid'
        """
        text = check_text(name, "muscle name")
        by_id = self._muscles_by_ontology_id.get(text.strip().upper().replace(" ", ""))
        if by_id is not None:
            if len(by_id) == 1:
                return self.muscles[by_id[0]]
            raise UnknownMuscleError(text, [self.muscles[m].name for m in by_id])  # a broader class: which?
        names = self.muscle_names()
        hit = names.exact(text)
        if hit is None:
            hit, suggestions = names.best_fuzzy(text)
            if hit is None:
                raise UnknownMuscleError(text, [self.muscles[s.target].name for s in suggestions])
        return self.muscles[hit.target]

    lookup_muscle = muscle

    def group(self, name: str) -> MuscleGroup | None:
        """The muscle group called ``name`` ("hamstrings", "rotator cuff", "quads"; id, label or alias,
        case and punctuation ignored), or None."""
        from .text import normalise

        wanted = normalise(name)
        for group in self.groups.values():
            if wanted in {normalise(n) for n in (group.id.replace("_", " "), group.label, *group.aliases)}:
                return group
        return None

    def care(self, name: str) -> Clinical:
        """The clinical side of a muscle: what activates and perpetuates its trigger points, palpation,
        techniques, self-care, satellites, entrapments and endangerment sites, every item cited. A muscle
        with no clinical data gets an empty record (nothing is guessed).

        Raises:
            UnknownMuscleError: no such muscle (with suggestions).
        """
        found = self.muscle(name)
        return self.clinical.get(found.id) or Clinical(muscle=found.id)

    def posture(self, name: str) -> Posture:
        """The postural pattern called ``name`` (id, label or alias; case and punctuation ignored).

        Raises:
            UnknownPostureError: no such pattern (``.suggestions`` lists the closest).
        """
        import difflib

        from .errors import UnknownPostureError
        from .text import normalise

        key = normalise(name) if isinstance(name, str) else ""
        for posture in self.postures.values():
            if key and key in {normalise(n) for n in (posture.id.replace("_", " "), posture.label, *posture.aliases)}:
                return posture
        labels = {p.label: p for p in self.postures.values()}
        close = difflib.get_close_matches(str(name), list(labels), n=4, cutoff=0.4)
        raise UnknownPostureError(str(name)[:80], close)

    def cautions(self, muscle_id: str) -> tuple[str, ...]:
        """The endangerment sites of a muscle, by name (for a one-line warning in results)."""
        return self._cautions.get(muscle_id, ())

    def search_muscles(self, text: str, *, limit: int = 10) -> list[tuple[Muscle, float]]:
        """Muscles whose names resemble ``text``, best first, with a 0-100 score.

        Text that matches nothing (blank, not a string, too long) gives an empty list.

        Raises:
            InvalidQueryError: ``limit`` is not a positive whole number.
        """
        from .text import MAX_QUERY_LENGTH

        limit = check_limit(limit, optional=False) or 1
        if not isinstance(text, str) or len(text) > MAX_QUERY_LENGTH:
            return []
        names = self.muscle_names()
        exact = names.exact(text)
        found: list[tuple[Muscle, float]] = []
        if exact is not None:
            found.append((self.muscles[exact.target], 100.0))
        for hit in names.fuzzy(text, limit=limit):
            if exact is None or hit.target != exact.target:
                found.append((self.muscles[hit.target], hit.score or 0.0))
        return found[:limit]

    # ------------------------------------------------------------------ queries

    def resolve_location(self, text: str, *, side: BodySide | None = None) -> LocationResolution:
        """How a pain-location phrase is understood (regions and/or phenomena it names).

        Raises:
            UnknownLocationError: with ``.suggestions`` when nothing matches clearly.
            InvalidQueryError: empty, overlong or malformed text, or a bad side.
        """
        return resolve_location(self, text, side=side)

    def resolve_sites(self, text: str, *, side: BodySide | None = None) -> list[LocationResolution]:
        """How a phrase is understood: one resolution per site ("neck and shoulder pain" names two).

        Raises:
            UnknownLocationError: with ``.suggestions`` when a site cannot be resolved clearly.
            InvalidQueryError: empty, overlong or malformed text, or a bad side.
        """
        return resolve_sites(self, text, side=side)

    def referral_map(self, muscle: str, *, trigger_point: str | None = None, side: str | None = None) -> str:
        """The referral map of a muscle (or one of its trigger points) as SVG text; see docs/maps.md.

        Raises:
            UnknownMuscleError: no such muscle. InvalidQueryError: unknown trigger point or bad side.
            KnowledgeBaseError: the knowledge base has no (valid) body charts.
        """
        from .maps import referral_map

        return referral_map(self, muscle, trigger_point=trigger_point, side=side)

    def where(self, *locations: str, side: str | None = None, limit: int | None = None) -> QueryResult:
        """Reverse lookup: muscles whose trigger points refer pain to the given locations, best first.

        Parameters:
            locations: one or more pain-location phrases ("temple", "angle of the jaw", "left shoulder",
                "tennis elbow", "dizziness"). A side word in a phrase applies to that phrase.
            side: "left" or "right": the side of the pain, for phrases that do not name one.
            limit: at most this many candidates (None: all).

        Returns:
            A :class:`QueryResult`: iterate it for the :class:`Candidate` objects, best first; ``.query``
            says how each phrase was resolved and ``.red_flags`` lists serious conditions to rule out.

        Raises:
            UnknownLocationError: a phrase cannot be resolved (``.suggestions`` says what might be meant).
            InvalidQueryError: no location, a blank or overlong phrase, a bad side or limit.

        Example:
            >>> [c.muscle.name for c in kb.where("temple", "angle of the jaw", limit=3)]
        """
        return query.where(self, locations, side=side, limit=limit)

    def where_body_map(
        self, body_map: str, *codes: str, sex: Literal["female", "male"] | None = None, limit: int | None = None
    ) -> QueryResult:
        """Reverse lookup from the areas a patient marked on a standard body map (``"choir"``,
        ``"michigan"``, ``"wpi"``; ``kb.body_maps`` lists them): each area is one site, on its side.

        ``sex="female"`` reads CHOIR codes in the female form's numbering (segments 112-117 differ).

        Raises:
            UnknownBodyMapError: unknown map or code (``.suggestions``).
            InvalidQueryError: no code, a "no pain" box, a bad limit.

        Example:
            >>> kb.where_body_map("choir", "108", "112", limit=5)
        """
        from .interop.bodymaps import area_sites
        from .locations import check_limit

        return query.rank_sites(self, area_sites(self, body_map, codes, sex=sex), side=None, limit=check_limit(limit))

    def body_map_codes(
        self,
        body_map: str,
        regions: Iterable[str],
        *,
        side: BodySide | None = None,
        sex: Literal["female", "male"] | None = None,
    ) -> tuple[str, ...]:
        """The codes of a body map's areas that hold any of ``regions`` (e.g. a candidate's zones:
        ``[m.region for m in candidate.matches]``), on ``side`` and the midline when given.

        Raises:
            UnknownBodyMapError: unknown map.
        """
        from .interop.bodymaps import codes_for_regions

        return codes_for_regions(self, body_map, regions, side=side, sex=sex)
