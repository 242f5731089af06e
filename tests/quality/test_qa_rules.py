"""QA rules: rubric checks, the fatal-item total, risk, reproducible samples, agreement."""

from __future__ import annotations

import krippendorff
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from closeloop.quality import qa_rules
from closeloop.quality.qa_rules import Candidate, RubricItem

RUBRIC = [
    RubricItem("greet", "规范问候", 10),
    RubricItem("verify", "核实身份", 20, fatal=True),
    RubricItem("solve", "准确解答", 50),
    RubricItem("close", "礼貌结束", 20),
]


def test_weights_must_add_up_to_100_and_codes_be_unique() -> None:
    assert qa_rules.check_rubric(RUBRIC) == []
    short = [*RUBRIC[:3], RubricItem("greet", "重复", 10)]
    assert qa_rules.check_rubric(short) == [
        (["items", 3, "code"], "duplicate item code 'greet'"),
        (["items"], "weights must add up to 100, not 90"),
    ]
    assert qa_rules.check_rubric([]) == [(["items"], "at least one item is required")]


@given(st.fixed_dictionaries({i.code: st.integers(0, i.weight) for i in RUBRIC}))
def test_total_is_the_sum_unless_a_fatal_item_scores_zero(scores: dict[str, int]) -> None:
    found = qa_rules.total(RUBRIC, scores)
    assert found == (0 if scores["verify"] == 0 else sum(scores.values()))
    assert 0 <= found <= 100


def test_scores_beyond_the_weight_or_unknown_are_named() -> None:
    problems = qa_rules.check_scores(RUBRIC, {"greet": 11, "verify": 1.5, "solve": 3, "x": 1})
    assert problems == [
        ("greet", "must be between 0 and 10"),
        ("verify", "must be whole points"),
        ("close", "missing score"),
        ("x", "not an item of this rubric"),
    ]


POOL = [
    Candidate(1, "a"),
    Candidate(2, "a", unsatisfied_callbacks=1),
    Candidate(3, "a", complaint=True),
    Candidate(4, "a"),
    Candidate(5, "a", reopens=2),
    Candidate(6, "b"),
    Candidate(7, "b", handling_hours=72),
]


def test_risk_sampling_takes_the_riskiest_tickets_first_per_agent() -> None:
    chosen = qa_rules.sample(POOL, 2, seed=1, method="risk")
    assert [(c.agent, c.ticket_id) for c in chosen] == [("a", 2), ("a", 5), ("b", 6), ("b", 7)]
    assert qa_rules.risk(POOL[1]) == (3.0, "unsatisfied")
    assert qa_rules.risk(POOL[6]) == (2.0, "long")


@given(st.integers(0, 2**31 - 1))
def test_a_seed_gives_the_same_random_sample_whatever_the_order(seed: int) -> None:
    first = qa_rules.sample(POOL, 2, seed, method="random")
    again = qa_rules.sample(list(reversed(POOL)), 2, seed, method="random")
    assert first == again
    assert [c.agent for c in first] == ["a", "a", "b", "b"]


def test_random_samples_differ_between_seeds() -> None:
    drawn = {tuple(c.ticket_id for c in qa_rules.sample(POOL, 2, s, method="random"))
             for s in range(20)}  # fmt: skip
    assert len(drawn) > 3


reliability = st.lists(
    st.lists(st.one_of(st.none(), st.integers(0, 100)), min_size=3, max_size=3),
    min_size=2, max_size=12,
)  # fmt: skip


@settings(max_examples=200)
@given(reliability)
def test_alpha_matches_the_krippendorff_package(units: list[list[int | None]]) -> None:
    ours = qa_rules.krippendorff_alpha(units)
    data = np.array([[np.nan if v is None else v for v in u] for u in units], dtype=float).T
    pairable = [[v for v in u if v is not None] for u in units]
    values = [v for u in pairable if len(u) >= 2 for v in u]
    if len(values) < 2 or len(set(values)) < 2:
        assert ours is None
        return
    theirs = krippendorff.alpha(reliability_data=data, level_of_measurement="interval")
    assert ours == pytest.approx(theirs, abs=1e-9)


def test_perfect_agreement_is_one_and_disagreement_lower() -> None:
    assert qa_rules.krippendorff_alpha([[80, 80], [60, 60], [90, 90]]) == 1.0
    alpha = qa_rules.krippendorff_alpha([[80, 60], [60, 85], [90, 70]])
    assert alpha is not None and alpha < 0
    assert qa_rules.disagreement([[80, 60, None], [60, 70, 65]]) == 15.0
