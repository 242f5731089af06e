"""Set-wise upsert of bills by (customer, period): rows go to a staging table (COPY on
PostgreSQL, executemany on SQLite), then one INSERT … ON CONFLICT merges them.

Rows identical to what is stored are left alone, so loading the same file twice changes nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection

from closeloop.db.bulk import UpsertCounts

COLUMNS = ("customer_id", "period", "amount_due", "amount_paid", "due_date", "paid_date")
_KEY = ("customer_id", "period")
_STAGING = "staging_bills"
_OTHERS = [c for c in COLUMNS if c not in _KEY]
_LIST = ", ".join(COLUMNS)


def _merge_sql(distinct: str) -> str:
    assignments = ", ".join(f"{c} = excluded.{c}" for c in _OTHERS)
    differs = " OR ".join(f"bills.{c} {distinct} excluded.{c}" for c in _OTHERS)
    return (
        f"INSERT INTO bills ({_LIST}) SELECT {_LIST} FROM {_STAGING} WHERE true "
        f"ON CONFLICT (customer_id, period) DO UPDATE SET {assignments} WHERE {differs}"
    )


_EXISTING = (
    f"SELECT count(*) FROM {_STAGING} s JOIN bills b "
    "ON b.customer_id = s.customer_id AND b.period = s.period"
)


def upsert_bills(conn: Connection, rows: Sequence[tuple[Any, ...]]) -> UpsertCounts:
    """Insert new bills and update changed ones; `rows` hold COLUMNS, keys unique within them."""
    if not rows:
        return UpsertCounts(0, 0, 0)
    raw = conn.connection.driver_connection
    if conn.dialect.name == "postgresql":
        with raw.cursor() as cursor:  # type: ignore[union-attr]
            cursor.execute(
                f"CREATE TEMP TABLE IF NOT EXISTS {_STAGING} ON COMMIT DROP AS "
                f"SELECT {_LIST} FROM bills WITH NO DATA"
            )
            cursor.execute(f"TRUNCATE {_STAGING}")
            with cursor.copy(f"COPY {_STAGING} ({_LIST}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            cursor.execute(_EXISTING)
            existing = int(cursor.fetchone()[0])
            cursor.execute(_merge_sql("IS DISTINCT FROM"))
            changed = int(cursor.rowcount)
    else:
        cursor = raw.cursor()  # type: ignore[union-attr]
        cursor.execute(
            f"CREATE TEMP TABLE IF NOT EXISTS {_STAGING} (customer_id INTEGER, period TEXT, "
            "amount_due NUMERIC, amount_paid NUMERIC, due_date TEXT, paid_date TEXT)"
        )
        cursor.execute(f"DELETE FROM {_STAGING}")
        marks = ", ".join("?" * len(COLUMNS))
        cursor.executemany(f"INSERT INTO {_STAGING} ({_LIST}) VALUES ({marks})", rows)
        existing = int(cursor.execute(_EXISTING).fetchone()[0])
        cursor.execute(_merge_sql("IS NOT"))
        changed = int(cursor.rowcount)
        cursor.execute(f"DELETE FROM {_STAGING}")
        cursor.close()
    inserted = len(rows) - existing
    updated = changed - inserted
    return UpsertCounts(inserted, updated, existing - updated)
