"""Usage ingestion engine (用量采集): a usage CSV through the care rules into the outbox.

The file is read in blocks (usage_file.py) on a reader thread while the previous block is
written, so parsing and the database overlap on two cores and memory stays bounded. Each
block is one transaction: its record ids are marked seen, its usage added to the month state
and its notices written together — a restart after a crash resumes without losing or
repeating anything, and a re-sent record is recognised by its record_id and skipped.
With `strict`, the whole file is one transaction and the first bad row aborts it.
"""

from __future__ import annotations

import contextlib
import queue
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

import polars as pl
from sqlalchemy.orm import Session

from closeloop.auth import audit
from closeloop.care import evaluate
from closeloop.care.quiet import QuietHours, apply_policy, capped_today, local_day_start
from closeloop.care.rules import RuleSettings, load_rules
from closeloop.care.usage_file import CHUNK_BYTES, Chunk, read_chunks
from closeloop.care.usage_store import CUSTOMER_SCHEMA, POSITION_SCHEMA, UsageStore
from closeloop.db.engine import Database
from closeloop.kit.actor import Actor
from closeloop.kit.clock import Clock, system_clock
from closeloop.kit.csvstream import RowError
from closeloop.kit.errors import InvalidInput

MAX_REPORTED_ERRORS = 1000
CUSTOMER_CACHE_LIMIT = 2_000_000
T = TypeVar("T")
EMPTY_POSITIONS = pl.DataFrame(schema=POSITION_SCHEMA)


class StrictIngestFailed(InvalidInput):
    """A bad row in --strict mode: nothing was ingested."""


@dataclass
class IngestReport:
    """read, new, duplicate, rejected, unknown (customer), notified, held."""

    read: int = 0
    new: int = 0
    duplicate: int = 0
    rejected: int = 0
    unknown: int = 0
    notified: int = 0
    held: int = 0
    errors: list[RowError] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """The summary as JSON-ready data."""
        return {
            "read": self.read,
            "new": self.new,
            "duplicate": self.duplicate,
            "rejected": self.rejected,
            "unknown": self.unknown,
            "notified": self.notified,
            "held": self.held,
            "errors": [{"line": e.line, "reason": e.reason} for e in self.errors],
        }

    def summary(self) -> str:
        """One human line."""
        return (
            f"usage: read {self.read}, new {self.new}, duplicate {self.duplicate}, "
            f"rejected {self.rejected}, unknown customers {self.unknown}, "
            f"notified {self.notified} (held by the daily cap {self.held})"
        )


@dataclass(frozen=True)
class Policy:
    """The operator's time zone, quiet hours and daily cap."""

    tz: ZoneInfo
    quiet: QuietHours
    daily_cap: int


def prefetch(items: Iterator[T], depth: int = 1) -> Iterator[T]:
    """Iterate `items` on a background thread, `depth` items ahead."""
    box: queue.Queue[tuple[str, Any]] = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def produce() -> None:
        try:
            for item in items:
                if stop.is_set():
                    return
                box.put(("item", item))
            box.put(("end", None))
        except BaseException as exc:  # handed to the consumer
            box.put(("error", exc))

    thread = threading.Thread(target=produce, name="usage-reader", daemon=True)
    thread.start()
    try:
        while True:
            kind, value = box.get()
            if kind == "end":
                return
            if kind == "error":
                raise value
            yield value
    finally:
        stop.set()
        while thread.is_alive():  # unblock a producer waiting on a full queue
            with contextlib.suppress(queue.Empty):
                box.get(timeout=0.05)


class UsageIngest:
    """Ingests usage blocks into one database under the rules in force."""

    def __init__(self, database: Database, policy: Policy, clock: Clock = system_clock) -> None:
        self.database, self.policy, self.clock = database, policy, clock
        self.customers = pl.DataFrame(schema=CUSTOMER_SCHEMA)
        self.looked_up = pl.Series("msisdn", [], dtype=pl.String)
        self.rules: dict[str, RuleSettings] = {}
        self.base_size: int | None = None
        self.complete = False  # the cache holds every customer

    def _resolve(self, store: UsageStore, msisdns: pl.Series) -> None:
        """Look up numbers not seen yet in this run (known and unknown alike are cached);
        a customer base that fits the cache is read whole once."""
        if self.base_size is None:
            self.base_size = store.customer_count()
            if self.base_size <= CUSTOMER_CACHE_LIMIT:
                self.customers = store.all_customers()
                self.complete = True
        if self.complete:
            return
        numbers = msisdns.unique()
        missing = numbers.filter(~numbers.is_in(self.looked_up.implode()))
        if missing.len() == 0:
            return
        if self.looked_up.len() + missing.len() > CUSTOMER_CACHE_LIMIT:
            self.customers = pl.DataFrame(schema=CUSTOMER_SCHEMA)
            self.looked_up, missing = numbers.clear(), numbers
        self.customers = pl.concat([self.customers, store.customers(missing)])
        self.looked_up = pl.concat([self.looked_up, missing])

    def block(self, session: Session, chunk: Chunk, report: IngestReport) -> None:
        """Apply one validated block in the caller's transaction."""
        now = self.clock.now()
        store = UsageStore(session.connection())
        if not self.rules:
            self.rules = load_rules(session)
        rows = chunk.rows
        self._resolve(store, rows["msisdn"])
        known = rows.join(self.customers, on="msisdn", how="left", maintain_order="left")
        unknown = known["customer_id"].is_null()
        report.unknown += int(unknown.sum())
        known = known.filter(~unknown)
        fresh = store.claim_records(known["record_id"])
        report.duplicate += int((~fresh).sum())
        rows = known.filter(fresh)
        report.new += rows.height
        if rows.height == 0:
            return
        rows = evaluate.with_period(rows, self.policy.tz)
        travellers = evaluate.roaming_customers(rows)
        positions = store.positions(travellers) if travellers.len() else EMPTY_POSITIONS
        deltas = evaluate.month_deltas(rows)
        totals = store.add_usage(deltas)
        groups = deltas.join(totals, on=["customer_id", "period"]).select(
            "gkey",
            "quota",
            home_before=pl.col("home_total") - pl.col("home"),
            home_after=pl.col("home_total"),
            roaming_before=pl.col("roaming_total") - pl.col("roaming"),
            roaming_after=pl.col("roaming_total"),
        )
        due = evaluate.notices(rows, groups, positions, self.rules)
        if due.height:
            self._notify(store, session, due, now, report)

    def _notify(
        self,
        store: UsageStore,
        session: Session,
        due: pl.DataFrame,
        now: datetime,
        report: IngestReport,
    ) -> None:
        optouts = store.opted_out(due["customer_id"].unique())
        due = due.join(optouts, on=["customer_id", "rule"], how="anti", maintain_order="left")
        if due.height == 0:
            return
        capped = [r for r, s in self.rules.items() if s.capped]
        tz = self.policy.tz
        given = capped_today(
            session, due["customer_id"].unique().to_list(), capped, local_day_start(now, tz)
        )
        channels = {r: s.channel for r, s in self.rules.items()}
        scheduled = apply_policy(
            due, self.rules, given, now, tz, self.policy.quiet, self.policy.daily_cap
        ).with_columns(channel=pl.col("rule").replace_strict(channels, default="sms"))
        report.notified += store.insert_notices(scheduled, now)
        report.held += int((scheduled["status"] == "held").sum())


@dataclass(frozen=True)
class Progress:
    """Who hears of an ingest's progress: bytes read of the file, records taken in."""

    on_bytes: Callable[[int], None] | None = None
    on_records: Callable[[int], None] | None = None


def ingest_usage(
    database: Database,
    path: Path,
    actor: Actor,
    policy: Policy,
    *,
    clock: Clock = system_clock,
    strict: bool = False,
    progress: Progress = Progress(),
    chunk_bytes: int = CHUNK_BYTES,
) -> IngestReport:
    """Ingest a usage CSV; bad rows are reported by line (with `strict` they abort it all)."""
    report = IngestReport()
    engine = UsageIngest(database, policy, clock)
    on_records = progress.on_records
    chunks = prefetch(read_chunks(path, progress.on_bytes, chunk_bytes))

    def take(chunk: Chunk) -> None:
        report.read += chunk.read
        if chunk.errors.height:
            first = chunk.errors.row(0)
            if strict:
                raise StrictIngestFailed(
                    f"line {first[0]}: {first[1]} (--strict: nothing ingested)"
                )
            report.rejected += chunk.errors.height
            room = MAX_REPORTED_ERRORS - len(report.errors)
            report.errors.extend(
                RowError(int(a), str(b)) for a, b in chunk.errors.head(room).rows()
            )

    if strict:
        with database.unit_of_work() as session:
            for chunk in chunks:
                take(chunk)
                engine.block(session, chunk, report)
                if on_records:
                    on_records(chunk.read)
            _audit(session, actor, path, report, clock)
        return report
    for chunk in chunks:
        take(chunk)
        with database.unit_of_work() as session:
            engine.block(session, chunk, report)
        if on_records:
            on_records(chunk.read)
    with database.unit_of_work() as session:
        _audit(session, actor, path, report, clock)
    return report


def _audit(session: Session, actor: Actor, path: Path, report: IngestReport, clock: Clock) -> None:
    audit.record(
        session,
        actor,
        "usage.ingest",
        "usage_file",
        path.name,
        report.summary(),
        clock=clock,
    )
