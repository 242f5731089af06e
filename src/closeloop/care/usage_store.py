"""The database side of usage ingestion: customers, seen record ids, month state, notices.

Every operation is one set-wise statement over a whole block (see sqlrows.py); the month
totals come back from the upsert itself, so two ingests running at once on PostgreSQL never
lose an update or miss a threshold between them.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import polars as pl
from sqlalchemy import Connection

from closeloop.care.sqlrows import RowsSql, json_rows, json_strings

CUSTOMER_SCHEMA: dict[str, Any] = {"msisdn": pl.String, "customer_id": pl.Int64, "quota": pl.Int64}
POSITION_SCHEMA: dict[str, Any] = {
    "customer_id": pl.Int64,
    "known_at": pl.Datetime("us", "UTC"),
    "known_country": pl.String,
}
TOTALS_SCHEMA: dict[str, Any] = {
    "customer_id": pl.Int64,
    "period": pl.String,
    "home_total": pl.Int64,
    "roaming_total": pl.Int64,
}
NOTICE_COLUMNS = (
    "customer_id", "msisdn", "rule", "period", "threshold", "country", "text", "status",
    "created_at", "send_after", "dedup_key", "hold_reason", "channel",
)  # fmt: skip


class UsageStore:
    """Set-wise reads and writes of one ingest transaction."""

    def __init__(self, conn: Connection) -> None:
        self.sql = RowsSql(conn)

    def customers(self, msisdns: pl.Series) -> pl.DataFrame:
        """msisdn → customer id and monthly data quota (milli-MB) of the known numbers."""
        sql = self.sql
        query = (
            f"SELECT c.msisdn, c.id, p.data_mb * 1000 FROM {sql.values('v', 'msisdn')} "
            "JOIN customers c ON c.msisdn = v.msisdn JOIN plans p ON p.id = c.plan_id"
        )
        return sql.frame(query, [json_strings(msisdns)], CUSTOMER_SCHEMA)

    def all_customers(self) -> pl.DataFrame:
        """Every customer's number, id and quota (when the whole base fits the cache)."""
        return self.sql.frame(
            "SELECT c.msisdn, c.id, p.data_mb * 1000 FROM customers c "
            "JOIN plans p ON p.id = c.plan_id",
            [],
            CUSTOMER_SCHEMA,
        )

    def customer_count(self) -> int:
        """How many customers there are."""
        cursor = self.sql.execute("SELECT count(*) FROM customers")
        (count,) = cursor.fetchone()
        cursor.close()
        return int(count)

    def claim_records(self, record_ids: pl.Series) -> pl.Series:
        """Mark record ids as seen; which of them are new (a boolean mask; of an id repeated
        within the block only the first occurrence is new)."""
        sql = self.sql
        if record_ids.len() == 0:
            return pl.Series("new", [], dtype=pl.Boolean)
        if sql.pg:
            query = (
                f"INSERT INTO care_usage_records (record_id) SELECT rid FROM "
                f"{sql.values('v', 'rid')} ON CONFLICT DO NOTHING RETURNING record_id"
            )
            new = sql.frame(query, [json_strings(record_ids)], {"rid": pl.String})["rid"]
            return record_ids.is_in(new.implode()) & record_ids.is_first_distinct()
        # SQLite has one writer at a time, so nothing races us. Usually every id is new: try
        # the insert alone and fall back to finding the repeats only when some were not.
        ids = record_ids.sort()
        sql.execute("SAVEPOINT claim").close()
        cursor = sql.execute(
            f"INSERT INTO care_usage_records (record_id) SELECT rid FROM "
            f"{sql.values('v', 'rid')} WHERE true ON CONFLICT DO NOTHING",
            [json_strings(ids)],
        )
        inserted = cursor.rowcount
        cursor.close()
        if inserted in (0, ids.len()):  # all new, or a file sent again: nothing to sort out
            sql.execute("RELEASE claim").close()
            return pl.Series("new", [inserted > 0] * ids.len(), dtype=pl.Boolean)
        sql.execute("ROLLBACK TO claim").close()
        sql.execute("RELEASE claim").close()
        first = record_ids.is_first_distinct()
        seen = sql.frame(
            f"SELECT v.ord FROM {sql.values('v', 'rid')} WHERE EXISTS "
            "(SELECT 1 FROM care_usage_records s WHERE s.record_id = v.rid)",
            [json_strings(record_ids)],
            {"ord": pl.Int64},
        )["ord"]
        mask = first & ~pl.int_range(0, record_ids.len(), eager=True).is_in(seen.implode())
        fresh = record_ids.filter(mask).sort()
        if fresh.len():
            sql.execute(
                f"INSERT INTO care_usage_records (record_id) SELECT rid FROM "
                f"{sql.values('v', 'rid')} WHERE true ON CONFLICT DO NOTHING",
                [json_strings(fresh)],
            ).close()
        return mask.alias("new")

    def positions(self, customer_ids: pl.Series) -> pl.DataFrame:
        """Each customer's latest known event: its time and country ("" at home)."""
        sql = self.sql
        query = (
            f"SELECT m.customer_id, m.last_event_at, m.last_country "
            f"FROM {sql.values('v', 'cid', 'bigint')} JOIN care_usage_months m "
            "ON m.customer_id = v.cid AND m.period = (SELECT max(x.period) FROM "
            "care_usage_months x WHERE x.customer_id = v.cid)"
        )
        ids = "[" + customer_ids.cast(pl.String).str.join(",").item() + "]"
        return sql.frame(query, [ids], POSITION_SCHEMA)

    def add_usage(self, deltas: pl.DataFrame) -> pl.DataFrame:
        """Add the block's deltas to the month state; the totals after, per (customer, month)."""
        sql = self.sql
        names = ("customer_id", "period", "home", "roaming", "voice", "sms", "records",
                 "last_at", "last_country")  # fmt: skip
        rows = deltas.select(*names[:7], sql.time_text(pl.col("last_at")).alias("last_at"),
                             "last_country")  # fmt: skip
        if sql.pg:
            types = dict.fromkeys(names, "bigint")
            types.update(period="text", last_at="timestamptz", last_country="text")
            source, params = sql.rows("d", types), [json_rows(rows)]
        else:  # a temporary table filled by executemany beats JSON extraction on SQLite
            sql.execute(
                f"CREATE TEMP TABLE IF NOT EXISTS care_usage_stage ({', '.join(names)})"
            ).close()
            sql.execute("DELETE FROM care_usage_stage").close()
            cursor = sql.raw.cursor()
            marks = ", ".join("?" * len(names))
            cursor.executemany(f"INSERT INTO care_usage_stage VALUES ({marks})", rows.iter_rows())
            cursor.close()
            source, params = "care_usage_stage", []
        t = "care_usage_months"
        later = f"excluded.last_event_at >= {t}.last_event_at"
        query = (
            f"INSERT INTO {t} (customer_id, period, home_data_milli, roaming_data_milli, "
            "voice_milli, sms_count, records, last_event_at, last_country) "
            "SELECT customer_id, period, home, roaming, voice, sms, records, last_at, "
            f"last_country FROM {source} WHERE true "
            "ON CONFLICT (customer_id, period) DO UPDATE SET "
            f"home_data_milli = {t}.home_data_milli + excluded.home_data_milli, "
            f"roaming_data_milli = {t}.roaming_data_milli + excluded.roaming_data_milli, "
            f"voice_milli = {t}.voice_milli + excluded.voice_milli, "
            f"sms_count = {t}.sms_count + excluded.sms_count, "
            f"records = {t}.records + excluded.records, "
            f"last_country = CASE WHEN {later} THEN excluded.last_country "
            f"ELSE {t}.last_country END, "
            f"last_event_at = CASE WHEN {later} THEN excluded.last_event_at "
            f"ELSE {t}.last_event_at END "
            "RETURNING customer_id, period, home_data_milli, roaming_data_milli"
        )
        return sql.frame(query, params, TOTALS_SCHEMA)

    def opted_out(self, customer_ids: pl.Series) -> pl.DataFrame:
        """(customer_id, rule) of the opt-outs of these customers."""
        sql = self.sql
        ids = "[" + customer_ids.cast(pl.String).str.join(",").item() + "]"
        return sql.frame(
            f"SELECT o.customer_id, o.rule FROM {sql.values('v', 'cid', 'bigint')} "
            "JOIN notification_optouts o ON o.customer_id = v.cid",
            [ids],
            {"customer_id": pl.Int64, "rule": pl.String},
        )

    def insert_notices(self, frame: pl.DataFrame, now: datetime) -> int:
        """Write notices to the outbox (a dedup_key already there is skipped); how many."""
        if frame.height == 0:
            return 0
        sql = self.sql
        rows = frame.with_columns(
            created_at=pl.lit(sql.instant(now)),
            send_after=sql.time_text(pl.col("send_after")),
        ).select(NOTICE_COLUMNS)
        types = {c: "text" for c in NOTICE_COLUMNS}
        types.update(customer_id="bigint", threshold="bigint")
        types.update(created_at="timestamptz", send_after="timestamptz")
        cols = ", ".join(NOTICE_COLUMNS)
        cursor = sql.execute(
            f"INSERT INTO notifications ({cols}, recipient, attempts) "
            f"SELECT {cols}, 'customer', 0 FROM {sql.rows('n', types)} WHERE true "
            "ON CONFLICT (dedup_key) DO NOTHING",
            [json_rows(rows)],
        )
        count = int(cursor.rowcount)
        cursor.close()
        return count
