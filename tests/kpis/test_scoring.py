"""The scorecard's rules on their own: achievement against a target, capped and direction-aware;
weighted scores leaving out KPIs without data; competition ranks; named periods."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from closeloop.kit.errors import InvalidInput
from closeloop.kpis import named_periods
from closeloop.kpis.scoring import CAP, Weighted, achievement, rank_change, ranks, score


def test_achievement_is_direction_aware_and_capped() -> None:
    assert achievement("higher", 0.81, 0.9) == pytest.approx(0.9)
    assert achievement("higher", 1.0, 0.5) == CAP
    assert achievement("lower", 48, 24) == pytest.approx(0.5)
    assert achievement("lower", 0, 24) == CAP
    assert achievement("higher", -20, 30) == 0.0  # a negative NPS
    assert achievement("higher", None, 0.9) is None and achievement("lower", 3, None) is None


@settings(max_examples=50)
@given(
    st.sampled_from(["higher", "lower"]),
    st.floats(0.01, 1000, allow_nan=False),
    st.floats(0.01, 1000, allow_nan=False),
)
def test_achievement_stays_in_range_and_meets_at_one(
    direction: str, value: float, target: float
) -> None:
    found = achievement(direction, value, target)
    assert found is not None and 0 <= found <= CAP
    meets = value >= target if direction == "higher" else value <= target
    assert (found >= 1 - 1e-6) == meets or abs(value - target) < 1e-4


def test_a_score_leaves_out_kpis_without_data() -> None:
    found = score([Weighted(30, 1.0), Weighted(10, 0.5), Weighted(60, None)])
    assert found.score == pytest.approx(100 * (30 + 5) / 40)
    assert found.coverage == 0.4
    assert score([Weighted(10, None)]).score is None


def test_ranks_share_places_and_skip_after_ties() -> None:
    assert ranks({"a": 90, "b": 95, "c": 90, "d": 70, "e": None}) == {
        "a": 2, "b": 1, "c": 2, "d": 4, "e": None,
    }  # fmt: skip
    assert rank_change(1, 3) == 2 and rank_change(3, 1) == -2 and rank_change(1, None) is None


def test_named_periods_and_the_one_before() -> None:
    month = named_periods.parse("2026-01")
    assert (month.first, month.until, month.previous().name) == (
        date(2026, 1, 1), date(2026, 2, 1), "2025-12",
    )  # fmt: skip
    quarter = named_periods.parse("2026-Q4")
    assert (quarter.first, quarter.until, quarter.previous().name) == (
        date(2026, 10, 1), date(2027, 1, 1), "2026-Q3",
    )  # fmt: skip
    assert quarter.next().name == "2027-Q1"
    week = named_periods.parse("2026-W49")
    assert (week.first, week.until, week.previous().name) == (
        date(2026, 11, 30), date(2026, 12, 7), "2026-W48",
    )  # fmt: skip
    assert named_periods.parse("2027-W01").previous().name == "2026-W53"
    for bad in ("2026-13", "2026-Q5", "2026-W60", "nov"):
        with pytest.raises(InvalidInput):
            named_periods.parse(bad)
    with pytest.raises(InvalidInput):
        named_periods.parse("2026-W49", kinds=("month",))
