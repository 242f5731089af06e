"""Reading a holiday schedule (节假日安排) as `date,kind,name` CSV: from a file (the command
line), from an uploaded file or from lines pasted into the console. Each bad row is kept with
its line and the reason; the good rows are the days to write."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from closeloop.kit.csvstream import CsvStream, RowError
from closeloop.kit.errors import InvalidInput
from closeloop.organisation.calendars import DayEntry, parse_day

COLUMNS = ("date", "kind", "name")
HEADER = ",".join(COLUMNS)

Days = tuple[list[DayEntry], list[RowError]]


def read_days(stream: CsvStream, *, shift: int = 0) -> Days:
    """The good days of a `date,kind,name` stream and each bad row with its line (the
    stream's line plus `shift`); a missing or unknown column raises InvalidInput."""
    entries: list[DayEntry] = []
    errors: list[RowError] = []
    seen: dict[object, int] = {}
    for physical, row in stream.rows():
        line = physical + shift
        if len(row) != len(stream.header):
            errors.append(RowError(line, f"expected {len(stream.header)} fields, got {len(row)}"))
            continue
        fields = dict(zip(stream.header, row, strict=True))
        try:
            entry = parse_day(fields["date"], fields["kind"], fields["name"])
        except InvalidInput as exc:
            errors.append(RowError(line, exc.detail))
            continue
        if entry.day in seen:
            errors.append(RowError(line, f"date: {entry.day} is already on line {seen[entry.day]}"))
            continue
        seen[entry.day] = line
        entries.append(entry)
    return entries, errors


def read_days_file(path: Path, on_bytes: Callable[[int], None] | None = None) -> Days:
    """The days of a CSV file, read in constant memory."""
    return read_days(CsvStream(path, required=COLUMNS, on_bytes=on_bytes))


def decode(data: bytes) -> str:
    """An uploaded file's text: UTF-8 (with or without a byte-order mark), else GB18030 — what
    a spreadsheet saves as CSV on a Chinese desktop."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("gb18030", errors="replace")


def read_days_text(text: str, name: str) -> Days:
    """The days of a file's text; `name` names it in messages. Lines pasted without a header
    (the first line holds a digit: a date) are read as data, their lines numbered as pasted."""
    lines = text.removeprefix("\ufeff").splitlines(keepends=True)
    blank = next((i for i, line in enumerate(lines) if line.strip()), len(lines))
    first = lines[blank] if blank < len(lines) else ""
    if not any(c.isdigit() for c in first):  # a header, after any blank lines
        stream = CsvStream(Path(name), required=COLUMNS, text="".join(lines[blank:]))
        return read_days(stream, shift=blank)
    stream = CsvStream(Path(name), required=COLUMNS, text=HEADER + "\n" + "".join(lines))
    return read_days(stream, shift=-1)
