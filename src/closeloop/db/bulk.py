"""Set-wise upserts by a unique key: executemany on SQLite, COPY into a staging table on PostgreSQL.

Both report how many rows were inserted and how many changed; rows identical to what is stored
are left alone, so loading the same data twice changes nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection

_SQLITE_IN_CHUNK = 30000


@dataclass(frozen=True)
class UpsertCounts:
    """What an upsert did."""

    inserted: int
    updated: int
    unchanged: int


def _count_existing(conn: Connection, table: str, key: str, keys: Sequence[Any]) -> int:
    raw = conn.connection.driver_connection
    cursor = raw.cursor()  # type: ignore[union-attr]
    found = 0
    for start in range(0, len(keys), _SQLITE_IN_CHUNK):
        chunk = keys[start : start + _SQLITE_IN_CHUNK]
        marks = ",".join("?" * len(chunk))
        cursor.execute(f"SELECT count(*) FROM {table} WHERE {key} IN ({marks})", chunk)
        found += cursor.fetchone()[0]
    cursor.close()
    return found


def upsert(
    conn: Connection,
    table: str,
    key: str,
    columns: Sequence[str],
    rows: Sequence[tuple[Any, ...]],
) -> UpsertCounts:
    """Insert new keys and update changed rows.

    `rows` hold the values of `columns`, the key first; keys are unique within `rows`.
    """
    if not rows:
        return UpsertCounts(0, 0, 0)
    if columns[0] != key:
        raise ValueError("the key must be the first column")
    if conn.dialect.name == "postgresql":
        return _upsert_postgresql(conn, table, key, columns, rows)
    return _upsert_sqlite(conn, table, key, columns, rows)


def _update_clauses(table: str, key: str, columns: Sequence[str], distinct: str) -> tuple[str, str]:
    others = [c for c in columns if c != key]
    assignments = ", ".join(f"{c} = excluded.{c}" for c in others)
    differs = " OR ".join(f"{table}.{c} {distinct} excluded.{c}" for c in others)
    return assignments, differs


def _upsert_sqlite(
    conn: Connection, table: str, key: str, columns: Sequence[str], rows: Sequence[tuple[Any, ...]]
) -> UpsertCounts:
    existing = _count_existing(conn, table, key, [r[0] for r in rows])
    assignments, differs = _update_clauses(table, key, columns, "IS NOT")
    statement = (
        f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))}) "
        f"ON CONFLICT({key}) DO UPDATE SET {assignments} WHERE {differs}"
    )
    raw = conn.connection.driver_connection
    cursor = raw.cursor()  # type: ignore[union-attr]
    cursor.executemany(statement, rows)
    changed = cursor.rowcount
    cursor.close()
    inserted = len(rows) - existing
    updated = changed - inserted
    return UpsertCounts(inserted, updated, existing - updated)


def _upsert_postgresql(
    conn: Connection, table: str, key: str, columns: Sequence[str], rows: Sequence[tuple[Any, ...]]
) -> UpsertCounts:
    raw = conn.connection.driver_connection
    column_list = ", ".join(columns)
    staging = f"staging_{table}"
    with raw.cursor() as cursor:  # type: ignore[union-attr]
        cursor.execute(
            f"CREATE TEMP TABLE IF NOT EXISTS {staging} ON COMMIT DROP AS "
            f"SELECT {column_list} FROM {table} WITH NO DATA"
        )
        cursor.execute(f"TRUNCATE {staging}")
        with cursor.copy(f"COPY {staging} ({column_list}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        cursor.execute(f"SELECT count(*) FROM {staging} s JOIN {table} t ON t.{key} = s.{key}")
        existing = cursor.fetchone()[0]
        assignments, differs = _update_clauses(table, key, columns, "IS DISTINCT FROM")
        cursor.execute(
            f"INSERT INTO {table} ({column_list}) SELECT {column_list} FROM {staging} "
            f"ON CONFLICT ({key}) DO UPDATE SET {assignments} WHERE {differs}"
        )
        changed = cursor.rowcount
    inserted = len(rows) - existing
    updated = changed - inserted
    return UpsertCounts(inserted, updated, existing - updated)
