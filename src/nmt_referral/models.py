"""Pydantic models: the knowledge-base records (as written in YAML) and the query results. No I/O."""

from collections.abc import Iterator
from typing import Annotated, Any, Literal, TypeVar

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints, field_validator, model_validator

from .errors import ImmutableError
from .text import UNSAFE_CHARACTERS

__all__ = [
    "AREAS",
    "Area",
    "Attachments",
    "BodySide",
    "Candidate",
    "Clinical",
    "ClinicalItem",
    "Condition",
    "Contraindication",
    "EndangermentSite",
    "Entrapment",
    "Guide",
    "GuideRank",
    "LocationResolution",
    "Match",
    "Muscle",
    "MuscleRef",
    "MuscleSpec",
    "PatternFile",
    "Phenomenon",
    "Posture",
    "PostureHit",
    "QueryInfo",
    "QueryResult",
    "RedFlag",
    "RedFlagHit",
    "ReferralPattern",
    "Region",
    "Satellite",
    "Side",
    "Source",
    "SymptomMatch",
    "TriggerPoint",
    "TriggerPointSpec",
    "ZoneRef",
]

SLUG_PATTERN = r"^[a-z][a-z0-9]*(_[a-z0-9]+)*$"
Slug = Annotated[str, StringConstraints(pattern=SLUG_PATTERN, max_length=80)]


def _printable(value: str) -> str:
    """Refuse control, bidirectional-override and zero-width characters (they would reach a terminal)."""
    found = UNSAFE_CHARACTERS.search(value)
    if found is not None:
        raise ValueError(
            f"contains the invisible or control character U+{ord(found.group()):04X}"
            " (control, bidirectional override or zero-width characters are not allowed)"
        )
    return value


def _one_line(value: str) -> str:
    if "\n" in value or "\t" in value:
        raise ValueError("a name must be one line, without tabs")
    return value


Text = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=4000), AfterValidator(_printable)
]
Name = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=120),
    AfterValidator(_printable),
    AfterValidator(_one_line),
]

Side = Literal["ipsilateral", "contralateral", "bilateral", "midline"]
BodySide = Literal["left", "right"]
Area = Literal["head_face", "neck", "shoulder_upper_back", "arm_hand", "trunk", "pelvis", "hip_thigh", "leg_foot"]
ResolutionMethod = Literal["exact", "word_order", "condition", "symptom", "phrase", "fuzzy", "body_map"]
LocationKind = Literal["region", "condition", "phenomenon"]
AREAS: tuple[Area, ...] = (
    "head_face",
    "neck",
    "shoulder_upper_back",
    "arm_hand",
    "trunk",
    "pelvis",
    "hip_thigh",
    "leg_foot",
)


_R = TypeVar("_R", bound=BaseModel)
_new = object.__new__
_set_attribute = object.__setattr__
_set_fields_set = BaseModel.__dict__["__pydantic_fields_set__"].__set__  # the slot's own setter: faster
_set_extra = BaseModel.__dict__["__pydantic_extra__"].__set__
_set_private = BaseModel.__dict__["__pydantic_private__"].__set__


def assemble(cls: type[_R], values: dict[str, Any]) -> _R:
    """Build a result model from trusted values that name every field (no validation, no defaults).

    What ``model_construct`` does for a model without aliases, extras or private attributes, without
    its per-field loop: the query builds thousands of these per second. ``tests/test_query.py`` checks
    that assembled results equal validated ones, so a pydantic change that breaks this is caught.
    """
    instance: _R = _new(cls)
    _set_attribute(instance, "__dict__", values)
    _set_fields_set(instance, set(values))
    _set_extra(instance, None)
    _set_private(instance, None)
    return instance


class Record(BaseModel):
    """Base of every model: immutable, unknown keys rejected."""

    # defer_build: a schema is built on first validation, not at import, so a warm-cache CLI run that
    # only unpickles records and constructs results never pays for it.
    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    def __setattr__(self, name: str, value: Any) -> "None":
        raise ImmutableError(f"{type(self).__name__} is immutable: cannot set {name!r}")

    def __delattr__(self, name: str) -> "None":
        raise ImmutableError(f"{type(self).__name__} is immutable: cannot delete {name!r}")

    def __reduce__(self) -> tuple[Any, ...]:
        # Pickle as (class, field values[, fields set]): smaller and faster to load than BaseModel's
        # generic state; the compiled cache holds thousands of records.
        fields_set = self.__pydantic_fields_set__
        partial = None if len(fields_set) == len(self.__dict__) else tuple(sorted(fields_set))
        return (_unpickle, (type(self), self.__dict__, partial))


def _unpickle(cls: type[Record], values: dict[str, Any], fields_set: tuple[str, ...] | None) -> Record:
    record = assemble(cls, values)
    if fields_set is not None:
        _set_fields_set(record, set(fields_set))
    return record


# --------------------------------------------------------------------------- vocabulary


class Source(Record):
    """A bibliographic entry cited by referral patterns."""

    id: Slug
    citation: Text
    kind: Literal["book", "article", "chapter", "web", "dataset"]
    year: int | None = Field(default=None, ge=1800, le=2100)
    url: Text | None = None


class Phenomenon(Record):
    """Something a trigger point causes besides referred pain (dizziness, paresthesia, entrapment)."""

    id: Slug
    label: Name
    kind: Literal["autonomic", "sensory", "motor", "proprioceptive", "entrapment", "visceral"]
    aliases: tuple[Name, ...] = ()
    notes: Text | None = None


class Region(Record):
    """A body zone of the controlled vocabulary; ``parent`` builds the hierarchy.

    ``adjacent`` names the regions that border or overlap this one (symmetric: listing it on one side
    is enough); a zone on an adjacent region counts for a query, weighted below a direct hit.
    """

    id: Slug
    label: Name
    parent: Slug | None = None
    laterality: Literal["paired", "midline"] = "paired"
    aliases: tuple[Name, ...] = ()
    adjacent: tuple[Slug, ...] = ()
    notes: Text | None = None


class Condition(Record):
    """A syndrome or lay complaint ("tennis elbow") that resolves to regions and/or phenomena."""

    id: Slug
    label: Name
    aliases: tuple[Name, ...] = ()
    regions: tuple[Slug, ...] = ()
    phenomena: tuple[Slug, ...] = ()
    notes: Text | None = None

    @model_validator(mode="after")
    def _names_something(self) -> "Condition":
        if not self.regions and not self.phenomena:
            raise ValueError("a condition must list at least one region or phenomenon")
        return self


class RedFlag(Record):
    """A serious condition whose pain a referral pattern can mimic, shown with matching queries.

    Raised by a query on one of ``regions`` (or a region inside one), from ``side`` when given, and by
    the condition terms in ``conditions``; never by a broader region that merely contains one.
    """

    id: Slug
    label: Name
    summary: Text | None = None
    regions: tuple[Slug, ...] = ()
    conditions: tuple[Slug, ...] = ()
    side: BodySide | None = None
    message: Text

    @model_validator(mode="after")
    def _raised_by_something(self) -> "RedFlag":
        if not self.regions and not self.conditions:
            raise ValueError("a red flag must list at least one region or condition")
        return self


class Guide(Record):
    """A published pain guide's list for one pain area: muscles in the guide's order, most likely first.

    The area is a set of ``regions`` or, for a heading that names a syndrome ("TMJ disorder",
    "Sciatica"), the condition terms in ``conditions``: such a list speaks for the condition typed, not
    for every query on its regions.
    """

    id: Slug
    source: Slug
    heading: Name
    regions: tuple[Slug, ...] = ()
    conditions: tuple[Slug, ...] = ()
    muscles: tuple[Slug, ...] = Field(min_length=1)
    notes: Text | None = None

    @model_validator(mode="after")
    def _has_an_area(self) -> "Guide":
        if not self.regions and not self.conditions:
            raise ValueError("a guide must name its area: regions or conditions")
        return self


# --------------------------------------------------------------------------- muscles and patterns


class Attachments(Record):
    """Origin and insertion of a muscle."""

    origin: Text | None = None
    insertion: Text | None = None


class ZoneRef(Record):
    """One zone of a referral pattern: a region id, and a side when it differs from the pattern's."""

    region: Slug
    side: Side | None = None

    @model_validator(mode="before")
    @classmethod
    def _from_string(cls, value: Any) -> "Any":
        return {"region": value} if isinstance(value, str) else value


class ReferralPattern(Record):
    """Where the referred pain of one trigger point is felt, and what else it causes.

    A phenomenon is taken to be felt where the pattern's zones are; ``phenomena_at`` names the regions
    of one that is felt elsewhere (gooseflesh on the arm from a trapezius TrP with no pain zone there).
    """

    trigger_point: Slug
    side: Side
    essential: tuple[ZoneRef, ...] = ()
    spillover: tuple[ZoneRef, ...] = ()
    phenomena: tuple[Slug, ...] = ()
    phenomena_at: dict[Slug, tuple[Slug, ...]] = Field(default_factory=dict)
    body_side: BodySide | None = None
    sources: tuple[Slug, ...] = Field(min_length=1)
    notes: Text | None = None

    @model_validator(mode="after")
    def _has_zones(self) -> "ReferralPattern":
        if not self.essential and not self.spillover and not self.phenomena:
            raise ValueError("a pattern needs at least one essential or spillover zone, or phenomena")
        unknown = sorted(set(self.phenomena_at) - set(self.phenomena))
        if unknown:
            raise ValueError(f"phenomena_at names phenomena the pattern does not list: {', '.join(unknown)}")
        return self


class PatternFile(Record):
    """Contents of ``patterns/<muscle>.yaml``."""

    muscle: Slug
    patterns: tuple[ReferralPattern, ...] = Field(min_length=1)


class MuscleGroup(Record):
    """A group of muscles as therapists name it ("hamstrings", "rotator cuff"): its members, cited."""

    id: Slug
    label: Name
    aliases: tuple[Name, ...] = ()
    members: tuple[Slug, ...] = Field(min_length=2)
    sources: tuple[Slug, ...] = Field(min_length=1)
    notes: Text | None = None


class Patch(Record):
    """One addition to a record defined elsewhere (``patches/*.yaml``), so that an overlay can add an
    alias, a zone or a note without copying the record's file. Exactly one target is named."""

    muscle: Slug | None = None
    trigger_point: Slug | None = None
    region: Slug | None = None
    condition: Slug | None = None
    phenomenon: Slug | None = None
    aliases: tuple[Name, ...] = ()
    essential: tuple[ZoneRef, ...] = ()
    spillover: tuple[ZoneRef, ...] = ()
    sources: tuple[Slug, ...] = ()
    notes: Text | None = None

    @property
    def target(self) -> tuple[str, str]:
        """(kind, id) of the record patched."""
        for kind in ("muscle", "trigger_point", "region", "condition", "phenomenon"):
            value = getattr(self, kind)
            if value is not None:
                return kind, value
        raise AssertionError("validated: a patch names a target")  # pragma: no cover

    @model_validator(mode="after")
    def _consistent(self) -> "Patch":
        named = [k for k in ("muscle", "trigger_point", "region", "condition", "phenomenon") if getattr(self, k)]
        if len(named) != 1:
            raise ValueError("a patch names exactly one of muscle, trigger_point, region, condition, phenomenon")
        kind = named[0]
        if self.aliases and kind == "trigger_point":
            raise ValueError("a trigger point has no aliases: patch its muscle")
        zones = self.essential or self.spillover
        if zones and kind != "trigger_point":
            raise ValueError("zones (essential, spillover) are added to a trigger_point")
        if zones and not self.sources:
            raise ValueError("added zones need sources: which source says so")
        if self.sources and not zones:
            raise ValueError("sources go with added zones")
        if not (self.aliases or zones or self.notes):
            raise ValueError("a patch adds aliases, zones or notes")
        return self


class TriggerPointSpec(Record):
    """A trigger point as written in a muscle file."""

    id: Slug
    name: Name
    part: Name | None = None
    location: Text
    notes: Text | None = None


class TriggerPoint(TriggerPointSpec):
    """A trigger point with its muscle id and referral pattern attached (after loading)."""

    muscle: Slug
    pattern: ReferralPattern


class MuscleSpec(Record):
    """Contents of ``muscles/<id>.yaml``."""

    id: Slug
    name: Name
    aliases: tuple[Name, ...] = ()
    area: Area
    innervation: Text | None = None
    actions: tuple[Text, ...] = ()
    attachments: Attachments | None = None
    notes: Text | None = None
    trigger_points: tuple[TriggerPointSpec, ...] = Field(min_length=1)

    @field_validator("trigger_points")
    @classmethod
    def _unique_ids(cls, value: tuple[TriggerPointSpec, ...]) -> tuple[TriggerPointSpec, ...]:
        seen: set[str] = set()
        for trp in value:
            if trp.id in seen:
                raise ValueError(f"trigger point id {trp.id!r} appears twice")
            seen.add(trp.id)
        return value


class Muscle(MuscleSpec):
    """A muscle with its trigger points and their referral patterns: the forward lookup."""

    trigger_points: tuple[TriggerPoint, ...] = Field(min_length=1)


# --------------------------------------------------------------------------- clinical knowledge


class ClinicalItem(Record):
    """One cited clinical statement (a perpetuating factor, a palpation hint, a technique ...)."""

    text: Text
    sources: tuple[Slug, ...] = Field(min_length=1)


class Satellite(Record):
    """A muscle whose trigger points often accompany this one's (associated or satellite TrPs)."""

    muscle: Slug
    sources: tuple[Slug, ...] = Field(min_length=1)


class Entrapment(Record):
    """A nerve (or vessel) the muscle can entrap, and what follows."""

    nerve: Name
    phenomenon: Slug | None = None
    symptoms: Text
    sources: tuple[Slug, ...] = Field(min_length=1)


class EndangermentSite(Record):
    """A structure to respect when working this muscle, and how."""

    site: Name
    caution: Text
    sources: tuple[Slug, ...] = Field(min_length=1)


class Clinical(Record):
    """The clinical side of one muscle (``clinical/<muscle>.yaml``): every item cited."""

    muscle: Slug
    activation: tuple[ClinicalItem, ...] = ()
    palpation: tuple[ClinicalItem, ...] = ()
    techniques: tuple[ClinicalItem, ...] = ()
    self_care: tuple[ClinicalItem, ...] = ()
    satellites: tuple[Satellite, ...] = ()
    entrapments: tuple[Entrapment, ...] = ()
    endangerment_sites: tuple[EndangermentSite, ...] = ()
    notes: Text | None = None


CLINICAL_SECTIONS = (
    "activation",
    "palpation",
    "techniques",
    "self_care",
    "satellites",
    "entrapments",
    "endangerment_sites",
)
"""The cited sections of a :class:`Clinical` record, in the order they are shown."""


class Contraindication(Record):
    """A general contraindication or caution for manual trigger-point work."""

    id: Slug
    label: Name
    kind: Literal["absolute", "local", "caution"]
    text: Text
    sources: tuple[Slug, ...] = Field(min_length=1)


OntologyId = Annotated[str, StringConstraints(pattern=r"^(UBERON|FMA|HP):[0-9]{1,12}$")]
IcdCode = Annotated[str, StringConstraints(pattern=r"^[0-9A-Z][0-9A-Z.&/-]{1,24}$")]
IdOrParts = OntologyId | tuple[OntologyId, ...]


class Identifiers(Record):
    """A record's standard identifiers. Anatomy: ``uberon`` and ``fma`` (a list when only parts of the
    muscle have classes, ``relation: parts``); ``relation`` says when the class is not the very same
    thing (``group``: the same group of muscles; ``broader``: the nearest broader class). Phenomena and
    conditions: ``hpo`` with its unaltered ``hpo_label``; conditions: ``icd11`` (MMS) and ``icd10cm``.
    ``unmapped`` records that none fits, and why."""

    uberon: IdOrParts | None = None
    fma: IdOrParts | None = None
    relation: Literal["exact", "group", "broader", "parts"] = "exact"
    hpo: OntologyId | None = None
    hpo_label: Name | None = None
    icd11: IcdCode | None = None
    icd10cm: IcdCode | None = None
    note: Text | None = None
    unmapped: Text | None = None
    """Checked, and no identifier fits: why (the record has no ids then)."""

    @model_validator(mode="after")
    def _consistent(self) -> "Identifiers":
        has_ids = any(getattr(self, name) is not None for name in ("uberon", "fma", "hpo", "icd11", "icd10cm"))
        if has_ids == (self.unmapped is not None):
            raise ValueError("give identifiers, or `unmapped:` with the reason none fits, not both")
        for name in ("uberon", "fma"):
            value = getattr(self, name)
            prefix = "UBERON:" if name == "uberon" else "FMA:"
            values = value if isinstance(value, tuple) else (value,) if value else ()
            if any(not v.startswith(prefix) for v in values):
                raise ValueError(f"{name} ids start with {prefix}")
            if isinstance(value, tuple) and self.relation != "parts":
                raise ValueError(f"a list of {name} ids needs `relation: parts`")
        if self.hpo is not None and not self.hpo.startswith("HP:"):
            raise ValueError("hpo ids start with HP:")
        return self


class IdentifiersFile(Record):
    """``identifiers.yaml``: record id -> identifiers, for muscles, phenomena, conditions and regions;
    ``sources`` cites the ontology releases used."""

    sources: tuple[Slug, ...] = Field(min_length=1)
    muscles: dict[Slug, Identifiers] = {}
    phenomena: dict[Slug, Identifiers] = {}
    conditions: dict[Slug, Identifiers] = {}
    regions: dict[Slug, Identifiers] = {}


AreaCode = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$", max_length=40)]


class BodyMapArea(Record):
    """One area (segment) of a standard body map and the regions it covers, with the reason.

    ``side`` is the patient's (``midline`` spans both); ``female_code`` is the code the map's female
    form uses for the same area where it differs (the CHOIR map renumbers six front segments);
    ``no_pain`` marks a form's "no pain" box, the one entry without regions.
    """

    code: AreaCode
    label: Name
    view: Literal["front", "back"] | None = None
    side: Literal["left", "right", "midline"] | None = None
    female_code: AreaCode | None = None
    group: int | None = None
    excluded_from_generalized: bool = False
    no_pain: bool = False
    regions: tuple[Slug, ...] = ()
    reason: Text

    def code_for(self, sex: str | None) -> str:
        """The area's code in the map's female form (``sex="female"``) or in its main numbering."""
        return (self.female_code or self.code) if sex == "female" else self.code

    @model_validator(mode="after")
    def _mapped(self) -> "BodyMapArea":
        if not self.regions and not self.no_pain:
            raise ValueError("an area maps to at least one region (or is the form's `no_pain: true` box)")
        if self.regions and self.no_pain:
            raise ValueError("a `no_pain: true` box maps to no region")
        return self


class BodyMap(Record):
    """A standard pain body map (CHOIR, Michigan, WPI ...) crosswalked to the regions."""

    id: Slug
    label: Name
    source: Slug
    notes: Text | None = None
    areas: tuple[BodyMapArea, ...] = Field(min_length=1)


class BodyMapFile(Record):
    """A ``bodymaps/<id>.yaml`` file."""

    body_map: BodyMap


class Posture(Record):
    """A postural pattern and the muscles it typically shortens (overactive) and lengthens (inhibited),
    or, for a structural factor such as a leg-length difference, whose trigger points it perpetuates."""

    id: Slug
    label: Name
    aliases: tuple[Name, ...] = ()
    description: Text
    short: tuple[Slug, ...] = ()
    long: tuple[Slug, ...] = ()
    perpetuates: tuple[Slug, ...] = ()
    sources: tuple[Slug, ...] = Field(min_length=1)
    notes: Text | None = None


# --------------------------------------------------------------------------- query results


class MuscleRef(Record):
    """The muscle of a candidate, as it appears in results; ``identifiers`` holds its UBERON/FMA ids
    where the knowledge base has them."""

    id: str
    name: str
    aliases: tuple[str, ...]
    area: Area
    identifiers: Identifiers | None = None


class Match(Record):
    """Why a candidate is listed: a site resolved to a region that a trigger point refers to.

    ``relation``: ``exact`` (the zone is the queried region), ``within`` (inside it), ``broader`` (the
    zone is recorded on a coarser region containing it), ``adjacent`` (the zone borders or overlaps it)
    or ``guide_area`` (a pain guide lists the muscle for a heading covering this region and the zone's,
    such as "volar wrist and palm").
    """

    location: str
    region: str
    region_label: str
    query_region: str
    relation: Literal["exact", "within", "broader", "adjacent", "guide_area"]
    trigger_point: str
    trigger_point_name: str
    zone: Literal["essential", "spillover"]
    weight: float
    look_on: Literal["left", "right", "either"]


class SymptomMatch(Record):
    """A site named a phenomenon (e.g. dizziness) that a trigger point of the candidate causes."""

    location: str
    phenomenon: str
    phenomenon_label: str
    trigger_point: str
    trigger_point_name: str
    weight: float


class GuideRank(Record):
    """Where a pain guide lists the candidate for a queried site (1 = listed first)."""

    location: str
    guide: str
    heading: str
    source: str
    rank: int
    of: int


class Candidate(Record):
    """One ranked muscle: its score and every match that produced it.

    ``score`` lies in (0, 1]: 1.0 means every site is explained by an essential zone. A muscle explaining
    more sites always scores above one explaining fewer. Among equal scores, ``likelihood`` (from the
    order in which the cited pain guides list the muscle for the queried areas, see ``guide_ranks``)
    ranks first; the alphabet breaks only the ties the sources leave open.
    """

    muscle: MuscleRef
    score: float
    likelihood: float
    sites_explained: int
    matches: tuple[Match, ...]
    symptom_matches: tuple[SymptomMatch, ...] = ()
    guide_ranks: tuple[GuideRank, ...] = ()
    cautions: tuple[str, ...] = ()


class LocationResolution(Record):
    """How one location phrase (or one site of a phrase such as "neck and shoulder") was understood.

    ``phrase`` is the text as typed; ``text`` the part of it this site stands for.
    """

    text: str
    phrase: str
    side: BodySide | None
    method: ResolutionMethod
    matched: str
    kind: LocationKind
    id: str
    regions: tuple[str, ...]
    phenomena: tuple[str, ...]
    score: float | None = None
    identifiers: Identifiers | None = None
    """Standard identifiers of the record matched (a condition's ICD codes, a region's UBERON id)."""


class QueryInfo(Record):
    """The query as understood: each location's resolution, the side and the limit."""

    locations: tuple[LocationResolution, ...]
    side: BodySide | None
    limit: int | None


class RedFlagHit(Record):
    """A red flag raised by one of the queried locations."""

    id: str
    label: str
    summary: str
    message: str
    locations: tuple[str, ...]


class PostureHit(Record):
    """A postural pattern that links several of the candidates (as short/overactive muscles)."""

    id: str
    label: str
    muscles: tuple[str, ...]


class QueryResult(Record):
    """Result of a reverse query: iterable over the ranked candidates, best first.

    ``total`` counts every candidate before the limit; ``tied_beyond_limit`` those cut by the limit that
    rank exactly level with the last one shown (same score and likelihood: only the alphabet split them).
    """

    query: QueryInfo
    results: tuple[Candidate, ...]
    red_flags: tuple[RedFlagHit, ...] = ()
    postures: tuple[PostureHit, ...] = ()
    total: int = 0
    tied_beyond_limit: int = 0

    def __iter__(self) -> Iterator[Candidate]:  # type: ignore[override]  # candidates, not fields
        return iter(self.results)

    def __len__(self) -> int:
        return len(self.results)

    def __getitem__(self, index: int) -> "Candidate":
        return self.results[index]
