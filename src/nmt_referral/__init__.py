"""nmt-referral: from where it hurts to the muscles whose trigger points may be referring the pain.

The tool suggests where to look; it does not diagnose.

Example:
    >>> import nmt_referral
    >>> kb = nmt_referral.load()
    >>> for candidate in kb.where("temple", "angle of the jaw", limit=3):
    ...     print(candidate.muscle.name, candidate.score)
"""

from __future__ import annotations

from .errors import (
    ImmutableError,
    InvalidQueryError,
    KnowledgeBaseError,
    NmtReferralError,
    Problem,
    UnknownBodyMapError,
    UnknownLocationError,
    UnknownMuscleError,
    UnknownPostureError,
    UnknownRedFlagError,
    UnknownSourceError,
)
from .knowledge_base import KnowledgeBase
from .load import clear_cache, load, validate
from .models import (
    Attachments,
    BodyMap,
    BodyMapArea,
    Candidate,
    Clinical,
    ClinicalItem,
    Condition,
    Contraindication,
    EndangermentSite,
    Entrapment,
    Guide,
    GuideRank,
    Identifiers,
    LocationResolution,
    Match,
    Muscle,
    MuscleGroup,
    MuscleRef,
    Phenomenon,
    Posture,
    PostureHit,
    QueryInfo,
    QueryResult,
    RedFlag,
    RedFlagHit,
    ReferralPattern,
    Region,
    Satellite,
    Source,
    SymptomMatch,
    TriggerPoint,
    ZoneRef,
)

__version__ = "0.1.0"  # the single source of the version (pyproject reads it from here)

DISCLAIMER = (
    "nmt-referral suggests which muscles' trigger points may refer pain to a location, from the "
    "published referral maps. It does not diagnose: pain can have serious causes that need a "
    "clinician's assessment."
)

__all__ = [
    "DISCLAIMER",
    "Attachments",
    "BodyMap",
    "BodyMapArea",
    "Candidate",
    "Clinical",
    "ClinicalItem",
    "Condition",
    "Contraindication",
    "EndangermentSite",
    "Entrapment",
    "Guide",
    "GuideRank",
    "Identifiers",
    "ImmutableError",
    "InvalidQueryError",
    "KnowledgeBase",
    "KnowledgeBaseError",
    "LocationResolution",
    "Match",
    "Muscle",
    "MuscleGroup",
    "MuscleRef",
    "NmtReferralError",
    "Phenomenon",
    "Posture",
    "PostureHit",
    "Problem",
    "QueryInfo",
    "QueryResult",
    "RedFlag",
    "RedFlagHit",
    "ReferralPattern",
    "Region",
    "Satellite",
    "Source",
    "SymptomMatch",
    "TriggerPoint",
    "UnknownBodyMapError",
    "UnknownLocationError",
    "UnknownMuscleError",
    "UnknownPostureError",
    "UnknownRedFlagError",
    "UnknownSourceError",
    "ZoneRef",
    "__version__",
    "clear_cache",
    "load",
    "validate",
]
