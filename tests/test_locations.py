"""Resolution of free text to regions, conditions and phenomena."""

from __future__ import annotations

import pytest

from nmt_referral import InvalidQueryError, KnowledgeBase, UnknownLocationError
from nmt_referral.text import normalise, side_prefix


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("Angle of the JAW", "angle jaw"),
        ("golfer's elbows", "golfer elbow"),
        ("Golfer\u2019s elbow", "golfer elbow"),
        ("teeth", "tooth"),
        ("Calves", "calf"),
        ("pelvis", "pelvis"),
        ("  épaule  ", "epaule"),
        ("pain", "pain"),
    ],
)
def test_normalise(text: str, key: str) -> None:
    assert normalise(text) == key


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("left temple", ("left", "temple")),
        ("temple on the right", ("right", "temple")),
        ("R shoulder", ("right", "shoulder")),
        ("right side of the neck", ("right", "neck")),
        ("left", (None, "left")),
        ("lateral epicondyle", (None, "lateral epicondyle")),
    ],
)
def test_side_words(text: str, expected: tuple[str | None, str]) -> None:
    assert side_prefix(text) == expected


@pytest.mark.parametrize(
    ("text", "region", "method"),
    [
        ("temple", "temple", "exact"),
        ("TEMPLES", "temple", "exact"),
        ("the angle of the jaw", "angle_of_jaw", "exact"),
        ("angle_of_jaw", "angle_of_jaw", "exact"),
        ("jaw angle", "angle_of_jaw", "word_order"),
        ("side of the head", "temple", "exact"),
        ("breastbone pain", "sternum", "exact"),
        ("tempel", "temple", "fuzzy"),
    ],
)
def test_resolve_region(kb_minimal: KnowledgeBase, text: str, region: str, method: str) -> None:
    resolved = kb_minimal.resolve_location(text)
    assert resolved.regions == (region,)
    assert resolved.method == method


def test_condition_and_symptom_terms(kb_minimal: KnowledgeBase) -> None:
    tmd = kb_minimal.resolve_location("TMD")
    assert (tmd.kind, tmd.method, tmd.regions) == ("condition", "condition", ("angle_of_jaw", "temple"))
    dizzy = kb_minimal.resolve_location("vertigo")
    assert (dizzy.kind, dizzy.regions, dizzy.phenomena) == ("phenomenon", (), ("dizziness",))


def test_side_in_phrase_overrides_default(kb_minimal: KnowledgeBase) -> None:
    assert kb_minimal.resolve_location("left temple", side="right").side == "left"
    assert kb_minimal.resolve_location("temple", side="right").side == "right"


def test_unknown_location_has_suggestions(kb_minimal: KnowledgeBase) -> None:
    with pytest.raises(UnknownLocationError) as caught:
        kb_minimal.resolve_location("frehd")
    error = caught.value
    assert isinstance(error, LookupError)
    assert error.query == "frehd"
    assert "Forehead" in error.suggestions
    assert "did you mean" in str(error)


def test_nonsense_is_unknown_not_empty_success(kb_minimal: KnowledgeBase) -> None:
    with pytest.raises(UnknownLocationError):
        kb_minimal.resolve_location("qwxz plorb")


@pytest.mark.parametrize("bad", ["", "   ", "\x00temple", "tem\x1bple", "x" * 5000, "!!!", None, 12])
def test_malformed_text_is_an_invalid_query(kb_minimal: KnowledgeBase, bad: object) -> None:
    with pytest.raises(InvalidQueryError):
        kb_minimal.resolve_location(bad)  # type: ignore[arg-type]


def test_bad_side(kb_minimal: KnowledgeBase) -> None:
    with pytest.raises(InvalidQueryError, match="side must be"):
        kb_minimal.resolve_location("temple", side="middle")  # type: ignore[arg-type]
