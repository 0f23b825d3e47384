"""Loader: good data loads completely; every kind of bad data is reported as file:line."""

from __future__ import annotations

from pathlib import Path

import pytest

import nmt_referral
from nmt_referral import KnowledgeBaseError


def problems_of(directory: Path) -> list[str]:
    with pytest.raises(KnowledgeBaseError) as caught:
        nmt_referral.validate(directory)
    assert isinstance(caught.value, ValueError)
    return [str(p) for p in caught.value.problems]


def replace(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1))


def test_minimal_kb_loads_every_record(kb_minimal: nmt_referral.KnowledgeBase) -> None:
    assert sorted(kb_minimal.muscles) == ["alpha", "beta", "delta", "epsilon", "gamma"]
    assert len(kb_minimal.trigger_points) == 6
    assert kb_minimal.regions["angle_of_jaw"].parent == "jaw"
    assert kb_minimal.ancestors("angle_of_jaw") == ("jaw", "head")
    assert set(kb_minimal.descendants("head")) == {"temple", "forehead", "jaw", "angle_of_jaw"}
    beta = kb_minimal.muscles["beta"]
    assert [t.pattern.trigger_point for t in beta.trigger_points] == ["beta_1", "beta_2"]


def test_dangling_region_is_reported_with_file_and_line(kb_dir: Path) -> None:
    replace(kb_dir / "patterns" / "alpha.yaml", "spillover: [angle_of_jaw]", "spillover: [angle_of_jow]")
    problems = problems_of(kb_dir)
    assert len(problems) == 1
    assert problems[0].startswith(f"{kb_dir / 'patterns' / 'alpha.yaml'}:6: ")
    assert "unknown region 'angle_of_jow'" in problems[0]
    assert "did you mean angle_of_jaw" in problems[0]


def test_every_problem_is_reported_not_just_the_first(kb_dir: Path) -> None:
    replace(kb_dir / "patterns" / "alpha.yaml", "sources: [test_manual]", "sources: [no_such_book]")
    replace(kb_dir / "patterns" / "beta.yaml", "essential: [angle_of_jaw]", "essential: [elbow]")
    replace(kb_dir / "regions" / "body.yaml", "parent: jaw", "parent: jawbone")
    problems = problems_of(kb_dir)
    assert any("alpha.yaml:8:" in p and "unknown source 'no_such_book'" in p for p in problems)
    assert any("beta.yaml:5:" in p and "unknown region 'elbow'" in p for p in problems)
    assert any("body.yaml:15:" in p and "unknown parent 'jawbone'" in p for p in problems)


def test_missing_required_field(kb_dir: Path) -> None:
    replace(kb_dir / "muscles" / "gamma.yaml", "    location: Gamma belly.\n", "")
    problems = problems_of(kb_dir)
    assert any("gamma.yaml:5:" in p and "location" in p and "Field required" in p for p in problems)


def test_unknown_key_is_rejected(kb_dir: Path) -> None:
    replace(
        kb_dir / "patterns" / "epsilon.yaml", "    essential: [temple]", "    essential: [temple]\n    spilover: [head]"
    )
    problems = problems_of(kb_dir)
    assert problems == [f"{kb_dir / 'patterns' / 'epsilon.yaml'}:6: unknown key 'spilover'"]


def test_duplicate_region_id(kb_dir: Path) -> None:
    (kb_dir / "regions" / "more.yaml").write_text(
        "regions:\n  - id: temple\n    label: Temple again\n    parent: head\n"
    )
    problems = problems_of(kb_dir)
    assert any("more.yaml:2:" in p and "duplicate regions id 'temple'" in p and "body.yaml:4" in p for p in problems)


def test_duplicate_mapping_key_is_an_error_not_data_loss(kb_dir: Path) -> None:
    replace(kb_dir / "muscles" / "delta.yaml", "area: neck\n", "area: neck\narea: head_face\n")
    problems = problems_of(kb_dir)
    assert problems == [f"{kb_dir / 'muscles' / 'delta.yaml'}:4: duplicate key 'area' (first given on line 3)"]


def test_region_cycle(kb_dir: Path) -> None:
    replace(
        kb_dir / "regions" / "body.yaml",
        "  - id: head\n    label: Head\n",
        "  - id: head\n    label: Head\n    parent: angle_of_jaw\n",
    )
    problems = problems_of(kb_dir)
    assert any("cycle in the region tree" in p for p in problems)


def test_trigger_point_without_pattern(kb_dir: Path) -> None:
    with (kb_dir / "muscles" / "epsilon.yaml").open("a") as handle:
        handle.write("  - id: epsilon_2\n    name: TrP2\n    location: Elsewhere.\n")
    problems = problems_of(kb_dir)
    assert any("trigger point 'epsilon_2' has no referral pattern" in p for p in problems)


def test_pattern_for_unknown_trigger_point_and_muscle(kb_dir: Path) -> None:
    replace(kb_dir / "patterns" / "epsilon.yaml", "trigger_point: epsilon_1", "trigger_point: epsilon_9")
    (kb_dir / "patterns" / "zeta.yaml").write_text(
        "muscle: zeta\npatterns:\n  - trigger_point: zeta_1\n    side: ipsilateral\n"
        "    essential: [head]\n    sources: [test_manual]\n"
    )
    problems = problems_of(kb_dir)
    assert any("epsilon.yaml:3:" in p and "unknown trigger point 'epsilon_9'" in p for p in problems)
    assert any("zeta.yaml:1:" in p and "unknown muscle 'zeta'" in p for p in problems)


def test_file_name_must_match_id(kb_dir: Path) -> None:
    (kb_dir / "muscles" / "gamma.yaml").rename(kb_dir / "muscles" / "gamma2.yaml")
    problems = problems_of(kb_dir)
    assert any("gamma2.yaml:1: id 'gamma' must equal the file name 'gamma2'" in p for p in problems)


def test_alias_collision_between_records(kb_dir: Path) -> None:
    replace(kb_dir / "regions" / "body.yaml", "aliases: [breastbone]", "aliases: [breastbone, Temples]")
    problems = problems_of(kb_dir)
    assert any("'Temples' of region 'sternum' is already used by region 'temple'" in p for p in problems)


def test_pattern_without_source_or_zone(kb_dir: Path) -> None:
    replace(kb_dir / "patterns" / "gamma.yaml", "    sources: [test_manual]\n", "    sources: []\n")
    replace(kb_dir / "patterns" / "epsilon.yaml", "    essential: [temple]\n", "")
    problems = problems_of(kb_dir)
    assert any("gamma.yaml:6:" in p and "at least 1 item" in p for p in problems)
    assert any("epsilon.yaml:" in p and "at least one essential or spillover zone, or phenomena" in p for p in problems)


def test_bad_slug_id(kb_dir: Path) -> None:
    replace(kb_dir / "regions" / "body.yaml", "  - id: forehead", "  - id: Fore-head")
    problems = problems_of(kb_dir)
    assert any("body.yaml:8:" in p and "regions.2.id" in p for p in problems)


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("", "file is empty"),
        ("- just\n- a list\n", "expected a mapping at the top of the file, found a list"),
        ("x: !!python/object/apply:os.system ['true']\n", "is not allowed"),
        ("a: &anchor 1\nb: *anchor\n", "anchors (&name) are not allowed"),
        ("id: x\n\tname: y\n", "YAML syntax error"),
    ],
)
def test_malformed_files(kb_dir: Path, content: str, expected: str) -> None:
    (kb_dir / "muscles" / "gamma.yaml").write_text(content)
    problems = problems_of(kb_dir)
    assert any("gamma.yaml" in p and expected in p for p in problems), problems


def test_missing_directory_and_file_instead_of_directory(tmp_path: Path) -> None:
    problems = problems_of(tmp_path / "nope")
    assert problems == [f"{tmp_path / 'nope'}: directory does not exist"]
    (tmp_path / "file.yaml").write_text("a: 1\n")
    assert problems_of(tmp_path / "file.yaml") == [f"{tmp_path / 'file.yaml'}: not a directory"]


def test_nothing_is_half_loaded_and_load_is_cached(kb_dir: Path) -> None:
    first = nmt_referral.load(kb_dir)
    assert nmt_referral.load(kb_dir) is first
    replace(kb_dir / "patterns" / "alpha.yaml", "essential: [temple]", "essential: [nowhere]")
    nmt_referral.clear_cache()
    with pytest.raises(KnowledgeBaseError):
        nmt_referral.load(kb_dir)


def test_environment_variable_selects_the_knowledge_base(kb_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NMT_REFERRAL_DATA", str(kb_dir))
    assert sorted(nmt_referral.load().muscles) == ["alpha", "beta", "delta", "epsilon", "gamma"]


def test_overlay_replaces_and_adds_files(kb_dir: Path, tmp_path: Path) -> None:
    overlay = tmp_path / "overlay"
    (overlay / "muscles").mkdir(parents=True)
    (overlay / "patterns").mkdir()
    (overlay / "muscles" / "zeta.yaml").write_text(
        "id: zeta\nname: Zeta muscle\narea: neck\ntrigger_points:\n  - id: zeta_1\n    name: TrP1\n    location: Z.\n"
    )
    (overlay / "patterns" / "zeta.yaml").write_text(
        "muscle: zeta\npatterns:\n  - trigger_point: zeta_1\n    side: ipsilateral\n    essential: [sternum]\n"
        "    sources: [test_manual]\n"
    )
    kb = nmt_referral.load(kb_dir, overlays=[overlay])
    assert "zeta" in kb.muscles
    assert [c.muscle.id for c in kb.where("breastbone")] == ["zeta", "delta"]


@pytest.fixture
def guided_dir(tmp_path: Path) -> Path:
    """A private, writable copy of the guided fixture knowledge base."""
    import shutil

    from .conftest import KB_GUIDED

    target = tmp_path / "guided"
    shutil.copytree(KB_GUIDED, target)
    return target


def test_guide_listing_a_muscle_with_no_zone_near_its_area_is_an_error(guided_dir: Path) -> None:
    guides = guided_dir / "guides.yaml"
    replace(guides, "muscles: [beta, gamma]", "muscles: [beta, gamma, omega]")  # omega refers to the palm
    problems = problems_of(guided_dir)
    assert any(p.startswith(f"{guides}:2: ") and "'omega'" in p and "temple" in p for p in problems), problems


def test_guide_references_are_checked(guided_dir: Path) -> None:
    guides = guided_dir / "guides.yaml"
    replace(guides, "source: test_manual", "source: no_such_book")
    replace(guides, "muscles: [beta, gamma]", "muscles: [beta, beta, nobody]")
    problems = problems_of(guided_dir)
    for expected in ("unknown source 'no_such_book'", "listed twice", "unknown muscle 'nobody'"):
        assert any(p.startswith(f"{guides}:2: ") and expected in p for p in problems), (expected, problems)


def test_adjacency_must_name_a_known_region_other_than_family(guided_dir: Path) -> None:
    regions = guided_dir / "regions" / "body.yaml"
    replace(regions, "adjacent: [forehead]", "adjacent: [forehed, head]")
    problems = problems_of(guided_dir)
    assert any("unknown region 'forehed'" in p and "did you mean forehead" in p for p in problems), problems
    assert any("adjacent 'head' is itself, parent or child" in p for p in problems), problems


def test_phenomena_at_must_name_listed_phenomena_and_known_regions(guided_dir: Path) -> None:
    pattern = guided_dir / "patterns" / "sigma.yaml"
    replace(pattern, "pilomotor_response: [hand]", "pilomotor_response: [hnd]\n      paresthesia: [hand]")
    problems = problems_of(guided_dir)
    assert any(str(pattern) in p and "paresthesia" in p for p in problems), problems


def test_a_region_tree_deeper_than_the_limit_is_refused_once(kb_dir: Path) -> None:
    from nmt_referral.loader import MAX_REGION_DEPTH

    chain = ["regions:"]
    parent = "head"
    for index in range(3000):  # a 3,000-deep parent chain: refused with one problem, not a long wait
        chain += [f"  - id: deep_{index}", f"    label: Deep {index}", f"    parent: {parent}"]
        parent = f"deep_{index}"
    (kb_dir / "regions" / "deep.yaml").write_text("\n".join(chain) + "\n")
    problems = problems_of(kb_dir)
    deep = [p for p in problems if "levels below the top" in p]
    assert len(deep) == 1 and f"at most {MAX_REGION_DEPTH}" in deep[0]
    # the first region past the limit is named, at its line
    assert f"'deep_{MAX_REGION_DEPTH}'" in deep[0] and "deep.yaml:" in deep[0]


def test_a_wide_region_tree_loads(kb_dir: Path) -> None:
    lines = ["regions:"]
    for index in range(3000):
        lines += [f"  - id: wide_{index}", f"    label: Wide {index}", "    parent: head"]
    (kb_dir / "regions" / "wide.yaml").write_text("\n".join(lines) + "\n")
    kb = nmt_referral.validate(kb_dir)
    assert len(kb.children("head")) >= 3000


def test_one_invalid_record_is_one_problem_not_one_per_reference(tmp_path: Path) -> None:
    """A source with an out-of-range year: reported on its line, the references to it summarised
    there (not 500 "unknown source" problems with the real one last)."""
    import shutil

    from nmt_referral.loader import packaged_data_dir

    target = tmp_path / "data"
    shutil.copytree(packaged_data_dir(), target)
    sources = target / "sources.yaml"
    text = sources.read_text()
    start = text.index("id: simons_travell_1999")
    year = text.index("year: 1999", start)
    sources.write_text(text[:year] + "year: 3999" + text[year + len("year: 1999") :])
    problems = problems_of(target)
    assert len(problems) == 2, problems
    assert all(p.startswith(f"{sources}:") for p in problems)
    assert any("year" in p for p in problems)
    assert any("references to source 'simons_travell_1999' not checked" in p for p in problems)


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("muscle: omega", "muscle: omegaa", "must equal the file name"),
        ("    sources: [test_website]", "    sources: [no_such_source]", "unknown source 'no_such_source'"),
        ("  - muscle: kappa", "  - muscle: nobody", "unknown muscle 'nobody'"),
        ("    phenomenon: paresthesia", "    phenomenon: tickles", "unknown phenomenon 'tickles'"),
        ("  - text: Gripping for long periods.\n    sources: [test_manual]\n", "  - text: Gripping.\n", "sources"),
    ],
    ids=["file_name", "unknown_source", "unknown_satellite", "unknown_phenomenon", "uncited_item"],
)
def test_clinical_files_are_checked(guided_dir: Path, old: str, new: str, expected: str) -> None:
    path = guided_dir / "clinical" / "omega.yaml"
    replace(path, old, new)
    problems = problems_of(guided_dir)
    assert any(p.startswith(f"{path}:") and expected in p for p in problems), problems


def test_postures_name_known_muscles(guided_dir: Path) -> None:
    path = guided_dir / "postures.yaml"
    replace(path, "short: [alpha, beta]", "short: [alpha, zeta]")
    assert any("unknown muscle 'zeta'" in p for p in problems_of(guided_dir))
