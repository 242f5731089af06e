"""The signed proofs of following tickets by number: a pass good for 30 minutes, a note of when
a code was asked for; both refused when forged, altered or signed with another key."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from closeloop.channels.track_pass import (
    PASS_FOR,
    asked_note,
    asked_of,
    issue_pass,
    pass_holder,
)

KEY = "the-site-key"
NOW = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
NUMBER = "13812345678"


def test_a_pass_names_its_number_until_it_expires() -> None:
    value = issue_pass(NUMBER, KEY, NOW)
    assert pass_holder(value, KEY, NOW) == NUMBER
    assert pass_holder(value, KEY, NOW + PASS_FOR - timedelta(seconds=1)) == NUMBER
    assert pass_holder(value, KEY, NOW + PASS_FOR) is None


def test_a_forged_or_altered_pass_names_nobody() -> None:
    value = issue_pass(NUMBER, KEY, NOW)
    number, stamp, signature = value.split(".")
    assert pass_holder(issue_pass(NUMBER, "another-key", NOW), KEY, NOW) is None
    assert pass_holder(f"13900000000.{stamp}.{signature}", KEY, NOW) is None
    assert pass_holder(f"{number}.{int(stamp) + 3600}.{signature}", KEY, NOW) is None
    assert pass_holder(None, KEY, NOW) is None
    assert pass_holder("", KEY, NOW) is None
    assert pass_holder("a.b", KEY, NOW) is None
    assert pass_holder(f"{number}.-5.{signature}", KEY, NOW) is None


def test_an_asked_note_is_not_a_pass() -> None:
    note = asked_note(NUMBER, KEY, NOW)
    assert asked_of(note, KEY) == (NUMBER, NOW)
    assert pass_holder(note, KEY, NOW - timedelta(days=1)) is None  # another purpose
    assert asked_of(issue_pass(NUMBER, KEY, NOW), KEY) is None
    assert asked_of("", KEY) is None
