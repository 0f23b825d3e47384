"""Overlays a clinic can live with: patches add aliases, zones and notes to records defined elsewhere,
every problem is reported in one pass, and validate names the overlays and every file they replace."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

import nmt_referral
from nmt_referral import KnowledgeBaseError
from nmt_referral.cli import EXIT_INVALID_KB, app

from .conftest import KB_MINIMAL

runner = CliRunner()

_SOURCES = """\
sources:
  - id: clinic_2026
    citation: Our clinic's own observations, 2026.
    kind: web
"""

_PATCHES = """\
patches:
  - muscle: alpha
    aliases: [jaw closer]
    notes: Clinic note on alpha.
  - trigger_point: alpha_1
    essential: [forehead]
    sources: [clinic_2026]
    notes: Forehead pain seen in our patients.
  - region: temple
    aliases: [side of the skull]
  - condition: jaw_disorder
    notes: Clinic note on the jaw disorder.
"""


def _overlay(tmp_path: Path, patches: str = _PATCHES, name: str = "overlay") -> Path:
    overlay = tmp_path / name
    (overlay / "patches").mkdir(parents=True)
    (overlay / "patches" / "clinic.yaml").write_text(patches, encoding="utf-8")
    (overlay / "sources").mkdir()
    (overlay / "sources" / "clinic.yaml").write_text(_SOURCES, encoding="utf-8")
    return overlay


def test_patches_add_to_records_without_copying_them(tmp_path: Path) -> None:
    base = nmt_referral.validate(KB_MINIMAL)
    kb = nmt_referral.validate(KB_MINIMAL, overlays=[_overlay(tmp_path)])
    assert kb.patches_applied == 4
    alpha = kb.muscle("jaw closer")
    assert alpha.id == "alpha" and set(base.muscles["alpha"].aliases) < set(alpha.aliases)
    assert alpha.notes and alpha.notes.endswith("Clinic note on alpha.")
    pattern = alpha.trigger_points[0].pattern
    assert [z.region for z in pattern.essential] == ["temple", "forehead"]
    assert pattern.sources == ("test_manual", "clinic_2026")
    assert "alpha" not in {c.muscle.id for c in base.where("forehead")}
    assert "alpha" in {c.muscle.id for c in kb.where("forehead")}
    assert kb.resolve_location("side of the skull").regions == ("temple",)
    assert kb.conditions["jaw_disorder"].notes and "Clinic note" in kb.conditions["jaw_disorder"].notes
    assert (
        base.muscles["alpha"].trigger_points[0].pattern.essential
        == base.muscles["alpha"].trigger_points[0].pattern.essential
    )


def test_a_patch_on_the_packaged_knowledge_base(tmp_path: Path) -> None:
    overlay = _overlay(tmp_path, "patches:\n  - muscle: trapezius\n    aliases: [coat-hanger muscle]\n")
    kb = nmt_referral.load(overlays=[overlay])
    assert kb.muscle("coat-hanger muscle").id == "trapezius"
    result = runner.invoke(app, ["validate", "--overlay", str(overlay)])
    assert result.exit_code == 0 and f"+ overlay {overlay}" in result.stdout and "applied 1 patch" in result.stdout


_BROKEN = """\
patches:
  - muscle: nosuch
    aliases: [x]
  - trigger_point: alpha_1
    essential: [forehead]
  - trigger_point: alpha_1
    essential: [temple]
    sources: [clinic_2026]
  - trigger_point: alpha_1
    spillover: [nowhere]
    sources: [clinic_2026]
  - trigger_point: alpha_1
    essential: [forehead]
    sources: [unknown_source]
  - muscle: alpha
    region: temple
    aliases: [y]
  - trigger_point: alpha_9
    notes: no such trigger point
  - region: temple
"""


def test_every_broken_patch_is_reported_in_one_pass(tmp_path: Path) -> None:
    overlay = _overlay(tmp_path, _BROKEN)
    with pytest.raises(KnowledgeBaseError) as error:
        nmt_referral.validate(KB_MINIMAL, overlays=[overlay])
    messages = [str(p) for p in error.value.problems]
    expected = [
        "unknown muscle 'nosuch'",
        "added zones need sources",
        "already has region 'temple'",
        "unknown region 'nowhere'",
        "unknown source 'unknown_source'",
        "exactly one of",
        "unknown trigger point 'alpha_9'",
        "adds aliases, zones or notes",
    ]
    for text in expected:
        assert sum(text in m for m in messages) == 1, (text, messages)
    assert all("clinic.yaml" in m for m in messages)


def test_overlay_problems_are_all_reported_with_the_others(tmp_path: Path) -> None:
    broken = tmp_path / "broken"
    (broken / "muscles").mkdir(parents=True)
    (broken / "muscles" / "alpha.yaml").write_text("id: alpha\nname: [\n", encoding="utf-8")
    (broken / "muscles" / "beta.yaml").write_text("id: beta\n", encoding="utf-8")
    missing = tmp_path / "not_there"
    with pytest.raises(KnowledgeBaseError) as error:
        nmt_referral.validate(KB_MINIMAL, overlays=[missing, broken])
    paths = {Path(p.path).name for p in error.value.problems}
    assert {"not_there", "alpha.yaml", "beta.yaml"} <= paths


def test_validate_names_every_file_an_overlay_replaces(tmp_path: Path) -> None:
    overlay = tmp_path / "clinic"
    (overlay / "muscles").mkdir(parents=True)
    shutil.copy(KB_MINIMAL / "muscles" / "beta.yaml", overlay / "muscles" / "beta.yaml")
    kb = nmt_referral.validate(KB_MINIMAL, overlays=[overlay])
    assert len(kb.shadowed_files) == 1 and "beta.yaml" in kb.shadowed_files[0]
    result = runner.invoke(app, ["validate", str(KB_MINIMAL), "--overlay", str(overlay)])
    assert result.exit_code == 0
    assert f"+ overlay {overlay}" in result.stdout
    assert f"{overlay / 'muscles' / 'beta.yaml'} replaces {KB_MINIMAL / 'muscles' / 'beta.yaml'}" in result.stdout
    broken = runner.invoke(app, ["validate", str(KB_MINIMAL), "--overlay", str(_overlay(tmp_path, _BROKEN, "o2"))])
    assert broken.exit_code == EXIT_INVALID_KB and broken.stdout.count("clinic.yaml") >= 8
