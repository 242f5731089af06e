"""Durations typed the way an administrator thinks (hours and minutes of working time), and
shown back the same way."""

from __future__ import annotations

import pytest

from closeloop.console.admin_org_views import duration_input, duration_text, parse_duration


@pytest.mark.parametrize(
    ("typed", "minutes"),
    [
        ("4", 240), ("4.5", 270), ("4.1", 246), ("4h", 240), ("4 H", 240), ("4h30m", 270),
        ("4 h 30 min", 270), ("90m", 90), ("90 minutes", 90), ("4:30", 270), ("0:45", 45),
        ("4小时", 240), ("4 小时 30 分", 270), ("４小时３０分钟", 270), ("45分钟", 45),
        ("PT4H", 240), ("pt1h30m", 90), ("72h", 4320),
    ],
)  # fmt: skip
def test_durations_are_read_as_typed(typed: str, minutes: int) -> None:
    assert parse_duration(typed) == minutes


@pytest.mark.parametrize("typed", ["", "h", "3 days", "2天", "4.01", "4:75", "-4", "four", "P"])
def test_what_is_not_a_duration_is_refused(typed: str) -> None:
    assert parse_duration(typed) is None


@pytest.mark.parametrize("minutes", [1, 30, 60, 90, 240, 1440, 4320, 527040])
def test_a_duration_shown_reads_back_the_same(minutes: int) -> None:
    assert parse_duration(duration_input(minutes)) == minutes


def test_durations_in_words() -> None:
    assert duration_text(str, 270) == "4 h 30 min"
    assert duration_text(str, 240) == "4 h" and duration_text(str, 30) == "30 min"
