"""The documented integration example runs: CHOIR codes in, ranked muscles with UBERON ids, red flags
and CHOIR codes out, as JSON (it is also type-checked by test_typing)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from nmt_referral import KnowledgeBase

INTAKE = Path(__file__).parent.parent / "docs" / "examples" / "intake.py"


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(INTAKE), *args], capture_output=True, text=True, timeout=300, check=False
    )


def test_intake_example_left_chest(shipped_kb: KnowledgeBase) -> None:
    left_chest = next(
        a.code for a in shipped_kb.body_maps["choir"].areas if a.side == "left" and "chest" in a.label.lower()
    )
    done = _run(left_chest)
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout)
    assert summary["data_sha256"] == shipped_kb.content_hash
    assert "cardiac_ischaemia" in {flag["id"] for flag in summary["red_flags"]}
    candidates = summary["candidates"]
    assert candidates and all(c["choir_codes"] for c in candidates)
    assert sum(1 for c in candidates if c["uberon"]) >= len(candidates) - 1
    for candidate in candidates:
        if candidate["uberon"]:
            muscle = shipped_kb.muscle(
                candidate["uberon"] if isinstance(candidate["uberon"], str) else candidate["uberon"][0]
            )
            assert muscle.name == candidate["muscle"]
    assert left_chest in {code for c in candidates for code in c["choir_codes"]}


def test_intake_example_female_numbering_and_errors() -> None:
    female, male = json.loads(_run("112", "--female").stdout), json.loads(_run("116").stdout)
    assert [c["muscle"] for c in female["candidates"]] == [c["muscle"] for c in male["candidates"]]
    bad = _run("999")
    assert bad.returncode == 2 and json.loads(bad.stderr)["error"]["type"] == "UnknownBodyMapError"
