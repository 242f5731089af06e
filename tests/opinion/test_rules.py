"""Pure parts: watch matching, the Poisson burst test, report periods and windows."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from closeloop.kit.errors import InvalidInput
from closeloop.kit.poisson_scan import poisson_tail
from closeloop.opinion.bursts import burst
from closeloop.opinion.followup import ticket_category
from closeloop.opinion.watch import Watch, default_rules
from closeloop.opinion.window import bound, period_key

SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_an_exclusion_hides_the_brand_word_inside_it() -> None:
    watch = Watch.of(default_rules())
    assert watch.matches("买了个移动硬盘") == []
    assert watch.matches("移动的信号太差，移动硬盘倒是不错") == ["移动", "信号"]
    assert watch.matches("打10086没人接") == ["10086"]
    assert Watch.of([]).matches("anything") == []


def test_poisson_tail() -> None:
    assert poisson_tail(0, 3.0) == 1.0
    assert poisson_tail(1, 2.0) == pytest.approx(1 - 0.1353352832, abs=1e-9)


def test_a_burst_needs_a_big_jump_and_enough_posts() -> None:
    quiet = [1, 0, 2, 1, 0, 1, 1] * 4
    assert burst([1, 0, 3], quiet) is None
    found = burst([1, 0, 12], quiet)
    assert found is not None and found.count == 12 and found.p_value < 0.001
    assert found.days == 1
    assert burst([0, 0, 4], [0] * 28) is None  # below the minimum count
    assert burst([0, 0, 6], [0] * 28) is not None
    assert burst([], quiet) is None


def test_a_slow_build_up_over_days_is_one_burst_and_a_past_one_is_not_today_s() -> None:
    quiet = [1, 0, 1, 1, 0, 1, 0] * 4
    found = burst([4, 4, 4], quiet)  # no single day is enough, three together are
    assert burst([0, 0, 4], quiet) is None
    assert found is not None and found.days == 3 and found.count == 12
    assert burst([15, 0, 0], quiet) is None  # the burst ended two days ago


def test_ticket_category_takes_the_first_leaf_of_the_post_category() -> None:
    codes = [
        ("signal", None),
        ("signal/indoor", "signal"),
        ("signal/indoor/weak", "signal/indoor"),
        ("signal/call", "signal"),
        ("service", None),
        ("service/staff", "service"),
    ]
    assert ticket_category("signal", codes) == "signal/call"
    assert ticket_category("other", codes) == "service/staff"
    assert ticket_category("sms", codes) is None


def test_periods_follow_the_operator_zone() -> None:
    late = datetime(2026, 11, 30, 17, 0, tzinfo=UTC)  # 01:00 on 1 December in Shanghai
    assert period_key(late, "day", SHANGHAI) == "2026-12-01"
    assert period_key(late, "week", SHANGHAI) == "2026-W49"
    assert period_key(late, "month", SHANGHAI) == "2026-12"


def test_a_window_bound_is_a_whole_day_or_an_instant() -> None:
    start = bound("2026-11-23", "from", SHANGHAI, end=False)
    end = bound("2026-11-23", "to", SHANGHAI, end=True)
    assert start is not None and end is not None and (end - start).days == 1
    with pytest.raises(InvalidInput):
        bound("2026-11-23T10:00:00", "from", SHANGHAI, end=False)
    with pytest.raises(InvalidInput):
        bound("yesterday", "to", SHANGHAI, end=True)
