"""The phrase grammar (phrases.py) and how its parts resolve (locations.py), on crafted fixtures."""

from __future__ import annotations

import pytest

from nmt_referral import KnowledgeBase, UnknownLocationError
from nmt_referral.phrases import orientation_variants, parse
from nmt_referral.text import normalise


def test_parse_splits_sites_and_shares_a_leading_side() -> None:
    sites = parse("left neck and shoulder pain")
    assert [s.place for s in sites] == ["neck", "shoulder pain"]
    assert [s.side for s in sites] == ["left", "left"]


def test_parse_keeps_pins_and_needles_whole_and_applies_it_to_every_site() -> None:
    sites = parse("pins and needles in the hand and wrist")
    assert [s.place.split()[-1] for s in sites] == ["hand", "wrist"]
    assert all(s.complaints == ("pins and needles",) for s in sites)


def test_parse_finds_a_side_anywhere() -> None:
    (site,) = parse("pain in my right big toe")
    assert site.side == "right" and "right" not in site.place


def test_orientation_variants_swap_synonyms() -> None:
    assert "lateral hip" in set(orientation_variants("outer hip"))
    assert "posterior knee" in set(orientation_variants("behind knee"))
    assert list(orientation_variants("knee")) == []


@pytest.mark.parametrize(
    ("phrase", "regions", "phenomena", "side"),
    [
        ("numbness in the hand", ["hand"], ["paresthesia"], None),
        ("tingling palm", ["palm"], ["paresthesia"], None),
        ("gooseflesh on the hand", ["hand"], ["pilomotor_response"], None),
        ("back of the head", ["posterior_head"], [], None),  # "back of" = posterior
        ("behnd the head", ["posterior_head"], [], None),  # misspelt orientation corrected, not dropped
        ("pain in my right palm when sitting", ["palm"], [], "right"),  # words that cannot change the place
        ("headache in the temple", ["temple"], [], None),
    ],
)
def test_phrases_resolve_to_place_and_symptom(
    kb_guided: KnowledgeBase, phrase: str, regions: list[str], phenomena: list[str], side: str | None
) -> None:
    (site,) = kb_guided.resolve_sites(phrase)
    assert list(site.regions) == regions
    assert list(site.phenomena) == phenomena
    assert site.side == side
    assert site.phrase == phrase


def test_a_phrase_may_name_several_sites(kb_guided: KnowledgeBase) -> None:
    sites = kb_guided.resolve_sites("left temple and forehead")
    assert [(s.regions, s.side) for s in sites] == [(("temple",), "left"), (("forehead",), "left")]
    result = kb_guided.where("left temple and forehead")
    assert len(result.query.locations) == 2
    assert result[0].sites_explained == 2


@pytest.mark.parametrize("phrase", ["outer hnad", "numbness in the hnad", "lef hand"])
def test_a_misspelt_place_or_side_word_is_never_dropped(kb_guided: KnowledgeBase, phrase: str) -> None:
    try:
        sites = kb_guided.resolve_sites(phrase)
    except UnknownLocationError as error:
        assert error.suggestions  # refused, with something to offer
        return
    # resolved: then every site still names the hand, and the side when one was meant
    assert all("hand" in s.regions for s in sites), sites
    if phrase.startswith("lef "):
        assert all(s.side == "left" for s in sites), sites


def test_fuzzy_matching_still_takes_a_plain_misspelling(kb_guided: KnowledgeBase) -> None:
    (site,) = kb_guided.resolve_sites("tempel")
    assert site.regions == ("temple",) and site.method == "fuzzy"


def test_a_complaint_without_a_place_is_a_site_of_its_own() -> None:
    headache, neck = parse("headache and neck pain")
    assert (headache.place, headache.complaints) == ("", ("headache",))
    assert (neck.place, neck.complaints) == ("neck pain", ())


def test_a_complaint_said_with_a_place_carries_on_to_the_next_places() -> None:
    sites = parse("numbness in the hand and wrist")
    assert [(s.place.split()[-1], s.complaints) for s in sites] == [("hand", ("numbness",)), ("wrist", ("numbness",))]


def test_spreading_words_separate_sites() -> None:
    sites = parse("shoulder pain radiating down the arm")
    assert [normalise(s.place) for s in sites] == ["shoulder", "arm"]


def test_adjectives_meet_their_nouns() -> None:
    assert "upper abdomen" in set(orientation_variants("upper abdominal"))


@pytest.mark.parametrize(
    ("phrase", "regions"),
    [
        ("numb ring and little fingers", [("ring_finger",), ("little_finger",)]),  # shared noun
        ("headache and neck pain", [("head",), ("neck",)]),
        ("buttock pain radiating down the leg", [("buttock",), ("leg",)]),
        ("upper abdominal pain", [("epigastrium",)]),
        ("pain from my neck down my arm", [("neck",), ("arm",)]),
        ("my left hip aches at night", [("hip",)]),
        ("pressure behind the eyes", [("retro_orbital",)]),
        ("pain at the bottom of my spine", [("sacrum",)]),  # never "bottom" alone = sole of the foot
    ],
)
def test_everyday_phrases_on_the_packaged_data(
    shipped_kb: KnowledgeBase, phrase: str, regions: list[tuple[str, ...]]
) -> None:
    assert [s.regions for s in shipped_kb.resolve_sites(phrase)] == regions


def test_a_symptom_spreading_down_a_limb_belongs_to_the_limb(shipped_kb: KnowledgeBase) -> None:
    (site,) = shipped_kb.resolve_sites("numbness down the leg")
    assert site.regions == ("leg",) and site.phenomena == ("paresthesia",)
    arm, fingers = shipped_kb.resolve_sites("tingling running down my arm into my fingers")
    assert (arm.regions, fingers.regions) == (("arm",), ("fingers",))
    assert arm.phenomena == fingers.phenomena == ("paresthesia",)


@pytest.mark.parametrize(
    ("phrase", "place"),
    [
        ("pain in the heel when I get up in the morning", "heel"),
        ("hip pain lying on my side", "hip"),
        ("earache, no infection", "ear"),
        ("neck pain turning my head", "neck"),
        ("knee pain climbing stairs", "knee"),
        ("rib pain when breathing in", "rib"),
        ("lower back ache on one side", "lower back"),
        ("sore throat feeling but not sick", "throat"),
        ("achy hamstrings", "hamstrings"),
        ("my lower back is killing me", "lower back"),
        ("pain behind my kneecap", "kneecap"),
    ],
)
def test_when_and_how_it_hurts_is_not_a_place(shipped_kb: KnowledgeBase, phrase: str, place: str) -> None:
    (site,) = shipped_kb.resolve_sites(phrase)
    plain = shipped_kb.resolve_sites(place if place != "ear" else "earache")[0]
    assert site.regions == plain.regions and site.kind == plain.kind


def test_a_circumstance_word_that_spreads_the_pain_is_kept() -> None:
    from nmt_referral.phrases import without_circumstances

    assert without_circumstances("tingling running down my arm") == "tingling running down my arm"
    assert without_circumstances("when I sit my hip hurts") == "when I sit my hip hurts"  # nothing before it


def test_everyday_words_for_dizziness(shipped_kb: KnowledgeBase) -> None:
    for phrase in ("dizzy", "dizzy spells", "feeling light-headed"):
        (site,) = shipped_kb.resolve_sites(phrase)
        assert site.phenomena == ("dizziness",), phrase


@pytest.mark.parametrize(("typed", "meant"), [("wirst", "wrist"), ("hnad pain", "hand"), ("pain in my kene", "knee")])
def test_two_swapped_letters_are_corrected(shipped_kb: KnowledgeBase, typed: str, meant: str) -> None:
    (site,) = shipped_kb.resolve_sites(typed)
    assert site.regions == shipped_kb.resolve_sites(meant)[0].regions and site.method == "fuzzy"


def test_a_swap_that_could_be_two_words_is_not_guessed() -> None:
    from nmt_referral.names import transposed

    assert transposed("wirst", {"wrist", "waist"}) == "wrist"
    assert transposed("abcd", {"bacd", "abdc"}) is None  # two readings: no guess
    assert transposed("hte", {"the"}) is None  # too short to trust
