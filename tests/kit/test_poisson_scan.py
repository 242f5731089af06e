"""The burst detector on hand-built series (kit.poisson_scan, pure; problems and opinion use it): a
burst is found whatever the background, a steady rate — however busy — is not."""

from __future__ import annotations

import math

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from closeloop.kit.poisson_scan import (
    Thresholds,
    daily_rate,
    expected_series,
    fixed_threshold,
    hour_profile,
    poisson_tail,
    scan,
)

BINS = 12


def _direct_tail(k: int, mu: float) -> float:
    below = sum(math.exp(-mu) * mu**i / math.factorial(i) for i in range(k))
    return 1.0 - below


@given(st.integers(0, 60), st.floats(0.01, 40))
def test_the_poisson_tail_matches_the_direct_sum(k: int, mu: float) -> None:
    direct = _direct_tail(k, mu)
    if direct > 1e-12:
        assert math.isclose(poisson_tail(k, mu), direct, rel_tol=1e-6, abs_tol=1e-12)
    else:
        assert poisson_tail(k, mu) < 1e-10


def test_far_tails_stay_positive_and_ordered() -> None:
    assert 0 < poisson_tail(200, 5.0) < poisson_tail(100, 5.0) < poisson_tail(20, 5.0) < 1e-6


@settings(derandomize=True, max_examples=150)
@given(
    rate=st.floats(0.0, 30.0),
    width=st.integers(1, 6),
    end=st.integers(6, BINS),
)
def test_a_burst_is_found_whatever_the_background(rate: float, width: int, end: int) -> None:
    """A steady background of `rate` tickets a bin, and on top of it, in `width` bins ending at
    bin `end`, three times the expectation plus ten standard deviations plus a dozen."""
    expected = [rate] * BINS
    observed = [math.floor(rate)] * BINS
    mean = rate * width
    extra = math.ceil(3 * mean + 10 * math.sqrt(mean) + 12)
    for i in range(extra):
        observed[end - width + i % width] += 1
    burst = scan(observed, expected)
    assert burst is not None
    assert burst.start < end and burst.end > end - width  # it overlaps the injected window
    assert burst.observed >= 3 * burst.expected


@settings(derandomize=True, max_examples=150)
@given(rate=st.floats(0.001, 60.0), seed=st.integers(0, 2**32 - 1))
def test_a_steady_rate_however_busy_is_no_burst(rate: float, seed: int) -> None:
    rng = np.random.default_rng(seed)
    observed = [int(x) for x in rng.poisson(rate, BINS)]
    assert scan(observed, [rate] * BINS) is None


def test_twelve_tickets_in_half_an_hour_at_a_quiet_cell_are_a_burst() -> None:
    quiet = expected_series(daily_rate(3, 28), hour_profile([]), [15] * BINS, 10)
    observed = [0] * 9 + [4, 4, 4]
    burst = scan(observed, quiet)
    assert burst is not None and (burst.start, burst.end, burst.observed) == (9, 12, 12)


def test_a_busy_citys_normal_afternoon_is_none_though_a_fixed_threshold_fires() -> None:
    # a city of 1,700 tickets a day; 2 pm takes 8 % of them: ~23 tickets every ten minutes
    profile = hour_profile([14] * 8 + list(range(24)) * 4)
    busy = expected_series(daily_rate(1700 * 28, 28), profile, [14] * BINS, 10)
    observed = [round(x) for x in busy]
    assert scan(observed, busy) is None
    assert fixed_threshold(observed, threshold=12, window=3) is not None


def test_business_hours_expect_more_than_the_night() -> None:
    profile = hour_profile([9, 10, 10, 11, 14, 15, 16] * 10 + [3])
    assert math.isclose(sum(profile), 1.0)
    day, night = expected_series(10, profile, [10, 3], 10)
    assert day > 5 * night
    # the same five tickets in ten minutes: a burst at 3 am, not at 10 am on a busy cell
    limits = Thresholds(min_count=5)
    at_night = expected_series(30, profile, [3] * BINS, 10)
    at_day = expected_series(30, profile, [10] * BINS, 10)
    five = [0] * 11 + [5]
    assert scan(five, at_night, limits) is not None
    assert scan(five, at_day, limits) is None


def test_too_few_tickets_are_never_a_burst_even_where_none_are_expected() -> None:
    assert scan([0] * 11 + [4], [1e-6] * BINS) is None
