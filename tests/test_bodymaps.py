"""Standard body maps, both ways: the packaged crosswalks are complete and consistent, codes query
their regions on their side, candidates' zones come back as codes, and a broken crosswalk is reported."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

import nmt_referral
from nmt_referral import InvalidQueryError, KnowledgeBase, KnowledgeBaseError, UnknownBodyMapError
from nmt_referral.cli import EXIT_INVALID_KB, EXIT_USAGE, app
from nmt_referral.interop.bodymaps import codes_for_regions, find_area

runner = CliRunner()

CHOIR_FEMALE = {"112": "116", "113": "117", "114": "112", "115": "113", "116": "114", "117": "115"}
"""Female CHOIR code -> the male code of the same segment (CHOIRBM convert_bodymap)."""


def _zone_regions(kb: KnowledgeBase) -> set[str]:
    return {
        zone.region
        for muscle in kb.muscles.values()
        for trp in muscle.trigger_points
        for kind in ("essential", "spillover")
        for zone in getattr(trp.pattern, kind)
    }


# --------------------------------------------------------------------------- the packaged crosswalks


def test_the_three_standard_maps_are_complete(shipped_kb: KnowledgeBase) -> None:
    choir, michigan, wpi = (shipped_kb.body_maps[m] for m in ("choir", "michigan", "wpi"))
    assert sorted(a.code for a in choir.areas) == [str(c) for c in [*range(101, 137), *range(201, 239)]]
    assert [a for a in michigan.areas if not a.no_pain].__len__() == 35
    assert [a.label for a in michigan.areas if a.no_pain] == ["No Chronic Pain"]
    assert len(wpi.areas) == 19 and {a.group for a in wpi.areas} == {1, 2, 3, 4, 5}
    assert len([a for a in wpi.areas if a.excluded_from_generalized]) == 4  # jaw x2, chest, abdomen
    for body_map in (choir, michigan, wpi):
        assert body_map.source in shipped_kb.sources
        for area in body_map.areas:
            assert area.reason.strip() and all(r in shipped_kb.regions for r in area.regions)


def test_choir_female_renumbering(shipped_kb: KnowledgeBase) -> None:
    for female, male in CHOIR_FEMALE.items():
        assert find_area(shipped_kb, "choir", female, sex="female") == find_area(shipped_kb, "choir", male)
    assert find_area(shipped_kb, "choir", "101", sex="female") == find_area(shipped_kb, "choir", "101")
    female = shipped_kb.where_body_map("choir", "112", sex="female")
    male = shipped_kb.where_body_map("choir", "116")
    assert [c.muscle.id for c in female] == [c.muscle.id for c in male]


@pytest.mark.parametrize("map_id", ["choir", "michigan"])
def test_every_zone_region_comes_back_as_a_code(shipped_kb: KnowledgeBase, map_id: str) -> None:
    """Whole-body maps reach every region a referral zone uses (CHOIR draws no perineum: seen in neither
    view, documented in its notes)."""
    unreached = {r for r in _zone_regions(shipped_kb) if not codes_for_regions(shipped_kb, map_id, [r])}
    assert unreached <= ({"perineum"} if map_id == "choir" else set())


@pytest.mark.parametrize("map_id", ["choir", "michigan", "wpi"])
def test_an_area_maps_back_to_its_own_code(shipped_kb: KnowledgeBase, map_id: str) -> None:
    for area in shipped_kb.body_maps[map_id].areas:
        if area.regions:
            side = None if area.side == "midline" else area.side
            assert area.code in codes_for_regions(shipped_kb, map_id, area.regions, side=side)


def test_codes_query_their_regions_on_their_side(shipped_kb: KnowledgeBase) -> None:
    chest_left = next(a for a in shipped_kb.body_maps["choir"].areas if a.side == "left" and "chest" in a.label.lower())
    result = shipped_kb.where_body_map("choir", chest_left.code, limit=10)
    site = result.query.locations[0]
    assert site.method == "body_map" and site.side == "left" and site.regions == chest_left.regions
    assert "cardiac_ischaemia" in {flag.id for flag in result.red_flags}  # left chest: the red flag shows
    assert result.results and all(c.matches for c in result)
    by_words = shipped_kb.where("left chest", limit=10)
    assert {c.muscle.id for c in result} & {c.muscle.id for c in by_words}


def test_body_map_errors(shipped_kb: KnowledgeBase) -> None:
    with pytest.raises(UnknownBodyMapError) as unknown_map:
        shipped_kb.where_body_map("nope", "1")
    assert "choir" in unknown_map.value.suggestions
    with pytest.raises(UnknownBodyMapError) as unknown_code:
        shipped_kb.where_body_map("choir", "199")
    assert unknown_code.value.suggestions and all(s.startswith("1") for s in unknown_code.value.suggestions)
    no_pain = next(a for a in shipped_kb.body_maps["michigan"].areas if a.no_pain)
    with pytest.raises(InvalidQueryError):
        shipped_kb.where_body_map("michigan", no_pain.code)
    with pytest.raises(InvalidQueryError):
        shipped_kb.where_body_map("choir")


# --------------------------------------------------------------------------- command line


def test_cli_where_body_map_in_and_out(shipped_kb: KnowledgeBase) -> None:
    result = runner.invoke(app, ["where", "--body-map", "choir", "108", "112", "--body-map-out", "michigan", "--json"])
    assert result.exit_code == 0, result.stderr
    document = json.loads(result.stdout)
    assert [site["text"] for site in document["query"]["locations"]] == ["choir 108", "choir 112"]
    michigan_codes = {a.code for a in shipped_kb.body_maps["michigan"].areas}
    for item in document["results"]:
        codes = item["body_map_codes"]
        assert codes["body_map"] == "michigan" and codes["codes"] and set(codes["codes"]) <= michigan_codes
    text = runner.invoke(app, ["where", "--body-map", "choir", "108", "--body-map-out", "wpi", "-n", "3"])
    assert text.exit_code == 0 and text.stdout.count("wpi codes:") == 3 and "Chest" in text.stdout


def test_cli_body_map_codes_are_on_the_pain_side(shipped_kb: KnowledgeBase) -> None:
    result = runner.invoke(app, ["where", "left shoulder", "--body-map-out", "choir", "--json", "-n", "5"])
    sides = {a.code: a.side for a in shipped_kb.body_maps["choir"].areas}
    for item in json.loads(result.stdout)["results"]:
        assert item["body_map_codes"]["codes"]
        assert {sides[c] for c in item["body_map_codes"]["codes"]} <= {"left", "midline", None}


@pytest.mark.parametrize(
    "args",
    [
        ["where", "--body-map", "choir", "108", "--side", "left"],
        ["where", "--body-map", "nope", "108"],
        ["where", "temple", "--body-map-out", "nope"],
        ["where", "--body-map", "choir", "108", "--sex", "other"],
        ["regions", "--body-map", "nope"],
    ],
)
def test_cli_body_map_usage_errors(args: list[str]) -> None:
    result = runner.invoke(app, [*args, "--json"])
    assert result.exit_code == EXIT_USAGE and json.loads(result.stderr)["error"]["message"]


def test_cli_regions_body_map_table(shipped_kb: KnowledgeBase) -> None:
    text = runner.invoke(app, ["regions", "--body-map", "choir"])
    assert text.exit_code == 0
    for area in shipped_kb.body_maps["choir"].areas:
        assert f"\n{area.code}" in text.stdout
    assert "female form: 116" in text.stdout
    rows = json.loads(runner.invoke(app, ["regions", "--body-map", "wpi", "--json"]).stdout)
    assert len(rows) == 19 and all(row["reason"] and row["regions"] for row in rows)


# --------------------------------------------------------------------------- a broken crosswalk


_GOOD = """\
body_map:
  id: clinic
  label: Clinic form
  source: test_manual
  areas:
    - code: "1"
      label: Left temple
      side: left
      regions: [temple]
      reason: The temple.
    - code: "2"
      label: Jaw angle, right
      side: right
      female_code: "3"
      regions: [angle_of_jaw]
      reason: The angle of the jaw.
    - code: "9"
      label: No pain
      no_pain: true
      reason: The no-pain box.
"""


def _write(kb_dir: Path, text: str, name: str = "clinic") -> None:
    (kb_dir / "bodymaps").mkdir(exist_ok=True)
    (kb_dir / "bodymaps" / f"{name}.yaml").write_text(text, encoding="utf-8")


def test_a_clinic_body_map_works_end_to_end(kb_dir: Path) -> None:
    _write(kb_dir, _GOOD)
    kb = nmt_referral.validate(kb_dir)
    result = kb.where_body_map("clinic", "1")
    assert result.query.locations[0].side == "left" and result.results
    assert kb.where_body_map("clinic", "3", sex="female").query.locations[0].regions == ("angle_of_jaw",)
    assert kb.body_map_codes("clinic", ["jaw"]) == ("2",)  # the area holds a part of the jaw


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (("regions: [temple]", "regions: [templ]"), "unknown region 'templ'"),
        (('code: "2"', 'code: "1"'), "duplicate code '1'"),
        (('female_code: "3"', 'female_code: "1"'), "duplicate female-form code '1'"),
        (("source: test_manual", "source: nowhere"), "unknown source 'nowhere'"),
        (("id: clinic", "id: other"), "must equal the file name"),
        (("      reason: The temple.\n", ""), "reason"),
        (("      no_pain: true\n", ""), "at least one region"),
    ],
)
def test_a_broken_body_map_is_reported(kb_dir: Path, change: tuple[str, str], expected: str) -> None:
    assert change[0] in _GOOD
    _write(kb_dir, _GOOD.replace(*change, 1))
    with pytest.raises(KnowledgeBaseError) as error:
        nmt_referral.validate(kb_dir)
    assert any(expected in str(problem) and "clinic.yaml" in problem.path for problem in error.value.problems)
    result = runner.invoke(app, ["validate", str(kb_dir)])
    assert result.exit_code == EXIT_INVALID_KB


def test_a_zone_is_explained_once_per_site(shipped_kb: KnowledgeBase) -> None:
    """An area of several regions can reach one zone from more than one of them: it is listed once,
    with its strongest relation."""
    for code in ("108", "109", "207", "215"):
        for candidate in shipped_kb.where_body_map("choir", code):
            keys = [(m.location, m.trigger_point, m.region) for m in candidate.matches]
            assert len(keys) == len(set(keys)), (code, candidate.muscle.id)
