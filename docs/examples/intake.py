"""An intake form's body map in, a JSON summary for the clinician out.

The patient marked segments of the CHOIR Body Map; the form stores their codes. This turns them into
the muscles whose trigger points may refer pain there, with standard identifiers (UBERON/FMA), the red
flags to rule out first, and each candidate's zones as CHOIR codes again (to draw on the same map).

Run:  python docs/examples/intake.py 108 112        (CHOIR codes; --female for the female form)
"""

from __future__ import annotations

import json
import sys
from typing import Any, Literal

import nmt_referral
from nmt_referral.interop.bodymaps import candidate_codes


def summarise(codes: list[str], *, female: bool = False, limit: int = 5) -> dict[str, Any]:
    """The intake summary: ranked muscles with ids and CHOIR codes, red flags, versions."""
    kb = nmt_referral.load()
    sex: Literal["female"] | None = "female" if female else None
    result = kb.where_body_map("choir", *codes, sex=sex, limit=limit)
    choir_codes = candidate_codes(kb, result, "choir", sex=sex)  # each candidate's zones, back on the map
    candidates = []
    for candidate in result:  # typed: Iterator[Candidate]
        ids = candidate.muscle.identifiers
        candidates.append(
            {
                "muscle": candidate.muscle.name,
                "uberon": ids.uberon if ids else None,
                "fma": ids.fma if ids else None,
                "score": candidate.score,
                "zones": sorted({m.region for m in candidate.matches}),
                "choir_codes": list(choir_codes[candidate.muscle.id]),
            }
        )
    return {
        "nmt_referral_version": nmt_referral.__version__,
        "data_sha256": kb.content_hash,
        "body_map": "choir",
        "codes": codes,
        "red_flags": [{"id": flag.id, "summary": flag.summary or flag.label} for flag in result.red_flags],
        "candidates": candidates,
        "disclaimer": nmt_referral.DISCLAIMER,
    }


def main(argv: list[str]) -> int:
    female = "--female" in argv
    codes = [a for a in argv if not a.startswith("--")]
    if not codes:
        print("usage: intake.py CODE... [--female]   (CHOIR Body Map codes, e.g. 108 112)", file=sys.stderr)
        return 2
    try:
        summary = summarise(codes, female=female)
    except nmt_referral.NmtReferralError as error:
        print(json.dumps({"error": {"type": type(error).__name__, "message": str(error)}}), file=sys.stderr)
        return 2
    print(json.dumps(summary, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
