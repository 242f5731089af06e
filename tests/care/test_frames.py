"""`format_text`: the text `pl.format` would give, whatever the chunks of its columns."""

from __future__ import annotations

import polars as pl
import pytest

from closeloop.care.frames import format_text


def _pieces_with_a_gap() -> pl.DataFrame:
    """Columns in chunks [0, 2, 0, 1]: the layout `DataFrame.filter` leaves when a frame's
    columns are chunked unlike each other (here `n` is one chunk, `a` and `b` four)."""
    parts = [pl.DataFrame({"a": [f"x{j}{i}" for i in range(3)], "b": [j, j, j]}) for j in range(4)]
    frame = pl.concat(parts, rechunk=False).with_row_index("n")
    kept = frame.filter(pl.col("n").is_in([3, 4, 9]))
    assert [len(c) for c in kept["a"].get_chunks()] == [0, 2, 0, 1]
    return kept


def test_any_chunk_layout_gives_the_text_of_each_row() -> None:
    frame = _pieces_with_a_gap()
    texts = frame.select(text=format_text("<{}|{}> of {}", pl.col("a"), pl.col("b"), pl.lit(9)))
    assert texts["text"].to_list() == ["<x10|1> of 9", "<x11|1> of 9", "<x30|3> of 9"]
    same = frame.rechunk().select(text=pl.format("<{}|{}> of {}", "a", "b", pl.lit(9)))
    assert texts["text"].to_list() == same["text"].to_list()


def test_nulls_edges_and_a_wrong_number_of_values() -> None:
    frame = pl.DataFrame({"a": ["x", None]})
    assert frame.select(t=format_text("{}!", pl.col("a")))["t"].to_list() == ["x!", None]
    assert frame.select(t=format_text("{}{}", pl.col("a"), pl.col("a")))["t"].to_list() == [
        "xx", None,
    ]  # fmt: skip
    assert frame.select(t=format_text("plain"))["t"].to_list() == ["plain"]
    with pytest.raises(ValueError, match="2 places for 1 values"):
        format_text("{} and {}", pl.col("a"))
