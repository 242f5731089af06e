"""Reading a usage CSV (CONTRACT §2) in chunks of bytes and validating each chunk as a frame.

`record_id,msisdn,event_time,usage_type,amount,roaming_country` in any column order. The
file is read in blocks cut at line ends, so memory stays bounded whatever the file's size;
each block becomes a Polars frame of good rows (amounts in thousandths, times in UTC) and a
frame of bad rows with their physical line number and the reason.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from closeloop.care.frames import format_text
from closeloop.kit.errors import InvalidInput

COLUMNS = ("record_id", "msisdn", "event_time", "usage_type", "amount", "roaming_country")
USAGE_TYPES = ("data", "voice", "sms")
CHUNK_BYTES = 96 << 20
MAX_AMOUNT = 1_000_000  # per record: 1 TB of data, 16,000 hours, a million messages
TIME_FORMAT = "%Y-%m-%dT%H:%M:%S%.f%#z"

GOOD_SCHEMA = {
    "line": pl.Int64,
    "record_id": pl.String,
    "msisdn": pl.String,
    "event_time": pl.Datetime("us", "UTC"),
    "usage_type": pl.String,
    "amount": pl.Int64,  # thousandths of MB / minutes / messages
    "country": pl.String,  # "" at home
}


@dataclass
class Chunk:
    """One block of the file: its good rows and its bad rows (line, reason)."""

    read: int
    rows: pl.DataFrame
    errors: pl.DataFrame


def _header(raw: bytes, path: Path) -> list[int]:
    text = raw.decode("utf-8-sig", errors="replace").strip()
    if not text:
        raise InvalidInput(f"{path}: the file is empty")
    names = [n.strip() for n in text.split(",")]
    missing = [c for c in COLUMNS if c not in names]
    unknown = [n for n in names if n not in COLUMNS]
    if missing or unknown or len(names) != len(COLUMNS):
        raise InvalidInput(
            f"{path}: line 1: expected the columns {','.join(COLUMNS)}"
            + (f"; missing {', '.join(missing)}" if missing else "")
            + (f"; unknown {', '.join(unknown)}" if unknown else "")
        )
    return [names.index(c) for c in COLUMNS]


FIELDS = [f"f{i}" for i in range(len(COLUMNS) + 1)]
_QUOTED = r'"(?:[^"]|"")*"'
_FIELD = rf'(?:[^",]*|{_QUOTED})'
# A line whose every field is either unquoted (no quote in it) or quoted whole: its fields are
# its commas outside quotes plus one, whichever CSV reader splits it.
_PLAIN_FIELDS = rf"^{_FIELD}(?:,{_FIELD})*$"


def _field_counts(block: bytes, expected: int) -> pl.Series | None:
    """Fields per line of a block, counted exactly (None: a line is quoted some other way, or
    the block does not split into `expected` lines; the slow way decides then).

    Each line is counted on its own: a total of separators over the block would let a short
    row and a long one make up for each other and both pass as six fields.
    """
    raw = pl.read_csv(
        io.BytesIO(block),
        has_header=False,
        separator="\x1f",
        quote_char=None,
        new_columns=["text"],
        schema={"text": pl.String},
        encoding="utf8-lossy",
    )
    if raw.height != expected:
        return None
    text = raw["text"]
    commas = text.str.count_matches(",", literal=True)
    if b'"' in block:  # the lines with quotes again, without their quoted fields
        at = text.str.contains('"', literal=True).arg_true()
        quoted = text.gather(at)
        if not quoted.str.contains(_PLAIN_FIELDS).all():
            return None
        commas = commas.scatter(
            at, quoted.str.replace_all(_QUOTED, "").str.count_matches(",", literal=True)
        )
    return (commas + 1).cast(pl.Int64).alias("fields")


def _fast_lines(block: bytes, first_line: int, expected: int) -> pl.DataFrame | None:
    """The lines of a block split by Polars' CSV reader (None: use the slow way).

    Line numbers are exact only without blank lines or quoted line breaks, so such blocks go
    the slow way; so does a block with quotes that are not around whole fields.
    """
    if b"\x1f" in block or b"\n\n" in block or b"\n\r\n" in block:
        return None
    if block.startswith((b"\n", b"\r\n")):
        return None
    fields = _field_counts(block, expected)
    if fields is None:
        return None
    frame = pl.read_csv(
        io.BytesIO(block),
        has_header=False,
        new_columns=FIELDS,
        schema={f: pl.String for f in FIELDS},
        truncate_ragged_lines=True,  # rows with more fields than FIELDS are cut (and counted)
        extra_columns="ignore",  # the same when the block's first row is such a row
        empty_string_is_null=False,
        missing_columns="insert",
        encoding="utf8-lossy",
    )
    if frame.height != expected:
        return None
    try:
        block.decode("utf-8")
        bytes_ok = pl.lit(True)
    except UnicodeDecodeError:
        bytes_ok = ~pl.any_horizontal(
            pl.col(f).str.contains("\ufffd", literal=True).fill_null(False) for f in FIELDS
        )
    return frame.with_row_index("line", offset=first_line).with_columns(
        pl.col("line").cast(pl.Int64),
        fields,
        count_ok=fields == len(COLUMNS),
        bytes_ok=bytes_ok,
    )


def _slow_lines(block: bytes, first_line: int) -> pl.DataFrame:
    """Lines of a block parsed by the csv module (quoted line breaks, blank lines)."""
    text = block.decode("utf-8", errors="replace")
    reader = csv.reader(io.StringIO(text, newline=""))
    columns: dict[str, list[object]] = {"line": [], "fields": [], **{f: [] for f in FIELDS}}
    line = first_line
    for row in reader:
        if row:
            columns["line"].append(line)
            columns["fields"].append(len(row))
            for i, name in enumerate(FIELDS):
                columns[name].append(row[i] if i < len(row) else "")
        line = first_line + reader.line_num
    schema = {"line": pl.Int64, "fields": pl.Int64, **{f: pl.String for f in FIELDS}}
    return pl.DataFrame(columns, schema=schema).with_columns(
        count_ok=pl.col("fields") == len(COLUMNS),
        bytes_ok=~pl.any_horizontal(pl.col(f).str.contains("\ufffd", literal=True) for f in FIELDS),
    )


def _reasons(bad: pl.DataFrame) -> pl.DataFrame:
    """Why each bad row is bad (computed for bad rows only): its first failed check."""
    rid, msisdn, kind, amount = (pl.col(c) for c in ("record_id", "msisdn", "usage_type", "amount"))
    when = pl.col("event_text")
    reason = (
        pl.when(~pl.col("count_ok"))
        .then(format_text("expected {} fields, found {}", pl.lit(len(COLUMNS)), pl.col("fields")))
        .when(~pl.col("bytes_ok"))
        .then(pl.lit("contains bytes that are not UTF-8"))
        .when(~pl.col("rid_ok"))
        .then(format_text("record_id must be 1–64 visible ASCII characters, got '{}'", rid))
        .when(~pl.col("msisdn_ok"))
        .then(format_text("msisdn '{}' is not an 11-digit mainland mobile number", msisdn))
        .when(~pl.col("time_ok"))
        .then(format_text("event_time must be ISO 8601 with an offset, got '{}'", when))
        .when(~pl.col("kind_ok"))
        .then(format_text("usage_type must be data, voice or sms, got '{}'", kind))
        .when(~pl.col("amount_ok"))
        .then(format_text("amount must be a number ≥ 0 with at most 3 decimals, got '{}'", amount))
        .when(~pl.col("range_ok"))
        .then(format_text("amount {} is larger than {}", amount, pl.lit(MAX_AMOUNT)))
        .when(~pl.col("whole_ok"))
        .then(format_text("amount of sms must be a whole number, got '{}'", amount))
        .otherwise(
            format_text(
                "roaming_country must be an ISO 3166 alpha-2 code or empty, got '{}'",
                pl.col("roaming_country"),
            )
        )
    )
    return bad.select("line", reason=reason)


def _parse_times(when: pl.Series) -> pl.Series:
    """ISO 8601 instants with an offset; the common form without fractions is tried first."""
    fast = when.str.to_datetime(
        "%Y-%m-%dT%H:%M:%S%#z", time_zone="UTC", strict=False, time_unit="us"
    )
    missing = fast.is_null()
    if not missing.any():
        return fast
    slow = when.str.to_datetime(TIME_FORMAT, time_zone="UTC", strict=False, time_unit="us")
    return fast.zip_with(~missing, slow)


def _validate(
    lines: pl.DataFrame, positions: list[int], strip: bool = True
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Good rows and bad rows (line, reason) of a frame of split lines."""
    # One chunk per column from here on. Polars' CSV reader hands a block over in pieces of
    # about 32 KiB while the line numbers and flags added to it are one piece each; filtering
    # columns chunked unlike each other leaves empty chunks in the result, a layout some Polars
    # kernels mishandle (see frames.py). Costs ~0.1 s a 96 MiB block, against ~0.5 s to read it.
    lines = lines.rechunk()

    def field(p: int) -> pl.Expr:
        value = pl.col(FIELDS[p]).fill_null("")
        return value.str.strip_chars() if strip else value

    frame = lines.select(
        "line",
        "fields",
        "count_ok",
        "bytes_ok",
        *[field(p).alias(c) for c, p in zip(COLUMNS, positions, strict=True)],
    )
    frame = frame.with_columns(
        event_text=pl.col("event_time"), event_time=_parse_times(frame["event_time"])
    )
    rid, msisdn, kind, amount = (pl.col(c) for c in ("record_id", "msisdn", "usage_type", "amount"))
    milli = (amount.cast(pl.Float64, strict=False) * 1000).round(0).cast(pl.Int64, strict=False)
    checked = frame.with_columns(
        milli=milli,
        country=pl.col("roaming_country").str.to_uppercase(),
        rid_ok=rid.str.contains(r"^[!#-\[\]-~]{1,64}$"),
        msisdn_ok=msisdn.str.contains(r"^1[3-9][0-9]{9}$"),
        time_ok=pl.col("event_time").is_not_null(),
        kind_ok=kind.is_in(USAGE_TYPES),
        amount_ok=amount.str.contains(r"^[0-9]{1,9}(\.[0-9]{1,3})?$"),
    ).with_columns(
        range_ok=pl.col("milli") <= MAX_AMOUNT * 1000,
        whole_ok=(kind != "sms") | (pl.col("milli") % 1000 == 0),
        country_ok=(pl.col("country").str.len_bytes() == 0)
        | pl.col("country").str.contains(r"^[A-Z]{2}$"),
    )
    flags = [
        "count_ok", "bytes_ok", "rid_ok", "msisdn_ok", "time_ok", "kind_ok", "amount_ok",
        "range_ok", "whole_ok", "country_ok",
    ]  # fmt: skip
    checked = checked.with_columns(ok=pl.all_horizontal(pl.col(f).fill_null(False) for f in flags))
    bad = checked.filter(~pl.col("ok"))
    if bad.height:
        errors = _reasons(bad)
    else:
        errors = pl.DataFrame(schema={"line": pl.Int64, "reason": pl.String})
    good = checked.filter(pl.col("ok")).select(
        "line", "record_id", "msisdn", "event_time", "usage_type",
        pl.col("milli").alias("amount"), "country",
    )  # fmt: skip
    return good, errors


def read_chunks(
    path: Path,
    on_bytes: Callable[[int], None] | None = None,
    chunk_bytes: int = CHUNK_BYTES,
) -> Iterator[Chunk]:
    """The file's blocks, validated; raises InvalidInput when the header is wrong."""
    with path.open("rb") as f:
        header = f.readline()
        if on_bytes:
            on_bytes(len(header))
        positions = _header(header, path)
        next_line = 2
        rest = b""
        while True:
            data = f.read(chunk_bytes)
            if on_bytes and data:
                on_bytes(len(data))
            block = rest + data
            if data:
                cut = block.rfind(b"\n")
                if cut < 0:
                    rest = block
                    continue
                block, rest = block[: cut + 1], block[cut + 1 :]
            elif not block:
                return
            else:
                rest = b""
            count = block.count(b"\n") + (0 if block.endswith(b"\n") else 1)
            lines = _fast_lines(block, next_line, count)
            if lines is None:
                lines = _slow_lines(block, next_line)
            next_line += count
            strip = b" " in block or b"\t" in block or b"\r" in block
            good, errors = _validate(lines, positions, strip)
            yield Chunk(read=lines.height, rows=good, errors=errors)
            if not data:
                return
