"""`usage ingest` on any mix of good rows, bad rows, re-sent records and unknown numbers.

Every bad row is named by its line with the reason of its one defect, every good row of a known
customer counts once in the month totals, and nothing crashes, wherever the rows fall in the
file's blocks or in the pieces Polars' CSV reader cuts a block into (about 32 KiB each).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from closeloop.care.models import UsageMonth
from closeloop.care.usage_file import CHUNK_BYTES, read_chunks
from closeloop.db.engine import Database
from closeloop.kit.clock import FixedClock
from tests.care.conftest import HEADER, NUMBERS, TZ, CareSetup, ingest, reset_usage

UNKNOWN = ("13900000000", "18612345678")
MONTH = datetime(2026, 11, 1, tzinfo=TZ)
_RID = "record_id must be 1–64 visible ASCII characters, got '{}'"
_MSISDN = "msisdn '{}' is not an 11-digit mainland mobile number"
_TIME = "event_time must be ISO 8601 with an offset, got '{}'"
_KIND = "usage_type must be data, voice or sms, got '{}'"
_AMOUNT = "amount must be a number ≥ 0 with at most 3 decimals, got '{}'"
_RANGE = "amount {} is larger than 1000000"
_WHOLE = "amount of sms must be a whole number, got '{}'"
_COUNTRY = "roaming_country must be an ISO 3166 alpha-2 code or empty, got '{}'"

# Each kind of bad row the engine knows: the field spoiled, the values tried, the reason.
BAD_VALUES: dict[str, tuple[str, tuple[str, ...], str]] = {
    "record_id": ("rid", ("", "x" * 65, "r 1", "记录1", "r\\1"), _RID),
    "msisdn": ("msisdn", ("1380000", "12345678901", "1990000000a", "", "+8613800138000"), _MSISDN),
    "event_time": ("when", ("not-a-time", "2026-11-02T08:00:00", "2026-11-31T08:00:00+08:00",
                            "2026-11-02 08:00:00+08:00", "", "2026-11-02T08:00+08:00"), _TIME),
    "usage_type": ("kind", ("fax", "video", "DATA", ""), _KIND),
    "amount": ("amount", ("abc", "-1", "1.2345", "", "1e3", ".5"), _AMOUNT),
    "range": ("amount", ("1000000.001", "2000000", "999999999"), _RANGE),
    "whole": ("amount", ("1.5", "0.001"), _WHOLE),
    "roaming_country": ("country", ("FRA", "J", "1A", "日本"), _COUNTRY),
}  # fmt: skip
FIELD_COUNTS = (1, 4, 5, 7, 8)
BAD_KINDS = (*BAD_VALUES, "fields", "bytes")
GOOD_ROWS = (0, 3, 40, 900, 2_000, 3_500)  # ~100 bytes a row: up to ~11 of Polars' pieces
# Block sizes to read the file with: many small blocks; blocks Polars' CSV reader cuts into two,
# three or more pieces of about 32 KiB; the whole file in one block (the engine's default).
BLOCKS = (4_096, 50_000, 100_000, 200_000, CHUNK_BYTES)

# Rows other than fresh good ones, put among them at places the seed picks.
bad_row = st.tuples(st.sampled_from(BAD_KINDS), st.integers(min_value=0, max_value=99))
other_row = st.one_of(
    bad_row,
    bad_row,  # twice as likely as each of the others
    st.tuples(st.just("resend"), st.integers(min_value=0, max_value=10**6)),  # an earlier record
    st.tuples(st.just("unknown"), st.just(0)),  # a good row of a number nobody has
    st.tuples(st.just("blank"), st.just(0)),  # only in files with blank lines
)
others = st.integers(min_value=0, max_value=30).flatmap(
    lambda n: st.lists(other_row, min_size=n, max_size=n)
)


@dataclass
class Record:
    rid: str
    msisdn: str
    when: str
    kind: str
    amount: str
    country: str
    milli: int  # what it adds: thousandths of MB / minutes, or messages × 1000
    quoted: bool = False

    def line(self) -> bytes:
        rid = f'"{self.rid}"' if self.quoted else self.rid
        fields = (rid, self.msisdn, self.when, self.kind, self.amount, self.country)
        return ",".join(fields).encode()


@dataclass
class UsageFile:
    """The file's lines and what the engine must make of them."""

    lines: list[bytes] = field(default_factory=list)
    errors: dict[int, str] = field(default_factory=dict)  # line → reason
    good_lines: list[int] = field(default_factory=list)
    counted: dict[str, Record] = field(default_factory=dict)  # known customers, once per id
    sent: list[Record] = field(default_factory=list)  # good rows of known customers, in order
    read: int = 0
    duplicate: int = 0
    unknown: int = 0

    def add(self, line: bytes, reason: str | None = None) -> None:
        self.lines.append(line)
        self.read += 1
        if reason is not None:
            self.errors[len(self.lines) + 1] = reason  # line 1 is the header

    def good(self, record: Record) -> None:
        self.add(record.line())
        self.good_lines.append(len(self.lines) + 1)
        if record.msisdn in UNKNOWN:
            self.unknown += 1
        elif record.rid in self.counted:
            self.duplicate += 1
        else:
            self.counted[record.rid] = record
            self.sent.append(record)


def _record(rnd: random.Random, name: str, numbers: tuple[str, ...]) -> Record:
    rid = f"{name}-{'0' * rnd.randrange(50)}"  # long ids: a file spans blocks in fewer rows
    kind = rnd.choice(("data", "data", "voice", "sms"))
    local = MONTH + timedelta(seconds=rnd.randrange(29 * 86400))  # in November in Shanghai
    form = rnd.randrange(3)
    when = local.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if form == 0 else (
        local.strftime("%Y-%m-%dT%H:%M:%S") + (".250+08:00" if form == 1 else "+08:00")
    )  # fmt: skip
    if kind == "sms":
        milli = rnd.randint(0, 20) * 1000
    else:  # up to the largest amount a record may have, now and then a whole number
        milli = rnd.choice((rnd.randint(0, 99_999), rnd.randint(0, 1_000_000_000)))
        milli -= milli % 1000 if rnd.random() < 0.3 else 0
    amount = str(milli // 1000) if milli % 1000 == 0 else f"{milli // 1000}.{milli % 1000:03d}"
    country = rnd.choice(("", "", "", "JP", "fr", "TH"))
    return Record(rid, rnd.choice(numbers), when, kind, amount, country, milli)


def _bad(file: UsageFile, rnd: random.Random, kind: str, pick: int) -> None:
    base = _record(rnd, f"bad{len(file.lines)}", NUMBERS)
    if kind == "fields":
        count = FIELD_COUNTS[pick % len(FIELD_COUNTS)]
        fields = [base.rid, base.msisdn, base.when, base.kind, base.amount, base.country, "x", "y"]
        file.add(",".join(fields[:count]).encode(), f"expected 6 fields, found {count}")
    elif kind == "bytes":
        file.add(base.line().replace(b"bad", b"b\xffd", 1), "contains bytes that are not UTF-8")
    else:
        attribute, values, reason = BAD_VALUES[kind]
        value = values[pick % len(values)]
        if kind == "range":
            base.kind = "data"
        elif kind == "whole":
            base.kind = "sms"
        setattr(base, attribute, value)
        file.add(base.line(), reason.format(value))


@dataclass(frozen=True)
class Case:
    """What a file is made of: how many fresh good rows, the other rows and where they go, the
    seed of the good rows' values, the block size it is ingested with, its line ends."""

    good: int
    extra: list[tuple[str, int]]
    seed: int
    block: int
    crlf: bool
    quirk: str  # blank lines or quoted record ids send a block the slow way (the csv module)


cases = st.builds(
    Case,
    good=st.sampled_from(GOOD_ROWS),
    extra=others,
    seed=st.integers(min_value=0, max_value=2**32),
    block=st.sampled_from(BLOCKS),
    crlf=st.booleans(),
    quirk=st.sampled_from(("none", "none", "blank lines", "quoted ids")),
)


def _places(case: Case, rnd: random.Random) -> dict[int, list[tuple[str, int]]]:
    """The other rows in runs (as a broken stretch of a file), each run before the good row of
    the number the seed picks (the number of good rows: after the last)."""
    at: dict[int, list[tuple[str, int]]] = {}
    place = rnd.randrange(case.good + 1)
    for row in case.extra:
        if rnd.random() < 0.4:
            place = rnd.randrange(case.good + 1)
        if row[0] != "blank" or case.quirk == "blank lines":
            at.setdefault(place, []).append(row)
    return at


def _build(case: Case) -> UsageFile:
    """The file of a case: fresh good rows with the other rows among them."""
    good, rnd, file = case.good, random.Random(case.seed), UsageFile()
    at = _places(case, rnd)
    for i in range(good + 1):
        for n, (what, pick) in enumerate(at.get(i, [])):
            if what == "resend":
                if file.sent:
                    file.good(file.sent[pick % len(file.sent)])
            elif what == "unknown":
                file.good(_record(rnd, f"u{i}-{n}", UNKNOWN))
            elif what == "blank":
                file.lines.append(b"")
            else:
                _bad(file, rnd, what, pick)
        if i < good:
            record = _record(rnd, f"g{i}", NUMBERS)
            record.quoted = case.quirk == "quoted ids" and rnd.random() < 0.05
            file.good(record)
    return file


def _expected_totals(file: UsageFile, care: CareSetup) -> dict[int, tuple[int, ...]]:
    totals: dict[int, list[int]] = {}
    for r in file.counted.values():
        month = totals.setdefault(care.ids[r.msisdn], [0, 0, 0, 0, 0])
        slot = {"voice": 2, "sms": 3}.get(r.kind, 1 if r.country else 0)
        month[slot] += r.milli // 1000 if r.kind == "sms" else r.milli
        month[4] += 1
    return {k: tuple(v) for k, v in totals.items()}


def _stored_totals(database: Database) -> dict[int, tuple[int, ...]]:
    with database.unit_of_work(write=False) as session:
        months = list(session.scalars(select(UsageMonth)))
    assert {m.period for m in months} <= {"2026-11"}
    return {
        m.customer_id: (m.home_data_milli, m.roaming_data_milli, m.voice_milli, m.sms_count,
                        m.records)
        for m in months
    }  # fmt: skip


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(case=cases)
def test_every_bad_row_is_named_and_every_good_row_counts_once(
    tmp_path: Path, database: Database, clock: FixedClock, care: CareSetup, case: Case
) -> None:
    file = _build(case)
    end = b"\r\n" if case.crlf else b"\n"
    path = tmp_path / "usage.csv"
    path.write_bytes(HEADER.encode() + b"".join(line + end for line in file.lines))
    for size in BLOCKS:  # the file's rows are judged alike however it is cut into blocks
        chunks = list(read_chunks(path, chunk_bytes=size))
        errors = [row for chunk in chunks for row in chunk.errors.rows()]
        assert dict(errors) == file.errors and len(errors) == len(file.errors)
        assert [line for chunk in chunks for line in chunk.rows["line"]] == file.good_lines
    reset_usage(database)

    report = ingest(database, path, clock, chunk_bytes=case.block)  # and ingested with one

    assert {e.line: e.reason for e in report.errors} == file.errors
    assert len(report.errors) == report.rejected == len(file.errors)
    assert report.read == file.read
    assert (report.new, report.duplicate, report.unknown) == (
        len(file.counted), file.duplicate, file.unknown,
    )  # fmt: skip
    assert _stored_totals(database) == _expected_totals(file, care)
