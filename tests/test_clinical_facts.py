"""Cited clinical facts in the packaged knowledge base: a check that the notes say what the textbooks say,
and a coverage floor (the muscles therapists treat daily have their notes)."""

from __future__ import annotations

import pytest

from nmt_referral import KnowledgeBase

# (muscle, section, words one of its items must contain): standard facts of the trigger-point literature
FACTS = [
    ("piriformis", "entrapments", ("sciatic",)),
    ("scalenus_anterior", "entrapments", ("brachial plexus",)),
    ("pectoralis_minor", "entrapments", ("brachial plexus",)),
    ("supinator", "entrapments", ("radial",)),
    ("pronator_teres", "entrapments", ("median",)),
    ("sternocleidomastoid", "endangerment_sites", ("carotid",)),
    ("iliopsoas", "endangerment_sites", ("femoral",)),
    ("popliteus", "endangerment_sites", ("popliteal",)),
    ("fibularis_longus", "entrapments", ("fibular", "peroneal")),
]
MIN_MUSCLES_WITH_CORE_NOTES = 80
"""Muscles that have activation, palpation and self-care notes (87 when set; at least the 60 treated daily)."""


def _text(item: object) -> str:
    return " ".join(str(getattr(item, field, "")) for field in ("text", "nerve", "symptoms", "site", "caution")).lower()


@pytest.mark.parametrize(("muscle", "section", "words"), FACTS, ids=[f"{m}-{s}" for m, s, _w in FACTS])
def test_a_textbook_fact_is_in_the_notes(
    shipped_kb: KnowledgeBase, muscle: str, section: str, words: tuple[str, ...]
) -> None:
    items = getattr(shipped_kb.care(muscle), section)
    assert any(any(word in _text(item) for word in words) for item in items), (muscle, section, items)
    assert all(item.sources for item in items)


def test_the_muscles_treated_daily_have_their_core_notes(shipped_kb: KnowledgeBase) -> None:
    complete = [c.muscle for c in shipped_kb.clinical.values() if c.activation and c.palpation and c.self_care]
    assert len(complete) >= MIN_MUSCLES_WITH_CORE_NOTES, f"{len(complete)}: {sorted(complete)}"


def test_general_safety_is_there(shipped_kb: KnowledgeBase) -> None:
    kinds = {c.kind for c in shipped_kb.contraindications.values()}
    assert {"absolute", "local", "caution"} <= kinds
    text = " ".join(f"{c.label} {c.text}".lower() for c in shipped_kb.contraindications.values())
    for topic in ("fracture", "infection", "thrombosis", "anticoag", "malignan", "inflamm"):
        assert topic in text, topic
    assert {"upper_crossed_syndrome", "lower_crossed_syndrome"} <= set(shipped_kb.postures)
