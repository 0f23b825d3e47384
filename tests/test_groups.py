"""Muscle groups the way therapists say them: the group and its members' patterns, never one member
guessed for the group's name."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

import nmt_referral
from nmt_referral import KnowledgeBase, KnowledgeBaseError
from nmt_referral.cli import app

runner = CliRunner()

SAID = {
    "hamstrings": {"biceps_femoris", "semitendinosus", "semimembranosus"},
    "quads": {"rectus_femoris", "vastus_lateralis", "vastus_medialis", "vastus_intermedius"},
    "rotator cuff": {"supraspinatus", "infraspinatus", "teres_minor", "subscapularis"},
    "erector spinae": {"iliocostalis_lumborum", "iliocostalis_thoracis", "longissimus_thoracis"},
    "scalenes": {"scalenus_anterior", "scalenus_medius", "scalenus_posterior", "scalenus_minimus"},
    "glutes": {"gluteus_maximus", "gluteus_medius", "gluteus_minimus"},
    "adductors": {"adductor_longus", "adductor_brevis", "adductor_magnus"},
    "obliques": {"external_oblique", "internal_oblique"},
    "multifidus": {"cervical_multifidi", "thoracolumbar_multifidi"},
}


@pytest.mark.parametrize(("said", "members"), SAID.items())
def test_a_group_name_gives_the_group(shipped_kb: KnowledgeBase, said: str, members: set[str]) -> None:
    group = shipped_kb.group(said)
    assert group is not None and set(group.members) == members
    result = runner.invoke(app, ["muscle", said])
    assert result.exit_code == 0 and "closest match" not in result.stderr
    for member in members:
        muscle = shipped_kb.muscles[member]
        assert muscle.name in result.stdout and muscle.trigger_points[0].name in result.stdout


def test_group_json_and_sources(shipped_kb: KnowledgeBase) -> None:
    document = json.loads(runner.invoke(app, ["muscle", "rotator cuff", "--json"]).stdout)
    assert document["group"]["id"] == "rotator_cuff"
    assert [m["id"] for m in document["muscles"]] == list(shipped_kb.groups["rotator_cuff"].members)
    for group in shipped_kb.groups.values():
        assert all(source in shipped_kb.sources for source in group.sources)
    assert shipped_kb.group("trapezius") is None  # a muscle's name is not a group's


def test_a_group_may_not_take_a_muscles_name_or_an_unknown_member(kb_dir: Path) -> None:
    (kb_dir / "groups.yaml").write_text(
        "groups:\n"
        "  - id: pair\n    label: Pair\n    aliases: [AM]\n    members: [alpha, beta]\n    sources: [test_manual]\n"
        "  - id: other\n    label: Other\n    members: [alpha, nosuch]\n    sources: [test_manual]\n",
        encoding="utf-8",
    )
    with pytest.raises(KnowledgeBaseError) as error:
        nmt_referral.validate(kb_dir)
    messages = " ".join(str(p) for p in error.value.problems)
    assert "'AM' is already a muscle's name" in messages and "unknown muscle 'nosuch'" in messages


def test_where_names_the_groups_among_its_candidates(shipped_kb: KnowledgeBase) -> None:
    from nmt_referral.render import groups_text, where_brief

    result = shipped_kb.where("back of the thigh", limit=10)
    shown = [candidate.muscle.id for candidate in result]
    hamstrings = shipped_kb.groups["hamstrings"]
    in_result = [m for m in hamstrings.members if m in shown]
    assert len(in_result) >= 2
    line = next(line for line in groups_text(shipped_kb, result) if line.startswith(f"Group: {hamstrings.label}:"))
    for member in in_result:
        assert f"{shipped_kb.muscles[member].name} #{shown.index(member) + 1}" in line
    assert line in where_brief(shipped_kb, result)
    lone = shipped_kb.where("temple", limit=1)
    assert groups_text(shipped_kb, lone) == []  # one muscle makes no group


def test_a_location_given_to_muscle_gets_a_hint_towards_where() -> None:
    result = runner.invoke(app, ["muscle", "shoulder"])
    assert result.exit_code == 2
    assert "nmt-referral where shoulder" in result.output
