"""The packaged knowledge base: validates, is reachable, and answers a few textbook referrals.

Invariants only; exact counts change with every data update. The ranked recall over a literature
evaluation set lives in test_literature_eval.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import nmt_referral
from nmt_referral import KnowledgeBase
from nmt_referral.loader import packaged_data_dir
from nmt_referral.models import AREAS


def test_packaged_data_is_found_and_valid(shipped_kb: KnowledgeBase) -> None:
    root = packaged_data_dir()
    assert (root / "muscles").is_dir() and (root / "sources.yaml").is_file()
    assert Path(shipped_kb.root) == root
    assert len(shipped_kb.muscles) >= 30
    assert len(shipped_kb.conditions) >= 40


def test_every_area_has_muscles(shipped_kb: KnowledgeBase) -> None:
    areas = {m.area for m in shipped_kb.muscles.values()}
    assert areas == set(AREAS)


def test_every_pattern_cites_a_source_and_every_trp_has_a_location(shipped_kb: KnowledgeBase) -> None:
    for trp in shipped_kb.trigger_points.values():
        assert trp.location.strip()
        assert trp.pattern.sources and all(s in shipped_kb.sources for s in trp.pattern.sources)


def test_every_region_is_reachable_by_its_names(shipped_kb: KnowledgeBase) -> None:
    for region in shipped_kb.regions.values():
        for name in (region.label, *region.aliases):
            resolved = shipped_kb.resolve_location(name)
            assert (resolved.kind, resolved.id) == ("region", region.id), name


def test_every_condition_resolves_to_itself(shipped_kb: KnowledgeBase) -> None:
    for condition in shipped_kb.conditions.values():
        for name in (condition.label, *condition.aliases):
            assert shipped_kb.resolve_location(name).id == condition.id, name


@pytest.mark.parametrize(
    ("name", "muscle_id"),
    [
        ("SCM", "sternocleidomastoid"),
        ("upper traps", "trapezius"),
        ("levator scap", "levator_scapulae"),
        ("QL", "quadratus_lumborum"),
        ("TFL", "tensor_fasciae_latae"),
        ("ECRL", "extensor_carpi_radialis_longus"),
        ("peroneus longus", "fibularis_longus"),
        ("glute med", "gluteus_medius"),
    ],
)
def test_aliases_and_abbreviations(shipped_kb: KnowledgeBase, name: str, muscle_id: str) -> None:
    assert shipped_kb.muscle(name).id == muscle_id


@pytest.mark.parametrize(
    ("locations", "expected"),
    [
        # Simons, Travell & Simons 1999, ch. 5 (pain guide) and the muscle chapters
        (("temple",), {"temporalis", "trapezius"}),
        (("forehead",), {"sternocleidomastoid"}),
        (("temple", "angle of the jaw"), {"trapezius", "masseter"}),
        (("behind the eye",), {"sternocleidomastoid"}),
        (("lateral epicondyle",), {"supinator", "extensor_carpi_radialis_longus"}),
        (("front of the shoulder",), {"infraspinatus"}),
        # Travell & Simons 1992, pain guide
        (("sacroiliac joint",), {"quadratus_lumborum", "gluteus_medius"}),
        (("plantar heel",), {"soleus"}),
    ],
)
def test_textbook_referrals_rank_high(
    shipped_kb: KnowledgeBase, locations: tuple[str, ...], expected: set[str]
) -> None:
    top = {c.muscle.id for c in shipped_kb.where(*locations, limit=12)}
    assert expected <= top, f"{expected - top} not in top 12 for {locations}"


def test_load_default_is_the_packaged_kb() -> None:
    kb = nmt_referral.load()
    assert Path(kb.root) == packaged_data_dir()
    assert kb is nmt_referral.load()


def test_red_flags_on_textbook_mimics(shipped_kb: KnowledgeBase) -> None:
    assert "cardiac_ischaemia" in {f.id for f in shipped_kb.where("chest", side="left").red_flags}
    assert "cardiac_ischaemia" not in {f.id for f in shipped_kb.where("chest", side="right").red_flags}
    assert "deep_vein_thrombosis" in {f.id for f in shipped_kb.where("calf").red_flags}
    assert shipped_kb.where("lateral epicondyle").red_flags == ()
    assert "serious_headache" not in {f.id for f in shipped_kb.where("angle of the jaw").red_flags}
