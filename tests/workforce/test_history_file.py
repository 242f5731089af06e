"""Reading `interval_start,contacts[,aht_seconds]` with per-line errors."""

from __future__ import annotations

import pytest

from closeloop.workforce.history_file import HistoryFileError, read_history


def test_good_rows_kept_bad_lines_reported_with_their_numbers() -> None:
    text = "\n".join(
        [
            "interval_start,contacts,aht_seconds",
            "2026-11-02T08:00:00+08:00,12,180",
            "2026-11-02T08:30:00+08:00,15,",
            "2026-11-02T09:00:00,9,100",
            "2026-11-02T09:30:00+08:00,-3,100",
            "2026-11-02T10:00:00+08:00,7,abc",
            "2026-11-02T08:30:00+08:00,15,",
            "2026-11-02T10:10:00+08:00,4,",
            "2026-11-02T11:00:00+08:00,8,200",
        ]
    )
    history = read_history(text)
    assert [r.contacts for r in history.rows] == [12, 15, 8]
    assert history.rows[0].aht_seconds == 180 and history.rows[1].aht_seconds is None
    assert history.interval_minutes == 30
    assert [(e.line, e.reason.split(":")[0]) for e in history.errors] == [
        (4, "interval_start"),
        (5, "contacts"),
        (6, "aht_seconds"),
        (7, "interval_start"),
        (8, "interval_start"),
    ]
    assert "grid" in history.errors[-1].reason


def test_a_wrong_header_is_a_file_error() -> None:
    with pytest.raises(HistoryFileError, match="interval_start,contacts"):
        read_history("start,calls\n2026-11-02T08:00:00+08:00,3\n")
