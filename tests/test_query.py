"""Reverse query on the crafted fixture: the right order is known by construction."""

from __future__ import annotations

import pytest

from nmt_referral import Candidate, InvalidQueryError, KnowledgeBase, QueryResult, UnknownLocationError


def ids(result: QueryResult) -> list[str]:
    return [c.muscle.id for c in result]


def test_essential_beats_spillover_beats_broader(kb_minimal: KnowledgeBase) -> None:
    result = kb_minimal.where("temple")
    # alpha and epsilon: essential (1.0); beta: spillover (0.6); gamma: essential on the ancestor 'head' (0.4)
    assert ids(result) == ["alpha", "epsilon", "beta", "gamma"]
    scores = [c.score for c in result]
    assert scores == sorted(scores, reverse=True)
    assert scores[0] == 1.0 and scores[2] == pytest.approx(0.8) and scores[3] == pytest.approx(0.7)
    gamma = result[3]
    assert [(m.region, m.relation, m.zone) for m in gamma.matches] == [("head", "broader", "essential")]


def test_more_sites_explained_ranks_first(kb_minimal: KnowledgeBase) -> None:
    result = kb_minimal.where("temple", "angle of the jaw")
    # gamma explains both sites weakly (broader zones) and must rank above epsilon (one site, essential)
    assert ids(result) == ["alpha", "beta", "gamma", "epsilon"]
    assert [c.sites_explained for c in result] == [2, 2, 2, 1]
    assert result[2].score > result[3].score


def test_ties_are_deterministic(kb_minimal: KnowledgeBase) -> None:
    first = kb_minimal.where("temple", "angle of the jaw")
    second = kb_minimal.where("angle of the jaw", "temple")
    assert first[0].score == first[1].score  # alpha and beta tie on score ...
    assert ids(first)[:2] == ids(second)[:2] == ["alpha", "beta"]  # ... and break the tie by name


def test_every_candidate_explains_itself(kb_minimal: KnowledgeBase) -> None:
    alpha = kb_minimal.where("temple", "angle of the jaw")[0]
    assert isinstance(alpha, Candidate)
    assert [(m.location, m.region, m.trigger_point, m.zone) for m in alpha.matches] == [
        ("temple", "temple", "alpha_1", "essential"),
        ("angle of the jaw", "angle_of_jaw", "alpha_1", "spillover"),
    ]


def test_coarse_query_covers_descendants(kb_minimal: KnowledgeBase) -> None:
    result = kb_minimal.where("head")
    assert set(ids(result)) == {"alpha", "beta", "gamma", "delta", "epsilon"}
    alpha = next(c for c in result if c.muscle.id == "alpha")
    assert {m.relation for m in alpha.matches} == {"within"}


def test_side_sets_where_to_look_and_filters_side_bound_patterns(kb_minimal: KnowledgeBase) -> None:
    # delta refers to the opposite side and exists on the right body side only
    left = kb_minimal.where("forehead", side="left")
    assert ids(left) == ["delta", "gamma"]
    assert left[0].matches[0].look_on == "right"
    assert ids(kb_minimal.where("forehead", side="right")) == ["gamma"]
    assert kb_minimal.where("left temple")[0].matches[0].look_on == "left"
    # on a midline region the side does not apply
    assert kb_minimal.where("sternum", side="left")[0].matches[0].look_on == "right"


def test_symptom_site(kb_minimal: KnowledgeBase) -> None:
    result = kb_minimal.where("temple", "dizziness")
    assert ids(result)[0] == "alpha"
    assert result[0].sites_explained == 2
    assert result[0].symptom_matches[0].phenomenon == "dizziness"


def test_condition_site(kb_minimal: KnowledgeBase) -> None:
    result = kb_minimal.where("TMD")
    assert result.query.locations[0].kind == "condition"
    # alpha and beta each match both of the condition's regions
    assert ids(result)[:2] == ["alpha", "beta"]


def test_red_flag_respects_side(kb_minimal: KnowledgeBase) -> None:
    assert [f.id for f in kb_minimal.where("angle of the jaw").red_flags] == ["jaw_flag"]
    assert [f.id for f in kb_minimal.where("angle of the jaw", side="left").red_flags] == ["jaw_flag"]
    assert [f.id for f in kb_minimal.where("left angle of the jaw").red_flags] == ["jaw_flag"]
    assert kb_minimal.where("angle of the jaw", side="right").red_flags == ()
    assert kb_minimal.where("forehead").red_flags == ()


def test_red_flag_is_not_raised_by_a_whole_parent(kb_minimal: KnowledgeBase) -> None:
    # the flag is written for the angle of the jaw: the jaw or the head as a whole does not raise it
    assert kb_minimal.where("jaw", side="left").red_flags == ()
    assert kb_minimal.where("head", side="left").red_flags == ()


def test_limit_and_empty_answer(kb_minimal: KnowledgeBase) -> None:
    assert len(kb_minimal.where("temple", limit=2)) == 2
    assert list(kb_minimal.where("chest")) == [c for c in kb_minimal.where("chest")]


@pytest.mark.parametrize("limit", [0, -1, True, 2.5])
def test_bad_limit(kb_minimal: KnowledgeBase, limit: object) -> None:
    with pytest.raises(InvalidQueryError):
        kb_minimal.where("temple", limit=limit)  # type: ignore[arg-type]


def test_no_location_or_unknown_one(kb_minimal: KnowledgeBase) -> None:
    with pytest.raises(InvalidQueryError):
        kb_minimal.where()
    with pytest.raises(UnknownLocationError):
        kb_minimal.where("temple", "zzqx")


def test_forward_lookup(kb_minimal: KnowledgeBase) -> None:
    assert kb_minimal.muscle("AM").id == "alpha"
    assert kb_minimal.muscle("alpha muscles").id == "alpha"
    assert kb_minimal.muscle("alpah muscle").id == "alpha"
    assert kb_minimal.get_muscle("nothing") is None
    alpha = kb_minimal.muscle("alpha")
    assert alpha.trigger_points[0].pattern.phenomena == ("dizziness",)
    assert kb_minimal.search_muscles("gamma")[0][0].id == "gamma"


def test_json_rendering_equals_pydantic_dump(kb_minimal: KnowledgeBase) -> None:
    from nmt_referral.render import to_plain

    result = kb_minimal.where("temple", "TMD", "vertigo", side="left")
    assert to_plain(result) == QueryResult.model_validate(result.model_dump()).model_dump(mode="json")
    alpha = kb_minimal.muscle("alpha")
    assert to_plain(alpha) == alpha.model_dump(mode="json")


@pytest.mark.parametrize(
    ("locations", "side"),
    [
        (("temple",), None),
        (("left shoulder", "angle of the jaw"), "right"),
        (("dizziness", "back of the neck"), None),
        (("chest",), "left"),
        (("tennis elbow",), None),
    ],
)
def test_results_equal_their_validated_copy(
    shipped_kb: KnowledgeBase, locations: tuple[str, ...], side: str | None
) -> None:
    """Results are assembled without validation (models.assemble); they must be what validation gives."""
    result = shipped_kb.where(*locations, side=side)
    assert result.results
    again = QueryResult.model_validate(result.model_dump())
    assert again == result
    assert result.model_dump() == again.model_dump()
    assert result.model_dump_json() == again.model_dump_json()
    first = result[0]
    assert first.model_fields_set == set(Candidate.model_fields)
    changed = first.model_copy(update={"score": 0.123})
    assert changed.score == 0.123 and first.score != 0.123 and changed.muscle == first.muscle


def test_same_query_twice_gives_equal_but_independent_results(kb_minimal: KnowledgeBase) -> None:
    first = kb_minimal.where("temple", "angle of the jaw")
    second = kb_minimal.where("temple", "angle of the jaw")
    assert first == second
    assert first.results is not second.results


# --------------------------------------------------------------------------- guides, neighbours, symptoms


def test_pain_guide_order_ranks_the_listed_muscles_first(kb_guided: KnowledgeBase) -> None:
    result = kb_guided.where("temple")
    ranked = [c.muscle.id for c in result]
    # beta (spillover) and gamma (adjacent zone) are listed by the guide, in that order; alpha and delta
    # (essential, unlisted) follow, ordered by the alphabet only
    assert ranked[:4] == ["beta", "gamma", "alpha", "delta"]
    beta, gamma = result[0], result[1]
    assert beta.likelihood > gamma.likelihood > result[2].likelihood == 0
    assert [(g.guide, g.rank, g.of) for g in beta.guide_ranks] == [("manual_temple", 1, 2)]
    assert [m.relation for m in gamma.matches] == ["adjacent"]


def test_adjacent_zone_counts_below_a_direct_one(kb_guided: KnowledgeBase) -> None:
    result = kb_guided.where("forehead")
    assert result[0].muscle.id == "gamma" and result[0].matches[0].relation == "exact"
    neighbours = {c.muscle.id: c for c in result if c.muscle.id != "gamma"}
    assert set(neighbours) == {"alpha", "beta", "delta"}
    assert all(m.relation == "adjacent" for c in neighbours.values() for m in c.matches)
    assert max(c.score for c in neighbours.values()) < result[0].score
    assert neighbours["alpha"].score > neighbours["beta"].score  # essential > spillover, also next door


def test_symptom_counts_only_where_the_muscle_produces_it(kb_guided: KnowledgeBase) -> None:
    ranked = [c.muscle.id for c in kb_guided.where("numbness in the hand")]
    assert "lambda" not in ranked  # its paresthesia comes with a foot pattern
    assert ranked[0] == "kappa"  # refers to the palm and causes numbness there
    assert kb_guided.where("numbness in the hand")[0].symptom_matches
    everywhere = {c.muscle.id for c in kb_guided.where("numbness")}
    assert {"kappa", "lambda"} <= everywhere  # no place named: every muscle causing it


def test_a_symptom_felt_outside_the_pain_zones_is_placed_by_phenomena_at(kb_guided: KnowledgeBase) -> None:
    result = kb_guided.where("gooseflesh on the hand")
    assert result[0].muscle.id == "sigma" and not result[0].matches and result[0].symptom_matches
    assert "sigma" not in {c.muscle.id for c in kb_guided.where("gooseflesh on the head")}


def test_limit_reports_the_candidates_it_cuts_at_the_same_level(kb_guided: KnowledgeBase) -> None:
    result = kb_guided.where("temple", limit=3)
    assert result.total == 4
    assert result.tied_beyond_limit == 1  # delta ties alpha; only the alphabet put alpha first
    assert kb_guided.where("temple", limit=2).tied_beyond_limit == 0  # gamma and alpha differ


def test_condition_raises_its_own_flags_a_place_those_of_its_region(kb_guided: KnowledgeBase) -> None:
    assert [f.id for f in kb_guided.where("hand syndrome").red_flags] == ["syndrome_flag"]
    assert [f.id for f in kb_guided.where("palm").red_flags] == ["palm_flag"]
    assert kb_guided.where("hand").red_flags == ()  # a whole parent does not raise the palm's flag


def test_one_place_rankings_kept_per_region_equal_a_fresh_ranking(shipped_kb: KnowledgeBase) -> None:
    """The one-place fast path (a ranking kept per region and side, candidates kept per text) gives
    what the general ranking computes, for every region and side, and a second identical query
    returns equal results."""
    from nmt_referral import query

    for region_id, region in shipped_kb.regions.items():
        for side in (None, "left"):
            result = shipped_kb.where(region.label, side=side)
            again = shipped_kb.where(region.label, side=side)
            assert again == result
            fresh, _symptoms = query._rank(shipped_kb, result.query.locations)
            assert [(c.muscle.id, c.score, c.likelihood) for c in result] == [
                (item[0][6], item[1], item[2]) for item in fresh
            ], region_id
            for candidate in result:  # the kept objects are the validated ones
                assert type(candidate).model_validate(candidate.model_dump()) == candidate


def test_a_condition_guide_speaks_for_the_condition_not_for_its_regions(kb_guided: KnowledgeBase) -> None:
    syndrome = {c.muscle.id: c for c in kb_guided.where("hand syndrome")}
    assert [g.guide for g in syndrome["omega"].guide_ranks] == ["website_hand_syndrome"]
    assert syndrome["omega"].likelihood > 0
    palm = {c.muscle.id: c for c in kb_guided.where("palm")}
    assert "website_hand_syndrome" not in {g.guide for g in palm["omega"].guide_ranks}


def test_a_guide_heading_covering_two_regions_lists_its_muscles_for_each(kb_guided: KnowledgeBase) -> None:
    # omega refers to the palm only; the guide's "wrist and palm" heading lists it for the wrist too
    (omega,) = kb_guided.where("wrist")
    assert omega.muscle.id == "omega"
    assert [(m.relation, m.region) for m in omega.matches] == [("guide_area", "palm")]
    assert [g.guide for g in omega.guide_ranks] == ["manual_wrist_and_palm"]


# --------------------------------------------------------------------------- clinical knowledge


def test_care_returns_the_cited_clinical_side(kb_guided: KnowledgeBase) -> None:
    care = kb_guided.care("omega")
    assert [i.text for i in care.palpation] == ["Flat palpation across the palm."]
    assert care.satellites[0].muscle == "kappa" and care.entrapments[0].phenomenon == "paresthesia"
    assert kb_guided.care("alpha").palpation == ()  # no data: an empty record, nothing guessed


def test_where_shows_endangerment_sites_and_linking_postures(kb_guided: KnowledgeBase) -> None:
    palm = {c.muscle.id: c for c in kb_guided.where("palm")}
    assert palm["omega"].cautions == ("palmar arch",)
    assert palm["kappa"].cautions == ()
    temple = kb_guided.where("temple")
    assert [(p.id, p.muscles) for p in temple.postures] == [("fixture_head_forward", ("beta", "alpha"))]


def test_posture_lookup_by_alias(kb_guided: KnowledgeBase) -> None:
    from nmt_referral import UnknownPostureError

    assert kb_guided.posture("Forward head").id == "fixture_head_forward"
    with pytest.raises(UnknownPostureError) as caught:
        kb_guided.posture("head forwards please")
    assert caught.value.suggestions == ("Head forward",)
