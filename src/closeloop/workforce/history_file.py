"""Reading an interval history file (话务历史): `interval_start,contacts[,aht_seconds]`.

Pure: bad lines are reported with their line number and kept out; good lines are kept.
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone, tzinfo

from closeloop.workforce.opening import interval_of

COLUMNS = ("interval_start", "contacts", "aht_seconds")


@dataclass(frozen=True)
class HistoryRow:
    """One interval of history."""

    line: int
    interval_start: datetime
    contacts: int
    aht_seconds: float | None
    offset: tzinfo = UTC  # the offset the file wrote the time with


@dataclass(frozen=True)
class LineError:
    """A rejected line and why."""

    line: int
    reason: str


@dataclass
class History:
    """The good rows of a file, the rejected lines and the file's interval in minutes."""

    rows: list[HistoryRow] = field(default_factory=list)
    errors: list[LineError] = field(default_factory=list)
    interval_minutes: int | None = None


class HistoryFileError(ValueError):
    """The file cannot be read at all (no header, wrong columns)."""


def _instant(text: str) -> datetime:
    at = datetime.fromisoformat(text.strip())
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError("needs an offset, e.g. 2026-11-02T08:30:00+08:00")
    return at


def _row(line: int, record: dict[str, str]) -> HistoryRow:
    try:
        at = _instant(record.get("interval_start") or "")
    except ValueError as exc:
        raise ValueError(f"interval_start: not an ISO 8601 time with an offset ({exc})") from None
    text = (record.get("contacts") or "").strip()
    if not text.isdigit():
        raise ValueError(f"contacts: {text!r} is not a whole number ≥ 0")
    aht_text = (record.get("aht_seconds") or "").strip()
    aht: float | None = None
    if aht_text:
        try:
            aht = float(aht_text)
        except ValueError:
            aht = math.nan
        if not math.isfinite(aht) or aht <= 0:
            raise ValueError(f"aht_seconds: {aht_text!r} is not a number of seconds > 0")
    offset = timezone(at.utcoffset() or timedelta(0))
    return HistoryRow(line, at.astimezone(UTC), int(text), aht, offset)


def read_history(text: str) -> History:
    """Parse the file's text: its rows, its bad lines, and its interval (the commonest gap)."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = [h.strip() for h in reader.fieldnames or []]
    if header[:2] != list(COLUMNS[:2]) or any(h not in COLUMNS for h in header):
        raise HistoryFileError(
            "the header must be interval_start,contacts[,aht_seconds], found " + ",".join(header)
        )
    reader.fieldnames = header
    history, seen = History(), set[datetime]()
    for record in reader:
        line = reader.line_num
        try:
            row = _row(line, record)
        except ValueError as exc:
            history.errors.append(LineError(line, str(exc)))
            continue
        if row.interval_start in seen:
            history.errors.append(LineError(line, "interval_start: the same interval again"))
            continue
        seen.add(row.interval_start)
        history.rows.append(row)
    history.interval_minutes = interval_of([r.interval_start for r in history.rows])
    _off_grid(history)
    return history


def _off_grid(history: History) -> None:
    """Reject rows that do not start on the file's interval grid."""
    minutes = history.interval_minutes
    if not minutes or not history.rows:
        return
    first = min(r.interval_start for r in history.rows)
    kept = []
    for row in history.rows:
        if (row.interval_start - first).total_seconds() % (minutes * 60):
            history.errors.append(
                LineError(row.line, f"interval_start: not on the {minutes}-minute grid")
            )
        else:
            kept.append(row)
    history.rows = kept
    history.errors.sort(key=lambda e: e.line)
