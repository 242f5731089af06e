"""The survey arithmetic: reverse scoring, SERVQUAL gaps and SQ, CSAT, NPS, intervals."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from closeloop.quality import scoring
from closeloop.quality.instruments import INSTRUMENTS, LOYALTY, SERVQUAL, SERVQUAL_DIMENSIONS

CODES = [i.code for i in SERVQUAL.items]
answers_st = st.fixed_dictionaries({code: st.integers(1, 7) for code in CODES})


def test_servqual_has_22_pairs_over_five_dimensions_with_the_seeds_reverse_items() -> None:
    codes = [i.code for i in SERVQUAL.items]
    assert codes == [f"E{n}" for n in range(1, 23)] + [f"P{n}" for n in range(1, 23)]
    assert {i.dimension for i in SERVQUAL.items} == set(SERVQUAL_DIMENSIONS)
    assert all((i.min, i.max) == (1, 7) for i in SERVQUAL.items)
    reverse = {i.code for i in SERVQUAL.items if i.reverse}
    assert {"E6", "P6", "E8", "P8", "E9", "P9"} <= reverse
    assert SERVQUAL.item("E1") is not None
    assert SERVQUAL.item("E1").text == "中国移动应该有最新的设备和技术"  # type: ignore[union-attr]
    for n in range(1, 23):  # each pair measures one dimension, both or neither reversed
        e, p = SERVQUAL.item(f"E{n}"), SERVQUAL.item(f"P{n}")
        assert e is not None and p is not None
        assert (e.dimension, e.reverse) == (p.dimension, p.reverse)


def test_csat_and_nps_are_one_item_each() -> None:
    assert [(i.code, i.min, i.max) for i in INSTRUMENTS["csat"].items] == [("csat", 1, 5)]
    assert [(i.code, i.min, i.max) for i in INSTRUMENTS["nps"].items] == [("nps", 0, 10)]
    assert {i.dimension for i in LOYALTY.items} == {"attitude", "product", "brand", "communication"}


@given(answers_st)
def test_sq_is_the_sum_of_reverse_scored_perception_minus_expectation(
    answers: dict[str, int],
) -> None:
    def scored(code: str) -> int:
        item = SERVQUAL.item(code)
        assert item is not None
        return 8 - answers[code] if item.reverse else answers[code]

    expected = sum(scored(f"P{n}") - scored(f"E{n}") for n in range(1, 23))
    found = scoring.servqual_summary(SERVQUAL, [answers])
    assert found["sq"] == pytest.approx(expected)
    assert -132 <= expected <= 132


@given(answers_st)
def test_reversing_every_answer_of_a_reverse_item_mirrors_it(answers: dict[str, int]) -> None:
    flipped = dict(answers, E6=8 - answers["E6"], P6=8 - answers["P6"])
    gaps = scoring.servqual_gaps(SERVQUAL, answers)
    flipped_gaps = scoring.servqual_gaps(SERVQUAL, flipped)
    assert flipped_gaps["6"] == -gaps["6"]
    assert {k: v for k, v in gaps.items() if k != "6"} == {
        k: v for k, v in flipped_gaps.items() if k != "6"
    }


@given(st.lists(answers_st, min_size=1, max_size=8))
def test_dimension_gap_is_perception_minus_expectation_in_range(
    respondents: list[dict[str, int]],
) -> None:
    found = scoring.servqual_summary(SERVQUAL, respondents)
    dimensions = found["dimensions"]
    assert isinstance(dimensions, dict)
    for dimension in SERVQUAL_DIMENSIONS:
        row = dimensions[dimension]
        assert 1 <= row["expectation"] <= 7 and 1 <= row["perception"] <= 7
        assert row["gap"] == pytest.approx(row["perception"] - row["expectation"], abs=1e-3)


@given(answers_st, st.sampled_from(CODES))
def test_a_missing_answer_is_refused_naming_the_item(answers: dict[str, int], code: str) -> None:
    del answers[code]
    with pytest.raises(scoring.AnswerProblem) as refused:
        scoring.check_answers(SERVQUAL, answers)
    assert refused.value.problems == [(code, "missing answer")]


@given(answers_st, st.sampled_from(CODES), st.sampled_from([0, 8, -1, 100]))
def test_an_answer_out_of_range_is_refused(answers: dict[str, int], code: str, bad: int) -> None:
    answers[code] = bad
    with pytest.raises(scoring.AnswerProblem) as refused:
        scoring.check_answers(SERVQUAL, answers)
    assert refused.value.problems == [(code, "must be between 1 and 7")]


def test_unknown_items_and_non_numbers_are_refused() -> None:
    with pytest.raises(scoring.AnswerProblem) as refused:
        scoring.check_answers(INSTRUMENTS["csat"], {"csat": "5", "extra": 1})
    assert refused.value.problems == [
        ("csat", "must be a whole number"),
        ("extra", "not an item of this survey"),
    ]
    assert scoring.check_answers(INSTRUMENTS["csat"], {"csat": 4}) == {"csat": 4}


def test_nps_is_promoters_minus_detractors() -> None:
    found = scoring.nps_summary([10, 9, 8, 7, 6, 0, 10, 10, 3, 9])
    # promoters 5 (10, 9, 10, 10, 9), passives 2, detractors 3 → 50 % − 30 % = 20
    assert (found["promoters"], found["passives"], found["detractors"]) == (5, 2, 3)
    assert found["nps"] == 20.0
    interval = found["nps_ci"]
    assert isinstance(interval, scoring.Interval) and interval.low < 20 < interval.high


def test_csat_mean_distribution_and_interval_narrow_with_more_answers() -> None:
    few = scoring.csat_summary([5, 4, 3, 5])
    assert few["csat"] == 4.25
    assert few["distribution"] == {"1": 0, "2": 0, "3": 1, "4": 1, "5": 2}
    many = scoring.csat_summary([5, 4, 3, 5] * 25)

    def width(found: dict[str, object]) -> float:
        interval = found["csat_ci"]
        assert isinstance(interval, scoring.Interval)
        return interval.high - interval.low

    assert many["csat"] == 4.25 and width(many) < width(few) / 4


def test_wilson_interval_of_a_response_rate() -> None:
    interval = scoring.wilson(12, 100)
    assert interval is not None
    assert interval.low == pytest.approx(0.0700, abs=1e-3)
    assert interval.high == pytest.approx(0.1981, abs=1e-3)
    assert scoring.wilson(0, 0) is None
    assert scoring.wilson(0, 10).low == 0.0  # type: ignore[union-attr]


def test_detractors_are_csat_1_2_and_nps_0_6() -> None:
    assert [scoring.is_detractor("csat", {"csat": v}) for v in range(1, 6)] == [
        True, True, False, False, False,
    ]  # fmt: skip
    assert [v for v in range(11) if scoring.is_detractor("nps", {"nps": v})] == list(range(7))
    assert not scoring.is_detractor("servqual", {})


def test_loyalty_index_scales_every_factor_to_0_100() -> None:
    lowest = {i.code: i.min for i in LOYALTY.items}
    highest = {i.code: i.max for i in LOYALTY.items}
    assert scoring.loyalty_score(LOYALTY, lowest)["index"] == 0
    assert scoring.loyalty_score(LOYALTY, highest)["index"] == 100
    middle = dict(lowest, D1=3)  # only communication at its best: one factor of four
    assert math.isclose(scoring.loyalty_score(LOYALTY, middle)["index"], 25)
