"""Set-wise SQL over rows handed in as one JSON document — the same on SQLite and PostgreSQL.

A frame becomes a JSON array that the database unpacks itself (`json_each` on SQLite,
`json_to_recordset` on PostgreSQL), so thousands of rows cost one statement and no Python
loop; results come back as Polars frames.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import polars as pl
from sqlalchemy import Connection

SQLITE_TIME = "%Y-%m-%d %H:%M:%S%.6f"


class RowsSql:
    """Runs SQL that reads JSON rows, on the raw driver connection of a transaction."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.pg = conn.dialect.name == "postgresql"
        self.raw: Any = conn.connection.driver_connection
        self.mark = "%s" if self.pg else "?"

    def rows(self, alias: str, columns: dict[str, str]) -> str:
        """A FROM item `alias(columns…)` reading a JSON array of objects given as a parameter.

        `columns` maps names to SQL types: bigint, text, timestamptz.
        """
        if self.pg:
            cols = ", ".join(f"{name} {kind}" for name, kind in columns.items())
            return f"json_to_recordset({self.mark}::json) AS {alias}({cols})"
        cols = ", ".join(f"value ->> '$.{name}' AS {name}" for name in columns)
        return f"(SELECT {cols} FROM json_each({self.mark})) AS {alias}"

    def values(self, alias: str, column: str, kind: str = "text") -> str:
        """A FROM item `alias(column, ord)` reading a JSON array of scalars (ord from 0)."""
        if self.pg:
            return (
                f"(SELECT value::{kind} AS {column}, ord - 1 AS ord FROM "
                f"json_array_elements_text({self.mark}::json) WITH ORDINALITY AS t(value, ord))"
                f" AS {alias}"
            )
        return f"(SELECT value AS {column}, key AS ord FROM json_each({self.mark})) AS {alias}"

    def time_text(self, expr: pl.Expr) -> pl.Expr:
        """UTC instants as the text the database stores (matches the UTCDateTime column)."""
        text = expr.dt.convert_time_zone("UTC").dt.strftime(SQLITE_TIME)
        return text + "+00:00" if self.pg else text

    def instant(self, at: datetime) -> str:
        """One UTC instant as stored text."""
        text = at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
        return text + "+00:00" if self.pg else text

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Any:
        """Run a statement; its cursor."""
        cursor = self.raw.cursor()
        cursor.execute(sql, tuple(params))
        return cursor

    def frame(self, sql: str, params: Sequence[Any], schema: dict[str, Any]) -> pl.DataFrame:
        """Run a query; its rows as a frame (instants parsed to UTC)."""
        cursor = self.execute(sql, params)
        rows = cursor.fetchall()
        cursor.close()
        raw_schema = {
            k: (pl.String if isinstance(v, pl.Datetime) and not self.pg else v)
            for k, v in schema.items()
        }
        if self.pg:
            raw_schema = {
                k: (pl.Datetime("us", "UTC") if isinstance(v, pl.Datetime) else v)
                for k, v in schema.items()
            }
        out = pl.DataFrame(rows, schema=raw_schema, orient="row")
        if not self.pg:
            out = out.with_columns(
                pl.col(k).str.to_datetime("%Y-%m-%d %H:%M:%S%.f", time_zone="UTC")
                for k, v in schema.items()
                if isinstance(v, pl.Datetime)
            )
        return out


def json_rows(frame: pl.DataFrame) -> str:
    """A frame as a JSON array of objects."""
    return frame.write_json() if frame.height else "[]"


def json_strings(series: pl.Series) -> str:
    """A column of safe strings (no quotes, backslashes or control characters) as JSON."""
    if series.len() == 0:
        return "[]"
    return '["' + str(series.str.join('","').item()) + '"]'
