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
        levels, every, max_level = [80, 100], 100, 5000
        conn = self.conn
        conn.execute("BEGIN")
        with path.open(newline="", encoding="utf-8") as f:
            reader = csv.reader(f)
            next(reader)
            for row in reader:
                counts["read"] += 1
                if len(row) != 6:
                    counts["rejected"] += 1
                    continue
                rid, msisdn, when, kind, amount_text, country = (v.strip() for v in row)
                try:
                    at = datetime.fromisoformat(when)
                except ValueError:
                    at = None
                if (
                    not MSISDN.match(msisdn)
                    or at is None
                    or at.tzinfo is None
                    or kind not in ("data", "voice", "sms")
                    or not AMOUNT.match(amount_text)
                ):
                    counts["rejected"] += 1
                    continue
                customer = self.customers.get(msisdn)
                if customer is None:
                    continue
                cid, quota = customer
                if (
                    conn.execute(
                        "INSERT INTO care_usage_records VALUES (?) ON CONFLICT DO NOTHING", (rid,)
                    ).rowcount
                    == 0
                ):
                    counts["duplicate"] += 1
                    continue
                counts["new"] += 1
                amount = round(float(amount_text) * 1000)
                local = at.astimezone(TZ)
                period = f"{local.year}-{local.month:02d}"
                stored = _stored(at)
                known = conn.execute(
                    "SELECT last_event_at, last_country FROM care_usage_months WHERE "
                    "customer_id=? ORDER BY period DESC LIMIT 1",
                    (cid,),
                ).fetchone()
                home = amount if kind == "data" and not country else 0
                roam = amount if kind == "data" and country else 0
                total_home, total_roam = conn.execute(
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
                for level in R.crossed_levels(
                    total_home - home, total_home, quota, levels, every, max_level
                ):
                    text = render(
                        R.DATA_THRESHOLD,
                        month=month_text(period),
                        used=human_mb(total_home),
                        quota=human_mb(quota),
                        threshold=level,
                        advice=ADVICE_OVER if level >= 100 else ADVICE_NEAR,
                    )
                    counts["notified"] += self._notice(
                        cid,
                        msisdn,
                        R.DATA_THRESHOLD,
                        period,
                        level,
                        None,
                        text,
                        f"{msisdn}|{R.DATA_THRESHOLD}|{period}|{level}",
                    )
                for step in R.crossed_steps(total_roam - roam, total_roam, 20, 1000):
                    text = render(
                        R.ROAMING_DATA,
                        month=month_text(period),
                        used=human_mb(total_roam),
                        threshold=step,
                    )
                    counts["notified"] += self._notice(
                        cid,
                        msisdn,
                        R.ROAMING_DATA,
                        period,
                        step,
                        None,
                        text,
                        f"{msisdn}|{R.ROAMING_DATA}|{period}|{step}",
                    )
                late = known is not None and stored < known[0]
                if not late and R.is_arrival(known[1] if known else None, country):
                    text = render(R.ROAMING_ARRIVAL, country_name=country_name(country))
                    epoch = int(at.timestamp() * 1_000_000)
                    counts["notified"] += self._notice(
                        cid,
                        msisdn,
                        R.ROAMING_ARRIVAL,
                        period,
                        None,
                        country,
                        text,
                        f"{msisdn}|{R.ROAMING_ARRIVAL}|{epoch}|{country}",
                    )
                if counts["read"] % 10000 == 0:
                    conn.execute("COMMIT")
                    conn.execute("BEGIN")
        conn.execute("COMMIT")
        return counts
