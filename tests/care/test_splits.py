"""Splitting the same time-ordered records into any number of files gives the same notices."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from closeloop.db.engine import Database
from closeloop.kit.clock import FixedClock
from tests.care.conftest import NUMBERS, CareSetup, ingest, keys, reset_usage, usage_file

START = datetime(2026, 10, 31, 14, 0, tzinfo=UTC)  # 22:00 on 31 October in Shanghai

record = st.tuples(
    st.sampled_from(NUMBERS[:3]),
    st.integers(min_value=0, max_value=240),  # minutes after START: crosses into November
    st.sampled_from(["data", "data", "data", "voice", "sms"]),
    st.integers(min_value=0, max_value=4_000_000),  # thousandths
    st.sampled_from(["", "", "JP", "FR"]),
)


def _lines(records: list[tuple[str, int, str, int, str]]) -> list[str]:
    ordered = sorted(records, key=lambda r: r[1])  # time order; equal times keep their order
    lines = []
    for i, (msisdn, minute, kind, milli, country) in enumerate(ordered):
        when = (START + timedelta(minutes=minute)).isoformat()
        amount = milli // 1000 if kind == "sms" else f"{milli / 1000:.3f}"
        lines.append(f"id{i},{msisdn},{when},{kind},{amount},{country}")
    return lines


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    records=st.lists(record, min_size=1, max_size=40),
    cuts=st.lists(st.integers(min_value=0, max_value=40), max_size=6),
    resend=st.booleans(),
)
def test_any_split_into_files_gives_the_same_notices(
    tmp_path: Path,
    database: Database,
    clock: FixedClock,
    care: CareSetup,
    records: list[tuple[str, int, str, int, str]],
    cuts: list[int],
    resend: bool,
) -> None:
    lines = _lines(records)
    reset_usage(database)
    ingest(database, usage_file(tmp_path, "whole.csv", lines), clock)
    whole = keys(database)

    reset_usage(database)
    bounds = sorted({0, len(lines), *[min(c, len(lines)) for c in cuts]})
    for n, (lo, hi) in enumerate(itertools.pairwise(bounds)):
        path = usage_file(tmp_path, f"part{n}.csv", lines[lo:hi])
        ingest(database, path, clock)
        if resend:  # a re-sent file changes nothing
            ingest(database, path, clock)
    assert keys(database) == whole
