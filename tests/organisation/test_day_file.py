"""Reading a holiday schedule from text: an uploaded file or lines pasted with or without the
header, bad rows numbered as the person sees them, spreadsheet encodings."""

from __future__ import annotations

from datetime import date

import pytest

from closeloop.kit.errors import InvalidInput
from closeloop.organisation.day_file import decode, read_days_text


def test_a_file_with_its_header() -> None:
    text = "date,kind,name\r\n2027-01-01,holiday,元旦\r\n\r\n2027-01-01,workday,again\r\n"
    entries, errors = read_days_text(text, "2027.csv")
    assert [(e.day, e.workday, e.name) for e in entries] == [(date(2027, 1, 1), False, "元旦")]
    assert [(e.line, e.reason) for e in errors] == [(4, "date: 2027-01-01 is already on line 2")]


def test_pasted_lines_without_a_header_are_numbered_as_pasted() -> None:
    entries, errors = read_days_text("\n2027-02-20,workday,\n2027-02-30,holiday,x", "pasted")
    assert entries[0].workday and entries[0].name == "调休上班"
    assert [e.line for e in errors] == [3]


def test_blank_lines_before_a_header_keep_the_numbering() -> None:
    _entries, errors = read_days_text("\n\ndate,kind,name\n2027-01-01,rest,x\n", "pasted")
    assert [(e.line, e.reason.split(":")[0]) for e in errors] == [(4, "kind")]


def test_a_wrong_header_is_refused() -> None:
    with pytest.raises(InvalidInput, match="line 1: missing column"):
        read_days_text("day,kind\n2027-01-01,holiday\n", "days.csv")


def test_spreadsheet_encodings() -> None:
    text = "date,kind,name\n2027-10-01,holiday,国庆节\n"
    assert decode(text.encode("gb18030")) == text
    assert decode(b"\xef\xbb\xbf" + text.encode()) == text
