"""Reading a usage file into blocks: field counts are checked line by line, and Polars'
pieces of a block never trip the engine."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from closeloop.care.usage_file import Chunk, read_chunks
from tests.care.conftest import usage_file

A = "19900000001"
ROW = f"{A},2026-11-02T08:00:00+08:00,data,1"  # the fields after record_id, less the country


def _read(path: Path, chunk_bytes: int = 1 << 20) -> tuple[list[int], dict[int, str]]:
    chunks: list[Chunk] = list(read_chunks(path, chunk_bytes=chunk_bytes))
    good = [int(line) for c in chunks for line in c.rows["line"]]
    return good, {int(a): str(b) for c in chunks for a, b in c.errors.rows()}


def test_a_short_row_and_a_long_one_do_not_make_up_for_each_other(tmp_path: Path) -> None:
    rows = [f"r1,{ROW}", f"r2,{ROW},,extra", f"r3,{ROW},JP"]  # 5, 7 and 6 fields: 18 in all
    good, errors = _read(usage_file(tmp_path, "u.csv", rows))
    assert good == [4]
    assert errors == {2: "expected 6 fields, found 5", 3: "expected 6 fields, found 7"}


def test_a_block_that_starts_with_a_long_row_is_read(tmp_path: Path) -> None:
    rows = [f"r1,{ROW},JP,x,y", f"r2,{ROW},", f"r3,{ROW},JP"]  # 8 fields first
    good, errors = _read(usage_file(tmp_path, "u.csv", rows))
    assert good == [3, 4] and errors == {2: "expected 6 fields, found 8"}


def test_quoted_fields_are_counted_outside_their_quotes(tmp_path: Path) -> None:
    rows = [f'"r,1",{ROW},""', f'"r""2",{ROW},"JP",""', f'"r3",{ROW},"J,P"']
    good, errors = _read(usage_file(tmp_path, "u.csv", rows))
    assert good == [2] and errors == {  # a comma is a visible character: 'r,1' is an id
        3: "expected 6 fields, found 7",
        4: "roaming_country must be an ISO 3166 alpha-2 code or empty, got 'J,P'",
    }


def test_bad_rows_only_in_a_later_piece_of_a_block_are_named(tmp_path: Path) -> None:
    """Polars' CSV reader parses a block in pieces of about 32 KiB; bad rows in the second
    piece and none in the first once made `pl.format` panic (issue 14)."""
    rows = [f"r{i:06d}-{'0' * 40},{ROW}," for i in range(600)]  # ~50 KiB
    rows[550:550] = [f"b1,{A},not-a-time,data,1,", f"b2,{A},2026-11-02T08:00:00+08:00,fax,1,"]
    path = usage_file(tmp_path, "u.csv", rows)
    for chunk_bytes in (1 << 20, 40_000):  # the whole file in one block, or in two
        good, errors = _read(path, chunk_bytes)
        assert len(good) == 600 and errors == {
            552: "event_time must be ISO 8601 with an offset, got 'not-a-time'",
            553: "usage_type must be data, voice or sms, got 'fax'",
        }


def test_read_blocks_are_one_chunk_a_column(tmp_path: Path) -> None:
    rows = [f"r{i:06d}-{'0' * 40},{ROW}," for i in range(1200)] + [f"b1,{A},x,data,1,"] * 2
    [chunk] = read_chunks(usage_file(tmp_path, "u.csv", rows))
    for frame in (chunk.rows, chunk.errors):
        assert all(frame[c].n_chunks() == 1 for c in frame.columns)
    assert chunk.rows.height == 1200 and chunk.errors["line"].to_list() == [1202, 1203]
    assert pl.Series(chunk.rows["line"]).is_sorted()
