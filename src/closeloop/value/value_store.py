"""Writing value pictures and stage months set-wise (价值结果写入): a block of customers' rows
replaced at once — COPY on PostgreSQL, one executemany on SQLite — never a statement per row."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import delete, insert
from sqlalchemy.orm import Session

from closeloop.value.models import CustomerValue, StageMonth

VALUE_COLUMNS = (
    "customer_id", "segment", "groups", "r", "f", "m", "monthly_spend", "clv",
    "lifecycle_stage", "churn_risk", "churn_factors", "expected_value", "computed_at",
)  # fmt: skip
STAGE_COLUMNS = ("customer_id", "period", "stage")


def _copy(session: Session, table: str, columns: Sequence[str], rows: list[Any]) -> None:
    raw: Any = session.connection().connection.driver_connection
    statement = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
    with raw.cursor() as cursor, cursor.copy(statement) as copy:
        for row in rows:
            copy.write_row(row)


def replace_values(
    session: Session, between: tuple[int, int], rows: list[tuple[Any, ...]], at: datetime
) -> None:
    """The value pictures of the customers with ids in between[0]…between[1] − 1 become `rows`
    (VALUE_COLUMNS without `computed_at`; `churn_factors` as a list)."""
    session.execute(
        delete(CustomerValue).where(
            CustomerValue.customer_id >= between[0], CustomerValue.customer_id < between[1]
        )
    )
    if not rows:
        return
    if session.get_bind().dialect.name == "postgresql":
        _copy(session, "customer_values", VALUE_COLUMNS,
              [(*r[:10], json.dumps(r[10]), r[11], at) for r in rows])  # fmt: skip
        return
    session.execute(
        insert(CustomerValue), [dict(zip(VALUE_COLUMNS, (*r, at), strict=True)) for r in rows]
    )


def add_stage_months(session: Session, rows: list[tuple[int, str, str]]) -> None:
    """Stage months (customer, period, stage) not stored yet."""
    if not rows:
        return
    if session.get_bind().dialect.name == "postgresql":
        _copy(session, "customer_stage_months", STAGE_COLUMNS, list(rows))
        return
    session.execute(insert(StageMonth), [dict(zip(STAGE_COLUMNS, r, strict=True)) for r in rows])
