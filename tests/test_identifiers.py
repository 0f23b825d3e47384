"""Standard identifiers: every muscle, phenomenon and condition is accounted for (ids, or why none fits),
ids are well formed and shown in the outputs, a muscle is found by its UBERON or FMA id, and a broken
identifiers file is reported."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest
from typer.testing import CliRunner

import nmt_referral
from nmt_referral import KnowledgeBase, KnowledgeBaseError, UnknownMuscleError
from nmt_referral.cli import app

runner = CliRunner()


@pytest.mark.parametrize("kind", ["muscles", "phenomena", "conditions"])
def test_every_record_is_accounted_for(shipped_kb: KnowledgeBase, kind: str) -> None:
    table = shipped_kb.identifiers[kind]
    assert set(table) == set(getattr(shipped_kb, kind))
    mapped = [ids for ids in table.values() if ids.unmapped is None]
    assert len(mapped) >= len(table) * (0.9 if kind == "muscles" else 0.4)
    for ids in table.values():
        assert (ids.unmapped is None) or not (ids.uberon or ids.fma or ids.hpo or ids.icd11 or ids.icd10cm)


def test_muscle_ids_are_uberon_and_fma(shipped_kb: KnowledgeBase) -> None:
    exact = Counter()
    for muscle_id, ids in shipped_kb.identifiers["muscles"].items():
        if ids.unmapped:
            continue
        values = ids.uberon if isinstance(ids.uberon, tuple) else (ids.uberon,)
        assert all(v and re.fullmatch(r"UBERON:\d{7}", v) for v in values), muscle_id
        if ids.relation == "exact":
            exact[ids.uberon] += 1
    assert exact and max(exact.values()) == 1  # an exact class names one muscle only


def test_phenomena_and_conditions_codes(shipped_kb: KnowledgeBase) -> None:
    for ids in shipped_kb.identifiers["phenomena"].values():
        assert (ids.hpo is None) == (ids.hpo_label is None)
    conditions = shipped_kb.identifiers["conditions"].values()
    assert any(ids.icd11 for ids in conditions) and any(ids.icd10cm for ids in conditions)
    for ids in conditions:
        assert ids.icd10cm is None or re.fullmatch(r"[A-Z]\d{2}(\.[0-9A-Z]{1,4})?", ids.icd10cm)


def test_the_ontology_releases_are_cited(shipped_kb: KnowledgeBase) -> None:
    cited = " ".join(
        shipped_kb.sources[s].citation for s in shipped_kb.sources if s.startswith(("uberon", "hpo", "icd"))
    )
    assert "UBERON" in cited.upper() and "2025-01-16" in cited and "ICD-11" in cited and "ICD-10-CM" in cited
    assert "SNOMED" not in cited


def test_a_muscle_is_found_by_its_ontology_id(shipped_kb: KnowledgeBase) -> None:
    trapezius = shipped_kb.identifiers["muscles"]["trapezius"]
    assert shipped_kb.muscle(str(trapezius.uberon)).id == "trapezius"
    assert shipped_kb.muscle(str(trapezius.uberon).lower()).id == "trapezius"
    assert shipped_kb.muscle(str(trapezius.fma)).id == "trapezius"
    shared = Counter(
        ids.uberon for ids in shipped_kb.identifiers["muscles"].values() if isinstance(ids.uberon, str)
    ).most_common(1)[0]
    if shared[1] > 1:  # a broader class recorded for several muscles: which one is asked back
        with pytest.raises(UnknownMuscleError) as error:
            shipped_kb.muscle(shared[0])
        assert len(error.value.suggestions) == shared[1]


def test_identifiers_in_the_outputs(shipped_kb: KnowledgeBase) -> None:
    trapezius = shipped_kb.identifiers["muscles"]["trapezius"]
    text = runner.invoke(app, ["muscle", "trapezius"]).stdout
    assert f"identifiers: {trapezius.uberon}" in text
    document = json.loads(runner.invoke(app, ["muscle", str(trapezius.uberon), "--json"]).stdout)
    assert document["id"] == "trapezius" and document["identifiers"]["uberon"] == trapezius.uberon
    result = json.loads(runner.invoke(app, ["where", "temple", "--json"]).stdout)
    by_id = {item["muscle"]["id"]: item["muscle"]["identifiers"] for item in result["results"]}
    assert by_id["trapezius"]["uberon"] == trapezius.uberon
    assert shipped_kb.where("temple")[0].muscle.identifiers is not None


# --------------------------------------------------------------------------- a broken identifiers file

_GOOD = """\
sources: [test_manual]
muscles:
  alpha:
    uberon: UBERON:0002380
    fma: FMA:9626
  beta:
    unmapped: no class names it
phenomena:
  dizziness:
    hpo: HP:0002321
    hpo_label: Vertigo
conditions:
  jaw_disorder:
    icd10cm: M26.609
regions:
  temple:
    uberon: UBERON:8480027
"""


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (("  alpha:\n", "  alphx:\n"), "unknown muscle 'alphx'"),
        (("    unmapped: no class names it\n", "    uberon: UBERON:1\n    unmapped: no class\n"), "not both"),
        (("    hpo_label: Vertigo\n", ""), "hpo and hpo_label go together"),
        (("    uberon: UBERON:0002380\n", "    uberon: [UBERON:0002380, UBERON:0002381]\n"), "relation: parts"),
        (("sources: [test_manual]", "sources: [nowhere]"), "unknown source 'nowhere'"),
        (("    icd10cm: M26.609\n", "    icd10cm: M26.609\n    uberon: UBERON:0001\n"), "do not apply"),
        (("    fma: FMA:9626\n", "    fma: UBERON:9626\n"), "fma ids start with FMA:"),
    ],
)
def test_a_broken_identifiers_file_is_reported(kb_dir: Path, change: tuple[str, str], expected: str) -> None:
    (kb_dir / "identifiers.yaml").write_text(_GOOD, encoding="utf-8")
    kb = nmt_referral.validate(kb_dir)
    assert kb.muscle("UBERON:0002380").id == "alpha"
    assert change[0] in _GOOD
    (kb_dir / "identifiers.yaml").write_text(_GOOD.replace(*change, 1), encoding="utf-8")
    with pytest.raises(KnowledgeBaseError) as error:
        nmt_referral.validate(kb_dir)
    assert any(expected in str(problem) for problem in error.value.problems), error.value.problems


def test_a_condition_site_carries_its_codes(shipped_kb: KnowledgeBase) -> None:
    coded = next(
        cid
        for cid, ids in shipped_kb.identifiers["conditions"].items()
        if ids.icd10cm and shipped_kb.conditions[cid].aliases
    )
    label = shipped_kb.conditions[coded].label
    site = shipped_kb.where(label).query.locations[0]
    assert site.kind == "condition" and site.identifiers is not None
    assert site.identifiers.icd10cm == shipped_kb.identifiers["conditions"][coded].icd10cm
    text = runner.invoke(app, ["where", label, "-n", "1"]).stdout
    assert f"ICD-10-CM {site.identifiers.icd10cm}" in text.splitlines()[0]
    document = json.loads(runner.invoke(app, ["where", label, "--json"]).stdout)
    assert document["query"]["locations"][0]["identifiers"]["icd10cm"] == site.identifiers.icd10cm
    region_site = shipped_kb.where("head").query.locations[0]
    assert region_site.identifiers is not None and region_site.identifiers.uberon
