"""The pure care rules: thresholds, steps and amounts, in Python and over Polars frames alike."""

from __future__ import annotations

from datetime import UTC, datetime

import polars as pl
from hypothesis import given
from hypothesis import strategies as st

from closeloop.care import rules as R
from closeloop.care.quiet import QuietHours
from closeloop.care.templates import human_mb, human_mb_expr
from tests.care.conftest import TZ

LEVELS, EVERY, MAX = [80, 100], 100, 5000
QUOTA = 10240 * 1000


def test_levels_at_their_exact_edges() -> None:
    exactly_80 = 8192 * 1000  # 80 % of 10 GB, to the thousandth of a MB
    assert R.crossed_levels(0, exactly_80 - 1, QUOTA, LEVELS, EVERY, MAX) == []
    assert R.crossed_levels(exactly_80 - 1, exactly_80, QUOTA, LEVELS, EVERY, MAX) == [80]
    assert R.crossed_levels(0, QUOTA, QUOTA, LEVELS, EVERY, MAX) == [80, 100]
    assert R.crossed_levels(QUOTA, 2 * QUOTA - 1, QUOTA, LEVELS, EVERY, MAX) == []
    assert R.crossed_levels(QUOTA, 3 * QUOTA, QUOTA, LEVELS, EVERY, MAX) == [200, 300]
    assert R.crossed_levels(0, 10**12, 0, LEVELS, EVERY, MAX) == []  # no data in the plan


def test_roaming_steps_of_20_mb() -> None:
    assert R.crossed_steps(0, 19_999, 20, 1000) == []
    assert R.crossed_steps(19_999, 20_000, 20, 1000) == [20]
    assert R.crossed_steps(0, 45_000, 20, 1000) == [20, 40]


def test_an_arrival_is_a_change_to_a_roaming_country() -> None:
    assert R.is_arrival(None, "FR") and R.is_arrival("", "FR") and R.is_arrival("JP", "FR")
    assert not R.is_arrival("FR", "FR") and not R.is_arrival("FR", "")


amounts = st.integers(min_value=0, max_value=40 * QUOTA)


@given(st.lists(amounts, min_size=1, max_size=30))
def test_levels_crossed_do_not_depend_on_how_usage_is_split(parts: list[int]) -> None:
    crossed: list[int] = []
    total = 0
    for part in parts:
        crossed += R.crossed_levels(total, total + part, QUOTA, LEVELS, EVERY, MAX)
        total += part
    assert crossed == R.crossed_levels(0, total, QUOTA, LEVELS, EVERY, MAX)
    assert crossed == sorted(set(crossed))


@given(st.lists(st.tuples(amounts, st.integers(min_value=0, max_value=10**8)), max_size=40))
def test_the_frame_form_agrees_with_the_python_form(pairs: list[tuple[int, int]]) -> None:
    frame = pl.DataFrame(
        {"used": [u for u, _ in pairs], "quota": [q for _, q in pairs]},
        schema={"used": pl.Int64, "quota": pl.Int64},
    )
    counts = frame.select(
        R.threshold_count_expr(pl.col("used"), pl.col("quota"), LEVELS, EVERY, MAX)
    ).to_series()
    assert counts.to_list() == [R.threshold_count(u, q, LEVELS, EVERY, MAX) for u, q in pairs]
    index = pl.DataFrame({"i": list(range(1, 12))})
    levels = index.select(R.threshold_level_expr(pl.col("i"), LEVELS, EVERY)).to_series()
    assert levels.to_list() == [R.threshold_level(i, LEVELS, EVERY) for i in range(1, 12)]


@given(st.lists(st.integers(min_value=0, max_value=10**10), max_size=50))
def test_amounts_read_the_same_from_both_paths(values: list[int]) -> None:
    frame = pl.DataFrame({"v": values}, schema={"v": pl.Int64})
    assert frame.select(human_mb_expr(pl.col("v"))).to_series().to_list() == [
        human_mb(v) for v in values
    ]


def test_amounts_for_people() -> None:
    assert human_mb(10240 * 1000) == "10GB"
    assert human_mb(8396800) == "8.2GB"
    assert human_mb(512 * 1000) == "512MB"
    assert human_mb(1500) == "1.5MB"


def test_quiet_hours_hold_until_eight_local() -> None:
    quiet = QuietHours.parse("22:00-08:00")
    eight = datetime(2026, 11, 24, 0, 0, tzinfo=UTC)  # 08:00 in Shanghai
    assert quiet.until(datetime(2026, 11, 23, 14, 0, tzinfo=UTC), TZ) == eight  # 22:00
    assert quiet.until(datetime(2026, 11, 23, 19, 30, tzinfo=UTC), TZ) == eight  # 03:30
    assert quiet.until(datetime(2026, 11, 23, 13, 59, tzinfo=UTC), TZ) is None  # 21:59
    assert quiet.until(eight, TZ) is None
    assert QuietHours.parse("").until(eight, TZ) is None
