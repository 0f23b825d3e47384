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
    InvalidQueryError,
    KnowledgeBaseError,
    NmtReferralError,
    Problem,
    UnknownLocationError,
    UnknownMuscleError,
    UnknownPostureError,
    UnknownRedFlagError,
)
from .knowledge_base import KnowledgeBase
from .load import clear_cache, load, validate
from .models import (
    Candidate,
    Clinical,
    Condition,
    Contraindication,
    Guide,
    GuideRank,
    LocationResolution,
    Match,
    Muscle,
    Phenomenon,
    Posture,
    PostureHit,
    QueryResult,
    RedFlag,
    ReferralPattern,
    Region,
    Source,
    TriggerPoint,
)

__version__ = "0.1.0"  # the single source of the version (pyproject reads it from here)

DISCLAIMER = (
    "nmt-referral suggests which muscles' trigger points may refer pain to a location, from the "
    "published referral maps. It does not diagnose: pain can have serious causes that need a "
    "clinician's assessment."
)

__all__ = [
    "DISCLAIMER",
    "Candidate",
    "Clinical",
    "Condition",
    "Contraindication",
    "Guide",
    "GuideRank",
    "InvalidQueryError",
    "KnowledgeBase",
    "KnowledgeBaseError",
    "LocationResolution",
    "Match",
    "Muscle",
    "NmtReferralError",
    "Phenomenon",
    "Posture",
    "PostureHit",
    "Problem",
    "QueryResult",
    "RedFlag",
    "ReferralPattern",
    "Region",
    "Source",
    "TriggerPoint",
    "UnknownLocationError",
    "UnknownMuscleError",
    "UnknownPostureError",
    "UnknownRedFlagError",
    "__version__",
    "clear_cache",
    "load",
    "validate",
]
