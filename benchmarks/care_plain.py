"""The baseline of benchmarks/care_ingest.py: the same care rules, one record at a time.

A straightforward implementation: csv.reader, per-field validation, and for each record the
statements a per-row design issues (mark the record seen, read the latest position, add to
the month row, write each notice), committing every 10,000 records.
"""

from __future__ import annotations

import csv
import re
import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from typing import NamedTuple
from zoneinfo import ZoneInfo

from closeloop.care import rules as R
from closeloop.care.templates import (
    ADVICE_NEAR,
    ADVICE_OVER,
    country_name,
    human_mb,
    month_text,
    render,
)

MSISDN = re.compile(r"^1[3-9][0-9]{9}$")
AMOUNT = re.compile(r"^[0-9]{1,9}(\.[0-9]{1,3})?$")
TZ = ZoneInfo("Asia/Shanghai")


def _stored(at: datetime) -> str:
    return at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


class PlainIngest:
    """Per-record ingestion into a migrated SQLite database."""

    def __init__(self, path: Path) -> None:
        self.conn = sqlite3.connect(path, isolation_level=None)
        self.conn.execute("PRAGMA journal_mode=WAL")
        self.conn.execute("PRAGMA synchronous=NORMAL")
        self.customers = {
            m: (cid, q * 1000)
            for m, cid, q in self.conn.execute(
                "SELECT c.msisdn, c.id, p.data_mb FROM customers c JOIN plans p ON p.id=c.plan_id"
            )
        }
        self.now = _stored(datetime.now(UTC))

    def close(self) -> None:
        """Close the connection."""
        self.conn.close()

    def _notice(
        self,
        cid: int,
        msisdn: str,
        rule: str,
        period: str,
        threshold: int | None,
        country: str | None,
        text: str,
        key: str,
    ) -> int:
        cur = self.conn.execute(
            "INSERT INTO notifications (customer_id, msisdn, recipient, channel, rule, period, "
            "threshold, country, text, status, created_at, send_after, attempts, dedup_key) "
            "VALUES (?,?,'customer','sms',?,?,?,?,?,'pending',?,?,0,?) "
            "ON CONFLICT (dedup_key) DO NOTHING",
            (cid, msisdn, rule, period, threshold, country, text, self.now, self.now, key),
        )
        return cur.rowcount

    def ingest(self, path: Path) -> dict[str, int]:
        """Ingest one usage CSV; counts."""
        counts = {"read": 0, "new": 0, "duplicate": 0, "rejected": 0, "notified": 0}
        conn = self.conn
        conn.execute("BEGIN")
        with path.open(newline="", encoding="utf-8") as f:
            reader = csv.reader(f)
            next(reader)
            for row in reader:
                counts["read"] += 1
                self._record(row, counts)
                if counts["read"] % 10000 == 0:
                    conn.execute("COMMIT")
                    conn.execute("BEGIN")
        conn.execute("COMMIT")
        return counts

    def _record(self, row: list[str], counts: dict[str, int]) -> None:
        """One CSV row: validate, skip unknown numbers and repeats, add it up, notify."""
        usage = _parse(row)
        if usage is None:
            counts["rejected"] += 1
            return
        customer = self.customers.get(usage.msisdn)
        if customer is None:
            return
        if not self._first_sight(usage.rid):
            counts["duplicate"] += 1
            return
        counts["new"] += 1
        counts["notified"] += self._add_up(usage, *customer)

    def _first_sight(self, rid: str) -> bool:
        """Mark the record seen; whether it was new."""
        inserted = self.conn.execute(
            "INSERT INTO care_usage_records VALUES (?) ON CONFLICT DO NOTHING", (rid,)
        ).rowcount
        return bool(inserted != 0)

    def _add_up(self, usage: Usage, cid: int, quota: int) -> int:
        """Add the record to its month; the notices it triggers (how many were written)."""
        amount = round(float(usage.amount_text) * 1000)
        kind, country = usage.kind, usage.country
        local = usage.at.astimezone(TZ)
        period = f"{local.year}-{local.month:02d}"
        stored = _stored(usage.at)
        known = self.conn.execute(
            "SELECT last_event_at, last_country FROM care_usage_months WHERE "
            "customer_id=? ORDER BY period DESC LIMIT 1",
            (cid,),
        ).fetchone()
        home = amount if kind == "data" and not country else 0
        roam = amount if kind == "data" and country else 0
        total_home, total_roam = self.conn.execute(
            "INSERT INTO care_usage_months VALUES (?,?,?,?,?,?,1,?,?) "
            "ON CONFLICT (customer_id, period) DO UPDATE SET "
            "home_data_milli=home_data_milli+excluded.home_data_milli, "
            "roaming_data_milli=roaming_data_milli+excluded.roaming_data_milli, "
            "voice_milli=voice_milli+excluded.voice_milli, "
            "sms_count=sms_count+excluded.sms_count, records=records+1, "
            "last_country=CASE WHEN excluded.last_event_at>=last_event_at "
            "THEN excluded.last_country ELSE last_country END, "
            "last_event_at=max(last_event_at, excluded.last_event_at) "
            "RETURNING home_data_milli, roaming_data_milli",
            (
                cid,
                period,
                home,
                roam,
                amount if kind == "voice" else 0,
                amount // 1000 if kind == "sms" else 0,
                stored,
                country,
            ),
        ).fetchone()
        month = Month(cid, usage.msisdn, period)
        notified = self._data_notices(month, total_home - home, total_home, quota)
        notified += self._roaming_notices(month, total_roam - roam, total_roam)
        late = known is not None and stored < known[0]
        if not late and R.is_arrival(known[1] if known else None, country):
            notified += self._arrival_notice(month, usage.at, country)
        return notified

    def _data_notices(self, month: Month, before: int, total: int, quota: int) -> int:
        levels, every, max_level = [80, 100], 100, 5000
        notified = 0
        for level in R.crossed_levels(before, total, quota, levels, every, max_level):
            text = render(
                R.DATA_THRESHOLD,
                month=month_text(month.period),
                used=human_mb(total),
                quota=human_mb(quota),
                threshold=level,
                advice=ADVICE_OVER if level >= 100 else ADVICE_NEAR,
            )
            notified += self._notice(
                month.cid,
                month.msisdn,
                R.DATA_THRESHOLD,
                month.period,
                level,
                None,
                text,
                f"{month.msisdn}|{R.DATA_THRESHOLD}|{month.period}|{level}",
            )
        return notified

    def _roaming_notices(self, month: Month, before: int, total: int) -> int:
        notified = 0
        for step in R.crossed_steps(before, total, 20, 1000):
            text = render(
                R.ROAMING_DATA,
                month=month_text(month.period),
                used=human_mb(total),
                threshold=step,
            )
            notified += self._notice(
                month.cid,
                month.msisdn,
                R.ROAMING_DATA,
                month.period,
                step,
                None,
                text,
                f"{month.msisdn}|{R.ROAMING_DATA}|{month.period}|{step}",
            )
        return notified

    def _arrival_notice(self, month: Month, at: datetime, country: str) -> int:
        text = render(R.ROAMING_ARRIVAL, country_name=country_name(country))
        epoch = int(at.timestamp() * 1_000_000)
        return self._notice(
            month.cid,
            month.msisdn,
            R.ROAMING_ARRIVAL,
            month.period,
            None,
            country,
            text,
            f"{month.msisdn}|{R.ROAMING_ARRIVAL}|{epoch}|{country}",
        )


class Usage(NamedTuple):
    """A valid usage record."""

    rid: str
    msisdn: str
    at: datetime
    kind: str
    amount_text: str
    country: str


class Month(NamedTuple):
    """Whose month a notice counts in."""

    cid: int
    msisdn: str
    period: str


def _parse(row: list[str]) -> Usage | None:
    """The record of a CSV row, or None when it is malformed."""
    if len(row) != 6:
        return None
    rid, msisdn, when, kind, amount_text, country = (v.strip() for v in row)
    try:
        at = datetime.fromisoformat(when)
    except ValueError:
        return None
    if (
        not MSISDN.match(msisdn)
        or at.tzinfo is None
        or kind not in ("data", "voice", "sms")
        or not AMOUNT.match(amount_text)
    ):
        return None
    return Usage(rid, msisdn, at, kind, amount_text, country)
