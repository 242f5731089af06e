"""Polars building blocks of the care engine that keep clear of a known Polars defect.

`pl.format` (Polars 2.1, its native `format_str` kernel) panics with
`assertion failed: i < self.len()` when an input column of more than one row holds an empty
chunk before a non-empty one (pola-rs/polars#25339: "pl.format panics", open; the same panic
after a join). Such columns are ordinary: `DataFrame.filter` over a frame whose columns are
chunked differently keeps the empty pieces (a usage block read by Polars' CSV reader comes in
pieces of about 32 KiB while its line numbers are one piece). `pl.concat_str` builds the same
text from the same parts and handles any chunk layout, so texts are built with it here.
"""

from __future__ import annotations

import polars as pl


def format_text(template: str, *values: pl.Expr) -> pl.Expr:
    """`template` with each `{}` replaced by the next expression's value, as `pl.format` does
    (a null value gives a null text); numbers are written as Polars casts them to text."""
    pieces = template.split("{}")
    if len(pieces) != len(values) + 1:
        raise ValueError(f"{template!r} has {len(pieces) - 1} places for {len(values)} values")
    parts: list[pl.Expr] = []
    for piece, value in zip(pieces, values, strict=False):
        if piece:
            parts.append(pl.lit(piece))
        parts.append(value.cast(pl.String))
    if pieces[-1] or not parts:
        parts.append(pl.lit(pieces[-1]))
    return pl.concat_str(parts)
